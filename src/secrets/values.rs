//! Secret values: placeholders, references, known non-secrets.

mod documented;
mod encoded;
mod encrypted;
mod keyboard;
mod phrases;
mod references;
mod runs;
use documented::{DEV_CHAIN_KEYS, DOCUMENTED_SAMPLES, KMS_CLIENT_KEYS, SLACK_SAMPLE_BODY};
use encoded::encodes_no_secret;
use encrypted::{
    is_aspnet_identity_hash, is_cisco_secret_hash, is_kms_ciphertext, is_openpgp_message,
    is_rspamd_password_hash, is_sealed_secret_ciphertext,
};
use keyboard::has_walk_typed_twice;
pub(super) use keyboard::is_keyboard_mash;
use phrases::{
    is_camel_case_instruction, is_leet_phrase, is_made_of_words, is_run_on_phrase, is_scoped_phrase,
};
pub(crate) use phrases::{reads_as_leetspeak, unleet};
pub(super) use references::is_reference_literal;
pub(super) use runs::has_counting_run;
use runs::{is_repeated_or_run, is_repeated_unit};

/// Words a placeholder or well-known dev default is made of (`changeme`,
/// `mysecretpassword`, `P@ssw0rd123`, `test`, `postgres`, …).
pub(super) const PLACEHOLDER_WORDS: &[&str] = &[
    "password",
    "passwd",
    // German (`VerySecretPasswort`), Portuguese (`Senharoot@123`), Spanish,
    // French, Dutch, Italian and Turkish.
    "passwort",
    "senha",
    "contrasena",
    "motdepasse",
    "wachtwoord",
    "parola",
    "passw",
    "pass",
    "pwd",
    "pw",
    "secret",
    "secrets",
    "test",
    "testing",
    "tester",
    // `polar_cl_e2e_seed_checkout_link_subscription`: a seed script's label.
    "seed",
    "e2e",
    "example",
    "sample",
    "demo",
    "changeme",
    "change",
    "changeit",
    "me",
    "my",
    "your",
    "the",
    // `thisISaSECRET_1234`: a sentence about the value.
    "this",
    "is",
    "a",
    // `supersecret`, `S00perS3cretPa55word`, `topsecret`, `verysecret`.
    "super",
    "sooper",
    "souper",
    "top",
    "very",
    "postgres",
    "postgresql",
    // `sqladmin123!@#`: SQL Server's.
    "sql",
    "mssql",
    "pg",
    "mysql",
    "mariadb",
    "mongo",
    "mongodb",
    "redis",
    "rabbit",
    "rabbitmq",
    // MinIO's documented default credentials (`minioadmin`).
    "minio",
    "guest",
    "root",
    "admin",
    "administrator",
    "user",
    "username",
    "login",
    "default",
    "dev",
    "development",
    "local",
    "localhost",
    "staging",
    "qwerty",
    "letmein",
    "welcome",
    "hello",
    "world",
    "foo",
    "bar",
    "baz",
    "qux",
    "foobar",
    "dummy",
    "fake",
    "mock",
    "none",
    "null",
    "nil",
    "undefined",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "empty",
    "blank",
    "token",
    "key",
    // `W3bh00kS3cret!2025`: the setting's name in leetspeak.
    "webhook",
    // `cHangeRC0nPasswOrD`: a game server's remote console.
    "rcon",
    // `CONTENT-KEYS`: the name of a Key Vault secret a Makefile fetches.
    "keys",
    "tokens",
    "api",
    "apikey",
    "access",
    "auth",
    "private",
    "db",
    "database",
    "app",
    "service",
    "client",
    "server",
    "abc",
    "xyz",
    "insecure",
    "not",
    // `nonemptypassword`.
    "non",
    "real",
    "valid",
    "invalid",
    "super",
    // `base64encodedaccountkey`: what to put there, spelled out.
    "base",
    "encoded",
    "account",
    // `Str0ngP@ssword`, `C0mpl3xP@ssw0rd!`, `G00dp455word!`: what a password
    // should be, not one.
    "strong",
    "good",
    // `VERY%@bad123password`, `BadAdminPassword!`: a value that says it is weak.
    "bad",
    "weak",
    "secured",
    // `myAwEsOm3pa55@w0rd`.
    "awesome",
    // `PutSomeRandomSecureValueHere`, `insert-generated-key`: an instruction.
    "put",
    "insert",
    "enter",
    "random",
    "generate",
    "generated",
    "complex",
    "secure",
    "very",
    "some",
    "value",
    "string",
    "hunter",
    "master",
    "temp",
    "tmp",
    "todo",
    "fixme",
    "redacted",
    "masked",
    "hidden",
    "sensitive",
    "deadbeef",
    "na",
    "sesame",
    "for",
    "only",
    "ci",
    "use",
    "prod",
    "production",
    "unsafe",
    "never",
    "this",
    "unit",
    "integration",
    "spec",
    "fixture",
    "open",
    "vagrant",
    "docker",
    "jenkins",
    "oracle",
    "sa",
    "here",
    "if",
    "you",
    "can",
    // `!ThisMustBeChanged!`, `N3wP@ssword123` (a change-password request's sample).
    "must",
    "be",
    "changed",
    "new",
    "old",
];

