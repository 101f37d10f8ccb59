//! Shell text, split the ways the linter needs: a tokenizer that reads enough of POSIX sh
//! to find commands and pipelines ([`tokenize`], [`pipelines`]), the raw word splitting
//! BuildKit does on Dockerfile lines ([`raw_words`]), words between blanks
//! ([`blank_words`]), and the quote-blind command split of the CI inventory
//! ([`loose_commands`]). Every reader of shell text in the crate calls these.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokKind {
    Word,
    /// `|` or `|&`.
    Pipe,
    /// `;`, `&`, `&&`, `||`, a newline, `(` or `)`: ends a pipeline.
    Sep,
    /// `>`, `>>`, `<`, `>&`, ...: the next word is a file, not an argument.
    Redirect,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) kind: TokKind,
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// For words: quotes and escapes removed.
    pub(crate) text: String,
    /// For words: the insides of `$(...)`, backquotes and `<(...)`, as byte ranges.
    pub(crate) subs: Vec<(usize, usize)>,
}

/// A simple command: its words (redirection targets dropped).
#[derive(Debug, Clone, Default)]
pub(crate) struct Command {
    pub(crate) words: Vec<Token>,
}

/// Reads shell text. `fold_newlines`: newlines are blanks (a Dockerfile's joined lines, a
/// folded YAML scalar).
pub(crate) fn tokenize(s: &str, fold_newlines: bool) -> Vec<Token> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut heredocs: Vec<(String, bool)> = Vec::new();
    let mut i = 0;
    let op = |kind, start, end| Token {
        kind,
        start,
        end,
        text: String::new(),
        subs: Vec::new(),
    };
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        match c {
            b' ' | b'\t' | b'\r' => i += 1,
            b'\\' if next == Some(b'\n') => i += 2,
            b'\\' if next == Some(b'\r') && b.get(i + 2) == Some(&b'\n') => i += 3,
            b'\n' if fold_newlines => i += 1,
            b'\n' => {
                out.push(op(TokKind::Sep, i, i + 1));
                i += 1;
                // Heredoc bodies are data: skip them.
                for (delim, strip) in std::mem::take(&mut heredocs) {
                    while i < b.len() {
                        let end = s[i..].find('\n').map_or(b.len(), |p| i + p);
                        let line = &s[i..end];
                        let line = if strip {
                            line.trim_start_matches('\t')
                        } else {
                            line
                        };
                        i = (end + 1).min(b.len());
                        if line.trim_end_matches('\r') == delim {
                            break;
                        }
                    }
                }
            }
            // A comment runs to the end of the line; on a folded line, to the end.
            b'#' if fold_newlines => i = b.len(),
            b'#' => i = s[i..].find('\n').map_or(b.len(), |p| i + p),
            b'|' => {
                if next == Some(b'|') {
                    out.push(op(TokKind::Sep, i, i + 2));
                    i += 2;
                } else {
                    let len = if next == Some(b'&') { 2 } else { 1 };
                    out.push(op(TokKind::Pipe, i, i + len));
                    i += len;
                }
            }
            b'&' if next == Some(b'>') => {
                let len = if b.get(i + 2) == Some(&b'>') { 3 } else { 2 };
                out.push(op(TokKind::Redirect, i, i + len));
                i += len;
            }
            b';' | b'&' | b'(' | b')' => {
                let len = if next == Some(c) && c != b'(' && c != b')' {
                    2
                } else {
                    1
                };
                out.push(op(TokKind::Sep, i, i + len));
                i += len;
            }
            b'<' | b'>' if next != Some(b'(') => {
                let start = i;
                i += 1;
                while i < b.len() && matches!(b[i], b'<' | b'>' | b'&' | b'|') {
                    i += 1;
                }
                let is_heredoc = s[start..i].starts_with("<<") && !s[start..i].starts_with("<<<");
                out.push(op(TokKind::Redirect, start, i));
                if is_heredoc {
                    let strip = b.get(i) == Some(&b'-');
                    if strip {
                        i += 1;
                    }
                    while i < b.len() && matches!(b[i], b' ' | b'\t') {
                        i += 1;
                    }
                    let word = read_word(s, i);
                    if word.end > i {
                        heredocs.push((word.text.clone(), strip));
                        i = word.end;
                        out.push(word);
                    }
                }
            }
            _ => {
                let word = read_word(s, i);
                i = word.end.max(i + 1);
                // `2>&1`: the digits belong to the redirection.
                let redirect_fd = word.text.bytes().all(|d| d.is_ascii_digit())
                    && matches!(b.get(word.end), Some(b'<' | b'>'));
                if !redirect_fd {
                    out.push(word);
                }
            }
        }
    }
    out
}

