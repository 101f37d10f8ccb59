//! Firewall ingress across clouds, as one shape: who may connect, to which
//! ports. AWS security groups (inline `ingress`, `aws_security_group_rule`,
//! `aws_vpc_security_group_ingress_rule`), `google_compute_firewall`, and Azure
//! NSG rules (inline `security_rule` and `azurerm_network_security_rule`).

use crate::model::terraform::{Block, TerraformFile, Value};
use crate::source::Span;

/// Inclusive port range; `All` for protocol `-1`/`all`/`*` or 0-65535.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ports {
    All,
    Range(u32, u32),
}

impl Ports {
    pub(crate) fn contains(self, port: u32) -> bool {
        match self {
            Ports::All => true,
            Ports::Range(from, to) => from <= port && port <= to,
        }
    }
}

/// One ingress permission whose sources and ports are known.
#[derive(Debug, Clone)]
pub(crate) struct Ingress {
    /// Each known source CIDR / prefix, with the span of that list item or attribute.
    pub sources: Vec<(String, Span)>,
    /// Known port ranges, with the span that says them (ports attribute or block header).
    pub ports: Vec<(Ports, Span)>,
}

/// Whether a source means "the whole internet".
pub(crate) fn is_internet(source: &str) -> bool {
    matches!(
        source.trim().to_ascii_lowercase().as_str(),
        "0.0.0.0/0" | "::/0" | "*" | "internet" | "any" | "0.0.0.0"
    )
}

fn strings_with_spans(value: &Value, span: Span) -> Option<Vec<(String, Span)>> {
    if let Some(s) = value.as_str() {
        return Some(vec![(s.to_string(), span)]);
    }
    let items = value.as_list()?;
    // An unknown item may be anything: keep the known ones.
    Some(
        items
            .iter()
            .filter_map(|item| item.value.as_str().map(|s| (s.to_string(), item.span)))
            .collect(),
    )
}

fn attr_strings(block: &Block, key: &str) -> Vec<(String, Span)> {
    block
        .attr(key)
        .and_then(|a| strings_with_spans(&a.value, a.value_span))
        .unwrap_or_default()
}

fn number(block: &Block, key: &str) -> Option<u32> {
    block
        .attr(key)
        .and_then(|a| a.value.as_f64())
        .filter(|n| *n >= 0.0 && n.fract() == 0.0)
        .map(|n| n as u32)
}

fn all_protocol(protocol: &str) -> bool {
    matches!(protocol, "-1" | "all" | "*")
}

/// `from_port`/`to_port` + `protocol` (AWS): None when unknown.
fn aws_ports(block: &Block, protocol_key: &str) -> Option<(Ports, Span)> {
    let protocol = block.attr(protocol_key)?;
    let protocol_text = match (&protocol.value, protocol.value.as_str()) {
        (_, Some(s)) => s.to_ascii_lowercase(),
        (Value::Number(n), None) => n.to_string(),
        _ => return None,
    };
    if all_protocol(&protocol_text) {
        return Some((Ports::All, protocol.span));
    }
    let from = number(block, "from_port")?;
    let to = number(block, "to_port")?;
    let span = block
        .attr("from_port")
        .map(|a| a.span)
        .unwrap_or(block.header_span);
    let span = match block.attr("to_port") {
        Some(to_attr) if to_attr.span.start > span.start => span.cover(to_attr.span),
        _ => span,
    };
    if from == 0 && (to == 0 || to >= 65535) {
        return Some((Ports::All, span));
    }
    Some((Ports::Range(from.min(to), from.max(to)), span))
}

/// "22", "1000-2000", "*" (Azure and GCP port strings).
pub(crate) fn parse_port_spec(spec: &str) -> Option<Ports> {
    let spec = spec.trim();
    if spec == "*" {
        return Some(Ports::All);
    }
    match spec.split_once('-') {
        Some((a, b)) => {
            let a = a.trim().parse().ok()?;
            let b = b.trim().parse().ok()?;
            Some(Ports::Range(a, b))
        }
        None => spec.parse().ok().map(|p| Ports::Range(p, p)),
    }
}

