//! Draws a [`Decoded`] job as the paper would look: black dots on white, one pixel per dot.
//!
//! Text sits on the printer's grid of 12×24-dot cells (times the size multipliers). The real
//! Font A squeezes Vietnamese capitals with two stacked marks (Ủ, Ờ, Ế) into that cell, so
//! the glyph scale is chosen from the real outline bounds of every letter the printer can
//! print: the tallest mark and the deepest descender both fit, and nothing is clipped.

use ab_glyph::{point, Font, FontRef, Glyph, OutlinedGlyph, PxScale, PxScaleFactor, Rect};

use super::decode::{tcvn3_repertoire, Block, Decoded, DEFAULT_LINE_SPACING};
use super::escpos::Align;
use super::profile::{FONT_A_CELL_HEIGHT, FONT_A_CELL_WIDTH};

const WHITE: u8 = 255;
const BLACK: u8 = 0;
/// Thermal dots are on or off; this much glyph coverage burns a dot. Lower than half so
/// thin strokes (the grave on ì, the hook on ỏ) keep at least one dot across.
const INK_COVERAGE: f32 = 0.3;
/// White paper above the first and below the last block, for the preview only.
const MARGIN_DOTS: usize = 16;
/// Empty dots kept around a glyph inside its cell, per size multiplier.
const CELL_PADDING: f32 = 1.0;
/// Quiet zone the QR standard requires, in modules.
const QR_QUIET_ZONE: usize = 4;
/// Cut mark: dashes of this many dots with gaps of the next, in a band this tall.
const CUT_DASH: usize = 10;
const CUT_GAP: usize = 6;
const CUT_BAND: usize = 16;
/// Longer than any sane ticket; garbage input could otherwise ask for gigabytes.
const MAX_HEIGHT_DOTS: usize = 20_000;

/// A grayscale picture, one byte per dot, rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitmap {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// Renders `decoded` on paper `dots` wide and returns it as PNG bytes (8-bit grayscale).
pub fn render_png(decoded: &Decoded, dots: u16, font_regular: &[u8], font_bold: &[u8]) -> Vec<u8> {
    encode_png(&render(decoded, dots, font_regular, font_bold))
}

/// Renders `decoded` on paper `dots` wide.
pub fn render(decoded: &Decoded, dots: u16, font_regular: &[u8], font_bold: &[u8]) -> Bitmap {
    let regular = Face::new(font_regular);
    let bold = Face::new(font_bold);
    let mut r = Renderer {
        canvas: Canvas::new(usize::from(dots.max(8))),
        y: MARGIN_DOTS,
        clipped: 0,
    };
    for block in &decoded.blocks {
        if r.y >= MAX_HEIGHT_DOTS {
            log::warn!("render stopped at {MAX_HEIGHT_DOTS} dots");
            break;
        }
        match block {
            Block::Text {
                text,
                align,
                bold: is_bold,
                width,
                height,
            } => {
                let face = if *is_bold { &bold } else { &regular };
                r.text(face, text, *align, *width, *height);
            }
            Block::Qr {
                payload,
                module,
                level,
                align,
                ..
            } => r.qr(payload, *module, *level, *align),
            Block::Raster {
                width_dots,
                height,
                bits,
                align,
            } => r.raster(*width_dots, *height, bits, *align),
            Block::Feed { dots } => r.y += *dots as usize,
            Block::Cut => r.cut(),
        }
    }
    let height = r.y.min(MAX_HEIGHT_DOTS) + MARGIN_DOTS;
    r.canvas.ensure(height);
    if r.clipped > 0 {
        log::warn!("{} glyph dots fell outside their cells", r.clipped);
    }
    Bitmap {
        width: r.canvas.width as u32,
        height: height as u32,
        pixels: r.canvas.pixels[..r.canvas.width * height].to_vec(),
    }
}

/// PNG bytes of a bitmap; empty (and logged) only if the encoder fails, which a
/// well-formed bitmap never makes it do.
pub fn encode_png(bitmap: &Bitmap) -> Vec<u8> {
    let mut out = Vec::new();
    let result = (|| {
        let mut enc = png::Encoder::new(&mut out, bitmap.width, bitmap.height);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header()?;
        writer.write_image_data(&bitmap.pixels)?;
        writer.finish()
    })();
    if let Err(e) = result {
        log::error!("cannot encode PNG: {e}");
        out.clear();
    }
    out
}

struct Canvas {
    width: usize,
    pixels: Vec<u8>,
}

