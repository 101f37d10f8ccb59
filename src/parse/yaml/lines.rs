//! A line-and-indentation view of YAML, enough for the inventory (keys,
//! scalars, list items, block scalars) of compose files, Kubernetes manifests
//! and CI configs without a full parse. It never fails; flow collections and
//! anchors are read as plain text.

/// One meaningful line: not blank, not a whole-line comment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct YLine<'a> {
    /// Column of the content (after any `- ` list markers).
    pub indent: usize,
    /// Column of the line's first non-space character (the `-` of a list item).
    pub outer_indent: usize,
    /// Byte offset of the content in the file.
    pub offset: usize,
    /// Whether the line starts a list item.
    pub list_item: bool,
    /// The content after the indentation and list marker, comment stripped for plain scalars.
    pub content: &'a str,
    /// `key` of `key: value` (or `key:`), unquoted.
    pub key: Option<&'a str>,
    /// The value after `key:`, or the whole content of a `- value` item; trimmed, unquoted.
    pub value: Option<&'a str>,
    /// Byte offset of `value` in the file.
    pub value_offset: usize,
}

impl YLine<'_> {
    /// Whether the value starts a block scalar (`|`, `>`, `|-`, `>+` ...).
    pub(crate) fn is_block_scalar(&self) -> bool {
        self.value
            .is_some_and(|v| (v.starts_with('|') || v.starts_with('>')) && v.len() <= 3)
    }

    /// `---` document separator.
    pub(crate) fn is_document_start(&self) -> bool {
        self.outer_indent == 0 && (self.content == "---" || self.content.starts_with("--- "))
    }
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    if s.len() >= 2
        && ((s.starts_with('"') && s.ends_with('"')) || (s.starts_with('\'') && s.ends_with('\'')))
    {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// Strips a trailing ` # comment` from a plain (unquoted) scalar.
fn strip_comment(s: &str) -> &str {
    if s.starts_with('"') || s.starts_with('\'') {
        return s;
    }
    match s.find(" #") {
        Some(i) => s[..i].trim_end(),
        None => s,
    }
}

/// Splits `key: value`; keys are plain or quoted, without flow characters.
fn split_key(content: &str) -> Option<(&str, &str, usize)> {
    let bytes = content.as_bytes();
    let (key_end, after) = if bytes.first() == Some(&b'"') || bytes.first() == Some(&b'\'') {
        let q = bytes[0];
        let close = content[1..].find(q as char)? + 1;
        let rest = &content[close + 1..];
        if !rest.starts_with(':') {
            return None;
        }
        (close + 1, close + 2)
    } else {
        let mut i = 0;
        loop {
            let rel = content[i..].find(':')?;
            let at = i + rel;
            let next = content.as_bytes().get(at + 1);
            if next.is_none() || next == Some(&b' ') || next == Some(&b'\t') {
                break (at, at + 1);
            }
            i = at + 1;
        }
    };
    let key = unquote(&content[..key_end]);
    if key.is_empty()
        || key.contains(['{', '[', '#'])
        || key.starts_with('-') && key.len() > 1 && key.as_bytes()[1] == b' '
    {
        return None;
    }
    Some((key, &content[after..], after))
}

/// The meaningful lines of `text`.
pub(crate) fn lines(text: &str) -> Vec<YLine<'_>> {
    let mut out = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let outer_indent = line.len() - trimmed.len();
        let mut indent = outer_indent;
        let mut content = trimmed;
        let mut list_item = false;
        while let Some(rest) = content
            .strip_prefix("- ")
            .or_else(|| (content == "-").then_some(""))
        {
            list_item = true;
            let skipped = content.len() - rest.len();
            let rest_trimmed = rest.trim_start();
            indent += skipped + (rest.len() - rest_trimmed.len());
            content = rest_trimmed;
        }
        let content_offset = start + indent;
        let (key, value, value_offset) = match split_key(content) {
            Some((key, rest, after)) => {
                let v = rest.trim_start();
                let lead = rest.len() - v.len();
                let v = strip_comment(v.trim_end());
                let value = (!v.is_empty()).then(|| unquote(v));
                let q = usize::from(v.starts_with('"') || v.starts_with('\''));
                (Some(key), value, content_offset + after + lead + q)
            }
            None => {
                let v = strip_comment(content.trim_end());
                let q = usize::from(v.starts_with('"') || v.starts_with('\''));
                (
                    (None),
                    (!v.is_empty()).then(|| unquote(v)),
                    content_offset + q,
                )
            }
        };
        out.push(YLine {
            indent,
            outer_indent,
            offset: content_offset,
            list_item,
            content,
            key,
            value,
            value_offset,
        });
    }
    out
}

/// The text of the block scalar that starts at `lines[i]` (a `key: |` line): the raw
/// lines below it indented deeper than `lines[i].indent`, with the byte range they span,
/// and the index of the first line after it.
pub(crate) fn block_scalar(
    text: &str,
    lines: &[YLine<'_>],
    i: usize,
) -> (String, usize, usize, usize) {
    let key_indent = if lines[i].key.is_none() && lines[i].list_item {
        lines[i].outer_indent
    } else {
        lines[i].indent
    };
    let mut j = i + 1;
    while j < lines.len() && lines[j].outer_indent > key_indent {
        j += 1;
    }
    if j == i + 1 {
        let at = lines[i].value_offset;
        return (String::new(), at, at, j);
    }
    let start = lines[i + 1].offset - (lines[i + 1].indent - lines[i + 1].outer_indent);
    let last = &lines[j - 1];
    let end = text[last.offset..]
        .find('\n')
        .map(|n| last.offset + n)
        .unwrap_or(text.len());
    let body = text[start..end]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    (body, start, end, j)
}

/// Index of the first line after the children of the key at `lines[i]`: the following
/// lines indented deeper than the key, and list items at the key's own column (YAML
/// allows `env:` followed by `- name: X` at the same indentation).
pub(crate) fn end_of_node(lines: &[YLine<'_>], i: usize) -> usize {
    let indent = lines[i].indent;
    let mut j = i + 1;
    while j < lines.len() {
        let l = &lines[j];
        if l.is_document_start() {
            break;
        }
        if l.outer_indent > indent || (l.outer_indent == indent && l.list_item) {
            j += 1;
            continue;
        }
        break;
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_values_and_items() {
        let text = "a: 1\nb:\n  - name: X # c\n    value: \"y\"\n  - plain\n# comment\nc: |\n  echo 1\n  echo 2\nd: http://x:80\n";
        let ls = lines(text);
        assert_eq!(ls[0].key, Some("a"));
        assert_eq!(ls[0].value, Some("1"));
        assert_eq!(ls[2].key, Some("name"));
        assert_eq!(ls[2].value, Some("X"));
        assert!(ls[2].list_item);
        assert_eq!(ls[2].indent, 4);
        assert_eq!(ls[3].value, Some("y"));
        assert_eq!(&text[ls[3].value_offset..ls[3].value_offset + 1], "y");
        assert_eq!(ls[4].key, None);
        assert_eq!(ls[4].value, Some("plain"));
        assert!(ls[5].is_block_scalar());
        let (body, _, _, next) = block_scalar(text, &ls, 5);
        assert_eq!(body, "echo 1\necho 2");
        assert_eq!(ls[next].key, Some("d"));
        assert_eq!(ls[next].value, Some("http://x:80"));
    }
}
