//! What kind of repository this is, as the repo rules' applicability tests
//! need it: is there an application, is it deployed, does the IaC run
//! compute? An absence rule is only as good as this test.

use super::terraform::{TfBlock, TfModule};
use super::{is_auxiliary, Location, RepoFacts};

/// Terraform resource types (prefixes end with `_`) that run code or hold data: what a
/// private network, metrics, logs and alerts are for.
pub(crate) const COMPUTE_TYPES: &[&str] = &[
    "aws_instance",
    "aws_launch_template",
    "aws_launch_configuration",
    "aws_autoscaling_group",
    "aws_ecs_service",
    "aws_ecs_task_definition",
    "aws_eks_cluster",
    "aws_eks_node_group",
    "aws_lambda_function",
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_elasticache_cluster",
    "aws_elasticache_replication_group",
    "aws_elasticache_serverless_cache",
    "aws_docdb_cluster",
    "aws_neptune_cluster",
    "aws_redshift_cluster",
    "aws_opensearch_domain",
    "aws_elasticsearch_domain",
    "aws_mq_broker",
    "aws_msk_cluster",
    "aws_apprunner_service",
    "aws_elastic_beanstalk_environment",
    "aws_batch_compute_environment",
    "google_compute_instance",
    "google_compute_instance_template",
    "google_container_cluster",
    "google_container_node_pool",
    "google_cloud_run_service",
    "google_cloud_run_v2_service",
    "google_cloudfunctions_function",
    "google_cloudfunctions2_function",
    "google_sql_database_instance",
    "google_redis_instance",
    "azurerm_linux_virtual_machine",
    "azurerm_windows_virtual_machine",
    "azurerm_virtual_machine",
    "azurerm_linux_virtual_machine_scale_set",
    "azurerm_kubernetes_cluster",
    "azurerm_container_app",
    "azurerm_container_group",
    "azurerm_linux_web_app",
    "azurerm_windows_web_app",
    "azurerm_linux_function_app",
    "azurerm_windows_function_app",
    "azurerm_postgresql_server",
    "azurerm_postgresql_flexible_server",
    "azurerm_mysql_server",
    "azurerm_mysql_flexible_server",
    "azurerm_mssql_server",
    "azurerm_redis_cache",
    "digitalocean_droplet",
    "digitalocean_app",
    "digitalocean_kubernetes_cluster",
    "digitalocean_database_cluster",
];

/// Fragments of module sources that create compute or databases.
pub(crate) const COMPUTE_MODULES: &[&str] = &[
    "ec2-instance",
    "autoscaling",
    "/ecs",
    "ecs-",
    "/eks",
    "eks-",
    "/rds",
    "rds-",
    "aurora",
    "lambda",
    "elasticache",
    "kubernetes-engine",
    "/gke",
    "/aks",
    "app-runner",
];

fn article(word: &str) -> &'static str {
    let first = word.trim_start_matches('@').chars().next().unwrap_or('x');
    if "aeiouAEIOU".contains(first) {
        "an"
    } else {
        "a"
    }
}

/// Web and service frameworks (and app servers): an application that depends on one
/// and builds an image is a service its team deploys.
pub(crate) const SERVICE_FRAMEWORKS: &[&str] = &[
    // JavaScript / TypeScript
    "express",
    "fastify",
    "koa",
    "@hapi/hapi",
    "@nestjs/core",
    "next",
    "nuxt",
    "@remix-run/*",
    "@sveltejs/kit",
    "@adonisjs/core",
    "sails",
    "restify",
    "@apollo/server",
    "apollo-server*",
    "hono",
    "@trpc/server",
    "@feathersjs/feathers",
    // Python
    "django",
    "flask",
    "fastapi",
    "starlette",
    "gunicorn",
    "uvicorn",
    "tornado",
    "aiohttp",
    "sanic",
    "falcon",
    "pyramid",
    "bottle",
    "quart",
    "litestar",
    "celery",
    // Ruby
    "rails",
    "sinatra",
    "hanami",
    "puma",
    "unicorn",
    "sidekiq",
    "grape",
    // Go
    "github.com/gin-gonic/gin",
    "github.com/labstack/echo*",
    "github.com/gofiber/fiber*",
    "github.com/go-chi/chi*",
    "github.com/gorilla/mux",
    "github.com/julienschmidt/httprouter",
    // Rust
    "actix-web",
    "axum",
    "rocket",
    "warp",
    "poem",
    // JVM
    "org.springframework.boot:*",
    "org.springframework.boot",
    "io.micronaut:*",
    "io.quarkus:*",
    "io.ktor:*",
    "io.javalin:*",
    "io.dropwizard:*",
    "io.vertx:*",
    // PHP, Elixir, .NET
    "laravel/framework",
    "laravel/lumen-framework",
    "symfony/framework-bundle",
    "slim/slim",
    "phoenix",
    "plug_cowboy",
    "Microsoft.AspNetCore*",
];

