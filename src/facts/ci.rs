//! CI: which systems are configured, their jobs and the commands they run
//! (with where), the actions/orbs/templates they use, and the deployment
//! environments they name.
//!
//! GitHub Actions, composite actions, GitLab CI and CircleCI are read from the
//! typed CI model (`crate::model::ci`), with each script line located exactly;
//! what the model does not keep (GitLab `include:`, CircleCI orb jobs) and the
//! other systems (Bitbucket, Azure, Travis, Jenkins, ...) are read line by line.

use std::collections::BTreeSet;

use super::env::{EnvContext, EnvSetting};
use super::yaml_lines::{self, YLine};
use super::{loc_at, loc_line1, Location};
use crate::source::{FileKind, SourceFile};

/// Most commands kept per file (a generated 50,000-line pipeline is not read whole).
const MAX_COMMANDS: usize = 4000;

#[derive(Debug, Default, serde::Serialize)]
pub struct CiFacts {
    /// `github-actions`, `gitlab-ci`, `circleci`, `jenkins`, ... (sorted by name)
    pub systems: BTreeSet<CiSystem>,
    pub files: Vec<CiFile>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CiFile {
    pub path: String,
    /// The CI system, or [`CiSystem::GithubAction`] for a composite action's `action.yml`.
    pub system: CiSystem,
    #[serde(serialize_with = "super::ser_loc")]
    pub location: Location,
    pub jobs: Vec<CiJob>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CiJob {
    pub name: String,
    #[serde(serialize_with = "super::ser_loc")]
    pub location: Location,
    pub commands: Vec<CiCommand>,
    /// Actions, orbs, reusable workflows, templates and includes (as written).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub uses: Vec<CiCommand>,
    /// The deployment environment the job targets (`environment: production`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CiCommand {
    pub text: String,
    #[serde(serialize_with = "super::ser_loc")]
    pub location: Location,
}

impl CiFacts {
    pub(crate) fn merge(&mut self, file: CiFile) {
        if file.system.is_pipeline() {
            self.systems.insert(file.system);
        }
        self.files.push(file);
    }

    pub(crate) fn finish(&mut self) {
        self.files.sort_by(|a, b| a.path.cmp(&b.path));
    }

    /// Files of CI systems (not composite actions).
    pub(crate) fn pipelines(&self) -> impl Iterator<Item = &CiFile> {
        self.files.iter().filter(|f| f.system.is_pipeline())
    }

    pub(crate) fn is_present(&self) -> bool {
        !self.systems.is_empty()
    }

    /// The main pipeline: the CI file that runs the most commands (then by path), where
    /// a finding about what CI lacks points.
    pub(crate) fn main_pipeline(&self) -> Option<&CiFile> {
        self.pipelines().max_by(|a, b| {
            let count = |f: &CiFile| {
                f.jobs
                    .iter()
                    .map(|j| j.commands.len() + j.uses.len())
                    .sum::<usize>()
            };
            count(a).cmp(&count(b)).then_with(|| b.path.cmp(&a.path))
        })
    }
}

/// A CI system, as `devops-lint facts` names it (`github-actions`, `gitlab-ci`, ...), or
/// a GitHub composite action (`github-action`), which runs inside another system's jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CiSystem {
    GithubActions,
    /// A composite action's `action.yml`: not a pipeline of its own.
    GithubAction,
    GitlabCi,
    Circleci,
    BitbucketPipelines,
    AzurePipelines,
    Travis,
    Drone,
    AwsCodebuild,
    GoogleCloudBuild,
    Appveyor,
    Woodpecker,
    Jenkins,
    Buildkite,
    OtherCi,
}

impl CiSystem {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            CiSystem::GithubActions => "github-actions",
            CiSystem::GithubAction => "github-action",
            CiSystem::GitlabCi => "gitlab-ci",
            CiSystem::Circleci => "circleci",
            CiSystem::BitbucketPipelines => "bitbucket-pipelines",
            CiSystem::AzurePipelines => "azure-pipelines",
            CiSystem::Travis => "travis",
            CiSystem::Drone => "drone",
            CiSystem::AwsCodebuild => "aws-codebuild",
            CiSystem::GoogleCloudBuild => "google-cloud-build",
            CiSystem::Appveyor => "appveyor",
            CiSystem::Woodpecker => "woodpecker",
            CiSystem::Jenkins => "jenkins",
            CiSystem::Buildkite => "buildkite",
            CiSystem::OtherCi => "other-ci",
        }
    }

    /// A pipeline of a CI system (everything but a composite action).
    pub(crate) fn is_pipeline(self) -> bool {
        self != CiSystem::GithubAction
    }
}

