//! CircleCI: `.circleci/config.yml`.

use super::{env_vars_of, scalar_of, scoped, script_of, EnvScope, EnvVar, Script};
#[cfg(test)]
use super::{job_commands, CiCommand};
use crate::parse::yaml::{Node, YamlDocument};
use crate::source::Span;

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
    pub(crate) fn from_document(doc: &YamlDocument) -> Circleci {
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

    #[cfg(test)]
    /// Every `run` command of jobs and reusable commands, with the job (or command) name.
    pub(crate) fn commands(&self) -> Vec<CiCommand> {
        self.jobs
            .iter()
            .chain(&self.commands)
            .flat_map(|job| job_commands(&job.name, &job.steps))
            .collect()
    }

    /// Job and executor environment (the primary image's too) as `Job`, `run` step
    /// environment as `Step`, secondary images' environment as `Service`.
    pub(crate) fn env_vars(&self) -> Vec<(EnvScope, &EnvVar)> {
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
