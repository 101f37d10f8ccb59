//! A span-carrying, evaluated view of a Terraform file (`*.tf`, `*.tofu`, `*.tfvars`,
//! `terragrunt.hcl`, `*.tf.json`, `*.tfvars.json`).
//!
//! HCL is parsed with hcl-edit, which keeps byte spans; JSON with serde_json plus a small
//! span-recording scanner. Expressions are evaluated as far as literals allow: anything that
//! depends on variables, resources or functions the model does not know becomes
//! [`Value::Unknown`], and the linter's contract is that unknown values never fire a rule.

use crate::source::{ParseDiagnostic, Span};
use hcl_edit::expr::{
    Expression, FuncCall, ObjectKey, Traversal, TraversalOperator, UnaryOperator,
};
use hcl_edit::structure::{BlockLabel, Body, Structure};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span as _;
use std::ops::Range;

/// Bracket nesting (`{`, `[`, `(`) beyond which a file is not handed to the parser.
pub const MAX_NESTING: usize = 256;

/// Nesting limit of the JSON scanner (serde_json itself stops at 128).
const JSON_MAX_DEPTH: usize = 200;

/// Nesting limit of [`Value::walk`].
const WALK_MAX_DEPTH: usize = 512;

/// Marks an unknown interpolation inside a template's text while it is parsed as JSON.
const SENTINEL_OPEN: char = '\u{E000}';
const SENTINEL_CLOSE: char = '\u{E001}';

/// How far the template-to-source alignment looks ahead for a byte (escapes, indentation).
const ALIGN_WINDOW: usize = 64;

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
pub enum PathSegment<'a> {
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
pub fn parse(text: &str, path: &str) -> (TerraformFile, Vec<ParseDiagnostic>) {
    // NOTE: a UTF-8 byte order mark becomes three spaces, so every offset stays the same.
    let without_bom;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            without_bom = format!("   {rest}");
            without_bom.as_str()
        }
        None => text,
    };
    if let Some(diagnostic) = check_nesting(text) {
        return (TerraformFile::default(), vec![diagnostic]);
    }
    if path.ends_with(".json") {
        parse_json_file(text, path.ends_with(".tfvars.json"))
    } else {
        parse_hcl_file(text)
    }
}

