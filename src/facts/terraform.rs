//! Terraform across all files: resources, data sources, modules and providers
//! with their addresses, key attributes and the references they make, so repo
//! rules can relate them (an ECS service to the autoscaling target whose
//! `resource_id` names it, a subnet to its VPC); plus backends, workspaces,
//! tfvars and Terragrunt files for environment detection.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;
use serde::ser::{SerializeMap, Serializer};

use super::docker::{self, EcsContainer};
use super::{dir_of, loc_at, Location};
use crate::model::terraform::{Block, TerraformFile, Value};
use crate::source::SourceFile;

/// Longest string kept for an attribute (longer ones are cut; they are never keys).
const MAX_STRING: usize = 256;

#[derive(Debug, Default, serde::Serialize)]
pub struct TerraformFacts {
    pub resources: Vec<TfBlock>,
    pub data_sources: Vec<TfBlock>,
    pub modules: Vec<TfModule>,
    /// `provider` blocks (configured providers), which mark root modules.
    pub providers: Vec<TfProvider>,
    pub backends: Vec<TfBackend>,
    /// Where `terraform.workspace` is used.
    #[serde(serialize_with = "super::ser_locs")]
    pub workspace_refs: Vec<Location>,
    /// Workspace names compared against (`terraform.workspace == "prod"`).
    pub workspace_names: BTreeSet<String>,
    pub tfvars: Vec<String>,
    pub terragrunt: Vec<String>,
    /// Directories holding `.tf` files.
    pub dirs: BTreeSet<String>,
    /// `variable` blocks.
    pub variables: Vec<TfProvider>,
    /// IAM condition keys (`aws:MultiFactorAuthPresent`) seen anywhere, first location each.
    #[serde(serialize_with = "super::ser_loc_map")]
    pub iam_condition_keys: BTreeMap<String, Location>,
    /// IAM actions granted or denied anywhere (`logs:PutLogEvents`), first location each.
    #[serde(serialize_with = "super::ser_loc_map")]
    pub iam_actions: BTreeMap<String, Location>,
    /// AWS managed policies named (`AmazonSSMManagedInstanceCore`), first location each.
    #[serde(serialize_with = "super::ser_loc_map")]
    pub managed_policies: BTreeMap<String, Location>,
}

/// A resource or data source.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TfBlock {
    /// `aws_ecs_service.web`, `data.aws_vpc.main`.
    pub address: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub name: String,
    pub path: String,
    #[serde(serialize_with = "super::ser_loc")]
    pub location: Location,
    /// Top-level attributes, evaluated as far as literals allow.
    pub attributes: AttrMap,
    /// Nested blocks (one level) with their attributes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<TfNested>,
    /// Addresses this block refers to (`aws_subnet.private`, `var.subnet_ids`, `module.vpc.private_subnets`).
    pub references: Names,
    /// ECS container definitions of an `aws_ecs_task_definition`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub containers: Vec<EcsContainer>,
}

impl TfBlock {
    pub(crate) fn attr(&self, key: &str) -> Option<&AttrValue> {
        self.attributes.get(key)
    }

    pub(crate) fn str_attr(&self, key: &str) -> Option<&str> {
        self.attr(key).and_then(AttrValue::as_str)
    }

