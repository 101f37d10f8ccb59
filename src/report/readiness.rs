//! The readiness card as plain text, at the end of the human output.

use std::fmt::Write as _;

use crate::config::Attestation;
use crate::facts::loc_string;
use crate::readiness::{Cell, Readiness, RuleStatus, Status, NEXT_STEPS};
use crate::rule::{Pillar, Stage};

/// `passed/applicable`, or `-` when nothing applies.
pub(crate) fn cell_text(passed: usize, applicable: usize) -> String {
    if applicable == 0 {
        "-".to_string()
    } else {
        format!("{passed}/{applicable}")
    }
}

/// The card's grid as cell texts: a row per pillar, then the totals (`None`), each with
/// a cell per stage.
pub(crate) fn grid(card: &Readiness) -> Vec<(Option<Pillar>, Vec<String>)> {
    let text = |c: &Cell| cell_text(c.passed, c.applicable());
    Pillar::ALL
        .into_iter()
        .map(|pillar| {
            let cells = Stage::ALL
                .iter()
                .map(|stage| text(&card.cells[&(pillar, *stage)]))
                .collect();
            (Some(pillar), cells)
        })
        .chain(std::iter::once((
            None,
            Stage::ALL
                .iter()
                .map(|stage| text(&card.totals[stage]))
                .collect(),
        )))
        .collect()
}

/// The next steps the card shows (at most [`NEXT_STEPS`]), numbered from 1, each with
/// where it points (`None` at the repo root or nowhere).
pub(crate) fn next_steps(
    card: &Readiness,
) -> impl Iterator<Item = (usize, &RuleStatus, Option<String>)> {
    card.next_steps
        .iter()
        .take(NEXT_STEPS)
        .enumerate()
        .map(|(i, r)| {
            let at = r
                .location
                .as_ref()
                .map(loc_string)
                .filter(|s| !s.is_empty());
            (i + 1, r, at)
        })
}

/// An attestation's reason as config spells it (`accepted-risk`).
pub(crate) fn reason_text(a: &Attestation) -> String {
    serde_json::to_value(a.reason)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn ids(rules: &[&RuleStatus]) -> String {
    rules
        .iter()
        .map(|r| r.rule.id)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The card as text. Its free text comes from a sanitised view (one line each);
/// `clean` sanitises plugin rules' summaries.
pub(crate) fn render(card: &Readiness, clean: &super::Sanitizer) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\nReadiness card (target stage: {})", card.target);
    let _ = writeln!(
        out,
        "  {:<17} {:>7} {:>7} {:>7}",
        "", "seed", "growth", "scale"
    );
    for (pillar, cells) in grid(card) {
        let _ = write!(out, "  {:<17}", pillar.map_or("all", Pillar::title));
        for cell in cells {
            let _ = write!(out, " {cell:>7}");
        }
        out.push('\n');
    }
    out.push_str("  (passed/applicable; applicable = passed + failed + attested)\n");
    for stage in Stage::ALL {
        let failing = card.failing_at(stage);
        if failing.is_empty() {
            let _ = writeln!(out, "  {:<7} no failing rule", stage.as_str());
        } else {
            let _ = writeln!(
                out,
                "  {:<7} {} failing: {}",
                stage.as_str(),
                failing.len(),
                ids(&failing)
            );
        }
    }
    let _ = writeln!(out, "Stage reached: {}", card.reached_str());
    let attested: Vec<_> = card.of_status(Status::Attested).collect();
    if !attested.is_empty() {
        let _ = writeln!(out, "Attested ({}), not counted as passed:", attested.len());
        for r in attested {
            if let Some(a) = &r.attested {
                let _ = writeln!(
                    out,
                    "  {} {}: {}: {}",
                    r.rule.id,
                    r.rule.name,
                    reason_text(a),
                    a.note
                );
            }
        }
    }
    let inconclusive: Vec<_> = card.of_status(Status::Inconclusive).collect();
    if !inconclusive.is_empty() {
        let _ = writeln!(out, "Inconclusive ({}), not counted:", inconclusive.len());
        for r in inconclusive {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                r.rule.id,
                r.rule.name,
                r.reason.as_deref().unwrap_or("")
            );
        }
    }
    let advice: Vec<_> = card.of_status(Status::Advice).collect();
    if !advice.is_empty() {
        let _ = writeln!(
            out,
            "Advice ({}), notes not counted as failures:",
            advice.len()
        );
        for r in advice {
            let at = r
                .location
                .as_ref()
                .map(loc_string)
                .filter(|s| !s.is_empty())
                .map(|a| format!(" ({a})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} {}: {}{at}",
                r.rule.id,
                r.rule.name,
                r.message.as_deref().unwrap_or(r.rule.summary)
            );
        }
    }
    if card.not_run() > 0 {
        let _ = writeln!(
            out,
            "Not run ({}): {} (--select/--ignore or off in config; the card is partial)",
            card.not_run(),
            card.of_status(Status::NotRun)
                .map(|r| r.rule.id)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !card.next_steps.is_empty() {
        out.push_str("Next steps (the talk's order: low-hanging fruit first):\n");
        for (n, r, at) in next_steps(card) {
            let _ = writeln!(
                out,
                "  {}. {} {} [{}]: {}{}",
                n,
                r.rule.id,
                r.rule.name,
                r.rule.stage,
                clean.line(r.rule.summary),
                at.map(|a| format!(" ({a})")).unwrap_or_default()
            );
        }
        if card.next_steps.len() > NEXT_STEPS {
            let _ = writeln!(
                out,
                "  ... and {} more failing rules",
                card.next_steps.len() - NEXT_STEPS
            );
        }
    }
    out
}
