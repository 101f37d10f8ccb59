//! The detector table and the validators of its entries.

use super::{
    is_known_non_secret, is_placeholder, is_reference_literal, name_kind, shannon_entropy,
    Candidate, Detector, NameKind, Window,
};

/// The longest private-key block looked for (an RSA 16384-bit PEM is ~13 KB).
const MAX_PEM_LEN: usize = 64 * 1024;

/// Keywords of the generic assignment detector: the secret words of
/// [`super::is_secret_name`] (`pass` also covers password/passwd/passphrase).
const GENERIC_KEYWORDS: &[&str] = &[
    "pass",
    "pwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "api-key",
    "private_key",
    "privatekey",
    "private-key",
    "access_key",
    "accesskey",
    "access-key",
    "accountkey",
    "credential",
    "dsn",
    // Keys named for what they sign, encrypt or license (see `KEY_QUALIFIERS`).
    "license_key",
    "licensekey",
    "license-key",
    "signing_key",
    "signingkey",
    "signing-key",
    "encryption_key",
    "encryptionkey",
    "encryption-key",
    "master_key",
    "masterkey",
    "webhook_key",
    "auth_key",
    "authkey",
    "app_key",
    "session_key",
    "hmac_key",
    "jwt_key",
    "_salt",
];

/// See [`super::detectors`] for the table in prose.
pub(super) static DETECTORS: &[Detector] = &[
    Detector {
        id: "private-key",
        description: "private key",
        keywords: &["PRIVATE KEY-----", "PRIVATE KEY BLOCK-----"],
        case_sensitive: true,
        pattern: r"(?P<secret>-----BEGIN[ A-Z0-9]{0,30} PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END[ A-Z0-9]{0,30} PRIVATE KEY(?: BLOCK)?-----)",
        window: Window::Block {
            max_len: MAX_PEM_LEN,
        },
        min_len: 64,
        min_entropy: None,
        reject_placeholders: false,
        bounded: false,
        validate: Some(validate_private_key),
        generic: false,
    },
    Detector {
        id: "aws-access-key-id",
        description: "AWS access key ID",
        // `AC` (shared with twilio-auth-token) covers `ACCA`: no keyword may contain another.
        keywords: &["AKIA", "ASIA", "ABIA", "AC", "A3T"],
        case_sensitive: true,
        pattern: r"(?P<secret>(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})",
        window: Window::Line,
        min_len: 20,
        min_entropy: Some(3.0),
        reject_placeholders: true,
        bounded: true,
        validate: None,
        generic: false,
    },
    Detector {
        id: "aws-secret-access-key",
        description: "AWS secret access key",
        keywords: &["aws", "secret"],
        case_sensitive: false,
        pattern: r#"(?P<key>[A-Za-z0-9_.$@-]*(?i:aws|secret)[A-Za-z0-9_.$@-]*)["'`]?\]?[ \t]*(?::=|=>|=|:)[ \t]*["'`]?(?P<secret>[A-Za-z0-9/+]{40})"#,
        window: Window::Key,
        min_len: 40,
        min_entropy: Some(4.0),
        reject_placeholders: true,
        bounded: false,
        validate: Some(validate_aws_secret),
        generic: false,
    },
    Detector {
        id: "github-token",
        description: "GitHub token",
        keywords: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        case_sensitive: true,
        pattern: r"(?P<secret>gh[pousr]_[A-Za-z0-9]{36})",
        window: Window::Line,
        min_len: 40,
        min_entropy: Some(3.0),
        reject_placeholders: true,
        bounded: true,
        validate: None,
        generic: false,
    },
    Detector {
        id: "github-fine-grained-pat",
        description: "GitHub fine-grained personal access token",
        keywords: &["github_pat_"],
        case_sensitive: true,
        pattern: r"(?P<secret>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})",
        window: Window::Line,
        min_len: 93,
        min_entropy: Some(3.0),
        reject_placeholders: true,
        bounded: true,
        validate: None,
        generic: false,
    },
    Detector {
        id: "gitlab-pat",
        description: "GitLab personal access token",
        keywords: &["glpat-"],
        case_sensitive: true,
        pattern: r"(?P<secret>glpat-[A-Za-z0-9_-]{20,})",
        window: Window::Line,
        min_len: 26,
        min_entropy: Some(3.0),
        reject_placeholders: true,
        bounded: true,
        validate: None,
        generic: false,
    },
    Detector {
        id: "slack-token",
        description: "Slack token",
        keywords: &[
            "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxo-", "xoxs-", "xapp-",
        ],
        case_sensitive: true,
        pattern: r"(?P<secret>xox[bp](?:-[0-9]{8,13}){2,3}-[A-Za-z0-9]{20,64}|xox[ar]-(?:[0-9]-)?[A-Za-z0-9]{8,}(?:-[A-Za-z0-9]+)*|xox[os]-[0-9]+-[0-9]+-[0-9]+-[A-Fa-f0-9]+|xapp-[0-9]-[A-Z0-9]+-[0-9]+-[A-Za-z0-9]+)",
        window: Window::Line,
        min_len: 15,
        min_entropy: Some(3.0),
        reject_placeholders: true,
        bounded: true,
        validate: None,
        generic: false,
    },
    Detector {
        id: "slack-webhook",
        description: "Slack webhook URL",
        keywords: &["hooks.slack.com"],
        case_sensitive: false,
        pattern: r"(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/(?P<secret>T[A-Z0-9]{6,12}/[A-Z][A-Z0-9]{6,12}/[A-Za-z0-9]{8,}(?:/[A-Za-z0-9]{8,})?)",
        window: Window::Line,
        min_len: 20,
        min_entropy: None,
        reject_placeholders: true,
        bounded: false,
        validate: None,
        generic: false,
    },
    Detector {
        id: "stripe-secret-key",
        description: "Stripe live secret key",
        keywords: &["sk_live_"],
        case_sensitive: true,
        pattern: r"(?P<secret>sk_live_[A-Za-z0-9]{20,})",
        window: Window::Line,
        min_len: 28,
        min_entropy: Some(3.0),
        reject_placeholders: true,
        bounded: true,
        validate: None,
        generic: false,
    },
    Detector {
        id: "stripe-restricted-key",
        description: "Stripe live restricted key",
        keywords: &["rk_live_"],
        case_sensitive: true,
        pattern: r"(?P<secret>rk_live_[A-Za-z0-9]{20,})",
        window: Window::Line,
        min_len: 28,
        min_entropy: Some(3.0),
        reject_placeholders: true,
        bounded: true,
        validate: None,
        generic: false,
    },
    Detector {
        id: "google-api-key",
        description: "Google API key",
        keywords: &["AIza"],
        case_sensitive: true,
        pattern: r"(?P<secret>AIza[A-Za-z0-9_-]{35})",
        window: Window::Line,
        min_len: 39,
        min_entropy: Some(3.0),
        reject_placeholders: true,
        bounded: true,
        validate: None,
        generic: false,
    },
    Detector {
        id: "twilio-api-key",
        description: "Twilio API key",
        keywords: &["SK"],
        case_sensitive: true,
        pattern: r"(?P<secret>SK[0-9a-f]{32})",
        window: Window::Line,
        min_len: 34,
        min_entropy: Some(3.0),
        reject_placeholders: true,
        bounded: true,
        validate: None,
        generic: false,
    },
    Detector {
        id: "twilio-auth-token",
        description: "Twilio auth token",
        keywords: &["AC", "twilio", "Twilio", "TWILIO"],
        case_sensitive: true,
        pattern: r#"(?:(?P<sid>AC[0-9a-f]{32})["'`]?[ \t]*[,:][ \t]*["'`]?|(?P<key>[A-Za-z0-9_.-]*(?i:twilio)[A-Za-z0-9_.-]*)["'`]?\]?[ \t]*(?::=|=>|=|:)[ \t]*["'`]?)(?P<secret>[0-9a-f]{32})"#,
        window: Window::Line,
        min_len: 32,
        min_entropy: Some(3.0),
        reject_placeholders: true,
        bounded: true,
        validate: Some(validate_twilio_auth_token),
        generic: false,
    },
    Detector {
        id: "sendgrid-api-key",
        description: "SendGrid API key",
        keywords: &["SG."],
        case_sensitive: true,
        pattern: r"(?P<secret>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})",
        window: Window::Line,
        min_len: 69,
        min_entropy: Some(3.0),
        reject_placeholders: true,
        bounded: true,
        validate: None,
        generic: false,
    },
    Detector {
        id: "npm-token",
        description: "npm access token",
        keywords: &["npm_"],
        case_sensitive: true,
        pattern: r"(?P<secret>npm_[A-Za-z0-9]{36})",
        window: Window::Line,
        min_len: 40,
        min_entropy: Some(3.0),
        reject_placeholders: true,
        bounded: true,
        validate: None,
        generic: false,
    },
    Detector {
        id: "pypi-token",
        description: "PyPI upload token",
        keywords: &["pypi-AgEIcHlwaS5vcmc"],
        case_sensitive: true,
        pattern: r"(?P<secret>pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})",
        window: Window::Line,
        min_len: 70,
        min_entropy: Some(3.0),
        reject_placeholders: false,
        bounded: true,
        validate: None,
        generic: false,
    },
    Detector {
        id: "jwt",
        description: "JSON Web Token",
        keywords: &["eyJ"],
        case_sensitive: true,
        pattern: r"(?P<secret>eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})",
        window: Window::Line,
        min_len: 36,
        min_entropy: None,
        reject_placeholders: false,
        bounded: true,
        validate: Some(validate_jwt),
        generic: false,
    },
    Detector {
        id: "database-url",
        description: "database URL with a password",
        keywords: &[
            "postgres", "mysql", "mariadb", "mongodb", "redis", "amqp", "mssql",
        ],
        case_sensitive: false,
        pattern: r#"(?P<scheme>(?i:postgres(?:ql)?|mysql|mariadb|mongodb|rediss?|amqps?|mssql)(?:\+[A-Za-z0-9]+)?)://(?P<user>[^\s:/?#@"'`<>]*):(?P<secret>[^\s:/?#@"'`<>]+)@(?P<host>[A-Za-z0-9_.\[\]-]+)"#,
        window: Window::Line,
        min_len: 3,
        min_entropy: None,
        // NOTE: the validator judges placeholders (weak passwords count on public hosts).
        reject_placeholders: false,
        bounded: false,
        validate: Some(validate_database_url),
        generic: false,
    },
    Detector {
        id: "php-define",
        description: "hardcoded secret",
        keywords: &["define("],
        case_sensitive: false,
        pattern: r#"(?i:define)\(\s*['"](?P<key>[A-Za-z0-9_]+)['"]\s*,\s*(?P<secret>'[^'\n]*'|"[^"\n]*")\s*\)"#,
        window: Window::Line,
        min_len: 8,
        min_entropy: Some(3.0),
        // NOTE: generated salts hold `<`, `>`, `${`: the validator judges placeholders.
        reject_placeholders: false,
        bounded: false,
        validate: Some(validate_named_call),
        generic: true,
    },
    Detector {
        id: "env-default",
        description: "hardcoded secret (an environment lookup's default)",
        keywords: &["env(", "env.str(", "env.fetch(", "environ.get(", "env.get("],
        case_sensitive: false,
        pattern: r#"(?i:env|env\.str|env\.fetch|environ\.get|env\.get)\(\s*['"](?P<key>[A-Za-z0-9_.-]+)['"]\s*,\s*(?:default\s*=\s*)?(?P<secret>'[^'\n]*'|"[^"\n]*")"#,
        window: Window::Line,
        min_len: 8,
        min_entropy: Some(3.0),
        reject_placeholders: false,
        bounded: false,
        validate: Some(validate_named_call),
        generic: true,
    },
    Detector {
        id: "login-call",
        description: "hardcoded password (a login call)",
        keywords: &[
            ".login(",
            ".authenticate(",
            ".signin(",
            ".sign_in(",
            ".log_in(",
        ],
        case_sensitive: false,
        pattern: r#"\.(?i:login|authenticate|signin|sign_in|log_in)\(\s*(?P<user>'[^'\s]{1,100}'|"[^"\s]{1,100}")\s*,\s*(?P<secret>'[^'\n]*'|"[^"\n]*")"#,
        window: Window::Line,
        min_len: 8,
        min_entropy: Some(3.0),
        reject_placeholders: true,
        bounded: false,
        validate: Some(validate_login_call),
        generic: true,
    },
    Detector {
        id: "xml-value",
        description: "hardcoded secret",
        keywords: &[
            "password\">",
            "password'>",
            "password>",
            "passwd>",
            "secret\">",
            "secret>",
            "token\">",
            "token>",
            "apikey>",
            "api_key>",
        ],
        case_sensitive: false,
        pattern: r#"(?:<(?P<tag>[A-Za-z0-9_.:-]{1,64})>|<property\s+name=["'](?P<key>[^"'<>]{1,128})["']\s*>)(?P<secret>[^<\s][^<\n]*)</"#,
        window: Window::Line,
        min_len: 8,
        min_entropy: Some(3.0),
        reject_placeholders: true,
        bounded: false,
        validate: Some(validate_xml_value),
        generic: true,
    },
    Detector {
        id: "generic-secret",
        description: "hardcoded secret",
        keywords: GENERIC_KEYWORDS,
        case_sensitive: false,
        // NOTE: kept one-pass (no ambiguity about where the key or value ends) so
        // that resolving captures is linear; the name is judged in code.
        pattern: r#"(?P<key>[A-Za-z_$@][A-Za-z0-9_.$@-]*)["'`]?\]?[ \t]*(?P<op>:=|=>|==|::|=|:)[ \t]*(?P<secret>"[^"]*"|'[^']*'|`[^`]*`|[^\s"'`,;&=:>)\]}][^\s"'`,;&)\]}]*)"#,
        window: Window::Key,
        min_len: 8,
        min_entropy: Some(3.0),
        reject_placeholders: true,
        bounded: false,
        validate: Some(validate_generic),
        generic: true,
    },
];

