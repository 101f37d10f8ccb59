//! DLV: deliver (CI, tests, deploys, dependency updates).
pub mod dlv005_no_dockerignore;
