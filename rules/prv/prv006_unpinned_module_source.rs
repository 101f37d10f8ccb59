use crate::declare_rule;
use crate::model::terraform::{TerraformFile, Value};
use crate::rule::{Cx, Rule, Scope};
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// A `module` whose code can change under you:
    ///
    /// - a Git source (`git::...`, `git@...`, `github.com/...`, `bitbucket.org/...`)
    ///   without `?ref=`, or with a ref that names a moving branch (`main`, `master`,
    ///   `develop`, `dev`, `trunk`, `HEAD`);
    /// - a registry source (`namespace/name/provider`, or with a private registry host)
    ///   without a `version` argument (or with an empty one).
    ///
    /// Terragrunt's `terraform { source = ... }` is checked the same way (a `tfr://`
    /// registry source needs `?version=`). Local paths (`./`, `../`), archives over
    /// HTTP(S) and S3/GCS buckets are not checked; sources and versions from variables
    /// cannot be known and never fire. A tag or commit SHA in `ref` both count as
    /// pinned.
    ///
    /// ## Why it matters
    /// Shared modules are how a growing team ("design for 10x") keeps environments alike.
    /// An unpinned module pulls whatever the branch or registry holds at the next
    /// `terraform init`: staging and production silently run different module code, and
    /// a plan that was reviewed is not the plan that gets applied.
    ///
    /// ## Bad
    /// ```hcl
    /// module "vpc" {
    ///   source = "git::https://github.com/acme/terraform-modules.git//vpc"
    /// }
    ///
    /// module "rds" {
    ///   source = "terraform-aws-modules/rds/aws"
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// module "vpc" {
    ///   source = "git::https://github.com/acme/terraform-modules.git//vpc?ref=v1.4.2"
    /// }
    ///
    /// module "rds" {
    ///   source  = "terraform-aws-modules/rds/aws"
    ///   version = "~> 6.5"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `?ref=<tag or commit SHA>` to Git sources and a `version` to registry
    /// modules, and bump them deliberately (Renovate and Dependabot understand both).
    UnpinnedModuleSource {
        id: "PRV006",
        name: "unpinned-module-source",
        pillar: Prv,
        stage: Growth,
        scope: Scope::File(&[FileKind::Terraform]),
        severity: Warning,
        since: "0.1.0",
        summary: "module source not pinned to a version",
    }
}

/// Refs that name a branch that moves.
const MOVING_REFS: &[&str] = &[
    "main",
    "master",
    "develop",
    "development",
    "dev",
    "trunk",
    "head",
];

#[derive(Debug, PartialEq, Eq)]
enum Source<'a> {
    Local,
    /// The value of `ref=` in the query, if any.
    Git(Option<&'a str>),
    Registry,
    /// A Terragrunt `tfr://` source, with its `version=`.
    TerragruntRegistry(Option<&'a str>),
    /// Archives, buckets, anything else: not checked.
    Other,
}

fn query_param<'a>(source: &'a str, key: &str) -> Option<&'a str> {
    let (_, query) = source.split_once('?')?;
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

fn classify(source: &str) -> Source<'_> {
    let s = source.trim();
    let lower = s.to_ascii_lowercase();
    if s == "." || s == ".." || s.starts_with("./") || s.starts_with("../") {
        return Source::Local;
    }
    if lower.starts_with("tfr://") {
        return Source::TerragruntRegistry(query_param(s, "version"));
    }
    let is_git = lower.starts_with("git::")
        || lower.starts_with("git@")
        || lower.starts_with("github.com/")
        || lower.starts_with("bitbucket.org/")
        || ((lower.starts_with("https://") || lower.starts_with("ssh://"))
            && lower.split('?').next().is_some_and(|p| {
                p.contains(".git") || p.contains("github.com/") || p.contains("gitlab.com/")
            }));
    if is_git {
        return Source::Git(query_param(s, "ref"));
    }
    if lower.contains("::") || lower.contains("://") || lower.starts_with('/') {
        return Source::Other;
    }
    let address = s.split("//").next().unwrap_or(s);
    let parts: Vec<&str> = address.split('/').collect();
    let registry = match parts.as_slice() {
        [ns, name, provider] => ![ns, name, provider]
            .iter()
            .any(|p| p.is_empty() || p.contains('.')),
        [host, ns, name, provider] => {
            host.contains('.') && ![ns, name, provider].iter().any(|p| p.is_empty())
        }
        _ => false,
    };
    if registry {
        Source::Registry
    } else {
        Source::Other
    }
}

