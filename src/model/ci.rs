//! Typed, span-carrying views of CI configurations (GitHub Actions workflows and composite
//! actions, GitLab CI, CircleCI), built from the YAML tree of [`crate::parse::yaml`].
//!
//! The views keep only what rules read: triggers, permissions, jobs, steps, scripts,
//! environment variables, images and services. Every value carries the span of its YAML
//! node. Aliases are followed and merge keys (`<<`) honoured; a value reached through an
//! alias carries the span of the anchored text. Shapes that do not match the schema are
//! skipped, never an error: the views are for linting, not validation.

use crate::parse::yaml::{Node, Value, YamlDocument};
use crate::source::{FileKind, Span};

/// A `KEY: value` pair from `env:`, `with:`, `variables:`, `environment:` and the like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub key: String,
    pub key_span: Span,
    /// The scalar text (`""` for an empty value); `None` if the value is not a scalar.
    pub value: Option<String>,
    pub value_span: Span,
}

/// A shell script: a `run:` or a GitLab script line. `text` is the scalar's value; `span` is
/// the scalar node's span (for `run: |`, from the `|` to the end of the block). Use
/// [`crate::parse::yaml::node_text`]-style raw slicing of `span` to find exact positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    pub text: String,
    pub span: Span,
}

/// A command run by CI, whichever CI it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiCommand {
    /// The job (or action / reusable command) that runs it.
    pub job: String,
    pub text: String,
    pub span: Span,
}

/// Where an [`EnvVar`] was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnvScope {
    /// Top level of the file (`env:` of a workflow, global GitLab `variables:`).
    Workflow,
    /// A job (job `env:`/`variables:`/`environment:`, a job container's env).
    Job,
    /// A step (`env:` of a GitHub step, `environment:` of a CircleCI `run`).
    Step,
    /// Inputs passed to an action or reusable workflow (`with:`, and `secrets:` of a
    /// reusable workflow call).
    With,
    /// A service container (GitHub/GitLab `services:`, CircleCI secondary images): its
    /// credentials are throwaway by convention.
    Service,
}

// ---------------------------------------------------------------------------------------
// GitHub Actions

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
    pub uses: Option<(String, Span)>,
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
    pub uses: Option<(String, Span)>,
    pub run: Option<Script>,
    pub with: Vec<EnvVar>,
    pub env: Vec<EnvVar>,
    pub shell: Option<String>,
    pub if_cond: Option<(String, Span)>,
}

