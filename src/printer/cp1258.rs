//! Unicode → Windows-1258 (CP1258), the Vietnamese Windows code page many Chinese printers
//! carry (`ESC t` 52 on Epson, 94 or 27 on Netum/Zjiang, 35 on Rongta, 32 on YHD).
//!
//! CP1258 holds only some Vietnamese letters precomposed (à á â ă è é ê í ó ô ơ ù ú ư đ and
//! their capitals); every other toned letter is written as a letter of the page followed by
//! one of the five combining tone marks (CC EC DE D2 F2 for U+0300 U+0301 U+0303 U+0309
//! U+0323). Note that Ã Ì Ò Õ Ý (and lowercase) are NOT in the page: their Latin-1 positions
//! hold Ă, the grave mark, the hook mark, Ơ and Ư.
//!
//! The table below is the Windows-1258 definition (Microsoft bestfit1258 / Unicode mapping
//! file) as (byte, code point) pairs; the decoder has its own 128-character string table,
//! typed separately.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

/// `ESC t n`: select character code table.
const SELECT_PAGE: [u8; 2] = [0x1B, b't'];

/// Windows-1258, bytes 0x80–0xFF; bytes not listed (81 8A 8D 8E 8F 90 9A 9D 9E) are undefined.
#[rustfmt::skip]
const WINDOWS_1258: &[(u8, u32)] = &[
    (0x80, 0x20AC), (0x82, 0x201A), (0x83, 0x0192), (0x84, 0x201E), (0x85, 0x2026),
    (0x86, 0x2020), (0x87, 0x2021), (0x88, 0x02C6), (0x89, 0x2030), (0x8B, 0x2039),
    (0x8C, 0x0152),
    (0x91, 0x2018), (0x92, 0x2019), (0x93, 0x201C), (0x94, 0x201D), (0x95, 0x2022),
    (0x96, 0x2013), (0x97, 0x2014), (0x98, 0x02DC), (0x99, 0x2122), (0x9B, 0x203A),
    (0x9C, 0x0153), (0x9F, 0x0178),
    // 0xA0–0xBF: as ISO 8859-1.
    (0xA0, 0x00A0), (0xA1, 0x00A1), (0xA2, 0x00A2), (0xA3, 0x00A3), (0xA4, 0x00A4),
    (0xA5, 0x00A5), (0xA6, 0x00A6), (0xA7, 0x00A7), (0xA8, 0x00A8), (0xA9, 0x00A9),
    (0xAA, 0x00AA), (0xAB, 0x00AB), (0xAC, 0x00AC), (0xAD, 0x00AD), (0xAE, 0x00AE),
    (0xAF, 0x00AF), (0xB0, 0x00B0), (0xB1, 0x00B1), (0xB2, 0x00B2), (0xB3, 0x00B3),
    (0xB4, 0x00B4), (0xB5, 0x00B5), (0xB6, 0x00B6), (0xB7, 0x00B7), (0xB8, 0x00B8),
    (0xB9, 0x00B9), (0xBA, 0x00BA), (0xBB, 0x00BB), (0xBC, 0x00BC), (0xBD, 0x00BD),
    (0xBE, 0x00BE), (0xBF, 0x00BF),
    // 0xC0–0xFF: Latin-1 except C3 Ă, CC U+0300, D0 Đ, D2 U+0309, D5 Ơ, DD Ư, DE U+0303,
    // E3 ă, EC U+0301, F0 đ, F2 U+0323, F5 ơ, FD ư, FE ₫.
    (0xC0, 0x00C0), (0xC1, 0x00C1), (0xC2, 0x00C2), (0xC3, 0x0102), (0xC4, 0x00C4),
    (0xC5, 0x00C5), (0xC6, 0x00C6), (0xC7, 0x00C7), (0xC8, 0x00C8), (0xC9, 0x00C9),
    (0xCA, 0x00CA), (0xCB, 0x00CB), (0xCC, 0x0300), (0xCD, 0x00CD), (0xCE, 0x00CE),
    (0xCF, 0x00CF), (0xD0, 0x0110), (0xD1, 0x00D1), (0xD2, 0x0309), (0xD3, 0x00D3),
    (0xD4, 0x00D4), (0xD5, 0x01A0), (0xD6, 0x00D6), (0xD7, 0x00D7), (0xD8, 0x00D8),
    (0xD9, 0x00D9), (0xDA, 0x00DA), (0xDB, 0x00DB), (0xDC, 0x00DC), (0xDD, 0x01AF),
    (0xDE, 0x0303), (0xDF, 0x00DF), (0xE0, 0x00E0), (0xE1, 0x00E1), (0xE2, 0x00E2),
    (0xE3, 0x0103), (0xE4, 0x00E4), (0xE5, 0x00E5), (0xE6, 0x00E6), (0xE7, 0x00E7),
    (0xE8, 0x00E8), (0xE9, 0x00E9), (0xEA, 0x00EA), (0xEB, 0x00EB), (0xEC, 0x0301),
    (0xED, 0x00ED), (0xEE, 0x00EE), (0xEF, 0x00EF), (0xF0, 0x0111), (0xF1, 0x00F1),
    (0xF2, 0x0323), (0xF3, 0x00F3), (0xF4, 0x00F4), (0xF5, 0x01A1), (0xF6, 0x00F6),
    (0xF7, 0x00F7), (0xF8, 0x00F8), (0xF9, 0x00F9), (0xFA, 0x00FA), (0xFB, 0x00FB),
    (0xFC, 0x00FC), (0xFD, 0x01B0), (0xFE, 0x20AB), (0xFF, 0x00FF),
];

