use crate::declare_rule;
use crate::facts::{is_auxiliary, RepoFacts};
use crate::rule::{Outcome, RepoCx, Rule, Scope};

declare_rule! {
    /// ## What it checks
    /// Human cloud users are managed in the IaC (`aws_iam_user`, `aws_iam_group`,
    /// `aws_iam_user_login_profile`, group memberships, the terraform-aws-modules
    /// `iam-user`/`iam-group-*` modules; `azuread_user`, `azuread_group`) but the
    /// IaC does not enforce 2FA:
    /// - AWS: no policy anywhere uses the `aws:MultiFactorAuthPresent` (or
    ///   `aws:MultiFactorAuthAge`) condition key, or there is no
    ///   `aws_iam_account_password_policy` (or `iam-account` module); both are
    ///   expected;
    /// - Azure AD: no `azuread_conditional_access_policy` requiring `mfa`.
    ///
    /// The finding points at the first IAM user or group. The rule does not apply
    /// when no IAM users or groups are managed in code (users in an identity
    /// provider, AWS IAM Identity Center, Google accounts): 2FA is then enforced
    /// there, which the repo cannot show; attest it
    /// (`[attest] SEC006 = { reason = "enforced-elsewhere", note = "..." }`).
    /// Machine users (an `aws_iam_user` with an `aws_iam_access_key` and no login
    /// profile), and groups whose members in the IaC are all machine users, cannot use
    /// MFA and do not count: give machines roles (OIDC from CI) instead of keys.
    ///
    /// ## Why it matters
    /// The talk's first piece of low-hanging fruit: "Enable 2FA everywhere". A
    /// phished or reused password on a console user with no second factor is the
    /// whole AWS account.
    ///
    /// ## Bad
    /// ```hcl
    /// resource "aws_iam_user" "alice" {
    ///   name = "alice"
    /// }
    /// resource "aws_iam_group" "developers" {
    ///   name = "developers"
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// resource "aws_iam_group" "developers" {
    ///   name = "developers"
    /// }
    /// resource "aws_iam_account_password_policy" "strict" {
    ///   minimum_password_length = 14
    /// }
    /// data "aws_iam_policy_document" "require_mfa" {
    ///   statement {
    ///     effect      = "Deny"
    ///     not_actions = ["iam:*MFA*", "sts:GetSessionToken"]
    ///     resources   = ["*"]
    ///     condition {
    ///       test     = "BoolIfExists"
    ///       variable = "aws:MultiFactorAuthPresent"
    ///       values   = ["false"]
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Attach a deny-without-MFA policy to every human group, add an account
    /// password policy, or better, move people to IAM Identity Center with MFA
    /// enforced in the identity provider.
    MfaNotEnforced {
        id: "SEC006",
        name: "mfa-not-enforced",
        pillar: Sec,
        stage: Seed,
        scope: Scope::Repo,
        severity: Warning,
        since: "0.1.0",
        summary: "cloud users are managed in IaC without enforced 2FA",
        precision: Medium,
    }
}

/// Resources that manage human users or groups.
pub(crate) const AWS_USERS: &[&str] = &[
    "aws_iam_user",
    "aws_iam_group",
    "aws_iam_user_login_profile",
    "aws_iam_group_membership",
    "aws_iam_user_group_membership",
];
pub(crate) const AZURE_USERS: &[&str] = &["azuread_user", "azuread_group"];
/// Module sources that manage users or groups.
pub(crate) const USER_MODULES: &[&str] = &["iam-user", "iam-group"];
/// IAM condition keys that require MFA.
pub(crate) const MFA_CONDITIONS: &[&str] =
    &["aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge"];