/// Reads a command substitution (`$(...)`, `` `...` ``) or else one character at `i` into
/// a word (bare or inside double quotes); gives where reading goes on.
fn read_unquoted(s: &str, i: usize, text: &mut String, subs: &mut Vec<(usize, usize)>) -> usize {
    let b = s.as_bytes();
    match b[i] {
        b'$' if b.get(i + 1) == Some(&b'(') => {
            let end = skip_group(s, i + 1);
            subs.push((i + 2, end.saturating_sub(1).max(i + 2)));
            text.push_str(&s[i..end]);
            end
        }
        b'`' => {
            let end = s[i + 1..].find('`').map_or(b.len(), |p| i + 1 + p);
            subs.push((i + 1, end));
            text.push_str(&s[i..end]);
            (end + 1).min(b.len())
        }
        _ => {
            let ch = s[i..].chars().next().unwrap_or(' ');
            text.push(ch);
            i + ch.len_utf8()
        }
    }
}

/// Reads one word from `start`: quotes, escapes and substitutions stay inside it.
fn read_word(s: &str, start: usize) -> Token {
    let b = s.as_bytes();
    let mut i = start;
    let mut text = String::new();
    let mut subs = Vec::new();
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' | b'\n' | b'|' | b'&' | b';' | b')' => break,
            b'(' if i == start => break,
            b'<' | b'>' if b.get(i + 1) == Some(&b'(') => {
                let end = skip_group(s, i + 1);
                subs.push((i + 2, end.saturating_sub(1).max(i + 2)));
                text.push_str(s.get(i..end).unwrap_or(""));
                i = end;
            }
            b'<' | b'>' => break,
            b'\\' => {
                if let Some(ch) = s.get(i + 1..).and_then(|r| r.chars().next()) {
                    if ch != '\n' {
                        text.push(ch);
                    }
                    i += 1 + ch.len_utf8();
                } else {
                    i += 1;
                }
            }
            b'\'' => {
                let end = s[i + 1..].find('\'').map_or(b.len(), |p| i + 1 + p);
                text.push_str(&s[i + 1..end]);
                i = (end + 1).min(b.len());
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    match b[i] {
                        b'\\' => {
                            if let Some(ch) = s.get(i + 1..).and_then(|r| r.chars().next()) {
                                text.push(ch);
                                i += 1 + ch.len_utf8();
                            } else {
                                i += 1;
                            }
                        }
                        _ => i = read_unquoted(s, i, &mut text, &mut subs),
                    }
                }
                i = (i + 1).min(b.len());
            }
            _ => i = read_unquoted(s, i, &mut text, &mut subs),
        }
    }
    Token {
        kind: TokKind::Word,
        start,
        end: i,
        text,
        subs,
    }
}

/// From the `(` at `open`, the index after its matching `)`, quotes respected.
fn skip_group(s: &str, open: usize) -> usize {
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' && q == b'"' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'\'' | b'"' => quote = Some(c),
                b'\\' => i += 1,
                b'(' => depth += 1,
                b')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    b.len()
}

/// Pipelines of commands. Words after a redirection are dropped.
pub(crate) fn pipelines(tokens: Vec<Token>) -> Vec<Vec<Command>> {
    let mut out = Vec::new();
    let mut pipeline: Vec<Command> = Vec::new();
    let mut command = Command::default();
    let mut skip_next = false;
    for token in tokens {
        match token.kind {
            TokKind::Word => {
                if skip_next {
                    skip_next = false;
                } else {
                    command.words.push(token);
                }
            }
            TokKind::Redirect => skip_next = true,
            TokKind::Pipe => {
                pipeline.push(std::mem::take(&mut command));
                skip_next = false;
            }
            TokKind::Sep => {
                pipeline.push(std::mem::take(&mut command));
                out.push(std::mem::take(&mut pipeline));
                skip_next = false;
            }
        }
    }
    pipeline.push(command);
    out.push(pipeline);
    out
}

/// Raw words (quotes and escapes kept) as byte ranges, split as BuildKit splits a Dockerfile
/// line: `escape` (`\\` or the `# escape=` backtick) escapes the next character outside
/// single quotes. With `glue_heredoc`, `<<` takes the blanks after it into its word, as
/// BuildKit's shell lexer does when it looks for heredoc markers. `open_quote` tells whether
/// the text ends inside a quote (the last word then runs to the end).
pub(crate) fn raw_words(s: &str, escape: char, glue_heredoc: bool) -> RawWords {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            if c == escape && q != '\'' {
                chars.next();
            } else if c == q {
                quote = None;
            }
            continue;
        }
        if c.is_whitespace() {
            if let Some(st) = start.take() {
                words.push((st, i));
            }
            continue;
        }
        start.get_or_insert(i);
        if c == '\'' || c == '"' {
            quote = Some(c);
        } else if c == escape {
            chars.next();
        } else if glue_heredoc && c == '<' && chars.next_if(|&(_, n)| n == '<').is_some() {
            while chars.next_if(|&(_, n)| n.is_whitespace()).is_some() {}
        }
    }
    if let Some(st) = start {
        words.push((st, s.len()));
    }
    RawWords {
        words,
        open_quote: quote.is_some(),
    }
}

