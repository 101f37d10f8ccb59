//! SEC: secure (secrets, network perimeter, encryption, CI hardening).
pub mod sec001_hardcoded_secret;
pub mod sec006_mfa_not_enforced;
pub mod sec007_open_admin_port;
pub mod sec010_no_private_network;
pub mod sec012_no_secrets_manager;
pub mod sec013_no_security_monitoring;
pub mod sec014_container_runs_as_root;
pub mod sec018_workflow_injection;
