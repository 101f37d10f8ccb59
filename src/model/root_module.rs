//! Is this Terraform file the settings file of a root module? File rules see one file, so
//! the answer is per file and deliberately narrow (PRV003, PRV005 rely on it).
//!
//! A file is taken as a root's settings file when it configures a provider (a `provider`
//! block: reusable modules receive providers from their caller) and holds a `terraform`
//! block with `required_providers` or `required_version` (where the version settings, and
//! by convention the `backend`, live). Files under a `modules/` directory are called as
//! modules, never roots. A file with a `provider` block and no `terraform` block at all
//! is a bare root ([`bare_root_provider`]) when no other file of its directory holds a
//! `terraform` block: nothing pins anything there.

use crate::model::setting::path_has_segment;
use crate::model::terraform::{Block, TerraformFile};

/// Directories whose Terraform is a reusable module.
pub(crate) const MODULE_DIRS: &[&str] = &["modules", ".terraform"];

/// The first `terraform` block holding version settings, when the file is a root module's
/// settings file (see the module docs).
pub(crate) fn root_settings_block<'a>(tf: &'a TerraformFile, path: &str) -> Option<&'a Block> {
    if path_has_segment(path, MODULE_DIRS) || tf.providers().next().is_none() {
        return None;
    }
    tf.terraform_blocks().find(|b| {
        b.attr("required_version").is_some()
            || b.blocks_named("required_providers").next().is_some()
    })
}

/// The first `provider` block, when the file configures a provider outside `modules/` and
/// holds no `terraform` block: the least-pinned root module (`provider "aws"` plus
/// resources, nothing else). The rules then look at the module's other files for a
/// `terraform` block before reporting.
pub(crate) fn bare_root_provider<'a>(tf: &'a TerraformFile, path: &str) -> Option<&'a Block> {
    if path_has_segment(path, MODULE_DIRS) || tf.terraform_blocks().next().is_some() {
        return None;
    }
    tf.providers().next()
}

/// Whether some `.tf` text holds a `terraform { ... }` block (a cheap textual test for
/// sibling files; parsing only when the word is there).
pub(crate) fn has_terraform_block(text: &str, path: &str) -> bool {
    text.contains("terraform")
        && crate::model::terraform::parse(text, path)
            .0
            .terraform_blocks()
            .next()
            .is_some()
}

/// The `backend "..."` or `cloud` block of any `terraform` block of the file.
pub(crate) fn state_config(tf: &TerraformFile) -> Option<&Block> {
    tf.terraform_blocks()
        .flat_map(|t| t.blocks.iter())
        .find(|b| b.kind == "backend" || b.kind == "cloud")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::terraform::parse;

    const ROOT: &str = "terraform {\n  required_version = \">= 1.5\"\n}\nprovider \"aws\" {}\n";

    #[test]
    fn roots_need_a_provider_and_version_settings() {
        let (tf, _) = parse(ROOT, "main.tf");
        assert!(root_settings_block(&tf, "live/prod/main.tf").is_some());
        assert!(root_settings_block(&tf, "modules/vpc/main.tf").is_none());
        let (module, _) = parse(
            "terraform {\n  required_version = \">= 1.5\"\n}\n",
            "versions.tf",
        );
        assert!(root_settings_block(&module, "versions.tf").is_none());
        assert!(state_config(&tf).is_none());
        let (with_backend, _) = parse("terraform {\n  backend \"s3\" {}\n}\n", "backend.tf");
        assert_eq!(
            state_config(&with_backend).map(|b| b.labels.clone()),
            Some(vec!["s3".to_string()])
        );
    }
}
