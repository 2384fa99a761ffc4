//! An ESC/POS decoder: turns the bytes we send into what a printer would put on paper.
//!
//! It exists to check the encoder, so its TCVN-3 tables are typed out here byte by byte,
//! independently of the (base letter, tone) grid in `tcvn3.rs`; a typo in either one makes
//! the round-trip tests fail instead of agreeing with itself. It must accept any garbage:
//! problems become warnings, never panics.

use super::escpos::Align;
use super::profile::TextMode;
use machine::Decoder;

mod machine;
mod tables;

pub(crate) use tables::tcvn3_repertoire;

/// What the decoder does with the high bytes after `ESC t n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodePage {
    /// TCVN-3 lowercase page ("TCVN-3-1").
    Tcvn3Lower,
    /// TCVN-3 capitals page ("TCVN-3-2").
    Tcvn3Upper,
    /// Windows-1258.
    Cp1258,
}

/// Which `ESC t` number means which page; the numbers differ between printer models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeOptions {
    /// `ESC t` number → page. Numbers not listed are unknown to the decoder.
    pub pages: Vec<(u8, CodePage)>,
}

impl Default for DecodeOptions {
    /// Epson's numbering: 30/31 TCVN-3, 52 CP1258.
    fn default() -> DecodeOptions {
        DecodeOptions {
            pages: vec![
                (30, CodePage::Tcvn3Lower),
                (31, CodePage::Tcvn3Upper),
                (52, CodePage::Cp1258),
            ],
        }
    }
}

impl DecodeOptions {
    /// The pages of these text modes (e.g. a profile's candidate modes).
    pub fn for_modes(modes: &[TextMode]) -> DecodeOptions {
        let mut pages = Vec::new();
        for m in modes {
            match *m {
                TextMode::Tcvn3 {
                    lower_page,
                    upper_page,
                } => {
                    pages.push((lower_page, CodePage::Tcvn3Lower));
                    pages.push((upper_page, CodePage::Tcvn3Upper));
                }
                TextMode::Cp1258 { page } => pages.push((page, CodePage::Cp1258)),
                TextMode::Raster => {}
            }
        }
        DecodeOptions { pages }
    }

    fn page(&self, n: u8) -> Option<CodePage> {
        self.pages.iter().find(|(k, _)| *k == n).map(|(_, p)| *p)
    }
}

const UNDEFINED: char = '_';
/// What an undefined byte becomes in decoded text, so a comparison with the input fails.
const GARBLED: char = '\u{FFFD}';
/// Epson's default line spacing (`ESC 2`), in dots.
pub const DEFAULT_LINE_SPACING: u32 = 30;
/// Garbage input could otherwise produce one warning per byte.
const MAX_WARNINGS: usize = 200;

/// One thing that ends up on paper, top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// One printed line of text (attributes as of its first character).
    Text {
        text: String,
        align: Align,
        bold: bool,
        width: u8,
        height: u8,
    },
    /// A QR code printed by the printer from `GS ( k` data.
    Qr {
        payload: String,
        module: u8,
        level: char,
        model: u8,
        align: Align,
    },
    /// A `GS v 0` image: rows of `width_dots / 8` bytes, most significant bit leftmost.
    Raster {
        width_dots: u32,
        height: u32,
        bits: Vec<u8>,
        align: Align,
    },
    /// Blank paper.
    Feed { dots: u32 },
    /// The cutter fires here.
    Cut,
}

/// Everything the printer would do with a byte stream, plus what looked wrong.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decoded {
    pub blocks: Vec<Block>,
    pub warnings: Vec<String>,
}

impl Decoded {
    /// The printed text lines, in order.
    pub fn text_lines(&self) -> Vec<String> {
        self.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Text { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }
}

/// Decodes with Epson's page numbers (30/31 TCVN-3, 52 CP1258).
pub fn decode(bytes: &[u8]) -> Decoded {
    decode_with_options(bytes, &DecodeOptions::default())
}

/// Decodes for a printer that has TCVN-3 under other `ESC t` numbers (and no CP1258).
pub fn decode_with_pages(bytes: &[u8], tcvn3_lower: u8, tcvn3_upper: u8) -> Decoded {
    decode_with_modes(
        bytes,
        &[TextMode::Tcvn3 {
            lower_page: tcvn3_lower,
            upper_page: tcvn3_upper,
        }],
    )
}

/// Decodes with the pages of these text modes (e.g. `&profile.modes`).
pub fn decode_with_modes(bytes: &[u8], modes: &[TextMode]) -> Decoded {
    decode_with_options(bytes, &DecodeOptions::for_modes(modes))
}

/// Decodes with an explicit `ESC t` number → page map.
pub fn decode_with_options(bytes: &[u8], options: &DecodeOptions) -> Decoded {
    Decoder::new(bytes, options).run()
}

#[cfg(test)]
mod tests {
    use super::tables::{CP1258, TCVN3_LOWER, TCVN3_UPPER};
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn tables_are_well_formed() {
        for table in [&TCVN3_LOWER, &TCVN3_UPPER] {
            for row in table.iter() {
                assert_eq!(row.chars().count(), 16, "{row}");
                assert_eq!(row.nfc().collect::<String>(), *row, "{row} is not NFC");
            }
            let defined = table.concat().chars().filter(|&c| c != UNDEFINED).count();
            assert_eq!(defined, 67);
        }
        // Capitals sit exactly where their lowercase letters are, except Ă Â Đ.
        let lower: Vec<char> = TCVN3_LOWER.concat().chars().collect();
        let upper: Vec<char> = TCVN3_UPPER.concat().chars().collect();
        for (i, (l, u)) in lower.iter().zip(&upper).enumerate() {
            if *l != UNDEFINED && *u != UNDEFINED {
                assert_eq!(l.to_uppercase().next(), Some(*u), "byte 0x{:02X}", i + 0x80);
            }
        }
        assert_eq!(upper[0xA7 - 0x80], '\u{0110}');
    }

