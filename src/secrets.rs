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

pub mod context;
mod detectors;
pub mod named;
pub mod sanitize;
pub mod stores;

pub use named::{is_named_secret, is_named_secret_value};

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::{CaptureLocations, Regex};

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
    /// the end of its line, at most [`MAX_KEY_WINDOW`] bytes; the regex is
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
    pub fn group(&self, name: &str) -> Option<&'a str> {
        let index = self.regex.capture_names().position(|n| n == Some(name))?;
        let (start, end) = self.locs.get(index)?;
        self.window.get(start..end)
    }

    /// The byte of `text` just after the secret, if any.
    pub fn byte_after(&self) -> Option<u8> {
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
    pub fn redacted(&self, text: &str) -> String {
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
pub fn detectors() -> &'static [Detector] {
    detectors::DETECTORS
}

/// The detector with this id.
pub fn detector(id: &str) -> Option<&'static Detector> {
    detectors().iter().find(|d| d.id == id)
}

/// One detector's compiled regex and the index of its `secret` group.
struct Compiled {
    regex: Regex,
    secret_group: usize,
}

/// A keyword's owner: which detector, and the exact spelling if case matters.
struct KeywordOwner {
    detector: usize,
    exact: Option<&'static str>,
}

/// Everything `scan` compiles once.
struct Engine {
    compiled: Vec<Option<Compiled>>,
    /// All keywords, ASCII case-insensitive, leftmost-longest.
    prefilter: Option<AhoCorasick>,
    /// Indexed by Aho-Corasick pattern id.
    owners: Vec<Vec<KeywordOwner>>,
}

static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::build);

impl Engine {
    fn build() -> Engine {
        let compiled = detectors()
            .iter()
            .map(|d| {
                let regex = match d.window {
                    Window::Key => Regex::new(&format!(r"\A(?:{})", d.pattern)).ok()?,
                    Window::Line | Window::Block { .. } => Regex::new(d.pattern).ok()?,
                };
                let secret_group = regex.capture_names().position(|n| n == Some("secret"))?;
                Some(Compiled {
                    regex,
                    secret_group,
                })
            })
            .collect();
        let mut patterns: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<KeywordOwner>> = Vec::new();
        for (detector, d) in detectors().iter().enumerate() {
            for &keyword in d.keywords {
                let folded = keyword.to_ascii_lowercase();
                let index = match patterns.iter().position(|p| *p == folded) {
                    Some(i) => i,
                    None => {
                        patterns.push(folded);
                        owners.push(Vec::new());
                        patterns.len() - 1
                    }
                };
                if let Some(list) = owners.get_mut(index) {
                    list.push(KeywordOwner {
                        detector,
                        exact: d.case_sensitive.then_some(keyword),
                    });
                }
            }
        }
        // NOTE: a DFA: two-letter keywords (`AC`, `SK`) leave the automaton without
        // a literal prefilter, so it steps every byte; a DFA steps fastest.
        let prefilter = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .ok();
        Engine {
            compiled,
            prefilter,
            owners,
        }
    }
}

/// Per-scan mutable state, allocated at the first keyword hit only.
struct ScanState {
    /// Per detector: keyword hits starting before this offset are already covered.
    covered_until: Vec<usize>,
    /// Per detector: reusable capture slots.
    locs: Vec<Option<CaptureLocations>>,
    /// The last line looked up, as a byte range.
    line: std::ops::Range<usize>,
}

/// Find every secret in `text`, sorted by span, overlaps resolved.
pub fn scan(text: &str) -> Vec<SecretMatch> {
    let engine = &*ENGINE;
    let Some(prefilter) = &engine.prefilter else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let mut state: Option<ScanState> = None;
    // NOTE: a non-overlapping (leftmost-longest) search keeps the automaton's
    // literal prefilter, which an overlapping search lacks. It is enough
    // because no keyword contains another past its first byte (a test checks).
    for hit in prefilter.find_iter(text) {
        let Some(owners) = engine.owners.get(hit.pattern().as_usize()) else {
            continue;
        };
        for owner in owners {
            let state = state.get_or_insert_with(|| ScanState {
                covered_until: vec![0; detectors().len()],
                locs: (0..detectors().len()).map(|_| None).collect(),
                line: 0..0,
            });
            let covered = state
                .covered_until
                .get(owner.detector)
                .copied()
                .unwrap_or(usize::MAX);
            if hit.start() < covered {
                continue;
            }
            if owner
                .exact
                .is_some_and(|exact| text.get(hit.range()) != Some(exact))
            {
                continue;
            }
            let (Some(detector), Some(Some(compiled))) = (
                detectors().get(owner.detector),
                engine.compiled.get(owner.detector),
            ) else {
                continue;
            };
            if !matches!(detector.window, Window::Block { .. })
                && !state.line.contains(&hit.start())
            {
                state.line = line_around(text, hit.start());
            }
            let (window, covers_to) = match detector.window {
                Window::Line => (state.line.clone(), state.line.end),
                Window::Key => match key_around(text, hit.range(), state.line.clone()) {
                    Some(found) => found,
                    None => {
                        // Inside a run too long to be a name (a base64 blob).
                        if let Some(covered) = state.covered_until.get_mut(owner.detector) {
                            *covered = hit.end().saturating_add(MAX_KEY_LEN);
                        }
                        continue;
                    }
                },
                Window::Block { max_len } => block_around(text, hit.start(), max_len),
            };
            // A Key window cut short of its line must not yield a cut value.
            let truncated = window.end < state.line.end && detector.window == Window::Key;
            let Some(Some(locs)) = state.locs.get_mut(owner.detector).map(|slot| {
                if slot.is_none() {
                    *slot = Some(compiled.regex.capture_locations());
                }
                slot.as_mut()
            }) else {
                continue;
            };
            let last_end = run_detector(
                detector, compiled, locs, text, window, truncated, &mut found,
            );
            if let Some(covered) = state.covered_until.get_mut(owner.detector) {
                *covered = covers_to.max(last_end).max(hit.start() + 1);
            }
        }
    }
    resolve_overlaps(found)
}

