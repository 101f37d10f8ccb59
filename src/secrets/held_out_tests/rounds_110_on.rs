//! Unit tests of the classes found by held-out rounds 110 on (each test names
//! its round).

use super::super::tests::{b64url, random, ALNUM, HEX};
use super::super::*;

#[test]
fn round_110_push_addresses_sequences_login_repeats_and_product_phrases() {
    // A Firebase Cloud Messaging registration token addresses one app install; a
    // legacy server key (`AAAA` and 7 more before the colon) sends to it.
    let body = format!("{}-{}", random(1101, 70, ALNUM), random(1102, 60, ALNUM));
    let device = format!("{}:APA91b{body}", random(1103, 22, ALNUM));
    assert!(values::is_known_non_secret(&device));
    let server = format!("AAAA{}:APA91b{body}", random(1104, 7, ALNUM));
    assert!(!values::is_known_non_secret(&server));
    // A letter run then a digit run, in any case.
    assert!(values::is_placeholder("Abcd1234!"));
    // A Kubernetes Secret whose password repeats its username (a comment after it).
    let secret = "kind: Secret\ndata:\n  username: a2liYW5hc2VydmVy  # \"kibanaserver\"\n  password: a2liYW5hc2VydmVy  # \"kibanaserver\"\n";
    assert!(scan_file("wazuh/secrets/cred.yaml", secret).is_empty());
    // A demo's API user named after the product, then words; generated fires.
    let puppet = |password: &str| {
        format!("  api_users => {{\n    'icingaweb2' => {{\n      password => '{password}',\n    }}\n  }}\n")
    };
    let path = "manifests/icinga/icinga2.pp";
    assert!(scan_file(path, &puppet("icingaweb2apitransport")).is_empty());
    assert_eq!(scan_file(path, &puppet(&random(1105, 20, ALNUM))).len(), 1);
}

#[test]
fn round_111_jaas_logins_tokens_stores_and_minio() {
    // A JAAS line whose password is its username (continued by backslashes).
    let jaas = |password: &str| {
        format!("      SASL_JAAS_CONFIG: |\n              org.apache.kafka.common.security.plain.PlainLoginModule required \\\n              username=\"connectAdmin\" \\\n              password=\"{password}\";\n")
    };
    assert!(scan_file("docker-compose.yml", &jaas("connectAdmin")).is_empty());
    assert_eq!(
        scan_file("docker-compose.yml", &jaas(&random(1111, 20, ALNUM))).len(),
        1
    );
    // WebLogic Deploy Tooling's property tokens.
    assert!(values::is_reference_literal("@@PROP:ADMIN_USER_PASS@@"));
    assert!(values::is_reference_literal("@@SECRET:db:password@@"));
    // A user store's password slot in capitals; a real one still fires.
    let users = |password: &str| {
        format!("<tomcat-users>\n  <user username=\"admin\" password=\"{password}\" roles=\"manager-gui\"/>\n</tomcat-users>\n")
    };
    assert!(stores::detect("conf/tomcat-users.xml", &users("PASSWORD")).is_none());
    assert!(stores::detect("conf/tomcat-users.xml", &users(&random(1112, 16, ALNUM))).is_some());
    // MinIO's `minio`/`minio123` in an AWS credentials file; a generated secret fires.
    let credentials = |secret: &str| {
        format!("[default]\naws_access_key_id = minio\naws_secret_access_key = {secret}\n")
    };
    assert!(stores::detect("minio/aws/credentials", &credentials("minio123")).is_none());
    assert!(stores::detect(
        "minio/aws/credentials",
        &credentials(&random(1113, 40, ALNUM))
    )
    .is_some());
}

#[test]
fn round_112_test_classes_notes_named_credentials_and_typed_bodies() {
    // Apex, PHPUnit and XCTest classes are tests; `latest.php` is not.
    let made_up = "Client_Secret__c = '5fc57ea1-0816';\n";
    assert!(scan_file(
        "force-app/main/default/classes/SalesDashboardTest.cls",
        made_up
    )
    .is_empty());
    assert_eq!(
        context::path_role("src/UserServiceTest.php"),
        context::PathRole::Test
    );
    assert_eq!(
        context::path_role("src/latest.php"),
        context::PathRole::Code
    );
    // A sample the comment above calls one; without the note it fires.
    let webhook = format!(
        "var api = \"https://chat.googleapis.com/v1/spaces/AAAAB3/messages?token={}\";\n",
        random(1121, 33, ALNUM)
    );
    let noted = format!("// gchat_webhook_api defined below is sample one.\n{webhook}");
    assert!(scan_file("send.js", &noted).is_empty());
    assert_eq!(scan_file("send.js", &webhook).len(), 1);
    // A note that the real secret lives in production.
    assert!(values::is_placeholder("somethingElseInProd"));
    // A Salesforce Named Credential's name.
    assert!(!is_secret_name("DEFAULT_NAMED_CREDENTIAL"));
    // A provider prefix then a typed run.
    assert!(values::is_placeholder("nhu_aaabbbccc123"));
    assert!(!values::is_placeholder(&format!(
        "nhu_{}",
        random(1122, 24, ALNUM)
    )));
}

