//! Unit tests of the classes found by held-out rounds 126 on and file sample 23
//! (each test names its round).

use super::super::tests::{b64url, random, ALNUM, B64, HEX};
use super::super::*;

#[test]
fn round_126_placeholder_passwords_in_option_files() {
    // ProxySQL's documented admin login and a template's `mypassword`.
    let proxysql = "[client]\nhost=127.0.0.1\nport=6032\nuser=admin\npassword=admin\n";
    assert!(stores::detect("helm/files/my.cnf", proxysql).is_none());
    assert!(stores::detect("includes/my.cnf", "[client]\npassword=mypassword\n").is_none());
    let generated = format!(
        "[client]\nuser=backup\npassword={}\n",
        random(1261, 20, ALNUM)
    );
    assert!(stores::detect("includes/my.cnf", &generated).is_some());
    // Leetspeak words, a last leet digit read as a letter.
    assert!(values::is_placeholder("s0up3rs3cre7"));
    assert!(values::is_placeholder("cHangeRC0nPasswOrD"));
    assert!(!values::is_placeholder(&random(1262, 12, ALNUM)));
}

#[test]
fn round_127_markers_names_and_kms_keys() {
    assert!(values::is_placeholder("@@FD_PASSWORD@@"));
    assert!(values::is_placeholder("@@MON_FD_PASSWORD@@"));
    // Microsoft's published KMS client keys; another key of the same shape fires.
    assert!(values::is_placeholder("WC2BQ-8NRM3-FDDYY-2BFGV-KHKQY"));
    let licence = |key: &str| format!("$editions = @{{\n    \"licenseKey\" = \"{key}\"\n}}\n");
    assert!(scan_file(
        "build/upgrade.ps1",
        &licence("VDYBN-27WPP-V4HQT-9VMD4-VMK7H")
    )
    .is_empty());
    assert_eq!(
        scan_file(
            "build/upgrade.ps1",
            &licence("7QK2M-XR9TD-HV4WB-3JC8F-P6NYG")
        )
        .len(),
        1
    );
    // A value that reorders the setting's words.
    let cw = |value: &str| format!("$CWApiKeyPrivate = \"{value}\"\n");
    assert!(scan_file("scripts/lookup.ps1", &cw("CwPrivateKey")).is_empty());
    assert_eq!(
        scan_file("scripts/lookup.ps1", &cw(&random(1271, 24, ALNUM))).len(),
        1
    );
}

#[test]
fn round_128_local_service_keys_references_and_alphabet_runs() {
    let key = "3f9c2a7d1e8b4c6a9d0e5f7a2b4c8d1e";
    let job = |url: &str| {
        format!(
            "jobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          curl {url}/admin/routes/1 \\\n          -H 'X-API-KEY: {key}' -X PUT\n"
        )
    };
    // The CI job's request to the server it started on the runner.
    assert!(scan_file(".github/workflows/test.yml", &job("http://127.0.0.1:9180")).is_empty());
    // The same key sent to a remote host is a credential.
    assert_eq!(
        scan_file(
            ".github/workflows/test.yml",
            &job("https://gateway.acme-corp.io")
        )
        .len(),
        1
    );
    assert!(values::is_reference_literal(
        "credentialsJSON:a43b4956-2b9e-457c-bf3c-6e04db2adc38"
    ));
    // Letters and digits that count up, the letters wrapping from `Z` to `A`.
    assert!(values::has_counting_run(
        "1ABC2DEF3GHI4JKL5MNO6PQR7STU8VWX9YZA"
    ));
    assert!(!values::has_counting_run(&random(1282, 36, ALNUM)));
    let readme = |token: &str| format!("    export CPANEL_APITOKEN='{token}'\n");
    assert!(scan_file("README", &readme("1ABC2DEF3GHI4JKL5MNO6PQR7STU8VWX9YZA")).is_empty());
    assert_eq!(
        scan_file("README", &readme(&random(1283, 36, ALNUM))).len(),
        1
    );
}

