//! `--changed-since REF`: which files differ from a git revision, for pull-request
//! runs that report only what the change touched.
//!
//! Git objects are read in-process with gitoxide, opened isolated (no global or
//! system config, no environment): `git` itself is never run in a scanned
//! repository, whose config (`core.fsmonitor`, aliases, hooks) could run commands.
//! A file counts as changed when the revision's tree has no blob at its path
//! (added, or renamed to it) or a blob whose id differs from the hash of the
//! file's bytes as they are now (modified, committed or not). Files under a
//! clean/smudge filter or `core.autocrlf` can hash differently from their blob
//! and then count as changed: more is reported, never less.

use std::path::{Path, PathBuf};

/// The revision's tree, and where the scanned root sits in the repository.
pub(crate) struct ChangedSince {
    repo: gix::Repository,
    tree: gix::ObjectId,
    /// The scanned root, absolute.
    root: PathBuf,
    /// The root relative to the work tree (`/`-separated, empty at the top, else ending in `/`).
    prefix: String,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum ChangedSinceError {
    #[error("--changed-since: {root} is not inside a git repository ({reason})")]
    NotARepository { root: String, reason: String },
    #[error("--changed-since: the git repository at {0} has no work tree")]
    Bare(String),
    #[error(
        "--changed-since: `{rev}` is not in this clone, which is shallow: fetch it first \
         (actions/checkout with `fetch-depth: 0`, or `git fetch --deepen` / `git fetch origin {rev}`)"
    )]
    Shallow { rev: String },
    #[error("--changed-since: no commit `{rev}` in the repository ({reason})")]
    UnknownRevision { rev: String, reason: String },
}

impl ChangedSince {
    /// Opens the repository that holds `root` and resolves `rev` to a tree.
    pub(crate) fn open(root: &Path, rev: &str) -> Result<Self, ChangedSinceError> {
        let shown = root.display().to_string();
        let root = std::fs::canonicalize(root).map_err(|e| ChangedSinceError::NotARepository {
            root: shown.clone(),
            reason: e.to_string(),
        })?;
        let repo = gix::discover_opts(
            &root,
            gix::discover::upwards::Options::default(),
            gix::open::Options::isolated(),
        )
        .map_err(|e| ChangedSinceError::NotARepository {
            root: shown.clone(),
            reason: e.to_string(),
        })?;
        let workdir = repo
            .workdir()
            .and_then(|w| std::fs::canonicalize(w).ok())
            .ok_or_else(|| ChangedSinceError::Bare(shown.clone()))?;
        let prefix = match root.strip_prefix(&workdir) {
            Ok(rel) if rel.as_os_str().is_empty() => String::new(),
            Ok(rel) => format!("{}/", rel.to_string_lossy().replace('\\', "/")),
            Err(_) => return Err(ChangedSinceError::Bare(shown)),
        };
        let unknown = |reason: String| {
            if repo.is_shallow().unwrap_or(false) {
                ChangedSinceError::Shallow {
                    rev: rev.to_string(),
                }
            } else {
                ChangedSinceError::UnknownRevision {
                    rev: rev.to_string(),
                    reason,
                }
            }
        };
        let id = repo
            .rev_parse_single(rev)
            .map_err(|e| unknown(e.to_string()))?;
        let tree = id
            .object()
            .and_then(|o| o.peel_to_tree())
            .map_err(|e| unknown(e.to_string()))?
            .id;
        Ok(ChangedSince {
            repo,
            tree,
            root,
            prefix,
        })
    }

    /// Whether the file at `path` (relative to the scanned root, `/`-separated)
    /// differs from the revision. The root itself (repo-wide findings) never does.
    pub(crate) fn is_changed(&self, path: &str) -> bool {
        if path.is_empty() {
            return false;
        }
        let Ok(tree) = self.repo.find_tree(self.tree) else {
            return true;
        };
        let in_repo = format!("{}{}", self.prefix, path);
        let entry = match tree.lookup_entry_by_path(Path::new(&in_repo)) {
            Ok(Some(entry)) => entry,
            // Not in the revision: added, or renamed to this path.
            Ok(None) | Err(_) => return true,
        };
        if !entry.mode().is_blob() {
            return true;
        }
        let Ok(bytes) = std::fs::read(self.root.join(path)) else {
            return true;
        };
        match gix::objs::compute_hash(self.repo.object_hash(), gix::objs::Kind::Blob, &bytes) {
            Ok(id) => id != entry.object_id(),
            Err(_) => true,
        }
    }
}
