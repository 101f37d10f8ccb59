//! Where a generic secret-named value is a sample by its place in the file: a
//! document's code block that shows placeholder context, an OpenAPI example, a
//! docs site's search config. Only the generic detector is filtered with these:
//! provider formats (`GOCSPX-…`, `…_mmk`, `AKIA…`) fire wherever they are.

mod comments;
mod hashes;
mod identifiers;
mod links;
mod notes;
mod records;
mod sections;
mod services;
pub(super) use comments::in_commented_example;
pub(super) use hashes::{in_sql_statement, under_digest_note, under_hashed_password_format};
pub(super) use identifiers::{
    in_block_of_names, is_answer_file_pass, names_a_declared_entry, names_its_setting_among_others,
};
pub(super) use links::in_presigned_url;
pub(super) use notes::{
    commented_as_stand_in, under_default_note, under_public_note, under_replace_note,
};
pub(super) use records::in_person_records;
pub(super) use sections::{in_example_object, under_analytics_sdk, under_secret_store_section};
pub(super) use services::{
    expands_a_shell_variable, passed_to_docker_run, sent_to_a_local_service,
    sets_up_a_started_image, started_image_words, typed_into_a_local_container,
};

use super::PLACEHOLDER_MARKERS;
use super::{line_range, lines_around};
use crate::source::Span;

/// Hosts reserved for documentation and tests (RFC 2606, RFC 6761): no real
/// service behind them, so a credential next to one is a sample.
const DOCUMENTATION_HOSTS: &[&str] = &[
    "example.com",
    "example.org",
    "example.net",
    ".example",
    ".test",
    ".invalid",
];

/// In a document, whether the code block (or, outside fences, the paragraph)
/// holding `span` shows placeholder context: a documentation host
/// (`BASE_URL=https://plausible.example.com`, `Host: dvwa.test`) or another
/// value that is a placeholder (`POSTGRES_DB=<your project slug>`,
/// `- SECRET_KEY_BASE=replace-me`). Such a block is a how-to's sample output,
/// and the generated-looking values in it were made for the page.
pub(super) fn in_sample_block(text: &str, span: Span) -> bool {
    let block = block_around(text, span.start as usize);
    let own_line = line_range(text, span.start as usize);
    block.lines().any(|line| {
        let lower = line.to_ascii_lowercase();
        if DOCUMENTATION_HOSTS.iter().any(|h| has_host(&lower, h)) {
            return true;
        }
        // Another line's assigned value (`NAME=value`, `name: value`).
        let Some(line_start) = substr_offset(text, line) else {
            return false;
        };
        if own_line.contains(&line_start) {
            return false;
        }
        assigned_value(line).is_some_and(is_marked_placeholder)
    })
}

/// Whether `span` lies in a Rust file's unit-test module: after a line that is
/// `#[cfg(test)]`, which by convention opens `mod tests` at the file's end.
pub(super) fn in_rust_test_module(path: &str, text: &str, span: Span) -> bool {
    if !path.ends_with(".rs") {
        return false;
    }
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if offset >= span.start as usize {
            return false;
        }
        if line.trim() == "#[cfg(test)]" {
            return true;
        }
        offset += line.len();
    }
    false
}

/// `secret_salt: "…"` with `secret_hash: "…"` on a line next to it: the salt of
/// a stored hash, a record's field kept in the clear by design (WordPress'
/// `NONCE_SALT`, with no hash beside it, is a key).
pub(super) fn is_salt_beside_hash(text: &str, span: Span, name: &str) -> bool {
    let named_salt = super::names::normalize_name(name)
        .rsplit('_')
        .next()
        .is_some_and(|last| last == "salt");
    if !named_salt {
        return false;
    }
    let line = line_range(text, span.start as usize);
    lines_around(text, &line, 2, 2).any(|line| {
        let t = line.trim().trim_start_matches(['"', '\'']);
        let key = t.split([':', '=', '"', '\'']).next().unwrap_or("");
        super::names::normalize_name(key)
            .split('_')
            .any(|segment| matches!(segment, "hash" | "hashed" | "digest"))
    })
}

/// Whether the value at `span` is also given as an ID within three lines of it
/// (`token: "6f3e…"` beside `response_id: "6f3e…"`, a checkout's `id` and
/// `token`): a record's identifier under a token-like name, not a credential.
pub(super) fn repeats_an_id(text: &str, span: Span, secret: &str) -> bool {
    let line = line_range(text, span.start as usize);
    lines_around(text, &line, 3, 3).any(|l| {
        let t = l.trim().trim_start_matches(['"', '\'']);
        let Some((key, value)) = t.split_once(':') else {
            return false;
        };
        let key = key.trim_end_matches(['"', '\'']).to_ascii_lowercase();
        let value = value.trim().trim_end_matches(',').trim_matches(['"', '\'']);
        // `id`, `response_id`, `responseId` (lowercased).
        key.ends_with("id") && value == secret
    })
}

