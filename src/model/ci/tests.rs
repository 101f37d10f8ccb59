use super::*;
use crate::parse::gha_expr;
use crate::parse::yaml;

fn docs(text: &str) -> Vec<YamlDocument> {
    let (docs, diags) = yaml::parse(text);
    assert!(diags.is_empty(), "{diags:?}");
    docs
}

fn at(text: &str, span: Span) -> &str {
    text.get(span.range()).unwrap_or("<out of range>")
}

const WORKFLOW: &str = r#"name: CI
on:
  push:
    branches: [main]
  pull_request_target:
    types: [opened, synchronize]
permissions:
  contents: read
  pull-requests: write
env:
  CARGO_TERM_COLOR: always
  API_TOKEN: ${{ secrets.API_TOKEN }}
jobs:
  test:
    name: Test
    runs-on: [self-hosted, linux]
    permissions: write-all
    environment:
      name: production
      url: https://example.com
    container:
      image: node:20
      env:
        NODE_ENV: test
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: postgres
        ports: ["5432:5432"]
      redis: redis:7
    env:
      DATABASE_URL: postgres://postgres:postgres@localhost/db
    steps:
      - uses: actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - uses: actions/setup-node@v4
        with: {node-version: 20}
      - name: Greet
        id: greet
        if: github.event_name == 'pull_request_target'
        shell: bash
        env:
          TITLE: ${{ github.event.pull_request.title }}
        run: |
          echo "Title: ${{ github.event.pull_request.title }}"
          npm test
  call:
    uses: org/repo/.github/workflows/deploy.yml@v1
    with:
      target: prod
    secrets:
      token: hunter2
"#;

