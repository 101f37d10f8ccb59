//! The readiness card on fixture repos with exact expectations: the stage
//! reached, every repo rule's status, the next steps in the talk's order, and
//! the card as the human and markdown outputs show it (snapshots).

use std::path::Path;

use crate::common;
use crate::common::bin;

fn readiness(repo: &Path, stage: &str) -> serde_json::Value {
    let o = bin()
        .args([
            ".",
            "--format",
            "json",
            "--stage",
            stage,
            "--fail-on",
            "never",
        ])
        .current_dir(repo)
        .output()
        .expect("run devops-lint");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON output");
    json["readiness"].clone()
}

fn status<'a>(card: &'a serde_json::Value, id: &str) -> &'a str {
    card["rules"]
        .as_array()
        .and_then(|rules| rules.iter().find(|r| r["rule_id"] == id))
        .and_then(|r| r["status"].as_str())
        .unwrap_or("missing")
}

/// The repo rules of the ruleset and their expected status on each fixture repo.
const REPO_RULES: &[&str] = &[
    "PRV001", "PRV002", "SEC006", "SEC010", "SEC012", "SEC013", "RUN001", "RUN002", "RUN003",
    "RUN004", "RUN006", "RUN010", "DLV001", "DLV002", "DLV003", "DLV004", "DLV007",
];

fn check(name: &str, reached: &str, expected: &[(&str, &str)], next_steps: &[&str]) {
    let repo = common::fixtures().join("repos").join(name);
    let card = readiness(&repo, "growth");
    assert_eq!(card["stage_reached"], reached, "{name}: stage reached");
    assert_eq!(card["target_stage"], "growth");
    let mut wrong = Vec::new();
    for id in REPO_RULES {
        let want = expected
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, s)| *s)
            .unwrap_or("not-applicable");
        let got = status(&card, id);
        if got != want {
            wrong.push(format!("{id}: {got}, expected {want}"));
        }
    }
    assert!(wrong.is_empty(), "{name}:\n{}", wrong.join("\n"));
    let steps: Vec<&str> = card["next_steps"]
        .as_array()
        .expect("next_steps")
        .iter()
        .filter_map(|s| s["rule_id"].as_str())
        .filter(|id| REPO_RULES.contains(id))
        .collect();
    assert_eq!(
        steps, next_steps,
        "{name}: next steps (repo rules, in order)"
    );
}

#[test]
fn a_startup_that_did_its_homework_reaches_every_stage() {
    let pass: Vec<(&str, &str)> = REPO_RULES
        .iter()
        .map(|id| {
            (
                *id,
                if *id == "SEC006" {
                    "not-applicable"
                } else {
                    "pass"
                },
            )
        })
        .collect();
    check("seed-ready", "scale", &pass, &[]);
}

#[test]
fn a_reusable_module_leaves_account_practices_to_its_callers() {
    // No application code: DLV002 does not apply (validation is DLV004's, and passes);
    // DLV007 is a note, so advice that does not hold the stage back.
    check(
        "iac-module",
        "scale",
        &[
            ("PRV001", "pass"),
            ("DLV001", "pass"),
            ("DLV004", "pass"),
            ("DLV007", "advice"),
        ],
        &[],
    );
}

#[test]
fn attested_and_inconclusive_rules_are_listed_not_counted() {
    let expected = [
        ("PRV001", "pass"),
        ("PRV002", "pass"),
        ("SEC006", "attested"),
        ("SEC010", "pass"),
        ("SEC013", "fail"),
        ("RUN002", "pass"),
        ("RUN003", "pass"),
        ("RUN004", "attested"),
        ("RUN006", "fail"),
        ("RUN010", "pass"),
        ("DLV001", "pass"),
        ("DLV002", "inconclusive"),
        ("DLV003", "inconclusive"),
        ("DLV004", "inconclusive"),
        ("DLV007", "advice"),
    ];
    check("attested", "seed", &expected, &["SEC013", "RUN006"]);
    let card = readiness(&common::fixtures().join("repos/attested"), "growth");
    assert_eq!(card["attested"], serde_json::json!(["SEC006", "RUN004"]));
    assert_eq!(
        card["inconclusive"],
        serde_json::json!(["DLV002", "DLV003", "DLV004"])
    );
    let sec = &card["pillars"][1];
    assert_eq!(sec["pillar"], "SEC");
    // An attested rule counts as applicable, never as passed.
    let seed = &sec["stages"]["seed"];
    assert_eq!(seed["attested"], 1);
    assert_eq!(
        seed["applicable"].as_u64(),
        Some(seed["passed"].as_u64().unwrap_or(0) + 1)
    );
}

#[test]
fn the_example_startup_follows_the_talks_priorities() {
    check(
        "example-startup",
        "none",
        &[
            ("PRV001", "pass"),
            ("PRV002", "fail"),
            ("SEC010", "fail"),
            ("SEC013", "fail"),
            ("RUN001", "fail"),
            ("RUN002", "fail"),
            ("RUN003", "fail"),
            ("RUN004", "fail"),
            ("RUN010", "pass"),
            ("DLV001", "pass"),
            ("DLV002", "fail"),
            ("DLV003", "advice"),
            ("DLV004", "advice"),
            ("DLV007", "advice"),
        ],
        // Seed first, in the talk's order (private network, then logging, metrics,
        // errors, alerting, then environments, then delivery); then growth. Notes are
        // advice, not steps.
        &[
            "SEC010", "RUN003", "RUN002", "RUN001", "RUN004", "PRV002", "DLV002", "SEC013",
        ],
    );
}

