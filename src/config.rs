//! `devops-lint.toml`: stage, fail-on, excludes, per-rule severities,
//! path-scoped ignores, attestations and plugin settings. Every error points
//! into the TOML (a miette diagnostic) and exits 2.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Deserialize;
use toml::Spanned;

use crate::rule::{RuleMeta, Severity, Stage};

pub(crate) const CONFIG_FILE_NAME: &str = "devops-lint.toml";
/// A config file larger than this is refused (it is not a config).
pub(crate) const MAX_CONFIG_SIZE: u64 = 1024 * 1024;
/// `max-file-size` in a config file is capped here: a repo's own config cannot make
/// the scanner load huge files into memory (`--max-file-size` can go higher).
pub(crate) const MAX_FILE_SIZE_CAP: u64 = 64 * 1024 * 1024;

/// Checks a path that the scanned repo's own config names (a baseline): it must
/// stay inside `root` once symlinks are resolved and be a regular file of at most
/// [`MAX_FILE_SIZE_CAP`] bytes, so the repo cannot make the scanner read (or block
/// on) `/etc/shadow`, `/dev/zero` or a FIFO. A missing file is left to the reader.
pub(crate) fn confined(root: &Path, path: &Path) -> Result<(), String> {
    let escapes = || {
        format!(
            "{} is outside the scanned root; pass it on the command line to use it",
            path.display()
        )
    };
    if path.is_absolute() && !path.starts_with(root)
        || path
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(escapes());
    }
    let Ok(target) = path.canonicalize() else {
        return Ok(());
    };
    let inside = root
        .canonicalize()
        .is_ok_and(|root| target.starts_with(root));
    if !inside {
        return Err(escapes());
    }
    match std::fs::metadata(&target) {
        Ok(meta) if !meta.is_file() => Err(format!("{} is not a regular file", path.display())),
        Ok(meta) if meta.len() > MAX_FILE_SIZE_CAP => Err(format!(
            "{} is over {MAX_FILE_SIZE_CAP} bytes",
            path.display()
        )),
        _ => Ok(()),
    }
}

/// The config file the scanned repo carries, if any: `<root>/devops-lint.toml`.
/// It must be a regular file; a symlink is followed only when it resolves inside
/// the root, so a hostile repo cannot make the scanner read (and echo in a TOML
/// error) a file from elsewhere.
pub(crate) fn find_in_root(root: &Path) -> Result<Option<PathBuf>, String> {
    let candidate = root.join(CONFIG_FILE_NAME);
    let Ok(meta) = std::fs::symlink_metadata(&candidate) else {
        return Ok(None);
    };
    if meta.file_type().is_symlink() {
        let inside = match (candidate.canonicalize(), root.canonicalize()) {
            (Ok(target), Ok(root)) => target.starts_with(&root) && target.is_file(),
            _ => false,
        };
        if !inside {
            return Err(format!(
                "{} is a symlink that leaves the scanned root (or dangles); it was not read. \
                 Pass --config to use a config file from elsewhere.",
                candidate.display()
            ));
        }
        return Ok(Some(candidate));
    }
    if !meta.is_file() {
        return Err(format!("{} is not a regular file", candidate.display()));
    }
    Ok(Some(candidate))
}

/// What a rule's severity is set to in config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSetting {
    Off,
    Severity(Severity),
}

/// A path-scoped ignore, for files that cannot hold comments (JSON, binaries' names).
#[derive(Debug, Clone)]
pub struct PathIgnore {
    pub paths: globset::GlobSet,
    pub patterns: Vec<String>,
    /// Rule IDs (already resolved from IDs or names); empty means every rule.
    pub rules: Vec<&'static str>,
    pub reason: String,
}

/// Why a team attests a practice the repo cannot show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AttestReason {
    EnforcedElsewhere,
    NotApplicable,
    AcceptedRisk,
}

