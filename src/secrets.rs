//! Secret detection behind SEC001 (hardcoded-secret), plus the name and value
//! helpers that SEC002, SEC003 and SEC004 share.
//!
//! `scan` makes one pass over the text with an Aho-Corasick automaton of the
//! detectors' literal keywords (token prefixes such as `ghp_`, names such as
//! `password`). Only a detector whose keyword was hit runs its regex, and only on
//! a bounded window around the hit ([`Window`]: the hit's line, the `name = value`
//! starting at the name around the hit, or a block for PEM keys), so an ordinary
//! file runs no full regex at all and the work stays linear in the text.
//! Matches are checked (boundaries, a per-detector validator, entropy,
//! placeholders), sorted by span, and overlaps are resolved in favour of the
//! specific detector over the generic assignment one.
//!
//! Matched text must never reach output whole: use [`redact`].

pub(crate) mod context;
mod detectors;
#[cfg(test)]
mod held_out_tests;
pub(crate) mod named;
mod names;
mod samples;
pub(crate) mod sanitize;
mod scan;
pub(crate) mod stores;
#[cfg(test)]
pub(super) mod tests;
mod values;

pub(crate) use named::is_named_secret;
pub(crate) use names::is_secret_name;
pub use scan::scan;
pub(crate) use values::{is_placeholder, looks_like_secret_value};

use names::{name_kind, normalize_name, NameKind, REFERENCE_SUFFIXES};
use regex::{CaptureLocations, Regex};
use values::{
    is_known_non_secret, is_reference_literal, is_self_describing_chain, strip_value_quotes,
    PLACEHOLDER_MARKERS, PLACEHOLDER_WORDS,
};

use crate::source::Span;

/// One entry of the detector table (see [`detectors`]).
#[derive(Debug)]
pub struct Detector {
    /// Stable kebab-case id, e.g. `aws-access-key-id`.
    pub id: &'static str,
    /// Human description for messages, e.g. "AWS access key ID".
    pub description: &'static str,
    /// Literal prefilter keywords: the regex runs only near a hit of one of them.
    pub keywords: &'static [&'static str],
    /// Keywords must match exactly (`AKIA`), else ASCII case-insensitively (`password`).
    pub case_sensitive: bool,
    /// The regex. Its `(?P<secret>…)` group is the secret; the whole match is the context.
    pub pattern: &'static str,
    /// How much text around a keyword hit the regex sees.
    pub window: Window,
    /// Minimum length of the secret, in chars.
    pub min_len: usize,
    /// Minimum Shannon entropy of the secret in bits per char, if any.
    pub min_entropy: Option<f64>,
    /// Drop secrets that [`is_placeholder`] calls placeholders (not done for long
    /// random blobs such as PEM bodies, where a chance `xxxx` is likely).
    pub reject_placeholders: bool,
    /// The secret must not be glued to other token characters (`[A-Za-z0-9_-]`)
    /// on either side: a 36-char body inside a 40-char run is not that token.
    pub bounded: bool,
    /// A last check on the candidate, if any.
    pub validate: Option<fn(&Candidate<'_>) -> bool>,
    /// Generic detectors lose to specific ones when their matches overlap.
    pub generic: bool,
}

/// The text a detector's regex is run on after a keyword hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// The line holding the hit (single-line formats).
    Line,
    /// From the start of the name (`[A-Za-z0-9_.$@-]` run) around the hit to
    /// the end of its line, at most [`MAX_KEY_WINDOW`](scan::MAX_KEY_WINDOW) bytes; the regex is
    /// anchored there (`\A` is added). For `name = value` detectors: each
    /// keyword costs one short anchored match, however long the line.
    Key,
    /// From just before the hit, up to `2 * max_len` bytes (multi-line blocks
    /// no longer than `max_len`).
    Block { max_len: usize },
}

/// A regex match handed to a detector's validator.
pub struct Candidate<'a> {
    /// The whole scanned text.
    pub text: &'a str,
    /// The secret (surrounding quotes already stripped).
    pub secret: &'a str,
    /// Byte span of `secret` in `text`.
    pub span: Span,
    /// Byte span of the whole match in `text`.
    pub context_span: Span,
    regex: &'a Regex,
    locs: &'a CaptureLocations,
    window: &'a str,
}

impl<'a> Candidate<'a> {
    /// The text of a named capture group of the detector's regex, if it matched.
    pub(crate) fn group(&self, name: &str) -> Option<&'a str> {
        let index = self.regex.capture_names().position(|n| n == Some(name))?;
        let (start, end) = self.locs.get(index)?;
        self.window.get(start..end)
    }

    /// The byte of `text` just after the secret, if any.
    pub(crate) fn byte_after(&self) -> Option<u8> {
        self.text.as_bytes().get(self.span.end as usize).copied()
    }
}

/// A secret found by [`scan`].
#[derive(Debug, Clone, Copy)]
pub struct SecretMatch {
    pub detector: &'static Detector,
    /// Byte span of the secret value itself.
    pub span: Span,
    /// Byte span of the whole match, e.g. `password = "..."`.
    pub context_span: Span,
}

impl SecretMatch {
    /// The secret's text. Never print it: see [`SecretMatch::redacted`].
    pub fn secret<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.span.range()).unwrap_or("")
    }

    /// The secret redacted for output, e.g. `AKIA…(20 chars)`.
    pub(crate) fn redacted(&self, text: &str) -> String {
        redact(self.secret(text))
    }
}

