//! Unit tests of the classes found by held-out rounds 136 to 144 (each test names
//! its round); the pass fixtures `fixtures/SEC001/pass/round136` and
//! `fixtures/SEC005/pass/round136` hold the files.

use super::super::tests::{random, ALNUM, HEX};
use super::super::*;

#[test]
fn round_137_presigned_urls_carry_no_secret() {
    let token = format!("IQoJb3JpZ2luX2VjE{}", random(1371, 200, ALNUM));
    let key_id = format!(
        "ASIA{}",
        random(1372, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    );
    let signed = format!(
        "{{\"Location\": \"https://tasks.s3.us-east-1.amazonaws.com/snapshots/fn?X-Amz-Security-Token={token}&X-Amz-Credential={key_id}%2F20251001%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature={}\"}}\n",
        random(1373, 64, HEX)
    );
    assert!(scan_file("exports/lambda-configs/fn.json", &signed).is_empty());
    // The same token outside a signed link is still a finding.
    let unsigned = format!("{{\"session_token\": \"{token}\", \"access_key\": \"{key_id}\"}}\n");
    assert!(!scan_file("config/aws.json", &unsigned).is_empty());
}

#[test]
fn round_137_to_144_references_and_masked_hosts() {
    assert!(values::is_reference_literal(
        "kv/keybuzz/apps/n8n:rabbitmq-url"
    ));
    assert!(values::is_reference_literal("var(--web-green-700)"));
    assert!(!values::is_reference_literal("var(--web-green-700"));
    // A host with an octet over 255 masks the address in a usage example.
    let masked = "uri = \"mongodb://mongo:lakeside@44.44.44.444:27017\"\n";
    assert!(scan_file("loader/main.py", masked).is_empty());
    let real = "uri = \"mongodb://mongo:lakeside@44.44.44.244:27017\"\n";
    assert_eq!(scan_file("loader/main.py", real).len(), 1);
    // CodeBuild reads `secrets-manager:` values from Secrets Manager at run time.
    let buildspec = "version: 0.2\nenv:\n  secrets-manager:\n    DOCKERHUB_PASS: \"filecoin-mainnet-apn1-glif-dockerhub-prod7:password\"\n";
    assert!(scan_file("codebuild/deploy.yaml", buildspec).is_empty());
}

#[test]
fn round_136_to_144_names_paths_and_published_values() {
    assert!(!is_secret_name("MODEL_TOKEN_PRICES"));
    assert!(!is_secret_name("credentialLifecycleReviewedHead"));
    assert!(!is_secret_name("magicValueForNilBuildSecretData"));
    // Round 145: a deployment's binding names where the secret is kept.
    assert!(!is_secret_name("credentialBinding"));
    assert!(is_secret_name("TOKEN_SECRET"));
    assert!(names::names_own_key("TOKEN_SECRET"));
    assert!(names::names_own_key("SECRET"));
    assert!(values::is_placeholder("alreadyRotatedPassword"));
    assert!(!values::is_placeholder(&format!(
        "{}Password",
        random(1364, 12, ALNUM)
    )));
    assert!(values::is_placeholder("GoodNewsEveryone"));
    assert!(values::is_placeholder(
        "6116487b-cda1-52c2-b5b5-c8022c45e263"
    ));
    use context::{path_role, PathRole};
    assert_eq!(
        path_role("gitops/kustomize/overlays/local/secrets.yaml"),
        PathRole::Test
    );
    assert_eq!(path_role("seeds/development/02-user.js"), PathRole::Test);
    assert_eq!(
        path_role("deploy/helm-chart/values-tilt.yaml"),
        PathRole::Test
    );
    assert_eq!(path_role("ci/kubetest/redis_secret.yaml"), PathRole::Test);
    assert_eq!(
        path_role("sorbet/rbi/gems/aws-sdk-kms@1.124.0.rbi"),
        PathRole::ThirdParty
    );
    assert_eq!(path_role(".scribe/endpoints/00.yaml"), PathRole::Docs);
    // A production overlay and production seeds are the real thing.
    assert_eq!(
        path_role("gitops/kustomize/overlays/prod/secrets.yaml"),
        PathRole::Code
    );
    assert_eq!(path_role("seeds/production/02-user.js"), PathRole::Code);
    // Rails's test credentials key is committed for the suite; the master key is not.
    let key = format!("{}\n", random(1365, 32, HEX));
    assert!(stores::detect("config/credentials/test.key", &key).is_none());
    assert!(stores::detect("config/credentials/production.key", &key).is_some());
    assert!(stores::detect("config/master.key", &key).is_some());
}

#[test]
fn sample_27_spaced_app_password() {
    let text = "smtp_password = \"tmgc vhjx bgak jkmx\"\n";
    assert!(
        !values::is_placeholder("tmgc vhjx bgak jkmx"),
        "placeholder"
    );
    assert!(!is_known_non_secret("tmgc vhjx bgak jkmx"), "known");
    let raw = scan(text);
    assert_eq!(raw.len(), 1, "raw");
    assert_eq!(scan_file("config/mail.py", text).len(), 1, "file");
}

#[test]
fn round_138_example_bodies() {
    let token = random(1381, 43, ALNUM);
    let spec = format!(
        "{{\n  \"content\": {{\n    \"example\": {{\n      \"token\": \"{token}\"\n    }}\n  }}\n}}\n"
    );
    assert!(scan_file("openapi.json", &spec).is_empty());
    let inline = format!("body = json_request_body(example={{\"token\": \"{token}\"}})\n");
    assert!(scan_file("app/auth.py", &inline).is_empty());
    // The same token in a settings object is a finding.
    let settings = format!("{{\n  \"mail\": {{\n    \"token\": \"{token}\"\n  }}\n}}\n");
    assert_eq!(scan_file("config/settings.json", &settings).len(), 1);
}

#[test]
fn round_136_local_chart_values_and_analytics_sdk_keys() {
    use context::{path_role, PathRole};
    assert_eq!(
        path_role("internal/ee/infrastructure/helm/values-local.yaml"),
        PathRole::Test
    );
    assert_eq!(path_role("helm/values.minikube.yaml"), PathRole::Test);
    assert_eq!(path_role("helm/values-prod.yaml"), PathRole::Code);
    let key = random(1366, 32, HEX);
    let amplitude = format!("{{\n  \"amplitude\": {{\n    \"apiKey\": \"{key}\"\n  }}\n}}\n");
    assert!(scan_file("web/src/config/production.json", &amplitude).is_empty());
    let billing = format!("{{\n  \"billing\": {{\n    \"apiKey\": \"{key}\"\n  }}\n}}\n");
    assert_eq!(
        scan_file("web/src/config/production.json", &billing).len(),
        1
    );
    assert!(is_known_non_secret("public_12a1yekATNiLj4VVnREZ8c7LM8V8"));
}

#[test]
fn round_136_and_140_shell_commands() {
    // A password typed into a command in a local container; a generated one fires.
    let typed = "init:\n\tdocker compose exec -T db psql --password=shopper123 -c 'SELECT 1'\n";
    assert!(scan_file("Makefile", typed).is_empty());
    let generated = format!(
        "init:\n\tdocker compose exec -T db psql --password={} -c 'SELECT 1'\n",
        random(1367, 24, ALNUM)
    );
    assert_eq!(scan_file("Makefile", &generated).len(), 1);
    // A shell value built from variables; in single quotes `$` is literal.
    let built = "args+=(\"--secret=id=$secretName,src=$secretDir/$secretName\")\n";
    assert!(scan_file("build/lib.sh", built).is_empty());
    assert!(!is_secret_name("SECRET_KEY_PATTERNS"));
}
