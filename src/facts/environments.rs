//! Environments the infrastructure code can spin up: per-environment
//! directories (`envs/prod`, `live/staging`), per-environment tfvars, Terraform
//! workspaces, Terragrunt layouts and Pulumi stacks; plus the deployment
//! environments CI jobs name.

use std::collections::BTreeMap;

use super::RepoFacts;

/// Directories whose children are environments.
pub const CONTAINERS: &[&str] = &[
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
    /// `dir`, `tfvars`, `workspace`, `pulumi-stack`, `ci`.
    pub kind: &'static str,
    pub detail: String,
}

impl Environment {
    /// Whether infrastructure code (not only a CI job) shows it.
    pub fn from_iac(&self) -> bool {
        self.evidence.iter().any(|e| e.kind != "ci")
    }
}

/// The canonical environment a name stands for (`prod` → production).
pub fn canonical(token: &str) -> Option<&'static str> {
    Some(match token.to_ascii_lowercase().as_str() {
        "prod" | "production" | "prd" => "production",
        "stage" | "staging" | "stg" => "staging",
        "dev" | "development" | "develop" => "development",
        "qa" => "qa",
        "test" | "testing" => "test",
        "sandbox" | "sbx" => "sandbox",
        "preview" => "preview",
        "uat" => "uat",
        "preprod" | "pre-prod" => "preprod",
        _ => return None,
    })
}

/// The environment a file or directory name stands for: the whole name, or its first or
/// last `-`/`_`/`.`-separated token (`prod-eu`, `eu_staging`, `prod.tfvars`).
pub fn canonical_in(name: &str) -> Option<&'static str> {
    canonical(name).or_else(|| {
        let tokens: Vec<&str> = name
            .split(['-', '_', '.'])
            .filter(|t| !t.is_empty())
            .collect();
        tokens
            .first()
            .and_then(|t| canonical(t))
            .or_else(|| tokens.last().and_then(|t| canonical(t)))
    })
}

/// The environment a path is in, from its directory segments. `test` counts only below
/// an environment container (`envs/test/`), since `test/` is usually a test folder.
pub fn of_path(path: &str) -> Option<(&'static str, String)> {
    let segments: Vec<&str> = path.split('/').collect();
    let dirs = &segments[..segments.len().saturating_sub(1)];
    for (i, seg) in dirs.iter().enumerate() {
        let Some(env) = canonical_in(seg) else {
            continue;
        };
        let under_container =
            i > 0 && CONTAINERS.contains(&dirs[i - 1].to_ascii_lowercase().as_str());
        if env == "test" && !under_container {
            continue;
        }
        return Some((env, dirs[..=i].join("/")));
    }
    None
}

pub fn detect(facts: &RepoFacts) -> Vec<Environment> {
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
}
