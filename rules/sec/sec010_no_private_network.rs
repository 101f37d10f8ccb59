use crate::declare_rule;
use crate::facts::terraform::{AttrValue, TfBlock};
use crate::facts::{loc_string, RepoFacts};
use crate::rule::{Outcome, RepoCx, Rule, Scope};

declare_rule! {
    /// ## What it checks
    /// Servers, containers or databases are provisioned (`PLACED_COMPUTE`:
    /// `aws_instance`, launch templates, autoscaling groups, ECS services, EKS,
    /// RDS, ElastiCache, DocumentDB, OpenSearch, MQ, MSK, Lambda functions with a
    /// `vpc_config`; `google_compute_instance`, GKE, Cloud SQL, Memorystore; Azure
    /// VMs, AKS, databases, Redis), or modules that create them, but the IaC has no
    /// private network:
    /// - AWS: no `aws_subnet` without `map_public_ip_on_launch = true`, no
    ///   `aws_nat_gateway`, and no VPC module with `private_subnets`,
    ///   `database_subnets` or `intra_subnets`;
    /// - Google Cloud: no `google_compute_subnetwork` or Cloud NAT;
    /// - Azure: no `azurerm_subnet` or NAT gateway.
    ///
    /// Separately, EC2 instances (instances, launch templates, autoscaling groups,
    /// the ec2-instance module) exist but there is neither a bastion host (a resource
    /// or module whose name, or `Name` tag, says `bastion` or `jump`) nor an SSM
    /// Session Manager path (`AmazonSSMManagedInstanceCore` attached, `aws_ssm_*`
    /// resources, an EC2 Instance Connect endpoint).
    ///
    /// When the compute takes its subnets from outside (`var.subnet_ids`, data
    /// sources, remote state) and the repo defines no network, the outcome is
    /// inconclusive: the network lives elsewhere. Unknown is not absent: compute whose
    /// subnets come from a module output or data lookup that names them private
    /// (`module.network.private_subnets`, `data.aws_subnets.private`) passes, and compute
    /// whose subnets come from any other network output of a module
    /// (`module.network.subnet_ids`) is inconclusive, even when the repo also defines
    /// public subnets of its own. A library of reusable modules does
    /// not apply. Findings point at the first public subnet or VPC module, else at
    /// the first compute resource.
    ///
    /// ## Why it matters
    /// The talk's second piece of low-hanging fruit: "build a network perimeter
    /// (private network + bastion host)". Databases and servers in public subnets
    /// are one security-group mistake away from the internet; a bastion or SSM
    /// gives operators a single, audited way in.
    ///
    /// ## Bad
    /// ```hcl
    /// resource "aws_subnet" "public" {
    ///   vpc_id                  = aws_vpc.main.id
    ///   cidr_block              = "10.0.1.0/24"
    ///   map_public_ip_on_launch = true
    /// }
    /// resource "aws_db_instance" "main" {
    ///   engine               = "postgres"
    ///   db_subnet_group_name = aws_db_subnet_group.main.name
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// module "vpc" {
    ///   source          = "terraform-aws-modules/vpc/aws"
    ///   private_subnets = ["10.0.1.0/24", "10.0.2.0/24"]
    ///   public_subnets  = ["10.0.101.0/24", "10.0.102.0/24"]
    /// }
    /// resource "aws_db_instance" "main" {
    ///   engine               = "postgres"
    ///   db_subnet_group_name = module.vpc.database_subnet_group
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Put workloads and databases in private subnets (with a NAT gateway for
    /// egress) and only load balancers in public ones; reach instances through SSM
    /// Session Manager or one bastion host.
    NoPrivateNetwork {
        id: "SEC010",
        name: "no-private-network",
        pillar: Sec,
        stage: Seed,
        scope: Scope::Repo,
        severity: Warning,
        since: "0.1.0",
        summary: "compute is provisioned without a private network",
        precision: Medium,
    }
}

/// Resources placed in a network (prefixes end with `_`). Serverless compute that runs
/// outside a VPC (Lambda without `vpc_config`, Cloud Run, App Service) is not here.
pub(crate) const PLACED_COMPUTE: &[&str] = &[
    "aws_instance",
    "aws_launch_template",
    "aws_launch_configuration",
    "aws_autoscaling_group",
    "aws_ecs_service",
    "aws_eks_cluster",
    "aws_eks_node_group",
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_elasticache_cluster",
    "aws_elasticache_replication_group",
    "aws_docdb_cluster",
    "aws_opensearch_domain",
    "aws_mq_broker",
    "aws_msk_cluster",
    "aws_lambda_function",
    "google_compute_instance",
    "google_compute_instance_template",
    "google_container_cluster",
    "google_sql_database_instance",
    "google_redis_instance",
    "azurerm_linux_virtual_machine",
    "azurerm_windows_virtual_machine",
    "azurerm_virtual_machine",
    "azurerm_linux_virtual_machine_scale_set",
    "azurerm_kubernetes_cluster",
    "azurerm_postgresql_",
    "azurerm_mysql_",
    "azurerm_mssql_server",
    "azurerm_redis_cache",
];

/// Module sources (fragments) that create placed compute.
pub(crate) const PLACED_MODULES: &[&str] = &[
    "ec2-instance",
    "autoscaling",
    "/rds",
    "rds-aurora",
    "/eks",
    "elasticache",
    "ecs//modules/service",
    "ecs/aws//modules/service",
];

/// EC2 instances: what a bastion or SSM is for.
const INSTANCES: &[&str] = &[
    "aws_instance",
    "aws_launch_template",
    "aws_launch_configuration",
    "aws_autoscaling_group",
];

fn is_placed(r: &TfBlock) -> bool {
    let ty = r.ty.as_str();
    if ty == "aws_lambda_function" {
        return r.nested("vpc_config").next().is_some();
    }
    if ty == "aws_opensearch_domain" {
        return r.nested("vpc_options").next().is_some();
    }
    PLACED_COMPUTE.iter().any(|t| {
        if t.ends_with('_') {
            ty.starts_with(t)
        } else {
            ty == *t
        }
    })
}

fn cloud_of(ty: &str) -> &'static str {
    if ty.starts_with("google_") {
        "gcp"
    } else if ty.starts_with("azurerm_") {
        "azure"
    } else {
        "aws"
    }
}

