//! Files that hold credentials by their nature (SEC005): private keys, keystores,
//! Terraform state, dotenv files, and the files tools and clients store credentials
//! in (package and container registries, cloud CLIs, database clients, FTP/SFTP and
//! mail clients, web-server password files, framework key files, SQL dumps).
//!
//! Formats are routed by file name (and parent folder), then read with a parser or a
//! regex made for that format only, so the cost for an ordinary file is a few string
//! comparisons. The spans of the stored secrets are returned too, so reports mask them.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::context::{path_role, PathRole};
use super::named::is_named_secret;

/// What a file is, and where its secret values are (to mask them in snippets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Detection {
    /// "a netrc file with passwords": what the file is, for the message.
    pub what: String,
    /// Byte ranges of secret values in the text.
    pub secrets: Vec<Range<usize>>,
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

/// A value saved in a file made to hold credentials. Any literal counts (the file
/// says what it is, so even `password` is the password a client logs in with), except
/// templates, references and masks: `${X}`, `$X`, `%X%`, `{{ x }}`, `<password>`,
/// `***`, `xxx`, `changeme`, `your_password`, `REPLACE_ME`.
pub(crate) fn is_stored_secret(value: &str) -> bool {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    if v.is_empty()
        || v.chars()
            .all(|c| matches!(c, '*' | 'x' | 'X' | '.' | '•' | '-'))
    {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    const MARKERS: &[&str] = &[
        "${",
        "{{",
        "$(",
        "%(",
        "#{",
        "changeme",
        "change_me",
        "change-me",
        "changethis",
        "change_this",
        "replace",
        "placeholder",
        "your_",
        "your-",
        "yourpass",
        "yourtoken",
        "redacted",
        "xxxx",
        "***",
        "process.env",
        "os.environ",
        "getenv",
        "secrets.",
    ];
    if MARKERS.iter().any(|m| lower.contains(m)) {
        return false;
    }
    // `password="PASSWORD"`: the field's own name in capitals, a slot to fill in.
    if matches!(
        v,
        "PASSWORD" | "PASSWD" | "PASS" | "PWD" | "SECRET" | "TOKEN" | "API_KEY" | "APIKEY"
    ) {
        return false;
    }
    let mut chars = v.chars();
    let first = chars.next().unwrap_or(' ');
    let second = chars.next().unwrap_or(' ');
    let reference = (first == '$' && (second.is_ascii_alphabetic() || second == '_'))
        || (first == '%' && v.ends_with('%') && v.len() > 2)
        || (first == '<' && v.ends_with('>'));
    !reference
}

/// Under tests, docs and examples a stored credential is a fixture unless it looks
/// generated: only long, mixed, high-entropy values count there.
fn counts_at(role: PathRole, value: &str) -> bool {
    is_stored_secret(value) && (role == PathRole::Code || super::is_high_entropy(value))
}

/// `(key, value range)` of `KEY=VALUE` / `export KEY=VALUE` lines (dotenv and shell).
fn assignments(text: &str) -> Vec<(&str, Range<usize>)> {
    static LINE: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r#"(?m)^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.]*)[ \t]*=[ \t]*("[^"\n]*"|'[^'\n]*'|[^\s#]*)"#,
        )
    });
    LINE.captures_iter(text)
        .filter_map(|c| Some((c.get(1)?.as_str(), c.get(2)?.range())))
        .collect()
}

/// Whether a dotenv file sets its framework's environment to development or
/// test (`RAILS_ENV=development`, `NODE_ENV=dev`, `APP_ENV=local`): the
/// environment of a local or CI stack, not of a deployment.
/// `.env`, `.env.production`, `prod.env` (lowercase file name).
pub(super) fn is_dotenv_name(lower_name: &str) -> bool {
    lower_name == ".env"
        || lower_name.starts_with(".env.")
        || (lower_name.ends_with(".env") && !lower_name.starts_with('.'))
}

/// A dotenv file that Compose reads for a stack (`COMPOSE_PROJECT_NAME=…`), or
/// one kept in a `docker/` or `compose/` folder for the containers started from
/// there (`docker/cache-valkey-sentinel.env`, `compose/config/db/.env`): the
/// passwords a person typed there are the stack's containers' defaults.
fn configures_a_compose_stack(lower_path: &str, text: &str) -> bool {
    let mut folders = lower_path.split('/').rev().skip(1);
    folders.any(|f| matches!(f, "docker" | "compose" | "docker-compose"))
        || assignments(text)
            .into_iter()
            .any(|(key, _)| key == "COMPOSE_PROJECT_NAME")
}

