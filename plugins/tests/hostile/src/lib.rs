//! A plugin that misbehaves on purpose, for devops-lint's hostile-plugin tests.
//!
//! `mode` (a setting) picks the misbehaviour of `configure`, `check-file` and
//! `check-repo`; in `check-file` it happens only on files whose path contains
//! `only` (a setting; every file when unset). On other files the plugin
//! behaves: it reports each line that contains `hostile-marker`.
//!
//! `describe` runs before any setting is known: what it does is read from
//! [`DESCRIBE_MODE`], which the tests rewrite in the built `.wasm` (same
//! length, so the component stays valid).
//!
//! It implements the WIT exports itself rather than through the SDK's
//! `export_plugin!`, to return what the SDK never would (errors from
//! `check-file`, strings sharing one buffer).

use std::cell::RefCell;
use std::time::{Duration, Instant};

use devops_lint_plugin::bindings::__export_plugin_world;
use devops_lint_plugin::{span, wit, File, FileKind, Pillar, Rule, Settings, Severity, Stage};

const H001: Rule = Rule {
    id: "hostile/H001",
    name: "hostile-marker",
    pillar: Pillar::Dlv,
    stage: Stage::Seed,
    kinds: &[FileKind::Terraform, FileKind::Dockerfile, FileKind::Text],
    repo: false,
    severity: Severity::Warning,
    summary: "a line with the hostile marker",
    docs: "## What it checks\nLines containing `hostile-marker`.\n\n## Why it matters\nTests.\n\n## Bad\n```hcl\n# hostile-marker\n```\n\n## Good\n```hcl\n# fine\n```\n\n## How to fix\nRemove the marker.\n",
};

const H002: Rule = Rule {
    id: "hostile/H002",
    name: "hostile-repo",
    pillar: Pillar::Dlv,
    stage: Stage::Seed,
    kinds: &[],
    repo: true,
    severity: Severity::Warning,
    summary: "a repo rule of the hostile plugin",
    docs: "## What it checks\nNothing, unless asked to misbehave.\n\n## Why it matters\nTests.\n\n## Bad\n```hcl\n# x\n```\n\n## Good\n```hcl\n# y\n```\n\n## How to fix\nNothing.\n",
};

/// Terminal escapes (SGR colour, an OSC 8 link, a screen clear), BEL, a
/// carriage return, a bidi override and GitHub workflow commands at the
/// start of lines. `PWNED` marks where it went.
const PAYLOAD: &str = "PWNED\u{1b}[31mred\u{1b}[0m \u{1b}]8;;https://evil.example/\u{7}link\u{1b}]8;;\u{7} bell\u{7}\u{1b}[2J\r\n::error file=FORGED.tf,line=1::PWNED forged\n  ::stop-commands::PWNEDTOKEN\n\u{202E}desrever\u{85}next";

/// What `describe` does: `describe-mode:` then the mode, padded with spaces
/// to 48 bytes. The tests rewrite it in the `.wasm`.
#[used]
static DESCRIBE_MODE: [u8; 48] = *b"describe-mode:ok                                ";

fn describe_mode() -> String {
    // SAFETY: a plain read of a static; volatile so the compiler cannot fold
    // the bytes the tests rewrite.
    let bytes: [u8; 48] = unsafe { std::ptr::read_volatile(&DESCRIBE_MODE) };
    String::from_utf8_lossy(&bytes[14..]).trim().to_string()
}

struct Hostile {
    mode: String,
    only: Option<String>,
}

thread_local! {
    static STATE: RefCell<Option<Hostile>> = const { RefCell::new(None) };
}

struct Exports;

impl wit::Guest for Exports {
    fn describe() -> wit::PluginInfo {
        let mut info = wit::PluginInfo {
            name: "hostile".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            rules: vec![H001.meta(), H002.meta()],
        };
        match describe_mode().as_str() {
            "sleep" => std::thread::sleep(Duration::from_secs(8)),
            "inject" => {
                info.version = format!("1.0 {PAYLOAD}");
                for rule in &mut info.rules {
                    rule.summary = format!("summary {PAYLOAD}");
                    rule.docs = format!("{}\n## Payload\n{PAYLOAD}\n", rule.docs);
                }
            }
            "inject-name" => info.name = format!("x{PAYLOAD}"),
            "huge-docs" => info.rules[0].docs = "d".repeat(20 << 20),
            "long-docs" => info.rules[0].docs = format!("{}\n{}", H001.docs, "d ".repeat(1 << 20)),
            _ => {}
        }
        info
    }

    fn configure(settings: String) -> Result<(), String> {
        let settings = Settings::parse(&settings)?;
        let mode = settings.string("mode")?.unwrap_or_else(|| "ok".into());
        match mode.as_str() {
            "reject" => return Err("mode `reject` rejects every setting, as asked".into()),
            "reject-huge" => return Err("r".repeat(20 << 20)),
            "reject-inject" => return Err(format!("rejected {PAYLOAD}")),
            _ => {}
        }
        let only = settings.string("only")?;
        STATE.with(|s| *s.borrow_mut() = Some(Hostile { mode, only }));
        Ok(())
    }

    fn check_file(
        rules: Vec<String>,
        input: wit::FileInput,
    ) -> Result<Vec<wit::Finding>, String> {
        let file = File::new(input);
        STATE.with(|s| {
            let state = s.borrow();
            let default = Hostile {
                mode: "ok".into(),
                only: None,
            };
            let hostile = state.as_ref().unwrap_or(&default);
            hostile.check(&rules, &file)
        })
    }

