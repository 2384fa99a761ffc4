//! Dossier codes (mã hồ sơ): reading what a citizen types or a scanner sends, and finding the
//! code, with the receipt's lookup secret, inside a scanned QR text or URL.
//!
//! The usual form is `{agency id}-{yymmdd}-{daily sequence}`, e.g. `H15.50.05.13-261008-0975`:
//! an agency id of 1–35 characters from A–Z, 0–9 and `.`, a receipt date, and a sequence of at
//! least four digits. Procedure codes (`1.001193`, `1.000235.000.00.00.H42`) are refused with
//! their own error so the kiosk can tell the citizen they scanned the wrong thing.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// Longest agency id the national format allows.
pub const MAX_AGENCY_LEN: usize = 35;

/// Longest cleaned code accepted: 35 + 1 + 6 + 1 leaves 21 digits for the sequence, far more
/// than any office issues in a day, while bounding the work done on hostile input.
pub const MAX_CODE_LEN: usize = 64;

/// Query keys that carry the lookup secret in vendors' QR links (compared case-insensitively).
const SECRET_KEYS: [&str; 4] = ["key", "secret", "k", "mabaomat"];

/// A validated dossier code in canonical form (upper-case, no spaces), e.g. `H15.50.05.13-261008-0975`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DossierCode(String);

impl DossierCode {
    /// The canonical text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The agency id, e.g. `H15.50.05.13`.
    pub fn agency(&self) -> &str {
        let (agency, _, _) = split(&self.0).expect("validated on construction");
        agency
    }

    /// The receipt date encoded in the code (`yymmdd`, read as 20yy).
    pub fn date(&self) -> NaiveDate {
        let (_, date, _) = split(&self.0).expect("validated on construction");
        date_of(date).expect("validated on construction")
    }

    /// The daily sequence with its leading zeros, e.g. `0975`.
    pub fn sequence(&self) -> &str {
        let (_, _, sequence) = split(&self.0).expect("validated on construction");
        sequence
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for DossierCode {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_code(s)
    }
}

impl TryFrom<String> for DossierCode {
    type Error = CodeError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        parse_code(&s)
    }
}

impl From<DossierCode> for String {
    fn from(code: DossierCode) -> Self {
        code.0
    }
}

/// Why a text is not a dossier code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeError {
    /// Nothing left after removing spaces and scanner noise.
    Empty,
    /// Longer than any dossier code (agency id over 35 characters, or over 64 in all).
    TooLong,
    /// A procedure code such as `1.001193`, not a dossier code.
    ProcedureCode,
    /// Not of the form `{agency}-{yymmdd}-{sequence}`.
    BadShape,
    /// The `yymmdd` part is not a calendar date.
    BadDate,
}

impl CodeError {
    /// Short message for the citizen, in Vietnamese (NFC).
    pub fn message_vi(&self) -> &'static str {
        match self {
            CodeError::Empty => "Vui lòng nhập mã hồ sơ.",
            CodeError::TooLong => "Mã hồ sơ quá dài. Vui lòng kiểm tra lại.",
            CodeError::ProcedureCode => "Đây là mã thủ tục, không phải mã hồ sơ.",
            CodeError::BadShape => "Mã hồ sơ không đúng định dạng. Vui lòng kiểm tra lại.",
            CodeError::BadDate => "Mã hồ sơ có ngày không hợp lệ. Vui lòng kiểm tra lại.",
        }
    }
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CodeError::Empty => "no dossier code given",
            CodeError::TooLong => "too long for a dossier code",
            CodeError::ProcedureCode => "this is a procedure code, not a dossier code",
            CodeError::BadShape => "not of the form AGENCY-YYMMDD-SEQUENCE",
            CodeError::BadDate => "the YYMMDD part of the dossier code is not a valid date",
        })
    }
}

impl std::error::Error for CodeError {}

