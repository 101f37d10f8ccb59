//! Writing a fixed file: only inside the root, never through a symlink, never over a
//! read-only file or one that changed since the scan read it, and atomically (a
//! temporary file in the same directory, with the same permissions, renamed over it).

use std::io::Write;
use std::path::{Path, PathBuf};

pub(crate) struct Target {
    root: PathBuf,
    rel: String,
    abs: PathBuf,
}

impl Target {
    pub(crate) fn new(root: &Path, rel: &str) -> Self {
        Target {
            root: root.to_path_buf(),
            rel: rel.to_string(),
            abs: root.join(rel),
        }
    }

    pub(crate) fn exists(&self) -> bool {
        std::fs::symlink_metadata(&self.abs).is_ok()
    }

    /// The directory the file is in, when it is a real directory inside the root.
    fn confined_parent(&self) -> Result<PathBuf, String> {
        if self.rel.starts_with('/') || self.rel.split('/').any(|seg| seg == "..") {
            return Err("the path leaves the scanned directory".into());
        }
        let parent = self.abs.parent().unwrap_or(Path::new("."));
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        let root = std::fs::canonicalize(&self.root).map_err(|e| e.to_string())?;
        let real = std::fs::canonicalize(parent).map_err(|e| e.to_string())?;
        if !real.starts_with(&root) {
            return Err("its directory is a symlink out of the scanned directory".into());
        }
        Ok(parent.to_path_buf())
    }

    /// Whether a new file may be created here.
    pub(crate) fn check_new(&self) -> Result<(), String> {
        self.confined_parent()?;
        if self.exists() {
            return Err("it exists now (or is a symlink)".into());
        }
        Ok(())
    }

    /// The file's text, when it is a regular file inside the root, writable, within the
    /// size limit, UTF-8, and still what the scan read (`scanned`).
    pub(crate) fn read_unchanged(
        &self,
        scanned: Option<&str>,
        max_size: u64,
    ) -> Result<String, String> {
        test_hook_change(&self.abs);
        self.confined_parent()?;
        let meta = std::fs::symlink_metadata(&self.abs).map_err(|e| e.to_string())?;
        if meta.file_type().is_symlink() {
            return Err("it is a symlink (never written through)".into());
        }
        if !meta.is_file() {
            return Err("it is not a regular file".into());
        }
        if meta.len() > max_size {
            return Err(format!(
                "it is over the size limit ({} bytes, limit {max_size})",
                meta.len()
            ));
        }
        if meta.permissions().readonly() {
            return Err("it is read-only".into());
        }
        let bytes = std::fs::read(&self.abs).map_err(|e| format!("cannot read it: {e}"))?;
        let disk = String::from_utf8(bytes)
            .map_err(|_| "it is not UTF-8 (only UTF-8 files are fixed)".to_string())?;
        match scanned {
            Some(scanned) if super::apply::scan_form(&disk) == scanned => Ok(disk),
            Some(_) => Err("it changed on disk since the scan read it".into()),
            None => Err("the scan kept no text of it".into()),
        }
    }

    /// Replaces the file's `before` text with `after`, atomically, keeping its
    /// permissions; refuses when the file is no longer `before`.
    pub(crate) fn replace(&self, before: &str, after: &str) -> Result<(), String> {
        let dir = self.confined_parent()?;
        let meta = std::fs::symlink_metadata(&self.abs).map_err(|e| e.to_string())?;
        if meta.file_type().is_symlink() || !meta.is_file() {
            return Err("it is no longer a regular file".into());
        }
        let temp = self.write_temp(&dir, after, Some(meta.permissions()))?;
        // The last look before the rename: a change since the first read is kept.
        let now = std::fs::read(&self.abs).unwrap_or_default();
        if now != before.as_bytes() {
            let _ = std::fs::remove_file(&temp);
            return Err("it changed on disk since the scan read it".into());
        }
        std::fs::rename(&temp, &self.abs).map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            format!("cannot replace it: {e}")
        })
    }

    /// Creates the file with `content`; fails (and writes nothing) if it appeared meanwhile.
    pub(crate) fn create(&self, content: &str) -> Result<(), String> {
        let dir = self.confined_parent()?;
        let temp = self.write_temp(&dir, content, None)?;
        // A hard link fails when the name exists: never over a file or a symlink.
        let linked = std::fs::hard_link(&temp, &self.abs);
        let _ = std::fs::remove_file(&temp);
        linked.map_err(|e| format!("cannot create it: {e}"))
    }

    fn write_temp(
        &self,
        dir: &Path,
        content: &str,
        permissions: Option<std::fs::Permissions>,
    ) -> Result<PathBuf, String> {
        let name = self
            .abs
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = dir.join(format!(".{name}.devops-lint-fix.{}", std::process::id()));
        let written = (|| -> std::io::Result<()> {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temp)?;
            file.write_all(content.as_bytes())?;
            if let Some(permissions) = permissions {
                file.set_permissions(permissions)?;
            }
            file.sync_all()
        })();
        written.map(|()| temp.clone()).map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            format!("cannot write a temporary file beside it: {e}")
        })
    }
}

/// Tests only (debug builds): `DEVOPS_LINT_TEST_CHANGE=<file name>` appends a line to
/// that file just before the fixer reads it, as an editor saving during the scan would.
fn test_hook_change(abs: &Path) {
    if !cfg!(debug_assertions) {
        return;
    }
    let Some(name) = std::env::var_os("DEVOPS_LINT_TEST_CHANGE") else {
        return;
    };
    if abs.file_name() == Some(name.as_os_str()) {
        if let Ok(mut file) = std::fs::OpenOptions::new().append(true).open(abs) {
            let _ = file.write_all(b"\n# edited during the scan\n");
        }
    }
}
