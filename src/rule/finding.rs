//! A finding: one problem at one place. The engine stamps rule, severity and
//! fingerprint; rules only say where and what.

use sha2::{Digest, Sha256};

use super::{FixSafety, RuleMeta, Severity};
pub(crate) use crate::source::Location;
use crate::source::{LineCol, SourceFile, Span};

/// A problem of the tool, not of the repo: never a SARIF result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolDiagnostic {
    /// `parse-error`, `read-error`, `ignore-comment`, `rule-error`, `plugin-error`, `discovery`.
    pub kind: &'static str,
    pub location: Location,
    pub message: String,
    /// `error` or `warning`.
    pub level: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Label {
    pub location: Location,
    pub message: String,
}

/// Why a finding is not counted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Suppression {
    /// `inline` (a comment), `config` (a path-scoped ignore) or `baseline`.
    pub kind: &'static str,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub location: Location,
    pub message: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// A stable identity for baselines and SARIF `partialFingerprints`: rule, path,
    /// the trimmed text of the finding's line (so it survives edits above it) and,
    /// for secrets, a hash of the secret (so a changed secret is a new finding).
    pub fingerprint: String,
    pub suppression: Option<Suppression>,
    /// Secret values inside this file: masked in every snippet shown.
    pub redactions: Vec<Span>,
    /// How to fix it mechanically, if the rule knows (`--fix`, JSON, SARIF `fixes`).
    pub fix: Option<Fix>,
}

/// A fix: replacements in one file, applied together or not at all. Offsets are bytes
/// of the file as the scan read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub safety: FixSafety,
    /// What the fix does, in a few words (`add sensitive = true`).
    pub description: String,
    /// The file the edits change, relative to the root (not always the finding's file:
    /// DLV005's fix creates a `.dockerignore`).
    pub path: String,
    /// Whether the fix creates `path` (it does not exist; its one edit is the content).
    pub creates: bool,
    /// Sorted, non-overlapping.
    pub edits: Vec<Edit>,
}

/// Bytes `start..end` become `content`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub start: u32,
    pub end: u32,
    pub content: String,
}

impl Edit {
    pub(crate) fn replace(span: Span, content: impl Into<String>) -> Self {
        Edit {
            start: span.start,
            end: span.end,
            content: content.into(),
        }
    }

    pub(crate) fn insert(at: u32, content: impl Into<String>) -> Self {
        Edit {
            start: at,
            end: at,
            content: content.into(),
        }
    }
}

impl Finding {
    pub(crate) fn at_location(rule: &'static RuleMeta, loc: &Location, message: String) -> Self {
        let fingerprint = fingerprint(rule.id, &loc.path, &message, None);
        Finding {
            rule,
            severity: rule.severity,
            location: loc.clone(),
            message,
            labels: Vec::new(),
            help: None,
            fingerprint,
            suppression: None,
            redactions: Vec::new(),
            fix: None,
        }
    }

    pub(crate) fn at_root(rule: &'static RuleMeta, message: String) -> Self {
        Finding::at_location(rule, &Location::root(), message)
    }

    /// Sort key: path, line, column, rule id, message.
    pub(crate) fn sort_key(&self) -> (&str, LineCol, &str, &str) {
        (
            &self.location.path,
            self.location.start,
            self.rule.id,
            &self.message,
        )
    }

    pub(crate) fn is_suppressed(&self) -> bool {
        self.suppression.is_some()
    }
}

/// Built by a rule through `cx.finding(span)`, finished by `cx.report(...)`.
#[must_use]
pub struct FindingBuilder {
    rule: &'static RuleMeta,
    span: Span,
    message: Option<String>,
    labels: Vec<(Span, String)>,
    help: Option<String>,
    severity: Option<Severity>,
    secret: Option<Span>,
    masks: Vec<Span>,
    fix: Option<(String, Option<String>, Vec<Edit>)>,
}

