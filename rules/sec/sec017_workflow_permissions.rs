use crate::declare_rule;
use crate::finding::Edit;
use crate::model::ci::{Permissions, PermissionsValue, Workflow};
use crate::rule::{Cx, Rule, Scope};
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// A GitHub Actions workflow with no top-level `permissions:` block (reported at
    /// line 1, about the whole file), or with `permissions: write-all` at the top or on
    /// a job (reported at the value).
    ///
    /// A workflow without a top-level block is fine when every job sets its own
    /// `permissions:` (the block only sets the default for jobs that do not). A workflow
    /// triggered only by `workflow_call` is a reusable workflow: its token is the
    /// caller's, so the caller's block is the one that counts and the rule says nothing.
    ///
    /// ## Why it matters
    /// "Design for 10x": without a `permissions:` block, the `GITHUB_TOKEN` of every job
    /// gets the repository's default, which on older repositories and organisations
    /// is write access to code, packages, releases and more. Any step that is
    /// compromised (a hijacked action, an injected script) can then push to `main` or
    /// publish a release. Least privilege is one line of YAML.
    ///
    /// ## Bad
    /// ```yaml
    /// on: push
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - run: make test
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// on: push
    /// permissions:
    ///   contents: read
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - run: make test
    /// ```
    ///
    /// ## How to fix
    /// Add `permissions: contents: read` (or `permissions: {}`) at the top of the
    /// workflow, and grant more only to the job that needs it
    /// (`permissions: contents: write` on the release job). Replace `write-all` with the
    /// scopes the job uses.
    ///
    /// ## Fix
    /// Unsafe. For a workflow with no top-level `permissions:`, `--fix --unsafe-fixes` adds
    /// `permissions: contents: read` above the top-level `jobs:` key (above the comments that
    /// introduce it), indented like the jobs. Every job without its own `permissions:` then
    /// gets a read-only token: a job that pushes, comments, publishes packages or requests an
    /// OIDC token fails until it is granted that scope (`permissions:` on the job). A
    /// `write-all` has no fix.
    WorkflowPermissions {
        id: "SEC017",
        name: "workflow-permissions",
        pillar: Sec,
        stage: Growth,
        scope: Scope::File(&[FileKind::GithubWorkflow]),
        severity: Warning,
        since: "0.1.0",
        summary: "workflow token permissions not restricted",
        fix: Unsafe,
    }
}

fn report_write_all(cx: &mut Cx, permissions: &Permissions, what: &str) {
    if permissions.value == PermissionsValue::WriteAll {
        cx.report(
            cx.finding(permissions.span)
                .message(format!(
                    "{what} grants the token `write-all`: every scope, read and write"
                ))
                .help("list only the scopes the job needs, e.g. `contents: read`"),
        );
    }
}

/// The fix: a top-level `permissions: contents: read` block, inserted above the
/// top-level `jobs:` key (and above the comment lines that belong to it), indented like
/// the first job. Nothing when `jobs:` is not a block key at column 0 of a single document.
fn read_only_permissions(text: &str) -> Vec<Edit> {
    let mut offset = 0;
    let mut lines = Vec::new();
    for line in text.split_inclusive('\n') {
        lines.push((offset, line));
        offset += line.len();
    }
    let is_jobs = |line: &str| {
        line.strip_prefix("jobs:")
            .is_some_and(|rest| rest.trim().is_empty() || rest.trim_start().starts_with('#'))
    };
    let documents = lines.iter().filter(|(_, l)| l.starts_with("---")).count();
    let Some(jobs) = lines.iter().position(|(_, l)| is_jobs(l)) else {
        return Vec::new();
    };
    if documents > 1 || lines.iter().filter(|(_, l)| is_jobs(l)).count() > 1 {
        return Vec::new();
    }
    let indent = lines[jobs + 1..]
        .iter()
        .map(|(_, l)| l.trim_end_matches(['\r', '\n']))
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .filter(|n| *n > 0)
        .unwrap_or(2);
    let mut at = jobs;
    while at > 0 && lines[at - 1].1.starts_with('#') {
        at -= 1;
    }
    let content = format!("permissions:\n{}contents: read\n\n", " ".repeat(indent));
    vec![Edit::insert(lines[at].0 as u32, content)]
}

impl Rule for WorkflowPermissions {
    fn check_workflow(&self, wf: &Workflow, cx: &mut Cx) {
        if wf.jobs.is_empty() {
            return;
        }
        match &wf.permissions {
            Some(permissions) => report_write_all(cx, permissions, "the workflow"),
            None => {
                let reusable_only =
                    !wf.on.is_empty() && wf.on.iter().all(|t| t.name == "workflow_call");
                let every_job_set = wf.jobs.iter().all(|j| j.permissions.is_some());
                if !reusable_only && !every_job_set {
                    let unset: Vec<&str> = wf
                        .jobs
                        .iter()
                        .filter(|j| j.permissions.is_none())
                        .map(|j| j.id.as_str())
                        .collect();
                    let span = cx.file.first_line_span();
                    cx.report(
                        cx.finding(span)
                            .message(format!(
                                "no top-level `permissions:` block, so {} the repository's default token permissions",
                                match unset.as_slice() {
                                    [one] => format!("job `{one}` gets"),
                                    _ => format!("{} jobs get", unset.len()),
                                }
                            ))
                            .help("add `permissions: contents: read` at the top and grant more per job where needed")
                            .fix("add `permissions: contents: read` above `jobs:`", read_only_permissions(cx.text())),
                    );
                }
            }
        }
        for job in &wf.jobs {
            if let Some(permissions) = &job.permissions {
                report_write_all(cx, permissions, &format!("job `{}`", job.id));
            }
        }
    }
}
