//! Plugins end to end: the example plugins are built from source (once per
//! test run) for wasm32-wasip2, run on their fixtures and through the CLI, and
//! hostile plugins each give their diagnostic while built-in findings stay
//! identical. One engine and one compiled-component cache serve every test.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use devops_lint::config::Config;
use devops_lint::engine::{self, ScanOptions, ScanResult};
use devops_lint::plugin::host::Limits;
use devops_lint::plugin::{self, cache, Origin, PluginOptions, PluginSpec};
use devops_lint::plugin_harness as harness;
use devops_lint::registry::Registry;
use devops_lint::rule::Stage;

use crate::common;
use crate::common::bin;

struct Guests {
    required_tags: PathBuf,
    allowed_registries: PathBuf,
    hostile: PathBuf,
    hostile_shadow: PathBuf,
}

fn plugins_dir() -> PathBuf {
    common::repo_root().join("plugins")
}

/// Builds the plugin workspace once per test run (release guests: small, and
/// quick to build). Installs the wasm32-wasip2 target when it is missing.
fn guests() -> &'static Guests {
    static GUESTS: OnceLock<Guests> = OnceLock::new();
    GUESTS.get_or_init(|| {
        let installed = Command::new("rustup")
            .args(["target", "list", "--installed"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-wasip2"))
            .unwrap_or(false);
        if !installed {
            let status = Command::new("rustup")
                .args(["target", "add", "wasm32-wasip2"])
                .status();
            assert!(
                status.is_ok_and(|s| s.success()),
                "cannot install the wasm32-wasip2 target (rustup target add wasm32-wasip2)"
            );
        }
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let output = Command::new(cargo)
            .args([
                "build",
                "--locked",
                "--release",
                "--target",
                "wasm32-wasip2",
            ])
            .current_dir(plugins_dir())
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .output()
            .expect("run cargo for the plugins");
        assert!(
            output.status.success(),
            "building the plugins failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let out = plugins_dir().join("target/wasm32-wasip2/release");
        Guests {
            required_tags: out.join("required_tags.wasm"),
            allowed_registries: out.join("allowed_registries.wasm"),
            hostile: out.join("hostile.wasm"),
            hostile_shadow: out.join("hostile_shadow.wasm"),
        }
    })
}

/// The disk cache the tests share (also across runs).
fn cache_dir() -> PathBuf {
    common::repo_root().join("target/plugin-cache-tests")
}

fn options(settings: &[(&str, &str)]) -> PluginOptions {
    let mut opts = PluginOptions {
        cache_dir: Some(cache_dir()),
        limits: Limits {
            timeout: Duration::from_millis(500),
            ..Limits::default()
        },
        ..PluginOptions::default()
    };
    for (name, toml_text) in settings {
        opts.settings.insert(
            name.to_string(),
            toml::from_str(toml_text).expect("settings toml"),
        );
    }
    opts
}

fn cli_spec(path: &Path) -> PluginSpec {
    PluginSpec {
        name: None,
        path: path.to_path_buf(),
        origin: Origin::CommandLine,
    }
}

/// Scans `root` with every built-in rule plus the plugins, at stage scale.
fn scan_with(root: &Path, specs: &[PluginSpec], opts: &PluginOptions, jobs: usize) -> ScanResult {
    let mut opts = opts.clone();
    opts.root = root.to_path_buf();
    let loaded = plugin::load_all(specs, &opts);
    let registry = Registry::with_extra(loaded.rules);
    let scan_opts = ScanOptions {
        root: root.to_path_buf(),
        paths: None,
        stage: Stage::Scale,
        select: Vec::new(),
        ignore: Vec::new(),
        jobs,
        no_ignores: false,
        repo_rules: true,
        max_file_size: devops_lint::discover::DEFAULT_MAX_FILE_SIZE,
        keep_texts: true,
    };
    let config = Config::default();
    let selection = engine::select(&registry, &config, &scan_opts).expect("selection");
    let mut result = engine::scan(&scan_opts, &config, &selection);
    result.diagnostics.splice(0..0, loaded.diagnostics);
    result
}

/// Findings of built-in rules: (path, line, id, message).
fn builtin_findings(result: &ScanResult) -> BTreeSet<(String, u32, String, String)> {
    result
        .findings
        .iter()
        .filter(|f| f.rule.plugin.is_none())
        .map(|f| {
            (
                f.location.path.clone(),
                f.location.start.line,
                f.rule.id.to_string(),
                f.message.clone(),
            )
        })
        .collect()
}

fn plugin_errors(result: &ScanResult) -> Vec<String> {
    result
        .diagnostics
        .iter()
        .filter(|d| d.kind == "plugin-error")
        .map(|d| d.message.clone())
        .collect()
}

/// A small tree with findings of built-in rules and hostile markers.
fn hostile_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    let sg = "resource \"aws_security_group\" \"ssh\" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = \"tcp\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n}\n";
    write("infra/a.tf", &format!("# hostile-marker\n{sg}"));
    for name in ["b", "c", "d", "e"] {
        write(
            &format!("stack/{name}.tf"),
            &format!("# hostile-marker {name}\n{sg}"),
        );
    }
    write(
        "Dockerfile",
        "# hostile-marker\nFROM node\nCMD [\"node\"]\n",
    );
    dir
}

fn baseline(root: &Path) -> BTreeSet<(String, u32, String, String)> {
    builtin_findings(&scan_with(root, &[], &options(&[]), 2))
}

// ---------------------------------------------------------------------------
// The example plugins

#[test]
fn example_plugins_pass_their_fixtures() {
    let g = guests();
    for (wasm, dir) in [
        (&g.required_tags, "required-tags"),
        (&g.allowed_registries, "allowed-registries"),
    ] {
        let fixtures = plugins_dir().join(dir).join("fixtures");
        let results = harness::run_fixtures(wasm, &fixtures, &options(&[])).expect("fixtures run");
        let (text, ok) = harness::render(&results);
        assert!(ok, "{dir}:\n{text}");
        assert!(
            results.iter().any(|r| r.case.starts_with("fail/")),
            "{dir} has fail cases"
        );
        assert!(
            results.iter().any(|r| r.case.starts_with("pass/")),
            "{dir} has pass cases"
        );
    }
}

#[test]
fn cli_reports_plugin_findings_with_snippets_and_sarif_rules() {
    let g = guests();
    let repo = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        repo.path().join("main.tf"),
        "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"acme-logs\"\n  tags = {\n    Owner = \"platform\"\n  }\n}\n\n# devops-lint: ignore[acme/TAG001] legacy bucket, tagged by hand\nresource \"aws_s3_bucket\" \"old\" {\n}\n",
    )
    .expect("write");
    std::fs::write(
        repo.path().join("devops-lint.toml"),
        "[plugins.required-tags]\nrequired_tags = [\"Owner\", \"CostCenter\"]\n\n[rules]\n\"acme/TAG001\" = \"error\"\n",
    )
    .expect("write");
    let plugin = g.required_tags.to_string_lossy().into_owned();
    let run = |extra: &[&str]| {
        bin()
            .env("DEVOPS_LINT_CACHE_DIR", cache_dir())
            .args(["--plugin", &plugin, "--no-color"])
            .args(extra)
            .arg(".")
            .current_dir(repo.path())
            .output()
            .expect("run")
    };
    let human = run(&[]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert_eq!(
        human.status.code(),
        Some(1),
        "config made it an error:\n{text}"
    );
    assert!(text.contains("acme/TAG001"), "{text}");
    assert!(
        text.contains("aws_s3_bucket.logs is missing required tags: CostCenter"),
        "{text}"
    );
    assert!(
        text.contains("Owner = \"platform\""),
        "snippet shown:\n{text}"
    );
    assert!(
        !text.contains("aws_s3_bucket.old has no tags"),
        "suppressed:\n{text}"
    );

    // Suppressed results only when asked for (GitHub ignores `suppressions`).
    let by_default = run(&["--format", "sarif"]);
    let value: serde_json::Value = serde_json::from_slice(&by_default.stdout).expect("json");
    let results = value["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().all(|r| r["suppressions"].is_null()));
    let sarif = run(&["--format", "sarif", "--sarif-suppressed", "include"]);
    let value: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("sarif json");
    let run0 = &value["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().expect("rules");
    let rule = rules
        .iter()
        .find(|r| r["id"] == "acme/TAG001")
        .expect("plugin rule in the SARIF rule table");
    assert_eq!(rule["name"], "missing-required-tags");
    assert!(rule["help"]["markdown"]
        .as_str()
        .is_some_and(|m| m.contains("## Why it matters")));
    let results = run0["results"].as_array().expect("results");
    let ours: Vec<_> = results
        .iter()
        .filter(|r| r["ruleId"] == "acme/TAG001")
        .collect();
    assert_eq!(ours.len(), 2, "one active, one suppressed");
    assert!(ours.iter().any(|r| r["level"] == "error"));
    assert!(ours.iter().any(|r| r["suppressions"][0]["justification"]
        .as_str()
        .is_some_and(|j| j.contains("legacy bucket"))));
}

#[test]
fn rules_and_explain_list_plugin_rules() {
    let g = guests();
    let plugin = g.allowed_registries.to_string_lossy().into_owned();
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = bin()
        .env("DEVOPS_LINT_CACHE_DIR", cache_dir())
        .args(["rules", "--plugin", &plugin])
        .current_dir(dir.path())
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&rules.stdout);
    assert!(
        text.contains("acme/REG001") && text.contains("disallowed-image-registry"),
        "{text}"
    );
    assert!(text.contains("SEC007"), "built-ins too:\n{text}");
    let explain = bin()
        .env("DEVOPS_LINT_CACHE_DIR", cache_dir())
        .args(["explain", "disallowed-image-registry", "--plugin", &plugin])
        .current_dir(dir.path())
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&explain.stdout);
    assert_eq!(explain.status.code(), Some(0));
    assert!(
        text.contains("# acme/REG001 disallowed-image-registry"),
        "{text}"
    );
    assert!(text.contains("## How to fix"), "{text}");
}

#[test]
fn config_plugins_must_stay_inside_the_root() {
    let g = guests();
    let repo = tempfile::tempdir().expect("tempdir");
    std::fs::write(repo.path().join("Dockerfile"), "FROM node:20\n").expect("write");
    let outside = g.allowed_registries.to_string_lossy().replace('\\', "/");
    std::fs::write(
        repo.path().join("devops-lint.toml"),
        format!("[plugins.allowed-registries]\npath = \"{outside}\"\nallowed = [\"registry.acme.io\"]\n"),
    )
    .expect("write");
    let run = |extra: &[&str]| {
        let o = bin()
            .env("DEVOPS_LINT_CACHE_DIR", cache_dir())
            .args(["--format", "json"])
            .args(extra)
            .arg(".")
            .current_dir(repo.path())
            .output()
            .expect("run");
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let refused = run(&[]);
    assert!(refused.contains("outside the scanned root"), "{refused}");
    assert!(!refused.contains("acme/REG001\""), "{refused}");
    let allowed = run(&["--allow-external-plugins"]);
    assert!(allowed.contains("acme/REG001"), "{allowed}");

    // Inside the root, the config form needs no flag.
    std::fs::create_dir_all(repo.path().join("tools")).expect("mkdir");
    std::fs::copy(
        &g.allowed_registries,
        repo.path().join("tools/registries.wasm"),
    )
    .expect("copy");
    std::fs::write(
        repo.path().join("devops-lint.toml"),
        "[plugins.allowed-registries]\npath = \"tools/registries.wasm\"\nallowed = [\"registry.acme.io\"]\n",
    )
    .expect("write");
    let inside = run(&[]);
    assert!(inside.contains("acme/REG001"), "{inside}");
    assert!(inside.contains("docker.io/library/node"), "{inside}");
}

#[test]
fn settings_are_validated_by_the_plugin() {
    let g = guests();
    let result = scan_with(
        &common::fixtures().join("repos/example-startup"),
        &[cli_spec(&g.required_tags)],
        &options(&[("required-tags", "required_tags = \"Owner\"\n")]),
        1,
    );
    let errors = plugin_errors(&result);
    assert!(
        errors.iter().any(|e| e.contains("rejected its settings")
            && e.contains("`required_tags` must be a list of strings")),
        "{errors:?}"
    );
}

/// `--select` of a rule whose plugin refused to load names the reason, not only
/// "unknown rule".
#[test]
fn selecting_a_rule_of_a_plugin_that_failed_to_load_says_why() {
    let g = guests();
    let repo = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        repo.path().join("main.tf"),
        "resource \"aws_s3_bucket\" \"a\" {}\n",
    )
    .expect("write");
    let plugin = g.required_tags.to_string_lossy().into_owned();
    let out = bin()
        .env("DEVOPS_LINT_CACHE_DIR", cache_dir())
        .args(["--plugin", &plugin, "--select", "acme/TAG001", "."])
        .current_dir(repo.path())
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let reason = stderr.find("rejected its settings").expect(&stderr);
    let unknown = stderr.find("unknown rule `acme/TAG001`").expect(&stderr);
    assert!(reason < unknown, "{stderr}");
}

#[test]
fn findings_are_identical_across_thread_counts() {
    let g = guests();
    let specs = [cli_spec(&g.required_tags), cli_spec(&g.allowed_registries)];
    let opts = options(&[
        ("required-tags", "required_tags = [\"Owner\"]\n"),
        ("allowed-registries", "allowed = [\"registry.acme.io\"]\n"),
    ]);
    let root = common::fixtures().join("repos/example-startup");
    let one = scan_with(&root, &specs, &opts, 1);
    let four = scan_with(&root, &specs, &opts, 4);
    let key = |r: &ScanResult| {
        r.findings
            .iter()
            .map(|f| (f.location.clone(), f.rule.id, f.message.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(key(&one), key(&four));
    assert!(one.findings.iter().any(|f| f.rule.id == "acme/REG001"));
    assert!(one.findings.iter().any(|f| f.rule.id == "acme/TAG001"));
    assert!(plugin_errors(&one).is_empty(), "{:?}", plugin_errors(&one));
}

#[test]
fn compiled_components_are_cached_on_disk() {
    let g = guests();
    let engine = plugin::host::engine().expect("engine");
    let bytes = std::fs::read(&g.allowed_registries).expect("read");
    let dir = tempfile::tempdir().expect("tempdir");
    // Compile (or take from memory) and write the entry.
    cache::clear_memory();
    let first = cache::load(engine, &bytes, Some(dir.path())).expect("load");
    assert_eq!(first.source, cache::Source::Compiled);
    let entry = cache::entry_path(engine, dir.path(), &first.sha256);
    assert!(entry.is_file(), "entry written");
    cache::clear_memory();
    let warm = cache::load(engine, &bytes, Some(dir.path())).expect("load");
    assert_eq!(warm.source, cache::Source::Disk);
    // A corrupt entry is a miss, not an error.
    std::fs::write(&entry, b"garbage").expect("write");
    cache::clear_memory();
    let again = cache::load(engine, &bytes, Some(dir.path())).expect("load");
    assert_eq!(again.source, cache::Source::Compiled);
    // A cache directory that cannot be written is not an error.
    let blocked = dir.path().join("file-not-dir");
    std::fs::write(&blocked, b"x").expect("write");
    cache::clear_memory();
    assert!(cache::load(engine, &bytes, Some(&blocked)).is_ok());
}

// ---------------------------------------------------------------------------
// Hostile plugins: each gives its diagnostic; built-in findings stay identical

fn hostile_run(mode: &str, only: &str) -> (ScanResult, BTreeSet<(String, u32, String, String)>) {
    let g = guests();
    let tree = hostile_tree();
    let settings = format!("mode = \"{mode}\"\nonly = \"{only}\"\n");
    let result = scan_with(
        tree.path(),
        &[cli_spec(&g.hostile)],
        &options(&[("hostile", &settings)]),
        2,
    );
    let base = baseline(tree.path());
    (result, base)
}

fn assert_hostile(mode: &str, expected: &str) {
    let (result, base) = hostile_run(mode, "infra/a.tf");
    assert_eq!(
        builtin_findings(&result),
        base,
        "{mode}: built-in findings changed"
    );
    let errors = plugin_errors(&result);
    assert!(
        errors.iter().any(|e| e
            .contains("plugin hostile (rule hostile/H001) failed on infra/a.tf")
            && e.contains(expected)),
        "{mode}: expected `{expected}` in {errors:#?}"
    );
    // The other files still got the plugin's findings (the instance was re-created).
    let marked: BTreeSet<&str> = result
        .findings
        .iter()
        .filter(|f| f.rule.id == "hostile/H001")
        .map(|f| f.location.path.as_str())
        .collect();
    assert!(
        marked.contains("Dockerfile") && marked.contains("stack/b.tf"),
        "{mode}: {marked:?}"
    );
    if mode != "bad-span" {
        assert!(
            !marked.contains("infra/a.tf"),
            "{mode}: findings of a failed call are dropped"
        );
    }
}

#[test]
fn hostile_trap() {
    assert_hostile(
        "trap",
        "trapped (a panic or an abort inside the plugin); plugin output: ",
    );
    let (result, _) = hostile_run("trap", "infra/a.tf");
    assert!(plugin_errors(&result)
        .iter()
        .any(|e| e.contains("panics on infra/a.tf as asked")));
}

#[test]
fn hostile_infinite_loop() {
    assert_hostile(
        "loop",
        "timed out after 500ms (raise it with --plugin-timeout)",
    );
}

#[test]
fn hostile_memory_bomb() {
    assert_hostile("memory", "exceeded its memory limit of 64 MiB");
}

#[test]
fn hostile_deep_recursion() {
    assert_hostile("recursion", "exhausted its stack");
}

#[test]
fn hostile_huge_output() {
    assert_hostile(
        "huge-output",
        "malformed output: 5001 findings for one file",
    );
}

#[test]
fn hostile_span_outside_the_file() {
    assert_hostile("bad-span", "outside the file");
}

#[test]
fn hostile_output_is_captured_and_bounded() {
    assert_hostile("noisy-trap", "panics after a lot of output");
    let (result, _) = hostile_run("noisy-trap", "infra/a.tf");
    for e in plugin_errors(&result) {
        assert!(e.len() < 10_000, "bounded: {} bytes", e.len());
    }
}

#[test]
fn hostile_plugin_is_disabled_after_repeated_failures() {
    let (result, base) = hostile_run("trap", ".tf");
    assert_eq!(builtin_findings(&result), base);
    let errors = plugin_errors(&result);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("plugin hostile disabled after 3 failures")),
        "{errors:#?}"
    );
    let failures = errors.iter().filter(|e| e.contains("failed on")).count();
    assert!((3..=4).contains(&failures), "stops calling it: {errors:#?}");
}

// ---------------------------------------------------------------------------
// Hostile plugins that wait, hand back too much, or use up their budget

#[test]
fn hostile_sleep_is_refused_not_waited_for() {
    let started = std::time::Instant::now();
    assert_hostile(
        "sleep",
        "tried to wait (a sleep or a timer): plugins cannot wait, so the call was stopped",
    );
    // The guest asks for 8 s; the call is refused at once, not timed out.
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn hostile_sleep_in_describe_is_refused() {
    let dir = hostile_describing("sleep");
    assert_load_refused(
        &[cli_spec(&dir.path().join("hostile.wasm"))],
        &[],
        "failed to describe itself: tried to wait (a sleep or a timer)",
    );
}

#[test]
fn hostile_plugin_is_disabled_when_its_budget_runs_out() {
    let g = guests();
    let tree = hostile_tree();
    let mut opts = options(&[("hostile", "mode = \"slow\"\n")]);
    opts.limits.budget = Duration::from_secs(1);
    // 300 ms on each of the 6 files it is called on: 1.8 s wanted, 1 s granted.
    let result = scan_with(tree.path(), &[cli_spec(&g.hostile)], &opts, 2);
    assert_eq!(builtin_findings(&result), baseline(tree.path()));
    let errors = plugin_errors(&result);
    assert!(
        errors.iter().any(|e| e.contains(
            "plugin hostile disabled in this run: it used up its time budget of 1s \
             (all its calls together; raise it with --plugin-budget)"
        )),
        "{errors:#?}"
    );
    let marked = result
        .findings
        .iter()
        .filter(|f| f.rule.id == "hostile/H001")
        .count();
    assert!((1..6).contains(&marked), "stopped part way: {marked} files");
    assert_eq!(
        errors.iter().filter(|e| e.contains("disabled")).count(),
        1,
        "said once: {errors:#?}"
    );
}

#[test]
fn hostile_huge_error_is_not_copied() {
    assert_hostile(
        "err-huge",
        "handed back more than 4 MiB in one call (the host's limit on its strings and lists \
         together); nothing of it was kept",
    );
}

#[test]
fn hostile_findings_sharing_one_buffer_are_not_copied() {
    assert_hostile("shared-message", "handed back more than 4 MiB in one call");
}

#[test]
fn hostile_huge_configure_error_is_not_copied() {
    assert_load_refused(
        &[cli_spec(&guests().hostile)],
        &[("hostile", "mode = \"reject-huge\"\n")],
        "failed to read its settings: handed back more than 4 MiB in one call",
    );
}

#[test]
fn hostile_huge_docs_are_refused_and_long_docs_cut() {
    let dir = hostile_describing("huge-docs");
    assert_load_refused(
        &[cli_spec(&dir.path().join("hostile.wasm"))],
        &[],
        "failed to describe itself: handed back more than 4 MiB in one call",
    );
    let dir = hostile_describing("long-docs");
    let loaded = plugin::load_all(&[cli_spec(&dir.path().join("hostile.wasm"))], &options(&[]));
    assert!(loaded.diagnostics.is_empty());
    let docs = loaded.rules[0].meta().docs;
    assert!(
        docs.len() <= plugin::text::MAX_DOCS + 4096,
        "{}",
        docs.len()
    );
    assert!(docs.contains("## What it checks"));
}

/// Plugin files are opened with care: no hang on a FIFO, no read of a huge
/// file, the header checked before the rest is read.
#[cfg(unix)]
#[test]
fn hostile_plugin_paths() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("fifo.wasm");
    let status = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(status.success());
    assert_load_refused(&[cli_spec(&fifo)], &[], "it is a FIFO, not a regular file");
    assert_load_refused(
        &[cli_spec(dir.path())],
        &[],
        "it is a directory, not a regular file",
    );
    assert_load_refused(
        &[cli_spec(Path::new("/dev/zero"))],
        &[],
        "it is a device, not a regular file",
    );
    // A 2 GiB sparse file: refused from its size, never read.
    let huge = dir.path().join("huge.wasm");
    let file = std::fs::File::create(&huge).expect("create");
    file.set_len(2 << 30).expect("sparse");
    assert_load_refused(
        &[cli_spec(&huge)],
        &[],
        "it is 2048 MiB; a plugin file may be at most 64 MiB",
    );
    // The FIFO named by a repository's config: the scan goes on.
    let repo = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        repo.path().join("main.tf"),
        "resource \"aws_security_group\" \"ssh\" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = \"tcp\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n}\n",
    )
    .expect("write");
    let status = Command::new("mkfifo")
        .arg(repo.path().join("plugin.wasm"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    std::fs::write(
        repo.path().join("devops-lint.toml"),
        "[plugins.hostile]\npath = \"plugin.wasm\"\n",
    )
    .expect("write");
    let (code, value) = cli_json(repo.path(), &[]);
    assert_eq!(code, Some(1), "{value:#}");
    assert!(
        value
            .to_string()
            .contains("it is a FIFO, not a regular file"),
        "{value:#}"
    );
    assert!(value.to_string().contains("SEC007"), "{value:#}");
}

/// The hostile plugin with `describe` switched to `mode` (see DESCRIBE_MODE
/// in plugins/tests/hostile).
fn hostile_describing(mode: &str) -> tempfile::TempDir {
    let bytes = std::fs::read(&guests().hostile).expect("read");
    let from = format!("{:<48}", "describe-mode:ok");
    let to = format!("{:<48}", format!("describe-mode:{mode}"));
    assert_eq!(to.len(), 48, "mode too long");
    let at: Vec<usize> = bytes
        .windows(48)
        .enumerate()
        .filter(|(_, w)| *w == from.as_bytes())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(at.len(), 1, "the describe mode is in the component once");
    let mut patched = bytes;
    patched[at[0]..at[0] + 48].copy_from_slice(to.as_bytes());
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("hostile.wasm"), patched).expect("write");
    dir
}

/// Runs the binary with `--jobs 16` on a tree whose every file the hostile
/// plugin misbehaves on (or only `only`), and checks time, memory, output size,
/// the exit code and the built-in findings against a run without the plugin.
#[cfg(unix)]
fn assert_bounded_at_16_jobs(settings: &str, expected: &str) {
    use std::ffi::OsString;
    let g = guests();
    let tree = hostile_tree();
    for i in 0..40 {
        std::fs::write(
            tree.path().join(format!("stack/more{i}.tf")),
            format!("# hostile-marker {i}\n"),
        )
        .expect("write");
    }
    std::fs::write(
        tree.path().join("devops-lint.toml"),
        format!("[plugins.hostile]\n{settings}"),
    )
    .expect("write");
    let cache = cache_dir();
    let envs = [("DEVOPS_LINT_CACHE_DIR", cache.as_os_str())];
    let run = |plugin: bool| {
        let mut args: Vec<OsString> = ["--no-color", "--jobs", "16"].map(OsString::from).to_vec();
        if plugin {
            args.push("--plugin".into());
            args.push(g.hostile.clone().into());
        }
        args.push(".".into());
        crate::hostile::run_limited_env(tree.path(), &args, &envs, Duration::from_secs(120), false)
    };
    let base = run(false);
    let hostile = run(true);
    assert_eq!(hostile.signal, None, "{}", hostile.stderr);
    assert_eq!(
        hostile.code, base.code,
        "{}{}",
        hostile.stdout, hostile.stderr
    );
    // The human report wraps long messages.
    let words = |t: &str| {
        t.split_whitespace()
            .filter(|w| *w != "│")
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(
        words(&hostile.stdout).contains(expected),
        "expected `{expected}`:\n{}",
        &hostile.stdout[..hostile.stdout.len().min(20_000)]
    );
    assert_eq!(
        hostile.stdout.matches("SEC007").count(),
        base.stdout.matches("SEC007").count(),
        "built-in findings intact"
    );
    // Before the host's own limits: a 214 MiB report, 1-1.8 GB of RSS.
    assert!(
        hostile.stdout.len() < 512 << 10,
        "report of {} bytes",
        hostile.stdout.len()
    );
    assert!(
        hostile.stderr.len() < 64 << 10,
        "{} bytes",
        hostile.stderr.len()
    );
    assert!(
        hostile.max_rss_mib < 400,
        "peak RSS {} MiB (without the plugin: {} MiB)",
        hostile.max_rss_mib,
        base.max_rss_mib
    );
}

#[cfg(unix)]
#[test]
fn hostile_huge_error_at_16_jobs_is_bounded() {
    assert_bounded_at_16_jobs(
        "mode = \"err-huge\"\nonly = \"infra/a.tf\"\n",
        "handed back more than 4 MiB in one call",
    );
}

#[cfg(unix)]
#[test]
fn hostile_shared_buffer_at_16_jobs_is_bounded() {
    assert_bounded_at_16_jobs(
        "mode = \"shared-message\"\n",
        "handed back more than 4 MiB in one call",
    );
}

#[cfg(unix)]
#[test]
fn hostile_huge_configure_error_at_16_jobs_is_bounded() {
    assert_bounded_at_16_jobs(
        "mode = \"reject-huge\"\n",
        "failed to read its settings: handed back more than 4 MiB in one call",
    );
}

// ---------------------------------------------------------------------------
// Hostile text: terminal escapes and workflow commands in every field

/// Control characters that must never reach an output, from a plugin.
const UNSAFE: [char; 6] = ['\u{1b}', '\u{7}', '\r', '\u{202E}', '\u{85}', '\u{9b}'];

/// No escape, BEL or bidi override, and no line a CI runner would read as a
/// workflow command.
fn assert_text_safe(what: &str, text: &str) {
    for c in UNSAFE {
        assert!(
            !text.contains(c),
            "{what}: U+{:04X} got through:\n{text}",
            c as u32
        );
    }
    for line in text.lines() {
        assert!(
            !line.trim_start().starts_with("::"),
            "{what}: a line starts a workflow command: {line:?}"
        );
    }
}

/// The same for every string in a JSON document.
fn assert_json_safe(what: &str, value: &serde_json::Value) {
    match value {
        serde_json::Value::String(s) => assert_text_safe(what, s),
        serde_json::Value::Array(items) => items.iter().for_each(|v| assert_json_safe(what, v)),
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                assert_text_safe(what, k);
                assert_json_safe(what, v);
            }
        }
        _ => {}
    }
}

/// Every format and subcommand that shows plugin text, with the payload in
/// every field the plugin fills: version, summaries, docs (describe);
/// messages, labels, help (check-file); an inconclusive reason and repo
/// findings (check-repo).
#[test]
fn hostile_text_is_neutralised_in_every_format_and_subcommand() {
    let dir = hostile_describing("inject");
    let wasm = dir.path().join("hostile.wasm");
    let plugin = wasm.to_string_lossy().into_owned();
    let tree = hostile_tree();
    std::fs::write(
        tree.path().join("devops-lint.toml"),
        "[plugins.hostile]\nmode = \"inject\"\n",
    )
    .expect("write");
    let run = |args: &[&str]| {
        let out = bin()
            .env("DEVOPS_LINT_CACHE_DIR", cache_dir())
            .env("NO_COLOR", "1")
            .args(args)
            .current_dir(tree.path())
            .output()
            .expect("run");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (base_code, _, _) = run(&["--no-color", "--stage", "scale", "."]);
    for format in ["human", "json", "sarif", "markdown"] {
        let (code, stdout, stderr) = run(&[
            "--no-color",
            "--stage",
            "scale",
            "--format",
            format,
            "--plugin",
            &plugin,
            ".",
        ]);
        let what = format!("--format {format}");
        assert_eq!(code, base_code, "{what}: {stdout}{stderr}");
        assert!(
            stdout.contains("PWNED"),
            "{what}: the payload arrived:\n{stdout}"
        );
        assert_text_safe(&what, &stdout);
        assert_text_safe(&what, &stderr);
        if matches!(format, "json" | "sarif") {
            let value: serde_json::Value = serde_json::from_str(&stdout).expect("json");
            assert_json_safe(&what, &value);
        }
    }
    let fixtures = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(fixtures.path().join("fail")).expect("mkdir");
    std::fs::write(
        fixtures.path().join("fail/a.tf"),
        "# hostile-marker expect: hostile/H001\n",
    )
    .expect("write");
    std::fs::write(
        fixtures.path().join("settings.toml"),
        "mode = \"inject-err\"\n",
    )
    .expect("write");
    let fixtures_dir = fixtures.path().to_string_lossy().into_owned();
    for args in [
        vec!["rules", "--plugin", &plugin],
        vec!["explain", "hostile/H001", "--plugin", &plugin],
        vec!["plugins", "warm", &plugin],
        vec!["plugins", "test", &plugin, &fixtures_dir],
    ] {
        let (_, stdout, stderr) = run(&args);
        let what = args.join(" ");
        // `rules` shows no plugin text but the ids and names it validated.
        assert!(
            args[0] == "rules" || stdout.contains("PWNED") || stderr.contains("PWNED"),
            "{what}: the payload arrived:\n{stdout}{stderr}"
        );
        assert_text_safe(&what, &stdout);
        assert_text_safe(&what, &stderr);
    }
}

/// Errors, panics, rejected settings, a hostile name, rule id or repo path:
/// each a clean one-line diagnostic, on stdout (the report) and stderr.
#[test]
fn hostile_text_in_errors_is_neutralised() {
    let tree = hostile_tree();
    let g = guests();
    let plugin = g.hostile.to_string_lossy().into_owned();
    let named = hostile_describing("inject-name");
    let named = named
        .path()
        .join("hostile.wasm")
        .to_string_lossy()
        .into_owned();
    for (wasm, mode, expected) in [
        (&plugin, "inject-err", "it returned an error: error PWNED"),
        (
            &plugin,
            "inject-trap",
            "trapped (a panic or an abort inside the plugin)",
        ),
        (
            &plugin,
            "reject-inject",
            "rejected its settings in [plugins.hostile]: rejected PWNED",
        ),
        (&plugin, "inject-rule", "a finding for rule `hostile/PWNED"),
        (&plugin, "inject-repo-path", "is not relative to the root"),
        (&named, "ok", "is not kebab-case"),
    ] {
        std::fs::write(
            tree.path().join("devops-lint.toml"),
            format!("[plugins.hostile]\nmode = \"{mode}\"\n"),
        )
        .expect("write");
        for format in ["human", "json"] {
            let out = bin()
                .env("DEVOPS_LINT_CACHE_DIR", cache_dir())
                .args(["--no-color", "--format", format, "--plugin", wasm, "."])
                .current_dir(tree.path())
                .output()
                .expect("run");
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            let what = format!("{mode} --format {format}");
            assert_eq!(out.status.code(), Some(1), "{what}: {stdout}{stderr}");
            assert!(stdout.contains("SEC007"), "{what}: built-ins: {stdout}");
            assert_text_safe(&what, &stdout);
            assert_text_safe(&what, &stderr);
            if format == "json" {
                let value: serde_json::Value = serde_json::from_str(&stdout).expect("json");
                assert_json_safe(&what, &value);
                let errors = value["errors"].to_string();
                assert!(
                    errors.contains(expected),
                    "{what}: `{expected}` in {errors}"
                );
            }
        }
    }
}

fn assert_load_refused(specs: &[PluginSpec], settings: &[(&str, &str)], expected: &str) {
    let tree = hostile_tree();
    let result = scan_with(tree.path(), specs, &options(settings), 2);
    assert_eq!(builtin_findings(&result), baseline(tree.path()));
    let errors = plugin_errors(&result);
    assert!(
        errors.iter().any(|e| e.contains(expected)),
        "expected `{expected}` in {errors:#?}"
    );
    assert!(result.findings.iter().all(|f| f.rule.plugin.is_none()));
}

#[test]
fn hostile_settings_rejected() {
    assert_load_refused(
        &[cli_spec(&guests().hostile)],
        &[("hostile", "mode = \"reject\"\n")],
        "plugin hostile (",
    );
    assert_load_refused(
        &[cli_spec(&guests().hostile)],
        &[("hostile", "mode = \"reject\"\n")],
        "rejected its settings in [plugins.hostile]: mode `reject` rejects every setting",
    );
}

#[test]
fn hostile_id_shadowing_a_builtin() {
    assert_load_refused(
        &[cli_spec(&guests().hostile_shadow)],
        &[],
        "rule `SEC007` shadows the built-in rule SEC007 (open-admin-port)",
    );
}

/// The hostile plugin with its API version rewritten (same length, so the
/// component stays valid).
fn with_api_version(version: &str) -> tempfile::TempDir {
    let bytes = std::fs::read(&guests().hostile).expect("read");
    let from = b"devops-lint:plugin/rules@0.1.0";
    let to = format!("devops-lint:plugin/rules@{version}");
    assert_eq!(to.len(), from.len());
    let mut patched = bytes.clone();
    let mut count = 0;
    let mut i = 0;
    while i + from.len() <= patched.len() {
        if &patched[i..i + from.len()] == from {
            patched[i..i + from.len()].copy_from_slice(to.as_bytes());
            count += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    assert!(count > 0, "the export name is in the component");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("hostile.wasm"), patched).expect("write");
    dir
}

#[test]
fn hostile_incompatible_api_version() {
    let dir = with_api_version("0.2.0");
    assert_load_refused(
        &[cli_spec(&dir.path().join("hostile.wasm"))],
        &[],
        "it implements devops-lint:plugin@0.2.0, but this devops-lint (0.1.0) implements devops-lint:plugin@0.1.0 and links only 0.1.x",
    );
}

#[test]
fn a_compatible_api_version_links() {
    let dir = with_api_version("0.1.7");
    let tree = hostile_tree();
    let result = scan_with(
        tree.path(),
        &[cli_spec(&dir.path().join("hostile.wasm"))],
        &options(&[]),
        1,
    );
    assert!(
        plugin_errors(&result).is_empty(),
        "{:?}",
        plugin_errors(&result)
    );
    assert!(result.findings.iter().any(|f| f.rule.id == "hostile/H001"));
}

#[test]
fn hostile_not_wasm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = dir.path().join("plugin.wasm");
    std::fs::write(&text, "this is not wasm").expect("write");
    assert_load_refused(&[cli_spec(&text)], &[], "it is not a WebAssembly file");
    let core = dir.path().join("core.wasm");
    std::fs::write(&core, b"\0asm\x01\0\0\0").expect("write");
    assert_load_refused(
        &[cli_spec(&core)],
        &[],
        "a core WebAssembly module, not a component",
    );
    let missing = dir.path().join("missing.wasm");
    assert_load_refused(&[cli_spec(&missing)], &[], "cannot read plugin");
}

// ---------------------------------------------------------------------------
// The C example: the interface is language-neutral

/// `plugins/approved-regions-c`, built with clang and wasi-libc and made a
/// component with `wit-component` (what `wasm-tools component new` does), once
/// per test run. `None` when clang, wasm-ld or wasi-libc is missing (a skip,
/// except under scripts/test: DEVOPS_LINT_REQUIRE_TOOLS=1 makes it a failure).
fn c_guest() -> Option<&'static Path> {
    static GUEST: OnceLock<Option<PathBuf>> = OnceLock::new();
    GUEST
        .get_or_init(|| {
            let clang = std::env::var("CLANG").unwrap_or_else(|_| "clang".into());
            // Debian's wasi-libc: /usr/include/wasm32-wasi, /usr/lib/wasm32-wasi.
            let sysroot = std::env::var("WASI_SYSROOT").unwrap_or_else(|_| "/usr".into());
            let runs = |cmd: &str| {
                Command::new(cmd)
                    .arg("--version")
                    .output()
                    .is_ok_and(|o| o.status.success())
            };
            let libc = Path::new(&sysroot).join("lib/wasm32-wasi/libc.a");
            let missing: Vec<&str> = [
                (!runs(&clang)).then_some("clang"),
                (!runs("wasm-ld")).then_some("wasm-ld (lld)"),
                (!libc.is_file()).then_some("wasi-libc"),
            ]
            .into_iter()
            .flatten()
            .collect();
            if !missing.is_empty() {
                assert!(
                    std::env::var("DEVOPS_LINT_REQUIRE_TOOLS").is_err(),
                    "missing {} for the C plugin: apt-get install clang lld wasi-libc (scripts/test does)",
                    missing.join(", ")
                );
                eprintln!(
                    "skipping the C plugin: missing {} (apt-get install clang lld wasi-libc)",
                    missing.join(", ")
                );
                return None;
            }
            Some(build_c_plugin(&clang, &sysroot))
        })
        .as_deref()
}

fn build_c_plugin(clang: &str, sysroot: &str) -> PathBuf {
    let src = plugins_dir().join("approved-regions-c");
    let out = common::repo_root().join("target/c-plugins");
    std::fs::create_dir_all(&out).expect("mkdir");
    let core = out.join("approved_regions.core.wasm");
    // No start files and no compiler-rt (Debian ships it separately): a
    // reactor with only the exports the bindings declare.
    let output = Command::new(clang)
        .args([
            "--target=wasm32-wasi",
            &format!("--sysroot={sysroot}"),
            "-O2",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-Ibindings",
            "-nostartfiles",
            "-nodefaultlibs",
            "-Wl,--no-entry",
            "-Wl,--strip-all",
            "-o",
        ])
        .arg(&core)
        .args([
            "src/approved_regions.c",
            "src/settings.c",
            "bindings/plugin.c",
            "-lc",
        ])
        .current_dir(&src)
        .output()
        .expect("run clang");
    assert!(
        output.status.success(),
        "building the C plugin failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut module = std::fs::read(&core).expect("read the core module");
    let mut resolve = wit_parser::Resolve::default();
    let (package, _) = resolve
        .push_dir(common::repo_root().join("wit"))
        .expect("parse wit/");
    let world = resolve
        .select_world(&[package], Some("plugin"))
        .expect("world");
    wit_component::embed_component_metadata(
        &mut module,
        &resolve,
        world,
        wit_component::StringEncoding::UTF8,
    )
    .expect("embed the world");
    // Without an adapter, any WASI import would make this fail.
    let component = wit_component::ComponentEncoder::default()
        .module(&module)
        .expect("a core module with the world")
        .validate(true)
        .encode()
        .expect("encode the component");
    let path = out.join("approved_regions.wasm");
    std::fs::write(&path, component).expect("write the component");
    path
}

#[test]
fn c_plugin_imports_nothing() {
    let Some(wasm) = c_guest() else { return };
    let bytes = std::fs::read(wasm).expect("read");
    let wit_component::DecodedWasm::Component(resolve, world) =
        wit_component::decode(&bytes).expect("decode")
    else {
        panic!("not a component");
    };
    let world = &resolve.worlds[world];
    assert!(world.imports.is_empty(), "imports: {:?}", world.imports);
    let exports: Vec<String> = world
        .exports
        .keys()
        .map(|k| resolve.name_world_key(k))
        .collect();
    assert_eq!(exports, ["devops-lint:plugin/rules@0.1.0"]);
}

const C_SETTINGS: &str =
    "[plugins.approved-regions]\nallowed_regions = [\"eu-west-1\", \"eu-central-1\"]\n";

/// Runs the CLI in `dir` with the JSON format; (exit code, stdout as JSON).
fn cli_json(dir: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let output = bin()
        .env("DEVOPS_LINT_CACHE_DIR", cache_dir())
        .args(["--format", "json"])
        .args(args)
        .arg(".")
        .current_dir(dir)
        .output()
        .expect("run");
    let value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), value)
}

