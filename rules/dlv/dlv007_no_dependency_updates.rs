use crate::declare_rule;
use crate::facts::{is_auxiliary, RepoFacts};
use crate::rule::{Outcome, RepoCx, Rule, Scope};
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// The repository has dependencies (package manifests, Terraform providers and
    /// modules, Dockerfile base images, CI actions) but no bot keeps them up to
    /// date: no Dependabot (`.github/dependabot.yml`) and no Renovate configuration
    /// (`renovate.json`, `renovate.json5`, `.renovaterc`, `.renovaterc.json`, the
    /// same under `.github/` or `.gitlab/`, or a `renovate` key in package.json).
    ///
    /// The finding points at the application's main manifest when there is one,
    /// else at the repository root. A bot configured outside the repo (Renovate's
    /// organisation-wide config, Snyk or Dependabot security updates enabled in the
    /// repository settings) cannot be seen: attest it.
    ///
    /// ## Why it matters
    /// The talk's startup runs on a "burn rate" with "~0 operators": nobody has a
    /// day a month to bump dependencies by hand, so they rot until a CVE forces a
    /// painful jump across majors. A bot turns that into small reviewed pull
    /// requests that CI tests.
    ///
    /// ## Bad
    /// ```json
    /// # file: package.json
    /// { "dependencies": { "express": "^4.19.2" } }
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// # file: package.json
    /// { "dependencies": { "express": "^4.19.2" } }
    /// # file: .github/dependabot.yml
    /// version: 2
    /// updates:
    ///   - package-ecosystem: npm
    ///     directory: /
    ///     schedule:
    ///       interval: weekly
    /// ```
    ///
    /// ## How to fix
    /// Add `.github/dependabot.yml` (one entry per ecosystem: npm, pip, docker,
    /// terraform, github-actions) or a `renovate.json` with `"extends": ["config:recommended"]`.
    NoDependencyUpdates {
        id: "DLV007",
        name: "no-dependency-updates",
        pillar: Dlv,
        stage: Growth,
        scope: Scope::Repo,
        severity: Note,
        since: "0.1.0",
        summary: "no Dependabot or Renovate configuration",
    }
}

impl Rule for NoDependencyUpdates {
    fn check_repo(&self, facts: &RepoFacts, cx: &mut RepoCx) -> Outcome {
        if let Some(t) = facts.tools_of(&["dependabot", "renovate"]).next() {
            cx.detail(format!("{} ({})", t.kind, t.path));
            return Outcome::Pass;
        }
        if let Some(m) = facts.manifests.iter().find(|m| m.renovate) {
            cx.detail(format!("renovate ({} `renovate` key)", m.path));
            return Outcome::Pass;
        }
        let mut kinds = Vec::new();
        if facts
            .manifests
            .iter()
            .any(|m| !is_auxiliary(&m.path) && !m.dependencies.is_empty())
        {
            kinds.push("package manifests");
        }
        if facts
            .paths_of(FileKind::Terraform)
            .iter()
            .any(|p| !is_auxiliary(p))
        {
            kinds.push("Terraform providers and modules");
        }
        if facts.dockerfiles.iter().any(|d| !is_auxiliary(&d.path)) {
            kinds.push("Dockerfile base images");
        }
        if facts.ci_uses().next().is_some() {
            kinds.push("CI actions");
        }
        if kinds.is_empty() {
            cx.detail("no dependencies to update");
            return Outcome::NotApplicable;
        }
        let message = format!(
            "dependencies ({}) but no Dependabot or Renovate configuration (looked for \
             .github/dependabot.yml, renovate.json(5), .renovaterc(.json), a `renovate` key in package.json)",
            kinds.join(", ")
        );
        match facts.primary_manifest() {
            Some(m) => cx.report_at(&m.location, message),
            None => cx.report_root(message),
        }
        Outcome::Fail
    }
}
