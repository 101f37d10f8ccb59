//! Hostile inputs. Each case builds a tree at run time (nothing hostile is committed),
//! puts a few ordinary files with known findings beside it (the canary), and runs the
//! binary on it as a child process. From the process it asserts: no panic or signal, an
//! exit within a time budget, a peak RSS under a bound (wait4(2)'s rusage), a counted
//! skip or a clear diagnostic for the hostile file, no `rule-error`, and exactly the
//! canary's findings still reported.

#![cfg(unix)]

use std::collections::BTreeSet;
use std::ffi::{OsStr, OsString};
use std::io::{Read, Seek};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{self, write};

/// What one run of the binary did.
pub struct Run {
    pub code: Option<i32>,
    pub signal: Option<i32>,
    pub elapsed: Duration,
    /// Peak resident set size, in MiB.
    pub max_rss_mib: u64,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}); stderr:\n{}", self.stderr))
    }
}

/// Runs the binary in `cwd` in its own process group, killing the group after twice
/// `budget`. Peak RSS: GNU time's `%M` when /usr/bin/time exists (Debian's `time`
/// package), else wait4(2)'s `ru_maxrss`, which on Linux also counts this test process's
/// own RSS at spawn time (the child inherits the high-water mark through exec), so it is
/// only an upper bound. `as_nobody` drops to uid/gid 65534 with setpriv (for root).
pub fn run_limited(cwd: &Path, args: &[OsString], budget: Duration, as_nobody: bool) -> Run {
    run_limited_env(cwd, args, &[], budget, as_nobody)
}

/// [`run_limited`] with extra environment variables for the binary.
pub fn run_limited_env(
    cwd: &Path,
    args: &[OsString],
    envs: &[(&str, &OsStr)],
    budget: Duration,
    as_nobody: bool,
) -> Run {
    use std::os::unix::process::CommandExt;
    let bin = env!("CARGO_BIN_EXE_devops-lint");
    let gnu_time = Path::new("/usr/bin/time").exists();
    let rss_file = tempfile::NamedTempFile::new().expect("temp file");
    let mut argv: Vec<OsString> = Vec::new();
    if gnu_time {
        argv.extend(["/usr/bin/time", "-f", "%M", "-o"].map(OsString::from));
        argv.push(rss_file.path().into());
    }
    if as_nobody {
        argv.extend(
            [
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "--",
            ]
            .map(OsString::from),
        );
    }
    argv.push(bin.into());
    argv.extend(args.iter().cloned());
    let mut cmd = Command::new(&argv[0]);
    let mut out = tempfile::tempfile().expect("temp file");
    let mut err = tempfile::tempfile().expect("temp file");
    cmd.args(&argv[1..])
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("DEVOPS_LINT_TODAY", "2026-11-26")
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("dup"))
        .stderr(err.try_clone().expect("dup"))
        .process_group(0);
    let started = Instant::now();
    let child = cmd.spawn().expect("spawn devops-lint");
    let pid = child.id() as libc::pid_t;
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if stopped.recv_timeout(budget * 2).is_err() {
            // SAFETY: kill(2) on the process group of a child we have not reaped yet.
            unsafe { libc::kill(-pid, libc::SIGKILL) };
        }
    });
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain data; wait4 fills it for this child only.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = started.elapsed();
    let _ = stop.send(());
    let _ = watchdog.join();
    drop(child);
    assert_eq!(waited, pid, "wait4 failed");
    let read = |f: &mut std::fs::File| {
        let mut s = Vec::new();
        f.rewind().expect("rewind");
        f.read_to_end(&mut s).expect("read output");
        String::from_utf8_lossy(&s).into_owned()
    };
    let mut code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let mut signal = libc::WIFSIGNALED(status).then(|| libc::WTERMSIG(status));
    // ru_maxrss and %M are in KiB on Linux.
    let mut max_rss_kib = usage.ru_maxrss.max(0) as u64;
    if gnu_time {
        let report = std::fs::read_to_string(rss_file.path()).unwrap_or_default();
        max_rss_kib = report
            .lines()
            .last()
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or(u64::MAX / 2);
        // time exits 128 + n when its child died of signal n.
        if let Some(c) = code.filter(|&c| c > 128) {
            signal = Some(c - 128);
            code = None;
        }
    }
    Run {
        code,
        signal,
        elapsed,
        max_rss_mib: max_rss_kib / 1024,
        stdout: read(&mut out),
        stderr: read(&mut err),
    }
}

