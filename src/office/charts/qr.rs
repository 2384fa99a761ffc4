//! A QR code as an SVG image: one path of dark modules with the 4-module quiet zone the
//! standard asks for, crisp at any size, presentation attributes only (the pages' CSP).

use qrcode::{Color, EcLevel, QrCode};

/// `text` as a QR code (error correction M) in SVG, or why it cannot be one.
pub fn qr_svg(text: &str) -> Result<String, qrcode::types::QrError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)?;
    let width = code.width();
    let size = width + 8;
    let mut path = String::new();
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == Color::Dark {
            let (x, y) = (i % width + 4, i / width + 4);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR {label}\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>",
        label = super::escape(text)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_image_has_the_quiet_zone_and_a_module_per_dark_cell() {
        let svg = qr_svg("7KQ2-M9XD").unwrap();
        let code = QrCode::with_error_correction_level(b"7KQ2-M9XD", EcLevel::M).unwrap();
        let size = code.width() + 8;
        assert!(
            svg.contains(&format!("viewBox=\"0 0 {size} {size}\"")),
            "{svg}"
        );
        let dark = code
            .to_colors()
            .iter()
            .filter(|c| **c == Color::Dark)
            .count();
        assert_eq!(
            svg.matches('M').count() - 1,
            dark,
            "one move per dark module, M in the label"
        );
        // The top-left finder's corner sits inside the quiet zone's edge.
        assert!(svg.contains("M4 4h1v1h-1z"));
    }
}
