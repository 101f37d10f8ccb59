use crate::declare_rule;
use crate::model::iam::{self, Effect};
use crate::model::terraform::TerraformFile;
use crate::rule::{Cx, Rule, Scope};
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// A policy statement that allows every action on every resource: `Effect` `Allow`
    /// with `Action` `"*"` (alone or in a list) and `Resource` `"*"`. Policies are found
    /// however they are written: `jsonencode({...})`, heredoc or string JSON in any
    /// argument (`aws_iam_policy`, `aws_iam_role_policy`, `aws_iam_user_policy`,
    /// `aws_iam_group_policy`, inline policies, bucket policies, module inputs, locals),
    /// and the `statement` blocks of `data "aws_iam_policy_document"` (whose `effect`
    /// defaults to `Allow`). The finding points at the `Action`.
    ///
    /// Parts set from variables or locals cannot be known and never fire; a service
    /// wildcard such as `s3:*` is not this rule's business, nor is `NotAction`.
    ///
    /// ## Why it matters
    /// The talk puts "no one logs in as root" with 2FA first on the security list:
    /// least privilege is what limits the blast radius of a leaked key or a compromised
    /// CI job. `*` on `*` is the AdministratorAccess policy under another name: whoever
    /// holds this role or user can do and undo anything in the account, including
    /// turning off CloudTrail.
    ///
    /// ## Bad
    /// ```hcl
    /// resource "aws_iam_policy" "deploy" {
    ///   name = "deploy"
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// resource "aws_iam_policy" "deploy" {
    ///   name = "deploy"
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect   = "Allow"
    ///       Action   = ["ecs:UpdateService", "ecs:DescribeServices"]
    ///       Resource = aws_ecs_service.app.id
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## How to fix
    /// List the actions the principal needs and scope `Resource` to the ARNs it works on;
    /// IAM Access Analyzer can generate a policy from CloudTrail activity. Keep
    /// administrator access for break-glass roles behind MFA, outside Terraform code
    /// that CI applies.
    IamWildcard {
        id: "SEC020",
        name: "iam-wildcard",
        pillar: Sec,
        stage: Seed,
        scope: Scope::File(&[FileKind::Terraform]),
        severity: Warning,
        since: "0.1.0",
        summary: "IAM policy allows every action on every resource",
    }
}

impl Rule for IamWildcard {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        for statement in iam::statements(tf) {
            if statement.effect != Effect::Allow {
                continue;
            }
            let (Some(actions), Some(resources)) = (&statement.actions, &statement.resources) else {
                continue;
            };
            let (Some(action), Some(resource)) = (actions.find("*"), resources.find("*")) else {
                continue;
            };
            cx.report(
                cx.finding(action)
                    .message("policy allows every action (`*`) on every resource: full administrator access")
                    .label(resource, "on every resource")
                    .help("list the actions needed and scope `Resource` to specific ARNs"),
            );
        }
    }
}
