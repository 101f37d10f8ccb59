//! The scan: discover files, then in parallel read, classify, parse and check
//! each one once; then repo rules over the merged facts; then suppressions,
//! dedupe and a deterministic order (path, line, column, rule).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{Attestation, Config, RuleSetting};
use crate::discover::{self, Candidate, SkipReason, Skipped};
use crate::facts::{FileFacts, RepoFacts};
use crate::finding::{Finding, Location, Suppression, ToolDiagnostic};
use crate::model::ci::{CiModel, Step, StepOwner};
use crate::model::{self, Parsed};
use crate::registry::Registry;
use crate::rule::{Cx, Outcome, RepoCx, Rule, RuleMeta, Severity, Stage};
use crate::source::{FileKind, ParseDiagnostic, SourceFile};
use crate::suppress;

/// What to scan and how.
pub struct ScanOptions {
    pub root: PathBuf,
    /// File-list mode (pre-commit): only these files, relative to `root`.
    pub paths: Option<Vec<PathBuf>>,
    pub stage: Stage,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub jobs: usize,
    pub no_ignores: bool,
    /// Run repo rules (default: on for a directory scan, off in file-list mode).
    pub repo_rules: bool,
    pub max_file_size: u64,
    /// Keep the texts of the files with findings, for the formats that quote them
    /// (snippets, fixes). Without, each such file leaves only what masking its secrets
    /// in the report needs ([`SecretForms`]).
    pub keep_texts: bool,
}

/// The outcome of each rule over the whole repo, for the readiness report.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleOutcome {
    pub rule: &'static RuleMeta,
    pub outcome: Outcome,
    pub attested: Option<Attestation>,
    /// Whether the rule's findings are part of this run (at or below the target stage, selected).
    pub active: bool,
    /// What a repo rule's outcome rests on (evidence found, or why it does not apply).
    pub detail: Option<String>,
    /// The first finding of a failing rule above the target stage: not reported, but
    /// shown on the readiness card.
    pub unreported: Option<Finding>,
}

pub struct ScanResult {
    pub root: PathBuf,
    pub stage: Stage,
    /// Sorted; includes suppressed findings (marked).
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<ToolDiagnostic>,
    pub skipped: Vec<Skipped>,
    pub files_by_kind: BTreeMap<FileKind, usize>,
    /// Texts of the files that have findings or diagnostics, for snippets.
    pub sources: BTreeMap<String, Arc<SourceFile>>,
    /// The same files' secrets when their texts were not kept (`keep_texts` off).
    pub secret_forms: BTreeMap<String, SecretForms>,
    pub outcomes: Vec<RuleOutcome>,
    pub facts: RepoFacts,
    pub repo_rules_ran: bool,
    pub elapsed: Duration,
    /// Every rule known in this run (built-ins and plugins), for SARIF's rule table.
    pub rules: Vec<&'static RuleMeta>,
}

impl ScanResult {
    pub fn active_findings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| !f.is_suppressed())
    }

    pub(crate) fn count(&self, severity: Severity) -> usize {
        self.active_findings()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub(crate) fn suppressed_count(&self) -> usize {
        self.findings.iter().filter(|f| f.is_suppressed()).count()
    }

    pub(crate) fn files_scanned(&self) -> usize {
        self.files_by_kind.values().sum()
    }
}

/// The secrets of a file a report quotes, as the sanitizer masks them, taken while
/// its text was at hand: the forms of what the detectors find in it, and those of
/// each finding's redaction spans (looked up by span, for the findings that remain).
#[derive(Debug, Default, Clone)]
pub struct SecretForms {
    pub(crate) detected: BTreeSet<String>,
    pub(crate) redacted: HashMap<crate::source::Span, BTreeSet<String>>,
}

impl SecretForms {
    fn of(file: &SourceFile, findings: &[Finding]) -> Self {
        use crate::secrets::sanitize::add_secret_forms;
        let mut forms = SecretForms::default();
        let detected = crate::secrets::secret_spans(&file.path, &file.text);
        add_secret_forms(&file.text, detected.into_iter(), &mut forms.detected);
        for span in findings.iter().flat_map(|f| f.redactions.iter().copied()) {
            let mut one = BTreeSet::new();
            add_secret_forms(&file.text, std::iter::once(span), &mut one);
            forms.redacted.entry(span).or_default().extend(one);
        }
        forms
    }
}