/// Parses one dossier code as typed or scanned.
///
/// Accepts lower case, spaces anywhere (they are removed), control characters, zero-width
/// characters, Unicode dashes, full-width forms, an AIM symbology prefix such as `]C1` or `]Q1`,
/// and punctuation around the code (Code 39's `*…*`, a trailing full stop). A text holding a
/// code *and* something else (a secret, a URL) is for [`extract`]: here `CODE 1234` would read
/// as the sequence `…09751234`.
pub fn parse_code(input: &str) -> Result<DossierCode, CodeError> {
    let prepared: String = prepare(input)
        .into_iter()
        .filter(|c| !is_separator(*c))
        .collect();
    let cleaned = prepared
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_ascii_uppercase();
    if cleaned.is_empty() {
        return Err(CodeError::Empty);
    }
    if cleaned.chars().count() > MAX_CODE_LEN {
        return Err(CodeError::TooLong);
    }
    if looks_like_procedure_code(&cleaned) {
        return Err(CodeError::ProcedureCode);
    }
    let (agency, date, _) = split(&cleaned).ok_or(CodeError::BadShape)?;
    if agency.len() > MAX_AGENCY_LEN {
        return Err(CodeError::TooLong);
    }
    date_of(date).ok_or(CodeError::BadDate)?;
    Ok(DossierCode(cleaned))
}

/// A dossier code found in scanned or typed text, with the lookup secret if one came with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scanned {
    /// The dossier code.
    pub code: DossierCode,
    /// The receipt's lookup secret, upper-case.
    pub secret: Option<String>,
}

/// Finds a dossier code, and the lookup secret if present, in a plain code, a text or a URL.
///
/// The secret is taken from a query parameter `key`, `secret`, `k` or `mabaomat` (4–32
/// letters and digits: the parameter name says what it is), otherwise from a 4–8 character
/// alphanumeric token right after the code, separated by spaces, `#`, `/` or `|`. Such a token
/// is taken at face value ("CODE chung" yields the secret `CHUNG`); a wrong secret is caught
/// by the lookup that checks it. The first valid code in the text wins. A text with no code
/// pattern is finally tried as a whole with [`parse_code`], so a code typed with spaces inside
/// (`H15.50.05.13 - 261008 - 0975`) is still found.
pub fn extract(input: &str) -> Option<Scanned> {
    let chars = prepare(input);
    for (candidate, end) in candidates(&chars) {
        if let Ok(code) = parse_code(&candidate) {
            let secret = query_secret(&chars).or_else(|| trailing_secret(&chars, end));
            return Some(Scanned { code, secret });
        }
    }
    parse_code(input)
        .ok()
        .map(|code| Scanned { code, secret: None })
}

/// NFKC (full-width digits and letters become ASCII), drops invisible format characters, maps
/// Unicode dashes to `-` and removes a leading AIM symbology identifier.
fn prepare(input: &str) -> Vec<char> {
    let mut chars: Vec<char> = input
        .nfkc()
        .filter(|c| !is_invisible(*c))
        .map(|c| match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            other => other,
        })
        .collect();
    // The identifier comes first, but scanners may send whitespace or a control code before it.
    let start = chars
        .iter()
        .position(|c| !is_separator(*c))
        .unwrap_or(chars.len());
    if let [']', a, b, ..] = chars[start..] {
        if a.is_ascii_alphabetic() && b.is_ascii_alphanumeric() {
            chars.drain(start..start + 3);
        }
    }
    chars
}

/// Characters that never carry meaning in a code: soft hyphen, zero-width spaces and joiners, BOM.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// Whitespace and control characters (CR, LF, tab, GS…), which scanners add around codes.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

/// Splits a cleaned text into agency, date and sequence if it has the dossier-code shape.
fn split(s: &str) -> Option<(&str, &str, &str)> {
    let mut parts = s.rsplitn(3, '-');
    let sequence = parts.next()?;
    let date = parts.next()?;
    let agency = parts.next()?;
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let agency_ok = !agency.is_empty()
        && agency
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'.');
    let shape_ok =
        agency_ok && date.len() == 6 && digits(date) && sequence.len() >= 4 && digits(sequence);
    shape_ok.then_some((agency, date, sequence))
}

