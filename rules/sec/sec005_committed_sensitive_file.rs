use crate::declare_rule;
use crate::rule::{Cx, Rule, Scope};
use crate::secrets::stores::detect;
use crate::source::{FileKind, KeystoreContents, Span};

declare_rule! {
    /// ## What it checks
    /// Files that hold credentials by their nature, reported once per file at line 1:
    ///
    /// - private keys: `*.pem`, `*.key`, `*.p8`, `*.ppk`, `*.asc` holding a private key
    ///   block, and `id_rsa`, `id_dsa`, `id_ecdsa`, `id_ed25519` (never `*.pub`);
    /// - keystores, by name since they are binary: `*.p12`, `*.pfx`, `*.jks`,
    ///   `*.keystore`, `*.jceks`, `*.bks`, KeePass `*.kdbx`, and browser stores
    ///   (Chrome's `Login Data`, Firefox's `key4.db` and `logins.json`); a keystore
    ///   whose structure shows only trusted certificates holds no secret: a JKS or
    ///   JCEKS store whose entries are all tagged as certificates, a PKCS#12 store with
    ///   cert bags in the clear and nothing encrypted, or a PKCS#12 store named a
    ///   truststore (`kafka.truststore.p12`) with no key bag in the clear (its
    ///   encrypted safe could hide one, so other names still fire); a store it cannot
    ///   read is judged by its name;
    /// - Terraform state: `*.tfstate`, `*.tfstate.backup` (by name; state files can be
    ///   larger than the scan's size limit); in a test folder only one that names a
    ///   secret attribute with a value (`"password": "…"`), as most are a fixture's
    ///   bucket and table names;
    /// - `.env` files (`.env`, `.env.production`, `prod.env`, ...) that set a
    ///   secret-named variable to a literal; `.env.example`, `.sample`, `.template`,
    ///   `.dist`, `.defaults`, `.demo` are documentation, a test, CI or development
    ///   environment's (`.env.test`, `.env.ci`, `.env.travis`, `.env.bitbucket-pipelines`, `.env.development`, `tests/.env`) is
    ///   committed by design (a provider key in one is still SEC001), and a `.env` of
    ///   ports and URLs (as Vite and Create React App projects commit) is fine; a
    ///   `.env` that sets its framework's environment to development or test
    ///   (`RAILS_ENV=development`, `NODE_ENV=dev`, `APP_ENV=local`) is a local
    ///   stack's, and only values no person typed count (`sidekickin` does not, nor
    ///   does SEC001 fire on such a file's typed values); so is a `.env` that Compose
    ///   reads for a stack (`COMPOSE_PROJECT_NAME=…`) or one in a `docker/` or
    ///   `compose/` folder (`docker/cache-…-sentinel.env`: `sentinel`, the product's
    ///   name); so is a person's password beside
    ///   `DB_HOST=localhost` (the database on their own machine) or beside a host that
    ///   is a compose service's name (`DB_HOST=bs_db`, a container of the same stack),
    ///   leetspeak words included (`r00t…`: lowercase words with two or more leet
    ///   digits, pronounceable when read back); so
    ///   is a template whose values say what to fill in (`url=your url` beside
    ///   `secret=keyforuploads`; `<…>`, `replace`, `changeme`, `…_here`) or whose
    ///   comment calls its values defaults to change (`# Please change these default
    ///   values before running docker-compose`); a Spring resource location
    ///   (`SECRET_PRIVATE=file:/secrets/private.pem`) names a file, a value that is
    ///   the key's own last words (`BITCOIN_RPCPASSWORD=rpcpassword`) names the
    ///   setting, and a map or Firebase web key
    ///   under a browser-bundled name (`NEXT_PUBLIC_GOOGLE_MAP_KEY`, `VITE_FIREBASE_API_KEY`)
    ///   is public; keyboard mashes (`asdfasdf` typed twice in a token) are stand-ins;
    ///   nor does a password made of another value of the file and digits
    ///   (`POSTGRES_DB=teable` then `MINIO_SECRET_KEY=teable123`: a guessable default),
    ///   nor one named after a folder of the file's path (`SafeLine/.env` with
    ///   `POSTGRES_PASSWORD=safeline`: a stack's default) unless it is generated;
    ///   nor base64 that decodes to a public key (`JWT_SECRET_KEY=MIGfMA0GCSqG…`, an
    ///   RSA public key's DER), to a PEM block with no key in it, or to a placeholder
    ///   (`…_CHANGE_ME_IN_PRODUCTION`), as for SEC001; nor a self-hosted product's
    ///   published default (LibreChat's `CREDS_KEY` `f34b…`, Plane's `SECRET_KEY` `60gp…`,
    ///   Infisical's `AUTH_SECRET` `5lrM…`);
    ///   a SOPS- or dotenvx-encrypted `.env` (`config.sops.env` with every value
    ///   `ENC[AES256_GCM,…]`; `encrypted:…` values under a `DOTENV_PUBLIC_KEY`) is
    ///   committed by design; a plain secret beside its ciphertext still fires;
    /// - cloud and cluster credentials: a Google service-account JSON with its
    ///   `private_key` (a key with a random body, not a test's typed stand-in such as
    ///   `asldjkasdjksa9832…`), a kubeconfig with inline credentials (a token, a password, a
    ///   client key; `exec:` plugins such as `aws eks get-token` are fine, and so is
    ///   `client-key-data` that decodes to no PEM key, a test's stand-in, and a
    ///   `password:` that repeats the `username:` above it, a local demo login),
    ///   `.aws/credentials`, `.boto`, `.s3cfg` (not a secret that repeats its key ID,
    ///   maybe with up to four digits after it: LocalStack's `localstack`/`localstack`
    ///   dummy, MinIO's documented `minio`/`minio1…`);
    /// - tool and client credential files, by their documented names, when they hold a
    ///   literal: `.netrc`, `.git-credentials`; package registries (`.npmrc`,
    ///   `.yarnrc.yml`, `.pypirc`, `pip.conf`, `.gem/credentials`,
    ///   `.cargo/credentials.toml`, Maven `.m2/settings.xml` (or a `settings.xml`
    ///   with `<servers>`; a repository manager's documented login such as
    ///   `admin`/`admin123` does not count), `NuGet.Config`,
    ///   `~/.gradle/gradle.properties`, Composer `auth.json`); container registries
    ///   (`.docker/config.json`, `.dockercfg`, `containers/auth.json`, Helm's
    ///   `registry/config.json`); cloud CLIs (`.aws/credentials` and other
    ///   `credentials` files with `aws_secret_access_key`, `.boto`, `.s3cfg`, gh's
    ///   `hosts.yml` and hub's config, doctl, tugboat, Databricks, rclone, Azure's
    ///   `accessTokens.json`, Google `application_default_credentials.json`,
    ///   `.terraformrc`, `credentials.tfrc.json`, `.vault-token`); database clients
    ///   (`.pgpass`, `.my.cnf`, `.cqlshrc`, `odbc.ini`, DBeaver data sources, Robo 3T
    ///   `robomongo.json`, JetBrains `dataSources.local.xml`); CI (GitLab Runner
    ///   `config.toml`, CircleCI CLI `cli.yml`);
    /// - editor deployment profiles with saved passwords (Sublime `sftp-config.json`,
    ///   VS Code `.vscode/sftp.json`, Atom `.ftpconfig`, `.remote-sync.json`,
    ///   `deployment-config.json`, JetBrains `WebServers.xml`), FTP clients
    ///   (FileZilla `sitemanager.xml`, `recentservers.xml`, `filezilla.xml`,
    ///   `WinSCP.ini`) and mail clients (`.esmtprc`, `.msmtprc`, `.fetchmailrc`,
    ///   `.muttrc`);
    /// - web-server and system password files with hashes: `.htpasswd`, `.htdigest`,
    ///   `shadow`, FTP servers' `ftpd.passwd`/`proftpdpasswd`, Tomcat's
    ///   `tomcat-users.xml` (not in tests, docs or examples: there they hold hashes of
    ///   test passwords; nor a password file whose comments give its documented
    ///   default and say to change it: `# default is admin:openmu` above `# Change
    ///   these passwords in production!`);
    /// - framework key files: Rails `config/master.key` and
    ///   `config/credentials/<env>.key` (not `test.key`, committed so the test suite
    ///   can read its own credentials); SQL dumps (`*.sql`) that insert password
    ///   hashes into a table with a password column (a statement ends at `;` or at
    ///   SQL Server's `GO`; not schema migrations under a
    ///   folder with `migrations`, `migrate` or `schema` among its words
    ///   (`old-schema-files/`), nor a demo's or example's SQL
    ///   (`multi-tenant-demo-backups/`), nor seed data under `seed/`,
    ///   `seeds/`, `seeders/` or named for it (Hibernate's and Quarkus' `import.sql`,
    ///   Spring Boot's `data.sql`, `db_data.sql`, `initial-data.sql`, an install's
    ///   `dml/` scripts), nor a test's SQL fixtures: seeding a documented
    ///   default admin's or demo account's hash is a weak default to change, not a
    ///   copy of every account), nor an install script that creates its schema
    ///   (`CREATE TABLE`) and seeds three accounts or fewer (eladmin's and XXL-JOB's
    ///   default admin; a dump of a database with so few accounts is missed), nor
    ///   rows where three in four accounts or more share one hash (seed users with
    ///   one demo password), nor a test database's setup or a demo install's data by
    ///   name (coturn's `testsqldbsetup.sql`, faveo's `demodatabase.sql`);
    /// - shell profiles (`.bashrc`, `.profile`, `.zshrc`, `.envrc`, ...) that export a
    ///   secret-named variable with a literal value;
    /// - Firefox's `logins.json`.
    ///
    /// In these files any literal counts, even a weak one (`password`): the file
    /// exists to store it. Templates, references and masks do not: `${NPM_TOKEN}`,
    /// `$VAR`, `%VAR%`, `{{ x }}`, `<password>`, `***`, `xxx`, `changeme`,
    /// `your_password`, the field's own name in capitals (`password="PASS…"`); nor what an XML store keeps inside a comment (Tomcat's
    /// sample users, `<!-- <user … password="tomcat"/> -->`); nor locked accounts
    /// (`*`, `!`) in a shadow file, nor tokens
    /// for a registry on localhost, nor a placeholder in a MySQL option file as
    /// SEC001 reads one (`password=mypassword`, ProxySQL's documented `admin`), nor
    /// rclone's OAuth token JSON whose fields are `<NAME>` slots (the token's
    /// `access_token` and `refresh_token` are what count), nor a dotenv value that
    /// is a path (`GOOGLE_APPLICATION_CREDENTIALS=/home/…/key.json`), nor a person's password (under 8 characters, one
    /// kind of character, or mostly words) in a MySQL option file whose `host=` is a
    /// container name (`password=photoprism` with `host=mariadb`: the dev stack's
    /// default, as in a database URL; a generated one there still counts). Under tests, docs and examples a store counts
    /// only with a generated-looking value (20+ chars, letters and digits, high
    /// entropy): a `tests/fixtures/.netrc` with `password hunter22` is a fixture.
    /// Android's well-known `debug.keystore` (password `android`) is not reported. A
    /// private key is a key whatever its name and path (`putty-example.ppk`,
    /// `tests/`), as long as its body is real (random base64, not `...` or
    /// `privatekeyprivatekey`): silence a deliberate test key with an `[[ignore]]`
    /// entry in `devops-lint.toml` (binary files cannot hold an inline ignore).
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
        supersedes: ["SEC001"],
        carries_secret: true,
    }
}

