//! Command-line arguments and the commands they run. Exit codes: 0 clean,
//! 1 findings at or above `--fail-on`, 2 usage or config errors.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::baseline::Baseline;
use crate::config::{Config, CONFIG_FILE_NAME};
use crate::discover::changed::ChangedSince;
use crate::engine::{self, ScanOptions};
use crate::registry::Registry;
use crate::report::{self, Format, RenderOptions, Sanitizer};
use crate::rule::{Severity, Stage};

pub(crate) const EXIT_CLEAN: i32 = 0;
pub(crate) const EXIT_FINDINGS: i32 = 1;
pub(crate) const EXIT_USAGE: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "devops-lint",
    version,
    about = "Audits a repository's DevOps readiness: Terraform, Dockerfiles, CI configs and secrets",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub scan: ScanArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// List every rule (id, name, pillar, stage, severity, scope, fix).
    Rules {
        #[command(flatten)]
        plugins: PluginArgs,
        /// Config whose `[plugins.<name>]` tables to load [default: ./devops-lint.toml].
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Print a rule's documentation (by ID or name).
    Explain {
        rule: String,
        #[command(flatten)]
        plugins: PluginArgs,
        /// Config whose `[plugins.<name>]` tables to load [default: ./devops-lint.toml].
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Plugin tools: precompile plugins, run a plugin's fixtures.
    Plugins {
        #[command(subcommand)]
        command: PluginsCommand,
    },
    /// Write a commented devops-lint.toml for the stage the repo aims for (and, if asked, a baseline).
    Init(InitArgs),
    /// Print the repo-wide inventory the repo rules read (manifests, Terraform, CI, containers, ...).
    Facts {
        /// The directory to inventory [default: .].
        path: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: FactsFormat,
        /// Config file [default: <root>/devops-lint.toml if present] (for `exclude`).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Regenerate docs/rules/ from the rules' metadata.
    Docs {
        /// Write the pages (otherwise check that they are fresh).
        #[arg(long)]
        write: bool,
        /// The repository root holding docs/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum PluginsCommand {
    /// Compile plugins into the cache (for CI images): these paths, `--plugin` and the config's.
    Warm {
        paths: Vec<PathBuf>,
        #[command(flatten)]
        plugins: PluginArgs,
        /// Config whose `[plugins.<name>]` tables to load [default: ./devops-lint.toml].
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Run a plugin on its fixtures: `fail/` and `pass/` cases with `expect:` markers.
    Test {
        /// The plugin (a .wasm component).
        plugin: PathBuf,
        /// The fixtures directory (with fail/, pass/ and an optional settings.toml).
        fixtures: PathBuf,
    },
}

/// Plugins (WebAssembly components; see docs/plugins.md).
#[derive(Args, Debug, Default, Clone)]
pub struct PluginArgs {
    /// Load a plugin (a WebAssembly component); repeatable.
    #[arg(long = "plugin", value_name = "PATH")]
    pub plugins: Vec<PathBuf>,
    /// Time a plugin may spend on one file, e.g. 2s or 500ms [default: 2s].
    #[arg(long, value_name = "DURATION", value_parser = crate::plugin::parse_timeout)]
    pub plugin_timeout: Option<std::time::Duration>,
    /// Time a plugin may spend in the whole scan (all its calls together)
    /// before it is disabled, e.g. 30s [default: 30s].
    #[arg(long, value_name = "DURATION", value_parser = crate::plugin::parse_timeout)]
    pub plugin_budget: Option<std::time::Duration>,
    /// Let the scanned repository's config load plugins from outside the repository.
    #[arg(long)]
    pub allow_external_plugins: bool,
}

impl PluginArgs {
    /// Loads the plugins these arguments and the config name. A config named with
    /// `--config` (`user_config`) is the user's own and may load plugins from outside
    /// the root; only the repository's own devops-lint.toml is untrusted.
    pub(crate) fn load(
        &self,
        root: &std::path::Path,
        config_path: Option<&std::path::Path>,
        user_config: bool,
        metadata_only: bool,
    ) -> crate::plugin::Loaded {
        crate::plugin::load_from(
            &self.plugins,
            self.plugin_timeout,
            self.plugin_budget,
            self.allow_external_plugins || user_config,
            root,
            config_path,
            metadata_only,
        )
    }

    /// Built-ins plus these plugins' rules, for `rules` and `explain`; load
    /// problems go to stderr.
    fn registry(&self, config: Option<PathBuf>) -> Registry {
        let user_config = config.is_some();
        let config = config.or_else(|| {
            let candidate = PathBuf::from(CONFIG_FILE_NAME);
            candidate.is_file().then_some(candidate)
        });
        let loaded = self.load(
            std::path::Path::new("."),
            config.as_deref(),
            user_config,
            true,
        );
        for d in &loaded.diagnostics {
            eprintln!("warning: {}", Sanitizer::plain().text(&d.message));
        }
        Registry::with_extra(loaded.rules)
    }
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// The repository root to write devops-lint.toml into.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The stage the repo aims for.
    #[arg(long, value_enum, default_value = "seed")]
    pub stage: StageArg,
    /// Also record today's findings in a baseline (FILE relative to DIR) and point the config at it.
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = crate::baseline::DEFAULT_BASELINE_FILE)]
    pub baseline: Option<PathBuf>,
    /// Overwrite an existing devops-lint.toml.
    #[arg(long)]
    pub force: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FactsFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Note => Some(Severity::Note),
            FailOn::Never => None,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum SarifSuppressed {
    #[default]
    Exclude,
    Include,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StageArg {
    Seed,
    Growth,
    Scale,
}

impl From<StageArg> for Stage {
    fn from(s: StageArg) -> Stage {
        match s {
            StageArg::Seed => Stage::Seed,
            StageArg::Growth => Stage::Growth,
            StageArg::Scale => Stage::Scale,
        }
    }
}

#[derive(Args, Debug, Default)]
pub struct ScanArgs {
    /// A directory to scan (default: .), or files to check (file-list mode, as pre-commit calls it).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding is at or above this severity [default: error].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// The stage the repo aims for; rules of later stages do not run [default: seed].
    #[arg(long, value_enum)]
    pub stage: Option<StageArg>,
    /// Config file [default: <root>/devops-lint.toml if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Only these rules (IDs, names or pillar prefixes such as SEC), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these rules (IDs, names or pillar prefixes), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Worker threads [default: number of CPUs].
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// No colours in human output.
    #[arg(long)]
    pub no_color: bool,
    /// Only findings: no summary, no tool warnings.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Show every finding, ignoring inline, config and baseline suppressions (for audits).
    #[arg(long)]
    pub no_ignores: bool,
    /// Run repo rules even in file-list mode.
    #[arg(long)]
    pub repo_rules: bool,
    /// Skip files larger than this many bytes [default: 2 MiB].
    #[arg(long)]
    pub max_file_size: Option<u64>,
    /// SARIF `automationDetails.id` (a category for code scanning).
    #[arg(long)]
    pub sarif_category: Option<String>,
    /// SARIF `originalUriBaseIds` `%SRCROOT%` URI (file:///abs/path/ or an absolute path); none by default.
    #[arg(long, value_name = "URI")]
    pub sarif_srcroot: Option<String>,
    /// Suppressed findings in SARIF: `exclude` leaves them out (GitHub code scanning
    /// ignores `suppressions` and would open them as alerts); `include` keeps them
    /// with `suppressions[]` for consumers that honour it.
    #[arg(long, value_enum, default_value = "exclude")]
    pub sarif_suppressed: SarifSuppressed,
    /// Report only findings not recorded in this baseline [default: `baseline` in config].
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in FILE (a baseline) and exit 0 without a report.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
    /// Show the time taken in the human summary.
    #[arg(long)]
    pub timing: bool,
    /// Report only findings in files that differ from this git revision (a branch, tag or
    /// commit: PR mode). Repo rules still judge the whole tree in the readiness card.
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
    /// Apply the safe fixes of the findings to the files, then report what is left.
    #[arg(long)]
    pub fix: bool,
    /// With --fix or --diff: apply the unsafe fixes too (they change what gets deployed; see `explain`).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of a report, and write nothing
    /// (exit 1 when there is something to fix).
    #[arg(long, conflicts_with = "write_baseline")]
    pub diff: bool,
    #[command(flatten)]
    pub plugins: PluginArgs,
}

/// Parses arguments, runs, returns the exit code.
pub fn main() -> i32 {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("{}", panic_report(info));
    }));
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => match subcommand_after_options(cli, &args) {
            Ok(cli) => cli,
            Err(message) => {
                eprintln!("error: {message}");
                return EXIT_USAGE;
            }
        },
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_CLEAN
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("{err:?}");
            EXIT_USAGE
        }
    }
}

