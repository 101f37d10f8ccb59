use crate::declare_rule;
use crate::model::ci::{Job, Step, StepOwner, Workflow};
use crate::parse::gha_expr;
use crate::rule::{Cx, Rule, Scope};
use crate::source::FileKind;
use crate::source::Span;

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
    /// A job that calls a reusable workflow of the same repository
    /// (`uses: ./.github/workflows/build.yml`) is followed one level: the callee is read
    /// (at most 1 MiB, inside the scanned root, no symlinks) and the call is reported, at
    /// its `uses:` value, when a callee job checks out a `with:` input the caller fed with
    /// the pull request's head (`ref: ${{ inputs.sha }}`), or checks out the head itself
    /// (a called workflow sees the caller's `github.event`). The callee is named in a label
    /// and the help. A callee that checks out the base, or a call from a `pull_request`
    /// workflow, passes; reusable workflows of other repositories are not fetched.
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

/// Callee workflows above this size are not followed.
const MAX_CALLEE_BYTES: u64 = 1024 * 1024;

/// The `ref:` of a checkout step in `job`'s steps, with its span.
fn checkout_refs(steps: &[Step]) -> impl Iterator<Item = (&str, Span)> {
    steps.iter().filter_map(checkout_ref)
}

/// The `ref:` of a checkout step, with its span.
fn checkout_ref(step: &Step) -> Option<(&str, Span)> {
    if !step.uses.as_ref()?.is_action("actions/checkout") {
        return None;
    }
    let w = step.with.iter().find(|w| w.key == "ref")?;
    Some((w.value.as_deref()?, w.value_span))
}

/// The privileged trigger of `wf` (`pull_request_target` or `workflow_run`) and the
/// span of its name.
fn privileged_trigger(wf: &Workflow) -> Option<(&'static str, Option<Span>)> {
    let trigger = ["pull_request_target", "workflow_run"]
        .into_iter()
        .find(|t| wf.triggered_by(t))?;
    let trigger_span = wf.on.iter().find(|t| t.name == trigger).map(|t| t.span);
    Some((trigger, trigger_span))
}

/// The input of `head_inputs` (lower-cased names) that `value` reads, if any.
fn reads_input<'n>(
    value: &str,
    head_inputs: &'n [(String, String)],
) -> Option<&'n (String, String)> {
    for occurrence in gha_expr::find_expressions(value) {
        let Ok(expr) = occurrence.parse(value) else {
            continue;
        };
        for context in expr.contexts() {
            let Some(name) = context.strip_prefix("inputs.") else {
                continue;
            };
            if let Some(found) = head_inputs.iter().find(|(n, _)| n == name) {
                return Some(found);
            }
        }
    }
    None
}

/// What a local reusable workflow checks out of the pull request's code.
struct CalleeCheckout {
    /// The callee's path from the scan root.
    path: String,
    job: String,
    /// The caller's input that carries the head, when the callee reads one.
    input: Option<String>,
    what: String,
}

/// For a call to a local reusable workflow: the callee job that checks out the pull
/// request's code, through one of `head_inputs` or from `github.event` directly.
fn callee_checkout(
    cx: &Cx,
    callee_ref: &str,
    head_inputs: &[(String, String)],
) -> Option<CalleeCheckout> {
    let rel = callee_ref.strip_prefix("./")?;
    if !(rel.ends_with(".yml") || rel.ends_with(".yaml")) {
        return None;
    }
    // `./` is the repository root: the part of this file's path before `.github/`.
    let prefix = cx
        .path()
        .find(".github/workflows/")
        .map(|at| &cx.path()[..at])
        .unwrap_or("");
    let callee_path = format!("{prefix}{rel}");
    if callee_path == cx.path() {
        return None;
    }
    let text = cx.root_file_text(&callee_path, MAX_CALLEE_BYTES)?;
    let (docs, _) = crate::parse::yaml::parse(&text);
    let callee = Workflow::from_document(docs.first()?);
    for job in &callee.jobs {
        for (value, _) in checkout_refs(&job.steps) {
            if let Some((input, what)) = reads_input(value, head_inputs) {
                return Some(CalleeCheckout {
                    path: callee_path,
                    job: job.id.clone(),
                    input: Some(input.clone()),
                    what: format!("input `{input}`, given {what}"),
                });
            }
            if let Some(what) = pr_head(value) {
                return Some(CalleeCheckout {
                    path: callee_path,
                    job: job.id.clone(),
                    input: None,
                    what,
                });
            }
        }
    }
    None
}

