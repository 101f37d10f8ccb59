//! SARIF 2.1.0 as GitHub code scanning takes it: structure checks here, and
//! the Microsoft SARIF multitool (with its GitHub rules) when installed by
//! `scripts/test` (required there: DEVOPS_LINT_REQUIRE_TOOLS=1).

use std::path::PathBuf;

use crate::cli::{bin, example_repo};
use crate::common;

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
    std::fs::write(
        &input,
        serde_json::to_vec_pretty(&sarif_of_example()).expect("json"),
    )
    .expect("write");
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
