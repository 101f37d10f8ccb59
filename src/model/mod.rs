//! Span-carrying typed views that rules read.

pub mod ci;
pub mod ecs;
pub mod environment;
pub mod ingress;
pub mod terraform;
