//! GitHub Actions workflow commands (`--format github`): one `::error`,
//! `::warning` or `::notice` line per finding, which the runner turns into an
//! annotation on the file and line, on any repository (forks and private repos
//! without code scanning included).
//!
//! Every value is escaped as the runner's parser expects (actions/toolkit
//! `command.ts`): in the message `%`, CR and LF; in properties also `:` and `,`.
//! After escaping no value holds a line break, so nothing taken from the scanned
//! repository or a plugin can start a line of its own (and with it a workflow
//! command of its own choosing).

use crate::engine::ScanResult;
use crate::finding::Finding;
use crate::rule::Severity;

pub(crate) fn render(result: &ScanResult) -> String {
    let mut out = String::new();
    for finding in result.active_findings() {
        out.push_str(&annotation(finding));
        out.push('\n');
    }
    let active = result.active_findings().count();
    // A plain closing line (not a command) so the job log says what ran.
    out.push_str(&format!(
        "devops-lint: {active} finding{} ({} error, {} warning, {} note), {} suppressed\n",
        if active == 1 { "" } else { "s" },
        result.count(Severity::Error),
        result.count(Severity::Warning),
        result.count(Severity::Note),
        result.suppressed_count(),
    ));
    out
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

fn annotation(f: &Finding) -> String {
    let loc = &f.location;
    let title = format!("{} {}", f.rule.id, f.rule.name);
    let mut props = Vec::new();
    if !loc.is_root() {
        props.push(format!("file={}", escape_property(&loc.path)));
        props.push(format!("line={}", loc.start.line));
        props.push(format!("col={}", loc.start.column));
        props.push(format!("endLine={}", loc.end.line));
        // GitHub ignores columns on annotations that span several lines.
        if loc.end.line == loc.start.line {
            props.push(format!("endColumn={}", loc.end.column));
        }
    }
    props.push(format!("title={}", escape_property(&title)));
    let mut message = f.message.clone();
    if let Some(help) = &f.help {
        message.push_str("\n\n");
        message.push_str(help);
    }
    let url = f.rule.docs_url();
    if !url.is_empty() {
        message.push_str("\n\n");
        message.push_str(&url);
    }
    format!(
        "::{} {}::{}",
        command(f.severity),
        props.join(","),
        escape_data(&message)
    )
}

/// The message part of a workflow command.
pub(crate) fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value (`file=`, `title=`): `:` and `,` would end it.
pub(crate) fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_the_runner_parses() {
        assert_eq!(
            escape_data("100% done\r\n::error::x"),
            "100%25 done%0D%0A::error::x"
        );
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
