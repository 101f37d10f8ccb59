//! The layer rules of CONTRIBUTING.md, checked on the source tree: a module may
//! use only the modules below it, so no import goes upward and no circle forms,
//! and no file grows past the size limit. The test reads `crate::<module>` paths
//! in every file of src/ and rules/. (Which modules may name the rule catalogue and
//! that rule files never import each other: unit tests in rules/support/mod.rs.)

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The top-level modules, lowest layer first. A file in a module may name only
/// modules earlier in this list (and its own).
const LAYERS: &[&str] = &[
    "source",
    "discover",
    "parse",
    "model",
    "secrets",
    "facts",
    // The rule framework; `crate::finding` is `rule::finding`, re-exported at the root.
    "rule",
    "rules",
    "registry",
    "config",
    "suppress",
    "plugin",
    "engine",
    "baseline",
    "fix",
    "plugin_harness",
    "readiness",
    "report",
    "docs",
    "init",
    "fuzzing",
    "cli",
];

/// No file of src/ or rules/ grows past this many lines (tests included).
const MAX_LINES: usize = 1_200;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/facts/ci.rs` → `facts`; the
/// catalogue under rules/ is `rules`; `lib.rs` and `main.rs` are the root).
fn module_of(root: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(root).ok()?;
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    match parts.next()?.as_ref() {
        "rules" => Some("rules".to_string()),
        "src" => {
            let first = parts.next()?;
            let name = first.trim_end_matches(".rs");
            (name != "lib" && name != "main").then(|| name.to_string())
        }
        _ => None,
    }
}

/// The layer a module name stands for (`finding` lives in the rule framework).
fn layer_name(name: &str) -> &str {
    match name {
        "finding" => "rule",
        other => other,
    }
}

/// A line without its string literals and its `//` comment.
fn code_of(line: &str) -> String {
    let mut code = String::new();
    let mut in_string = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (in_string, c) {
            (true, '\\') => {
                chars.next();
            }
            (true, '"') => in_string = false,
            (true, _) => {}
            (false, '"') => in_string = true,
            (false, '/') if chars.peek() == Some(&'/') => break,
            (false, c) => code.push(c),
        }
    }
    code
}

/// Every `crate::<name>` (and `$crate::<name>`) a file mentions outside comments
/// and string literals.
fn named_modules(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in text.lines() {
        let code = code_of(line);
        let mut rest = code.as_str();
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                names.push(layer_name(&name).to_string());
            }
            rest = after;
        }
    }
    names
}

fn tree() -> (PathBuf, Vec<PathBuf>) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("rules"), &mut files);
    files.sort();
    (root, files)
}

#[test]
fn no_module_imports_a_higher_layer() {
    let (root, files) = tree();
    assert!(files.len() > 100, "the tree walk found the sources");
    let rank: BTreeMap<&str, usize> = LAYERS.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let mut upward = Vec::new();
    for file in &files {
        let Some(module) = module_of(&root, file) else {
            continue;
        };
        let Some(&own) = rank.get(module.as_str()) else {
            upward.push(format!(
                "{}: module `{module}` is not in LAYERS",
                file.display()
            ));
            continue;
        };
        let text = fs::read_to_string(file).expect("source is UTF-8");
        for name in named_modules(&text) {
            // Items of the crate root (macros such as declare_rule!) belong to no layer.
            let Some(&theirs) = rank.get(name.as_str()) else {
                continue;
            };
            if theirs > own {
                upward.push(format!(
                    "{}: `{module}` uses `crate::{name}`, a higher layer",
                    file.strip_prefix(&root).unwrap_or(file).display()
                ));
            }
        }
    }
    upward.sort();
    upward.dedup();
    assert!(
        upward.is_empty(),
        "imports that go upward:\n{}",
        upward.join("\n")
    );
}

#[test]
fn the_checker_sees_an_upward_import() {
    // The test above must be able to fail: a facts file naming a rule is caught.
    assert_eq!(
        named_modules("use crate::rules::sec::x; // crate::engine in a comment"),
        vec!["rules".to_string()]
    );
    assert_eq!(
        named_modules(r#"let m = "go through crate::registry"; crate::finding::Edit"#),
        vec!["rule".to_string()]
    );
    let root = Path::new("/r");
    assert_eq!(
        module_of(root, Path::new("/r/src/facts/ci.rs")).as_deref(),
        Some("facts")
    );
    assert_eq!(
        module_of(root, Path::new("/r/rules/sec/sec001.rs")).as_deref(),
        Some("rules")
    );
    assert_eq!(module_of(root, Path::new("/r/src/lib.rs")), None);
}

#[test]
fn no_source_file_is_over_the_size_limit() {
    let (root, files) = tree();
    let mut long = Vec::new();
    for file in &files {
        let lines = fs::read_to_string(file)
            .expect("source is UTF-8")
            .lines()
            .count();
        if lines > MAX_LINES {
            long.push(format!(
                "{} ({lines} lines)",
                file.strip_prefix(&root).unwrap_or(file).display()
            ));
        }
    }
    assert!(long.is_empty(), "files over {MAX_LINES} lines: {long:?}");
}