/// A cheap byte scan for bracket nesting, so a hostile file cannot exhaust the stack of the
/// recursive parsers. Brackets in strings and comments count too: an upper bound is enough.
fn check_nesting(text: &str) -> Option<ParseDiagnostic> {
    let mut depth = 0usize;
    for (i, byte) in text.bytes().enumerate() {
        match byte {
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(ParseDiagnostic::new(
                        format!("nesting deeper than {MAX_NESTING} levels; file not parsed"),
                        Span::new(i, i + 1),
                    ));
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// A span of one character at `offset` (empty at the end of the text).
fn char_span(text: &str, offset: usize) -> Span {
    let mut start = offset.min(text.len());
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    let len = text
        .get(start..)
        .and_then(|rest| rest.chars().next())
        .map_or(0, char::len_utf8);
    Span::new(start, start + len)
}

fn parse_hcl_file(text: &str) -> (TerraformFile, Vec<ParseDiagnostic>) {
    match hcl_edit::parser::parse_body(text) {
        Ok(body) => {
            let eval = Eval::file(text);
            let whole = 0..text.len();
            let (attributes, blocks) = eval.body(&body, &whole);
            (TerraformFile { blocks, attributes }, Vec::new())
        }
        Err(err) => {
            let span = char_span(text, err.location().offset());
            let message = format!("invalid HCL: {}", err.message());
            (
                TerraformFile::default(),
                vec![ParseDiagnostic::new(message, span)],
            )
        }
    }
}

// ---------------------------------------------------------------------------------------------
// HCL evaluation

/// Converts hcl-edit nodes into the model. hcl-edit spans index into `text`; `base` maps them
/// to file offsets, or, when `None`, every node gets the `fixed` span (an HCL template inside
/// a JSON string with escapes, whose offsets cannot be mapped exactly).
struct Eval<'a> {
    text: &'a str,
    base: Option<usize>,
    fixed: Span,
}

impl<'a> Eval<'a> {
    fn file(text: &'a str) -> Self {
        Eval {
            text,
            base: Some(0),
            fixed: Span::new(0, text.len()),
        }
    }

    fn span(&self, range: &Range<usize>) -> Span {
        match self.base {
            Some(base) => Span::new(
                base.saturating_add(range.start),
                base.saturating_add(range.end),
            ),
            None => self.fixed,
        }
    }

    /// File offset of a byte of `text`, as a one-byte span.
    fn byte_span(&self, local: usize) -> (u32, u32) {
        match self.base {
            Some(_) => {
                let span = self.span(&(local..local + 1));
                (span.start, span.end)
            }
            None => (self.fixed.start, self.fixed.end),
        }
    }

    fn slice(&self, range: &Range<usize>) -> String {
        self.text
            .get(range.clone())
            .unwrap_or("")
            .trim()
            .to_string()
    }

    fn unknown(&self, kind: UnknownKind, range: &Range<usize>) -> Value {
        Value::Unknown(Unknown {
            kind,
            text: self.slice(range),
        })
    }

    fn body(&self, body: &Body, parent: &Range<usize>) -> (Vec<Attribute>, Vec<Block>) {
        let mut attributes = Vec::new();
        let mut blocks = Vec::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => {
                    let whole = attr.span().unwrap_or_else(|| parent.clone());
                    let key_range = attr.key.span().unwrap_or_else(|| whole.clone());
                    let value_range = attr.value.span().unwrap_or_else(|| whole.clone());
                    let key_span = self.span(&key_range);
                    let value_span = self.span(&value_range);
                    attributes.push(Attribute {
                        key: attr.key.as_str().to_string(),
                        key_span,
                        span: key_span.cover(value_span),
                        value: self.expr(&attr.value, &value_range),
                        value_span,
                    });
                }
                Structure::Block(block) => blocks.push(self.block(block, parent)),
            }
        }
        (attributes, blocks)
    }

    fn block(&self, block: &hcl_edit::structure::Block, parent: &Range<usize>) -> Block {
        let whole = block.span().unwrap_or_else(|| parent.clone());
        let ident = block.ident.span().unwrap_or_else(|| whole.clone());
        let mut labels = Vec::new();
        let mut label_spans = Vec::new();
        let mut header_from = ident.end;
        for label in &block.labels {
            let range = match label {
                BlockLabel::String(s) => s.span(),
                BlockLabel::Ident(i) => i.span(),
            }
            .unwrap_or_else(|| whole.clone());
            header_from = header_from.max(range.end);
            labels.push(label.as_str().to_string());
            label_spans.push(self.span(&range));
        }
        let header_end = self
            .text
            .get(header_from..whole.end)
            .and_then(|rest| rest.find('{'))
            .map_or(whole.end, |i| header_from + i + 1);
        let (attributes, blocks) = self.body(&block.body, &whole);
        Block {
            kind: block.ident.as_str().to_string(),
            labels,
            label_spans,
            header_span: self.span(&(whole.start..header_end)),
            span: self.span(&whole),
            attributes,
            blocks,
        }
    }

    fn expr(&self, expr: &Expression, range: &Range<usize>) -> Value {
        match expr {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => match n.value().as_f64() {
                Some(f) => Value::Number(f),
                None => self.unknown(UnknownKind::Operation, range),
            },
            Expression::String(s) => self.string(s.value(), range),
            Expression::Array(array) => Value::List(
                array
                    .iter()
                    .map(|element| {
                        let r = element.span().unwrap_or_else(|| range.clone());
                        Item {
                            value: self.expr(element, &r),
                            span: self.span(&r),
                        }
                    })
                    .collect(),
            ),
            Expression::Object(object) => Value::Object(
                object
                    .iter()
                    .map(|(key, value)| {
                        let key_range = key.span().unwrap_or_else(|| range.clone());
                        let value_range = value.expr().span().unwrap_or_else(|| range.clone());
                        let (key, computed_key) = self.object_key(key, &key_range);
                        let key_span = self.span(&key_range);
                        Entry {
                            key,
                            key_span,
                            computed_key,
                            value: self.expr(value.expr(), &value_range),
                            span: key_span.cover(self.span(&value_range)),
                        }
                    })
                    .collect(),
            ),
            Expression::StringTemplate(t) => self.template(t, range),
            Expression::HeredocTemplate(h) => self.template(&h.template, range),
            Expression::Parenthesis(p) => {
                let inner = p.inner();
                self.expr(inner, &inner.span().unwrap_or_else(|| range.clone()))
            }
            Expression::Variable(v) => match v.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "null" => Value::Null,
                name => Value::Unknown(Unknown {
                    kind: UnknownKind::Reference,
                    text: name.to_string(),
                }),
            },
            Expression::Conditional(c) => {
                let cond_range = c.cond_expr.span().unwrap_or_else(|| range.clone());
                let branch = match self.expr(&c.cond_expr, &cond_range) {
                    Value::Bool(true) => &c.true_expr,
                    Value::Bool(false) => &c.false_expr,
                    _ => return self.unknown(UnknownKind::Conditional, range),
                };
                self.expr(branch, &branch.span().unwrap_or_else(|| range.clone()))
            }
            Expression::FuncCall(call) => self.func_call(call, range),
            Expression::Traversal(t) => self.traversal(t, range),
            Expression::UnaryOp(op) => {
                let inner = op.expr.span().unwrap_or_else(|| range.clone());
                match (op.operator.value(), self.expr(&op.expr, &inner)) {
                    (UnaryOperator::Neg, Value::Number(n)) => Value::Number(-n),
                    (UnaryOperator::Not, Value::Bool(b)) => Value::Bool(!b),
                    _ => self.unknown(UnknownKind::Operation, range),
                }
            }
            Expression::BinaryOp(_) => self.unknown(UnknownKind::Operation, range),
            Expression::ForExpr(_) => self.unknown(UnknownKind::ForExpr, range),
        }
    }

    /// A bare identifier key is a literal; any other key is an expression.
    fn object_key(&self, key: &ObjectKey, range: &Range<usize>) -> (String, bool) {
        match key {
            ObjectKey::Ident(ident) => (ident.as_str().to_string(), false),
            ObjectKey::Expression(Expression::Variable(ident)) => {
                (ident.as_str().to_string(), false)
            }
            ObjectKey::Expression(expr) => match self.expr(expr, range).scalar_string() {
                Some(key) => (key, false),
                None => (self.slice(range), true),
            },
        }
    }

    /// A known string: a JSON document if it parses as one.
    fn string(&self, value: &str, range: &Range<usize>) -> Value {
        if looks_like_json(value) {
            let mut mapped = Mapped::default();
            mapped.push_aligned(self, value, range);
            if let Some(doc) = mapped.json_document(&[]) {
                return Value::Json(Box::new(JsonString {
                    text: Some(value.to_string()),
                    doc,
                }));
            }
        }
        Value::String(value.to_string())
    }

    fn template(&self, template: &Template, range: &Range<usize>) -> Value {
        let elements: Vec<&Element> = template.iter().collect();
        // NOTE: like Terraform, "${expr}" alone yields expr's value, not its string form.
        if let [Element::Interpolation(interp)] = elements.as_slice() {
            let r = interp.expr.span().unwrap_or_else(|| range.clone());
            return self.expr(&interp.expr, &r);
        }
        let mut mapped = Mapped::default();
        let mut unknowns: Vec<Unknown> = Vec::new();
        let mut strip_next = false;
        for element in elements {
            match element {
                Element::Literal(lit) => {
                    let lit_range = lit.span().unwrap_or_else(|| range.clone());
                    let text: &str = lit.value();
                    let text = if strip_next { text.trim_start() } else { text };
                    let skipped = lit.value().len() - text.len();
                    let src =
                        lit_range.start.saturating_add(skipped).min(lit_range.end)..lit_range.end;
                    mapped.push_aligned(self, text, &src);
                    strip_next = false;
                }
                Element::Interpolation(interp) => {
                    if interp.strip.strip_start() {
                        mapped.trim_end();
                    }
                    strip_next = interp.strip.strip_end();
                    let whole = interp.span().unwrap_or_else(|| range.clone());
                    let r = interp.expr.span().unwrap_or_else(|| whole.clone());
                    let span = self.span(&whole);
                    match self.expr(&interp.expr, &r) {
                        Value::Unknown(unknown) => {
                            let marker =
                                format!("{SENTINEL_OPEN}{}{SENTINEL_CLOSE}", unknowns.len());
                            unknowns.push(unknown);
                            mapped.push_fixed(&marker, span);
                        }
                        value => match value.scalar_string() {
                            Some(s) => mapped.push_fixed(&s, span),
                            None => return self.unknown(UnknownKind::Template, range),
                        },
                    }
                }
                Element::Directive(_) => return self.unknown(UnknownKind::Template, range),
            }
        }
        if unknowns.is_empty() {
            let text = mapped.text.clone();
            if looks_like_json(&text) {
                if let Some(doc) = mapped.json_document(&[]) {
                    return Value::Json(Box::new(JsonString {
                        text: Some(text),
                        doc,
                    }));
                }
            }
            return Value::String(text);
        }
        if looks_like_json(&mapped.text) {
            if let Some(doc) = mapped.json_document(&unknowns) {
                return Value::Json(Box::new(JsonString { text: None, doc }));
            }
        }
        self.unknown(UnknownKind::Template, range)
    }

    fn func_call(&self, call: &FuncCall, range: &Range<usize>) -> Value {
        let mut name = String::new();
        for part in &call.name.namespace {
            name.push_str(part.as_str());
            name.push_str("::");
        }
        name.push_str(call.name.name.as_str());
        let unknown = || self.unknown(UnknownKind::FunctionCall(name.clone()), range);
        if call.args.expand_final() {
            return unknown();
        }
        let args: Vec<Value> = call
            .args
            .iter()
            .map(|arg| self.expr(arg, &arg.span().unwrap_or_else(|| range.clone())))
            .collect();
        let result = match (name.as_str(), args.as_slice()) {
            ("jsonencode", [Value::Unknown(_)]) => None,
            ("jsonencode", [doc]) => Some(Value::Json(Box::new(JsonString {
                text: doc.to_json().map(|json| json.to_string()),
                doc: doc.clone(),
            }))),
            ("tolist", [Value::List(items)]) => Some(Value::List(items.clone())),
            ("toset", [Value::List(items)]) => {
                let mut unique: Vec<Item> = Vec::new();
                for item in items {
                    let known_duplicate =
                        !item.value.is_unknown() && unique.iter().any(|u| u.value == item.value);
                    if !known_duplicate {
                        unique.push(item.clone());
                    }
                }
                Some(Value::List(unique))
            }
            ("tomap", [Value::Object(entries)]) => Some(Value::Object(entries.clone())),
            ("concat", args) if args.iter().all(|a| matches!(a, Value::List(_))) => {
                Some(Value::List(
                    args.iter()
                        .filter_map(Value::as_list)
                        .flatten()
                        .cloned()
                        .collect(),
                ))
            }
            ("merge", args)
                if args
                    .iter()
                    .all(|a| matches!(a, Value::Object(_) | Value::Null)) =>
            {
                let mut merged: Vec<Entry> = Vec::new();
                for entry in args.iter().filter_map(Value::as_object).flatten() {
                    if entry.computed_key {
                        return unknown();
                    }
                    match merged.iter_mut().find(|e| e.key == entry.key) {
                        Some(existing) => *existing = entry.clone(),
                        None => merged.push(entry.clone()),
                    }
                }
                Some(Value::Object(merged))
            }
            ("tostring", [v]) => v.scalar_string().map(Value::String),
            ("tonumber", [v]) => v.as_f64().map(Value::Number),
            ("tobool", [v]) => v.as_bool().map(Value::Bool),
            _ => None,
        };
        result.unwrap_or_else(unknown)
    }

    fn traversal(&self, traversal: &Traversal, range: &Range<usize>) -> Value {
        let operators = &traversal.operators;
        if operators.iter().any(|op| {
            matches!(
                op.value(),
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_)
            )
        }) {
            return self.unknown(UnknownKind::Splat, range);
        }
        let reference = || self.unknown(UnknownKind::Reference, range);
        if matches!(traversal.expr, Expression::Variable(_)) {
            return reference();
        }
        let root_range = traversal.expr.span().unwrap_or_else(|| range.clone());
        let mut value = self.expr(&traversal.expr, &root_range);
        for op in operators {
            let next = match op.value() {
                TraversalOperator::GetAttr(name) => value.get(name.as_str()).cloned(),
                TraversalOperator::LegacyIndex(i) => usize::try_from(*i.value())
                    .ok()
                    .and_then(|i| value.as_list()?.get(i))
                    .map(|item| item.value.clone()),
                TraversalOperator::Index(index) => {
                    let r = index.span().unwrap_or_else(|| range.clone());
                    match self.expr(index, &r) {
                        Value::Number(n) if n >= 0.0 && n.fract() == 0.0 => value
                            .as_list()
                            .and_then(|items| items.get(n as usize))
                            .map(|item| item.value.clone()),
                        Value::String(key) => value.get(&key).cloned(),
                        _ => None,
                    }
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => None,
            };
            match next {
                Some(next) => value = next,
                None => return reference(),
            }
        }
        value
    }
}

