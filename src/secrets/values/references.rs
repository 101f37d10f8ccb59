//! Literals that point at a secret kept elsewhere (an ARN, a secret-store path, an
//! environment variable, a resource or a file) or at code, not a secret.

use super::strip_value_quotes;

/// References to a secret kept elsewhere: ARNs, secret-store paths.
pub(in crate::secrets) fn is_reference_literal(value: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "arn:",
        "projects/",
        "vault:",
        "op://",
        "ssm:",
        "sm://",
        "secretsmanager:",
        "awskms:",
        "gcpkms:",
        "azurekeyvault:",
        "ref+",
        // argocd-image-updater's credential sources: a script to run, a pull secret.
        "ext:/",
        "pullsecret:",
        // TeamCity's secure values (`credentialsJSON:<uuid>`): a token the server
        // swaps for the credential it keeps.
        "credentialsjson:",
        // Spring's resource locations (`SECRET_PRIVATE=file:/secrets/private.pem`):
        // a file that holds the secret.
        "file:/",
        "file:./",
        "classpath:",
        // A Key Vault secret's path (`secrets/cert-wildcard-…/`): where it is kept.
        "secrets/",
        // A Vault KV path (`kv/keybuzz/apps/n8n:rabbitmq-url`, read by an Ansible
        // `lookup('hashi_vault', 'secret=kv/…')`): where the secret is kept.
        "kv/",
    ];
    let v = strip_value_quotes(value.trim()).trim();
    let lower = v.to_ascii_lowercase();
    // `env:AWS_SECRET_ACCESS_KEY`, gon's `@env:AC_PASSWORD`: read from the named
    // environment variable.
    let lookup = v.strip_prefix('@').unwrap_or(v);
    let env_lookup = lookup.strip_prefix("env:").is_some_and(|name| {
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    });
    // `?attr/primary_field_03`, `@string/profile_password`: an Android resource
    // reference, what a layout attribute points at.
    let android_resource = [
        "?attr/",
        "?android:attr/",
        "@string/",
        "@+id/",
        "@id/",
        "@color/",
        "@drawable/",
        "@style/",
        "@dimen/",
    ]
    .iter()
    .any(|p| v.starts_with(p));
    // `+strconv.Quote(value)+`: a call spliced into a string, code not a literal.
    let spliced_call = v
        .strip_prefix('+')
        .map(|rest| rest.strip_suffix('+').unwrap_or(rest).trim())
        .is_some_and(|call| {
            call.ends_with(')')
                && call.split_once('(').is_some_and(|(callee, _)| {
                    !callee.is_empty()
                        && callee
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
                })
        });
    // `password="&operhash;"`: an XML entity (InspIRCd's `<define>`, a DTD's
    // `<!ENTITY>`) that names where the value is defined.
    let xml_entity = v
        .strip_prefix('&')
        .and_then(|rest| rest.strip_suffix(';'))
        .is_some_and(|name| {
            name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
        });
    // `"token.$": "$$.Task.Token"`: a Step Functions or JSONPath path into the
    // state's or the context object's data, a reference.
    let json_path = ["$$.", "$."]
        .iter()
        .find_map(|root| v.strip_prefix(root))
        .is_some_and(|path| {
            path.starts_with(|c: char| c.is_ascii_alphabetic())
                && path
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'[' | b']'))
        });
    // ColdFusion's `password="#Form.password#"`: a CFML expression.
    let cfml_expression = v
        .strip_prefix('#')
        .and_then(|rest| rest.strip_suffix('#'))
        .is_some_and(|inner| {
            inner.starts_with(|c: char| c.is_ascii_alphabetic())
                && inner.bytes().all(|b| {
                    b.is_ascii_alphanumeric()
                        || matches!(b, b'_' | b'.' | b'[' | b']' | b'"' | b'\'')
                })
        });
    // WebLogic Deploy Tooling's `@@PROP:ADMIN_USER_PASS@@`, `@@SECRET:db:password@@`:
    // a token the tool replaces from a property, secret or environment variable.
    let replacement_token = v
        .strip_prefix("@@")
        .and_then(|rest| rest.strip_suffix("@@"))
        .and_then(|inner| inner.split_once(':'))
        .is_some_and(|(source, _)| {
            ["PROP", "SECRET", "ENV", "FILE"].contains(&source.to_ascii_uppercase().as_str())
        });
    // A Cosmos IBC denomination (`ibc/C053D637…`): a coin's trace hash, what a
    // genesis file's `deposit_token` names.
    let ibc_denomination = lower
        .strip_prefix("ibc/")
        .is_some_and(|hash| hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()));
    // `"shiki-token-string": "var(--web-green-700)"`: a CSS custom property (a
    // theme's colour for a syntax highlighter's token class).
    let css_variable = lower.starts_with("var(--") && lower.ends_with(')');
    PREFIXES.iter().any(|p| lower.starts_with(p))
        || css_variable
        || ibc_denomination
        || replacement_token
        || cfml_expression
        || env_lookup
        || json_path
        || xml_entity
        || android_resource
        || spliced_call
        || is_python_object_reference(v)
}

/// `localstack.services.apigateway.plugin:ApiKeyProviderPlugin`: a Python entry
/// point or plugin (`package.module.path:attribute`, as `setup.cfg`'s
/// `entry_points` and plux write them), code and not a literal. Three or more
/// lowercase module names: `john.doe:Passw0rd` is a login, not a module path.
fn is_python_object_reference(value: &str) -> bool {
    let is_identifier = |word: &str| {
        word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    };
    value.split_once(':').is_some_and(|(module, attribute)| {
        module.split('.').count() >= 3
            && module
                .split('.')
                .all(|name| is_identifier(name) && !name.bytes().any(|b| b.is_ascii_uppercase()))
            && !attribute.is_empty()
            && attribute.split('.').all(is_identifier)
    })
}
