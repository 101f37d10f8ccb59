//! Validators of provider and file formats: PEM keys, AWS, Twilio, database URLs, JWTs.

use super::super::{
    is_known_non_secret, is_placeholder, is_reference_literal, name_kind, shannon_entropy,
    Candidate, NameKind,
};

/// A PEM block is a key only with a real base64 body (not `...` or a template).
pub(super) fn validate_private_key(c: &Candidate<'_>) -> bool {
    // `-----BEGIN THIS IS NOT A REAL PRIVATE KEY-----`: the label says so.
    let label = c
        .secret
        .split_once("-----BEGIN")
        .and_then(|(_, rest)| rest.split_once("-----"))
        .map_or("", |(label, _)| label);
    let stand_in_label = ["NOT A REAL", "FAKE", "DUMMY", "EXAMPLE"]
        .iter()
        .any(|word| label.contains(word));
    !stand_in_label
        && !c.secret.contains("...")
        && !c.secret.contains('…')
        && has_key_body(c.secret)
}

/// Whether a PEM block's body holds a key: a long, random base64 run with a
/// private key's structure (not `YYYY…`, not a first line quoted alone).
pub(in crate::secrets) fn has_key_body(block: &str) -> bool {
    longest_base64_run(block) >= 40 && has_random_body(block) && !shows_no_private_key(block)
}

/// A whole PEM block (`BEGIN` to `END`) that shows no private key: an RSA key's
/// body holding under a quarter of the bytes its DER header declares (its
/// version and the start of the public modulus: the first line quoted in an
/// API's parameter docs, `…MIIEpQIBAAKCAQEAuyf…\n.-----END RSA PRIVATE KEY-----`,
/// or a few lines standing for a key in a how-to), or a body that is no private
/// key's structure under a private-key label (a certificate in a test of the
/// wrong PEM type, a public key as a regex test's "fake key"), or base64 of plain
/// text ("these are just some fake … key bytes"). A nearly whole key
/// still fires: its primes can be rebuilt from what is shown. EC and Ed25519
/// keys hold their secret in their first bytes and are kept; so are a block cut
/// off before its `END` line, whole encrypted bodies (one under a quarter of its
/// declared length is a fragment) and formats that are not DER (OpenSSH, PGP).
fn shows_no_private_key(block: &str) -> bool {
    let Some((_, rest)) = block.split_once("-----BEGIN") else {
        return false;
    };
    let Some((label, body)) = rest
        .split_once("-----")
        .and_then(|(label, rest)| Some((label, rest.split_once("-----END")?.0)))
    else {
        return false;
    };
    if body.contains(": ") {
        return false;
    }
    let decoded = decode_body(body, false);
    // `dGhlc2UgYXJl…` is "these are just some fake … key bytes", `ZmFrZS1z…`
    // "fake-show-what-pem-looks-like": a key's stand-in written as base64 of a
    // sentence, under any label. Key bytes are never all printable text.
    if decoded.as_ref().is_some_and(|bytes| {
        bytes.len() >= 16
            && bytes
                .iter()
                .all(|&b| b.is_ascii_graphic() || b == b' ' || b == b'\n')
    }) {
        return true;
    }
    if label.trim() == "OPENSSH PRIVATE KEY" {
        return is_openssh_fragment(body);
    }
    let encrypted = label.contains("ENCRYPTED");
    let Some(der) = decoded else {
        return false;
    };
    // A DER SEQUENCE: tag 0x30, then a short length or 0x81/0x82 and its bytes.
    // Under a DER key label, a SEQUENCE with a length form no key has (`MOCKKEY…`
    // decodes to `30 e0 …`) is a stand-in typed to look like base64.
    let der_label = matches!(
        label.trim(),
        "RSA PRIVATE KEY" | "PRIVATE KEY" | "EC PRIVATE KEY" | "DSA PRIVATE KEY"
    );
    let (declared, content) = match der.as_slice() {
        [0x30, len, content @ ..] if *len < 0x80 => (2 + usize::from(*len), content),
        [0x30, 0x81, len, content @ ..] => (3 + usize::from(*len), content),
        [0x30, 0x82, hi, lo, content @ ..] => {
            (4 + (usize::from(*hi) << 8 | usize::from(*lo)), content)
        }
        [0x30, ..] => return der_label && der.len() >= 64,
        _ => return false,
    };
    // An encrypted body opens only with its passphrase, and only when whole: a test's
    // first two lines of one (header-stripping input) hold nothing.
    if encrypted {
        return der.len() * 4 < declared;
    }
    // A private key's SEQUENCE opens with its one-byte version (`02 01 00`); a
    // certificate's with another SEQUENCE, an RSA public key's with its modulus.
    if !content.starts_with(&[0x02, 0x01]) {
        return true;
    }
    // PKCS#8's rsaEncryption OID (1.2.840.113549.1.1.1).
    const RSA_OID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    let rsa = label.contains("RSA")
        || content
            .get(..24)
            .is_some_and(|head| head.windows(RSA_OID.len()).any(|w| w == RSA_OID));
    rsa && der.len() * 4 < declared
}

