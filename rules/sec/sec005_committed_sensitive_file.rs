use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::declare_rule;
use crate::rule::{Cx, Rule, Scope};
use crate::secrets;
use crate::source::{FileKind, Span};

use super::sec003_secret_in_image::is_named_secret;

declare_rule! {
    /// ## What it checks
    /// Files that hold credentials by their nature, reported once per file at line 1:
    ///
    /// - private keys: `*.pem`, `*.key`, `*.p8`, `*.ppk`, `*.asc` holding a private key
    ///   block, and `id_rsa`, `id_dsa`, `id_ecdsa`, `id_ed25519` (never `*.pub`);
    /// - keystores, by name alone since they are binary: `*.p12`, `*.pfx`, `*.jks`,
    ///   `*.keystore`, `*.jceks`, `*.bks`, KeePass `*.kdbx`, and browser stores
    ///   (Chrome's `Login Data`, Firefox's `key4.db` and `logins.json`);
    /// - Terraform state: `*.tfstate`, `*.tfstate.backup` (by name; state files can be
    ///   larger than the scan's size limit);
    /// - `.env` files (`.env`, `.env.production`, `prod.env`, ...) that set a
    ///   secret-named variable to a literal; `.env.example`, `.sample`, `.template`,
    ///   `.dist`, `.defaults` are documentation, and a `.env` of ports and URLs (as Vite
    ///   and Create React App projects commit) is fine;
    /// - cloud and cluster credentials: a Google service-account JSON with its
    ///   `private_key`, a kubeconfig with inline credentials (a token, a password, a
    ///   client key; `exec:` plugins such as `aws eks get-token` are fine),
    ///   `.aws/credentials`, `.boto`, `.s3cfg`;
    /// - tool credential files with a literal secret in them: `.netrc`, `.pgpass`,
    ///   `.my.cnf`, `.git-credentials`, `.htpasswd`, `.docker/config.json` and
    ///   `.dockercfg` with `auths`, `.npmrc`, `.pypirc`, `.gem/credentials`,
    ///   `.cargo/credentials.toml`, `.terraformrc`, `.vault-token`;
    /// - shell profiles (`.bashrc`, `.profile`, `.zshrc`, `.envrc`, ...) that export a
    ///   secret-named variable with a literal value;
    /// - FTP client stores: FileZilla's `sitemanager.xml` and `recentservers.xml` with
    ///   saved passwords, `WinSCP.ini`.
    ///
    /// References are not secrets: `${NPM_TOKEN}` in `.npmrc`, `$VAR` and placeholders
    /// such as `changeme` or `<token>` do not count. Android's well-known
    /// `debug.keystore` (password `android`) is not reported. A key is a key even under
    /// `tests/`: silence a deliberate test key with an `[[ignore]]` entry in
    /// `devops-lint.toml` (binary files cannot hold an inline ignore).
    ///
    /// ## Why it matters
    /// "Avoid secrets / credentials in code" is the talk's first low-hanging fruit.
    /// These files exist to hold a credential: once committed, the credential is in
    /// every clone, fork and CI cache for ever. A Terraform state file holds every
    /// attribute of every resource in plain text, database passwords included.
    ///
    /// ## Bad
    /// ```text deploy/.env
    /// DATABASE_URL=postgres://app@db.internal:5432/app
    /// STRIPE_SECRET_KEY=rk_live_9fQ2xVb7LmT4pWz8
    /// ```
    ///
    /// ## Good
    /// ```text deploy/.env.example
    /// DATABASE_URL=postgres://app@localhost:5432/app
    /// STRIPE_SECRET_KEY=changeme
    /// ```
    ///
    /// ## How to fix
    /// Rotate the credential (it is compromised), delete the file, add its pattern to
    /// `.gitignore`, and purge it from history if the repository was ever shared.
    /// Commit an `.env.example` with placeholders instead, keep state in a remote
    /// backend, and load secrets from a secret store or the CI's secret variables.
    CommittedSensitiveFile {
        id: "SEC005",
        name: "committed-sensitive-file",
        pillar: Sec,
        stage: Seed,
        scope: Scope::File(&[FileKind::Text]),
        severity: Error,
        since: "0.1.0",
        summary: "file that holds credentials is committed",
    }
}