fn os(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

/// The rules the canary exercises (file rules, so other files cannot change their findings).
const CANARY_RULES: [&str; 4] = ["PRV007", "SEC007", "SEC014", "SEC018"];

/// Ordinary files with known findings, copied from the fixtures under `canary/`.
fn write_canary(root: &Path) {
    let fx = common::fixtures();
    let copies = [
        ("SEC007/fail/rule-resources.tf", "canary/main.tf"),
        ("SEC014/fail/user-root.dockerfile", "canary/Dockerfile"),
        ("PRV007/fail/unpinned.dockerfile", "canary/app.dockerfile"),
        (
            "SEC018/fail/issue-title/.github/workflows/triage.yml",
            "canary/.github/workflows/triage.yml",
        ),
    ];
    for (from, to) in copies {
        let to = root.join(to);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(fx.join(from), &to).expect("copy canary");
    }
}

type Found = BTreeSet<(String, u64, String)>;

fn findings(json: &Value) -> Found {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
                f["rule_id"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn canary_findings(json: &Value) -> Found {
    findings(json)
        .into_iter()
        .filter(|(path, _, rule)| {
            path.starts_with("canary/") && CANARY_RULES.contains(&rule.as_str())
        })
        .collect()
}

/// The canary's findings when it is scanned alone.
fn canary_baseline() -> &'static Found {
    static BASELINE: OnceLock<Found> = OnceLock::new();
    BASELINE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        write_canary(dir.path());
        let run = run_limited(
            dir.path(),
            &os(&[".", "--format", "json", "--fail-on", "never"]),
            Duration::from_secs(30),
            false,
        );
        let found = canary_findings(&run.json());
        let rules: BTreeSet<&str> = found.iter().map(|f| f.2.as_str()).collect();
        assert_eq!(
            rules.len(),
            CANARY_RULES.len(),
            "every canary rule fires: {found:?}"
        );
        found
    })
}

fn skipped_reason(json: &Value, path: &str) -> Option<String> {
    json["summary"]["skipped_files"]
        .as_array()?
        .iter()
        .find(|s| s["path"] == path)
        .and_then(|s| s["reason"].as_str().map(str::to_string))
}

fn errors_for<'a>(json: &'a Value, path: &str) -> Vec<&'a Value> {
    json["errors"]
        .as_array()
        .map(|a| a.iter().filter(|e| e["path"] == path).collect())
        .unwrap_or_default()
}

fn lines_of(json: &Value, path: &str, rule: &str) -> Vec<u64> {
    findings(json)
        .into_iter()
        .filter(|(p, _, r)| p == path && r == rule)
        .map(|f| f.1)
        .collect()
}

/// Budgets and bounds of one case.
struct Limits {
    secs: u64,
    rss_mib: u64,
}

const DEFAULT_LIMITS: Limits = Limits {
    secs: 20,
    rss_mib: 256,
};

/// Builds `repo/` (canary + `build`), scans it, asserts the common guarantees and
/// returns the JSON report for the case's own assertions.
fn case(name: &str, build: impl FnOnce(&Path, &Path), extra: &[&str], limits: Limits) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&root).expect("mkdir");
    std::fs::create_dir_all(&outside).expect("mkdir");
    write_canary(&root);
    build(&root, &outside);
    let mut args = os(&[".", "--format", "json", "--fail-on", "never", "--jobs", "2"]);
    args.extend(extra.iter().map(OsString::from));
    let run = run_limited(&root, &args, Duration::from_secs(limits.secs), false);
    check_run(name, &run, &limits);
    let json = run.json();
    check_report(name, &json);
    json
}

fn check_run(name: &str, run: &Run, limits: &Limits) {
    assert!(
        run.signal.is_none() && run.code == Some(0),
        "{name}: exit {:?} signal {:?}\nstderr:\n{}",
        run.code,
        run.signal,
        run.stderr
    );
    assert!(
        !run.stderr.contains("panicked"),
        "{name}: panic\n{}",
        run.stderr
    );
    assert!(
        run.elapsed <= Duration::from_secs(limits.secs),
        "{name}: took {:?}, budget {}s",
        run.elapsed,
        limits.secs
    );
    assert!(
        run.max_rss_mib <= limits.rss_mib,
        "{name}: peak RSS {} MiB, bound {} MiB",
        run.max_rss_mib,
        limits.rss_mib
    );
    eprintln!(
        "hostile {name}: {:?}, peak RSS {} MiB",
        run.elapsed, run.max_rss_mib
    );
}

