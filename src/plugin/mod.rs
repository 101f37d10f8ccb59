//! Custom rules as sandboxed WebAssembly components (docs/plugins.md).
//!
//! A plugin is a component exporting `devops-lint:plugin/rules` (wit/plugin.wit).
//! Loading one compiles it (or takes it from the cache), checks its API version,
//! reads its rules' metadata and validates its settings. Each rule then becomes
//! a [`Rule`] like the built-ins: the engine, suppressions, config severities,
//! SARIF, `rules` and `explain` need nothing special. A failing plugin becomes
//! a `plugin-error` tool diagnostic, never a finding, and never stops the scan.

pub(crate) mod abi;
pub mod cache;
pub(crate) mod convert;
pub mod host;
pub mod text;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use abi::{wit, PluginPre};
use host::{Deadline, HostState, Limits};

use crate::facts::RepoFacts;
use crate::finding::{Location, ToolDiagnostic};
use crate::model::dockerfile::Dockerfile;
use crate::model::terraform::TerraformFile;
use crate::parse::yaml::YamlDocument;
use crate::rule::{Cx, HasMeta, Outcome, RepoCx, Rule, RuleMeta, Scope};
use crate::source::{FileKind, LineCol};

/// A plugin is disabled for the rest of the run after this many failures.
pub(crate) const MAX_FAILURES: u32 = 3;
/// Findings one call may return.
pub(crate) const MAX_FINDINGS: usize = 1000;
/// Labels one finding may carry.
pub(crate) const MAX_LABELS: usize = 16;
/// Rules one plugin may declare.
pub(crate) const MAX_RULES: usize = 256;
/// Bytes a plugin file may have (checked before it is read).
pub(crate) const MAX_PLUGIN_FILE: u64 = 64 << 20;

/// Where a plugin was named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `--plugin PATH` (or `plugins warm PATH`): trusted, any path.
    CommandLine,
    /// `[plugins.<name>] path = ...` in the scanned repo's config: must stay inside the root.
    Config,
}

/// A plugin to load.
#[derive(Debug, Clone)]
pub struct PluginSpec {
    /// The `[plugins.<name>]` key, for config plugins.
    pub name: Option<String>,
    pub path: PathBuf,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct PluginOptions {
    /// The scanned root (config plugin paths must resolve inside it).
    pub root: PathBuf,
    pub allow_external: bool,
    pub limits: Limits,
    /// The on-disk cache of compiled components (`None`: no disk cache).
    pub cache_dir: Option<PathBuf>,
    /// `[plugins.<name>]` tables: settings (all keys but `path`) by plugin name;
    /// the key `*` holds settings for a plugin that has no table of its own.
    pub settings: BTreeMap<String, toml::Table>,
    /// Read the rules' metadata only, without configuring the plugin
    /// (`rules`, `explain`, `plugins warm`: settings need not be valid there).
    pub metadata_only: bool,
}

impl Default for PluginOptions {
    fn default() -> Self {
        PluginOptions {
            root: PathBuf::from("."),
            allow_external: false,
            limits: Limits::default(),
            cache_dir: cache::default_dir(),
            settings: BTreeMap::new(),
            metadata_only: false,
        }
    }
}

/// What loading produced: rules to register, problems to report, and a line
/// per plugin for `plugins warm`.
#[derive(Default)]
pub struct Loaded {
    pub rules: Vec<&'static dyn Rule>,
    pub diagnostics: Vec<ToolDiagnostic>,
    pub plugins: Vec<LoadReport>,
}

#[derive(Debug, Clone)]
pub struct LoadReport {
    pub name: String,
    pub version: String,
    pub path: String,
    pub rules: Vec<&'static str>,
    pub source: cache::Source,
    pub sha256: String,
    pub compile: Duration,
    pub total: Duration,
}

/// A plugin whose rules are registered for this run.
pub(crate) struct LoadedPlugin {
    /// Unique per load: keys this plugin's per-thread instances.
    id: u64,
    pub name: &'static str,
    pre: PluginPre<HostState>,
    limits: Limits,
    settings_json: String,
    failures: AtomicU32,
    disabled: AtomicBool,
    /// Time spent in this plugin's calls in this scan, all threads together.
    spent_nanos: AtomicU64,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Reads `[plugins.<name>]` tables from a config file before the config is
/// parsed for real (plugin rules must be known to check rule keys). A file that
/// cannot be read or parsed gives nothing: `Config::load` reports it.
pub(crate) fn config_tables(path: &Path) -> BTreeMap<String, toml::Table> {
    let Ok(bytes) = read_regular_file(path, crate::config::MAX_CONFIG_SIZE) else {
        return BTreeMap::new();
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return BTreeMap::new();
    };
    let Ok(table) = toml::from_str::<toml::Table>(&text) else {
        return BTreeMap::new();
    };
    let mut out = BTreeMap::new();
    if let Some(toml::Value::Table(plugins)) = table.get("plugins") {
        for (name, value) in plugins {
            if let toml::Value::Table(t) = value {
                out.insert(name.clone(), t.clone());
            }
        }
    }
    out
}

/// The plugins named by `--plugin` flags and by config tables with a `path`
/// (relative to the config file's directory).
pub(crate) fn specs(
    cli_paths: &[PathBuf],
    config_path: Option<&Path>,
    tables: &BTreeMap<String, toml::Table>,
) -> Vec<PluginSpec> {
    let mut specs: Vec<PluginSpec> = cli_paths
        .iter()
        .map(|p| PluginSpec {
            name: None,
            path: p.clone(),
            origin: Origin::CommandLine,
        })
        .collect();
    let base = config_path
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    for (name, table) in tables {
        if let Some(path) = table.get("path").and_then(toml::Value::as_str) {
            specs.push(PluginSpec {
                name: Some(name.clone()),
                path: base.join(path),
                origin: Origin::Config,
            });
        }
    }
    specs
}

/// Loads every plugin; a plugin that cannot be loaded is left out with a
/// diagnostic saying why, and the others load.
pub fn load_all(specs: &[PluginSpec], opts: &PluginOptions) -> Loaded {
    let mut loaded = Loaded::default();
    let builtin = crate::registry::Registry::builtin();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut seen_paths = BTreeSet::new();
    for spec in specs {
        let canonical = spec
            .path
            .canonicalize()
            .unwrap_or_else(|_| spec.path.clone());
        if !seen_paths.insert(canonical) {
            continue;
        }
        match load_one(spec, opts, builtin, &mut taken) {
            Ok((plugin, report)) => {
                for meta in &report.metas {
                    let rule: &'static PluginRule = Box::leak(Box::new(PluginRule {
                        plugin: Arc::clone(&plugin),
                        meta,
                    }));
                    loaded.rules.push(rule);
                }
                loaded.plugins.push(report.summary);
            }
            Err(message) => loaded.diagnostics.push(root_diagnostic(&message)),
        }
    }
    loaded
}

