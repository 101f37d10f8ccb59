//! The scanner and an untrusted repository: what is scanned in and out of git, the same
//! bytes every time, nothing written into the tree, nothing executed from it, and a
//! `devops-lint.toml` from the repo cannot reach outside the root.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::common::{self, write};
use crate::hostile::{run_limited, Run};

fn scan(root: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<OsString> = [".", "--fail-on", "never"]
        .iter()
        .map(OsString::from)
        .collect();
    args.extend(extra.iter().map(OsString::from));
    run_limited(root, &args, Duration::from_secs(30), false)
}

fn scan_json(root: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let run = scan(root, &args);
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("JSON")
}

fn sec007() -> String {
    std::fs::read_to_string(common::fixtures().join("SEC007/fail/rule-resources.tf"))
        .expect("fixture")
}

/// Paths with at least one finding.
/// Files with findings (repo-rule findings at the root, path "", are not files).
fn paths_with_findings(json: &Value) -> Vec<String> {
    let mut paths: Vec<String> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["path"].as_str().map(str::to_string))
        .filter(|p| !p.is_empty())
        .collect();
    paths.dedup();
    paths
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("run git (the test's own, never on the scanned code path)");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn has_git() -> bool {
    Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A tree with a `.gitignore` and files on both sides of it.
fn ignore_tree(root: &Path) {
    write(root, ".gitignore", "build/\n*.local.tf\n");
    write(root, "main.tf", sec007());
    write(root, "build/tracked.tf", sec007());
    write(root, "build/untracked.tf", sec007());
    write(root, "dev.local.tf", sec007());
    write(root, "sub/app.tf", sec007());
    write(root, "sub/build/tracked.tf", sec007());
}

#[test]
fn in_git_tracked_files_are_scanned_even_when_ignored() {
    if !has_git() {
        eprintln!("NOTE: no git binary; the git side of 'what is scanned' is not tested here");
        return;
    }
    for (format, version) in [("sha1", "2"), ("sha1", "3"), ("sha1", "4"), ("sha256", "4")] {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        ignore_tree(root);
        git(root, &["init", "-q", &format!("--object-format={format}")]);
        git(root, &["add", "."]);
        // Force-added despite .gitignore: the classic leaked `.env`.
        git(
            root,
            &["add", "-f", "build/tracked.tf", "sub/build/tracked.tf"],
        );
        git(root, &["update-index", "--index-version", version]);
        let json = scan_json(root, &[]);
        assert_eq!(
            paths_with_findings(&json),
            [
                "build/tracked.tf",
                "main.tf",
                "sub/app.tf",
                "sub/build/tracked.tf"
            ],
            "{format} index v{version}: {:?}",
            json["errors"]
        );
        // A subdirectory of the repository as the root: index paths are relative to the top.
        let json = scan_json(&root.join("sub"), &[]);
        assert_eq!(paths_with_findings(&json), ["app.tf", "build/tracked.tf"]);
    }
}

#[test]
fn in_a_git_worktree_the_gitdir_file_is_followed() {
    if !has_git() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let main = dir.path().join("main");
    ignore_tree(&main);
    git(&main, &["init", "-q"]);
    git(&main, &["add", "."]);
    git(&main, &["add", "-f", "build/tracked.tf"]);
    git(&main, &["commit", "-qm", "init"]);
    git(&main, &["worktree", "add", "-q", "../wt"]);
    let json = scan_json(&dir.path().join("wt"), &[]);
    assert_eq!(
        paths_with_findings(&json),
        ["build/tracked.tf", "main.tf", "sub/app.tf"]
    );
}

#[test]
fn outside_git_the_gitignore_files_decide() {
    let dir = tempfile::tempdir().expect("tempdir");
    ignore_tree(dir.path());
    let json = scan_json(dir.path(), &[]);
    assert_eq!(paths_with_findings(&json), ["main.tf", "sub/app.tf"]);
    // A corrupt index: a warning, then the .gitignore rules.
    write(
        dir.path(),
        ".git/index",
        b"DIRC\0\0\0\x02\xff\xff\xff\xffgarbage",
    );
    let json = scan_json(dir.path(), &[]);
    assert_eq!(paths_with_findings(&json), ["main.tf", "sub/app.tf"]);
    let errors = json["errors"].to_string();
    assert!(
        errors.contains("\"discovery\"") && errors.contains("git index"),
        "{errors}"
    );
}

#[test]
fn nothing_in_the_repo_is_executed() {
    if !has_git() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    let marker = dir.path().join("executed");
    ignore_tree(&root);
    git(&root, &["init", "-q"]);
    git(&root, &["add", "."]);
    // Set only now: the test's own git commands must not run it either.
    let touch = format!("touch {}", marker.display());
    let config = std::fs::read_to_string(root.join(".git/config")).expect("config");
    write(
        &root,
        ".git/config",
        format!(
            "{config}[core]\n\tfsmonitor = {touch}\n\thooksPath = hooks\n\tpager = {touch}\n\
             [filter \"x\"]\n\tclean = {touch}\n\tsmudge = {touch}\n\tprocess = {touch}\n\
             [diff \"x\"]\n\ttextconv = {touch}\n"
        ),
    );
    write(&root, ".gitattributes", "* filter=x diff=x\n");
    for hook in [
        "post-checkout",
        "pre-commit",
        "fsmonitor-watchman",
        "post-index-change",
    ] {
        write(
            &root,
            &format!("hooks/{hook}"),
            format!("#!/bin/sh\n{touch}\n"),
        );
        write(
            &root,
            &format!(".git/hooks/{hook}"),
            format!("#!/bin/sh\n{touch}\n"),
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for p in [format!("hooks/{hook}"), format!(".git/hooks/{hook}")] {
                std::fs::set_permissions(root.join(p), std::fs::Permissions::from_mode(0o755))
                    .expect("chmod");
            }
        }
    }
    let json = scan_json(&root, &[]);
    assert!(paths_with_findings(&json).contains(&"main.tf".to_string()));
    assert!(
        !marker.exists(),
        "the scan executed something from the repository"
    );
}

/// Every entry's type, size, mode, mtime and content hash, keyed by path.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(p) = stack.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        let hash = if meta.is_file() {
            devops_lint::finding::sha256_hex(&std::fs::read(&p).unwrap_or_default())
        } else {
            String::new()
        };
        out.insert(
            p.clone(),
            format!(
                "{:?} {} {:?} {:?} {hash}",
                meta.file_type(),
                meta.len(),
                meta.permissions(),
                meta.modified().ok()
            ),
        );
        if meta.is_dir() {
            for e in std::fs::read_dir(&p).into_iter().flatten().flatten() {
                stack.push(e.path());
            }
        }
    }
    out
}

