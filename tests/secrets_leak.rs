//! Secrets never leak. A tree full of real-format (fake, generated) secrets, in every
//! kind of file, is scanned with every output format and several flag sets. No secret
//! may appear whole in stdout, stderr or a report file. That covers snippets, context
//! lines, messages, diagnostics, an ignore comment naming a secret, a config error, and
//! multi-line secrets cut at a snippet's edge. It holds even when no secret rule runs.
//! Panic messages are masked as well.

#![cfg(unix)]

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;

use clap::ValueEnum;
use devops_lint::report::Format;

use crate::common::write;
use crate::hostile::run_limited;

const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &str = "0123456789abcdef";
const B32: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const B64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGITS: &str = "0123456789";

/// Deterministic random text: no credential-shaped literal sits in this source.
fn random(seed: u64, len: usize, alphabet: &str) -> String {
    let chars: Vec<char> = alphabet.chars().collect();
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chars[(x % chars.len() as u64) as usize]
        })
        .collect()
}

fn b64url(s: &str) -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in s.as_bytes().chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn pem(kind: &str, seed: u64) -> String {
    let body: Vec<String> = (0..4).map(|i| random(seed + i, 64, B64)).collect();
    format!(
        "-----BEGIN {kind}PRIVATE KEY-----\n{}\n-----END {kind}PRIVATE KEY-----",
        body.join("\n")
    )
}

struct Secrets {
    aws_id: String,
    aws_secret: String,
    github: String,
    github_pat: String,
    gitlab: String,
    slack: String,
    slack_hook: String,
    stripe: String,
    google: String,
    twilio: String,
    sendgrid: String,
    npm: String,
    pypi: String,
    jwt: String,
    db_password: String,
    generic: String,
    pem_a: String,
    pem_b: String,
    pem_c: String,
}

