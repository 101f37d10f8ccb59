//! Values typed as runs: counting digits, letters and digits in step, one unit
//! typed over and over, alphabet and keyboard runs. A generated value holds none.

use super::keyboard::keyboard_neighbours;

/// `xoxb-1234567890-…`: eight or more digits counting up, which a random token
/// almost never holds; a documentation sample.
pub(in crate::secrets) fn has_counting_run(v: &str) -> bool {
    has_digit_run(v) || counts_in_step(v) || has_stepped_pairs(v)
}

/// `…f9e8d7c6b5a4…`: five or more letter-digit pairs in a row whose letters and
/// digits both step by one the same way, up or down, anywhere in the value (a
/// stand-in typed to look like hex). Random hex holds such a run by chance about
/// once in a trillion values.
fn has_stepped_pairs(v: &str) -> bool {
    let b: Vec<u8> = v.bytes().map(|b| b.to_ascii_lowercase()).collect();
    let pair = |at: usize| match (b.get(at), b.get(at + 1)) {
        (Some(&l), Some(&d)) if l.is_ascii_lowercase() && d.is_ascii_digit() => Some((l, d)),
        _ => None,
    };
    (0..b.len()).any(|start| {
        let Some(mut prev) = pair(start) else {
            return false;
        };
        let mut step = 0i16;
        let mut run = 1;
        let mut at = start + 2;
        while let Some(next) = pair(at) {
            let dl = i16::from(next.0) - i16::from(prev.0);
            let dd = i16::from(next.1) - i16::from(prev.1);
            if dl != dd || dl.abs() != 1 || (step != 0 && dl != step) {
                break;
            }
            step = dl;
            run += 1;
            prev = next;
            at += 2;
        }
        run >= 5
    })
}

/// `a1B2c3D4e5F6g7H8i9`, `1ABC2DEF3GHI…`: letters and digits that each count up
/// (`z` to `a` and `9` to `0` too), in any case and mix, at least four of each: a
/// made-up token for a mockup.
fn counts_in_step(v: &str) -> bool {
    let letters: Vec<u8> = v
        .bytes()
        .filter(u8::is_ascii_alphabetic)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let digits: Vec<u8> = v.bytes().filter(u8::is_ascii_digit).collect();
    let counts_up = |seq: &[u8]| {
        seq.len() >= 4
            && seq
                .windows(2)
                .all(|w| w[1] == w[0] + 1 || matches!((w[0], w[1]), (b'z', b'a') | (b'9', b'0')))
    };
    letters.len() + digits.len() == v.len() && counts_up(&letters) && counts_up(&digits)
}

/// Eight digits counting up in a row (`12345678`).
fn has_digit_run(v: &str) -> bool {
    let mut run = 0;
    let mut prev = 0u8;
    for b in v.bytes() {
        run = if b.is_ascii_digit() && run > 0 && b == prev + 1 {
            run + 1
        } else {
            usize::from(b.is_ascii_digit())
        };
        prev = b;
        if run >= 8 {
            return true;
        }
    }
    false
}

/// One char repeated (separators ignored), or an ascending or descending run like
/// `abcdef`, `123456`, `87654321`, `54321abcde`, capitalised too (`Abcd1234!`).
pub(super) fn is_repeated_or_run(v: &str) -> bool {
    let mut alnum = v
        .chars()
        .filter(|c| c.is_alphanumeric())
        .enumerate()
        .map(|(i, c)| if i == 0 { c.to_ascii_lowercase() } else { c });
    let Some(first) = alnum.next() else {
        return v.chars().all(|c| v.starts_with(c));
    };
    let rest: Vec<char> = alnum.collect();
    if rest.iter().all(|&c| c == first) {
        return true;
    }
    let count = rest.len() + 1;
    // Each char repeated counts as one step (`0000111122223333…ffff`, `aabbcc112233`).
    let mut steps: Vec<char> = rest.clone();
    steps.dedup();
    if steps.first() == Some(&first) {
        steps.remove(0);
    }
    let mut prev = first;
    // Runs glued together count too: `abc…zABC…Z0…9` (a charset), `abcd1234efgh5678`.
    let mut run_steps = 0;
    for &c in &steps {
        // Up or down (`87654321-4321`, or both: `54321abcde`), or along a
        // keyboard row either way (`mnbvcxz`, `qwerty`).
        let up = (c as u32).checked_sub(prev as u32) == Some(1);
        let down = (prev as u32).checked_sub(c as u32) == Some(1);
        run_steps += usize::from(up || down || keyboard_neighbours(prev, c));
        prev = c;
    }
    count >= 6 && steps.len() >= 3 && run_steps * 4 >= steps.len() * 3
}

/// `rk_live_TESTtestTESTtestTESTtest`, `abc123abc123abc123`: the body (after a
/// prefix's last `_`, `-` or `.`) is one unit typed over and over, in any case.
/// A generated body never repeats itself three times.
pub(super) fn is_repeated_unit(v: &str) -> bool {
    let body = v
        .rsplit(['_', '-', '.'])
        .next()
        .unwrap_or(v)
        .to_ascii_lowercase();
    let b = body.as_bytes();
    // A typed stand-in is short; the bound keeps the check linear on long values.
    (12..=256).contains(&b.len())
        && (2..=b.len() / 3).any(|unit| {
            b.iter()
                .zip(b.iter().cycle().take(unit).cycle())
                .all(|(c, u)| c == u)
        })
}
