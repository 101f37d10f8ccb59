//! Text lifted from a plugin, made safe at the boundary: every string a guest
//! hands back (names, versions, summaries, docs, messages, labels, errors, its
//! captured output) is cut to a limit and has its control characters
//! neutralised before anything else in the host sees it, so no output format
//! and no path to stdout or stderr can carry a plugin's terminal escapes or
//! forge a CI workflow command.

/// Bytes kept of a rule's summary.
pub(crate) const MAX_SUMMARY: usize = 256;
/// Bytes kept of a plugin's version.
pub(crate) const MAX_VERSION: usize = 64;
/// Bytes kept of a rule's docs (Markdown).
pub const MAX_DOCS: usize = 64 << 10;
/// Bytes kept of a message, label, help text, error or inconclusive reason.
pub(crate) const MAX_MESSAGE: usize = 4 << 10;
/// Bytes kept of a whole plugin diagnostic (its message, the plugin's error
/// and the tail of its output together).
pub(crate) const MAX_DIAGNOSTIC: usize = 8 << 10;

/// Whether `c` could drive a terminal, hide text or end a line: C0 and C1
/// controls (tab and line breaks included), DEL, the bidirectional overrides
/// of "Trojan Source", and the Unicode line and paragraph separators.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}'
        )
}

/// One line of text: line breaks and tabs become spaces, other unsafe
/// characters U+FFFD; cut to `max` bytes (at a character boundary, marked
/// with `…`). A `::` at the start or after a blank (what could become a
/// GitHub workflow command) gets a `\` before it.
pub(crate) fn line(text: &str, max: usize) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' => ' ',
            c if is_unsafe(c) => '\u{FFFD}',
            c => c,
        })
        .collect();
    clip(&defuse_command(&cleaned), max)
}

/// Multi-line text (Markdown docs): line breaks are kept (`\r\n` and a lone
/// `\r` become `\n`), tabs too; every other unsafe character becomes U+FFFD,
/// and a `::` at the start of a line or after a blank gets a `\` before it
/// (Markdown renders `\:` as `:`). Cut to `max` bytes.
pub(crate) fn block(text: &str, max: usize) -> String {
    let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(normalised.len().min(max + 4));
    for (i, l) in normalised.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let cleaned: String = l
            .chars()
            .map(|c| match c {
                '\t' => '\t',
                '\u{2028}' | '\u{2029}' => ' ',
                c if is_unsafe(c) => '\u{FFFD}',
                c => c,
            })
            .collect();
        out.push_str(&defuse_command(&cleaned));
        if out.len() > max {
            break;
        }
    }
    clip(&out, max)
}

/// A plugin diagnostic's message: secrets the detectors recognise are
/// redacted (a plugin may echo its settings), then it is made one safe line.
pub(crate) fn diagnostic(message: &str) -> String {
    let mut masked = String::with_capacity(message.len());
    let mut at = 0;
    for found in crate::secrets::scan(message) {
        let range = found.span.range();
        if range.start < at || message.get(range.clone()).is_none() {
            continue;
        }
        masked.push_str(&message[at..range.start]);
        masked.push_str(&found.redacted(message));
        at = range.end;
    }
    masked.push_str(&message[at..]);
    line(&masked, MAX_DIAGNOSTIC)
}

/// `\` before every `::` that starts the text or follows a blank: GitHub's
/// runner reads a line whose first non-blank characters are `::` as a
/// workflow command, and a report that wraps long lines breaks them at
/// blanks. (`std::fs` stays as it is.)
fn defuse_command(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut previous: Option<char> = None;
    for (i, c) in line.char_indices() {
        if c == ':' && line[i..].starts_with("::") && previous.is_none_or(char::is_whitespace) {
            out.push('\\');
        }
        out.push(c);
        previous = Some(c);
    }
    out
}

/// At most `max` bytes, cut at a character boundary and marked with `…`.
pub(crate) fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_loses_escapes_breaks_and_a_leading_command() {
        let hostile = "\u{1b}]8;;https://evil.example\u{7}click\u{1b}]8;;\u{7}\n::error file=x::forged\r\u{1b}[2J\u{202E}";
        let clean = line(hostile, 1000);
        assert!(!clean.chars().any(is_unsafe), "{clean:?}");
        assert!(clean.contains("click"));
        assert!(clean.contains(" \\::error file=x::forged"), "{clean:?}");
        assert_eq!(line("  ::warning::x", 100), "  \\::warning::x");
        assert_eq!(line("use std::fs at ::1", 100), "use std::fs at \\::1");
        assert_eq!(line("a\tb", 100), "a b");
    }

    #[test]
    fn a_block_keeps_lines_but_no_line_starts_a_command() {
        let docs =
            "## What it checks\r\n  ::error file=a::b\rok\u{1b}[31m\n\t::set-output name=x::y\n";
        let clean = block(docs, 1000);
        assert_eq!(
            clean,
            "## What it checks\n  \\::error file=a::b\nok\u{FFFD}[31m\n\t\\::set-output name=x::y\n"
        );
        for l in clean.lines() {
            assert!(!l.trim_start().starts_with("::"), "{l:?}");
        }
    }

    #[test]
    fn clipping_respects_characters_and_the_limit() {
        assert_eq!(clip("short", 10), "short");
        let cut = clip(&"é".repeat(100), 11);
        assert!(cut.len() <= 11, "{cut}");
        assert!(cut.ends_with('…'));
        assert!(line(&"x".repeat(1 << 20), MAX_MESSAGE).len() <= MAX_MESSAGE);
        assert!(block(&"y\n".repeat(1 << 20), MAX_DOCS).len() <= MAX_DOCS);
    }

    #[test]
    fn diagnostics_redact_secrets() {
        let key = "AKIA".to_string() + "7PE5EFCRET6WRPM5";
        let clean = diagnostic(&format!("bad token {key}\n::error::x"));
        assert!(!clean.contains(&key), "{clean}");
        assert!(!clean.contains('\n'));
    }
}
