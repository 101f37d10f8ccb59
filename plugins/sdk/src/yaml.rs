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

    pub fn anchor(&self) -> Option<&'a str> {
        self.raw().anchor.as_deref()
    }

    pub fn tag(&self) -> Option<&'a str> {
        self.raw().tag.as_deref()
    }

    /// Follows an alias (`*name`) to the last node anchored `&name` before it.
    pub fn resolve(&self) -> Node<'a> {
        if let YamlValue::Alias(name) = &self.raw().value {
            let found = self.stream.nodes[..self.index as usize]
                .iter()
                .rposition(|n| n.anchor.as_deref() == Some(name.as_str()));
            if let Some(i) = found {
                return self.node(i as u32);
            }
        }
        *self
    }

    /// The scalar (aliases resolved).
    pub fn scalar(&self) -> Option<&'a wit::YamlScalar> {
        match &self.resolve().raw().value {
            YamlValue::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// A plain `~`, `null` or empty scalar.
    pub fn is_null(&self) -> bool {
        self.scalar().is_some_and(|s| {
            s.style == wit::YamlStyle::Plain
                && matches!(s.text.as_str(), "" | "~" | "null" | "Null" | "NULL")
        })
    }

    /// A scalar's text (unescaped; aliases resolved).
    pub fn as_str(&self) -> Option<&'a str> {
        self.scalar().map(|s| s.text.as_str())
    }

    /// A plain `true`/`false` (a quoted one is a string).
    pub fn as_bool(&self) -> Option<bool> {
        let s = self.scalar()?;
        if s.style != wit::YamlStyle::Plain {
            return None;
        }
        match s.text.as_str() {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }

    /// A mapping's (key, value) pairs.
    pub fn entries(&self) -> Option<Vec<(Node<'a>, Node<'a>)>> {
        match &self.resolve().raw().value {
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
        match &self.resolve().raw().value {
            YamlValue::Sequence(items) => Some(items.iter().map(|&i| self.node(i)).collect()),
            _ => None,
        }
    }
}
