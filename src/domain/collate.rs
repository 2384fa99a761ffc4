//! Vietnamese sort order (CLDR "vi"), for the procedure catalogue and other lists.
//!
//! Like the Unicode Collation Algorithm, comparison runs in levels, each over the whole string:
//! 1. primary: base letters in the Vietnamese alphabet order a ă â b c d đ e ê f g h i j k l m
//!    n o ô ơ p q r s t u ư v w x y z; the breve, circumflex and horn are part of the letter.
//!    Whitespace sorts before punctuation and symbols, then digits, then letters (so
//!    "an toàn" < "anh"), then other scripts by code point;
//! 2. secondary: tones, in the order ngang (none), huyền, hỏi, ngã, sắc, nặng;
//! 3. tertiary: lower case before upper case;
//! 4. a final tie-break on the NFC code points, so only canonically equal strings compare equal
//!    (e.g. "Hoà" and "Hòa" differ at level 2 and are ordered deterministically).
//!
//! Input is taken apart with NFD. The marks that make a new letter (U+0306 breve, U+0302
//! circumflex, U+031B horn) are separated from tone marks whatever their order: NFD puts a
//! dot below (U+0323, nặng) *before* the circumflex in "ộ" because of combining classes.

use std::cmp::Ordering;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The Vietnamese alphabet in collation order, with the foreign letters f j w z in their Latin place.
const ALPHABET: [char; 33] = [
    'a', 'ă', 'â', 'b', 'c', 'd', 'đ', 'e', 'ê', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'ô', 'ơ', 'p', 'q', 'r', 's', 't', 'u', 'ư', 'v', 'w', 'x', 'y', 'z',
];

/// Tone marks in their secondary order: huyền, hỏi, ngã, sắc, nặng.
const TONES: [char; 5] = ['\u{0300}', '\u{0309}', '\u{0303}', '\u{0301}', '\u{0323}'];

const BREVE: char = '\u{0306}';
const CIRCUMFLEX: char = '\u{0302}';
const HORN: char = '\u{031B}';

// Primary bands, far enough apart that code points added to a base never reach the next band.
const SPACE: u32 = 0x10;
const SYMBOL_BASE: u32 = 0x0100_0000;
const DIGIT_BASE: u32 = 0x0200_0000;
const LETTER_BASE: u32 = 0x0300_0000;
const OTHER_BASE: u32 = 0x0400_0000;

/// Secondary weight of a letter without tone (every weight is ≥ 1: 0 separates levels).
const NO_TONE: u32 = 1;
/// Marks that are neither Vietnamese modifiers nor tones sort after all tones.
const OTHER_MARK_BASE: u32 = 0x100;

/// One collation element: a letter (or a stray mark) with its weight at each level.
struct Element {
    /// None for a combining mark with no base letter: it counts only from level 2 on.
    primary: Option<u32>,
    secondary: u32,
    tertiary: u32,
}

/// A sort key: comparing keys with `Ord` gives the Vietnamese order of the strings.
///
/// Layout: primary weights, 0, secondary weights, 0, tertiary weights, 0, NFC code points + 1
/// (ignorable characters left out, so a zero-width space changes nothing).
/// All weights are ≥ 1 so a string that is a prefix of another at some level sorts first.
pub fn sort_key(s: &str) -> Vec<u32> {
    let elements = elements(s);
    let mut key: Vec<u32> = elements.iter().filter_map(|e| e.primary).collect();
    key.push(0);
    key.extend(elements.iter().map(|e| e.secondary));
    key.push(0);
    key.extend(elements.iter().map(|e| e.tertiary));
    key.push(0);
    key.extend(
        s.nfc()
            .filter(|c| !is_ignorable(*c))
            .map(|c| u32::from(c) + 1),
    );
    key
}

/// Compares two strings in Vietnamese order (see the module doc for the levels).
pub fn compare(a: &str, b: &str) -> Ordering {
    sort_key(a).cmp(&sort_key(b))
}

/// Sorts strings in place in Vietnamese order, computing each key once.
pub fn sort<T: AsRef<str>>(items: &mut [T]) {
    items.sort_by_cached_key(|s| sort_key(s.as_ref()));
}

