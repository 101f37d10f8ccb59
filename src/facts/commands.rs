//! What CI really runs: each CI command split into simple commands, and the
//! ones that call something in the repo expanded (make targets, just recipes,
//! package.json/composer scripts, shell scripts, pre-commit hooks, local
//! composite actions). What cannot be seen (an external reusable workflow, a
//! GitLab include, a make target with no Makefile) is listed as unresolved, so
//! an absence rule can say "inconclusive" instead of "missing".

use std::collections::BTreeSet;

use super::ci::{CiCommand, CiFile, CiJob};
use super::{loc_string, Location, RepoFacts};
use crate::rule::{Outcome, RepoCx};

/// How deep calls are followed (`make ci` → `make test` → `./scripts/test.sh` → ...).
const MAX_DEPTH: usize = 5;

/// One simple command CI runs, directly or through a task.
#[derive(Debug, Clone)]
pub struct Resolved<'a> {
    pub file: &'a CiFile,
    pub job: &'a CiJob,
    /// The CI command it comes from (where a finding can point).
    pub origin: &'a CiCommand,
    /// The simple command.
    pub text: String,
    /// The call chain that led to it (`make test`), empty when CI runs it directly.
    pub via: Vec<String>,
}

impl Resolved<'_> {
    /// `go test ./...` or `go test ./... (via make test)`.
    pub fn describe(&self) -> String {
        if self.via.is_empty() {
            super::signals::shorten(&self.text)
        } else {
            format!(
                "{} (via {})",
                super::signals::shorten(&self.text),
                self.via.join(" → ")
            )
        }
    }
}

#[derive(Debug, Default)]
pub struct Resolution<'a> {
    pub commands: Vec<Resolved<'a>>,
    /// What CI calls that cannot be seen from here, and where.
    pub unresolved: Vec<(String, Location)>,
}

/// Splits a shell line into simple commands (`a && b | c; d`), dropping leading
/// `VAR=value` assignments and wrappers (`sudo`, `time`, `exec`, `env`).
pub fn simple_commands(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in line.split(['&', '|', ';', '\n']) {
        let mut words: Vec<&str> = part.split_whitespace().collect();
        while let Some(first) = words.first() {
            let is_assignment =
                first.contains('=') && !first.starts_with('-') && !first.contains('/');
            if is_assignment
                || matches!(
                    *first,
                    "sudo" | "time" | "exec" | "env" | "then" | "do" | "else" | "(" | "{" | "!"
                )
            {
                words.remove(0);
            } else {
                break;
            }
        }
        if !words.is_empty() {
            let whole = words.join(" ");
            // A command run through a wrapper (`uv run pytest`, `docker compose exec app
            // pytest`) is also the wrapped command.
            let inner = unwrap(&words);
            out.push(whole);
            if let Some(inner) = inner {
                out.push(inner);
            }
        }
    }
    out
}

/// The command a wrapper runs: `uv run`, `poetry run`, `pipenv run`, `hatch run`,
/// `pdm run`, `bundle exec`, `pnpm exec`, `npx`, `coverage run`, `timeout N`, `xvfb-run`, and
/// `docker compose exec|run SERVICE`, `docker exec|run IMAGE` (options skipped).
fn unwrap(words: &[&str]) -> Option<String> {
    const TAKES_VALUE: &[&str] = &[
        "-e",
        "--env",
        "-w",
        "--workdir",
        "-u",
        "--user",
        "-v",
        "--volume",
        "--name",
        "--entrypoint",
        "-p",
        "--publish",
        "--network",
        "-f",
        "--file",
        "--project-name",
        "--env-file",
        "-l",
        "--label",
        "--platform",
        "--project-directory",
        "--profile",
        "--group",
        "--extra",
        "--with",
        "--python",
        "--package",
        "--project",
        "--directory",
        "--only-group",
        "--index",
        "--from",
    ];
    let skip_options = |rest: &[&str]| -> usize {
        let mut i = 0;
        while i < rest.len() && rest[i].starts_with('-') {
            i += if TAKES_VALUE.contains(&rest[i]) { 2 } else { 1 };
        }
        i
    };
    let (start, service) = match words {
        ["uv" | "poetry" | "pipenv" | "hatch" | "pdm" | "rye", "run", ..] => (2, false),
        ["bundle", "exec", ..]
        | ["pnpm", "exec", ..]
        | ["yarn", "dlx", ..]
        | ["pnpm", "dlx", ..] => (2, false),
        ["npx" | "bunx" | "xvfb-run" | "nice", ..] => (1, false),
        ["coverage", "run", ..] => (2, false),
        ["timeout", _, ..] => (2, false),
        ["docker", "compose", ..] | ["docker-compose", ..] => {
            let base = if words[0] == "docker" { 2 } else { 1 };
            let at = base + skip_options(&words[base..]);
            match words.get(at) {
                Some(&("exec" | "run")) => (at + 1, true),
                _ => return None,
            }
        }
        ["docker", "exec" | "run", ..] => (2, true),
        _ => return None,
    };
    let rest = words.get(start..)?;
    let mut i = skip_options(rest);
    if service {
        i += 1;
    }
    let inner = rest.get(i..)?;
    (!inner.is_empty()).then(|| inner.join(" "))
}

