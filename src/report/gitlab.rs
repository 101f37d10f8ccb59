//! GitLab Code Quality (`--format gitlab`): a JSON array of issues in the Code
//! Climate subset GitLab reads from `artifacts: reports: codequality`, so merge
//! requests show the findings. Suppressed findings are left out (GitLab has no
//! notion of them).

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::engine::ScanResult;
use crate::finding::Finding;
use crate::rule::Severity;

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: String,
    description: &'a str,
    categories: [&'static str; 1],
    severity: &'static str,
    fingerprint: String,
    location: IssueLocation<'a>,
}

#[derive(Serialize)]
struct IssueLocation<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

pub(crate) fn render(result: &ScanResult) -> String {
    let issues: Vec<Issue> = result.active_findings().map(issue).collect();
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_string());
    out.push('\n');
    out
}

/// Code Climate's scale: info, minor, major, critical, blocker.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Note => "minor",
    }
}

fn issue(f: &Finding) -> Issue<'_> {
    let loc = &f.location;
    // GitLab compares fingerprints between the base and the merge request: the
    // finding's own fingerprint is stable across unrelated edits; hashed so it
    // has the fixed-width hex form GitLab's examples use.
    let fingerprint = Sha256::digest(f.fingerprint.as_bytes())
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    Issue {
        kind: "issue",
        check_name: format!("{} {}", f.rule.id, f.rule.name),
        description: &f.message,
        categories: [if f.rule.pillar.code() == "SEC" {
            "Security"
        } else {
            "Bug Risk"
        }],
        severity: severity(f.severity),
        fingerprint,
        location: IssueLocation {
            // A repo-wide finding has no file: GitLab needs a path, the root's is `.`.
            path: if loc.is_root() { "." } else { &loc.path },
            lines: Lines {
                begin: loc.start.line,
                end: loc.end.line.max(loc.start.line),
            },
        },
    }
}
