//! `--fix`, `--unsafe-fixes`, `--diff`: every fixable rule's fix applied to
//! fixtures/fix/<ID>/before and compared byte for byte with fixtures/fix/<ID>/after;
//! then a second run changes nothing, the rule no longer fires, no other finding
//! appears and the files parse. Bad input: read-only, changed during the scan, symlinks
//! out of the root, files over the size limit.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common;

/// Every file under `dir` (relative path → bytes).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for file in common::files_under(dir) {
        let rel = file
            .strip_prefix(dir)
            .expect("under")
            .to_string_lossy()
            .replace('\\', "/");
        out.insert(rel, std::fs::read(&file).expect("read"));
    }
    out
}

fn copy_tree(from: &Path, to: &Path) {
    for (rel, bytes) in tree(from) {
        common::write(to, &rel, bytes);
    }
}

/// `--format json --stage scale` of `dir` (all rules unless `select`): the findings as
/// (rule, path, message), and the tool errors.
fn scan_json(dir: &Path, select: Option<&str>) -> (Vec<(String, String, String)>, Vec<String>) {
    let mut args = vec!["--format", "json", "--stage", "scale", "--fail-on", "never"];
    if let Some(rule) = select {
        args.extend(["--select", rule]);
    }
    args.push(".");
    let out = common::run(&args, dir);
    common::assert_success(&out);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let findings = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or("").to_string(),
                f["path"].as_str().unwrap_or("").to_string(),
                f["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let errors = report["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["message"].to_string())
        .collect();
    (findings, errors)
}

fn fix(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "--fix",
        "--unsafe-fixes",
        "--stage",
        "scale",
        "--fail-on",
        "never",
    ];
    args.extend(extra);
    args.push(".");
    common::run(&args, dir)
}

fn fix_cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(common::fixtures().join("fix"))
        .expect("fixtures/fix")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("after").is_dir())
        .collect();
    cases.sort();
    cases
}

#[test]
fn every_fixable_rule_has_a_fix_fixture_and_enough_are_fixable() {
    let metas: Vec<_> = devops_lint::registry::Registry::builtin()
        .metas()
        .filter(|m| m.fix != devops_lint::rule::FixSafety::None)
        .collect();
    let cases: Vec<String> = fix_cases()
        .iter()
        .map(|c| c.file_name().expect("name").to_string_lossy().to_string())
        .collect();
    for meta in &metas {
        assert!(
            cases.contains(&meta.id.to_string()),
            "{} is fixable but has no fixtures/fix/{}/{{before,after}}",
            meta.id,
            meta.id
        );
        assert!(
            meta.docs.contains("## Fix"),
            "{}: the docs must say what the fix writes (a `## Fix` section)",
            meta.id
        );
    }
    let safe = metas
        .iter()
        .filter(|m| m.fix == devops_lint::rule::FixSafety::Safe)
        .count();
    assert!(
        metas.len() >= 8 && safe >= 3,
        "{} fixable, {safe} safe",
        metas.len()
    );
}

#[test]
fn each_fix_gives_the_expected_text_once_and_for_all() {
    for case in fix_cases() {
        let rule = case
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        let dir = tempfile::tempdir().expect("tempdir");
        copy_tree(&case.join("before"), dir.path());
        let (before, _) = scan_json(dir.path(), None);
        assert!(
            before.iter().any(|f| f.0 == rule),
            "{rule}: the before/ case must fire the rule"
        );

        let out = fix(dir.path(), &["--select", &rule]);
        assert!(
            out.stderr.is_empty(),
            "{rule}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let fixed = tree(dir.path());
        let expected = tree(&case.join("after"));
        for (rel, bytes) in &expected {
            assert_eq!(
                String::from_utf8_lossy(fixed.get(rel).map_or(&[][..], |b| b)),
                String::from_utf8_lossy(bytes),
                "{rule}: {rel} after --fix"
            );
        }
        assert_eq!(
            fixed.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "{rule}: the files after --fix"
        );

        // A second run changes nothing.
        let again = fix(dir.path(), &["--select", &rule]);
        assert_eq!(
            tree(dir.path()),
            fixed,
            "{rule}: a second --fix changed files"
        );
        assert!(
            String::from_utf8_lossy(&again.stdout).contains("Fixed 0 findings"),
            "{rule}: {}",
            String::from_utf8_lossy(&again.stdout)
        );

        // The rule no longer fires, nothing new fires, and every file parses.
        let (after, errors) = scan_json(dir.path(), None);
        assert!(
            !after.iter().any(|f| f.0 == rule),
            "{rule} still fires: {after:?}"
        );
        let new: Vec<_> = after.iter().filter(|f| !before.contains(f)).collect();
        assert!(
            new.is_empty(),
            "{rule}: new findings after the fix: {new:?}"
        );
        assert!(
            errors.is_empty(),
            "{rule}: the fixed files do not parse: {errors:?}"
        );
    }
}

/// A secret variable that an output reads (through a local) cannot be marked sensitive
/// without breaking `terraform plan`: the finding stays, with no fix.
#[test]
fn sensitive_is_not_offered_when_an_output_reads_the_variable() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(
        &common::fixtures().join("fix/SEC002-output/before"),
        dir.path(),
    );
    let before = tree(dir.path());
    let out = fix(dir.path(), &["--select", "SEC002"]);
    assert_eq!(tree(dir.path()), before);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("`db_password` is not marked `sensitive`"),
        "{stdout}"
    );
    assert!(stdout.contains("Fixed 0 findings"), "{stdout}");
}

