//! Spoken call announcements for the lobby board, as a sequence of pre-recorded clips.
//!
//! The board plays [`CHIME`], then the clips of [`announcement`] one after another:
//! "Mời công dân có số thứ tự A mười hai đến quầy số hai". Each clip is a file
//! `assets/voice/<name>.wav`; [`CLIPS`] lists every clip with the Vietnamese it says, and
//! `assets/voice/generate.sh` reads that list from this file to make the recordings.
//!
//! | clip | says | used for |
//! | --- | --- | --- |
//! | `khong` `mot` `hai` `ba` `bon` `nam` `sau` `bay` `tam` `chin` | không một hai ba bốn năm sáu bảy tám chín | the digits 0–9 |
//! | `muoi` | mười | ten, and the tens digit 1 |
//! | `muoi2` | mươi | the tens from 20 ("hai mươi") |
//! | `mot2` | mốt | units 1 after mươi ("hai mươi mốt") |
//! | `tu` | tư | units 4 after mươi ("hai mươi tư") |
//! | `lam` | lăm | units 5 after mười or mươi ("mười lăm") |
//! | `linh` | linh | a zero tens digit ("một trăm linh một") |
//! | `tram` `nghin` `trieu` `ty` | trăm nghìn triệu tỷ | hundred, thousand, million, billion |
//! | `moi_cong_dan` | Mời công dân có số thứ tự | opens the announcement |
//! | `den_quay_so` | đến quầy số | before the counter number |
//! | `letter_a` … `letter_z`, `letter_dd` | a, bê, xê, … dét; đê | the letters, see [`letter_clip`] |
//!
//! Numbers are read in the northern style used by the voice ("nghìn", "linh"). See
//! [`number_words`] for the rules.

/// The clip the board plays before every announcement (a two-tone chime, no speech).
pub const CHIME: &str = "chime";

/// Every speech clip: its file name (without `.wav`) and the Vietnamese it says, in NFC.
///
/// Keep one entry per line, written `("name", "text"),`: the generator script reads them so.
pub const CLIPS: &[(&str, &str)] = &[
    ("khong", "không"),
    ("mot", "một"),
    ("hai", "hai"),
    ("ba", "ba"),
    ("bon", "bốn"),
    ("nam", "năm"),
    ("sau", "sáu"),
    ("bay", "bảy"),
    ("tam", "tám"),
    ("chin", "chín"),
    ("muoi", "mười"),
    ("muoi2", "mươi"),
    ("mot2", "mốt"),
    ("tu", "tư"),
    ("lam", "lăm"),
    ("linh", "linh"),
    ("tram", "trăm"),
    ("nghin", "nghìn"),
    ("trieu", "triệu"),
    ("ty", "tỷ"),
    ("letter_a", "a"),
    ("letter_b", "bê"),
    ("letter_c", "xê"),
    ("letter_d", "dê"),
    ("letter_dd", "đê"),
    ("letter_e", "e"),
    ("letter_f", "ép"),
    ("letter_g", "giê"),
    ("letter_h", "hát"),
    ("letter_i", "i"),
    ("letter_j", "gi"),
    ("letter_k", "ca"),
    ("letter_l", "e lờ"),
    ("letter_m", "em mờ"),
    ("letter_n", "en nờ"),
    ("letter_o", "o"),
    ("letter_p", "pê"),
    ("letter_q", "quy"),
    ("letter_r", "e rờ"),
    ("letter_s", "ét xì"),
    ("letter_t", "tê"),
    ("letter_u", "u"),
    ("letter_v", "vê"),
    ("letter_w", "vê kép"),
    ("letter_x", "ích xì"),
    ("letter_y", "i dài"),
    ("letter_z", "dét"),
    ("moi_cong_dan", "Mời công dân có số thứ tự"),
    ("den_quay_so", "đến quầy số"),
];

/// Clips of the digits 0–9 read on their own.
const DIGITS: [&str; 10] = [
    "khong", "mot", "hai", "ba", "bon", "nam", "sau", "bay", "tam", "chin",
];

