//! Values in a list of person records: mock users a demo or a test loads
//! (DummyJSON's `users`, a seed list), each with a name, an email and a password.

use crate::secrets::{line_range, lines_around};
use crate::source::Span;

/// The key of a `key: value` line (`"password": …`, `password: …`), lowercase
/// and unquoted.
fn line_key(line: &str) -> Option<String> {
    let (key, _) = line.split_once(':')?;
    let key = key.trim().trim_matches(['"', '\'']);
    (!key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .then(|| key.to_ascii_lowercase())
}

/// Whether the value at `span` is a password in one of three or more records of
/// people (a `password` beside an `email` and a person's detail: name, birth
/// date, phone, age, gender, picture): a made-up user list, not an account.
pub(crate) fn in_person_records(text: &str, span: Span) -> bool {
    const PERSON_DETAILS: &[&str] = &[
        "firstname",
        "first_name",
        "lastname",
        "last_name",
        "birthdate",
        "birth_date",
        "dob",
        "phone",
        "age",
        "gender",
        "image",
        "avatar",
    ];
    let line = line_range(text, span.start as usize);
    if line_key(text.get(line.clone()).unwrap_or("")).as_deref() != Some("password") {
        return false;
    }
    let mut email = false;
    let mut detail = false;
    for key in lines_around(text, &line, 8, 8).filter_map(line_key) {
        email |= key == "email";
        detail |= PERSON_DETAILS.contains(&key.as_str());
    }
    email
        && detail
        && text
            .lines()
            .filter(|l| line_key(l).as_deref() == Some("password"))
            .nth(2)
            .is_some()
}
