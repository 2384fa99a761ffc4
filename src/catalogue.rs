//! The catalogue of fields and procedures (data the office imports, never code).
//!
//! Unknown JSON keys are ignored so a newer office export still loads on an older kiosk.

use std::collections::HashSet;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::domain::text::nfc;

/// The catalogue shipped with the firmware, loaded into a fresh store on first start.
const EMBEDDED: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/catalogue.json"
));

/// A field of procedures (lĩnh vực), the unit a citizen picks a ticket for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    /// Short code, e.g. "HT".
    pub code: String,
    /// Vietnamese name, e.g. "Hộ tịch".
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// Material Icons code point as hex, e.g. "f1a2".
    pub icon: String,
}

impl Field {
    /// The icon as a character of the embedded icon font.
    pub fn icon_char(&self) -> Option<char> {
        u32::from_str_radix(&self.icon, 16)
            .ok()
            .and_then(char::from_u32)
    }
}

/// One administrative procedure (thủ tục hành chính).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    /// Code of the field it belongs to.
    pub field: String,
    /// National procedure code, e.g. "1.001193"; some seed entries have none.
    pub code: Option<String>,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// Legal processing time as published (free text: "0 (same day; …)").
    pub processing_days: String,
    /// Fee as published, in Vietnamese.
    pub fee_vi: String,
    /// Whether time and fee were checked against an official list.
    pub sourced: bool,
    /// Usual documents to bring, if known.
    #[serde(default)]
    pub documents_vi: Option<Vec<String>>,
    /// The processing time in words, in Vietnamese, as the kiosk shows it.
    #[serde(default)]
    pub processing_vi: Option<String>,
    /// Where to submit it, in Vietnamese.
    #[serde(default)]
    pub submit_at_vi: Option<String>,
    /// The online public-service page, when it can be done online.
    #[serde(default)]
    pub online_url: Option<String>,
    /// The procedure's name reveals sensitive facts (health, family, religion, a complaint):
    /// a dossier lookup never shows it on the public screen.
    #[serde(default)]
    pub sensitive: bool,
    /// How much of it the national portal does online (absent: not online); the kiosk
    /// routes a `full` one to the portal first (docs/online-routing.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_level: Option<OnlineLevel>,
    /// The desk no longer takes paper for it ("không nhận hồ sơ giấy"): it is filed online
    /// only, so the kiosk routes it online whatever its level.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_paper: bool,
}

/// How much of a procedure the national public-service portal does online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnlineLevel {
    /// Filed, paid and returned online ("toàn trình").
    Full,
    /// Part of it online; the citizen still comes to the desk ("một phần").
    Partial,
}

impl OnlineLevel {
    /// The code stored and sent: "full" or "partial".
    pub fn code(self) -> &'static str {
        match self {
            OnlineLevel::Full => "full",
            OnlineLevel::Partial => "partial",
        }
    }

    /// The level of a stored code; `None` for anything else.
    pub fn from_code(code: &str) -> Option<OnlineLevel> {
        match code {
            "full" => Some(OnlineLevel::Full),
            "partial" => Some(OnlineLevel::Partial),
            _ => None,
        }
    }
}

impl Procedure {
    /// Whether the kiosk sends the citizen online first: the portal does all of it, or the
    /// desk takes no paper for it.
    pub fn routes_online(&self) -> bool {
        self.online_url.is_some() && (self.no_paper || self.online_level == Some(OnlineLevel::Full))
    }
}

/// Fields and procedures, in display order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    /// Provenance note.
    #[serde(default)]
    pub about: String,
    /// Fields in display order.
    pub fields: Vec<Field>,
    /// Procedures in display order.
    pub procedures: Vec<Procedure>,
}

impl Catalogue {
    /// The catalogue in `assets/catalogue.json`, compiled in.
    ///
    /// Panics only if the shipped file is broken, which the unit tests catch.
    pub fn default_embedded() -> Catalogue {
        Catalogue::from_json(EMBEDDED).expect("assets/catalogue.json is valid")
    }

