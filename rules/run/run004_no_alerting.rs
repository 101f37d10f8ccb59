use crate::declare_rule;
use crate::facts::signals::{self, Evidence, Vendor};
use crate::facts::terraform::AttrValue;
use crate::facts::RepoFacts;
use crate::rule::{Outcome, RepoCx, Rule, Scope};
use crate::rules::support::profile::runtime_practice;

declare_rule! {
    /// ## What it checks
    /// Something runs from this repository (a deployed application, compute in the
    /// IaC, Kubernetes workloads) and nothing routes alerts to a person.
    ///
    /// Alert routing (`ALERTING`):
    /// - PagerDuty (`pagerduty_*`, `pdpyras`, `@pagerduty/*`, `PAGERDUTY_*`,
    ///   `pagerduty.com`), Opsgenie (`opsgenie_*`, `OPSGENIE_*`), VictorOps/Splunk On-Call
    ///   (`victorops_*`, `VICTOROPS_*`), incident.io (`incident_*`), Grafana OnCall
    ///   (`grafana_oncall_*`, and Grafana alerting's `grafana_contact_point`,
    ///   `grafana_rule_group`);
    /// - monitors that notify: Datadog monitors (`datadog_monitor`,
    ///   `datadog_monitor_json`, `datadog_synthetics_test`, `DatadogMonitor`), New
    ///   Relic alert policies (`newrelic_alert_*`, `newrelic_nrql_alert_condition`),
    ///   Sentry alert rules (`sentry_issue_alert`, `sentry_metric_alert`), Google
    ///   Cloud alert policies (`google_monitoring_alert_policy`,
    ///   `google_monitoring_notification_channel`), Azure action groups
    ///   (`azurerm_monitor_action_group`, `azurerm_monitor_metric_alert`);
    /// - CloudWatch alarms with `alarm_actions` (an `aws_cloudwatch_metric_alarm` or
    ///   composite alarm, or the cloudwatch metric-alarm module, whose actions are set);
    /// - Prometheus Alertmanager (`PrometheusRule`, `AlertmanagerConfig`,
    ///   `Alertmanager`, the alertmanager image);
    /// - uptime monitors that alert: Better Stack (`betteruptime_*`), UptimeRobot
    ///   (`uptimerobot_*`), Pingdom (`pingdom_*`), Checkly (`checkly_*`), StatusCake
    ///   (`statuscake_*`).
    ///
    /// The finding points at the main manifest's dependencies, or the first compute
    /// resource. Alerting configured in a SaaS console cannot be seen from the repo:
    /// attest it (`[attest] RUN004 = { reason = "enforced-elsewhere", note = "PagerDuty
    /// service set up in the Datadog console" }`).
    ///
    /// Applicability follows the code: a repository with no runtime (a library of
    /// Terraform modules, a Helm chart published for others, docs, a template) does not
    /// apply. Deployment files in 8 or more top-level folders with no CI deploy step and
    /// no infrastructure-as-code that deploys them are a collection of examples:
    /// inconclusive, with that reason on the card (a monorepo that something deploys is
    /// judged like any repo).
    ///
    /// ## Why it matters
    /// The talk: "outsource ... alerting (PagerDuty)". Metrics and logs nobody
    /// watches do not wake anyone up; an alert routed to the person on call does.
    ///
    /// ## Bad
    /// ```hcl
    /// # file: main.tf
    /// provider "aws" {
    ///   region = "eu-west-1"
    /// }
    /// resource "aws_ecs_service" "web" {
    ///   name = "web"
    /// }
    /// resource "aws_cloudwatch_metric_alarm" "cpu" {
    ///   alarm_name  = "web-cpu"
    ///   metric_name = "CPUUtilization"
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// # file: main.tf
    /// provider "aws" {
    ///   region = "eu-west-1"
    /// }
    /// resource "aws_ecs_service" "web" {
    ///   name = "web"
    /// }
    /// resource "aws_cloudwatch_metric_alarm" "cpu" {
    ///   alarm_name    = "web-cpu"
    ///   metric_name   = "CPUUtilization"
    ///   alarm_actions = [aws_sns_topic.oncall.arn]
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Route alerts from your monitors to an on-call tool (PagerDuty, Opsgenie,
    /// Grafana OnCall), or at least give CloudWatch alarms an SNS action that
    /// reaches a person.
    NoAlerting {
        id: "RUN004",
        name: "no-alerting",
        pillar: Run,
        stage: Seed,
        scope: Scope::Repo,
        severity: Warning,
        since: "0.1.0",
        summary: "no alert routing",
        precision: Medium,
    }
}

/// Alert routing and how it shows up (CloudWatch alarms are checked for actions separately).
pub(crate) const ALERTING: &[Vendor] = &[
    Vendor {
        name: "PagerDuty",
        packages: &[
            "pdpyras",
            "pagerduty",
            "pagerduty-*",
            "node-pagerduty",
            "@pagerduty/*",
            "github.com/PagerDuty/*",
        ],
        env: &["PAGERDUTY_*"],
        hosts: &["pagerduty.com"],
        terraform: &["pagerduty_*"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Opsgenie",
        packages: &["opsgenie-sdk", "opsgenie-*"],
        env: &["OPSGENIE_*"],
        hosts: &["opsgenie.com"],
        terraform: &["opsgenie_*"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "VictorOps/Splunk On-Call",
        env: &["VICTOROPS_*"],
        hosts: &["victorops.com"],
        terraform: &["victorops_*"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "incident.io",
        hosts: &["incident.io"],
        terraform: &["incident_*"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Grafana OnCall",
        terraform: &[
            "grafana_oncall_*",
            "grafana_contact_point",
            "grafana_rule_group",
        ],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Datadog monitors",
        terraform: &[
            "datadog_monitor",
            "datadog_monitor_json",
            "datadog_synthetics_test",
        ],
        kubernetes: &["DatadogMonitor"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "New Relic alert policies",
        terraform: &["newrelic_alert_*", "newrelic_nrql_alert_condition"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Sentry alert rules",
        terraform: &["sentry_issue_alert", "sentry_metric_alert"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Google Cloud alert policies",
        terraform: &[
            "google_monitoring_alert_policy",
            "google_monitoring_notification_channel",
        ],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Azure action groups",
        terraform: &[
            "azurerm_monitor_action_group",
            "azurerm_monitor_metric_alert",
        ],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Prometheus Alertmanager",
        images: &["alertmanager"],
        kubernetes: &["PrometheusRule", "AlertmanagerConfig", "Alertmanager"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "uptime monitors",
        terraform: &[
            "betteruptime_*",
            "uptimerobot_*",
            "pingdom_*",
            "checkly_*",
            "statuscake_*",
        ],
        ..Vendor::EMPTY
    },
];

/// CloudWatch alarms (and the metric-alarm module) whose actions are set or unknown.
fn alarms_with_actions(facts: &RepoFacts) -> Vec<Evidence> {
    let has_actions = |v: Option<&AttrValue>| match v {
        Some(AttrValue::List(items)) => !items.is_empty(),
        Some(AttrValue::Unknown(_)) => true,
        _ => false,
    };
    let mut out = Vec::new();
    for r in facts.main_resources() {
        if matches!(
            r.ty.as_str(),
            "aws_cloudwatch_metric_alarm" | "aws_cloudwatch_composite_alarm"
        ) && has_actions(r.attr("alarm_actions"))
        {
            out.push(Evidence {
                vendor: "CloudWatch alarms",
                what: format!("{} with alarm_actions", r.address),
                location: r.location.clone(),
            });
        }
    }
    for m in facts.main_modules() {
        if m.source_lower().contains("cloudwatch") && has_actions(m.attr("alarm_actions")) {
            out.push(Evidence {
                vendor: "CloudWatch alarms",
                what: format!("module.{} with alarm_actions", m.name),
                location: m.location.clone(),
            });
        }
    }
    out
}

impl Rule for NoAlerting {
    fn check_repo(&self, facts: &RepoFacts, cx: &mut RepoCx) -> Outcome {
        let mut evidence = signals::find(facts, ALERTING);
        evidence.extend(alarms_with_actions(facts));
        runtime_practice(
            facts,
            cx,
            &evidence,
            "no alert routing: no PagerDuty, Opsgenie, VictorOps, incident.io or Grafana OnCall, no \
             Datadog/New Relic/Sentry monitors, no CloudWatch alarm with alarm_actions, no Alertmanager \
             (if alerts are set up in a SaaS console, attest RUN004)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_documented() {
        crate::rules::support::signals::assert_documented(&NoAlerting::META, ALERTING, true);
    }
}
