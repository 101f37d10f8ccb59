//! Typed views over the flattened Terraform model (`wit::TfFile`): blocks,
//! attributes and values are handles (`index` into the arenas) with helpers.

use crate::wit::{self, Span, TfFile, TfValue};

/// A Terraform file.
#[derive(Clone, Copy)]
pub struct Terraform<'a> {
    tf: &'a TfFile,
}

impl<'a> Terraform<'a> {
    pub fn new(tf: &'a TfFile) -> Self {
        Terraform { tf }
    }

    pub fn raw(&self) -> &'a TfFile {
        self.tf
    }

    /// Top-level blocks, in source order.
    pub fn blocks(&self) -> impl Iterator<Item = Block<'a>> + 'a {
        let tf = self.tf;
        tf.top_blocks.iter().map(move |&i| Block { tf, index: i })
    }

    /// Top-level blocks of one kind (`resource`, `data`, `module`, `provider`, ...).
    pub fn blocks_of(&self, kind: &'a str) -> impl Iterator<Item = Block<'a>> + 'a {
        self.blocks().filter(move |b| b.kind() == kind)
    }

    /// `resource` blocks.
    pub fn resources(&self) -> impl Iterator<Item = Block<'a>> + 'a {
        self.blocks_of("resource")
    }

    /// `resource "<ty>" "..."` blocks.
    pub fn resources_of_type(&self, ty: &'a str) -> impl Iterator<Item = Block<'a>> + 'a {
        self.resources().filter(move |b| b.label(0) == Some(ty))
    }

    /// Top-level attributes (tfvars, terragrunt.hcl).
    pub fn attributes(&self) -> impl Iterator<Item = Attribute<'a>> + 'a {
        let tf = self.tf;
        tf.top_attributes
            .iter()
            .map(move |&i| Attribute { tf, index: i })
    }
}

/// A block handle.
#[derive(Clone, Copy)]
pub struct Block<'a> {
    tf: &'a TfFile,
    index: u32,
}

impl<'a> Block<'a> {
    fn raw(&self) -> &'a wit::TfBlock {
        &self.tf.blocks[self.index as usize]
    }

    pub fn kind(&self) -> &'a str {
        &self.raw().kind
    }

    pub fn label(&self, i: usize) -> Option<&'a str> {
        self.raw().labels.get(i).map(String::as_str)
    }

    pub fn labels(&self) -> &'a [String] {
        &self.raw().labels
    }

    /// For a resource or data block: its type (`aws_s3_bucket`).
    pub fn resource_type(&self) -> Option<&'a str> {
        self.label(0)
    }

    /// For a resource or data block: its name (`logs`).
    pub fn name(&self) -> Option<&'a str> {
        self.label(1)
    }

    /// `type.name` (`aws_s3_bucket.logs`), or the labels joined.
    pub fn address(&self) -> String {
        self.labels().join(".")
    }

    /// From the block type through `{`: where "missing attribute" findings point.
    pub fn header_span(&self) -> Span {
        self.raw().header_span
    }

    pub fn span(&self) -> Span {
        self.raw().span
    }

    pub fn parent(&self) -> Option<Block<'a>> {
        self.raw().parent.map(|index| Block { tf: self.tf, index })
    }

    pub fn attributes(&self) -> impl Iterator<Item = Attribute<'a>> + 'a {
        let tf = self.tf;
        self.raw()
            .attributes
            .iter()
            .map(move |&i| Attribute { tf, index: i })
    }

    /// The attribute `key` (the last one, if repeated).
    pub fn attribute(&self, key: &str) -> Option<Attribute<'a>> {
        let raw = self.raw();
        raw.attributes
            .iter()
            .rev()
            .map(|&i| Attribute {
                tf: self.tf,
                index: i,
            })
            .find(|a| a.key() == key)
    }

    /// Nested blocks.
    pub fn blocks(&self) -> impl Iterator<Item = Block<'a>> + 'a {
        let tf = self.tf;
        self.raw()
            .blocks
            .iter()
            .map(move |&i| Block { tf, index: i })
    }

    /// Nested blocks of one kind (`ingress`, `tag`, `default_tags`, ...).
    pub fn blocks_of(&self, kind: &'a str) -> impl Iterator<Item = Block<'a>> + 'a {
        self.blocks().filter(move |b| b.kind() == kind)
    }
}