fn looks_like_json(text: &str) -> bool {
    matches!(text.trim_start().as_bytes().first(), Some(b'{' | b'['))
}

// ---------------------------------------------------------------------------------------------
// Text with a byte-to-source map, for JSON documents inside strings and heredocs.

/// A string being assembled from template pieces, with the file span of each of its bytes.
#[derive(Default)]
struct Mapped {
    text: String,
    starts: Vec<u32>,
    ends: Vec<u32>,
}

impl Mapped {
    /// Appends a literal whose source is `src` in `eval.text`. The decoded text differs from
    /// the source by escapes, `<<-` indentation and CRLF, so each byte is matched greedily to
    /// the next equal source byte within a small window (best effort, always inside `src`).
    fn push_aligned(&mut self, eval: &Eval, literal: &str, src: &Range<usize>) {
        let source = eval.text.as_bytes().get(src.clone()).unwrap_or(&[]);
        let mut at = 0usize;
        for byte in literal.bytes() {
            let found = source
                .get(at..)
                .unwrap_or(&[])
                .iter()
                .take(ALIGN_WINDOW)
                .position(|&b| b == byte);
            let local = match found {
                Some(k) => {
                    let local = src.start + at + k;
                    at += k + 1;
                    local
                }
                None => {
                    let local = src.start + at.min(source.len().saturating_sub(1));
                    at = (at + 1).min(source.len());
                    local
                }
            };
            let (start, end) = eval.byte_span(local);
            self.starts.push(start);
            self.ends.push(end);
        }
        self.text.push_str(literal);
    }

    /// Appends text that all maps to one span (an interpolation).
    fn push_fixed(&mut self, text: &str, span: Span) {
        self.text.push_str(text);
        for _ in 0..text.len() {
            self.starts.push(span.start);
            self.ends.push(span.end);
        }
    }

    fn trim_end(&mut self) {
        let len = self.text.trim_end().len();
        self.text.truncate(len);
        self.starts.truncate(len);
        self.ends.truncate(len);
    }

    fn span(&self, range: &Range<usize>) -> Span {
        let start = self.starts.get(range.start).copied();
        let end = range
            .end
            .checked_sub(1)
            .and_then(|last| self.ends.get(last))
            .copied();
        match (start, end) {
            (Some(start), Some(end)) => Span::new(start as usize, end as usize),
            _ => {
                let lo = self.starts.iter().copied().min().unwrap_or(0);
                let hi = self.ends.iter().copied().max().unwrap_or(lo);
                Span::new(lo as usize, hi as usize)
            }
        }
    }

    /// Parses the text as JSON; strings holding a sentinel become unknown leaves.
    fn json_document(&self, unknowns: &[Unknown]) -> Option<Value> {
        serde_json::from_str::<serde_json::Value>(&self.text).ok()?;
        let node = JsonScanner::new(&self.text).document()?;
        let convert = EmbeddedJson {
            map: self,
            unknowns,
        };
        Some(convert.value(&node))
    }
}

/// Converts a JSON document found inside a string into a [`Value`].
struct EmbeddedJson<'a> {
    map: &'a Mapped,
    unknowns: &'a [Unknown],
}

impl EmbeddedJson<'_> {
    fn value(&self, node: &JNode) -> Value {
        match &node.kind {
            JKind::Null => Value::Null,
            JKind::Bool(b) => Value::Bool(*b),
            JKind::Number(n) => Value::Number(*n),
            JKind::Str(s) => match self.resolve(s) {
                Ok(s) => Value::String(s),
                Err(unknown) => Value::Unknown(unknown),
            },
            JKind::Arr(nodes) => Value::List(
                nodes
                    .iter()
                    .map(|n| Item {
                        value: self.value(n),
                        span: self.map.span(&n.range),
                    })
                    .collect(),
            ),
            JKind::Obj(members) => Value::Object(
                members
                    .iter()
                    .map(|m| {
                        let key_span = self.map.span(&m.key_range);
                        let (key, computed_key) = match self.resolve(&m.key) {
                            Ok(key) => (key, false),
                            Err(unknown) => (unknown.text, true),
                        };
                        Entry {
                            key,
                            key_span,
                            computed_key,
                            value: self.value(&m.value),
                            span: key_span.cover(self.map.span(&m.value.range)),
                        }
                    })
                    .collect(),
            ),
        }
    }

    /// A JSON string without sentinels is known. One that is exactly one sentinel is that
    /// interpolation's unknown value; any other mix is an unknown template whose text has the
    /// sentinels replaced by `${...}`.
    fn resolve(&self, s: &str) -> Result<String, Unknown> {
        if !s.contains(SENTINEL_OPEN) {
            return Ok(s.to_string());
        }
        let mut text = String::new();
        let mut rest = s;
        let mut found: Vec<&Unknown> = Vec::new();
        while let Some(open) = rest.find(SENTINEL_OPEN) {
            let (before, marker) = rest.split_at(open);
            text.push_str(before);
            let body = marker.get(SENTINEL_OPEN.len_utf8()..).unwrap_or("");
            let unknown = body.find(SENTINEL_CLOSE).and_then(|close| {
                let index = body.get(..close)?.parse::<usize>().ok()?;
                Some((self.unknowns.get(index)?, close))
            });
            let Some((unknown, close)) = unknown else {
                text.push_str(marker);
                rest = "";
                break;
            };
            text.push_str("${");
            text.push_str(&unknown.text);
            text.push('}');
            found.push(unknown);
            rest = body.get(close + SENTINEL_CLOSE.len_utf8()..).unwrap_or("");
        }
        text.push_str(rest);
        match found.as_slice() {
            [only] if text.len() == only.text.len() + 3 => Err((*only).clone()),
            _ => Err(Unknown {
                kind: UnknownKind::Template,
                text,
            }),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// JSON scanning with spans

/// A JSON value with the byte range it covers in the scanned text.
struct JNode {
    kind: JKind,
    range: Range<usize>,
}

enum JKind {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Arr(Vec<JNode>),
    Obj(Vec<JMember>),
}

struct JMember {
    key: String,
    key_range: Range<usize>,
    value: JNode,
}

/// Records the byte range of every JSON value. Run only on text serde_json has accepted, so
/// it can be lenient; it still returns `None` rather than panic on anything odd.
struct JsonScanner<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> JsonScanner<'a> {
    fn new(text: &'a str) -> Self {
        JsonScanner { text, pos: 0 }
    }

    fn document(mut self) -> Option<JNode> {
        self.node(0)
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn node(&mut self, depth: usize) -> Option<JNode> {
        if depth > JSON_MAX_DEPTH {
            return None;
        }
        self.skip_ws();
        let start = self.pos;
        let kind = match self.peek()? {
            b'{' => {
                self.pos += 1;
                let mut members = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek()? {
                        b'}' => {
                            self.pos += 1;
                            break;
                        }
                        b',' => self.pos += 1,
                        b'"' => {
                            let (key, key_range) = self.string()?;
                            self.skip_ws();
                            if self.peek()? != b':' {
                                return None;
                            }
                            self.pos += 1;
                            let value = self.node(depth + 1)?;
                            members.push(JMember {
                                key,
                                key_range,
                                value,
                            });
                        }
                        _ => return None,
                    }
                }
                JKind::Obj(members)
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek()? {
                        b']' => {
                            self.pos += 1;
                            break;
                        }
                        b',' => self.pos += 1,
                        _ => items.push(self.node(depth + 1)?),
                    }
                }
                JKind::Arr(items)
            }
            b'"' => JKind::Str(self.string()?.0),
            b't' => self.keyword("true", JKind::Bool(true))?,
            b'f' => self.keyword("false", JKind::Bool(false))?,
            b'n' => self.keyword("null", JKind::Null)?,
            _ => {
                while matches!(
                    self.peek(),
                    Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                ) {
                    self.pos += 1;
                }
                JKind::Number(self.text.get(start..self.pos)?.parse().ok()?)
            }
        };
        Some(JNode {
            kind,
            range: start..self.pos,
        })
    }

    fn keyword(&mut self, word: &str, kind: JKind) -> Option<JKind> {
        if self.text.get(self.pos..)?.starts_with(word) {
            self.pos += word.len();
            Some(kind)
        } else {
            None
        }
    }

    fn string(&mut self) -> Option<(String, Range<usize>)> {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek()? {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    break;
                }
                _ => self.pos += 1,
            }
        }
        let raw = self.text.get(start..self.pos)?;
        let decoded = serde_json::from_str::<String>(raw).ok()?;
        Some((decoded, start..self.pos))
    }
}

