use crate::declare_rule;
use crate::facts::RepoFacts;
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
    /// `docker push` alone is packaging, not a deploy, and so is a job whose
    /// `environment:` merely carries "production" in its name when every command it runs
    /// builds, pushes or publishes an artifact (`docker build`/`push`, `npm publish`,
    /// `twine upload`, `goreleaser`, ...). `kubectl apply`, `helm install` or a deploy
    /// action in a job that creates a throwaway cluster (`kind create cluster`,
    /// `k3d cluster create`, `minikube start`, helm/kind-action, setup-minikube, k3d
    /// actions) goes to that cluster for an end-to-end test: not a deploy. `helm plugin
    /// install` and `helm repo add` set up the tool. Helm charts published for others
    /// (CI releases them with chart-releaser, `helm push` or `helm package`, and nothing
    /// else is deployed) do not apply. Without CI the rule does not
    /// apply (DLV001 reports that). When CI calls something this repo does not hold
    /// (an external reusable workflow, a GitLab include, a missing script), the
    /// outcome is inconclusive. The finding points at line 1 of the main CI file (the
    /// one that runs the most commands).
    ///
    /// Applicability follows the code: a repository with nothing deployed (a library of
    /// Terraform modules, Helm charts published for others, docs, a template) does not
    /// apply. Deployment files in 8 or more top-level folders with no CI deploy step and
    /// no infrastructure-as-code that deploys them are a collection of examples:
    /// inconclusive, with that reason on the card (a monorepo that something deploys is
    /// judged like any repo).
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

impl Rule for DeployNotAutomated {
    fn check_repo(&self, facts: &RepoFacts, cx: &mut RepoCx) -> Outcome {
        if !facts.ci.is_present() {
            cx.detail("no CI configuration (DLV001 reports it)");
            return Outcome::NotApplicable;
        }
        if let Some(why) = facts.example_collection() {
            return Outcome::Inconclusive(why);
        }
        if let Some(why) = facts.published_charts() {
            cx.detail(why);
            return Outcome::NotApplicable;
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
        if let Some((what, loc)) = facts.ci_deploys().into_iter().next() {
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
    use crate::facts::deploys::{DEPLOY_COMMANDS, DEPLOY_USES};

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
