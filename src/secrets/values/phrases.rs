//! Values that are sentences or instructions typed in a secret's place:
//! run-on phrases about the key, leetspeak instructions, CamelCase `…Here`.

use super::PLACEHOLDER_WORDS;

/// `thisisaverysecurekeythatneedstobelonger256bitkey`: a sentence about the key
/// typed without spaces (lowercase or CamelCase), pronounceable from end to end. A random
/// lowercase value of 24 letters almost always has a run of four consonants; a
/// diceware passphrase (`correct-horse-battery-staple`) does not talk about itself.
pub(super) fn is_run_on_phrase(v: &str) -> bool {
    const SUBJECTS: &[&str] = &[
        "secret", "key", "password", "token", "jwt", "signing", "random", "string",
    ];
    const SPEAKING: &[&str] = &[
        "this", "my", "your", "our", "very", "super", "long", "should", "must", "need", "some",
    ];
    // `MySecretHot…ThatShouldBeVerySecretousAndRandom`: the same in CamelCase.
    let lower = v.to_ascii_lowercase();
    let mut letters: Vec<char> = lower.chars().filter(char::is_ascii_alphabetic).collect();
    // `…NoOneCanHackMeHAHAHAHAzzzz`: one letter held down at the end is filler.
    if let Some(&last) = letters.last() {
        let held = letters.iter().rev().take_while(|&&c| c == last).count();
        if held >= 3 {
            letters.truncate(letters.len() - held);
        }
    }
    letters.len() >= 24
        && letters.len() * 5 >= v.len() * 4
        && v.bytes().all(|b| b.is_ascii_alphanumeric())
        && SUBJECTS.iter().any(|w| lower.contains(w))
        && SPEAKING.iter().any(|w| lower.contains(w))
        && (super::super::is_pronounceable(&letters) || is_camel_case_sentence(v, &lower))
}

/// `thisisaverylongtoken=TestProvince`: a lowercase run-on phrase about the key
/// (16 letters or more), `=`, then the words it is scoped to.
pub(super) fn is_scoped_phrase(v: &str) -> bool {
    const SUBJECTS: &[&str] = &["secret", "key", "password", "token"];
    const SPEAKING: &[&str] = &["this", "my", "your", "very", "long", "some"];
    v.split_once('=').is_some_and(|(phrase, scope)| {
        let letters: Vec<char> = phrase.chars().collect();
        letters.len() >= 16
            && phrase.bytes().all(|b| b.is_ascii_lowercase())
            && SUBJECTS.iter().any(|w| phrase.contains(w))
            && SPEAKING.iter().any(|w| phrase.contains(w))
            && super::super::is_pronounceable(&letters)
            && !scope.is_empty()
            && scope.bytes().all(|b| b.is_ascii_alphanumeric())
            && super::super::reads_as_words(scope)
    })
}

/// Firefly III's `SomeRandomStringOf32CharsExactly`: four or more capitalised
/// words (digits between them allowed) that read as words and speak of a random
/// string, its length or its characters; pronounceable word by word, though the
/// joins (`…ngstr…`) are not.
fn is_camel_case_sentence(v: &str, lower: &str) -> bool {
    v.bytes().filter(u8::is_ascii_uppercase).count() >= 4
        && ["random", "string", "chars", "characters"]
            .iter()
            .any(|w| lower.contains(w))
        && super::super::reads_as_words(v)
}

