//! SEC: secure (secrets, network perimeter, encryption, CI hardening).
pub mod sec001_hardcoded_secret;
pub mod sec002_provider_static_credentials;
pub mod sec006_mfa_not_enforced;
pub mod sec007_open_admin_port;
pub mod sec008_public_database;
pub mod sec009_public_instance;
pub mod sec010_no_private_network;
pub mod sec011_unencrypted_storage;
pub mod sec012_no_secrets_manager;
pub mod sec013_no_security_monitoring;
pub mod sec014_container_runs_as_root;
pub mod sec018_workflow_injection;
pub mod sec020_iam_wildcard;
pub mod sec021_plaintext_listener;
pub mod sec022_ssh_exposed;