#[test]
fn round_129_lab_password_and_seed_rows() {
    assert!(values::is_placeholder("LS1setup!"));
    assert!(values::is_placeholder("LS1setup!LS1setup!"));
    // Seed rows sharing one demo hash; a dump whose users have their own.
    let rows = |hashes: &[String]| {
        let mut sql = String::from("CREATE TABLE `users` (`name` text, `password` text);\n");
        for (i, h) in hashes.iter().enumerate() {
            sql.push_str(&format!(
                "INSERT INTO `users` (`name`, `password`) VALUES ('u{i}', '{h}');\n"
            ));
        }
        sql
    };
    let shared = random(1291, 64, HEX);
    let mut seed = vec![shared; 6];
    seed.push(random(1292, 64, HEX));
    assert!(stores::detect("database/database.sql", &rows(&seed)).is_none());
    let own: Vec<String> = (0..7).map(|i| random(1293 + i, 64, HEX)).collect();
    assert!(stores::detect("database/database.sql", &rows(&own)).is_some());
    // A test database's setup, by name.
    assert!(stores::detect("turndb/testsqldbsetup.sql", &rows(&own)).is_none());
}

#[test]
fn round_130_person_records_embed_keys_and_storefront_tokens() {
    let person = |i: usize| {
        format!(
            "  {{\n    \"firstName\": \"Name{i}\",\n    \"email\": \"user{i}@x.example\",\n    \"phone\": \"+1 555 0100\",\n    \"password\": \"{}\",\n    \"birthDate\": \"1990-01-0{i}\"\n  }}",
            random(1300 + i as u64, 12, ALNUM)
        )
    };
    let list: Vec<String> = (1..=3).map(person).collect();
    let users = format!("[\n{}\n]\n", list.join(",\n"));
    assert!(scan_file("lib/original_data.jsonc", &users).is_empty());
    // One account in a bot's config is a login.
    let account = format!(
        "[\n  {{\n    \"name\": \"idler\",\n    \"password\": \"{}\",\n    \"games\": [730]\n  }}\n]\n",
        random(1304, 12, ALNUM)
    );
    assert_eq!(scan_file("config/accounts.json", &account).len(), 1);
    // A JWT naming only an account (a widget's embed key); one naming a user fires.
    let token = |payload: &str| {
        format!(
            "{}.{}.{}",
            b64url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"),
            b64url(payload),
            random(1305, 43, ALNUM)
        )
    };
    let page = |payload: &str| {
        format!(
            "provesrc.init({{apiKey:\"{}\",v:\"0.0.4\"}});\n",
            token(payload)
        )
    };
    let account_only = "{\"accountId\":\"61e4ef65b9399e2fd6269948\",\"iat\":1642393445}";
    assert!(scan_file("pages/_app.tsx", &page(account_only)).is_empty());
    let user = "{\"accountId\":\"61e4ef65b9399e2fd6269948\",\"userId\":\"42\",\"iat\":1642393445}";
    assert_eq!(scan_file("pages/_app.tsx", &page(user)).len(), 1);
    // Shopify's Storefront token; the Admin API's is a secret.
    let shop = |path: &str| {
        format!(
            "{{\n  \"apiToken\": \"{}\",\n  \"apiEndpoint\": \"https://demo.myshopify.com/{path}\"\n}}\n",
            random(1306, 32, HEX)
        )
    };
    assert!(scan_file("contentful/model.json", &shop("api/graphql")).is_empty());
    assert_eq!(
        scan_file("contentful/model.json", &shop("admin/api/graphql")).len(),
        1
    );
}

#[test]
fn round_131_nix_examples_markers_and_denominations() {
    let hmac = format!("{}${}", random(1311, 30, HEX), random(1312, 64, HEX));
    let example = format!(
        "users = mkOption {{\n  example = {{\n    alice.passwordHMAC = \"{hmac}\";\n  }};\n}};\n"
    );
    assert!(scan_file("modules/liquid.nix", &example).is_empty());
    let set = format!("services.liquidd.rpc.users = {{\n  alice.passwordHMAC = \"{hmac}\";\n}};\n");
    assert_eq!(scan_file("hosts/node.nix", &set).len(), 1);
    assert!(values::is_placeholder("@btcRpcPassword@"));
    assert!(!values::is_placeholder(&format!(
        "@{}@",
        random(1313, 16, ALNUM)
    )));
    assert!(values::is_reference_literal(
        "ibc/C053D637CCA2A2BA030E2C5EE1B28A16F71CCB0E45E8BE52766DC1B241B77878"
    ));
    assert!(values::is_placeholder(&format!(
        "thunderhub-$2b$12${}thisisgarbage",
        random(1314, 22, B64)
    )));
    // A path under a secret name in a dotenv is where the credential is kept.
    let env = "SOLANA_METRICS_CONFIG={{ metrics }}\nGOOGLE_APPLICATION_CREDENTIALS=/home/solana/bigtable.json\n";
    assert!(stores::detect("templates/solana-rpc.env", env).is_none());
}