#[test]
fn diff_writes_nothing_and_shows_every_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&common::fixtures().join("fix/SEC011/before"), dir.path());
    copy_tree(&common::fixtures().join("fix/DLV005/before"), dir.path());
    let before = tree(dir.path());
    let out = common::run(&["--diff", "--stage", "scale", "."], dir.path());
    assert_eq!(tree(dir.path()), before, "--diff wrote files");
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&out.stdout);
    // Safe fixes only: the .dockerignore, not the (unsafe) encryption.
    assert!(
        diff.contains("--- /dev/null\n+++ b/app/Dockerfile.dockerignore\n"),
        "{diff}"
    );
    assert!(!diff.contains("storage_encrypted"), "{diff}");
    let all = common::run(
        &["--diff", "--unsafe-fixes", "--stage", "scale", "."],
        dir.path(),
    );
    let diff = String::from_utf8_lossy(&all.stdout);
    assert!(
        diff.contains("--- a/main.tf\n+++ b/main.tf\n")
            && diff.contains("+  storage_encrypted = true\n")
            && diff.contains("-  encrypted         = false\n+  encrypted         = true\n"),
        "{diff}"
    );
    assert_eq!(
        tree(dir.path()),
        before,
        "--diff --unsafe-fixes wrote files"
    );
    let stderr = String::from_utf8_lossy(&all.stderr);
    assert!(
        stderr.contains("fixes would change 2 files (nothing written)"),
        "{stderr}"
    );
}

/// Line endings, a BOM and a missing last newline: untouched where nothing is fixable,
/// kept where a fix applies.
#[test]
fn fix_keeps_bytes_it_does_not_fix() {
    let dir = tempfile::tempdir().expect("tempdir");
    let untouched: &[(&str, &[u8])] = &[
        (
            "crlf.tf",
            b"variable \"region\" {\r\n  type = string\r\n}\r\n",
        ),
        ("bom.tf", b"\xEF\xBB\xBFlocals {\n  name = \"app\"\n}"),
        (
            "Dockerfile",
            b"FROM alpine:3.19\nUSER 10001\nCMD [\"true\"]",
        ),
    ];
    for (rel, bytes) in untouched {
        common::write(dir.path(), rel, bytes);
    }
    // Fixable, with a BOM, CRLF and no newline at the end.
    common::write(
        dir.path(),
        "logs.tf",
        b"\xEF\xBB\xBFresource \"aws_cloudwatch_log_group\" \"app\" {\r\n  name = \"/app\"\r\n}",
    );
    let out = fix(dir.path(), &[]);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (rel, bytes) in untouched {
        assert_eq!(
            std::fs::read(dir.path().join(rel)).expect("read"),
            *bytes,
            "{rel} changed"
        );
    }
    assert_eq!(
        String::from_utf8_lossy(&std::fs::read(dir.path().join("logs.tf")).expect("read")),
        "\u{feff}resource \"aws_cloudwatch_log_group\" \"app\" {\r\n  name = \"/app\"\r\n  retention_in_days = 90\r\n}"
    );
}

#[cfg(unix)]
#[test]
fn read_only_files_are_reported_and_left_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&common::fixtures().join("fix/RUN009/before"), dir.path());
    let path = dir.path().join("main.tf");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let before = tree(dir.path());
    let out = fix(dir.path(), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: main.tf: not fixed: it is read-only"),
        "{stderr}"
    );
    assert_eq!(tree(dir.path()), before);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Fixed 0 findings"));
}

/// Permissions are kept, and no temporary file is left beside the fixed one.
#[cfg(unix)]
#[test]
fn a_fixed_file_keeps_its_mode_and_leaves_no_temporary_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&common::fixtures().join("fix/RUN009/before"), dir.path());
    let path = dir.path().join("main.tf");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let out = fix(dir.path(), &[]);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    assert_eq!(tree(dir.path()).keys().collect::<Vec<_>>(), vec!["main.tf"]);
}

