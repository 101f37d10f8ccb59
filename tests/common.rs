//! Shared helpers: run a scan in-process, read `# expect:` markers.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use devops_lint::config::Config;
use devops_lint::engine::{self, ScanOptions, ScanResult};
use devops_lint::registry::Registry;
use devops_lint::report::{self, Format, RenderOptions};
use devops_lint::rule::Stage;

/// The debug binary, without colour and with a fixed today (for dated findings).
pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_devops-lint"));
    cmd.env("NO_COLOR", "1")
        .env("DEVOPS_LINT_TODAY", "2026-11-26");
    cmd
}

/// Runs the binary with `args` in `cwd`.
pub fn run(args: &[&str], cwd: &Path) -> Output {
    bin()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run devops-lint")
}

/// Asserts the run exited 0, showing its stderr otherwise.
#[track_caller]
pub fn assert_success(o: &Output) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Writes `rel` under `root`, creating its directories.
pub fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures() -> PathBuf {
    repo_root().join("fixtures")
}

/// Scans `root` (or only `paths` under it) with only `rules` selected (all if empty).
pub fn scan(root: &Path, paths: Option<Vec<PathBuf>>, rules: &[&str], jobs: usize) -> ScanResult {
    let opts = ScanOptions {
        root: root.to_path_buf(),
        repo_rules: paths.is_none(),
        paths,
        stage: Stage::Scale,
        select: rules.iter().map(|s| s.to_string()).collect(),
        ignore: Vec::new(),
        jobs,
        no_ignores: false,
        max_file_size: devops_lint::discover::DEFAULT_MAX_FILE_SIZE,
        keep_texts: true,
    };
    let registry = Registry::builtin();
    let config = Config::default();
    let selection = engine::select(registry, &config, &opts).expect("valid selection");
    engine::scan(&opts, &config, &selection)
}

pub fn human(result: &ScanResult) -> String {
    report::render(
        result,
        Format::Human,
        &RenderOptions {
            color: false,
            quiet: true,
            width: 100,
            ..RenderOptions::default()
        },
    )
}

/// A rule's outcome in a scan: pass, fail, not-applicable, inconclusive (or not-run).
pub fn outcome(result: &ScanResult, rule: &str) -> String {
    use devops_lint::rule::Outcome;
    match result
        .outcomes
        .iter()
        .find(|o| o.rule.id == rule)
        .map(|o| &o.outcome)
    {
        Some(Outcome::Pass) => "pass".into(),
        Some(Outcome::Fail) => "fail".into(),
        Some(Outcome::NotApplicable) => "not-applicable".into(),
        Some(Outcome::Inconclusive(r)) if r == devops_lint::engine::NOT_RUN => "not-run".into(),
        Some(Outcome::Inconclusive(_)) => "inconclusive".into(),
        None => "missing".into(),
    }
}

/// A rule's inconclusive reason or detail, for a failure message (` (...)`, or empty).
pub fn detail(result: &ScanResult, rule: &str) -> String {
    use devops_lint::rule::Outcome;
    let Some(o) = result.outcomes.iter().find(|o| o.rule.id == rule) else {
        return String::new();
    };
    match (&o.outcome, &o.detail) {
        (Outcome::Inconclusive(r), _) => format!(" ({r})"),
        (_, Some(d)) => format!(" ({d})"),
        _ => String::new(),
    }
}

/// (path, line, rule id) of every unsuppressed finding.
pub fn found(result: &ScanResult) -> BTreeSet<(String, u32, String)> {
    result
        .active_findings()
        .map(|f| {
            (
                f.location.path.clone(),
                f.location.start.line,
                f.rule.id.to_string(),
            )
        })
        .collect()
}

/// Expected findings from markers in the files under `root` (relative paths):
/// `expect: ID[, ID]` in a comment on the finding's line, `expect-next: ID` on
/// the line before (Dockerfiles have no trailing comments), and `expect.txt`
/// sidecars listing `path:line ID` for files that cannot hold comments.
pub fn expected(root: &Path, files: &[PathBuf]) -> BTreeSet<(String, u32, String)> {
    let mut out = BTreeSet::new();
    for file in files {
        let rel = file
            .strip_prefix(root)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        if rel.ends_with("expect.txt") {
            for line in text
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            {
                let (loc, id) = line.split_once(' ').expect("`path:line ID` in expect.txt");
                let (path, line_no) = loc.rsplit_once(':').expect("path:line");
                out.insert((
                    path.to_string(),
                    line_no.parse().expect("line number"),
                    id.trim().to_string(),
                ));
            }
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            for (marker, offset) in [("expect-next:", 2u32), ("expect:", 1u32)] {
                if let Some(pos) = line.find(marker) {
                    let before = &line[..pos];
                    if !(before.trim_end().ends_with('#') || before.trim_end().ends_with("//")) {
                        continue;
                    }
                    for id in line[pos + marker.len()..].split(',') {
                        let id = id.trim().trim_end_matches("*/").trim();
                        if !id.is_empty() {
                            out.insert((rel.clone(), i as u32 + offset, id.to_string()));
                        }
                    }
                    break;
                }
            }
        }
    }
    out
}

/// Every file under `dir`, sorted (hidden ones too).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if d.is_file() {
            out.push(d);
            continue;
        }
        if let Ok(entries) = std::fs::read_dir(&d) {
            for e in entries.flatten() {
                stack.push(e.path());
            }
        }
    }
    out.sort();
    out
}