impl Rule for UnpinnedModuleSource {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        let modules = tf.modules().map(|m| (m, false));
        let terragrunt = tf
            .terraform_blocks()
            .filter(|b| b.attr("source").is_some())
            .map(|b| (b, true));
        for (block, is_terragrunt) in modules.chain(terragrunt) {
            let Some(source_attr) = block.attr("source") else {
                continue;
            };
            let Some(source) = source_attr.value.as_str() else {
                continue;
            };
            let what = if is_terragrunt {
                "Terragrunt source".to_string()
            } else {
                format!("module `{}`", block.name().unwrap_or("?"))
            };
            match classify(source) {
                Source::Git(None) => cx.report(
                    cx.finding(source_attr.span)
                        .message(format!("{what} comes from Git without `?ref=`"))
                        .help("append `?ref=<tag or commit SHA>` to the source"),
                ),
                Source::Git(Some(r)) | Source::TerragruntRegistry(Some(r))
                    if r.trim().is_empty() =>
                {
                    cx.report(
                        cx.finding(source_attr.span)
                            .message(format!("{what} has an empty version in its source"))
                            .help("pin a tag or commit SHA"),
                    )
                }
                Source::Git(Some(r)) if MOVING_REFS.contains(&r.to_ascii_lowercase().as_str()) => {
                    cx.report(
                        cx.finding(source_attr.span)
                            .message(format!("{what} follows the branch `{r}`, which moves"))
                            .help("pin a tag or commit SHA instead of a branch"),
                    )
                }
                Source::TerragruntRegistry(None) => cx.report(
                    cx.finding(source_attr.span)
                        .message(format!("{what} from the registry without `?version=`"))
                        .help("append `?version=X.Y.Z` to the tfr:// source"),
                ),
                Source::Registry if !is_terragrunt => {
                    let unpinned = match block.attr("version") {
                        None => Some(block.header_span),
                        Some(v) => match &v.value {
                            Value::Null => Some(v.span),
                            value => value
                                .as_str()
                                .filter(|s| s.trim().is_empty())
                                .map(|_| v.span),
                        },
                    };
                    if let Some(span) = unpinned {
                        let mut finding = cx
                            .finding(span)
                            .message(format!("{what} from the registry without a `version`"))
                            .help("add `version = \"~> X.Y\"`");
                        if span == block.header_span {
                            finding = finding.label(source_attr.span, "registry source");
                        }
                        cx.report(finding);
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources() {
        assert_eq!(classify("./modules/vpc"), Source::Local);
        assert_eq!(classify("terraform-aws-modules/vpc/aws"), Source::Registry);
        assert_eq!(
            classify("terraform-aws-modules/iam/aws//modules/iam-user"),
            Source::Registry
        );
        assert_eq!(classify("app.terraform.io/acme/vpc/aws"), Source::Registry);
        assert_eq!(classify("github.com/acme/modules"), Source::Git(None));
        assert_eq!(
            classify("git::https://example.com/vpc.git?ref=v1.2.0"),
            Source::Git(Some("v1.2.0"))
        );
        assert_eq!(
            classify("git@github.com:acme/m.git//x?depth=1&ref=abc"),
            Source::Git(Some("abc"))
        );
        assert_eq!(
            classify("https://example.com/vpc-module.zip"),
            Source::Other
        );
        assert_eq!(
            classify("s3::https://s3.amazonaws.com/b/vpc.zip"),
            Source::Other
        );
        assert_eq!(
            classify("tfr:///terraform-aws-modules/vpc/aws?version=5.0.0"),
            Source::TerragruntRegistry(Some("5.0.0"))
        );
        assert_eq!(classify("hashicorp/consul/aws/extra"), Source::Other);
    }
}
