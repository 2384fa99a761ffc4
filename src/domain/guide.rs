//! Spoken guidance without the screen: which key does what, and how the focus moves over a
//! screen's choices. The keys suit a USB numeric keypad with Num Lock off (8 and 2 are the
//! up and down arrows, 0 is Insert, 7 is Home, the decimal point is Delete) as well as a
//! keyboard's arrows and function keys. Letters, digits, `.` and `-` are never guidance
//! keys: the receipt scanner types them.

/// What a key asks of the guidance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuideKey {
    /// Turn guidance on or off: F1, or the keypad's `+`.
    Toggle,
    /// Move to the next choice and say it: down or right arrow, Tab.
    Next,
    /// Move to the previous choice and say it: up or left arrow.
    Previous,
    /// Choose the choice in focus: Enter (when the scanner is not typing), or Space.
    Select,
    /// Go back one screen: Escape, Backspace, or Delete (the keypad's decimal point).
    Back,
    /// Go to the home screen: Home (the keypad's 7).
    Home,
    /// Say the screen again: Insert (the keypad's 0), or the keypad's `/`.
    Repeat,
    /// Say which numbers are being served, at which counters: F2, or the keypad's `*`.
    Serving,
}

// Slint's key texts for the special keys (`slint::platform::Key`): the private-use
// characters follow the macOS function-key codes.
const UP: char = '\u{F700}';
const DOWN: char = '\u{F701}';
const LEFT: char = '\u{F702}';
const RIGHT: char = '\u{F703}';
const F1: char = '\u{F704}';
const F2: char = '\u{F705}';
const INSERT: char = '\u{F727}';
const HOME: char = '\u{F729}';
const ESCAPE: char = '\u{1b}';
const BACKSPACE: char = '\u{8}';
const DELETE: char = '\u{7f}';

/// The guidance key a key press means, if any. `text` is the key's text as the UI
/// delivers it: one character.
pub fn key(text: &str) -> Option<GuideKey> {
    let mut chars = text.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return None;
    };
    Some(match c {
        F1 | '+' => GuideKey::Toggle,
        DOWN | RIGHT | '\t' => GuideKey::Next,
        UP | LEFT => GuideKey::Previous,
        '\n' | '\r' | ' ' => GuideKey::Select,
        ESCAPE | BACKSPACE | DELETE => GuideKey::Back,
        HOME => GuideKey::Home,
        INSERT | '/' => GuideKey::Repeat,
        F2 | '*' => GuideKey::Serving,
        _ => return None,
    })
}

/// Where the focus goes on a screen of `len` choices from `at` (none yet when `None`),
/// and whether it ran into an end of the list (it stays on the last or first choice then,
/// so a citizen counting presses never lands somewhere unexpected).
pub fn step(at: Option<usize>, len: usize, key: GuideKey) -> (Option<usize>, bool) {
    if len == 0 {
        return (None, true);
    }
    match (key, at) {
        (GuideKey::Next, None) => (Some(0), false),
        (GuideKey::Next, Some(i)) if i + 1 < len => (Some(i + 1), false),
        (GuideKey::Next, Some(_)) => (Some(len - 1), true),
        (GuideKey::Previous, None) => (Some(len - 1), false),
        (GuideKey::Previous, Some(i)) if i > 0 && i <= len => (Some(i - 1), false),
        (GuideKey::Previous, Some(_)) => (Some(0), true),
        (_, at) => (at.filter(|i| *i < len), false),
    }
}

/// How long before the idle timeout a guided citizen is warned of it.
pub const IDLE_WARNING_SECONDS: u32 = 20;

/// The idle timeout while guidance is on: listening takes longer than reading, so four
/// times the configured one, at least two minutes and at most ten (never shorter than the
/// configured one).
pub fn guided_idle_seconds(idle_seconds: u32) -> u32 {
    idle_seconds
        .saturating_mul(4)
        .clamp(120, 600)
        .max(idle_seconds)
}

/// When, within a guided citizen's idle time, the warning is spoken: `warn_seconds`
/// before the end, and never in the first half (a short timeout still leaves time to act).
pub fn idle_warning_at(idle_seconds: u32, warn_seconds: u32) -> u32 {
    idle_seconds
        .saturating_sub(warn_seconds)
        .max(idle_seconds / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keypad_and_keyboard_keys_map_to_actions() {
        assert_eq!(key("\u{F701}"), Some(GuideKey::Next));
        assert_eq!(key("\u{F700}"), Some(GuideKey::Previous));
        assert_eq!(key("\n"), Some(GuideKey::Select));
        assert_eq!(key("\u{7f}"), Some(GuideKey::Back));
        assert_eq!(key("\u{1b}"), Some(GuideKey::Back));
        assert_eq!(key("\u{F729}"), Some(GuideKey::Home));
        assert_eq!(key("\u{F727}"), Some(GuideKey::Repeat));
        assert_eq!(key("+"), Some(GuideKey::Toggle));
        assert_eq!(key("\u{F704}"), Some(GuideKey::Toggle));
        assert_eq!(key("*"), Some(GuideKey::Serving));
    }

    #[test]
    fn what_a_scanner_types_is_never_a_guidance_key() {
        for c in ('0'..='9')
            .chain('A'..='Z')
            .chain('a'..='z')
            .chain(['.', '-'])
        {
            assert_eq!(key(&c.to_string()), None, "{c:?}");
        }
        // Shift, which a scanner presses before capitals, and text longer than one key.
        assert_eq!(key("\u{10}"), None);
        assert_eq!(key("ab"), None);
        assert_eq!(key(""), None);
    }

    #[test]
    fn focus_starts_at_either_end_and_stops_at_the_ends() {
        assert_eq!(step(None, 3, GuideKey::Next), (Some(0), false));
        assert_eq!(step(None, 3, GuideKey::Previous), (Some(2), false));
        assert_eq!(step(Some(0), 3, GuideKey::Next), (Some(1), false));
        assert_eq!(step(Some(2), 3, GuideKey::Next), (Some(2), true));
        assert_eq!(step(Some(0), 3, GuideKey::Previous), (Some(0), true));
        assert_eq!(step(Some(1), 3, GuideKey::Repeat), (Some(1), false));
        // A list that shrank under the focus forgets a focus past its end.
        assert_eq!(step(Some(5), 3, GuideKey::Repeat), (None, false));
        assert_eq!(step(Some(5), 3, GuideKey::Previous), (Some(0), true));
        assert_eq!(step(None, 0, GuideKey::Next), (None, true));
    }

    #[test]
    fn guidance_gives_more_time() {
        assert_eq!(guided_idle_seconds(30), 120);
        assert_eq!(guided_idle_seconds(60), 240);
        assert_eq!(guided_idle_seconds(300), 600);
        assert_eq!(guided_idle_seconds(900), 900);
    }

    #[test]
    fn the_idle_warning_comes_before_the_end_but_not_too_early() {
        assert_eq!(idle_warning_at(120, 20), 100);
        assert_eq!(idle_warning_at(30, 20), 15);
        assert_eq!(idle_warning_at(10, 20), 5);
    }
}
