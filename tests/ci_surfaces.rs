//! The CI surfaces: `--format github` (workflow commands), `--format gitlab`
//! (Code Quality) and `--changed-since REF` (PR mode) on temporary git repos.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::common::{fixtures, run, write};

const OPEN_SSH: &str = r#"resource "aws_security_group" "ssh" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"#;

fn json_findings(root: &Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec![".", "--format", "json", "--fail-on", "never"];
    args.extend_from_slice(extra);
    let out = run(&args, root);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["suppressed"].is_null())
        .cloned()
        .collect()
}

/// The runner's own decoding of a property value (actions/toolkit).
fn unescape(value: &str) -> String {
    value
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%")
}

#[test]
fn github_annotations_one_per_finding() {
    let root = fixtures().join("repos/example-startup");
    let expected = json_findings(&root, &[]);
    assert!(!expected.is_empty(), "the example has findings");
    let out = run(&[".", "--format", "github", "--fail-on", "never"], &root);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    let (commands, rest) = lines.split_at(lines.len() - 1);
    assert!(rest[0].starts_with("devops-lint: "), "{}", rest[0]);
    assert_eq!(commands.len(), expected.len(), "{text}");
    for (line, finding) in commands.iter().zip(&expected) {
        let level = match finding["severity"].as_str() {
            Some("error") => "error",
            Some("warning") => "warning",
            _ => "notice",
        };
        let (head, message) = line[2..].split_once("::").expect("two ::");
        let (command, props) = head.split_once(' ').expect("properties");
        assert_eq!(command, level, "{line}");
        let props: Vec<(&str, &str)> = props
            .split(',')
            .map(|p| p.split_once('=').expect("key=value"))
            .collect();
        let get = |key: &str| props.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        if finding["path"].as_str() != Some("") {
            assert_eq!(
                get("file").map(unescape).as_deref(),
                finding["path"].as_str()
            );
            assert_eq!(get("line"), Some(finding["line"].to_string().as_str()));
            assert_eq!(get("col"), Some(finding["column"].to_string().as_str()));
        }
        let title = format!(
            "{} {}",
            finding["rule_id"].as_str().expect("id"),
            finding["rule_name"].as_str().expect("name")
        );
        assert_eq!(get("title").map(unescape), Some(title));
        assert!(
            unescape(message).starts_with(finding["message"].as_str().expect("message")),
            "{line}"
        );
    }
}

#[test]
fn github_escapes_hostile_paths_and_messages() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A path holding every character the runner treats specially in a property.
    write(dir.path(), "infra/a,b:c%25.tf", OPEN_SSH);
    write(
        dir.path(),
        ".github/workflows/ci.yml",
        "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: \"evil/act@v1%0A::error::pwned\"\n",
    );
    let out = run(
        &[
            ".",
            "--format",
            "github",
            "--fail-on",
            "never",
            "--stage",
            "growth",
            "--select",
            "SEC007,SEC016",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(!text.contains('\r'));
    let commands: Vec<&str> = text.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(commands.len(), 2, "{text}");
    for line in text.lines() {
        assert!(
            line.starts_with("::error ")
                || line.starts_with("::warning ")
                || line.starts_with("::notice ")
                || line.starts_with("devops-lint: "),
            "a line nobody wrote: {line}"
        );
    }
    let sec007 = commands
        .iter()
        .find(|l| l.contains("SEC007"))
        .expect("SEC007 annotation");
    assert!(sec007.contains("file=infra/a%2Cb%3Ac%2525.tf,"), "{sec007}");
    let sec016 = commands
        .iter()
        .find(|l| l.contains("SEC016"))
        .expect("SEC016 annotation");
    // The repo's `%0A` is data: it is escaped, never decoded into a line break.
    assert!(sec016.contains("v1%250A::error::pwned"), "{sec016}");
}

#[test]
fn gitlab_code_quality_report() {
    let root = fixtures().join("repos/example-startup");
    let expected = json_findings(&root, &[]);
    let out = run(&[".", "--format", "gitlab", "--fail-on", "never"], &root);
    assert_eq!(out.status.code(), Some(0));
    let issues: Vec<Value> = serde_json::from_slice(&out.stdout).expect("a JSON array");
    assert_eq!(issues.len(), expected.len());
    let mut fingerprints = std::collections::BTreeSet::new();
    for (issue, finding) in issues.iter().zip(&expected) {
        assert_eq!(issue["type"], "issue");
        assert_eq!(
            issue["check_name"].as_str().expect("check_name"),
            format!(
                "{} {}",
                finding["rule_id"].as_str().expect("id"),
                finding["rule_name"].as_str().expect("name")
            )
        );
        assert_eq!(issue["description"], finding["message"]);
        let severity = issue["severity"].as_str().expect("severity");
        let want = match finding["severity"].as_str() {
            Some("error") => "critical",
            Some("warning") => "major",
            _ => "minor",
        };
        assert_eq!(severity, want);
        let path = finding["path"].as_str().expect("path");
        let want_path = if path.is_empty() { "." } else { path };
        assert_eq!(issue["location"]["path"], want_path);
        assert_eq!(issue["location"]["lines"]["begin"], finding["line"]);
        let fp = issue["fingerprint"].as_str().expect("fingerprint");
        assert_eq!(fp.len(), 32);
        assert!(
            fingerprints.insert(fp.to_string()),
            "fingerprints are unique"
        );
    }
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A repo whose base commit has three findings, then a change that modifies one
/// file, adds one, renames one and deletes one.
fn changed_repo() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, "keep.tf", OPEN_SSH);
    write(root, "modify.tf", OPEN_SSH);
    write(root, "gone.tf", OPEN_SSH);
    write(root, "app/Dockerfile", "FROM ubuntu\nUSER app\n");
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "base"]);
    let base = git(root, &["rev-parse", "HEAD"]);
    git(root, &["tag", "base"]);
    // Modified (committed), renamed, deleted; then an uncommitted addition.
    write(root, "modify.tf", format!("# changed\n{OPEN_SSH}"));
    std::fs::create_dir_all(root.join("svc")).expect("mkdir");
    git(root, &["mv", "app/Dockerfile", "svc/Dockerfile"]);
    git(root, &["rm", "-q", "gone.tf"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "change"]);
    write(root, "added.tf", OPEN_SSH);
    (dir, base)
}