pub(super) fn declares_development_environment(text: &str) -> bool {
    const ENV_NAMES: &[&str] = &[
        "RAILS_ENV",
        "RACK_ENV",
        "NODE_ENV",
        "APP_ENV",
        "FLASK_ENV",
        "DJANGO_ENV",
        "MIX_ENV",
        "GO_ENV",
        "ASPNETCORE_ENVIRONMENT",
        "ENVIRONMENT",
    ];
    assignments(text).into_iter().any(|(key, value)| {
        let value = text[value].trim_matches(['"', '\'']).to_ascii_lowercase();
        ENV_NAMES.contains(&key)
            && matches!(
                value.as_str(),
                "development" | "dev" | "local" | "test" | "testing"
            )
    })
}

/// Whether some value of a dotenv file says it is to be filled in (`your url`,
/// `<token>`, `replace-me`), or a comment says its values are defaults to change;
/// not a default such as Laravel's `hello@example.com`.
fn is_template(text: &str) -> bool {
    const FILL_IN: &[&str] = &[
        "your",
        "<",
        "replace",
        "changeme",
        "change_me",
        "_here",
        "-here",
    ];
    // `# Please change these default values before running docker-compose`: the
    // file's own comment calls its values defaults to replace.
    let comment_says_defaults = text.lines().any(|line| {
        let lower = line.trim_start().to_ascii_lowercase();
        lower.starts_with('#') && lower.contains("default") && lower.contains("change")
    });
    comment_says_defaults
        || assignments(text).into_iter().any(|(_, value)| {
            let lower = text[value].to_ascii_lowercase();
            FILL_IN.iter().any(|m| lower.contains(m))
        })
}

/// The values of a dotenv file's variables that are not secret-named
/// (`POSTGRES_DB=teable`), lowercased, to look up in [`repeats_a_plain_value`].
fn plain_values(text: &str) -> std::collections::HashSet<String> {
    assignments(text)
        .into_iter()
        .filter(|(key, _)| !super::is_secret_name(key))
        .map(|(_, value)| text[value].trim_matches(['"', '\'']).to_ascii_lowercase())
        .collect()
}

/// `POSTGRES_DB=teable` then `MINIO_SECRET_KEY=teable123`: a password made of
/// another value of the file (the stack's user or database name), maybe with
/// digits after it, is a default anyone reading the file can guess.
fn repeats_a_plain_value(plain_values: &std::collections::HashSet<String>, value: &str) -> bool {
    let value = value.trim_matches(['"', '\'']);
    let stem = value.trim_end_matches(|c: char| c.is_ascii_digit() || "!@#._-".contains(c));
    stem.len() >= 3 && plain_values.contains(&stem.to_ascii_lowercase())
}

/// Values of secret-named `KEY=VALUE` assignments.
fn secret_assignments(text: &str) -> Vec<Range<usize>> {
    assignments(text)
        .into_iter()
        .filter(|(key, value)| {
            is_named_secret(key, &text[value.clone()])
                && !super::names::names_a_public_browser_key(key)
                // `GOOGLE_APPLICATION_CREDENTIALS=/home/solana/bigtable.json`:
                // where the credential is kept, as SEC001 reads a path.
                && !super::detectors::is_path_like(text[value.clone()].trim_matches(['"', '\'']))
        })
        .map(|(_, value)| value)
        .collect()
}

/// Values captured by group 1 of `re` that are stored secrets.
fn captured(text: &str, re: &Regex, role: PathRole) -> Vec<Range<usize>> {
    re.captures_iter(text)
        .filter_map(|c| c.get(1))
        .filter(|m| counts_at(role, m.as_str()))
        .map(|m| m.range())
        .collect()
}

/// As [`captured`], leaving out what an XML comment holds: Tomcat's shipped
/// `tomcat-users.xml` keeps its sample users (`password="tomcat"`) commented out.
fn captured_in_xml(text: &str, re: &Regex, role: PathRole) -> Vec<Range<usize>> {
    let mut comments = Vec::new();
    let mut from = 0;
    while let Some(open) = text.get(from..).and_then(|rest| rest.find("<!--")) {
        let start = from + open;
        let end = text
            .get(start..)
            .and_then(|rest| rest.find("-->"))
            .map_or(text.len(), |close| start + close + 3);
        comments.push(start..end);
        from = end;
    }
    captured(text, re, role)
        .into_iter()
        .filter(|value| !comments.iter().any(|c| c.contains(&value.start)))
        .collect()
}

