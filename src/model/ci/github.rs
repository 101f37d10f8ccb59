//! GitHub Actions: workflows (`.github/workflows/*.yml`) and action metadata (`action.yml`).

use super::{env_vars_of, scalar_of, scoped, script_of, text_of, EnvScope, EnvVar, Script};
#[cfg(test)]
use super::{job_commands, CiCommand};
use crate::parse::yaml::{Node, Value, YamlDocument};
use crate::source::Span;

/// A GitHub Actions workflow (`.github/workflows/*.yml`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Workflow {
    pub name: Option<String>,
    pub on: Vec<Trigger>,
    pub permissions: Option<Permissions>,
    pub env: Vec<EnvVar>,
    pub jobs: Vec<Job>,
}

/// An event that triggers a workflow (`push`, `pull_request_target`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permissions {
    /// The `permissions` key.
    pub key_span: Span,
    /// The value node.
    pub span: Span,
    pub value: PermissionsValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PermissionsValue {
    ReadAll,
    WriteAll,
    /// `(scope, level, span of the whole entry)`; `level` is `""` if not a scalar.
    Map(Vec<(String, String, Span)>),
    /// Anything else (an expression, an empty value, a typo).
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: String,
    pub id_span: Span,
    /// From the job id to the end of its body.
    pub span: Span,
    pub name: Option<String>,
    pub permissions: Option<Permissions>,
    /// Labels from `runs-on` (a string, a list, or the `group`/`labels` of the map form).
    pub runs_on: Vec<(String, Span)>,
    pub env: Vec<EnvVar>,
    pub steps: Vec<Step>,
    /// A reusable workflow call (`uses: org/repo/.github/workflows/x.yml@ref`).
    pub uses: Option<Uses>,
    pub services: Vec<Service>,
    /// The job container, as a [`Service`] named `container`.
    pub container: Option<Service>,
    pub environment: Option<(String, Span)>,
    /// Inputs of a reusable workflow call.
    pub with: Vec<EnvVar>,
    /// `secrets:` passed to a reusable workflow call (empty for `secrets: inherit`).
    pub secrets: Vec<EnvVar>,
    pub if_cond: Option<(String, Span)>,
}

/// A service container (or the job container).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    pub name_span: Span,
    pub image: Option<(String, Span)>,
    pub env: Vec<EnvVar>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The step's map node.
    pub span: Span,
    pub name: Option<String>,
    pub id: Option<String>,
    pub uses: Option<Uses>,
    pub run: Option<Script>,
    pub with: Vec<EnvVar>,
    pub env: Vec<EnvVar>,
    pub shell: Option<String>,
    pub if_cond: Option<(String, Span)>,
}

/// Where a GitHub step sits.
#[derive(Debug, Clone, Copy)]
pub enum StepOwner<'a> {
    Job {
        workflow: &'a Workflow,
        job: &'a Job,
    },
    /// A composite action's `runs.steps`.
    Action(&'a Action),
}

/// A `uses:` value: what a step or a job runs, parsed once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uses {
    /// The scalar's text, as written.
    pub text: String,
    pub span: Span,
    pub target: UsesTarget,
}

/// What a `uses:` points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsesTarget {
    /// `./path` or `../path`: an action or reusable workflow of this repository.
    Local(String),
    /// `docker://image[:tag][@digest]`: the image reference after the scheme.
    Docker(String),
    /// `owner/repo[/path][@ref]`: an action or reusable workflow of another repository.
    Remote(ActionRef),
    /// The action's name holds a `${{ }}` expression: known only when the workflow runs.
    Expression,
    /// Not a reference GitHub accepts (a templating leftover, a typo).
    Invalid,
}

/// `owner/repo[/path][@ref]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRef {
    /// As written (GitHub compares owners and repositories case-insensitively).
    pub owner: String,
    pub repo: String,
    /// Everything before the last `@` (`owner/repo/path`), or the whole text without one.
    pub name: String,
    /// After the last `@`; `None` when there is no `@`. It may hold an expression.
    pub git_ref: Option<String>,
}