fn paths(findings: &[Value]) -> Vec<String> {
    let mut p: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["path"].as_str().unwrap_or(""),
                f["rule_id"].as_str().unwrap_or("")
            )
        })
        .collect();
    p.sort();
    p
}

#[test]
fn changed_since_reports_only_changed_files() {
    let (dir, base) = changed_repo();
    let select = ["--select", "SEC007,PRV007"];
    let all = json_findings(dir.path(), &select);
    assert_eq!(
        paths(&all),
        [
            "added.tf SEC007",
            "keep.tf SEC007",
            "modify.tf SEC007",
            "svc/Dockerfile PRV007"
        ]
    );
    for rev in ["base", base.as_str(), "HEAD~1"] {
        let mut args = select.to_vec();
        args.extend(["--changed-since", rev]);
        let changed = json_findings(dir.path(), &args);
        assert_eq!(
            paths(&changed),
            [
                "added.tf SEC007",
                "modify.tf SEC007",
                "svc/Dockerfile PRV007"
            ],
            "--changed-since {rev}"
        );
    }
    // Against the current commit only the uncommitted file differs.
    let mut args = select.to_vec();
    args.extend(["--changed-since", "HEAD"]);
    assert_eq!(
        paths(&json_findings(dir.path(), &args)),
        ["added.tf SEC007"]
    );
}

#[test]
fn changed_since_in_a_subdirectory_of_the_repo() {
    let (dir, _) = changed_repo();
    write(dir.path(), "svc/extra.tf", OPEN_SSH);
    let out = run(
        &[
            ".",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--select",
            "SEC007,PRV007",
            "--changed-since",
            "base",
        ],
        &dir.path().join("svc"),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        paths(doc["findings"].as_array().expect("findings")),
        ["Dockerfile PRV007", "extra.tf SEC007"]
    );
}

#[test]
fn changed_since_unknown_ref_is_a_usage_error() {
    let (dir, _) = changed_repo();
    let out = run(&[".", "--changed-since", "no-such-branch"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no-such-branch"), "{err}");
    assert!(out.stdout.is_empty(), "no report on a usage error");

    let plain = tempfile::tempdir().expect("tempdir");
    write(plain.path(), "a.tf", OPEN_SSH);
    let out = run(&[".", "--changed-since", "main"], plain.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not inside a git repository"), "{err}");
}

#[test]
fn changed_since_in_a_shallow_clone_without_the_ref() {
    let (dir, base) = changed_repo();
    let clones = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", dir.path().display());
    git(
        clones.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let shallow = clones.path().join("shallow");
    let out = run(&[".", "--changed-since", &base], &shallow);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("shallow") && err.contains("fetch-depth: 0"),
        "{err}"
    );
    // The commit the clone has works.
    let out = run(
        &[".", "--fail-on", "never", "--changed-since", "HEAD"],
        &shallow,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