/// An OpenSSH key body whose shown lines end before its private section, or
/// hold under half of it: a how-to's first line and `<SKIPPED>` (the first
/// line is only the `openssh-key-v1` header and the start of the public key).
/// The body is read up to its first char that is no base64 (an elision mark);
/// a whole key parses to a private section as long as it declares.
fn is_openssh_fragment(body: &str) -> bool {
    let Some(bytes) = decode_body(body, true) else {
        return false;
    };
    let Some(mut rest) = bytes.strip_prefix(b"openssh-key-v1\0".as_slice()) else {
        return false;
    };
    fn take_u32(bytes: &[u8]) -> Option<(usize, &[u8])> {
        let (head, rest) = bytes.split_first_chunk::<4>()?;
        Some((u32::from_be_bytes(*head) as usize, rest))
    }
    fn take_string(bytes: &[u8]) -> Option<&[u8]> {
        let (len, rest) = take_u32(bytes)?;
        rest.get(len..)
    }
    // Cipher name, KDF name and KDF options, then the key count and public keys.
    for _ in 0..3 {
        match take_string(rest) {
            Some(next) => rest = next,
            None => return true,
        }
    }
    let Some((count, next)) = take_u32(rest) else {
        return true;
    };
    rest = next;
    for _ in 0..count.min(16) {
        match take_string(rest) {
            Some(next) => rest = next,
            None => return true,
        }
    }
    match take_u32(rest) {
        Some((declared, shown)) => shown.len() * 2 < declared,
        None => true,
    }
}

/// The bytes a PEM body's base64 decodes to, as far as whole quads go. Escaped
/// line breaks (`\n`, `\\n`) are layout, not base64. With `stop_at_mark`, reading
/// ends at padding or at the first char that is neither base64 nor blank (an
/// elision mark such as `<SKIPPED>`); without, such chars are skipped.
fn decode_body(body: &str, stop_at_mark: bool) -> Option<Vec<u8>> {
    let mut base64 = String::with_capacity(body.len());
    let mut escaped = false;
    for ch in body.chars() {
        match ch {
            '\\' => escaped = true,
            'n' | 'r' | 't' if escaped => escaped = false,
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '/') => {
                escaped = false;
                base64.push(c);
            }
            c if stop_at_mark && c.is_whitespace() => {}
            _ if stop_at_mark => break,
            _ => escaped = false,
        }
    }
    let usable = base64.len() / 4 * 4;
    base64
        .get(..usable)
        .and_then(|b| decode_base64(b, false, 64 * 1024))
}

/// A key's base64 body is random: `privatekeyprivatekey…` stand-ins are not.
pub(in crate::secrets) fn has_random_body(block: &str) -> bool {
    // `-----BEGIN X-----body-----END X-----`, maybe on one line with `\n` escapes.
    let body = if block.contains("-----BEGIN") {
        block.split("-----").nth(2).unwrap_or("")
    } else {
        block
    };
    if is_marked_invalid(body) {
        return false;
    }
    let body: String = body
        .lines()
        .filter(|l| !l.contains(": "))
        .flat_map(|l| l.chars())
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/'))
        .collect();
    shannon_entropy(&body) >= 4.5 && !has_periodic_run(&body)
}

/// Authelia's configuration template breaks its sample keys on purpose
/// (`…Qzw^invalid..` then `DO NOT USE==` before the `END` line): a `^` or those
/// words never occur in base64 (a random body spells `invalid` once in 10^7
/// keys), so the block is a marked stand-in, not a key.
fn is_marked_invalid(body: &str) -> bool {
    let lower = body.to_ascii_lowercase();
    body.contains('^') || lower.contains("invalid") || lower.contains("do not use")
}

