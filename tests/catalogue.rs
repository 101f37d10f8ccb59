//! The rule catalogue: IDs and names, generated docs that cannot drift, and
//! docs examples that are executed (Bad must fire, Good must not).

use std::collections::BTreeSet;
use std::path::PathBuf;

use devops_lint::docs;
use devops_lint::registry::Registry;

use crate::common;

fn kebab(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn ids_and_names_are_unique_ordered_and_well_formed() {
    let metas: Vec<_> = Registry::builtin().metas().collect();
    let ids: BTreeSet<_> = metas.iter().map(|m| m.id).collect();
    let names: BTreeSet<_> = metas.iter().map(|m| m.name).collect();
    assert_eq!(ids.len(), metas.len(), "duplicate rule IDs");
    assert_eq!(names.len(), metas.len(), "duplicate rule names");
    let order: Vec<_> = metas.iter().map(|m| m.id).collect();
    let mut sorted = order.clone();
    sorted.sort_by_key(|id| {
        (
            ["PRV", "SEC", "RUN", "DLV"]
                .iter()
                .position(|p| id.starts_with(p)),
            *id,
        )
    });
    assert_eq!(
        order, sorted,
        "rules/mod.rs must list rules in ID order (PRV, SEC, RUN, DLV)"
    );
    for m in metas {
        assert!(
            m.id.len() == 6
                && m.id.starts_with(m.pillar.code())
                && m.id[3..].chars().all(|c| c.is_ascii_digit()),
            "{}: ID must be the pillar code and three digits",
            m.id
        );
        assert!(
            !m.id.starts_with("DL0"),
            "the DL prefix belongs to hadolint"
        );
        assert_eq!(
            kebab(m.struct_name),
            m.name,
            "{}: name must be the kebab form of the struct",
            m.id
        );
        let file = m.source_file.rsplit('/').next().unwrap_or(m.source_file);
        let expected = format!(
            "{}_{}.rs",
            m.id.to_ascii_lowercase(),
            m.name.replace('-', "_")
        );
        assert_eq!(file, expected, "{}: file name", m.id);
        assert!(m
            .source_file
            .contains(&format!("rules/{}/", m.pillar.code().to_ascii_lowercase())));
    }
}

#[test]
fn docs_have_every_section_and_balanced_fences() {
    for m in Registry::builtin().metas() {
        let md = m.docs_markdown();
        for heading in [
            "What it checks",
            "Why it matters",
            "Bad",
            "Good",
            "How to fix",
        ] {
            assert!(
                md.contains(&format!("## {heading}\n")),
                "{}: missing `## {heading}`",
                m.id
            );
        }
        let fences = md
            .lines()
            .filter(|l| l.trim_start().starts_with("```"))
            .count();
        assert!(fences % 2 == 0, "{}: unbalanced code fences", m.id);
    }
}

#[test]
fn generated_docs_are_fresh() {
    let metas: Vec<_> = Registry::builtin().metas().collect();
    let root = common::repo_root();
    let mut stale = Vec::new();
    for (rel, contents) in docs::generated_files(&metas) {
        if std::fs::read_to_string(root.join(&rel)).ok().as_deref() != Some(contents.as_str()) {
            stale.push(rel);
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated docs: {}\nrun `cargo run -- docs --write`",
        stale.join(", ")
    );
}

/// Where an example's code is written: the fence's second word, else by language.
fn example_path(example: &docs::DocExample, info_path: Option<&str>) -> PathBuf {
    if let Some(p) = info_path {
        return PathBuf::from(p);
    }
    PathBuf::from(match example.lang.as_str() {
        "hcl" | "terraform" => "main.tf",
        "dockerfile" => "Dockerfile",
        "yaml" => ".github/workflows/ci.yml",
        "python" => "app.py",
        "json" => "config.json",
        _ => "example.txt",
    })
}

#[test]
fn docs_examples_bad_fires_good_is_silent() {
    let mut failures = Vec::new();
    for m in Registry::builtin().metas() {
        let md = m.docs_markdown();
        let examples = docs::examples(&md);
        for (i, example) in examples.iter().enumerate() {
            let expect_fire = match example.section.as_str() {
                "Bad" => true,
                "Good" => false,
                _ => continue,
            };
            let (lang, info_path) = match example.lang.split_once(' ') {
                Some((lang, path)) => (lang.to_string(), Some(path.trim().to_string())),
                None => (example.lang.clone(), None),
            };
            let example = docs::DocExample {
                lang,
                ..example.clone()
            };
            let dir = tempfile::tempdir().expect("tempdir");
            // `# file: path` lines split one block into several files (repo rules).
            let mut files: Vec<(PathBuf, String)> = Vec::new();
            for line in example.code.lines() {
                if let Some(path) = line.strip_prefix("# file: ") {
                    files.push((PathBuf::from(path.trim()), String::new()));
                } else {
                    if files.is_empty() {
                        files.push((example_path(&example, info_path.as_deref()), String::new()));
                    }
                    let last = files.last_mut().expect("a file");
                    last.1.push_str(line);
                    last.1.push('\n');
                }
            }
            for (path, code) in &files {
                let abs = dir.path().join(path);
                std::fs::create_dir_all(abs.parent().expect("parent")).expect("mkdir");
                std::fs::write(&abs, code).expect("write example");
            }
            let result = common::scan(dir.path(), None, &[m.id], 1);
            let fired = result.active_findings().any(|f| f.rule.id == m.id);
            if fired != expect_fire {
                failures.push(format!(
                    "{} docs example #{i} ({}) {}\n{}",
                    m.id,
                    example.section,
                    if expect_fire {
                        "does not fire"
                    } else {
                        "fires"
                    },
                    common::human(&result)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
