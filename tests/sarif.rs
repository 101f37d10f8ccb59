//! SARIF 2.1.0 as GitHub code scanning takes it: structure checks here, and
//! the Microsoft SARIF multitool (with its GitHub rules) when installed by
//! `scripts/test` (required there: DEVOPS_LINT_REQUIRE_TOOLS=1).

use std::path::{Path, PathBuf};

use crate::cli::example_repo;
use crate::common;
use crate::common::bin;

fn sarif_of_example() -> serde_json::Value {
    let o = bin()
        .args([".", "--format", "sarif", "--sarif-category", "devops-lint"])
        .current_dir(example_repo())
        .output()
        .expect("run");
    serde_json::from_slice(&o.stdout).expect("SARIF is JSON")
}

#[test]
fn sarif_structure_for_code_scanning() {
    let sarif = sarif_of_example();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "devops-lint/");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let sec007 = rules
        .iter()
        .find(|r| r["id"] == "SEC007")
        .expect("SEC007 in the rule table");
    assert_eq!(sec007["name"], "open-admin-port");
    assert!(sec007["help"]["markdown"]
        .as_str()
        .is_some_and(|m| m.contains("## How to fix")));
    assert_eq!(sec007["properties"]["security-severity"], "8.0");
    assert!(sec007["helpUri"]
        .as_str()
        .is_some_and(|u| u.ends_with("docs/rules/SEC007.md")));
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for r in results {
        let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(!uri.starts_with('/'), "relative URIs only: {uri}");
        assert!(r["partialFingerprints"]["devopsLint/v1"].is_string());
    }
    let text = serde_json::to_string(&sarif).expect("json");
    let root = example_repo().canonicalize().expect("canon");
    assert!(
        !text.contains(&root.display().to_string()),
        "no absolute paths"
    );
}

fn multitool() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("SARIF_MULTITOOL") {
        return Some(PathBuf::from(p));
    }
    let p = common::repo_root()
        .join("target/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    p.is_file().then_some(p)
}

#[test]
fn sarif_passes_the_multitool_with_github_rules() {
    validate_with_multitool(&sarif_of_example());
}

/// With `--sarif-srcroot` and baseline suppressions, as the CI example uploads it.
#[test]
fn sarif_with_srcroot_and_baseline_passes_the_multitool() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&example_repo(), dir.path());
    let baseline = dir.path().join("accepted.json");
    let o = bin()
        .args(["--write-baseline"])
        .arg(&baseline)
        .args(["--select", "SEC007", "."])
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    let o = bin()
        .args([
            ".",
            "--format",
            "sarif",
            "--sarif-category",
            "devops-lint",
            "--baseline",
        ])
        .arg(&baseline)
        .args(["--sarif-srcroot", "/home/runner/work/app/app"])
        .args(["--sarif-suppressed", "include"])
        .current_dir(dir.path())
        .output()
        .expect("run");
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).expect("SARIF is JSON");
    let run = &sarif["runs"][0];
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        "file:///home/runner/work/app/app/"
    );
    let suppressed: Vec<&serde_json::Value> = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["suppressions"].is_array())
        .collect();
    assert!(
        !suppressed.is_empty(),
        "baseline findings are kept as suppressed results"
    );
    for r in &suppressed {
        assert_eq!(r["ruleId"], "SEC007");
        assert_eq!(r["suppressions"][0]["kind"], "external");
        assert!(r["suppressions"][0]["justification"]
            .as_str()
            .is_some_and(|j| j.contains("baseline")));
    }
    validate_with_multitool(&sarif);
}

#[test]
fn srcroot_only_when_asked_and_only_absolute() {
    let sarif = sarif_of_example();
    let srcroot = &sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"];
    assert!(
        srcroot["uri"].is_null(),
        "no absolute path by default: {srcroot}"
    );
    assert!(srcroot["description"]["text"].is_string());
    let with = |value: &str| {
        bin()
            .args([
                ".",
                "--format",
                "sarif",
                "--fail-on",
                "never",
                "--sarif-srcroot",
                value,
            ])
            .current_dir(example_repo())
            .output()
            .expect("run")
    };
    let o = with("file:///src/my%20repo");
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        "file:///src/my%20repo/"
    );
    let o = with("/src/my repo/");
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        "file:///src/my%20repo/"
    );
    for bad in ["src/relative", "file:///x?y=1"] {
        let o = with(bad);
        assert_eq!(o.status.code(), Some(2), "{bad} is refused");
    }
}

/// Code scanning tracks an alert by its fingerprint: moving code down (lines
/// added above every finding) must not change any.
#[test]
fn sarif_results_are_stable_when_code_moves() {
    let fingerprints = |root: &Path| -> Vec<String> {
        let o = bin()
            .args([".", "--format", "sarif"])
            .current_dir(root)
            .output()
            .expect("run");
        let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        let mut out: Vec<String> = sarif["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r["ruleId"], r["partialFingerprints"]["devopsLint/v1"]
                )
            })
            .collect();
        out.sort();
        out
    };
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&example_repo(), dir.path());
    let before = fingerprints(dir.path());
    assert!(!before.is_empty());
    for file in common::files_under(dir.path()) {
        if file.extension().is_some_and(|e| e == "json") {
            continue; // no comments in JSON
        }
        let text = std::fs::read_to_string(&file).expect("read");
        std::fs::write(&file, format!("# moved down\n\n{text}")).expect("write");
    }
    assert_eq!(fingerprints(dir.path()), before);
}

fn copy_tree(from: &Path, to: &Path) {
    for file in common::files_under(from) {
        let rel = file.strip_prefix(from).expect("under");
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&file, &dest).expect("copy");
    }
}

