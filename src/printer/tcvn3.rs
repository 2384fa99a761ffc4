//! Unicode → TCVN-3 as Epson implements it: two code pages ("TCVN-3-1" lowercase,
//! "TCVN-3-2" capitals) that put a letter and its capital at the same byte.
//!
//! The table is written as (base letter, tone) → byte so that a wrong entry shows up as a
//! misplaced cell in a small grid instead of hiding among 134 code points; the decoder has
//! its own byte → letter tables, typed separately, to catch exactly such mistakes.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

/// `ESC t n`: select character code table.
const SELECT_PAGE: [u8; 2] = [0x1B, b't'];

/// Combining marks of the five Vietnamese tones, in the column order of [`VOWELS`]:
/// huyền, hỏi, ngã, sắc, nặng.
const TONE_MARKS: [char; 5] = ['\u{0300}', '\u{0309}', '\u{0303}', '\u{0301}', '\u{0323}'];

/// One vowel of the alphabet and where its forms live.
struct Vowel {
    lower: char,
    upper: char,
    /// Byte of the untoned lowercase letter on the lower page; `None` when it is plain ASCII.
    bare_lower: Option<u8>,
    /// Byte of the untoned capital on the upper page; `None` when it is plain ASCII.
    bare_upper: Option<u8>,
    /// Bytes of the toned letter (huyền, hỏi, ngã, sắc, nặng); the same byte holds the
    /// lowercase letter on the lower page and the capital on the upper page.
    toned: [u8; 5],
}

const fn vowel(
    lower: char,
    upper: char,
    bare_lower: Option<u8>,
    bare_upper: Option<u8>,
    toned: [u8; 5],
) -> Vowel {
    Vowel {
        lower,
        upper,
        bare_lower,
        bare_upper,
        toned,
    }
}

#[rustfmt::skip]
const VOWELS: [Vowel; 12] = [
    //     base      bare lower  bare upper    huyền hỏi   ngã   sắc   nặng
    vowel('a', 'A', None,       None,       [0xB5, 0xB6, 0xB7, 0xB8, 0xB9]),
    vowel('ă', 'Ă', Some(0xA8), Some(0xA1), [0xBB, 0xBC, 0xBD, 0xBE, 0xC6]),
    vowel('â', 'Â', Some(0xA9), Some(0xA2), [0xC7, 0xC8, 0xC9, 0xCA, 0xCB]),
    vowel('e', 'E', None,       None,       [0xCC, 0xCE, 0xCF, 0xD0, 0xD1]),
    vowel('ê', 'Ê', Some(0xAA), Some(0xAA), [0xD2, 0xD3, 0xD4, 0xD5, 0xD6]),
    vowel('i', 'I', None,       None,       [0xD7, 0xD8, 0xDC, 0xDD, 0xDE]),
    vowel('o', 'O', None,       None,       [0xDF, 0xE1, 0xE2, 0xE3, 0xE4]),
    vowel('ô', 'Ô', Some(0xAB), Some(0xAB), [0xE5, 0xE6, 0xE7, 0xE8, 0xE9]),
    vowel('ơ', 'Ơ', Some(0xAC), Some(0xAC), [0xEA, 0xEB, 0xEC, 0xED, 0xEE]),
    vowel('u', 'U', None,       None,       [0xEF, 0xF1, 0xF2, 0xF3, 0xF4]),
    vowel('ư', 'Ư', Some(0xAD), Some(0xAD), [0xF5, 0xF6, 0xF7, 0xF8, 0xF9]),
    vowel('y', 'Y', None,       None,       [0xFA, 0xFB, 0xFC, 0xFD, 0xFE]),
];

/// đ on the lower page; Đ (U+0110, not Ð U+00D0) on the upper page.
const D_STROKE_LOWER: (char, u8) = ('đ', 0xAE);
const D_STROKE_UPPER: (char, u8) = ('Đ', 0xA7);

