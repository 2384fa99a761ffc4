//! The installer's calibration page: the whole Vietnamese alphabet in every candidate text
//! mode of a profile, each section labelled in ASCII (which prints right in any mode), so the
//! installer can see which mode this printer renders correctly.

use unicode_normalization::UnicodeNormalization;

use super::escpos::{Align, EscPos};
use super::profile::{Profile, TextMode};

/// The twelve vowels (base forms) and the five tones, in dictionary order.
const VOWELS: [char; 12] = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y'];
const TONES: [char; 5] = ['\u{300}', '\u{309}', '\u{303}', '\u{301}', '\u{323}'];

/// Printed after the alphabet in each mode.
pub const SAMPLE_SENTENCE: &str = "Thủ tục hành chính một cửa: Ủy ban nhân dân xã Tân Tiến, \
phường Đống Đa. Số thứ tự của bạn; vui lòng chờ gọi số.";

/// Extra feed after the cutter position, in dots.
const CUT_EXTRA_DOTS: u8 = 16;
const TEAR_OFF_FEED_LINES: u8 = 4;

/// Every Vietnamese letter with a diacritic, NFC: per vowel the lowercase forms (bare ă â ê ô
/// ơ ư, then the five tones) followed by the capitals; then đ Đ. 134 letters.
pub fn vietnamese_alphabet() -> Vec<char> {
    alphabet_rows().into_iter().flatten().collect()
}

/// The alphabet as the calibration page prints it: one row per vowel (lower then upper case),
/// then đ Đ.
fn alphabet_rows() -> Vec<Vec<char>> {
    let mut rows = Vec::new();
    for v in VOWELS {
        let mut row = Vec::new();
        for upper in [false, true] {
            let base = if upper {
                v.to_uppercase().next().unwrap_or(v)
            } else {
                v
            };
            if !base.is_ascii() {
                row.push(base);
            }
            for t in TONES {
                let s: String = [base, t].iter().collect::<String>().nfc().collect();
                let mut cs = s.chars();
                match (cs.next(), cs.next()) {
                    (Some(c), None) => row.push(c),
                    _ => unreachable!("{base}{t} has no precomposed form"),
                }
            }
        }
        rows.push(row);
    }
    rows.push(vec!['đ', 'Đ']);
    rows
}

/// The ASCII label of section `index` (1-based).
pub fn section_label(index: usize, mode: &TextMode) -> String {
    format!("MODE {index}: {}", mode.label())
}

/// The text lines of one section after its label: the alphabet rows (letters separated by
/// spaces; a row too long for the paper is split in half) and the sample sentence, wrapped.
pub fn section_lines(columns: usize) -> Vec<String> {
    let mut out = Vec::new();
    for row in alphabet_rows() {
        let joined = |cs: &[char]| {
            cs.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let full = joined(&row);
        if full.chars().count() <= columns {
            out.push(full);
        } else {
            let (a, b) = row.split_at(row.len() / 2);
            out.push(joined(a));
            out.push(joined(b));
        }
    }
    out.extend(super::receipt::wrap(SAMPLE_SENTENCE, columns));
    out
}

/// The calibration job for `profile`: one labelled section per candidate mode, then a cut.
/// Each section starts with `ESC @` and `FS .`, as a real job in that mode would.
pub fn calibration_bytes(profile: &Profile) -> Vec<u8> {
    let columns = usize::from(profile.columns().max(1));
    let mut out = Vec::new();
    let modes: Vec<TextMode> = if profile.modes.is_empty() {
        vec![profile.text_mode]
    } else {
        profile.modes.clone()
    };
    for (i, mode) in modes.iter().enumerate() {
        let mut p = EscPos::with_paper(mode, profile.dots);
        p.init().cancel_kanji();
        if i == 0 {
            p.align(Align::Center).bold(true);
            p.line("MOTCUA PRINTER CALIBRATION");
            p.bold(false);
            p.line(&format!("profile {}", profile.name));
            p.line("Choose the mode whose letters");
            p.line("all print correctly.");
            p.lf();
        }
        p.align(Align::Left).bold(true);
        p.line(&section_label(i + 1, mode));
        p.bold(false);
        for line in section_lines(columns) {
            p.line(&line);
        }
        p.lf();
        if i + 1 == modes.len() {
            if profile.cutter {
                p.cut(CUT_EXTRA_DOTS);
            } else {
                p.feed(TEAR_OFF_FEED_LINES);
            }
        }
        out.extend(p.into_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphabet_has_134_distinct_nfc_letters() {
        let mut a = vietnamese_alphabet();
        assert_eq!(a.len(), 134);
        assert!(a.iter().all(|c| !c.is_ascii()));
        a.sort();
        a.dedup();
        assert_eq!(a.len(), 134);
    }

    #[test]
    fn rows_fit_58mm() {
        for line in section_lines(32) {
            assert!(line.chars().count() <= 32, "{line}");
        }
    }
}