    #[test]
    fn cp1258_table_is_well_formed() {
        for row in CP1258.iter() {
            assert_eq!(row.chars().count(), 16, "{row}");
        }
        let all: Vec<char> = CP1258.concat().chars().collect();
        assert_eq!(all.iter().filter(|&&c| c == UNDEFINED).count(), 9);
        assert_eq!(all[0xCC - 0x80], '\u{0300}');
        assert_eq!(all[0xD0 - 0x80], '\u{0110}');
        assert_eq!(all[0xFE - 0x80], '\u{20AB}');
    }

    #[test]
    fn cp1258_split_marks_compose() {
        let d = decode(b"\x1bt\x34Th\xfd\xd2 t\xfbc \xd0\xe3\xf2ng\n");
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        // 0xFB is û in CP1258; the test only checks composition of the split marks.
        assert_eq!(d.text_lines(), ["Thử tûc Đặng"]);
        let d = decode_with_modes(b"\x1bt\x5e\xe1\n", &[TextMode::Cp1258 { page: 94 }]);
        assert_eq!(d.text_lines(), ["á"]);
    }

    #[test]
    fn simple_ticket_fragment() {
        let bytes = b"\x1b@\x1c.\x1ba\x01\x1bE\x01\x1bt\x1f\xa7\x1bt\x1e\xb8ng\n\x1bE\x00\x1d!\x55A012\n\n\x1dV\x42\x03";
        let d = decode(bytes);
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        assert_eq!(
            d.blocks,
            vec![
                Block::Text {
                    text: "Đáng".into(),
                    align: Align::Center,
                    bold: true,
                    width: 1,
                    height: 1
                },
                Block::Text {
                    text: "A012".into(),
                    align: Align::Center,
                    bold: false,
                    width: 6,
                    height: 6
                },
                Block::Feed { dots: 30 },
                Block::Feed { dots: 3 },
                Block::Cut,
            ]
        );
    }

    #[test]
    fn qr_and_raster() {
        let mut b = vec![0x1D, b'(', b'k', 4, 0, 49, 65, 50, 0];
        b.extend([0x1D, b'(', b'k', 3, 0, 49, 67, 6]);
        b.extend([0x1D, b'(', b'k', 3, 0, 49, 69, 49]);
        b.extend([0x1D, b'(', b'k', 5, 0, 49, 80, 48, b'h', b'i']);
        b.extend([0x1D, b'(', b'k', 3, 0, 49, 81, 48]);
        b.extend([0x1D, b'v', b'0', 0, 1, 0, 2, 0, 0xF0, 0x0F]);
        let d = decode(&b);
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        assert_eq!(
            d.blocks,
            vec![
                Block::Qr {
                    payload: "hi".into(),
                    module: 6,
                    level: 'M',
                    model: 2,
                    align: Align::Left
                },
                Block::Raster {
                    width_dots: 8,
                    height: 2,
                    bits: vec![0xF0, 0x0F],
                    align: Align::Left
                }
            ]
        );
    }

    #[test]
    fn utf8_and_undefined_bytes_are_reported() {
        let d = decode("\x1bt\x1eThủ tục\n".as_bytes());
        assert!(
            d.warnings.iter().any(|w| w.contains("UTF-8")),
            "{:?}",
            d.warnings
        );
        assert_ne!(d.text_lines(), vec!["Thủ tục".to_string()]);
        let d = decode(b"\xb8\n");
        assert!(d.warnings.iter().any(|w| w.contains("code page 0")));
        let d = decode(b"\x1bt\x1f\xa8\n");
        assert_eq!(d.text_lines(), vec!["\u{FFFD}".to_string()]);
    }

    #[test]
    fn truncated_and_unknown_commands_warn() {
        for bytes in [
            &b"\x1b"[..],
            b"\x1bt",
            b"\x1d(k\x05\x001P0",
            b"\x1dv0\x00\x01",
            b"\x1dV\x42",
        ] {
            let d = decode(bytes);
            assert!(
                d.warnings.iter().any(|w| w.contains("truncated")),
                "{bytes:?}"
            );
        }
        assert!(!decode(b"\x1bZ").warnings.is_empty());
        assert!(!decode(b"\x1c&").warnings.is_empty());
        assert!(decode(b"\x10\x04\x01\x1dr\x01").warnings.is_empty());
    }
}