// NOTE: ordered by name, so `CiFacts::systems` lists (and DLV001 cites) them as the
// strings did before they were typed.
impl Ord for CiSystem {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for CiSystem {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for CiSystem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for CiSystem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The CI system of a file, from its path and kind.
pub(crate) fn system_of(path: &str, kind: FileKind) -> Option<CiSystem> {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    Some(match kind {
        FileKind::GithubWorkflow => CiSystem::GithubActions,
        FileKind::GithubAction => CiSystem::GithubAction,
        FileKind::GitlabCi => CiSystem::GitlabCi,
        FileKind::Circleci => CiSystem::Circleci,
        FileKind::OtherCi => match name {
            "bitbucket-pipelines.yml" => CiSystem::BitbucketPipelines,
            "azure-pipelines.yml" | "azure-pipelines.yaml" => CiSystem::AzurePipelines,
            ".travis.yml" => CiSystem::Travis,
            ".drone.yml" => CiSystem::Drone,
            "buildspec.yml" => CiSystem::AwsCodebuild,
            "cloudbuild.yaml" | "cloudbuild.yml" => CiSystem::GoogleCloudBuild,
            "appveyor.yml" => CiSystem::Appveyor,
            ".woodpecker.yml" => CiSystem::Woodpecker,
            n if n == "jenkinsfile" || n.starts_with("jenkinsfile.") => CiSystem::Jenkins,
            _ if lower.contains(".buildkite/") => CiSystem::Buildkite,
            _ => CiSystem::OtherCi,
        },
        _ if yaml
            && (lower.starts_with(".gitea/workflows/")
                || lower.starts_with(".forgejo/workflows/")) =>
        {
            CiSystem::GithubActions
        }
        _ if yaml && lower.starts_with(".woodpecker/") => CiSystem::Woodpecker,
        _ if lower == "circle.yml" => CiSystem::Circleci,
        _ if yaml && lower.starts_with(".gitlab/ci/") => CiSystem::GitlabCi,
        _ => return None,
    })
}

/// The column a block scalar's lines must be deeper than: the key's, or for a bare
/// `- |` list item, the dash's.
fn block_indent(l: &YLine<'_>) -> usize {
    if l.key.is_none() && l.list_item {
        l.outer_indent
    } else {
        l.indent
    }
}

fn is_env_name(k: &str) -> bool {
    k.len() >= 2
        && k.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && k.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Reads one CI file from its parsed model when there is one, else line by line.
pub(crate) fn collect_parsed(
    file: &SourceFile,
    parsed: &crate::model::Parsed,
    system: CiSystem,
    env: &mut Vec<EnvSetting>,
) -> CiFile {
    use crate::model::ci::CiModel;
    use crate::model::Parsed;
    let mut ci = CiFile {
        path: file.path.clone(),
        system,
        location: loc_line1(file),
        jobs: Vec::new(),
    };
    match parsed {
        Parsed::Ci(CiModel::Workflow(wf), _) => {
            for job in &wf.jobs {
                let mut j = typed_job(file, &job.id, job.id_span);
                for step in &job.steps {
                    typed_step(file, step, &mut j);
                }
                if let Some(uses) = &job.uses {
                    j.uses.push(command_at(file, &uses.text, uses.span));
                }
                j.environment = job.environment.as_ref().map(|(e, _)| e.clone());
                ci.jobs.push(j);
            }
            typed_env(file, wf.env_vars().into_iter().map(|(_, v)| v), env);
        }
        Parsed::Ci(CiModel::Action(action), _) => {
            let mut j = typed_job(file, "(action)", file.first_line_span());
            for step in &action.steps {
                typed_step(file, step, &mut j);
            }
            ci.jobs.push(j);
            typed_env(file, action.env_vars().into_iter().map(|(_, v)| v), env);
        }
        Parsed::Ci(CiModel::Gitlab(gitlab), _) => {
            for job in gitlab.default.iter().chain(&gitlab.jobs) {
                let mut j = typed_job(file, &job.name, job.name_span);
                for script in &job.script {
                    push_script(file, &script.text, script.span, &mut j);
                }
                j.environment = job.environment.as_ref().map(|(e, _)| e.clone());
                ci.jobs.push(j);
            }
            typed_env(file, gitlab.env_vars().into_iter().map(|(_, v)| v), env);
            // `include:` is not in the model: read it line by line.
            let mut lines_job = collect(file, system, &mut Vec::new());
            let includes: Vec<CiCommand> = lines_job
                .jobs
                .iter_mut()
                .flat_map(|j| std::mem::take(&mut j.uses))
                .filter(|u| u.text.starts_with("include "))
                .collect();
            if !includes.is_empty() {
                let mut j = typed_job(file, "(include)", file.first_line_span());
                j.uses = includes;
                ci.jobs.push(j);
            }
        }
        Parsed::Ci(CiModel::Circleci(circle), _) => {
            for job in circle.jobs.iter().chain(&circle.commands) {
                let mut j = typed_job(file, &job.name, job.name_span);
                for script in &job.steps {
                    push_script(file, &script.text, script.span, &mut j);
                }
                ci.jobs.push(j);
            }
            typed_env(file, circle.env_vars().into_iter().map(|(_, v)| v), env);
            // Orb jobs and orb commands are not in the model: read them line by line.
            let lines_ci = collect(file, system, &mut Vec::new());
            let mut orbs = typed_job(file, "(orbs)", file.first_line_span());
            orbs.uses = lines_ci.jobs.into_iter().flat_map(|j| j.uses).collect();
            if !orbs.uses.is_empty() {
                ci.jobs.push(orbs);
            }
        }
        _ => return collect(file, system, env),
    }
    ci
}

fn typed_job(file: &SourceFile, name: &str, span: crate::source::Span) -> CiJob {
    CiJob {
        name: name.to_string(),
        location: loc_at(file, span.start as usize, span.end as usize),
        commands: Vec::new(),
        uses: Vec::new(),
        environment: None,
    }
}

fn command_at(file: &SourceFile, text: &str, span: crate::source::Span) -> CiCommand {
    CiCommand {
        text: text.to_string(),
        location: loc_at(file, span.start as usize, span.end as usize),
    }
}

fn typed_step(file: &SourceFile, step: &crate::model::ci::Step, job: &mut CiJob) {
    if let Some(uses) = &step.uses {
        job.uses.push(command_at(file, &uses.text, uses.span));
    }
    if let Some(run) = &step.run {
        push_script(file, &run.text, run.span, job);
    }
}

/// One command per logical line of a script (continuations joined), each located at its
/// line inside the scalar's source.
fn push_script(file: &SourceFile, text: &str, span: crate::source::Span, job: &mut CiJob) {
    let raw = file.slice(span);
    let mut cursor = 0usize;
    let mut pending: Option<(String, usize)> = None;
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let at = match raw.get(cursor..).and_then(|r| r.find(t)) {
            Some(i) => {
                cursor += i + t.len();
                span.start as usize + cursor - t.len()
            }
            None => span.start as usize,
        };
        let (acc, start) = match pending.take() {
            Some((mut acc, start)) => {
                acc.push(' ');
                acc.push_str(t);
                (acc, start)
            }
            None => (t.to_string(), at),
        };
        if let Some(stripped) = acc.strip_suffix('\\') {
            pending = Some((stripped.trim_end().to_string(), start));
        } else if job.commands.len() < MAX_COMMANDS {
            job.commands.push(CiCommand {
                location: loc_at(file, start, start + acc.len().min(t.len().max(1))),
                text: acc,
            });
        }
    }
    if let Some((acc, start)) = pending {
        job.commands.push(CiCommand {
            location: loc_at(file, start, start + 1),
            text: acc,
        });
    }
}

fn typed_env<'a>(
    file: &SourceFile,
    vars: impl Iterator<Item = &'a crate::model::ci::EnvVar>,
    env: &mut Vec<EnvSetting>,
) {
    for v in vars.filter(|v| is_env_name(&v.key)) {
        env.push(EnvSetting {
            name: v.key.clone(),
            context: EnvContext::Ci,
            literal: v
                .value
                .as_deref()
                .is_some_and(|x| !x.is_empty() && !x.contains('$')),
            from_store: false,
            location: loc_at(file, v.key_span.start as usize, v.key_span.end as usize),
        });
    }
}

/// Reads one CI file line by line.
pub(crate) fn collect(file: &SourceFile, system: CiSystem, env: &mut Vec<EnvSetting>) -> CiFile {
    let mut ci = CiFile {
        path: file.path.clone(),
        system,
        location: loc_line1(file),
        jobs: Vec::new(),
    };
    let lower = file.path.to_ascii_lowercase();
    if !(lower.ends_with(".yml") || lower.ends_with(".yaml")) {
        ci.jobs.push(text_job(file));
        return ci;
    }
    let lines = yaml_lines::lines(&file.text);
    let mut reader = Reader {
        file,
        lines: &lines,
        env,
        count: 0,
    };
    let circle_v1 = lower == "circle.yml";
    match system {
        CiSystem::GithubActions => reader.jobs_under("jobs", &mut ci.jobs),
        CiSystem::Circleci if !circle_v1 => reader.jobs_under("jobs", &mut ci.jobs),
        CiSystem::GithubAction => {
            let mut job = reader.job("(action)", loc_line1(file));
            reader.body(0, lines.len(), &mut job);
            ci.jobs.push(job);
        }
        CiSystem::GitlabCi => reader.gitlab(&mut ci.jobs),
        _ => {
            let mut job = reader.job("(pipeline)", loc_line1(file));
            reader.body(0, lines.len(), &mut job);
            ci.jobs.push(job);
        }
    }
    if system == CiSystem::Circleci && !circle_v1 {
        // Orb jobs named in workflows (`- node/test`) run too.
        let mut wf = reader.job("(workflows)", loc_line1(file));
        if let Some(i) = lines
            .iter()
            .position(|l| l.outer_indent == 0 && l.key == Some("workflows"))
        {
            let end = yaml_lines::end_of_node(&lines, i);
            for l in &lines[i + 1..end] {
                let name = match (l.list_item, l.key, l.value) {
                    (true, Some(k), None) => Some(k),
                    (true, None, Some(v)) => Some(v),
                    _ => None,
                };
                if let Some(n) = name.filter(|n| n.contains('/')) {
                    wf.uses.push(CiCommand {
                        text: n.to_string(),
                        location: loc_at(file, l.offset, l.offset + n.len()),
                    });
                }
            }
        }
        if !wf.uses.is_empty() {
            ci.jobs.push(wf);
        }
    }
    ci
}

/// A non-YAML pipeline (Jenkinsfile): every line is a potential command.
fn text_job(file: &SourceFile) -> CiJob {
    let mut job = CiJob {
        name: "(pipeline)".into(),
        location: loc_line1(file),
        commands: Vec::new(),
        uses: Vec::new(),
        environment: None,
    };
    let mut offset = 0;
    for line in file.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let t = line.trim();
        if t.is_empty() || t.starts_with("//") || t.len() < 3 || job.commands.len() >= MAX_COMMANDS
        {
            continue;
        }
        let at = start + (line.len() - line.trim_start().len());
        job.commands.push(CiCommand {
            text: t.to_string(),
            location: loc_at(file, at, at + t.len()),
        });
    }
    job
}

