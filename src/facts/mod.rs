//! The repo-wide inventory that repo rules read. Gathered per file while the
//! engine has the file's text and parsed model in hand (in parallel, no second
//! read), then merged and sorted so the result does not depend on the thread
//! count. `devops-lint facts` prints it.
//!
//! One module per fact family: [`manifests`] (dependencies), [`terraform`]
//! (resources, modules, providers, backends), [`environments`], [`ci`] (jobs
//! and commands), [`docker`] (Dockerfiles, ECS containers, compose),
//! [`kubernetes`], [`env`] (environment variables), [`text`] (other tools,
//! scripts, URL hosts). Secret-store references are derived at the end from
//! the other facts with the table in [`secret_stores`]; what counts as a CI
//! deploy is in [`deploys`].

pub(crate) mod ci;
pub(crate) mod commands;
pub(crate) mod deploys;
pub(crate) mod docker;
pub(crate) mod env;
pub(crate) mod environments;
pub(crate) mod kubernetes;
pub(crate) mod manifests;
pub(crate) mod profile;
pub(crate) mod secret_stores;
pub(crate) mod signals;
pub(crate) mod terraform;
pub(crate) mod text;
// NOTE: the line reader moved to `parse::yaml::lines` (every parser lives in parse); this
// alias keeps the facts modules' `super::yaml_lines` paths.
pub(crate) use crate::parse::yaml::lines as yaml_lines;

use std::collections::BTreeMap;

use serde::ser::{SerializeMap, SerializeSeq, Serializer};

use crate::model::Parsed;
pub(crate) use crate::source::Location;
use crate::source::{FileKind, SourceFile, Span};

/// What one file contributes.
#[derive(Debug, Default)]
pub(crate) struct FileFacts {
    pub path: String,
    pub kind: Option<FileKind>,
    pub manifest: Option<manifests::Manifest>,
    pub terraform: Option<terraform::TerraformFacts>,
    pub ci: Option<ci::CiFile>,
    pub dockerfile: Option<docker::DockerfileFacts>,
    pub ecs_containers: Vec<docker::EcsContainer>,
    pub compose: Option<docker::ComposeFile>,
    pub kubernetes: Vec<kubernetes::K8sObject>,
    pub images: Vec<docker::ImageRef>,
    pub env: Vec<env::EnvSetting>,
    pub tools: Vec<text::Tool>,
    pub tasks: Vec<text::Task>,
    pub hosts: BTreeMap<String, Location>,
}

