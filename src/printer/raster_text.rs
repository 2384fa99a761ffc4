//! Per-line raster text: one line drawn from the embedded font into a 1-bit image for
//! `GS v 0`, the text mode that works on any printer whatever its code pages.
//!
//! The image is cropped to the ink using the glyphs' real outline bounds, so stacked marks
//! on capitals (Ủ, Ờ, Ế), which rise above the font's nominal ascent, are never clipped.

use ab_glyph::{point, Font, FontRef, GlyphId, PxScale, ScaleFont};
use unicode_normalization::UnicodeNormalization;

/// `PxScale` of a normal-size line (ascent to descent): capitals come out ~14 dots tall,
/// like Font A, and stacked marks add ~5 more.
pub const LINE_PX: f32 = 26.0;
/// Coverage above which a dot is printed.
const INK_THRESHOLD: f32 = 0.45;

/// A 1-bit image: rows of `width_bytes` bytes, most significant bit leftmost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineImage {
    pub width_bytes: u16,
    pub height: u16,
    pub bits: Vec<u8>,
}

impl LineImage {
    /// Width in dots (a multiple of 8).
    pub fn width_dots(&self) -> usize {
        usize::from(self.width_bytes) * 8
    }

    /// Whether the dot at (x, y) is black.
    pub fn get(&self, x: usize, y: usize) -> bool {
        let i = y * usize::from(self.width_bytes) + x / 8;
        self.bits.get(i).is_some_and(|b| b & (0x80 >> (x % 8)) != 0)
    }
}

/// Draws `text` with the regular or bold face, `width`×`height` times the normal size,
/// no wider than `max_dots` (shrunk to fit if needed). `None` for blank text or a bad font.
pub fn render_line(
    text: &str,
    bold: bool,
    width: u8,
    height: u8,
    max_dots: u16,
) -> Option<LineImage> {
    let data = if bold {
        crate::assets::FONT_BOLD
    } else {
        crate::assets::FONT_REGULAR
    };
    let font = match FontRef::try_from_slice(data) {
        Ok(f) => f,
        Err(e) => {
            log::error!("embedded font unreadable: {e}");
            return None;
        }
    };
    let text: String = text.nfc().collect();
    let mut scale = PxScale {
        x: LINE_PX * f32::from(width.max(1)),
        y: LINE_PX * f32::from(height.max(1)),
    };
    for _ in 0..4 {
        let (glyphs, min_x, min_y, max_x, max_y) = layout(&font, &text, scale)?;
        let w = (max_x - min_x).max(1);
        if w > i32::from(max_dots) {
            // Too wide for the paper: shrink horizontally and try again.
            scale.x *= f32::from(max_dots) / w as f32 * 0.98;
            continue;
        }
        let h = (max_y - min_y).max(1);
        let (wu, hu) = (w as usize, h as usize);
        let mut dots = vec![false; wu * hu];
        for g in glyphs {
            let Some(outline) = font.outline_glyph(g) else {
                continue;
            };
            let b = outline.px_bounds();
            let (ox, oy) = (b.min.x as i32 - min_x, b.min.y as i32 - min_y);
            outline.draw(|x, y, cov| {
                let (px, py) = (ox + x as i32, oy + y as i32);
                if cov >= INK_THRESHOLD && px >= 0 && py >= 0 && px < w && py < h {
                    dots[py as usize * wu + px as usize] = true;
                }
            });
        }
        return pack_cropped(&dots, wu, hu);
    }
    None
}

/// Packs the inked part of a `w`×`h` dot grid into `GS v 0` rows.
fn pack_cropped(dots: &[bool], w: usize, h: usize) -> Option<LineImage> {
    let ink_rows: Vec<usize> = (0..h)
        .filter(|&y| dots[y * w..(y + 1) * w].iter().any(|&d| d))
        .collect();
    let ink_cols: Vec<usize> = (0..w)
        .filter(|&x| (0..h).any(|y| dots[y * w + x]))
        .collect();
    let (&top, &bottom) = (ink_rows.first()?, ink_rows.last()?);
    let (&left, &right) = (ink_cols.first()?, ink_cols.last()?);
    let (cw, ch) = (right - left + 1, bottom - top + 1);
    let width_bytes = cw.div_ceil(8);
    let mut bits = vec![0u8; width_bytes * ch];
    for y in 0..ch {
        for x in 0..cw {
            if dots[(top + y) * w + left + x] {
                bits[y * width_bytes + x / 8] |= 0x80 >> (x % 8);
            }
        }
    }
    Some(LineImage {
        width_bytes: u16::try_from(width_bytes).ok()?,
        height: u16::try_from(ch).ok()?,
        bits,
    })
}

type Layout = (Vec<ab_glyph::Glyph>, i32, i32, i32, i32);

/// Positions the glyphs on one baseline; returns them and the ink box in whole dots.
fn layout(font: &FontRef<'_>, text: &str, scale: PxScale) -> Option<Layout> {
    let sf = font.as_scaled(scale);
    let mut x = 0.0f32;
    let mut prev: Option<GlyphId> = None;
    let mut glyphs = Vec::new();
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (i32::MAX, i32::MAX, i32::MIN, i32::MIN);
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            x += sf.kern(p, id);
        }
        let g = id.with_scale_and_position(scale, point(x, 0.0));
        x += sf.h_advance(id);
        prev = Some(id);
        if let Some(o) = font.outline_glyph(g.clone()) {
            let b = o.px_bounds();
            min_x = min_x.min(b.min.x.floor() as i32);
            min_y = min_y.min(b.min.y.floor() as i32);
            max_x = max_x.max(b.max.x.ceil() as i32);
            max_y = max_y.max(b.max.y.ceil() as i32);
        }
        glyphs.push(g);
    }
    (min_x < max_x && min_y < max_y).then_some((glyphs, min_x, min_y, max_x, max_y))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_with_ink(img: &LineImage) -> Vec<usize> {
        (0..usize::from(img.height))
            .filter(|&y| (0..img.width_dots()).any(|x| img.get(x, y)))
            .collect()
    }

    #[test]
    fn stacked_marks_on_capitals_are_not_clipped() {
        let plain = render_line("UOE", false, 1, 1, 576).unwrap();
        let marked = render_line("ỦỜẾ", false, 1, 1, 576).unwrap();
        // The marks add real height above the capitals, and the image starts with ink.
        assert!(
            marked.height >= plain.height + 4,
            "{} vs {}",
            marked.height,
            plain.height
        );
        let ink = rows_with_ink(&marked);
        assert_eq!(ink.first(), Some(&0));
        assert_eq!(ink.last(), Some(&(usize::from(marked.height) - 1)));
        // The image box comes from the outlines, not from the font's nominal ascent: the
        // top of Ế is its acute, and that row is the image's first.
        let font = FontRef::try_from_slice(crate::assets::FONT_REGULAR).unwrap();
        let (_, _, min_y, _, _) = layout(&font, "Ế", PxScale::from(LINE_PX)).unwrap();
        let (_, _, cap_y, _, _) = layout(&font, "E", PxScale::from(LINE_PX)).unwrap();
        assert!(min_y < cap_y - 3, "{min_y} vs {cap_y}");
        let e = render_line("Ế", false, 1, 1, 576).unwrap();
        assert!(usize::from(e.height) as i32 >= -min_y - 1);
    }

    #[test]
    fn too_wide_lines_are_shrunk_to_the_paper() {
        let img = render_line(&"Thường trực ".repeat(8), true, 2, 2, 384).unwrap();
        assert!(img.width_dots() <= 384);
        assert!(render_line("   ", false, 1, 1, 384).is_none());
    }
}
