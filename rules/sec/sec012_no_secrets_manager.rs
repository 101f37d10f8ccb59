use crate::declare_rule;
use crate::facts::env::is_secret_name;
use crate::facts::signals::{self, Vendor};
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

/// Secret stores and how they show up.
pub const SECRET_STORES: &[Vendor] = &[
    Vendor {
        name: "Vault",
        packages: &[
            "hvac",
            "node-vault",
            "github.com/hashicorp/vault/api",
            "org.springframework.cloud:spring-cloud-starter-vault-config",
            "com.bettercloud:vault-java-driver",
            "io.github.jopenlibs:vault-java-driver",
            "cargo:vaultrs",
            "VaultSharp",
        ],
        env: &["VAULT_ADDR"],
        terraform: &["vault_*"],
        images: &["hashicorp/vault"],
        kubernetes: &[
            "vault.hashicorp.com/",
            "VaultStaticSecret",
            "VaultDynamicSecret",
            "VaultConnection",
        ],
        ci: &["hashicorp/vault-action", "vault kv get", "vault read "],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "AWS Secrets Manager",
        packages: &[
            "@aws-sdk/client-secrets-manager",
            "aws-secretsmanager-caching",
            "github.com/aws/aws-sdk-go-v2/service/secretsmanager",
            "software.amazon.awssdk:secretsmanager",
            "com.amazonaws:aws-java-sdk-secretsmanager",
            "com.amazonaws.secretsmanager:aws-secretsmanager-caching-java",
            "cargo:aws-sdk-secretsmanager",
            "AWSSDK.SecretsManager",
        ],
        terraform: &["aws_secretsmanager_*"],
        modules: &["secrets-manager"],
        ci: &[
            "aws secretsmanager get-secret-value",
            "aws-secretsmanager-get-secrets",
        ],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "SSM Parameter Store",
        packages: &[
            "@aws-sdk/client-ssm",
            "github.com/aws/aws-sdk-go-v2/service/ssm",
            "software.amazon.awssdk:ssm",
            "cargo:aws-sdk-ssm",
            "AWSSDK.SimpleSystemsManagement",
        ],
        terraform: &["aws_ssm_parameter"],
        modules: &["ssm-parameter"],
        ci: &["aws ssm get-parameter", "chamber exec", "chamber export"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "GCP Secret Manager",
        packages: &[
            "google-cloud-secret-manager",
            "@google-cloud/secret-manager",
            "cloud.google.com/go/secretmanager",
            "com.google.cloud:google-cloud-secretmanager",
        ],
        terraform: &["google_secret_manager_*"],
        ci: &["gcloud secrets", "get-secretmanager-secrets"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Azure Key Vault",
        packages: &[
            "azure-keyvault-secrets",
            "@azure/keyvault-secrets",
            "github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets",
            "Azure.Security.KeyVault.Secrets",
            "com.azure:azure-security-keyvault-secrets",
        ],
        terraform: &["azurerm_key_vault*"],
        ci: &["az keyvault secret", "get-keyvault-secrets"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Doppler",
        packages: &["@dopplerhq/*", "doppler-sdk"],
        env: &["DOPPLER_TOKEN"],
        terraform: &["doppler_*"],
        kubernetes: &["DopplerSecret"],
        ci: &["doppler run", "dopplerhq/"],
        tools: &["doppler"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "sops",
        terraform: &["sops_*"],
        ci: &["sops -d", "sops --decrypt", "sops exec-env", "sops decrypt"],
        tools: &["sops", "sops-encrypted"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Kubernetes secret operators",
        kubernetes: &[
            "ExternalSecret",
            "SecretStore",
            "ClusterSecretStore",
            "SealedSecret",
            "SecretProviderClass",
        ],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "1Password",
        env: &["OP_SERVICE_ACCOUNT_TOKEN"],
        terraform: &["onepassword_*"],
        kubernetes: &["OnePasswordItem"],
        ci: &["load-secrets-action", "op run", "op read"],
        ..Vendor::EMPTY
    },
    Vendor {
        name: "Infisical",
        packages: &["@infisical/sdk", "infisical-python", "infisicalsdk"],
        env: &["INFISICAL_TOKEN"],
        terraform: &["infisical_*"],
        kubernetes: &["InfisicalSecret"],
        ci: &["infisical run", "infisical export"],
        ..Vendor::EMPTY
    },
];

/// Every secret-store reference in the facts (listed by `devops-lint facts`).
pub fn secret_stores(facts: &RepoFacts) -> Vec<SecretStoreRef> {
    let mut out: Vec<SecretStoreRef> = signals::find(facts, SECRET_STORES)
        .into_iter()
        .map(|e| SecretStoreRef {
            store: e.vendor,
            evidence: e.what,
            location: e.location,
        })
        .collect();
    let containers = facts.all_ecs_containers();
    for c in containers.filter(|c| !is_auxiliary(&c.location.path)) {
        for r in &c.secret_refs {
            let store = if r.contains(":secretsmanager:") || r.contains("secretsmanager") {
                "AWS Secrets Manager"
            } else if r.contains(":ssm:") || r.contains("parameter/") || r.contains("ssm_parameter")
            {
                "SSM Parameter Store"
            } else {
                "AWS Secrets Manager or SSM Parameter Store"
            };
            out.push(SecretStoreRef {
                store,
                evidence: format!("ECS container {} secrets valueFrom", c.name),
                location: c.location.clone(),
            });
        }
    }
    out.sort_by(|a, b| {
        (&a.location.path, a.location.start, a.store).cmp(&(
            &b.location.path,
            b.location.start,
            b.store,
        ))
    });
    out
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
            cx.detail("no secret-named settings in the application's configuration");
            return Outcome::NotApplicable;
        };
        if let Some(store) = facts.secret_stores.first() {
            cx.detail(format!(
                "{} ({} at {})",
                store.store,
                store.evidence,
                crate::facts::loc_string(&store.location)
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
        crate::facts::signals::assert_documented(&NoSecretsManager::META, SECRET_STORES, true);
    }
}