/// `DEVOPS_LINT_TEST_CHANGE` (debug builds) edits the file between the scan and the fix,
/// as an editor saving it would: the fix is refused and the edit kept.
#[test]
fn a_file_changed_during_the_scan_is_not_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&common::fixtures().join("fix/RUN009/before"), dir.path());
    let original = std::fs::read_to_string(dir.path().join("main.tf")).expect("read");
    let out = common::bin()
        .args(["--fix", "--unsafe-fixes", "--stage", "scale", "."])
        .env("DEVOPS_LINT_TEST_CHANGE", "main.tf")
        .current_dir(dir.path())
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: main.tf: not fixed: it changed on disk since the scan read it"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("main.tf")).expect("read"),
        format!("{original}\n# edited during the scan\n")
    );
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_root_are_never_written_through() {
    let outside = tempfile::tempdir().expect("tempdir");
    copy_tree(
        &common::fixtures().join("fix/RUN009/before"),
        outside.path(),
    );
    copy_tree(
        &common::fixtures().join("fix/SEC014/before"),
        outside.path(),
    );
    let before = tree(outside.path());
    let dir = tempfile::tempdir().expect("tempdir");
    std::os::unix::fs::symlink(outside.path().join("main.tf"), dir.path().join("main.tf"))
        .expect("symlink");
    std::os::unix::fs::symlink(outside.path(), dir.path().join("linked")).expect("symlink");
    fix(dir.path(), &[]);
    // File-list mode names the symlinks themselves.
    let out = common::run(
        &["--fix", "--unsafe-fixes", "main.tf", "linked/Dockerfile"],
        dir.path(),
    );
    assert_eq!(tree(outside.path()), before, "written through a symlink");
    assert!(
        std::fs::symlink_metadata(dir.path().join("main.tf"))
            .expect("meta")
            .file_type()
            .is_symlink(),
        "the symlink was replaced"
    );
    let _ = out;
}

#[test]
fn files_over_the_size_limit_are_reported_and_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&common::fixtures().join("fix/RUN009/before"), dir.path());
    let before = tree(dir.path());
    let out = fix(dir.path(), &["--max-file-size", "64"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: main.tf: not fixed: over the size limit"),
        "{stderr}"
    );
    assert_eq!(tree(dir.path()), before);
}

/// pre-commit passes the staged files: `--fix` fixes them.
#[test]
fn file_list_mode_fixes_the_files_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&common::fixtures().join("fix/SEC002/before"), dir.path());
    copy_tree(&common::fixtures().join("fix/RUN009/before"), dir.path());
    let untouched = std::fs::read(dir.path().join("main.tf")).expect("read");
    let out = common::run(&["--fix", "variables.tf"], dir.path());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("variables.tf")).expect("read"),
        std::fs::read_to_string(common::fixtures().join("fix/SEC002/after/variables.tf"))
            .expect("read")
    );
    assert_eq!(
        std::fs::read(dir.path().join("main.tf")).expect("read"),
        untouched
    );
}

#[test]
fn unsafe_fixes_needs_fix_or_diff() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = common::run(&["--unsafe-fixes", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

/// JSON findings carry their edits; SARIF results carry `fixes` the multitool accepts.
#[test]
fn json_and_sarif_carry_the_fixes() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&common::fixtures().join("fix/RUN009/before"), dir.path());
    copy_tree(&common::fixtures().join("fix/DLV005/before"), dir.path());
    let out = common::run(
        &[
            "--format",
            "json",
            "--stage",
            "scale",
            "--select",
            "RUN009,DLV005",
            ".",
        ],
        dir.path(),
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let fixes: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| &f["fix"])
        .collect();
    let text = std::fs::read_to_string(dir.path().join("main.tf")).expect("read");
    let retention = text.find("= 0").expect("retention") as u64 + 2;
    assert!(
        fixes.iter().any(|f| f["safety"] == "unsafe"
            && f["path"] == "main.tf"
            && f["edits"][0]["start"] == retention
            && f["edits"][0]["end"] == retention + 1
            && f["edits"][0]["content"] == "7"),
        "{fixes:?}"
    );
    assert!(
        fixes.iter().any(|f| f["safety"] == "safe"
            && f["path"] == "app/Dockerfile.dockerignore"
            && f["creates"] == true),
        "{fixes:?}"
    );

    let out = common::run(
        &[
            "--format",
            "sarif",
            "--stage",
            "scale",
            "--select",
            "RUN009,DLV005",
            ".",
        ],
        dir.path(),
    );
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let replacement = results
        .iter()
        .filter_map(|r| r["fixes"][0]["artifactChanges"][0]["replacements"][0].as_object())
        .find(|r| r["insertedContent"]["text"] == "7")
        .expect("a SARIF fix for the retention");
    assert_eq!(replacement["deletedRegion"]["byteOffset"], retention);
    assert_eq!(replacement["deletedRegion"]["startLine"], 4);
    assert_eq!(replacement["deletedRegion"]["startColumn"], 29);
    assert_eq!(replacement["deletedRegion"]["endColumn"], 30);
    crate::sarif::validate_with_multitool(&sarif);
}

#[test]
fn rules_and_explain_show_the_fix() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = common::run(&["rules"], dir.path());
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.lines().next().is_some_and(|h| h.ends_with(" FIX")),
        "{table}"
    );
    let row = |id: &str| {
        table
            .lines()
            .find(|l| l.starts_with(id))
            .map(|l| l.split_whitespace().last().unwrap_or("").to_string())
    };
    assert_eq!(row("SEC018").as_deref(), Some("safe"));
    assert_eq!(row("SEC011").as_deref(), Some("unsafe"));
    assert_eq!(row("SEC007").as_deref(), Some("-"));
    let out = common::run(&["explain", "SEC011"], dir.path());
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(
        page.contains("Fix: **unsafe**") && page.contains("## Fix"),
        "{page}"
    );
}