    pub(crate) fn nested<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a TfNested> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TfNested {
    pub kind: String,
    pub attributes: AttrMap,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TfModule {
    pub name: String,
    pub source: Option<String>,
    pub path: String,
    #[serde(serialize_with = "super::ser_loc")]
    pub location: Location,
    pub attributes: AttrMap,
    pub references: Names,
}

impl TfModule {
    pub(crate) fn attr(&self, key: &str) -> Option<&AttrValue> {
        self.attributes.get(key)
    }

    /// The source, lower-cased, without a `?ref=` or `//` subpath marker confusion.
    pub(crate) fn source_lower(&self) -> String {
        self.source.as_deref().unwrap_or("").to_ascii_lowercase()
    }
}

/// A named top-level block (`provider "aws"`, `variable "environment"`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct TfProvider {
    pub name: String,
    pub path: String,
    #[serde(serialize_with = "super::ser_loc")]
    pub location: Location,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TfBackend {
    /// `s3`, `gcs`, `remote`, `cloud` (Terraform Cloud), `terragrunt` (remote_state), ...
    pub kind: String,
    pub path: String,
    #[serde(serialize_with = "super::ser_loc")]
    pub location: Location,
}

/// Attributes by key, in key order. A boxed slice rather than a `BTreeMap`: a map's
/// node costs about 600 bytes however few its entries, and the inventory holds one per
/// resource and nested block (most of its memory on a large tree).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AttrMap(Box<[(Box<str>, AttrValue)]>);

impl AttrMap {
    pub(crate) fn get(&self, key: &str) -> Option<&AttrValue> {
        self.0
            .binary_search_by(|(k, _)| (**k).cmp(key))
            .ok()
            .map(|i| &self.0[i].1)
    }

    pub(crate) fn values(&self) -> impl Iterator<Item = &AttrValue> {
        self.0.iter().map(|(_, v)| v)
    }
}

impl FromIterator<(String, AttrValue)> for AttrMap {
    /// As `BTreeMap::from_iter`: sorted by key, the last of equal keys kept.
    fn from_iter<I: IntoIterator<Item = (String, AttrValue)>>(iter: I) -> Self {
        let mut entries: Vec<(String, AttrValue)> = iter.into_iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut kept: Vec<(Box<str>, AttrValue)> = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            match kept.last_mut() {
                Some(last) if *last.0 == *key => last.1 = value,
                _ => kept.push((key.into_boxed_str(), value)),
            }
        }
        AttrMap(kept.into_boxed_slice())
    }
}

impl serde::Serialize for AttrMap {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0.iter() {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Distinct strings in order, in a boxed slice (a `BTreeSet`'s node costs about
/// 300 bytes for the one or two references most blocks make).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Names(Box<[String]>);

impl Names {
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.0.binary_search_by(|n| n.as_str().cmp(name)).is_ok()
    }

    pub(crate) fn iter(&self) -> std::slice::Iter<'_, String> {
        self.0.iter()
    }
}

impl From<BTreeSet<String>> for Names {
    fn from(set: BTreeSet<String>) -> Self {
        Names(set.into_iter().collect())
    }
}

impl serde::Serialize for Names {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
}

/// An attribute value as far as it is known.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    Null,
    Bool(bool),
    Number(f64),
    String(Box<str>),
    List(Box<[AttrValue]>),
    Object(AttrMap),
    /// Not known statically: the expression's source text.
    Unknown(Box<str>),
}

impl AttrValue {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            AttrValue::String(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_bool(&self) -> Option<bool> {
        match self {
            AttrValue::Bool(b) => Some(*b),
            AttrValue::String(s) if &**s == "true" => Some(true),
            AttrValue::String(s) if &**s == "false" => Some(false),
            _ => None,
        }
    }

    #[cfg(test)]
    pub(crate) fn is_unknown(&self) -> bool {
        matches!(self, AttrValue::Unknown(_))
    }

    #[cfg(test)]
    /// A list's length; `None` when not a known list.
    pub(crate) fn list_len(&self) -> Option<usize> {
        match self {
            AttrValue::List(items) => Some(items.len()),
            _ => None,
        }
    }

    /// Every known string in the value (list members, object values), lower-cased.
    pub(crate) fn strings_lower(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_strings(&mut out);
        out
    }

    fn collect_strings(&self, out: &mut Vec<String>) {
        match self {
            AttrValue::String(s) => out.push(s.to_ascii_lowercase()),
            AttrValue::List(items) => items.iter().for_each(|i| i.collect_strings(out)),
            AttrValue::Object(map) => map.values().for_each(|v| v.collect_strings(out)),
            _ => {}
        }
    }
}

impl serde::Serialize for AttrValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            AttrValue::Null => s.serialize_unit(),
            AttrValue::Bool(b) => s.serialize_bool(*b),
            AttrValue::Number(n) => s.serialize_f64(*n),
            AttrValue::String(v) => s.serialize_str(v),
            AttrValue::List(items) => items.serialize(s),
            AttrValue::Object(map) => map.serialize(s),
            AttrValue::Unknown(text) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("unknown", text)?;
                m.end()
            }
        }
    }
}

