//! What CI really runs: each CI command split into simple commands, and the
//! ones that call something in the repo expanded (make targets, just recipes,
//! package.json/composer scripts, shell scripts, pre-commit hooks, local
//! composite actions). What cannot be seen (an external reusable workflow, a
//! GitLab include, a make target with no Makefile) is listed as unresolved, so
//! an absence rule can say "inconclusive" instead of "missing".

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use super::ci::{CiCommand, CiFile, CiJob, CiSystem};
use super::text::TaskRunner;
use super::{Location, RepoFacts};

/// How deep calls are followed (`make ci` → `make test` → `./scripts/test.sh` → ...).
const MAX_DEPTH: usize = 5;

/// One simple command CI runs, directly or through a task.
#[derive(Debug, Clone)]
pub(crate) struct Resolved<'a> {
    pub file: &'a CiFile,
    pub job: &'a CiJob,
    /// The CI command it comes from (where a finding can point).
    pub origin: &'a CiCommand,
    /// The simple command.
    pub text: &'a str,
    /// The call chain that led to it (`make test`), empty when CI runs it directly.
    pub via: &'a [String],
}

impl Resolved<'_> {
    /// `go test ./...` or `go test ./... (via make test)`.
    pub(crate) fn describe(&self) -> String {
        if self.via.is_empty() {
            super::signals::shorten(self.text)
        } else {
            format!(
                "{} (via {})",
                super::signals::shorten(self.text),
                self.via.join(" → ")
            )
        }
    }
}

/// A resolution computed once per scan (on first use) and shared by every repo rule
/// that asks what CI runs. Entries point into `RepoFacts::ci` by index.
#[derive(Debug, Default)]
pub(crate) struct CiResolution {
    entries: Vec<Entry>,
    /// Simple commands, repeats included.
    count: usize,
    unresolved: Vec<(String, Location)>,
}

#[derive(Debug)]
struct Entry {
    file: usize,
    job: usize,
    origin: Origin,
    via: Arc<[String]>,
    texts: Texts,
}

#[derive(Debug, Clone, Copy)]
enum Origin {
    Command(usize),
    Uses(usize),
}

#[derive(Debug)]
enum Texts {
    One(String),
    /// The same call reached through many identical bodies (one `test` script in each of
    /// a thousand packages): each distinct command once, in first-seen order, and how many
    /// there were in all.
    Repeated {
        distinct: Arc<[String]>,
        count: usize,
    },
}

/// What CI runs, as the rules read it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resolution<'a> {
    facts: &'a RepoFacts,
    inner: &'a CiResolution,
    /// What CI calls that cannot be seen from here, and where.
    pub unresolved: &'a [(String, Location)],
}

impl<'a> Resolution<'a> {
    /// Every simple command CI runs, in order. A command that one CI command reaches
    /// many times through the same call chain (identical scripts of many packages) comes
    /// once, at its first place: what is looked for is found at the same place.
    pub(crate) fn commands(&self) -> impl Iterator<Item = Resolved<'a>> + 'a {
        let facts = self.facts;
        self.inner.entries.iter().flat_map(move |e| {
            let file = &facts.ci.files[e.file];
            let job = &file.jobs[e.job];
            let origin = match e.origin {
                Origin::Command(i) => &job.commands[i],
                Origin::Uses(i) => &job.uses[i],
            };
            let texts: &'a [String] = match &e.texts {
                Texts::One(t) => std::slice::from_ref(t),
                Texts::Repeated { distinct, .. } => distinct,
            };
            let via: &'a [String] = &e.via;
            texts.iter().map(move |t| Resolved {
                file,
                job,
                origin,
                text: t,
                via,
            })
        })
    }

    /// How many simple commands CI runs, repeats included.
    pub(crate) fn command_count(&self) -> usize {
        self.inner.count
    }
}

/// Bodies a call reaches, cut into what must be expanded and what repeats a body seen
/// before in the same call (whose commands are then all in `seen`: pushed, not followed).
#[derive(Debug, Default)]
struct Pieces<'a> {
    pieces: Vec<Piece<'a>>,
    any: bool,
}

#[derive(Debug)]
enum Piece<'a> {
    Expand(&'a [String]),
    Repeat {
        distinct: Arc<[String]>,
        count: usize,
    },
}

