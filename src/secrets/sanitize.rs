//! The one gate for text that leaves devops-lint: every string taken from the
//! scanned repository or from a plugin (messages, snippets, paths, help, labels,
//! rule docs, readiness reasons, errors) passes through [`Sanitizer`] as a
//! *value*, before any format serializes it. Nothing edits serialized output.
//!
//! It does three things, in this order:
//! 1. masks every secret the detectors (or a finding's redactions) know of in the
//!    files the report quotes: all but the first 4 characters become `*`;
//! 2. neutralises what could drive a terminal or a CI log: C0/C1 control
//!    characters (ESC, so also OSC 8 links; BEL; a lone CR) and the bidirectional
//!    overrides of "Trojan Source" become U+FFFD; a newline is kept only where the
//!    format can hold one ([`Sanitizer::text`]), else it becomes a space
//!    ([`Sanitizer::line`]);
//! 3. keeps a GitHub workflow command from being forged: the runner reads a log line
//!    whose first non-blank characters are `::` followed by a command name as a
//!    command, so a `::` followed by a letter, at the start of the text or after
//!    whitespace (where a line or a wrapped line can begin), gets a `\` in front.
//!    `a::b` (a path) and `::/0` (an IPv6 range) are left alone.

use std::borrow::Cow;
use std::collections::BTreeSet;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::source::Span;

/// Masks known secrets and neutralises control characters in output text.
#[derive(Default)]
pub(crate) struct Sanitizer {
    secrets: Option<AhoCorasick>,
}

impl Sanitizer {
    /// No secret known: control characters and `::` only.
    pub(crate) fn plain() -> Self {
        Sanitizer::default()
    }

    /// Masks every secret the detectors find in `text` (e.g. a config file an error
    /// quotes).
    pub(crate) fn for_text(text: &str) -> Self {
        let mut secrets = BTreeSet::new();
        let spans = super::scan(text).into_iter().map(|m| m.span);
        add_secret_forms(text, spans, &mut secrets);
        Sanitizer::from_secrets(&secrets)
    }

    pub(crate) fn from_secrets(secrets: &BTreeSet<String>) -> Self {
        let patterns: Vec<&String> = secrets.iter().filter(|s| s.chars().count() >= 8).collect();
        if patterns.is_empty() {
            return Sanitizer::default();
        }
        Sanitizer {
            secrets: AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&patterns)
                .ok(),
        }
    }

    /// `s` safe to output where a newline is allowed (JSON and SARIF strings, the
    /// human report's help, rule docs).
    pub(crate) fn text(&self, s: &str) -> String {
        self.clean(s, true)
    }

    /// `s` safe to output on one line: newlines become spaces too (paths, table
    /// cells, labels, the readiness card's reasons).
    pub(crate) fn line(&self, s: &str) -> String {
        self.clean(s, false)
    }

    fn clean(&self, s: &str, keep_newlines: bool) -> String {
        let masked = self.mask(s);
        guard_commands(&neutralise(&masked, keep_newlines))
    }

    fn mask<'a>(&self, s: &'a str) -> Cow<'a, str> {
        let Some(ac) = &self.secrets else {
            return Cow::Borrowed(s);
        };
        if !ac.is_match(s) {
            return Cow::Borrowed(s);
        }
        let mut out = String::with_capacity(s.len());
        ac.replace_all_with(s, &mut out, |_, found, dst| {
            dst.push_str(&mask(found));
            true
        });
        Cow::Owned(out)
    }

    /// `s` with every known secret masked, byte length kept (for snippets, whose spans
    /// must stay valid).
    pub(crate) fn mask_in_place(&self, s: &str) -> String {
        let Some(ac) = &self.secrets else {
            return s.to_string();
        };
        let spans: Vec<Span> = ac
            .find_iter(s)
            .map(|m| Span::from_range(m.range()))
            .collect();
        mask_spans(s, spans)
    }
}

