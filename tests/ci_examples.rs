//! The ready-to-copy CI examples in docs/ci/ pass devops-lint's own rules (at
//! every stage, down to notes) where users put them, and every devops-lint
//! command in them is one the CLI accepts.

use clap::Parser;
use devops_lint::cli::Cli;

use crate::common;
use crate::common::bin;

/// (file in docs/ci/, where a user puts it)
const EXAMPLES: [(&str, &str); 3] = [
    ("github-actions.yml", ".github/workflows/devops-lint.yml"),
    (
        "github-action.yml",
        ".github/workflows/devops-lint-action.yml",
    ),
    ("gitlab-ci.yml", ".gitlab-ci.yml"),
];

fn example(name: &str) -> String {
    std::fs::read_to_string(common::repo_root().join("docs/ci").join(name)).expect("example")
}

#[test]
fn the_ci_examples_pass_devops_lint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut paths = Vec::new();
    for (name, target) in EXAMPLES {
        let dest = dir.path().join(target);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::write(&dest, example(name)).expect("write");
        paths.push(target);
    }
    let o = bin()
        .args(&paths)
        .args(["--stage", "scale", "--fail-on", "note", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .expect("run devops-lint");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        json["findings"],
        serde_json::json!([]),
        "the examples have findings"
    );
    assert_eq!(
        json["errors"],
        serde_json::json!([]),
        "the examples do not parse"
    );
    let kinds = &json["summary"]["files_by_kind"];
    assert_eq!(
        kinds["github-workflow"], 2,
        "checked as a workflow: {kinds}"
    );
    assert_eq!(kinds["gitlab-ci"], 1, "checked as GitLab CI: {kinds}");
    assert_eq!(o.status.code(), Some(0));

    // Where they are in this repo, too.
    let o = bin()
        .args(["docs/ci/github-actions.yml", "docs/ci/gitlab-ci.yml"])
        .args(["--stage", "scale", "--fail-on", "note"])
        .current_dir(common::repo_root())
        .output()
        .expect("run devops-lint");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

/// `devops-lint …` invocations in a CI file: the words after the program name,
/// up to a shell operator.
fn invocations(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line
            .trim_start()
            .trim_start_matches("- ")
            .trim_start_matches("run: ");
        let line = line.split('#').next().unwrap_or("");
        let mut words = line.split_whitespace().peekable();
        while let Some(word) = words.next() {
            let program = word.rsplit('/').next().unwrap_or(word);
            if program != "devops-lint" || words.peek().is_none_or(|w| !w.starts_with('-')) {
                continue;
            }
            let args: Vec<String> = words
                .by_ref()
                .take_while(|w| !matches!(*w, ">" | ">>" | "|" | "||" | "&&" | ";"))
                .map(|w| w.trim_matches('"').to_string())
                .collect();
            out.push(args);
        }
    }
    out
}

#[test]
fn the_commands_in_the_ci_examples_are_valid() {
    let mut checked = 0;
    for (name, _) in EXAMPLES {
        if name == "github-action.yml" {
            // Runs devops-lint through the Action (tests/action.rs checks its scripts).
            assert!(example(name).contains("uses: devops-lint/devops-lint@"));
            continue;
        }
        let found = invocations(&example(name));
        assert!(!found.is_empty(), "no devops-lint command found in {name}");
        for args in found {
            let argv = std::iter::once("devops-lint".to_string()).chain(args.iter().cloned());
            if let Err(e) = Cli::try_parse_from(argv) {
                panic!(
                    "{name}: `devops-lint {}` is not a valid command:\n{e}",
                    args.join(" ")
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 1, "at least the SARIF command is checked");
}

#[test]
fn the_invocation_finder_finds_commands() {
    let found = invocations(
        "      run: devops-lint --format sarif --output x.sarif .\n    - .devops-lint/bin/devops-lint --stage growth . # gate\n    - cargo install --locked \"devops-lint@1\"\n  run: devops-lint --fail-on never . >> \"$GITHUB_STEP_SUMMARY\"\n",
    );
    assert_eq!(
        found,
        vec![
            vec!["--format", "sarif", "--output", "x.sarif", "."],
            vec!["--stage", "growth", "."],
            vec!["--fail-on", "never", "."],
        ]
    );
}