/// `devops-lint --plugin X rules`: clap takes `rules` for a path to scan, because an
/// option came first. A first path named like a subcommand is the subcommand: the
/// arguments are parsed again with it in front, and when its options are not the
/// subcommand's, the error says so. (To scan a directory called `rules`: `./rules`.)
fn subcommand_after_options(cli: Cli, args: &[std::ffi::OsString]) -> Result<Cli, String> {
    use clap::CommandFactory;
    let Some(first) = cli.scan.paths.first().and_then(|p| p.to_str()) else {
        return Ok(cli);
    };
    if cli.command.is_some()
        || !Cli::command()
            .get_subcommands()
            .any(|c| c.get_name() == first)
    {
        return Ok(cli);
    }
    let name = first.to_string();
    let mut last_error = None;
    for (i, arg) in args.iter().enumerate().skip(1) {
        if arg.to_str() != Some(name.as_str()) {
            continue;
        }
        let mut moved = args.to_vec();
        let sub = moved.remove(i);
        moved.insert(1, sub);
        match Cli::try_parse_from(&moved) {
            Ok(reparsed) if reparsed.command.is_some() => return Ok(reparsed),
            Ok(_) => {}
            Err(err) => last_error = Some(err.kind()),
        }
    }
    let why = match last_error {
        Some(clap::error::ErrorKind::UnknownArgument) => {
            "an option before it is not one of its own".to_string()
        }
        _ => "the arguments around it do not fit it".to_string(),
    };
    Err(format!(
        "`{name}` is a subcommand, but {why}: see `devops-lint {name} --help` \
         (to scan a directory called `{name}`, write `./{name}`)"
    ))
}

