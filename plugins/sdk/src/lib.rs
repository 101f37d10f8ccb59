//! Guest SDK for devops-lint plugins.
//!
//! A plugin is a WebAssembly component exporting `devops-lint:plugin/rules`
//! (the repository's `wit/plugin.wit`). This crate generates the bindings,
//! and gives a plugin author a trait to implement, typed views of the parsed
//! file (Terraform blocks and attributes, Dockerfile instructions, YAML
//! nodes), settings helpers and a finding builder:
//!
//! ```ignore
//! use devops_lint_plugin::{export_plugin, File, Plugin, Report, Rule, Settings};
//!
//! struct MyPlugin;
//! impl Plugin for MyPlugin {
//!     fn info() -> PluginInfo { plugin_info("my-plugin", env!("CARGO_PKG_VERSION"), &[MY_RULE]) }
//!     fn configure(settings: &Settings) -> Result<Self, String> { Ok(MyPlugin) }
//!     fn check(&self, file: &File, report: &mut Report) { /* ... */ }
//! }
//! export_plugin!(MyPlugin);
//! ```
//!
//! Build with `cargo build --release --target wasm32-wasip2`; see docs/plugins.md.

pub mod settings;
pub mod terraform;
pub mod yaml;

#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "plugin",
        pub_export_macro: true,
        export_macro_name: "__export_plugin_world",
        default_bindings_module: "devops_lint_plugin::bindings",
    });
}

/// The WIT types, as generated.
pub use bindings::exports::devops_lint::plugin::rules as wit;
pub use serde_json;
pub use settings::Settings;
pub use terraform::Terraform;
pub use wit::{
    DfFile, DfInstruction, DfStage, FileKind, Outcome, Pillar, PluginInfo, RepoFinding, RepoReport,
    RuleMeta, Severity, Span, Stage,
};
pub use yaml::Yaml;

/// A rule's metadata, as a constant.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Namespaced: `acme/TAG001`.
    pub id: &'static str,
    /// kebab-case: `missing-required-tags`.
    pub name: &'static str,
    pub pillar: Pillar,
    pub stage: Stage,
    /// File kinds the rule looks at (empty for a repo-only rule).
    pub kinds: &'static [FileKind],
    /// Whether the rule also has a repo-wide part (`check_repo`).
    pub repo: bool,
    pub severity: Severity,
    pub summary: &'static str,
    /// Markdown with `## What it checks`, `## Why it matters`, `## Bad`, `## Good`, `## How to fix`.
    pub docs: &'static str,
}

impl Rule {
    pub fn meta(&self) -> RuleMeta {
        let scope = match (self.kinds.is_empty(), self.repo) {
            (true, _) => wit::Scope::Repo,
            (false, false) => wit::Scope::File(self.kinds.to_vec()),
            (false, true) => wit::Scope::RepoAndFile(self.kinds.to_vec()),
        };
        RuleMeta {
            id: self.id.into(),
            name: self.name.into(),
            pillar: self.pillar,
            stage: self.stage,
            scope,
            severity: self.severity,
            summary: self.summary.into(),
            docs: self.docs.into(),
        }
    }
}

/// `PluginInfo` from constants.
pub fn plugin_info(name: &str, version: &str, rules: &[Rule]) -> PluginInfo {
    PluginInfo {
        name: name.into(),
        version: version.into(),
        rules: rules.iter().map(Rule::meta).collect(),
    }
}

/// What a plugin implements. One value is built per instance by `configure`
/// and reused for every file that instance checks.
pub trait Plugin: Sized + 'static {
    /// The plugin's name, version and rules.
    fn info() -> PluginInfo;

    /// Reads the `[plugins.<name>]` settings; an error rejects them and is
    /// shown to the user.
    fn configure(settings: &Settings) -> Result<Self, String>;

    /// Checks one file; report findings for the rules `report` asks for.
    fn check(&self, file: &File, report: &mut Report);

    /// The repo-wide part of `rule` (only for rules with `repo: true` or no kinds).
    fn check_repo(&self, _rule: &str, _facts: &serde_json::Value) -> RepoReport {
        RepoReport {
            outcome: Outcome::NotApplicable,
            findings: Vec::new(),
        }
    }
}

/// One file, with the host's parsed view of it.
pub struct File {
    pub path: String,
    pub kind: FileKind,
    pub text: String,
    parsed: wit::Parsed,
}

impl File {
    pub fn new(input: wit::FileInput) -> File {
        File {
            path: input.path,
            kind: input.kind,
            text: input.text,
            parsed: input.parsed,
        }
    }

    /// The Terraform view (for `.tf`, `.tf.json`, `.tfvars`, ...).
    pub fn terraform(&self) -> Option<Terraform<'_>> {
        match &self.parsed {
            wit::Parsed::Terraform(tf) => Some(Terraform::new(tf)),
            _ => None,
        }
    }

    /// The Dockerfile view: instructions and stages (flat lists).
    pub fn dockerfile(&self) -> Option<&DfFile> {
        match &self.parsed {
            wit::Parsed::Dockerfile(df) => Some(df),
            _ => None,
        }
    }

    /// The YAML view (workflows, compose, Kubernetes manifests, ...).
    pub fn yaml(&self) -> Option<Yaml<'_>> {
        match &self.parsed {
            wit::Parsed::Yaml(stream) => Some(Yaml::new(stream)),
            _ => None,
        }
    }

    /// The text under `span` (empty when it is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// The span of 1-based `line`, without its line break.
    pub fn line_span(&self, line: u32) -> Span {
        let mut start = 0usize;
        for (i, l) in self.text.split_inclusive('\n').enumerate() {
            if i + 1 == line as usize {
                let body = l.trim_end_matches(['\n', '\r']);
                return span(start, start + body.len());
            }
            start += l.len();
        }
        span(self.text.len(), self.text.len())
    }
}

