//! Compiled components, cached in memory (per process) and on disk.
//!
//! The disk key is the wasm's SHA-256, the wasmtime version and the engine's
//! compatibility hash, so an entry only ever loads into an engine that can run
//! it. Entries are written atomically (a temporary file, then a rename). Any
//! entry that cannot be read or deserialized is a miss, and a cache directory
//! that cannot be written is not an error: the plugin is just compiled again
//! next time.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use wasmtime::component::Component;
use wasmtime::Engine;

/// The pinned wasmtime version (Cargo.toml says `=48.0.8`); part of the cache key.
pub(crate) const WASMTIME_VERSION: &str = "48.0.8";

/// Where a component came from, for `plugins warm` and the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Already compiled in this process.
    Memory,
    /// Deserialized from the disk cache.
    Disk,
    /// Compiled now (and written to the disk cache when possible).
    Compiled,
}

impl Source {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Source::Memory => "memory",
            Source::Disk => "disk cache",
            Source::Compiled => "compiled",
        }
    }
}

pub struct Loaded {
    pub component: Component,
    pub sha256: String,
    pub source: Source,
    pub elapsed: Duration,
}

static COMPILING: Mutex<()> = Mutex::new(());

static MEMORY: LazyLock<Mutex<HashMap<String, Component>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The default cache directory: `$DEVOPS_LINT_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/devops-lint`, else `~/.cache/devops-lint`.
pub(crate) fn default_dir() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    env("DEVOPS_LINT_CACHE_DIR")
        .or_else(|| env("XDG_CACHE_HOME").map(|d| d.join("devops-lint")))
        .or_else(|| env("HOME").map(|d| d.join(".cache").join("devops-lint")))
}

/// Checks the bytes are a component before handing them to wasmtime, for a
/// clearer message than the validator's.
pub(crate) fn check_header(bytes: &[u8]) -> Result<(), String> {
    if bytes.len() < 8 || &bytes[..4] != b"\0asm" {
        return Err("it is not a WebAssembly file".into());
    }
    // NOTE: bytes 4..8 are the version and layer: 0x01 0 0 0 is a core module,
    // 0x0d 0 0x01 0 a component.
    if bytes[6..8] == [0, 0] {
        return Err(
            "it is a core WebAssembly module, not a component: build it with \
             `cargo build --target wasm32-wasip2`, or wrap it with `wasm-tools component new`"
                .into(),
        );
    }
    Ok(())
}

/// The compiled component for `bytes`: from memory, from `dir`, or compiled now.
pub fn load(engine: &Engine, bytes: &[u8], dir: Option<&Path>) -> Result<Loaded, String> {
    let started = Instant::now();
    check_header(bytes)?;
    let sha256 = crate::finding::sha256_hex(bytes);
    let in_memory = |sha256: &String| {
        let component = MEMORY.lock().ok().and_then(|m| m.get(sha256).cloned())?;
        Some(Loaded {
            component,
            sha256: sha256.clone(),
            source: Source::Memory,
            elapsed: started.elapsed(),
        })
    };
    if let Some(loaded) = in_memory(&sha256) {
        return Ok(loaded);
    }
    // NOTE: one compile at a time (each is parallel inside): threads asking
    // for the same plugin wait for the first instead of compiling it again.
    let _compiling = COMPILING.lock();
    if let Some(loaded) = in_memory(&sha256) {
        return Ok(loaded);
    }
    let entry = dir.map(|d| entry_path(engine, d, &sha256));
    if let Some(path) = &entry {
        // NOTE: read into memory rather than mapped: a cache file truncated by
        // another process while mapped would crash this one (SIGBUS).
        if let Ok(serialized) = std::fs::read(path) {
            // SAFETY: the entry was written by `serialize` of this engine
            // configuration (the key holds its compatibility hash) in the
            // user's own cache directory, which is as trusted as this binary.
            // A corrupt or foreign entry fails to deserialize and is a miss.
            if let Ok(component) = unsafe { Component::deserialize(engine, &serialized) } {
                remember(&sha256, &component);
                return Ok(Loaded {
                    component,
                    sha256,
                    source: Source::Disk,
                    elapsed: started.elapsed(),
                });
            }
        }
    }
    let component = Component::new(engine, bytes).map_err(|e| {
        format!(
            "it is not a valid component: {}",
            super::host::root_cause(&e)
        )
    })?;
    remember(&sha256, &component);
    if let Some(path) = &entry {
        if let Ok(serialized) = component.serialize() {
            write_atomically(path, &serialized);
        }
    }
    Ok(Loaded {
        component,
        sha256,
        source: Source::Compiled,
        elapsed: started.elapsed(),
    })
}

/// Forgets the in-memory components (the benchmark measures disk loads with it).
pub fn clear_memory() {
    if let Ok(mut m) = MEMORY.lock() {
        m.clear();
    }
}

fn remember(sha256: &str, component: &Component) {
    if let Ok(mut m) = MEMORY.lock() {
        m.insert(sha256.to_string(), component.clone());
    }
}

/// `<dir>/wasmtime-<version>/<sha256>-<engine hash>.cwasm`.
pub fn entry_path(engine: &Engine, dir: &Path, sha256: &str) -> PathBuf {
    let mut hasher = ShaHasher(Sha256::new());
    engine.precompile_compatibility_hash().hash(&mut hasher);
    let engine_hash = crate::finding::sha256_hex(&hasher.0.finalize());
    dir.join(format!("wasmtime-{WASMTIME_VERSION}"))
        .join(format!("{}-{}.cwasm", &sha256[..32], &engine_hash[..16]))
}

fn write_atomically(path: &Path, bytes: &[u8]) {
    let Some(parent) = path.parent() else { return };
    if std::fs::create_dir_all(parent).is_err() {
        return;
    }
    let tmp = parent.join(format!(
        ".tmp-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, path).is_ok() {
        return;
    }
    let _ = std::fs::remove_file(&tmp);
}

/// A `Hasher` that feeds SHA-256, so the engine's compatibility hash is stable
/// across processes (std's hashers promise no such thing).
struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_told_apart() {
        assert!(check_header(b"hello world")
            .unwrap_err()
            .contains("not a WebAssembly"));
        let core = b"\0asm\x01\0\0\0rest";
        assert!(check_header(core)
            .unwrap_err()
            .contains("core WebAssembly module"));
        let component = b"\0asm\x0d\0\x01\0rest";
        assert!(check_header(component).is_ok());
    }
}
