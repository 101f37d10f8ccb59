use crate::declare_rule;
use crate::model::terraform::{TerraformFile, Value};
use crate::rule::{Cx, Rule, Scope};
use crate::source::{FileKind, Span};

declare_rule! {
    /// ## What it checks
    /// A remote state backend that stores state unencrypted or without locking:
    ///
    /// - `backend "s3"` whose `encrypt` is not `true`, or that has neither a
    ///   `dynamodb_table` nor `use_lockfile = true` (Terraform 1.10+ S3 native locking);
    /// - `backend "oss"` (Alibaba Cloud), the same way: `encrypt`, and `tablestore_table`
    ///   for locking;
    /// - Terragrunt's `remote_state { backend = "s3" config = { ... } }` in
    ///   `terragrunt.hcl`, the same way.
    ///
    /// A partial configuration (a backend block without `bucket`, or with an empty one, completed at
    /// `terraform init -backend-config=...`) is checked only for what it says: an
    /// explicit `encrypt = false` fires, a missing setting does not, since it may come
    /// from the backend config file. Values from variables or functions never fire. The
    /// `gcs`, `azurerm`, `remote`/`cloud`, `consul`, `kubernetes` and `pg` backends
    /// encrypt at rest and lock by default and are not flagged.
    ///
    /// ## Why it matters
    /// Once the team grows ("design for 10x"), several people and CI run Terraform
    /// against the same state. Without a lock two applies interleave and corrupt it; the
    /// state file also holds every secret of the infrastructure in plain text, so it
    /// must be encrypted at rest like any other production data.
    ///
    /// ## Bad
    /// ```hcl
    /// terraform {
    ///   backend "s3" {
    ///     bucket = "acme-terraform-state"
    ///     key    = "prod/app.tfstate"
    ///     region = "eu-west-1"
    ///   }
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// terraform {
    ///   backend "s3" {
    ///     bucket       = "acme-terraform-state"
    ///     key          = "prod/app.tfstate"
    ///     region       = "eu-west-1"
    ///     encrypt      = true
    ///     use_lockfile = true
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `encrypt = true` (and `kms_key_id` for a customer key) and turn on locking:
    /// `use_lockfile = true` on Terraform 1.10 or later, else a DynamoDB table with a
    /// `LockID` string hash key in `dynamodb_table`.
    StateBackendUnsafe {
        id: "PRV004",
        name: "state-backend-unsafe",
        pillar: Prv,
        stage: Growth,
        scope: Scope::File(&[FileKind::Terraform]),
        severity: Warning,
        since: "0.1.0",
        summary: "state backend without encryption or locking",
    }
}

/// A backend's settings, from a block's attributes or a Terragrunt `config` object.
struct Settings<'a> {
    kind: &'a str,
    entries: Vec<(&'a str, &'a Value, Span)>,
    /// Where a missing-setting finding points.
    header: Span,
}

impl<'a> Settings<'a> {
    fn get(&self, key: &str) -> Option<(&'a Value, Span)> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _, _)| *k == key)
            .map(|(_, v, s)| (*v, *s))
    }
}

/// What a boolean setting says; `Off(None)` when it is not set at all.
enum State {
    On,
    Off(Option<Span>),
    Unknown,
}

fn flag(settings: &Settings, key: &str) -> State {
    match settings.get(key) {
        None | Some((Value::Null, _)) => State::Off(None),
        Some((value, span)) => match value.as_bool() {
            Some(true) => State::On,
            Some(false) => State::Off(Some(span)),
            None => State::Unknown,
        },
    }
}

/// A lock table setting: set to a non-empty value (or an unknown one) counts.
fn has_table(settings: &Settings, key: &str) -> bool {
    match settings.get(key) {
        None | Some((Value::Null, _)) => false,
        Some((value, _)) => value.as_str().is_none_or(|s| !s.trim().is_empty()),
    }
}

fn check(settings: &Settings, cx: &mut Cx) {
    let lock_table = match settings.kind {
        "s3" => "dynamodb_table",
        "oss" => "tablestore_table",
        _ => return,
    };
    let partial = settings
        .get("bucket")
        .is_none_or(|(v, _)| v.as_str().is_some_and(|b| b.trim().is_empty()));
    let mut missing = Vec::new();
    match flag(settings, "encrypt") {
        State::Off(Some(span)) => cx.report(
            cx.finding(span)
                .message(format!(
                    "{} backend stores state unencrypted (`encrypt = false`)",
                    settings.kind
                ))
                .help("set `encrypt = true`"),
        ),
        State::Off(None) if !partial => missing.push("encryption (`encrypt = true`)"),
        _ => {}
    }
    let lockfile = if settings.kind == "s3" {
        flag(settings, "use_lockfile")
    } else {
        State::Off(None)
    };
    let locked = match (lockfile, has_table(settings, lock_table)) {
        (State::On | State::Unknown, _) | (_, true) => None,
        (State::Off(Some(span)), _) => Some(Some(span)),
        (State::Off(None), _) => Some(None),
    };
    let lock_fix = if settings.kind == "s3" {
        "locking (`use_lockfile = true` or `dynamodb_table`)"
    } else {
        "locking (`tablestore_table`)"
    };
    match locked {
        Some(Some(span)) => cx.report(
            cx.finding(span)
                .message(format!("{} backend without state locking", settings.kind))
                .help(format!("turn on {lock_fix}")),
        ),
        Some(None) if !partial => missing.push(lock_fix),
        _ => {}
    }
    if !missing.is_empty() {
        cx.report(
            cx.finding(settings.header)
                .message(format!(
                    "{} backend without {}",
                    settings.kind,
                    missing.join(" and without ")
                ))
                .help(format!("set {}", missing.join(" and "))),
        );
    }
}

impl Rule for StateBackendUnsafe {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        for tf_block in tf.terraform_blocks() {
            for backend in tf_block.blocks_named("backend") {
                let Some(kind) = backend.labels.first() else {
                    continue;
                };
                let settings = Settings {
                    kind,
                    entries: backend
                        .attributes
                        .iter()
                        .map(|a| (a.key.as_str(), &a.value, a.span))
                        .collect(),
                    header: backend.header_span,
                };
                check(&settings, cx);
            }
        }
        // Terragrunt: remote_state { backend = "s3" config = { ... } }
        for remote in tf.blocks_of("remote_state") {
            let Some(kind) = remote.value("backend").and_then(Value::as_str) else {
                continue;
            };
            let Some(config) = remote.attr("config") else {
                continue;
            };
            let Some(entries) = config.value.as_object() else {
                continue;
            };
            if entries.iter().any(|e| e.computed_key) {
                continue;
            }
            let settings = Settings {
                kind,
                entries: entries
                    .iter()
                    .map(|e| (e.key.as_str(), &e.value, e.span))
                    .collect(),
                header: remote.header_span,
            };
            check(&settings, cx);
        }
    }
}
