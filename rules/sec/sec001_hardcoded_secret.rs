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
    /// `EXAMPLE` keys, Stripe test keys, lock-file hashes, UUIDs and git SHAs.
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

impl Rule for HardcodedSecret {
    fn check_text(&self, cx: &mut Cx) {
        for found in secrets::scan(cx.text()) {
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