/// The rules of this run and their effective severities.
pub struct Selection<'r> {
    /// Rules whose findings are reported: selected, not off, at or below the target stage.
    pub active: Vec<(&'static dyn Rule, Severity)>,
    /// Rules evaluated for the readiness card: selected and not off, at every stage.
    pub evaluated: Vec<(&'static dyn Rule, Severity)>,
    pub all: &'r Registry,
}

#[derive(Debug, thiserror::Error)]
pub enum SelectionError {
    #[error("unknown rule `{0}` (see `devops-lint rules`)")]
    UnknownRule(String),
}

pub fn select<'r>(
    registry: &'r Registry,
    config: &Config,
    opts: &ScanOptions,
) -> Result<Selection<'r>, SelectionError> {
    for key in opts.select.iter().chain(&opts.ignore) {
        if registry.find(key).is_none() && !is_pillar_or_prefix(key) {
            return Err(SelectionError::UnknownRule(key.clone()));
        }
    }
    let mut active = Vec::new();
    let mut evaluated = Vec::new();
    for &rule in registry.rules() {
        let meta = rule.meta();
        if !opts.select.is_empty() && !opts.select.iter().any(|k| selects(meta, k)) {
            continue;
        }
        if opts.ignore.iter().any(|k| selects(meta, k)) {
            continue;
        }
        let severity = match config.rules.get(meta.id) {
            Some(RuleSetting::Off) => continue,
            Some(RuleSetting::Severity(s)) => *s,
            None => meta.severity,
        };
        evaluated.push((rule, severity));
        if meta.stage <= opts.stage {
            active.push((rule, severity));
        }
    }
    Ok(Selection {
        active,
        evaluated,
        all: registry,
    })
}

/// `--select SEC` selects a whole pillar; `SEC0` a prefix.
fn is_pillar_or_prefix(key: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    ["PRV", "SEC", "RUN", "DLV"]
        .iter()
        .any(|p| upper.starts_with(p) && upper.len() < 6)
}

fn selects(meta: &RuleMeta, key: &str) -> bool {
    meta.matches(key)
        || (is_pillar_or_prefix(key) && meta.id.starts_with(&key.to_ascii_uppercase()))
}

struct FileResult {
    path: String,
    kind: Option<FileKind>,
    findings: Vec<Finding>,
    diagnostics: Vec<ToolDiagnostic>,
    skipped: Option<Skipped>,
    source: Option<Arc<SourceFile>>,
    secret_forms: Option<SecretForms>,
    facts: Option<FileFacts>,
}

/// Runs the whole scan.
pub fn scan(opts: &ScanOptions, config: &Config, selection: &Selection) -> ScanResult {
    let started = Instant::now();
    let exclude = discover::build_globset(&config.exclude).unwrap_or_default();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .build();
    let run = || scan_in_pool(opts, config, selection, &exclude);
    let mut result = match pool {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    };
    result.elapsed = started.elapsed();
    result
}

fn scan_in_pool(
    opts: &ScanOptions,
    config: &Config,
    selection: &Selection,
    exclude: &globset::GlobSet,
) -> ScanResult {
    let discovery = match &opts.paths {
        Some(paths) => discover::from_paths(&opts.root, paths, exclude),
        None => discover::walk(&discover::WalkOptions {
            root: &opts.root,
            exclude,
            threads: opts.jobs,
        }),
    };
    let today = suppress::today();
    let registry = selection.all;
    let known = |key: &str| registry.find(key).is_some();

    let candidates = discovery.candidates;
    let mut merged = Merged::new(selection, discovery.skipped, discovery.notes);
    // NOTE: in chunks, each merged (in discovery order) before the next is checked: only
    // one chunk's per-file results (facts, findings, texts) are held besides the merged
    // ones, not every file's (a quarter of the peak memory at 80,000 files).
    for chunk in candidates.chunks(MERGE_CHUNK) {
        let results: Vec<FileResult> = chunk
            .par_iter()
            .map(|candidate| check_file(candidate, opts, selection, &today, &known))
            .collect();
        for result in results {
            merged.add(result);
        }
    }
    drop(candidates);
    assemble(opts, config, selection, merged)
}

/// Files checked in parallel between two merges: enough to keep every thread busy.
const MERGE_CHUNK: usize = 2048;

/// The whole pipeline on one in-memory file (no discovery, no disk reads of
/// scanned files): classify by `path`, parse, check, suppress, sort. The fuzz
/// target `pipeline` and its regression test drive this.
pub(crate) fn scan_text(
    opts: &ScanOptions,
    config: &Config,
    selection: &Selection,
    path: &str,
    text: String,
) -> ScanResult {
    let today = suppress::today();
    let registry = selection.all;
    let known = |key: &str| registry.find(key).is_some();
    let kind = discover::classify(path, &text);
    let file = SourceFile::new(path.to_string(), kind, text);
    let result = check_source(file, opts, selection, &today, &known);
    let mut merged = Merged::new(selection, Vec::new(), Vec::new());
    merged.add(result);
    assemble(opts, config, selection, merged)
}

