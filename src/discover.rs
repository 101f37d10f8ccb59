//! Finding the files to scan: a parallel, .gitignore-aware walk that never
//! follows a symlink, then reading each file once with size and binary guards.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::source::FileKind;

pub(crate) mod changed;
pub(crate) mod git_index;

/// Files larger than this are skipped (counted in the summary).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 2 * 1024 * 1024;

/// A file the walk found, not read yet.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Candidate {
    /// Relative to the scan root, `/`-separated.
    pub path: String,
    pub abs: PathBuf,
}

/// Why a file was not scanned. Counted, never silently dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    Binary,
    TooLarge,
    Symlink,
    NotRegularFile,
    Unreadable,
    OutsideRoot,
}

impl SkipReason {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "too-large",
            SkipReason::Symlink => "symlink",
            SkipReason::NotRegularFile => "not-regular-file",
            SkipReason::Unreadable => "unreadable",
            SkipReason::OutsideRoot => "outside-root",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub reason: SkipReason,
    pub detail: String,
}

#[derive(Debug, Default)]
pub(crate) struct Discovery {
    pub candidates: Vec<Candidate>,
    pub skipped: Vec<Skipped>,
    /// How the file set was decided, for the summary (e.g. a git index that could not be used).
    pub notes: Vec<String>,
}

pub(crate) struct WalkOptions<'a> {
    pub root: &'a Path,
    pub exclude: &'a GlobSet,
    pub threads: usize,
}

pub(crate) fn build_globset(patterns: &[String]) -> Result<GlobSet, globset::Error> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let pattern = pattern.trim_start_matches("./");
        builder.add(Glob::new(pattern)?);
        // `vendor` or `vendor/` excludes everything below it too.
        let dir = pattern.trim_end_matches('/');
        if !dir.contains('*') || dir.ends_with("**") {
            builder.add(Glob::new(&format!("{}/**", dir.trim_end_matches("/**")))?);
        }
    }
    builder.build()
}

/// Walks `root` in parallel. Symlinks are never followed (counted as skipped),
/// `.git` is never entered, `.gitignore`/`.ignore` files are honoured. In a git
/// repository every tracked file is scanned too, even one a `.gitignore` pattern
/// matches (a force-added `.env`): see [`add_tracked`].
pub(crate) fn walk(opts: &WalkOptions) -> Discovery {
    let mut discovery = walk_tree(opts);
    add_tracked(opts, &mut discovery);
    discovery.candidates.sort();
    discovery.candidates.dedup();
    discovery
        .skipped
        .sort_by(|a, b| (&a.path, a.reason).cmp(&(&b.path, b.reason)));
    discovery
}

fn walk_tree(opts: &WalkOptions) -> Discovery {
    let found = Mutex::new(Discovery::default());
    let root = opts.root.to_path_buf();
    let walker = ignore::WalkBuilder::new(&root)
        .hidden(false)
        .follow_links(false)
        .git_global(false)
        .require_git(false)
        .threads(opts.threads.max(1))
        .filter_entry(|entry| entry.file_name() != ".git")
        .build_parallel();
    walker.run(|| {
        let found = &found;
        let root = &root;
        let exclude = opts.exclude;
        Box::new(move |entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    let path = err_path(&err, root);
                    push_skip(found, path, SkipReason::Unreadable, err.to_string());
                    return ignore::WalkState::Continue;
                }
            };
            let rel = relative(entry.path(), root);
            if !rel.is_empty() && exclude.is_match(&rel) {
                return if entry.file_type().is_some_and(|t| t.is_dir()) {
                    ignore::WalkState::Skip
                } else {
                    ignore::WalkState::Continue
                };
            }
            let Some(file_type) = entry.file_type() else {
                return ignore::WalkState::Continue;
            };
            if file_type.is_dir() {
                return ignore::WalkState::Continue;
            }
            if file_type.is_symlink() {
                push_skip(
                    found,
                    rel,
                    SkipReason::Symlink,
                    "symlinks are not followed".into(),
                );
            } else if !file_type.is_file() {
                push_skip(found, rel, SkipReason::NotRegularFile, String::new());
            } else if let Ok(mut d) = found.lock() {
                d.candidates.push(Candidate {
                    path: rel,
                    abs: entry.into_path(),
                });
            }
            ignore::WalkState::Continue
        })
    });
    found.into_inner().unwrap_or_default()
}