fn secrets() -> Secrets {
    let url_safe = format!("{ALNUM}_-");
    Secrets {
        aws_id: format!("AKIA{}", random(10, 16, B32)),
        aws_secret: random(20, 40, B64),
        github: format!("ghp_{}", random(30, 36, ALNUM)),
        github_pat: format!(
            "github_pat_{}_{}",
            random(36, 22, ALNUM),
            random(37, 59, ALNUM)
        ),
        gitlab: format!("glpat-{}", random(40, 20, ALNUM)),
        slack: format!(
            "xoxb-{}-{}-{}",
            random(50, 12, DIGITS),
            random(51, 13, DIGITS),
            random(52, 24, ALNUM)
        ),
        slack_hook: format!(
            "T{}/B{}/{}",
            random(60, 8, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
            random(61, 10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
            random(62, 24, ALNUM)
        ),
        stripe: format!("sk_live_{}", random(70, 24, ALNUM)),
        google: format!("AIza{}", random(80, 35, &url_safe)),
        twilio: format!("SK{}", random(90, 32, HEX)),
        sendgrid: format!(
            "SG.{}.{}",
            random(100, 22, &url_safe),
            random(101, 43, &url_safe)
        ),
        npm: format!("npm_{}", random(102, 36, ALNUM)),
        pypi: format!("pypi-AgEIcHlwaS5vcmc{}", random(103, 120, &url_safe)),
        jwt: format!(
            "{}.{}.{}",
            b64url(r#"{"alg":"HS256","typ":"JWT"}"#),
            b64url(r#"{"sub":"42","name":"Service","iat":1700000000}"#),
            random(110, 43, &url_safe)
        ),
        db_password: random(120, 16, ALNUM),
        generic: random(130, 24, ALNUM),
        pem_a: pem("RSA ", 140),
        pem_b: pem("EC ", 150),
        pem_c: pem("OPENSSH ", 160),
    }
}

/// The tree: secrets in every kind of file, beside other rules' findings (so their
/// snippets show the secrets' lines as context), across snippet edges, in an ignore
/// comment and next to a parse error.
fn plant(root: &Path, s: &Secrets) {
    write(
        root,
        ".env",
        format!(
            "AWS_ACCESS_KEY_ID={}\nAWS_SECRET_ACCESS_KEY={}\nGITHUB_TOKEN={}\nSTRIPE_SECRET_KEY={}\n\
             DATABASE_URL=postgres://app:{}@db.internal:5432/app\n",
            s.aws_id, s.aws_secret, s.github, s.stripe, s.db_password
        ),
    );
    write(
        root,
        "infra/main.tf",
        format!(
            "provider \"aws\" {{\n  region     = \"eu-west-1\"\n  access_key = \"{}\"\n  secret_key = \"{}\"\n}}\n\n\
             resource \"aws_security_group_rule\" \"ssh\" {{\n  type              = \"ingress\"\n  from_port         = 22\n  \
             to_port           = 22\n  protocol          = \"tcp\"\n  cidr_blocks       = [\"0.0.0.0/0\"]\n  \
             security_group_id = aws_security_group.db.id\n  description       = \"{}\"\n}}\n",
            s.aws_id, s.aws_secret, s.gitlab
        ),
    );
    // PEM keys ending just above and starting just below a SEC007 line: the snippet's
    // context shows part of each key.
    write(
        root,
        "infra/edge.tf",
        format!(
            "locals {{\n  key_a = <<EOT\n{}\nEOT\n}}\nresource \"aws_security_group_rule\" \"rdp\" {{\n  \
             type = \"ingress\"\n  from_port = 3389\n  to_port = 3389\n  protocol = \"tcp\"\n  \
             cidr_blocks = [\"0.0.0.0/0\"]\n  security_group_id = \"sg-1\"\n  description = <<EOT\n{}\nEOT\n}}\n",
            s.pem_a, s.pem_b
        ),
    );
    write(
        root,
        ".github/workflows/ci.yml",
        format!(
            "name: ci\non:\n  pull_request_target:\njobs:\n  build:\n    runs-on: ubuntu-latest\n    env:\n      \
             SLACK_WEBHOOK: https://hooks.slack.com/services/{}\n      NPM_TOKEN: {}\n      SLACK_BOT: {}\n    steps:\n      \
             - run: echo \"${{{{ github.event.pull_request.title }}}}\" {}\n      - run: npm publish --token {}\n",
            s.slack_hook, s.npm, s.slack, s.github_pat, s.npm
        ),
    );
    write(
        root,
        ".github/workflows/broken.yml",
        format!("on: push\nenv:\n  TOKEN: {}\n  x: [\n", s.github),
    );
    write(
        root,
        "Dockerfile",
        format!(
            "FROM python:3.12-slim\nENV SENDGRID_API_KEY={}\nARG PYPI_PASSWORD={}\nUSER root\nCMD [\"python\"]\n",
            s.sendgrid, s.pypi
        ),
    );
    write(
        root,
        "k8s/secret.yaml",
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  api_token: \"{}\"\n  \
             MONGO_URI: \"mongodb+srv://admin:{}@cluster0.abcde.mongodb.net/db\"\n  ssh_key: |\n    {}\n",
            s.jwt,
            s.db_password,
            s.pem_c.replace('\n', "\n    ")
        ),
    );
    write(
        root,
        "config/settings.json",
        format!(
            "{{\n  \"twilio\": {{ \"TWILIO_API_KEY\": \"{}\" }},\n  \"firebase\": {{ \"apiKey\": \"{}\" }},\n  \
             \"db_password\": \"{}\"\n}}\n",
            s.twilio, s.google, s.generic
        ),
    );
    // An ignore comment naming a secret: the "unknown rule" diagnostic quotes it.
    write(
        root,
        "quoted.tf",
        format!(
            "# devops-lint: ignore[{}] no reason\nresource \"x\" \"y\" {{\n  token = \"{}\"\n}}\n",
            s.github, s.github
        ),
    );
}

/// Every form a secret could leak in: whole, JSON-escaped, and each long line of a
/// multi-line secret.
fn leak_forms(secret: &str) -> Vec<String> {
    let mut forms = vec![secret.to_string()];
    if let Ok(escaped) = serde_json::to_string(secret) {
        forms.push(escaped.trim_matches('"').to_string());
    }
    if secret.contains('\n') {
        forms.extend(
            secret
                .lines()
                .map(str::trim)
                .filter(|l| l.len() >= 16)
                .map(str::to_string),
        );
    }
    forms
}

fn assert_no_leak(what: &str, output: &str, secrets: &BTreeSet<String>) {
    for secret in secrets {
        for form in leak_forms(secret) {
            assert!(
                !output.contains(&form),
                "{what}: a secret leaked (first 6 chars {:?})\n--- output ---\n{output}",
                form.chars().take(6).collect::<String>()
            );
        }
    }
}

fn planted_list(s: &Secrets) -> Vec<&String> {
    vec![
        &s.aws_id,
        &s.aws_secret,
        &s.github,
        &s.github_pat,
        &s.gitlab,
        &s.slack,
        &s.slack_hook,
        &s.stripe,
        &s.google,
        &s.twilio,
        &s.sendgrid,
        &s.npm,
        &s.pypi,
        &s.jwt,
        &s.db_password,
        &s.generic,
        &s.pem_a,
        &s.pem_b,
        &s.pem_c,
    ]
}

#[test]
fn no_secret_appears_whole_in_any_output() {
    let s = secrets();
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    plant(&root, &s);

    // The detectors find what was planted, so the tree is meaningful; whatever else
    // they find counts as a secret too.
    let mut all: BTreeSet<String> = BTreeSet::new();
    for file in crate::common::files_under(&root) {
        let text = std::fs::read_to_string(&file).expect("read");
        for m in devops_lint::secrets::scan(&text) {
            all.insert(m.secret(&text).to_string());
        }
    }
    for planted in planted_list(&s) {
        let indented = planted.replace('\n', "\n    ");
        assert!(
            all.iter().any(|found| found == planted
                || *found == indented
                || found.contains(planted.as_str())),
            "the detectors miss a planted secret starting {:?}",
            planted.chars().take(8).collect::<String>()
        );
        all.insert(planted.clone());
    }

    let formats: Vec<String> = Format::value_variants()
        .iter()
        .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
        .collect();
    assert!(formats.len() >= 3, "{formats:?}");
    let flag_sets: [&[&str]; 5] = [
        &[],
        &["--no-ignores", "--stage", "scale"],
        // No secret rule runs: other rules' snippets still show the secrets' lines.
        &["--select", "SEC007,SEC014,SEC018"],
        &["--ignore", "SEC001,SEC002"],
        &["--quiet"],
    ];
    let report = dir.path().join("report.out");
    let mut saw_secret_findings = false;
    for format in &formats {
        for flags in flag_sets {
            let mut args: Vec<OsString> = [".", "--fail-on", "never", "--format", format]
                .iter()
                .map(OsString::from)
                .collect();
            args.extend(flags.iter().map(OsString::from));
            let run = run_limited(&root, &args, Duration::from_secs(30), false);
            let what = format!("--format {format} {flags:?}");
            assert_eq!(run.code, Some(0), "{what}: {}", run.stderr);
            assert_no_leak(&format!("{what} stdout"), &run.stdout, &all);
            assert_no_leak(&format!("{what} stderr"), &run.stderr, &all);
            if format == "json" && flags.is_empty() {
                let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
                let secret_rules = json["findings"]
                    .as_array()
                    .expect("findings")
                    .iter()
                    .filter(|f| f["rule_id"] == "SEC001" || f["rule_id"] == "SEC005")
                    .count();
                // The `.env` file's five secrets are one SEC005 finding (one problem,
                // one finding); every other planted secret is its own SEC001.
                saw_secret_findings = secret_rules >= planted_list(&s).len() - 2 - 4;
                assert!(
                    saw_secret_findings,
                    "only {secret_rules} SEC001/SEC005 findings"
                );
            }
        }
        // To a file named with -o.
        let mut args: Vec<OsString> = [".", "--fail-on", "never", "--format", format, "-o"]
            .iter()
            .map(OsString::from)
            .collect();
        args.push(report.clone().into());
        let run = run_limited(&root, &args, Duration::from_secs(30), false);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let written = std::fs::read_to_string(&report).expect("report written");
        assert_no_leak(&format!("--format {format} -o"), &written, &all);
    }
    assert!(saw_secret_findings);
}

#[test]
fn a_config_error_does_not_echo_a_secret() {
    let s = secrets();
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "devops-lint.toml",
        format!(
            "# token for the plugin: {}\n[rules]\n\"{}\" = \"off\"\n",
            s.github, s.github
        ),
    );
    let args: Vec<OsString> = ["."].iter().map(OsString::from).collect();
    let run = run_limited(dir.path(), &args, Duration::from_secs(30), false);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("unknown rule"), "{}", run.stderr);
    let all: BTreeSet<String> = [s.github.clone()].into();
    assert_no_leak("config error", &run.stderr, &all);
    assert_no_leak("config error", &run.stdout, &all);
}

#[test]
fn a_panic_message_quoting_a_secret_is_masked() {
    let s = secrets();
    let text = format!("token = \"{}\" é", s.github);
    let captured = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let sink = captured.clone();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Ok(mut out) = sink.lock() {
            *out = devops_lint::cli::panic_report(info);
        }
    }));
    // A string slice inside `é` panics with a message quoting the text.
    let cut = text.len() - 1;
    let result = std::panic::catch_unwind(|| text[..cut].len());
    std::panic::set_hook(previous);
    assert!(result.is_err());
    let report = captured.lock().expect("lock").clone();
    assert!(report.contains("internal error"), "{report}");
    assert!(
        report.contains("ghp_"),
        "the message is kept, masked: {report}"
    );
    assert_no_leak("panic", &report, &[s.github.clone()].into());
}