/// The detector table, in the order overlaps are broken (earlier wins among equals).
///
/// | id | finds |
/// |---|---|
/// | `private-key` | PEM `-----BEGIN (RSA/EC/DSA/OPENSSH/ENCRYPTED/PGP) PRIVATE KEY-----` blocks with a real base64 body |
/// | `aws-access-key-id` | `AKIA`/`ASIA`/`ABIA`/`ACCA`/`A3T…` + 16 base32 chars |
/// | `aws-secret-access-key` | 40-char base64 assigned to a name mentioning aws or secret (access) key |
/// | `github-token` | `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` + 36 alphanumerics |
/// | `github-fine-grained-pat` | `github_pat_` + 22 + `_` + 59 alphanumerics |
/// | `gitlab-pat` | `glpat-` + 20 or more chars |
/// | `slack-token` | `xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxo-`, `xoxs-`, `xapp-` tokens |
/// | `slack-webhook` | `hooks.slack.com/services/T…/B…/…` (the path is the secret) |
/// | `stripe-secret-key` / `stripe-restricted-key` | `sk_live_…` / `rk_live_…` (never `sk_test_`, never `pk_`) |
/// | `google-api-key` | `AIza` + 35 chars |
/// | `google-oauth-client-secret` | `GOCSPX-` + 28 chars (Google's documented client-secret prefix) |
/// | `maxmind-license-key` | 6 + `_` + 29 alphanumerics + `_mmk` (MaxMind's license-key format) |
/// | `twilio-api-key` | `SK` + 32 hex |
/// | `twilio-auth-token` | 32 hex after an `AC…` account SID (`sid:token`, `"sid", "token"`) or assigned to a twilio auth/token name |
/// | `sendgrid-api-key` | `SG.` + 22 + `.` + 43 chars |
/// | `npm-token` | `npm_` + 36 alphanumerics |
/// | `pypi-token` | `pypi-AgEIcHlwaS5vcmc…` |
/// | `jwt` | three base64url parts whose header is JSON with an `alg` other than `none`, a JSON payload and a non-trivial signature |
/// | `database-url` | password of `postgres://`, `mysql://`, `mariadb://`, `mongodb(+srv)://`, `redis(s)://`, `amqp(s)://`, `mssql://` URLs |
/// | `php-define` | `define('AUTH_KEY', '…')` with a secret name ([`is_secret_name`]); long high-entropy values count even with blanks (WordPress salts) |
/// | `env-default` | the literal default of an environment lookup: `env("SECRET_KEY", default="…")`, `env.str(…)`, `os.environ.get("X", "…")`, `getenv("X", "…")`, `ENV.fetch("X", "…")` |
/// | `xml-value` | `<password>…</password>`, `<property name="connection.password">…</property>`: a secret-named XML element or property |
/// | `login-call` | `.login('user', 'password')`, `.authenticate(…)`, `.signin(…)`: an API client logging in with a literal password |
/// | `generic-secret` | a secret-named key ([`is_secret_name`]) then `=`, `:`, `=>` or `:=` and a literal of 8+ chars, entropy >= 3.0, not a placeholder or reference |
pub(crate) fn detectors() -> &'static [Detector] {
    detectors::DETECTORS
}

#[cfg(test)]
/// The detector with this id.
pub(crate) fn detector(id: &str) -> Option<&'static Detector> {
    detectors().iter().find(|d| d.id == id)
}

/// Every secret [`scan_file`] would report in the file at `path`, and every value a
/// credential store holds ([`stores::detect`]): what reports must mask. Unlike
/// [`scan_file`] it keeps secrets in tests and docs (masking them costs nothing).
pub(crate) fn secret_spans(path: &str, text: &str) -> Vec<Span> {
    let mut spans: Vec<Span> = scan(text).into_iter().map(|m| m.span).collect();
    if let Some(store) = stores::detect(path, text) {
        spans.extend(store.secrets.into_iter().map(Span::from_range));
    }
    spans.sort();
    spans.dedup();
    spans
}