/// Adds the files git tracks that the walk left out because an ignore rule
/// matched them. The index is read as data (never through the `git` binary,
/// which would run commands the repo's config names). Without a usable index
/// the walk's `.gitignore` rules stand. A tracked path is joined to the root
/// only when it is safe (relative, no `..`, not in `.git`) and no directory on
/// the way is a symlink; config excludes still apply.
fn add_tracked(opts: &WalkOptions, discovery: &mut Discovery) {
    let Ok(root) = opts.root.canonicalize() else {
        return;
    };
    let Some(repo) = git_index::find_repo(&root) else {
        return;
    };
    let entries = match git_index::read_index(&repo.git_dir) {
        Ok(entries) => entries,
        Err(message) => {
            // A repository without an index yet has nothing tracked: not worth a note.
            if repo.git_dir.join("index").exists() {
                discovery.notes.push(format!(
                    "{message}; .gitignore rules decide what is scanned"
                ));
            }
            return;
        }
    };
    // Tracked paths are relative to the top level; keep those under the root.
    let Ok(prefix) = root.strip_prefix(&repo.toplevel) else {
        return;
    };
    let mut prefix = prefix.to_string_lossy().replace('\\', "/").into_bytes();
    if !prefix.is_empty() {
        prefix.push(b'/');
    }
    let seen: std::collections::HashSet<String> = discovery
        .candidates
        .iter()
        .map(|c| c.path.clone())
        .chain(discovery.skipped.iter().map(|s| s.path.clone()))
        .collect();
    let mut safe_dirs: std::collections::HashSet<Vec<u8>> = std::collections::HashSet::new();
    for entry in entries {
        if !(entry.is_file() || entry.is_symlink()) {
            continue;
        }
        let Some(rel) = entry.path.strip_prefix(prefix.as_slice()) else {
            continue;
        };
        if !git_index::is_safe_path(rel) {
            continue;
        }
        let shown = String::from_utf8_lossy(rel).into_owned();
        if seen.contains(&shown) || opts.exclude.is_match(&shown) {
            continue;
        }
        let Some(abs) = join_confined(opts.root, rel, &mut safe_dirs) else {
            continue;
        };
        let Ok(meta) = std::fs::symlink_metadata(&abs) else {
            continue; // deleted in the work tree
        };
        if meta.file_type().is_symlink() {
            discovery.skipped.push(Skipped {
                path: shown,
                reason: SkipReason::Symlink,
                detail: "symlinks are not followed".into(),
            });
        } else if !meta.is_file() {
            discovery.skipped.push(Skipped {
                path: shown,
                reason: SkipReason::NotRegularFile,
                detail: String::new(),
            });
        } else {
            discovery.candidates.push(Candidate { path: shown, abs });
        }
    }
}

/// `root/rel` when every directory on the way is a real directory (not a
/// symlink), so the result cannot resolve outside the root.
fn join_confined(
    root: &Path,
    rel: &[u8],
    safe_dirs: &mut std::collections::HashSet<Vec<u8>>,
) -> Option<PathBuf> {
    for (i, &b) in rel.iter().enumerate() {
        if b != b'/' {
            continue;
        }
        let dir = &rel[..i];
        if safe_dirs.contains(dir) {
            continue;
        }
        let meta = std::fs::symlink_metadata(root.join(bytes_to_path(dir))).ok()?;
        if !meta.is_dir() {
            return None;
        }
        safe_dirs.insert(dir.to_vec());
    }
    Some(root.join(bytes_to_path(rel)))
}