/// An option file's `host=` names a container (`mariadb`, `db`): no dots, not
/// `localhost` (a server's own database).
fn on_container_host(text: &str) -> bool {
    static RE: LazyLock<Regex> =
        LazyLock::new(|| regex(r"(?m)^[ \t]*host[ \t]*=[ \t]*([A-Za-z][A-Za-z0-9_-]*)[ \t]*$"));
    RE.captures(text)
        .and_then(|c| c.get(1))
        .is_some_and(|host| !host.as_str().eq_ignore_ascii_case("localhost"))
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
                && super::detectors::has_random_body(body.as_str())
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
    if is_state_file(lower_name) {
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
    if lower_name.ends_with(".pub") {
        return None;
    }
    let role = path_role(lower_path);
    let ext = lower_name.rsplit_once('.').map_or("", |(_, e)| e);
    let parent = lower_path
        .rsplit('/')
        .nth(1)
        .unwrap_or("")
        .trim_start_matches('.');

    // Private keys: a real body is a key whatever the file is called
    // (`putty-example.ppk`); a `...` stand-in is not.
    if is_ssh_key_name(lower_name) || matches!(ext, "pem" | "key" | "p8" | "ppk" | "asc") {
        if let Some(keys) = found("a private key", private_key_blocks(text)) {
            return Some(keys);
        }
        // Rails: `config/master.key` and `config/credentials/<env>.key` decrypt the
        // encrypted credentials file next to them (32 hex chars). The test
        // environment's (`test.key`) is committed so the suite can run: it opens
        // the test run's credentials only.
        let rails_key = lower_name == "master.key"
            || (parent == "credentials"
                && ext == "key"
                && lower_name != "test.key"
                && lower_path.contains("config/"));
        let body = text.trim();
        if rails_key && body.len() == 32 && body.bytes().all(|b| b.is_ascii_hexdigit()) {
            let start = text.len() - text.trim_start().len();
            return found(
                "a Rails master key (it decrypts the app's credentials)",
                std::iter::once(start..start + body.len()).collect(),
            );
        }
        return None;
    }
    if is_documentation(lower_name) {
        return None;
    }
    // .env files.
    if is_dotenv_name(lower_name) {
        // A test suite's, CI's or an example's environment (`.env.test`,
        // `tests/.env`, `.env.demo`) is committed by design; a provider key in it
        // is still SEC001.
        if role != PathRole::Code {
            return None;
        }
        // A local stack's environment (`RAILS_ENV=development`) holds the
        // passwords its own containers are started with: only generated ones count.
        // A template (`url=your url`, `TOKEN=<token>`) holds descriptions of what
        // to fill in (`secret=keytoaccessupload`): only generated ones count.
        let template = is_template(text);
        let local_stack =
            declares_development_environment(text) || configures_a_compose_stack(lower_path, text);
        let development = template || local_stack;
        let plain_values = plain_values(text);
        let mut secrets: Vec<Range<usize>> = secret_assignments(text)
            .into_iter()
            .filter(|r| {
                let value = &text[r.clone()];
                // `SafeLine/.env` with `POSTGRES_PASSWORD=safeline`: a stack's
                // default named after its folder, as inline values are judged.
                // `DB_HOST=localhost` then `DB_PASSWORD=Gursehaj05jan@`: a person's
                // password for the database on their own machine.
                let local = super::samples::for_a_local_database(
                    text,
                    crate::source::Span::from_range(r.clone()),
                    value,
                );
                // In a local stack's file a value no person picked counts, as
                // SEC001 judges the same lines (a 40-hex password).
                super::is_high_entropy(value)
                    || (local_stack && !template && !super::is_chosen_by_a_person(value))
                    || !(development
                        || local
                        || repeats_a_plain_value(&plain_values, value)
                        || super::samples::is_named_after_path(lower_path, value))
            })
            .collect();
        // Known formats (an `sk_live_` key under any name); the generic `name = value`
        // detectors are what `secret_assignments` already decides, more strictly.
        // A browser map key (`NEXT_PUBLIC_GOOGLE_MAP_KEY=AIza…`) is public by design.
        let browser_keys: Vec<Range<usize>> = assignments(text)
            .into_iter()
            .filter(|(key, _)| super::names::names_a_public_browser_key(key))
            .map(|(_, value)| value)
            .collect();
        secrets.extend(
            super::scan(text)
                .into_iter()
                .filter(|m| !m.detector.generic)
                .map(|m| m.span.range())
                .filter(|r| !browser_keys.iter().any(|b| b.contains(&r.start))),
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
    if let Some(detection) = tool_store(lower_path, lower_name, parent, ext, text, role) {
        return Some(detection);
    }
    if lower_path.ends_with(".aws/credentials")
        || (matches!(
            lower_name,
            "credentials" | ".credentials" | "credentials.ini"
        ) && text.contains("aws_secret_access_key"))
    {
        return aws_credentials(text, "an AWS credentials file with a secret key", role);
    }
    if lower_path.ends_with(".gem/credentials") {
        static RE: LazyLock<Regex> =
            LazyLock::new(|| regex(r"(?m)^:?rubygems_api_key:[ \t]*(\S+)"));
        return found(
            "a RubyGems credentials file with an API key",
            captured(text, &RE, role),
        );
    }
    if lower_path.ends_with(".cargo/credentials.toml") || lower_path.ends_with(".cargo/credentials")
    {
        static RE: LazyLock<Regex> =
            LazyLock::new(|| regex(r#"(?m)^[ \t]*token[ \t]*=[ \t]*"([^"\n]+)""#));
        return found(
            "a Cargo credentials file with a registry token",
            captured(text, &RE, role),
        );
    }
    if lower_path.ends_with(".docker/config.json")
        || (lower_path.ends_with("containers/auth.json") && text.contains("\"auths\""))
        || lower_path.ends_with("helm/registry/config.json")
    {
        return docker_auths(text, role);
    }
    if ext == "json" && text.contains("service_account") {
        return service_account(text);
    }
    // NOTE: a schema migration seeds defaults (a documented admin's hash); a dump
    // copies every account. Migrations are code, not credential stores.
    // Seed data by name (Hibernate's and Quarkus' `import.sql`, Spring Boot's
    // `data.sql`) and a test's SQL fixtures hold demo accounts too.
    // `db_data.sql`, `initial_data.sql`, `seed-data.sql` and the install's data
    // scripts (`db/dml/`) are seed data by name too.
    let stem = lower_name.strip_suffix(".sql").unwrap_or(lower_name);
    let seed_data = matches!(lower_name, "import.sql" | "data.sql")
        || stem.ends_with("_data")
        || stem.ends_with("-data")
        // coturn's `testsqldbsetup.sql`: a test database's setup by name.
        || stem.starts_with("test")
        // faveo's `DB/demodatabase.sql`: a demo install's users by name.
        || stem.starts_with("demo")
        || lower_path.split('/').any(|segment| segment == "dml")
        // A demo's or an example's SQL (`multi-tenant-demo-backups/…-setup.sql`) is
        // sample data as a test's is.
        || role == PathRole::Test
        || role == PathRole::Docs;
    if ext == "sql" && !is_migration_path(lower_path) && !seed_data {
        return sql_dump(text);
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

/// Credential files of tools and clients, by their documented file names.
fn tool_store(
    lower_path: &str,
    lower_name: &str,
    parent: &str,
    ext: &str,
    text: &str,
    role: PathRole,
) -> Option<Detection> {
    // Connection profiles of editor FTP/SFTP plugins (Sublime SFTP, VS Code SFTP, Atom
    // remote-ftp, remote-sync and deployment, grunt-ftp-deploy) and of database GUIs
    // (Robo 3T, DBeaver): JSON with a saved password.
    let connection_profile = matches!(
        lower_name,
        "sftp-config.json"
            | "sftp-config-alt.json"
            | ".ftpconfig"
            | ".remote-sync.json"
            | "deployment-config.json"
            | ".ftppass"
            | "ftpsync.settings"
            | "robomongo.json"
            | "robo3t.json"
            | "3t.json"
    ) || (lower_name == "sftp.json" && parent == "vscode")
        || (lower_name.starts_with("data-sources")
            && ext == "json"
            && text.contains("\"configuration\""));
    if connection_profile {
        static RE: LazyLock<Regex> = LazyLock::new(|| {
            regex(
                r#"(?i)"(?:pass|password|passwd|passphrase|userpassword|sshpassphrase|sshuserpassword|sshpassword)"\s*:\s*"([^"]+)""#,
            )
        });
        return found(
            "a connection profile with a saved password",
            captured(text, &RE, role),
        );
    }
    match lower_name {
        ".netrc" | "_netrc" => {
            static RE: LazyLock<Regex> = LazyLock::new(|| regex(r"(?m)\bpassword[ \t]+(\S+)"));
            return found("a netrc file with passwords", captured(text, &RE, role));
        }
        ".pgpass" | "pgpass.conf" => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r"(?m)^[^#:\n]*:[^:\n]*:[^:\n]*:[^:\n]*:([^\n]+)$"));
            return found("a PostgreSQL password file", captured(text, &RE, role));
        }
        ".my.cnf" | "my.cnf" | ".cqlshrc" => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r"(?m)^[ \t]*password[ \t]*=[ \t]*(\S+)"));
            let mut passwords = captured(text, &RE, role);
            // A person's password for a database in a container (`host=mariadb`) is
            // the dev stack's default, as in a database URL.
            if on_container_host(text) {
                passwords.retain(|r| {
                    !text
                        .get(r.clone())
                        .is_some_and(super::is_chosen_by_a_person)
                });
            }
            // `password=mypassword`, ProxySQL's documented `admin`: a template's
            // or a default's stand-in, as in any other setting.
            passwords.retain(|r| {
                !text
                    .get(r.clone())
                    .is_some_and(super::values::is_placeholder)
            });
            return found("a database client option file with a password", passwords);
        }
        "odbc.ini" | ".odbc.ini" => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r"(?mi)^[ \t]*(?:password|pwd)[ \t]*=[ \t]*(\S+)"));
            return found(
                "an ODBC data source with a password",
                captured(text, &RE, role),
            );
        }
        ".git-credentials" => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r"(?m)^[a-z][a-z0-9+.-]*://[^:/\s]+:(\S+)@[^@\s]+$"));
            return found(
                "a git credential store with a token",
                captured(text, &RE, role),
            );
        }
        ".htpasswd" | "htpasswd" | ".htdigest" | "htdigest" | "ftpd.passwd" | "proftpdpasswd"
        | "pureftpd.passwd" | "shadow" | "gshadow" | "shadow-" | "passwd.db" => {
            // A test suite's password file holds hashes of its test passwords.
            if role != PathRole::Code {
                return None;
            }
            // `# default is admin:openmu, hashed with bcrypt.` above `# Change these
            // passwords in production!`: the product's documented default login.
            let documented_default = text
                .lines()
                .filter(|l| l.trim_start().starts_with('#'))
                .map(str::to_ascii_lowercase)
                .fold((false, false), |(default, change), l| {
                    (
                        default || l.contains("default"),
                        change || l.contains("change"),
                    )
                });
            if documented_default == (true, true) {
                return None;
            }
            return password_hashes(text);
        }
        ".dockercfg" => return docker_auths(text, role),
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
                .filter(|m| counts_at(role, m.as_str()))
                .map(|m| m.range())
                .collect();
            return found("an npm config with a registry token", secrets);
        }
        ".yarnrc.yml" => {
            static RE: LazyLock<Regex> = LazyLock::new(|| {
                regex(r#"(?m)^[ \t]*npmAuth(?:Token|Ident)[ \t]*:[ \t]*["']?([^"'\s]+)"#)
            });
            return found(
                "a Yarn config with a registry token",
                captured(text, &RE, role),
            );
        }
        ".pypirc" => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r"(?m)^[ \t]*password[ \t]*[=:][ \t]*(\S+)"));
            return found("a PyPI config with a password", captured(text, &RE, role));
        }
        "pip.conf" | "pip.ini" | ".pydistutils.cfg" => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r"(?m)https?://[^:/@\s]+:([^@\s]+)@"));
            return found(
                "a pip config with an index password",
                captured(text, &RE, role),
            );
        }
        "nuget.config" => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r#"(?i)<add\s+key="ClearTextPassword"\s+value="([^"]+)""#));
            return found(
                "a NuGet config with a feed password",
                captured(text, &RE, role),
            );
        }
        "settings.xml" if parent == "m2" || text.contains("<servers>") => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r"<(?:password|passphrase)>([^<]+)</"));
            // The repository manager's documented default login
            // (`admin`/`admin123`) opens nothing of the owner's.
            let passwords = captured(text, &RE, role)
                .into_iter()
                .filter(|r| !super::values::is_placeholder(&text[r.clone()]))
                .collect();
            return found("a Maven settings file with a server password", passwords);
        }
        "gradle.properties" if parent == "gradle" => {
            static RE: LazyLock<Regex> = LazyLock::new(|| {
                regex(
                    r"(?mi)^[ \t]*[A-Za-z0-9_.]*(?:password|token|secret|apikey)[ \t]*[=:][ \t]*(\S+)",
                )
            });
            return found(
                "a Gradle user config with credentials",
                captured(text, &RE, role),
            );
        }
        "auth.json" if text.contains("\"http-basic\"") || text.contains("-oauth\"") => {
            static RE: LazyLock<Regex> = LazyLock::new(|| {
                regex(
                    r#""(?:password|github\.com|gitlab\.com|bitbucket-oauth|token)"\s*:\s*"([^"]+)""#,
                )
            });
            return found(
                "a Composer auth file with credentials",
                captured(text, &RE, role),
            );
        }
        ".s3cfg" => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r"(?m)^[ \t]*secret_key[ \t]*=[ \t]*(\S+)"));
            return found(
                "an s3cmd config with a secret key",
                captured(text, &RE, role),
            );
        }
        ".boto" => return aws_credentials(text, "a boto config with a secret key", role),
        ".tugboat" | ".databrickscfg" | "rclone.conf" | ".circleci-cli.yml" => {
            // DigitalOcean tugboat, Databricks CLI, rclone, CircleCI CLI.
            static RE: LazyLock<Regex> = LazyLock::new(|| {
                regex(
                    r#"(?m)^[ \t]*(?:api_key|token|access_token|pass|password|secret_access_key|client_secret)[ \t]*[:=][ \t]*["']?([^"'\s#]+)"#,
                )
            });
            // rclone keeps an OAuth token as JSON (`token = {"access_token":…}`):
            // what counts is inside it.
            static JSON_TOKEN: LazyLock<Regex> =
                LazyLock::new(|| regex(r#""(?:access_token|refresh_token)"\s*:\s*"([^"]+)""#));
            let mut tokens = captured(text, &RE, role);
            tokens.retain(|r| text.get(r.clone()) != Some("{"));
            tokens.extend(captured(text, &JSON_TOKEN, role));
            return found("a CLI config with an API token", tokens);
        }
        "hub" | "hosts.yml" | "hosts.yaml" if text.contains("oauth_token") => {
            // hub's `~/.config/hub` and gh's `~/.config/gh/hosts.yml`.
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r#"(?m)^[ \t-]*oauth_token[ \t]*:[ \t]*["']?([^"'\s]+)"#));
            return found(
                "a GitHub CLI config with an OAuth token",
                captured(text, &RE, role),
            );
        }
        "config.yaml" | "config.yml" if parent == "doctl" => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r#"(?m)^[ \t]*access-token[ \t]*:[ \t]*["']?([^"'\s]+)"#));
            return found(
                "a doctl config with an API token",
                captured(text, &RE, role),
            );
        }
        "cli.yml" if parent == "circleci" => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r#"(?m)^[ \t]*token[ \t]*:[ \t]*["']?([^"'\s]+)"#));
            return found(
                "a CircleCI CLI config with an API token",
                captured(text, &RE, role),
            );
        }
        "config.toml" if parent == "gitlab-runner" || text.contains("[[runners]]") => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r#"(?m)^[ \t]*token[ \t]*=[ \t]*"([^"\n]+)""#));
            return found(
                "a GitLab Runner config with its runner token",
                captured(text, &RE, role),
            );
        }
        ".terraformrc" | "terraform.rc" => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r#"(?m)^[ \t]*token[ \t]*=[ \t]*"([^"\n]+)""#));
            return found(
                "a Terraform CLI config with an API token",
                captured(text, &RE, role),
            );
        }
        "credentials.tfrc.json" => {
            static RE: LazyLock<Regex> = LazyLock::new(|| regex(r#""token"\s*:\s*"([^"]+)""#));
            return found(
                "a Terraform CLI credentials file with a token",
                captured(text, &RE, role),
            );
        }
        "accesstokens.json" if parent == "azure" => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r#""(?:accessToken|refreshToken)"\s*:\s*"([^"]+)""#));
            return found("an Azure CLI token cache", captured(text, &RE, role));
        }
        "application_default_credentials.json" | "adc.json" => {
            static RE: LazyLock<Regex> = LazyLock::new(|| {
                regex(r#""(?:refresh_token|client_secret|private_key)"\s*:\s*"([^"]+)""#)
            });
            return found(
                "Google application default credentials",
                captured(text, &RE, role),
            );
        }
        ".vault-token" => {
            let token = text.trim();
            let start = text.len() - text.trim_start().len();
            return (counts_at(role, token) && token.len() >= 8).then(|| Detection {
                what: "a Vault token".to_string(),
                secrets: std::iter::once(start..start + token.len()).collect(),
            });
        }
        "sitemanager.xml" | "recentservers.xml" | "filezilla.xml" => {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| regex(r"<Pass(?:\s[^>]*)?>([^<]+)</Pass>"));
            return found(
                "a FileZilla store with saved passwords",
                captured_in_xml(text, &RE, role),
            );
        }
        "winscp.ini" => {
            static RE: LazyLock<Regex> = LazyLock::new(|| regex(r"(?m)^Password=(\S+)"));
            return found(
                "a WinSCP store with saved passwords",
                captured(text, &RE, role),
            );
        }
        "webservers.xml" | "datasources.local.xml" | "tomcat-users.xml" => {
            // JetBrains deployment servers and data sources, Tomcat's user database.
            static RE: LazyLock<Regex> = LazyLock::new(|| regex(r#"\bpassword="([^"]+)""#));
            return found(
                "a server or data-source store with saved passwords",
                captured_in_xml(text, &RE, role),
            );
        }
        ".esmtprc" | ".msmtprc" | "msmtprc" | ".fetchmailrc" | ".muttrc" | "muttrc" => {
            // Mail clients: `password "x"`, `password x`, `set imap_pass = x`.
            static RE: LazyLock<Regex> = LazyLock::new(|| {
                regex(
                    r#"(?m)(?:^|\s)(?:password|passwd|set[ \t]+(?:imap|smtp|pop)_pass[ \t]*=)[ \t]+["']?([^"'\s]+)"#,
                )
            });
            return found(
                "a mail client config with a password",
                captured(text, &RE, role),
            );
        }
        "logins.json" if text.contains("\"encryptedPassword\"") => {
            return Detection::named("a Firefox password store");
        }
        _ => {}
    }
    if lower_name.ends_with(".xml") && lower_name.contains("data-sources") {
        // DBeaver's legacy `.dbeaver-data-sources.xml`: `save-password` connections.
        static RE: LazyLock<Regex> =
            LazyLock::new(|| regex(r#"<connection\b[^>]*\bpassword="([^"]+)""#));
        return found(
            "a DBeaver data-source file with saved passwords",
            captured_in_xml(text, &RE, role),
        );
    }
    let _ = lower_path;
    None
}

/// `user:hash:...` lines (htpasswd, shadow, FTP server password files): a crypt(3)
/// or Apache hash, not a locked (`*`, `!`) or empty password.
fn password_hashes(text: &str) -> Option<Detection> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r"(?m)^[^:#\s]+:(\$[0-9a-z]+\$[^:\s]{8,}|\{[A-Z0-9-]+\}[^:\s]{8,}|[A-Za-z0-9./]{13}(?::|$)|[0-9a-f]{32}(?::|$))",
        )
    });
    found(
        "a password file with password hashes",
        RE.captures_iter(text)
            .filter_map(|c| c.get(1))
            .map(|m| {
                let r = m.range();
                let trimmed = m.as_str().trim_end_matches(':');
                r.start..r.start + trimmed.len()
            })
            .collect(),
    )
}

