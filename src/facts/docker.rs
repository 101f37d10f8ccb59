//! Containers: Dockerfiles and their final stage, ECS container definitions
//! (in Terraform or task-definition JSON) and compose services.

use super::env::{EnvContext, EnvSetting};
use super::yaml_lines::{self, YLine};
use super::{loc_at, Location};
use crate::model::dockerfile::Dockerfile;
use crate::model::ecs;
use crate::model::terraform::{Block, Value};
use crate::source::SourceFile;

#[derive(Debug, Clone, serde::Serialize)]
pub struct DockerfileFacts {
    pub path: String,
    /// The final stage's `FROM` instruction.
    #[serde(serialize_with = "super::ser_loc")]
    pub location: Location,
    /// The final stage's image, with global `ARG`s resolved (`None` when unknown).
    pub final_image: Option<String>,
    pub stages: usize,
}

/// One container of an ECS task definition.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EcsContainer {
    pub name: String,
    pub image: Option<String>,
    /// `logConfiguration.logDriver` (`awslogs`, `awsfirelens`, ...).
    pub log_driver: Option<String>,
    /// `secrets[].valueFrom` ARNs or names (Secrets Manager / SSM).
    pub secret_refs: Vec<String>,
    #[serde(serialize_with = "super::ser_loc")]
    pub location: Location,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ComposeFile {
    pub path: String,
    pub services: Vec<ComposeService>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ComposeService {
    pub name: String,
    pub image: Option<String>,
    pub logging_driver: Option<String>,
    #[serde(serialize_with = "super::ser_loc")]
    pub location: Location,
}

/// A container image referenced anywhere (Dockerfile `FROM`, compose, Kubernetes, ECS).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImageRef {
    pub image: String,
    #[serde(serialize_with = "super::ser_loc")]
    pub location: Location,
}

pub(crate) fn dockerfile(
    file: &SourceFile,
    df: &Dockerfile,
    env: &mut Vec<EnvSetting>,
) -> Option<DockerfileFacts> {
    let stage = df.final_stage()?;
    let from = df
        .instructions
        .get(stage.from)
        .map(|i| i.keyword_span.cover(stage.image_span))
        .unwrap_or(stage.image_span);
    for ins in &df.instructions {
        if ins.keyword == "ENV" || ins.keyword == "ARG" {
            for kv in ins.key_values(&file.text) {
                env.push(EnvSetting {
                    name: kv.key.clone(),
                    context: EnvContext::Dockerfile,
                    literal: kv
                        .value
                        .as_deref()
                        .is_some_and(|v| !v.is_empty() && !v.contains('$')),
                    from_store: false,
                    location: loc_at(file, kv.key_span.start as usize, kv.key_span.end as usize),
                });
            }
        }
    }
    Some(DockerfileFacts {
        path: file.path.clone(),
        location: loc_at(file, from.start as usize, from.end as usize),
        final_image: df.resolve_args(&stage.image),
        stages: df.stages.len(),
    })
}

/// Every stage's image.
pub(crate) fn dockerfile_images(file: &SourceFile, df: &Dockerfile) -> Vec<ImageRef> {
    df.stages
        .iter()
        .filter(|s| !s.is_earlier_stage_ref(df) && !s.is_scratch())
        .filter_map(|s| {
            Some(ImageRef {
                image: df.resolve_args(&s.image)?,
                location: loc_at(file, s.image_span.start as usize, s.image_span.end as usize),
            })
        })
        .collect()
}

/// Containers of an `aws_ecs_task_definition` block, read with `model::ecs` (`jsonencode`,
/// JSON heredocs and strings, heredocs with interpolated values). Definitions that cannot
/// be read (`file(...)`, `templatefile(...)`) give none; keys match case-insensitively.
pub(crate) fn ecs_containers(file: &SourceFile, block: &Block) -> Vec<EcsContainer> {
    let Some(defs) = ecs::container_definitions(block, &file.text) else {
        return Vec::new();
    };
    defs.containers()
        .into_iter()
        .filter(|c| !c.is_partial())
        .map(|c| {
            let log_driver = c.get("logConfiguration").map(|l| match l {
                Value::Null => "(null)".to_string(),
                l => ecs::entry(l, "logDriver")
                    .and_then(|d| d.value.as_str())
                    .unwrap_or("(unknown)")
                    .to_string(),
            });
            let secret_refs = c
                .get("secrets")
                .and_then(|s| s.as_list())
                .map(|list| {
                    list.iter()
                        .map(
                            |s| match ecs::entry(&s.value, "valueFrom").map(|e| &e.value) {
                                Some(Value::Unknown(u)) => u.text.clone(),
                                Some(v) => v.as_str().unwrap_or("(unknown)").to_string(),
                                None => "(unknown)".to_string(),
                            },
                        )
                        .collect()
                })
                .unwrap_or_default();
            let at = if c.span.is_empty() {
                defs.span()
            } else {
                c.span
            };
            EcsContainer {
                name: c.name().unwrap_or("").to_string(),
                image: c.get("image").and_then(|v| v.as_str()).map(str::to_string),
                log_driver,
                secret_refs,
                location: loc_at(file, at.start as usize, at.end as usize),
            }
        })
        .collect()
}

