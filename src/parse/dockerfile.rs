//! Dockerfile parser that keeps byte spans, modelled on BuildKit's
//! `frontend/dockerfile/parser`: parser directives, comments, line
//! continuations (with the `# escape=` character), heredocs, exec (JSON) form
//! and instruction flags. It never fails: whatever it cannot make sense of
//! becomes a [`ParseDiagnostic`] and the rest of the file is still parsed. Build stages and
//! `ARG` resolution are the model's (`model::dockerfile`).

use super::shell;
use crate::source::{ParseDiagnostic, Span};

/// What the parser reads from a Dockerfile: its parser directives and instructions, in
/// order. The build stages are made from it by `model::dockerfile`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DockerfileSyntax {
    pub instructions: Vec<Instruction>,
    pub directives: Vec<Directive>,
    /// The escape character: `\` unless `# escape=` set it to a backtick.
    pub escape: char,
}

/// A parser directive at the top of the file (`# syntax=...`, `# escape=...`, `# check=...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lowercased name.
    pub name: String,
    pub value: String,
    /// The whole directive line, from `#` to the end of the value.
    pub span: Span,
    pub value_span: Span,
}

/// One instruction, possibly spread over several lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// Uppercased keyword, e.g. `FROM`.
    pub keyword: String,
    pub keyword_span: Span,
    /// The whole instruction, continuation lines and heredoc bodies included.
    pub span: Span,
    /// `--name=value` flags, in order (quotes removed from values).
    pub flags: Vec<Flag>,
    /// Argument text after the flags: continuation lines joined (escape and
    /// newline removed, comment lines dropped), trimmed.
    pub args: String,
    /// From the first to the last argument character in the source; empty
    /// (after the keyword or flags) when there are no arguments.
    pub args_span: Span,
    /// The arguments when they are a valid JSON array of strings (exec form) of
    /// `RUN`, `CMD`, `ENTRYPOINT`, `SHELL`, `COPY`, `ADD` or `VOLUME`.
    pub json_args: Option<Vec<String>>,
    pub heredocs: Vec<Heredoc>,
    /// Index of the build stage: one less than the number of `FROM`s up to here;
    /// `usize::MAX` before the first `FROM`.
    pub stage: usize,
    /// Source ranges whose concatenation is the logical line (keyword, flags,
    /// arguments), one per physical line that contributed text.
    pub pieces: Vec<Span>,
    /// The file's escape character, kept here so helpers can unquote alone.
    pub escape: char,
}

/// An instruction flag such as `--from=builder`; `value` is `None` for `--flag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
    pub span: Span,
}

/// A heredoc (`<<EOF`, `<<-EOF`, `<<"EOF"`) attached to `RUN`, `COPY` or `ADD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter word, quotes removed.
    pub delimiter: String,
    /// The raw body lines, newlines included (`text[body_span] == body`).
    /// Leading tabs are not stripped here even when `strip_tabs` is set.
    pub body: String,
    pub body_span: Span,
    /// `<<-`: leading tabs are stripped from the body and the terminator.
    pub strip_tabs: bool,
}

/// One `KEY=value` (or legacy `KEY value`, or bare `NAME`) of `ENV`, `ARG`, `LABEL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyValue {
    /// Quotes removed.
    pub key: String,
    pub key_span: Span,
    /// Quotes and escapes removed; `$VAR` references kept as written.
    pub value: Option<String>,
    pub value_span: Option<Span>,
}

/// Instructions BuildKit knows.
const KNOWN_INSTRUCTIONS: [&str; 18] = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Instructions whose arguments may be an exec-form JSON array.
const JSON_INSTRUCTIONS: [&str; 7] = ["RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"];

/// Instructions that may carry heredocs.
const HEREDOC_INSTRUCTIONS: [&str; 3] = ["RUN", "COPY", "ADD"];

/// Parser directives BuildKit accepts; any other `# name=value` ends the directives.
const DIRECTIVES: [&str; 3] = ["syntax", "escape", "check"];

