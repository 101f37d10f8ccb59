//! ECS container definitions (`aws_ecs_task_definition.container_definitions`) as
//! span-carrying objects, however the JSON is written:
//!
//! - `jsonencode([{ name = "app", ... }])`: exact spans;
//! - a heredoc or string holding JSON (interpolations inside JSON strings are unknown leaves);
//! - a heredoc with interpolations in value positions (`"cpu": ${var.cpu}`), as old modules
//!   such as segmentio/stack write them: each `${...}` outside a JSON string reads as an
//!   unknown value (`null`), so the keys around it are still known.
//!
//! `file()`, `templatefile()`, `data.template_file...rendered`, `var.x`, `local.y` and
//! interpolations in key or element positions cannot be read: no containers are returned.
//! A container that is itself unknown (`jsonencode([local.app])`) is skipped; an object with a
//! computed key is [`Container::is_partial`].

use crate::model::terraform::{self, Block, Entry, Value};
use crate::source::Span;

/// The container definitions of one task definition that could be read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ContainerDefinitions {
    /// The JSON document: a list of container objects (unknown items possible).
    doc: Value,
    /// The span of the document (the attribute's value).
    span: Span,
}

/// One container object of a task definition.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Container<'a> {
    pub entries: &'a [Entry],
    /// The whole object.
    pub span: Span,
}

/// The container definitions of an `aws_ecs_task_definition` block, if they can be read.
/// `text` is the whole file text the block was parsed from.
pub(crate) fn container_definitions(block: &Block, text: &str) -> Option<ContainerDefinitions> {
    let attr = block.attr("container_definitions")?;
    if let Some(doc) = attr.value.json_document() {
        return Some(ContainerDefinitions {
            doc: doc.clone(),
            span: attr.value_span,
        });
    }
    if !attr.value.is_unknown() {
        return None;
    }
    let doc = heredoc_with_unknown_values(text, attr.value_span)?;
    Some(ContainerDefinitions {
        doc,
        span: attr.value_span,
    })
}

impl ContainerDefinitions {
    /// The span of the whole `container_definitions` value.
    pub(crate) fn span(&self) -> Span {
        self.span
    }

    /// The known container objects, in order.
    pub(crate) fn containers(&self) -> Vec<Container<'_>> {
        let Some(items) = self.doc.as_list() else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| {
                Some(Container {
                    entries: item.value.as_object()?,
                    span: item.span,
                })
            })
            .collect()
    }
}

/// An object's entry by key, case-insensitively (as ECS reads keys).
pub(crate) fn entry<'v>(value: &'v Value, key: &str) -> Option<&'v Entry> {
    value
        .as_object()?
        .iter()
        .rev()
        .find(|e| !e.computed_key && e.key.eq_ignore_ascii_case(key))
}

impl<'a> Container<'a> {
    /// An entry by key. ECS (through Go's JSON decoding) matches keys case-insensitively, so
    /// `LogConfiguration` counts as `logConfiguration`.
    pub(crate) fn entry(&self, key: &str) -> Option<&'a Entry> {
        self.entries
            .iter()
            .rev()
            .find(|e| !e.computed_key && e.key.eq_ignore_ascii_case(key))
    }

    /// A value by key (see [`Container::entry`]).
    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        self.entry(key).map(|e| &e.value)
    }

    /// Whether some key is computed and unknown: any key may be missing or present.
    pub(crate) fn is_partial(&self) -> bool {
        self.entries.iter().any(|e| e.computed_key)
    }

    /// The container's `name`, if known.
    pub(crate) fn name(&self) -> Option<&'a str> {
        self.get("name").and_then(Value::as_str)
    }

    /// Where a finding about a missing key points: the `name` entry, else the object's first
    /// character (`{`).
    pub(crate) fn anchor(&self) -> Span {
        match self.entry("name") {
            Some(entry) => entry.span,
            None => Span::new(self.span.start as usize, self.span.start as usize + 1),
        }
    }

    /// How a message names the container: `` container `app` `` or `a container`.
    pub(crate) fn describe(&self) -> String {
        match self.name() {
            Some(name) => format!("container `{name}`"),
            None => "a container".to_string(),
        }
    }
}

/// Reads a heredoc whose JSON has interpolations in value positions. The body is parsed as an
/// HCL expression (JSON is one) at its original offsets, so every span is the file's: each
/// `${...}` outside a JSON string is first masked as an unknown identifier of the same length
/// (`u___`); those inside strings are HCL templates already. `None` on directives (`%{`), a
/// quoted string, or anything that does not parse.
fn heredoc_with_unknown_values(text: &str, span: Span) -> Option<Value> {
    let raw = text.get(span.range())?;
    if !raw.starts_with("<<") {
        return None;
    }
    let body_start = span.start as usize + raw.find('\n')? + 1;
    let body_end = span.start as usize + raw.trim_end().rfind('\n')?;
    if body_end <= body_start || body_start < 4 {
        return None;
    }
    let body = text.get(body_start..body_end)?;
    let masked = mask_interpolations(body)?;
    let mut hcl = " ".repeat(body_start - 4);
    hcl.push_str("x = ");
    hcl.push_str(&masked);
    hcl.push('\n');
    let (file, diagnostics) = terraform::parse(&hcl, "container_definitions.tf");
    if !diagnostics.is_empty() {
        return None;
    }
    let value = file.attr("x")?.value.clone();
    value.as_list()?;
    Some(value)
}

