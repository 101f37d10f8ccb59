//! Reading HCL (`*.tf`, `*.tofu`, `*.tfvars`, `terragrunt.hcl`) with hcl-edit, which keeps
//! byte spans, and the guards both Terraform syntaxes (HCL and JSON) pass first.

use std::borrow::Cow;

use hcl_edit::structure::Body;
use hcl_edit::template::Template;

use crate::source::{ParseDiagnostic, Span};

/// Bracket nesting (`{`, `[`, `(`) beyond which a file is not handed to the parser.
pub(crate) const MAX_NESTING: usize = 256;

/// The text a Terraform reader (HCL or JSON) reads: a UTF-8 byte order mark becomes three
/// spaces, so every offset stays the same.
pub(crate) fn without_bom(text: &str) -> Cow<'_, str> {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => Cow::Owned(format!("   {rest}")),
        None => Cow::Borrowed(text),
    }
}

/// A cheap byte scan for bracket nesting, so a hostile file cannot exhaust the stack of the
/// recursive parsers. Brackets in strings and comments count too: an upper bound is enough.
pub(crate) fn check_nesting(text: &str) -> Option<ParseDiagnostic> {
    let mut depth = 0usize;
    for (i, byte) in text.bytes().enumerate() {
        match byte {
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(ParseDiagnostic::new(
                        format!("nesting deeper than {MAX_NESTING} levels; file not parsed"),
                        Span::new(i, i + 1),
                    ));
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Parses an HCL file's body; a syntax error becomes a diagnostic at the offending byte.
pub(crate) fn parse_body(text: &str) -> Result<Body, ParseDiagnostic> {
    hcl_edit::parser::parse_body(text).map_err(|err| {
        let span = super::char_span(text, err.location().offset());
        ParseDiagnostic::new(format!("invalid HCL: {}", err.message()), span)
    })
}

/// Parses a string template (`"${var.x}-suffix"` found in a JSON string); `None` on a
/// syntax error.
pub(crate) fn parse_template(text: &str) -> Option<Template> {
    hcl_edit::parser::parse_template(text).ok()
}