/// A PEM block is a key only with a real base64 body (not `...` or a template).
fn validate_private_key(c: &Candidate<'_>) -> bool {
    !c.secret.contains("...")
        && !c.secret.contains('…')
        && longest_base64_run(c.secret) >= 40
        && has_random_body(c.secret)
}

/// A key's base64 body is random: `privatekeyprivatekey…` stand-ins are not.
pub(super) fn has_random_body(block: &str) -> bool {
    // `-----BEGIN X-----body-----END X-----`, maybe on one line with `\n` escapes.
    let body = if block.contains("-----BEGIN") {
        block.split("-----").nth(2).unwrap_or("")
    } else {
        block
    };
    let body: String = body
        .lines()
        .filter(|l| !l.contains(": "))
        .flat_map(|l| l.chars())
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/'))
        .collect();
    shannon_entropy(&body) >= 4.5
}

fn longest_base64_run(s: &str) -> usize {
    let mut best = 0;
    let mut run = 0;
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=') {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

/// The name must be AWS's (or a secret key's), and the value exactly 40 mixed
/// base64 chars, not a hex digest.
fn validate_aws_secret(c: &Candidate<'_>) -> bool {
    let key: String = c
        .group("key")
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|ch| ch.to_ascii_lowercase())
        .collect();
    let aws_name =
        key.contains("aws") || key.contains("secretaccesskey") || key.contains("secretkey");
    if !aws_name || c.group("key").is_some_and(name_is_reference) {
        return false;
    }
    // `arn:aws:iam::aws:policy/...`: an "aws" inside an ARN is not a key name.
    let before = c.text.get(..c.context_span.start as usize).unwrap_or("");
    if before.ends_with(':') {
        return false;
    }
    if c.byte_after()
        .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    {
        return false;
    }
    let s = c.secret;
    s.bytes().any(|b| b.is_ascii_uppercase())
        && s.bytes().any(|b| b.is_ascii_lowercase())
        && s.bytes()
            .any(|b| b.is_ascii_digit() || b == b'/' || b == b'+')
        && !s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether the name's last segment marks a reference (`aws_secret_arn`).
fn name_is_reference(name: &str) -> bool {
    let norm = super::normalize_name(name);
    norm.split('_')
        .rfind(|s| !s.is_empty())
        .is_some_and(|last| super::REFERENCE_SUFFIXES.contains(&last))
}

/// After an account SID anything 32-hex is the token; after a name, the name
/// must be a twilio secret name (`TWILIO_AUTH_TOKEN`, not `TWILIO_SID`).
fn validate_twilio_auth_token(c: &Candidate<'_>) -> bool {
    match c.group("key") {
        Some(key) => name_kind(key) == Some(NameKind::Secret),
        None => c.group("sid").is_some(),
    }
}

/// Documentation hosts do not hold real databases. A dev default (`postgres`,
/// `password123`) on a local or container host is a placeholder, but any password
/// on a public host name (`ds048537.mongolab.com`) opens a real database.
fn validate_database_url(c: &Candidate<'_>) -> bool {
    let host = c.group("host").unwrap_or("").to_ascii_lowercase();
    // `umami:umami@db`: a password equal to the user name is a local dev default.
    let same_as_user = c.group("user").is_some_and(|u| u == c.secret);
    if host.contains("example") || same_as_user || is_reference_literal(c.secret) {
        return false;
    }
    if !is_placeholder(c.secret) {
        return true;
    }
    let lower = c.secret.to_ascii_lowercase();
    let single_word = super::PLACEHOLDER_WORDS
        .iter()
        .any(|w| lower.trim_end_matches(|ch: char| ch.is_ascii_digit()) == *w);
    is_public_host(&host) && super::stores::is_stored_secret(c.secret) && !single_word
}

/// A DNS name outside local, internal and documentation domains.
fn is_public_host(host: &str) -> bool {
    const LOCAL_SUFFIXES: &[&str] = &[
        ".local",
        ".localhost",
        ".internal",
        ".test",
        ".invalid",
        ".lan",
        ".svc",
        ".cluster.local",
    ];
    host.contains('.')
        && host.bytes().any(|b| b.is_ascii_alphabetic())
        && host != "localhost"
        && !host.starts_with("127.")
        && !LOCAL_SUFFIXES.iter().any(|s| host.ends_with(s))
}

/// The signature jwt.io shows for its example token (signed with a public
/// example secret).
const JWT_IO_EXAMPLE_SIGNATURE: &str = concat!("SflKxwRJSMeKKF2QT4fwpMeJf36P", "Ok6yJV_adQssw5c");

/// A JWT: the header decodes to a JSON object with an `alg` other than `none`,
/// the payload to a JSON object, and the signature is non-trivial.
fn validate_jwt(c: &Candidate<'_>) -> bool {
    let mut parts = c.secret.split('.');
    let (Some(header), Some(payload), Some(signature)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Some(header) = decode_base64(header, true, 4096) else {
        return false;
    };
    let Ok(header) = std::str::from_utf8(&header) else {
        return false;
    };
    if !header.trim_start().starts_with('{') {
        return false;
    }
    match json_string_field(header, "alg") {
        Some(alg) if !alg.eq_ignore_ascii_case("none") => {}
        _ => return false,
    }
    let payload_is_object = decode_base64(payload, true, 64 * 1024).is_some_and(|p| {
        p.iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == b'{')
    });
    payload_is_object
        && signature.len() >= 16
        && shannon_entropy(signature) >= 3.0
        && signature != JWT_IO_EXAMPLE_SIGNATURE
}

/// The string value of `"field": "..."` in a small JSON object.
fn json_string_field<'j>(json: &'j str, field: &str) -> Option<&'j str> {
    let quoted = format!("\"{field}\"");
    let after = json.get(json.find(&quoted)? + quoted.len()..)?;
    let after = after.trim_start().strip_prefix(':')?.trim_start();
    let value = after.strip_prefix('"')?;
    value.get(..value.find('"')?)
}

