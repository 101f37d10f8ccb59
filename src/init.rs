//! `devops-lint init`: a commented `devops-lint.toml` for the stage a repo aims
//! for, and (if asked) a baseline of today's findings so that only new ones fail.

use crate::rule::Stage;

/// The config `init` writes. Every setting is explained; the optional ones are
/// commented out with their default. It parses with `Config::parse` (a test checks).
pub(crate) fn config_template(stage: Stage, baseline: Option<&str>) -> String {
    let baseline_line = match baseline {
        Some(path) => format!("baseline = \"{}\"\n", escape(path)),
        None => "# baseline = \".devops-lint-baseline.json\"\n".to_string(),
    };
    format!(
        r#"# devops-lint configuration (written by `devops-lint init`).
# Every key is optional; `devops-lint rules` lists the rules, and
# `devops-lint explain <ID>` shows what one checks and how to fix it.

# The stage this repo aims for. Rules of later stages do not run.
#   seed:   "build for 1x", the minimum every startup should have on day one
#   growth: "design for 10x", several environments, autoscaling, HA
#   scale:  "plan for 100x", mTLS, SSH lock-down, blue/green, tracing
stage = "{stage}"

# Exit 1 when a finding is at or above this level: error | warning | note | never.
fail-on = "error"

# Findings recorded in this file are accepted (existing debt): only new ones
# are reported. Re-create it with `devops-lint --write-baseline <file>`.
{baseline_line}
# Paths not scanned (globs, relative to the scanned root).
# exclude = ["vendor/**", "third_party/**"]

# Skip files larger than this many bytes (default 2 MiB).
# max-file-size = 2097152

# Per rule (ID or name): off | note | warning | error.
[rules]
# SEC022 = "off"
# unpinned-base-image = "error"

# Path-scoped ignores, for files that cannot hold a
# `# devops-lint: ignore[ID] reason` comment (JSON, ...).
# [[ignore]]
# paths = ["test/fixtures/**/*.json"]
# rules = ["SEC001"]
# reason = "fake credentials for tests"

# A practice the repo cannot show, attested by the team
# (enforced-elsewhere | not-applicable | accepted-risk).
# [attest.SEC006]
# reason = "enforced-elsewhere"
# note = "MFA is enforced by our identity provider"
"#,
        stage = stage.as_str(),
    )
}

/// TOML basic-string escaping for a path.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn lookup(key: &str) -> Option<&'static crate::rule::RuleMeta> {
        crate::registry::Registry::builtin().find(key)
    }

    #[test]
    fn the_template_is_a_valid_config_for_every_stage() {
        for stage in Stage::ALL {
            for baseline in [None, Some(".devops-lint-baseline.json")] {
                let text = config_template(stage, baseline);
                let config = Config::parse(&text, "devops-lint.toml", &lookup)
                    .unwrap_or_else(|e| panic!("invalid template: {e}\n{text}"));
                assert_eq!(config.stage, Some(stage));
                assert_eq!(config.baseline.as_deref(), baseline);
                assert_eq!(config.fail_on.as_deref(), Some("error"));
            }
        }
    }

    #[test]
    fn the_commented_examples_are_valid_too() {
        let text = config_template(Stage::Seed, None);
        let uncommented: String = text
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.contains(" = ") || rest.starts_with('[') => rest,
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n");
        // The examples name rules of the whole catalogue; any rule will do for the syntax.
        let any_rule = |key: &str| lookup(key).or_else(|| lookup("SEC007"));
        let config = Config::parse(&uncommented, "devops-lint.toml", &any_rule)
            .unwrap_or_else(|e| panic!("invalid example: {e}\n{uncommented}"));
        assert_eq!(config.exclude.len(), 2);
        assert_eq!(config.ignores.len(), 1);
        assert_eq!(config.attest.len(), 1);
        assert!(config.baseline.is_some());
    }
}