/// Substrings that mark a placeholder wherever they appear (case-insensitive).
pub(super) const PLACEHOLDER_MARKERS: &[&str] = &[
    "example",
    // `FillInCorrectPassword`, `fill-in-the-correct-server`.
    "fillin",
    "fill-in",
    "fill_in",
    "changeme",
    "change_me",
    "change-me",
    // `MustBe32DropDbAndChangeItIfUWant`, `ChangeThisSecret`.
    "changeit",
    "changethis",
    "placeholder",
    // PHPMailer's example `RANDOMCHARS-----DWxg…`.
    "randomchars",
    "random-chars",
    "random_chars",
    "redacted",
    "dummy",
    "your",
    "replace_me",
    "replaceme",
    "replace-me",
    // `REPLACE-WITH-AWS-SECRET-KEY`, `ReplaceWith32ByteHexSecretKeyHere00`.
    "replace-with",
    "replace_with",
    "replacewith",
    "sample",
    "fake",
    "_here",
    "-here",
    "***",
    "not-a-secret",
    "not_a_secret",
    "notasecret",
    "not-secret",
    // `…ThisIsNotARealKeyOMG.`: a docs sample that says so.
    "notareal",
    "not-a-real",
    "not_a_real",
    // `unused-authenticationMethod-is-external`: a stand-in for a login never used.
    "unused",
    // `thunderhub-$2b$12$…thisisgarbage`: a value that says it opens nothing.
    "thisisgarbage",
    "•••",
    "...",
    "…",
];

/// Template and interpolation syntax: the value is filled in elsewhere.
// `%{name}`: Ruby's and i18n libraries' named interpolation.
const INTERPOLATION_MARKERS: &[&str] = &["${", "{{", "}}", "#{", "$(", "%(", "%{"];

/// Environment and secret-store lookups written as values.
const ENV_REFERENCE_MARKERS: &[&str] = &[
    "process.env",
    "import.meta.env",
    "os.environ",
    "os.getenv",
    "getenv(",
    "env[",
    "env.fetch",
    "system.getenv",
    "environment.getenvironmentvariable",
    "env(",
    // pyATS testbeds' `%ENV{PYATS_PASS}`.
    "%env{",
    "secrets.",
];

