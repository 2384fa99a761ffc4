//! Colour contrast as WCAG 2 defines it: the ratio of the relative luminances of two sRGB
//! colours, from 1:1 (the same colour) to 21:1 (black on white). Text at level AAA needs
//! 7:1 against its background, and boundaries of controls need 3:1 (WCAG 1.4.11).

/// The contrast text needs at WCAG level AAA.
pub const TEXT_AAA: f64 = 7.0;
/// The contrast the boundary of a control needs against what surrounds it.
pub const NON_TEXT: f64 = 3.0;

/// An opaque sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb {
    /// Red, 0–255.
    pub r: u8,
    /// Green, 0–255.
    pub g: u8,
    /// Blue, 0–255.
    pub b: u8,
}

impl Rgb {
    /// A colour from its channels.
    pub const fn new(r: u8, g: u8, b: u8) -> Rgb {
        Rgb { r, g, b }
    }

    /// The colour seen when `self` with `alpha` (0–255) is drawn over `under`.
    pub fn over(self, alpha: u8, under: Rgb) -> Rgb {
        let mix = |top: u8, bottom: u8| {
            let a = f64::from(alpha) / 255.0;
            (f64::from(top) * a + f64::from(bottom) * (1.0 - a)).round() as u8
        };
        Rgb::new(
            mix(self.r, under.r),
            mix(self.g, under.g),
            mix(self.b, under.b),
        )
    }

    /// Relative luminance, 0 (black) to 1 (white).
    pub fn luminance(self) -> f64 {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.r) + 0.7152 * linear(self.g) + 0.0722 * linear(self.b)
    }
}

impl std::fmt::Display for Rgb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

/// The contrast ratio of two colours, whichever is lighter: 1.0 to 21.0.
pub fn ratio(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (hi, lo) = if la >= lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLACK: Rgb = Rgb::new(0, 0, 0);
    const WHITE: Rgb = Rgb::new(255, 255, 255);

    #[test]
    fn black_on_white_is_21_and_a_colour_on_itself_is_1() {
        assert!((ratio(BLACK, WHITE) - 21.0).abs() < 1e-9);
        assert!((ratio(WHITE, BLACK) - 21.0).abs() < 1e-9);
        assert!((ratio(Rgb::new(90, 90, 90), Rgb::new(90, 90, 90)) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn known_pairs_match_published_values() {
        // WebAIM's checker: #767676 on white is 4.54:1, #595959 on white is 7.0:1.
        assert!((ratio(Rgb::new(0x76, 0x76, 0x76), WHITE) - 4.54).abs() < 0.01);
        assert!((ratio(Rgb::new(0x59, 0x59, 0x59), WHITE) - 7.0).abs() < 0.01);
        // The old success green on the kiosk's paper background fell short of AAA.
        let paper = Rgb::new(0xf3, 0xf1, 0xec);
        assert!(ratio(Rgb::new(0x1b, 0x5e, 0x20), paper) < TEXT_AAA);
    }

    #[test]
    fn translucent_white_over_red_is_mixed_per_channel() {
        let red = Rgb::new(0x9b, 0x1c, 0x1c);
        assert_eq!(WHITE.over(0, red), red);
        assert_eq!(WHITE.over(255, red), WHITE);
        assert_eq!(WHITE.over(0x40, red), Rgb::new(0xb4, 0x55, 0x55));
    }

    #[test]
    fn display_is_css_hex() {
        assert_eq!(Rgb::new(0x0b, 0x4a, 0x86).to_string(), "#0b4a86");
    }
}
