use crate::declare_rule;
use crate::model::terraform::{Attribute, Block, TerraformFile};
use crate::rule::{Cx, Rule, Scope};
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// An `aws_ecs_service` that rolls out new task definitions with nothing to stop
    /// and undo a bad one. A service is safe with any of:
    ///
    /// - `deployment_circuit_breaker { enable = true, rollback = true }`;
    /// - `alarms { enable = true, rollback = true }` (CloudWatch alarm rollback);
    /// - a blue/green, canary or linear deployment: `deployment_controller { type = "CODE_DEPLOY" }`,
    ///   or `deployment_configuration { strategy = "BLUE_GREEN" }` (also `CANARY`, `LINEAR`).
    ///
    /// A service with an `EXTERNAL` deployment controller is deployed by another
    /// tool and says nothing. Unknown values (a `dynamic` block fed by a variable,
    /// `enable = var.x`) never fire. With no safety block at all the finding points
    /// at the service's header; a circuit breaker that is off points at the
    /// offending attribute.
    ///
    /// ## Why it matters
    /// "Plan for 100x": with many teams deploying many times a day, a bad release
    /// must roll itself back. ECS's default rolling update keeps replacing healthy
    /// tasks with tasks that crash, and without a circuit breaker it retries for
    /// hours while the service degrades; blue/green keeps the old version serving
    /// until the new one proves healthy.
    ///
    /// ## Bad
    /// ```hcl
    /// resource "aws_ecs_service" "api" {
    ///   name            = "api"
    ///   cluster         = aws_ecs_cluster.main.id
    ///   task_definition = aws_ecs_task_definition.api.arn
    ///   desired_count   = 3
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// resource "aws_ecs_service" "api" {
    ///   name            = "api"
    ///   cluster         = aws_ecs_cluster.main.id
    ///   task_definition = aws_ecs_task_definition.api.arn
    ///   desired_count   = 3
    ///
    ///   deployment_circuit_breaker {
    ///     enable   = true
    ///     rollback = true
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `deployment_circuit_breaker { enable = true, rollback = true }` (and a
    /// container or load balancer health check so failures are seen), or move to
    /// blue/green deployments with ECS's `BLUE_GREEN` strategy or CodeDeploy.
    NoDeploymentSafety {
        id: "DLV006",
        name: "no-deployment-safety",
        pillar: Dlv,
        stage: Scale,
        scope: Scope::File(&[FileKind::Terraform]),
        severity: Note,
        since: "0.1.0",
        summary: "ECS service deploys without rollback or blue/green",
    }
}

/// What a `deployment_circuit_breaker` or `alarms` block says.
enum Safety<'a> {
    On,
    /// Present but off: the block, and the attribute that turns it off (none when missing).
    Off(&'a Block, Option<&'a Attribute>),
    Unknown,
}

/// On when both `enable` and `rollback` are true.
fn enable_and_rollback(block: &Block) -> Safety<'_> {
    let mut off = None;
    for key in ["enable", "rollback"] {
        match block.attr(key).map(|a| (a, a.value.as_bool())) {
            Some((_, Some(true))) => {}
            Some((attr, Some(false))) => off = off.or(Some(attr)),
            Some((_, None)) => return Safety::Unknown,
            None => return Safety::Off(block, None),
        }
    }
    match off {
        Some(attr) => Safety::Off(block, Some(attr)),
        None => Safety::On,
    }
}

/// Whether some block `kind` sets `key` to one of `safe` (or to something unknown).
fn gradual_or_unknown(service: &Block, kind: &str, key: &str, safe: &[&str]) -> bool {
    service
        .blocks_named(kind)
        .any(|block| match block.value(key) {
            None => false,
            Some(value) => match value.as_str() {
                Some(v) => safe.iter().any(|s| s.eq_ignore_ascii_case(v)),
                None => true,
            },
        })
}

impl Rule for NoDeploymentSafety {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        for service in tf.resources_of_type("aws_ecs_service") {
            check_service(service, cx);
        }
    }
}

fn check_service(service: &Block, cx: &mut Cx) {
    if gradual_or_unknown(
        service,
        "deployment_controller",
        "type",
        &["CODE_DEPLOY", "EXTERNAL"],
    ) || gradual_or_unknown(
        service,
        "deployment_configuration",
        "strategy",
        &["BLUE_GREEN", "CANARY", "LINEAR"],
    ) {
        return;
    }
    let mut off = Vec::new();
    for block in service
        .blocks_named("deployment_circuit_breaker")
        .chain(service.blocks_named("alarms"))
    {
        match enable_and_rollback(block) {
            Safety::On | Safety::Unknown => return,
            Safety::Off(block, attr) => off.push((block, attr)),
        }
    }
    let finding = match off.first() {
        None => cx.finding(service.header_span).message(format!(
            "ECS service `{}` has no deployment circuit breaker and no blue/green deployment",
            service.address()
        )),
        Some((block, attr)) => {
            let what = if block.kind == "alarms" {
                "alarm rollback"
            } else {
                "deployment circuit breaker"
            };
            let (at, how) = match attr {
                Some(a) => (
                    a.span,
                    format!("`{} = {}`", a.key, cx.file.slice(a.value_span)),
                ),
                None => (
                    block.header_span,
                    "a missing `enable` or `rollback`".to_string(),
                ),
            };
            cx.finding(at).message(format!(
                "{how} turns off the {what} of `{}`: a failed deployment is not rolled back",
                service.address()
            ))
        }
    };
    cx.report(finding.help(
        "add `deployment_circuit_breaker { enable = true, rollback = true }`, or deploy blue/green",
    ));
}