#[test]
fn github_workflow() {
    let docs = docs(WORKFLOW);
    let w = Workflow::from_document(&docs[0]);
    assert_eq!(w.name.as_deref(), Some("CI"));
    let names: Vec<_> = w.on.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["push", "pull_request_target"]);
    assert_eq!(at(WORKFLOW, w.on[1].span), "pull_request_target");
    assert!(w.triggered_by("pull_request_target"));

    let perms = w.permissions.as_ref().unwrap();
    assert_eq!(at(WORKFLOW, perms.key_span), "permissions");
    let PermissionsValue::Map(entries) = &perms.value else {
        panic!("{perms:?}");
    };
    assert_eq!(entries[1].0, "pull-requests");
    assert_eq!(entries[1].1, "write");
    assert_eq!(at(WORKFLOW, entries[1].2), "pull-requests: write");

    assert_eq!(w.env.len(), 2);
    assert_eq!(at(WORKFLOW, w.env[1].key_span), "API_TOKEN");
    assert_eq!(
        at(WORKFLOW, w.env[1].value_span),
        "${{ secrets.API_TOKEN }}"
    );

    assert_eq!(w.jobs.len(), 2);
    let job = &w.jobs[0];
    assert_eq!(job.id, "test");
    assert_eq!(at(WORKFLOW, job.id_span), "test");
    assert!(at(WORKFLOW, job.span).starts_with("test:\n    name: Test"));
    assert!(at(WORKFLOW, job.span).ends_with("npm test"));
    assert_eq!(job.name.as_deref(), Some("Test"));
    let labels: Vec<_> = job.runs_on.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["self-hosted", "linux"]);
    let job_perms = job.permissions.as_ref().unwrap();
    assert_eq!(job_perms.value, PermissionsValue::WriteAll);
    assert_eq!(at(WORKFLOW, job_perms.span), "write-all");
    let (env_name, env_span) = job.environment.as_ref().unwrap();
    assert_eq!(env_name, "production");
    assert_eq!(at(WORKFLOW, *env_span), "production");
    let container = job.container.as_ref().unwrap();
    assert_eq!(container.image.as_ref().unwrap().0, "node:20");
    assert_eq!(container.env[0].key, "NODE_ENV");

    assert_eq!(job.services.len(), 2);
    let pg = &job.services[0];
    assert_eq!(pg.name, "postgres");
    assert_eq!(at(WORKFLOW, pg.name_span), "postgres");
    assert_eq!(at(WORKFLOW, pg.image.as_ref().unwrap().1), "postgres:16");
    assert_eq!(pg.env[0].key, "POSTGRES_PASSWORD");
    assert_eq!(pg.env[0].value.as_deref(), Some("postgres"));
    assert_eq!(job.services[1].image.as_ref().unwrap().0, "redis:7");

    let steps = &job.steps;
    assert_eq!(steps.len(), 3);
    let uses = steps[0].uses.as_ref().unwrap();
    assert!(uses
        .text
        .ends_with("@8e5e7e5ab8b370d6c329ec480221332ada57f0ab"));
    assert_eq!(at(WORKFLOW, uses.span), uses.text);
    assert!(uses.is_action("actions/checkout"));
    let UsesTarget::Remote(checkout) = &uses.target else {
        panic!("{uses:?}")
    };
    assert!(checkout.is_first_party() && checkout.is_pinned_to_commit());
    assert_eq!(steps[0].with[0].key, "ref");
    assert_eq!(
        steps[1].uses.as_ref().unwrap().text,
        "actions/setup-node@v4"
    );
    assert_eq!(steps[1].with[0].value.as_deref(), Some("20"));
    assert_eq!(at(WORKFLOW, steps[1].with[0].value_span), "20");
    let greet = &steps[2];
    assert_eq!(greet.name.as_deref(), Some("Greet"));
    assert_eq!(greet.id.as_deref(), Some("greet"));
    assert_eq!(greet.shell.as_deref(), Some("bash"));
    assert_eq!(
        greet.if_cond.as_ref().unwrap().0,
        "github.event_name == 'pull_request_target'"
    );
    assert!(at(WORKFLOW, greet.span).starts_with("name: Greet"));
    let run = greet.run.as_ref().unwrap();
    assert_eq!(
        run.text,
        "echo \"Title: ${{ github.event.pull_request.title }}\"\nnpm test\n"
    );
    assert!(at(WORKFLOW, run.span).starts_with("|\n          echo"));

    // Locating an expression inside `run: |` at its exact byte position.
    let raw = at(WORKFLOW, run.span);
    let occ = gha_expr::find_expressions(raw)[0];
    let span = occ.span.offset(run.span.start);
    assert_eq!(at(WORKFLOW, span), "${{ github.event.pull_request.title }}");
    let expr = occ.parse(raw).unwrap();
    assert_eq!(expr.contexts(), ["github.event.pull_request.title"]);

    let call = &w.jobs[1];
    let call_uses = call.uses.as_ref().unwrap();
    assert_eq!(call_uses.text, "org/repo/.github/workflows/deploy.yml@v1");
    let UsesTarget::Remote(callee) = &call_uses.target else {
        panic!("{call_uses:?}")
    };
    assert_eq!(
        (callee.owner.as_str(), callee.repo.as_str()),
        ("org", "repo")
    );
    assert_eq!(callee.name, "org/repo/.github/workflows/deploy.yml");
    assert_eq!(callee.git_ref.as_deref(), Some("v1"));
    assert!(!callee.is_first_party() && !callee.is_pinned_to_commit());
    assert_eq!(call.with[0].key, "target");
    assert_eq!(call.secrets[0].value.as_deref(), Some("hunter2"));
    assert!(call.steps.is_empty());

    let commands = w.commands();
    assert_eq!(commands.len(), 1);
    assert_eq!(commands[0].job, "test");
    assert_eq!(commands[0].span, run.span);

    let env = w.env_vars();
    let scoped: Vec<_> = env.iter().map(|(s, v)| (*s, v.key.as_str())).collect();
    assert_eq!(
        scoped,
        [
            (EnvScope::Workflow, "CARGO_TERM_COLOR"),
            (EnvScope::Workflow, "API_TOKEN"),
            (EnvScope::Job, "DATABASE_URL"),
            (EnvScope::Job, "NODE_ENV"),
            (EnvScope::Service, "POSTGRES_PASSWORD"),
            (EnvScope::With, "ref"),
            (EnvScope::With, "node-version"),
            (EnvScope::Step, "TITLE"),
            (EnvScope::With, "target"),
            (EnvScope::With, "token"),
        ]
    );
}

#[test]
fn trigger_and_permission_forms() {
    let build = |text: &str| Workflow::from_document(&docs(text)[0]);
    let w = build("on: push\npermissions: read-all\njobs: {}\n");
    assert_eq!(w.on.len(), 1);
    assert_eq!(w.on[0].name, "push");
    assert_eq!(w.on[0].span, Span::new(4, 8));
    assert_eq!(w.permissions.unwrap().value, PermissionsValue::ReadAll);

    let text = "on: [push, pull_request_target]\npermissions: {}\n";
    let w = build(text);
    assert_eq!(at(text, w.on[1].span), "pull_request_target");
    assert_eq!(w.permissions.unwrap().value, PermissionsValue::Map(vec![]));
    assert!(w.jobs.is_empty());

    let w = build("\"on\":\n  workflow_dispatch:\npermissions: ${{ inputs.p }}\n");
    assert_eq!(w.on[0].name, "workflow_dispatch");
    assert_eq!(w.permissions.unwrap().value, PermissionsValue::Other);
    assert!(build("name: x\n").permissions.is_none());
    assert_eq!(
        Workflow::from_document(&docs("- a\n")[0]),
        Workflow::default()
    );
}

