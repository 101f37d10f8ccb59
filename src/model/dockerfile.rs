//! The model of a Dockerfile: the instructions [`crate::parse::dockerfile`] reads, grouped
//! into build stages (one per `FROM`), with the global `ARG`s resolved as BuildKit does.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::parse::dockerfile::parse_syntax;
pub(crate) use crate::parse::dockerfile::{Directive, Instruction};
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

/// Longest value an expansion may produce: `ARG A=${A}${A}` forty times doubles to a
/// terabyte; past this the value is unknown.
const MAX_EXPANDED_LEN: usize = 64 * 1024;

/// How deep `${A:-${B:-...}}` defaults are expanded before giving up.
const MAX_EXPANSION_DEPTH: usize = 16;

/// Parses a Dockerfile and builds its stages. Never panics; returns everything it could parse.
pub(crate) fn parse(text: &str) -> (Dockerfile, Vec<ParseDiagnostic>) {
    let (syntax, mut diags) = parse_syntax(text);
    let mut stages = Vec::new();
    for (from, ins) in syntax.instructions.iter().enumerate() {
        if ins.keyword == "FROM" {
            let stage = build_stage(ins, text, stages.len(), from, &mut diags);
            stages.push(stage);
        }
    }
    let df = Dockerfile {
        instructions: syntax.instructions,
        stages,
        directives: syntax.directives,
        escape: syntax.escape,
        global_env: OnceLock::new(),
        aliases: OnceLock::new(),
    };
    (df, diags)
}

impl Dockerfile {
    /// The last stage: the one `docker build` produces without `--target`.
    pub(crate) fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The instructions of stage `stage`, its `FROM` first.
    pub(crate) fn stage_instructions(
        &self,
        stage: usize,
    ) -> impl Iterator<Item = &Instruction> + '_ {
        self.instructions.iter().filter(move |i| i.stage == stage)
    }

    /// The stage named `name` (case-insensitive).
    pub(crate) fn stage_by_name(&self, name: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| {
            s.alias
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case(name))
        })
    }

    /// `ARG`s declared before the first `FROM`, in order: name and default
    /// (unquoted, unexpanded). A later declaration of a name overrides an earlier one.
    pub(crate) fn global_args(&self) -> Vec<(String, Option<String>)> {
        self.instructions
            .iter()
            .take_while(|i| i.keyword != "FROM")
            .filter(|i| i.keyword == "ARG")
            .flat_map(Instruction::pairs)
            .collect()
    }

    /// Expands `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
    /// `${VAR:+alt}` and `${VAR+alt}` in `s` (a `FROM` image, say) with the
    /// global `ARG` defaults. `None` when a variable has no value.
    pub(crate) fn resolve_args(&self, s: &str) -> Option<String> {
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
    pub(crate) fn is_earlier_stage_ref(&self, df: &Dockerfile) -> bool {
        let earlier = |name: &str| df.first_stage_named(name).is_some_and(|i| i < self.index);
        earlier(&self.image) || df.resolve_args(&self.image).is_some_and(|r| earlier(&r))
    }

    /// `FROM scratch` (the empty image).
    pub(crate) fn is_scratch(&self) -> bool {
        self.image.eq_ignore_ascii_case("scratch")
    }
}

/// Builds the stage a `FROM` starts: `FROM [--platform=p] image [AS name]`.
fn build_stage(
    ins: &Instruction,
    text: &str,
    index: usize,
    from: usize,
    diags: &mut Vec<ParseDiagnostic>,
) -> Stage {
    let words = ins.arg_words(text);
    let word = |k: usize| words.get(k).copied();
    let (image, image_span) = match word(0) {
        Some((w, span)) => (w.to_string(), span),
        None => (String::new(), ins.args_span),
    };
    let mut alias = None;
    let mut alias_span = None;
    match (word(1), word(2)) {
        (Some((kw, _)), Some((name, span)))
            if words.len() == 3 && kw.eq_ignore_ascii_case("AS") =>
        {
            alias = Some(name.to_string());
            alias_span = Some(span);
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
mod tests;
