use std::collections::HashSet;

use crate::declare_rule;
use crate::model::ci::{Action, Circleci, EnvScope, EnvVar, GitlabCi, Workflow};
use crate::rule::{Cx, Rule, Scope};
use crate::secrets::{self, is_named_secret};
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// A CI configuration that sets a secret-like variable or input (`PASSWORD`,
    /// `TOKEN`, `API_KEY`, `SECRET`, `ACCESS_KEY`, ...) to a literal instead of taking
    /// it from the CI system's secret store:
    ///
    /// - GitHub Actions: `env:` at workflow, job and step level, the job container's
    ///   `env:`, `with:` inputs of steps and reusable-workflow calls, and `secrets:`
    ///   passed to reusable workflows (composite `action.yml` steps too);
    /// - GitLab CI: global and job `variables:` (also the `value:` of the long form);
    /// - CircleCI: job, executor, `docker` image and `run` step `environment:`.
    ///
    /// The finding points at the value. Not reported: store references
    /// (`${{ secrets.X }}`, `${{ vars.X }}`, `$CI_JOB_TOKEN`, `${API_KEY}`), empty values,
    /// placeholders and well-known development defaults (`postgres`, `password`,
    /// `example`, `test`), and the throwaway credentials of CI service containers:
    /// `services:` env (GitHub, GitLab) and CircleCI secondary images, the same literal
    /// repeated in a job's env to talk to such a service, and GitLab's documented
    /// `POSTGRES_PASSWORD`-style variables in a file that starts service containers
    /// (GitLab hands job variables to services).
    ///
    /// ## Why it matters
    /// "Avoid secrets / credentials in code": a CI file is read by everyone with access
    /// to the repository, copied into every fork, and printed in logs. The CI's secret
    /// store keeps the value out of git, masks it in logs, and lets you rotate it
    /// without a commit.
    ///
    /// ## Bad
    /// ```yaml
    /// on: push
    /// permissions:
    ///   contents: read
    /// jobs:
    ///   deploy:
    ///     runs-on: ubuntu-latest
    ///     env:
    ///       HEROKU_API_KEY: 3f9c1e2a-77d4-4b9e-a1f0-5c6d7e8f9a0b
    ///     steps:
    ///       - run: git push https://heroku:$HEROKU_API_KEY@git.heroku.com/app.git HEAD:main
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// on: push
    /// permissions:
    ///   contents: read
    /// jobs:
    ///   deploy:
    ///     runs-on: ubuntu-latest
    ///     env:
    ///       HEROKU_API_KEY: ${{ secrets.HEROKU_API_KEY }}
    ///     services:
    ///       db:
    ///         image: postgres:16
    ///         env:
    ///           POSTGRES_PASSWORD: ci-only-pw
    ///     steps:
    ///       - run: git push https://heroku:$HEROKU_API_KEY@git.heroku.com/app.git HEAD:main
    /// ```
    ///
    /// ## How to fix
    /// Rotate the secret, then store it in the CI's secret store (GitHub: repository or
    /// environment secrets, referenced as `${{ secrets.NAME }}`; GitLab: masked and
    /// protected CI/CD variables; CircleCI: project environment variables or contexts)
    /// and reference it. Better still, use OIDC federation to the cloud instead of
    /// long-lived keys.
    CiPlaintextSecret {
        id: "SEC004",
        name: "ci-plaintext-secret",
        pillar: Sec,
        stage: Seed,
        scope: Scope::File(&[
            FileKind::GithubWorkflow,
            FileKind::GithubAction,
            FileKind::GitlabCi,
            FileKind::Circleci,
        ]),
        severity: Error,
        since: "0.1.0",
        summary: "secret written in plain text in CI config",
        precision: Medium,
        supersedes: ["SEC001"],
        carries_secret: true,
    }
}

/// Variables that configure a service container's throwaway credentials (GitLab passes
/// job variables to services, so this is how its docs set them).
const SERVICE_CREDENTIALS: [&str; 12] = [
    "POSTGRES_PASSWORD",
    "MYSQL_ROOT_PASSWORD",
    "MYSQL_PASSWORD",
    "MARIADB_ROOT_PASSWORD",
    "MARIADB_PASSWORD",
    "MONGO_INITDB_ROOT_PASSWORD",
    "RABBITMQ_DEFAULT_PASS",
    "MSSQL_SA_PASSWORD",
    "SA_PASSWORD",
    "MINIO_ROOT_PASSWORD",
    "ELASTIC_PASSWORD",
    "REDIS_PASSWORD",
];

impl CiPlaintextSecret {
    /// `vars`: every variable of the file with its scope; `has_services`: whether the file
    /// starts service containers.
    fn check(cx: &mut Cx, vars: &[(EnvScope, &EnvVar)], has_services: bool, gitlab: bool) {
        let service_values: HashSet<&str> = vars
            .iter()
            .filter(|(scope, _)| *scope == EnvScope::Service)
            .filter_map(|(_, v)| v.value.as_deref())
            .filter(|v| !v.trim().is_empty())
            .collect();
        for (scope, var) in vars {
            if *scope == EnvScope::Service {
                continue;
            }
            let Some(value) = var.value.as_deref() else {
                continue;
            };
            if !is_named_secret(&var.key, value) {
                continue;
            }
            if service_values.contains(value) {
                continue;
            }
            let upper = var.key.to_ascii_uppercase();
            if gitlab && has_services && SERVICE_CREDENTIALS.contains(&upper.as_str()) {
                continue;
            }
            let place = match scope {
                EnvScope::Workflow => "a file-level variable",
                EnvScope::Job => "a job variable",
                EnvScope::Step => "a step variable",
                EnvScope::With => "an input",
                EnvScope::Service => "a service variable",
            };
            cx.report(
                cx.finding(var.value_span)
                    .secret(var.value_span)
                    .message(format!(
                        "`{}` ({place}) is set to a literal secret (`{}`) in the CI file",
                        var.key,
                        secrets::redact(value)
                    ))
                    .label(var.key_span, "secret-like name")
                    .help("rotate it, store it in the CI's secret store and reference it (`${{ secrets.NAME }}`, a masked GitLab variable, a CircleCI context)"),
            );
        }
    }
}

impl Rule for CiPlaintextSecret {
    fn check_workflow(&self, wf: &Workflow, cx: &mut Cx) {
        let has_services = wf.jobs.iter().any(|j| !j.services.is_empty());
        Self::check(cx, &wf.env_vars(), has_services, false);
    }

    fn check_action(&self, action: &Action, cx: &mut Cx) {
        Self::check(cx, &action.env_vars(), false, false);
    }

    fn check_gitlab(&self, ci: &GitlabCi, cx: &mut Cx) {
        let has_services = ci
            .default
            .iter()
            .chain(&ci.jobs)
            .any(|j| !j.services.is_empty());
        Self::check(cx, &ci.env_vars(), has_services, true);
    }

    fn check_circleci(&self, ci: &Circleci, cx: &mut Cx) {
        let has_services = ci
            .jobs
            .iter()
            .chain(&ci.executors)
            .any(|j| j.docker_images.len() > 1);
        Self::check(cx, &ci.env_vars(), has_services, false);
    }
}
