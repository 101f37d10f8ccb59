//! The integration suite, one binary: fixtures per rule, the catalogue and its
//! docs, the CLI end to end, and SARIF validation.

mod common;

mod baseline;
mod catalogue;
mod ci_examples;
mod cli;
mod precommit;
mod readiness;
mod rule_fixtures;
mod sarif;