/// [`scan`] for the file at `path`, judged by where the file sits
/// ([`context::path_role`]): in tests and third-party copies only formats that
/// prove themselves count (provider prefixes, private keys, live-mode keys); on
/// pages of prose the same; in other docs and examples a generated-looking value
/// ([`is_high_entropy`]) counts too, unless it is the example's own key. A
/// human-chosen password such as `hunter2-test` in a test suite is a fixture.
pub(crate) fn scan_file(path: &str, text: &str) -> Vec<SecretMatch> {
    let mut found = scan(text);
    // Most files hold nothing secret-shaped: judge the path only when there is a match.
    if found.is_empty() {
        return found;
    }
    // Whether the file holds any candidate besides AWS key IDs (read at the end).
    let more_than_key_ids = found.iter().any(|m| m.detector.id != "aws-access-key-id");
    let role = context::path_role(path);
    if role != context::PathRole::Code {
        let prose = context::is_prose_document(path);
        found.retain(|m| {
            let secret = m.secret(text);
            match m.detector.id {
                // Made-up tokens in tests fail the checksum real ones carry.
                "github-token" | "npm-token" => has_valid_crc32_suffix(secret),
                // NOTE: no public checksum to tell a made-up fine-grained token from
                // a real one: in tests and docs it is a fixture.
                "github-fine-grained-pat" => false,
                // Sample tokens and responses: a JWT proves its shape, not that it
                // was ever issued; a key ID alone opens nothing.
                "jwt" | "aws-access-key-id" => false,
                // NOTE: a provider's form without a checksum or a live-mode marker
                // (`AIza…`, `xoxb-…`) is what a suite's made-up keys are given too;
                // private keys and live keys still count there.
                id if proves_itself(id) => {
                    !matches!(
                        role,
                        context::PathRole::Test | context::PathRole::ThirdParty
                    ) || proven_in_tests(id)
                }
                // NOTE: in tests only a provider format proves a value real: suites
                // generate their own keys, hashes and tokens, as random as real ones.
                // A page of prose shows sample output (STS credentials, generated
                // keys); a config file among the examples may hold a real key.
                _ if matches!(
                    role,
                    context::PathRole::Test | context::PathRole::ThirdParty
                ) || prose =>
                {
                    false
                }
                // An example's own signing or encryption key (`APP_KEY`,
                // `MINIO_KMS_SECRET_KEY`) only runs the example.
                _ if names::names_own_key(assigned_name(
                    text.get(m.context_span.range()).unwrap_or(""),
                )) =>
                {
                    false
                }
                // A Secret manifest's `data:` is judged by what it encodes
                // (`dXBiMHVuZHIw…` is a typed `upb0undr0ck5!…`).
                _ => is_high_entropy(&detectors::secret_data_literal(text, secret)),
            }
        });
    }
    // `#   secretKey: console123`: a commented-out setting shows an example value;
    // a generated one is still kept. A key ID alone opens nothing: in a comment
    // it documents a payload.
    // A commented request to the developer's own machine (`// "url":
    // "http://localhost:6789/…?api_key=…"`) records a local session.
    found.retain(|m| {
        proves_itself(m.detector.id)
            || !on_commented_line(text, m.span)
            || (m.detector.id != "aws-access-key-id"
                && is_high_entropy(m.secret(text))
                && !(in_url_query(text, m.context_span) && on_local_url(text, m.context_span)))
    });
    // A person's password in a CI pipeline (`SA_PASSWORD: Forge123`) is the test
    // database's that the job starts; deploy credentials there are generated or
    // come in a provider's format.
    // A credential set up for a server the pipeline starts itself (`image:
    // minio/minio` with `MINIO_SECRET_KEY=…`) is the service container's, made for
    // the job, however random it looks; so is the same value where the job's
    // client is given it (`"secret_key": …`), and a key sent in a request to the
    // runner itself (`curl http://127.0.0.1:9180/… -H 'X-API-KEY: …'`).
    if context::is_ci_pipeline(path) {
        let image_words = samples::started_image_words(text);
        let service_values: Vec<&str> = found
            .iter()
            .filter(|m| {
                let context = text.get(m.context_span.range()).unwrap_or("");
                samples::sets_up_a_started_image(&image_words, assigned_name(context))
                    || samples::passed_to_docker_run(text, m.span)
                    || samples::sent_to_a_local_service(text, m.span)
            })
            .map(|m| m.secret(text))
            .collect();
        // A pipeline that deploys nothing runs the app to test it: the app's own
        // signing key there (`APP_SECRET_TOKEN`, `SECRET_KEY_BASE`) is the test
        // run's; a deployed app gets its own from where it runs.
        let deploys = text.to_ascii_lowercase().contains("deploy");
        found.retain(|m| {
            let own_key = || {
                names::names_own_key(assigned_name(
                    text.get(m.context_span.range()).unwrap_or(""),
                ))
            };
            proves_itself(m.detector.id)
                || (is_high_entropy(m.secret(text))
                    && !service_values.contains(&m.secret(text))
                    && (deploys || !own_key()))
        });
    }
    // A compose file's typed password for a datastore it starts itself (`image:
    // mysql` with `MYSQL_ROOT_PASSWORD: Smartstore2022!`, SQL Server's
    // `SA_PASSWORD`) is that local container's default, as a person's password in
    // a DSN to a container is; a generated one still fires.
    if is_compose_file(path, text) {
        let image_words = samples::started_image_words(text);
        found.retain(|m| {
            let name = assigned_name(text.get(m.context_span.range()).unwrap_or(""));
            let name = name
                .trim()
                .trim_start_matches("- ")
                .trim_matches(['"', '\'']);
            let for_started_datastore = samples::sets_up_a_started_image(&image_words, name)
                || (name.eq_ignore_ascii_case("SA_PASSWORD")
                    && image_words
                        .binary_search_by(|w| w.as_str().cmp("mssql"))
                        .is_ok());
            !(m.detector.generic && reads_as_typed(m.secret(text)) && for_started_datastore)
        });
    }
    // `full-db-test:` runs with `QUAY_OVERRIDE_CONFIG='{"DATABASE_SECRET_KEY": …}'`,
    // pytest with `setup.cfg`'s `env = D:SECRET_KEY=…`: a test run's own values,
    // judged as a test suite's.
    found.retain(|m| {
        proven_in_tests(m.detector.id)
            || !((context::is_makefile(path) && samples::in_makefile_test_target(text, m.span))
                || samples::in_test_runner_section(path, text, m.span))
    });
    // A secret scanner's allow-list (`.gitleaks.toml`) names values its owners
    // declared not secret; only a private key or a live key is one anyway.
    if context::is_secret_scanner_config(path) {
        found.retain(|m| proven_in_tests(m.detector.id));
    }
    if context::is_web_page(path) {
        found.retain(|m| proves_itself(m.detector.id));
    }
    // In a program's source a generic value is a string literal in code: not an
    // unquoted word, nor a sample reply documented in a `/* … */` comment (a
    // link with a token in its query is kept there), an Elixir `@doc` or a
    // doctest prompt (`iex>`, `>>>`).
    // A value a person picked (`'dataGridCell'`, `"JustAKeyForThisInstallation"`)
    // under a secret-like name in code is a default, a demo login or a lookup
    // key, not a live credential: the held-out rounds judged every one false.
    // Generated values still fire, and so do a login call's password and PHP's
    // `define('DB_PASSWORD', …)`, the forms that hold a person's password by nature.
    let is_program = context::is_program_text(path, text);
    if is_program && found.iter().any(|m| m.detector.generic) {
        let comments = BlockComments::find(text);
        found.retain(|m| !m.detector.generic || is_literal_in_code(path, text, &comments, m));
    }
    // A key ID or a JWT in a docstring's example documents a payload, as in a
    // comment: neither opens anything alone. A connection URL there is the
    // usage example's (`from_url("redis://redis:SuperSecret@myredishost.com")`).
    if is_program {
        found.retain(|m| {
            !matches!(m.detector.id, "aws-access-key-id" | "jwt" | "database-url")
                || !samples::in_doc_string(path, text, m.span)
        });
    }
    // `TEST_FAKE_RSA_KEY_0 = "-----BEGIN…"`, `const fakePass = '…'`: a value its
    // name calls a fixture.
    // A provider-format value assigned to a name that calls it an example
    // (`placeholder: t(…, api_secret_key_example: 'sk_live_…')`) shows the format;
    // a `test` name does not make a live key harmless.
    found.retain(|m| {
        m.detector.generic
            || m.detector.id == "private-key"
            || !names_an_example(name_before(text, m.span))
    });
    found.retain(|m| match m.detector.id {
        "private-key" => !context::named_as_fixture(text, m.span),
        _ if m.detector.generic => {
            let context = text.get(m.context_span.range()).unwrap_or("");
            !context.contains(['=', ':']) || !context::is_fixture_name(assigned_name(context))
        }
        _ => true,
    });
    // A Rust file's `#[cfg(test)] mod tests` is a test suite, as a `_test.go` is.
    found.retain(|m| {
        proven_in_tests(m.detector.id) || !samples::in_rust_test_module(path, text, m.span)
    });
    // `xoxb-1234567890-…`: a token counting up is a documentation sample.
    found.retain(|m| m.detector.id == "private-key" || !values::has_counting_run(m.secret(text)));
    let lower = path.to_ascii_lowercase();
    if [".sh", ".bash", ".zsh"]
        .iter()
        .any(|ext| lower.ends_with(ext))
    {
        found.retain(|m| !m.detector.generic || !samples::expands_a_shell_variable(text, m.span));
    }
    // `UPDATE dashboard_user SET password='ba32…'` in SQL: a column of hex digest
    // length holds the password's hash, a stored credential (SEC005's), not one.
    if lower.ends_with(".sql") {
        found.retain(|m| !m.detector.generic || !is_hex_digest(m.secret(text)));
    }
    // `->add(array('username' => "showdoc", …, 'password' => "a89d…"))`: a users
    // row written with a hex digest beside its user name holds the hash.
    found.retain(|m| {
        let users_row = || {
            text.get(line_range(text, m.span.start as usize))
                .is_some_and(|line| line.contains("username"))
        };
        !(m.detector.generic && is_hex_digest(m.secret(text)) && users_row())
    });
    // `<!-- … usercookie[password]=d6ed…; -->`: a hex digest as a password in an
    // XML comment is a logged or documented hash (a rule's sample log line).
    found.retain(|m| {
        !(m.detector.generic
            && is_hex_digest(m.secret(text))
            && line_before(text, m.span).trim_start().starts_with("<!--")
            && {
                let context = text.get(m.context_span.range()).unwrap_or("");
                let name = assigned_name(context).to_ascii_lowercase();
                name.contains("pass") || name.contains("pwd")
            })
    });
    // `GRAYLOG_SHA256_PASSWORD=b1cb…`: a digest under a name that says which one;
    // `signingKey = 3F0A…`: a GPG key's ID.
    found.retain(|m| {
        let name = name_before(text, m.span);
        !m.detector.generic
            || !((is_hex_digest(m.secret(text)) && names::names_a_password_digest(name))
                || names::names_a_pgp_key_id(name, m.secret(text)))
    });
    // An e-mail message (`From:`, `Subject:` and transport headers on top): the
    // login a person was sent is correspondence kept as data (a mail client's
    // test messages), not a setting anything reads.
    if is_mail_message(text) {
        found.retain(|m| !m.detector.generic);
    }
    // Minified bundles and one-line generated files (a diagram's JSON) are built,
    // not written: a secret-named word in a line of thousands of chars is data.
    found.retain(|m| proves_itself(m.detector.id) || !on_minified_line(text, m.span));
    if lower.ends_with(".yml") || lower.ends_with(".yaml") {
        found.retain(|m| {
            proves_itself(m.detector.id)
                || !(under_dev_environment(text, m.span)
                    || samples::under_secret_store_section(text, m.span)
                    || samples::in_openapi_example(text, m.span)
                    || samples::in_yaml_doc_block(text, m.span))
        });
    }
    // A page's link with a token in its query (`…/live/room?txSecret=…`) is a
    // sample link, as is a token in an API reference's `"example"` field.
    if role == context::PathRole::Docs {
        found.retain(|m| {
            !m.detector.generic
                || !(samples::in_sample_block(text, m.span)
                    || samples::shown_as_command_output(text, m.secret(text))
                    || in_url_query(text, m.context_span))
        });
    }
    if lower.ends_with(".json") {
        found.retain(|m| !m.detector.generic || !samples::in_json_doc_field(text, m.span));
    }
    // `link: 'https://auth.example.com/reset?token=eyJ…'`: a sample on the line.
    // `'placeholder' => 'mongodb+srv://…'`: what a form shows before it is filled.
    // `# … e.g. WORKSPACE_TOKEN=20Tok…`: a note's example of the form.
    found.retain(|m| {
        proves_itself(m.detector.id)
            || !(samples::on_documentation_host_line(text, m.span)
                || samples::under_sample_key(text, m.context_span)
                || samples::after_example_intro(text, m.context_span))
    });
    // A Google API key its owners call public (`// Public API key used by
    // BotGuard`) is a web page's browser key, as a generic one is below, and as
    // TinyMCE's `apiKey` is.
    found.retain(|m| {
        !(m.detector.id == "google-api-key" || m.detector.generic)
            || !(samples::under_public_note(text, m.span)
                || names::names_a_public_browser_key(name_before(text, m.span))
                || samples::is_browser_widget_key(text, name_before(text, m.span)))
    });
    // A data file's recorded URLs (an evaluation set's sources) carry the query
    // their pages were visited with: data about public pages, not the repo's own.
    found.retain(|m| !m.detector.generic || !in_group_join_link(text, m.context_span));
    found.retain(|m| m.detector.id == "private-key" || !samples::in_presigned_url(text, m.span));
    if lower.ends_with(".csv") || lower.ends_with(".tsv") {
        found.retain(|m| !m.detector.generic || !in_url_query(text, m.context_span));
    }
    let disabled_security = std::cell::OnceCell::new();
    found.retain(|m| {
        if !m.detector.generic {
            return true;
        }
        // The assignment's name, read once for the checks that ask for it.
        let name = assigned_name(text.get(m.context_span.range()).unwrap_or(""));
        !(samples::is_search_only_key(text, m.span)
                || samples::in_docusaurus_theme_config(path, text, m.span)
                || samples::is_analytics_beacon(text, m.span)
                || samples::is_encrypted_for_ci(text, m.secret(text))
                || samples::repeats_an_id(text, m.span, m.secret(text))
                || samples::names_a_nearby_host(text, m.span, m.secret(text))
                || samples::is_salt_beside_hash(
                    text,
                    m.span,
                    name,
                )
                || (samples::under_default_note(text, m.span) && !is_high_entropy(m.secret(text)))
                || samples::under_replace_note(text, m.span)
                // A login call's password is a person's by nature (`conn.login(user,
                // 'salesforcepassword')` in `salesforce.js`): only assignments here.
                || (m.detector.id != "login-call"
                    && (samples::is_user_name_default(text, m.span, m.secret(text))
                        || samples::is_named_after_path(path, m.secret(text))))
                || samples::for_a_local_database(text, m.span, m.secret(text))
                || (reads_as_typed(m.secret(text))
                    && samples::beside_documentation_host(text, m.span))
                || samples::is_answer_file_pass(text, m.span)
                || samples::names_a_declared_entry(text, m.secret(text))
                || samples::in_block_of_names(text, m.span)
                || samples::in_person_records(text, m.span)
                || samples::under_hashed_password_format(text, m.span, m.secret(text))
                || samples::in_sql_statement(text, m.span, m.secret(text))
                || samples::under_digest_note(text, m.span, m.secret(text))
                || samples::names_its_setting_among_others(
                    text,
                    m.span,
                    name,
                    m.secret(text),
                )
                || (reads_as_typed(m.secret(text)) && samples::for_a_placeholder_user(text, m.span))
                || samples::names_a_key_in_a_secret(
                    text,
                    m.span,
                    name,
                    m.secret(text),
                )
                || samples::under_public_note(text, m.span)
                || samples::commented_as_stand_in(text, m.span)
                || samples::in_commented_example(text, m.span)
                || samples::on_tile_url_template(text, m.span)
                || (reads_as_typed_password(m.secret(text))
                    && disabled_security
                        .get_or_init(|| samples::DisabledSecurity::find(text))
                        .guards(name))
                || samples::is_devise_commented_default(path, text, m.span)
                || samples::in_nix_option_example(path, text, m.span)
                || samples::beside_storefront_api(text, m.span)
                || samples::in_example_object(text, m.span)
                || samples::under_analytics_sdk(text, m.span)
                // `$token = 'gpgauthv1.3.0|36|' . $authToken->token`: a literal the code
                // glues a variable to is a piece of the value, not the secret.
                || samples::concatenated_with_code(text, m.span)
                // `alias mssql="docker run -e SA_PASSWORD=LaravelWow1986! …"`: the
                // container the command starts gets the password it is typed with, a
                // local throwaway's when a person picked it; a generated one fires.
                || ((samples::passed_to_docker_run(text, m.span)
                    || samples::typed_into_a_local_container(text, m.span))
                    && !is_high_entropy(m.secret(text))))
    });
    // A local stack's dotenv (`NODE_ENV=development`): a value a person typed
    // there is a seed's or a container's default (`ADMIN_PASSWORD=Toptier123!`), as
    // SEC005 judges it; a random one (`NYi53gXT8qP24f7v`) still fires.
    let lower_name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    if stores::is_dotenv_name(&lower_name) && stores::declares_development_environment(text) {
        found.retain(|m| !m.detector.generic || !is_chosen_by_a_person(m.secret(text)));
    }
    // An AWS access key ID opens nothing without its secret key: in a file that
    // holds no other secret-shaped value and no secret or password setting near it
    // (`aws_access_key_id = "AKIA…"` in a backup bucket's Terraform, naming the key
    // a policy allows) it is a name. Beside `- name: …_PASSWORD` (a Kubernetes env
    // list, read by no detector) it is half of a credential.
    if !more_than_key_ids {
        found.retain(|m| {
            m.detector.id != "aws-access-key-id" || samples::near_a_secret_setting(text, m.span)
        });
    }
    // `seaweedfs_access_key = "HF1W…"`: an S3-style access key ID (capitals and
    // digits, as MinIO, Ceph and SeaweedFS issue them) is, alone among the file's
    // findings, a name as an AWS key ID is: its secret key is kept elsewhere.
    if found.len() == 1 {
        found.retain(|m| {
            !(m.detector.generic
                && names::names_an_access_key_id(name_before(text, m.span))
                && is_access_key_id_shaped(m.secret(text)))
        });
    }
    found
}

