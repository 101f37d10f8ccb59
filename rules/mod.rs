//! The rule catalogue: one file per rule under its pillar, registered here in
//! ID order. `src/lib.rs` mounts this folder as `crate::rules`.

pub(crate) mod dlv;
pub(crate) mod prv;
pub(crate) mod run;
pub(crate) mod sec;
pub(crate) mod support;

use crate::rule::Rule;

/// Every built-in rule, in ID order (a test checks the order and uniqueness).
pub(crate) fn all() -> Vec<&'static dyn Rule> {
    vec![
        &prv::prv001_iac_missing::IacMissing,
        &prv::prv002_single_environment::SingleEnvironment,
        &prv::prv003_local_terraform_state::LocalTerraformState,
        &prv::prv004_state_backend_unsafe::StateBackendUnsafe,
        &prv::prv005_unpinned_provider::UnpinnedProvider,
        &prv::prv006_unpinned_module_source::UnpinnedModuleSource,
        &prv::prv007_unpinned_base_image::UnpinnedBaseImage,
        &sec::sec001_hardcoded_secret::HardcodedSecret,
        &sec::sec002_provider_static_credentials::ProviderStaticCredentials,
        &sec::sec003_secret_in_image::SecretInImage,
        &sec::sec004_ci_plaintext_secret::CiPlaintextSecret,
        &sec::sec005_committed_sensitive_file::CommittedSensitiveFile,
        &sec::sec006_mfa_not_enforced::MfaNotEnforced,
        &sec::sec007_open_admin_port::OpenAdminPort,
        &sec::sec008_public_database::PublicDatabase,
        &sec::sec009_public_instance::PublicInstance,
        &sec::sec010_no_private_network::NoPrivateNetwork,
        &sec::sec011_unencrypted_storage::UnencryptedStorage,
        &sec::sec012_no_secrets_manager::NoSecretsManager,
        &sec::sec013_no_security_monitoring::NoSecurityMonitoring,
        &sec::sec014_container_runs_as_root::ContainerRunsAsRoot,
        &sec::sec015_remote_script_pipe::RemoteScriptPipe,
        &sec::sec016_unpinned_action::UnpinnedAction,
        &sec::sec017_workflow_permissions::WorkflowPermissions,
        &sec::sec018_workflow_injection::WorkflowInjection,
        &sec::sec019_pull_request_target_checkout::PullRequestTargetCheckout,
        &sec::sec020_iam_wildcard::IamWildcard,
        &sec::sec021_plaintext_listener::PlaintextListener,
        &sec::sec022_ssh_exposed::SshExposed,
        &run::run001_no_error_tracking::NoErrorTracking,
        &run::run002_no_metrics::NoMetrics,
        &run::run003_logs_not_shipped::LogsNotShipped,
        &run::run004_no_alerting::NoAlerting,
        &run::run005_log_retention_unset::LogRetentionUnset,
        &run::run006_no_autoscaling::NoAutoscaling,
        &run::run007_single_az::SingleAz,
        &run::run008_no_health_check::NoHealthCheck,
        &run::run009_backups_disabled::BackupsDisabled,
        &run::run010_scheduler_complexity::SchedulerComplexity,
        &dlv::dlv001_ci_missing::CiMissing,
        &dlv::dlv002_ci_runs_no_tests::CiRunsNoTests,
        &dlv::dlv003_deploy_not_automated::DeployNotAutomated,
        &dlv::dlv004_iac_not_validated::IacNotValidated,
        &dlv::dlv005_no_dockerignore::NoDockerignore,
        &dlv::dlv006_no_deployment_safety::NoDeploymentSafety,
        &dlv::dlv007_no_dependency_updates::NoDependencyUpdates,
    ]
}

/// The talk's order of priority: the low-hanging security fruit (2FA, a private network,
/// no secrets in code, encrypted data, security monitoring), then outsourcing the runtime
/// (logging, metrics, exception tracking, alerting), then infrastructure as code and
/// environments, then delivery. Rules not listed (plugins) come after, by ID. The
/// readiness card orders its next steps by it (through `registry::priority_order`).
pub(crate) const PRIORITY: &[&str] = &[
    // 2FA everywhere
    "SEC006", // private network + bastion
    "SEC010", "SEC007", "SEC008", "SEC009", "SEC022", // no secrets in code
    "SEC001", "SEC002", "SEC003", "SEC004", "SEC005", "SEC012",
    // encrypt sensitive data
    "SEC011", "PRV004", // security monitoring
    "SEC013", // the pipeline's own security
    "SEC018", "SEC019", "SEC020", "SEC014", "SEC015", "SEC016", "SEC017", "SEC021",
    // outsource the runtime: logging, metrics, exception tracking, alerting
    "RUN003", "RUN005", "RUN002", "RUN001", "RUN004", // keeping it up
    "RUN009", "RUN008", "RUN007", "RUN006", "RUN010",
    // infrastructure as code, environments
    "PRV001", "PRV002", "PRV003", "PRV005", "PRV006", "PRV007",
    // write, test, package, deploy
    "DLV001", "DLV002", "DLV003", "DLV004", "DLV005", "DLV006", "DLV007",
];