/// An attribute handle.
#[derive(Clone, Copy)]
pub struct Attribute<'a> {
    tf: &'a TfFile,
    index: u32,
}

impl<'a> Attribute<'a> {
    fn raw(&self) -> &'a wit::TfAttribute {
        &self.tf.attributes[self.index as usize]
    }

    pub fn key(&self) -> &'a str {
        &self.raw().key
    }

    pub fn key_span(&self) -> Span {
        self.raw().key_span
    }

    /// From the key through the end of the value.
    pub fn span(&self) -> Span {
        self.raw().span
    }

    pub fn value_span(&self) -> Span {
        self.raw().value_span
    }

    pub fn value(&self) -> Value<'a> {
        Value {
            tf: self.tf,
            index: self.raw().value,
        }
    }
}

/// A value handle. Unknown values (`var.x`, function calls) answer `None` to
/// every typed getter: rules should stay silent on them.
#[derive(Clone, Copy)]
pub struct Value<'a> {
    tf: &'a TfFile,
    index: u32,
}

/// One `key = value` of an object.
#[derive(Clone, Copy)]
pub struct Entry<'a> {
    pub key: &'a str,
    pub key_span: Span,
    /// The key is an expression that could not be evaluated.
    pub computed_key: bool,
    pub value: Value<'a>,
    pub span: Span,
}

impl<'a> Value<'a> {
    pub fn raw(&self) -> &'a TfValue {
        &self.tf.values[self.index as usize]
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.raw(), TfValue::Unknown(_))
    }

    /// A string, including a JSON string whose text is known.
    pub fn as_str(&self) -> Option<&'a str> {
        match self.raw() {
            TfValue::String(s) => Some(s),
            TfValue::Json(j) => j.text.as_deref(),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.raw() {
            TfValue::Boolean(b) => Some(*b),
            TfValue::String(s) if s == "true" => Some(true),
            TfValue::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<f64> {
        match self.raw() {
            TfValue::Number(n) => Some(*n),
            TfValue::String(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// List items with their spans.
    pub fn as_list(&self) -> Option<Vec<(Value<'a>, Span)>> {
        match self.raw() {
            TfValue::List(items) => Some(
                items
                    .iter()
                    .map(|item| {
                        (
                            Value {
                                tf: self.tf,
                                index: item.value,
                            },
                            item.span,
                        )
                    })
                    .collect(),
            ),
            _ => None,
        }
    }

    /// Object entries, in source order.
    pub fn as_object(&self) -> Option<Vec<Entry<'a>>> {
        match self.raw() {
            TfValue::Object(entries) => Some(
                entries
                    .iter()
                    .map(|e| Entry {
                        key: &e.key,
                        key_span: e.key_span,
                        computed_key: e.computed_key,
                        value: Value {
                            tf: self.tf,
                            index: e.value,
                        },
                        span: e.span,
                    })
                    .collect(),
            ),
            _ => None,
        }
    }

    /// The value of `key` in an object.
    pub fn get(&self, key: &str) -> Option<Value<'a>> {
        self.as_object()?
            .into_iter()
            .rev()
            .find(|e| e.key == key)
            .map(|e| e.value)
    }

    /// The document of a JSON string (`jsonencode(...)`, a policy heredoc).
    pub fn json_doc(&self) -> Option<Value<'a>> {
        match self.raw() {
            TfValue::Json(j) => Some(Value {
                tf: self.tf,
                index: j.doc,
            }),
            _ => None,
        }
    }
}
