use std::sync::LazyLock;

use regex::Regex;

use crate::declare_rule;
use crate::facts::environments::canonical_in;
use crate::facts::{Location, RepoFacts};
use crate::rule::{Outcome, RepoCx, Rule, Scope};

declare_rule! {
    /// ## What it checks
    /// The repository deploys something (Kubernetes manifests or a Helm chart, a
    /// Procfile or platform config, infrastructure code with a root module, or a
    /// Dockerfile or compose file of an application built on a web or service
    /// framework) and has CI, but no CI job deploys: no job runs
    /// a deploy command from the table below (directly, or through a make
    /// target, a package.json script or a script in the repo), uses a deploy
    /// action, or targets a deployment `environment:` (such as `production`).
    ///
    /// Deploy commands (`DEPLOY_COMMANDS`): `terraform`/`tofu`/`terragrunt apply`,
    /// `pulumi up`, `cdk deploy`, `sam deploy`, `serverless deploy`,
    /// `aws ecs update-service`, `ecs-deploy`, `ecspresso deploy`, `copilot deploy`,
    /// `aws cloudformation deploy`, `aws lambda update-function-code`,
    /// `aws deploy create-deployment`, `eb deploy`, `kubectl apply`/`set image`/`rollout restart`,
    /// `helm upgrade`/`install`, `helmfile apply`/`sync`, `argocd app sync`,
    /// `flux reconcile`, `skaffold run`/`deploy`, `fly deploy`, `heroku container:release`,
    /// `git push heroku`, `kamal deploy`, `cap deploy`, `vercel --prod`, `netlify deploy`,
    /// `firebase deploy`, `wrangler deploy`, `gcloud run deploy`/`app deploy`/`functions deploy`,
    /// `az webapp deploy`/`containerapp update`, `nomad job run`, `waypoint up`,
    /// `railway up`, `azd up`/`deploy`/`provision`, `docker stack deploy`, `ansible-playbook`,
    /// and deploys over `ssh`.
    /// Deploy actions and orbs (`DEPLOY_USES`): amazon-ecs-deploy-task-definition,
    /// aws-cloudformation-github-deploy, azure/webapps-deploy, azure/k8s-deploy,
    /// azure/functions-action, google-github-actions/deploy-*, superfly/flyctl-actions,
    /// heroku-deploy, appleboy/ssh-action, ssh-deploy, vercel-action, actions-netlify,
    /// cloudflare/wrangler-action, cloudflare/pages-action, dflook/terraform-apply,
    /// pulumi/actions, serverless/github-action, tfc-workflows apply-run, actions/deploy-pages,
    /// github-pages-deploy-action, actions-gh-pages, and the CircleCI orbs
    /// aws-ecs/deploy-service-update, heroku/deploy-via-git, helm/upgrade-helm-chart,
    /// kubernetes/create-or-update-resource, serverless-framework/deploy.
    ///
    /// A job or workflow whose name says `deploy` and that starts the app on its runner
    /// (`START_COMMANDS`: `docker compose up`, `docker run -d`, `docker service update`,
    /// `systemctl restart`, `pm2 reload`/`restart`, `supervisorctl restart`) deploys too.
    ///
    /// Publishing documentation or a static site (`STATIC_SITE_USES`: GitHub or
    /// Cloudflare Pages, Netlify, `mkdocs gh-deploy`, or any job or workflow named for
    /// docs, pages or the website) is not deploying the application.
    ///
    /// `docker push` alone is packaging, not a deploy. Without CI the rule does not
    /// apply (DLV001 reports that). When CI calls something this repo does not hold
    /// (an external reusable workflow, a GitLab include, a missing script), the
    /// outcome is inconclusive. The finding points at line 1 of the main CI file (the
    /// one that runs the most commands).
    ///
    /// ## Why it matters
    /// The talk's startups have "~0 operators": "all developers empowered to deploy
    /// in the early days". A deploy that one person runs from a laptop is a
    /// bottleneck and a bus factor; a deploy in CI is repeatable, logged and
    /// available to everyone.
    ///
    /// ## Bad
    /// ```yaml
    /// # file: .github/workflows/ci.yml
    /// on: push
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - run: npm test
    /// # file: Dockerfile
    /// FROM node:20
    /// # file: package.json
    /// { "dependencies": { "express": "^4.19.2" } }
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// # file: .github/workflows/ci.yml
    /// on: push
    /// jobs:
    ///   deploy:
    ///     runs-on: ubuntu-latest
    ///     environment: production
    ///     steps:
    ///       - run: aws ecs update-service --cluster app --service web --force-new-deployment
    /// # file: Dockerfile
    /// FROM node:20
    /// # file: package.json
    /// { "dependencies": { "express": "^4.19.2" } }
    /// ```
    ///
    /// ## How to fix
    /// Add a deploy job that runs on the main branch (after the tests), with its
    /// credentials from the CI secret store or OIDC, and a `production`
    /// environment so deploys are tracked.
    DeployNotAutomated {
        id: "DLV003",
        name: "deploy-not-automated",
        pillar: Dlv,
        stage: Growth,
        scope: Scope::Repo,
        severity: Note,
        since: "0.1.0",
        summary: "no CI job deploys",
        precision: Medium,
    }
}

/// Deploy commands: (what, pattern on one simple command, lower case).
pub const DEPLOY_COMMANDS: &[(&str, &str)] = &[
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
pub const DEPLOY_USES: &[&str] = &[
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
pub const START_COMMANDS: &str = r"^(docker(\s+compose|-compose)\b.*\bup\b|docker\s+run\b.*\s-d\b|docker\s+service\s+update\b|systemctl\s+restart\b|pm2\s+(reload|restart|start)\b|supervisorctl\s+restart\b)";

static START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(START_COMMANDS).expect("valid start pattern"));

static PATTERNS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    DEPLOY_COMMANDS
        .iter()
        .map(|(what, re)| (*what, Regex::new(re).expect("valid deploy pattern")))
        .collect()
});

