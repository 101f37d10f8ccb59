use crate::declare_rule;
use crate::facts::signals::{self, Vendor};
use crate::facts::RepoFacts;
use crate::rule::{Outcome, RepoCx, Rule, Scope};

declare_rule! {
    /// ## What it checks
    /// Cloud infrastructure is defined in the IaC (AWS, Google Cloud or Azure
    /// resources in a root module, or modules whose source names that cloud: a registry
    /// address ending in `/aws`, `/google`, `/azurerm`, or a `terraform-aws-...`
    /// repository; an account built only from registry modules is still an account)
    /// but nothing turns on security monitoring. What
    /// counts (`SECURITY_MONITORING`):
    /// - AWS: CloudTrail (`aws_cloudtrail`), GuardDuty (`aws_guardduty_*`), Security
    ///   Hub (`aws_securityhub_*`), AWS Config (`aws_config_*`), Inspector
    ///   (`aws_inspector2_*`, `aws_inspector_*`), Macie (`aws_macie2_*`), Detective (`aws_detective_*`),
    ///   IAM Access Analyzer (`aws_accessanalyzer_*`), or modules of those names;
    /// - Google Cloud: Cloud Audit Logs (`google_project_iam_audit_config`,
    ///   `google_folder_iam_audit_config`, `google_organization_iam_audit_config`),
    ///   Security Command Center (`google_scc_*`);
    /// - Azure: Defender for Cloud (`azurerm_security_center_*`), Sentinel
    ///   (`azurerm_sentinel_*`);
    /// - third parties: Datadog Cloud Security (`datadog_security_monitoring_*`,
    ///   `datadog_cloud_configuration_*`), Lacework (`lacework_*`), Wiz (`wiz_*`),
    ///   Prisma Cloud (`prismacloud_*`).
    ///
    /// The finding points at the first `provider` block of a root module. A library
    /// of reusable modules does not apply: account-level monitoring is the callers'.
    /// Monitoring set up for the whole AWS Organization (Control Tower, a security
    /// account) lives in another repo: attest it.
    ///
    /// ## Why it matters
    /// The talk's last piece of low-hanging fruit: "use security monitoring". An
    /// audit trail and a threat detector cost little and are the difference
    /// between noticing a leaked key in minutes and reading about it on the bill.
    ///
    /// ## Bad
    /// ```hcl
    /// provider "aws" {
    ///   region = "eu-west-1"
    /// }
    /// resource "aws_s3_bucket" "assets" {
    ///   bucket = "acme-assets"
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// provider "aws" {
    ///   region = "eu-west-1"
    /// }
    /// resource "aws_s3_bucket" "assets" {
    ///   bucket = "acme-assets"
    /// }
    /// resource "aws_guardduty_detector" "main" {
    ///   enable = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Enable a multi-region CloudTrail trail and GuardDuty (a few lines each), and
    /// route GuardDuty findings to your alerting.
    NoSecurityMonitoring {
        id: "SEC013",
        name: "no-security-monitoring",
        pillar: Sec,
        stage: Growth,
        scope: Scope::Repo,
        severity: Warning,
        since: "0.1.0",
        summary: "cloud infrastructure without security monitoring",
        precision: Medium,
    }
}

const fn tf(
    name: &'static str,
    terraform: &'static [&'static str],
    modules: &'static [&'static str],
) -> Vendor {
    Vendor {
        name,
        terraform,
        modules,
        ..Vendor::EMPTY
    }
}

/// What counts as security monitoring.
pub(crate) const SECURITY_MONITORING: &[Vendor] = &[
    tf("CloudTrail", &["aws_cloudtrail"], &["cloudtrail"]),
    tf("GuardDuty", &["aws_guardduty_*"], &["guardduty"]),
    tf(
        "Security Hub",
        &["aws_securityhub_*"],
        &["securityhub", "security-hub"],
    ),
    tf(
        "AWS Config",
        &["aws_config_*"],
        &["aws-config", "config-rules"],
    ),
    tf("Inspector", &["aws_inspector2_*", "aws_inspector_*"], &[]),
    tf("Macie", &["aws_macie2_*"], &[]),
    tf("Detective", &["aws_detective_*"], &[]),
    tf("IAM Access Analyzer", &["aws_accessanalyzer_*"], &[]),
    tf(
        "Cloud Audit Logs",
        &[
            "google_project_iam_audit_config",
            "google_folder_iam_audit_config",
            "google_organization_iam_audit_config",
        ],
        &[],
    ),
    tf("Security Command Center", &["google_scc_*"], &[]),
    tf("Defender for Cloud", &["azurerm_security_center_*"], &[]),
    tf("Sentinel", &["azurerm_sentinel_*"], &[]),
    tf(
        "Datadog Cloud Security",
        &[
            "datadog_security_monitoring_*",
            "datadog_cloud_configuration_*",
        ],
        &[],
    ),
    tf("Lacework", &["lacework_*"], &[]),
    tf("Wiz", &["wiz_*"], &[]),
    tf("Prisma Cloud", &["prismacloud_*"], &[]),
];

