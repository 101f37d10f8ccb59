//! SEC: secure (secrets, network perimeter, encryption, CI hardening).
pub mod sec001_hardcoded_secret;
pub mod sec007_open_admin_port;
pub mod sec014_container_runs_as_root;
pub mod sec018_workflow_injection;
