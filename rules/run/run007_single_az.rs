use crate::declare_rule;
use crate::model::environment;
use crate::model::terraform::{Attribute, Block, TerraformFile, Value};
use crate::rule::{Cx, Rule, Scope};
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// Production resources that live in a single availability zone:
    ///
    /// - `aws_db_instance` with `multi_az` missing or false (read replicas, and
    ///   SQL Server Express and Web editions, which cannot be Multi-AZ, are skipped);
    /// - an Aurora `aws_rds_cluster` whose only `aws_rds_cluster_instance` in the
    ///   file is one instance (no `count`/`for_each`, or `count = 1`): Aurora is
    ///   Multi-AZ only through a second instance to fail over to. Clusters whose
    ///   instances are elsewhere, Multi-AZ DB clusters and Serverless v1 say nothing;
    /// - `aws_elasticache_replication_group` without `automatic_failover_enabled = true`,
    ///   and a standalone Redis/Valkey `aws_elasticache_cluster` (a single node);
    /// - `aws_lb`/`aws_alb`/`aws_elb` with `subnets` (or `subnet_mapping` blocks, or
    ///   `availability_zones`) naming one subnet or zone;
    /// - `aws_autoscaling_group` with one subnet in `vpc_zone_identifier` or one
    ///   zone in `availability_zones`, and an `aws_ecs_service` whose
    ///   `network_configuration` has one subnet;
    /// - Google Cloud: a `google_redis_instance` on the `BASIC` tier (the default), a
    ///   `google_sql_database_instance` whose `settings.availability_type` is `ZONAL`
    ///   (the default; read replicas skipped);
    /// - Azure: an `azurerm_postgresql_flexible_server` or `azurerm_mysql_flexible_server`
    ///   without `high_availability` (replicas skipped), an `azurerm_redis_cache` on the
    ///   `Basic` SKU.
    ///
    /// An Aurora cluster without `engine` is Aurora (the provider's default).
    ///
    /// A one-item list counts only when the item is a literal or a single resource's
    /// `.id` (`aws_subnet.a.id`): `["${var.subnets}"]` was a whole list in
    /// Terraform 0.11. Unknown values never fire.
    ///
    /// Following the ruleset's environment convention, a resource that is
    /// identifiably non-production is exempt: a path segment (`envs/staging/`,
    /// `dev/`), file name, resource name, naming attribute (`identifier`, `name`)
    /// or tag (`Environment`, `Env`, `Stage`, `Name`) with one of the words dev,
    /// development, stage, staging, qa, test, sandbox, preview, uat, preprod or
    /// non-prod/nonprod.
    ///
    /// ## Why it matters
    /// "Design for 10x": the talk's reference stack (Segment's) spreads every tier
    /// over three availability zones. A zone does go down now and then, and a
    /// single-AZ database or load balancer turns that into an outage you can do
    /// nothing about, while Multi-AZ turns it into a failover of a minute or two.
    ///
    /// ## Bad
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   identifier        = "shop"
    ///   engine            = "postgres"
    ///   instance_class    = "db.t4g.medium"
    ///   allocated_storage = 50
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   identifier        = "shop"
    ///   engine            = "postgres"
    ///   instance_class    = "db.t4g.medium"
    ///   allocated_storage = 50
    ///   multi_az          = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `multi_az = true` on RDS instances, give Aurora clusters a second
    /// instance, enable `automatic_failover_enabled` with at least two cache
    /// nodes, and give load balancers, autoscaling groups and services a subnet
    /// in each of two or three zones.
    SingleAz {
        id: "RUN007",
        name: "single-az",
        pillar: Run,
        stage: Growth,
        scope: Scope::File(&[FileKind::Terraform]),
        severity: Warning,
        since: "0.1.0",
        summary: "resource runs in a single availability zone",
    }
}

impl Rule for SingleAz {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        if environment::non_production_path(cx.path()).is_some() {
            return;
        }
        let production = |b: &&Block| environment::non_production_block(b).is_none();
        for block in tf.resources().filter(production) {
            match block.resource_type() {
                Some("aws_db_instance") => db_instance(block, cx),
                Some("aws_rds_cluster") => aurora_cluster(tf, block, cx),
                Some("aws_elasticache_replication_group") => replication_group(block, cx),
                Some("aws_elasticache_cluster") => cache_cluster(block, cx),
                Some("aws_lb" | "aws_alb") => {
                    one_item(block, "subnets", "load balancer", "subnet", cx);
                    one_subnet_mapping(block, cx);
                }
                Some("aws_elb") => {
                    one_item(block, "subnets", "load balancer", "subnet", cx);
                    one_item(block, "availability_zones", "load balancer", "zone", cx);
                }
                Some("aws_autoscaling_group") => {
                    one_item(
                        block,
                        "vpc_zone_identifier",
                        "autoscaling group",
                        "subnet",
                        cx,
                    );
                    one_item(block, "availability_zones", "autoscaling group", "zone", cx);
                }
                Some("google_redis_instance") => gcp_redis(block, cx),
                Some("google_sql_database_instance") => cloud_sql(block, cx),
                Some("azurerm_postgresql_flexible_server" | "azurerm_mysql_flexible_server") => {
                    azure_flexible_server(block, cx)
                }
                Some("azurerm_redis_cache") => azure_redis(block, cx),
                Some("aws_ecs_service") => {
                    for net in block.blocks_named("network_configuration") {
                        one_item(net, "subnets", "ECS service", "subnet", cx);
                    }
                }
                _ => {}
            }
        }
    }
}