/// What a panic prints: its message with any secret masked (a panic message can
/// quote the text being scanned, e.g. a failed string slice), and where it happened.
/// Rule panics are caught by the engine and reported as `rule-error` as well.
pub fn panic_report(info: &std::panic::PanicHookInfo<'_>) -> String {
    let payload = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_default();
    let location = info
        .location()
        .map(|l| format!("{}:{}", l.file(), l.line()))
        .unwrap_or_default();
    format!(
        "devops-lint: internal error at {location}: {}",
        crate::report::hide_secrets(&payload, payload.clone())
    )
}

pub(crate) fn run(cli: Cli) -> miette::Result<i32> {
    let registry = Registry::builtin();
    match cli.command {
        Some(Command::Rules { plugins, config }) => {
            let registry = &plugins.registry(config);
            let mut out = String::new();
            out.push_str(
                "ID      NAME                             PILLAR STAGE  SEVERITY SCOPE     FIX\n",
            );
            for m in registry.metas() {
                out.push_str(&format!(
                    "{:<7} {:<32} {:<6} {:<6} {:<8} {:<9} {}\n",
                    m.id,
                    m.name,
                    m.pillar.code(),
                    m.stage.as_str(),
                    m.severity.as_str(),
                    m.scope.as_str(),
                    m.fix.as_str()
                ));
            }
            print!("{out}");
            Ok(EXIT_CLEAN)
        }
        Some(Command::Explain {
            rule,
            plugins,
            config,
        }) => match plugins.registry(config).find(&rule) {
            Some(meta) => {
                // A plugin's docs are the plugin's text: sanitised like any output.
                print!("{}", Sanitizer::plain().text(&crate::docs::rule_page(meta)));
                Ok(EXIT_CLEAN)
            }
            None => {
                eprintln!(
                    "error: unknown rule `{}` (see `devops-lint rules`)",
                    Sanitizer::plain().line(&rule)
                );
                Ok(EXIT_USAGE)
            }
        },
        Some(Command::Docs { write, root }) => {
            let metas: Vec<_> = registry.metas().collect();
            if write {
                let n = crate::docs::write_all(&root, &metas)
                    .map_err(|e| miette::miette!("cannot write docs: {e}"))?;
                println!(
                    "wrote {n} files under {}",
                    root.join(crate::docs::RULES_DIR).display()
                );
                return Ok(EXIT_CLEAN);
            }
            let mut stale = Vec::new();
            for (rel, contents) in crate::docs::generated_files(&metas) {
                if std::fs::read_to_string(root.join(&rel)).ok().as_deref() != Some(&contents) {
                    stale.push(rel);
                }
            }
            if stale.is_empty() {
                println!("docs/rules/ is up to date");
                Ok(EXIT_CLEAN)
            } else {
                eprintln!(
                    "stale: {}\nrun `cargo run -- docs --write`",
                    stale.join(", ")
                );
                Ok(EXIT_FINDINGS)
            }
        }
        Some(Command::Init(args)) => init_command(args, registry),
        Some(Command::Facts {
            path,
            format,
            config,
        }) => facts_command(path, format, config, registry),
        Some(Command::Plugins { command }) => plugins_command(command),
        None => scan_command(cli.scan, registry),
    }
}