impl Rule for CommittedSensitiveFile {
    fn check_path(&self, cx: &mut Cx) {
        let Some(detection) = detect(cx.path(), cx.text()) else {
            return;
        };
        // A keystore whose entries are all trusted certificates, or a truststore by
        // name whose encrypted entries show no key.
        let truststore_name = cx
            .file
            .file_name()
            .to_ascii_lowercase()
            .contains("truststore");
        match cx.file.keystore {
            Some(KeystoreContents::CertificatesOnly) => return,
            Some(KeystoreContents::NoVisibleKey) if truststore_name => return,
            _ => {}
        }
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
    fn tool_stores() {
        assert!(hit(".pgpass", "db.acme.io:5432:shop:app:password\n"));
        assert!(!hit(".pgpass", "db.acme.io:5432:shop:app:${PGPASSWORD}\n"));
        assert!(hit(
            "sftp-config.json",
            "{\"host\": \"h\", \"password\": \"hunter22\"}"
        ));
        assert!(!hit(
            "config/sftp-config.json",
            "{\"password\": \"<password>\"}"
        ));
        assert!(hit(
            "etc/shadow",
            "root:$6$salt1234$abcdefghijklmnopqrstuv:0:99999:7:::\n"
        ));
        assert!(!hit(
            "etc/shadow",
            "root:*:17431:0:99999:7:::\ndaemon:!:1:0:9:7:::\n"
        ));
        assert!(hit(
            "config/master.key",
            "3ebf21f8e5d1ab86b27a720842c3bb56\n"
        ));
        assert!(!hit("config/master.key", "not a key\n"));
        assert!(hit(
            "db/dump.sql",
            "INSERT INTO `users` (`id`, `password`) VALUES\n(1, '$2y$12$s.YfVZdfvAuO/Iz6fte5iO..ZbbEgreZnDcYOGvX4NGJ');\n"
        ));
        assert!(!hit(
            "db/schema.sql",
            "INSERT INTO `plans` (`id`, `name`) VALUES (1, 'free');\n"
        ));
        // Under tests a store needs a generated-looking value.
        assert!(!hit(
            "tests/fixtures/.netrc",
            "machine h login u password hunter22\n"
        ));
        assert!(hit(
            "tests/fixtures/.netrc",
            "machine h login u password C5Mg3PR4hLLOOxl3gV3FGRmrCNnFZsGqgh0frrhb\n"
        ));
        // A real key body makes a key whatever the name; a stand-in does not.
        let key = format!(
            "-----BEGIN OPENSSH PRIVATE KEY-----\n{KEY_BODY}-----END OPENSSH PRIVATE KEY-----\n"
        );
        assert!(hit("misc/putty-example.pem", &key));
        assert!(!hit(
            "sentry/example.pem",
            "-----BEGIN RSA PRIVATE KEY-----\nprivatekeyprivatekeyprivatekeyprivatekeyprivatekeyprivatekeyprivatekey\n-----END RSA PRIVATE KEY-----\n"
        ));
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
