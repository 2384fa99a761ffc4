//! Search-as-you-type over the procedure catalogue, for the kiosk's on-screen keyboard.
//!
//! Matching is accent-insensitive: query and names are folded with [`text::fold`] (marks
//! dropped, đ→d, lower case), then split into words at every character that is not a letter
//! or digit, so "hộ kinh doanh/hợp tác xã" and "Bồi thường, hỗ trợ" give clean words.
//! A name matches when **every** query word is the start of some word of the name, in any
//! order: "ket hon dang" finds "Đăng ký kết hôn". Every query word is a prefix, not only the
//! last one the citizen is still typing: simpler, and "dang k ket" still finds what it should.
//! Two query words may match the same name word ("dang da" matches "Đăng ký").
//!
//! A query made only of digits and dots with at least one digit ("1.0011") is also looked up
//! as the start of a procedure code (the code trimmed and lower-cased); such code matches rank
//! first. The same query is searched in the names as well, split at the dots.
//! An empty query (or one with no letters or digits) lists every procedure.
//!
//! Ranking, best first:
//! 1. code matches, and names whose first words match the query words in order
//!    ("dang ky ket" → "Đăng ký kết hôn");
//! 2. names where the query words match consecutive words in order, further in
//!    ("ket hon" → "Đăng ký kết hôn");
//! 3. every other match.
//!
//! Within each class, names that also match the accents the citizen typed come first. A typed
//! letter must then carry the same modifier (ă â ê ô ơ ư đ) and the same tone as the name's
//! letter, but a letter typed *without* a modifier or tone accepts any: Telex adds the tone
//! last ("keets" passes through "kêt"), so "kêt" still accent-matches "kết", while "hoà"
//! prefers "hoà giải" over "hòa giải" and "đ" prefers Đ words over D words. Queries without
//! accents therefore rank exactly as if this rule did not exist. Remaining ties go in
//! Vietnamese collation order of the name ([`collate`]), which is also the order of the
//! empty query.
//!
//! Everything that does not depend on the query is computed in [`SearchIndex::new`]: the
//! folded words, their accents, and each name's collation rank. Names share most of their
//! words, so words are stored once in a vocabulary; a search compares the query words with
//! each distinct word once, then checks each procedure with bit masks. At most
//! [`MAX_QUERY_WORDS`] query words are used; more would not fit in the masks, and no one types
//! that many on a kiosk.

use std::collections::HashMap;

use unicode_normalization::char::decompose_canonical;
use unicode_normalization::UnicodeNormalization;

use super::{collate, text};

/// Query words beyond this many are ignored (the match masks are 32 bits wide).
pub const MAX_QUERY_WORDS: usize = 32;

/// How matches are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Best match first (the classes above), then Vietnamese collation order.
    Relevance,
    /// Vietnamese collation order only, like a printed index: what the kiosk lists, so a
    /// citizen scanning the results finds them where the alphabet says.
    Alphabetical,
}

/// The catalogue prepared for fast search.
#[derive(Debug, Clone)]
pub struct SearchIndex {
    items: Vec<Item>,
    /// Distinct word forms over all names (same folded text and same accents).
    vocabulary: Vec<Word>,
    /// Item indices in Vietnamese collation order of their names.
    by_name: Vec<u32>,
}

/// One procedure as given, plus what searching it needs.
#[derive(Debug, Clone)]
struct Item {
    code: String,
    name: String,
    field: String,
    /// The code trimmed and lower-cased, for prefix matching.
    code_key: String,
    /// The name's words, as indices into the vocabulary, in name order.
    words: Vec<u32>,
    /// Position of the name in collation order: the last tie-break.
    rank: u32,
}

/// A word: its folded text and, aligned with its characters, the accents it carried.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Word {
    folded: String,
    /// One entry per character of `folded`; `None` when the alignment could not be made
    /// (characters outside Vietnamese whose folding is not one-to-one): accents then never
    /// count against a match.
    accents: Option<Vec<Accent>>,
}

/// The Vietnamese marks on one letter: a modifier (breve, circumflex, horn, or the bar of đ)
/// and a tone; 0 means none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Accent {
    modifier: u8,
    tone: u8,
}

/// A procedure as the caller gave it, borrowed from the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    /// Procedure code, e.g. `1.001193`.
    pub code: &'a str,
    /// Vietnamese name (NFC).
    pub name: &'a str,
    /// Code of the field (lĩnh vực) the procedure belongs to.
    pub field: &'a str,
}