/// Reads a Dockerfile's directives and instructions. Never panics; returns everything it
/// could parse.
pub(crate) fn parse_syntax(text: &str) -> (DockerfileSyntax, Vec<ParseDiagnostic>) {
    let lines = split_lines(text);
    let mut diags = Vec::new();
    let (directives, escape) = parse_directives(text, &lines, &mut diags);
    let mut df = DockerfileSyntax {
        instructions: Vec::new(),
        directives,
        escape,
    };
    let mut stages = 0usize;

    let mut i = 0;
    while i < lines.len() {
        let Some(first) = lines.get(i) else { break };
        i += 1;
        let raw = text.get(first.start..first.end).unwrap_or("");
        let body = raw.trim_start();
        let ins_start = first.end - body.len();
        if body.starts_with('#') {
            continue;
        }
        let (piece_end, mut cont) = trim_continuation(text, ins_start, first.end, escape);
        if !cont && piece_end == ins_start {
            continue;
        }

        let mut logical = Logical::default();
        logical.push(text, ins_start, piece_end);
        let mut last_end = first.end;
        while cont {
            let Some(line) = lines.get(i) else { break };
            i += 1;
            let raw = text.get(line.start..line.end).unwrap_or("");
            let trimmed = raw.trim_start();
            // BuildKit skips comment lines and empty lines inside a continuation.
            if trimmed.starts_with('#') || trimmed.is_empty() {
                continue;
            }
            let (piece_end, more) = trim_continuation(text, line.start, line.end, escape);
            logical.push(text, line.start, piece_end);
            last_end = line.end;
            cont = more;
        }

        if logical.text.trim().is_empty() {
            diags.push(ParseDiagnostic::new(
                "line continuation without an instruction",
                Span::new(ins_start, last_end),
            ));
            continue;
        }

        let mut ins = build_instruction(&logical, escape, &mut diags);
        if may_have_heredocs(&ins) && logical.text.contains("<<") {
            for marker in find_heredoc_markers(&logical.text) {
                let (body_span, terminator_end) = read_heredoc_body(text, &lines, &mut i, &marker);
                last_end = terminator_end.unwrap_or(text.len());
                if terminator_end.is_none() {
                    diags.push(ParseDiagnostic::new(
                        format!("unterminated heredoc `{}`", marker.delimiter),
                        logical.span(marker.start, marker.end),
                    ));
                }
                ins.heredocs.push(Heredoc {
                    body: text.get(body_span.range()).unwrap_or("").to_string(),
                    body_span,
                    delimiter: marker.delimiter,
                    strip_tabs: marker.strip_tabs,
                });
                if terminator_end.is_none() {
                    break;
                }
            }
        }
        ins.span = Span::new(ins_start, last_end);

        if ins.keyword == "FROM" {
            stages += 1;
        }
        ins.stage = stages.checked_sub(1).unwrap_or(usize::MAX);
        df.instructions.push(ins);
    }
    (df, diags)
}

impl Instruction {
    /// The name/value pairs of an `ARG`, `ENV` or `LABEL` read from [`Instruction::args`]:
    /// unquoted, unexpanded, without spans.
    pub(crate) fn pairs(&self) -> Vec<(String, Option<String>)> {
        raw_pairs(&self.args, &self.keyword, self.escape)
            .into_iter()
            .map(|p| {
                let key = unquote(self.args.get(p.key.0..p.key.1).unwrap_or(""), self.escape);
                let value = p
                    .value
                    .map(|(s, e)| unquote(self.args.get(s..e).unwrap_or(""), self.escape));
                (key, value)
            })
            .collect()
    }