/// Every secret [`scan_file`] would report in the file at `path`, and every value a
/// credential store holds ([`stores::detect`]): what reports must mask. Unlike
/// [`scan_file`] it keeps secrets in tests and docs (masking them costs nothing).
pub fn secret_spans(path: &str, text: &str) -> Vec<Span> {
    let mut spans: Vec<Span> = scan(text).into_iter().map(|m| m.span).collect();
    if let Some(store) = stores::detect(path, text) {
        spans.extend(store.secrets.into_iter().map(Span::from_range));
    }
    spans.sort();
    spans.dedup();
    spans
}

/// [`scan`] for the file at `path`: in tests, docs and examples only verifiable
/// formats (provider prefixes, private keys, live-mode keys, signed JWTs) and
/// generated-looking values ([`is_high_entropy`]) count; a human-chosen password
/// such as `hunter2-test` in a test suite is a fixture.
pub fn scan_file(path: &str, text: &str) -> Vec<SecretMatch> {
    let role = context::path_role(path);
    let mut found = scan(text);
    if role != context::PathRole::Code {
        found.retain(|m| {
            let secret = m.secret(text);
            match m.detector.id {
                // Made-up tokens in tests fail the checksum real ones carry.
                "github-token" | "npm-token" => has_valid_crc32_suffix(secret),
                // NOTE: no public checksum to tell a made-up fine-grained token from
                // a real one: in tests and docs it is a fixture.
                "github-fine-grained-pat" => false,
                "database-url" => is_high_entropy(secret),
                _ => !m.detector.generic || is_high_entropy(secret),
            }
        });
    }
    let lower = path.to_ascii_lowercase();
    // Minified bundles (one line of thousands of chars) are built code: a
    // secret-named word in them is a variable, not a literal someone wrote.
    if [".js", ".mjs", ".cjs"]
        .iter()
        .any(|ext| lower.ends_with(ext))
    {
        found.retain(|m| !m.detector.generic || !on_minified_line(text, m.span));
    }
    if lower.ends_with(".yml") || lower.ends_with(".yaml") {
        found.retain(|m| !m.detector.generic || !under_dev_environment(text, m.span));
    }
    found
}

/// Whether the line holding `span` is longer than any line a person writes.
fn on_minified_line(text: &str, span: Span) -> bool {
    const MINIFIED_LINE: usize = 2_000;
    let start = span.start as usize;
    let head = text.get(..start).unwrap_or("");
    let line_start = head.rfind('\n').map_or(0, |i| i + 1);
    let tail = text.get(start..).unwrap_or("");
    let line_end = start + tail.find('\n').unwrap_or(tail.len());
    line_end - line_start > MINIFIED_LINE
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
pub fn is_high_entropy(value: &str) -> bool {
    let v = strip_value_quotes(value.trim()).trim();
    v.chars().count() >= 20
        && !is_self_describing_chain(v)
        && v.bytes().any(|b| b.is_ascii_digit())
        && v.bytes().any(|b| b.is_ascii_alphabetic())
        && shannon_entropy(v) >= 3.5
}

/// The line holding `offset`, without its terminator.
fn line_around(text: &str, offset: usize) -> std::ops::Range<usize> {
    // `str::find`/`rfind` of an ASCII char use memchr.
    let offset = floor_char_boundary(text, offset);
    let start = text
        .get(..offset)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |i| i + 1);
    let mut end = text
        .get(offset..)
        .and_then(|after| after.find('\n'))
        .map_or(text.len(), |i| offset + i);
    if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
        end -= 1;
    }
    start..end
}

/// The Key window for a hit inside `line`, and the end of the name (later
/// hits inside the same name are covered). `None` when the name-like run
/// around the hit is longer than [`MAX_KEY_LEN`].
fn key_around(
    text: &str,
    hit: std::ops::Range<usize>,
    line: std::ops::Range<usize>,
) -> Option<(std::ops::Range<usize>, usize)> {
    let bytes = text.as_bytes();
    let is_key_byte = |i: usize| {
        bytes.get(i).is_some_and(|&b| {
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'$' | b'@' | b'-')
        })
    };
    let floor = hit.start.saturating_sub(MAX_KEY_LEN).max(line.start);
    let mut start = hit.start;
    while start > floor && is_key_byte(start - 1) {
        start -= 1;
    }
    if start == floor && start > line.start && is_key_byte(start - 1) {
        return None;
    }
    // A name starts with a letter, `_`, `$` or `@` (`--password` → `password`).
    while start < hit.start
        && !bytes
            .get(start)
            .is_some_and(|&b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'$' | b'@'))
    {
        start += 1;
    }
    let ceiling = hit.end.saturating_add(MAX_KEY_LEN).min(line.end);
    let mut key_end = hit.end;
    while key_end < ceiling && is_key_byte(key_end) {
        key_end += 1;
    }
    if key_end == ceiling && key_end < line.end && is_key_byte(key_end) {
        return None;
    }
    let end = floor_char_boundary(text, line.end.min(start.saturating_add(MAX_KEY_WINDOW)));
    Some((start..end.max(start), key_end))
}

