//! The configuration's section types (`[office]`, `[[queues]]`, `[printer]`, …) and their
//! defaults.

use std::collections::HashSet;

use chrono_tz::Tz;
use serde::Deserialize;

use crate::catalogue::Catalogue;

/// Office name used when the file does not set one.
const DEFAULT_OFFICE_NAME: &str = "UBND xã Tân Tiến — Bộ phận một cửa";
/// QR payload template used when the file does not set one.
const DEFAULT_TICKET_URL: &str = "http://motcua.local/ve/{id}";
/// Fields given their own queue in the default configuration; the rest share queue D.
const DEFAULT_QUEUES: [(&str, &[&str]); 3] =
    [("A", &["HT"]), ("B", &["CT"]), ("C", &["DD", "XD", "NN"])];

/// `[sync]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncConfig {
    /// The office server's address, e.g. "http://192.168.1.10:8080"; `None`: this kiosk
    /// works alone and numbers its own tickets.
    pub office_url: Option<String>,
    /// The device token from `motcua office enroll-device`.
    pub token: Option<String>,
    /// The SHA-256 of the office's certificate: with it the kiosk talks only to that
    /// certificate (an `https://` office); without it, an `https://` office must have a
    /// certificate from a public CA (Mozilla's roots, compiled in).
    pub office_cert_sha256: Option<crate::tls::Fingerprint>,
    /// Seconds between polls while all is well.
    pub interval_seconds: u32,
    /// Numbers per queue and day reserved for issuing while the office is unreachable.
    pub block_size: u32,
    /// How long a ticket waits for the office's number before taking one from the block.
    pub number_timeout_ms: u32,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            office_url: None,
            token: None,
            office_cert_sha256: None,
            interval_seconds: 5,
            block_size: 300,
            number_timeout_ms: 300,
        }
    }
}

impl SyncConfig {
    /// The office address and token, when this kiosk syncs.
    pub fn office(&self) -> Option<(&str, &str)> {
        Some((self.office_url.as_deref()?, self.token.as_deref()?))
    }
}

/// `[lookup]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupConfig {
    /// Wrong second factors allowed per dossier code within the window.
    pub max_attempts: u32,
    /// The window, in minutes.
    pub attempt_window_minutes: u32,
    /// Prefix of the queue whose counter hands out results; `None`: the first queue.
    pub result_queue: Option<String>,
}

impl Default for LookupConfig {
    fn default() -> Self {
        LookupConfig {
            max_attempts: 5,
            attempt_window_minutes: 60,
            result_queue: None,
        }
    }
}

/// `[online]`: procedures the national portal does online (docs/online-routing.md).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OnlineConfig {
    /// Prefix of the queue that helps citizens file online (VNeID, the portal); `None`:
    /// the routing page offers no ticket.
    pub assisted_queue: Option<String>,
}

/// `[admin]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminConfig {
    /// Argon2 hash of the PIN (`motcua admin-pin`); `None` keeps the admin view shut.
    pub pin_hash: Option<String>,
    /// Wrong PINs before the keypad locks.
    pub max_attempts: u32,
    /// Minutes the keypad stays locked.
    pub lockout_minutes: u32,
}

impl Default for AdminConfig {
    fn default() -> Self {
        AdminConfig {
            pin_hash: None,
            max_attempts: 5,
            lockout_minutes: 15,
        }
    }
}

/// The hash of the demo's admin PIN, 1234; a real office sets its own.
pub const DEMO_PIN_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$Skcnd4ZxqHzgxpqei8+JUg$CiOeiE+ZbSlOc3CjXH0tkYn1X0TPEtMraYPniaJUk2c";

/// `[office]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeConfig {
    /// Name printed on tickets and shown on screen.
    pub name: String,
    /// Zone that decides the business date and opening hours.
    pub time_zone: Tz,
    /// QR payload template; `{id}` stands for the ticket id.
    pub ticket_url: String,
}

impl OfficeConfig {
    /// The QR payload for one ticket.
    pub fn ticket_url_for(&self, id: &str) -> String {
        self.ticket_url.replace("{id}", id)
    }
}

/// One `[[queues]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueConfig {
    /// 1–2 capital letters before the number ("A012").
    pub prefix: String,
    /// Catalogue field codes this queue serves.
    pub fields: Vec<String>,
    /// Average minutes per citizen, for the wait estimate.
    pub service_minutes: u32,
    /// Counters serving this queue.
    pub counters: u32,
}

/// How receipts are produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PrinterKind {
    /// Saves ESC/POS bytes and a PNG preview (demo).
    Virtual,
    /// A thermal printer on a serial port.
    Serial,
    /// A network thermal printer; `port` is its `host:port` (usually port 9100).
    Tcp,
    /// No printer: the ticket is shown on screen only.
    None,
}

/// Serial flow control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FlowControl {
    /// None.
    None,
    /// Software XON/XOFF.
    Xonxoff,
    /// Hardware RTS/CTS.
    Rtscts,
}

/// `[printer]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterConfig {
    /// Kind of printer.
    pub kind: PrinterKind,
    /// Serial device path, or `host:port` for a network printer.
    pub port: String,
    /// Baud rate (1200..=115200).
    pub baud: u32,
    /// Flow control.
    pub flow_control: FlowControl,
    /// Printer profile name (code page, paper width).
    pub profile: String,
}

