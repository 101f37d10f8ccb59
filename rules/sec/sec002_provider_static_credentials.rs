use crate::declare_rule;
use crate::model::terraform::{Block, TerraformFile, Value};
use crate::rule::{Cx, Rule, Scope, Severity};
use crate::rules::support::terraform_edit;
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// Credentials written into Terraform code:
    ///
    /// - a `provider` block (or a block nested in it) that sets `access_key`, `secret_key`,
    ///   `token`, `password` or any other secret-named argument (`client_secret`,
    ///   `api_token`, ...) to a literal string. Any literal counts, even AWS's documented
    ///   example keys: the rule is about the practice. Google's `credentials` counts when
    ///   it holds the key itself (JSON), not a file path;
    /// - a secret-named `variable` with a literal string `default` that looks like a
    ///   credential (error): placeholders (`changeme`, `<...>`, `xxx`, `example`, ...) and
    ///   defaults that read as a lowercase word or identifier (`prodonly`,
    ///   `registry_credential`) are not credentials;
    /// - a secret-named string `variable` not marked `sensitive = true` (note), so its
    ///   value is printed in plans and logs.
    ///
    /// Secret-named means the name contains password, passwd, pwd, secret, token,
    /// api_key, private_key, access_key, credential or auth_token, and does not end in
    /// `_arn`, `_id`, `_name`, `_path`, `_file`, `_url`, `_length`, `_version`, ... (a
    /// reference, not a secret). Variables whose type or default is not a string
    /// (`bool`, `number`, lists, objects) are settings such as `create_random_password`
    /// and are not checked. Values from `var.`, `local.`, `file(...)` or environment
    /// variables are what the rule asks for and never fire.
    ///
    /// ## Why it matters
    /// "No secrets in code" is in the talk's low-hanging fruit: a key in a provider block
    /// is in every clone, fork, CI log and backup of the repository, and cannot be
    /// rotated without a commit. Marking secret variables `sensitive` keeps their values
    /// out of `terraform plan` output and CI logs.
    ///
    /// ## Bad
    /// ```hcl
    /// provider "aws" {
    ///   region     = "eu-west-1"
    ///   access_key = "AKIAIOSFODNN7EXAMPLE"
    ///   secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    /// }
    ///
    /// variable "db_password" {
    ///   type    = string
    ///   default = "hunter2hunter2"
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// provider "aws" {
    ///   region = "eu-west-1"
    /// }
    ///
    /// variable "db_password" {
    ///   type      = string
    ///   sensitive = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Let the provider read credentials from its standard chain (environment variables,
    /// a shared profile, an instance or CI OIDC role), pass secrets as variables without
    /// defaults (`TF_VAR_...` or a secret store), mark them `sensitive = true`, and rotate
    /// any key that was committed.
    ///
    /// ## Fix
    /// Safe. For a secret variable not marked `sensitive`, `--fix` adds `sensitive = true`
    /// (or turns `sensitive = false` into `true`), aligned with the block's arguments. It is
    /// not offered when an output without `sensitive = true`, a `for_each` or a `count` of
    /// the module (any `.tf` file of the directory) reads the variable, directly or through
    /// a local: Terraform would then refuse to plan. A literal credential has no fix: remove
    /// it and rotate it.
    ProviderStaticCredentials {
        id: "SEC002",
        name: "provider-static-credentials",
        pillar: Sec,
        stage: Seed,
        scope: Scope::File(&[FileKind::Terraform]),
        severity: Error,
        since: "0.1.0",
        summary: "static credentials in Terraform",
        fix: Safe,
        supersedes: ["SEC001"],
        carries_secret: true,
    }
}

/// The provider arguments the ruleset names, secret-named or not.
const PROVIDER_KEYS: &[&str] = &["access_key", "secret_key", "token", "password"];

use crate::secrets::{is_placeholder, is_secret_name};

/// A default that reads as a word or an identifier (`prodonly`, `registry_credential`),
/// not as a credential: no digit, no symbol, no capital.
fn reads_as_word(value: &str) -> bool {
    let v = value.trim();
    v.chars()
        .all(|c| c.is_ascii_lowercase() || c == '_' || c == '-')
}

