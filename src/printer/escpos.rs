//! The ESC/POS job builder: the printer commands come from the `escpos` crate, which writes
//! them into [`ByteSink`]; our Vietnamese text (TCVN-3, CP1258, raster lines) and the few
//! commands the crate cannot send as our printers need them go through its raw-bytes call.
//! ARCHITECTURE.md ("Decisions taken here") lists which command comes from where, and why.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use ::escpos::driver::Driver;
use ::escpos::errors::Result as EscPosResult;
use ::escpos::printer::Printer;
use ::escpos::utils::{JustifyMode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption};

use super::cp1258::Cp1258Writer;
use super::profile::TextMode;
use super::raster_text::render_line;
use super::tcvn3::Tcvn3Writer;
use unicode_normalization::UnicodeNormalization;

const ESC: u8 = 0x1B;
const GS: u8 = 0x1D;
const FS: u8 = 0x1C;
const LF: u8 = 0x0A;

/// `FS .`: some Chinese firmware starts in Kanji mode and would print our high bytes as CJK.
/// The crate has no such command.
const CANCEL_KANJI: [u8; 2] = [FS, b'.'];
/// `LF`: one byte per printed line; the crate's only line feed is `ESC d 1` (three bytes).
const LINE_FEED: [u8; 1] = [LF];
/// `ESC J n`: feed n dots (not in the crate).
const FEED_DOTS: [u8; 2] = [ESC, b'J'];
/// Paper left between two raster text lines (times the height multiplier), in dots.
const RASTER_LINE_GAP_DOTS: u8 = 5;
/// Invisible characters that carry no meaning on paper.
const INVISIBLE: &[char] = &[
    '\u{00AD}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}',
];
/// `GS V m n` with m = 66: feed to the cutter plus n dots, then partial cut. The crate sends
/// only m = 65 (full cut) with n = 0 or 1.
const CUT_AFTER_FEED: [u8; 3] = [GS, b'V', 66];
/// `GS v 0 m`: raster bit image, normal density. The crate builds it only from an encoded
/// picture file, behind its `graphics` feature.
const RASTER_IMAGE: [u8; 4] = [GS, b'v', b'0', 0];

/// Model 2: the QR every phone reads (model 1 is obsolete; `escpos` defaults to it).
const QR_MODEL: QRCodeModel = QRCodeModel::Model2;
/// Level M (15 %): a thermal print survives a crease, and the symbol stays small.
const QR_LEVEL: QRCodeCorrectionLevel = QRCodeCorrectionLevel::M;
/// Module sizes the crate sends (Epson accepts 16 too; the crate caps at 15).
const QR_MODULE_RANGE: std::ops::RangeInclusive<u8> = 1..=15;
/// The largest payload the printer can hold (QR version 40, level M, byte mode).
const QR_MAX_PAYLOAD: usize = 2331;
/// Quiet zone around a QR sent as raster, in modules (required by the standard).
const QR_QUIET_ZONE: usize = 4;

/// Size multipliers the printer accepts.
const SIZE_RANGE: std::ops::RangeInclusive<u8> = 1..=8;

/// The crate's output device: it keeps what the printer would receive, so a job is a
/// `Vec<u8>` for the golden files, the virtual printer and the serial line alike.
///
/// The crate's `Driver` writes through `&self`, hence the lock; a `Mutex` rather than a
/// `RefCell` keeps [`EscPos`] `Send` and `Sync`, as it was before the crate.
#[derive(Clone, Default)]
pub struct ByteSink(Arc<Mutex<Vec<u8>>>);

impl ByteSink {
    /// The bytes, also after a panic elsewhere poisoned the lock: the lock only ever guards
    /// an append or a copy, so what it holds is still a whole job prefix.
    fn bytes(&self) -> MutexGuard<'_, Vec<u8>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Bytes received so far.
    pub fn len(&self) -> usize {
        self.bytes().len()
    }

    /// Whether nothing was received yet.
    pub fn is_empty(&self) -> bool {
        self.bytes().is_empty()
    }

    /// Whether the bytes received from `offset` on begin with `prefix`.
    fn continues_with(&self, offset: usize, prefix: &[u8]) -> bool {
        self.bytes()
            .get(offset..)
            .is_some_and(|rest| rest.starts_with(prefix))
    }

    /// Everything received, leaving the sink empty.
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.bytes())
    }
}

impl Driver for ByteSink {
    fn name(&self) -> String {
        "memory".to_owned()
    }

    fn write(&self, data: &[u8]) -> EscPosResult<()> {
        self.bytes().extend_from_slice(data);
        Ok(())
    }

    fn read(&self, _buf: &mut [u8]) -> EscPosResult<usize> {
        Ok(0)
    }