/// Scale words for groups of three digits, from the units group up.
const SCALES: [Option<&str>; 4] = [None, Some("nghin"), Some("trieu"), Some("ty")];

/// The clips that read `n` in Vietnamese.
///
/// Every `u32` is read in full, by groups of three digits with "nghìn", "triệu" and "tỷ"
/// (1 000 000 000 is "một tỷ", so `u32::MAX` is "bốn tỷ hai trăm chín mươi tư triệu …"):
/// - 0 is "không"; 1–9 are the digits.
/// - Tens: 10 "mười", 11 "mười một", 15 "mười lăm"; from 20, "hai mươi", with the units
///   1 read "mốt", 4 "tư" and 5 "lăm" ("hai mươi mốt", "hai mươi tư", "hai mươi lăm").
/// - A zero tens digit between hundreds and units is "linh": 101 "một trăm linh một".
/// - A group after a larger one reads its hundreds even when zero:
///   1005 "một nghìn không trăm linh năm", 1010 "một nghìn không trăm mười".
/// - A group that is all zeros is left out: 2000 "hai nghìn",
///   1 000 005 "một triệu không trăm linh năm".
pub fn number_words(n: u32) -> Vec<&'static str> {
    if n == 0 {
        return vec!["khong"];
    }
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    let mut words = Vec::new();
    for (scale, &group) in groups.iter().enumerate().rev() {
        if group == 0 {
            continue;
        }
        let leading = scale == groups.len() - 1;
        read_group(group, !leading, &mut words);
        if let Some(word) = SCALES[scale] {
            words.push(word);
        }
    }
    words
}

/// Reads one group of three digits (1..=999). `full` reads a zero hundreds digit too, as a
/// group following a larger one does.
fn read_group(group: u32, full: bool, words: &mut Vec<&'static str>) {
    let (hundreds, tens, units) = (group / 100, group / 10 % 10, group % 10);
    if hundreds > 0 || full {
        words.extend([DIGITS[hundreds as usize], "tram"]);
    }
    let after_hundreds = hundreds > 0 || full;
    match tens {
        0 => {
            if units > 0 {
                if after_hundreds {
                    words.push("linh");
                }
                words.push(DIGITS[units as usize]);
            }
        }
        1 => {
            words.push("muoi");
            match units {
                0 => {}
                5 => words.push("lam"),
                u => words.push(DIGITS[u as usize]),
            }
        }
        t => {
            words.extend([DIGITS[t as usize], "muoi2"]);
            match units {
                0 => {}
                1 => words.push("mot2"),
                4 => words.push("tu"),
                5 => words.push("lam"),
                u => words.push(DIGITS[u as usize]),
            }
        }
    }
}

/// The clip that names a letter the Vietnamese way: A–Z and Đ, in either case
/// ('a' and 'A' are both "a"). Other characters, including other Vietnamese letters
/// such as Ă or Ơ, have none. The clip `letter_<x>` says:
///
/// | A | B | C | D | Đ | E | F | G | H | I | J | K | L | M |
/// | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
/// | a | bê | xê | dê | đê | e | ép | giê | hát | i | gi | ca | e lờ | em mờ |
///
/// | N | O | P | Q | R | S | T | U | V | W | X | Y | Z |
/// | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
/// | en nờ | o | pê | quy | e rờ | ét xì | tê | u | vê | vê kép | ích xì | i dài | dét |
///
/// Đ's clip is `letter_dd`.
pub fn letter_clip(c: char) -> Option<&'static str> {
    Some(match c.to_ascii_uppercase() {
        'A' => "letter_a",
        'B' => "letter_b",
        'C' => "letter_c",
        'D' => "letter_d",
        'Đ' | 'đ' => "letter_dd",
        'E' => "letter_e",
        'F' => "letter_f",
        'G' => "letter_g",
        'H' => "letter_h",
        'I' => "letter_i",
        'J' => "letter_j",
        'K' => "letter_k",
        'L' => "letter_l",
        'M' => "letter_m",
        'N' => "letter_n",
        'O' => "letter_o",
        'P' => "letter_p",
        'Q' => "letter_q",
        'R' => "letter_r",
        'S' => "letter_s",
        'T' => "letter_t",
        'U' => "letter_u",
        'V' => "letter_v",
        'W' => "letter_w",
        'X' => "letter_x",
        'Y' => "letter_y",
        'Z' => "letter_z",
        _ => return None,
    })
}

