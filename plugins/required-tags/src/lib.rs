//! `required-tags`: taggable AWS resources carry the tags the company requires
//! (cost centre, owner, ...). An example devops-lint plugin; see README.md.

use devops_lint_plugin::terraform::{Block, Terraform};
use devops_lint_plugin::{
    export_plugin, plugin_info, File, FileKind, Finding, Pillar, Plugin, PluginInfo, Report, Rule,
    Settings, Severity, Stage,
};

const MISSING_TAGS: Rule = Rule {
    id: "acme/TAG001",
    name: "missing-required-tags",
    pillar: Pillar::Prv,
    stage: Stage::Seed,
    kinds: &[FileKind::Terraform],
    repo: false,
    severity: Severity::Warning,
    summary: "taggable AWS resource without the required tags",
    docs: include_str!("../docs/TAG001.md"),
};

/// AWS resources that take `tags` and that teams usually allocate cost to.
/// `resource_types` in the settings replaces this list.
const TAGGABLE: &[&str] = &[
    "aws_alb",
    "aws_autoscaling_group",
    "aws_cloudfront_distribution",
    "aws_cloudwatch_log_group",
    "aws_db_instance",
    "aws_dynamodb_table",
    "aws_ebs_volume",
    "aws_ecr_repository",
    "aws_ecs_cluster",
    "aws_ecs_service",
    "aws_ecs_task_definition",
    "aws_efs_file_system",
    "aws_eip",
    "aws_eks_cluster",
    "aws_eks_node_group",
    "aws_elasticache_cluster",
    "aws_elasticache_replication_group",
    "aws_elasticsearch_domain",
    "aws_instance",
    "aws_kinesis_stream",
    "aws_kms_key",
    "aws_lambda_function",
    "aws_launch_template",
    "aws_lb",
    "aws_msk_cluster",
    "aws_nat_gateway",
    "aws_opensearch_domain",
    "aws_rds_cluster",
    "aws_redshift_cluster",
    "aws_s3_bucket",
    "aws_sagemaker_endpoint",
    "aws_secretsmanager_secret",
    "aws_sns_topic",
    "aws_sqs_queue",
    "aws_subnet",
    "aws_vpc",
];

struct RequiredTags {
    required: Vec<String>,
    /// Tags the provider's `default_tags` adds in another file (the plugin sees one file).
    provider_default_tags: Vec<String>,
    resource_types: Option<Vec<String>>,
}

impl Plugin for RequiredTags {
    fn info() -> PluginInfo {
        plugin_info("required-tags", env!("CARGO_PKG_VERSION"), &[MISSING_TAGS])
    }

    fn configure(settings: &Settings) -> Result<Self, String> {
        settings.allow_only(&["required_tags", "provider_default_tags", "resource_types"])?;
        Ok(RequiredTags {
            required: settings.required_string_list("required_tags")?,
            provider_default_tags: settings
                .string_list("provider_default_tags")?
                .unwrap_or_default(),
            resource_types: settings.string_list("resource_types")?,
        })
    }

    fn check(&self, file: &File, report: &mut Report) {
        let Some(tf) = file.terraform() else { return };
        let mut defaults = self.provider_default_tags.clone();
        match provider_default_tags(&tf) {
            Some(keys) => defaults.extend(keys),
            // An unknown `default_tags` may add any tag: stay silent.
            None => return,
        }
        for resource in tf.resources() {
            let Some(ty) = resource.resource_type() else {
                continue;
            };
            if !self.is_taggable(ty) {
                continue;
            }
            self.check_resource(&resource, &defaults, report);
        }
    }
}

impl RequiredTags {
    fn is_taggable(&self, ty: &str) -> bool {
        match &self.resource_types {
            Some(types) => types.iter().any(|t| t == ty),
            None => TAGGABLE.contains(&ty),
        }
    }

    fn check_resource(&self, resource: &Block, defaults: &[String], report: &mut Report) {
        let Some(present) = tag_keys(resource) else {
            return;
        };
        let missing: Vec<&str> = self
            .required
            .iter()
            .filter(|t| !present.iter().any(|p| p == *t) && !defaults.contains(t))
            .map(String::as_str)
            .collect();
        if missing.is_empty() {
            return;
        }
        let address = resource.address();
        let list = missing.join(", ");
        let finding = match resource.attribute("tags") {
            Some(tags) => Finding::new(&MISSING_TAGS, tags.span())
                .message(format!("{address} is missing required tags: {list}"))
                .help(format!(
                    "add {list} to `tags` (or to the provider's `default_tags`)"
                )),
            None => Finding::new(&MISSING_TAGS, resource.header_span())
                .message(format!("{address} has no tags; required: {list}"))
                .help(format!("add `tags = {{ {} }}`", example(&missing))),
        };
        report.add(finding);
    }
}

/// Tag keys the resource sets, or `None` when they cannot be known
/// (`tags = var.tags`, `merge(...)`, a computed key).
fn tag_keys(resource: &Block) -> Option<Vec<String>> {
    let mut keys = Vec::new();
    for name in ["tags"] {
        if let Some(attr) = resource.attribute(name) {
            let entries = attr.value().as_object()?;
            for entry in entries {
                if entry.computed_key {
                    return None;
                }
                keys.push(entry.key.to_string());
            }
        }
    }
    // aws_autoscaling_group: `tag { key = "Owner" ... }` blocks, or `dynamic "tag"`.
    if resource
        .blocks_of("dynamic")
        .any(|b| b.label(0) == Some("tag"))
    {
        return None;
    }
    for tag in resource.blocks_of("tag") {
        let key = tag.attribute("key")?.value();
        keys.push(key.as_str()?.to_string());
    }
    Some(keys)
}

/// Keys of `provider "aws" { default_tags { tags = {...} } }` in this file;
/// `None` when a `default_tags` cannot be read.
fn provider_default_tags(tf: &Terraform) -> Option<Vec<String>> {
    let mut keys = Vec::new();
    for provider in tf
        .blocks_of("provider")
        .filter(|b| b.label(0) == Some("aws"))
    {
        for default_tags in provider.blocks_of("default_tags") {
            let Some(tags) = default_tags.attribute("tags") else {
                continue;
            };
            for entry in tags.value().as_object()? {
                if entry.computed_key {
                    return None;
                }
                keys.push(entry.key.to_string());
            }
        }
    }
    Some(keys)
}

fn example(missing: &[&str]) -> String {
    missing
        .iter()
        .map(|t| format!("{t} = \"...\""))
        .collect::<Vec<_>>()
        .join(", ")
}

export_plugin!(RequiredTags);
