//! Baselines, for adopting devops-lint on an existing repo: `--write-baseline`
//! records today's findings by fingerprint; `--baseline` (or `baseline` in the
//! config) then suppresses those and reports only new ones.
//!
//! A fingerprint hashes the rule, the path, the trimmed text of the finding's
//! line and, for secrets, a hash of the secret (src/rule/finding.rs). So moving code
//! up or down keeps a finding matched, while editing its line, changing a secret
//! or adding a new resource makes a new one. Identical lines in one file share a
//! fingerprint that the engine numbers `:1`, `:2`; matching counts them instead
//! (a multiset per fingerprint), so it does not depend on their order.
//! Secrets never reach the file: findings about a secret are stored without
//! their message, and the fingerprint only holds a hash.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding::{Finding, Suppression};

/// Bumped when the file's meaning changes (a new field keeps it).
pub(crate) const BASELINE_VERSION: u32 = 1;
/// The name `init` and the docs use.
pub(crate) const DEFAULT_BASELINE_FILE: &str = ".devops-lint-baseline.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub tool: String,
    /// Sorted by path, rule, fingerprint: a re-written baseline diffs cleanly.
    pub findings: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    /// Relative to the scanned root; empty for a repo-wide finding.
    pub path: String,
    /// For the reader of the file only (absent for secrets); matching ignores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline {path}: {message}")]
    Read { path: String, message: String },
    #[error("invalid baseline {path}: {message}")]
    Invalid { path: String, message: String },
    #[error("baseline {path} has version {found}; this devops-lint reads version {BASELINE_VERSION} (re-create it with --write-baseline)")]
    Version { path: String, found: u32 },
    #[error("cannot write baseline {path}: {message}")]
    Write { path: String, message: String },
}

/// What applying a baseline did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// Findings suppressed because the baseline has them.
    pub matched: usize,
    /// Baseline entries no finding matched any more (fixed, or code changed).
    pub unmatched: usize,
}

impl Baseline {
    /// Today's unsuppressed findings (inline and config ignores already applied).
    pub fn from_findings<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Baseline {
        let mut entries: Vec<Entry> = findings
            .into_iter()
            .filter(|f| !f.is_suppressed())
            .map(|f| Entry {
                fingerprint: f.fingerprint.clone(),
                rule: f.rule.id.to_string(),
                path: f.location.path.clone(),
                message: (!is_about_a_secret(f)).then(|| f.message.clone()),
            })
            .collect();
        entries.sort_by(|a, b| {
            (&a.path, &a.rule, &a.fingerprint).cmp(&(&b.path, &b.rule, &b.fingerprint))
        });
        Baseline {
            version: BASELINE_VERSION,
            tool: "devops-lint".into(),
            findings: entries,
        }
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    pub fn parse(text: &str, path: &str) -> Result<Baseline, BaselineError> {
        #[derive(Deserialize)]
        struct Versioned {
            version: u32,
        }
        let invalid = |e: serde_json::Error| BaselineError::Invalid {
            path: path.to_string(),
            message: e.to_string(),
        };
        let versioned: Versioned = serde_json::from_str(text).map_err(invalid)?;
        if versioned.version != BASELINE_VERSION {
            return Err(BaselineError::Version {
                path: path.to_string(),
                found: versioned.version,
            });
        }
        serde_json::from_str(text).map_err(invalid)
    }

    pub(crate) fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| BaselineError::Read {
            path: shown.clone(),
            message: e.to_string(),
        })?;
        Baseline::parse(&text, &shown)
    }

    pub(crate) fn write(&self, path: &Path) -> Result<(), BaselineError> {
        std::fs::write(path, self.to_json()).map_err(|e| BaselineError::Write {
            path: path.display().to_string(),
            message: e.to_string(),
        })
    }

    /// Suppresses (kind `baseline`) every unsuppressed finding the baseline
    /// holds. `findings` must be in the engine's order, so that of several
    /// findings sharing a fingerprint the first ones are the old ones.
    pub fn apply(&self, findings: &mut [Finding], name: &str) -> Applied {
        let mut remaining: BTreeMap<&str, usize> = BTreeMap::new();
        for entry in &self.findings {
            *remaining
                .entry(base_fingerprint(&entry.fingerprint))
                .or_default() += 1;
        }
        let mut applied = Applied::default();
        for finding in findings.iter_mut().filter(|f| !f.is_suppressed()) {
            let Some(count) = remaining.get_mut(base_fingerprint(&finding.fingerprint)) else {
                continue;
            };
            if *count == 0 {
                continue;
            }
            *count -= 1;
            applied.matched += 1;
            finding.suppression = Some(Suppression {
                kind: "baseline",
                reason: Some(format!("in the baseline {name}")),
            });
        }
        applied.unmatched = remaining.values().sum();
        applied
    }
}

/// The fingerprint without the engine's `:n` repeat number.
fn base_fingerprint(fingerprint: &str) -> &str {
    fingerprint
        .split_once(':')
        .map_or(fingerprint, |(base, _)| base)
}

/// Findings that carry a secret (masked in snippets) keep no message in the file.
fn is_about_a_secret(f: &Finding) -> bool {
    !f.redactions.is_empty() || f.rule.carries_secret
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeat_numbers_are_stripped_for_matching() {
        assert_eq!(base_fingerprint("abc:2"), "abc");
        assert_eq!(base_fingerprint("abc"), "abc");
    }

    #[test]
    fn rejects_other_versions_and_junk() {
        let err = Baseline::parse(r#"{"version": 9, "tool": "x", "findings": []}"#, "b.json")
            .expect_err("version 9");
        assert!(err.to_string().contains("version 9"), "{err}");
        let err = Baseline::parse("[]", "b.json").expect_err("not an object");
        assert!(matches!(err, BaselineError::Invalid { .. }));
    }

    #[test]
    fn round_trips_through_json() {
        let baseline = Baseline {
            version: BASELINE_VERSION,
            tool: "devops-lint".into(),
            findings: vec![Entry {
                fingerprint: "0123".into(),
                rule: "SEC007".into(),
                path: "main.tf".into(),
                message: None,
            }],
        };
        let text = baseline.to_json();
        assert!(
            !text.contains("message"),
            "absent messages are not written: {text}"
        );
        assert_eq!(Baseline::parse(&text, "b.json").expect("parses"), baseline);
    }
}
