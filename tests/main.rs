//! The integration suite, one binary: fixtures per rule, the catalogue and its
//! docs, the CLI end to end, and SARIF validation.

mod common;

mod action;
mod baseline;
mod catalogue;
mod ci_examples;
mod ci_surfaces;
mod cli;
mod fix;
mod fuzz_regressions;
mod hostile;
mod layers;
mod plugins;
mod precommit;
mod readiness;
mod rule_fixtures;
mod safety;
mod sarif;
mod secrets_leak;