fn check_report(name: &str, json: &Value) {
    let rule_errors: Vec<&Value> = json["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter(|e| e["kind"] == "rule-error")
        .collect();
    assert!(
        rule_errors.is_empty(),
        "{name}: a rule failed: {rule_errors:?}"
    );
    assert_eq!(
        &canary_findings(json),
        canary_baseline(),
        "{name}: canary findings changed"
    );
}

/// The SEC007 fixture and the lines its `# expect:` markers name.
fn sec007_fixture() -> (String, Vec<u64>) {
    let text = std::fs::read_to_string(common::fixtures().join("SEC007/fail/rule-resources.tf"))
        .expect("fixture");
    let lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("# expect: SEC007"))
        .map(|(i, _)| i as u64 + 1)
        .collect();
    (text, lines)
}

#[test]
fn binary_files_and_odd_encodings() {
    let (tf, lines) = sec007_fixture();
    let utf16 = |be: bool| {
        let mut out = if be {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in tf.encode_utf16() {
            out.extend(if be {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        out
    };
    let json = case(
        "encodings",
        |root, _| {
            write(root, "bin/main.tf", b"resource \"a\" \"b\" {\0\0\0}\n");
            write(
                root,
                ".github/workflows/blob.yml",
                [0u8, 1, 2, 3, 0xff, b'\n'].repeat(1000),
            );
            write(
                root,
                "bin/Dockerfile",
                (0x80u8..=0xff).collect::<Vec<_>>().repeat(100),
            );
            write(root, "enc/utf16le.tf", utf16(false));
            write(root, "enc/utf16be.tf", utf16(true));
            write(root, "enc/odd.tf", [0xFF, 0xFE, b'a', 0, b'b']);
            write(
                root,
                "enc/bom.tf",
                [b"\xEF\xBB\xBF".as_slice(), tf.as_bytes()].concat(),
            );
            write(root, "enc/crlf.tf", tf.replace('\n', "\r\n"));
            let mut latin1 = tf.clone().into_bytes();
            latin1.splice(0..0, b"# caf\xE9 \xFF\xFE\n".iter().copied());
            write(root, "enc/latin1.tf", latin1);
        },
        &[],
        DEFAULT_LIMITS,
    );
    assert_eq!(
        skipped_reason(&json, "bin/main.tf").as_deref(),
        Some("binary")
    );
    assert_eq!(
        skipped_reason(&json, ".github/workflows/blob.yml").as_deref(),
        Some("binary")
    );
    assert_eq!(
        skipped_reason(&json, "bin/Dockerfile"),
        None,
        "no NUL: scanned lossily"
    );
    for path in [
        "enc/utf16le.tf",
        "enc/utf16be.tf",
        "enc/bom.tf",
        "enc/crlf.tf",
    ] {
        assert_eq!(lines_of(&json, path, "SEC007"), lines, "{path}");
    }
    let shifted: Vec<u64> = lines.iter().map(|l| l + 1).collect();
    assert_eq!(
        lines_of(&json, "enc/latin1.tf", "SEC007"),
        shifted,
        "invalid UTF-8 decoded lossily"
    );
}

#[test]
fn a_200_mb_file_is_skipped_without_being_read() {
    let json = case(
        "200 MB file",
        |root, _| {
            // Sparse: 200 MB on paper, nothing on disk.
            let f = std::fs::File::create(root.join("huge.tf")).expect("create");
            f.set_len(200 << 20).expect("set_len");
        },
        &[],
        Limits {
            secs: 20,
            rss_mib: 64,
        },
    );
    assert_eq!(
        skipped_reason(&json, "huge.tf").as_deref(),
        Some("too-large")
    );
    // Even with the limit raised above it, only the head is read (NULs: binary).
    let json = case(
        "200 MB file, raised limit",
        |root, _| {
            let f = std::fs::File::create(root.join("huge.tf")).expect("create");
            f.set_len(200 << 20).expect("set_len");
        },
        &["--max-file-size", "300000000"],
        Limits {
            secs: 20,
            rss_mib: 64,
        },
    );
    assert_eq!(skipped_reason(&json, "huge.tf").as_deref(), Some("binary"));
}

/// One 10 MB line through the HCL parser and the text rules; YAML and Dockerfile get a
/// 1 MB line (the same code paths; 10 MB of YAML takes 5 s in a debug build).
#[test]
fn a_10_mb_single_line() {
    const MB: usize = 1 << 20;
    let build = |root: &Path, _: &Path| {
        write(
            root,
            "long.tf",
            format!("x = \"{}\"\n", "a".repeat(10 * MB)),
        );
        write(root, "long.txt", "ab ".repeat(10 * MB / 3));
        write(
            root,
            ".github/workflows/long.yml",
            format!("on: push\nx: {}", "b".repeat(MB)),
        );
        write(
            root,
            "long.dockerfile",
            format!("FROM alpine\nRUN {}", "c ".repeat(MB / 2)),
        );
    };
    let json = case(
        "10 MB line, default limit",
        build,
        &["--max-file-size", "1000000"],
        DEFAULT_LIMITS,
    );
    for path in [
        "long.tf",
        "long.txt",
        ".github/workflows/long.yml",
        "long.dockerfile",
    ] {
        assert_eq!(
            skipped_reason(&json, path).as_deref(),
            Some("too-large"),
            "{path}"
        );
    }
    let json = case(
        "10 MB line, raised limit",
        build,
        &["--max-file-size", "16777216"],
        Limits {
            secs: 30,
            rss_mib: 256,
        },
    );
    for path in [
        "long.tf",
        "long.txt",
        ".github/workflows/long.yml",
        "long.dockerfile",
    ] {
        assert_eq!(skipped_reason(&json, path), None, "{path} is scanned");
    }
}

#[test]
fn yaml_alias_bomb() {
    let mut bomb = String::from("on: push\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let names = ["b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m"];
    let mut prev = "a";
    for name in names {
        let refs = vec![format!("*{prev}"); 9].join(",");
        bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
        prev = name;
    }
    bomb.push_str("jobs:\n  x:\n    runs-on: *m\n    steps: *m\n    env: *m\n");
    let json = case(
        "alias bomb",
        |root, _| {
            write(root, ".github/workflows/bomb.yml", &bomb);
            write(root, ".gitlab-ci.yml", bomb.replace("on: push\n", ""));
            write(root, "docker-compose.yml", format!("services: *m\n{bomb}"));
            write(root, ".circleci/config.yml", &bomb);
            // A merge-key bomb: every map merges all the previous ones.
            let mut merge = String::from("a0: &a0 {x: 1}\n");
            for i in 1..200 {
                let prev: Vec<String> = (0..i).map(|j| format!("*a{j}")).collect();
                merge.push_str(&format!(
                    "a{i}: &a{i}\n  <<: [{}]\n  y{i}: 1\n",
                    prev.join(", ")
                ));
            }
            write(root, ".github/workflows/merge.yml", merge);
            // Amplification without expansion: 20,000 jobs each merging one 10,000-key
            // anchor. Every lookup in a job walks the anchor (this took 6 minutes once).
            let keys: Vec<String> = (0..10_000).map(|i| format!("k{i}: v")).collect();
            let mut wide = format!("on: push\nx: &x {{{}}}\njobs:\n", keys.join(", "));
            for i in 0..20_000 {
                wide.push_str(&format!("  j{i}: {{<<: *x, runs-on: ubuntu-latest}}\n"));
            }
            write(root, ".github/workflows/wide.yml", wide);
        },
        &[],
        DEFAULT_LIMITS,
    );
    assert_eq!(skipped_reason(&json, ".github/workflows/bomb.yml"), None);
    let errors = errors_for(&json, ".github/workflows/wide.yml");
    assert!(
        errors
            .iter()
            .any(|e| e["message"].to_string().contains("aliases and merge keys")),
        "the amplifying document is skipped with a diagnostic: {errors:?}"
    );
}

#[test]
fn nesting_100000_deep() {
    const N: usize = 100_000;
    let json = case(
        "100,000 deep",
        |root, _| {
            write(
                root,
                "deep.tf",
                format!("x = {}{}\n", "[".repeat(N), "]".repeat(N)),
            );
            write(
                root,
                "deep-blocks.tf",
                format!("{}{}", "a {\n".repeat(N), "}\n".repeat(N)),
            );
            write(
                root,
                "deep-objects.tf",
                format!("x = {}1{}\n", "{a = ".repeat(N), "}".repeat(N)),
            );
            write(
                root,
                "deep.tf.json",
                format!("{}1{}", "{\"a\":".repeat(N), "}".repeat(N)),
            );
            write(
                root,
                "package.json",
                format!("{}{}", "[".repeat(N), "]".repeat(N)),
            );
            write(
                root,
                ".github/workflows/deep-flow.yml",
                format!("on: {}{}\n", "[".repeat(N), "]".repeat(N)),
            );
            write(
                root,
                ".github/workflows/deep-map.yml",
                format!("on: {}x{}\n", "{a: ".repeat(N), "}".repeat(N)),
            );
            write(root, ".gitlab-ci.yml", format!("{}x\n", "- ".repeat(N)));
            write(
                root,
                ".github/workflows/deep-expr.yml",
                format!(
                    "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{{{ {}github.head_ref{} }}}}\n",
                    "(".repeat(N),
                    ")".repeat(N)
                ),
            );
            write(
                root,
                "deep.dockerfile",
                format!(
                    "ARG A=1\nFROM alpine:${}A{}\n",
                    "{A:-$".repeat(N),
                    "}".repeat(N)
                ),
            );
        },
        &[],
        DEFAULT_LIMITS,
    );
    for path in [
        "deep.tf",
        "deep-blocks.tf",
        "deep.tf.json",
        ".github/workflows/deep-flow.yml",
    ] {
        assert!(
            !errors_for(&json, path).is_empty(),
            "{path}: a clear diagnostic: {:?}",
            json["errors"]
        );
    }
}

#[test]
fn broken_hcl() {
    let json = case(
        "broken HCL",
        |root, _| {
            write(
                root,
                "heredoc.tf",
                "resource \"a\" \"b\" {\n  x = <<EOF\nnever closed\n",
            );
            write(root, "heredoc-indent.tf", "x = <<-EOT");
            write(root, "heredoc-many.tf", "x = <<EOF\n".repeat(20_000));
            write(root, "open.tf", "resource \"a\" \"b\" {\n".repeat(10_000));
            write(root, "close.tf", "}".repeat(100_000));
            write(
                root,
                "template.tf",
                format!("x = \"{}\"", "${".repeat(50_000)),
            );
            write(
                root,
                "for.tf",
                format!("x = {}", "[for a in b : ".repeat(5_000)),
            );
        },
        &[],
        DEFAULT_LIMITS,
    );
    for path in [
        "heredoc.tf",
        "heredoc-indent.tf",
        "open.tf",
        "close.tf",
        "template.tf",
    ] {
        let errors = errors_for(&json, path);
        assert!(
            errors.iter().any(|e| e["kind"] == "parse-error"),
            "{path}: parse-error expected, got {errors:?}"
        );
    }
}

/// One line of 80,000 ignore directives (2 MB): once quadratic in time and memory
/// (every directive copied the rest of the line as its reason).
#[test]
fn a_line_of_ignore_directives() {
    case(
        "ignore-comment flood",
        |root, _| {
            write(root, "flood.tf", "# devops-lint: ignore[a] ".repeat(80_000));
            write(root, "open.tf", "# devops-lint: ignore[".repeat(90_000));
            write(root, "bare.yml", "devops-lint: ".repeat(150_000));
        },
        &[],
        DEFAULT_LIMITS,
    );
}

#[test]
fn dockerfile_of_backslashes() {
    case(
        "backslashes",
        |root, _| {
            write(root, "slashes/Dockerfile", "\\\n".repeat(200_000));
            write(root, "nonl/Dockerfile", "\\".repeat(1_000_000));
            write(root, "run/Dockerfile", "RUN \\\n".repeat(100_000));
            write(
                root,
                "tick/Dockerfile",
                format!("# escape=`\n{}", "`\n".repeat(200_000)),
            );
            write(
                root,
                "heredoc/Dockerfile",
                "FROM a\nRUN <<EOF\n".repeat(10_000),
            );
        },
        &[],
        DEFAULT_LIMITS,
    );
}

#[cfg(unix)]
#[test]
fn symlinks_loops_and_escapes() {
    use std::os::unix::fs::symlink;
    const MARKER: &str = "OUTSIDE-THE-ROOT-7f3a";
    let (tf, _) = sec007_fixture();
    let json = case(
        "symlinks",
        |root, outside| {
            write(outside, "main.tf", format!("# {MARKER}\n{tf}"));
            write(outside, "secret.txt", MARKER);
            symlink("b", root.join("a")).expect("symlink");
            symlink("a", root.join("b")).expect("symlink");
            std::fs::create_dir_all(root.join("loop")).expect("mkdir");
            symlink("..", root.join("loop/up")).expect("symlink");
            symlink(outside.join("main.tf"), root.join("linked.tf")).expect("symlink");
            symlink(outside, root.join("linked-dir")).expect("symlink");
            symlink("/nonexistent/devops-lint", root.join("dangling.tf")).expect("symlink");
        },
        &[],
        DEFAULT_LIMITS,
    );
    for path in [
        "a",
        "b",
        "loop/up",
        "linked.tf",
        "linked-dir",
        "dangling.tf",
    ] {
        assert_eq!(
            skipped_reason(&json, path).as_deref(),
            Some("symlink"),
            "{path}"
        );
    }
    let text = json.to_string();
    assert!(
        !text.contains(MARKER),
        "content from outside the root leaked"
    );
    assert!(findings(&json).iter().all(|f| f.0.starts_with("canary/")));
}

#[cfg(unix)]
#[test]
fn file_list_mode_refuses_symlinks_fifos_and_outside_paths() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    write_canary(&root);
    write(dir.path(), "outside/main.tf", sec007_fixture().0);
    symlink(dir.path().join("outside/main.tf"), root.join("linked.tf")).expect("symlink");
    mkfifo(&root.join("Dockerfile"));
    let args = os(&[
        "--format",
        "json",
        "--fail-on",
        "never",
        "canary/main.tf",
        "linked.tf",
        "Dockerfile",
        "../outside/main.tf",
    ]);
    let run = run_limited(&root, &args, Duration::from_secs(20), false);
    check_run("file list", &run, &DEFAULT_LIMITS);
    let json = run.json();
    assert_eq!(
        skipped_reason(&json, "linked.tf").as_deref(),
        Some("symlink")
    );
    assert_eq!(
        skipped_reason(&json, "Dockerfile").as_deref(),
        Some("not-regular-file")
    );
    assert_eq!(
        skipped_reason(&json, "../outside/main.tf").as_deref(),
        Some("outside-root")
    );
    assert!(
        findings(&json).iter().all(|f| f.0 == "canary/main.tf"),
        "{:?}",
        findings(&json)
    );
    assert!(!findings(&json).is_empty());
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn fifos_do_not_block_the_scan() {
    let json = case(
        "FIFO",
        |root, _| {
            mkfifo(&root.join("pipe.tf"));
            std::fs::create_dir_all(root.join("fifo")).expect("mkdir");
            mkfifo(&root.join("fifo/Dockerfile"));
            // A FIFO where the config would be is an error, not a hang: see safety.rs.
        },
        &[],
        DEFAULT_LIMITS,
    );
    assert_eq!(
        skipped_reason(&json, "pipe.tf").as_deref(),
        Some("not-regular-file")
    );
    assert_eq!(
        skipped_reason(&json, "fifo/Dockerfile").as_deref(),
        Some("not-regular-file")
    );
}

/// Whether this process runs as root (which chmod 000 does not stop).
#[cfg(unix)]
fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_directories() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    write_canary(&root);
    write(&root, "secret.tf", sec007_fixture().0);
    write(&root, "locked/main.tf", sec007_fixture().0);
    let set = |p: &Path, mode: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod")
    };
    // Root ignores permission bits: run the scan as `nobody` instead, when possible.
    let as_nobody = is_root();
    if as_nobody {
        if Command::new("setpriv").arg("--help").output().is_err() {
            eprintln!("NOTE: running as root without setpriv: the unreadable-file case is not testable here");
            return;
        }
        let mut p = Some(dir.path());
        while let Some(d) = p {
            let mode = std::fs::metadata(d)
                .map(|m| m.permissions().mode())
                .unwrap_or(0);
            if mode & 0o005 != 0o005 && d != Path::new("/") {
                set(d, mode | 0o755);
            }
            p = d.parent();
        }
        for f in common::files_under(&root) {
            set(&f, 0o644);
            let mut d = f.parent();
            while let Some(x) = d.filter(|x| x.starts_with(&root)) {
                set(x, 0o755);
                d = x.parent();
            }
        }
    }
    set(&root.join("secret.tf"), 0o000);
    set(&root.join("locked"), 0o000);
    let args = os(&[".", "--format", "json", "--fail-on", "never", "--jobs", "2"]);
    let run = run_limited(&root, &args, Duration::from_secs(20), as_nobody);
    set(&root.join("locked"), 0o755);
    if as_nobody && (run.code == Some(127) || run.stderr.contains("setpriv:")) {
        eprintln!(
            "NOTE: setpriv could not drop privileges ({}); unreadable case skipped",
            run.stderr.trim()
        );
        return;
    }
    check_run("unreadable", &run, &DEFAULT_LIMITS);
    let json = run.json();
    check_report("unreadable", &json);
    assert_eq!(
        skipped_reason(&json, "secret.tf").as_deref(),
        Some("unreadable")
    );
    assert!(
        errors_for(&json, "secret.tf")
            .iter()
            .any(|e| e["kind"] == "read-error"),
        "a read-error diagnostic: {:?}",
        json["errors"]
    );
    assert_eq!(
        skipped_reason(&json, "locked").as_deref(),
        Some("unreadable")
    );
}

#[cfg(unix)]
#[test]
fn non_utf8_file_names() {
    use std::os::unix::ffi::OsStrExt;
    let (tf, lines) = sec007_fixture();
    let json = case(
        "non-UTF-8 names",
        |root, _| {
            std::fs::write(root.join(OsStr::from_bytes(b"bad-\xff-name.tf")), &tf).expect("write");
            let dir = root.join(OsStr::from_bytes(b"dir-\xc3\x28"));
            std::fs::create_dir_all(&dir).expect("mkdir");
            std::fs::write(dir.join("main.tf"), &tf).expect("write");
        },
        &[],
        DEFAULT_LIMITS,
    );
    assert_eq!(lines_of(&json, "bad-\u{fffd}-name.tf", "SEC007"), lines);
    assert_eq!(lines_of(&json, "dir-\u{fffd}(/main.tf", "SEC007"), lines);
}

#[test]
fn a_hundred_thousand_empty_files() {
    let json = case(
        "100,000 empty files",
        |root, _| {
            let many = root.join("many");
            std::fs::create_dir_all(&many).expect("mkdir");
            for i in 0..100_000 {
                let ext = ["tf", "yml", "txt", "json"][i % 4];
                std::fs::File::create(many.join(format!("f{i:05}.{ext}"))).expect("create");
            }
        },
        &[],
        Limits {
            secs: 45,
            rss_mib: 512,
        },
    );
    let scanned = json["summary"]["files_scanned"]
        .as_u64()
        .unwrap_or_default();
    assert!(scanned >= 100_000, "scanned {scanned}");
}

/// Escape sequences, C1 controls and bidi overrides in a file and in a file name must
/// not reach a terminal or CI log through the human report (JSON and SARIF escape them).
#[cfg(unix)]
#[test]
fn terminal_control_sequences_are_neutralised() {
    use std::os::unix::ffi::OsStrExt;
    let (tf, _) = sec007_fixture();
    let hostile = "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m\u{202e}txt.exe\r::error::spoofed";
    let marked: String = tf
        .lines()
        .map(|l| {
            if l.contains("# expect: SEC007") {
                format!("{l} {hostile}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "main.tf", &marked);
    std::fs::write(root.join(OsStr::from_bytes(b"\x1b[31mred.tf")), &tf).expect("write");
    write(root, "broken.tf", format!("x = [\n{hostile}\n"));
    let run = run_limited(
        root,
        &os(&[".", "--fail-on", "never", "--no-color"]),
        Duration::from_secs(20),
        false,
    );
    check_run("terminal escapes", &run, &DEFAULT_LIMITS);
    let bad: Vec<char> = run
        .stdout
        .chars()
        .chain(run.stderr.chars())
        .filter(|&c| {
            (c.is_control() && c != '\n' && c != '\t') || ('\u{202a}'..='\u{202e}').contains(&c)
        })
        .collect();
    assert!(
        bad.is_empty(),
        "control characters in the human report: {bad:?}"
    );
    assert!(
        run.stdout.contains("red.tf"),
        "the finding in the odd file is still shown"
    );
    assert!(
        run.stdout.lines().all(|l| !l.starts_with("::")),
        "a line could be a workflow command"
    );
}