pub(crate) fn add_secret_forms(
    text: &str,
    spans: impl Iterator<Item = Span>,
    secrets: &mut BTreeSet<String>,
) {
    for span in spans {
        let Some(secret) = text.get(span.range()) else {
            continue;
        };
        secrets.insert(secret.to_string());
        if secret.contains('\n') {
            // A message or snippet may quote one line of a multi-line secret.
            secrets.extend(
                secret
                    .lines()
                    .map(str::trim)
                    .filter(|l| l.len() >= 16)
                    .map(str::to_string),
            );
        }
    }
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

/// Whether `c` could drive a terminal or hide text: C0 controls other than tab and
/// newline, DEL, C1 controls, and the bidirectional overrides of "Trojan Source".
pub(crate) fn is_unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn neutralise(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe_char(c) || c == '\n') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // CRLF is a newline.
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => out.push(if keep_newlines { '\n' } else { ' ' }),
            c if is_unsafe_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A snippet's text made safe for a terminal, keeping every character's byte length
/// (spans stay valid): 1-byte controls become `?`, 2-byte C1 controls `¿`, 3-byte
/// overrides U+FFFD. A `\r` before `\n` is kept (CRLF line ends). Snippet lines are
/// printed after a line-number gutter, so a `::` in them cannot start a log line.
pub(crate) fn terminal_safe_in_place(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') || !is_unsafe_char(c) {
            out.push(c);
            continue;
        }
        out.push(match c.len_utf8() {
            1 => '?',
            2 => '\u{BF}',
            _ => '\u{FFFD}',
        });
    }
    out
}

/// A `\` before each `::` that could start a workflow command on a log line (see the
/// module docs).
fn guard_commands(s: &str) -> String {
    if !s.contains("::") {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 4);
    let mut prev: Option<char> = None;
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == ':'
            && prev.is_none_or(char::is_whitespace)
            && rest.starts_with("::")
            && rest[2..].chars().next().is_some_and(|n| n.is_alphabetic())
        {
            out.push('\\');
        }
        out.push(c);
        prev = Some(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `message` (e.g. an error quoting `text`) with every secret the detectors find in
/// `text` masked and control characters neutralised, for stderr.
pub(crate) fn hide_secrets(text: &str, message: String) -> String {
    Sanitizer::for_text(text).text(&message)
}

/// `text` with every secret the detectors find in it masked and control characters
/// neutralised (byte length kept), for showing a file the scan did not check, such as
/// a config file in an error.
pub(crate) fn mask_secrets(text: &str) -> String {
    let spans: Vec<Span> = super::scan(text).iter().map(|m| m.span).collect();
    terminal_safe_in_place(&mask_spans(text, spans))
}

pub(crate) fn mask_spans(text: &str, mut spans: Vec<Span>) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_neutralised_and_newlines_kept_only_when_asked() {
        let s = Sanitizer::plain();
        let evil = "a\u{1b}]8;;https://x\u{7}link\u{1b}]8;;\u{7}\rb\r\nc\u{202E}d";
        assert_eq!(
            s.text(evil),
            "a\u{FFFD}]8;;https://x\u{FFFD}link\u{FFFD}]8;;\u{FFFD}\u{FFFD}b\nc\u{FFFD}d"
        );
        assert_eq!(s.line("x\ny"), "x y");
    }

    #[test]
    fn no_line_can_start_a_workflow_command() {
        let s = Sanitizer::plain();
        assert_eq!(s.text("::error file=a::x"), "\\::error file=a::x");
        assert_eq!(s.text("ok\n   ::warning::x"), "ok\n   \\::warning::x");
        assert_eq!(s.line("a \t::add-mask::x"), "a \t\\::add-mask::x");
        // Not a command start: left alone.
        assert_eq!(
            s.text("std::fs and ::/0 and :: x"),
            "std::fs and ::/0 and :: x"
        );
        for text in s.text("one ::set-output name=x::y\n::group::g").lines() {
            let t = text.trim_start();
            assert!(!t.starts_with("::"), "{text}");
        }
    }

    #[test]
    fn secrets_are_masked_as_values() {
        let text = "token = \"ghp_9XChaf688ZLcQSfgXwpbbYbwPNENDjflTh2a\"\n";
        let s = Sanitizer::for_text(text);
        let out = s.text("quoting ghp_9XChaf688ZLcQSfgXwpbbYbwPNENDjflTh2a\"\\ here");
        assert!(
            !out.contains("ghp_9XChaf688ZLcQSfgXwpbbYbwPNENDjflTh2a"),
            "{out}"
        );
        assert!(out.starts_with("quoting ghp_****"), "{out}");
        assert!(out.ends_with("\"\\ here"), "{out}");
    }
}
