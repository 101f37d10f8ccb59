//! The plugin author's test harness (`devops-lint plugins test`): runs a
//! plugin on its fixtures with the host's real parsers and compares the
//! findings with the `expect:` markers in the fixtures, as the built-in rules'
//! harness does.
//!
//! Layout: `<fixtures>/fail/<case>` and `<fixtures>/pass/<case>` (a file, or a
//! directory that is a tiny repo root), and optionally `<fixtures>/settings.toml`
//! holding the plugin's settings (the body of its `[plugins.<name>]` table).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::engine::{self, ScanOptions, ScanResult};
use crate::plugin::{load_all, Origin, PluginOptions, PluginSpec};
use crate::registry::Registry;
use crate::rule::Stage;

/// (path, line, rule id).
pub(crate) type Expected = BTreeSet<(String, u32, String)>;

#[derive(Debug)]
pub struct CaseResult {
    /// `fail/missing-owner.tf`.
    pub case: String,
    pub expected: Expected,
    pub found: Expected,
    /// Tool diagnostics of the run (a plugin failure fails the case).
    pub diagnostics: Vec<String>,
}

impl CaseResult {
    pub(crate) fn passed(&self) -> bool {
        self.expected == self.found && self.diagnostics.is_empty()
    }
}

/// Loads the plugin once and runs every case under `fixtures`.
pub fn run_fixtures(
    plugin: &Path,
    fixtures: &Path,
    opts: &PluginOptions,
) -> Result<Vec<CaseResult>, String> {
    let mut opts = opts.clone();
    let settings_path = fixtures.join("settings.toml");
    let settings: Option<toml::Table> = match std::fs::read_to_string(&settings_path) {
        Ok(text) => Some(
            toml::from_str(&text)
                .map_err(|e| format!("{}: {}", settings_path.display(), e.message()))?,
        ),
        Err(_) => None,
    };
    if let Some(table) = settings {
        opts.settings.insert("*".into(), table);
    }
    let spec = PluginSpec {
        name: None,
        path: plugin.to_path_buf(),
        origin: Origin::CommandLine,
    };
    let loaded = load_all(std::slice::from_ref(&spec), &opts);
    if let Some(d) = loaded.diagnostics.first() {
        return Err(d.message.clone());
    }
    let ids: Vec<String> = loaded
        .rules
        .iter()
        .map(|r| r.meta().id.to_string())
        .collect();
    let registry = Registry::with_extra(loaded.rules);

    let mut results = Vec::new();
    for outcome in ["fail", "pass"] {
        let dir = fixtures.join(outcome);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut cases: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        cases.sort();
        for case in cases {
            let (root, paths) = if case.is_dir() {
                (case.clone(), None)
            } else {
                let parent = case.parent().unwrap_or(Path::new(".")).to_path_buf();
                let name = case.file_name().map(PathBuf::from).unwrap_or_default();
                (parent, Some(vec![name]))
            };
            let result = scan(&registry, &ids, &root, paths.clone())?;
            let files = match &paths {
                Some(p) => p.iter().map(|p| root.join(p)).collect(),
                None => walk(&root),
            };
            let expected = if outcome == "fail" {
                expected(&root, &files)
            } else {
                Expected::new()
            };
            let found = result
                .active_findings()
                .map(|f| {
                    (
                        f.location.path.clone(),
                        f.location.start.line,
                        f.rule.id.to_string(),
                    )
                })
                .collect();
            let diagnostics = result
                .diagnostics
                .iter()
                .filter(|d| d.kind == "plugin-error")
                .map(|d| d.message.clone())
                .collect();
            let label = case
                .file_name()
                .map(|n| format!("{outcome}/{}", n.to_string_lossy()))
                .unwrap_or_default();
            results.push(CaseResult {
                case: label,
                expected,
                found,
                diagnostics,
            });
        }
    }
    Ok(results)
}

fn scan(
    registry: &Registry,
    ids: &[String],
    root: &Path,
    paths: Option<Vec<PathBuf>>,
) -> Result<ScanResult, String> {
    let opts = ScanOptions {
        root: root.to_path_buf(),
        repo_rules: paths.is_none(),
        paths,
        stage: Stage::Scale,
        select: ids.to_vec(),
        ignore: Vec::new(),
        jobs: 1,
        no_ignores: false,
        max_file_size: crate::discover::DEFAULT_MAX_FILE_SIZE,
        keep_texts: true,
    };
    let config = Config::default();
    let selection = engine::select(registry, &config, &opts).map_err(|e| e.to_string())?;
    Ok(engine::scan(&opts, &config, &selection))
}

fn walk(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Expected findings from `expect: ID[, ID]` (this line) and `expect-next: ID`
/// (the next line) markers in the files' comments.
pub(crate) fn expected(root: &Path, files: &[PathBuf]) -> Expected {
    let mut out = Expected::new();
    for file in files {
        let rel = file
            .strip_prefix(root)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let (rest, target) = if let Some(pos) = line.find("expect-next:") {
                (&line[pos + "expect-next:".len()..], line_no + 1)
            } else if let Some(pos) = line.find("expect:") {
                (&line[pos + "expect:".len()..], line_no)
            } else {
                continue;
            };
            for token in rest.split([',', ' ', '\t']).filter(|t| !t.is_empty()) {
                let chars_ok = token
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_'));
                let builtin_like = token.len() == 6
                    && token[..3].chars().all(|c| c.is_ascii_uppercase())
                    && token[3..].chars().all(|c| c.is_ascii_digit());
                let is_id = chars_ok && (token.contains('/') || builtin_like);
                if !is_id {
                    break;
                }
                out.insert((rel.clone(), target, token.to_string()));
            }
        }
    }
    out
}

/// A human summary of the results, and whether every case passed.
pub fn render(results: &[CaseResult]) -> (String, bool) {
    let mut out = String::new();
    let mut failed = 0;
    for r in results {
        if r.passed() {
            out.push_str(&format!("ok      {}\n", r.case));
            continue;
        }
        failed += 1;
        out.push_str(&format!("FAILED  {}\n", r.case));
        for missing in r.expected.difference(&r.found) {
            out.push_str(&format!(
                "  missing  {}:{} {}\n",
                missing.0, missing.1, missing.2
            ));
        }
        for extra in r.found.difference(&r.expected) {
            out.push_str(&format!("  extra    {}:{} {}\n", extra.0, extra.1, extra.2));
        }
        for d in &r.diagnostics {
            let d = crate::secrets::sanitize::Sanitizer::plain().line(&d.to_string());
            out.push_str(&format!("  error    {d}\n"));
        }
    }
    out.push_str(&format!(
        "{} passed, {} failed\n",
        results.len() - failed,
        failed
    ));
    (out, failed == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_with_namespaced_ids() {
        let dir = std::env::temp_dir().join(format!("dl-harness-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("tmp");
        let file = dir.join("main.tf");
        std::fs::write(
            &file,
            "resource \"a\" \"b\" { # expect: acme/TAG001, acme/TAG002 because\n}\n# expect-next: acme/X1\nFROM x\n",
        )
        .expect("write");
        let found = expected(&dir, &[file]);
        let _ = std::fs::remove_dir_all(&dir);
        let ids: Vec<_> = found.iter().map(|(_, l, id)| (*l, id.as_str())).collect();
        assert_eq!(
            ids,
            vec![(1, "acme/TAG001"), (1, "acme/TAG002"), (4, "acme/X1")]
        );
    }
}
