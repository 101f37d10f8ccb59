//! devops-lint: a DevOps readiness linter for startups.
//!
//! Layout: `discover` finds and reads files, `parse` reads each syntax, `model`
//! builds the span-carrying views rules read, `engine` runs the rules in parallel,
//! `report` renders findings. The rule catalogue lives at the top of the repo
//! in `rules/` (one file per rule) so it is the first thing a newcomer sees;
//! it is mounted here with `#[path]` so the build stays one crate.

#![warn(unreachable_pub)]

pub mod baseline;
pub mod cli;
pub mod config;
pub mod discover;
pub mod docs;
pub mod engine;
pub(crate) mod facts;
pub(crate) mod fix;
#[doc(hidden)]
pub mod fuzzing;
pub(crate) mod init;
pub(crate) mod model;
pub(crate) mod parse;
pub mod plugin;
pub mod plugin_harness;
pub(crate) mod readiness;
pub mod registry;
pub mod report;
pub mod rule;
pub use rule::finding;
#[path = "../rules/mod.rs"]
pub(crate) mod rules;
pub mod secrets;
pub mod source;
pub(crate) mod suppress;
