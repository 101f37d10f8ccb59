use crate::declare_rule;
use crate::model::ingress::{self, Ports};
use crate::model::terraform::{Block, TerraformFile, Value};
use crate::rule::{Cx, Rule, Scope};
use crate::source::{FileKind, Span};

declare_rule! {
    /// ## What it checks
    /// Any firewall ingress to SSH (port 22, or a port range that contains it), from
    /// anywhere, even a private range or another security group: AWS inline `ingress`
    /// blocks, `aws_security_group_rule`, `aws_vpc_security_group_ingress_rule`,
    /// `google_compute_firewall` and Azure NSG rules. It also reads the inputs of the
    /// popular `terraform-aws-modules/security-group/aws` module: its `//modules/ssh`
    /// submodule, `ingress_rules` with `"ssh-tcp"`, and `ingress_with_*` entries whose
    /// `rule` is `"ssh-tcp"` or whose ports contain 22.
    ///
    /// Rules that open every port (`protocol = "-1"`, 0-65535) are not SSH rules and are
    /// left to SEC007 when they face the internet. A GCP rule whose only source is
    /// Identity-Aware Proxy's range (`35.235.240.0/20`) is already behind an identity
    /// check and does not fire. Ports from variables cannot be known and never fire.
    ///
    /// ## Why it matters
    /// The talk's "dedicated security team" stage ("plan for 100x") ends with locking
    /// down SSH access. Open SSH, even behind a bastion, means long-lived keys on
    /// laptops, shared accounts, and no audit trail of who ran what. Session managers
    /// give shell access through IAM, with MFA, logged sessions and no inbound port.
    ///
    /// ## Bad
    /// ```hcl
    /// resource "aws_security_group_rule" "ssh_from_office" {
    ///   type              = "ingress"
    ///   from_port         = 22
    ///   to_port           = 22
    ///   protocol          = "tcp"
    ///   cidr_blocks       = ["203.0.113.0/24"]
    ///   security_group_id = aws_security_group.app.id
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// resource "aws_security_group_rule" "https" {
    ///   type              = "ingress"
    ///   from_port         = 443
    ///   to_port           = 443
    ///   protocol          = "tcp"
    ///   cidr_blocks       = ["0.0.0.0/0"]
    ///   security_group_id = aws_security_group.lb.id
    /// }
    ///
    /// resource "aws_iam_role_policy_attachment" "ssm" {
    ///   role       = aws_iam_role.app.name
    ///   policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Remove the SSH rules and reach hosts through AWS SSM Session Manager (the
    /// `AmazonSSMManagedInstanceCore` policy on the instance role), GCP IAP TCP
    /// forwarding with OS Login, or Azure Bastion; keep SSH only as a documented
    /// break-glass path.
    SshExposed {
        id: "SEC022",
        name: "ssh-exposed",
        pillar: Sec,
        stage: Scale,
        scope: Scope::File(&[FileKind::Terraform]),
        severity: Note,
        since: "0.1.0",
        summary: "SSH ingress allowed",
    }
}

/// GCP Identity-Aware Proxy's TCP forwarding range.
const IAP_RANGE: &str = "35.235.240.0/20";

const HELP: &str = "reach hosts through SSM Session Manager (GCP: IAP with OS Login; Azure: Bastion) and drop the SSH rule";

fn is_sg_module(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    lower.contains("terraform-aws-modules/security-group/aws")
        || lower.contains("terraform-aws-modules/terraform-aws-security-group")
}

fn port(value: Option<&Value>) -> Option<f64> {
    value.and_then(Value::as_f64)
}

/// `terraform-aws-modules/security-group/aws` inputs that open SSH.
fn sg_module(module: &Block, cx: &mut Cx) {
    let Some(source) = module.attr("source") else {
        return;
    };
    let Some(text) = source.value.as_str() else {
        return;
    };
    if !is_sg_module(text) {
        return;
    }
    let mut hits: Vec<Span> = Vec::new();
    if text.to_ascii_lowercase().contains("//modules/ssh") {
        hits.push(source.span);
    }
    for attr in &module.attributes {
        let key = attr.key.trim_start_matches("computed_");
        if !key.starts_with("ingress_") {
            continue;
        }
        let Some(items) = attr.value.as_list() else {
            continue;
        };
        for item in items {
            match &item.value {
                Value::String(rule) if key == "ingress_rules" && rule == "ssh-tcp" => {
                    hits.push(item.span)
                }
                obj @ Value::Object(_) => {
                    let named = obj.get("rule").and_then(Value::as_str) == Some("ssh-tcp");
                    let ranged = match (port(obj.get("from_port")), port(obj.get("to_port"))) {
                        (Some(from), Some(to)) => {
                            from <= 22.0 && 22.0 <= to && !(from == 0.0 && to >= 65535.0)
                        }
                        _ => false,
                    };
                    if named || ranged {
                        hits.push(item.span);
                    }
                }
                _ => {}
            }
        }
    }
    for span in hits {
        cx.report(
            cx.finding(span)
                .message(format!(
                    "module `{}` allows SSH ingress",
                    module.name().unwrap_or("?")
                ))
                .help(HELP),
        );
    }
}

impl Rule for SshExposed {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        for ingress in ingress::ingresses(tf) {
            let only_iap = !ingress.sources.is_empty()
                && ingress.sources.iter().all(|(s, _)| s.trim() == IAP_RANGE);
            if only_iap {
                continue;
            }
            for (ports, span) in &ingress.ports {
                let Ports::Range(from, to) = *ports else {
                    continue;
                };
                if !(from <= 22 && 22 <= to) || (from <= 1 && to >= 65535) {
                    continue;
                }
                let what = if from == to {
                    "SSH (22)".to_string()
                } else {
                    format!("ports {from}-{to}, which include SSH (22)")
                };
                let mut finding = cx
                    .finding(*span)
                    .message(format!("ingress allows {what}"))
                    .help(HELP);
                if let Some((source, source_span)) = ingress.sources.first() {
                    if source_span != span {
                        finding = finding.label(*source_span, format!("from {source}"));
                    }
                }
                cx.report(finding);
            }
        }
        for module in tf.modules() {
            sg_module(module, cx);
        }
    }
}
