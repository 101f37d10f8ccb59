use crate::declare_rule;
use crate::rule::{Cx, Rule, Scope};
use crate::secrets;
use crate::source::FileKind;

declare_rule! {
    /// ## What it checks
    /// Every text file, for credentials in known formats: AWS access key IDs and
    /// secret keys, GitHub and GitLab tokens, Slack tokens and webhooks, Stripe
    /// live keys, Google API keys and OAuth client secrets (`GOCSPX-`), MaxMind
    /// license keys (`…_mmk`), Twilio, SendGrid, npm and PyPI tokens, private
    /// key PEM blocks, signed JWTs, database URLs with passwords, and generic
    /// `password/secret/token/api_key = "literal"` assignments above an entropy
    /// floor. All patterns are checked in one pass over the file. Framework and
    /// code forms are read too: PHP `define('AUTH_KEY', '…')` (WordPress keys and
    /// salts), the default of an environment lookup (`env.str("SECRET_KEY",
    /// default="django-insecure-…")`, `os.environ.get("API_KEY", "…")`), XML elements
    /// and properties (`<password>…</password>`, Hibernate's `<property
    /// name="connection.password">`), and an API client's `.login('user', 'password')`
    /// call.
    ///
    /// Secret names match on word boundaries (`db_password`, `apiKey`, but not
    /// `passwordless`, `secretary` or nginx's `proxy_pass`); keys named for what they
    /// sign, encrypt or license count too (`license_key`, `signing_key`, `AUTH_KEY`,
    /// `NONCE_SALT`, `master_key`, `webhook_key`), other keys do not (`sort_key`).
    /// Names that point at a secret are not secrets (`_arn`, `_file`, `_path`,
    /// `_id`, `_url`, `_type`, `_encryption`, `_charset`, `_selector`, ...).
    ///
    /// Not secrets:
    /// - placeholders (`changeme`, `<...>`, `xxx`, `your_api_key`, empty, dev
    ///   defaults such as `postgres` or `P@ssw0rd123`, values that say they are for
    ///   tests such as `for-testing`, counting runs up or down such as
    ///   `87654321-4321`), AWS's documented `EXAMPLE` keys;
    /// - references and expressions: `${VAR}`, `$VAR`, `%env(X)%`, `${env.X}`,
    ///   `{{ secrets.X }}`, `#{...}`, variables, calls, Ruby instance variables and
    ///   symbols (`@user.token`, `:account_delete_token`), systemd `@name` credentials,
    ///   Rails route targets (`"login#reset_password"`), unquoted CamelCase names that
    ///   say they hold a secret (`TheSecretKeyObtainedFromR2`, `configmapK8sSecret`)
    ///   and the same as the value of a Vue/Angular bound attribute
    ///   (`:login-token="twoFactorLoginToken"`; a quoted one elsewhere is a password);
    /// - minified JavaScript (a line over 2,000 characters): generic matches there
    ///   are built code;
    /// - schema and type definitions (CUE, JSON Schema, TypeScript, GraphQL types;
    ///   CUE `#Definition` references);
    /// - prose: UI labels and their translations in any language (`API-Token`,
    ///   `Webhook-Geheimnis`), e-mail addresses, regular expressions;
    /// - public and test-mode values: Stripe test and publishable keys, browser
    ///   RUM/analytics client tokens (Datadog `pub…`), `*_public_*` names, Plaid
    ///   sandbox tokens, Google's documented reCAPTCHA test keys, UUIDs, git SHAs,
    ///   digests and password hashes (bcrypt, crypt(3), PBKDF2, argon2: a hash in a
    ///   credential store is SEC005's);
    /// - under top-level `development:`/`test:` keys of a YAML config (Rails
    ///   `secrets.yml`), the per-environment development defaults;
    /// - values placed as samples: under `example:`/`examples:`/`x-examples:` of an
    ///   OpenAPI document; the `apiKey` of a docs site's Algolia search config
    ///   (`algolia: { appId, apiKey, indexName }`: it ships to every browser, so it
    ///   is the search-only key, which Algolia documents as public); Devise's
    ///   commented-out `# config.secret_key = '…'` (its generator's suggestion;
    ///   Devise reads `secret_key_base`); Phoenix/Plug `signing_salt` and
    ///   `encryption_salt` (generated into `config/config.exs` and committed by
    ///   design; without `secret_key_base` they derive nothing);
    /// - records, not credentials: `userid:2` (a field, a colon, a number);
    /// - in a Kubernetes `kind: Secret`, base64 is judged on what it decodes to:
    ///   under 8 characters, a placeholder, or the manifest's own `name:`/`type:`
    ///   word (`c3RvcmFnZW9z` is `storageos` in `storageos-secret`) is a demo value.
    ///
    /// In tests, docs, examples and translations (paths under `test/`, `spec/`,
    /// `fixtures/`, `cassettes/`, `benchmarks/`, `docs/`, `examples/`, `locales/`,
    /// ..., files such as `*_test.go`, `*.spec.ts`, `*.md`, and templates of
    /// documents such as `README.md.gotmpl`) only verifiable formats
    /// and generated-looking values fire: provider tokens (GitHub and npm tokens
    /// must pass their CRC32 checksum there), private keys, live-mode keys, and
    /// generic values of 20+ characters mixing letters and digits at 3.5+ bits of
    /// entropy. A human-chosen test password does not. A database password counts
    /// even when weak if the URL points at a public host name. In documents (and
    /// in-app `help/` pages) a generic value is a sample when its code block (or
    /// paragraph) shows placeholder context, a documentation host (`example.com`,
    /// `*.test`, RFC 2606) or a marked placeholder (`<your project slug>`,
    /// `replace-me`), or when the page shows it as a command's output (`$ openssl
    /// rand -base64 48` then the value); provider formats there still fire.
    ///
    /// Lock files (`yarn.lock`, `Cargo.lock`, `go.sum`, ...) are not scanned: they
    /// hold package names and hashes. Output never shows more than the first 4
    /// characters of a secret, and the finding's fingerprint hashes the secret.
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
        precision: Medium,
        carries_secret: true,
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
        let name = cx.file.file_name().to_ascii_lowercase();
        // Generated lock files (`i18n.lock`, `deps-lock.json`) hold hashes under any key.
        let lock_file = LOCK_FILES.contains(&name.as_str())
            || [
                ".lock",
                ".lockfile",
                "-lock.json",
                "-lock.yaml",
                ".lock.json",
            ]
            .iter()
            .any(|suffix| name.ends_with(suffix));
        if lock_file {
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
