use std::collections::BTreeSet;

use crate::declare_rule;
use crate::facts::terraform::TfBlock;
use crate::facts::{is_auxiliary, loc_string, RepoFacts};
use crate::model::environment::{is_non_production, non_production_path, non_production_word};
use crate::model::terraform::{Block, TerraformFile};
use crate::rule::{Cx, Outcome, RepoCx, Rule, Scope};
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// Services that cannot scale with load:
    /// - an ECS service (`aws_ecs_service`, not a `DAEMON`) that no
    ///   `aws_appautoscaling_target` with `service_namespace = "ecs"` names: the
    ///   target's `resource_id` (`service/<cluster>/<service>`) must refer to the
    ///   service (`aws_ecs_service.web.name`) or spell its literal name; an ECS
    ///   service module with `enable_autoscaling = false` counts as well (file-spanning:
    ///   the target may be in another file);
    /// - an autoscaling group (`aws_autoscaling_group`, the autoscaling module, or an
    ///   EKS node group's `scaling_config`) whose `min_size` equals its `max_size`
    ///   (per file, at `max_size`; groups scaled to zero are left alone);
    /// - a Kubernetes `Deployment` that no `HorizontalPodAutoscaler` or KEDA
    ///   `ScaledObject` targets: the autoscaler's `scaleTargetRef` must name the
    ///   Deployment's kind and name (the autoscaler's own name does not count), in the
    ///   same `metadata.namespace` when both declare one (an unset namespace matches any:
    ///   kustomize or `kubectl -n` sets it), so an HPA that scales another Deployment
    ///   leaves this one reported (a Helm template's templated name matches an
    ///   autoscaler of the same chart); one finding per Deployment name, kustomize
    ///   patches (`*patch*.yaml`) skipped. A Helm template's Deployment is keyed by its
    ///   file name, so `templates/frontend.yaml` and a raw `frontend` Deployment are one
    ///   workload and one finding. Workloads that serve no traffic (no `containerPort`:
    ///   a load generator, a queue worker) and in-cluster data stores (`DATA_STORE_IMAGES`:
    ///   redis, valkey, memcached, postgres, mysql, mariadb, mongo, rabbitmq,
    ///   elasticsearch, opensearch, cassandra, zookeeper, kafka, etcd, nats,
    ///   spanner-emulator, cockroach) are not scaled by load and are not checked; a
    ///   templated Deployment may template its ports and is kept.
    ///
    /// Only production and resources whose environment cannot be told are checked
    /// (`crate::model::environment`): anything under a path segment (or in a file)
    /// named dev, development, stage, staging, qa, test, sandbox, preview, uat, preprod or
    /// non-prod/nonprod, or whose
    /// name or `Environment`/`Name` tag says so, is exempt. A target whose `resource_id`
    /// cannot be evaluated may name any service: then nothing fires and the outcome
    /// is inconclusive. Findings point at the service's block header or the
    /// Deployment's `kind:` line.
    ///
    /// ## Why it matters
    /// The talk's stage two, "design for 10x", and the Segment stack it recommends
    /// ships "basic auto-scaling". A fixed-size service is either over-provisioned
    /// (burn rate) or falls over at the first spike, while nobody is on call.
    ///
    /// ## Bad
    /// ```hcl
    /// resource "aws_ecs_service" "web" {
    ///   name          = "web"
    ///   desired_count = 2
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// resource "aws_ecs_service" "web" {
    ///   name          = "web"
    ///   desired_count = 2
    /// }
    /// resource "aws_appautoscaling_target" "web" {
    ///   service_namespace  = "ecs"
    ///   resource_id        = "service/${aws_ecs_cluster.main.name}/${aws_ecs_service.web.name}"
    ///   scalable_dimension = "ecs:service:DesiredCount"
    ///   min_capacity       = 2
    ///   max_capacity       = 10
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add an `aws_appautoscaling_target` and a target-tracking
    /// `aws_appautoscaling_policy` (CPU or request count) for each ECS service, give
    /// autoscaling groups room between `min_size` and `max_size`, and an HPA to each
    /// Deployment.
    NoAutoscaling {
        id: "RUN006",
        name: "no-autoscaling",
        pillar: Run,
        stage: Growth,
        scope: Scope::RepoAndFile(&[FileKind::Terraform]),
        severity: Warning,
        since: "0.1.0",
        summary: "service cannot autoscale",
        precision: Medium,
    }
}

fn number(block: &Block, key: &str) -> Option<(f64, crate::source::Span)> {
    let attr = block.attr(key)?;
    Some((attr.value.as_f64()?, attr.span))
}

fn check_group(block: &Block, what: &str, cx: &mut Cx) {
    let (Some((min, min_span)), Some((max, max_span))) =
        (number(block, "min_size"), number(block, "max_size"))
    else {
        return;
    };
    if min == max && max > 0.0 {
        cx.report(
            cx.finding(max_span)
                .message(format!(
                    "{what} has min_size = max_size = {max}: it cannot scale"
                ))
                .label(min_span, "same as min_size")
                .help("leave room between min_size and max_size and add a scaling policy"),
        );
    }
}

