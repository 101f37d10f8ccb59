//! PRV: provision (infrastructure as code, environments, pinning).
pub mod prv001_iac_missing;
pub mod prv002_single_environment;
pub mod prv007_unpinned_base_image;
