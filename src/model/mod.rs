//! Span-carrying typed views that rules read.

pub(crate) mod ci;
pub(crate) mod dockerfile;
pub(crate) mod ecs;
pub(crate) mod environment;
pub(crate) mod iam;
pub(crate) mod ingress;
mod parsed;
pub(crate) mod root_module;
pub(crate) mod setting;
pub(crate) mod terraform;

pub(crate) use parsed::{parse, Parsed};