impl NoAutoscaling {
    /// File part: autoscaling groups and node groups with a fixed size.
    fn check_groups(&self, tf: &TerraformFile, cx: &mut Cx) {
        if is_auxiliary(cx.path()) {
            return;
        }
        let path = cx.path().to_string();
        for block in tf.resources_of_type("aws_autoscaling_group") {
            if !is_non_production(&path, block) {
                check_group(block, &block.address(), cx);
            }
        }
        for block in tf.resources_of_type("aws_eks_node_group") {
            if is_non_production(&path, block) {
                continue;
            }
            for scaling in block.blocks_named("scaling_config") {
                check_group(scaling, &block.address(), cx);
            }
        }
        for block in tf.modules().filter(|b| !is_non_production(&path, b)) {
            let source = block.value("source").and_then(|v| v.as_str()).unwrap_or("");
            if source.contains("autoscaling") {
                check_group(block, &block.address(), cx);
            }
        }
    }

    /// Repo part: ECS services ↔ autoscaling targets, Deployments ↔ HPAs.
    fn check_relations(&self, facts: &RepoFacts, cx: &mut RepoCx) -> Outcome {
        let in_scope = |path: &str| !is_auxiliary(path) && non_production_path(path).is_none();
        let named_production = |r: &TfBlock| {
            let tag_says = ["tags", "tags_all"].iter().any(|k| {
                r.attr(k).is_some_and(|t| {
                    t.strings_lower()
                        .iter()
                        .any(|v| non_production_word(v).is_some())
                })
            });
            non_production_word(&r.name).is_none()
                && r.str_attr("name")
                    .is_none_or(|n| non_production_word(n).is_none())
                && !tag_says
        };
        let services: Vec<&TfBlock> = facts
            .terraform
            .resources
            .iter()
            .filter(|r| r.ty == "aws_ecs_service" && in_scope(&r.path) && named_production(r))
            .filter(|r| r.str_attr("scheduling_strategy") != Some("DAEMON"))
            .collect();
        let groups = facts
            .terraform
            .resources
            .iter()
            .filter(|r| {
                matches!(
                    r.ty.as_str(),
                    "aws_autoscaling_group" | "aws_eks_node_group"
                ) && in_scope(&r.path)
            })
            .count();
        // One finding per Deployment name: the same Deployment often appears in a kustomize
        // base, its overlays and a rendered release file. Kustomize patches are partial.
        // A templated name (a Helm template) is keyed by its file's stem, so the chart's
        // `templates/frontend.yaml` and the raw `frontend` Deployment are one workload.
        // Workloads that serve no traffic (no `containerPort`: a load generator, a
        // worker) and in-cluster data stores (a Redis cache) are not scaled by load. A
        // templated Deployment may template its ports: it is kept.
        let mut seen_names = std::collections::BTreeSet::new();
        let deployments: Vec<_> = facts
            .kubernetes
            .iter()
            .filter(|o| {
                o.kind == "Deployment"
                    && in_scope(&o.path)
                    && !crate::facts::kubernetes::is_patch(&o.path)
                    && o.name
                        .as_deref()
                        .is_none_or(|n| non_production_word(n).is_none())
                    && (o.container_ports || o.name.is_none())
                    && !o.images.iter().any(|i| is_data_store_image(i))
            })
            .filter(|o| seen_names.insert(workload_key(o)))
            .collect();
        let service_modules: Vec<_> = facts
            .terraform
            .modules
            .iter()
            .filter(|m| {
                in_scope(&m.path)
                    && m.source_lower().contains("ecs")
                    && m.source_lower().contains("service")
            })
            .collect();
        if services.is_empty()
            && groups == 0
            && deployments.is_empty()
            && service_modules.is_empty()
        {
            let any = facts
                .terraform
                .resources
                .iter()
                .any(|r| r.ty == "aws_ecs_service")
                || facts.kubernetes.iter().any(|o| o.kind == "Deployment");
            cx.detail(if any {
                "only non-production (or example) services"
            } else {
                "no ECS services, autoscaling groups or Kubernetes Deployments"
            });
            return Outcome::NotApplicable;
        }
        let mut failed = false;
        let mut unknown: Option<String> = None;

        // ECS services and their autoscaling targets.
        let targets: Vec<&TfBlock> = facts
            .terraform
            .resources
            .iter()
            .filter(|r| r.ty == "aws_appautoscaling_target")
            .filter(|r| r.str_attr("service_namespace").is_none_or(|ns| ns == "ecs"))
            .collect();
        let referenced: BTreeSet<&str> = targets
            .iter()
            .flat_map(|t| t.references.iter().map(String::as_str))
            .collect();
        let literal_ids: Vec<&str> = targets
            .iter()
            .filter_map(|t| t.str_attr("resource_id"))
            .collect();
        let opaque = targets.iter().find(|t| {
            t.str_attr("resource_id").is_none()
                && !t
                    .references
                    .iter()
                    .any(|r| r.starts_with("aws_ecs_service."))
        });
        for s in &services {
            let by_reference = referenced.contains(s.address.as_str());
            let by_name = s.str_attr("name").is_some_and(|n| {
                literal_ids
                    .iter()
                    .any(|id| id.rsplit('/').next() == Some(n))
            });
            if by_reference || by_name {
                continue;
            }
            if let Some(t) = opaque {
                unknown.get_or_insert_with(|| {
                    format!(
                        "{} may scale {} (its resource_id cannot be evaluated)",
                        t.address, s.address
                    )
                });
                continue;
            }
            cx.report_at(
                &s.location,
                format!(
                    "ECS service {} has no autoscaling: no aws_appautoscaling_target (service_namespace \
                     \"ecs\") names it in its resource_id",
                    s.address
                ),
            );
            failed = true;
        }
        for m in &service_modules {
            if m.attr("enable_autoscaling").and_then(|v| v.as_bool()) == Some(false) {
                cx.report_at(
                    &m.location,
                    format!(
                        "ECS service module.{} has enable_autoscaling = false",
                        m.name
                    ),
                );
                failed = true;
            }
        }

        // Kubernetes Deployments and their autoscalers.
        let autoscalers: Vec<_> = facts
            .kubernetes
            .iter()
            .filter_map(|o| o.scale_target.as_ref().map(|t| (o, t)))
            .filter(|(_, (kind, _))| kind == "Deployment")
            .collect();
        for d in &deployments {
            let chart = chart_dir(&d.path);
            let scaled = match &d.name {
                // The autoscaler's `scaleTargetRef` (not its own name) must name the
                // Deployment, in the same namespace when both are known.
                Some(name) => autoscalers.iter().any(|(a, (_, n))| {
                    n.as_deref() == Some(name.as_str())
                        && match (&a.namespace, &d.namespace) {
                            (Some(a_ns), Some(d_ns)) => a_ns == d_ns,
                            _ => true,
                        }
                }),
                None => autoscalers
                    .iter()
                    .any(|(a, (_, n))| n.is_none() && chart_dir(&a.path) == chart),
            };
            if scaled {
                continue;
            }
            if d.name.is_some() {
                if let Some((a, _)) = autoscalers.iter().find(|(_, (_, n))| n.is_none()) {
                    unknown.get_or_insert_with(|| {
                        format!(
                            "the templated autoscaler in {} may target Deployment {}",
                            a.path,
                            d.name.as_deref().unwrap_or("")
                        )
                    });
                    continue;
                }
            }
            cx.report_at(
                &d.location,
                format!(
                    "Deployment {} has no HorizontalPodAutoscaler or KEDA ScaledObject targeting it",
                    d.name.as_deref().unwrap_or("(templated name)")
                ),
            );
            failed = true;
        }

        if failed {
            return Outcome::Fail;
        }
        if let Some(why) = unknown {
            return Outcome::Inconclusive(why);
        }
        let mut parts = Vec::new();
        if !services.is_empty() {
            parts.push(format!(
                "{} ECS service(s) with autoscaling targets",
                services.len()
            ));
        }
        if !deployments.is_empty() {
            parts.push(format!(
                "{} Deployment(s) with autoscalers",
                deployments.len()
            ));
        }
        if groups > 0 {
            parts.push(format!(
                "{groups} autoscaling/node group(s) (sizes checked per file)"
            ));
        }
        if let Some(t) = targets.first() {
            parts.push(format!("e.g. {} at {}", t.address, loc_string(&t.location)));
        }
        cx.detail(parts.join("; "));
        Outcome::Pass
    }
}

