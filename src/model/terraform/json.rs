//! The model of a Terraform JSON file (`*.tf.json`, `*.tfvars.json`) from the spanned JSON
//! tree of [`crate::parse::tf_json`]. JSON strings are HCL templates, evaluated like HCL.

use std::ops::Range;

use super::eval::Eval;
use super::{Attribute, Block, Entry, Item, TerraformFile, Unknown, UnknownKind, Value};
use crate::parse::hcl;
use crate::parse::tf_json::{JKind, JMember, JNode};
use crate::source::Span;

/// Builds the model of a Terraform JSON file whose top-level object holds `members`.
pub(super) fn file(text: &str, members: &[JMember], tfvars: bool) -> TerraformFile {
    let json = TfJson { text };
    let mut file = TerraformFile::default();
    for member in members.iter().filter(|m| m.key != "//") {
        if tfvars {
            file.attributes.push(json.attribute(member));
        } else {
            let labels = match member.key.as_str() {
                "resource" | "data" | "ephemeral" => 2,
                "module" | "provider" | "variable" | "output" | "check" => 1,
                _ => 0,
            };
            json.blocks(
                &member.key,
                &member.key_range,
                &member.value,
                labels,
                &[],
                &mut file.blocks,
            );
        }
    }
    file
}

struct TfJson<'a> {
    text: &'a str,
}

impl TfJson<'_> {
    /// Peels `labels` levels of object keys off `node`, then makes a block of each body
    /// object. `key` is the innermost key so far, the start of the block header.
    fn blocks(
        &self,
        kind: &str,
        key: &Range<usize>,
        node: &JNode,
        labels: usize,
        so_far: &[(String, Span)],
        out: &mut Vec<Block>,
    ) {
        match &node.kind {
            JKind::Arr(items) => {
                for item in items {
                    self.blocks(kind, key, item, labels, so_far, out);
                }
            }
            JKind::Obj(members) if labels > 0 => {
                for member in members.iter().filter(|m| m.key != "//") {
                    let mut next = so_far.to_vec();
                    next.push((
                        member.key.clone(),
                        Span::from_range(member.key_range.clone()),
                    ));
                    self.blocks(
                        kind,
                        &member.key_range,
                        &member.value,
                        labels - 1,
                        &next,
                        out,
                    );
                }
            }
            JKind::Obj(members) => {
                let (attributes, blocks) = self.body(kind, members);
                out.push(Block {
                    kind: kind.to_string(),
                    labels: so_far.iter().map(|(l, _)| l.clone()).collect(),
                    label_spans: so_far.iter().map(|(_, s)| *s).collect(),
                    header_span: Span::new(key.start, node.range.start + 1),
                    span: Span::new(key.start, node.range.end),
                    attributes,
                    blocks,
                });
            }
            _ => {}
        }
    }

    fn body(&self, kind: &str, members: &[JMember]) -> (Vec<Attribute>, Vec<Block>) {
        let mut attributes = Vec::new();
        let mut blocks = Vec::new();
        for member in members.iter().filter(|m| m.key != "//") {
            let key = member.key.as_str();
            let labeled = key == "dynamic"
                || key == "provisioner"
                || (kind == "terraform" && key == "backend");
            if labeled {
                if let JKind::Obj(inner) = &member.value.kind {
                    for m in inner.iter().filter(|m| m.key != "//") {
                        let label = [(m.key.clone(), Span::from_range(m.key_range.clone()))];
                        self.blocks(key, &m.key_range, &m.value, 0, &label, &mut blocks);
                    }
                }
                continue;
            }
            attributes.push(self.attribute(member));
            let may_be_block = match kind {
                "locals" | "module" => false,
                "variable" | "output" => matches!(key, "validation" | "precondition"),
                _ => true,
            };
            let block_like = match &member.value.kind {
                JKind::Obj(_) => true,
                JKind::Arr(items) => {
                    !items.is_empty() && items.iter().all(|i| matches!(i.kind, JKind::Obj(_)))
                }
                _ => false,
            };
            if may_be_block && block_like {
                self.blocks(key, &member.key_range, &member.value, 0, &[], &mut blocks);
            }
        }
        (attributes, blocks)
    }

    fn attribute(&self, member: &JMember) -> Attribute {
        let key_span = Span::from_range(member.key_range.clone());
        let value_span = Span::from_range(member.value.range.clone());
        Attribute {
            key: member.key.clone(),
            key_span,
            span: key_span.cover(value_span),
            value: self.value(&member.value),
            value_span,
        }
    }

    /// JSON values of a Terraform JSON file; strings are HCL templates.
    fn value(&self, node: &JNode) -> Value {
        match &node.kind {
            JKind::Null => Value::Null,
            JKind::Bool(b) => Value::Bool(*b),
            JKind::Number(n) => Value::Number(*n),
            JKind::Str(s) => self.string(s, &node.range),
            JKind::Arr(items) => Value::List(
                items
                    .iter()
                    .map(|i| Item {
                        value: self.value(i),
                        span: Span::from_range(i.range.clone()),
                    })
                    .collect(),
            ),
            JKind::Obj(members) => Value::Object(
                members
                    .iter()
                    .filter(|m| m.key != "//")
                    .map(|m| {
                        let key_span = Span::from_range(m.key_range.clone());
                        Entry {
                            key: m.key.clone(),
                            key_span,
                            computed_key: m.key.contains("${"),
                            value: self.value(&m.value),
                            span: key_span.cover(Span::from_range(m.value.range.clone())),
                        }
                    })
                    .collect(),
            ),
        }
    }

    /// A JSON string token at `range`: its content is evaluated as an HCL template. When the
    /// token has no escapes the template's spans are exact; otherwise they are the token's.
    fn string(&self, decoded: &str, range: &Range<usize>) -> Value {
        let token = Span::from_range(range.clone());
        let raw_inner = self
            .text
            .get(range.start + 1..range.end.saturating_sub(1))
            .unwrap_or("");
        let eval = Eval {
            text: decoded,
            base: (raw_inner == decoded).then_some(range.start + 1),
            fixed: token,
        };
        let whole = 0..decoded.len();
        if !(decoded.contains("${") || decoded.contains("%{")) {
            return eval.string(decoded, &whole);
        }
        match hcl::parse_template(decoded) {
            Some(template) => eval.template(&template, &whole),
            None => Value::Unknown(Unknown {
                kind: UnknownKind::Template,
                text: decoded.to_string(),
            }),
        }
    }
}
