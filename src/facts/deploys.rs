//! What counts as a deploy in CI: deploy commands, deploy actions and orbs, jobs
//! that target a deployment environment, and what looks like a deploy but is not
//! (static sites and docs, packaging, throwaway test clusters). Read by DLV003 and
//! by the applicability tests of the repo rules ([`super::profile`]): one table, so
//! what "deployed" means cannot differ between them.

use std::sync::LazyLock;

use regex::Regex;

use super::ci::{CiFile, CiJob};
use super::environments::canonical_in;
use super::{Location, RepoFacts};

/// Deploy commands: (what, pattern on one simple command, lower case).
pub(crate) const DEPLOY_COMMANDS: &[(&str, &str)] = &[
    (
        "terraform apply",
        r"^(terraform|tofu|terragrunt)\b.*\bapply\b",
    ),
    ("pulumi up", r"^pulumi\b.*\bup\b"),
    ("cdk deploy", r"^(npx\s+)?(aws-)?cdk\b.*\bdeploy\b"),
    ("sam deploy", r"^sam\b.*\bdeploy\b"),
    (
        "serverless deploy",
        r"^(npx\s+)?(serverless|sls)\b.*\bdeploy\b",
    ),
    (
        "aws ecs update-service",
        r"^aws\s+ecs\s+(update-service|deploy)\b",
    ),
    (
        "ecs-deploy",
        r"^(ecs-deploy|ecspresso\s+deploy|copilot\b.*\bdeploy|ecs-cli\b.*\bup)\b",
    ),
    (
        "aws cloudformation deploy",
        r"^aws\s+cloudformation\s+(deploy|create-stack|update-stack)\b",
    ),
    (
        "aws lambda update-function-code",
        r"^aws\s+lambda\s+update-function-code\b",
    ),
    (
        "aws deploy create-deployment",
        r"^aws\s+deploy\s+create-deployment\b",
    ),
    ("eb deploy", r"^eb\s+deploy\b"),
    (
        "kubectl apply",
        r"^kubectl\b.*\b(apply|set\s+image|rollout\s+restart|replace)\b",
    ),
    ("helm upgrade", r"^helm\b.*\b(upgrade|install)\b"),
    ("helmfile apply", r"^helmfile\b.*\b(apply|sync|deploy)\b"),
    ("argocd app sync", r"^argocd\s+app\s+(sync|set)\b"),
    ("flux reconcile", r"^flux\s+reconcile\b"),
    ("skaffold deploy", r"^skaffold\s+(run|deploy)\b"),
    ("fly deploy", r"^(fly|flyctl)\s+deploy\b"),
    (
        "heroku release",
        r"^heroku\s+(container:release|deploy)|^git\s+push\s+\S*heroku",
    ),
    ("kamal deploy", r"^kamal\s+(deploy|redeploy)\b"),
    ("cap deploy", r"^(bundle\s+exec\s+)?cap\b.*\bdeploy\b"),
    ("vercel deploy", r"^(npx\s+)?vercel\b.*(--prod|\bdeploy\b)"),
    ("netlify deploy", r"^(npx\s+)?netlify\s+deploy\b"),
    ("firebase deploy", r"^(npx\s+)?firebase\s+deploy\b"),
    (
        "wrangler deploy",
        r"^(npx\s+)?wrangler\s+(deploy|publish|pages\s+deploy)\b",
    ),
    (
        "gcloud deploy",
        r"^gcloud\s+(run\s+deploy|app\s+deploy|functions\s+deploy|deploy\b)",
    ),
    (
        "az deploy",
        r"^az\s+(webapp\s+(deploy|up)|containerapp\s+(update|up)|functionapp\s+deployment|deployment\s+group\s+create)",
    ),
    ("nomad job run", r"^nomad\s+(job\s+)?run\b"),
    ("waypoint up", r"^waypoint\s+(up|deploy)\b"),
    ("railway up", r"^railway\s+up\b"),
    ("azd deploy", r"^azd\s+(up|deploy|provision)\b"),
    ("docker stack deploy", r"^docker\s+stack\s+deploy\b"),
    ("ansible-playbook", r"^ansible-playbook\b"),
    (
        "deploy over ssh",
        r"^ssh\b.*\b(deploy|docker(-compose|\s+compose|\s+stack|\s+pull)|systemctl\s+restart|git\s+pull)",
    ),
];