impl SearchIndex {
    /// Builds the index from `(code, name, field code)` triples; names are stored in NFC.
    pub fn new(items: impl IntoIterator<Item = (String, String, String)>) -> SearchIndex {
        let mut vocabulary: Vec<Word> = Vec::new();
        let mut ids: HashMap<Word, u32> = HashMap::new();
        // Names repeat their words ("Đăng ký", "giấy phép"…), so each whitespace-separated
        // token is analysed once. Whitespace always separates words, so a name's words are
        // its tokens' words, in order.
        let mut tokens: HashMap<String, Vec<u32>> = HashMap::new();
        let mut items: Vec<Item> = items
            .into_iter()
            .map(|(code, name, field)| {
                // Names usually arrive in NFC already; only re-compose when they do not.
                let name = if unicode_normalization::is_nfc(&name) {
                    name
                } else {
                    name.nfc().collect()
                };
                let mut words = Vec::new();
                for token in name.split_whitespace() {
                    if let Some(known) = tokens.get(token) {
                        words.extend_from_slice(known);
                        continue;
                    }
                    let token_words: Vec<u32> = words_of(token)
                        .into_iter()
                        .map(|w| {
                            *ids.entry(w).or_insert_with_key(|w| {
                                vocabulary.push(w.clone());
                                (vocabulary.len() - 1) as u32
                            })
                        })
                        .collect();
                    words.extend_from_slice(&token_words);
                    tokens.insert(token.to_string(), token_words);
                }
                Item {
                    code_key: code.trim().to_lowercase(),
                    code,
                    name,
                    field,
                    words,
                    rank: 0,
                }
            })
            .collect();
        let mut by_name: Vec<u32> = (0..items.len() as u32).collect();
        // Stable sort: equal names keep insertion order.
        by_name.sort_by_cached_key(|i| collate::sort_key(&items[*i as usize].name));
        for (rank, i) in by_name.iter().enumerate() {
            items[*i as usize].rank = rank as u32;
        }
        SearchIndex {
            items,
            vocabulary,
            by_name,
        }
    }

    /// Number of procedures.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the catalogue is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The procedure at `index` (insertion order), as returned by [`SearchIndex::search`].
    pub fn get(&self, index: usize) -> Option<Entry<'_>> {
        self.items.get(index).map(|item| Entry {
            code: &item.code,
            name: &item.name,
            field: &item.field,
        })
    }

    /// Indices (insertion order) of the best `limit` matches for `query`, best first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<usize> {
        self.search_ordered(query, limit, Order::Relevance)
    }

    /// Like [`SearchIndex::search`], in the order asked for.
    pub fn search_ordered(&self, query: &str, limit: usize, order: Order) -> Vec<usize> {
        if limit == 0 {
            return Vec::new();
        }
        let mut query_words = words_of(&query.nfc().collect::<String>());
        query_words.truncate(MAX_QUERY_WORDS);
        let code_query = code_query(query);
        if query_words.is_empty() && code_query.is_none() {
            return self
                .by_name
                .iter()
                .take(limit)
                .map(|i| *i as usize)
                .collect();
        }

        // For each vocabulary word, which query words it matches (bit i = query word i),
        // ignoring accents and respecting them.
        let mut folded_mask = vec![0u32; self.vocabulary.len()];
        let mut accent_mask = vec![0u32; self.vocabulary.len()];
        for (bit, q) in query_words.iter().enumerate() {
            for (id, word) in self.vocabulary.iter().enumerate() {
                if word.folded.starts_with(&q.folded) {
                    folded_mask[id] |= 1 << bit;
                    if accents_agree(q, word) {
                        accent_mask[id] |= 1 << bit;
                    }
                }
            }
        }
        let n = query_words.len();
        let all = if n == 0 { 0 } else { u32::MAX >> (32 - n) };

        let mut hits: Vec<(u64, u32)> = Vec::new();
        for (index, item) in self.items.iter().enumerate() {
            let code_hit = code_query
                .as_deref()
                .is_some_and(|q| item.code_key.starts_with(q));
            let name_hit = n > 0
                && item
                    .words
                    .iter()
                    .fold(0, |m, w| m | folded_mask[*w as usize])
                    == all;
            if !code_hit && !name_hit {
                continue;
            }
            let in_order_at = |start: usize| {
                item.words[start..]
                    .iter()
                    .take(n)
                    .enumerate()
                    .all(|(i, w)| folded_mask[*w as usize] & (1 << i) != 0)
            };
            let long_enough = item.words.len() >= n;
            let class: u64 = if code_hit || (name_hit && long_enough && in_order_at(0)) {
                0
            } else if name_hit && long_enough && (1..=item.words.len() - n).any(in_order_at) {
                1
            } else {
                2
            };
            let accents_match = (code_hit && !name_hit)
                || item
                    .words
                    .iter()
                    .fold(0, |m, w| m | accent_mask[*w as usize])
                    == all;
            let key = match order {
                Order::Relevance => {
                    class << 40 | u64::from(!accents_match) << 32 | u64::from(item.rank)
                }
                Order::Alphabetical => u64::from(item.rank),
            };
            hits.push((key, index as u32));
        }

        if hits.len() > limit {
            hits.select_nth_unstable(limit);
            hits.truncate(limit);
        }
        hits.sort_unstable();
        hits.into_iter().map(|(_, i)| i as usize).collect()
    }
}