/// A Compose file: `docker-compose.yml`, `compose.yaml`, `docker-compose.dev.yml`,
/// or any YAML file with a top-level `services:` whose services name an `image:`
/// (JHipster's `src/main/docker/postgresql.yml`).
fn is_compose_file(path: &str, text: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    yaml && ((name.starts_with("docker-compose") || name.starts_with("compose."))
        || (text.lines().any(|l| l.trim_end() == "services:")
            && text.lines().any(|l| l.trim_start().starts_with("image:"))))
}

/// Whether `text` opens with an e-mail message's headers: `From:` and `Subject:`
/// with a transport header (`Received:`, `Message-ID:`, `MIME-Version:`,
/// `Return-Path:`) among the first 40 lines, before the body's blank line.
fn is_mail_message(text: &str) -> bool {
    let mut seen = [false; 3];
    for line in text.lines().take(40) {
        if line.trim().is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        seen[0] |= lower.starts_with("from:");
        seen[1] |= lower.starts_with("subject:");
        seen[2] |= ["received:", "message-id:", "mime-version:", "return-path:"]
            .iter()
            .any(|h| lower.starts_with(h));
    }
    seen.iter().all(|&s| s)
}

/// MD5, SHA-1, SHA-256 or SHA-512 in hex.
fn is_hex_digest(value: &str) -> bool {
    let v = strip_value_quotes(value.trim()).trim();
    matches!(v.len(), 32 | 40 | 64 | 128) && v.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `HF1WMN5WE8Y1F05KEQRA`: 16 to 24 capitals and digits, with both, the shape of
/// an S3-style access key ID.
fn is_access_key_id_shaped(value: &str) -> bool {
    let v = strip_value_quotes(value.trim()).trim();
    (16..=24).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && v.bytes().any(|b| b.is_ascii_digit())
        && v.bytes().any(|b| b.is_ascii_uppercase())
}

/// Whether a match of detector `id` is a credential by its form alone (a
/// provider's prefix and length), whatever the name it is assigned to.
fn proves_itself(id: &str) -> bool {
    matches!(
        id,
        "private-key"
            | "gitlab-pat"
            | "slack-token"
            | "slack-webhook"
            | "stripe-secret-key"
            | "stripe-restricted-key"
            | "google-api-key"
            | "google-oauth-client-secret"
            | "maxmind-license-key"
            | "twilio-api-key"
            | "sendgrid-api-key"
            | "pypi-token"
    )
}

/// Whether a match of detector `id` is proven real in a test suite too: a private
/// key, a live-mode key, a token whose structure carries its issuer's signature.
fn proven_in_tests(id: &str) -> bool {
    matches!(
        id,
        "private-key" | "stripe-secret-key" | "stripe-restricted-key" | "pypi-token"
    )
}

/// The identifier that the value at `span` is given to on its line
/// (`api_secret_key_example: 'sk_live_…'` gives `api_secret_key_example`).
fn name_before(text: &str, span: Span) -> &str {
    let before = line_before(text, span)
        .trim_end_matches(['"', '\'', '`', ' ', '\t', ':', '=', '>', '('])
        .trim_end();
    let start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    before.get(start..).unwrap_or("")
}

/// Whether `name` calls its value an example or a stand-in.
fn names_an_example(name: &str) -> bool {
    names::normalize_name(name).split('_').any(|segment| {
        matches!(
            segment,
            "example" | "examples" | "sample" | "placeholder" | "dummy" | "fake" | "mock"
        )
    })
}

/// The name of a `name = value` match (`export MINIO_KMS_SECRET_KEY=…` gives
/// `MINIO_KMS_SECRET_KEY`).
fn assigned_name(context: &str) -> &str {
    context
        .split(['=', ':'])
        .next()
        .unwrap_or("")
        .trim_start_matches("export ")
}

/// Whether the value at `span` is, or is inside, a string literal: quoted itself
/// (`"…"`, `'…'`, `` `…` ``) or after an odd number of one quote on its line
/// (`"https://host/manage?token=…"`).
fn is_quoted_at(text: &str, span: Span) -> bool {
    let line = line_before(text, span);
    line.ends_with(['"', '\'', '`'])
        || ['"', '\'', '`']
            .iter()
            .any(|q| line.chars().filter(|c| c == q).count() % 2 == 1)
}

/// Whether a generic match in a program's source is a string literal in code: not
/// an unquoted word, a value a person typed, a documented sample in a `/* … */`
/// comment (a link with a token in its query is kept), documentation or a type.
fn is_literal_in_code(path: &str, text: &str, comments: &BlockComments, m: &SecretMatch) -> bool {
    if !is_quoted_at(text, m.span)
        || samples::in_doc_string(path, text, m.span)
        || samples::in_annotation_example(text, m.span)
        || is_python_string_annotation(path, text, m)
    {
        return false;
    }
    if matches!(
        m.detector.id,
        "generic-secret" | "typed-secret" | "env-default"
    ) && reads_as_typed(m.secret(text))
    {
        return false;
    }
    // A link's token in a comment is kept, unless the link is to the developer's
    // own machine (a recorded request to `localhost`).
    !comments.holds(text, m.span)
        || (in_url_query(text, m.context_span) && !on_local_url(text, m.context_span))
}

/// Whether the URL whose query holds `context` points at a local host
/// (`http://localhost:6789/api/…?api_key=…`).
fn on_local_url(text: &str, context: Span) -> bool {
    url_host_before(text, context).is_some_and(|host| !detectors::is_public_host(&host))
}

/// The host (lowercase, without port or login) of the URL the value at `context`
/// sits in, when a `://` precedes it on its line.
fn url_host_before(text: &str, context: Span) -> Option<String> {
    let before = line_before(text, context);
    let at = before.rfind("://")?;
    let authority = before
        .get(at + 3..)
        .unwrap_or("")
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host.rsplit_once(':').map_or(host, |(name, _)| name);
    Some(host.to_ascii_lowercase())
}

/// A QQ group's join link (`http://qm.qq.com/cgi-bin/qm/qr?…&authKey=…`, or
/// `jq.qq.com/?…&k=…`): the key in its query is what every invitee is sent.
fn in_group_join_link(text: &str, context: Span) -> bool {
    in_url_query(text, context)
        && url_host_before(text, context)
            .is_some_and(|host| matches!(host.as_str(), "qm.qq.com" | "jq.qq.com"))
}

/// `supplied_passphrase: "DicewarePassphrase"` in Python: a bare name, a colon
/// and a string naming a type (a forward reference) is an annotation, not a value.
/// A dict's keys are quoted (`"passphrase": "…"`), so they are not read as one.
fn is_python_string_annotation(path: &str, text: &str, m: &SecretMatch) -> bool {
    if !path.ends_with(".py") {
        return false;
    }
    let context = text.get(m.context_span.range()).unwrap_or("");
    let name = context
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    let before_name = text
        .get(..m.context_span.start as usize)
        .and_then(|head| head.chars().next_back());
    let annotation = context
        .get(name.len()..)
        .is_some_and(|rest| rest.trim_start().starts_with(':'));
    let value = m.secret(text);
    let type_name = value.starts_with(|c: char| c.is_ascii_uppercase())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'[' | b']'));
    // `"""…api_key: "X…"…"""`: a config template inside a string is data.
    let in_string = samples::open_triple_quotes(text, m.context_span.start as usize)
        .next()
        .is_some();
    !name.is_empty()
        && !matches!(before_name, Some('"' | '\''))
        && annotation
        && type_name
        && !in_string
}

