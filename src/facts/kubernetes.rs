//! Kubernetes manifests and Helm templates: objects (kind, name), what
//! autoscalers target, container images, environment variables and
//! annotations. Read line by line, so Helm templates (Go templates, not YAML)
//! work too; a templated name is unknown (`None`).

use std::collections::BTreeSet;

use super::docker::ImageRef;
use super::env::{EnvContext, EnvSetting};
use super::yaml_lines::{self, YLine};
use super::{loc_at, Location};
use crate::source::SourceFile;

#[derive(Debug, Clone, serde::Serialize)]
pub struct K8sObject {
    pub kind: String,
    /// `metadata.name`; `None` when templated or absent.
    pub name: Option<String>,
    /// `metadata.namespace`; `None` when templated or absent (kustomize or the
    /// deploy command may set it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub path: String,
    /// The `kind:` line.
    #[serde(serialize_with = "super::ser_loc")]
    pub location: Location,
    /// For autoscalers (HorizontalPodAutoscaler, KEDA ScaledObject): the target's kind and
    /// name (`None` when templated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_target: Option<(String, Option<String>)>,
    /// Annotation keys (object and pod template).
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub annotations: BTreeSet<String>,
    /// Container images as written (templated ones too).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<String>,
    /// Whether a container declares a `containerPort` (the workload serves traffic).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub container_ports: bool,
}

/// Kinds of Kubernetes itself (workloads, networking, config): what shows a deployment.
pub(crate) fn is_core_kind(kind: &str) -> bool {
    matches!(
        kind,
        "Deployment"
            | "StatefulSet"
            | "DaemonSet"
            | "ReplicaSet"
            | "Job"
            | "CronJob"
            | "Pod"
            | "Service"
            | "Ingress"
            | "ConfigMap"
            | "Secret"
            | "HorizontalPodAutoscaler"
            | "Rollout"
            | "Kustomization"
    )
}

/// Whether a manifest is a kustomize patch (a partial object, not a deployment of its own).
pub(crate) fn is_patch(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name.contains("patch")
}

fn known(v: Option<&str>) -> Option<String> {
    v.filter(|v| !v.contains("{{") && !v.is_empty())
        .map(str::to_string)
}

/// Objects of one manifest file (several `---` documents).
pub(crate) fn objects(
    file: &SourceFile,
    env: &mut Vec<EnvSetting>,
    images: &mut Vec<ImageRef>,
) -> Vec<K8sObject> {
    let text = &file.text;
    let lines = yaml_lines::lines(text);
    let mut out = Vec::new();
    let mut start = 0;
    while start < lines.len() {
        let mut end = start;
        while end < lines.len() && !(end > start && lines[end].is_document_start()) {
            end += 1;
        }
        if let Some(obj) = document(file, &lines[start..end], env, images) {
            out.push(obj);
        }
        start = end.max(start + 1);
    }
    out
}

