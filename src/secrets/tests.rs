use super::*;

pub(crate) const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub(crate) const HEX: &str = "0123456789abcdef";
pub(crate) const B32: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
pub(crate) const B64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// A deterministic random string: test secrets are generated, so no
/// credential-shaped literal sits in the source (push protection).
pub(crate) fn random(seed: u64, len: usize, alphabet: &str) -> String {
    let chars: Vec<char> = alphabet.chars().collect();
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chars[(x % chars.len() as u64) as usize]
        })
        .collect()
}

fn encode(data: &[u8], alphabet: &[u8], pad: bool) -> String {
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
        if pad {
            for _ in chunk.len()..3 {
                out.push('=');
            }
        }
    }
    out
}

pub(crate) fn b64url(s: &str) -> String {
    encode(
        s.as_bytes(),
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        false,
    )
}

pub(crate) fn b64(data: impl AsRef<[u8]>) -> String {
    encode(data.as_ref(), B64.as_bytes(), true)
}

fn describe(found: &[SecretMatch]) -> Vec<(&'static str, Span)> {
    found.iter().map(|m| (m.detector.id, m.span)).collect()
}

/// Exactly one match, of detector `id`, whose span is exactly `secret`.
pub(crate) fn assert_finds(text: &str, id: &str, secret: &str) -> SecretMatch {
    let found = scan(text);
    assert_eq!(
        found.len(),
        1,
        "one {id} expected in {text:?}, got {:?}",
        describe(&found)
    );
    let m = found[0];
    assert_eq!(m.detector.id, id, "in {text:?}");
    let start = text.find(secret).expect("secret is in the text");
    assert_eq!(
        m.span,
        Span::new(start, start + secret.len()),
        "in {text:?}"
    );
    assert_eq!(m.secret(text), secret);
    assert!(m.context_span.contains(m.span));
    m
}

pub(crate) fn assert_clean(text: &str) {
    let found = scan(text);
    assert!(
        found.is_empty(),
        "nothing expected in {text:?}, got {:?}",
        describe(&found)
    );
}

#[test]
fn secret_names() {
    for name in [
        "password",
        "DB_PASSWORD",
        "dbPassword",
        "spring.datasource.password",
        "passwd",
        "db-pwd",
        "DB_PASS",
        "client_secret",
        "clientSecret",
        "SECRET_KEY_BASE",
        "GITHUB_TOKEN",
        "accessToken",
        "OAuthToken",
        "api_key",
        "apiKey",
        "APIKey",
        "x-api-key",
        "private_key",
        "privateKey",
        "aws_secret_access_key",
        "AWS_ACCESS_KEY",
        "credentials",
        "GOOGLE_CREDENTIALS",
        "auth_token",
        "authtoken",
        "SENTRY_DSN",
        "AccountKey",
        "license_key",
        "AUTH_KEY",
        "NONCE_SALT",
        "signingKey",
        "webhook_key",
        "dbpasswd",
        "$dbpassword",
    ] {
        assert!(is_secret_name(name), "{name} is secret-named");
    }
    for name in [
        "username",
        "aws_access_key_id",
        "AWS_ACCESS_KEY_ID",
        "secret_arn",
        "password_file",
        "tls_private_key_path",
        "secretName",
        "db_password_secret_id",
        "token_url",
        "password_method",
        "password_length",
        "secret_version",
        "token_type",
        "DB_PASSWORD_ENV",
        "token_ttl",
        "max_tokens",
        "tokenizer",
        "public_key",
        "stripe_publishable_key",
        "csrf_token",
        "nextToken",
        "secretKeyRef",
        "password_hash",
        "oauth_token.service_account_email",
        "AuthTokenStatus",
        "secret_user",
        "key",
        "",
        "passwordless",
        "secretary",
        "proxy_pass",
        "fastcgi_pass",
        "password_encryption",
        "sort_key",
        "primary_key",
        "SECRET_KEY_CHARSET",
        "data-password-validator-target",
        "secretFieldSelector",
        "max_tokens",
        "API_KEY_RATE_LIMIT",
        "hashed_password",
        "hashed_secret",
        "AZURE_ARM_TOKEN_RESOURCE",
    ] {
        assert!(!is_secret_name(name), "{name} is not secret-named");
    }
}

