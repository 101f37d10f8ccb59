use crate::declare_rule;
use crate::model::dockerfile::{Dockerfile, Instruction};
use crate::model::ecs;
use crate::model::terraform::{Block, TerraformFile, Value};
use crate::parse::yaml::{Node, YamlDocument};
use crate::rule::{Cx, Rule, Scope};
use crate::source::{FileKind, Span};

declare_rule! {
    /// ## What it checks
    /// A service container that nothing checks for health. A health check can live
    /// in several places (Dockerfile `HEALTHCHECK`, ECS `healthCheck`, a load
    /// balancer target group, Kubernetes probes), and most orchestrators ignore the
    /// Dockerfile's, so each part reports only what one file can prove:
    ///
    /// - **ECS**: an `aws_ecs_service` runs a task definition of the same file
    ///   without any `load_balancer`, and a container of that task has
    ///   `portMappings` but no `healthCheck`. Behind a load balancer ECS replaces
    ///   tasks that fail the target group's check, so those services pass; a task
    ///   definition whose service lives in another file says nothing (it may be
    ///   behind one). Definitions are read as in RUN003; unknown ones never fire.
    ///   A pure worker task (no container serves a port or has a `healthCheck`: a
    ///   queue worker) run by a service without a load balancer is reported too, once,
    ///   at its main container (essential, not a log router, agent or proxy sidecar):
    ///   nothing tells ECS that a hung worker must be replaced.
    /// - **Target groups** (`aws_lb_target_group`, `aws_alb_target_group`):
    ///   `health_check { enabled = false }`. A target group without a
    ///   `health_check` block is *not* reported: AWS then checks `/` over HTTP every
    ///   30 seconds. Lambda targets are skipped.
    /// - **Dockerfiles**: `HEALTHCHECK NONE` in the final stage (or a stage it builds
    ///   on) of an image that `EXPOSE`s a port. A Dockerfile without any
    ///   `HEALTHCHECK` is *not* reported: Kubernetes and ECS ignore it and use their
    ///   own checks, and base images (the official `postgres`, `redis`, ...)
    ///   deliberately leave it to whoever runs them. On 37 real service images
    ///   (docker-library, Prometheus, Loki) that would have been 37 findings and no
    ///   useful one.
    /// - **Kubernetes**: a `Deployment`, `StatefulSet`, `DaemonSet` or Argo
    ///   `Rollout` whose container (not an init container) declares `ports` but has
    ///   no `readinessProbe`, `livenessProbe` or `startupProbe`; ports named for
    ///   metrics (`metrics`, `http-metrics`) alone do not make a service. Kustomize patches
    ///   (no `spec.selector`, or a container without `image`) list only what they
    ///   change and are skipped, as are Helm and other templates (`{{ ... }}`).
    ///
    /// ## Why it matters
    /// "Design for 10x" means machines and processes fail all the time and the
    /// platform, not a person, must notice. Without a health check a hung process
    /// that still holds its port keeps receiving traffic, deployments roll out
    /// broken tasks, and the first alert comes from a customer.
    ///
    /// ## Bad
    /// ```hcl
    /// resource "aws_ecs_task_definition" "api" {
    ///   family = "api"
    ///   container_definitions = jsonencode([{
    ///     name         = "api"
    ///     image        = "example/api:1.4.2"
    ///     portMappings = [{ containerPort = 8080 }]
    ///   }])
    /// }
    ///
    /// resource "aws_ecs_service" "api" {
    ///   name            = "api"
    ///   task_definition = aws_ecs_task_definition.api.arn
    ///   desired_count   = 2
    /// }
    /// ```
    ///
    /// ```dockerfile
    /// FROM example/base-api:2.3
    /// EXPOSE 8080
    /// HEALTHCHECK NONE
    /// ```
    ///
    /// ```yaml k8s/api.yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   selector:
    ///     matchLabels: { app: api }
    ///   template:
    ///     metadata:
    ///       labels: { app: api }
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: example/api:1.4.2
    ///           ports:
    ///             - containerPort: 8080
    /// ```
    ///
    /// ## Good
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
    ///
    /// resource "aws_ecs_service" "api" {
    ///   name            = "api"
    ///   task_definition = aws_ecs_task_definition.api.arn
    ///   desired_count   = 2
    /// }
    /// ```
    ///
    /// ```dockerfile
    /// FROM example/base-api:2.3
    /// EXPOSE 8080
    /// HEALTHCHECK --interval=30s --timeout=3s CMD ["/app/healthcheck"]
    /// ```
    ///
    /// ```yaml k8s/api.yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   selector:
    ///     matchLabels: { app: api }
    ///   template:
    ///     metadata:
    ///       labels: { app: api }
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: example/api:1.4.2
    ///           ports:
    ///             - containerPort: 8080
    ///           readinessProbe:
    ///             httpGet: { path: /health, port: 8080 }
    /// ```
    ///
    /// ## How to fix
    /// Give the service a cheap health endpoint and check it where the service
    /// runs: `healthCheck` in the ECS container definition (or a load balancer
    /// target group in front of the service), `readinessProbe` and `livenessProbe`
    /// in Kubernetes, `HEALTHCHECK CMD ...` for plain Docker and Compose.
    NoHealthCheck {
        id: "RUN008",
        name: "no-health-check",
        pillar: Run,
        stage: Growth,
        scope: Scope::File(&[FileKind::Terraform, FileKind::Dockerfile, FileKind::Kubernetes]),
        severity: Note,
        since: "0.1.0",
        summary: "service container without a health check",
    }
}

