//! YAML sections whose values say where a secret is kept, not what it is.

use crate::secrets::line_range;
use crate::source::Span;

/// Whether the value at `span` sits under a YAML key that maps variables to
/// where their secrets are kept: a CodeBuild buildspec's `env: secrets-manager:`
/// (`DOCKERHUB_PASS: "dockerhub-creds:password"`, a secret's ID and JSON key) or
/// `parameter-store:` (a parameter's name). CodeBuild reads the secret at run time.
pub(crate) fn under_secret_store_section(text: &str, span: Span) -> bool {
    let line = line_range(text, span.start as usize);
    let own = text.get(line.clone()).unwrap_or("");
    let indent = own.len() - own.trim_start().len();
    if indent == 0 {
        return false;
    }
    text.get(..line.start)
        .unwrap_or("")
        .lines()
        .rev()
        .find(|l| {
            let trimmed = l.trim_start();
            !trimmed.is_empty() && !trimmed.starts_with('#') && l.len() - trimmed.len() < indent
        })
        .is_some_and(|parent| {
            matches!(
                parent.trim().trim_end_matches(':').trim_end(),
                "secrets-manager" | "parameter-store"
            )
        })
}
