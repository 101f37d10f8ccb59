//! SARIF 2.1.0 for GitHub code scanning. Tool problems (unparsable or
//! unreadable files) go to `toolExecutionNotifications`, never to `results`.
//!
//! Within GitHub's limits: suppressed findings are left out unless asked for
//! (GitHub ignores `suppressions` and would open them as alerts), at most
//! [`MAX_RESULTS`] results (the most severe), `fullDescription` at most
//! [`MAX_FULL_DESCRIPTION`] characters, and `primaryLocationLineHash` on every result
//! (GitHub tracks alerts by it alone).

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::{RenderOptions, Sanitizer};
use crate::engine::ScanResult;
use crate::finding::{Finding, Fix, Location};
use crate::readiness::Readiness;
use crate::rule::{Pillar, RuleMeta, Severity};
use crate::source::SourceFile;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const FINGERPRINT_KEY: &str = "devopsLint/v1";
/// The key GitHub code scanning tracks alerts by.
const GITHUB_FINGERPRINT_KEY: &str = "primaryLocationLineHash";
/// GitHub code scanning's limit on results per run.
pub(crate) const MAX_RESULTS: usize = 25_000;
/// GitHub code scanning's limit on a rule's `fullDescription`, in characters.
pub(crate) const MAX_FULL_DESCRIPTION: usize = 1_024;
/// GitHub code scanning rejects a SARIF upload larger than this, gzipped.
pub(crate) const UPLOAD_LIMIT_GZIPPED: usize = 10 * 1024 * 1024;

/// Renders `result`, a sanitised view (see [`super::sanitize`]); `clean` sanitises the
/// rule table's texts (plugin rules' docs).
pub(crate) fn render(
    result: &ScanResult,
    card: Option<&Readiness>,
    opts: &RenderOptions,
    clean: &Sanitizer,
) -> String {
    let mut text =
        serde_json::to_string_pretty(&to_value(result, card, opts, clean)).unwrap_or_default();
    text.push('\n');
    text
}

/// A warning when the SARIF `text` gets close to GitHub's upload limit (at least 80%
/// of [`UPLOAD_LIMIT_GZIPPED`] once gzipped). Only a text at least that long can be
/// (deflate barely grows incompressible text), so only such a text is compressed to
/// measure: what `github/codeql-action/upload-sarif` would send, give or take the
/// gzip header.
pub(crate) fn size_warning(text: &str) -> Option<String> {
    let threshold = UPLOAD_LIMIT_GZIPPED / 10 * 8;
    if text.len() < threshold {
        return None;
    }
    let gzipped = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 6).len() + 18;
    (gzipped >= threshold).then(|| {
        format!(
            "the SARIF is {:.1} MB gzipped; GitHub code scanning rejects uploads over {} MB \
             gzipped: narrow the scan (--select, --stage, exclude) or split it by category",
            gzipped as f64 / 1_048_576.0,
            UPLOAD_LIMIT_GZIPPED / 1_048_576
        )
    })
}

/// GitHub's `problem.severity`, for rules without a `security-severity`.
fn problem_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "recommendation",
    }
}

/// `text` cut to at most `max` characters, at a word where possible, with `…`.
fn truncate_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let at_word = match cut.rfind(char::is_whitespace) {
        Some(i) if i > cut.len() / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", at_word.trim_end())
}

/// The docs' "What it checks" section as plain text (the whole docs if it has none).
fn what_it_checks(markdown: &str) -> String {
    let mut section = Vec::new();
    let mut inside = false;
    for line in markdown.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            if inside {
                break;
            }
            inside = heading.trim().eq_ignore_ascii_case("what it checks");
            continue;
        }
        if inside {
            section.push(line);
        }
    }
    if section.iter().all(|l| l.trim().is_empty()) {
        return plain_text(markdown);
    }
    plain_text(&section.join("\n"))
}

pub(crate) fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn security_severity(meta: &RuleMeta) -> Option<&'static str> {
    (meta.pillar == Pillar::Sec).then_some(match meta.severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.5",
        Severity::Note => "3.0",
    })
}

