//! Edits of Terraform blocks for rule fixes (SEC002, SEC011, RUN005, RUN009): set an argument, keeping the block's
//! indentation and `terraform fmt`'s alignment of `=` in the group it joins.

use crate::finding::Edit;
use crate::model::terraform::Block;

/// The edit that makes `key = value` hold in `block`: the argument's value is replaced
/// when it is there, otherwise a line is added before the block's closing `}`. `None`
/// for a one-line block with content (`{ a = 1 }`), which cannot take a second line
/// without reformatting it.
pub(crate) fn set_attribute(text: &str, block: &Block, key: &str, value: &str) -> Option<Edit> {
    if let Some(attr) = block.attr(key) {
        return Some(Edit::replace(attr.value_span, value));
    }
    let close = block.span.end.checked_sub(1)? as usize;
    if text.as_bytes().get(close) != Some(&b'}') {
        return None;
    }
    let line_start = text[..close].rfind('\n').map_or(0, |i| i + 1);
    let before_close = &text[line_start..close];
    let open = block.header_span.end as usize;
    if before_close.trim().is_empty() {
        // `}` alone on its line: a new line above it, indented like the block's body.
        let closing_indent = before_close;
        let indent = body_indent(text, block).unwrap_or_else(|| format!("{closing_indent}  "));
        let padding = alignment(text, line_start, &indent, key);
        return Some(Edit::insert(
            line_start as u32,
            format!("{indent}{key}{padding} = {value}\n"),
        ));
    }
    // `resource "x" "y" {}`: open the block.
    if text
        .get(open..close)
        .is_some_and(|body| body.trim().is_empty())
    {
        let head_line = text[..open].rfind('\n').map_or(0, |i| i + 1);
        let indent: String = text[head_line..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        return Some(Edit {
            start: open as u32,
            end: close as u32 + 1,
            content: format!("\n{indent}  {key} = {value}\n{indent}}}"),
        });
    }
    None
}

/// The indentation of the block's first argument or nested block.
fn body_indent(text: &str, block: &Block) -> Option<String> {
    let first = block
        .attributes
        .iter()
        .map(|a| a.span.start)
        .chain(block.blocks.iter().map(|b| b.span.start))
        .min()? as usize;
    let line_start = text[..first].rfind('\n').map_or(0, |i| i + 1);
    let indent = text.get(line_start..first)?;
    indent
        .chars()
        .all(|c| c == ' ' || c == '\t')
        .then(|| indent.to_string())
}

/// Spaces after `key` so its `=` lines up with the argument on the line above (as
/// `terraform fmt` aligns consecutive arguments), when that one's `=` is further right.
fn alignment(text: &str, line_start: usize, indent: &str, key: &str) -> String {
    let Some(above_end) = line_start.checked_sub(1) else {
        return String::new();
    };
    let above_start = text[..above_end].rfind('\n').map_or(0, |i| i + 1);
    let above = text[above_start..above_end].trim_end_matches('\r');
    let Some(rest) = above.strip_prefix(indent) else {
        return String::new();
    };
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(0);
    let after = &rest[name_len..];
    let spaces = after.len() - after.trim_start_matches(' ').len();
    if name_len == 0 || !after[spaces..].starts_with('=') || after[spaces..].starts_with("==") {
        return String::new();
    }
    let eq_col = name_len + spaces;
    " ".repeat(eq_col.saturating_sub(key.len() + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str, key: &str, value: &str) -> Option<String> {
        let (tf, diags) = crate::model::terraform::parse(text, "main.tf");
        assert!(diags.is_empty(), "{diags:?}");
        let edit = set_attribute(text, &tf.blocks[0], key, value)?;
        let mut fixed = text.to_string();
        fixed.replace_range(edit.start as usize..edit.end as usize, &edit.content);
        Some(fixed)
    }

    #[test]
    fn adds_an_aligned_argument_before_the_closing_brace() {
        let text = "resource \"aws_db_instance\" \"db\" {\n  engine         = \"postgres\"\n  instance_class = \"db.t3.micro\"\n}\n";
        assert_eq!(
            set(text, "storage_encrypted", "true").unwrap(),
            "resource \"aws_db_instance\" \"db\" {\n  engine         = \"postgres\"\n  instance_class = \"db.t3.micro\"\n  storage_encrypted = true\n}\n"
        );
        assert_eq!(
            set(text, "engine", "\"mysql\"").unwrap(),
            "resource \"aws_db_instance\" \"db\" {\n  engine         = \"mysql\"\n  instance_class = \"db.t3.micro\"\n}\n"
        );
        assert_eq!(
            set(text, "port", "5432").unwrap(),
            "resource \"aws_db_instance\" \"db\" {\n  engine         = \"postgres\"\n  instance_class = \"db.t3.micro\"\n  port           = 5432\n}\n"
        );
    }

    #[test]
    fn opens_an_empty_block_and_leaves_a_one_line_one() {
        assert_eq!(
            set("variable \"db_password\" {}\n", "sensitive", "true").unwrap(),
            "variable \"db_password\" {\n  sensitive = true\n}\n"
        );
        assert!(set("variable \"x\" { type = string }\n", "sensitive", "true").is_none());
    }
}