/// Splits NFD text into collation elements: a base letter with the marks that follow it.
fn elements(s: &str) -> Vec<Element> {
    let chars: Vec<char> = s.nfd().filter(|c| !is_ignorable(*c)).collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let base = chars[i];
        let mut end = i + 1;
        while end < chars.len() && is_combining_mark(chars[end]) {
            end += 1;
        }
        let marks = &chars[i + 1..end];
        i = end;

        if is_combining_mark(base) {
            // Marks at the start of the text have no letter to belong to.
            out.extend(
                std::iter::once(base)
                    .chain(marks.iter().copied())
                    .map(|m| Element {
                        primary: None,
                        secondary: mark_weight(m),
                        tertiary: 1,
                    }),
            );
            continue;
        }

        let lower = base.to_lowercase().next().unwrap_or(base);
        let tertiary = if base.is_uppercase() { 2 } else { 1 };
        let mut letter = lower;
        let mut secondary_marks = Vec::new();
        for &m in marks {
            match modified(letter, m).filter(|_| letter == lower) {
                Some(l) => letter = l,
                None => secondary_marks.push(mark_weight(m)),
            }
        }
        out.push(Element {
            primary: Some(primary(letter)),
            secondary: secondary_marks.first().copied().unwrap_or(NO_TONE),
            tertiary,
        });
        // Two marks on one letter (not Vietnamese, but possible) keep both differences.
        out.extend(secondary_marks.iter().skip(1).map(|&w| Element {
            primary: None,
            secondary: w,
            tertiary: 1,
        }));
    }
    out
}

/// Characters with no weight at all: controls and invisible format characters.
fn is_ignorable(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// The Vietnamese letter made by a modifier mark on a plain base, if there is one.
fn modified(base: char, mark: char) -> Option<char> {
    Some(match (base, mark) {
        ('a', BREVE) => 'ă',
        ('a', CIRCUMFLEX) => 'â',
        ('e', CIRCUMFLEX) => 'ê',
        ('o', CIRCUMFLEX) => 'ô',
        ('o', HORN) => 'ơ',
        ('u', HORN) => 'ư',
        _ => return None,
    })
}

/// Primary weight of a (lower-case, possibly modified) base character.
fn primary(c: char) -> u32 {
    if c.is_whitespace() {
        SPACE
    } else if let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
        DIGIT_BASE + d
    } else if let Some(i) = ALPHABET.iter().position(|l| *l == c) {
        LETTER_BASE + i as u32
    } else if c.is_alphanumeric() {
        OTHER_BASE + u32::from(c)
    } else {
        SYMBOL_BASE + u32::from(c)
    }
}