fn truncate(s: &str) -> String {
    if s.len() <= MAX_STRING {
        return s.to_string();
    }
    let mut end = MAX_STRING;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Converts a model value, two levels deep; JSON documents become unknown (too big to keep).
fn attr_value(value: &Value, depth: usize) -> AttrValue {
    match value {
        Value::Null => AttrValue::Null,
        Value::Bool(b) => AttrValue::Bool(*b),
        Value::Number(n) => AttrValue::Number(*n),
        Value::String(s) => AttrValue::String(truncate(s).into()),
        Value::Json(_) => AttrValue::Unknown("(JSON document)".into()),
        Value::Unknown(u) => AttrValue::Unknown(truncate(&u.text).into()),
        Value::List(items) if depth < 2 => AttrValue::List(
            items
                .iter()
                .map(|i| attr_value(&i.value, depth + 1))
                .collect(),
        ),
        Value::Object(entries) if depth < 2 => AttrValue::Object(
            entries
                .iter()
                .map(|e| (e.key.clone(), attr_value(&e.value, depth + 1)))
                .collect(),
        ),
        Value::List(_) | Value::Object(_) => AttrValue::Unknown("(nested value)".into()),
    }
}

static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(data\.[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+|module\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)?|var\.[A-Za-z0-9_-]+|local\.[A-Za-z0-9_-]+|[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][A-Za-z0-9_-]*)",
    )
    .expect("valid regex")
});

fn collect_references(value: &Value, out: &mut BTreeSet<String>) {
    value.walk(Default::default(), &mut |_, v, _| {
        if let Value::Unknown(u) = v {
            for m in REFERENCE.find_iter(&u.text) {
                out.insert(m.as_str().to_string());
            }
        }
        if let Some(doc) = v.json_document() {
            collect_references(doc, out);
        }
    });
}

fn block_references(block: &Block, out: &mut BTreeSet<String>, depth: usize) {
    for attr in &block.attributes {
        collect_references(&attr.value, out);
    }
    if depth < 8 {
        for nested in &block.blocks {
            block_references(nested, out, depth + 1);
        }
    }
}

fn attributes_of(block: &Block) -> AttrMap {
    block
        .attributes
        .iter()
        .map(|a| (a.key.clone(), attr_value(&a.value, 0)))
        .collect()
}

/// What one Terraform file contributes.
#[derive(Debug, Default)]
pub(crate) struct TfFileFacts {
    pub facts: TerraformFacts,
}

static WORKSPACE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"terraform\.workspace\s*(?:==|!=)\s*"([A-Za-z0-9_-]+)"|"([A-Za-z0-9_-]+)"\s*(?:==|!=)\s*terraform\.workspace"#)
        .expect("valid regex")
});
static IAM_CONDITION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\baws:[A-Z][A-Za-z]+").expect("valid regex"));
static IAM_ACTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""([a-z0-9-]+:[A-Z*][A-Za-z0-9*]*)""#).expect("valid regex"));
static MANAGED_POLICY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"iam::aws:policy/(?:[A-Za-z0-9_-]+/)*([A-Za-z0-9_+=,.@-]+)").expect("valid regex")
});

