//! A small ESC/POS command builder: only the commands a queue ticket needs, each spelled
//! once as a named constant.

use super::cp1258::Cp1258Writer;
use super::profile::TextMode;
use super::raster_text::render_line;
use super::tcvn3::Tcvn3Writer;
use unicode_normalization::UnicodeNormalization;

const ESC: u8 = 0x1B;
const GS: u8 = 0x1D;
const FS: u8 = 0x1C;
const LF: u8 = 0x0A;

/// `ESC @`: reset modes (and, on Epson, the code page back to 0).
const INITIALIZE: [u8; 2] = [ESC, b'@'];
/// `FS .`: some Chinese firmware starts in Kanji mode and would print our high bytes as CJK.
const CANCEL_KANJI: [u8; 2] = [FS, b'.'];
/// `ESC a n`.
const SELECT_JUSTIFICATION: [u8; 2] = [ESC, b'a'];
/// `ESC E n`.
const EMPHASIZED: [u8; 2] = [ESC, b'E'];
/// `GS ! n`: width multiplier − 1 in the high nibble, height multiplier − 1 in the low one.
const CHARACTER_SIZE: [u8; 2] = [GS, b'!'];
/// `ESC d n`: print and feed n lines.
const FEED_LINES: [u8; 2] = [ESC, b'd'];
/// `ESC J n`: feed n dots.
const FEED_DOTS: [u8; 2] = [ESC, b'J'];
/// Paper left between two raster text lines (times the height multiplier), in dots.
const RASTER_LINE_GAP_DOTS: u8 = 5;
/// Invisible characters that carry no meaning on paper.
const INVISIBLE: &[char] = &[
    '\u{00AD}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}',
];
/// `GS V m n` with m = 66: feed to the cutter plus n dots, then partial cut.
const CUT_AFTER_FEED: [u8; 3] = [GS, b'V', 66];
/// `GS v 0 m`: raster bit image, normal density.
const RASTER_IMAGE: [u8; 4] = [GS, b'v', b'0', 0];

/// `GS ( k` header; followed by pL pH cn fn [parameters].
const SYMBOL: [u8; 3] = [GS, b'(', b'k'];
/// cn for QR Code.
const QR: u8 = 49;
const QR_FN_MODEL: u8 = 65;
const QR_FN_MODULE_SIZE: u8 = 67;
const QR_FN_ERROR_LEVEL: u8 = 69;
const QR_FN_STORE: u8 = 80;
const QR_FN_PRINT: u8 = 81;
/// Model 2: the QR every phone reads (model 1 is obsolete; `escpos` defaults to it).
const QR_MODEL_2: u8 = 50;
/// Level M (15 %): a thermal print survives a crease, and the symbol stays small.
const QR_LEVEL_M: u8 = 49;
/// The `m` byte of store/print: always 48.
const QR_M: u8 = 48;
/// Module sizes the printer accepts.
const QR_MODULE_RANGE: std::ops::RangeInclusive<u8> = 1..=16;
/// The largest payload the printer can hold (QR version 40, level M, byte mode).
const QR_MAX_PAYLOAD: usize = 2331;
/// Quiet zone around a QR sent as raster, in modules (required by the standard).
const QR_QUIET_ZONE: usize = 4;

/// Size multipliers the printer accepts.
const SIZE_RANGE: std::ops::RangeInclusive<u8> = 1..=8;

/// Horizontal position of a line, as `ESC a` sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

impl Align {
    fn code(self) -> u8 {
        match self {
            Align::Left => 0,
            Align::Center => 1,
            Align::Right => 2,
        }
    }
}

/// Encodes text for the profile's text mode; one variant per mode.
#[derive(Debug, Clone)]
enum TextWriter {
    Tcvn3(Tcvn3Writer),
    Cp1258(Cp1258Writer),
    /// Lines are collected and drawn as images by [`EscPos::lf`]; only ASCII reaches `write`.
    Raster,
}

impl TextWriter {
    fn new(mode: &TextMode) -> TextWriter {
        match *mode {
            TextMode::Tcvn3 {
                lower_page,
                upper_page,
            } => TextWriter::Tcvn3(Tcvn3Writer::new(lower_page, upper_page)),
            TextMode::Cp1258 { page } => TextWriter::Cp1258(Cp1258Writer::new(page)),
            TextMode::Raster => TextWriter::Raster,
        }
    }