/// What a file is, and where its secret values are (to mask them in snippets).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Detection {
    what: String,
    /// Byte ranges of secret values in the text.
    secrets: Vec<Range<usize>>,
}

impl Detection {
    fn named(what: impl Into<String>) -> Option<Detection> {
        Some(Detection {
            what: what.into(),
            secrets: Vec::new(),
        })
    }
}

/// Suffixes of documentation copies (`.env.example`, `id_rsa.sample`, ...).
const DOC_MARKERS: [&str; 8] = [
    "example", "sample", "template", "dist", "defaults", "schema", "tpl", "skeleton",
];

fn is_documentation(lower_name: &str) -> bool {
    lower_name
        .split(['.', '-', '_'])
        .any(|part| DOC_MARKERS.contains(&part))
}

/// A literal in a file made to hold credentials: not empty, not a reference, not a
/// placeholder (short passwords count here: the file says what the value is).
fn is_literal_secret(value: &str) -> bool {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    !v.is_empty() && !v.to_ascii_lowercase().starts_with("change") && !secrets::is_placeholder(v)
}

/// `(key, value range)` of `KEY=VALUE` / `export KEY=VALUE` lines (dotenv and shell).
fn assignments(text: &str) -> Vec<(&str, Range<usize>)> {
    static LINE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?m)^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.]*)[ \t]*=[ \t]*("[^"\n]*"|'[^'\n]*'|[^\s#]*)"#)
            .expect("internal error: valid regex")
    });
    LINE.captures_iter(text)
        .filter_map(|c| Some((c.get(1)?.as_str(), c.get(2)?.range())))
        .collect()
}

/// Values of secret-named `KEY=VALUE` assignments.
fn secret_assignments(text: &str) -> Vec<Range<usize>> {
    assignments(text)
        .into_iter()
        .filter(|(key, value)| is_named_secret(key, &text[value.clone()]))
        .map(|(_, value)| value)
        .collect()
}

/// Values captured by group 1 of `re` that are literal secrets.
fn captured_secrets(text: &str, re: &Regex) -> Vec<Range<usize>> {
    re.captures_iter(text)
        .filter_map(|c| c.get(1))
        .filter(|m| is_literal_secret(m.as_str()))
        .map(|m| m.range())
        .collect()
}

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("internal error: valid regex")
}

/// A PEM (or PGP, or PuTTY) private key with a real body, not a `...` stand-in.
fn private_key_blocks(text: &str) -> Vec<Range<usize>> {
    static PEM: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r"-----BEGIN ([A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----([\s\S]*?)-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----",
        )
    });
    static PUTTY: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r"(?m)^PuTTY-User-Key-File-\d+:[\s\S]*?Private-Lines: \d+\r?\n([A-Za-z0-9+/=\r\n]{40,})",
        )
    });
    let mut out: Vec<Range<usize>> = PEM
        .captures_iter(text)
        .filter_map(|c| c.get(2))
        .filter(|body| {
            body.as_str()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '+' || *c == '/')
                .count()
                >= 64
        })
        .map(|m| m.range())
        .collect();
    out.extend(
        PUTTY
            .captures_iter(text)
            .filter_map(|c| c.get(1))
            .map(|m| m.range()),
    );
    out
}

fn found(what: &str, secrets: Vec<Range<usize>>) -> Option<Detection> {
    (!secrets.is_empty()).then(|| Detection {
        what: what.to_string(),
        secrets,
    })
}

