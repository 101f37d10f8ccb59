//! The integration suite, one binary: fixtures per rule, the catalogue and its
//! docs, the CLI end to end, and SARIF validation.

mod common;

mod catalogue;
mod cli;
mod plugins;
mod rule_fixtures;
mod sarif;