/// An AWS ingress (an `ingress` block or a rule resource): sources from the IPv4 and IPv6
/// CIDR attributes, ports from `from_port`/`to_port` and the protocol; None when the
/// ports are unknown.
fn aws_ingress(block: &Block, cidr_keys: [&str; 2], protocol_key: &str) -> Option<Ingress> {
    let ports = aws_ports(block, protocol_key)?;
    let sources = cidr_keys
        .iter()
        .flat_map(|key| attr_strings(block, key))
        .collect();
    Some(Ingress {
        sources,
        ports: vec![ports],
    })
}

/// Every ingress permission in a file whose sources and ports are known.
pub(crate) fn ingresses(tf: &TerraformFile) -> Vec<Ingress> {
    let mut out = Vec::new();
    for res in tf.resources() {
        match res.resource_type().unwrap_or("") {
            "aws_security_group" | "aws_default_security_group" => {
                for ingress in res.blocks_named("ingress") {
                    out.extend(aws_ingress(
                        ingress,
                        ["cidr_blocks", "ipv6_cidr_blocks"],
                        "protocol",
                    ));
                }
            }
            "aws_security_group_rule" => {
                let is_ingress = res
                    .attr("type")
                    .and_then(|a| a.value.as_str())
                    .is_some_and(|t| t == "ingress");
                if !is_ingress {
                    continue;
                }
                out.extend(aws_ingress(
                    res,
                    ["cidr_blocks", "ipv6_cidr_blocks"],
                    "protocol",
                ));
            }
            "aws_vpc_security_group_ingress_rule" => {
                out.extend(aws_ingress(res, ["cidr_ipv4", "cidr_ipv6"], "ip_protocol"));
            }
            "google_compute_firewall" => {
                let direction = res
                    .attr("direction")
                    .map(|a| a.value.as_str().map(|s| s.to_ascii_uppercase()));
                match direction {
                    None => {}
                    Some(Some(d)) if d == "INGRESS" => {}
                    _ => continue,
                }
                let sources = attr_strings(res, "source_ranges");
                let mut ports = Vec::new();
                let mut unknown = false;
                for allow in res.blocks_named("allow") {
                    let protocol = allow.attr("protocol").and_then(|a| a.value.as_str());
                    match protocol {
                        Some(p) if all_protocol(&p.to_ascii_lowercase()) => {
                            ports.push((Ports::All, allow.header_span));
                        }
                        Some(_) => match allow.attr("ports") {
                            None => ports.push((Ports::All, allow.header_span)),
                            Some(attr) => match strings_with_spans(&attr.value, attr.value_span) {
                                Some(specs) => {
                                    for (spec, span) in specs {
                                        match parse_port_spec(&spec) {
                                            Some(p) => ports.push((p, span)),
                                            None => unknown = true,
                                        }
                                    }
                                }
                                None => unknown = true,
                            },
                        },
                        None => unknown = true,
                    }
                }
                if !ports.is_empty() || !unknown {
                    out.push(Ingress { sources, ports });
                }
            }
            "azurerm_network_security_rule" => azure_rule(res, &mut out),
            "azurerm_network_security_group" => {
                for rule in res.blocks_named("security_rule") {
                    azure_rule(rule, &mut out);
                }
            }
            _ => {}
        }
    }
    out
}

fn azure_rule(rule: &Block, out: &mut Vec<Ingress>) {
    let text = |key: &str| {
        rule.attr(key)
            .and_then(|a| a.value.as_str())
            .map(|s| s.to_ascii_lowercase())
    };
    if text("direction").as_deref() != Some("inbound") || text("access").as_deref() != Some("allow")
    {
        return;
    }
    let mut sources = attr_strings(rule, "source_address_prefix");
    sources.extend(attr_strings(rule, "source_address_prefixes"));
    let mut ports = Vec::new();
    for key in ["destination_port_range", "destination_port_ranges"] {
        if let Some(attr) = rule.attr(key) {
            for (spec, span) in strings_with_spans(&attr.value, attr.value_span).unwrap_or_default()
            {
                if let Some(p) = parse_port_spec(&spec) {
                    ports.push((p, span));
                }
            }
        }
    }
    out.push(Ingress { sources, ports });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_specs() {
        assert_eq!(parse_port_spec("22"), Some(Ports::Range(22, 22)));
        assert_eq!(parse_port_spec("1000-2000"), Some(Ports::Range(1000, 2000)));
        assert_eq!(parse_port_spec("*"), Some(Ports::All));
        assert_eq!(parse_port_spec("x"), None);
        assert!(Ports::Range(0, 100).contains(22));
    }
}
