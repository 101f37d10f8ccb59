//! Typed views over the flattened YAML documents (`wit::YamlStream`).

use crate::wit::{self, Span, YamlStream, YamlValue};

#[derive(Clone, Copy)]
pub struct Yaml<'a> {
    stream: &'a YamlStream,
}

impl<'a> Yaml<'a> {
    pub fn new(stream: &'a YamlStream) -> Self {
        Yaml { stream }
    }

    /// Each document's root node.
    pub fn documents(&self) -> impl Iterator<Item = Node<'a>> + 'a {
        let stream = self.stream;
        stream
            .documents
            .iter()
            .map(move |&i| Node { stream, index: i })
    }
}

/// A node handle.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    stream: &'a YamlStream,
    index: u32,
}

impl<'a> Node<'a> {
    fn raw(&self) -> &'a wit::YamlNode {
        &self.stream.nodes[self.index as usize]
    }

    fn node(&self, index: u32) -> Node<'a> {
        Node {
            stream: self.stream,
            index,
        }
    }

    pub fn span(&self) -> Span {
        self.raw().span
    }

    pub fn is_null(&self) -> bool {
        matches!(self.raw().value, YamlValue::Null)
    }

    /// A scalar's text (quotes removed).
    pub fn as_str(&self) -> Option<&'a str> {
        match &self.raw().value {
            YamlValue::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// A mapping's (key, value) pairs.
    pub fn entries(&self) -> Option<Vec<(Node<'a>, Node<'a>)>> {
        match &self.raw().value {
            YamlValue::Mapping(entries) => Some(
                entries
                    .iter()
                    .map(|e| (self.node(e.key), self.node(e.value)))
                    .collect(),
            ),
            _ => None,
        }
    }

    /// The value of a mapping's scalar key `key`.
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        self.entries()?
            .into_iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// A sequence's items.
    pub fn items(&self) -> Option<Vec<Node<'a>>> {
        match &self.raw().value {
            YamlValue::Sequence(items) => Some(items.iter().map(|&i| self.node(i)).collect()),
            _ => None,
        }
    }
}
