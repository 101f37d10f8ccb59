use crate::declare_rule;
use crate::facts::signals::{self, Evidence, Vendor};
use crate::facts::{is_auxiliary, RepoFacts};
use crate::model::ecs;
use crate::model::terraform::{TerraformFile, Value};
use crate::rule::{Cx, Outcome, RepoCx, Rule, Scope};
use crate::rules::support::profile::runtime_practice;
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// Repo part: something runs from this repository (a deployed application,
    /// compute in the IaC, Kubernetes workloads) and its logs are not shipped
    /// anywhere: no log destination shows up in the IaC, container definitions,
    /// compose files, images, dependencies or configuration.
    ///
    /// Log shipping (`LOG_SHIPPING`):
    /// - CloudWatch Logs: `aws_cloudwatch_log_group`, subscription filters, ECS
    ///   `logConfiguration` with the `awslogs` driver, compose `logging.driver: awslogs`,
    ///   Lambda functions and Serverless/SAM apps (Lambda ships to CloudWatch by
    ///   itself), `watchtower`, `winston-cloudwatch`;
    /// - FireLens, Fluent Bit, Fluentd: the `awsfirelens` and `fluentd` drivers,
    ///   fluent-bit/fluentd/aws-for-fluent-bit images, `fluent-logger`;
    /// - Vector, Promtail, Loki, Grafana Alloy: their images, `winston-loki`;
    /// - Datadog: `DD_LOGS_ENABLED`, `DD_LOGS_INJECTION`, the Datadog agent image;
    /// - Papertrail, Loggly, Logtail/Better Stack, Logz.io, Sumo Logic, Splunk:
    ///   their hosts, libraries (`winston-papertrail`, `winston-loggly-bulk`,
    ///   `@logtail/*`, `logzio-*`, `sumo-logger`, `splunk-logging`), `PAPERTRAIL_*`,
    ///   `LOGGLY_*`, `LOGTAIL_*`, `LOGZIO_*` settings, the `splunk` and `gelf` drivers,
    ///   `sumologic_*` resources;
    /// - Elastic: Filebeat and Logstash images;
    /// - Google Cloud Logging (`google_logging_*`, `@google-cloud/logging*`,
    ///   `google-cloud-logging`; GKE, Cloud Run, Cloud Functions and App Engine ship
    ///   by themselves) and Azure Monitor Logs (`azurerm_log_analytics_workspace`,
    ///   `azurerm_monitor_diagnostic_setting`);
    /// - an IAM policy granting `logs:PutLogEvents` (or `logs:*`): instances or tasks
    ///   that may write to CloudWatch Logs (an agent on the AMI, journald-cloudwatch).
    ///
    /// The finding points at the main manifest's dependencies, or the first compute
    /// resource. A library that nothing deploys is inconclusive; a library of
    /// reusable Terraform modules does not apply.
    ///
    /// File part: every ECS container definition of an `aws_ecs_task_definition` is
    /// read, and a container without `logConfiguration` (or with `logConfiguration =
    /// null`, or with the `none` log driver, which discards the output) is reported.
    /// Such a container is the repo part's answer too (one problem, one finding),
    /// unless the application also runs somewhere else (a Procfile or platform config,
    /// Kubernetes, or a CI deploy over SSH, Kamal, Capistrano, Ansible, rsync/scp, Fly.io
    /// or Heroku): two runtimes, two problems, two findings.
    ///
    /// Container definitions are read however they are written: `jsonencode([...])`,
    /// a heredoc or string of JSON, and heredocs with interpolations in value
    /// positions (`"cpu": ${var.cpu}`). Definitions that come from `file()`,
    /// `templatefile()`, a data source, a variable or a local cannot be read and
    /// never fire; neither does a container that is itself unknown
    /// (`jsonencode([local.app])`) or an object with a computed key. Keys are
    /// matched case-insensitively, as ECS does.
    ///
    /// Applicability follows the code: a repository with no runtime (a library of
    /// Terraform modules, a Helm chart published for others, docs, a template) does not
    /// apply. Deployment files in 8 or more top-level folders with no CI deploy step and
    /// no infrastructure-as-code that deploys them are a collection of examples:
    /// inconclusive, with that reason on the card (a monorepo that something deploys is
    /// judged like any repo).
    ///
    /// ## Why it matters
    /// The talk's advice for running a service is to outsource the runtime:
    /// logging is the first thing you need when something breaks, and a startup
    /// has no one to SSH into hosts and read files. A container without a log
    /// configuration writes its output nowhere you can search; on Fargate it is
    /// simply lost when the task stops.
    ///
    /// ## Bad
    /// ```hcl
    /// resource "aws_ecs_task_definition" "api" {
    ///   family = "api"
    ///   container_definitions = jsonencode([
    ///     {
    ///       name         = "api"
    ///       image        = "example/api:1.4.2"
    ///       essential    = true
    ///       portMappings = [{ containerPort = 8080 }]
    ///     }
    ///   ])
    /// }
    /// ```
    ///
    /// ```json
    /// # file: package.json
    /// { "dependencies": { "express": "^4.19.2" } }
    /// # file: Dockerfile
    /// FROM node:20-alpine
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// resource "aws_ecs_task_definition" "api" {
    ///   family = "api"
    ///   container_definitions = jsonencode([
    ///     {
    ///       name         = "api"
    ///       image        = "example/api:1.4.2"
    ///       essential    = true
    ///       portMappings = [{ containerPort = 8080 }]
    ///       logConfiguration = {
    ///         logDriver = "awslogs"
    ///         options = {
    ///           awslogs-group         = "/ecs/api"
    ///           awslogs-region        = "eu-west-1"
    ///           awslogs-stream-prefix = "api"
    ///         }
    ///       }
    ///     }
    ///   ])
    /// }
    /// ```
    ///
    /// ```yaml
    /// # file: package.json
    /// { "dependencies": { "express": "^4.19.2" } }
    /// # file: Dockerfile
    /// FROM node:20-alpine
    /// # file: docker-compose.yml
    /// services:
    ///   web:
    ///     build: .
    ///     logging:
    ///       driver: awslogs
    /// ```
    ///
    /// ## How to fix
    /// Give every container a `logConfiguration`: the `awslogs` driver with a
    /// CloudWatch log group (set its `retention_in_days`, see RUN005), or FireLens
    /// (`awsfirelens`) to ship to Datadog, Papertrail or any other service.
    /// Without any task definitions (compose, Kubernetes, a PaaS), send the output
    /// to a managed log service: a Fluent Bit DaemonSet on Kubernetes, or a log drain
    /// on the platform you deploy to.
    LogsNotShipped {
        id: "RUN003",
        name: "logs-not-shipped",
        pillar: Run,
        stage: Seed,
        scope: Scope::RepoAndFile(&[FileKind::Terraform]),
        severity: Warning,
        since: "0.1.0",
        summary: "container logs are not shipped anywhere",
        precision: Medium,
    }
}