/// Secret-named and other environment names of ECS container definitions.
pub(crate) fn ecs_environment(file: &SourceFile, block: &Block, env: &mut Vec<EnvSetting>) {
    let Some(defs) = ecs::container_definitions(block, &file.text) else {
        return;
    };
    for c in defs.containers() {
        let Some(list) = c.get("environment").and_then(|e| e.as_list()) else {
            continue;
        };
        for var in list {
            let Some(name) = ecs::entry(&var.value, "name").and_then(|e| e.value.as_str()) else {
                continue;
            };
            let literal = ecs::entry(&var.value, "value")
                .is_some_and(|v| v.value.as_str().is_some_and(|s| !s.is_empty()));
            env.push(EnvSetting {
                name: name.to_string(),
                context: EnvContext::EcsTask,
                literal,
                from_store: false,
                location: loc_at(file, var.span.start as usize, var.span.end as usize),
            });
        }
    }
}

/// A task-definition JSON file (`{"containerDefinitions": [...]}` or a bare list of
/// container definitions).
pub(crate) fn ecs_json(file: &SourceFile) -> Vec<EcsContainer> {
    if !(file.text.contains("\"logConfiguration\"")
        || file.text.contains("\"containerDefinitions\"")
        || file.text.contains("\"essential\""))
    {
        return Vec::new();
    }
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(&file.text) else {
        return Vec::new();
    };
    let list = doc
        .get("containerDefinitions")
        .and_then(|c| c.as_array())
        .or_else(|| doc.as_array());
    let Some(list) = list else {
        return Vec::new();
    };
    let mut from = 0;
    list.iter()
        .filter(|c| c.get("image").is_some() || c.get("essential").is_some())
        .map(|c| {
            let name = c
                .get("name")
                .and_then(|n| n.as_str())
                .unwrap_or("")
                .to_string();
            let needle = format!("\"{name}\"");
            let at = file.text[from..]
                .find(&needle)
                .map(|i| i + from)
                .unwrap_or(0);
            from = at;
            EcsContainer {
                image: c.get("image").and_then(|n| n.as_str()).map(str::to_string),
                log_driver: c.get("logConfiguration").map(|l| {
                    l.get("logDriver")
                        .and_then(|d| d.as_str())
                        .unwrap_or("(unknown)")
                        .to_string()
                }),
                secret_refs: c
                    .get("secrets")
                    .and_then(|s| s.as_array())
                    .map(|s| {
                        s.iter()
                            .map(|x| {
                                x.get("valueFrom")
                                    .and_then(|v| v.as_str())
                                    .unwrap_or("(unknown)")
                                    .to_string()
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                location: loc_at(file, at, at + needle.len()),
                name,
            }
        })
        .collect()
}

/// Compose services, their images and logging drivers, and environment names.
pub(crate) fn compose(
    file: &SourceFile,
    env: &mut Vec<EnvSetting>,
    images: &mut Vec<ImageRef>,
) -> ComposeFile {
    let text = &file.text;
    let lines = yaml_lines::lines(text);
    let mut services = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = &lines[i];
        if l.outer_indent == 0 && l.key == Some("services") {
            let end = yaml_lines::end_of_node(&lines, i);
            let mut j = i + 1;
            while j < end {
                let s = &lines[j];
                let s_end = yaml_lines::end_of_node(&lines, j);
                if let Some(name) = s.key {
                    let mut svc = ComposeService {
                        name: name.to_string(),
                        image: None,
                        logging_driver: None,
                        location: loc_at(file, s.offset, s.offset + name.len()),
                    };
                    compose_service(file, &lines[j + 1..s_end], &mut svc, env, images);
                    services.push(svc);
                }
                j = s_end.max(j + 1);
            }
            i = end;
        } else {
            i += 1;
        }
    }
    ComposeFile {
        path: file.path.clone(),
        services,
    }
}

fn compose_service(
    file: &SourceFile,
    body: &[YLine<'_>],
    svc: &mut ComposeService,
    env: &mut Vec<EnvSetting>,
    images: &mut Vec<ImageRef>,
) {
    let Some(child_indent) = body.first().map(|l| l.indent) else {
        return;
    };
    let mut k = 0;
    while k < body.len() {
        let l = &body[k];
        let end = yaml_lines::end_of_node(body, k);
        if l.indent == child_indent && !l.list_item {
            match l.key {
                Some("image") => {
                    if let Some(v) = l.value {
                        svc.image = Some(v.to_string());
                        images.push(ImageRef {
                            image: v.to_string(),
                            location: loc_at(file, l.value_offset, l.value_offset + v.len()),
                        });
                    }
                }
                Some("logging") => {
                    for c in &body[k + 1..end] {
                        if c.key == Some("driver") {
                            svc.logging_driver = c.value.map(str::to_string);
                        }
                    }
                }
                Some("environment") => {
                    for c in &body[k + 1..end] {
                        let (name, literal, at) = match (c.list_item, c.key, c.value) {
                            (true, None, Some(v)) => match v.split_once('=') {
                                Some((n, val)) => {
                                    (n, !val.is_empty() && !val.contains('$'), c.offset)
                                }
                                None => (v, false, c.offset),
                            },
                            (false, Some(k), v) => (
                                k,
                                v.is_some_and(|v| !v.contains('$') && !v.is_empty()),
                                c.offset,
                            ),
                            _ => continue,
                        };
                        env.push(EnvSetting {
                            name: name.trim().to_string(),
                            context: EnvContext::Compose,
                            literal,
                            from_store: false,
                            location: loc_at(file, at, at + name.len()),
                        });
                    }
                }
                _ => {}
            }
        }
        k = end.max(k + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileKind;

    #[test]
    fn compose_services_env_and_logging() {
        let text = "services:\n  web:\n    image: acme/web:1.2\n    environment:\n      - DATABASE_PASSWORD=hunter2hunter2\n      - SENTRY_DSN\n    logging:\n      driver: awslogs\n  worker:\n    build: .\n    environment:\n      API_TOKEN: ${API_TOKEN}\nvolumes:\n  data: {}\n";
        let file = SourceFile::new("docker-compose.yml".into(), FileKind::Compose, text.into());
        let mut env = Vec::new();
        let mut images = Vec::new();
        let c = compose(&file, &mut env, &mut images);
        let names: Vec<_> = c.services.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["web", "worker"]);
        assert_eq!(c.services[0].logging_driver.as_deref(), Some("awslogs"));
        assert_eq!(images[0].image, "acme/web:1.2");
        let e: Vec<_> = env
            .iter()
            .map(|e| (e.name.as_str(), e.literal, e.location.start.line))
            .collect();
        assert_eq!(
            e,
            [
                ("DATABASE_PASSWORD", true, 5),
                ("SENTRY_DSN", false, 6),
                ("API_TOKEN", false, 12)
            ]
        );
    }

    #[test]
    fn ecs_containers_from_terraform() {
        let text = r#"resource "aws_ecs_task_definition" "app" {
  container_definitions = jsonencode([
    {
      name  = "app"
      image = "acme/app:1"
      logConfiguration = { logDriver = "awslogs" }
      secrets = [{ name = "DB_PASSWORD", valueFrom = "arn:aws:secretsmanager:eu-west-1:1:secret:db" }]
      environment = [{ name = "API_TOKEN", value = "x" }]
    }
  ])
}
"#;
        let file = SourceFile::new("main.tf".into(), FileKind::Terraform, text.into());
        let (tf, _) = crate::model::terraform::parse(text, "main.tf");
        let cs = ecs_containers(&file, &tf.blocks[0]);
        assert_eq!(cs[0].name, "app");
        assert_eq!(cs[0].log_driver.as_deref(), Some("awslogs"));
        assert!(cs[0].secret_refs[0].contains("secretsmanager"));
        assert_eq!(cs[0].location.start.line, 3);
        let mut env = Vec::new();
        ecs_environment(&file, &tf.blocks[0], &mut env);
        assert_eq!(env[0].name, "API_TOKEN");
        assert!(env[0].literal);
    }
}