/// The query as a code prefix, if it is only digits and dots with at least one digit.
fn code_query(query: &str) -> Option<String> {
    let q = query.trim();
    let code_like =
        q.bytes().all(|b| b.is_ascii_digit() || b == b'.') && q.bytes().any(|b| b.is_ascii_digit());
    code_like.then(|| q.to_string())
}

/// Splits NFC text into folded words, each with the accents of its letters.
fn words_of(nfc: &str) -> Vec<Word> {
    let is_break = |c: char| !c.is_alphanumeric();
    let folded = text::fold(nfc);
    let folded_words = folded.split(is_break).filter(|w| !w.is_empty());

    // The same split, letter by letter, keeping each letter's marks. It follows fold's rules
    // but is only trusted where it produced exactly fold's words.
    let mut accented: Vec<(String, Vec<Accent>)> = Vec::new();
    let mut current: (String, Vec<Accent>) = (String::new(), Vec::new());
    let mut push = |letter: char, current: &mut (String, Vec<Accent>)| {
        if is_break(letter) {
            if !current.0.is_empty() {
                accented.push(std::mem::take(current));
            }
        } else {
            current.0.push(letter);
            current.1.push(Accent::NONE);
        }
    };
    for c in nfc.chars() {
        if c.is_ascii() {
            // Most letters of a Vietnamese name: skip the decomposition machinery.
            push(c.to_ascii_lowercase(), &mut current);
            continue;
        }
        let first = current.1.len();
        let mut accent = Accent::NONE;
        decompose_canonical(c, |d| match d {
            '\u{0306}' => accent.modifier = 1,
            '\u{0302}' => accent.modifier = 2,
            '\u{031B}' => accent.modifier = 3,
            '\u{0300}' => accent.tone = 1,
            '\u{0309}' => accent.tone = 2,
            '\u{0303}' => accent.tone = 3,
            '\u{0301}' => accent.tone = 4,
            '\u{0323}' => accent.tone = 5,
            // fold drops every mark in this block.
            '\u{0300}'..='\u{036F}' => {}
            'đ' | 'Đ' => {
                accent.modifier = 4;
                push('d', &mut current);
            }
            other => other.to_lowercase().for_each(|l| push(l, &mut current)),
        });
        // The marks belong to the letter's first folded character, if it was kept.
        if let Some(slot) = current.1.get_mut(first) {
            *slot = accent;
        }
    }
    if !current.0.is_empty() {
        accented.push(current);
    }

    let mut accented = accented.into_iter();
    let mut aligned = true;
    let mut out: Vec<Word> = folded_words
        .map(|w| {
            let accents = match accented.next() {
                Some((text, accents)) if aligned && text == w => Some(accents),
                _ => {
                    aligned = false;
                    None
                }
            };
            Word {
                folded: w.to_string(),
                accents,
            }
        })
        .collect();
    if !aligned || accented.next().is_some() {
        // Once the two splits disagree, later words may be paired wrongly: drop them all.
        for w in &mut out {
            w.accents = None;
        }
    }
    out
}

impl Accent {
    const NONE: Accent = Accent {
        modifier: 0,
        tone: 0,
    };
}