/// `Server=localhost;…;Password=shop2004;`, or `password: Ashwin0309` within four
/// lines of `url: jdbc:mysql://localhost:3306/…` or `define('DB_HOST',
/// 'localhost')`: a password a person chose for the database on their own
/// machine. A generated one still fires.
pub(super) fn for_a_local_database(text: &str, span: Span, secret: &str) -> bool {
    const LOCAL_HOSTS: &[&str] = &["localhost", "127.0.0.1", "(local)", "(localdb)"];
    if !(super::is_chosen_by_a_person(secret) || super::values::reads_as_leetspeak(secret)) {
        return false;
    }
    let at = line_range(text, span.start as usize);
    let line = text.get(at.clone()).unwrap_or("").to_ascii_lowercase();
    let local_after = |s: &str| {
        let host = s.trim_start();
        LOCAL_HOSTS.iter().any(|h| host.starts_with(h)) || host.starts_with(['.', ';'])
    };
    // `Sequel.connect("mssql://localhost/app_test?user=…&password=…")`: a URL to the
    // local host on the password's line.
    let in_connection_string = ["server=", "host=", "data source=", "://"].iter().any(|k| {
        line.match_indices(k)
            .any(|(i, _)| local_after(&line[i + k.len()..]))
    });
    if in_connection_string {
        return true;
    }
    lines_around(text, &at, 4, 4).any(|l| {
        // `url = …`, `host: …`, PHP's `define('DB_HOST', 'localhost');`.
        let Some((key, value)) = l.split_once(['=', ':', ',']) else {
            return false;
        };
        let key = key.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
        let value = value
            .trim()
            .trim_matches(|c: char| matches!(c, '"' | '\'' | ',' | ')' | ';') || c.is_whitespace());
        // `jdbc:sqlserver://${DOCKER_HOST_IP:localhost}:1433`: a variable whose
        // default is the local host.
        let local_url = ["url", "uri", "dsn"].iter().any(|k| key.ends_with(k))
            && LOCAL_HOSTS.iter().any(|h| {
                ["://", "@", ":", ":-"]
                    .iter()
                    .any(|lead| value.contains(&format!("{lead}{h}")))
            });
        // `DB_HOST=bs_db`: a compose service's name, a container of the same stack
        // (as `is_dev_stack_login` reads a URL's dotless host).
        let container = value.starts_with(|c: char| c.is_ascii_lowercase())
            && value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-'));
        let local_host = ["host", "hostname", "server"]
            .iter()
            .any(|k| key.ends_with(k))
            && (LOCAL_HOSTS.contains(&value) || container);
        local_url || local_host
    })
}

/// Whether the value at `span` is also the first label of a URL's host within
/// three lines (`apiKey: llama-strix` beside `apiBase: http://llama-strix.llm:8080`):
/// a local server's name given where a key is asked for, not a credential.
pub(super) fn names_a_nearby_host(text: &str, span: Span, secret: &str) -> bool {
    if secret.len() < 3 {
        return false;
    }
    let line = line_range(text, span.start as usize);
    lines_around(text, &line, 3, 3).any(|l| {
        l.match_indices("://").any(|(at, _)| {
            let host = l.get(at + 3..).unwrap_or("");
            host.strip_prefix(secret)
                .is_some_and(|rest| rest.starts_with(['.', ':', '/']))
        })
    })
}

/// A value encrypted for a service (`TRVIS_SECRET=O3/2KT…` used as `"secure":
/// "${TRVIS_SECRET}"`, a Jekyll site's reCAPTCHA secret run through Staticman's
/// `/encrypt`): base64 of exactly one RSA block (128, 256, 384 or 512 bytes) in a
/// file that declares `secure` values or configures Staticman or reCAPTCHA. Only the
/// service's private key opens it, so it is committed by design.
pub(super) fn is_encrypted_for_ci(text: &str, secret: &str) -> bool {
    let block = super::detectors::decode_base64(secret, false, 700).map(|bytes| bytes.len());
    matches!(block, Some(128 | 256 | 384 | 512))
        && (text.contains("\"secure\"") || text.contains("secure:") || {
            // A reCAPTCHA secret is 40 characters: one RSA block under its setting
            // is the Staticman-encrypted form a Jekyll `_config.yml` carries.
            let lower = text.to_ascii_lowercase();
            lower.contains("staticman") || lower.contains("recaptcha")
        })
}

/// Cloudflare Web Analytics' beacon (`data-cf-beacon='{"token": "…"}'`): its token
/// ships in every page, as browser RUM tokens do. So does a Google Analytics 4
/// Measurement Protocol secret, which only sends events to one stream: it rides in
/// the collect URL (`/mp/collect?api_secret=…&measurement_id=G-…`) or sits beside
/// the stream's measurement ID (`measurement_id`, `measurementId`) within two lines.
pub(super) fn is_analytics_beacon(text: &str, span: Span) -> bool {
    let line = line_range(text, span.start as usize);
    let own = text.get(line.clone()).unwrap_or("");
    if own.contains("data-cf-beacon") || own.contains("cf_beacon") || own.contains("/mp/collect") {
        return true;
    }
    std::iter::once(own)
        .chain(lines_around(text, &line, 2, 2))
        .any(|l| {
            let lower = l.to_ascii_lowercase();
            lower.contains("measurement_id") || lower.contains("measurementid")
        })
}

/// The API key of a widget a page loads: TinyMCE Cloud's `apiKey` (`<Editor
/// apiKey='…'>` of `@tinymce/tinymce-react`, or `tinymce.init`'s), Snipcart's
/// (`gatsby-plugin-snipcart`'s `apiKey`, the cart script's `data-api-key`,
/// `publicApiKey`). The browser sends it from every page, bound to the site's
/// domains: public by design.
pub(super) fn is_browser_widget_key(text: &str, name: &str) -> bool {
    const WIDGETS: &[&str] = &["tinymce", "snipcart"];
    let name: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let lower = text.to_ascii_lowercase();
    matches!(name.as_str(), "apikey" | "dataapikey" | "publicapikey")
        && WIDGETS.iter().any(|widget| lower.contains(widget))
}

/// Whether a line within five of the one holding `span` names a secret or a
/// password (`- name: AWS_MAIL_SERVER_PASSWORD` under an AWS key ID's line).
pub(super) fn near_a_secret_setting(text: &str, span: Span) -> bool {
    let line = line_range(text, span.start as usize);
    lines_around(text, &line, 5, 5).any(|l| {
        let lower = l.to_ascii_lowercase();
        ["secret", "password", "passwd"]
            .iter()
            .any(|w| lower.contains(w))
    })
}

