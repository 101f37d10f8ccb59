//! Unit tests of the classes found by held-out rounds 90 on (each test names
//! its round).

use super::super::tests::{b64, b64url, random, ALNUM, B64, HEX};
use super::super::*;

#[test]
fn round_96_key_names_lookups_stand_in_labels_and_local_stacks() {
    // An ExternalSecret's key names; a `secretKey` holding a value still fires.
    let mapping = "  data:\n    - secretKey: fsn1C02ResticPassword\n      remoteRef:\n        key: /backups\n";
    assert!(scan_file("external-secret.yaml", mapping).is_empty());
    // Where a value comes from, or where to look for a token.
    assert!(!names::is_secret_name("envFromSecret"));
    assert!(names::is_secret_name("smtp_from_password_x_secret"));
    assert!(!names::is_secret_name("TokenLookup"));
    // A PEM label that says it is no key.
    let mut der = vec![0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00];
    der.extend(random(960, 1185, B64).bytes());
    let body = b64(&der);
    let label = |label: &str| format!("-----BEGIN {label}-----\n{body}\n-----END {label}-----\n");
    assert!(scan_file("notes.txt", &label("THIS IS NOT A REAL PRIVATE KEY")).is_empty());
    assert_eq!(scan_file("notes.txt", &label("RSA PRIVATE KEY")).len(), 1);
    // A placeholder that says to fill it in.
    assert!(values::is_placeholder("FillInCorrectPassword"));
    // `_dev/` holds a local development stack.
    assert_eq!(
        context::path_role("_dev/docker-compose.yml"),
        context::PathRole::Test
    );
    // A development dotenv's typed values, for SEC001 as for SEC005; a generated
    // one still fires.
    let dev = "NODE_ENV=development\n\n\n\n\nADMIN_PASSWORD=Shopper987!\n";
    assert!(scan_file("server/.env", dev).is_empty());
    let generated = format!(
        "NODE_ENV=development\nJWT_SECRET={}\n",
        random(961, 32, ALNUM)
    );
    assert_eq!(scan_file("server/.env", &generated).len(), 1);
    // A half-filled template is no development stack: its random 16-char password
    // (too short for SEC005's generated test) still fires as SEC001.
    let template = format!(
        "SMTP_KEY=TODOCHANGE\nGH_TOKEN=<github_token>\nDB_PASSWORD={}\n",
        random(962, 16, ALNUM)
    );
    assert_eq!(scan_file("docker/.env", &template).len(), 1);
    // A person's password for the database on localhost, in a dotenv.
    let local = "DB_HOST=localhost\nDB_USER=root\nDB_PASSWORD=Harjot07mar@\n";
    assert!(stores::detect(".env", local).is_none());
    let remote = local.replace("localhost", "db.acme-shop.net");
    assert!(stores::detect(".env", &remote).is_some());
}