impl ActionRef {
    /// Whether GitHub itself publishes it (`actions/*`, `github/*`).
    pub(crate) fn is_first_party(&self) -> bool {
        self.owner.eq_ignore_ascii_case("actions") || self.owner.eq_ignore_ascii_case("github")
    }

    /// Whether the ref is a full commit SHA (40 hex digits).
    pub(crate) fn is_pinned_to_commit(&self) -> bool {
        self.git_ref
            .as_deref()
            .is_some_and(|r| r.len() == 40 && r.bytes().all(|c| c.is_ascii_hexdigit()))
    }
}

impl Uses {
    pub(crate) fn new(text: String, span: Span) -> Uses {
        let target = UsesTarget::parse(text.trim());
        Uses { text, span, target }
    }

    /// Whether it runs `owner/repo[/path]` (compared case-insensitively) at any ref.
    pub(crate) fn is_action(&self, name: &str) -> bool {
        match &self.target {
            UsesTarget::Remote(_) => self
                .text
                .trim()
                .split('@')
                .next()
                .is_some_and(|n| n.eq_ignore_ascii_case(name)),
            _ => false,
        }
    }
}

impl UsesTarget {
    /// Parses a trimmed `uses:` value.
    fn parse(text: &str) -> UsesTarget {
        if text.starts_with("./") || text.starts_with("../") {
            return UsesTarget::Local(text.to_string());
        }
        if let Some(image) = text.strip_prefix("docker://") {
            return UsesTarget::Docker(image.to_string());
        }
        let slug = text.split('@').next().unwrap_or("");
        if slug.contains("${{") {
            return UsesTarget::Expression;
        }
        let mut parts = slug.split('/');
        let owner = parts.next().unwrap_or("");
        let repo = parts.next().unwrap_or("");
        let is_name = |s: &str, extra: &[u8]| {
            !s.is_empty()
                && s.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || extra.contains(&c))
        };
        if !is_name(owner, b"") || !is_name(repo, b"._") {
            return UsesTarget::Invalid;
        }
        let (name, git_ref) = match text.rsplit_once('@') {
            Some((name, r)) => (name, Some(r.to_string())),
            None => (text, None),
        };
        UsesTarget::Remote(ActionRef {
            owner: owner.to_string(),
            repo: repo.to_string(),
            name: name.to_string(),
            git_ref,
        })
    }
}

/// A `uses:` scalar, parsed.
fn uses_of(node: &Node) -> Option<Uses> {
    scalar_of(node).map(|(text, span)| Uses::new(text, span))
}

impl Workflow {
    /// The workflow view of a document (empty if its root is not a map).
    pub(crate) fn from_document(doc: &YamlDocument) -> Workflow {
        let root = &doc.root;
        if root.as_map().is_none() {
            return Workflow::default();
        }
        let on = root.get("on").map(triggers).unwrap_or_default();
        let jobs = root
            .get("jobs")
            .map(|jobs| {
                jobs.entries()
                    .filter_map(|(id, key, body)| github_job(id, key, body))
                    .collect()
            })
            .unwrap_or_default();
        Workflow {
            name: text_of(root.get("name")),
            on,
            permissions: permissions(root),
            env: env_vars_of(root.get("env")),
            jobs,
        }
    }

    /// Whether the workflow is triggered by `event`.
    pub(crate) fn triggered_by(&self, event: &str) -> bool {
        self.on.iter().any(|t| t.name == event)
    }

    #[cfg(test)]
    /// Every `run:` script, with its job id.
    pub(crate) fn commands(&self) -> Vec<CiCommand> {
        self.jobs
            .iter()
            .flat_map(|job| job_commands(&job.id, step_scripts(&job.steps)))
            .collect()
    }

