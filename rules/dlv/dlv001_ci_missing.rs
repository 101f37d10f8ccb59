use crate::declare_rule;
use crate::facts::{is_auxiliary, RepoFacts};
use crate::rule::{Outcome, RepoCx, Rule, Scope};
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// The repository holds something to build, test or deploy (source code,
    /// dependency manifests, Dockerfiles, Kubernetes or compose files,
    /// infrastructure code) but no CI configuration. Recognised CI systems
    /// (`CI_SYSTEMS`): GitHub Actions (`.github/workflows/*.yml`, also Gitea and
    /// Forgejo workflows), GitLab CI (`.gitlab-ci.yml`), CircleCI
    /// (`.circleci/config.yml`), Bitbucket Pipelines, Azure Pipelines, Jenkins
    /// (`Jenkinsfile`), Buildkite (`.buildkite/`), Travis CI, Drone, Woodpecker,
    /// AWS CodeBuild (`buildspec.yml`), Google Cloud Build and AppVeyor. A
    /// composite action (`action.yml`) alone is not CI.
    ///
    /// The finding is at the repository root: no file shows the gap.
    ///
    /// ## Why it matters
    /// The talk's developer "writes and tests" and the operator "automates
    /// packaging": "use tools to coordinate between steps instead of people". CI is
    /// that tool. Without it every test run and every build depends on someone
    /// remembering to do it, the same way, on their own machine.
    ///
    /// ## Bad
    /// ```json
    /// # file: package.json
    /// { "dependencies": { "express": "^4.19.2" }, "scripts": { "test": "jest" } }
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// # file: package.json
    /// { "dependencies": { "express": "^4.19.2" }, "scripts": { "test": "jest" } }
    /// # file: .github/workflows/ci.yml
    /// on: push
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - uses: actions/checkout@v4
    ///       - run: npm ci && npm test
    /// ```
    ///
    /// ## How to fix
    /// Add a pipeline that runs on every push and pull request: install, lint, test,
    /// build. GitHub Actions or GitLab CI take one small YAML file.
    CiMissing {
        id: "DLV001",
        name: "ci-missing",
        pillar: Dlv,
        stage: Seed,
        scope: Scope::Repo,
        severity: Error,
        since: "0.1.0",
        summary: "no CI configuration",
    }
}

#[cfg(test)]
/// The CI systems recognised, as `facts::ci::system_of` names them.
pub(crate) const CI_SYSTEMS: &[&str] = &[
    "github-actions",
    "gitlab-ci",
    "circleci",
    "bitbucket-pipelines",
    "azure-pipelines",
    "jenkins",
    "buildkite",
    "travis",
    "drone",
    "woodpecker",
    "aws-codebuild",
    "google-cloud-build",
    "appveyor",
];

/// Extensions of source code (a repo of only docs needs no CI).
const SOURCE_EXTENSIONS: &[&str] = &[
    "py", "js", "ts", "jsx", "tsx", "mjs", "rb", "go", "java", "kt", "php", "ex", "exs", "cs",
    "rs", "scala", "swift", "c", "cc", "cpp", "h", "hpp", "sh", "hcl", "sql", "dart", "lua", "pl",
    "r", "clj", "hs", "ml", "vue", "svelte",
];

fn has_something_to_build(facts: &RepoFacts) -> Option<String> {
    for kind in [
        FileKind::Manifest,
        FileKind::Terraform,
        FileKind::Dockerfile,
        FileKind::Kubernetes,
        FileKind::Compose,
    ] {
        if let Some(p) = facts.paths_of(kind).iter().find(|p| !is_auxiliary(p)) {
            return Some(p.clone());
        }
    }
    facts
        .paths_of(FileKind::Text)
        .iter()
        .find(|p| {
            !is_auxiliary(p)
                && p.rsplit_once('.').is_some_and(|(_, ext)| {
                    SOURCE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
                })
        })
        .cloned()
}

impl Rule for CiMissing {
    fn check_repo(&self, facts: &RepoFacts, cx: &mut RepoCx) -> Outcome {
        if let Some(system) = facts.ci.systems.iter().next() {
            let files = facts.ci.pipelines().count();
            cx.detail(format!(
                "{system} ({files} file{})",
                if files == 1 { "" } else { "s" }
            ));
            return Outcome::Pass;
        }
        let Some(example) = has_something_to_build(facts) else {
            cx.detail("no source code, manifests, containers or infrastructure code");
            return Outcome::NotApplicable;
        };
        cx.report_root(format!(
            "no CI configuration, though there is code to build and test (such as {example}): looked for \
             .github/workflows/*.yml, .gitlab-ci.yml, .circleci/config.yml, Jenkinsfile, \
             bitbucket-pipelines.yml, azure-pipelines.yml, .buildkite/, .travis.yml, .drone.yml, \
             buildspec.yml, cloudbuild.yaml"
        ));
        Outcome::Fail
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_system_is_documented() {
        let docs = CiMissing::META.docs_folded().to_ascii_lowercase();
        for s in CI_SYSTEMS {
            let word = s.split('-').next().unwrap_or(s);
            assert!(docs.contains(word), "DLV001 docs do not mention {s}");
        }
    }
}
