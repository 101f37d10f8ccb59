//! What counts as a secret store (Vault, AWS Secrets Manager, SSM Parameter Store,
//! sops, ...) and where the facts show one. `RepoFacts::finish` derives
//! `RepoFacts::secret_stores` with it; SEC012 reads that list and documents this table.

use super::signals::{self, Vendor};
use super::{is_auxiliary, RepoFacts, SecretStoreRef};

/// Secret stores and how they show up.
pub(crate) const SECRET_STORES: &[Vendor] = &[
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
pub(crate) fn collect(facts: &RepoFacts) -> Vec<SecretStoreRef> {
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
