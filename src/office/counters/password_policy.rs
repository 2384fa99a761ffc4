//! What a clerk's password must be: long enough, not one of the passwords guessed first
//! (`assets/passwords/common.txt`, written out by `scripts/common-passwords.py`), and more
//! than a run or a repetition of characters. The refusal says which rule and why.

use std::collections::HashSet;
use std::sync::OnceLock;

/// A password has at least this many characters.
pub const MIN_PASSWORD: usize = 10;

/// The common passwords, lower case (comment lines start with `#`).
const COMMON: &str = include_str!("../../../assets/passwords/common.txt");

/// Fewer different characters than this is too little variety ("1122112211").
const MIN_DISTINCT: usize = 4;

fn common() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// Why `password` may not be a clerk's, in a sentence for the person choosing it; `None`
/// when it is acceptable.
pub fn weakness(password: &str) -> Option<String> {
    let chars: Vec<char> = password.chars().collect();
    if chars.len() < MIN_PASSWORD {
        return Some(format!(
            "a password needs at least {MIN_PASSWORD} characters (this one has {}); a few words joined with dashes are easy to type and hard to guess",
            chars.len()
        ));
    }
    let lower: Vec<char> = password.to_lowercase().chars().collect();
    let folded: String = lower.iter().collect();
    if common().contains(folded.as_str()) {
        return Some(
            "this password is in the list of common passwords, the ones tried first; choose another".into(),
        );
    }
    if let Some(unit) = repeated_unit(&lower) {
        let unit: String = unit.iter().collect();
        return Some(format!(
            "this password only repeats {unit:?}, which is guessed at once; choose another"
        ));
    }
    if is_run(&lower) {
        return Some(
            "this password is only a run of consecutive characters (like 1234567890 or abcdefghij); choose another".into(),
        );
    }
    let distinct: HashSet<&char> = lower.iter().collect();
    if distinct.len() < MIN_DISTINCT {
        return Some(format!(
            "this password uses only {} different characters; choose one with more variety",
            distinct.len()
        ));
    }
    None
}

/// The shortest piece `chars` is made of, repeated, if it is shorter than half of it.
fn repeated_unit(chars: &[char]) -> Option<&[char]> {
    let n = chars.len();
    (1..=n / 2)
        .filter(|len| n.is_multiple_of(*len))
        .map(|len| &chars[..len])
        .find(|unit| chars.chunks(unit.len()).all(|c| c == *unit))
}

/// Whether each character is the one after (or each the one before) the previous.
fn is_run(chars: &[char]) -> bool {
    let steps: Vec<i64> = chars
        .windows(2)
        .map(|w| i64::from(u32::from(w[1])) - i64::from(u32::from(w[0])))
        .collect();
    // "1234567890" wraps from 9 to 0, as on the keyboard.
    let step_ok = |s: i64, dir: i64| s == dir || s == -9 * dir;
    [1, -1]
        .iter()
        .any(|&dir| steps.iter().all(|&s| step_ok(s, dir)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_and_test_passwords_pass() {
        for p in [
            "demo-quay-1",
            "mat-khau-8",
            "mat-khau-1",
            "mat-khau-lan",
            "mat-khau-moi",
            "Nắng-sớm-Hội-An",
        ] {
            assert_eq!(weakness(p), None, "{p}");
        }
    }

    #[test]
    fn short_common_and_trivial_passwords_are_refused_with_the_reason() {
        let why = |p: &str| weakness(p).unwrap_or_else(|| panic!("{p} accepted"));
        assert!(why("12345678").contains("at least 10 characters (this one has 8)"));
        assert!(why("ngắn").contains("has 4"));
        for p in [
            "password123",
            "Matkhau@123",
            "QWERTYUIOP",
            "1q2w3e4r5t6y",
            "anhyeuem2025",
        ] {
            assert!(why(p).contains("common passwords"), "{p}");
        }
        assert!(why("abcabcabcabc").contains("repeats \"abc\""));
        assert!(why("xxxxxxxxxxxx").contains("repeats \"x\""));
        assert!(why("abcdefghijkl").contains("consecutive"));
        assert!(why("7654321098").contains("consecutive"));
        assert!(why("3456789012").contains("consecutive"));
        assert!(why("1122112211x").contains("3 different"));
    }

    #[test]
    fn the_list_holds_a_few_thousand_long_passwords() {
        let list = common();
        assert!(list.len() > 3000, "{}", list.len());
        assert!(list.iter().all(|p| p.chars().count() >= MIN_PASSWORD));
        assert!(list.iter().all(|p| *p == p.to_lowercase()));
    }
}
