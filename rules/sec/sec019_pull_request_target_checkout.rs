use crate::declare_rule;
use crate::model::ci::{EnvVar, Workflow};
use crate::parse::gha_expr;
use crate::rule::{Cx, Rule, Scope};
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// A workflow triggered by `pull_request_target` (or `workflow_run`) with a job that
    /// checks out the pull request's code: `actions/checkout` with a `ref:` of
    /// `github.event.pull_request.head.sha`, `...head.ref`, `...merge_commit_sha`,
    /// `github.head_ref`, `refs/pull/<n>/merge` or `/head`, or, for `workflow_run`,
    /// `github.event.workflow_run.head_sha` / `head_branch`. The `ref:` expression is
    /// parsed, so `${{ format('refs/pull/{0}/merge', github.event.number) }}` counts.
    /// The finding points at the `ref:` value.
    ///
    /// A label or `if:` gate on the job does not silence the rule: the code can change
    /// after the label is set.
    ///
    /// ## Why it matters
    /// "Avoid secrets / credentials in code", and in reach of strangers' code:
    /// `pull_request_target` runs in the context of the base repository, with its
    /// secrets and a write token, for pull requests from any fork. Checking out the pull
    /// request's head and then building, testing or even just installing dependencies
    /// runs the stranger's code with those secrets ("pwn request").
    ///
    /// ## Bad
    /// ```yaml .github/workflows/preview.yml
    /// on: pull_request_target
    /// permissions:
    ///   contents: read
    /// jobs:
    ///   preview:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
    ///         with:
    ///           ref: ${{ github.event.pull_request.head.sha }}
    ///       - run: npm ci && npm run build
    /// ```
    ///
    /// ## Good
    /// ```yaml .github/workflows/preview.yml
    /// on: pull_request
    /// permissions:
    ///   contents: read
    /// jobs:
    ///   preview:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
    ///       - run: npm ci && npm run build
    /// ```
    ///
    /// ## How to fix
    /// Build untrusted code under `pull_request` (no secrets, read-only token). If a
    /// privileged step must follow (commenting, deploying a preview), split it into a
    /// `workflow_run` workflow that only downloads the unprivileged build's artifacts
    /// and never checks out or runs the pull request's code.
    PullRequestTargetCheckout {
        id: "SEC019",
        name: "pull-request-target-checkout",
        pillar: Sec,
        stage: Seed,
        scope: Scope::File(&[FileKind::GithubWorkflow]),
        severity: Error,
        since: "0.1.0",
        summary: "privileged workflow checks out pull request code",
    }
}

/// Contexts whose value names the pull request's (or triggering run's) code.
const HEAD_CONTEXTS: &[&str] = &[
    "github.head_ref",
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.merge_commit_sha",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_commit.id",
    "github.event.workflow_run.pull_requests.*.head.sha",
    "github.event.workflow_run.pull_requests.*.head.ref",
];

/// What in a `ref:` value points at the pull request's code.
fn pr_head(value: &str) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    if lower.contains("refs/pull/") {
        return Some("a `refs/pull/...` ref".to_string());
    }
    for occurrence in gha_expr::find_expressions(value) {
        let Ok(expr) = occurrence.parse(value) else {
            continue;
        };
        for context in expr.contexts() {
            if HEAD_CONTEXTS
                .iter()
                .any(|pattern| gha_expr::path_matches(&context, pattern))
            {
                return Some(format!("`{context}`"));
            }
        }
    }
    None
}

fn is_checkout(uses: &str) -> bool {
    uses.to_ascii_lowercase().starts_with("actions/checkout@")
        || uses.eq_ignore_ascii_case("actions/checkout")
}

impl Rule for PullRequestTargetCheckout {
    fn check_workflow(&self, wf: &Workflow, cx: &mut Cx) {
        let trigger = ["pull_request_target", "workflow_run"]
            .into_iter()
            .find(|t| wf.triggered_by(t));
        let Some(trigger) = trigger else {
            return;
        };
        let trigger_span = wf.on.iter().find(|t| t.name == trigger).map(|t| t.span);
        for job in &wf.jobs {
            for step in &job.steps {
                let Some((uses, _)) = &step.uses else {
                    continue;
                };
                if !is_checkout(uses) {
                    continue;
                }
                let Some(EnvVar {
                    value: Some(value),
                    value_span,
                    ..
                }) = step.with.iter().find(|w| w.key == "ref")
                else {
                    continue;
                };
                let Some(what) = pr_head(value) else {
                    continue;
                };
                let mut finding = cx
                    .finding(*value_span)
                    .message(format!(
                        "job `{}` checks out the pull request's code ({what}) in a `{trigger}` workflow, which has the base repository's secrets and token",
                        job.id
                    ))
                    .help("build pull requests under `pull_request`; keep `pull_request_target`/`workflow_run` jobs away from the pull request's code");
                if let Some(span) = trigger_span {
                    finding = finding.label(span, "privileged trigger");
                }
                cx.report(finding);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pr_head;

    #[test]
    fn refs() {
        assert!(pr_head("${{ github.event.pull_request.head.sha }}").is_some());
        assert!(pr_head("${{ github.head_ref }}").is_some());
        assert!(pr_head("refs/pull/${{ github.event.number }}/merge").is_some());
        assert!(pr_head("${{ format('refs/pull/{0}/head', github.event.number) }}").is_some());
        assert!(pr_head("${{ github.event.workflow_run.head_sha }}").is_some());
        assert!(pr_head("${{ github.event.pull_request.base.sha }}").is_none());
        assert!(pr_head("${{ github.sha }}").is_none());
        assert!(pr_head("main").is_none());
    }
}
