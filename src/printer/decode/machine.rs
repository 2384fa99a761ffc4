//! The decoder's state machine: one pass over the bytes, command by command.

use unicode_normalization::UnicodeNormalization;

use super::tables::{CP1258, TCVN3_LOWER, TCVN3_UPPER};
use super::*;

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

pub(super) struct Decoder<'a> {
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
    /// A decoder at the start of `bytes`, in the printer's power-on state.
    pub(super) fn new(bytes: &'a [u8], options: &DecodeOptions) -> Decoder<'a> {
        Decoder {
            bytes,
            pos: 0,
            options: options.clone(),
            st: State::default(),
            line: String::new(),
            line_style: None,
            mixed_style_warned: false,
            out: Decoded::default(),
        }
    }

    /// Decodes every byte and returns what the paper shows.
    pub(super) fn run(mut self) -> Decoded {
        self.run_all();
        self.out
    }

    fn run_all(&mut self) {
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