/// The per-file results merged so far, in discovery order.
struct Merged {
    /// Findings of the active rules (the reported ones).
    findings: Vec<Finding>,
    active: BTreeSet<&'static str>,
    /// Rules above the target stage ran for the readiness card only: of their findings
    /// only each failing rule's first unsuppressed one (in report order) is kept.
    unreported: BTreeMap<&'static str, Finding>,
    diagnostics: Vec<ToolDiagnostic>,
    skipped: Vec<Skipped>,
    sources: BTreeMap<String, Arc<SourceFile>>,
    secret_forms: BTreeMap<String, SecretForms>,
    kinds: Vec<FileKind>,
    facts: RepoFacts,
}

impl Merged {
    fn new(selection: &Selection, skipped: Vec<Skipped>, notes: Vec<String>) -> Self {
        let diagnostics = notes
            .into_iter()
            .map(|note| ToolDiagnostic {
                kind: "discovery",
                location: Location::root(),
                message: note,
                level: "warning",
            })
            .collect();
        Merged {
            findings: Vec::new(),
            active: selection.active.iter().map(|(r, _)| r.meta().id).collect(),
            unreported: BTreeMap::new(),
            diagnostics,
            skipped,
            sources: BTreeMap::new(),
            secret_forms: BTreeMap::new(),
            kinds: Vec::new(),
            facts: RepoFacts::default(),
        }
    }

    fn add(&mut self, r: FileResult) {
        if let Some(kind) = r.kind {
            self.kinds.push(kind);
        }
        if let Some(skip) = r.skipped {
            self.skipped.push(skip);
        }
        if let Some(file_facts) = r.facts {
            self.facts.merge(file_facts);
        }
        for f in r.findings {
            if self.active.contains(f.rule.id) {
                self.findings.push(f);
            } else if !f.is_suppressed() {
                match self.unreported.entry(f.rule.id) {
                    std::collections::btree_map::Entry::Vacant(e) => {
                        e.insert(f);
                    }
                    std::collections::btree_map::Entry::Occupied(mut e) => {
                        if f.sort_key() < e.get().sort_key() {
                            e.insert(f);
                        }
                    }
                }
            }
        }
        self.diagnostics.extend(r.diagnostics);
        if let Some(source) = r.source {
            self.sources.insert(r.path, source);
        } else if let Some(forms) = r.secret_forms {
            self.secret_forms.insert(r.path, forms);
        }
    }
}

/// Merges per-file results, runs repo rules, applies suppressions, sorts.
fn assemble(
    opts: &ScanOptions,
    config: &Config,
    selection: &Selection,
    merged: Merged,
) -> ScanResult {
    let registry = selection.all;
    let Merged {
        mut findings,
        active: _,
        mut unreported,
        mut diagnostics,
        mut skipped,
        mut sources,
        mut secret_forms,
        kinds,
        mut facts,
    } = merged;
    facts.finish();

    let mut outcomes =
        file_rule_outcomes(selection, &findings, &unreported, &kinds, opts.repo_rules);
    for o in &mut outcomes {
        if o.unreported.is_none() {
            o.unreported = unreported.remove(o.rule.id);
        }
    }
    let repo_rules_ran = opts.repo_rules;
    if opts.repo_rules {
        run_repo_rules(
            selection,
            config,
            opts.stage,
            &facts,
            &mut findings,
            &mut diagnostics,
            &mut outcomes,
        );
    }
    for outcome in &mut outcomes {
        outcome.attested = config.attest.get(outcome.rule.id).cloned();
    }
    // An attested rule's findings are suppressed with the attestation as the reason.
    for finding in &mut findings {
        if finding.suppression.is_none() {
            if let Some(att) = config.attest.get(finding.rule.id) {
                finding.suppression = Some(Suppression {
                    kind: "attested",
                    reason: Some(att.note.clone()),
                });
            }
        }
    }

    apply_config_ignores(&mut findings, config);
    if opts.no_ignores {
        for f in &mut findings {
            f.suppression = None;
        }
    }
    dedupe_secret_findings(&mut findings);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    disambiguate_fingerprints(&mut findings);
    diagnostics.sort_by(|a, b| {
        (&a.location.path, a.location.start, &a.message).cmp(&(
            &b.location.path,
            b.location.start,
            &b.message,
        ))
    });
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    // Snippets for repo-rule findings in files that had none of their own.
    for f in &findings {
        if !f.location.is_root()
            && !sources.contains_key(&f.location.path)
            && !secret_forms.contains_key(&f.location.path)
        {
            let abs = opts.root.join(&f.location.path);
            if let Ok(text) = discover::read_text(&abs, opts.max_file_size) {
                let kind = discover::classify(&f.location.path, &text);
                let file = SourceFile::new(f.location.path.clone(), kind, text);
                if opts.keep_texts {
                    sources.insert(f.location.path.clone(), Arc::new(file));
                } else {
                    // Repo rules' findings carry no redactions.
                    let forms = SecretForms::of(&file, &[]);
                    secret_forms.insert(f.location.path.clone(), forms);
                }
            }
        }
    }

    ScanResult {
        root: opts.root.clone(),
        stage: opts.stage,
        findings,
        diagnostics,
        skipped,
        files_by_kind: discover::count_kinds(kinds.into_iter()),
        sources,
        secret_forms,
        outcomes,
        facts,
        repo_rules_ran,
        elapsed: Duration::ZERO,
        rules: registry.metas().collect(),
    }
}

