//! Validators of `name = value` assignments and named calls: what makes a literal a
//! secret rather than a placeholder, label, reference or code.

use super::super::{
    is_known_non_secret, is_placeholder, is_reference_literal, name_kind, shannon_entropy,
    Candidate, NameKind,
};
use super::formats::{decode_base64, in_firebase_web_config, is_live_jwt};

/// The generic assignment: a secret-named key, an assignment operator (not a
/// comparison or a path), and a literal that is not a placeholder, reference,
/// type, path, plain URL or the key's own name.
pub(super) fn validate_generic(c: &Candidate<'_>) -> bool {
    let (Some(key), Some(op), Some(raw)) = (c.group("key"), c.group("op"), c.group("secret"))
    else {
        return false;
    };
    if op == "==" || op == "::" {
        return false;
    }
    // `checksum/secret: 2c77…`: a Helm chart's annotation holding a manifest's
    // digest, named a checksum (the `/` ends the name the pattern reads).
    let before = c
        .text
        .as_bytes()
        .get(..c.context_span.start as usize)
        .unwrap_or(&[]);
    if before
        .len()
        .checked_sub(9)
        .and_then(|at| before.get(at..))
        .is_some_and(|tail| tail.eq_ignore_ascii_case(b"checksum/"))
    {
        return false;
    }
    // `'./Api/OAuth2/AccessTokenEntity.php' => '0c3f…'`: the name is a file's (a
    // checksum manifest's entry), after a folder the pattern does not read.
    if before.last().is_some_and(|b| matches!(b, b'/' | b'\\'))
        && super::super::names::is_file_name(key)
    {
        return false;
    }
    // `X-Access-Token: eyJ…`: a JWT under any name is judged as one (an expired
    // token or one signed with a tutorial's secret opens nothing).
    let value = raw.trim_matches(['"', '\'', '`']);
    if value.starts_with("eyJ") && value.matches('.').count() == 2 && !is_live_jwt(value) {
        return false;
    }
    // `test "$linkmode,$pass" = "lib,link"`: a shell test comparing an expanded
    // variable, not an assignment (PHP's `$pass = '…'` has no quote after the name).
    let whole = c.text.get(c.context_span.range()).unwrap_or("");
    if key.starts_with('$')
        && whole
            .get(key.len()..)
            .is_some_and(|rest| rest.starts_with(['"', '\'']))
    {
        return false;
    }
    // `name:value` with no space needs a quoted name or value (JSON); else it
    // is a URL, an ARN or a path segment (`arn:aws:secretsmanager:…`).
    if op == ":" {
        let after_op = raw.len();
        let op_end = whole.len().saturating_sub(after_op);
        let spaced = whole
            .get(..op_end)
            .is_some_and(|head| head.ends_with([' ', '\t']));
        let key_quoted = whole
            .get(key.len()..)
            .is_some_and(|rest| rest.starts_with(['"', '\'', '`']));
        if !spaced && !key_quoted && !raw.starts_with(['"', '\'', '`']) {
            return false;
        }
    }
    let value = c.secret;
    // `token="&quot;8080&quot;"` (Ant's `<replace>`): quoted with XML entities,
    // the value inside gets the same 8-char minimum.
    let inner = super::super::values::strip_value_quotes(value);
    if inner.len() < value.len() && inner.chars().count() < 8 {
        return false;
    }
    let quoted = raw.starts_with(['"', '\'', '`']);
    // A bound attribute's quoted value (`[password]="pdfPassword()"`) is code too.
    let code = !quoted || is_bound_attribute(c);
    if (value.chars().any(char::is_whitespace) && !is_spaced_app_password(inner))
        || (code && is_code_reference(value.trim_end_matches([';', ','])))
    {
        return false;
    }

    // `'#s3-secret-key'`: a CSS selector naming the form field.
    if value.strip_prefix('#').is_some_and(|id| {
        id.starts_with(|c: char| c.is_ascii_lowercase())
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    }) {
        return false;
    }
    // Ruby instance variables and symbols, systemd `@name` credentials: code, not data.
    if !quoted && value.starts_with(['@', ':']) {
        return false;
    }
    // GDScript's `%PasswordLineEdit.text` (a scene's uniquely named node) and
    // `$Form/Password.text` (a node path): what the user typed, read in code.
    if !quoted
        && value.strip_prefix(['%', '$']).is_some_and(|path| {
            path.starts_with(|c: char| c.is_ascii_uppercase())
                && path.contains('.')
                && path
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'/'))
        })
    {
        return false;
    }
    // `AccountKey=',listKeys(resourceId(…`: an ARM template's `concat(…)` goes on
    // after the literal part ends; what follows the comma is an expression.
    if value.starts_with([',', '+']) {
        return false;
    }
    // `<map Token="b77a5c561934e089" PublicKey="0024…"/>`: a .NET strong name's
    // public key token, 8 bytes of the hash of the public key beside it.
    if value.len() == 16
        && value.bytes().all(|b| b.is_ascii_hexdigit())
        && c.text
            .get(super::super::line_range(c.text, c.span.start as usize))
            .is_some_and(|line| line.contains("PublicKey="))
    {
        return false;
    }
    // `--scheduler-k3s-global-token`: a command-line flag's name.
    if value.strip_prefix("--").is_some_and(|flag| {
        flag.starts_with(|c: char| c.is_ascii_lowercase())
            && flag
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }) {
        return false;
    }
    // `"@HtmlExtensions.HtmlEncodeSafe(…)"`, `"@Model.ResetToken"`: a Razor
    // expression in a view's attribute, evaluated when the page renders; with a
    // call, a lowercase head too (`"@string.Join(".", tokens)"`).
    if value.strip_prefix('@').is_some_and(|expr| {
        let head = expr.split(['.', '(']).next().unwrap_or("");
        (head.starts_with(|c: char| c.is_ascii_uppercase()) || expr.contains('('))
            && head.bytes().all(|b| b.is_ascii_alphanumeric())
            && expr
                .get(head.len()..)
                .is_some_and(|rest| rest.starts_with(['.', '(']))
    }) {
        return false;
    }
    // `'@rematch'`, `'@query.inside.double'`: a tokenizer's action or state name.
    if value.strip_prefix('@').is_some_and(|name| {
        name.starts_with(|c: char| c.is_ascii_lowercase())
            && name.bytes().all(|b| b.is_ascii_alphabetic() || b == b'.')
    }) {
        return false;
    }
    if (is_label(value) && !is_spaced_app_password(value))
        || is_email(value)
        || is_anonymous_login(value)
        || is_message_key(value)
        || is_json_fragment(value)
    {
        return false;
    }
    // An OpenAPI/JSON Schema reference (`#/components/schemas/…`), or code around a
    // call (`'".Token::getToken()."'`, `"" + getToken() + ""`).
    if value.starts_with("#/")
        || value.contains("()")
        || value.contains("::")
        || value.starts_with(['"', '\'']) && value.get(1..2).is_some_and(|c| c == "." || c == "+")
    {
        return false;
    }
    // A regular expression (`%[a-f0-9]{2}`), not a value.
    if (value.contains('[') && value.contains(']')) || value.contains("{2") || value.contains("]{")
    {
        return false;
    }
    if !quoted && (continues_as_code(c, op) || is_powershell_command(key, value)) {
        return false;
    }
    // A dictionary word (`pygmalion`), a number (a test vector) or a version
    // spec (`npm:^3.1.0` under a package named `credential-provider`) is not a secret.
    // A word (`pygmalion`, `Wachtwoord`, `secureToken`): letters only, short.
    let lowercase_word = value.len() < 12 && value.bytes().all(|b| b.is_ascii_alphabetic());
    // `WITHPAYLOADS`, `EXPLAINSCORE`: a command's keyword, in capitals.
    let keyword =
        value.bytes().all(|b| b.is_ascii_uppercase()) && super::super::reads_as_words(value);
    if lowercase_word
        || keyword
        || value.bytes().all(|b| b.is_ascii_digit())
        || is_version_spec(value)
        || is_sql_column_type(value)
        || is_rate_limit(value)
        || is_unsigned_jwt_stand_in(value)
    {
        return false;
    }
    // Identifiers, not credentials: `cert-manager-webhook` or `label.password`
    // (lowercase words joined), `AWS_SECRET_ACCESS_KEY` (an env var's name),
    // `.value` (a property), translated UI text (non-ASCII), regexes (`\s`).
    // `login#forgot_password` (a Rails route's `controller#action`) too.
    let identifier = !is_app_password(value)
        && value.bytes().all(|b| {
            b.is_ascii_lowercase() || matches!(b, b'-' | b'_' | b'.' | b'/' | b':' | b'#')
        });
    // `backups-s3-credentials`, `fedora-41-ima`: a resource's name, lowercase
    // words joined, with two digits at most (inside a word, `s3`, or a number
    // after the first word).
    let resource_name = value.split(['-', '_', '.']).count() >= 2
        && value.bytes().filter(u8::is_ascii_digit).count() <= 2
        && value.split(['-', '_', '.']).enumerate().all(|(i, word)| {
            let number = i > 0 && !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit());
            number
                || (word.starts_with(|c: char| c.is_ascii_lowercase())
                    && word
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
        });
    let env_name = is_env_name(value);
    // `variable-2`, `string_3`: CodeMirror-style token classes, numbered names.
    let numbered_name = value.rsplit_once(['-', '_']).is_some_and(|(name, n)| {
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_')
            && (1..=2).contains(&n.len())
            && n.bytes().all(|b| b.is_ascii_digit())
    });
    // `background.surface0`, `color.gray.100`: a theme's design-token path, the
    // words of a dotted name with a step number.
    let token_path = value.split('.').count() >= 2
        && value.split('.').enumerate().all(|(i, part)| {
            let words = part.trim_end_matches(|c: char| c.is_ascii_digit());
            !part.is_empty()
                && words
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_')
                && (words.starts_with(|c: char| c.is_ascii_lowercase())
                    || i > 0 && words.is_empty())
        });
    if identifier
        || resource_name
        || env_name
        || numbered_name
        || token_path
        || ((!quoted || is_bound_attribute(c)) && is_secret_named_identifier(value))
        || !value.is_ascii()
        || value.starts_with('.')
        || value.contains("?.")
        || value.contains('\\')
    {
        return false;
    }
    let key = key.trim_start_matches(['$', '@']);
    let Some(kind) = name_kind(key) else {
        return false;
    };
    // Placeholders are the engine's last check (`reject_placeholders`).
    if squash(key) == squash(value) || is_reference_literal(value) || is_known_non_secret(value) {
        return false;
    }
    if value.starts_with("AIza") && in_firebase_web_config(c) {
        return false;
    }
    if is_record_pair(value)
        || named_after_key(key, value)
        || is_key_word_default(key, value)
        || is_rule_list(value)
        || is_file_name(value)
        // A signed URL's credential scope (`X-Amz-Credential=AKIA…/…/aws4_request`,
        // `X-Goog-Credential=…%40….iam.gserviceaccount.com/…/goog4_request`): a key
        // ID or an account's e-mail and the scope, not a secret.
        || {
            let lower = value.to_ascii_lowercase();
            lower.contains("aws4_request") || lower.contains("goog4_request")
        }
    {
        return false;
    }
    if is_path_like(value) || is_plain_url(value) {
        return false;
    }
    if kind == NameKind::Dsn && !has_url_credentials(value) {
        return false;
    }
    // `DSN=postgres://kratos:secret@postgresd/…`: the URL's password is what counts.
    // `postgresql://PH_DB_USER:PH_DB_PASSWD@127.0.0.1/…`: names an installer
    // substitutes, not a password.
    if let Some((user, password, host)) = url_login(value) {
        if is_placeholder(password)
            || is_env_name(password)
            || super::formats::is_dev_stack_login(user, password, host)
        {
            return false;
        }
    }
    // `v1,whsec_VGhpcyBpcyBhbiBleGFtcGxl…`: a prefix then base64 of a sentence
    // ("This is an example…"): judge the body too.
    if let Some(body) = value
        .rsplit([',', '_'])
        .next()
        .filter(|body| body.len() >= 16 && body.len() < value.len())
    {
        let decoded = decode_base64(body, false, 4096).or_else(|| decode_base64(body, true, 4096));
        if let Some(Ok(text)) = decoded.map(String::from_utf8) {
            let sentence = text.contains(' ') && !text.contains(['{', '<']);
            if sentence && text.chars().all(|ch| !ch.is_control()) && is_placeholder(&text) {
                return false;
            }
        }
    }
    // `aHR0cDovL2xvY2FsaG9zdDo4MDgw…`: base64 of a URL (`http://localhost:8080/…`),
    // an address encoded for a query string, not a credential. (Base64 of a PEM
    // block with no key in it, `LS0tLS1CRUdJTiBDRVJ=`, is `is_known_non_secret`'s.)
    let whole = value.len() - value.len() % 4;
    if value.len() >= 16
        && value
            .get(..whole)
            .and_then(|v| decode_base64(v, false, 4096))
            .is_some_and(|d| d.starts_with(b"http://") || d.starts_with(b"https://"))
    {
        return false;
    }
    // `password="{xor}Lz4sLCgwLTs="`: WebSphere and Liberty's `{xor}` encoding (base64
    // of each byte XOR `_`) hides nothing: judge what it encodes.
    if let Some(bytes) = value
        .strip_prefix("{xor}")
        .and_then(|encoded| decode_base64(encoded, false, 1024))
    {
        let decoded: String = bytes.iter().map(|b| char::from(b ^ b'_')).collect();
        if is_placeholder(&decoded) || is_known_non_secret(&decoded) {
            return false;
        }
    }
    // Kubernetes Secret `data:` holds base64: judge what it encodes.
    if let Some(decoded) = decode_printable_base64(value) {
        let decoded = decoded.as_str();
        if is_placeholder(decoded)
            || is_known_non_secret(decoded.trim_end())
            || is_key_word_default(key, decoded.trim_end())
        {
            return false;
        }
        // In a Secret manifest the decoded value is the literal: it gets the
        // same 8-char minimum, and the manifest's own name is no secret
        // (`storageos` in `storageos-secret`, `sCaleio123` for `kubernetes.io/scaleio`).
        if is_kubernetes_secret(c.text)
            && (decoded.trim_end().chars().count() < 8
                || names_the_manifest(c.text, decoded)
                || repeats_a_plain_entry(c.text, value))
        {
            return false;
        }
    }
    true
}

