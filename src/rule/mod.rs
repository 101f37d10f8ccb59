//! What a rule is: its metadata (the one source for docs, SARIF and `explain`)
//! and the hooks the engine calls for each kind of parsed input.

pub mod finding;

use std::fmt;

use crate::facts::RepoFacts;
use crate::model::ci::{Action, Circleci, GitlabCi, Job, Script, Step, StepOwner, Workflow};
use crate::model::dockerfile::Dockerfile;
use crate::model::terraform::TerraformFile;
use crate::parse::yaml::YamlDocument;
use crate::source::{FileKind, SourceFile, Span};
use finding::{Finding, FindingBuilder, Location, ToolDiagnostic};

/// The talk's fundamental steps, grouped as four pillars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Pillar {
    Prv,
    Sec,
    Run,
    Dlv,
}

impl Pillar {
    pub(crate) const ALL: [Pillar; 4] = [Pillar::Prv, Pillar::Sec, Pillar::Run, Pillar::Dlv];

    pub fn code(self) -> &'static str {
        match self {
            Pillar::Prv => "PRV",
            Pillar::Sec => "SEC",
            Pillar::Run => "RUN",
            Pillar::Dlv => "DLV",
        }
    }

    pub(crate) fn title(self) -> &'static str {
        match self {
            Pillar::Prv => "provision",
            Pillar::Sec => "secure",
            Pillar::Run => "run and monitor",
            Pillar::Dlv => "deliver",
        }
    }
}

/// The stage at which a rule starts to matter ("build for 1x, design for 10x, plan for 100x").
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Seed,
    Growth,
    Scale,
}

impl Stage {
    pub(crate) const ALL: [Stage; 3] = [Stage::Seed, Stage::Growth, Stage::Scale];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Stage::Seed => "seed",
            Stage::Growth => "growth",
            Stage::Scale => "scale",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Ordered: `Note < Warning < Error`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Severity> {
        match s {
            "note" => Some(Severity::Note),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which inputs a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One parsed file of these kinds at a time.
    File(&'static [FileKind]),
    /// Facts gathered from the whole tree.
    Repo,
    /// Both: a per-file part and a repo-wide part.
    RepoAndFile(&'static [FileKind]),
}

impl Scope {
    pub(crate) fn file_kinds(self) -> &'static [FileKind] {
        match self {
            Scope::File(kinds) | Scope::RepoAndFile(kinds) => kinds,
            Scope::Repo => &[],
        }
    }

    pub(crate) fn has_repo_part(self) -> bool {
        matches!(self, Scope::Repo | Scope::RepoAndFile(_))
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Scope::File(_) => "file",
            Scope::Repo => "repo",
            Scope::RepoAndFile(_) => "repo+file",
        }
    }
}

/// Everything known about a rule before it runs. Built-in rules get a `'static`
/// value from `declare_rule!`; plugin rules leak theirs once per run.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleMeta {
    pub id: &'static str,
    pub name: &'static str,
    pub pillar: Pillar,
    pub stage: Stage,
    pub scope: Scope,
    pub severity: Severity,
    pub since: &'static str,
    pub summary: &'static str,
    /// Markdown, from the doc comment inside `declare_rule!` (one leading space per line).
    pub docs: &'static str,
    /// Where the rule is defined, relative to the crate root.
    pub source_file: &'static str,
    pub struct_name: &'static str,
    /// `None` for built-ins, the plugin's name for plugin rules.
    pub plugin: Option<&'static str>,
    /// How often a finding is a true problem (SARIF `precision`; GitHub orders alerts by it).
    pub precision: Precision,
    /// Whether the rule can fix what it finds, and how safely (`fix:` in `declare_rule!`).
    pub fix: FixSafety,
    /// Rules whose finding on the same line says the same thing less precisely
    /// (`supersedes: ["SEC001"]`): the engine drops theirs and keeps this one.
    pub supersedes: &'static [&'static str],
    /// Findings quote a secret (`carries_secret: true`): baselines keep no message for them.
    pub carries_secret: bool,
}

/// What a rule's fix does to behaviour. `Safe` fixes keep everything that worked
/// before working; `Unsafe` ones change what gets deployed or may need follow-up
/// (the rule's docs say what), so they run only with `--unsafe-fixes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FixSafety {
    #[default]
    None,
    Safe,
    Unsafe,
}

