use crate::declare_rule;
use crate::model::dockerfile::Dockerfile;
use crate::rule::{Cx, Rule, Scope};
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// A Dockerfile `FROM` whose image has no tag or the `latest` tag. Digests
    /// (`@sha256:...`), `scratch`, and `FROM` of an earlier build stage are fine.
    /// A `FROM ${BASE}` is resolved through the global `ARG` defaults; when the
    /// value cannot be known the rule says nothing.
    ///
    /// ## Why it matters
    /// The talk asks that environments be reproducible ("make it easy to spin up
    /// multiple environments"). `latest` moves: the image you tested is not the one
    /// production builds tomorrow, and a rollback rebuilds something new.
    ///
    /// ## Bad
    /// ```dockerfile
    /// FROM node
    /// USER node
    /// ```
    ///
    /// ## Good
    /// ```dockerfile
    /// FROM node:20.11-alpine3.19
    /// USER node
    /// ```
    ///
    /// ## How to fix
    /// Pin a version tag (`node:20.11-alpine3.19`) or, better, a digest
    /// (`node:20@sha256:...`), and let Dependabot or Renovate bump it.
    UnpinnedBaseImage {
        id: "PRV007",
        name: "unpinned-base-image",
        pillar: Prv,
        stage: Seed,
        scope: Scope::File(&[FileKind::Dockerfile]),
        severity: Warning,
        since: "0.1.0",
        summary: "base image is not pinned to a version",
    }
}

/// The tag of an image reference, if any (`None` for `name` or `name@digest`).
fn tag_of(image: &str) -> Option<&str> {
    let name = image.split('@').next().unwrap_or(image);
    let last_segment = name.rsplit('/').next().unwrap_or(name);
    last_segment.split_once(':').map(|(_, tag)| tag)
}

impl Rule for UnpinnedBaseImage {
    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Cx) {
        for stage in &df.stages {
            if stage.is_earlier_stage_ref(df) {
                continue;
            }
            let Some(image) = df.resolve_args(&stage.image) else {
                continue;
            };
            if image.eq_ignore_ascii_case("scratch") || image.contains('@') {
                continue;
            }
            let message = match tag_of(&image) {
                None => format!("`{image}` has no tag, so it means `latest`"),
                Some("latest") => format!("`{image}` uses the moving `latest` tag"),
                Some(_) => continue,
            };
            cx.report(
                cx.finding(stage.image_span)
                    .message(message)
                    .help("pin a version tag or a digest (image:1.2.3 or image@sha256:...)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tag_of;

    #[test]
    fn tags() {
        assert_eq!(tag_of("node"), None);
        assert_eq!(tag_of("node:20"), Some("20"));
        assert_eq!(tag_of("registry:5000/team/app"), None);
        assert_eq!(tag_of("registry:5000/team/app:1.0"), Some("1.0"));
        assert_eq!(tag_of("node@sha256:abc"), None);
    }
}
