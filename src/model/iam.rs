//! IAM-style policy statements in a Terraform file, whatever way they are written: JSON
//! documents (`jsonencode(...)`, heredocs, JSON strings) in any attribute of any block, and
//! the `statement` blocks of `data "aws_iam_policy_document"`.

use crate::model::terraform::{Block, TerraformFile, Value};
use crate::source::Span;

/// A statement's `Effect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    Allow,
    Deny,
    /// Set to something the model cannot know (or an invalid word).
    Unknown,
}

/// One element list field (`Action`, `Resource`, ...): each member with its span.
#[derive(Debug, Clone)]
pub(crate) struct Field<'a> {
    pub values: Vec<(&'a Value, Span)>,
}

impl Field<'_> {
    /// The span of the first member that is exactly `wanted`.
    pub(crate) fn find(&self, wanted: &str) -> Option<Span> {
        self.values
            .iter()
            .find(|(v, _)| v.as_str() == Some(wanted))
            .map(|(_, span)| *span)
    }
}

/// One policy statement.
#[derive(Debug, Clone)]
pub(crate) struct Statement<'a> {
    /// The statement object, or the `statement` block.
    pub span: Span,
    pub effect: Effect,
    pub actions: Option<Field<'a>>,
    pub resources: Option<Field<'a>>,
}

/// Every statement in the file.
pub(crate) fn statements(tf: &TerraformFile) -> Vec<Statement<'_>> {
    let mut out = Vec::new();
    for attr in &tf.attributes {
        json_statements(&attr.value, attr.value_span, &mut out);
    }
    let mut stack: Vec<&Block> = tf.blocks.iter().collect();
    while let Some(block) = stack.pop() {
        for attr in &block.attributes {
            json_statements(&attr.value, attr.value_span, &mut out);
        }
        if block.resource_type() == Some("aws_iam_policy_document") && block.kind == "data" {
            for st in block.blocks_named("statement") {
                out.push(block_statement(st));
            }
        }
        stack.extend(block.blocks.iter());
    }
    out.sort_by_key(|s| (s.span.start, s.span.end));
    out
}

/// Statements of the JSON documents anywhere inside `value`.
fn json_statements<'a>(value: &'a Value, span: Span, out: &mut Vec<Statement<'a>>) {
    value.walk(span, &mut |_, v, _| {
        let Some(doc) = v.json_document() else {
            return;
        };
        let Some(entry) = doc.entry("Statement") else {
            return;
        };
        let items: Vec<(&Value, Span)> = match &entry.value {
            Value::List(items) => items.iter().map(|i| (&i.value, i.span)).collect(),
            other => vec![(other, entry.span)],
        };
        for (statement, span) in items {
            if statement.as_object().is_none() {
                continue;
            }
            let effect = match statement.get("Effect").and_then(Value::as_str) {
                Some("Allow") => Effect::Allow,
                Some("Deny") => Effect::Deny,
                _ => Effect::Unknown,
            };
            out.push(Statement {
                span,
                effect,
                actions: json_field(statement, "Action"),
                resources: json_field(statement, "Resource"),
            });
        }
    });
}

fn json_field<'a>(statement: &'a Value, key: &str) -> Option<Field<'a>> {
    let entry = statement.entry(key)?;
    let values = match &entry.value {
        Value::List(items) => items.iter().map(|i| (&i.value, i.span)).collect(),
        other => vec![(other, entry.span)],
    };
    Some(Field { values })
}

fn block_statement(st: &Block) -> Statement<'_> {
    // NOTE: `effect` defaults to "Allow" in aws_iam_policy_document.
    let effect = match st.attr("effect") {
        None => Effect::Allow,
        Some(attr) => match attr.value.as_str() {
            Some("Allow") => Effect::Allow,
            Some("Deny") => Effect::Deny,
            _ => Effect::Unknown,
        },
    };
    let field = |key: &str| {
        st.attr(key).map(|attr| Field {
            values: match &attr.value {
                Value::List(items) => items.iter().map(|i| (&i.value, i.span)).collect(),
                other => vec![(other, attr.value_span)],
            },
        })
    };
    Statement {
        span: st.header_span,
        effect,
        actions: field("actions"),
        resources: field("resources"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::terraform::parse;

    #[test]
    fn jsonencode_heredoc_and_documents() {
        let text = r#"resource "aws_iam_policy" "a" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = ["*"] }]
  })
}
resource "aws_iam_role_policy" "b" {
  policy = <<EOF
{"Statement": {"Effect": "Deny", "Action": ["s3:*"], "Resource": "${var.arn}"}}
EOF
}
data "aws_iam_policy_document" "c" {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}
"#;
        let (tf, diags) = parse(text, "main.tf");
        assert!(diags.is_empty());
        let st = statements(&tf);
        assert_eq!(st.len(), 3);
        assert_eq!(st[0].effect, Effect::Allow);
        let action = st[0].actions.as_ref().unwrap().find("*").unwrap();
        assert_eq!(&text[action.range()], "Action = \"*\"");
        assert_eq!(st[1].effect, Effect::Deny);
        assert!(st[1].resources.as_ref().unwrap().find("*").is_none());
        let action = st[2].actions.as_ref().unwrap().find("*").unwrap();
        assert_eq!(&text[action.range()], "\"*\"");
    }
}