/// What goes around a planted secret: quotes, backslashes, non-ASCII, control
/// characters (never ending or starting in a token character, so the detectors still
/// see the secret).
const SURROUNDINGS: [&str; 14] = [
    "\"",
    "\\\"",
    "\\\\",
    "'",
    "`",
    "é",
    "日本",
    "\u{1b}[31m\u{1b}",
    "\u{7}",
    "\r",
    "\u{202E}",
    "\t",
    " ",
    "\u{1b}]8;;https://e.example/\u{7}",
];

/// A secret of a known format, from `seed`.
fn random_secret(seed: u64) -> String {
    match seed % 6 {
        0 => format!("ghp_{}", random(seed, 36, ALNUM)),
        1 => format!("glpat-{}", random(seed, 20, ALNUM)),
        2 => format!("sk_live_{}", random(seed, 24, ALNUM)),
        3 => format!("npm_{}", random(seed, 36, ALNUM)),
        4 => format!("AKIA{}", random(seed, 16, B32)),
        _ => format!(
            "xoxb-{}-{}-{}",
            random(seed, 12, DIGITS),
            random(seed + 1, 13, DIGITS),
            random(seed + 2, 24, ALNUM)
        ),
    }
}

/// A tree where each secret sits in `left…right` surroundings in several kinds of file,
/// beside other rules' findings (so snippets show the secrets' lines as context).
fn plant_surrounded(root: &Path, seed: u64, count: usize) -> Vec<String> {
    let pick = |n: u64| SURROUNDINGS[(n % SURROUNDINGS.len() as u64) as usize];
    let mut planted = Vec::new();
    let mut env = String::new();
    let mut tf = String::from(
        "resource \"aws_security_group_rule\" \"ssh\" {\n  type = \"ingress\"\n  from_port = 22\n  \
         to_port = 22\n  protocol = \"tcp\"\n  cidr_blocks = [\"0.0.0.0/0\"]\n  security_group_id = \"sg-1\"\n}\n",
    );
    let mut docker = String::from("FROM python:latest\n");
    for i in 0..count as u64 {
        let secret = random_secret(seed.wrapping_mul(31).wrapping_add(i));
        let (left, right) = (pick(seed + 3 * i), pick(seed + 7 * i + 1));
        env.push_str(&format!("TOKEN_{i}={left}{secret}{right}\n"));
        tf.insert_str(0, &format!("# note {left}{secret}{right} é\n"));
        docker.push_str(&format!("# {left}{secret}{right}\n"));
        planted.push(secret);
    }
    docker.push_str("USER root\n");
    write(root, ".env", env);
    write(root, "infra/main.tf", tf);
    write(root, "Dockerfile", docker);
    write(
        root,
        "config/app.json",
        format!(
            "{{\n  \"token\": \"\\\"{}\\\\\",\n  \"name\": \"é \\u001b\"\n}}\n",
            planted[0]
        ),
    );
    planted
}