fn db_instance(block: &Block, cx: &mut Cx) {
    if block.attr("replicate_source_db").is_some() {
        return;
    }
    let engine = block.value("engine").and_then(Value::as_str);
    if engine
        .is_some_and(|e| matches!(e, "sqlserver-ex" | "sqlserver-web") || e.starts_with("aurora"))
    {
        return;
    }
    report_flag(
        block,
        "multi_az",
        "RDS instance",
        "set `multi_az = true`",
        cx,
    );
}

/// Reports a string attribute whose value (or default, when missing) keeps a resource in
/// one zone: at the attribute, or at the header when it is missing.
fn report_zonal(
    block: &Block,
    key: &str,
    zonal: &[&str],
    default_zonal: bool,
    message: &str,
    help: &str,
    cx: &mut Cx,
) {
    let (span, is_zonal) = match block.attr(key) {
        None => (block.header_span, default_zonal),
        Some(attr) => (
            attr.span,
            attr.value
                .as_str()
                .is_some_and(|v| zonal.iter().any(|z| v.eq_ignore_ascii_case(z))),
        ),
    };
    if is_zonal {
        cx.report(
            cx.finding(span)
                .message(message.to_string())
                .help(help.to_string()),
        );
    }
}

/// Memorystore `tier` BASIC (the default): one node in one zone.
fn gcp_redis(block: &Block, cx: &mut Cx) {
    report_zonal(
        block,
        "tier",
        &["BASIC"],
        true,
        &format!(
            "Memorystore instance `{}` is on the BASIC tier (the default): one node in one zone",
            block.address()
        ),
        "set `tier = \"STANDARD_HA\"` for a replica in another zone",
        cx,
    );
}

/// Cloud SQL `settings.availability_type` ZONAL (the default); read replicas are skipped.
fn cloud_sql(block: &Block, cx: &mut Cx) {
    if block.attr("master_instance_name").is_some() {
        return;
    }
    for settings in block.blocks_named("settings") {
        report_zonal(
            settings,
            "availability_type",
            &["ZONAL"],
            true,
            &format!(
                "Cloud SQL instance `{}` is ZONAL (the default availability type): one zone",
                block.address()
            ),
            "set `availability_type = \"REGIONAL\"` in `settings`",
            cx,
        );
    }
}

/// Azure flexible servers without a `high_availability` block: one zone.
fn azure_flexible_server(block: &Block, cx: &mut Cx) {
    if block.value("create_mode").and_then(Value::as_str) == Some("Replica") {
        return;
    }
    if block.blocks_named("high_availability").next().is_none()
        && block.attr("high_availability").is_none()
    {
        cx.report(
            cx.finding(block.header_span)
                .message(format!(
                    "flexible server `{}` has no `high_availability` block: it runs in one zone",
                    block.address()
                ))
                .help("add `high_availability { mode = \"ZoneRedundant\" }`"),
        );
    }
}

/// Azure Cache for Redis on the Basic SKU: a single node without replication.
fn azure_redis(block: &Block, cx: &mut Cx) {
    report_zonal(
        block,
        "sku_name",
        &["Basic"],
        false,
        &format!(
            "Azure Cache for Redis `{}` is on the Basic SKU: a single node without a replica",
            block.address()
        ),
        "use the Standard or Premium SKU (Premium for zone redundancy)",
        cx,
    );
}

/// Reports a bool attribute that must be true: missing (at the header) or false (at it).
fn report_flag(block: &Block, key: &str, what: &str, help: &str, cx: &mut Cx) {
    match block.attr(key) {
        None => cx.report(
            cx.finding(block.header_span)
                .message(format!(
                    "{what} `{}` has no `{key}`: it runs in one availability zone",
                    block.address()
                ))
                .help(help.to_string()),
        ),
        Some(attr) if attr.value.as_bool() == Some(false) => cx.report(
            cx.finding(attr.span)
                .message(format!(
                    "{what} `{}` runs in one availability zone",
                    block.address()
                ))
                .help(help.to_string()),
        ),
        Some(_) => {}
    }
}