struct Reader<'a, 'l> {
    file: &'a SourceFile,
    lines: &'l [YLine<'l>],
    env: &'a mut Vec<EnvSetting>,
    count: usize,
}

const GITLAB_RESERVED: &[&str] = &[
    "stages",
    "variables",
    "default",
    "include",
    "image",
    "services",
    "workflow",
    "cache",
    "before_script",
    "after_script",
    "spec",
];

impl Reader<'_, '_> {
    fn job(&self, name: &str, location: Location) -> CiJob {
        CiJob {
            name: name.to_string(),
            location,
            commands: Vec::new(),
            uses: Vec::new(),
            environment: None,
        }
    }

    fn line_loc(&self, l: &YLine<'_>) -> Location {
        loc_at(self.file, l.offset, l.offset + l.content.len())
    }

    /// Jobs are the keys under a top-level `key:`.
    fn jobs_under(&mut self, key: &str, jobs: &mut Vec<CiJob>) {
        let lines = self.lines;
        let Some(i) = lines
            .iter()
            .position(|l| l.outer_indent == 0 && l.key == Some(key))
        else {
            return;
        };
        let end = yaml_lines::end_of_node(lines, i);
        let Some(child) = lines.get(i + 1).filter(|_| i + 1 < end).map(|l| l.indent) else {
            return;
        };
        let mut j = i + 1;
        while j < end {
            let l = &lines[j];
            let next = yaml_lines::end_of_node(lines, j).min(end);
            if l.indent == child {
                if let Some(name) = l.key {
                    let mut job =
                        self.job(name, loc_at(self.file, l.offset, l.offset + name.len()));
                    self.body(j + 1, next, &mut job);
                    jobs.push(job);
                }
            }
            j = next.max(j + 1);
        }
    }

