//! SEC: secure (secrets, network perimeter, encryption, CI hardening).
pub mod sec001_hardcoded_secret;
pub mod sec002_provider_static_credentials;
pub mod sec007_open_admin_port;
pub mod sec008_public_database;
pub mod sec009_public_instance;
pub mod sec011_unencrypted_storage;
pub mod sec014_container_runs_as_root;
pub mod sec018_workflow_injection;
pub mod sec020_iam_wildcard;
pub mod sec021_plaintext_listener;
pub mod sec022_ssh_exposed;