/// Whether the marks typed in `query` agree with the start of `word` (see the module doc).
fn accents_agree(query: &Word, word: &Word) -> bool {
    let (Some(typed), Some(found)) = (&query.accents, &word.accents) else {
        return true;
    };
    typed.iter().zip(found).all(|(t, f)| {
        (t.modifier == 0 || t.modifier == f.modifier) && (t.tone == 0 || t.tone == f.tone)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOGUE: [(&str, &str, &str); 14] = [
        ("1.001193", "Đăng ký kết hôn", "HT"),
        ("1.000894", "Đăng ký khai sinh", "HT"),
        ("1.000656", "Đăng ký khai tử", "HT"),
        ("1.001022", "Cấp bản sao trích lục hộ tịch", "HT"),
        (
            "1.000235.000.00.00.H42",
            "Chứng thực bản sao từ bản chính",
            "CT",
        ),
        ("2.000815", "Chứng thực chữ ký", "CT"),
        ("1.003583", "Thủ tục hòa giải tranh chấp đất đai", "DD"),
        ("1.003584", "Công nhận hoà giải viên", "HGCS"),
        ("2.001987", "Dừng trợ cấp xã hội", "BTXH"),
        ("1.001612", "Đổi giấy phép lái xe", "GT"),
        ("1.011608", "Cấp giấy phép xây dựng", "XD"),
        ("2.000046", "Đăng ký hộ kinh doanh", "KD"),
        ("1.001137", "Xác nhận tình trạng hôn nhân", "HT"),
        ("1.004947", "Kết hôn có yếu tố nước ngoài", "HT"),
    ];

    fn index() -> SearchIndex {
        SearchIndex::new(
            CATALOGUE
                .iter()
                .map(|(c, n, f)| (c.to_string(), n.to_string(), f.to_string())),
        )
    }

    fn names(index: &SearchIndex, query: &str) -> Vec<String> {
        index
            .search(query, 100)
            .into_iter()
            .map(|i| index.get(i).unwrap().name.to_string())
            .collect()
    }

    #[test]
    fn finds_marriage_registration_without_accents() {
        let idx = index();
        assert_eq!(names(&idx, "dang ky ket hon"), ["Đăng ký kết hôn"]);
        assert_eq!(names(&idx, "ĐĂNG KÝ KẾT HÔN"), ["Đăng ký kết hôn"]);
        assert_eq!(names(&idx, "  dang   ky  ket  ho"), ["Đăng ký kết hôn"]);
    }

    #[test]
    fn words_match_in_any_order() {
        let idx = index();
        assert_eq!(names(&idx, "ket hon dang"), ["Đăng ký kết hôn"]);
        assert_eq!(names(&idx, "sinh khai"), ["Đăng ký khai sinh"]);
        assert!(names(&idx, "ket hon xyz").is_empty());
    }

    #[test]
    fn tone_placement_variants_both_match() {
        let idx = index();
        let found = names(&idx, "hoa giai");
        assert_eq!(found.len(), 2);
        assert!(found.contains(&"Thủ tục hòa giải tranh chấp đất đai".to_string()));
        assert!(found.contains(&"Công nhận hoà giải viên".to_string()));
    }

    #[test]
    fn d_finds_both_d_and_d_bar() {
        let idx = index();
        let found = names(&idx, "d");
        for name in [
            "Dừng trợ cấp xã hội",
            "Đăng ký kết hôn",
            "Đổi giấy phép lái xe",
            "Thủ tục hòa giải tranh chấp đất đai",
            "Cấp giấy phép xây dựng",
            "Đăng ký hộ kinh doanh",
        ] {
            assert!(found.contains(&name.to_string()), "{name}");
        }
        assert!(!found.contains(&"Chứng thực chữ ký".to_string()));
    }

    #[test]
    fn ranking_start_then_in_order_then_the_rest() {
        let idx = index();
        assert_eq!(
            names(&idx, "ket hon"),
            [
                // Starts with the query.
                "Kết hôn có yếu tố nước ngoài",
                // In order, later in the name.
                "Đăng ký kết hôn",
            ]
        );
        assert_eq!(
            names(&idx, "hon"),
            [
                "Đăng ký kết hôn",
                "Kết hôn có yếu tố nước ngoài",
                "Xác nhận tình trạng hôn nhân",
            ],
            "one word, never first: all in the second class, so collation order"
        );
        assert_eq!(
            names(&idx, "ban sao"),
            [
                "Cấp bản sao trích lục hộ tịch",
                "Chứng thực bản sao từ bản chính",
            ]
        );
        assert_eq!(
            names(&idx, "sao ban"),
            [
                // "sao ban" occurs in order in neither; collation decides.
                "Cấp bản sao trích lục hộ tịch",
                "Chứng thực bản sao từ bản chính",
            ]
        );
        assert_eq!(
            names(&idx, "dang ky k"),
            [
                "Đăng ký kết hôn",
                "Đăng ký khai sinh",
                "Đăng ký khai tử",
                // "k" matches "kinh", but not right after "ký".
                "Đăng ký hộ kinh doanh",
            ]
        );
    }

    #[test]
    fn class_beats_collation() {
        let idx = index();
        let found = names(&idx, "cap");
        assert_eq!(
            found,
            [
                "Cấp bản sao trích lục hộ tịch",
                "Cấp giấy phép xây dựng",
                "Dừng trợ cấp xã hội",
            ]
        );
        let found = names(&idx, "giay phep");
        assert_eq!(found, ["Cấp giấy phép xây dựng", "Đổi giấy phép lái xe"]);
    }

    #[test]
    fn typed_accents_rank_exact_matches_first_within_a_class() {
        let idx = index();
        assert_eq!(
            names(&idx, "hoà giải"),
            [
                "Công nhận hoà giải viên",
                "Thủ tục hòa giải tranh chấp đất đai"
            ]
        );
        assert_eq!(
            names(&idx, "hòa giải"),
            [
                "Thủ tục hòa giải tranh chấp đất đai",
                "Công nhận hoà giải viên"
            ]
        );
        // Without accents: collation order (C before T).
        assert_eq!(
            names(&idx, "hoa giai"),
            [
                "Công nhận hoà giải viên",
                "Thủ tục hòa giải tranh chấp đất đai"
            ]
        );
        // "đ" prefers Đ words; D words still follow.
        let found = names(&idx, "đ");
        let dung = found
            .iter()
            .position(|n| n == "Dừng trợ cấp xã hội")
            .unwrap();
        let dang = found.iter().position(|n| n == "Đăng ký kết hôn").unwrap();
        assert!(dang < dung, "{found:?}");
        // "d" without accent: Dừng (D) sorts before Đăng (Đ) in collation.
        let found = names(&idx, "d");
        assert_eq!(found[0], "Dừng trợ cấp xã hội");
        // Telex in progress: the tone is not typed yet, the circumflex is and agrees.
        assert_eq!(names(&idx, "kêt hôn")[0], "Kết hôn có yếu tố nước ngoài");
        // Accent preference never outranks the class.
        assert_eq!(
            names(&idx, "kết hôn"),
            ["Kết hôn có yếu tố nước ngoài", "Đăng ký kết hôn"]
        );
    }

    #[test]
    fn accents_agree_rules() {
        let w = |s: &str| words_of(s).remove(0);
        assert!(accents_agree(&w("kêt"), &w("kết")));
        assert!(accents_agree(&w("ket"), &w("kết")));
        assert!(accents_agree(&w("kế"), &w("kết")));
        // Tone typed, circumflex not (yet): the typed tone agrees, the missing mark is open.
        assert!(accents_agree(&w("két"), &w("kết")));
        assert!(!accents_agree(&w("kèt"), &w("kết")));
        assert!(!accents_agree(&w("hô"), &w("hơn")));
        assert!(!accents_agree(&w("hoà"), &w("hòa")));
        assert!(!accents_agree(&w("đ"), &w("dừng")));
        assert!(accents_agree(&w("d"), &w("đăng")));
        assert!(!accents_agree(&w("ă"), &w("âm")));
    }

    #[test]
    fn words_follow_text_fold() {
        for name in [
            "Bồi thường, hỗ trợ khi thu hồi đất",
            "Đăng ký hộ kinh doanh/hợp tác xã (cấp xã)",
            "Chu\u{031B}\u{0301}ng thu\u{031B}\u{0323}c",
            "ΣΊΣΥΦΟΣ straße İstanbul",
        ] {
            let nfc: String = name.nfc().collect();
            let ours: Vec<String> = words_of(&nfc).into_iter().map(|w| w.folded).collect();
            let fold = text::fold(name);
            let expected: Vec<&str> = fold
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            assert_eq!(ours, expected);
        }
        let words = words_of("Đăng ký hộ kinh doanh/hợp tác xã");
        assert_eq!(words[4].folded, "doanh");
        assert_eq!(words[5].folded, "hop");
        assert!(words.iter().all(|w| w.accents.is_some()));
    }

    #[test]
    fn index_words_are_the_names_words() {
        let idx = index();
        for item in &idx.items {
            let stored: Vec<&Word> = item
                .words
                .iter()
                .map(|w| &idx.vocabulary[*w as usize])
                .collect();
            let direct = words_of(&item.name);
            assert_eq!(stored, direct.iter().collect::<Vec<_>>(), "{}", item.name);
        }
        let distinct: std::collections::HashSet<&Word> = idx.vocabulary.iter().collect();
        assert_eq!(distinct.len(), idx.vocabulary.len());
    }

    #[test]
    fn code_search() {
        let idx = index();
        let found = idx.search("1.0011", 10);
        let codes: Vec<&str> = found.iter().map(|i| idx.get(*i).unwrap().code).collect();
        assert_eq!(codes.len(), 2);
        assert!(codes.contains(&"1.001193") && codes.contains(&"1.001137"));
        assert_eq!(
            idx.get(idx.search(" 2.000815 ", 10)[0]).unwrap().name,
            "Chứng thực chữ ký"
        );
        assert_eq!(idx.search("1.000235.000", 10).len(), 1);
        assert!(idx.search("9.9", 10).is_empty());
        // Not code-like: searched as words only.
        assert!(idx.search("1.001193 x", 10).is_empty());
    }

    #[test]
    fn empty_query_lists_everything_in_collation_order() {
        let idx = index();
        let all = names(&idx, "");
        assert_eq!(all.len(), CATALOGUE.len());
        let mut sorted = all.clone();
        collate::sort(&mut sorted);
        assert_eq!(all, sorted);
        assert_eq!(names(&idx, "  ,. "), all);
    }

    #[test]
    fn limit_is_respected() {
        let idx = index();
        assert!(idx.search("dang", 0).is_empty());
        assert_eq!(idx.search("", 3).len(), 3);
        let all = idx.search("dang ky", 100);
        assert_eq!(all.len(), 4);
        assert_eq!(idx.search("dang ky", 2), all[..2]);
        assert_eq!(idx.search("d", 1), idx.search("d", 100)[..1]);
    }

    #[test]
    fn accessors() {
        let idx = index();
        assert_eq!(idx.len(), CATALOGUE.len());
        assert!(!idx.is_empty());
        assert_eq!(
            idx.get(0),
            Some(Entry {
                code: "1.001193",
                name: "Đăng ký kết hôn",
                field: "HT"
            })
        );
        assert_eq!(idx.get(99), None);
        let empty = SearchIndex::new(Vec::new());
        assert!(empty.is_empty());
        assert!(empty.search("", 10).is_empty());
        assert!(empty.search("dang", 10).is_empty());
    }

    #[test]
    fn decomposed_names_and_queries_are_normalised() {
        let idx = SearchIndex::new([(
            "1".to_string(),
            "Ho\u{0323}\u{0302} ti\u{0323}ch".to_string(),
            "HT".to_string(),
        )]);
        assert_eq!(idx.get(0).unwrap().name, "Hộ tịch");
        assert_eq!(idx.search("ho\u{0302}\u{0323} t", 5), [0]);
    }

    #[test]
    fn many_query_words_do_not_overflow() {
        let idx = index();
        let long = "dang ".repeat(40);
        assert_eq!(idx.search(&long, 10).len(), 4);
    }

    proptest::proptest! {
        #[test]
        fn results_are_distinct_in_range_and_match_prefixes(q in "[a-zđăâêôơư ]{0,12}") {
            let idx = index();
            let found = idx.search(&q, 100);
            let mut sorted = found.clone();
            sorted.sort_unstable();
            sorted.dedup();
            proptest::prop_assert_eq!(sorted.len(), found.len());
            for i in &found {
                let name = text::fold(idx.get(*i).unwrap().name);
                for w in text::fold(&q).split(' ').filter(|w| !w.is_empty()) {
                    proptest::prop_assert!(name.split(' ').any(|n| n.starts_with(w)), "{} {}", name, w);
                }
            }
        }

        #[test]
        fn arbitrary_queries_never_panic(q in "\\PC{0,40}") {
            let _ = index().search(&q, 5);
        }
    }

    #[test]
    fn alphabetical_order_ignores_the_match_class() {
        let idx = SearchIndex::new(
            [
                "Liên thông đăng ký khai tử",
                "Đăng ký khai tử",
                "Cấp bản sao khai tử",
            ]
            .iter()
            .map(|n| (String::new(), n.to_string(), "HT".to_string())),
        );
        let names = |order| -> Vec<&str> {
            idx.search_ordered("khai tu", 10, order)
                .into_iter()
                .map(|i| idx.get(i).unwrap().name)
                .collect()
        };
        assert_eq!(
            names(Order::Alphabetical),
            [
                "Cấp bản sao khai tử",
                "Đăng ký khai tử",
                "Liên thông đăng ký khai tử"
            ]
        );
        assert_eq!(names(Order::Relevance).len(), 3);
    }
}
