//! Dockerfile parser that keeps byte spans, modelled on BuildKit's
//! `frontend/dockerfile/parser`: parser directives, comments, line
//! continuations (with the `# escape=` character), heredocs, exec (JSON) form
//! and instruction flags. It never fails: whatever it cannot make sense of
//! becomes a [`ParseDiagnostic`] and the rest of the file is still parsed.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::source::{ParseDiagnostic, Span};

/// A parsed Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    pub directives: Vec<Directive>,
    /// The escape character: `\` unless `# escape=` set it to a backtick.
    pub escape: char,
    /// The global ARGs, resolved once (rules resolve every stage's image against them:
    /// recomputing per stage was quadratic in a file of 50,000 `FROM`s).
    global_env: OnceLock<HashMap<String, Option<String>>>,
    /// Lowercased stage alias -> index of the first stage with that alias.
    aliases: OnceLock<HashMap<String, usize>>,
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
    /// Index into [`Dockerfile::stages`]; `usize::MAX` before the first `FROM`.
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

/// A build stage, started by a `FROM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    /// Index into [`Dockerfile::instructions`] of the stage's `FROM`.
    pub from: usize,
    /// The image as written (unresolved `$ARG`s kept).
    pub image: String,
    pub image_span: Span,
    /// The name after `AS`, as written (compare case-insensitively).
    pub alias: Option<String>,
    pub alias_span: Option<Span>,
    /// The `--platform` flag value.
    pub platform: Option<String>,
}

/// One `KEY=value` (or legacy `KEY value`, or bare `NAME`) of `ENV`, `ARG`, `LABEL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
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

/// Longest value an expansion may produce: `ARG A=${A}${A}` forty times doubles to a
/// terabyte; past this the value is unknown.
const MAX_EXPANDED_LEN: usize = 64 * 1024;

/// How deep `${A:-${B:-...}}` defaults are expanded before giving up.
const MAX_EXPANSION_DEPTH: usize = 16;

/// Parses a Dockerfile. Never panics; returns everything it could parse.
pub fn parse(text: &str) -> (Dockerfile, Vec<ParseDiagnostic>) {
    let lines = split_lines(text);
    let mut diags = Vec::new();
    let (directives, escape) = parse_directives(text, &lines, &mut diags);
    let mut df = Dockerfile {
        instructions: Vec::new(),
        stages: Vec::new(),
        directives,
        escape,
        global_env: OnceLock::new(),
        aliases: OnceLock::new(),
    };

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
            let stage = build_stage(
                &ins,
                &logical,
                df.stages.len(),
                df.instructions.len(),
                &mut diags,
            );
            df.stages.push(stage);
        }
        ins.stage = df.stages.len().checked_sub(1).unwrap_or(usize::MAX);
        df.instructions.push(ins);
    }
    (df, diags)
}

impl Dockerfile {
    /// The last stage: the one `docker build` produces without `--target`.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The instructions of stage `stage`, its `FROM` first.
    pub fn stage_instructions(&self, stage: usize) -> impl Iterator<Item = &Instruction> + '_ {
        self.instructions.iter().filter(move |i| i.stage == stage)
    }

    /// The stage named `name` (case-insensitive).
    pub fn stage_by_name(&self, name: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| {
            s.alias
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case(name))
        })
    }

    /// `ARG`s declared before the first `FROM`, in order: name and default
    /// (unquoted, unexpanded). A later declaration of a name overrides an earlier one.
    pub fn global_args(&self) -> Vec<(String, Option<String>)> {
        self.instructions
            .iter()
            .take_while(|i| i.keyword != "FROM")
            .filter(|i| i.keyword == "ARG")
            .flat_map(|i| {
                raw_pairs(&i.args, "ARG", i.escape)
                    .into_iter()
                    .map(move |p| {
                        let key = unquote(i.args.get(p.key.0..p.key.1).unwrap_or(""), i.escape);
                        let value = p
                            .value
                            .map(|(s, e)| unquote(i.args.get(s..e).unwrap_or(""), i.escape));
                        (key, value)
                    })
            })
            .collect()
    }

    /// Expands `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
    /// `${VAR:+alt}` and `${VAR+alt}` in `s` (a `FROM` image, say) with the
    /// global `ARG` defaults. `None` when a variable has no value.
    pub fn resolve_args(&self, s: &str) -> Option<String> {
        let env = self.global_env.get_or_init(|| {
            let mut env = HashMap::new();
            for (name, default) in self.global_args() {
                let value = default.and_then(|d| expand(&d, &env, self.escape, 0));
                env.insert(name, value);
            }
            env
        });
        expand(s, env, self.escape, 0)
    }

    /// Index of the first stage named `alias` (case-insensitive, as BuildKit compares).
    fn first_stage_named(&self, alias: &str) -> Option<usize> {
        let aliases = self.aliases.get_or_init(|| {
            let mut aliases = HashMap::new();
            for (i, stage) in self.stages.iter().enumerate() {
                if let Some(a) = &stage.alias {
                    aliases.entry(a.to_ascii_lowercase()).or_insert(i);
                }
            }
            aliases
        });
        aliases.get(&alias.to_ascii_lowercase()).copied()
    }
}