#[test]
fn placeholders() {
    for value in [
        "",
        "  ",
        "((uaa_admin_password))",
        "MY-PASSPHRASE",
        "my_secret_token",
        "changeme",
        "CHANGE_ME",
        "<password>",
        "<your token here>",
        "${DB_PASSWORD}",
        "prefix-${var.x}",
        "$DB_PASSWORD",
        "{{ .Values.password }}",
        "%(password)s",
        "%s",
        "{password}",
        "%DB_PASSWORD%",
        "xxx",
        "XXXX-XXXX",
        "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
        "***",
        "********",
        "your-api-key-here",
        "87654321-432104321-4321-210987654321",
        "YOUR_API_KEY",
        "example",
        "test",
        "password",
        "postgres",
        "dummy",
        "fake",
        "secret",
        "redacted",
        "[REDACTED]",
        "none",
        "null",
        "true",
        "False",
        "process.env.API_KEY",
        "os.environ['X']",
        "os.environ.get('X')",
        "ENV['X']",
        "ENV.fetch('X')",
        "System.getenv(\"X\")",
        concat!("AKIAIOSFO", "DNN7EXAMPLE"),
        concat!("wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYEXAMPLEKEY"),
        "aaaaaaaa",
        "0000-0000-0000",
        "12345678",
        "abcdefgh",
        "P@ssw0rd!",
        "s3cr3t",
        "password123",
        "mysecretpassword",
        "supersecret",
        "test-token",
        "'changeme'",
        "for-testing",
        "my_google_drive_secret_42",
        "local-dev-token",
        "abcd1234efgh5678",
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        // Lookups naming their source, provider prefixes on stubs, patterns.
        "{env}WEBDAV_PASSWORD",
        "{file}/run/secrets/db_password",
        "whsec_123",
        "54321abcde",
        "ghp_abc123",
        "^.{8,32}$",
        "^[A-Za-z0-9]+$",
    ] {
        assert!(is_placeholder(value), "{value:?} is a placeholder");
    }
    for value in [
        "{Kq8}vT2mZ9xLw4Rt",
        "whsec_Kq8vT2mZ9xLw4RtY7pN3",
        "p4$$w0rd-K9^",
        "k8Zq2LmP0xWvR4tY",
        "hunter2-Zq8",
        &random(1, 40, B64),
        &random(2, 36, ALNUM),
        "correct-horse-battery-staple",
    ] {
        assert!(!is_placeholder(value), "{value:?} is not a placeholder");
    }
}

#[test]
fn secret_values_for_named_settings() {
    assert!(looks_like_secret_value("k8Zq2LmP0xWv"));
    assert!(looks_like_secret_value("\"k8Zq2LmP0xWv\""));
    assert!(looks_like_secret_value("my long pass phrase"));
    for value in [
        "short1",
        "changeme",
        "${{ secrets.DB_PASSWORD }}",
        "$(cat /run/secrets/db)",
        "arn:aws:secretsmanager:us-east-1:1:secret:x",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "pk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "sha256:0123456789abcdef0123456789abcdef",
        "123e4567-e89b-12d3-a456-426614174000",
    ] {
        assert!(!looks_like_secret_value(value), "{value:?}");
    }
}

#[test]
fn tests_and_docs_keep_only_verifiable_or_generated_values() {
    let human = "password = \"Tr0ub4dor&3x\"\n";
    assert_eq!(scan_file("app/config.py", human).len(), 1);
    assert!(scan_file("tests/test_auth.py", human).is_empty());
    assert!(scan_file("docs/setup.md", human).is_empty());
    assert!(scan_file("internal/locale/de.json", human).is_empty());
    // In tests a generated-looking value proves nothing (suites generate their
    // own); in a config file among the examples it still counts, unless it is
    // the example's own signing key or a page of prose shows it.
    let generated = format!("api_key = \"{}\"\n", random(20, 40, ALNUM));
    assert!(scan_file("tests/test_client.py", &generated).is_empty());
    assert_eq!(scan_file("examples/app/config.py", &generated).len(), 1);
    assert!(scan_file("examples/app/README.md", &generated).is_empty());
    let own = format!("APP_KEY = \"{}\"\n", random(22, 40, ALNUM));
    assert!(scan_file("examples/app/config.py", &own).is_empty());
    assert_eq!(scan_file("app/config.py", &own).len(), 1);
    // A provider's format proves itself anywhere.
    let live = format!("stripe = \"sk_live_{}\"\n", random(23, 24, ALNUM));
    assert_eq!(scan_file("tests/test_billing.py", &live).len(), 1);
    // GitHub tokens in tests must carry a valid CRC32 checksum.
    let body = random(21, 30, ALNUM);
    let mut n = crc32(body.as_bytes());
    let mut check = String::new();
    for _ in 0..6 {
        let b62 = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        check.insert(0, b62[(n % 62) as usize] as char);
        n /= 62;
    }
    let real = format!("ghp_{body}{check}");
    assert!(has_valid_crc32_suffix(&real));
    assert_eq!(
        scan_file("spec/api_spec.rb", &format!("t = \"{real}\"\n")).len(),
        1
    );
    let made_up = format!("ghp_{body}abcdef");
    assert!(!has_valid_crc32_suffix(&made_up));
    assert!(scan_file("spec/api_spec.rb", &format!("t = \"{made_up}\"\n")).is_empty());
    assert_eq!(
        scan_file("app/api.rb", &format!("t = \"{made_up}\"\n")).len(),
        1
    );
}

#[test]
fn yaml_development_environments_are_defaults() {
    let key = random(22, 64, HEX);
    let text =
        format!("development:\n  secret_key_base: {key}\nproduction:\n  secret_key_base: {key}9\n");
    let found = scan_file("config/secrets.yml", &text);
    assert_eq!(found.len(), 1);
    assert!(found[0].secret(&text).ends_with('9'));
}

#[test]
fn secret_spans_include_credential_stores() {
    let text = "machine api.heroku.com\n  login ops\n  password hunter22\n";
    let spans = secret_spans(".netrc", text);
    assert_eq!(spans.len(), 1);
    assert_eq!(&text[spans[0].range()], "hunter22");
    assert!(scan(text).is_empty());
}