#[test]
fn file_sample_23_name_then_date_passwords() {
    assert!(is_chosen_by_a_person("Arief/21072001"));
    let config = |password: &str| {
        format!(
            "{{\n  \"development\": {{\n    \"username\": \"postgres\",\n    \"password\": \"{password}\",\n    \"host\": \"127.0.0.1\"\n  }}\n}}\n"
        )
    };
    assert!(scan_file("config/database.json", &config("Arief/21072001")).is_empty());
    assert_eq!(
        scan_file("config/database.json", &config(&random(1231, 20, ALNUM))).len(),
        1
    );
}

#[test]
fn round_132_staticman_encrypted_values() {
    // One RSA block (256 bytes) under a reCAPTCHA setting: Staticman's encrypted
    // form. A 40-character secret there is the plain one.
    let block = super::super::tests::b64(random(1321, 256, ALNUM));
    let config =
        |secret: &str| format!("reCaptcha:\n  siteKey: \"6LcAbc\"\n  secret: \"{secret}\"\n");
    assert!(scan_file("_config.yml", &config(&block)).is_empty());
    assert_eq!(
        scan_file("_config.yml", &config(&random(1322, 40, ALNUM))).len(),
        1
    );
}

#[test]
fn round_133_standard_test_vectors() {
    // TS 33.501 Annex C.4's home-network keys; another key of the same shape fires.
    let suci =
        |key: &str| format!("SuciProfile:\n  - ProtectionScheme: 1\n    PrivateKey: {key}\n");
    assert!(scan_file(
        "config/udmcfg.yaml",
        &suci("c53c22208b61860b06c62e5406a7b330c2b577aa5558981510d128247d38bd1d")
    )
    .is_empty());
    assert_eq!(
        scan_file("config/udmcfg.yaml", &suci(&random(1331, 64, HEX))).len(),
        1
    );
}

#[test]
fn round_134_key_file_names_built_from_variables() {
    let script = |value: &str| format!("LOCAL_PRIVATE_KEY={value}\n");
    assert!(scan_file(
        "scripts/decrypt.sh",
        &script("logs-rsa-private-$ENVIRONMENT.pem")
    )
    .is_empty());
    assert_eq!(
        scan_file("scripts/decrypt.sh", &script(&random(1341, 33, ALNUM))).len(),
        1
    );
}

#[test]
fn round_135_documented_default_in_a_password_file() {
    let hash = format!("admin:$2y$10${}\n", random(1351, 53, ALNUM));
    let documented = format!("# default is admin:openmu, hashed with bcrypt.\n# Change these passwords in production!\n{hash}");
    assert!(stores::detect("deploy/.htpasswd", &documented).is_none());
    // A note that only says what the file is does not make it a default.
    let noted = format!("# passwords for the admin panel\n{hash}");
    assert!(stores::detect("deploy/.htpasswd", &noted).is_some());
}

#[test]
fn file_sample_26_yesod_environment_lookups() {
    // The lookup's default is judged on its own: the app's name is a dev default,
    // a generated default still fires.
    assert!(values::is_placeholder("_env:YESOD_PGPASS:rentier"));
    let settings =
        |default: &str| format!("database:\n  password: \"_env:YESOD_PGPASS:{default}\"\n");
    assert!(scan_file("config/settings.yml", &settings("rentier")).is_empty());
    assert_eq!(
        scan_file("config/settings.yml", &settings(&random(1261, 24, ALNUM))).len(),
        1
    );
}

#[test]
fn sql_server_batches_end_at_go() {
    // SQL Server scripts end statements with `GO`: the admin row's one hash is
    // what the insert holds, not every hex value further down the script.
    let admin = random(1361, 64, HEX);
    let mut script = format!(
        "CREATE TABLE sj_system_user (username nvarchar(64), password nvarchar(128))\nGO\nINSERT INTO sj_system_user(username, password) VALUES (N'admin', N'{admin}')\nGO\n"
    );
    for i in 0..10 {
        script.push_str(&format!(
            "INSERT INTO sj_job(id, namespace_id) VALUES ({i}, N'{}')\nGO\n",
            random(1362 + i, 32, HEX)
        ));
    }
    assert!(stores::detect("script/sql/sqlserver/job_sqlserver.sql", &script).is_none());
    // A GO-separated dump of users with their own hashes still counts.
    let mut dump = String::new();
    for i in 0..6 {
        dump.push_str(&format!(
            "INSERT INTO users(username, password) VALUES (N'u{i}', N'{}')\nGO\n",
            random(1363 + i, 64, HEX)
        ));
    }
    assert!(stores::detect("backup/users.sql", &dump).is_some());
}
