//! Machine-readable output; the schema is documented in docs/json-output.md.
//! No timings or absolute paths, so two runs give identical bytes.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::engine::{ScanResult, ToolDiagnostic};
use crate::finding::Finding;
use crate::rule::Severity;

/// Bumped when a field changes meaning or disappears (additions keep it).
pub const SCHEMA_VERSION: u32 = 1;

pub fn render(result: &ScanResult) -> String {
    let mut text = serde_json::to_string_pretty(&to_value(result)).unwrap_or_default();
    text.push('\n');
    text
}

pub fn to_value(result: &ScanResult) -> Value {
    let findings: Vec<Value> = result.findings.iter().map(finding_value).collect();
    let errors: Vec<Value> = result.diagnostics.iter().map(diagnostic_value).collect();
    json!({
        "version": SCHEMA_VERSION,
        "tool": { "name": "devops-lint", "version": env!("CARGO_PKG_VERSION") },
        "stage": result.stage.as_str(),
        "findings": findings,
        "errors": errors,
        "summary": summary_value(result),
        "readiness": crate::readiness::of(result).map(|r| r.to_json()),
    })
}

pub fn finding_value(f: &Finding) -> Value {
    let loc = &f.location;
    json!({
        "rule_id": f.rule.id,
        "rule_name": f.rule.name,
        "severity": f.severity.as_str(),
        "pillar": f.rule.pillar.code(),
        "stage": f.rule.stage.as_str(),
        "path": loc.path,
        "line": loc.start.line,
        "column": loc.start.column,
        "end_line": loc.end.line,
        "end_column": loc.end.column,
        "message": f.message,
        "help": f.help,
        "labels": f.labels.iter().map(|l| json!({
            "path": l.location.path,
            "line": l.location.start.line,
            "column": l.location.start.column,
            "end_line": l.location.end.line,
            "end_column": l.location.end.column,
            "message": l.message,
        })).collect::<Vec<_>>(),
        "fingerprint": f.fingerprint,
        "suppressed": f.suppression.as_ref().map(|s| json!({ "kind": s.kind, "reason": s.reason })),
    })
}

fn diagnostic_value(d: &ToolDiagnostic) -> Value {
    json!({
        "kind": d.kind,
        "level": d.level,
        "path": d.location.path,
        "line": d.location.start.line,
        "column": d.location.start.column,
        "message": d.message,
    })
}

fn summary_value(result: &ScanResult) -> Value {
    let mut skipped: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &result.skipped {
        *skipped.entry(s.reason.as_str()).or_default() += 1;
    }
    let by_kind: BTreeMap<&str, usize> = result
        .files_by_kind
        .iter()
        .map(|(k, n)| (k.as_str(), *n))
        .collect();
    json!({
        "files_scanned": result.files_scanned(),
        "files_by_kind": by_kind,
        "skipped": skipped,
        "skipped_files": result.skipped.iter().map(|s| json!({
            "path": s.path, "reason": s.reason.as_str(), "detail": s.detail,
        })).collect::<Vec<_>>(),
        "findings": {
            "error": result.count(Severity::Error),
            "warning": result.count(Severity::Warning),
            "note": result.count(Severity::Note),
        },
        "suppressed": result.suppressed_count(),
    })
}
