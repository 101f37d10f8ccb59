//! A value inside a commented-out block beside a documentation host: a README's
//! sample entry pasted into a defaults file.

use super::{has_host, line_range, DOCUMENTATION_HOSTS};
use crate::source::Span;

/// In a commented-out block (`#` or `//` lines), whether a line of the same
/// block, up to three lines away, names a documentation host (`#   issuer:
/// https://dex.example.com` under `#   client_secret: …`): a README's sample
/// entry pasted into a defaults file, not a setting anyone runs with.
pub(in crate::secrets) fn in_commented_example(text: &str, span: Span) -> bool {
    let is_comment = |line: &str| {
        let t = line.trim_start();
        t.starts_with('#') || t.starts_with("//")
    };
    let own = line_range(text, span.start as usize);
    let Some(own_line) = text.get(own.clone()) else {
        return false;
    };
    if !is_comment(own_line) {
        return false;
    }
    let names_doc_host = |line: &str| {
        let lower = line.to_ascii_lowercase();
        DOCUMENTATION_HOSTS.iter().any(|h| has_host(&lower, h))
    };
    let before = text.get(..own.start).unwrap_or("");
    let after = text.get(own.end..).unwrap_or("");
    let after = after.strip_prefix('\n').unwrap_or(after);
    let above = || before.lines().rev().take(3).take_while(|l| is_comment(l));
    let below = after.lines().take(3).take_while(|l| is_comment(l));
    // `# Example:` heading the commented line: an option reference's sample
    // (Open OnDemand's `ood_portal_example.yml`).
    let heads_an_example = |line: &str| {
        let lower = line
            .trim()
            .trim_start_matches(['#', '/'])
            .trim()
            .to_ascii_lowercase();
        lower.ends_with("example:") || lower.ends_with("examples:") || lower == "e.g.:"
    };
    above().any(heads_an_example) || above().chain(below).any(names_doc_host)
}