/// Name prefixes of settings about secrets (`create_random_password`), not secrets.
const SETTING_PREFIXES: &[&str] = &[
    "create_", "enable_", "manage_", "use_", "is_", "should_", "allow_", "require_",
];

/// What may follow the last secret word of a variable that holds the secret itself
/// (`db_password`, `secret_key`, `api_token_value`); anything else makes the name a
/// setting about the secret (`password_rotation_schedule_expression`, `token_ttl`).
const VALUE_TAILS: &[&str] = &[
    "",
    "s",
    "_key",
    "_value",
    "_string",
    "_plaintext",
    "_b64",
    "_base64",
    "_raw",
    "_pem",
    "_json",
    "_content",
    "_data",
];

const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "private_key",
    "access_key",
    "credentials",
    "credential",
    "auth_token",
];

fn is_secret_variable_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase().replace('-', "_");
    if !is_secret_name(name) || SETTING_PREFIXES.iter().any(|p| lower.starts_with(p)) {
        return false;
    }
    let tail_start = SECRET_WORDS
        .iter()
        .filter_map(|w| lower.rfind(w).map(|i| i + w.len()))
        .max()
        .unwrap_or(lower.len());
    VALUE_TAILS.contains(&&lower[tail_start..])
}

/// Whether a variable can hold a string: no type or `string` (or `any`), and no default
/// of another kind.
fn is_string_variable(var: &Block) -> bool {
    let type_ok = match var.attr("type") {
        None => true,
        Some(attr) => match &attr.value {
            Value::String(s) => s == "string",
            v => matches!(v.as_reference(), Some("string" | "any")),
        },
    };
    let default_ok = match var.value("default") {
        None | Some(Value::Null | Value::String(_) | Value::Unknown(_)) => true,
        Some(_) => false,
    };
    type_ok && default_ok
}

/// A literal credential: a known, non-empty string (Google `credentials` only as JSON).
fn literal(key: &str, value: &Value) -> bool {
    let Some(text) = value.as_str() else {
        return false;
    };
    if text.trim().is_empty() {
        return false;
    }
    if key == "credentials" {
        return matches!(value, Value::Json(_)) || text.trim_start().starts_with('{');
    }
    true
}

fn check_provider_block(block: &Block, provider: &str, cx: &mut Cx) {
    for attr in &block.attributes {
        let key = attr.key.as_str();
        if !(PROVIDER_KEYS.contains(&key) || is_secret_name(key)) || !literal(key, &attr.value) {
            continue;
        }
        cx.report(
            cx.finding(attr.span)
                .secret(attr.value_span)
                .message(format!("provider `{provider}` sets `{key}` to a literal credential"))
                .help("remove it and let the provider read credentials from the environment, a profile or a role; rotate the committed key"),
        );
    }
    for nested in &block.blocks {
        check_provider_block(nested, provider, cx);
    }
}

impl Rule for ProviderStaticCredentials {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        for provider in tf.providers() {
            let name = provider.name().unwrap_or("?").to_string();
            check_provider_block(provider, &name, cx);
        }
        let mut sinks = None;
        for var in tf.variables() {
            let Some(name) = var.name() else {
                continue;
            };
            if !is_secret_variable_name(name) || !is_string_variable(var) {
                continue;
            }
            if let Some(default) = var.attr("default") {
                let credential = default
                    .value
                    .as_str()
                    .is_some_and(|v| !is_placeholder(v) && !reads_as_word(v));
                if literal("default", &default.value) && credential {
                    cx.report(
                        cx.finding(default.span)
                            .secret(default.value_span)
                            .message(format!("secret variable `{name}` has a literal default"))
                            .help("remove the default and pass the value at apply time (TF_VAR_..., a secret store)"),
                    );
                }
            }
            let sensitive = var.attr("sensitive");
            let span = match sensitive.map(|a| (a, a.value.as_bool())) {
                None => var.header_span,
                Some((attr, Some(false))) => attr.span,
                Some(_) => continue,
            };
            let sinks = sinks.get_or_insert_with(|| SensitiveSinks::of_module(cx));
            let fix = if sinks.break_on(name) {
                Vec::new()
            } else {
                terraform_edit::set_attribute(cx.text(), var, "sensitive", "true")
                    .into_iter()
                    .collect()
            };
            cx.report(
                cx.finding(span)
                    .severity(Severity::Note)
                    .message(format!(
                        "secret variable `{name}` is not marked `sensitive`"
                    ))
                    .help("add `sensitive = true` so plans and logs do not print it")
                    .fix("set `sensitive = true`", fix),
            );
        }
    }
}