/// Whether the value at `span` names a key inside a Kubernetes Secret that the
/// line right above or below names (`secret: "{{ .Release.Name }}-keys"` then
/// `secretKey: keysRSA`): an identifier, one word or CamelCase words, under a
/// name ending in `Key`; what the Secret holds there is not in the file.
pub(super) fn names_a_key_in_a_secret(text: &str, span: Span, name: &str, value: &str) -> bool {
    let identifier = value.len() <= 40
        && value.starts_with(|c: char| c.is_ascii_alphabetic())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !identifier || !name.to_ascii_lowercase().ends_with("key") {
        return false;
    }
    let line = line_range(text, span.start as usize);
    lines_around(text, &line, 1, 1).any(|l| {
        let Some((key, rest)) = l.trim().trim_start_matches("- ").split_once(':') else {
            return false;
        };
        // An ExternalSecret's `- secretKey: X` then `remoteRef:` maps a key of the
        // Secret it writes to one of the store's.
        key.trim() == "remoteRef"
            || (matches!(
                key.trim(),
                "secret" | "secretName" | "existingSecret" | "secretRef"
            ) && !rest.trim().is_empty())
    })
}

/// Whether a line within three of the one holding `span` names a documentation
/// host (`SMTPEndpoint: smtp.example.com` above `SMTPPassword: …`): a sample
/// setup. Only a typed value is judged by it: a generated one beside a sample
/// host may still be a real key pasted into a how-to.
pub(super) fn beside_documentation_host(text: &str, span: Span) -> bool {
    let line = line_range(text, span.start as usize);
    lines_around(text, &line, 3, 3).any(|l| {
        // An e-mail address is not enough: a real setup keeps a sample sender.
        let lower = l.to_ascii_lowercase();
        let hosts: Vec<&str> = lower
            .split(|c: char| c.is_whitespace() || matches!(c, '"' | '\''))
            .filter(|word| !word.contains('@'))
            .collect();
        hosts
            .iter()
            .any(|word| DOCUMENTATION_HOSTS.iter().any(|h| has_host(word, h)))
    })
}

/// Whether a claim names a documentation host or URN (`https://example.com`,
/// RFC 7519's `urn:example:issuer`): a token made for an example.
pub(in crate::secrets) fn names_a_documentation_host(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    lower.starts_with("urn:example:") || DOCUMENTATION_HOSTS.iter().any(|h| has_host(&lower, h))
}

/// Whether the line holding `span` has a URL on a documentation host
/// (`https://auth.example.com/reset?token=…`). An e-mail address there
/// (`conn.login('ana@example.com', …)`) is not enough: real code logs in with one.
pub(super) fn on_documentation_host_line(text: &str, span: Span) -> bool {
    let range = line_range(text, span.start as usize);
    let line = text.get(range).unwrap_or("").to_ascii_lowercase();
    line.split("://").skip(1).any(|rest| {
        let authority = rest
            .split(['/', '?', '#', '\'', '"', ' '])
            .next()
            .unwrap_or("");
        let host = authority.rsplit('@').next().unwrap_or("");
        DOCUMENTATION_HOSTS.iter().any(|h| has_host(host, h))
    })
}

/// Whether the value starting at `context` is given under a key that calls it
/// a sample: `'placeholder' => 'mongodb+srv://…'`, `example: postgres://…`.
pub(super) fn under_sample_key(text: &str, context: Span) -> bool {
    let head = text.get(..context.start as usize).unwrap_or("");
    let from = head.len().saturating_sub(200);
    let head = head.get(from..).unwrap_or(head);
    let separators = |c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '`' | '=' | '>' | ':');
    let key = head.trim_end_matches(separators).to_ascii_lowercase();
    // `placeholder="eg: postgresql://user:…@your-db-host.db"`: the sample is
    // introduced as one inside the string.
    let key = ["e.g.", "e.g", "eg", "ex"]
        .iter()
        .find_map(|intro| {
            key.strip_suffix(intro)
                .filter(|before| before.ends_with(separators))
        })
        .map_or(key.as_str(), |before| before.trim_end_matches(separators));
    ["placeholder", "example", "examples", "sample", "hint"]
        .iter()
        .any(|k| {
            key.strip_suffix(k).is_some_and(|before| {
                !before.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            })
        })
}

/// Whether the value starting at `context` is introduced on its line as an
/// example (`# … e.g. WORKSPACE_TOKEN=20Tok…`, `(for example: 3f9a…)`): a note
/// showing the form a value takes, with or without the name it goes under.
pub(super) fn after_example_intro(text: &str, context: Span) -> bool {
    let start = line_range(text, context.start as usize).start;
    let head = text
        .get(start..context.start as usize)
        .unwrap_or("")
        .to_ascii_lowercase();
    let separators = |c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '`' | '=' | ':' | '(');
    let bare = head.trim_end_matches(separators);
    // The name the example goes under (`WORKSPACE_TOKEN=`), if any.
    let unnamed = bare
        .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        .trim_end_matches(separators);
    let introduces = |head: &str| {
        [
            "e.g.",
            "e.g.,",
            "eg.",
            "eg",
            "for example",
            "for example,",
            "for instance",
        ]
        .iter()
        .any(|intro| {
            head.strip_suffix(intro).is_some_and(|before| {
                before.is_empty() || before.ends_with(|c: char| !c.is_ascii_alphanumeric())
            })
        })
    };
    introduces(bare) || (unnamed.len() < bare.len() && introduces(unnamed))
}

