use crate::declare_rule;
use crate::model::ci::{Job, Step, StepOwner, Uses, UsesTarget, Workflow};
use crate::rule::{Cx, Rule, Scope, Severity};
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// A GitHub Actions `uses:` that is not pinned to a full 40-character commit SHA:
    /// `uses: owner/repo@v4`, `@main`, or no ref at all. Steps of workflows and of
    /// composite actions are checked, and so are reusable workflows called by a job
    /// (`uses: owner/repo/.github/workflows/deploy.yml@main`). A `docker://` image must
    /// be pinned to a digest (`docker://alpine@sha256:...`).
    ///
    /// Actions of GitHub's own `actions/` and `github/` organisations are reported as
    /// notes, not warnings: GitHub publishes and hardens them, and their tags are a
    /// smaller risk than a stranger's. Local actions (`uses: ./path`) live in the
    /// repository and are fine.
    ///
    /// ## Why it matters
    /// "Design for 10x": a tag is a moving pointer that the action's owner (or whoever
    /// takes over their account) can move to new code at any time, and that code runs
    /// in your CI with your secrets and your deploy credentials. This is how the
    /// `tj-actions/changed-files` compromise of 2025 reached thousands of repositories.
    /// A commit SHA cannot be moved.
    ///
    /// ## Bad
    /// ```yaml
    /// on: push
    /// permissions:
    ///   contents: read
    /// jobs:
    ///   build:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - uses: tj-actions/changed-files@v45
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// on: push
    /// permissions:
    ///   contents: read
    /// jobs:
    ///   build:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
    ///       - uses: ./.github/actions/setup
    /// ```
    ///
    /// ## How to fix
    /// Replace the tag with the commit SHA it points to and keep the tag in a comment
    /// (`uses: owner/repo@<sha> # v4.2.2`); Dependabot and Renovate update pinned SHAs
    /// and their comments. Tools such as `pinact` or `ratchet` pin a whole repository.
    UnpinnedAction {
        id: "SEC016",
        name: "unpinned-action",
        pillar: Sec,
        stage: Growth,
        scope: Scope::File(&[FileKind::GithubWorkflow, FileKind::GithubAction]),
        severity: Warning,
        since: "0.1.0",
        summary: "action not pinned to a commit SHA",
    }
}

/// Why a `uses:` is unpinned, and whether its owner is GitHub itself; `None` when pinned.
fn unpinned(uses: &Uses) -> Option<(String, bool)> {
    let text = uses.text.trim();
    if text.contains("${{") {
        return None;
    }
    match &uses.target {
        UsesTarget::Docker(image) => (!image.contains("@sha256:"))
            .then(|| (format!("`{text}` is not pinned to an image digest"), false)),
        UsesTarget::Remote(action) => {
            if action.is_pinned_to_commit() {
                return None;
            }
            let message = match &action.git_ref {
                Some(r) => format!(
                    "`{}` is used at `{r}`, a ref that can be moved, not a commit SHA",
                    action.name
                ),
                None => format!("`{text}` has no ref at all"),
            };
            Some((message, action.is_first_party()))
        }
        // NOTE: anything else is not a remote action (a templating leftover, a typo that
        // GitHub rejects anyway): stay silent rather than guess.
        UsesTarget::Local(_) | UsesTarget::Expression | UsesTarget::Invalid => None,
    }
}

impl UnpinnedAction {
    fn check_uses(cx: &mut Cx, uses: &Uses) {
        let Some((message, first_party)) = unpinned(uses) else {
            return;
        };
        let mut finding = cx.finding(uses.span).message(message).help(
            "pin the full commit SHA and keep the tag in a comment: `owner/repo@<sha> # v1.2.3`",
        );
        if first_party {
            finding = finding.severity(Severity::Note);
        }
        cx.report(finding);
    }
}

impl Rule for UnpinnedAction {
    fn check_job(&self, job: &Job, _workflow: &Workflow, cx: &mut Cx) {
        if let Some(uses) = &job.uses {
            Self::check_uses(cx, uses);
        }
    }

    fn check_step(&self, step: &Step, _owner: StepOwner<'_>, cx: &mut Cx) {
        if let Some(uses) = &step.uses {
            Self::check_uses(cx, uses);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::ci::Uses;
    use crate::source::Span;

    fn unpinned(text: &str) -> Option<(String, bool)> {
        super::unpinned(&Uses::new(text.to_string(), Span::default()))
    }

    #[test]
    fn refs() {
        assert!(unpinned("actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683").is_none());
        assert_eq!(unpinned("actions/checkout@v4").map(|u| u.1), Some(true));
        assert_eq!(
            unpinned("github/codeql-action/init@v3").map(|u| u.1),
            Some(true)
        );
        assert_eq!(
            unpinned("docker/build-push-action@v6").map(|u| u.1),
            Some(false)
        );
        assert!(unpinned("org/repo/.github/workflows/ci.yml@main").is_some());
        assert!(unpinned(
            "org/repo/.github/workflows/ci.yml@0123456789abcdef0123456789abcdef01234567"
        )
        .is_none());
        assert!(unpinned("./.github/actions/setup").is_none());
        assert!(unpinned("docker://alpine@sha256:1234").is_none());
        assert!(unpinned("docker://alpine:3.20").is_some());
        assert!(unpinned("owner/repo@abc1234").is_some());
        assert!(unpinned("owner/repo").is_some());
        assert!(unpinned("$/.github/workflows/publish.yml").is_none());
    }
}