/// `hyznbkanpfxm…`: 16 random lowercase letters, the shape of the app passwords
/// Google and others issue for SMTP and IMAP logins (shown as four groups of
/// four). A word chain (`mysecretpassword`) or a pronounceable run is typed.
fn is_app_password(value: &str) -> bool {
    let vowels = value
        .bytes()
        .filter(|b| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u'))
        .count();
    value.len() == 16
        && value.bytes().all(|b| b.is_ascii_lowercase())
        && vowels <= 6
        && !super::super::reads_as_words(value)
}

/// `"tmgc vhjx bgak jkmx"`: an app password as Google shows it, four groups of
/// four letters, pasted with its spaces into a mail client's settings.
fn is_spaced_app_password(value: &str) -> bool {
    let groups: Vec<&str> = value.split(' ').collect();
    groups.len() == 4 && groups.iter().all(|g| g.len() == 4) && is_app_password(&groups.concat())
}

/// What `value` encodes when it is whole base64 of printable text (newlines
/// allowed), as a Secret manifest's `data:` values are.
fn decode_printable_base64(value: &str) -> Option<String> {
    if !value.len().is_multiple_of(4) {
        return None;
    }
    let decoded = String::from_utf8(decode_base64(value, false, 4096)?).ok()?;
    let printable = !decoded.is_empty() && decoded.chars().all(|ch| !ch.is_control() || ch == '\n');
    printable.then_some(decoded)
}

/// A translation or message key: dotted or `_`-joined words
/// (`ra.validation.passwordDoesNotMatch`, `app_navigationTree_connection_group_user`)
/// or a namespace and a key (`fields:showPassword`).
fn is_message_key(value: &str) -> bool {
    let word = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphabetic());
    let dotted: Vec<&str> = value.split('.').collect();
    // `argument.block.0`: a highlighter's token class, numbered.
    let numbered_class = dotted.len() >= 3
        && dotted.iter().filter(|s| word(s)).count() >= 2
        && dotted.first().is_some_and(|s| word(s))
        && dotted
            .iter()
            .all(|s| word(s) || (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())));
    // `app_navigationTree_connection_group_user`: words joined by `_`.
    let snake: Vec<&str> = value.split('_').collect();
    numbered_class
        || (snake.len() >= 3
            && snake.iter().all(|s| word(s))
            && super::super::reads_as_words(value))
        || value.split_once(':').is_some_and(|(ns, key)| {
            word(ns) && ns.bytes().all(|b| b.is_ascii_lowercase()) && word(key)
        })
}