/// References that mean "the network is defined somewhere else".
fn external_network_ref(r: &str) -> bool {
    let lower = r.to_ascii_lowercase();
    let networky = ["subnet", "vpc", "network", "vnet"]
        .iter()
        .any(|w| lower.contains(w));
    networky
        && (lower.starts_with("var.")
            || lower.starts_with("data.")
            || lower.starts_with("local.")
            || lower.contains("remote_state"))
}

/// A module output or data lookup that names private subnets or networks.
fn private_network_ref(r: &str) -> bool {
    let lower = r.to_ascii_lowercase();
    (lower.starts_with("module.") || lower.starts_with("data."))
        && lower.contains("private")
        && ["subnet", "network", "vpc", "vnet", "private_"]
            .iter()
            .any(|w| lower.contains(w))
}

/// A network-shaped output of a module (`module.network.subnet_ids`).
fn module_network_ref(r: &str) -> bool {
    let lower = r.to_ascii_lowercase();
    lower.starts_with("module.")
        && lower.matches('.').count() >= 2
        && ["subnet", "vpc", "network", "vnet"]
            .iter()
            .any(|w| lower.rsplit('.').next().is_some_and(|out| out.contains(w)))
}

fn says_bastion(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.contains("bastion") || lower.contains("jump")
}