    fn gitlab(&mut self, jobs: &mut Vec<CiJob>) {
        let lines = self.lines;
        let mut defaults = self.job("(default)", loc_line1(self.file));
        let mut j = 0;
        while j < lines.len() {
            let l = &lines[j];
            let next = yaml_lines::end_of_node(lines, j);
            if l.outer_indent == 0 {
                match l.key {
                    Some("include") => {
                        for c in &lines[j..next] {
                            if let Some(v) = c.value.filter(|_| c.key != Some("include")) {
                                defaults.uses.push(CiCommand {
                                    text: format!("include {v}"),
                                    location: self.line_loc(c),
                                });
                            }
                        }
                    }
                    Some(k @ ("before_script" | "after_script" | "default" | "variables")) => {
                        let _ = k;
                        self.body(j, next, &mut defaults);
                    }
                    Some(name) if !GITLAB_RESERVED.contains(&name) => {
                        let mut job =
                            self.job(name, loc_at(self.file, l.offset, l.offset + name.len()));
                        self.body(j + 1, next, &mut job);
                        jobs.push(job);
                    }
                    _ => {}
                }
            }
            j = next.max(j + 1);
        }
        if !defaults.commands.is_empty() || !defaults.uses.is_empty() {
            jobs.insert(0, defaults);
        }
    }