#[test]
fn redaction_never_shows_more_than_four_chars() {
    assert_eq!(redact("AKIAQWERTYUI23456789"), "AKIA…(20 chars)");
    assert_eq!(redact("hunter2"), "…(7 chars)");
    assert_eq!(redact("k8Zq2LmP0xW"), "…(11 chars)");
    assert_eq!(redact("x"), "…(1 char)");
    assert_eq!(redact(""), "…(0 chars)");
    assert_eq!(redact("ééééééééééééé"), "éééé…(13 chars)");
    for len in 0..80 {
        let secret = random(len as u64 + 7, len, ALNUM);
        let shown = redact(&secret);
        let head: String = shown.chars().take_while(|&c| c != '…').collect();
        assert!(head.chars().count() <= 4, "{shown}");
        assert!(secret.starts_with(&head));
        if len < 12 {
            assert!(head.is_empty(), "{shown}");
        }
        // No 5-char window of the secret appears in the output.
        let chars: Vec<char> = secret.chars().collect();
        for w in chars.windows(5) {
            assert!(!shown.contains(&w.iter().collect::<String>()));
        }
    }
}

#[test]
fn counting_runs_are_samples() {
    assert!(values::has_counting_run(
        "xoxb-1234567890-1234567890123-5n38u5ed"
    ));
    assert!(values::has_counting_run("dapi123456789012345678a9bc"));
    assert!(!values::has_counting_run("xoxb-1234567-8912345"));
    assert!(!values::has_counting_run(&random(3, 40, ALNUM)));
}

#[test]
fn entropy() {
    assert_eq!(shannon_entropy(""), 0.0);
    assert_eq!(shannon_entropy("aaaa"), 0.0);
    assert!((shannon_entropy("ab") - 1.0).abs() < 1e-9);
    assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
    assert!((shannon_entropy("αβγδ") - 2.0).abs() < 1e-9);
    assert!(shannon_entropy(&random(3, 40, B64)) > 4.5);
}

#[test]
fn detector_lookup() {
    assert_eq!(
        detector("aws-access-key-id").map(|d| d.description),
        Some("AWS access key ID")
    );
    assert!(detector("nope").is_none());
}

/// About 1 MB of ordinary source with the prefilter's words in harmless places.
fn ordinary_source() -> String {
    let chunk = r#"
/// Parse one token from the stream; see `TokenKind` for the secret sauce.
pub fn next_token(&mut self) -> Result<Token, LexError> {
let token = self.lexer.peek()?;
if token.kind == TokenKind::Password || self.pass_count > 3 {
    return Err(LexError::new("unexpected password token", token.span));
}
let secret_name = format!("{}-{}", self.prefix, token.text);
let api_key_id = config.api_key_id.clone();
log::debug!("access_key rotation for {secret_name} ({api_key_id})");
Ok(token)
}
const CREDENTIALS_PATH: &str = "/etc/app/credentials.json";
# database: postgres on port 5432, redis for sessions; passwords live in Vault.
"#;
    let mut text = String::with_capacity(1 << 20);
    let mut i = 0u64;
    while text.len() < (1 << 20) {
        text.push_str(chunk);
        text.push_str(&format!(
            "let value_{i} = compute({i}, \"ASK\", \"eyJ\");\n"
        ));
        i += 1;
    }
    text
}

#[test]
fn one_megabyte_of_ordinary_source() {
    let text = ordinary_source();
    assert!(text.len() >= 1 << 20);
    let found = scan(&text);
    assert!(found.is_empty(), "{:?}", describe(&found));
}

#[test]
fn hostile_inputs_stay_linear_and_never_panic() {
    // Many headers without footers, long keyword-dense lines, odd bytes.
    let headers = "-----BEGIN RSA PRIVATE KEY-----\n".repeat(20_000);
    assert!(scan(&headers).is_empty());
    let dense = "token=token=".repeat(50_000);
    let _ = scan(&dense);
    let one_line = format!(
        "{} password = \"{}\"",
        "x".repeat(300_000),
        random(4, 20, ALNUM)
    );
    assert_eq!(scan(&one_line).len(), 1);
    // A keyword inside a run too long to be a name is skipped.
    let glued = format!(
        "{}password = \"{}\"",
        "x".repeat(300_000),
        random(4, 20, ALNUM)
    );
    assert!(scan(&glued).is_empty());
    let unicode =
        "pässwörd = \"ü∂ƒ©˙∆˚¬…æ\" é token: 日本語のテキスト ghp_ AKIA\u{0}\r\n".repeat(1000);
    let _ = scan(&unicode);
    for text in [
        "",
        "ghp_",
        "-----BEGIN",
        "eyJ.",
        "password=",
        "postgres://:@",
        "\"",
        "SK",
    ] {
        let _ = scan(text);
    }
    // A key at the very end of a large file with an unfinished block before it.
    let mut text = "-----BEGIN PRIVATE KEY-----\n".to_string();
    text.push_str(&"A".repeat(200_000));
    let token = format!("npm_{}", random(5, 36, ALNUM));
    text.push_str(&format!("\n{token}\n"));
    assert_finds(&text, "npm-token", &token);
}

#[test]
fn service_container_credentials_in_ci() {
    let sets_up = |text: &str, name: &str| {
        samples::sets_up_a_started_image(&samples::started_image_words(text), name)
    };
    let compose = "x-minio: &minio\n  image: quay.io/minio/minio:latest\n  environment:\n    MINIO_KMS_SECRET_KEY: k\n";
    assert!(sets_up(compose, "MINIO_KMS_SECRET_KEY"));
    let run = "docker run -d -e POSTGRES_PASSWORD postgres:16\n";
    assert!(sets_up(run, "POSTGRES_PASSWORD"));
    // Another service's token, a name too short to tell, no image at all.
    assert!(!sets_up(compose, "SENTRY_AUTH_TOKEN"));
    assert!(!sets_up(
        "image: mcr.microsoft.com/mssql/server\n",
        "SA_PASSWORD"
    ));
    assert!(!sets_up("MINIO_SECRET_KEY=k\n", "MINIO_SECRET_KEY"));
}

