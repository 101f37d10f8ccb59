use crate::declare_rule;
use crate::model::ecs;
use crate::model::terraform::{Block, TerraformFile, Value};
use crate::parse::dockerfile::{Dockerfile, Instruction};
use crate::rule::{Cx, Rule, Scope};
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// A container that serves traffic with nothing checking that it is healthy:
    ///
    /// - **ECS**: a container definition with `portMappings` but no `healthCheck`,
    ///   unless an `aws_ecs_service` in the same file runs the task behind a
    ///   `load_balancer` (ECS then replaces tasks that fail the target group's
    ///   check). Definitions are read as in RUN003; unknown ones never fire.
    /// - **Load balancer target groups**: `health_check { enabled = false }`. A
    ///   target group without a `health_check` block is *not* reported: AWS then
    ///   checks `/` over HTTP every 30 seconds. Lambda targets are skipped.
    /// - **Dockerfiles**: the final stage (with the stages it builds on) `EXPOSE`s
    ///   a port, so it is a service, and has no `HEALTHCHECK`, or ends with
    ///   `HEALTHCHECK NONE`. Images that expose nothing (CLIs, workers, build
    ///   images) are not services and say nothing. A `HEALTHCHECK` inherited from
    ///   a registry base image cannot be seen.
    ///
    /// Kubernetes ignores a Dockerfile's `HEALTHCHECK` and uses probes instead: if
    /// the image only runs on Kubernetes with probes, suppress the Dockerfile
    /// finding with a reason.
    ///
    /// ## Why it matters
    /// "Design for 10x" means machines and processes fail all the time and the
    /// platform, not a person, must notice. Without a health check a hung process
    /// that still holds its port keeps receiving traffic, deployments roll out
    /// broken tasks, and the first alert comes from a customer.
    ///
    /// ## Bad
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY . .
    /// EXPOSE 3000
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ```hcl
    /// resource "aws_ecs_task_definition" "api" {
    ///   family = "api"
    ///   container_definitions = jsonencode([{
    ///     name         = "api"
    ///     image        = "example/api:1.4.2"
    ///     portMappings = [{ containerPort = 8080 }]
    ///   }])
    /// }
    /// ```
    ///
    /// ## Good
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY . .
    /// EXPOSE 3000
    /// HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "healthcheck.js"]
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ```hcl
    /// resource "aws_ecs_task_definition" "api" {
    ///   family = "api"
    ///   container_definitions = jsonencode([{
    ///     name         = "api"
    ///     image        = "example/api:1.4.2"
    ///     portMappings = [{ containerPort = 8080 }]
    ///     healthCheck = {
    ///       command  = ["CMD-SHELL", "curl -fsS http://localhost:8080/health || exit 1"]
    ///       interval = 30
    ///       retries  = 3
    ///     }
    ///   }])
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Give the service a cheap health endpoint and check it: `HEALTHCHECK` in the
    /// Dockerfile, `healthCheck` in the ECS container definition (or a load
    /// balancer target group in front of the service), `readinessProbe` and
    /// `livenessProbe` in Kubernetes.
    NoHealthCheck {
        id: "RUN008",
        name: "no-health-check",
        pillar: Run,
        stage: Growth,
        scope: Scope::File(&[FileKind::Terraform, FileKind::Dockerfile]),
        severity: Note,
        since: "0.1.0",
        summary: "service container without a health check",
    }
}

impl Rule for NoHealthCheck {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        for block in tf.resources_of_type("aws_ecs_task_definition") {
            ecs_task(tf, block, cx);
        }
        for ty in ["aws_lb_target_group", "aws_alb_target_group"] {
            for block in tf.resources_of_type(ty) {
                target_group(block, cx);
            }
        }
    }

    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Cx) {
        dockerfile(df, cx);
    }
}

/// Whether an `aws_ecs_service` of this file runs `task` behind a load balancer.
fn behind_load_balancer(tf: &TerraformFile, task: &Block, cx: &Cx) -> bool {
    let Some(name) = task.name() else {
        return false;
    };
    let needle = format!("aws_ecs_task_definition.{name}");
    tf.resources_of_type("aws_ecs_service").any(|service| {
        let uses_task = service.attr("task_definition").is_some_and(|attr| {
            let text = cx.file.slice(attr.value_span);
            text.match_indices(&needle).any(|(at, _)| {
                matches!(
                    text.as_bytes().get(at + needle.len()),
                    Some(b'.' | b'[') | None
                )
            })
        });
        uses_task && service.blocks_named("load_balancer").next().is_some()
    })
}

fn ecs_task(tf: &TerraformFile, block: &Block, cx: &mut Cx) {
    let Some(defs) = ecs::container_definitions(block, cx.text()) else {
        return;
    };
    let containers = defs.containers();
    if containers.is_empty() || behind_load_balancer(tf, block, cx) {
        return;
    }
    for container in containers {
        if container.is_partial() {
            continue;
        }
        let Some(ports) = container.entry("portMappings") else {
            continue;
        };
        let serves = ports.value.as_list().is_some_and(|items| !items.is_empty());
        let checked = container
            .get("healthCheck")
            .is_some_and(|v| *v != Value::Null);
        if serves && !checked {
            cx.report(
                cx.finding(container.anchor())
                    .message(format!(
                        "{} serves on a port but has no `healthCheck`",
                        container.describe()
                    ))
                    .label(ports.span, "ports it serves")
                    .help("add a `healthCheck`, or run the service behind a load balancer target group"),
            );
        }
    }
}

fn target_group(block: &Block, cx: &mut Cx) {
    if block.value("target_type").and_then(Value::as_str) == Some("lambda") {
        return;
    }
    for check in block.blocks_named("health_check") {
        if let Some(enabled) = check.attr("enabled") {
            if enabled.value.as_bool() == Some(false) {
                cx.report(
                    cx.finding(enabled.span)
                        .message(format!(
                            "target group `{}` turns its health check off",
                            block.address()
                        ))
                        .help("enable the health check on a cheap endpoint such as `/health`"),
                );
            }
        }
    }
}

/// The final stage and the earlier stages it builds on (`FROM builder`), final first.
fn stage_chain(df: &Dockerfile) -> Vec<usize> {
    let mut chain = Vec::new();
    let mut current = df.final_stage();
    while let Some(stage) = current {
        if chain.contains(&stage.index) {
            break;
        }
        chain.push(stage.index);
        current = df.stages.get(..stage.index).and_then(|earlier| {
            earlier.iter().rev().find(|e| {
                e.alias
                    .as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(&stage.image))
            })
        });
    }
    chain
}

/// The last instruction with `keyword` along the chain (the final stage wins).
fn last_in_chain<'d>(
    df: &'d Dockerfile,
    chain: &[usize],
    keyword: &str,
) -> Option<&'d Instruction> {
    chain.iter().find_map(|&stage| {
        df.stage_instructions(stage)
            .filter(|i| i.keyword == keyword)
            .last()
    })
}

fn dockerfile(df: &Dockerfile, cx: &mut Cx) {
    let Some(stage) = df.final_stage() else {
        return;
    };
    let chain = stage_chain(df);
    let Some(expose) = last_in_chain(df, &chain, "EXPOSE") else {
        return;
    };
    match last_in_chain(df, &chain, "HEALTHCHECK") {
        Some(check) if check.args.trim().eq_ignore_ascii_case("none") => cx.report(
            cx.finding(check.span)
                .message("`HEALTHCHECK NONE` turns off the health check of a container that serves a port")
                .label(expose.span, "it serves here")
                .help("use `HEALTHCHECK CMD ...` against a cheap endpoint"),
        ),
        Some(_) => {}
        None => {
            let from = df
                .instructions
                .get(stage.from)
                .map(|i| i.span)
                .unwrap_or(stage.image_span);
            cx.report(
                cx.finding(from)
                    .message(format!(
                        "the image serves `EXPOSE {}` but has no `HEALTHCHECK`",
                        expose.args.trim()
                    ))
                    .label(expose.span, "it serves here")
                    .help("add `HEALTHCHECK CMD ...` against a cheap endpoint (or use orchestrator probes)"),
            );
        }
    }
}
