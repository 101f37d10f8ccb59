//! The readiness card as plain text, at the end of the human output.

use std::fmt::Write as _;

use crate::facts::loc_string;
use crate::readiness::{Readiness, Status, NEXT_STEPS};
use crate::rule::{Pillar, Stage};

/// `passed/applicable`, or `-` when nothing applies.
pub fn cell_text(passed: usize, applicable: usize) -> String {
    if applicable == 0 {
        "-".to_string()
    } else {
        format!("{passed}/{applicable}")
    }
}

fn ids(rules: &[&crate::readiness::RuleStatus]) -> String {
    rules
        .iter()
        .map(|r| r.rule.id)
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn render(card: &Readiness) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\nReadiness card (target stage: {})", card.target);
    let _ = writeln!(
        out,
        "  {:<17} {:>7} {:>7} {:>7}",
        "", "seed", "growth", "scale"
    );
    for pillar in Pillar::ALL {
        let _ = write!(out, "  {:<17}", pillar.title());
        for stage in Stage::ALL {
            let c = card.cells[&(pillar, stage)];
            let _ = write!(out, " {:>7}", cell_text(c.passed, c.applicable()));
        }
        out.push('\n');
    }
    let _ = write!(out, "  {:<17}", "all");
    for stage in Stage::ALL {
        let c = card.totals[&stage];
        let _ = write!(out, " {:>7}", cell_text(c.passed, c.applicable()));
    }
    out.push('\n');
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
                let reason = serde_json::to_value(a.reason)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                let _ = writeln!(out, "  {} {}: {reason}: {}", r.rule.id, r.rule.name, a.note);
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
        for (i, r) in card.next_steps.iter().take(NEXT_STEPS).enumerate() {
            let at = r
                .location
                .as_ref()
                .map(loc_string)
                .filter(|s| !s.is_empty());
            let _ = writeln!(
                out,
                "  {}. {} {} [{}]: {}{}",
                i + 1,
                r.rule.id,
                r.rule.name,
                r.rule.stage,
                r.rule.summary,
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
