//! PRV: provision (infrastructure as code, environments, pinning).
pub(crate) mod prv001_iac_missing;
pub(crate) mod prv002_single_environment;
pub(crate) mod prv003_local_terraform_state;
pub(crate) mod prv004_state_backend_unsafe;
pub(crate) mod prv005_unpinned_provider;
pub(crate) mod prv006_unpinned_module_source;
pub(crate) mod prv007_unpinned_base_image;