fn facts_command(
    path: Option<PathBuf>,
    format: FactsFormat,
    config: Option<PathBuf>,
    registry: &Registry,
) -> miette::Result<i32> {
    let root = path.unwrap_or_else(|| PathBuf::from("."));
    if !root.is_dir() {
        eprintln!("error: {} is not a directory", root.display());
        return Ok(EXIT_USAGE);
    }
    let Some(config_path) = config_path(config, &root) else {
        return Ok(EXIT_USAGE);
    };
    let Some(config) = load_config(config_path.as_deref(), registry) else {
        return Ok(EXIT_USAGE);
    };
    let opts = whole_repo_scan(root, Stage::Seed, &config);
    // No rule runs: only the inventory is gathered.
    let selection = engine::Selection {
        active: Vec::new(),
        evaluated: Vec::new(),
        all: registry,
    };
    let result = engine::scan(&opts, &config, &selection);
    let text = match format {
        FactsFormat::Human => crate::report::facts::human(&result.facts),
        FactsFormat::Json => crate::report::facts::json(&result.facts),
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    Ok(EXIT_CLEAN)
}

/// The config file to use: `explicit` (`--config`), else the one found in `root`.
/// `None` (after saying why) when looking for it fails.
fn config_path(explicit: Option<PathBuf>, root: &Path) -> Option<Option<PathBuf>> {
    match explicit {
        Some(path) => Some(Some(path)),
        None => match crate::config::find_in_root(root) {
            Ok(found) => Some(found),
            Err(err) => {
                eprintln!("error: {}", Sanitizer::plain().text(&err.to_string()));
                None
            }
        },
    }
}

/// The config at `path` (the default without one); `None` (after reporting why) when it
/// does not load.
fn load_config(path: Option<&Path>, registry: &Registry) -> Option<Config> {
    let Some(path) = path else {
        return Some(Config::default());
    };
    let lookup = |key: &str| registry.find(key);
    match Config::load(path, &lookup) {
        Ok(config) => Some(config),
        Err(err) => {
            eprintln!("{:?}", miette::Report::new(err));
            None
        }
    }
}

/// One job per core.
fn default_jobs() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// `--max-file-size`, else the config's (capped), else the default.
fn max_file_size(flag: Option<u64>, config: &Config) -> u64 {
    flag.or(config
        .max_file_size
        .map(|n| n.min(crate::config::MAX_FILE_SIZE_CAP)))
        .unwrap_or(crate::discover::DEFAULT_MAX_FILE_SIZE)
}

/// A scan of the whole repo at `root` with the config's settings and no command-line
/// selection (what `facts` and `init --baseline` run).
fn whole_repo_scan(root: PathBuf, stage: Stage, config: &Config) -> ScanOptions {
    ScanOptions {
        root,
        paths: None,
        stage,
        select: Vec::new(),
        ignore: Vec::new(),
        jobs: default_jobs(),
        no_ignores: false,
        repo_rules: true,
        max_file_size: max_file_size(None, config),
        // Neither the inventory nor a baseline quotes a file.
        keep_texts: false,
    }
}

/// Why a path named on the command line cannot be scanned, if so: it does not exist,
/// or it is a directory that cannot be listed. A typo in a CI step must fail, not scan
/// nothing. Files are not opened here (a FIFO would block); discovery reports an
/// unreadable file, a symlink or a FIFO as skipped.
fn unreadable(path: &Path) -> Option<String> {
    let shown = Sanitizer::plain().line(&path.display().to_string());
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Some(format!("{shown}: no such file or directory"));
        }
        Err(e) => return Some(format!("cannot read {shown}: {e}")),
    };
    if !meta.is_dir() {
        return None;
    }
    std::fs::read_dir(path)
        .err()
        .map(|e| format!("cannot read {shown}: {e}"))
}

