//! Our models into the WIT types (trees flattened into index-based arenas),
//! and the WIT metadata back into ours.

use super::abi::wit;
use crate::model::dockerfile::Dockerfile;
use crate::model::terraform::{self as tf, TerraformFile};
use crate::parse::yaml::{Node, ScalarStyle, Value, YamlDocument};
use crate::rule::{Pillar, Severity, Stage};
use crate::source::{FileKind, Span};

pub(crate) fn span(s: Span) -> wit::Span {
    wit::Span {
        start: s.start,
        end: s.end,
    }
}

fn index(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

// ---------------------------------------------------------------------------
// Enums

pub(crate) fn file_kind(kind: FileKind) -> wit::FileKind {
    match kind {
        FileKind::Terraform => wit::FileKind::Terraform,
        FileKind::Dockerfile => wit::FileKind::Dockerfile,
        FileKind::Compose => wit::FileKind::Compose,
        FileKind::Kubernetes => wit::FileKind::Kubernetes,
        FileKind::GithubWorkflow => wit::FileKind::GithubWorkflow,
        FileKind::GithubAction => wit::FileKind::GithubAction,
        FileKind::GitlabCi => wit::FileKind::GitlabCi,
        FileKind::Circleci => wit::FileKind::Circleci,
        FileKind::OtherCi => wit::FileKind::OtherCi,
        FileKind::Manifest => wit::FileKind::Manifest,
        FileKind::Text => wit::FileKind::Text,
    }
}

pub(crate) fn from_file_kind(kind: wit::FileKind) -> FileKind {
    match kind {
        wit::FileKind::Terraform => FileKind::Terraform,
        wit::FileKind::Dockerfile => FileKind::Dockerfile,
        wit::FileKind::Compose => FileKind::Compose,
        wit::FileKind::Kubernetes => FileKind::Kubernetes,
        wit::FileKind::GithubWorkflow => FileKind::GithubWorkflow,
        wit::FileKind::GithubAction => FileKind::GithubAction,
        wit::FileKind::GitlabCi => FileKind::GitlabCi,
        wit::FileKind::Circleci => FileKind::Circleci,
        wit::FileKind::OtherCi => FileKind::OtherCi,
        wit::FileKind::Manifest => FileKind::Manifest,
        wit::FileKind::Text => FileKind::Text,
    }
}

pub(crate) fn pillar(p: wit::Pillar) -> Pillar {
    match p {
        wit::Pillar::Prv => Pillar::Prv,
        wit::Pillar::Sec => Pillar::Sec,
        wit::Pillar::Run => Pillar::Run,
        wit::Pillar::Dlv => Pillar::Dlv,
    }
}

pub(crate) fn stage(s: wit::Stage) -> Stage {
    match s {
        wit::Stage::Seed => Stage::Seed,
        wit::Stage::Growth => Stage::Growth,
        wit::Stage::Scale => Stage::Scale,
    }
}

pub(crate) fn severity(s: wit::Severity) -> Severity {
    match s {
        wit::Severity::Note => Severity::Note,
        wit::Severity::Warning => Severity::Warning,
        wit::Severity::Error => Severity::Error,
    }
}

// ---------------------------------------------------------------------------
// Terraform

pub(crate) fn terraform(file: &TerraformFile) -> wit::TfFile {
    let mut out = wit::TfFile {
        blocks: Vec::new(),
        attributes: Vec::new(),
        values: Vec::new(),
        top_blocks: Vec::new(),
        top_attributes: Vec::new(),
    };
    for attribute in &file.attributes {
        let i = tf_attribute(&mut out, attribute);
        out.top_attributes.push(i);
    }
    for block in &file.blocks {
        let i = tf_block(&mut out, block, None);
        out.top_blocks.push(i);
    }
    out
}

fn tf_block(out: &mut wit::TfFile, block: &tf::Block, parent: Option<u32>) -> u32 {
    let i = index(out.blocks.len());
    out.blocks.push(wit::TfBlock {
        kind: block.kind.clone(),
        labels: block.labels.clone(),
        label_spans: block.label_spans.iter().copied().map(span).collect(),
        header_span: span(block.header_span),
        span: span(block.span),
        parent,
        attributes: Vec::new(),
        blocks: Vec::new(),
    });
    let attributes: Vec<u32> = block
        .attributes
        .iter()
        .map(|a| tf_attribute(out, a))
        .collect();
    let blocks: Vec<u32> = block
        .blocks
        .iter()
        .map(|b| tf_block(out, b, Some(i)))
        .collect();
    if let Some(slot) = out.blocks.get_mut(i as usize) {
        slot.attributes = attributes;
        slot.blocks = blocks;
    }
    i
}

fn tf_attribute(out: &mut wit::TfFile, attribute: &tf::Attribute) -> u32 {
    let value = tf_value(out, &attribute.value);
    out.attributes.push(wit::TfAttribute {
        key: attribute.key.clone(),
        key_span: span(attribute.key_span),
        span: span(attribute.span),
        value,
        value_span: span(attribute.value_span),
    });
    index(out.attributes.len() - 1)
}

/// Values nest at most as deep as the parser allows (`terraform::MAX_NESTING`).
fn tf_value(out: &mut wit::TfFile, value: &tf::Value) -> u32 {
    let converted = match value {
        tf::Value::Null => wit::TfValue::Null,
        tf::Value::Bool(b) => wit::TfValue::Boolean(*b),
        tf::Value::Number(n) => wit::TfValue::Number(*n),
        tf::Value::String(s) => wit::TfValue::String(s.clone()),
        tf::Value::List(items) => wit::TfValue::List(
            items
                .iter()
                .map(|item| wit::TfItem {
                    value: tf_value(out, &item.value),
                    span: span(item.span),
                })
                .collect(),
        ),
        tf::Value::Object(entries) => wit::TfValue::Object(
            entries
                .iter()
                .map(|entry| wit::TfEntry {
                    key: entry.key.clone(),
                    key_span: span(entry.key_span),
                    computed_key: entry.computed_key,
                    value: tf_value(out, &entry.value),
                    span: span(entry.span),
                })
                .collect(),
        ),
        tf::Value::Json(json) => wit::TfValue::Json(wit::TfJson {
            text: json.text.clone(),
            doc: tf_value(out, &json.doc),
        }),
        tf::Value::Unknown(unknown) => wit::TfValue::Unknown(wit::TfUnknown {
            kind: match &unknown.kind {
                tf::UnknownKind::Reference => wit::TfUnknownKind::Reference,
                tf::UnknownKind::FunctionCall(name) => {
                    wit::TfUnknownKind::FunctionCall(name.clone())
                }
                tf::UnknownKind::Template => wit::TfUnknownKind::Template,
                tf::UnknownKind::Conditional => wit::TfUnknownKind::Conditional,
                tf::UnknownKind::Operation => wit::TfUnknownKind::Operation,
                tf::UnknownKind::ForExpr => wit::TfUnknownKind::ForExpr,
                tf::UnknownKind::Splat => wit::TfUnknownKind::Splat,
            },
            text: unknown.text.clone(),
        }),
    };
    out.values.push(converted);
    index(out.values.len() - 1)
}

// ---------------------------------------------------------------------------
// Dockerfile

pub(crate) fn dockerfile(df: &Dockerfile, text: &str) -> wit::DfFile {
    let instructions = df
        .instructions
        .iter()
        .map(|ins| wit::DfInstruction {
            keyword: ins.keyword.clone(),
            keyword_span: span(ins.keyword_span),
            span: span(ins.span),
            flags: ins
                .flags
                .iter()
                .map(|f| wit::DfFlag {
                    name: f.name.clone(),
                    value: f.value.clone(),
                    span: span(f.span),
                })
                .collect(),
            args: ins.args.clone(),
            args_span: span(ins.args_span),
            json_args: ins.json_args.clone(),
            heredocs: ins
                .heredocs
                .iter()
                .map(|h| wit::DfHeredoc {
                    delimiter: h.delimiter.clone(),
                    body: h.body.clone(),
                    body_span: span(h.body_span),
                    strip_tabs: h.strip_tabs,
                })
                .collect(),
            key_values: ins
                .key_values(text)
                .into_iter()
                .map(|kv| wit::DfKeyValue {
                    key: kv.key,
                    key_span: span(kv.key_span),
                    value: kv.value,
                    value_span: kv.value_span.map(span),
                })
                .collect(),
            stage: (ins.stage != usize::MAX).then(|| index(ins.stage)),
        })
        .collect();
    let stages = df
        .stages
        .iter()
        .map(|st| wit::DfStage {
            from: index(st.from),
            image: st.image.clone(),
            image_span: span(st.image_span),
            image_resolved: df.resolve_args(&st.image),
            is_stage_ref: st.is_earlier_stage_ref(df),
            alias: st.alias.clone(),
            alias_span: st.alias_span.map(span),
            platform: st.platform.clone(),
        })
        .collect();
    let directives = df
        .directives
        .iter()
        .map(|d| wit::DfDirective {
            name: d.name.clone(),
            value: d.value.clone(),
            span: span(d.span),
            value_span: span(d.value_span),
        })
        .collect();
    wit::DfFile {
        instructions,
        stages,
        directives,
        escape: df.escape,
    }
}

// ---------------------------------------------------------------------------
// YAML

/// Flattens every document. Built with an explicit stack: a hostile file's
/// nesting cannot overflow the host's stack here.
pub(crate) fn yaml(docs: &[YamlDocument], text: &str) -> wit::YamlStream {
    let mut nodes: Vec<wit::YamlNode> = Vec::new();
    let mut documents = Vec::new();
    for doc in docs {
        documents.push(yaml_tree(&mut nodes, &doc.root, text));
    }
    wit::YamlStream { documents, nodes }
}

fn yaml_tree(nodes: &mut Vec<wit::YamlNode>, root: &Node, _text: &str) -> u32 {
    let alloc = |nodes: &mut Vec<wit::YamlNode>, node: &Node| {
        nodes.push(wit::YamlNode {
            span: span(node.span),
            value: wit::YamlValue::Sequence(Vec::new()),
            anchor: node.anchor.clone(),
            tag: node.tag.clone(),
        });
        index(nodes.len() - 1)
    };
    let root_index = alloc(nodes, root);
    let mut stack = vec![(root, root_index)];
    while let Some((node, i)) = stack.pop() {
        let value = match &node.value {
            Value::Map(entries) => {
                let mut list = Vec::new();
                for (key, value) in entries {
                    let k = alloc(nodes, key);
                    let v = alloc(nodes, value);
                    stack.push((key, k));
                    stack.push((value, v));
                    list.push(wit::YamlEntry { key: k, value: v });
                }
                wit::YamlValue::Mapping(list)
            }
            Value::Seq(items) => {
                let mut list = Vec::new();
                for item in items {
                    let k = alloc(nodes, item);
                    stack.push((item, k));
                    list.push(k);
                }
                wit::YamlValue::Sequence(list)
            }
            Value::Scalar(scalar) => wit::YamlValue::Scalar(wit::YamlScalar {
                text: scalar.text.clone(),
                style: match scalar.style {
                    ScalarStyle::Plain => wit::YamlStyle::Plain,
                    ScalarStyle::SingleQuoted => wit::YamlStyle::SingleQuoted,
                    ScalarStyle::DoubleQuoted => wit::YamlStyle::DoubleQuoted,
                    ScalarStyle::Literal => wit::YamlStyle::Literal,
                    ScalarStyle::Folded => wit::YamlStyle::Folded,
                },
            }),
            Value::Alias(name) => wit::YamlValue::Alias(name.clone()),
        };
        if let Some(slot) = nodes.get_mut(i as usize) {
            slot.value = value;
        }
    }
    root_index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terraform_is_flattened_with_parents_first() {
        let text = "resource \"aws_s3_bucket\" \"logs\" {\n  tags = { Owner = \"ops\" }\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n";
        let (file, diags) = tf::parse(text, "main.tf");
        assert!(diags.is_empty());
        let flat = terraform(&file);
        assert_eq!(flat.top_blocks, vec![0]);
        assert_eq!(flat.blocks.len(), 2);
        assert_eq!(flat.blocks[1].parent, Some(0));
        assert_eq!(flat.blocks[0].blocks, vec![1]);
        let tags = &flat.attributes[flat.blocks[0].attributes[0] as usize];
        assert_eq!(tags.key, "tags");
        match &flat.values[tags.value as usize] {
            wit::TfValue::Object(entries) => {
                assert_eq!(entries[0].key, "Owner");
                assert!(matches!(
                    &flat.values[entries[0].value as usize],
                    wit::TfValue::String(s) if s == "ops"
                ));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn dockerfile_stages_carry_resolved_images() {
        let text = "ARG REG=registry.acme.io\nFROM $REG/base:1 AS build\nFROM build\n";
        let (df, _) = crate::model::dockerfile::parse(text);
        let flat = dockerfile(&df, text);
        assert_eq!(
            flat.stages[0].image_resolved.as_deref(),
            Some("registry.acme.io/base:1")
        );
        assert!(flat.stages[1].is_stage_ref);
        assert_eq!(flat.instructions[0].stage, None);
        assert_eq!(flat.instructions[0].key_values[0].key, "REG");
    }

    #[test]
    fn yaml_is_flattened_with_styles_and_aliases() {
        let text = "a: &x 'q'\nb: *x\nc: [1, true]\n";
        let (docs, _) = crate::parse::yaml::parse(text);
        let flat = yaml(&docs, text);
        assert_eq!(flat.documents, vec![0]);
        let wit::YamlValue::Mapping(entries) = &flat.nodes[0].value else {
            panic!("a mapping: {:?}", flat.nodes[0]);
        };
        assert_eq!(entries.len(), 3);
        let a = &flat.nodes[entries[0].value as usize];
        assert_eq!(a.anchor.as_deref(), Some("x"));
        assert!(matches!(&a.value, wit::YamlValue::Scalar(s)
            if s.text == "q" && s.style == wit::YamlStyle::SingleQuoted));
        assert!(matches!(&flat.nodes[entries[1].value as usize].value,
            wit::YamlValue::Alias(n) if n == "x"));
        assert!(matches!(&flat.nodes[entries[2].value as usize].value,
            wit::YamlValue::Sequence(items) if items.len() == 2));
    }
}