/// A block window for a hit, and the offset up to which later hits are covered:
/// any block starting before it and at most `max_len` long lies inside the window.
fn block_around(text: &str, offset: usize, max_len: usize) -> (std::ops::Range<usize>, usize) {
    let start = floor_char_boundary(text, offset.saturating_sub(64));
    let end = floor_char_boundary(
        text,
        start
            .saturating_add(max_len.saturating_mul(2))
            .min(text.len()),
    );
    let covers_to = if end == text.len() {
        end
    } else {
        end.saturating_sub(max_len)
    };
    (start..end, covers_to)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i.min(text.len())
}

/// The longest name [`Window::Key`] looks back over.
pub const MAX_KEY_LEN: usize = 256;
/// The most text a [`Window::Key`] regex sees (name, operator and value).
pub const MAX_KEY_WINDOW: usize = 4096;
/// A value longer than this is not searched again for keywords inside it,
/// which keeps keyword-dense lines linear.
const MAX_RESCAN: usize = 256;

/// Run one detector's regex over a window; push accepted matches. Returns the
/// offset (in `text`) up to which later keyword hits are covered: the end of
/// the last accepted match, or of a rejected one with a long value, or 0.
fn run_detector(
    detector: &'static Detector,
    compiled: &Compiled,
    locs: &mut CaptureLocations,
    text: &str,
    window: std::ops::Range<usize>,
    truncated: bool,
    found: &mut Vec<SecretMatch>,
) -> usize {
    let base = window.start;
    let Some(hay) = text.get(window) else {
        return 0;
    };
    let mut last_end = 0;
    let mut pos = 0;
    while pos <= hay.len() {
        let Some(whole) = compiled.regex.captures_read_at(locs, hay, pos) else {
            break;
        };
        let Some((raw_start, raw_end)) = locs.get(compiled.secret_group) else {
            pos = ceil_char_boundary(hay, whole.end().max(pos + 1));
            continue;
        };
        let (start, end) = strip_quotes(hay, raw_start, raw_end);
        let candidate = Candidate {
            text,
            secret: hay.get(start..end).unwrap_or(""),
            span: Span::new(base + start, base + end),
            context_span: Span::new(base + whole.start(), base + whole.end()),
            regex: &compiled.regex,
            locs,
            window: hay,
        };
        let cut = truncated && whole.end() == hay.len();
        if !cut && accept(detector, &candidate) {
            found.push(SecretMatch {
                detector,
                span: candidate.span,
                context_span: candidate.context_span,
            });
            last_end = base + whole.end();
        } else if raw_end - raw_start > MAX_RESCAN {
            last_end = base + whole.end();
        }
        // Searching on after the match (accepted or not) keeps this linear.
        pos = ceil_char_boundary(hay, whole.end().max(pos + 1));
        if pos >= hay.len() {
            break;
        }
    }
    last_end
}

/// Shrink a group span by one matching pair of surrounding quotes.
fn strip_quotes(hay: &str, start: usize, end: usize) -> (usize, usize) {
    let bytes = hay.as_bytes();
    if end >= start + 2 {
        if let (Some(&open), Some(&close)) = (bytes.get(start), bytes.get(end - 1)) {
            if open == close && matches!(open, b'"' | b'\'' | b'`') {
                return (start + 1, end - 1);
            }
        }
    }
    (start, end)
}