/// `s0m3l0ngr4nd0mstr1ng-b3cr34tiv3&h4v3fun`, Firefly III's
/// `S0m3R@nd0mString0f32Ch@rsEx@ct1y`: an instruction typed in leetspeak. Read
/// back as letters it is 24 or more, a quarter of them vowels (random letters
/// give a fifth), and it speaks of a random string, key or secret in words no
/// generated value spells. So does a leet value that opens with whose secret
/// it is (`MyS3cr37P450r.*-`).
pub(super) fn is_leet_phrase(v: &str) -> bool {
    const SUBJECTS: &[&str] = &["random", "string", "secret", "password", "token"];
    const SPEAKING: &[&str] = &[
        "some", "long", "very", "your", "this", "have", "should", "must",
    ];
    let leet = v
        .bytes()
        .filter(|b| matches!(b, b'0' | b'1' | b'3' | b'4' | b'5' | b'7' | b'@' | b'$'))
        .count();
    let letters = unleet(&v.to_ascii_lowercase(), true);
    let vowels = letters
        .bytes()
        .filter(|b| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u'))
        .count();
    // `MyS3cr37P450r.*-` (Wazuh's documented API password): "my secret …" in
    // leetspeak, a stand-in that speaks of itself from its first letters.
    let possessive = ["my", "your", "our"].iter().any(|owner| {
        letters
            .strip_prefix(owner)
            .is_some_and(|rest| SUBJECTS.iter().any(|w| rest.starts_with(w)))
    });
    leet >= 3
        && (possessive
            || letters.len() >= 24
                && vowels * 4 >= letters.len()
                && SUBJECTS.iter().any(|w| letters.contains(w))
                && SPEAKING.iter().any(|w| letters.contains(w)))
}

/// `SetARandomStringHere`, `PutTokenHere`: what to fill in, typed in CamelCase
/// (the `_here` and `-here` markers catch it with separators). Every word is
/// capitalised letters, the last is `Here` and all of it reads as words; a
/// random token seldom ends in a capitalised `Here` after three such words.
/// So is a camelCase note that the real value lives elsewhere
/// (`somethingElseInProd`, `ChangeForProduction`).
pub(super) fn is_camel_case_instruction(v: &str) -> bool {
    if let Some(rest) = ["InProd", "InProduction", "ForProd", "ForProduction"]
        .iter()
        .find_map(|suffix| v.strip_suffix(suffix))
    {
        let words = rest.split(|c: char| c.is_ascii_uppercase()).count();
        return rest.bytes().all(|b| b.is_ascii_alphabetic())
            && words >= 2
            && super::super::reads_as_words(v);
    }
    // `alreadyRotatedPassword`, `externallyManagedSecret`: camelCase words saying
    // what became of the value (a participle before what it stands for), a note
    // where the secret would be. `senderLoginPassword` names a setting to fill in.
    if let Some(rest) = ["Password", "Secret", "Token"]
        .iter()
        .find_map(|word| v.strip_suffix(word))
    {
        let words = rest.split(|c: char| c.is_ascii_uppercase()).count();
        if rest.starts_with(|c: char| c.is_ascii_lowercase())
            && rest.ends_with("ed")
            && rest.bytes().all(|b| b.is_ascii_alphabetic())
            && words >= 2
            && super::super::reads_as_words(v)
        {
            return true;
        }
    }
    let Some(rest) = v.strip_suffix("Here") else {
        return false;
    };
    let words = rest.split(|c: char| c.is_ascii_uppercase()).count() - 1;
    rest.starts_with(|c: char| c.is_ascii_uppercase())
        && rest.bytes().all(|b| b.is_ascii_alphabetic())
        && words >= 2
        && super::super::reads_as_words(v)
}

/// Whether the letters of `lower` (after dropping trailing digits and
/// punctuation, and with or without undoing leetspeak) are a sequence of
/// placeholder words: `mysecretpassword`, `test1234`, `p@ssw0rd!`.
pub(super) fn is_made_of_words(lower: &str) -> bool {
    let core = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    let plain: String = core.chars().filter(|c| c.is_ascii_lowercase()).collect();
    // Leet read back as letters; an `@` between words is a separator as often as
    // an `a` (`pa55@w0rd`).
    // One last leet digit may be a letter, not a number after the words
    // (`s0up3rs3cre7`); two or more (`…-Pa55`) are read as a number.
    let alnum_end = lower.trim_end_matches(|c: char| !c.is_alphanumeric());
    let one_digit = alnum_end
        .strip_suffix(|c: char| c.is_ascii_digit())
        .is_some_and(|rest| rest.ends_with(|c: char| c.is_alphabetic()));
    let leet_reads = |v: &str| {
        word_break(&unleet(v, true)) || word_break(&unleet(v, false)) || leet_word_break(v)
    };
    word_break(&plain) || leet_reads(core) || (one_digit && leet_reads(alnum_end))
}

/// `v` with leet digits and symbols read as the letters they stand for, other
/// non-letters dropped; `@` read as `a` or dropped.
pub(crate) fn unleet(v: &str, at_is_a: bool) -> String {
    v.chars()
        .filter_map(|c| match c {
            '@' if at_is_a => Some('a'),
            '4' => Some('a'),
            '$' | '5' => Some('s'),
            '6' | '9' => Some('g'),
            '0' => Some('o'),
            '3' => Some('e'),
            '1' | '!' => Some('i'),
            '7' => Some('t'),
            c if c.is_ascii_lowercase() => Some(c),
            _ => None,
        })
        .collect()
}

fn word_break(s: &str) -> bool {
    s.is_ascii() && break_into_words(s.as_bytes(), |c, letter| c == letter)
}

/// `s$cretf0rt3st`: leetspeak whose symbols stand for more than one letter (`$`
/// for an `e` there, `@` for a `u` in `S@per`): each leet char may be any letter
/// it is written for. Other punctuation is dropped.
fn leet_word_break(core: &str) -> bool {
    let chars: Vec<u8> = core
        .bytes()
        .filter(|b| b.is_ascii_lowercase() || b"@$!0134567".contains(b))
        .collect();
    break_into_words(&chars, |c, letter| {
        let stands_for: &[u8] = match c {
            b'@' => b"aeou",
            b'$' => b"se",
            b'!' | b'1' => b"il",
            b'0' => b"o",
            b'3' => b"e",
            b'4' => b"a",
            b'5' => b"s",
            b'6' | b'9' => b"g",
            b'7' => b"t",
            _ => return c == letter,
        };
        stands_for.contains(&letter)
    })
}

/// Whether `chars` split into placeholder words, `matches(char, letter)` telling
/// whether a char may be read as a word's letter.
fn break_into_words(chars: &[u8], matches: impl Fn(u8, u8) -> bool) -> bool {
    let n = chars.len();
    if n == 0 || n > 64 {
        return false;
    }
    let mut reachable = [false; 65];
    reachable[0] = true;
    for end in 1..=n {
        let ok = PLACEHOLDER_WORDS.iter().any(|w| {
            end.checked_sub(w.len()).is_some_and(|start| {
                reachable.get(start).copied().unwrap_or(false)
                    && chars
                        .get(start..end)
                        .is_some_and(|part| part.iter().zip(w.bytes()).all(|(&c, l)| matches(c, l)))
            })
        });
        if let Some(slot) = reachable.get_mut(end) {
            *slot = ok;
        }
    }
    reachable.get(n).copied().unwrap_or(false)
}

/// `cav0l0cia0`, `r00t4dmin`: lowercase words with leet digits in some letters'
/// place (two or more), which read back as letters pronounce from end to end (two
/// in five vowels, no three consonants in a row). A person's password; about
/// one random lowercase-and-digits value in 40 reads so, so it is only asked
/// where other signs say a person typed the value (a local stack's database).
pub(crate) fn reads_as_leetspeak(v: &str) -> bool {
    let leet = v.bytes().filter(|b| b"013457".contains(b)).count();
    if leet < 2
        || !v
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b"013457".contains(&b))
    {
        return false;
    }
    let letters = unleet(v, true);
    let vowels = letters.bytes().filter(|b| b"aeiou".contains(b)).count();
    let mut run = 0;
    let mut longest = 0;
    for b in letters.bytes() {
        run = if b"aeiou".contains(&b) { 0 } else { run + 1 };
        longest = longest.max(run);
    }
    letters.len() >= 8 && vowels * 5 >= letters.len() * 2 && longest < 3
}
