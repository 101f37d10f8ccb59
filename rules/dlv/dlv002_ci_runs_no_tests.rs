use std::sync::LazyLock;

use regex::Regex;

use crate::declare_rule;
use crate::facts::RepoFacts;
use crate::rule::{Outcome, RepoCx, Rule, Scope};
use crate::rules::support::commands::find_ci_step;

declare_rule! {
    /// ## What it checks
    /// CI is configured but no job runs tests. Commands are followed into the
    /// repo: `make test`, `just test`, `npm run ci` (package.json and composer
    /// scripts), `./scripts/test.sh` and local composite actions are expanded, so a
    /// test run hidden behind a task counts.
    ///
    /// Test commands (`TEST_COMMANDS`): `cargo test`, `cargo nextest`, `go test`,
    /// `gotestsum`, `npm test`, `npm run test*`, `yarn test`, `pnpm test`, `bun test`,
    /// `jest`, `vitest`, `mocha`, `ava`, `karma start`, `playwright test`,
    /// `cypress run`, `pytest`, `python -m pytest`/`unittest`, `tox`, `nox`,
    /// `hatch test`, `rspec`, `rake test`/`spec`, `rails test`, `mvn
    /// test`/`verify`/`package`/`install` (without `-DskipTests`), `gradle
    /// test`/`check`/`build` (also `./gradlew`, `./mvnw`), `make test`/`check` (and
    /// `just`, `task`, `inv`, `mage` targets named test or check),
    /// `dotnet test`, `phpunit`, `pest`, `php artisan test`, `mix test`, `ctest`,
    /// `swift test`, `flutter test`, `dart test`, `deno test`, `sbt test`,
    /// `lein test`, `stack test`, `cabal test`, `terraform test`, `bats`,
    /// `behave`, `cucumber`; also through binstubs and wrappers (`bin/rake test`,
    /// `./bin/rails test`, `./gradlew test`, `./mvnw test`, `gradlew.bat check`). Test actions and orbs (`TEST_USES`):
    /// cypress-io/github-action, node/test, python/test, ruby/rspec-test.
    ///
    /// Steps nested in step groups are read like any other: Buildkite `group:` steps,
    /// Bitbucket `parallel:` steps, CircleCI `when:`/`unless:` steps, Azure Pipelines
    /// stages and jobs.
    ///
    /// Lint and vet are not tests. Without CI the rule does not apply (DLV001
    /// reports that). Applicability follows the code: without application code (a
    /// manifest with runtime dependencies outside examples, tests and tooling folders,
    /// whose dependencies are not all operations tooling such as ansible or boto3, or a
    /// Dockerfile or compose file building an image there) the rule does not apply unless CI runs tests anyway (then it passes). A library of
    /// Terraform modules, a Helm chart, docs, a template or an Ansible/Terraform estate
    /// has no test suite to ask for; validating its IaC (`terraform validate`, `tflint`,
    /// `helm lint`) is DLV004's. When CI calls something the repo does not hold (an external
    /// reusable workflow, a GitLab include, a missing script or make target), the
    /// outcome is inconclusive. The finding points at line 1 of the main CI file (the one
    /// that runs the most commands).
    ///
    /// ## Why it matters
    /// The talk: developers "write and test", and once they own what they ship,
    /// "more discipline around testing" is the price of moving fast. Tests that only
    /// run when someone remembers do not protect the main branch.
    ///
    /// ## Bad
    /// ```yaml
    /// # file: .github/workflows/ci.yml
    /// on: push
    /// jobs:
    ///   build:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - run: npm ci && npm run lint && npm run build
    /// # file: package.json
    /// {"name": "shop", "dependencies": {"express": "4.19.2"}}
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// # file: .github/workflows/ci.yml
    /// on: push
    /// jobs:
    ///   build:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - run: npm ci && make check
    /// # file: Makefile
    /// check:
    /// 	npx jest --ci
    /// # file: package.json
    /// {"name": "shop", "dependencies": {"express": "4.19.2"}}
    /// ```
    ///
    /// ## How to fix
    /// Run the test suite in CI on every push and pull request (`npm test`,
    /// `pytest`, `go test ./...`), before any deploy job.
    CiRunsNoTests {
        id: "DLV002",
        name: "ci-runs-no-tests",
        pillar: Dlv,
        stage: Seed,
        scope: Scope::Repo,
        severity: Warning,
        since: "0.1.0",
        summary: "CI runs no tests",
        precision: Medium,
    }
}