impl Canvas {
    fn new(width: usize) -> Canvas {
        Canvas {
            width,
            pixels: Vec::new(),
        }
    }

    fn ensure(&mut self, rows: usize) {
        let rows = rows.min(MAX_HEIGHT_DOTS + 2 * MARGIN_DOTS);
        if self.pixels.len() < rows * self.width {
            self.pixels.resize(rows * self.width, WHITE);
        }
    }

    fn dot(&mut self, x: usize, y: usize) {
        if x < self.width && y < MAX_HEIGHT_DOTS + MARGIN_DOTS {
            self.ensure(y + 1);
            self.pixels[y * self.width + x] = BLACK;
        }
    }
}

/// A font plus the vertical extent of everything the printer can print with it.
struct Face<'f> {
    font: Option<FontRef<'f>>,
    /// Highest point above the baseline over the repertoire, in font units.
    top: f32,
    /// Lowest point below the baseline (negative), in font units.
    bottom: f32,
}

impl<'f> Face<'f> {
    fn new(bytes: &'f [u8]) -> Face<'f> {
        let font = match FontRef::try_from_slice(bytes) {
            Ok(f) => f,
            Err(e) => {
                log::error!("cannot read the receipt font ({e}); drawing boxes instead");
                return Face {
                    font: None,
                    top: 1.0,
                    bottom: 0.0,
                };
            }
        };
        let (mut top, mut bottom) = (0.0f32, 0.0f32);
        for c in tcvn3_repertoire() {
            if let Some(outline) = font.outline(font.glyph_id(c)) {
                let (glyph_top, glyph_bottom) = vertical_extent(&outline.bounds);
                top = top.max(glyph_top);
                bottom = bottom.min(glyph_bottom);
            }
        }
        Face {
            font: Some(font),
            top,
            bottom,
        }
    }
}

/// Where a cell is on the canvas.
#[derive(Debug, Clone, Copy)]
struct Cell {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    pad_x: f32,
    pad_y: f32,
}

struct Renderer {
    canvas: Canvas,
    y: usize,
    clipped: usize,
}

impl Renderer {
    fn text(&mut self, face: &Face, text: &str, align: Align, width: u8, height: u8) {
        let (mw, mh) = (width.clamp(1, 8), height.clamp(1, 8));
        let cell_w = usize::from(FONT_A_CELL_WIDTH) * usize::from(mw);
        let cell_h = usize::from(FONT_A_CELL_HEIGHT) * usize::from(mh);
        let advance = cell_h.max(DEFAULT_LINE_SPACING as usize);
        let chars: Vec<char> = text.chars().collect();
        // Like the printer: a line longer than the paper continues on the next one.
        let per_line = (self.canvas.width / cell_w).max(1);
        let rows: Vec<&[char]> = if chars.is_empty() {
            vec![&[]]
        } else {
            chars.chunks(per_line).collect()
        };
        for row in rows {
            let line_w = row.len() * cell_w;
            let x0 = self.aligned_x(line_w, align);
            for (i, &c) in row.iter().enumerate() {
                let cell = Cell {
                    x: (x0 + i * cell_w) as f32,
                    y: self.y as f32,
                    w: cell_w as f32,
                    h: cell_h as f32,
                    pad_x: CELL_PADDING * f32::from(mw),
                    pad_y: CELL_PADDING * f32::from(mh),
                };
                self.glyph(face, c, cell);
            }
            self.y += advance;
        }
    }

    fn aligned_x(&self, content_w: usize, align: Align) -> usize {
        let free = self.canvas.width.saturating_sub(content_w);
        match align {
            Align::Left => 0,
            Align::Center => free / 2,
            Align::Right => free,
        }
    }

    fn glyph(&mut self, face: &Face, c: char, cell: Cell) {
        if c.is_whitespace() {
            return;
        }
        let Some(font) = &face.font else {
            self.fill(cell);
            return;
        };
        let Some(outlined) = fit_glyph(font, face, c, cell) else {
            return;
        };
        let b = outlined.px_bounds();
        let (left, top) = (b.min.x as i64, b.min.y as i64);
        let (cx0, cy0) = (cell.x as i64, cell.y as i64);
        let (cx1, cy1) = (cx0 + cell.w as i64, cy0 + cell.h as i64);
        let mut clipped = 0;
        let mut inked = Vec::new();
        outlined.draw(|x, y, coverage| {
            if coverage < INK_COVERAGE {
                return;
            }
            let (px, py) = (left + i64::from(x), top + i64::from(y));
            if px < cx0 || px >= cx1 || py < cy0 || py >= cy1 {
                clipped += 1;
            } else {
                inked.push((px as usize, py as usize));
            }
        });
        self.clipped += clipped;
        for (x, y) in inked {
            self.canvas.dot(x, y);
        }
    }

