//! Command-line arguments and the commands they run. Exit codes: 0 clean,
//! 1 findings at or above `--fail-on`, 2 usage or config errors.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{Config, CONFIG_FILE_NAME};
use crate::engine::{self, ScanOptions};
use crate::registry::Registry;
use crate::report::{self, Format, RenderOptions};
use crate::rule::{Severity, Stage};

pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

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
    /// List every rule (id, name, pillar, stage, severity, scope).
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
    /// CPU time a plugin may spend on one file, e.g. 2s or 500ms [default: 2s].
    #[arg(long, value_name = "DURATION", value_parser = crate::plugin::parse_timeout)]
    pub plugin_timeout: Option<std::time::Duration>,
    /// Let the scanned repository's config load plugins from outside the repository.
    #[arg(long)]
    pub allow_external_plugins: bool,
}

impl PluginArgs {
    /// Loads the plugins these arguments and the config name.
    pub fn load(
        &self,
        root: &std::path::Path,
        config_path: Option<&std::path::Path>,
        metadata_only: bool,
    ) -> crate::plugin::Loaded {
        crate::plugin::load_from(
            &self.plugins,
            self.plugin_timeout,
            self.allow_external_plugins,
            root,
            config_path,
            metadata_only,
        )
    }

    /// Built-ins plus these plugins' rules, for `rules` and `explain`; load
    /// problems go to stderr.
    fn registry(&self, config: Option<PathBuf>) -> Registry {
        let config = config.or_else(|| {
            let candidate = PathBuf::from(CONFIG_FILE_NAME);
            candidate.is_file().then_some(candidate)
        });
        let loaded = self.load(std::path::Path::new("."), config.as_deref(), true);
        for d in &loaded.diagnostics {
            eprintln!("warning: {}", d.message);
        }
        Registry::with_extra(loaded.rules)
    }
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
    /// Show the time taken in the human summary.
    #[arg(long)]
    pub timing: bool,
    #[command(flatten)]
    pub plugins: PluginArgs,
}

/// Parses arguments, runs, returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
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

pub fn run(cli: Cli) -> miette::Result<i32> {
    let registry = Registry::builtin();
    match cli.command {
        Some(Command::Rules { plugins, config }) => {
            let registry = &plugins.registry(config);
            let mut out = String::new();
            out.push_str("ID      NAME                             PILLAR STAGE  SEVERITY SCOPE\n");
            for m in registry.metas() {
                out.push_str(&format!(
                    "{:<7} {:<32} {:<6} {:<6} {:<8} {}\n",
                    m.id,
                    m.name,
                    m.pillar.code(),
                    m.stage.as_str(),
                    m.severity.as_str(),
                    m.scope.as_str()
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
                print!("{}", crate::docs::rule_page(meta));
                Ok(EXIT_CLEAN)
            }
            None => {
                eprintln!("error: unknown rule `{rule}` (see `devops-lint rules`)");
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
        Some(Command::Plugins { command }) => crate::plugin::harness::command(command),
        None => scan_command(cli.scan),
    }
}

fn scan_command(args: ScanArgs) -> miette::Result<i32> {
    let (root, paths) = engine::root_and_paths(&args.paths);
    if paths.is_none() && !root.is_dir() {
        eprintln!("error: {} is not a directory or file", root.display());
        return Ok(EXIT_USAGE);
    }
    let config_path = args.config.clone().or_else(|| {
        let candidate = root.join(CONFIG_FILE_NAME);
        candidate.is_file().then_some(candidate)
    });
    let plugins = args.plugins.load(&root, config_path.as_deref(), false);
    let registry = &Registry::with_extra(plugins.rules);
    let lookup = |key: &str| registry.find(key);
    let config = match &config_path {
        Some(path) => match Config::load(path, &lookup) {
            Ok(config) => config,
            Err(err) => {
                eprintln!("{:?}", miette::Report::new(err));
                return Ok(EXIT_USAGE);
            }
        },
        None => Config::default(),
    };

    let stage = args
        .stage
        .map(Stage::from)
        .or(config.stage)
        .unwrap_or(Stage::Seed);
    let fail_on = args
        .fail_on
        .unwrap_or_else(|| match config.fail_on.as_deref() {
            Some("warning") => FailOn::Warning,
            Some("note") => FailOn::Note,
            Some("never") => FailOn::Never,
            _ => FailOn::Error,
        });
    let jobs = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
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
        max_file_size: args
            .max_file_size
            .or(config.max_file_size)
            .unwrap_or(crate::discover::DEFAULT_MAX_FILE_SIZE),
    };
    let selection = match engine::select(registry, &config, &opts) {
        Ok(s) => s,
        Err(err) => {
            eprintln!("error: {err}");
            return Ok(EXIT_USAGE);
        }
    };
    let mut result = engine::scan(&opts, &config, &selection);
    result.diagnostics.splice(0..0, plugins.diagnostics);

    let format = args.format.unwrap_or(Format::Human);
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let render_opts = RenderOptions {
        color: to_terminal && !args.no_color && std::env::var_os("NO_COLOR").is_none(),
        quiet: args.quiet,
        width: 100,
        show_timing: args.timing,
        sarif_category: args.sarif_category.clone(),
    };
    let text = report::render(&result, format, &render_opts);
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
