//! The scan result as reports show it: [`Sanitizer`] (in `secrets::sanitize`) applied
//! to every string of a [`ScanResult`] taken from the scanned repository or a plugin,
//! as values, before any format serializes them.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::engine::{RuleOutcome, ScanResult};
use crate::finding::{Finding, Label, Location, Suppression, ToolDiagnostic};
use crate::rule::Outcome;
pub(crate) use crate::secrets::sanitize::Sanitizer;
use crate::secrets::sanitize::{add_secret_forms, mask_spans, terminal_safe_in_place};
use crate::source::{SourceFile, Span};

impl Sanitizer {
    /// Masks every secret of every file the report quotes: each finding's redaction
    /// spans plus whatever the detectors find in those files (so they are masked even
    /// when no secret rule ran).
    pub(crate) fn for_result(result: &ScanResult) -> Self {
        let mut secrets = BTreeSet::new();
        let redactions = redactions_by_path(result);
        for source in result.sources.values() {
            let spans = redactions
                .get(source.path.as_str())
                .into_iter()
                .flatten()
                .copied()
                // Values of credential files (SEC005's stores) too, not only inline formats.
                .chain(crate::secrets::secret_spans(&source.path, &source.text));
            add_secret_forms(&source.text, spans, &mut secrets);
        }
        // Files whose texts the scan did not keep: the same forms, taken during the scan.
        for (path, forms) in &result.secret_forms {
            secrets.extend(forms.detected.iter().cloned());
            for span in redactions.get(path.as_str()).into_iter().flatten() {
                if let Some(redacted) = forms.redacted.get(span) {
                    secrets.extend(redacted.iter().cloned());
                }
            }
        }
        // A short password that is also a folder or file name of the repository
        // (`JDBC_PASSWORD=keycloak` beside `idm/keycloak/keycloak.jks`) is masked where
        // it is found (its spans), not everywhere: masking it in paths would send every
        // location under that folder to a file that does not exist.
        let names = path_names(result);
        secrets.retain(|s| s.chars().count() >= 16 || !names.contains(s.as_str()));
        Sanitizer::from_secrets(&secrets)
    }

    /// A finding with every text field (and its paths) sanitised.
    pub(crate) fn finding(&self, f: &Finding) -> Finding {
        Finding {
            location: self.location(&f.location),
            message: self.text(&f.message),
            labels: f
                .labels
                .iter()
                .map(|l| Label {
                    location: self.location(&l.location),
                    message: self.text(&l.message),
                })
                .collect(),
            help: f.help.as_deref().map(|h| self.text(h)),
            suppression: f.suppression.as_ref().map(|s| Suppression {
                kind: s.kind,
                reason: s.reason.as_deref().map(|r| self.text(r)),
            }),
            // A fix whose text would need masking is not shown at all: a masked
            // edit would be a wrong one.
            fix: f
                .fix
                .as_ref()
                .filter(|fix| {
                    self.line(&fix.path) == fix.path
                        && self.text(&fix.description) == fix.description
                        && fix.edits.iter().all(|e| self.text(&e.content) == e.content)
                })
                .cloned(),
            ..f.clone()
        }
    }

    fn location(&self, loc: &Location) -> Location {
        Location {
            path: self.line(&loc.path),
            ..loc.clone()
        }
    }