const ACTION: &str = "\
name: Setup tool
description: Installs the tool
inputs:
  version:
    description: Version to install
    default: latest
  token:
    required: true
runs:
  using: composite
  steps:
    - uses: actions/cache@v4
      with:
        path: ~/.tool
    - name: Install
      shell: bash
      env:
        VERSION: ${{ inputs.version }}
      run: curl -sSL https://example.com/install.sh | bash -s -- \"$VERSION\"
";

#[test]
fn composite_action() {
    let a = Action::from_document(&docs(ACTION)[0]);
    assert_eq!(a.name.as_deref(), Some("Setup tool"));
    let (using, using_span) = a.runs_using.as_ref().unwrap();
    assert_eq!(using, "composite");
    assert_eq!(at(ACTION, *using_span), "composite");
    assert_eq!(a.inputs.len(), 2);
    assert_eq!(at(ACTION, a.inputs[0].name_span), "version");
    assert_eq!(a.inputs[0].default.as_ref().unwrap().0, "latest");
    assert!(a.inputs[1].default.is_none());
    assert_eq!(a.steps.len(), 2);
    let commands = a.commands();
    assert_eq!(commands.len(), 1);
    assert_eq!(commands[0].job, "Setup tool");
    assert_eq!(
        at(ACTION, commands[0].span),
        "curl -sSL https://example.com/install.sh | bash -s -- \"$VERSION\""
    );
    let env: Vec<_> = a
        .env_vars()
        .iter()
        .map(|(s, v)| (*s, v.key.clone()))
        .collect();
    assert_eq!(
        env,
        [
            (EnvScope::With, "path".to_string()),
            (EnvScope::Step, "VERSION".to_string())
        ]
    );
}

const GITLAB: &str = "\
stages: [build, test, deploy]

variables:
  DOCKER_DRIVER: overlay2
  DEPLOY_TOKEN:
    value: glpat-abcdefghijklmnop
    description: token for deploys

default:
  image: ruby:3.2
  before_script:
    - bundle install

.db: &db
  services:
    - name: postgres:16
      alias: db
      variables:
        POSTGRES_PASSWORD: postgres
    - redis:7
  variables: &db_vars
    DATABASE_URL: postgres://postgres:postgres@db/test

.setup:
  script:
    - echo setup

test:
  <<: *db
  stage: test
  script:
    - !reference [.setup, script]
    - bundle exec rspec
    - - echo nested
      - echo list
  after_script: echo done

deploy:
  stage: deploy
  image:
    name: alpine:3.20
    entrypoint: [\"\"]
  environment:
    name: production
  variables:
    <<: *db_vars
    AWS_SECRET_ACCESS_KEY: abc123
  script: |
    curl -fsSL https://get.example.com | sh
    ./deploy.sh
";

#[test]
fn gitlab_ci() {
    let g = GitlabCi::from_documents(&docs(GITLAB));
    let stages: Vec<_> = g.stages.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(stages, ["build", "test", "deploy"]);
    assert_eq!(g.variables.len(), 2);
    let token = &g.variables[1];
    assert_eq!(token.key, "DEPLOY_TOKEN");
    assert_eq!(token.value.as_deref(), Some("glpat-abcdefghijklmnop"));
    assert_eq!(at(GITLAB, token.value_span), "glpat-abcdefghijklmnop");

    let default = g.default.as_ref().unwrap();
    assert_eq!(default.image.as_ref().unwrap().0, "ruby:3.2");
    assert_eq!(default.script[0].text, "bundle install");

    let names: Vec<_> = g.jobs.iter().map(|j| (j.name.as_str(), j.hidden)).collect();
    assert_eq!(
        names,
        [
            (".db", true),
            (".setup", true),
            ("test", false),
            ("deploy", false)
        ]
    );
    let test = &g.jobs[2];
    assert_eq!(at(GITLAB, test.name_span), "test");
    assert_eq!(test.stage.as_ref().unwrap().0, "test");
    let lines: Vec<_> = test.script.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        lines,
        ["bundle exec rspec", "echo nested", "echo list", "echo done"]
    );
    assert_eq!(at(GITLAB, test.script[1].span), "echo nested");
    // services and variables come from the merged template, with the template's spans
    assert_eq!(test.services.len(), 2);
    assert_eq!(test.services[0].name, "postgres:16");
    assert_eq!(test.services[0].alias.as_deref(), Some("db"));
    assert_eq!(test.services[0].variables[0].key, "POSTGRES_PASSWORD");
    assert_eq!(test.services[1].name, "redis:7");
    assert_eq!(at(GITLAB, test.services[1].span), "redis:7");
    assert_eq!(test.variables[0].key, "DATABASE_URL");

    let deploy = &g.jobs[3];
    assert_eq!(deploy.image.as_ref().unwrap().0, "alpine:3.20");
    assert_eq!(deploy.environment.as_ref().unwrap().0, "production");
    let keys: Vec<_> = deploy.variables.iter().map(|v| v.key.as_str()).collect();
    assert_eq!(keys, ["AWS_SECRET_ACCESS_KEY", "DATABASE_URL"]);
    assert_eq!(at(GITLAB, deploy.variables[0].value_span), "abc123");
    assert_eq!(deploy.script.len(), 1);
    assert!(at(GITLAB, deploy.script[0].span).starts_with("|\n    curl"));

    let commands = g.commands();
    assert_eq!(commands[0].job, "default");
    assert!(commands
        .iter()
        .any(|c| c.job == ".setup" && c.text == "echo setup"));
    let scopes: Vec<_> = g
        .env_vars()
        .iter()
        .map(|(s, v)| (*s, v.key.as_str()))
        .collect::<Vec<_>>()
        .into_iter()
        .filter(|(_, k)| k.starts_with("POSTGRES") || k.starts_with("DEPLOY"))
        .collect();
    assert_eq!(
        scopes,
        [
            (EnvScope::Workflow, "DEPLOY_TOKEN"),
            (EnvScope::Service, "POSTGRES_PASSWORD"),
            (EnvScope::Service, "POSTGRES_PASSWORD"),
        ]
    );
}

