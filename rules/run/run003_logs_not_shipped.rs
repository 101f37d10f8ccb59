use crate::declare_rule;
use crate::model::ecs;
use crate::model::terraform::{TerraformFile, Value};
use crate::rule::{Cx, Rule, Scope};
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// Two parts. The repo part asks whether logs are shipped anywhere at all
    /// (CloudWatch log groups, the awslogs, fluentd or FireLens drivers, Datadog,
    /// Papertrail, Loggly, Logtail, ...). The file part, described here, looks at
    /// every ECS container definition of an `aws_ecs_task_definition` and reports
    /// a container without `logConfiguration` (or with `logConfiguration = null`,
    /// or with the `none` log driver, which discards the output).
    ///
    /// Container definitions are read however they are written: `jsonencode([...])`,
    /// a heredoc or string of JSON, and heredocs with interpolations in value
    /// positions (`"cpu": ${var.cpu}`). Definitions that come from `file()`,
    /// `templatefile()`, a data source, a variable or a local cannot be read and
    /// never fire; neither does a container that is itself unknown
    /// (`jsonencode([local.app])`) or an object with a computed key. Keys are
    /// matched case-insensitively, as ECS does.
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
    /// ## How to fix
    /// Give every container a `logConfiguration`: the `awslogs` driver with a
    /// CloudWatch log group (set its `retention_in_days`, see RUN005), or FireLens
    /// (`awsfirelens`) to ship to Datadog, Papertrail or any other service.
    LogsNotShipped {
        id: "RUN003",
        name: "logs-not-shipped",
        pillar: Run,
        stage: Seed,
        scope: Scope::RepoAndFile(&[FileKind::Terraform]),
        severity: Warning,
        since: "0.1.0",
        summary: "container logs are not shipped anywhere",
    }
}

impl Rule for LogsNotShipped {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
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
