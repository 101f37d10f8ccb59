//! PRV: provision (infrastructure as code, environments, pinning).
pub mod prv007_unpinned_base_image;
