//! The ticket's QR code as a picture for the screen, for when the paper one is missing.

use qrcode::{Color, EcLevel, QrCode};
use slint::{Image, Rgb8Pixel, SharedPixelBuffer};

/// Pixels per module: the UI scales the picture, `pixelated` keeps the edges sharp.
const MODULE_PX: usize = 4;
/// The quiet zone readers need around the code, in modules.
const QUIET: usize = 4;

/// The payload as a black-on-white QR picture (level M, as printed); empty if it cannot be encoded.
pub fn qr_image(payload: &str) -> Image {
    let Ok(code) = QrCode::with_error_correction_level(payload, EcLevel::M) else {
        return Image::default();
    };
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET) * MODULE_PX;
    let mut buffer = SharedPixelBuffer::<Rgb8Pixel>::new(side as u32, side as u32);
    let pixels = buffer.make_mut_slice();
    for (i, px) in pixels.iter_mut().enumerate() {
        let (x, y) = (i % side / MODULE_PX, i / side / MODULE_PX);
        let dark = x >= QUIET
            && y >= QUIET
            && x < QUIET + modules
            && y < QUIET + modules
            && colors[(y - QUIET) * modules + (x - QUIET)] == Color::Dark;
        let v = if dark { 0 } else { 255 };
        *px = Rgb8Pixel { r: v, g: v, b: v };
    }
    Image::from_rgb8(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picture_reads_back() {
        let payload = "http://motcua.local/ve/5b2f0c1e-8d7a-4c1b-9f3e-2a6d4e8b1c07";
        let image = qr_image(payload);
        let buffer = image.to_rgb8().expect("rgb8");
        let (w, h) = (buffer.width() as usize, buffer.height() as usize);
        let gray: Vec<u8> = buffer.as_slice().iter().map(|p| p.r).collect();
        let mut prepared =
            rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| gray[y * w + x]);
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1);
        let (_, content) = grids[0].decode().unwrap();
        assert_eq!(content, payload);
    }
}