    /// Every environment variable and input, with where it was set.
    pub(crate) fn env_vars(&self) -> Vec<(EnvScope, &EnvVar)> {
        let mut out: Vec<(EnvScope, &EnvVar)> = scoped(EnvScope::Workflow, &self.env).collect();
        for job in &self.jobs {
            out.extend(scoped(EnvScope::Job, &job.env));
            if let Some(container) = &job.container {
                out.extend(scoped(EnvScope::Job, &container.env));
            }
            for service in &job.services {
                out.extend(scoped(EnvScope::Service, &service.env));
            }
            out.extend(scoped(EnvScope::With, &job.with));
            out.extend(scoped(EnvScope::With, &job.secrets));
            push_step_env(&mut out, &job.steps);
        }
        out
    }
}

#[cfg(test)]
/// The `run:` scripts of steps.
fn step_scripts(steps: &[Step]) -> impl Iterator<Item = &Script> {
    steps.iter().filter_map(|step| step.run.as_ref())
}

fn push_step_env<'a>(out: &mut Vec<(EnvScope, &'a EnvVar)>, steps: &'a [Step]) {
    for step in steps {
        out.extend(scoped(EnvScope::Step, &step.env));
        out.extend(scoped(EnvScope::With, &step.with));
    }
}

/// Trigger names from `on: push`, `on: [push, pull_request]` or the map form.
fn triggers(on: &Node) -> Vec<Trigger> {
    let on = on.resolve();
    match &on.value {
        Value::Scalar(_) => scalar_of(on)
            .map(|(name, span)| vec![Trigger { name, span }])
            .unwrap_or_default(),
        Value::Seq(items) => items
            .iter()
            .filter_map(scalar_of)
            .map(|(name, span)| Trigger { name, span })
            .collect(),
        Value::Map(_) => on
            .entries()
            .map(|(name, key, _)| Trigger {
                name: name.to_string(),
                span: key.span,
            })
            .collect(),
        Value::Alias(_) => Vec::new(),
    }
}

/// The `permissions` of a workflow or job map.
fn permissions(map: &Node) -> Option<Permissions> {
    let (_, key, node) = map.entries().find(|(k, _, _)| *k == "permissions")?;
    let node = node.resolve();
    let value = match &node.value {
        Value::Scalar(s) => match s.text.as_str() {
            "read-all" => PermissionsValue::ReadAll,
            "write-all" => PermissionsValue::WriteAll,
            _ => PermissionsValue::Other,
        },
        Value::Map(_) => PermissionsValue::Map(
            node.entries()
                .map(|(scope, k, v)| {
                    let level = v.as_str().unwrap_or("").to_string();
                    (scope.to_string(), level, k.span.cover(v.resolve().span))
                })
                .collect(),
        ),
        _ => PermissionsValue::Other,
    };
    Some(Permissions {
        key_span: key.span,
        span: node.span,
        value,
    })
}

fn github_job(id: &str, key: &Node, body: &Node) -> Option<Job> {
    let span = key.span.cover(body.span);
    let body = body.resolve();
    body.as_map()?;
    let steps = body
        .get("steps")
        .and_then(Node::as_seq)
        .map(|steps| steps.iter().filter_map(github_step).collect())
        .unwrap_or_default();
    let services = body
        .get("services")
        .map(|services| {
            services
                .entries()
                .map(|(name, name_node, value)| service(name, name_node.span, value))
                .collect()
        })
        .unwrap_or_default();
    let container = body
        .entries()
        .find(|(k, _, _)| *k == "container")
        .map(|(name, name_node, value)| service(name, name_node.span, value));
    Some(Job {
        id: id.to_string(),
        id_span: key.span,
        span,
        name: text_of(body.get("name")),
        permissions: permissions(body),
        runs_on: body.get("runs-on").map(runs_on).unwrap_or_default(),
        env: env_vars_of(body.get("env")),
        steps,
        uses: body.get("uses").and_then(uses_of),
        services,
        container,
        environment: body.get("environment").and_then(environment_name),
        with: env_vars_of(body.get("with")),
        secrets: env_vars_of(body.get("secrets")),
        if_cond: body.get("if").and_then(scalar_of),
    })
}