impl AttestReason {
    pub(crate) const ALL: [(&'static str, AttestReason); 3] = [
        ("enforced-elsewhere", AttestReason::EnforcedElsewhere),
        ("not-applicable", AttestReason::NotApplicable),
        ("accepted-risk", AttestReason::AcceptedRisk),
    ];
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Attestation {
    pub reason: AttestReason,
    pub note: String,
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where it was read from (None: defaults).
    pub path: Option<PathBuf>,
    pub stage: Option<Stage>,
    pub fail_on: Option<String>,
    pub exclude: Vec<String>,
    pub max_file_size: Option<u64>,
    pub rules: BTreeMap<&'static str, RuleSetting>,
    pub ignores: Vec<PathIgnore>,
    pub attest: BTreeMap<&'static str, Attestation>,
    pub baseline: Option<String>,
    /// `[plugins.<name>]` tables, passed to the plugin host as they are.
    pub plugins: BTreeMap<String, toml::Table>,
}

#[derive(Debug, thiserror::Error, Diagnostic)]
pub(crate) enum ConfigError {
    #[error("cannot read {path}: {message}")]
    #[diagnostic(code(devops_lint::config::io))]
    Io { path: String, message: String },

    #[error(transparent)]
    #[diagnostic(transparent)]
    Invalid(Box<InvalidConfig>),
}

/// A config value that is wrong, with its place in the TOML.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(devops_lint::config::invalid))]
pub(crate) struct InvalidConfig {
    pub message: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("{label}")]
    pub span: SourceSpan,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    stage: Option<Spanned<String>>,
    fail_on: Option<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    max_file_size: Option<u64>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    ignore: Vec<RawIgnore>,
    #[serde(default)]
    attest: BTreeMap<Spanned<String>, Spanned<RawAttest>>,
    baseline: Option<String>,
    #[serde(default)]
    plugins: BTreeMap<String, toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAttest {
    reason: Spanned<String>,
    #[serde(default)]
    note: String,
}

/// Finds a rule by ID or name among the given catalogue.
pub(crate) type RuleLookup<'a> = &'a dyn Fn(&str) -> Option<&'static RuleMeta>;

impl Config {
    /// Reads `path`; rule keys are checked with `lookup`.
    pub(crate) fn load(path: &Path, lookup: RuleLookup) -> Result<Config, ConfigError> {
        let io = |message: String| ConfigError::Io {
            path: path.display().to_string(),
            message,
        };
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(
                std::fs::File::open(path).map_err(|e| io(e.to_string()))?,
                MAX_CONFIG_SIZE + 1,
            ),
            &mut bytes,
        )
        .map_err(|e| io(e.to_string()))?;
        if bytes.len() as u64 > MAX_CONFIG_SIZE {
            return Err(io(format!(
                "over {MAX_CONFIG_SIZE} bytes, not a config file"
            )));
        }
        let text = String::from_utf8(bytes).map_err(|_| io("not valid UTF-8".into()))?;
        let mut config = Config::parse(&text, &path.display().to_string(), lookup)?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    pub(crate) fn parse(text: &str, name: &str, lookup: RuleLookup) -> Result<Config, ConfigError> {
        let invalid = |message: String, span: Range<usize>, label: &str, help: Option<String>| {
            // A secret in the config (a plugin setting, a pasted token) is not echoed.
            ConfigError::Invalid(Box::new(InvalidConfig {
                message: crate::secrets::sanitize::hide_secrets(text, message),
                src: NamedSource::new(name, crate::secrets::sanitize::mask_secrets(text)),
                span: span.into(),
                label: label.to_string(),
                help,
            }))
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            invalid(
                format!("invalid configuration: {}", e.message()),
                e.span().unwrap_or(0..0),
                "here",
                Some(
                    "known keys: stage, fail-on, exclude, max-file-size, rules, ignore, attest, baseline, plugins"
                        .into(),
                ),
            )
        })?;

        let mut config = Config::default();
        if let Some(stage) = raw.stage {
            config.stage = Some(Stage::parse(stage.get_ref()).ok_or_else(|| {
                invalid(
                    format!("unknown stage `{}`", stage.get_ref()),
                    stage.span(),
                    "not a stage",
                    Some("use seed, growth or scale".into()),
                )
            })?);
        }
        if let Some(fail_on) = raw.fail_on {
            let value = fail_on.get_ref();
            if Severity::parse(value).is_none() && value != "never" {
                return Err(invalid(
                    format!("unknown fail-on level `{value}`"),
                    fail_on.span(),
                    "not a level",
                    Some("use error, warning, note or never".into()),
                ));
            }
            config.fail_on = Some(value.clone());
        }
        for pattern in &raw.exclude {
            if let Err(e) = globset::Glob::new(pattern.get_ref()) {
                return Err(invalid(
                    format!("invalid exclude pattern: {e}"),
                    pattern.span(),
                    "bad glob",
                    None,
                ));
            }
            config.exclude.push(pattern.get_ref().clone());
        }
        config.max_file_size = raw.max_file_size;
        config.baseline = raw.baseline;
        config.plugins = raw.plugins;

        let resolve = |key: &Spanned<String>| {
            lookup(key.get_ref()).ok_or_else(|| {
                invalid(
                    format!("unknown rule `{}`", key.get_ref()),
                    key.span(),
                    "no rule has this ID or name",
                    Some("`devops-lint rules` lists every rule".into()),
                )
            })
        };

        for (key, value) in &raw.rules {
            let rule = resolve(key)?;
            let setting = match value.get_ref().as_str() {
                "off" => RuleSetting::Off,
                other => RuleSetting::Severity(Severity::parse(other).ok_or_else(|| {
                    invalid(
                        format!("unknown setting `{other}` for {}", rule.id),
                        value.span(),
                        "not a setting",
                        Some("use off, note, warning or error".into()),
                    )
                })?),
            };
            config.rules.insert(rule.id, setting);
        }

        for ignore in &raw.ignore {
            let mut builder = globset::GlobSetBuilder::new();
            let mut patterns = Vec::new();
            for pattern in &ignore.paths {
                let glob = globset::Glob::new(pattern.get_ref()).map_err(|e| {
                    invalid(
                        format!("invalid ignore path: {e}"),
                        pattern.span(),
                        "bad glob",
                        None,
                    )
                })?;
                builder.add(glob);
                patterns.push(pattern.get_ref().clone());
            }
            let paths = builder
                .build()
                .map_err(|e| invalid(format!("invalid ignore paths: {e}"), 0..0, "here", None))?;
            let mut rules = Vec::new();
            for key in &ignore.rules {
                rules.push(resolve(key)?.id);
            }
            config.ignores.push(PathIgnore {
                paths,
                patterns,
                rules,
                reason: ignore.reason.clone(),
            });
        }

        for (key, value) in &raw.attest {
            let rule = resolve(key)?;
            let raw_reason = &value.get_ref().reason;
            let reason = AttestReason::ALL
                .iter()
                .find(|(name, _)| name == raw_reason.get_ref())
                .map(|(_, r)| *r)
                .ok_or_else(|| {
                    invalid(
                        format!("unknown attestation reason `{}`", raw_reason.get_ref()),
                        raw_reason.span(),
                        "not a reason",
                        Some("use enforced-elsewhere, not-applicable or accepted-risk".into()),
                    )
                })?;
            config.attest.insert(
                rule.id,
                Attestation {
                    reason,
                    note: value.get_ref().note.clone(),
                },
            );
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(key: &str) -> Option<&'static RuleMeta> {
        crate::registry::Registry::builtin().find(key)
    }

    #[test]
    fn parses_a_full_config() {
        let text = r#"
stage = "growth"
fail-on = "warning"
exclude = ["vendor/**"]
[rules]
SEC007 = "warning"
container-runs-as-root = "off"
[[ignore]]
paths = ["config/*.json"]
rules = ["SEC001"]
reason = "test fixtures"
"#;
        let config = Config::parse(text, "devops-lint.toml", &lookup).expect("valid");
        assert_eq!(config.stage, Some(Stage::Growth));
        assert_eq!(
            config.rules.get("SEC007"),
            Some(&RuleSetting::Severity(Severity::Warning))
        );
        assert_eq!(config.rules.get("SEC014"), Some(&RuleSetting::Off));
        assert_eq!(config.ignores[0].rules, vec!["SEC001"]);
    }

    #[test]
    fn unknown_rule_points_into_the_toml() {
        let text = "[rules]\nSEC999 = \"off\"\n";
        let err = Config::parse(text, "devops-lint.toml", &lookup).expect_err("unknown rule");
        match err {
            ConfigError::Invalid(invalid) => {
                assert!(invalid.message.contains("SEC999"));
                let span = invalid.span;
                assert_eq!(&text[span.offset()..span.offset() + span.len()], "SEC999");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn unknown_key_is_an_error() {
        let err = Config::parse("stag = \"seed\"\n", "x.toml", &lookup).expect_err("unknown key");
        assert!(err.to_string().contains("unknown field"));
    }
}
