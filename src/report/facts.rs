//! `devops-lint facts`: the repo-wide inventory the repo rules read, as text
//! (a summary a person can check) or JSON (everything, with locations).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::facts::{is_auxiliary, loc_string, RepoFacts};

pub(crate) fn json(facts: &RepoFacts) -> String {
    let mut text = serde_json::to_string_pretty(facts).unwrap_or_default();
    text.push('\n');
    text
}

fn list<T: AsRef<str>>(items: &[T], max: usize) -> String {
    let mut shown: Vec<&str> = items.iter().take(max).map(AsRef::as_ref).collect();
    let more = items.len().saturating_sub(max);
    let extra;
    if more > 0 {
        extra = format!("... {more} more");
        shown.push(&extra);
    }
    shown.join(", ")
}

/// [`list`], or `none` when there is nothing.
fn list_or_none<T: AsRef<str>>(items: &[T], max: usize) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        list(items, max)
    }
}

fn counts<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut by: BTreeMap<&str, usize> = BTreeMap::new();
    for i in items {
        *by.entry(i).or_default() += 1;
    }
    by.iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The inventory as text. Names, paths and commands come from the repository: each
/// line goes through the output sanitiser (secrets the detectors see masked, control
/// characters neutralised, no workflow command at a line's start).
pub(crate) fn human(facts: &RepoFacts) -> String {
    let out = human_lines(facts);
    let clean = super::Sanitizer::for_text(&out);
    out.lines().map(|l| clean.line(l) + "\n").collect()
}