impl Rule for MfaNotEnforced {
    fn check_repo(&self, facts: &RepoFacts, cx: &mut RepoCx) -> Outcome {
        // A user with an access key and no console login is a machine: MFA cannot apply.
        let keyed = |user: &str| {
            facts
                .main_resources()
                .any(|r| r.ty == "aws_iam_access_key" && r.references.contains(user))
        };
        let console = |user: &str| {
            facts
                .main_resources()
                .any(|r| r.ty == "aws_iam_user_login_profile" && r.references.contains(user))
        };
        let machine_user = |user: &crate::facts::terraform::TfBlock| {
            keyed(&user.address) && !console(&user.address)
        };
        let users: Vec<&crate::facts::terraform::TfBlock> = facts
            .main_resources()
            .filter(|r| r.ty == "aws_iam_user")
            .collect();
        // A group (or membership) whose members in the IaC are all machine users is a
        // machine group.
        let machine_group = |group: &crate::facts::terraform::TfBlock| {
            let memberships: Vec<_> = facts
                .main_resources()
                .filter(|m| {
                    matches!(
                        m.ty.as_str(),
                        "aws_iam_group_membership" | "aws_iam_user_group_membership"
                    ) && (m.references.contains(&group.address) || m.address == group.address)
                })
                .collect();
            !memberships.is_empty()
                && memberships.iter().all(|m| {
                    let members: Vec<_> = users
                        .iter()
                        .filter(|u| m.references.contains(&u.address))
                        .collect();
                    !members.is_empty() && members.iter().all(|u| machine_user(u))
                })
        };
        let human = |r: &&crate::facts::terraform::TfBlock| match r.ty.as_str() {
            "aws_iam_user" => !machine_user(r),
            "aws_iam_group" | "aws_iam_group_membership" | "aws_iam_user_group_membership" => {
                !machine_group(r)
            }
            _ => true,
        };
        let aws: Vec<String> = facts
            .main_resources()
            .filter(|r| AWS_USERS.contains(&r.ty.as_str()))
            .filter(human)
            .map(|r| r.address.clone())
            .chain(
                facts
                    .main_modules()
                    .filter(|m| {
                        let s = m.source_lower();
                        s.contains("iam") && USER_MODULES.iter().any(|f| s.contains(f))
                    })
                    .map(|m| format!("module.{}", m.name)),
            )
            .collect();
        let azure: Vec<String> = facts
            .main_resources()
            .filter(|r| AZURE_USERS.contains(&r.ty.as_str()))
            .map(|r| r.address.clone())
            .collect();
        if aws.is_empty() && azure.is_empty() {
            cx.detail("no IAM users or groups are managed in the IaC");
            return Outcome::NotApplicable;
        }
        let mut missing = Vec::new();
        if !aws.is_empty() {
            let mfa = MFA_CONDITIONS
                .iter()
                .find_map(|k| facts.terraform.iam_condition_keys.get(*k).map(|l| (k, l)));
            if mfa.is_none() {
                missing.push("no policy requires MFA (`aws:MultiFactorAuthPresent`)".to_string());
            }
            let password_policy = facts
                .main_resources()
                .any(|r| r.ty == "aws_iam_account_password_policy")
                || facts
                    .main_modules()
                    .any(|m| m.source_lower().contains("iam-account"));
            if !password_policy {
                missing.push("no `aws_iam_account_password_policy`".to_string());
            }
        }
        if !azure.is_empty() {
            let ca_mfa = facts.main_resources().any(|r| {
                r.ty == "azuread_conditional_access_policy"
                    && r.blocks.iter().any(|b| {
                        b.attributes
                            .values()
                            .any(|v| v.strings_lower().iter().any(|s| s == "mfa"))
                    })
            });
            if !ca_mfa {
                missing.push("no `azuread_conditional_access_policy` requiring `mfa`".to_string());
            }
        }
        let users: Vec<&String> = aws.iter().chain(azure.iter()).collect();
        if missing.is_empty() {
            cx.detail(format!("{} managed with MFA enforced", users.len()));
            return Outcome::Pass;
        }
        let first = facts
            .main_resources()
            .filter(human)
            .find(|r| AWS_USERS.contains(&r.ty.as_str()) || AZURE_USERS.contains(&r.ty.as_str()))
            .map(|r| r.location.clone())
            .or_else(|| {
                facts
                    .main_modules()
                    .find(|m| USER_MODULES.iter().any(|f| m.source_lower().contains(f)))
                    .map(|m| m.location.clone())
            });
        let more = if users.len() > 1 {
            format!(" and {} more", users.len() - 1)
        } else {
            String::new()
        };
        let message = format!(
            "cloud users are managed here ({}{more}) but {}",
            users[0],
            missing.join(" and ")
        );
        match first.filter(|l| !is_auxiliary(&l.path)) {
            Some(l) => cx.report_at(&l, message),
            None => cx.report_root(message),
        }
        Outcome::Fail
    }
}