/// Gathers one Terraform file's facts (`tf` is its parsed model).
pub(crate) fn collect(file: &SourceFile, tf: &TerraformFile) -> TfFileFacts {
    let mut f = TerraformFacts::default();
    let path = &file.path;
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    if name.ends_with(".tfvars") || name.ends_with(".tfvars.json") {
        f.tfvars.push(path.clone());
        return TfFileFacts { facts: f };
    }
    if name == "terragrunt.hcl" {
        f.terragrunt.push(path.clone());
        for block in tf.blocks_of("remote_state") {
            f.backends.push(TfBackend {
                kind: "terragrunt".into(),
                path: path.clone(),
                location: loc_at(
                    file,
                    block.header_span.start as usize,
                    block.header_span.end as usize,
                ),
            });
        }
        return TfFileFacts { facts: f };
    }
    f.dirs.insert(dir_of(path).to_string());
    let at = |b: &Block| {
        loc_at(
            file,
            b.header_span.start as usize,
            b.header_span.end as usize,
        )
    };

    for block in &tf.blocks {
        match block.kind.as_str() {
            "resource" | "data" => {
                let (Some(ty), Some(name)) = (block.resource_type(), block.name()) else {
                    continue;
                };
                let mut references = BTreeSet::new();
                block_references(block, &mut references, 0);
                let containers = if ty == "aws_ecs_task_definition" && block.kind == "resource" {
                    docker::ecs_containers(file, block)
                } else {
                    Vec::new()
                };
                let facts_block = TfBlock {
                    address: block.address(),
                    ty: ty.to_string(),
                    name: name.to_string(),
                    path: path.clone(),
                    location: at(block),
                    attributes: attributes_of(block),
                    blocks: block
                        .blocks
                        .iter()
                        .map(|b| TfNested {
                            kind: if b.is_dynamic() {
                                b.labels.first().cloned().unwrap_or_default()
                            } else {
                                b.kind.clone()
                            },
                            attributes: if b.is_dynamic() {
                                b.blocks.first().map(attributes_of).unwrap_or_default()
                            } else {
                                attributes_of(b)
                            },
                        })
                        .collect(),
                    references: references.into(),
                    containers,
                };
                if block.kind == "resource" {
                    f.resources.push(facts_block);
                } else {
                    f.data_sources.push(facts_block);
                }
            }
            "module" => {
                let mut references = BTreeSet::new();
                block_references(block, &mut references, 0);
                f.modules.push(TfModule {
                    name: block.name().unwrap_or("").to_string(),
                    source: block
                        .value("source")
                        .and_then(|v| v.as_str())
                        .map(str::to_string),
                    path: path.clone(),
                    location: at(block),
                    attributes: attributes_of(block),
                    references: references.into(),
                });
            }
            "variable" => f.variables.push(TfProvider {
                name: block.name().unwrap_or("").to_string(),
                path: path.clone(),
                location: at(block),
            }),
            "provider" => f.providers.push(TfProvider {
                name: block.name().unwrap_or("").to_string(),
                path: path.clone(),
                location: at(block),
            }),
            "terraform" => {
                for inner in &block.blocks {
                    if inner.kind == "backend" || inner.kind == "cloud" {
                        f.backends.push(TfBackend {
                            kind: if inner.kind == "cloud" {
                                "cloud".into()
                            } else {
                                inner.labels.first().cloned().unwrap_or_default()
                            },
                            path: path.clone(),
                            location: at(inner),
                        });
                    }
                }
            }
            _ => {}
        }
    }

    let text = &file.text;
    let mut from = 0;
    while let Some(i) = text.get(from..).and_then(|t| t.find("terraform.workspace")) {
        let start = from + i;
        f.workspace_refs
            .push(loc_at(file, start, start + "terraform.workspace".len()));
        from = start + "terraform.workspace".len();
        if f.workspace_refs.len() >= 16 {
            break;
        }
    }
    if !f.workspace_refs.is_empty() {
        for caps in WORKSPACE_NAME.captures_iter(text) {
            if let Some(n) = caps.get(1).or_else(|| caps.get(2)) {
                f.workspace_names.insert(n.as_str().to_ascii_lowercase());
            }
        }
    }
    if text.contains("aws:") {
        for m in IAM_CONDITION.find_iter(text) {
            f.iam_condition_keys
                .entry(m.as_str().to_string())
                .or_insert_with(|| loc_at(file, m.start(), m.end()));
        }
    }
    if text.contains("Action") || text.contains("actions") {
        for caps in IAM_ACTION.captures_iter(text) {
            if let Some(a) = caps.get(1).filter(|a| !a.as_str().starts_with("aws:")) {
                f.iam_actions
                    .entry(a.as_str().to_string())
                    .or_insert_with(|| loc_at(file, a.start(), a.end()));
            }
        }
    }
    if text.contains("iam::aws:policy/") {
        for caps in MANAGED_POLICY.captures_iter(text) {
            if let Some(p) = caps.get(1) {
                f.managed_policies
                    .entry(p.as_str().to_string())
                    .or_insert_with(|| loc_at(file, p.start(), p.end()));
            }
        }
    }
    TfFileFacts { facts: f }
}

impl TerraformFacts {
    pub(crate) fn merge(&mut self, other: TerraformFacts) {
        self.resources.extend(other.resources);
        self.data_sources.extend(other.data_sources);
        self.modules.extend(other.modules);
        self.providers.extend(other.providers);
        self.backends.extend(other.backends);
        self.workspace_refs.extend(other.workspace_refs);
        self.workspace_names.extend(other.workspace_names);
        self.tfvars.extend(other.tfvars);
        self.terragrunt.extend(other.terragrunt);
        self.dirs.extend(other.dirs);
        self.variables.extend(other.variables);
        for (k, v) in other.iam_condition_keys {
            super::keep_first(&mut self.iam_condition_keys, k, v);
        }
        for (k, v) in other.iam_actions {
            super::keep_first(&mut self.iam_actions, k, v);
        }
        for (k, v) in other.managed_policies {
            super::keep_first(&mut self.managed_policies, k, v);
        }
    }

