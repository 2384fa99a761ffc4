//! An ESC/POS decoder: turns the bytes we send into what a printer would put on paper.
//!
//! It exists to check the encoder, so its TCVN-3 tables are typed out here byte by byte,
//! independently of the (base letter, tone) grid in `tcvn3.rs`; a typo in either one makes
//! the round-trip tests fail instead of agreeing with itself. It must accept any garbage:
//! problems become warnings, never panics.

use unicode_normalization::UnicodeNormalization;

use super::escpos::Align;
use super::profile::TextMode;

/// Page 30 "TCVN-3-1" (lowercase), bytes 0x80–0xFF, 16 a row; `_` marks an undefined byte.
#[rustfmt::skip]
const TCVN3_LOWER: [&str; 8] = [
    "________________", // 8x
    "________________", // 9x
    "________ăâêôơưđ_", // Ax
    "_____àảãáạ_ằẳẵắ_", // Bx
    "______ặầẩẫấậè_ẻẽ", // Cx
    "éẹềểễếệìỉ___ĩíịò", // Dx
    "_ỏõóọồổỗốộờởỡớợù", // Ex
    "_ủũúụừửữứựỳỷỹýỵ_", // Fx
];

/// Page 31 "TCVN-3-2" (capitals), bytes 0x80–0xFF; A7 is Đ U+0110 (not Ð U+00D0).
#[rustfmt::skip]
const TCVN3_UPPER: [&str; 8] = [
    "________________", // 8x
    "________________", // 9x
    "_ĂÂ____Đ__ÊÔƠƯ__", // Ax
    "_____ÀẢÃÁẠ_ẰẲẴẮ_", // Bx
    "______ẶẦẨẪẤẬÈ_ẺẼ", // Cx
    "ÉẸỀỂỄẾỆÌỈ___ĨÍỊÒ", // Dx
    "_ỎÕÓỌỒỔỖỐỘỜỞỠỚỢÙ", // Ex
    "_ỦŨÚỤỪỬỮỨỰỲỶỸÝỴ_", // Fx
];

/// Windows-1258 (CP1258), bytes 0x80–0xFF, typed from the code chart independently of the
/// (byte, code point) list in `cp1258.rs`. `_` is undefined; the tone marks are combining
/// characters (CC grave, D2 hook, DE tilde, EC acute, F2 dot below), so they are escaped.
#[rustfmt::skip]
const CP1258: [&str; 8] = [
    "€_‚ƒ„…†‡ˆ‰_‹Œ___", // 8x
    "_‘’“”•–—˜™_›œ__Ÿ", // 9x
    "\u{A0}¡¢£¤¥¦§¨©ª«¬\u{AD}®¯", // Ax
    "°±²³´µ¶·¸¹º»¼½¾¿", // Bx
    "ÀÁÂĂÄÅÆÇÈÉÊË\u{300}ÍÎÏ", // Cx
    "ĐÑ\u{309}ÓÔƠÖ×ØÙÚÛÜƯ\u{303}ß", // Dx
    "àáâăäåæçèéêë\u{301}íîï", // Ex
    "đñ\u{323}óôơö÷øùúûüư₫ÿ", // Fx
];

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
    let mut d = Decoder {
        bytes,
        pos: 0,
        options: options.clone(),
        st: State::default(),
        line: String::new(),
        line_style: None,
        mixed_style_warned: false,
        out: Decoded::default(),
    };
    d.run();
    d.out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Style {
    align: Align,
    bold: bool,
    width: u8,
    height: u8,
}

#[derive(Debug, Clone)]
struct State {
    page: u8,
    style: Style,
    line_spacing: u32,
    kanji: bool,
    qr_model: u8,
    qr_module: u8,
    qr_level: char,
    qr_data: Option<Vec<u8>>,
}

impl Default for State {
    fn default() -> State {
        // Power-on defaults of an Epson printer; QR defaults per the Epson reference.
        State {
            page: 0,
            style: Style {
                align: Align::Left,
                bold: false,
                width: 1,
                height: 1,
            },
            line_spacing: DEFAULT_LINE_SPACING,
            kanji: false,
            qr_model: 2,
            qr_module: 3,
            qr_level: 'L',
            qr_data: None,
        }
    }
}

struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
    options: DecodeOptions,
    st: State,
    line: String,
    line_style: Option<Style>,
    mixed_style_warned: bool,
    out: Decoded,
}