/// An Aurora cluster whose instances in this file are known to be exactly one.
fn aurora_cluster(tf: &TerraformFile, cluster: &Block, cx: &mut Cx) {
    let Some(name) = cluster.name() else {
        return;
    };
    // `engine` defaults to "aurora"; an unknown one says nothing.
    let engine = match cluster.attr("engine") {
        None => Some("aurora"),
        Some(_) => cluster.value("engine").and_then(Value::as_str),
    };
    if !engine.is_some_and(|e| e.starts_with("aurora")) {
        return;
    }
    if cluster
        .value("engine_mode")
        .and_then(Value::as_str)
        .is_some_and(|m| m != "provisioned")
    {
        return;
    }
    let prefix = format!("aws_rds_cluster.{name}.");
    let instances: Vec<&Block> = tf
        .resources_of_type("aws_rds_cluster_instance")
        .filter(|i| {
            i.value("cluster_identifier")
                .and_then(Value::as_reference)
                .is_some_and(|r| r.starts_with(&prefix))
        })
        .collect();
    let [instance] = instances.as_slice() else {
        return;
    };
    if environment::non_production_block(instance).is_some() || instance.attr("for_each").is_some()
    {
        return;
    }
    let at = match instance.attr("count") {
        None => instance.header_span,
        Some(count) if count.value.as_f64() == Some(1.0) => count.span,
        Some(_) => return,
    };
    cx.report(
        cx.finding(at)
            .message(format!(
                "Aurora cluster `{}` has one instance, so nothing to fail over to in another zone",
                cluster.address()
            ))
            .label(cluster.header_span, "the cluster")
            .help("add a second instance (a reader) in another availability zone"),
    );
}

fn replication_group(block: &Block, cx: &mut Cx) {
    let one_node = ["num_cache_clusters", "number_cache_clusters"]
        .iter()
        .filter_map(|k| block.attr(k))
        .find(|a| a.value.as_f64() == Some(1.0));
    if let Some(nodes) = one_node {
        cx.report(
            cx.finding(nodes.span)
                .message(format!(
                    "replication group `{}` has one node: no failover to another zone",
                    block.address()
                ))
                .help("use at least two nodes with `automatic_failover_enabled = true`"),
        );
        return;
    }
    report_flag(
        block,
        "automatic_failover_enabled",
        "ElastiCache replication group",
        "set `automatic_failover_enabled = true` (and `multi_az_enabled = true`) with at least two nodes",
        cx,
    );
}

/// A standalone Redis/Valkey node (not a member of a replication group).
fn cache_cluster(block: &Block, cx: &mut Cx) {
    if block.attr("replication_group_id").is_some() {
        return;
    }
    let Some(engine) = block.value("engine").and_then(Value::as_str) else {
        return;
    };
    if !matches!(engine, "redis" | "valkey") {
        return;
    }
    cx.report(
        cx.finding(block.header_span)
            .message(format!(
                "`{}` is a single {engine} node in one availability zone",
                block.address()
            ))
            .help("use an `aws_elasticache_replication_group` with two or more nodes and automatic failover"),
    );
}

/// Whether a list item is one subnet or zone for sure: a literal, or one resource's `.id`.
fn is_single(value: &Value) -> bool {
    value.as_str().is_some()
        || value.as_reference().is_some_and(|r| {
            r.ends_with(".id") && !r.starts_with("var.") && !r.starts_with("local.")
        })
}

fn one_item(block: &Block, key: &str, what: &str, unit: &str, cx: &mut Cx) {
    let Some(attr) = block.attr(key) else {
        return;
    };
    if single_item(attr).is_some() {
        cx.report(
            cx.finding(attr.span)
                .message(format!(
                    "{what} with a single {unit}: it runs in one availability zone"
                ))
                .help(format!(
                    "give it a {unit} in each of two or three availability zones"
                )),
        );
    }
}

fn single_item(attr: &Attribute) -> Option<&Value> {
    match attr.value.as_list()? {
        [item] if is_single(&item.value) => Some(&item.value),
        _ => None,
    }
}

fn one_subnet_mapping(block: &Block, cx: &mut Cx) {
    if block.attr("subnets").is_some() || block.blocks.iter().any(|b| b.is_dynamic()) {
        return;
    }
    let mappings: Vec<&Block> = block.blocks_named("subnet_mapping").collect();
    if let [mapping] = mappings.as_slice() {
        cx.report(
            cx.finding(mapping.header_span)
                .message("load balancer with a single `subnet_mapping`: it runs in one availability zone")
                .help("add a `subnet_mapping` in each of two or three availability zones"),
        );
    }
}