impl Rule for NoHealthCheck {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        for (task, service) in tasks_without_load_balancer(tf, cx) {
            ecs_task(task, service, cx);
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

    fn check_yaml(&self, docs: &[YamlDocument], cx: &mut Cx) {
        // NOTE: Helm and other Go templates are not Kubernetes yet: their probes may sit
        // behind `{{ ... }}`.
        if cx.text().contains("{{") {
            return;
        }
        for doc in docs {
            kubernetes(&doc.root, cx);
        }
    }
}

/// Whether `service` runs the task definition `task` (`aws_ecs_task_definition.<name>...`).
fn runs_task(service: &Block, task: &Block, cx: &Cx) -> bool {
    let Some(name) = task.name() else {
        return false;
    };
    let needle = format!("aws_ecs_task_definition.{name}");
    service.attr("task_definition").is_some_and(|attr| {
        let text = cx.file.slice(attr.value_span);
        text.match_indices(&needle).any(|(at, _)| {
            matches!(
                text.as_bytes().get(at + needle.len()),
                Some(b'.' | b'[') | None
            )
        })
    })
}

/// The task definitions that a service of this file runs without a load balancer, each
/// with that service.
fn tasks_without_load_balancer<'t>(tf: &'t TerraformFile, cx: &Cx) -> Vec<(&'t Block, &'t Block)> {
    let mut out: Vec<(&Block, &Block)> = Vec::new();
    for service in tf.resources_of_type("aws_ecs_service") {
        if service.blocks_named("load_balancer").next().is_some() {
            continue;
        }
        for task in tf.resources_of_type("aws_ecs_task_definition") {
            if runs_task(service, task, cx) && !out.iter().any(|(t, _)| std::ptr::eq(*t, task)) {
                out.push((task, service));
            }
        }
    }
    out
}

fn ecs_task(task: &Block, service: &Block, cx: &mut Cx) {
    let Some(defs) = ecs::container_definitions(task, cx.text()) else {
        return;
    };
    // A pure worker task (no container serves a port or has a health check): nothing
    // tells ECS that a hung worker must be replaced. Reported once, at its main container.
    let containers = defs.containers();
    let worker_task = containers.iter().all(|c| {
        !c.is_partial()
            && c.entry("portMappings").is_none()
            && c.get("healthCheck").is_none_or(|v| *v == Value::Null)
    });
    let mut worker_reported = false;
    for container in containers {
        if container.is_partial() {
            continue;
        }
        let checked = container
            .get("healthCheck")
            .is_some_and(|v| *v != Value::Null);
        let Some(ports) = container.entry("portMappings") else {
            // A worker (no ports, no load balancer): only its own health check can tell
            // ECS that a hung process must be replaced.
            if worker_task && !worker_reported && is_main_worker(&container) {
                worker_reported = true;
                cx.report(
                    cx.finding(container.anchor())
                        .message(format!(
                            "{} serves no port (a worker) and has no `healthCheck`, and `{}` runs it without a load balancer: a hung process is never replaced",
                            container.describe(),
                            service.address()
                        ))
                        .label(service.header_span, "the service")
                        .help("add a `healthCheck` that proves the worker makes progress (a heartbeat file, a queue ping)"),
                );
            }
            continue;
        };
        let serves = ports.value.as_list().is_some_and(|items| !items.is_empty());
        if serves && !checked {
            cx.report(
                cx.finding(container.anchor())
                    .message(format!(
                        "{} serves on a port but has no `healthCheck`, and `{}` runs it without a load balancer",
                        container.describe(),
                        service.address()
                    ))
                    .label(ports.key_span, "ports it serves")
                    .label(service.header_span, "the service")
                    .help("add a `healthCheck` to the container definition"),
            );
        }
    }
}

