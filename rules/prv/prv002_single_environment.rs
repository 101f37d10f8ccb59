use crate::declare_rule;
use crate::facts::environments::canonical;
use crate::facts::{is_auxiliary, RepoFacts};
use crate::rule::{Outcome, RepoCx, Rule, Scope};

declare_rule! {
    /// ## What it checks
    /// Infrastructure-as-code exists but only one environment can be spun up from
    /// it. Environments are recognised from:
    /// - per-environment directories at any depth: a directory named for an environment
    ///   (`prod`/`production`, `stage`/`staging`, `dev`/`development`, `qa`, `test`,
    ///   `sandbox`, `preview`, `uat`, `preprod`, `non-prod`/`nonprod`, also as the first or
    ///   last part of a name such as `prod-eu`), typically under `envs/`, `environments/`,
    ///   `live/` or `stacks/`, holding Terraform or Terragrunt files (`test` counts only
    ///   under such a folder). In an account/region/environment layout
    ///   (`non-prod/us-east-1/qa/mysql/terragrunt.hcl`) the deepest such directory is the
    ///   environment (`qa`), the account above it a grouping; `non-prod`, `nonprod`,
    ///   `preprod` are never production although they contain "prod";
    /// - per-environment `*.tfvars` (`prod.tfvars`, `staging.auto.tfvars`) and backend
    ///   configs (`prod.tfbackend`, `backend-prod.hcl`);
    /// - `terraform.workspace` used anywhere (one configuration, one workspace per
    ///   environment);
    /// - Pulumi stack files (`Pulumi.<stack>.yaml`);
    /// - Helm values per environment (`values-prod.yaml`, `values.staging.yaml`) and
    ///   Kubernetes overlays or manifests per environment (`overlays/prod/kustomization.yaml`);
    /// - CI deployment environments with a recognised name (`environment: staging` on a
    ///   job): the pipeline applies the same code per environment.
    ///
    /// Fewer than two distinct environments fails, at the root module (its
    /// `provider` or `backend` block). A configuration that takes a `variable
    /// "environment"` (or `env`, `stage`) but names fewer than two environments is
    /// inconclusive: the values may come from CI. So is IaC whose environments are
    /// chosen at deploy time (CloudFormation parameters, CDK or `serverless --stage`). A
    /// library of reusable Terraform modules (no root module outside examples and
    /// tests) leaves environments to its callers: not applicable. A Helm chart or
    /// Kubernetes manifests without Terraform or other IaC are not checked here (no
    /// infrastructure-as-code in PRV001's sense of a provider and an account).
    /// (Environment-like variable names: `environment`, `env`, `stage`, anything
    /// containing `environment`, or ending in `_env`.)
    ///
    /// ## Why it matters
    /// The talk's provisioning advice: "make it easy to spin up multiple
    /// environments (prod, stage, dev)". With a single environment every change is
    /// tested in production, and a second environment later means untangling
    /// hard-coded names.
    ///
    /// ## Bad
    /// ```hcl
    /// # file: infra/main.tf
    /// terraform {
    ///   backend "s3" {}
    /// }
    /// provider "aws" {
    ///   region = "eu-west-1"
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// # file: infra/envs/prod/main.tf
    /// module "app" {
    ///   source = "../../modules/app"
    /// }
    /// provider "aws" {
    ///   region = "eu-west-1"
    /// }
    /// # file: infra/envs/staging/main.tf
    /// module "app" {
    ///   source = "../../modules/app"
    /// }
    /// provider "aws" {
    ///   region = "eu-west-1"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Put the infrastructure in a module and instantiate it once per environment
    /// (`envs/prod`, `envs/staging`), or drive one configuration with
    /// per-environment tfvars or workspaces.
    SingleEnvironment {
        id: "PRV002",
        name: "single-environment",
        pillar: Prv,
        stage: Seed,
        scope: Scope::Repo,
        severity: Warning,
        since: "0.1.0",
        summary: "infrastructure code can spin up only one environment",
        precision: Medium,
    }
}

