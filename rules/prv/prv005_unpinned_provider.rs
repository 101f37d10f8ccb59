use crate::declare_rule;
use crate::model::root_module::{bare_root_provider, root_settings_block};
use crate::model::setting::path_has_segment;
use crate::model::terraform::{TerraformFile, Value};
use crate::rule::{Cx, Rule, Scope};
use crate::rules::support::terraform::{terraform_block_elsewhere, terragrunt_managed, DEMO_DIRS};
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// - An entry of `required_providers` without a `version` constraint (or with an
    ///   empty one), in any module. Any constraint counts (`~> 5.0`, `>= 4.0`, `= 5.31.0`);
    ///   the legacy string form `aws = "~> 5.0"` is a constraint too.
    /// - A root module without `required_version`: reported when the file is the root's
    ///   settings file (it configures a `provider` and holds the `terraform` block with
    ///   `required_providers` or `required_version`), at that `terraform` block. Reusable
    ///   modules (no `provider` block, or under `modules/`) are not asked for one.
    /// - A root module with no `terraform` block at all (a file configures a `provider`,
    ///   outside `modules/`, and no `.tf` file of its directory has a `terraform` block;
    ///   Terragrunt-run directories, examples and tests excepted, as for PRV003):
    ///   nothing is pinned, at the `provider` block.
    ///
    /// A committed `.terraform.lock.hcl` in the module's directory pins every provider
    /// exactly (`terraform init` installs the recorded versions and checksums), so a
    /// `required_providers` entry without `version` is not reported there; the Terraform
    /// version itself is not in the lock file and `required_version` is still asked for.
    ///
    /// Constraints set from variables cannot be known and never fire. Built-in
    /// providers (`terraform.io/builtin/...`) need no version.
    ///
    /// ## Why it matters
    /// Infrastructure as code is only reproducible ("make it easy to spin up multiple
    /// environments") when the same code gives the same plan tomorrow. An unpinned
    /// provider upgrades itself on the next `init` and can change or break resources in
    /// production; an unpinned Terraform lets a newer CLI upgrade the state format under
    /// everyone else's feet.
    ///
    /// ## Bad
    /// ```hcl
    /// terraform {
    ///   required_version = ">= 1.6"
    ///   required_providers {
    ///     aws = {
    ///       source = "hashicorp/aws"
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// terraform {
    ///   required_version = ">= 1.6"
    ///   required_providers {
    ///     aws = {
    ///       source  = "hashicorp/aws"
    ///       version = "~> 5.40"
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Give every provider a `version` constraint (`~> 5.40` in root modules, a lower
    /// bound such as `>= 5.0` in reusable modules), set `required_version` in each root
    /// module, and commit `.terraform.lock.hcl`.
    UnpinnedProvider {
        id: "PRV005",
        name: "unpinned-provider",
        pillar: Prv,
        stage: Seed,
        scope: Scope::File(&[FileKind::Terraform]),
        severity: Warning,
        since: "0.1.0",
        summary: "provider or Terraform version not pinned",
    }
}

/// `.terraform.lock.hcl` beside the file: `terraform init` installs exactly the versions
/// it records.
fn lock_file_committed(cx: &Cx) -> bool {
    let dir = cx.dir();
    cx.file_exists(&if dir.is_empty() {
        ".terraform.lock.hcl".to_string()
    } else {
        format!("{dir}/.terraform.lock.hcl")
    })
}

impl Rule for UnpinnedProvider {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        for tf_block in tf.terraform_blocks() {
            for providers in tf_block.blocks_named("required_providers") {
                for attr in &providers.attributes {
                    let (version, span) = match &attr.value {
                        Value::Object(_) => {
                            let source = attr.value.get("source").and_then(Value::as_str);
                            if source.is_some_and(|s| s.starts_with("terraform.io/builtin/")) {
                                continue;
                            }
                            match attr.value.entry("version") {
                                Some(entry) => (Some(&entry.value), entry.span),
                                None => (None, attr.key_span),
                            }
                        }
                        value @ Value::String(_) => (Some(value), attr.span),
                        _ => continue,
                    };
                    let unpinned = match version {
                        None | Some(Value::Null) => true,
                        Some(v) => v.as_str().is_some_and(|s| s.trim().is_empty()),
                    };
                    // A committed lock file pins every provider of the module exactly.
                    if unpinned && !lock_file_committed(cx) {
                        cx.report(
                            cx.finding(span)
                                .message(format!("provider `{}` has no version constraint", attr.key))
                                .help("add `version = \"~> X.Y\"` (or a lower bound in a reusable module)"),
                        );
                    }
                }
            }
        }
        if let Some(provider) = bare_root_provider(tf, cx.path()) {
            // Examples and test harnesses pin in the root that calls them, if anywhere.
            if !path_has_segment(cx.path(), DEMO_DIRS)
                && !terraform_block_elsewhere(cx)
                && !terragrunt_managed(cx)
            {
                let lock = lock_file_committed(cx);
                cx.report(
                    cx.finding(provider.header_span)
                        .message(if lock {
                            "root module has no `terraform` block: the Terraform version is not pinned (`required_version`); .terraform.lock.hcl pins the providers"
                        } else {
                            "root module has no `terraform` block: neither the Terraform version (`required_version`) nor the providers (`required_providers`) are pinned"
                        })
                        .help("add `terraform { required_version = \"~> 1.9\"  required_providers { aws = { source = \"hashicorp/aws\", version = \"~> 5.0\" } } }`"),
                );
            }
        }
        if let Some(settings) = root_settings_block(tf, cx.path()) {
            if !tf
                .terraform_blocks()
                .any(|b| b.attr("required_version").is_some())
            {
                cx.report(
                    cx.finding(settings.header_span)
                        .message(
                            "root module does not pin the Terraform version (`required_version`)",
                        )
                        .help("add `required_version = \"~> 1.9\"` (or the range your team runs)"),
                );
            }
        }
    }
}
