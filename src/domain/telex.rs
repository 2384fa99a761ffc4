//! Telex composition for the kiosk's on-screen keyboard: turns key presses into Vietnamese text.
//!
//! The engine keeps only the composed text (plus one flag, below) and works on its last word,
//! the trailing run of letters; spaces, digits and punctuation end a word. Each key either
//! changes that word or is added literally:
//! - `aa` `ee` `oo` → â ê ô; `aw` `ow` `uw` → ă ơ ư; `uow` (and `uwo`+`w`, `uo`+`w`) → ươ;
//!   `dd` at the start of a word → đ. The modifier finds its vowel anywhere in the word's
//!   vowel group, even after the final consonant ("tieengs" and "tiengse" both give "tiếng"),
//!   but only if the result is a Vietnamese vowel group (so "hoaa" stays "hoaa").
//!   A `w` with no vowel to act on is a plain letter: typing "w" alone does not give ư.
//! - `s f r x j` set sắc, huyền, hỏi, ngã, nặng; `z` removes the tone. Tone keys act only when
//!   the word can be a Vietnamese syllable (valid initial consonant, vowels, valid final), so
//!   "dang ky ket hon" typed without tone keys stays as typed.
//! - Pressing a tone or modifier key again undoes it and inserts the key: "ass" → "as",
//!   "aaa" → "aa", "ddd" → "dd", "uww" → "uw". After such an undo the rest of the word is
//!   literal ("asss" → "ass"); the next space, digit or punctuation (or a backspace) ends that.
//!
//! Tone placement follows the traditional ("old") style, as in official names such as
//! Thanh Hóa and Khánh Hòa: "hoaf" → "hòa", "khoer" → "khỏe", "thuyr" → "thủy". In full:
//! on the last vowel carrying a modifier (ă â ê ô ơ ư; "ươ" → ơ) if any; otherwise on the
//! only vowel; otherwise on the last vowel when a final consonant follows ("hoàn", "huỳnh");
//! otherwise, in an open syllable, on the first of two vowels ("mùa", "hòa") or the middle of
//! three ("ngoài", "khuỷu"). The u of "qu" and the i of "gi" before another vowel belong to
//! the consonant ("quá", "già"). The tone is re-placed as the word grows ("hoafn" → "hoàn").
//! An open "ươ" carrying a tone is written "uơ" ("thuowr" → "thuở"), and turns back into
//! "ươ" when a letter follows ("nguowfi" → "người").
//!
//! Backspace deletes the last character of the composed text (a whole "ế", not just its
//! tone) and composition continues from what remains, as if it had been typed: "được",
//! backspace, "c" gives "được" again. A modified letter keeps the case it was typed with;
//! the key's case only matters for letters it inserts.

use unicode_normalization::UnicodeNormalization;

/// Tone marks indexed by tone number: 1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng (0 is no tone).
const TONE_MARKS: [char; 6] = [
    '\0', '\u{0301}', '\u{0300}', '\u{0309}', '\u{0303}', '\u{0323}',
];

/// Telex tone keys in tone-number order.
const TONE_KEYS: [char; 6] = ['\0', 's', 'f', 'r', 'x', 'j'];

/// Vowel letters (lower case, without tone).
const VOWELS: [char; 12] = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y'];

/// Letters the engine understands; any other letter in a word leaves that word alone.
const LETTERS: &str = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz";

/// Initial consonants of Vietnamese syllables ("q" stands for "qu" while it is being typed).
const INITIALS: [&str; 29] = [
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
    "nh", "p", "ph", "q", "qu", "r", "s", "t", "th", "tr", "v", "x",
];

/// Final consonants, including the prefixes met while typing ("n" of "ng", "c" of "ch").
const FINALS: [&str; 9] = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"];

/// Vowel groups of Vietnamese syllables (after gi/qu are taken as consonants).
const VOWEL_GROUPS: [&str; 54] = [
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu", "ây",
    "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "oo", "ôi", "ơi", "ua", "uâ", "uê", "ui",
    "uô", "uơ", "uy", "ưa", "ưi", "ưu", "ươ", "yê", "iêu", "yêu", "oai", "oay", "oeo", "uây",
    "uôi", "ươi", "ươu", "uya", "uyê", "uyu",
];

/// One letter of the current word, taken apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Letter {
    /// Lower-case letter with its modifier but no tone, e.g. 'ơ'.
    base: char,
    /// Tone number, 0 for none (see [`TONE_MARKS`]).
    tone: usize,
    upper: bool,
}

