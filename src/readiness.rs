//! The readiness card: for each pillar and stage, the rules passed out of
//! those that apply, the stage the repo has reached, what is inconclusive or
//! attested (listed, never dropped), and the next steps in the talk's order.
//! No single score: counts a person can check against the rule list.
//!
//! Advice is not a failure: a rule that fails only with note-severity findings (RUN010
//! "Kubernetes at seed", at its effective severity after config) is listed as `advice`,
//! never counted as failed, and never keeps a stage from being reached.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::config::Attestation;
use crate::engine::{RuleOutcome, ScanResult, NOT_RUN};
use crate::finding::{Finding, Location};
use crate::rule::{Outcome, Pillar, RuleMeta, Severity, Stage};

/// How many next steps the card shows.
pub(crate) const NEXT_STEPS: usize = 5;

/// A rule's status on the card. An attested rule is `Attested`, never `Pass`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Status {
    Pass,
    Fail,
    NotApplicable,
    Inconclusive,
    Attested,
    /// Failed with note-severity findings only: advice, listed but never a failure.
    Advice,
    /// Not selected, or off in config: not on the card's counts.
    NotRun,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotApplicable => "not-applicable",
            Status::Inconclusive => "inconclusive",
            Status::Attested => "attested",
            Status::Advice => "advice",
            Status::NotRun => "not-run",
        }
    }
}

fn outcome_str(o: &Outcome) -> &'static str {
    match o {
        Outcome::Pass => "pass",
        Outcome::Fail => "fail",
        Outcome::NotApplicable => "not-applicable",
        Outcome::Inconclusive(r) if r == NOT_RUN => "not-run",
        Outcome::Inconclusive(_) => "inconclusive",
    }
}

#[derive(Debug, Clone)]
pub(crate) struct RuleStatus {
    pub rule: &'static RuleMeta,
    pub status: Status,
    /// What the rule found, attested or not.
    pub outcome: &'static str,
    /// Why it is inconclusive.
    pub reason: Option<String>,
    /// What a repo rule's outcome rests on.
    pub detail: Option<String>,
    pub attested: Option<Attestation>,
    /// Unsuppressed findings of this rule in this run.
    pub findings: usize,
    /// The first of them (or, for an attested rule, of its suppressed ones).
    pub location: Option<Location>,
    pub message: Option<String>,
}

/// Counts of one pillar × stage cell (or a stage's total).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Cell {
    pub passed: usize,
    pub failed: usize,
    pub attested: usize,
    pub inconclusive: usize,
    pub not_applicable: usize,
    pub not_run: usize,
    pub advice: usize,
}

impl Cell {
    /// The rules that apply: passed, failed or attested (inconclusive ones are listed apart).
    pub(crate) fn applicable(&self) -> usize {
        self.passed + self.failed + self.attested
    }

    fn add(&mut self, status: Status) {
        match status {
            Status::Pass => self.passed += 1,
            Status::Fail => self.failed += 1,
            Status::Attested => self.attested += 1,
            Status::Inconclusive => self.inconclusive += 1,
            Status::NotApplicable => self.not_applicable += 1,
            Status::NotRun => self.not_run += 1,
            Status::Advice => self.advice += 1,
        }
    }

