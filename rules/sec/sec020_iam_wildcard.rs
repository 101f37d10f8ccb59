use crate::declare_rule;
use crate::model::iam::{self, Effect};
use crate::model::terraform::{Block, TerraformFile, Value};
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
    /// defaults to `Allow`). The finding points at the `Action`. Two equivalents count
    /// too: the AWS managed `arn:aws:iam::aws:policy/AdministratorAccess` policy named
    /// anywhere (attachments, `managed_policy_arns`, module inputs), and an Azure
    /// `azurerm_role_definition` whose `permissions` allow `actions = ["*"]`.
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

/// `arn:aws:iam::aws:policy/AdministratorAccess` in any partition.
fn is_admin_policy_arn(text: &str) -> bool {
    text.strip_prefix("arn:aws")
        .and_then(|rest| rest.split_once(":iam::aws:policy/"))
        .is_some_and(|(partition, name)| {
            partition
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-')
                && name == "AdministratorAccess"
        })
}

fn admin_policy_arns(values: &[(&Value, crate::source::Span)], cx: &mut Cx) {
    for (value, span) in values {
        value.walk(*span, &mut |_, v, span| {
            if v.as_str().is_some_and(is_admin_policy_arn) {
                cx.report(
                    cx.finding(span)
                        .message("grants the AWS managed AdministratorAccess policy: every action on every resource")
                        .help("attach a policy that lists the actions needed, scoped to specific ARNs"),
                );
            }
        });
    }
}

fn azure_role(role: &Block, cx: &mut Cx) {
    for permissions in role.blocks_named("permissions") {
        let Some(actions) = permissions.attr("actions") else {
            continue;
        };
        for item in actions.value.as_list().unwrap_or_default() {
            if item.value.as_str() == Some("*") {
                cx.report(
                    cx.finding(item.span)
                        .message(format!(
                            "role definition `{}` allows every action (`*`): an Owner-like custom role",
                            role.name().unwrap_or("?")
                        ))
                        .help("list the actions the role needs, or use a narrower built-in role"),
                );
            }
        }
    }
}

impl Rule for IamWildcard {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        let mut values: Vec<(&Value, crate::source::Span)> = tf
            .attributes
            .iter()
            .map(|a| (&a.value, a.value_span))
            .collect();
        let mut stack: Vec<&Block> = tf.blocks.iter().collect();
        while let Some(block) = stack.pop() {
            values.extend(block.attributes.iter().map(|a| (&a.value, a.value_span)));
            stack.extend(block.blocks.iter());
        }
        admin_policy_arns(&values, cx);
        for role in tf.resources_of_type("azurerm_role_definition") {
            azure_role(role, cx);
        }
        for statement in iam::statements(tf) {
            if statement.effect != Effect::Allow {
                continue;
            }
            let (Some(actions), Some(resources)) = (&statement.actions, &statement.resources)
            else {
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
