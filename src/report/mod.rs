//! Output formats. Each renders the same `ScanResult`; line and column come
//! from the spans the rules reported.

pub mod facts;
pub(crate) mod github;
pub(crate) mod gitlab;
pub mod human;
pub mod json;
pub mod markdown;
pub mod readiness;
pub mod sarif;

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::engine::ScanResult;
use crate::source::{SourceFile, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Markdown,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
    /// GitLab Code Quality JSON (`artifacts: reports: codequality`).
    Gitlab,
}

pub struct RenderOptions {
    pub color: bool,
    pub quiet: bool,
    pub width: usize,
    pub show_timing: bool,
    pub sarif_category: Option<String>,
    /// SARIF `%SRCROOT%` URI (absolute, ending in `/`); none by default.
    pub sarif_srcroot: Option<String>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            quiet: false,
            width: 100,
            show_timing: false,
            sarif_category: None,
            sarif_srcroot: None,
        }
    }
}

pub fn render(result: &ScanResult, format: Format, opts: &RenderOptions) -> String {
    let out = match format {
        Format::Human => human::render(result, opts),
        Format::Json => json::render(result),
        Format::Sarif => sarif::render(result, opts),
        Format::Markdown => markdown::render(result),
        Format::Github => github::render(result),
        Format::Gitlab => gitlab::render(result),
    };
    scrub_secrets(result, out)
}

/// The last line of defence: no secret of a file the report quotes leaves whole, in
/// any format, whatever way it took (a message or diagnostic quoting repo text, an
/// ignore comment naming it, a snippet). The secrets are every finding's redaction
/// spans plus whatever the detectors find in those files, so they are masked even
/// when no secret rule ran. Multi-line secrets are also matched line by line, and in
/// their JSON-escaped form.
fn scrub_secrets(result: &ScanResult, out: String) -> String {
    let mut secrets = BTreeSet::new();
    for source in result.sources.values() {
        let detected = crate::secrets::scan(&source.text);
        let spans = result
            .findings
            .iter()
            .filter(|f| f.location.path == source.path)
            .flat_map(|f| f.redactions.iter().copied())
            .chain(detected.iter().map(|m| m.span));
        add_secret_forms(&source.text, spans, &mut secrets);
    }
    replace_secrets(&secrets, out)
}

/// `message` (e.g. an error quoting `text`) with every secret the detectors find in
/// `text` masked.
pub fn hide_secrets(text: &str, message: String) -> String {
    let mut secrets = BTreeSet::new();
    let spans = crate::secrets::scan(text).into_iter().map(|m| m.span);
    add_secret_forms(text, spans, &mut secrets);
    replace_secrets(&secrets, message)
}

fn add_secret_forms(text: &str, spans: impl Iterator<Item = Span>, secrets: &mut BTreeSet<String>) {
    for span in spans {
        let Some(secret) = text.get(span.range()) else {
            continue;
        };
        secrets.insert(secret.to_string());
        if secret.contains('\n') {
            secrets.extend(
                secret
                    .lines()
                    .map(str::trim)
                    .filter(|l| l.len() >= 16)
                    .map(str::to_string),
            );
        }
        if let Ok(escaped) = serde_json::to_string(secret) {
            secrets.insert(escaped.trim_matches('"').to_string());
        }
    }
}

fn replace_secrets(secrets: &BTreeSet<String>, out: String) -> String {
    let patterns: Vec<&String> = secrets.iter().filter(|s| s.chars().count() >= 8).collect();
    if patterns.is_empty() {
        return out;
    }
    let Ok(ac) = aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(&patterns)
    else {
        return out;
    };
    if !ac.is_match(&out) {
        return out;
    }
    let mut scrubbed = String::with_capacity(out.len());
    ac.replace_all_with(&out, &mut scrubbed, |_, found, dst| {
        dst.push_str(&mask(found));
        true
    });
    scrubbed
}

/// A secret as reports show it: the first 4 characters (none under 12), then `*`s.
fn mask(secret: &str) -> String {
    let count = secret.chars().count();
    let keep = if count < 12 { 0 } else { 4 };
    secret
        .chars()
        .enumerate()
        .map(|(i, c)| if i < keep || c == '\n' { c } else { '*' })
        .collect()
}

/// `text` with every secret the detectors find in it masked (byte length kept), for
/// showing a file the scan did not check, such as a config file in an error.
pub fn mask_secrets(text: &str) -> String {
    let spans: Vec<Span> = crate::secrets::scan(text).iter().map(|m| m.span).collect();
    mask_spans(text, spans)
}

/// The file's text with every secret of every finding in it masked (all but
/// the first 4 characters become `*`, byte length kept so spans stay valid).
/// Secrets the detectors find are masked too, so a snippet of another rule's
/// finding cannot show one on a context line when no secret rule ran.
pub fn masked_text(result: &ScanResult, source: &Arc<SourceFile>) -> String {
    let spans: Vec<Span> = result
        .findings
        .iter()
        .filter(|f| f.location.path == source.path)
        .flat_map(|f| f.redactions.iter().copied())
        .chain(crate::secrets::scan(&source.text).iter().map(|m| m.span))
        .collect();
    mask_spans(&source.text, spans)
}

fn mask_spans(text: &str, mut spans: Vec<Span>) -> String {
    if spans.is_empty() {
        return text.to_string();
    }
    spans.sort();
    let mut bytes = text.as_bytes().to_vec();
    for span in spans {
        let Some(secret) = text.get(span.range()) else {
            // Not on char boundaries: mask the whole range bytewise.
            for b in bytes
                .iter_mut()
                .take(span.end as usize)
                .skip(span.start as usize)
            {
                if *b != b'\n' {
                    *b = b'*';
                }
            }
            continue;
        };
        let keep: usize = secret.chars().take(4).map(char::len_utf8).sum();
        let keep = if secret.chars().count() < 12 { 0 } else { keep };
        let start = span.start as usize + keep;
        for b in bytes.iter_mut().take(span.end as usize).skip(start) {
            if *b != b'\n' && *b != b'\r' {
                *b = b'*';
            }
        }
    }
    // Masking whole UTF-8 sequences byte by byte can only produce ASCII `*`
    // where a multi-byte char was fully inside a span; partial sequences at
    // the edges are repaired lossily.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}