/// A unit of 2 to 4 chars, not one char over and over, repeated 5 times in a row
/// (`K6lK6lK6lK6lK6l`): typed filler. Real base64 repeats only zero or 0xFF bytes
/// (`AAAA`, `////`); by chance a 2-char unit recurs 5 times once in 64^8.
fn has_periodic_run(body: &str) -> bool {
    let b = body.as_bytes();
    (2..=4).any(|unit: usize| {
        let span = unit * 5;
        b.windows(span).any(|w| {
            let (head, rest) = w.split_at(unit);
            head.first().is_some_and(|f| head.iter().any(|c| c != f))
                && rest.chunks(unit).all(|chunk| chunk == head)
        })
    })
}

fn longest_base64_run(s: &str) -> usize {
    let mut best = 0;
    let mut run = 0;
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=') {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

/// The name must be AWS's (or a secret key's), and the value exactly 40 mixed
/// base64 chars, not a hex digest.
pub(super) fn validate_aws_secret(c: &Candidate<'_>) -> bool {
    let key: String = c
        .group("key")
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|ch| ch.to_ascii_lowercase())
        .collect();
    let aws_name =
        key.contains("aws") || key.contains("secretaccesskey") || key.contains("secretkey");
    if !aws_name || c.group("key").is_some_and(name_is_reference) {
        return false;
    }
    // `arn:aws:iam::aws:policy/...`: an "aws" inside an ARN is not a key name.
    let before = c.text.get(..c.context_span.start as usize).unwrap_or("");
    if before.ends_with(':') {
        return false;
    }
    if c.byte_after()
        .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    {
        return false;
    }
    let s = c.secret;
    // `6LcJcjwUAAAAA…`: a reCAPTCHA key (`6L`, a site ID, a run of `A`), not AWS's.
    if (s.starts_with("6L") && s.get(8..12) == Some("AAAA")) || is_known_non_secret(s) {
        return false;
    }
    s.bytes().any(|b| b.is_ascii_uppercase())
        && s.bytes().any(|b| b.is_ascii_lowercase())
        && s.bytes()
            .any(|b| b.is_ascii_digit() || b == b'/' || b == b'+')
        && !s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether the name's last segment marks a reference (`aws_secret_arn`).
fn name_is_reference(name: &str) -> bool {
    let norm = super::super::normalize_name(name);
    norm.split('_')
        .rfind(|s| !s.is_empty())
        .is_some_and(|last| super::super::REFERENCE_SUFFIXES.contains(&last))
}

/// After an account SID anything 32-hex is the token; after a name, the name
/// must be a twilio secret name (`TWILIO_AUTH_TOKEN`, not `TWILIO_SID`).
pub(super) fn validate_twilio_auth_token(c: &Candidate<'_>) -> bool {
    match c.group("key") {
        Some(key) => name_kind(key) == Some(NameKind::Secret),
        None => c.group("sid").is_some(),
    }
}

/// `44.44.44.444`: four dotted numbers with one over 255 is no address, a
/// masked host in a usage example (`mongodb://<id>:<pw>@<ip>:<port>` beside it).
fn is_impossible_address(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
        && parts
            .iter()
            .any(|p| p.parse::<u16>().is_ok_and(|n| n > 255))
}

/// Documentation hosts do not hold real databases. A dev default (`postgres`,
/// `password123`) on a local or container host is a placeholder, but any password
/// on a public host name (`ds048537.mongolab.com`) opens a real database.
pub(super) fn validate_database_url(c: &Candidate<'_>) -> bool {
    // `user:myAwEsOm3pa55@w0rd@db`: the userinfo ends at the authority's last `@`,
    // so the password runs on past the first one.
    let tail = c
        .text
        .get(c.span.end as usize..)
        .unwrap_or("")
        .split(|ch: char| {
            ch.is_whitespace() || matches!(ch, '/' | '?' | '#' | '"' | '\'' | '`' | '<' | '>')
        })
        .next()
        .unwrap_or("");
    let (written, host) = match tail.strip_prefix('@').and_then(|t| t.rsplit_once('@')) {
        Some((more, host)) => (
            format!("{}@{more}", c.secret),
            host.split(':').next().unwrap_or(host).to_ascii_lowercase(),
        ),
        None => (
            c.secret.to_string(),
            c.group("host").unwrap_or("").to_ascii_lowercase(),
        ),
    };
    if host.contains("example")
        || is_impossible_address(&host)
        || is_dev_stack_login(c.group("user").unwrap_or(""), &written, &host)
        || is_reference_literal(&written)
        || super::assignments::is_env_name(&written)
    {
        return false;
    }
    // `P%40ssw0rd`: judge the password the URL encodes.
    let password = percent_decode(&written);
    if !is_placeholder(&password) {
        return true;
    }
    let lower = password.to_ascii_lowercase();
    let single_word = super::super::PLACEHOLDER_WORDS
        .iter()
        .any(|w| lower.trim_end_matches(|ch: char| ch.is_ascii_digit()) == *w);
    is_public_host(&host) && super::super::stores::is_stored_secret(c.secret) && !single_word
}

/// A URL login that is a dev stack's default: the password is the user name
/// (`umami:umami@db`, `loader:loader@localhost`, in leetspeak `passbolt:P4ssb0lt@db`), or a person picked it for a
/// database on a container or local host (`mysql://root:whalehello@db`). A
/// generated one is kept as seriously as on a public host.
pub(super) fn is_dev_stack_login(user: &str, password: &str, host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let container_or_loopback = !host.contains('.') || host.starts_with("127.");
    let private = host.starts_with("10.")
        || host.starts_with("192.168.")
        || (16..=31).any(|n| host.starts_with(&format!("172.{n}.")));
    (!user.is_empty() && user == password)
        // `kamailio:kamailiorw@192.168.1.2`: on a local or private host, the
        // login's name and a short suffix, a default derived from the user
        // (Kamailio's `kamailiorw`); on a hosted database it is a password.
        || ((container_or_loopback || private)
            && user.len() >= 4
            && password.len() <= user.len() + 3
            && password
                .to_ascii_lowercase()
                .starts_with(&user.to_ascii_lowercase()))
        // `passbolt:P4ssb0lt@db`: the user name in leetspeak.
        || (user.len() >= 4
            && super::super::values::unleet(&password.to_ascii_lowercase(), true)
                == user.to_ascii_lowercase())
        || (container_or_loopback && super::super::is_chosen_by_a_person(&percent_decode(password)))
}

/// `%XX` escapes decoded (invalid ones and non-UTF-8 results kept as written).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

/// A DNS name outside local, internal and documentation domains.
pub(in crate::secrets) fn is_public_host(host: &str) -> bool {
    const LOCAL_SUFFIXES: &[&str] = &[
        ".local",
        ".localhost",
        ".internal",
        ".test",
        ".invalid",
        ".lan",
        ".svc",
        ".cluster.local",
    ];
    host.contains('.')
        && host.bytes().any(|b| b.is_ascii_alphabetic())
        && host != "localhost"
        && !host.starts_with("127.")
        && !LOCAL_SUFFIXES.iter().any(|s| host.ends_with(s))
}

/// A Firebase web config's `apiKey` identifies the project to browsers; Google
/// documents it as public (security rules guard the data): a key with `authDomain`
/// or a `*.firebaseapp.com` host within a few lines is not a secret.
pub(super) fn validate_google_api_key(c: &Candidate<'_>) -> bool {
    !in_firebase_web_config(c)
}

/// Whether the candidate sits within a few lines of a Firebase web config's
/// `authDomain` or `*.firebaseapp.com` host, or is the app key of a Firebase
/// mobile config: `google-services.json`'s `"current_key"`, the iOS plist's
/// `API_KEY` beside `GOOGLE_APP_ID` or `GCM_SENDER_ID`, Android resources'
/// `google_api_key` beside `gcm_defaultSenderId`. All ship inside the app,
/// public by design.
pub(super) fn in_firebase_web_config(c: &Candidate<'_>) -> bool {
    let start = (c.span.start as usize).saturating_sub(400);
    let end = (c.span.end as usize).saturating_add(400).min(c.text.len());
    let window = c
        .text
        .get(c.text.floor_char_boundary(start)..c.text.floor_char_boundary(end))
        .unwrap_or("");
    window.contains("authDomain")
        || window.contains("firebaseapp.com")
        || window.contains("firebaseio.com")
        // A Realtime Database URL in a region (`…-default-rtdb.europe-west1.firebasedatabase.app`).
        || window.contains("firebasedatabase.app")
        || window.contains("\"current_key\"")
        || window.contains("GOOGLE_APP_ID")
        || window.contains("GCM_SENDER_ID")
        // Android resources written by the google-services plugin.
        || window.contains("gcm_defaultSenderId")
        || window.contains("\"google_app_id\"")
        // The JS SDK's config object; FlutterFire's `firebase_options.dart`, whose
        // key may sit in a class of constants apart from the options it feeds.
        || window.contains("messagingSenderId")
        || c.text.contains("FirebaseOptions(")
        // A web app's ID (`FCM_APP_ID: "1:114126160546:web:aca6…"`) beside the key.
        || has_firebase_web_app_id(window)
}

/// `1:<project number>:web:<hex>`: the ID Firebase gives a web app.
fn has_firebase_web_app_id(window: &str) -> bool {
    window.match_indices(":web:").any(|(at, _)| {
        let before = window.get(..at).unwrap_or("");
        let number = before.trim_end_matches(|c: char| c.is_ascii_digit());
        let digits = before.len() - number.len();
        let hex = window
            .get(at + 5..)
            .unwrap_or("")
            .bytes()
            .take_while(u8::is_ascii_hexdigit)
            .count();
        digits >= 6 && number.ends_with("1:") && hex >= 8
    })
}

/// An incoming webhook's secret is 24 letters and digits
/// (`T…/B…/<24 chars>`); a how-to's made-up one (`T04D…/B04E…/TDHEI123WUEE`)
/// is shorter. Workflow and trigger URLs (four parts) keep their own form.
pub(super) fn validate_slack_webhook(c: &Candidate<'_>) -> bool {
    let parts: Vec<&str> = c.secret.split('/').collect();
    match parts.as_slice() {
        [_, _, token] => token.len() == 24,
        _ => true,
    }
}

/// A JWT: the header decodes to a JSON object with an `alg` other than `none`,
/// the payload to a JSON object, and the signature is non-trivial.
pub(super) fn validate_jwt(c: &Candidate<'_>) -> bool {
    is_live_jwt(c.secret)
}

/// Whether `token` (`header.payload.signature`) is a JWT that can still open
/// something: a JSON header with a real algorithm, a JSON payload, not expired,
/// not Supabase's public `anon` key, not signed with a tutorial's secret.
pub(super) fn is_live_jwt(token: &str) -> bool {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Some(header) = decode_base64(header, true, 4096) else {
        return false;
    };
    let Ok(header) = std::str::from_utf8(&header) else {
        return false;
    };
    if !header.trim_start().starts_with('{') {
        return false;
    }
    let alg = match json_string_field(header, "alg") {
        Some(alg) if !alg.eq_ignore_ascii_case("none") => alg,
        _ => return false,
    };
    let payload_is_object = decode_base64(payload, true, 64 * 1024).is_some_and(|p| {
        p.iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == b'{')
    });
    // Supabase's `anon` key is the public client key (row-level security guards
    // the data); its `service_role` key is the secret one.
    let payload_text = decode_base64(payload, true, 64 * 1024)
        .and_then(|p| String::from_utf8(p).ok())
        .unwrap_or_default();
    let public_client_key = json_string_field(&payload_text, "role") == Some("anon");
    // `"sub": "1234567890"` (jwt.io's sample, a test's made-up user): a subject
    // counting up was typed for a page or a test, as a counting value is anywhere.
    let sample_subject = json_string_field(&payload_text, "sub")
        .is_some_and(crate::secrets::values::has_counting_run);
    // `"iss": "urn:example:issuer"`, `"aud": "https://api.example.com"`: a token
    // minted for a library's or an RFC's example.
    let example_claims = ["iss", "aud"].iter().any(|claim| {
        json_string_field(&payload_text, claim)
            .is_some_and(crate::secrets::samples::names_a_documentation_host)
    });
    payload_is_object
        && !public_client_key
        && !names_only_an_account(&payload_text)
        && !sample_subject
        && !example_claims
        && !has_expired(&payload_text)
        && signature.len() >= 16
        && shannon_entropy(signature) >= 3.0
        && !signed_with_sample_secret(alg, token, signature)
}

