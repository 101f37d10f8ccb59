//! Matching the inventory against a vendor table: which practices' tools show
//! up where. Each repo rule owns its table ([`Vendor`] rows); this module only
//! knows how to look.
//!
//! Patterns: a trailing `*` is a prefix match, otherwise exact (case-insensitive;
//! Python names compare with `-`, `_`, `.` alike). A package pattern may be
//! scoped to an ecosystem (`cargo:sentry`).

use super::{is_auxiliary, Location, RepoFacts};

/// One vendor (or open-source tool) and every way it shows up in a repo.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Vendor {
    pub name: &'static str,
    /// Dependency names in any manifest (`@sentry/*`, `sentry-sdk`, `io.sentry:*`).
    pub packages: &'static [&'static str],
    /// Environment variable names set or declared anywhere (`SENTRY_DSN`, `DD_*`).
    pub env: &'static [&'static str],
    /// Hosts (and their subdomains) of URLs in configuration or DSNs (`sentry.io`).
    pub hosts: &'static [&'static str],
    /// Terraform resource or data source types (`datadog_*`, `aws_cloudtrail`).
    pub terraform: &'static [&'static str],
    /// Fragments of Terraform module sources (`terraform-aws-modules/cloudtrail`).
    pub modules: &'static [&'static str],
    /// Fragments of container images (`datadog/agent`).
    pub images: &'static [&'static str],
    /// Kubernetes kinds (`ServiceMonitor`) and annotation prefixes (`ad.datadoghq.com/`).
    pub kubernetes: &'static [&'static str],
    /// Fragments of CI commands or `uses:` (`sentry-cli`, `getsentry/action-release`).
    pub ci: &'static [&'static str],
    /// Recognised files (`sops`, `doppler`): see `facts::text::tools`.
    pub tools: &'static [&'static str],
}

impl Vendor {
    /// A row with nothing but a name, to fill with `..Vendor::EMPTY`.
    pub(crate) const EMPTY: Vendor = Vendor {
        name: "",
        packages: &[],
        env: &[],
        hosts: &[],
        terraform: &[],
        modules: &[],
        images: &[],
        kubernetes: &[],
        ci: &[],
        tools: &[],
    };
}

/// Where a vendor showed up.
#[derive(Debug, Clone)]
pub(crate) struct Evidence {
    pub vendor: &'static str,
    pub what: String,
    pub location: Location,
}

impl Evidence {
    /// `Sentry (@sentry/node in package.json:12)`.
    pub(crate) fn describe(&self) -> String {
        let at = super::loc_string(&self.location);
        if at.is_empty() {
            format!("{} ({})", self.vendor, self.what)
        } else {
            format!("{} ({} at {at})", self.vendor, self.what)
        }
    }
}

fn norm(s: &str) -> String {
    s.to_ascii_lowercase().replace(['_', '.'], "-")
}

/// Whether `value` matches `pattern` (prefix with a trailing `*`, else exact).
pub(crate) fn matches(pattern: &str, value: &str) -> bool {
    // NOTE: no lowercased copies: this runs for every vendor x every fact.
    match pattern.strip_suffix('*') {
        Some(prefix) => value
            .as_bytes()
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes())),
        None => pattern.eq_ignore_ascii_case(value),
    }
}

const ECOSYSTEMS: &[&str] = &[
    "npm", "pypi", "rubygems", "go", "cargo", "maven", "gradle", "composer", "hex", "nuget",
];

pub(crate) fn package_matches(pattern: &str, ecosystem: &str, name: &str) -> bool {
    let (eco, pattern) = match pattern.split_once(':') {
        Some((e, rest)) if ECOSYSTEMS.contains(&e) => (Some(e), rest),
        _ => (None, pattern),
    };
    if eco.is_some_and(|e| e != ecosystem) {
        return false;
    }
    if ecosystem == "pypi" {
        return matches(&norm(pattern), &norm(name));
    }
    matches(pattern, name)
}

fn host_matches(pattern: &str, host: &str) -> bool {
    host == pattern || host.ends_with(&format!(".{pattern}"))
}