/// Whether the line holding `span` starts with a comment marker.
fn on_commented_line(text: &str, span: Span) -> bool {
    let line = line_before(text, span).trim_start();
    ["#", "//", ";", "--", "*", "<!--", "REM ", "rem ", "::"]
        .iter()
        .any(|marker| line.starts_with(marker))
}

/// Where a file's `/*` and `*/` are, found once: asking for each match would
/// search the text before it again (quadratic on a file of many matches).
struct BlockComments {
    opens: Vec<usize>,
    closes: Vec<usize>,
}

impl BlockComments {
    fn find(text: &str) -> Self {
        // Neither marker can overlap itself, so `match_indices` finds every one.
        let at = |marker| text.match_indices(marker).map(|(i, _)| i).collect();
        BlockComments {
            opens: at("/*"),
            closes: at("*/"),
        }
    }

    /// Whether `span` sits inside a `/* … */` comment opened at the start of a line:
    /// the last `/*` before it begins its line and no `*/` follows that `/*` yet.
    fn holds(&self, text: &str, span: Span) -> bool {
        let start = span.start as usize;
        let before = self.opens.partition_point(|&i| i + 2 <= start);
        let Some(&open) = before.checked_sub(1).and_then(|i| self.opens.get(i)) else {
            return false;
        };
        let opens_line = text
            .get(..open)
            .and_then(|head| head.rsplit('\n').next())
            .is_some_and(|l| l.trim().is_empty());
        let first_close = self.closes.partition_point(|&i| i < open);
        let closed = self
            .closes
            .get(first_close)
            .is_some_and(|&close| close + 2 <= start);
        opens_line && !closed
    }
}

