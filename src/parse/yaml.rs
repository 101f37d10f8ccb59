//! A span-aware YAML tree built from `saphyr-parser` events.
//!
//! serde_yaml is deprecated and keeps no positions, so rules that must point at a YAML node
//! read this tree instead. Every node carries the byte span of its source text. Aliases are
//! not expanded: an alias node points at a shared copy of its anchor's node, so an alias bomb
//! costs one node per alias. The tree is built with an explicit stack, bounded in depth and in
//! node count, and the builder never panics.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScalarStyle as SaphyrStyle, Span as SaphyrSpan, Tag};

use crate::source::{ParseDiagnostic, Span};

/// Deepest nesting of collections accepted; deeper documents are dropped with a diagnostic.
pub const MAX_DEPTH: usize = 512;
/// Most nodes (including the copies kept for anchors) built from one file.
pub const MAX_NODES: usize = 5_000_000;
/// Most maps visited by one `get`/`entries` call while following merge keys (`<<`).
const MAX_MERGED_MAPS: usize = 1_000;
/// Most collection entries one document may reach through aliases and merge keys, counted
/// as if each alias were expanded one level (the work of a lookup through it). Aliases are
/// shared, not copied, but every rule that looks up `runs-on` in 20,000 jobs that each
/// merge a 10,000-key anchor would still do 200 million steps: such a document is skipped.
pub const MAX_ALIAS_EXPANSION: usize = 250_000;

/// One document of a YAML stream (files may hold several, separated by `---`).
#[derive(Debug, Clone)]
pub struct YamlDocument {
    pub root: Node,
}

impl YamlDocument {
    /// Shortcut for `self.root.get(key)`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.root.get(key)
    }
}

/// A YAML node with the byte span of its source text.
///
/// Scalar spans cover the scalar as written (quotes included; for `|`/`>` block scalars from
/// the indicator to the end of the content). Collection spans run from the first to the last
/// character of their content (`[`..`]` for flow collections, the first `-` or key to the end
/// of the last value for block collections). Anchors and tags are not part of the span.
#[derive(Debug, Clone)]
pub struct Node {
    pub span: Span,
    pub value: Value,
    /// The anchor name defined on this node (`&name`), without the `&`.
    pub anchor: Option<String>,
    /// The tag as written in shorthand (`!!str`, `!reference`), if any.
    pub tag: Option<String>,
    /// For aliases: the anchored node, shared, not expanded.
    target: AliasTarget,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar(Scalar),
    Seq(Vec<Node>),
    /// Entries in source order, duplicates and merge keys (`<<`) included.
    Map(Vec<(Node, Node)>),
    /// An alias (`*name`), holding the anchor name. Use [`Node::resolve`] to reach its target.
    Alias(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar {
    /// The scalar's value after YAML unescaping and folding.
    pub text: String,
    pub style: ScalarStyle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// The node an alias points at. Its `Debug` does not print the target (that would expand an
/// alias bomb) and equality compares identity.
#[derive(Clone, Default)]
struct AliasTarget(Option<Arc<Node>>);

impl fmt::Debug for AliasTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(node) => write!(f, "-> {:?}", node.span),
            None => f.write_str("-"),
        }
    }
}

impl PartialEq for AliasTarget {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        self.span == other.span
            && self.value == other.value
            && self.anchor == other.anchor
            && self.tag == other.tag
            && self.target == other.target
    }
}

impl Node {
    fn new(span: Span, value: Value) -> Node {
        Node {
            span,
            value,
            anchor: None,
            tag: None,
            target: AliasTarget::default(),
        }
    }

    /// Follows an alias to its anchored node (one level is enough: an alias cannot carry an
    /// anchor). Any other node, or an alias to an unknown anchor, returns itself.
    pub fn resolve(&self) -> &Node {
        match &self.target.0 {
            Some(target) => target,
            None => self,
        }
    }

    /// Whether this node is an alias (`*name`).
    pub fn is_alias(&self) -> bool {
        matches!(self.value, Value::Alias(_))
    }