impl Letter {
    /// Takes a character apart, if it is a letter the engine understands.
    fn parse(c: char) -> Option<Letter> {
        let mut lower = c.to_lowercase();
        let l = lower.next()?;
        if lower.next().is_some() {
            return None;
        }
        let mut tone = 0;
        let mut rest = String::new();
        for d in l.nfd() {
            match TONE_MARKS.iter().skip(1).position(|m| *m == d) {
                Some(_) if tone != 0 => return None,
                Some(i) => tone = i + 1,
                None => rest.push(d),
            }
        }
        let mut base = rest.nfc();
        let b = base.next()?;
        if base.next().is_some() || !LETTERS.contains(b) {
            return None;
        }
        Some(Letter {
            base: b,
            tone,
            upper: c != l,
        })
    }

    /// A plain letter typed with `key`.
    fn typed(key: char) -> Option<Letter> {
        Letter::parse(key).filter(|l| l.tone == 0)
    }

    /// The composed (NFC) character.
    fn char(self) -> char {
        let mut s = String::from(self.base);
        if self.tone != 0 {
            s.push(TONE_MARKS[self.tone]);
        }
        let c = s.nfc().next().unwrap_or(self.base);
        if self.upper {
            c.to_uppercase().next().unwrap_or(c)
        } else {
            c
        }
    }

    fn is_vowel(self) -> bool {
        VOWELS.contains(&self.base)
    }
}

/// Where the vowels of a syllable are: `vowels` is a range of letter indices.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Syllable {
    vowels: std::ops::Range<usize>,
    has_final: bool,
}

/// Splits a word into initial, vowels and final, if it can be (the start of) a syllable.
fn syllable(word: &[Letter]) -> Option<Syllable> {
    let bases: Vec<char> = word.iter().map(|l| l.base).collect();
    let is_vowel = |i: usize| word.get(i).is_some_and(|l| l.is_vowel());
    let mut start = (0..word.len()).find(|&i| is_vowel(i)).unwrap_or(word.len());
    // The u of "qu" and the i of "gi" are part of the consonant when a vowel follows.
    if start == 1 && is_vowel(2) && matches!(bases[..2], ['q', 'u'] | ['g', 'i']) {
        start = 2;
    }
    let initial: String = bases[..start].iter().collect();
    let mut end = start;
    while is_vowel(end) {
        end += 1;
    }
    let last: String = bases[end..].iter().collect();
    (INITIALS.contains(&initial.as_str()) && FINALS.contains(&last.as_str())).then_some(Syllable {
        vowels: start..end,
        has_final: end < word.len(),
    })
}

/// Whether the vowels could still become a Vietnamese vowel group as typing goes on.
fn valid_group(vowels: &[Letter]) -> bool {
    let group: String = vowels.iter().map(|l| l.base).collect();
    VOWEL_GROUPS.iter().any(|g| g.starts_with(&group))
}

/// Index of the letter that carries the tone (traditional placement, see the module doc).
fn tone_index(word: &[Letter], syl: &Syllable) -> usize {
    let v = &word[syl.vowels.clone()];
    let modified = v
        .iter()
        .rposition(|l| matches!(l.base, 'ă' | 'â' | 'ê' | 'ô' | 'ơ' | 'ư'));
    let offset = match (modified, v.len()) {
        (Some(i), _) => i,
        (None, 1) => 0,
        (None, n) if syl.has_final => n - 1,
        (None, 2) => 0,
        (None, _) => 1,
    };
    syl.vowels.start + offset
}

/// The word's tone (the first one found; a well-formed word has at most one).
fn word_tone(word: &[Letter]) -> usize {
    word.iter().map(|l| l.tone).find(|t| *t != 0).unwrap_or(0)
}

/// Puts the word in order after a change: fixes uơ/ươ and moves the tone to its place.
fn settle(word: &mut [Letter]) {
    let Some(syl) = syllable(word) else {
        return;
    };
    let tone = word_tone(word);
    for k in syl.vowels.clone() {
        if k + 1 >= syl.vowels.end || word[k + 1].base != 'ơ' {
            continue;
        }
        let followed = k + 2 < word.len();
        match word[k].base {
            'u' if followed => word[k].base = 'ư',
            'ư' if !followed && tone != 0 => word[k].base = 'u',
            _ => {}
        }
    }
    if tone != 0 && !syl.vowels.is_empty() {
        for l in word.iter_mut() {
            l.tone = 0;
        }
        word[tone_index(word, &syl)].tone = tone;
    }
}

