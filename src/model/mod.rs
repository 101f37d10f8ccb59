//! Span-carrying typed views that rules read.

pub mod ci;
pub mod terraform;
pub mod ingress;
pub mod ecs;
pub mod environment;