    /// The scalar's text (aliases resolved).
    pub fn as_str(&self) -> Option<&str> {
        match &self.resolve().value {
            Value::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }

    /// The scalar (aliases resolved).
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.resolve().value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The map's own entries, as written: merge keys are not followed, and an alias is not
    /// a map (call [`Node::resolve`] first). Tree walks should use this and [`Node::as_seq`],
    /// which never follow aliases, so that an alias bomb is walked in linear time.
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The sequence's items, as written (an alias is not a sequence: resolve it first).
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// YAML 1.2 core null: a plain `~`, `null`, `Null`, `NULL` or empty scalar.
    pub fn is_null(&self) -> bool {
        match &self.resolve().value {
            Value::Scalar(s) => {
                s.style == ScalarStyle::Plain
                    && matches!(s.text.as_str(), "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }

    /// YAML 1.2 core boolean: a plain `true`/`True`/`TRUE`/`false`/`False`/`FALSE`.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.resolve().value {
            Value::Scalar(s) if s.style == ScalarStyle::Plain => match s.text.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether this is a plain `<<` scalar, the merge key.
    fn is_merge_key(&self) -> bool {
        match &self.resolve().value {
            Value::Scalar(s) => s.style == ScalarStyle::Plain && s.text == "<<",
            _ => false,
        }
    }

    /// Looks up a map entry by scalar key: the map's own keys first (the first occurrence
    /// wins), then the maps merged in with `<<` (in order, depth first). Aliases are followed:
    /// on the receiver, and on the returned value (so lookups chain through `*anchor`s).
    pub fn get(&self, key: &str) -> Option<&Node> {
        let mut found = None;
        visit_merged_maps(self, |entries| {
            for (k, v) in entries {
                if k.is_merge_key() {
                    continue;
                }
                if k.as_str() == Some(key) {
                    found = Some(v.resolve());
                    return false;
                }
            }
            true
        });
        found
    }

    /// Map entries with scalar keys as `(key, key node, value node)`: own entries in source
    /// order, then entries merged in with `<<` whose keys are not already present. Entries
    /// with non-scalar keys and duplicate keys are skipped. Empty for a non-map. Aliases are
    /// followed (receiver and values), like [`Node::get`]; to walk a whole tree use
    /// [`Node::as_map`], which does not.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Node, &Node)> {
        let mut out: Vec<(&str, &Node, &Node)> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        visit_merged_maps(self, |entries| {
            for (k, v) in entries {
                if k.is_merge_key() {
                    continue;
                }
                if let Some(name) = k.as_str() {
                    if seen.insert(name) {
                        out.push((name, k, v.resolve()));
                    }
                }
            }
            true
        });
        out.into_iter()
    }
}

/// Calls `visit` on the entries of `node`'s map and then of every map merged into it with
/// `<<`, depth first in YAML's precedence order, until `visit` returns false. Bounded by
/// [`MAX_MERGED_MAPS`] so that a merge bomb costs little.
fn visit_merged_maps<'a>(node: &'a Node, mut visit: impl FnMut(&'a [(Node, Node)]) -> bool) {
    let mut stack: Vec<&'a Node> = vec![node.resolve()];
    let mut seen: HashSet<*const Node> = HashSet::new();
    while let Some(current) = stack.pop() {
        // A map merged twice adds nothing the second time.
        if !seen.insert(current as *const Node) {
            continue;
        }
        if seen.len() > MAX_MERGED_MAPS {
            return;
        }
        let Value::Map(entries) = &current.value else {
            continue;
        };
        if !visit(entries) {
            return;
        }
        let mut sources: Vec<&'a Node> = Vec::new();
        for (k, v) in entries {
            if !k.is_merge_key() {
                continue;
            }
            let v = v.resolve();
            match &v.value {
                Value::Map(_) => sources.push(v),
                Value::Seq(items) => sources.extend(items.iter().map(Node::resolve)),
                _ => {}
            }
        }
        stack.extend(sources.into_iter().rev());
    }
}

/// The raw source text of a node (its span sliced out of `text`); empty if out of range.
pub fn node_text<'a>(text: &'a str, node: &Node) -> &'a str {
    text.get(node.span.range()).unwrap_or("")
}

/// Parses every document of a YAML stream. On a syntax error, returns the documents completed
/// before it and a diagnostic at the error's position. Never panics.
pub fn parse(text: &str) -> (Vec<YamlDocument>, Vec<ParseDiagnostic>) {
    let mut builder = Builder::new(text);
    let mut parser = Parser::new_from_str(text);
    loop {
        // NOTE: saphyr-parser is not known to panic, but a bug there must not take down the
        // scan; its state is unusable after a panic, so the file is abandoned.
        let next = panic::catch_unwind(AssertUnwindSafe(|| parser.next_event()));
        match next {
            Err(_) => {
                let at = builder.last_at;
                builder.diag("YAML parser failed internally", at, at);
                break;
            }
            Ok(None) => break,
            Ok(Some(Err(err))) => {
                let at = builder.pos.byte(err.marker().index());
                let end = text
                    .get(at..)
                    .and_then(|rest| rest.chars().next())
                    .map_or(at, |c| at + c.len_utf8());
                builder.diag(format!("YAML syntax error: {}", err.info()), at, end);
                break;
            }
            Ok(Some(Ok((event, span)))) => {
                if !builder.event(event, span) {
                    break;
                }
            }
        }
    }
    (builder.docs, builder.diags)
}

/// Converts saphyr's char-counted marker indexes into byte offsets.
struct Positions<'a> {
    text: &'a str,
    ascii: bool,
    /// Byte offset of every `STRIDE`-th char.
    checkpoints: Vec<usize>,
}

const STRIDE: usize = 64;

impl<'a> Positions<'a> {
    fn new(text: &'a str) -> Self {
        let ascii = text.is_ascii();
        let checkpoints = if ascii {
            Vec::new()
        } else {
            text.char_indices()
                .step_by(STRIDE)
                .map(|(byte, _)| byte)
                .collect()
        };
        Positions {
            text,
            ascii,
            checkpoints,
        }
    }