#[test]
fn gitlab_globals_and_spec_header() {
    let text = "\
spec:
  inputs:
    stage:
      default: test
---
image: python:3.12
before_script: [pip install -r requirements.txt]
lint:
  script: ruff check .
";
    let g = GitlabCi::from_documents(&docs(text));
    let default = g.default.as_ref().unwrap();
    assert_eq!(default.name, "default");
    assert_eq!(default.image.as_ref().unwrap().0, "python:3.12");
    assert_eq!(default.script[0].text, "pip install -r requirements.txt");
    assert_eq!(g.jobs.len(), 1);
    assert_eq!(g.jobs[0].script[0].text, "ruff check .");
    assert_eq!(at(text, g.jobs[0].script[0].span), "ruff check .");
}

const CIRCLE: &str = "\
version: 2.1

orbs:
  node: circleci/node@5.1

executors:
  py:
    docker:
      - image: cimg/python:3.12
    environment:
      PIPENV_VENV_IN_PROJECT: true

commands:
  install:
    steps:
      - run: pip install -r requirements.txt

jobs:
  test:
    docker:
      - image: cimg/python:3.12
        auth:
          username: bot
          password: $DOCKERHUB_PASSWORD
        environment:
          DATABASE_URL: postgresql://root@localhost/circle_test
      - image: cimg/postgres:16.0
        environment:
          POSTGRES_USER: root
          POSTGRES_PASSWORD: password
    environment:
      FLASK_ENV: testing
    steps:
      - checkout
      - install
      - run:
          name: Run tests
          command: |
            pytest -q
          environment:
            PYTEST_ADDOPTS: -x
      - when:
          condition: << pipeline.git.tag >>
          steps:
            - run: curl -s https://example.com/release.sh | bash

workflows:
  version: 2
  build:
    jobs: [test]
";