/// `userid:2`, `page:10`, `max_terms=100`: a lowercase field name, a colon (or
/// `=`) and a number is a record or an option, not a credential.
fn is_record_pair(value: &str) -> bool {
    value.split_once([':', '=']).is_some_and(|(field, id)| {
        !field.is_empty()
            && field.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            && !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_digit())
    })
}

/// A product's default built from its key's words: chosen to be remembered,
/// documented with the product.
fn is_key_word_default(key: &str, value: &str) -> bool {
    is_key_word_counted(key, value) || is_name_and_key_word(key, value)
}

/// `asayerPostgres` for `postgresql-password` (OpenReplay's chart): a name and
/// the service its key names, two words in camelCase, letters only. Anyone who
/// reads the key can guess the value; a generated one has no such shape.
fn is_name_and_key_word(key: &str, value: &str) -> bool {
    if value.len() > 24 || !value.bytes().all(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let Some(cut) = value
        .char_indices()
        .skip(1)
        .find(|(_, c)| c.is_ascii_uppercase())
        .map(|(at, _)| at)
    else {
        return false;
    };
    let (first, second) = value.split_at(cut);
    let one_word = |w: &str| w.len() >= 3 && w.bytes().skip(1).all(|b| b.is_ascii_lowercase());
    let key_words: Vec<String> = super::super::normalize_name(key)
        .split('_')
        .filter(|w| w.len() >= 5)
        .map(str::to_owned)
        .collect();
    let names_key_word = |w: &str| {
        let w = w.to_ascii_lowercase();
        w.len() >= 5 && key_words.iter().any(|k| k.starts_with(&w))
    };
    // The other word is a name a person picked: pronounceable.
    one_word(first)
        && one_word(second)
        && ((names_key_word(first) && super::super::reads_as_words(second))
            || (names_key_word(second) && super::super::reads_as_words(first)))
}

/// A word of the key (or consecutive words, `clusterAdmin` of
/// `MONGODB_CLUSTER_ADMIN_PASSWORD`) then a counting run
/// (`harborAdminPassword: "Harbor12345"`, `ADMIN_PASSWORD=admin123`).
fn is_key_word_counted(key: &str, value: &str) -> bool {
    let word = value.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = &value[word.len()..];
    let counting = digits
        .as_bytes()
        .windows(2)
        .all(|pair| pair[1] == pair[0] + 1);
    word.len() >= 4
        && word.bytes().all(|b| b.is_ascii_alphabetic())
        && !digits.is_empty()
        && counting
        && {
            let words: Vec<String> = super::super::normalize_name(key)
                .split('_')
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect();
            (1..=3).any(|n| {
                words
                    .windows(n)
                    .any(|run| run.concat().eq_ignore_ascii_case(word))
            })
        }
}

/// A constant holding its own name (`MODEL_RESOURCE_TOKEN = 'resourceToken'`,
/// `stsLDAPPassword = "LDAPPassword"`, `AUTHENTICATION_TOKEN_KEY =
/// 'jhi-authenticationToken'`): the value spells two or more consecutive words of
/// the key, or three or more of its words in any order (`CwPrivateKey`), so it
/// names the thing rather than being it.
fn named_after_key(key: &str, value: &str) -> bool {
    let words: Vec<String> = super::super::normalize_name(key)
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    // `$CWApiKeyPrivate = "CwPrivateKey"`: the key's words in another order,
    // typed as a CamelCase name.
    let value_words: Vec<String> = super::super::normalize_name(value)
        .split('_')
        .map(str::to_owned)
        .collect();
    let reordered = value.bytes().all(|b| b.is_ascii_alphabetic())
        && value_words.len() >= 3
        && value_words.iter().all(|w| words.contains(w));
    let value = squash(value);
    reordered
        || words.windows(2).any(|pair| {
            let joined = pair.concat();
            joined.len() >= 6 && value.contains(&joined)
        })
}

/// Validation rules or a list of options, `|`-separated: `required|string|min:16`,
/// `'confirmed|'.$more` (the rest built in code), `required|notIn:[…`.
fn is_rule_list(value: &str) -> bool {
    let rules: Vec<&str> = value.trim_end_matches('|').split('|').collect();
    // One conditional rule (`required_if:change_password,true`) is a list too.
    let conditional = ["required_", "exclude_", "prohibited_", "missing_"]
        .iter()
        .any(|p| value.starts_with(p))
        && value.contains(':');
    (value.contains('|') || conditional)
        && rules.iter().all(|rule| {
            let name = rule.split(':').next().unwrap_or("");
            name.starts_with(|c: char| c.is_ascii_lowercase())
                && name.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_')
        })
}

/// `ca.ecdsa.P224.pem`, `server-key.json`, `logs-rsa-private-$ENVIRONMENT.pem`: a
/// file's name (maybe built from a variable), not its content.
fn is_file_name(value: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        "pem", "key", "crt", "cer", "der", "p12", "pfx", "jks", "keystore", "json", "yaml", "yml",
        "txt", "env", "conf", "cfg", "ini", "toml", "xml", "gpg", "asc", "pub",
    ];
    value.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
            && stem.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'$' | b'{' | b'}')
            })
    })
}