fn runs_on(node: &Node) -> Vec<(String, Span)> {
    let node = node.resolve();
    match &node.value {
        Value::Scalar(_) => scalar_of(node).into_iter().collect(),
        Value::Seq(items) => items.iter().filter_map(scalar_of).collect(),
        Value::Map(_) => ["group", "labels"]
            .iter()
            .filter_map(|key| node.get(key))
            .flat_map(runs_on)
            .collect(),
        Value::Alias(_) => Vec::new(),
    }
}

/// A service or job container: `name: image` or `name: {image, env}`.
fn service(name: &str, name_span: Span, value: &Node) -> Service {
    let value = value.resolve();
    let (image, env) = if value.as_map().is_some() {
        (
            value.get("image").and_then(scalar_of),
            env_vars_of(value.get("env")),
        )
    } else {
        (scalar_of(value), Vec::new())
    };
    Service {
        name: name.to_string(),
        name_span,
        image,
        env,
    }
}

/// `environment: production` or `environment: {name: production, url: ...}`.
pub(super) fn environment_name(node: &Node) -> Option<(String, Span)> {
    let node = node.resolve();
    if node.as_map().is_some() {
        node.get("name").and_then(scalar_of)
    } else {
        scalar_of(node)
    }
}

fn github_step(node: &Node) -> Option<Step> {
    let node = node.resolve();
    node.as_map()?;
    Some(Step {
        span: node.span,
        name: text_of(node.get("name")),
        id: text_of(node.get("id")),
        uses: node.get("uses").and_then(uses_of),
        run: node.get("run").and_then(script_of),
        with: env_vars_of(node.get("with")),
        env: env_vars_of(node.get("env")),
        shell: text_of(node.get("shell")),
        if_cond: node.get("if").and_then(scalar_of),
    })
}

/// A GitHub action's metadata file (`action.yml`): composite, JavaScript or Docker.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Action {
    pub name: Option<String>,
    /// `runs.using`: `composite`, `docker`, `node20`, ...
    pub runs_using: Option<(String, Span)>,
    /// `runs.image` of a Docker action (`Dockerfile` or `docker://...`).
    pub runs_image: Option<(String, Span)>,
    /// `runs.env` of a Docker action.
    pub env: Vec<EnvVar>,
    /// `runs.steps` of a composite action.
    pub steps: Vec<Step>,
    pub inputs: Vec<ActionInput>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionInput {
    pub name: String,
    pub name_span: Span,
    pub default: Option<(String, Span)>,
}

impl Action {
    /// The action view of a document (empty if its root is not a map).
    pub(crate) fn from_document(doc: &YamlDocument) -> Action {
        let root = &doc.root;
        if root.as_map().is_none() {
            return Action::default();
        }
        let runs = root.get("runs");
        let inputs = root
            .get("inputs")
            .map(|inputs| {
                inputs
                    .entries()
                    .map(|(name, key, value)| ActionInput {
                        name: name.to_string(),
                        name_span: key.span,
                        default: value.get("default").and_then(scalar_of),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Action {
            name: text_of(root.get("name")),
            runs_using: runs.and_then(|r| r.get("using")).and_then(scalar_of),
            runs_image: runs.and_then(|r| r.get("image")).and_then(scalar_of),
            env: env_vars_of(runs.and_then(|r| r.get("env"))),
            steps: runs
                .and_then(|r| r.get("steps"))
                .and_then(Node::as_seq)
                .map(|steps| steps.iter().filter_map(github_step).collect())
                .unwrap_or_default(),
            inputs,
        }
    }

    #[cfg(test)]
    /// The name used as the "job" of this action's commands.
    fn job_name(&self) -> &str {
        self.name.as_deref().unwrap_or("action")
    }

    #[cfg(test)]
    /// Every `run:` script of a composite action.
    pub(crate) fn commands(&self) -> Vec<CiCommand> {
        job_commands(self.job_name(), step_scripts(&self.steps)).collect()
    }

    pub(crate) fn env_vars(&self) -> Vec<(EnvScope, &EnvVar)> {
        let mut out: Vec<(EnvScope, &EnvVar)> = scoped(EnvScope::Job, &self.env).collect();
        push_step_env(&mut out, &self.steps);
        out
    }
}
