use crate::declare_rule;
use crate::model::dockerfile::Dockerfile;
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
        supersedes: ["SEC001"],
        carries_secret: true,
    }
}

use crate::secrets::is_named_secret;

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
    use super::is_named_secret;
    use crate::secrets::named::is_named_secret_value;

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