pub(crate) fn is_compute_type(ty: &str) -> bool {
    COMPUTE_TYPES.iter().any(|t| {
        if t.ends_with('_') {
            ty.starts_with(t)
        } else {
            ty == *t
        }
    })
}

/// Packages of operations tooling: a manifest that declares only these (an Ansible
/// estate's `requirements.txt`: ansible, boto3, netaddr) drives infrastructure and is not
/// an application. `*` ends a prefix.
pub(crate) const OPS_TOOLING: &[&str] = &[
    "ansible*",
    "molecule*",
    "pytest-testinfra",
    "testinfra",
    "yamllint",
    "pre-commit",
    "checkov",
    "cfn-lint",
    "boto3",
    "botocore",
    "boto",
    "awscli",
    "netaddr",
    "jmespath",
    "dnspython",
    "passlib",
    "pywinrm",
    "paramiko",
    "jinja2",
    "pyyaml",
    "hvac",
    "docker",
    "kubernetes",
    "openshift",
    "google-auth",
    "azure-cli",
    "kitchen-terraform",
    "inspec",
    "awspec",
    "test-kitchen",
    "github.com/gruntwork-io/terratest",
];

fn is_ops_tooling(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    OPS_TOOLING.iter().any(|p| match p.strip_suffix('*') {
        Some(prefix) => lower.starts_with(prefix),
        None => lower == *p,
    })
}

/// The runtime a repo defines: what metrics, logs, error tracking and alerts would watch.
#[derive(Debug, Clone)]
pub(crate) enum Runtime {
    /// Something runs: the place that best represents it, and a description.
    Present { what: String, location: Location },
    /// Only a library-like application (manifests, nothing deployed) or only a Dockerfile:
    /// the evidence is partial.
    Partial(String),
    /// Nothing runs from this repo.
    Absent(String),
}

impl RepoFacts {
    /// Compute and database resources in root modules (not in reusable-module libraries,
    /// not in examples/tests).
    pub(crate) fn compute_resources(&self) -> Vec<&TfBlock> {
        if self.is_module_library() {
            return Vec::new();
        }
        self.main_resources()
            .filter(|r| is_compute_type(&r.ty))
            .collect()
    }

    /// Modules that create compute, in root modules.
    pub(crate) fn compute_modules(&self) -> Vec<&TfModule> {
        if self.is_module_library() {
            return Vec::new();
        }
        self.main_modules()
            .filter(|m| {
                let s = m.source_lower();
                COMPUTE_MODULES.iter().any(|f| s.contains(f))
            })
            .collect()
    }

    /// Kubernetes workloads outside examples/tests.
    pub(crate) fn k8s_workloads(&self) -> impl Iterator<Item = &super::kubernetes::K8sObject> {
        self.kubernetes.iter().filter(|o| {
            !is_auxiliary(&o.path)
                && !super::kubernetes::is_patch(&o.path)
                && matches!(
                    o.kind.as_str(),
                    "Deployment" | "StatefulSet" | "DaemonSet" | "CronJob" | "Job" | "Rollout"
                )
        })
    }

    /// Deployment files spread over many top-level folders (8 or more) with nothing that
    /// deploys them: a collection of examples or samples rather than one deployed system.
    /// The reason, if so. A monorepo of services is judged like any repo as soon as
    /// something deploys it: a CI deploy step, or infrastructure-as-code outside
    /// examples/tests (the IaC is what runs the services).
    pub(crate) fn example_collection(&self) -> Option<String> {
        let dirs = self.deploy_folders();
        if dirs.len() < 8 || self.monorepo_deployed_by().is_some() {
            return None;
        }
        Some(format!(
            "deployment files in {} separate top-level folders ({}, ...) and no CI deploy step or \
             infrastructure-as-code that deploys them: a collection of examples rather than one \
             deployed system",
            dirs.len(),
            dirs.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
        ))
    }

