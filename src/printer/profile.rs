//! What we know about one printer model: paper width and how it wants Vietnamese text.

/// Width of one Font A character cell in dots; the column count follows from it.
pub const FONT_A_CELL_WIDTH: u16 = 12;
/// Height of one Font A character cell in dots.
pub const FONT_A_CELL_HEIGHT: u16 = 24;

/// Dot width of 80 mm paper at 203 dpi.
pub const DOTS_80MM: u16 = 576;
/// Dot width of 58 mm paper at 203 dpi.
pub const DOTS_58MM: u16 = 384;

/// Epson's `ESC t` numbers for the two TCVN-3 pages (escpos-printer-db: 30 "TCVN-3-1", 31 "TCVN-3-2").
const EPSON_TCVN3_LOWER: u8 = 30;
const EPSON_TCVN3_UPPER: u8 = 31;

/// How Vietnamese text reaches the paper.
///
/// The right mode differs by model and even firmware, so it is a per-profile choice;
/// CP1258 (base letter + combining tone) and raster (text drawn as an image) come later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextMode {
    /// TCVN-3 split over two code pages: lowercase on one, capitals at the same bytes on the other.
    Tcvn3 {
        /// `ESC t` number of the page with the lowercase letters.
        lower_page: u8,
        /// `ESC t` number of the page with the capitals.
        upper_page: u8,
    },
}

/// A printer model as far as ticket printing cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Stable name used in the configuration file.
    pub name: String,
    /// Printable width in dots: 576 for 80 mm, 384 for 58 mm.
    pub dots: u16,
    /// How Vietnamese text is encoded for this model.
    pub text_mode: TextMode,
    /// Whether the printer draws QR codes itself (`GS ( k`); otherwise we send a raster.
    pub native_qr: bool,
    /// Whether there is an auto-cutter; without one we feed so the slip can be torn off.
    pub cutter: bool,
}

impl Profile {
    /// Epson TM-T20/TM-T88 class, 80 mm paper, TCVN-3 on pages 30/31.
    pub fn epson_80mm() -> Profile {
        Profile {
            name: "epson-80mm".to_string(),
            dots: DOTS_80MM,
            text_mode: TextMode::Tcvn3 {
                lower_page: EPSON_TCVN3_LOWER,
                upper_page: EPSON_TCVN3_UPPER,
            },
            native_qr: true,
            cutter: true,
        }
    }

    /// A 58 mm printer with Epson's TCVN-3 page numbers.
    pub fn generic_58mm() -> Profile {
        Profile {
            name: "generic-58mm".to_string(),
            dots: DOTS_58MM,
            text_mode: TextMode::Tcvn3 {
                lower_page: EPSON_TCVN3_LOWER,
                upper_page: EPSON_TCVN3_UPPER,
            },
            native_qr: true,
            cutter: true,
        }
    }

    /// The names `by_name` knows, for error messages and docs.
    pub const NAMES: [&'static str; 2] = ["epson-80mm", "generic-58mm"];

    /// The built-in profile with this configuration name.
    pub fn by_name(name: &str) -> Option<Profile> {
        match name {
            "epson-80mm" => Some(Profile::epson_80mm()),
            "generic-58mm" => Some(Profile::generic_58mm()),
            _ => None,
        }
    }

    /// Characters per line in Font A at normal width.
    pub fn columns(&self) -> u16 {
        self.dots / FONT_A_CELL_WIDTH
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profiles() {
        let epson = Profile::by_name("epson-80mm").unwrap();
        assert_eq!(epson, Profile::epson_80mm());
        assert_eq!(epson.columns(), 48);
        assert!(epson.native_qr && epson.cutter);
        let small = Profile::by_name("generic-58mm").unwrap();
        assert_eq!(small.dots, 384);
        assert_eq!(small.columns(), 32);
        assert_eq!(
            small.text_mode,
            TextMode::Tcvn3 {
                lower_page: 30,
                upper_page: 31
            }
        );
        assert!(Profile::by_name("star-80mm").is_none());
    }
}