/// Whether a `name=value` match is a URL's query parameter (`…/manage?token=…`):
/// a working link pasted anywhere, a comment included.
fn in_url_query(text: &str, context: Span) -> bool {
    let start = context.start as usize;
    start > 0 && matches!(text.as_bytes().get(start - 1), Some(b'?' | b'&'))
}

/// Whether the line holding `span` is longer than any line a person writes.
fn on_minified_line(text: &str, span: Span) -> bool {
    const MINIFIED_LINE: usize = 2_000;
    line_range(text, span.start as usize).len() > MINIFIED_LINE
}

/// The byte range of the line holding `offset`, without its newline.
fn line_range(text: &str, offset: usize) -> std::ops::Range<usize> {
    let offset = offset.min(text.len());
    let head = text.get(..offset).unwrap_or("");
    let start = head.rfind('\n').map_or(0, |i| i + 1);
    let tail = text.get(offset..).unwrap_or("");
    start..offset + tail.find('\n').unwrap_or(tail.len())
}

/// The up to `before` lines above the line `line` (nearest first) and the up to
/// `after` lines below it, without the line itself.
fn lines_around<'t>(
    text: &'t str,
    line: &std::ops::Range<usize>,
    before: usize,
    after: usize,
) -> impl Iterator<Item = &'t str> {
    let above = text
        .get(..line.start)
        .unwrap_or("")
        .lines()
        .rev()
        .take(before);
    let tail = text.get(line.end..).unwrap_or("");
    // The line's range stops at its newline, which `lines()` would read as one more
    // (empty) line.
    let tail = tail.strip_prefix('\n').unwrap_or(tail);
    above.chain(tail.lines().take(after))
}

