//! The scan engine: one Aho-Corasick pass for the detectors' keywords, then each
//! hit detector's regex on a bounded window, then overlap resolution.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::{CaptureLocations, Regex};

use super::{detectors, is_placeholder, shannon_entropy, Candidate, Detector, SecretMatch, Window};
use crate::source::Span;

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
pub(super) const MAX_KEY_LEN: usize = 256;
/// The most text a [`Window::Key`] regex sees (name, operator and value).
pub(super) const MAX_KEY_WINDOW: usize = 4096;
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