impl FixSafety {
    /// `safe`, `unsafe`, or `-` (no fix): the `rules` FIX column and JSON/SARIF.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            FixSafety::None => "-",
            FixSafety::Safe => "safe",
            FixSafety::Unsafe => "unsafe",
        }
    }
}

/// A rule's precision, as SARIF and GitHub code scanning name it. `High` unless the
/// rule says otherwise in `declare_rule!` (`precision: Medium`): rules that infer a
/// practice's absence from the files (repo rules) or judge values by name and entropy
/// are `Medium`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    VeryHigh,
    High,
    Medium,
    Low,
}

impl Precision {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Precision::VeryHigh => "very-high",
            Precision::High => "high",
            Precision::Medium => "medium",
            Precision::Low => "low",
        }
    }
}

impl RuleMeta {
    pub(crate) fn docs_url(&self) -> String {
        match self.plugin {
            None => format!(
                "https://github.com/devops-lint/devops-lint/blob/v{}/docs/rules/{}.md",
                env!("CARGO_PKG_VERSION"),
                self.id
            ),
            Some(_) => String::new(),
        }
    }

    /// The docs with the one leading space of each `///` line removed.
    pub fn docs_markdown(&self) -> String {
        let mut out = String::with_capacity(self.docs.len());
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// The docs on one line, white space folded: what tests search for the names a rule's
    /// tables hold.
    #[cfg(test)]
    pub fn docs_folded(&self) -> String {
        self.docs.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    pub(crate) fn matches(&self, key: &str) -> bool {
        self.id.eq_ignore_ascii_case(key) || self.name == key
    }
}

/// Implemented by `declare_rule!`.
pub trait HasMeta {
    fn meta(&self) -> &'static RuleMeta;
}

/// The outcome of a repo-scope rule: "is this practice present anywhere?"
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail,
    NotApplicable,
    /// The evidence is partial; the reason says what is missing.
    Inconclusive(String),
}

/// A rule: stateless, shared across threads. Default hooks do nothing; the
/// engine calls a hook only for the kinds in the rule's scope.
pub trait Rule: HasMeta + Send + Sync {
    fn check_terraform(&self, _tf: &TerraformFile, _cx: &mut Cx) {}
    fn check_dockerfile(&self, _df: &Dockerfile, _cx: &mut Cx) {}
    fn check_workflow(&self, _wf: &Workflow, _cx: &mut Cx) {}
    fn check_action(&self, _action: &Action, _cx: &mut Cx) {}
    fn check_gitlab(&self, _ci: &GitlabCi, _cx: &mut Cx) {}
    fn check_circleci(&self, _ci: &Circleci, _cx: &mut Cx) {}
    /// Each job of a GitHub workflow, after `check_workflow` and before the job's steps.
    fn check_job(&self, _job: &Job, _workflow: &Workflow, _cx: &mut Cx) {}
    /// Each step of a GitHub workflow's job (after `check_job`) or of a composite action.
    fn check_step(&self, _step: &Step, _owner: StepOwner<'_>, _cx: &mut Cx) {}
    /// Each shell script a CI file runs, in file order: a GitHub step's `run:` (after
    /// `check_step`), GitLab `before_script`/`script`/`after_script` lines, CircleCI
    /// `run` commands of jobs and reusable commands.
    fn check_script(&self, _script: &Script, _cx: &mut Cx) {}
    /// Compose files and Kubernetes manifests (and other YAML of a rule's kinds).
    fn check_yaml(&self, _docs: &[YamlDocument], _cx: &mut Cx) {}
    /// Any file of the rule's kinds, by its path, before `check_text`. It also runs on
    /// files that were not read (binary, over the size limit), with an empty `cx.text()`:
    /// the hook for findings a file's name alone proves (a keystore, a state file).
    fn check_path(&self, _cx: &mut Cx) {}
    /// Any file of the rule's kinds, as text (runs on every kind for `FileKind::Text` rules).
    fn check_text(&self, _cx: &mut Cx) {}
    /// Repo-wide part; returns whether the practice is present.
    fn check_repo(&self, _facts: &RepoFacts, _cx: &mut RepoCx) -> Outcome {
        Outcome::NotApplicable
    }
}

/// The context of a file rule: the file, and where its findings and the tool's
/// diagnostics go.
pub struct Cx<'a> {
    pub file: &'a SourceFile,
    rule: &'static RuleMeta,
    findings: &'a mut Vec<Finding>,
    diagnostics: &'a mut Vec<ToolDiagnostic>,
    root: &'a std::path::Path,
    model_given: bool,
}

impl<'a> Cx<'a> {
    pub(crate) fn new(
        file: &'a SourceFile,
        rule: &'static RuleMeta,
        findings: &'a mut Vec<Finding>,
        diagnostics: &'a mut Vec<ToolDiagnostic>,
        root: &'a std::path::Path,
    ) -> Self {
        Cx {
            file,
            rule,
            findings,
            diagnostics,
            root,
            model_given: false,
        }
    }

