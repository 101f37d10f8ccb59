use crate::declare_rule;
use crate::finding::Edit;
use crate::model::ci::{Step, StepOwner};
use crate::parse::gha_expr;
use crate::rule::{Cx, Rule, Scope};
use crate::source::{FileKind, Span};

declare_rule! {
    /// ## What it checks
    /// A GitHub Actions `run:` script (or an `actions/github-script` script) that
    /// expands an attacker-controlled expression: pull request and issue titles
    /// and bodies, comment and review bodies, branch names (`github.head_ref`,
    /// `...head.ref`), commit messages and author names, or the whole
    /// `github.event`. Expressions are parsed, not grepped, so
    /// `${{ format('{0}', github.head_ref) }}` is caught and
    /// `${{ github.event.pull_request.number }}` is not. Workflows and composite
    /// actions (`action.yml`) are both checked.
    ///
    /// ## Why it matters
    /// `${{ }}` is pasted into the script before the shell runs it. Anyone who can
    /// open a pull request or an issue can then run commands in your CI, with
    /// its token and secrets: "avoid secrets / credentials in code" is moot when
    /// a stranger can print them.
    ///
    /// ## Bad
    /// ```yaml .github/workflows/triage.yml
    /// on: issues
    /// permissions: {}
    /// jobs:
    ///   triage:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - run: echo "${{ github.event.issue.title }}"
    /// ```
    ///
    /// ## Good
    /// ```yaml .github/workflows/triage.yml
    /// on: issues
    /// permissions: {}
    /// jobs:
    ///   triage:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - run: echo "$TITLE"
    ///         env:
    ///           TITLE: ${{ github.event.issue.title }}
    /// ```
    ///
    /// ## How to fix
    /// Pass the value through an environment variable (`env: TITLE: ${{ ... }}`)
    /// and use `"$TITLE"` in the script, quoted.
    ///
    /// ## Fix
    /// Safe. In a `run:` script of a POSIX shell (`bash`/`sh`, or no `shell:` on a
    /// non-Windows runner when no other shell is declared in the file), `--fix` moves the
    /// whole `${{ ... }}` into an `env:` entry of the step, named after the context
    /// (`github.event.issue.title` → `ISSUE_TITLE`), and puts the variable in its place,
    /// quoted for where it stands: `${ISSUE_TITLE}` inside double quotes, `"${ISSUE_TITLE}"`
    /// outside quotes, `'"${ISSUE_TITLE}"'` inside single quotes. The script gets the same
    /// text, but as data: the shell no longer runs it. Nothing is changed when the script is a
    /// quoted YAML scalar, holds a heredoc, already uses the name, when the step's `env:` is
    /// not a block map, or in `actions/github-script` and composite actions (fix those by
    /// hand).
    WorkflowInjection {
        id: "SEC018",
        name: "workflow-injection",
        pillar: Sec,
        stage: Seed,
        scope: Scope::File(&[FileKind::GithubWorkflow, FileKind::GithubAction]),
        severity: Error,
        since: "0.1.0",
        summary: "attacker-controlled expression expanded in a script",
        fix: Safe,
    }
}

/// Context paths (lowercase, `*` for any index) whose value a stranger controls.
const DANGEROUS: &[&str] = &[
    "github.head_ref",
    "github.event.issue.title",
    "github.event.issue.body",
    "github.event.pull_request.title",
    "github.event.pull_request.body",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.head.label",
    "github.event.pull_request.head.repo.default_branch",
    "github.event.comment.body",
    "github.event.review.body",
    "github.event.review_comment.body",
    "github.event.discussion.title",
    "github.event.discussion.body",
    "github.event.pages.*.page_name",
    "github.event.commits.*.message",
    "github.event.commits.*.author.email",
    "github.event.commits.*.author.name",
    "github.event.head_commit.message",
    "github.event.head_commit.author.email",
    "github.event.head_commit.author.name",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_commit.message",
    "github.event.workflow_run.head_commit.author.email",
    "github.event.workflow_run.head_commit.author.name",
    "github.event.workflow_run.pull_requests.*.head.branch",
];

/// Whether a referenced context is attacker-controlled, and what it is.
/// `github.event` itself (e.g. in `toJSON(github.event)`) contains all of them.
fn dangerous(context: &str) -> Option<&'static str> {
    if context == "github.event" || context == "github.event.pull_request" {
        return Some("the whole event payload");
    }
    let hit = DANGEROUS.iter().any(|d| {
        context == *d
            || context.starts_with(&format!("{d}."))
            // A literal index (`commits.0.message`) matches the `*` of the table.
            || wildcard_eq(d, context)
    });
    hit.then_some("free text")
}

fn wildcard_eq(pattern: &str, context: &str) -> bool {
    let p: Vec<&str> = pattern.split('.').collect();
    let c: Vec<&str> = context.split('.').collect();
    p.len() == c.len() && p.iter().zip(&c).all(|(a, b)| *a == "*" || a == b)
}