/// `{"accountId":"61e4…","iat":1642393445}`: a payload that names an account or
/// site and nothing else (no user, scope or expiry): a web widget's embed key
/// (ProveSource's `provesrc.init({apiKey: …})`), printed in every page it runs on.
fn names_only_an_account(payload: &str) -> bool {
    let mut keys = payload
        .split('"')
        .skip(1)
        .step_by(2)
        .zip(payload.split('"').skip(2).step_by(2))
        .filter(|(_, after)| after.trim_start().starts_with(':'))
        .map(|(key, _)| key.to_ascii_lowercase());
    let mut account = false;
    let only_ids = keys.all(|key| match key.as_str() {
        "accountid" | "account_id" | "siteid" | "site_id" | "websiteid" | "widgetid" => {
            account = true;
            true
        }
        "iat" => true,
        _ => false,
    });
    only_ids && account
}

/// Secrets that tutorials, READMEs and dev setups sign sample tokens with:
/// jwt.io's defaults, `jsonwebtoken`'s `shhhhh`, and the words and digit runs
/// every dev config uses.
const SAMPLE_SIGNING_SECRETS: &[&str] = &[
    "secret",
    "your-256-bit-secret",
    "your-384-bit-secret",
    "your-512-bit-secret",
    "a-string-secret-at-least-256-bits-long",
    "shhhhh",
    "shhhhhared-secret",
    "secretkey",
    // Supabase CLI's local stack signs its demo `anon` and `service_role` keys
    // with this documented secret: the same keys in every local install.
    "super-secret-jwt-token-with-at-least-32-characters-long",
    // Supabase's self-hosting `.env.example` signs its example keys with this one.
    "your-super-secret-jwt-token-with-at-least-32-characters-long",
    "secret-key",
    "secret_key",
    "mysecret",
    "my-secret",
    "my_secret",
    "supersecret",
    "super-secret",
    "jwtsecret",
    "jwt-secret",
    "jwt_secret",
    "changeme",
    "password",
    "test",
    "testsecret",
    "test-secret",
    "dev",
    "development",
    "key",
    "keyboard cat",
    "12345",
    "123456",
    "12345678",
    "1234567890",
];

