//! The verdict of the runtime-practice rules (RUN002 metrics, RUN003 logs, RUN004
//! alerts) from the repo profile in `facts::profile`.

use crate::facts::profile::Runtime;
use crate::facts::signals::Evidence;
use crate::facts::RepoFacts;
use crate::rule::{Outcome, RepoCx};

/// The outcome of "does the runtime have this practice?" (metrics, logs, alerts):
/// not applicable without a runtime, inconclusive on partial evidence without the
/// practice, pass with evidence, else a finding at the runtime's best location.
pub(crate) fn runtime_practice(
    facts: &RepoFacts,
    cx: &mut RepoCx,
    evidence: &[Evidence],
    missing: &str,
) -> Outcome {
    let runtime = facts.runtime();
    if let Runtime::Absent(why) = &runtime {
        cx.detail(why.clone());
        return Outcome::NotApplicable;
    }
    if let Some(e) = evidence.first() {
        let more = if evidence.len() > 1 {
            format!(" (and {} more)", evidence.len() - 1)
        } else {
            String::new()
        };
        cx.detail(format!("{}{more}", e.describe()));
        return Outcome::Pass;
    }
    match runtime {
        Runtime::Present { what, location } => {
            cx.report_at(&location, format!("{what} has {missing}"));
            Outcome::Fail
        }
        Runtime::Partial(why) => Outcome::Inconclusive(why),
        Runtime::Absent(_) => Outcome::NotApplicable,
    }
}