impl Workflow {
    /// The workflow view of a document (empty if its root is not a map).
    pub fn from_document(doc: &YamlDocument) -> Workflow {
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
    pub fn triggered_by(&self, event: &str) -> bool {
        self.on.iter().any(|t| t.name == event)
    }

    /// Every `run:` script, with its job id.
    pub fn commands(&self) -> Vec<CiCommand> {
        self.jobs
            .iter()
            .flat_map(|job| job_commands(&job.id, step_scripts(&job.steps)))
            .collect()
    }

    /// Every environment variable and input, with where it was set.
    pub fn env_vars(&self) -> Vec<(EnvScope, &EnvVar)> {
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
        uses: body.get("uses").and_then(scalar_of),
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
fn environment_name(node: &Node) -> Option<(String, Span)> {
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
        uses: node.get("uses").and_then(scalar_of),
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
    pub fn from_document(doc: &YamlDocument) -> Action {
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

    /// The name used as the "job" of this action's commands.
    fn job_name(&self) -> &str {
        self.name.as_deref().unwrap_or("action")
    }

    /// Every `run:` script of a composite action.
    pub fn commands(&self) -> Vec<CiCommand> {
        job_commands(self.job_name(), step_scripts(&self.steps)).collect()
    }

    pub fn env_vars(&self) -> Vec<(EnvScope, &EnvVar)> {
        let mut out: Vec<(EnvScope, &EnvVar)> = scoped(EnvScope::Job, &self.env).collect();
        push_step_env(&mut out, &self.steps);
        out
    }
}

// ---------------------------------------------------------------------------------------
// GitLab CI

/// A `.gitlab-ci.yml` (or an included GitLab CI file).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GitlabCi {
    /// Global `variables:`.
    pub variables: Vec<EnvVar>,
    /// `default:` merged with the deprecated top-level `image`, `services`, `before_script`
    /// and `after_script`, as a job named `default`.
    pub default: Option<GitlabJob>,
    pub stages: Vec<(String, Span)>,
    /// Every other top-level key whose value is a map, hidden templates (`.name`) included.
    pub jobs: Vec<GitlabJob>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitlabJob {
    pub name: String,
    pub name_span: Span,
    /// From the name to the end of the job's body.
    pub span: Span,
    /// A template (`.name`): not run itself, but its scripts are scanned.
    pub hidden: bool,
    /// `before_script`, `script` and `after_script` lines, in that order.
    pub script: Vec<Script>,
    pub variables: Vec<EnvVar>,
    pub services: Vec<GitlabService>,
    pub image: Option<(String, Span)>,
    pub environment: Option<(String, Span)>,
    pub stage: Option<(String, Span)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitlabService {
    /// The image (`postgres:15`).
    pub name: String,
    /// The service's node (the string, or the map).
    pub span: Span,
    pub alias: Option<String>,
    pub variables: Vec<EnvVar>,
}

/// Top-level keys of a GitLab CI file that are not jobs.
const GITLAB_RESERVED: [&str; 11] = [
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "spec",
];

impl GitlabCi {
    /// The GitLab CI view of a document (empty if its root is not a map).
    pub fn from_document(doc: &YamlDocument) -> GitlabCi {
        let root = &doc.root;
        if root.as_map().is_none() {
            return GitlabCi::default();
        }
        let mut ci = GitlabCi {
            variables: gitlab_variables(root.get("variables")),
            ..GitlabCi::default()
        };
        if let Some(stages) = root.get("stages").and_then(Node::as_seq) {
            ci.stages = stages.iter().filter_map(scalar_of).collect();
        }
        let mut default = root
            .entries()
            .find(|(k, _, _)| *k == "default")
            .and_then(|(name, key, body)| gitlab_job(name, key, body));
        // Deprecated globals act like `default:` keys.
        for (name, key, value) in root.entries() {
            if !matches!(
                name,
                "image" | "services" | "before_script" | "after_script"
            ) {
                continue;
            }
            let job = default.get_or_insert_with(|| GitlabJob {
                name: "default".to_string(),
                name_span: key.span,
                span: key.span,
                hidden: false,
                script: Vec::new(),
                variables: Vec::new(),
                services: Vec::new(),
                image: None,
                environment: None,
                stage: None,
            });
            match name {
                "image" => job.image = job.image.take().or_else(|| gitlab_image(value)),
                "services" => job.services.extend(gitlab_services(value)),
                _ => job.script.extend(gitlab_script(value)),
            }
        }
        ci.default = default;
        ci.jobs = root
            .entries()
            .filter(|(name, _, _)| !GITLAB_RESERVED.contains(name))
            .filter_map(|(name, key, body)| gitlab_job(name, key, body))
            .collect();
        ci
    }

    /// The view of a multi-document file: documents holding only a `spec:` header (CI/CD
    /// component inputs) are skipped and the others combined.
    pub fn from_documents(docs: &[YamlDocument]) -> GitlabCi {
        let mut all = GitlabCi::default();
        for doc in docs {
            let only_spec = doc.root.entries().all(|(k, _, _)| k == "spec");
            if only_spec && docs.len() > 1 {
                continue;
            }
            let ci = GitlabCi::from_document(doc);
            all.variables.extend(ci.variables);
            all.stages.extend(ci.stages);
            all.jobs.extend(ci.jobs);
            if all.default.is_none() {
                all.default = ci.default;
            }
        }
        all
    }

    /// Every script line, with its job name (`default` for `default:`/global scripts).
    pub fn commands(&self) -> Vec<CiCommand> {
        self.default
            .iter()
            .chain(&self.jobs)
            .flat_map(|job| job_commands(&job.name, &job.script))
            .collect()
    }

    pub fn env_vars(&self) -> Vec<(EnvScope, &EnvVar)> {
        let mut out: Vec<(EnvScope, &EnvVar)> =
            scoped(EnvScope::Workflow, &self.variables).collect();
        for job in self.default.iter().chain(&self.jobs) {
            out.extend(scoped(EnvScope::Job, &job.variables));
            for service in &job.services {
                out.extend(scoped(EnvScope::Service, &service.variables));
            }
        }
        out
    }
}

fn gitlab_job(name: &str, key: &Node, body: &Node) -> Option<GitlabJob> {
    let span = key.span.cover(body.span);
    let body = body.resolve();
    body.as_map()?;
    let mut script = Vec::new();
    for part in ["before_script", "script", "after_script"] {
        if let Some(node) = body.get(part) {
            script.extend(gitlab_script(node));
        }
    }
    Some(GitlabJob {
        name: name.to_string(),
        name_span: key.span,
        span,
        hidden: name.starts_with('.'),
        script,
        variables: gitlab_variables(body.get("variables")),
        services: body
            .get("services")
            .map(gitlab_services)
            .unwrap_or_default(),
        image: body.get("image").and_then(gitlab_image),
        environment: body.get("environment").and_then(environment_name),
        stage: body.get("stage").and_then(scalar_of),
    })
}

/// Script lines: a string, or a list of strings and nested lists (flattened, as GitLab
/// does). `!reference [...]` entries point elsewhere and are skipped.
fn gitlab_script(node: &Node) -> Vec<Script> {
    let mut out = Vec::new();
    let mut stack: Vec<&Node> = vec![node];
    let mut visited = 0usize;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > 100_000 {
            break;
        }
        let node = node.resolve();
        if node.tag.as_deref() == Some("!reference") {
            continue;
        }
        match &node.value {
            Value::Scalar(_) => out.extend(script_of(node)),
            Value::Seq(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    out
}

/// GitLab `variables:` entries: `KEY: value` or `KEY: {value: ..., description: ...}`.
fn gitlab_variables(node: Option<&Node>) -> Vec<EnvVar> {
    let Some(node) = node else {
        return Vec::new();
    };
    node.entries()
        .map(|(key, key_node, value)| {
            let value = value.resolve();
            let shown = if value.as_map().is_some() {
                value.get("value").map(Node::resolve).unwrap_or(value)
            } else {
                value
            };
            env_var(key, key_node, shown)
        })
        .collect()
}

/// `image: name` or `image: {name: ..., entrypoint: ...}`.
fn gitlab_image(node: &Node) -> Option<(String, Span)> {
    let node = node.resolve();
    if node.as_map().is_some() {
        node.get("name").and_then(scalar_of)
    } else {
        scalar_of(node)
    }
}

/// `services:` items: `- postgres:15` or `- {name: postgres:15, alias: db, variables: {}}`.
fn gitlab_services(node: &Node) -> Vec<GitlabService> {
    let Some(items) = node.as_seq() else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let item = item.resolve();
            if item.as_map().is_some() {
                let (name, _) = item.get("name").and_then(scalar_of)?;
                Some(GitlabService {
                    name,
                    span: item.span,
                    alias: text_of(item.get("alias")),
                    variables: gitlab_variables(item.get("variables")),
                })
            } else {
                let (name, span) = scalar_of(item)?;
                Some(GitlabService {
                    name,
                    span,
                    alias: None,
                    variables: Vec::new(),
                })
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// CircleCI

/// A `.circleci/config.yml`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Circleci {
    pub version: Option<(String, Span)>,
    pub jobs: Vec<CircleJob>,
    /// Reusable `commands:` (their steps run inside jobs).
    pub commands: Vec<CircleJob>,
    /// `executors:` (their images and environment are used by jobs).
    pub executors: Vec<CircleJob>,
    /// Workflow names (the `version` key of `workflows:` is skipped).
    pub workflows: Vec<(String, Span)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircleJob {
    pub name: String,
    pub name_span: Span,
    /// From the name to the end of the body.
    pub span: Span,
    /// `run:` commands (`run: cmd` or `run: {command: cmd}`), including those inside
    /// `when`/`unless` steps.
    pub steps: Vec<Script>,
    /// Job-level `environment:`.
    pub environment: Vec<EnvVar>,
    /// `environment:` of `run` steps.
    pub step_environment: Vec<EnvVar>,
    /// `docker:` images: `(image, span, environment)`. The first is the primary container;
    /// the others are service containers.
    pub docker_images: Vec<(String, Span, Vec<EnvVar>)>,
}

impl Circleci {
    /// The CircleCI view of a document (empty if its root is not a map).
    pub fn from_document(doc: &YamlDocument) -> Circleci {
        let root = &doc.root;
        if root.as_map().is_none() {
            return Circleci::default();
        }
        let section = |key: &str| -> Vec<CircleJob> {
            root.get(key)
                .map(|jobs| {
                    jobs.entries()
                        .filter_map(|(name, key, body)| circle_job(name, key, body))
                        .collect()
                })
                .unwrap_or_default()
        };
        let workflows = root
            .get("workflows")
            .map(|w| {
                w.entries()
                    .filter(|(name, _, _)| *name != "version")
                    .map(|(name, key, _)| (name.to_string(), key.span))
                    .collect()
            })
            .unwrap_or_default();
        Circleci {
            version: root.get("version").and_then(scalar_of),
            jobs: section("jobs"),
            commands: section("commands"),
            executors: section("executors"),
            workflows,
        }
    }

    /// Every `run` command of jobs and reusable commands, with the job (or command) name.
    pub fn commands(&self) -> Vec<CiCommand> {
        self.jobs
            .iter()
            .chain(&self.commands)
            .flat_map(|job| job_commands(&job.name, &job.steps))
            .collect()
    }

    /// Job and executor environment (the primary image's too) as `Job`, `run` step
    /// environment as `Step`, secondary images' environment as `Service`.
    pub fn env_vars(&self) -> Vec<(EnvScope, &EnvVar)> {
        let mut out: Vec<(EnvScope, &EnvVar)> = Vec::new();
        for job in self
            .jobs
            .iter()
            .chain(&self.executors)
            .chain(&self.commands)
        {
            out.extend(scoped(EnvScope::Job, &job.environment));
            for (i, (_, _, env)) in job.docker_images.iter().enumerate() {
                let scope = if i == 0 {
                    EnvScope::Job
                } else {
                    EnvScope::Service
                };
                out.extend(scoped(scope, env));
            }
            out.extend(scoped(EnvScope::Step, &job.step_environment));
        }
        out
    }
}

fn circle_job(name: &str, key: &Node, body: &Node) -> Option<CircleJob> {
    let span = key.span.cover(body.span);
    let body = body.resolve();
    body.as_map()?;
    let mut job = CircleJob {
        name: name.to_string(),
        name_span: key.span,
        span,
        steps: Vec::new(),
        environment: circle_environment(body.get("environment")),
        step_environment: Vec::new(),
        docker_images: Vec::new(),
    };
    if let Some(images) = body.get("docker").and_then(Node::as_seq) {
        for image in images {
            if let Some((name, span)) = image.get("image").and_then(scalar_of) {
                let env = circle_environment(image.get("environment"));
                job.docker_images.push((name, span, env));
            }
        }
    }
    let mut stack: Vec<&Node> = body
        .get("steps")
        .and_then(Node::as_seq)
        .map(|s| s.iter().rev().collect())
        .unwrap_or_default();
    let mut visited = 0usize;
    while let Some(step) = stack.pop() {
        visited += 1;
        if visited > 100_000 {
            break;
        }
        for (kind, _, value) in step.entries() {
            match kind {
                "run" => {
                    let value = value.resolve();
                    if value.as_map().is_some() {
                        job.steps.extend(value.get("command").and_then(script_of));
                        job.step_environment
                            .extend(circle_environment(value.get("environment")));
                    } else {
                        job.steps.extend(script_of(value));
                    }
                }
                "when" | "unless" => {
                    if let Some(inner) = value.get("steps").and_then(Node::as_seq) {
                        stack.extend(inner.iter().rev());
                    }
                }
                _ => {}
            }
        }
    }
    Some(job)
}

/// CircleCI `environment:` as a map, or a list of one-entry maps.
fn circle_environment(node: Option<&Node>) -> Vec<EnvVar> {
    let Some(node) = node else {
        return Vec::new();
    };
    match node.as_seq() {
        Some(items) => items
            .iter()
            .flat_map(|item| env_vars_of(Some(item)))
            .collect(),
        None => env_vars_of(Some(node)),
    }
}

// ---------------------------------------------------------------------------------------
// Any CI

/// A CI file's view, for rules that do not care which CI it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CiModel {
    Workflow(Workflow),
    Action(Action),
    Gitlab(GitlabCi),
    Circleci(Circleci),
}

impl CiModel {
    /// Builds the view for a YAML CI file kind from its documents (the first document for
    /// GitHub and CircleCI; GitLab combines documents). `None` for other kinds and for a
    /// stream without documents.
    pub fn from_documents(kind: FileKind, docs: &[YamlDocument]) -> Option<CiModel> {
        let first = docs.first()?;
        match kind {
            FileKind::GithubWorkflow => Some(CiModel::Workflow(Workflow::from_document(first))),
            FileKind::GithubAction => Some(CiModel::Action(Action::from_document(first))),
            FileKind::GitlabCi => Some(CiModel::Gitlab(GitlabCi::from_documents(docs))),
            FileKind::Circleci => Some(CiModel::Circleci(Circleci::from_document(first))),
            _ => None,
        }
    }

    pub fn commands(&self) -> Vec<CiCommand> {
        match self {
            CiModel::Workflow(w) => w.commands(),
            CiModel::Action(a) => a.commands(),
            CiModel::Gitlab(g) => g.commands(),
            CiModel::Circleci(c) => c.commands(),
        }
    }

    pub fn env_vars(&self) -> Vec<(EnvScope, &EnvVar)> {
        match self {
            CiModel::Workflow(w) => w.env_vars(),
            CiModel::Action(a) => a.env_vars(),
            CiModel::Gitlab(g) => g.env_vars(),
            CiModel::Circleci(c) => c.env_vars(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Shared helpers

/// A scalar's text and the span of the node holding it (the anchor's, through an alias).
fn scalar_of(node: &Node) -> Option<(String, Span)> {
    let node = node.resolve();
    node.as_str().map(|text| (text.to_string(), node.span))
}

fn text_of(node: Option<&Node>) -> Option<String> {
    node?.as_str().map(str::to_string)
}

fn script_of(node: &Node) -> Option<Script> {
    scalar_of(node).map(|(text, span)| Script { text, span })
}

/// A map's entries as [`EnvVar`]s (empty if not a map, e.g. `env: ${{ fromJSON(...) }}`).
fn env_vars_of(node: Option<&Node>) -> Vec<EnvVar> {
    let Some(node) = node else {
        return Vec::new();
    };
    node.entries()
        .map(|(key, key_node, value)| env_var(key, key_node, value.resolve()))
        .collect()
}

/// `key: value` as an [`EnvVar`]; `value` already resolved.
fn env_var(key: &str, key_node: &Node, value: &Node) -> EnvVar {
    EnvVar {
        key: key.to_string(),
        key_span: key_node.span,
        value: value.as_str().map(str::to_string),
        value_span: value.span,
    }
}

/// Each variable with where it was set.
fn scoped(scope: EnvScope, vars: &[EnvVar]) -> impl Iterator<Item = (EnvScope, &EnvVar)> {
    vars.iter().map(move |v| (scope, v))
}

/// CI commands of one job (or action, or reusable command): its scripts, in order.
fn job_commands<'a>(
    job: &'a str,
    scripts: impl IntoIterator<Item = &'a Script> + 'a,
) -> impl Iterator<Item = CiCommand> + 'a {
    scripts.into_iter().map(move |s| CiCommand {
        job: job.to_string(),
        text: s.text.clone(),
        span: s.span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::gha_expr;
    use crate::parse::yaml;

    fn docs(text: &str) -> Vec<YamlDocument> {
        let (docs, diags) = yaml::parse(text);
        assert!(diags.is_empty(), "{diags:?}");
        docs
    }

    fn at(text: &str, span: Span) -> &str {
        text.get(span.range()).unwrap_or("<out of range>")
    }

    const WORKFLOW: &str = r#"name: CI
on:
  push:
    branches: [main]
  pull_request_target:
    types: [opened, synchronize]
permissions:
  contents: read
  pull-requests: write
env:
  CARGO_TERM_COLOR: always
  API_TOKEN: ${{ secrets.API_TOKEN }}
jobs:
  test:
    name: Test
    runs-on: [self-hosted, linux]
    permissions: write-all
    environment:
      name: production
      url: https://example.com
    container:
      image: node:20
      env:
        NODE_ENV: test
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: postgres
        ports: ["5432:5432"]
      redis: redis:7
    env:
      DATABASE_URL: postgres://postgres:postgres@localhost/db
    steps:
      - uses: actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - uses: actions/setup-node@v4
        with: {node-version: 20}
      - name: Greet
        id: greet
        if: github.event_name == 'pull_request_target'
        shell: bash
        env:
          TITLE: ${{ github.event.pull_request.title }}
        run: |
          echo "Title: ${{ github.event.pull_request.title }}"
          npm test
  call:
    uses: org/repo/.github/workflows/deploy.yml@v1
    with:
      target: prod
    secrets:
      token: hunter2
"#;

    #[test]
    fn github_workflow() {
        let docs = docs(WORKFLOW);
        let w = Workflow::from_document(&docs[0]);
        assert_eq!(w.name.as_deref(), Some("CI"));
        let names: Vec<_> = w.on.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["push", "pull_request_target"]);
        assert_eq!(at(WORKFLOW, w.on[1].span), "pull_request_target");
        assert!(w.triggered_by("pull_request_target"));

        let perms = w.permissions.as_ref().unwrap();
        assert_eq!(at(WORKFLOW, perms.key_span), "permissions");
        let PermissionsValue::Map(entries) = &perms.value else {
            panic!("{perms:?}");
        };
        assert_eq!(entries[1].0, "pull-requests");
        assert_eq!(entries[1].1, "write");
        assert_eq!(at(WORKFLOW, entries[1].2), "pull-requests: write");

        assert_eq!(w.env.len(), 2);
        assert_eq!(at(WORKFLOW, w.env[1].key_span), "API_TOKEN");
        assert_eq!(
            at(WORKFLOW, w.env[1].value_span),
            "${{ secrets.API_TOKEN }}"
        );

        assert_eq!(w.jobs.len(), 2);
        let job = &w.jobs[0];
        assert_eq!(job.id, "test");
        assert_eq!(at(WORKFLOW, job.id_span), "test");
        assert!(at(WORKFLOW, job.span).starts_with("test:\n    name: Test"));
        assert!(at(WORKFLOW, job.span).ends_with("npm test"));
        assert_eq!(job.name.as_deref(), Some("Test"));
        let labels: Vec<_> = job.runs_on.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(labels, ["self-hosted", "linux"]);
        let job_perms = job.permissions.as_ref().unwrap();
        assert_eq!(job_perms.value, PermissionsValue::WriteAll);
        assert_eq!(at(WORKFLOW, job_perms.span), "write-all");
        let (env_name, env_span) = job.environment.as_ref().unwrap();
        assert_eq!(env_name, "production");
        assert_eq!(at(WORKFLOW, *env_span), "production");
        let container = job.container.as_ref().unwrap();
        assert_eq!(container.image.as_ref().unwrap().0, "node:20");
        assert_eq!(container.env[0].key, "NODE_ENV");

        assert_eq!(job.services.len(), 2);
        let pg = &job.services[0];
        assert_eq!(pg.name, "postgres");
        assert_eq!(at(WORKFLOW, pg.name_span), "postgres");
        assert_eq!(at(WORKFLOW, pg.image.as_ref().unwrap().1), "postgres:16");
        assert_eq!(pg.env[0].key, "POSTGRES_PASSWORD");
        assert_eq!(pg.env[0].value.as_deref(), Some("postgres"));
        assert_eq!(job.services[1].image.as_ref().unwrap().0, "redis:7");

        let steps = &job.steps;
        assert_eq!(steps.len(), 3);
        let (uses, uses_span) = steps[0].uses.as_ref().unwrap();
        assert!(uses.ends_with("@8e5e7e5ab8b370d6c329ec480221332ada57f0ab"));
        assert_eq!(at(WORKFLOW, *uses_span), uses);
        assert_eq!(steps[0].with[0].key, "ref");
        assert_eq!(steps[1].uses.as_ref().unwrap().0, "actions/setup-node@v4");
        assert_eq!(steps[1].with[0].value.as_deref(), Some("20"));
        assert_eq!(at(WORKFLOW, steps[1].with[0].value_span), "20");
        let greet = &steps[2];
        assert_eq!(greet.name.as_deref(), Some("Greet"));
        assert_eq!(greet.id.as_deref(), Some("greet"));
        assert_eq!(greet.shell.as_deref(), Some("bash"));
        assert_eq!(
            greet.if_cond.as_ref().unwrap().0,
            "github.event_name == 'pull_request_target'"
        );
        assert!(at(WORKFLOW, greet.span).starts_with("name: Greet"));
        let run = greet.run.as_ref().unwrap();
        assert_eq!(
            run.text,
            "echo \"Title: ${{ github.event.pull_request.title }}\"\nnpm test\n"
        );
        assert!(at(WORKFLOW, run.span).starts_with("|\n          echo"));

        // Locating an expression inside `run: |` at its exact byte position.
        let raw = at(WORKFLOW, run.span);
        let occ = gha_expr::find_expressions(raw)[0];
        let span = occ.span.offset(run.span.start);
        assert_eq!(at(WORKFLOW, span), "${{ github.event.pull_request.title }}");
        let expr = occ.parse(raw).unwrap();
        assert_eq!(expr.contexts(), ["github.event.pull_request.title"]);

        let call = &w.jobs[1];
        assert_eq!(
            call.uses.as_ref().unwrap().0,
            "org/repo/.github/workflows/deploy.yml@v1"
        );
        assert_eq!(call.with[0].key, "target");
        assert_eq!(call.secrets[0].value.as_deref(), Some("hunter2"));
        assert!(call.steps.is_empty());

        let commands = w.commands();
        assert_eq!(commands.len(), 1);
        assert_eq!(commands[0].job, "test");
        assert_eq!(commands[0].span, run.span);

        let env = w.env_vars();
        let scoped: Vec<_> = env.iter().map(|(s, v)| (*s, v.key.as_str())).collect();
        assert_eq!(
            scoped,
            [
                (EnvScope::Workflow, "CARGO_TERM_COLOR"),
                (EnvScope::Workflow, "API_TOKEN"),
                (EnvScope::Job, "DATABASE_URL"),
                (EnvScope::Job, "NODE_ENV"),
                (EnvScope::Service, "POSTGRES_PASSWORD"),
                (EnvScope::With, "ref"),
                (EnvScope::With, "node-version"),
                (EnvScope::Step, "TITLE"),
                (EnvScope::With, "target"),
                (EnvScope::With, "token"),
            ]
        );
    }

    #[test]
    fn trigger_and_permission_forms() {
        let build = |text: &str| Workflow::from_document(&docs(text)[0]);
        let w = build("on: push\npermissions: read-all\njobs: {}\n");
        assert_eq!(w.on.len(), 1);
        assert_eq!(w.on[0].name, "push");
        assert_eq!(w.on[0].span, Span::new(4, 8));
        assert_eq!(w.permissions.unwrap().value, PermissionsValue::ReadAll);

        let text = "on: [push, pull_request_target]\npermissions: {}\n";
        let w = build(text);
        assert_eq!(at(text, w.on[1].span), "pull_request_target");
        assert_eq!(w.permissions.unwrap().value, PermissionsValue::Map(vec![]));
        assert!(w.jobs.is_empty());

        let w = build("\"on\":\n  workflow_dispatch:\npermissions: ${{ inputs.p }}\n");
        assert_eq!(w.on[0].name, "workflow_dispatch");
        assert_eq!(w.permissions.unwrap().value, PermissionsValue::Other);
        assert!(build("name: x\n").permissions.is_none());
        assert_eq!(
            Workflow::from_document(&docs("- a\n")[0]),
            Workflow::default()
        );
    }

    const ACTION: &str = "\
name: Setup tool
description: Installs the tool
inputs:
  version:
    description: Version to install
    default: latest
  token:
    required: true
runs:
  using: composite
  steps:
    - uses: actions/cache@v4
      with:
        path: ~/.tool
    - name: Install
      shell: bash
      env:
        VERSION: ${{ inputs.version }}
      run: curl -sSL https://example.com/install.sh | bash -s -- \"$VERSION\"
";

    #[test]
    fn composite_action() {
        let a = Action::from_document(&docs(ACTION)[0]);
        assert_eq!(a.name.as_deref(), Some("Setup tool"));
        let (using, using_span) = a.runs_using.as_ref().unwrap();
        assert_eq!(using, "composite");
        assert_eq!(at(ACTION, *using_span), "composite");
        assert_eq!(a.inputs.len(), 2);
        assert_eq!(at(ACTION, a.inputs[0].name_span), "version");
        assert_eq!(a.inputs[0].default.as_ref().unwrap().0, "latest");
        assert!(a.inputs[1].default.is_none());
        assert_eq!(a.steps.len(), 2);
        let commands = a.commands();
        assert_eq!(commands.len(), 1);
        assert_eq!(commands[0].job, "Setup tool");
        assert_eq!(
            at(ACTION, commands[0].span),
            "curl -sSL https://example.com/install.sh | bash -s -- \"$VERSION\""
        );
        let env: Vec<_> = a
            .env_vars()
            .iter()
            .map(|(s, v)| (*s, v.key.clone()))
            .collect();
        assert_eq!(
            env,
            [
                (EnvScope::With, "path".to_string()),
                (EnvScope::Step, "VERSION".to_string())
            ]
        );
    }

    const GITLAB: &str = "\
stages: [build, test, deploy]

variables:
  DOCKER_DRIVER: overlay2
  DEPLOY_TOKEN:
    value: glpat-abcdefghijklmnop
    description: token for deploys

default:
  image: ruby:3.2
  before_script:
    - bundle install

.db: &db
  services:
    - name: postgres:16
      alias: db
      variables:
        POSTGRES_PASSWORD: postgres
    - redis:7
  variables: &db_vars
    DATABASE_URL: postgres://postgres:postgres@db/test

.setup:
  script:
    - echo setup

test:
  <<: *db
  stage: test
  script:
    - !reference [.setup, script]
    - bundle exec rspec
    - - echo nested
      - echo list
  after_script: echo done

deploy:
  stage: deploy
  image:
    name: alpine:3.20
    entrypoint: [\"\"]
  environment:
    name: production
  variables:
    <<: *db_vars
    AWS_SECRET_ACCESS_KEY: abc123
  script: |
    curl -fsSL https://get.example.com | sh
    ./deploy.sh
";

    #[test]
    fn gitlab_ci() {
        let g = GitlabCi::from_documents(&docs(GITLAB));
        let stages: Vec<_> = g.stages.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(stages, ["build", "test", "deploy"]);
        assert_eq!(g.variables.len(), 2);
        let token = &g.variables[1];
        assert_eq!(token.key, "DEPLOY_TOKEN");
        assert_eq!(token.value.as_deref(), Some("glpat-abcdefghijklmnop"));
        assert_eq!(at(GITLAB, token.value_span), "glpat-abcdefghijklmnop");

        let default = g.default.as_ref().unwrap();
        assert_eq!(default.image.as_ref().unwrap().0, "ruby:3.2");
        assert_eq!(default.script[0].text, "bundle install");

        let names: Vec<_> = g.jobs.iter().map(|j| (j.name.as_str(), j.hidden)).collect();
        assert_eq!(
            names,
            [
                (".db", true),
                (".setup", true),
                ("test", false),
                ("deploy", false)
            ]
        );
        let test = &g.jobs[2];
        assert_eq!(at(GITLAB, test.name_span), "test");
        assert_eq!(test.stage.as_ref().unwrap().0, "test");
        let lines: Vec<_> = test.script.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            lines,
            ["bundle exec rspec", "echo nested", "echo list", "echo done"]
        );
        assert_eq!(at(GITLAB, test.script[1].span), "echo nested");
        // services and variables come from the merged template, with the template's spans
        assert_eq!(test.services.len(), 2);
        assert_eq!(test.services[0].name, "postgres:16");
        assert_eq!(test.services[0].alias.as_deref(), Some("db"));
        assert_eq!(test.services[0].variables[0].key, "POSTGRES_PASSWORD");
        assert_eq!(test.services[1].name, "redis:7");
        assert_eq!(at(GITLAB, test.services[1].span), "redis:7");
        assert_eq!(test.variables[0].key, "DATABASE_URL");

        let deploy = &g.jobs[3];
        assert_eq!(deploy.image.as_ref().unwrap().0, "alpine:3.20");
        assert_eq!(deploy.environment.as_ref().unwrap().0, "production");
        let keys: Vec<_> = deploy.variables.iter().map(|v| v.key.as_str()).collect();
        assert_eq!(keys, ["AWS_SECRET_ACCESS_KEY", "DATABASE_URL"]);
        assert_eq!(at(GITLAB, deploy.variables[0].value_span), "abc123");
        assert_eq!(deploy.script.len(), 1);
        assert!(at(GITLAB, deploy.script[0].span).starts_with("|\n    curl"));

        let commands = g.commands();
        assert_eq!(commands[0].job, "default");
        assert!(commands
            .iter()
            .any(|c| c.job == ".setup" && c.text == "echo setup"));
        let scopes: Vec<_> = g
            .env_vars()
            .iter()
            .map(|(s, v)| (*s, v.key.as_str()))
            .collect::<Vec<_>>()
            .into_iter()
            .filter(|(_, k)| k.starts_with("POSTGRES") || k.starts_with("DEPLOY"))
            .collect();
        assert_eq!(
            scopes,
            [
                (EnvScope::Workflow, "DEPLOY_TOKEN"),
                (EnvScope::Service, "POSTGRES_PASSWORD"),
                (EnvScope::Service, "POSTGRES_PASSWORD"),
            ]
        );
    }

    #[test]
    fn gitlab_globals_and_spec_header() {
        let text = "\
spec:
  inputs:
    stage:
      default: test
---
image: python:3.12
before_script: [pip install -r requirements.txt]
lint:
  script: ruff check .
";
        let g = GitlabCi::from_documents(&docs(text));
        let default = g.default.as_ref().unwrap();
        assert_eq!(default.name, "default");
        assert_eq!(default.image.as_ref().unwrap().0, "python:3.12");
        assert_eq!(default.script[0].text, "pip install -r requirements.txt");
        assert_eq!(g.jobs.len(), 1);
        assert_eq!(g.jobs[0].script[0].text, "ruff check .");
        assert_eq!(at(text, g.jobs[0].script[0].span), "ruff check .");
    }

    const CIRCLE: &str = "\
version: 2.1

orbs:
  node: circleci/node@5.1

executors:
  py:
    docker:
      - image: cimg/python:3.12
    environment:
      PIPENV_VENV_IN_PROJECT: true

commands:
  install:
    steps:
      - run: pip install -r requirements.txt

jobs:
  test:
    docker:
      - image: cimg/python:3.12
        auth:
          username: bot
          password: $DOCKERHUB_PASSWORD
        environment:
          DATABASE_URL: postgresql://root@localhost/circle_test
      - image: cimg/postgres:16.0
        environment:
          POSTGRES_USER: root
          POSTGRES_PASSWORD: password
    environment:
      FLASK_ENV: testing
    steps:
      - checkout
      - install
      - run:
          name: Run tests
          command: |
            pytest -q
          environment:
            PYTEST_ADDOPTS: -x
      - when:
          condition: << pipeline.git.tag >>
          steps:
            - run: curl -s https://example.com/release.sh | bash

workflows:
  version: 2
  build:
    jobs: [test]
";

    #[test]
    fn circleci_config() {
        let c = Circleci::from_document(&docs(CIRCLE)[0]);
        assert_eq!(c.version.as_ref().unwrap().0, "2.1");
        let workflows: Vec<_> = c.workflows.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(workflows, ["build"]);
        assert_eq!(c.jobs.len(), 1);
        let job = &c.jobs[0];
        assert_eq!(job.name, "test");
        assert_eq!(at(CIRCLE, job.name_span), "test");
        assert!(at(CIRCLE, job.span).starts_with("test:\n    docker:"));
        assert_eq!(job.docker_images.len(), 2);
        let (image, span, env) = &job.docker_images[1];
        assert_eq!(image, "cimg/postgres:16.0");
        assert_eq!(at(CIRCLE, *span), "cimg/postgres:16.0");
        assert_eq!(env[1].key, "POSTGRES_PASSWORD");
        assert_eq!(job.environment[0].key, "FLASK_ENV");
        let steps: Vec<_> = job.steps.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            steps,
            [
                "pytest -q\n",
                "curl -s https://example.com/release.sh | bash"
            ]
        );
        assert!(at(CIRCLE, job.steps[0].span).starts_with("|\n            pytest"));
        assert_eq!(job.step_environment[0].key, "PYTEST_ADDOPTS");
        assert_eq!(
            c.commands[0].steps[0].text,
            "pip install -r requirements.txt"
        );
        assert_eq!(c.executors[0].docker_images[0].0, "cimg/python:3.12");

        let commands = c.commands();
        let jobs: Vec<_> = commands.iter().map(|c| c.job.as_str()).collect();
        assert_eq!(jobs, ["test", "test", "install"]);
        let env: Vec<_> = c
            .env_vars()
            .iter()
            .map(|(s, v)| (*s, v.key.clone()))
            .collect();
        let expect = [
            (EnvScope::Job, "FLASK_ENV"),
            (EnvScope::Job, "DATABASE_URL"),
            (EnvScope::Service, "POSTGRES_USER"),
            (EnvScope::Service, "POSTGRES_PASSWORD"),
            (EnvScope::Step, "PYTEST_ADDOPTS"),
            (EnvScope::Job, "PIPENV_VENV_IN_PROJECT"),
        ];
        let expect: Vec<_> = expect.iter().map(|(s, k)| (*s, k.to_string())).collect();
        assert_eq!(env, expect);
    }

    #[test]
    fn ci_model_dispatch() {
        let w = CiModel::from_documents(FileKind::GithubWorkflow, &docs(WORKFLOW)).unwrap();
        assert_eq!(w.commands().len(), 1);
        let g = CiModel::from_documents(FileKind::GitlabCi, &docs(GITLAB)).unwrap();
        assert!(g.commands().len() > 5);
        let c = CiModel::from_documents(FileKind::Circleci, &docs(CIRCLE)).unwrap();
        assert_eq!(c.env_vars().len(), 6);
        let a = CiModel::from_documents(FileKind::GithubAction, &docs(ACTION)).unwrap();
        assert_eq!(a.commands().len(), 1);
        assert!(CiModel::from_documents(FileKind::Dockerfile, &docs(ACTION)).is_none());
        assert!(CiModel::from_documents(FileKind::GithubWorkflow, &[]).is_none());
    }

    #[test]
    fn odd_shapes_do_not_break_views() {
        let text = "\
on: 42
env: ${{ fromJSON(inputs.env) }}
jobs:
  a: not-a-map
  b:
    steps: not-a-list
  c:
    runs-on: {group: big, labels: [x, y]}
    services: [oops]
    steps:
      - just a string
      - run: [not, a, string]
      - run: {a: b}
";
        let (docs, _) = yaml::parse(text);
        let w = Workflow::from_document(&docs[0]);
        assert_eq!(w.on[0].name, "42");
        assert!(w.env.is_empty());
        let ids: Vec<_> = w.jobs.iter().map(|j| j.id.as_str()).collect();
        assert_eq!(ids, ["b", "c"]);
        let c = &w.jobs[1];
        let labels: Vec<_> = c.runs_on.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(labels, ["big", "x", "y"]);
        assert!(c.services.is_empty());
        assert_eq!(c.steps.len(), 2);
        assert!(c.steps.iter().all(|s| s.run.is_none()));
        let _ = GitlabCi::from_document(&docs[0]).commands();
        let _ = Circleci::from_document(&docs[0]).env_vars();
        let _ = Action::from_document(&docs[0]).commands();
    }
}