#[test]
fn round_95_lone_key_ids_json_paths_chart_tests_and_key_names() {
    // An AWS key ID alone names a key; beside its secret key it fires.
    let id = format!(
        "AKIA{}",
        random(950, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    );
    let alone = format!("aws_access_key_id = \"{id}\"\n");
    assert!(scan_file("terraform/backup.tf", &alone).is_empty());
    let pair = format!(
        "aws_access_key_id = \"{id}\"\naws_secret_access_key = \"{}\"\n",
        random(951, 40, B64)
    );
    let ids: Vec<&str> = scan_file("terraform/backup.tf", &pair)
        .iter()
        .map(|m| m.detector.id)
        .collect();
    assert!(ids.contains(&"aws-access-key-id"), "{ids:?}");
    // In a Kubernetes env list the secret's value is read by no detector: the key
    // ID beside its password setting still fires.
    let env = format!(
        "- name: MAIL_USERNAME\n  value: \"{id}\"\n- name: MAIL_PASSWORD\n  value: \"{}\"\n",
        random(953, 44, B64)
    );
    let ids: Vec<&str> = scan_file("deploy.yml", &env)
        .iter()
        .map(|m| m.detector.id)
        .collect();
    assert!(ids.contains(&"aws-access-key-id"), "{ids:?}");
    // A Step Functions or JSONPath path is a reference; `$` then letters is not one.
    assert!(values::is_reference_literal("$$.Task.Token"));
    assert!(values::is_reference_literal("$.detail.token"));
    assert!(!values::is_reference_literal("$.9xQ!pw"));
    // A chart's `ci/` folder holds chart-testing input; a `ci/` folder elsewhere does not.
    assert_eq!(
        context::path_role("charts/matrix-stack/ci/fragments/external-synapse.yaml"),
        context::PathRole::Test
    );
    assert_eq!(
        context::path_role("deploy/ci/fragments/external-synapse.yaml"),
        context::PathRole::Code
    );
    // The name of a key inside a referenced Secret; a `secretKey` with a value fires.
    let named = "rsa:\n  secret: \"{{ $.Release.Name }}-keys\"\n  secretKey: keysRSA2048\n";
    assert!(scan_file("values.yaml", named).is_empty());
    let minio = format!(
        "minio:\n  accessKey: admin\n  secretKey: {}\n",
        random(952, 24, ALNUM)
    );
    assert_eq!(scan_file("values.yaml", &minio).len(), 1);
}

#[test]
fn round_94_sample_hosts_and_public_notes() {
    // A typed password beside a documentation host is a sample; beside a real
    // host it fires, and so does a generated one beside a sample host.
    let sample = "SMTPEndpoint: smtp.example.com\nSMTPPassword: mailUserPassword123\n";
    assert!(scan_file("apps/librum.yml", sample).is_empty());
    let real_host = "SMTPEndpoint: smtp.acme-mail.io\nSMTPPassword: mailUserPassword123\n";
    assert_eq!(scan_file("apps/librum.yml", real_host).len(), 1);
    let generated = format!(
        "SMTPEndpoint: smtp.example.com\nSMTPPassword: {}\n",
        random(940, 32, ALNUM)
    );
    assert_eq!(scan_file("apps/librum.yml", &generated).len(), 1);
    // A value its owners call deliberately public.
    let value = random(941, 40, HEX);
    let public = format!("# The default value is deliberately public\nOAUTH2_SECRET: {value}\n");
    assert!(scan_file("values.yaml", &public).is_empty());
    let plain = format!("# The default value\nOAUTH2_SECRET: {value}\n");
    assert_eq!(scan_file("values.yaml", &plain).len(), 1);
}

#[test]
fn round_93_change_notes_and_transmission_hashes() {
    // A typed value whose trailing comment says to change it, in Spanish too; a
    // generated one, or a comment that says nothing of it, still fires.
    let typed = "      - FG_WEBUI_PASSWD=m4l3t4_V3RD3 # la puedes cambiar por la que quieras\n";
    assert!(scan_file("docker-compose.yaml", typed).is_empty());
    let plain = "      - FG_WEBUI_PASSWD=m4l3t4_V3RD3 # the web UI\n";
    assert_eq!(scan_file("docker-compose.yaml", plain).len(), 1);
    let generated = format!(
        "      - FG_WEBUI_PASSWD={} # change it\n",
        random(930, 32, ALNUM)
    );
    assert_eq!(scan_file("docker-compose.yaml", &generated).len(), 1);
    // Transmission's salted SHA-1 (`{`, 40 hex, an 8-char salt); not 41 hex.
    let salted = format!("{{{}{}", random(931, 40, HEX), random(932, 8, ALNUM));
    assert!(values::is_known_non_secret(&salted));
    assert!(!values::is_known_non_secret(&format!(
        "{{{}",
        random(933, 48, ALNUM)
    )));
}

#[test]
fn round_92_publishable_keys() {
    // `pk_` is a key pair's public half; the `sk_` half under a secret's name fires.
    let body = random(920, 22, ALNUM);
    assert!(values::is_known_non_secret(&format!("pk_{body}")));
    assert!(!values::is_known_non_secret(&format!("sk_{body}")));
    let url = format!("const logo = `https://img.logo.dev/${{site}}?token=pk_{body}`;\n");
    assert!(scan_file("src/utils/logos.ts", &url).is_empty());
    let secret = format!("LOGO_DEV_SECRET_KEY=sk_{body}\n");
    assert_eq!(scan_file("deploy/app.conf", &secret).len(), 1);
}

#[test]
fn round_91_marked_samples_sealed_secrets_and_stack_defaults() {
    // A sample key broken on purpose (Authelia's template); the whole key fires.
    let mut der = vec![0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00];
    der.extend(random(910, 1185, B64).bytes());
    let body = b64(&der);
    let pem = |body: &str| {
        format!("-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----\n")
    };
    assert_eq!(scan_file("configuration.yml", &pem(&body)).len(), 1);
    let broken = format!("{}^invalid..\nDO NOT USE==", &body[..body.len() - 40]);
    assert!(scan_file("configuration.yml", &pem(&broken)).is_empty());
    // A trailing `DO NOT USE THIS` marks a sample; a bare generated value fires.
    let value = random(911, 50, ALNUM);
    let marked = format!("form_secret: \"{value}\" # DO NOT USE THIS\n");
    assert!(scan_file("homeserver.yaml", &marked).is_empty());
    assert_eq!(
        scan_file("homeserver.yaml", &format!("form_secret: \"{value}\"\n")).len(),
        1
    );
    // An htpasswd line behind Compose's escaped `$`.
    assert!(values::is_known_non_secret(&format!(
        "admin:$$2y$$05${}",
        random(912, 53, ALNUM)
    )));
    // "my secret password" in leetspeak; a random value with leet digits is not.
    assert!(values::is_placeholder("MyS3cr37P450r.*-"));
    assert!(!values::is_placeholder("Mz5k3r7Q450r.*-"));
    // Molecule scenarios are a role's tests.
    assert_eq!(
        context::path_role("roles/mariadb/molecule/default/converge.yml"),
        context::PathRole::Test
    );
    // A SealedSecret's ciphertext: a sealed session key's length, the key, then
    // AES-GCM output. Random base64 of that length is none.
    let mut sealed = vec![0x02, 0x00];
    sealed.extend(random(913, 538, B64).bytes());
    assert!(values::is_known_non_secret(&b64(&sealed)));
    assert!(!values::is_known_non_secret(&b64(random(914, 540, B64))));
    // A URL login whose password is the user name in leetspeak.
    let leet = "DATABASE_URL: \"postgres://passbolt:P4ssb0lt@db:5432/passbolt\"\n";
    assert!(scan_file("docker-compose.yml", leet).is_empty());
    let other = "DATABASE_URL: \"postgres://passbolt:Q7vzT2mw@db:5432/passbolt\"\n";
    assert_eq!(scan_file("docker-compose.yml", other).len(), 1);
    // A stack's dotenv whose only password is its folder's name; a generated one
    // in the same place still makes the file a secret store.
    assert!(stores::detect("SafeLine/.env", "POSTGRES_PASSWORD=safeline\n").is_none());
    let generated = format!("POSTGRES_PASSWORD={}\n", random(915, 32, ALNUM));
    assert!(stores::detect("SafeLine/.env", &generated).is_some());
}

#[test]
fn round_90_kms_ciphertexts_and_xml_entities() {
    // An AWS KMS ciphertext blob: header, then CMS EncryptedData's OID. The same
    // bytes without the header, or random base64, are no ciphertext.
    let oid = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x06,
    ];
    let body = random(900, 160, HEX);
    let blob = |header: &[u8]| {
        let mut bytes = header.to_vec();
        bytes.extend(body.bytes());
        bytes.extend(oid);
        bytes.extend(random(901, 40, HEX).bytes());
        b64(bytes)
    };
    assert!(values::is_known_non_secret(&blob(&[1, 2, 2, 0, 0x78])));
    assert!(!values::is_known_non_secret(&blob(&[9, 2, 2, 0, 0x78])));
    assert!(!values::is_known_non_secret(&b64(random(902, 200, ALNUM))));
    let template = format!("DD_KMS_API_KEY: \"{}\"\n", blob(&[1, 2, 2, 0, 0x78]));
    assert!(scan_file("roles/iiif/templates/template.j2", &template).is_empty());
    let plain = format!("DD_API_KEY: \"{}\"\n", random(903, 32, HEX));
    assert_eq!(
        scan_file("roles/iiif/templates/template.j2", &plain).len(),
        1
    );
    // An XML entity names where the value is defined; a literal still fires.
    assert!(values::is_reference_literal("&operhash;"));
    assert!(!values::is_reference_literal("&Zq8;x"));
    let entity = "<oper name=\"admin\" password=\"&operhash;\" type=\"NetAdmin\">\n";
    assert!(scan_file("config/opers.conf", entity).is_empty());
    let literal = format!(
        "<oper name=\"admin\" password=\"{}\" type=\"NetAdmin\">\n",
        random(904, 20, ALNUM)
    );
    assert_eq!(scan_file("config/opers.conf", &literal).len(), 1);
}

