//! Where a Terraform file sits in its module: directories of demo modules, the
//! module's other files, Terragrunt. PRV003 (local state) and PRV005 (unpinned
//! provider) ask the same questions.

use crate::model::root_module::has_terraform_block;
use crate::rule::Cx;

/// Directories whose root modules use local state on purpose.
pub(crate) const DEMO_DIRS: &[&str] = &[
    "modules",
    "examples",
    "example",
    "test",
    "tests",
    "testdata",
    "fixtures",
    ".terraform",
];

/// A module of more files than this is not searched for its backend (bounds the
/// work a hostile directory can cause); the finding then stands.
pub(crate) const MAX_MODULE_FILES: usize = 200;

/// Whether another `.tf` file of the module holds a `terraform` block (the root's settings
/// file, checked there).
pub(crate) fn terraform_block_elsewhere(cx: &Cx) -> bool {
    cx.sibling_texts(".tf", MAX_MODULE_FILES)
        .iter()
        .any(|(path, text)| has_terraform_block(text, path))
}

/// Terragrunt runs this module: a `terragrunt.hcl` here or above, or its root config
/// `root.hcl` above (it generates the backend and often the version settings).
pub(crate) fn terragrunt_managed(cx: &Cx) -> bool {
    let mut dir = Some(cx.dir());
    while let Some(d) = dir {
        let at = |name: &str| {
            if d.is_empty() {
                name.to_string()
            } else {
                format!("{d}/{name}")
            }
        };
        if cx.file_exists(&at("terragrunt.hcl")) || cx.file_exists(&at("root.hcl")) {
            return true;
        }
        dir = (!d.is_empty()).then(|| d.rsplit_once('/').map_or("", |(parent, _)| parent));
    }
    false
}