/// Reads `yymmdd` as a date in 2000–2099; dossier codes were introduced long after 2000.
fn date_of(yymmdd: &str) -> Option<NaiveDate> {
    let num = |r: std::ops::Range<usize>| yymmdd.get(r)?.parse::<u32>().ok();
    let (yy, mm, dd) = (num(0..2)?, num(2..4)?, num(4..6)?);
    NaiveDate::from_ymd_opt(2000 + i32::try_from(yy).ok()?, mm, dd)
}

/// National procedure codes: one or two digits, a dot, six digits, then optional dotted parts.
fn looks_like_procedure_code(s: &str) -> bool {
    if s.contains('-') {
        return false;
    }
    let mut parts = s.split('.');
    let head = parts.next().unwrap_or("");
    let body = parts.next().unwrap_or("");
    (1..=2).contains(&head.len())
        && head.bytes().all(|b| b.is_ascii_digit())
        && body.len() == 6
        && body.bytes().all(|b| b.is_ascii_digit())
}

/// Every `agency-yymmdd-sequence` pattern in the text, with the index just past its sequence.
///
/// The agency is the run of letters, digits and dots before the first dash, so a URL slug such
/// as `tra-cuu-H15…` still yields `H15…`. A sequence followed directly by a letter or digit is
/// not a match: it would be part of some longer token.
fn candidates(chars: &[char]) -> impl Iterator<Item = (String, usize)> + '_ {
    let n = chars.len();
    (0..n).filter_map(move |i| {
        let digit_at = |k: usize| chars.get(k).is_some_and(|c| c.is_ascii_digit());
        if chars[i] != '-' || !(i + 1..i + 7).all(digit_at) || chars.get(i + 7) != Some(&'-') {
            return None;
        }
        let mut end = i + 8;
        while digit_at(end) {
            end += 1;
        }
        if end - (i + 8) < 4 || chars.get(end).is_some_and(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        let mut start = i;
        while start > 0 && (chars[start - 1].is_ascii_alphanumeric() || chars[start - 1] == '.') {
            start -= 1;
        }
        while start < i && chars[start] == '.' {
            start += 1;
        }
        if start == i {
            return None;
        }
        Some((chars[start..end].iter().collect(), end))
    })
}

/// The value of a secret-carrying query parameter (`?key=…`, `&mabaomat=…`, `#k=…`).
fn query_secret(chars: &[char]) -> Option<String> {
    let delimiter = |c: char| matches!(c, '&' | '#' | ';' | '?') || is_separator(c);
    for (i, _) in chars
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c, '?' | '&' | '#' | ';'))
    {
        let Some(eq) = chars[i + 1..].iter().position(|c| *c == '=') else {
            continue;
        };
        let key: String = chars[i + 1..i + 1 + eq].iter().collect();
        if !SECRET_KEYS.iter().any(|k| k.eq_ignore_ascii_case(&key)) {
            continue;
        }
        let value: String = chars[i + 2 + eq..]
            .iter()
            .take_while(|c| !delimiter(**c))
            .collect();
        if (4..=32).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Some(value.to_ascii_uppercase());
        }
    }
    None
}

