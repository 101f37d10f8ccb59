use crate::declare_rule;
use crate::model::dockerfile::{Dockerfile, Instruction};
use crate::rule::{Cx, Rule, Scope};
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// The final stage of a Dockerfile (the image that ships) has no `USER`
    /// instruction, or its last `USER` is `root` or `0`. The final stage passes
    /// when it builds `FROM` an earlier stage of the same file that set a non-root
    /// user, or when its image is a known non-root variant (distroless
    /// `:nonroot`, Chainguard images). A `USER $VAR` cannot be known and passes.
    ///
    /// Images that never run as a service are not checked: a dev container's
    /// Dockerfile (under `.devcontainer/`; the editor connects as its `remoteUser`), and
    /// artifact or layer images whose final stage starts nothing (no `CMD` or
    /// `ENTRYPOINT` in it or in the earlier stage it builds on) and is `FROM scratch` or
    /// a build-only Dockerfile (`Dockerfile.build`, `build.Dockerfile`,
    /// `Dockerfile.builder`). A `FROM scratch` image with an `ENTRYPOINT` runs its
    /// binary as root and is checked.
    ///
    /// ## Why it matters
    /// "Focus on the low hanging fruit": a process running as root inside a
    /// container turns any code-execution bug into root on the container and a
    /// much shorter path to the host. Adding one `USER` line costs nothing.
    ///
    /// ## Bad
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY . /app
    /// CMD ["python", "/app/main.py"]
    /// ```
    ///
    /// ## Good
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN useradd --create-home app
    /// COPY . /app
    /// USER app
    /// CMD ["python", "/app/main.py"]
    /// ```
    ///
    /// ## How to fix
    /// Create an unprivileged user in the final stage and switch to it with
    /// `USER app` (or a numeric `USER 10001`) before `CMD`/`ENTRYPOINT`.
    ContainerRunsAsRoot {
        id: "SEC014",
        name: "container-runs-as-root",
        pillar: Sec,
        stage: Seed,
        scope: Scope::File(&[FileKind::Dockerfile]),
        severity: Warning,
        since: "0.1.0",
        summary: "container runs as root",
    }
}

fn is_root_user(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user).trim();
    name == "root" || name == "0"
}

/// Images whose default user is not root.
fn is_nonroot_image(image: &str) -> bool {
    let lower = image.to_ascii_lowercase();
    let tag = lower.rsplit('/').next().unwrap_or(&lower);
    tag.contains(":nonroot") || tag.contains("-nonroot") || lower.starts_with("cgr.dev/chainguard/")
}

/// The last `USER` of a stage, if any.
fn last_user(df: &Dockerfile, stage: usize) -> Option<&Instruction> {
    df.stage_instructions(stage)
        .filter(|i| i.keyword == "USER")
        .last()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum User {
    Root,
    NonRoot,
    /// `USER $VAR`, or an image we cannot resolve: say nothing.
    Unknown,
}

/// The user a stage ends with, following `FROM <earlier stage>` chains.
fn stage_user(df: &Dockerfile, stage: usize, depth: usize) -> User {
    if depth > df.stages.len() {
        return User::Unknown;
    }
    if let Some(user) = last_user(df, stage) {
        let arg = user.args.trim();
        return if arg.contains('$') {
            User::Unknown
        } else if is_root_user(arg) {
            User::Root
        } else {
            User::NonRoot
        };
    }
    let Some(st) = df.stages.get(stage) else {
        return User::Unknown;
    };
    let parent = df.stages.get(..stage).and_then(|earlier| {
        earlier.iter().rev().find(|e| {
            e.alias
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case(&st.image))
        })
    });
    if let Some(parent) = parent {
        return stage_user(df, parent.index, depth + 1);
    }
    match df.resolve_args(&st.image) {
        None => User::Unknown,
        Some(image) if is_nonroot_image(&image) => User::NonRoot,
        Some(_) => User::Root,
    }
}

/// Images that never run as a service: a dev container (the editor connects as its
/// `remoteUser`), and artifact or layer images whose final stage starts nothing (no `CMD`
/// or `ENTRYPOINT` in it or, for a stage built on an earlier one, in that one) and is
/// `FROM scratch` or a build-only Dockerfile (`Dockerfile.build`, `build.Dockerfile`,
/// `Dockerfile.builder`).
fn never_runs_as_a_service(
    df: &Dockerfile,
    stage: &crate::model::dockerfile::Stage,
    path: &str,
) -> bool {
    let lower = path.to_ascii_lowercase();
    if lower.split('/').any(|seg| seg == ".devcontainer") {
        return true;
    }
    let starts_something = |index: usize| {
        df.stage_instructions(index)
            .any(|i| i.keyword == "CMD" || i.keyword == "ENTRYPOINT")
    };
    let mut chain = vec![stage.index];
    let mut current = stage;
    while let Some(parent) = current
        .is_earlier_stage_ref(df)
        .then(|| df.stage_by_name(&current.image))
        .flatten()
    {
        if chain.contains(&parent.index) {
            break;
        }
        chain.push(parent.index);
        current = parent;
    }
    if chain.iter().any(|i| starts_something(*i)) {
        return false;
    }
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let build_only = matches!(
        name,
        "dockerfile.build" | "build.dockerfile" | "dockerfile.builder" | "builder.dockerfile"
    );
    current.is_scratch() || build_only
}

impl Rule for ContainerRunsAsRoot {
    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Cx) {
        let Some(stage) = df.final_stage() else {
            return;
        };
        if never_runs_as_a_service(df, stage, cx.path()) {
            return;
        }
        if let Some(user) = last_user(df, stage.index) {
            if stage_user(df, stage.index, 0) == User::Root {
                cx.report(
                    cx.finding(user.span)
                        .message(format!(
                            "the final stage switches to `USER {}`",
                            user.args.trim()
                        ))
                        .help("switch to an unprivileged user after the steps that need root"),
                );
            }
            return;
        }
        if stage_user(df, stage.index, 0) == User::Root {
            let from = df
                .instructions
                .get(stage.from)
                .map(|i| i.span)
                .unwrap_or(stage.image_span);
            cx.report(
                cx.finding(from)
                    .message("the final stage sets no `USER`, so the container runs as root")
                    .help("add `USER <non-root user>` to the final stage"),
            );
        }
    }
}