/// What a key did to the current word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    /// The word was changed in place; nothing is added.
    Changed,
    /// The key is added as a letter (and the word settled).
    Append,
    /// A modifier or tone was undone; the key is added literally and the word goes raw.
    Undo,
}

/// A Telex composition engine for one text field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Telex {
    text: Vec<char>,
    enabled: bool,
    /// Set by an undo: the rest of the current word is typed literally.
    raw: bool,
}

impl Default for Telex {
    fn default() -> Self {
        Telex::new()
    }
}

impl Telex {
    /// An empty field with Telex enabled.
    pub fn new() -> Self {
        Telex {
            text: Vec::new(),
            enabled: true,
            raw: false,
        }
    }

    /// Switches composition on or off; when off, keys are inserted literally.
    pub fn set_enabled(&mut self, enabled: bool) {
        self.enabled = enabled;
        self.raw = false;
    }

    /// Whether composition is on.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// The composed text, NFC.
    pub fn text(&self) -> String {
        self.text.iter().collect::<String>().nfc().collect()
    }

    /// Empties the field.
    pub fn clear(&mut self) {
        self.text.clear();
        self.raw = false;
    }

    /// Deletes the last character of the composed text; composition continues from the rest.
    pub fn backspace(&mut self) {
        self.text.pop();
        self.raw = false;
    }

    /// Types each character of `keys` in turn (for tests, and pasting into the field).
    pub fn push_str(&mut self, keys: &str) {
        keys.chars().for_each(|k| self.push(k));
    }

    /// Types one key.
    pub fn push(&mut self, key: char) {
        if !key.is_alphabetic() {
            self.raw = false;
            self.text.push(key);
            return;
        }
        if !self.enabled || self.raw {
            self.text.push(key);
            return;
        }
        let start = self
            .text
            .iter()
            .rposition(|c| !c.is_alphabetic())
            .map_or(0, |i| i + 1);
        let parsed: Option<Vec<Letter>> = self.text[start..]
            .iter()
            .map(|c| Letter::parse(*c))
            .collect();
        let (Some(mut word), Some(typed)) = (parsed, Letter::typed(key)) else {
            self.text.push(key);
            return;
        };
        let effect = if key.is_ascii() {
            apply(&mut word, key.to_ascii_lowercase())
        } else {
            Effect::Append
        };
        match effect {
            Effect::Changed => settle(&mut word),
            Effect::Append => {
                word.push(typed);
                settle(&mut word);
            }
            Effect::Undo => self.raw = true,
        }
        self.text.truncate(start);
        self.text.extend(word.iter().map(|l| l.char()));
        if effect == Effect::Undo {
            self.text.push(key);
        }
    }
}

/// Applies a (lower-case ASCII) key to the word, or says to append it.
fn apply(word: &mut [Letter], key: char) -> Effect {
    match key {
        'd' => double_d(word),
        'a' | 'e' | 'o' => circumflex(word, key),
        'w' => horn_or_breve(word),
        'z' => {
            if word_tone(word) == 0 {
                return Effect::Append;
            }
            word.iter_mut().for_each(|l| l.tone = 0);
            Effect::Changed
        }
        _ => match TONE_KEYS.iter().position(|k| *k == key) {
            Some(tone) => set_tone(word, tone),
            None => Effect::Append,
        },
    }
}

/// `dd` → đ, only as the whole word so far (an initial); `đ` + `d` → "dd".
fn double_d(word: &mut [Letter]) -> Effect {
    match word {
        [l] if l.base == 'd' => {
            l.base = 'đ';
            Effect::Changed
        }
        [l] if l.base == 'đ' => {
            l.base = 'd';
            Effect::Undo
        }
        _ => Effect::Append,
    }
}

/// Tries `base → new` on the last matching vowel, keeping it only if the group stays valid.
fn try_modify(word: &mut [Letter], syl: &Syllable, from: &[char], to: char) -> bool {
    let v = syl.vowels.clone();
    let Some(i) = word[v.clone()].iter().rposition(|l| from.contains(&l.base)) else {
        return false;
    };
    let old = word[v.start + i].base;
    word[v.start + i].base = to;
    if valid_group(&word[v.clone()]) {
        true
    } else {
        word[v.start + i].base = old;
        false
    }
}