    /// Where a problem of the tool met while checking this file goes (a plugin that
    /// failed): the engine reports it, never as a finding.
    pub(crate) fn diagnostics(&mut self) -> &mut Vec<ToolDiagnostic> {
        self.diagnostics
    }

    /// Records that the rule's structured hook (`check_terraform`, `check_yaml`, ...)
    /// received this file's model; the engine sets it before `check_path`/`check_text`.
    pub(crate) fn set_model_given(&mut self) {
        self.model_given = true;
    }

    /// Whether a structured hook of this rule already saw this file's model.
    pub(crate) fn model_given(&self) -> bool {
        self.model_given
    }

    /// Whether a regular file exists at `rel` (relative to the scan root, `/`-separated).
    /// A metadata call only, never a read; symlinks and `..` do not count.
    pub(crate) fn file_exists(&self, rel: &str) -> bool {
        if rel.split('/').any(|seg| seg == "..") {
            return false;
        }
        std::fs::symlink_metadata(self.root.join(rel)).is_ok_and(|m| m.is_file())
    }

    /// The text of the regular file at `rel` (relative to the scan root, `/`-separated),
    /// for rules that follow a reference to another file (a local reusable workflow).
    /// `None` for `..`, absolute paths, symlinks, paths that leave the root through a
    /// symlinked directory, files over `max_bytes`, unreadable and non-UTF-8 files.
    pub(crate) fn root_file_text(&self, rel: &str, max_bytes: u64) -> Option<String> {
        if rel.starts_with('/') || rel.split('/').any(|seg| seg == "..") {
            return None;
        }
        let path = self.root.join(rel);
        let meta = std::fs::symlink_metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > max_bytes {
            return None;
        }
        let root = std::fs::canonicalize(self.root).ok()?;
        if !std::fs::canonicalize(&path).ok()?.starts_with(&root) {
            return None;
        }
        std::fs::read_to_string(&path).ok()
    }

    /// The other regular files of this file's directory whose names end in `suffix`,
    /// as (relative path, text), sorted by path: at most `max_files` of them, and none
    /// when there are more (a hostile directory of thousands of files would make every
    /// file read all the others). For rules whose answer spans a directory (a Terraform
    /// module's backend may sit in any of its files). Symlinks, unreadable, non-UTF-8
    /// and files over 1 MiB are left out.
    pub(crate) fn sibling_texts(&self, suffix: &str, max_files: usize) -> Vec<(String, String)> {
        const MAX_SIBLING_BYTES: u64 = 1024 * 1024;
        let dir = self.dir();
        let Ok(entries) = std::fs::read_dir(self.root.join(dir)) else {
            return Vec::new();
        };
        let mut siblings = Vec::new();
        for entry in entries.flatten() {
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            let rel = if dir.is_empty() {
                name.clone()
            } else {
                format!("{dir}/{name}")
            };
            // `file_type` does not follow symlinks.
            let regular = entry.file_type().is_ok_and(|t| t.is_file());
            if name.ends_with(suffix) && rel != self.file.path && regular {
                if siblings.len() == max_files {
                    return Vec::new();
                }
                siblings.push((rel, entry.path()));
            }
        }
        siblings.sort();
        siblings
            .into_iter()
            .filter_map(|(rel, path)| {
                if std::fs::metadata(&path).ok()?.len() > MAX_SIBLING_BYTES {
                    return None;
                }
                Some((rel, std::fs::read_to_string(&path).ok()?))
            })
            .collect()
    }

    /// The directory of this file, relative to the root (`""` at the root).
    pub(crate) fn dir(&self) -> &str {
        self.file
            .path
            .rsplit_once('/')
            .map(|(d, _)| d)
            .unwrap_or("")
    }

    pub(crate) fn text(&self) -> &str {
        &self.file.text
    }

    pub(crate) fn path(&self) -> &str {
        &self.file.path
    }