/// Whether `value` is the user name given within four lines of it plus
/// placeholder words (`username: icinga2` then `rootPassword: icinga2rootpass`,
/// `JOOMLA_ADMIN_USERNAME: joomla` then `JOOMLA_ADMIN_PASSWORD: joomla@secured`):
/// a demo default anyone reading the file can guess. A generated rest
/// (`deploy_Xk29…`) still fires.
pub(super) fn is_user_name_default(text: &str, span: Span, value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let at = line_range(text, span.start as usize);
    // `CREATE LOGIN readonly_user WITH PASSWORD = 'ReadOnly123!'`: SQL names the
    // login on the password's own line (its first word will do).
    if let Some(user) = text.get(at.clone()).and_then(sql_login_name) {
        let first = user.split(['_', '-']).next().unwrap_or("");
        if is_name_plus_filler(&lower, &user)
            || (first.len() >= 4 && is_name_plus_filler(&lower, first))
        {
            return true;
        }
    }
    lines_around(text, &at, 4, 4).any(|line| {
        let Some((key, user)) = line.split_once([':', '=']) else {
            return false;
        };
        let key: String = key
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        // `username="connectAdmin" \`: a JAAS line continued by a backslash.
        let user = user
            .trim_matches(|c: char| matches!(c, '"' | '\'' | ',' | ';' | '\\') || c.is_whitespace())
            .to_ascii_lowercase();
        (key.ends_with("user") || key.ends_with("username") || key.ends_with("login"))
            && user.len() >= 3
            && user
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && is_name_plus_filler(&lower, &user)
    })
}

/// The login an SQL statement creates or alters (`CREATE LOGIN [app_user] WITH
/// PASSWORD …`, `ALTER USER app IDENTIFIED BY …`), lowercase.
fn sql_login_name(line: &str) -> Option<String> {
    let lower = line.to_ascii_lowercase();
    let mut words = lower.split_whitespace();
    while let Some(word) = words.next() {
        if matches!(word, "create" | "alter")
            && matches!(words.next(), Some("login" | "user" | "role"))
        {
            let name = words
                .next()?
                .trim_matches(|c| matches!(c, '[' | ']' | '"' | '\'' | '`'));
            let name = name.split('@').next().unwrap_or(name);
            return (name.len() >= 3
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-')))
            .then(|| name.to_string());
        }
    }
    None
}

/// Whether a typed value is given beside a user name that is itself a stand-in
/// (`vcloud_username=YOUR-UPLOAD-USER` above `vcloud_password=S@perS$cretP1ass`):
/// the password of an account still to be filled in is a sample too.
pub(super) fn for_a_placeholder_user(text: &str, span: Span) -> bool {
    let at = line_range(text, span.start as usize);
    lines_around(text, &at, 4, 4).any(|line| {
        let Some((key, user)) = line.split_once([':', '=']) else {
            return false;
        };
        let key = key
            .split_whitespace()
            .next_back()
            .unwrap_or("")
            .trim_matches(['"', '\'']);
        let key = super::names::normalize_name(key);
        let user = user
            .trim()
            .trim_matches(|c| matches!(c, '"' | '\'' | ',' | ';'));
        ["user", "username", "login"]
            .iter()
            .any(|k| key == *k || key.ends_with(&format!("_{k}")))
            && {
                // A stand-in by its words (`YOUR-…`, `<user>`), not a default
                // account (`root`), whose password is a real one as often.
                let user = user.to_ascii_lowercase();
                user.starts_with('<') || PLACEHOLDER_MARKERS.iter().any(|m| user.contains(m))
            }
    })
}

/// Whether `value` is a folder or file name of its own path plus filler
/// (`contrib/vertobot/config.yaml` with `as_token: 'vertobot123'`): a demo's
/// token named after the demo.
pub(super) fn is_named_after_path(path: &str, value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    // `d1r3ctu5` in `.directus/docker-compose.yaml`: the name in leetspeak.
    let unleeted: String = lower
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' => 'i',
            '3' => 'e',
            '4' => 'a',
            '5' => 's',
            '7' => 't',
            other => other,
        })
        .collect();
    path.split('/').any(|segment| {
        // A hidden folder (`.directus/`) is named after its tool too.
        let stem = segment
            .trim_start_matches('.')
            .split('.')
            .next()
            .unwrap_or("");
        let name: String = stem
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        // A module folder names the project in its first word too
        // (`shenyu-admin/` and `Shenyu123456`).
        let first_word = stem
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        (name.len() >= 4 && (is_name_plus_filler(&lower, &name) || unleeted == name))
            || (first_word.len() >= 5
                && first_word.bytes().all(|b| b.is_ascii_lowercase())
                && is_name_plus_filler(&lower, &first_word))
    })
}

/// `name` then nothing but separators and placeholder words, a count from 0 or
/// 1, a suffix of up to six letters or digits, or lowercase words (`icinga2rootpass`,
/// `joomla@secured`, `vertobot123`, `peppermint4life`).
fn is_name_plus_filler(lower_value: &str, name: &str) -> bool {
    lower_value.strip_prefix(name).is_some_and(|rest| {
        let rest = rest.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        let counting = !rest.is_empty()
            && rest.starts_with(['0', '1'])
            && rest
                .as_bytes()
                .windows(2)
                .all(|w| w[0].is_ascii_digit() && w[1] == w[0] + 1);
        // `peppermint4life`, `joomla@secured`: a few letters or digits after the
        // name (or none) are a person's suffix; a generated rest is longer, unless
        // it is words too (`icingaweb2` then `apitransport`).
        rest.len() <= 6
            || counting
            || super::is_placeholder(rest)
            || (rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                && super::reads_as_words(rest))
    })
}

