//! Applying edits to a text: choosing fixes that do not overlap, line endings, passes,
//! and the parse check.

use crate::finding::{Edit, Fix};
use crate::source::SourceFile;

use super::MAX_PASSES;

/// The fixes of one pass: sorted by position, each kept only when none of its edits
/// overlaps (or inserts at the same point as) an edit of a fix kept before it. The
/// others wait for the next pass, which sees the text this one made.
pub(crate) fn choose_fixes(mut fixes: Vec<Fix>) -> Vec<Fix> {
    fixes.sort_by_key(|f| f.edits.first().map(|e| (e.start, e.end)));
    let mut taken: Vec<(u32, u32)> = Vec::new();
    let mut chosen = Vec::new();
    for fix in fixes {
        let clashes = fix
            .edits
            .iter()
            .any(|e| taken.iter().any(|&t| clash((e.start, e.end), t)));
        if !clashes {
            taken.extend(fix.edits.iter().map(|e| (e.start, e.end)));
            chosen.push(fix);
        }
    }
    chosen
}

/// Two edits clash when they overlap, or when one inserts where the other starts or
/// ends (which goes first would be a guess).
fn clash((s1, e1): (u32, u32), (s2, e2): (u32, u32)) -> bool {
    (s1 < e2 && s2 < e1)
        || (s1 == e1 && (s1 == s2 || s1 == e2))
        || (s2 == e2 && (s2 == s1 || s2 == e1))
}