    fn reset(&mut self) {
        match self {
            TextWriter::Tcvn3(w) => w.reset(),
            TextWriter::Cp1258(w) => w.reset(),
            TextWriter::Raster => {}
        }
    }

    fn write(&mut self, text: &str, out: &mut Vec<u8>) {
        match self {
            TextWriter::Tcvn3(w) => w.write(text, out),
            TextWriter::Cp1258(w) => w.write(text, out),
            TextWriter::Raster => out.extend(text.bytes().filter(|b| (0x20..0x7F).contains(b))),
        }
    }

    fn unencodable(&self) -> usize {
        match self {
            TextWriter::Tcvn3(w) => w.unencodable(),
            TextWriter::Cp1258(w) => w.unencodable(),
            TextWriter::Raster => 0,
        }
    }
}

/// Builds one print job as bytes.
#[derive(Debug, Clone)]
pub struct EscPos {
    buf: Vec<u8>,
    text: TextWriter,
    /// Paper width in dots (raster text is kept within it).
    dots: u16,
    /// The current line in raster mode, drawn at the next `lf`.
    pending: String,
    bold: bool,
    width: u8,
    height: u8,
}

impl EscPos {
    /// An empty job whose text is encoded for `mode`.
    ///
    /// Paper is assumed 576 dots wide; see [`EscPos::with_paper`].
    pub fn new(mode: &TextMode) -> EscPos {
        EscPos::with_paper(mode, 576)
    }

    /// An empty job for paper `dots` wide (matters for raster text only).
    pub fn with_paper(mode: &TextMode, dots: u16) -> EscPos {
        EscPos {
            buf: Vec::with_capacity(512),
            text: TextWriter::new(mode),
            dots,
            pending: String::new(),
            bold: false,
            width: 1,
            height: 1,
        }
    }

    /// Raster mode: sends the pending line, as text when it is plain ASCII (which every
    /// code page has), otherwise drawn from the embedded font.
    fn flush_pending(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let line: String = std::mem::take(&mut self.pending)
            .nfc()
            .filter_map(|c| match c {
                '\u{A0}' | '\u{202F}' | '\u{2007}' | '\u{2009}' | '\t' | '\n' | '\r' => Some(' '),
                c if c.is_control() || INVISIBLE.contains(&c) => None,
                c => Some(c),
            })
            .collect();
        if line.chars().all(|c| (' '..='~').contains(&c)) {
            self.buf.extend_from_slice(line.as_bytes());
            return;
        }
        match render_line(&line, self.bold, self.width, self.height, self.dots) {
            Some(img) => {
                self.raster(img.width_bytes, img.height, &img.bits);
                // A little paper between lines, as the line spacing would give.
                self.buf.extend_from_slice(&FEED_DOTS);
                self.buf.push(RASTER_LINE_GAP_DOTS * self.height.max(1));
            }
            // The line may hold a dossier code or a name: its length only.
            None => log::error!(
                "could not draw a line of {} characters",
                line.chars().count()
            ),
        }
    }

    /// `ESC @`; the printer is back on code page 0 afterwards, so the text writer forgets its page.
    pub fn init(&mut self) -> &mut Self {
        self.flush_pending();
        self.bold = false;
        self.width = 1;
        self.height = 1;
        self.buf.extend_from_slice(&INITIALIZE);
        self.text.reset();
        self
    }

    /// `FS .`: leave Kanji mode.
    pub fn cancel_kanji(&mut self) -> &mut Self {
        self.buf.extend_from_slice(&CANCEL_KANJI);
        self
    }

    /// `ESC a n`; takes effect for the next line.
    pub fn align(&mut self, align: Align) -> &mut Self {
        self.buf.extend_from_slice(&SELECT_JUSTIFICATION);
        self.buf.push(align.code());
        self
    }

    /// `ESC E n`.
    pub fn bold(&mut self, on: bool) -> &mut Self {
        self.buf.extend_from_slice(&EMPHASIZED);
        self.buf.push(u8::from(on));
        self.bold = on;
        self
    }

