//! Vietnamese text: one canonical form for storage, one folded form for search.

use unicode_normalization::UnicodeNormalization;

/// Canonical composition (NFC): input methods and imports may produce combining sequences that must compare equal.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Accent-insensitive search key: "Đăng  ký KẾT hôn" → "dang ky ket hon".
///
/// đ/Đ are mapped after stripping marks because they have no decomposition; the NFD step
/// also makes tone-placement variants (hòa/hoà) meet.
pub fn fold(s: &str) -> String {
    let stripped: String = s
        .nfd()
        .filter(|c| !('\u{0300}'..='\u{036F}').contains(c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            other => other,
        })
        .collect();
    stripped
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfc_composes_combining_sequences() {
        let decomposed = "Ho\u{0323}\u{0302} ti\u{0323}ch";
        assert_eq!(nfc(decomposed), "Hộ tịch");
        assert_eq!(nfc("Hộ tịch"), "Hộ tịch");
    }

    #[test]
    fn folds_marriage_registration() {
        assert_eq!(fold("Đăng ký kết hôn"), "dang ky ket hon");
        assert_eq!(fold("  ĐĂNG   KÝ\tkết hôn "), "dang ky ket hon");
    }

    #[test]
    fn tone_placement_variants_meet() {
        // "hòa" (tone on o) and "hoà" (tone on a) are both in use.
        assert_eq!(fold("hòa giải"), fold("hoà giải"));
        assert_eq!(fold("Hòa"), "hoa");
    }

    #[test]
    fn decomposed_input_folds_like_composed() {
        assert_eq!(
            fold("Chu\u{031B}\u{0301}ng thu\u{031B}\u{0323}c"),
            "chung thuc"
        );
        assert_eq!(fold("Chứng thực"), "chung thuc");
    }

    #[test]
    fn folds_every_vowel_family() {
        assert_eq!(fold("ăâêôơư ĂÂÊÔƠƯ đĐ"), "aaeoou aaeoou dd");
    }

    proptest::proptest! {
        #[test]
        fn folding_is_stable_and_plain(s in "\\PC{0,40}") {
            let f = fold(&s);
            // Folding twice changes nothing, and the result carries no marks and no đ.
            proptest::prop_assert_eq!(fold(&f), f.clone());
            let marked = f.chars().any(|c| ('\u{0300}'..='\u{036F}').contains(&c));
            proptest::prop_assert!(!marked, "marks left in {:?}", f);
            proptest::prop_assert!(!f.contains(['đ', 'Đ']));
            proptest::prop_assert!(!f.contains("  ") && f.trim() == f);
            // Composed and decomposed input fold alike.
            let nfd: String = s.nfd().collect();
            proptest::prop_assert_eq!(fold(&nfd), f.clone());
            proptest::prop_assert_eq!(fold(&nfc(&s)), f);
        }

        #[test]
        fn folding_drops_only_marks_from_vietnamese(
            s in "[aăâbcdđeêghiklmnoôơpqrstuưvxyàằầèềìòồờùừỳáắấéếíóốớúứýảẳẩẻểỉỏổởủửỷãẵẫẽễĩõỗỡũữỹạặậẹệịọộợụựỵ ]{0,40}"
        ) {
            let f = fold(&s);
            let words: Vec<&str> = s.split_whitespace().collect();
            let folded: Vec<&str> = f.split(' ').filter(|w| !w.is_empty()).collect();
            proptest::prop_assert_eq!(words.len(), folded.len());
            for (w, g) in words.iter().zip(&folded) {
                proptest::prop_assert_eq!(w.chars().count(), g.chars().count());
                proptest::prop_assert!(g.chars().all(|c| c.is_ascii_lowercase()));
            }
        }
    }
}