fn strip_quotes(s: &str) -> &str {
    s.trim_matches(['"', '\''])
}

/// A call into the repo that a simple command makes.
enum Call {
    Make(Vec<String>),
    Just(String),
    Script(String),
    Package(String),
    PreCommit,
}

fn call_of(cmd: &str) -> Option<Call> {
    // Leading variable assignments (`NAME=value cmd`, or an assignment alone) set the
    // environment; the command, if any, follows them.
    let words: Vec<&str> = cmd
        .split_whitespace()
        .map(strip_quotes)
        .skip_while(|w| is_assignment(w))
        .collect();
    let first = *words.first()?;
    let args = || {
        words[1..]
            .iter()
            .filter(|w| !w.starts_with('-') && !w.contains('='))
            .map(|w| w.to_string())
    };
    match first {
        "make" | "gmake" => {
            let mut targets = Vec::new();
            let mut skip = false;
            for w in &words[1..] {
                if skip {
                    skip = false;
                    continue;
                }
                if *w == "-C" || *w == "-f" || *w == "--directory" || *w == "--file" {
                    skip = true;
                    continue;
                }
                if !w.starts_with('-') && !w.contains('=') {
                    targets.push(w.to_string());
                }
            }
            Some(Call::Make(targets))
        }
        "just" => args().next().map(Call::Just),
        "npm" | "pnpm" | "yarn" | "bun" | "composer" => {
            let rest: Vec<String> = args().collect();
            const BUILTINS: &[&str] = &[
                "install",
                "i",
                "add",
                "remove",
                "rm",
                "ci",
                "exec",
                "dlx",
                "x",
                "why",
                "audit",
                "outdated",
                "upgrade",
                "update",
                "publish",
                "pack",
                "version",
                "init",
                "create",
                "global",
                "link",
                "cache",
                "config",
                "workspace",
                "workspaces",
                "dedupe",
                "rebuild",
                "store",
                "import",
                "fetch",
                "require",
                "dump-autoload",
                "validate",
                "self-update",
                "info",
                "list",
                "ls",
                "set",
                "node",
                "npx",
                "prune",
                "login",
                "whoami",
            ];
            let script = match rest.first().map(String::as_str) {
                Some("run" | "run-script") => rest.get(1).cloned(),
                Some("test" | "t" | "tst") => Some("test".to_string()),
                Some("start") => Some("start".to_string()),
                Some(other) if first != "npm" && !BUILTINS.contains(&other) => {
                    Some(other.to_string())
                }
                _ => None,
            }?;
            Some(Call::Package(script))
        }
        "pre-commit" | "prek" => words
            .get(1)
            .filter(|w| **w == "run")
            .map(|_| Call::PreCommit),
        "bash" | "sh" | "zsh" | "source" | "." => {
            let script = words[1..].iter().find(|w| !w.starts_with('-'))?;
            Some(Call::Script(script.to_string()))
        }
        // A flag (`--cache-to=type=local,dest=/tmp/x` continued from the line above) is
        // not a script path.
        s if s.starts_with('-') => None,
        s if s.starts_with("./")
            || s.ends_with(".sh")
            || (s.contains('/')
                && !s.starts_with('/')
                && !s.contains("://")
                && !s.contains('$')) =>
        {
            Some(Call::Script(s.to_string()))
        }
        _ => None,
    }
}