fn check_file(
    candidate: &Candidate,
    opts: &ScanOptions,
    selection: &Selection,
    today: &str,
    known: &dyn Fn(&str) -> bool,
) -> FileResult {
    let mut result = FileResult {
        path: candidate.path.clone(),
        kind: None,
        findings: Vec::new(),
        diagnostics: Vec::new(),
        skipped: None,
        source: None,
        secret_forms: None,
        facts: None,
    };
    let text = match discover::read_text(&candidate.abs, opts.max_file_size) {
        Ok(text) => text,
        Err((reason, detail)) => {
            if reason == SkipReason::Unreadable {
                result.diagnostics.push(ToolDiagnostic {
                    kind: "read-error",
                    location: Location {
                        path: candidate.path.clone(),
                        ..Location::root()
                    },
                    message: format!("cannot read {}: {detail}", candidate.path),
                    level: "warning",
                });
            }
            result.skipped = Some(Skipped {
                path: candidate.path.clone(),
                reason,
                detail,
            });
            // NOTE: some files are findings by their name alone (a keystore is binary, a
            // state file can be huge): `check_path` still sees them, with no text.
            if matches!(reason, SkipReason::Binary | SkipReason::TooLarge) {
                let kind = discover::classify(&candidate.path, "");
                let mut file = SourceFile::new(candidate.path.clone(), kind, String::new());
                // A keystore's structure says whether it holds a key or only
                // trusted certificates (a truststore); read only for those names.
                if reason == SkipReason::Binary && crate::parse::keystore::reads(&candidate.path) {
                    file.keystore = discover::read_bytes(&candidate.abs, opts.max_file_size)
                        .ok()
                        .and_then(|bytes| crate::parse::keystore::inspect(&bytes));
                }
                let rules: Vec<(&'static dyn Rule, Severity)> = selection
                    .active
                    .iter()
                    .filter(|(rule, _)| applies_to(rule.meta(), kind))
                    .copied()
                    .collect();
                // No `source`: there is no text to show, so reports print the path alone.
                run_rules(&file, &rules, opts, &mut result, |rule, cx| {
                    rule.check_path(cx)
                });
            }
            return result;
        }
    };
    let kind = discover::classify(&candidate.path, &text);
    let file = SourceFile::new(candidate.path.clone(), kind, text);
    check_source(file, opts, selection, today, known)
}

fn check_source(
    file: SourceFile,
    opts: &ScanOptions,
    selection: &Selection,
    today: &str,
    known: &dyn Fn(&str) -> bool,
) -> FileResult {
    let kind = file.kind;
    let mut result = FileResult {
        path: file.path.clone(),
        kind: Some(kind),
        findings: Vec::new(),
        diagnostics: Vec::new(),
        skipped: None,
        source: None,
        secret_forms: None,
        facts: None,
    };

    // With the readiness card on, rules of every stage run (their outcomes feed the
    // card); findings of rules above the target stage are dropped after the scan.
    let candidates = if opts.repo_rules {
        &selection.evaluated
    } else {
        &selection.active
    };
    let rules: Vec<(&'static dyn Rule, Severity)> = candidates
        .iter()
        .filter(|(rule, _)| applies_to(rule.meta(), kind))
        .copied()
        .collect();
    let needs_parse = (opts.repo_rules && crate::facts::needs_model(kind))
        || rules
            .iter()
            .any(|(rule, _)| rule.meta().scope.file_kinds().contains(&kind));
    let (parsed, parse_diags) = if needs_parse {
        model::parse(&file)
    } else {
        (Parsed::Text, Vec::new())
    };
    for diag in parse_diags {
        result.diagnostics.push(parse_diagnostic(&file, diag));
    }

    run_rules(&file, &rules, opts, &mut result, |rule, cx| {
        run_hooks(rule, &parsed, cx, kind)
    });
    let mut findings = std::mem::take(&mut result.findings);

    if !findings.is_empty() || file.text.contains("devops-lint:") {
        let ignores = suppress::scan(&file);
        if !ignores.is_empty() {
            let blocks = suppression_blocks(&file, &parsed);
            let ran = |key: &str| rules.iter().any(|(r, _)| r.meta().matches(key));
            let problems = suppress::apply(&mut findings, &ignores, &blocks, today, known, &ran);
            for p in problems {
                let span = file
                    .line_index()
                    .line_range(p.line.saturating_sub(1) as usize, &file.text);
                result.diagnostics.push(ToolDiagnostic {
                    kind: "ignore-comment",
                    location: Location::in_file(&file, crate::source::Span::from_range(span)),
                    message: p.message,
                    level: "warning",
                });
            }
        }
    }

    if opts.repo_rules {
        result.facts = Some(crate::facts::collect(&file, &parsed));
    }
    result.findings = findings;
    if !result.findings.is_empty() || !result.diagnostics.is_empty() {
        if opts.keep_texts {
            result.source = Some(Arc::new(file));
        } else {
            result.secret_forms = Some(SecretForms::of(&file, &result.findings));
        }
    }
    result
}

/// Runs `hooks` of each rule on `file`: a panicking rule becomes a diagnostic, and
/// findings at the rule's default severity take the configured one.
fn run_rules(
    file: &SourceFile,
    rules: &[(&'static dyn Rule, Severity)],
    opts: &ScanOptions,
    result: &mut FileResult,
    hooks: impl Fn(&dyn Rule, &mut Cx),
) {
    let findings = &mut result.findings;
    let diagnostics = &mut result.diagnostics;
    for (rule, severity) in rules {
        let before = findings.len();
        let meta = rule.meta();
        let mut cx = Cx::new(file, meta, findings, diagnostics, &opts.root);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            hooks(*rule, &mut cx);
        }));
        if outcome.is_err() {
            findings.truncate(before);
            diagnostics.push(ToolDiagnostic {
                kind: "rule-error",
                location: Location::in_file(file, file.first_line_span()),
                message: format!("rule {} failed on {} (internal error)", meta.id, file.path),
                level: "error",
            });
        }
        for f in &mut findings[before..] {
            if f.severity == meta.severity {
                f.severity = *severity;
            }
        }
    }
}

/// Text-scope rules (secrets, sensitive files) run on every file.
fn applies_to(meta: &RuleMeta, kind: FileKind) -> bool {
    let kinds = meta.scope.file_kinds();
    kinds.contains(&kind) || kinds.contains(&FileKind::Text)
}

fn run_hooks(rule: &dyn Rule, parsed: &Parsed, cx: &mut Cx, kind: FileKind) {
    let kinds = rule.meta().scope.file_kinds();
    if kinds.contains(&kind) {
        match parsed {
            Parsed::Terraform(tf) => rule.check_terraform(tf, cx),
            Parsed::Dockerfile(df) => rule.check_dockerfile(df, cx),
            Parsed::Ci(ci, docs) => {
                walk_ci(rule, ci, cx);
                rule.check_yaml(docs, cx);
            }
            Parsed::Yaml(docs) => rule.check_yaml(docs, cx),
            Parsed::Text => {}
        }
        if !matches!(parsed, Parsed::Text) {
            cx.set_model_given();
        }
    }
    if kinds.contains(&kind) || kinds.contains(&FileKind::Text) {
        rule.check_path(cx);
        rule.check_text(cx);
    }
}

/// Calls a rule's CI hooks from coarse to fine: the file's view, then each job and
/// step in file order, then each script, so that no rule walks jobs itself.
fn walk_ci(rule: &dyn Rule, ci: &CiModel, cx: &mut Cx) {
    match ci {
        CiModel::Workflow(workflow) => {
            rule.check_workflow(workflow, cx);
            for job in &workflow.jobs {
                rule.check_job(job, workflow, cx);
                walk_steps(rule, &job.steps, StepOwner::Job { workflow, job }, cx);
            }
        }
        CiModel::Action(action) => {
            rule.check_action(action, cx);
            walk_steps(rule, &action.steps, StepOwner::Action(action), cx);
        }
        CiModel::Gitlab(gitlab) => {
            rule.check_gitlab(gitlab, cx);
            for job in gitlab.default.iter().chain(&gitlab.jobs) {
                for script in &job.script {
                    rule.check_script(script, cx);
                }
            }
        }
        CiModel::Circleci(circleci) => {
            rule.check_circleci(circleci, cx);
            for job in circleci.jobs.iter().chain(&circleci.commands) {
                for script in &job.steps {
                    rule.check_script(script, cx);
                }
            }
        }
    }
}

fn walk_steps(rule: &dyn Rule, steps: &[Step], owner: StepOwner<'_>, cx: &mut Cx) {
    for step in steps {
        rule.check_step(step, owner, cx);
        if let Some(script) = &step.run {
            rule.check_script(script, cx);
        }
    }
}

fn parse_diagnostic(file: &SourceFile, diag: ParseDiagnostic) -> ToolDiagnostic {
    ToolDiagnostic {
        kind: "parse-error",
        location: Location::in_file(file, diag.span),
        message: format!(
            "cannot parse {} as {}: {}",
            file.path,
            file.kind.as_str(),
            diag.message
        ),
        level: "warning",
    }
}

/// (first line, last line) of every block-like node, for block-level ignores.
fn suppression_blocks(file: &SourceFile, parsed: &Parsed) -> Vec<(u32, u32)> {
    let mut blocks = Vec::new();
    let lines =
        |span: crate::source::Span| (file.line_col(span.start).line, file.line_col(span.end).line);
    match parsed {
        Parsed::Terraform(tf) => {
            let mut stack: Vec<&crate::model::terraform::Block> = tf.blocks.iter().collect();
            while let Some(block) = stack.pop() {
                blocks.push(lines(block.span));
                stack.extend(block.blocks.iter());
            }
        }
        Parsed::Dockerfile(df) => {
            for ins in &df.instructions {
                blocks.push(lines(ins.span));
            }
        }
        other => {
            for doc in other.yaml_documents() {
                let mut stack = vec![&doc.root];
                while let Some(node) = stack.pop() {
                    if let Some(entries) = node.as_map() {
                        for (key, value) in entries {
                            blocks.push(lines(key.span.cover(value.span)));
                            stack.push(value);
                        }
                    } else if let Some(items) = node.as_seq() {
                        for item in items {
                            blocks.push(lines(item.span));
                            stack.push(item);
                        }
                    }
                }
            }
        }
    }
    blocks
}

/// A file rule is applicable when the tree has a file of its kinds; it passes
/// when none of its findings is left unsuppressed (`findings`: the active rules',
/// `unreported`: the first of each failing rule above the target stage).
fn file_rule_outcomes(
    selection: &Selection,
    findings: &[Finding],
    unreported: &BTreeMap<&'static str, Finding>,
    kinds: &[FileKind],
    all_stages: bool,
) -> Vec<RuleOutcome> {
    let present: BTreeSet<FileKind> = kinds.iter().copied().collect();
    let failing: BTreeSet<&str> = findings
        .iter()
        .filter(|f| !f.is_suppressed())
        .map(|f| f.rule.id)
        .chain(unreported.keys().copied())
        .collect();
    let active: BTreeSet<&str> = selection.active.iter().map(|(r, _)| r.meta().id).collect();
    let ran = if all_stages {
        &selection.evaluated
    } else {
        &selection.active
    };
    let ran: BTreeSet<&str> = ran.iter().map(|(r, _)| r.meta().id).collect();
    selection
        .all
        .metas()
        .filter(|m| !matches!(m.scope, crate::rule::Scope::Repo))
        .map(|meta| {
            let kinds = meta.scope.file_kinds();
            let applicable = kinds.iter().any(|k| present.contains(k))
                || (kinds.contains(&FileKind::Text) && !present.is_empty());
            let is_active = active.contains(meta.id);
            let outcome = if !applicable {
                Outcome::NotApplicable
            } else if !ran.contains(meta.id) {
                Outcome::Inconclusive(NOT_RUN.into())
            } else if failing.contains(meta.id) {
                Outcome::Fail
            } else {
                Outcome::Pass
            };
            RuleOutcome {
                rule: meta,
                outcome,
                attested: None,
                active: is_active,
                detail: None,
                unreported: None,
            }
        })
        .collect()
}

/// Keeps the first unsuppressed finding of each rule that ran only for the card.
/// Why a rule has no outcome: `--select`/`--ignore`, `off` in config, or (in file-list
/// mode without the card) a later stage.
pub const NOT_RUN: &str = "not run in this scan (not selected, off in config, or a later stage)";

/// Repo rules run for every stage (the readiness card evaluates all stages);
/// only active rules contribute findings.
fn run_repo_rules(
    selection: &Selection,
    config: &Config,
    stage: Stage,
    facts: &RepoFacts,
    findings: &mut Vec<Finding>,
    diagnostics: &mut Vec<ToolDiagnostic>,
    outcomes: &mut Vec<RuleOutcome>,
) {
    let active: HashMap<&str, Severity> = selection
        .active
        .iter()
        .map(|(r, s)| (r.meta().id, *s))
        .collect();
    for &rule in selection.all.rules() {
        let meta = rule.meta();
        if !meta.scope.has_repo_part() {
            continue;
        }
        let evaluated = selection
            .evaluated
            .iter()
            .any(|(r, _)| r.meta().id == meta.id);
        if matches!(config.rules.get(meta.id), Some(RuleSetting::Off)) || !evaluated {
            if !outcomes.iter().any(|o| o.rule.id == meta.id) {
                outcomes.push(RuleOutcome {
                    rule: meta,
                    outcome: Outcome::Inconclusive(NOT_RUN.into()),
                    attested: None,
                    active: false,
                    detail: None,
                    unreported: None,
                });
            }
            continue;
        }
        let mut repo_findings = Vec::new();
        let mut cx = RepoCx::new(meta, &mut repo_findings, diagnostics).with_stage(stage);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            rule.check_repo(facts, &mut cx)
        }))
        .unwrap_or_else(|_| Outcome::Inconclusive("the rule failed (internal error)".into()));
        let detail = cx.take_detail();
        // A repo rule that says it fails reports at least one finding (at the root if need be).
        if outcome == Outcome::Fail && repo_findings.is_empty() {
            repo_findings.push(Finding::at_root(meta, meta.summary.to_string()));
        }
        let is_active = active.contains_key(meta.id);
        let unreported = if is_active {
            None
        } else {
            let mut sorted: Vec<&Finding> = repo_findings.iter().collect();
            sorted.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            sorted.first().map(|f| (*f).clone())
        };
        if let Some(severity) = active.get(meta.id) {
            for f in &mut repo_findings {
                if f.severity == meta.severity {
                    f.severity = *severity;
                }
            }
            findings.extend(repo_findings);
        }
        // A repo+file rule already has a file outcome: a file finding makes it fail;
        // otherwise the repo part, which knows whether the practice applies, decides.
        if let Some(existing) = outcomes.iter_mut().find(|o| o.rule.id == meta.id) {
            existing.outcome = combine(&existing.outcome, &outcome);
            existing.active = is_active;
            existing.detail = detail;
            if existing.unreported.is_none() {
                existing.unreported = unreported;
            }
        } else {
            outcomes.push(RuleOutcome {
                rule: meta,
                outcome,
                attested: None,
                active: is_active,
                detail,
                unreported,
            });
        }
    }
    outcomes.sort_by(|a, b| a.rule.id.cmp(b.rule.id));
}

