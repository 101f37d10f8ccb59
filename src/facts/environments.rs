//! Environments the infrastructure code can spin up: per-environment
//! directories (`envs/prod`, `live/staging`), per-environment tfvars, Terraform
//! workspaces, Terragrunt layouts and Pulumi stacks; plus the deployment
//! environments CI jobs name.

use std::collections::BTreeMap;

use super::RepoFacts;

/// Directories whose children are environments.
pub(crate) const CONTAINERS: &[&str] = &[
    "envs",
    "env",
    "environments",
    "environment",
    "live",
    "stacks",
    "accounts",
    "deployments",
    "stages",
];

#[derive(Debug, Clone, serde::Serialize)]
pub struct Environment {
    /// Canonical name: production, staging, development, qa, test, sandbox, preview, uat.
    pub name: String,
    pub evidence: Vec<EnvEvidence>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct EnvEvidence {
    /// `dir`, `tfvars`, `workspace`, `pulumi-stack`, `helm-values`, `backend`, `k8s-dir`, `ci`.
    pub kind: &'static str,
    pub detail: String,
}

impl Environment {
    /// Whether infrastructure code (not only a CI job) shows it.
    pub(crate) fn declared_in_iac(&self) -> bool {
        self.evidence.iter().any(|e| e.kind != "ci")
    }
}

/// The canonical environment a name stands for (`prod` → production). `non-prod`,
/// `nonprod` and `preprod` are not production although they contain "prod".
pub(crate) fn canonical(token: &str) -> Option<&'static str> {
    Some(match token.to_ascii_lowercase().as_str() {
        "prod" | "production" | "prd" => "production",
        "stage" | "staging" | "stg" => "staging",
        "dev" | "development" | "develop" => "development",
        "qa" => "qa",
        "test" | "testing" => "test",
        "sandbox" | "sbx" => "sandbox",
        "preview" => "preview",
        "uat" => "uat",
        "preprod" | "pre-prod" | "pre_prod" | "preproduction" | "pre-production" => "preprod",
        "nonprod" | "non-prod" | "non_prod" | "nonproduction" | "non-production" => {
            "non-production"
        }
        _ => return None,
    })
}

/// The `-`/`_`/`.`-separated tokens of a name, with `non`/`pre` joined to a following
/// `prod` (`eu-non-prod` → `eu`, `nonprod`).
fn tokens(name: &str) -> Vec<String> {
    let raw: Vec<&str> = name
        .split(['-', '_', '.'])
        .filter(|t| !t.is_empty())
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        let joined = raw.get(i + 1).and_then(|next| {
            let first = raw[i].to_ascii_lowercase();
            let next = next.to_ascii_lowercase();
            ((first == "non" || first == "pre") && (next == "prod" || next == "production"))
                .then(|| format!("{first}{next}"))
        });
        match joined {
            Some(j) => {
                out.push(j);
                i += 2;
            }
            None => {
                out.push(raw[i].to_string());
                i += 1;
            }
        }
    }
    out
}

/// The environment a file or directory name stands for: the whole name, or its first or
/// last `-`/`_`/`.`-separated token (`prod-eu`, `eu_staging`, `prod.tfvars`,
/// `eu-non-prod`).
pub(crate) fn canonical_in(name: &str) -> Option<&'static str> {
    canonical(name).or_else(|| {
        let tokens = tokens(name);
        tokens
            .first()
            .and_then(|t| canonical(t))
            .or_else(|| tokens.last().and_then(|t| canonical(t)))
    })
}

/// The environment a path is in, from its directory segments. In an
/// account/region/environment layout (`non-prod/us-east-1/qa/mysql/`) the deepest
/// segment naming an environment is the environment; the account above it is a grouping.
/// `test` counts only below an environment container (`envs/test/`), since `test/` is
/// usually a test folder.
pub(crate) fn of_path(path: &str) -> Option<(&'static str, String)> {
    let segments: Vec<&str> = path.split('/').collect();
    let dirs = &segments[..segments.len().saturating_sub(1)];
    let mut found = None;
    for (i, seg) in dirs.iter().enumerate() {
        let Some(env) = canonical_in(seg) else {
            continue;
        };
        let under_container =
            i > 0 && CONTAINERS.contains(&dirs[i - 1].to_ascii_lowercase().as_str());
        if env == "test" && !under_container {
            continue;
        }
        found = Some((env, dirs[..=i].join("/")));
    }
    found
}

