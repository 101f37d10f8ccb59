use crate::declare_rule;
use crate::model::setting::Setting;
use crate::model::terraform::{Block, TerraformFile, Value};
use crate::rule::{Cx, Rule, Scope};
use crate::rules::support::terraform_edit;
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// AWS data stores whose encryption at rest is off by default and not turned on:
    ///
    /// - `storage_encrypted` not `true` on `aws_db_instance`, `aws_rds_cluster` (Aurora
    ///   Serverless v1 is always encrypted), `aws_docdb_cluster` and `aws_neptune_cluster`;
    /// - `encrypted` not `true` on `aws_ebs_volume`, on the `root_block_device` and
    ///   `ebs_block_device` blocks of `aws_instance`, `aws_spot_instance_request` and
    ///   `aws_launch_configuration`, and on the `ebs` blocks of an `aws_launch_template`'s
    ///   `block_device_mappings`. An instance without any `root_block_device` block (and
    ///   without a launch template) counts as unencrypted too;
    /// - `at_rest_encryption_enabled` not `true` on `aws_elasticache_replication_group`
    ///   (Valkey, encrypted by default, excepted);
    /// - `encrypted` not `true` on `aws_efs_file_system`.
    ///
    /// The EBS checks are skipped when the same file enables
    /// `aws_ebs_encryption_by_default` (the linter sees one file at a time: keep that
    /// resource next to the instances, or suppress the rule for the account). Copies
    /// inherit their source's encryption and are not checked: read replicas
    /// (`replicate_source_db`, `replication_source_identifier`), restores
    /// (`snapshot_identifier`, `snapshot_id`, `restore_to_point_in_time`) and secondary
    /// clusters of a global database. Setting `kms_key_id` counts as asking for
    /// encryption. Values from variables never fire.
    ///
    /// S3 buckets are not checked: S3 encrypts every new object since January 2023 (the
    /// state bucket is PRV004's business). GCP and Azure encrypt disks, databases and
    /// storage at rest by default (Azure managed disks, Storage and SQL TDE; Google-managed
    /// keys everywhere), so there is nothing to flag there; customer-managed keys are a
    /// choice, not a gap.
    ///
    /// ## Why it matters
    /// "Encrypt your data" is on the talk's list of low-hanging fruit: it costs one
    /// argument at creation time, but turning it on later means a snapshot, a copy and a
    /// migration with downtime. Unencrypted volumes and snapshots leak whole databases
    /// when shared, mis-permissioned or recovered from discarded hardware, and most
    /// compliance questionnaires a startup meets ask for it first.
    ///
    /// ## Bad
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   engine         = "postgres"
    ///   instance_class = "db.t4g.micro"
    /// }
    ///
    /// resource "aws_ebs_volume" "data" {
    ///   availability_zone = "eu-west-1a"
    ///   size              = 100
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   engine            = "postgres"
    ///   instance_class    = "db.t4g.micro"
    ///   storage_encrypted = true
    /// }
    ///
    /// resource "aws_ebs_volume" "data" {
    ///   availability_zone = "eu-west-1a"
    ///   size              = 100
    ///   encrypted         = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set the encryption argument to `true` (optionally with a `kms_key_id`) when the
    /// resource is created. For EBS, also turn on `aws_ebs_encryption_by_default` in
    /// every region. Existing unencrypted databases and volumes need a snapshot, an
    /// encrypted copy and a restore.
    ///
    /// ## Fix
    /// Unsafe. `--fix --unsafe-fixes` sets the encryption argument (`storage_encrypted`,
    /// `encrypted`, `at_rest_encryption_enabled`) to `true`, replacing a `false` or adding the
    /// line to the block. On an existing database, volume, cache or file system this
    /// **replaces the resource** (a new, empty one unless you restore a snapshot into it):
    /// plan the migration first. A missing `root_block_device` has no fix.
    UnencryptedStorage {
        id: "SEC011",
        name: "unencrypted-storage",
        pillar: Sec,
        stage: Seed,
        scope: Scope::File(&[FileKind::Terraform]),
        severity: Error,
        since: "0.1.0",
        summary: "data at rest not encrypted",
        fix: Unsafe,
    }
}

/// Whether an argument is set to something other than `null`.
fn set(block: &Block, key: &str) -> bool {
    block.value(key).is_some_and(|v| !matches!(v, Value::Null))
}

/// Whether any of these arguments or nested blocks is present: the resource copies or
/// restores another one, or names a key (encryption then follows it).
fn inherits(block: &Block, keys: &[&str]) -> bool {
    keys.iter()
        .any(|k| set(block, k) || block.blocks_named(k).next().is_some())
}