    fn check_repo(_rule: String, _facts: String) -> Result<wit::RepoReport, String> {
        let mode = STATE.with(|s| s.borrow().as_ref().map(|h| h.mode.clone()));
        match mode.as_deref() {
            Some("inject") => Ok(wit::RepoReport {
                outcome: wit::Outcome::Inconclusive(format!("reason {PAYLOAD}")),
                findings: vec![
                    wit::RepoFinding {
                        path: None,
                        line: None,
                        message: format!("repo message {PAYLOAD}"),
                    },
                    wit::RepoFinding {
                        path: Some("Dockerfile".into()),
                        line: Some(1),
                        message: format!("file message {PAYLOAD}"),
                    },
                ],
            }),
            Some("inject-repo-path") => Ok(wit::RepoReport {
                outcome: wit::Outcome::Fail,
                findings: vec![wit::RepoFinding {
                    path: Some("a\u{1b}[2J.tf".into()),
                    line: Some(1),
                    message: "bad path".into(),
                }],
            }),
            Some("inject-err") => Err(format!("repo error {PAYLOAD}")),
            _ => Ok(wit::RepoReport {
                outcome: wit::Outcome::NotApplicable,
                findings: Vec::new(),
            }),
        }
    }
}

fn finding(rule: &Rule, start: usize, end: usize) -> wit::Finding {
    wit::Finding {
        rule: rule.id.into(),
        span: span(start, end),
        message: None,
        labels: Vec::new(),
        help: None,
        severity: None,
    }
}

impl Hostile {
    fn check(&self, rules: &[String], file: &File) -> Result<Vec<wit::Finding>, String> {
        let mut findings = Vec::new();
        let targeted = self.only.as_deref().is_none_or(|o| file.path.contains(o));
        if targeted {
            if let Some(early) = self.misbehave(file, &mut findings) {
                return early;
            }
        }
        let mut offset = 0;
        for line in file.text.split_inclusive('\n') {
            if let Some(i) = line.find("hostile-marker") {
                findings.push(finding(&H001, offset + i, offset + i + 14));
            }
            offset += line.len();
        }
        findings.retain(|f| rules.contains(&f.rule));
        Ok(findings)
    }

    /// Misbehaves on `file`; `Some` is what to return at once.
    #[allow(clippy::type_complexity)]
    fn misbehave(
        &self,
        file: &File,
        findings: &mut Vec<wit::Finding>,
    ) -> Option<Result<Vec<wit::Finding>, String>> {
        match self.mode.as_str() {
            "trap" => panic!("hostile plugin panics on {} as asked", file.path),
            "loop" => {
                let mut x = 0u64;
                loop {
                    x = std::hint::black_box(x.wrapping_add(1));
                }
            }
            "memory" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![1u8; 1 << 20]);
                    std::hint::black_box(&hoard);
                }
            }
            "recursion" => {
                std::hint::black_box(recurse(std::hint::black_box(1)));
            }
            "huge-output" => {
                for _ in 0..5_000 {
                    findings.push(finding(&H001, 0, 0));
                }
            }
            "bad-span" => {
                let len = file.text.len();
                findings.push(finding(&H001, len + 10, len + 20));
            }
            "noisy-trap" => {
                for _ in 0..2_000 {
                    eprintln!("hostile plugin writes a lot to stderr");
                }
                panic!("hostile plugin panics after a lot of output");
            }
            "sleep" => std::thread::sleep(Duration::from_secs(8)),
            "slow" => {
                // Busy for 300 ms of wall-clock time on every file (reading
                // the clock is allowed; waiting on it is not).
                let started = Instant::now();
                while started.elapsed() < Duration::from_millis(300) {
                    std::hint::black_box(0);
                }
            }
            "err-huge" => return Some(Err("E".repeat(50 << 20))),
            "shared-message" => return Some(Ok(shared_message_findings())),
            "inject" => {
                findings.push(wit::Finding {
                    rule: H001.id.into(),
                    span: span(0, 0),
                    message: Some(format!("message {PAYLOAD}")),
                    labels: vec![wit::Label {
                        span: span(0, 0),
                        message: format!("label {PAYLOAD}"),
                    }],
                    help: Some(format!("help {PAYLOAD}")),
                    severity: None,
                });
            }
            "inject-err" => return Some(Err(format!("error {PAYLOAD}"))),
            "inject-trap" => panic!("panic {PAYLOAD}"),
            "inject-rule" => {
                let mut f = finding(&H001, 0, 0);
                f.rule = format!("hostile/{PAYLOAD}");
                return Some(Ok(vec![f]));
            }
            _ => {}
        }
        None
    }
}

/// 120 findings whose messages are one 1 MiB buffer: what the host copies
/// out is 120 MiB, from a guest holding 1 MiB.
fn shared_message_findings() -> Vec<wit::Finding> {
    let message = "m".repeat(1 << 20);
    let (ptr, len, cap) = (message.as_ptr() as *mut u8, message.len(), message.capacity());
    std::mem::forget(message);
    (0..120)
        .map(|_| {
            // SAFETY: deliberately unsound (hostile test only): 120 Strings
            // alias one buffer. The host must refuse the result before the
            // guest frees them; the instance is then discarded.
            let alias = unsafe { String::from_raw_parts(ptr, len, cap) };
            let mut f = finding(&H001, 0, 0);
            f.message = Some(alias);
            f
        })
        .collect()
}

fn recurse(n: u64) -> u64 {
    if std::hint::black_box(n) == u64::MAX {
        return 0;
    }
    recurse(std::hint::black_box(n + 1)).wrapping_add(std::hint::black_box(n))
}

__export_plugin_world!(Exports with_types_in devops_lint_plugin::bindings);