#[test]
fn makefile_test_targets() {
    let text =
        "VAR := 1\nfull-db-test: deps\n\tTEST=true KEY=v pytest\ndeploy:\n\tTOKEN=v ./release\n";
    let at = |needle: &str| {
        let start = text.find(needle).unwrap();
        Span::new(start, start + 1)
    };
    assert!(samples::in_makefile_test_target(text, at("KEY=v")));
    assert!(!samples::in_makefile_test_target(text, at("TOKEN=v")));
    assert!(!samples::in_makefile_test_target(
        "TEST_KEY := v\n",
        Span::new(12, 13)
    ));
    assert!(context::is_makefile("build/Makefile") && context::is_makefile("rules.mk"));
    assert!(!context::is_makefile("Makefile.md"));
}

#[test]
fn secret_scanner_configs() {
    for path in [
        ".gitleaks.toml",
        "config/gitleaks.toml",
        ".secrets.baseline",
        "a/.talismanrc",
    ] {
        assert!(context::is_secret_scanner_config(path), "{path}");
    }
    assert!(!context::is_secret_scanner_config("config/app.toml"));
}

#[test]
fn documentation_in_program_source() {
    let ex = "@moduledoc \"\"\"\n    secret_key_base: \"v\"\n\"\"\"\ndef f, do: [secret_key_base: \"w\"]\n";
    let at = |needle: &str| {
        let start = ex.find(needle).unwrap();
        Span::new(start, start + 1)
    };
    assert!(samples::in_doc_string("lib/a.ex", ex, at("\"v\"")));
    assert!(!samples::in_doc_string("lib/a.ex", ex, at("\"w\"")));
    // The heredoc rule is Elixir's; a doctest prompt is one in any language.
    assert!(!samples::in_doc_string("lib/a.py", ex, at("\"v\"")));
    let py = "def sign():\n    \"\"\"\n    >>> sign(key=\"k\")\n    \"\"\"\n";
    let start = py.find("\"k\"").unwrap();
    assert!(samples::in_doc_string(
        "a.py",
        py,
        Span::new(start, start + 1)
    ));
}

#[test]
fn test_runner_sections_and_replace_notes() {
    let cfg = "[tool:pytest]\nenv =\n\tD:SECRET_KEY=a\n[deploy]\ntoken = b\n";
    let at = |text: &str, needle: &str| {
        let start = text.find(needle).unwrap();
        Span::new(start, start + 1)
    };
    assert!(samples::in_test_runner_section(
        "setup.cfg",
        cfg,
        at(cfg, "=a")
    ));
    assert!(!samples::in_test_runner_section(
        "setup.cfg",
        cfg,
        at(cfg, "= b")
    ));
    assert!(!samples::in_test_runner_section(
        "app.cfg",
        cfg,
        at(cfg, "=a")
    ));
    let ini = "# Replace with your values\nid = 1\nsecret = s\n\nother = o\n";
    assert!(samples::under_replace_note(ini, at(ini, "= s")));
    // A blank line ends the note's block.
    assert!(!samples::under_replace_note(ini, at(ini, "= o")));
    assert!(!samples::under_replace_note(
        "# Replace the cache\nsecret = s\n",
        Span::new(27, 28)
    ));
}

#[test]
fn round_14_values_are_judged_by_shape() {
    let found = |text: &str| !scan_file("app/config.yaml", text).is_empty();
    assert!(!found("harborAdminPassword: \"Harbor12345\"\n"));
    assert!(found("harborAdminPassword: \"Harbor90417\"\n"));
    assert!(!found("token: \"WITHPAYLOADS\"\n"));
    assert!(found(&format!(
        "api_token: \"{}\"\n",
        random(14, 18, "QZXRTPLMKWVBNHGDSF")
    )));
    assert!(!found("token: 'argument.block.0'\n"));
    assert!(!found("token: '@rematch'\n"));
    assert!(!found("token: \"max_terms=100\"\n"));
}

#[test]
fn round_15_references_flags_and_views() {
    let found = |path: &str, text: &str| !scan_file(path, text).is_empty();
    assert!(!found(
        "compose.yaml",
        "\"secretKey\": \"env:AWS_SECRET_ACCESS_KEY\"\n"
    ));
    assert!(!found(
        "report.go",
        "tokenFlag := \"--scheduler-k3s-global-token\"\n"
    ));
    assert!(!found(
        "views/hooks.blade.php",
        "['secret' => 'githubManualWebhookSecret']\n"
    ));
    assert!(context::is_web_page("resources/views/show.blade.php"));
    assert!(names::names_own_key("NEXTAUTH_SECRET") && names::names_own_key("AUTH_SECRET"));
    assert!(!names::names_own_key("AUTH_TOKEN"));
}

#[test]
fn values_typed_by_a_person() {
    for value in [
        "dataGridCell",
        "'NamespaceAccessPolicies'",
        "Harbor12",
        "abcdefghijk",
        "12345678901",
    ] {
        assert!(reads_as_typed(value), "{value}");
    }
    let letters_only = random(
        34,
        34,
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    );
    for value in ["hIjRqX0wHd", letters_only.as_str()] {
        assert!(!reads_as_typed(value), "{value}");
    }
}

