//! A file's model, by kind: the one entry point from a source file to what rules read.

use crate::model::ci::CiModel;
use crate::model::dockerfile::{self, Dockerfile};
use crate::model::terraform::{self, TerraformFile};
use crate::parse::yaml;
use crate::source::{FileKind, ParseDiagnostic, SourceFile};

/// A file's parsed model.
pub(crate) enum Parsed {
    Terraform(TerraformFile),
    Dockerfile(Dockerfile),
    /// A CI file (GitHub workflow or action, GitLab CI, CircleCI): its typed view, built
    /// once, and its documents.
    Ci(CiModel, Vec<yaml::YamlDocument>),
    /// Compose, Kubernetes and other CI YAML: the documents only.
    Yaml(Vec<yaml::YamlDocument>),
    /// Not a structured kind (or not needed): rules see the text only.
    Text,
}

impl Parsed {
    pub(crate) fn yaml_documents(&self) -> &[yaml::YamlDocument] {
        match self {
            Parsed::Ci(_, d) | Parsed::Yaml(d) => d,
            _ => &[],
        }
    }
}

/// Parses `file` by its kind and builds its model.
pub(crate) fn parse(file: &SourceFile) -> (Parsed, Vec<ParseDiagnostic>) {
    match file.kind {
        FileKind::Terraform => {
            let (tf, diags) = terraform::parse(&file.text, &file.path);
            (Parsed::Terraform(tf), diags)
        }
        FileKind::Dockerfile => {
            let (df, diags) = dockerfile::parse(&file.text);
            (Parsed::Dockerfile(df), diags)
        }
        FileKind::GithubWorkflow
        | FileKind::GithubAction
        | FileKind::GitlabCi
        | FileKind::Circleci
        | FileKind::Compose
        | FileKind::Kubernetes
        | FileKind::OtherCi => parse_yaml_kind(file),
        FileKind::Manifest | FileKind::Text => (Parsed::Text, Vec::new()),
    }
}

fn parse_yaml_kind(file: &SourceFile) -> (Parsed, Vec<ParseDiagnostic>) {
    let is_yaml = file.path.ends_with(".yml") || file.path.ends_with(".yaml");
    if !is_yaml {
        return (Parsed::Text, Vec::new());
    }
    // NOTE: Helm templates are Go templates, not YAML; they are scanned as text.
    if file.kind == FileKind::Kubernetes && file.text.contains("{{") {
        return (Parsed::Text, Vec::new());
    }
    let (docs, diags) = yaml::parse(&file.text);
    let parsed = match CiModel::from_documents(file.kind, &docs) {
        Some(ci) => Parsed::Ci(ci, docs),
        None => Parsed::Yaml(docs),
    };
    (parsed, diags)
}