    /// The blank-separated words of the arguments, as written, with their source spans
    /// (exact across continuation lines). `text` is the file text given to [`parse_syntax`].
    pub(crate) fn arg_words<'a>(&'a self, text: &str) -> Vec<(&'a str, Span)> {
        let logical = Logical::from_pieces(text, &self.pieces);
        let args_start = logical
            .logical_of(self.args_span.start as usize)
            .unwrap_or(0);
        shell::blank_words(&self.args, char::is_whitespace)
            .into_iter()
            .map(|(s, e)| {
                (
                    self.args.get(s..e).unwrap_or(""),
                    logical.span(args_start + s, args_start + e),
                )
            })
            .collect()
    }

    /// The flag `--name` (last one wins, as in BuildKit).
    pub(crate) fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().rev().find(|f| f.name == name)
    }

    /// The pairs of an `ENV`, `ARG` or `LABEL` (empty for other instructions),
    /// with exact spans even across continuation lines. `text` is the file
    /// text given to [`parse_syntax`]; keys and values are read from it so spans and
    /// values always agree.
    pub(crate) fn key_values(&self, text: &str) -> Vec<KeyValue> {
        if !matches!(self.keyword.as_str(), "ENV" | "ARG" | "LABEL") {
            return Vec::new();
        }
        let logical = Logical::from_pieces(text, &self.pieces);
        let Some(args_start) = logical.logical_of(self.args_span.start as usize) else {
            return Vec::new();
        };
        let args_end = args_start
            .saturating_add(self.args.len())
            .min(logical.text.len());
        let Some(args) = logical.text.get(args_start..args_end) else {
            return Vec::new();
        };
        raw_pairs(args, &self.keyword, self.escape)
            .into_iter()
            .map(|p| {
                let (ks, ke) = p.key;
                KeyValue {
                    key: unquote(args.get(ks..ke).unwrap_or(""), self.escape),
                    key_span: logical.span(args_start + ks, args_start + ke),
                    value: p
                        .value
                        .map(|(s, e)| unquote(args.get(s..e).unwrap_or(""), self.escape)),
                    value_span: p
                        .value
                        .map(|(s, e)| logical.span(args_start + s, args_start + e)),
                }
            })
            .collect()
    }

    /// The shell script a `RUN` executes, for scanning: the shell-form
    /// arguments (exec form joined with spaces), then each heredoc body. When
    /// the arguments are only heredoc markers (`RUN <<EOF`) they are left out.
    /// `<<-` bodies have their leading tabs stripped.
    pub(crate) fn run_script(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let command = match &self.json_args {
            Some(words) => words.join(" "),
            None => self.args.clone(),
        };
        let only_markers = !self.heredocs.is_empty()
            && command.split_whitespace().all(|w| {
                w.trim_start_matches(|c: char| c.is_ascii_digit())
                    .starts_with("<<")
            });
        if !only_markers && !command.is_empty() {
            parts.push(command);
        }
        for doc in &self.heredocs {
            if doc.strip_tabs {
                let stripped: Vec<&str> = doc
                    .body
                    .lines()
                    .map(|l| l.trim_start_matches('\t'))
                    .collect();
                parts.push(stripped.join("\n"));
            } else {
                parts.push(doc.body.trim_end_matches(['\n', '\r']).to_string());
            }
        }
        parts.join("\n")
    }
}

/// Reads a heredoc body from line `*i` on, up to the line that is exactly the
/// delimiter (after leading tabs for `<<-`). Returns the body span and the end
/// of the terminator line, `None` when the file ends first.
fn read_heredoc_body(
    text: &str,
    lines: &[Line],
    i: &mut usize,
    marker: &HeredocMarker,
) -> (Span, Option<usize>) {
    let start = lines.get(*i).map_or(text.len(), |l| l.start);
    while let Some(line) = lines.get(*i) {
        *i += 1;
        let content = text.get(line.start..line.end).unwrap_or("");
        let candidate = if marker.strip_tabs {
            content.trim_start_matches('\t')
        } else {
            content
        };
        if candidate == marker.delimiter {
            return (Span::new(start, line.start.max(start)), Some(line.end));
        }
    }
    (Span::new(start, text.len()), None)
}

/// A physical line: `start..end` is its content without the line terminator
/// (`\n`, `\r\n`).
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
}

fn split_lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    // NOTE: the BOM is only skipped on line 1, as BuildKit does.
    if text.starts_with('\u{feff}') {
        start = '\u{feff}'.len_utf8();
    }
    while start < bytes.len() {
        let nl = bytes
            .get(start..)
            .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
            .map(|p| start + p);
        let (content_end, next) = match nl {
            Some(p) => (p, p + 1),
            None => (bytes.len(), bytes.len()),
        };
        let mut end = content_end;
        while end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        lines.push(Line { start, end });
        start = next;
    }
    lines
}

/// Drops an end-of-line escape (plus trailing blanks) from `start..end`;
/// returns the new end and whether the line continues. As in BuildKit, an
/// escape preceded by another escape (`\\`) does not continue the line.
fn trim_continuation(text: &str, start: usize, end: usize, escape: char) -> (usize, bool) {
    let line = text.get(start..end).unwrap_or("");
    let trimmed = line.trim_end_matches([' ', '\t']);
    match trimmed.strip_suffix(escape) {
        Some(rest) if !rest.ends_with(escape) => (start + rest.len(), true),
        _ => (end, false),
    }
}

