use crate::declare_rule;
use crate::model::setting::Setting;
use crate::model::terraform::{Block, TerraformFile};
use crate::rule::{Cx, Rule, Scope};
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// A managed database reachable from the internet:
    ///
    /// - AWS: `publicly_accessible = true` on `aws_db_instance`, `aws_rds_cluster_instance`,
    ///   `aws_redshift_cluster`, `aws_redshiftserverless_workgroup` and
    ///   `aws_dms_replication_instance`;
    /// - GCP: a Cloud SQL instance (`google_sql_database_instance`) whose
    ///   `ip_configuration` lists an `authorized_networks` entry of `0.0.0.0/0` (unless
    ///   `ipv4_enabled = false`);
    /// - Azure: a SQL, PostgreSQL, MySQL, MariaDB or Redis firewall rule from `0.0.0.0`
    ///   to `255.255.255.255` (the whole IPv4 internet). The `0.0.0.0`–`0.0.0.0` rule
    ///   means "Azure services" and is not flagged; neither is
    ///   `public_network_access_enabled` alone, since those servers still deny every
    ///   client until a firewall rule lets one in.
    ///
    /// Values from variables (`publicly_accessible = var.public`) cannot be known and
    /// never fire. Caches (ElastiCache) cannot be made public and are not checked.
    ///
    /// ## Why it matters
    /// The talk's network perimeter ("a private network with a bastion") keeps data stores
    /// out of the internet's reach. A public database endpoint is found by scanners within
    /// minutes, then brute-forced or hit by the next engine CVE: its only defence left is
    /// one password.
    ///
    /// ## Bad
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   engine              = "postgres"
    ///   instance_class      = "db.t4g.micro"
    ///   publicly_accessible = true
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   engine                 = "postgres"
    ///   instance_class         = "db.t4g.micro"
    ///   publicly_accessible    = false
    ///   db_subnet_group_name   = aws_db_subnet_group.private.name
    ///   vpc_security_group_ids = [aws_security_group.db.id]
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Put the database in private subnets with `publicly_accessible = false` (Cloud SQL:
    /// private IP, or the Cloud SQL Auth Proxy; Azure: private endpoints or specific
    /// client ranges) and reach it from the application tier, a bastion or SSM port
    /// forwarding.
    PublicDatabase {
        id: "SEC008",
        name: "public-database",
        pillar: Sec,
        stage: Seed,
        scope: Scope::File(&[FileKind::Terraform]),
        severity: Error,
        since: "0.1.0",
        summary: "database reachable from the internet",
    }
}

const AWS_PUBLIC_FLAG: &[&str] = &[
    "aws_db_instance",
    "aws_rds_cluster_instance",
    "aws_redshift_cluster",
    "aws_redshiftserverless_workgroup",
    "aws_dms_replication_instance",
];

const AZURE_FIREWALL_RULES: &[&str] = &[
    "azurerm_sql_firewall_rule",
    "azurerm_mssql_firewall_rule",
    "azurerm_postgresql_firewall_rule",
    "azurerm_postgresql_flexible_server_firewall_rule",
    "azurerm_mysql_firewall_rule",
    "azurerm_mysql_flexible_server_firewall_rule",
    "azurerm_mariadb_firewall_rule",
    "azurerm_redis_firewall_rule",
    "azurerm_synapse_firewall_rule",
];

fn cloud_sql(db: &Block, cx: &mut Cx) {
    for settings in db.blocks_named("settings") {
        for ip in settings.blocks_named("ip_configuration") {
            if matches!(
                Setting::of(ip, "ipv4_enabled"),
                Setting::False(_) | Setting::Unknown(_)
            ) {
                continue;
            }
            for network in ip.blocks_named("authorized_networks") {
                let Some(value) = network.attr("value") else {
                    continue;
                };
                let Some(cidr) = value.value.as_str() else {
                    continue;
                };
                if cidr.trim() == "0.0.0.0/0" {
                    cx.report(
                        cx.finding(value.span)
                            .message(format!(
                                "Cloud SQL instance `{}` authorizes {cidr}: the whole internet",
                                db.name().unwrap_or("?")
                            ))
                            .help("use private IP or the Cloud SQL Auth Proxy, or authorize only known client ranges"),
                    );
                }
            }
        }
    }
}

fn azure_firewall(rule: &Block, cx: &mut Cx) {
    let (Some(start), Some(end)) = (rule.attr("start_ip_address"), rule.attr("end_ip_address"))
    else {
        return;
    };
    let (Some(from), Some(to)) = (start.value.as_str(), end.value.as_str()) else {
        return;
    };
    if from.trim() == "0.0.0.0" && to.trim() == "255.255.255.255" {
        let span = if end.span.start > start.span.start {
            start.span.cover(end.span)
        } else {
            end.span.cover(start.span)
        };
        cx.report(
            cx.finding(span)
                .message(format!(
                    "firewall rule `{}` opens the database to every IPv4 address",
                    rule.name().unwrap_or("?")
                ))
                .help("allow only the application's addresses, or use a private endpoint"),
        );
    }
}

impl Rule for PublicDatabase {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        for res in tf.resources() {
            let ty = res.resource_type().unwrap_or("");
            if AWS_PUBLIC_FLAG.contains(&ty) {
                if let Setting::True(attr) = Setting::of(res, "publicly_accessible") {
                    cx.report(
                        cx.finding(attr.span)
                            .message(format!(
                                "`{}` is reachable from the internet",
                                res.address()
                            ))
                            .help(
                                "set `publicly_accessible = false` and keep it in private subnets",
                            ),
                    );
                }
            } else if ty == "google_sql_database_instance" {
                cloud_sql(res, cx);
            } else if AZURE_FIREWALL_RULES.contains(&ty) {
                azure_firewall(res, cx);
            }
        }
    }
}
