//! The real pre-commit framework (from PyPI, installed by `scripts/test` into
//! target/tools/pre-commit; required there: DEVOPS_LINT_REQUIRE_TOOLS=1) runs
//! this repo's `.pre-commit-hooks.yaml` in a temporary git repo: a staged file
//! with a finding fails the commit and shows the diagnostic, a clean one passes.
//! Offline: the hooks repo is a local clone and the hook is `devops-lint-system`,
//! the debug binary first on PATH. The `language: rust` hook is not run here:
//! its first use is a release `cargo install` (about ten minutes).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common;

fn pre_commit() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("PRE_COMMIT") {
        return Some(PathBuf::from(p));
    }
    let p = common::repo_root().join("target/tools/pre-commit/bin/pre-commit");
    p.is_file().then_some(p)
}

/// A command isolated from the user's git and pre-commit settings, with the
/// freshly built devops-lint first on PATH.
struct Sandbox {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().to_path_buf();
        std::fs::create_dir_all(root.join("home")).expect("mkdir home");
        Sandbox { _dir: dir, root }
    }

    fn cmd(&self, program: &Path, cwd: &Path) -> Command {
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_devops-lint"))
            .parent()
            .expect("binary directory")
            .to_path_buf();
        let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        )))
        .expect("PATH");
        let mut cmd = Command::new(program);
        cmd.current_dir(cwd)
            .env("PATH", path)
            .env("HOME", self.root.join("home"))
            .env("XDG_CONFIG_HOME", self.root.join("home/.config"))
            .env("PRE_COMMIT_HOME", self.root.join("pre-commit-cache"))
            .env("PRE_COMMIT_COLOR", "never")
            .env("NO_COLOR", "1")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_WORK_TREE");
        cmd
    }

    fn git(&self, cwd: &Path, args: &[&str]) -> Output {
        let o = self
            .cmd(Path::new("git"), cwd)
            .args([
                "-c",
                "init.defaultBranch=main",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .output()
            .expect("run git");
        o
    }

    fn git_ok(&self, cwd: &Path, args: &[&str]) -> String {
        let o = self.git(cwd, args);
        assert!(o.status.success(), "git {args:?} failed: {}", text(&o));
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

const OPEN_SSH: &str = r#"resource "aws_security_group" "bastion" {
  name = "bastion"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"#;

#[test]
fn the_real_pre_commit_blocks_a_commit_with_a_finding() {
    let Some(pre_commit) = pre_commit() else {
        assert!(
            std::env::var("DEVOPS_LINT_REQUIRE_TOOLS").is_err(),
            "pre-commit is not installed: run scripts/test"
        );
        eprintln!("skipping: pre-commit not installed (scripts/test installs it)");
        return;
    };
    let sb = Sandbox::new();

    // The hooks repo: this repo's manifest, committed (pre-commit clones a rev).
    let hooks = sb.root.join("hooks");
    std::fs::create_dir_all(&hooks).expect("mkdir");
    sb.git_ok(&hooks, &["init", "-q"]);
    std::fs::copy(
        common::repo_root().join(".pre-commit-hooks.yaml"),
        hooks.join(".pre-commit-hooks.yaml"),
    )
    .expect("copy the hooks manifest");
    sb.git_ok(&hooks, &["add", "."]);
    sb.git_ok(&hooks, &["commit", "-q", "-m", "hooks"]);
    let rev = sb.git_ok(&hooks, &["rev-parse", "HEAD"]);

    // The project using them, with the hook installed as git's pre-commit hook.
    let project = sb.root.join("project");
    std::fs::create_dir_all(project.join("infra")).expect("mkdir");
    sb.git_ok(&project, &["init", "-q"]);
    std::fs::write(
        project.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: devops-lint-system\n",
            hooks.display()
        ),
    )
    .expect("write config");
    let o = sb
        .cmd(&pre_commit, &project)
        .arg("install")
        .output()
        .expect("pre-commit install");
    assert!(o.status.success(), "pre-commit install: {}", text(&o));

    // A staged file with an error-level finding: the commit fails, the diagnostic is shown.
    std::fs::write(project.join("infra/main.tf"), OPEN_SSH).expect("write");
    std::fs::write(project.join("README.md"), "# project\n").expect("write");
    sb.git_ok(&project, &["add", "."]);
    let o = sb.git(&project, &["commit", "-m", "open ssh"]);
    let out = text(&o);
    assert!(!o.status.success(), "the commit must fail:\n{out}");
    assert!(
        out.contains("devops-lint (installed)") && out.contains("Failed"),
        "{out}"
    );
    assert!(
        out.contains("SEC007") && out.contains("open-admin-port"),
        "{out}"
    );
    assert!(out.contains("infra/main.tf"), "{out}");
    assert!(out.contains("0.0.0.0/0"), "the snippet is shown:\n{out}");
    assert!(
        !sb.git(&project, &["rev-parse", "-q", "--verify", "HEAD"])
            .status
            .success(),
        "nothing committed"
    );

    // Fixed: the commit goes through.
    std::fs::write(
        project.join("infra/main.tf"),
        OPEN_SSH.replace("0.0.0.0/0", "10.0.0.0/8"),
    )
    .expect("write");
    sb.git_ok(&project, &["add", "."]);
    let o = sb.git(&project, &["commit", "-m", "bastion from the VPN only"]);
    let out = text(&o);
    assert!(o.status.success(), "the clean commit must pass:\n{out}");
    assert!(
        out.contains("devops-lint (installed)") && out.contains("Passed"),
        "{out}"
    );

    // Only staged files are checked: an unstaged bad file beside a staged clean one passes.
    std::fs::write(project.join("infra/other.tf"), OPEN_SSH).expect("write");
    std::fs::write(project.join("Dockerfile"), "FROM node:22-slim\nUSER node\n").expect("write");
    sb.git_ok(&project, &["add", "Dockerfile"]);
    let o = sb.git(&project, &["commit", "-m", "image"]);
    assert!(
        o.status.success(),
        "unstaged files are not checked:\n{}",
        text(&o)
    );
}

/// What the hook relies on, without pre-commit: only the named files are read
/// (a broken, a huge and a secret-holding file beside them stay unread), and
/// repo rules do not run.
#[test]
fn file_list_mode_reads_only_the_named_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("infra")).expect("mkdir");
    std::fs::write(root.join("infra/main.tf"), OPEN_SSH).expect("write");
    std::fs::write(root.join("Dockerfile"), "FROM node:22-slim\nUSER node\n").expect("write");
    std::fs::write(root.join("infra/broken.tf"), "resource \"x\" {\n  a = \n").expect("write");
    std::fs::write(root.join("big.txt"), "x".repeat(3 * 1024 * 1024)).expect("write");
    std::fs::write(root.join("blob.bin"), b"\x00\x01binary").expect("write");
    let o = common::bin()
        .args([
            "infra/main.tf",
            "Dockerfile",
            "--format",
            "json",
            "--stage",
            "scale",
        ])
        .current_dir(root)
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(json["summary"]["files_scanned"], 2, "{}", json["summary"]);
    assert_eq!(
        json["errors"],
        serde_json::json!([]),
        "the broken file beside them is not read"
    );
    assert_eq!(
        json["summary"]["skipped_files"],
        serde_json::json!([]),
        "nor the big or binary ones"
    );
    let findings = json["findings"].as_array().expect("findings");
    assert!(
        findings.iter().all(|f| f["path"] == "infra/main.tf"),
        "{findings:?}"
    );
    assert!(findings.iter().any(|f| f["rule_id"] == "SEC007"));
    assert_eq!(o.status.code(), Some(1));
}