#[cfg(unix)]
fn bytes_to_path(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn bytes_to_path(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// File-list mode (pre-commit): only the named files, each checked to be a
/// regular file inside `root`.
pub(crate) fn from_paths(root: &Path, paths: &[PathBuf], exclude: &GlobSet) -> Discovery {
    let mut discovery = Discovery::default();
    let canon_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for path in paths {
        let abs = if path.is_absolute() {
            path.clone()
        } else {
            root.join(path)
        };
        let shown = path.to_string_lossy().replace('\\', "/");
        let meta = match std::fs::symlink_metadata(&abs) {
            Ok(meta) => meta,
            Err(err) => {
                discovery.skipped.push(Skipped {
                    path: shown,
                    reason: SkipReason::Unreadable,
                    detail: err.to_string(),
                });
                continue;
            }
        };
        if meta.file_type().is_symlink() {
            discovery.skipped.push(Skipped {
                path: shown,
                reason: SkipReason::Symlink,
                detail: "symlinks are not followed".into(),
            });
            continue;
        }
        if !meta.is_file() {
            discovery.skipped.push(Skipped {
                path: shown,
                reason: SkipReason::NotRegularFile,
                detail: String::new(),
            });
            continue;
        }
        let canon = abs.canonicalize().unwrap_or_else(|_| abs.clone());
        let Ok(rel) = canon.strip_prefix(&canon_root) else {
            discovery.skipped.push(Skipped {
                path: shown,
                reason: SkipReason::OutsideRoot,
                detail: "the file is outside the scanned root".into(),
            });
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if exclude.is_match(&rel) {
            continue;
        }
        discovery.candidates.push(Candidate { path: rel, abs });
    }
    discovery.candidates.sort();
    discovery.candidates.dedup();
    discovery
}

fn push_skip(found: &Mutex<Discovery>, path: String, reason: SkipReason, detail: String) {
    if let Ok(mut d) = found.lock() {
        d.skipped.push(Skipped {
            path,
            reason,
            detail,
        });
    }
}

fn err_path(err: &ignore::Error, root: &Path) -> String {
    match err {
        ignore::Error::WithPath { path, .. } => relative(path, root),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            err_path(err, root)
        }
        _ => String::new(),
    }
}

pub(crate) fn relative(path: &Path, root: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    s.trim_start_matches("./").to_string()
}

/// Reads a file once: refuses binaries and oversized files, decodes UTF-16
/// with a BOM, strips a UTF-8 BOM, and decodes invalid UTF-8 lossily.
/// The path itself is checked first (not followed): a symlink or a FIFO is
/// refused before it is opened, so opening can neither leave the root nor block.
pub(crate) fn read_text(abs: &Path, max_size: u64) -> Result<String, (SkipReason, String)> {
    let (file, meta) = open_regular(abs, max_size)?;
    // The head first: a binary is refused before the rest of it is read.
    let mut reader = file.take(max_size + 1);
    // Sized once from the metadata: no regrowth (and copy) of the buffer while reading.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    (&mut reader)
        .take(BINARY_SNIFF_LEN as u64)
        .read_to_end(&mut bytes)
        .map_err(|e| (SkipReason::Unreadable, e.to_string()))?;
    if is_binary_head(&bytes) {
        return Err((SkipReason::Binary, "contains NUL bytes".into()));
    }
    read_to_limit(&mut reader, &mut bytes, max_size)?;
    decode(bytes)
}

/// Reads a binary file whole (a keystore, to look inside), with `read_text`'s guards.
pub(crate) fn read_bytes(abs: &Path, max_size: u64) -> Result<Vec<u8>, (SkipReason, String)> {
    let (file, meta) = open_regular(abs, max_size)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    read_to_limit(&mut file.take(max_size + 1), &mut bytes, max_size)?;
    Ok(bytes)
}

/// Reads the rest of `reader` into `bytes`, refusing a file that grew past `max_size`
/// (the reader is taken to one byte over it).
fn read_to_limit(
    reader: &mut impl Read,
    bytes: &mut Vec<u8>,
    max_size: u64,
) -> Result<(), (SkipReason, String)> {
    reader
        .read_to_end(bytes)
        .map_err(|e| (SkipReason::Unreadable, e.to_string()))?;
    if bytes.len() as u64 > max_size {
        return Err((
            SkipReason::TooLarge,
            format!("over the {max_size} byte limit"),
        ));
    }
    Ok(())
}

/// Opens a regular file under the size limit. The path itself is checked first (not
/// followed): a symlink or a FIFO is refused before it is opened.
fn open_regular(
    abs: &Path,
    max_size: u64,
) -> Result<(File, std::fs::Metadata), (SkipReason, String)> {
    let link =
        std::fs::symlink_metadata(abs).map_err(|e| (SkipReason::Unreadable, e.to_string()))?;
    if link.file_type().is_symlink() {
        return Err((SkipReason::Symlink, "symlinks are not followed".into()));
    }
    if !link.is_file() {
        return Err((SkipReason::NotRegularFile, String::new()));
    }
    let file = File::open(abs).map_err(|e| (SkipReason::Unreadable, e.to_string()))?;
    let meta = file
        .metadata()
        .map_err(|e| (SkipReason::Unreadable, e.to_string()))?;
    if !meta.is_file() {
        return Err((SkipReason::NotRegularFile, String::new()));
    }
    if meta.len() > max_size {
        return Err((
            SkipReason::TooLarge,
            format!("{} bytes, over the {} byte limit", meta.len(), max_size),
        ));
    }
    Ok((file, meta))
}

fn decode(bytes: Vec<u8>) -> Result<String, (SkipReason, String)> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return Ok(decode_utf16(rest, u16::from_le_bytes));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return Ok(decode_utf16(rest, u16::from_be_bytes));
    }
    if is_binary_head(&bytes) {
        return Err((SkipReason::Binary, "contains NUL bytes".into()));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
    };
    Ok(match text.strip_prefix('\u{feff}') {
        // NOTE: a BOM becomes a space so byte offsets (and columns) stay put.
        Some(_) => format!("{}{}", "   ", &text[3..]),
        None => text,
    })
}

