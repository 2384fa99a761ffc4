//! What we know about one printer model: paper width and how it wants Vietnamese text.

/// Width of one Font A character cell in dots; the column count follows from it.
pub const FONT_A_CELL_WIDTH: u16 = 12;
/// Height of one Font A character cell in dots.
pub const FONT_A_CELL_HEIGHT: u16 = 24;

/// Dot width of 80 mm paper at 203 dpi.
pub const DOTS_80MM: u16 = 576;
/// Dot width of 58 mm paper at 203 dpi.
pub const DOTS_58MM: u16 = 384;

/// How Vietnamese text reaches the paper.
///
/// The right mode differs by model and even firmware, so it is a per-profile choice made
/// with the calibration page. In the profile files a mode is written as
/// `{ kind = "tcvn3", lower_page = 30, upper_page = 31 }` or `{ kind = "cp1258", page = 52 }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum TextMode {
    /// TCVN-3 split over two code pages: lowercase on one, capitals at the same bytes on the other.
    Tcvn3 {
        /// `ESC t` number of the page with the lowercase letters.
        lower_page: u8,
        /// `ESC t` number of the page with the capitals.
        upper_page: u8,
    },
    /// Windows-1258: some letters precomposed, the others as letter + combining tone mark.
    Cp1258 {
        /// `ESC t` number of the CP1258 page on this printer.
        page: u8,
    },
    /// Every line with non-ASCII letters drawn from the embedded font and sent as a
    /// `GS v 0` image (ASCII-only lines stay text): works on any printer, costs more bytes.
    Raster,
}

impl TextMode {
    /// A short ASCII label, e.g. `CP1258 (ESC t 52)`.
    pub fn label(&self) -> String {
        match *self {
            TextMode::Tcvn3 {
                lower_page,
                upper_page,
            } => format!("TCVN-3 (ESC t {lower_page}/{upper_page})"),
            TextMode::Cp1258 { page } => format!("CP1258 (ESC t {page})"),
            TextMode::Raster => "RASTER (font image)".to_string(),
        }
    }
}

/// A printer model as far as ticket printing cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Stable name used in the configuration file.
    pub name: String,
    /// What the profile is for, for the admin view and `--help`.
    pub description: String,
    /// Printable width in dots: 576 for 80 mm, 512 on the TM-T88, 384 for 58 mm.
    pub dots: u16,
    /// How Vietnamese text is encoded for this model (the profile's default mode unless the
    /// installer picked another one of `modes`).
    pub text_mode: TextMode,
    /// The modes worth trying on this model, printed one by one on the calibration page.
    pub modes: Vec<TextMode>,
    /// Whether CP1258 tone marks print above the letter (some clones print them beside it).
    pub cp1258_marks_stack: bool,
    /// Whether the printer draws QR codes itself (`GS ( k`); otherwise we send a raster.
    pub native_qr: bool,
    /// Whether there is an auto-cutter; without one we feed so the slip can be torn off.
    pub cutter: bool,
    /// Highest serial speed the model supports.
    pub max_baud: u32,
}

/// One `assets/printers/*.toml` file.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    name: String,
    description: String,
    dots: u16,
    modes: Vec<TextMode>,
    default_mode: TextMode,
    cp1258_marks_stack: bool,
    native_qr: bool,
    cutter: bool,
    max_baud: u32,
}

macro_rules! profile_file {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/assets/printers/",
                $name,
                ".toml"
            )),
        )
    };
}

/// The shipped profiles, embedded at build time: (name, TOML text).
const PROFILE_FILES: [(&str, &str); 9] = [
    profile_file!("epson-tm-t20"),
    profile_file!("epson-tm-t82"),
    profile_file!("epson-tm-t88"),
    profile_file!("xprinter-80mm"),
    profile_file!("xprinter-58mm"),
    profile_file!("rongta-rp326"),
    profile_file!("netum-zjiang-58mm"),
    profile_file!("generic-80mm"),
    profile_file!("generic-58mm"),
];

/// Older configuration names and the profile they now mean.
const ALIASES: [(&str, &str); 1] = [("epson-80mm", "epson-tm-t20")];