/// The deploy command a simple command is, if any.
pub fn deploy_command(cmd: &str) -> Option<&'static str> {
    let lower = cmd.trim().to_ascii_lowercase();
    PATTERNS
        .iter()
        .find(|(_, re)| re.is_match(&lower))
        .map(|(what, _)| *what)
}

/// Every deploy CI performs: commands (resolved through tasks), deploy actions, and jobs
/// that target a deployment environment.
/// Static-site and documentation deploys (GitHub or Cloudflare Pages, Netlify, a
/// `gh-deploy`): they publish pages, not the application.
pub const STATIC_SITE_USES: &[&str] = &[
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
fn is_docs(file: &crate::facts::ci::CiFile, job: &crate::facts::ci::CiJob) -> bool {
    let names = format!("{} {}", file.path, job.name).to_ascii_lowercase();
    names.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
        matches!(
            w,
            "doc" | "docs" | "documentation" | "pages" | "storybook" | "website" | "site"
        )
    })
}

/// Every deploy of the application CI performs: commands (resolved through tasks),
/// deploy actions, and jobs that target a deployment environment. Static-site and
/// documentation deploys are left out.
pub fn ci_deploys(facts: &RepoFacts) -> Vec<(String, Location)> {
    let mut out = Vec::new();
    let res = facts.resolve_ci();
    for r in &res.commands {
        if is_docs(r.file, r.job) || STATIC_SITE.is_match(&r.text.trim().to_ascii_lowercase()) {
            continue;
        }
        let deploy_job = r.job.name.to_ascii_lowercase().contains("deploy")
            || r.file.path.to_ascii_lowercase().contains("deploy");
        let starts = deploy_job && START.is_match(&r.text.trim().to_ascii_lowercase());
        if deploy_command(&r.text).is_some() || starts {
            out.push((r.describe(), r.origin.location.clone()));
        }
    }
    for (file, job, u) in facts.ci_uses() {
        let lower = u.text.to_ascii_lowercase();
        if is_docs(file, job) || STATIC_SITE_USES.iter().any(|f| lower.contains(f)) {
            continue;
        }
        if DEPLOY_USES.iter().any(|f| lower.contains(f)) {
            out.push((u.text.clone(), u.location.clone()));
        }
    }
    for file in facts.ci.pipelines() {
        for job in &file.jobs {
            if let Some(env) = job.environment.as_deref() {
                if is_docs(file, job) {
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

impl Rule for DeployNotAutomated {
    fn check_repo(&self, facts: &RepoFacts, cx: &mut RepoCx) -> Outcome {
        if !facts.ci.is_present() {
            cx.detail("no CI configuration (DLV001 reports it)");
            return Outcome::NotApplicable;
        }
        if let Some(why) = facts.example_collection() {
            return Outcome::Inconclusive(why);
        }
        let deployable = facts
            .deployed()
            .map(|(w, _)| format!("{w} is deployed"))
            .or_else(|| {
                if facts.is_module_library() {
                    return None;
                }
                let roots = facts.terraform_roots();
                match roots.first() {
                    Some(root) => Some(format!(
                        "the Terraform root module {} is applied by hand",
                        if root.is_empty() { "." } else { root.as_str() }
                    )),
                    None => facts.iac().into_iter().next().map(|(tool, path)| {
                        format!("the {tool} code in {path} is applied by hand")
                    }),
                }
            });
        let Some(deployable) = deployable else {
            if let Some((image, _)) = facts.image_only() {
                return Outcome::Inconclusive(format!(
                    "{image} builds an image, but nothing shows this team deploys it (it may be \
                     published for others to run)"
                ));
            }
            cx.detail("nothing in the repo is deployed (no platform config, manifests, service image or root IaC)");
            return Outcome::NotApplicable;
        };
        if let Some((what, loc)) = ci_deploys(facts).into_iter().next() {
            cx.detail(format!(
                "CI deploys: {what} at {}",
                crate::facts::loc_string(&loc)
            ));
            return Outcome::Pass;
        }
        let unresolved = facts.resolve_ci().unresolved;
        if let Some((what, loc)) = unresolved.first() {
            return Outcome::Inconclusive(format!(
                "no deploy step found, but CI calls what this repo does not hold: {} at {}",
                crate::facts::signals::shorten(what),
                crate::facts::loc_string(loc)
            ));
        }
        let Some(file) = facts.ci.main_pipeline() else {
            return Outcome::NotApplicable;
        };
        let files = facts.ci.pipelines().count();
        cx.report_at(
            &file.location,
            format!(
                "{deployable}, but no CI job deploys it: no deploy command (terraform apply, \
                 kubectl/helm, aws ecs, serverless, fly/heroku/kamal, ...), deploy action or \
                 `environment: production` in {files} CI file{}",
                if files == 1 { "" } else { "s" }
            ),
        );
        Outcome::Fail
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

    #[test]
    fn the_table_is_documented() {
        let docs = DeployNotAutomated::META.docs_folded();
        for (what, _) in DEPLOY_COMMANDS {
            let head = what.split_whitespace().next().unwrap_or(what);
            assert!(docs.contains(head), "DLV003 docs do not mention `{what}`");
        }
        for u in DEPLOY_USES {
            let tail = u.rsplit('/').next().unwrap_or(u);
            assert!(docs.contains(tail), "DLV003 docs do not mention `{u}`");
        }
    }
}
