use crate::declare_rule;
use crate::facts::env::is_secret_name;
use crate::facts::{is_auxiliary, RepoFacts, SecretStoreRef};
use crate::rule::{Outcome, RepoCx, Rule, Scope};

declare_rule! {
    /// ## What it checks
    /// The application consumes secrets through plain configuration (a
    /// secret-named environment variable set in an ECS task definition, a Lambda
    /// function, a compose file, a Kubernetes manifest or Helm template, a
    /// Dockerfile, or declared in a committed `.env.example`) but nothing in the
    /// repo uses a secret store. Secret-named follows the ruleset's convention
    /// (password, secret, token, api key, private/access key, credentials; names
    /// ending in `_arn`, `_file`, `_path`, `_id`, `_url` ... are references).
    /// Variables read from a Kubernetes Secret (`secretKeyRef`) or from ECS
    /// `secrets` are not plain configuration. CI jobs' own credentials come from
    /// the CI system's secret store (what SEC004 checks) and do not make this rule
    /// apply.
    ///
    /// Secret stores (`SECRET_STORES`), found in Terraform, dependencies, CI
    /// commands and actions, Kubernetes objects and files:
    /// - Vault: `vault_*` resources, `hvac`, `node-vault`, the Vault Go API and
    ///   Spring Cloud Vault, `VAULT_ADDR`, `vault.hashicorp.com/` annotations,
    ///   Vault Secrets Operator kinds, hashicorp/vault-action, `vault kv get`;
    /// - AWS Secrets Manager: `aws_secretsmanager_*`, the AWS SDK secrets manager
    ///   clients, `aws secretsmanager get-secret-value`, aws-secretsmanager-get-secrets,
    ///   ECS `secrets` whose `valueFrom` is a Secrets Manager ARN;
    /// - SSM Parameter Store: `aws_ssm_parameter`, the AWS SDK SSM clients,
    ///   `aws ssm get-parameter`, `chamber`, ECS `secrets` from SSM parameters;
    /// - GCP Secret Manager: `google_secret_manager_*`, its client libraries,
    ///   `gcloud secrets`, get-secretmanager-secrets;
    /// - Azure Key Vault: `azurerm_key_vault*`, its client libraries,
    ///   `az keyvault secret`, get-keyvault-secrets;
    /// - Doppler: `doppler_*`, `@dopplerhq/*`, `DOPPLER_TOKEN`, `doppler run`, `doppler.yaml`;
    /// - sops: `.sops.yaml`, sops-encrypted files, `sops_*` data sources, `sops -d`;
    /// - Kubernetes secret operators: External Secrets (`ExternalSecret`,
    ///   `SecretStore`, `ClusterSecretStore`), Sealed Secrets (`SealedSecret`), the
    ///   Secrets Store CSI driver (`SecretProviderClass`);
    /// - 1Password (`onepassword_*`, load-secrets-action, `op run`) and Infisical
    ///   (`infisical_*`, `@infisical/sdk`, `infisical run`).
    ///
    /// Env templates are `.env.example`, `.env.sample`, `.env-dist`, `.env_sample`,
    /// `env.template` and the like. When every secret-named setting already comes from a
    /// store (ECS `secrets`, `secretKeyRef`), the rule passes and cites one of them; a
    /// pass cites the store with the most references in the repo (not the first lookup
    /// that matches), with their count.
    ///
    /// The finding points at the first secret-named variable.
    ///
    /// ## Why it matters
    /// The talk: "avoid secrets / credentials in code (Vault)". Secrets passed as
    /// plain environment values end up in task definitions, Terraform state, compose
    /// files and shell histories, with no audit trail and no rotation. A store gives
    /// one place to rotate and to see who read what.
    ///
    /// ## Bad
    /// ```yaml
    /// # file: docker-compose.yml
    /// services:
    ///   web:
    ///     image: acme/web:1.4.2
    ///     environment:
    ///       - DATABASE_PASSWORD=${DATABASE_PASSWORD}
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// # file: infra/ecs.tf
    /// resource "aws_ecs_task_definition" "web" {
    ///   family = "web"
    ///   container_definitions = jsonencode([{
    ///     name    = "web"
    ///     image   = "acme/web:1.4.2"
    ///     secrets = [{ name = "DATABASE_PASSWORD", valueFrom = aws_secretsmanager_secret.db.arn }]
    ///   }])
    /// }
    /// resource "aws_secretsmanager_secret" "db" {
    ///   name = "web/database-password"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Keep secrets in a store (AWS Secrets Manager or SSM Parameter Store on AWS,
    /// Vault, Doppler, sops for files) and inject them at run time (ECS `secrets`,
    /// External Secrets on Kubernetes), never as plain environment values.
    NoSecretsManager {
        id: "SEC012",
        name: "no-secrets-manager",
        pillar: Sec,
        stage: Growth,
        scope: Scope::Repo,
        severity: Note,
        since: "0.1.0",
        summary: "the app reads secrets but nothing uses a secret store",
        precision: Medium,
    }
}