/// Whether `value` is a placeholder rather than a secret: empty, `changeme`,
/// `<...>`, `${...}`, `$VAR`, `{{ }}`, `%(x)s`, `xxx`/`XXXX`, `***`,
/// `your-...-here`, dev defaults and their combinations (`example`, `test`,
/// `password`, `postgres`, `dummy`, `fake`, `secret`, `redacted`, `none`,
/// `null`, `true`, `false`, `P@ssw0rd123`), env references (`process.env.X`,
/// `os.environ[...]`, `ENV[...]`), AWS's documented EXAMPLE keys, and values
/// that are one repeated char or a run like `12345678`.
pub(crate) fn is_placeholder(value: &str) -> bool {
    let v = strip_value_quotes(value.trim()).trim();
    if v.is_empty() {
        return true;
    }
    // Yesod's `_env:YESOD_PGPASS:rentier`: an environment lookup; its default is
    // judged as a value of its own (under 8 characters, a dev default).
    if let Some((name, default)) = v.strip_prefix("_env:").and_then(|r| r.split_once(':')) {
        if is_env_name(name) {
            return default.chars().count() < 8 || is_placeholder(default);
        }
    }
    let lower = v.to_lowercase();
    // `lookup..@TODO`, `FIXME-before-deploy`: a value still to be filled in (as a
    // word: a random token may hold `TOdO`).
    let to_do = ["todo", "fixme"].iter().any(|w| {
        lower.match_indices(w).any(|(at, _)| {
            let before = lower[..at].chars().next_back();
            let after = lower[at + w.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    });
    if to_do
        || INTERPOLATION_MARKERS.iter().any(|m| lower.contains(m))
        || ENV_REFERENCE_MARKERS.iter().any(|m| lower.contains(m))
        || PLACEHOLDER_MARKERS.iter().any(|m| lower.contains(m))
    {
        return true;
    }
    let first = v.chars().next().unwrap_or(' ');
    // $VAR, %VAR%, {name}, %s; `$$VAR` is make's and Compose's escaped `$VAR`.
    let unescaped = v.strip_prefix("$$").unwrap_or(v.get(1..).unwrap_or(""));
    if first == '$'
        && unescaped
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '{')
    {
        return true;
    }
    // `postmaster@$$cap_root_domain/$$cap_default_password`: CapRover's and
    // Compose's escaped `$name` references, anywhere in the value.
    // The name is an environment variable's (`$$DB_PASS`) or snake_case
    // (`$$cap_root_domain`): `p4$$w0rd` is a password.
    // `"AWS4$AWS_SECRET_ACCESS_KEY"`: a prefix glued to a shell variable, whose
    // name must be longer and hold a `_` (`pa$SWORD` is a password).
    let name_after = |at: usize| -> &str {
        v.get(at..)
            .unwrap_or("")
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("")
    };
    if v.match_indices("$$").any(|(at, _)| {
        let name = name_after(at + 2);
        (name.len() >= 3 && is_env_name(name)) || is_snake_case_name(name)
    }) || v.match_indices('$').any(|(at, _)| {
        let name = name_after(at + 1);
        name.len() >= 6 && name.contains('_') && is_env_name(name)
    }) {
        return true;
    }
    // `%CONFIG-SIRI`, `%ADMIN_PASS%`: an installer's token, swapped for a value at
    // install (osTicket's sample config).
    if v.strip_prefix('%').is_some_and(|rest| {
        let name = rest.strip_suffix('%').unwrap_or(rest);
        name.len() >= 4
            && name.bytes().any(|b| b.is_ascii_uppercase())
            && name
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
    }) {
        return true;
    }
    // `|||%%PREVJACKPASSWD%%|||`: a template marker the program swaps for a value.
    if v.split("%%").skip(1).step_by(2).any(|name| {
        name.len() >= 4
            && name
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    }) && v.matches("%%").count() >= 2
    {
        return true;
    }
    // `%kernel.project_dir%/config/jwt/private.pem`: a Symfony container
    // parameter, resolved when the app boots.
    // Its name is lowercase words joined by `.` or `_` (`p%ss.w0rd%` is a password).
    if v.split('%').skip(1).step_by(2).any(|name| {
        let words: Vec<&str> = name.split(['.', '_']).collect();
        words.len() >= 2
            && words.first().is_some_and(|w| w.len() >= 3)
            && words
                .iter()
                .all(|w| w.len() >= 2 && w.bytes().all(|b| b.is_ascii_lowercase()))
    }) && v.matches('%').count() >= 2
    {
        return true;
    }
    // `@prom_token@`: a substitution marker (Nix's `replaceVars`, autoconf's
    // `@VAR@`) swapped for a value at build time; so is Cloudron's start script's
    // `##MAIL_SMTP_PASSWORD##`, a container entrypoint's `@@FD_PASSWORD@@`, and
    // nix-bitcoin's camelCase `@btcRpcPassword@`.
    let camel_case = |name: &str| {
        name.starts_with(|c: char| c.is_ascii_lowercase())
            && name.bytes().any(|b| b.is_ascii_uppercase())
            && name.bytes().all(|b| b.is_ascii_alphanumeric())
    };
    if ["@@", "@", "##"].iter().any(|mark| {
        v.strip_prefix(mark)
            .and_then(|r| r.strip_suffix(mark))
            .is_some_and(|name| {
                name.len() >= 3
                    && (is_env_name(name) || is_snake_case_name(name) || camel_case(name))
            })
    }) {
        return true;
    }
    // `__AP_DFE_ProviderPassword__`: Azure DevOps' replace-tokens marker, which a
    // release pipeline fills in; its name is words joined by `_` in any case. A
    // path may follow one (`__TMP__/ca.key`).
    if v.strip_prefix("__")
        .and_then(|r| r.split_once("__"))
        .is_some_and(|(name, rest)| {
            name.len() >= 3
                && name.starts_with(|c: char| c.is_ascii_alphabetic())
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && (name.contains('_') || is_env_name(name))
                && (rest.is_empty() || rest.starts_with('/'))
        })
    {
        return true;
    }
    // `username=/password=/domain=`: a format note's next key, not a value.
    if v.strip_suffix('=')
        .map(|r| r.strip_prefix(['/', ',', ';', '&', '|']).unwrap_or(r))
        .is_some_and(|name| {
            name.starts_with(|c: char| c.is_ascii_lowercase())
                && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        })
    {
        return true;
    }
    // `").append(account.Password).append("`: the code between two string
    // pieces, a call chained on a call's result.
    if v.match_indices(").").any(|(at, _)| {
        let after = v.get(at + 2..).unwrap_or("");
        let method: &str = after
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("");
        method.len() >= 2
            && method.starts_with(|c: char| c.is_ascii_lowercase())
            && after[method.len()..].starts_with('(')
    }) {
        return true;
    }
    // `--color-docs`: a CSS custom property's name (a design token).
    if v.strip_prefix("--").is_some_and(|name| {
        name.starts_with(|c: char| c.is_ascii_lowercase())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    }) {
        return true;
    }
    if (first == '%' && v.ends_with('%') && v.len() > 2)
        || (first == '{' && v.ends_with('}'))
        || (first == '%' && v.len() <= 3)
    {
        return true;
    }
    // `((uaa_admin_password))`: a BOSH, Concourse or CredHub variable.
    let bosh_variable = v
        .strip_prefix("((")
        .and_then(|r| r.strip_suffix("))"))
        .is_some_and(|name| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/'))
        });
    if bosh_variable {
        return true;
    }
    // `{env}WEBDAV_PASSWORD`, `{file}/run/secrets/db`: a lookup naming its source.
    if let Some((source, rest)) = v.strip_prefix('{').and_then(|r| r.split_once('}')) {
        let named = !rest.is_empty()
            && (rest.starts_with('/')
                || rest
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'));
        if named
            && (2..=8).contains(&source.len())
            && source.bytes().all(|b| b.is_ascii_lowercase())
        {
            return true;
        }
    }
    if let Some(open) = v.find('<') {
        if v.get(open..).is_some_and(|rest| rest.contains('>')) {
            return true;
        }
    }
    if lower.chars().all(|c| c == 'x') || lower.contains("xxxx") || has_masked_run(v) {
        return true;
    }
    // `test-githubID`, `fake_token_1`: a value that starts by saying what it is.
    if ["test", "fake", "dummy", "mock", "example", "sample"]
        .iter()
        .any(|w| {
            lower
                .strip_prefix(w)
                .is_some_and(|rest| rest.starts_with(['-', '_']))
        })
    {
        return true;
    }
    // `myhuginnpassword`, `yourappsecret`, `MY-PASSPHRASE`: a possessive, a name,
    // what it is.
    let letters: String = lower
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .collect();
    if ["my", "your", "some"]
        .iter()
        .any(|p| letters.starts_with(p))
        && [
            "password",
            "passwd",
            "secret",
            "token",
            "pass",
            "passphrase",
        ]
        .iter()
        .any(|w| letters.ends_with(w))
        && letters.bytes().all(|b| b.is_ascii_lowercase())
    {
        return true;
    }
    // A format string (`Credential=%s/%s`): filled in at run time.
    if ["%s", "%v", "%d", "%q"].iter().any(|verb| v.contains(verb)) {
        return true;
    }
    // `ThisIsMyCustomSecretKey012345678`, Nacos' `SecretKey0123456789…`: words
    // then a count, typed to fill a length.
    let digits_at = v.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (words, count) = v.split_at(digits_at);
    let counting_up = count
        .as_bytes()
        .windows(2)
        .all(|w| w[1] == if w[0] == b'9' { b'0' } else { w[0] + 1 });
    // `alarm123456`: one short word does it too.
    if count.len() >= 6 && words.len() >= 4 && counting_up && super::reads_as_words(words) {
        return true;
    }
    DOCUMENTED_SAMPLES.contains(&lower.as_str())
        || KMS_CLIENT_KEYS.contains(&lower.as_str())
        || DEV_CHAIN_KEYS.contains(&lower.trim_start_matches("0x"))
        // Slack's guide's sample under another token type (`xoxp-` for `xoxb-`).
        || lower
            .strip_prefix("xox")
            .and_then(|rest| rest.get(2..))
            .is_some_and(|body| body == SLACK_SAMPLE_BODY)
        || is_repeated_or_run(v)
        // `nhu_aaabbbccc123`: a provider's prefix, then a run typed as its body.
        || v.split_once('_').is_some_and(|(prefix, body)| {
            (2..=5).contains(&prefix.len())
                && prefix.bytes().all(|b| b.is_ascii_lowercase())
                && is_repeated_or_run(body)
        })
        || is_repeated_unit(v)
        || is_keyboard_mash(v)
        || has_walk_typed_twice(v)
        || is_made_of_words(&lower)
        || is_run_on_phrase(v)
        || is_scoped_phrase(v)
        || is_leet_phrase(v)
        || is_camel_case_instruction(v)
        || is_self_describing_chain(v)
        || is_stub_token(v)
        || is_pattern(v)
}

/// `whsec_123`, `ghp_abc`, `sk-1234`: a provider's prefix with a body far shorter
/// than any token it issues, a stand-in.
fn is_stub_token(v: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "whsec_",
        "sk_live_",
        "rk_live_",
        "sk_",
        "rk_",
        "sk-",
        "ghp_",
        "gho_",
        "ghs_",
        "ghu_",
        "github_pat_",
        "glpat-",
        "xoxb-",
        "xoxp-",
        "xapp-",
        "npm_",
        "pypi-",
        "SG.",
        "AKIA",
        "AIza",
        "GOCSPX-",
        "shpat_",
        "dop_v1_",
        "hf_",
    ];
    PREFIXES
        .iter()
        .any(|p| v.strip_prefix(p).is_some_and(|body| body.len() < 16))
}

/// A regular expression (`^.{8,32}$`, `^[A-Za-z0-9]+$`): what a value must look
/// like, not a value.
fn is_pattern(v: &str) -> bool {
    (v.starts_with('^') || (v.ends_with('$') && !v.ends_with("\\$")))
        && [".*", ".+", ".{", "\\d", "\\w", "\\s", "[", "(?", "|"]
            .iter()
            .any(|m| v.contains(m))
}

/// Lowercase words joined by `_`, `-`, `.` or `/` of which one says what the value is
/// for (`my_google_drive_secret_42`, `local-dev-token`, a debconf question
/// `percona-server-server-5.7/root-pass`): a name, not a secret. A
/// passphrase of plain words (`correct-horse-battery-staple`) is not caught.
pub(super) fn is_self_describing_chain(v: &str) -> bool {
    // `dev-only-pepper-not-for-production-use-32b+`: a closing mark is no word.
    let v = v.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
    // `/` joins a debconf question to its package (`mysql-server-5.7/root-pass`).
    let parts: Vec<&str> = v.split(['_', '-', '.', '/']).collect();
    let alphabetic = parts
        .iter()
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphabetic()))
        .count();
    // Each word in one case: `natrail_PASSWORD` names what goes there, as a
    // lowercase chain does; `aB3_xY9` does not.
    let one_case = |p: &&str| {
        p.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            || p.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    };
    parts.len() >= 2
        && parts.iter().all(|p| !p.is_empty() && one_case(p))
        && alphabetic * 2 >= parts.len()
        && parts.iter().any(|p| {
            let word = p
                .trim_end_matches(|c: char| c.is_ascii_digit())
                .to_ascii_lowercase();
            PLACEHOLDER_WORDS.contains(&word.as_str())
        })
}