    /// `GS ! n` with width and height multipliers, each clamped to 1–8.
    pub fn size(&mut self, width: u8, height: u8) -> &mut Self {
        let w = width.clamp(*SIZE_RANGE.start(), *SIZE_RANGE.end()) - 1;
        let h = height.clamp(*SIZE_RANGE.start(), *SIZE_RANGE.end()) - 1;
        self.buf.extend_from_slice(&CHARACTER_SIZE);
        self.buf.push(w << 4 | h);
        self.width = w + 1;
        self.height = h + 1;
        self
    }

    /// Text on the current line, encoded for the printer (never raw UTF-8, never control bytes).
    pub fn text(&mut self, text: &str) -> &mut Self {
        if matches!(self.text, TextWriter::Raster) {
            self.pending.push_str(text);
        } else {
            self.text.write(text, &mut self.buf);
        }
        self
    }

    /// Text followed by a line feed.
    pub fn line(&mut self, text: &str) -> &mut Self {
        self.text(text).lf()
    }

    /// `LF`: print the line (or feed one empty line).
    pub fn lf(&mut self) -> &mut Self {
        if !self.pending.is_empty() {
            let before = self.buf.len();
            self.flush_pending();
            let drawn = self.buf[before..].starts_with(&RASTER_IMAGE);
            if drawn {
                // The image already advanced the paper; an LF would add an empty line.
                return self;
            }
        }
        self.buf.push(LF);
        self
    }

    /// `ESC d n`: print and feed `lines` lines.
    pub fn feed(&mut self, lines: u8) -> &mut Self {
        self.flush_pending();
        self.buf.extend_from_slice(&FEED_LINES);
        self.buf.push(lines);
        self
    }

    /// A QR code (model 2, level M) drawn by the printer, `module` dots per module (1–16).
    pub fn qr(&mut self, payload: &str, module: u8) -> &mut Self {
        self.flush_pending();
        let data = qr_data(payload);
        self.symbol(QR_FN_MODEL, &[QR_MODEL_2, 0]);
        self.symbol(
            QR_FN_MODULE_SIZE,
            &[module.clamp(*QR_MODULE_RANGE.start(), *QR_MODULE_RANGE.end())],
        );
        self.symbol(QR_FN_ERROR_LEVEL, &[QR_LEVEL_M]);
        let mut store = Vec::with_capacity(data.len() + 1);
        store.push(QR_M);
        store.extend_from_slice(data);
        self.symbol(QR_FN_STORE, &store);
        self.symbol(QR_FN_PRINT, &[QR_M]);
        self
    }

    /// The same QR (model 2, level M, with quiet zone) sent as a `GS v 0` image, for printers
    /// without a QR generator.
    pub fn qr_raster(&mut self, payload: &str, module: u8) -> &mut Self {
        let code =
            match qrcode::QrCode::with_error_correction_level(qr_data(payload), qrcode::EcLevel::M)
            {
                Ok(code) => code,
                Err(e) => {
                    log::error!("cannot make a QR code of {} bytes: {e}", payload.len());
                    return self;
                }
            };
        let module = usize::from(module.max(1));
        let modules = code.width() + 2 * QR_QUIET_ZONE;
        let colors = code.to_colors();
        let dots = modules * module;
        let row_bytes = dots.div_ceil(8);
        let mut bits = vec![0u8; row_bytes * dots];
        for y in 0..dots {
            for x in 0..dots {
                let (mx, my) = (x / module, y / module);
                let dark = mx >= QR_QUIET_ZONE
                    && my >= QR_QUIET_ZONE
                    && mx - QR_QUIET_ZONE < code.width()
                    && my - QR_QUIET_ZONE < code.width()
                    && colors[(my - QR_QUIET_ZONE) * code.width() + mx - QR_QUIET_ZONE]
                        == qrcode::Color::Dark;
                if dark {
                    bits[y * row_bytes + x / 8] |= 0x80 >> (x % 8);
                }
            }
        }
        self.raster(row_bytes as u16, dots as u16, &bits)
    }