    /// Byte offset of char index `chars` (clamped to the text's length).
    fn byte(&self, chars: usize) -> usize {
        let len = self.text.len();
        if self.ascii {
            return chars.min(len);
        }
        let Some(&base) = self.checkpoints.get(chars / STRIDE) else {
            return len;
        };
        self.text
            .get(base..)
            .and_then(|rest| rest.char_indices().nth(chars % STRIDE))
            .map_or(len, |(i, _)| base + i)
    }
}

enum FrameKind {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

/// An open collection on the builder's stack.
struct Frame {
    kind: FrameKind,
    /// Byte offset where the start event began (properties included).
    raw_start: usize,
    /// Byte offset of `[`/`{` for flow collections.
    flow_start: Option<usize>,
    /// Raw start of the first child, to find a block sequence's first `-`.
    first_child_start: Option<usize>,
    /// Largest end of any child so far.
    last_end: usize,
    anchor: Option<String>,
    anchor_id: usize,
    tag: Option<String>,
    built_at_start: usize,
}

struct Builder<'a> {
    text: &'a str,
    pos: Positions<'a>,
    docs: Vec<YamlDocument>,
    diags: Vec<ParseDiagnostic>,
    stack: Vec<Frame>,
    root: Option<Node>,
    /// Anchor id -> shared copy of the anchored node, for the current document.
    anchors: HashMap<usize, Arc<Node>>,
    /// Set when the current document is abandoned (too deep): its events are skipped.
    skipping: bool,
    /// Nodes placed in trees.
    built: usize,
    /// Nodes placed in trees plus nodes copied for anchors.
    budget: usize,
    /// Byte offset of the last event, for a diagnostic if the parser fails.
    last_at: usize,
    /// Entries one lookup through an alias reaches, by anchored node (see `alias_width`).
    widths: HashMap<*const Node, usize>,
    /// Entries reachable through the aliases of the current document so far.
    expansion: usize,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str) -> Self {
        Builder {
            text,
            pos: Positions::new(text),
            docs: Vec::new(),
            diags: Vec::new(),
            stack: Vec::new(),
            root: None,
            anchors: HashMap::new(),
            skipping: false,
            built: 0,
            budget: 0,
            last_at: 0,
            widths: HashMap::new(),
            expansion: 0,
        }
    }

    fn diag(&mut self, message: impl Into<String>, start: usize, end: usize) {
        self.diags
            .push(ParseDiagnostic::new(message, Span::new(start, end)));
    }

    /// Drops the document being built, saying why; its remaining events are ignored.
    fn skip_document(&mut self, message: String, start: usize, end: usize) {
        self.diag(message, start, end);
        self.stack.clear();
        self.root = None;
        self.skipping = true;
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// Handles one event; false stops the whole parse.
    fn event(&mut self, event: Event<'_>, span: SaphyrSpan) -> bool {
        let start = self.pos.byte(span.start.index());
        let end = self.pos.byte(span.end.index()).max(start);
        self.last_at = start;
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd => true,
            Event::DocumentStart(_) => {
                self.reset_document();
                true
            }
            Event::DocumentEnd => {
                if !self.skipping {
                    if let Some(root) = self.root.take() {
                        self.docs.push(YamlDocument { root });
                    }
                }
                self.reset_document();
                true
            }
            _ if self.skipping => true,
            Event::Scalar(value, style, anchor_id, tag) => {
                self.scalar(value, style, anchor_id, tag, start, end)
            }
            Event::Alias(id) => {
                let name_start = (start + 1).min(end);
                let name = self.text.get(name_start..end).unwrap_or("").trim_end();
                let mut node = Node::new(
                    Span::new(start, name_start + name.len()),
                    Value::Alias(name.to_string()),
                );
                node.target = AliasTarget(self.anchors.get(&id).cloned());
                let width = self.alias_width(&node);
                self.expansion = self.expansion.saturating_add(width);
                if self.expansion > MAX_ALIAS_EXPANSION {
                    self.skip_document(
                        format!(
                            "YAML aliases and merge keys reach more than {MAX_ALIAS_EXPANSION} \
                             entries; document skipped"
                        ),
                        start,
                        end,
                    );
                    return true;
                }
                self.place(node, start)
            }
            Event::SequenceStart(anchor_id, tag) => self.open(false, anchor_id, tag, start, end),
            Event::MappingStart(anchor_id, tag) => self.open(true, anchor_id, tag, start, end),
            Event::SequenceEnd | Event::MappingEnd => self.close(start, end),
        }
    }

    fn reset_document(&mut self) {
        self.stack.clear();
        self.root = None;
        self.anchors.clear();
        self.skipping = false;
        self.widths.clear();
        self.expansion = 0;
    }

    /// Entries one lookup through `alias` visits: the target's own, plus those of the
    /// distinct maps merged into it with `<<` (exactly what `get`/`entries` walk, bounded
    /// by [`MAX_MERGED_MAPS`]). Cached per anchor.
    fn alias_width(&mut self, alias: &Node) -> usize {
        let Some(target) = &alias.target.0 else {
            return 0;
        };
        *self
            .widths
            .entry(Arc::as_ptr(target))
            .or_insert_with(|| match &target.value {
                Value::Seq(items) => items.len(),
                Value::Map(_) => {
                    let mut sum = 0usize;
                    visit_merged_maps(target, |entries| {
                        sum = sum.saturating_add(entries.len());
                        true
                    });
                    sum
                }
                _ => 0,
            })
    }

    fn anchor(&mut self, id: usize, node: &Node) {
        self.anchors.insert(id, Arc::new(node.clone()));
    }

    /// Counts one more node; false (with a diagnostic) once the budget is spent.
    fn count(&mut self, nodes: usize, at: usize) -> bool {
        self.budget = self.budget.saturating_add(nodes);
        if self.budget > MAX_NODES {
            self.diag(
                format!("YAML file has more than {MAX_NODES} nodes; parsing stopped"),
                at,
                at,
            );
            return false;
        }
        true
    }

