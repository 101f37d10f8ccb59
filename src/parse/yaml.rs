//! A span-aware YAML tree built from `saphyr-parser` events.
//!
//! serde_yaml is deprecated and keeps no positions, so rules that must point at a YAML node
//! read this tree instead. Every node carries the byte span of its source text. Aliases are
//! not expanded: an alias node points at a shared copy of its anchor's node, so an alias bomb
//! costs one node per alias. The tree is built with an explicit stack, bounded in depth and in
//! node count, and the builder never panics.

mod builder;
pub(crate) mod lines;

use std::collections::HashSet;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use saphyr_parser::Parser;

use crate::source::{ParseDiagnostic, Span};
use builder::Builder;

/// Deepest nesting of collections accepted; deeper documents are dropped with a diagnostic.
pub(crate) const MAX_DEPTH: usize = 512;
/// Most nodes (including the copies kept for anchors) built from one file.
pub(crate) const MAX_NODES: usize = 5_000_000;
/// Most maps visited by one `get`/`entries` call while following merge keys (`<<`).
const MAX_MERGED_MAPS: usize = 1_000;
/// Most collection entries one document may reach through aliases and merge keys, counted
/// as if each alias were expanded one level (the work of a lookup through it). Aliases are
/// shared, not copied, but every rule that looks up `runs-on` in 20,000 jobs that each
/// merge a 10,000-key anchor would still do 200 million steps: such a document is skipped.
pub(crate) const MAX_ALIAS_EXPANSION: usize = 250_000;

/// One document of a YAML stream (files may hold several, separated by `---`).
#[derive(Debug, Clone)]
pub struct YamlDocument {
    pub root: Node,
}

impl YamlDocument {
    #[cfg(test)]
    /// Shortcut for `self.root.get(key)`.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
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
    pub(crate) fn resolve(&self) -> &Node {
        match &self.target.0 {
            Some(target) => target,
            None => self,
        }
    }

    #[cfg(test)]
    /// Whether this node is an alias (`*name`).
    pub(crate) fn is_alias(&self) -> bool {
        matches!(self.value, Value::Alias(_))
    }

    /// The scalar's text (aliases resolved).
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.resolve().value {
            Value::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }

    #[cfg(test)]
    /// The scalar (aliases resolved).
    pub(crate) fn as_scalar(&self) -> Option<&Scalar> {
        match &self.resolve().value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The map's own entries, as written: merge keys are not followed, and an alias is not
    /// a map (call [`Node::resolve`] first). Tree walks should use this and [`Node::as_seq`],
    /// which never follow aliases, so that an alias bomb is walked in linear time.
    pub(crate) fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The sequence's items, as written (an alias is not a sequence: resolve it first).
    pub(crate) fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    #[cfg(test)]
    /// YAML 1.2 core null: a plain `~`, `null`, `Null`, `NULL` or empty scalar.
    pub(crate) fn is_null(&self) -> bool {
        match &self.resolve().value {
            Value::Scalar(s) => {
                s.style == ScalarStyle::Plain
                    && matches!(s.text.as_str(), "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }

    #[cfg(test)]
    /// YAML 1.2 core boolean: a plain `true`/`True`/`TRUE`/`false`/`False`/`FALSE`.
    pub(crate) fn as_bool(&self) -> Option<bool> {
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
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
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
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&str, &Node, &Node)> {
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
pub(crate) fn node_text<'a>(text: &'a str, node: &Node) -> &'a str {
    text.get(node.span.range()).unwrap_or("")
}

/// Parses every document of a YAML stream. On a syntax error, returns the documents completed
/// before it and a diagnostic at the error's position. Never panics.
pub(crate) fn parse(text: &str) -> (Vec<YamlDocument>, Vec<ParseDiagnostic>) {
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

#[cfg(test)]
mod tests;