impl Rule for PullRequestTargetCheckout {
    fn check_job(&self, job: &Job, wf: &Workflow, cx: &mut Cx) {
        let Some((trigger, trigger_span)) = privileged_trigger(wf) else {
            return;
        };
        let Some(call) = &job.uses else {
            return;
        };
        let head_inputs: Vec<(String, String)> = job
            .with
            .iter()
            .filter_map(|w| Some((w.key.to_ascii_lowercase(), pr_head(w.value.as_deref()?)?)))
            .collect();
        let Some(CalleeCheckout {
            path: callee,
            job: callee_job,
            input,
            what,
        }) = callee_checkout(cx, &call.text, &head_inputs)
        else {
            return;
        };
        let mut finding = cx
            .finding(call.span)
            .message(format!(
                "job `{}` calls `{callee}`, whose job `{callee_job}` checks out the pull request's code ({what}) in a `{trigger}` workflow, which has the base repository's secrets and token",
                job.id
            ))
            .help(format!("call `{callee}` from a `pull_request` workflow, or make it check out the base; keep `pull_request_target`/`workflow_run` jobs away from the pull request's code"));
        let input =
            input.and_then(|name| job.with.iter().find(|w| w.key.eq_ignore_ascii_case(&name)));
        if let Some(input) = input {
            finding = finding.label(
                input.value_span,
                format!("the pull request's head, checked out by `{callee}`"),
            );
        }
        if let Some(span) = trigger_span {
            finding = finding.label(span, "privileged trigger");
        }
        cx.report(finding);
    }

    fn check_step(&self, step: &Step, owner: StepOwner<'_>, cx: &mut Cx) {
        let StepOwner::Job { workflow, job } = owner else {
            return;
        };
        let Some((trigger, trigger_span)) = privileged_trigger(workflow) else {
            return;
        };
        let Some((value, value_span)) = checkout_ref(step) else {
            return;
        };
        let Some(what) = pr_head(value) else {
            return;
        };
        let mut finding = cx
            .finding(value_span)
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

#[cfg(test)]
mod tests {
    use super::{pr_head, PullRequestTargetCheckout};
    use crate::model::ci::CiModel;
    use crate::rule::{Cx, HasMeta, Rule};
    use crate::source::{FileKind, SourceFile};

    const CALLER: &str = "on: pull_request_target\njobs:\n  build:\n    uses: ./.github/workflows/build.yml\n    with:\n      sha: ${{ github.event.pull_request.head.sha }}\n";
    const CALLEE: &str = "on: workflow_call\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ inputs.sha }}\n      - run: make\n";

    /// SEC019 findings on the caller in `root`.
    fn caller_findings(root: &std::path::Path) -> usize {
        let file = SourceFile::new(
            ".github/workflows/pr.yml".to_string(),
            FileKind::GithubWorkflow,
            CALLER.to_string(),
        );
        let (crate::model::Parsed::Ci(CiModel::Workflow(wf), _), _) = crate::model::parse(&file)
        else {
            panic!("caller parses as a workflow");
        };
        let (mut findings, mut diagnostics) = (Vec::new(), Vec::new());
        let mut cx = Cx::new(
            &file,
            PullRequestTargetCheckout.meta(),
            &mut findings,
            &mut diagnostics,
            root,
        );
        for job in &wf.jobs {
            PullRequestTargetCheckout.check_job(job, &wf, &mut cx);
        }
        findings.len()
    }

    #[test]
    fn follows_a_local_callee_inside_the_root_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("repo");
        let workflows = root.join(".github/workflows");
        std::fs::create_dir_all(&workflows).expect("mkdir");
        assert_eq!(caller_findings(&root), 0, "no callee, no finding");
        // A callee that is a symlink to a file outside the root is not read.
        let outside = dir.path().join("outside.yml");
        std::fs::write(&outside, CALLEE).expect("write");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&outside, workflows.join("build.yml")).expect("symlink");
            assert_eq!(caller_findings(&root), 0, "symlinked callee");
            std::fs::remove_file(workflows.join("build.yml")).expect("rm");
        }
        std::fs::write(workflows.join("build.yml"), CALLEE).expect("write");
        assert_eq!(caller_findings(&root), 1);
    }

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
