//! Inline suppressions: `devops-lint: ignore[SEC007, open-admin-port] reason`
//! in a comment on the finding's line or the line before (covering a whole
//! block when placed on or before its header), `ignore-file[...]` near the top
//! of a file, and an optional `until=YYYY-MM-DD` expiry.

use crate::finding::{Finding, Suppression};
use crate::source::{SourceFile, Span};

const MARKER: &str = "devops-lint:";
/// `ignore-file` must appear within the first lines of a file.
const FILE_IGNORE_MAX_LINE: u32 = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InlineIgnore {
    /// 1-based line of the comment.
    pub line: u32,
    /// The line holds nothing but the comment (so it applies to the next line).
    pub comment_only: bool,
    pub file_level: bool,
    /// As written: IDs or names.
    pub rules: Vec<String>,
    /// `YYYY-MM-DD`; after that date the ignore no longer applies.
    pub until: Option<String>,
    pub reason: Option<String>,
    pub span: Span,
    /// Another secret scanner's allow marker: never reported as unused.
    pub foreign: bool,
}

impl InlineIgnore {
    /// The line whose findings (and block) this ignore covers.
    pub(crate) fn target_line(&self) -> u32 {
        if self.comment_only {
            self.line + 1
        } else {
            self.line
        }
    }

    pub(crate) fn is_expired(&self, today: &str) -> bool {
        self.until.as_deref().is_some_and(|until| until < today)
    }
}

/// A problem with an ignore comment itself (unknown rule, unused, bad date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IgnoreProblem {
    pub line: u32,
    pub message: String,
}

/// Finds every ignore directive in a file. Only text after a comment marker
/// (`#`, `//`, `/*`) on the same line counts, and a line holds at most one
/// directive (the rest of the line is its reason). Linear in the text: a line
/// of 100,000 directives costs one pass, not one pass per directive.
pub(crate) fn scan(file: &SourceFile) -> Vec<InlineIgnore> {
    let text = &file.text;
    let mut ignores = Vec::new();
    let mut search_from = 0;
    // (line, where its first comment marker is), computed once per line.
    let mut first_comment: Option<(usize, Option<usize>)> = None;
    while let Some(found) = text.get(search_from..).and_then(|rest| rest.find(MARKER)) {
        let at = search_from + found;
        search_from = at + MARKER.len();
        let line0 = file.line_index().line_of(at as u32);
        let line_range = file.line_index().line_range(line0, text);
        let comment = match first_comment {
            Some((line, comment)) if line == line0 => comment,
            _ => {
                let comment = text.get(line_range.clone()).and_then(comment_start);
                first_comment = Some((line0, comment));
                comment
            }
        };
        let Some(marker_at) = comment.filter(|&c| line_range.start + c < at) else {
            continue;
        };
        let Some(before) = text.get(line_range.start..at) else {
            continue;
        };
        search_from = search_from.max(line_range.end);
        let comment_only = before[..marker_at].trim().is_empty()
            || before[..marker_at].trim_start().starts_with("- ")
                && before[..marker_at].trim() == "-";
        let Some(rest) = text.get(at + MARKER.len()..line_range.end) else {
            continue;
        };
        let rest = rest.trim_start();
        let (file_level, rest) = if let Some(r) = rest.strip_prefix("ignore-file[") {
            (true, r)
        } else if let Some(r) = rest.strip_prefix("ignore[") {
            (false, r)
        } else {
            continue;
        };
        let Some(close) = rest.find(']') else {
            continue;
        };
        let rules = rest[..close]
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let mut tail = rest[close + 1..].trim();
        let mut until = None;
        if let Some(after) = tail.strip_prefix("until=") {
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            until = Some(after[..end].to_string());
            tail = after[end..].trim();
        }
        let tail = tail.trim_end_matches("*/").trim();
        let reason = (!tail.is_empty()).then(|| tail.to_string());
        let end = line_range.end;
        ignores.push(InlineIgnore {
            line: line0 as u32 + 1,
            comment_only,
            file_level,
            rules,
            until,
            reason,
            span: Span::new(at, end),
            foreign: false,
        });
    }
    ignores.extend(foreign_secret_allows(file));
    ignores
}