fn format_names() -> Vec<String> {
    Format::value_variants()
        .iter()
        .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
        .collect()
}

/// Every format over a tree: JSON and SARIF parse (SARIF passes the multitool with
/// GitHub's rules), no secret whole in stdout, stderr or the report file, no raw control
/// character, no line that could start a workflow command. Returns the JSON report.
fn check_every_format(
    root: &Path,
    secrets: &BTreeSet<String>,
    extra: &[&str],
) -> serde_json::Value {
    let mut json = serde_json::Value::Null;
    for format in format_names() {
        let mut args: Vec<OsString> = [".", "--fail-on", "never", "--stage", "scale", "--format"]
            .iter()
            .map(OsString::from)
            .collect();
        args.push(format.clone().into());
        args.extend(extra.iter().map(OsString::from));
        let run = run_limited(root, &args, Duration::from_secs(60), false);
        let what = format!("{} --format {format}", root.display());
        assert_eq!(run.code, Some(0), "{what}: {}", run.stderr);
        assert_no_leak(&format!("{what} stdout"), &run.stdout, secrets);
        assert_no_leak(&format!("{what} stderr"), &run.stderr, secrets);
        assert_log_safe(&what, &run.stdout);
        assert_log_safe(&what, &run.stderr);
        match format.as_str() {
            "json" => {
                json = serde_json::from_str(&run.stdout)
                    .unwrap_or_else(|e| panic!("{what}: not JSON ({e})"));
            }
            "sarif" => {
                let sarif: serde_json::Value = serde_json::from_str(&run.stdout)
                    .unwrap_or_else(|e| panic!("{what}: not JSON ({e})"));
                crate::sarif::validate_with_multitool(&sarif);
            }
            _ => {}
        }
        // The same to a file.
        let report = tempfile::NamedTempFile::new().expect("temp file");
        args.push("-o".into());
        args.push(report.path().into());
        let run = run_limited(root, &args, Duration::from_secs(60), false);
        assert_eq!(run.code, Some(0), "{what} -o: {}", run.stderr);
        let written = std::fs::read_to_string(report.path()).expect("report");
        assert_no_leak(&format!("{what} -o"), &written, secrets);
        assert_log_safe(&format!("{what} -o"), &written);
    }
    json
}

