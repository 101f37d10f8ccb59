//! Output formats. Each renders the same `ScanResult`; line and column come
//! from the spans the rules reported.

pub(crate) mod facts;
pub(crate) mod github;
pub(crate) mod gitlab;
pub(crate) mod human;
pub mod json;
pub(crate) mod markdown;
pub(crate) mod readiness;
pub(crate) mod sanitize;
pub(crate) mod sarif;

use crate::engine::ScanResult;
pub(crate) use crate::secrets::sanitize::{hide_secrets, Sanitizer};

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
    /// Keep suppressed findings in SARIF (with `suppressions[]`); left out by default.
    pub sarif_suppressed: bool,
    /// Findings `--fix` fixed before this scan (the human summary says so).
    pub fixed: Option<usize>,
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
            sarif_suppressed: false,
            fixed: None,
        }
    }
}

/// Renders `result` in `format`. Every string that came from the scanned repository
/// or a plugin is sanitised as a value first ([`sanitize`]): secrets masked, control
/// characters neutralised, no workflow command; then the format serializes it.
pub fn render(result: &ScanResult, format: Format, opts: &RenderOptions) -> String {
    let clean = Sanitizer::for_result(result);
    let view = clean.view(result);
    // The card is computed once, from the sanitised view, and handed to the format.
    let card = crate::readiness::of(&view);
    let card = card.as_ref();
    match format {
        Format::Human => human::render(&view, card, opts, &clean),
        Format::Json => json::render_with(&view, card),
        Format::Sarif => sarif::render(&view, card, opts, &clean),
        Format::Markdown => markdown::render(&view, card, &clean),
        Format::Github => github::render(&view),
        Format::Gitlab => gitlab::render(&view),
    }
}