#[test]
fn the_scanned_tree_is_never_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    std::fs::create_dir_all(&root).expect("mkdir");
    for file in common::files_under(&common::fixtures()) {
        let rel = file
            .strip_prefix(common::fixtures())
            .expect("under fixtures");
        write(
            &root,
            &rel.to_string_lossy(),
            std::fs::read(&file).expect("read"),
        );
    }
    write(&root, "devops-lint.toml", "stage = \"scale\"\n");
    // Every directory's mtime is in the snapshot: a temp file created and removed shows.
    std::thread::sleep(Duration::from_millis(20));
    let before = snapshot(&root);
    let out = dir.path().join("report");
    for format in ["human", "json", "sarif"] {
        let run = scan(&root, &["--format", format, "--jobs", "4"]);
        assert!(matches!(run.code, Some(0)), "{format}: {}", run.stderr);
        let run = scan(
            &root,
            &["--format", format, "-o", out.to_str().expect("utf-8")],
        );
        assert!(matches!(run.code, Some(0)), "{format}: {}", run.stderr);
    }
    assert_eq!(snapshot(&root), before, "the scan changed the scanned tree");
}

#[test]
fn json_and_sarif_are_byte_identical_for_any_jobs_and_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    for file in common::files_under(&common::fixtures()) {
        let rel = file
            .strip_prefix(common::fixtures())
            .expect("under fixtures");
        write(
            root,
            &rel.to_string_lossy(),
            std::fs::read(&file).expect("read"),
        );
    }
    // Many files with identical findings (fingerprint repeats), parse errors and skips.
    for i in 0..60 {
        write(root, &format!("many/{}/{i}/main.tf", i % 7), sec007());
        write(
            root,
            &format!("many/{}/{i}/broken.tf", i % 5),
            "resource \"a\" {\n  x = [\n",
        );
        write(root, &format!("many/{}/{i}/blob.yml", i % 3), b"\0\0\0");
    }
    write(root, "dup.tf", format!("{}\n{}", sec007(), sec007()));
    for format in ["json", "sarif"] {
        let first = scan(root, &["--format", format, "--jobs", "1"]).stdout;
        assert!(first.len() > 1000, "{format}: {first}");
        for jobs in 1..=8 {
            let again = scan(root, &["--format", format, "--jobs", &jobs.to_string()]).stdout;
            assert!(
                again == first,
                "{format} with --jobs {jobs} differs from --jobs 1"
            );
        }
    }
}

