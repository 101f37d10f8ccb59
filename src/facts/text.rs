//! Files recognised by name or a peek at their text: other IaC tools
//! (Pulumi, CloudFormation/SAM, CDK, Serverless, Nomad), platform and deploy
//! configs (Procfile, fly.toml, ...), Helm charts, dependency bots, pre-commit,
//! task runners and scripts CI may call (Makefile, justfile, shell scripts),
//! and the hosts of URLs in configuration (a Sentry DSN, a Datadog endpoint).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use super::yaml_lines;
use super::{loc_at, loc_line1, Location};
use crate::source::SourceFile;

/// Most lines kept from one script or recipe.
const MAX_TASK_LINES: usize = 400;
/// Most distinct hosts kept from one file.
const MAX_HOSTS_PER_FILE: usize = 64;

/// A recognised file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Tool {
    /// What it is: `pulumi`, `cloudformation`, `procfile`, `helm-chart`, `dependabot`, ...
    pub kind: &'static str,
    /// A name it carries (a Pulumi stack, a Helm chart).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub path: String,
    #[serde(serialize_with = "super::ser_loc")]
    pub location: Location,
}

/// What a tool is for.
pub(crate) fn tool_role(kind: &str) -> ToolRole {
    match kind {
        "pulumi" | "pulumi-stack" | "cloudformation" | "sam" | "cdk" | "serverless" | "nomad" => {
            ToolRole::Iac
        }
        "procfile" | "fly" | "heroku" | "render" | "vercel" | "app-engine" | "railway"
        | "elastic-beanstalk" | "app-runner" | "copilot" | "kamal" | "capistrano"
        | "digitalocean-app" | "platform-sh" | "helmfile" | "skaffold" => ToolRole::Deploy,
        "dependabot" | "renovate" => ToolRole::DependencyUpdates,
        _ => ToolRole::Other,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ToolRole {
    Iac,
    Deploy,
    DependencyUpdates,
    Other,
}

/// A named list of commands CI may call: a make target, a just recipe, a script file,
/// the hooks of a pre-commit config.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Task {
    pub runner: TaskRunner,
    pub name: String,
    pub path: String,
    pub commands: Vec<String>,
}

/// What defines a [`Task`] (serialized as `make`, `just`, `script`, `pre-commit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskRunner {
    Make,
    Just,
    /// A shell script file.
    Script,
    /// The hooks of a pre-commit config.
    PreCommit,
}

impl TaskRunner {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TaskRunner::Make => "make",
            TaskRunner::Just => "just",
            TaskRunner::Script => "script",
            TaskRunner::PreCommit => "pre-commit",
        }
    }
}

