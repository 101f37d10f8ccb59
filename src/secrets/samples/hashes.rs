//! Password hashes where a password-named value stands: the stored form a
//! config declares (`passwordFormat="SHA1"`) or a recorded query compares.
//! Hashes count only in credential stores by nature (SEC005).

use crate::secrets::{is_hex_digest, line_range, lines_around};
use crate::source::Span;

/// `<credentials passwordFormat="SHA1"><user name="Admin" password="40BD…"/>`:
/// ASP.NET forms authentication's users, stored as the digest the format names.
pub(crate) fn under_hashed_password_format(text: &str, span: Span, value: &str) -> bool {
    if !is_hex_digest(value) {
        return false;
    }
    let line = line_range(text, span.start as usize);
    let own = text.get(line.clone()).unwrap_or("");
    std::iter::once(own)
        .chain(lines_around(text, &line, 6, 0))
        .any(|l| {
            let lower = l.to_ascii_lowercase();
            [
                "passwordformat=\"sha1\"",
                "passwordformat=\"md5\"",
                "passwordformat=\"sha256\"",
            ]
            .iter()
            .any(|format| lower.contains(format))
        })
}

/// `SELECT * FROM user WHERE … AND password = '827c…'`, `UPDATE user SET
/// password='25d5…'` (an ORM's SQL log): the digest the application stores and
/// compares, not the password.
pub(crate) fn in_sql_statement(text: &str, span: Span, value: &str) -> bool {
    if !is_hex_digest(value) {
        return false;
    }
    let line = line_range(text, span.start as usize);
    let upper = text.get(line.clone()).unwrap_or("").to_ascii_uppercase();
    // The column compared or set is a password's (`password = '…'`).
    let before = text
        .get(line.start..span.start as usize)
        .unwrap_or("")
        .to_ascii_lowercase();
    let column = before.rsplit([',', '(']).next().unwrap_or("");
    let password_column = ["pass", "pwd"].iter().any(|w| column.contains(w));
    password_column
        && ((upper.contains("SELECT ") && upper.contains(" WHERE "))
            || (upper.contains("UPDATE ") && upper.contains(" SET ")))
}

/// `# This is a MD5 password digest hex encoded` right above `#admin_password =
/// e97a…`: a hex digest its config's own note calls a password's hash (Jasmin's
/// sample config, Graylog's `# sha256 representation of the password`), the
/// stored form of a password, not one.
pub(crate) fn under_digest_note(text: &str, span: Span, value: &str) -> bool {
    is_hex_digest(value)
        && super::notes::note_above(text, span, |note| {
            let words: Vec<&str> = note
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            let any = |set: &[&str]| words.iter().any(|w| set.contains(w));
            // A password's digest: `# HMAC key to hash tokens` heads a key.
            any(&[
                "digest", "hash", "hashed", "md5", "sha1", "sha256", "sha512",
            ]) && any(&["password", "passwd", "passwords"])
                && !any(&["key", "secret", "hmac", "salt", "token"])
        })
}