impl FindingBuilder {
    pub fn new(rule: &'static RuleMeta, span: Span) -> Self {
        FindingBuilder {
            rule,
            span,
            message: None,
            labels: Vec::new(),
            help: None,
            severity: None,
            secret: None,
            masks: Vec::new(),
            fix: None,
        }
    }

    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// A secondary span with its own label.
    pub(crate) fn label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push((span, message.into()));
        self
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Overrides the rule's default severity where the spec says so.
    pub(crate) fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    /// Where the secret this finding is about sits: snippets mask it, and only
    /// its hash enters the fingerprint (so a changed secret is a new finding).
    pub fn secret(mut self, span: Span) -> Self {
        self.secret = Some(span);
        self
    }

    /// Another secret value of the file that a snippet may show (a context line): masked
    /// like the `secret`, but not part of the fingerprint.
    pub(crate) fn mask(mut self, span: Span) -> Self {
        self.masks.push(span);
        self
    }

    /// A fix by edits of this finding's file (the rule's `fix:` says how safe it is;
    /// a rule without one cannot attach fixes). Empty edits mean no fix.
    pub(crate) fn fix(mut self, description: impl Into<String>, mut edits: Vec<Edit>) -> Self {
        edits.sort_by_key(|e| (e.start, e.end));
        let overlapping = edits.windows(2).any(|w| w[1].start < w[0].end);
        if !edits.is_empty() && !overlapping && self.rule.fix != FixSafety::None {
            self.fix = Some((description.into(), None, edits));
        }
        self
    }

    /// A fix that creates the file `path` (relative to the root) with `content`.
    pub(crate) fn fix_create(
        mut self,
        description: impl Into<String>,
        path: impl Into<String>,
        content: impl Into<String>,
    ) -> Self {
        if self.rule.fix != FixSafety::None {
            self.fix = Some((
                description.into(),
                Some(path.into()),
                vec![Edit::insert(0, content)],
            ));
        }
        self
    }

    pub fn build(self, file: &SourceFile) -> Finding {
        let location = Location::in_file(file, self.span);
        let line = file
            .text
            .get(
                file.line_index()
                    .line_range(location.start.line.saturating_sub(1) as usize, &file.text),
            )
            .unwrap_or("")
            .trim();
        let secret = self.secret.map(|span| file.slice(span));
        let fingerprint = fingerprint(self.rule.id, &file.path, line, secret);
        let labels = self
            .labels
            .into_iter()
            .map(|(span, message)| Label {
                location: Location::in_file(file, span),
                message,
            })
            .collect();
        Finding {
            rule: self.rule,
            severity: self.severity.unwrap_or(self.rule.severity),
            location,
            message: self
                .message
                .unwrap_or_else(|| self.rule.summary.to_string()),
            labels,
            help: self.help,
            fingerprint,
            suppression: None,
            redactions: self.secret.into_iter().chain(self.masks).collect(),
            fix: self.fix.map(|(description, created, edits)| {
                let len = u32::try_from(file.text.len()).unwrap_or(u32::MAX);
                Fix {
                    safety: self.rule.fix,
                    description,
                    creates: created.is_some(),
                    path: created.unwrap_or_else(|| file.path.clone()),
                    edits: edits
                        .into_iter()
                        .map(|e| Edit {
                            start: e.start.min(len),
                            end: e.end.min(len).max(e.start.min(len)),
                            content: e.content,
                        })
                        .collect(),
                }
            }),
        }
    }
}

pub fn sha256_hex(data: &[u8]) -> String {
    let digest = Sha256::digest(data);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

fn fingerprint(rule: &str, path: &str, content: &str, secret: Option<&str>) -> String {
    let mut input = format!("{rule}\u{0}{path}\u{0}{content}");
    if let Some(secret) = secret {
        input.push('\u{0}');
        input.push_str(&sha256_hex(secret.as_bytes()));
    }
    sha256_hex(input.as_bytes())[..32].to_string()
}

/// How many active findings carry a fix of each safety: (safe, unsafe).
pub(crate) fn fixable_counts(findings: &[Finding]) -> (usize, usize) {
    let mut counts = (0, 0);
    for f in findings.iter().filter(|f| !f.is_suppressed()) {
        match f.fix.as_ref().map(|fix| fix.safety) {
            Some(FixSafety::Safe) => counts.0 += 1,
            Some(FixSafety::Unsafe) => counts.1 += 1,
            _ => {}
        }
    }
    counts
}