/// Whether an HMAC-signed JWT (`HS256`, `HS384`, `HS512`) verifies with a sample
/// secret: anyone can mint that token, so it opens nothing a reader could not
/// forge (a dev token "for secret=12345" in a REST client's request file).
fn signed_with_sample_secret(alg: &str, token: &str, signature: &str) -> bool {
    use sha2::{Sha256, Sha384, Sha512};
    let Some((signing_input, _)) = token.rsplit_once('.') else {
        return false;
    };
    let Some(signature) = decode_base64(signature, true, 128) else {
        return false;
    };
    let mac: fn(&[u8], &[u8]) -> Vec<u8> = match alg {
        "HS256" => |k, m| hmac::<Sha256>(64, k, m),
        "HS384" => |k, m| hmac::<Sha384>(128, k, m),
        "HS512" => |k, m| hmac::<Sha512>(128, k, m),
        _ => return false,
    };
    SAMPLE_SIGNING_SECRETS
        .iter()
        .any(|key| mac(key.as_bytes(), signing_input.as_bytes()) == signature)
}

/// HMAC (RFC 2104) over hash `D` with a `block`-byte block.
fn hmac<D: sha2::Digest>(block: usize, key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut padded = if key.len() > block {
        D::digest(key).as_slice().to_vec()
    } else {
        key.to_vec()
    };
    padded.resize(block, 0);
    let inner_pad: Vec<u8> = padded.iter().map(|b| b ^ 0x36).collect();
    let outer_pad: Vec<u8> = padded.iter().map(|b| b ^ 0x5c).collect();
    let mut inner = D::new();
    inner.update(&inner_pad);
    inner.update(message);
    let inner = inner.finalize();
    let mut outer = D::new();
    outer.update(&outer_pad);
    outer.update(inner.as_slice());
    outer.finalize().as_slice().to_vec()
}