    fn fill(&mut self, cell: Cell) {
        let (x0, y0) = (
            (cell.x + cell.pad_x) as usize,
            (cell.y + cell.pad_y) as usize,
        );
        let (x1, y1) = (
            (cell.x + cell.w - cell.pad_x) as usize,
            (cell.y + cell.h - cell.pad_y) as usize,
        );
        for y in y0..y1 {
            for x in x0..x1 {
                self.canvas.dot(x, y);
            }
        }
    }

    fn qr(&mut self, payload: &str, module: u8, level: char, align: Align) {
        let level = match level {
            'L' => qrcode::EcLevel::L,
            'Q' => qrcode::EcLevel::Q,
            'H' => qrcode::EcLevel::H,
            _ => qrcode::EcLevel::M,
        };
        let code = match qrcode::QrCode::with_error_correction_level(payload.as_bytes(), level) {
            Ok(code) => code,
            Err(e) => {
                log::warn!("cannot draw QR of {} bytes: {e}", payload.len());
                return;
            }
        };
        let module = usize::from(module.max(1));
        let n = code.width();
        let size = (n + 2 * QR_QUIET_ZONE) * module;
        let x0 = self.aligned_x(size, align) + QR_QUIET_ZONE * module;
        let y0 = self.y + QR_QUIET_ZONE * module;
        for (i, color) in code.to_colors().into_iter().enumerate() {
            if color == qrcode::Color::Dark {
                let (mx, my) = (i % n, i / n);
                for dy in 0..module {
                    for dx in 0..module {
                        self.canvas
                            .dot(x0 + mx * module + dx, y0 + my * module + dy);
                    }
                }
            }
        }
        self.y += size;
    }

    fn raster(&mut self, width_dots: u32, height: u32, bits: &[u8], align: Align) {
        let (w, h) = (width_dots as usize, height as usize);
        let row_bytes = w.div_ceil(8);
        let x0 = self.aligned_x(w, align);
        for y in 0..h.min(MAX_HEIGHT_DOTS) {
            for x in 0..w.min(self.canvas.width) {
                let on = bits
                    .get(y * row_bytes + x / 8)
                    .is_some_and(|byte| byte & (0x80 >> (x % 8)) != 0);
                if on {
                    self.canvas.dot(x0 + x, self.y + y);
                }
            }
        }
        self.y += h;
    }