/// Characters the pages lack, replaced by the nearest ASCII so a receipt never shows `?`
/// for ordinary punctuation pasted from a word processor.
const ASCII_FALLBACKS: &[(char, &str)] = &[
    ('\u{2013}', "-"),   // en dash
    ('\u{2014}', "-"),   // em dash
    ('\u{2010}', "-"),   // hyphen
    ('\u{2011}', "-"),   // non-breaking hyphen
    ('\u{2212}', "-"),   // minus sign
    ('\u{201C}', "\""),  // left double quotation mark
    ('\u{201D}', "\""),  // right double quotation mark
    ('\u{00AB}', "\""),  // «
    ('\u{00BB}', "\""),  // »
    ('\u{2018}', "'"),   // left single quotation mark
    ('\u{2019}', "'"),   // right single quotation mark
    ('\u{2026}', "..."), // horizontal ellipsis
    ('\u{20AB}', "d"),   // đồng sign
    ('\u{00A0}', " "),   // no-break space
    ('\u{202F}', " "),   // narrow no-break space
    ('\u{2007}', " "),   // figure space
    ('\u{2009}', " "),   // thin space
    ('\u{2022}', "*"),   // bullet
    ('\u{00D7}', "x"),   // multiplication sign
];

/// Invisible characters that carry no meaning on paper.
const INVISIBLE: &[char] = &[
    '\u{00AD}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}',
];

/// Where a character can be printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// ASCII, present on both pages, so it never forces a page switch.
    Both(u8),
    /// A byte of the lowercase page.
    Lower(u8),
    /// A byte of the capitals page.
    Upper(u8),
}

fn letter_table() -> &'static HashMap<char, Slot> {
    static TABLE: OnceLock<HashMap<char, Slot>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = HashMap::new();
        for v in &VOWELS {
            if let Some(b) = v.bare_lower {
                table.insert(v.lower, Slot::Lower(b));
            }
            if let Some(b) = v.bare_upper {
                table.insert(v.upper, Slot::Upper(b));
            }
            for (mark, &byte) in TONE_MARKS.iter().zip(&v.toned) {
                table.insert(compose(v.lower, *mark), Slot::Lower(byte));
                table.insert(compose(v.upper, *mark), Slot::Upper(byte));
            }
        }
        table.insert(D_STROKE_LOWER.0, Slot::Lower(D_STROKE_LOWER.1));
        table.insert(D_STROKE_UPPER.0, Slot::Upper(D_STROKE_UPPER.1));
        table
    })
}

/// Base letter + combining tone mark as one precomposed character.
fn compose(base: char, mark: char) -> char {
    let mut composed = [base, mark].into_iter().nfc();
    match (composed.next(), composed.next()) {
        (Some(c), None) => c,
        // Every Vietnamese letter has a precomposed form; reaching this is a table typo.
        _ => unreachable!("{base}{mark} does not compose"),
    }
}

/// The slot of one (NFC) character, if TCVN-3 has it.
pub fn slot(c: char) -> Option<Slot> {
    if (' '..='~').contains(&c) {
        return Some(Slot::Both(c as u8));
    }
    letter_table().get(&c).copied()
}

/// Stateful encoder: remembers which page the printer is on so `ESC t` is sent only when a
/// letter needs the other one (in practice, when the case changes).
#[derive(Debug, Clone)]
pub struct Tcvn3Writer {
    lower_page: u8,
    upper_page: u8,
    current: Option<u8>,
    unencodable: usize,
    page_switches: usize,
}

impl Tcvn3Writer {
    /// A writer for the given `ESC t` numbers; the printer's page is assumed unknown.
    pub fn new(lower_page: u8, upper_page: u8) -> Tcvn3Writer {
        Tcvn3Writer {
            lower_page,
            upper_page,
            current: None,
            unencodable: 0,
            page_switches: 0,
        }
    }

    /// Forget the selected page; call after `ESC @`, which puts the printer back on page 0.
    pub fn reset(&mut self) {
        self.current = None;
    }

    /// The page the printer is on as far as this writer knows.
    pub fn current_page(&self) -> Option<u8> {
        self.current
    }

    /// Characters replaced by `?` so far.
    pub fn unencodable(&self) -> usize {
        self.unencodable
    }

    /// `ESC t` commands emitted so far.
    pub fn page_switches(&self) -> usize {
        self.page_switches
    }