    fn scalar(
        &mut self,
        value: Cow<'_, str>,
        style: SaphyrStyle,
        anchor_id: usize,
        tag: Option<Cow<'_, Tag>>,
        start: usize,
        end: usize,
    ) -> bool {
        let style = match style {
            SaphyrStyle::Plain => ScalarStyle::Plain,
            SaphyrStyle::SingleQuoted => ScalarStyle::SingleQuoted,
            SaphyrStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
            SaphyrStyle::Literal => ScalarStyle::Literal,
            SaphyrStyle::Folded => ScalarStyle::Folded,
        };
        let has_props = anchor_id != 0 || tag.is_some();
        let (content_start, anchor) = if has_props {
            self.skip_properties(start)
        } else {
            (start, None)
        };
        let mut span_end = match style {
            // NOTE: saphyr's end for a quoted scalar can run past a trailing comment.
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                quoted_end(self.bytes(), content_start, style)
                    .unwrap_or_else(|| trim_end_ws(self.bytes(), content_start, end))
            }
            _ => trim_end_ws(self.bytes(), content_start, end),
        };
        let mut span_start = content_start;
        if value.is_empty() && span_start == span_end && self.expects_map_value() {
            // saphyr puts an empty value at its key's `:`; place it just after instead.
            if self.bytes().get(span_start) == Some(&b':') {
                span_start += 1;
                span_end = span_start;
            }
        }
        if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
            if let Some((indicator, indicator_end)) =
                block_indicator(self.text, content_start, has_props || value.is_empty())
            {
                span_start = indicator;
                span_end = trim_block_end(self.text, indicator_end, end);
            }
        }
        let mut node = Node::new(
            Span::new(span_start, span_end),
            Value::Scalar(Scalar {
                text: value.into_owned(),
                style,
            }),
        );
        node.anchor = anchor;
        node.tag = tag.map(|t| tag_text(&t));
        if anchor_id != 0 {
            if !self.count(1, start) {
                return false;
            }
            self.anchor(anchor_id, &node);
        }
        self.place(node, start)
    }

    fn expects_map_value(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                kind: FrameKind::Map { key: Some(_), .. },
                ..
            })
        )
    }

    fn open(
        &mut self,
        is_map: bool,
        anchor_id: usize,
        tag: Option<Cow<'_, Tag>>,
        start: usize,
        end: usize,
    ) -> bool {
        if self.stack.len() >= MAX_DEPTH {
            self.skip_document(
                format!("YAML nesting deeper than {MAX_DEPTH} levels; document skipped"),
                start,
                end,
            );
            return true;
        }
        let anchor = if anchor_id != 0 || tag.is_some() {
            self.skip_properties(start).1
        } else {
            None
        };
        let flow_start = match end.checked_sub(1).and_then(|i| self.bytes().get(i)) {
            Some(b'[' | b'{') if end > start => Some(end - 1),
            _ => None,
        };
        let kind = if is_map {
            FrameKind::Map {
                entries: Vec::new(),
                key: None,
            }
        } else {
            FrameKind::Seq(Vec::new())
        };
        self.stack.push(Frame {
            kind,
            raw_start: start,
            flow_start,
            first_child_start: None,
            last_end: start,
            anchor,
            anchor_id,
            tag: tag.map(|t| tag_text(&t)),
            built_at_start: self.built,
        });
        true
    }

    fn close(&mut self, start: usize, end: usize) -> bool {
        let Some(frame) = self.stack.pop() else {
            return true;
        };
        let bytes = self.bytes();
        let has_children = frame.first_child_start.is_some();
        let (value, closer) = match frame.kind {
            FrameKind::Seq(items) => (Value::Seq(items), b']'),
            FrameKind::Map { entries, key } => {
                let mut entries = entries;
                if let Some(key) = key {
                    // A key without a value event cannot happen in a well-formed stream.
                    let at = key.span.end as usize;
                    entries.push((key, Node::new(Span::new(at, at), empty_scalar())));
                }
                (Value::Map(entries), b'}')
            }
        };
        let is_seq = matches!(value, Value::Seq(_));
        let (span_start, span_end) = match frame.flow_start {
            Some(flow_start) => {
                let closed =
                    end > start && end.checked_sub(1).and_then(|i| bytes.get(i)) == Some(&closer);
                let span_end = if closed { end } else { frame.last_end.max(end) };
                (flow_start, span_end)
            }
            None => {
                let first = frame.first_child_start.unwrap_or(frame.raw_start);
                let span_start = if is_seq {
                    dash_before(bytes, first)
                } else {
                    first
                };
                let span_end = if has_children {
                    frame.last_end
                } else {
                    span_start
                };
                (span_start, span_end.max(span_start))
            }
        };
        let mut node = Node::new(Span::new(span_start, span_end), value);
        node.anchor = frame.anchor;
        node.tag = frame.tag;
        if frame.anchor_id != 0 {
            let size = self.built.saturating_sub(frame.built_at_start) + 1;
            if !self.count(size, start) {
                return false;
            }
            self.anchor(frame.anchor_id, &node);
        }
        self.place(node, frame.raw_start.min(span_start))
    }

    /// Places a finished node into the open collection (or as the root), counting it.
    fn place(&mut self, node: Node, raw_start: usize) -> bool {
        self.built += 1;
        if !self.count(1, raw_start) {
            return false;
        }
        let node_end = node.span.end as usize;
        let Some(frame) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(node);
            }
            return true;
        };
        if frame.first_child_start.is_none() {
            frame.first_child_start = Some(raw_start.min(node.span.start as usize));
        }
        frame.last_end = frame.last_end.max(node_end);
        match &mut frame.kind {
            FrameKind::Seq(items) => items.push(node),
            FrameKind::Map { entries, key } => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
        true
    }

    /// Skips the properties (`&anchor`, `!tag`) at `at`; returns where the content starts and
    /// the anchor name found.
    fn skip_properties(&self, at: usize) -> (usize, Option<String>) {
        let bytes = self.bytes();
        let mut p = at;
        let mut anchor = None;
        loop {
            match bytes.get(p) {
                Some(b'&') => {
                    let name_start = p + 1;
                    p = name_start;
                    while let Some(&b) = bytes.get(p) {
                        if b.is_ascii_whitespace() || matches!(b, b',' | b'[' | b']' | b'{' | b'}')
                        {
                            break;
                        }
                        p += 1;
                    }
                    anchor = self.text.get(name_start..p).map(str::to_string);
                }
                Some(b'!') => {
                    if bytes.get(p + 1) == Some(&b'<') {
                        while let Some(&b) = bytes.get(p) {
                            p += 1;
                            if b == b'>' {
                                break;
                            }
                        }
                    } else {
                        while let Some(&b) = bytes.get(p) {
                            if b.is_ascii_whitespace()
                                || matches!(b, b',' | b'[' | b']' | b'{' | b'}')
                            {
                                break;
                            }
                            p += 1;
                        }
                    }
                }
                _ => return (p, anchor),
            }
            p = skip_ws_and_comments(bytes, p);
        }
    }
}