/// An environment variable name for a context: `github.event.issue.title` → `ISSUE_TITLE`.
fn env_name(context: &str) -> String {
    let rest = context
        .strip_prefix("github.event.")
        .or_else(|| context.strip_prefix("github."))
        .unwrap_or("event");
    let mut name = String::new();
    for c in rest.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_uppercase());
        } else if !name.ends_with('_') {
            name.push('_');
        }
    }
    let name = name.trim_matches('_').to_string();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("EVENT_{name}").trim_end_matches('_').to_string()
    } else {
        name
    }
}

/// Where a shell script stands at its end: inside single quotes, double quotes, or
/// neither. `None` when it cannot tell (a heredoc, a backslash at the end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    Bare,
    Single,
    Double,
}

fn quote_state(script: &str) -> Option<Quote> {
    if script.contains("<<") {
        return None;
    }
    let mut state = Quote::Bare;
    let mut chars = script.chars().peekable();
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        match (state, c) {
            (Quote::Bare, '\\') | (Quote::Double, '\\') => {
                chars.next()?;
            }
            (Quote::Bare, '\'') => state = Quote::Single,
            (Quote::Bare, '"') => state = Quote::Double,
            (Quote::Bare, '#') if prev.is_whitespace() => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            (Quote::Single, '\'') | (Quote::Double, '"') => state = Quote::Bare,
            _ => {}
        }
        prev = c;
    }
    Some(state)
}

/// What the fix of a `run:` step needs to know about the step.
struct StepFix<'s> {
    step: &'s Step,
    owner: StepOwner<'s>,
}

impl StepFix<'_> {
    /// The step's shell is POSIX: the step says bash/sh, or by default on a non-Windows
    /// runner of a workflow that names no other shell; composite steps name their shell.
    /// Asked only when there is something to fix (it reads the whole file).
    fn posix(&self, text: &str) -> bool {
        match self.step.shell.as_deref() {
            Some(shell) => shell.starts_with("bash") || shell.starts_with("sh"),
            None => match self.owner {
                StepOwner::Job { job, .. } => {
                    let windows = job.runs_on.iter().any(|(label, _)| {
                        label.to_ascii_lowercase().contains("windows") || label.contains("${{")
                    });
                    !windows && !other_shell_declared(text)
                }
                StepOwner::Action(_) => false,
            },
        }
    }
}

