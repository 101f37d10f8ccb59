//! DLV: deliver (CI, tests, deploys, dependency updates).
pub mod dlv006_no_deployment_safety;
