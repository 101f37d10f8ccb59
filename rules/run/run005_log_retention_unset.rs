use crate::declare_rule;
use crate::finding::Edit;
use crate::model::terraform::{TerraformFile, Value};
use crate::rule::{Cx, Rule, Scope};
use crate::rules::support::terraform_edit;
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// An `aws_cloudwatch_log_group` without `retention_in_days`, or with
    /// `retention_in_days = 0`: both mean the logs are kept for ever. A retention
    /// set through a variable or a local cannot be known and never fires.
    ///
    /// ## Why it matters
    /// Shipping logs is the talk's first step of running a service; keeping them
    /// for ever is the slow leak that follows. CloudWatch charges for every
    /// gigabyte stored each month, and "Design for 10x" means ten times the logs:
    /// without a retention the bill only grows, and old logs may hold personal
    /// data you are not allowed to keep.
    ///
    /// ## Bad
    /// ```hcl
    /// resource "aws_cloudwatch_log_group" "api" {
    ///   name = "/ecs/api"
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// resource "aws_cloudwatch_log_group" "api" {
    ///   name              = "/ecs/api"
    ///   retention_in_days = 30
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `retention_in_days` to what you need to debug and to audit (14, 30, 90,
    /// 365 days, ...); export to S3 with a lifecycle rule if you must keep more.
    ///
    /// ## Fix
    /// Unsafe. `--fix --unsafe-fixes` sets `retention_in_days = 90` (adding the line, or
    /// replacing `0`/`null`): CloudWatch then **deletes log events older than 90 days**,
    /// including the ones already stored. Change the value if you must keep them longer.
    LogRetentionUnset {
        id: "RUN005",
        name: "log-retention-unset",
        pillar: Run,
        stage: Growth,
        scope: Scope::File(&[FileKind::Terraform]),
        severity: Note,
        since: "0.1.0",
        summary: "log group keeps logs for ever",
        fix: Unsafe,
    }
}

const HELP: &str = "set `retention_in_days` (e.g. 30 or 90)";

/// What the unsafe fix sets: logs older than this are deleted.
const RETENTION: &str = "90";
const FIX: &str = "set `retention_in_days = 90`";

impl Rule for LogRetentionUnset {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        for block in tf.resources_of_type("aws_cloudwatch_log_group") {
            match block.attr("retention_in_days") {
                None => cx.report(
                    cx.finding(block.header_span)
                        .message(format!(
                            "log group `{}` has no `retention_in_days`: logs are kept for ever",
                            block.address()
                        ))
                        .help(HELP)
                        .fix(
                            FIX,
                            terraform_edit::set_attribute(
                                cx.text(),
                                block,
                                "retention_in_days",
                                RETENTION,
                            )
                            .into_iter()
                            .collect(),
                        ),
                ),
                Some(attr) if attr.value.as_f64() == Some(0.0) || attr.value == Value::Null => cx
                    .report(
                        cx.finding(attr.span)
                            .message(format!(
                                "`retention_in_days = {}` keeps logs for ever",
                                cx.file.slice(attr.value_span)
                            ))
                            .help(HELP)
                            .fix(FIX, vec![Edit::replace(attr.value_span, RETENTION)]),
                    ),
                Some(_) => {}
            }
        }
    }
}
