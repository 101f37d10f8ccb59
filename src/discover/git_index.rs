//! Which files git tracks, read from the index file (`.git/index`) itself.
//!
//! The scanned repository is untrusted, so the `git` binary is never run on it: its
//! `.git/config` can name commands (`core.fsmonitor`, hooks, filters) that git would
//! execute. This module reads the index as data instead: the DIRC format, versions 2, 3
//! and 4 (v4 prefix-compresses paths), SHA-1 or SHA-256 object names. The parser is
//! bounded (the file size is capped, every count is checked against the bytes left),
//! never panics, and returns an error for anything it does not understand, so the
//! caller falls back to `.gitignore` rules.
//!
//! Format: <https://git-scm.com/docs/index-format>.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Indexes larger than this are not read (the Linux kernel's is about 10 MiB).
pub(crate) const MAX_INDEX_SIZE: u64 = 256 * 1024 * 1024;
/// `.git` files (worktrees, submodules) larger than this are not a `gitdir:` pointer.
const MAX_GITFILE_SIZE: u64 = 4096;

/// One tracked path, as git stores it (bytes, `/`-separated, relative to the
/// repository's top level).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct IndexEntry {
    pub path: Vec<u8>,
    /// The git mode: `0o100644`/`0o100755` files, `0o120000` symlinks,
    /// `0o160000` submodules, `0o040000` sparse directories.
    pub mode: u32,
}

impl IndexEntry {
    pub(crate) fn is_file(&self) -> bool {
        self.mode & 0o170000 == 0o100000
    }

    pub(crate) fn is_symlink(&self) -> bool {
        self.mode & 0o170000 == 0o120000
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum IndexError {
    #[error("not a git index (bad signature)")]
    BadSignature,
    #[error("unsupported index version {0}")]
    UnsupportedVersion(u32),
    #[error("truncated or corrupt index ({0})")]
    Corrupt(&'static str),
}

/// Parses an index file's bytes. Entries are returned in index order with
/// duplicates (merge stages 1-3 of a conflicted path) collapsed.
pub(crate) fn parse(bytes: &[u8], hash_len: usize) -> Result<Vec<IndexEntry>, IndexError> {
    let mut r = Reader { bytes, pos: 0 };
    if r.take(4)? != b"DIRC" {
        return Err(IndexError::BadSignature);
    }
    let version = r.u32()?;
    if !(2..=4).contains(&version) {
        return Err(IndexError::UnsupportedVersion(version));
    }
    let count = r.u32()? as usize;
    // The smallest entry is 40 bytes of stat data, the hash, 2 bytes of flags and a
    // 1-byte name: a count the file cannot hold is corrupt (and must not size an allocation).
    let min_entry = 40 + hash_len + 2 + 1;
    if count > bytes.len() / min_entry {
        return Err(IndexError::Corrupt("entry count larger than the file"));
    }
    let mut entries: Vec<IndexEntry> = Vec::with_capacity(count);
    let mut previous: Vec<u8> = Vec::new();
    for _ in 0..count {
        let start = r.pos;
        r.take(24)?; // ctime, mtime, dev, ino
        let mode = r.u32()?;
        r.take(12)?; // uid, gid, size
        r.take(hash_len)?;
        let flags = r.u16()?;
        if flags & 0x4000 != 0 {
            if version < 3 {
                return Err(IndexError::Corrupt("extended flags in a version 2 index"));
            }
            r.u16()?;
        }
        let path = if version == 4 {
            let strip = r.varint()?;
            if strip > previous.len() {
                return Err(IndexError::Corrupt("prefix longer than the previous path"));
            }
            let suffix = r.until_nul()?;
            let mut path = previous[..previous.len() - strip].to_vec();
            path.extend_from_slice(suffix);
            path
        } else {
            let path = r.until_nul()?.to_vec();
            // 1 to 8 NULs pad the entry to a multiple of 8 bytes; one was read above.
            let len = r.pos - start;
            let padded = len.div_ceil(8) * 8;
            r.take(padded - len)?;
            path
        };
        if path.is_empty() {
            return Err(IndexError::Corrupt("empty path"));
        }
        previous.clone_from(&path);
        if entries.last().is_some_and(|last| last.path == path) {
            continue;
        }
        entries.push(IndexEntry { path, mode });
    }
    Ok(entries)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], IndexError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or(IndexError::Corrupt("unexpected end of file"))?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    fn u32(&mut self) -> Result<u32, IndexError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u16(&mut self) -> Result<u16, IndexError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    /// git's offset varint (`decode_varint` in varint.c): big-endian 7-bit groups,
    /// each continuation adding one so that encodings are unique.
    fn varint(&mut self) -> Result<usize, IndexError> {
        let mut byte = self.take(1)?[0];
        let mut value = usize::from(byte & 0x7f);
        while byte & 0x80 != 0 {
            byte = self.take(1)?[0];
            value = value
                .checked_add(1)
                .and_then(|v| v.checked_mul(128))
                .and_then(|v| v.checked_add(usize::from(byte & 0x7f)))
                .ok_or(IndexError::Corrupt("varint overflow"))?;
        }
        Ok(value)
    }

    fn until_nul(&mut self) -> Result<&'a [u8], IndexError> {
        let rest = &self.bytes[self.pos..];
        let len = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or(IndexError::Corrupt("unterminated path"))?;
        self.pos += len + 1;
        Ok(&rest[..len])
    }
}

/// The repository that holds `root`: its top level and git directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Repo {
    pub toplevel: PathBuf,
    pub git_dir: PathBuf,
}