impl std::fmt::Display for TaskRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for TaskRunner {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

fn tool(kind: &'static str, name: Option<String>, file: &SourceFile) -> Tool {
    Tool {
        kind,
        name,
        path: file.path.clone(),
        location: loc_line1(file),
    }
}

/// Tools recognised in `file` (by name, and a peek at YAML/JSON/HCL text).
pub(crate) fn tools(file: &SourceFile) -> Vec<Tool> {
    let path = file.path.as_str();
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let text = file.text.as_str();
    let is_yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    let mut out = Vec::new();
    let kind: Option<&'static str> = match name {
        "pulumi.yaml" | "pulumi.yml" => Some("pulumi"),
        "cdk.json" => Some("cdk"),
        "serverless.yml" | "serverless.yaml" | "serverless.ts" | "serverless.js"
        | "serverless.json" => Some("serverless"),
        "procfile" if path.ends_with("Procfile") => Some("procfile"),
        "fly.toml" => Some("fly"),
        "heroku.yml" => Some("heroku"),
        "app.json" if text.contains("\"buildpacks\"") || text.contains("\"formation\"") => {
            Some("heroku")
        }
        "render.yaml" => Some("render"),
        "vercel.json" => Some("vercel"),
        "netlify.toml" => Some("netlify"),
        "app.yaml" | "app.yml" if lower.starts_with(".do/") => Some("digitalocean-app"),
        "app.yaml" | "app.yml" if text.lines().any(|l| l.starts_with("runtime:")) => {
            Some("app-engine")
        }
        "railway.json" | "railway.toml" => Some("railway"),
        "dockerrun.aws.json" => Some("elastic-beanstalk"),
        _ if lower.starts_with(".elasticbeanstalk/") || lower.contains("/.elasticbeanstalk/") => {
            Some("elastic-beanstalk")
        }
        "apprunner.yaml" | "apprunner.yml" => Some("app-runner"),
        "manifest.yml" if lower.starts_with("copilot/") || lower.contains("/copilot/") => {
            Some("copilot")
        }
        "deploy.yml"
            if lower.ends_with("config/deploy.yml")
                && text.contains("service:")
                && text.contains("image:") =>
        {
            Some("kamal")
        }
        "capfile" => Some("capistrano"),
        ".platform.app.yaml" => Some("platform-sh"),
        "helmfile.yaml" | "helmfile.yml" => Some("helmfile"),
        "skaffold.yaml" | "skaffold.yml" => Some("skaffold"),
        "chart.yaml" => None,
        "dependabot.yml" | "dependabot.yaml" if lower.starts_with(".github/") => Some("dependabot"),
        "renovate.json" | "renovate.json5" | ".renovaterc" | ".renovaterc.json"
        | ".renovaterc.json5" => Some("renovate"),
        ".pre-commit-config.yaml" | ".pre-commit-config.yml" => Some("pre-commit"),
        "atlantis.yaml" | "atlantis.yml" => Some("atlantis"),
        ".sops.yaml" | ".sops.yml" => Some("sops"),
        ".tflint.hcl" => Some("tflint"),
        "doppler.yaml" | "doppler.yml" => Some("doppler"),
        _ if name.ends_with(".nomad") || name.ends_with(".nomad.hcl") => Some("nomad"),
        _ if name.ends_with(".hcl") && text.lines().any(|l| l.starts_with("job \"")) => {
            Some("nomad")
        }
        _ => None,
    };
    if let Some(kind) = kind {
        out.push(tool(kind, None, file));
    }
    if name == "chart.yaml" {
        let chart = yaml_lines::lines(text)
            .iter()
            .find(|l| l.outer_indent == 0 && l.key == Some("name"))
            .and_then(|l| l.value.map(str::to_string));
        out.push(tool("helm-chart", chart, file));
    }
    if let Some(stack) = name
        .strip_prefix("pulumi.")
        .and_then(|s| s.strip_suffix(".yaml").or_else(|| s.strip_suffix(".yml")))
    {
        out.push(tool("pulumi-stack", Some(stack.to_string()), file));
    }
    let structured = is_yaml || name.ends_with(".json") || name.ends_with(".template");
    if structured && kind.is_none() {
        if text.contains("AWSTemplateFormatVersion")
            || (text.contains("Resources")
                && (text.contains("Type: AWS::") || text.contains("\"Type\": \"AWS::")))
        {
            let sam = text.contains("AWS::Serverless");
            out.push(tool(if sam { "sam" } else { "cloudformation" }, None, file));
        }
        if is_yaml && text.contains("\nsops:") && text.contains("ENC[") {
            out.push(tool("sops-encrypted", None, file));
        }
    }
    out
}

/// Tasks defined in `file`: make targets, just recipes, a script's lines, pre-commit hooks.
pub(crate) fn tasks(file: &SourceFile) -> Vec<Task> {
    let lower = file.path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    if name == "makefile" || name == "gnumakefile" || name.ends_with(".mk") {
        return recipes(file, TaskRunner::Make, '\t');
    }
    if name == "justfile" || name == ".justfile" {
        return recipes(file, TaskRunner::Just, ' ');
    }
    if name == ".pre-commit-config.yaml" || name == ".pre-commit-config.yml" {
        let ids: Vec<String> = yaml_lines::lines(&file.text)
            .iter()
            .filter(|l| l.key == Some("id"))
            .filter_map(|l| l.value.map(str::to_string))
            .collect();
        return vec![Task {
            runner: TaskRunner::PreCommit,
            name: file.path.clone(),
            path: file.path.clone(),
            commands: ids,
        }];
    }
    let in_script_dir = [
        "scripts/", "script/", "bin/", "ci/", ".ci/", "tools/", "hack/", ".github/",
    ]
    .iter()
    .any(|d| lower.starts_with(d) || lower.contains(&format!("/{d}")));
    let shebang =
        file.text.starts_with("#!") && file.text.lines().next().is_some_and(|l| l.contains("sh"));
    if name.ends_with(".sh")
        || name.ends_with(".bash")
        || (in_script_dir && shebang && !name.contains('.'))
    {
        let commands = file
            .text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .take(MAX_TASK_LINES)
            .map(str::to_string)
            .collect();
        return vec![Task {
            runner: TaskRunner::Script,
            name: file.path.clone(),
            path: file.path.clone(),
            commands,
        }];
    }
    Vec::new()
}

