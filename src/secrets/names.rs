//! Secret names: which keys announce a secret (`is_secret_name`) and of what kind.

/// What kind of secret a name announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NameKind {
    /// password, token, api key, …
    Secret,
    /// A DSN: a secret only when its URL carries credentials.
    Dsn,
}

/// Substrings of the squashed name (lowercase, no separators) that make it secret.
const STRONG_NAME_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "apikey",
    "privatekey",
    "accesskey",
    "accountkey",
    "credential",
    "authtoken",
];

/// Last name segments that make the name a reference to a secret, not a secret.
pub(super) const REFERENCE_SUFFIXES: &[&str] = &[
    "arn",
    "file",
    "files",
    "path",
    "name",
    "names",
    "id",
    "ids",
    "identifier",
    "identifiers",
    "url",
    "uri",
    "method",
    // `PASSWORD_AUTHENTICATION="scram-sha-256"`: how a password is checked.
    "authentication",
    "length",
    "len",
    "version",
    "type",
    "env",
    "ttl",
    // What is allowed or asked for (`API_KEY_RATE_LIMIT`, `AZURE_ARM_TOKEN_RESOURCE`).
    "limit",
    "limits",
    "rate",
    "quota",
    "throttle",
    "resource",
    "expiry",
    // `auth_token_rotated_date`: when the secret was last changed.
    "date",
    "timestamp",
    "expires",
    "expiration",
    "at",
    "timeout",
    "header",
    "field",
    // `TokenLookup: "form:_csrf,header:X-CSRF-Token"`: where to find the token.
    "lookup",
    "policy",
    "prefix",
    "suffix",
    "hash",
    "digest",
    "checksum",
    "sha",
    "commit",
    "rev",
    "revision",
    "count",
    "size",
    "enabled",
    "disabled",
    "required",
    "regex",
    "pattern",
    // `SECRET_KEY_PATTERNS='(LIVEKIT_API_SECRET|API_KEY)'`: what a check greps for.
    "patterns",
    "label",
    "placeholder",
    "hint",
    "prompt",
    "message",
    "msg",
    "error",
    "mode",
    "endpoint",
    "host",
    "port",
    "dir",
    "location",
    "format",
    "ref",
    "var",
    "variable",
    "param",
    "parameter",
    "template",
    "min",
    "max",
    "rotation",
    "kind",
    "provider",
    "backend",
    "source",
    "algorithm",
    "scope",
    "scopes",
    "audience",
    "issuer",
    "lifetime",
    "duration",
    "interval",
    "store",
    "reset",
    "status",
    "email",
    "user",
    "username",
    "encryption",
    "charset",
    "alphabet",
    "chars",
    "characters",
    "regexp",
    "scheme",
    "target",
    "selector",
    // How a secret is shown or hidden on a page (`SECRET_VISUAL_MASK_BLUR_FILTER`).
    "filter",
    "style",
    "css",
    "strategy",
    "input",
    "column",
    "validator",
    "strength",
    "helper",
    "class",
    "component",
    // Encrypted or hashed forms are not the secret (`serviceTokenCiphertext`).
    "ciphertext",
    "encrypted",
    // JOSE parameters (`id_token_encrypted_response_enc`), lists and policies of them.
    "enc",
    "alg",
    "claim",
    "claims",
    "list",
    "history",
    "dictionary",
    // Where a Secret is written or sent (`PUBSUB_SECRET_MANIFEST="k8s/…/pubsub.yml"`,
    // `tokenAddress`: an Ethereum contract's).
    "manifest",
    "manifests",
    "address",
    // `credentialBinding: "cloudflare-pages:site:production:secret:API_KEY"`:
    // which stored secret a deployment binds.
    "binding",
    "bindings",
    // What tokens cost (`MODEL_TOKEN_PRICES=…`).
    "price",
    "prices",
    "cost",
    "costs",
];