    /// The scan result as reports show it: every string from the repository or a
    /// plugin sanitised, snippets' texts masked (byte lengths kept, so spans stay
    /// valid). Counts, order and locations are the input's.
    pub(crate) fn view(&self, result: &ScanResult) -> ScanResult {
        let redactions = redactions_by_path(result);
        let sources = result
            .sources
            .iter()
            .map(|(path, source)| {
                let own = redactions
                    .get(source.path.as_str())
                    .map_or(&[][..], Vec::as_slice);
                // A secret found in any quoted file is masked in every snippet too.
                let text = terminal_safe_in_place(&self.mask_in_place(&masked_text(source, own)));
                let clean_path = self.line(path);
                // NOTE: most quoted files need no change: share them rather than hold a
                // second copy of every quoted file while rendering.
                if text == source.text && clean_path == *path && source.path == *path {
                    return (clean_path, Arc::clone(source));
                }
                let file = SourceFile::new(self.line(path), source.kind, text);
                (clean_path, Arc::new(file))
            })
            .collect();
        ScanResult {
            root: result.root.clone(),
            stage: result.stage,
            findings: result.findings.iter().map(|f| self.finding(f)).collect(),
            diagnostics: result
                .diagnostics
                .iter()
                .map(|d| ToolDiagnostic {
                    location: self.location(&d.location),
                    message: self.text(&d.message),
                    ..d.clone()
                })
                .collect(),
            skipped: result
                .skipped
                .iter()
                .map(|s| {
                    let mut s = s.clone();
                    s.path = self.line(&s.path);
                    s.detail = self.line(&s.detail);
                    s
                })
                .collect(),
            files_by_kind: result.files_by_kind.clone(),
            sources,
            secret_forms: Default::default(),
            outcomes: result
                .outcomes
                .iter()
                .map(|o| RuleOutcome {
                    outcome: match &o.outcome {
                        Outcome::Inconclusive(r) => Outcome::Inconclusive(self.line(r)),
                        other => other.clone(),
                    },
                    attested: o.attested.as_ref().map(|a| crate::config::Attestation {
                        reason: a.reason,
                        note: self.line(&a.note),
                    }),
                    detail: o.detail.as_deref().map(|d| self.line(d)),
                    unreported: o.unreported.as_ref().map(|f| self.finding(f)),
                    ..o.clone()
                })
                .collect(),
            facts: Default::default(),
            repo_rules_ran: result.repo_rules_ran,
            elapsed: result.elapsed,
            rules: result.rules.clone(),
        }
    }
}

/// The file's text with every secret of every finding in it masked (all but the
/// first 4 characters become `*`, byte length kept so spans stay valid). Secrets the
/// detectors find are masked too, so a snippet of another rule's finding cannot show
/// one on a context line when no secret rule ran.
/// `redactions`: the redaction spans of the findings in this file
/// ([`redactions_by_path`]).
pub(crate) fn masked_text(source: &SourceFile, redactions: &[Span]) -> String {
    let spans: Vec<Span> = redactions
        .iter()
        .copied()
        .chain(crate::secrets::secret_spans(&source.path, &source.text))
        .collect();
    mask_spans(&source.text, spans)
}

/// The folder and file names of every path a report can print, and each file name's
/// stem (`keycloak` of `keycloak.jks`).
fn path_names(result: &ScanResult) -> BTreeSet<&str> {
    let paths = result
        .sources
        .keys()
        .map(String::as_str)
        .chain(result.findings.iter().flat_map(|f| {
            std::iter::once(f.location.path.as_str())
                .chain(f.labels.iter().map(|l| l.location.path.as_str()))
        }))
        .chain(result.diagnostics.iter().map(|d| d.location.path.as_str()))
        .chain(result.skipped.iter().map(|s| s.path.as_str()));
    let mut names = BTreeSet::new();
    for path in paths {
        for name in path.split('/') {
            names.insert(name);
            if let Some((stem, _)) = name.split_once('.') {
                names.insert(stem);
            }
        }
    }
    names
}

/// Every finding's redaction spans, grouped by file path in finding order.
// NOTE: grouped once (a filter over all findings per quoted file is files x findings:
// a third of the CPU at 80,000 files).
fn redactions_by_path(result: &ScanResult) -> HashMap<&str, Vec<Span>> {
    let mut redactions: HashMap<&str, Vec<Span>> = HashMap::new();
    for f in &result.findings {
        if !f.redactions.is_empty() {
            redactions
                .entry(f.location.path.as_str())
                .or_default()
                .extend(f.redactions.iter().copied());
        }
    }
    redactions
}