/// A file is binary when a NUL byte appears in its first 8 KiB (UTF-16 with a
/// byte order mark is text: it is full of NULs).
const BINARY_SNIFF_LEN: usize = 8192;

fn is_binary_head(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    bytes[..bytes.len().min(BINARY_SNIFF_LEN)].contains(&0)
}

fn decode_utf16(bytes: &[u8], from: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|c| from([c[0], c[1]]));
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Classifies a file by its path; YAML files are peeked for Kubernetes keys.
pub fn classify(path: &str, text: &str) -> FileKind {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    let lower_path = path.to_ascii_lowercase();
    let is_yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");

    if lower.ends_with(".tf")
        || lower.ends_with(".tf.json")
        || lower.ends_with(".tfvars")
        || lower.ends_with(".tofu")
        || lower == "terragrunt.hcl"
    {
        return FileKind::Terraform;
    }
    // `Dockerfile.dockerignore` (BuildKit's per-Dockerfile ignore file) is not a Dockerfile.
    let ignore_file = lower.ends_with(".dockerignore") || lower.ends_with(".containerignore");
    if (lower == "dockerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
        || lower == "containerfile"
        || lower.starts_with("containerfile."))
        && !ignore_file
    {
        return FileKind::Dockerfile;
    }
    if is_yaml {
        if lower_path.starts_with(".github/workflows/")
            || lower_path.contains("/.github/workflows/")
        {
            return FileKind::GithubWorkflow;
        }
        if lower == "action.yml" || lower == "action.yaml" {
            return FileKind::GithubAction;
        }
        if lower.ends_with("gitlab-ci.yml") || lower.ends_with("gitlab-ci.yaml") {
            return FileKind::GitlabCi;
        }
        if lower_path.ends_with(".circleci/config.yml")
            || lower_path.ends_with(".circleci/config.yaml")
        {
            return FileKind::Circleci;
        }
        if matches!(
            lower.as_str(),
            "bitbucket-pipelines.yml"
                | "azure-pipelines.yml"
                | "azure-pipelines.yaml"
                | ".travis.yml"
                | ".drone.yml"
                | "buildspec.yml"
                | "cloudbuild.yaml"
                | "cloudbuild.yml"
                | "appveyor.yml"
                | ".woodpecker.yml"
        ) || lower_path.contains(".buildkite/")
        {
            return FileKind::OtherCi;
        }
        if lower.starts_with("docker-compose") || lower.starts_with("compose.") {
            return FileKind::Compose;
        }
        if looks_like_kubernetes(text) {
            return FileKind::Kubernetes;
        }
        return FileKind::Text;
    }
    if lower == "jenkinsfile" || lower.starts_with("jenkinsfile.") {
        return FileKind::OtherCi;
    }
    if is_manifest_name(&lower) {
        return FileKind::Manifest;
    }
    FileKind::Text
}