/// Name segments that say the thing is public or not a credential.
const NON_SECRET_SEGMENTS: &[&str] = &[
    "public",
    "pub",
    // A hash of a password is not the password (`hashed_password`, `password_digest`).
    // An encrypted one can be (wrongsecrets' `encryptedSecret` beside its key).
    "hashed",
    // `secret_checksum`: a digest, named for what it is.
    "checksum",
    "publishable",
    "csrf",
    "xsrf",
    "next",
    "page",
    "pagination",
    "continuation",
    "cursor",
    // A conversation's or change stream's position, sent back with the next call
    // (Discovery Engine's `assistToken`, MongoDB's `resumeToken`), like a page token.
    "assist",
    "resume",
    "rum",
    "browser",
    "frontend",
    // `REDACTED_CREDENTIAL_VALUE`, `masked_password`, `PLACEHOLDER_TOKEN`: the
    // marker shown or stored in a secret's place, named for that.
    "redacted",
    "masked",
    "placeholder",
    "sentinel",
    // `anonymous_user_password`, `SUPABASE_ANON_KEY`: what anyone may use, shared
    // by design (Anchore's published anonymous feed login).
    "anonymous",
    "anon",
    // Algolia DocSearch's key (`docsearch_api_key`) is search-only, for browsers.
    "docsearch",
    // `DEFAULT_NAMED_CREDENTIAL = 'GoogleBooksAPI'`: Salesforce's Named
    // Credentials are referred to by name; the secret stays in the org.
    "named",
    // Laravel's `remember_token`: a users row's "remember me" session column, seed
    // or dump data of a database, not a credential the code holds.
    "remember",
    // A credential's lifecycle (`credentialLifecycleReviewedHead`): a process's
    // state and notes, named for what they are about.
    "lifecycle",
    // `magicValueForNilBuildSecretData`: a sentinel hashed in place of no data.
    "magic",
];

/// `NEXT_PUBLIC_GOOGLE_MAP_KEY`, `VITE_KAKAO_MAP_KEY`, `VITE_FIREBASE_API_KEY`: a
/// map or Firebase web key under a name the frontend's bundler ships to every
/// browser (`NEXT_PUBLIC_`, `VITE_`, `REACT_APP_`, …). Map providers and Firebase
/// issue such keys for web pages (locked to the site's referrer, or guarded by
/// security rules); a server key under such a name (`VITE_OPENAI_KEY`) still fires.
pub(crate) fn names_a_public_browser_key(name: &str) -> bool {
    const BUNDLED: &[&str] = &[
        "NEXT_PUBLIC_",
        "VITE_",
        "REACT_APP_",
        "NUXT_PUBLIC_",
        "EXPO_PUBLIC_",
        "GATSBY_",
        "VUE_APP_",
    ];
    let upper = name.to_ascii_uppercase();
    let map = upper
        .split('_')
        .any(|segment| matches!(segment, "MAP" | "MAPS" | "GMAP" | "GMAPS"));
    // `VITE_FIREBASE_API_KEY`, not `VITE_FIREBASE_ADMIN_TOKEN`.
    let firebase = upper.split('_').any(|segment| segment == "FIREBASE") && upper.ends_with("_KEY");
    BUNDLED.iter().any(|p| upper.starts_with(p)) && (map || firebase)
}

/// Whether `name` is secret-named (the ruleset's "Secret-named" convention):
/// it contains password, passwd, pwd, secret, token, api_key/apikey/api-key,
/// private_key, access_key, credential(s), auth_token, client_secret or dsn,
/// and its last segment is not a reference suffix (`_arn`, `_file`, `_path`,
/// `_name`, `_id`, `_url`, `_method`, `_length`, `_version`, `_type`, `_env`,
/// `_ttl`, `_date`, …). Case-insensitive; camelCase, SCREAMING_SNAKE, kebab and dotted
/// (`spring.datasource.password`) names all work.
pub(crate) fn is_secret_name(name: &str) -> bool {
    name_kind(name).is_some()
}