/// Default screen language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Vietnamese.
    Vi,
    /// English.
    En,
}

/// `[kiosk]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskConfig {
    /// Language shown after idle reset.
    pub language: Language,
    /// Screen width in pixels.
    pub width: u32,
    /// Screen height in pixels.
    pub height: u32,
    /// Screen rotation in degrees: 0, 90, 180 or 270.
    pub rotation: u16,
    /// Seconds without a touch before the screen resets (privacy at a public screen).
    pub idle_timeout_seconds: u32,
    /// Seconds the ticket confirmation stays on screen.
    pub confirmation_seconds: u32,
    /// Days tickets and lookup logs are kept (unsent tickets stay until sent).
    pub retention_days: u32,
    /// Megabytes the store's rows may take before retention shortens and finished dossiers go.
    pub max_store_mb: u32,
    /// Where citizens wait for their number, shown and said after "Xin mời bạn chờ tại".
    pub wait_area: String,
    /// The panel's diagonal in millimetres (from `screen_inches`), so touch targets can be
    /// kept at 15 mm whatever its resolution; `None` when not configured.
    pub screen_diagonal_mm: Option<u32>,
}

/// Where citizens wait when the file does not say.
const DEFAULT_WAIT_AREA: &str = "khu vực chờ trước các quầy";

/// `[audio]`: the spoken guidance for blind citizens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioConfig {
    /// Whether the kiosk speaks at all.
    pub enabled: bool,
    /// The ALSA device of the loudspeaker.
    pub device: String,
    /// The ALSA device of the headphone socket, used while headphones are plugged in.
    pub headphones_device: Option<String>,
    /// The ALSA control that tells whether headphones are plugged in ("Headphone Jack").
    pub headphones_jack: Option<String>,
    /// The sound card whose mixer has that control (`amixer -c CARD`).
    pub card: String,
    /// The player's argument vector; `{device}` is replaced, the WAV comes on its stdin.
    pub player: Vec<String>,
    /// The synthesiser's argument vector; `{voice}` and `{text}` are replaced (without
    /// `{text}` the text goes to its stdin), and it writes a WAV to its stdout.
    pub synth: Vec<String>,
}

impl Default for AudioConfig {
    fn default() -> Self {
        let argv = |a: &[&str]| a.iter().map(|s| s.to_string()).collect();
        AudioConfig {
            enabled: true,
            device: "default".to_string(),
            headphones_device: None,
            headphones_jack: None,
            card: "0".to_string(),
            player: argv(&["aplay", "-q", "-D", "{device}", "-t", "wav", "-"]),
            // The text goes on stdin: catalogue text as an argument could pass for an option.
            synth: argv(&[
                "espeak-ng",
                "-v",
                "{voice}",
                "-s",
                "140",
                "-p",
                "42",
                "--stdout",
                "--stdin",
            ]),
        }
    }
}

impl Default for OfficeConfig {
    fn default() -> Self {
        OfficeConfig {
            name: DEFAULT_OFFICE_NAME.to_string(),
            time_zone: chrono_tz::Asia::Ho_Chi_Minh,
            ticket_url: DEFAULT_TICKET_URL.to_string(),
        }
    }
}

impl Default for PrinterConfig {
    fn default() -> Self {
        PrinterConfig {
            kind: PrinterKind::Virtual,
            port: "/dev/ttyUSB0".to_string(),
            baud: 19200,
            flow_control: FlowControl::None,
            profile: "epson-80mm".to_string(),
        }
    }
}

impl Default for KioskConfig {
    fn default() -> Self {
        KioskConfig {
            language: Language::Vi,
            width: 1080,
            height: 1920,
            rotation: 0,
            idle_timeout_seconds: 30,
            confirmation_seconds: 10,
            retention_days: 90,
            max_store_mb: 256,
            wait_area: DEFAULT_WAIT_AREA.to_string(),
            screen_diagonal_mm: None,
        }
    }
}

/// The default queues: A, B and C for the fields in `DEFAULT_QUEUES`, D for the rest of the
/// catalogue.
pub(super) fn default_queues(cat: &Catalogue) -> Vec<QueueConfig> {
    let mut queues: Vec<QueueConfig> = DEFAULT_QUEUES
        .iter()
        .map(|(prefix, fields)| QueueConfig {
            prefix: prefix.to_string(),
            fields: fields.iter().map(|f| f.to_string()).collect(),
            service_minutes: 6,
            counters: 1,
        })
        .collect();
    let taken: HashSet<&str> = DEFAULT_QUEUES
        .iter()
        .flat_map(|(_, f)| f.iter().copied())
        .collect();
    queues.push(QueueConfig {
        prefix: "D".to_string(),
        fields: cat
            .fields
            .iter()
            .map(|f| f.code.clone())
            .filter(|c| !taken.contains(c.as_str()))
            .collect(),
        service_minutes: 6,
        counters: 1,
    });
    queues
}
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn ticket_url_substitution() {
        let o = OfficeConfig::default();
        assert_eq!(o.ticket_url_for("abc"), "http://motcua.local/ve/abc");
    }
}