    /// Appends `text` (one line, any normalisation) to `out` as TCVN-3, with page switches.
    pub fn write(&mut self, text: &str, out: &mut Vec<u8>) {
        for c in text.nfc() {
            if let Some(s) = slot(c) {
                self.put(s, out);
            } else if let Some((_, ascii)) = ASCII_FALLBACKS.iter().find(|(from, _)| *from == c) {
                out.extend_from_slice(ascii.as_bytes());
            } else if matches!(c, '\t' | '\n' | '\r') {
                // A tab or stray newline inside a label means "some space", never a command.
                out.push(b' ');
            } else if c.is_control() || INVISIBLE.contains(&c) {
                // Control bytes inside text would be taken as commands by the printer.
            } else {
                self.unencodable += 1;
                log::debug!("TCVN-3 has no {c:?} (U+{:04X}); printing '?'", c as u32);
                out.push(b'?');
            }
        }
    }

    /// Encodes `text` into a fresh buffer (continuing this writer's page state).
    pub fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() + 6);
        self.write(text, &mut out);
        out
    }

    fn put(&mut self, s: Slot, out: &mut Vec<u8>) {
        let (page, byte) = match s {
            Slot::Both(b) => (None, b),
            Slot::Lower(b) => (Some(self.lower_page), b),
            Slot::Upper(b) => (Some(self.upper_page), b),
        };
        if let Some(page) = page {
            if self.current != Some(page) {
                out.extend_from_slice(&SELECT_PAGE);
                out.push(page);
                self.current = Some(page);
                self.page_switches += 1;
            }
        }
        out.push(byte);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epson() -> Tcvn3Writer {
        Tcvn3Writer::new(30, 31)
    }

    #[test]
    fn table_has_every_letter_once() {
        // 12 vowels × 5 tones × 2 cases + 6 bare ă â ê ô ơ ư × 2 + đ Đ.
        assert_eq!(letter_table().len(), 12 * 5 * 2 + 6 * 2 + 2);
        let mut lower: Vec<u8> = Vec::new();
        let mut upper: Vec<u8> = Vec::new();
        for s in letter_table().values() {
            match *s {
                Slot::Lower(b) => lower.push(b),
                Slot::Upper(b) => upper.push(b),
                Slot::Both(_) => panic!("letters are never on both pages"),
            }
        }
        for page in [&mut lower, &mut upper] {
            let n = page.len();
            page.sort();
            page.dedup();
            assert_eq!(page.len(), n, "two letters share a byte");
            assert!(page.iter().all(|&b| b >= 0xA0));
        }
    }

    #[test]
    fn known_bytes() {
        let mut w = epson();
        assert_eq!(w.encode("ư"), [0x1B, b't', 30, 0xAD]);
        assert_eq!(w.encode("Đ"), [0x1B, b't', 31, 0xA7]);
        assert_eq!(w.encode("Ă"), [0xA1]);
        assert_eq!(w.encode("Ỵ"), [0xFE]);
        assert_eq!(w.encode("ặ"), [0x1B, b't', 30, 0xC6]);
        assert_eq!(w.encode("ĩ"), [0xDC]);
    }

    #[test]
    fn nfd_input_is_composed_first() {
        let mut a = epson();
        let mut b = epson();
        assert_eq!(a.encode("Thu\u{031B}\u{0309}"), b.encode("Thử"));
        assert_eq!(a.unencodable(), 0);
    }

    #[test]
    fn ascii_never_switches() {
        let mut w = epson();
        assert_eq!(w.encode("A012 - 08:15"), b"A012 - 08:15");
        assert_eq!(w.page_switches(), 0);
        assert_eq!(w.current_page(), None);
    }

    #[test]
    fn typographic_fallbacks_and_unknowns() {
        let mut w = epson();
        let out = w.encode("“Lệ phí” – 50.000₫…\u{00A0}• 2×3\tß€");
        let text: String = out.iter().map(|&b| b as char).collect();
        assert!(text.ends_with("\" - 50.000d... * 2x3 ??"), "{text:?}");
        assert_eq!(w.unencodable(), 2);
    }

    #[test]
    fn controls_are_dropped() {
        let mut w = epson();
        assert_eq!(
            w.encode("a\u{1B}@b\u{0}c\u{7F}d\u{9B}e\u{200B}f"),
            b"a@bcdef"
        );
        assert_eq!(w.encode("a\nb"), b"a b");
    }

    #[test]
    fn reset_forgets_page() {
        let mut w = epson();
        w.encode("ă");
        w.reset();
        assert_eq!(w.encode("ă"), [0x1B, b't', 30, 0xA8]);
    }
}