/// `aa` `ee` `oo`: circumflex on a vowel of the same family, or undo an existing one.
fn circumflex(word: &mut [Letter], key: char) -> Effect {
    let Some(syl) = syllable(word) else {
        return Effect::Append;
    };
    let (family, target): (&[char], char) = match key {
        'a' => (&['a', 'ă'], 'â'),
        'e' => (&['e'], 'ê'),
        _ => (&['o', 'ơ'], 'ô'),
    };
    if try_modify(word, &syl, family, target) {
        return Effect::Changed;
    }
    let v = syl.vowels.clone();
    match word[v.clone()].iter().rposition(|l| l.base == target) {
        Some(i) => {
            word[v.start + i].base = key;
            Effect::Undo
        }
        None => Effect::Append,
    }
}

/// `w`: uo → ươ, a → ă, o → ơ, u → ư (first that gives a valid group), or undo them.
fn horn_or_breve(word: &mut [Letter]) -> Effect {
    let Some(syl) = syllable(word) else {
        return Effect::Append;
    };
    let v = syl.vowels.clone();
    // The u–o pair takes the horn on both letters.
    let pair = v.clone().take(v.len().saturating_sub(1)).find(|&k| {
        matches!(
            (word[k].base, word[k + 1].base),
            ('u' | 'ư', 'o' | 'ô' | 'ơ')
        ) && (word[k].base, word[k + 1].base) != ('ư', 'ơ')
    });
    if let Some(k) = pair {
        word[k].base = 'ư';
        word[k + 1].base = 'ơ';
        return Effect::Changed;
    }
    if try_modify(word, &syl, &['a', 'â'], 'ă')
        || try_modify(word, &syl, &['o', 'ô'], 'ơ')
        || try_modify(word, &syl, &['u'], 'ư')
    {
        return Effect::Changed;
    }
    let mut undone = false;
    for l in &mut word[v] {
        let plain = match l.base {
            'ă' => 'a',
            'ơ' => 'o',
            'ư' => 'u',
            _ => continue,
        };
        l.base = plain;
        undone = true;
    }
    if undone {
        Effect::Undo
    } else {
        Effect::Append
    }
}