    fn push_command(&mut self, job: &mut CiJob, text: &str, start: usize) {
        if self.count >= MAX_COMMANDS {
            return;
        }
        let t = text.trim();
        if t.is_empty() || t.starts_with('#') {
            return;
        }
        self.count += 1;
        job.commands.push(CiCommand {
            text: t.to_string(),
            location: loc_at(self.file, start, start + t.len()),
        });
    }

    /// The commands of a block scalar at `lines[i]`, one per line (continuations joined).
    fn block(&mut self, i: usize, job: &mut CiJob) -> usize {
        let lines = self.lines;
        let key_indent = block_indent(&lines[i]);
        let mut j = i + 1;
        let mut pending: Option<(String, usize)> = None;
        while j < lines.len() && lines[j].outer_indent > key_indent {
            let l = &lines[j];
            let start = l.offset - (l.indent - l.outer_indent);
            let end = self.file.text[start..]
                .find('\n')
                .map(|n| start + n)
                .unwrap_or(self.file.text.len());
            let raw = self.file.text[start..end].trim();
            let (text, at) = match pending.take() {
                Some((mut acc, at)) => {
                    acc.push(' ');
                    acc.push_str(raw);
                    (acc, at)
                }
                None => (raw.to_string(), start),
            };
            if let Some(stripped) = text.strip_suffix('\\') {
                pending = Some((stripped.trim_end().to_string(), at));
            } else {
                self.push_command(job, &text, at);
            }
            j += 1;
        }
        if let Some((text, at)) = pending {
            self.push_command(job, &text, at);
        }
        j
    }