/// The rule's docs as plain text: the markdown minus fences and heading marks.
fn plain_text(markdown: &str) -> String {
    markdown
        .lines()
        .filter(|l| !l.trim_start().starts_with("```"))
        .map(|l| l.trim_start_matches('#').trim_start())
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

fn rule_value(meta: &RuleMeta, clean: &Sanitizer) -> Value {
    let markdown = clean.text(&meta.docs_markdown());
    let mut tags = vec![
        meta.pillar.code().to_ascii_lowercase(),
        format!("stage:{}", meta.stage.as_str()),
    ];
    if meta.pillar == Pillar::Sec {
        tags.push("security".into());
    }
    let mut properties = Map::new();
    properties.insert("tags".into(), json!(tags));
    properties.insert("precision".into(), json!(meta.precision.as_str()));
    match security_severity(meta) {
        Some(s) => {
            properties.insert("security-severity".into(), json!(s));
        }
        None => {
            properties.insert(
                "problem.severity".into(),
                json!(problem_severity(meta.severity)),
            );
        }
    }
    let mut rule = json!({
        "id": meta.id,
        "name": meta.name,
        "shortDescription": { "text": clean.line(meta.summary) },
        "fullDescription": {
            "text": truncate_chars(&what_it_checks(&markdown), MAX_FULL_DESCRIPTION)
        },
        "help": { "text": plain_text(&markdown), "markdown": markdown },
        "defaultConfiguration": { "level": level(meta.severity) },
        "properties": properties,
    });
    let url = meta.docs_url();
    if !url.is_empty() {
        rule["helpUri"] = json!(url);
    }
    rule
}

fn physical_location(loc: &Location) -> Value {
    if loc.is_root() {
        // NOTE: a repo-wide gap with no better file: the root, no region.
        return json!({
            "artifactLocation": { "uri": "./", "uriBaseId": "%SRCROOT%" },
        });
    }
    let end = if loc.end > loc.start {
        loc.end
    } else {
        crate::source::LineCol {
            line: loc.start.line,
            column: loc.start.column + 1,
        }
    };
    json!({
        "artifactLocation": { "uri": uri_path(&loc.path), "uriBaseId": "%SRCROOT%" },
        "region": {
            "startLine": loc.start.line,
            "startColumn": loc.start.column,
            "endLine": end.line,
            "endColumn": end.column,
        },
    })
}

/// Percent-encodes what a relative URI reference cannot hold.
pub(crate) fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A SARIF `fix`: one `artifactChange` with a `replacement` per edit. Each deleted
/// region gives both its line/column (code points, as `columnKind` says) and its byte
/// offset and length; an insertion is a region of length 0.
fn fix_value(fix: &Fix, source: Option<&SourceFile>) -> Value {
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .map(|e| {
            let (start, end) = match source {
                Some(file) if !fix.creates => (file.line_col(e.start), file.line_col(e.end)),
                _ => {
                    let first = crate::source::LineCol { line: 1, column: 1 };
                    (first, first)
                }
            };
            json!({
                "deletedRegion": {
                    "startLine": start.line,
                    "startColumn": start.column,
                    "endLine": end.line,
                    "endColumn": end.column,
                    "byteOffset": e.start,
                    "byteLength": e.end - e.start,
                },
                "insertedContent": { "text": e.content },
            })
        })
        .collect();
    json!({
        "description": { "text": format!("{} ({})", fix.description, fix.safety.as_str()) },
        "artifactChanges": [{
            "artifactLocation": { "uri": uri_path(&fix.path), "uriBaseId": "%SRCROOT%" },
            "replacements": replacements,
        }],
    })
}

/// `occurrence` numbers findings sharing a fingerprint (1, 2, ...), as GitHub's own
/// `primaryLocationLineHash` does, so none is merged into another.
fn result_value(f: &Finding, rule_index: usize, occurrence: usize) -> Value {
    let mut value = json!({
        "ruleId": f.rule.id,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": [{ "physicalLocation": physical_location(&f.location) }],
        "partialFingerprints": {
            FINGERPRINT_KEY: f.fingerprint,
            GITHUB_FINGERPRINT_KEY: format!("{}:{occurrence}", f.fingerprint),
        },
    });
    if !f.labels.is_empty() {
        value["relatedLocations"] = json!(f
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| json!({
                "id": i,
                "message": { "text": l.message },
                "physicalLocation": physical_location(&l.location),
            }))
            .collect::<Vec<_>>());
    }
    if let Some(s) = &f.suppression {
        let kind = if s.kind == "inline" {
            "inSource"
        } else {
            "external"
        };
        let mut suppression = json!({ "kind": kind, "status": "accepted" });
        if let Some(reason) = &s.reason {
            suppression["justification"] = json!(reason);
        }
        value["suppressions"] = json!([suppression]);
    }
    value
}