    pub(crate) fn to_json(self) -> Value {
        json!({
            "passed": self.passed,
            "applicable": self.applicable(),
            "failed": self.failed,
            "attested": self.attested,
            "inconclusive": self.inconclusive,
            "not_applicable": self.not_applicable,
            "not_run": self.not_run,
            "advice": self.advice,
        })
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Readiness {
    pub target: Stage,
    /// The highest stage whose applicable rules (and those of every stage below) do not fail.
    pub reached: Option<Stage>,
    pub cells: BTreeMap<(Pillar, Stage), Cell>,
    pub totals: BTreeMap<Stage, Cell>,
    /// Every rule, in catalogue order.
    pub rules: Vec<RuleStatus>,
    /// Failing rules, lowest stage first, then in the talk's order.
    pub next_steps: Vec<RuleStatus>,
}

/// A rule's place in the talk's order of next steps (rules not listed come after).
fn priority(id: &str) -> usize {
    let order = crate::registry::priority_order();
    order.iter().position(|p| *p == id).unwrap_or(order.len())
}

/// `advice`: the rule failed and every finding it made (reported or not) is a note, at
/// its effective severity; with no finding to go by, the rule's own severity decides.
fn status_of(o: &RuleOutcome, findings: &[&Finding]) -> Status {
    if o.attested.is_some() {
        return Status::Attested;
    }
    match &o.outcome {
        Outcome::Pass => Status::Pass,
        Outcome::Fail => {
            let severities: Vec<Severity> = findings
                .iter()
                .map(|f| f.severity)
                .chain(o.unreported.as_ref().map(|f| f.severity))
                .collect();
            let advice = if severities.is_empty() {
                o.rule.severity == Severity::Note
            } else {
                severities.iter().all(|s| *s == Severity::Note)
            };
            if advice {
                Status::Advice
            } else {
                Status::Fail
            }
        }
        Outcome::NotApplicable => Status::NotApplicable,
        Outcome::Inconclusive(r) if r == NOT_RUN => Status::NotRun,
        Outcome::Inconclusive(_) => Status::Inconclusive,
    }
}

/// The card for a scan that ran repo rules (`None` otherwise: file-list mode).
pub(crate) fn of(result: &ScanResult) -> Option<Readiness> {
    if !result.repo_rules_ran {
        return None;
    }
    let mut rules: Vec<RuleStatus> = result
        .outcomes
        .iter()
        .map(|o| {
            let mine = result.findings.iter().filter(|f| f.rule.id == o.rule.id);
            let active: Vec<_> = mine.clone().filter(|f| !f.is_suppressed()).collect();
            let shown = active
                .first()
                .copied()
                .or(o.unreported.as_ref())
                .or_else(|| o.attested.as_ref().and_then(|_| mine.clone().next()));
            RuleStatus {
                rule: o.rule,
                status: status_of(o, &active),
                outcome: outcome_str(&o.outcome),
                reason: match &o.outcome {
                    Outcome::Inconclusive(r) if r != NOT_RUN => Some(r.clone()),
                    _ => None,
                },
                detail: o.detail.clone(),
                attested: o.attested.clone(),
                findings: active.len(),
                location: shown.map(|f| f.location.clone()),
                message: shown.map(|f| f.message.clone()),
            }
        })
        .collect();
    rules.sort_by_key(|r| {
        (
            Pillar::ALL.iter().position(|p| *p == r.rule.pillar),
            r.rule.id,
        )
    });

    let mut cells = BTreeMap::new();
    let mut totals = BTreeMap::new();
    for pillar in Pillar::ALL {
        for stage in Stage::ALL {
            cells.insert((pillar, stage), Cell::default());
        }
    }
    for stage in Stage::ALL {
        totals.insert(stage, Cell::default());
    }
    for r in &rules {
        if let Some(c) = cells.get_mut(&(r.rule.pillar, r.rule.stage)) {
            c.add(r.status);
        }
        if let Some(c) = totals.get_mut(&r.rule.stage) {
            c.add(r.status);
        }
    }
    let mut reached = None;
    for stage in Stage::ALL {
        let failing = rules
            .iter()
            .any(|r| r.rule.stage <= stage && r.status == Status::Fail);
        if failing {
            break;
        }
        reached = Some(stage);
    }
    let mut next_steps: Vec<RuleStatus> = rules
        .iter()
        .filter(|r| r.status == Status::Fail)
        .cloned()
        .collect();
    next_steps.sort_by_key(|r| (r.rule.stage, priority(r.rule.id), r.rule.id));
    Some(Readiness {
        target: result.stage,
        reached,
        cells,
        totals,
        rules,
        next_steps,
    })
}

impl Readiness {
    pub(crate) fn reached_str(&self) -> &'static str {
        self.reached.map(Stage::as_str).unwrap_or("none")
    }

    pub(crate) fn of_status(&self, status: Status) -> impl Iterator<Item = &RuleStatus> {
        self.rules.iter().filter(move |r| r.status == status)
    }

    /// Rules that did not run: the card is partial.
    pub(crate) fn not_run(&self) -> usize {
        self.of_status(Status::NotRun).count()
    }

    /// Why a stage is not reached: its failing rules (and those below it).
    pub(crate) fn failing_at(&self, stage: Stage) -> Vec<&RuleStatus> {
        self.rules
            .iter()
            .filter(|r| r.rule.stage == stage && r.status == Status::Fail)
            .collect()
    }

    /// The JSON object (`readiness` in JSON output, `runs[0].properties.readiness` in SARIF).
    pub(crate) fn to_json(&self) -> Value {
        let stages: Vec<Value> = Stage::ALL
            .iter()
            .map(|s| {
                let mut v = self.totals[s].to_json();
                v["stage"] = json!(s.as_str());
                v["reached"] = json!(self.reached.is_some_and(|r| r >= *s));
                v
            })
            .collect();
        let pillars: Vec<Value> = Pillar::ALL
            .iter()
            .map(|p| {
                let per_stage: serde_json::Map<String, Value> = Stage::ALL
                    .iter()
                    .map(|s| (s.as_str().to_string(), self.cells[&(*p, *s)].to_json()))
                    .collect();
                json!({ "pillar": p.code(), "title": p.title(), "stages": per_stage })
            })
            .collect();
        let rule = |r: &RuleStatus| {
            json!({
                "rule_id": r.rule.id,
                "rule_name": r.rule.name,
                "pillar": r.rule.pillar.code(),
                "stage": r.rule.stage.as_str(),
                "scope": r.rule.scope.as_str(),
                "status": r.status.as_str(),
                "outcome": r.outcome,
                "reason": r.reason,
                "detail": r.detail,
                "attested": r.attested.as_ref().map(|a| json!({ "reason": a.reason, "note": a.note })),
                "findings": r.findings,
            })
        };
        let ids = |s: Status| self.of_status(s).map(|r| r.rule.id).collect::<Vec<_>>();
        json!({
            "target_stage": self.target.as_str(),
            "stage_reached": self.reached_str(),
            "stages": stages,
            "pillars": pillars,
            "rules": self.rules.iter().map(rule).collect::<Vec<_>>(),
            "inconclusive": ids(Status::Inconclusive),
            "attested": ids(Status::Attested),
            "not_run": ids(Status::NotRun),
            "advice": ids(Status::Advice),
            "next_steps": self.next_steps.iter().map(|r| json!({
                "rule_id": r.rule.id,
                "rule_name": r.rule.name,
                "stage": r.rule.stage.as_str(),
                "pillar": r.rule.pillar.code(),
                "summary": r.rule.summary,
                "message": r.message,
                "path": r.location.as_ref().map(|l| l.path.clone()),
                "line": r.location.as_ref().map(|l| l.start.line),
            })).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_rule_has_a_priority() {
        for m in crate::registry::Registry::builtin().metas() {
            assert!(
                crate::registry::priority_order().contains(&m.id),
                "{} is missing from rules::PRIORITY (rules/mod.rs)",
                m.id
            );
        }
    }

    #[test]
    fn cells_count_attested_as_applicable_but_not_passed() {
        let mut c = Cell::default();
        for s in [
            Status::Pass,
            Status::Fail,
            Status::Attested,
            Status::Inconclusive,
            Status::NotApplicable,
        ] {
            c.add(s);
        }
        assert_eq!((c.passed, c.applicable()), (1, 3));
    }
}
