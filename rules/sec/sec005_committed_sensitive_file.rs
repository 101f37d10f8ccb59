use crate::declare_rule;
use crate::rule::{Cx, Rule, Scope};
use crate::secrets::stores::detect;
use crate::source::{FileKind, Span};

declare_rule! {
    /// ## What it checks
    /// Files that hold credentials by their nature, reported once per file at line 1:
    ///
    /// - private keys: `*.pem`, `*.key`, `*.p8`, `*.ppk`, `*.asc` holding a private key
    ///   block, and `id_rsa`, `id_dsa`, `id_ecdsa`, `id_ed25519` (never `*.pub`);
    /// - keystores, by name alone since they are binary: `*.p12`, `*.pfx`, `*.jks`,
    ///   `*.keystore`, `*.jceks`, `*.bks`, KeePass `*.kdbx`, and browser stores
    ///   (Chrome's `Login Data`, Firefox's `key4.db` and `logins.json`);
    /// - Terraform state: `*.tfstate`, `*.tfstate.backup` (by name; state files can be
    ///   larger than the scan's size limit);
    /// - `.env` files (`.env`, `.env.production`, `prod.env`, ...) that set a
    ///   secret-named variable to a literal; `.env.example`, `.sample`, `.template`,
    ///   `.dist`, `.defaults` are documentation, and a `.env` of ports and URLs (as Vite
    ///   and Create React App projects commit) is fine;
    /// - cloud and cluster credentials: a Google service-account JSON with its
    ///   `private_key`, a kubeconfig with inline credentials (a token, a password, a
    ///   client key; `exec:` plugins such as `aws eks get-token` are fine),
    ///   `.aws/credentials`, `.boto`, `.s3cfg`;
    /// - tool credential files with a literal secret in them: `.netrc`, `.pgpass`,
    ///   `.my.cnf`, `.git-credentials`, `.htpasswd`, `.docker/config.json` and
    ///   `.dockercfg` with `auths`, `.npmrc`, `.pypirc`, `.gem/credentials`,
    ///   `.cargo/credentials.toml`, `.terraformrc`, `.vault-token`;
    /// - shell profiles (`.bashrc`, `.profile`, `.zshrc`, `.envrc`, ...) that export a
    ///   secret-named variable with a literal value;
    /// - FTP client stores: FileZilla's `sitemanager.xml` and `recentservers.xml` with
    ///   saved passwords, `WinSCP.ini`.
    ///
    /// References are not secrets: `${NPM_TOKEN}` in `.npmrc`, `$VAR` and placeholders
    /// such as `changeme` or `<token>` do not count. Android's well-known
    /// `debug.keystore` (password `android`) is not reported. A key is a key even under
    /// `tests/`: silence a deliberate test key with an `[[ignore]]` entry in
    /// `devops-lint.toml` (binary files cannot hold an inline ignore).
    ///
    /// ## Why it matters
    /// "Avoid secrets / credentials in code" is the talk's first low-hanging fruit.
    /// These files exist to hold a credential: once committed, the credential is in
    /// every clone, fork and CI cache for ever. A Terraform state file holds every
    /// attribute of every resource in plain text, database passwords included.
    ///
    /// ## Bad
    /// ```text deploy/.env
    /// DATABASE_URL=postgres://app@db.internal:5432/app
    /// STRIPE_SECRET_KEY=rk_live_9fQ2xVb7LmT4pWz8
    /// ```
    ///
    /// ## Good
    /// ```text deploy/.env.example
    /// DATABASE_URL=postgres://app@localhost:5432/app
    /// STRIPE_SECRET_KEY=changeme
    /// ```
    ///
    /// ## How to fix
    /// Rotate the credential (it is compromised), delete the file, add its pattern to
    /// `.gitignore`, and purge it from history if the repository was ever shared.
    /// Commit an `.env.example` with placeholders instead, keep state in a remote
    /// backend, and load secrets from a secret store or the CI's secret variables.
    CommittedSensitiveFile {
        id: "SEC005",
        name: "committed-sensitive-file",
        pillar: Sec,
        stage: Seed,
        scope: Scope::File(&[FileKind::Text]),
        severity: Error,
        since: "0.1.0",
        summary: "file that holds credentials is committed",
    }
}

