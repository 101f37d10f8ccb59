//! Logic shared by several rules (as ruff keeps a family's `helpers.rs` next to its
//! rules): verdicts built from facts, shared matchers, and test helpers for rule docs.
//! A rule file imports from here, never from another rule file; core modules
//! (`facts`, `engine`, `readiness`, ...) never import from here. Items are
//! `pub(crate)`; each module says which rules use it.

pub(crate) mod commands;
pub(crate) mod profile;
#[cfg(test)]
pub(crate) mod signals;
pub(crate) mod terraform;