/// Masks each `${...}` outside a JSON string as an identifier of the same byte length
/// (`u___`), which HCL reads as an unknown reference. `None` on a template directive or an
/// unbalanced interpolation.
fn mask_interpolations(body: &str) -> Option<String> {
    let bytes = body.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut in_string = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let next = bytes.get(i + 1).copied();
        let literal_escape =
            (b == b'$' || b == b'%') && next == Some(b) && bytes.get(i + 2) == Some(&b'{');
        match (b, next) {
            _ if literal_escape => {
                // `$${` and `%%{` are literal text.
                out.extend_from_slice(bytes.get(i..i + 3)?);
                i += 3;
            }
            (b'%', Some(b'{')) => return None,
            (b'$', Some(b'{')) => {
                let end = interpolation_end(bytes, i + 2)?;
                if in_string {
                    out.extend_from_slice(bytes.get(i..end)?);
                } else {
                    out.push(b'u');
                    out.extend(std::iter::repeat_n(b'_', end - i - 1));
                }
                i = end;
            }
            (b'\\', Some(n)) if in_string => {
                out.push(b);
                out.push(n);
                i += 2;
            }
            (b'"', _) => {
                in_string = !in_string;
                out.push(b);
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The byte after the `}` that closes an interpolation whose expression starts at `from`,
/// skipping nested braces and HCL strings inside it.
fn interpolation_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut depth = 1usize;
    let mut in_string = false;
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'{' if !in_string => depth += 1,
            b'}' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::terraform::parse;

    fn defs(text: &str) -> Option<ContainerDefinitions> {
        let (file, diagnostics) = parse(text, "main.tf");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let block = file.resources().next()?;
        container_definitions(block, text)
    }

    #[test]
    fn jsonencode() {
        let text = r#"resource "aws_ecs_task_definition" "app" {
  container_definitions = jsonencode([
    {
      name  = "app"
      image = "nginx:1.27"
      logConfiguration = { logDriver = "awslogs" }
    },
    local.sidecar,
  ])
}
"#;
        let d = defs(text).unwrap();
        let containers = d.containers();
        assert_eq!(containers.len(), 1);
        assert_eq!(containers[0].name(), Some("app"));
        assert_eq!(&text[containers[0].anchor().range()], "name  = \"app\"");
        assert!(containers[0].entry("LOGCONFIGURATION").is_some());
    }

    #[test]
    fn heredoc_with_value_interpolations() {
        let text = r#"resource "aws_ecs_task_definition" "main" {
  container_definitions = <<EOF
[
  {
    "cpu": ${var.cpu},
    "environment": ${var.env_vars},
    "image": "${var.image}:${var.image_version}",
    "name": "${var.name}",
    "portMappings": ${jsonencode({a = "}"})}
  },
  ${var.extra}
]
EOF
}
"#;
        let d = defs(text).unwrap();
        let containers = d.containers();
        assert_eq!(containers.len(), 1);
        let c = containers[0];
        assert!(c.get("cpu").unwrap().is_unknown());
        assert!(c.get("image").unwrap().is_unknown());
        assert!(c.get("portMappings").is_some());
        assert!(c.get("logConfiguration").is_none());
        assert_eq!(
            &text[c.entry("cpu").unwrap().span.range()],
            "\"cpu\": ${var.cpu}"
        );
        assert!(text[c.span.range()].starts_with('{'));
    }

    #[test]
    fn unreadable_definitions() {
        for value in [
            "file(\"containers.json\")",
            "templatefile(\"c.tpl\", {})",
            "data.template_file.c.rendered",
            "var.containers",
            "jsonencode(local.containers)",
            "<<EOF\n[{\"name\": \"a\", ${var.more}}]\nEOF",
            "<<EOF\n[%{ for c in var.cs }{\"name\": \"${c}\"}%{ endfor }]\nEOF",
        ] {
            let text =
                format!("resource \"aws_ecs_task_definition\" \"x\" {{\n  container_definitions = {value}\n}}\n");
            let containers = defs(&text).map(|d| d.containers().len()).unwrap_or(0);
            assert_eq!(containers, 0, "{value}");
        }
    }

    #[test]
    fn mask_keeps_length() {
        let body = r#"{"a": ${x}, "b": "${y}-z", "c": "$${lit}"}"#;
        let masked = mask_interpolations(body).unwrap();
        assert_eq!(masked.len(), body.len());
        assert_eq!(masked, r#"{"a": u___, "b": "${y}-z", "c": "$${lit}"}"#);
    }
}