/// Findings a file's name alone proves (works on binary and oversized files too).
fn by_name(lower_name: &str) -> Option<Detection> {
    let ext = lower_name.rsplit_once('.').map_or("", |(_, e)| e);
    if lower_name.ends_with(".tfstate") || lower_name.ends_with(".tfstate.backup") {
        return Detection::named(
            "a Terraform state file (every resource attribute, secrets included, in plain text)",
        );
    }
    if is_documentation(lower_name) {
        return None;
    }
    match ext {
        "p12" | "pfx" => {
            return Detection::named("a PKCS#12 certificate store with its private key")
        }
        "jks" | "jceks" | "bks" => return Detection::named("a Java keystore"),
        "keystore" if lower_name != "debug.keystore" => return Detection::named("a keystore"),
        "kdbx" | "kdb" => return Detection::named("a KeePass password database"),
        _ => {}
    }
    match lower_name {
        "login data" => Detection::named("a Chrome password store"),
        "key3.db" | "key4.db" => Detection::named("a Firefox key database"),
        "secring.gpg" | "secring.kbx" => Detection::named("a GnuPG secret keyring"),
        ".mylogin.cnf" => Detection::named("a MySQL login path file"),
        _ => None,
    }
}

fn is_ssh_key_name(lower_name: &str) -> bool {
    [
        "id_rsa",
        "id_dsa",
        "id_ecdsa",
        "id_ed25519",
        "id_ecdsa_sk",
        "id_ed25519_sk",
    ]
    .iter()
    .any(|base| {
        lower_name == *base
            || lower_name
                .strip_prefix(base)
                .is_some_and(|rest| rest.starts_with(['_', '-', '.']) && !rest.ends_with(".pub"))
    })
}

