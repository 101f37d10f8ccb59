use super::super::tests::{assert_clean, assert_finds, b64url, random, ALNUM, B32, B64, HEX};
use super::super::{detectors, scan};
use crate::source::Span;

#[test]
fn every_pattern_compiles_with_a_secret_group() {
    for d in detectors() {
        let re = regex::Regex::new(d.pattern).unwrap_or_else(|e| panic!("{}: {e}", d.id));
        assert!(
            re.capture_names().any(|n| n == Some("secret")),
            "{} has no secret group",
            d.id
        );
        assert!(!d.keywords.is_empty(), "{} has no keywords", d.id);
    }
    // The prefilter's leftmost-longest search would hide a keyword that
    // occurs inside another one past its first byte.
    let keywords: Vec<String> = detectors()
        .iter()
        .flat_map(|d| d.keywords.iter().map(|k| k.to_ascii_lowercase()))
        .collect();
    // Twilio's `AC` + hex and `SK` + hex cannot start inside these words.
    let harmless = [
        ("hooks.slack.com", "ac"),
        ("accesskey", "sk"),
        ("hmac_key", "ac"),
    ];
    for a in &keywords {
        for b in &keywords {
            let hidden = a.get(1..).is_some_and(|rest| rest.contains(b.as_str()));
            assert!(
                !hidden || harmless.contains(&(a.as_str(), b.as_str())),
                "{a} hides {b}"
            );
        }
    }
    let mut ids: Vec<_> = detectors().iter().map(|d| d.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), detectors().len(), "detector ids must be unique");
}

fn pem(kind: &str, seed: u64) -> String {
    let body: Vec<String> = (0..4).map(|i| random(seed + i, 64, B64)).collect();
    format!(
        "-----BEGIN {kind}PRIVATE KEY-----\n{}\n-----END {kind}PRIVATE KEY-----",
        body.join("\n")
    )
}

#[test]
fn private_key_blocks() {
    for kind in ["", "RSA ", "EC ", "OPENSSH ", "DSA ", "ENCRYPTED "] {
        let key = pem(kind, 1);
        let text = format!("# deploy key\n{key}\n");
        let m = assert_finds(&text, "private-key", &key);
        assert_eq!(m.context_span, m.span);
    }
    // Indented in a YAML block scalar.
    let key = pem("RSA ", 2).replace('\n', "\n  ");
    assert_finds(
        &format!("ssh_key: |\n  {key}\nnext: 1\n"),
        "private-key",
        &key,
    );
    // A service-account JSON keeps the key on one line with `\n` escapes.
    let key = pem("", 3).replace('\n', "\\n");
    let text = format!("{{\"type\": \"service_account\", \"private_key\": \"{key}\\n\"}}");
    assert_finds(&text, "private-key", &key);
    // PGP armour.
    let key = format!(
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{}\n{}\n=AbCd\n-----END PGP PRIVATE KEY BLOCK-----",
        random(4, 64, B64),
        random(5, 64, B64)
    );
    assert_finds(&format!("{key}\n"), "private-key", &key);
    // Two keys in one file are two findings.
    let (a, b) = (pem("RSA ", 6), pem("EC ", 7));
    let text = format!("{a}\n\n{b}\n");
    let found = scan(&text);
    assert_eq!(found.len(), 2);
    assert_eq!(found[1].secret(&text), b);
}

#[test]
fn private_key_negatives() {
    let public = pem("", 8).replace("PRIVATE", "PUBLIC");
    assert_clean(&public);
    // Header without a footer (e.g. a detector's own source), or a template.
    assert_clean("if line.starts_with(\"-----BEGIN RSA PRIVATE KEY-----\") {\n  return;\n}\n");
    assert_clean("key = \"-----BEGIN PRIVATE KEY-----\\n{{ key }}\\n-----END PRIVATE KEY-----\"\n");
    assert_clean(
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----\n",
    );
}

