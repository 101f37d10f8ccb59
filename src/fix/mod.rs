//! `--fix`, `--unsafe-fixes` and `--diff`: applies the fixes findings carry.
//!
//! A fix is a set of byte-span replacements in one file (see [`crate::finding::Fix`]).
//! Fixes of one file are applied in passes: each pass takes the fixes that do not
//! overlap, applies them, and scans the new text again (in memory) for the rest, until
//! nothing changes or [`MAX_PASSES`] is reached. A file is written only when its text
//! on disk is still the one the scan read, when it still parses as well as before, and
//! atomically (a temporary file in the same directory, renamed over it).

mod apply;
mod diff;
mod write;

use std::collections::BTreeMap;

use crate::config::Config;
use crate::engine::{self, ScanOptions, ScanResult, Selection};
use crate::finding::{Finding, Fix};
use crate::rule::FixSafety;

/// After this many passes over a file the remaining fixes are left for another run.
pub(crate) const MAX_PASSES: usize = 10;

/// What `--fix` / `--diff` should do.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FixMode {
    /// Also apply unsafe fixes (`--unsafe-fixes`).
    pub unsafe_fixes: bool,
    /// Write the files (`--fix`); otherwise only compute the diff (`--diff`).
    pub write: bool,
}

impl FixMode {
    fn allows(self, safety: FixSafety) -> bool {
        match safety {
            FixSafety::None => false,
            FixSafety::Safe => true,
            FixSafety::Unsafe => self.unsafe_fixes,
        }
    }
}

/// What fixing did.
#[derive(Debug, Default)]
pub(crate) struct FixOutcome {
    /// Findings fixed (or, with `--diff`, that would be).
    pub fixed: usize,
    /// Files changed (or created), relative to the root, sorted.
    pub files: Vec<String>,
    /// Unified diff of every change (empty when nothing changes).
    pub diff: String,
    /// Files that were not fixed, and why (for stderr).
    pub problems: Vec<String>,
}

/// The fixes of `findings` that `mode` applies, by the file they change.
fn fixes_by_file(findings: &[Finding], mode: FixMode) -> BTreeMap<&str, Vec<&Fix>> {
    let mut by_file: BTreeMap<&str, Vec<&Fix>> = BTreeMap::new();
    for f in findings.iter().filter(|f| !f.is_suppressed()) {
        if let Some(fix) = &f.fix {
            if mode.allows(fix.safety) {
                by_file.entry(fix.path.as_str()).or_default().push(fix);
            }
        }
    }
    by_file
}

/// Applies (or, without `mode.write`, only diffs) the fixes of the scan's findings.
pub(crate) fn run(
    result: &ScanResult,
    opts: &ScanOptions,
    config: &Config,
    selection: &Selection,
    mode: FixMode,
) -> FixOutcome {
    let mut outcome = FixOutcome::default();
    // Rescans see only this file: no repo rules, findings of the target stage.
    let rescan_opts = ScanOptions {
        root: opts.root.clone(),
        paths: Some(Vec::new()),
        stage: opts.stage,
        select: opts.select.clone(),
        ignore: opts.ignore.clone(),
        jobs: 1,
        no_ignores: opts.no_ignores,
        repo_rules: false,
        max_file_size: opts.max_file_size,
        keep_texts: true,
    };
    let rescan = |path: &str, text: &str| -> Vec<Fix> {
        let scanned = engine::scan_text(&rescan_opts, config, selection, path, text.to_string());
        fixes_by_file(&scanned.findings, mode)
            .remove(path)
            .unwrap_or_default()
            .into_iter()
            .filter(|fix| !fix.creates)
            .cloned()
            .collect()
    };
    for (path, fixes) in fixes_by_file(&result.findings, mode) {
        let target = write::Target::new(&opts.root, path);
        let change = if fixes.iter().any(|f| f.creates) {
            // Every fix creating this file offers the same content: the first one wins.
            let Some(first) = fixes.iter().find(|f| f.creates) else {
                continue;
            };
            let content: String = first.edits.iter().map(|e| e.content.as_str()).collect();
            match target.check_new() {
                Ok(()) => Some((String::new(), content, fixes.len())),
                Err(why) => {
                    outcome.problems.push(format!("{path}: not created: {why}"));
                    None
                }
            }
        } else {
            let scanned = result.sources.get(path).map(|s| s.text.as_str());
            match target.read_unchanged(scanned, opts.max_file_size) {
                Ok(disk) => {
                    let owned: Vec<Fix> = fixes.into_iter().cloned().collect();
                    let passes = apply::in_passes(path, &disk, owned, &rescan);
                    if let Some(note) = passes.note {
                        outcome.problems.push(format!("{path}: {note}"));
                    }
                    match apply::still_parses(path, &disk, &passes.text) {
                        Ok(()) if passes.fixed > 0 => Some((disk, passes.text, passes.fixed)),
                        Ok(()) => None,
                        Err(why) => {
                            outcome.problems.push(format!("{path}: not fixed: {why}"));
                            None
                        }
                    }
                }
                Err(why) => {
                    outcome.problems.push(format!("{path}: not fixed: {why}"));
                    None
                }
            }
        };
        let Some((before, after, fixed)) = change else {
            continue;
        };
        if before == after {
            continue;
        }
        if mode.write {
            let written = if before.is_empty() && !target.exists() {
                target.create(&after)
            } else {
                target.replace(&before, &after)
            };
            if let Err(why) = written {
                outcome.problems.push(format!("{path}: not fixed: {why}"));
                continue;
            }
        }
        outcome.diff.push_str(&diff::unified(path, &before, &after));
        outcome.fixed += fixed;
        outcome.files.push(path.to_string());
    }
    outcome
}
