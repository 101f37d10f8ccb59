//! A span-carrying, evaluated view of a Terraform file (`*.tf`, `*.tofu`, `*.tfvars`,
//! `terragrunt.hcl`, `*.tf.json`, `*.tfvars.json`).
//!
//! HCL is read by [`crate::parse::hcl`] and JSON by [`crate::parse::tf_json`], both keeping
//! byte spans; [`eval`] evaluates expressions as far as literals allow: anything that
//! depends on variables, resources or functions the model does not know becomes
//! [`Value::Unknown`], and the linter's contract is that unknown values never fire a rule.

mod eval;
mod json;

use crate::parse::{hcl, tf_json};
use crate::source::{ParseDiagnostic, Span};

/// Nesting limit of [`Value::walk`].
const WALK_MAX_DEPTH: usize = 512;

/// One parsed Terraform file: its top-level blocks and attributes (a tfvars file or
/// `terragrunt.hcl` has top-level attributes), each in source order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TerraformFile {
    pub blocks: Vec<Block>,
    pub attributes: Vec<Attribute>,
}

/// A block such as `resource "aws_db_instance" "main" { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// The block type: "resource", "data", "module", "ingress", "dynamic", "content", ...
    pub kind: String,
    pub labels: Vec<String>,
    /// One span per label, including its quotes.
    pub label_spans: Vec<Span>,
    /// From the block type through the opening `{` (`resource "aws_db_instance" "main" {`):
    /// where a missing-attribute finding points.
    pub header_span: Span,
    /// The whole block, through its closing `}`.
    pub span: Span,
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<Block>,
}

/// `key = value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub key: String,
    pub key_span: Span,
    /// From the key through the end of the value.
    pub span: Span,
    pub value: Value,
    pub value_span: Span,
}

/// An evaluated expression. Strings that hold a JSON document (`jsonencode(...)`, a heredoc
/// or string policy) are [`Value::Json`]; use [`Value::as_str`] to read any string.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Item>),
    Object(Vec<Entry>),
    /// A string that is a JSON document, with the document kept as a tree.
    Json(Box<JsonString>),
    /// A value the model cannot compute. Rules never fire on it.
    Unknown(Unknown),
}

/// A string holding a JSON document: from `jsonencode(...)` (the document is the evaluated
/// argument, with exact spans), or a string/heredoc whose text parses as JSON (spans are
/// mapped back into the literal, best effort; `${...}` inside JSON strings become unknown
/// leaves).
#[derive(Debug, Clone, PartialEq)]
pub struct JsonString {
    /// The string the expression evaluates to (compact JSON for `jsonencode`); `None` when
    /// some leaf of the document is unknown.
    pub text: Option<String>,
    /// The document, possibly with [`Value::Unknown`] leaves.
    pub doc: Value,
}

/// Why a value is unknown, and its source text (`var.x`, `lookup(...)`, `"${a}-b"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    pub kind: UnknownKind,
    /// The source text of the expression (for a reference: its dotted form, `var.x`).
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnknownKind {
    /// `var.x`, `local.y`, `module.z.out`, `aws_x.y.id`, `each.value`, `count.index`, ...
    Reference,
    /// A call the model does not evaluate, with the function's name (`lookup`).
    FunctionCall(String),
    /// A string template with interpolations or directives whose result is not known.
    Template,
    /// `cond ? a : b` whose condition is not a known bool.
    Conditional,
    /// Unary or binary operation on unknown values, or any binary operation.
    Operation,
    /// `[for x in xs : ...]`.
    ForExpr,
    /// `aws_instance.web[*].id`.
    Splat,
}

/// One element of a list, with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub value: Value,
    pub span: Span,
}

/// One `key = value` of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    /// True when the key is a computed expression that could not be evaluated; `key` then
    /// holds its source text.
    pub computed_key: bool,
    pub value: Value,
    /// From the key through the end of the value.
    pub span: Span,
}

/// A step of the path that [`Value::walk`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathSegment<'a> {
    Key(&'a str),
    Index(usize),
}

/// Parse a Terraform file. `path` picks the syntax: names ending in `.json` are JSON
/// (`.tfvars.json` holds top-level attributes), everything else is HCL. A file that cannot be
/// parsed gives an empty model and a diagnostic at the offending byte; this never panics.
///
/// Spans in `.tf.json` files are exact for keys and values. Since JSON cannot tell a nested
/// block from an object attribute without the provider schema, an object (or a list of
/// objects) inside a block body appears both as an attribute and as nested block(s) of that
/// name, except in `locals` and `module` (attributes only) and `variable`/`output` (blocks
/// only for `validation`/`precondition`).
pub(crate) fn parse(text: &str, path: &str) -> (TerraformFile, Vec<ParseDiagnostic>) {
    let text = hcl::without_bom(text);
    if let Some(diagnostic) = hcl::check_nesting(&text) {
        return (TerraformFile::default(), vec![diagnostic]);
    }
    let result = if path.ends_with(".json") {
        tf_json::parse_object(&text)
            .map(|members| json::file(&text, &members, path.ends_with(".tfvars.json")))
    } else {
        hcl::parse_body(&text).map(|body| {
            let eval = eval::Eval::file(&text);
            let whole = 0..text.len();
            let (attributes, blocks) = eval.body(&body, &whole);
            TerraformFile { blocks, attributes }
        })
    };
    match result {
        Ok(file) => (file, Vec::new()),
        Err(diagnostic) => (TerraformFile::default(), vec![diagnostic]),
    }
}