    /// `GS v 0`: a 1-bit image, `width_bytes` × 8 dots wide, rows top to bottom.
    pub fn raster(&mut self, width_bytes: u16, height: u16, bits: &[u8]) -> &mut Self {
        self.flush_pending();
        let expected = usize::from(width_bytes) * usize::from(height);
        if bits.len() != expected {
            log::error!(
                "raster of {} bytes, expected {expected}; not sent",
                bits.len()
            );
            return self;
        }
        self.buf.extend_from_slice(&RASTER_IMAGE);
        self.buf.extend_from_slice(&width_bytes.to_le_bytes());
        self.buf.extend_from_slice(&height.to_le_bytes());
        self.buf.extend_from_slice(bits);
        self
    }

    /// `GS V 66 n`: feed past the cutter plus `extra_dots`, then cut.
    pub fn cut(&mut self, extra_dots: u8) -> &mut Self {
        self.flush_pending();
        self.buf.extend_from_slice(&CUT_AFTER_FEED);
        self.buf.push(extra_dots);
        self
    }

    /// Characters that had to be printed as `?` so far.
    pub fn unencodable(&self) -> usize {
        self.text.unencodable()
    }

    /// Bytes so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether nothing has been added yet.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The finished job.
    pub fn into_bytes(mut self) -> Vec<u8> {
        self.flush_pending();
        self.buf
    }

    fn symbol(&mut self, function: u8, params: &[u8]) {
        // Callers keep params short (qr_data caps the payload), so this always fits in u16.
        let len = (params.len() + 2) as u16;
        self.buf.extend_from_slice(&SYMBOL);
        self.buf.extend_from_slice(&len.to_le_bytes());
        self.buf.push(QR);
        self.buf.push(function);
        self.buf.extend_from_slice(params);
    }
}

/// The payload bytes, cut to what a QR symbol can hold rather than sending a command the
/// printer would reject as a whole.
fn qr_data(payload: &str) -> &[u8] {
    let data = payload.as_bytes();
    if data.len() > QR_MAX_PAYLOAD {
        log::error!(
            "QR payload of {} bytes truncated to {QR_MAX_PAYLOAD}",
            data.len()
        );
        &data[..QR_MAX_PAYLOAD]
    } else {
        data
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printer::decode::{decode, Block};

    fn tcvn3() -> TextMode {
        TextMode::Tcvn3 {
            lower_page: 30,
            upper_page: 31,
        }
    }

    #[test]
    fn qr_bytes_match_the_epson_reference() {
        let mut p = EscPos::new(&tcvn3());
        p.qr("AB", 6);
        assert_eq!(
            p.into_bytes(),
            [
                0x1D, 0x28, 0x6B, 4, 0, 49, 65, 50, 0, // model 2
                0x1D, 0x28, 0x6B, 3, 0, 49, 67, 6, // module 6
                0x1D, 0x28, 0x6B, 3, 0, 49, 69, 49, // level M
                0x1D, 0x28, 0x6B, 5, 0, 49, 80, 48, b'A', b'B', // store
                0x1D, 0x28, 0x6B, 3, 0, 49, 81, 48, // print
            ]
        );
    }

    #[test]
    fn size_and_cut_bytes() {
        let mut p = EscPos::new(&tcvn3());
        p.size(6, 6).size(1, 2).size(0, 9).cut(3);
        assert_eq!(
            p.into_bytes(),
            [0x1D, b'!', 0x55, 0x1D, b'!', 0x01, 0x1D, b'!', 0x07, 0x1D, b'V', 66, 3]
        );
    }

    #[test]
    fn init_resets_the_page() {
        let mut p = EscPos::new(&tcvn3());
        p.init().text("ơ").lf().init().text("ơ").lf();
        let bytes = p.into_bytes();
        let switches = bytes.windows(2).filter(|w| w == &[0x1B, b't']).count();
        assert_eq!(switches, 2);
    }

    #[test]
    fn raster_qr_decodes_to_an_image() {
        let mut p = EscPos::new(&tcvn3());
        p.qr_raster("https://example.vn/t/A012", 4);
        let d = decode(&p.into_bytes());
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        match &d.blocks[..] {
            [Block::Raster {
                width_dots, height, ..
            }] => {
                assert!(*width_dots >= *height && *width_dots < *height + 8);
            }
            other => panic!("{other:?}"),
        }
    }
}