fn human_lines(facts: &RepoFacts) -> String {
    let mut out = String::new();
    let kinds: Vec<String> = facts
        .files
        .iter()
        .map(|(k, v)| format!("{} {}", k.as_str(), v.len()))
        .collect();
    let _ = writeln!(out, "Files: {} ({})", facts.file_count(), kinds.join(", "));

    let _ = writeln!(out, "\nManifests ({}):", facts.manifests.len());
    for m in &facts.manifests {
        let runtime: Vec<&str> = m.runtime_dependencies().map(|d| d.name.as_str()).collect();
        let dev = m.dependencies.len() - runtime.len();
        let aux = if is_auxiliary(&m.path) {
            " [example/test]"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {} ({}){aux}: {} runtime, {dev} dev/indirect{}{}",
            m.path,
            m.ecosystem,
            runtime.len(),
            if runtime.is_empty() {
                String::new()
            } else {
                format!(": {}", list(&runtime, 12))
            },
            if m.renovate { "; renovate config" } else { "" }
        );
    }

    let tf = &facts.terraform;
    let _ = writeln!(
        out,
        "\nTerraform: {} resources, {} data sources, {} modules, {} provider blocks in {} directories",
        tf.resources.len(),
        tf.data_sources.len(),
        tf.modules.len(),
        tf.providers.len(),
        tf.dirs.len()
    );
    if !tf.resources.is_empty() {
        let _ = writeln!(
            out,
            "  resource types: {}",
            counts(tf.resources.iter().map(|r| r.ty.as_str()))
        );
    }
    for m in &tf.modules {
        let _ = writeln!(
            out,
            "  module.{} = {} ({})",
            m.name,
            m.source.as_deref().unwrap_or("?"),
            loc_string(&m.location)
        );
    }
    let roots = facts.terraform_roots();
    let _ = writeln!(
        out,
        "  root modules: {}{}",
        list_or_none(
            &roots
                .iter()
                .map(|r| {
                    if r.is_empty() {
                        ".".to_string()
                    } else {
                        r.clone()
                    }
                })
                .collect::<Vec<_>>(),
            10,
        ),
        if facts.is_module_library() {
            " (a library of reusable modules)"
        } else {
            ""
        }
    );
    if !tf.backends.is_empty() {
        let _ = writeln!(
            out,
            "  backends: {}",
            list(
                &tf.backends
                    .iter()
                    .map(|b| format!("{} ({})", b.kind, b.path))
                    .collect::<Vec<_>>(),
                6
            )
        );
    }
    if !tf.tfvars.is_empty() {
        let _ = writeln!(out, "  tfvars: {}", list(&tf.tfvars, 10));
    }
    if !tf.terragrunt.is_empty() {
        let _ = writeln!(out, "  terragrunt: {}", list(&tf.terragrunt, 10));
    }
    if !tf.workspace_refs.is_empty() {
        let _ = writeln!(
            out,
            "  terraform.workspace used at {}",
            loc_string(&tf.workspace_refs[0])
        );
    }

    let _ = writeln!(out, "\nEnvironments ({}):", facts.environments.len());
    for e in &facts.environments {
        let ev: Vec<String> = e
            .evidence
            .iter()
            .map(|v| format!("{} {}", v.kind, v.detail))
            .collect();
        let _ = writeln!(out, "  {}: {}", e.name, list(&ev, 4));
    }

    let _ = writeln!(
        out,
        "\nCI: {}",
        if facts.ci.systems.is_empty() {
            "none".to_string()
        } else {
            facts
                .ci
                .systems
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    for f in &facts.ci.files {
        let commands: usize = f.jobs.iter().map(|j| j.commands.len()).sum();
        let _ = writeln!(
            out,
            "  {} ({}): {} jobs, {commands} commands",
            f.path,
            f.system,
            f.jobs.len()
        );
        for j in &f.jobs {
            let env = j
                .environment
                .as_deref()
                .map(|e| format!(" [environment {e}]"))
                .unwrap_or_default();
            let cmds: Vec<String> = j
                .commands
                .iter()
                .map(|c| crate::facts::signals::shorten(&c.text))
                .collect();
            let _ = writeln!(out, "    {}{env}: {}", j.name, list(&cmds, 6));
        }
    }
    if !facts.tasks.is_empty() {
        let _ = writeln!(
            out,
            "  tasks CI may call: {}",
            list(
                &facts
                    .tasks
                    .iter()
                    .map(|t| format!("{} {}", t.runner, t.name))
                    .collect::<Vec<_>>(),
                12
            )
        );
    }

    let _ = writeln!(out, "\nContainers:");
    for d in &facts.dockerfiles {
        let _ = writeln!(
            out,
            "  {}: final stage FROM {} ({} stage{})",
            d.path,
            d.final_image.as_deref().unwrap_or("(unknown)"),
            d.stages,
            if d.stages == 1 { "" } else { "s" }
        );
    }
    for c in &facts.compose {
        let svcs: Vec<&str> = c.services.iter().map(|s| s.name.as_str()).collect();
        let _ = writeln!(out, "  {}: services {}", c.path, list(&svcs, 10));
    }
    let ecs: Vec<String> = facts
        .all_ecs_containers()
        .map(|c| {
            format!(
                "{} (log driver {})",
                c.name,
                c.log_driver.as_deref().unwrap_or("none")
            )
        })
        .collect();
    if !ecs.is_empty() {
        let _ = writeln!(out, "  ECS containers: {}", list(&ecs, 8));
    }
    if !facts.kubernetes.is_empty() {
        let _ = writeln!(
            out,
            "  Kubernetes objects: {}",
            counts(facts.kubernetes.iter().map(|o| o.kind.as_str()))
        );
    }
    let charts: Vec<String> = facts
        .tools_of(&["helm-chart"])
        .map(|t| t.path.clone())
        .collect();
    if !charts.is_empty() {
        let _ = writeln!(out, "  Helm charts: {}", list(&charts, 8));
    }

    let other: Vec<String> = facts
        .tools
        .iter()
        .filter(|t| t.kind != "helm-chart")
        .map(|t| format!("{} ({})", t.kind, t.path))
        .collect();
    let _ = writeln!(out, "\nOther tools: {}", list_or_none(&other, 16));

    let _ = writeln!(
        out,
        "\nSecret stores: {}",
        if facts.secret_stores.is_empty() {
            "none".to_string()
        } else {
            String::new()
        }
    );
    for s in facts.secret_stores.iter().take(10) {
        let _ = writeln!(
            out,
            "  {}: {} ({})",
            s.store,
            s.evidence,
            loc_string(&s.location)
        );
    }
    let secret_env: Vec<String> = facts
        .env
        .iter()
        .filter(|e| {
            crate::facts::env::is_secret_name(&e.name) && e.context.is_runtime() && !e.from_store
        })
        .map(|e| format!("{} ({})", e.name, loc_string(&e.location)))
        .collect();
    let _ = writeln!(
        out,
        "Secret-named settings the app reads: {}",
        list_or_none(&secret_env, 8)
    );
    let _ = writeln!(
        out,
        "Environment variables: {} set or declared",
        facts.env.len()
    );
    if !facts.hosts.is_empty() {
        let hosts: Vec<&str> = facts.hosts.keys().map(String::as_str).collect();
        let _ = writeln!(out, "URL hosts in configuration: {}", list(&hosts, 12));
    }
    out
}