impl Rule for NoPrivateNetwork {
    fn check_repo(&self, facts: &RepoFacts, cx: &mut RepoCx) -> Outcome {
        if facts.is_module_library() {
            cx.detail("reusable Terraform modules only: the network is the callers'");
            return Outcome::NotApplicable;
        }
        let compute: Vec<&TfBlock> = facts.main_resources().filter(|r| is_placed(r)).collect();
        let compute_modules: Vec<_> = facts
            .main_modules()
            .filter(|m| PLACED_MODULES.iter().any(|f| m.source_lower().contains(f)))
            .collect();
        if compute.is_empty() && compute_modules.is_empty() {
            cx.detail("no servers, containers or databases placed in a network");
            return Outcome::NotApplicable;
        }
        let mut outcome = Outcome::Pass;
        let mut details = Vec::new();

        // The private network, per cloud the compute runs in.
        let clouds: std::collections::BTreeSet<&str> = compute
            .iter()
            .map(|r| cloud_of(&r.ty))
            .chain((!compute_modules.is_empty()).then_some("aws"))
            .collect();
        for cloud in clouds {
            let private = private_network(facts, cloud);
            if let Some(evidence) = private {
                details.push(format!("private network: {evidence}"));
                continue;
            }
            // What the compute references, and one hop further (a DB subnet group's subnets).
            let direct: Vec<&String> = compute
                .iter()
                .filter(|r| cloud_of(&r.ty) == cloud)
                .flat_map(|r| r.references.iter())
                .chain(compute_modules.iter().flat_map(|m| m.references.iter()))
                .collect();
            // NOTE: every prefix of every reference, so each resource is one lookup
            // (testing each resource against every reference was resources x references).
            let prefixes: std::collections::HashSet<&str> = direct
                .iter()
                .flat_map(|d| {
                    d.char_indices()
                        .map(|(i, _)| &d[..i])
                        .chain(std::iter::once(d.as_str()))
                })
                .collect();
            let hop: Vec<&String> = facts
                .main_resources()
                .filter(|r| prefixes.contains(r.address.as_str()))
                .flat_map(|r| r.references.iter())
                .collect();
            let refs = || direct.iter().chain(hop.iter()).copied();
            // Private subnets handed over by a module or a data lookup
            // (`module.network.private_subnets`, `data.aws_subnets.private`).
            if let Some(r) = refs().find(|r| private_network_ref(r)) {
                details.push(format!(
                    "private network: {r} (from a module or a data lookup)"
                ));
                continue;
            }
            // A network from a module's outputs is unknown here, not absent.
            if let Some(r) = refs().find(|r| module_network_ref(r)) {
                if outcome == Outcome::Pass {
                    outcome = Outcome::Inconclusive(format!(
                        "the compute takes its network from a module's outputs ({r}): whether it is \
                         private cannot be seen here"
                    ));
                }
                continue;
            }
            let external = refs()
                .find(|r| external_network_ref(r))
                .cloned()
                .or_else(|| {
                    facts
                        .main_data_sources()
                        .find(|d| external_network_ref(&d.address))
                        .map(|d| d.address.clone())
                });
            let defines_network = facts.main_resources().any(|r| {
                matches!(
                    r.ty.as_str(),
                    "aws_subnet" | "aws_vpc" | "google_compute_network" | "azurerm_virtual_network"
                )
            }) || facts
                .main_modules()
                .any(|m| m.source_lower().contains("vpc"));
            if let (Some(reference), false) = (&external, defines_network) {
                if outcome == Outcome::Pass {
                    outcome = Outcome::Inconclusive(format!(
                        "the compute takes its network from outside this repo ({reference}): whether it \
                         is private cannot be seen here"
                    ));
                }
                continue;
            }
            let what = compute
                .iter()
                .filter(|r| cloud_of(&r.ty) == cloud)
                .map(|r| r.address.clone())
                .chain(compute_modules.iter().map(|m| format!("module.{}", m.name)))
                .collect::<Vec<_>>();
            let subject = match what.len() {
                0 | 1 => format!("{} runs", what.first().cloned().unwrap_or_default()),
                n => format!("{} and {} more run", what[0], n - 1),
            };
            match public_network_location(facts, cloud) {
                Some((location, shown)) => cx.report_at(
                    &location,
                    format!(
                        "{subject} without a private network: {shown} is public and there is no private \
                         subnet, NAT gateway or VPC module with private subnets"
                    ),
                ),
                None => {
                    let location = compute
                        .iter()
                        .find(|r| cloud_of(&r.ty) == cloud)
                        .map(|r| r.location.clone())
                        .unwrap_or_else(|| compute_modules[0].location.clone());
                    cx.report_at(
                        &location,
                        format!(
                            "{subject} without a private network: the IaC defines no private subnet, NAT \
                             gateway or VPC module with private subnets, so it lands in the default \
                             network, whose subnets are public"
                        ),
                    );
                }
            }
            outcome = Outcome::Fail;
        }

        // A way in to EC2 instances.
        let instances: Vec<&TfBlock> = compute
            .iter()
            .copied()
            .filter(|r| INSTANCES.contains(&r.ty.as_str()))
            .collect();
        let instance_modules: Vec<_> = compute_modules
            .iter()
            .filter(|m| {
                m.source_lower().contains("ec2-instance")
                    || m.source_lower().contains("autoscaling")
            })
            .collect();
        if !instances.is_empty() || !instance_modules.is_empty() {
            match access_path(facts) {
                Some(path) => details.push(format!("instance access: {path}")),
                None => {
                    let (location, name) = match instances.first() {
                        Some(r) => (r.location.clone(), r.address.clone()),
                        None => (
                            instance_modules[0].location.clone(),
                            format!("module.{}", instance_modules[0].name),
                        ),
                    };
                    cx.report_at(
                        &location,
                        format!(
                            "{name} is an EC2 instance with no bastion host and no SSM Session Manager path \
                             (AmazonSSMManagedInstanceCore, aws_ssm_* resources, an EC2 Instance Connect endpoint)"
                        ),
                    );
                    outcome = Outcome::Fail;
                }
            }
        }
        if outcome == Outcome::Pass {
            cx.detail(details.join("; "));
        }
        outcome
    }
}