/// `target: deps` headers at column 0, recipe lines indented.
fn recipes(file: &SourceFile, runner: TaskRunner, indent: char) -> Vec<Task> {
    let mut out: Vec<Task> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    for line in file.text.lines() {
        let starts_indented =
            line.starts_with(indent) || line.starts_with('\t') || line.starts_with(' ');
        if starts_indented {
            let cmd = line.trim().trim_start_matches(['@', '-']).trim();
            if cmd.is_empty() || cmd.starts_with('#') {
                continue;
            }
            for &i in &current {
                if out[i].commands.len() < MAX_TASK_LINES {
                    out[i].commands.push(cmd.to_string());
                }
            }
            continue;
        }
        current.clear();
        if line.starts_with('#') || line.starts_with('.') || line.trim().is_empty() {
            continue;
        }
        let Some((head, rest)) = line.split_once(':') else {
            continue;
        };
        if rest.starts_with('=') || head.contains('=') || head.contains('$') {
            continue;
        }
        // A just recipe's dependencies follow the colon; make's too. Keep them as calls.
        let deps: Vec<String> = rest
            .split_whitespace()
            .take_while(|d| !d.starts_with('#'))
            .filter(|d| !d.contains('=') && !d.starts_with('&'))
            .map(|d| format!("{runner} {d}"))
            .collect();
        let names: Vec<&str> = if runner == TaskRunner::Just {
            head.split_whitespace().next().into_iter().collect()
        } else {
            head.split_whitespace().collect()
        };
        for target in names {
            let target = target.trim_start_matches('@');
            out.push(Task {
                runner,
                name: target.to_string(),
                path: file.path.clone(),
                commands: deps.clone(),
            });
            current.push(out.len() - 1);
        }
        // A one-line recipe: `test: ; go test ./...`
        if let Some((_, inline)) = rest.split_once(';') {
            for &i in &current {
                out[i].commands.push(inline.trim().to_string());
            }
        }
    }
    out
}

static URL_HOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bhttps?://(?:[^\s/@'\x22<>]+@)?([a-z0-9][a-z0-9.-]*\.[a-z]{2,})")
        .expect("valid regex")
});
static DSN_HOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\bhttps?://[^\s/@'\x22<>:]+(?::[^\s/@'\x22<>]*)?@([a-z0-9][a-z0-9.-]*\.[a-z]{2,})",
    )
    .expect("valid regex")
});