/// Tone keys: set the tone, or undo it when the same tone is already there.
fn set_tone(word: &mut [Letter], tone: usize) -> Effect {
    let Some(syl) = syllable(word).filter(|s| !s.vowels.is_empty()) else {
        return Effect::Append;
    };
    let current = word_tone(word);
    word.iter_mut().for_each(|l| l.tone = 0);
    if current == tone {
        return Effect::Undo;
    }
    let i = tone_index(word, &syl);
    word[i].tone = tone;
    Effect::Changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::nfc;

    fn typed(keys: &str) -> String {
        let mut t = Telex::new();
        t.push_str(keys);
        t.text()
    }

    fn check(cases: &[(&str, &str)]) {
        for (keys, expected) in cases {
            assert_eq!(typed(keys), *expected, "typing {keys:?}");
            assert_eq!(nfc(expected), *expected, "expected text must be NFC");
        }
    }

    #[test]
    fn the_brief_examples() {
        check(&[
            ("Ddawng kys keets hoon", "Đăng ký kết hôn"),
            ("chuwngs thuwcj", "chứng thực"),
            ("dduwowcj", "được"),
            ("nguowif", "người"),
            ("hoaf", "hòa"),
            ("giaays", "giấy"),
            ("ass", "as"),
            ("aaa", "aa"),
            ("tuwj", "tự"),
            ("quoocs", "quốc"),
            ("giaf", "già"),
            ("quas", "quá"),
        ]);
    }

    #[test]
    fn plain_letters_stay_plain() {
        check(&[
            ("dang ky ket hon", "dang ky ket hon"),
            ("Ho tich", "Ho tich"),
            ("hoa", "hoa"),
            ("hoaa", "hoaa"),
        ]);
    }

    #[test]
    fn modifiers() {
        check(&[
            ("aa ee oo", "â ê ô"),
            ("aw ow uw", "ă ơ ư"),
            ("dd", "đ"),
            ("ddd", "dd"),
            ("ooo", "oo"),
            ("xooong", "xoong"),
            ("uww", "uw"),
            ("muaw", "mưa"),
            ("hoawcj", "hoặc"),
            ("ruwowuj", "rượu"),
            ("uwow", "ươ"),
            ("uoow", "ươ"),
            ("w", "w"),
            ("nhw", "nhw"),
        ]);
    }

    #[test]
    fn modifier_after_final_consonant() {
        check(&[("tieengs", "tiếng"), ("tiengse", "tiếng"), ("tana", "tân")]);
    }

    #[test]
    fn tones() {
        check(&[
            ("as af ar ax aj", "á à ả ã ạ"),
            ("asf", "à"),
            ("asz", "a"),
            ("az", "az"),
            ("gif", "gì"),
            ("giuwx", "giữ"),
            ("quys", "quý"),
            ("ngoafi", "ngoài"),
            ("khuyeens", "khuyến"),
            ("khuyur", "khuỷu"),
            ("asss", "ass"),
        ]);
    }

    #[test]
    fn traditional_tone_placement() {
        check(&[
            ("hoaf", "hòa"),
            ("khoer", "khỏe"),
            ("thuyr", "thủy"),
            ("muaf", "mùa"),
            ("hoanf", "hoàn"),
            ("hoafn", "hoàn"),
            ("huyfnh", "huỳnh"),
            ("thuowr", "thuở"),
            ("nguowfi", "người"),
            ("gisa", "giá"),
        ]);
    }

    #[test]
    fn upper_case_is_preserved() {
        check(&[
            ("DDUWOWCJ", "ĐƯỢC"),
            ("Nguyeenx Vawn An", "Nguyễn Văn An"),
            ("DDaays", "Đấy"),
            ("AS", "Á"),
            ("Aa", "Â"),
            ("aA", "â"),
            ("aSs", "as"),
        ]);
    }

    #[test]
    fn words_end_at_spaces_digits_and_punctuation() {
        check(&[
            ("as s", "á s"),
            ("a1s", "a1s"),
            ("ass as", "as á"),
            ("hoa-s", "hoa-s"),
        ]);
    }

    #[test]
    fn foreign_words_are_left_alone() {
        check(&[("stress", "stress"), ("email", "email"), ("wifi", "wifi")]);
    }

    #[test]
    fn backspace_deletes_the_last_character() {
        let mut t = Telex::new();
        t.push_str("dduwowcj");
        t.backspace();
        assert_eq!(t.text(), "đượ");
        t.push('c');
        assert_eq!(t.text(), "được");

        let mut t = Telex::new();
        t.push_str("ass");
        t.backspace();
        assert_eq!(t.text(), "a");
        t.push('s');
        assert_eq!(t.text(), "á", "the undo is forgotten after a backspace");

        let mut t = Telex::new();
        t.push_str("an ");
        t.backspace();
        t.push('s');
        assert_eq!(t.text(), "án", "the previous word is composed again");

        let mut t = Telex::new();
        t.backspace();
        assert_eq!(t.text(), "");
    }

    #[test]
    fn disabled_inserts_literally() {
        let mut t = Telex::new();
        t.set_enabled(false);
        assert!(!t.is_enabled());
        t.push_str("dduwowcj aa");
        assert_eq!(t.text(), "dduwowcj aa");
        t.set_enabled(true);
        t.push_str(" aa");
        assert_eq!(t.text(), "dduwowcj aa â");
    }

    #[test]
    fn clear_empties_the_field() {
        let mut t = Telex::default();
        t.push_str("ass");
        t.clear();
        t.push_str("as");
        assert_eq!(t.text(), "á");
    }

    #[test]
    fn composed_and_non_ascii_keys() {
        check(&[("ư", "ư"), ("hư", "hư"), ("hưs", "hứ"), ("çs", "çs")]);
        let mut t = Telex::new();
        t.push('e');
        t.push('\u{0302}');
        assert_eq!(t.text(), "ê", "a combining key is kept and composed");
    }

    #[test]
    fn letters_round_trip() {
        for c in "aăâeêioôơuưyđAĂÂĐáàảãạấầẩẫậắằẳẵặếềểễệốồổỗộớờởỡợứừửữựýỳỷỹỵ".chars()
        {
            let l = Letter::parse(c).unwrap();
            assert_eq!(l.char(), c);
        }
        assert_eq!(Letter::parse('ç'), None);
        assert_eq!(Letter::parse('ß'), None);
    }

    proptest::proptest! {
        #[test]
        fn any_key_sequence_is_safe(keys in proptest::collection::vec(
            proptest::sample::select("asdfrjxzwoeuiyqgnhctAEDWOS 1-.\u{8}ưé\u{0302}".chars().collect::<Vec<_>>()),
            0..40,
        )) {
            let mut t = Telex::new();
            let mut literal = Telex::new();
            literal.set_enabled(false);
            for k in keys {
                if k == '\u{8}' {
                    t.backspace();
                    literal.backspace();
                } else {
                    t.push(k);
                    literal.push(k);
                }
                let text = t.text();
                proptest::prop_assert_eq!(nfc(&text), text);
            }
            let raw: String = literal.text.iter().collect();
            proptest::prop_assert_eq!(literal.text(), nfc(&raw));
        }
    }
}