impl<'a> Decoder<'a> {
    fn run(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                0x0A => {
                    self.pos += 1;
                    self.line_feed();
                }
                // CR only matters with auto line feed, which ticket printers run without.
                0x0D => self.pos += 1,
                0x1B => self.esc(),
                0x1D => self.gs(),
                0x1C => self.fs(),
                0x10 => self.dle(),
                0x20..=0x7E => {
                    self.pos += 1;
                    self.push_char(b as char);
                }
                0x00..=0x1F | 0x7F => {
                    self.warn(format!(
                        "stray control byte 0x{b:02X} at offset {}",
                        self.pos
                    ));
                    self.pos += 1;
                }
                _ => self.high_byte(),
            }
        }
        if !self.line.is_empty() {
            self.warn(format!(
                "{} characters at the end were never terminated by LF",
                self.line.chars().count()
            ));
            self.flush_line();
        }
    }

    fn warn(&mut self, msg: String) {
        match self.out.warnings.len() {
            n if n < MAX_WARNINGS => self.out.warnings.push(msg),
            MAX_WARNINGS => self.out.warnings.push("further warnings suppressed".into()),
            _ => {}
        }
    }

    /// The next `n` bytes including the current one; on a short read, warns and stops.
    fn take(&mut self, n: usize, what: &str) -> Option<&'a [u8]> {
        let bytes: &'a [u8] = self.bytes;
        match bytes.get(self.pos..self.pos.saturating_add(n)) {
            Some(s) => {
                self.pos += n;
                Some(s)
            }
            None => {
                self.warn(format!("truncated {what} at offset {}", self.pos));
                self.pos = bytes.len();
                None
            }
        }
    }

    fn push_char(&mut self, c: char) {
        match self.line_style {
            None => self.line_style = Some(self.st.style),
            Some(s) if s != self.st.style && !self.mixed_style_warned => {
                self.mixed_style_warned = true;
                self.warn(format!(
                    "style changed in the middle of a line at offset {}",
                    self.pos
                ));
            }
            Some(_) => {}
        }
        self.line.push(c);
    }

    fn line_feed(&mut self) {
        if self.line_style.is_some() {
            self.flush_line();
        } else {
            self.feed(self.st.line_spacing);
        }
    }

    fn flush_line(&mut self) {
        let style = self.line_style.take().unwrap_or(self.st.style);
        let text: String = self.line.nfc().collect();
        self.line.clear();
        self.mixed_style_warned = false;
        self.out.blocks.push(Block::Text {
            text,
            align: style.align,
            bold: style.bold,
            width: style.width,
            height: style.height,
        });
    }

    /// QR, raster and cut act at the start of a line; unterminated text before them is a bug.
    fn flush_before(&mut self, what: &str) {
        if self.line_style.is_some() {
            self.warn(format!("text before {what} was not terminated by LF"));
            self.flush_line();
        }
    }

    fn feed(&mut self, dots: u32) {
        if dots > 0 {
            self.out.blocks.push(Block::Feed { dots });
        }
    }

    fn page_char(&self, b: u8) -> Result<char, String> {
        let table = match self.options.page(self.st.page) {
            Some(CodePage::Tcvn3Lower) => &TCVN3_LOWER,
            Some(CodePage::Tcvn3Upper) => &TCVN3_UPPER,
            Some(CodePage::Cp1258) => &CP1258,
            None => {
                return Err(format!(
                    "code page {} is unknown to the decoder",
                    self.st.page
                ))
            }
        };
        let i = usize::from(b.wrapping_sub(0x80));
        match table[i / 16].chars().nth(i % 16) {
            Some(c) if c != UNDEFINED => Ok(c),
            _ => Err(format!("undefined in code page {}", self.st.page)),
        }
    }

    fn high_byte(&mut self) {
        let start = self.pos;
        let b = self.bytes[start];
        if let Some((c, len)) = utf8_char_at(&self.bytes[start..]) {
            let all_defined = self.bytes[start..start + len]
                .iter()
                .all(|&x| self.page_char(x).is_ok());
            if !all_defined {
                self.warn(format!(
                    "UTF-8 sequence for {c:?} (U+{:04X}) at offset {start}",
                    c as u32
                ));
            }
        }
        self.pos += 1;
        match self.page_char(b) {
            Ok(c) => self.push_char(c),
            Err(why) => {
                self.warn(format!("byte 0x{b:02X} at offset {start}: {why}"));
                self.push_char(GARBLED);
            }
        }
    }

    fn esc(&mut self) {
        let at = self.pos;
        let Some(cmd) = self.take(2, "ESC command") else {
            return;
        };
        match cmd[1] {
            b'@' => {
                if !self.line.is_empty() {
                    self.warn(format!("ESC @ at offset {at} discarded unprinted text"));
                }
                self.line.clear();
                self.line_style = None;
                let kanji = self.st.kanji;
                let qr = self.st.qr_data.take();
                self.st = State::default();
                // ESC @ leaves Kanji mode and the QR symbol storage alone on Epson firmware.
                self.st.kanji = kanji;
                self.st.qr_data = qr;
            }
            b't' => {
                if let Some(n) = self.param("ESC t") {
                    self.st.page = n;
                }
            }
            b'a' => {
                if let Some(n) = self.param("ESC a") {
                    match n {
                        0 | b'0' => self.st.style.align = Align::Left,
                        1 | b'1' => self.st.style.align = Align::Center,
                        2 | b'2' => self.st.style.align = Align::Right,
                        _ => self.warn(format!("ESC a {n} at offset {at}: no such alignment")),
                    }
                }
            }
            b'E' => {
                if let Some(n) = self.param("ESC E") {
                    self.st.style.bold = n & 1 == 1;
                }
            }
            b'!' => {
                if let Some(n) = self.param("ESC !") {
                    self.st.style.bold = n & 0x08 != 0;
                    self.st.style.height = if n & 0x10 != 0 { 2 } else { 1 };
                    self.st.style.width = if n & 0x20 != 0 { 2 } else { 1 };
                }
            }
            b'2' => self.st.line_spacing = DEFAULT_LINE_SPACING,
            b'3' => {
                if let Some(n) = self.param("ESC 3") {
                    self.st.line_spacing = u32::from(n);
                }
            }
            b'd' => {
                if let Some(n) = self.param("ESC d") {
                    let mut lines = u32::from(n);
                    if self.line_style.is_some() {
                        // Printing the pending line is itself the first line of the feed.
                        self.flush_line();
                        lines = lines.saturating_sub(1);
                    }
                    self.feed(lines * self.st.line_spacing);
                }
            }
            b'J' => {
                if let Some(n) = self.param("ESC J") {
                    if self.line_style.is_some() {
                        self.flush_line();
                    }
                    self.feed(u32::from(n));
                }
            }
            other => self.warn(format!(
                "unknown command ESC 0x{other:02X} ({}) at offset {at}",
                printable(other)
            )),
        }
    }

    fn param(&mut self, what: &str) -> Option<u8> {
        self.take(1, what).map(|s| s[0])
    }

    fn gs(&mut self) {
        let at = self.pos;
        let Some(cmd) = self.take(2, "GS command") else {
            return;
        };
        match cmd[1] {
            b'!' => {
                if let Some(n) = self.param("GS !") {
                    let (w, h) = ((n >> 4) & 0x0F, n & 0x0F);
                    if w > 7 || h > 7 {
                        self.warn(format!("GS ! 0x{n:02X} at offset {at}: size out of range"));
                    }
                    self.st.style.width = w.min(7) + 1;
                    self.st.style.height = h.min(7) + 1;
                }
            }
            b'V' => self.cut(at),
            b'(' => self.gs_paren(at),
            b'v' => self.raster(at),
            b'r' => {
                // Status request: the answer goes to the host, nothing is printed.
                self.param("GS r");
            }
            other => self.warn(format!(
                "unknown command GS 0x{other:02X} ({}) at offset {at}",
                printable(other)
            )),
        }
    }

    fn fs(&mut self) {
        let at = self.pos;
        let Some(cmd) = self.take(2, "FS command") else {
            return;
        };
        match cmd[1] {
            b'.' => self.st.kanji = false,
            b'&' => {
                self.st.kanji = true;
                self.warn(format!(
                    "FS & at offset {at}: Kanji mode on, bytes >= 0x80 would print as CJK"
                ));
            }
            other => self.warn(format!(
                "unknown command FS 0x{other:02X} ({}) at offset {at}",
                printable(other)
            )),
        }
    }

    fn dle(&mut self) {
        let at = self.pos;
        let Some(cmd) = self.take(2, "DLE command") else {
            return;
        };
        match cmd[1] {
            // DLE EOT n: real-time status, answered to the host.
            0x04 => {
                self.param("DLE EOT");
            }
            other => self.warn(format!("unknown command DLE 0x{other:02X} at offset {at}")),
        }
    }

    fn cut(&mut self, at: usize) {
        let Some(m) = self.param("GS V") else {
            return;
        };
        match m {
            0 | 1 | b'0' | b'1' => {}
            65 | 66 => {
                let Some(n) = self.param("GS V m n") else {
                    return;
                };
                self.flush_before("GS V");
                self.feed(u32::from(n));
            }
            _ => {
                self.warn(format!("GS V {m} at offset {at}: unknown cut mode"));
                return;
            }
        }
        self.flush_before("GS V");
        self.out.blocks.push(Block::Cut);
    }

    /// `GS ( X pL pH data`: every function of this family carries its own length.
    fn gs_paren(&mut self, at: usize) {
        let Some(head) = self.take(3, "GS ( header") else {
            return;
        };
        let (function, len) = (head[0], usize::from(head[1]) | usize::from(head[2]) << 8);
        let Some(body) = self.take(len, "GS ( data") else {
            return;
        };
        if function != b'k' {
            self.warn(format!(
                "unsupported command GS ( {} at offset {at}",
                printable(function)
            ));
            return;
        }
        let [cn, fun, params @ ..] = body else {
            self.warn(format!("GS ( k at offset {at}: too short"));
            return;
        };
        if *cn != 49 {
            self.warn(format!(
                "GS ( k at offset {at}: 2D symbol type {cn} is not QR"
            ));
            return;
        }
        match (*fun, params) {
            (65, [n1, ..]) => match n1 {
                49 => self.st.qr_model = 1,
                50 => self.st.qr_model = 2,
                51 => {
                    self.st.qr_model = 3;
                    self.warn(format!("QR at offset {at}: micro QR selected"));
                }
                _ => self.warn(format!("QR at offset {at}: unknown model {n1}")),
            },
            (67, [n, ..]) => {
                if (1..=16).contains(n) {
                    self.st.qr_module = *n;
                } else {
                    self.warn(format!("QR at offset {at}: module size {n} out of range"));
                }
            }
            (69, [n, ..]) => match n {
                48..=51 => self.st.qr_level = ['L', 'M', 'Q', 'H'][usize::from(n - 48)],
                _ => self.warn(format!("QR at offset {at}: unknown error level {n}")),
            },
            (80, [_m, data @ ..]) => self.st.qr_data = Some(data.to_vec()),
            (81, _) => self.print_qr(at),
            // Size information goes back to the host.
            (82, _) => {}
            (f, _) => self.warn(format!("QR at offset {at}: unknown or short function {f}")),
        }
    }

    fn print_qr(&mut self, at: usize) {
        self.flush_before("a QR code");
        let Some(data) = self.st.qr_data.clone() else {
            self.warn(format!("QR print at offset {at} with no stored data"));
            return;
        };
        let payload = match String::from_utf8(data) {
            Ok(s) => s,
            Err(e) => {
                self.warn(format!("QR data at offset {at} is not UTF-8"));
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        };
        self.out.blocks.push(Block::Qr {
            payload,
            module: self.st.qr_module,
            level: self.st.qr_level,
            model: self.st.qr_model,
            align: self.st.style.align,
        });
    }

    fn raster(&mut self, at: usize) {
        let Some(head) = self.take(6, "GS v 0 header") else {
            return;
        };
        if head[0] != b'0' {
            self.warn(format!(
                "unknown command GS v {} at offset {at}",
                printable(head[0])
            ));
            // Only "GS v" and the function byte are certain; parse on from there.
            self.pos -= 5;
            return;
        }
        let mode = head[1];
        let width_bytes = u32::from(head[2]) | u32::from(head[3]) << 8;
        let height = u32::from(head[4]) | u32::from(head[5]) << 8;
        let Some(bits) = self.take((width_bytes * height) as usize, "GS v 0 image data") else {
            return;
        };
        if !matches!(mode, 0 | 48) {
            self.warn(format!(
                "GS v 0 at offset {at}: scaled mode {mode} drawn unscaled"
            ));
        }
        if width_bytes == 0 || height == 0 {
            self.warn(format!("GS v 0 at offset {at}: empty image"));
            return;
        }
        self.flush_before("a raster image");
        self.out.blocks.push(Block::Raster {
            width_dots: width_bytes * 8,
            height,
            bits: bits.to_vec(),
            align: self.st.style.align,
        });
    }
}

/// Every character the decoder can produce from a TCVN-3 page: ASCII and the Vietnamese
/// letters (the renderer sizes its glyphs so that all of these fit a cell).
pub(crate) fn tcvn3_repertoire() -> impl Iterator<Item = char> {
    (' '..='~').chain(
        TCVN3_LOWER
            .iter()
            .chain(TCVN3_UPPER.iter())
            .flat_map(|row| row.chars())
            .filter(|&c| c != UNDEFINED),
    )
}

fn printable(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}'", b as char)
    } else {
        format!("0x{b:02X}")
    }
}

/// A valid multi-byte UTF-8 character at the start of `bytes`, with its length.
fn utf8_char_at(bytes: &[u8]) -> Option<(char, usize)> {
    let len = match bytes.first()? {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let s = std::str::from_utf8(bytes.get(..len)?).ok()?;
    s.chars().next().map(|c| (c, len))
}

#[cfg(test)]
mod tests {
    use super::*;

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