    fn cut(&mut self) {
        let y = self.y + CUT_BAND / 2;
        let mut x = 0;
        while x < self.canvas.width {
            for dx in x..(x + CUT_DASH).min(self.canvas.width) {
                self.canvas.dot(dx, y);
                self.canvas.dot(dx, y + 1);
            }
            x += CUT_DASH + CUT_GAP;
        }
        self.y += CUT_BAND;
    }
}

/// The glyph scaled and placed inside `cell`: one vertical scale for every letter (so
/// baselines and x-heights line up), squeezed horizontally when the letter is wider
/// than the cell, centred on the cell.
fn fit_glyph(font: &FontRef, face: &Face, c: char, cell: Cell) -> Option<OutlinedGlyph> {
    let id = font.glyph_id(c);
    let outline = font.outline(id)?;
    let bounds: Rect = outline.bounds;
    // Rounding the pixel bounds outwards can add a dot on each side; the padding absorbs it.
    let avail_h = cell.h - 2.0 * cell.pad_y;
    let avail_w = cell.w - 2.0 * cell.pad_x;
    // Glyphs outside the repertoire (e.g. U+FFFD) may reach further than the letters.
    let (glyph_top, glyph_bottom) = vertical_extent(&bounds);
    let top = glyph_top.max(face.top);
    let v = avail_h / (top - glyph_bottom.min(face.bottom));
    let glyph_w = (bounds.max.x - bounds.min.x).max(f32::EPSILON);
    // A 1×2 cell is the 1×1 letter stretched vertically, not a bigger letter: keep the
    // horizontal scale proportional to the width multiplier.
    let stretch =
        (cell.w / f32::from(FONT_A_CELL_WIDTH)) / (cell.h / f32::from(FONT_A_CELL_HEIGHT));
    let h = (v * stretch).min(avail_w / glyph_w);
    let baseline = (cell.y + cell.pad_y + top * v).floor();
    let centre = cell.x + cell.w / 2.0 - (bounds.min.x + bounds.max.x) / 2.0 * h;
    let glyph = Glyph {
        id,
        scale: PxScale::from(v * font.height_unscaled()),
        position: point(centre, baseline),
    };
    Some(OutlinedGlyph::new(
        glyph,
        outline,
        PxScaleFactor {
            horizontal: h,
            vertical: v,
        },
    ))
}

/// (top, bottom) of an outline in font units, y up. ab_glyph stores unscaled bounds with
/// `min.y` holding the font's y_max, ready for its y-down pixel space.
fn vertical_extent(bounds: &Rect) -> (f32, f32) {
    (
        bounds.min.y.max(bounds.max.y),
        bounds.min.y.min(bounds.max.y),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGULAR: &[u8] = crate::assets::FONT_REGULAR;
    const BOLD: &[u8] = crate::assets::FONT_BOLD;

    fn text_block(text: &str, width: u8, height: u8, bold: bool) -> Decoded {
        Decoded {
            blocks: vec![Block::Text {
                text: text.into(),
                align: Align::Center,
                bold,
                width,
                height,
            }],
            warnings: vec![],
        }
    }

    #[test]
    fn no_letter_is_clipped_at_any_size() {
        let all: String = tcvn3_repertoire().chain(['\u{FFFD}']).collect();
        for (w, h) in [(1, 1), (1, 2), (2, 2), (3, 5), (6, 6), (8, 8)] {
            for bold in [false, true] {
                let face = Face::new(if bold { BOLD } else { REGULAR });
                let mut r = Renderer {
                    canvas: Canvas::new(576),
                    y: 0,
                    clipped: 0,
                };
                for c in all.chars() {
                    r.text(&face, &c.to_string(), Align::Left, w, h);
                }
                assert_eq!(r.clipped, 0, "size {w}x{h} bold {bold}");
            }
        }
    }

    #[test]
    fn every_letter_leaves_ink() {
        let face = Face::new(REGULAR);
        for c in tcvn3_repertoire().filter(|c| !c.is_whitespace()) {
            let mut r = Renderer {
                canvas: Canvas::new(24),
                y: 0,
                clipped: 0,
            };
            r.text(&face, &c.to_string(), Align::Left, 1, 1);
            assert!(r.canvas.pixels.contains(&BLACK), "{c:?} drew nothing");
        }
    }

    #[test]
    fn every_letter_looks_different_at_the_smallest_size() {
        // A tone mark lost to thresholding would make two letters print alike (ì like ỉ).
        for font in [REGULAR, BOLD] {
            let face = Face::new(font);
            let mut seen: Vec<(char, Vec<u8>)> = Vec::new();
            for c in tcvn3_repertoire().filter(|c| c.is_alphabetic()) {
                let mut r = Renderer {
                    canvas: Canvas::new(12),
                    y: 0,
                    clipped: 0,
                };
                r.text(&face, &c.to_string(), Align::Left, 1, 1);
                r.canvas.ensure(24);
                let dots = r.canvas.pixels[..12 * 24].to_vec();
                if let Some((other, _)) = seen.iter().find(|(_, d)| *d == dots) {
                    panic!("{c} prints exactly like {other}");
                }
                seen.push((c, dots));
            }
        }
    }

    #[test]
    fn stacked_marks_stay_apart_from_the_letter() {
        // "Ễ" at 1×1: the tilde and the circumflex must be separate from the E body, i.e.
        // some empty row lies between the top of the E and the topmost ink.
        let png = render(&text_block("Ễ", 1, 1, false), 24, REGULAR, BOLD);
        let rows: Vec<bool> = png
            .pixels
            .chunks(png.width as usize)
            .map(|row| row.contains(&BLACK))
            .collect();
        let first = rows.iter().position(|&r| r).unwrap();
        let last = rows.iter().rposition(|&r| r).unwrap();
        assert!(
            rows[first..=last].contains(&false),
            "marks merged into the letter"
        );
    }

    #[test]
    fn bad_font_draws_boxes() {
        let bitmap = render(&text_block("Ab", 1, 1, false), 96, b"not a font", b"");
        assert!(bitmap.pixels.contains(&BLACK));
    }

    #[test]
    fn png_has_paper_width() {
        let png = render_png(&text_block("Xin chào", 2, 2, true), 384, REGULAR, BOLD);
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let reader = decoder.read_info().unwrap();
        assert_eq!(reader.info().width, 384);
    }
}