#[test]
fn round_97_answer_file_passes_entry_names_and_stand_ins() {
    // A Windows answer file's configuration pass; a `pass` attribute elsewhere
    // holding a generated value still fires.
    let answer =
        "<unattend>\n    <settings pass=\"offlineServicing\">\n    </settings>\n</unattend>\n";
    assert!(scan_file("Autounattend.xml", answer).is_empty());
    let login = format!(
        "<login user=\"deploy\" pass=\"{}\"/>\n",
        random(970, 24, ALNUM)
    );
    assert_eq!(scan_file("deploy.xml", &login).len(), 1);
    // A reference to an entry the file declares, commented out or not; a
    // generated value under the same name still fires.
    let entry = "apps = {\n  caf_level0 = {\n    azuread_app_key = \"caf_level0\"\n  }\n}\n";
    assert!(scan_file("policies.tfvars", entry).is_empty());
    assert!(scan_file("policies.tfvars", &entry.replace("\n", "\n# ")).is_empty());
    let key = format!(
        "apps = {{\n  caf_level0 = {{\n    azuread_app_key = \"{}\"\n  }}\n}}\n",
        random(971, 32, ALNUM)
    );
    assert_eq!(scan_file("policies.tfvars", &key).len(), 1);
    // A block of names; the same value in a block of values fires.
    let names =
        "launchpad_key_names = {\n  keyvault_client_secret = \"aadapp-launchpad-level0\"\n}\n";
    assert!(scan_file("configuration.tfvars", names).is_empty());
    let secret = format!(
        "launchpad_settings = {{\n  keyvault_client_secret = \"{}\"\n}}\n",
        random(972, 32, ALNUM)
    );
    assert_eq!(scan_file("configuration.tfvars", &secret).len(), 1);
    // A typed password beside a stand-in user; beside a default account it fires.
    let stand_in = "@set vcloud_username=YOUR-UPLOAD-USER\n@set vcloud_password=Kx7@mountain\n";
    assert!(scan_file("bin/upload.bat", stand_in).is_empty());
    let default_account = "db_user=root\ndb_password=Kx7@mountain\n";
    assert_eq!(scan_file("deploy/db.properties", default_account).len(), 1);
    // Values that say what they are in any spelling or language.
    assert!(values::is_placeholder("VERY%@bad123password"));
    assert!(values::is_placeholder("BadAdminPassword!"));
    assert!(values::is_placeholder("s$cretf0rt3st"));
    assert!(values::is_placeholder("Senharoot@123"));
    assert!(!values::is_placeholder("Pancake!10"));
    // An example Secret's data is judged by what it encodes: a typed password
    // there is a sample, a generated one fires.
    let manifest = |value: &str| {
        format!(
            "apiVersion: v1\nkind: Secret\ndata:\n  password: {}\n",
            b64(value.as_bytes())
        )
    };
    assert!(scan_file("examples/secret.yaml", &manifest("acm3r0ck5!31337")).is_empty());
    assert_eq!(
        scan_file("examples/secret.yaml", &manifest(&random(973, 32, ALNUM))).len(),
        1
    );
}

