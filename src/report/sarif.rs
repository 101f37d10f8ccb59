//! SARIF 2.1.0 for GitHub code scanning. Tool problems (unparsable or
//! unreadable files) go to `toolExecutionNotifications`, never to `results`.

use serde_json::{json, Map, Value};

use super::RenderOptions;
use crate::engine::ScanResult;
use crate::finding::{Finding, Location};
use crate::rule::{Pillar, RuleMeta, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const FINGERPRINT_KEY: &str = "devopsLint/v1";

pub fn render(result: &ScanResult, opts: &RenderOptions) -> String {
    let mut text = serde_json::to_string_pretty(&to_value(result, opts)).unwrap_or_default();
    text.push('\n');
    text
}

pub fn level(severity: Severity) -> &'static str {
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

fn rule_value(meta: &RuleMeta) -> Value {
    let markdown = meta.docs_markdown();
    let mut tags = vec![
        meta.pillar.code().to_ascii_lowercase(),
        format!("stage:{}", meta.stage.as_str()),
    ];
    if meta.pillar == Pillar::Sec {
        tags.push("security".into());
    }
    let mut properties = Map::new();
    properties.insert("tags".into(), json!(tags));
    properties.insert("precision".into(), json!("high"));
    if let Some(s) = security_severity(meta) {
        properties.insert("security-severity".into(), json!(s));
    }
    let mut rule = json!({
        "id": meta.id,
        "name": meta.name,
        "shortDescription": { "text": meta.summary },
        "fullDescription": { "text": plain_text(&markdown) },
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
pub fn uri_path(path: &str) -> String {
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

fn result_value(f: &Finding, rule_index: usize) -> Value {
    let mut value = json!({
        "ruleId": f.rule.id,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": [{ "physicalLocation": physical_location(&f.location) }],
        "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint },
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

pub fn to_value(result: &ScanResult, opts: &RenderOptions) -> Value {
    let rules: Vec<&RuleMeta> = result.rules.to_vec();
    let rule_values: Vec<Value> = rules.iter().map(|m| rule_value(m)).collect();
    let results: Vec<Value> = result
        .findings
        .iter()
        .map(|f| {
            let index = rules.iter().position(|m| m.id == f.rule.id).unwrap_or(0);
            result_value(f, index)
        })
        .collect();
    let notifications: Vec<Value> = result
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
    if let Some(card) = crate::readiness::of(result) {
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
