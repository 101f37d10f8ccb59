//! Looking through what CI runs (`facts::commands`) for one kind of step: DLV002
//! (tests) and DLV004 (Terraform checks).

use crate::facts::signals::shorten;
use crate::facts::{loc_string, RepoFacts};
use crate::rule::{Outcome, RepoCx};

/// Looks through CI for one kind of step (running tests, checking Terraform): first a
/// simple command CI runs (calls into the repo expanded) that `is_step` accepts, then a
/// `uses:` whose lowercased text contains one of `uses`. Found, it records where in the
/// detail and gives `Err(Pass)`; not found while CI calls what this repo does not hold,
/// `Err(Inconclusive("{not_found}, but ..."))`; else `Ok` with the number of simple
/// commands looked at.
pub(crate) fn find_ci_step(
    facts: &RepoFacts,
    cx: &mut RepoCx,
    is_step: impl Fn(&str) -> bool,
    uses: &[&str],
    not_found: &str,
) -> Result<usize, Outcome> {
    let res = facts.resolve_ci();
    if let Some(r) = res.commands().find(|r| is_step(r.text)) {
        cx.detail(format!(
            "{} in {} job {}",
            r.describe(),
            r.file.path,
            r.job.name
        ));
        return Err(Outcome::Pass);
    }
    if let Some((_, _, u)) = facts.ci_uses().find(|(_, _, u)| {
        let lower = u.text.to_ascii_lowercase();
        uses.iter().any(|f| lower.contains(f))
    }) {
        cx.detail(format!("{} at {}", u.text, loc_string(&u.location)));
        return Err(Outcome::Pass);
    }
    if let Some((what, loc)) = res.unresolved.first() {
        return Err(Outcome::Inconclusive(format!(
            "{not_found}, but CI calls what this repo does not hold: {} at {}",
            shorten(what),
            loc_string(loc)
        )));
    }
    Ok(res.command_count())
}