/// The CLI's entry point: plugins from `--plugin` flags and from the config's
/// `[plugins.<name>]` tables. Without any, nothing is started (no engine).
pub(crate) fn load_from(
    cli_paths: &[PathBuf],
    timeout: Option<Duration>,
    budget: Option<Duration>,
    allow_external: bool,
    root: &Path,
    config_path: Option<&Path>,
    metadata_only: bool,
) -> Loaded {
    let tables = config_path.map(config_tables).unwrap_or_default();
    let specs = specs(cli_paths, config_path, &tables);
    if specs.is_empty() {
        return Loaded::default();
    }
    let opts = PluginOptions {
        root: root.to_path_buf(),
        allow_external,
        limits: Limits {
            timeout: timeout.unwrap_or(host::DEFAULT_TIMEOUT),
            budget: budget.unwrap_or(host::DEFAULT_BUDGET),
            ..Limits::default()
        },
        cache_dir: cache::default_dir(),
        settings: tables,
        metadata_only,
    };
    load_all(&specs, &opts)
}

struct OneReport {
    metas: Vec<&'static RuleMeta>,
    summary: LoadReport,
}

fn load_one(
    spec: &PluginSpec,
    opts: &PluginOptions,
    builtin: &crate::registry::Registry,
    taken: &mut BTreeSet<String>,
) -> Result<(Arc<LoadedPlugin>, OneReport), String> {
    let started = Instant::now();
    let shown = text::line(&spec.path.display().to_string(), 1024);
    let what = match &spec.name {
        Some(name) => format!("plugin {} ({shown})", text::line(name, 128)),
        None => format!("plugin {shown}"),
    };
    if spec.origin == Origin::Config && !opts.allow_external {
        check_inside_root(&spec.path, &opts.root).map_err(|e| format!("{what}: {e}"))?;
    }
    let bytes = read_plugin_file(&spec.path).map_err(|e| format!("cannot read {what}: {e}"))?;
    let engine = host::engine().map_err(|e| format!("{what}: {e}"))?;
    let compiled = cache::load(engine, &bytes, opts.cache_dir.as_deref())
        .map_err(|e| format!("cannot load {what}: {e}"))?;
    drop(bytes);
    check_api_version(engine, &compiled.component)
        .map_err(|e| format!("cannot load {what}: {e}"))?;
    let pre = host::pre_instantiate(&compiled.component)
        .map_err(|e| format!("cannot load {what}: {e}"))?;

    // Metadata and settings, in a throwaway instance; each call within the
    // per-call timeout, and their time counts against the budget.
    let settings_table = spec
        .name
        .as_ref()
        .and_then(|n| opts.settings.get(n))
        .cloned();
    let deadline = Deadline::Timeout(opts.limits.timeout);
    let calls_started = Instant::now();
    let mut store = host::new_store(&opts.limits).map_err(|e| format!("{what}: {e}"))?;
    let bindings = pre
        .instantiate(&mut store)
        .map_err(|e| format!("cannot instantiate {what}: {}", host::root_cause(&e)))?;
    let mut instance = host::Instance { store, bindings };
    let info = instance
        .call(&opts.limits, deadline, |store, b| {
            b.devops_lint_plugin_rules().call_describe(store)
        })
        .map_err(|e| format!("{what} failed to describe itself: {e}"))?;
    if let Some(name) = &spec.name {
        if *name != info.name {
            return Err(format!(
                "{what} calls itself `{}`; name its table [plugins.{}] in devops-lint.toml",
                info.name, info.name
            ));
        }
    }
    let what = format!("plugin {} ({shown})", info.name);
    let version = text::line(&info.version, text::MAX_VERSION);
    let metas = validate_info(&info, &version, &shown, builtin, taken)
        .map_err(|e| format!("{what}: {e}"))?;
    // `--plugin` plugins take their settings from a table of their name without `path`.
    let settings_table = settings_table
        .or_else(|| opts.settings.get(&info.name).cloned())
        .or_else(|| opts.settings.get("*").cloned());
    let settings_json = settings_json(settings_table.as_ref());
    let configured = if opts.metadata_only {
        Ok(Ok(()))
    } else {
        instance.call(&opts.limits, deadline, |store, b| {
            b.devops_lint_plugin_rules()
                .call_configure(store, &settings_json)
        })
    };
    match configured {
        Ok(Ok(())) => {}
        Ok(Err(message)) => {
            return Err(format!(
                "{what} rejected its settings in [plugins.{}]: {}",
                info.name,
                text::line(&message, text::MAX_MESSAGE)
            ))
        }
        Err(e) => return Err(format!("{what} failed to read its settings: {e}")),
    }
    let load_calls = calls_started.elapsed();
    for meta in &metas {
        taken.insert(meta.id.to_ascii_lowercase());
        taken.insert(meta.name.to_string());
    }
    let name: &'static str = Box::leak(info.name.clone().into_boxed_str());
    let plugin = Arc::new(LoadedPlugin {
        id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        name,
        pre,
        limits: opts.limits,
        settings_json,
        failures: AtomicU32::new(0),
        disabled: AtomicBool::new(false),
        spent_nanos: AtomicU64::new(nanos(load_calls)),
    });
    let summary = LoadReport {
        name: info.name.clone(),
        version,
        path: shown,
        rules: metas.iter().map(|m| m.id).collect(),
        source: compiled.source,
        sha256: compiled.sha256.clone(),
        compile: compiled.elapsed,
        total: started.elapsed(),
    };
    Ok((plugin, OneReport { metas, summary }))
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Reads a plugin file with care: it is opened without blocking (a FIFO must
/// not hang the load), must be a regular file of at most [`MAX_PLUGIN_FILE`]
/// bytes (checked on the opened file, before reading), and must start with a
/// component's header (checked before the rest is read).
pub(crate) fn read_plugin_file(path: &Path) -> Result<Vec<u8>, String> {
    let mut file = open_regular(path, MAX_PLUGIN_FILE)?;
    let mut header = [0u8; 8];
    file.read_exact(&mut header)
        .map_err(|_| "it is not a WebAssembly file (shorter than a header)".to_string())?;
    cache::check_header(&header)?;
    let mut bytes = header.to_vec();
    file.take(MAX_PLUGIN_FILE + 1 - 8)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_PLUGIN_FILE {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// A regular file's bytes, at most `max` of them (else an error).
fn read_regular_file(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    let file = open_regular(path, max)?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > max {
        return Err(format!("it grew past {max} bytes while being read"));
    }
    Ok(bytes)
}

fn too_large(len: u64) -> String {
    format!(
        "it is {} MiB; a plugin file may be at most {} MiB",
        len.div_ceil(1 << 20),
        MAX_PLUGIN_FILE >> 20
    )
}

/// Opens `path` for reading without blocking, and checks on the opened file
/// that it is a regular file of at most `max` bytes.
fn open_regular(path: &Path, max: u64) -> Result<std::fs::File, String> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // NOTE: opening a FIFO for reading blocks until a writer comes;
        // O_NONBLOCK makes it return at once (the type check below refuses it).
        options.custom_flags(libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    {
        let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
        if !meta.is_file() {
            return Err("it is not a regular file".into());
        }
    }
    let file = options.open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        let kind = if meta.is_dir() {
            "a directory"
        } else {
            file_kind_name(&meta)
        };
        return Err(format!("it is {kind}, not a regular file"));
    }
    if meta.len() > max {
        return Err(if max == MAX_PLUGIN_FILE {
            too_large(meta.len())
        } else {
            format!("it is over {max} bytes")
        });
    }
    Ok(file)
}

#[cfg(unix)]
fn file_kind_name(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn file_kind_name(_meta: &std::fs::Metadata) -> &'static str {
    "not a file"
}

fn settings_json(table: Option<&toml::Table>) -> String {
    let mut table = table.cloned().unwrap_or_default();
    table.remove("path");
    serde_json::to_string(&table).unwrap_or_else(|_| "{}".into())
}

fn check_inside_root(path: &Path, root: &Path) -> Result<(), String> {
    let root = root
        .canonicalize()
        .map_err(|e| format!("cannot resolve the scanned root: {e}"))?;
    let resolved = path
        .canonicalize()
        .map_err(|e| format!("cannot resolve {}: {e}", path.display()))?;
    if resolved.starts_with(&root) {
        Ok(())
    } else {
        Err(format!(
            "{} resolves to {}, outside the scanned root; a repository's config may only load \
             plugins from inside the repository (pass --allow-external-plugins to allow it, or \
             name the plugin with --plugin)",
            path.display(),
            resolved.display()
        ))
    }
}

/// Reads the API version from the component's exports and refuses an
/// incompatible one (same major; same minor while the major is 0).
pub(crate) fn check_api_version(
    engine: &wasmtime::Engine,
    component: &wasmtime::component::Component,
) -> Result<(), String> {
    let ty = component.component_type();
    let mut exports = Vec::new();
    let mut versions = Vec::new();
    for (name, _) in ty.exports(engine) {
        exports.push(name.to_string());
        if let Some(rest) = name.strip_prefix(abi::INTERFACE) {
            versions.push(rest.strip_prefix('@').unwrap_or("").to_string());
        }
    }
    let host = abi::api_version_string();
    let Some(version) = versions.first() else {
        return Err(format!(
            "it exports no `{}` interface (it exports: {}); is it a devops-lint plugin? \
             See docs/plugins.md",
            abi::INTERFACE,
            if exports.is_empty() {
                "nothing".to_string()
            } else {
                exports.join(", ")
            }
        ));
    };
    let parse = |v: &str| -> Option<(u64, u64)> {
        let core = v.split(['-', '+']).next()?;
        let mut parts = core.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        Some((major, minor))
    };
    let (host_major, host_minor, _) = abi::API_VERSION;
    let compatible = match parse(version) {
        Some((major, minor)) => major == host_major && (major > 0 || minor == host_minor),
        None => false,
    };
    if compatible {
        Ok(())
    } else {
        let supported = if host_major == 0 {
            format!("{host_major}.{host_minor}.x")
        } else {
            format!("{host_major}.x")
        };
        Err(format!(
            "it implements devops-lint:plugin@{version}, but this devops-lint ({}) implements \
             devops-lint:plugin@{host} and links only {supported}; rebuild the plugin against \
             wit/plugin.wit of this devops-lint version, or run a devops-lint release that \
             supports @{version}",
            env!("CARGO_PKG_VERSION")
        ))
    }
}

/// Bytes a plugin or rule name may have.
const MAX_NAME: usize = 64;

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_NAME
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn validate_info(
    info: &wit::PluginInfo,
    version: &str,
    path: &str,
    builtin: &crate::registry::Registry,
    taken: &BTreeSet<String>,
) -> Result<Vec<&'static RuleMeta>, String> {
    if !is_kebab(&info.name) {
        return Err(format!(
            "its name `{}` is not kebab-case (lowercase letters, digits and `-`, at most \
             {MAX_NAME} bytes)",
            info.name
        ));
    }
    if info.rules.is_empty() {
        return Err("it declares no rules".into());
    }
    if info.rules.len() > MAX_RULES {
        return Err(format!(
            "it declares {} rules (at most {MAX_RULES})",
            info.rules.len()
        ));
    }
    let mut metas = Vec::new();
    let mut own = BTreeSet::new();
    for rule in &info.rules {
        let id = &rule.id;
        let local = id.rsplit('/').next().unwrap_or(id);
        if let Some(meta) = builtin.find(id).or_else(|| builtin.find(local)) {
            return Err(format!(
                "rule `{id}` shadows the built-in rule {} ({}); plugin rules cannot replace \
                 built-in ones: use a namespaced id of your own, like `acme/TAG001`",
                meta.id, meta.name
            ));
        }
        let Some((namespace, local)) = id.split_once('/') else {
            return Err(format!(
                "rule id `{id}` has no namespace: plugin rules are named `namespace/ID` \
                 (e.g. `acme/TAG001`), so they can never shadow a built-in rule"
            ));
        };
        let id_ok = !namespace.is_empty()
            && !local.is_empty()
            && !local.contains('/')
            && id.len() <= 64
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/'));
        if !id_ok {
            return Err(format!(
                "rule id `{id}` is not `namespace/ID` of letters, digits, `-` and `_`"
            ));
        }
        if !is_kebab(&rule.name) {
            return Err(format!("rule {id}: name `{}` is not kebab-case", rule.name));
        }
        if let Some(meta) = builtin.find(&rule.name) {
            return Err(format!(
                "rule {id}: name `{}` shadows the built-in rule {}; pick another name",
                rule.name, meta.id
            ));
        }
        let key = id.to_ascii_lowercase();
        if taken.contains(&key) || taken.contains(&rule.name) {
            return Err(format!(
                "rule {id} ({}) is already declared by another plugin",
                rule.name
            ));
        }
        if !own.insert(key) || !own.insert(rule.name.clone()) {
            return Err(format!("rule {id} ({}) is declared twice", rule.name));
        }
        if rule.summary.trim().is_empty() {
            return Err(format!("rule {id} has an empty summary"));
        }
        let scope = match &rule.scope {
            wit::Scope::File(kinds) => Scope::File(leak_kinds(kinds)),
            wit::Scope::Repo => Scope::Repo,
            wit::Scope::RepoAndFile(kinds) => Scope::RepoAndFile(leak_kinds(kinds)),
        };
        if matches!(rule.scope, wit::Scope::File(ref k) | wit::Scope::RepoAndFile(ref k) if k.is_empty())
        {
            return Err(format!("rule {id} has a file scope with no file kinds"));
        }
        // NOTE: the one leading space per line matches the built-ins' `///` docs,
        // which `RuleMeta::docs_markdown` strips.
        let docs: String = text::block(&rule.docs, text::MAX_DOCS)
            .lines()
            .map(|l| format!(" {l}\n"))
            .collect();
        let meta = RuleMeta {
            id: leak(id),
            name: leak(&rule.name),
            pillar: convert::pillar(rule.pillar),
            stage: convert::stage(rule.stage),
            scope,
            severity: convert::severity(rule.severity),
            since: leak(version),
            summary: leak(&text::line(rule.summary.trim(), text::MAX_SUMMARY)),
            docs: leak(&docs),
            source_file: leak(path),
            struct_name: "",
            plugin: Some(leak(&info.name)),
            precision: crate::rule::Precision::High,
            fix: crate::rule::FixSafety::None,
            supersedes: &[],
            carries_secret: false,
        };
        metas.push(&*Box::leak(Box::new(meta)));
    }
    Ok(metas)
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

fn leak_kinds(kinds: &[wit::FileKind]) -> &'static [FileKind] {
    let mut out: Vec<FileKind> = kinds.iter().map(|k| convert::from_file_kind(*k)).collect();
    out.sort();
    out.dedup();
    Box::leak(out.into_boxed_slice())
}

/// A diagnostic about the plugin as a whole. Its message is made safe here
/// (secrets redacted, one line, control characters neutralised, capped): it
/// holds text from the plugin and from the repository's config.
fn root_diagnostic(message: &str) -> ToolDiagnostic {
    ToolDiagnostic {
        kind: "plugin-error",
        location: Location::root(),
        message: text::diagnostic(message),
        level: "error",
    }
}

impl LoadedPlugin {
    fn is_disabled(&self) -> bool {
        self.disabled.load(Ordering::Relaxed)
    }

    /// Disables the plugin for the rest of the run; the first caller says why.
    fn disable(&self, why: &str, diagnostics: &mut Vec<ToolDiagnostic>) {
        if !self.disabled.swap(true, Ordering::Relaxed) {
            diagnostics.push(root_diagnostic(&format!(
                "plugin {} disabled {why}: its rules did not run on the remaining files \
                 (every other rule did)",
                self.name
            )));
        }
    }

    /// Records a failure; the one that reaches [`MAX_FAILURES`] disables the plugin.
    fn fail(&self, location: Location, message: &str, diagnostics: &mut Vec<ToolDiagnostic>) {
        diagnostics.push(ToolDiagnostic {
            kind: "plugin-error",
            location,
            message: text::diagnostic(message),
            level: "error",
        });
        let failures = self.failures.fetch_add(1, Ordering::Relaxed) + 1;
        if failures >= MAX_FAILURES {
            self.disable(
                &format!("after {MAX_FAILURES} failures in this run"),
                diagnostics,
            );
        }
    }

    /// What is left of the plugin's time budget for this scan.
    fn budget_left(&self) -> Duration {
        let spent = Duration::from_nanos(self.spent_nanos.load(Ordering::Relaxed));
        self.limits.budget.saturating_sub(spent)
    }

    fn out_of_budget(&self, diagnostics: &mut Vec<ToolDiagnostic>) {
        self.disable(
            &format!(
                "in this run: it used up its time budget of {} (all its calls together; raise \
                 it with --plugin-budget)",
                host::format_duration(self.limits.budget)
            ),
            diagnostics,
        );
    }

    /// Calls the plugin on this thread's instance, within the per-call timeout
    /// and what is left of its budget; `None` when it is disabled.
    fn call<R>(
        &self,
        diagnostics: &mut Vec<ToolDiagnostic>,
        f: impl FnOnce(&mut wasmtime::Store<HostState>, &abi::Plugin) -> wasmtime::Result<R>,
    ) -> Option<Result<R, host::CallError>> {
        if self.is_disabled() {
            return None;
        }
        let left = self.budget_left();
        if left.is_zero() {
            self.out_of_budget(diagnostics);
            return None;
        }
        let deadline = Deadline::of(&self.limits, left);
        let started = Instant::now();
        let result = host::with_thread_instance(
            self.id,
            &self.pre,
            &self.limits,
            deadline,
            &self.settings_json,
            f,
        );
        self.spent_nanos
            .fetch_add(nanos(started.elapsed()), Ordering::Relaxed);
        if matches!(&result, Err(e) if e.out_of_budget) {
            self.out_of_budget(diagnostics);
        }
        Some(result)
    }
}

// ---------------------------------------------------------------------------
// The adapter: a plugin rule as a `Rule`

pub(crate) struct PluginRule {
    plugin: Arc<LoadedPlugin>,
    meta: &'static RuleMeta,
}

impl HasMeta for PluginRule {
    fn meta(&self) -> &'static RuleMeta {
        self.meta
    }
}

impl PluginRule {
    fn run_file(&self, cx: &mut Cx, parsed: wit::Parsed) {
        let plugin = &self.plugin;
        if plugin.is_disabled() {
            return;
        }
        let file = cx.file;
        let input = wit::FileInput {
            path: file.path.clone(),
            kind: convert::file_kind(file.kind),
            text: file.text.clone(),
            parsed,
        };
        let rules = [self.meta.id.to_string()];
        let Some(result) = plugin.call(cx.diagnostics(), |store, b| {
            b.devops_lint_plugin_rules()
                .call_check_file(store, &rules, &input)
        }) else {
            return;
        };
        let location = || Location::in_file(file, file.first_line_span());
        let failed = |reason: String| {
            format!(
                "plugin {} (rule {}) failed on {}: {reason}",
                plugin.name, self.meta.id, file.path
            )
        };
        match result {
            Ok(Ok(findings)) => {
                if let Err(problem) = self.report(cx, findings) {
                    plugin.fail(location(), &failed(problem), cx.diagnostics());
                }
            }
            Ok(Err(message)) => plugin.fail(
                location(),
                &failed(format!(
                    "it returned an error: {}",
                    text::line(&message, text::MAX_MESSAGE)
                )),
                cx.diagnostics(),
            ),
            Err(e) => plugin.fail(location(), &failed(e.to_string()), cx.diagnostics()),
        }
    }

    /// Reports the valid findings; says what was wrong with the others.
    fn report(&self, cx: &mut Cx, findings: Vec<wit::Finding>) -> Result<(), String> {
        if findings.len() > MAX_FINDINGS {
            return Err(format!(
                "malformed output: {} findings for one file (at most {MAX_FINDINGS}); none kept",
                findings.len()
            ));
        }
        let text = &cx.file.text;
        let valid = |s: &wit::Span| {
            s.start <= s.end
                && (s.end as usize) <= text.len()
                && text.is_char_boundary(s.start as usize)
                && text.is_char_boundary(s.end as usize)
        };
        let mut problems = Vec::new();
        for finding in findings {
            if finding.rule != self.meta.id {
                problems.push(format!(
                    "a finding for rule `{}`, which it was not asked to run",
                    text::line(&finding.rule, 80)
                ));
                continue;
            }
            if !valid(&finding.span) {
                problems.push(format!(
                    "a finding with span {}..{} outside the file ({} bytes) or inside a character",
                    finding.span.start,
                    finding.span.end,
                    text.len()
                ));
                continue;
            }
            let span = crate::source::Span {
                start: finding.span.start,
                end: finding.span.end,
            };
            let mut builder = cx.finding(span);
            if let Some(message) = finding.message {
                builder = builder.message(text::line(&message, text::MAX_MESSAGE));
            }
            if let Some(help) = finding.help {
                builder = builder.help(text::line(&help, text::MAX_MESSAGE));
            }
            if let Some(severity) = finding.severity {
                builder = builder.severity(convert::severity(severity));
            }
            for label in finding.labels.iter().take(MAX_LABELS) {
                if valid(&label.span) {
                    let span = crate::source::Span {
                        start: label.span.start,
                        end: label.span.end,
                    };
                    builder = builder.label(span, text::line(&label.message, text::MAX_MESSAGE));
                }
            }
            cx.report(builder);
        }
        match problems.len() {
            0 => Ok(()),
            n => Err(format!(
                "malformed output: {}{}; those findings were dropped",
                problems[0],
                if n > 1 {
                    format!(" (and {} more)", n - 1)
                } else {
                    String::new()
                }
            )),
        }
    }
}

impl Rule for PluginRule {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        self.run_file(cx, wit::Parsed::Terraform(convert::terraform(tf)));
    }

    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Cx) {
        let parsed = wit::Parsed::Dockerfile(convert::dockerfile(df, &cx.file.text));
        self.run_file(cx, parsed);
    }

    fn check_yaml(&self, docs: &[YamlDocument], cx: &mut Cx) {
        let parsed = wit::Parsed::Yaml(convert::yaml(docs, &cx.file.text));
        self.run_file(cx, parsed);
    }

    fn check_text(&self, cx: &mut Cx) {
        // NOTE: after a structured hook of the same file the plugin already ran.
        if cx.model_given() {
            return;
        }
        self.run_file(cx, wit::Parsed::None);
    }

    fn check_repo(&self, facts: &RepoFacts, cx: &mut RepoCx) -> Outcome {
        let plugin = &self.plugin;
        let disabled = || Outcome::Inconclusive(format!("plugin {} is disabled", plugin.name));
        if plugin.is_disabled() {
            return disabled();
        }
        let facts = serde_json::to_string(facts).unwrap_or_else(|_| "{}".into());
        let rule = self.meta.id;
        let Some(result) = plugin.call(cx.diagnostics(), |store, b| {
            b.devops_lint_plugin_rules()
                .call_check_repo(store, rule, &facts)
        }) else {
            return disabled();
        };
        let failed = |reason: String, cx: &mut RepoCx| {
            plugin.fail(
                Location::root(),
                &format!(
                    "plugin {} (rule {rule}) failed on the repository: {reason}",
                    plugin.name
                ),
                cx.diagnostics(),
            );
            Outcome::Inconclusive(format!("plugin {} failed", plugin.name))
        };
        let report = match result {
            Ok(Ok(report)) => report,
            Ok(Err(message)) => {
                return failed(
                    format!(
                        "it returned an error: {}",
                        text::line(&message, text::MAX_MESSAGE)
                    ),
                    cx,
                )
            }
            Err(e) => return failed(e.to_string(), cx),
        };
        if report.findings.len() > MAX_FINDINGS {
            return failed(
                format!(
                    "malformed output: {} findings (at most {MAX_FINDINGS}); none kept",
                    report.findings.len()
                ),
                cx,
            );
        }
        for finding in report.findings {
            let message = text::line(&finding.message, text::MAX_MESSAGE);
            match finding.path {
                Some(path) if is_relative_path(&path) => {
                    let at = LineCol {
                        line: finding.line.unwrap_or(1).max(1),
                        column: 1,
                    };
                    let location = Location {
                        path,
                        span: crate::source::Span::default(),
                        start: at,
                        end: at,
                    };
                    cx.report_at(&location, message);
                }
                Some(path) => {
                    return failed(
                        format!(
                            "malformed output: path `{}` is not relative to the root",
                            text::line(&path, 200)
                        ),
                        cx,
                    )
                }
                None => cx.report_root(message),
            }
        }
        match report.outcome {
            wit::Outcome::Pass => Outcome::Pass,
            wit::Outcome::Fail => Outcome::Fail,
            wit::Outcome::NotApplicable => Outcome::NotApplicable,
            wit::Outcome::Inconclusive(reason) => {
                Outcome::Inconclusive(text::line(&reason, text::MAX_MESSAGE))
            }
        }
    }
}

