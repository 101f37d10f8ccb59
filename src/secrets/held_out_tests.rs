//! Unit tests of the classes found by the held-out rounds from 38 to 89 (each
//! test names its round; earlier rounds' tests are in `tests.rs`, later ones in
//! `held_out_tests/rounds_90_on.rs`).

use super::tests::{b64, random, ALNUM, B32, B64, HEX};
use super::*;

mod rounds_110_on;
mod rounds_117_on;
mod rounds_126_on;
mod rounds_136_on;
mod rounds_90_on;

#[test]
fn sampled_configs_phrases_and_counts() {
    // A sentence typed as a key reads as one; random lowercase values do not.
    assert!(values::is_placeholder(
        "thisisaverysecurekeythatneedstobelonger256bitkey"
    ));
    assert!(values::is_placeholder("thisisthesecretusedtosignourtokens"));
    assert!(!values::is_placeholder("correcthorsebatterystaple"));
    const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
    const BASE32: &str = "abcdefghijklmnopqrstuvwxyz234567";
    // One word then a count typed to fill a length; a short count, other digits
    // or a generated head are no placeholder.
    assert!(values::is_placeholder("alarm123456"));
    assert!(!values::is_placeholder("console123"));
    assert!(!values::is_placeholder("alarm734291"));
    assert!(!values::is_placeholder("xKqzt123456"));
    for seed in 860..900 {
        assert!(!values::is_placeholder(&random(seed, 24, LOWER)));
        assert!(!values::is_placeholder(&random(seed, 32, BASE32)));
    }
}

#[test]
fn sampled_dotenv_templates() {
    // A template's typed values describe what to fill in; a generated one fires.
    let template = "secret=keytoaccessupload\nurl=your url\n";
    assert!(stores::detect(".env", template).is_none());
    let generated = format!("secret={}\nurl=your url\n", random(871, 32, ALNUM));
    assert!(stores::detect(".env", &generated).is_some());
    // Without a fill-in marker the typed value is the file's own.
    assert!(stores::detect(".env", "secret=keytoaccessupload\n").is_some());
}

#[test]
fn sampled_configs_local_database_passwords() {
    // A password a person chose for a database on their own machine.
    let dotnet = "{\n  \"ConnectionStrings\": {\n    \"Default\": \"server=localhost;port=3306;database=shop;user=root;password=minhquan2004;\"\n  }\n}\n";
    assert!(scan_file("appsettings.json", dotnet).is_empty());
    let spring = "spring.datasource.url=jdbc:mysql://localhost:3306/school\nspring.datasource.username=root\nspring.datasource.password=Ashwin030905\n";
    assert!(scan_file("src/main/resources/application.properties", spring).is_empty());
    // The same password for a remote server, or a generated one on localhost,
    // still fires.
    let remote = spring.replace("localhost", "db.prod.acme-shop.net");
    assert_eq!(
        scan_file("src/main/resources/application.properties", &remote).len(),
        1
    );
    let wordpress = "define('DB_USER', 'root');\ndefine('DB_PASSWORD', 'tigerlily93');\ndefine('DB_HOST', 'localhost');\n";
    assert!(scan_file("wp-config.php", wordpress).is_empty());
    let generated = spring.replace("Ashwin030905", &random(870, 20, ALNUM));
    assert_eq!(
        scan_file("src/main/resources/application.properties", &generated).len(),
        1
    );
}

#[test]
fn round_89_dates_language_arrays_identity_hashes_and_fillers() {
    // A rotation date under a secret's name, or as the value.
    assert!(!names::is_secret_name("db_password_rotated_date"));
    assert!(values::is_known_non_secret("2023-04-06T11:12:00Z"));
    assert!(!values::is_known_non_secret("2023-04-06"));
    // PHP language arrays are UI text.
    let labels = "<?php\nreturn array(\n    'user_password' => 'Gebruikerswachtwoord',\n);\n";
    assert!(scan_file("app/includes/language/dutch.php", labels).is_empty());
    // An ASP.NET Identity v3 hash; the same length of random base64 is not one.
    let mut hash = vec![1u8, 0, 0, 0, 1, 0, 0, 0x27, 0x10, 0, 0, 0, 16];
    hash.extend(random(890, 48, HEX).bytes());
    let encoded = b64(&hash);
    assert!(values::is_known_non_secret(&encoded));
    assert!(!values::is_known_non_secret(&b64(random(891, 61, ALNUM))));
    // A line comment that calls the value public.
    let public = format!(
        "'client_secret' => 'sec_{}', // NOSONAR - This is a public client secret\n",
        random(892, 20, HEX)
    );
    assert!(scan_file("config/telemetry.yml", &public).is_empty());
    let shared = format!(
        "'client_secret' => 'sec_{}', // can be shared among our nodes\n",
        random(892, 20, HEX)
    );
    assert_eq!(scan_file("config/telemetry.yml", &shared).len(), 1);
    // A seed script's label; base64 of a PEM header's start in a kubeconfig.
    assert!(values::is_placeholder(
        "polar_cl_e2e_seed_checkout_link_subscription"
    ));
    let kubeconfig = "apiVersion: v1\nkind: Config\nusers:\n- name: a\n  user:\n    token: LS0tLS1CRUdJTiBDRVJ=\n";
    assert!(stores::detect("kubeconfig", kubeconfig).is_none());
    assert!(scan_file("kubeconfig", kubeconfig).is_empty());
}

#[test]
fn round_88_and_file_sample_4() {
    // Instructions, public notes, Razor expressions, stepped stand-ins.
    assert!(values::is_placeholder("MustBe32DropDbAndChangeItIfUWant"));
    let public = format!(
        "# The access Token is public and can be shared\naccess_token: \"{}\"\n",
        random(880, 64, ALNUM)
    );
    assert!(scan_file("templates/file_sources.yml", &public).is_empty());
    let view = "<form asp-route-token=\"@HtmlExtensions.HtmlEncodeSafe(Context.Request.Query[\"token\"])\">\n";
    assert!(scan_file("Views/Account/Reset.cshtml", view).is_empty());
    assert!(values::has_counting_run("3c0e7a1df9e8d7c6b5a4f3e2d1c9b8a7"));
    assert!(!values::has_counting_run(&random(881, 64, HEX)));
    assert!(values::is_placeholder(
        "dev-only-pepper-not-for-production-use-32b+"
    ));
    // Base64 of a URL; base64 of a random value still fires.
    let url = b64("http://localhost:8080/aHR0cDovL2xvY2FsaG9zdDo");
    let config = format!("keys:\n  GAPI_KEY: \"{url}\"\n");
    assert!(scan_file("src/config.yml", &config).is_empty());
    let key = format!("keys:\n  GAPI_KEY: \"{}\"\n", b64(random(882, 30, ALNUM)));
    assert_eq!(scan_file("src/config.yml", &key).len(), 1);
    // Sentences typed as secrets, in German or CamelCase.
    assert!(values::is_placeholder("VerySecretPasswort"));
    assert!(values::is_placeholder(
        "MySecretHotUndSexySecretThatShouldBeVerySecretousAndRandom"
    ));
    // A dotenv password that is the key's own name.
    assert!(stores::detect(".env", "BITCOIN_RPCPASSWORD=rpcpassword\n").is_none());
    assert!(stores::detect(".env", "BITCOIN_RPCPASSWORD=rpcpassw0rd-Xq9\n").is_some());
    // A person's password with a year for a local database; a generated one fires.
    let local = |password: &str| {
        format!("DATABASES = {{\n  'HOST': '127.0.0.1',\n  'PASSWORD': '{password}',\n}}\n")
    };
    assert!(scan_file("local_settings.py", &local("Su2022$jkM!&")).is_empty());
    assert_eq!(
        scan_file("local_settings.py", &local(&random(883, 16, ALNUM))).len(),
        1
    );
}