// ---------------------------------------------------------------------------------------------
// `*.tf.json` and `*.tfvars.json`

fn parse_json_file(text: &str, tfvars: bool) -> (TerraformFile, Vec<ParseDiagnostic>) {
    if let Err(err) = serde_json::from_str::<serde_json::Value>(text) {
        let offset = line_col_offset(text, err.line(), err.column());
        let span = char_span(text, offset);
        return (
            TerraformFile::default(),
            vec![ParseDiagnostic::new(format!("invalid JSON: {err}"), span)],
        );
    }
    let Some(root) = JsonScanner::new(text).document() else {
        return (
            TerraformFile::default(),
            vec![ParseDiagnostic::new(
                "invalid JSON",
                Span::new(0, text.len().min(1)),
            )],
        );
    };
    let JKind::Obj(members) = &root.kind else {
        return (
            TerraformFile::default(),
            vec![ParseDiagnostic::new(
                "a Terraform JSON file must hold an object",
                Span::from_range(root.range.clone()),
            )],
        );
    };
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
    (file, Vec::new())
}

/// Byte offset of serde_json's 1-based line and (byte) column.
fn line_col_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    line_start
        .saturating_add(column.saturating_sub(1))
        .min(text.len())
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
        match hcl_edit::parser::parse_template(decoded) {
            Ok(template) => eval.template(&template, &whole),
            Err(_) => Value::Unknown(Unknown {
                kind: UnknownKind::Template,
                text: decoded.to_string(),
            }),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers for rules

impl TerraformFile {
    /// `resource` blocks.
    pub fn resources(&self) -> impl Iterator<Item = &Block> {
        self.blocks_of("resource")
    }

    /// `data` blocks.
    pub fn data_sources(&self) -> impl Iterator<Item = &Block> {
        self.blocks_of("data")
    }

    pub fn modules(&self) -> impl Iterator<Item = &Block> {
        self.blocks_of("module")
    }

    pub fn providers(&self) -> impl Iterator<Item = &Block> {
        self.blocks_of("provider")
    }

    pub fn terraform_blocks(&self) -> impl Iterator<Item = &Block> {
        self.blocks_of("terraform")
    }

    pub fn variables(&self) -> impl Iterator<Item = &Block> {
        self.blocks_of("variable")
    }

    pub fn outputs(&self) -> impl Iterator<Item = &Block> {
        self.blocks_of("output")
    }

    /// Top-level blocks of one kind.
    pub fn blocks_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }

    /// Resources of one type, e.g. `"aws_db_instance"`.
    pub fn resources_of_type<'a>(&'a self, ty: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.resources()
            .filter(move |b| b.resource_type() == Some(ty))
    }

    /// A top-level attribute (tfvars, terragrunt.hcl).
    pub fn attr(&self, key: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.key == key)
    }
}

impl Block {
    /// The resource or data source type (`aws_db_instance`); `None` for other blocks.
    pub fn resource_type(&self) -> Option<&str> {
        match self.kind.as_str() {
            "resource" | "data" | "ephemeral" => self.labels.first().map(String::as_str),
            _ => None,
        }
    }

    /// The name: the second label of a resource or data source, the first of anything else
    /// (module, provider, variable, output, a nested block's label).
    pub fn name(&self) -> Option<&str> {
        match self.kind.as_str() {
            "resource" | "data" | "ephemeral" => self.labels.get(1),
            _ => self.labels.first(),
        }
        .map(String::as_str)
    }

    /// The Terraform address: `aws_db_instance.main`, `data.aws_iam_policy_document.x`,
    /// `module.vpc`, `var.region`, `provider.aws`; other blocks join kind and labels with `.`.
    pub fn address(&self) -> String {
        let mut parts: Vec<&str> = match self.kind.as_str() {
            "resource" => Vec::new(),
            "variable" => vec!["var"],
            kind => vec![kind],
        };
        parts.extend(self.labels.iter().map(String::as_str));
        parts.join(".")
    }

    pub fn attr(&self, key: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.key == key)
    }

    /// The value of an attribute, if present.
    pub fn value(&self, key: &str) -> Option<&Value> {
        self.attr(key).map(|a| &a.value)
    }

    /// Nested blocks of one kind, and also the `content` blocks of `dynamic "kind"` blocks
    /// (their `kind` is "content"; their values usually are unknown, from the iterator).
    pub fn blocks_named<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
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
    pub fn is_dynamic(&self) -> bool {
        self.kind == "dynamic"
    }

    pub fn has_count_or_for_each(&self) -> bool {
        self.attr("count").is_some() || self.attr("for_each").is_some()
    }
}

impl Attribute {
    /// The JSON document this attribute's string holds (from `jsonencode`, a heredoc or a
    /// string), as serde_json; `None` if it holds none or any leaf is unknown. Use
    /// `self.value.json_document()` to inspect a partly known document.
    pub fn json_value(&self) -> Option<serde_json::Value> {
        self.value.json_document()?.to_json()
    }
}