/// The environment a per-environment file stands for: Helm values (`values-prod.yaml`,
/// `values.staging.yaml`, `prod-values.yaml`), Terraform backend configs
/// (`backend-prod.hcl`, `prod.tfbackend`, `prod.s3.tfbackend`), CDK or Serverless stage
/// configs (`config.prod.json` is too generic and is not read).
pub(crate) fn of_file(path: &str) -> Option<(&'static str, &'static str)> {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let yaml_stem = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"));
    if let Some(stem) = yaml_stem {
        let env = stem
            .strip_prefix("values-")
            .or_else(|| stem.strip_prefix("values."))
            .or_else(|| stem.strip_prefix("values_"))
            .or_else(|| stem.strip_suffix("-values"))
            .or_else(|| stem.strip_suffix(".values"))
            .or_else(|| stem.strip_suffix("_values"));
        return env.and_then(canonical_in).map(|e| (e, "helm-values"));
    }
    if let Some(stem) = name.strip_suffix(".tfbackend") {
        return canonical_in(stem).map(|e| (e, "backend"));
    }
    if let Some(stem) = name.strip_suffix(".hcl") {
        let env = stem
            .strip_prefix("backend-")
            .or_else(|| stem.strip_prefix("backend."))
            .or_else(|| stem.strip_prefix("backend_"))
            .or_else(|| stem.strip_suffix(".backend"))
            .or_else(|| stem.strip_suffix("-backend"));
        return env.and_then(canonical_in).map(|e| (e, "backend"));
    }
    None
}