/// A task runner whose task is a variable (`bin/rails $TEST_COMMAND`, `make $TARGET`,
/// `npm run "$SCRIPT"`): what it runs cannot be read here.
fn task_from_variable(cmd: &str) -> bool {
    const RUNNERS: &[&str] = &[
        "rails", "rake", "make", "gmake", "just", "task", "npm", "yarn", "pnpm", "bun", "gradle",
        "gradlew", "mvn", "mvnw", "tox", "nox", "bundle", "poetry", "uv", "go", "cargo", "dotnet",
        "mix",
    ];
    let words: Vec<&str> = cmd
        .split_whitespace()
        .map(strip_quotes)
        .skip_while(|w| is_assignment(w))
        .collect();
    let Some(first) = words.first() else {
        return false;
    };
    let program = first.rsplit('/').next().unwrap_or(first);
    RUNNERS.contains(&program)
        && words[1..]
            .iter()
            .filter(|w| !w.starts_with('-') && !matches!(**w, "run" | "exec"))
            .take(1)
            .any(|w| w.starts_with('$'))
}

/// `NAME=value` (a shell variable assignment).
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit())
    })
}

fn norm_path(p: &str) -> String {
    let p = p.trim_start_matches("./");
    p.split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect::<Vec<_>>()
        .join("/")
}