fn scan_command(args: ScanArgs, registry: &Registry) -> miette::Result<i32> {
    for path in &args.paths {
        if let Some(problem) = unreadable(path) {
            eprintln!("error: {problem}");
            return Ok(EXIT_USAGE);
        }
    }
    let (root, paths) = engine::root_and_paths(&args.paths);
    if paths.is_none() && !root.is_dir() {
        eprintln!(
            "error: {} is not a directory or file",
            Sanitizer::plain().line(&root.display().to_string())
        );
        return Ok(EXIT_USAGE);
    }
    if paths.is_none() {
        if let Some(problem) = unreadable(&root) {
            eprintln!("error: {problem}");
            return Ok(EXIT_USAGE);
        }
    }
    let Some(config_path) = config_path(args.config.clone(), &root) else {
        return Ok(EXIT_USAGE);
    };
    let plugins = args
        .plugins
        .load(&root, config_path.as_deref(), args.config.is_some(), false);
    let with_plugins = Registry::with_extra(plugins.rules);
    let registry = if with_plugins.rules().len() > registry.rules().len() {
        &with_plugins
    } else {
        registry
    };
    let Some(config) = load_config(config_path.as_deref(), registry) else {
        // A plugin that failed to load is why its rule is unknown: say so too.
        for d in &plugins.diagnostics {
            eprintln!("error: {}", Sanitizer::plain().text(&d.message));
        }
        return Ok(EXIT_USAGE);
    };

    let stage = args
        .stage
        .map(Stage::from)
        .or(config.stage)
        .unwrap_or(Stage::Seed);
    let fail_on = args.fail_on.unwrap_or(match config.fail_on.as_deref() {
        Some("warning") => FailOn::Warning,
        Some("note") => FailOn::Note,
        Some("never") => FailOn::Never,
        _ => FailOn::Error,
    });
    let jobs = args.jobs.unwrap_or_else(default_jobs);
    let file_list = paths.is_some();
    let opts = ScanOptions {
        root,
        paths,
        stage,
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        jobs,
        no_ignores: args.no_ignores,
        repo_rules: !file_list || args.repo_rules,
        max_file_size: max_file_size(args.max_file_size, &config),
        // Snippets (human, SARIF) and fixes need the texts; the other formats do not.
        keep_texts: args.fix
            || args.diff
            || matches!(
                args.format.unwrap_or(Format::Human),
                Format::Human | Format::Sarif
            ),
    };
    let selection = match engine::select(registry, &config, &opts) {
        Ok(s) => s,
        Err(err) => {
            // A plugin that failed to load is why its rule is unknown: say so first.
            for d in &plugins.diagnostics {
                eprintln!("error: {}", Sanitizer::plain().text(&d.message));
            }
            eprintln!("error: {}", Sanitizer::plain().text(&err.to_string()));
            return Ok(EXIT_USAGE);
        }
    };
    // The baseline is read before the scan, so that a missing one fails fast.
    let baseline = match (&args.write_baseline, args.no_ignores) {
        (None, false) => {
            let from_config = config.baseline.as_ref().map(|b| {
                let dir = config_path
                    .as_deref()
                    .and_then(Path::parent)
                    .unwrap_or(Path::new(""));
                (dir.join(b), b.clone())
            });
            // The repo's own config names a baseline inside the repo, never elsewhere.
            if let (Some((path, _)), None) = (&from_config, &args.config) {
                if let Err(err) = crate::config::confined(&opts.root, path) {
                    eprintln!(
                        "error: the baseline in {CONFIG_FILE_NAME}: {}",
                        Sanitizer::plain().text(&err.to_string())
                    );
                    return Ok(EXIT_USAGE);
                }
            }
            let chosen = args
                .baseline
                .clone()
                .map(|p| (p.clone(), p.display().to_string()))
                .or(from_config);
            match chosen {
                Some((path, name)) => match Baseline::load(&path) {
                    Ok(baseline) => Some((baseline, name)),
                    Err(err) => {
                        eprintln!("error: {}", Sanitizer::plain().text(&err.to_string()));
                        return Ok(EXIT_USAGE);
                    }
                },
                None => None,
            }
        }
        _ => None,
    };
    let sarif_srcroot = match args.sarif_srcroot.as_deref().map(srcroot_uri).transpose() {
        Ok(uri) => uri,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(EXIT_USAGE);
        }
    };

    if args.unsafe_fixes && !args.fix && !args.diff {
        eprintln!("error: --unsafe-fixes goes with --fix or --diff");
        return Ok(EXIT_USAGE);
    }
    if args.fix && args.write_baseline.is_some() {
        eprintln!("error: --fix and --write-baseline do not go together: fix first, then record the baseline");
        return Ok(EXIT_USAGE);
    }
    if args.write_baseline.is_some() && file_list {
        eprintln!(
            "error: --write-baseline needs a directory scan: a baseline covers the whole repo"
        );
        return Ok(EXIT_USAGE);
    }
    // Resolved before the scan, so that a wrong ref fails fast.
    let changed_since = match args.changed_since.as_deref() {
        Some(rev) => match ChangedSince::open(&opts.root, rev) {
            Ok(changed) => Some(changed),
            Err(err) => {
                eprintln!("error: {err}");
                return Ok(EXIT_USAGE);
            }
        },
        None => None,
    };
    let mut result = engine::scan(&opts, &config, &selection);
    // NOTE: the inventory served the repo rules (done); no report reads it: free it
    // before rendering (SARIF at 20k files: 309 MB peak RSS before, 238 MB after).
    drop(std::mem::take(&mut result.facts));

    if let Some(path) = &args.write_baseline {
        let baseline = Baseline::from_findings(&result.findings);
        if let Err(err) = baseline.write(path) {
            eprintln!("error: {}", Sanitizer::plain().text(&err.to_string()));
            return Ok(EXIT_USAGE);
        }
        if !args.quiet {
            eprintln!(
                "wrote {} findings to the baseline {}",
                baseline.findings.len(),
                path.display()
            );
        }
        return Ok(EXIT_CLEAN);
    }
    if let Some((baseline, name)) = &baseline {
        let applied = baseline.apply(&mut result.findings, name);
        // In file-list mode the other files' entries cannot match: no note.
        if applied.unmatched > 0 && !file_list && !args.quiet {
            eprintln!(
                "note: {} entries of the baseline {name} match no finding any more (fixed?); \
                 `devops-lint --write-baseline {name}` drops them",
                applied.unmatched
            );
        }
    }

    if let Some(changed) = &changed_since {
        keep_changed(&mut result, changed);
    }

    let mut fixed = None;
    if args.fix || args.diff {
        let mode = crate::fix::FixMode {
            unsafe_fixes: args.unsafe_fixes,
            write: !args.diff,
        };
        let outcome = crate::fix::run(&result, &opts, &config, &selection, mode);
        // Files the scan did not read cannot be fixed: say so, not only in the summary
        // (for the kinds a selected rule could fix).
        let fixable_kind = |path: &str| {
            let kind = crate::discover::classify(path, "");
            selection.active.iter().any(|(rule, _)| {
                let meta = rule.meta();
                meta.fix != crate::rule::FixSafety::None && meta.scope.file_kinds().contains(&kind)
            })
        };
        for skipped in result
            .skipped
            .iter()
            .filter(|s| s.reason == crate::discover::SkipReason::TooLarge && fixable_kind(&s.path))
        {
            eprintln!(
                "warning: {}: not fixed: over the size limit ({}); raise --max-file-size to fix it",
                Sanitizer::plain().line(&skipped.path),
                Sanitizer::plain().line(&skipped.detail)
            );
        }
        for problem in &outcome.problems {
            eprintln!("warning: {}", Sanitizer::plain().line(problem));
        }
        if args.diff {
            return Ok(print_diff(&args, &outcome, &Sanitizer::for_result(&result)));
        }
        if outcome.fixed > 0 {
            // The report is of what is left: scan the fixed tree again.
            result = engine::scan(&opts, &config, &selection);
            drop(std::mem::take(&mut result.facts));
            if let Some((baseline, name)) = &baseline {
                baseline.apply(&mut result.findings, name);
            }
            if let Some(changed) = &changed_since {
                keep_changed(&mut result, changed);
            }
        }
        fixed = Some(outcome.fixed);
    }
    result.diagnostics.splice(0..0, plugins.diagnostics);

    let format = args.format.unwrap_or(Format::Human);
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let render_opts = RenderOptions {
        color: to_terminal && !args.no_color && std::env::var_os("NO_COLOR").is_none(),
        quiet: args.quiet,
        width: 100,
        show_timing: args.timing,
        sarif_category: args.sarif_category.clone(),
        sarif_srcroot,
        sarif_suppressed: args.sarif_suppressed == SarifSuppressed::Include,
        fixed,
    };
    let text = report::render(&result, format, &render_opts);
    if format == Format::Sarif {
        if let Some(warning) = report::sarif::size_warning(&text) {
            eprintln!("warning: {warning}");
        }
    }
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &text) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return Ok(EXIT_USAGE);
            }
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(text.as_bytes());
        }
    }
    let failing = fail_on
        .threshold()
        .is_some_and(|t| result.active_findings().any(|f| f.severity >= t));
    Ok(if failing { EXIT_FINDINGS } else { EXIT_CLEAN })
}

