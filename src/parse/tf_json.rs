//! Terraform's JSON syntax (`*.tf.json`, `*.tfvars.json`) and JSON documents inside
//! Terraform strings, read with serde_json plus a small scanner that records the byte range
//! of every value (serde_json keeps none).

use std::ops::Range;

use crate::source::{ParseDiagnostic, Span};

/// Nesting limit of the JSON scanner (serde_json itself stops at 128).
const JSON_MAX_DEPTH: usize = 200;

/// Reads a Terraform JSON file: the members of its top-level object, with spans. A file that
/// is not JSON, or not an object, gives a diagnostic at the offending byte.
pub(crate) fn parse_object(text: &str) -> Result<Vec<JMember>, ParseDiagnostic> {
    if let Err(err) = serde_json::from_str::<serde_json::Value>(text) {
        let offset = line_col_offset(text, err.line(), err.column());
        let span = super::char_span(text, offset);
        return Err(ParseDiagnostic::new(format!("invalid JSON: {err}"), span));
    }
    let Some(root) = JsonScanner::new(text).document() else {
        return Err(ParseDiagnostic::new(
            "invalid JSON",
            Span::new(0, text.len().min(1)),
        ));
    };
    match root.kind {
        JKind::Obj(members) => Ok(members),
        _ => Err(ParseDiagnostic::new(
            "a Terraform JSON file must hold an object",
            Span::from_range(root.range),
        )),
    }
}

/// Reads a JSON document found inside a string; `None` when the text is not JSON.
pub(crate) fn scan_document(text: &str) -> Option<JNode> {
    serde_json::from_str::<serde_json::Value>(text).ok()?;
    JsonScanner::new(text).document()
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

/// A JSON value with the byte range it covers in the scanned text.
pub(crate) struct JNode {
    pub(crate) kind: JKind,
    pub(crate) range: Range<usize>,
}

pub(crate) enum JKind {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Arr(Vec<JNode>),
    Obj(Vec<JMember>),
}

pub(crate) struct JMember {
    pub(crate) key: String,
    pub(crate) key_range: Range<usize>,
    pub(crate) value: JNode,
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