#[test]
fn gon_env_lookups_are_references() {
    assert!(values::is_reference_literal("@env:AC_PASSWORD"));
    assert!(values::is_reference_literal("env:AWS_SECRET_ACCESS_KEY"));
    assert!(!values::is_reference_literal("@envelope-Xk29"));
}

#[test]
fn minio_playground_keys_are_published() {
    assert!(values::is_known_non_secret("Q3AM3UQ867SPQQA43P2F"));
    assert!(values::is_known_non_secret(
        "zuf+tfteSlswRu7BJ86wekitnifILbZam1KYY3TG"
    ));
    let other = random(7, 40, B64);
    assert!(!values::is_known_non_secret(&other));
}

#[test]
fn digests_of_sample_words_are_public_data() {
    use sha2::{Digest, Sha256};
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    for word in ["", "hello", "test", "password"] {
        let digest = hex(&Sha256::digest(word.as_bytes()));
        assert!(values::is_known_non_secret(&digest), "sha256({word:?})");
    }
    assert!(!values::is_known_non_secret(&random(11, 40, HEX)));
    assert!(!values::is_known_non_secret(&random(12, 64, HEX)));
}

#[test]
fn patterned_key_bodies_are_filler() {
    for seed in 0..2000 {
        let body = random(seed, 1600, B64);
        assert!(
            detectors::has_random_body(&body),
            "random body {seed} read as filler"
        );
    }
    let filler = format!(
        "{}{}{}",
        random(1, 40, B64),
        "K6l".repeat(12),
        random(2, 300, B64)
    );
    assert!(!detectors::has_random_body(&filler));
    // Zero bytes (`AAAA…`) repeat in real keys.
    let zeros = format!(
        "{}{}{}",
        random(3, 200, B64),
        "A".repeat(30),
        random(4, 200, B64)
    );
    assert!(detectors::has_random_body(&zeros));
}

#[test]
fn openapi_examples_hold_sequences_at_their_key_indent() {
    let text = "openapi: 3.0.3\npaths:\n  /c:\n    get:\n      example:\n      - id: 1\n        secret: VALUE\n      schema:\n      - secret: OTHER\n";
    assert!(samples::in_openapi_example(text, span_of(text, "VALUE")));
    assert!(!samples::in_openapi_example(text, span_of(text, "OTHER")));
}

/// The span of `needle`'s first occurrence in `text`.
fn span_of(text: &str, needle: &str) -> Span {
    let start = text.find(needle).expect("needle in text");
    Span::new(start, start + needle.len())
}

#[test]
fn openapi_examples_with_quoted_keys() {
    // AdGuard Home's spec quotes every key.
    let text = "'openapi': '3.0.3'\n'components':\n  'ConfigureReq':\n    'example':\n      'password': 'VALUE'\n    'properties':\n      'password': 'OTHER'\n";
    assert!(samples::in_openapi_example(text, span_of(text, "VALUE")));
    assert!(!samples::in_openapi_example(text, span_of(text, "OTHER")));
    // An indented `openapi:` key is some other document's field.
    let nested = text.replacen("'openapi'", "  'openapi'", 1);
    assert!(!samples::in_openapi_example(
        &nested,
        span_of(&nested, "VALUE")
    ));
}

/// A DER SEQUENCE of `len` content bytes opening with a key's version, base64
/// in 64-char lines.
fn der_body(len: usize, seed: u64) -> Vec<String> {
    let mut der = vec![0x30, 0x82, (len >> 8) as u8, len as u8, 0x02, 0x01, 0x00];
    der.extend(random(seed, len - 3, B64).bytes());
    let text = b64(&der);
    text.as_bytes()
        .chunks(64)
        .map(|line| String::from_utf8_lossy(line).into_owned())
        .collect()
}

