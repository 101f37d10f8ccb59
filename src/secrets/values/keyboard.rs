//! Values typed on the keyboard rather than generated: walks along its rows,
//! mashes on the home row, a walk typed twice.

/// Whether `a` and `b` touch on a QWERTY keyboard: side by side on one row, or
/// a digit and a letter of the row under it (`1q2w3e4r` zigzags down them).
pub(super) fn keyboard_neighbours(a: char, b: char) -> bool {
    const ROWS: [&[u8]; 4] = [b"1234567890", b"qwertyuiop", b"asdfghjkl", b"zxcvbnm"];
    if !(a.is_ascii() && b.is_ascii()) {
        return false;
    }
    let (a, b) = (a.to_ascii_lowercase() as u8, b.to_ascii_lowercase() as u8);
    let touch = |x: u8, y: u8| (x, y) == (a, b) || (y, x) == (a, b);
    let side_by_side = ROWS
        .iter()
        .any(|row| row.windows(2).any(|pair| touch(pair[0], pair[1])));
    // The letter row sits half a key right of the digits: `q` is under `1` and
    // touches `2`. (Only there: letters of stacked rows would make a random
    // `…KIA…` a walk.)
    let (digits, letters) = (ROWS[0], ROWS[1]);
    let stacked = letters.iter().enumerate().any(|(i, &key)| {
        digits.get(i).is_some_and(|&up| touch(up, key))
            || digits.get(i + 1).is_some_and(|&up| touch(up, key))
    });
    side_by_side || stacked
}

/// Letters typed along the keyboard's home row (`DsHJdsjh2812872sahj`,
/// `sjdkfhjKHKJHkjsdhsufdudfhj…`, `…lasfdasfasdfasdf`): a stand-in a person
/// mashed in, not a generated value. At least 12 letters, 85% of them from
/// `asdfghjkl` (80% from 20 letters on: `laksdjflkasjfwj92jfslj2qu0-9apsoifjk`),
/// one of them beyond hex's `a`–`f` so that no hex digest counts; a random
/// base62 value has a third of its letters there.
pub(in crate::secrets) fn is_keyboard_mash(v: &str) -> bool {
    const HOME_ROW: &[u8] = b"asdfghjkl";
    let letters: Vec<u8> = v
        .bytes()
        .filter(u8::is_ascii_alphabetic)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let on_home_row = letters.iter().filter(|b| HOME_ROW.contains(b)).count();
    let share = if letters.len() >= 20 { 80 } else { 85 };
    letters.len() >= 12
        && on_home_row * 100 >= letters.len() * share
        && letters.iter().any(|b| b"ghjkls".contains(b))
}

/// A walk of four to six letters along the keyboard or the alphabet typed twice
/// in a row (`eyJhIjoiZjM4Zmasdfasdfasdff…`, `…qwerqwer…`): a stand-in with a
/// mashed piece in it. A random value holds one at a position about once in
/// 10^12; three-letter walks (`sdfsdf`) turn up in values drawn from a small
/// alphabet (hex with a few letters), so they do not count.
pub(super) fn has_walk_typed_twice(v: &str) -> bool {
    let lower: Vec<char> = v.chars().map(|c| c.to_ascii_lowercase()).collect();
    (4..=6).any(|unit| {
        lower.windows(unit * 2).any(|w| {
            let (head, tail) = w.split_at(unit);
            head == tail
                && head.iter().all(char::is_ascii_alphabetic)
                && head.windows(2).all(|pair| {
                    let (a, b) = (pair[0] as u32, pair[1] as u32);
                    a.abs_diff(b) == 1 || keyboard_neighbours(pair[0], pair[1])
                })
        })
    })
}
