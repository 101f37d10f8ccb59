//! The rule catalogue: one file per rule under its pillar, registered here in
//! ID order. `src/lib.rs` mounts this folder as `crate::rules`.

pub mod dlv;
pub mod prv;
pub mod run;
pub mod sec;

use crate::rule::Rule;

/// Every built-in rule, in ID order (a test checks the order and uniqueness).
pub fn all() -> Vec<&'static dyn Rule> {
    vec![
        &prv::prv003_local_terraform_state::LocalTerraformState,
        &prv::prv004_state_backend_unsafe::StateBackendUnsafe,
        &prv::prv005_unpinned_provider::UnpinnedProvider,
        &prv::prv006_unpinned_module_source::UnpinnedModuleSource,
        &prv::prv007_unpinned_base_image::UnpinnedBaseImage,
        &sec::sec001_hardcoded_secret::HardcodedSecret,
        &sec::sec002_provider_static_credentials::ProviderStaticCredentials,
        &sec::sec007_open_admin_port::OpenAdminPort,
        &sec::sec008_public_database::PublicDatabase,
        &sec::sec009_public_instance::PublicInstance,
        &sec::sec011_unencrypted_storage::UnencryptedStorage,
        &sec::sec014_container_runs_as_root::ContainerRunsAsRoot,
        &sec::sec018_workflow_injection::WorkflowInjection,
        &sec::sec020_iam_wildcard::IamWildcard,
        &sec::sec021_plaintext_listener::PlaintextListener,
        &sec::sec022_ssh_exposed::SshExposed,
        &run::run003_logs_not_shipped::LogsNotShipped,
        &run::run005_log_retention_unset::LogRetentionUnset,
        &run::run007_single_az::SingleAz,
        &run::run008_no_health_check::NoHealthCheck,
        &run::run009_backups_disabled::BackupsDisabled,
        &dlv::dlv006_no_deployment_safety::NoDeploymentSafety,
    ]
}
