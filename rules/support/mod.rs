//! Logic shared by several rules (as ruff keeps a family's `helpers.rs` next to its
//! rules): verdicts built from facts, shared matchers, and test helpers for rule docs.
//! A rule file imports from here, never from another rule file; core modules
//! (`facts`, `engine`, `readiness`, ...) never import from here. Items are
//! `pub(crate)`; each module says which rules use it.

pub(crate) mod commands;
pub(crate) mod profile;
#[cfg(test)]
pub(crate) mod signals;
pub(crate) mod terraform;
pub(crate) mod terraform_edit;

#[cfg(test)]
mod layers {
    //! The layers this folder keeps apart, read from the source: a rule file imports no
    //! other rule file (shared logic goes here), `src/facts` names no rule type, and
    //! `crate::rules` is named in `src/` only by the registry.

    use std::path::{Path, PathBuf};

    fn rust_files(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let Ok(entries) = std::fs::read_dir(dir) else {
            return out;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                out.extend(rust_files(&path));
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push(path);
            }
        }
        out.sort();
        out
    }

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn no_rule_file_imports_another() {
        let rule_id = regex::Regex::new(r"\b(prv|sec|run|dlv)\d{3}_[a-z0-9_]+").unwrap();
        let mut checked = 0;
        for pillar in ["prv", "sec", "run", "dlv"] {
            for path in rust_files(&root().join("rules").join(pillar)) {
                let stem = path.file_stem().unwrap().to_string_lossy().to_string();
                if stem == "mod" {
                    continue;
                }
                let text = read(&path);
                for m in rule_id.find_iter(&text) {
                    assert_eq!(
                        m.as_str(),
                        stem,
                        "{} names another rule file ({}): move the shared logic to rules/support/",
                        path.display(),
                        m.as_str()
                    );
                }
                for (i, line) in text.lines().enumerate() {
                    let uses_rules = line.contains("crate::rules::")
                        && !line.contains("crate::rules::support::");
                    assert!(
                        !uses_rules,
                        "{}:{}: a rule file imports from rules/ only through rules/support/",
                        path.display(),
                        i + 1
                    );
                }
                checked += 1;
            }
        }
        assert!(checked > 40, "found only {checked} rule files");
    }

    #[test]
    fn facts_name_no_rule_and_only_the_registry_names_the_catalogue() {
        for path in rust_files(&root().join("src").join("facts")) {
            let text = read(&path);
            assert!(
                !text.contains("crate::rule"),
                "{} names the rule layer: facts are an inventory (verdicts go to rules/support/)",
                path.display()
            );
        }
        for path in rust_files(&root().join("src")) {
            if path.ends_with("registry.rs") {
                continue;
            }
            assert!(
                !read(&path).contains("crate::rules"),
                "{} names the rule catalogue: go through crate::registry",
                path.display()
            );
        }
    }
}