pub(crate) fn is_manifest_name(lower: &str) -> bool {
    matches!(
        lower,
        "package.json"
            | "pyproject.toml"
            | "pipfile"
            | "gemfile"
            | "go.mod"
            | "cargo.toml"
            | "pom.xml"
            | "build.gradle"
            | "build.gradle.kts"
            | "composer.json"
            | "mix.exs"
            | "setup.py"
            | "setup.cfg"
    ) || (lower.starts_with("requirements") && lower.ends_with(".txt"))
        || lower.ends_with(".csproj")
}

fn looks_like_kubernetes(text: &str) -> bool {
    let mut api = false;
    let mut kind = false;
    for line in text.lines().take(200) {
        api |= line.starts_with("apiVersion:");
        kind |= line.starts_with("kind:");
        if api && kind {
            return true;
        }
    }
    false
}

/// Counts per kind, for the summary.
pub(crate) fn count_kinds<'a>(
    kinds: impl Iterator<Item = FileKind> + 'a,
) -> BTreeMap<FileKind, usize> {
    let mut counts = BTreeMap::new();
    for kind in kinds {
        *counts.entry(kind).or_insert(0) += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_path() {
        assert_eq!(classify("infra/main.tf", ""), FileKind::Terraform);
        assert_eq!(
            classify("live/prod/terragrunt.hcl", ""),
            FileKind::Terraform
        );
        assert_eq!(classify("Dockerfile.prod", ""), FileKind::Dockerfile);
        assert_eq!(classify("app/Dockerfile.dockerignore", ""), FileKind::Text);
        assert_eq!(classify("api/app.dockerfile", ""), FileKind::Dockerfile);
        assert_eq!(
            classify(".github/workflows/ci.yml", ""),
            FileKind::GithubWorkflow
        );
        assert_eq!(classify("tools/action.yml", ""), FileKind::GithubAction);
        assert_eq!(classify(".gitlab-ci.yml", ""), FileKind::GitlabCi);
        assert_eq!(classify(".circleci/config.yml", ""), FileKind::Circleci);
        assert_eq!(classify("docker-compose.prod.yml", ""), FileKind::Compose);
        assert_eq!(
            classify("k8s/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\n"),
            FileKind::Kubernetes
        );
        assert_eq!(classify("web/package.json", ""), FileKind::Manifest);
        assert_eq!(classify("requirements-dev.txt", ""), FileKind::Manifest);
        assert_eq!(classify("src/main.rs", ""), FileKind::Text);
    }

    #[test]
    fn decodes_boms_and_refuses_binaries() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFab".to_vec()).ok().as_deref(),
            Some("   ab")
        );
        assert_eq!(
            decode(b"\xFF\xFEa\x00b\x00".to_vec()).ok().as_deref(),
            Some("ab")
        );
        assert!(matches!(
            decode(b"a\x00b".to_vec()),
            Err((SkipReason::Binary, _))
        ));
        assert_eq!(
            decode(b"a\xFFb".to_vec()).ok().as_deref(),
            Some("a\u{fffd}b")
        );
    }
}
