use crate::declare_rule;
use crate::model::ingress::{self, Ports};
use crate::model::terraform::TerraformFile;
use crate::rule::{Cx, Rule, Scope};
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// Firewall ingress from the whole internet (`0.0.0.0/0`, `::/0`, and on
    /// Azure `*`, `Internet`, `Any`) to SSH (22), RDP (3389), a database or cache
    /// port (3306, 5432, 1433, 1521, 6379, 11211, 27017, 9200), or to all ports.
    /// Covers AWS inline `ingress` blocks, `aws_security_group_rule`,
    /// `aws_vpc_security_group_ingress_rule`, `google_compute_firewall` and Azure
    /// NSG rules (inline `security_rule` and `azurerm_network_security_rule`).
    /// Port ranges that contain one of these ports count. Sources or ports set
    /// through variables cannot be known and never fire.
    ///
    /// ## Why it matters
    /// The talk's second piece of low-hanging fruit is a network perimeter: a
    /// private network and a bastion host. An admin or data port open to the
    /// internet is found by scanners within minutes and brute-forced for ever.
    ///
    /// ## Bad
    /// ```hcl
    /// resource "aws_security_group" "db" {
    ///   ingress {
    ///     from_port   = 5432
    ///     to_port     = 5432
    ///     protocol    = "tcp"
    ///     cidr_blocks = ["0.0.0.0/0"]
    ///   }
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// resource "aws_security_group" "db" {
    ///   ingress {
    ///     from_port       = 5432
    ///     to_port         = 5432
    ///     protocol        = "tcp"
    ///     security_groups = [aws_security_group.app.id]
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Allow only the security group of the bastion or the application tier, or
    /// a private CIDR; reach hosts through SSM Session Manager instead of SSH.
    OpenAdminPort {
        id: "SEC007",
        name: "open-admin-port",
        pillar: Sec,
        stage: Seed,
        scope: Scope::File(&[FileKind::Terraform]),
        severity: Error,
        since: "0.1.0",
        summary: "admin or data port open to the internet",
    }
}

/// Ports that must never face the internet, with what they usually are.
pub(crate) const ADMIN_PORTS: &[(u32, &str)] = &[
    (22, "SSH"),
    (3389, "RDP"),
    (3306, "MySQL"),
    (5432, "PostgreSQL"),
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (6379, "Redis"),
    (11211, "Memcached"),
    (27017, "MongoDB"),
    (9200, "Elasticsearch"),
];

impl Rule for OpenAdminPort {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        for ingress in ingress::ingresses(tf) {
            let Some((source, source_span)) = ingress
                .sources
                .iter()
                .find(|(s, _)| ingress::is_internet(s))
            else {
                continue;
            };
            for (ports, ports_span) in &ingress.ports {
                let what = match ports {
                    Ports::All => Some("all ports".to_string()),
                    Ports::Range(..) => {
                        let open: Vec<String> = ADMIN_PORTS
                            .iter()
                            .filter(|(p, _)| ports.contains(*p))
                            .map(|(p, name)| format!("{name} ({p})"))
                            .collect();
                        (!open.is_empty()).then(|| open.join(", "))
                    }
                };
                let Some(what) = what else {
                    continue;
                };
                let mut finding = cx
                    .finding(*source_span)
                    .message(format!("ingress from {source} to {what}"))
                    .help("allow only the bastion's or the app's security group, or use SSM Session Manager");
                if ports_span != source_span {
                    finding = finding.label(*ports_span, "ports opened here");
                }
                cx.report(finding);
            }
        }
    }
}
