//! The file as written: every value with its span (its place in the text), so the checks in
//! `validate` can point at the offending one. Unknown keys are refused here (a typo).

use serde::Deserialize;
use toml::Spanned;

use super::{FlowControl, Language, PrinterKind};

/// The whole file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) office: Option<RawOffice>,
    pub(super) hours: Option<RawHours>,
    pub(super) queues: Option<Spanned<Vec<RawQueue>>>,
    pub(super) printer: Option<RawPrinter>,
    pub(super) kiosk: Option<RawKiosk>,
    pub(super) admin: Option<RawAdmin>,
    pub(super) lookup: Option<RawLookup>,
    pub(super) online: Option<RawOnline>,
    pub(super) sync: Option<RawSync>,
    pub(super) audio: Option<RawAudio>,
}

/// `[audio]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAudio {
    pub(super) enabled: Option<bool>,
    pub(super) device: Option<Spanned<String>>,
    pub(super) headphones_device: Option<Spanned<String>>,
    pub(super) headphones_jack: Option<Spanned<String>>,
    pub(super) card: Option<Spanned<String>>,
    pub(super) player: Option<Spanned<Vec<Spanned<String>>>>,
    pub(super) synth: Option<Spanned<Vec<Spanned<String>>>>,
}

/// `[sync]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSync {
    pub(super) office_url: Option<Spanned<String>>,
    pub(super) token: Option<Spanned<String>>,
    pub(super) office_cert_sha256: Option<Spanned<String>>,
    pub(super) interval_seconds: Option<Spanned<u32>>,
    pub(super) block_size: Option<Spanned<u32>>,
    pub(super) number_timeout_ms: Option<Spanned<u32>>,
}

/// `[lookup]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLookup {
    pub(super) max_attempts: Option<Spanned<u32>>,
    pub(super) attempt_window_minutes: Option<Spanned<u32>>,
    pub(super) result_queue: Option<Spanned<String>>,
}

/// `[online]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOnline {
    pub(super) assisted_queue: Option<Spanned<String>>,
}

/// `[admin]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAdmin {
    pub(super) pin_hash: Option<Spanned<String>>,
    pub(super) max_attempts: Option<Spanned<u32>>,
    pub(super) lockout_minutes: Option<Spanned<u32>>,
}

/// `[office]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOffice {
    pub(super) name: Option<Spanned<String>>,
    pub(super) time_zone: Option<Spanned<String>>,
    pub(super) ticket_url: Option<Spanned<String>>,
}

/// `[hours]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHours {
    pub(super) days: Option<Spanned<Vec<Spanned<String>>>>,
    pub(super) sessions: Option<Spanned<Vec<RawSession>>>,
    pub(super) cutoff_minutes: Option<Spanned<u32>>,
    pub(super) always_open: Option<bool>,
}

/// One of `hours.sessions` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSession {
    pub(super) start: Spanned<String>,
    pub(super) end: Spanned<String>,
}

/// One `[[queues]]` entry as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawQueue {
    pub(super) prefix: Spanned<String>,
    pub(super) fields: Spanned<Vec<Spanned<String>>>,
    pub(super) service_minutes: Option<Spanned<u32>>,
    pub(super) counters: Option<Spanned<u32>>,
}

/// `[printer]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPrinter {
    pub(super) kind: Option<Spanned<PrinterKind>>,
    pub(super) port: Option<Spanned<String>>,
    pub(super) baud: Option<Spanned<u32>>,
    pub(super) flow_control: Option<FlowControl>,
    pub(super) profile: Option<Spanned<String>>,
}

/// `[kiosk]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawKiosk {
    pub(super) language: Option<Language>,
    pub(super) width: Option<Spanned<u32>>,
    pub(super) height: Option<Spanned<u32>>,
    pub(super) rotation: Option<Spanned<u16>>,
    pub(super) idle_timeout_seconds: Option<Spanned<u32>>,
    pub(super) confirmation_seconds: Option<Spanned<u32>>,
    pub(super) retention_days: Option<Spanned<u32>>,
    pub(super) max_store_mb: Option<Spanned<u32>>,
    pub(super) wait_area: Option<Spanned<String>>,
    pub(super) screen_inches: Option<Spanned<f64>>,
}

impl RawConfig {
    /// Parses the text; syntax errors, wrong types and unknown keys carry their span.
    pub(super) fn parse(text: &str) -> Result<RawConfig, toml::de::Error> {
        toml::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{assert_err, err};
    #[test]
    fn syntax_error_has_line_and_column() {
        let e = err("[office]\nname = \"x\"\ntime_zone = \n");
        assert_eq!((e.line, e.column), (3, 13), "{e}");
    }

    #[test]
    fn unknown_key_is_a_typo() {
        assert_err(
            "[office]\nname = \"x\"\n\n[hours]\ncutof_minutes = 10\n",
            5,
            "cutof_minutes",
        );
        assert_err("[printr]\nkind = \"none\"\n", 1, "printr");
    }

    #[test]
    fn wrong_type_points_at_value() {
        let e = err("[kiosk]\nwidth = \"big\"\n");
        assert_eq!((e.line, e.column), (2, 9), "{e}");
        assert_err("[hours]\ncutoff_minutes = -5\n", 2, "");
    }

    #[test]
    fn missing_prefix() {
        let e = err("[[queues]]\nfields = [\"HT\"]\n");
        assert!(e.message.contains("prefix"), "{e}");
        assert!(e.line >= 1);
    }
}