/// Findings that need the file's text.
fn by_content(lower_path: &str, lower_name: &str, text: &str) -> Option<Detection> {
    if is_documentation(lower_name) || lower_name.ends_with(".pub") {
        return None;
    }
    let ext = lower_name.rsplit_once('.').map_or("", |(_, e)| e);

    // Private keys.
    if is_ssh_key_name(lower_name) || matches!(ext, "pem" | "key" | "p8" | "ppk" | "asc") {
        return found("a private key", private_key_blocks(text));
    }
    // .env files.
    let is_dotenv = lower_name == ".env"
        || lower_name.starts_with(".env.")
        || (lower_name.ends_with(".env") && !lower_name.starts_with('.'));
    if is_dotenv {
        let mut secrets = secret_assignments(text);
        // Known formats (an `sk_live_` key under any name); the generic `name = value`
        // detectors are what `secret_assignments` already decides, more strictly.
        secrets.extend(
            secrets::scan(text)
                .into_iter()
                .filter(|m| !m.detector.generic)
                .map(|m| m.span.range()),
        );
        secrets.sort_by_key(|r| r.start);
        secrets.dedup();
        return found("a dotenv file with secret values", secrets);
    }
    // Shell profiles.
    if matches!(
        lower_name,
        ".bashrc"
            | ".bash_profile"
            | ".bash_login"
            | ".profile"
            | ".zshrc"
            | ".zprofile"
            | ".zshenv"
            | ".zlogin"
            | ".envrc"
            | ".kshrc"
    ) {
        return found(
            "a shell profile that exports secrets",
            secret_assignments(text),
        );
    }
    match lower_name {
        ".netrc" | "_netrc" => {
            static RE: LazyLock<Regex> = LazyLock::new(|| regex(r"(?m)\bpassword[ \t]+(\S+)"));
            return found("a netrc file with passwords", captured_secrets(text, &RE));
        }
        ".pgpass" => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r"(?m)^[^#:\n]*:[^:\n]*:[^:\n]*:[^:\n]*:([^\n]+)$"));
            return found("a PostgreSQL password file", captured_secrets(text, &RE));
        }
        ".my.cnf" => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r"(?m)^[ \t]*password[ \t]*=[ \t]*(\S+)"));
            return found(
                "a MySQL option file with a password",
                captured_secrets(text, &RE),
            );
        }
        ".git-credentials" => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r"(?m)^[a-z][a-z0-9+.-]*://[^:/@\s]+:([^@\s]+)@"));
            return found(
                "a git credential store with a token",
                captured_secrets(text, &RE),
            );
        }
        ".htpasswd" => {
            // NOTE: hashes (`$apr1$...`) look like `$VAR` references to `is_placeholder`.
            static RE: LazyLock<Regex> = LazyLock::new(|| regex(r"(?m)^[^:#\s]+:(\S{4,})"));
            return found(
                "an htpasswd file with password hashes",
                RE.captures_iter(text)
                    .filter_map(|c| c.get(1))
                    .map(|m| m.range())
                    .collect(),
            );
        }
        ".dockercfg" => return docker_auths(text),
        ".npmrc" => {
            // NOTE: tokens for a registry on localhost are test fixtures, not credentials.
            static RE: LazyLock<Regex> = LazyLock::new(|| {
                regex(
                    r"(?m)^[ \t]*(//[^\s:]*(?::\d+)?/?[^\s]*:)?(?:_authToken|_auth|_password)[ \t]*=[ \t]*(\S+)",
                )
            });
            let secrets = RE
                .captures_iter(text)
                .filter(|c| {
                    let host = c.get(1).map_or("", |m| m.as_str());
                    !["//localhost", "//127.0.0.1", "//0.0.0.0", "//[::1]"]
                        .iter()
                        .any(|local| host.starts_with(local))
                })
                .filter_map(|c| c.get(2))
                .filter(|m| is_literal_secret(m.as_str()))
                .map(|m| m.range())
                .collect();
            return found("an npm config with a registry token", secrets);
        }
        ".pypirc" => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r"(?m)^[ \t]*password[ \t]*[=:][ \t]*(\S+)"));
            return found("a PyPI config with a password", captured_secrets(text, &RE));
        }
        ".s3cfg" => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r"(?m)^[ \t]*secret_key[ \t]*=[ \t]*(\S+)"));
            return found(
                "an s3cmd config with a secret key",
                captured_secrets(text, &RE),
            );
        }
        ".boto" => return aws_credentials(text, "a boto config with a secret key"),
        ".terraformrc" | "terraform.rc" => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r#"(?m)^[ \t]*token[ \t]*=[ \t]*"([^"\n]+)""#));
            return found(
                "a Terraform CLI config with an API token",
                captured_secrets(text, &RE),
            );
        }
        "credentials.tfrc.json" => {
            static RE: LazyLock<Regex> = LazyLock::new(|| regex(r#""token"\s*:\s*"([^"]+)""#));
            return found(
                "a Terraform CLI credentials file with a token",
                captured_secrets(text, &RE),
            );
        }
        ".vault-token" => {
            let token = text.trim();
            let start = text.len() - text.trim_start().len();
            return (is_literal_secret(token) && token.len() >= 8).then(|| Detection {
                what: "a Vault token".to_string(),
                secrets: std::iter::once(start..start + token.len()).collect(),
            });
        }
        "sitemanager.xml" | "recentservers.xml" | "filezilla.xml" => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r"<Pass(?:\s[^>]*)?>([^<]+)</Pass>"));
            return found(
                "a FileZilla store with saved passwords",
                captured_secrets(text, &RE),
            );
        }
        "winscp.ini" => {
            static RE: LazyLock<Regex> = LazyLock::new(|| regex(r"(?m)^Password=(\S+)"));
            return found(
                "a WinSCP store with saved passwords",
                captured_secrets(text, &RE),
            );
        }
        "logins.json" if text.contains("\"encryptedPassword\"") => {
            return Detection::named("a Firefox password store");
        }
        _ => {}
    }
    if lower_path.ends_with(".aws/credentials")
        || (lower_name == "credentials" && text.contains("aws_secret_access_key"))
    {
        return aws_credentials(text, "an AWS credentials file with a secret key");
    }
    if lower_path.ends_with(".gem/credentials") {
        static RE: LazyLock<Regex> =
            LazyLock::new(|| regex(r"(?m)^:?rubygems_api_key:[ \t]*(\S+)"));
        return found(
            "a RubyGems credentials file with an API key",
            captured_secrets(text, &RE),
        );
    }
    if lower_path.ends_with(".cargo/credentials.toml") || lower_path.ends_with(".cargo/credentials")
    {
        static RE: LazyLock<Regex> =
            LazyLock::new(|| regex(r#"(?m)^[ \t]*token[ \t]*=[ \t]*"([^"\n]+)""#));
        return found(
            "a Cargo credentials file with a registry token",
            captured_secrets(text, &RE),
        );
    }
    if lower_path.ends_with(".docker/config.json") {
        return docker_auths(text);
    }
    if ext == "json" && text.contains("service_account") {
        return service_account(text);
    }
    let kubeconfig_name = lower_name == "kubeconfig"
        || lower_name.ends_with(".kubeconfig")
        || lower_name.starts_with("kubeconfig")
        || lower_path.ends_with(".kube/config");
    let yamlish = kubeconfig_name || matches!(ext, "yaml" | "yml" | "") || lower_name == "config";
    if yamlish && looks_like_kubeconfig(text) {
        return kubeconfig_credentials(text);
    }
    None
}

fn aws_credentials(text: &str, what: &str) -> Option<Detection> {
    static RE: LazyLock<Regex> =
        LazyLock::new(|| regex(r"(?mi)^[ \t]*(?:aws|gs)_secret_access_key[ \t]*[=:][ \t]*(\S+)"));
    let secrets = captured_secrets(text, &RE)
        .into_iter()
        .filter(|r| !text[r.clone()].ends_with("EXAMPLEKEY"))
        .collect();
    found(what, secrets)
}

fn docker_auths(text: &str) -> Option<Detection> {
    static RE: LazyLock<Regex> =
        LazyLock::new(|| regex(r#""(?:auth|identitytoken|password)"\s*:\s*"([^"]+)""#));
    found(
        "a Docker config with registry credentials",
        captured_secrets(text, &RE),
    )
}

fn service_account(text: &str) -> Option<Detection> {
    static TYPE: LazyLock<Regex> = LazyLock::new(|| regex(r#""type"\s*:\s*"service_account""#));
    static KEY: LazyLock<Regex> = LazyLock::new(|| {
        regex(r#""private_key"\s*:\s*"(-----BEGIN [A-Z ]*PRIVATE KEY-----[^"]{64,})""#)
    });
    if !TYPE.is_match(text) {
        return None;
    }
    found(
        "a Google Cloud service-account key",
        captured_secrets(text, &KEY),
    )
}

fn looks_like_kubeconfig(text: &str) -> bool {
    let mut kind = false;
    let mut users = false;
    for line in text.lines() {
        kind |= line.trim_end() == "kind: Config";
        users |= line.starts_with("users:");
    }
    kind && users
}

fn kubeconfig_credentials(text: &str) -> Option<Detection> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r"(?m)^[ \t-]*(?:client-key-data|token|password|access-token|refresh-token|client-secret|id-token)[ \t]*:[ \t]*(\S+)",
        )
    });
    found("a kubeconfig with credentials", captured_secrets(text, &RE))
}

fn detect(path: &str, text: &str) -> Option<Detection> {
    let lower_path = path.to_ascii_lowercase();
    let lower_name = lower_path
        .rsplit('/')
        .next()
        .unwrap_or(&lower_path)
        .to_string();
    by_name(&lower_name).or_else(|| by_content(&lower_path, &lower_name, text))
}

impl Rule for CommittedSensitiveFile {
    fn check_path(&self, cx: &mut Cx) {
        let Some(detection) = detect(cx.path(), cx.text()) else {
            return;
        };
        let first = cx.file.first_line_span();
        let mut finding = cx
            .finding(first)
            .message(format!(
                "`{}` is committed: it is {}",
                cx.file.file_name(),
                detection.what
            ))
            .help("rotate the credential, delete the file and ignore it in .gitignore; commit a placeholder example instead");
        let mut secrets = detection
            .secrets
            .iter()
            .map(|r| Span::from_range(r.clone()));
        if let Some(span) = secrets.next() {
            finding = finding.secret(span);
        }
        for span in secrets {
            finding = finding.mask(span);
        }
        cx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use super::detect;

    fn hit(path: &str, text: &str) -> bool {
        detect(path, text).is_some()
    }

    const KEY_BODY: &str = "MIIEowIBAAKCAQEA7bq98w3hJKNBcxvGD0a1jb3UqGc2Nf8pKN4vVh1nRz0mYq3Tv4kL\nc2Nf8pKN4vVh1nRz0mYq3Tv4kLMIIEowIBAAKCAQEA7bq98w3hJKNBcxvGD0a1jb3Uq\n";

    #[test]
    fn by_name() {
        assert!(hit("certs/server.p12", ""));
        assert!(hit("android/app/release.keystore", ""));
        assert!(!hit("android/app/debug.keystore", ""));
        assert!(hit("infra/terraform.tfstate", ""));
        assert!(hit("infra/terraform.tfstate.backup", ""));
        assert!(!hit("infra/terraform.tfstate.example", "{}"));
    }

    #[test]
    fn keys_need_a_body() {
        let key =
            format!("-----BEGIN RSA PRIVATE KEY-----\n{KEY_BODY}-----END RSA PRIVATE KEY-----\n");
        assert!(hit("deploy/id_rsa", &key));
        assert!(hit("tls/server.key", &key));
        assert!(!hit("deploy/id_rsa.pub", "ssh-rsa AAAA... me@host"));
        assert!(!hit(
            "docs/server.pem",
            "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n"
        ));
        assert!(!hit(
            "tls/ca.pem",
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
        ));
    }

    #[test]
    fn credential_files_need_a_literal() {
        assert!(hit(
            ".npmrc",
            "//registry.npmjs.org/:_authToken=npm_4f8a2b9c7d1e6f3a5b8c9d0e1f2a3b4c5d6e\n"
        ));
        assert!(!hit(
            ".npmrc",
            "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"
        ));
        assert!(hit(
            ".git-credentials",
            "https://bot:ghp_4f8a2b9c7d1e6f3a5b8c9d0e1f2a3b4c5d6e@github.com\n"
        ));
        assert!(hit(
            ".docker/config.json",
            r#"{"auths":{"ghcr.io":{"auth":"Ym90OnNlY3JldHBhc3N3b3Jk"}}}"#
        ));
        assert!(!hit(
            ".docker/config.json",
            r#"{"auths":{"ghcr.io":{}},"credsStore":"desktop"}"#
        ));
        assert!(!hit("kube/config", "apiVersion: v1\nkind: Config\nusers:\n- name: eks\n  user:\n    exec:\n      command: aws\n"));
        assert!(hit("kube/config", "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    token: eyJhbGciOiJSUzI1NiIsImtpZCI6Ik1rYXo\n"));
    }

    #[test]
    fn dotenv() {
        assert!(hit(
            ".env",
            "PORT=3000\nSTRIPE_SECRET_KEY=rk_live_9fQ2xVb7LmT4pWz8\n"
        ));
        assert!(!hit(
            ".env",
            "VITE_API_URL=https://api.example.com\nPORT=3000\n"
        ));
        assert!(!hit(
            ".env.example",
            "STRIPE_SECRET_KEY=rk_live_9fQ2xVb7LmT4pWz8\n"
        ));
        assert!(!hit(".env", "DB_PASSWORD=${DB_PASSWORD}\n"));
    }
}