/// The store with the most references outside examples and tests (ties: the first by
/// location), its first reference and how many there are: a pass cites what carries the
/// secrets, not the first lookup that happens to match.
fn best_store(facts: &RepoFacts) -> Option<(&'static str, &SecretStoreRef, usize)> {
    let mut counts: std::collections::BTreeMap<&'static str, (usize, &SecretStoreRef)> =
        std::collections::BTreeMap::new();
    let refs = facts
        .secret_stores
        .iter()
        .filter(|r| !is_auxiliary(&r.location.path));
    for r in refs {
        counts.entry(r.store).or_insert((0, r)).0 += 1;
    }
    let (store, (count, first)) = counts
        .into_iter()
        .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then_with(|| b.0.cmp(a.0)))?;
    Some((store, first, count))
}

fn plural_more(count: usize) -> String {
    if count > 1 {
        format!(", and {} more", count - 1)
    } else {
        String::new()
    }
}

impl Rule for NoSecretsManager {
    fn check_repo(&self, facts: &RepoFacts, cx: &mut RepoCx) -> Outcome {
        let consumers: Vec<&crate::facts::env::EnvSetting> = facts
            .env
            .iter()
            .filter(|e| {
                e.context.is_runtime()
                    && !e.from_store
                    && is_secret_name(&e.name)
                    && !is_auxiliary(&e.location.path)
            })
            .collect();
        let Some(first) = consumers.first() else {
            // Every secret the app reads already comes from a store: that is a pass.
            let stored: Vec<&crate::facts::env::EnvSetting> = facts
                .env
                .iter()
                .filter(|e| {
                    e.context.is_runtime()
                        && e.from_store
                        && is_secret_name(&e.name)
                        && !is_auxiliary(&e.location.path)
                })
                .collect();
            if let Some(s) = stored.first() {
                let store = best_store(facts)
                    .map(|(store, _, _)| format!(" ({store})"))
                    .unwrap_or_default();
                cx.detail(format!(
                    "every secret-named setting comes from a store{store}: {} in {} at {}{}",
                    s.name,
                    s.context.as_str(),
                    crate::facts::loc_string(&s.location),
                    plural_more(stored.len())
                ));
                return Outcome::Pass;
            }
            let ecs: Vec<&crate::facts::docker::EcsContainer> = facts
                .all_ecs_containers()
                .filter(|c| !c.secret_refs.is_empty() && !is_auxiliary(&c.location.path))
                .collect();
            if let Some(c) = ecs.first() {
                let store = best_store(facts)
                    .map(|(store, _, _)| store)
                    .unwrap_or("a secret store");
                cx.detail(format!(
                    "every secret comes from a store: ECS container {} reads {} secret{} from {store} \
                     (`secrets` valueFrom) at {}{}",
                    c.name,
                    c.secret_refs.len(),
                    if c.secret_refs.len() == 1 { "" } else { "s" },
                    crate::facts::loc_string(&c.location),
                    plural_more(ecs.len())
                ));
                return Outcome::Pass;
            }
            cx.detail("no secret-named settings in the application's configuration");
            return Outcome::NotApplicable;
        };
        if let Some((store, first_ref, count)) = best_store(facts) {
            cx.detail(format!(
                "{store} ({} at {}{})",
                first_ref.evidence,
                crate::facts::loc_string(&first_ref.location),
                plural_more(count)
            ));
            return Outcome::Pass;
        }
        let more = if consumers.len() > 1 {
            format!(" and {} more", consumers.len() - 1)
        } else {
            String::new()
        };
        cx.report_at(
            &first.location,
            format!(
                "the app reads secrets from plain configuration ({} in {}{more}) and nothing uses a secret \
                 store: looked for Vault, AWS Secrets Manager, SSM Parameter Store, GCP Secret Manager, \
                 Azure Key Vault, Doppler, sops, External/Sealed Secrets, 1Password, Infisical",
                first.name,
                first.context.as_str()
            ),
        );
        Outcome::Fail
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_documented() {
        crate::rules::support::signals::assert_documented(
            &NoSecretsManager::META,
            crate::facts::secret_stores::SECRET_STORES,
            true,
        );
    }
}
