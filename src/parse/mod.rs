//! Every parser: one module per syntax (HCL, Terraform JSON, Dockerfile, YAML, GitHub
//! expressions). Each returns its syntax tree and the diagnostics for whatever it could not
//! parse; none of them panics. This layer sits right above `source` and imports nothing
//! above it: the typed views rules read are built from its output in `model`.

pub(crate) mod dockerfile;
pub(crate) mod gha_expr;
pub(crate) mod hcl;
pub(crate) mod keystore;
pub(crate) mod shell;
pub(crate) mod tf_json;
pub(crate) mod yaml;

use crate::source::Span;

/// A span of one character at `offset` (empty at the end of the text).
fn char_span(text: &str, offset: usize) -> Span {
    let mut start = offset.min(text.len());
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    let len = text
        .get(start..)
        .and_then(|rest| rest.chars().next())
        .map_or(0, char::len_utf8);
    Span::new(start, start + len)
}