#[test]
fn round_113_key_tokens_node_paths_and_arm_expressions() {
    // A .NET public key token beside its public key; the same hex alone as a token fires.
    let map = format!(
        "<map Token=\"b77a5c561934e089\" PublicKey=\"{}\" />\n",
        random(1131, 160, HEX)
    );
    assert!(scan_file("etc/mono/4.5/machine.config", &map).is_empty());
    assert_eq!(
        scan_file(
            "app.config",
            "<add key=\"Token\" Token=\"b77a5c561934e089\" />\n"
        )
        .len(),
        1
    );
    // A Maps key in a page still fires, as earlier rounds judged.
    let key = format!("AIza{}", random(1132, 35, ALNUM));
    let script =
        format!("<script src=\"https://maps.googleapis.com/maps/api/js?key={key}\"></script>\n");
    assert_eq!(scan_file("src/index.html", &script).len(), 1);
    // GDScript reading a node's text.
    assert!(scan_file(
        "Authentication.gd",
        "\tvar password = %PasswordLineEdit.text\n"
    )
    .is_empty());
    // An ARM expression after the literal part of a connection string.
    let arm = "\"value\": \"[concat('DefaultEndpointsProtocol=https;AccountName=',parameters('name'),';AccountKey=',listKeys(resourceId('Microsoft.Storage/storageAccounts', parameters('name')), '2019-06-01').keys[0].value)]\"\n";
    assert!(scan_file("templates/functionapp.json", arm).is_empty());
}

#[test]
fn round_114_sandbox_keys_user_rows_and_local_urls() {
    // MoMo's published sandbox keys.
    assert!(values::is_placeholder("K951B6PE1waDMi640xX08PD3vg6EkVlz"));
    // A users row written with a hex digest beside its user name; a digest alone fires.
    let digest = random(1141, 32, HEX);
    let row = format!(
        "D(\"User\")->add(array('username' => \"showdoc\", 'password' => \"{digest}\"));\n"
    );
    assert!(scan_file("server/Model/UpdateModel.class.php", &row).is_empty());
    let alone = format!("$config = array('password' => \"{digest}\");\n");
    assert_eq!(scan_file("server/config.php", &alone).len(), 1);
    // A typed password in a URL to the local host on its own line.
    let local = "  Sequel.connect(\"#{adapters[:mssql]}://localhost/app_test#{sep || '?'}user=app_test#{sep || '&'}password=Rodauth1.\") do |db|\n";
    assert!(scan_file("Rakefile", local).is_empty());
    // A word opening a typed password for the stack's own database.
    let compose = |password: &str| {
        format!("services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: {password}\n")
    };
    assert!(scan_file("docker-compose.yml", &compose("project7162wkfgmk")).is_empty());
    assert_eq!(
        scan_file("docker-compose.yml", &compose(&random(1143, 17, ALNUM))).len(),
        1
    );
}

#[test]
fn round_115_product_defaults_markers_and_format_notes() {
    // Published defaults of self-hosted products (Dify, LibreChat, the Gitea chart).
    for v in [
        "sk-9f73s3ljTXVcMT3Blb3ljTqtsKiGHXVcMT3BlbkFJLK7U",
        "16f8c0ef4a5d391b26034086c628469d3f9f497f08163ab9b40137092f2909ef",
        "r8sA8CPHD9!bt6d",
        // Plane's and Infisical's, found when checking the list against public code.
        "60gp0byfz2dvffa45cxl20p1scy9xbpf6d8c5y0geejgkyp1b5",
        "5lrMXKKWCVocS/uerPsl7V+TX/aaUaI7iDkgl3tSmLE=",
    ] {
        assert!(values::is_placeholder(v), "{v}");
    }
    // Cloudron's start-script markers; an instruction in CamelCase; a leet setting name.
    assert!(values::is_placeholder("##MAIL_SMTP_PASSWORD##"));
    assert!(values::is_placeholder("SomeRandomStringOf32CharsExactly"));
    assert!(values::is_placeholder("W3bh00kS3cret!2025"));
    // A commented format example under a note that says so; without it, it fires.
    let example = format!("  # api_key = {}\n", random(1151, 31, ALNUM));
    let noted = format!("  # export SABNZBD_API_KEY, which has the format:\n{example}");
    assert!(scan_file("lidarr/exports.sh", &noted).is_empty());
    assert_eq!(scan_file("lidarr/exports.sh", &example).len(), 1);
}

#[test]
fn round_116_app_keys_push_keys_xor_and_compose_by_content() {
    // RevenueCat's public SDK key; a secret `sk_` key of RevenueCat still is one.
    assert!(values::is_known_non_secret(&format!(
        "appl_{}",
        random(1161, 27, ALNUM)
    )));
    // A Web Push subscription's public key (65 bytes opening with 0x04).
    let point = format!("\u{4}{}", random(1163, 64, HEX));
    let p256dh = b64url(&point);
    assert!(values::is_known_non_secret(&p256dh));
    // Liberty's `{xor}` of a placeholder word.
    let xml = "<user name=\"user3\" password=\"{xor}Lz4sLCgwLTs=\" />\n";
    assert!(scan_file("src/main/liberty/server.xml", xml).is_empty());
    // A JHipster compose file named for its service is a compose file.
    let jhipster = "services:\n  app-postgresql:\n    image: postgres:14.5\n    environment:\n      - POSTGRES_PASSWORD=21points\n";
    assert!(scan_file("src/main/docker/postgresql.yml", jhipster).is_empty());
    assert!(values::is_placeholder("nonemptypassword"));
}