/// Finds the repository holding `root` (canonical) by looking for `.git` in it and
/// its ancestors, as git does. A `.git` file (worktrees, submodules) is followed to
/// the directory its `gitdir:` line names; a `.git` symlink is not followed.
pub(crate) fn find_repo(root: &Path) -> Option<Repo> {
    for dir in root.ancestors() {
        let dot_git = dir.join(".git");
        let Ok(meta) = std::fs::symlink_metadata(&dot_git) else {
            continue;
        };
        if meta.is_dir() {
            return Some(Repo {
                toplevel: dir.to_path_buf(),
                git_dir: dot_git,
            });
        }
        if meta.is_file() && meta.len() <= MAX_GITFILE_SIZE {
            let text = std::fs::read(&dot_git).ok()?;
            let text = String::from_utf8(text).ok()?;
            let target = text.lines().next()?.strip_prefix("gitdir:")?.trim();
            let git_dir = dir.join(target);
            return Some(Repo {
                toplevel: dir.to_path_buf(),
                git_dir,
            });
        }
        // A `.git` that is a symlink, FIFO or oversized file: not a repository we read.
        return None;
    }
    None
}

/// Reads and parses `<git_dir>/index`. The file must be a regular file (checked
/// before opening, so a FIFO cannot block the scan) of at most [`MAX_INDEX_SIZE`].
pub(crate) fn read_index(git_dir: &Path) -> Result<Vec<IndexEntry>, String> {
    let path = git_dir.join("index");
    let meta = std::fs::metadata(&path).map_err(|e| format!("cannot read the git index: {e}"))?;
    if !meta.is_file() {
        return Err("the git index is not a regular file".into());
    }
    if meta.len() > MAX_INDEX_SIZE {
        return Err(format!("the git index is over {MAX_INDEX_SIZE} bytes"));
    }
    let file = File::open(&path).map_err(|e| format!("cannot read the git index: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_INDEX_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the git index: {e}"))?;
    let sha256 = object_format_is_sha256(git_dir);
    let (first, second) = if sha256 { (32, 20) } else { (20, 32) };
    parse(&bytes, first)
        .or_else(|err| parse(&bytes, second).map_err(|_| err))
        .map_err(|e| format!("cannot use the git index: {e}"))
}

/// Whether `.git/config` sets `extensions.objectFormat = sha256` (read as text, a
/// few KiB at most; nothing in it is acted upon).
fn object_format_is_sha256(git_dir: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(git_dir.join("config")) else {
        return false;
    };
    if !meta.is_file() || meta.len() > 1024 * 1024 {
        return false;
    }
    std::fs::read(git_dir.join("config")).is_ok_and(|bytes| {
        String::from_utf8_lossy(&bytes)
            .lines()
            .map(|l| l.replace([' ', '\t'], "").to_ascii_lowercase())
            .any(|l| l == "objectformat=sha256")
    })
}