fn empty_scalar() -> Value {
    Value::Scalar(Scalar {
        text: String::new(),
        style: ScalarStyle::Plain,
    })
}

/// The tag in shorthand: `!!str` for the core schema, `!name` for local tags.
fn tag_text(tag: &Tag) -> String {
    if tag.is_yaml_core_schema() {
        format!("!!{}", tag.suffix)
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Skips whitespace, line breaks and `#` comments from `p`.
fn skip_ws_and_comments(bytes: &[u8], mut p: usize) -> usize {
    loop {
        match bytes.get(p) {
            Some(&b) if is_ws(b) => p += 1,
            Some(b'#') => {
                while let Some(&b) = bytes.get(p) {
                    if b == b'\n' {
                        break;
                    }
                    p += 1;
                }
            }
            _ => return p,
        }
    }
}

/// Moves `end` back over whitespace, not below `start`.
fn trim_end_ws(bytes: &[u8], start: usize, mut end: usize) -> usize {
    while end > start
        && end
            .checked_sub(1)
            .and_then(|i| bytes.get(i))
            .is_some_and(|&b| is_ws(b))
    {
        end -= 1;
    }
    end
}

/// The end of a quoted scalar starting at `start` (just past its closing quote).
fn quoted_end(bytes: &[u8], start: usize, style: ScalarStyle) -> Option<usize> {
    let quote = if style == ScalarStyle::SingleQuoted {
        b'\''
    } else {
        b'"'
    };
    if bytes.get(start) != Some(&quote) {
        return None;
    }
    let mut p = start + 1;
    loop {
        match *bytes.get(p)? {
            b'\\' if quote == b'"' => p += 2,
            b if b == quote => {
                if quote == b'\'' && bytes.get(p + 1) == Some(&b'\'') {
                    p += 2;
                } else {
                    return Some(p + 1);
                }
            }
            _ => p += 1,
        }
    }
}

/// The `-` that starts a block sequence whose first item begins at `first`.
fn dash_before(bytes: &[u8], first: usize) -> usize {
    let mut p = first;
    while p > 0 && bytes.get(p - 1).is_some_and(|&b| is_ws(b)) {
        p -= 1;
    }
    if p > 0 && bytes.get(p - 1) == Some(&b'-') {
        p - 1
    } else {
        first
    }
}

/// Finds a block scalar's header indicator (`|`, `>-`, `|+2`, ...). saphyr's span starts at
/// the properties when there are some, or at the indicator when the content is empty (then
/// `at_indicator` is set and the indicator is at `content`), else at the first content
/// character (so the indicator is on the closest preceding line that is
/// neither blank nor a comment). Returns the indicator's start and end.
fn block_indicator(text: &str, content: usize, at_indicator: bool) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    if at_indicator && matches!(bytes.get(content), Some(b'|' | b'>')) {
        let mut end = content + 1;
        while bytes
            .get(end)
            .is_some_and(|b| matches!(b, b'0'..=b'9' | b'+' | b'-'))
        {
            end += 1;
        }
        return Some((content, end));
    }
    let mut pos = content;
    loop {
        let before = text.get(..pos)?;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let segment = text.get(line_start..pos)?;
        let mut indicator = None;
        let mut offset = 0;
        let mut meaningful = false;
        for token in segment.split([' ', '\t', '\r', '\u{feff}']) {
            let token_start = offset;
            offset += token.len()
                + segment
                    .get(offset + token.len()..)
                    .and_then(|r| r.chars().next())
                    .map_or(1, char::len_utf8);
            if token.is_empty() {
                continue;
            }
            if token.starts_with('#') {
                break;
            }
            meaningful = true;
            let mut chars = token.chars();
            if matches!(chars.next(), Some('|' | '>'))
                && chars.all(|c| c.is_ascii_digit() || c == '+' || c == '-')
            {
                indicator = Some((
                    line_start + token_start,
                    line_start + token_start + token.len(),
                ));
            }
        }
        if indicator.is_some() {
            return indicator;
        }
        if meaningful || line_start == 0 {
            return None;
        }
        pos = line_start - 1;
    }
}

/// End of a block scalar: saphyr's end trimmed back over trailing blank lines and over
/// comment lines that follow the content (less indented than the content), never before the
/// indicator.
fn trim_block_end(text: &str, indicator_end: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    let mut end = trim_end_ws(bytes, indicator_end, end);
    // Content indentation: that of the first non-blank line after the header.
    let content_indent = text
        .get(indicator_end..end)
        .and_then(|rest| {
            rest.split('\n')
                .skip(1)
                .find(|line| !line.trim().is_empty())
                .map(|line| line.len() - line.trim_start_matches([' ', '\t']).len())
        })
        .unwrap_or(0);
    loop {
        let Some(before) = text.get(..end) else {
            return end;
        };
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        if line_start <= indicator_end {
            return end;
        }
        let line = text.get(line_start..end).unwrap_or("");
        let body = line.trim_start_matches([' ', '\t']);
        let indent = line.len() - body.len();
        if body.starts_with('#') && indent < content_indent {
            end = trim_end_ws(bytes, indicator_end, line_start);
        } else {
            return end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> YamlDocument {
        let (mut docs, diags) = parse(text);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(docs.len(), 1);
        docs.remove(0)
    }

    fn slice<'a>(text: &'a str, node: &Node) -> &'a str {
        node_text(text, node)
    }

    const WORKFLOW: &str = "\
name: CI
on:
  push:
    branches: [main]
  pull_request_target:
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Greet
        run: |
          echo \"${{ github.event.issue.title }}\"
          make test
      - run: echo done # trailing comment
";

    #[test]
    fn workflow_spans_are_exact() {
        let doc = one(WORKFLOW);
        let root = &doc.root;
        assert_eq!(root.span.start, 0);
        assert!(slice(WORKFLOW, root).ends_with("run: echo done"));
        let on = root.get("on").unwrap();
        assert_eq!(
            slice(WORKFLOW, on),
            "push:\n    branches: [main]\n  pull_request_target:"
        );
        let branches = on.get("push").unwrap().get("branches").unwrap();
        assert_eq!(slice(WORKFLOW, branches), "[main]");
        assert!(on.get("pull_request_target").unwrap().is_null());

        let steps = root
            .get("jobs")
            .unwrap()
            .get("build")
            .unwrap()
            .get("steps")
            .unwrap();
        assert!(slice(WORKFLOW, steps).starts_with("- uses: actions/checkout@v4\n"));
        assert!(slice(WORKFLOW, steps).ends_with("- run: echo done"));
        let items = steps.as_seq().unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(slice(WORKFLOW, &items[0]), "uses: actions/checkout@v4");
        let uses = items[0].get("uses").unwrap();
        assert_eq!(uses.as_str(), Some("actions/checkout@v4"));
        assert_eq!(slice(WORKFLOW, uses), "actions/checkout@v4");

        let run = items[1].get("run").unwrap();
        assert_eq!(
            run.as_str(),
            Some("echo \"${{ github.event.issue.title }}\"\nmake test\n")
        );
        assert_eq!(
            slice(WORKFLOW, run),
            "|\n          echo \"${{ github.event.issue.title }}\"\n          make test"
        );
        // Rules find `${{` in the raw slice and offset by the node's start.
        let raw = node_text(WORKFLOW, run);
        let at = raw.find("${{").unwrap() + run.span.start as usize;
        assert_eq!(WORKFLOW.get(at..at + 7), Some("${{ git"));

        let last = items[2].get("run").unwrap();
        assert_eq!(slice(WORKFLOW, last), "echo done");
        let (key, key_node, _) = items[2].entries().next().unwrap();
        assert_eq!(key, "run");
        assert_eq!(slice(WORKFLOW, key_node), "run");
    }

    #[test]
    fn block_scalars() {
        let text = "\
a: |+2 # header comment


   x
  y

# after
b: !!str >-
  folded
  text
c: |
d: >

  after blank
e: &lit |-
    indented
f: [x, y]
";
        let doc = one(text);
        let a = doc.get("a").unwrap();
        assert_eq!(slice(text, a), "|+2 # header comment\n\n\n   x\n  y");
        assert_eq!(a.as_str(), Some("\n\n x\ny\n\n"));
        assert_eq!(a.as_scalar().unwrap().style, ScalarStyle::Literal);
        let b = doc.get("b").unwrap();
        assert_eq!(slice(text, b), ">-\n  folded\n  text");
        assert_eq!(b.tag.as_deref(), Some("!!str"));
        assert_eq!(b.as_str(), Some("folded text"));
        assert_eq!(b.as_scalar().unwrap().style, ScalarStyle::Folded);
        let c = doc.get("c").unwrap();
        assert_eq!(slice(text, c), "|");
        assert_eq!(c.as_str(), Some(""));
        let d = doc.get("d").unwrap();
        assert_eq!(slice(text, d), ">\n\n  after blank");
        let e = doc.get("e").unwrap();
        assert_eq!(slice(text, e), "|-\n    indented");
        assert_eq!(e.anchor.as_deref(), Some("lit"));
        assert_eq!(slice(text, doc.get("f").unwrap()), "[x, y]");
    }

    #[test]
    fn flow_collections_and_quotes() {
        let text = "env: {A: 'it''s', B: \"x\\ty\", C: [1, {d: e}], D: &n {}}\nlist: [ a , 'b' ]\n";
        let doc = one(text);
        let env = doc.get("env").unwrap();
        assert_eq!(
            slice(text, env),
            "{A: 'it''s', B: \"x\\ty\", C: [1, {d: e}], D: &n {}}"
        );
        let a = env.get("A").unwrap();
        assert_eq!(a.as_str(), Some("it's"));
        assert_eq!(slice(text, a), "'it''s'");
        assert_eq!(a.as_scalar().unwrap().style, ScalarStyle::SingleQuoted);
        let b = env.get("B").unwrap();
        assert_eq!(b.as_str(), Some("x\ty"));
        assert_eq!(slice(text, b), "\"x\\ty\"");
        let c = env.get("C").unwrap();
        assert_eq!(slice(text, c), "[1, {d: e}]");
        assert_eq!(slice(text, &c.as_seq().unwrap()[1]), "{d: e}");
        let d = env.get("D").unwrap();
        assert_eq!(slice(text, d), "{}");
        assert_eq!(d.as_map().map(<[_]>::len), Some(0));
        let list = doc.get("list").unwrap().as_seq().unwrap();
        assert_eq!(slice(text, &list[0]), "a");
        assert_eq!(slice(text, &list[1]), "'b'");
    }

    #[test]
    fn anchors_and_merge_keys() {
        let text = "\
.base: &base
  image: ruby:3.2
  variables: &vars
    RAILS_ENV: test
  script:
    - bundle exec rake
.extra: &extra
  tags: [docker]
  image: ignored
test:
  <<: [*base, *extra]
  script:
    - rspec
  variables: *vars
lint:
  <<: *base
";
        let doc = one(text);
        let base = doc.get(".base").unwrap();
        assert_eq!(base.anchor.as_deref(), Some("base"));
        let test = doc.get("test").unwrap();
        // own key wins over the merged one
        let script = test.get("script").unwrap().as_seq().unwrap();
        assert_eq!(script[0].as_str(), Some("rspec"));
        // merged, earlier source wins
        let image = test.get("image").unwrap();
        assert_eq!(image.as_str(), Some("ruby:3.2"));
        assert_eq!(slice(text, image), "ruby:3.2");
        assert_eq!(image.span.start as usize, text.find("ruby:3.2").unwrap());
        assert_eq!(test.get("tags").unwrap().as_seq().unwrap().len(), 1);
        // alias value resolves transparently; spans point at the anchor's text
        let raw_vars = &test.as_map().unwrap()[2].1;
        assert!(raw_vars.is_alias());
        assert!(raw_vars.as_map().is_none());
        assert_eq!(slice(text, raw_vars), "*vars");
        assert_eq!(raw_vars.resolve().anchor.as_deref(), Some("vars"));
        let vars = test.get("variables").unwrap();
        assert!(!vars.is_alias());
        let env = vars.get("RAILS_ENV").unwrap();
        assert_eq!(env.as_str(), Some("test"));
        assert_eq!(slice(text, vars), "RAILS_ENV: test");
        let keys: Vec<&str> = test.entries().map(|(k, _, _)| k).collect();
        assert_eq!(keys, ["script", "variables", "image", "tags"]);
        let lint = doc.get("lint").unwrap();
        assert_eq!(lint.get("image").and_then(Node::as_str), Some("ruby:3.2"));
        assert_eq!(
            lint.get("script").unwrap().as_seq().unwrap()[0].as_str(),
            Some("bundle exec rake")
        );
        assert!(lint.get("tags").is_none());
    }

    #[test]
    fn multi_document_stream() {
        let text = "\
apiVersion: v1
kind: Service
---
apiVersion: apps/v1
kind: Deployment
spec:
  replicas: 2
...
---
# empty-ish
kind: ConfigMap
";
        let (docs, diags) = parse(text);
        assert!(diags.is_empty());
        let kinds: Vec<_> = docs
            .iter()
            .filter_map(|d| d.get("kind")?.as_str())
            .collect();
        assert_eq!(kinds, ["Service", "Deployment", "ConfigMap"]);
        let replicas = docs[1].get("spec").unwrap().get("replicas").unwrap();
        assert_eq!(slice(text, replicas), "2");
        assert_eq!(replicas.span.start as usize, text.find("2\n...").unwrap());
    }

    #[test]
    fn billion_laughs_costs_nothing() {
        let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        let mut prev = 'a';
        for c in 'b'..='z' {
            let items = vec![format!("*{prev}"); 9].join(", ");
            text.push_str(&format!("{c}: &{c} [{items}]\n"));
            prev = c;
        }
        text.push_str("m: &m {<<: [*a], k: v}\n");
        let mut merges = String::from("m");
        for i in 0..30 {
            text.push_str(&format!("m{i}: &m{i} {{<<: [*{merges}, *{merges}]}}\n"));
            merges = format!("m{i}");
        }
        text.push_str(&format!("last: {{<<: *{merges}}}\n"));
        let started = std::time::Instant::now();
        let doc = one(&text);
        let z = doc.get("z").unwrap().as_seq().unwrap();
        assert_eq!(z.len(), 9);
        assert!(z[0].is_alias());
        assert_eq!(z[0].resolve().as_seq().unwrap().len(), 9);
        // A merge bomb is visited a bounded number of times.
        assert!(doc.get("last").unwrap().get("nope").is_none());
        assert_eq!(
            doc.get("last").unwrap().get("k").and_then(Node::as_str),
            Some("v")
        );
        // Walking the tree with as_map/as_seq does not follow aliases: linear.
        let mut walked = 0usize;
        let mut stack = vec![&doc.root];
        while let Some(node) = stack.pop() {
            walked += 1;
            if let Some(entries) = node.as_map() {
                stack.extend(entries.iter().flat_map(|(k, v)| [k, v]));
            } else if let Some(items) = node.as_seq() {
                stack.extend(items);
            }
        }
        assert!(walked < 2_000, "{walked}");
        let printed = format!("{doc:?}");
        assert!(printed.len() < 1_000_000);
        drop(doc);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    fn in_small_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap()
    }

    #[test]
    fn deep_flow_nesting_is_a_diagnostic() {
        let (docs, diags) = in_small_thread(|| parse(&"[".repeat(100_000)));
        assert!(docs.is_empty());
        assert_eq!(diags.len(), 1);
    }

    #[test]
    fn deep_block_nesting_is_a_diagnostic() {
        let text = "- ".repeat(100_000) + "x\n";
        let (docs, diags) = in_small_thread(move || parse(&text));
        assert!(docs.is_empty());
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("deeper than 512"));
        assert_eq!(diags[0].span.start, 1024);
    }

    #[test]
    fn deep_but_allowed_tree_builds_and_drops() {
        let depth = MAX_DEPTH - 1;
        let text = format!("{}x\n", "- ".repeat(depth));
        in_small_thread(move || {
            let (docs, diags) = parse(&text);
            assert!(diags.is_empty());
            let mut node = &docs[0].root;
            let mut levels = 0;
            while let Some(items) = node.as_seq() {
                node = &items[0];
                levels += 1;
            }
            assert_eq!(levels, depth);
            assert_eq!(node.as_str(), Some("x"));
            assert_eq!(node.span.start as usize, 2 * depth);
        });
    }

    #[test]
    fn later_documents_survive_a_too_deep_one() {
        let text = format!("{}x\n---\nok: 1\n", "- ".repeat(600));
        let (docs, diags) = parse(&text);
        assert_eq!(diags.len(), 1);
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].get("ok").and_then(Node::as_str), Some("1"));
    }

    #[test]
    fn syntax_error_after_multibyte_text() {
        let text = "name: \"déjà vu ✓\"\n---\nkey: \"unterminated ü\nnext: [1, 2\n";
        let (docs, diags) = parse(text);
        assert_eq!(docs.len(), 1);
        assert_eq!(
            docs[0].get("name").and_then(Node::as_str),
            Some("déjà vu ✓")
        );
        assert_eq!(diags.len(), 1);
        // saphyr counts chars (27 here); the diagnostic is in bytes, on the opening quote.
        let at = diags[0].span.start as usize;
        assert_eq!(at, text.find("\"unterminated").unwrap());
        assert_eq!(text.get(diags[0].span.range()), Some("\""));
        assert!(diags[0].message.starts_with("YAML syntax error"));

        let text = "é: x\nü: [a, b\n";
        let (_, diags) = parse(text);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].span, Span::new(text.len(), text.len()));

        let text = "ключ: значение\n  bad: indent\n";
        let (_, diags) = parse(text);
        assert_eq!(diags.len(), 1);
        let at = diags[0].span.start as usize;
        assert_eq!(text.get(at..at + 1), Some(":"));
    }

    #[test]
    fn crlf_and_bom() {
        let text = "\u{feff}name: CI\r\nrun: |\r\n  echo é\r\n  make\r\nlist:\r\n  - a\r\n";
        let doc = one(text);
        let name = doc.get("name").unwrap();
        assert_eq!(slice(text, name), "CI");
        let run = doc.get("run").unwrap();
        assert_eq!(slice(text, run), "|\r\n  echo é\r\n  make");
        assert_eq!(run.as_str(), Some("echo é\nmake\n"));
        let list = doc.get("list").unwrap();
        assert_eq!(slice(text, list), "- a");
        assert_eq!(slice(text, &doc.root).get(..4), Some("name"));
    }

    #[test]
    fn tabs_are_errors() {
        let text = "jobs:\n\tbuild: x\n";
        let (docs, diags) = parse(text);
        assert!(docs.is_empty());
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("tab"), "{}", diags[0].message);
        assert_eq!(diags[0].span.start, 7);
    }

    #[test]
    fn scalar_helpers() {
        let text = "a: ~\nb: null\nc:\nd: 'null'\ne: true\nf: False\ng: yes\nh: \"true\"\n";
        let doc = one(text);
        assert!(doc.get("a").unwrap().is_null());
        assert!(doc.get("b").unwrap().is_null());
        assert!(doc.get("c").unwrap().is_null());
        assert!(!doc.get("d").unwrap().is_null());
        assert_eq!(doc.get("e").unwrap().as_bool(), Some(true));
        assert_eq!(doc.get("f").unwrap().as_bool(), Some(false));
        assert_eq!(doc.get("g").unwrap().as_bool(), None);
        assert_eq!(doc.get("h").unwrap().as_bool(), None);
        assert!(doc.root.as_seq().is_none());
        assert!(doc.get("a").unwrap().get("x").is_none());
    }

    #[test]
    fn tags_and_empty_input() {
        let text = "script:\n  - !reference [.setup, script]\n  - echo hi\n";
        let doc = one(text);
        let script = doc.get("script").unwrap().as_seq().unwrap();
        assert_eq!(script[0].tag.as_deref(), Some("!reference"));
        assert_eq!(slice(text, &script[0]), "[.setup, script]");
        assert!(parse("").0.is_empty());
        assert!(parse("# only a comment\n").1.is_empty());
    }

    #[test]
    fn trees_are_shareable_across_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<YamlDocument>();
        send_sync::<Node>();
    }

    #[test]
    fn never_panics_on_garbage() {
        let samples = [
            "{",
            "}",
            "[",
            "]",
            ": :",
            "- - -\n  - ]",
            "&a",
            "*a",
            "!<",
            "! ",
            "? ",
            "'",
            "\"",
            "|",
            ">",
            "a: |\n\t",
            "%YAML 1.2\n---",
            "%TAG",
            "--- |\n x",
            "a: &b *c",
            "key: [&",
            "\u{feff}",
            "\r",
            "- \u{2028}",
            "a: b: c",
            "{a: [}",
            "&x &y z",
            "!!str &a !x",
        ];
        for s in samples {
            let _ = parse(s);
            for cut in 0..s.len() {
                if let Some(prefix) = s.get(..cut) {
                    let _ = parse(prefix);
                }
            }
        }
    }
}
