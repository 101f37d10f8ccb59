//! Unit tests of the classes found by held-out rounds 117 on (each test names
//! its round).

use super::super::tests::{random, ALNUM, HEX};
use super::super::*;

#[test]
fn round_117_network_image_defaults() {
    // containerlab's and vrnetlab's published logins, SuzieQ's default API key.
    for default in ["CiscoAsa1!", "NokiaSrl1!", "NokiaSros1!"] {
        assert!(values::is_placeholder(default), "{default}");
    }
    let suzieq = |key: &str| format!("rest:\n  API_KEY: {key}\n  port: 8000\n");
    assert!(scan_file(
        "netsim/tools/suzieq/suzieq-cfg.yml",
        &suzieq("496157e6e869ef7f3d6ecb24a6f6d847b224ee4f")
    )
    .is_empty());
    assert_eq!(
        scan_file(
            "netsim/tools/suzieq/suzieq-cfg.yml",
            &suzieq(&random(1171, 40, HEX))
        )
        .len(),
        1
    );
}

#[test]
fn round_118_replace_tokens_and_digest_notes() {
    // Azure DevOps' replace-tokens markers, alone or before a path.
    assert!(values::is_placeholder(
        "__AP_DFE_ProviderViewOnlyPassword__"
    ));
    assert!(values::is_placeholder("__RAA_Api_Emp_Key__"));
    assert!(values::is_placeholder("__TMP__/ca.key"));
    assert!(!values::is_placeholder(&format!(
        "__{}__",
        random(1181, 24, ALNUM)
    )));
    // An MD5 digest its note calls a password's hash; without the note the same
    // line fires. In a log line of an XML comment, a password's digest is shown.
    let digest = "3f9c1a7b5e2d4c6a8b0e1f3a5c7d9e2b";
    let logged = format!("  <!-- [error] usercookie[password]={digest}; -->\n");
    assert!(scan_file("etc/rules/apache_rules.xml", &logged).is_empty());
    let setting =
        |note: &str| format!("admin_username = smppsadmin\n{note}admin_password = {digest}\n");
    let noted = setting("# This is a MD5 password digest hex encoded\n");
    assert!(scan_file("misc/config/jasmin.cfg", &noted).is_empty());
    assert_eq!(scan_file("misc/config/jasmin.cfg", &setting("")).len(), 1);
    // A note about hashing with a key heads a key, not a digest.
    let keyed = setting("# HMAC key used to hash session passwords\n");
    assert_eq!(scan_file("misc/config/jasmin.cfg", &keyed).len(), 1);
}

#[test]
fn round_119_state_tokens_examples_methods_and_patterns() {
    // A conversation's continuation token in a recorded response.
    let token = random(1191, 71, ALNUM);
    let response = format!("{{\n  \"assistToken\": \"{token}\"\n}}\n");
    assert!(scan_file("backend/raw_response.json", &response).is_empty());
    let api = format!("{{\n  \"apiToken\": \"{token}\"\n}}\n");
    assert_eq!(scan_file("backend/raw_response.json", &api).len(), 1);
    // A commented value under an `# Example:` heading of an option reference.
    let secret = random(1192, 40, HEX);
    let example = format!("# OIDC client secret\n# Example:\n#     oidc_client_secret: {secret}\n");
    assert!(scan_file("share/ood_portal_example.yml", &example).is_empty());
    let commented = format!("# OIDC client secret\n#     oidc_client_secret: {secret}\n");
    assert_eq!(
        scan_file("share/ood_portal_example.yml", &commented).len(),
        1
    );
    // An authentication method's name and a validation pattern.
    assert!(scan_file(
        "scripts/env-data.sh",
        "PASSWORD_AUTHENTICATION=\"scram-sha-256\"\n"
    )
    .is_empty());
    assert!(values::is_known_non_secret("/^.{5,60}$/"));
    assert!(values::is_known_non_secret("^[A-Za-z0-9]{8,}$"));
    assert!(!values::is_known_non_secret("^Pa55word$"));
    // A compose project's env of typed defaults; a generated one still counts.
    let env = |password: &str| {
        format!("COMPOSE_PROJECT_NAME=kartozageoserver\nGEOSERVER_ADMIN_PASSWORD={password}\n")
    };
    assert!(stores::detect(".env", &env("myawesomegeoserver")).is_none());
    assert!(stores::detect(".env", &env(&random(1193, 24, ALNUM))).is_some());
}