/// A value that says it is a placeholder (`<your project slug>`, `replace-me`,
/// `your-key-here`); not a dev default such as `postgres`, which real files hold.
fn is_marked_placeholder(value: &str) -> bool {
    let lower = value.to_lowercase();
    PLACEHOLDER_MARKERS.iter().any(|m| lower.contains(m))
        || lower
            .find('<')
            .is_some_and(|i| lower.get(i..).is_some_and(|rest| rest.contains('>')))
}

/// Whether `host` (a domain or a reserved TLD such as `.test`) occurs in `line`
/// as a host name: followed by a port, a path, a quote, a blank or the line end.
fn has_host(line: &str, host: &str) -> bool {
    line.match_indices(host).any(|(i, _)| {
        let before_ok = host.starts_with('.')
            || i == 0
            || !line
                .as_bytes()
                .get(i - 1)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-');
        let after = line.as_bytes().get(i + host.len()).copied();
        let after_ok = after.is_none_or(|b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'.'));
        // A reserved TLD must end a name that has one (`dvwa.test`, not `.test` alone).
        let named = !host.starts_with('.')
            || line
                .as_bytes()
                .get(i.wrapping_sub(1))
                .is_some_and(|b| b.is_ascii_alphanumeric());
        before_ok && after_ok && named
    })
}

/// The value of `NAME=value`, `name: value` or `- NAME=value` on a line, if any.
fn assigned_value(line: &str) -> Option<&str> {
    let t = line.trim().trim_start_matches(['-', '+', ' ']);
    let cut = t.find(['=', ':'])?;
    let (name, rest) = t.split_at(cut);
    let name = name.trim();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        return None;
    }
    let value = rest.get(1..)?.trim();
    (!value.is_empty()).then_some(value)
}

/// The fenced code block holding `offset` (between ``` or ~~~ fences), else the
/// paragraph (between blank lines).
fn block_around(text: &str, offset: usize) -> &str {
    let head = text.get(..offset).unwrap_or("");
    let mut fence_start = None;
    let mut pos = 0;
    for line in head.split_inclusive('\n') {
        if is_fence(line) {
            fence_start = match fence_start {
                Some(_) => None,
                None => Some(pos + line.len()),
            };
        }
        pos += line.len();
    }
    if let Some(start) = fence_start {
        let tail = text.get(start..).unwrap_or("");
        let mut end = start;
        for line in tail.split_inclusive('\n') {
            if is_fence(line) {
                break;
            }
            end += line.len();
        }
        return text.get(start..end).unwrap_or("");
    }
    let start = head.rfind("\n\n").map_or(0, |i| i + 2);
    let tail = text.get(offset..).unwrap_or("");
    let end = offset + tail.find("\n\n").unwrap_or(tail.len());
    text.get(start..end).unwrap_or("")
}

fn is_fence(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("```") || t.starts_with("~~~")
}

/// Offset of `part` (a subslice of `text`) in `text`.
fn substr_offset(text: &str, part: &str) -> Option<usize> {
    (part.as_ptr() as usize).checked_sub(text.as_ptr() as usize)
}

/// Whether `span` sits under an `example:`, `examples:` or `x-examples:` key of an
/// OpenAPI (or Swagger) YAML document: sample payloads by the format's definition.
pub(super) fn in_openapi_example(text: &str, span: Span) -> bool {
    // Generated specs sort their keys: `openapi:` may come after `components:`.
    let is_openapi = text
        .lines()
        .take(50)
        .filter(|l| !l.starts_with([' ', '\t']))
        .any(|l| {
            ["openapi", "swagger"]
                .iter()
                .any(|k| unquoted_key(l) == Some(*k))
        })
        || ["\nopenapi:", "\nswagger:"]
            .iter()
            .any(|k| text.contains(k));
    if !is_openapi {
        return false;
    }
    let head = text.get(..span.start as usize).unwrap_or("");
    let own_line = head.rsplit('\n').next().unwrap_or("");
    let mut indent = own_line.len() - own_line.trim_start().len();
    // A sequence may sit at its key's own indent (`example:` then `- id: …` below
    // it): past an item, its siblings are skipped and a key at that indent is the parent.
    let mut item_indent = own_line.trim_start().starts_with("- ").then_some(indent);
    for line in head.lines().rev().skip(1) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let line_indent = line.len() - trimmed.len();
        let is_item = trimmed.starts_with("- ") || trimmed == "-";
        if line_indent > indent
            || (line_indent == indent && (item_indent != Some(indent) || is_item))
        {
            continue;
        }
        indent = line_indent;
        item_indent = is_item.then_some(line_indent);
        let key = unquoted_key(trimmed.trim_start_matches("- ")).unwrap_or("");
        if matches!(key, "example" | "examples" | "x-examples" | "x-example") {
            return true;
        }
        if indent == 0 {
            return false;
        }
    }
    false
}

/// Keys whose YAML block scalar (`details: |-`) is prose: a settings schema's or
/// a chart's documentation, where a value shows how a setting is written.
const YAML_DOC_KEYS: &[&str] = &[
    "description",
    "long_description",
    "details",
    "detail",
    "help",
    "long_help",
    "summary",
    "example",
    "examples",
    "doc",
    "docs",
    "documentation",
    "notes",
    "usage",
];