/// What the whole tree holds.
#[derive(Debug, Default, serde::Serialize)]
pub struct RepoFacts {
    /// Paths by kind, sorted.
    pub files: BTreeMap<FileKind, Vec<String>>,
    pub manifests: Vec<manifests::Manifest>,
    pub terraform: terraform::TerraformFacts,
    pub environments: Vec<environments::Environment>,
    pub ci: ci::CiFacts,
    pub dockerfiles: Vec<docker::DockerfileFacts>,
    /// ECS container definitions from task-definition JSON files (those in Terraform are
    /// under their `aws_ecs_task_definition` resource).
    pub ecs_containers: Vec<docker::EcsContainer>,
    pub compose: Vec<docker::ComposeFile>,
    pub kubernetes: Vec<kubernetes::K8sObject>,
    pub images: Vec<docker::ImageRef>,
    pub env: Vec<env::EnvSetting>,
    pub tools: Vec<text::Tool>,
    pub tasks: Vec<text::Task>,
    /// Hosts of URLs in configuration (and of DSN-shaped URLs in code), first location each.
    #[serde(serialize_with = "ser_loc_map")]
    pub hosts: BTreeMap<String, Location>,
    /// Secret stores the configuration uses (derived with [`secret_stores::SECRET_STORES`]).
    pub secret_stores: Vec<SecretStoreRef>,
    /// What CI runs, resolved once on first use and shared by the repo rules.
    #[serde(skip)]
    pub(crate) ci_resolution: std::sync::OnceLock<commands::CiResolution>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SecretStoreRef {
    /// The store: `aws-secrets-manager`, `vault`, `sops`, ...
    pub store: &'static str,
    /// What shows it (`aws_secretsmanager_secret.db`, `hvac` in requirements.txt).
    pub evidence: String,
    #[serde(serialize_with = "ser_loc")]
    pub location: Location,
}

/// Whether the facts of a file of this kind come from its parsed model (the others are
/// read from the text, so the engine need not parse them for the facts alone).
pub(crate) fn needs_model(kind: FileKind) -> bool {
    matches!(
        kind,
        FileKind::Terraform
            | FileKind::Dockerfile
            | FileKind::GithubWorkflow
            | FileKind::GithubAction
            | FileKind::GitlabCi
            | FileKind::Circleci
    )
}

/// Gathers what `file` contributes (called by the engine for every file it reads).
pub(crate) fn collect(file: &SourceFile, parsed: &Parsed) -> FileFacts {
    let mut ff = FileFacts {
        path: file.path.clone(),
        kind: Some(file.kind),
        ..FileFacts::default()
    };
    if manifests::is_manifest_path(&file.path) {
        ff.manifest = manifests::parse(file);
    }
    match parsed {
        Parsed::Terraform(tf) => {
            let mut facts = terraform::collect(file, tf).facts;
            for r in facts.resources.iter_mut() {
                if r.ty == "aws_ecs_task_definition" {
                    if let Some(block) = tf
                        .resources_of_type("aws_ecs_task_definition")
                        .find(|b| b.name() == Some(r.name.as_str()))
                    {
                        docker::ecs_environment(file, block, &mut ff.env);
                    }
                    for c in &r.containers {
                        if let Some(image) = &c.image {
                            ff.images.push(docker::ImageRef {
                                image: image.clone(),
                                location: c.location.clone(),
                            });
                        }
                    }
                }
            }
            lambda_environment(file, tf, &mut ff.env);
            ff.terraform = Some(facts);
        }
        Parsed::Dockerfile(df) => {
            ff.dockerfile = docker::dockerfile(file, df, &mut ff.env);
            ff.images = docker::dockerfile_images(file, df);
        }
        _ => {}
    }
    match file.kind {
        FileKind::Compose => ff.compose = Some(docker::compose(file, &mut ff.env, &mut ff.images)),
        FileKind::Kubernetes => {
            ff.kubernetes = kubernetes::objects(file, &mut ff.env, &mut ff.images)
        }
        _ => {}
    }
    if let Some(system) = ci::system_of(&file.path, file.kind) {
        ff.ci = Some(ci::collect_parsed(file, parsed, system, &mut ff.env));
    }
    if matches!(
        file.kind,
        FileKind::Text | FileKind::Kubernetes | FileKind::Manifest
    ) {
        ff.tools = text::tools(file);
        ff.tasks = text::tasks(file);
        if env::is_dotenv_template(&file.path) {
            env::dotenv(file, &mut ff.env);
        }
        if file.kind == FileKind::Text && file.path.to_ascii_lowercase().ends_with(".json") {
            ff.ecs_containers = docker::ecs_json(file);
        }
    }
    ff.hosts = text::hosts(file);
    ff
}

/// `aws_lambda_function` `environment { variables = { ... } }` names.
fn lambda_environment(
    file: &SourceFile,
    tf: &crate::model::terraform::TerraformFile,
    out: &mut Vec<env::EnvSetting>,
) {
    for block in tf.resources_of_type("aws_lambda_function") {
        for envb in block.blocks_named("environment") {
            let Some(vars) = envb.attr("variables") else {
                continue;
            };
            for entry in vars.value.as_object().unwrap_or(&[]) {
                if entry.computed_key {
                    continue;
                }
                out.push(env::EnvSetting {
                    name: entry.key.clone(),
                    context: env::EnvContext::Lambda,
                    literal: entry.value.as_str().is_some_and(|s| !s.is_empty()),
                    from_store: false,
                    location: loc_at(
                        file,
                        entry.key_span.start as usize,
                        entry.key_span.end as usize,
                    ),
                });
            }
        }
    }
}

impl RepoFacts {
    pub(crate) fn merge(&mut self, f: FileFacts) {
        if let Some(kind) = f.kind {
            self.files.entry(kind).or_default().push(f.path);
        }
        self.manifests.extend(f.manifest);
        if let Some(tf) = f.terraform {
            self.terraform.merge(tf);
        }
        if let Some(ci) = f.ci {
            self.ci.merge(ci);
        }
        self.dockerfiles.extend(f.dockerfile);
        self.ecs_containers.extend(f.ecs_containers);
        self.compose.extend(f.compose);
        self.kubernetes.extend(f.kubernetes);
        self.images.extend(f.images);
        self.env.extend(f.env);
        self.tools.extend(f.tools);
        self.tasks.extend(f.tasks);
        for (host, loc) in f.hosts {
            keep_first(&mut self.hosts, host, loc);
        }
    }