/// `text` with `edits` (non-overlapping) applied; inserted line breaks follow the
/// file's own (`\r\n` when its first line ends so). `None` when an edit is out of
/// range or splits a character.
pub(crate) fn apply_edits(text: &str, edits: &[&Edit]) -> Option<String> {
    let crlf = text
        .find('\n')
        .is_some_and(|i| i > 0 && text.as_bytes()[i - 1] == b'\r');
    let mut sorted: Vec<&&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0usize;
    for edit in sorted {
        let (start, end) = (edit.start as usize, edit.end as usize);
        if start < at || end < start {
            return None;
        }
        out.push_str(text.get(at..start)?);
        text.get(start..end)?;
        if crlf {
            out.push_str(&to_crlf(&edit.content));
        } else {
            out.push_str(&edit.content);
        }
        at = end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

fn to_crlf(content: &str) -> String {
    let mut out = String::with_capacity(content.len() + 8);
    let mut prev = '\0';
    for c in content.chars() {
        if c == '\n' && prev != '\r' {
            out.push('\r');
        }
        out.push(c);
        prev = c;
    }
    out
}

/// The text the scan sees for a file's disk text: a UTF-8 BOM reads as three spaces
/// (see `discover::read_text`), so byte offsets are the same in both.
pub(crate) fn scan_form(disk: &str) -> String {
    match disk.strip_prefix('\u{feff}') {
        Some(rest) => format!("   {rest}"),
        None => disk.to_string(),
    }
}

pub(crate) struct Passes {
    pub text: String,
    /// Fixes applied over all passes.
    pub fixed: usize,
    /// Why fixing stopped early, if it did.
    pub note: Option<String>,
}

/// Applies `fixes` to `disk` (the file's text), pass after pass: `rescan` gives the
/// fixes left in the new text.
pub(crate) fn in_passes(
    path: &str,
    disk: &str,
    mut fixes: Vec<Fix>,
    rescan: &dyn Fn(&str, &str) -> Vec<Fix>,
) -> Passes {
    let bom = disk.starts_with('\u{feff}');
    let mut text = disk.to_string();
    let mut fixed = 0;
    let mut seen = vec![text.clone()];
    for pass in 0..MAX_PASSES {
        // The BOM's bytes are not the scan's to change.
        fixes.retain(|f| !bom || f.edits.iter().all(|e| e.start >= 3));
        let chosen = choose_fixes(fixes);
        if chosen.is_empty() {
            break;
        }
        let edits: Vec<&Edit> = chosen.iter().flat_map(|f| f.edits.iter()).collect();
        let Some(next) = apply_edits(&text, &edits) else {
            return Passes {
                text,
                fixed,
                note: Some(format!("a fix does not fit the file (pass {})", pass + 1)),
            };
        };
        if seen.contains(&next) {
            // A fix that undoes another: stop where the text was.
            break;
        }
        fixed += chosen.len();
        text = next;
        seen.push(text.clone());
        fixes = rescan(path, &scan_form(&text));
        if pass + 1 == MAX_PASSES && !fixes.is_empty() {
            return Passes {
                text,
                fixed,
                note: Some(format!(
                    "fixes still left after {MAX_PASSES} passes: run --fix again"
                )),
            };
        }
    }
    Passes {
        text,
        fixed,
        note: None,
    }
}

/// Whether `after` parses as well as `before` did: no parse error where there was none.
pub(crate) fn still_parses(path: &str, before: &str, after: &str) -> Result<(), String> {
    let errors = |text: &str| {
        let text = scan_form(text);
        let kind = crate::discover::classify(path, &text);
        let file = SourceFile::new(path.to_string(), kind, text);
        crate::model::parse(&file).1
    };
    let after_errors = errors(after);
    if after_errors.is_empty() {
        return Ok(());
    }
    if after_errors.len() <= errors(before).len() {
        return Ok(());
    }
    Err(format!(
        "the fixed text would not parse ({}), so the file is left as it is",
        after_errors[0].message
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::FixSafety;

    fn fix(edits: &[(u32, u32, &str)]) -> Fix {
        Fix {
            safety: FixSafety::Safe,
            description: String::new(),
            path: "f".into(),
            creates: false,
            edits: edits
                .iter()
                .map(|&(start, end, c)| Edit {
                    start,
                    end,
                    content: c.into(),
                })
                .collect(),
        }
    }

    #[test]
    fn overlapping_and_same_point_fixes_wait() {
        let chosen = choose_fixes(vec![
            fix(&[(0, 2, "x")]),
            fix(&[(1, 3, "y")]),
            fix(&[(5, 5, "a")]),
            fix(&[(5, 5, "b")]),
            fix(&[(6, 7, "c")]),
        ]);
        let starts: Vec<u32> = chosen.iter().map(|f| f.edits[0].start).collect();
        assert_eq!(starts, vec![0, 5, 6]);
    }

    #[test]
    fn edits_keep_crlf() {
        let e = Edit::insert(3, "b\n");
        assert_eq!(apply_edits("a\r\nc\r\n", &[&e]).unwrap(), "a\r\nb\r\nc\r\n");
        let e = Edit::insert(2, "b\n");
        assert_eq!(apply_edits("a\nc\n", &[&e]).unwrap(), "a\nb\nc\n");
    }

    #[test]
    fn edits_out_of_range_or_inside_a_char_are_refused() {
        assert!(apply_edits("ab", &[&Edit::insert(5, "x")]).is_none());
        assert!(apply_edits("é", &[&Edit::insert(1, "x")]).is_none());
    }

    #[test]
    fn passes_stop_when_nothing_is_left() {
        let rescan = |_: &str, text: &str| {
            if text.starts_with("xx") {
                Vec::new()
            } else {
                vec![fix(&[(0, 0, "x")])]
            }
        };
        let passes = in_passes("f", "a", vec![fix(&[(0, 0, "x")])], &rescan);
        assert_eq!(passes.text, "xxa");
        assert_eq!(passes.fixed, 2);
        let endless = |_: &str, _: &str| vec![fix(&[(0, 0, "x")])];
        let passes = in_passes("f", "a", vec![fix(&[(0, 0, "x")])], &endless);
        assert_eq!(passes.fixed, MAX_PASSES);
        assert!(passes.note.is_some());
    }
}
