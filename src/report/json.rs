//! Machine-readable output; the schema is documented in docs/json-output.md.
//! No timings or absolute paths, so two runs give identical bytes.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::engine::ScanResult;
use crate::finding::{Finding, Fix, ToolDiagnostic};
use crate::readiness::Readiness;
use crate::rule::Severity;

/// Bumped when a field changes meaning or disappears (additions keep it).
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// The JSON report of `result`, its readiness card computed here (tests call this
/// directly; `report::render` passes the card it computed once).
pub fn render(result: &ScanResult) -> String {
    render_with(result, crate::readiness::of(result).as_ref())
}

pub(crate) fn render_with(result: &ScanResult, card: Option<&Readiness>) -> String {
    // NOTE: findings are serialized straight from borrowed structs (a `Value` per
    // finding was 8% of a scan's CPU); the bytes are the same as `to_value`'s
    // because the fields are declared in the sorted order of `Value`'s maps.
    let report = Report {
        errors: result.diagnostics.iter().map(diagnostic_value).collect(),
        findings: result.findings.iter().map(FindingOut::new).collect(),
        readiness: card.map(Readiness::to_json),
        stage: result.stage.as_str(),
        summary: summary_value(result),
        tool: json!({ "name": "devops-lint", "version": env!("CARGO_PKG_VERSION") }),
        version: SCHEMA_VERSION,
    };
    let mut out = Vec::with_capacity(1024 + 700 * result.findings.len());
    let _ = serde_json::to_writer_pretty(&mut out, &report);
    out.push(b'\n');
    String::from_utf8(out).unwrap_or_default()
}

/// The document `to_value` builds, with borrowed findings. Fields in sorted order.
#[derive(serde::Serialize)]
struct Report<'a> {
    errors: Vec<Value>,
    findings: Vec<FindingOut<'a>>,
    readiness: Option<Value>,
    stage: &'a str,
    summary: Value,
    tool: Value,
    version: u32,
}

/// `finding_value` as a struct. Fields in sorted order.
#[derive(serde::Serialize)]
struct FindingOut<'a> {
    column: u32,
    end_column: u32,
    end_line: u32,
    fingerprint: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<Value>,
    help: Option<&'a str>,
    labels: Vec<LabelOut<'a>>,
    line: u32,
    message: &'a str,
    path: &'a str,
    pillar: &'static str,
    rule_id: &'static str,
    rule_name: &'static str,
    severity: &'static str,
    stage: &'static str,
    suppressed: Option<SuppressedOut<'a>>,
}

#[derive(serde::Serialize)]
struct LabelOut<'a> {
    column: u32,
    end_column: u32,
    end_line: u32,
    line: u32,
    message: &'a str,
    path: &'a str,
}

#[derive(serde::Serialize)]
struct SuppressedOut<'a> {
    kind: &'static str,
    reason: Option<&'a str>,
}

impl<'a> FindingOut<'a> {
    fn new(f: &'a Finding) -> Self {
        let loc = &f.location;
        FindingOut {
            column: loc.start.column,
            end_column: loc.end.column,
            end_line: loc.end.line,
            fingerprint: &f.fingerprint,
            fix: f.fix.as_ref().map(fix_value),
            help: f.help.as_deref(),
            labels: f
                .labels
                .iter()
                .map(|l| LabelOut {
                    column: l.location.start.column,
                    end_column: l.location.end.column,
                    end_line: l.location.end.line,
                    line: l.location.start.line,
                    message: &l.message,
                    path: &l.location.path,
                })
                .collect(),
            line: loc.start.line,
            message: &f.message,
            path: &loc.path,
            pillar: f.rule.pillar.code(),
            rule_id: f.rule.id,
            rule_name: f.rule.name,
            severity: f.severity.as_str(),
            stage: f.rule.stage.as_str(),
            suppressed: f.suppression.as_ref().map(|s| SuppressedOut {
                kind: s.kind,
                reason: s.reason.as_deref(),
            }),
        }
    }
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

/// A finding's fix: how safe, what, where, and its byte-span edits of the file as scanned.
pub(crate) fn fix_value(fix: &Fix) -> Value {
    json!({
        "safety": fix.safety.as_str(),
        "description": fix.description,
        "path": fix.path,
        "creates": fix.creates,
        "edits": fix.edits.iter().map(|e| json!({
            "start": e.start,
            "end": e.end,
            "content": e.content,
        })).collect::<Vec<_>>(),
    })
}

pub(crate) fn finding_value(f: &Finding) -> Value {
    let loc = &f.location;
    let mut value = json!({
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
    });
    if let Some(fix) = &f.fix {
        value["fix"] = fix_value(fix);
    }
    value
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