/// Deploy actions, orbs and templates (fragments of `uses:`, lower case).
pub(crate) const DEPLOY_USES: &[&str] = &[
    "amazon-ecs-deploy-task-definition",
    "aws-cloudformation-github-deploy",
    "azure/webapps-deploy",
    "azure/k8s-deploy",
    "azure/functions-action",
    "google-github-actions/deploy-",
    "superfly/flyctl-actions",
    "heroku-deploy",
    "appleboy/ssh-action",
    "ssh-deploy",
    "vercel-action",
    "actions-netlify",
    "cloudflare/wrangler-action",
    "cloudflare/pages-action",
    "dflook/terraform-apply",
    "pulumi/actions",
    "serverless/github-action",
    "actions/apply-run",
    "actions/deploy-pages",
    "github-pages-deploy-action",
    "actions-gh-pages",
    "aws-ecs/deploy-service-update",
    "heroku/deploy-via-git",
    "helm/upgrade-helm-chart",
    "kubernetes/create-or-update-resource",
    "serverless-framework/deploy",
];

/// Commands that start the app where the job runs: a deploy when the job or workflow is
/// named for deploying.
pub(crate) const START_COMMANDS: &str = r"^(docker(\s+compose|-compose)\b.*\bup\b|docker\s+run\b.*\s-d\b|docker\s+service\s+update\b|systemctl\s+restart\b|pm2\s+(reload|restart|start)\b|supervisorctl\s+restart\b)";

static START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(START_COMMANDS).expect("valid start pattern"));

static PATTERNS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    DEPLOY_COMMANDS
        .iter()
        .map(|(what, re)| (*what, Regex::new(re).expect("valid deploy pattern")))
        .collect()
});

/// The deploy command a simple command is, if any.
pub(crate) fn deploy_command(cmd: &str) -> Option<&'static str> {
    let lower = cmd.trim().to_ascii_lowercase();
    // `helm plugin install` and `helm repo add` set up the tool; they deploy nothing.
    if lower.starts_with("helm plugin") || lower.starts_with("helm repo") {
        return None;
    }
    PATTERNS
        .iter()
        .find(|(_, re)| re.is_match(&lower))
        .map(|(what, _)| *what)
}

/// Static-site and documentation deploys (GitHub or Cloudflare Pages, Netlify, a
/// `gh-deploy`): they publish pages, not the application.
pub(crate) const STATIC_SITE_USES: &[&str] = &[
    "actions/deploy-pages",
    "actions-gh-pages",
    "github-pages-deploy-action",
    "cloudflare/pages-action",
    "actions-netlify",
];

static STATIC_SITE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(npx\s+)?(netlify\s+deploy|wrangler\s+pages\s+deploy|gh-pages\b)|^mkdocs\s+gh-deploy",
    )
    .expect("valid static-site pattern")
});

/// A job or workflow that publishes documentation or pages, by its name.
fn is_docs(file: &CiFile, job: &CiJob) -> bool {
    let names = format!("{} {}", file.path, job.name).to_ascii_lowercase();
    names.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
        matches!(
            w,
            "doc" | "docs" | "documentation" | "pages" | "storybook" | "website" | "site"
        )
    })
}

/// A job that creates a throwaway cluster (kind, k3d, minikube, a kind/k3d/minikube
/// action): what it applies goes to that cluster, for an end-to-end test, not a deploy.
fn ephemeral_cluster_job(job: &CiJob) -> bool {
    job.commands
        .iter()
        .any(|c| EPHEMERAL_CLUSTER.is_match(&c.text.to_ascii_lowercase()))
        || job.uses.iter().any(|u| {
            let lower = u.text.to_ascii_lowercase();
            EPHEMERAL_CLUSTER_USES.iter().any(|f| lower.contains(f))
        })
}

static EPHEMERAL_CLUSTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(^|[\s;&|(])(kind\s+create\s+cluster|k3d\s+cluster\s+create|minikube\s+start|k3s\s+server|ctlptl\s+create)\b")
        .expect("valid ephemeral-cluster pattern")
});

