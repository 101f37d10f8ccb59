//! Baselines end to end: `--write-baseline`, then `--baseline` or config
//! `baseline`, across code moved up and down, lines edited, resources added
//! and secrets changed; and `devops-lint init`.

use std::path::Path;
use std::process::Output;

use devops_lint::baseline::Baseline;
use devops_lint::finding::FindingBuilder;
use devops_lint::registry::Registry;
use devops_lint::source::{FileKind, SourceFile, Span};

use crate::common::{assert_success, bin, run};

const BASELINE: &str = ".devops-lint-baseline.json";

const MAIN_TF: &str = r#"resource "aws_security_group" "web" {
  name = "web"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "admin" {
  name = "admin"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"#;

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// (rule, line) of every finding not suppressed.
fn active(o: &Output) -> Vec<(String, u64)> {
    json(o)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["suppressed"].is_null())
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// A small repo with findings in Terraform (two identical lines) and a Dockerfile.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("infra")).expect("mkdir");
    std::fs::write(dir.path().join("infra/main.tf"), MAIN_TF).expect("write");
    std::fs::write(dir.path().join("Dockerfile"), "FROM node\nRUN npm ci\n").expect("write");
    // CI that runs tests, so the repo rules (DLV001, DLV002) add nothing to count.
    std::fs::create_dir_all(dir.path().join(".github/workflows")).expect("mkdir");
    std::fs::write(
        dir.path().join(".github/workflows/ci.yml"),
        "on: push\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n",
    )
    .expect("write");
    dir
}

/// How many findings a plain scan reports (file rules and repo rules).
fn finding_count(dir: &Path) -> usize {
    let o = run(&[".", "--format", "json"], dir);
    json(&o)["findings"].as_array().expect("findings").len()
}

fn write_baseline(dir: &Path) {
    let expected = finding_count(dir);
    assert!(
        expected >= 4,
        "the fixture repo has at least its 4 file findings"
    );
    let o = run(&["--write-baseline", BASELINE, "."], dir);
    assert_success(&o);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(&format!("wrote {expected} findings")),
        "{stderr}"
    );
}

fn scan(dir: &Path) -> Output {
    run(&[".", "--format", "json", "--baseline", BASELINE], dir)
}

#[test]
fn round_trip_reports_nothing_and_exits_0() {
    let dir = repo();
    let before = run(&["."], dir.path());
    assert_eq!(
        before.status.code(),
        Some(1),
        "SEC007 errors fail the run before the baseline"
    );
    write_baseline(dir.path());
    let text = std::fs::read_to_string(dir.path().join(BASELINE)).expect("baseline written");
    let parsed = Baseline::parse(&text, BASELINE).expect("valid baseline");
    assert_eq!(parsed.findings.len(), 4);
    assert!(
        !text.contains(&dir.path().display().to_string()),
        "no absolute paths"
    );

    let o = scan(dir.path());
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(active(&o), vec![]);
    let findings = json(&o)["findings"].clone();
    for f in findings.as_array().expect("findings") {
        assert_eq!(f["suppressed"]["kind"], "baseline", "{f}");
    }
    assert_eq!(json(&o)["summary"]["suppressed"], 4);

    // Writing it again gives the same bytes (stable diffs).
    write_baseline(dir.path());
    assert_eq!(
        std::fs::read_to_string(dir.path().join(BASELINE)).expect("read"),
        text
    );
}