/// How a file's URLs count: all hosts in configuration, only DSN-shaped URLs
/// (`https://key@host/...`) in source code, none in docs and lock files.
pub(crate) fn host_scope(path: &str) -> Option<bool> {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    if name.contains("lock")
        || name.ends_with(".sum")
        || name.ends_with(".min.js")
        || name.ends_with(".map")
    {
        return None;
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    const CONFIG: &[&str] = &[
        "yml",
        "yaml",
        "json",
        "json5",
        "toml",
        "ini",
        "cfg",
        "conf",
        "env",
        "properties",
        "tf",
        "tfvars",
        "hcl",
        "xml",
        "example",
        "sample",
        "template",
    ];
    const CODE: &[&str] = &[
        "py", "js", "ts", "jsx", "tsx", "mjs", "cjs", "rb", "go", "java", "kt", "php", "ex", "exs",
        "cs", "rs", "scala", "swift", "erb",
    ];
    if CONFIG.contains(&ext)
        || name == "dockerfile"
        || name.starts_with(".env")
        || name == "procfile"
    {
        Some(true)
    } else if CODE.contains(&ext) {
        Some(false)
    } else {
        None
    }
}

/// Hosts of the URLs in `file` (see [`host_scope`]), first location each.
pub(crate) fn hosts(file: &SourceFile) -> BTreeMap<String, Location> {
    let mut out = BTreeMap::new();
    let Some(all) = host_scope(&file.path) else {
        return out;
    };
    if !file.text.contains("://") {
        return out;
    }
    let re = if all { &*URL_HOST } else { &*DSN_HOST };
    for caps in re.captures_iter(&file.text) {
        let Some(h) = caps.get(1) else {
            continue;
        };
        let host = h.as_str().trim_end_matches('.').to_ascii_lowercase();
        if out.len() >= MAX_HOSTS_PER_FILE && !out.contains_key(&host) {
            break;
        }
        out.entry(host)
            .or_insert_with(|| loc_at(file, h.start(), h.end()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileKind;

    fn file(path: &str, text: &str) -> SourceFile {
        SourceFile::new(path.into(), FileKind::Text, text.into())
    }

    fn kinds(path: &str, text: &str) -> Vec<&'static str> {
        tools(&file(path, text))
            .into_iter()
            .map(|t| t.kind)
            .collect()
    }

    #[test]
    fn recognises_tools() {
        assert_eq!(kinds("Pulumi.yaml", "name: x\n"), ["pulumi"]);
        assert_eq!(
            kinds("infra/Pulumi.prod.yaml", "config: {}\n"),
            ["pulumi-stack"]
        );
        assert_eq!(kinds("Procfile", "web: gunicorn app:app\n"), ["procfile"]);
        assert_eq!(
            kinds(
                "template.yaml",
                "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
            ),
            ["sam"]
        );
        assert_eq!(
            kinds(
                "cfn/vpc.json",
                "{\"Resources\": {\"V\": {\"Type\": \"AWS::EC2::VPC\"}}}"
            ),
            ["cloudformation"]
        );
        assert_eq!(
            kinds(".github/dependabot.yml", "version: 2\n"),
            ["dependabot"]
        );
        assert_eq!(kinds("renovate.json", "{}"), ["renovate"]);
        assert_eq!(kinds("jobs/api.nomad.hcl", "job \"api\" {}\n"), ["nomad"]);
        assert_eq!(kinds("app.yaml", "runtime: python312\n"), ["app-engine"]);
        assert!(kinds("config/app.yaml", "name: x\n").is_empty());
        let chart = tools(&file(
            "charts/web/Chart.yaml",
            "apiVersion: v2\nname: web\n",
        ));
        assert_eq!(chart[0].kind, "helm-chart");
        assert_eq!(chart[0].name.as_deref(), Some("web"));
    }

    #[test]
    fn make_just_scripts_and_pre_commit() {
        let mk = tasks(&file("Makefile", ".PHONY: test\nVAR := 1\ntest: build\n\t@go test ./...\nci: lint test\nlint:\n\tgolangci-lint run\n"));
        let test = mk.iter().find(|t| t.name == "test").expect("test target");
        assert_eq!(test.commands, ["make build", "go test ./..."]);
        let ci = mk.iter().find(|t| t.name == "ci").expect("ci target");
        assert_eq!(ci.commands, ["make lint", "make test"]);
        let just = tasks(&file("justfile", "test *args:\n    cargo test {{args}}\n"));
        assert_eq!(just[0].name, "test");
        assert_eq!(just[0].commands, ["cargo test {{args}}"]);
        let sh = tasks(&file(
            "scripts/ci.sh",
            "#!/bin/sh\nset -e\n# run\npytest -q\n",
        ));
        assert_eq!(sh[0].commands, ["set -e", "pytest -q"]);
        let pc = tasks(&file(".pre-commit-config.yaml", "repos:\n  - repo: https://github.com/antonbabenko/pre-commit-terraform\n    hooks:\n      - id: terraform_fmt\n      - id: terraform_validate\n"));
        assert_eq!(pc[0].commands, ["terraform_fmt", "terraform_validate"]);
    }

    #[test]
    fn hosts_in_config_and_dsns_in_code() {
        let h = hosts(&file(
            "config/settings.yml",
            "dsn: https://abc@o1.ingest.sentry.io/2\nurl: http://localhost:8080\n",
        ));
        assert!(h.contains_key("o1.ingest.sentry.io"));
        let code = hosts(&file("app/main.py", "sentry_sdk.init(\"https://k@o9.ingest.sentry.io/1\")\n# docs https://docs.python.org/3/\n"));
        assert_eq!(code.keys().collect::<Vec<_>>(), ["o9.ingest.sentry.io"]);
        assert!(hosts(&file("README.md", "https://sentry.io")).is_empty());
        assert!(hosts(&file("package-lock.json", "https://registry.npmjs.org")).is_empty());
    }
}