/// Decode base64 (`url_safe`: `-_` alphabet, else `+/`), padding optional.
/// `None` when invalid or when the input exceeds `max_len` chars.
pub(super) fn decode_base64(s: &str, url_safe: bool, max_len: usize) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    if s.len() > max_len || s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' if url_safe => 62,
            b'_' if url_safe => 63,
            b'+' if !url_safe => 62,
            b'/' if !url_safe => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The generic assignment: a secret-named key, an assignment operator (not a
/// comparison or a path), and a literal that is not a placeholder, reference,
/// type, path, plain URL or the key's own name.
fn validate_generic(c: &Candidate<'_>) -> bool {
    let (Some(key), Some(op), Some(raw)) = (c.group("key"), c.group("op"), c.group("secret"))
    else {
        return false;
    };
    if op == "==" || op == "::" {
        return false;
    }
    // `name:value` with no space needs a quoted name or value (JSON); else it
    // is a URL, an ARN or a path segment (`arn:aws:secretsmanager:…`).
    if op == ":" {
        let after_op = raw.len();
        let whole = c.text.get(c.context_span.range()).unwrap_or("");
        let op_end = whole.len().saturating_sub(after_op);
        let spaced = whole
            .get(..op_end)
            .is_some_and(|head| head.ends_with([' ', '\t']));
        let key_quoted = whole
            .get(key.len()..)
            .is_some_and(|rest| rest.starts_with(['"', '\'', '`']));
        if !spaced && !key_quoted && !raw.starts_with(['"', '\'', '`']) {
            return false;
        }
    }
    let value = c.secret;
    let quoted = raw.starts_with(['"', '\'', '`']);
    if value.chars().any(char::is_whitespace) || (!quoted && is_code_reference(value)) {
        return false;
    }
    // Ruby instance variables and symbols, systemd `@name` credentials: code, not data.
    if !quoted && value.starts_with(['@', ':']) {
        return false;
    }
    if is_label(value) || is_email(value) {
        return false;
    }
    // A regular expression (`%[a-f0-9]{2}`), not a value.
    if (value.contains('[') && value.contains(']')) || value.contains("{2") || value.contains("]{")
    {
        return false;
    }
    if !quoted && (continues_as_code(c, op) || is_powershell_command(key, value)) {
        return false;
    }
    // A dictionary word (`pygmalion`), a number (a test vector) or a version
    // spec (`npm:^3.1.0` under a package named `credential-provider`) is not a secret.
    // A word (`pygmalion`, `Wachtwoord`, `secureToken`): letters only, short.
    let lowercase_word = value.len() < 12 && value.bytes().all(|b| b.is_ascii_alphabetic());
    if lowercase_word || value.bytes().all(|b| b.is_ascii_digit()) || is_version_spec(value) {
        return false;
    }
    // Identifiers, not credentials: `cert-manager-webhook` or `label.password`
    // (lowercase words joined), `AWS_SECRET_ACCESS_KEY` (an env var's name),
    // `.value` (a property), translated UI text (non-ASCII), regexes (`\s`).
    // `login#forgot_password` (a Rails route's `controller#action`) too.
    let identifier = value
        .bytes()
        .all(|b| b.is_ascii_lowercase() || matches!(b, b'-' | b'_' | b'.' | b'/' | b':' | b'#'));
    let env_name = value
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && value.contains('_');
    if identifier
        || env_name
        || ((!quoted || is_bound_attribute(c)) && is_secret_named_identifier(value))
        || !value.is_ascii()
        || value.starts_with('.')
        || value.contains("?.")
        || value.contains('\\')
    {
        return false;
    }
    let key = key.trim_start_matches(['$', '@']);
    let Some(kind) = name_kind(key) else {
        return false;
    };
    // Placeholders are the engine's last check (`reject_placeholders`).
    if squash(key) == squash(value) || is_reference_literal(value) || is_known_non_secret(value) {
        return false;
    }
    if is_path_like(value) || (value.contains("://") && !has_url_credentials(value)) {
        return false;
    }
    if kind == NameKind::Dsn && !has_url_credentials(value) {
        return false;
    }
    // Kubernetes Secret `data:` holds base64: judge what it encodes.
    if value.len().is_multiple_of(4) {
        if let Some(decoded) = decode_base64(value, false, 4096) {
            if let Ok(decoded) = std::str::from_utf8(&decoded) {
                if !decoded.is_empty()
                    && decoded.chars().all(|ch| !ch.is_control() || ch == '\n')
                    && is_placeholder(decoded)
                {
                    return false;
                }
            }
        }
    }
    true
}

/// A UI label or its translation, not a secret: words of letters (any script)
/// joined by `-`, `_`, `.` or `/`, each lowercase, Capitalized or a short acronym:
/// `Betula-Token`, `API-avaimet`, `Google-Reader-Passwort`.
pub(super) fn is_label(value: &str) -> bool {
    let words: Vec<&str> = value.split(['-', '_', '.', '/', ' ']).collect();
    words.len() >= 2
        && words.iter().all(|w| {
            let mut chars = w.chars();
            let Some(first) = chars.next() else {
                return false;
            };
            let rest: Vec<char> = chars.collect();
            first.is_alphabetic()
                && rest.iter().all(|c| c.is_alphabetic())
                && (rest.iter().all(|c| c.is_lowercase())
                    || (w.chars().all(char::is_uppercase) && w.chars().count() <= 5))
        })
}

/// A variable's or placeholder's name that says it holds a secret, written in
/// CamelCase words (few digits): `twoFactorLoginToken` (a Vue-bound attribute's
/// expression), `TheSecretKeyObtainedFromR2` (a how-to's unquoted placeholder).
/// Random tokens mix in digits or do not spell a secret's name. Only for unquoted
/// values and bound attributes: a quoted `youCantHandleThisSecret` is a password.
fn is_secret_named_identifier(value: &str) -> bool {
    let digits = value.bytes().filter(u8::is_ascii_digit).count();
    value.starts_with(|ch: char| ch.is_ascii_alphabetic())
        && value.bytes().all(|b| b.is_ascii_alphanumeric())
        && value.bytes().any(|b| b.is_ascii_uppercase())
        && value.bytes().any(|b| b.is_ascii_lowercase())
        && digits * 10 <= value.len()
        && name_kind(value).is_some()
}

/// A Vue (`:login-token="…"`, `v-bind:…`) or Angular (`[token]="…"`) attribute
/// bound to an expression: its quoted value is code.
fn is_bound_attribute(c: &Candidate<'_>) -> bool {
    let head = c.text.get(..c.context_span.start as usize).unwrap_or("");
    head.ends_with(':') || head.ends_with('[')
}

/// `someone@example.org`: an address, not a password.
fn is_email(value: &str) -> bool {
    value.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !local.contains(':')
            && domain.contains('.')
            && domain
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
    })
}