/// The checks every detector shares: length, boundaries, its own validator
/// (cheap checks first there), entropy, placeholders.
fn accept(detector: &Detector, candidate: &Candidate<'_>) -> bool {
    let secret = candidate.secret;
    if secret.chars().count() < detector.min_len.max(1) {
        return false;
    }
    if detector.bounded {
        let bytes = candidate.text.as_bytes();
        let start = candidate.span.start as usize;
        let before = start.checked_sub(1).and_then(|i| bytes.get(i));
        let after = bytes.get(candidate.span.end as usize);
        if before.is_some_and(|&b| is_token_byte(b)) || after.is_some_and(|&b| is_token_byte(b)) {
            return false;
        }
    }
    detector.validate.is_none_or(|validate| validate(candidate))
        && detector
            .min_entropy
            .is_none_or(|floor| shannon_entropy(secret) >= floor)
        && !(detector.reject_placeholders && is_placeholder(secret))
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Sort by span and keep one match per overlapping group: a specific detector
/// beats the generic one, then the longer span, then the earlier detector.
fn resolve_overlaps(mut found: Vec<SecretMatch>) -> Vec<SecretMatch> {
    let order = |m: &SecretMatch| {
        detectors()
            .iter()
            .position(|d| std::ptr::eq(d, m.detector))
            .unwrap_or(usize::MAX)
    };
    found.sort_by_key(|m| (m.span.start, m.span.end, m.detector.generic, order(m)));
    let mut kept: Vec<SecretMatch> = Vec::with_capacity(found.len());
    for m in found {
        if let Some(last) = kept.last_mut() {
            if m.span.start < last.span.end {
                let better = match (m.detector.generic, last.detector.generic) {
                    (false, true) => true,
                    (true, false) => false,
                    _ => m.span.len() > last.span.len(),
                };
                if better {
                    *last = m;
                }
                continue;
            }
        }
        kept.push(m);
    }
    kept
}

/// A secret for output: at most its first 4 chars (none under 12 chars), then
/// `…` and its length, e.g. `AKIA…(20 chars)`.
pub fn redact(secret: &str) -> String {
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
pub fn shannon_entropy(s: &str) -> f64 {
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

/// What kind of secret a name announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameKind {
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
const REFERENCE_SUFFIXES: &[&str] = &[
    "arn",
    "file",
    "files",
    "path",
    "name",
    "names",
    "id",
    "ids",
    "url",
    "uri",
    "method",
    "length",
    "len",
    "version",
    "type",
    "env",
    "ttl",
    "expiry",
    "expires",
    "expiration",
    "at",
    "timeout",
    "header",
    "field",
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
    "strategy",
    "input",
    "column",
    "validator",
    "strength",
    "helper",
    "class",
    "component",
];

/// Name segments that say the thing is public or not a credential.
const NON_SECRET_SEGMENTS: &[&str] = &[
    "public",
    "pub",
    "publishable",
    "csrf",
    "xsrf",
    "next",
    "page",
    "pagination",
    "continuation",
    "cursor",
    "rum",
    "browser",
    "frontend",
];

/// Whether `name` is secret-named (the ruleset's "Secret-named" convention):
/// it contains password, passwd, pwd, secret, token, api_key/apikey/api-key,
/// private_key, access_key, credential(s), auth_token, client_secret or dsn,
/// and its last segment is not a reference suffix (`_arn`, `_file`, `_path`,
/// `_name`, `_id`, `_url`, `_method`, `_length`, `_version`, `_type`, `_env`,
/// `_ttl`, …). Case-insensitive; camelCase, SCREAMING_SNAKE, kebab and dotted
/// (`spring.datasource.password`) names all work.
pub fn is_secret_name(name: &str) -> bool {
    name_kind(name).is_some()
}

fn name_kind(name: &str) -> Option<NameKind> {
    let norm = normalize_name(name);
    let segments: Vec<&str> = norm.split('_').filter(|s| !s.is_empty()).collect();
    let last = *segments.last()?;
    if REFERENCE_SUFFIXES.contains(&last)
        || segments.iter().any(|s| NON_SECRET_SEGMENTS.contains(s))
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
fn normalize_name(name: &str) -> String {
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

/// Words a placeholder or well-known dev default is made of (`changeme`,
/// `mysecretpassword`, `P@ssw0rd123`, `test`, `postgres`, …).
const PLACEHOLDER_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passw",
    "pass",
    "pwd",
    "pw",
    "secret",
    "secrets",
    "test",
    "testing",
    "tester",
    "example",
    "sample",
    "demo",
    "changeme",
    "change",
    "changeit",
    "me",
    "my",
    "your",
    "the",
    "postgres",
    "postgresql",
    "pg",
    "mysql",
    "mariadb",
    "mongo",
    "mongodb",
    "redis",
    "rabbit",
    "rabbitmq",
    "guest",
    "root",
    "admin",
    "administrator",
    "user",
    "username",
    "login",
    "default",
    "dev",
    "development",
    "local",
    "localhost",
    "staging",
    "qwerty",
    "letmein",
    "welcome",
    "hello",
    "world",
    "foo",
    "bar",
    "baz",
    "qux",
    "foobar",
    "dummy",
    "fake",
    "mock",
    "none",
    "null",
    "nil",
    "undefined",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "empty",
    "blank",
    "token",
    "key",
    "api",
    "apikey",
    "access",
    "auth",
    "private",
    "db",
    "database",
    "app",
    "service",
    "client",
    "server",
    "abc",
    "xyz",
    "insecure",
    "not",
    "real",
    "valid",
    "invalid",
    "super",
    "very",
    "some",
    "value",
    "string",
    "hunter",
    "master",
    "temp",
    "tmp",
    "todo",
    "fixme",
    "redacted",
    "masked",
    "hidden",
    "sensitive",
    "deadbeef",
    "na",
    "sesame",
    "for",
    "only",
    "ci",
    "use",
    "prod",
    "production",
    "unsafe",
    "never",
    "this",
    "unit",
    "integration",
    "spec",
    "fixture",
    "open",
    "vagrant",
    "docker",
    "jenkins",
    "oracle",
    "sa",
    "here",
];

/// Substrings that mark a placeholder wherever they appear (case-insensitive).
const PLACEHOLDER_MARKERS: &[&str] = &[
    "example",
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
    "redacted",
    "dummy",
    "your",
    "replace_me",
    "replaceme",
    "replace-me",
    "sample",
    "fake",
    "_here",
    "-here",
    "***",
    "•••",
    "...",
    "…",
];

/// Template and interpolation syntax: the value is filled in elsewhere.
const INTERPOLATION_MARKERS: &[&str] = &["${", "{{", "}}", "#{", "$(", "%("];

/// Environment and secret-store lookups written as values.
const ENV_REFERENCE_MARKERS: &[&str] = &[
    "process.env",
    "import.meta.env",
    "os.environ",
    "os.getenv",
    "getenv(",
    "env[",
    "env.fetch",
    "system.getenv",
    "environment.getenvironmentvariable",
    "env(",
    "secrets.",
];

/// Whether `value` is a placeholder rather than a secret: empty, `changeme`,
/// `<...>`, `${...}`, `$VAR`, `{{ }}`, `%(x)s`, `xxx`/`XXXX`, `***`,
/// `your-...-here`, dev defaults and their combinations (`example`, `test`,
/// `password`, `postgres`, `dummy`, `fake`, `secret`, `redacted`, `none`,
/// `null`, `true`, `false`, `P@ssw0rd123`), env references (`process.env.X`,
/// `os.environ[...]`, `ENV[...]`), AWS's documented EXAMPLE keys, and values
/// that are one repeated char or a run like `12345678`.
pub fn is_placeholder(value: &str) -> bool {
    let v = strip_value_quotes(value.trim()).trim();
    if v.is_empty() {
        return true;
    }
    let lower = v.to_lowercase();
    if INTERPOLATION_MARKERS.iter().any(|m| lower.contains(m))
        || ENV_REFERENCE_MARKERS.iter().any(|m| lower.contains(m))
        || PLACEHOLDER_MARKERS.iter().any(|m| lower.contains(m))
    {
        return true;
    }
    let mut chars = v.chars();
    let first = chars.next().unwrap_or(' ');
    let second = chars.next().unwrap_or(' ');
    // $VAR, %VAR%, {name}, %s
    if first == '$' && (second.is_alphabetic() || second == '_' || second == '{') {
        return true;
    }
    if (first == '%' && v.ends_with('%') && v.len() > 2)
        || (first == '{' && v.ends_with('}'))
        || (first == '%' && v.len() <= 3)
    {
        return true;
    }
    if let Some(open) = v.find('<') {
        if v.get(open..).is_some_and(|rest| rest.contains('>')) {
            return true;
        }
    }
    if lower.chars().all(|c| c == 'x') || lower.contains("xxxx") {
        return true;
    }
    is_repeated_or_run(v) || is_made_of_words(&lower) || is_self_describing_chain(v)
}

/// Lowercase words joined by `_`, `-` or `.` of which one says what the value is
/// for (`my_google_drive_secret_42`, `local-dev-token`): a name, not a secret. A
/// passphrase of plain words (`correct-horse-battery-staple`) is not caught.
fn is_self_describing_chain(v: &str) -> bool {
    let parts: Vec<&str> = v.split(['_', '-', '.']).collect();
    let alphabetic = parts
        .iter()
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        .count();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && alphabetic * 2 >= parts.len()
        && parts
            .iter()
            .any(|p| PLACEHOLDER_WORDS.contains(&p.trim_end_matches(|c: char| c.is_ascii_digit())))
}

fn strip_value_quotes(v: &str) -> &str {
    for q in ['"', '\'', '`'] {
        if let Some(inner) = v.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            return inner;
        }
    }
    v
}

/// One char repeated (separators ignored), or an ascending or descending run like
/// `abcdef`, `123456`, `87654321`.
fn is_repeated_or_run(v: &str) -> bool {
    let mut alnum = v.chars().filter(|c| c.is_alphanumeric());
    let Some(first) = alnum.next() else {
        return v.chars().all(|c| c == first_char(v));
    };
    let rest: Vec<char> = alnum.collect();
    if rest.iter().all(|&c| c == first) {
        return true;
    }
    let count = rest.len() + 1;
    let mut prev = first;
    // Runs glued together count too: `abc…zABC…Z0…9` (a charset), `abcd1234efgh5678`.
    let (mut ascending_steps, mut descending_steps) = (0, 0);
    for &c in &rest {
        ascending_steps += usize::from((c as u32).checked_sub(prev as u32) == Some(1));
        // Counting down too: `87654321-4321`.
        descending_steps += usize::from((prev as u32).checked_sub(c as u32) == Some(1));
        prev = c;
    }
    count >= 6 && (ascending_steps * 4 >= rest.len() * 3 || descending_steps * 4 >= rest.len() * 3)
}

fn first_char(v: &str) -> char {
    v.chars().next().unwrap_or(' ')
}

/// Whether the letters of `lower` (after dropping trailing digits and
/// punctuation, and with or without undoing leetspeak) are a sequence of
/// placeholder words: `mysecretpassword`, `test1234`, `p@ssw0rd!`.
fn is_made_of_words(lower: &str) -> bool {
    let core = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    let plain: String = core.chars().filter(|c| c.is_ascii_lowercase()).collect();
    let unleet: String = core
        .chars()
        .filter_map(|c| match c {
            '@' | '4' => Some('a'),
            '$' | '5' => Some('s'),
            '0' => Some('o'),
            '3' => Some('e'),
            '1' | '!' => Some('i'),
            '7' => Some('t'),
            c if c.is_ascii_lowercase() => Some(c),
            _ => None,
        })
        .collect();
    word_break(&plain) || word_break(&unleet)
}

/// Dynamic programming word break over [`PLACEHOLDER_WORDS`].
fn word_break(s: &str) -> bool {
    let n = s.len();
    if n == 0 || n > 64 || !s.is_ascii() {
        return false;
    }
    let mut reachable = [false; 65];
    reachable[0] = true;
    for end in 1..=n {
        let ok = PLACEHOLDER_WORDS.iter().any(|w| {
            end.checked_sub(w.len()).is_some_and(|start| {
                reachable.get(start).copied().unwrap_or(false) && s.get(start..end) == Some(w)
            })
        });
        if let Some(slot) = reachable.get_mut(end) {
            *slot = ok;
        }
    }
    reachable.get(n).copied().unwrap_or(false)
}

/// Literals that look secret but are not: test-mode and publishable keys,
/// lock-file and image digests, UUIDs, public keys.
fn is_known_non_secret(value: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "sk_test_",
        "rk_test_",
        "pk_test_",
        "pk_live_",
        "sha1-",
        "sha256-",
        "sha384-",
        "sha512-",
        "sha1:",
        "sha256:",
        "sha384:",
        "sha512:",
        "md5:",
        "md5-",
        "h1:",
        "blake2b-",
        "ssh-rsa",
        "ssh-dss",
        "ssh-ed25519",
        "ecdsa-sha2-",
        "sk-ssh-ed25519",
        "sk-ecdsa-sha2-",
        "aaaab3nzac1",
        "aaaac3nzac1",
        "aaaae2vjzhnh",
        "miibijanbgkqhkig9w0baqefaaoc",
        "miicijanbgkqhkig9w0baqefaaoc",
        "mfkwewyhkozizj0caqyi",
        "mcowbqydk2vwaye",
        "-----begin public",
        "-----begin rsa public",
        "-----begin pgp public",
        "-----begin ssh2 public",
        "-----begin certificate",
        "age1",
        // Password hashes (crypt(3), bcrypt, argon2, Django, LDAP): one-way, not credentials.
        "$1$",
        "$2a$",
        "$2b$",
        "$2y$",
        "$5$",
        "$6$",
        "$apr1$",
        "$argon2",
        "$scrypt$",
        "$pbkdf2",
        "pbkdf2_",
        "pbkdf2:",
        "bcrypt$",
        "argon2$",
        "scrypt:",
        "{ssha}",
        "{sha}",
        "{bcrypt}",
        "{noop}",
        // Sandbox (test-mode) tokens: Plaid `access-sandbox-…`, `link-sandbox-…`.
        "access-sandbox-",
        "link-sandbox-",
        "public-sandbox-",
        "processor-sandbox-",
        // Google's documented reCAPTCHA v2 test keys (site and secret).
        "6leixactaaaaa",
    ];
    let v = strip_value_quotes(value.trim()).trim();
    let lower = v.to_ascii_lowercase();
    // Datadog browser (RUM/logs) client tokens: `pub` + 32 hex, public by design.
    let datadog_client_token = lower.len() == 35
        && lower.starts_with("pub")
        && lower.bytes().skip(3).all(|b| b.is_ascii_hexdigit());
    PREFIXES.iter().any(|p| lower.starts_with(p)) || is_uuid(v) || datadog_client_token
}

/// References to a secret kept elsewhere: ARNs, secret-store paths.
fn is_reference_literal(value: &str) -> bool {
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
    ];
    let lower = strip_value_quotes(value.trim()).trim().to_ascii_lowercase();
    PREFIXES.iter().any(|p| lower.starts_with(p))
}

fn is_uuid(v: &str) -> bool {
    let bytes = v.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// For SEC002/SEC003/SEC004, where the *name* already says secret: whether the
/// literal `value` is a real-looking secret, i.e. not a placeholder, not an env
/// or secret-store reference, not a known non-secret (test-mode key, digest,
/// UUID, public key), and at least 8 chars. Pass the literal itself (the
/// caller's parser knows what is a literal and what is `var.x`).
pub fn looks_like_secret_value(value: &str) -> bool {
    let v = strip_value_quotes(value.trim()).trim();
    v.chars().count() >= 8
        && !is_placeholder(v)
        && !is_reference_literal(v)
        && !is_known_non_secret(v)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(crate) const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    pub(crate) const HEX: &str = "0123456789abcdef";
    pub(crate) const B32: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    pub(crate) const B64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// A deterministic random string: test secrets are generated, so no
    /// credential-shaped literal sits in the source (push protection).
    pub(crate) fn random(seed: u64, len: usize, alphabet: &str) -> String {
        let chars: Vec<char> = alphabet.chars().collect();
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                chars[(x % chars.len() as u64) as usize]
            })
            .collect()
    }

    fn encode(data: &[u8], alphabet: &[u8], pad: bool) -> String {
        let mut out = String::new();
        for chunk in data.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
            for i in 0..=chunk.len() {
                out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
            if pad {
                for _ in chunk.len()..3 {
                    out.push('=');
                }
            }
        }
        out
    }

    pub(crate) fn b64url(s: &str) -> String {
        encode(
            s.as_bytes(),
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
            false,
        )
    }

    pub(crate) fn b64(s: &str) -> String {
        encode(s.as_bytes(), B64.as_bytes(), true)
    }

    fn describe(found: &[SecretMatch]) -> Vec<(&'static str, Span)> {
        found.iter().map(|m| (m.detector.id, m.span)).collect()
    }

    /// Exactly one match, of detector `id`, whose span is exactly `secret`.
    pub(crate) fn assert_finds(text: &str, id: &str, secret: &str) -> SecretMatch {
        let found = scan(text);
        assert_eq!(
            found.len(),
            1,
            "one {id} expected in {text:?}, got {:?}",
            describe(&found)
        );
        let m = found[0];
        assert_eq!(m.detector.id, id, "in {text:?}");
        let start = text.find(secret).expect("secret is in the text");
        assert_eq!(
            m.span,
            Span::new(start, start + secret.len()),
            "in {text:?}"
        );
        assert_eq!(m.secret(text), secret);
        assert!(m.context_span.contains(m.span));
        m
    }

    pub(crate) fn assert_clean(text: &str) {
        let found = scan(text);
        assert!(
            found.is_empty(),
            "nothing expected in {text:?}, got {:?}",
            describe(&found)
        );
    }

    #[test]
    fn secret_names() {
        for name in [
            "password",
            "DB_PASSWORD",
            "dbPassword",
            "spring.datasource.password",
            "passwd",
            "db-pwd",
            "DB_PASS",
            "client_secret",
            "clientSecret",
            "SECRET_KEY_BASE",
            "GITHUB_TOKEN",
            "accessToken",
            "OAuthToken",
            "api_key",
            "apiKey",
            "APIKey",
            "x-api-key",
            "private_key",
            "privateKey",
            "aws_secret_access_key",
            "AWS_ACCESS_KEY",
            "credentials",
            "GOOGLE_CREDENTIALS",
            "auth_token",
            "authtoken",
            "SENTRY_DSN",
            "AccountKey",
            "license_key",
            "AUTH_KEY",
            "NONCE_SALT",
            "signingKey",
            "webhook_key",
            "dbpasswd",
            "$dbpassword",
        ] {
            assert!(is_secret_name(name), "{name} is secret-named");
        }
        for name in [
            "username",
            "aws_access_key_id",
            "AWS_ACCESS_KEY_ID",
            "secret_arn",
            "password_file",
            "tls_private_key_path",
            "secretName",
            "db_password_secret_id",
            "token_url",
            "password_method",
            "password_length",
            "secret_version",
            "token_type",
            "DB_PASSWORD_ENV",
            "token_ttl",
            "max_tokens",
            "tokenizer",
            "public_key",
            "stripe_publishable_key",
            "csrf_token",
            "nextToken",
            "secretKeyRef",
            "password_hash",
            "oauth_token.service_account_email",
            "AuthTokenStatus",
            "secret_user",
            "key",
            "",
            "passwordless",
            "secretary",
            "proxy_pass",
            "fastcgi_pass",
            "password_encryption",
            "sort_key",
            "primary_key",
            "SECRET_KEY_CHARSET",
            "data-password-validator-target",
            "secretFieldSelector",
            "max_tokens",
        ] {
            assert!(!is_secret_name(name), "{name} is not secret-named");
        }
    }

    #[test]
    fn placeholders() {
        for value in [
            "",
            "  ",
            "changeme",
            "CHANGE_ME",
            "<password>",
            "<your token here>",
            "${DB_PASSWORD}",
            "prefix-${var.x}",
            "$DB_PASSWORD",
            "{{ .Values.password }}",
            "%(password)s",
            "%s",
            "{password}",
            "%DB_PASSWORD%",
            "xxx",
            "XXXX-XXXX",
            "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
            "***",
            "********",
            "your-api-key-here",
            "87654321-432104321-4321-210987654321",
            "YOUR_API_KEY",
            "example",
            "test",
            "password",
            "postgres",
            "dummy",
            "fake",
            "secret",
            "redacted",
            "[REDACTED]",
            "none",
            "null",
            "true",
            "False",
            "process.env.API_KEY",
            "os.environ['X']",
            "os.environ.get('X')",
            "ENV['X']",
            "ENV.fetch('X')",
            "System.getenv(\"X\")",
            concat!("AKIAIOSFO", "DNN7EXAMPLE"),
            concat!("wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYEXAMPLEKEY"),
            "aaaaaaaa",
            "0000-0000-0000",
            "12345678",
            "abcdefgh",
            "P@ssw0rd!",
            "s3cr3t",
            "password123",
            "mysecretpassword",
            "supersecret",
            "test-token",
            "'changeme'",
            "for-testing",
            "my_google_drive_secret_42",
            "local-dev-token",
            "abcd1234efgh5678",
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        ] {
            assert!(is_placeholder(value), "{value:?} is a placeholder");
        }
        for value in [
            "k8Zq2LmP0xWvR4tY",
            "hunter2-Zq8",
            &random(1, 40, B64),
            &random(2, 36, ALNUM),
            "correct-horse-battery-staple",
        ] {
            assert!(!is_placeholder(value), "{value:?} is not a placeholder");
        }
    }

    #[test]
    fn secret_values_for_named_settings() {
        assert!(looks_like_secret_value("k8Zq2LmP0xWv"));
        assert!(looks_like_secret_value("\"k8Zq2LmP0xWv\""));
        assert!(looks_like_secret_value("my long pass phrase"));
        for value in [
            "short1",
            "changeme",
            "${{ secrets.DB_PASSWORD }}",
            "$(cat /run/secrets/db)",
            "arn:aws:secretsmanager:us-east-1:1:secret:x",
            "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
            "pk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "sha256:0123456789abcdef0123456789abcdef",
            "123e4567-e89b-12d3-a456-426614174000",
        ] {
            assert!(!looks_like_secret_value(value), "{value:?}");
        }
    }

    #[test]
    fn tests_and_docs_keep_only_verifiable_or_generated_values() {
        let human = "password = \"Tr0ub4dor&3x\"\n";
        assert_eq!(scan_file("app/config.py", human).len(), 1);
        assert!(scan_file("tests/test_auth.py", human).is_empty());
        assert!(scan_file("docs/setup.md", human).is_empty());
        assert!(scan_file("internal/locale/de.json", human).is_empty());
        let generated = format!("api_key = \"{}\"\n", random(20, 40, ALNUM));
        assert_eq!(scan_file("tests/test_client.py", &generated).len(), 1);
        // GitHub tokens in tests must carry a valid CRC32 checksum.
        let body = random(21, 30, ALNUM);
        let mut n = crc32(body.as_bytes());
        let mut check = String::new();
        for _ in 0..6 {
            let b62 = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
            check.insert(0, b62[(n % 62) as usize] as char);
            n /= 62;
        }
        let real = format!("ghp_{body}{check}");
        assert!(has_valid_crc32_suffix(&real));
        assert_eq!(
            scan_file("spec/api_spec.rb", &format!("t = \"{real}\"\n")).len(),
            1
        );
        let made_up = format!("ghp_{body}abcdef");
        assert!(!has_valid_crc32_suffix(&made_up));
        assert!(scan_file("spec/api_spec.rb", &format!("t = \"{made_up}\"\n")).is_empty());
        assert_eq!(
            scan_file("app/api.rb", &format!("t = \"{made_up}\"\n")).len(),
            1
        );
    }

    #[test]
    fn yaml_development_environments_are_defaults() {
        let key = random(22, 64, HEX);
        let text = format!(
            "development:\n  secret_key_base: {key}\nproduction:\n  secret_key_base: {key}9\n"
        );
        let found = scan_file("config/secrets.yml", &text);
        assert_eq!(found.len(), 1);
        assert!(found[0].secret(&text).ends_with('9'));
    }

    #[test]
    fn secret_spans_include_credential_stores() {
        let text = "machine api.heroku.com\n  login ops\n  password hunter22\n";
        let spans = secret_spans(".netrc", text);
        assert_eq!(spans.len(), 1);
        assert_eq!(&text[spans[0].range()], "hunter22");
        assert!(scan(text).is_empty());
    }

    #[test]
    fn redaction_never_shows_more_than_four_chars() {
        assert_eq!(redact("AKIAQWERTYUI23456789"), "AKIA…(20 chars)");
        assert_eq!(redact("hunter2"), "…(7 chars)");
        assert_eq!(redact("k8Zq2LmP0xW"), "…(11 chars)");
        assert_eq!(redact("x"), "…(1 char)");
        assert_eq!(redact(""), "…(0 chars)");
        assert_eq!(redact("ééééééééééééé"), "éééé…(13 chars)");
        for len in 0..80 {
            let secret = random(len as u64 + 7, len, ALNUM);
            let shown = redact(&secret);
            let head: String = shown.chars().take_while(|&c| c != '…').collect();
            assert!(head.chars().count() <= 4, "{shown}");
            assert!(secret.starts_with(&head));
            if len < 12 {
                assert!(head.is_empty(), "{shown}");
            }
            // No 5-char window of the secret appears in the output.
            let chars: Vec<char> = secret.chars().collect();
            for w in chars.windows(5) {
                assert!(!shown.contains(&w.iter().collect::<String>()));
            }
        }
    }

    #[test]
    fn entropy() {
        assert_eq!(shannon_entropy(""), 0.0);
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("ab") - 1.0).abs() < 1e-9);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
        assert!((shannon_entropy("αβγδ") - 2.0).abs() < 1e-9);
        assert!(shannon_entropy(&random(3, 40, B64)) > 4.5);
    }

    #[test]
    fn detector_lookup() {
        assert_eq!(
            detector("aws-access-key-id").map(|d| d.description),
            Some("AWS access key ID")
        );
        assert!(detector("nope").is_none());
    }

    /// About 1 MB of ordinary source with the prefilter's words in harmless places.
    fn ordinary_source() -> String {
        let chunk = r#"
/// Parse one token from the stream; see `TokenKind` for the secret sauce.
pub fn next_token(&mut self) -> Result<Token, LexError> {
    let token = self.lexer.peek()?;
    if token.kind == TokenKind::Password || self.pass_count > 3 {
        return Err(LexError::new("unexpected password token", token.span));
    }
    let secret_name = format!("{}-{}", self.prefix, token.text);
    let api_key_id = config.api_key_id.clone();
    log::debug!("access_key rotation for {secret_name} ({api_key_id})");
    Ok(token)
}
const CREDENTIALS_PATH: &str = "/etc/app/credentials.json";
# database: postgres on port 5432, redis for sessions; passwords live in Vault.
"#;
        let mut text = String::with_capacity(1 << 20);
        let mut i = 0u64;
        while text.len() < (1 << 20) {
            text.push_str(chunk);
            text.push_str(&format!(
                "let value_{i} = compute({i}, \"ASK\", \"eyJ\");\n"
            ));
            i += 1;
        }
        text
    }

    #[test]
    fn one_megabyte_of_ordinary_source() {
        let text = ordinary_source();
        assert!(text.len() >= 1 << 20);
        let found = scan(&text);
        assert!(found.is_empty(), "{:?}", describe(&found));
    }

    #[test]
    fn hostile_inputs_stay_linear_and_never_panic() {
        // Many headers without footers, long keyword-dense lines, odd bytes.
        let headers = "-----BEGIN RSA PRIVATE KEY-----\n".repeat(20_000);
        assert!(scan(&headers).is_empty());
        let dense = "token=token=".repeat(50_000);
        let _ = scan(&dense);
        let one_line = format!(
            "{} password = \"{}\"",
            "x".repeat(300_000),
            random(4, 20, ALNUM)
        );
        assert_eq!(scan(&one_line).len(), 1);
        // A keyword inside a run too long to be a name is skipped.
        let glued = format!(
            "{}password = \"{}\"",
            "x".repeat(300_000),
            random(4, 20, ALNUM)
        );
        assert!(scan(&glued).is_empty());
        let unicode =
            "pässwörd = \"ü∂ƒ©˙∆˚¬…æ\" é token: 日本語のテキスト ghp_ AKIA\u{0}\r\n".repeat(1000);
        let _ = scan(&unicode);
        for text in [
            "",
            "ghp_",
            "-----BEGIN",
            "eyJ.",
            "password=",
            "postgres://:@",
            "\"",
            "SK",
        ] {
            let _ = scan(text);
        }
        // A key at the very end of a large file with an unfinished block before it.
        let mut text = "-----BEGIN PRIVATE KEY-----\n".to_string();
        text.push_str(&"A".repeat(200_000));
        let token = format!("npm_{}", random(5, 36, ALNUM));
        text.push_str(&format!("\n{token}\n"));
        assert_finds(&text, "npm-token", &token);
    }
}
