use crate::declare_rule;
use crate::model::root_module::{bare_root_provider, root_settings_block, state_config};
use crate::model::setting::path_has_segment;
use crate::model::terraform::TerraformFile;
use crate::rule::{Cx, Rule, Scope, Severity};
use crate::rules::support::terraform::{
    terraform_block_elsewhere, terragrunt_managed, DEMO_DIRS, MAX_MODULE_FILES,
};
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// Terraform state that lives on one machine:
    ///
    /// - a root module with no `backend` (nor HCP Terraform `cloud` block), or with
    ///   `backend "local"`, so `terraform apply` writes `terraform.tfstate` next to the code;
    /// - a state file (`*.tfstate`, `*.tfstate.backup`) in the tree, at line 1 (an error:
    ///   state files hold every secret Terraform knows, in plain text).
    ///
    /// The linter reads one file at a time, so a root module is recognised by its settings
    /// file: a file that configures a provider (a `provider` block; reusable modules get
    /// their providers from the caller) and holds the `terraform` block with
    /// `required_providers` or `required_version`. The finding points at that `terraform`
    /// block. A file that configures a provider and has no `terraform` block, in a
    /// directory where no other `.tf` file has one either (`provider "aws"` plus
    /// resources, the least-pinned setup), is a root too: the finding points at its
    /// `provider` block. A backend in another `.tf` file of the same directory (`backend.tf`) counts,
    /// and so does a `terragrunt.hcl` in the module's directory or above it, or a Terragrunt
    /// `root.hcl` above it (Terragrunt generates the backend). Code under `modules/` (called as a module),
    /// `examples/`, `example/`, `test/`, `tests/`, `testdata/` and `fixtures/` (demos and
    /// test harnesses, local state by design) is not checked; neither is `.terraform/`
    /// (whose `terraform.tfstate` is the backend cache, not state).
    ///
    /// ## Why it matters
    /// The talk's Provision step is infrastructure as code that anyone on the team can
    /// run. With local state only the laptop that ran the last `apply` knows what exists;
    /// a second person (or CI) plans against nothing and duplicates or destroys resources,
    /// and a lost laptop loses the map of production. A committed state file is worse:
    /// it leaks database passwords and keys to everyone with read access to the repo.
    ///
    /// ## Bad
    /// ```hcl
    /// terraform {
    ///   required_version = ">= 1.6"
    ///   required_providers {
    ///     aws = { source = "hashicorp/aws", version = "~> 5.0" }
    ///   }
    /// }
    ///
    /// provider "aws" {
    ///   region = "eu-west-1"
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// terraform {
    ///   required_version = ">= 1.6"
    ///   required_providers {
    ///     aws = { source = "hashicorp/aws", version = "~> 5.0" }
    ///   }
    ///   backend "s3" {
    ///     bucket       = "acme-terraform-state"
    ///     key          = "prod/app.tfstate"
    ///     region       = "eu-west-1"
    ///     encrypt      = true
    ///     use_lockfile = true
    ///   }
    /// }
    ///
    /// provider "aws" {
    ///   region = "eu-west-1"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add a remote backend (`s3` with `encrypt` and locking, `gcs`, `azurerm`, or a
    /// `cloud` block), run `terraform init -migrate-state`, then delete any `*.tfstate`
    /// file from the repository (and its history) and rotate the secrets it held. Add
    /// `*.tfstate*` and `.terraform/` to `.gitignore`.
    LocalTerraformState {
        id: "PRV003",
        name: "local-terraform-state",
        pillar: Prv,
        stage: Seed,
        scope: Scope::File(&[FileKind::Terraform, FileKind::Text]),
        severity: Warning,
        since: "0.1.0",
        summary: "Terraform state kept on local disk",
    }
}

fn is_state_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    (name.ends_with(".tfstate") || name.ends_with(".tfstate.backup"))
        && !path_has_segment(path, &[".terraform"])
}

impl Rule for LocalTerraformState {
    fn check_text(&self, cx: &mut Cx) {
        if !is_state_file(cx.path()) {
            return;
        }
        let span = cx.file.first_line_span();
        cx.report(
            cx.finding(span)
                .severity(Severity::Error)
                .message("Terraform state file committed to the repository")
                .help("move state to a remote backend, delete this file from the repo and its history, and rotate the secrets it holds"),
        );
    }

    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        if path_has_segment(cx.path(), DEMO_DIRS) {
            return;
        }
        if let Some(backend) = state_config(tf) {
            if backend.kind == "backend"
                && backend.labels.first().map(String::as_str) == Some("local")
            {
                cx.report(
                    cx.finding(backend.header_span)
                        .message("`backend \"local\"` keeps Terraform state on this machine")
                        .help("use a remote backend (s3 with encryption and locking, gcs, azurerm) or HCP Terraform"),
                );
            }
            return;
        }
        let Some(settings) = root_settings_block(tf, cx.path()) else {
            // `provider "aws"` plus resources with no `terraform` block anywhere in the
            // module: a root with local state.
            if let Some(provider) = bare_root_provider(tf, cx.path()) {
                if !terraform_block_elsewhere(cx) && !backend_elsewhere_in_module(cx) {
                    cx.report(
                        cx.finding(provider.header_span)
                            .message("root module (a configured provider, no `terraform` block) declares no backend: state stays in a local terraform.tfstate")
                            .help("add a `terraform` block with a remote backend (s3 with encrypt and use_lockfile, gcs, azurerm) or a cloud block"),
                    );
                }
            }
            return;
        };
        if backend_elsewhere_in_module(cx) {
            return;
        }
        let mut finding = cx
            .finding(settings.header_span)
            .message("root module declares no backend: state stays in a local terraform.tfstate")
            .help("add a remote backend to this terraform block (s3 with encrypt and use_lockfile, gcs, azurerm) or a cloud block");
        if let Some(provider) = tf.providers().next() {
            finding = finding.label(
                provider.header_span,
                "provider configured here: a root module",
            );
        }
        cx.report(finding);
    }
}

/// Whether another `.tf` file of the same directory configures the state
/// (`backend.tf` is a common layout), or Terragrunt generates the backend.
fn backend_elsewhere_in_module(cx: &Cx) -> bool {
    terragrunt_managed(cx)
        || cx
            .sibling_texts(".tf", MAX_MODULE_FILES)
            .iter()
            .any(|(path, text)| {
                // Parse only files that can hold one (`cloud` alone matches every `cloudwatch`).
                let may_configure_state = text.contains("terraform")
                    && (text.contains("backend")
                        || text.contains("cloud {")
                        || text.contains("cloud{"));
                may_configure_state
                    && state_config(&crate::model::terraform::parse(text, path).0).is_some()
            })
}