pub(super) fn name_kind(name: &str) -> Option<NameKind> {
    if names_a_file(name) {
        return None;
    }
    let norm = normalize_name(name);
    let segments: Vec<&str> = norm.split('_').filter(|s| !s.is_empty()).collect();
    let last = *segments.last()?;
    // `from_secret` (Drone), `fromSecret`: the name says where the value comes
    // from, so the value names its source.
    if REFERENCE_SUFFIXES.contains(&last)
        || segments.iter().any(|s| NON_SECRET_SEGMENTS.contains(s))
        || segments.first() == Some(&"from")
        // `envFromSecret: grafana-oauth2-credentials`: the Secret the env comes from.
        || (segments.iter().rev().nth(1) == Some(&"from") && matches!(last, "secret" | "secrets"))
        // `existingSecret`, `existing_secret_name`: Helm charts' name of a Secret
        // that already exists in the cluster.
        || segments.first() == Some(&"existing")
        // `search_only_api_key`: a search engine's browser key, named for it.
        || segments.windows(2).any(|pair| pair == ["search", "only"])
        || segments.contains(&"searchonly")
        // A web analytics token or key ships in every page's beacon (Cloudflare's
        // `web_analytics_token`), as a Segment write key ships in every client
        // (`SEGMENT_API_KEY`) and an Amplitude, Mixpanel or PostHog project key do; an
        // analytics API secret does not. So does a chat widget's website token
        // (Chatwoot's `websiteToken`).
        || (segments
            .iter()
            .any(|s| matches!(
                *s,
                "analytics"
                    | "segment"
                    | "amplitude"
                    | "mixpanel"
                    | "posthog"
                    | "website"
                    | "widget"
            ))
            && matches!(last, "token" | "key"))
        // A payment, card, order or cart token (`paymentToken = 'EC-…'`, Stripe's
        // `tok_…` card token) stands for a checkout or a stored card: an ID that
        // travels in redirect URLs and opens nothing without the merchant's API
        // key, which still fires (`payment_api_token`). A `version_token` guards
        // concurrent edits.
        || matches!(
            segments.as_slice(),
            [.., "payment" | "card" | "order" | "checkout" | "cart" | "version", "token" | "tokens"]
        )
    {
        return None;
    }
    // NOTE: words match on word boundaries: a word may end a segment (`dbpassword`,
    // `api_key`) but not run on into another word (`passwordless`, `secretary`,
    // `tokenizer`).
    let strong = STRONG_NAME_WORDS
        .iter()
        .any(|w| ends_on_boundary(&segments, w));
    // `pass` only as the last segment (`SMTP_PASS`), not `pass-through` or `proxy_pass`.
    let weak = (last == "pass" && !segments.iter().any(|s| PASS_NOT_SECRET.contains(s)))
        || segments
            .iter()
            .any(|s| s.ends_with("token") || s.ends_with("pwd"));
    // Keys and salts named for what they sign or encrypt (`AUTH_KEY`, `LICENSE_KEY`,
    // `signing_key`, `NONCE_SALT`), not any key (`sort_key`, `primary_key`).
    // NOTE: Phoenix and Plug's `signing_salt`/`encryption_salt` are generated into
    // `config/config.exs` and committed by design: without `secret_key_base` they
    // derive nothing (WordPress's `AUTH_SALT`, `NONCE_SALT` are secrets).
    // `cookie_signing_salt`, `LIVE_VIEW_SIGNING_SALT` are the same salts.
    if matches!(segments.as_slice(), [.., "signing" | "encryption", "salt"]) {
        return None;
    }
    // systemd's `LoadCredential=ID:/path` names a file to load.
    if matches!(segments.as_slice(), ["load", "credential", ..]) {
        return None;
    }
    let qualified_key = matches!(last, "key" | "keys" | "salt")
        && segments
            .iter()
            .rev()
            .skip(1)
            .any(|s| KEY_QUALIFIERS.contains(s));
    if strong || weak || qualified_key {
        return Some(NameKind::Secret);
    }
    if segments.iter().any(|s| s.ends_with("dsn")) {
        return Some(NameKind::Dsn);
    }
    None
}