/// The outcome of a repo+file rule from its file part and its repo part.
fn combine(file: &Outcome, repo: &Outcome) -> Outcome {
    match (file, repo) {
        (Outcome::Fail, _) => Outcome::Fail,
        (Outcome::Inconclusive(r), _) if r == NOT_RUN => file.clone(),
        (_, repo) => repo.clone(),
    }
}

fn apply_config_ignores(findings: &mut [Finding], config: &Config) {
    for finding in findings.iter_mut() {
        if finding.suppression.is_some() {
            continue;
        }
        for ignore in &config.ignores {
            let rule_ok = ignore.rules.is_empty() || ignore.rules.contains(&finding.rule.id);
            if rule_ok && ignore.paths.is_match(&finding.location.path) {
                finding.suppression = Some(Suppression {
                    kind: "config",
                    reason: Some(ignore.reason.clone()),
                });
                break;
            }
        }
    }
}

/// One problem, one finding: a rule that `supersedes` another (SEC002–005 over SEC001)
/// drops that rule's finding on the same line, or about a secret it already covers
/// (their secret spans overlap)
/// (SEC005's `server.pem` is one finding at line 1, not one more where the key starts).
fn dedupe_secret_findings(findings: &mut Vec<Finding>) {
    let superseded: BTreeSet<(&'static str, String, u32)> = findings
        .iter()
        .flat_map(|f| {
            f.rule
                .supersedes
                .iter()
                .map(move |id| (*id, f.location.path.clone(), f.location.start.line))
        })
        .collect();
    if superseded.is_empty() {
        return;
    }
    let covered: Vec<(&'static str, String, crate::source::Span)> = findings
        .iter()
        .flat_map(|f| {
            f.rule.supersedes.iter().flat_map(move |id| {
                f.redactions
                    .iter()
                    .map(move |span| (*id, f.location.path.to_string(), *span))
            })
        })
        .collect();
    findings.retain(|f| {
        let same_line =
            superseded.contains(&(f.rule.id, f.location.path.clone(), f.location.start.line));
        let same_secret = !f.redactions.is_empty()
            && f.redactions.iter().all(|own| {
                covered.iter().any(|(id, path, span)| {
                    *id == f.rule.id
                        && path.as_str() == &*f.location.path
                        && span.start < own.end
                        && own.start < span.end
                })
            });
        !(same_line || same_secret)
    });
}

/// Identical lines in one file would share a fingerprint: number the repeats.
fn disambiguate_fingerprints(findings: &mut [Finding]) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for f in findings.iter_mut() {
        let n = seen.entry(f.fingerprint.clone()).or_insert(0);
        if *n > 0 {
            f.fingerprint = format!("{}:{}", f.fingerprint, n);
        }
        *n += 1;
    }
}

/// Resolves the scan root from CLI paths: a single directory is the root;
/// files are scanned relative to the current directory.
pub(crate) fn root_and_paths(paths: &[PathBuf]) -> (PathBuf, Option<Vec<PathBuf>>) {
    match paths {
        [] => (PathBuf::from("."), None),
        [one] if one.is_dir() => (one.clone(), None),
        many => (PathBuf::from("."), Some(many.to_vec())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::declare_rule;
    use crate::model::ci::{Job, Script, Workflow};
    use crate::rule::{HasMeta, Scope};

    declare_rule! {
        /// Records the CI hooks the engine calls, as findings.
        HookOrder {
            id: "TST001",
            name: "hook-order",
            pillar: Dlv,
            stage: Seed,
            scope: Scope::File(&[FileKind::GithubWorkflow, FileKind::GitlabCi]),
            severity: Note,
            since: "0.1.0",
            summary: "hook order",
        }
    }

    impl Rule for HookOrder {
        fn check_workflow(&self, wf: &Workflow, cx: &mut Cx) {
            cx.report(
                cx.finding(crate::source::Span::default())
                    .message(format!("workflow with {} jobs", wf.jobs.len())),
            );
        }
        fn check_job(&self, job: &Job, _wf: &Workflow, cx: &mut Cx) {
            cx.report(cx.finding(job.id_span).message(format!("job {}", job.id)));
        }
        fn check_step(&self, step: &Step, owner: StepOwner<'_>, cx: &mut Cx) {
            let StepOwner::Job { job, .. } = owner else {
                return;
            };
            let what = step.uses.as_ref().map_or("run", |u| u.text.as_str());
            cx.report(
                cx.finding(step.span)
                    .message(format!("step {} {what}", job.id)),
            );
        }
        fn check_script(&self, script: &Script, cx: &mut Cx) {
            cx.report(
                cx.finding(script.span)
                    .message(format!("script {}", script.text)),
            );
        }
    }

    fn hooks_called(path: &str, kind: FileKind, text: &str) -> Vec<String> {
        let file = SourceFile::new(path.to_string(), kind, text.to_string());
        let (parsed, _) = model::parse(&file);
        let (mut findings, mut diagnostics) = (Vec::new(), Vec::new());
        let root = std::path::Path::new(".");
        let mut cx = Cx::new(
            &file,
            HookOrder.meta(),
            &mut findings,
            &mut diagnostics,
            root,
        );
        run_hooks(&HookOrder, &parsed, &mut cx, kind);
        findings.into_iter().map(|f| f.message).collect()
    }

    #[test]
    fn ci_hooks_run_from_workflow_to_job_to_step_to_script() {
        let text = "on: push\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n      - run: make\n  b:\n    uses: ./.github/workflows/x.yml\n";
        assert_eq!(
            hooks_called(".github/workflows/ci.yml", FileKind::GithubWorkflow, text),
            [
                "workflow with 2 jobs",
                "job a",
                "step a actions/checkout@v4",
                "step a run",
                "script make",
                "job b",
            ]
        );
        let gitlab = "default:\n  before_script: [setup]\nbuild:\n  script:\n    - make\n    - [make test]\n";
        assert_eq!(
            hooks_called(".gitlab-ci.yml", FileKind::GitlabCi, gitlab),
            ["script setup", "script make", "script make test"]
        );
    }
}
