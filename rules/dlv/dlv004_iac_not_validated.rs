use std::sync::LazyLock;

use regex::Regex;

use crate::declare_rule;
use crate::facts::{is_auxiliary, RepoFacts};
use crate::rule::{Outcome, RepoCx, Rule, Scope};
use crate::rules::support::commands::find_ci_step;

declare_rule! {
    /// ## What it checks
    /// The repository holds Terraform/OpenTofu (or Terragrunt) outside examples and
    /// tests, CI is configured, but no CI job checks it: no `fmt -check`,
    /// `validate`, `plan` or `test`, and no IaC linter or scanner.
    ///
    /// Validation commands (`VALIDATE_COMMANDS`): `terraform`/`tofu` `fmt`,
    /// `validate`, `plan`, `test`; `terragrunt` `plan`, `validate`, `hclfmt`,
    /// `run-all plan`; `tflint`, `tfsec`, `checkov`, `trivy config`, `terrascan`,
    /// `kics scan`, `conftest`, `devops-lint`; the pre-commit-terraform hooks
    /// (`terraform_fmt`, `terraform_validate`, `terraform_tflint`, `terraform_tfsec`,
    /// `terraform_checkov`, `terraform_trivy`, `terragrunt_validate`, `tofu_*`) when CI
    /// runs pre-commit. Actions (`VALIDATE_USES`): terraform-linters/setup-tflint,
    /// bridgecrewio/checkov-action, aquasecurity/tfsec-action,
    /// aquasecurity/trivy-action, dflook/terraform-plan, dflook/terraform-validate,
    /// dflook/terraform-fmt-check, tfc-workflows create-run/plan, and
    /// terraform-composite-actions/pre-commit. An `atlantis.yaml` counts: Atlantis
    /// plans every pull request.
    ///
    /// Commands are followed into make targets, package scripts and scripts of the
    /// repo. The finding points at line 1 of the main CI file (the one that runs the
    /// most commands). Without CI the rule does not apply (DLV001 reports that). Plans run by
    /// Terraform Cloud's VCS integration cannot be seen from the repo: attest them
    /// (`[attest] DLV004 = { reason = "enforced-elsewhere", note = "..." }`).
    ///
    /// ## Why it matters
    /// The talk asks for infrastructure as code so every environment can be spun up
    /// the same way. Code that is never formatted, validated or planned before it is
    /// merged breaks at apply time, in production, when the one person who
    /// understands it is on holiday.
    ///
    /// ## Bad
    /// ```yaml
    /// # file: .github/workflows/ci.yml
    /// on: push
    /// jobs:
    ///   build:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - run: npm test
    /// # file: infra/main.tf
    /// provider "aws" {
    ///   region = "eu-west-1"
    /// }
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// # file: .github/workflows/ci.yml
    /// on: pull_request
    /// jobs:
    ///   terraform:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - run: terraform -chdir=infra fmt -check -recursive
    ///       - run: terraform -chdir=infra init -backend=false && terraform -chdir=infra validate
    /// # file: infra/main.tf
    /// provider "aws" {
    ///   region = "eu-west-1"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Run `terraform fmt -check` and `terraform validate` (and `tflint`) on every
    /// pull request, and `terraform plan` with its output posted for review.
    IacNotValidated {
        id: "DLV004",
        name: "iac-not-validated",
        pillar: Dlv,
        stage: Growth,
        scope: Scope::Repo,
        severity: Note,
        since: "0.1.0",
        summary: "CI never validates the infrastructure code",
        precision: Medium,
    }
}

/// Validation commands: (what, pattern on one simple command, lower case).
pub(crate) const VALIDATE_COMMANDS: &[(&str, &str)] = &[
    (
        "terraform fmt/validate/plan/test",
        r"^(terraform|tofu)\b.*\b(fmt|validate|plan|test)\b",
    ),
    (
        "terragrunt plan/validate/hclfmt",
        r"^terragrunt\b.*\b(plan|validate|hclfmt|validate-inputs)\b",
    ),
    (
        "tflint/tfsec/checkov/terrascan",
        r"^(tflint|tfsec|checkov|terrascan|conftest|devops-lint)\b",
    ),
    ("trivy config", r"^trivy\s+(config|fs|conf)\b"),
    ("kics scan", r"^kics\s+scan\b"),
    (
        "pre-commit-terraform hooks",
        r"^pre-commit hook (terraform_|tofu_|terragrunt_|tflint|checkov|tfsec|trivy)",
    ),
];