#[test]
fn round_121_hashes_key_ids_and_stand_ins() {
    // rspamd's controller password hash (`rspamadm pw`).
    let base32 = "ybndrfg8ejkmcpqxot1uwisza345h769";
    let hash = format!(
        "$2${}${}",
        random(1211, 32, base32),
        random(1212, 52, base32)
    );
    assert!(values::is_known_non_secret(&hash));
    // A sentence in a login's place.
    assert!(values::is_placeholder(
        "unused-authenticationMethod-is-external"
    ));
    // Git's signing key setting names a GPG key by its ID.
    let git = |id: &str| format!("[user]\n  name = Someone\n\tsigningKey = {id}\n");
    assert!(scan_file("home/dot_config/git/config", &git("19A52622B91D5DE3")).is_empty());
    assert_eq!(
        scan_file("home/dot_config/git/config", &git(&random(1213, 24, ALNUM))).len(),
        1
    );
    // An S3-style access key ID alone names the key; beside its secret it fires.
    let id = "HF1WMN5WE8Y1F05KEQRAO";
    let alone = format!("locals {{\n  seaweedfs_access_key = \"{id}\"\n}}\n");
    assert!(scan_file("terraform/_variables.tf", &alone).is_empty());
    let pair = format!(
        "locals {{\n  seaweedfs_access_key = \"{id}\"\n  seaweedfs_secret_key = \"{}\"\n}}\n",
        random(1214, 40, ALNUM)
    );
    assert_eq!(scan_file("terraform/_variables.tf", &pair).len(), 2);
}

#[test]
fn round_122_ciphers_ciphertexts_digests_and_ci_test_keys() {
    // A cipher's name, PGP ciphertext, a docs sample that says so.
    assert!(values::is_known_non_secret("aes-256-cfb"));
    assert!(values::is_known_non_secret("chacha20-ietf-poly1305"));
    let pgp = format!("wcFMA/xDdHCJBTolAQ/8{}", random(1221, 400, ALNUM));
    assert!(values::is_known_non_secret(&pgp));
    assert!(!values::is_known_non_secret(&format!(
        "wcFMA{}",
        random(1222, 40, ALNUM)
    )));
    assert!(values::is_placeholder(
        "Abd13Kf+sfAk2DzifjafldkThisIsNotARealKeyOMG."
    ));
    assert!(values::is_placeholder("thisisaverylongtoken=TestProvince"));
    // A password's digest under a name that says which hash.
    let digest = random(1223, 64, HEX);
    assert!(scan_file(
        "graylog/defaults.env.conf",
        &format!("GRAYLOG_SHA256_PASSWORD={digest}\n")
    )
    .is_empty());
    assert_eq!(
        scan_file(
            "graylog/defaults.env.conf",
            &format!("GRAYLOG_PASSWORD_SECRET={digest}\n")
        )
        .len(),
        1
    );
    // A test-only pipeline's app signing key; a deploying one still fires.
    let key = random(1224, 128, HEX);
    let travis = format!(
        "language: ruby\nenv:\n  global:\n    - APP_SECRET_TOKEN={key}\nscript: bundle exec rake\n"
    );
    assert!(scan_file(".travis.yml", &travis).is_empty());
    let deploying = format!("{travis}deploy:\n  provider: heroku\n");
    assert_eq!(scan_file(".travis.yml", &deploying).len(), 1);
    // A compose folder's env of typed passwords; a generated one still counts.
    let env = |password: &str| format!("POSTGRES_PASSWORD={password}\nPOSTGRES_PORT=5432\n");
    assert!(stores::detect("compose/config/db/.env", &env("ckan")).is_none());
    assert!(stores::detect("compose/config/db/.env", &env(&random(1225, 20, ALNUM))).is_some());
}