/// A file under a `migrations`/`migrate` folder (Prisma, Rails, golang-migrate,
/// Flyway) or of seed data (`seed/`, `seeds/`, `seeders/`): the schema and the
/// documented demo accounts, not a copy of real ones.
fn is_migration_path(lower_path: &str) -> bool {
    // By word: `old-schema-files/`, `db_migrations/`.
    let folders = lower_path.rsplit_once('/').map_or("", |(dirs, _)| dirs);
    folders.split(['/', '-', '_', '.']).any(|s| {
        matches!(
            s,
            "migrations"
                | "migration"
                | "migrate"
                | "seed"
                | "seeds"
                | "seeders"
                | "seeding"
                | "schema"
        )
    })
}

/// A SQL dump that inserts rows into a table with a password (or token) column:
/// the hashes or plain passwords of every account.
fn sql_dump(text: &str) -> Option<Detection> {
    static INSERT: LazyLock<Regex> = LazyLock::new(|| {
        regex(r"(?is)INSERT\s+INTO\s+[`\x22\[]?\w+[`\x22\]]?\s*\(([^)]*)\)\s*VALUES")
    });
    static HASH: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r"'(\$[0-9a-z]{1,8}\$[A-Za-z0-9./$]{20,}|pbkdf2_[a-z0-9]+\$[^']{20,}|[0-9a-f]{32,128})'",
        )
    });
    let mut secrets = Vec::new();
    for insert in INSERT.captures_iter(text) {
        let Some(columns) = insert.get(1) else {
            continue;
        };
        let credential_column = columns
            .as_str()
            .split(',')
            .map(|c| {
                c.trim()
                    .trim_matches(|ch| matches!(ch, '`' | '"' | '[' | ']'))
            })
            .any(|c| {
                let c = c.to_ascii_lowercase();
                c.contains("password")
                    || c.contains("passwd")
                    || c == "pass"
                    || c.ends_with("_hash")
            });
        if !credential_column {
            continue;
        }
        let rest = text
            .get(insert.get(0).map_or(0, |m| m.end())..)
            .unwrap_or("");
        // A statement ends at `;` or at SQL Server's `GO` batch separator.
        static GO: LazyLock<Regex> = LazyLock::new(|| regex(r"(?mi)^[ \t]*go[ \t]*\r?$"));
        let semicolon = rest.find(";\n").unwrap_or(rest.len());
        let stmt_end = GO
            .find(rest.get(..semicolon).unwrap_or(""))
            .map_or(semicolon, |m| m.start());
        let base = text.len() - rest.len();
        secrets.extend(
            HASH.captures_iter(rest.get(..stmt_end).unwrap_or(""))
                .filter_map(|c| c.get(1))
                .map(|m| base + m.start()..base + m.end()),
        );
    }
    // An install script creates its schema and seeds a default admin or two
    // (`admin` with the hash of `123456`); a dump of a live database holds its
    // users. NOTE: a dump of a database with three accounts or fewer is missed.
    let creates_schema = text.to_ascii_lowercase().contains("create table");
    if creates_schema && secrets.len() <= 3 {
        return None;
    }
    // Three in four accounts or more with the same hash: seed data's demo users
    // sharing one demo password; a database's users each pick their own (and
    // salts differ).
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for hash in secrets.iter().filter_map(|r| text.get(r.clone())) {
        *counts.entry(hash).or_default() += 1;
    }
    let most_shared = counts.values().copied().max().unwrap_or(0);
    if most_shared >= 2 && most_shared * 4 >= secrets.len() * 3 {
        return None;
    }
    found("a SQL dump with account passwords", secrets)
}