#[test]
fn round_29_truncated_pem_is_no_key() {
    // A key's first line quoted in an API's parameter docs, `\\n.` and the footer.
    let first_line = der_body(1188, 29).remove(0);
    let doc = format!(
        ":param private_key: e.g. `-----BEGIN RSA PRIVATE KEY-----{first_line}\\\\n.-----END RSA PRIVATE KEY-----`\n"
    );
    assert!(scan_file("twilio/rest/notify/v1/credential.py", &doc).is_empty());
    // The whole block, on one line with `\n` escapes or on its own lines, is a key.
    let body = der_body(1188, 30);
    let escaped = format!(
        "-----BEGIN RSA PRIVATE KEY-----\\n{}\\n-----END RSA PRIVATE KEY-----",
        body.join("\\n")
    );
    assert_eq!(
        scan_file("config/app.py", &format!("KEY = \"{escaped}\"\n")).len(),
        1
    );
    let block = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        body.join("\n")
    );
    assert_eq!(scan_file("deploy/key.txt", &block).len(), 1);
    // Nearly whole (a line left out): its primes can be rebuilt, so it fires.
    let mut most = der_body(1188, 31);
    most.remove(10);
    let block = format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
        most.join("\n")
    );
    assert_eq!(scan_file("deploy/key.txt", &block).len(), 1);
    // A few lines standing for a key in a how-to: under a quarter of it.
    let few = &der_body(1188, 32)[..6];
    let block = format!(
        "```text\n-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n```\n",
        few.join("\n")
    );
    assert!(scan_file("docs/ci.md", &block).is_empty());
    // An EC key holds its secret in its first bytes: a cut one still fires.
    let mut ec = vec![0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20];
    ec.extend(random(33, 40, B64).bytes());
    let block = format!(
        "-----BEGIN EC PRIVATE KEY-----\n{}\n-----END EC PRIVATE KEY-----\n",
        b64(&ec)
    );
    assert_eq!(scan_file("deploy/ec.pem.txt", &block).len(), 1);
    // A certificate's body under a private-key label (a wrong-type test) is no key.
    let mut cert = vec![0x30, 0x82, 0x03, 0x5d, 0x30, 0x82, 0x02, 0x45];
    cert.extend(random(34, 120, B64).bytes());
    let block = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        b64(&cert)
    );
    assert!(scan_file("src/transport.go.txt", &block).is_empty());
    // An RSA public key (modulus first) as a regex test's "fake" private key.
    let mut public = vec![0x30, 0x82, 0x01, 0x0a, 0x02, 0x82, 0x01, 0x01, 0x00];
    public.extend(random(35, 60, B64).bytes());
    let block = format!(
        "-----BEGIN EC PRIVATE KEY-----\n{}\n-----END EC PRIVATE KEY-----\n",
        b64(&public)
    );
    assert!(scan_file("tests/test_mtls.py.txt", &block).is_empty());
    // Round 31: base64 of a sentence standing for a key in a chart's test values.
    let fake = b64("these are only stand-in root CA key bytes");
    let block = format!("root_ca_key: |\n  -----BEGIN EC PRIVATE KEY-----\n  {fake}\n  -----END EC PRIVATE KEY-----\n");
    assert!(scan_file("charts/values.yml", &block).is_empty());
}

#[test]
fn round_31_published_defaults_and_test_mode_prefixes() {
    for value in [
        "SW2YcwTIb9zpOOhoPsMm",
        "rzp_test_1DP5mmOlF5G5ag",
        "wh_test_UD6BDsARFZIYb8273dbdl",
    ] {
        assert!(values::is_known_non_secret(value), "{value}");
    }
    let text = "[security]\n;secret_key = SW2YcwTIb9zpOOhoPsMm\n";
    assert!(scan_file("charts/grafana/values.yaml", text).is_empty());
    // Live-mode and unprefixed values still fire.
    let live = format!("STRIPE_WEBHOOK_SECRET: wh_live_{}\n", random(36, 24, ALNUM));
    assert_eq!(scan_file("config/general.yml", &live).len(), 1);
}

#[test]
fn round_29_types_rates_and_stand_ins() {
    let cases = [
        // A schema's column type.
        (
            "web/inc/init_db.inc.php",
            "$t = array(\"id_token\" => \"VARCHAR(1000)\");\n",
        ),
        ("db/schema.json", "{\"api_key\": \"NVARCHAR(MAX)\"}\n"),
        // Rate limits.
        (
            "app/settings.py",
            "LIMITS = {\"reset_password\": \"20/m/ip,5/5m/key\"}\n",
        ),
        ("app/settings.yml", "login_password: 100/hours/user\n"),
        // A JWT header glued to a word.
        (
            "config/auth.json",
            "{\"token\": \"eyJhbGciOiJSUzI1NiJ9.samplepayload\"}\n",
        ),
        // `G00dp455word!`: leetspeak for what a password should be.
        ("config/setup.yml", "admin_password: 'G00dp455word!'\n"),
    ];
    for (path, text) in cases {
        assert!(scan_file(path, text).is_empty(), "{path}: {text}");
    }
    // The same names with generated values still fire.
    let generated = random(31, 24, ALNUM);
    for text in [
        format!("{{\"api_key\": \"{generated}\"}}\n"),
        format!("login_password: {generated}\n"),
    ] {
        assert_eq!(scan_file("config/app.yml", &text).len(), 1, "{text}");
    }
    assert!(values::is_placeholder("G00dP@ssw0rd"));
    // Round 30: a design system's token paths.
    for token in ["background.surface0", "color.gray.100", "text-muted.hover2"] {
        let text = format!("const swatch = {{ name: 'a', token: '{token}' }};\n");
        assert!(
            scan_file("src/themes/Overview.jsx", &text).is_empty(),
            "{token}"
        );
    }
    let generated = format!(
        "const cfg = {{ token: '{}.{}' }};\n",
        random(32, 12, ALNUM),
        random(33, 20, ALNUM)
    );
    assert_eq!(scan_file("src/config.js", &generated).len(), 1);
    assert_eq!(
        context::path_role("pacts/web-api.json"),
        context::PathRole::Test
    );
}

#[test]
fn round_33_user_name_defaults_and_installer_names() {
    let chart = "auth:\n  username: icinga2\n  rootPassword: icinga2rootpass\n";
    assert!(scan_file("charts/icinga2/values.yaml", chart).is_empty());
    let compose =
        "environment:\n  APP_ADMIN_USERNAME: joomla\n  APP_ADMIN_PASSWORD: joomla@secured\n";
    assert!(scan_file("stack/compose.yaml", compose).is_empty());
    // A value not built on the user name, or a generated rest, still fires.
    let other = "auth:\n  username: icinga2\n  rootPassword: Tz8qLw2Nv5Rk\n";
    assert_eq!(scan_file("charts/icinga2/values.yaml", other).len(), 1);
    let generated = format!(
        "auth:\n  username: deploy\n  password: deploy_{}\n",
        random(37, 20, ALNUM)
    );
    assert_eq!(scan_file("charts/app/values.yaml", &generated).len(), 1);
    // Names an installer substitutes are no password.
    let dsn = "dsn: 'postgresql://PH_DB_USER:PH_DB_PASSWD@127.0.0.1:5432/postgres'\n";
    assert!(scan_file("samples/netdata/postgres.conf", dsn).is_empty());
}

