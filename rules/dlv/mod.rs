//! DLV: deliver (CI, tests, deploys, dependency updates).
pub(crate) mod dlv001_ci_missing;
pub(crate) mod dlv002_ci_runs_no_tests;
pub(crate) mod dlv003_deploy_not_automated;
pub(crate) mod dlv004_iac_not_validated;
pub(crate) mod dlv005_no_dockerignore;
pub(crate) mod dlv006_no_deployment_safety;
pub(crate) mod dlv007_no_dependency_updates;