#[test]
fn round_98_group_join_links_and_local_host_defaults() {
    // A QQ group's join link; the same query on an API host fires.
    let key = random(980, 48, ALNUM);
    let join = format!("url: http://qm.qq.com/cgi-bin/qm/qr?_wv=1027&authKey={key}&noverify=0\n");
    assert!(scan_file(".github/ISSUE_TEMPLATE/config.yml", &join).is_empty());
    let api = format!("url: https://api.example-shop.io/v1/orders?authKey={key}&page=1\n");
    assert_eq!(scan_file("config/shop.yml", &api).len(), 1);
    // A typed password for a database a variable defaults to the local host; the
    // same password for a remote host fires.
    let local = "spring.datasource.url=jdbc:sqlserver://${DB_HOST:localhost}:1433\nspring.datasource.password=Eventide123!\n";
    assert!(scan_file("src/main/resources/application.properties", local).is_empty());
    let remote = local.replace("${DB_HOST:localhost}", "db.eventide-prod.net");
    assert_eq!(
        scan_file("src/main/resources/application.properties", &remote).len(),
        1
    );
}

#[test]
fn round_99_dev_chain_keys_compose_datastores_and_references() {
    // Anvil's and Hardhat's default accounts; another 32-byte key fires.
    assert!(values::is_placeholder(
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
    ));
    let own = format!(
        "uint256 public DEPLOYER_PRIVATE_KEY = 0x{};\n",
        random(990, 64, HEX)
    );
    assert_eq!(scan_file("script/Deploy.s.sol", &own).len(), 1);
    // Placeholder words: SQL Server's, a phrase, a change-password sample.
    for v in ["sqladmin123!@#", "!ThisMustBeChanged!", "N3wP@ssword123"] {
        assert!(values::is_placeholder(v), "{v}");
    }
    // A compose file's typed password for a datastore it starts; a generated
    // one, or a typed one for a service it does not start, fires.
    let compose = |image: &str, value: &str| {
        format!("services:\n  db:\n    image: {image}\n    environment:\n      MYSQL_ROOT_PASSWORD: \"{value}\"\n")
    };
    assert!(scan_file("docker-compose.yml", &compose("mysql:8", "Acmeshop2022!")).is_empty());
    let generated = random(991, 24, ALNUM);
    assert_eq!(
        scan_file("docker-compose.yml", &compose("mysql:8", &generated)).len(),
        1
    );
    assert_eq!(
        scan_file(
            "docker-compose.yml",
            &compose("acme/api:1", "Acmeshop2022!")
        )
        .len(),
        1
    );
    // References: Razor with a call, an Android theme attribute, an XML-entity
    // quoted short value; a quoted literal fires.
    assert!(scan_file(
        "Views/Tree.cshtml",
        "<li data-token=\"@string.Join(\".\", t)\">\n"
    )
    .is_empty());
    assert!(values::is_reference_literal("?attr/primary_field_03"));
    assert!(!values::is_reference_literal("attr-primary-field-03"));
    let ant = "<replace file=\"d.xml\" token=\"&quot;8080&quot;\" value=\"x\"/>\n";
    assert!(scan_file("pom.xml", ant).is_empty());
    // A users row's session column, and Maestro's flow data.
    let seeded = format!("'remember_token' => '{}',\n", random(992, 60, ALNUM));
    assert!(scan_file("database/seeders/UsersTableSeeder.php", &seeded).is_empty());
    assert_eq!(
        context::path_role(".maestro/scripts/data.js"),
        context::PathRole::Test
    );
}

