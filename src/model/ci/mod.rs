//! Typed, span-carrying views of CI configurations (GitHub Actions workflows and composite
//! actions, GitLab CI, CircleCI), built from the YAML tree of [`crate::parse::yaml`].
//!
//! The views keep only what rules read: triggers, permissions, jobs, steps, scripts,
//! environment variables, images and services. Every value carries the span of its YAML
//! node. Aliases are followed and merge keys (`<<`) honoured; a value reached through an
//! alias carries the span of the anchored text. Shapes that do not match the schema are
//! skipped, never an error: the views are for linting, not validation.

mod circleci;
mod github;
mod gitlab;
#[cfg(test)]
mod tests;

pub(crate) use circleci::Circleci;
pub(crate) use github::{
    Action, Job, Permissions, PermissionsValue, Step, StepOwner, Uses, UsesTarget, Workflow,
};
pub(crate) use gitlab::GitlabCi;

use crate::parse::yaml::{Node, YamlDocument};
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

#[cfg(test)]
/// A command run by CI, whichever CI it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CiCommand {
    /// The job (or action / reusable command) that runs it.
    pub job: String,
    pub text: String,
    pub span: Span,
}

/// Where an [`EnvVar`] was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum EnvScope {
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
// Any CI

/// A CI file's view, for rules that do not care which CI it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CiModel {
    Workflow(Workflow),
    Action(Action),
    Gitlab(GitlabCi),
    Circleci(Circleci),
}

impl CiModel {
    /// Builds the view for a YAML CI file kind from its documents (the first document for
    /// GitHub and CircleCI; GitLab combines documents). `None` for other kinds and for a
    /// stream without documents.
    pub(crate) fn from_documents(kind: FileKind, docs: &[YamlDocument]) -> Option<CiModel> {
        let first = docs.first()?;
        match kind {
            FileKind::GithubWorkflow => Some(CiModel::Workflow(Workflow::from_document(first))),
            FileKind::GithubAction => Some(CiModel::Action(Action::from_document(first))),
            FileKind::GitlabCi => Some(CiModel::Gitlab(GitlabCi::from_documents(docs))),
            FileKind::Circleci => Some(CiModel::Circleci(Circleci::from_document(first))),
            _ => None,
        }
    }

    #[cfg(test)]
    pub(crate) fn commands(&self) -> Vec<CiCommand> {
        match self {
            CiModel::Workflow(w) => w.commands(),
            CiModel::Action(a) => a.commands(),
            CiModel::Gitlab(g) => g.commands(),
            CiModel::Circleci(c) => c.commands(),
        }
    }

    #[cfg(test)]
    pub(crate) fn env_vars(&self) -> Vec<(EnvScope, &EnvVar)> {
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

#[cfg(test)]
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
