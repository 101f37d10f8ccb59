//! The binary end to end on the bundled example repo: exit codes, config
//! errors, determinism across thread counts, and secrets never printed whole.

use std::process::Output;

use crate::common::{self, bin, run};

pub fn example_repo() -> std::path::PathBuf {
    common::fixtures().join("repos/example-startup")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn exit_codes() {
    let repo = example_repo();
    let o = run(&["."], &repo);
    assert_eq!(
        o.status.code(),
        Some(1),
        "errors in the example repo fail the run"
    );
    let o = run(&[".", "--fail-on", "never"], &repo);
    assert_eq!(o.status.code(), Some(0));
    let o = run(&[".", "--select", "SEC999"], &repo);
    assert_eq!(o.status.code(), Some(2), "unknown rule is a usage error");
    let o = run(&[".", "--format", "xml"], &repo);
    assert_eq!(o.status.code(), Some(2), "bad flag value is a usage error");
    let o = run(&["--select", "PRV007", "."], &repo);
    assert_eq!(
        o.status.code(),
        Some(0),
        "only warnings: below the default fail-on"
    );
    let o = run(&["--select", "PRV007", "--fail-on", "warning", "."], &repo);
    assert_eq!(o.status.code(), Some(1));
}

/// A typo in a CI step fails: a path that does not exist is a usage error naming it,
/// for a directory and in file-list mode.
#[test]
fn a_missing_path_exits_2_naming_it() {
    let repo = example_repo();
    for args in [
        &["no/such/dir"][..],
        &["--format", "sarif", "no/such/dir"],
        &["Dockerfile", "no-such-file.tf"],
    ] {
        let o = run(args, &repo);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("no-such") || err.contains("no/such"),
            "{args:?}: {err}"
        );
        assert!(err.contains("no such file or directory"), "{err}");
        assert!(o.stdout.is_empty(), "no report: {}", stdout(&o));
    }
}

/// A root the scan cannot list is a usage error too (run as nobody: root reads all).
#[cfg(unix)]
#[test]
fn an_unreadable_root_exits_2() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let locked = dir.path().join("locked");
    common::write(&locked, "Dockerfile", "FROM python:latest\n");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o300)).expect("chmod");
    let args: Vec<std::ffi::OsString> = vec![locked.clone().into()];
    let as_nobody = cfg!(target_os = "linux") && unsafe { libc::geteuid() } == 0;
    let run = crate::hostile::run_limited(
        dir.path(),
        &args,
        std::time::Duration::from_secs(20),
        as_nobody,
    );
    let _ = std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755));
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("cannot read"), "{}", run.stderr);
}

/// `devops-lint --plugin X rules` runs the subcommand (its options moved after it), and
/// says why not when an option before it is not its own.
#[test]
fn a_subcommand_after_options_runs_or_says_why_not() {
    let repo = example_repo();
    let o = run(&["--plugin", "no-such-plugin.wasm", "rules"], &repo);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout(&o).contains("SEC007  open-admin-port"),
        "{}",
        stdout(&o)
    );
    let o = run(&["--format", "json", "rules"], &repo);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("`rules` is a subcommand"), "{err}");
    assert!(o.stdout.is_empty());
    // `./rules` is still a directory to scan.
    let dir = tempfile::tempdir().expect("tempdir");
    common::write(
        dir.path(),
        "rules/Dockerfile",
        "FROM python:3.12\nUSER app\n",
    );
    let o = run(&["--fail-on", "never", "./rules"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Scanned 1 files"), "{}", stdout(&o));
}

#[test]
fn config_errors_point_into_the_toml_and_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("devops-lint.toml"),
        "[rules]\nSEC999 = \"off\"\n",
    )
    .expect("write");
    let o = run(&["."], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("unknown rule `SEC999`"), "{err}");
    assert!(
        err.contains("devops-lint.toml:2:1"),
        "points at the key: {err}"
    );
}

