use crate::declare_rule;
use crate::facts::signals::{self, Evidence, Vendor};
use crate::facts::RepoFacts;
use crate::rule::{Outcome, RepoCx, Rule, Scope};
use crate::rules::support::profile::runtime_practice;

declare_rule! {
    /// ## What it checks
    /// Something runs from this repository (a deployed application, compute in the
    /// IaC, Kubernetes workloads) and no metrics or APM shows up anywhere.
    ///
    /// Metrics and APM (`METRICS`):
    /// - Datadog: `dd-trace`, `ddtrace`, `datadog`, `@datadog/*`, `hot-shots`,
    ///   `github.com/DataDog/*`, `DD_API_KEY`/`DD_AGENT_HOST`/`DD_*`, `datadoghq.com`,
    ///   `datadog_*` Terraform resources, the Datadog agent image, `ad.datadoghq.com/`
    ///   annotations, `datadog-ci`;
    /// - New Relic: `newrelic`, `newrelic_rpm`, `@newrelic/*`, `NEW_RELIC_*`,
    ///   `newrelic_*` resources;
    /// - Prometheus: client libraries (`prom-client`, `prometheus-client`,
    ///   `prometheus_client`, `client_golang`, `micrometer-registry-prometheus`,
    ///   `prometheus-net`, `prometheus_exporter`, ...), `ServiceMonitor`/`PodMonitor`/
    ///   `PrometheusRule`, Prometheus, Grafana Agent/Alloy and VictoriaMetrics images,
    ///   Amazon Managed Prometheus (`aws_prometheus_*`), `grafana_*` resources;
    /// - OpenTelemetry: `@opentelemetry/*`, `opentelemetry-*`, `go.opentelemetry.io/*`,
    ///   `io.opentelemetry:*`, `OTEL_*`, collector images;
    /// - StatsD: `statsd`, `hot-shots`, `node-statsd`, `STATSD_*`;
    /// - Honeycomb: `libhoney`, `honeycomb-beeline`, `@honeycombio/*`, `HONEYCOMB_*`, `honeycombio_*`;
    /// - CloudWatch: metric alarms, dashboards, metric streams and log metric
    ///   filters in Terraform, the CloudWatch agent (image or
    ///   `CloudWatchAgentServerPolicy`), ECS Container Insights (`containerInsights`
    ///   setting enabled), `aws-embedded-metrics`, Lambda Powertools;
    /// - Google Cloud Monitoring (`google_monitoring_*`), Azure Monitor and
    ///   Application Insights (`azurerm_monitor_*`, `azurerm_application_insights`,
    ///   `applicationinsights`);
    /// - AppSignal, Scout APM (`scout_apm`, `scout-apm`), Elastic APM
    ///   (`elastic-apm*`), Dynatrace (`dynatrace_*`, OneAgent), Instana (`@instana/*`).
    ///
    /// The finding points at the main manifest's dependencies, or the first compute
    /// resource. A library that nothing deploys is inconclusive; a library of
    /// reusable Terraform modules does not apply.
    ///
    /// Applicability follows the code: a repository with no runtime (a library of
    /// Terraform modules, a Helm chart published for others, docs, a template) does not
    /// apply. Deployment files in 8 or more top-level folders with no CI deploy step and
    /// no infrastructure-as-code that deploys them are a collection of examples:
    /// inconclusive, with that reason on the card (a monorepo that something deploys is
    /// judged like any repo).
    ///
    /// ## Why it matters
    /// The talk: "outsource ... metrics (NewRelic, DataDog)". Without metrics, the
    /// first sign of a saturated database or a slow endpoint is a customer
    /// complaint, and capacity planning is a guess.
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
    /// { "dependencies": { "express": "^4.19.2", "dd-trace": "^5.0.0" } }
    /// # file: Dockerfile
    /// FROM node:20-alpine
    /// ```
    ///
    /// ## How to fix
    /// Add an APM agent or metrics client (Datadog, New Relic, OpenTelemetry to any
    /// backend, a Prometheus client) to the app, or CloudWatch alarms and dashboards
    /// for what the IaC runs.
    NoMetrics {
        id: "RUN002",
        name: "no-metrics",
        pillar: Run,
        stage: Seed,
        scope: Scope::Repo,
        severity: Warning,
        since: "0.1.0",
        summary: "no metrics or APM",
        precision: Medium,
    }
}