/// `define('AUTH_KEY', '…')`, `env("SECRET_KEY", default="…")`: a secret-named
/// constant or setting and its literal. Generated values (long, high entropy) count
/// even with blanks and brackets in them (WordPress salts); others must pass the
/// placeholder, label and prose checks.
fn validate_named_call(c: &Candidate<'_>) -> bool {
    let Some(key) = c.group("key") else {
        return false;
    };
    if name_kind(key) != Some(NameKind::Secret) {
        return false;
    }
    let value = c.secret;
    if value.chars().count() >= 32 && shannon_entropy(value) >= 4.5 {
        return true;
    }
    !value.chars().any(char::is_whitespace)
        && !is_placeholder(value)
        && !is_label(value)
        && !is_reference_literal(value)
        && !is_known_non_secret(value)
}

/// `<password>…</password>`, `<property name="connection.password">…</property>`
/// (Maven, Hibernate, Spring XML): a secret-named element or property.
fn validate_xml_value(c: &Candidate<'_>) -> bool {
    let Some(name) = c.group("key").or_else(|| c.group("tag")) else {
        return false;
    };
    let value = c.secret;
    name_kind(name) == Some(NameKind::Secret)
        && !value.chars().any(char::is_whitespace)
        && !is_label(value)
        && !is_known_non_secret(value)
        && !is_reference_literal(value)
}

/// `conn.login('user@example.com', 'literal')`: an API client logging in with a
/// password written in the code.
fn validate_login_call(c: &Candidate<'_>) -> bool {
    let user = c.group("user").unwrap_or("").trim_matches(['\'', '"']);
    !user.is_empty()
        && !c.secret.chars().any(char::is_whitespace)
        && !is_label(c.secret)
        && !is_known_non_secret(c.secret)
        && !is_reference_literal(c.secret)
}

