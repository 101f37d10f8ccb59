//! DLV: deliver (CI, tests, deploys, dependency updates).
pub mod dlv001_ci_missing;
pub mod dlv002_ci_runs_no_tests;
pub mod dlv003_deploy_not_automated;
pub mod dlv004_iac_not_validated;
pub mod dlv005_no_dockerignore;
pub mod dlv006_no_deployment_safety;
pub mod dlv007_no_dependency_updates;