/// A span from byte offsets.
pub fn span(start: usize, end: usize) -> Span {
    Span {
        start: start as u32,
        end: end as u32,
    }
}

/// A finding under construction.
#[derive(Debug, Clone)]
pub struct Finding(wit::Finding);

impl Finding {
    pub fn new(rule: &Rule, span: Span) -> Finding {
        Finding(wit::Finding {
            rule: rule.id.into(),
            span,
            message: None,
            labels: Vec::new(),
            help: None,
            severity: None,
        })
    }

    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.0.message = Some(message.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.0.help = Some(help.into());
        self
    }

    /// A secondary span with its own message.
    pub fn label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.0.labels.push(wit::Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Overrides the rule's default severity for this finding.
    pub fn severity(mut self, severity: Severity) -> Self {
        self.0.severity = Some(severity);
        self
    }
}

/// Where findings go; knows which rules the host asked for.
pub struct Report {
    rules: Vec<String>,
    findings: Vec<wit::Finding>,
}

impl Report {
    pub fn new(rules: Vec<String>) -> Report {
        Report {
            rules,
            findings: Vec::new(),
        }
    }

    /// Whether the host asked for `rule` on this file.
    pub fn wants(&self, rule: &Rule) -> bool {
        self.rules.iter().any(|r| r == rule.id)
    }

    /// Adds a finding (dropped when its rule was not asked for).
    pub fn add(&mut self, finding: Finding) {
        if self.rules.contains(&finding.0.rule) {
            self.findings.push(finding.0);
        }
    }

    pub fn findings(&self) -> &[wit::Finding] {
        &self.findings
    }

    pub fn into_findings(self) -> Vec<wit::Finding> {
        self.findings
    }
}

/// Exports a [`Plugin`] as the component's `devops-lint:plugin/rules`.
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        struct __DevopsLintExports;

        impl $crate::wit::Guest for __DevopsLintExports {
            fn describe() -> $crate::wit::PluginInfo {
                <$plugin as $crate::Plugin>::info()
            }

            fn configure(
                settings: ::std::string::String,
            ) -> ::std::result::Result<(), ::std::string::String> {
                $crate::__private::configure::<$plugin>(&settings)
            }

            fn check_file(
                rules: ::std::vec::Vec<::std::string::String>,
                file: $crate::wit::FileInput,
            ) -> ::std::result::Result<::std::vec::Vec<$crate::wit::Finding>, ::std::string::String>
            {
                $crate::__private::check_file::<$plugin>(rules, file)
            }

            fn check_repo(
                rule: ::std::string::String,
                facts: ::std::string::String,
            ) -> ::std::result::Result<$crate::wit::RepoReport, ::std::string::String> {
                $crate::__private::check_repo::<$plugin>(rule, facts)
            }
        }

        $crate::bindings::__export_plugin_world!(__DevopsLintExports with_types_in $crate::bindings);
    };
}

#[doc(hidden)]
pub mod __private {
    use std::any::Any;
    use std::cell::RefCell;

    use super::{wit, File, Plugin, Report, Settings};

    thread_local! {
        static STATE: RefCell<Option<Box<dyn Any>>> = const { RefCell::new(None) };
    }

    pub fn configure<P: Plugin>(json: &str) -> Result<(), String> {
        let settings = Settings::parse(json)?;
        let plugin = P::configure(&settings)?;
        STATE.with(|s| *s.borrow_mut() = Some(Box::new(plugin)));
        Ok(())
    }

    fn with_plugin<P: Plugin, R>(f: impl FnOnce(&P) -> R) -> Result<R, String> {
        if STATE.with(|s| s.borrow().is_none()) {
            configure::<P>("{}")?;
        }
        STATE.with(|s| {
            let state = s.borrow();
            let plugin = state
                .as_ref()
                .and_then(|b| b.downcast_ref::<P>())
                .ok_or_else(|| "internal error: plugin state of another type".to_string())?;
            Ok(f(plugin))
        })
    }

    pub fn check_file<P: Plugin>(
        rules: Vec<String>,
        input: wit::FileInput,
    ) -> Result<Vec<wit::Finding>, String> {
        let file = File::new(input);
        with_plugin::<P, _>(|plugin| {
            let mut report = Report::new(rules);
            plugin.check(&file, &mut report);
            report.into_findings()
        })
    }

    pub fn check_repo<P: Plugin>(rule: String, facts: String) -> Result<wit::RepoReport, String> {
        let facts: serde_json::Value =
            serde_json::from_str(&facts).map_err(|e| format!("cannot read the repo facts: {e}"))?;
        with_plugin::<P, _>(|plugin| plugin.check_repo(&rule, &facts))
    }
}