/// Reads the directives at the top of the file; returns them and the escape character.
fn parse_directives(
    text: &str,
    lines: &[Line],
    diags: &mut Vec<ParseDiagnostic>,
) -> (Vec<Directive>, char) {
    let mut directives: Vec<Directive> = Vec::new();
    let mut escape = '\\';
    for line in lines {
        let raw = text.get(line.start..line.end).unwrap_or("");
        let body = raw.trim_start();
        let offset = line.end - body.len();
        let Some(d) = match_directive(body, offset) else {
            break;
        };
        if !DIRECTIVES.contains(&d.name.as_str()) {
            break;
        }
        if directives.iter().any(|x| x.name == d.name) {
            diags.push(ParseDiagnostic::new(
                format!("only one `{}` parser directive can be used", d.name),
                d.span,
            ));
            continue;
        }
        if d.name == "escape" {
            match d.value.as_str() {
                "\\" => escape = '\\',
                "`" => escape = '`',
                _ => diags.push(ParseDiagnostic::new(
                    format!("invalid escape `{}`: must be ` or \\", d.value),
                    d.value_span,
                )),
            }
        }
        directives.push(d);
    }
    (directives, escape)
}

/// Matches `#\s*name\s*=\s*value\s*` (BuildKit's directive pattern) on a
/// line starting at byte `offset`.
fn match_directive(line: &str, offset: usize) -> Option<Directive> {
    let rest = line.strip_prefix('#')?;
    let name_rel = rest.len() - rest.trim_start().len();
    let after_ws = rest.get(name_rel..)?;
    let name_len = after_ws
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(after_ws.len());
    let name = after_ws.get(..name_len)?;
    if !name.chars().next()?.is_ascii_alphabetic() {
        return None;
    }
    let after_name = after_ws.get(name_len..)?.trim_start();
    let after_eq = after_name.strip_prefix('=')?;
    let value = after_eq.trim();
    if value.is_empty() {
        return None;
    }
    let value_start = offset + line.len() - after_eq.trim_start().len();
    let value_end = value_start + value.len();
    Some(Directive {
        name: name.to_ascii_lowercase(),
        value: value.to_string(),
        span: Span::new(offset, value_end),
        value_span: Span::new(value_start, value_end),
    })
}

/// A logical line: the joined text and, per piece, (offset in `text`, offset in the source).
#[derive(Debug, Default)]
struct Logical {
    text: String,
    map: Vec<(usize, usize)>,
}

impl Logical {
    fn push(&mut self, source: &str, start: usize, end: usize) {
        if end <= start {
            return;
        }
        if let Some(s) = source.get(start..end) {
            self.map.push((self.text.len(), start));
            self.text.push_str(s);
        }
    }

    fn from_pieces(source: &str, pieces: &[Span]) -> Self {
        let mut logical = Logical::default();
        for p in pieces {
            logical.push(source, p.start as usize, p.end as usize);
        }
        logical
    }

    fn pieces(&self) -> Vec<Span> {
        self.map
            .iter()
            .enumerate()
            .map(|(k, &(l, s))| {
                let next = self.map.get(k + 1).map_or(self.text.len(), |&(n, _)| n);
                Span::new(s, s + next.saturating_sub(l))
            })
            .collect()
    }

    /// Source offset of the character at logical `pos` (or the end of the last piece).
    fn src_start(&self, pos: usize) -> usize {
        let k = self
            .map
            .partition_point(|&(l, _)| l <= pos)
            .saturating_sub(1);
        match self.map.get(k) {
            Some(&(l, s)) => s + pos.saturating_sub(l),
            None => 0,
        }
    }

    /// Source offset just past the character before logical `end`.
    fn src_end(&self, end: usize) -> usize {
        match end.checked_sub(1) {
            Some(last) => self.src_start(last) + 1,
            None => self.src_start(0),
        }
    }

    /// Source span of logical `start..end`; empty spans sit at `start`.
    fn span(&self, start: usize, end: usize) -> Span {
        if end <= start {
            let at = if start >= self.text.len() {
                self.src_end(self.text.len())
            } else {
                self.src_start(start)
            };
            return Span::new(at, at);
        }
        Span::new(self.src_start(start), self.src_end(end))
    }

    /// Logical offset of source offset `src` (the end of a piece counts).
    fn logical_of(&self, src: usize) -> Option<usize> {
        let pieces = self.pieces();
        for (k, p) in pieces.iter().enumerate() {
            let (ps, pe) = (p.start as usize, p.end as usize);
            if (ps..pe).contains(&src) || (src == pe && k + 1 == pieces.len()) {
                let (l, _) = *self.map.get(k)?;
                return Some(l + (src - ps));
            }
        }
        None
    }
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{b}' | '\u{c}' | '\r')
}