    /// Sorts everything so output is the same whatever the thread count, then derives
    /// environments and secret-store references.
    pub(crate) fn finish(&mut self) {
        for paths in self.files.values_mut() {
            paths.sort();
        }
        let key = |l: &Location| (l.path.clone(), l.start);
        self.manifests.sort_by(|a, b| a.path.cmp(&b.path));
        self.terraform.finish();
        self.ci.finish();
        self.dockerfiles.sort_by(|a, b| a.path.cmp(&b.path));
        self.ecs_containers.sort_by_key(|c| key(&c.location));
        self.compose.sort_by(|a, b| a.path.cmp(&b.path));
        self.kubernetes.sort_by_key(|o| key(&o.location));
        self.images.sort_by_key(|i| key(&i.location));
        self.env.sort_by_key(|e| key(&e.location));
        self.tools
            .sort_by(|a, b| (&a.path, a.kind).cmp(&(&b.path, b.kind)));
        self.tasks
            .sort_by(|a, b| (&a.path, &a.name).cmp(&(&b.path, &b.name)));
        self.environments = environments::detect(self);
        self.secret_stores = secret_stores::collect(self);
    }

    pub(crate) fn paths_of(&self, kind: FileKind) -> &[String] {
        self.files.get(&kind).map(Vec::as_slice).unwrap_or(&[])
    }

    pub(crate) fn file_count(&self) -> usize {
        self.files.values().map(Vec::len).sum()
    }

    pub(crate) fn tools_of<'a>(
        &'a self,
        kinds: &'a [&str],
    ) -> impl Iterator<Item = &'a text::Tool> + 'a {
        self.tools.iter().filter(move |t| kinds.contains(&t.kind))
    }

    /// Manifests outside examples/tests that declare runtime dependencies: the application's.
    /// Manifests of scripts and tooling (`scripts/`, `tools/`, `bin/`, `ci/`, `.github/`)
    /// are not the application's.
    pub(crate) fn app_manifests(&self) -> impl Iterator<Item = &manifests::Manifest> {
        const TOOLING: &[&str] = &[
            "scripts", "script", "tools", "tooling", "bin", "ci", ".github",
        ];
        self.manifests.iter().filter(|m| {
            !is_auxiliary(&m.path)
                && m.has_runtime_dependencies()
                && !dir_of(&m.path)
                    .split('/')
                    .any(|seg| TOOLING.contains(&seg.to_ascii_lowercase().as_str()))
        })
    }

    /// The primary application manifest: one that depends on a web or service framework,
    /// else the shallowest; then by path.
    pub(crate) fn primary_manifest(&self) -> Option<&manifests::Manifest> {
        self.app_manifests().min_by_key(|m| {
            let service = m.runtime_dependencies().any(|d| {
                profile::SERVICE_FRAMEWORKS
                    .iter()
                    .any(|p| signals::package_matches(p, m.ecosystem, &d.name))
            });
            (!service, m.path.matches('/').count(), m.path.clone())
        })
    }

    /// Every runtime dependency of the application (outside examples/tests), with its manifest.
    pub(crate) fn runtime_dependencies(
        &self,
    ) -> impl Iterator<Item = (&manifests::Manifest, &manifests::Dependency)> {
        self.app_manifests()
            .flat_map(|m| m.runtime_dependencies().map(move |d| (m, d)))
    }

    /// Images and local stacks (outside examples/tests): Dockerfiles and compose files.
    /// On their own they do not show who runs them: a product or tool publishes images for
    /// others, a service is deployed by its team.
    pub(crate) fn image_evidence(&self) -> Vec<(String, Location)> {
        let mut out = Vec::new();
        for d in self.dockerfiles.iter().filter(|d| !is_auxiliary(&d.path)) {
            out.push((d.path.clone(), d.location.clone()));
        }
        for c in self.compose.iter().filter(|c| !is_auxiliary(&c.path)) {
            if let Some(s) = c.services.first() {
                out.push((format!("compose file {}", c.path), s.location.clone()));
            }
        }
        out
    }

