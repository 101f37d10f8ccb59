use crate::declare_rule;
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
    WorkflowInjection {
        id: "SEC018",
        name: "workflow-injection",
        pillar: Sec,
        stage: Seed,
        scope: Scope::File(&[FileKind::GithubWorkflow, FileKind::GithubAction]),
        severity: Error,
        since: "0.1.0",
        summary: "attacker-controlled expression expanded in a script",
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

impl WorkflowInjection {
    /// Reports each dangerous `${{ }}` inside `span` of the file.
    fn check_expanded(cx: &mut Cx, span: Span, what: &str) {
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
                    cx.report(
                        cx.finding(occurrence.span.offset(span.start))
                            .message(format!(
                                "`{context}` ({why}) is controlled by whoever opens the pull request, issue or commit, and is pasted into {what}"
                            ))
                            .help("pass it through `env:` and use the quoted variable in the script"),
                    );
                    break;
                }
            }
        }
    }
}

impl Rule for WorkflowInjection {
    fn check_step(&self, step: &Step, _owner: StepOwner<'_>, cx: &mut Cx) {
        if let Some(run) = &step.run {
            Self::check_expanded(cx, run.span, "the `run:` script");
        }
        let is_github_script = step
            .uses
            .as_ref()
            .is_some_and(|uses| uses.is_action("actions/github-script"));
        if is_github_script {
            if let Some(script) = step.with.iter().find(|w| w.key == "script") {
                Self::check_expanded(cx, script.value_span, "the github-script code");
            }
        }
    }
}

#[cfg(test)]
mod tests {
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