const CLOUDS: &[(&str, &str)] = &[
    ("aws_", "AWS"),
    ("google_", "Google Cloud"),
    ("azurerm_", "Azure"),
];

/// The cloud a module's source names (lower-cased): the provider of a registry address
/// (`namespace/name/aws`), or `terraform-<provider>-` in a repository name.
fn module_cloud(source: &str) -> Option<&'static str> {
    let base = source.split(['?', '#']).next().unwrap_or(source);
    let base = base.split("//").next().unwrap_or(base);
    let segments: Vec<&str> = base.split('/').collect();
    let registry = !base.starts_with('.') && !base.contains("://") && !base.contains(':');
    let last = segments.last().copied().unwrap_or("");
    ["aws", "google", "azurerm"].into_iter().find(|p| {
        (registry && (segments.len() == 3 || segments.len() == 4) && last == *p)
            || source.contains(&format!("terraform-{p}-"))
    })
}

impl Rule for NoSecurityMonitoring {
    fn check_repo(&self, facts: &RepoFacts, cx: &mut RepoCx) -> Outcome {
        if facts.is_module_library() {
            cx.detail("reusable Terraform modules only: account-level monitoring is the callers'");
            return Outcome::NotApplicable;
        }
        // An account built only from modules is still an account: a module whose source
        // names a cloud (`terraform-aws-modules/vpc/aws`, `.../terraform-google-network`)
        // counts like that cloud's resources.
        let clouds: Vec<&str> = CLOUDS
            .iter()
            .filter(|(prefix, _)| {
                facts.main_resources().any(|r| r.ty.starts_with(prefix))
                    || facts.main_modules().any(|m| {
                        let provider = prefix.trim_end_matches('_');
                        module_cloud(&m.source_lower()) == Some(provider)
                    })
            })
            .map(|(_, name)| *name)
            .collect();
        if clouds.is_empty() {
            if facts
                .tools_of(&["cloudformation", "sam", "cdk"])
                .next()
                .is_some()
            {
                return Outcome::Inconclusive(
                    "CloudFormation/CDK resources are not read: security monitoring there cannot be seen".into(),
                );
            }
            cx.detail("no cloud resources in the IaC");
            return Outcome::NotApplicable;
        }
        let found = signals::find(facts, SECURITY_MONITORING);
        if let Some(e) = found.first() {
            cx.detail(e.describe());
            return Outcome::Pass;
        }
        let location = facts
            .terraform
            .providers
            .iter()
            .find(|p| !crate::facts::is_auxiliary(&p.path))
            .map(|p| p.location.clone())
            .or_else(|| facts.main_resources().next().map(|r| r.location.clone()));
        let message = format!(
            "{} infrastructure without security monitoring: no CloudTrail, GuardDuty, Security Hub, \
             AWS Config (or the Google Cloud/Azure equivalents, or a third-party CSPM) in the IaC",
            clouds.join(" and ")
        );
        match location {
            Some(l) => cx.report_at(&l, message),
            None => cx.report_root(message),
        }
        Outcome::Fail
    }
}

#[cfg(test)]
mod module_cloud_tests {
    use super::module_cloud;

    #[test]
    fn sources_that_name_a_cloud() {
        assert_eq!(module_cloud("terraform-aws-modules/vpc/aws"), Some("aws"));
        assert_eq!(module_cloud("cloudposse/cloudtrail/aws"), Some("aws"));
        assert_eq!(
            module_cloud("app.terraform.io/acme/network/google"),
            Some("google")
        );
        assert_eq!(
            module_cloud("git::https://github.com/acme/terraform-azurerm-vnet.git?ref=v1"),
            Some("azurerm")
        );
        assert_eq!(module_cloud("../modules/app"), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_documented() {
        crate::rules::support::signals::assert_documented(
            &NoSecurityMonitoring::META,
            SECURITY_MONITORING,
            true,
        );
    }
}