/// What a Kubernetes Secret manifest's base64 `data:` value encodes, when it is
/// printable text; any other value as it is.
pub(crate) fn secret_data_literal(text: &str, value: &str) -> String {
    match decode_printable_base64(value) {
        Some(d) if is_kubernetes_secret(text) => d.trim_end().to_string(),
        _ => value.to_string(),
    }
}

/// A Kubernetes `kind: Secret` manifest.
fn is_kubernetes_secret(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim();
        l == "kind: Secret" || l == "kind: \"Secret\""
    })
}

/// Whether `decoded`, without digits and punctuation, is a word of the manifest's
/// `name:` or `type:` (a product name chosen for a demo, not a generated value).
fn names_the_manifest(text: &str, decoded: &str) -> bool {
    let letters: String = decoded
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    letters.chars().count() >= 4
        && text.lines().any(|l| {
            let l = l.trim().to_lowercase();
            (l.starts_with("name:") || l.starts_with("type:")) && l.contains(&letters)
        })
}

/// Whether `value` is also set under a key that is not secret-named
/// (`POSTGRES_USER: ZGViZXppdW0=` beside `POSTGRES_PASSWORD: ZGViZXppdW0=`): a password
/// that repeats the user's or the database's name is a demo's, not a generated one.
fn repeats_a_plain_entry(text: &str, value: &str) -> bool {
    text.lines().any(|line| {
        line.trim().split_once(':').is_some_and(|(key, v)| {
            // `username: a2li…  # string "kibanaserver" base64 encoded`
            let v = v.split(" #").next().unwrap_or(v);
            v.trim().trim_matches(['"', '\'']) == value
                && !crate::secrets::is_secret_name(key.trim().trim_matches(['"', '\'']))
        })
    })
}