/// The part of the line holding `span` before it.
fn line_before(text: &str, span: Span) -> &str {
    let range = line_range(text, span.start as usize);
    text.get(range.start..(span.start as usize).max(range.start))
        .unwrap_or("")
}

/// GitHub (`ghp_…`) and npm (`npm_…`) tokens end with 6 base62 chars of the CRC32 of
/// the 30 random chars before them.
fn has_valid_crc32_suffix(token: &str) -> bool {
    let Some((_, body)) = token.split_once('_') else {
        return false;
    };
    if body.len() != 36 || !body.is_ascii() {
        return false;
    }
    let (random, check) = body.split_at(30);
    const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut n = crc32(random.as_bytes());
    let mut encoded = [b'0'; 6];
    for slot in encoded.iter_mut().rev() {
        *slot = BASE62.get((n % 62) as usize).copied().unwrap_or(b'0');
        n /= 62;
    }
    check.as_bytes() == encoded
}

/// CRC-32 (IEEE), bit by bit: only ever run on a 30-byte token body.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Whether `span` sits under a top-level `development:`/`test:` key of a YAML file
/// (Rails `secrets.yml`, `database.yml`): per-environment development defaults.
fn under_dev_environment(text: &str, span: Span) -> bool {
    let before = text.get(..span.start as usize).unwrap_or("");
    let Some(parent) = before
        .lines()
        .rev()
        .skip(1)
        .find(|l| !l.is_empty() && !l.starts_with([' ', '\t', '#', '-']))
    else {
        return false;
    };
    let key = parent.trim_end().trim_end_matches(':').trim_end();
    // The finding's own line must be indented (nested), not top-level itself.
    let own_line = before.rsplit('\n').next().unwrap_or("");
    own_line.starts_with([' ', '\t'])
        && matches!(key, "development" | "test" | "dev" | "local" | "testing")
}

/// Whether `value` looks generated rather than chosen by a person: at least 20
/// chars, letters and digits mixed, and at least 3.5 bits of entropy per char.
pub(crate) fn is_high_entropy(value: &str) -> bool {
    let v = strip_value_quotes(value.trim()).trim();
    v.chars().count() >= 20
        && !is_self_describing_chain(v)
        && !reads_as_words(v)
        && v.bytes().any(|b| b.is_ascii_digit())
        && v.bytes().any(|b| b.is_ascii_alphabetic())
        && shannon_entropy(v) >= 3.5
}

/// A password a person picked (`whalehello`, `hunter2hunter`, `photoprism`): one
/// kind of char, short, or mostly words. Not `FmTKs5vX52ufKR1r`.
fn is_chosen_by_a_person(password: &str) -> bool {
    password.chars().count() < 8
        || !password.bytes().any(|b| b.is_ascii_digit())
        || !password.bytes().any(|b| b.is_ascii_alphabetic())
        || reads_as_words(password)
        || is_name_then_digits(password)
        || is_camel_words_then_digits(password)
        || holds_a_year(password)
        || opens_with_a_word(password)
}

/// `project7162wkfgmk`: a lowercase word of six or more letters, then digits and a
/// few more typed characters; a password under 20 characters a person started
/// with a word.
fn opens_with_a_word(password: &str) -> bool {
    let word: Vec<char> = password
        .chars()
        .take_while(char::is_ascii_lowercase)
        .collect();
    password.chars().count() < 20
        && word.len() >= 6
        && password[word.len()..].starts_with(|c: char| c.is_ascii_digit())
        && is_pronounceable(&word)
}

