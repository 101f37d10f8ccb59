//! A finding: one problem at one place. The engine stamps rule, severity and
//! fingerprint; rules only say where and what.

use sha2::{Digest, Sha256};

use super::{RuleMeta, Severity};
pub use crate::source::Location;
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
}

impl Finding {
    pub fn at_location(rule: &'static RuleMeta, loc: &Location, message: String) -> Self {
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
        }
    }

    pub fn at_root(rule: &'static RuleMeta, message: String) -> Self {
        Finding::at_location(rule, &Location::root(), message)
    }

    /// Sort key: path, line, column, rule id, message.
    pub fn sort_key(&self) -> (&str, LineCol, &str, &str) {
        (
            &self.location.path,
            self.location.start,
            self.rule.id,
            &self.message,
        )
    }

    pub fn is_suppressed(&self) -> bool {
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
        }
    }

    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// A secondary span with its own label.
    pub fn label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push((span, message.into()));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Overrides the rule's default severity where the spec says so.
    pub fn severity(mut self, severity: Severity) -> Self {
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
    pub fn mask(mut self, span: Span) -> Self {
        self.masks.push(span);
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