#[test]
fn round_100_notes_dummy_data_firebase_web_ids_and_css() {
    // A note's example of the form, with or without its name; a value a note
    // follows still fires.
    let token = random(1000, 26, ALNUM);
    let example = format!("      - TOKEN=<your_token> # no quotes, e.g. WORKSPACE_TOKEN={token}\n");
    assert!(scan_file("compose.yml", &example).is_empty());
    let after = format!("API_TOKEN={token} # e.g. from the dashboard\n");
    assert_eq!(scan_file("deploy/settings.conf", &after).len(), 1);
    // A trailing note that starts by saying to replace the value; another note
    // does not hide it.
    let value = format!(
        "{}$k^{}!x",
        random(1001, 20, ALNUM),
        random(1002, 18, ALNUM)
    );
    let replace = format!("JWT_SECRET={value}   # Replace with a secure JWT secret key\n");
    assert!(scan_file("config/app.conf", &replace).is_empty());
    let other = format!("JWT_SECRET={value}   # signs the session cookies\n");
    assert_eq!(scan_file("config/app.conf", &other).len(), 1);
    // Stand-in records named for what they are.
    assert_eq!(
        context::path_role("rest-auth/dummy_data.json"),
        context::PathRole::Test
    );
    // Firebase's web app ID beside the key marks a web config; a key alone fires.
    let key = format!("AIza{}", random(1003, 35, ALNUM));
    let web =
        format!("FCM_API_KEY: \"{key}\"\nFCM_APP_ID: \"1:114126160546:web:aca6ea2981feb81f\"\n");
    assert!(scan_file("compose.yml", &web).is_empty());
    assert_eq!(
        scan_file("compose.yml", &format!("FCM_API_KEY: \"{key}\"\n")).len(),
        1
    );
    // A name, a separator, then digits: a person's password (for the database on
    // localhost, file sample 10); a generated one is not.
    assert!(is_chosen_by_a_person("Karim_250399"));
    assert!(!is_chosen_by_a_person("kXq9_Tz7Lw2Rm8"));
    // How a secret is shown: a CSS filter.
    assert!(!names::is_secret_name("SECRET_VISUAL_MASK_BLUR_FILTER"));
    assert!(names::is_secret_name("SECRET_VISUAL_MASK_KEY_SECRET"));
}

#[test]
fn round_101_encoded_public_keys_markers_and_browser_keys() {
    // Base64 of an RSA public key's DER, of a PEM with a stand-in body, of a
    // placeholder; base64 of a real PKCS#8 key is still secret.
    let mut spki = vec![0x30, 0x81, 0x9f, 0x30, 0x0d, 0x06, 0x09];
    spki.extend([
        0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
    ]);
    spki.extend([0x03, 0x81, 0x8d, 0x00]);
    spki.extend(random(1010, 0x8d - 1, B64).bytes());
    assert_eq!(spki.len(), 0x9f + 3);
    assert!(values::is_known_non_secret(&b64(&spki)));
    let stand_in =
        "-----BEGIN RSA PRIVATE KEY-----\nYYYYYYYYYYYYYYYYY\n-----END RSA PRIVATE KEY-----\n";
    assert!(values::is_known_non_secret(&b64(stand_in.as_bytes())));
    assert!(values::is_known_non_secret(&b64(
        b"SECRET_KEY_CHANGE_ME_IN_PRODUCTION"
    )));
    let mut der = vec![0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00];
    der.extend(random(1011, 1185, B64).bytes());
    let body = b64(&der);
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n");
    assert!(!values::is_known_non_secret(&b64(pem.as_bytes())));
    // Private DER under a secret name is not a public structure.
    assert!(!values::is_known_non_secret(
        &b64(&der[..der.len() / 3 * 3])
    ));
    // A Go test file named with dots before `_test.go`.
    assert_eq!(
        context::path_role("internal/auth/auth.password_e2e_test.go"),
        context::PathRole::Test
    );
    assert_eq!(
        context::path_role("internal/auth/auth.password.go"),
        context::PathRole::Code
    );
    // Substitution markers and a format note's keys; a password between `@`s fires.
    assert!(values::is_placeholder("@prom_token@"));
    assert!(values::is_placeholder("@DB_PASSWORD@"));
    assert!(!values::is_placeholder("@Pr0m9Tok3n@"));
    assert!(values::is_placeholder("/domain="));
    assert!(!values::is_placeholder("/d0m4in="));
    // TinyMCE's browser key; an `apiKey` elsewhere fires.
    let api_key = random(1012, 48, ALNUM).to_ascii_lowercase();
    let editor = |import: &str| {
        format!("import {{ Editor }} from '{import}';\n<Editor\n  apiKey='{api_key}'\n/>\n")
    };
    assert!(scan_file("src/EditorField.jsx", &editor("@tinymce/tinymce-react")).is_empty());
    assert_eq!(
        scan_file("src/EditorField.jsx", &editor("@acme/editor")).len(),
        1
    );
}