impl<'a> Pieces<'a> {
    fn new(bodies: impl Iterator<Item = &'a [String]>) -> Self {
        let mut out = Pieces::default();
        let mut bodies_seen: HashSet<&'a [String]> = HashSet::new();
        let mut pending: Vec<String> = Vec::new();
        let mut pending_count = 0;
        let flush = |out: &mut Pieces<'a>, pending: &mut Vec<String>, count: &mut usize| {
            if *count > 0 {
                out.pieces.push(Piece::Repeat {
                    distinct: std::mem::take(pending).into(),
                    count: std::mem::take(count),
                });
            }
        };
        let mut distinct_pending: HashSet<String> = HashSet::new();
        for body in bodies {
            out.any = true;
            if bodies_seen.insert(body) {
                flush(&mut out, &mut pending, &mut pending_count);
                distinct_pending.clear();
                out.pieces.push(Piece::Expand(body));
            } else {
                for line in body {
                    for s in simple_commands(line) {
                        pending_count += 1;
                        if distinct_pending.insert(s.clone()) {
                            pending.push(s);
                        }
                    }
                }
            }
        }
        flush(&mut out, &mut pending, &mut pending_count);
        out
    }
}

/// The facts the expansion looks up, indexed once.
struct TaskIndex<'a> {
    /// `(runner, name)` of make targets and just recipes → task indices, in order.
    named: HashMap<TaskRunner, HashMap<&'a str, Vec<usize>>>,
    /// File name of a script → task indices, in order.
    scripts: HashMap<&'a str, Vec<usize>>,
    /// Package script name → bodies, in manifest order.
    package_scripts: HashMap<&'a str, Vec<&'a String>>,
    pre_commit_hooks: Vec<&'a String>,
    /// Directory of a composite action → its first file.
    actions: HashMap<&'a str, usize>,
    /// Every scanned path.
    committed: HashSet<&'a str>,
}

impl<'a> TaskIndex<'a> {
    fn new(facts: &'a RepoFacts) -> Self {
        let mut named: HashMap<TaskRunner, HashMap<&'a str, Vec<usize>>> = HashMap::new();
        let mut scripts: HashMap<&'a str, Vec<usize>> = HashMap::new();
        let mut pre_commit_hooks = Vec::new();
        for (i, t) in facts.tasks.iter().enumerate() {
            match t.runner {
                TaskRunner::Script => scripts.entry(file_name(&t.path)).or_default().push(i),
                TaskRunner::PreCommit => pre_commit_hooks.extend(t.commands.iter()),
                runner => named
                    .entry(runner)
                    .or_default()
                    .entry(t.name.as_str())
                    .or_default()
                    .push(i),
            }
        }
        let mut package_scripts: HashMap<&'a str, Vec<&'a String>> = HashMap::new();
        for m in &facts.manifests {
            for (name, body) in &m.scripts {
                package_scripts.entry(name.as_str()).or_default().push(body);
            }
        }
        let mut actions = HashMap::new();
        for (i, f) in facts.ci.files.iter().enumerate() {
            if f.system == CiSystem::GithubAction {
                actions.entry(super::dir_of(&f.path)).or_insert(i);
            }
        }
        let committed = facts.files.values().flatten().map(String::as_str).collect();
        TaskIndex {
            named,
            scripts,
            package_scripts,
            pre_commit_hooks,
            actions,
            committed,
        }
    }

    fn named(&self, runner: TaskRunner, name: &str) -> &[usize] {
        self.named
            .get(&runner)
            .and_then(|m| m.get(name))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// One resolution pass: the index, the pieces of each call seen so far, the output.
struct Resolver<'a> {
    facts: &'a RepoFacts,
    index: TaskIndex<'a>,
    calls: HashMap<Call, Rc<Pieces<'a>>>,
    pre_commit: Option<Arc<[String]>>,
    out: CiResolution,
}

/// Where a simple command comes from: file, job and CI command, by index.
#[derive(Clone, Copy)]
struct At {
    file: usize,
    job: usize,
    origin: Origin,
}

impl RepoFacts {
    /// Every simple command CI runs, with calls into the repo expanded (computed once).
    pub(crate) fn resolve_ci(&self) -> Resolution<'_> {
        let inner = self.ci_resolution.get_or_init(|| {
            let mut r = Resolver {
                facts: self,
                index: TaskIndex::new(self),
                calls: HashMap::new(),
                pre_commit: None,
                out: CiResolution::default(),
            };
            r.run();
            r.out
        });
        Resolution {
            facts: self,
            inner,
            unresolved: &inner.unresolved,
        }
    }
}

