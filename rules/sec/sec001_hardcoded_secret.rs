use crate::declare_rule;
use crate::rule::{Cx, Rule, Scope};
use crate::secrets;
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// Every text file, for credentials in known formats: AWS access key IDs and
    /// secret keys, GitHub and GitLab tokens, Slack tokens and webhooks, Stripe
    /// live keys, Google API keys, Twilio, SendGrid, npm and PyPI tokens, private
    /// key PEM blocks, signed JWTs, database URLs with passwords, and generic
    /// `password/secret/token/api_key = "literal"` assignments above an entropy
    /// floor. All patterns are checked in one pass over the file.
    ///
    /// Not secrets: placeholders (`changeme`, `<...>`, `xxx`, empty), `${...}`
    /// interpolations, environment and variable references, AWS's documented
    /// `EXAMPLE` keys, Stripe test keys, UUIDs and git SHAs; for the generic
    /// assignment also plain lowercase words under 12 characters, numbers and
    /// version specs. Lock files (`yarn.lock`, `Cargo.lock`, `go.sum`, ...) are
    /// not scanned: they hold package names and hashes.
    /// Output never shows more than the first 4 characters of a secret.
    ///
    /// ## Why it matters
    /// "Avoid secrets / credentials in code": a secret in git is in every clone,
    /// fork, CI cache and laptop for ever, and rotating it is the only fix.
    ///
    /// ## Bad
    /// ```python app/settings.py
    /// STRIPE_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
    /// ```
    ///
    /// ## Good
    /// ```python app/settings.py
    /// STRIPE_KEY = os.environ["STRIPE_KEY"]
    /// ```
    ///
    /// ## How to fix
    /// Rotate the credential first (it is compromised), then read it at runtime
    /// from a secret store (Vault, AWS Secrets Manager, SSM Parameter Store) or
    /// the environment. Remove it from git history if the repository is public.
    HardcodedSecret {
        id: "SEC001",
        name: "hardcoded-secret",
        pillar: Sec,
        stage: Seed,
        scope: Scope::File(&[FileKind::Text]),
        severity: Error,
        since: "0.1.0",
        summary: "hard-coded secret",
    }
}

/// Lock files hold package names and hashes, never credentials; scanning them
/// only finds `credential-provider` packages and integrity hashes.
const LOCK_FILES: &[&str] = &[
    "yarn.lock",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "pnpm-lock.yaml",
    "bun.lock",
    "cargo.lock",
    "poetry.lock",
    "pipfile.lock",
    "uv.lock",
    "go.sum",
    "gemfile.lock",
    "composer.lock",
    "mix.lock",
    "packages.lock.json",
    "gradle.lockfile",
    "flake.lock",
    ".terraform.lock.hcl",
];

impl Rule for HardcodedSecret {
    fn check_text(&self, cx: &mut Cx) {
        if LOCK_FILES.contains(&cx.file.file_name().to_ascii_lowercase().as_str()) {
            return;
        }
        for found in secrets::scan_file(cx.path(), cx.text()) {
            let redacted = secrets::redact(cx.file.slice(found.span));
            cx.report(
                cx.finding(found.span)
                    .secret(found.span)
                    .message(format!("{} `{redacted}`", found.detector.description))
                    .help("rotate it, then load it from a secret store or the environment"),
            );
        }
    }
}