fn aws_credentials(text: &str, what: &str, role: PathRole) -> Option<Detection> {
    static RE: LazyLock<Regex> =
        LazyLock::new(|| regex(r"(?mi)^[ \t]*(?:aws|gs)_secret_access_key[ \t]*[=:][ \t]*(\S+)"));
    static KEY_ID: LazyLock<Regex> =
        LazyLock::new(|| regex(r"(?mi)^[ \t]*(?:aws|gs)_access_key_id[ \t]*[=:][ \t]*(\S+)"));
    // A secret that repeats its key ID is an emulator's dummy login (LocalStack's
    // `localstack`/`localstack`, `test`/`test`; MinIO's `minio`/`minio123`, the ID
    // and a few digits): AWS never issues such a pair.
    let key_ids: Vec<&str> = KEY_ID
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str())
        .collect();
    let secrets = captured(text, &RE, role)
        .into_iter()
        .filter(|r| !text[r.clone()].ends_with("EXAMPLEKEY"))
        .filter(|r| {
            let secret = &text[r.clone()];
            let stem = secret.trim_end_matches(|c: char| c.is_ascii_digit());
            let id_and_digits = secret.len() - stem.len() <= 4 && key_ids.contains(&stem);
            !(key_ids.contains(&secret) || id_and_digits)
        })
        .collect();
    found(what, secrets)
}