/// An essential container that is not a sidecar (a log router, an agent, a proxy).
fn is_main_worker(container: &ecs::Container<'_>) -> bool {
    const SIDECARS: &[&str] = &[
        "agent",
        "xray",
        "otel",
        "collector",
        "log-router",
        "log_router",
        "fluent",
        "envoy",
        "proxy",
        "datadog",
    ];
    let essential = container.get("essential") != Some(&Value::Bool(false));
    let router = container.get("firelensConfiguration").is_some();
    let text = |key: &str| {
        container
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    let (name, image) = (text("name"), text("image"));
    essential
        && !router
        && !SIDECARS
            .iter()
            .any(|s| name.contains(s) || image.contains(s))
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
    let chain = stage_chain(df);
    let Some(expose) = last_in_chain(df, &chain, "EXPOSE") else {
        return;
    };
    let Some(check) = last_in_chain(df, &chain, "HEALTHCHECK") else {
        return;
    };
    if check.args.trim().eq_ignore_ascii_case("none") {
        cx.report(
            cx.finding(check.span)
                .message("`HEALTHCHECK NONE` turns off the health check of an image that serves a port")
                .label(expose.span, "it serves here")
                .help("use `HEALTHCHECK CMD ...` against a cheap endpoint, or check health in the orchestrator"),
        );
    }
}

/// A port named for metrics scraping (`metrics`, `http-metrics`): a controller that exposes
/// only metrics serves no traffic.
fn is_metrics_port(port: &Node) -> bool {
    port.get("name")
        .and_then(Node::as_str)
        .is_some_and(|name| name.to_ascii_lowercase().contains("metric"))
}

/// Workload kinds whose pod template runs long-lived containers.
const WORKLOADS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet", "Rollout"];

const PROBES: &[&str] = &["readinessProbe", "livenessProbe", "startupProbe"];

fn kubernetes(root: &Node, cx: &mut Cx) {
    let Some(kind) = root.get("kind").and_then(Node::as_str) else {
        return;
    };
    if !WORKLOADS.contains(&kind) {
        return;
    }
    let Some(spec) = root.get("spec") else {
        return;
    };
    // NOTE: apps/v1 requires a selector; a manifest without one is a Kustomize patch, which
    // lists only what it changes.
    if spec.get("selector").is_none() {
        return;
    }
    let Some(containers) = spec
        .get("template")
        .and_then(|t| t.get("spec"))
        .and_then(|s| s.get("containers"))
        .map(Node::resolve)
        .and_then(Node::as_seq)
    else {
        return;
    };
    let workload = root
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Node::as_str)
        .unwrap_or("?");
    for container in containers.iter().map(Node::resolve) {
        if container.get("image").is_none() {
            continue;
        }
        let Some(ports) = container.get("ports") else {
            continue;
        };
        let Some(ports) = ports.as_seq().filter(|p| !p.is_empty()) else {
            continue;
        };
        if ports.iter().all(is_metrics_port) {
            continue;
        }
        if PROBES.iter().any(|p| container.get(p).is_some()) {
            continue;
        }
        let name_entry = container.as_map().and_then(|entries| {
            entries
                .iter()
                .find(|(k, _)| k.as_str() == Some("name"))
                .map(|(k, v)| k.span.cover(v.span))
        });
        let at = name_entry.unwrap_or(Span::new(
            container.span.start as usize,
            container.span.start as usize + 1,
        ));
        let what = match container.get("name").and_then(Node::as_str) {
            Some(name) => format!("container `{name}`"),
            None => "a container".to_string(),
        };
        let ports_key = container.as_map().and_then(|entries| {
            entries
                .iter()
                .find(|(k, _)| k.as_str() == Some("ports"))
                .map(|(k, _)| k.span)
        });
        let mut finding = cx
            .finding(at)
            .message(format!(
                "{what} of {kind} `{workload}` serves a port but has no readiness or liveness probe"
            ))
            .help("add a `readinessProbe` (and a `livenessProbe`) against a cheap endpoint");
        if let Some(ports_key) = ports_key {
            finding = finding.label(ports_key, "ports it serves");
        }
        cx.report(finding);
    }
}