/// What [`raw_words`] found.
pub(crate) struct RawWords {
    pub(crate) words: Vec<(usize, usize)>,
    pub(crate) open_quote: bool,
}

/// Byte ranges of the words of `s` between characters for which `is_blank` holds (no quoting).
pub(crate) fn blank_words(s: &str, is_blank: impl Fn(char) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (is_blank(c), start) {
            (true, Some(st)) => {
                out.push((st, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, s.len()));
    }
    out
}

/// The words of each piece of `line` between `&`, `|`, `;` and newlines, split at
/// whitespace. Quotes are not read: a quoted `|` splits too, and words keep their quotes.
// NOTE: the CI inventory (`facts::commands`) matches tasks on these words and prints them
// in `facts`; reading quotes as [`tokenize`] does would change that output, so this
// quote-blind split stays a mode of its own.
pub(crate) fn loose_commands(line: &str) -> impl Iterator<Item = Vec<&str>> {
    line.split(['&', '|', ';', '\n'])
        .map(|part| part.split_whitespace().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words<'a>(s: &'a str, ranges: &[(usize, usize)]) -> Vec<&'a str> {
        ranges.iter().map(|&(a, b)| &s[a..b]).collect()
    }

    #[test]
    fn pipelines_split_commands_and_drop_redirect_targets() {
        let s = "curl -fsSL \"$URL\" 2>/dev/null | sudo -E bash -s -- x && echo 'a | b' > out; cat $(which x)";
        let lines = pipelines(tokenize(s, false));
        let texts: Vec<Vec<Vec<&str>>> = lines
            .iter()
            .map(|p| {
                p.iter()
                    .map(|c| c.words.iter().map(|w| w.text.as_str()).collect())
                    .collect()
            })
            .collect();
        assert_eq!(
            texts,
            vec![
                vec![
                    vec!["curl", "-fsSL", "$URL"],
                    vec!["sudo", "-E", "bash", "-s", "--", "x"]
                ],
                vec![vec!["echo", "a | b"]],
                vec![vec!["cat", "$(which x)"]],
            ]
        );
        let sub = &lines[2][0].words[1].subs;
        assert_eq!(words(s, sub), ["which x"]);
    }

    #[test]
    fn heredoc_bodies_are_skipped_unless_newlines_fold() {
        let s = "cat <<EOF\ncurl x | sh\nEOF\necho done";
        let commands: Vec<usize> = pipelines(tokenize(s, false))
            .iter()
            .map(|p| p.len())
            .collect();
        assert_eq!(commands, [1, 1]);
        assert!(!tokenize(s, true).iter().any(|t| t.kind == TokKind::Sep));
    }

    #[test]
    fn raw_words_keep_quotes_and_honour_the_escape_character() {
        let s = r#"A="x y" B=a\ b C='q\'"#;
        let raw = raw_words(s, '\\', false);
        assert_eq!(words(s, &raw.words), [r#"A="x y""#, r"B=a\ b", r"C='q\'"]);
        assert!(!raw.open_quote);
        let s = "A=a` b C=`\"";
        assert_eq!(
            words(s, &raw_words(s, '`', false).words),
            ["A=a` b", "C=`\""]
        );
        assert!(raw_words("'open", '\\', false).open_quote);
    }

    #[test]
    fn raw_words_glue_a_heredoc_marker_to_its_word() {
        let s = "cat << EOF >x <<-'END'";
        assert_eq!(
            words(s, &raw_words(s, '\\', true).words),
            ["cat", "<< EOF", ">x", "<<-'END'"]
        );
        assert_eq!(
            words(s, &raw_words(s, '\\', false).words),
            ["cat", "<<", "EOF", ">x", "<<-'END'"]
        );
    }

    #[test]
    fn blank_words_and_loose_commands() {
        let s = " a\\b  c ";
        assert_eq!(
            words(s, &blank_words(s, char::is_whitespace)),
            ["a\\b", "c"]
        );
        assert_eq!(
            words(s, &blank_words(s, |c| c.is_whitespace() || c == '\\')),
            ["a", "b", "c"]
        );
        let split: Vec<Vec<&str>> = loose_commands("make test && echo \"a|b\"\nx").collect();
        assert_eq!(
            split,
            vec![
                vec!["make", "test"],
                vec![],
                vec!["echo", "\"a"],
                vec!["b\""],
                vec!["x"]
            ]
        );
    }
}