/// A UI label or its translation, not a secret: words of letters (any script)
/// joined by `-`, `_`, `.` or `/`, each lowercase, Capitalized or a short acronym:
/// `Betula-Token`, `API-avaimet`, `Google-Reader-Passwort`.
pub(super) fn is_label(value: &str) -> bool {
    let words: Vec<&str> = value.split(['-', '_', '.', '/', ' ', ':']).collect();
    words.len() >= 2
        && words.iter().all(|w| {
            let mut chars = w.chars();
            let Some(first) = chars.next() else {
                return false;
            };
            let rest: Vec<char> = chars.collect();
            // `S3`, `Kms`, `API`: a short acronym may hold a digit.
            let acronym =
                w.chars().all(|c| c.is_uppercase() || c.is_ascii_digit()) && w.chars().count() <= 5;
            first.is_alphabetic()
                && (acronym
                    || (rest.iter().all(|c| c.is_alphabetic())
                        && rest.iter().all(|c| c.is_lowercase())))
        })
}

/// A variable's or placeholder's name that says it holds a secret, written in
/// CamelCase words (few digits): `twoFactorLoginToken` (a Vue-bound attribute's
/// expression), `TheSecretKeyObtainedFromR2` (a how-to's unquoted placeholder).
/// Random tokens mix in digits or do not spell a secret's name. Only for unquoted
/// values and bound attributes: a quoted `youCantHandleThisSecret` is a password.
fn is_secret_named_identifier(value: &str) -> bool {
    let digits = value.bytes().filter(u8::is_ascii_digit).count();
    value.starts_with(|ch: char| ch.is_ascii_alphabetic())
        && value.bytes().all(|b| b.is_ascii_alphanumeric())
        && value.bytes().any(|b| b.is_ascii_uppercase())
        && value.bytes().any(|b| b.is_ascii_lowercase())
        && digits * 10 <= value.len()
        && name_kind(value).is_some()
}