/// The five tone marks; written after the (possibly precomposed) letter they belong to.
const TONE_MARKS: [char; 5] = ['\u{0300}', '\u{0301}', '\u{0303}', '\u{0309}', '\u{0323}'];

/// Characters of the table we deliberately do not send: a no-break space prints as a plain
/// space (some firmware prints A0 as a glyph), a soft hyphen is dropped.
const NOT_SENT: &[u32] = &[0x00A0, 0x00AD];

/// Characters CP1258 lacks, replaced by the nearest ASCII (as the TCVN-3 writer does).
const ASCII_FALLBACKS: &[(char, &str)] = &[
    ('\u{2010}', "-"), // hyphen
    ('\u{2011}', "-"), // non-breaking hyphen
    ('\u{2212}', "-"), // minus sign
    ('\u{00A0}', " "), // no-break space
    ('\u{202F}', " "), // narrow no-break space
    ('\u{2007}', " "), // figure space
    ('\u{2009}', " "), // thin space
];

/// Invisible characters that carry no meaning on paper.
const INVISIBLE: &[char] = &[
    '\u{00AD}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}',
];

fn table() -> &'static HashMap<char, u8> {
    static TABLE: OnceLock<HashMap<char, u8>> = OnceLock::new();
    TABLE.get_or_init(|| {
        WINDOWS_1258
            .iter()
            .filter(|(_, cp)| !NOT_SENT.contains(cp))
            .filter_map(|&(b, cp)| char::from_u32(cp).map(|c| (c, b)))
            .collect()
    })
}

/// The CP1258 bytes of one NFC character, if the page can show it (precomposed, or a page
/// letter plus tone mark bytes).
pub fn bytes_of(c: char) -> Option<Vec<u8>> {
    if (' '..='~').contains(&c) {
        return Some(vec![c as u8]);
    }
    if TONE_MARKS.contains(&c) {
        // A lone tone mark is printable as such.
        return table().get(&c).map(|&b| vec![b]);
    }
    if let Some(&b) = table().get(&c) {
        return Some(vec![b]);
    }
    // Split off the tone marks and compose the rest (a, ă, â, ơ …) into one page letter.
    let nfd: Vec<char> = c.nfd().collect();
    if nfd.len() < 2 {
        return None;
    }
    let (tones, rest): (Vec<char>, Vec<char>) = nfd.iter().partition(|m| TONE_MARKS.contains(m));
    if tones.is_empty() {
        return None;
    }
    let base: Vec<char> = rest.into_iter().nfc().collect();
    let [base] = base[..] else {
        return None;
    };
    let mut out = if base.is_ascii_alphabetic() {
        vec![base as u8]
    } else {
        vec![*table().get(&base)?]
    };
    for t in tones {
        out.push(*table().get(&t)?);
    }
    Some(out)
}