/// Other scanners' marks on a secret their users reviewed: gitleaks
/// (`gitleaks:allow`), detect-secrets (`pragma: allowlist secret`, `pragma:
/// allowlist nextline secret`), TruffleHog (`trufflehog:ignore`), gosec and
/// golangci-lint (`#nosec`, `#nosec G101`, `nolint:gosec`) and Bandit (`# nosec`,
/// `# nosec B105`), checkov (`checkov:skip=CKV_SECRET_6`). Each suppresses SEC001 as `devops-lint: ignore[SEC001]` would,
/// on its line or, alone on a line, the next one; a rule list without the
/// hardcoded-credential rules (G101, B105–B107) does not.
fn foreign_secret_allows(file: &SourceFile) -> Vec<InlineIgnore> {
    const NEEDLES: &[&str] = &[
        "gitleaks:allow",
        "pragma: allowlist",
        "trufflehog:ignore",
        "nosec",
        "nolint:",
        "checkov:skip=",
    ];
    let text = &file.text;
    let mut ignores: Vec<InlineIgnore> = Vec::new();
    for needle in NEEDLES {
        let mut from = 0;
        while let Some(found) = text.get(from..).and_then(|rest| rest.find(needle)) {
            let at = from + found;
            from = at + needle.len();
            let line0 = file.line_index().line_of(at as u32);
            let range = file.line_index().line_range(line0, text);
            let Some(line) = text.get(range.clone()) else {
                continue;
            };
            let offset = at - range.start;
            let Some(comment) = comment_start(line).filter(|&c| c < offset) else {
                continue;
            };
            let rest = line.get(offset..).unwrap_or("");
            let Some((marker, next_line)) = foreign_marker(line, offset, rest) else {
                continue;
            };
            let alone = line
                .get(..comment)
                .is_some_and(|code| code.trim().is_empty());
            ignores.push(InlineIgnore {
                line: line0 as u32 + 1,
                comment_only: alone || next_line,
                file_level: false,
                rules: vec!["SEC001".to_string()],
                until: None,
                reason: Some(format!("`{marker}`, another scanner's allow marker")),
                span: Span::new(at, range.end),
                foreign: true,
            });
        }
    }
    // One per line, the first needle's (a stable sort keeps needle order): linear
    // however many markers a hostile file repeats.
    ignores.sort_by_key(|i| i.line);
    ignores.dedup_by_key(|i| i.line);
    ignores
}

/// The marker at `rest` (`offset` into `line`), if it is one: its name and
/// whether it speaks for the next line.
fn foreign_marker(line: &str, offset: usize, rest: &str) -> Option<(&'static str, bool)> {
    let word_end = |s: &str| s.is_empty() || s.starts_with(|c: char| !c.is_ascii_alphanumeric());
    if rest.starts_with("gitleaks:allow") {
        return Some(("gitleaks:allow", false));
    }
    if rest.starts_with("trufflehog:ignore") {
        return Some(("trufflehog:ignore", false));
    }
    // `checkov:skip=CKV_SECRET_6:reason`: checkov's secret checks only.
    if let Some(id) = rest.strip_prefix("checkov:skip=CKV_SECRET_") {
        return id
            .starts_with(|c: char| c.is_ascii_digit())
            .then_some(("checkov:skip=CKV_SECRET", false));
    }
    if let Some(after) = rest.strip_prefix("pragma: allowlist") {
        let after = after.trim_start();
        if after.starts_with("nextline secret") {
            return Some(("pragma: allowlist nextline secret", true));
        }
        return after
            .starts_with("secret")
            .then_some(("pragma: allowlist secret", false));
    }
    if let Some(after) = rest.strip_prefix("nosec") {
        let before = line.get(..offset).unwrap_or("").trim_end();
        if !word_end(after) || !before.ends_with('#') {
            return None;
        }
        // `#nosec G104`: other rules only; `#nosec`, `#nosec G101`: this one.
        let listed: Vec<&str> = after
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| {
                w.len() == 4
                    && w.starts_with(['G', 'B'])
                    && w.bytes().skip(1).all(|b| b.is_ascii_digit())
            })
            .collect();
        let covers = listed.is_empty()
            || listed
                .iter()
                .any(|w| matches!(*w, "G101" | "B105" | "B106" | "B107"));
        return covers.then_some(("nosec", false));
    }
    if let Some(after) = rest.strip_prefix("nolint:") {
        let linters = after
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()?;
        return linters
            .split(',')
            .any(|l| l.trim() == "gosec")
            .then_some(("nolint:gosec", false));
    }
    None
}

/// Position of the first comment marker in `line`.
fn comment_start(line: &str) -> Option<usize> {
    ["#", "//", "/*"].iter().filter_map(|m| line.find(m)).min()
}

