//! Span-carrying typed views that rules read.

pub mod ci;
pub mod dockerfile;
pub mod ecs;
pub mod environment;
pub mod iam;
pub mod ingress;
mod parsed;
pub mod root_module;
pub mod setting;
pub mod terraform;

pub use parsed::{parse, Parsed};