impl Stage {
    /// Whether this stage's image names an earlier stage (`FROM builder`),
    /// compared case-insensitively as BuildKit does.
    pub fn is_earlier_stage_ref(&self, df: &Dockerfile) -> bool {
        let earlier = |name: &str| df.first_stage_named(name).is_some_and(|i| i < self.index);
        earlier(&self.image) || df.resolve_args(&self.image).is_some_and(|r| earlier(&r))
    }

    /// `FROM scratch` (the empty image).
    pub fn is_scratch(&self) -> bool {
        self.image.eq_ignore_ascii_case("scratch")
    }
}

impl Instruction {
    /// The flag `--name` (last one wins, as in BuildKit).
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().rev().find(|f| f.name == name)
    }

    /// The pairs of an `ENV`, `ARG` or `LABEL` (empty for other instructions),
    /// with exact spans even across continuation lines. `text` is the file
    /// text given to [`parse`]; keys and values are read from it so spans and
    /// values always agree.
    pub fn key_values(&self, text: &str) -> Vec<KeyValue> {
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
    pub fn run_script(&self) -> String {
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

/// Splits `s` into raw words (quotes and escapes kept), as BuildKit's
/// `parseWords`; returns byte ranges.
fn split_words(s: &str, escape: char) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut chars = s.char_indices();
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
        if start.is_none() {
            start = Some(i);
        }
        if c == '\'' || c == '"' {
            quote = Some(c);
        } else if c == escape {
            chars.next();
        }
    }
    if let Some(st) = start {
        words.push((st, s.len()));
    }
    words
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
    let words = split_words(args, escape);
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
    let Some(words) = shell_words(line) else {
        return Vec::new();
    };
    words
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
            if name.is_empty() || name.contains('<') || has_open_quote(name) {
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

/// Raw word ranges as BuildKit's shell lexer splits them for heredoc
/// detection; `None` on an unterminated quote.
fn shell_words(line: &str) -> Option<Vec<(usize, usize)>> {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            if c == '\\' && q == '"' {
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
        match c {
            '\'' | '"' => quote = Some(c),
            '\\' => {
                chars.next();
            }
            '<' if chars.next_if(|&(_, n)| n == '<').is_some() => {
                while chars.next_if(|&(_, n)| n.is_whitespace()).is_some() {}
            }
            _ => {}
        }
    }
    if quote.is_some() {
        return None;
    }
    if let Some(st) = start {
        words.push((st, line.len()));
    }
    Some(words)
}

/// Whether `s` ends inside a quote (`<<'EOF` is not a heredoc).
fn has_open_quote(s: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
            }
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '\\' => {
                chars.next();
            }
            None => {}
        }
    }
    quote.is_some()
}

/// Builds the stage a `FROM` starts: `FROM [--platform=p] image [AS name]`.
fn build_stage(
    ins: &Instruction,
    logical: &Logical,
    index: usize,
    from: usize,
    diags: &mut Vec<ParseDiagnostic>,
) -> Stage {
    let args_start = logical
        .logical_of(ins.args_span.start as usize)
        .unwrap_or(0);
    let words: Vec<(usize, usize)> = split_on_blanks(&ins.args);
    let word = |k: usize| {
        words
            .get(k)
            .map(|&(s, e)| (ins.args.get(s..e).unwrap_or(""), s, e))
    };
    let (image, image_span) = match word(0) {
        Some((w, s, e)) => (w.to_string(), logical.span(args_start + s, args_start + e)),
        None => (String::new(), ins.args_span),
    };
    let mut alias = None;
    let mut alias_span = None;
    match (word(1), word(2)) {
        (Some((kw, _, _)), Some((name, s, e)))
            if words.len() == 3 && kw.eq_ignore_ascii_case("AS") =>
        {
            alias = Some(name.to_string());
            alias_span = Some(logical.span(args_start + s, args_start + e));
        }
        _ if words.len() == 1 => {}
        _ => diags.push(ParseDiagnostic::new(
            "FROM requires either one or three arguments (`FROM image [AS name]`)",
            if words.is_empty() {
                ins.keyword_span
            } else {
                ins.args_span
            },
        )),
    }
    Stage {
        index,
        from,
        image,
        image_span,
        alias,
        alias_span,
        platform: ins.flag("platform").and_then(|f| f.value.clone()),
    }
}