/// `'./Api/V8/OAuth2/Entity/AccessTokenEntity.php'`: a key that is a file's path
/// (a folder, then a name with an extension) names that file, as checksum
/// manifests and asset maps key their entries; its value is about the file.
fn names_a_file(name: &str) -> bool {
    let path = name.trim_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`'));
    path.rsplit_once(['/', '\\']).is_some_and(|(folder, file)| {
        !folder.is_empty() && is_file_name(file) && !path.contains(char::is_whitespace)
    })
}

/// `AccessTokenEntity.php`: a stem, a dot and an extension of one to five
/// letters or digits, not one that key and credential files use (`app.key`,
/// `db.pass`: their path can key the file's content).
pub(super) fn is_file_name(name: &str) -> bool {
    const CREDENTIAL_EXTENSIONS: &[&str] = &[
        "key", "keys", "pem", "p12", "pfx", "jks", "ppk", "pass", "pwd", "token", "crt", "cer",
        "der", "asc", "gpg", "env", "cred", "creds",
    ];
    name.rsplit_once('.').is_some_and(|(stem, extension)| {
        !stem.is_empty()
            && (1..=5).contains(&extension.len())
            && extension.bytes().all(|b| b.is_ascii_alphanumeric())
            && !CREDENTIAL_EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str())
    })
}

/// Whether `word` occurs in the name (segments joined) ending at a segment
/// boundary, optionally followed by a plural `s`.
fn ends_on_boundary(segments: &[&str], word: &str) -> bool {
    let mut joined = String::new();
    let mut ends = Vec::new();
    for s in segments {
        joined.push_str(s);
        ends.push(joined.len());
    }
    joined.match_indices(word).any(|(i, _)| {
        let end = i + word.len();
        ends.contains(&end) || (joined.get(end..end + 1) == Some("s") && ends.contains(&(end + 1)))
    })
}

/// Segments next to a final `pass` that make it something else (nginx `proxy_pass`).
const PASS_NOT_SECRET: &[&str] = &[
    "proxy",
    "fastcgi",
    "uwsgi",
    "scgi",
    "grpc",
    "memcached",
    "by",
    "through",
    // Rendering and encoding passes (`hwScaleFilterFirstPass`, `two_pass`).
    "first",
    "second",
    "third",
    "final",
    "last",
    "single",
    "multi",
    "one",
    "two",
    "double",
    "render",
    "filter",
];

/// What a `*_key`/`*_salt` name must say to be a secret: it signs, encrypts,
/// authenticates or licenses something.
const KEY_QUALIFIERS: &[&str] = &[
    "auth",
    "secure",
    "logged",
    "nonce",
    "signing",
    "sign",
    "signature",
    "encryption",
    "encrypt",
    "crypt",
    "crypto",
    "cipher",
    "aes",
    "hmac",
    "jwt",
    "master",
    "webhook",
    "license",
    "licence",
    "session",
    "cookie",
    "app",
    "application",
    "shared",
    "storage",
    "sas",
    "subscription",
    "deploy",
    "integration",
    "routing",
    "service",
    "server",
    "admin",
    "root",
    "otp",
    "totp",
    "mfa",
    "ingest",
    "rails",
    "laravel",
    "django",
    "flask",
    "symfony",
    "secret",
];

/// Lowercase snake_case: camel humps and `-`, `.`, `/`, spaces, brackets become `_`.
pub(super) fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    let mut prev = ' ';
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            if c.is_uppercase() {
                let next = chars.peek().copied().unwrap_or(' ');
                if prev.is_lowercase()
                    || prev.is_ascii_digit()
                    || (prev.is_uppercase() && next.is_lowercase())
                {
                    out.push('_');
                }
            }
            out.extend(c.to_lowercase());
        } else {
            out.push('_');
        }
        prev = c;
    }
    out
}

/// Name segments of an application's own key: what it signs sessions, tokens or
/// cookies with, or encrypts with (not a third party's credential).
const OWN_KEY_SEGMENTS: &[&str] = &[
    "kms",
    "signing",
    "encryption",
    "jwt",
    "session",
    "cookie",
    "csrf",
    "hmac",
    "salt",
    "master",
];

/// `name`'s words, lowercase (`GRAYLOG_SHA256_PASSWORD`, `signingKey`: `graylog`,
/// `sha256`, `password`; `signing`, `key`), handed to `read`.
fn with_segments<R>(name: &str, read: impl FnOnce(&[&str]) -> R) -> R {
    let norm = normalize_name(name);
    let segments: Vec<&str> = norm.split('_').filter(|s| !s.is_empty()).collect();
    read(&segments)
}

/// Whether `name` is an application's own signing or encryption key
/// (`APP_KEY`, `SECRET_KEY_BASE`, `MINIO_KMS_SECRET_KEY`).
pub(super) fn names_own_key(name: &str) -> bool {
    with_segments(name, |segments| {
        segments.iter().any(|s| OWN_KEY_SEGMENTS.contains(s))
            || segments.windows(2).any(|pair| {
                matches!(
                    pair,
                    ["secret", "key"]
                            | ["app", "key"]
                            | ["app", "secret"]
                            // NextAuth/Auth.js signing secrets (`AUTH_SECRET`, `NEXTAUTH_SECRET`).
                            | ["auth", "secret"]
                            | ["nextauth", "secret"]
                            // A JWT signing secret (`TOKEN_SECRET`), Strapi's `APP_KEYS`.
                            | ["token", "secret"]
                            | ["app", "keys"]
                )
            })
            // A bare `SECRET` (Directus's token signing secret).
            || segments == ["secret"]
    })
}

/// Whether `name` says its value is a password's digest
/// (`GRAYLOG_SHA256_PASSWORD`, `admin_password_md5`): a hash algorithm among its
/// segments and no key, secret, token or HMAC one (an HMAC-SHA256 key is a key).
pub(super) fn names_a_password_digest(name: &str) -> bool {
    with_segments(name, |segments| {
        segments.iter().any(|s| {
            matches!(
                *s,
                "md5" | "sha" | "sha1" | "sha2" | "sha256" | "sha384" | "sha512"
            )
        }) && segments
            .iter()
            .any(|s| matches!(*s, "password" | "passwd" | "pass" | "pwd"))
            && !segments
                .iter()
                .any(|s| matches!(*s, "key" | "secret" | "token" | "hmac" | "salt"))
    })
}

/// Whether `value` under `name` is an OpenPGP key's ID or fingerprint (8, 16 or
/// 40 hex digits) under a signing or GPG key setting (Git's `signingKey =
/// 19A5…`, `GPG_KEY_ID`): it names a public key, the private one stays in the
/// keyring.
pub(super) fn names_a_pgp_key_id(name: &str, value: &str) -> bool {
    with_segments(name, |segments| {
        let pgp_setting = segments
            .iter()
            .any(|s| matches!(*s, "signingkey" | "gpg" | "pgp" | "gnupg"))
            || segments.windows(2).any(|pair| pair == ["signing", "key"]);
        let value = value.strip_prefix("0x").unwrap_or(value);
        pgp_setting
            && matches!(value.len(), 8 | 16 | 40)
            && value.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// Whether `name` is an access key's ID setting (`seaweedfs_access_key`,
/// `S3_ACCESS_KEY_ID`, `accessKey`), the public half of an S3-style pair.
pub(super) fn names_an_access_key_id(name: &str) -> bool {
    with_segments(name, |segments| {
        !segments.contains(&"secret")
            && (segments.ends_with(&["access", "key"])
                || segments.ends_with(&["access", "key", "id"])
                || segments.ends_with(&["accesskey"])
                || segments.ends_with(&["accesskey", "id"]))
    })
}