fn document(
    file: &SourceFile,
    doc: &[YLine<'_>],
    env: &mut Vec<EnvSetting>,
    images: &mut Vec<ImageRef>,
) -> Option<K8sObject> {
    let kind_line = doc
        .iter()
        .find(|l| l.outer_indent == 0 && l.key == Some("kind"))?;
    let kind = kind_line.value?.to_string();
    let mut obj = K8sObject {
        kind,
        name: None,
        namespace: None,
        path: file.path.clone(),
        location: loc_at(
            file,
            kind_line.offset,
            kind_line.offset + kind_line.content.len(),
        ),
        scale_target: None,
        annotations: BTreeSet::new(),
        images: Vec::new(),
        container_ports: false,
    };
    let mut i = 0;
    while i < doc.len() {
        let l = &doc[i];
        match l.key {
            Some("metadata") if l.outer_indent == 0 => {
                let end = yaml_lines::end_of_node(doc, i);
                if let Some(first) = doc.get(i + 1) {
                    let child = first.indent;
                    for c in &doc[i + 1..end] {
                        if c.indent == child && c.key == Some("name") {
                            obj.name = known(c.value);
                        }
                        if c.indent == child && c.key == Some("namespace") {
                            obj.namespace = known(c.value);
                        }
                    }
                }
            }
            Some("annotations") => {
                let end = yaml_lines::end_of_node(doc, i);
                if let Some(first) = doc.get(i + 1) {
                    let child = first.indent;
                    for c in &doc[i + 1..end] {
                        if c.indent == child {
                            if let Some(k) = c.key {
                                obj.annotations.insert(k.to_string());
                            }
                        }
                    }
                }
            }
            Some("scaleTargetRef") => {
                let end = yaml_lines::end_of_node(doc, i);
                let mut kind = "Deployment".to_string();
                let mut name = None;
                for c in &doc[i + 1..end] {
                    match c.key {
                        Some("kind") => kind = c.value.unwrap_or("").to_string(),
                        Some("name") => name = known(c.value),
                        _ => {}
                    }
                }
                obj.scale_target = Some((kind, name));
            }
            Some("containerPort") => obj.container_ports = true,
            Some("image") => {
                if let Some(v) = l.value {
                    obj.images.push(v.to_string());
                    if !v.contains("{{") {
                        images.push(ImageRef {
                            image: v.to_string(),
                            location: loc_at(file, l.value_offset, l.value_offset + v.len()),
                        });
                    }
                }
            }
            Some("env") => {
                let end = yaml_lines::end_of_node(doc, i);
                let mut j = i + 1;
                while j < end {
                    let item = &doc[j];
                    let item_end = item_end(doc, j, end);
                    if item.list_item && item.key == Some("name") {
                        if let Some(name) = item.value.filter(|v| !v.contains("{{")) {
                            let rest = &doc[j + 1..item_end];
                            let value = rest.iter().find(|c| c.key == Some("value"));
                            let literal = value
                                .and_then(|v| v.value)
                                .is_some_and(|v| !v.contains("{{") && !v.contains('$'));
                            let from_store = value.is_none()
                                && rest.iter().any(|c| {
                                    c.key == Some("secretKeyRef")
                                        || c.content.contains("secretKeyRef")
                                });
                            env.push(EnvSetting {
                                name: name.to_string(),
                                context: EnvContext::Kubernetes,
                                literal,
                                from_store,
                                location: loc_at(
                                    file,
                                    item.value_offset,
                                    item.value_offset + name.len(),
                                ),
                            });
                        }
                    }
                    j = item_end.max(j + 1);
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    Some(obj)
}

/// The end of the list item (map) that starts at `doc[j]`: its keys share its indent.
fn item_end(doc: &[YLine<'_>], j: usize, limit: usize) -> usize {
    let indent = doc[j].indent;
    let mut k = j + 1;
    while k < limit
        && (doc[k].outer_indent > indent || (doc[k].indent == indent && !doc[k].list_item))
    {
        k += 1;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileKind;

    #[test]
    fn deployments_hpas_env_and_templates() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    name: other\nspec:\n  template:\n    metadata:\n      annotations:\n        vault.hashicorp.com/agent-inject: \"true\"\n    spec:\n      containers:\n        - name: web\n          image: acme/web:1\n          env:\n            - name: DB_PASSWORD\n              value: hunter2\n            - name: API_TOKEN\n              valueFrom:\n                secretKeyRef: {name: s, key: k}\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n---\nkind: Deployment\nmetadata:\n  name: {{ include \"x.fullname\" . }}\n";
        let file = SourceFile::new("k8s/web.yaml".into(), FileKind::Kubernetes, text.into());
        let mut env = Vec::new();
        let mut images = Vec::new();
        let objs = objects(&file, &mut env, &mut images);
        assert_eq!(objs.len(), 3);
        assert_eq!(objs[0].kind, "Deployment");
        assert_eq!(objs[0].name.as_deref(), Some("web"));
        assert_eq!(objs[0].location.start.line, 2);
        assert!(objs[0]
            .annotations
            .contains("vault.hashicorp.com/agent-inject"));
        assert_eq!(
            objs[1].scale_target,
            Some(("Deployment".into(), Some("web".into())))
        );
        assert_eq!(objs[2].name, None);
        assert_eq!(images[0].image, "acme/web:1");
        let e: Vec<_> = env.iter().map(|e| (e.name.as_str(), e.literal)).collect();
        assert_eq!(e, [("DB_PASSWORD", true), ("API_TOKEN", false)]);
    }
}