/// Whether `span` sits in the block scalar (`key: |`, `key: >-`) of a
/// documentation key ([`YAML_DOC_KEYS`]) of a YAML file: prose and its code
/// samples (nautobot's `details: |-` showing `NAPALM_ARGS = {'api_key': …}`).
/// A block scalar's lines may sit at any indent under its key, so the walk
/// goes up past them to the first key line indented less than all of them.
pub(super) fn in_yaml_doc_block(text: &str, span: Span) -> bool {
    let head = text.get(..span.start as usize).unwrap_or("");
    let own_line = head.rsplit('\n').next().unwrap_or("");
    let mut content_indent = own_line.len() - own_line.trim_start().len();
    for line in head.lines().rev().skip(1).take(400) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            continue;
        }
        let line_indent = line.len() - trimmed.len();
        if line_indent >= content_indent {
            continue;
        }
        if let Some((key, style)) = trimmed.trim_start_matches("- ").split_once(':') {
            let style = style.trim();
            let block = style.starts_with(['|', '>'])
                && style
                    .chars()
                    .skip(1)
                    .all(|c| matches!(c, '-' | '+' | '0'..='9'));
            if block {
                let key = key.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
                return YAML_DOC_KEYS.contains(&key.as_str());
            }
        }
        if line_indent == 0 {
            return false;
        }
        content_indent = line_indent;
    }
    false
}

/// The key of a YAML `key: value` line, quoted (`'example':`, as AdGuard Home's
/// spec writes every key) or not.
fn unquoted_key(line: &str) -> Option<&str> {
    let (key, _) = line.split_once(':')?;
    let key = key.trim();
    Some(
        ['\'', '"']
            .iter()
            .find_map(|q| key.strip_prefix(*q).and_then(|k| k.strip_suffix(*q)))
            .unwrap_or(key),
    )
}

/// Whether `span` sits in the string value of a JSON API description's
/// documentation field (`"example": "https://…?token=…"`, `"description"`,
/// `"document"`): sample values and prose by the field's meaning.
pub(super) fn in_json_doc_field(text: &str, span: Span) -> bool {
    let own_line = super::line_before(text, span).trim_start();
    [
        "example",
        "examples",
        "x-example",
        "description",
        "document",
        "summary",
    ]
    .iter()
    .any(|key| {
        own_line
            .strip_prefix('"')
            .and_then(|rest| rest.strip_prefix(key))
            .and_then(|rest| rest.strip_prefix('"'))
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    })
}

/// Whether `span` is the `apiKey` of a docs site's Algolia search config
/// (VitePress/Docusaurus `algolia: { appId, apiKey, indexName }`, `docsearch({…})`)
/// or Inkeep search-and-chat widget (`const settings: InkeepBaseSettings = { apiKey`).
/// That config ships to every visitor's browser, so the key in it is the
/// widget's client key, which both document as safe to expose.
pub(super) fn is_search_only_key(text: &str, span: Span) -> bool {
    let start = span.start as usize;
    let line = line_range(text, start);
    let own = text
        .get(line.start..start)
        .unwrap_or("")
        .to_ascii_lowercase();
    if !(own.contains("apikey") || own.contains("api_key")) {
        return false;
    }
    let head = text.get(..line.start).unwrap_or("");
    head.lines().rev().take(6).any(|l| {
        let l = l.to_ascii_lowercase();
        l.contains("algolia") || l.contains("docsearch") || l.contains("inkeep")
    })
}

/// Whether `span` sits in the `themeConfig` block of a Docusaurus config: the
/// theme's settings are bundled into every page of the site, so a search or
/// chat widget's key there (Algolia, Inkeep) ships to every visitor.
pub(super) fn in_docusaurus_theme_config(path: &str, text: &str, span: Span) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    if !name.starts_with("docusaurus.config.") {
        return false;
    }
    let at = span.start as usize;
    let mut offset = 0;
    let mut block_indent = None;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        match block_indent {
            None if trimmed.starts_with("themeConfig") => block_indent = Some(indent),
            Some(base) if !trimmed.is_empty() && indent <= base => block_indent = None,
            _ => {}
        }
        if offset + line.len() > at {
            return block_indent.is_some() && !trimmed.starts_with("themeConfig");
        }
        offset += line.len();
    }
    false
}

/// Whether `secret` is shown elsewhere in the document as the output of a
/// command: alone on the line after a `$ `-prompted one (`$ openssl rand -base64 48`
/// then its output). A how-to that shows what a generator prints made the value
/// for the page, and every copy of it in the page is that sample.
pub(super) fn shown_as_command_output(text: &str, secret: &str) -> bool {
    if secret.is_empty() {
        return false;
    }
    let mut previous = "";
    for line in text.lines() {
        if line.trim() == secret && previous.trim_start().starts_with("$ ") {
            return true;
        }
        previous = line;
    }
    false
}

/// Whether a line within two of `span` names a Shopify Storefront API endpoint
/// (`https://shop.myshopify.com/api/graphql`, not the Admin API's `/admin/api/`):
/// the token beside it is the storefront's public access token, sent from
/// browsers by design.
pub(super) fn beside_storefront_api(text: &str, span: Span) -> bool {
    let line = line_range(text, span.start as usize);
    std::iter::once(text.get(line.clone()).unwrap_or(""))
        .chain(lines_around(text, &line, 2, 2))
        .any(|l| {
            l.match_indices(".myshopify.com/").any(|(at, m)| {
                l.get(at + m.len()..)
                    .is_some_and(|path| path.starts_with("api/"))
            })
        })
}

/// A NixOS module's option documentation (`example = { alice.passwordHMAC = "…";
/// };` in an `mkOption`): what the manual shows, not a setting. The value sits
/// in the `example =` block opened up to four lines above.
pub(super) fn in_nix_option_example(path: &str, text: &str, span: Span) -> bool {
    if !path.ends_with(".nix") {
        return false;
    }
    let line = line_range(text, span.start as usize);
    let own = text.get(line.clone()).unwrap_or("").trim_start();
    if own.starts_with("example") {
        return true;
    }
    for above in lines_around(text, &line, 4, 0) {
        let above = above.trim_start();
        if above.starts_with("example =") || above.starts_with("example=") {
            return true;
        }
        if above.starts_with('}') {
            return false;
        }
    }
    false
}

