//! The GitHub Action (action.yml, action/install.sh, action/run.sh) with a local
//! release archive served from a file:// URL, and every workflow of this repo
//! linted by actionlint (installed by `scripts/test` into target/tools; required
//! there: DEVOPS_LINT_REQUIRE_TOOLS=1) and by devops-lint itself.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{bin, fixtures, repo_root};

const VERSION: &str = "9.8.7";
const TARGET: &str = "x86_64-unknown-linux-musl";

fn sh(script: &str, dir: &Path, env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg(repo_root().join("action").join(script))
        .current_dir(dir)
        .env_remove("GITHUB_PATH")
        .env_remove("GITHUB_OUTPUT")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("bash runs")
}

/// A release folder as the release workflow lays it out: `v<version>/` with
/// the archive of the debug binary and SHA256SUMS.
fn release(dir: &Path, corrupt: bool) -> String {
    let tag = dir.join(format!("v{VERSION}"));
    std::fs::create_dir_all(&tag).expect("mkdir");
    let stage = dir.join("stage");
    std::fs::create_dir_all(&stage).expect("mkdir");
    std::fs::copy(env!("CARGO_BIN_EXE_devops-lint"), stage.join("devops-lint")).expect("copy");
    let asset = format!("devops-lint-{VERSION}-{TARGET}.tar.gz");
    let ok = Command::new("tar")
        .args(["-czf", &tag.join(&asset).to_string_lossy(), "-C"])
        .arg(&stage)
        .arg("devops-lint")
        .status()
        .expect("tar");
    assert!(ok.success());
    let sum = Command::new("sha256sum")
        .arg(&asset)
        .current_dir(&tag)
        .output()
        .expect("sha256sum");
    let mut sums = String::from_utf8(sum.stdout).expect("utf-8");
    if corrupt {
        sums = format!("{}{}", "0".repeat(64), &sums[64..]);
    }
    std::fs::write(tag.join("SHA256SUMS"), sums).expect("write");
    format!("file://{}", dir.display())
}

fn install_env(base: String, temp: &Path, github_path: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("DEVOPS_LINT_VERSION", VERSION.to_string()),
        ("DEVOPS_LINT_DOWNLOAD_BASE", base),
        ("RUNNER_OS", "Linux".to_string()),
        ("RUNNER_ARCH", "X64".to_string()),
        ("RUNNER_TEMP", temp.display().to_string()),
        ("GITHUB_PATH", github_path.display().to_string()),
    ]
}

/// A runner: a release (corrupt or not) served from a file:// URL, RUNNER_TEMP and
/// the GITHUB_PATH file.
struct Runner {
    dir: tempfile::TempDir,
    base: String,
    temp: PathBuf,
    github_path: PathBuf,
}

fn runner(corrupt: bool) -> Runner {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = release(&dir.path().join("release"), corrupt);
    let temp = dir.path().join("runner-temp");
    std::fs::create_dir_all(&temp).expect("mkdir");
    let github_path = dir.path().join("github_path");
    Runner {
        dir,
        base,
        temp,
        github_path,
    }
}

#[test]
fn install_verifies_the_checksum_and_puts_the_binary_on_path() {
    let Runner {
        dir,
        base,
        temp,
        github_path,
    } = runner(false);
    let out = sh(
        "install.sh",
        dir.path(),
        &install_env(base, &temp, &github_path),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let added = std::fs::read_to_string(&github_path).expect("GITHUB_PATH written");
    let installed = PathBuf::from(added.trim()).join("devops-lint");
    let version = Command::new(&installed)
        .arg("--version")
        .output()
        .expect("runs");
    assert!(version.status.success());
}

#[test]
fn install_refuses_a_corrupt_archive_and_bad_inputs() {
    let Runner {
        dir,
        base,
        temp,
        github_path,
    } = runner(true);
    let out = sh(
        "install.sh",
        dir.path(),
        &install_env(base.clone(), &temp, &github_path),
    );
    assert!(!out.status.success());
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(
        log.contains("::error title=devops-lint install::checksum mismatch"),
        "{log}"
    );
    assert!(!github_path.exists(), "nothing put on PATH");
    assert!(
        !temp
            .join(format!("devops-lint-{VERSION}/devops-lint"))
            .exists(),
        "nothing unpacked"
    );

    // A version that is not one, a plain http base, an unknown runner.
    let mut env = install_env(base.clone(), &temp, &github_path);
    env[0].1 = "1.0; rm -rf /".to_string();
    assert!(!sh("install.sh", dir.path(), &env).status.success());
    let mut env = install_env("http://example.invalid".to_string(), &temp, &github_path);
    let out = sh("install.sh", dir.path(), &env);
    assert!(String::from_utf8_lossy(&out.stdout).contains("must be an https:// URL"));
    env = install_env(base, &temp, &github_path);
    env[3].1 = "SPARC".to_string();
    let out = sh("install.sh", dir.path(), &env);
    assert!(String::from_utf8_lossy(&out.stdout).contains("no devops-lint release for Linux/SPARC"));
}

fn run_env(temp: &Path, output: &Path, summary: &Path) -> Vec<(&'static str, String)> {
    vec![
        (
            "DEVOPS_LINT_BIN",
            env!("CARGO_BIN_EXE_devops-lint").to_string(),
        ),
        ("RUNNER_TEMP", temp.display().to_string()),
        ("GITHUB_OUTPUT", output.display().to_string()),
        ("GITHUB_STEP_SUMMARY", summary.display().to_string()),
        ("INPUT_PATH", ".".to_string()),
        ("INPUT_STAGE", "seed".to_string()),
        ("INPUT_FORMAT", "sarif".to_string()),
        ("INPUT_FAIL_ON", "error".to_string()),
        ("INPUT_SARIF_CATEGORY", "devops-lint".to_string()),
        ("INPUT_SUMMARY", "true".to_string()),
    ]
}

fn outputs(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            l.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect()
}

#[test]
fn run_writes_the_report_and_outputs_and_lets_the_upload_happen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (output, summary) = (dir.path().join("out"), dir.path().join("summary.md"));
    let repo = fixtures().join("repos/example-startup");
    let out = sh("run.sh", &repo, &run_env(dir.path(), &output, &summary));
    // The example has errors: the scan exits 1, the step exits 0 so the upload
    // runs, and the Action's last step fails on `exit-code` 1.
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let outs = outputs(&output);
    assert!(
        outs.contains(&("exit-code".to_string(), "1".to_string())),
        "{outs:?}"
    );
    let report = dir.path().join("devops-lint.sarif");
    assert!(outs.contains(&("report".to_string(), report.display().to_string())));
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).expect("report")).expect("SARIF is JSON");
    let category = sarif["runs"][0]["automationDetails"]["id"]
        .as_str()
        .expect("category");
    assert!(category.starts_with("devops-lint"), "{category}");
    let card = std::fs::read_to_string(&summary).expect("job summary");
    assert!(card.contains("devops-lint"), "{card}");

    // fail-on never: exit-code 0.
    let mut env = run_env(dir.path(), &output, &summary);
    env[7].1 = "never".to_string();
    std::fs::remove_file(&output).expect("rm");
    assert!(sh("run.sh", &repo, &env).status.success());
    assert!(outputs(&output).contains(&("exit-code".to_string(), "0".to_string())));
}