pub(super) fn strip_value_quotes(v: &str) -> &str {
    // `token="&quot;8080&quot;"`: quotes written as XML entities in an attribute.
    for q in ["&quot;", "&apos;"] {
        if let Some(inner) = v.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            return inner;
        }
    }
    for q in ['"', '\'', '`'] {
        if let Some(inner) = v.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            return inner;
        }
    }
    v
}

/// `DB_PASS`, `AWS_SECRET_ACCESS_KEY`: an environment variable's name.
fn is_env_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// `cap_root_domain`: lowercase words joined by `_`.
fn is_snake_case_name(name: &str) -> bool {
    name.contains('_')
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Eight or more of one char in a row (`GOCSPX-2k8gsR0000000000000000VNahJj`): a
/// value with its middle masked or zeroed, which a random value almost never has.
fn has_masked_run(v: &str) -> bool {
    let mut run = 0;
    let mut prev = None;
    for c in v.chars() {
        run = if Some(c) == prev { run + 1 } else { 1 };
        prev = Some(c);
        if run >= 8 && c.is_alphanumeric() {
            return true;
        }
    }
    false
}

/// Literals that look secret but are not: test-mode and publishable keys,
/// lock-file and image digests, UUIDs, public keys.
pub(super) fn is_known_non_secret(value: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "sk_test_",
        "rk_test_",
        // Publishable keys: `pk_` is the public half of a `pk_`/`sk_` pair (Stripe,
        // Clerk, Paystack, logo.dev's `img.logo.dev/…?token=pk_…`), made for browsers.
        "pk_",
        "sha1-",
        "sha256-",
        "sha384-",
        "sha512-",
        "sha1:",
        "sha256:",
        "sha384:",
        "sha512:",
        "md5:",
        "md5-",
        "h1:",
        "blake2b-",
        // Vault's audit log HMACs every sensitive value (`hmac-sha256:bd6d…`).
        "hmac-sha1:",
        "hmac-sha256:",
        "hmac-sha384:",
        "hmac-sha512:",
        "ssh-rsa",
        "ssh-dss",
        "ssh-ed25519",
        "ecdsa-sha2-",
        "sk-ssh-ed25519",
        "sk-ecdsa-sha2-",
        "aaaab3nzac1",
        "aaaac3nzac1",
        "aaaae2vjzhnh",
        "miibijanbgkqhkig9w0baqefaaoc",
        "miicijanbgkqhkig9w0baqefaaoc",
        "mfkwewyhkozizj0caqyi",
        "mcowbqydk2vwaye",
        "-----begin public",
        "-----begin rsa public",
        "-----begin pgp public",
        "-----begin ssh2 public",
        "-----begin certificate",
        "age1",
        // Password hashes (crypt(3), bcrypt, argon2, Django, LDAP): one-way, not credentials.
        "$1$",
        "$2a$",
        "$2b$",
        "$2y$",
        "$5$",
        "$6$",
        "$apr1$",
        "$argon2",
        "$scrypt$",
        "$pbkdf2",
        "pbkdf2_",
        "pbkdf2:",
        "bcrypt$",
        "argon2$",
        "scrypt:",
        "{ssha}",
        "{sha}",
        "{bcrypt}",
        "{noop}",
        // PostHog project keys: they ship in every page that loads the snippet.
        "phc_",
        // Bytescale's (Upload.io's) `public_` API keys: for browser uploads.
        "public_",
        // Intercom's mobile SDK keys: built into every copy of the app.
        "ios_sdk-",
        "android_sdk-",
        // Sandbox (test-mode) tokens: Plaid `access-sandbox-…`, `link-sandbox-…`.
        "access-sandbox-",
        "link-sandbox-",
        "public-sandbox-",
        "processor-sandbox-",
        // Google's documented reCAPTCHA v2 test keys (site and secret).
        "6leixactaaaaa",
        // Azurite's storage-emulator account key (`devstoreaccount1`), published by
        // Microsoft and the same in every install.
        "eby8vdm02xnocqflquwjpllmetlcdxj1",
        // MinIO's public playground (`play.min.io`): the access and secret key its
        // docs, `mc` and s3cmd's CI publish for everyone.
        "q3am3uq867spqqa43p2f",
        "zuf+tfteslswru7bj86wekitnifilbzam1kyy3tg",
        // Grafana's default `secret_key` (its `defaults.ini` and `sample.ini`): the
        // same in every install that does not set one, published with the source.
        "sw2ycwtib9zpoohopsmm",
        // Talos' documented sample `aescbcEncryptionSecret`, written into the commented
        // reference of every config `talosctl gen config` makes.
        "z01mye6j16bspjyttb/5sfx8j7ph4jxxm2xuu4vsbpm=",
        // Microsoft Edge's read-aloud `TrustedClientToken`: every Edge browser sends it.
        "6a5aa1d4eaff4e9fb37e23d68491d6f4",
        // SOPS, Ansible Vault and dotenvx ciphertext: only the repository's key opens it,
        // so it is committed by design.
        "enc[aes256_gcm,",
        "$ansible_vault;",
        // dotenvx: `encrypted:` and ECIES ciphertext for the file's `DOTENV_PUBLIC_KEY`.
        "encrypted:",
        // Mapbox public access tokens (`pk.eyJ…`) are made for browsers; its secret
        // tokens (`sk.eyJ…`) still fire.
        "pk.eyj",
        // The AzureRM provider docs' sample admin password (`administrator_login_password
        // = "H@Sh1CoR3!"`), copied into Terraform examples and rule tests everywhere.
        "h@sh1cor3!",
    ];
    let v = strip_value_quotes(value.trim()).trim();
    let lower = v.to_ascii_lowercase();
    // Datadog browser (RUM/logs) client tokens: `pub` + 32 hex, public by design.
    let datadog_client_token = lower.len() == 35
        && lower.starts_with("pub")
        && lower.bytes().skip(3).all(|b| b.is_ascii_hexdigit());
    // An htpasswd line (`user:$2a$05$…`): a name and a password hash.
    // Compose escapes its `$` (`admin:$$2y$$05$$…`, Traefik's dashboard login).
    let htpasswd_line = lower.split_once(':').is_some_and(|(user, hash)| {
        let hash = hash.replace("$$", "$");
        !user.is_empty()
            && hash.starts_with(['$', '{'])
            && PREFIXES.iter().any(|p| hash.starts_with(p))
    });
    // `rzp_test_…`, `wh_test_…`: a provider's short prefix then `_test_`, a
    // test-mode key by its own name (as Stripe's `sk_test_`).
    let test_mode = lower.split_once("_test_").is_some_and(|(prefix, rest)| {
        (1..=8).contains(&prefix.len())
            && prefix.bytes().all(|b| b.is_ascii_lowercase())
            && rest.len() >= 8
    });
    // An Nx Cloud read-only access token (base64 of `<uuid>|read`): Nx documents
    // committing it to `nx.json`; it reads the shared cache and writes nothing.
    // A `|read-write` one still fires.
    let nx_cloud_read_only = lower.strip_suffix("|read").is_some_and(is_uuid);
    // A Shopware sales-channel access key (`SWSC` and 22 base32 chars): storefronts
    // send it to the Store API from every browser; integrations use `SWIA…` keys
    // with a separate secret, which still fire.
    let shopware_sales_channel = v.len() == 26
        && v.starts_with("SWSC")
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    // An Ethereum account or contract address (`0x` and 40 hex digits) is public by
    // nature; a private key (`0x` and 64 hex digits) still fires.
    let evm_address = lower.len() == 42
        && lower.starts_with("0x")
        && lower.bytes().skip(2).all(|b| b.is_ascii_hexdigit());
    // `ffe5d$98dfbf6d…` (web.py's and Infogami's `salt$md5`), `sha1$a1976$a36c…`
    // (Django's legacy hashers): a short salt or algorithm, `$`, then a hex digest.
    // A password hash, one-way like the crypt(3) forms above.
    let salted_digest = lower.rsplit_once('$').is_some_and(|(head, digest)| {
        matches!(digest.len(), 32 | 40 | 64 | 128)
            && digest.bytes().all(|b| b.is_ascii_hexdigit())
            && head.split('$').count() <= 2
            && head.split('$').all(|part| {
                (1..=16).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphanumeric())
            })
    });
    // `$$2b$$10$$9rBK…`: Compose's escaped `$` around a bcrypt salt or hash.
    let compose_escaped = lower
        .starts_with("$$")
        .then(|| lower.replace("$$", "$"))
        .is_some_and(|plain| PREFIXES.iter().any(|p| plain.starts_with(p)));
    // Transmission's `rpc-password` as it saves it: `{`, the SHA-1 of password and
    // salt in hex, then the 8-char salt. A one-way hash, not the password.
    let transmission_hash = v.strip_prefix('{').is_some_and(|rest| {
        rest.len() == 48
            && rest.bytes().take(40).all(|b| b.is_ascii_hexdigit())
            && rest.bytes().skip(40).all(|b| b.is_ascii_alphanumeric())
    });
    // `2023-04-06T11:12:00Z`: a date and time (a rotation's, an expiry's).
    let date_time = {
        let b = v.as_bytes();
        let digits =
            |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
        v.len() >= 16
            && digits(0..4)
            && b.get(4) == Some(&b'-')
            && digits(5..7)
            && b.get(7) == Some(&b'-')
            && digits(8..10)
            && matches!(b.get(10), Some(b'T' | b' '))
            && digits(11..13)
            && b.get(13) == Some(&b':')
    };
    // `cnkMARPadUBEvTli2d3CKi:APA91bEU_WMV…`: a Firebase Cloud Messaging
    // registration token, the address of one app install that pushes are sent to
    // (22 characters, `:APA91b`, the rest). Only the sender's server key (`AAAA…`
    // with 7 more before the colon) or service account sends to it.
    let push_registration_token = v.split_once(":APA91b").is_some_and(|(install, rest)| {
        install.len() == 22
            && !install.starts_with("AAAA")
            && rest.len() >= 100
            && install
                .bytes()
                .chain(rest.bytes())
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
    });
    // RevenueCat's public SDK keys (`appl_…`, `goog_…`, `amzn_…`: 27 characters
    // after the store's prefix), built into every copy of the app by design.
    let revenuecat_public = ["appl_", "goog_", "amzn_"].iter().any(|p| {
        v.strip_prefix(p)
            .is_some_and(|body| body.len() == 27 && body.bytes().all(|b| b.is_ascii_alphanumeric()))
    });
    // `'/^.{5,60}$/'`, `^[A-Za-z0-9]{8,}$`: a validation rule's pattern for the
    // secret, anchored at both ends and built with a class or a repeat count.
    let anchored_pattern = {
        let body = v
            .strip_prefix('/')
            .and_then(|r| {
                r.trim_end_matches(|c: char| c.is_ascii_lowercase())
                    .strip_suffix('/')
            })
            .unwrap_or(v);
        body.len() >= 4
            && body.starts_with('^')
            && body.ends_with('$')
            && body.contains(['{', '[', '\\'])
    };
    // `aes-256-cfb`, `chacha20-ietf-poly1305`: a cipher's name (a proxy's
    // `method`, swapped into the password's slot by code), not a key.
    let cipher_name = lower.len() <= 32
        && [
            "aes-",
            "aes128",
            "aes256",
            "chacha20",
            "xchacha20",
            "salsa20",
            "camellia-",
            "rc4-",
            "bf-",
            "des-",
            "aria-",
            "sm4-",
        ]
        .iter()
        .any(|p| lower.starts_with(p))
        && lower.bytes().any(|b| b.is_ascii_digit())
        && lower
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    PREFIXES.iter().any(|p| lower.starts_with(p))
        || anchored_pattern
        || cipher_name
        || date_time
        || push_registration_token
        || revenuecat_public
        || is_aspnet_identity_hash(v)
        || is_cisco_secret_hash(v)
        || encodes_no_secret(v)
        || is_kms_ciphertext(v)
        || is_sealed_secret_ciphertext(v)
        || is_openpgp_message(v)
        || is_rspamd_password_hash(v)
        || compose_escaped
        || transmission_hash
        || salted_digest
        || evm_address
        || test_mode
        || nx_cloud_read_only
        || shopware_sales_channel
        || is_uuid(v)
        || datadog_client_token
        || htpasswd_line
        || is_digest_of_sample_word(&lower)
        || is_distinguished_name(&lower)
}