fn docker_auths(text: &str, role: PathRole) -> Option<Detection> {
    static RE: LazyLock<Regex> =
        LazyLock::new(|| regex(r#""(?:auth|identitytoken|password)"\s*:\s*"([^"]+)""#));
    found(
        "a Docker config with registry credentials",
        captured(text, &RE, role),
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
    // `"private_key": "-----BEGIN PRIVATE KEY-----\nasldjkasdjksa9832…"`: a test's
    // stand-in key typed by hand holds no key.
    let keys = captured(text, &KEY, PathRole::Code)
        .into_iter()
        .filter(|range| {
            let pem = text.get(range.clone()).unwrap_or("").replace("\\n", "\n");
            super::detectors::has_random_body(&pem)
        })
        .collect();
    found("a Google Cloud service-account key", keys)
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
    found(
        "a kubeconfig with credentials",
        RE.captures_iter(text)
            .filter_map(|c| c.get(1))
            .filter(|m| is_stored_secret(m.as_str()) && !super::is_placeholder(m.as_str()))
            .filter(|m| !is_stand_in_key_data(text, m.start(), m.as_str()))
            .filter(|m| !is_username_again(text, m.start(), m.as_str()))
            .map(|m| m.range())
            .collect(),
    )
}

/// `username: nick` then `password: nick`: a local cluster's demo login, the
/// user's name given again, not a password anyone chose to keep secret.
fn is_username_again(text: &str, at: usize, value: &str) -> bool {
    let mut before = text.get(..at).unwrap_or("").lines().rev();
    let own = before.next().unwrap_or("");
    own.trim_start().starts_with("password")
        && before
            .find(|l| !l.trim().is_empty())
            .and_then(|l| l.trim().strip_prefix("username"))
            .and_then(|rest| rest.trim_start().strip_prefix(':'))
            .is_some_and(|user| user.trim() == value)
}

/// `client-key-data` is a base64 PEM key; test kubeconfigs give stand-ins such as
/// `Y2xpZW50LWtleS1kYXRhCg==` (`client-key-data` itself), which hold no key. Under
/// any field, base64 of a PEM header's start and no key (`LS0tLS1CRUdJTiBDRVJ=`,
/// `-----BEGIN CER`) is a fixture's filler.
fn is_stand_in_key_data(text: &str, at: usize, value: &str) -> bool {
    let line = text
        .get(..at)
        .unwrap_or("")
        .rsplit('\n')
        .next()
        .unwrap_or("");
    let decoded = super::detectors::decode_base64(value, false, 64 * 1024)
        .map(|pem| String::from_utf8_lossy(&pem).into_owned());
    let holds_key = decoded
        .as_deref()
        .is_some_and(|pem| pem.contains("PRIVATE KEY-----"));
    let pem_filler = decoded
        .as_deref()
        .is_some_and(|pem| pem.starts_with("-----BEGIN") && !holds_key && pem.len() < 64);
    (line.contains("client-key-data") && !holds_key) || pem_filler
}

/// What the file at `path` is, if it holds credentials by its nature.
pub(crate) fn detect(path: &str, text: &str) -> Option<Detection> {
    let lower_path = path.to_ascii_lowercase();
    let lower_name = lower_path
        .rsplit('/')
        .next()
        .unwrap_or(&lower_path)
        .to_string();
    // A test's state file (`tests/…/terraform.tfstate`) counts when it holds a
    // secret-named attribute: most are a fixture's bucket and table names.
    if is_state_file(&lower_name)
        && path_role(path) == PathRole::Test
        && !text.is_empty()
        && !holds_secret_attribute(text)
    {
        return None;
    }
    by_name(&lower_name).or_else(|| by_content(&lower_path, &lower_name, text))
}

fn is_state_file(lower_name: &str) -> bool {
    lower_name.ends_with(".tfstate") || lower_name.ends_with(".tfstate.backup")
}

/// Whether a Terraform state names a secret attribute with a value (`"password":
/// "…"`, `"private_key_pem"`, `"access_key"`, `"token"`).
fn holds_secret_attribute(text: &str) -> bool {
    static RE: LazyLock<Regex> = LazyLock::new(|| regex(r#""([A-Za-z0-9_]+)"\s*:\s*"[^"]"#));
    RE.captures_iter(text)
        .filter_map(|c| c.get(1))
        .any(|name| super::is_secret_name(name.as_str()))
}
