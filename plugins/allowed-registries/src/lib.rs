//! `allowed-registries`: Dockerfile base images (`FROM`, `COPY --from=<image>`)
//! come only from the registries the company allows. An example devops-lint
//! plugin; see README.md.

use devops_lint_plugin::{
    export_plugin, plugin_info, DfFile, File, FileKind, Finding, Pillar, Plugin, PluginInfo,
    Report, Rule, Settings, Severity, Span, Stage,
};

const DISALLOWED_REGISTRY: Rule = Rule {
    id: "acme/REG001",
    name: "disallowed-image-registry",
    pillar: Pillar::Sec,
    stage: Stage::Seed,
    kinds: &[FileKind::Dockerfile],
    repo: false,
    severity: Severity::Error,
    summary: "image pulled from a registry that is not allowed",
    docs: include_str!("../docs/REG001.md"),
};

struct AllowedRegistries {
    /// Normalised prefixes: `registry.acme.io`, `docker.io/library`.
    allowed: Vec<String>,
}

impl Plugin for AllowedRegistries {
    fn info() -> PluginInfo {
        plugin_info(
            "allowed-registries",
            env!("CARGO_PKG_VERSION"),
            &[DISALLOWED_REGISTRY],
        )
    }

    fn configure(settings: &Settings) -> Result<Self, String> {
        settings.allow_only(&["allowed"])?;
        let allowed = settings.required_string_list("allowed")?;
        let mut prefixes = Vec::new();
        for entry in allowed {
            let trimmed = entry.trim().trim_end_matches('/');
            if trimmed.is_empty() || trimmed.contains(['@', ' ']) {
                return Err(format!(
                    "`allowed` entry `{entry}` is not a registry or repository prefix \
                     (like registry.acme.io or docker.io/library)"
                ));
            }
            prefixes.push(trimmed.to_ascii_lowercase());
        }
        Ok(AllowedRegistries { allowed: prefixes })
    }

    fn check(&self, file: &File, report: &mut Report) {
        let Some(df) = file.dockerfile() else { return };
        for stage in &df.stages {
            if stage.is_stage_ref || stage.image.eq_ignore_ascii_case("scratch") {
                continue;
            }
            // An image with an ARG that has no default is unknown: stay silent.
            let Some(image) = stage.image_resolved.as_deref() else {
                continue;
            };
            self.check_image(image, &stage.image, stage.image_span, report);
        }
        for instruction in &df.instructions {
            if instruction.keyword != "COPY" {
                continue;
            }
            let Some(flag) = instruction.flags.iter().rev().find(|f| f.name == "from") else {
                continue;
            };
            let Some(from) = flag.value.as_deref() else {
                continue;
            };
            if refers_to_stage(df, from) || from.contains('$') {
                continue;
            }
            self.check_image(from, from, flag.span, report);
        }
    }
}

impl AllowedRegistries {
    fn check_image(&self, image: &str, written: &str, span: Span, report: &mut Report) {
        let Some(name) = normalise(image) else { return };
        if self.allowed.iter().any(|prefix| has_prefix(&name, prefix)) {
            return;
        }
        let registry = name.split('/').next().unwrap_or("");
        report.add(
            Finding::new(&DISALLOWED_REGISTRY, span)
                .message(format!(
                    "`{written}` is pulled from {registry} ({name}), which is not an allowed registry"
                ))
                .help(format!(
                    "use an image from {}, or mirror this one there",
                    self.allowed.join(", ")
                )),
        );
    }
}

/// `COPY --from=builder` or `--from=0` names a stage, not an image.
fn refers_to_stage(df: &DfFile, from: &str) -> bool {
    from.chars().all(|c| c.is_ascii_digit())
        || df.stages.iter().any(|s| {
            s.alias
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case(from))
        })
}

/// `nginx:1.25` -> `docker.io/library/nginx`; `ghcr.io/acme/app@sha256:..` ->
/// `ghcr.io/acme/app` (Docker's rules: the first component is a registry when
/// it has a `.` or `:` or is `localhost`). `None` for an empty reference.
fn normalise(image: &str) -> Option<String> {
    let image = image.trim();
    let without_digest = image.split('@').next()?;
    // A tag is after the last `:` that follows the last `/`.
    let last_slash = without_digest.rfind('/').map_or(0, |i| i + 1);
    let name = match without_digest[last_slash..].rfind(':') {
        Some(i) => &without_digest[..last_slash + i],
        None => without_digest,
    };
    if name.is_empty() {
        return None;
    }
    let name = name.to_ascii_lowercase();
    let first = name.split('/').next().unwrap_or("");
    let has_registry =
        name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    Some(if has_registry {
        let name = name.replacen("index.docker.io/", "docker.io/", 1);
        match name.strip_prefix("docker.io/") {
            Some(rest) if !rest.contains('/') => format!("docker.io/library/{rest}"),
            _ => name,
        }
    } else if name.contains('/') {
        format!("docker.io/{name}")
    } else {
        format!("docker.io/library/{name}")
    })
}

/// `prefix` matches whole path components: `registry.acme.io` matches
/// `registry.acme.io/app`, not `registry.acme.io.evil.com/app`.
fn has_prefix(name: &str, prefix: &str) -> bool {
    name == prefix
        || name
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

export_plugin!(AllowedRegistries);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_normalise_like_docker() {
        assert_eq!(
            normalise("nginx:1.25").as_deref(),
            Some("docker.io/library/nginx")
        );
        assert_eq!(
            normalise("bitnami/redis").as_deref(),
            Some("docker.io/bitnami/redis")
        );
        assert_eq!(
            normalise("ghcr.io/acme/app@sha256:abc").as_deref(),
            Some("ghcr.io/acme/app")
        );
        assert_eq!(
            normalise("localhost:5000/app:1").as_deref(),
            Some("localhost:5000/app")
        );
        assert_eq!(
            normalise("docker.io/nginx").as_deref(),
            Some("docker.io/library/nginx")
        );
        assert!(has_prefix("registry.acme.io/app", "registry.acme.io"));
        assert!(!has_prefix(
            "registry.acme.io.evil.com/app",
            "registry.acme.io"
        ));
    }
}
