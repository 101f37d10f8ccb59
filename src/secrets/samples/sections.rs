//! Sections of a file whose values say where a secret is kept, or show a sample
//! body, not a credential.

use crate::secrets::line_range;
use crate::source::Span;

/// The line that opens the block holding the value at `span`: the nearest line
/// above, not blank nor a `#` comment, indented less than the value's own line.
/// None when that line is not indented (a top-level line has no parent).
fn parent_line(text: &str, span: Span) -> Option<&str> {
    let line = line_range(text, span.start as usize);
    let own = text.get(line.clone()).unwrap_or("");
    let indent = own.len() - own.trim_start().len();
    if indent == 0 {
        return None;
    }
    text.get(..line.start)
        .unwrap_or("")
        .lines()
        .rev()
        .find(|l| {
            let trimmed = l.trim_start();
            !trimmed.is_empty() && !trimmed.starts_with('#') && l.len() - trimmed.len() < indent
        })
}

/// Whether the value at `span` sits under a YAML key that maps variables to
/// where their secrets are kept: a CodeBuild buildspec's `env: secrets-manager:`
/// (`DOCKERHUB_PASS: "dockerhub-creds:password"`, a secret's ID and JSON key) or
/// `parameter-store:` (a parameter's name). CodeBuild reads the secret at run time.
pub(crate) fn under_secret_store_section(text: &str, span: Span) -> bool {
    parent_line(text, span).is_some_and(|parent| {
        matches!(
            parent.trim().trim_end_matches(':').trim_end(),
            "secrets-manager" | "parameter-store"
        )
    })
}

/// Whether the value at `span` sits in an object given as an API's sample body:
/// after `example={` or `"example": {` on its own line, or in the object a less
/// indented `example={` / `"example": {` / `example: {` line opens (an OpenAPI
/// spec's request example, flask-smorest's `example={"token": "G9Q7…"}`).
pub(crate) fn in_example_object(text: &str, span: Span) -> bool {
    fn opens_example(code: &str) -> bool {
        let squashed: String = code
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '"' | '\''))
            .collect::<String>()
            .to_ascii_lowercase();
        [
            "example={",
            "example:{",
            "examples={",
            "examples:{",
            "x-example:{",
        ]
        .iter()
        .any(|opener| squashed.contains(opener))
    }
    let line = line_range(text, span.start as usize);
    let before = text.get(line.start..span.start as usize).unwrap_or("");
    opens_example(before)
        || parent_line(text, span).is_some_and(|parent| {
            let parent = parent.trim_end();
            parent.ends_with('{') && opens_example(parent)
        })
}

/// Whether the value at `span` is the key or token of a browser analytics SDK,
/// given in an object named for it (`"amplitude": { "apiKey": "fbee…" }`,
/// `mixpanel:` then `token: …`): Amplitude, Mixpanel, Segment and PostHog ship
/// that project key in every page they load, as the name-based rule reads
/// `AMPLITUDE_API_KEY`. An analytics secret (`api_secret`) still fires.
pub(crate) fn under_analytics_sdk(text: &str, span: Span) -> bool {
    const SDKS: &[&str] = &["amplitude", "mixpanel", "segment", "posthog"];
    // A key or an object's name, lowercase letters and digits only.
    let squashed = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let own = text
        .get(line_range(text, span.start as usize))
        .unwrap_or("");
    let key = squashed(own.split([':', '=']).next().unwrap_or(""));
    if !(key.ends_with("key") || key.ends_with("token")) || key.contains("secret") {
        return false;
    }
    parent_line(text, span).is_some_and(|parent| SDKS.contains(&squashed(parent).as_str()))
}