/// `--diff`: the diff goes to stdout (or `--output`), a one-line summary to stderr.
/// Exit 1 when there is something to fix, as `ruff --diff` does.
fn print_diff(args: &ScanArgs, outcome: &crate::fix::FixOutcome, clean: &Sanitizer) -> i32 {
    // Context lines may hold a secret of the file: masked like every report.
    let text = clean.text(&outcome.diff);
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &text) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return EXIT_USAGE;
            }
        }
        None => {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        }
    }
    if !args.quiet {
        eprintln!(
            "{} fixes would change {} files (nothing written)",
            outcome.fixed,
            outcome.files.len()
        );
    }
    if outcome.files.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    }
}

/// `--changed-since`: keeps the findings in files that differ from the revision.
/// Findings at the repo root or in untouched files are not the change's: they leave
/// the results but stay in the readiness card, which judges the whole tree (a failing
/// repo rule keeps its first finding there as the card's example).
fn keep_changed(result: &mut engine::ScanResult, changed: &ChangedSince) {
    let mut verdicts = std::collections::HashMap::new();
    let (kept, dropped): (Vec<_>, Vec<_>) = std::mem::take(&mut result.findings)
        .into_iter()
        .partition(|f| {
            *verdicts
                .entry(f.location.path.clone())
                .or_insert_with(|| changed.is_changed(&f.location.path))
        });
    result.findings = kept;
    for finding in dropped {
        if let Some(outcome) = result
            .outcomes
            .iter_mut()
            .find(|o| o.rule.id == finding.rule.id && o.unreported.is_none())
        {
            if !finding.is_suppressed() {
                outcome.unreported = Some(finding);
            }
        }
    }
}