    /// What shows that something is deployed (outside examples/tests): Kubernetes
    /// objects, Helm charts, Procfile and platform configs. (CI deploy steps are
    /// `ci_deploys`, see [`deploys`]; images count with a service framework, see
    /// `deployed`.)
    pub(crate) fn deploy_evidence(&self) -> Vec<(String, Location)> {
        let mut out = Vec::new();
        for t in self.tools.iter().filter(|t| !is_auxiliary(&t.path)) {
            if t.kind == "helm-chart" || text::tool_role(t.kind) == text::ToolRole::Deploy {
                out.push((format!("{} ({})", t.path, t.kind), t.location.clone()));
            }
        }
        let workload = |o: &&kubernetes::K8sObject| {
            matches!(
                o.kind.as_str(),
                "Deployment" | "StatefulSet" | "DaemonSet" | "CronJob" | "Job"
            )
        };
        // Only Kubernetes' own kinds: a Backstage `catalog-info.yaml` (kind: Component) or a
        // Skaffold config is not a deployment.
        let objects = || {
            self.kubernetes
                .iter()
                .filter(|o| !is_auxiliary(&o.path) && kubernetes::is_core_kind(&o.kind))
        };
        if let Some(o) = objects().find(workload).or_else(|| objects().next()) {
            out.push((
                format!("Kubernetes manifest {}", o.path),
                o.location.clone(),
            ));
        }
        out
    }

    /// Infrastructure-as-code outside examples/tests: Terraform/OpenTofu dirs, Terragrunt,
    /// and other IaC tools (Pulumi, CloudFormation/SAM, CDK, Serverless, Nomad).
    pub(crate) fn iac(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(d) = self
            .terraform
            .dirs
            .iter()
            .find(|d| !is_auxiliary(&format!("{d}/x.tf")))
        {
            out.push((
                "terraform".to_string(),
                if d.is_empty() { ".".into() } else { d.clone() },
            ));
        }
        if let Some(t) = self.terraform.terragrunt.iter().find(|p| !is_auxiliary(p)) {
            out.push(("terragrunt".to_string(), t.clone()));
        }
        for t in self.tools.iter().filter(|t| !is_auxiliary(&t.path)) {
            if text::tool_role(t.kind) == text::ToolRole::Iac {
                out.push((t.kind.to_string(), t.path.clone()));
            }
        }
        out
    }

    /// Terraform root modules outside examples/tests: directories with a configured
    /// `provider`, a backend, or a `terragrunt.hcl`.
    pub(crate) fn terraform_roots(&self) -> Vec<String> {
        let mut roots: Vec<String> = self
            .terraform
            .providers
            .iter()
            .map(|p| p.path.as_str())
            .chain(self.terraform.backends.iter().map(|b| b.path.as_str()))
            .chain(self.terraform.terragrunt.iter().map(String::as_str))
            .filter(|p| !is_auxiliary(p))
            .map(|p| dir_of(p).to_string())
            .collect();
        roots.sort();
        roots.dedup();
        roots
    }

    /// Terraform is present only as reusable modules: no root module (provider block,
    /// backend, Terragrunt) outside examples/tests, and either examples/tests that use
    /// the modules or every directory under `modules/`. Account-level practices are then
    /// the callers' business. (A lone `main.tf` without a provider block is a root module
    /// configured from the environment, not a library.)
    pub(crate) fn is_module_library(&self) -> bool {
        let main_dirs: Vec<&String> = self
            .terraform
            .dirs
            .iter()
            .filter(|d| !is_auxiliary(&format!("{d}/x.tf")))
            .collect();
        if main_dirs.is_empty() || !self.terraform_roots().is_empty() {
            return false;
        }
        let has_examples = self
            .terraform
            .dirs
            .iter()
            .any(|d| is_auxiliary(&format!("{d}/x.tf")));
        let all_under_modules = main_dirs
            .iter()
            .all(|d| d.split('/').any(|s| s == "modules"));
        has_examples || all_under_modules
    }

    /// Terraform resources outside examples/tests.
    pub(crate) fn main_resources(&self) -> impl Iterator<Item = &terraform::TfBlock> {
        self.terraform
            .resources
            .iter()
            .filter(|r| !is_auxiliary(&r.path))
    }

    pub(crate) fn main_modules(&self) -> impl Iterator<Item = &terraform::TfModule> {
        self.terraform
            .modules
            .iter()
            .filter(|m| !is_auxiliary(&m.path))
    }

    pub(crate) fn main_data_sources(&self) -> impl Iterator<Item = &terraform::TfBlock> {
        self.terraform
            .data_sources
            .iter()
            .filter(|r| !is_auxiliary(&r.path))
    }

    /// Every ECS container definition: those of Terraform task definitions, then those of
    /// task-definition JSON files.
    pub(crate) fn all_ecs_containers(&self) -> impl Iterator<Item = &docker::EcsContainer> {
        self.terraform
            .resources
            .iter()
            .flat_map(|r| r.containers.iter())
            .chain(self.ecs_containers.iter())
    }