#[test]
fn circleci_config() {
    let c = Circleci::from_document(&docs(CIRCLE)[0]);
    assert_eq!(c.version.as_ref().unwrap().0, "2.1");
    let workflows: Vec<_> = c.workflows.iter().map(|(w, _)| w.as_str()).collect();
    assert_eq!(workflows, ["build"]);
    assert_eq!(c.jobs.len(), 1);
    let job = &c.jobs[0];
    assert_eq!(job.name, "test");
    assert_eq!(at(CIRCLE, job.name_span), "test");
    assert!(at(CIRCLE, job.span).starts_with("test:\n    docker:"));
    assert_eq!(job.docker_images.len(), 2);
    let (image, span, env) = &job.docker_images[1];
    assert_eq!(image, "cimg/postgres:16.0");
    assert_eq!(at(CIRCLE, *span), "cimg/postgres:16.0");
    assert_eq!(env[1].key, "POSTGRES_PASSWORD");
    assert_eq!(job.environment[0].key, "FLASK_ENV");
    let steps: Vec<_> = job.steps.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        steps,
        [
            "pytest -q\n",
            "curl -s https://example.com/release.sh | bash"
        ]
    );
    assert!(at(CIRCLE, job.steps[0].span).starts_with("|\n            pytest"));
    assert_eq!(job.step_environment[0].key, "PYTEST_ADDOPTS");
    assert_eq!(
        c.commands[0].steps[0].text,
        "pip install -r requirements.txt"
    );
    assert_eq!(c.executors[0].docker_images[0].0, "cimg/python:3.12");

    let commands = c.commands();
    let jobs: Vec<_> = commands.iter().map(|c| c.job.as_str()).collect();
    assert_eq!(jobs, ["test", "test", "install"]);
    let env: Vec<_> = c
        .env_vars()
        .iter()
        .map(|(s, v)| (*s, v.key.clone()))
        .collect();
    let expect = [
        (EnvScope::Job, "FLASK_ENV"),
        (EnvScope::Job, "DATABASE_URL"),
        (EnvScope::Service, "POSTGRES_USER"),
        (EnvScope::Service, "POSTGRES_PASSWORD"),
        (EnvScope::Step, "PYTEST_ADDOPTS"),
        (EnvScope::Job, "PIPENV_VENV_IN_PROJECT"),
    ];
    let expect: Vec<_> = expect.iter().map(|(s, k)| (*s, k.to_string())).collect();
    assert_eq!(env, expect);
}

#[test]
fn ci_model_dispatch() {
    let w = CiModel::from_documents(FileKind::GithubWorkflow, &docs(WORKFLOW)).unwrap();
    assert_eq!(w.commands().len(), 1);
    let g = CiModel::from_documents(FileKind::GitlabCi, &docs(GITLAB)).unwrap();
    assert!(g.commands().len() > 5);
    let c = CiModel::from_documents(FileKind::Circleci, &docs(CIRCLE)).unwrap();
    assert_eq!(c.env_vars().len(), 6);
    let a = CiModel::from_documents(FileKind::GithubAction, &docs(ACTION)).unwrap();
    assert_eq!(a.commands().len(), 1);
    assert!(CiModel::from_documents(FileKind::Dockerfile, &docs(ACTION)).is_none());
    assert!(CiModel::from_documents(FileKind::GithubWorkflow, &[]).is_none());
}

#[test]
fn odd_shapes_do_not_break_views() {
    let text = "\
on: 42
env: ${{ fromJSON(inputs.env) }}
jobs:
  a: not-a-map
  b:
    steps: not-a-list
  c:
    runs-on: {group: big, labels: [x, y]}
    services: [oops]
    steps:
      - just a string
      - run: [not, a, string]
      - run: {a: b}
";
    let (docs, _) = yaml::parse(text);
    let w = Workflow::from_document(&docs[0]);
    assert_eq!(w.on[0].name, "42");
    assert!(w.env.is_empty());
    let ids: Vec<_> = w.jobs.iter().map(|j| j.id.as_str()).collect();
    assert_eq!(ids, ["b", "c"]);
    let c = &w.jobs[1];
    let labels: Vec<_> = c.runs_on.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["big", "x", "y"]);
    assert!(c.services.is_empty());
    assert_eq!(c.steps.len(), 2);
    assert!(c.steps.iter().all(|s| s.run.is_none()));
    let _ = GitlabCi::from_document(&docs[0]).commands();
    let _ = Circleci::from_document(&docs[0]).env_vars();
    let _ = Action::from_document(&docs[0]).commands();
}

#[test]
fn uses_targets() {
    let target = |text: &str| Uses::new(text.to_string(), Span::default()).target;
    assert_eq!(
        target("./.github/actions/setup"),
        UsesTarget::Local("./.github/actions/setup".into())
    );
    assert_eq!(
        target("docker://alpine:3.20"),
        UsesTarget::Docker("alpine:3.20".into())
    );
    assert_eq!(target("${{ matrix.action }}@v1"), UsesTarget::Expression);
    assert_eq!(target("$/.github/workflows/x.yml"), UsesTarget::Invalid);
    let UsesTarget::Remote(r) = target("owner/repo") else {
        panic!("owner/repo is remote")
    };
    assert_eq!((r.name.as_str(), r.git_ref), ("owner/repo", None));
    let at_expression = Uses::new(
        " actions/checkout@${{ inputs.ref }}".to_string(),
        Span::default(),
    );
    assert!(at_expression.is_action("actions/checkout"));
    assert!(!at_expression.is_action("actions/setup-node"));
}