/// `npm:^3.972.78`, `^4.19.2`, `~> 5.0`, `>=1.2`, `workspace:*`.
fn is_version_spec(value: &str) -> bool {
    let v = value
        .strip_prefix("npm:")
        .or_else(|| value.strip_prefix("workspace:"))
        .unwrap_or(value);
    let v = v.trim_start_matches(['^', '~', '>', '<', '=', ' ', 'v']);
    // NOTE: a dot is required: `7a2f9a42…` (a hex API key) is no version.
    v == "*"
        || (v
            .split('.')
            .next()
            .is_some_and(|major| !major.is_empty() && major.bytes().all(|b| b.is_ascii_digit()))
            && v.contains('.')
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+')))
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Unquoted code that names a value instead of being one: calls, paths,
/// member accesses, bare identifiers, YAML tags, anchors and structures.
fn is_code_reference(v: &str) -> bool {
    // CUE definitions (`#SecretType`) are types.
    let v = v
        .strip_prefix('#')
        .filter(|rest| rest.starts_with(|ch: char| ch.is_ascii_alphabetic()))
        .unwrap_or(v);
    if v.contains(['(', ')', '<', '>', '[', ']', '{', '}']) || v.contains("::") {
        return true;
    }
    if v.starts_with(['!', '&', '*', '[', '{', '|', '>', '(']) {
        return true;
    }
    let is_ident = |s: &str| {
        s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    };
    let has = |f: fn(&u8) -> bool| v.as_bytes().iter().any(f);
    if is_ident(v) && !has(u8::is_ascii_digit) {
        // A long random run of letters is a value even without digits.
        let random_letters = v.len() >= 20 && !v.contains('_') && shannon_entropy(v) >= 4.0;
        return !random_letters;
    }
    // `snake_case_2`, `_bindgen_ty_7`: names, unless mixed like a random token.
    if is_ident(v)
        && v.contains('_')
        && !(has(u8::is_ascii_uppercase) && has(u8::is_ascii_lowercase) && has(u8::is_ascii_digit))
    {
        return true;
    }
    // `user.issue_password_reset!`, `obj.valid?`: Ruby method names may end in `!` or `?`.
    v.contains('.')
        && v.split('.')
            .all(|part| is_ident(part.trim_end_matches(']').trim_end_matches(['!', '?'])))
}

/// An unquoted value with more on its line is the start of an expression or a
/// command, not a literal: `key = prefix + "_token"`, `$pw = Get-Password $c`,
/// `password: my secret phrase` (prose). Shell's `KEY=value cmd` (no space before
/// `=`) and a trailing comment still count as literals.
fn continues_as_code(c: &Candidate<'_>, op: &str) -> bool {
    let rest = c.text.get(c.span.end as usize..).unwrap_or("");
    let line = rest.split('\n').next().unwrap_or("");
    let after = line.trim_start_matches([' ', '\t']);
    if after.len() == line.len() || after.is_empty() || after.starts_with(['#', '/', '\r']) {
        return false;
    }
    let before_op = c.context_span.start as usize
        + c.text
            .get(c.context_span.range())
            .and_then(|m| m.find(op))
            .unwrap_or(0);
    let spaced_op = c
        .text
        .get(..before_op)
        .is_some_and(|head| head.ends_with([' ', '\t']));
    match op {
        // YAML or JSON: another word after a plain scalar makes it text.
        ":" => after.starts_with(|ch: char| ch.is_ascii_alphanumeric()),
        _ => spaced_op,
    }
}

/// PowerShell: `$password = Get-JenkinsPassword` calls a cmdlet (Verb-Noun).
fn is_powershell_command(key: &str, value: &str) -> bool {
    let Some((verb, noun)) = value.split_once('-') else {
        return false;
    };
    let capitalised = |w: &str| {
        w.starts_with(|ch: char| ch.is_ascii_uppercase())
            && w.bytes().all(|b| b.is_ascii_alphabetic())
    };
    key.starts_with('$') && capitalised(verb) && capitalised(noun)
}

/// `/etc/app/key`, `./secret.txt`, `~/.token`.
fn is_path_like(v: &str) -> bool {
    (v.starts_with('/') || v.starts_with("./") || v.starts_with("../") || v.starts_with("~/"))
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'_' | b'-' | b'~'))
}

