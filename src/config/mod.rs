//! The kiosk's one TOML configuration file.
//!
//! The file is parsed into span-carrying raw structs first and then checked, so every
//! mistake (syntax, type, or a rule such as overlapping sessions) is reported with the file,
//! line and column of the offending value: the installer fixing it has only a text editor.

mod raw;
mod template;
mod types;
mod validate;

use std::fmt;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;

use crate::catalogue::Catalogue;
use crate::domain::hours::Hours;

pub use types::{
    AdminConfig, AudioConfig, FlowControl, KioskConfig, Language, LookupConfig, OfficeConfig,
    OnlineConfig, PrinterConfig, PrinterKind, QueueConfig, SyncConfig, DEMO_PIN_HASH,
};

/// A refused configuration: where and what, displayed as `path:line:column: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The configuration file.
    pub path: PathBuf,
    /// 1-based line of the offending value; 0 when the file could not be read at all.
    pub line: usize,
    /// 1-based column in characters; 0 when there is no location.
    pub column: usize,
    /// What is wrong, naming the key.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path.display(), self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.path.display(),
                self.line,
                self.column,
                self.message
            )
        }
    }
}

impl std::error::Error for ConfigError {}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The office.
    pub office: OfficeConfig,
    /// Reception hours.
    pub hours: Hours,
    /// Queues, in the order the file lists them.
    pub queues: Vec<QueueConfig>,
    /// Receipt printer.
    pub printer: PrinterConfig,
    /// Touchscreen.
    pub kiosk: KioskConfig,
    /// The staff's view behind a long press and a PIN.
    pub admin: AdminConfig,
    /// Dossier lookup at the kiosk.
    pub lookup: LookupConfig,
    /// Routing citizens to the online public services.
    pub online: OnlineConfig,
    /// The office server this kiosk syncs with.
    pub sync: SyncConfig,
    /// Spoken guidance.
    pub audio: AudioConfig,
}

impl Default for Config {
    /// The demo office: queues A (Hộ tịch), B (Chứng thực), C (land, construction, agriculture), D (the rest).
    fn default() -> Self {
        Config {
            office: OfficeConfig::default(),
            hours: Hours::default(),
            queues: types::default_queues(&Catalogue::default_embedded()),
            printer: PrinterConfig::default(),
            kiosk: KioskConfig::default(),
            admin: AdminConfig::default(),
            lookup: LookupConfig::default(),
            online: OnlineConfig::default(),
            sync: SyncConfig::default(),
            audio: AudioConfig::default(),
        }
    }
}

impl Config {
    /// Reads and checks the file at `path`.
    pub fn load(path: impl AsRef<Path>) -> Result<Config, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            message: format!("cannot read the configuration file: {e}"),
        })?;
        Config::parse(&text, path)
    }

    /// Parses and checks configuration text; `path` is only used in error messages.
    pub fn parse(text: &str, path: impl AsRef<Path>) -> Result<Config, ConfigError> {
        validate::config(text, path.as_ref())
    }

    /// The queue serving a field code, if any.
    pub fn queue_for_field(&self, field: &str) -> Option<&QueueConfig> {
        self.queues
            .iter()
            .find(|q| q.fields.iter().any(|f| f == field))
    }

    /// The queue with this prefix.
    pub fn queue(&self, prefix: &str) -> Option<&QueueConfig> {
        self.queues.iter().find(|q| q.prefix == prefix)
    }

    /// The office time zone.
    pub fn tz(&self) -> Tz {
        self.office.time_zone
    }
}

/// The error for a text that must be refused.
#[cfg(test)]
fn err(text: &str) -> ConfigError {
    Config::parse(text, "/etc/motcua.toml").expect_err("should be refused")
}

/// Asserts the error is on `line` and its message contains `needle`.
#[cfg(test)]
fn assert_err(text: &str, line: usize, needle: &str) {
    let e = err(text);
    assert_eq!(e.line, line, "wrong line for: {e}");
    assert!(
        e.message.contains(needle),
        "message {:?} lacks {needle:?}",
        e.message
    );
    assert!(
        e.to_string()
            .starts_with(&format!("/etc/motcua.toml:{line}:")),
        "{e}"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn minimal_file_is_valid() {
        let c = Config::parse("[office]\nname = \"UBND xã Hòa Bình\"\n", "x.toml").unwrap();
        assert_eq!(c.office.name, "UBND xã Hòa Bình");
        assert_eq!(c.hours, Hours::default());
        assert_eq!(c.queues, Config::default().queues);
        assert_eq!(c.tz(), chrono_tz::Asia::Ho_Chi_Minh);
    }

    #[test]
    fn empty_file_is_the_default() {
        assert_eq!(Config::parse("", "x.toml").unwrap(), Config::default());
    }

    #[test]
    fn default_queues_cover_the_catalogue_once() {
        let c = Config::default();
        let prefixes: Vec<_> = c.queues.iter().map(|q| q.prefix.as_str()).collect();
        assert_eq!(prefixes, ["A", "B", "C", "D"]);
        assert_eq!(c.queue_for_field("HT").unwrap().prefix, "A");
        assert_eq!(c.queue_for_field("CT").unwrap().prefix, "B");
        assert_eq!(c.queue_for_field("XD").unwrap().prefix, "C");
        for f in Catalogue::default_embedded().fields {
            let owners = c
                .queues
                .iter()
                .filter(|q| q.fields.contains(&f.code))
                .count();
            assert_eq!(owners, 1, "field {}", f.code);
        }
        assert_eq!(c.queue_for_field("TG").unwrap().prefix, "D");
        assert!(c.queue_for_field("NOPE").is_none());
    }

    #[test]
    fn load_reports_missing_file() {
        let e = Config::load("/nonexistent/motcua.toml").unwrap_err();
        assert_eq!(e.line, 0);
        assert!(
            e.to_string()
                .starts_with("/nonexistent/motcua.toml: cannot read"),
            "{e}"
        );
    }

    #[test]
    fn load_reports_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("motcua.toml");
        std::fs::write(
            &path,
            "[office]\nname = \"Tân Tiến\"\n\n[kiosk]\nrotation = 45\n",
        )
        .unwrap();
        let e = Config::load(&path).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{}:5:12: kiosk.rotation 45 must be 0, 90, 180 or 270",
                path.display()
            )
        );
        std::fs::write(&path, Config::default_toml(false)).unwrap();
        assert_eq!(Config::load(&path).unwrap(), Config::default());
    }
}
