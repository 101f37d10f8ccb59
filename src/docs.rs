//! Rule pages, generated from each rule's metadata and doc comment, for
//! `explain`, `docs --write` (docs/rules/) and SARIF help.

use std::fmt::Write as _;
use std::path::Path;

use crate::rule::{FixSafety, Pillar, RuleMeta, Stage};

pub(crate) const RULES_DIR: &str = "docs/rules";

fn severity_word(meta: &RuleMeta) -> &'static str {
    meta.severity.as_str()
}

/// One rule's page (also what `explain` prints).
pub(crate) fn rule_page(meta: &RuleMeta) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!-- generated from {}; do not edit -->",
        meta.source_file
    );
    let _ = writeln!(out, "# {} {}\n", meta.id, meta.name);
    let _ = writeln!(out, "{}\n", capitalise(meta.summary));
    let _ = writeln!(out, "| pillar | stage | scope | default severity | since |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    let kinds: Vec<&str> = meta.scope.file_kinds().iter().map(|k| k.as_str()).collect();
    let scope = if kinds.is_empty() {
        meta.scope.as_str().to_string()
    } else {
        format!("{} ({})", meta.scope.as_str(), kinds.join(", "))
    };
    let _ = writeln!(
        out,
        "| {} ({}) | {} | {} | {} | {} |\n",
        meta.pillar.code(),
        meta.pillar.title(),
        meta.stage.as_str(),
        scope,
        severity_word(meta),
        meta.since
    );
    match meta.fix {
        FixSafety::None => {}
        FixSafety::Safe => {
            let _ = writeln!(
                out,
                "Fix: **safe**. `devops-lint --fix` applies it (`--diff` shows it first); the rule's *Fix* section says what it writes.\n"
            );
        }
        FixSafety::Unsafe => {
            let _ = writeln!(
                out,
                "Fix: **unsafe**. Only `devops-lint --fix --unsafe-fixes` applies it: it changes what gets deployed, and the rule's *Fix* section says how. Review it (`--diff --unsafe-fixes`) before applying.\n"
            );
        }
    }
    out.push_str(&meta.docs_markdown());
    let _ = writeln!(
        out,
        "\nSuppress one finding with `# devops-lint: ignore[{}] <reason>` on its line or the line before; turn the rule off with `{} = \"off\"` under `[rules]` in devops-lint.toml.",
        meta.id, meta.id
    );
    out
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// The index: a pillar × stage table and the list of rules.
pub(crate) fn index_page(rules: &[&RuleMeta]) -> String {
    let mut out = String::new();
    out.push_str("<!-- generated from rules/; do not edit -->\n");
    out.push_str("# devops-lint rules\n\n");
    out.push_str("Rules by pillar and the stage at which they start to matter.\n\n");
    out.push_str("| pillar | seed | growth | scale |\n|---|---|---|---|\n");
    for pillar in Pillar::ALL {
        let _ = write!(out, "| {} ({}) |", pillar.code(), pillar.title());
        for stage in Stage::ALL {
            let ids: Vec<String> = rules
                .iter()
                .filter(|m| m.pillar == pillar && m.stage == stage)
                .map(|m| format!("[{}]({}.md)", m.id, m.id))
                .collect();
            let _ = write!(out, " {} |", ids.join(" "));
        }
        out.push('\n');
    }
    out.push_str(
        "\n| id | name | stage | scope | severity | summary |\n|---|---|---|---|---|---|\n",
    );
    for m in rules {
        let _ = writeln!(
            out,
            "| [{}]({}.md) | {} | {} | {} | {} | {} |",
            m.id,
            m.id,
            m.name,
            m.stage.as_str(),
            m.scope.as_str(),
            m.severity.as_str(),
            m.summary
        );
    }
    out
}

/// Every generated file: (path relative to the repo root, contents).
pub fn generated_files(rules: &[&RuleMeta]) -> Vec<(String, String)> {
    let mut files = vec![(format!("{RULES_DIR}/README.md"), index_page(rules))];
    for meta in rules {
        files.push((format!("{RULES_DIR}/{}.md", meta.id), rule_page(meta)));
    }
    files
}

/// Writes docs/rules/ under `root`, removing pages of rules that no longer exist.
pub(crate) fn write_all(root: &Path, rules: &[&RuleMeta]) -> std::io::Result<usize> {
    let dir = root.join(RULES_DIR);
    std::fs::create_dir_all(&dir)?;
    let files = generated_files(rules);
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        let rel = format!(
            "{RULES_DIR}/{}",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        );
        if !files.iter().any(|(p, _)| *p == rel) {
            std::fs::remove_file(&path)?;
        }
    }
    for (rel, contents) in &files {
        std::fs::write(root.join(rel), contents)?;
    }
    Ok(files.len())
}

/// A fenced code block from the docs: the section it is under and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocExample {
    pub section: String,
    pub lang: String,
    pub code: String,
}

/// The fenced examples of a rule's docs, with their section heading.
pub fn examples(markdown: &str) -> Vec<DocExample> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut fence: Option<(String, String)> = None;
    for line in markdown.lines() {
        if let Some((lang, code)) = fence.as_mut() {
            if line.trim_start().starts_with("```") {
                out.push(DocExample {
                    section: section.clone(),
                    lang: std::mem::take(lang),
                    code: std::mem::take(code),
                });
                fence = None;
            } else {
                code.push_str(line);
                code.push('\n');
            }
        } else if let Some(heading) = line.strip_prefix("## ") {
            section = heading.trim().to_string();
        } else if let Some(lang) = line.trim_start().strip_prefix("```") {
            fence = Some((lang.trim().to_string(), String::new()));
        }
    }
    out
}