#[test]
fn round_34_references_bodies_and_names() {
    assert!(values::is_placeholder(
        "postmaster@$$cap_root_domain/$$cap_default_password"
    ));
    assert!(values::is_placeholder("PutSomeRandomSecureValueHere"));
    // A `$` in a password is no reference.
    assert!(!values::is_placeholder("Kq8$$7vTzWm2"));
    let sample = b64("This is an example of a webhook secret");
    let text = format!("HOOK_SECRETS: \"v1,whsec_{sample}\"\n");
    assert!(scan_file("stack/compose.yml", &text).is_empty());
    // A random body after the same prefix fires.
    let random_body = b64(random(38, 32, ALNUM));
    let text = format!("HOOK_SECRETS: \"v1,whsec_{random_body}\"\n");
    assert_eq!(scan_file("stack/compose.yml", &text).len(), 1);
    // A demo's token named after its folder; a login call's password is kept.
    let text = "as_token: 'vertobot123'\n";
    assert!(scan_file("contrib/vertobot/config.yaml", text).is_empty());
    assert_eq!(scan_file("contrib/other/config.yaml", text).len(), 1);
}

#[test]
fn round_36_digests_sources_and_demo_folders() {
    use context::{path_role, PathRole};
    assert!(values::is_known_non_secret(
        "hmac-sha256:bd6dd75911924ab82f9dcfa7adae6b821423f0f6b02a5f00343247bde2671d67"
    ));
    assert!(values::is_reference_literal("ext:/scripts/auth1.sh"));
    assert_eq!(
        path_role("identity/vault-agent-k8s-demo/setup.sh"),
        PathRole::Docs
    );
    assert_eq!(path_role("spring-quickstart/app.yml"), PathRole::Docs);
    assert_eq!(path_role("src/democracy/config.yml"), PathRole::Code);
    // In a demo, a person's password is a sample; a generated one still fires.
    let typed = "vault kv put secret/app password='suP3rsec(et!'\n";
    assert!(scan_file("vault-agent-demo/setup.sh", typed).is_empty());
    let generated = format!(
        "vault kv put secret/app password='{}'\n",
        random(39, 32, ALNUM)
    );
    assert_eq!(scan_file("vault-agent-demo/setup.sh", &generated).len(), 1);
}

#[test]
fn round_20_paths_and_names() {
    use context::{path_role, PathRole};
    assert_eq!(
        path_role("fstest/testserver/init.d/TestFTPServer"),
        PathRole::Test
    );
    assert_eq!(path_role("doc/resource/exe.cache"), PathRole::Test);
    assert_eq!(path_role("app/testimonials/config.yml"), PathRole::Code);
    assert_eq!(path_role("ci/testbed/compose.yml"), PathRole::Test);
    assert!(names::is_secret_name("rcloneEncryptedClientSecret"));
    assert!(names::is_secret_name("ENCRYPTION_KEY"));
    assert!(values::is_reference_literal("+strconv.Quote(value)+"));
    assert!(!values::is_reference_literal("+Xk29(a)b+"));
}

#[test]
fn translation_catalogs_by_language_name() {
    use context::{path_role, PathRole};
    for path in [
        "frontend/messages/de.json",
        "app/pt-BR.json",
        "i18n/zh_Hans.yml",
        "l/fr.arb",
    ] {
        assert_eq!(path_role(path), PathRole::Docs, "{path}");
        assert!(context::is_prose_document(path), "{path}");
    }
    for path in [
        "config/ci.yml",
        "deploy/prod.json",
        "src/de.ts",
        "db/en-US-x.json",
    ] {
        assert!(!context::is_prose_document(path), "{path}");
    }
    assert_eq!(
        path_role("backend/service/e2etest_service.go"),
        PathRole::Test
    );
}

#[test]
fn python_docstrings_and_object_references() {
    let py = "\"\"\"Module docs: token = \"m1\"\"\"\"\n\ndef account(key_id):\n    \"\"\"\n    Example:\n        \"AKIAQ\" => \"0\"\n    \"\"\"\n    TEMPLATE = \"\"\"\n    key = \"t2\"\n    \"\"\"\n    return \"\"\"x\"\"\" + \"c3\"\n";
    let at = |needle: &str| {
        let start = py.find(needle).unwrap();
        Span::new(start, start + 1)
    };
    assert!(samples::in_doc_string("a.py", py, at("m1")));
    assert!(samples::in_doc_string("a.py", py, at("AKIAQ")));
    // A triple-quoted value is not a docstring, nor is code after a closed one.
    assert!(!samples::in_doc_string("a.py", py, at("t2")));
    assert!(!samples::in_doc_string("a.py", py, at("c3")));
    assert!(values::is_reference_literal(
        "localstack.services.apigateway.provider:ApiKeyProviderPlugin"
    ));
    assert!(values::is_reference_literal(
        "my_pkg.plugins.auth:token_loader"
    ));
    // A login and a short path are no module path.
    assert!(!values::is_reference_literal("john.doe:Passw0rdX"));
    assert!(!values::is_reference_literal("a.b:Xk29qv7"));
    assert!(!values::is_reference_literal("Abc.Def.Ghi:Xk29qv7"));
}

