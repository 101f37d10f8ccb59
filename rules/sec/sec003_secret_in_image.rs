use crate::declare_rule;
use crate::parse::dockerfile::Dockerfile;
use crate::rule::{Cx, Rule, Scope};
use crate::secrets;
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// A Dockerfile `ENV` or `ARG` whose name is secret-like (`PASSWORD`, `SECRET`,
    /// `TOKEN`, `API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`, `CREDENTIALS`, ...) and whose
    /// value is a literal: `ENV DB_PASSWORD=hunter2`, `ARG NPM_TOKEN=npm_...`. Both
    /// forms are read (`ENV KEY=value` and the legacy `ENV KEY value`), across line
    /// continuations. The finding points at the value.
    ///
    /// Not reported: `ARG NPM_TOKEN` without a default (the value comes from the
    /// build), references (`ENV TOKEN=$NPM_TOKEN`, `${TOKEN:-}`), empty values,
    /// placeholders (`changeme`, `<token>`, `xxx`) and well-known development defaults
    /// (`postgres`, `password`, `example`, `test`), and names that only point at a
    /// secret (`DB_PASSWORD_FILE`, `SECRET_NAME`, `TOKEN_URL`, `API_KEY_ID`).
    ///
    /// ## Why it matters
    /// "Avoid secrets / credentials in code": an `ENV` is stored in the image config and
    /// an `ARG` default in its build history, so the secret ships to every registry,
    /// laptop and cluster that pulls the image (`docker history`, `docker inspect`), on
    /// top of living in git.
    ///
    /// ## Bad
    /// ```dockerfile
    /// FROM node:20.11-alpine3.19
    /// ENV STRIPE_SECRET_KEY=rk_live_9fQ2xVb7LmT4pWz8
    /// USER node
    /// ```
    ///
    /// ## Good
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM node:20.11-alpine3.19
    /// ARG NPM_TOKEN
    /// RUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci
    /// USER node
    /// ```
    ///
    /// ## How to fix
    /// Rotate the secret. Pass build-time secrets with BuildKit secret mounts
    /// (`RUN --mount=type=secret,id=npm ...`, `docker build --secret id=npm,...`), and
    /// runtime secrets through the orchestrator (ECS task secrets from Secrets Manager
    /// or SSM, Kubernetes Secrets), never through the image.
    SecretInImage {
        id: "SEC003",
        name: "secret-in-image",
        pillar: Sec,
        stage: Seed,
        scope: Scope::File(&[FileKind::Dockerfile]),
        severity: Error,
        since: "0.1.0",
        summary: "secret baked into the image",
        precision: Medium,
    }
}

/// Whether `key = value` sets a secret: a secret-like name and a real secret value. A DSN
/// is a secret only with a password in it (`postgres://u:pw@h`): Sentry DSNs carry a
/// public key and are meant to ship in client code.
pub(crate) fn is_named_secret(key: &str, value: &str) -> bool {
    if !secrets::is_secret_name(key) || !is_named_secret_value(value) {
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

impl Rule for SecretInImage {
    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Cx) {
        for ins in &df.instructions {
            if !matches!(ins.keyword.as_str(), "ENV" | "ARG") {
                continue;
            }
            for kv in ins.key_values(cx.text()) {
                let (Some(value), Some(span)) = (&kv.value, kv.value_span) else {
                    continue;
                };
                if !is_named_secret(&kv.key, value) {
                    continue;
                }
                let why = if ins.keyword == "ENV" {
                    "is stored in the image config, visible to anyone who pulls it"
                } else {
                    "is recorded in the image's build history"
                };
                cx.report(
                    cx.finding(span)
                        .secret(span)
                        .message(format!(
                            "`{} {}` sets a literal secret (`{}`) that {why}",
                            ins.keyword,
                            kv.key,
                            secrets::redact(value)
                        ))
                        .label(kv.key_span, "secret-like name")
                        .help("rotate it; pass build secrets with `RUN --mount=type=secret` and runtime secrets from the orchestrator"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{is_named_secret, is_named_secret_value};

    #[test]
    fn values() {
        assert!(is_named_secret_value(
            "Tq7vXk2LmN9pR4sW8yZb3cF6hJ1dG5eA0uIoPqRs"
        ));
        assert!(is_named_secret_value(
            "3f9c1e2a-77d4-4b9e-a1f0-5c6d7e8f9a0b"
        ));
        assert!(is_named_secret_value("ZGVwbG95LWJvdDpzM2NyM3Q="));
        assert!(!is_named_secret_value(
            "ANTHROPIC_API_KEY=anthropic:api-key"
        ));
        assert!(!is_named_secret_value("changethis"));
        assert!(!is_named_secret_value("${{ secrets.TOKEN }}"));
        assert!(!is_named_secret_value("$NPM_TOKEN"));
        assert!(!is_named_secret_value("a b c d e f g h"));
        assert!(!is_named_secret_value("postgres"));
        assert!(!is_named_secret_value("gitea-webhook-secret"));
        assert!(!is_named_secret_value("disabled"));
        assert!(is_named_secret_value("correct-horse-battery-staple"));
        assert!(is_named_secret(
            "DATABASE_DSN",
            "postgres://app:Zx9qT4vL2m@db:5432/app"
        ));
        assert!(!is_named_secret(
            "SENTRY_DSN",
            "https://4f8a2b9c7d1e@o4504.ingest.sentry.io/4504"
        ));
    }
}