/// A repo finding's path: relative, `/`-separated, no `..`, and nothing a
/// terminal would act on.
fn is_relative_path(path: &str) -> bool {
    !path.is_empty()
        && path.len() <= 4096
        && text::line(path, 4096) == path
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.split('/').any(|seg| seg == ".." || seg.is_empty())
}

/// Parses `--plugin-timeout`: `2s`, `500ms`, or seconds (`1.5`).
pub(crate) fn parse_timeout(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (number, scale) = if let Some(ms) = s.strip_suffix("ms") {
        (ms, 0.001)
    } else if let Some(secs) = s.strip_suffix('s') {
        (secs, 1.0)
    } else {
        (s, 1.0)
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (use 2s, 500ms or 1.5)"))?;
    if !(value.is_finite() && value > 0.0 && value * scale <= 3600.0) {
        return Err(format!(
            "`{s}` is out of range (more than 0, at most an hour)"
        ));
    }
    Ok(Duration::from_secs_f64(value * scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_parse() {
        assert_eq!(parse_timeout("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_timeout("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_timeout("1.5"), Ok(Duration::from_millis(1500)));
        assert!(parse_timeout("soon").is_err());
        assert!(parse_timeout("0").is_err());
    }

    #[test]
    fn settings_drop_the_path() {
        let table: toml::Table =
            toml::from_str("path = \"x.wasm\"\nrequired_tags = [\"Owner\"]\n").expect("toml");
        assert_eq!(
            settings_json(Some(&table)),
            r#"{"required_tags":["Owner"]}"#
        );
        assert_eq!(settings_json(None), "{}");
    }

    #[test]
    fn repo_paths_must_be_relative_short_and_plain() {
        assert!(is_relative_path("infra/main.tf"));
        assert!(!is_relative_path("/etc/passwd"));
        assert!(!is_relative_path("../x"));
        assert!(!is_relative_path(""));
        assert!(!is_relative_path("a\u{1b}[2J.tf"));
        assert!(!is_relative_path("a\nb.tf"));
        assert!(is_relative_path(&"a".repeat(4096)));
        assert!(!is_relative_path(&"a".repeat(4097)));
    }

    #[test]
    fn names_are_kebab_case_and_short() {
        assert!(is_kebab("required-tags"));
        assert!(is_kebab(&"a".repeat(MAX_NAME)));
        assert!(!is_kebab(&"a".repeat(MAX_NAME + 1)));
        assert!(!is_kebab("x\u{1b}[31m"));
    }

    #[test]
    fn config_specs_resolve_next_to_the_config() {
        let mut tables = BTreeMap::new();
        let table: toml::Table = toml::from_str("path = \"p/x.wasm\"").expect("toml");
        tables.insert("acme".to_string(), table);
        tables.insert("settings-only".to_string(), toml::Table::new());
        let specs = specs(
            &[PathBuf::from("cli.wasm")],
            Some(Path::new("repo/devops-lint.toml")),
            &tables,
        );
        assert_eq!(specs.len(), 2);
        assert_eq!(specs[0].origin, Origin::CommandLine);
        assert_eq!(specs[1].path, PathBuf::from("repo/p/x.wasm"));
        assert_eq!(specs[1].name.as_deref(), Some("acme"));
    }
}