#[test]
fn notes_are_advice_never_failures() {
    // Kubernetes at seed (RUN010, a note) is listed as advice; the stage is still reached.
    let repo = common::fixtures().join("repos/k8s-at-seed");
    let card = readiness(&repo, "seed");
    assert_eq!(status(&card, "RUN010"), "advice");
    assert_eq!(card["advice"], serde_json::json!(["RUN010"]));
    assert_eq!(card["stage_reached"], "scale");
    assert_eq!(card["stages"][0]["failed"], 0);
    assert_eq!(card["stages"][0]["advice"], 1);
    // The effective severity decides: raised to a warning in config, it fails the stage.
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("devops-lint.toml");
    std::fs::write(&config, "[rules]\nRUN010 = \"warning\"\n").expect("write config");
    let o = bin()
        .args([
            ".",
            "--format",
            "json",
            "--stage",
            "seed",
            "--fail-on",
            "never",
        ])
        .arg("--config")
        .arg(&config)
        .current_dir(&repo)
        .output()
        .expect("run devops-lint");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON output");
    assert_eq!(status(&json["readiness"], "RUN010"), "fail");
    assert_eq!(json["readiness"]["stage_reached"], "none");
}

#[test]
fn the_card_evaluates_stages_above_the_target() {
    let repo = common::fixtures().join("repos/seed-ready");
    let seed = readiness(&repo, "seed");
    assert_eq!(seed["target_stage"], "seed");
    assert_eq!(
        seed["stage_reached"], "scale",
        "growth rules are evaluated even at --stage seed"
    );
    let growth_cell = &seed["stages"][1];
    assert_eq!(growth_cell["stage"], "growth");
    assert!(growth_cell["applicable"].as_u64().unwrap_or(0) > 0);
}

#[test]
fn the_card_in_every_format() {
    let repo = common::fixtures().join("repos/attested");
    let run = |args: &[&str]| {
        let o = bin().args(args).current_dir(&repo).output().expect("run");
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let human = run(&[".", "--stage", "growth", "--no-color"]);
    let card = &human[human
        .find("Readiness card")
        .expect("the human output ends with the card")..];
    let markdown = run(&[".", "--stage", "growth", "--format", "markdown"]);
    let sarif: serde_json::Value =
        serde_json::from_str(&run(&[".", "--stage", "growth", "--format", "sarif"]))
            .expect("SARIF");
    assert_eq!(
        sarif["runs"][0]["properties"]["readiness"]["stage_reached"],
        "seed"
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::assert_snapshot!("readiness__attested_human_card", card);
        insta::assert_snapshot!("readiness__attested_markdown", markdown);
    });
}

#[test]
fn file_list_mode_skips_the_card_unless_asked() {
    let repo = common::fixtures().join("repos/example-startup");
    let json = |args: &[&str]| -> serde_json::Value {
        let o = bin().args(args).current_dir(&repo).output().expect("run");
        serde_json::from_slice(&o.stdout).expect("json")
    };
    let plain = json(&["Dockerfile", "infra/main.tf", "--format", "json"]);
    assert!(plain["readiness"].is_null());
    assert!(plain["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .all(|f| f["rule_id"] != "DLV007"));
    let with = json(&[
        "Dockerfile",
        "infra/main.tf",
        "--format",
        "json",
        "--repo-rules",
    ]);
    assert!(with["readiness"].is_object());
}

#[test]
fn facts_are_printed_as_text_and_json() {
    let repo = common::fixtures().join("repos/seed-ready");
    let o = bin()
        .args(["facts", "--format", "json"])
        .arg(&repo)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    let facts: serde_json::Value = serde_json::from_slice(&o.stdout).expect("facts JSON");
    let ecs = facts["terraform"]["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["address"] == "aws_ecs_service.web")
        .expect("the ECS service");
    assert_eq!(ecs["location"], "infra/modules/app/main.tf:56:1");
    assert!(ecs["references"]
        .as_array()
        .expect("refs")
        .iter()
        .any(|r| r == "module.vpc.private_subnets"));
    let target = facts["terraform"]["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["address"] == "aws_appautoscaling_target.web")
        .expect("the target");
    assert!(target["references"]
        .as_array()
        .expect("refs")
        .iter()
        .any(|r| r == "aws_ecs_service.web"));
    let envs: Vec<&str> = facts["environments"]
        .as_array()
        .expect("environments")
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert_eq!(envs, ["production", "staging"]);
    assert_eq!(facts["secret_stores"][0]["store"], "AWS Secrets Manager");
    assert_eq!(
        facts["manifests"][0]["dependencies"][1]["name"],
        "@sentry/node"
    );
    let human = bin().args(["facts"]).arg(&repo).output().expect("run");
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("CI: github-actions"), "{text}");
    assert!(text.contains("dir infra/envs/production"), "{text}");
    // Same bytes whatever the thread count.
    let again = bin()
        .args(["facts", "--format", "json"])
        .arg(&repo)
        .output()
        .expect("run");
    assert_eq!(o.stdout, again.stdout);
}
