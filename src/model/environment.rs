//! Which environment a resource belongs to, as far as names tell (ruleset "Environments"):
//! RUN006 and RUN007 apply to production and to resources whose environment cannot be told,
//! and exempt what is identifiably non-production.
//!
//! A text is non-production when one of its words (split on anything that is not a letter or
//! a digit, case-insensitive) is one of [`NON_PRODUCTION`]: `envs/staging/db.tf`,
//! `myapp-dev-db`, `Environment = "QA"`, `non-prod/us-east-1/`. Whole words only, so `devops`, `latest` or
//! `contest` say nothing. Unknown values (`var.env`, `"${local.name}-db"`) say nothing.

use crate::model::terraform::{Block, Value};

/// Words that name a non-production environment.
pub(crate) const NON_PRODUCTION: &[&str] = &[
    "dev",
    "development",
    "stage",
    "staging",
    "qa",
    "test",
    "sandbox",
    "preview",
    "uat",
    "nonprod",
    "preprod",
    "nonproduction",
    "preproduction",
];

/// Tag keys that hold an environment or a name.
const TAG_KEYS: &[&str] = &["environment", "env", "stage", "tier", "name"];

/// Attributes that name a resource (the AWS-side name or identifier).
const NAME_ATTRIBUTES: &[&str] = &[
    "name",
    "name_prefix",
    "identifier",
    "identifier_prefix",
    "cluster_identifier",
    "replication_group_id",
    "cluster_id",
];

/// The first non-production word of `text`, if any. `non-prod` and `pre-prod` (two words)
/// are read as one: `non-prod` is not production although it contains "prod".
pub(crate) fn non_production_word(text: &str) -> Option<&'static str> {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect();
    words.iter().enumerate().find_map(|(i, word)| {
        let joined = words.get(i + 1).and_then(|next| {
            let prefix = ["non", "pre"]
                .iter()
                .find(|p| word.eq_ignore_ascii_case(p))?;
            ["prod", "production"]
                .iter()
                .any(|p| next.eq_ignore_ascii_case(p))
                .then(|| {
                    if *prefix == "non" {
                        "nonprod"
                    } else {
                        "preprod"
                    }
                })
        });
        joined.or_else(|| {
            NON_PRODUCTION
                .iter()
                .copied()
                .find(|env| word.eq_ignore_ascii_case(env))
        })
    })
}

/// The first non-production word among the directories of `path` and the file's stem
/// (`live/staging/rds.tf`, `env/dev-eu/main.tf`, `staging.tf`).
pub(crate) fn non_production_path(path: &str) -> Option<&'static str> {
    let mut segments: Vec<&str> = path.split(['/', '\\']).collect();
    if let Some(file) = segments.pop() {
        let stem = file.split('.').next().unwrap_or(file);
        segments.push(stem);
    }
    segments.into_iter().find_map(non_production_word)
}

/// Why a Terraform block is identifiably non-production: its resource name (label), a naming
/// attribute (`name`, `identifier`, ...), or a tag (`Environment`, `Env`, `Stage`, `Name`).
/// Returns what said so, e.g. `tag Environment = "staging"`.
pub(crate) fn non_production_block(block: &Block) -> Option<String> {
    if let Some(label) = block.name() {
        if let Some(word) = non_production_word(label) {
            return Some(format!("its name `{label}` says `{word}`"));
        }
    }
    for key in NAME_ATTRIBUTES {
        if let Some(value) = block.value(key).and_then(Value::as_str) {
            if non_production_word(value).is_some() {
                return Some(format!("`{key} = \"{value}\"`"));
            }
        }
    }
    for tags_key in ["tags", "tags_all"] {
        let Some(entries) = block.value(tags_key).and_then(Value::as_object) else {
            continue;
        };
        for entry in entries {
            if entry.computed_key || !TAG_KEYS.iter().any(|k| entry.key.eq_ignore_ascii_case(k)) {
                continue;
            }
            if let Some(value) = entry.value.as_str() {
                if non_production_word(value).is_some() {
                    return Some(format!("tag `{} = \"{value}\"`", entry.key));
                }
            }
        }
    }
    // NOTE: autoscaling groups tag with blocks: `tag { key = "Environment" value = "dev" }`.
    for tag in block.blocks_named("tag") {
        let key = tag.value("key").and_then(Value::as_str);
        let value = tag.value("value").and_then(Value::as_str);
        if let (Some(key), Some(value)) = (key, value) {
            if TAG_KEYS.iter().any(|k| key.eq_ignore_ascii_case(k))
                && non_production_word(value).is_some()
            {
                return Some(format!("tag `{key} = \"{value}\"`"));
            }
        }
    }
    None
}

/// Whether a resource in the file at `path` is identifiably non-production.
pub(crate) fn is_non_production(path: &str, block: &Block) -> bool {
    non_production_path(path).is_some() || non_production_block(block).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::terraform::parse;

    #[test]
    fn words_not_substrings() {
        assert_eq!(non_production_word("myapp-dev-db"), Some("dev"));
        assert_eq!(non_production_word("QA"), Some("qa"));
        assert_eq!(non_production_word("Staging_EU"), Some("staging"));
        assert_eq!(non_production_word("non-prod"), Some("nonprod"));
        assert_eq!(non_production_word("eu-pre-prod-db"), Some("preprod"));
        assert_eq!(non_production_word("NonProd"), Some("nonprod"));
        assert_eq!(non_production_word("UAT"), Some("uat"));
        for text in [
            "devops",
            "latest",
            "contest",
            "production",
            "prod",
            "",
            "stg",
        ] {
            assert_eq!(non_production_word(text), None, "{text}");
        }
    }

    #[test]
    fn paths() {
        assert_eq!(non_production_path("envs/staging/rds.tf"), Some("staging"));
        assert_eq!(non_production_path("live/dev-eu/main.tf"), Some("dev"));
        assert_eq!(non_production_path("infra/staging.tf"), Some("staging"));
        assert_eq!(non_production_path("infra/prod/main.tf"), None);
        assert_eq!(non_production_path("modules/devops/main.tf"), None);
        assert_eq!(non_production_path("main.tf"), None);
        assert_eq!(
            non_production_path("non-prod/us-east-1/qa/mysql/main.tf"),
            Some("nonprod")
        );
    }

    #[test]
    fn blocks() {
        let text = r#"
resource "aws_db_instance" "main" {
  identifier = "shop-staging"
}
resource "aws_db_instance" "b" {
  tags = { Environment = "Sandbox" }
}
resource "aws_db_instance" "test" {}
resource "aws_autoscaling_group" "web" {
  tag {
    key   = "Env"
    value = "preview"
  }
}
resource "aws_db_instance" "c" {
  identifier = "${var.env}-db"
  tags       = { Environment = var.env, Owner = "dev" }
}
"#;
        let (file, _) = parse(text, "main.tf");
        let found: Vec<bool> = file
            .resources()
            .map(|b| non_production_block(b).is_some())
            .collect();
        assert_eq!(found, vec![true, true, true, true, false]);
        assert!(is_non_production("envs/qa/main.tf", &file.blocks[4]));
        assert!(!is_non_production("envs/prod/main.tf", &file.blocks[4]));
    }
}
