//! Environment variables the configuration sets or declares: which names,
//! where, and whether the value is written inline. They serve two purposes:
//! vendor signals (`SENTRY_DSN`, `DD_API_KEY`) and secret consumption (a
//! secret-named variable the app reads).

use super::{loc_at, Location};
use crate::source::SourceFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EnvContext {
    Compose,
    Kubernetes,
    EcsTask,
    Lambda,
    Dockerfile,
    /// `.env.example`, `.env.sample`, `.env.template`: what the app expects.
    DotEnv,
    Ci,
}

impl EnvContext {
    /// Where the running application reads it (not the CI pipeline).
    pub(crate) fn is_runtime(self) -> bool {
        !matches!(self, EnvContext::Ci)
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            EnvContext::Compose => "compose",
            EnvContext::Kubernetes => "kubernetes",
            EnvContext::EcsTask => "ecs-task",
            EnvContext::Lambda => "lambda",
            EnvContext::Dockerfile => "dockerfile",
            EnvContext::DotEnv => "dotenv",
            EnvContext::Ci => "ci",
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct EnvSetting {
    pub name: String,
    pub context: EnvContext,
    /// The value is written inline as a literal (not `${VAR}`, not a secret reference).
    pub literal: bool,
    /// The value comes from a secret store or a Kubernetes Secret (`secretKeyRef`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub from_store: bool,
    #[serde(serialize_with = "super::ser_loc")]
    pub location: Location,
}

/// Template dotenv files: committed on purpose to declare the app's settings.
pub(crate) fn is_dotenv_template(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let stem = name.trim_start_matches('.');
    // `.env.example`, `.env-dist`, `.env_sample`, `app.env.sample`.
    let env_part = stem.starts_with("env.")
        || stem.starts_with("env-")
        || stem.starts_with("env_")
        || stem.contains(".env.")
        || stem.contains(".env-")
        || stem.contains(".env_");
    env_part
        && ["example", "sample", "template", "dist", "defaults"]
            .iter()
            .any(|s| stem.ends_with(s))
}

/// `KEY=value` and `export KEY=value` lines.
pub(crate) fn dotenv(file: &SourceFile, out: &mut Vec<EnvSetting>) {
    let mut offset = 0;
    for line in file.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start();
        let body = trimmed.strip_prefix("export ").unwrap_or(trimmed);
        let Some((key, value)) = body.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if key.is_empty()
            || key.starts_with('#')
            || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            continue;
        }
        let at = start + (line.len() - body.len());
        let value = value.trim().trim_matches(['"', '\'']);
        out.push(EnvSetting {
            name: key.to_string(),
            context: EnvContext::DotEnv,
            literal: !value.is_empty() && !value.contains('$'),
            from_store: false,
            location: loc_at(file, at, at + key.len()),
        });
    }
}

/// Whether a variable name is secret-named (ruleset "Conventions": password, secret,
/// token, api key, private key, access key, credentials ...; `_arn`, `_file`, `_path`,
/// `_name`, `_id`, `_url`, `_method`, `_length`, `_version` name references).
// NOTE: a small private copy of the convention; the secrets module may offer a shared one.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase().replace('-', "_");
    const REFERENCES: &[&str] = &[
        "_arn",
        "_file",
        "_path",
        "_name",
        "_id",
        "_url",
        "_method",
        "_length",
        "_version",
        "_ttl",
        "_expiry",
        "_header",
        "_type",
        "_endpoint",
        "_enabled",
    ];
    if REFERENCES.iter().any(|s| lower.ends_with(s)) {
        return false;
    }
    const MARKERS: &[&str] = &[
        "password",
        "passwd",
        "secret",
        "token",
        "api_key",
        "apikey",
        "private_key",
        "access_key",
        "credential",
        "auth_token",
        "client_secret",
        "license_key",
        "signing_key",
        "encryption_key",
    ];
    MARKERS.iter().any(|m| lower.contains(m)) || lower.split('_').any(|t| t == "pwd" || t == "pass")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_follow_the_convention() {
        for yes in [
            "DB_PASSWORD",
            "STRIPE_SECRET_KEY",
            "GITHUB_TOKEN",
            "api-key-x",
            "DD_API_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "MYSQL_PWD",
        ] {
            assert!(is_secret_name(yes), "{yes}");
        }
        for no in [
            "DB_PASSWORD_FILE",
            "TOKEN_URL",
            "AWS_ACCESS_KEY_ID",
            "SECRET_ARN",
            "PORT",
            "SENTRY_DSN",
            "PASSWORD_LENGTH",
        ] {
            assert!(!is_secret_name(no), "{no}");
        }
    }

    #[test]
    fn dotenv_templates() {
        assert!(is_dotenv_template(".env.example"));
        assert!(is_dotenv_template("app/.env.sample"));
        assert!(is_dotenv_template("env.template"));
        assert!(is_dotenv_template(".env-dist"));
        assert!(is_dotenv_template(".env.sample"));
        assert!(is_dotenv_template(".env_sample"));
        assert!(!is_dotenv_template(".envrc"));
        assert!(!is_dotenv_template(".env"));
        assert!(!is_dotenv_template("envoy.yaml"));
        let file = SourceFile::new(
            ".env.example".into(),
            crate::source::FileKind::Text,
            "# x\nDATABASE_PASSWORD=\nexport API_TOKEN=abc\n".into(),
        );
        let mut out = Vec::new();
        dotenv(&file, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].location.start.line, 2);
        assert!(!out[0].literal);
        assert!(out[1].literal);
    }
}
