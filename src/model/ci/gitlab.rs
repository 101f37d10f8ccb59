//! GitLab CI: `.gitlab-ci.yml` and included CI files.

use super::github::environment_name;
use super::{env_var, scalar_of, scoped, script_of, text_of, EnvScope, EnvVar, Script};
#[cfg(test)]
use super::{job_commands, CiCommand};
use crate::parse::yaml::{Node, Value, YamlDocument};
use crate::source::Span;

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
    pub(crate) fn from_document(doc: &YamlDocument) -> GitlabCi {
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
    pub(crate) fn from_documents(docs: &[YamlDocument]) -> GitlabCi {
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

    #[cfg(test)]
    /// Every script line, with its job name (`default` for `default:`/global scripts).
    pub(crate) fn commands(&self) -> Vec<CiCommand> {
        self.default
            .iter()
            .chain(&self.jobs)
            .flat_map(|job| job_commands(&job.name, &job.script))
            .collect()
    }

    pub(crate) fn env_vars(&self) -> Vec<(EnvScope, &EnvVar)> {
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