    pub(crate) fn finish(&mut self) {
        let by_loc = |a: &Location, b: &Location| (&a.path, a.start).cmp(&(&b.path, b.start));
        self.resources
            .sort_by(|a, b| by_loc(&a.location, &b.location));
        self.data_sources
            .sort_by(|a, b| by_loc(&a.location, &b.location));
        self.modules
            .sort_by(|a, b| by_loc(&a.location, &b.location));
        self.providers
            .sort_by(|a, b| by_loc(&a.location, &b.location));
        self.variables
            .sort_by(|a, b| by_loc(&a.location, &b.location));
        self.backends
            .sort_by(|a, b| by_loc(&a.location, &b.location));
        self.workspace_refs.sort_by(by_loc);
        self.tfvars.sort();
        self.terragrunt.sort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileKind;

    #[test]
    fn attr_map_is_a_sorted_map_where_the_last_key_wins() {
        let map: AttrMap = [
            ("b".to_string(), AttrValue::Bool(true)),
            ("a".to_string(), AttrValue::Number(1.0)),
            ("b".to_string(), AttrValue::Null),
        ]
        .into_iter()
        .collect();
        assert_eq!(map.get("b"), Some(&AttrValue::Null));
        assert_eq!(map.get("a"), Some(&AttrValue::Number(1.0)));
        assert_eq!(map.get("c"), None);
        assert_eq!(
            serde_json::to_string(&map).expect("serializes"),
            r#"{"a":1.0,"b":null}"#
        );
    }

    fn facts(path: &str, text: &str) -> TerraformFacts {
        let file = SourceFile::new(path.into(), FileKind::Terraform, text.into());
        let (tf, _) = crate::model::terraform::parse(text, path);
        collect(&file, &tf).facts
    }

    #[test]
    fn resources_with_addresses_attributes_and_references() {
        let f = facts(
            "infra/ecs.tf",
            r#"
resource "aws_ecs_service" "web" {
  name          = "web"
  desired_count = 2
  network_configuration {
    subnets = module.vpc.private_subnets
  }
}

resource "aws_appautoscaling_target" "web" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.main.name}/${aws_ecs_service.web.name}"
  min_capacity       = var.min
}

module "vpc" {
  source          = "terraform-aws-modules/vpc/aws"
  private_subnets = ["10.0.1.0/24"]
}

provider "aws" {
  region = "eu-west-1"
}

terraform {
  backend "s3" {}
}
"#,
        );
        let svc = &f.resources[0];
        assert_eq!(svc.address, "aws_ecs_service.web");
        assert_eq!(svc.location.start.line, 2);
        assert_eq!(svc.attr("desired_count"), Some(&AttrValue::Number(2.0)));
        assert!(svc.references.contains("module.vpc.private_subnets"));
        assert_eq!(svc.blocks[0].kind, "network_configuration");
        let target = &f.resources[1];
        assert!(target.references.contains("aws_ecs_service.web"));
        assert!(target.references.contains("aws_ecs_cluster.main"));
        assert!(target
            .attr("min_capacity")
            .is_some_and(AttrValue::is_unknown));
        assert_eq!(
            f.modules[0].source.as_deref(),
            Some("terraform-aws-modules/vpc/aws")
        );
        assert_eq!(
            f.modules[0]
                .attr("private_subnets")
                .and_then(AttrValue::list_len),
            Some(1)
        );
        assert_eq!(f.providers[0].name, "aws");
        assert_eq!(f.backends[0].kind, "s3");
        assert!(f.dirs.contains("infra"));
    }

    #[test]
    fn workspaces_conditions_and_policies() {
        let f = facts(
            "main.tf",
            r#"
locals {
  size = terraform.workspace == "prod" ? 3 : 1
}
data "aws_iam_policy_document" "mfa" {
  statement {
    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["false"]
    }
  }
}
resource "aws_iam_role_policy_attachment" "ssm" {
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}
"#,
        );
        assert_eq!(f.workspace_refs.len(), 1);
        assert!(f.workspace_names.contains("prod"));
        assert!(f
            .iam_condition_keys
            .contains_key("aws:MultiFactorAuthPresent"));
        assert!(f
            .managed_policies
            .contains_key("AmazonSSMManagedInstanceCore"));
        assert_eq!(
            f.data_sources[0].address,
            "data.aws_iam_policy_document.mfa"
        );
    }

    #[test]
    fn tfvars_and_terragrunt_are_listed() {
        assert_eq!(
            facts("env/prod.tfvars", "region = \"x\"\n").tfvars,
            ["env/prod.tfvars"]
        );
        let tg = facts(
            "live/prod/terragrunt.hcl",
            "remote_state {\n  backend = \"s3\"\n}\n",
        );
        assert_eq!(tg.terragrunt, ["live/prod/terragrunt.hcl"]);
        assert_eq!(tg.backends[0].kind, "terragrunt");
    }
}