#[test]
fn aws_access_key_id() {
    let key = format!("AKIA{}", random(10, 16, B32));
    assert_finds(
        &format!("aws_access_key_id = {key}\n"),
        "aws-access-key-id",
        &key,
    );
    let key = format!("ASIA{}", random(11, 16, B32));
    assert_finds(
        &format!("  \"AccessKeyId\": \"{key}\",\n"),
        "aws-access-key-id",
        &key,
    );
    // Documented example, glued into a longer token, and IAM unique IDs.
    assert_clean(&format!(
        "aws_access_key_id = {}\n",
        concat!("AKIAIOSFO", "DNN7EXAMPLE")
    ));
    assert_clean(&format!("id = \"X{key}\"\n"));
    assert_clean(&format!("id = \"{key}A\"\n"));
    assert_clean(&format!("group = \"AGPA{}\"\n", random(12, 16, B32)));
}

#[test]
fn aws_secret_access_key() {
    let secret = random(20, 40, B64);
    let text = format!("[default]\naws_secret_access_key = {secret}\n");
    let m = assert_finds(&text, "aws-secret-access-key", &secret);
    assert_eq!(
        &text[m.context_span.range()],
        format!("aws_secret_access_key = {secret}")
    );
    let text = format!("provider \"aws\" {{\n  secret_key = \"{secret}\"\n}}\n");
    assert_finds(&text, "aws-secret-access-key", &secret);
    assert_finds(
        &format!("AWS_SECRET_ACCESS_KEY: '{secret}'\n"),
        "aws-secret-access-key",
        &secret,
    );
    let example = concat!("wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYEXAMPLEKEY");
    assert_clean(&format!("aws_secret_access_key = {example}\n"));
    // A git SHA or a digest under an aws-ish name is not a key.
    assert_clean(&format!("aws_commit = \"{}\"\n", random(21, 40, HEX)));
    assert_clean(&format!("aws_secret_arn = \"{secret}\"\n"));
}

#[test]
fn real_world_near_misses_are_clean() {
    assert_clean("  policy_arn = \"arn:aws:iam::aws:policy/EC2InstanceProfileForImageBuilder\"\n");
    assert_clean("    \"@aws-sdk/credential-provider-node\": \"npm:^3.972.78\"\n");
    assert_clean("client.connect(username=\"slowdive\", password=\"pygmalion\")\n");
    assert_clean(
        "  \"label.password\": \"Contraseña segura\",\n  \"x.password\": \"パスワードを入力\"\n",
    );
    assert_clean("const EnvAWSSecretAccessKey = \"AWS_SECRET_ACCESS_KEY\"\n");
    assert_clean("  secretName: cert-manager-webhook-ca\n");
    assert_clean("    inject-ca-from-secret: \"cert-manager/cert-manager-webhook-ca\"\n");
    assert_clean("OPENSHIFT_PASS=openshift-credentials:password\n");
    assert_clean("  setShareData(data, { token: data?.token });\n");
    assert_clean("password: { id: 'label.password', defaultMessage: 'Password' }\n");
    assert_clean("private_key_value = 94761803665136558137557783047955027733968423115106677159790289642479432803037\n");
}

#[test]
fn github_tokens() {
    for (i, prefix) in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"].iter().enumerate() {
        let token = format!("{prefix}{}", random(30 + i as u64, 36, ALNUM));
        assert_finds(&format!("GH_AUTH={token}\n"), "github-token", &token);
    }
    let pat = format!(
        "github_pat_{}_{}",
        random(36, 22, ALNUM),
        random(37, 59, ALNUM)
    );
    assert_finds(
        &format!("gh auth login --with-token <<< {pat}\n"),
        "github-fine-grained-pat",
        &pat,
    );
    // Too long to be a token, or a placeholder.
    assert_clean(&format!("x = ghp_{}\n", random(38, 40, ALNUM)));
    assert_clean("GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n");
}

#[test]
fn gitlab_pat() {
    let token = format!("glpat-{}", random(40, 20, ALNUM));
    assert_finds(
        &format!("git clone https://oauth2:{token}@gitlab.com/acme/app.git\n"),
        "gitlab-pat",
        &token,
    );
    assert_clean("token: glpat-xxxxxxxxxxxxxxxxxxxx\n");
}