/// The findings SARIF reports: suppressed ones only when asked for; at most
/// [`MAX_RESULTS`], the most severe first chosen, in the scan's order. Also how many
/// were left out for the limit.
fn reported<'a>(result: &'a ScanResult, opts: &RenderOptions) -> (Vec<&'a Finding>, usize) {
    let mut chosen: Vec<(usize, &Finding)> = result
        .findings
        .iter()
        .filter(|f| opts.sarif_suppressed || !f.is_suppressed())
        .enumerate()
        .collect();
    let over = chosen.len().saturating_sub(MAX_RESULTS);
    if over > 0 {
        // Stable: among equals, the scan's order decides.
        chosen.sort_by_key(|(_, f)| (f.is_suppressed(), std::cmp::Reverse(f.severity)));
        chosen.truncate(MAX_RESULTS);
        chosen.sort_by_key(|(i, _)| *i);
    }
    (chosen.into_iter().map(|(_, f)| f).collect(), over)
}

pub(crate) fn to_value(
    result: &ScanResult,
    card: Option<&Readiness>,
    opts: &RenderOptions,
    clean: &Sanitizer,
) -> Value {
    let rules: Vec<&RuleMeta> = result.rules.to_vec();
    let rule_values: Vec<Value> = rules.iter().map(|m| rule_value(m, clean)).collect();
    let rule_index: HashMap<&str, usize> =
        rules.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
    let (findings, left_out) = reported(result, opts);
    let mut occurrences: HashMap<&str, usize> = HashMap::new();
    let results: Vec<Value> = findings
        .into_iter()
        .map(|f| {
            let index = rule_index.get(f.rule.id).copied().unwrap_or(0);
            let occurrence = occurrences.entry(f.fingerprint.as_str()).or_default();
            *occurrence += 1;
            let mut value = result_value(f, index, *occurrence);
            if let Some(fix) = &f.fix {
                let source = result.sources.get(&fix.path).map(|s| s.as_ref());
                value["fixes"] = json!([fix_value(fix, source)]);
            }
            value
        })
        .collect();
    let mut notifications: Vec<Value> = result
        .diagnostics
        .iter()
        .map(|d| {
            json!({
                "level": if d.level == "error" { "error" } else { "warning" },
                "message": { "text": d.message },
                "descriptor": { "id": d.kind },
                "locations": [{ "physicalLocation": physical_location(&d.location) }],
            })
        })
        .collect();
    if left_out > 0 {
        notifications.push(json!({
            "level": "warning",
            "message": { "text": format!(
                "{left_out} results left out: GitHub code scanning accepts at most \
                 {MAX_RESULTS} per run; the most severe are kept (the JSON report has them all)"
            ) },
            "descriptor": { "id": "result-limit" },
        }));
    }
    // No absolute path unless asked for: the output stays the same on every machine.
    let mut srcroot = json!({ "description": { "text": "The root of the scanned repository." } });
    if let Some(uri) = &opts.sarif_srcroot {
        srcroot["uri"] = json!(uri);
    }
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "devops-lint",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/devops-lint/devops-lint",
                "rules": rule_values,
            }
        },
        "originalUriBaseIds": { "%SRCROOT%": srcroot },
        "columnKind": "unicodeCodePoints",
        "invocations": [{
            "executionSuccessful": true,
            "toolExecutionNotifications": notifications,
        }],
        "results": results,
    });
    if let Some(card) = card {
        run["properties"] = json!({ "readiness": card.to_json() });
    }
    if let Some(category) = &opts.sarif_category {
        let id = if category.ends_with('/') {
            category.clone()
        } else {
            format!("{category}/")
        };
        run["automationDetails"] = json!({ "id": id });
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_warning_near_the_upload_limit_only() {
        assert_eq!(size_warning("{}"), None);
        // Incompressible text over 80% of the limit gzipped.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let noisy: String = (0..11 * 1024 * 1024)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(b'!' + (x % 90) as u8)
            })
            .collect();
        let warning = size_warning(&noisy).expect("a warning");
        assert!(warning.contains("10 MB gzipped"), "{warning}");
        // Large but repetitive: small once gzipped, no warning.
        assert_eq!(size_warning(&"a".repeat(9 * 1024 * 1024)), None);
    }

    #[test]
    fn long_text_is_cut_within_the_limit() {
        let long = "word ".repeat(400);
        let cut = truncate_chars(&long, MAX_FULL_DESCRIPTION);
        assert!(cut.chars().count() <= MAX_FULL_DESCRIPTION);
        assert!(cut.ends_with("word…"), "{cut}");
        assert_eq!(truncate_chars("short", MAX_FULL_DESCRIPTION), "short");
    }
}