/// Validation actions (fragments of `uses:`).
pub(crate) const VALIDATE_USES: &[&str] = &[
    "terraform-linters/setup-tflint",
    "bridgecrewio/checkov-action",
    "aquasecurity/tfsec-action",
    "aquasecurity/trivy-action",
    "dflook/terraform-plan",
    "dflook/terraform-validate",
    "dflook/terraform-fmt-check",
    "tfc-workflows-github/actions/create-run",
    "tfc-workflows-github/actions/plan",
    "terraform-composite-actions/pre-commit",
];

static PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    VALIDATE_COMMANDS
        .iter()
        .map(|(_, re)| Regex::new(re).expect("valid validation pattern"))
        .collect()
});

pub(crate) fn is_validation(cmd: &str) -> bool {
    let lower = cmd.trim().to_ascii_lowercase();
    PATTERNS.iter().any(|re| re.is_match(&lower))
}

impl Rule for IacNotValidated {
    fn check_repo(&self, facts: &RepoFacts, cx: &mut RepoCx) -> Outcome {
        let tf = &facts.terraform;
        let terraform = tf
            .dirs
            .iter()
            .map(|d| format!("{d}/x.tf"))
            .chain(tf.terragrunt.iter().cloned())
            .find(|p| !is_auxiliary(p));
        if terraform.is_none() {
            cx.detail("no Terraform/OpenTofu outside examples and tests");
            return Outcome::NotApplicable;
        }
        let Some(file) = facts.ci.main_pipeline() else {
            cx.detail("no CI configuration (DLV001 reports it)");
            return Outcome::NotApplicable;
        };
        if let Some(t) = facts.tools_of(&["atlantis"]).next() {
            cx.detail(format!("Atlantis ({})", t.path));
            return Outcome::Pass;
        }
        if let Err(outcome) = find_ci_step(
            facts,
            cx,
            is_validation,
            VALIDATE_USES,
            "no Terraform check found",
        ) {
            return outcome;
        }
        let dirs = tf
            .dirs
            .iter()
            .filter(|d| !is_auxiliary(&format!("{d}/x.tf")))
            .count();
        cx.report_at(
            &file.location,
            format!(
                "Terraform in {dirs} director{} is never checked in CI: no terraform fmt/validate/plan, \
                 tflint, tfsec, checkov or trivy config in any CI job",
                if dirs == 1 { "y" } else { "ies" }
            ),
        );
        Outcome::Fail
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_commands() {
        for yes in [
            "terraform fmt -check -recursive",
            "terraform -chdir=infra validate",
            "tofu plan -out=tfplan",
            "terragrunt run-all plan",
            "tflint --recursive",
            "checkov -d .",
            "trivy config .",
            "pre-commit hook terraform_fmt",
        ] {
            assert!(is_validation(yes), "{yes}");
        }
        for no in [
            "terraform init",
            "terraform apply -auto-approve",
            "pre-commit hook end-of-file-fixer",
        ] {
            assert!(!is_validation(no), "{no}");
        }
    }

    #[test]
    fn the_table_is_documented() {
        let docs = IacNotValidated::META.docs_folded();
        for (what, _) in VALIDATE_COMMANDS {
            for part in what.split(['/', ' ']) {
                if part != "hooks" {
                    assert!(docs.contains(part), "DLV004 docs do not mention `{part}`");
                }
            }
        }
        for u in VALIDATE_USES {
            let tail = u.rsplit('/').next().unwrap_or(u);
            assert!(docs.contains(tail), "DLV004 docs do not mention `{u}`");
        }
    }
}
