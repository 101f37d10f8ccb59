//! Readable output: miette diagnostics grouped by file, with the snippet and a
//! label under the exact span, then a summary.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, SourceCode,
    SourceSpan, SpanContents,
};

use super::{RenderOptions, Sanitizer};
use crate::engine::ScanResult;
use crate::finding::ToolDiagnostic;
use crate::finding::{Finding, Location};
use crate::readiness::Readiness;
use crate::rule::Severity;

/// A file's (masked) text as miette source code, shared by all its findings.
#[derive(Debug, Clone)]
struct Snippet {
    name: String,
    text: Arc<str>,
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_ref()
                .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

struct Report<'a> {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    url: Option<String>,
    snippet: Option<&'a Snippet>,
    labels: Vec<LabeledSpan>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.url
            .as_ref()
            .map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.snippet.map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.snippet.is_none() || self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.clone().into_iter()))
    }
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Note => miette::Severity::Advice,
    }
}

fn span_of(loc: &Location) -> SourceSpan {
    SourceSpan::new((loc.span.start as usize).into(), loc.span.len())
}

/// Renders `result`, a sanitised view (see [`super::sanitize`]): its texts are masked
/// and safe; `clean` sanitises what the view cannot hold (plugin rule metadata).
pub(crate) fn render(
    result: &ScanResult,
    card: Option<&Readiness>,
    opts: &RenderOptions,
    clean: &Sanitizer,
) -> String {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_links(false)
        .with_context_lines(1)
        // NOTE: a long word is never cut, so a wrapped line can only start where the
        // text had whitespace, where the sanitiser already guards `::`.
        .with_break_words(false);

    let snippets: BTreeMap<&str, Snippet> = result
        .sources
        .iter()
        .map(|(path, source)| {
            (
                path.as_str(),
                Snippet {
                    name: path.clone(),
                    text: Arc::from(source.text.as_str()),
                },
            )
        })
        .collect();

    let mut out = String::new();
    if !opts.quiet {
        for diag in &result.diagnostics {
            let report = tool_report(diag, snippets.get(diag.location.path.as_str()));
            let _ = handler.render_report(&mut out, &report);
        }
    }
    for finding in result.active_findings() {
        let report = finding_report(finding, snippets.get(finding.location.path.as_str()), clean);
        let _ = handler.render_report(&mut out, &report);
        out.push('\n');
    }
    if !opts.quiet {
        out.push_str(&summary(result, opts));
        if let Some(card) = card {
            out.push_str(&super::readiness::render(card, clean));
        }
    }
    out
}

fn finding_report<'a>(
    finding: &Finding,
    snippet: Option<&'a Snippet>,
    clean: &Sanitizer,
) -> Report<'a> {
    let loc = &finding.location;
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        Some(clean.line(finding.rule.summary)),
        span_of(loc),
    )];
    for label in &finding.labels {
        if label.location.path == loc.path {
            labels.push(LabeledSpan::new_with_span(
                Some(label.message.replace('\n', " ")),
                span_of(&label.location),
            ));
        }
    }
    let message = if loc.is_root() {
        format!("(repository root): {}", finding.message)
    } else if snippet.is_none() {
        format!(
            "{}:{}:{}: {}",
            loc.path, loc.start.line, loc.start.column, finding.message
        )
    } else {
        finding.message.clone()
    };
    Report {
        message,
        code: clean.line(&format!("{} {}", finding.rule.id, finding.rule.name)),
        severity: miette_severity(finding.severity),
        help: finding.help.clone(),
        url: None,
        snippet: if loc.is_root() { None } else { snippet },
        labels,
    }
}

fn tool_report<'a>(diag: &ToolDiagnostic, snippet: Option<&'a Snippet>) -> Report<'a> {
    let loc = &diag.location;
    Report {
        message: diag.message.clone(),
        code: format!("devops-lint::{}", diag.kind),
        severity: if diag.level == "error" {
            miette::Severity::Error
        } else {
            miette::Severity::Warning
        },
        help: None,
        url: None,
        snippet: if loc.is_root() || loc.span.is_empty() && loc.start.line == 1 {
            None
        } else {
            snippet
        },
        labels: vec![LabeledSpan::new_primary_with_span(
            Some("here".into()),
            span_of(loc),
        )],
    }
}

fn summary(result: &ScanResult, opts: &RenderOptions) -> String {
    let mut out = String::new();
    let kinds: Vec<String> = result
        .files_by_kind
        .iter()
        .map(|(k, n)| format!("{} {n}", k.as_str()))
        .collect();
    let _ = write!(
        out,
        "Scanned {} files ({})",
        result.files_scanned(),
        kinds.join(", ")
    );
    if opts.show_timing {
        let _ = write!(out, " in {:.2}s", result.elapsed.as_secs_f64());
    }
    out.push('\n');
    if !result.skipped.is_empty() {
        let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
        for s in &result.skipped {
            *by_reason.entry(s.reason.as_str()).or_default() += 1;
        }
        let parts: Vec<String> = by_reason.iter().map(|(r, n)| format!("{r} {n}")).collect();
        let _ = writeln!(
            out,
            "Skipped {} files ({})",
            result.skipped.len(),
            parts.join(", ")
        );
    }
    if !result.diagnostics.is_empty() {
        let _ = writeln!(
            out,
            "{} problems reading or parsing files (shown above)",
            result.diagnostics.len()
        );
    }
    let _ = writeln!(
        out,
        "Findings at stage {}: {} errors, {} warnings, {} notes; {} suppressed",
        result.stage,
        result.count(Severity::Error),
        result.count(Severity::Warning),
        result.count(Severity::Note),
        result.suppressed_count()
    );
    let (safe, unsafe_fixes) = crate::finding::fixable_counts(&result.findings);
    match opts.fixed {
        Some(fixed) if unsafe_fixes > 0 => {
            let _ = writeln!(
                out,
                "Fixed {fixed} findings; {unsafe_fixes} more fixable with `--fix --unsafe-fixes`"
            );
        }
        Some(fixed) => {
            let _ = writeln!(out, "Fixed {fixed} findings");
        }
        None if safe > 0 && unsafe_fixes > 0 => {
            let _ = writeln!(
                out,
                "{safe} fixable with `--fix`; {unsafe_fixes} more with `--fix --unsafe-fixes`"
            );
        }
        None if safe > 0 => {
            let _ = writeln!(out, "{safe} fixable with `--fix`");
        }
        None if unsafe_fixes > 0 => {
            let _ = writeln!(out, "{unsafe_fixes} fixable with `--fix --unsafe-fixes`");
        }
        None => {}
    }
    out
}
