//! PRV: provision (infrastructure as code, environments, pinning).
pub mod prv001_iac_missing;
pub mod prv002_single_environment;
pub mod prv003_local_terraform_state;
pub mod prv004_state_backend_unsafe;
pub mod prv005_unpinned_provider;
pub mod prv006_unpinned_module_source;
pub mod prv007_unpinned_base_image;