    fn flush(&self) -> EscPosResult<()> {
        Ok(())
    }
}

/// Horizontal position of a line, as `ESC a` sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

impl Align {
    /// The crate's name for the same justification.
    fn justify_mode(self) -> JustifyMode {
        match self {
            Align::Left => JustifyMode::LEFT,
            Align::Center => JustifyMode::CENTER,
            Align::Right => JustifyMode::RIGHT,
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
pub struct EscPos {
    /// The crate's command builder; every command is flushed into `sink` at once.
    printer: Printer<ByteSink>,
    /// The job so far (shared with `printer`, which owns a clone).
    sink: ByteSink,
    text: TextWriter,
    /// Paper width in dots (raster text is kept within it).
    dots: u16,
    /// The current line in raster mode, drawn at the next `lf`.
    pending: String,
    bold: bool,
    width: u8,
    height: u8,
}

impl std::fmt::Debug for EscPos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EscPos")
            .field("bytes", &self.sink.len())
            .field("text", &self.text)
            .field("dots", &self.dots)
            .field("pending", &self.pending)
            .field("bold", &self.bold)
            .field("width", &self.width)
            .field("height", &self.height)
            .finish()
    }
}

/// The crate's printer writing into `sink`, with no page code of its own (our text writers
/// select pages) and no debug output (a line may hold personal data).
fn crate_printer(sink: &ByteSink) -> Printer<ByteSink> {
    Printer::new(sink.clone(), Protocol::default(), None)
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
        let sink = ByteSink::default();
        EscPos {
            printer: crate_printer(&sink),
            sink,
            text: TextWriter::new(mode),
            dots,
            pending: String::new(),
            bold: false,
            width: 1,
            height: 1,
        }
    }

    /// Runs one of the crate's commands and flushes it into the sink. The crate fails only on
    /// input we already keep in range, so a failure is logged, never a panic.
    fn command(
        &mut self,
        what: &str,
        build: impl FnOnce(&mut Printer<ByteSink>) -> EscPosResult<&mut Printer<ByteSink>>,
    ) {
        if let Err(e) = build(&mut self.printer).and_then(Printer::print) {
            log::error!("ESC/POS {what} not sent: {e}");
        }
    }