    /// Commands, uses, environments and env names in `lines[from..to]`.
    fn body(&mut self, from: usize, to: usize, job: &mut CiJob) {
        let lines = self.lines;
        let mut i = from;
        while i < to {
            let l = &lines[i];
            let key = l.key;
            if l.is_block_scalar() {
                let command_key = matches!(
                    key,
                    None | Some(
                        "run"
                            | "script"
                            | "command"
                            | "commands"
                            | "before_script"
                            | "after_script"
                            | "inline"
                            | "inlineScript"
                            | "bash"
                            | "sh"
                            | "pwsh"
                            | "powershell"
                            | "cmd"
                    )
                );
                let next = if command_key {
                    self.block(i, job)
                } else {
                    yaml_lines::block_scalar(&self.file.text, lines, i).3
                };
                i = next.max(i + 1);
                continue;
            }
            match key {
                Some(
                    "run" | "command" | "commands" | "script" | "before_script" | "after_script"
                    | "inline" | "inlineScript" | "bash" | "sh" | "pwsh" | "powershell" | "cmd"
                    | "install" | "before_install" | "after_success" | "deploy" | "build" | "test",
                ) => {
                    if let Some(v) = l
                        .value
                        .filter(|v| !v.starts_with('{') && !v.starts_with('['))
                    {
                        self.push_command(job, v, l.value_offset);
                    } else if let Some(v) = l.value {
                        // Flow list: `script: [make test, make lint]`.
                        for part in v.trim_matches(['[', ']']).split(',') {
                            self.push_command(
                                job,
                                part.trim().trim_matches(['"', '\'']),
                                l.value_offset,
                            );
                        }
                    }
                }
                Some("uses" | "template" | "extends" | "trigger" | "orb") => {
                    if let Some(v) = l.value {
                        job.uses.push(CiCommand {
                            text: v.to_string(),
                            location: loc_at(self.file, l.value_offset, l.value_offset + v.len()),
                        });
                    }
                }
                Some("environment") => match l.value {
                    Some(v) => job.environment = Some(v.to_string()),
                    None => {
                        let end = yaml_lines::end_of_node(lines, i).min(to);
                        for c in &lines[i + 1..end] {
                            if c.key == Some("name") {
                                job.environment = c.value.map(str::to_string);
                            } else if let Some(k) = c.key.filter(|k| is_env_name(k)) {
                                self.env_var(k, c);
                            }
                        }
                        i = end;
                        continue;
                    }
                },
                Some("env" | "variables") => {
                    let end = yaml_lines::end_of_node(lines, i).min(to);
                    for c in &lines[i + 1..end] {
                        if let Some(k) = c.key.filter(|k| is_env_name(k)) {
                            self.env_var(k, c);
                        }
                    }
                }
                None if l.list_item => {
                    // A bare list item under a script key is a command; elsewhere
                    // (CircleCI steps such as `- checkout`, `- node/test`) a step name.
                    if let Some(v) = l.value {
                        let parent_is_script = self.parent_key(i).is_some_and(|p| {
                            matches!(
                                p,
                                "script"
                                    | "before_script"
                                    | "after_script"
                                    | "commands"
                                    | "command"
                                    | "install"
                                    | "before_install"
                                    | "after_success"
                                    | "deploy"
                                    | "test"
                                    | "build"
                            )
                        });
                        if parent_is_script || job.name == "(pipeline)" {
                            self.push_command(job, v, l.value_offset);
                        } else if v.contains('/') || !v.contains(' ') {
                            job.uses.push(CiCommand {
                                text: v.to_string(),
                                location: loc_at(
                                    self.file,
                                    l.value_offset,
                                    l.value_offset + v.len(),
                                ),
                            });
                        }
                    }
                }
                Some(k) if l.list_item && k.contains('/') => {
                    // CircleCI orb command with parameters: `- node/install-packages:`.
                    job.uses.push(CiCommand {
                        text: k.to_string(),
                        location: self.line_loc(l),
                    });
                }
                _ => {}
            }
            i += 1;
        }
    }

