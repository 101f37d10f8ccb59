//! GitHub-flavoured markdown: the readiness card and the findings, for a job
//! summary (`$GITHUB_STEP_SUMMARY`) or a pull-request comment. Findings are
//! grouped per file in collapsible sections. Messages never hold secrets (rules
//! redact them), and no snippet is printed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::readiness::{grid, next_steps, reason_text};
use super::Sanitizer;
use crate::engine::ScanResult;
use crate::finding::Finding;
use crate::readiness::{Readiness, Status};
use crate::rule::{Severity, Stage};

/// Escapes text for a table cell or a line: no pipes, no HTML, one line. The text
/// comes sanitised (see [`super::sanitize`]); the `\` the sanitiser puts before a
/// `::` is escaped like any other and renders as written.
fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\n', '\r'], " ")
}

/// Renders `result`, a sanitised view; `clean` sanitises plugin rules' summaries.
pub(crate) fn render(result: &ScanResult, card: Option<&Readiness>, clean: &Sanitizer) -> String {
    let mut out = String::new();
    match card {
        Some(card) => card_md(&mut out, card, clean),
        None => out.push_str("## devops-lint\n\nRepo rules and the readiness card were skipped (file-list mode; pass `--repo-rules`).\n"),
    }
    findings_md(&mut out, result);
    out
}

fn card_md(out: &mut String, card: &Readiness, clean: &Sanitizer) {
    let _ = writeln!(
        out,
        "## devops-lint readiness: {} reached (target: {})\n",
        match card.reached {
            Some(s) => format!("**{s}**"),
            None => "**no stage**".to_string(),
        },
        card.target
    );
    out.push_str("| pillar | seed | growth | scale |\n|---|---:|---:|---:|\n");
    for (pillar, cells) in grid(card) {
        match pillar {
            Some(p) => {
                let _ = write!(out, "| {} ({}) |", p.title(), p.code());
                for cell in cells {
                    let _ = write!(out, " {cell} |");
                }
            }
            None => {
                out.push_str("| **all** |");
                for cell in cells {
                    let _ = write!(out, " **{cell}** |");
                }
            }
        }
        out.push('\n');
    }
    out.push_str(
        "\nRules passed out of those that apply (applicable = passed + failed + attested).\n\n",
    );
    for stage in Stage::ALL {
        let failing = card.failing_at(stage);
        if failing.is_empty() {
            let _ = writeln!(out, "- **{stage}**: no failing rule");
        } else {
            let ids: Vec<String> = failing.iter().map(|r| format!("`{}`", r.rule.id)).collect();
            let _ = writeln!(
                out,
                "- **{stage}**: {} failing ({})",
                failing.len(),
                ids.join(", ")
            );
        }
    }
    if !card.next_steps.is_empty() {
        out.push_str("\n**Next steps** (the talk's order: low-hanging fruit first)\n\n");
        for (n, r, at) in next_steps(card) {
            let _ = writeln!(
                out,
                "{}. `{}` {} ({}): {}{}",
                n,
                r.rule.id,
                r.rule.name,
                r.rule.stage,
                esc(&clean.line(r.rule.summary)),
                at.map(|a| format!(" at `{}`", esc(&a))).unwrap_or_default()
            );
        }
    }
    let attested: Vec<_> = card.of_status(Status::Attested).collect();
    if !attested.is_empty() {
        let _ = writeln!(
            out,
            "\n<details><summary>Attested ({}), not counted as passed</summary>\n",
            attested.len()
        );
        for r in attested {
            if let Some(a) = &r.attested {
                let _ = writeln!(
                    out,
                    "- `{}` {}: {}: {}",
                    r.rule.id,
                    r.rule.name,
                    reason_text(a),
                    esc(&a.note)
                );
            }
        }
        out.push_str("\n</details>\n");
    }
    let inconclusive: Vec<_> = card.of_status(Status::Inconclusive).collect();
    if !inconclusive.is_empty() {
        let _ = writeln!(
            out,
            "\n<details><summary>Inconclusive ({}), not counted</summary>\n",
            inconclusive.len()
        );
        for r in inconclusive {
            let _ = writeln!(
                out,
                "- `{}` {}: {}",
                r.rule.id,
                r.rule.name,
                esc(r.reason.as_deref().unwrap_or(""))
            );
        }
        out.push_str("\n</details>\n");
    }
    let advice: Vec<_> = card.of_status(Status::Advice).collect();
    if !advice.is_empty() {
        let _ = writeln!(
            out,
            "\n<details><summary>Advice ({}), notes not counted as failures</summary>\n",
            advice.len()
        );
        for r in advice {
            let _ = writeln!(
                out,
                "- `{}` {}: {}",
                r.rule.id,
                r.rule.name,
                esc(r.message.as_deref().unwrap_or(r.rule.summary))
            );
        }
        out.push_str("\n</details>\n");
    }
    let _ = writeln!(
        out,
        "\n<details><summary>Every rule ({})</summary>\n",
        card.rules.len()
    );
    out.push_str("| rule | stage | status | why |\n|---|---|---|---|\n");
    for r in &card.rules {
        let why = r
            .reason
            .clone()
            .or_else(|| r.attested.as_ref().map(|a| a.note.clone()))
            .or_else(|| r.message.clone())
            .or_else(|| r.detail.clone())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| `{}` {} | {} | {} | {} |",
            r.rule.id,
            r.rule.name,
            r.rule.stage,
            r.status.as_str(),
            esc(&why)
        );
    }
    out.push_str("\n</details>\n");
}

fn findings_md(out: &mut String, result: &ScanResult) {
    let active: Vec<&Finding> = result.active_findings().collect();
    let _ = writeln!(
        out,
        "\n## Findings at stage {}: {} errors, {} warnings, {} notes ({} suppressed)\n",
        result.stage,
        result.count(Severity::Error),
        result.count(Severity::Warning),
        result.count(Severity::Note),
        result.suppressed_count()
    );
    if active.is_empty() {
        out.push_str("No findings.\n");
        return;
    }
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in active {
        by_file.entry(f.location.path.as_str()).or_default().push(f);
    }
    for (path, findings) in by_file {
        let name = if path.is_empty() {
            "(repository root)".to_string()
        } else {
            format!("<code>{}</code>", esc(path))
        };
        let _ = writeln!(
            out,
            "<details><summary>{name} ({})</summary>\n",
            findings.len()
        );
        out.push_str("| line | severity | rule | message |\n|---:|---|---|---|\n");
        for f in findings {
            let line = if f.location.is_root() {
                "-".to_string()
            } else {
                format!("{}:{}", f.location.start.line, f.location.start.column)
            };
            let _ = writeln!(
                out,
                "| {line} | {} | `{}` {} | {} |",
                f.severity,
                f.rule.id,
                f.rule.name,
                esc(&f.message)
            );
        }
        out.push_str("\n</details>\n\n");
    }
}