/// `--sarif-srcroot`: an absolute URI ending in `/` (SARIF requires both), or an
/// absolute path turned into a `file://` URI.
fn srcroot_uri(value: &str) -> Result<String, String> {
    let mut uri = if value.starts_with('/') {
        format!("file://{}", crate::report::sarif::uri_path(value))
    } else if value.split_once(':').is_some_and(|(scheme, rest)| {
        scheme.len() > 1
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && rest.starts_with('/')
    }) {
        value.to_string()
    } else {
        return Err(format!(
            "--sarif-srcroot needs an absolute URI (file:///home/me/repo/) or an absolute path, not `{value}`"
        ));
    };
    if uri.contains(['?', '#']) {
        return Err(format!(
            "--sarif-srcroot cannot hold a query or fragment: `{value}`"
        ));
    }
    if !uri.ends_with('/') {
        uri.push('/');
    }
    Ok(uri)
}

fn init_command(args: InitArgs, registry: &Registry) -> miette::Result<i32> {
    if !args.dir.is_dir() {
        eprintln!("error: {} is not a directory", args.dir.display());
        return Ok(EXIT_USAGE);
    }
    let config_path = args.dir.join(CONFIG_FILE_NAME);
    if config_path.exists() && !args.force {
        eprintln!(
            "error: {} exists; pass --force to overwrite it",
            config_path.display()
        );
        return Ok(EXIT_USAGE);
    }
    let stage = Stage::from(args.stage);
    let baseline_name = args
        .baseline
        .as_ref()
        .map(|p| p.to_string_lossy().replace('\\', "/"));
    let text = crate::init::config_template(stage, baseline_name.as_deref());
    if let Err(e) = std::fs::write(&config_path, &text) {
        eprintln!("error: cannot write {}: {e}", config_path.display());
        return Ok(EXIT_USAGE);
    }
    println!("wrote {} (stage {stage})", config_path.display());
    let Some(name) = baseline_name else {
        return Ok(EXIT_CLEAN);
    };
    let Some(config) = load_config(Some(&config_path), registry) else {
        return Ok(EXIT_USAGE);
    };
    let opts = whole_repo_scan(args.dir.clone(), stage, &config);
    let selection = match engine::select(registry, &config, &opts) {
        Ok(s) => s,
        Err(err) => {
            eprintln!("error: {}", Sanitizer::plain().text(&err.to_string()));
            return Ok(EXIT_USAGE);
        }
    };
    let result = engine::scan(&opts, &config, &selection);
    let baseline = Baseline::from_findings(&result.findings);
    let path = args.dir.join(&name);
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    if let Err(err) = baseline.write(&path) {
        eprintln!("error: {}", Sanitizer::plain().text(&err.to_string()));
        return Ok(EXIT_USAGE);
    }
    println!(
        "wrote {} ({} findings accepted as they are today; only new ones will be reported)",
        path.display(),
        baseline.findings.len()
    );
    Ok(EXIT_CLEAN)
}