/// Test commands: (what, pattern on one simple command, lower case).
pub(crate) const TEST_COMMANDS: &[(&str, &str)] = &[
    ("cargo test", r"^cargo\s+(\+\S+\s+)?(test|nextest)\b"),
    ("go test", r"^(go\s+test|gotestsum)\b"),
    (
        "npm test",
        r"^(npm|yarn|pnpm|bun)\s+(run\s+)?(test|t|tst)([:\s-]|$)",
    ),
    (
        "jest/vitest/mocha",
        r"^(npx\s+|yarn\s+|pnpm\s+(exec\s+)?)?(jest|vitest|mocha|ava|karma\s+start|playwright\s+test|cypress\s+run)\b",
    ),
    (
        "pytest",
        r"^((python[0-9.]*|uv\s+run|poetry\s+run|pipenv\s+run|hatch\s+run)\s+(-m\s+)?)?(pytest|py\.test|unittest|nose2)\b",
    ),
    ("tox/nox", r"^(tox|nox|hatch\s+test)\b"),
    (
        "rspec",
        r"^(bundle\s+exec\s+)?(rspec|rake\s+(test|spec)|rails\s+test|bin/rails\s+test|bin/rspec)\b",
    ),
    (
        "mvn test",
        r"^(mvn|\./mvnw|mvnw)\b(.*\s)?(test|verify|install|package)\b",
    ),
    (
        "gradle test",
        r"^(gradle|\./gradlew|gradlew)\b(.*\s)?(test|check|build|connectedcheck)\b",
    ),
    (
        "make test",
        r"^(make|gmake|just|task|inv|invoke|mage)\b.*\b(test|tests|check|spec)\b",
    ),
    ("dotnet test", r"^dotnet\s+test\b"),
    (
        "phpunit",
        r"^((vendor/bin/|\./vendor/bin/)?(phpunit|pest)|php\s+artisan\s+test)\b",
    ),
    ("mix test", r"^mix\s+test\b"),
    ("ctest", r"^ctest\b"),
    (
        "swift/flutter/dart/deno test",
        r"^(swift|flutter|dart|deno)\s+test\b",
    ),
    (
        "sbt/lein/stack/cabal test",
        r"^(sbt|lein|stack|cabal)\b.*\btest\b",
    ),
    ("terraform test", r"^(terraform|tofu)\s+test\b"),
    ("bats", r"^(bats|behave|cucumber|robot)\b"),
];

/// Test actions and orbs (fragments of `uses:`).
pub(crate) const TEST_USES: &[&str] = &[
    "cypress-io/github-action",
    "node/test",
    "python/test",
    "ruby/rspec-test",
];

static PATTERNS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    TEST_COMMANDS
        .iter()
        .map(|(what, re)| (*what, Regex::new(re).expect("valid test pattern")))
        .collect()
});

/// Whether a simple command runs tests.
pub(crate) fn is_test_command(cmd: &str) -> bool {
    let lower = cmd.trim().to_ascii_lowercase();
    if lower.contains("skiptests") || lower.contains("maven.test.skip") || lower.contains("-x test")
    {
        return false;
    }
    // Binstubs and wrappers run the same tool: `bin/rake test`, `./bin/rails test`,
    // `./gradlew test`, `./mvnw verify`, `gradlew.bat check`.
    let unwrapped = unwrap_binstub(&lower);
    PATTERNS
        .iter()
        .any(|(_, re)| re.is_match(&lower) || re.is_match(&unwrapped))
}