/// Byte ranges of the blank-separated words of `s`.
fn split_on_blanks(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (c.is_whitespace(), start) {
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

/// Expands variables in `s` from `env` (name → value, `None` = declared
/// without a value). `None` when a variable without a default is unset.
fn expand(
    s: &str,
    env: &HashMap<String, Option<String>>,
    escape: char,
    depth: usize,
) -> Option<String> {
    if depth > MAX_EXPANSION_DEPTH {
        return None;
    }
    let lookup = |name: &str| env.get(name).cloned().flatten();
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let after = rest.get(c.len_utf8()..).unwrap_or("");
        if c == escape {
            if let Some(n) = after.chars().next() {
                out.push(n);
                rest = after.get(n.len_utf8()..).unwrap_or("");
            } else {
                rest = after;
            }
            continue;
        }
        if c != '$' {
            out.push(c);
            rest = after;
            continue;
        }
        if let Some(inner) = after.strip_prefix('{') {
            let close = matching_brace(inner)?;
            let body = inner.get(..close)?;
            rest = inner.get(close + 1..).unwrap_or("");
            let name_len = body
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(body.len());
            let name = body.get(..name_len)?;
            let op = body.get(name_len..)?;
            let value = lookup(name);
            let expanded = if op.is_empty() {
                value?
            } else if let Some(word) = op.strip_prefix(":-") {
                match value.filter(|v| !v.is_empty()) {
                    Some(v) => v,
                    None => expand(word, env, escape, depth + 1)?,
                }
            } else if let Some(word) = op.strip_prefix('-') {
                match value {
                    Some(v) => v,
                    None => expand(word, env, escape, depth + 1)?,
                }
            } else if let Some(word) = op.strip_prefix(":+") {
                match value.filter(|v| !v.is_empty()) {
                    Some(_) => expand(word, env, escape, depth + 1)?,
                    None => String::new(),
                }
            } else if let Some(word) = op.strip_prefix('+') {
                match value {
                    Some(_) => expand(word, env, escape, depth + 1)?,
                    None => String::new(),
                }
            } else {
                return None;
            };
            if out.len() + expanded.len() > MAX_EXPANDED_LEN {
                return None;
            }
            out.push_str(&expanded);
            continue;
        }
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if name_len == 0 {
            out.push('$');
            rest = after;
            continue;
        }
        let value = lookup(after.get(..name_len)?)?;
        if out.len() + value.len() > MAX_EXPANDED_LEN {
            return None;
        }
        out.push_str(&value);
        rest = after.get(name_len..).unwrap_or("");
    }
    Some(out)
}

/// Offset of the `}` closing a `${` whose body starts `inner`.
fn matching_brace(inner: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, span: Span) -> &str {
        text.get(span.range()).unwrap()
    }

    fn ok(text: &str) -> Dockerfile {
        let (df, diags) = parse(text);
        assert!(diags.is_empty(), "unexpected diagnostics: {diags:?}");
        df
    }

    /// Every span the model hands out lies inside `text` on char boundaries.
    fn assert_spans_valid(df: &Dockerfile, text: &str) {
        let check = |s: Span| {
            assert!(s.start <= s.end && s.end as usize <= text.len(), "{s:?}");
            assert!(
                text.get(s.range()).is_some(),
                "not on char boundaries: {s:?}"
            );
        };
        for d in &df.directives {
            check(d.span);
            check(d.value_span);
        }
        for i in &df.instructions {
            for s in [i.span, i.keyword_span, i.args_span] {
                check(s);
                assert!(i.span.contains(s), "{s:?} outside {:?}", i.span);
            }
            i.flags.iter().for_each(|f| check(f.span));
            i.pieces.iter().for_each(|&p| check(p));
            i.heredocs.iter().for_each(|h| check(h.body_span));
            for kv in i.key_values(text) {
                check(kv.key_span);
                kv.value_span.into_iter().for_each(check);
            }
            let _ = i.run_script();
        }
        for s in &df.stages {
            check(s.image_span);
            s.alias_span.into_iter().for_each(check);
            let _ = s.is_earlier_stage_ref(df);
            let _ = df.resolve_args(&s.image);
        }
    }

    #[test]
    fn multi_stage_build_with_aliases() {
        let text = "\
FROM node:20-alpine AS Build
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
RUN npm run build

FROM build AS test
RUN npm test

FROM gcr.io/distroless/nodejs20-debian12:nonroot
COPY --from=BUILD /app/dist /app
USER nonroot
CMD [\"/app/server.js\"]
";
        let df = ok(text);
        assert_spans_valid(&df, text);
        assert_eq!(df.stages.len(), 3);
        let build = &df.stages[0];
        assert_eq!(build.image, "node:20-alpine");
        assert_eq!(at(text, build.image_span), "node:20-alpine");
        assert_eq!(build.alias.as_deref(), Some("Build"));
        assert_eq!(at(text, build.alias_span.unwrap()), "Build");
        assert!(!build.is_earlier_stage_ref(&df));
        // `FROM build` names stage 0 whatever the case.
        assert!(df.stages[1].is_earlier_stage_ref(&df));
        assert_eq!(df.stage_by_name("BUILD").map(|s| s.index), Some(0));

        let last = df.final_stage().unwrap();
        assert_eq!(last.index, 2);
        assert_eq!(last.from, 6);
        assert!(!last.is_earlier_stage_ref(&df));
        let keywords: Vec<&str> = df
            .stage_instructions(2)
            .map(|i| i.keyword.as_str())
            .collect();
        assert_eq!(keywords, ["FROM", "COPY", "USER", "CMD"]);
        assert_eq!(df.instructions[3].stage, 0);

        let copy = &df.instructions[2];
        assert_eq!(copy.flags.len(), 2);
        assert_eq!(
            copy.flag("from").and_then(|f| f.value.as_deref()),
            Some("deps")
        );
        assert_eq!(at(text, copy.flags[0].span), "--from=deps");
        assert_eq!(at(text, copy.flags[1].span), "--chown=node:node");
        assert_eq!(copy.args, "/app/node_modules ./node_modules");
        assert_eq!(at(text, copy.args_span), "/app/node_modules ./node_modules");
        assert_eq!(at(text, copy.keyword_span), "COPY");
        assert_eq!(
            at(text, copy.span),
            "COPY --from=deps --chown=node:node /app/node_modules ./node_modules"
        );
    }

    #[test]
    fn arg_parameterised_from() {
        let text = "\
ARG BASE=node:20
ARG VARIANT
ARG REGISTRY=docker.io
ARG FULL=${REGISTRY}/library/${BASE}
FROM ${BASE}
FROM $REGISTRY/${VARIANT:-debian}:bookworm
FROM ${VARIANT}
FROM ${FULL}
";
        let df = ok(text);
        assert_spans_valid(&df, text);
        assert!(df.instructions[..4].iter().all(|i| i.stage == usize::MAX));
        assert_eq!(
            df.global_args(),
            vec![
                ("BASE".to_string(), Some("node:20".to_string())),
                ("VARIANT".to_string(), None),
                ("REGISTRY".to_string(), Some("docker.io".to_string())),
                (
                    "FULL".to_string(),
                    Some("${REGISTRY}/library/${BASE}".to_string())
                ),
            ]
        );
        let images: Vec<Option<String>> = df
            .stages
            .iter()
            .map(|s| df.resolve_args(&s.image))
            .collect();
        assert_eq!(
            images,
            [
                Some("node:20".to_string()),
                Some("docker.io/debian:bookworm".to_string()),
                None,
                Some("docker.io/library/node:20".to_string()),
            ]
        );
        assert_eq!(at(text, df.stages[0].image_span), "${BASE}");
        assert_eq!(df.resolve_args("plain:1.0"), Some("plain:1.0".to_string()));
        assert_eq!(df.resolve_args("${UNDECLARED}"), None);
        assert_eq!(
            df.resolve_args("${BASE:+set}-${VARIANT:+set}"),
            Some("set-".to_string())
        );
        assert_eq!(df.resolve_args("${BASE"), None);
        // Deeply nested defaults are cut off, not a stack overflow.
        let deep = format!("{}x{}", "${A:-".repeat(100_000), "}".repeat(100_000));
        assert_eq!(df.resolve_args(&deep), None);
    }

    #[test]
    fn from_platform_scratch_and_digest() {
        let text = "\
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
FROM scratch
FROM alpine@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5 as runtime
";
        let df = ok(text);
        assert_spans_valid(&df, text);
        let build = &df.stages[0];
        assert_eq!(build.platform.as_deref(), Some("$BUILDPLATFORM"));
        assert_eq!(
            at(text, df.instructions[0].flags[0].span),
            "--platform=$BUILDPLATFORM"
        );
        assert_eq!(build.image, "golang:1.22");
        assert_eq!(at(text, build.image_span), "golang:1.22");
        assert!(df.stages[1].is_scratch());
        assert_eq!(df.stages[1].alias, None);
        let digest = &df.stages[2];
        assert!(digest.image.starts_with("alpine@sha256:0a4e"));
        assert_eq!(at(text, digest.image_span), digest.image);
        assert_eq!(digest.alias.as_deref(), Some("runtime"));
    }

    #[test]
    fn from_with_wrong_arity_is_reported() {
        let text = "FROM\nFROM a b\nRUN true\n";
        let (df, diags) = parse(text);
        assert_spans_valid(&df, text);
        assert_eq!(df.stages.len(), 2);
        assert_eq!(diags.len(), 2);
        assert_eq!(at(text, diags[0].span), "FROM");
        assert_eq!(at(text, diags[1].span), "a b");
        assert_eq!(df.instructions[2].stage, 1);
    }

    #[test]
    fn heredoc_run_and_copy() {
        let text = "\
# syntax=docker/dockerfile:1.7
FROM debian:bookworm
RUN --mount=type=cache,target=/var/cache/apt <<EOF
set -eux
apt-get update
curl -fsSL https://example.com/install.sh | sh
EOF
RUN <<-'SCRIPT' bash
\tset -e
\techo \"$HOME\"
\tSCRIPT
COPY <<EOF /etc/app.conf
port=8080
EOF
RUN cat <<A <<\"B\" > /out
a
A
b
B
RUN echo '<<NOT' && echo \"<<NOT\"
RUN [\"sh\", \"-c\", \"cat <<EOF\"]
USER app
";
        let df = ok(text);
        assert_spans_valid(&df, text);
        assert_eq!(df.directives.len(), 1);
        assert_eq!(df.directives[0].name, "syntax");
        assert_eq!(
            at(text, df.directives[0].value_span),
            "docker/dockerfile:1.7"
        );

        let run = &df.instructions[1];
        assert_eq!(run.args, "<<EOF");
        assert_eq!(run.heredocs.len(), 1);
        let doc = &run.heredocs[0];
        assert_eq!(doc.delimiter, "EOF");
        assert!(!doc.strip_tabs);
        assert_eq!(
            doc.body,
            "set -eux\napt-get update\ncurl -fsSL https://example.com/install.sh | sh\n"
        );
        assert_eq!(at(text, doc.body_span), doc.body);
        assert!(at(text, run.span).starts_with("RUN --mount"));
        assert!(at(text, run.span).ends_with("| sh\nEOF"));
        assert_eq!(
            run.run_script(),
            "set -eux\napt-get update\ncurl -fsSL https://example.com/install.sh | sh"
        );

        let tabbed = &df.instructions[2];
        assert_eq!(tabbed.heredocs[0].delimiter, "SCRIPT");
        assert!(tabbed.heredocs[0].strip_tabs);
        assert_eq!(tabbed.heredocs[0].body, "\tset -e\n\techo \"$HOME\"\n");
        assert_eq!(
            tabbed.run_script(),
            "<<-'SCRIPT' bash\nset -e\necho \"$HOME\""
        );

        let copy = &df.instructions[3];
        assert_eq!(copy.heredocs[0].body, "port=8080\n");
        assert_eq!(copy.args, "<<EOF /etc/app.conf");

        let two = &df.instructions[4];
        let names: Vec<&str> = two.heredocs.iter().map(|h| h.delimiter.as_str()).collect();
        assert_eq!(names, ["A", "B"]);
        assert_eq!(two.heredocs[1].body, "b\n");

        assert!(df.instructions[5].heredocs.is_empty());
        assert!(df.instructions[6].heredocs.is_empty());
        assert_eq!(df.instructions[7].keyword, "USER");
        assert_eq!(df.instructions[7].args, "app");
    }

    #[test]
    fn unterminated_heredoc_is_reported() {
        let text = "FROM alpine\nRUN <<EOF\necho hi\n";
        let (df, diags) = parse(text);
        assert_spans_valid(&df, text);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("unterminated heredoc"));
        assert_eq!(at(text, diags[0].span), "<<EOF");
        let run = &df.instructions[1];
        assert_eq!(run.heredocs[0].body, "echo hi\n");
        assert_eq!(run.span.end as usize, text.len());

        let (df, diags) = parse("RUN <<EOF");
        assert_eq!(diags.len(), 1);
        assert_eq!(df.instructions[0].heredocs[0].body, "");
    }

    #[test]
    fn continuation_with_comment_and_empty_lines() {
        let text = "\
FROM ubuntu:22.04
RUN apt-get update \\
# install the toolchain
    && apt-get install -y \\
      build-essential \\

      curl   \t
CMD bash
";
        let df = ok(text);
        assert_spans_valid(&df, text);
        let run = &df.instructions[1];
        assert_eq!(
            run.args,
            "apt-get update     && apt-get install -y       build-essential       curl"
        );
        assert_eq!(
            at(text, run.args_span),
            "apt-get update \\\n# install the toolchain\n    && apt-get install -y \\\n      build-essential \\\n\n      curl"
        );
        assert!(at(text, run.span).starts_with("RUN apt-get"));
        assert!(at(text, run.span).ends_with("curl   \t"));
        assert_eq!(run.pieces.len(), 4);
        assert_eq!(df.instructions[2].keyword, "CMD");
        assert_eq!(df.instructions.len(), 3);
    }

    #[test]
    fn trailing_whitespace_after_escape_and_double_escape() {
        let text = "RUN echo a \\  \t\n  b\nRUN echo c \\\\\nRUN echo d\n";
        let df = ok(text);
        assert_spans_valid(&df, text);
        assert_eq!(df.instructions[0].args, "echo a   b");
        // `\\` at the end escapes itself: no continuation (BuildKit).
        assert_eq!(df.instructions[1].args, "echo c \\\\");
        assert_eq!(df.instructions.len(), 3);
    }

    #[test]
    fn escape_directive_windows_style() {
        let text = "\
# escape=`
# syntax=docker/dockerfile:1

FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL [\"powershell\", \"-Command\"]
WORKDIR C:\\app\\
ENV PYTHONPATH=C:\\lib `
    HOME=\"C:\\Users\\app\"
RUN Write-Host `
    'hello' ; `
    Get-ChildItem C:\\
# escape=\\
RUN dir C:\\temp\\
";
        let df = ok(text);
        assert_spans_valid(&df, text);
        assert_eq!(df.escape, '`');
        assert_eq!(df.directives.len(), 2);
        assert_eq!(df.directives[0].name, "escape");
        assert_eq!(at(text, df.directives[0].span), "# escape=`");
        let workdir = &df.instructions[2];
        assert_eq!(workdir.args, "C:\\app\\");
        let env = &df.instructions[3];
        let kvs = env.key_values(text);
        assert_eq!(kvs.len(), 2);
        assert_eq!(kvs[0].value.as_deref(), Some("C:\\lib"));
        assert_eq!(kvs[1].key, "HOME");
        assert_eq!(kvs[1].value.as_deref(), Some("C:\\Users\\app"));
        assert_eq!(at(text, kvs[1].value_span.unwrap()), "\"C:\\Users\\app\"");
        let run = &df.instructions[4];
        assert_eq!(run.args, "Write-Host     'hello' ;     Get-ChildItem C:\\");
        // A directive after the first instruction is only a comment.
        assert_eq!(df.instructions[5].args, "dir C:\\temp\\");
        assert_eq!(df.instructions.len(), 6);
    }

    #[test]
    fn directive_errors() {
        let text = "# escape=x\n# syntax=a\n# SYNTAX=b\nFROM a\n";
        let (df, diags) = parse(text);
        assert_eq!(df.escape, '\\');
        assert_eq!(diags.len(), 2);
        assert_eq!(at(text, diags[0].span), "x");
        assert_eq!(at(text, diags[1].span), "# SYNTAX=b");
        // An unknown directive ends the directives.
        let df = ok("# foo=bar\n# escape=`\nFROM a\n");
        assert!(df.directives.is_empty());
        assert_eq!(df.escape, '\\');
    }

    #[test]
    fn json_and_shell_forms() {
        let text = "\
FROM python:3.12-slim
CMD [\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"app:app\"]
ENTRYPOINT [ \"/bin/tini\", \"--\" ]
CMD [\"python\", \"app.py\"
CMD ['python', 'app.py']
CMD python app.py
COPY [\"a b.txt\", \"/dst/\"]
HEALTHCHECK --interval=30s CMD [\"curl\", \"-f\", \"http://localhost/\"]
RUN [\"/bin/sh\", \"-c\", 1]
";
        let df = ok(text);
        assert_spans_valid(&df, text);
        let json = |k: usize| df.instructions[k].json_args.clone();
        assert_eq!(
            json(1).unwrap(),
            ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
        );
        assert_eq!(
            at(text, df.instructions[1].args_span),
            df.instructions[1].args
        );
        assert_eq!(json(2).unwrap(), ["/bin/tini", "--"]);
        // An unterminated array falls back to shell form.
        assert_eq!(json(3), None);
        assert_eq!(df.instructions[3].args, "[\"python\", \"app.py\"");
        assert_eq!(json(4), None);
        assert_eq!(json(5), None);
        assert_eq!(json(6).unwrap(), ["a b.txt", "/dst/"]);
        assert_eq!(json(7).unwrap(), ["curl", "-f", "http://localhost/"]);
        assert_eq!(json(8), None);
        assert_eq!(df.instructions[8].run_script(), "[\"/bin/sh\", \"-c\", 1]");
    }

    #[test]
    fn env_both_forms_with_exact_spans() {
        let text = "\
FROM alpine
ENV APP_HOME /srv/my app
ENV A=1 \\
    B=\"two words\" \\
# a comment in between
    C='x y' D=a\\ b \\
    E= F=\"multi \\
line\"
ARG NAME
ARG VERSION=1.0 OTHER=\"q\"
LABEL \"org.opencontainers.image.title\"=\"My app\" version=2
";
        let df = ok(text);
        assert_spans_valid(&df, text);
        let legacy = df.instructions[1].key_values(text);
        assert_eq!(legacy.len(), 1);
        assert_eq!(legacy[0].key, "APP_HOME");
        assert_eq!(legacy[0].value.as_deref(), Some("/srv/my app"));
        assert_eq!(at(text, legacy[0].key_span), "APP_HOME");
        assert_eq!(at(text, legacy[0].value_span.unwrap()), "/srv/my app");

        let env = df.instructions[2].key_values(text);
        let got: Vec<(&str, Option<&str>, &str, Option<&str>)> = env
            .iter()
            .map(|kv| {
                (
                    kv.key.as_str(),
                    kv.value.as_deref(),
                    at(text, kv.key_span),
                    kv.value_span.map(|s| at(text, s)),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("A", Some("1"), "A", Some("1")),
                ("B", Some("two words"), "B", Some("\"two words\"")),
                ("C", Some("x y"), "C", Some("'x y'")),
                ("D", Some("a b"), "D", Some("a\\ b")),
                ("E", Some(""), "E", Some("")),
                ("F", Some("multi line"), "F", Some("\"multi \\\nline\"")),
            ]
        );
        // The empty value sits right after `E=`.
        let e_span = env[4].value_span.unwrap();
        assert_eq!(
            at(
                text,
                Span::new(e_span.start as usize - 2, e_span.end as usize)
            ),
            "E="
        );

        let arg = df.instructions[3].key_values(text);
        assert_eq!(
            (
                arg[0].key.as_str(),
                arg[0].value.as_deref(),
                arg[0].value_span
            ),
            ("NAME", None, None)
        );
        let arg = df.instructions[4].key_values(text);
        assert_eq!(arg.len(), 2);
        assert_eq!(arg[0].value.as_deref(), Some("1.0"));
        assert_eq!(arg[1].value.as_deref(), Some("q"));
        assert_eq!(at(text, arg[1].value_span.unwrap()), "\"q\"");

        let label = df.instructions[5].key_values(text);
        assert_eq!(label[0].key, "org.opencontainers.image.title");
        assert_eq!(
            at(text, label[0].key_span),
            "\"org.opencontainers.image.title\""
        );
        assert_eq!(label[0].value.as_deref(), Some("My app"));
        assert_eq!(label[1].key, "version");
        assert!(df.instructions[0].key_values(text).is_empty());
    }

    #[test]
    fn crlf_line_endings() {
        let text = "FROM alpine:3.20 AS base\r\nENV A=1 \\\r\n    B=2\r\nRUN <<EOF\r\necho hi\r\nEOF\r\nCMD [\"sh\"]\r\n";
        let df = ok(text);
        assert_spans_valid(&df, text);
        assert_eq!(df.stages[0].alias.as_deref(), Some("base"));
        assert_eq!(at(text, df.stages[0].alias_span.unwrap()), "base");
        let kvs = df.instructions[1].key_values(text);
        assert_eq!(at(text, kvs[1].value_span.unwrap()), "2");
        assert_eq!(df.instructions[1].args, "A=1     B=2");
        assert_eq!(df.instructions[2].heredocs[0].body, "echo hi\r\n");
        assert_eq!(
            at(text, df.instructions[2].span),
            "RUN <<EOF\r\necho hi\r\nEOF"
        );
        assert_eq!(
            df.instructions[3].json_args.as_deref(),
            Some(&["sh".to_string()][..])
        );
    }

    #[test]
    fn byte_order_mark() {
        let text = "\u{feff}# syntax=docker/dockerfile:1\nFROM alpine\n";
        let df = ok(text);
        assert_spans_valid(&df, text);
        assert_eq!(
            at(text, df.directives[0].span),
            "# syntax=docker/dockerfile:1"
        );
        let text = "\u{feff}FROM alpine\n";
        let df = ok(text);
        assert_eq!(df.instructions[0].keyword, "FROM");
        assert_eq!(df.instructions[0].keyword_span.start, 3);
    }

    #[test]
    fn lowercase_keywords_and_unknown_instruction() {
        let text = "from alpine as Base\nrun echo hi\napt-get install curl\n";
        let (df, diags) = parse(text);
        assert_eq!(df.instructions[0].keyword, "FROM");
        assert_eq!(df.stages[0].alias.as_deref(), Some("Base"));
        assert_eq!(df.instructions[1].keyword, "RUN");
        assert_eq!(diags.len(), 1);
        assert_eq!(at(text, diags[0].span), "apt-get");
    }

    #[test]
    fn onbuild_heredoc() {
        let text = "FROM a\nONBUILD RUN <<EOF\necho hi\nEOF\nONBUILD RUN [\"<<EOF\"]\n";
        let df = ok(text);
        assert_eq!(df.instructions[1].heredocs[0].body, "echo hi\n");
        assert!(df.instructions[2].heredocs.is_empty());
    }

    #[test]
    fn flags_with_quotes_and_end_marker() {
        let text = "RUN --mount=type=secret,id=npm,target=/root/.npmrc \\\n    --network=\"none\" -- --not-a-flag\n";
        let df = ok(text);
        let run = &df.instructions[0];
        assert_eq!(run.flags.len(), 2);
        assert_eq!(run.flags[1].value.as_deref(), Some("none"));
        assert_eq!(at(text, run.flags[1].span), "--network=\"none\"");
        assert_eq!(run.args, "--not-a-flag");
        assert_eq!(at(text, run.args_span), "--not-a-flag");
        let df = ok("COPY --link\n");
        assert_eq!(df.instructions[0].flags[0].value, None);
        assert_eq!(df.instructions[0].args, "");
        assert_eq!(df.instructions[0].args_span, Span::new(11, 11));
    }

    #[test]
    fn ten_thousand_backslashes_finish_fast() {
        let text = "\\\n".repeat(10_000);
        let started = std::time::Instant::now();
        let (df, diags) = parse(&text);
        assert!(started.elapsed().as_secs() < 2);
        assert!(df.instructions.is_empty());
        assert_eq!(diags.len(), 1);
        let (df, _) = parse(&"\\".repeat(10_000));
        assert_eq!(df.instructions.len(), 1);
        let (df, diags) = parse("\\");
        assert!(df.instructions.is_empty());
        assert_eq!(diags.len(), 1);
    }

    #[test]
    fn deeply_nested_json_is_shell_form() {
        let text = format!("CMD {}\n", "[".repeat(100_000));
        let (df, _) = parse(&text);
        assert_eq!(df.instructions[0].json_args, None);
        assert_eq!(df.instructions[0].args.len(), 100_000);
    }

    #[test]
    fn empty_and_comment_only_files() {
        for text in ["", "\n\n", "# just a comment\n", "\u{feff}", "   \t\n"] {
            let (df, diags) = parse(text);
            assert!(df.instructions.is_empty() && diags.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn hostile_inputs_never_panic() {
        const TOKENS: [&str; 32] = [
            "\\",
            "`",
            "\n",
            "\r\n",
            "\r",
            " ",
            "\t",
            "#",
            "<<",
            "<<-",
            "EOF",
            "'",
            "\"",
            "[",
            "]",
            ",",
            "=",
            "--",
            "--from=",
            "FROM",
            "RUN",
            "ENV",
            "ARG",
            "COPY",
            "AS",
            "${",
            "}",
            "$",
            "é",
            "\u{feff}",
            "# escape=`\n",
            "ONBUILD",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..3000 {
            let len = (next() % 60) as usize;
            let text: String = (0..len)
                .map(|_| TOKENS[(next() % TOKENS.len() as u64) as usize])
                .collect();
            let (df, diags) = parse(&text);
            assert_spans_valid(&df, &text);
            for d in diags {
                assert!(text.get(d.span.range()).is_some(), "{text:?} {d:?}");
            }
        }
    }
}