/// Splits the logical line into keyword, flags and arguments.
fn build_instruction(
    logical: &Logical,
    escape: char,
    diags: &mut Vec<ParseDiagnostic>,
) -> Instruction {
    let line = logical.text.as_str();
    let kw_start = line.len() - line.trim_start().len();
    let kw_end = line
        .get(kw_start..)
        .and_then(|rest| rest.find(is_blank))
        .map_or(line.len(), |p| kw_start + p);
    let keyword = line
        .get(kw_start..kw_end)
        .unwrap_or("")
        .to_ascii_uppercase();
    let keyword_span = logical.span(kw_start, kw_end);
    if !KNOWN_INSTRUCTIONS.contains(&keyword.as_str()) {
        diags.push(ParseDiagnostic::new(
            format!(
                "unknown instruction `{}`",
                line.get(kw_start..kw_end).unwrap_or("")
            ),
            keyword_span,
        ));
    }

    let (raw_flags, after_flags) = extract_flags(line, kw_end, escape);
    let flags = raw_flags
        .into_iter()
        .map(|f| {
            let word = f.word.strip_prefix("--").unwrap_or(&f.word);
            let (name, value) = match word.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (word.to_string(), None),
            };
            Flag {
                name,
                value,
                span: logical.span(f.start, f.end),
            }
        })
        .collect();

    let tail = line.get(after_flags..).unwrap_or("");
    let args_start = after_flags + (tail.len() - tail.trim_start().len());
    let args_end = line.trim_end().len().max(args_start);
    let args = line.get(args_start..args_end).unwrap_or("").to_string();
    let args_span = if args.is_empty() {
        let end = line
            .get(..after_flags)
            .map_or(kw_end, |s| s.trim_end().len());
        let at = logical.src_end(end);
        Span::new(at, at)
    } else {
        logical.span(args_start, args_end)
    };
    let json_args = if JSON_INSTRUCTIONS.contains(&keyword.as_str()) {
        parse_json_args(&args)
    } else if keyword == "HEALTHCHECK" {
        split_first_word(&args)
            .filter(|(kind, _)| kind.eq_ignore_ascii_case("CMD"))
            .and_then(|(_, rest)| parse_json_args(rest))
    } else {
        None
    };

    let span = logical.span(0, line.len());
    Instruction {
        keyword,
        keyword_span,
        span,
        flags,
        args,
        args_span,
        json_args,
        heredocs: Vec::new(),
        stage: usize::MAX,
        pieces: logical.pieces(),
        escape,
    }
}

/// Exec form: a JSON array of strings, else `None` (shell form).
fn parse_json_args(args: &str) -> Option<Vec<String>> {
    if !args.starts_with('[') {
        return None;
    }
    serde_json::from_str::<Vec<String>>(args).ok()
}

/// The first blank-separated word and the trimmed rest.
fn split_first_word(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start();
    if s.is_empty() {
        return None;
    }
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    Some((s.get(..end)?, s.get(end..)?.trim()))
}

/// Whether BuildKit looks for heredocs on this instruction: `RUN`, `COPY`,
/// `ADD` (also under `ONBUILD`) in shell form.
fn may_have_heredocs(ins: &Instruction) -> bool {
    if ins.keyword == "ONBUILD" {
        return split_first_word(&ins.args).is_some_and(|(sub, rest)| {
            HEREDOC_INSTRUCTIONS
                .iter()
                .any(|k| k.eq_ignore_ascii_case(sub))
                && parse_json_args(rest).is_none()
        });
    }
    HEREDOC_INSTRUCTIONS.contains(&ins.keyword.as_str()) && ins.json_args.is_none()
}

struct RawFlag {
    word: String,
    start: usize,
    end: usize,
}

/// BuildKit's `extractBuilderFlags`: leading `--words` (quotes removed, the
/// escape character escapes the next one) up to the first other word or a
/// lone `--`. Returns the flags and the logical offset where the arguments begin.
fn extract_flags(line: &str, from: usize, escape: char) -> (Vec<RawFlag>, usize) {
    let mut flags = Vec::new();
    let Some(rest) = line.get(from..) else {
        return (flags, line.len());
    };
    let mut chars = rest.char_indices().peekable();
    loop {
        while chars.next_if(|&(_, c)| c.is_whitespace()).is_some() {}
        let Some(&(start, _)) = chars.peek() else {
            return (flags, line.len());
        };
        if !rest.get(start..).is_some_and(|r| r.starts_with("--")) {
            return (flags, from + start);
        }
        let mut word = String::new();
        let mut quote: Option<char> = None;
        let mut end = rest.len();
        while let Some((i, c)) = chars.next() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) if c == escape => {
                    if let Some((_, n)) = chars.next() {
                        word.push(n);
                    }
                }
                Some(_) => word.push(c),
                None if c.is_whitespace() => {
                    end = i;
                    break;
                }
                None if c == '\'' || c == '"' => quote = Some(c),
                None if c == escape => {
                    if let Some((_, n)) = chars.next() {
                        word.push(n);
                    }
                }
                None => word.push(c),
            }
        }
        if word == "--" {
            return (flags, from + end);
        }
        flags.push(RawFlag {
            word,
            start: from + start,
            end: from + end,
        });
    }
}