/// The command with a leading `./`, `bin/` binstub prefix or `.bat`/`.cmd` suffix of its
/// first word removed (`./bin/rails test` → `rails test`).
fn unwrap_binstub(cmd: &str) -> String {
    let (first, rest) = cmd.split_once(char::is_whitespace).unwrap_or((cmd, ""));
    let first = first.trim_start_matches("./");
    let first = first.strip_prefix("bin/").unwrap_or(first);
    let first = first
        .strip_suffix(".bat")
        .or_else(|| first.strip_suffix(".cmd"))
        .unwrap_or(first);
    if rest.is_empty() {
        first.to_string()
    } else {
        format!("{first} {rest}")
    }
}

impl Rule for CiRunsNoTests {
    fn check_repo(&self, facts: &RepoFacts, cx: &mut RepoCx) -> Outcome {
        let Some(file) = facts.ci.main_pipeline() else {
            cx.detail("no CI configuration (DLV001 reports it)");
            return Outcome::NotApplicable;
        };
        let found = find_ci_step(
            facts,
            cx,
            is_test_command,
            TEST_USES,
            "no test command found",
        );
        let commands = match found {
            Err(Outcome::Pass) => return Outcome::Pass,
            // Applicability follows the code: modules, charts, docs and playbooks have no
            // test suite to ask for (validating IaC is DLV004's).
            _ if facts.application_code().is_none() && facts.image_evidence().is_empty() => {
                cx.detail(
                    "no application code (no manifest with runtime dependencies and no Dockerfile \
                     or compose file outside examples, tests and tooling): infrastructure \
                     validation is DLV004's",
                );
                return Outcome::NotApplicable;
            }
            Ok(commands) => commands,
            Err(outcome) => return outcome,
        };
        let jobs: usize = facts.ci.pipelines().map(|f| f.jobs.len()).sum();
        cx.report_at(
            &file.location,
            format!(
                "no CI job runs tests: looked for test commands (npm test, pytest, go test, cargo test, \
                 mvn/gradle test, rspec, make test, ...) in {commands} command{} of {jobs} job{}, \
                 following make targets, package scripts and scripts in the repo",
                if commands == 1 { "" } else { "s" },
                if jobs == 1 { "" } else { "s" }
            ),
        );
        Outcome::Fail
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_commands() {
        for yes in [
            "cargo test --locked",
            "go test ./...",
            "npm test",
            "npm run test:unit",
            "yarn test --ci",
            "npx jest",
            "python -m pytest -q",
            "uv run pytest",
            "pytest",
            "tox -e py312",
            "bundle exec rspec",
            "./gradlew build",
            "mvn -B verify",
            "make test",
            "make -C api check",
            "dotnet test",
            "vendor/bin/phpunit",
            "terraform test",
            "bin/rake test",
            "./bin/rails test",
            "bin/rails test:system",
            "./gradlew test",
            "./mvnw -B test",
            "gradlew.bat check",
            "bin/rspec",
        ] {
            assert!(is_test_command(yes), "{yes}");
        }
        for no in [
            "npm run lint",
            "go vet ./...",
            "cargo clippy",
            "mvn -B package -DskipTests",
            "./gradlew build -x test",
            "terraform validate",
            "echo testing",
            "npm ci",
            "make build",
        ] {
            assert!(!is_test_command(no), "{no}");
        }
    }

    #[test]
    fn the_table_is_documented() {
        let docs = CiRunsNoTests::META.docs_folded();
        for (what, _) in TEST_COMMANDS {
            for part in what.split('/') {
                let word = part.split_whitespace().next().unwrap_or(part);
                assert!(docs.contains(word), "DLV002 docs do not mention `{word}`");
            }
        }
        for u in TEST_USES {
            assert!(docs.contains(u), "DLV002 docs do not mention `{u}`");
        }
    }
}