/// Reports `key` on `block` unless it is true or unknown.
fn require(cx: &mut Cx, block: &Block, key: &str, what: &str) {
    match Setting::of(block, key) {
        Setting::False(attr) => cx.report(
            cx.finding(attr.span)
                .message(format!("{what} is not encrypted at rest (`{key} = false`)"))
                .help(format!("set `{key} = true` when the resource is created"))
                .fix(format!("set `{key} = true`"), encrypt(cx, block, key)),
        ),
        Setting::Missing => cx.report(
            cx.finding(block.header_span)
                .message(format!(
                    "{what} is not encrypted at rest: `{key}` is not set (off by default)"
                ))
                .help(format!("set `{key} = true` when the resource is created"))
                .fix(format!("set `{key} = true`"), encrypt(cx, block, key)),
        ),
        Setting::True(_) | Setting::Unknown(_) => {}
    }
}

/// The fix: `key = true` in the block (replaces the resource: see the docs).
fn encrypt(cx: &Cx, block: &Block, key: &str) -> Vec<crate::finding::Edit> {
    terraform_edit::set_attribute(cx.text(), block, key, "true")
        .into_iter()
        .collect()
}

const COPY_OF_DB: &[&str] = &[
    "replicate_source_db",
    "replication_source_identifier",
    "snapshot_identifier",
    "restore_to_point_in_time",
    "global_cluster_identifier",
    "kms_key_id",
];

const COPY_OF_VOLUME: &[&str] = &["snapshot_id", "kms_key_id"];

/// The root and extra EBS devices of an instance or launch configuration.
fn instance_devices(cx: &mut Cx, res: &Block) {
    let address = res.address();
    let roots: Vec<&Block> = res.blocks_named("root_block_device").collect();
    if roots.is_empty() {
        let templated = res.blocks_named("launch_template").next().is_some();
        if !templated {
            cx.report(
                cx.finding(res.header_span)
                    .message(format!(
                        "`{address}` has no `root_block_device`: its root volume is not encrypted"
                    ))
                    .help("add `root_block_device { encrypted = true }`, or enable aws_ebs_encryption_by_default"),
            );
        }
    }
    for root in roots {
        if !inherits(root, &["kms_key_id"]) {
            require(
                cx,
                root,
                "encrypted",
                &format!("the root volume of `{address}`"),
            );
        }
    }
    for device in res.blocks_named("ebs_block_device") {
        if !inherits(device, COPY_OF_VOLUME) {
            require(
                cx,
                device,
                "encrypted",
                &format!("an EBS volume of `{address}`"),
            );
        }
    }
}

impl Rule for UnencryptedStorage {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        let ebs_by_default = tf
            .resources_of_type("aws_ebs_encryption_by_default")
            .any(|r| !matches!(Setting::of(r, "enabled"), Setting::False(_)));
        for res in tf.resources() {
            let address = format!("`{}`", res.address());
            match res.resource_type().unwrap_or("") {
                "aws_db_instance" | "aws_docdb_cluster" | "aws_neptune_cluster"
                    if !inherits(res, COPY_OF_DB) =>
                {
                    require(cx, res, "storage_encrypted", &address);
                }
                "aws_rds_cluster" => {
                    let mode = res.attr("engine_mode").map(|a| a.value.as_str());
                    let serverless_v1 = match mode {
                        None => false,
                        Some(Some(m)) => m == "serverless",
                        Some(None) => true, // unknown: it may be serverless (always encrypted)
                    };
                    if !inherits(res, COPY_OF_DB) && !serverless_v1 {
                        require(cx, res, "storage_encrypted", &address);
                    }
                }
                "aws_ebs_volume" if !ebs_by_default && !inherits(res, COPY_OF_VOLUME) => {
                    require(cx, res, "encrypted", &address);
                }
                "aws_instance" | "aws_spot_instance_request" | "aws_launch_configuration"
                    if !ebs_by_default =>
                {
                    instance_devices(cx, res);
                }
                "aws_launch_template" if !ebs_by_default => {
                    for mapping in res.blocks_named("block_device_mappings") {
                        for ebs in mapping.blocks_named("ebs") {
                            if !inherits(ebs, COPY_OF_VOLUME) {
                                require(
                                    cx,
                                    ebs,
                                    "encrypted",
                                    &format!("an EBS volume of {address}"),
                                );
                            }
                        }
                    }
                }
                "aws_elasticache_replication_group" => {
                    let engine = res.attr("engine").map(|a| a.value.as_str());
                    let default_on = match engine {
                        None => false,
                        Some(Some(e)) => e.eq_ignore_ascii_case("valkey"),
                        Some(None) => true, // unknown engine: may be Valkey
                    };
                    let key = "at_rest_encryption_enabled";
                    let explicit_off = matches!(Setting::of(res, key), Setting::False(_));
                    if (explicit_off || !default_on)
                        && !inherits(res, &["global_replication_group_id"])
                    {
                        require(cx, res, key, &address);
                    }
                }
                "aws_efs_file_system" if !inherits(res, &["kms_key_id"]) => {
                    require(cx, res, "encrypted", &address);
                }
                _ => {}
            }
        }
    }
}
