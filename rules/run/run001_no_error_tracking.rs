use crate::declare_rule;
use crate::facts::profile::Runtime;
use crate::facts::signals::{self, Vendor};
use crate::facts::RepoFacts;
use crate::rule::{Outcome, RepoCx, Rule, Scope};

declare_rule! {
    /// ## What it checks
/// The repository holds an application (a dependency manifest with runtime
    /// dependencies outside examples and tests) that is deployed (a Procfile or
    /// platform config, Kubernetes, a CI deploy step, or a Dockerfile or compose file
    /// with a web or service framework among the dependencies), and no
    /// exception tracker shows up anywhere: not in any manifest (package.json,
    /// requirements*.txt, pyproject.toml, Pipfile, Gemfile, go.mod, Cargo.toml,
    /// pom.xml, build.gradle(.kts), composer.json, mix.exs, *.csproj, setup.py,
    /// setup.cfg), not as a DSN or key in configuration, not in the IaC.
    ///
    /// Error trackers (`ERROR_TRACKING`):
    /// - Sentry: `@sentry/*`, `sentry-sdk`, `sentry-*`, `raven`, `github.com/getsentry/*`,
    ///   `io.sentry:*`, `sentry/*` (composer), `Sentry*` (NuGet); `SENTRY_DSN` and
    ///   other `SENTRY_*` settings; `sentry.io` DSNs; `sentry_*` Terraform resources;
    ///   `sentry-cli` or getsentry/action-release in CI;
    /// - Rollbar: `rollbar`, `@rollbar/*`, `pyrollbar`, `ROLLBAR_*`, `rollbar.com`;
    /// - Bugsnag: `bugsnag`, `@bugsnag/*`, `BUGSNAG_*`, `bugsnag.com`;
    /// - Honeybadger: `honeybadger`, `@honeybadger-io/*`, `HONEYBADGER_*`, `honeybadger.io`;
    /// - Airbrake: `airbrake`, `@airbrake/*`, `pybrake`, `AIRBRAKE_*`, `airbrake.io`;
    /// - Raygun: `raygun`, `raygun4*`, `Mindscape.Raygun4Net*`, `RAYGUN_*`, `raygun.com`;
    /// - AppSignal: `appsignal`, `@appsignal/*`, `APPSIGNAL_*`;
    /// - APM agents that report exceptions on their own: Datadog APM (`dd-trace`,
    ///   `ddtrace`, `Datadog.Trace*`; Datadog Error Tracking), New Relic (`newrelic`,
    ///   `newrelic_rpm`, `@newrelic/*`; Errors Inbox), Application Insights
    ///   (`applicationinsights`, `Microsoft.ApplicationInsights*`,
    ///   `@azure/monitor-opentelemetry`), Elastic APM (`elastic-apm*`).
    ///
/// The finding points at the dependencies of the main manifest. A manifest that
    /// nothing deploys (a library, a CLI tool) or a Dockerfile with no manifest gives
    /// an inconclusive outcome; infrastructure without application code does not apply.
    /// Nor does code only the infrastructure runs: when the IaC runs compute, nothing
    /// else shows an application (no image, platform config, Procfile or Kubernetes
    /// workload) and no manifest depends on a web or service framework, the code is a
    /// helper of the infrastructure (a Lambda handler, a provisioning script) and its
    /// errors are the infrastructure's logs and alarms (RUN003, RUN004).
    /// Deployment files in 8 or more top-level folders with no CI deploy step and no
    /// infrastructure-as-code that deploys them are a collection of examples:
    /// inconclusive (a monorepo that something deploys is judged like any repo).
    ///
    /// ## Why it matters
    /// The talk: "outsource ... exception tracking (Sentry)". With ~0 operators
    /// nobody reads server logs: users find the bugs, and leave. An error tracker
    /// groups exceptions, alerts on new ones and shows the stack trace.
    ///
    /// ## Bad
    /// ```json
    /// # file: package.json
    /// { "dependencies": { "express": "^4.19.2" } }
    /// # file: Dockerfile
    /// FROM node:20-alpine
    /// ```
    ///
    /// ## Good
    /// ```json
    /// # file: package.json
    /// { "dependencies": { "express": "^4.19.2", "@sentry/node": "^8.0.0" } }
    /// # file: Dockerfile
    /// FROM node:20-alpine
    /// ```
    ///
    /// ## How to fix
    /// Add the SDK of a hosted error tracker (Sentry, Rollbar, Bugsnag, Honeybadger)
    /// to the app, initialise it at startup with its DSN from configuration, and
    /// route new-issue alerts to the team.
    NoErrorTracking {
        id: "RUN001",
        name: "no-error-tracking",
        pillar: Run,
        stage: Seed,
        scope: Scope::Repo,
        severity: Warning,
        since: "0.1.0",
        summary: "no exception tracking",
        precision: Medium,
    }
}