    /// A finding for this rule at `span` (message defaults to the rule summary).
    pub(crate) fn finding(&self, span: Span) -> FindingBuilder {
        FindingBuilder::new(self.rule, span)
    }

    pub(crate) fn report(&mut self, builder: FindingBuilder) {
        let finding = builder.build(self.file);
        self.findings.push(finding);
    }
}

/// The context of a repo rule: findings point at any file of the tree, or at its root.
pub struct RepoCx<'a> {
    rule: &'static RuleMeta,
    findings: &'a mut Vec<Finding>,
    diagnostics: &'a mut Vec<ToolDiagnostic>,
    stage: Stage,
    detail: Option<String>,
}

impl<'a> RepoCx<'a> {
    pub(crate) fn new(
        rule: &'static RuleMeta,
        findings: &'a mut Vec<Finding>,
        diagnostics: &'a mut Vec<ToolDiagnostic>,
    ) -> Self {
        RepoCx {
            rule,
            findings,
            diagnostics,
            stage: Stage::Seed,
            detail: None,
        }
    }

    /// Where a problem of the tool met while checking the repo goes: the engine reports it.
    pub(crate) fn diagnostics(&mut self) -> &mut Vec<ToolDiagnostic> {
        self.diagnostics
    }

    /// The stage the repo aims for (some practices only matter below or above one).
    pub(crate) fn with_stage(mut self, stage: Stage) -> Self {
        self.stage = stage;
        self
    }

    /// Says what the outcome rests on (the evidence found, or why the rule does not
    /// apply); shown with the rule in the readiness report.
    pub(crate) fn detail(&mut self, text: impl Into<String>) {
        self.detail = Some(text.into());
    }

    pub(crate) fn take_detail(&mut self) -> Option<String> {
        self.detail.take()
    }

    /// Report at a location the facts recorded (path + span + line/column).
    pub(crate) fn report_at(&mut self, loc: &Location, message: impl Into<String>) {
        self.findings
            .push(Finding::at_location(self.rule, loc, message.into()));
    }

    /// Report at the repository root (no file shows the gap).
    pub(crate) fn report_root(&mut self, message: impl Into<String>) {
        self.findings
            .push(Finding::at_root(self.rule, message.into()));
    }
}

/// Declares a rule: a unit struct, its `'static` metadata and its docs.
///
/// The `///` docs go inside the invocation (as in clippy and oxc): they become
/// `#[doc]` attributes that the macro collects with `concat!`.
#[macro_export]
macro_rules! declare_rule {
    (@precision) => { $crate::rule::Precision::High };
    (@precision $precision:ident) => { $crate::rule::Precision::$precision };
    (@fix) => { $crate::rule::FixSafety::None };
    (@fix $fix:ident) => { $crate::rule::FixSafety::$fix };
    (@carries_secret) => { false };
    (@carries_secret $carries:literal) => { $carries };
    (
        $(#[doc = $doc:literal])*
        $name:ident {
            id: $id:literal,
            name: $kebab:literal,
            pillar: $pillar:ident,
            stage: $stage:ident,
            scope: $scope:expr,
            severity: $severity:ident,
            since: $since:literal,
            summary: $summary:literal
            $(, precision: $precision:ident)?
            $(, fix: $fix:ident)?
            $(, supersedes: [$($supersedes:literal),* $(,)?])?
            $(, carries_secret: $carries:literal)? $(,)?
        }
    ) => {
        #[derive(Debug, Default, Clone, Copy)]
        pub(crate) struct $name;

        impl $name {
            pub(crate) const META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
                id: $id,
                name: $kebab,
                pillar: $crate::rule::Pillar::$pillar,
                stage: $crate::rule::Stage::$stage,
                scope: $scope,
                severity: $crate::rule::Severity::$severity,
                since: $since,
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
                source_file: file!(),
                struct_name: stringify!($name),
                plugin: None,
                precision: $crate::declare_rule!(@precision $($precision)?),
                fix: $crate::declare_rule!(@fix $($fix)?),
                supersedes: &[$($($supersedes),*)?],
                carries_secret: $crate::declare_rule!(@carries_secret $($carries)?),
            };
        }

        impl $crate::rule::HasMeta for $name {
            fn meta(&self) -> &'static $crate::rule::RuleMeta {
                static META: $crate::rule::RuleMeta = $name::META;
                &META
            }
        }
    };
}