impl Value {
    /// A bool, also from the strings "true"/"false" (Terraform converts them).
    pub fn as_bool(&self) -> Option<bool> {
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
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            Value::Json(json) => json.text.as_deref(),
            _ => None,
        }
    }

    /// A number, also from a numeric string (Terraform converts `"22"` to 22).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::String(s) => s.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Item]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Entry]> {
        match self {
            Value::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// Whether the value itself is unknown (a JSON string with unknown leaves counts as
    /// unknown). A list or object with unknown members is not; see [`Value::is_fully_known`].
    pub fn is_unknown(&self) -> bool {
        match self {
            Value::Unknown(_) => true,
            Value::Json(json) => json.text.is_none(),
            _ => false,
        }
    }

    /// Whether no leaf of the value is unknown.
    pub fn is_fully_known(&self) -> bool {
        let mut known = true;
        self.walk(Span::default(), &mut |_, value, _| {
            if value.is_unknown() {
                known = false;
            }
        });
        known
    }

    /// For an unknown reference, its dotted text (`var.x`, `aws_s3_bucket.b.arn`).
    pub fn as_reference(&self) -> Option<&str> {
        match self {
            Value::Unknown(Unknown {
                kind: UnknownKind::Reference,
                text,
            }) => Some(text),
            _ => None,
        }
    }

    /// An object's entry (the last one, if a key repeats).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_object()?.iter().rev().find(|e| e.key == key)
    }

    /// An object's value by key.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entry(key).map(|e| &e.value)
    }

    /// A fully known list of strings.
    pub fn strings(&self) -> Option<Vec<&str>> {
        self.as_list()?
            .iter()
            .map(|item| item.value.as_str())
            .collect()
    }

    /// The values of a list, or the value itself if it is not a list (IAM's `Action` may be
    /// either). Members may be unknown; callers skip those.
    pub fn one_or_many(&self) -> Vec<&Value> {
        match self {
            Value::List(items) => items.iter().map(|i| &i.value).collect(),
            other => vec![other],
        }
    }

    /// The document a JSON string holds.
    pub fn json_document(&self) -> Option<&Value> {
        match self {
            Value::Json(json) => Some(&json.doc),
            _ => None,
        }
    }

    /// The value as serde_json, or `None` if any leaf is unknown. A [`Value::Json`] is the
    /// JSON string it evaluates to.
    pub fn to_json(&self) -> Option<serde_json::Value> {
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
    pub fn walk<'v>(
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
mod tests {
    use super::*;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    fn parse_ok(text: &str, path: &str) -> TerraformFile {
        let (file, diagnostics) = parse(text, path);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        file
    }

    fn unknown_kind(value: &Value) -> Option<&UnknownKind> {
        match value {
            Value::Unknown(u) => Some(&u.kind),
            _ => None,
        }
    }

    const SECURITY_GROUP: &str = r#"resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = module.vpc.vpc_id

  ingress {
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8", "0.0.0.0/0"]
  }

  dynamic "ingress" {
    for_each = var.admin_ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }

  egress {
    from_port = 0
    to_port   = 0
    protocol  = "-1"
  }
}
"#;

    #[test]
    fn security_group_spans_and_dynamic_blocks() {
        let text = SECURITY_GROUP;
        let file = parse_ok(text, "main.tf");
        let sg = file.resources().next().unwrap();
        assert_eq!(sg.resource_type(), Some("aws_security_group"));
        assert_eq!(sg.name(), Some("web"));
        assert_eq!(sg.address(), "aws_security_group.web");
        assert_eq!(
            slice(text, sg.header_span),
            r#"resource "aws_security_group" "web" {"#
        );
        assert_eq!(slice(text, sg.span), text.trim_end());
        assert_eq!(slice(text, sg.label_spans[1]), r#""web""#);
        assert!(!sg.has_count_or_for_each());

        let vpc_id = sg.attr("vpc_id").unwrap();
        assert_eq!(slice(text, vpc_id.span), "vpc_id = module.vpc.vpc_id");
        assert_eq!(slice(text, vpc_id.key_span), "vpc_id");
        assert_eq!(slice(text, vpc_id.value_span), "module.vpc.vpc_id");
        assert_eq!(vpc_id.value.as_reference(), Some("module.vpc.vpc_id"));

        let ingress: Vec<&Block> = sg.blocks_named("ingress").collect();
        assert_eq!(ingress.len(), 2);
        assert_eq!(ingress[0].kind, "ingress");
        assert_eq!(slice(text, ingress[0].header_span), "ingress {");
        let cidrs = ingress[0].attr("cidr_blocks").unwrap();
        assert_eq!(
            slice(text, cidrs.span),
            r#"cidr_blocks = ["10.0.0.0/8", "0.0.0.0/0"]"#
        );
        assert_eq!(cidrs.value.strings(), Some(vec!["10.0.0.0/8", "0.0.0.0/0"]));
        let open = &cidrs.value.as_list().unwrap()[1];
        assert_eq!(slice(text, open.span), r#""0.0.0.0/0""#);
        assert_eq!(ingress[0].value("from_port").unwrap().as_f64(), Some(443.0));

        // The dynamic block's content: known literals stay known, the iterator is unknown.
        let content = ingress[1];
        assert_eq!(content.kind, "content");
        assert_eq!(slice(text, content.header_span), "content {");
        assert_eq!(
            content.value("from_port").unwrap().as_reference(),
            Some("ingress.value")
        );
        assert_eq!(
            content.value("cidr_blocks").unwrap().strings(),
            Some(vec!["0.0.0.0/0"])
        );
        let dynamic = sg.blocks.iter().find(|b| b.is_dynamic()).unwrap();
        assert_eq!(slice(text, dynamic.header_span), r#"dynamic "ingress" {"#);
        assert!(dynamic.has_count_or_for_each());

        let egress = sg.blocks_named("egress").next().unwrap();
        assert_eq!(egress.value("protocol").unwrap().as_str(), Some("-1"));
        assert_eq!(egress.value("from_port").unwrap().as_f64(), Some(0.0));
    }

    #[test]
    fn jsonencode_policy_keeps_the_document_and_unknown_leaves() {
        let text = r#"resource "aws_iam_policy" "admin" {
  name = "admin"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "*"
        Resource = "*"
      },
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = "${aws_s3_bucket.data.arn}/*"
      },
    ]
  })
}