/// Devise's generated initializer (`config/initializers/devise.rb`) carries a
/// commented-out `# config.secret_key = '…'` under the note that Devise uses
/// `secret_key_base` by default: the generator's suggestion, never read.
pub(super) fn is_devise_commented_default(path: &str, text: &str, span: Span) -> bool {
    if !path
        .to_ascii_lowercase()
        .ends_with("initializers/devise.rb")
    {
        return false;
    }
    let line = line_range(text, span.start as usize);
    let own = text.get(line).unwrap_or("").trim_start();
    own.starts_with('#')
        && own
            .trim_start_matches('#')
            .trim_start()
            .starts_with("config.secret_key")
}

/// Whether the quoted literal at `span` is one piece of a string the code builds:
/// its closing quote is followed by a concatenation with code (`'gpgauthv1.3.0|36|' .
/// $token->value`, `"Bearer " + token`). The secret is what is spliced in.
pub(super) fn concatenated_with_code(text: &str, span: Span) -> bool {
    let after = text.get(span.end as usize..).unwrap_or("");
    let Some(rest) = after.strip_prefix(['\'', '"']) else {
        return false;
    };
    let rest = rest.trim_start_matches([' ', '\t']);
    let Some(operand) = rest
        .strip_prefix(". ")
        .or_else(|| rest.strip_prefix("+ "))
        .or_else(|| rest.strip_prefix(".$"))
        .map(|r| r.trim_start_matches([' ', '\t']))
    else {
        return false;
    };
    // Code, not another literal: a variable, a call or a field.
    operand.starts_with(['$', '_']) || operand.starts_with(|c: char| c.is_ascii_alphabetic())
}

/// Whether `span` sits on a line that holds a map tile URL template
/// (`https://…/{z}/{x}/{y}.mvt?api_key=…`): a tile server's key for browsers,
/// shipped in every map style.
pub(super) fn on_tile_url_template(text: &str, span: Span) -> bool {
    let line = line_range(text, span.start as usize);
    let line = text.get(line).unwrap_or("");
    ["{z}", "{x}", "{y}"].iter().all(|part| line.contains(part))
}

/// In a Makefile, whether `span` is in the recipe of a test target (`test:`,
/// `full-db-test:`, `e2e-tests:`): the values a test run is started with.
pub(super) fn in_makefile_test_target(text: &str, span: Span) -> bool {
    let before = text.get(..span.start as usize).unwrap_or("");
    let Some(rule) = before.lines().rev().skip(1).find(|l| {
        !l.is_empty() && !l.starts_with([' ', '\t', '#', '.']) && !l.trim_end().ends_with('\\')
    }) else {
        return false;
    };
    let Some((targets, _)) = rule.split_once(':') else {
        return false;
    };
    // `NAME := value`, `NAME = value`: a variable, not a rule.
    if targets.contains('=') || rule[targets.len()..].starts_with(":=") {
        return false;
    }
    targets.split_whitespace().any(|target| {
        target
            .split(['-', '_', '.', '/'])
            .any(|w| matches!(w, "test" | "tests" | "testing" | "e2e" | "integration"))
    })
}

/// In a program's source, whether `span` is in documentation: an Elixir
/// `@moduledoc`/`@doc`/`@typedoc` heredoc, a Python docstring, or on a doctest
/// prompt line (`iex> secret = "…"`, Python's `>>> client = Client(api_key="…")`).
/// What a module's docs show is a sample for the reader.
pub(super) fn in_doc_string(path: &str, text: &str, span: Span) -> bool {
    let line = line_range(text, span.start as usize);
    let own = text.get(line).unwrap_or("").trim_start();
    if ["iex>", "...>", ">>> "].iter().any(|p| own.starts_with(p)) {
        return true;
    }
    if path.ends_with(".py") {
        return in_python_docstring(text, span);
    }
    if !(path.ends_with(".ex") || path.ends_with(".exs")) {
        return false;
    }
    let before = text.get(..span.start as usize).unwrap_or("");
    for l in before.lines().rev().skip(1) {
        let l = l.trim();
        if l == "\"\"\"" {
            return false;
        }
        let doc = ["@moduledoc", "@doc", "@typedoc"].iter().any(|attr| {
            l.strip_prefix(attr)
                .is_some_and(|rest| rest.trim_start().starts_with(['"', '~']))
        });
        if doc && l.ends_with("\"\"\"") {
            return true;
        }
    }
    false
}

/// Whether `span` is inside a multi-line string an API annotation gives as its
/// example (`examples = @ExampleObject('''{ "authToken": "…" }''')` in Groovy,
/// `@ExampleObject(value = """…""")` in Java): a sample response for the docs.
pub(super) fn in_annotation_example(text: &str, span: Span) -> bool {
    open_triple_quotes(text, span.start as usize).any(|(open, _)| {
        // The annotation opens on the string's line or a few lines above
        // (`@ExampleObject(` then `name = …` then `value = '''[`).
        let head = text.get(..line_range(text, open).end).unwrap_or("");
        head.lines()
            .rev()
            .take(4)
            .any(|l| l.contains("ExampleObject(") || l.contains("@Example("))
    })
}