    /// Top-level folders (outside examples/tests) holding Dockerfiles, compose files,
    /// Kubernetes objects, platform configs or deploy tools.
    pub(crate) fn deploy_folders(&self) -> std::collections::BTreeSet<String> {
        let mut dirs = std::collections::BTreeSet::new();
        let paths = self
            .image_evidence()
            .into_iter()
            .chain(self.deploy_evidence())
            .map(|(_, l)| l.path)
            .chain(self.dockerfiles.iter().map(|d| d.path.clone()))
            .chain(self.compose.iter().map(|c| c.path.clone()))
            .chain(self.kubernetes.iter().map(|o| o.path.clone()))
            .chain(
                self.tools
                    .iter()
                    .filter(|t| super::text::tool_role(t.kind) == super::text::ToolRole::Deploy)
                    .map(|t| t.path.clone()),
            );
        for p in paths.filter(|p| !is_auxiliary(p)) {
            if let Some((top, _)) = p.split_once('/') {
                dirs.insert(top.to_string());
            }
        }
        dirs
    }

    /// What deploys a many-service repo, if anything: a CI deploy step or IaC.
    pub(crate) fn monorepo_deployed_by(&self) -> Option<String> {
        if let Some((what, loc)) = self.ci_deploys().into_iter().next() {
            return Some(format!(
                "CI deploy step `{what}` ({})",
                super::loc_string(&loc)
            ));
        }
        self.iac()
            .into_iter()
            .next()
            .map(|(tool, path)| format!("{tool} ({path})"))
    }

    /// Helm charts published for others to install: charts outside examples/tests, CI
    /// that releases them (chart-releaser, `helm push`, `helm package`, `cr upload`), and
    /// nothing this team runs itself (no CI deploy step, no IaC, no Kubernetes object
    /// outside the charts, no platform config). The reason, if so.
    pub(crate) fn published_charts(&self) -> Option<String> {
        let charts: Vec<&super::text::Tool> = self
            .tools
            .iter()
            .filter(|t| t.kind == "helm-chart" && !is_auxiliary(&t.path))
            .collect();
        let first = charts.first()?;
        let chart_dirs: Vec<&str> = charts.iter().map(|t| super::dir_of(&t.path)).collect();
        let in_chart = |path: &str| {
            chart_dirs
                .iter()
                .any(|d| d.is_empty() || path.starts_with(&format!("{d}/")))
        };
        let releases = self.ci_uses().any(|(_, _, u)| {
            let lower = u.text.to_ascii_lowercase();
            lower.contains("chart-releaser") || lower.contains("helm-push")
        }) || self.ci_commands().any(|(_, _, c)| {
            let lower = c.text.to_ascii_lowercase();
            lower.contains("helm push")
                || lower.contains("helm package")
                || lower.contains("cr upload")
                || lower.contains("chart-releaser")
        });
        let own_objects = self.kubernetes.iter().any(|o| {
            !is_auxiliary(&o.path) && !in_chart(&o.path) && super::kubernetes::is_core_kind(&o.kind)
        });
        let other_deploys = self.tools.iter().any(|t| {
            !is_auxiliary(&t.path)
                && super::text::tool_role(t.kind) == super::text::ToolRole::Deploy
                && !in_chart(&t.path)
        });
        if !releases || own_objects || other_deploys || !self.iac().is_empty() {
            return None;
        }
        if !self.ci_deploys().is_empty() {
            return None;
        }
        Some(format!(
            "Helm charts published for others to install ({} chart{}, first {}; CI releases them): \
             the operators who install them run the workloads",
            charts.len(),
            if charts.len() == 1 { "" } else { "s" },
            first.path
        ))
    }

    /// Whether anything is deployed from here, with the first piece of evidence: a
    /// Procfile or platform config, Kubernetes or Helm, a CI deploy step, or a Dockerfile or
    /// compose file of an application built on a web or service framework.
    pub(crate) fn deployed(&self) -> Option<(String, Location)> {
        if self.example_collection().is_some() || self.published_charts().is_some() {
            return None;
        }
        if let Some(first) = self.deploy_evidence().into_iter().next() {
            return Some(first);
        }
        let ci = self
            .ci_deploys()
            .into_iter()
            .next()
            .map(|(what, loc)| (format!("CI deploy step `{what}`"), loc));
        if ci.is_some() {
            return ci;
        }
        let (image, location) = self.image_evidence().into_iter().next()?;
        let (framework, _) = self.service_framework()?;
        Some((
            format!("{image} ({} {framework} app)", article(&framework)),
            location,
        ))
    }