#[test]
fn json_and_sarif_are_identical_across_thread_counts() {
    let repo = example_repo();
    for format in ["json", "sarif"] {
        let one = run(&[".", "--format", format, "--jobs", "1"], &repo);
        let many = run(&[".", "--format", format, "--jobs", "8"], &repo);
        assert!(!one.stdout.is_empty());
        assert_eq!(
            one.stdout, many.stdout,
            "{format} differs between --jobs 1 and 8"
        );
        let again = run(&[".", "--format", format, "--jobs", "3"], &repo);
        assert_eq!(one.stdout, again.stdout, "{format} differs between runs");
    }
}

/// Formats that quote no file (JSON, Markdown, GitHub, GitLab) are rendered from a scan
/// that kept no texts, only the secrets to mask in them: the same bytes as from a scan
/// that kept every text.
#[test]
fn a_scan_without_texts_renders_the_same_reports() {
    use devops_lint::config::Config;
    use devops_lint::engine::{self, ScanOptions};
    use devops_lint::registry::Registry;
    use devops_lint::report::{self, Format, RenderOptions};
    use devops_lint::rule::Stage;

    // A secret quoted in a diagnostic of another file (an ignore comment naming it):
    // masked only if the secrets of the files with findings are known.
    let quoting = tempfile::tempdir().expect("tempdir");
    let settings = std::fs::read_to_string(example_repo().join("app/settings.py")).expect("read");
    common::write(quoting.path(), "app/settings.py", &settings);
    let secret = example_secrets().into_iter().next().expect("a secret");
    let comment = format!("x = 1  # devops-lint: ignore[{secret}] why\n");
    common::write(quoting.path(), "app/other.py", comment);
    let fixtures = common::fixtures();
    for root in [
        quoting.path().to_path_buf(),
        example_repo(),
        fixtures.join("SEC001/fail"),
        fixtures.join("SEC005/fail"),
    ] {
        let scan = |keep_texts: bool| {
            let opts = ScanOptions {
                root: root.clone(),
                paths: None,
                stage: Stage::Scale,
                select: Vec::new(),
                ignore: Vec::new(),
                jobs: 2,
                no_ignores: false,
                repo_rules: true,
                max_file_size: devops_lint::discover::DEFAULT_MAX_FILE_SIZE,
                keep_texts,
            };
            let config = Config::default();
            let selection = engine::select(Registry::builtin(), &config, &opts).expect("selection");
            engine::scan(&opts, &config, &selection)
        };
        let (kept, dropped) = (scan(true), scan(false));
        assert!(!kept.sources.is_empty() && kept.secret_forms.is_empty());
        assert!(dropped.sources.is_empty() && !dropped.secret_forms.is_empty());
        for format in [
            Format::Json,
            Format::Markdown,
            Format::Github,
            Format::Gitlab,
        ] {
            let opts = RenderOptions::default();
            let out = report::render(&dropped, format, &opts);
            assert!(!out.contains(&secret), "{format:?} leaks a secret");
            assert_eq!(
                report::render(&kept, format, &opts),
                out,
                "{format:?} differs on {}",
                root.display()
            );
        }
    }
}

#[test]
fn the_example_repo_shows_real_findings_with_snippets() {
    let o = run(&["."], &example_repo());
    let out = stdout(&o);
    for id in ["SEC001", "SEC007", "SEC014", "PRV007", "SEC018"] {
        assert!(out.contains(id), "{id} missing from:\n{out}");
    }
    assert!(out.contains("│"), "snippets are drawn:\n{out}");
    assert!(out.contains("Scanned "), "summary line:\n{out}");
}