resource "aws_iam_policy" "known" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = "s3:*", Resource = "*", Sid = 1 }] })
}
"#;
        let file = parse_ok(text, "iam.tf");
        let admin = file.resources().next().unwrap().attr("policy").unwrap();
        assert!(admin.value.is_unknown());
        assert_eq!(admin.value.as_str(), None);
        assert_eq!(admin.json_value(), None);
        let doc = admin.value.json_document().unwrap();
        assert_eq!(doc.get("Version").unwrap().as_str(), Some("2012-10-17"));
        let statements = doc.get("Statement").unwrap().as_list().unwrap();
        let first = &statements[0].value;
        assert_eq!(first.get("Action").unwrap().as_str(), Some("*"));
        let action = first.entry("Action").unwrap();
        assert_eq!(slice(text, action.span), r#"Action   = "*""#);
        let second = &statements[1].value;
        assert_eq!(
            second.get("Action").unwrap().one_or_many()[0].as_str(),
            Some("s3:GetObject")
        );
        assert_eq!(
            unknown_kind(second.get("Resource").unwrap()),
            Some(&UnknownKind::Template)
        );

        // The walker reaches every Effect, known or not.
        let mut effects = Vec::new();
        doc.walk(admin.value_span, &mut |path, value, span| {
            if path.last() == Some(&PathSegment::Key("Effect")) {
                effects.push((value.as_str(), slice(text, span)));
            }
        });
        assert_eq!(
            effects,
            vec![
                (Some("Allow"), r#"Effect   = "Allow""#),
                (Some("Allow"), r#"Effect   = "Allow""#)
            ]
        );

        let known = file.resources().nth(1).unwrap().attr("policy").unwrap();
        assert_eq!(
            known.value.as_str(),
            Some(
                r#"{"Statement":[{"Action":"s3:*","Effect":"Deny","Resource":"*","Sid":1}],"Version":"2012-10-17"}"#
            )
        );
        let json = known.json_value().unwrap();
        assert_eq!(json["Statement"][0]["Effect"], "Deny");
        assert!(known.value.is_fully_known());
    }

    #[test]
    fn heredoc_json_policy_with_interpolation() {
        let text = "resource \"aws_iam_role_policy\" \"p\" {\n  policy = <<-EOF\n    {\n      \"Version\": \"2012-10-17\",\n      \"Statement\": [\n        {\n          \"Effect\": \"Allow\",\n          \"Action\": \"*\",\n          \"Resource\": \"${aws_s3_bucket.b.arn}\"\n        }\n      ]\n    }\n  EOF\n}\n";
        let file = parse_ok(text, "iam.tf");
        let policy = file.resources().next().unwrap().attr("policy").unwrap();
        assert!(slice(text, policy.value_span).starts_with("<<-EOF\n"));
        assert!(slice(text, policy.value_span).ends_with("  EOF"));
        let doc = policy.value.json_document().unwrap();
        let statement = &doc.get("Statement").unwrap().as_list().unwrap()[0];
        assert_eq!(
            statement.value.get("Effect").unwrap().as_str(),
            Some("Allow")
        );
        let action = statement.value.entry("Action").unwrap();
        assert_eq!(slice(text, action.key_span), "\"Action\"");
        assert_eq!(slice(text, action.span), "\"Action\": \"*\"");
        let resource = statement.value.entry("Resource").unwrap();
        assert_eq!(resource.value.as_reference(), Some("aws_s3_bucket.b.arn"));
        assert_eq!(
            slice(text, resource.span),
            "\"Resource\": \"${aws_s3_bucket.b.arn}\""
        );
        assert_eq!(policy.json_value(), None);
    }

    #[test]
    fn heredoc_without_interpolation_is_a_string_with_indentation_stripped() {
        let text = "locals {\n  policy = <<-EOT\n    {\n      \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"*\"], \"Resource\": \"*\"}]\n    }\n  EOT\n  plain = <<EOT\n  keep\nEOT\n  note = <<-EOT\n    a\n      b\n  EOT\n}\n";
        let file = parse_ok(text, "main.tf");
        let locals = file.blocks_of("locals").next().unwrap();
        let policy = locals.attr("policy").unwrap();
        assert_eq!(
            policy.value.as_str(),
            Some("{\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"*\"], \"Resource\": \"*\"}]\n}\n")
        );
        let json = policy.json_value().unwrap();
        assert_eq!(json["Statement"][0]["Action"][0], "*");
        let doc = policy.value.json_document().unwrap();
        let statement = &doc.get("Statement").unwrap().as_list().unwrap()[0];
        assert_eq!(
            slice(text, statement.value.entry("Action").unwrap().span),
            "\"Action\": [\"*\"]"
        );
        assert_eq!(locals.value("plain").unwrap().as_str(), Some("  keep\n"));
        assert_eq!(locals.value("note").unwrap().as_str(), Some("a\n  b\n"));
    }

    #[test]
    fn json_in_a_quoted_string() {
        let text = r#"resource "aws_iam_policy" "p" {
  policy = "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"
}
"#;
        let file = parse_ok(text, "main.tf");
        let policy = file.resources().next().unwrap().attr("policy").unwrap();
        assert_eq!(policy.json_value().unwrap()["Statement"][0]["Action"], "*");
        let doc = policy.value.json_document().unwrap();
        let statement = &doc.get("Statement").unwrap().as_list().unwrap()[0];
        assert!(policy.value_span.contains(statement.span));
    }

    #[test]
    fn iam_policy_document_statements() {
        let text = r#"data "aws_iam_policy_document" "admin" {
  statement {
    sid       = "All"
    effect    = "Allow"
    actions   = ["*"]
    resources = ["*"]
  }

  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.b.arn}/*"]

    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
}
"#;
        let file = parse_ok(text, "iam.tf");
        let doc = file.data_sources().next().unwrap();
        assert_eq!(doc.address(), "data.aws_iam_policy_document.admin");
        assert_eq!(doc.name(), Some("admin"));
        let statements: Vec<&Block> = doc.blocks_named("statement").collect();
        assert_eq!(statements.len(), 2);
        assert_eq!(
            statements[0].value("actions").unwrap().strings(),
            Some(vec!["*"])
        );
        assert_eq!(statements[1].value("resources").unwrap().strings(), None);
        let resources = statements[1].value("resources").unwrap().as_list().unwrap();
        assert!(resources[0].value.is_unknown());
        let condition = statements[1].blocks_named("condition").next().unwrap();
        assert_eq!(
            condition.value("values").unwrap().one_or_many()[0].as_bool(),
            Some(true)
        );
        assert_eq!(slice(text, condition.header_span), "condition {");
    }

    #[test]
    fn unknowns_and_evaluation() {
        let text = r#"resource "aws_db_instance" "main" {
  count                   = var.create ? 1 : 0
  publicly_accessible     = var.public
  storage_encrypted       = local.encrypted
  multi_az                = true
  deletion_protection     = false
  skip_final_snapshot     = "true"
  backup_retention_period = -1
  port                    = (5432)
  allocated_storage       = "20"
  kms_key_id              = null
  tags                    = merge(local.tags, { Name = "db" })
  name                    = lookup(var.names, "db", "main")
  subnets                 = aws_subnet.private[*].id
  azs                     = [for s in var.subnets : s.az]
  sum                     = 1 + 2
  flag                    = !true
  sg                      = concat(["a"], tolist(["b", "c"]))
  set                     = toset(["x", "x", "y"])
  merged                  = merge({ a = 1, b = 2 }, { b = 3 })
  pick                    = true ? "yes" : var.no
  label                   = "db-${var.env}"
  literal                 = "db-$${x}"
  each_value              = each.value
  index                   = count.index
  first                   = ["p", "q"][1]
  str                     = tostring(5)
}
"#;
        let file = parse_ok(text, "db.tf");
        let db = file.resources().next().unwrap();
        assert!(db.has_count_or_for_each());
        let v = |k: &str| db.value(k).unwrap();
        assert_eq!(unknown_kind(v("count")), Some(&UnknownKind::Conditional));
        assert_eq!(v("publicly_accessible").as_reference(), Some("var.public"));
        assert_eq!(
            v("storage_encrypted").as_reference(),
            Some("local.encrypted")
        );
        assert_eq!(v("multi_az").as_bool(), Some(true));
        assert_eq!(v("deletion_protection").as_bool(), Some(false));
        assert_eq!(v("skip_final_snapshot").as_bool(), Some(true));
        assert_eq!(v("backup_retention_period").as_f64(), Some(-1.0));
        assert_eq!(v("port").as_f64(), Some(5432.0));
        assert_eq!(v("allocated_storage").as_f64(), Some(20.0));
        assert_eq!(v("kms_key_id"), &Value::Null);
        assert_eq!(
            unknown_kind(v("tags")),
            Some(&UnknownKind::FunctionCall("merge".into()))
        );
        let name = v("name");
        assert_eq!(
            unknown_kind(name),
            Some(&UnknownKind::FunctionCall("lookup".into()))
        );
        assert_eq!(
            name,
            &Value::Unknown(Unknown {
                kind: UnknownKind::FunctionCall("lookup".into()),
                text: r#"lookup(var.names, "db", "main")"#.into()
            })
        );
        assert_eq!(unknown_kind(v("subnets")), Some(&UnknownKind::Splat));
        assert_eq!(unknown_kind(v("azs")), Some(&UnknownKind::ForExpr));
        assert_eq!(unknown_kind(v("sum")), Some(&UnknownKind::Operation));
        assert_eq!(v("flag").as_bool(), Some(false));
        assert_eq!(v("sg").strings(), Some(vec!["a", "b", "c"]));
        let sg_items = v("sg").as_list().unwrap();
        assert_eq!(slice(text, sg_items[2].span), r#""c""#);
        assert_eq!(v("set").strings(), Some(vec!["x", "y"]));
        assert_eq!(v("merged").get("b").unwrap().as_f64(), Some(3.0));
        assert_eq!(v("merged").get("a").unwrap().as_f64(), Some(1.0));
        assert_eq!(v("pick").as_str(), Some("yes"));
        assert_eq!(unknown_kind(v("label")), Some(&UnknownKind::Template));
        assert_eq!(v("literal").as_str(), Some("db-${x}"));
        assert_eq!(v("each_value").as_reference(), Some("each.value"));
        assert_eq!(v("index").as_reference(), Some("count.index"));
        assert_eq!(v("first").as_str(), Some("q"));
        assert_eq!(v("str").as_str(), Some("5"));
    }

    #[test]
    fn tfvars_top_level_attributes() {
        let text = "region = \"eu-west-1\"\ninstance_count = 3\nallowed = [\"0.0.0.0/0\"]\ntags = {\n  Environment = \"prod\"\n  \"Owner\"     = \"ops\"\n}\n";
        let file = parse_ok(text, "prod.tfvars");
        assert!(file.blocks.is_empty());
        assert_eq!(
            file.attr("region").unwrap().value.as_str(),
            Some("eu-west-1")
        );
        assert_eq!(
            file.attr("instance_count").unwrap().value.as_f64(),
            Some(3.0)
        );
        let tags = &file.attr("tags").unwrap().value;
        let owner = tags.entry("Owner").unwrap();
        assert_eq!(slice(text, owner.key_span), "\"Owner\"");
        assert_eq!(slice(text, owner.span), "\"Owner\"     = \"ops\"");
        assert_eq!(tags.get("Environment").unwrap().as_str(), Some("prod"));
    }

    #[test]
    fn terragrunt_file() {
        let text = r#"include "root" {
  path = find_in_parent_folders()
}

terraform {
  source = "git::https://github.com/acme/modules.git//vpc?ref=v1.2.0"
}

dependency "vpc" {
  config_path = "../vpc"
}

inputs = {
  vpc_id = dependency.vpc.outputs.vpc_id
  env    = "staging"
}
"#;
        let file = parse_ok(text, "live/staging/app/terragrunt.hcl");
        let include = file.blocks_of("include").next().unwrap();
        assert_eq!(include.name(), Some("root"));
        assert_eq!(
            unknown_kind(include.value("path").unwrap()),
            Some(&UnknownKind::FunctionCall("find_in_parent_folders".into()))
        );
        let tf = file.terraform_blocks().next().unwrap();
        assert!(tf
            .value("source")
            .unwrap()
            .as_str()
            .unwrap()
            .ends_with("?ref=v1.2.0"));
        assert_eq!(
            file.blocks_of("dependency").next().unwrap().address(),
            "dependency.vpc"
        );
        let inputs = &file.attr("inputs").unwrap().value;
        assert_eq!(
            inputs.get("vpc_id").unwrap().as_reference(),
            Some("dependency.vpc.outputs.vpc_id")
        );
        assert_eq!(inputs.get("env").unwrap().as_str(), Some("staging"));
    }

    #[test]
    fn providers_modules_variables_and_backend() {
        let text = r#"terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
  backend "s3" {
    bucket  = "state"
    encrypt = true
  }
}

provider "aws" {
  region     = "us-east-1"
  access_key = "AKIAIOSFODNN7EXAMPLE"
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.1.0"
}

variable "db_password" {
  type      = string
  sensitive = true
}
"#;
        let file = parse_ok(text, "main.tf");
        let tf = file.terraform_blocks().next().unwrap();
        let backend = tf.blocks_named("backend").next().unwrap();
        assert_eq!(backend.labels, vec!["s3"]);
        assert_eq!(slice(text, backend.header_span), r#"backend "s3" {"#);
        let providers = tf.blocks_named("required_providers").next().unwrap();
        assert_eq!(
            providers
                .value("aws")
                .unwrap()
                .get("version")
                .unwrap()
                .as_str(),
            Some("~> 5.0")
        );
        let aws = file.providers().next().unwrap();
        assert_eq!(aws.name(), Some("aws"));
        assert_eq!(aws.resource_type(), None);
        assert_eq!(aws.address(), "provider.aws");
        let module = file.modules().next().unwrap();
        assert_eq!(module.address(), "module.vpc");
        let var = file.variables().next().unwrap();
        assert_eq!(var.address(), "var.db_password");
        assert_eq!(var.value("type").unwrap().as_reference(), Some("string"));
        assert_eq!(var.value("sensitive").unwrap().as_bool(), Some(true));
    }

    #[test]
    fn tf_json_file() {
        let text = r#"{
  "resource": {
    "aws_db_instance": {
      "main": {
        "engine": "postgres",
        "publicly_accessible": true,
        "password": "${var.db_password}",
        "vpc_security_group_ids": ["sg-1", "${aws_security_group.db.id}"],
        "tags": { "Name": "db" }
      }
    },
    "aws_security_group": {
      "web": {
        "ingress": [{ "from_port": 22, "cidr_blocks": ["0.0.0.0/0"] }],
        "dynamic": { "egress": { "for_each": "${var.egress}", "content": { "from_port": 0 } } }
      }
    }
  },
  "module": { "vpc": { "source": "terraform-aws-modules/vpc/aws", "private_subnets": [] } },
  "terraform": { "backend": { "s3": { "bucket": "state" } } },
  "//": "a comment"
}
"#;
        let file = parse_ok(text, "main.tf.json");
        let db = file.resources_of_type("aws_db_instance").next().unwrap();
        assert_eq!(db.address(), "aws_db_instance.main");
        assert_eq!(slice(text, db.header_span), "\"main\": {");
        assert_eq!(slice(text, db.label_spans[0]), "\"aws_db_instance\"");
        assert!(
            slice(text, db.span).starts_with("\"main\": {") && slice(text, db.span).ends_with('}')
        );
        let public = db.attr("publicly_accessible").unwrap();
        assert_eq!(slice(text, public.span), "\"publicly_accessible\": true");
        assert_eq!(public.value.as_bool(), Some(true));
        let password = db.attr("password").unwrap();
        assert_eq!(password.value.as_reference(), Some("var.db_password"));
        let sgs = db
            .value("vpc_security_group_ids")
            .unwrap()
            .as_list()
            .unwrap();
        assert_eq!(sgs[0].value.as_str(), Some("sg-1"));
        assert_eq!(
            sgs[1].value.as_reference(),
            Some("aws_security_group.db.id")
        );
        assert_eq!(slice(text, sgs[1].span), "\"${aws_security_group.db.id}\"");
        // An object attribute is also offered as a block (JSON has no schema).
        assert_eq!(
            db.value("tags").unwrap().get("Name").unwrap().as_str(),
            Some("db")
        );

        let web = file.resources_of_type("aws_security_group").next().unwrap();
        let ingress: Vec<&Block> = web.blocks_named("ingress").collect();
        assert_eq!(ingress.len(), 1);
        let cidrs = ingress[0].attr("cidr_blocks").unwrap();
        assert_eq!(slice(text, cidrs.value_span), "[\"0.0.0.0/0\"]");
        assert_eq!(ingress[0].value("from_port").unwrap().as_f64(), Some(22.0));
        let egress: Vec<&Block> = web.blocks_named("egress").collect();
        assert_eq!(egress.len(), 1);
        assert_eq!(egress[0].kind, "content");

        let module = file.modules().next().unwrap();
        assert!(module.blocks.is_empty());
        let tf = file.terraform_blocks().next().unwrap();
        let backend = tf.blocks_named("backend").next().unwrap();
        assert_eq!(backend.labels, vec!["s3"]);
        assert_eq!(backend.value("bucket").unwrap().as_str(), Some("state"));
        assert_eq!(file.blocks.len(), 4);
    }

    #[test]
    fn tfvars_json_file() {
        let text = "{\"region\": \"eu-west-1\", \"azs\": [\"a\", \"b\"]}";
        let file = parse_ok(text, "prod.tfvars.json");
        assert_eq!(
            file.attr("azs").unwrap().value.strings(),
            Some(vec!["a", "b"])
        );
        assert_eq!(
            slice(text, file.attr("region").unwrap().span),
            "\"region\": \"eu-west-1\""
        );
    }

    #[test]
    fn parse_error_points_at_the_offending_byte() {
        let text = "resource \"aws_instance\" \"web\" {\n  ami = \"ami-1\"\n  instance_type = = \"t3.micro\"\n}\n";
        let (file, diagnostics) = parse(text, "main.tf");
        assert!(file.blocks.is_empty());
        assert_eq!(diagnostics.len(), 1);
        let at = text.find("= \"t3").unwrap();
        assert_eq!(diagnostics[0].span, Span::new(at, at + 1));
        assert!(
            diagnostics[0].message.starts_with("invalid HCL"),
            "{}",
            diagnostics[0].message
        );

        let json = "{\n  \"resource\": {\n    \"a\": 1,\n  }\n}\n";
        let (_, diagnostics) = parse(json, "main.tf.json");
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(&json[diagnostics[0].span.range()], "}");
        assert_eq!(
            diagnostics[0].span.start as usize,
            json.find("  }").unwrap() + 2
        );
    }

    #[test]
    fn broken_inputs_give_diagnostics() {
        let cases = [
            "locals {\n  p = <<EOT\n  {\n}\n",
            "resource \"a\" \"b\" {\n  x = 1\n",
            "resource \"a\" \"b\" {\n  x = 1\n}\n}\n",
            "x = [1, 2\n",
            "x = \"unterminated\n",
            "x = \"${var.a\"\n",
            "\u{feff}\u{0}\u{ffff}",
        ];
        for text in cases {
            let (_, diagnostics) = parse(text, "main.tf");
            assert_eq!(diagnostics.len(), 1, "{text:?}");
            assert!(diagnostics[0].span.end as usize <= text.len());
        }
        assert!(!parse("[1, 2", "x.tf.json").1.is_empty());
        assert!(!parse("\"just a string\"", "x.tf.json").1.is_empty());
        assert!(parse("", "empty.tf").1.is_empty());
        let bom = "\u{feff}x = 1\n";
        let file = parse_ok(bom, "a.tfvars");
        assert_eq!(slice(bom, file.attributes[0].span), "x = 1");
        let file = parse_ok("\u{feff}{\"x\": 1}", "a.tfvars.json");
        assert_eq!(file.attributes[0].key_span, Span::new(4, 7));
        assert!(!parse("", "empty.tf.json").1.is_empty());
    }

    /// Every span of the model lies inside the text.
    fn assert_spans_in_bounds(file: &TerraformFile, len: usize) {
        let mut spans = Vec::new();
        let mut stack: Vec<&Block> = file.blocks.iter().collect();
        let mut attributes: Vec<&Attribute> = file.attributes.iter().collect();
        while let Some(block) = stack.pop() {
            spans.extend([block.span, block.header_span]);
            spans.extend(block.label_spans.iter().copied());
            attributes.extend(block.attributes.iter());
            stack.extend(block.blocks.iter());
        }
        for attr in attributes {
            spans.extend([attr.span, attr.key_span, attr.value_span]);
            let mut visit = |_: &[PathSegment<'_>], value: &Value, span: Span| {
                spans.push(span);
                if let Some(doc) = value.json_document() {
                    doc.walk(span, &mut |_, _, inner| assert!(inner.end as usize <= len));
                }
            };
            attr.value.walk(attr.value_span, &mut visit);
        }
        for span in spans {
            assert!(
                span.start <= span.end && span.end as usize <= len,
                "{span:?}"
            );
        }
    }

    #[test]
    fn truncated_inputs_never_panic() {
        let json = r#"{"resource": {"aws_iam_policy": {"p": {"policy": "{\"Statement\": [{\"Action\": \"${var.a}\"}]}", "n": [1, {"a": null}]}}}}"#;
        let heredoc =
            "x = <<-EOT\n  {\"a\": [\"${var.b}\", \"\\u00e9\u{e9}\"]}\n  EOT\ny = \"é${1}\"\n";
        for (text, path) in [
            (SECURITY_GROUP, "a.tf"),
            (json, "a.tf.json"),
            (heredoc, "a.tf"),
        ] {
            let (file, diagnostics) = parse(text, path);
            assert!(diagnostics.is_empty(), "{path}: {diagnostics:?}");
            assert_spans_in_bounds(&file, text.len());
            for end in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
                let prefix = &text[..end];
                let (file, diagnostics) = parse(prefix, path);
                assert_spans_in_bounds(&file, prefix.len());
                for d in diagnostics {
                    assert!(d.span.end as usize <= prefix.len());
                }
            }
        }
    }

    #[test]
    fn deep_nesting_is_rejected_without_overflowing_a_small_stack() {
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(|| {
                let deep = 100_000;
                let mut inputs = vec![
                    (
                        format!("x = {}{}", "[".repeat(deep), "]".repeat(deep)),
                        "a.tf",
                    ),
                    (
                        format!("x = {}1{}", "(".repeat(deep), ")".repeat(deep)),
                        "a.tf",
                    ),
                    ("a {\n".repeat(deep), "a.tf"),
                    (format!("x = {}1", "!".repeat(deep)), "a.tf"),
                    (format!("x = {}1", "- ".repeat(deep)), "a.tf"),
                    (format!("x = 1{}", " + 1".repeat(deep)), "a.tf"),
                    (format!("x = a{}", ".b".repeat(deep)), "a.tf"),
                    (format!("x = {}1", "a ? b : ".repeat(deep)), "a.tf"),
                    (format!("x = [1]{}", "[0]".repeat(deep)), "a.tf"),
                    (format!("x = {}", "\"${".repeat(deep)), "a.tf"),
                    ("[".repeat(deep), "a.tf.json"),
                    (
                        format!("{{\"a\": \"{}\"}}", "${\\\"".repeat(deep)),
                        "a.tf.json",
                    ),
                    (
                        format!("{}1{}", "[".repeat(200), "]".repeat(200)),
                        "a.tfvars.json",
                    ),
                ];
                // Just under the parser's own limits must still parse.
                let nested = 60;
                inputs.push((
                    format!("x = {}1{}", "[".repeat(nested), "]".repeat(nested)),
                    "ok.tf",
                ));
                inputs.push((format!("x = {}1", "!".repeat(nested)), "ok.tf"));
                inputs.push((format!("x = 1{}", " + 1".repeat(100)), "ok.tf"));
                inputs.push((
                    format!(
                        "x = jsonencode({}1{})",
                        "[".repeat(nested),
                        "]".repeat(nested)
                    ),
                    "ok.tf",
                ));
                inputs.push((
                    format!("{{\"x\": {}1{}}}", "[".repeat(120), "]".repeat(120)),
                    "ok.tfvars.json",
                ));
                inputs.push((
                    format!("p = <<EOT\n{}1{}\nEOT\n", "[".repeat(120), "]".repeat(120)),
                    "ok.tf",
                ));
                let mut results = Vec::new();
                for (text, path) in &inputs {
                    let (file, diagnostics) = parse(text, path);
                    results.push((path.starts_with("ok"), file, diagnostics));
                }
                results
                    .into_iter()
                    .map(|(ok, file, diagnostics)| {
                        (ok, diagnostics.is_empty(), file.attributes.len())
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap();
        let results = handle.join().unwrap();
        for (i, (ok, clean, attributes)) in results.into_iter().enumerate() {
            if ok {
                assert!(clean && attributes == 1, "case {i} should parse");
            } else {
                // Long flat traversals are not nesting: they may parse.
                assert!(!clean || i == 6 || i == 8, "case {i} should be rejected");
            }
        }
    }
}