    /// The key of the nearest line above `i` that is less indented.
    fn parent_key(&self, i: usize) -> Option<&str> {
        let indent = self.lines[i].outer_indent;
        self.lines[..i]
            .iter()
            .rev()
            .find(|l| l.outer_indent < indent || (l.outer_indent == indent && !l.list_item))
            .and_then(|l| l.key)
    }

    fn env_var(&mut self, name: &str, l: &YLine<'_>) {
        self.env.push(EnvSetting {
            name: name.to_string(),
            context: EnvContext::Ci,
            literal: l
                .value
                .is_some_and(|v| !v.contains("${{") && !v.contains('$')),
            from_store: false,
            location: loc_at(self.file, l.offset, l.offset + name.len()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &str, kind: FileKind, text: &str) -> CiFile {
        let file = SourceFile::new(path.into(), kind, text.into());
        let system = system_of(path, kind).expect("a CI file");
        let lines = collect(&file, system, &mut Vec::new());
        let (parsed, _) = crate::model::parse(&file);
        let typed = collect_parsed(&file, &parsed, system, &mut Vec::new());
        // Both readers agree on the commands (the typed one is used when YAML parses).
        let flat = |ci: &CiFile| -> Vec<(String, u32)> {
            ci.jobs
                .iter()
                .flat_map(|j| {
                    j.commands
                        .iter()
                        .map(|c| (c.text.clone(), c.location.start.line))
                })
                .collect()
        };
        assert_eq!(
            flat(&lines),
            flat(&typed),
            "line and typed readers differ on {path}"
        );
        typed
    }

    fn commands(ci: &CiFile) -> Vec<(String, String, u32)> {
        ci.jobs
            .iter()
            .flat_map(|j| {
                j.commands
                    .iter()
                    .map(move |c| (j.name.clone(), c.text.clone(), c.location.start.line))
            })
            .collect()
    }

    #[test]
    fn github_actions_jobs_commands_uses_environment() {
        let text = "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci\n      - name: Test\n        run: |\n          npm test -- \\\n            --coverage\n          echo done\n  deploy:\n    environment:\n      name: production\n    env:\n      AWS_REGION: eu-west-1\n    steps:\n      - run: terraform apply -auto-approve\n";
        let ci = read(".github/workflows/ci.yml", FileKind::GithubWorkflow, text);
        assert_eq!(ci.system, CiSystem::GithubActions);
        assert_eq!(
            commands(&ci),
            [
                ("test".into(), "npm ci".into(), 8),
                ("test".into(), "npm test -- --coverage".into(), 11),
                ("test".into(), "echo done".into(), 13),
                ("deploy".into(), "terraform apply -auto-approve".into(), 20),
            ]
        );
        assert_eq!(ci.jobs[0].uses[0].text, "actions/checkout@v4");
        assert_eq!(ci.jobs[1].environment.as_deref(), Some("production"));
        assert_eq!(ci.jobs[0].location.start.line, 4);
    }

    #[test]
    fn gitlab_jobs_scripts_and_includes() {
        let text = "include:\n  - project: acme/ci\n    file: /templates.yml\nstages: [test, deploy]\nvariables:\n  DD_API_KEY: $DD\nbefore_script:\n  - bundle install\nrspec:\n  stage: test\n  script:\n    - bundle exec rspec\n    - |\n      echo one\n      echo two\n.hidden:\n  script: make lint\ndeploy:\n  environment: production\n  script: [\"kubectl apply -f k8s/\"]\n";
        let mut env = Vec::new();
        let file = SourceFile::new(".gitlab-ci.yml".into(), FileKind::GitlabCi, text.into());
        let lines = collect(&file, CiSystem::GitlabCi, &mut Vec::new());
        assert!(commands(&lines).contains(&("(default)".into(), "bundle install".into(), 8)));
        let (parsed, _) = crate::model::parse(&file);
        let ci = collect_parsed(&file, &parsed, CiSystem::GitlabCi, &mut env);
        let c = commands(&ci);
        assert!(
            c.contains(&("default".into(), "bundle install".into(), 8)),
            "{c:?}"
        );
        assert!(
            c.contains(&("rspec".into(), "bundle exec rspec".into(), 12)),
            "{c:?}"
        );
        assert!(
            c.contains(&("rspec".into(), "echo two".into(), 15)),
            "{c:?}"
        );
        assert!(
            c.contains(&(".hidden".into(), "make lint".into(), 17)),
            "{c:?}"
        );
        assert!(
            c.contains(&("deploy".into(), "kubectl apply -f k8s/".into(), 20)),
            "{c:?}"
        );
        assert_eq!(
            ci.jobs
                .iter()
                .find(|j| j.name == "deploy")
                .and_then(|j| j.environment.as_deref()),
            Some("production")
        );
        assert!(ci
            .jobs
            .iter()
            .any(|j| j.uses.iter().any(|u| u.text.contains("acme/ci"))));
        assert_eq!(env[0].name, "DD_API_KEY");
    }

    #[test]
    fn circleci_runs_and_orbs() {
        let text = "version: 2.1\norbs:\n  node: circleci/node@5\njobs:\n  build:\n    docker:\n      - image: cimg/python:3.12\n    steps:\n      - checkout\n      - run: pip install -r requirements.txt\n      - run:\n          name: Tests\n          command: pytest -q\nworkflows:\n  main:\n    jobs:\n      - build\n      - node/test\n";
        let ci = read(".circleci/config.yml", FileKind::Circleci, text);
        let c = commands(&ci);
        assert_eq!(
            c,
            [
                ("build".into(), "pip install -r requirements.txt".into(), 10),
                ("build".into(), "pytest -q".into(), 13)
            ]
        );
        assert!(ci
            .jobs
            .iter()
            .any(|j| j.uses.iter().any(|u| u.text == "node/test")));
    }

    #[test]
    fn jenkinsfile_lines() {
        let ci = read(
            "Jenkinsfile",
            FileKind::OtherCi,
            "pipeline {\n  stages {\n    stage('Test') { steps { sh 'mvn -B verify' } }\n  }\n}\n",
        );
        assert_eq!(ci.system, CiSystem::Jenkins);
        assert!(commands(&ci)
            .iter()
            .any(|c| c.1.contains("mvn -B verify") && c.2 == 3));
    }
}