/// `devops-lint plugins warm|test`.
fn plugins_command(command: PluginsCommand) -> miette::Result<i32> {
    use crate::plugin::PluginOptions;
    use crate::plugin_harness::{render, run_fixtures};
    match command {
        PluginsCommand::Warm {
            paths,
            plugins,
            config,
        } => Ok(warm_plugins(&paths, &plugins, config)),
        PluginsCommand::Test { plugin, fixtures } => {
            match run_fixtures(&plugin, &fixtures, &PluginOptions::default()) {
                Ok(results) => {
                    let (text, ok) = render(&results);
                    print!("{text}");
                    Ok(if ok { EXIT_CLEAN } else { EXIT_FINDINGS })
                }
                Err(e) => {
                    eprintln!("error: {}", Sanitizer::plain().text(&e));
                    Ok(EXIT_USAGE)
                }
            }
        }
    }
}

/// Compiles each plugin into the disk cache and says where it came from.
fn warm_plugins(paths: &[PathBuf], args: &PluginArgs, config: Option<PathBuf>) -> i32 {
    use crate::plugin::{cache, config_tables, host, load_all, specs, PluginOptions};
    let Some(cache_dir) = cache::default_dir() else {
        eprintln!("error: no cache directory: set DEVOPS_LINT_CACHE_DIR (or HOME)");
        return EXIT_USAGE;
    };
    // A config named with --config is the user's own (may load external plugins).
    let user_config = config.is_some();
    let config = config.or_else(|| {
        let candidate = PathBuf::from(crate::config::CONFIG_FILE_NAME);
        candidate.is_file().then_some(candidate)
    });
    let tables = config.as_deref().map(config_tables).unwrap_or_default();
    let mut cli_paths = paths.to_vec();
    cli_paths.extend(args.plugins.iter().cloned());
    let specs = specs(&cli_paths, config.as_deref(), &tables);
    if specs.is_empty() {
        eprintln!(
            "error: no plugins to warm: name them (plugins warm PATH...) or in devops-lint.toml"
        );
        return EXIT_USAGE;
    }
    let opts = PluginOptions {
        allow_external: args.allow_external_plugins || user_config,
        cache_dir: Some(cache_dir.clone()),
        settings: tables,
        metadata_only: true,
        ..PluginOptions::default()
    };
    let mut code = EXIT_CLEAN;
    for spec in &specs {
        let loaded = load_all(std::slice::from_ref(spec), &opts);
        for d in &loaded.diagnostics {
            eprintln!("error: {}", Sanitizer::plain().text(&d.message));
            code = EXIT_USAGE;
        }
        for p in &loaded.plugins {
            let stored = host::engine()
                .map(|e| cache::entry_path(e, &cache_dir, &p.sha256).is_file())
                .unwrap_or(false);
            println!(
                "{} {} ({}): {} in {} ms, {}",
                p.name,
                Sanitizer::plain().line(&p.version),
                Sanitizer::plain().line(&p.path),
                p.source.as_str(),
                p.compile.as_millis(),
                if stored {
                    format!("cached under {}", cache_dir.display())
                } else {
                    format!("NOT cached: cannot write {}", cache_dir.display())
                }
            );
        }
    }
    code
}