/// The triple-quoted strings (`"""`, then `'''`) left open before `offset`: each
/// opener's byte offset and its quotes. An odd count of a quote kind leaves one open.
pub(super) fn open_triple_quotes(
    text: &str,
    offset: usize,
) -> impl Iterator<Item = (usize, &'static str)> + '_ {
    let before = text.get(..offset).unwrap_or("");
    ["\"\"\"", "'''"].into_iter().filter_map(move |quotes| {
        (before.matches(quotes).count() % 2 == 1)
            .then(|| before.rfind(quotes).map(|open| (open, quotes)))
            .flatten()
    })
}

/// Whether `span` is inside a Python docstring: a triple-quoted string left open
/// before it that stands alone as the first statement of a `def` or `class` (the
/// line before ends the header with `:`) or of the module. `key = """…"""` is a
/// value, not a docstring.
fn in_python_docstring(text: &str, span: Span) -> bool {
    if let Some((open, quotes)) = open_triple_quotes(text, span.start as usize).next() {
        let opening = text.get(line_range(text, open)).unwrap_or("").trim_start();
        // `r"""`, `u"""`: a prefixed docstring.
        let bare = opening
            .trim_start_matches(['r', 'R', 'u', 'U'])
            .starts_with(quotes);
        if !bare {
            return false;
        }
        let line_start = line_range(text, open).start;
        let header = text
            .get(..line_start)
            .unwrap_or("")
            .lines()
            .rev()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'));
        return match header {
            None => true,
            Some(header) => header.ends_with(':'),
        };
    }
    false
}

/// A search server whose security layer a file turns off (`plugins.security.disabled=true`,
/// `DISABLE_SECURITY_PLUGIN=true`, `xpack.security.enabled=false`).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct DisabledSecurity {
    opensearch: bool,
    elasticsearch: bool,
}

impl DisabledSecurity {
    /// One pass over `text`.
    pub(super) fn find(text: &str) -> DisabledSecurity {
        let mut found = DisabledSecurity::default();
        for line in text.lines() {
            let squashed: String = line
                .chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '"' | '\''))
                .collect::<String>()
                .to_ascii_lowercase();
            found.opensearch |= [
                "plugins.security.disabled=true",
                "plugins.security.disabled:true",
                "disable_security_plugin=true",
                "disable_security_plugin:true",
            ]
            .iter()
            .any(|switch| squashed.contains(switch));
            found.elasticsearch |= [
                "xpack.security.enabled=false",
                "xpack.security.enabled:false",
            ]
            .iter()
            .any(|switch| squashed.contains(switch));
        }
        found
    }

    /// Whether `name` (`OPENSEARCH_INITIAL_ADMIN_PASSWORD`, `ELASTIC_PASSWORD`) is
    /// the password of a server whose security is off: a local demo's, guarding nothing.
    pub(super) fn guards(self, name: &str) -> bool {
        match super::names::normalize_name(name).split('_').next() {
            Some("opensearch") => self.opensearch,
            Some("elastic" | "elasticsearch") => self.elasticsearch,
            _ => false,
        }
    }
}

/// In a Python project's test-runner config (`setup.cfg`'s `[tool:pytest]`,
/// `tox.ini`'s `[testenv]`, `pytest.ini`, `pyproject.toml`'s
/// `[tool.pytest.ini_options]`), whether `span` is in a section that sets up the
/// test run (`env = D:SECRET_KEY=…`).
pub(super) fn in_test_runner_section(path: &str, text: &str, span: Span) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    if !matches!(
        name,
        "setup.cfg" | "tox.ini" | "pytest.ini" | "pyproject.toml"
    ) {
        return false;
    }
    let before = text.get(..span.start as usize).unwrap_or("");
    before
        .lines()
        .rev()
        .find(|l| l.starts_with('['))
        .is_some_and(|header| {
            let header = header.to_ascii_lowercase();
            header.contains("pytest") || header.starts_with("[testenv")
        })
}

#[cfg(test)]
mod tests {
    use super::{assigned_value, has_host, in_json_doc_field, is_marked_placeholder};
    use crate::source::Span;

    #[test]
    fn documentation_hosts_are_host_names() {
        assert!(has_host("base_url=https://app.example.com", "example.com"));
        assert!(has_host("host: dvwa.test", ".test"));
        assert!(has_host("mail=me@example.org", "example.org"));
        assert!(!has_host("url=https://myexample.com", "example.com"));
        assert!(!has_host("run: npm run .test", ".test"));
        assert!(!has_host("host: app.testing.io", ".test"));
        assert!(!has_host("url=https://example.com.evil.io", "example.com"));
    }

    #[test]
    fn marked_placeholders_only() {
        assert_eq!(
            assigned_value("POSTGRES_DB=<your project slug>"),
            Some("<your project slug>")
        );
        assert_eq!(
            assigned_value("- SECRET_KEY_BASE=replace-me"),
            Some("replace-me")
        );
        assert!(is_marked_placeholder("<your project slug>"));
        assert!(is_marked_placeholder("replace-me"));
        // Dev defaults that real files hold are no placeholder context.
        assert!(!is_marked_placeholder("postgres"));
        assert!(!is_marked_placeholder("true"));
    }

    #[test]
    fn json_doc_fields() {
        let at = |text: &str, needle: &str| {
            let start = text.find(needle).unwrap_or(0);
            in_json_doc_field(text, Span::new(start, start + needle.len()))
        };
        let doc =
            "{\n  \"example\": \"rtmp://h/live?txSecret=abc123\",\n  \"secret\": \"def456\"\n}";
        assert!(at(doc, "abc123"));
        assert!(!at(doc, "def456"));
        assert!(at("  \"document\": \"a link ?token=zz9\"", "zz9"));
        assert!(!at("  \"examples_token\": \"zz9\"", "zz9"));
    }
}