/// Variable names that parameterise a configuration by environment.
fn is_env_variable(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ENV_VARIABLES.contains(&lower.as_str())
        || lower.contains("environment")
        || lower.ends_with("_env")
        || lower.starts_with("env_")
}

const ENV_VARIABLES: &[&str] = &[
    "environment",
    "env",
    "stage",
    "environment_name",
    "env_name",
    "stage_name",
];

impl Rule for SingleEnvironment {
    fn check_repo(&self, facts: &RepoFacts, cx: &mut RepoCx) -> Outcome {
        let iac = facts.iac();
        if iac.is_empty() {
            cx.detail("no infrastructure-as-code");
            return Outcome::NotApplicable;
        }
        let has_terraform_roots = !facts.terraform_roots().is_empty();
        let other_iac: Vec<&(String, String)> = iac
            .iter()
            .filter(|(tool, _)| tool != "terraform" && tool != "terragrunt")
            .collect();
        if facts.is_module_library() && other_iac.is_empty() {
            cx.detail("reusable Terraform modules only: environments are the callers' choice");
            return Outcome::NotApplicable;
        }
        if let Some(w) = facts
            .terraform
            .workspace_refs
            .iter()
            .find(|l| !is_auxiliary(&l.path))
        {
            cx.detail(format!(
                "terraform.workspace used at {}",
                crate::facts::loc_string(w)
            ));
            return Outcome::Pass;
        }
        // A CI deployment environment counts when it has a recognised name: the same
        // infrastructure code is applied per environment from the pipeline.
        let envs: Vec<String> = facts
            .environments
            .iter()
            .filter(|e| {
                e.declared_in_iac() || canonical(&e.name).is_some() || e.name == "non-production"
            })
            .map(|e| {
                let ev = e
                    .evidence
                    .iter()
                    .find(|ev| ev.kind != "ci")
                    .or_else(|| e.evidence.first())
                    .map(|ev| format!("{} {}", ev.kind, ev.detail));
                format!("{} ({})", e.name, ev.unwrap_or_default())
            })
            .collect();
        if envs.len() >= 2 {
            cx.detail(envs.join(", "));
            return Outcome::Pass;
        }
        let found = match envs.first() {
            Some(one) => format!("only one environment: {one}"),
            None => "no named environment".to_string(),
        };
        let roots = facts.terraform_roots();
        let parameterised = facts.terraform.variables.iter().find(|v| {
            !is_auxiliary(&v.path)
                && is_env_variable(&v.name)
                && roots.iter().any(|r| crate::facts::dir_of(&v.path) == r)
        });
        if let Some(v) = parameterised {
            return Outcome::Inconclusive(format!(
                "{found}, but the root module takes variable \"{}\" ({}): its values may come from CI",
                v.name,
                crate::facts::loc_string(&v.location)
            ));
        }
        if !has_terraform_roots && other_iac.is_empty() {
            return Outcome::Inconclusive(format!(
                "{found}, and no Terraform root module (provider block, backend or Terragrunt): \
                 the configuration may be a module its callers instantiate once per environment"
            ));
        }
        if !has_terraform_roots {
            let tools: Vec<&str> = other_iac.iter().map(|(t, _)| t.as_str()).collect();
            return Outcome::Inconclusive(format!(
                "{found} in the files; {} choose environments at deploy time (parameters, stacks, --stage)",
                tools.join(", ")
            ));
        }
        let location = facts
            .terraform
            .backends
            .iter()
            .map(|b| &b.location)
            .chain(facts.terraform.providers.iter().map(|p| &p.location))
            .find(|l| !is_auxiliary(&l.path))
            .cloned();
        let message = format!(
            "the infrastructure code can spin up {found}: looked for per-environment directories \
             (envs/, environments/, live/, stacks/ with prod, staging, dev, ...), per-environment \
             *.tfvars, terraform.workspace, Terragrunt layouts and Pulumi stacks"
        );
        match location {
            Some(l) => cx.report_at(&l, message),
            None => cx.report_root(message),
        }
        Outcome::Fail
    }
}