/// A Vue (`:login-token="…"`, `v-bind:…`), Angular (`[token]="…"`) or Odoo QWeb
/// (`t-att-accesskey="view.accessKey"`, `t-attf-…`) attribute bound to an
/// expression: its quoted value is code.
fn is_bound_attribute(c: &Candidate<'_>) -> bool {
    let head = c.text.get(..c.context_span.start as usize).unwrap_or("");
    let key = c.group("key").unwrap_or("");
    head.ends_with(':')
        || head.ends_with('[')
        || ["t-att-", "t-attf-"]
            .iter()
            .any(|qweb| head.ends_with(qweb) || key.starts_with(qweb))
}

/// `someone@example.org`: an address, not a password.
/// `apache-proxy@`, `wget@`: the e-mail-style identifier anonymous FTP takes as a
/// password (a client's name, its host left for the server to add), public by
/// convention.
fn is_anonymous_login(value: &str) -> bool {
    value.strip_suffix('@').is_some_and(|local| {
        local.starts_with(|c: char| c.is_ascii_lowercase())
            && local
                .bytes()
                .all(|b| b.is_ascii_lowercase() || matches!(b, b'-' | b'.'))
    })
}

/// `eyJhbGciOi` (`{"alg":`): the base64 of a JSON object's first bytes, too
/// short for any token; a constant a masker or parser searches for.
fn is_json_fragment(value: &str) -> bool {
    value.starts_with("eyJ") && value.len() < 24 && !value.contains('.')
}

fn is_email(value: &str) -> bool {
    value.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !local.contains(':')
            && domain.contains('.')
            && domain
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
    })
}

/// `define('AUTH_KEY', '…')`, `env("SECRET_KEY", default="…")`: a secret-named
/// constant or setting and its literal. Generated values (long, high entropy) count
/// even with blanks and brackets in them (WordPress salts); others must pass the
/// placeholder, label and prose checks.
pub(super) fn validate_named_call(c: &Candidate<'_>) -> bool {
    let Some(key) = c.group("key") else {
        return false;
    };
    if name_kind(key) != Some(NameKind::Secret) {
        return false;
    }
    let value = c.secret;
    // `requireEnv("LINEAR_API_KEY", "LINEAR_ACCESS_KEY")`: another variable's name.
    if is_env_name(value) {
        return false;
    }
    // `env.StringFromEnv("AZURE_ARM_TOKEN_RESOURCE", "https://management…")`: an address;
    // `DEFINE('DEPLOY_KEY', '/var/www/.ssh/id_rsa')`: a key file's path.
    if is_plain_url(value) || is_path_like(value) {
        return false;
    }
    if value.chars().count() >= 32 && shannon_entropy(value) >= 4.5 {
        return true;
    }
    let app_password = is_spaced_app_password(value);
    (!value.chars().any(char::is_whitespace) || app_password)
        && !is_placeholder(value)
        && (!is_label(value) || app_password)
        && !is_reference_literal(value)
        && !is_known_non_secret(value)
        // `get_env("NEW_RELIC_LICENSE_KEY", "newrelicliscencekey")`: a default that
        // names what goes there.
        && !named_after_key(key, value)
        && !is_key_word_default(key, value)
}