/// Log destinations and how they show up.
pub(crate) const LOG_SHIPPING: &[Vendor] = &[
    Vendor {
        name: "CloudWatch Logs",
        packages: &["watchtower", "winston-cloudwatch", "cloudwatch-logs"],
        terraform: &[
            "aws_cloudwatch_log_group",
            "aws_cloudwatch_log_subscription_filter",
            "aws_lambda_function",
        ],
        tools: &["serverless", "sam"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Fluent Bit / Fluentd",
        packages: &["fluent-logger", "fluent-logger-*", "@fluent-org/logger"],
        images: &["fluent-bit", "fluentd", "aws-for-fluent-bit"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Vector / Loki",
        packages: &["winston-loki", "python-logging-loki", "pino-loki"],
        images: &[
            "timberio/vector",
            "grafana/promtail",
            "grafana/loki",
            "grafana/alloy",
        ],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Datadog",
        env: &["DD_LOGS_ENABLED", "DD_LOGS_INJECTION", "DD_LOGS_*"],
        images: &["datadog/agent", "datadoghq/agent"],
        terraform: &["datadog_logs_*"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Papertrail",
        packages: &["winston-papertrail", "remote_syslog*"],
        env: &["PAPERTRAIL_*"],
        hosts: &["papertrailapp.com"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Loggly",
        packages: &[
            "winston-loggly-bulk",
            "winston-loggly",
            "loggly-*",
            "node-loggly-bulk",
        ],
        env: &["LOGGLY_*"],
        hosts: &["loggly.com"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Logtail / Better Stack",
        packages: &["@logtail/*", "logtail-*", "logtail"],
        env: &["LOGTAIL_*", "BETTERSTACK_*"],
        hosts: &["logtail.com", "betterstackdata.com"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Logz.io",
        packages: &["logzio-*"],
        env: &["LOGZIO_*"],
        hosts: &["logz.io"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Sumo Logic",
        packages: &["sumo-logger"],
        hosts: &["sumologic.com"],
        terraform: &["sumologic_*"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Splunk",
        packages: &["splunk-logging"],
        hosts: &["splunkcloud.com"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Elastic",
        images: &["beats/filebeat", "elastic/filebeat", "logstash"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Google Cloud Logging",
        packages: &["@google-cloud/logging*", "google-cloud-logging"],
        terraform: &[
            "google_logging_*",
            "google_container_cluster",
            "google_cloud_run_service",
            "google_cloud_run_v2_service",
            "google_cloudfunctions_function",
            "google_cloudfunctions2_function",
        ],
        tools: &["app-engine"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Azure Monitor Logs",
        terraform: &[
            "azurerm_log_analytics_workspace",
            "azurerm_monitor_diagnostic_setting",
        ],
        ..Vendor::EMPTY
    },
];

/// Log drivers (ECS `logConfiguration.logDriver`, compose `logging.driver`) that ship logs.
pub(crate) const SHIPPING_DRIVERS: &[&str] = &[
    "awslogs",
    "awsfirelens",
    "fluentd",
    "splunk",
    "gelf",
    "gcplogs",
    "syslog",
    "logentries",
    "datadog",
];

fn driver_evidence(facts: &RepoFacts) -> Vec<Evidence> {
    let mut out = Vec::new();
    let containers = facts.all_ecs_containers();
    for c in containers.filter(|c| !is_auxiliary(&c.location.path)) {
        if let Some(d) = c
            .log_driver
            .as_deref()
            .filter(|d| SHIPPING_DRIVERS.contains(d) || *d == "(unknown)")
        {
            out.push(Evidence {
                vendor: "container log driver",
                what: format!("ECS container {} logDriver {d}", c.name),
                location: c.location.clone(),
            });
        }
    }
    for action in ["logs:PutLogEvents", "logs:*"] {
        if let Some(l) = facts
            .terraform
            .iam_actions
            .get(action)
            .filter(|l| !is_auxiliary(&l.path))
        {
            out.push(Evidence {
                vendor: "CloudWatch Logs",
                what: format!("an IAM policy grants {action}"),
                location: l.clone(),
            });
        }
    }
    for f in facts.compose.iter().filter(|f| !is_auxiliary(&f.path)) {
        for s in &f.services {
            if let Some(d) = s
                .logging_driver
                .as_deref()
                .filter(|d| SHIPPING_DRIVERS.contains(d))
            {
                out.push(Evidence {
                    vendor: "container log driver",
                    what: format!("compose service {} logging driver {d}", s.name),
                    location: s.location.clone(),
                });
            }
        }
    }
    out
}

// ---- file part: ECS container definitions without `logConfiguration` ----
impl LogsNotShipped {
    fn check_task_definitions(&self, tf: &TerraformFile, cx: &mut Cx) {
        for block in tf.resources_of_type("aws_ecs_task_definition") {
            let Some(defs) = ecs::container_definitions(block, cx.text()) else {
                continue;
            };
            for container in defs.containers() {
                if container.is_partial() {
                    continue;
                }
                let what = container.describe();
                match container.entry("logConfiguration") {
                    None => cx.report(
                        cx.finding(container.anchor())
                            .message(format!("{what} has no `logConfiguration`"))
                            .help("add a `logConfiguration` with the `awslogs` or `awsfirelens` driver"),
                    ),
                    Some(entry) if entry.value == Value::Null => cx.report(
                        cx.finding(entry.span)
                            .message(format!("{what} sets `logConfiguration` to null"))
                            .help("add a `logConfiguration` with the `awslogs` or `awsfirelens` driver"),
                    ),
                    Some(entry) => {
                        let driver = ecs::entry(&entry.value, "logDriver");
                        if let Some(driver) = driver.filter(|d| d.value.as_str() == Some("none")) {
                            cx.report(
                                cx.finding(driver.span)
                                    .message(format!(
                                        "{what} uses the `none` log driver, which discards its output"
                                    ))
                                    .help("use the `awslogs` or `awsfirelens` driver"),
                            );
                        }
                    }
                }
            }
        }
    }
}

// ---- repo part: is anything shipping logs at all? ----
impl LogsNotShipped {
    fn check_shipping(&self, facts: &RepoFacts, cx: &mut RepoCx) -> Outcome {
        // Containers without a log configuration are the file part's findings: one
        // problem, one finding (the combined outcome fails through them).
        let unshipped = facts
            .terraform
            .resources
            .iter()
            .flat_map(|r| r.containers.iter())
            .find(|c| {
                !is_auxiliary(&c.location.path)
                    && matches!(c.log_driver.as_deref(), None | Some("none" | "(null)"))
            });
        // The app may also run somewhere else (deployed over SSH, on a PaaS, on
        // Kubernetes): two runtimes, two problems, two findings.
        let runs_elsewhere = !facts.deploy_evidence().is_empty()
            || facts
                .ci_deploys()
                .iter()
                .any(|(what, _)| OTHER_RUNTIME_DEPLOY.is_match(&what.to_ascii_lowercase()));
        if let Some(c) = unshipped.filter(|_| !runs_elsewhere) {
            cx.detail(format!(
                "ECS container {} ships no logs (reported at {})",
                c.name,
                crate::facts::loc_string(&c.location)
            ));
            return Outcome::NotApplicable;
        }
        let mut evidence = signals::find(facts, LOG_SHIPPING);
        evidence.extend(driver_evidence(facts));
        runtime_practice(
            facts,
            cx,
            &evidence,
            "no log shipping: no CloudWatch log group or awslogs/firelens/fluentd driver, no log \
             agent image, and no Datadog, Papertrail, Loggly, Logtail, Logz.io, Sumo Logic or Splunk \
             library, host or setting",
        )
    }
}

/// CI deploys to something other than ECS: over SSH, with Kamal, Capistrano, Ansible,
/// rsync/scp, or to Fly.io or Heroku.
static OTHER_RUNTIME_DEPLOY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\b(ssh|scp|rsync|kamal|cap\s|capistrano|ansible|fly|flyctl|heroku)\b")
        .expect("valid deploy pattern")
});

impl Rule for LogsNotShipped {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        self.check_task_definitions(tf, cx);
    }

    fn check_repo(&self, facts: &RepoFacts, cx: &mut RepoCx) -> Outcome {
        self.check_shipping(facts, cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_documented() {
        let docs = LogsNotShipped::META.docs_folded();
        for v in LOG_SHIPPING {
            for part in v.name.split(" / ") {
                assert!(docs.contains(part), "RUN003 docs do not mention {part}");
            }
        }
        for d in SHIPPING_DRIVERS {
            if !["syslog", "logentries", "datadog", "gcplogs"].contains(d) {
                assert!(
                    docs.contains(d),
                    "RUN003 docs do not mention the {d} driver"
                );
            }
        }
    }
}