    /// Parses and checks a catalogue, NFC-normalising every text.
    pub fn from_json(text: &str) -> Result<Catalogue> {
        let mut cat: Catalogue =
            serde_json::from_str(text).context("catalogue is not valid catalogue JSON")?;
        cat.normalise();
        cat.check()?;
        Ok(cat)
    }

    /// Looks up a procedure by its national code.
    pub fn procedure(&self, code: &str) -> Option<&Procedure> {
        self.procedures
            .iter()
            .find(|p| p.code.as_deref() == Some(code))
    }

    /// Looks up a field by code.
    pub fn field(&self, code: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.code == code)
    }

    fn normalise(&mut self) {
        let n = |s: &mut String| *s = nfc(s.trim());
        n(&mut self.about);
        for f in &mut self.fields {
            n(&mut f.code);
            n(&mut f.name_vi);
            n(&mut f.name_en);
            n(&mut f.icon);
        }
        for p in &mut self.procedures {
            n(&mut p.field);
            if let Some(c) = &mut p.code {
                n(c);
            }
            n(&mut p.name_vi);
            n(&mut p.name_en);
            n(&mut p.processing_days);
            n(&mut p.fee_vi);
            for d in p.documents_vi.iter_mut().flatten() {
                n(d);
            }
        }
    }

    fn check(&self) -> Result<()> {
        let mut codes = HashSet::new();
        for (i, f) in self.fields.iter().enumerate() {
            if f.code.is_empty() {
                bail!("catalogue: field #{} has an empty code", i + 1);
            }
            if !codes.insert(f.code.as_str()) {
                bail!("catalogue: field code {:?} appears twice", f.code);
            }
            if f.icon_char().is_none() {
                bail!(
                    "catalogue: field {:?} has icon {:?}, expected a hex code point such as \"f1a2\"",
                    f.code,
                    f.icon
                );
            }
        }
        for (i, p) in self.procedures.iter().enumerate() {
            if !codes.contains(p.field.as_str()) {
                bail!(
                    "catalogue: procedure #{} ({:?}) belongs to unknown field {:?}",
                    i + 1,
                    p.name_vi,
                    p.field
                );
            }
            if p.online_url.is_none() && (p.no_paper || p.online_level.is_some()) {
                bail!(
                    "catalogue: procedure #{} ({:?}) is marked {} but has no online_url to send \
                     citizens to",
                    i + 1,
                    p.name_vi,
                    if p.no_paper {
                        "no_paper".to_string()
                    } else {
                        format!("online_level {:?}", p.online_level.map_or("", |l| l.code()))
                    }
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalogue_loads() {
        let c = Catalogue::default_embedded();
        assert!(c.fields.len() >= 4);
        assert_eq!(c.fields[0].code, "HT");
        assert_eq!(c.fields[0].name_vi, "Hộ tịch");
        assert_eq!(c.fields[0].icon_char(), Some('\u{f1a2}'));
        assert!(c.procedures.iter().any(|p| p.code.is_none()));
        assert!(c.field("CT").is_some());
        // The demo routes at least one procedure online, with and without paper.
        assert!(c
            .procedures
            .iter()
            .any(|p| p.no_paper && p.online_level == Some(OnlineLevel::Full)));
        assert!(c
            .procedures
            .iter()
            .any(|p| p.online_level == Some(OnlineLevel::Partial) && !p.routes_online()));
    }

    fn one_procedure(extra: &str) -> String {
        format!(
            r#"{{"fields":[{{"code":"HT","name_vi":"Hộ tịch","name_en":"x","icon":"f1a2"}}],
            "procedures":[{{"field":"HT","code":"2.000635","name_vi":"Cấp bản sao trích lục","name_en":"x",
            "processing_days":"0","fee_vi":"","sourced":false{extra}}}]}}"#
        )
    }

    #[test]
    fn online_level_and_no_paper_are_optional_and_read() {
        let plain = Catalogue::from_json(&one_procedure("")).unwrap();
        assert_eq!(plain.procedures[0].online_level, None);
        assert!(!plain.procedures[0].no_paper);
        assert!(!plain.procedures[0].routes_online());
        let url = r#","online_url":"https://dichvucong.gov.vn/x""#;
        let full = Catalogue::from_json(&one_procedure(&format!(r#"{url},"online_level":"full""#)))
            .unwrap();
        assert_eq!(full.procedures[0].online_level, Some(OnlineLevel::Full));
        assert!(full.procedures[0].routes_online());
        let partial = Catalogue::from_json(&one_procedure(&format!(
            r#"{url},"online_level":"partial""#
        )))
        .unwrap();
        assert!(!partial.procedures[0].routes_online());
        let no_paper = Catalogue::from_json(&one_procedure(&format!(
            r#"{url},"online_level":"partial","no_paper":true"#
        )))
        .unwrap();
        assert!(no_paper.procedures[0].routes_online());
        assert_eq!(
            no_paper.procedure("2.000635").map(|p| p.no_paper),
            Some(true)
        );
        // Written back, an absent level and a false flag stay absent (older readers).
        let json = serde_json::to_string(&plain).unwrap();
        assert!(
            !json.contains("online_level") && !json.contains("no_paper"),
            "{json}"
        );
        let json = serde_json::to_string(&full).unwrap();
        assert!(json.contains(r#""online_level":"full""#), "{json}");
    }

    #[test]
    fn online_marks_need_an_address_and_unknown_levels_are_refused() {
        for extra in [r#","no_paper":true"#, r#","online_level":"full""#] {
            let msg = format!(
                "{:#}",
                Catalogue::from_json(&one_procedure(extra)).unwrap_err()
            );
            assert!(msg.contains("Cấp bản sao trích lục"), "{msg}");
            assert!(msg.contains("online_url"), "{msg}");
        }
        let msg = format!(
            "{:#}",
            Catalogue::from_json(&one_procedure(
                r#","online_url":"https://x","online_level":"total""#
            ))
            .unwrap_err()
        );
        assert!(msg.contains("total"), "{msg}");
    }

    #[test]
    fn text_is_nfc_on_load() {
        let json = r#"{"fields":[{"code":"HT","name_vi":"Ho\u0323\u0302 ti\u0323ch","name_en":"Civil status","icon":"f1a2"}],
            "procedures":[{"field":"HT","code":null,"name_vi":"\u0110a\u0306ng ky\u0301","name_en":"x","processing_days":"0","fee_vi":"Mie\u0302\u0303n phi\u0301","sourced":false}]}"#;
        let c = Catalogue::from_json(json).unwrap();
        assert_eq!(c.fields[0].name_vi, "Hộ tịch");
        assert_eq!(c.procedures[0].name_vi, "Đăng ký");
        assert_eq!(c.procedures[0].fee_vi, "Miễn phí");
        assert_eq!(c.procedures[0].documents_vi, None);
    }

    #[test]
    fn syntax_error_says_where() {
        let err = Catalogue::from_json("{\"fields\": [\n  {\"code\": }\n]}").unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.contains("catalogue"), "{msg}");
        assert!(msg.contains("line 2"), "{msg}");
    }

    #[test]
    fn unknown_field_reference_is_refused() {
        let json = r#"{"fields":[],"procedures":[{"field":"ZZ","code":"1","name_vi":"a","name_en":"a","processing_days":"0","fee_vi":"","sourced":true}]}"#;
        let msg = format!("{:#}", Catalogue::from_json(json).unwrap_err());
        assert!(msg.contains("unknown field \"ZZ\""), "{msg}");
    }

    #[test]
    fn duplicate_field_and_bad_icon_are_refused() {
        let dup = r#"{"fields":[{"code":"A","name_vi":"a","name_en":"a","icon":"e000"},{"code":"A","name_vi":"b","name_en":"b","icon":"e001"}],"procedures":[]}"#;
        assert!(format!("{:#}", Catalogue::from_json(dup).unwrap_err()).contains("twice"));
        let icon =
            r#"{"fields":[{"code":"A","name_vi":"a","name_en":"a","icon":"zz"}],"procedures":[]}"#;
        assert!(format!("{:#}", Catalogue::from_json(icon).unwrap_err()).contains("icon"));
    }
}