/// Evidence of a private network in `cloud`.
fn private_network(facts: &RepoFacts, cloud: &str) -> Option<String> {
    for r in facts.main_resources() {
        let private = match (cloud, r.ty.as_str()) {
            ("aws", "aws_subnet") => {
                r.attr("map_public_ip_on_launch")
                    .and_then(AttrValue::as_bool)
                    != Some(true)
            }
            ("aws", "aws_nat_gateway") => true,
            ("gcp", "google_compute_subnetwork" | "google_compute_router_nat") => true,
            ("azure", "azurerm_subnet" | "azurerm_nat_gateway") => true,
            _ => false,
        };
        if private {
            return Some(format!("{} at {}", r.address, loc_string(&r.location)));
        }
    }
    if cloud == "aws" {
        for m in facts
            .main_modules()
            .filter(|m| m.source_lower().contains("vpc"))
        {
            for key in [
                "private_subnets",
                "database_subnets",
                "intra_subnets",
                "elasticache_subnets",
            ] {
                let non_empty = match m.attr(key) {
                    Some(AttrValue::List(items)) => !items.is_empty(),
                    Some(AttrValue::Unknown(_)) => true,
                    _ => false,
                };
                if non_empty {
                    return Some(format!(
                        "module.{} {key} at {}",
                        m.name,
                        loc_string(&m.location)
                    ));
                }
            }
        }
    }
    if cloud == "gcp" {
        if let Some(m) = facts
            .main_modules()
            .find(|m| m.source_lower().contains("network"))
        {
            return Some(format!("module.{}", m.name));
        }
    }
    None
}

/// A public subnet or a VPC module without private subnets: where the gap shows.
fn public_network_location(
    facts: &RepoFacts,
    cloud: &str,
) -> Option<(crate::facts::Location, String)> {
    if cloud != "aws" {
        return None;
    }
    if let Some(r) = facts.main_resources().find(|r| {
        r.ty == "aws_subnet"
            && r.attr("map_public_ip_on_launch")
                .and_then(AttrValue::as_bool)
                == Some(true)
    }) {
        return Some((r.location.clone(), r.address.clone()));
    }
    facts
        .main_modules()
        .find(|m| m.source_lower().contains("vpc"))
        .map(|m| (m.location.clone(), format!("module.{}", m.name)))
}

/// A bastion or an SSM path to instances.
fn access_path(facts: &RepoFacts) -> Option<String> {
    for r in facts.main_resources() {
        let tag_says = r
            .attr("tags")
            .map(|t| t.strings_lower().iter().any(|s| says_bastion(s)))
            .unwrap_or(false);
        if (INSTANCES.contains(&r.ty.as_str()) || r.ty == "aws_security_group")
            && (says_bastion(&r.name) || tag_says)
        {
            return Some(format!("bastion {}", r.address));
        }
        if r.ty.starts_with("aws_ssm_") || r.ty == "aws_ec2_instance_connect_endpoint" {
            return Some(r.address.clone());
        }
    }
    if let Some(m) = facts
        .main_modules()
        .find(|m| says_bastion(&m.name) || says_bastion(&m.source_lower()))
    {
        return Some(format!("bastion module.{}", m.name));
    }
    for policy in [
        "AmazonSSMManagedInstanceCore",
        "AmazonEC2RoleforSSM",
        "AmazonSSMFullAccess",
    ] {
        if let Some(l) = facts.terraform.managed_policies.get(policy) {
            return Some(format!("{policy} at {}", loc_string(l)));
        }
    }
    None
}