#[test]
fn round_87_and_file_sample_3() {
    // An env lookup's default that names its key; a generated one still fires.
    let named = "x = get_env(\"NEW_RELIC_LICENSE_KEY\", \"newrelicliscencekey\")\n";
    assert!(scan_file("infra/extras/terragrunt.hcl", named).is_empty());
    let generated = format!(
        "x = get_env(\"NEW_RELIC_LICENSE_KEY\", \"{}\")\n",
        random(870, 40, HEX)
    );
    assert_eq!(
        scan_file("infra/extras/terragrunt.hcl", &generated).len(),
        1
    );
    // A commented README entry beside a documentation host is a sample.
    let digest = random(871, 32, HEX);
    let commented = format!("#   domain: example.com\n#   password: {digest}\n");
    assert!(scan_file("roles/ddns/defaults/main.yml", &commented).is_empty());
    let own = format!("#   domain: shop-acme.io\n#   password: {digest}\n");
    assert_eq!(scan_file("roles/ddns/defaults/main.yml", &own).len(), 1);
    // Instructions in leetspeak, sentences about the value, Key Vault names.
    assert!(values::is_placeholder(
        "s0m3l0ngr4nd0mstr1ng-b3cr34tiv3&h4v3fun"
    ));
    assert!(values::is_placeholder("S0m3R@nd0mString0f32Ch@rsEx@ct1y"));
    assert!(!values::is_placeholder(&random(872, 32, ALNUM)));
    assert!(values::is_placeholder("thisISaSECRET_1234"));
    assert!(values::is_placeholder("CONTENT-KEYS"));
    // A keyboard walk down the columns; a zigzag across letter rows is no walk.
    assert!(values::is_placeholder("1q2w3e4r"));
    // Compose's escaped bcrypt salt.
    assert!(values::is_known_non_secret(
        "$$2b$$10$$9rBKuE4Gb5ravnvP4xjoPu"
    ));
    assert!(!values::is_known_non_secret("$$9rBKuE4Gb5ravnvP4xjoPu"));
    // A JWT whose subject counts up is a sample; another subject still fires.
    let token = |sub: &str| {
        let header = super::tests::b64url(r#"{"alg":"RS256","typ":"JWT"}"#);
        let payload = super::tests::b64url(&format!(r#"{{"sub":"{sub}","iat":1541001883}}"#));
        format!(
            "const token = '{header}.{payload}.{}';\n",
            random(876, 86, ALNUM)
        )
    };
    assert!(scan_file("src/auth.js", &token("1234567890abcdefghij")).is_empty());
    assert_eq!(scan_file("src/auth.js", &token("u-7f3k2q9x")).len(), 1);
    // A person's camelCase password for a database on localhost; not for RDS.
    let local = "{\n  \"host\": \"localhost\",\n  \"password\": \"reallyStrongPwd123\"\n}\n";
    assert!(scan_file("ormconfig.json", local).is_empty());
    let remote = local.replace("localhost", "db.c9akciq32.eu-west-1.rds.amazonaws.com");
    assert_eq!(scan_file("ormconfig.json", &remote).len(), 1);
    // A browser map key under a bundled name is public; a server token is not.
    let map_key = format!(
        "NEXT_PUBLIC_GOOGLE_MAP_KEY=AIza{}\n",
        random(873, 35, ALNUM)
    );
    assert!(stores::detect(".env.production", &map_key).is_none());
    assert!(names::names_a_public_browser_key("VITE_KAKAO_MAP_KEY"));
    assert!(!names::names_a_public_browser_key("VITE_OPENAI_KEY"));
    assert!(!names::names_a_public_browser_key("GOOGLE_MAP_KEY"));
    let token = format!("VITE_SERVICE_TOKEN={}\n", random(874, 32, ALNUM));
    assert!(stores::detect(".env.production", &token).is_some());
    // Maven's documented default login; a generated password still counts.
    let servers = |password: &str| {
        format!("<servers><server><username>admin</username><password>{password}</password></server></servers>")
    };
    assert!(stores::detect("settings.xml", &servers("admin123")).is_none());
    assert!(stores::detect("settings.xml", &servers(&random(875, 12, ALNUM))).is_some());
    // A dotenv whose comment calls its values defaults to change; a file reference.
    let defaults = "# Please change these default values before running docker-compose\nDB_PASSWORD=cwaLocalPass\n";
    assert!(stores::detect(".env", defaults).is_none());
    assert!(stores::detect(".env", "DB_PASSWORD=cwaLocalPass\n").is_some());
    assert!(stores::detect(".env", "SECRET_PRIVATE=file:/secrets/private.pem\n").is_none());
}

#[test]
fn round_86_chart_defaults_instructions_and_salted_digests() {
    // A Secret's base64 of a name and its key's service: a chart's shipped default.
    let default = b64("sunnyMysql");
    let manifest = format!("kind: Secret\ndata:\n  mysql-password: \"{default}\"\n");
    assert!(scan_file("charts/db/rendered.yaml", &manifest).is_empty());
    // Two words without the key's service, or a generated value, still fire.
    let other = b64("sunnyMeadow");
    let own = format!("kind: Secret\ndata:\n  mysql-password: \"{other}\"\n");
    assert_eq!(scan_file("charts/db/rendered.yaml", &own).len(), 1);
    let generated = b64(random(860, 24, ALNUM));
    let real = format!("kind: Secret\ndata:\n  mysql-password: \"{generated}\"\n");
    assert_eq!(scan_file("charts/db/rendered.yaml", &real).len(), 1);
    // What to fill in, in CamelCase; a random value ending in `Here` is not.
    assert!(values::is_placeholder("SetARandomStringHere"));
    assert!(values::is_placeholder("PutTokenHere"));
    assert!(!values::is_placeholder("XkqPwrZtmvHere"));
    // A salt, `$` and a hex digest is a password hash; a bare digest-length
    // hex value under a secret's name is not known to be one.
    let digest = random(861, 32, HEX);
    assert!(values::is_known_non_secret(&format!("ffe5d${digest}")));
    assert!(values::is_known_non_secret(&format!(
        "sha1$b8e2f${}",
        random(862, 40, HEX)
    )));
    assert!(!values::is_known_non_secret(&digest));
    assert!(!values::is_known_non_secret(&format!("p@ss${digest}")));
}

#[test]
fn round_85_checksum_manifests_and_user_name_suffixes() {
    // A key that is a file's path names the file: a checksum manifest's entry.
    let manifest = format!(
        "$md5_string = array (\n  './Api/OAuth2/Entity/AccessTokenEntity.php' => '{}',\n);\n",
        random(850, 32, HEX)
    );
    assert!(scan_file("files.md5", &manifest).is_empty());
    assert!(!names::is_secret_name("./lib/Oauth/Http/RequestToken.php"));
    assert!(!names::is_secret_name("'assets\\images\\Password.png'"));
    // A name without a folder, or a folder without an extension, is still a name.
    assert!(names::is_secret_name("access_token.php"));
    assert!(names::is_secret_name("secrets/db_password"));
    assert!(names::is_secret_name("secrets/api.token"));
    assert!(names::is_secret_name("config/db.pass"));
    // The user name plus a person's suffix is a guessable default; a generated
    // rest still fires.
    let compose = "environment:\n  DB_USERNAME: \"helpdesk\"\n  SECRET: 'helpdesk4life'\n";
    assert!(scan_file("docker-compose.yml", compose).is_empty());
    let generated = format!(
        "environment:\n  DB_USERNAME: \"helpdesk\"\n  SECRET: 'helpdesk_{}'\n",
        random(851, 20, ALNUM)
    );
    assert_eq!(scan_file("docker-compose.yml", &generated).len(), 1);
}

#[test]
fn round_83_mail_and_password_managers() {
    // An installer's token is a placeholder.
    assert!(values::is_placeholder("%CONFIG-SIRI"));
    assert!(values::is_placeholder("%ADMIN_PASSWORD%"));
    assert!(!values::is_placeholder("%kX9$Lm2#pQ7"));
    // A literal glued to code is a piece of the value; a whole one fires.
    let glued = "$token = 'gpgauthv1.3.0|36|' . $auth->token . '|end';\n";
    assert!(scan_file("src/Auth.php", glued).is_empty());
    let whole = format!("$api_token = '{}';\n", random(830, 32, ALNUM));
    assert_eq!(scan_file("src/Auth.php", &whole).len(), 1);
    // A commented example under a note asking for your own.
    let note = format!(
        "# Please add secret key here\n# PARTNER_SECRET_KEY: '{}'\n",
        random(831, 26, ALNUM)
    );
    assert!(scan_file("configs/settings.yaml", &note).is_empty());
    // A note asking for more settings is not one asking for your credential.
    let policies = "## Add new policies as explained here https://min.io/docs\nusers:\n  - accessKey: console\n    secretKey: console123\n";
    assert_eq!(scan_file("helm/minio/values.yaml", policies).len(), 1);
}

#[test]
fn round_82_feature_flag_services() {
    // An encrypted key's first lines: a fragment; the whole body still fires.
    let header = "MIIFLTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQIxoJkCmQHI2ACAggA";
    let tail = |lines: usize| {
        (0..lines)
            .map(|i| random(820 + i as u64, 64, B64))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let pem = |body: String| {
        format!("KEY = \"\"\"\n-----BEGIN ENCRYPTED PRIVATE KEY-----\n{header}\n{body}\n-----END ENCRYPTED PRIVATE KEY-----\n\"\"\"\n")
    };
    assert!(scan_file("config/keys.py", &pem(tail(1))).is_empty());
    assert_eq!(scan_file("config/keys.py", &pem(tail(27))).len(), 1);
}

#[test]
fn round_80_dotfiles() {
    // A person's password given to the container a command starts; a generated
    // one still fires, as does a person's password outside `docker run`.
    let alias = "alias db=\"docker run -e SA_PASSWORD=SymfonyRocks1999! mssql\"\n";
    assert!(scan_file("aliases.zsh", alias).is_empty());
    let generated = format!(
        "docker run -e WORKER_API_KEY={} worker\n",
        random(800, 32, ALNUM)
    );
    assert_eq!(scan_file("run.sh", &generated).len(), 1);
    assert_eq!(
        scan_file("run.sh", "export SA_PASSWORD=SymfonyRocks1999!\n").len(),
        1
    );
}

#[test]
fn round_79_civic_health_and_banking() {
    use context::{path_role, PathRole};
    // A Java resource bundle named for its locale is UI text.
    for path in [
        "res/messages_si.properties",
        "res/messages_pt_BR.properties",
    ] {
        assert_eq!(path_role(path), PathRole::Docs, "{path}");
    }
    assert_eq!(path_role("res/mail.properties"), PathRole::Code);
    assert_eq!(path_role("res/app_config.properties"), PathRole::Code);
    // An AWS secret that repeats its key ID is an emulator's dummy.
    let dummy = "[default]\naws_access_key_id=localstack\naws_secret_access_key=localstack\n";
    assert!(stores::detect("docker/aws/credentials", dummy).is_none());
    let pair = format!(
        "[default]\naws_access_key_id=localstack\naws_secret_access_key={}\n",
        random(790, 40, B64)
    );
    assert!(stores::detect("docker/aws/credentials", &pair).is_some());
    // A demo's SQL and an old schema folder's seed the documented accounts.
    let dump = format!(
        "INSERT INTO users (id, username, password) VALUES (1, 'ops', '{}');\n",
        random(791, 64, HEX)
    );
    assert!(stores::detect("db/demo-backups/acme/setup.sql", &dump).is_none());
    assert!(stores::detect("db/old-schema-files/0003.sql", &dump).is_none());
    assert!(stores::detect("db/backups/prod.sql", &dump).is_some());
}

#[test]
fn round_78_streaming_demos() {
    use context::{path_role, PathRole};
    // A placeholder whose words are each in one case.
    assert!(values::is_placeholder("natrail_PASSWORD"));
    assert!(!values::is_placeholder(&random(780, 20, ALNUM)));
    // Where a Secret's manifest goes, and an address, are no secrets.
    assert!(!names::is_secret_name("PUBSUB_SECRET_MANIFEST"));
    assert!(!names::is_secret_name("nativeCurrencyTokenAddress"));
    assert!(names::is_secret_name("PUBSUB_SECRET"));
    // A SQL script named for a demo or a test.
    assert_eq!(
        path_role("data/mssql/b00_create_db_demo.sql"),
        PathRole::Docs
    );
    assert_eq!(path_role("db/seed_test.sql"), PathRole::Test);
    assert_eq!(path_role("db/create_users.sql"), PathRole::Code);
    // A Secret whose password repeats the user's value; another password fires.
    let user = b64("shopdemo");
    let same =
        format!("kind: Secret\ndata:\n  POSTGRES_USER: {user}\n  POSTGRES_PASSWORD: {user}\n");
    assert!(scan_file("k8s/db.yml", &same).is_empty());
    let other = b64(random(781, 24, ALNUM));
    let own =
        format!("kind: Secret\ndata:\n  POSTGRES_USER: {user}\n  POSTGRES_PASSWORD: {other}\n");
    assert_eq!(scan_file("k8s/db.yml", &own).len(), 1);
}

#[test]
fn round_72_to_77_web3_firmware_pipelines_and_config_modules() {
    use context::{path_role, PathRole};
    // An Ethereum address (`0x` and 40 hex digits) is public; a private key is not.
    let address = format!("0x{}", random(720, 40, HEX));
    assert!(values::is_known_non_secret(&address));
    assert!(!values::is_known_non_secret(&format!(
        "0x{}",
        random(721, 64, HEX)
    )));
    assert!(!values::is_known_non_secret(&format!(
        "0x{}",
        random(722, 41, HEX)
    )));
    // A docs site's Inkeep widget key ships to every visitor; an `apiKey` with no
    // widget above it still fires.
    let key = random(723, 48, HEX);
    let widget = format!("const base: InkeepBaseSettings = {{\n  apiKey: \"{key}\",\n}};\n");
    assert!(scan_file("docs/app/inkeep.ts", &widget).is_empty());
    let plain = format!("const base = {{\n  apiKey: \"{key}\",\n}};\n");
    assert_eq!(scan_file("src/app/client.ts", &plain).len(), 1);
    // A GA4 Measurement Protocol secret beside its measurement ID sends events only.
    let secret = random(724, 22, ALNUM);
    let ga4 = format!("api_secret=\"{secret}\"\nmeasurement_id=\"G-0ABCDEF123\"\n");
    assert!(scan_file("scripts/stats.sh", &ga4).is_empty());
    assert_eq!(
        scan_file("scripts/stats.sh", &format!("api_secret=\"{secret}\"\n")).len(),
        1
    );
    // Tilt runs local development clusters only.
    assert_eq!(
        path_role("devtools/tilt/postgresql.tiltfile"),
        PathRole::Test
    );
    assert_eq!(path_role("Tiltfile"), PathRole::Test);
    assert_eq!(path_role("deploy/tilt.yaml"), PathRole::Code);
    // A debconf question names a password; it is not one.
    assert!(values::is_placeholder(
        "percona-server-server-5.7/re-root-pass"
    ));
    assert!(!values::is_placeholder(&random(725, 20, ALNUM)));
    // The AzureRM docs' sample password.
    assert!(values::is_known_non_secret("H@Sh1CoR3!"));
}

#[test]
fn round_68_sdks() {
    // An OpenAPI example in a spec whose `openapi:` key is sorted last; the same
    // block without the key is a config.
    let secret = random(680, 32, ALNUM);
    let spec = |tail: &str| {
        format!("paths:\n  /x:\n    post:\n      examples:\n        default:\n          value:\n            client_secret: \"{secret}\"\n{tail}")
    };
    assert!(scan_file("schemas/openapi.yaml", &spec("openapi: 3.0.0\n")).is_empty());
    assert_eq!(scan_file("schemas/openapi.yaml", &spec("")).len(), 1);
}

#[test]
fn round_67_notebooks() {
    // A signed URL's credential scope names an account, not a secret.
    let url = "link = \"https://storage.googleapis.com/f.pdf?X-Goog-Credential=ke-prod-1%40pc-prod.iam.gserviceaccount.com%2F20250123%2Fauto%2Fstorage%2Fgoog4_request\"\n";
    assert!(scan_file("learn/links.py", url).is_empty());
}

#[test]
fn round_65_starters() {
    // Leet read back as words, `@` as a separator too; a random value is no words.
    assert!(values::is_placeholder("myAwEsOm3pa55@w0rd"));
    // A typed password in a production image is no placeholder.
    assert!(!values::is_placeholder("s3cr3t-Pr0d-Db-Pa55"));
    // A URL's userinfo ends at its last `@`: the whole typed password is judged.
    let url = "PG_URL: \"postgres://user:myAwEsOm3pa55@w0rd@db:5432/db\"\n";
    assert!(scan_file("docker-compose.yml", url).is_empty());
    assert!(!values::is_placeholder(&random(650, 18, ALNUM)));
}

#[test]
fn round_64_phoenix_rails_and_rust_apps() {
    use context::{path_role, PathRole};
    // Slack's documented sample body under any token type; a random body fires.
    assert!(values::is_placeholder(
        "xoxp-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
    ));
    assert!(!values::is_placeholder(&format!(
        "xoxp-17653672481-19874698323-{}",
        random(640, 24, ALNUM)
    )));
    // Mapbox public tokens; PostHog project keys by name.
    assert!(values::is_known_non_secret(
        "pk.eyJ1IjoibWF5ZWwiLCJhIjoiY2tl"
    ));
    assert!(!values::is_known_non_secret(
        "sk.eyJ1IjoibWF5ZWwiLCJhIjoiY2tl"
    ));
    assert!(!names::is_secret_name("REACT_APP_POSTHOG_TOKEN"));
    // Test data builders and Cucumber's support files are tests.
    assert_eq!(path_role("lib/hexpm/factory.ex"), PathRole::Test);
    assert_eq!(path_role("spec/support/user_factory.rb"), PathRole::Test);
    assert_eq!(path_role("features/support/omniauth.rb"), PathRole::Test);
    assert_eq!(path_role("src/features/billing/client.ts"), PathRole::Code);
    // Letters and digits counting up in step; a random mix does not.
    assert!(values::has_counting_run("a1B2c3D4e5F6g7H8i9"));
    assert!(!values::has_counting_run(&random(641, 18, ALNUM)));
    // A provider key named for an example shows the format; a `test` name does not.
    let stripe = format!("sk_live_{}", random(642, 24, ALNUM));
    let example = format!("hint(api_secret_key_example: '{stripe}')\n");
    assert!(scan_file("app/views/form.haml", &example).is_empty());
    let test_named = format!("STRIPE_TEST_KEY = \"{stripe}\"\n");
    assert_eq!(scan_file("billing/stripe.rb", &test_named).len(), 1);
    // `PUT YOUR OWN … HERE` above a value marks the template's sample.
    let key = random(643, 64, B64);
    let template =
        format!("    # PUT YOUR OWN SECRET KEYBASE HERE\n    SECRET_KEY_BASE: \"{key}\"\n");
    assert!(scan_file("docker-compose.yml", &template).is_empty());
}

#[test]
fn round_63_docs_site_widgets() {
    // Docusaurus bundles `themeConfig` into every page; a plugin's options outside
    // it run at build time and keep their keys.
    let key = random(630, 48, HEX);
    let config = |block: &str| {
        format!("const config = {{\n  {block}: {{\n    widget: {{\n      apiKey: \"{key}\",\n    }},\n  }},\n  plugins: [],\n}};\n")
    };
    assert!(scan_file("docs/docusaurus.config.ts", &config("themeConfig")).is_empty());
    assert_eq!(
        scan_file("site/docusaurus.config.js", &config("customFields")).len(),
        1
    );
    assert_eq!(
        scan_file("site/site.config.js", &config("themeConfig")).len(),
        1
    );
}

#[test]
fn round_61_shops_and_data_pipelines() {
    use context::{is_ci_pipeline, path_role, PathRole};
    // A DSN whose password is its user name, or a person's on a local host.
    assert!(scan_file(
        "load.py",
        "dsn = \"postgres://loader:loader@localhost/d\"\n"
    )
    .is_empty());
    let generated = random(610, 24, ALNUM);
    let dsn = format!("dsn = \"postgres://loader:{generated}@localhost/d\"\n");
    assert_eq!(scan_file("load.py", &dsn).len(), 1);
    // Slack's incoming webhook secret is 24 characters.
    let hook = |secret: &str| {
        format!("hook = \"https://hooks.slack.com/services/T04DHMAF13Q/B04E7B1MQ1H/{secret}\"\n")
    };
    assert!(scan_file("alerts.toml", &hook("TDHEI123WUEE")).is_empty());
    assert_eq!(
        scan_file("alerts.toml", &hook(&random(611, 24, ALNUM))).len(),
        1
    );
    // A commented request to localhost records a local session; a public link keeps its key.
    let key = random(612, 40, ALNUM);
    let local =
        format!("// \"url\": \"http://localhost:6789/api/items?api_key={key}\"\nlet a = 1;\n");
    assert!(scan_file("api/errors.ts", &local).is_empty());
    let public = format!("// \"url\": \"https://api.vendor.io/items?api_key={key}\"\nlet a = 1;\n");
    assert_eq!(scan_file("api/errors.ts", &public).len(), 1);
    // Product analytics project keys ship in clients; Shopware's storefront key too.
    assert!(!names::is_secret_name("AMPLITUDE_API_KEY"));
    assert!(!names::is_secret_name("mixpanel_token"));
    assert!(values::is_known_non_secret("SWSCATLQZHBWBVZ1SGHNQNBLAQ"));
    assert!(!values::is_known_non_secret("SWIAATLQZHBWBVZ1SGHNQNBLAQ"));
    // Locale folders and module catalogs are UI text; `eu-west` is no locale.
    assert_eq!(
        path_role("Resources/snippet/de_DE/storefront.de-DE.json"),
        PathRole::Docs
    );
    assert_eq!(path_role("lang/storefront.pt-BR.yml"), PathRole::Docs);
    assert_eq!(path_role("terraform/eu-west/main.tf"), PathRole::Code);
    assert_eq!(path_role("config/settings.it.yaml"), PathRole::Code);
    // Azure Pipelines files by any name, GitLab's included CI files.
    assert!(is_ci_pipeline("ci/azure-pipelines-nightly.yml"));
    assert!(is_ci_pipeline(".gitlab/templates/plugin.yml"));
}

#[test]
fn round_58_to_60_and_62_homelabs_mobile_apps_llm_apps_and_bots() {
    use context::{is_program_text, is_prose_document, path_role, PathRole};
    // Ciphertext (SOPS, Ansible Vault) is committed by design.
    assert!(values::is_known_non_secret(
        "ENC[AES256_GCM,data:yKLbaSgytDfpnR5KR4SZfSX7,iv:OZV6,tag:ukVm,type:str]"
    ));
    // Helm's `existingSecret` names a Secret; a widget's website token ships in pages.
    assert!(values::is_known_non_secret(
        "encrypted:BDqDBibm4wsYqMpCjTQ6BsDHmMadg9K3"
    ));
    assert!(!names::is_secret_name("existingSecret"));
    assert!(!names::is_secret_name("existing_secret_password_key"));
    assert!(!names::is_secret_name("websiteToken"));
    assert!(names::is_secret_name("website_secret"));
    // A script without an extension is code by its shebang, not a shell script.
    assert!(is_program_text(
        "scripts/backup",
        "#!/usr/bin/env python3\n"
    ));
    assert!(is_program_text("bin/run", "#!/usr/bin/ruby\n"));
    assert!(!is_program_text("scripts/backup", "#!/bin/bash\n"));
    assert!(!is_program_text(
        "scripts/backup.sh",
        "#!/usr/bin/env python\n"
    ));
    // Apple's and UN M.49 regions' UI text.
    assert!(is_prose_document("App/de.lproj/Localizable.strings"));
    assert_eq!(
        path_role("App/de.lproj/Localizable.strings"),
        PathRole::Docs
    );
    assert_eq!(path_role("src/languages/es_419.json"), PathRole::Docs);
    assert_eq!(path_role("src/languages/es_4190.json"), PathRole::Code);
    // A key that repeats the host it is sent to is the server's name.
    let named = "apiBase: http://llama-strix.llm:8080/v1\napiKey: llama-strix\n";
    assert!(scan_file("models/local.yaml", named).is_empty());
    let key = random(580, 32, ALNUM);
    let hosted = format!("apiBase: https://api.inference.io/v1\napiKey: {key}\n");
    assert_eq!(scan_file("models/hosted.yaml", &hosted).len(), 1);
    // A Google key its owners call public; the same key without the note fires.
    let google = format!("AIzaSy{}", random(581, 33, ALNUM));
    let noted = format!("// Public API key used by BotGuard\nval KEY = \"{google}\"\n");
    assert!(scan_file("app/PoToken.kt", &noted).is_empty());
    let bare = format!("val KEY = \"{google}\"\n");
    assert_eq!(scan_file("app/PoToken.kt", &bare).len(), 1);
    // A data file's recorded URL keeps its query; a config's does not.
    let token = random(582, 120, ALNUM);
    let url = format!("\"https://www.imdb.com/title/?redirectSessionToken={token}\",q,a\n");
    assert!(scan_file("evals/qa.csv", &url).is_empty());
}

#[test]
fn round_56_product_defaults_and_docs_apps() {
    use context::{path_role, PathRole};
    let settings = "        Username = \"nzbget\";\n        Password = \"tegbzn6789\";\n";
    assert!(scan_file("src/Nzbget/NzbgetSettings.cs", settings).is_empty());
    // A Maps JavaScript API key in a page is still a key (restricting it is its
    // owner's job), as the earlier rounds judged.
    let key = format!("AIzaSy{}", random(560, 33, ALNUM));
    let page = format!("<script src=\"//maps.google.com/maps/api/js?key={key}\" async></script>\n");
    assert_eq!(scan_file("Views/Shared/_Layout.cshtml", &page).len(), 1);
    // A folder named for docs is documentation.
    assert_eq!(path_role("docs-assets/app/.env"), PathRole::Docs);
    assert_eq!(path_role("docs_src/settings.py"), PathRole::Docs);
}

#[test]
fn round_55_expired_tokens_digests_install_sql_and_counted_phrases() {
    // A JWT under any name: expired, it opens nothing; a live one still fires.
    let header = super::tests::b64url(r#"{"typ":"JWT","alg":"HS256"}"#);
    let jwt = |exp: u64| {
        let payload = super::tests::b64url(&format!(r#"{{"userName":"admin","exp":{exp}}}"#));
        format!("{header}.{payload}.{}", random(550, 43, ALNUM))
    };
    let request =
        |token: String| format!("GET http://localhost:9095/plugin/list\nX-Access-Token: {token}\n");
    assert!(scan_file("admin/src/http/debug.http", &request(jwt(1_648_650_086))).is_empty());
    assert!(!scan_file("admin/src/http/debug.http", &request(jwt(4_102_444_800))).is_empty());
    // A hex digest in SQL is the password's hash; a generated password is not hex.
    let digest = random(551, 128, HEX);
    let update =
        format!("UPDATE dashboard_user SET password='{digest}' WHERE user_name = 'admin';\n");
    assert!(scan_file("db/upgrade/2.4.3.sql", &update).is_empty());
    // A project's name with a count after it, from its module folder.
    let yml = "spring:\n  datasource:\n    password: Shenyu123456\n";
    assert!(scan_file("shenyu-admin/src/main/resources/application-og.yml", yml).is_empty());
    // Words then a count, typed to fill a length.
    assert!(values::is_placeholder("ThisIsMyCustomSecretKey012345678"));
    assert!(!values::is_placeholder(&format!(
        "{}012345",
        random(552, 20, ALNUM)
    )));
    // An install script seeds a default admin or two; a dump of many accounts fires.
    let row = |n: u32| {
        format!("INSERT INTO `sys_user` (`user_id`, `username`, `password`) VALUES ({n}, 'u{n}', '$2a$10${}');\n", random(553 + u64::from(n), 53, ALNUM))
    };
    let schema = "CREATE TABLE `sys_user` (`user_id` bigint, `username` varchar(255), `password` varchar(255));\n";
    let install = format!("{schema}{}{}", row(1), row(2));
    assert!(stores::detect("sql/install.sql", &install).is_none());
    let dump: String = std::iter::once(schema.to_string())
        .chain((1..=6).map(row))
        .collect();
    assert!(stores::detect("sql/install.sql", &dump).is_some());
}

#[test]
fn round_54_test_instances_stand_ins_tiles_and_seed_data() {
    use context::{path_role, PathRole};
    assert_eq!(path_role(".github/ci/e2econfig/users.yaml"), PathRole::Test);
    assert_eq!(path_role("e2e-config/app.yaml"), PathRole::Test);
    assert_eq!(path_role("e2ee/keys.yaml"), PathRole::Code);
    let key = random(540, 40, ALNUM);
    // The env of a container the CI job starts; a deploy step's is not.
    let started = format!(
        "jobs:\n  t:\n    steps:\n      - run: |\n          docker run -d \\\n            -e SECRET_KEY={key} \\\n            app:ci\n"
    );
    assert!(scan_file(".github/workflows/ci.yml", &started).is_empty());
    let deploy = format!("jobs:\n  t:\n    steps:\n      - run: ./deploy --secret-key={key}\n        env:\n          SECRET_KEY: {key}\n");
    assert!(!scan_file(".github/workflows/ci.yml", &deploy).is_empty());
    // A line comment that calls the value a stand-in; another comment does not.
    let mock = format!("    api_secret=\"{key}\",  # noqa: mock\n");
    assert!(scan_file("connectors/source.py", &mock).is_empty());
    let rotated = format!("    api_secret=\"{key}\",  # rotated yearly\n");
    assert_eq!(scan_file("connectors/source.py", &rotated).len(), 1);
    // A tile server's key in a map style's URL template.
    let tiles =
        format!("  \"tiles\": [\"https://tiles.maps.io/{{z}}/{{x}}/{{y}}.mvt?api_key={key}\"]\n");
    assert!(scan_file("styles/map.json", &tiles).is_empty());
    assert!(!names::is_secret_name("docsearch_api_key"));
    assert!(!names::is_secret_name("ALGOLIA_SEARCH_ONLY_API_KEY"));
    assert!(names::is_secret_name("ALGOLIA_ADMIN_API_KEY"));
    // An install's seed data by name.
    let hash = format!("pbkdf2_sha256$24000${}", random(541, 44, ALNUM));
    let sql = format!("INSERT INTO auth_user(username, password) VALUES ('admin', '{hash}');\n");
    assert!(stores::detect("arches/db/dml/db_data.sql", &sql).is_none());
    assert!(stores::detect("backup/users.sql", &sql).is_some());
}

#[test]
fn round_53_stack_passwords_that_repeat_its_names() {
    let stack = "POSTGRES_DB=ledgerly\nPOSTGRES_USER=ledgerly\nPOSTGRES_PASSWORD=ledgerly\nMINIO_SECRET_KEY=ledgerly123\n";
    assert!(stores::detect("dockers/.env", stack).is_none());
    // A password of its own still counts, and so does a generated one.
    let own = "POSTGRES_USER=ledgerly\nPOSTGRES_PASSWORD=Tr0mbone-Season\n";
    assert!(stores::detect("dockers/.env", own).is_some());
    let generated = format!(
        "POSTGRES_USER=ledgerly\nPOSTGRES_PASSWORD=ledgerly{}\n",
        random(530, 24, ALNUM)
    );
    assert!(stores::detect("dockers/.env", &generated).is_some());
}

#[test]
fn round_51_samples_introduced_in_the_string() {
    let password = random(510, 12, ALNUM);
    let field =
        format!("<Input placeholder=\"eg: postgresql://user:{password}@db-host.internal\" />\n");
    assert!(scan_file("src/ConnectForm.tsx", &field).is_empty());
    // Without the sample's key, the same URL is a credential.
    let plain = format!("const url = \"postgresql://user:{password}@db-host.internal\";\n");
    assert_eq!(scan_file("src/db.ts", &plain).len(), 1);
}

#[test]
fn round_50_typed_stand_ins_and_anonymous_logins() {
    // A body typed as one unit over and over, in any case; random bodies are not.
    assert!(values::is_placeholder("rk_live_TESTtestTESTtestTESTtest"));
    assert!(values::is_placeholder("abc123abc123abc123"));
    for seed in 500..520 {
        assert!(!values::is_placeholder(&format!(
            "rk_live_{}",
            random(seed, 24, ALNUM)
        )));
    }
    // A stand-in typed to look like an RSA key's base64 (`MOCKKEY…`) decodes to
    // no DER length a key has; a whole key with a random body still fires.
    let mock = format!("MOCKKEY{}", random(501, 340, B64));
    let pem = |body: &str| {
        format!("value = \"-----BEGIN RSA PRIVATE KEY-----\\n{body}\\n-----END RSA PRIVATE KEY-----\\n\"\n")
    };
    assert!(scan_file("tests/test_mask.py", &pem(&mock)).is_empty());
    // An anonymous login is shared with everyone by design.
    assert!(!names::is_secret_name("anonymous_user_password"));
    assert!(names::is_secret_name("admin_user_password"));
}

#[test]
fn round_49_markers_read_only_tokens_doc_blocks_and_dev_stacks() {
    // A marker named for standing in a secret's place.
    let value = random(490, 24, ALNUM);
    assert!(!names::is_secret_name("REDACTED_CREDENTIAL_VALUE"));
    assert!(!names::is_secret_name("masked_password"));
    assert!(names::is_secret_name("CREDENTIAL_VALUE"));
    let marker = format!("export const REDACTED_CREDENTIAL_VALUE = '{value}'\n");
    assert!(scan_file("src/constants.ts", &marker).is_empty());
    // Nx Cloud: a read-only token is committed by design, a read-write one is not.
    let id = "3f9a2c71-6d4e-4b8a-a1c5-7e02d9b4f613";
    let nx = |access: &str| {
        format!(
            "{{\n  \"accessToken\": \"{}\"\n}}\n",
            b64(format!("{id}|{access}"))
        )
    };
    assert!(scan_file("nx.json", &nx("read")).is_empty());
    assert_eq!(scan_file("nx.json", &nx("read-write")).len(), 1);
    // A settings schema's documentation block shows how a setting is written;
    // a config file's block scalar and a nested mapping are still read.
    let key = random(491, 32, HEX);
    let doc = format!(
        "NAPALM_ARGS:\n  details: |-\n    Example:\n\n    ```python\n    ARGS = {{\n        'api_key': '{key}',\n    }}\n    ```\n"
    );
    assert!(scan_file("core/settings.yaml", &doc).is_empty());
    let config = format!("data:\n  app.conf: |\n    [auth]\n    api_key = {key}\n");
    assert_eq!(scan_file("deploy/configmap.yaml", &config).len(), 1);
    let nested = format!("description: |\n  text\nservice:\n  api_key: {key}\n");
    assert_eq!(scan_file("deploy/values.yaml", &nested).len(), 1);
    // A dotenv declaring a development environment: only generated values count.
    let dev = "RAILS_ENV=development\nDB_PASSWORD=app_password\nREDIS_PASSWORD=sidekickin\n";
    assert!(stores::detect(".devstack/.env", dev).is_none());
    let prod = "RAILS_ENV=production\nREDIS_PASSWORD=sidekickin\n";
    assert!(stores::detect(".env", prod).is_some());
    // A Symfony container parameter is resolved at boot: a path, not a secret.
    assert!(values::is_placeholder(
        "%kernel.project_dir%/config/jwt/private.pem"
    ));
    assert!(!values::is_placeholder("Xq%abc.d3f%9zT"));
    assert!(!values::is_placeholder("Xq%ab.cd%9zT"));
    let generated = format!(
        "NODE_ENV=development\nSESSION_SECRET={}\n",
        random(492, 40, ALNUM)
    );
    assert!(stores::detect(".env", &generated).is_some());
}

#[test]
fn round_48_longer_mashes_and_seed_sql() {
    // 24 of 30 letters on the home row: a mash from 20 letters on, not below.
    assert!(values::is_keyboard_mash(
        "kdjsalfkdsajgw83jfslk2qe0-7apsoifjlk"
    ));
    assert!(!values::is_keyboard_mash("kdjsalqwpoiu73"));
    for seed in 480..500 {
        assert!(!values::is_keyboard_mash(&random(seed, 40, ALNUM)));
    }
    // Seed data and a test's SQL hold demo accounts; a dump elsewhere is a store.
    let hash = format!("$2a$10${}", random(481, 53, ALNUM));
    let sql =
        format!("INSERT INTO users (id, username, password) VALUES (1, 'admin', '{hash}');\n");
    assert!(stores::detect("src/main/resources/import.sql", &sql).is_none());
    assert!(stores::detect("src/test/resources/users.sql", &sql).is_none());
    assert!(stores::detect("backup/users.sql", &sql).is_some());
}

#[test]
fn round_47_sample_payloads_ids_and_design_tokens() {
    use context::{path_role, PathRole};
    assert_eq!(
        path_role("webhook-sources/generated/hookdeck-samples.json"),
        PathRole::Test
    );
    assert_eq!(path_role("config.sample.yml"), PathRole::Docs);
    // A token that repeats its record's ID is the ID.
    let id = random(470, 32, HEX);
    let record = format!("  form_id: \"Q7\",\n  token: \"{id}\",\n  response_id: \"{id}\",\n");
    assert!(scan_file("src/forms.ts", &record).is_empty());
    let other = format!(
        "  token: \"{id}\",\n  response_id: \"{}\",\n",
        random(471, 32, HEX)
    );
    assert_eq!(scan_file("src/forms.ts", &other).len(), 1);
    for name in ["cart_token", "version_token"] {
        assert!(!names::is_secret_name(name), "{name}");
    }
    assert!(values::is_placeholder("--color-aiPrompts"));
    assert!(!values::is_placeholder("--Xk29Lm_7Qw"));
}

#[test]
fn round_45_public_web_keys_markers_and_sample_digests() {
    let key = random(450, 32, ALNUM);
    // A comment block above saying the key is public, or that it was taken from
    // the site's frontend, marks a web key; a plain comment does not.
    let public = format!(
        "<?php\n/*\n * This uses the site's own public prod api key,\n * with no rate limit.\n *\n * https://docs.invalid\n */\n$apiKey = '{key}';\n"
    );
    assert!(scan_file("bridges/PhotosBridge.php", &public).is_empty());
    let scraped = format!("// key extracted from the React frontend\nconst API_KEY = '{key}';\n");
    assert!(scan_file("bridges/Scores.php", &scraped).is_empty());
    let plain = format!("// the API key for photos\nconst API_KEY = '{key}';\n");
    assert_eq!(scan_file("bridges/Scores.php", &plain).len(), 1);
    // A Python attribute docstring below says the same.
    let below =
        format!("api_key = \"{key}\"\n\"\"\"\nFallback key, extracted from the website.\n\"\"\"\n");
    assert!(scan_file("engines/photos.py", &below).is_empty());
    let no_doc = format!("api_key = \"{key}\"\n");
    assert_eq!(scan_file("engines/photos.py", &no_doc).len(), 1);
    // `%%NAME%%` markers; the MD5 of "PASSWORD".
    assert!(values::is_placeholder("|||%%PREVJACKPASSWD%%|||"));
    assert!(!values::is_placeholder("x%%ab%%Qz81Lm"));
    assert!(values::is_known_non_secret(
        "319f4d26e3c536b5dd871bb2c52e3178"
    ));
}

#[test]
fn round_44_documented_slack_sample() {
    let sample = format!(
        "xoxb-17653672481-19874698323-{}",
        "pdFZKVeTuE8sk7oOcBrzbqgy"
    );
    assert!(values::is_placeholder(&sample));
    assert!(scan_file(
        "engine/constants/slack_auth.py",
        &format!("TOKEN = \"{sample}\"\n")
    )
    .is_empty());
    // Another token of the same shape still fires.
    let other = format!("xoxb-17653672481-19874698323-{}", random(440, 24, ALNUM));
    assert!(!values::is_placeholder(&other));
    assert_eq!(
        scan_file(
            "engine/constants/slack_auth.py",
            &format!("TOKEN = \"{other}\"\n")
        )
        .len(),
        1
    );
}

#[test]
fn round_43_to_do_markers_and_checksums() {
    assert!(values::is_placeholder("lookup..@TODO"));
    assert!(values::is_placeholder("FIXME-before-deploy"));
    assert!(!names::is_secret_name("secret_checksum"));
    let digest = random(430, 64, HEX);
    let annotation = format!("      annotations:\n        checksum/secret: {digest}\n");
    assert!(scan_file("charts/app/templates/deployment.yaml", &annotation).is_empty());
    // The same digest under a plain secret name is still a generated value.
    let plain = format!("config:\n  secret: {digest}\n");
    assert_eq!(scan_file("charts/app/values.yaml", &plain).len(), 1);
}

#[test]
fn round_42_distinguished_names_are_names() {
    assert!(values::is_known_non_secret(
        "uid=morgan,ou=people,dc=acme,dc=io"
    ));
    assert!(values::is_known_non_secret(
        "CN=svc-backup,OU=Service Accounts,DC=corp,DC=example"
    ));
    assert!(!values::is_known_non_secret("uid=morgan"));
    assert!(!values::is_known_non_secret("pw=Xk2,dc=9"));
    let dn = b64("uid=morgan,ou=people,dc=acme,dc=io");
    let manifest = format!("kind: Secret\ndata:\n  CONSOLE_ACCESS_KEY: {dn}\n");
    assert!(scan_file("examples/tenant/user.yaml", &manifest).is_empty());
    let key = b64(random(420, 32, ALNUM));
    let real = format!("kind: Secret\ndata:\n  CONSOLE_SECRET_KEY: {key}\n");
    assert_eq!(scan_file("deploy/tenant/user.yaml", &real).len(), 1);
}

#[test]
fn round_41_references_salts_walks_and_test_modules() {
    // A prefix glued to a shell variable is code; `pa$SWORD` is no variable.
    assert!(values::is_placeholder("AWS4$AWS_SECRET_ACCESS_KEY"));
    assert!(values::is_placeholder("JDCLOUD2$JD_ACCESS_KEY_SECRET"));
    assert!(!values::is_placeholder("Xk9pa$SWORD_7wq2"));
    // Walks along a keyboard row.
    assert!(values::is_placeholder(
        "akab-mnbvcxzlkjhgfdsapoiuytrewq1234567"
    ));
    assert!(values::is_placeholder("qwertyuiop"));
    for seed in 410..430 {
        assert!(!values::is_placeholder(&random(seed, 32, ALNUM)));
    }
    // Phoenix's salts under any prefix; systemd's file-loaded credentials.
    for name in [
        "cookie_signing_salt",
        "LIVE_VIEW_SIGNING_SALT",
        "LoadCredential",
    ] {
        assert!(!names::is_secret_name(name), "{name}");
    }
    assert!(names::is_secret_name("NONCE_SALT"));
    assert!(names::is_secret_name("SetCredential"));
    // A salt beside its hash is a record's field; a salt alone still fires.
    let salt = random(411, 22, ALNUM);
    let record = format!(
        "  secret_salt: \"{salt}\",\n  secret_hash: \"{}\",\n",
        random(412, 64, HEX)
    );
    assert!(scan_file("priv/repo/seeds.exs", &record).is_empty());
    let alone = format!("define('NONCE_SALT', '{}');\n", random(413, 40, ALNUM));
    assert_eq!(scan_file("wp-config.php", &alone).len(), 1);
    // A Rust unit-test module is a test suite; the code above it is not.
    let secret = random(414, 32, ALNUM);
    let code = format!("const RELAY_SECRET: &str = \"{secret}\";\n");
    let tests = format!("#[cfg(test)]\nmod tests {{\n    {code}}}\n");
    assert_eq!(scan_file("src/relay.rs", &code).len(), 1);
    assert!(scan_file("src/relay.rs", &tests).is_empty());
    assert_eq!(
        scan_file("src/relay.rs", &format!("{code}{tests}")).len(),
        1
    );
}

#[test]
fn round_40_payment_tokens_are_ids() {
    for name in ["paymentToken", "card_token", "ORDER_TOKEN", "checkoutToken"] {
        assert!(!names::is_secret_name(name), "{name}");
    }
    for name in ["payment_api_token", "paymentSecret", "card_api_key"] {
        assert!(names::is_secret_name(name), "{name}");
    }
    let sample = format!("var paymentToken = 'EC-{}';\n", random(40, 17, B32));
    assert!(scan_file("samples/billing/execute.js", &sample).is_empty());
}

#[test]
fn round_38_blocks_mashes_and_ci_ciphertexts() {
    // Counting up in blocks of one char.
    assert!(values::is_placeholder(
        "00001111222233334444555566667777aaaabbbbccccdddd"
    ));
    assert!(!values::is_placeholder(&random(380, 48, HEX)));
    // Letters along the home row; a random value or a digest is not a mash.
    assert!(values::is_keyboard_mash("KjhsdaSDFkj4471930hgfd"));
    assert!(values::is_keyboard_mash("lkjasdfh0921asdfjklhgas"));
    assert!(!values::is_keyboard_mash("asdf1234"));
    assert!(!values::is_keyboard_mash("deadbeefaddfeedfaddad0123456789"));
    for seed in 381..400 {
        assert!(!values::is_keyboard_mash(&random(seed, 24, ALNUM)));
    }
    // One RSA block of base64 is a CI service's ciphertext only where the file
    // declares `secure` values; elsewhere a long generated secret still fires.
    // 256 bytes: one RSA-2048 block (`B64` chars are 64 distinct byte values).
    let block = b64(random(38, 256, B64));
    let travis = format!("CI_SECRET={block}\nBODY='{{\"secure\": \"$(CI_SECRET)\"}}'\n");
    assert!(scan_file("Makefile", &travis).is_empty());
    let plain = format!("CI_SECRET={block}\n");
    assert_eq!(scan_file("Makefile", &plain).len(), 1);
}