/// A 4–8 character alphanumeric token right after the code, behind spaces, `#`, `/` or `|`.
fn trailing_secret(chars: &[char], code_end: usize) -> Option<String> {
    let mut i = code_end;
    let skip_space = |mut i: usize| {
        while chars.get(i).is_some_and(|c| is_separator(*c)) {
            i += 1;
        }
        i
    };
    i = skip_space(i);
    if chars.get(i).is_some_and(|c| matches!(c, '#' | '/' | '|')) {
        i = skip_space(i + 1);
    }
    if i == code_end {
        return None;
    }
    let start = i;
    while chars.get(i).is_some_and(|c| c.is_ascii_alphanumeric()) {
        i += 1;
    }
    // A token running into `-` or `.x` is the start of something else (another code, a host name).
    let continues = match chars.get(i) {
        Some('-') => true,
        Some('.') => chars.get(i + 1).is_some_and(|c| c.is_ascii_alphanumeric()),
        _ => false,
    };
    if !(4..=8).contains(&(i - start)) || continues {
        return None;
    }
    Some(
        chars[start..i]
            .iter()
            .collect::<String>()
            .to_ascii_uppercase(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CODE: &str = "H15.50.05.13-261008-0975";

    fn ok(input: &str) -> String {
        parse_code(input)
            .unwrap_or_else(|e| panic!("{input:?}: {e}"))
            .to_string()
    }

    #[test]
    fn plain_code_parses() {
        assert_eq!(ok(CODE), CODE);
        let code = parse_code(CODE).unwrap();
        assert_eq!(code.as_str(), CODE);
        assert_eq!(code.agency(), "H15.50.05.13");
        assert_eq!(code.date(), NaiveDate::from_ymd_opt(2026, 10, 8).unwrap());
        assert_eq!(code.sequence(), "0975");
    }

    #[test]
    fn lower_case_and_spaces_are_cleaned() {
        assert_eq!(ok("  h15.50.05.13-261008-0975 \r\n"), CODE);
        assert_eq!(ok("H15.50.05.13 - 261008 - 0975"), CODE);
        assert_eq!(ok("h15.50.05.13\u{00A0}-261008-0975"), CODE);
    }

    #[test]
    fn scanner_noise_is_removed() {
        assert_eq!(ok("*H15.50.05.13-261008-0975*"), CODE);
        assert_eq!(ok("]C1H15.50.05.13-261008-0975"), CODE);
        assert_eq!(ok("\r]Q1H15.50.05.13-261008-0975\u{1D}"), CODE);
        assert_eq!(ok("\u{2}H15.50.05.13-261008-0975\u{3}"), CODE);
        assert_eq!(ok("\u{FEFF}H15.50.05.13-261008-0975."), CODE);
        assert_eq!(ok("H15.50.05.13\u{200B}-261008-0975"), CODE);
    }

    #[test]
    fn unicode_dashes_and_full_width_are_accepted() {
        assert_eq!(ok("H15.50.05.13\u{2013}261008\u{2011}0975"), CODE);
        assert_eq!(
            ok("\u{FF28}\u{FF11}\u{FF15}.50.05.13\u{FF0D}261008-0975"),
            CODE
        );
    }

    #[test]
    fn long_sequences_are_accepted() {
        assert_eq!(ok("H15-261008-1234567"), "H15-261008-1234567");
        assert_eq!(ok("000.00.13.H42-250101-0001"), "000.00.13.H42-250101-0001");
    }

    #[test]
    fn leap_days_are_checked() {
        assert_eq!(ok("H15-240229-0001"), "H15-240229-0001");
        assert_eq!(parse_code("H15-250229-0001"), Err(CodeError::BadDate));
        assert_eq!(parse_code("H15-251301-0001"), Err(CodeError::BadDate));
        assert_eq!(parse_code("H15-251000-0001"), Err(CodeError::BadDate));
    }

    #[test]
    fn empty_input_is_empty() {
        assert_eq!(parse_code(""), Err(CodeError::Empty));
        assert_eq!(parse_code("   \r\n"), Err(CodeError::Empty));
        assert_eq!(parse_code("**"), Err(CodeError::Empty));
    }

    #[test]
    fn procedure_codes_are_refused() {
        assert_eq!(parse_code("1.001193"), Err(CodeError::ProcedureCode));
        assert_eq!(
            parse_code("1.000235.000.00.00.H42"),
            Err(CodeError::ProcedureCode)
        );
        assert!(extract("1.000235.000.00.00.H42").is_none());
    }

    #[test]
    fn bad_shapes_are_refused() {
        for bad in [
            "H15.50.05.13",
            "H15.50.05.13-261008",
            "H15.50.05.13-261008-097",
            "H15.50.05.13-26108-0975",
            "H15_50-261008-0975",
            "H-15-261008-0975",
            "-261008-0975",
            "H15.50.05.13-261008-0975A",
            "Hồ-261008-0975",
        ] {
            assert_eq!(parse_code(bad), Err(CodeError::BadShape), "{bad}");
        }
    }

    #[test]
    fn too_long_is_refused() {
        let agency = "A".repeat(36);
        assert_eq!(
            parse_code(&format!("{agency}-261008-0975")),
            Err(CodeError::TooLong)
        );
        let max = "A".repeat(35);
        assert!(parse_code(&format!("{max}-261008-0975")).is_ok());
        assert_eq!(parse_code(&"9".repeat(65)), Err(CodeError::TooLong));
    }

    #[test]
    fn messages_are_nfc_and_distinct() {
        let all = [
            CodeError::Empty,
            CodeError::TooLong,
            CodeError::ProcedureCode,
            CodeError::BadShape,
            CodeError::BadDate,
        ];
        for e in all {
            assert_eq!(crate::domain::text::nfc(e.message_vi()), e.message_vi());
            assert!(!e.to_string().is_empty());
        }
        let mut vi: Vec<_> = all.iter().map(|e| e.message_vi()).collect();
        vi.dedup();
        assert_eq!(vi.len(), all.len());
    }

    #[test]
    fn serde_round_trips_and_validates() {
        let code = parse_code(CODE).unwrap();
        let s: String = code.clone().into();
        assert_eq!(DossierCode::try_from(s).unwrap(), code);
        assert!(DossierCode::try_from("1.001193".to_string()).is_err());
        assert_eq!(CODE.parse::<DossierCode>().unwrap(), code);
    }

    fn scanned(input: &str) -> (String, Option<String>) {
        let s = extract(input).unwrap_or_else(|| panic!("no code in {input:?}"));
        (s.code.to_string(), s.secret)
    }

    fn with(secret: &str) -> (String, Option<String>) {
        (CODE.to_string(), Some(secret.to_string()))
    }

    #[test]
    fn extracts_from_urls() {
        assert_eq!(
            scanned("https://dichvucong.example.vn/tra-cuu?ma=H15.50.05.13-261008-0975&key=7KQ2"),
            with("7KQ2")
        );
        assert_eq!(
            scanned("https://dvc.example.vn/tra-cuu?MABAOMAT=7kq2&ma=h15.50.05.13-261008-0975"),
            with("7KQ2")
        );
        assert_eq!(
            scanned("https://dvc.example.vn/hs/H15.50.05.13-261008-0975?secret=ab12cd34ef"),
            with("AB12CD34EF")
        );
        assert_eq!(
            scanned("https://dvc.example.vn/hs/H15.50.05.13-261008-0975#k=7KQ2"),
            with("7KQ2")
        );
        assert_eq!(
            scanned("https://dvc.example.vn/tra-cuu-H15.50.05.13-261008-0975"),
            (CODE.to_string(), None)
        );
    }

    #[test]
    fn extracts_trailing_secrets() {
        assert_eq!(scanned("H15.50.05.13-261008-0975 7KQ2"), with("7KQ2"));
        assert_eq!(scanned("H15.50.05.13-261008-0975#7kq2"), with("7KQ2"));
        assert_eq!(scanned("H15.50.05.13-261008-0975/7KQ2"), with("7KQ2"));
        assert_eq!(scanned("H15.50.05.13-261008-0975 | 7KQ2"), with("7KQ2"));
        assert_eq!(
            scanned("h15.50.05.13-261008-0975\t12345678"),
            with("12345678")
        );
        assert_eq!(
            scanned("]Q1H15.50.05.13-261008-0975 7KQ2\r\n"),
            with("7KQ2")
        );
    }

    #[test]
    fn rejects_tokens_that_are_not_secrets() {
        for input in [
            "H15.50.05.13-261008-0975",
            "H15.50.05.13-261008-0975 7KQ",
            "H15.50.05.13-261008-0975 123456789",
            "H15.50.05.13-261008-0975-7KQ2",
            "H15.50.05.13-261008-0975 Đăng",
            "H15.50.05.13-261008-0975&key=7K",
            "H15.50.05.13-261008-0975 ABCD.example.vn",
        ] {
            assert_eq!(scanned(input).1, None, "{input}");
        }
    }

    #[test]
    fn extracts_from_text_and_skips_invalid_candidates() {
        assert_eq!(
            scanned("Mã hồ sơ: H15.50.05.13-261008-0975, mã bảo mật 7KQ2"),
            (CODE.to_string(), None)
        );
        // The first pattern has no valid date; the second is the code.
        assert_eq!(
            scanned("X-991399-0001 H15.50.05.13-261008-0975"),
            (CODE.to_string(), None)
        );
        assert_eq!(
            scanned("h15.50.05.13 - 261008 - 0975"),
            (CODE.to_string(), None)
        );
        assert!(extract("thủ tục 1.001193").is_none());
        assert!(extract("").is_none());
    }

    fn valid_code() -> impl Strategy<Value = String> {
        ("[A-Z0-9][A-Z0-9.]{0,34}", 0u32..36525, "[0-9]{4,10}").prop_map(|(agency, days, seq)| {
            let date = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()
                + chrono::TimeDelta::days(i64::from(days));
            format!("{agency}-{}-{seq}", date.format("%y%m%d"))
        })
    }

    fn lowered(code: &str, mask: &[bool]) -> String {
        code.chars()
            .zip(mask.iter().cycle())
            .map(|(c, low)| if *low { c.to_ascii_lowercase() } else { c })
            .collect()
    }

    proptest! {
        #[test]
        fn valid_codes_round_trip(
            code in valid_code(),
            mask in prop::collection::vec(any::<bool>(), 1..8),
            pre in prop::sample::select(vec!["", " ", "  ", "]C1", "]Q1", "*", "\u{2}", "\r\n", "\t]d2 "]),
            post in prop::sample::select(vec!["", " ", "*", "\r\n", "\t", "\u{3}", ".", "\u{1D} "]),
        ) {
            let input = format!("{pre}{}{post}", lowered(&code, &mask));
            prop_assert_eq!(parse_code(&input).map(|c| c.to_string()), Ok(code));
        }

        #[test]
        fn extract_finds_codes_in_wrappers(
            code in valid_code(),
            mask in prop::collection::vec(any::<bool>(), 1..8),
            secret in "[a-zA-Z0-9]{4,8}",
            pre in prop::sample::select(vec![
                "", " ", "https://dichvucong.example.vn/tra-cuu?ma=", "Mã hồ sơ: ",
                "https://x.example.vn/hs/", "xem ", "]Q1", "tra-cuu-",
            ]),
            post in 0usize..10,
        ) {
            let body = lowered(&code, &mask);
            let (suffix, expected) = match post {
                0 => (String::new(), None),
                1 => (".".to_string(), None),
                2 => ("\r\n".to_string(), None),
                3 => (format!("&key={secret}"), Some(secret.to_ascii_uppercase())),
                4 => (format!(" {secret}"), Some(secret.to_ascii_uppercase())),
                5 => (format!("#{secret}"), Some(secret.to_ascii_uppercase())),
                6 => (format!("/{secret}"), Some(secret.to_ascii_uppercase())),
                7 => (format!("|{secret}"), Some(secret.to_ascii_uppercase())),
                8 => (format!("&MaBaoMat={secret}"), Some(secret.to_ascii_uppercase())),
                _ => (format!(" {secret}\r\n"), Some(secret.to_ascii_uppercase())),
            };
            let input = format!("{pre}{body}{suffix}");
            let found = extract(&input);
            prop_assert!(found.is_some(), "nothing found in {:?}", input);
            let found = found.unwrap();
            prop_assert_eq!(found.code.as_str(), code.as_str());
            prop_assert_eq!(found.secret, expected);
        }

        #[test]
        fn parse_never_panics(s in any::<String>()) {
            let _ = parse_code(&s);
            let _ = extract(&s);
        }

        #[test]
        fn parse_never_panics_on_code_like_text(s in "[ -~\u{2010}-\u{2015}\u{FF0D}]{0,80}") {
            if let Ok(code) = parse_code(&s) {
                prop_assert_eq!(parse_code(code.as_str()), Ok(code.clone()));
            }
            let _ = extract(&s);
        }
    }
}