#[test]
fn c_plugin_passes_its_fixtures() {
    let Some(wasm) = c_guest() else { return };
    let fixtures = plugins_dir().join("approved-regions-c/fixtures");
    let results = harness::run_fixtures(wasm, &fixtures, &options(&[])).expect("fixtures run");
    let (text, ok) = harness::render(&results);
    assert!(ok, "{text}");
    assert!(results.iter().any(|r| r.case.starts_with("fail/")));
    assert!(results.iter().any(|r| r.case.starts_with("pass/")));
    // The same through the CLI.
    let output = bin()
        .env("DEVOPS_LINT_CACHE_DIR", cache_dir())
        .arg("plugins")
        .arg("test")
        .arg(wasm)
        .arg(&fixtures)
        .output()
        .expect("run");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn c_plugin_through_the_cli_and_sarif() {
    let Some(wasm) = c_guest() else { return };
    let repo = tempfile::tempdir().expect("tempdir");
    let fail = plugins_dir().join("approved-regions-c/fixtures/fail");
    for case in ["us-east-1.tf", "replica-provider.tf", "one-of-three.tf"] {
        std::fs::copy(fail.join(case), repo.path().join(case)).expect("copy");
    }
    let expected: BTreeSet<(String, u64)> = [
        ("one-of-three.tf", 12),
        ("replica-provider.tf", 12),
        ("us-east-1.tf", 2),
    ]
    .into_iter()
    .map(|(p, l)| (p.to_string(), l))
    .collect();
    let ours = |value: &serde_json::Value| -> BTreeSet<(String, u64)> {
        value["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule_id"] == "acme/REGION001")
            .map(|f| {
                (
                    f["path"].as_str().expect("path").to_string(),
                    f["line"].as_u64().expect("line"),
                )
            })
            .collect()
    };

    // `--plugin PATH`, the settings in the config.
    std::fs::write(repo.path().join("devops-lint.toml"), C_SETTINGS).expect("write");
    let plugin = wasm.to_string_lossy().into_owned();
    let (_, value) = cli_json(repo.path(), &["--plugin", &plugin]);
    assert_eq!(ours(&value), expected, "{value:#}");
    let text = value.to_string();
    assert!(
        text.contains("provider \\\"aws\\\" (alias \\\"virginia\\\") uses region `us-east-1`, which is not approved (approved: eu-west-1, eu-central-1)"),
        "{value:#}"
    );

    // The config form: `path` inside the root.
    std::fs::create_dir_all(repo.path().join("tools")).expect("mkdir");
    std::fs::copy(wasm, repo.path().join("tools/approved_regions.wasm")).expect("copy");
    std::fs::write(
        repo.path().join("devops-lint.toml"),
        format!("{C_SETTINGS}path = \"tools/approved_regions.wasm\"\n\n[rules]\n\"acme/REGION001\" = \"error\"\n"),
    )
    .expect("write");
    let (code, value) = cli_json(repo.path(), &[]);
    assert_eq!(ours(&value), expected, "{value:#}");
    assert_eq!(code, Some(1), "an error by config");

    let output = bin()
        .env("DEVOPS_LINT_CACHE_DIR", cache_dir())
        .args(["--format", "sarif", "."])
        .current_dir(repo.path())
        .output()
        .expect("run");
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).expect("sarif json");
    let run0 = &sarif["runs"][0];
    let rule = run0["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == "acme/REGION001")
        .expect("the C plugin's rule in the SARIF rule table");
    assert_eq!(rule["name"], "unapproved-aws-region");
    assert!(rule["help"]["markdown"]
        .as_str()
        .is_some_and(|m| m.contains("## Why it matters") && m.contains("data-residency")));
    let results = run0["results"].as_array().expect("results");
    assert_eq!(
        results
            .iter()
            .filter(|r| r["ruleId"] == "acme/REGION001" && r["level"] == "error")
            .count(),
        3
    );
}

