//! Evaluates hcl-edit expressions into [`Value`]s as far as literals allow: anything that
//! depends on variables, resources or functions the model does not know becomes
//! [`Value::Unknown`]. Strings that hold JSON become [`Value::Json`] with spans mapped back
//! into the source.

use std::ops::Range;

use hcl_edit::expr::{
    Expression, FuncCall, ObjectKey, Traversal, TraversalOperator, UnaryOperator,
};
use hcl_edit::structure::{BlockLabel, Body, Structure};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span as _;

use super::{Attribute, Block, Entry, Item, JsonString, Unknown, UnknownKind, Value};
use crate::parse::tf_json::{self, JKind, JNode};
use crate::source::Span;

/// Marks an unknown interpolation inside a template's text while it is parsed as JSON.
const SENTINEL_OPEN: char = '\u{E000}';
const SENTINEL_CLOSE: char = '\u{E001}';

/// How far the template-to-source alignment looks ahead for a byte (escapes, indentation).
const ALIGN_WINDOW: usize = 64;

/// Converts hcl-edit nodes into the model. hcl-edit spans index into `text`; `base` maps them
/// to file offsets, or, when `None`, every node gets the `fixed` span (an HCL template inside
/// a JSON string with escapes, whose offsets cannot be mapped exactly).
pub(super) struct Eval<'a> {
    pub(super) text: &'a str,
    pub(super) base: Option<usize>,
    pub(super) fixed: Span,
}

impl<'a> Eval<'a> {
    pub(super) fn file(text: &'a str) -> Self {
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

    pub(super) fn body(&self, body: &Body, parent: &Range<usize>) -> (Vec<Attribute>, Vec<Block>) {
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
    pub(super) fn string(&self, value: &str, range: &Range<usize>) -> Value {
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

    pub(super) fn template(&self, template: &Template, range: &Range<usize>) -> Value {
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
        let node = tf_json::scan_document(&self.text)?;
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
