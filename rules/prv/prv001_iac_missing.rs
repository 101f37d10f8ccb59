use crate::declare_rule;
use crate::facts::{is_auxiliary, kubernetes, RepoFacts};
use crate::rule::{Outcome, RepoCx, Rule, Scope};

declare_rule! {
    /// ## What it checks
    /// Something is deployed from the repository (a Procfile or platform config such
    /// as fly.toml, a deploy step in CI, or a
    /// Dockerfile or compose file of an application built on a web or service
    /// framework: express, django, rails, spring-boot, gin, ...) but no
    /// infrastructure-as-code exists anywhere outside examples and tests. A Dockerfile
    /// with nothing else to show that this team runs it (a tool or product that
    /// publishes images for others) gives an inconclusive outcome.
    ///
    /// Infrastructure-as-code (`IAC_TOOLS`): Terraform/OpenTofu (`*.tf`, `*.tf.json`,
    /// `*.tofu`), Terragrunt (`terragrunt.hcl`), Pulumi (`Pulumi.yaml`),
    /// CloudFormation and SAM templates, AWS CDK (`cdk.json`), the Serverless
    /// Framework (`serverless.yml`) and Nomad job files (`*.nomad`, `*.nomad.hcl`).
    ///
    /// A Helm chart (`Chart.yaml`) or Kubernetes manifests are themselves
    /// infrastructure-as-code for the workloads they declare, so they pass: a chart
    /// published for others to install, or manifests applied to a cluster run by someone
    /// else, have no account of their own to describe.
    ///
    /// The finding points at what shows the deployment (the Dockerfile's final
    /// `FROM`, the first compose service, the CI step). When nothing is deployed
    /// (a library, a module collection, docs, a template) the rule does not apply.
    ///
    /// Deployment files in 8 or more top-level folders with no CI deploy step and
    /// no infrastructure-as-code that deploys them are a collection of examples:
    /// inconclusive, with that reason on the card (a monorepo that something deploys is
    /// judged like any repo).
    ///
    /// ## Why it matters
    /// The talk: "make it easy to spin up multiple environments (prod, stage, dev):
    /// Terraform, infrastructure-as-code". Infrastructure clicked together in a
    /// console cannot be reviewed, reproduced for staging, or rebuilt after an
    /// accident, and it lives in one person's memory.
    ///
    /// ## Bad
    /// ```dockerfile
    /// # file: Dockerfile
    /// FROM python:3.12-slim
    /// CMD ["gunicorn", "app:app"]
    /// # file: requirements.txt
    /// flask==3.0.3
    /// gunicorn==22.0.0
    /// ```
    ///
    /// ## Good
    /// ```dockerfile
    /// # file: Dockerfile
    /// FROM python:3.12-slim
    /// CMD ["gunicorn", "app:app"]
    /// # file: requirements.txt
    /// flask==3.0.3
    /// gunicorn==22.0.0
    /// # file: infra/main.tf
    /// resource "aws_ecs_cluster" "main" {
    ///   name = "app"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Describe the infrastructure the app runs on (network, cluster or platform
    /// app, database, DNS) in Terraform or OpenTofu, kept in the repo next to the
    /// code, and apply it from CI.
    IacMissing {
        id: "PRV001",
        name: "iac-missing",
        pillar: Prv,
        stage: Seed,
        scope: Scope::Repo,
        severity: Warning,
        since: "0.1.0",
        summary: "the app is deployed but there is no infrastructure-as-code",
        precision: Medium,
    }
}

#[cfg(test)]
/// What counts as infrastructure-as-code (see `facts::RepoFacts::iac`).
pub(crate) const IAC_TOOLS: &[&str] = &[
    "terraform",
    "terragrunt",
    "pulumi",
    "cloudformation",
    "sam",
    "cdk",
    "serverless",
    "nomad",
];

impl Rule for IacMissing {
    fn check_repo(&self, facts: &RepoFacts, cx: &mut RepoCx) -> Outcome {
        if let Some((tool, path)) = facts.iac().into_iter().next() {
            cx.detail(format!("{tool} ({path})"));
            return Outcome::Pass;
        }
        // A Helm chart or Kubernetes manifests declare the deployment as code: the
        // cluster they run on is the operator's (and a chart published for others has
        // no account of its own).
        if let Some((what, path)) = declared_workloads(facts) {
            cx.detail(format!("{what} ({path}) describing the deployment as code"));
            return Outcome::Pass;
        }
        if let Some(why) = facts.example_collection() {
            return Outcome::Inconclusive(why);
        }
        let Some((what, location)) = facts.deployed() else {
            if let Some((image, _)) = facts.image_only() {
                return Outcome::Inconclusive(format!(
                    "{image} builds an image, but nothing shows this team deploys it (no platform \
                     config, Kubernetes, CI deploy step or web/service framework): it may be \
                     published for others to run"
                ));
            }
            cx.detail("nothing is deployed from this repo");
            return Outcome::NotApplicable;
        };
        cx.report_at(
            &location,
            format!(
                "{what} shows the app is deployed, but no infrastructure-as-code was found: looked for \
                 Terraform/OpenTofu (*.tf, *.tofu), terragrunt.hcl, Pulumi.yaml, CloudFormation/SAM \
                 templates, cdk.json, serverless.yml and Nomad job files"
            ),
        );
        Outcome::Fail
    }
}

/// A Helm chart or Kubernetes objects (Kubernetes' own kinds) outside examples and tests.
fn declared_workloads(facts: &RepoFacts) -> Option<(&'static str, String)> {
    if let Some(chart) = facts
        .tools
        .iter()
        .find(|t| t.kind == "helm-chart" && !is_auxiliary(&t.path))
    {
        return Some(("a Helm chart", chart.path.clone()));
    }
    facts
        .kubernetes
        .iter()
        .find(|o| !is_auxiliary(&o.path) && kubernetes::is_core_kind(&o.kind))
        .map(|o| ("Kubernetes manifests", o.path.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_is_documented() {
        let docs = IacMissing::META.docs_folded().to_ascii_lowercase();
        for t in IAC_TOOLS {
            assert!(docs.contains(t), "PRV001 docs do not mention {t}");
        }
    }
}
