//! The catalogue: every built-in rule (from `rules/mod.rs`) plus plugin rules,
//! looked up by ID or name.

use std::sync::LazyLock;

use crate::rule::{Rule, RuleMeta};

pub struct Registry {
    rules: Vec<&'static dyn Rule>,
}

static BUILTIN: LazyLock<Registry> = LazyLock::new(|| Registry {
    rules: crate::rules::all(),
});

impl Registry {
    /// The built-in rules, in ID order.
    pub fn builtin() -> &'static Registry {
        &BUILTIN
    }

    /// Built-ins plus extra (plugin) rules.
    pub fn with_extra(extra: Vec<&'static dyn Rule>) -> Registry {
        let mut rules = crate::rules::all();
        rules.extend(extra);
        Registry { rules }
    }

    pub(crate) fn rules(&self) -> &[&'static dyn Rule] {
        &self.rules
    }

    pub fn metas(&self) -> impl Iterator<Item = &'static RuleMeta> + '_ {
        self.rules.iter().map(|r| r.meta())
    }

    /// By ID (case-insensitive) or kebab-case name.
    pub fn find(&self, key: &str) -> Option<&'static RuleMeta> {
        self.metas().find(|m| m.matches(key))
    }
}

/// The talk's order of next steps, as rule IDs (`rules::PRIORITY`); the readiness card
/// sorts failing rules by it.
pub(crate) fn priority_order() -> &'static [&'static str] {
    crate::rules::PRIORITY
}
