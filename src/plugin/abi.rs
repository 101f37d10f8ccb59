//! Host bindings generated from `wit/plugin.wit` (the `devops-lint:plugin@0.1.0` package).

wasmtime::component::bindgen!({
    path: "wit",
    world: "plugin",
});

pub(crate) use exports::devops_lint::plugin::rules as wit;

/// The interface a plugin must export, without its version.
pub(crate) const INTERFACE: &str = "devops-lint:plugin/rules";

/// The API version this host implements.
pub(crate) const API_VERSION: (u64, u64, u64) = (0, 1, 0);

pub(crate) fn api_version_string() -> String {
    let (major, minor, patch) = API_VERSION;
    format!("{major}.{minor}.{patch}")
}