/// Error trackers and how they show up.
pub(crate) const ERROR_TRACKING: &[Vendor] = &[
    Vendor {
        name: "Sentry",
        packages: &[
            "@sentry/*",
            "sentry-sdk",
            "sentry",
            "sentry-*",
            "raven",
            "raven-js",
            "github.com/getsentry/*",
            "io.sentry:*",
            "io.sentry.*",
            "sentry/*",
            "Sentry*",
        ],
        env: &[
            "SENTRY_*",
            "NEXT_PUBLIC_SENTRY_DSN",
            "VITE_SENTRY_DSN",
            "REACT_APP_SENTRY_DSN",
        ],
        hosts: &["sentry.io"],
        terraform: &["sentry_*"],
        images: &["getsentry/sentry"],
        ci: &["sentry-cli", "getsentry/action-release"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Rollbar",
        packages: &[
            "rollbar",
            "rollbar-*",
            "@rollbar/*",
            "pyrollbar",
            "github.com/rollbar/*",
            "com.rollbar:*",
            "rollbar/*",
            "Rollbar*",
        ],
        env: &["ROLLBAR_*"],
        hosts: &["rollbar.com"],
        terraform: &["rollbar_*"],
        ci: &["rollbar/"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Bugsnag",
        packages: &[
            "bugsnag",
            "bugsnag-*",
            "@bugsnag/*",
            "github.com/bugsnag/*",
            "com.bugsnag:*",
            "bugsnag/*",
            "Bugsnag*",
        ],
        env: &["BUGSNAG_*"],
        hosts: &["bugsnag.com"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Honeybadger",
        packages: &[
            "honeybadger",
            "honeybadger-*",
            "@honeybadger-io/*",
            "github.com/honeybadger-io/*",
            "honeybadger-io/*",
            "io.honeybadger:*",
            "Honeybadger*",
        ],
        env: &["HONEYBADGER_*"],
        hosts: &["honeybadger.io"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Airbrake",
        packages: &[
            "airbrake",
            "airbrake-*",
            "@airbrake/*",
            "pybrake",
            "github.com/airbrake/*",
            "io.airbrake:*",
            "Sharpbrake*",
        ],
        env: &["AIRBRAKE_*"],
        hosts: &["airbrake.io"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Raygun",
        packages: &[
            "raygun",
            "raygun4*",
            "raygun-*",
            "Mindscape.Raygun4Net*",
            "com.mindscapehq:*",
        ],
        env: &["RAYGUN_*"],
        hosts: &["raygun.com", "raygun.io"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "AppSignal",
        packages: &["appsignal", "@appsignal/*"],
        env: &["APPSIGNAL_*"],
        hosts: &["appsignal.com"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Datadog APM",
        packages: &[
            "dd-trace",
            "dd-trace-*",
            "ddtrace",
            "Datadog.Trace*",
            "com.datadoghq:dd-java-agent",
        ],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "New Relic",
        packages: &[
            "newrelic",
            "newrelic_rpm",
            "@newrelic/*",
            "github.com/newrelic/go-agent*",
            "com.newrelic.agent.java:*",
        ],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Application Insights",
        packages: &[
            "applicationinsights",
            "Microsoft.ApplicationInsights*",
            "@azure/monitor-opentelemetry",
            "azure-monitor-opentelemetry",
        ],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Elastic APM",
        packages: &["elastic-apm", "elastic-apm-*", "co.elastic.apm:*"],
        ..Vendor::EMPTY
    },
];

impl Rule for NoErrorTracking {
    fn check_repo(&self, facts: &RepoFacts, cx: &mut RepoCx) -> Outcome {
        let evidence = signals::find(facts, ERROR_TRACKING);
        let runtime = facts.runtime();
        let manifest = facts.primary_manifest();
        match (&runtime, manifest) {
            (Runtime::Absent(why), _) => {
                cx.detail(why.clone());
                return Outcome::NotApplicable;
            }
            (Runtime::Present { .. }, None) if evidence.is_empty() => {
                cx.detail(
                    "no application code in this repo: its error tracking is the application's",
                );
                return Outcome::NotApplicable;
            }
            _ => {}
        }
        if evidence.is_empty() {
            if let Some(m) = facts.infrastructure_helper_code() {
                cx.detail(format!(
                    "the only code ({}) is run by the infrastructure (no image, platform config, \
                     Kubernetes workload or web/service framework): its errors are the \
                     infrastructure's logs and alarms",
                    m.path
                ));
                return Outcome::NotApplicable;
            }
        }
        if let Some(e) = evidence.first() {
            cx.detail(e.describe());
            return Outcome::Pass;
        }
        match (runtime, manifest) {
            (Runtime::Present { what, .. }, Some(m)) => {
                let n = facts.app_manifests().count();
                let others = if n > 1 {
                    format!(" or the {} other manifests", n - 1)
                } else {
                    String::new()
                };
                // The runtime may be the infrastructure that runs this code (a Lambda's).
                let subject = if what.starts_with("the application") {
                    what.clone()
                } else {
                    format!("the code in {}, run by {what},", m.path)
                };
                cx.report_at(
                    &m.location,
                    format!(
                        "{subject} has no error tracking: no SDK of {} in {}{others}, and no DSN or \
                         key in the configuration",
                        signals::names(ERROR_TRACKING),
                        m.path
                    ),
                );
                Outcome::Fail
            }
            (Runtime::Partial(why), _) => Outcome::Inconclusive(why),
            _ => Outcome::NotApplicable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_documented() {
        crate::rules::support::signals::assert_documented(
            &NoErrorTracking::META,
            ERROR_TRACKING,
            false,
        );
    }
}
