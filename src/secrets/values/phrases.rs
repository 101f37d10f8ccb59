//! Values that are sentences or instructions typed in a secret's place:
//! run-on phrases about the key, leetspeak instructions, CamelCase `…Here`.

use super::unleet;

/// `thisisaverysecurekeythatneedstobelonger256bitkey`: a sentence about the key
/// typed without spaces (lowercase or CamelCase), pronounceable from end to end. A random
/// lowercase value of 24 letters almost always has a run of four consonants; a
/// diceware passphrase (`correct-horse-battery-staple`) does not talk about itself.
pub(super) fn is_run_on_phrase(v: &str) -> bool {
    const SUBJECTS: &[&str] = &["secret", "key", "password", "token", "jwt", "signing"];
    const SPEAKING: &[&str] = &[
        "this", "my", "your", "our", "very", "super", "long", "should", "must", "need",
    ];
    // `MySecretHot…ThatShouldBeVerySecretousAndRandom`: the same in CamelCase.
    let lower = v.to_ascii_lowercase();
    let letters: Vec<char> = lower.chars().filter(char::is_ascii_alphabetic).collect();
    letters.len() >= 24
        && letters.len() * 5 >= v.len() * 4
        && v.bytes().all(|b| b.is_ascii_alphanumeric())
        && SUBJECTS.iter().any(|w| lower.contains(w))
        && SPEAKING.iter().any(|w| lower.contains(w))
        && super::super::is_pronounceable(&letters)
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
pub(super) fn is_camel_case_instruction(v: &str) -> bool {
    let Some(rest) = v.strip_suffix("Here") else {
        return false;
    };
    let words = rest.split(|c: char| c.is_ascii_uppercase()).count() - 1;
    rest.starts_with(|c: char| c.is_ascii_uppercase())
        && rest.bytes().all(|b| b.is_ascii_alphabetic())
        && words >= 2
        && super::super::reads_as_words(v)
}