/// What in a module reads values that `sensitive = true` would break: the bodies of its
/// locals, and the texts of its non-sensitive outputs, `for_each`es and `count`s.
/// Gathered once per file, from every `.tf` file of the directory.
struct SensitiveSinks {
    locals: Vec<(String, String)>,
    sinks: Vec<String>,
}

impl SensitiveSinks {
    fn of_module(cx: &Cx) -> Self {
        let mut texts = vec![cx.text().to_string()];
        texts.extend(cx.sibling_texts(".tf", 200).into_iter().map(|(_, t)| t));
        let mut locals = Vec::new();
        let mut sinks = Vec::new();
        for text in texts {
            let (tf, _) = crate::model::terraform::parse(&text, cx.path());
            let slice =
                |span: crate::source::Span| text.get(span.range()).unwrap_or("").to_string();
            for block in &tf.blocks {
                if block.kind == "locals" {
                    locals.extend(
                        block
                            .attributes
                            .iter()
                            .map(|a| (format!("local.{}", a.key), slice(a.value_span))),
                    );
                }
                let sensitive = block.attr("sensitive").and_then(|a| a.value.as_bool());
                if block.kind == "output" && sensitive != Some(true) {
                    sinks.push(slice(block.span));
                }
            }
            let mut stack: Vec<&Block> = tf.blocks.iter().collect();
            while let Some(block) = stack.pop() {
                sinks.extend(
                    block
                        .attributes
                        .iter()
                        .filter(|a| a.key == "for_each" || a.key == "count")
                        .map(|a| slice(a.value_span)),
                );
                stack.extend(block.blocks.iter());
            }
        }
        SensitiveSinks { locals, sinks }
    }

    /// Whether marking `var.<name>` sensitive would make `terraform plan` fail: a sink
    /// reads it, directly or through locals built from it.
    fn break_on(&self, name: &str) -> bool {
        let mut carriers = vec![format!("var.{name}")];
        loop {
            let before = carriers.len();
            for (local, body) in &self.locals {
                if !carriers.contains(local) && carriers.iter().any(|c| mentions(body, c)) {
                    carriers.push(local.clone());
                }
            }
            if carriers.len() == before {
                break;
            }
        }
        self.sinks
            .iter()
            .any(|t| carriers.iter().any(|c| mentions(t, c)))
    }
}

/// Whether `text` names `reference` (`var.db_password`, not `var.db_password_arn`).
fn mentions(text: &str, reference: &str) -> bool {
    text.match_indices(reference).any(|(i, _)| {
        let next = text[i + reference.len()..].chars().next();
        let prev = text[..i].chars().next_back();
        !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            && !prev.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for yes in [
            "db_password",
            "github_token",
            "client_secret",
            "access_key",
            "datadog_api_key",
            "aws_secret_access_key",
            "slack_webhook_token_value",
        ] {
            assert!(is_secret_variable_name(yes), "{yes}");
        }
        for no in [
            "access_key_id",
            "master_password_secret_arn",
            "password_length",
            "create_random_password",
            "token_ttl",
            "secret_name",
            "master_user_password_rotation_schedule_expression",
            "secret_recovery_window_in_days",
            "kms_key_id",
            "region",
        ] {
            assert!(!is_secret_variable_name(no), "{no}");
        }
    }
}