/// Applies a file's ignores to its findings. `blocks` are (first line, last line)
/// of the blocks the parser saw (HCL blocks, YAML entries, multi-line instructions).
/// Returns problems with the ignores themselves; `ran` says whether a rule ran
/// on this file (an ignore for a rule that did not run is not "unused").
pub(crate) fn apply(
    findings: &mut [Finding],
    ignores: &[InlineIgnore],
    blocks: &[(u32, u32)],
    today: &str,
    known: &dyn Fn(&str) -> bool,
    ran: &dyn Fn(&str) -> bool,
) -> Vec<IgnoreProblem> {
    let mut problems = Vec::new();
    for ignore in ignores {
        if ignore.file_level && ignore.line > FILE_IGNORE_MAX_LINE {
            problems.push(IgnoreProblem {
                line: ignore.line,
                message: format!(
                    "`ignore-file` must be within the first {FILE_IGNORE_MAX_LINE} lines; this one has no effect"
                ),
            });
            continue;
        }
        if let Some(until) = &ignore.until {
            if !is_iso_date(until) {
                problems.push(IgnoreProblem {
                    line: ignore.line,
                    message: format!(
                        "`until={until}` is not a date (use YYYY-MM-DD); the ignore has no effect"
                    ),
                });
                continue;
            }
        }
        for rule in &ignore.rules {
            if !known(rule) {
                problems.push(IgnoreProblem {
                    line: ignore.line,
                    message: format!("ignore names an unknown rule `{rule}`"),
                });
            }
        }
        if ignore.is_expired(today) {
            continue;
        }
        let target = ignore.target_line();
        let block_end = blocks
            .iter()
            .filter(|(start, _)| *start == target)
            .map(|(_, end)| *end)
            .max()
            .unwrap_or(target);
        let mut used = false;
        for finding in findings.iter_mut() {
            if finding.suppression.is_some() {
                continue;
            }
            if !ignore.rules.iter().any(|r| finding.rule.matches(r)) {
                continue;
            }
            let line = finding.location.start.line;
            let covered = ignore.file_level || (target..=block_end).contains(&line);
            if covered {
                finding.suppression = Some(Suppression {
                    kind: "inline",
                    reason: ignore.reason.clone(),
                });
                used = true;
            }
        }
        if !used && !ignore.foreign && ignore.rules.iter().all(|r| known(r) && ran(r)) {
            problems.push(IgnoreProblem {
                line: ignore.line,
                message: format!(
                    "unused ignore: no {} finding here any more; remove the comment",
                    ignore.rules.join(", ")
                ),
            });
        }
    }
    problems
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Today's date as `YYYY-MM-DD` (UTC). Debug builds (what the tests run) take a fixed
/// date from `DEVOPS_LINT_TODAY` when it is one; release builds ignore it, so nothing
/// in a CI environment can move when an `until=` ignore expires.
pub(crate) fn today() -> String {
    if cfg!(debug_assertions) {
        if let Some(fixed) = std::env::var("DEVOPS_LINT_TODAY")
            .ok()
            .filter(|d| is_iso_date(d))
        {
            return fixed;
        }
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileKind;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("main.tf".into(), FileKind::Terraform, text.into())
    }

    #[test]
    fn other_scanners_allow_markers_cover_sec001() {
        let text = "a = 1 // nolint:lll,gosec\n\
                    b = 2 #nosec G104\n\
                    c = 3 # nosec B106 reviewed\n\
                    d = \"gitleaks:allow\"\n\
                    # pragma: allowlist nextline secret\n\
                    e = 5\n\
                    f = 6 // nosecurity\n";
        let found: Vec<(u32, u32, bool)> = scan(&file(text))
            .iter()
            .map(|i| (i.line, i.target_line(), i.foreign))
            .collect();
        assert_eq!(found, vec![(1, 1, true), (3, 3, true), (5, 6, true)]);
        let ignores = scan(&file(text));
        assert!(ignores.iter().all(|i| i.rules == ["SEC001"]));
    }

    #[test]
    fn checkov_secret_skips_cover_sec001() {
        let text = "  # checkov:skip=CKV_SECRET_6:Base64 High Entropy String\n\
                    p: kiwi-1s-aw3s0m3\n\
                    q: 1 # checkov:skip=CKV_AWS_20:public bucket\n\
                    r: 2 # checkov:skip=CKV_SECRET_2\n";
        let found: Vec<(u32, u32)> = scan(&file(text))
            .iter()
            .map(|i| (i.line, i.target_line()))
            .collect();
        assert_eq!(found, vec![(1, 2), (4, 4)]);
    }

    #[test]
    fn other_scanners_markers_give_one_ignore_per_line() {
        let text = "a = 1 # gitleaks:allow #nosec\n".repeat(2000);
        let ignores = scan(&file(&text));
        assert_eq!(ignores.len(), 2000);
        assert!(ignores
            .iter()
            .all(|i| i.reason.as_deref().is_some_and(|r| r.contains("gitleaks"))));
    }

    #[test]
    fn finds_directives_after_comment_markers_only() {
        let f = file(
            "a = 1 # devops-lint: ignore[SEC007] bastion only\n\
             // devops-lint: ignore[open-admin-port, SEC022] until=2027-03-31 temp\n\
             b = \"devops-lint: ignore[SEC001]\"\n\
             /* devops-lint: ignore-file[SEC001] fixtures */\n",
        );
        let found = scan(&f);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].line, 1);
        assert!(!found[0].comment_only);
        assert_eq!(found[0].reason.as_deref(), Some("bastion only"));
        assert_eq!(found[1].rules, vec!["open-admin-port", "SEC022"]);
        assert_eq!(found[1].until.as_deref(), Some("2027-03-31"));
        assert!(found[1].comment_only);
        assert_eq!(found[1].target_line(), 3);
        assert!(found[2].file_level);
        assert_eq!(found[2].reason.as_deref(), Some("fixtures"));
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_000), (2024, 10, 4));
    }
}
