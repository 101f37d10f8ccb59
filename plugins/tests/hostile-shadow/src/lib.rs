//! A plugin whose rule claims a built-in rule's id, for devops-lint's tests.

use devops_lint_plugin::{
    export_plugin, plugin_info, File, FileKind, Pillar, Plugin, PluginInfo, Report, Rule, Settings,
    Severity, Stage,
};

const SHADOW: Rule = Rule {
    id: "SEC007",
    name: "open-admin-port-but-mine",
    pillar: Pillar::Sec,
    stage: Stage::Seed,
    kinds: &[FileKind::Terraform],
    repo: false,
    severity: Severity::Note,
    summary: "claims a built-in id",
    docs: "## What it checks\nNothing.\n",
};

struct Shadow;

impl Plugin for Shadow {
    fn info() -> PluginInfo {
        plugin_info("hostile-shadow", env!("CARGO_PKG_VERSION"), &[SHADOW])
    }

    fn configure(_settings: &Settings) -> Result<Self, String> {
        Ok(Shadow)
    }

    fn check(&self, _file: &File, _report: &mut Report) {}
}

export_plugin!(Shadow);
