use crate::declare_rule;
use crate::model::ci::{Action, Step, Workflow};
use crate::rule::{Cx, Rule, Scope, Severity};
use crate::source::{FileKind, Span};

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

fn is_commit_sha(r: &str) -> bool {
    r.len() == 40 && r.bytes().all(|c| c.is_ascii_hexdigit())
}

/// Why a `uses:` is unpinned, and whether its owner is GitHub itself; `None` when pinned.
fn unpinned(uses: &str) -> Option<(String, bool)> {
    let uses = uses.trim();
    if uses.starts_with("./") || uses.starts_with("../") || uses.contains("${{") {
        return None;
    }
    if let Some(image) = uses.strip_prefix("docker://") {
        return (!image.contains("@sha256:"))
            .then(|| (format!("`{uses}` is not pinned to an image digest"), false));
    }
    let mut parts = uses.split('@').next().unwrap_or("").split('/');
    let owner = parts.next().unwrap_or("").to_ascii_lowercase();
    let repo = parts.next().unwrap_or("");
    // NOTE: anything else is not a remote action (a templating leftover, a typo that
    // GitHub rejects anyway): stay silent rather than guess.
    let is_name = |s: &str, extra: &[u8]| {
        !s.is_empty()
            && s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || extra.contains(&c))
    };
    if !is_name(&owner, b"") || !is_name(repo, b"._") {
        return None;
    }
    let first_party = owner == "actions" || owner == "github";
    match uses.rsplit_once('@') {
        Some((_, r)) if is_commit_sha(r) => None,
        Some((name, r)) => Some((
            format!("`{name}` is used at `{r}`, a ref that can be moved, not a commit SHA"),
            first_party,
        )),
        None => Some((format!("`{uses}` has no ref at all"), first_party)),
    }
}

impl UnpinnedAction {
    fn check_uses(cx: &mut Cx, uses: &str, span: Span) {
        let Some((message, first_party)) = unpinned(uses) else {
            return;
        };
        let mut finding = cx.finding(span).message(message).help(
            "pin the full commit SHA and keep the tag in a comment: `owner/repo@<sha> # v1.2.3`",
        );
        if first_party {
            finding = finding.severity(Severity::Note);
        }
        cx.report(finding);
    }

    fn check_steps(cx: &mut Cx, steps: &[Step]) {
        for step in steps {
            if let Some((uses, span)) = &step.uses {
                Self::check_uses(cx, uses, *span);
            }
        }
    }
}

impl Rule for UnpinnedAction {
    fn check_workflow(&self, wf: &Workflow, cx: &mut Cx) {
        for job in &wf.jobs {
            if let Some((uses, span)) = &job.uses {
                Self::check_uses(cx, uses, *span);
            }
            Self::check_steps(cx, &job.steps);
        }
    }

    fn check_action(&self, action: &Action, cx: &mut Cx) {
        Self::check_steps(cx, &action.steps);
    }
}

#[cfg(test)]
mod tests {
    use super::unpinned;

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