#[test]
fn round_123_macros_ci_services_and_replace_notes() {
    // An Erlang macro in a map.
    assert!(scan_file(
        "apps/bridge/src/client.erl",
        "        token_table => ?TOKEN_TAB,\n        password => ?REDACT_VAL,\n"
    )
    .is_empty());
    // The services a CI run starts, configured under `.ci/`; its scripts are not.
    assert_eq!(
        context::path_role(".ci/docker-compose-file/nats/nats-jwt.conf"),
        context::PathRole::Test
    );
    assert_eq!(
        context::path_role(".ci/scripts/deploy.sh"),
        context::PathRole::Code
    );
    assert_eq!(
        context::path_role("Docker-env-testing/default.yml"),
        context::PathRole::Test
    );
    // A token the comment block above asks the reader to update to their own.
    let token = random(1231, 26, ALNUM);
    let compose = format!(
        "    environment:\n      # You will need to update BOT_TOKEN to match the\n      # token generated in your Mattermost server\n      - BOT_TOKEN={token}\n"
    );
    assert!(scan_file("compose.yaml", &compose).is_empty());
}

#[test]
fn round_118_attribute_names_logins_mail_and_code() {
    // An attribute the setting maps to; a password of letters is not one.
    assert!(scan_file(
        "etc/raddb/mods-available/ldap",
        "\t\t\tipaddr\t\t\t\t= 'radiusClientIdentifier'\n\t\t\tsecret\t\t\t\t= 'radiusClientSecret'\n"
    )
    .is_empty());
    // An SQL login's password made of the login's name; a generated one fires.
    let login =
        |password: &str| format!("CREATE LOGIN readonly_user WITH PASSWORD = '{password}';\n");
    assert!(scan_file("docker/sqlserver/setup.sh", &login("ReadOnly123!")).is_empty());
    assert_eq!(
        scan_file(
            "docker/sqlserver/setup.sh",
            &login(&random(1183, 16, ALNUM))
        )
        .len(),
        1
    );
    // A login quoted in an e-mail message kept as data.
    let body = "Your ID and password:\nUserID:\texquisitus\nPassword:\tflinder1f7\n";
    let mail = format!(
        "To:\tsomeone@example.org\nSubject: Registration\nFrom: admin@example.org\nMessage-Id: <1@example.org>\n\n{body}"
    );
    assert!(scan_file("data/public/mime/email03/10", &mail).is_empty());
    // Code between two string pieces; a CI test script by its name.
    assert!(values::is_placeholder(").append(account.Password).append("));
    assert_eq!(
        context::path_role("v2/scripts/ci/integration-test.sh"),
        context::PathRole::Test
    );
    assert_eq!(
        context::path_role(".github/workflows/integration-test.yml"),
        context::PathRole::Code
    );
    // A chart's defaults file is a sample to override.
    assert_eq!(
        context::path_role("infra/k8s/values.default.yaml"),
        context::PathRole::Docs
    );
    assert_eq!(
        context::path_role("config/default.json"),
        context::PathRole::Code
    );
}

#[test]
fn round_124_firebase_database_urls() {
    // A Firebase web key beside its Realtime Database URL in a region; beside
    // another host it still fires.
    let key = format!("AIza{}", random(1241, 35, ALNUM));
    let config = |host: &str| {
        format!("export const FIREBASE_DOMAIN =\n  \"https://{host}/\";\nexport const FIREBASE_APIKEY = \"{key}\";\n")
    };
    assert!(scan_file(
        "src/config.js",
        &config("app-1a2b3-default-rtdb.europe-west1.firebasedatabase.app")
    )
    .is_empty());
    assert_eq!(
        scan_file("src/config.js", &config("api.shop-acme.io")).len(),
        1
    );
}
