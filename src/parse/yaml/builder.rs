//! Builds the span-carrying YAML tree from saphyr-parser's events with an explicit stack,
//! and finds the exact source spans saphyr does not give (quotes, block scalar headers,
//! the `-` of a block sequence).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use saphyr_parser::{Event, ScalarStyle as SaphyrStyle, Span as SaphyrSpan, Tag};

use super::{
    visit_merged_maps, AliasTarget, Node, Scalar, ScalarStyle, Value, YamlDocument,
    MAX_ALIAS_EXPANSION, MAX_DEPTH, MAX_NODES,
};
use crate::source::{ParseDiagnostic, Span};

/// Converts saphyr's char-counted marker indexes into byte offsets.
pub(super) struct Positions<'a> {
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
    pub(super) fn byte(&self, chars: usize) -> usize {
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

pub(super) struct Builder<'a> {
    text: &'a str,
    pub(super) pos: Positions<'a>,
    pub(super) docs: Vec<YamlDocument>,
    pub(super) diags: Vec<ParseDiagnostic>,
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
    pub(super) last_at: usize,
    /// Entries one lookup through an alias reaches, by anchored node (see `alias_width`).
    widths: HashMap<*const Node, usize>,
    /// Entries reachable through the aliases of the current document so far.
    expansion: usize,
}

impl<'a> Builder<'a> {
    pub(super) fn new(text: &'a str) -> Self {
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

    pub(super) fn diag(&mut self, message: impl Into<String>, start: usize, end: usize) {
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
    pub(super) fn event(&mut self, event: Event<'_>, span: SaphyrSpan) -> bool {
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
