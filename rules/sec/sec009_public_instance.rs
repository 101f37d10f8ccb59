use crate::declare_rule;
use crate::model::setting::Setting;
use crate::model::terraform::{Block, TerraformFile};
use crate::rule::{Cx, Rule, Scope};
use crate::source::{FileKind, Span};

declare_rule! {
    /// ## What it checks
    /// A compute instance that gets a public IP address and is not a bastion:
    ///
    /// - AWS: `associate_public_ip_address = true` on `aws_instance`,
    ///   `aws_spot_instance_request`, `aws_launch_configuration`, and in the
    ///   `network_interfaces` of an `aws_launch_template`;
    /// - GCP: an `access_config` block (an external IP) in a `network_interface` of a
    ///   `google_compute_instance` or instance template.
    ///
    /// A host counts as a bastion when its resource name, `name`/`name_prefix`, tags or
    /// labels, or a directory of its file path say bastion (or jumpbox / jump host).
    /// Values from variables cannot be known and never fire; a `dynamic "access_config"`
    /// block may be empty and does not fire either.
    ///
    /// ## Why it matters
    /// The talk's perimeter is a private network whose only door is a bastion host. An
    /// instance with its own public address is a second door: every port its security
    /// group or OS firewall forgets is on the internet, and patching it becomes urgent
    /// for ever. Outbound traffic needs a NAT gateway, not a public IP.
    ///
    /// ## Bad
    /// ```hcl
    /// resource "aws_instance" "worker" {
    ///   ami                         = "ami-0123456789abcdef0"
    ///   instance_type               = "t3.small"
    ///   associate_public_ip_address = true
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// resource "aws_instance" "worker" {
    ///   ami                         = "ami-0123456789abcdef0"
    ///   instance_type               = "t3.small"
    ///   subnet_id                   = aws_subnet.private.id
    ///   associate_public_ip_address = false
    /// }
    ///
    /// resource "aws_instance" "bastion" {
    ///   ami                         = "ami-0123456789abcdef0"
    ///   instance_type               = "t3.nano"
    ///   associate_public_ip_address = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Launch instances in private subnets without a public IP, give them outbound
    /// access through a NAT gateway, and reach them through a load balancer, the bastion
    /// or SSM Session Manager (GCP: IAP TCP forwarding).
    PublicInstance {
        id: "SEC009",
        name: "public-instance",
        pillar: Sec,
        stage: Growth,
        scope: Scope::File(&[FileKind::Terraform]),
        severity: Warning,
        since: "0.1.0",
        summary: "instance with a public IP",
    }
}

const BASTION_MARKERS: &[&str] = &[
    "bastion",
    "jumpbox",
    "jump-box",
    "jump_box",
    "jumphost",
    "jump-host",
    "jump_host",
];

fn says_bastion(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    BASTION_MARKERS.iter().any(|m| lower.contains(m))
}

/// Whether the resource's name, tags or labels say it is a bastion.
fn is_bastion(res: &Block, path: &str) -> bool {
    if res.name().is_some_and(says_bastion) {
        return true;
    }
    let dirs = path.rsplit_once('/').map_or("", |(dir, _)| dir);
    if says_bastion(dirs) {
        return true;
    }
    let mut found = false;
    let mut check = |block: &Block| {
        for attr in &block.attributes {
            if matches!(
                attr.key.as_str(),
                "name" | "name_prefix" | "hostname" | "tags" | "tags_all" | "labels"
            ) {
                attr.value.walk(attr.value_span, &mut |_, v, _| {
                    if v.as_str().is_some_and(says_bastion) {
                        found = true;
                    }
                });
            }
        }
    };
    check(res);
    for spec in res
        .blocks_named("tag_specifications")
        .chain(res.blocks_named("tag"))
    {
        check(spec);
    }
    found
}

fn report(cx: &mut Cx, res: &Block, span: Span, what: &str) {
    cx.report(
        cx.finding(span)
            .message(format!("`{}` {what}", res.address()))
            .help("use a private subnet and a NAT gateway; reach it through a load balancer, the bastion or SSM Session Manager"),
    );
}

impl Rule for PublicInstance {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        for res in tf.resources() {
            let ty = res.resource_type().unwrap_or("");
            let mut public: Vec<(Span, &str)> = Vec::new();
            match ty {
                "aws_instance" | "aws_spot_instance_request" | "aws_launch_configuration" => {
                    if let Setting::True(attr) = Setting::of(res, "associate_public_ip_address") {
                        public.push((attr.span, "gets a public IP address"));
                    }
                }
                "aws_launch_template" => {
                    for nic in res.blocks_named("network_interfaces") {
                        if let Setting::True(attr) = Setting::of(nic, "associate_public_ip_address")
                        {
                            public.push((attr.span, "launches instances with a public IP address"));
                        }
                    }
                }
                "google_compute_instance"
                | "google_compute_instance_template"
                | "google_compute_region_instance_template" => {
                    for nic in res.blocks_named("network_interface") {
                        // NOTE: only literal blocks; a dynamic one may expand to nothing.
                        for access in nic.blocks.iter().filter(|b| b.kind == "access_config") {
                            public.push((
                                access.header_span,
                                "gets an external IP address (`access_config`)",
                            ));
                        }
                    }
                }
                _ => continue,
            }
            if public.is_empty() || is_bastion(res, cx.path()) {
                continue;
            }
            for (span, what) in public {
                report(cx, res, span, what);
            }
        }
    }
}