#[test]
fn a_config_symlinked_out_of_the_root_is_refused_not_echoed() {
    const SECRET: &str = "outside-config-content-93ab";
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    write(dir.path(), "outside.toml", format!("{SECRET} = [\n"));
    write(&root, "main.tf", sec007());
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        dir.path().join("outside.toml"),
        root.join("devops-lint.toml"),
    )
    .expect("symlink");
    let run = scan(&root, &[]);
    assert_eq!(run.code, Some(2), "stderr:\n{}", run.stderr);
    assert!(run.stderr.contains("symlink"), "{}", run.stderr);
    assert!(
        !run.stderr.contains(SECRET) && !run.stdout.contains(SECRET),
        "{}",
        run.stderr
    );
    // Named on the command line, the same file is read (and its error shown).
    let config = dir.path().join("outside.toml");
    let run = scan(&root, &["--config", config.to_str().expect("utf-8")]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains(SECRET),
        "an explicit --config is trusted"
    );
    // A symlink that stays inside the root is fine.
    std::fs::remove_file(root.join("devops-lint.toml")).expect("rm");
    write(&root, "config/lint.toml", "stage = \"seed\"\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink("config/lint.toml", root.join("devops-lint.toml")).expect("symlink");
    assert_eq!(scan(&root, &[]).code, Some(0));
}

#[cfg(unix)]
#[test]
fn a_config_fifo_is_an_error_not_a_hang() {
    let dir = tempfile::tempdir().expect("tempdir");
    let status = Command::new("mkfifo")
        .arg(dir.path().join("devops-lint.toml"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let run = scan(dir.path(), &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.elapsed < Duration::from_secs(20));
}

#[test]
fn a_repo_config_cannot_reach_outside_the_root() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    write(dir.path(), "outside/main.tf", sec007());
    write(&root, "main.tf", sec007());
    write(
        &root,
        "devops-lint.toml",
        "exclude = [\"../**\", \"/etc/**\", \"../../**\"]\nmax-file-size = 1000000000000\n",
    );
    // Sparse, 65 MiB: over the cap a repo config can set (64 MiB), under its own value.
    let f = std::fs::File::create(root.join("big.tf")).expect("create");
    f.set_len(65 << 20).expect("set_len");
    let json = scan_json(&root, &[]);
    assert_eq!(paths_with_findings(&json), ["main.tf"]);
    let skipped = json["summary"]["skipped_files"].to_string();
    assert!(
        skipped.contains("big.tf") && skipped.contains("too-large"),
        "{skipped}"
    );
    // The command line can go higher.
    let json = scan_json(&root, &["--max-file-size", "100000000"]);
    let skipped = json["summary"]["skipped_files"].to_string();
    assert!(
        skipped.contains("binary"),
        "read (and found binary) with the flag: {skipped}"
    );
}

/// A baseline named by the repo's own config stays inside the repo: not absolute, no
/// `..`, no symlink out, no FIFO or device (which would block or never end).
#[test]
fn a_repo_config_cannot_point_the_baseline_outside_the_root() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    write(&root, "main.tf", sec007());
    // A real baseline, outside the root, written by the user.
    let outside = dir.path().join("baseline.json");
    let args: Vec<OsString> = [".", "--write-baseline"]
        .iter()
        .map(OsString::from)
        .chain([outside.clone().into_os_string()])
        .collect();
    let run = run_limited(&root, &args, Duration::from_secs(30), false);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    std::os::unix::fs::symlink(&outside, root.join("linked.json")).expect("symlink");
    let fifo = root.join("fifo.json");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo")
        .success());
    for named in [
        outside.display().to_string(),
        "../baseline.json".to_string(),
        "linked.json".to_string(),
        "/dev/zero".to_string(),
        "fifo.json".to_string(),
    ] {
        write(
            &root,
            "devops-lint.toml",
            format!("baseline = \"{named}\"\n"),
        );
        let run = scan(&root, &[]);
        assert_eq!(run.code, Some(2), "baseline = {named}: {}", run.stderr);
        assert!(run.stderr.contains("baseline"), "{}", run.stderr);
        assert!(
            run.elapsed < Duration::from_secs(20),
            "baseline = {named} blocked"
        );
    }
    // Inside the root it works; from the command line, anywhere.
    std::fs::copy(&outside, root.join("baseline.json")).expect("copy");
    write(&root, "devops-lint.toml", "baseline = \"baseline.json\"\n");
    let json = scan_json(&root, &[]);
    assert!(paths_with_findings(&json).contains(&"main.tf".to_string()));
    assert_eq!(
        json["summary"]["findings"]["error"], 0,
        "all baselined: {}",
        json["summary"]
    );
    std::fs::remove_file(root.join("devops-lint.toml")).expect("rm");
    let run = scan(&root, &["--baseline", outside.to_str().expect("utf-8")]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn the_facts_command_refuses_a_config_symlinked_out_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    write(dir.path(), "outside.toml", "stage = \"seed\"\n");
    write(&root, "main.tf", sec007());
    std::os::unix::fs::symlink(
        dir.path().join("outside.toml"),
        root.join("devops-lint.toml"),
    )
    .expect("symlink");
    let args: Vec<OsString> = ["facts", "."].iter().map(OsString::from).collect();
    let run = run_limited(&root, &args, Duration::from_secs(30), false);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("symlink"), "{}", run.stderr);
}
