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