#[test]
fn run_rejects_bad_inputs_without_running_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (output, summary) = (dir.path().join("out"), dir.path().join("summary.md"));
    let repo = fixtures().join("repos/example-startup");
    for (index, value, says) in [
        (5, "production", "stage must be"),
        (6, "$(touch pwned)", "format must be"),
        (7, "sometimes", "fail-on must be"),
    ] {
        let mut env = run_env(dir.path(), &output, &summary);
        env[index].1 = value.to_string();
        let out = sh("run.sh", &repo, &env);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stdout).contains(says));
    }
    assert!(!repo.join("pwned").exists());
    // A path that does not exist is devops-lint's usage error, passed on.
    let mut env = run_env(dir.path(), &output, &summary);
    env[4].1 = "no/such/dir".to_string();
    let out = sh("run.sh", &repo, &env);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn actionlint() -> Option<PathBuf> {
    let p = repo_root().join("target/tools/actionlint/bin/actionlint");
    p.is_file().then_some(p)
}

/// Every workflow this repo ships or documents.
fn workflows() -> Vec<PathBuf> {
    let root = repo_root();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(".github/workflows"))
        .expect("workflows")
        .map(|e| e.expect("entry").path())
        .collect();
    files.push(root.join("docs/ci/github-actions.yml"));
    files.push(root.join("docs/ci/github-action.yml"));
    files.sort();
    files
}

#[test]
fn actionlint_passes_every_workflow() {
    let Some(linter) = actionlint() else {
        assert!(
            std::env::var("DEVOPS_LINT_REQUIRE_TOOLS").is_err(),
            "actionlint is not installed: run scripts/test"
        );
        eprintln!("skipping: actionlint not installed (scripts/test installs it)");
        return;
    };
    let out = Command::new(&linter)
        .args(["-no-color", "-shellcheck=", "-pyflakes="])
        .args(workflows())
        .output()
        .expect("actionlint runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // It can fail: a known-bad workflow is rejected.
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.yml");
    std::fs::write(
        &bad,
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.issue.title }}\n",
    )
    .expect("write");
    let out = Command::new(&linter).arg(&bad).output().expect("runs");
    assert!(!out.status.success());
}

#[test]
fn devops_lint_passes_its_own_workflows_and_action() {
    let root = repo_root();
    let mut args: Vec<String> = workflows()
        .iter()
        .map(|p| {
            p.strip_prefix(&root)
                .expect("in repo")
                .display()
                .to_string()
        })
        .collect();
    args.push("action.yml".to_string());
    let out = bin()
        .args(&args)
        .args(["--stage", "scale", "--fail-on", "note", "--format", "json"])
        .current_dir(&root)
        .output()
        .expect("runs");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        json["findings"],
        serde_json::json!([]),
        "findings in our own workflows"
    );
    assert_eq!(json["errors"], serde_json::json!([]));
    // docs/ci/ examples are checked where users put them by tests/ci_examples.rs.
    assert!(json["summary"]["files_by_kind"]["github-workflow"].as_u64() >= Some(1));
    assert_eq!(out.status.code(), Some(0));
}