    /// Every CI command with its file and job.
    pub(crate) fn ci_commands(
        &self,
    ) -> impl Iterator<Item = (&ci::CiFile, &ci::CiJob, &ci::CiCommand)> {
        self.ci.files.iter().flat_map(|f| {
            f.jobs
                .iter()
                .flat_map(move |j| j.commands.iter().map(move |c| (f, j, c)))
        })
    }

    /// Every `uses:` (actions, orbs, templates) with its file and job.
    pub(crate) fn ci_uses(
        &self,
    ) -> impl Iterator<Item = (&ci::CiFile, &ci::CiJob, &ci::CiCommand)> {
        self.ci.files.iter().flat_map(|f| {
            f.jobs
                .iter()
                .flat_map(move |j| j.uses.iter().map(move |c| (f, j, c)))
        })
    }
}

/// Paths of examples, tests, fixtures, docs, vendored code and dev containers: they
/// show how to use something, not what this repo deploys. An environment named `test`
/// below an environment folder (`envs/test/`) is not a test folder.
pub(crate) fn is_auxiliary(path: &str) -> bool {
    const AUX: &[&str] = &[
        "example",
        "examples",
        "_examples",
        "test",
        "tests",
        "testdata",
        "test-fixtures",
        "test_fixtures",
        "fixtures",
        "fixture",
        "__tests__",
        "__fixtures__",
        "e2e",
        "cypress",
        "playwright",
        "spec",
        ".devcontainer",
        "docs",
        "doc",
        "sample",
        "samples",
        "demo",
        "demos",
        "vendor",
        "third_party",
        "third-party",
        "node_modules",
        "_archived",
        "hack",
        "archived",
        ".terraform",
        "testing",
        "benchmarks",
    ];
    // NOTE: called for every fact by every repo rule: no allocation (case-insensitive
    // comparisons instead of lowercased copies).
    let is = |list: &[&str], seg: &str| list.iter().any(|a| a.eq_ignore_ascii_case(seg));
    let dirs = dir_of(path);
    if !path.contains('/') {
        return false;
    }
    let mut parent: Option<&str> = None;
    for seg in dirs.split('/') {
        if is(AUX, seg) {
            let under_container = parent.is_some_and(|p| is(environments::CONTAINERS, p));
            let test = seg.eq_ignore_ascii_case("test") || seg.eq_ignore_ascii_case("testing");
            if !(under_container && test) {
                return true;
            }
        }
        parent = Some(seg);
    }
    false
}

/// The directory of a path (`""` at the root).
pub(crate) fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// A location for a byte range of `file`.
pub(crate) fn loc_at(file: &SourceFile, start: usize, end: usize) -> Location {
    Location::in_file(file, Span::new(start, end.max(start)))
}

/// Line 1 of `file` (whole-file findings).
pub(crate) fn loc_line1(file: &SourceFile) -> Location {
    Location::in_file(file, file.first_line_span())
}

/// Keeps the earliest location (by path, then position) for a key.
pub(crate) fn keep_first(map: &mut BTreeMap<String, Location>, key: String, loc: Location) {
    match map.get(&key) {
        Some(old) if (&old.path, old.start) <= (&loc.path, loc.start) => {}
        _ => {
            map.insert(key, loc);
        }
    }
}

/// `path:line:column` (empty at the repo root).
pub(crate) fn loc_string(loc: &Location) -> String {
    if loc.is_root() {
        String::new()
    } else {
        format!("{}:{}:{}", loc.path, loc.start.line, loc.start.column)
    }
}

pub(crate) fn ser_loc<S: Serializer>(loc: &Location, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&loc_string(loc))
}

pub(crate) fn ser_locs<S: Serializer>(locs: &[Location], s: S) -> Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(locs.len()))?;
    for l in locs {
        seq.serialize_element(&loc_string(l))?;
    }
    seq.end()
}

pub(crate) fn ser_loc_map<S: Serializer>(
    map: &BTreeMap<String, Location>,
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(Some(map.len()))?;
    for (k, v) in map {
        m.serialize_entry(k, &loc_string(v))?;
    }
    m.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auxiliary_paths() {
        assert!(is_auxiliary("examples/complete/main.tf"));
        assert!(is_auxiliary("app/tests/Dockerfile"));
        assert!(is_auxiliary(".devcontainer/Dockerfile"));
        assert!(!is_auxiliary("envs/test/main.tf"));
        assert!(!is_auxiliary("infra/main.tf"));
        assert!(!is_auxiliary("test.tf"));
        assert!(!is_auxiliary("Dockerfile"));
    }
}
