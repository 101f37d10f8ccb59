//! Comments around a value that say what it is: a default to change, a sample
//! to replace, a value its owners call public, or a stand-in.

use super::line_range;
use crate::source::Span;

/// Words of a comment that present the setting below it as a default to replace:
/// `# The initial password of Harbor admin … Remember Change the admin password`,
/// in Spanish or French too (`# la puedes cambiar por la que quieras`).
const DEFAULT_NOTE_WORDS: &[&str] = &["default", "initial", "change", "cambiar", "changer"];

/// Whether the comment above the setting at `span` (template lines such as
/// `{% else %}` skipped), or its line's own trailing comment, calls its value a
/// default or says to change it: a product's documented default password, not a
/// leaked one.
pub(in crate::secrets) fn under_default_note(text: &str, span: Span) -> bool {
    let says_default = |lower: &str| {
        lower
            .split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| DEFAULT_NOTE_WORDS.contains(&w))
    };
    note_above(text, span, says_default)
        || trailing_comment(text, span).is_some_and(|comment| says_default(&comment))
}

/// The lowercase trailing comment (` #`, tab `#`, ` //`) of the line the value
/// at `span` ends on, if any.
fn trailing_comment(text: &str, span: Span) -> Option<String> {
    let end = (span.end as usize).min(text.len());
    let line = line_range(text, end.saturating_sub(1));
    let after = text.get(end..line.end.max(end)).unwrap_or("");
    [" #", "\t#", " //"]
        .iter()
        .filter_map(|marker| after.find(marker))
        .min()
        .and_then(|at| after.get(at..))
        .map(str::to_ascii_lowercase)
}

/// Whether the comment above the setting at `span` tells the reader to put their
/// own value there (`# Replace with your values`, `// replace this with your
/// key`, `# PUT YOUR OWN SECRET KEYBASE HERE`, `# Please add secret key here`,
/// `# update the following two lines`), or its own line's trailing comment starts
/// by saying so (`# Replace with a secure key`): what follows is the template's
/// sample, however random it looks.
pub(in crate::secrets) fn under_replace_note(text: &str, span: Span) -> bool {
    // On the value's own line, a note that starts by saying to replace it
    // (`JWT_SECRET=a9Z… # Replace with a secure JWT secret key`).
    let replace_trailing = trailing_comment(text, span).is_some_and(|comment| {
        comment
            .trim_start_matches([' ', '\t', '#', '/'])
            .starts_with("replace")
    });
    // The note may head a block of settings (`# Replace with your values` above
    // the ID, the secret and the tenant): the lines up to a blank one are read.
    let start = line_range(text, span.start as usize).start;
    let above = text.get(..start).unwrap_or("");
    // `# You will need to update BOT_TOKEN to match the` / `# token generated in
    // your Mattermost server`: the block as a whole asks for the reader's value.
    let block: Vec<String> = comment_block_above(text, span).collect();
    let block_words: Vec<&str> = block
        .iter()
        .flat_map(|line| line.split(|c: char| !c.is_ascii_alphabetic()))
        .collect();
    let update_yours = block_words.contains(&"update") && block_words.contains(&"your");
    replace_trailing
        || update_yours
        || above
            .lines()
            .rev()
            .take(8)
            .take_while(|line| !line.trim().is_empty())
            .filter_map(|line| {
                let line = line.trim();
                ["#", "//", ";"].iter().find_map(|m| line.strip_prefix(m))
            })
            .any(|comment| {
                let lower = comment.to_ascii_lowercase();
                let words: Vec<&str> = lower
                    .split(|c: char| !c.is_ascii_alphabetic())
                    .filter(|w| !w.is_empty())
                    .collect();
                // `# PUT YOUR OWN SECRET KEYBASE HERE`, `# use your own key`, `# Please add
                // secret key here`, `# update the following two lines`.
                (lower.contains("replace") && words.contains(&"your"))
                || lower.contains("your own")
                || lower.contains("update the following")
                // Asking for a credential, not for more settings (`## Add new
                // policies as explained here`).
                || (words.iter().any(|w| matches!(*w, "add" | "put" | "paste"))
                    && words.contains(&"here")
                    && words.iter().any(|w| {
                        matches!(
                            *w,
                            "key" | "secret" | "token" | "password" | "credentials" | "value"
                        )
                    }))
            })
}