/// Metrics and APM and how they show up.
pub(crate) const METRICS: &[Vendor] = &[
    Vendor {
        name: "Datadog",
        packages: &[
            "dd-trace",
            "dd-trace-*",
            "ddtrace",
            "datadog",
            "datadog-*",
            "@datadog/*",
            "hot-shots",
            "github.com/DataDog/*",
            "gopkg.in/DataDog/*",
            "com.datadoghq:*",
            "Datadog.Trace*",
            "datadog_api_client",
        ],
        env: &[
            "DD_API_KEY",
            "DD_AGENT_HOST",
            "DD_SERVICE",
            "DD_ENV",
            "DD_TRACE_*",
            "DD_SITE",
            "DATADOG_*",
        ],
        hosts: &["datadoghq.com", "datadoghq.eu", "ddog-gov.com"],
        terraform: &["datadog_*"],
        images: &[
            "datadog/agent",
            "datadoghq/agent",
            "datadog/lambda",
            "datadog/serverless-init",
        ],
        kubernetes: &["ad.datadoghq.com/", "DatadogAgent", "DatadogMonitor"],
        ci: &["datadog-ci", "datadog/"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "New Relic",
        packages: &[
            "newrelic",
            "newrelic_rpm",
            "@newrelic/*",
            "github.com/newrelic/*",
            "com.newrelic.agent.java:*",
            "NewRelic.Agent*",
        ],
        env: &["NEW_RELIC_*", "NEWRELIC_*"],
        hosts: &["newrelic.com", "nr-data.net"],
        terraform: &["newrelic_*"],
        images: &["newrelic/"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Prometheus",
        packages: &[
            "prom-client",
            "prometheus-client",
            "prometheus_client",
            "github.com/prometheus/client_golang",
            "io.prometheus:*",
            "io.micrometer:micrometer-registry-prometheus*",
            "cargo:prometheus",
            "metrics-exporter-prometheus",
            "prometheus_exporter",
            "prometheus-net*",
            "prometheus_ex",
            "telemetry_metrics_prometheus*",
            "express-prom-bundle",
            "django-prometheus",
            "prometheus-fastapi-instrumentator",
            "starlette-exporter",
        ],
        terraform: &["aws_prometheus_*", "grafana_*"],
        images: &[
            "prom/prometheus",
            "prometheus/prometheus",
            "grafana/agent",
            "grafana/alloy",
            "victoriametrics/",
        ],
        kubernetes: &[
            "ServiceMonitor",
            "PodMonitor",
            "PrometheusRule",
            "Prometheus",
        ],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "OpenTelemetry",
        packages: &[
            "@opentelemetry/*",
            "opentelemetry-*",
            "opentelemetry",
            "go.opentelemetry.io/*",
            "io.opentelemetry:*",
            "io.opentelemetry.*",
            "OpenTelemetry*",
            "opentelemetry_*",
        ],
        env: &["OTEL_*"],
        images: &[
            "otel/opentelemetry-collector",
            "opentelemetry-collector",
            "aws-otel-collector",
        ],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "StatsD",
        packages: &[
            "statsd",
            "node-statsd",
            "statsd-client",
            "python-statsd",
            "statsd-ruby",
            "github.com/cactus/go-statsd-client*",
            "com.timgroup:java-statsd-client",
            "statix",
        ],
        env: &["STATSD_*"],
        images: &["statsd/statsd"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Honeycomb",
        packages: &[
            "libhoney",
            "libhoney-*",
            "honeycomb-beeline",
            "honeycomb-beeline-*",
            "@honeycombio/*",
            "github.com/honeycombio/*",
        ],
        env: &["HONEYCOMB_*"],
        hosts: &["honeycomb.io"],
        terraform: &["honeycombio_*"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "CloudWatch",
        packages: &[
            "aws-embedded-metrics",
            "@aws-lambda-powertools/metrics",
            "aws-lambda-powertools",
        ],
        terraform: &[
            "aws_cloudwatch_metric_alarm",
            "aws_cloudwatch_composite_alarm",
            "aws_cloudwatch_dashboard",
            "aws_cloudwatch_metric_stream",
            "aws_cloudwatch_log_metric_filter",
        ],
        modules: &["terraform-aws-modules/cloudwatch"],
        images: &["cloudwatch-agent"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Google Cloud Monitoring",
        terraform: &["google_monitoring_*"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Azure Monitor",
        packages: &[
            "applicationinsights",
            "Microsoft.ApplicationInsights*",
            "@azure/monitor-opentelemetry",
            "azure-monitor-opentelemetry",
        ],
        terraform: &["azurerm_monitor_*", "azurerm_application_insights"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "AppSignal",
        packages: &["appsignal", "@appsignal/*"],
        env: &["APPSIGNAL_*"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Scout APM",
        packages: &["scout_apm", "scout-apm", "@scout_apm/*"],
        env: &["SCOUT_KEY"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Elastic APM",
        packages: &[
            "elastic-apm",
            "elastic-apm-*",
            "co.elastic.apm:*",
            "go.elastic.co/apm*",
        ],
        env: &["ELASTIC_APM_*"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Dynatrace",
        packages: &["@dynatrace/*"],
        terraform: &["dynatrace_*"],
        images: &["dynatrace/oneagent"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Instana",
        packages: &["@instana/*", "instana"],
        images: &["instana/agent"],
        ..Vendor::EMPTY
    },
];

/// CloudWatch metrics that are not a vendor row: Container Insights and the agent's policy.
fn cloudwatch_extras(facts: &RepoFacts) -> Vec<Evidence> {
    let mut out = Vec::new();
    for r in facts.main_resources().filter(|r| r.ty == "aws_ecs_cluster") {
        let insights = r.nested("setting").any(|s| {
            s.attributes.get("name").and_then(|v| v.as_str()) == Some("containerInsights")
                && s.attributes
                    .get("value")
                    .and_then(|v| v.as_str())
                    .is_some_and(|v| v != "disabled")
        });
        if insights {
            out.push(Evidence {
                vendor: "CloudWatch",
                what: format!("Container Insights on {}", r.address),
                location: r.location.clone(),
            });
        }
    }
    if let Some(l) = facts
        .terraform
        .managed_policies
        .get("CloudWatchAgentServerPolicy")
    {
        out.push(Evidence {
            vendor: "CloudWatch",
            what: "CloudWatchAgentServerPolicy".into(),
            location: l.clone(),
        });
    }
    out
}

impl Rule for NoMetrics {
    fn check_repo(&self, facts: &RepoFacts, cx: &mut RepoCx) -> Outcome {
        let mut evidence = signals::find(facts, METRICS);
        evidence.extend(cloudwatch_extras(facts));
        runtime_practice(
            facts,
            cx,
            &evidence,
            &format!(
                "no metrics or APM: looked for {} in dependencies, configuration, images, Kubernetes \
                 objects and the IaC",
                signals::names(METRICS)
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_documented() {
        crate::rules::support::signals::assert_documented(&NoMetrics::META, METRICS, false);
    }
}