/// `scheme://user:password@host…`
fn has_url_credentials(v: &str) -> bool {
    let Some(rest) = v.find("://").and_then(|i| v.get(i + 3..)) else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority.rsplit_once('@').is_some_and(|(userinfo, _)| {
        userinfo
            .split_once(':')
            .is_some_and(|(_, pw)| !pw.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_clean, assert_finds, b64url, random, ALNUM, B32, B64, HEX};
    use super::super::{detectors, scan};
    use crate::source::Span;

    #[test]
    fn every_pattern_compiles_with_a_secret_group() {
        for d in detectors() {
            let re = regex::Regex::new(d.pattern).unwrap_or_else(|e| panic!("{}: {e}", d.id));
            assert!(
                re.capture_names().any(|n| n == Some("secret")),
                "{} has no secret group",
                d.id
            );
            assert!(!d.keywords.is_empty(), "{} has no keywords", d.id);
        }
        // The prefilter's leftmost-longest search would hide a keyword that
        // occurs inside another one past its first byte.
        let keywords: Vec<String> = detectors()
            .iter()
            .flat_map(|d| d.keywords.iter().map(|k| k.to_ascii_lowercase()))
            .collect();
        // Twilio's `AC` + hex and `SK` + hex cannot start inside these words.
        let harmless = [
            ("hooks.slack.com", "ac"),
            ("accesskey", "sk"),
            ("hmac_key", "ac"),
        ];
        for a in &keywords {
            for b in &keywords {
                let hidden = a.get(1..).is_some_and(|rest| rest.contains(b.as_str()));
                assert!(
                    !hidden || harmless.contains(&(a.as_str(), b.as_str())),
                    "{a} hides {b}"
                );
            }
        }
        let mut ids: Vec<_> = detectors().iter().map(|d| d.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), detectors().len(), "detector ids must be unique");
    }

    fn pem(kind: &str, seed: u64) -> String {
        let body: Vec<String> = (0..4).map(|i| random(seed + i, 64, B64)).collect();
        format!(
            "-----BEGIN {kind}PRIVATE KEY-----\n{}\n-----END {kind}PRIVATE KEY-----",
            body.join("\n")
        )
    }

    #[test]
    fn private_key_blocks() {
        for kind in ["", "RSA ", "EC ", "OPENSSH ", "DSA ", "ENCRYPTED "] {
            let key = pem(kind, 1);
            let text = format!("# deploy key\n{key}\n");
            let m = assert_finds(&text, "private-key", &key);
            assert_eq!(m.context_span, m.span);
        }
        // Indented in a YAML block scalar.
        let key = pem("RSA ", 2).replace('\n', "\n  ");
        assert_finds(
            &format!("ssh_key: |\n  {key}\nnext: 1\n"),
            "private-key",
            &key,
        );
        // A service-account JSON keeps the key on one line with `\n` escapes.
        let key = pem("", 3).replace('\n', "\\n");
        let text = format!("{{\"type\": \"service_account\", \"private_key\": \"{key}\\n\"}}");
        assert_finds(&text, "private-key", &key);
        // PGP armour.
        let key = format!(
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{}\n{}\n=AbCd\n-----END PGP PRIVATE KEY BLOCK-----",
            random(4, 64, B64),
            random(5, 64, B64)
        );
        assert_finds(&format!("{key}\n"), "private-key", &key);
        // Two keys in one file are two findings.
        let (a, b) = (pem("RSA ", 6), pem("EC ", 7));
        let text = format!("{a}\n\n{b}\n");
        let found = scan(&text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].secret(&text), b);
    }

    #[test]
    fn private_key_negatives() {
        let public = pem("", 8).replace("PRIVATE", "PUBLIC");
        assert_clean(&public);
        // Header without a footer (e.g. a detector's own source), or a template.
        assert_clean("if line.starts_with(\"-----BEGIN RSA PRIVATE KEY-----\") {\n  return;\n}\n");
        assert_clean(
            "key = \"-----BEGIN PRIVATE KEY-----\\n{{ key }}\\n-----END PRIVATE KEY-----\"\n",
        );
        assert_clean(
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----\n",
        );
    }

    #[test]
    fn aws_access_key_id() {
        let key = format!("AKIA{}", random(10, 16, B32));
        assert_finds(
            &format!("aws_access_key_id = {key}\n"),
            "aws-access-key-id",
            &key,
        );
        let key = format!("ASIA{}", random(11, 16, B32));
        assert_finds(
            &format!("  \"AccessKeyId\": \"{key}\",\n"),
            "aws-access-key-id",
            &key,
        );
        // Documented example, glued into a longer token, and IAM unique IDs.
        assert_clean(&format!(
            "aws_access_key_id = {}\n",
            concat!("AKIAIOSFO", "DNN7EXAMPLE")
        ));
        assert_clean(&format!("id = \"X{key}\"\n"));
        assert_clean(&format!("id = \"{key}A\"\n"));
        assert_clean(&format!("group = \"AGPA{}\"\n", random(12, 16, B32)));
    }

    #[test]
    fn aws_secret_access_key() {
        let secret = random(20, 40, B64);
        let text = format!("[default]\naws_secret_access_key = {secret}\n");
        let m = assert_finds(&text, "aws-secret-access-key", &secret);
        assert_eq!(
            &text[m.context_span.range()],
            format!("aws_secret_access_key = {secret}")
        );
        let text = format!("provider \"aws\" {{\n  secret_key = \"{secret}\"\n}}\n");
        assert_finds(&text, "aws-secret-access-key", &secret);
        assert_finds(
            &format!("AWS_SECRET_ACCESS_KEY: '{secret}'\n"),
            "aws-secret-access-key",
            &secret,
        );
        let example = concat!("wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYEXAMPLEKEY");
        assert_clean(&format!("aws_secret_access_key = {example}\n"));
        // A git SHA or a digest under an aws-ish name is not a key.
        assert_clean(&format!("aws_commit = \"{}\"\n", random(21, 40, HEX)));
        assert_clean(&format!("aws_secret_arn = \"{secret}\"\n"));
    }

    #[test]
    fn real_world_near_misses_are_clean() {
        assert_clean(
            "  policy_arn = \"arn:aws:iam::aws:policy/EC2InstanceProfileForImageBuilder\"\n",
        );
        assert_clean("    \"@aws-sdk/credential-provider-node\": \"npm:^3.972.78\"\n");
        assert_clean("client.connect(username=\"slowdive\", password=\"pygmalion\")\n");
        assert_clean("  \"label.password\": \"Contraseña segura\",\n  \"x.password\": \"パスワードを入力\"\n");
        assert_clean("const EnvAWSSecretAccessKey = \"AWS_SECRET_ACCESS_KEY\"\n");
        assert_clean("  secretName: cert-manager-webhook-ca\n");
        assert_clean("    inject-ca-from-secret: \"cert-manager/cert-manager-webhook-ca\"\n");
        assert_clean("OPENSHIFT_PASS=openshift-credentials:password\n");
        assert_clean("  setShareData(data, { token: data?.token });\n");
        assert_clean("password: { id: 'label.password', defaultMessage: 'Password' }\n");
        assert_clean("private_key_value = 94761803665136558137557783047955027733968423115106677159790289642479432803037\n");
    }

    #[test]
    fn github_tokens() {
        for (i, prefix) in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"].iter().enumerate() {
            let token = format!("{prefix}{}", random(30 + i as u64, 36, ALNUM));
            assert_finds(&format!("GH_AUTH={token}\n"), "github-token", &token);
        }
        let pat = format!(
            "github_pat_{}_{}",
            random(36, 22, ALNUM),
            random(37, 59, ALNUM)
        );
        assert_finds(
            &format!("gh auth login --with-token <<< {pat}\n"),
            "github-fine-grained-pat",
            &pat,
        );
        // Too long to be a token, or a placeholder.
        assert_clean(&format!("x = ghp_{}\n", random(38, 40, ALNUM)));
        assert_clean("GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n");
    }

    #[test]
    fn gitlab_pat() {
        let token = format!("glpat-{}", random(40, 20, ALNUM));
        assert_finds(
            &format!("git clone https://oauth2:{token}@gitlab.com/acme/app.git\n"),
            "gitlab-pat",
            &token,
        );
        assert_clean("token: glpat-xxxxxxxxxxxxxxxxxxxx\n");
    }

    #[test]
    fn slack_tokens_and_webhooks() {
        let bot = format!(
            "xoxb-{}-{}-{}",
            random(50, 12, "0123456789"),
            random(51, 13, "0123456789"),
            random(52, 24, ALNUM)
        );
        assert_finds(&format!("SLACK_BOT={bot}\n"), "slack-token", &bot);
        let user = format!(
            "xoxp-{}-{}-{}-{}",
            random(53, 11, "0123456789"),
            random(54, 11, "0123456789"),
            random(55, 12, "0123456789"),
            random(56, 32, HEX)
        );
        assert_finds(&format!("slack: \"{user}\"\n"), "slack-token", &user);
        let app = format!(
            "xapp-1-A{}-{}-{}",
            random(57, 10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
            random(58, 13, "0123456789"),
            random(59, 64, HEX)
        );
        assert_finds(&format!("app_level = {app}\n"), "slack-token", &app);

        let path = format!(
            "T{}/B{}/{}",
            random(60, 8, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
            random(61, 10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
            random(62, 24, ALNUM)
        );
        let url = format!("https://hooks.slack.com/services/{path}");
        let text = format!("  webhook: {url}\n");
        let m = assert_finds(&text, "slack-webhook", &path);
        assert_eq!(&text[m.context_span.range()], url);
        // Slack's own documentation example.
        assert_clean(
            "url = \"https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX\"\n",
        );
    }

    #[test]
    fn stripe_live_keys_only() {
        let live = format!("sk_live_{}", random(70, 24, ALNUM));
        assert_finds(
            &format!("STRIPE_SECRET_KEY={live}\n"),
            "stripe-secret-key",
            &live,
        );
        let restricted = format!("rk_live_{}", random(71, 99, ALNUM));
        assert_finds(
            &format!("stripe.api_key = \"{restricted}\"\n"),
            "stripe-restricted-key",
            &restricted,
        );
        assert_clean(&format!(
            "STRIPE_SECRET_KEY={}\n",
            format_args!("sk_test_{}", random(72, 24, ALNUM))
        ));
        assert_clean(&format!(
            "STRIPE_KEY=\"{}\"\n",
            format_args!("pk_live_{}", random(73, 24, ALNUM))
        ));
        assert_clean(&format!(
            "STRIPE_PUBLISHABLE_KEY={}\n",
            format_args!("pk_test_{}", random(74, 24, ALNUM))
        ));
    }

    #[test]
    fn google_api_key() {
        let key = format!("AIza{}", random(80, 35, &format!("{ALNUM}_-")));
        assert_finds(
            &format!("const firebase = {{ apiKey: \"{key}\" }};\n"),
            "google-api-key",
            &key,
        );
        assert_clean(&format!("x = \"{key}x\"\n"));
    }

    #[test]
    fn twilio() {
        let api_key = format!("SK{}", random(90, 32, HEX));
        assert_finds(
            &format!("TWILIO_API_KEY={api_key}\n"),
            "twilio-api-key",
            &api_key,
        );
        let sid = format!("AC{}", random(91, 32, HEX));
        let token = random(92, 32, HEX);
        let text = format!("client = Client(\"{sid}\", \"{token}\")\n");
        let m = assert_finds(&text, "twilio-auth-token", &token);
        assert!(text[m.context_span.range()].starts_with(&sid));
        assert_finds(
            &format!("TWILIO_AUTH_TOKEN={token}\n"),
            "twilio-auth-token",
            &token,
        );
        // An account SID alone is an identifier.
        assert_clean(&format!("TWILIO_ACCOUNT_SID={sid}\n"));
    }

    #[test]
    fn sendgrid_npm_pypi() {
        let alphabet = format!("{ALNUM}_-");
        let sg = format!(
            "SG.{}.{}",
            random(100, 22, &alphabet),
            random(101, 43, &alphabet)
        );
        assert_finds(&format!("sendgrid: {sg}\n"), "sendgrid-api-key", &sg);
        let npm = format!("npm_{}", random(102, 36, ALNUM));
        assert_finds(
            &format!("//registry.npmjs.org/:_authToken={npm}\n"),
            "npm-token",
            &npm,
        );
        let pypi = format!("pypi-AgEIcHlwaS5vcmc{}", random(103, 120, &alphabet));
        assert_finds(
            &format!("[pypi]\n  username = __token__\n  password = {pypi}\n"),
            "pypi-token",
            &pypi,
        );
    }

    fn jwt(header: &str, payload: &str, signature: &str) -> String {
        format!("{}.{}.{signature}", b64url(header), b64url(payload))
    }

    #[test]
    fn jwts() {
        let token = jwt(
            r#"{"alg":"HS256","typ":"JWT"}"#,
            r#"{"sub":"42","name":"Service","iat":1700000000}"#,
            &random(110, 43, &format!("{ALNUM}_-")),
        );
        assert!(token.starts_with("eyJ"));
        assert_finds(&format!("Authorization: Bearer {token}\n"), "jwt", &token);
        assert_finds(&format!("api_token = \"{token}\"\n"), "jwt", &token);

        let unsigned = jwt(
            r#"{"alg":"none"}"#,
            r#"{"sub":"42"}"#,
            &random(111, 20, ALNUM),
        );
        assert_clean(&format!("t = {unsigned}\n"));
        let not_json = format!(
            "eyJ{}.{}.{}",
            random(112, 20, ALNUM),
            random(113, 20, ALNUM),
            random(114, 30, ALNUM)
        );
        assert_clean(&format!("t = {not_json}\n"));
        let trivial = jwt(
            r#"{"alg":"HS256"}"#,
            r#"{"sub":"42"}"#,
            "AAAAAAAAAAAAAAAAAAAA",
        );
        assert_clean(&format!("t = {trivial}\n"));
        let jwt_io = jwt(
            r#"{"alg":"HS256","typ":"JWT"}"#,
            r#"{"sub":"1234567890","name":"John Doe","iat":1516239022}"#,
            concat!("SflKxwRJSMeKKF2QT4fwpMeJf36POk6y", "JV_adQssw5c"),
        );
        assert_clean(&format!("example = {jwt_io}\n"));
    }

    #[test]
    fn database_urls() {
        let pw = random(120, 16, ALNUM);
        let cases = [
            format!("DATABASE_URL=postgres://app:{pw}@db.internal:5432/app"),
            format!("url: postgresql+psycopg2://app:{pw}@10.0.0.5/app"),
            format!("MONGO_URI=\"mongodb+srv://admin:{pw}@cluster0.abcde.mongodb.net/db\""),
            format!("redis_url = 'redis://:{pw}@cache:6379/0'"),
            format!("amqps://svc:{pw}@mq.internal/vhost"),
            format!("jdbc = mysql://root:{pw}@localhost/shop"),
        ];
        for case in &cases {
            let text = format!("{case}\n");
            let m = assert_finds(&text, "database-url", &pw);
            assert!(text[m.context_span.range()].contains("://"));
        }
        for clean in [
            "DATABASE_URL=postgres://postgres:postgres@localhost:5432/app",
            "DATABASE_URL: postgresql://umami:umami@db:5432/umami",
            "DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app",
            "DATABASE_URL=postgres://app:$DB_PASSWORD@db/app",
            "url = postgres://user:<password>@host/db",
            "url = 'postgresql://%s:%s@%s/%s' % args",
            "url = f\"postgresql://{user}:{password}@{host}/db\"",
            "mongodb://user:pass@localhost:27017",
            "REDIS_URL=redis://localhost:6379/0",
            "see postgres://app:hunter2hunter@db.example.com/app",
        ] {
            assert_clean(&format!("{clean}\n"));
        }
    }

    #[test]
    fn generic_assignments() {
        let pw = format!("{}!{}", random(130, 10, ALNUM), random(131, 6, ALNUM));
        let cases = [
            format!("password = \"{pw}\""),
            format!("DB_PASSWORD={pw}"),
            format!("export API_KEY='{pw}'"),
            format!("  db_password: {pw}"),
            format!("{{\"clientSecret\": \"{pw}\"}}"),
            format!("token := \"{pw}\""),
            format!("'auth_token' => '{pw}',"),
            format!("spring.datasource.password={pw}"),
            format!("const apiKey = `{pw}`;"),
            format!("os.environ[\"DB_PASSWORD\"] = \"{pw}\""),
            format!("curl -H \"X-Api-Key: {pw}\" https://api.internal"),
            format!("https://api.internal/v1?token={pw}&page=2"),
            format!("$password = \"{pw}\";"),
            format!("mysql --user=app --password={pw} shop"),
            format!("DB_PASSWORD={pw} ./run.sh"),
            format!("password = {pw} # rotated monthly"),
            format!("db: {{user: app, password: {pw}}}"),
            format!("{{\"user\":\"app\",\"password\":\"{pw}\",\"port\":5432}}"),
            format!("conn = connect(host=\"db\", password=\"{pw}\")"),
            format!("<add key=\"ApiKey\" value=\"x\" /> apiKey={pw}"),
        ];
        for case in &cases {
            let text = format!("{case}\n");
            let m = assert_finds(&text, "generic-secret", &pw);
            let context = &text[m.context_span.range()];
            assert!(
                context.ends_with(&pw)
                    || context.ends_with(&format!("{pw}\""))
                    || context.ends_with(&format!("{pw}'"))
                    || context.ends_with(&format!("{pw}`")),
                "{context}"
            );
        }
        // A DSN is a secret when its URL carries a password.
        let dsn = format!("https://user:{pw}@sentry.internal/1");
        assert_finds(&format!("SENTRY_DSN={dsn}\n"), "generic-secret", &dsn);
        // Kubernetes Secret data: base64 of a real value fires.
        let encoded = super::super::tests::b64(&random(132, 18, ALNUM));
        assert_finds(
            &format!("data:\n  password: {encoded}\n"),
            "generic-secret",
            &encoded,
        );
    }

    #[test]
    fn generic_negatives() {
        for clean in [
            "password = \"\"",
            "password = \"changeme\"",
            "password: <your-password>",
            "password = \"${DB_PASSWORD}\"",
            "password = \"{{ vault_db_password }}\"",
            "password: ${{ secrets.DB_PASSWORD }}",
            "DB_PASSWORD=$DB_PASSWORD",
            "password = var.db_password",
            "password = random_password.db.result",
            "password = os.environ[\"DB_PASSWORD\"]",
            "const apiKey = process.env.API_KEY;",
            "password = ENV['DB_PASSWORD']",
            "password = os.getenv('DB_PASSWORD')",
            "secret_key = \"%(secret)s\"",
            "api_key = \"xxxxxxxxxxxxxxxx\"",
            "password: \"********\"",
            "api_key: your-api-key-here",
            "password = \"example\"",
            "password = \"test1234\"",
            "POSTGRES_PASSWORD: postgres",
            "password = \"P@ssw0rd123!\"",
            "password = \"mysecretpassword\"",
            "api_key = \"dummy-api-key\"",
            "secret = \"REDACTED\"",
            "token: null",
            "password = None",
            "password_required: true",
            "if password == \"hunter2hunter2x\":",
            "let token = Token::new(kind, span);",
            "token: Option<String>,",
            "password = userPassword",
            "fn parse_token(&mut self) -> Token {",
            "password = \"aaaaaaaaaaaa\"",
            "password = \"12345678\"",
            "secret_name = \"prod/db/password-2024x\"",
            "password_file: /run/secrets/db_password",
            "aws_access_key_id = \"AKIA\"",
            "api_key_id = \"k8Zq2LmP0xWv\"",
            "token_url = \"https://auth.internal/oauth/token\"",
            "secret_arn = \"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf\"",
            "password: \"Please enter your password\"",
            "max_tokens: 4096",
            "csrf_token = \"k8Zq2LmP0xWvR4tY\"",
            "nextToken: \"k8Zq2LmP0xWvR4tY\"",
            "secrets: inherit",
            "Password: !Ref DbPassword",
            "SENTRY_DSN=https://k8Zq2LmP0xWvR4tY@o1.ingest.sentry.io/1",
            "token = k8Zq2LmP.attr",
            // Real-world: docker/jenkins (PowerShell), prometheus (Go), prose in YAML.
            "$jenkinsPassword = Get-JenkinsPassword $Container",
            "$jenkinsPassword = Get-JenkinsPassword",
            "LabelAuthTokenStatus = elasticacheLabelPendingValues + \"auth_token_status\"",
            "password: k8Zq2LmP0xWv is what we used",
            // Issue 14: labels, addresses, code, regexes, hashes, public tokens.
            "\"form.integration.betula_token\": \"Betula-Token\",",
            "\"menu.api_keys\": \"API-avaimet\",",
            "smtp_pass: noreply@acme-mail.io",
            "token = @user.token",
            "@api_key.key = @plain_key",
            "notice_token: :account_delete_token",
            "PrivateKey=@wireguard-key",
            "const token = '%[a-f0-9]{2}';",
            "proxy_pass http://backend:8080/;",
            "password_encryption = scram-sha-256",
            "password: string;",
            "password: String!",
            "\"password\": \"pbkdf2_sha256$260000$3wHQvOIxb7oG$Y3pX0Lz7mWv2cR8sK1fN4tBq9aE6dJ5uG0hV7yT2kMo=\"",
            "encrypted_password: \"$2a$12$s.YfVZdfvAuO/Iz6fte5iO..ZbbEgreZnDcYOGvX4NGJskYQIstcG\"",
            "access_token: access-sandbox-0af2c971-41a6-4fc5-a97d-f2b27ab0a648",
            "clientToken: \"pub5d32df5ce9fedd38fc7ef24f8e0cd0bb\"",
            "RECAPTCHA_PRIVATE_KEY=6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe",
            "symfony_secret: '%env(APP_SECRET)%'",
            "api_token: ${env.API_TOKEN}",
        ] {
            assert_clean(&format!("{clean}\n"));
        }
    }

    #[test]
    fn framework_forms() {
        let salt = format!(
            "{} {}<>{}",
            random(170, 30, ALNUM),
            random(171, 20, B64),
            random(172, 14, ALNUM)
        );
        assert_finds(
            &format!("define('AUTH_KEY', '{salt}');\n"),
            "php-define",
            &salt,
        );
        assert_clean("define( 'DB_PASSWORD', 'admin' );\n");
        assert_clean("define('WP_DEBUG', 'something-long');\n");
        let key = format!("django-insecure-{}", random(173, 40, ALNUM));
        assert_finds(
            &format!("SECRET_KEY = env.str(\"SECRET_KEY\", default=\"{key}\")\n"),
            "env-default",
            &key,
        );
        let pw = random(174, 16, ALNUM);
        assert_finds(
            &format!("KEY = os.environ.get('STRIPE_API_KEY', '{pw}')\n"),
            "env-default",
            &pw,
        );
        assert_clean("DEBUG = env.bool(\"DEBUG\", default=\"False-ish\")\n");
        assert_clean("SECRET_KEY = env(\"SECRET_KEY\", default=\"for-testing\")\n");
        assert_finds(
            "conn.login('ops@acme-shop.io', 'salesforcepassword', cb);\n",
            "login-call",
            "salesforcepassword",
        );
        assert_clean("conn.login('admin', 'password', cb);\n");
        assert_finds(
            &format!("license_key: {}\n", random(175, 40, HEX)),
            "generic-secret",
            &random(175, 40, HEX),
        );
    }

    #[test]
    fn xml_values() {
        let pw = random(176, 16, ALNUM);
        assert_finds(
            &format!("<property name=\"connection.password\">{pw}</property>\n"),
            "xml-value",
            &pw,
        );
        assert_finds(&format!("  <password>{pw}</password>\n"), "xml-value", &pw);
        assert_clean("<password>${env.DB_PASSWORD}</password>\n");
        assert_clean("<property name=\"hibernate.connection.password\">changeme</property>\n");
        assert_clean("<label>Passwort-Feld</label><token>Betula-Token</token>\n");
    }

    #[test]
    fn weak_database_passwords_count_on_public_hosts() {
        assert_finds(
            "uri: mongodb://shop:mongopass@ds048537.mlab-host.com:48537/main\n",
            "database-url",
            "mongopass",
        );
        assert_clean("uri: mongodb://shop:mongopass@localhost:27017/main\n");
        assert_clean("uri: mongodb://shop:password@ds048537.mlab-host.com/main\n");
        assert_clean("uri: postgres://app:changeme@db.acme-shop.io/app\n");
    }

    #[test]
    fn not_secrets_lockfiles_hashes_ids() {
        let sha512 = format!("sha512-{}==", random(140, 86, B64));
        let sha40 = random(141, 40, HEX);
        let sha64 = random(142, 64, HEX);
        let uuid = format!(
            "{}-{}-{}-{}-{}",
            random(143, 8, HEX),
            random(144, 4, HEX),
            random(145, 4, HEX),
            random(146, 4, HEX),
            random(147, 12, HEX)
        );
        for clean in [
            format!("      \"integrity\": \"{sha512}\","),
            format!("  integrity: {sha512}"),
            format!("github.com/pkg/errors v0.9.1 h1:{}=", random(148, 43, B64)),
            format!("checksum = \"{sha64}\""),
            format!("commit: {sha40}"),
            format!("uses: actions/checkout@{sha40}"),
            format!("image: nginx@sha256:{sha64}"),
            format!("digest = \"sha256:{sha64}\""),
            format!("token_digest = \"sha256:{sha64}\""),
            format!("request_id = \"{uuid}\""),
            format!("api_token: {uuid}"),
            format!(
                "ssh_public_key = \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{} deploy@ci\"",
                random(149, 42, B64)
            ),
            format!(
                "secret_public_key = \"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA{}\"",
                random(150, 300, B64)
            ),
            format!(
                "token = \"ssh-rsa AAAAB3NzaC1yc2E{}\"",
                random(151, 200, B64)
            ),
        ] {
            assert_clean(&format!("{clean}\n"));
        }
    }

    #[test]
    fn overlaps_prefer_the_specific_detector() {
        let token = format!("ghp_{}", random(160, 36, ALNUM));
        let text = format!("github_token = \"{token}\"\n");
        assert_finds(&text, "github-token", &token);
        let pw = random(161, 16, ALNUM);
        let text = format!("DB_DSN=\"postgres://app:{pw}@db/app\"\n");
        assert_finds(&text, "database-url", &pw);
        // Results come sorted by span.
        let a = format!("AKIA{}", random(162, 16, B32));
        let text = format!("{token} {a}\npassword = \"{pw}\"\n");
        let found = scan(&text);
        let ids: Vec<_> = found.iter().map(|m| m.detector.id).collect();
        assert_eq!(ids, ["github-token", "aws-access-key-id", "generic-secret"]);
        let spans: Vec<Span> = found.iter().map(|m| m.span).collect();
        let mut sorted = spans.clone();
        sorted.sort();
        assert_eq!(spans, sorted);
    }
}
