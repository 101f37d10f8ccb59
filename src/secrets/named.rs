//! Judging `name = value` pairs whose name a parser already found (SEC003, SEC004,
//! SEC005 and the credential-store formats): is the value a literal secret?

use crate::secrets;

/// Whether `key = value` sets a secret: a secret-like name and a real secret value. A DSN
/// is a secret only with a password in it (`postgres://u:pw@h`): Sentry DSNs carry a
/// public key and are meant to ship in client code.
pub(crate) fn is_named_secret(key: &str, value: &str) -> bool {
    if !secrets::is_secret_name(key) || !is_named_secret_value(value) {
        return false;
    }
    // `BITCOIN_RPCPASSWORD=rpcpassword`: the value is the key's own last words.
    let squash = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let own = squash(value.trim_matches(['"', '\'']));
    if own.len() >= 6 && squash(key).ends_with(&own) {
        return false;
    }
    let is_dsn = key
        .to_ascii_lowercase()
        .trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
        .ends_with("dsn");
    !is_dsn
        || value.split_once("://").is_some_and(|(_, rest)| {
            rest.split_once('@')
                .is_some_and(|(userinfo, _)| userinfo.contains(':') && !userinfo.contains('/'))
        })
}

/// Values that describe themselves rather than hold a secret: configuration words
/// (`disabled`, `required`) and lowercase word chains that name what belongs there
/// (`gitea-webhook-secret`, `local_jwt_token`).
fn is_self_describing(v: &str) -> bool {
    const CONFIG_WORDS: [&str; 8] = [
        "disabled",
        "enabled",
        "required",
        "optional",
        "generated",
        "automatic",
        "undefined",
        "inherit",
    ];
    const NAMING_WORDS: [&str; 10] = [
        "secret",
        "secrets",
        "password",
        "passwd",
        "pass",
        "pwd",
        "token",
        "key",
        "apikey",
        "credentials",
    ];
    let lower = v.to_ascii_lowercase();
    if CONFIG_WORDS.contains(&lower.as_str()) {
        return true;
    }
    let segments: Vec<&str> = v.split(['-', '_', '.', ':']).collect();
    segments.len() > 1
        && segments
            .iter()
            .all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase()))
        && segments.iter().any(|s| NAMING_WORDS.contains(s))
}

/// Whether a literal set under a secret-like name is a real secret: a real-looking value
/// ([`secrets::looks_like_secret_value`]: not a placeholder, reference, digest or test
/// key, at least 8 characters), or a UUID (Heroku and many other API keys are UUIDs, and
/// the name already says secret). `change...` values (`changethis`, `changeit`) are
/// placeholders. Shared by SEC003, SEC004 and SEC005.
pub(crate) fn is_named_secret_value(value: &str) -> bool {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'');
    // NOTE: a value with blanks or lines is a list or a mapping (`repo_secrets: |` of
    // vault paths), not one credential; SEC001 still scans it for known formats.
    if v.contains('$')
        || v.contains(char::is_whitespace)
        || v.to_ascii_lowercase().starts_with("change")
    {
        return false;
    }
    // `NAME=vault/path`: an assignment or mapping handed to a tool, not a credential.
    let assignment = v.split_once('=').is_some_and(|(name, rest)| {
        !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && !rest.is_empty()
            && !rest.starts_with('=')
    });
    if assignment {
        return false;
    }
    if is_self_describing(v) {
        return false;
    }
    let is_uuid = v.len() == 36
        && v.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    if is_uuid {
        return !secrets::is_placeholder(v) && v.bytes().any(|b| b.is_ascii_alphabetic());
    }
    secrets::looks_like_secret_value(v)
}