impl Profile {
    /// Parses a profile file (the format of `assets/printers/*.toml`).
    pub fn from_toml(text: &str) -> Result<Profile, String> {
        let f: ProfileFile = toml::from_str(text).map_err(|e| e.to_string())?;
        if !f.modes.contains(&f.default_mode) {
            return Err(format!(
                "profile {}: default_mode {} is not among its modes",
                f.name,
                f.default_mode.label()
            ));
        }
        if f.dots == 0 || !f.dots.is_multiple_of(8) {
            return Err(format!(
                "profile {}: dots must be a positive multiple of 8",
                f.name
            ));
        }
        Ok(Profile {
            name: f.name,
            description: f.description,
            dots: f.dots,
            text_mode: f.default_mode,
            modes: f.modes,
            cp1258_marks_stack: f.cp1258_marks_stack,
            native_qr: f.native_qr,
            cutter: f.cutter,
            max_baud: f.max_baud,
        })
    }

    /// Epson TM-T20/T82 class, 80 mm paper, TCVN-3 on pages 30/31 (the `epson-80mm` alias).
    pub fn epson_80mm() -> Profile {
        Profile::by_name("epson-80mm").expect("shipped profile")
    }

    /// A 58 mm printer with Epson's page numbers.
    pub fn generic_58mm() -> Profile {
        Profile::by_name("generic-58mm").expect("shipped profile")
    }

    /// The names `by_name` knows (profiles, then aliases), for error messages and docs.
    pub const NAMES: [&'static str; 10] = [
        "epson-tm-t20",
        "epson-tm-t82",
        "epson-tm-t88",
        "xprinter-80mm",
        "xprinter-58mm",
        "rongta-rp326",
        "netum-zjiang-58mm",
        "generic-80mm",
        "generic-58mm",
        "epson-80mm",
    ];

    /// The built-in profile with this configuration name (or alias).
    pub fn by_name(name: &str) -> Option<Profile> {
        let name = ALIASES
            .iter()
            .find(|(alias, _)| *alias == name)
            .map_or(name, |(_, target)| target);
        let (_, text) = PROFILE_FILES.iter().find(|(n, _)| *n == name)?;
        match Profile::from_toml(text) {
            Ok(p) => Some(p),
            Err(e) => {
                log::error!("built-in printer profile {name}: {e}");
                None
            }
        }
    }

    /// This profile printing with another text mode (e.g. the one the installer picked).
    pub fn with_mode(&self, mode: TextMode) -> Profile {
        Profile {
            text_mode: mode,
            ..self.clone()
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

    #[test]
    fn every_shipped_profile_parses() {
        for name in Profile::NAMES {
            let p = Profile::by_name(name).unwrap_or_else(|| panic!("{name}"));
            assert!(p.modes.contains(&p.text_mode), "{name}");
            assert!([384, 512, 576].contains(&p.dots), "{name}");
            assert!((2400..=115200).contains(&p.max_baud), "{name}");
            // One ESC t number must not mean two pages within a profile.
            let mut numbers: Vec<(u8, &str)> = Vec::new();
            for m in &p.modes {
                let pages = match *m {
                    TextMode::Tcvn3 {
                        lower_page,
                        upper_page,
                    } => vec![(lower_page, "lower"), (upper_page, "upper")],
                    TextMode::Cp1258 { page } => vec![(page, "cp1258")],
                    TextMode::Raster => vec![],
                };
                for (n, kind) in pages {
                    if let Some((_, k)) = numbers.iter().find(|(m, _)| *m == n) {
                        assert_eq!(*k, kind, "{name}: ESC t {n}");
                    }
                    numbers.push((n, kind));
                }
            }
        }
        for (name, _) in PROFILE_FILES {
            assert_eq!(Profile::by_name(name).unwrap().name, name);
        }
        let netum = Profile::by_name("netum-zjiang-58mm").unwrap();
        assert_eq!(netum.text_mode, TextMode::Raster);
        assert!(!netum.cp1258_marks_stack && !netum.native_qr);
        assert_eq!(Profile::by_name("epson-tm-t88").unwrap().dots, 512);
        assert_eq!(
            Profile::by_name("rongta-rp326").unwrap().text_mode,
            TextMode::Cp1258 { page: 35 }
        );
    }

    #[test]
    fn bad_files_are_rejected() {
        let ok = PROFILE_FILES[0].1;
        assert!(Profile::from_toml(ok).is_ok());
        let bad = ok.replace(
            "default_mode = { kind = \"tcvn3\"",
            "default_mode = { kind = \"cp1258\", page = 9 } #",
        );
        assert!(Profile::from_toml(&bad).is_err());
        assert!(Profile::from_toml(&ok.replace("dots = 576", "dots = 575")).is_err());
        assert!(Profile::from_toml(&ok.replace("kind = \"tcvn3\"", "kind = \"utf8\"")).is_err());
    }
}