#[test]
fn secrets_are_never_printed_whole() {
    let repo = example_repo();
    let secrets = crate::cli::example_secrets();
    for format in ["human", "json", "sarif"] {
        let o = run(&[".", "--format", format], &repo);
        let all = format!("{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
        for secret in &secrets {
            assert!(
                !all.contains(secret.as_str()),
                "{format} output leaks {}…",
                &secret[..4]
            );
            // Nor any 12-character window of it.
            for window in secret.as_bytes().windows(12) {
                let w = String::from_utf8_lossy(window);
                assert!(
                    !all.contains(w.as_ref()),
                    "{format} output leaks part of a secret"
                );
            }
        }
    }
}

/// The secret values planted in the example repo (read from the files, so the
/// test does not hold them as literals).
pub fn example_secrets() -> Vec<String> {
    let text =
        std::fs::read_to_string(example_repo().join("app/settings.py")).expect("settings.py");
    text.lines()
        .filter_map(|l| {
            l.split_once('"')
                .and_then(|(_, rest)| rest.split_once('"'))
                .map(|(v, _)| v.to_string())
        })
        .filter(|v| v.len() >= 16)
        .collect()
}

#[test]
fn rules_and_explain() {
    let o = bin().arg("rules").output().expect("rules");
    let out = stdout(&o);
    assert!(out.contains("SEC007  open-admin-port"), "{out}");
    let by_id = bin().args(["explain", "SEC007"]).output().expect("explain");
    let by_name = bin()
        .args(["explain", "open-admin-port"])
        .output()
        .expect("explain");
    assert_eq!(by_id.stdout, by_name.stdout);
    assert!(stdout(&by_id).contains("## How to fix"));
    let unknown = bin().args(["explain", "NOPE01"]).output().expect("explain");
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn inline_ignores_with_reasons_expiry_and_stale_ignores() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("Dockerfile"),
        "# devops-lint: ignore[PRV007] base image pinned by the build system\n\
         FROM node AS build\n\
         RUN true\n\
         # devops-lint: ignore[PRV007] nothing to ignore: pinned\n\
         FROM alpine:3.20 AS tools\n\
         # devops-lint: ignore[container-runs-as-root] until=2026-01-01 expired\n\
         FROM node:20\n",
    )
    .expect("write");
    let o = run(&[".", "--format", "json", "--stage", "scale"], dir.path());
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let findings = json["findings"].as_array().expect("findings");
    let prv = findings
        .iter()
        .find(|f| f["rule_id"] == "PRV007")
        .expect("PRV007");
    assert_eq!(
        prv["suppressed"]["reason"],
        "base image pinned by the build system"
    );
    let sec = findings
        .iter()
        .find(|f| f["rule_id"] == "SEC014")
        .expect("SEC014");
    assert!(
        sec["suppressed"].is_null(),
        "an expired ignore no longer applies"
    );
    let errors = json["errors"].as_array().expect("errors");
    assert!(
        errors.iter().any(|e| e["message"]
            .as_str()
            .is_some_and(|m| m.contains("unused ignore"))
            && e["line"] == 4),
        "stale ignore reported: {errors:?}"
    );
    assert_eq!(json["summary"]["suppressed"], 1);
}

#[test]
fn unparsable_files_are_diagnosed_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("broken.tf"),
        "resource \"aws_instance\" \"x\" {\n  ami = \n",
    )
    .expect("write");
    std::fs::create_dir_all(dir.path().join(".github/workflows")).expect("mkdir");
    std::fs::write(
        dir.path().join(".github/workflows/ci.yml"),
        "on: [push\njobs: {\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("Dockerfile"), "FROM node\n").expect("write");
    std::fs::write(dir.path().join("blob.bin"), b"\x00\x01\x02binary").expect("write");
    let o = run(&[".", "--format", "json", "--select", "PRV007"], dir.path());
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let errors = json["errors"].as_array().expect("errors");
    assert!(
        errors
            .iter()
            .any(|e| e["path"] == "broken.tf" && e["kind"] == "parse-error"),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e["path"] == ".github/workflows/ci.yml"),
        "{errors:?}"
    );
    assert_eq!(
        json["findings"][0]["rule_id"], "PRV007",
        "other files still checked"
    );
    assert_eq!(json["summary"]["skipped"]["binary"], 1);
}

#[test]
fn json_render_matches_the_value_tree() {
    // `render` streams borrowed structs for speed; it must give `to_value`'s bytes.
    let result = common::scan(&example_repo(), None, &[], 2);
    assert!(!result.findings.is_empty());
    let value = devops_lint::report::json::to_value(&result);
    let expected = serde_json::to_string_pretty(&value).expect("json") + "\n";
    assert_eq!(devops_lint::report::json::render(&result), expected);
}