/// Whether a tracked path is safe to join to the root: relative, no `..`, no
/// empty component, nothing inside a `.git` directory.
pub(crate) fn is_safe_path(path: &[u8]) -> bool {
    !path.is_empty()
        && path[0] != b'/'
        && path
            .split(|&b| b == b'/')
            .all(|c| !c.is_empty() && c != b"." && c != b".." && !c.eq_ignore_ascii_case(b".git"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds an index by hand (no git binary): entries are (path, mode).
    pub(crate) fn build(version: u32, hash_len: usize, entries: &[(&[u8], u32)]) -> Vec<u8> {
        let mut out = b"DIRC".to_vec();
        out.extend_from_slice(&version.to_be_bytes());
        out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        let mut previous: &[u8] = b"";
        for (path, mode) in entries {
            let start = out.len();
            out.extend_from_slice(&[0; 24]);
            out.extend_from_slice(&mode.to_be_bytes());
            out.extend_from_slice(&[0; 12]);
            out.extend(std::iter::repeat_n(0xab, hash_len));
            out.extend_from_slice(&(path.len().min(0xfff) as u16).to_be_bytes());
            if version == 4 {
                let common = previous
                    .iter()
                    .zip(path.iter())
                    .take_while(|(a, b)| a == b)
                    .count();
                out.extend_from_slice(&encode_varint(previous.len() - common));
                out.extend_from_slice(&path[common..]);
                out.push(0);
            } else {
                out.extend_from_slice(path);
                let len = out.len() - start + 1;
                let padded = len.div_ceil(8) * 8;
                out.extend(std::iter::repeat_n(0, padded - len + 1));
            }
            previous = path;
        }
        out.extend(std::iter::repeat_n(0, hash_len)); // checksum (not verified)
        out
    }

    fn encode_varint(mut value: usize) -> Vec<u8> {
        let mut bytes = vec![(value & 0x7f) as u8];
        value >>= 7;
        while value != 0 {
            value -= 1;
            bytes.push(0x80 | (value & 0x7f) as u8);
            value >>= 7;
        }
        bytes.reverse();
        bytes
    }

    const FILE: u32 = 0o100644;

    #[test]
    fn reads_every_version() {
        let paths: [(&[u8], u32); 4] = [
            (b".env", FILE),
            (b"infra/main.tf", FILE),
            (b"infra/modules/vpc/main.tf", FILE),
            (b"link", 0o120000),
        ];
        for version in [2, 3, 4] {
            for hash in [20, 32] {
                let bytes = build(version, hash, &paths);
                let entries = parse(&bytes, hash).expect("valid index");
                let got: Vec<&[u8]> = entries.iter().map(|e| e.path.as_slice()).collect();
                assert_eq!(
                    got,
                    paths.iter().map(|p| p.0).collect::<Vec<_>>(),
                    "v{version}"
                );
                assert!(entries[3].is_symlink() && entries[0].is_file());
            }
        }
    }

    #[test]
    fn varints_round_trip() {
        for n in [0, 1, 127, 128, 255, 16_511, 16_512, 1 << 20] {
            let bytes = encode_varint(n);
            let mut r = Reader {
                bytes: &bytes,
                pos: 0,
            };
            assert_eq!(r.varint(), Ok(n));
        }
    }

    #[test]
    fn refuses_garbage_without_panicking() {
        assert_eq!(
            parse(b"", 20),
            Err(IndexError::Corrupt("unexpected end of file"))
        );
        assert_eq!(
            parse(b"PACK\0\0\0\x02\0\0\0\0", 20),
            Err(IndexError::BadSignature)
        );
        assert_eq!(
            parse(b"DIRC\0\0\0\x05\0\0\0\0", 20),
            Err(IndexError::UnsupportedVersion(5))
        );
        // A huge entry count must not allocate.
        assert!(parse(b"DIRC\0\0\0\x02\xff\xff\xff\xff", 20).is_err());
        // Every truncation of a valid index fails cleanly.
        let bytes = build(4, 20, &[(b"a/b", FILE), (b"a/c", FILE)]);
        for len in 0..bytes.len() - 20 {
            let _ = parse(&bytes[..len], 20);
        }
        // A v4 prefix strip longer than the previous path.
        let mut bad = build(4, 20, &[(b"a", FILE)]);
        bad[12 + 62] = 5;
        assert!(parse(&bad, 20).is_err());
    }

    /// A hand-made index naming paths outside the root, inside `.git`, and through a
    /// symlinked directory: the walk adds only the safe, ignored-but-tracked file.
    #[cfg(unix)]
    #[test]
    fn a_hostile_index_cannot_lead_the_walk_out_of_the_root() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("repo");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(root.join(".git")).expect("mkdir");
        std::fs::create_dir_all(root.join("build")).expect("mkdir");
        std::fs::create_dir_all(&outside).expect("mkdir");
        std::fs::write(outside.join("x.tf"), "x").expect("write");
        std::fs::write(root.join("outside.tf"), "x").expect("write");
        std::fs::write(root.join("build/tracked.tf"), "x").expect("write");
        std::fs::write(root.join(".gitignore"), "build/\n").expect("write");
        std::os::unix::fs::symlink(&outside, root.join("link")).expect("symlink");
        let index = build(
            2,
            20,
            &[
                (b"../outside/x.tf", FILE),
                (b"/etc/passwd", FILE),
                (b".git/config", FILE),
                (b"build/../../outside/x.tf", FILE),
                (b"build/tracked.tf", FILE),
                (b"link/x.tf", FILE),
                (b"missing.tf", FILE),
            ],
        );
        std::fs::write(root.join(".git/index"), index).expect("write");
        let exclude = globset::GlobSet::empty();
        let found = crate::discover::walk(&crate::discover::WalkOptions {
            root: &root,
            exclude: &exclude,
            threads: 1,
        });
        let paths: Vec<&str> = found.candidates.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, [".gitignore", "build/tracked.tf", "outside.tf"]);
        assert!(found.candidates.iter().all(|c| c.abs.starts_with(&root)));
        let skipped: Vec<&str> = found.skipped.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(skipped, ["link"]);
    }

    #[test]
    fn unsafe_paths_are_refused() {
        for bad in [
            &b""[..],
            b"/etc/passwd",
            b"../x",
            b"a/../../x",
            b"a//b",
            b".git/config",
            b"sub/.GIT/hooks/x",
            b"./a",
        ] {
            assert!(!is_safe_path(bad), "{}", String::from_utf8_lossy(bad));
        }
        assert!(is_safe_path(b"a/.gitignore"));
        assert!(is_safe_path(b".env"));
    }
}