/// Every place the facts show one of `vendors` (outside examples and tests), in the order
/// manifests, Terraform, environment, hosts, images, Kubernetes, CI, tools.
pub(crate) fn find(facts: &RepoFacts, vendors: &[Vendor]) -> Vec<Evidence> {
    // NOTE: one pass over each kind of fact (lower-cased once), not one per vendor: the
    // inventory of a large tree is far bigger than the cache and a table has dozens of
    // rows. Hits go to one list per vendor, so the order stays vendor by vendor, then
    // kind by kind, then fact by fact.
    let mut by_vendor: Vec<Vec<Evidence>> = vec![Vec::new(); vendors.len()];
    let mut push = |i: usize, what: String, location: &Location| {
        if !is_auxiliary(&location.path) {
            by_vendor[i].push(Evidence {
                vendor: vendors[i].name,
                what,
                location: location.clone(),
            });
        }
    };
    let each = |list: fn(&Vendor) -> &'static [&'static str]| {
        vendors
            .iter()
            .enumerate()
            .filter(move |(_, v)| !list(v).is_empty())
            .map(move |(i, v)| (i, list(v)))
    };
    for m in &facts.manifests {
        for d in &m.dependencies {
            for (i, packages) in each(|v| v.packages) {
                if packages
                    .iter()
                    .any(|p| package_matches(p, m.ecosystem, &d.name))
                {
                    push(i, format!("{} in {}", d.name, m.path), &d.location);
                }
            }
        }
    }
    let tf = &facts.terraform;
    for r in tf.resources.iter().chain(&tf.data_sources) {
        for (i, types) in each(|v| v.terraform) {
            if types.iter().any(|p| matches(p, &r.ty)) {
                push(i, r.address.clone(), &r.location);
            }
        }
    }
    for m in &tf.modules {
        let source = m.source_lower();
        for (i, fragments) in each(|v| v.modules) {
            if fragments.iter().any(|f| source.contains(f)) {
                push(
                    i,
                    format!("module.{} ({})", m.name, m.source.as_deref().unwrap_or("")),
                    &m.location,
                );
            }
        }
    }
    for e in &facts.env {
        for (i, names) in each(|v| v.env) {
            if names.iter().any(|p| matches(p, &e.name)) {
                push(
                    i,
                    format!("{} ({})", e.name, e.context.as_str()),
                    &e.location,
                );
            }
        }
    }
    for (host, loc) in &facts.hosts {
        for (i, hosts) in each(|v| v.hosts) {
            if hosts.iter().any(|p| host_matches(p, host)) {
                push(i, format!("URL host {host}"), loc);
            }
        }
    }
    for image in &facts.images {
        let lower = image.image.to_ascii_lowercase();
        for (i, fragments) in each(|v| v.images) {
            if fragments.iter().any(|f| lower.contains(f)) {
                push(i, format!("image {}", image.image), &image.location);
            }
        }
    }
    for o in &facts.kubernetes {
        for (i, kinds) in each(|v| v.kubernetes) {
            if kinds.iter().any(|k| *k == o.kind) {
                push(
                    i,
                    format!("{} {}", o.kind, o.name.as_deref().unwrap_or("(templated)")),
                    &o.location,
                );
            }
            if let Some(a) = o
                .annotations
                .iter()
                .find(|a| kinds.iter().any(|k| k.ends_with('/') && a.starts_with(k)))
            {
                push(i, format!("annotation {a}"), &o.location);
            }
        }
    }
    for (_, _, c) in facts.ci_commands().chain(facts.ci_uses()) {
        let text = c.text.to_ascii_lowercase();
        for (i, fragments) in each(|v| v.ci) {
            if fragments.iter().any(|f| text.contains(f)) {
                push(i, format!("CI `{}`", shorten(&c.text)), &c.location);
            }
        }
    }
    for t in &facts.tools {
        for (i, kinds) in each(|v| v.tools) {
            if kinds.contains(&t.kind) {
                push(i, format!("{} ({})", t.path, t.kind), &t.location);
            }
        }
    }
    by_vendor.into_iter().flatten().collect()
}

/// A command cut to 60 characters for messages.
pub(crate) fn shorten(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() <= 60 {
        return s.to_string();
    }
    let cut: String = s.chars().take(57).collect();
    format!("{cut}...")
}

/// Vendor names of a table, for messages: `Sentry, Rollbar, Bugsnag`.
pub(crate) fn names(vendors: &[Vendor]) -> String {
    vendors
        .iter()
        .map(|v| v.name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(matches("@sentry/*", "@sentry/node"));
        assert!(!matches("@sentry/*", "sentry"));
        assert!(matches("SENTRY_DSN", "sentry_dsn"));
        assert!(package_matches("sentry-sdk", "pypi", "sentry_sdk"));
        assert!(package_matches("cargo:sentry", "cargo", "sentry"));
        assert!(!package_matches("cargo:sentry", "npm", "sentry"));
        assert!(package_matches(
            "io.sentry:*",
            "maven",
            "io.sentry:sentry-spring"
        ));
        assert!(host_matches("sentry.io", "o1.ingest.sentry.io"));
        assert!(!host_matches("sentry.io", "notsentry.io"));
    }
}