impl<'a> Resolver<'a> {
    fn run(&mut self) {
        let facts = self.facts;
        for (fi, file) in facts.ci.files.iter().enumerate() {
            if file.system == CiSystem::GithubAction {
                continue;
            }
            for (ji, job) in file.jobs.iter().enumerate() {
                for (ci, cmd) in job.commands.iter().enumerate() {
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
                        self.out.unresolved.push((
                            format!(
                                "`{}` (set by a matrix or inputs)",
                                super::signals::shorten(&cmd.text)
                            ),
                            cmd.location.clone(),
                        ));
                    }
                    let at = At {
                        file: fi,
                        job: ji,
                        origin: Origin::Command(ci),
                    };
                    for simple in simple_commands(&cmd.text) {
                        if task_from_variable(&simple) {
                            self.out.unresolved.push((
                                format!(
                                    "`{}` (its task comes from a variable)",
                                    super::signals::shorten(&simple)
                                ),
                                cmd.location.clone(),
                            ));
                        }
                        let mut seen = HashSet::new();
                        self.expand(at, cmd, simple, &Arc::from([]), 0, &mut seen);
                    }
                }
                for (ui, u) in job.uses.iter().enumerate() {
                    let at = At {
                        file: fi,
                        job: ji,
                        origin: Origin::Uses(ui),
                    };
                    self.expand_uses(at, u);
                }
            }
        }
    }

    fn push(&mut self, at: At, via: &Arc<[String]>, texts: Texts) {
        self.out.count += match &texts {
            Texts::One(_) => 1,
            Texts::Repeated { count, .. } => *count,
        };
        self.out.entries.push(Entry {
            file: at.file,
            job: at.job,
            origin: at.origin,
            via: via.clone(),
            texts,
        });
    }

    fn expand_uses(&mut self, at: At, u: &'a CiCommand) {
        let text = u.text.as_str();
        let lower = text.to_ascii_lowercase();
        if lower.contains("pre-commit") {
            self.expand_pre_commit(at, u, &Arc::from([text.to_string()]));
            return;
        }
        if let Some(local) = text.strip_prefix("./") {
            if local.contains(".github/workflows/") {
                // An in-repo reusable workflow: its commands are read with the other workflows.
                return;
            }
            let dir = norm_path(local);
            let facts = self.facts;
            match self.index.actions.get(dir.as_str()).copied() {
                Some(a) => {
                    let via: Arc<[String]> = Arc::from([text.to_string()]);
                    for j in &facts.ci.files[a].jobs {
                        for c in &j.commands {
                            for simple in simple_commands(&c.text) {
                                let mut seen = HashSet::new();
                                self.expand(at, u, simple, &via, 1, &mut seen);
                            }
                        }
                    }
                }
                None => self
                    .out
                    .unresolved
                    .push((format!("local action {text}"), u.location.clone())),
            }
            return;
        }
        let external_workflow = lower.contains("/.github/workflows/");
        let gitlab_include = lower.starts_with("include ") && !lower.starts_with("include local");
        if external_workflow || gitlab_include {
            self.out
                .unresolved
                .push((text.to_string(), u.location.clone()));
        }
    }

    fn expand_pre_commit(&mut self, at: At, origin: &'a CiCommand, via: &Arc<[String]>) {
        if self.index.pre_commit_hooks.is_empty() {
            self.out.unresolved.push((
                "pre-commit (no .pre-commit-config.yaml found)".into(),
                origin.location.clone(),
            ));
            return;
        }
        let hooks = &self.index.pre_commit_hooks;
        let count = hooks.len();
        let distinct = self
            .pre_commit
            .get_or_insert_with(|| {
                let mut seen = HashSet::new();
                hooks
                    .iter()
                    .filter(|h| seen.insert(h.as_str()))
                    .map(|h| format!("pre-commit hook {h}"))
                    .collect()
            })
            .clone();
        self.push(at, via, Texts::Repeated { distinct, count });
    }

    /// The bodies a call reaches (memoised: they depend on the call alone), and whether
    /// finding none means CI calls what this repo does not hold.
    fn bodies(&mut self, call: &Call) -> (Rc<Pieces<'a>>, bool) {
        let must_exist = match call {
            // A committed file that is not a shell script (a binstub, a wrapper such as
            // `gradlew`) is there: it is run, not missing.
            Call::Script(path) => {
                let wanted = norm_path(path);
                !wanted.contains('$') && !self.index.committed.contains(wanted.as_str())
            }
            Call::Package(_) => false,
            _ => true,
        };
        if let Some(p) = self.calls.get(call) {
            return (p.clone(), must_exist);
        }
        let facts = self.facts;
        let index = &self.index;
        let task_bodies = |ids: Vec<usize>| -> Pieces<'a> {
            Pieces::new(ids.into_iter().map(|i| facts.tasks[i].commands.as_slice()))
        };
        let pieces = match call {
            Call::PreCommit => Pieces::default(),
            Call::Make(targets) => {
                let wanted: Vec<&str> = if targets.is_empty() {
                    ["all", "default", "build"]
                        .into_iter()
                        .find(|t| !index.named(TaskRunner::Make, t).is_empty())
                        .into_iter()
                        .collect()
                } else {
                    targets.iter().map(String::as_str).collect()
                };
                let mut ids: Vec<usize> = wanted
                    .iter()
                    .flat_map(|t| index.named(TaskRunner::Make, t).iter().copied())
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                task_bodies(ids)
            }
            Call::Just(name) => task_bodies(index.named(TaskRunner::Just, name).to_vec()),
            Call::Script(path) => {
                let wanted = norm_path(path);
                let suffix = format!("/{wanted}");
                let ids = index
                    .scripts
                    .get(file_name(&wanted))
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|&i| {
                        let p = &facts.tasks[i].path;
                        *p == wanted || p.ends_with(&suffix)
                    })
                    .collect();
                task_bodies(ids)
            }
            Call::Package(name) => Pieces::new(
                index
                    .package_scripts
                    .get(name.as_str())
                    .into_iter()
                    .flatten()
                    .map(|c| std::slice::from_ref(*c)),
            ),
        };
        let pieces = Rc::new(pieces);
        self.calls.insert(call.clone(), pieces.clone());
        (pieces, must_exist)
    }

    fn expand(
        &mut self,
        at: At,
        origin: &'a CiCommand,
        simple: String,
        via: &Arc<[String]>,
        depth: usize,
        seen: &mut HashSet<String>,
    ) {
        if depth >= MAX_DEPTH || seen.contains(&simple) {
            self.push(at, via, Texts::One(simple));
            return;
        }
        seen.insert(simple.clone());
        let call = call_of(&simple);
        let next_via: Arc<[String]> = match &call {
            Some(_) => via
                .iter()
                .cloned()
                .chain(std::iter::once(super::signals::shorten(&simple)))
                .collect(),
            None => via.clone(),
        };
        let simple_for_unresolved = call.as_ref().map(|_| simple.clone());
        self.push(at, via, Texts::One(simple));
        let Some(call) = call else {
            return;
        };
        if let Call::PreCommit = call {
            self.expand_pre_commit(at, origin, &next_via);
            return;
        }
        let (bodies, must_exist) = self.bodies(&call);
        if !bodies.any && must_exist {
            if let Some(s) = simple_for_unresolved {
                self.out.unresolved.push((s, origin.location.clone()));
            }
        }
        for piece in &bodies.pieces {
            match piece {
                Piece::Expand(body) => {
                    for line in body.iter() {
                        for s in simple_commands(line) {
                            self.expand(at, origin, s, &next_via, depth + 1, seen);
                        }
                    }
                }
                Piece::Repeat { distinct, count } => self.push(
                    at,
                    &next_via,
                    Texts::Repeated {
                        distinct: distinct.clone(),
                        count: *count,
                    },
                ),
            }
        }
    }
}

/// Splits a shell line into simple commands (`a && b | c; d`), dropping leading
/// `VAR=value` assignments and wrappers (`sudo`, `time`, `exec`, `env`).
pub(crate) fn simple_commands(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for mut words in crate::parse::shell::loose_commands(line) {
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
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