/// `uid=dillon,ou=people,dc=min,dc=io`: an LDAP distinguished name, a user's or
/// an entry's name (MinIO's LDAP `CONSOLE_ACCESS_KEY`), not a secret.
fn is_distinguished_name(lower: &str) -> bool {
    let parts: Vec<&str> = lower.split(',').map(str::trim).collect();
    parts.len() >= 2
        && parts
            .iter()
            .any(|p| p.starts_with("dc=") || p.starts_with("ou="))
        && parts.iter().all(|p| {
            p.split_once('=').is_some_and(|(attr, value)| {
                matches!(attr, "uid" | "cn" | "ou" | "dc" | "o" | "c" | "l" | "st")
                    && !value.is_empty()
            })
        })
}

/// MD5, SHA-1 and SHA-256 digests of the empty string and of words every sample
/// uses: a hash of public data (`valid_token = sha1("hello")`), not a secret.
const DIGESTS_OF_SAMPLE_WORDS: &[&str] = &[
    // "" (the empty string)
    "d41d8cd98f00b204e9800998ecf8427e",
    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    // "hello"
    "5d41402abc4b2a76b9719d911017c592",
    "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d",
    "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
    // "hello world"
    "5eb63bbbe01eeed093cb22bb8f5acdc3",
    "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed",
    "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9",
    // "test"
    "098f6bcd4621d373cade4e832627b4f6",
    "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    // "password"
    "5f4dcc3b5aa765d61d8327deb882cf99",
    "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8",
    "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
    // "PASSWORD" (the capitalised sample of Guacamole's user-mapping.xml)
    "319f4d26e3c536b5dd871bb2c52e3178",
    "112bb791304791ddcf692e29fd5cf149b35fea37",
    "0be64ae89ddd24e225434de95d501711339baeee18f009ba9b4369af27d30d60",
    // "secret"
    "5ebe2294ecd0e0f08eab7690d2a6ee69",
    "e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4",
    "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b",
    // "admin"
    "21232f297a57a5a743894a0e4a801fc3",
    "d033e22ae348aeb5660fc2140aec35850c4da997",
    "8c6976e5b5410415bde908bd4dee15dfb167a9c873fc4bb8a81f6f2ab448a918",
    // "foo"
    "acbd18db4cc2f85cedef654fccc4a4d8",
    "0beec7b5ea3f0fdbc95d0dd47f3c5bc275da8a33",
    "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
    // "bar"
    "37b51d194a7513e45b56f6524f2d51f2",
    "62cdb7020ff920e5aa642c3d4066950dd1f01f4d",
    "fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9",
    // "foobar"
    "3858f62230ac3c915f300c664312c63f",
    "8843d7f92416211de9ebb963ff4ce28125932878",
    "c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2",
    // "123456"
    "e10adc3949ba59abbe56e057f20f883e",
    "7c4a8d09ca3762af61e59520943dc26494f8941b",
    "8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92",
    // "abc"
    "900150983cd24fb0d6963f7d28e17f72",
    "a9993e364706816aba3e25717850c26c9cd0d89d",
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
];

/// Whether `value` is the hex digest of a sample word or the empty string.
fn is_digest_of_sample_word(lower: &str) -> bool {
    matches!(lower.len(), 32 | 40 | 64) && DIGESTS_OF_SAMPLE_WORDS.contains(&lower)
}

fn is_uuid(v: &str) -> bool {
    let bytes = v.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// For SEC002/SEC003/SEC004, where the *name* already says secret: whether the
/// literal `value` is a real-looking secret, i.e. not a placeholder, not an env
/// or secret-store reference, not a known non-secret (test-mode key, digest,
/// UUID, public key), and at least 8 chars. Pass the literal itself (the
/// caller's parser knows what is a literal and what is `var.x`).
pub(crate) fn looks_like_secret_value(value: &str) -> bool {
    let v = strip_value_quotes(value.trim()).trim();
    v.chars().count() >= 8
        && !is_placeholder(v)
        && !is_reference_literal(v)
        && !is_known_non_secret(v)
}