/// The safe fix: the expression moves into an `env:` entry of the step, and the script
/// reads the variable, quoted for where it stands. Nothing when any of this is unsure
/// (another shell, a quoted YAML scalar, a heredoc, a name the script already uses, an
/// `env:` that is not a block map).
fn move_to_env(
    text: &str,
    fix: &StepFix,
    script: Span,
    occurrence: Span,
    context: &str,
) -> Vec<Edit> {
    if !fix.posix(text) {
        return Vec::new();
    }
    let raw = text.get(script.range()).unwrap_or("");
    let (start, end) = (
        (occurrence.start - script.start) as usize,
        (occurrence.end - script.start) as usize,
    );
    let block_scalar = raw.starts_with('|') || raw.starts_with('>');
    if raw.starts_with(['"', '\'']) || (!block_scalar && start == 0) {
        return Vec::new();
    }
    let body_start = if block_scalar {
        raw.find('\n').map_or(raw.len(), |i| i + 1)
    } else {
        0
    };
    let Some(quote) = raw.get(body_start..start).and_then(quote_state) else {
        return Vec::new();
    };
    let expression = &raw[start..end];
    let name = env_name(context);
    let used = |hay: &str| {
        hay.match_indices(&name).any(|(i, _)| {
            let next = hay[i + name.len()..].chars().next();
            let prev = hay[..i].chars().next_back();
            !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                && !prev.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    };
    let reference = match quote {
        Quote::Double => format!("${{{name}}}"),
        Quote::Bare => format!("\"${{{name}}}\""),
        Quote::Single => format!("'\"${{{name}}}\"'"),
    };
    // `'${{ x }}'` alone in its quotes becomes `"${X}"`, not `''"${X}"''`.
    let alone =
        quote == Quote::Single && raw[..start].ends_with('\'') && raw[end..].starts_with('\'');
    let (occurrence, reference) = if alone {
        (
            Span::new(occurrence.start as usize - 1, occurrence.end as usize + 1),
            format!("\"${{{name}}}\""),
        )
    } else {
        (occurrence, reference)
    };
    let mut edits = vec![Edit::replace(occurrence, reference)];
    let value = if expression.contains(": ") || expression.contains(" #") {
        format!("'{}'", expression.replace('\'', "''"))
    } else {
        expression.to_string()
    };
    match fix.step.env.iter().find(|e| e.key == name) {
        Some(existing) if existing.value.as_deref().map(str::trim) == Some(expression) => {}
        Some(_) => return Vec::new(),
        None if used(raw) => return Vec::new(),
        None => {
            let Some(entry) = env_entry(text, fix.step, &name, &value) else {
                return Vec::new();
            };
            edits.push(entry);
        }
    }
    edits
}

/// The edit adding `name: value` to the step's `env:` (creating the key if need be).
fn env_entry(text: &str, step: &Step, name: &str, value: &str) -> Option<Edit> {
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);
    if let Some(first) = step.env.iter().min_by_key(|e| e.key_span.start) {
        let at = first.key_span.start as usize;
        let start = line_start(at);
        let indent = &text[start..at];
        if !indent.chars().all(|c| c == ' ') {
            return None;
        }
        return Some(Edit::insert(
            start as u32,
            format!("{indent}{name}: {value}\n"),
        ));
    }
    let body = text.get(step.span.range())?;
    let declares_env = body
        .lines()
        .any(|l| l.trim_start().trim_start_matches("- ").starts_with("env:"));
    if declares_env || body.starts_with('{') {
        return None;
    }
    let at = step.span.start as usize;
    let start = line_start(at);
    let before = &text[start..at];
    if !before.chars().all(|c| c == ' ' || c == '-') {
        return None;
    }
    let column = " ".repeat(before.len());
    Some(Edit::insert(
        at as u32,
        format!("env:\n{column}  {name}: {value}\n{column}"),
    ))
}

impl WorkflowInjection {
    /// Reports each dangerous `${{ }}` inside `span` of the file.
    fn check_expanded(cx: &mut Cx, span: Span, what: &str, fix: Option<&StepFix>) {
        let raw = cx.file.slice(span).to_string();
        for occurrence in gha_expr::find_expressions(&raw) {
            let inner = raw.get(occurrence.inner.range()).unwrap_or("");
            let Ok(expr) = gha_expr::parse(inner) else {
                continue;
            };
            let mut contexts = expr.contexts();
            contexts.sort();
            contexts.dedup();
            for context in contexts {
                if let Some(why) = dangerous(&context) {
                    let occurrence_span = occurrence.span.offset(span.start);
                    let edits = fix
                        .map(|fix| move_to_env(cx.text(), fix, span, occurrence_span, &context))
                        .unwrap_or_default();
                    cx.report(
                        cx.finding(occurrence.span.offset(span.start))
                            .message(format!(
                                "`{context}` ({why}) is controlled by whoever opens the pull request, issue or commit, and is pasted into {what}"
                            ))
                            .help("pass it through `env:` and use the quoted variable in the script")
                            .fix(format!("move `{context}` into `env:` as {}", env_name(&context)), edits),
                    );
                    break;
                }
            }
        }
    }
}

impl Rule for WorkflowInjection {
    fn check_step(&self, step: &Step, owner: StepOwner<'_>, cx: &mut Cx) {
        if let Some(run) = &step.run {
            let fix = StepFix { step, owner };
            Self::check_expanded(cx, run.span, "the `run:` script", Some(&fix));
        }
        let is_github_script = step
            .uses
            .as_ref()
            .is_some_and(|uses| uses.is_action("actions/github-script"));
        if is_github_script {
            if let Some(script) = step.with.iter().find(|w| w.key == "script") {
                Self::check_expanded(cx, script.value_span, "the github-script code", None);
            }
        }
    }
}

/// Whether a `shell:` (a step's or `defaults.run.shell`) names something other than
/// bash or sh anywhere in the file: then the default shell of a step is not sure.
fn other_shell_declared(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start().trim_start_matches("- ");
        line.strip_prefix("shell:").is_some_and(|v| {
            let v = v.trim().trim_matches(['"', '\'']);
            !(v.starts_with("bash") || v.starts_with("sh"))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::{env_name, quote_state, Quote};

    #[test]
    fn env_names_and_quotes() {
        assert_eq!(env_name("github.event.issue.title"), "ISSUE_TITLE");
        assert_eq!(env_name("github.head_ref"), "HEAD_REF");
        assert_eq!(
            env_name("github.event.commits.*.message"),
            "COMMITS_MESSAGE"
        );
        assert_eq!(env_name("github.event"), "EVENT");
        assert_eq!(quote_state("echo \"a "), Some(Quote::Double));
        assert_eq!(quote_state("echo 'a \" "), Some(Quote::Single));
        assert_eq!(quote_state("echo \\\" a # it's\n"), Some(Quote::Bare));
        assert_eq!(quote_state("cat <<EOF\n"), None);
    }
    use super::dangerous;

    #[test]
    fn dangerous_contexts() {
        assert!(dangerous("github.event.issue.title").is_some());
        assert!(dangerous("github.head_ref").is_some());
        assert!(dangerous("github.event.commits.*.message").is_some());
        assert!(dangerous("github.event.commits.0.message").is_some());
        assert!(dangerous("github.event").is_some());
        assert!(dangerous("github.event.pull_request.number").is_none());
        assert!(dangerous("github.event.pull_request.head.sha").is_none());
        assert!(dangerous("github.sha").is_none());
    }
}