/// Secondary weight of a combining mark: tones in Vietnamese order, then anything else.
fn mark_weight(m: char) -> u32 {
    match TONES.iter().position(|t| *t == m) {
        Some(i) => NO_TONE + 1 + i as u32,
        None => OTHER_MARK_BASE + u32::from(m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_ascending(words: &[&str]) {
        for pair in words.windows(2) {
            assert_eq!(
                compare(pair[0], pair[1]),
                Ordering::Less,
                "{:?} should sort before {:?}",
                pair[0],
                pair[1]
            );
            assert_eq!(compare(pair[1], pair[0]), Ordering::Greater);
        }
    }

    #[test]
    fn d_bar_sorts_after_d() {
        assert_ascending(&["Dừng", "Đăng ký"]);
        assert_ascending(&["dz", "đa"]);
        assert_ascending(&["Dư", "đ", "Đ", "e"]);
    }

    #[test]
    fn modified_vowels_are_letters() {
        assert_ascending(&["an", "ăn", "ân", "bàn"]);
        assert_ascending(&["ez", "êa"]);
        assert_ascending(&["oz", "ôa", "ôz", "ơa", "pa"]);
        assert_ascending(&["uz", "ưa", "va"]);
    }

    #[test]
    fn tones_are_secondary_in_vietnamese_order() {
        assert_ascending(&["ma", "mà", "mả", "mã", "má", "mạ"]);
        // Primary beats secondary: a later base letter wins over any tone.
        assert_ascending(&["mạ", "man", "mản"]);
        assert_ascending(&["má", "mă"]);
    }

    #[test]
    fn case_is_tertiary() {
        assert_ascending(&["an", "An", "AN", "ăn"]);
        // Secondary beats tertiary.
        assert_ascending(&["Ma", "má"]);
        assert_ascending(&["đa", "Đa", "đá"]);
    }

    #[test]
    fn dot_below_before_circumflex_is_handled() {
        // NFD of "ộ" is o, U+0323, U+0302: the circumflex still makes the letter ô.
        assert_eq!(compare("ộ", "o\u{0323}\u{0302}"), Ordering::Equal);
        assert_eq!(compare("ộ", "o\u{0302}\u{0323}"), Ordering::Equal);
        assert_ascending(&["oz", "ô", "ồ", "ổ", "ỗ", "ố", "ộ", "ơ"]);
        assert_ascending(&["Hộ", "hộ tịch", "Hơ"]);
        assert_ascending(&["ư", "ừ", "ự", "v"]);
    }

    #[test]
    fn decomposed_and_composed_are_equal() {
        assert_eq!(
            compare("Chứng thực", "Chu\u{031B}\u{0301}ng thu\u{031B}\u{0323}c"),
            Ordering::Equal
        );
        assert_eq!(sort_key("Đăng ký"), sort_key("Đa\u{0306}ng ky\u{0301}"));
    }

    #[test]
    fn spaces_digits_and_symbols_sort_first() {
        assert_ascending(&["an", "an toàn", "an-ninh", "an1", "anh"]);
        assert_ascending(&["", " ", "-", "0", "9", "a"]);
    }

    #[test]
    fn tone_placement_variants_are_ordered_but_not_equal() {
        assert_ne!(compare("Hoà", "Hòa"), Ordering::Equal);
        assert_ascending(&["Hoa", "Hoà", "Hòa", "Hoan"]);
    }

    #[test]
    fn foreign_letters_and_stray_marks_do_not_panic() {
        assert_ascending(&["z", "ø", "ω"]);
        assert_eq!(compare("a\u{200B}n", "an"), Ordering::Equal);
        assert_ascending(&["an", "\u{0301}an", "ấn"]);
        assert_ascending(&["ē", "ế"]);
        let _ = sort_key("\u{0302}\u{0323}");
    }

    #[test]
    fn sorts_procedure_names() {
        let mut names = vec![
            "Xác nhận thông tin về cư trú",
            "Đổi giấy phép lái xe",
            "Ưu đãi giáo dục",
            "Hỗ trợ người có công",
            "Đăng ký thường trú",
            "Chứng thực chữ ký",
            "Đăng ký khai tử",
            "An toàn thực phẩm",
            "Giải quyết chế độ trợ cấp",
            "Đăng ký kết hôn",
            "Cấp giấy xác nhận tình trạng hôn nhân",
            "Dừng trợ cấp xã hội",
            "Hòa giải tranh chấp đất đai",
            "Ủy quyền thực hiện thủ tục",
            "Đăng ký khai sinh",
            "Bồi thường, hỗ trợ khi thu hồi đất",
            "Chứng thực bản sao từ bản chính",
            "Thay đổi, cải chính hộ tịch",
            "Đăng ký tạm trú",
            "Cấp bản sao trích lục hộ tịch",
            "Đăng ký giám hộ",
        ];
        sort(&mut names);
        assert_eq!(
            names,
            [
                "An toàn thực phẩm",
                "Bồi thường, hỗ trợ khi thu hồi đất",
                "Cấp bản sao trích lục hộ tịch",
                "Cấp giấy xác nhận tình trạng hôn nhân",
                "Chứng thực bản sao từ bản chính",
                "Chứng thực chữ ký",
                "Dừng trợ cấp xã hội",
                "Đăng ký giám hộ",
                "Đăng ký kết hôn",
                "Đăng ký khai sinh",
                "Đăng ký khai tử",
                "Đăng ký tạm trú",
                "Đăng ký thường trú",
                "Đổi giấy phép lái xe",
                "Giải quyết chế độ trợ cấp",
                "Hòa giải tranh chấp đất đai",
                "Hỗ trợ người có công",
                "Thay đổi, cải chính hộ tịch",
                "Ủy quyền thực hiện thủ tục",
                "Ưu đãi giáo dục",
                "Xác nhận thông tin về cư trú",
            ]
        );
    }

    proptest::proptest! {
        #[test]
        fn order_is_antisymmetric_and_normalisation_blind(a in "\\PC{0,12}", b in "\\PC{0,12}") {
            proptest::prop_assert_eq!(compare(&a, &b), compare(&b, &a).reverse());
            let decomposed: String = a.nfd().collect();
            proptest::prop_assert_eq!(compare(&a, &decomposed), Ordering::Equal);
            proptest::prop_assert_eq!(compare(&a, &a), Ordering::Equal);
        }

        #[test]
        fn only_equal_text_compares_equal(
            a in "[aăâbcdđeêghiklmnoôơpqrstuưvxy AĂĐÔàáảãạ]{0,8}",
            b in "[aăâbcdđeêghiklmnoôơpqrstuưvxy AĂĐÔàáảãạ]{0,8}",
        ) {
            let equal = compare(&a, &b) == Ordering::Equal;
            proptest::prop_assert_eq!(equal, a == b);
        }
    }
}