/// The clips announcing that `ticket` is called to `counter`, without the chime:
/// "Mời công dân có số thứ tự A mười hai đến quầy số hai" for ("A012", 2).
///
/// The ticket is read left to right: each letter by [`letter_clip`], each run of digits as
/// one number with its leading zeros dropped ("012" is "mười hai", "000" is "không").
/// A run of digits too long for a `u32` is read digit by digit. Any other character
/// (spaces, dashes, letters without a clip) is skipped.
pub fn announcement(ticket: &str, counter: u32) -> Vec<&'static str> {
    let mut clips = vec!["moi_cong_dan"];
    clips.extend(label_words(ticket));
    clips.push("den_quay_so");
    clips.extend(number_words(counter));
    clips
}

/// The clips that read a ticket label such as "A012" ("a mười hai"), as [`announcement`]
/// reads it.
pub fn label_words(label: &str) -> Vec<&'static str> {
    let mut clips = Vec::new();
    let mut digits = String::new();
    for c in label.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if !digits.is_empty() {
            read_digits(&digits, &mut clips);
            digits.clear();
        }
        clips.extend(letter_clip(c));
    }
    clips
}

/// The clips that read any `u64`: as [`number_words`] up to `u32::MAX`, digit by digit above.
pub fn number_words_u64(n: u64) -> Vec<&'static str> {
    let mut clips = Vec::new();
    read_digits(&n.to_string(), &mut clips);
    clips
}