pub(crate) fn detect(facts: &RepoFacts) -> Vec<Environment> {
    let mut found: BTreeMap<String, Vec<EnvEvidence>> = BTreeMap::new();
    let mut add = |name: &str, kind: &'static str, detail: String| {
        let e = found.entry(name.to_string()).or_default();
        let ev = EnvEvidence { kind, detail };
        if !e.contains(&ev) {
            e.push(ev);
        }
    };
    let tf = &facts.terraform;
    let iac_paths = tf
        .dirs
        .iter()
        .map(|d| format!("{d}/main.tf"))
        .chain(tf.terragrunt.iter().cloned())
        .chain(tf.tfvars.iter().cloned())
        .chain(
            facts
                .tools
                .iter()
                .filter(|t| super::text::tool_role(t.kind) == super::text::ToolRole::Iac)
                .map(|t| t.path.clone()),
        );
    for path in iac_paths {
        if super::is_auxiliary(&path) {
            continue;
        }
        if let Some((env, dir)) = of_path(&path) {
            add(env, "dir", dir);
        }
    }
    // Kubernetes overlays (`overlays/prod/kustomization.yaml`) and manifests kept per
    // environment (`k8s/staging/deploy.yaml`); Helm values and backend configs per
    // environment (`values-prod.yaml`, `prod.tfbackend`).
    let k8s_paths = facts.kubernetes.iter().map(|o| o.path.as_str());
    for path in facts.files.values().flatten().map(String::as_str) {
        if super::is_auxiliary(path) {
            continue;
        }
        if let Some((env, kind)) = of_file(path) {
            add(env, kind, path.to_string());
        }
    }
    let overlays = facts
        .files
        .values()
        .flatten()
        .map(String::as_str)
        .filter(|p| {
            let name = p.rsplit('/').next().unwrap_or(p).to_ascii_lowercase();
            name == "kustomization.yaml" || name == "kustomization.yml"
        })
        .chain(k8s_paths);
    for path in overlays {
        if super::is_auxiliary(path) {
            continue;
        }
        if let Some((env, dir)) = of_path(path) {
            add(env, "k8s-dir", dir);
        }
    }
    for path in &tf.tfvars {
        if super::is_auxiliary(path) {
            continue;
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        let stem = name
            .trim_end_matches(".json")
            .trim_end_matches(".tfvars")
            .trim_end_matches(".auto");
        if let Some(env) = canonical_in(stem) {
            add(env, "tfvars", path.clone());
        }
    }
    for name in &tf.workspace_names {
        add(
            canonical(name).unwrap_or(name),
            "workspace",
            format!("terraform.workspace == \"{name}\""),
        );
    }
    for t in facts.tools.iter().filter(|t| t.kind == "pulumi-stack") {
        if let Some(stack) = &t.name {
            add(
                canonical_in(stack).unwrap_or(stack),
                "pulumi-stack",
                t.path.clone(),
            );
        }
    }
    for file in facts.ci.pipelines() {
        for job in &file.jobs {
            if let Some(env) = job.environment.as_deref() {
                if env.contains("${") || env.contains("$[") {
                    continue;
                }
                add(
                    canonical_in(env).unwrap_or(env),
                    "ci",
                    format!("{} job {}", file.path, job.name),
                );
            }
        }
    }
    found
        .into_iter()
        .map(|(name, mut evidence)| {
            evidence.sort();
            Environment { name, evidence }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths() {
        assert_eq!(canonical_in("prod-eu-west-1"), Some("production"));
        assert_eq!(canonical_in("eu_staging"), Some("staging"));
        assert_eq!(canonical_in("production"), Some("production"));
        assert_eq!(canonical_in("modules"), None);
        assert_eq!(
            of_path("live/prod/vpc/terragrunt.hcl"),
            Some(("production", "live/prod".into()))
        );
        assert_eq!(
            of_path("envs/test/main.tf"),
            Some(("test", "envs/test".into()))
        );
        assert_eq!(of_path("test/fixtures/main.tf"), None);
    }

    #[test]
    fn not_production_although_named_prod() {
        for name in ["non-prod", "nonprod", "non_prod", "eu-non-prod", "NonProd"] {
            assert_eq!(canonical_in(name), Some("non-production"), "{name}");
        }
        for name in ["preprod", "pre-prod", "eu-pre-prod"] {
            assert_eq!(canonical_in(name), Some("preprod"), "{name}");
        }
        assert_eq!(canonical_in("uat"), Some("uat"));
        assert_eq!(canonical_in("sandbox"), Some("sandbox"));
    }

    #[test]
    fn account_region_environment_layouts() {
        assert_eq!(
            of_path("non-prod/us-east-1/qa/mysql/terragrunt.hcl"),
            Some(("qa", "non-prod/us-east-1/qa".into()))
        );
        assert_eq!(
            of_path("non-prod/us-east-1/stage/webserver-cluster/terragrunt.hcl"),
            Some(("staging", "non-prod/us-east-1/stage".into()))
        );
        assert_eq!(
            of_path("prod/us-east-1/prod/mysql/terragrunt.hcl"),
            Some(("production", "prod/us-east-1/prod".into()))
        );
        assert_eq!(
            of_path("non-prod/account.hcl"),
            Some(("non-production", "non-prod".into()))
        );
        assert_eq!(
            of_path("accounts/sandbox/eu-west-1/vpc/main.tf"),
            Some(("sandbox", "accounts/sandbox".into()))
        );
    }

    #[test]
    fn per_environment_files() {
        assert_eq!(
            of_file("chart/values-prod.yaml"),
            Some(("production", "helm-values"))
        );
        assert_eq!(
            of_file("helm/values.staging.yml"),
            Some(("staging", "helm-values"))
        );
        assert_eq!(of_file("chart/values.yaml"), None);
        assert_eq!(
            of_file("env/dev.tfbackend"),
            Some(("development", "backend"))
        );
        assert_eq!(
            of_file("infra/backend-prod.hcl"),
            Some(("production", "backend"))
        );
        assert_eq!(of_file("infra/terragrunt.hcl"), None);
    }
}
