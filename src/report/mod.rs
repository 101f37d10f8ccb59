//! Output formats. Each renders the same `ScanResult`; line and column come
//! from the spans the rules reported.

pub mod facts;
pub mod human;
pub mod json;
pub mod markdown;
pub mod readiness;
pub mod sarif;

use std::sync::Arc;

use crate::engine::ScanResult;
use crate::source::{SourceFile, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Markdown,
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
    match format {
        Format::Human => human::render(result, opts),
        Format::Json => json::render(result),
        Format::Sarif => sarif::render(result, opts),
        Format::Markdown => markdown::render(result),
    }
}

/// The file's text with every secret of every finding in it masked (all but
/// the first 4 characters become `*`, byte length kept so spans stay valid).
pub fn masked_text(result: &ScanResult, source: &Arc<SourceFile>) -> String {
    let mut spans: Vec<Span> = result
        .findings
        .iter()
        .filter(|f| f.location.path == source.path)
        .flat_map(|f| f.redactions.iter().copied())
        .collect();
    if spans.is_empty() {
        return source.text.clone();
    }
    spans.sort();
    let mut bytes = source.text.clone().into_bytes();
    for span in spans {
        let Some(secret) = source.text.get(span.range()) else {
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
