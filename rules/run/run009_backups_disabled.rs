use crate::declare_rule;
use crate::finding::Edit;
use crate::model::terraform::{Block, TerraformFile};
use crate::rule::{Cx, Rule, Scope};
use crate::rules::support::terraform_edit;
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// A managed database (`aws_db_instance`, `aws_rds_cluster`, `aws_docdb_cluster`,
    /// `aws_neptune_cluster`) whose backups are off or whose last copy of the data
    /// would go with it:
    ///
    /// - `backup_retention_period = 0`: no automated backups, no point-in-time restore;
    /// - `skip_final_snapshot = true` while `deletion_protection` is missing or false:
    ///   a `terraform destroy`, or a rename that forces replacement, deletes the
    ///   database and every automated backup, with no final snapshot.
    ///
    /// Read replicas (`replicate_source_db`) are skipped: their backups are the
    /// primary's. Values set through variables or locals cannot be known and never
    /// fire (`deletion_protection = var.x` counts as possibly on). The finding points
    /// at the offending attribute.
    ///
    /// ## Why it matters
    /// The talk's startup has a burn rate and a high risk tolerance, but the
    /// customers' data is the one thing it cannot rebuild. Backups are cheap
    /// insurance that costs nothing to turn on at seed stage; losing the production
    /// database to a typo in a plan ends companies.
    ///
    /// ## Bad
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   identifier          = "shop"
    ///   engine              = "postgres"
    ///   instance_class      = "db.t4g.medium"
    ///   skip_final_snapshot = true
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   identifier                = "shop"
    ///   engine                    = "postgres"
    ///   instance_class            = "db.t4g.medium"
    ///   backup_retention_period   = 14
    ///   deletion_protection       = true
    ///   final_snapshot_identifier = "shop-final"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Keep `backup_retention_period` at 7 days or more, set `deletion_protection = true`
    /// on production databases, and leave `skip_final_snapshot` false with a
    /// `final_snapshot_identifier`.
    ///
    /// ## Fix
    /// Unsafe. `--fix --unsafe-fixes` sets `backup_retention_period = 7` where it is `0`
    /// (automated backups start, and are billed), and adds `deletion_protection = true` to a
    /// database that skips its final snapshot (a `terraform destroy` or replacement of it then
    /// fails until protection is turned off).
    BackupsDisabled {
        id: "RUN009",
        name: "backups-disabled",
        pillar: Run,
        stage: Seed,
        scope: Scope::File(&[FileKind::Terraform]),
        severity: Error,
        since: "0.1.0",
        summary: "database backups are disabled or would be lost",
        fix: Unsafe,
    }
}

const DATABASES: &[&str] = &[
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_docdb_cluster",
    "aws_neptune_cluster",
];

impl Rule for BackupsDisabled {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        for block in tf
            .resources()
            .filter(|b| b.resource_type().is_some_and(|t| DATABASES.contains(&t)))
        {
            if block.attr("replicate_source_db").is_some() {
                continue;
            }
            check_database(block, cx);
        }
    }
}

fn check_database(block: &Block, cx: &mut Cx) {
    if let Some(retention) = block.attr("backup_retention_period") {
        if retention.value.as_f64() == Some(0.0) {
            cx.report(
                cx.finding(retention.span)
                    .message(format!(
                        "`{}` has automated backups turned off",
                        block.address()
                    ))
                    .help("keep `backup_retention_period` at 7 days or more")
                    .fix(
                        "set `backup_retention_period = 7`",
                        vec![Edit::replace(retention.value_span, "7")],
                    ),
            );
        }
    }
    let Some(skip) = block.attr("skip_final_snapshot") else {
        return;
    };
    if skip.value.as_bool() != Some(true) {
        return;
    }
    let protection = block.attr("deletion_protection");
    let unprotected = match protection {
        None => true,
        Some(p) => p.value.as_bool() == Some(false),
    };
    if !unprotected {
        return;
    }
    let mut finding = cx
        .finding(skip.span)
        .message(format!(
            "`{}` skips its final snapshot and has no deletion protection: deleting it loses the data and its backups",
            block.address()
        ))
        .help("set `deletion_protection = true`, or keep a final snapshot")
        .fix(
            "set `deletion_protection = true`",
            terraform_edit::set_attribute(cx.text(), block, "deletion_protection", "true")
                .into_iter()
                .collect(),
        );
    if let Some(p) = protection {
        finding = finding.label(p.span, "deletion protection is off");
    }
    cx.report(finding);
}
