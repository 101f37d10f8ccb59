//! DLV: deliver (CI, tests, deploys, dependency updates).
pub mod dlv005_no_dockerignore;
pub mod dlv006_no_deployment_safety;