/// Whether the comment right above the setting at `span` (its whole block, up to
/// eight lines), or a Python docstring right below it, says its value may be seen
/// (`// This value is safe to be embedded in version control`, `# public by
/// design`, `# not a secret`, `* Giphy's own public prod api key`, `// extracted
/// from the React frontend`): its owners reviewed it and say it is no credential
/// (a native app's OAuth client secret, a client-side error-reporting DSN, a
/// site's web key that every visitor's browser gets).
pub(in crate::secrets) fn under_public_note(text: &str, span: Span) -> bool {
    let says_public = |lower: &str| {
        [
            "safe to be ",
            "safe to embed",
            "safe to commit",
            "safe to expose",
            "safe to share",
            "public by design",
            "not a secret",
            "not secret",
            "public prod",
            "public api key",
            // `# The access Token is public and can be shared`
            "public and can be shared",
            // `# The default value is deliberately public and tied to
            // http://toolhub.test/`
            "deliberately public",
            "intentionally public",
            "purposely public",
            "public on purpose",
        ]
        .iter()
        .any(|phrase| lower.contains(phrase))
            || (lower.contains("extract")
                && [
                    "frontend",
                    "front-end",
                    "website",
                    "web site",
                    "web page",
                    "web app",
                ]
                .iter()
                .any(|place| lower.contains(place)))
    };
    // `'sec_…', // NOSONAR - This is a public client secret for telemetry`: the
    // line's own trailing comment.
    let trailing = trailing_comment(text, span);
    comment_block_above(text, span).any(|line| says_public(&line))
        || docstring_below(text, span).any(|line| says_public(&line))
        || trailing.is_some_and(|comment| says_public(&comment) || comment.contains("is a public"))
}

/// The lowercase comment lines of the block right above the line at `span`, up
/// to eight.
fn comment_block_above(text: &str, span: Span) -> impl Iterator<Item = String> + '_ {
    let start = line_range(text, span.start as usize).start;
    text.get(..start)
        .unwrap_or("")
        .lines()
        .rev()
        .take(8)
        .map(str::trim)
        .map_while(|line| {
            ["#", "//", ";", "--", "*", "/*"]
                .iter()
                .find_map(|m| line.strip_prefix(m))
        })
        .map(str::to_ascii_lowercase)
}

/// The lowercase lines (up to three) of a Python docstring that opens on the line
/// right below the one at `span` (an attribute's docstring).
fn docstring_below(text: &str, span: Span) -> impl Iterator<Item = String> + '_ {
    let end = line_range(text, span.start as usize).end;
    let mut below = text
        .get(end..)
        .unwrap_or("")
        .lines()
        .skip_while(|l| l.is_empty());
    let first = below.next().unwrap_or("").trim_start();
    let opens = first.starts_with("\"\"\"") || first.starts_with("'''");
    let lines: Vec<String> = if opens {
        std::iter::once(first)
            .chain(below.take(2))
            .map(str::to_ascii_lowercase)
            .collect()
    } else {
        Vec::new()
    };
    lines.into_iter()
}

/// Whether one of the (up to three) comment lines right above the line at `span`
/// says `note` of its lowercase text.
pub(super) fn note_above(text: &str, span: Span, note: impl Fn(&str) -> bool) -> bool {
    let start = line_range(text, span.start as usize).start;
    let above = text.get(..start).unwrap_or("");
    let mut comments = 0;
    for line in above.lines().rev().take(8) {
        let line = line.trim();
        if line.starts_with("{%") || line.contains("{{") || line.is_empty() {
            continue;
        }
        let Some(comment) = ["#", "//", ";", "--", "*"]
            .iter()
            .find_map(|m| line.strip_prefix(m))
        else {
            break;
        };
        if note(&comment.to_ascii_lowercase()) {
            return true;
        }
        comments += 1;
        if comments == 3 {
            break;
        }
    }
    false
}

/// Whether the line's own comment after the value calls it a stand-in
/// (`"13e5…",  # noqa: mock`, `# dummy 64-byte base58 encoded key`).
/// A comment right above does too (`// gchat_webhook_api defined below is sample
/// one.`, `# fake key`, `# …, which has the format:`).
pub(in crate::secrets) fn commented_as_stand_in(text: &str, span: Span) -> bool {
    let stand_in_word = |lower: &str| {
        lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| matches!(word, "mock" | "mocked" | "dummy" | "fake" | "placeholder"))
            || lower.contains("not a real")
            || lower.contains("not real")
    };
    let trailing = trailing_comment(text, span).is_some_and(|lower| {
        // Synapse's sample `form_secret: "…" # DO NOT USE THIS`.
        stand_in_word(&lower) || lower.contains("do not use")
    });
    trailing
        || note_above(text, span, |lower| {
            stand_in_word(lower)
                || [
                    "is sample",
                    "is a sample",
                    "sample one",
                    "is an example",
                    // `# export SABNZBD_API_KEY, which has the format:`
                    "has the format",
                    "in the format",
                ]
                .iter()
                .any(|phrase| lower.contains(phrase))
        })
}