/// Reads a run of ASCII digits as a number, or digit by digit when it overflows a `u32`.
fn read_digits(digits: &str, clips: &mut Vec<&'static str>) {
    match digits.parse::<u32>() {
        Ok(n) => clips.extend(number_words(n)),
        Err(_) => clips.extend(digits.bytes().map(|b| DIGITS[usize::from(b - b'0')])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use unicode_normalization::is_nfc;

    /// The Vietnamese text of a clip sequence, for readable assertions.
    fn say(clips: &[&str]) -> String {
        clips
            .iter()
            .map(|name| {
                CLIPS
                    .iter()
                    .find(|(n, _)| n == name)
                    .unwrap_or_else(|| panic!("clip {name} is not in CLIPS"))
                    .1
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn read(n: u32) -> String {
        say(&number_words(n))
    }

    #[test]
    fn reads_small_numbers() {
        assert_eq!(read(0), "không");
        assert_eq!(read(1), "một");
        assert_eq!(read(4), "bốn");
        assert_eq!(read(5), "năm");
        assert_eq!(read(9), "chín");
        assert_eq!(read(10), "mười");
        assert_eq!(read(11), "mười một");
        assert_eq!(read(14), "mười bốn");
        assert_eq!(read(15), "mười lăm");
        assert_eq!(read(20), "hai mươi");
        assert_eq!(read(21), "hai mươi mốt");
        assert_eq!(read(24), "hai mươi tư");
        assert_eq!(read(25), "hai mươi lăm");
        assert_eq!(read(99), "chín mươi chín");
    }

    #[test]
    fn reads_hundreds_with_linh() {
        assert_eq!(read(100), "một trăm");
        assert_eq!(read(101), "một trăm linh một");
        assert_eq!(read(104), "một trăm linh bốn");
        assert_eq!(read(105), "một trăm linh năm");
        assert_eq!(read(110), "một trăm mười");
        assert_eq!(read(115), "một trăm mười lăm");
        assert_eq!(read(121), "một trăm hai mươi mốt");
        assert_eq!(read(999), "chín trăm chín mươi chín");
    }

    #[test]
    fn reads_thousands_with_zero_hundreds() {
        assert_eq!(read(1000), "một nghìn");
        assert_eq!(read(2000), "hai nghìn");
        assert_eq!(read(1005), "một nghìn không trăm linh năm");
        assert_eq!(read(1010), "một nghìn không trăm mười");
        assert_eq!(read(1024), "một nghìn không trăm hai mươi tư");
        assert_eq!(read(1100), "một nghìn một trăm");
        assert_eq!(read(9999), "chín nghìn chín trăm chín mươi chín");
        assert_eq!(read(21_000), "hai mươi mốt nghìn");
        assert_eq!(read(105_015), "một trăm linh năm nghìn không trăm mười lăm");
    }

    #[test]
    fn reads_millions_and_skips_empty_groups() {
        assert_eq!(read(1_000_000), "một triệu");
        assert_eq!(read(1_000_005), "một triệu không trăm linh năm");
        assert_eq!(read(2_001_000), "hai triệu không trăm linh một nghìn");
        assert_eq!(read(1_000_000_000), "một tỷ");
        assert_eq!(
            read(u32::MAX),
            "bốn tỷ hai trăm chín mươi tư triệu chín trăm sáu mươi bảy nghìn \
             hai trăm chín mươi lăm"
        );
    }

    #[test]
    fn names_letters() {
        assert_eq!(letter_clip('A'), Some("letter_a"));
        assert_eq!(letter_clip('a'), Some("letter_a"));
        assert_eq!(letter_clip('Đ'), Some("letter_dd"));
        assert_eq!(letter_clip('đ'), Some("letter_dd"));
        assert_eq!(letter_clip('Ă'), None);
        assert_eq!(letter_clip('1'), None);
        assert_eq!(letter_clip('-'), None);
        let names: String = "ABCDĐEFGHIJKLMNOPQRSTUVWXYZ"
            .chars()
            .map(|c| say(&[letter_clip(c).unwrap()]))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(
            names,
            "a,bê,xê,dê,đê,e,ép,giê,hát,i,gi,ca,e lờ,em mờ,en nờ,o,pê,quy,e rờ,ét xì,tê,u,vê,\
             vê kép,ích xì,i dài,dét"
        );
    }

    #[test]
    fn announces_a_call() {
        assert_eq!(
            announcement("A012", 2),
            [
                "moi_cong_dan",
                "letter_a",
                "muoi",
                "hai",
                "den_quay_so",
                "hai"
            ]
        );
        assert_eq!(
            say(&announcement("A012", 2)),
            "Mời công dân có số thứ tự a mười hai đến quầy số hai"
        );
        assert_eq!(
            say(&announcement("BC105", 11)),
            "Mời công dân có số thứ tự bê xê một trăm linh năm đến quầy số mười một"
        );
        assert_eq!(
            say(&announcement("Đ1000", 21)),
            "Mời công dân có số thứ tự đê một nghìn đến quầy số hai mươi mốt"
        );
    }

    #[test]
    fn announcement_drops_leading_zeros_and_skips_unknown_characters() {
        assert_eq!(
            say(&announcement("A000", 1)),
            "Mời công dân có số thứ tự a không đến quầy số một"
        );
        assert_eq!(
            say(&announcement(" a-07 ?", 3)),
            "Mời công dân có số thứ tự a bảy đến quầy số ba"
        );
        assert_eq!(
            say(&announcement("Ơ5", 4)),
            "Mời công dân có số thứ tự năm đến quầy số bốn"
        );
        assert_eq!(
            say(&announcement("", 5)),
            "Mời công dân có số thứ tự đến quầy số năm"
        );
        // Past u32, digit by digit.
        assert_eq!(
            say(&announcement("A12345678901", 1)),
            "Mời công dân có số thứ tự a một hai ba bốn năm sáu bảy tám chín không một \
             đến quầy số một"
        );
    }

    #[test]
    fn reads_labels_and_large_numbers() {
        assert_eq!(say(&label_words("A012")), "a mười hai");
        assert_eq!(say(&label_words("")), "");
        assert_eq!(number_words_u64(21), number_words(21));
        assert_eq!(
            number_words_u64(u64::from(u32::MAX)),
            number_words(u32::MAX)
        );
        assert_eq!(
            say(&number_words_u64(10_000_000_000)),
            "một không không không không không không không không không không"
        );
    }

    #[test]
    fn every_clip_an_announcement_uses_is_listed() {
        let names: HashSet<&str> = CLIPS.iter().map(|(name, _)| *name).collect();
        let mut used = HashSet::new();
        let mut numbers: Vec<u32> = (0..=10_000).collect();
        numbers.extend([1_000_005, 21_000_000, 1_000_000_000, u32::MAX]);
        for n in numbers {
            used.extend(number_words(n));
        }
        for c in "ABCDĐEFGHIJKLMNOPQRSTUVWXYZ".chars() {
            used.extend(letter_clip(c));
        }
        used.extend(announcement("A12345678901", 1));
        for clip in &used {
            assert!(names.contains(clip), "{clip} is used but not in CLIPS");
        }
        // And nothing in CLIPS is dead weight.
        for name in &names {
            assert!(used.contains(name), "{name} is in CLIPS but never used");
        }
    }

    #[test]
    fn clips_are_unique_ascii_slugs_with_nfc_text() {
        let mut seen = HashSet::new();
        for (name, text) in CLIPS {
            assert!(seen.insert(*name), "{name} is listed twice");
            assert!(
                !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{name} is not an ASCII slug"
            );
            assert!(
                !text.is_empty() && is_nfc(text),
                "{name}: {text:?} is not NFC"
            );
            assert!(
                !text.contains('"'),
                "{name}: quotes would break the generator"
            );
        }
        assert!(!seen.contains(CHIME));
    }

    #[test]
    fn clip_list_is_in_the_form_the_generator_reads() {
        // assets/voice/generate.sh takes the lines `("name", "text"),` of this file.
        let source = include_str!("speech.rs");
        let lines: Vec<&str> = source.lines().map(str::trim).collect();
        for (name, text) in CLIPS {
            let line = format!("(\"{name}\", \"{text}\"),");
            assert_eq!(
                lines.iter().filter(|l| **l == line).count(),
                1,
                "CLIPS entry {name} must be alone on one line as {line}"
            );
        }
    }

    /// Duration in seconds of a mono 16-bit PCM WAV file, checking its header.
    fn wav_seconds(bytes: &[u8]) -> Result<f64, String> {
        let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
        let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap());
        if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
            return Err("not a RIFF/WAVE file".into());
        }
        let (mut pos, mut rate, mut data) = (12, None, None);
        while pos + 8 <= bytes.len() {
            let (id, size) = (&bytes[pos..pos + 4], u32_at(pos + 4) as usize);
            let body = pos + 8;
            if id == b"fmt " && body + 16 <= bytes.len() {
                let (format, channels, bits) = (u16_at(body), u16_at(body + 2), u16_at(body + 14));
                if format != 1 || channels != 1 || bits != 16 {
                    return Err(format!(
                        "format {format}, {channels} channels, {bits} bits; want mono 16-bit PCM"
                    ));
                }
                rate = Some(u32_at(body + 4));
            } else if id == b"data" {
                data = Some(size.min(bytes.len() - body));
            }
            pos = body + size + size % 2;
        }
        match (rate, data) {
            (Some(rate), Some(data)) if rate > 0 => Ok(data as f64 / 2.0 / f64::from(rate)),
            _ => Err("no fmt or data chunk".into()),
        }
    }

    #[test]
    fn every_clip_has_a_recording_of_sensible_length() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/voice");
        let names = CLIPS.iter().map(|(name, _)| *name).chain([CHIME]);
        for name in names {
            let path = dir.join(format!("{name}.wav"));
            let bytes = std::fs::read(&path).unwrap_or_else(|e| {
                panic!("{}: {e}; run assets/voice/generate.sh", path.display())
            });
            let seconds = wav_seconds(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(
                (0.2..=2.5).contains(&seconds),
                "{}: {seconds:.2} s is outside 0.2–2.5 s",
                path.display()
            );
        }
    }
}