pub fn validate_with_multitool(sarif: &serde_json::Value) {
    let Some(tool) = multitool() else {
        assert!(
            std::env::var("DEVOPS_LINT_REQUIRE_TOOLS").is_err(),
            "the SARIF multitool is not installed: run scripts/test"
        );
        eprintln!("skipping: SARIF multitool not installed (scripts/test installs it)");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("scan.sarif");
    let log = dir.path().join("validation.sarif");
    std::fs::write(&input, serde_json::to_vec_pretty(sarif).expect("json")).expect("write");
    let status = std::process::Command::new(&tool)
        .arg("validate")
        .arg(&input)
        .args(["--rule-kind", "Sarif;Gh", "--level", "Error;Warning", "-o"])
        .arg(&log)
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .status()
        .expect("run the multitool");
    assert!(status.success(), "multitool failed to run");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&log).expect("validation log")).expect("json");
    let problems: Vec<String> = report["runs"][0]["results"]
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|r| r["level"] == "error")
        .map(|r| format!("{}: {}", r["ruleId"], r["message"]["text"]))
        .collect();
    assert!(
        problems.is_empty(),
        "SARIF validation errors:\n{}",
        problems.join("\n")
    );
}

/// What GitHub reads: `primaryLocationLineHash` on every result (beside ours),
/// `fullDescription` within 1,024 characters, per-rule `precision`, and
/// `problem.severity` where there is no `security-severity`; suppressed findings only
/// on request.
#[test]
fn sarif_meets_github_limits_and_reads() {
    let sarif = sarif_of_example();
    let run = &sarif["runs"][0];
    for rule in run["tool"]["driver"]["rules"].as_array().expect("rules") {
        let full = rule["fullDescription"]["text"].as_str().expect("text");
        assert!(
            full.chars().count() <= 1_024,
            "{}: {}",
            rule["id"],
            full.len()
        );
        assert!(!full.is_empty());
        let props = &rule["properties"];
        assert!(
            ["very-high", "high", "medium", "low"]
                .contains(&props["precision"].as_str().expect("precision")),
            "{rule}"
        );
        let security = props["security-severity"].is_string();
        let problem = props["problem.severity"].as_str();
        assert!(
            security != problem.is_some(),
            "{}: one of security-severity and problem.severity",
            rule["id"]
        );
        if let Some(p) = problem {
            assert!(["error", "warning", "recommendation"].contains(&p), "{p}");
        }
    }
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let precision = |id: &str| {
        rules.iter().find(|r| r["id"] == id).expect("rule")["properties"]["precision"].clone()
    };
    assert_eq!(precision("SEC007"), "high");
    assert_eq!(precision("SEC001"), "medium");
    assert_eq!(precision("PRV001"), "medium");
    let results = run["results"].as_array().expect("results");
    let mut hashes = std::collections::BTreeSet::new();
    for r in results {
        let hash = r["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .expect("primaryLocationLineHash");
        let ours = r["partialFingerprints"]["devopsLint/v1"]
            .as_str()
            .expect("ours");
        assert!(hash.starts_with(ours), "{hash} {ours}");
        assert!(
            hashes.insert(hash.to_string()),
            "no two results share {hash}"
        );
        assert!(
            r["suppressions"].is_null(),
            "suppressed left out by default: {r}"
        );
    }
}

/// GitHub takes at most 25,000 results per run: the most severe are kept and a tool
/// notification says how many were left out.
#[test]
fn sarif_keeps_the_most_severe_25000_results_and_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut env = String::new();
    for i in 0..25_010u32 {
        // Distinct, credential-shaped, deterministic: a SEC001 error per line.
        let body: String = format!(
            "{i:08}{:032x}",
            u128::from(i).wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835)
        )
        .chars()
        // Digits become `K`..`T`: letters mostly off the keyboard's home row, so that
        // no body reads as a mashed stand-in (`A`..`J` with hex's `a`..`f` did).
        .map(|c| {
            if c.is_ascii_digit() {
                (b'K' + c as u8 - b'0') as char
            } else {
                c
            }
        })
        .collect();
        env.push_str(&format!("GITHUB_TOKEN_{i}=ghp_{}\n", &body[..36]));
    }
    common::write(dir.path(), "app/.env.production", env);
    // Warnings that must give way to the errors.
    common::write(
        dir.path(),
        "Dockerfile",
        "FROM python:latest\nCMD [\"x\"]\n",
    );
    // The JSON report keeps them all.
    let o = bin()
        .args([
            ".",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--select",
            "SEC001,PRV007,SEC014",
        ])
        .current_dir(dir.path())
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let total = json["findings"].as_array().expect("findings").len();
    assert!(total > 25_000, "{total}");
    let errors = json["summary"]["findings"]["error"]
        .as_u64()
        .expect("errors");
    assert!(errors >= 25_000, "{errors}");
    assert!(json["summary"]["findings"]["warning"].as_u64() >= Some(1));
    let o = bin()
        .args([
            ".",
            "--format",
            "sarif",
            "--fail-on",
            "never",
            "--select",
            "SEC001,PRV007,SEC014",
        ])
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).expect("SARIF is JSON");
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 25_000);
    assert!(
        results.iter().all(|r| r["level"] == "error"),
        "the most severe are kept"
    );
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert!(
        notes.iter().any(|n| n["descriptor"]["id"] == "result-limit"
            && n["message"]["text"]
                .as_str()
                .is_some_and(|t| t.starts_with(&format!("{} results left out", total - 25_000)))),
        "{notes:?}"
    );
}
