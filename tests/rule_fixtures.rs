//! `fixtures/<ID>/{pass,fail}/<case>`: each case runs with only its rule
//! selected. Pass cases must produce nothing; fail cases exactly their
//! `expect` markers. The plain output of fail cases is snapshotted so labels
//! and span widths get reviewed.

use std::path::PathBuf;

use crate::common;

struct Case {
    rule: String,
    outcome: &'static str,
    path: PathBuf,
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let mut rules: Vec<_> = std::fs::read_dir(common::fixtures())
        .expect("fixtures/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "repos"))
        .collect();
    rules.sort();
    for rule_dir in rules {
        let rule = rule_dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        for outcome in ["pass", "fail"] {
            let Ok(entries) = std::fs::read_dir(rule_dir.join(outcome)) else {
                continue;
            };
            let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
            paths.sort();
            for path in paths {
                cases.push(Case {
                    rule: rule.clone(),
                    outcome,
                    path,
                });
            }
        }
    }
    cases
}

/// Whether the rule has a repo-wide part (its outcome comes from `check_repo`).
fn is_repo_rule(id: &str) -> bool {
    use devops_lint::rule::Scope;
    devops_lint::registry::Registry::builtin()
        .metas()
        .find(|m| m.id == id)
        .is_some_and(|m| matches!(m.scope, Scope::Repo | Scope::RepoAndFile(_)))
}

#[test]
fn every_rule_has_fixtures() {
    let cases = cases();
    for meta in devops_lint::registry::Registry::builtin().metas() {
        for outcome in ["pass", "fail"] {
            assert!(
                cases
                    .iter()
                    .any(|c| c.rule == meta.id && c.outcome == outcome),
                "{} has no fixtures/{}/{outcome}/ case",
                meta.id,
                meta.id
            );
        }
    }
}

#[test]
fn fixtures_match_their_expectations() {
    let mut failures = Vec::new();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    let _guard = settings.bind_to_scope();
    for case in cases() {
        // A single-file case is scanned alone, in a directory of its own: rules that
        // look at sibling files (PRV003's backend.tf) must not see the other cases.
        let alone = tempfile::tempdir().expect("temp dir");
        let (root, paths, files) = if case.path.is_dir() {
            (case.path.clone(), None, common::files_under(&case.path))
        } else {
            let name = PathBuf::from(case.path.file_name().expect("file name"));
            let copy = alone.path().join(&name);
            std::fs::copy(&case.path, &copy).expect("copy the case");
            (alone.path().to_path_buf(), Some(vec![name]), vec![copy])
        };
        let result = common::scan(&root, paths, &[&case.rule], 1);
        let found = common::found(&result);
        let expected = if case.outcome == "pass" {
            Default::default()
        } else {
            common::expected(&root, &files)
        };
        let label = format!(
            "{}/{}/{}",
            case.rule,
            case.outcome,
            case.path.file_name().expect("name").to_string_lossy()
        );
        if case.outcome == "fail" && expected.is_empty() {
            failures.push(format!("{label}: a fail case without `expect:` markers"));
        }
        if found != expected {
            failures.push(format!(
                "{label}:\n  expected {expected:?}\n  found    {found:?}\n{}",
                common::human(&result)
            ));
            continue;
        }
        // A repo case may pin the rule's outcome (pass, not-applicable, inconclusive); a
        // repo rule's pass case that pins nothing must pass: a case the rule finds "not
        // applicable" tests nothing.
        let pinned = std::fs::read_to_string(case.path.join("outcome.txt"))
            .ok()
            .map(|w| w.trim().to_string());
        let want = match pinned {
            Some(want) => Some(want),
            None if case.outcome == "pass" && case.path.is_dir() && is_repo_rule(&case.rule) => {
                Some("pass".to_string())
            }
            None => None,
        };
        if let Some(want) = want {
            let got = common::outcome(&result, &case.rule);
            if got != want {
                failures.push(format!(
                    "{label}: outcome {got}, expected {want}{}",
                    common::detail(&result, &case.rule)
                ));
            }
        }
        if case.outcome == "fail" {
            let name = label.replace('/', "__");
            insta::assert_snapshot!(name, common::human(&result));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