    /// An image is built but nothing says this team runs it: no platform config,
    /// manifests, CI deploy step or service framework. A product or a tool may publish
    /// images for others to run.
    pub(crate) fn image_only(&self) -> Option<(String, Location)> {
        if self.deployed().is_some() {
            return None;
        }
        self.image_evidence().into_iter().next()
    }

    /// The first web or service framework among the application's runtime dependencies.
    pub(crate) fn service_framework(&self) -> Option<(String, String)> {
        self.runtime_dependencies().find_map(|(m, d)| {
            SERVICE_FRAMEWORKS
                .iter()
                .any(|p| super::signals::package_matches(p, m.ecosystem, &d.name))
                .then(|| (d.name.clone(), m.path.clone()))
        })
    }

    /// Application code: a manifest (outside examples, tests and tooling folders) with
    /// runtime dependencies that are not all operations tooling ([`OPS_TOOLING`]). A
    /// library of Terraform modules, a Helm chart, docs or an Ansible estate has none.
    pub(crate) fn application_code(&self) -> Option<&super::manifests::Manifest> {
        self.app_manifests()
            .filter(|m| m.runtime_dependencies().any(|d| !is_ops_tooling(&d.name)))
            .min_by_key(|m| (m.path.matches('/').count(), m.path.clone()))
    }

    /// Code that only the infrastructure runs: the IaC runs compute, nothing else shows an
    /// application (no image, platform config, Procfile or Kubernetes workload; a CI step
    /// may apply the IaC), and no manifest depends on a web or service framework (a
    /// Lambda handler, a provisioning script). Its errors are the infrastructure's
    /// (CloudWatch), not an application's. The manifest, if so.
    pub(crate) fn infrastructure_helper_code(&self) -> Option<&super::manifests::Manifest> {
        if self.service_framework().is_some()
            || !self.image_evidence().is_empty()
            || !self.deploy_evidence().is_empty()
        {
            return None;
        }
        if self.compute_resources().is_empty() && self.compute_modules().is_empty() {
            return None;
        }
        self.application_code()
    }

    /// The application's runtime, for rules that ask whether it is monitored.
    pub(crate) fn runtime(&self) -> Runtime {
        if let Some(why) = self.example_collection() {
            return Runtime::Partial(why);
        }
        if let Some(why) = self.published_charts() {
            return Runtime::Absent(why);
        }
        let deployed = self.deployed();
        let manifest = self.primary_manifest();
        if let (Some(m), Some((how, _))) = (manifest, &deployed) {
            return Runtime::Present {
                what: format!("the application in {}, deployed by {how},", m.path),
                location: m.location.clone(),
            };
        }
        if let Some(r) = self.compute_resources().first() {
            return Runtime::Present {
                what: format!("infrastructure running workloads ({})", r.address),
                location: r.location.clone(),
            };
        }
        if let Some(m) = self.compute_modules().first() {
            return Runtime::Present {
                what: format!("infrastructure running workloads (module.{})", m.name),
                location: m.location.clone(),
            };
        }
        if let Some(o) = self.k8s_workloads().next() {
            return Runtime::Present {
                what: format!("Kubernetes workloads ({} in {})", o.kind, o.path),
                location: o.location.clone(),
            };
        }
        if let Some(m) = manifest {
            return Runtime::Partial(format!(
                "{} declares runtime dependencies but nothing shows it is deployed as a service \
                 (no platform config, Kubernetes, CI deploy step, or image of a web/service \
                 framework app): a library or a tool others run needs none of this",
                m.path
            ));
        }
        if let Some((what, _)) = deployed {
            return Runtime::Partial(format!(
                "{what} is deployed but no dependency manifest or infrastructure shows what runs in it"
            ));
        }
        if let Some((image, _)) = self.image_evidence().into_iter().next() {
            return Runtime::Partial(format!(
                "{image} builds an image, but nothing shows what runs in it or that this team runs it \
                 (no manifest, platform config, Kubernetes or CI deploy step)"
            ));
        }
        if self.is_module_library() {
            return Runtime::Absent(
                "only reusable Terraform modules (no root module outside examples/tests): \
                 the callers run the workloads"
                    .into(),
            );
        }
        Runtime::Absent("no application, container, Kubernetes workload or compute resource".into())
    }
}