/// `AWS_SECRET_ACCESS_KEY`: an environment variable's name.
pub(super) fn is_env_name(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && value.contains('_')
}

/// `<password>…</password>`, `<property name="connection.password">…</property>`
/// (Maven, Hibernate, Spring XML): a secret-named element or property.
pub(super) fn validate_xml_value(c: &Candidate<'_>) -> bool {
    let Some(name) = c.group("key").or_else(|| c.group("tag")) else {
        return false;
    };
    let value = c.secret;
    name_kind(name) == Some(NameKind::Secret)
        && !value.chars().any(char::is_whitespace)
        && !is_label(value)
        && !is_known_non_secret(value)
        && !is_reference_literal(value)
}

/// `conn.login('user@example.com', 'literal')`: an API client logging in with a
/// password written in the code.
pub(super) fn validate_login_call(c: &Candidate<'_>) -> bool {
    let user = c.group("user").unwrap_or("").trim_matches(['\'', '"']);
    !user.is_empty()
        && !c.secret.chars().any(char::is_whitespace)
        && !is_label(c.secret)
        && !is_known_non_secret(c.secret)
        && !is_reference_literal(c.secret)
}

/// `npm:^3.972.78`, `^4.19.2`, `~> 5.0`, `>=1.2`, `workspace:*`.
fn is_version_spec(value: &str) -> bool {
    let v = value
        .strip_prefix("npm:")
        .or_else(|| value.strip_prefix("workspace:"))
        .unwrap_or(value);
    let v = v.trim_start_matches(['^', '~', '>', '<', '=', ' ', 'v']);
    // NOTE: a dot is required: `7a2f9a42…` (a hex API key) is no version.
    v == "*"
        || (v
            .split('.')
            .next()
            .is_some_and(|major| !major.is_empty() && major.bytes().all(|b| b.is_ascii_digit()))
            && v.contains('.')
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+')))
}

/// `VARCHAR(1000)`, `CHAR(64)`, `DECIMAL(10,2)`: a schema's column type (an
/// `"id_token" => "VARCHAR(1000)"` table definition), not a value.
fn is_sql_column_type(value: &str) -> bool {
    const SIZED_TYPES: &[&str] = &[
        "varchar",
        "nvarchar",
        "char",
        "nchar",
        "varbinary",
        "binary",
        "bit",
        "decimal",
        "numeric",
        "float",
        "int",
        "tinyint",
        "smallint",
        "mediumint",
        "bigint",
        "character varying",
        "varchar2",
        "nvarchar2",
        "raw",
    ];
    value.split_once('(').is_some_and(|(name, size)| {
        SIZED_TYPES.contains(&name.to_ascii_lowercase().as_str())
            && size.strip_suffix(')').is_some_and(|n| {
                !n.is_empty()
                    && (n.eq_ignore_ascii_case("max")
                        || n.bytes().all(|b| b.is_ascii_digit() || b == b','))
            })
    })
}

/// `20/m/ip,5/5m/key`, `100/day`, `5/minute`: a rate limit (django-allauth,
/// django-ratelimit, DRF throttles), a count per period under a name like
/// `reset_password`.
fn is_rate_limit(value: &str) -> bool {
    const PERIODS: &[&str] = &[
        "s", "sec", "second", "m", "min", "minute", "h", "hour", "d", "day", "w", "week",
    ];
    value.split(',').all(|rate| {
        let mut parts = rate.trim().split('/');
        let count = parts.next().unwrap_or("");
        // `5m`: a period of five minutes.
        let period = parts
            .next()
            .unwrap_or("")
            .trim_start_matches(|c: char| c.is_ascii_digit());
        let period = match period.strip_suffix('s') {
            Some(singular) if singular.len() > 1 => singular,
            _ => period,
        };
        let scope: Vec<&str> = parts.collect();
        !count.is_empty()
            && count.bytes().all(|b| b.is_ascii_digit())
            && PERIODS.contains(&period)
            && scope.len() <= 1
            && scope
                .iter()
                .all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
    })
}

/// `eyJhbGciOiJSUzI1NiJ9.oidcpayload`: a JWT's header glued to a word, which no
/// issuer signs (its payload does not decode to a JSON object). A real token is
/// the `jwt` detector's.
fn is_unsigned_jwt_stand_in(value: &str) -> bool {
    let mut parts = value.split('.');
    let (Some(header), Some(payload)) = (parts.next(), parts.next()) else {
        return false;
    };
    let rest = parts.count();
    let header_is_json = decode_base64(header, true, 4096)
        .is_some_and(|h| h.first() == Some(&b'{') && h.last() == Some(&b'}'));
    let payload_is_json =
        decode_base64(payload, true, 64 * 1024).is_some_and(|p| p.first() == Some(&b'{'));
    header.starts_with("eyJ") && rest <= 1 && header_is_json && !payload_is_json
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Unquoted code that names a value instead of being one: calls, paths,
/// member accesses, bare identifiers, YAML tags, anchors and structures.
fn is_code_reference(v: &str) -> bool {
    // CUE definitions (`#SecretType`) are types.
    let v = v
        .strip_prefix('#')
        .filter(|rest| rest.starts_with(|ch: char| ch.is_ascii_alphabetic()))
        .unwrap_or(v);
    if v.contains(['(', ')', '<', '>', '[', ']', '{', '}']) || v.contains("::") {
        return true;
    }
    if v.starts_with(['!', '&', '*', '[', '{', '|', '>', '(']) {
        return true;
    }
    // `?TOKEN_TAB`, `?REDACT_VAL`: an Erlang macro, expanded at compile time.
    if v.strip_prefix('?').is_some_and(|name| {
        name.len() >= 2
            && name.starts_with(|c: char| c.is_ascii_uppercase())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    }) {
        return true;
    }
    // `accessKeyID/credScope`: names of parts, as in a format description.
    if v.contains('/')
        && v.split('/')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        return true;
    }
    let is_ident = |s: &str| {
        s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    };
    let has = |f: fn(&u8) -> bool| v.as_bytes().iter().any(f);
    if is_ident(v) && !has(u8::is_ascii_digit) {
        // A long random run of letters is a value even without digits.
        let random_letters = v.len() >= 20 && !v.contains('_') && shannon_entropy(v) >= 4.0;
        return !random_letters;
    }
    // `snake_case_2`, `_bindgen_ty_7`: names, unless mixed like a random token.
    if is_ident(v)
        && v.contains('_')
        && !(has(u8::is_ascii_uppercase) && has(u8::is_ascii_lowercase) && has(u8::is_ascii_digit))
    {
        return true;
    }
    // `user.issue_password_reset!`, `obj.valid?`: Ruby method names may end in `!` or `?`.
    v.contains('.')
        && v.split('.')
            .all(|part| is_ident(part.trim_end_matches(']').trim_end_matches(['!', '?'])))
}

/// An unquoted value with more on its line is the start of an expression or a
/// command, not a literal: `key = prefix + "_token"`, `$pw = Get-Password $c`,
/// `password: my secret phrase` (prose). Shell's `KEY=value cmd` (no space before
/// `=`) and a trailing comment still count as literals.
fn continues_as_code(c: &Candidate<'_>, op: &str) -> bool {
    let rest = c.text.get(c.span.end as usize..).unwrap_or("");
    let line = rest.split('\n').next().unwrap_or("");
    let after = line.trim_start_matches([' ', '\t']);
    if after.len() == line.len() || after.is_empty() || after.starts_with(['#', '/', '\r']) {
        return false;
    }
    let before_op = c.context_span.start as usize
        + c.text
            .get(c.context_span.range())
            .and_then(|m| m.find(op))
            .unwrap_or(0);
    let spaced_op = c
        .text
        .get(..before_op)
        .is_some_and(|head| head.ends_with([' ', '\t']));
    match op {
        // YAML or JSON: another word after a plain scalar makes it text.
        ":" => after.starts_with(|ch: char| ch.is_ascii_alphanumeric()),
        _ => spaced_op,
    }
}

/// PowerShell: `$password = Get-JenkinsPassword` calls a cmdlet (Verb-Noun).
fn is_powershell_command(key: &str, value: &str) -> bool {
    let Some((verb, noun)) = value.split_once('-') else {
        return false;
    };
    let capitalised = |w: &str| {
        w.starts_with(|ch: char| ch.is_ascii_uppercase())
            && w.bytes().all(|b| b.is_ascii_alphabetic())
    };
    key.starts_with('$') && capitalised(verb) && capitalised(noun)
}

/// `/etc/app/key`, `./secret.txt`, `~/.token`.
pub(crate) fn is_path_like(v: &str) -> bool {
    // `pass: "/api/1/report/$2/$3"`: a location's rewrite target, with the
    // regex's captures.
    (v.starts_with('/') || v.starts_with("./") || v.starts_with("../") || v.starts_with("~/"))
        && v.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'_' | b'-' | b'~' | b'$')
        })
}

/// The user, password and host (without its port) of `scheme://user:password@host…`,
/// if it holds a password.
fn url_login(v: &str) -> Option<(&str, &str, &str)> {
    let rest = v.get(v.find("://")? + 3..)?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let (userinfo, host) = authority.rsplit_once('@')?;
    let (user, password) = userinfo.split_once(':')?;
    let host = host.rsplit_once(':').map_or(host, |(name, _)| name);
    Some((user, password, host)).filter(|_| !password.is_empty())
}

/// `scheme://user:password@host…`
fn has_url_credentials(v: &str) -> bool {
    url_login(v).is_some()
}

/// A URL with no password in it (`https://management.core.windows.net`): an address.
fn is_plain_url(v: &str) -> bool {
    v.contains("://") && !has_url_credentials(v)
}