/// Actions that start a throwaway cluster in the CI runner.
pub(crate) const EPHEMERAL_CLUSTER_USES: &[&str] = &[
    "helm/kind-action",
    "engineerd/setup-kind",
    "container-tools/kind-action",
    "absaoss/k3d-action",
    "nolar/setup-k3d-k3s",
    "medyagh/setup-minikube",
    "manusa/actions-setup-minikube",
];

/// Packaging, not deploying: building, pushing or publishing an artifact.
static PACKAGING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(docker|podman|buildah)\s+(build|push|login|tag|buildx|image\s+push|manifest)\b|^(npm|yarn|pnpm)\s+publish\b|^twine\s+upload\b|^cargo\s+publish\b|^gem\s+push\b|^goreleaser\b|^gh\s+release\b|^(echo|cd|export|set|ls|cat|mkdir)\b",
    )
    .expect("valid packaging pattern")
});

/// Whether every command of a job only builds, pushes or publishes artifacts.
fn packaging_only(job: &CiJob) -> bool {
    !job.commands.is_empty()
        && job.commands.iter().all(|c| {
            super::commands::simple_commands(&c.text)
                .iter()
                .all(|s| PACKAGING.is_match(&s.trim().to_ascii_lowercase()))
        })
}

impl RepoFacts {
    /// Every deploy of the application CI performs: commands (resolved through tasks),
    /// deploy actions, and jobs that target a deployment environment. Static-site and
    /// documentation deploys are left out.
    pub(crate) fn ci_deploys(&self) -> Vec<(String, Location)> {
        let facts = self;
        let mut out = Vec::new();
        let res = facts.resolve_ci();
        for r in res.commands() {
            if is_docs(r.file, r.job) || STATIC_SITE.is_match(&r.text.trim().to_ascii_lowercase()) {
                continue;
            }
            if ephemeral_cluster_job(r.job) {
                continue;
            }
            let deploy_job = r.job.name.to_ascii_lowercase().contains("deploy")
                || r.file.path.to_ascii_lowercase().contains("deploy");
            let starts = deploy_job && START.is_match(&r.text.trim().to_ascii_lowercase());
            if deploy_command(r.text).is_some() || starts {
                out.push((r.describe(), r.origin.location.clone()));
            }
        }
        for (file, job, u) in facts.ci_uses() {
            let lower = u.text.to_ascii_lowercase();
            if is_docs(file, job) || STATIC_SITE_USES.iter().any(|f| lower.contains(f)) {
                continue;
            }
            if DEPLOY_USES.iter().any(|f| lower.contains(f)) && !ephemeral_cluster_job(job) {
                out.push((u.text.clone(), u.location.clone()));
            }
        }
        for file in facts.ci.pipelines() {
            for job in &file.jobs {
                if let Some(env) = job.environment.as_deref() {
                    // An environment that merely carries "production" in its name does not
                    // make an image push a deploy.
                    if is_docs(file, job) || packaging_only(job) || ephemeral_cluster_job(job) {
                        continue;
                    }
                    if canonical_in(env).is_some_and(|e| e == "production" || e == "staging") {
                        out.push((
                            format!("job {} with environment {env}", job.name),
                            job.location.clone(),
                        ));
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deploy_commands() {
        for yes in [
            "terraform -chdir=infra apply -auto-approve",
            "aws ecs update-service --cluster c --service s",
            "helm upgrade --install web ./chart",
            "kubectl apply -f k8s/",
            "flyctl deploy --remote-only",
            "git push https://heroku:$KEY@git.heroku.com/app.git HEAD:main",
            "npx serverless deploy --stage prod",
            "ssh deploy@host 'cd app && git pull && systemctl restart app'",
        ] {
            assert!(deploy_command(yes).is_some(), "{yes}");
        }
        for no in [
            "docker push acme/web:1",
            "terraform plan",
            "kubectl get pods",
            "helm lint",
            "npm run build",
        ] {
            assert!(deploy_command(no).is_none(), "{no}");
        }
    }
}
