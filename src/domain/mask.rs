//! Masking personal names for public screens: enough for a citizen to recognise their own
//! dossier, too little for onlookers to learn who is being served.
//!
//! Rule, per whitespace-separated word (after NFC, counting letters as a base character plus
//! any combining marks NFC could not absorb):
//! - every word but the last: a long word (4 or more letters) keeps its first 2 letters and
//!   gets `***`; a short word (1–3 letters) keeps its first letter and gets `**`.
//!   "Nguyễn Văn An" → "Ng*** V** An". The star count is fixed per class, so the exact length
//!   is never shown; the class itself is already implied by how many letters are kept.
//!   Two letters of a long family name are mostly its initial consonant (Ng, Tr, Th, Ph…).
//! - the last word (the given name) is shown in full, as offices call people by it.
//! - a single-word name is a whole name on its own: first letter and `***`.
//!
//! Whitespace runs collapse to one space; empty or blank input gives an empty string.

use unicode_normalization::char::is_combining_mark;

use super::text::nfc;

/// Words with at least this many letters keep two letters; shorter words keep one.
const LONG_WORD: usize = 4;

/// Masks a full name for display: "Nguyễn Văn An" → "Ng*** V** An".
pub fn mask_name(full: &str) -> String {
    let full = nfc(full);
    let words: Vec<&str> = full.split_whitespace().collect();
    match words.as_slice() {
        [] => String::new(),
        [only] => format!("{}***", first_letters(only, 1)),
        [init @ .., last] => {
            let mut out: Vec<String> = init.iter().map(|w| mask_word(w)).collect();
            out.push((*last).to_string());
            out.join(" ")
        }
    }
}

/// Masks one non-final word according to its length class.
fn mask_word(word: &str) -> String {
    if letters(word).len() >= LONG_WORD {
        format!("{}***", first_letters(word, 2))
    } else {
        format!("{}**", first_letters(word, 1))
    }
}

/// The first `n` letters of a word, each with its trailing combining marks.
fn first_letters(word: &str, n: usize) -> String {
    letters(word).into_iter().take(n).collect()
}

/// Splits a word into letters: a base character and the combining marks that follow it, so a
/// mark NFC could not compose is never separated from its letter (or shown alone).
fn letters(word: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in word.char_indices().skip(1) {
        if !is_combining_mark(c) {
            out.push(&word[start..i]);
            start = i;
        }
    }
    if !word.is_empty() {
        out.push(&word[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_the_example() {
        assert_eq!(mask_name("Nguyễn Văn An"), "Ng*** V** An");
    }

    #[test]
    fn decomposed_input_masks_like_composed() {
        // "Nguyễn Văn An" with e + circumflex + tilde and a + breve as combining marks.
        let decomposed = "Nguye\u{0302}\u{0303}n Va\u{0306}n An";
        assert_eq!(mask_name(decomposed), "Ng*** V** An");
        // An initial letter that is itself decomposed stays whole.
        assert_eq!(mask_name("A\u{0306}n Ho\u{0300}a"), "Ă** Hòa");
        assert_eq!(mask_name("E\u{0302}\u{0301}ch Lan"), "Ế** Lan");
    }

    #[test]
    fn four_and_more_words() {
        assert_eq!(mask_name("Tôn Nữ Thị Ngọc Ánh"), "T** N** T** Ng*** Ánh");
        assert_eq!(mask_name("Trần Thị Minh Khai"), "Tr*** T** Mi*** Khai");
        assert_eq!(mask_name("Lê Hoàng"), "L** Hoàng");
    }

    #[test]
    fn star_count_does_not_reveal_length() {
        // Four and six letters look the same.
        assert_eq!(mask_name("Hoàn A"), "Ho*** A");
        assert_eq!(mask_name("Hoàng A"), mask_name("Hoạch A"));
        assert_eq!(mask_name("Nguyễn X"), "Ng*** X");
        assert_eq!(mask_name("Ngô X"), "N** X");
        assert_eq!(mask_name("Ng X"), "N** X");
        assert_eq!(mask_name("Nghiêm X"), "Ng*** X");
    }

    #[test]
    fn single_word_names() {
        assert_eq!(mask_name("An"), "A***");
        assert_eq!(mask_name("Nguyễn"), "N***");
        assert_eq!(mask_name("  Ánh "), "Á***");
    }

    #[test]
    fn empty_and_blank() {
        assert_eq!(mask_name(""), "");
        assert_eq!(mask_name(" \t\n"), "");
    }

    #[test]
    fn whitespace_collapses_and_case_is_kept() {
        assert_eq!(mask_name("  nguyễn   văn\tan "), "ng*** v** an");
        assert_eq!(mask_name("NGUYỄN VĂN AN"), "NG*** V** AN");
    }

    #[test]
    fn uncomposable_marks_stay_with_their_letter() {
        // q + dot below has no precomposed form; it counts as one letter.
        assert_eq!(letters("q\u{0323}ab"), vec!["q\u{0323}", "a", "b"]);
        assert_eq!(mask_name("Q\u{0323}uynh An"), "Q\u{0323}u*** An");
    }
}