/// `Su2022$jkM!&`: a password under 16 characters holding a year (1950–2039) as
/// four digits of their own: people put the year they typed it in; a generated
/// one seldom has four digits in a row.
fn holds_a_year(password: &str) -> bool {
    let b = password.as_bytes();
    password.chars().count() < 16
        && (0..b.len().saturating_sub(3)).any(|at| {
            let digits = &b[at..at + 4];
            let alone =
                |i: Option<usize>| i.and_then(|i| b.get(i)).is_none_or(|c| !c.is_ascii_digit());
            digits.iter().all(u8::is_ascii_digit)
                && alone(at.checked_sub(1))
                && alone(Some(at + 4))
                && matches!(&digits[..2], b"19" | b"20")
                && (digits[0] == b'2' && digits[2] <= b'3'
                    || digits[0] == b'1' && digits[2] >= b'5')
        })
}

/// `reallyStrongPwd123`: two or more camelCase words of three or more letters
/// (one capital, then lowercase), then digits. Random letters seldom fall into
/// such runs from end to end.
fn is_camel_words_then_digits(password: &str) -> bool {
    let letters = password.trim_end_matches(|c: char| c.is_ascii_digit() || "!@#$.*".contains(c));
    if letters.len() == password.len() || !letters.bytes().all(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let mut words = 0;
    let mut rest = letters;
    while !rest.is_empty() {
        let len = rest
            .char_indices()
            .skip(1)
            .find(|(_, c)| c.is_ascii_uppercase())
            .map_or(rest.len(), |(at, _)| at);
        let (word, tail) = rest.split_at(len);
        if word.len() < 3 || !word.bytes().skip(1).all(|b| b.is_ascii_lowercase()) {
            return false;
        }
        words += 1;
        rest = tail;
    }
    words >= 2
}

/// `Ashwin030905`, `shop2024!`, `Omar_162002`: a name (one word, capitalised or
/// not), maybe a separator, then digits, maybe one symbol after: the commonest
/// password a person makes up.
fn is_name_then_digits(password: &str) -> bool {
    let v = password
        .strip_suffix(['!', '@', '#', '$', '.', '*'])
        .unwrap_or(password);
    let digits_at = v.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (name, digits) = v.split_at(digits_at);
    // `Pasya/12042001`: a name, then a date.
    let name = name.strip_suffix(['_', '-', '.', '@', '/']).unwrap_or(name);
    let word: Vec<char> = name.chars().collect();
    word.len() >= 4
        && !digits.is_empty()
        && word.iter().skip(1).all(char::is_ascii_lowercase)
        && word.first().is_some_and(char::is_ascii_alphabetic)
        && is_pronounceable(&word)
}

/// A value typed by a person rather than generated: short, mostly words
/// (`dataGridCell`, `DefaultLoginPasswordDoNotChange!`), or under 16 chars
/// without both letters and digits. Hugging Face's 34 random letters are not.
fn reads_as_typed(value: &str) -> bool {
    let v = strip_value_quotes(value.trim()).trim();
    is_chosen_by_a_person(v)
        && (v.chars().count() < 16 || reads_as_words(v) || opens_with_a_word(v))
}

/// A password a person typed (`passRT%^#234`): under 16 characters or mostly
/// words. A 16-character random one (`gqYeDIzbEwTTYmB7`) was generated.
fn reads_as_typed_password(value: &str) -> bool {
    let v = strip_value_quotes(value.trim()).trim();
    v.chars().count() < 16 || reads_as_words(v)
}

/// Whether most of `value` is words a person typed (`SomeRandomStringOf32Chars`,
/// `areallysupersecretpassword235`): pronounceable runs of 3+ letters in one
/// case, capitalised or not, cover at least 60% of it. Random tokens rarely hold
/// such runs: two or three letters in a row of one case is what chance gives.
pub(crate) fn reads_as_words(value: &str) -> bool {
    let chars: Vec<char> = value.chars().collect();
    let mut covered = 0;
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        let first = chars.get(i).copied().unwrap_or(' ');
        if !first.is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        i += 1;
        while chars.get(i).is_some_and(|c| c.is_ascii_lowercase()) {
            i += 1;
        }
        // An all-caps word (`API`) runs on in capitals instead.
        if i == start + 1 && first.is_ascii_uppercase() {
            while chars.get(i).is_some_and(|c| {
                c.is_ascii_uppercase() && !chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())
            }) {
                i += 1;
            }
        }
        let word = chars.get(start..i).unwrap_or(&[]);
        if word.len() >= 3 && is_pronounceable(word) {
            covered += word.len();
        }
    }
    !chars.is_empty() && covered * 10 >= chars.len() * 6
}

/// A fifth or more vowels and no more than 3 consonants in a row: `String`,
/// `password`, not `pcc` or `Cdjj`.
fn is_pronounceable(word: &[char]) -> bool {
    let vowel = |c: &char| matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    let vowels = word.iter().filter(|c| vowel(c)).count();
    let mut run = 0;
    let mut longest = 0;
    for c in word {
        run = if vowel(c) { 0 } else { run + 1 };
        longest = longest.max(run);
    }
    vowels * 5 >= word.len() && longest <= 3
}

/// A secret for output: at most its first 4 chars (none under 12 chars), then
/// `…` and its length, e.g. `AKIA…(20 chars)`.
pub(crate) fn redact(secret: &str) -> String {
    let len = secret.chars().count();
    let unit = if len == 1 { "char" } else { "chars" };
    if len < 12 {
        return format!("…({len} {unit})");
    }
    let head: String = secret
        .chars()
        .take(4)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    format!("{head}…({len} {unit})")
}

/// Shannon entropy of `s` in bits per char (0.0 for an empty string).
pub(crate) fn shannon_entropy(s: &str) -> f64 {
    let mut ascii = [0u32; 128];
    let mut other: Vec<(char, u32)> = Vec::new();
    let mut total = 0u32;
    for c in s.chars() {
        total = total.saturating_add(1);
        match ascii.get_mut(c as usize) {
            Some(count) => *count += 1,
            None => match other.iter_mut().find(|(k, _)| *k == c) {
                Some((_, count)) => *count += 1,
                None => other.push((c, 1)),
            },
        }
    }
    if total == 0 {
        return 0.0;
    }
    let total = f64::from(total);
    ascii
        .iter()
        .copied()
        .chain(other.iter().map(|&(_, n)| n))
        .filter(|&n| n > 0)
        .map(|n| {
            let p = f64::from(n) / total;
            -p * p.log2()
        })
        .sum()
}