#[test]
fn file_sample_12_app_passwords_and_dev_secret_files() {
    // 16 random lowercase letters: an SMTP app password; word chains and
    // pronounceable runs are typed.
    assert_eq!(
        scan_file("mail.py", "password = \"hqzvkxtrmwpljdcs\"\n").len(),
        1
    );
    for typed in ["mysecretpassword", "tomatobananakiwi"] {
        let line = format!("password = \"{typed}\"\n");
        assert!(scan_file("mail.py", &line).is_empty(), "{typed}");
    }
    // Phoenix keeps a developer's own secrets in `dev.secret.exs`, out of git; the
    // development config and a test's secrets file stay test setups.
    assert_eq!(
        context::path_role("config/dev.secret.exs"),
        context::PathRole::Code
    );
    assert_eq!(
        context::path_role("config/dev.exs"),
        context::PathRole::Test
    );
    assert_eq!(
        context::path_role("config/test.secret.exs"),
        context::PathRole::Test
    );
}

#[test]
fn round_103_openssh_key_with_its_body_elided() {
    // An `openssh-key-v1` body built as ssh-keygen writes an Ed25519 key.
    let string = |bytes: &[u8]| {
        let mut out = (bytes.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(bytes);
        out
    };
    let public_key = random(1031, 32, B64);
    let mut public_blob = string(b"ssh-ed25519");
    public_blob.extend(string(public_key.as_bytes()));
    let mut private = b"\x11\x22\x33\x44\x11\x22\x33\x44".to_vec();
    private.extend(string(b"ssh-ed25519"));
    private.extend(string(public_key.as_bytes()));
    private.extend(string(random(1032, 64, B64).as_bytes()));
    private.extend(string(b"user@host"));
    private.extend([1, 2, 3, 4, 5]);
    let mut key = b"openssh-key-v1\0".to_vec();
    for part in [&b"none"[..], b"none", b""] {
        key.extend(string(part));
    }
    key.extend(1u32.to_be_bytes());
    key.extend(string(&public_blob));
    key.extend(string(&private));
    let body = b64(&key);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(70)
        .map(|chunk| std::str::from_utf8(chunk).unwrap())
        .collect();
    let pem = |body: &str| {
        format!("```hcl\n  private_key = <<-EOF\n  -----BEGIN OPENSSH PRIVATE KEY-----\n{body}\n  -----END OPENSSH PRIVATE KEY-----\n  EOF\n```\n")
    };
    // The whole key fires.
    assert_eq!(scan_file("docs/index.md", &pem(&lines.join("\n"))).len(), 1);
    // A how-to's first line (the format header), `<SKIPPED>` and the last line do not.
    let elided = format!("{}\n<SKIPPED>\n{}", lines[0], lines[lines.len() - 1]);
    assert!(scan_file("docs/index.md", &pem(&elided)).is_empty());
}

#[test]
fn round_104_bound_attributes_paths_resource_names_and_stand_ins() {
    // Odoo QWeb's `t-att-` attributes hold expressions; a literal attribute's
    // generated token still fires.
    let qweb = "<form t-att-data-allow-token-selection=\"bool(assign_token_route)\">\n<button t-att-accesskey=\"view.accessKey\"/>\n";
    assert!(scan_file("views/payment_templates.xml", qweb).is_empty());
    let literal = format!("<form data-access-token=\"{}\">\n", random(1041, 32, ALNUM));
    assert_eq!(scan_file("views/form.xml", &literal).len(), 1);
    // A Key Vault secret's path is a reference.
    let path = "param kv = {\n  wildcardSecret: 'secrets/cert-wildcard-contoso-se2f6b1c04-51a2-4d7e-9c3b-6a0d2e8f1b47/'\n}\n";
    assert!(scan_file("parameters/prod.bicepparam", path).is_empty());
    // A Kubernetes Secret's name (lowercase words, `s3`); a random lowercase
    // value with digits still fires.
    let name = "logical_backup_cronjob_environment_secret: \"backups-s3-credentials\"\n";
    assert!(scan_file("appset.yaml", name).is_empty());
    let random_lower = format!(
        "logical_backup_cronjob_environment_secret: \"{}\"\n",
        random(1042, 24, "abcdefghijklmnopqrstuvwxyz0123456789")
    );
    assert_eq!(scan_file("appset.yaml", &random_lower).len(), 1);
    // A walk typed twice in a row (`asdfasdf`) is a stand-in; a random value is not.
    assert!(values::is_placeholder(
        "eyJhIjoiNmE4ZmasdfasdfasdffPPKHJ-00-NzEt"
    ));
    assert!(values::is_placeholder("Zk9qwerqwerQ2x7"));
    assert!(!values::is_placeholder(&random(1043, 40, B64)));
    // A Firebase web key under a bundled name is public; a server key is not.
    let firebase = format!("VITE_FIREBASE_API_KEY=AIza{}\n", random(1044, 35, ALNUM));
    assert!(stores::detect(".env.production", &firebase).is_none());
    let server = format!("VITE_FIREBASE_ADMIN_TOKEN={}\n", random(1045, 40, ALNUM));
    assert!(stores::detect(".env.production", &server).is_some());
}

#[test]
fn round_105_phrases_with_filler_widget_keys_and_container_databases() {
    // A CamelCase sentence with a held-down letter at its end; a generated key
    // under the same name still fires.
    let settings = |secret: &str| {
        format!("{{\n  \"JwtSettings\": {{\n    \"Secret\": \"{secret}\"\n  }}\n}}\n")
    };
    assert!(scan_file(
        "appsettings.json",
        &settings("MyVeryLongSecretKeyThatNobodyCanGuessHAHAHAHAzzzz")
    )
    .is_empty());
    assert_eq!(
        scan_file("appsettings.json", &settings(&random(1051, 48, ALNUM))).len(),
        1
    );
    // Snipcart's public key; another service's token in the same file still fires.
    let gatsby = |resolve: &str| {
        format!(
            "module.exports = {{ plugins: [{{ resolve: '{resolve}', options: {{ apiKey: '{}' }} }}] }}\n",
            random(1052, 72, ALNUM)
        )
    };
    assert!(scan_file("gatsby-config.js", &gatsby("gatsby-plugin-snipcart")).is_empty());
    assert_eq!(
        scan_file("gatsby-config.js", &gatsby("gatsby-source-datocms")).len(),
        1
    );
    // A leetspeak password of a database in a compose service of the same stack;
    // the same beside a remote host, or a random one beside the container, fires.
    let env = |host: &str, password: &str| {
        format!("IP=127.0.0.1\nDB_HOST={host}\nDB_PASSWORD={password}\n")
    };
    assert!(stores::detect("wp/.env", &env("bs_db", "m4r1n0s0le0")).is_none());
    assert!(stores::detect("wp/.env", &env("db.shop-prod.example.net", "m4r1n0s0le0")).is_some());
    assert!(stores::detect("wp/.env", &env("bs_db", &random(1053, 20, ALNUM))).is_some());
    assert!(values::reads_as_leetspeak("cav0l0cia0"));
    assert!(!values::reads_as_leetspeak("x7k2m9p4q8r3"));
}

#[test]
fn round_106_key_paths_and_setting_names() {
    // A key file's path in a named constant; a key in it still fires.
    assert!(scan_file(
        "config.php",
        "<?php\nDEFINE('DEPLOY_KEY', '/var/www/.ssh/id_rsa');\n"
    )
    .is_empty());
    let key = format!(
        "<?php\nDEFINE('DEPLOY_KEY', '{}');\n",
        random(1061, 40, ALNUM)
    );
    assert_eq!(scan_file("config.php", &key).len(), 1);
    // camelCase names of what goes there, two settings filled so; one alone fires.
    let template = "global:\n  smtp_auth_username: 'senderUsername'\n  smtp_auth_password: 'senderLoginPassword'\n";
    assert!(scan_file("alertmanager.yml", template).is_empty());
    let alone =
        "global:\n  smtp_auth_username: 'alerts'\n  smtp_auth_password: 'senderLoginPassword'\n";
    assert_eq!(scan_file("alertmanager.yml", alone).len(), 1);
}

#[test]
fn round_107_rewrite_targets_key_names_and_example_tokens() {
    // A location's rewrite target; a random value under `pass` still fires.
    assert!(scan_file(
        "main.yml",
        "locations:\n  - pass: \"/api/1/report/$2/$3\"\n"
    )
    .is_empty());
    let pass = format!("locations:\n  - pass: \"{}\"\n", random(1071, 24, ALNUM));
    assert_eq!(scan_file("main.yml", &pass).len(), 1);
    // A signing key's name with a release number.
    assert!(scan_file("signer.toml", "file_signing_key = \"distro-41-ima\"\n").is_empty());
    // A JWT minted for an example (`urn:example:` or an example host as its
    // issuer or audience); the same token for a real issuer fires.
    let token = |iss: &str| {
        let header = b64url("{\"alg\":\"HS256\"}");
        let payload = b64url(&format!("{{\"iss\":\"{iss}\",\"iat\":1669056231}}"));
        format!("{header}.{payload}.{}", random(1072, 43, ALNUM))
    };
    let code = |jwt: String| format!("const jwt = '{jwt}'\n");
    assert!(scan_file("src/verify.ts", &code(token("urn:example:issuer"))).is_empty());
    assert!(scan_file("src/verify.ts", &code(token("https://auth.example.com"))).is_empty());
    assert_eq!(
        scan_file("src/verify.ts", &code(token("https://auth.acme-corp.io"))).len(),
        1
    );
}

#[test]
fn round_108_stored_hashes_cfml_and_stand_in_markers() {
    let digest = random(1081, 40, "0123456789ABCDEF");
    // ASP.NET forms credentials stored as the format's digest; the same digest
    // under a password with no such format still fires.
    let config = |format: &str| {
        format!("<credentials{format}>\n  <user name=\"Admin\" password=\"{digest}\"/>\n</credentials>\n")
    };
    assert!(scan_file("Web.config", &config(" passwordFormat=\"SHA1\"")).is_empty());
    assert_eq!(scan_file("Web.config", &config("")).len(), 1);
    // A recorded query compares or sets a password column's digest; the same
    // value assigned in a config fires.
    let md5 = random(1082, 32, "0123456789abcdef");
    let log = format!("[16ms] [rows:0] SELECT * FROM `user` WHERE username = 'admin' AND password = '{md5}' LIMIT 1\n");
    assert!(scan_file("gormlog/2024-09-17.log", &log).is_empty());
    assert_eq!(
        scan_file("config.ini", &format!("password = '{md5}'\n")).len(),
        1
    );
    // A CFML expression and PHPMailer's `RANDOMCHARS` stand-ins.
    assert!(values::is_reference_literal("#Form.password#"));
    assert!(!values::is_reference_literal("#Xk29dLq81"));
    assert!(values::is_placeholder(
        "RANDOMCHARS-----Qk3xBtLw905s-zHVE21RPaqT8"
    ));
}

#[test]
fn file_sample_16_replace_with_in_camel_case() {
    // `ReplaceWith…` typed as one word is a placeholder; a random value is not.
    assert!(values::is_placeholder(
        "ReplaceWith32ByteHexSecretKeyHere00"
    ));
    let secret = format!(
        "stringData:\n  JWT_SECRET: \"{}\"\n",
        random(1161, 35, ALNUM)
    );
    assert_eq!(scan_file("k8s/secret.yaml", &secret).len(), 1);
}

#[test]
fn round_109_installed_packages_named_defaults_device_hashes_and_lookups() {
    // An installed package's constant; the same in the project's own code fires.
    let oauth = format!("CLIENT_SECRET = '{}'\n", random(1091, 24, ALNUM));
    assert!(scan_file("venv/Lib/site-packages/ee/oauth.py", &oauth).is_empty());
    assert_eq!(scan_file("app/oauth.py", &oauth).len(), 1);
    // A URL's password made of its user's name and a short suffix; a generated
    // one for the same user fires.
    let url =
        |password: &str| format!("db_url = \"mysql://kamailio:{password}@192.168.1.2/kamailio\"\n");
    assert!(scan_file("kamailio.cfg", &url("kamailiorw")).is_empty());
    assert_eq!(
        scan_file("kamailio.cfg", &url(&random(1092, 20, ALNUM))).len(),
        1
    );
    let hosted = "mongoURI: \"mongodb://mike:mike123@ds035177.mlab.com:35177/app\"\n";
    assert_eq!(scan_file("config/keys.js", hosted).len(), 1);
    // Cisco's type 9 hash; Juniper's reversible `$9$` (no second `$`) is not one.
    assert!(values::is_known_non_secret(
        "$9$Q2hX8fKp0Lm7Aa$Zq3VnB7tYw1Rk5Jd9Hs2Gf6Lc8Px4Mn0Tb3Ue7Wy5Io"
    ));
    assert!(!values::is_known_non_secret(
        "$9$dVb4ZUjqfT3DiHkmTQFclKvWLxdbs4aU"
    ));
    // pyATS's environment lookup and Cisco DevNet's published sandbox password.
    assert!(values::is_placeholder("%ENV{PYATS_PASS}"));
    assert!(values::is_placeholder("C1sco12345"));
}