#[test]
fn c_plugin_validates_its_settings() {
    let Some(wasm) = c_guest() else { return };
    let root = common::fixtures().join("repos/example-startup");
    for (settings, message) in [
        (
            "allowed_regions = \"eu-west-1\"\n",
            "`allowed_regions` must be a list of strings, like allowed_regions = [\"eu-west-1\"]",
        ),
        ("", "`allowed_regions` is required"),
        (
            "allowed_regions = []\n",
            "`allowed_regions` must not be empty",
        ),
        (
            "allowed_regions = [\"eu-west-1\", \"EU West\"]\n",
            "`allowed_regions`: `EU West` is not an AWS region name",
        ),
        (
            "allowed_regions = [\"eu-west-1\"]\nregions = [1, {a = [true]}]\n",
            "unknown setting `regions` (known: allowed_regions)",
        ),
    ] {
        let result = scan_with(
            &root,
            &[cli_spec(wasm)],
            &options(&[("approved-regions", settings)]),
            1,
        );
        let errors = plugin_errors(&result);
        assert!(
            errors
                .iter()
                .any(|e| e.contains("rejected its settings") && e.contains(message)),
            "{settings}: {errors:?}"
        );
        assert!(result.findings.iter().all(|f| f.rule.plugin.is_none()));
    }
    // Through the CLI, the user sees the plugin's message.
    let repo = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        repo.path().join("main.tf"),
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\n",
    )
    .expect("write");
    std::fs::write(
        repo.path().join("devops-lint.toml"),
        "[plugins.approved-regions]\nallowed_regions = \"eu-west-1\"\n",
    )
    .expect("write");
    let plugin = wasm.to_string_lossy().into_owned();
    let (_, value) = cli_json(repo.path(), &["--plugin", &plugin]);
    let all = value.to_string();
    assert!(
        value["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .any(|e| e["message"]
                .as_str()
                .is_some_and(|m| m.contains("rejected its settings")
                    && m.contains("`allowed_regions` must be a list of strings"))),
        "{value:#}"
    );
    assert!(!all.contains("acme/REGION001"), "{all}");
}