/// The Helm chart (or directory) a manifest belongs to: the part before `/templates/`.
fn chart_dir(path: &str) -> &str {
    match path.find("/templates/") {
        Some(i) => &path[..i],
        None => crate::facts::dir_of(path),
    }
}

/// Images of data stores and brokers run in the cluster: replicas of these are not added
/// by load (a cache or a database scales by its own clustering).
const DATA_STORE_IMAGES: &[&str] = &[
    "redis",
    "valkey",
    "memcached",
    "postgres",
    "mysql",
    "mariadb",
    "mongo",
    "rabbitmq",
    "elasticsearch",
    "opensearch",
    "cassandra",
    "zookeeper",
    "kafka",
    "etcd",
    "nats",
    "spanner-emulator",
    "cockroach",
];

fn is_data_store_image(image: &str) -> bool {
    let name = image.split(['@']).next().unwrap_or(image);
    let name = name.rsplit('/').next().unwrap_or(name);
    let name = name.split(':').next().unwrap_or(name).to_ascii_lowercase();
    DATA_STORE_IMAGES
        .iter()
        .any(|d| name == *d || name.starts_with(&format!("{d}-")))
}

/// The name that identifies a Deployment across raw manifests and charts.
fn workload_key(o: &crate::facts::kubernetes::K8sObject) -> String {
    match &o.name {
        Some(n) => n.clone(),
        None => {
            let file = o.path.rsplit('/').next().unwrap_or(&o.path);
            file.split('.').next().unwrap_or(file).to_string()
        }
    }
}

impl Rule for NoAutoscaling {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        self.check_groups(tf, cx);
    }

    fn check_repo(&self, facts: &RepoFacts, cx: &mut RepoCx) -> Outcome {
        self.check_relations(facts, cx)
    }
}