impl TerraformFile {
    /// `resource` blocks.
    pub(crate) fn resources(&self) -> impl Iterator<Item = &Block> {
        self.blocks_of("resource")
    }

    #[cfg(test)]
    /// `data` blocks.
    pub(crate) fn data_sources(&self) -> impl Iterator<Item = &Block> {
        self.blocks_of("data")
    }

    pub(crate) fn modules(&self) -> impl Iterator<Item = &Block> {
        self.blocks_of("module")
    }

    pub(crate) fn providers(&self) -> impl Iterator<Item = &Block> {
        self.blocks_of("provider")
    }

    pub(crate) fn terraform_blocks(&self) -> impl Iterator<Item = &Block> {
        self.blocks_of("terraform")
    }

    pub(crate) fn variables(&self) -> impl Iterator<Item = &Block> {
        self.blocks_of("variable")
    }

    /// Top-level blocks of one kind.
    pub(crate) fn blocks_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }

    /// Resources of one type, e.g. `"aws_db_instance"`.
    pub(crate) fn resources_of_type<'a>(
        &'a self,
        ty: &'a str,
    ) -> impl Iterator<Item = &'a Block> + 'a {
        self.resources()
            .filter(move |b| b.resource_type() == Some(ty))
    }

    /// A top-level attribute (tfvars, terragrunt.hcl).
    pub(crate) fn attr(&self, key: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.key == key)
    }
}

impl Block {
    /// The resource or data source type (`aws_db_instance`); `None` for other blocks.
    pub(crate) fn resource_type(&self) -> Option<&str> {
        match self.kind.as_str() {
            "resource" | "data" | "ephemeral" => self.labels.first().map(String::as_str),
            _ => None,
        }
    }

    /// The name: the second label of a resource or data source, the first of anything else
    /// (module, provider, variable, output, a nested block's label).
    pub(crate) fn name(&self) -> Option<&str> {
        match self.kind.as_str() {
            "resource" | "data" | "ephemeral" => self.labels.get(1),
            _ => self.labels.first(),
        }
        .map(String::as_str)
    }

    /// The Terraform address: `aws_db_instance.main`, `data.aws_iam_policy_document.x`,
    /// `module.vpc`, `var.region`, `provider.aws`; other blocks join kind and labels with `.`.
    pub(crate) fn address(&self) -> String {
        let mut parts: Vec<&str> = match self.kind.as_str() {
            "resource" => Vec::new(),
            "variable" => vec!["var"],
            kind => vec![kind],
        };
        parts.extend(self.labels.iter().map(String::as_str));
        parts.join(".")
    }

    pub(crate) fn attr(&self, key: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.key == key)
    }

    /// The value of an attribute, if present.
    pub(crate) fn value(&self, key: &str) -> Option<&Value> {
        self.attr(key).map(|a| &a.value)
    }

    /// Nested blocks of one kind, and also the `content` blocks of `dynamic "kind"` blocks
    /// (their `kind` is "content"; their values usually are unknown, from the iterator).
    pub(crate) fn blocks_named<'a>(
        &'a self,
        kind: &'a str,
    ) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().flat_map(move |b| {
            let direct = (b.kind == kind).then_some(b);
            let is_dynamic =
                b.kind == "dynamic" && b.labels.first().map(String::as_str) == Some(kind);
            let content: &[Block] = if is_dynamic { &b.blocks } else { &[] };
            direct
                .into_iter()
                .chain(content.iter().filter(|c| c.kind == "content"))
        })
    }

    /// Whether the block is a `dynamic "kind"` block.
    pub(crate) fn is_dynamic(&self) -> bool {
        self.kind == "dynamic"
    }

    #[cfg(test)]
    pub(crate) fn has_count_or_for_each(&self) -> bool {
        self.attr("count").is_some() || self.attr("for_each").is_some()
    }
}

impl Attribute {
    #[cfg(test)]
    /// The JSON document this attribute's string holds (from `jsonencode`, a heredoc or a
    /// string), as serde_json; `None` if it holds none or any leaf is unknown. Use
    /// `self.value.json_document()` to inspect a partly known document.
    pub(crate) fn json_value(&self) -> Option<serde_json::Value> {
        self.value.json_document()?.to_json()
    }
}