#[test]
fn moved_code_stays_matched() {
    let dir = repo();
    write_baseline(dir.path());
    // Lines added above, the two resources swapped, the Dockerfile's lines moved down.
    let (web, admin) = MAIN_TF.split_at(
        MAIN_TF
            .find("resource \"aws_security_group\" \"admin\"")
            .expect("admin"),
    );
    let moved = format!(
        "terraform {{\n  required_version = \">= 1.6\"\n}}\n\n# security groups\n{admin}\n{web}"
    );
    std::fs::write(dir.path().join("infra/main.tf"), moved).expect("write");
    std::fs::write(
        dir.path().join("Dockerfile"),
        "# syntax=docker/dockerfile:1\n\nFROM node\nRUN npm ci\n",
    )
    .expect("write");
    let o = scan(dir.path());
    assert_eq!(active(&o), vec![], "moved code is not new");
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn edited_lines_and_new_resources_are_new() {
    let dir = repo();
    write_baseline(dir.path());
    // The edited line is new; an edit elsewhere in the block is not.
    let edited = MAIN_TF
        .replacen(
            "cidr_blocks = [\"0.0.0.0/0\"]",
            "cidr_blocks = [\"0.0.0.0/0\", \"::/0\"]",
            1,
        )
        .replace("name = \"admin\"", "name = \"admin-sg\"");
    std::fs::write(dir.path().join("infra/main.tf"), &edited).expect("write");
    let o = scan(dir.path());
    assert_eq!(
        active(&o),
        vec![("SEC007".to_string(), 8)],
        "only the edited line is new"
    );
    assert_eq!(o.status.code(), Some(1));

    // A new resource with the same offending line: one more than the baseline holds.
    let added = format!(
        "{MAIN_TF}\nresource \"aws_security_group\" \"db\" {{\n  name = \"db\"\n\n  ingress {{\n    from_port   = 5432\n    to_port     = 5432\n    protocol    = \"tcp\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }}\n}}\n"
    );
    std::fs::write(dir.path().join("infra/main.tf"), &added).expect("write");
    let o = scan(dir.path());
    assert_eq!(
        active(&o),
        vec![("SEC007".to_string(), 30)],
        "the new resource is new"
    );

    // Added above the old ones instead: still exactly one new finding.
    let (_, db) = added.split_at(
        added
            .find("resource \"aws_security_group\" \"db\"")
            .expect("db"),
    );
    std::fs::write(dir.path().join("infra/main.tf"), format!("{db}\n{MAIN_TF}")).expect("write");
    let o = scan(dir.path());
    assert_eq!(active(&o).len(), 1, "one new finding: {:?}", active(&o));
}

#[test]
fn fixed_findings_are_noted_and_config_baseline_works() {
    let dir = repo();
    write_baseline(dir.path());
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM node:22-slim\nUSER node\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("devops-lint.toml"),
        format!("baseline = \"{BASELINE}\"\n"),
    )
    .expect("write");
    let o = run(&[".", "--format", "json"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(active(&o), vec![]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("2 entries of the baseline") && err.contains("match no finding"),
        "{err}"
    );

    // --no-ignores shows everything (audits); file-list mode uses the config's baseline too.
    let o = run(&[".", "--format", "json", "--no-ignores"], dir.path());
    assert_eq!(active(&o).len(), 2);
    let o = run(&["infra/main.tf", "--format", "json"], dir.path());
    assert_eq!(active(&o), vec![]);
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains("match no finding"),
        "no note in file-list mode"
    );
}

#[test]
fn a_missing_or_broken_baseline_is_a_usage_error() {
    let dir = repo();
    let o = run(&[".", "--baseline", "nope.json"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read baseline nope.json"));
    std::fs::write(
        dir.path().join("devops-lint.toml"),
        "baseline = \"gone.json\"\n",
    )
    .expect("write");
    let o = run(&["."], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let o = run(
        &["infra/main.tf", "--write-baseline", "part.json"],
        dir.path(),
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "no partial baseline from a file list"
    );
    assert!(!dir.path().join("part.json").exists());
    let o = run(
        &[".", "--write-baseline", "b.json", "--baseline", "a.json"],
        dir.path(),
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "write or read a baseline, not both"
    );
    std::fs::write(dir.path().join("bad.json"), "{\"version\": 1}").expect("write");
    let o = run(&[".", "--baseline", "bad.json"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("invalid baseline"));
}

/// The secret's hash only: through the library, with a finding that carries a
/// secret span (as SEC001-SEC005 report them).
#[test]
fn secrets_are_stored_hashed_and_a_changed_secret_is_new() {
    let rule = Registry::builtin().find("SEC001").expect("SEC001");
    let secret = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
    let finding_for = |secret: &str| {
        let text = format!("import os\n\nSTRIPE_KEY = \"{secret}\"\n");
        let start = text.find(secret).expect("secret in text");
        let span = Span::new(start, start + secret.len());
        let file = SourceFile::new("app/settings.py".into(), FileKind::Text, text.clone());
        FindingBuilder::new(rule, span)
            .secret(span)
            .message("Stripe live key `sk_l…(32 chars)`")
            .build(&file)
    };
    let finding = finding_for(secret);
    let baseline = Baseline::from_findings([&finding]);
    let text = baseline.to_json();
    for window in secret.as_bytes().windows(8) {
        let w = String::from_utf8_lossy(window);
        assert!(
            !text.contains(w.as_ref()),
            "the baseline holds part of the secret: {text}"
        );
    }
    assert!(
        !text.contains("message"),
        "no message for a secret finding: {text}"
    );

    // The same secret moved down matches; a rotated one does not.
    let mut same = vec![finding_for(secret)];
    assert_eq!(baseline.apply(&mut same, BASELINE).matched, 1);
    let mut rotated = vec![finding_for("sk_live_9xQ27HqLyjWDarjtT1zdp7dc")];
    assert_eq!(baseline.apply(&mut rotated, BASELINE).matched, 0);
    assert!(rotated[0].suppression.is_none());
}

/// The same through the CLI, once the secret detectors find the example's key.
#[test]
fn the_cli_baseline_never_holds_a_secret() {
    let dir = tempfile::tempdir().expect("tempdir");
    let example = crate::cli::example_repo();
    std::fs::create_dir_all(dir.path().join("app")).expect("mkdir");
    std::fs::copy(
        example.join("app/settings.py"),
        dir.path().join("app/settings.py"),
    )
    .expect("copy");
    write_any_baseline(dir.path());
    let text = std::fs::read_to_string(dir.path().join(BASELINE)).expect("baseline");
    for secret in crate::cli::example_secrets() {
        for window in secret.as_bytes().windows(8) {
            let w = String::from_utf8_lossy(window);
            assert!(
                !text.contains(w.as_ref()),
                "the baseline holds part of a secret"
            );
        }
    }
}

fn write_any_baseline(dir: &Path) {
    let o = run(&["--write-baseline", BASELINE, "."], dir);
    assert_success(&o);
}

#[test]
fn init_writes_a_commented_config_and_optionally_a_baseline() {
    let dir = repo();
    let o = run(&["init", "--stage", "growth"], dir.path());
    assert_success(&o);
    let toml = std::fs::read_to_string(dir.path().join("devops-lint.toml")).expect("config");
    assert!(toml.contains("stage = \"growth\""), "{toml}");
    assert!(
        toml.contains("# baseline = "),
        "baseline commented out when not asked: {toml}"
    );
    assert!(
        toml.lines().filter(|l| l.starts_with('#')).count() > 10,
        "commented"
    );
    // The config is valid: a scan runs with it (and fails on the SEC007 errors).
    assert_eq!(run(&["."], dir.path()).status.code(), Some(1));

    let o = run(&["init"], dir.path());
    assert_eq!(
        o.status.code(),
        Some(2),
        "an existing config is not overwritten"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));

    let o = run(&["init", "--force", "--baseline"], dir.path());
    assert_success(&o);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("4 findings accepted"), "{out}");
    let toml = std::fs::read_to_string(dir.path().join("devops-lint.toml")).expect("config");
    assert!(
        toml.contains(&format!("\nbaseline = \"{BASELINE}\"")),
        "{toml}"
    );
    assert!(toml.contains("stage = \"seed\""), "seed by default: {toml}");
    let o = run(&[".", "--format", "json"], dir.path());
    assert_eq!(
        o.status.code(),
        Some(0),
        "only new findings fail after init --baseline"
    );
    assert_eq!(active(&o), vec![]);

    // init DIR with a named baseline file, from elsewhere.
    let other = repo();
    let o = bin()
        .args(["init", "--baseline", "ci/accepted.json"])
        .arg(other.path())
        .output()
        .expect("run");
    assert_success(&o);
    assert!(other.path().join("ci/accepted.json").is_file());
    let o = run(&["."], other.path());
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}
