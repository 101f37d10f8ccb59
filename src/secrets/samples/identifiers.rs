//! Values under a secret-like name that name something instead: a Windows answer
//! file's configuration pass, an entry the same file declares, a block of names.

use crate::secrets::{line_before, line_range, lines_around, names::normalize_name};
use crate::source::Span;

/// `<settings pass="offlineServicing">`: a Windows answer file (`Autounattend.xml`)
/// names the configuration pass its settings apply in, not a password.
pub(crate) fn is_answer_file_pass(text: &str, span: Span) -> bool {
    let before = line_before(text, span).trim_start();
    before.starts_with("<settings") && before.trim_end().ends_with("pass=\"")
}

/// Whether `value` is an identifier the file declares as an entry of its own
/// (`azuread_app_key = "caf_launchpad_level0"` beside `caf_launchpad_level0 = {`):
/// a reference to that entry, not a credential.
pub(crate) fn names_a_declared_entry(text: &str, value: &str) -> bool {
    let identifier = (3..=64).contains(&value.len())
        && value.starts_with(|c: char| c.is_ascii_alphabetic())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'));
    identifier
        && text.lines().any(|line| {
            // A commented-out block declares its entries too (`#   name = {`).
            let t = line
                .trim_start()
                .trim_start_matches(['#', '/'])
                .trim_start();
            let t = t.strip_prefix('"').unwrap_or(t);
            let Some(rest) = t.strip_prefix(value) else {
                return false;
            };
            let rest = rest.strip_prefix('"').unwrap_or(rest).trim_start();
            // The entry opens a block: `name = {`, `name:` alone, `"name": {`.
            rest.strip_prefix(['=', ':'])
                .is_some_and(|after| matches!(after.trim(), "" | "{"))
        })
}

/// Whether the value at `span` sits in a block whose key says it holds names or
/// IDs (`launchpad_key_names = { keyvault_client_secret = "aadapp-…" }`): the
/// name of a secret in a vault, not its value.
pub(crate) fn in_block_of_names(text: &str, span: Span) -> bool {
    let line = line_range(text, span.start as usize);
    let own = text.get(line.clone()).unwrap_or("");
    let indent = own.len() - own.trim_start().len();
    if indent == 0 {
        return false;
    }
    let head = text.get(..line.start).unwrap_or("");
    for above in head.lines().rev().take(200) {
        let trimmed = above.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("//") {
            continue;
        }
        if above.len() - trimmed.len() >= indent {
            continue;
        }
        let key = trimmed
            .split(['=', ':'])
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches(['"', '\'']);
        return normalize_name(key)
            .rsplit('_')
            .next()
            .is_some_and(|last| matches!(last, "names" | "ids"));
    }
    false
}

/// `smtp_auth_password: 'senderLoginPassword'` beside `smtp_auth_username:
/// 'senderUsername'`: camelCase words that end in the setting's own last word, in
/// a block where another setting is filled the same way. A template's names for
/// what goes there, not values; one such value alone (`youCantHandleThisSecret`
/// under `secret`) may be a password.
pub(crate) fn names_its_setting_among_others(
    text: &str,
    span: Span,
    name: &str,
    value: &str,
) -> bool {
    let value = value.trim_matches(['"', '\'']);
    let Some(last_word) = names_its_setting(name, value) else {
        return false;
    };
    // `secret = 'radiusClientSecret'` beside `ipaddr = 'radiusClientIdentifier'`:
    // a secret-named setting filled with an attribute's name (FreeRADIUS's LDAP
    // map) needs only a sibling filled with some such name.
    let maps_an_attribute = value.len() >= 8
        && matches!(
            last_word.as_str(),
            "secret" | "password" | "token" | "key" | "passwd"
        );
    let line = line_range(text, span.start as usize);
    lines_around(text, &line, 3, 3).any(|other| {
        let attribute_beside = maps_an_attribute
            && other.split(['\'', '"']).skip(1).step_by(2).any(|quoted| {
                quoted != value && quoted.len() >= 8 && camel_case_last_word(quoted).is_some()
            });
        let Some((key, rest)) = other.split_once([':', '=']) else {
            return attribute_beside;
        };
        let key = key.trim().trim_matches(['"', '\'']);
        let rest = rest.trim().trim_end_matches([',', ';']).trim();
        let quoted = rest
            .strip_prefix(['"', '\''])
            .and_then(|r| r.strip_suffix(['"', '\'']))
            .unwrap_or(rest);
        attribute_beside || names_its_setting(key, quoted).is_some()
    })
}

/// `senderUsername` for `smtp_auth_username`: lowerCamelCase letters, two or more
/// words, the last the key's last word (four letters or more), which it returns.
fn names_its_setting(name: &str, value: &str) -> Option<String> {
    let last_word = camel_case_last_word(value)?;
    let key = normalize_name(name);
    (last_word.len() >= 4 && key.split('_').rfind(|s| !s.is_empty()) == Some(last_word.as_str()))
        .then_some(last_word)
}

/// The last word, lowercase, of a lowerCamelCase name of letters (`senderUsername`:
/// `username`).
fn camel_case_last_word(value: &str) -> Option<String> {
    let last_upper = value.rfind(|c: char| c.is_ascii_uppercase())?;
    (value.starts_with(|c: char| c.is_ascii_lowercase())
        && value.bytes().all(|b| b.is_ascii_alphabetic()))
    .then(|| value[last_upper..].to_ascii_lowercase())
}