impl Value {
    /// A bool, also from the strings "true"/"false" (Terraform converts them).
    pub(crate) fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::String(s) => match s.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// A known string, including a [`Value::Json`] string whose text is known.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            Value::Json(json) => json.text.as_deref(),
            _ => None,
        }
    }

    /// A number, also from a numeric string (Terraform converts `"22"` to 22).
    pub(crate) fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::String(s) => s.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
            _ => None,
        }
    }

    pub(crate) fn as_list(&self) -> Option<&[Item]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    pub(crate) fn as_object(&self) -> Option<&[Entry]> {
        match self {
            Value::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// Whether the value itself is unknown (a JSON string with unknown leaves counts as
    /// unknown). A list or object with unknown members is not; see [`Value::is_fully_known`].
    pub(crate) fn is_unknown(&self) -> bool {
        match self {
            Value::Unknown(_) => true,
            Value::Json(json) => json.text.is_none(),
            _ => false,
        }
    }

    #[cfg(test)]
    /// Whether no leaf of the value is unknown.
    pub(crate) fn is_fully_known(&self) -> bool {
        let mut known = true;
        self.walk(Span::default(), &mut |_, value, _| {
            if value.is_unknown() {
                known = false;
            }
        });
        known
    }

    /// For an unknown reference, its dotted text (`var.x`, `aws_s3_bucket.b.arn`).
    pub(crate) fn as_reference(&self) -> Option<&str> {
        match self {
            Value::Unknown(Unknown {
                kind: UnknownKind::Reference,
                text,
            }) => Some(text),
            _ => None,
        }
    }

    /// An object's entry (the last one, if a key repeats).
    pub(crate) fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_object()?.iter().rev().find(|e| e.key == key)
    }

    /// An object's value by key.
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        self.entry(key).map(|e| &e.value)
    }

    #[cfg(test)]
    /// A fully known list of strings.
    pub(crate) fn strings(&self) -> Option<Vec<&str>> {
        self.as_list()?
            .iter()
            .map(|item| item.value.as_str())
            .collect()
    }

    #[cfg(test)]
    /// The values of a list, or the value itself if it is not a list (IAM's `Action` may be
    /// either). Members may be unknown; callers skip those.
    pub(crate) fn one_or_many(&self) -> Vec<&Value> {
        match self {
            Value::List(items) => items.iter().map(|i| &i.value).collect(),
            other => vec![other],
        }
    }

    /// The document a JSON string holds.
    pub(crate) fn json_document(&self) -> Option<&Value> {
        match self {
            Value::Json(json) => Some(&json.doc),
            _ => None,
        }
    }

    /// The value as serde_json, or `None` if any leaf is unknown. A [`Value::Json`] is the
    /// JSON string it evaluates to.
    pub(crate) fn to_json(&self) -> Option<serde_json::Value> {
        self.to_json_at(0)
    }

    fn to_json_at(&self, depth: usize) -> Option<serde_json::Value> {
        if depth > WALK_MAX_DEPTH {
            return None;
        }
        Some(match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => number_to_json(*n)?,
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Json(json) => serde_json::Value::String(json.text.clone()?),
            Value::List(items) => serde_json::Value::Array(
                items
                    .iter()
                    .map(|i| i.value.to_json_at(depth + 1))
                    .collect::<Option<_>>()?,
            ),
            Value::Object(entries) => {
                // NOTE: sorted like Terraform's jsonencode, whatever serde_json's map type.
                let mut sorted: Vec<&Entry> = entries.iter().collect();
                sorted.sort_by(|a, b| a.key.cmp(&b.key));
                let mut map = serde_json::Map::new();
                for entry in sorted {
                    if entry.computed_key {
                        return None;
                    }
                    map.insert(entry.key.clone(), entry.value.to_json_at(depth + 1)?);
                }
                serde_json::Value::Object(map)
            }
            Value::Unknown(_) => return None,
        })
    }

    /// Visits this value and every list item and object entry below it (not into JSON
    /// documents: use [`Value::json_document`] for those), with its path and span. `span` is
    /// this value's own span (e.g. the attribute's `value_span`). Unknown leaves are visited
    /// like any other value.
    pub(crate) fn walk<'v>(
        &'v self,
        span: Span,
        visit: &mut dyn FnMut(&[PathSegment<'v>], &'v Value, Span),
    ) {
        let mut path = Vec::new();
        self.walk_at(span, &mut path, visit);
    }

    fn walk_at<'v>(
        &'v self,
        span: Span,
        path: &mut Vec<PathSegment<'v>>,
        visit: &mut dyn FnMut(&[PathSegment<'v>], &'v Value, Span),
    ) {
        visit(path, self, span);
        if path.len() >= WALK_MAX_DEPTH {
            return;
        }
        match self {
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(PathSegment::Index(i));
                    item.value.walk_at(item.span, path, visit);
                    path.pop();
                }
            }
            Value::Object(entries) => {
                for entry in entries {
                    path.push(PathSegment::Key(&entry.key));
                    entry.value.walk_at(entry.span, path, visit);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    /// A scalar as Terraform converts it to a string.
    fn scalar_string(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.clone()),
            Value::Json(json) => json.text.clone(),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(number_to_json(*n)?.to_string()),
            _ => None,
        }
    }
}

fn number_to_json(n: f64) -> Option<serde_json::Value> {
    // NOTE: 2^53: beyond it an f64 no longer holds every integer exactly.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if n.fract() == 0.0 && n.abs() <= EXACT {
        Some(serde_json::Value::from(n as i64))
    } else {
        serde_json::Number::from_f64(n).map(serde_json::Value::Number)
    }
}

#[cfg(test)]
mod tests;