/// No terminal control (ESC, BEL, CR alone, C1, bidi overrides) and no line a CI
/// runner would read as a workflow command (`::name`).
fn assert_log_safe(what: &str, output: &str) {
    for (n, line) in output.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        assert!(
            !line.chars().any(|c| (c.is_control() && c != '\t')
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')),
            "{what}: a control character on line {}: {line:?}",
            n + 1
        );
        if is_own_annotation(line) {
            continue;
        }
        let t = line.trim_start();
        assert!(
            !(t.starts_with("::") && t[2..].starts_with(|c: char| c.is_alphabetic())),
            "{what}: line {} could start a workflow command: {line:?}",
            n + 1
        );
    }
}

/// A line `--format github` writes on purpose: one annotation whose properties
/// are exactly ours and whose values hold no unescaped `,` or `:` (so nothing
/// from the repository can add a property or end the command early).
fn is_own_annotation(line: &str) -> bool {
    static SHAPE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    SHAPE
        .get_or_init(|| {
            regex::Regex::new(
                r"^::(error|warning|notice) (file=[^,:]*,line=\d+,col=\d+,endLine=\d+(,endColumn=\d+)?,)?title=[^,:]*::[^\r\n]*$",
            )
            .expect("valid regex")
        })
        .is_match(line)
}

/// Every secret the detectors find in the tree.
fn detected(root: &Path) -> BTreeSet<String> {
    let mut all = BTreeSet::new();
    for file in crate::common::files_under(root) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for m in devops_lint::secrets::scan(&text) {
            all.insert(m.secret(&text).to_string());
        }
    }
    all
}

#[test]
fn every_format_is_valid_and_secret_free_beside_quotes_backslashes_and_controls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    let planted = plant_surrounded(&root, 7, 24);
    let mut all = detected(&root);
    for secret in &planted {
        assert!(
            all.contains(secret),
            "the detectors miss a planted secret starting {:?}",
            secret.chars().take(6).collect::<String>()
        );
    }
    all.extend(planted);
    let json = check_every_format(&root, &all, &[]);
    let sec001 = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == "SEC001")
        .count();
    assert!(sec001 >= 24, "only {sec001} SEC001 findings");
    // Suppressed results kept on request are valid SARIF too.
    check_every_format(
        &root,
        &all,
        &["--no-ignores", "--sarif-suppressed", "include"],
    );
}

#[test]
fn every_format_is_valid_on_every_fixture_repository() {
    let repos = crate::common::fixtures().join("repos");
    let mut dirs: Vec<_> = std::fs::read_dir(&repos)
        .expect("fixtures/repos")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 4, "{dirs:?}");
    // All rule fixtures at once as well: every rule's findings in one report.
    dirs.push(crate::common::fixtures());
    for dir in dirs {
        let secrets = detected(&dir);
        let json = check_every_format(&dir, &secrets, &[]);
        assert!(json["findings"].is_array());
    }
}

