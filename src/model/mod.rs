//! Span-carrying typed views that rules read.

pub mod ci;
pub mod ingress;
pub mod terraform;