/// Whether the payload's `exp` (seconds since 1970) is past: an expired token is
/// refused by whoever issued it, so it is a record, not a credential.
fn has_expired(payload: &str) -> bool {
    let Some(after) = payload
        .find("\"exp\"")
        .and_then(|i| payload.get(i + 5..))
        .and_then(|rest| rest.trim_start().strip_prefix(':'))
    else {
        return false;
    };
    let digits: String = after
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    digits.parse::<u64>().is_ok_and(|exp| exp < now)
}

/// The string value of `"field": "..."` in a small JSON object.
fn json_string_field<'j>(json: &'j str, field: &str) -> Option<&'j str> {
    let quoted = format!("\"{field}\"");
    let after = json.get(json.find(&quoted)? + quoted.len()..)?;
    let after = after.trim_start().strip_prefix(':')?.trim_start();
    let value = after.strip_prefix('"')?;
    value.get(..value.find('"')?)
}

/// Decode base64 (`url_safe`: `-_` alphabet, else `+/`), padding optional.
/// `None` when invalid or when the input exceeds `max_len` chars.
pub(in crate::secrets) fn decode_base64(
    s: &str,
    url_safe: bool,
    max_len: usize,
) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    if s.len() > max_len || s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' if url_safe => 62,
            b'_' if url_safe => 63,
            b'+' if !url_safe => 62,
            b'/' if !url_safe => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}