/// Property: random secrets in random surroundings, rendered in-process in every
/// format: JSON and SARIF parse, no secret whole. Deterministic (xorshift seeds).
#[test]
fn redaction_holds_for_random_secrets_and_surroundings() {
    use devops_lint::report::{self, RenderOptions};
    for seed in 0..40u64 {
        let dir = tempfile::tempdir().expect("tempdir");
        let planted = plant_surrounded(dir.path(), seed * 1_000 + 11, 1 + (seed % 4) as usize);
        let mut secrets = detected(dir.path());
        for secret in &planted {
            assert!(
                secrets.contains(secret),
                "seed {seed}: a planted secret is missed"
            );
        }
        secrets.extend(planted);
        let result = crate::common::scan(dir.path(), None, &[], 1);
        for format in Format::value_variants() {
            for suppressed in [false, true] {
                let opts = RenderOptions {
                    sarif_suppressed: suppressed,
                    ..RenderOptions::default()
                };
                let out = report::render(&result, *format, &opts);
                let what = format!("seed {seed} {format:?}");
                assert_no_leak(&what, &out, &secrets);
                assert_log_safe(&what, &out);
                if matches!(format, Format::Json | Format::Sarif) {
                    serde_json::from_str::<serde_json::Value>(&out)
                        .unwrap_or_else(|e| panic!("{what}: not JSON ({e})"));
                }
            }
        }
    }
}

/// Text from the scanned repository (a path holding a newline, `::error` and escape
/// sequences; a message quoting it) cannot forge a workflow command or drive the
/// terminal, in any format.
#[test]
fn repo_text_cannot_inject_into_a_ci_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    let evil = "svc\n::error file=a.tf,line=1::forged\u{1b}]8;;https://e.example/\u{7}x\u{7}";
    write(
        &root,
        &format!("{evil}/Dockerfile"),
        "FROM python:latest\nUSER root\n",
    );
    write(
        &root,
        "main.tf",
        "# devops-lint: ignore[::warning::forged] \u{1b}[2J\n\
         resource \"aws_db_instance\" \"db\" {\n  publicly_accessible = true\n}\n",
    );
    let json = check_every_format(&root, &BTreeSet::new(), &[]);
    let paths: Vec<&str> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert!(
        paths.iter().any(|p| p.contains("\\::error")),
        "the Dockerfile's findings are kept, path guarded: {paths:?}"
    );
}

/// One problem, one finding: a key file with a certificate before its key is one
/// SEC005 finding at line 1, not one more SEC001 where the key block starts.
#[test]
fn a_key_file_is_one_finding() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cert = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n";
    write(
        dir.path(),
        "certs/server.pem",
        format!("{cert}{}\n", pem("", 900)),
    );
    let result = crate::common::scan(dir.path(), None, &["SEC001", "SEC005"], 1);
    let found = crate::common::found(&result);
    let expected: BTreeSet<(String, u32, String)> =
        [("certs/server.pem".to_string(), 1, "SEC005".to_string())].into();
    assert_eq!(found, expected);
}

/// A short password that is also a folder name of the repository masks where it is
/// found, not in paths: every location under `idm/keycloak/` must still name a file
/// that exists, while the password's own line shows `********`.
#[test]
fn a_password_that_names_a_folder_leaves_paths_exact() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "idm/keycloak/Dockerfile",
        "FROM quay.io/keycloak/keycloak:21.0\nENV DB_USER keycloak\nENV DB_PASSWORD keycloak\n",
    );
    write(
        dir.path(),
        "idm/keycloak/keycloak.jks",
        "not a readable keystore",
    );
    let args = |format: &str| -> Vec<OsString> {
        [
            ".",
            "--select",
            "SEC003,SEC005",
            "--fail-on",
            "never",
            "--format",
            format,
        ]
        .iter()
        .map(OsString::from)
        .collect()
    };
    let run = run_limited(dir.path(), &args("json"), Duration::from_secs(60), false);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON report");
    let paths: BTreeSet<(String, String)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or_default().to_string(),
                f["path"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("SEC003".to_string(), "idm/keycloak/Dockerfile".to_string()),
        (
            "SEC005".to_string(),
            "idm/keycloak/keycloak.jks".to_string(),
        ),
    ]
    .into();
    assert_eq!(paths, expected);
    let human = run_limited(dir.path(), &args("human"), Duration::from_secs(60), false);
    assert!(
        human.stdout.contains("ENV DB_PASSWORD ********"),
        "the password's own line is masked: {}",
        human.stdout
    );
    assert!(
        human.stdout.contains("idm/keycloak/Dockerfile"),
        "{}",
        human.stdout
    );
}