/// Removes shell quoting from a word (no variable expansion): `'...'` is
/// literal, `"..."` honours escaped `"`, `$` and the escape character, and an
/// unquoted escape character takes the next character literally.
fn unquote(raw: &str, escape: char) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            for c in chars.by_ref() {
                if c == '\'' {
                    break;
                }
                out.push(c);
            }
        } else if c == '"' {
            while let Some(c) = chars.next() {
                if c == '"' {
                    break;
                }
                if c == escape {
                    match chars.peek() {
                        Some(&n) if n == '"' || n == '$' || n == escape => {
                            out.push(n);
                            chars.next();
                        }
                        None => {}
                        Some(_) => out.push(c),
                    }
                } else {
                    out.push(c);
                }
            }
        } else if c == escape {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A key and optional value as byte ranges into an instruction's arguments.
struct RawPair {
    key: (usize, usize),
    value: Option<(usize, usize)>,
}

/// BuildKit's `parseNameVal` (ENV, LABEL: legacy `KEY value` when the first
/// word has no `=`) and `parseNameOrNameVal` (ARG).
fn raw_pairs(args: &str, keyword: &str, escape: char) -> Vec<RawPair> {
    let words = shell::raw_words(args, escape, false).words;
    let Some(&(first_start, first_end)) = words.first() else {
        return Vec::new();
    };
    let first_has_eq = args
        .get(first_start..first_end)
        .is_some_and(|w| w.contains('='));
    if keyword != "ARG" && !first_has_eq {
        let key_end = args
            .get(first_start..)
            .and_then(|r| r.find(is_blank))
            .map_or(args.len(), |p| first_start + p);
        let rest = args.get(key_end..).unwrap_or("");
        let value_start = key_end + (rest.len() - rest.trim_start().len());
        let value = (value_start < args.len()).then_some((value_start, args.len()));
        return vec![RawPair {
            key: (first_start, key_end),
            value,
        }];
    }
    words
        .into_iter()
        .map(|(s, e)| {
            let word = args.get(s..e).unwrap_or("");
            match word.find('=') {
                Some(eq) => RawPair {
                    key: (s, s + eq),
                    value: Some((s + eq + 1, e)),
                },
                None => RawPair {
                    key: (s, e),
                    value: None,
                },
            }
        })
        .collect()
}

/// A heredoc marker found on an instruction line (logical offsets).
struct HeredocMarker {
    delimiter: String,
    strip_tabs: bool,
    start: usize,
    end: usize,
}

/// BuildKit's `heredocsFromLine`: shell words (escape `\\`, quotes kept;
/// `<<` glues to the blanks after it) of the form `[n]<<[-][blanks]WORD`, in
/// order. A line with an unterminated quote has none, as in BuildKit.
fn find_heredoc_markers(line: &str) -> Vec<HeredocMarker> {
    let raw = shell::raw_words(line, '\\', true);
    if raw.open_quote {
        return Vec::new();
    }
    raw.words
        .into_iter()
        .filter_map(|(start, end)| {
            let word = line.get(start..end)?;
            let after_fd = word.trim_start_matches(|c: char| c.is_ascii_digit());
            let after = after_fd.strip_prefix("<<")?;
            let (strip_tabs, name) = match after.strip_prefix('-') {
                Some(n) => (true, n),
                None => (false, after),
            };
            let name = name.trim_start();
            if name.is_empty()
                || name.contains('<')
                || shell::raw_words(name, '\\', false).open_quote
            {
                return None;
            }
            let delimiter = unquote(name, '\\');
            if delimiter.is_empty() {
                return None;
            }
            Some(HeredocMarker {
                delimiter,
                strip_tabs,
                start,
                end,
            })
        })
        .collect()
}