impl RepoFacts {
    /// Every simple command CI runs, with calls into the repo expanded.
    pub fn resolve_ci(&self) -> Resolution<'_> {
        let mut res = Resolution::default();
        for file in self.ci.pipelines() {
            for job in &file.jobs {
                for cmd in &job.commands {
                    // A command built from a matrix or inputs cannot be read here.
                    let lower = cmd.text.to_ascii_lowercase();
                    if [
                        "${{ matrix.",
                        "${{ inputs.",
                        "${{matrix.",
                        "${{inputs.",
                        "fromjson(",
                    ]
                    .iter()
                    .any(|m| lower.contains(m))
                    {
                        res.unresolved.push((
                            format!(
                                "`{}` (set by a matrix or inputs)",
                                super::signals::shorten(&cmd.text)
                            ),
                            cmd.location.clone(),
                        ));
                    }
                    for simple in simple_commands(&cmd.text) {
                        if task_from_variable(&simple) {
                            res.unresolved.push((
                                format!(
                                    "`{}` (its task comes from a variable)",
                                    super::signals::shorten(&simple)
                                ),
                                cmd.location.clone(),
                            ));
                        }
                        let mut seen = BTreeSet::new();
                        self.expand(file, job, cmd, &simple, Vec::new(), 0, &mut seen, &mut res);
                    }
                }
                for u in &job.uses {
                    self.expand_uses(file, job, u, &mut res);
                }
            }
        }
        res
    }

    /// Looks through CI for one kind of step (running tests, checking Terraform): first a
    /// simple command CI runs (calls into the repo expanded) that `is_step` accepts, then a
    /// `uses:` whose lowercased text contains one of `uses`. Found, it records where in the
    /// detail and gives `Err(Pass)`; not found while CI calls what this repo does not hold,
    /// `Err(Inconclusive("{not_found}, but ..."))`; else `Ok` with the number of simple
    /// commands looked at.
    pub fn find_ci_step(
        &self,
        cx: &mut RepoCx,
        is_step: impl Fn(&str) -> bool,
        uses: &[&str],
        not_found: &str,
    ) -> Result<usize, Outcome> {
        let res = self.resolve_ci();
        if let Some(r) = res.commands.iter().find(|r| is_step(&r.text)) {
            cx.detail(format!(
                "{} in {} job {}",
                r.describe(),
                r.file.path,
                r.job.name
            ));
            return Err(Outcome::Pass);
        }
        if let Some((_, _, u)) = self.ci_uses().find(|(_, _, u)| {
            let lower = u.text.to_ascii_lowercase();
            uses.iter().any(|f| lower.contains(f))
        }) {
            cx.detail(format!("{} at {}", u.text, loc_string(&u.location)));
            return Err(Outcome::Pass);
        }
        if let Some((what, loc)) = res.unresolved.first() {
            return Err(Outcome::Inconclusive(format!(
                "{not_found}, but CI calls what this repo does not hold: {} at {}",
                super::signals::shorten(what),
                loc_string(loc)
            )));
        }
        Ok(res.commands.len())
    }

    fn expand_uses<'a>(
        &'a self,
        file: &'a CiFile,
        job: &'a CiJob,
        u: &'a CiCommand,
        res: &mut Resolution<'a>,
    ) {
        let text = u.text.as_str();
        let lower = text.to_ascii_lowercase();
        if lower.contains("pre-commit") {
            self.expand_pre_commit(file, job, u, vec![text.to_string()], res);
            return;
        }
        if let Some(local) = text.strip_prefix("./") {
            if local.contains(".github/workflows/") {
                // An in-repo reusable workflow: its commands are read with the other workflows.
                return;
            }
            let dir = norm_path(local);
            let action = self
                .ci
                .files
                .iter()
                .find(|f| f.system == "github-action" && super::dir_of(&f.path) == dir);
            match action {
                Some(a) => {
                    for j in &a.jobs {
                        for c in &j.commands {
                            for simple in simple_commands(&c.text) {
                                let mut seen = BTreeSet::new();
                                self.expand(
                                    file,
                                    job,
                                    u,
                                    &simple,
                                    vec![text.to_string()],
                                    1,
                                    &mut seen,
                                    res,
                                );
                            }
                        }
                    }
                }
                None => res
                    .unresolved
                    .push((format!("local action {text}"), u.location.clone())),
            }
            return;
        }
        let external_workflow = lower.contains("/.github/workflows/");
        let gitlab_include = lower.starts_with("include ") && !lower.starts_with("include local");
        if external_workflow || gitlab_include {
            res.unresolved.push((text.to_string(), u.location.clone()));
        }
    }

    fn expand_pre_commit<'a>(
        &'a self,
        file: &'a CiFile,
        job: &'a CiJob,
        origin: &'a CiCommand,
        via: Vec<String>,
        res: &mut Resolution<'a>,
    ) {
        let hooks: Vec<&String> = self
            .tasks
            .iter()
            .filter(|t| t.runner == "pre-commit")
            .flat_map(|t| t.commands.iter())
            .collect();
        if hooks.is_empty() {
            res.unresolved.push((
                "pre-commit (no .pre-commit-config.yaml found)".into(),
                origin.location.clone(),
            ));
        }
        for hook in hooks {
            res.commands.push(Resolved {
                file,
                job,
                origin,
                text: format!("pre-commit hook {hook}"),
                via: via.clone(),
            });
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn expand<'a>(
        &'a self,
        file: &'a CiFile,
        job: &'a CiJob,
        origin: &'a CiCommand,
        simple: &str,
        via: Vec<String>,
        depth: usize,
        seen: &mut BTreeSet<String>,
        res: &mut Resolution<'a>,
    ) {
        res.commands.push(Resolved {
            file,
            job,
            origin,
            text: simple.to_string(),
            via: via.clone(),
        });
        if depth >= MAX_DEPTH || !seen.insert(simple.to_string()) {
            return;
        }
        let Some(call) = call_of(simple) else {
            return;
        };
        let mut next_via = via.clone();
        next_via.push(super::signals::shorten(simple));
        let tasks = |runner: &str, wanted: &dyn Fn(&super::text::Task) -> bool| -> Vec<&[String]> {
            self.tasks
                .iter()
                .filter(|t| t.runner == runner && wanted(t))
                .map(|t| t.commands.as_slice())
                .collect()
        };
        // The bodies called, and whether finding none means CI calls what this repo does
        // not hold.
        let (bodies, must_exist): (Vec<&[String]>, bool) = match &call {
            Call::PreCommit => {
                self.expand_pre_commit(file, job, origin, next_via, res);
                return;
            }
            Call::Make(targets) => {
                let wanted: Vec<String> = if targets.is_empty() {
                    ["all", "default", "build"]
                        .iter()
                        .find(|t| {
                            self.tasks
                                .iter()
                                .any(|m| m.runner == "make" && m.name == **t)
                        })
                        .map(|t| vec![t.to_string()])
                        .unwrap_or_default()
                } else {
                    targets.clone()
                };
                (tasks("make", &|t| wanted.contains(&t.name)), true)
            }
            Call::Just(name) => (tasks("just", &|t| t.name == *name), true),
            Call::Script(path) => {
                let wanted = norm_path(path);
                let found = tasks("script", &|t| {
                    t.path == wanted || t.path.ends_with(&format!("/{wanted}"))
                });
                // A committed file that is not a shell script (a binstub, a wrapper such
                // as `gradlew`) is there: it is run, not missing.
                let committed = self.files.values().flatten().any(|p| *p == wanted);
                (found, !wanted.contains('$') && !committed)
            }
            Call::Package(name) => {
                let scripts = self
                    .manifests
                    .iter()
                    .flat_map(|m| m.scripts.iter())
                    .filter(|(n, _)| n == name)
                    .map(|(_, c)| std::slice::from_ref(c))
                    .collect();
                (scripts, false)
            }
        };
        if bodies.is_empty() && must_exist {
            res.unresolved
                .push((simple.to_string(), origin.location.clone()));
        }
        for body in bodies {
            for line in body {
                for s in simple_commands(line) {
                    self.expand(
                        file,
                        job,
                        origin,
                        &s,
                        next_via.clone(),
                        depth + 1,
                        seen,
                        res,
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_from_variables_and_assignments() {
        assert!(task_from_variable("bin/rails $TEST_COMMAND"));
        assert!(task_from_variable("make \"${TARGET}\""));
        assert!(task_from_variable("npm run $SCRIPT"));
        assert!(!task_from_variable("bin/rails test"));
        assert!(!task_from_variable("echo $HOME"));
        assert!(call_of("pusher_arn=\"arn:aws:iam::1:role/x\"").is_none());
        assert!(call_of("--cache-to=type=local,dest=/tmp/.buildx").is_none());
        assert!(matches!(
            call_of("FOO=1 ./scripts/test.sh"),
            Some(Call::Script(s)) if s == "./scripts/test.sh"
        ));
    }

    #[test]
    fn unwraps_wrappers() {
        assert_eq!(
            simple_commands("uv run bash scripts/tests-start.sh cov"),
            [
                "uv run bash scripts/tests-start.sh cov",
                "bash scripts/tests-start.sh cov"
            ]
        );
        assert_eq!(
            simple_commands("docker compose -f a.yml exec -T backend pytest -x"),
            [
                "docker compose -f a.yml exec -T backend pytest -x",
                "pytest -x"
            ]
        );
        assert_eq!(
            simple_commands("docker run --rm -e CI=1 node:20 npm test"),
            ["docker run --rm -e CI=1 node:20 npm test", "npm test"]
        );
        assert_eq!(
            simple_commands("docker compose up -d"),
            ["docker compose up -d"]
        );
    }

    #[test]
    fn splits_simple_commands() {
        assert_eq!(
            simple_commands("CI=1 npm ci && npm test -- --ci | tee out; sudo make deploy"),
            ["npm ci", "npm test -- --ci", "tee out", "make deploy"]
        );
    }

    #[test]
    fn recognises_calls() {
        assert!(matches!(call_of("make -C infra plan"), Some(Call::Make(t)) if t == ["plan"]));
        assert!(matches!(call_of("npm run test:unit"), Some(Call::Package(s)) if s == "test:unit"));
        assert!(matches!(call_of("yarn lint"), Some(Call::Package(s)) if s == "lint"));
        assert!(
            matches!(call_of("./scripts/ci.sh --fast"), Some(Call::Script(s)) if s == "./scripts/ci.sh")
        );
        assert!(
            matches!(call_of("bash -e scripts/test"), Some(Call::Script(s)) if s == "scripts/test")
        );
        assert!(matches!(
            call_of("pre-commit run --all-files"),
            Some(Call::PreCommit)
        ));
        assert!(call_of("echo hi").is_none());
        assert!(call_of("curl https://x/y").is_none());
    }
}
