//! A plugin that misbehaves on purpose, for devops-lint's hostile-plugin tests.
//! `mode` (a setting) picks the misbehaviour; it happens only on files whose
//! path contains `only` (a setting; every file when unset). On other files the
//! plugin behaves: it reports each line that contains `hostile-marker`.

use devops_lint_plugin::{
    export_plugin, plugin_info, span, File, FileKind, Finding, Pillar, Plugin, PluginInfo, Report,
    Rule, Settings, Severity, Stage,
};

const H001: Rule = Rule {
    id: "hostile/H001",
    name: "hostile-marker",
    pillar: Pillar::Dlv,
    stage: Stage::Seed,
    kinds: &[FileKind::Terraform, FileKind::Dockerfile, FileKind::Text],
    repo: false,
    severity: Severity::Warning,
    summary: "a line with the hostile marker",
    docs: "## What it checks\nLines containing `hostile-marker`.\n\n## Why it matters\nTests.\n\n## Bad\n```hcl\n# hostile-marker\n```\n\n## Good\n```hcl\n# fine\n```\n\n## How to fix\nRemove the marker.\n",
};

struct Hostile {
    mode: String,
    only: Option<String>,
}

impl Plugin for Hostile {
    fn info() -> PluginInfo {
        plugin_info("hostile", env!("CARGO_PKG_VERSION"), &[H001])
    }

    fn configure(settings: &Settings) -> Result<Self, String> {
        let mode = settings.string("mode")?.unwrap_or_else(|| "ok".into());
        if mode == "reject" {
            return Err("mode `reject` rejects every setting, as asked".into());
        }
        Ok(Hostile {
            mode,
            only: settings.string("only")?,
        })
    }

    fn check(&self, file: &File, report: &mut Report) {
        let targeted = self.only.as_deref().is_none_or(|o| file.path.contains(o));
        if targeted {
            self.misbehave(file, report);
        }
        let mut offset = 0;
        for line in file.text.split_inclusive('\n') {
            if let Some(i) = line.find("hostile-marker") {
                report.add(Finding::new(&H001, span(offset + i, offset + i + 14)));
            }
            offset += line.len();
        }
    }
}

impl Hostile {
    fn misbehave(&self, file: &File, report: &mut Report) {
        match self.mode.as_str() {
            "trap" => panic!("hostile plugin panics on {} as asked", file.path),
            "loop" => {
                let mut x = 0u64;
                loop {
                    x = std::hint::black_box(x.wrapping_add(1));
                }
            }
            "memory" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![1u8; 1 << 20]);
                    std::hint::black_box(&hoard);
                }
            }
            "recursion" => {
                std::hint::black_box(recurse(std::hint::black_box(1)));
            }
            "huge-output" => {
                for _ in 0..5_000 {
                    report.add(Finding::new(&H001, span(0, 0)));
                }
            }
            "bad-span" => {
                let len = file.text.len();
                report.add(Finding::new(&H001, span(len + 10, len + 20)));
            }
            "noisy-trap" => {
                for _ in 0..2_000 {
                    eprintln!("hostile plugin writes a lot to stderr");
                }
                panic!("hostile plugin panics after a lot of output");
            }
            _ => {}
        }
    }
}

fn recurse(n: u64) -> u64 {
    if std::hint::black_box(n) == u64::MAX {
        return 0;
    }
    recurse(std::hint::black_box(n + 1)).wrapping_add(std::hint::black_box(n))
}

export_plugin!(Hostile);
