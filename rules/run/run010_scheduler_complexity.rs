use crate::declare_rule;
use crate::facts::{is_auxiliary, Location, RepoFacts};
use crate::rule::{Outcome, RepoCx, Rule, Scope};

declare_rule! {
    /// ## What it checks
    /// The repository runs Kubernetes (a seed-stage concern: the rule applies at
    /// every target stage, so the card's seed column is the same whatever the target):
    /// manifests or Helm charts outside examples and tests, a managed cluster in the
    /// IaC (`KUBERNETES_CLUSTERS`: `aws_eks_cluster`, `google_container_cluster`,
    /// `azurerm_kubernetes_cluster`, `digitalocean_kubernetes_cluster`, or modules
    /// whose source names eks, gke, kubernetes-engine or aks), or Terraform's
    /// `helm_release` and `kubernetes_*` resources.
    ///
    /// A note, not a verdict: if the team has asked "why do we need it?" and has an
    /// answer (the talk's growth stage: a dedicated operator who can "evaluate fancier
    /// schedulers"), attest it (`[attest] RUN010 = { reason = "accepted-risk", note =
    /// "two platform engineers run the cluster" }`). Repos that deploy without
    /// Kubernetes pass; a library of reusable modules does not apply, nor do Helm charts
    /// published for others to install (charts whose CI releases them with
    /// chart-releaser, `helm push` or `helm package`, with no Kubernetes object outside
    /// the charts, no IaC and no CI deploy): the operators who install them chose
    /// Kubernetes. A note is advice on the readiness card: it never fails a stage.
    ///
    /// ## Why it matters
    /// The talk's note on schedulers: "schedulers are fantastic, but not silver
    /// bullets ... complex software has complex failure modes ... keep it simple ...
    /// dedicated operator almost a requirement for more advanced systems. Ask: why
    /// do we need it?" A seed-stage team with ~0 operators is better served by ECS,
    /// Nomad or a PaaS.
    ///
    /// ## Bad
    /// ```hcl
    /// resource "aws_eks_cluster" "main" {
    ///   name     = "main"
    ///   role_arn = aws_iam_role.eks.arn
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// resource "aws_ecs_cluster" "main" {
    ///   name = "main"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Prefer a managed scheduler without a control plane to operate (ECS on
    /// Fargate, Cloud Run, a PaaS) until the team has someone whose job is to run
    /// Kubernetes, or attest the decision with its reason.
    SchedulerComplexity {
        id: "RUN010",
        name: "scheduler-complexity",
        pillar: Run,
        stage: Seed,
        scope: Scope::Repo,
        severity: Note,
        since: "0.1.0",
        summary: "Kubernetes at the seed stage",
    }
}

/// Managed Kubernetes clusters in Terraform.
pub(crate) const KUBERNETES_CLUSTERS: &[&str] = &[
    "aws_eks_cluster",
    "google_container_cluster",
    "azurerm_kubernetes_cluster",
    "digitalocean_kubernetes_cluster",
];
const CLUSTER_MODULES: &[&str] = &[
    "/eks",
    "eks/aws",
    "terraform-aws-eks",
    "gke",
    "kubernetes-engine",
    "/aks",
    "aks/azurerm",
];

fn kubernetes_evidence(facts: &RepoFacts) -> Option<(String, Location)> {
    if let Some(r) = facts
        .main_resources()
        .find(|r| KUBERNETES_CLUSTERS.contains(&r.ty.as_str()))
    {
        return Some((format!("managed cluster {}", r.address), r.location.clone()));
    }
    if let Some(m) = facts
        .main_modules()
        .find(|m| CLUSTER_MODULES.iter().any(|f| m.source_lower().contains(f)))
    {
        return Some((format!("cluster module.{}", m.name), m.location.clone()));
    }
    if let Some(o) = facts.kubernetes.iter().find(|o| {
        !is_auxiliary(&o.path)
            && !crate::facts::kubernetes::is_patch(&o.path)
            && matches!(
                o.kind.as_str(),
                "Deployment"
                    | "StatefulSet"
                    | "DaemonSet"
                    | "CronJob"
                    | "Job"
                    | "Service"
                    | "Ingress"
            )
    }) {
        return Some((
            format!("Kubernetes {} in {}", o.kind, o.path),
            o.location.clone(),
        ));
    }
    if let Some(t) = facts
        .tools
        .iter()
        .find(|t| t.kind == "helm-chart" && !is_auxiliary(&t.path))
    {
        return Some((format!("Helm chart {}", t.path), t.location.clone()));
    }
    facts
        .main_resources()
        .find(|r| r.ty == "helm_release" || r.ty.starts_with("kubernetes_"))
        .map(|r| (format!("{} in the IaC", r.address), r.location.clone()))
}

impl Rule for SchedulerComplexity {
    fn check_repo(&self, facts: &RepoFacts, cx: &mut RepoCx) -> Outcome {
        if facts.is_module_library() {
            cx.detail("reusable Terraform modules only: the scheduler is the callers' choice");
            return Outcome::NotApplicable;
        }
        if let Some(why) = facts.published_charts() {
            cx.detail(why);
            return Outcome::NotApplicable;
        }
        if let Some((what, location)) = kubernetes_evidence(facts) {
            cx.report_at(
                &location,
                format!(
                    "{what}: Kubernetes at the seed stage needs an operator; keep it simple and ask why \
                     you need it (ECS, Nomad or a PaaS first), or attest the decision"
                ),
            );
            return Outcome::Fail;
        }
        let deployed = facts.deployed().is_some()
            || !facts.compute_resources().is_empty()
            || !facts.compute_modules().is_empty();
        if deployed {
            cx.detail("deploys without Kubernetes");
            return Outcome::Pass;
        }
        cx.detail("nothing is deployed from this repo");
        Outcome::NotApplicable
    }
}