/// Stateful encoder: selects the CP1258 page once (after each `ESC @`) and then writes text.
#[derive(Debug, Clone)]
pub struct Cp1258Writer {
    page: u8,
    selected: bool,
    unencodable: usize,
}

impl Cp1258Writer {
    /// A writer for the printer's `ESC t` number of CP1258.
    pub fn new(page: u8) -> Cp1258Writer {
        Cp1258Writer {
            page,
            selected: false,
            unencodable: 0,
        }
    }

    /// Forget the selected page; call after `ESC @`.
    pub fn reset(&mut self) {
        self.selected = false;
    }

    /// Characters replaced by `?` so far.
    pub fn unencodable(&self) -> usize {
        self.unencodable
    }

    /// `ESC t page` unless already sent since the last reset.
    pub fn select(&mut self, out: &mut Vec<u8>) {
        if !self.selected {
            out.extend_from_slice(&SELECT_PAGE);
            out.push(self.page);
            self.selected = true;
        }
    }

    /// Appends `text` (one line, any normalisation) to `out` as CP1258.
    pub fn write(&mut self, text: &str, out: &mut Vec<u8>) {
        for c in text.nfc() {
            if let Some((_, ascii)) = ASCII_FALLBACKS.iter().find(|(from, _)| *from == c) {
                out.extend_from_slice(ascii.as_bytes());
            } else if let Some(bytes) = bytes_of(c) {
                if bytes.iter().any(|&b| b >= 0x80) {
                    self.select(out);
                }
                out.extend_from_slice(&bytes);
            } else if matches!(c, '\t' | '\n' | '\r') {
                out.push(b' ');
            } else if c.is_control() || INVISIBLE.contains(&c) {
                // Control bytes inside text would be taken as commands by the printer.
            } else {
                self.unencodable += 1;
                log::debug!("CP1258 has no {c:?} (U+{:04X}); printing '?'", c as u32);
                out.push(b'?');
            }
        }
    }

    /// Encodes `text` into a fresh buffer (continuing this writer's state).
    pub fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() + 8);
        self.write(text, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_a_bijection_over_the_high_half() {
        assert_eq!(WINDOWS_1258.len(), 128 - 9);
        let mut bytes: Vec<u8> = WINDOWS_1258.iter().map(|p| p.0).collect();
        bytes.dedup();
        assert_eq!(bytes.len(), WINDOWS_1258.len());
        assert!(bytes.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn known_bytes() {
        let mut w = Cp1258Writer::new(52);
        assert_eq!(w.encode("á"), [0x1B, b't', 52, 0xE1]);
        assert_eq!(w.encode("ặ"), [0xE3, 0xF2]);
        assert_eq!(w.encode("Ở"), [0xD5, 0xD2]);
        assert_eq!(w.encode("ỹ"), [b'y', 0xDE]);
        assert_eq!(w.encode("Ã"), [b'A', 0xDE]);
        assert_eq!(w.encode("ì"), [b'i', 0xCC]);
        assert_eq!(w.encode("Đ"), [0xD0]);
        assert_eq!(w.encode("ự"), [0xFD, 0xF2]);
        assert_eq!(w.encode("ế"), [0xEA, 0xEC]);
        assert_eq!(w.encode("₫"), [0xFE]);
        assert_eq!(w.encode("a\u{A0}b"), b"a b");
    }

    #[test]
    fn page_selected_once_until_reset() {
        let mut w = Cp1258Writer::new(94);
        assert_eq!(w.encode("abc"), b"abc");
        assert_eq!(w.encode("ươ"), [0x1B, b't', 94, 0xFD, 0xF5]);
        assert_eq!(w.encode("Ư"), [0xDD]);
        w.reset();
        assert_eq!(w.encode("đ"), [0x1B, b't', 94, 0xF0]);
    }

    #[test]
    fn controls_are_dropped_unknowns_are_marked() {
        let mut w = Cp1258Writer::new(52);
        assert_eq!(w.encode("a\u{1B}@b\u{0}c\u{9B}d\u{200B}e"), b"a@bcde");
        assert_eq!(w.encode("中"), b"?");
        assert_eq!(w.unencodable(), 1);
    }
}