impl Rule for CommittedSensitiveFile {
    fn check_path(&self, cx: &mut Cx) {
        let Some(detection) = detect(cx.path(), cx.text()) else {
            return;
        };
        let first = cx.file.first_line_span();
        let mut finding = cx
            .finding(first)
            .message(format!(
                "`{}` is committed: it is {}",
                cx.file.file_name(),
                detection.what
            ))
            .help("rotate the credential, delete the file and ignore it in .gitignore; commit a placeholder example instead");
        let mut secrets = detection
            .secrets
            .iter()
            .map(|r| Span::from_range(r.clone()));
        if let Some(span) = secrets.next() {
            finding = finding.secret(span);
        }
        for span in secrets {
            finding = finding.mask(span);
        }
        cx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use super::detect;

    fn hit(path: &str, text: &str) -> bool {
        detect(path, text).is_some()
    }

    const KEY_BODY: &str = "MIIEowIBAAKCAQEA7bq98w3hJKNBcxvGD0a1jb3UqGc2Nf8pKN4vVh1nRz0mYq3Tv4kL\nc2Nf8pKN4vVh1nRz0mYq3Tv4kLMIIEowIBAAKCAQEA7bq98w3hJKNBcxvGD0a1jb3Uq\n";

    #[test]
    fn by_name() {
        assert!(hit("certs/server.p12", ""));
        assert!(hit("android/app/release.keystore", ""));
        assert!(!hit("android/app/debug.keystore", ""));
        assert!(hit("infra/terraform.tfstate", ""));
        assert!(hit("infra/terraform.tfstate.backup", ""));
        assert!(!hit("infra/terraform.tfstate.example", "{}"));
    }

    #[test]
    fn keys_need_a_body() {
        let key =
            format!("-----BEGIN RSA PRIVATE KEY-----\n{KEY_BODY}-----END RSA PRIVATE KEY-----\n");
        assert!(hit("deploy/id_rsa", &key));
        assert!(hit("tls/server.key", &key));
        assert!(!hit("deploy/id_rsa.pub", "ssh-rsa AAAA... me@host"));
        assert!(!hit(
            "docs/server.pem",
            "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n"
        ));
        assert!(!hit(
            "tls/ca.pem",
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
        ));
    }

    #[test]
    fn credential_files_need_a_literal() {
        assert!(hit(
            ".npmrc",
            "//registry.npmjs.org/:_authToken=npm_4f8a2b9c7d1e6f3a5b8c9d0e1f2a3b4c5d6e\n"
        ));
        assert!(!hit(
            ".npmrc",
            "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"
        ));
        assert!(hit(
            ".git-credentials",
            "https://bot:ghp_4f8a2b9c7d1e6f3a5b8c9d0e1f2a3b4c5d6e@github.com\n"
        ));
        assert!(hit(
            ".docker/config.json",
            r#"{"auths":{"ghcr.io":{"auth":"Ym90OnNlY3JldHBhc3N3b3Jk"}}}"#
        ));
        assert!(!hit(
            ".docker/config.json",
            r#"{"auths":{"ghcr.io":{}},"credsStore":"desktop"}"#
        ));
        assert!(!hit("kube/config", "apiVersion: v1\nkind: Config\nusers:\n- name: eks\n  user:\n    exec:\n      command: aws\n"));
        assert!(hit("kube/config", "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    token: eyJhbGciOiJSUzI1NiIsImtpZCI6Ik1rYXo\n"));
    }

    #[test]
    fn dotenv() {
        assert!(hit(
            ".env",
            "PORT=3000\nSTRIPE_SECRET_KEY=rk_live_9fQ2xVb7LmT4pWz8\n"
        ));
        assert!(!hit(
            ".env",
            "VITE_API_URL=https://api.example.com\nPORT=3000\n"
        ));
        assert!(!hit(
            ".env.example",
            "STRIPE_SECRET_KEY=rk_live_9fQ2xVb7LmT4pWz8\n"
        ));
        assert!(!hit(".env", "DB_PASSWORD=${DB_PASSWORD}\n"));
    }
}