    /// Bytes of our own (encoded text, or a command the crate lacks) through the crate's
    /// raw-bytes call.
    fn raw(&mut self, bytes: &[u8]) {
        if !bytes.is_empty() {
            self.command("raw bytes", |p| p.custom(bytes));
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
            self.raw(line.as_bytes());
            return;
        }
        match render_line(&line, self.bold, self.width, self.height, self.dots) {
            Some(img) => {
                self.raster(img.width_bytes, img.height, &img.bits);
                // A little paper between lines, as the line spacing would give.
                let gap = RASTER_LINE_GAP_DOTS * self.height.max(1);
                self.raw(&[FEED_DOTS[0], FEED_DOTS[1], gap]);
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
        self.command("initialize", Printer::init);
        self.text.reset();
        self
    }

    /// `FS .`: leave Kanji mode.
    pub fn cancel_kanji(&mut self) -> &mut Self {
        self.raw(&CANCEL_KANJI);
        self
    }

    /// `ESC a n`; takes effect for the next line.
    pub fn align(&mut self, align: Align) -> &mut Self {
        self.command("justification", |p| p.justify(align.justify_mode()));
        self
    }

    /// `ESC E n`.
    pub fn bold(&mut self, on: bool) -> &mut Self {
        self.command("emphasis", |p| p.bold(on));
        self.bold = on;
        self
    }

    /// `GS ! n` with width and height multipliers, each clamped to 1–8.
    pub fn size(&mut self, width: u8, height: u8) -> &mut Self {
        let w = width.clamp(*SIZE_RANGE.start(), *SIZE_RANGE.end());
        let h = height.clamp(*SIZE_RANGE.start(), *SIZE_RANGE.end());
        self.command("character size", |p| p.size(w, h));
        self.width = w;
        self.height = h;
        self
    }

    /// Text on the current line, encoded for the printer (never raw UTF-8, never control bytes).
    pub fn text(&mut self, text: &str) -> &mut Self {
        if matches!(self.text, TextWriter::Raster) {
            self.pending.push_str(text);
        } else {
            let mut encoded = Vec::with_capacity(text.len());
            self.text.write(text, &mut encoded);
            self.raw(&encoded);
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
            let before = self.sink.len();
            self.flush_pending();
            if self.sink.continues_with(before, &RASTER_IMAGE) {
                // The image already advanced the paper; an LF would add an empty line.
                return self;
            }
        }
        self.raw(&LINE_FEED);
        self
    }

    /// `ESC d n`: print and feed `lines` lines.
    pub fn feed(&mut self, lines: u8) -> &mut Self {
        self.flush_pending();
        self.command("feed", |p| p.feeds(lines));
        self
    }

    /// `ESC J n`: feed `dots` dots of paper.
    pub fn feed_dots(&mut self, dots: u8) -> &mut Self {
        self.flush_pending();
        self.raw(&[FEED_DOTS[0], FEED_DOTS[1], dots]);
        self
    }

    /// A QR code (model 2, level M) drawn by the printer, `module` dots per module (1–15).
    pub fn qr(&mut self, payload: &str, module: u8) -> &mut Self {
        self.flush_pending();
        let data = qr_data(payload);
        let module = module.clamp(*QR_MODULE_RANGE.start(), *QR_MODULE_RANGE.end());
        self.command("QR code", |p| {
            p.qrcode_option(data, QRCodeOption::new(QR_MODEL, module, QR_LEVEL))
        });
        self
    }

    /// The same QR (model 2, level M, with quiet zone) sent as a `GS v 0` image, for printers
    /// without a QR generator.
    pub fn qr_raster(&mut self, payload: &str, module: u8) -> &mut Self {
        let code = match qrcode::QrCode::with_error_correction_level(
            qr_data(payload).as_bytes(),
            qrcode::EcLevel::M,
        ) {
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
        let mut image = Vec::with_capacity(RASTER_IMAGE.len() + 4 + bits.len());
        image.extend_from_slice(&RASTER_IMAGE);
        image.extend_from_slice(&width_bytes.to_le_bytes());
        image.extend_from_slice(&height.to_le_bytes());
        image.extend_from_slice(bits);
        self.raw(&image);
        self
    }

    /// `GS V 66 n`: feed past the cutter plus `extra_dots`, then cut.
    pub fn cut(&mut self, extra_dots: u8) -> &mut Self {
        self.flush_pending();
        self.raw(&[
            CUT_AFTER_FEED[0],
            CUT_AFTER_FEED[1],
            CUT_AFTER_FEED[2],
            extra_dots,
        ]);
        self
    }

    /// Characters that had to be printed as `?` so far.
    pub fn unencodable(&self) -> usize {
        self.text.unencodable()
    }

    /// Bytes so far.
    pub fn len(&self) -> usize {
        self.sink.len()
    }

    /// Whether nothing has been added yet.
    pub fn is_empty(&self) -> bool {
        self.sink.is_empty()
    }

    /// The finished job.
    pub fn into_bytes(mut self) -> Vec<u8> {
        self.flush_pending();
        self.sink.take()
    }
}

/// The payload, cut to what a QR symbol can hold (at a character boundary) rather than
/// sending a command the printer would reject as a whole.
fn qr_data(payload: &str) -> &str {
    if payload.len() <= QR_MAX_PAYLOAD {
        return payload;
    }
    let mut end = QR_MAX_PAYLOAD;
    while !payload.is_char_boundary(end) {
        end -= 1;
    }
    log::error!("QR payload of {} bytes truncated to {end}", payload.len());
    &payload[..end]
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
    fn crate_commands_match_the_epson_reference() {
        let mut p = EscPos::new(&tcvn3());
        p.init()
            .align(Align::Center)
            .align(Align::Right)
            .align(Align::Left)
            .bold(true)
            .bold(false)
            .feed(4)
            .feed(0);
        assert_eq!(
            p.into_bytes(),
            [
                0x1B, b'@', // ESC @ without a page code after it
                0x1B, b'a', 1, 0x1B, b'a', 2, 0x1B, b'a', 0, // ESC a n
                0x1B, b'E', 1, 0x1B, b'E', 0, // ESC E n
                0x1B, b'd', 4, 0x1B, b'd', 0, // ESC d n
            ]
        );
    }

    #[test]
    fn own_commands_go_through_the_raw_call_unchanged() {
        let mut p = EscPos::new(&tcvn3());
        p.cancel_kanji().line("A").raster(1, 1, &[0x80]).lf();
        assert_eq!(
            p.into_bytes(),
            [0x1C, b'.', b'A', 0x0A, 0x1D, b'v', b'0', 0, 1, 0, 1, 0, 0x80, 0x0A]
        );
    }

    #[test]
    fn the_builder_stays_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<EscPos>();
    }

    #[test]
    fn an_overlong_qr_payload_is_cut_at_a_character_boundary() {
        let payload = format!("{}ơ", "a".repeat(QR_MAX_PAYLOAD - 1));
        assert_eq!(qr_data(&payload).len(), QR_MAX_PAYLOAD - 1);
        assert_eq!(qr_data("AB"), "AB");
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