#[test]
fn slack_tokens_and_webhooks() {
    let bot = format!(
        "xoxb-{}-{}-{}",
        random(50, 12, "0123456789"),
        random(51, 13, "0123456789"),
        random(52, 24, ALNUM)
    );
    assert_finds(&format!("SLACK_BOT={bot}\n"), "slack-token", &bot);
    let user = format!(
        "xoxp-{}-{}-{}-{}",
        random(53, 11, "0123456789"),
        random(54, 11, "0123456789"),
        random(55, 12, "0123456789"),
        random(56, 32, HEX)
    );
    assert_finds(&format!("slack: \"{user}\"\n"), "slack-token", &user);
    let app = format!(
        "xapp-1-A{}-{}-{}",
        random(57, 10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
        random(58, 13, "0123456789"),
        random(59, 64, HEX)
    );
    assert_finds(&format!("app_level = {app}\n"), "slack-token", &app);

    let path = format!(
        "T{}/B{}/{}",
        random(60, 8, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
        random(61, 10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
        random(62, 24, ALNUM)
    );
    let url = format!("https://hooks.slack.com/services/{path}");
    let text = format!("  webhook: {url}\n");
    let m = assert_finds(&text, "slack-webhook", &path);
    assert_eq!(&text[m.context_span.range()], url);
    // Slack's own documentation example.
    assert_clean(
        "url = \"https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX\"\n",
    );
}

#[test]
fn stripe_live_keys_only() {
    let live = format!("sk_live_{}", random(70, 24, ALNUM));
    assert_finds(
        &format!("STRIPE_SECRET_KEY={live}\n"),
        "stripe-secret-key",
        &live,
    );
    let restricted = format!("rk_live_{}", random(71, 99, ALNUM));
    assert_finds(
        &format!("stripe.api_key = \"{restricted}\"\n"),
        "stripe-restricted-key",
        &restricted,
    );
    assert_clean(&format!(
        "STRIPE_SECRET_KEY={}\n",
        format_args!("sk_test_{}", random(72, 24, ALNUM))
    ));
    assert_clean(&format!(
        "STRIPE_KEY=\"{}\"\n",
        format_args!("pk_live_{}", random(73, 24, ALNUM))
    ));
    assert_clean(&format!(
        "STRIPE_PUBLISHABLE_KEY={}\n",
        format_args!("pk_test_{}", random(74, 24, ALNUM))
    ));
}

#[test]
fn google_api_key() {
    let key = format!("AIza{}", random(80, 35, &format!("{ALNUM}_-")));
    assert_finds(
        &format!("const firebase = {{ apiKey: \"{key}\" }};\n"),
        "google-api-key",
        &key,
    );
    assert_clean(&format!("x = \"{key}x\"\n"));
}

#[test]
fn google_oauth_client_secret_and_maxmind_license_key() {
    let secret = format!("GOCSPX-{}", random(81, 28, ALNUM));
    assert_finds(
        &format!("GOOGLE_CLIENT_SECRET={secret}\n"),
        "google-oauth-client-secret",
        &secret,
    );
    let key = format!("{}_{}_mmk", random(82, 6, ALNUM), random(83, 29, ALNUM));
    assert_finds(
        &format!("MAXMIND_LICENSE_KEY={key}\n"),
        "maxmind-license-key",
        &key,
    );
    // Glued to more token characters, it is not that key.
    assert_clean(&format!("id = \"x{key}x\"\n"));
}

#[test]
fn twilio() {
    let api_key = format!("SK{}", random(90, 32, HEX));
    assert_finds(
        &format!("TWILIO_API_KEY={api_key}\n"),
        "twilio-api-key",
        &api_key,
    );
    let sid = format!("AC{}", random(91, 32, HEX));
    let token = random(92, 32, HEX);
    let text = format!("client = Client(\"{sid}\", \"{token}\")\n");
    let m = assert_finds(&text, "twilio-auth-token", &token);
    assert!(text[m.context_span.range()].starts_with(&sid));
    assert_finds(
        &format!("TWILIO_AUTH_TOKEN={token}\n"),
        "twilio-auth-token",
        &token,
    );
    // An account SID alone is an identifier.
    assert_clean(&format!("TWILIO_ACCOUNT_SID={sid}\n"));
}

#[test]
fn sendgrid_npm_pypi() {
    let alphabet = format!("{ALNUM}_-");
    let sg = format!(
        "SG.{}.{}",
        random(100, 22, &alphabet),
        random(101, 43, &alphabet)
    );
    assert_finds(&format!("sendgrid: {sg}\n"), "sendgrid-api-key", &sg);
    let npm = format!("npm_{}", random(102, 36, ALNUM));
    assert_finds(
        &format!("//registry.npmjs.org/:_authToken={npm}\n"),
        "npm-token",
        &npm,
    );
    let pypi = format!("pypi-AgEIcHlwaS5vcmc{}", random(103, 120, &alphabet));
    assert_finds(
        &format!("[pypi]\n  username = __token__\n  password = {pypi}\n"),
        "pypi-token",
        &pypi,
    );
}

fn jwt(header: &str, payload: &str, signature: &str) -> String {
    format!("{}.{}.{signature}", b64url(header), b64url(payload))
}

#[test]
fn jwts() {
    let token = jwt(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"sub":"42","name":"Service","iat":1700000000}"#,
        &random(110, 43, &format!("{ALNUM}_-")),
    );
    assert!(token.starts_with("eyJ"));
    assert_finds(&format!("Authorization: Bearer {token}\n"), "jwt", &token);
    assert_finds(&format!("api_token = \"{token}\"\n"), "jwt", &token);

    let unsigned = jwt(
        r#"{"alg":"none"}"#,
        r#"{"sub":"42"}"#,
        &random(111, 20, ALNUM),
    );
    assert_clean(&format!("t = {unsigned}\n"));
    let not_json = format!(
        "eyJ{}.{}.{}",
        random(112, 20, ALNUM),
        random(113, 20, ALNUM),
        random(114, 30, ALNUM)
    );
    assert_clean(&format!("t = {not_json}\n"));
    let trivial = jwt(
        r#"{"alg":"HS256"}"#,
        r#"{"sub":"42"}"#,
        "AAAAAAAAAAAAAAAAAAAA",
    );
    assert_clean(&format!("t = {trivial}\n"));
    let jwt_io = jwt(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"sub":"1234567890","name":"John Doe","iat":1516239022}"#,
        concat!("SflKxwRJSMeKKF2QT4fwpMeJf36POk6y", "JV_adQssw5c"),
    );
    assert_clean(&format!("example = {jwt_io}\n"));
}

#[test]
fn database_urls() {
    let pw = random(120, 16, ALNUM);
    let cases = [
        format!("DATABASE_URL=postgres://app:{pw}@db.internal:5432/app"),
        format!("url: postgresql+psycopg2://app:{pw}@10.0.0.5/app"),
        format!("MONGO_URI=\"mongodb+srv://admin:{pw}@cluster0.abcde.mongodb.net/db\""),
        format!("redis_url = 'redis://:{pw}@cache:6379/0'"),
        format!("amqps://svc:{pw}@mq.internal/vhost"),
        format!("jdbc = mysql://root:{pw}@localhost/shop"),
    ];
    for case in &cases {
        let text = format!("{case}\n");
        let m = assert_finds(&text, "database-url", &pw);
        assert!(text[m.context_span.range()].contains("://"));
    }
    for clean in [
        "DATABASE_URL=postgres://postgres:postgres@localhost:5432/app",
        "DATABASE_URL: postgresql://umami:umami@db:5432/umami",
        "DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app",
        "DATABASE_URL=postgres://app:$DB_PASSWORD@db/app",
        "url = postgres://user:<password>@host/db",
        "url = 'postgresql://%s:%s@%s/%s' % args",
        "url = f\"postgresql://{user}:{password}@{host}/db\"",
        "mongodb://user:pass@localhost:27017",
        "REDIS_URL=redis://localhost:6379/0",
        "see postgres://app:hunter2hunter@db.example.com/app",
    ] {
        assert_clean(&format!("{clean}\n"));
    }
}

#[test]
fn generic_assignments() {
    let pw = format!("{}!{}", random(130, 10, ALNUM), random(131, 6, ALNUM));
    let cases = [
        format!("password = \"{pw}\""),
        format!("DB_PASSWORD={pw}"),
        format!("export API_KEY='{pw}'"),
        format!("  db_password: {pw}"),
        format!("{{\"clientSecret\": \"{pw}\"}}"),
        format!("token := \"{pw}\""),
        format!("'auth_token' => '{pw}',"),
        format!("spring.datasource.password={pw}"),
        format!("const apiKey = `{pw}`;"),
        format!("os.environ[\"DB_PASSWORD\"] = \"{pw}\""),
        format!("curl -H \"X-Api-Key: {pw}\" https://api.internal"),
        format!("https://api.internal/v1?token={pw}&page=2"),
        format!("$password = \"{pw}\";"),
        format!("mysql --user=app --password={pw} shop"),
        format!("DB_PASSWORD={pw} ./run.sh"),
        format!("password = {pw} # rotated monthly"),
        format!("db: {{user: app, password: {pw}}}"),
        format!("{{\"user\":\"app\",\"password\":\"{pw}\",\"port\":5432}}"),
        format!("conn = connect(host=\"db\", password=\"{pw}\")"),
        format!("<add key=\"ApiKey\" value=\"x\" /> apiKey={pw}"),
    ];
    for case in &cases {
        let text = format!("{case}\n");
        let m = assert_finds(&text, "generic-secret", &pw);
        let context = &text[m.context_span.range()];
        assert!(
            context.ends_with(&pw)
                || context.ends_with(&format!("{pw}\""))
                || context.ends_with(&format!("{pw}'"))
                || context.ends_with(&format!("{pw}`")),
            "{context}"
        );
    }
    // A DSN is a secret when its URL carries a password.
    let dsn = format!("https://user:{pw}@sentry.internal/1");
    assert_finds(&format!("SENTRY_DSN={dsn}\n"), "generic-secret", &dsn);
    // Kubernetes Secret data: base64 of a real value fires.
    let encoded = super::super::tests::b64(random(132, 18, ALNUM));
    assert_finds(
        &format!("data:\n  password: {encoded}\n"),
        "generic-secret",
        &encoded,
    );
}

#[test]
fn generic_negatives() {
    for clean in [
        "password = \"\"",
        "password = \"changeme\"",
        "password: <your-password>",
        "password = \"${DB_PASSWORD}\"",
        "password = \"{{ vault_db_password }}\"",
        "password: ${{ secrets.DB_PASSWORD }}",
        "DB_PASSWORD=$DB_PASSWORD",
        "password = var.db_password",
        "password = random_password.db.result",
        "password = os.environ[\"DB_PASSWORD\"]",
        "const apiKey = process.env.API_KEY;",
        "password = ENV['DB_PASSWORD']",
        "password = os.getenv('DB_PASSWORD')",
        "secret_key = \"%(secret)s\"",
        "api_key = \"xxxxxxxxxxxxxxxx\"",
        "password: \"********\"",
        "api_key: your-api-key-here",
        "password = \"example\"",
        "password = \"test1234\"",
        "POSTGRES_PASSWORD: postgres",
        "password = \"P@ssw0rd123!\"",
        "password = \"mysecretpassword\"",
        "api_key = \"dummy-api-key\"",
        "secret = \"REDACTED\"",
        "token: null",
        "password = None",
        "password_required: true",
        "if password == \"hunter2hunter2x\":",
        "let token = Token::new(kind, span);",
        "token: Option<String>,",
        "password = userPassword",
        "fn parse_token(&mut self) -> Token {",
        "password = \"aaaaaaaaaaaa\"",
        "password = \"12345678\"",
        "secret_name = \"prod/db/password-2024x\"",
        "password_file: /run/secrets/db_password",
        "aws_access_key_id = \"AKIA\"",
        "api_key_id = \"k8Zq2LmP0xWv\"",
        "token_url = \"https://auth.internal/oauth/token\"",
        "secret_arn = \"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf\"",
        "password: \"Please enter your password\"",
        "max_tokens: 4096",
        "csrf_token = \"k8Zq2LmP0xWvR4tY\"",
        "nextToken: \"k8Zq2LmP0xWvR4tY\"",
        "secrets: inherit",
        "Password: !Ref DbPassword",
        "SENTRY_DSN=https://k8Zq2LmP0xWvR4tY@o1.ingest.sentry.io/1",
        "token = k8Zq2LmP.attr",
        // Real-world: docker/jenkins (PowerShell), prometheus (Go), prose in YAML.
        "$jenkinsPassword = Get-JenkinsPassword $Container",
        "$jenkinsPassword = Get-JenkinsPassword",
        "LabelAuthTokenStatus = elasticacheLabelPendingValues + \"auth_token_status\"",
        "password: k8Zq2LmP0xWv is what we used",
        // Issue 14: labels, addresses, code, regexes, hashes, public tokens.
        "\"form.integration.betula_token\": \"Betula-Token\",",
        "\"menu.api_keys\": \"API-avaimet\",",
        "smtp_pass: noreply@acme-mail.io",
        "token = @user.token",
        "@api_key.key = @plain_key",
        "notice_token: :account_delete_token",
        "PrivateKey=@wireguard-key",
        "const token = '%[a-f0-9]{2}';",
        "proxy_pass http://backend:8080/;",
        "password_encryption = scram-sha-256",
        "password: string;",
        "password: String!",
        "\"password\": \"pbkdf2_sha256$260000$3wHQvOIxb7oG$Y3pX0Lz7mWv2cR8sK1fN4tBq9aE6dJ5uG0hV7yT2kMo=\"",
        "encrypted_password: \"$2a$12$s.YfVZdfvAuO/Iz6fte5iO..ZbbEgreZnDcYOGvX4NGJskYQIstcG\"",
        "access_token: access-sandbox-0af2c971-41a6-4fc5-a97d-f2b27ab0a648",
        "clientToken: \"pub5d32df5ce9fedd38fc7ef24f8e0cd0bb\"",
        "RECAPTCHA_PRIVATE_KEY=6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe",
        "symfony_secret: '%env(APP_SECRET)%'",
        "api_token: ${env.API_TOKEN}",
    ] {
        assert_clean(&format!("{clean}\n"));
    }
}

#[test]
fn framework_forms() {
    let salt = format!(
        "{} {}<>{}",
        random(170, 30, ALNUM),
        random(171, 20, B64),
        random(172, 14, ALNUM)
    );
    assert_finds(
        &format!("define('AUTH_KEY', '{salt}');\n"),
        "php-define",
        &salt,
    );
    assert_clean("define( 'DB_PASSWORD', 'admin' );\n");
    assert_clean("define('WP_DEBUG', 'something-long');\n");
    let key = format!("django-insecure-{}", random(173, 40, ALNUM));
    assert_finds(
        &format!("SECRET_KEY = env.str(\"SECRET_KEY\", default=\"{key}\")\n"),
        "env-default",
        &key,
    );
    let pw = random(174, 16, ALNUM);
    assert_finds(
        &format!("KEY = os.environ.get('STRIPE_API_KEY', '{pw}')\n"),
        "env-default",
        &pw,
    );
    assert_clean("DEBUG = env.bool(\"DEBUG\", default=\"False-ish\")\n");
    assert_clean("SECRET_KEY = env(\"SECRET_KEY\", default=\"for-testing\")\n");
    assert_finds(
        "conn.login('ops@acme-shop.io', 'salesforcepassword', cb);\n",
        "login-call",
        "salesforcepassword",
    );
    assert_clean("conn.login('admin', 'password', cb);\n");
    assert_finds(
        &format!("license_key: {}\n", random(175, 40, HEX)),
        "generic-secret",
        &random(175, 40, HEX),
    );
}

#[test]
fn xml_values() {
    let pw = random(176, 16, ALNUM);
    assert_finds(
        &format!("<property name=\"connection.password\">{pw}</property>\n"),
        "xml-value",
        &pw,
    );
    assert_finds(&format!("  <password>{pw}</password>\n"), "xml-value", &pw);
    assert_clean("<password>${env.DB_PASSWORD}</password>\n");
    assert_clean("<property name=\"hibernate.connection.password\">changeme</property>\n");
    assert_clean("<label>Passwort-Feld</label><token>Betula-Token</token>\n");
}

#[test]
fn weak_database_passwords_count_on_public_hosts() {
    assert_finds(
        "uri: mongodb://shop:mongopass@ds048537.mlab-host.com:48537/main\n",
        "database-url",
        "mongopass",
    );
    assert_clean("uri: mongodb://shop:mongopass@localhost:27017/main\n");
    assert_clean("uri: mongodb://shop:password@ds048537.mlab-host.com/main\n");
    assert_clean("uri: postgres://app:changeme@db.acme-shop.io/app\n");
}

#[test]
fn not_secrets_lockfiles_hashes_ids() {
    let sha512 = format!("sha512-{}==", random(140, 86, B64));
    let sha40 = random(141, 40, HEX);
    let sha64 = random(142, 64, HEX);
    let uuid = format!(
        "{}-{}-{}-{}-{}",
        random(143, 8, HEX),
        random(144, 4, HEX),
        random(145, 4, HEX),
        random(146, 4, HEX),
        random(147, 12, HEX)
    );
    for clean in [
        format!("      \"integrity\": \"{sha512}\","),
        format!("  integrity: {sha512}"),
        format!("github.com/pkg/errors v0.9.1 h1:{}=", random(148, 43, B64)),
        format!("checksum = \"{sha64}\""),
        format!("commit: {sha40}"),
        format!("uses: actions/checkout@{sha40}"),
        format!("image: nginx@sha256:{sha64}"),
        format!("digest = \"sha256:{sha64}\""),
        format!("token_digest = \"sha256:{sha64}\""),
        format!("request_id = \"{uuid}\""),
        format!("api_token: {uuid}"),
        format!(
            "ssh_public_key = \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{} deploy@ci\"",
            random(149, 42, B64)
        ),
        format!(
            "secret_public_key = \"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA{}\"",
            random(150, 300, B64)
        ),
        format!(
            "token = \"ssh-rsa AAAAB3NzaC1yc2E{}\"",
            random(151, 200, B64)
        ),
    ] {
        assert_clean(&format!("{clean}\n"));
    }
}

#[test]
fn overlaps_prefer_the_specific_detector() {
    let token = format!("ghp_{}", random(160, 36, ALNUM));
    let text = format!("github_token = \"{token}\"\n");
    assert_finds(&text, "github-token", &token);
    let pw = random(161, 16, ALNUM);
    let text = format!("DB_DSN=\"postgres://app:{pw}@db/app\"\n");
    assert_finds(&text, "database-url", &pw);
    // Results come sorted by span.
    let a = format!("AKIA{}", random(162, 16, B32));
    let text = format!("{token} {a}\npassword = \"{pw}\"\n");
    let found = scan(&text);
    let ids: Vec<_> = found.iter().map(|m| m.detector.id).collect();
    assert_eq!(ids, ["github-token", "aws-access-key-id", "generic-secret"]);
    let spans: Vec<Span> = found.iter().map(|m| m.span).collect();
    let mut sorted = spans.clone();
    sorted.sort();
    assert_eq!(spans, sorted);
}

#[test]
fn shell_tests_compare_expanded_variables() {
    assert_clean("if test \"$linkmode,$pass\" = \"lib,link4x9Q\"; then\n");
    assert_clean("[ \"$password\" = 'Zt4mQ9wLx2Rk' ] && exit 1\n");
    // PHP assigns with no quote after the name.
    let value = random(7, 24, ALNUM);
    assert_finds(
        &format!("$db_password = '{value}';\n"),
        "generic-secret",
        &value,
    );
}

#[test]
fn jwts_signed_with_sample_secrets_are_samples() {
    // Signed with `12345` (HS256) and jwt.io's `your-512-bit-secret` (HS512).
    assert_clean(concat!(
        "X-JWT: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJzaG9wIiwiZXhwIjoxOTc2MDU2NzU2LCJzdWIiOiJ1c2VyLTcifQ",
        ".YJUH-3DtTIzwRDMRJsr7JK2Z3ZJnztS8gIUkZw67I9E\n"
    ));
    assert_clean(concat!(
        "X-JWT: eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJzaG9wIiwiZXhwIjoxOTc2MDU2NzU2LCJzdWIiOiJ1c2VyLTcifQ",
        ".kZeJgoAPKXjMdOJWOiJWVfjsx0U29FCszfQAco-GL34yxpbCJZ_o1t4lCCFaD6mCxXutkD8sNig0ZdyYlI2Xjg\n"
    ));
    // The same claims signed with a generated secret.
    let token = concat!(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJzaG9wIiwiZXhwIjoxOTc2MDU2NzU2LCJzdWIiOiJ1c2VyLTcifQ",
        ".sy_tbRvCsnqmf-TLPXxH1IVU7hYoU43lFragjuabjvM"
    );
    assert_finds(&format!("X-JWT: {token}\n"), "jwt", token);
}