#[test]
fn round_23_references_mocks_and_pipelines() {
    use context::{path_role, PathRole};
    // Make's and Compose's escaped `$VAR`; `$$` alone or before a digit is no variable.
    assert!(values::is_placeholder("$$GITHUB_TOKEN"));
    assert!(!values::is_placeholder("$$7kQz9vLm2Xw4RbN"));
    // Drone's `from_secret` names the secret it reads.
    assert!(!names::is_secret_name("from_secret"));
    assert!(!names::is_secret_name("fromSecret"));
    assert!(names::is_secret_name("smtp_from_password_x_secret"));
    assert_eq!(
        path_role("packages/email-plugin/src/handler/mock-events.ts"),
        PathRole::Test
    );
    assert_eq!(path_role("internal/users/fake_users.go"), PathRole::Test);
    assert_eq!(path_role("src/mockingbird/config.ts"), PathRole::Code);
    for path in [
        ".drone.star",
        ".drone.yml",
        "ci/Jenkinsfile",
        ".woodpecker/build.yml",
    ] {
        assert!(context::is_ci_pipeline(path), "{path}");
    }
    assert!(!context::is_ci_pipeline("drone/config.yml"));
}

#[test]
fn manual_pages_are_prose() {
    use context::{is_prose_document, path_role, PathRole};
    for path in [
        "man/syncthing-config.5",
        "docs/man1/tool.1",
        "share/man/man3/lib.3pm",
        "doc/app.man",
    ] {
        assert_eq!(path_role(path), PathRole::Docs, "{path}");
        assert!(is_prose_document(path), "{path}");
    }
    // A numbered file elsewhere is no manual page.
    assert_eq!(path_role("migrations/schema.1"), PathRole::Code);
    assert_eq!(path_role("man/config.yaml"), PathRole::Code);
}

#[test]
fn python_annotations_and_disabled_security() {
    let annotated = "def login(supplied_passphrase: \"DicewarePassphrase\") -> None:\n    pass\n";
    assert!(scan_file("app/user.py", annotated).is_empty());
    // The same line in a config template inside a string is data.
    let template = "CONFIG = \"\"\"\nsupplied_passphrase: \"Hq8vR3nXw6TzK2mLp9YcB4sJ\"\n\"\"\"\n";
    assert_eq!(scan_file("app/user.py", template).len(), 1);
    let off = samples::DisabledSecurity::find("  - plugins.security.disabled=true\n");
    assert!(off.guards("OPENSEARCH_INITIAL_ADMIN_PASSWORD"));
    assert!(!off.guards("ELASTIC_PASSWORD"));
    assert!(!off.guards("POSTGRES_PASSWORD"));
    let elastic = samples::DisabledSecurity::find("xpack.security.enabled: \"false\"\n");
    assert!(elastic.guards("ELASTIC_PASSWORD"));
}

#[test]
fn round_26_test_folders_demo_logins_and_test_state() {
    use context::{path_role, PathRole};
    for path in [
        "integrationtests/gitjob/assets/gogs/conf/app.ini",
        "internal/k8s/testyaml/testyaml.go",
        "src/unittest/config.yml",
    ] {
        assert_eq!(path_role(path), PathRole::Test, "{path}");
    }
    for path in ["latest/config.yml", "contest/app.ini", "attest/keys.yml"] {
        assert_eq!(path_role(path), PathRole::Code, "{path}");
    }
    let kubeconfig =
        "kind: Config\nusers:\n- name: a\n  user:\n    username: nick\n    password: nick\n";
    assert!(stores::detect("scripts/kubeconfig", kubeconfig).is_none());
    let kept = kubeconfig.replace("password: nick", "password: Qz8vR3nXw6TzK2mL");
    assert!(stores::detect("scripts/kubeconfig", &kept).is_some());
    let state = "{\"outputs\": {\"bucket\": {\"value\": \"test-bucket\"}}}";
    assert!(stores::detect("tests/setup/terraform.tfstate", state).is_none());
    assert!(stores::detect("infra/terraform.tfstate", state).is_some());
    let secret_state = "{\"attributes\": {\"password\": \"Qz8vR3nXw6TzK2mL\"}}";
    assert!(stores::detect("tests/setup/terraform.tfstate", secret_state).is_some());
}

#[test]
fn web_analytics_tokens_are_public() {
    assert!(!names::is_secret_name("web_analytics_token"));
    assert!(!names::is_secret_name("ANALYTICS_KEY"));
    // Google Analytics' Measurement Protocol secret is one.
    assert!(names::is_secret_name("ANALYTICS_API_SECRET"));
}

#[test]
fn round_28_placeholders_defaults_and_annotation_examples() {
    assert!(values::is_placeholder("REPLACE-WITH-AWS-SECRET-KEY"));
    let groovy =
        "examples = @ExampleObject('''{\n  \"authToken\": \"Z1vn\"\n}''')\ndef t = \"Zq\"\n";
    let at = |needle: &str| {
        let start = groovy.find(needle).unwrap();
        Span::new(start, start + 1)
    };
    assert!(samples::in_annotation_example(groovy, at("Z1vn")));
    assert!(!samples::in_annotation_example(groovy, at("Zq")));
    assert!(context::is_program_source(
        "grails-app/controllers/WebhookController.groovy"
    ));
}
