use crate::declare_rule;
use crate::model::dockerfile::{Dockerfile, Instruction};
use crate::rule::{Cx, Rule, Scope};
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// A Dockerfile that copies the whole build context (`COPY . .`, `ADD ./ /app`,
    /// `COPY * ./`, or the exec form `COPY [".", "/app"]`) while no `.dockerignore`
    /// applies to it. A `.dockerignore` counts when it sits beside the Dockerfile, in
    /// any directory above it (builds often run `docker build -f docker/Dockerfile .`
    /// from the repository root), or as `<Dockerfile name>.dockerignore` beside it
    /// (BuildKit's per-Dockerfile ignore file). `COPY --from=<stage> . .` copies from
    /// another stage, not from the context, and is fine. The finding points at the
    /// first such instruction.
    ///
    /// ## Why it matters
    /// "Design for 10x": images should be small, reproducible and free of secrets.
    /// Without a `.dockerignore`, `COPY .` puts `.git` (the whole history), local
    /// `.env` files with credentials, `node_modules` and build output into the image,
    /// busts the layer cache on every edit, and ships all of it to every registry and
    /// host that pulls the image.
    ///
    /// ## Bad
    /// ```dockerfile
    /// FROM node:20.11-alpine3.19
    /// WORKDIR /app
    /// COPY . .
    /// RUN npm ci && npm run build
    /// ```
    ///
    /// ## Good
    /// ```dockerfile
    /// # file: Dockerfile
    /// FROM node:20.11-alpine3.19
    /// WORKDIR /app
    /// COPY . .
    /// RUN npm ci && npm run build
    /// # file: .dockerignore
    /// .git
    /// .env*
    /// node_modules
    /// dist
    /// ```
    ///
    /// ## How to fix
    /// Add a `.dockerignore` at the root of the build context listing at least `.git`,
    /// `.env*`, dependency folders and build output, or copy only what the image needs
    /// (`COPY package*.json ./`, `COPY src/ src/`).
    NoDockerignore {
        id: "DLV005",
        name: "no-dockerignore",
        pillar: Dlv,
        stage: Growth,
        scope: Scope::File(&[FileKind::Dockerfile]),
        severity: Note,
        since: "0.1.0",
        summary: "whole build context copied without a .dockerignore",
    }
}

/// Sources that mean "everything in the context".
fn is_whole_context(source: &str) -> bool {
    let s = source.trim_matches(|c| c == '"' || c == '\'');
    matches!(s, "." | "./" | "*" | "./*" | "./.")
}

/// The sources of a `COPY`/`ADD` (every argument but the destination).
fn sources(ins: &Instruction) -> Vec<String> {
    let mut words: Vec<String> = match &ins.json_args {
        Some(words) => words.clone(),
        None => ins.args.split_whitespace().map(str::to_string).collect(),
    };
    words.pop();
    words
}

fn copies_whole_context(ins: &Instruction) -> bool {
    matches!(ins.keyword.as_str(), "COPY" | "ADD")
        && ins.flag("from").is_none()
        && ins.heredocs.is_empty()
        && sources(ins).iter().any(|s| is_whole_context(s))
}

impl NoDockerignore {
    /// Whether a `.dockerignore` applies: beside the Dockerfile, above it, or named after it.
    fn has_dockerignore(cx: &Cx) -> bool {
        let dir = cx.dir().to_string();
        let name = cx.file.file_name().to_string();
        let join = |d: &str, f: &str| {
            if d.is_empty() {
                f.to_string()
            } else {
                format!("{d}/{f}")
            }
        };
        if cx.file_exists(&join(&dir, &format!("{name}.dockerignore"))) {
            return true;
        }
        let mut current = Some(dir.as_str());
        while let Some(d) = current {
            if cx.file_exists(&join(d, ".dockerignore")) {
                return true;
            }
            current = match d.rsplit_once('/') {
                Some((parent, _)) => Some(parent),
                None if !d.is_empty() => Some(""),
                None => None,
            };
        }
        false
    }
}

impl Rule for NoDockerignore {
    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Cx) {
        let Some(ins) = df.instructions.iter().find(|i| copies_whole_context(i)) else {
            return;
        };
        if Self::has_dockerignore(cx) {
            return;
        }
        let what = format!("{} {}", ins.keyword, sources(ins).join(" "));
        cx.report(
            cx.finding(ins.span)
                .message(format!(
                    "`{what}` copies the whole build context and no `.dockerignore` applies: `.git`, `.env` files and local build output go into the image"
                ))
                .help("add a `.dockerignore` (at least `.git`, `.env*`, dependency and build folders) at the root of the build context"),
        );
    }
}
