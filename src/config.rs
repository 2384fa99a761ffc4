//! The kiosk's one TOML configuration file.
//!
//! The file is parsed into span-carrying raw structs first and then checked, so every
//! mistake (syntax, type, or a rule such as overlapping sessions) is reported with the file,
//! line and column of the offending value: the installer fixing it has only a text editor.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::{NaiveTime, Weekday};
use chrono_tz::Tz;
use serde::Deserialize;
use toml::Spanned;

use crate::catalogue::Catalogue;
use crate::domain::hours::{Hours, Session};
use crate::domain::text::nfc;

/// Office name used when the file does not set one.
const DEFAULT_OFFICE_NAME: &str = "UBND xã Tân Tiến — Bộ phận một cửa";
/// QR payload template used when the file does not set one.
const DEFAULT_TICKET_URL: &str = "http://motcua.local/ve/{id}";
/// Fields given their own queue in the default configuration; the rest share queue D.
const DEFAULT_QUEUES: [(&str, &[&str]); 3] =
    [("A", &["HT"]), ("B", &["CT"]), ("C", &["DD", "XD", "NN"])];

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
    pub office: Office,
    /// Reception hours.
    pub hours: Hours,
    /// Queues, in the order the file lists them.
    pub queues: Vec<Queue>,
    /// Receipt printer.
    pub printer: Printer,
    /// Touchscreen.
    pub kiosk: Kiosk,
    /// The staff's view behind a long press and a PIN.
    pub admin: Admin,
    /// Dossier lookup at the kiosk.
    pub lookup: Lookup,
    /// The office server this kiosk syncs with.
    pub sync: Sync,
}

/// `[sync]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sync {
    /// The office server's address, e.g. "http://192.168.1.10:8080"; `None`: this kiosk
    /// works alone and numbers its own tickets.
    pub office_url: Option<String>,
    /// The device token from `motcua office enroll-device`.
    pub token: Option<String>,
    /// Seconds between polls while all is well.
    pub interval_seconds: u32,
    /// Numbers per queue and day reserved for issuing while the office is unreachable.
    pub block_size: u32,
    /// How long a ticket waits for the office's number before taking one from the block.
    pub number_timeout_ms: u32,
}

impl Default for Sync {
    fn default() -> Self {
        Sync {
            office_url: None,
            token: None,
            interval_seconds: 5,
            block_size: 300,
            number_timeout_ms: 300,
        }
    }
}

impl Sync {
    /// The office address and token, when this kiosk syncs.
    pub fn office(&self) -> Option<(&str, &str)> {
        Some((self.office_url.as_deref()?, self.token.as_deref()?))
    }
}

/// `[lookup]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    /// Wrong second factors allowed per dossier code within the window.
    pub max_attempts: u32,
    /// The window, in minutes.
    pub attempt_window_minutes: u32,
    /// Prefix of the queue whose counter hands out results; `None`: the first queue.
    pub result_queue: Option<String>,
}

impl Default for Lookup {
    fn default() -> Self {
        Lookup {
            max_attempts: 5,
            attempt_window_minutes: 60,
            result_queue: None,
        }
    }
}

/// `[admin]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admin {
    /// Argon2 hash of the PIN (`motcua admin-pin`); `None` keeps the admin view shut.
    pub pin_hash: Option<String>,
    /// Wrong PINs before the keypad locks.
    pub max_attempts: u32,
    /// Minutes the keypad stays locked.
    pub lockout_minutes: u32,
}

impl Default for Admin {
    fn default() -> Self {
        Admin {
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
pub struct Office {
    /// Name printed on tickets and shown on screen.
    pub name: String,
    /// Zone that decides the business date and opening hours.
    pub time_zone: Tz,
    /// QR payload template; `{id}` stands for the ticket id.
    pub ticket_url: String,
}

impl Office {
    /// The QR payload for one ticket.
    pub fn ticket_url_for(&self, id: &str) -> String {
        self.ticket_url.replace("{id}", id)
    }
}

/// One `[[queues]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queue {
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
pub struct Printer {
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Vietnamese.
    Vi,
    /// English.
    En,
}

/// `[kiosk]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kiosk {
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
}

impl Default for Office {
    fn default() -> Self {
        Office {
            name: DEFAULT_OFFICE_NAME.to_string(),
            time_zone: chrono_tz::Asia::Ho_Chi_Minh,
            ticket_url: DEFAULT_TICKET_URL.to_string(),
        }
    }
}

impl Default for Printer {
    fn default() -> Self {
        Printer {
            kind: PrinterKind::Virtual,
            port: "/dev/ttyUSB0".to_string(),
            baud: 19200,
            flow_control: FlowControl::None,
            profile: "epson-80mm".to_string(),
        }
    }
}

impl Default for Kiosk {
    fn default() -> Self {
        Kiosk {
            language: Language::Vi,
            width: 1080,
            height: 1920,
            rotation: 0,
            idle_timeout_seconds: 30,
            confirmation_seconds: 10,
            retention_days: 90,
            max_store_mb: 256,
        }
    }
}

impl Default for Config {
    /// The demo office: queues A (Hộ tịch), B (Chứng thực), C (land, construction, agriculture), D (the rest).
    fn default() -> Self {
        Config {
            office: Office::default(),
            hours: Hours::default(),
            queues: default_queues(&Catalogue::default_embedded()),
            printer: Printer::default(),
            kiosk: Kiosk::default(),
            admin: Admin::default(),
            lookup: Lookup::default(),
            sync: Sync::default(),
        }
    }
}

fn default_queues(cat: &Catalogue) -> Vec<Queue> {
    let mut queues: Vec<Queue> = DEFAULT_QUEUES
        .iter()
        .map(|(prefix, fields)| Queue {
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
    queues.push(Queue {
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
        let ctx = Ctx {
            text,
            path: path.as_ref(),
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            ctx.error(
                e.span().unwrap_or(0..0),
                // toml's messages may span lines; keep one line per error for logs.
                e.message().trim_end().replace('\n', "; "),
            )
        })?;
        ctx.build(raw)
    }

    /// The queue serving a field code, if any.
    pub fn queue_for_field(&self, field: &str) -> Option<&Queue> {
        self.queues
            .iter()
            .find(|q| q.fields.iter().any(|f| f == field))
    }

    /// The queue with this prefix.
    pub fn queue(&self, prefix: &str) -> Option<&Queue> {
        self.queues.iter().find(|q| q.prefix == prefix)
    }

    /// The office time zone.
    pub fn tz(&self) -> Tz {
        self.office.time_zone
    }

    /// A commented template that parses back to [`Config::default`]; `demo` turns on `always_open`.
    pub fn default_toml(demo: bool) -> String {
        let def = Config::default();
        let cat = Catalogue::default_embedded();
        let mut s = String::new();
        s.push_str(
            "# motcua configuration.\n\
             # Every key is optional: a key left out takes the value shown here.\n\
             # A mistake is reported with this file's name, the line and the column.\n\
             \n\
             [office]\n\
             # Name printed on each ticket and shown on the kiosk.\n",
        );
        s.push_str(&format!("name = {}\n", toml_str(&def.office.name)));
        s.push_str(
            "# IANA time zone of the office: the business date (numbering restarts each day)\n\
             # changes at local midnight, and opening hours are local.\n",
        );
        s.push_str(&format!(
            "time_zone = {}\n",
            toml_str(def.office.time_zone.name())
        ));
        s.push_str("# Address in the ticket's QR code; {id} is replaced by the ticket id.\n");
        s.push_str(&format!(
            "ticket_url = {}\n",
            toml_str(&def.office.ticket_url)
        ));
        s.push_str(
            "\n[hours]\n\
             # Service days: \"mon\" \"tue\" \"wed\" \"thu\" \"fri\" \"sat\" \"sun\".\n\
             days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]\n\
             # Reception sessions of each service day, local time \"HH:MM\", not overlapping.\n\
             sessions = [\n",
        );
        for sess in &def.hours.sessions {
            s.push_str(&format!(
                "    {{ start = \"{}\", end = \"{}\" }},\n",
                sess.start.format("%H:%M"),
                sess.end.format("%H:%M")
            ));
        }
        s.push_str("]\n");
        s.push_str(
            "# No ticket is issued in the last N minutes of a session: a citizen arriving\n\
             # then could not be served before the counters close.\n",
        );
        s.push_str(&format!("cutoff_minutes = {}\n", def.hours.cutoff_minutes));
        if demo {
            s.push_str(
                "# DEMO ONLY: ignore days and sessions so a ticket can be taken at any hour.\n\
                 # Set to false (or remove) in a real office.\n\
                 always_open = true\n",
            );
        } else {
            s.push_str(
                "# true ignores days and sessions so a ticket can be taken at any hour (demos only).\n\
                 always_open = false\n",
            );
        }
        s.push_str(
            "\n# One [[queues]] block per queue; numbers restart at 1 every business day.\n\
             # prefix          1-2 capital letters printed before the number (A012), unique.\n\
             # fields          catalogue field codes served by this queue; a field in one queue only.\n\
             # service_minutes average minutes a citizen takes, for the wait estimate.\n\
             # counters        counters serving this queue.\n",
        );
        for q in &def.queues {
            s.push_str("\n[[queues]]\n");
            s.push_str(&format!("prefix = {}\n", toml_str(&q.prefix)));
            if q.fields.len() <= 1 {
                let f = &q.fields[0];
                s.push_str(&format!("fields = [{}]", toml_str(f)));
                if let Some(field) = cat.field(f) {
                    s.push_str(&format!("  # {}", field.name_vi));
                }
                s.push('\n');
            } else {
                s.push_str("fields = [\n");
                for f in &q.fields {
                    s.push_str(&format!("    {},", toml_str(f)));
                    if let Some(field) = cat.field(f) {
                        s.push_str(&format!("  # {}", field.name_vi));
                    }
                    s.push('\n');
                }
                s.push_str("]\n");
            }
            s.push_str(&format!("service_minutes = {}\n", q.service_minutes));
            s.push_str(&format!("counters = {}\n", q.counters));
        }
        s.push_str(
            "\n[printer]\n\
             # \"virtual\" saves each receipt as ESC/POS bytes and a PNG preview,\n\
             # \"serial\" prints on a thermal printer, \"tcp\" on a network one (port 9100),\n\
             # \"none\" shows the ticket on screen only.\n\
             kind = \"virtual\"\n\
             # Serial device of the printer (kind = \"serial\"), or \"host:9100\" (kind = \"tcp\").\n",
        );
        s.push_str(&format!("port = {}\n", toml_str(&def.printer.port)));
        s.push_str(
            "# Baud rate, 1200 to 115200; must match the printer's own setting.\n\
             # The serial link is the bottleneck: at 9600 a text ticket takes 0.5 s, a raster one ~8 s.\n",
        );
        s.push_str(&format!("baud = {}\n", def.printer.baud));
        s.push_str("# \"none\", \"xonxoff\" or \"rtscts\".\nflow_control = \"none\"\n");
        s.push_str("# Printer profile (code page for Vietnamese, paper width).\n");
        s.push_str(&format!("profile = {}\n", toml_str(&def.printer.profile)));
        s.push_str(
            "\n[kiosk]\n\
             # Language shown at start and after an idle reset: \"vi\" or \"en\".\n\
             language = \"vi\"\n\
             # Screen size in pixels and rotation in degrees (0, 90, 180 or 270).\n",
        );
        s.push_str(&format!(
            "width = {}\nheight = {}\nrotation = {}\n",
            def.kiosk.width, def.kiosk.height, def.kiosk.rotation
        ));
        s.push_str(
            "# Seconds without a touch before the screen returns to the start, so the next\n\
             # citizen does not see the previous one's screen (at least 5).\n",
        );
        s.push_str(&format!(
            "idle_timeout_seconds = {}\n",
            def.kiosk.idle_timeout_seconds
        ));
        s.push_str("# Seconds the \"here is your ticket\" screen stays.\n");
        s.push_str(&format!(
            "confirmation_seconds = {}\n",
            def.kiosk.confirmation_seconds
        ));
        s.push_str(
            "# Days tickets and lookup logs are kept, so the board's storage never fills\n\
             # (at least 7; a ticket the office has not yet received is kept until it has).\n",
        );
        s.push_str(&format!("retention_days = {}\n", def.kiosk.retention_days));
        s.push_str(
            "# Megabytes the database may use (at least 16). Above it, tickets and logs are kept\n\
             # for less time (down to a week), then the dossiers that ended longest ago go.\n",
        );
        s.push_str(&format!("max_store_mb = {}\n", def.kiosk.max_store_mb));
        s.push_str(
            "\n[admin]\n\
             # Staff open the admin view (printer state, reprints) by holding the office name\n\
             # for 3 seconds and typing the PIN. Make the hash with `motcua admin-pin`;\n\
             # without one the admin view stays shut.\n",
        );
        if demo {
            s.push_str("# DEMO ONLY: the PIN is 1234.\n");
            s.push_str(&format!("pin_hash = {}\n", toml_str(DEMO_PIN_HASH)));
        } else {
            s.push_str("# pin_hash = \"$argon2id$...\"\n");
        }
        s.push_str("# Wrong PINs before the keypad locks, and for how many minutes.\n");
        s.push_str(&format!(
            "max_attempts = {}\nlockout_minutes = {}\n",
            def.admin.max_attempts, def.admin.lockout_minutes
        ));
        s.push_str(
            "\n[lookup]\n\
             # A dossier's details need its lookup secret or the phone's last 4 digits; wrong\n\
             # answers are limited per dossier code within a window of minutes.\n",
        );
        s.push_str(&format!(
            "max_attempts = {}\nattempt_window_minutes = {}\n",
            def.lookup.max_attempts, def.lookup.attempt_window_minutes
        ));
        s.push_str(
            "# Prefix of the queue whose counter hands out results (a dossier that is ready\n\
             # offers a ticket for it); left out: the first queue.\n\
             # result_queue = \"A\"\n",
        );
        s.push_str(
            "\n[sync]\n\
             # The office server this kiosk syncs with (tickets, dossiers, catalogue, clock).\n\
             # Make the token at the office: motcua office enroll-device --name \"Kiosk sảnh\"\n\
             # Left out: the kiosk works alone and numbers its own tickets.\n\
             # office_url = \"http://192.168.1.10:8080\"\n\
             # token = \"…\"\n",
        );
        s.push_str("# Seconds between polls while all is well.\n");
        s.push_str(&format!(
            "interval_seconds = {}\n",
            def.sync.interval_seconds
        ));
        s.push_str(
            "# Numbers per queue and day reserved at the office for issuing while it cannot be\n\
             # reached (offline numbers start at 501, so staff can tell them apart).\n",
        );
        s.push_str(&format!("block_size = {}\n", def.sync.block_size));
        s.push_str(
            "# Milliseconds a ticket waits for the office's number before using the block.\n",
        );
        s.push_str(&format!(
            "number_timeout_ms = {}\n",
            def.sync.number_timeout_ms
        ));
        s
    }
}

/// A TOML basic string; our defaults contain no control characters.
fn toml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

// ---- raw, span-carrying form ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    office: Option<RawOffice>,
    hours: Option<RawHours>,
    queues: Option<Spanned<Vec<RawQueue>>>,
    printer: Option<RawPrinter>,
    kiosk: Option<RawKiosk>,
    admin: Option<RawAdmin>,
    lookup: Option<RawLookup>,
    sync: Option<RawSync>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSync {
    office_url: Option<Spanned<String>>,
    token: Option<Spanned<String>>,
    interval_seconds: Option<Spanned<u32>>,
    block_size: Option<Spanned<u32>>,
    number_timeout_ms: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLookup {
    max_attempts: Option<Spanned<u32>>,
    attempt_window_minutes: Option<Spanned<u32>>,
    result_queue: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAdmin {
    pin_hash: Option<Spanned<String>>,
    max_attempts: Option<Spanned<u32>>,
    lockout_minutes: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOffice {
    name: Option<Spanned<String>>,
    time_zone: Option<Spanned<String>>,
    ticket_url: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHours {
    days: Option<Spanned<Vec<Spanned<String>>>>,
    sessions: Option<Spanned<Vec<RawSession>>>,
    cutoff_minutes: Option<Spanned<u32>>,
    always_open: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSession {
    start: Spanned<String>,
    end: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQueue {
    prefix: Spanned<String>,
    fields: Spanned<Vec<Spanned<String>>>,
    service_minutes: Option<Spanned<u32>>,
    counters: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrinter {
    kind: Option<Spanned<PrinterKind>>,
    port: Option<Spanned<String>>,
    baud: Option<Spanned<u32>>,
    flow_control: Option<FlowControl>,
    profile: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKiosk {
    language: Option<Language>,
    width: Option<Spanned<u32>>,
    height: Option<Spanned<u32>>,
    rotation: Option<Spanned<u16>>,
    idle_timeout_seconds: Option<Spanned<u32>>,
    confirmation_seconds: Option<Spanned<u32>>,
    retention_days: Option<Spanned<u32>>,
    max_store_mb: Option<Spanned<u32>>,
}

struct Ctx<'a> {
    text: &'a str,
    path: &'a Path,
}

type Res<T> = Result<T, ConfigError>;

impl Ctx<'_> {
    fn error(&self, span: Range<usize>, message: impl Into<String>) -> ConfigError {
        let (line, column) = line_col(self.text, span.start);
        ConfigError {
            path: self.path.to_path_buf(),
            line,
            column,
            message: message.into(),
        }
    }

    fn build(&self, raw: RawConfig) -> Res<Config> {
        let office = self.office(raw.office)?;
        let hours = self.hours(raw.hours)?;
        let queues = self.queues(raw.queues)?;
        let printer = self.printer(raw.printer)?;
        let kiosk = self.kiosk(raw.kiosk)?;
        let admin = self.admin(raw.admin)?;
        let lookup = self.lookup(raw.lookup, &queues)?;
        let sync = self.sync(raw.sync)?;
        Ok(Config {
            office,
            hours,
            queues,
            printer,
            kiosk,
            admin,
            lookup,
            sync,
        })
    }

    fn sync(&self, raw: Option<RawSync>) -> Res<Sync> {
        let mut y = Sync::default();
        let Some(raw) = raw else { return Ok(y) };
        if let Some(url) = &raw.office_url {
            let v = url.get_ref().trim().trim_end_matches('/');
            let rest = v
                .strip_prefix("http://")
                .or_else(|| v.strip_prefix("https://"));
            if rest.is_none_or(|r| r.is_empty() || r.contains(char::is_whitespace)) {
                return Err(self.error(
                    url.span(),
                    "sync.office_url must be an address such as \"http://192.168.1.10:8080\"",
                ));
            }
            y.office_url = Some(v.to_string());
        }
        if let Some(t) = &raw.token {
            let v = t.get_ref().trim();
            if v.is_empty() || !v.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(self.error(
                    t.span(),
                    "sync.token must be the token `motcua office enroll-device` printed",
                ));
            }
            y.token = Some(v.to_string());
        }
        match (&raw.office_url, &raw.token) {
            (Some(u), None) => {
                return Err(self.error(
                    u.span(),
                    "sync.office_url needs sync.token too (from `motcua office enroll-device`)",
                ))
            }
            (None, Some(t)) => {
                return Err(self.error(t.span(), "sync.token needs sync.office_url too"))
            }
            _ => {}
        }
        y.interval_seconds = self.at_least(
            raw.interval_seconds,
            y.interval_seconds,
            1,
            "sync.interval_seconds",
        )?;
        if let Some(b) = &raw.block_size {
            if *b.get_ref() > crate::protocol::MAX_BLOCK {
                return Err(self.error(
                    b.span(),
                    format!(
                        "sync.block_size must be at most {}",
                        crate::protocol::MAX_BLOCK
                    ),
                ));
            }
        }
        y.block_size = self.at_least(raw.block_size, y.block_size, 10, "sync.block_size")?;
        if let Some(t) = &raw.number_timeout_ms {
            // A touch must never hang on the network for long.
            if *t.get_ref() > 2000 {
                return Err(self.error(t.span(), "sync.number_timeout_ms must be at most 2000"));
            }
        }
        y.number_timeout_ms = self.at_least(
            raw.number_timeout_ms,
            y.number_timeout_ms,
            50,
            "sync.number_timeout_ms",
        )?;
        Ok(y)
    }

    fn lookup(&self, raw: Option<RawLookup>, queues: &[Queue]) -> Res<Lookup> {
        let mut l = Lookup::default();
        let Some(raw) = raw else { return Ok(l) };
        l.max_attempts =
            self.at_least(raw.max_attempts, l.max_attempts, 1, "lookup.max_attempts")?;
        l.attempt_window_minutes = self.at_least(
            raw.attempt_window_minutes,
            l.attempt_window_minutes,
            1,
            "lookup.attempt_window_minutes",
        )?;
        if let Some(q) = raw.result_queue {
            if !queues.iter().any(|x| x.prefix == *q.get_ref()) {
                return Err(self.error(
                    q.span(),
                    format!(
                        "lookup.result_queue {:?} is not the prefix of a queue",
                        q.get_ref()
                    ),
                ));
            }
            l.result_queue = Some(q.into_inner());
        }
        Ok(l)
    }

    fn admin(&self, raw: Option<RawAdmin>) -> Res<Admin> {
        let mut a = Admin::default();
        let Some(raw) = raw else { return Ok(a) };
        if let Some(h) = raw.pin_hash {
            let v = h.get_ref().trim();
            if !crate::auth::hash_is_valid(v) {
                return Err(self.error(
                    h.span(),
                    "admin.pin_hash is not an Argon2 hash: make one with `motcua admin-pin`",
                ));
            }
            a.pin_hash = Some(v.to_string());
        }
        a.max_attempts =
            self.at_least(raw.max_attempts, a.max_attempts, 1, "admin.max_attempts")?;
        a.lockout_minutes = self.at_least(
            raw.lockout_minutes,
            a.lockout_minutes,
            1,
            "admin.lockout_minutes",
        )?;
        Ok(a)
    }

    fn office(&self, raw: Option<RawOffice>) -> Res<Office> {
        let mut office = Office::default();
        let Some(raw) = raw else { return Ok(office) };
        if let Some(name) = raw.name {
            let v = nfc(name.get_ref().trim());
            if v.is_empty() {
                return Err(self.error(name.span(), "office.name must not be empty"));
            }
            office.name = v;
        }
        if let Some(tz) = raw.time_zone {
            office.time_zone = tz.get_ref().trim().parse::<Tz>().map_err(|_| {
                self.error(
                    tz.span(),
                    format!(
                        "office.time_zone: unknown time zone {:?}; use an IANA name such as \"Asia/Ho_Chi_Minh\"",
                        tz.get_ref()
                    ),
                )
            })?;
        }
        if let Some(url) = raw.ticket_url {
            if !url.get_ref().contains("{id}") {
                return Err(self.error(
                    url.span(),
                    "office.ticket_url must contain {id}, where the ticket id goes",
                ));
            }
            office.ticket_url = url.into_inner();
        }
        Ok(office)
    }

    fn hours(&self, raw: Option<RawHours>) -> Res<Hours> {
        let mut hours = Hours::default();
        let Some(raw) = raw else { return Ok(hours) };
        hours.always_open = raw.always_open.unwrap_or(false);
        if let Some(days) = raw.days {
            let mut out = Vec::new();
            for d in days.get_ref() {
                let day = parse_weekday(d.get_ref()).ok_or_else(|| {
                    self.error(
                        d.span(),
                        format!(
                            "hours.days: {:?} is not a day; use \"mon\" \"tue\" \"wed\" \"thu\" \"fri\" \"sat\" \"sun\"",
                            d.get_ref()
                        ),
                    )
                })?;
                if out.contains(&day) {
                    return Err(self.error(
                        d.span(),
                        format!("hours.days: {:?} is listed twice", d.get_ref()),
                    ));
                }
                out.push(day);
            }
            if out.is_empty() && !hours.always_open {
                return Err(self.error(
                    days.span(),
                    "hours.days is empty: the kiosk would never issue a ticket",
                ));
            }
            hours.days = out;
        }
        // Spans of each session's start, to point at the offending one after sorting.
        let mut session_spans: Vec<(Session, Range<usize>, Range<usize>)> = Vec::new();
        if let Some(sessions) = raw.sessions {
            for s in sessions.get_ref() {
                let start = self.time(&s.start, "start")?;
                let end = self.time(&s.end, "end")?;
                if start >= end {
                    return Err(self.error(
                        s.end.span(),
                        format!(
                            "hours.sessions: end {} is not after start {}",
                            s.end.get_ref(),
                            s.start.get_ref()
                        ),
                    ));
                }
                session_spans.push((Session { start, end }, s.start.span(), s.end.span()));
            }
            if session_spans.is_empty() && !hours.always_open {
                return Err(self.error(
                    sessions.span(),
                    "hours.sessions is empty: the kiosk would never issue a ticket",
                ));
            }
            session_spans.sort_by_key(|(s, _, _)| s.start);
            for pair in session_spans.windows(2) {
                let (prev, next) = (&pair[0], &pair[1]);
                if next.0.start < prev.0.end {
                    return Err(self.error(
                        next.1.clone(),
                        format!(
                            "hours.sessions: session {}–{} overlaps session {}–{}",
                            next.0.start.format("%H:%M"),
                            next.0.end.format("%H:%M"),
                            prev.0.start.format("%H:%M"),
                            prev.0.end.format("%H:%M"),
                        ),
                    ));
                }
            }
        } else {
            session_spans = hours.sessions.iter().map(|s| (*s, 0..0, 0..0)).collect();
        }
        if let Some(c) = &raw.cutoff_minutes {
            hours.cutoff_minutes = *c.get_ref();
        }
        for (s, start_span, _) in &session_spans {
            let minutes = (s.end - s.start).num_minutes();
            if i64::from(hours.cutoff_minutes) >= minutes {
                let span = match &raw.cutoff_minutes {
                    Some(c) => c.span(),
                    None => start_span.clone(),
                };
                return Err(self.error(
                    span,
                    format!(
                        "hours.cutoff_minutes ({}) must be shorter than every session, and session {}–{} lasts {} minutes",
                        hours.cutoff_minutes,
                        s.start.format("%H:%M"),
                        s.end.format("%H:%M"),
                        minutes
                    ),
                ));
            }
        }
        hours.sessions = session_spans.into_iter().map(|(s, _, _)| s).collect();
        Ok(hours)
    }

    fn time(&self, v: &Spanned<String>, which: &str) -> Res<NaiveTime> {
        parse_hhmm(v.get_ref()).ok_or_else(|| {
            self.error(
                v.span(),
                format!(
                    "hours.sessions: {which} {:?} is not a time; write \"HH:MM\", e.g. \"07:00\"",
                    v.get_ref()
                ),
            )
        })
    }

    fn queues(&self, raw: Option<Spanned<Vec<RawQueue>>>) -> Res<Vec<Queue>> {
        let Some(raw) = raw else {
            return Ok(default_queues(&Catalogue::default_embedded()));
        };
        if raw.get_ref().is_empty() {
            return Err(self.error(raw.span(), "queues: at least one queue is needed"));
        }
        let mut prefixes: HashSet<String> = HashSet::new();
        let mut field_owner: HashMap<String, String> = HashMap::new();
        let mut out = Vec::new();
        for q in raw.into_inner() {
            let prefix = q.prefix.get_ref().clone();
            let ok =
                (1..=2).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_uppercase());
            if !ok {
                return Err(self.error(
                    q.prefix.span(),
                    format!("queues.prefix {prefix:?} must be 1 or 2 capital letters A–Z"),
                ));
            }
            if !prefixes.insert(prefix.clone()) {
                return Err(self.error(
                    q.prefix.span(),
                    format!("queues.prefix {prefix:?} is used by another queue"),
                ));
            }
            if q.fields.get_ref().is_empty() {
                return Err(self.error(
                    q.fields.span(),
                    format!(
                        "queues.fields of queue {prefix} is empty: list at least one field code"
                    ),
                ));
            }
            let mut fields = Vec::new();
            for f in q.fields.get_ref() {
                let code = nfc(f.get_ref().trim());
                if code.is_empty() {
                    return Err(self.error(f.span(), "queues.fields: empty field code"));
                }
                if let Some(owner) = field_owner.get(&code) {
                    let msg = if *owner == prefix {
                        format!("queues.fields: field {code:?} is listed twice in queue {prefix}")
                    } else {
                        format!("queues.fields: field {code:?} is already served by queue {owner}")
                    };
                    return Err(self.error(f.span(), msg));
                }
                field_owner.insert(code.clone(), prefix.clone());
                fields.push(code);
            }
            let service_minutes =
                self.at_least(q.service_minutes, 6, 1, "queues.service_minutes")?;
            let counters = self.at_least(q.counters, 1, 1, "queues.counters")?;
            out.push(Queue {
                prefix,
                fields,
                service_minutes,
                counters,
            });
        }
        Ok(out)
    }

    fn at_least(&self, v: Option<Spanned<u32>>, default: u32, min: u32, key: &str) -> Res<u32> {
        match v {
            None => Ok(default),
            Some(v) if *v.get_ref() < min => Err(self.error(
                v.span(),
                format!("{key} must be at least {min}, not {}", v.get_ref()),
            )),
            Some(v) => Ok(v.into_inner()),
        }
    }

    fn printer(&self, raw: Option<RawPrinter>) -> Res<Printer> {
        let mut p = Printer::default();
        let Some(raw) = raw else { return Ok(p) };
        let kind_span = raw.kind.as_ref().map(|k| k.span());
        if let Some(k) = raw.kind {
            p.kind = k.into_inner();
        }
        if p.kind == PrinterKind::Tcp {
            let valid = raw.port.as_ref().is_some_and(|port| {
                port.get_ref()
                    .rsplit_once(':')
                    .is_some_and(|(host, n)| !host.is_empty() && n.parse::<u16>().is_ok())
            });
            if !valid {
                let span = raw
                    .port
                    .as_ref()
                    .map(|p| p.span())
                    .or(kind_span)
                    .unwrap_or(0..0);
                return Err(self.error(
                    span,
                    "printer.port must be \"host:port\" for a network printer, e.g. \"192.168.1.50:9100\"",
                ));
            }
        }
        if let Some(port) = raw.port {
            if port.get_ref().trim().is_empty() {
                return Err(self.error(port.span(), "printer.port must not be empty"));
            }
            p.port = port.into_inner();
        }
        if let Some(b) = raw.baud {
            if !(1200..=115_200).contains(b.get_ref()) {
                return Err(self.error(
                    b.span(),
                    format!(
                        "printer.baud {} is out of range: use 1200 to 115200 (thermal printers usually 9600, 19200, 38400 or 115200)",
                        b.get_ref()
                    ),
                ));
            }
            p.baud = b.into_inner();
        }
        if let Some(f) = raw.flow_control {
            p.flow_control = f;
        }
        if let Some(prof) = raw.profile {
            if crate::printer::Profile::by_name(prof.get_ref()).is_none() {
                return Err(self.error(
                    prof.span(),
                    format!(
                        "printer.profile {:?} is unknown: use one of {}",
                        prof.get_ref(),
                        crate::printer::Profile::NAMES.join(", ")
                    ),
                ));
            }
            p.profile = prof.into_inner();
        }
        Ok(p)
    }

    fn kiosk(&self, raw: Option<RawKiosk>) -> Res<Kiosk> {
        let mut k = Kiosk::default();
        let Some(raw) = raw else { return Ok(k) };
        if let Some(l) = raw.language {
            k.language = l;
        }
        k.width = self.at_least(raw.width, k.width, 1, "kiosk.width")?;
        k.height = self.at_least(raw.height, k.height, 1, "kiosk.height")?;
        if let Some(r) = raw.rotation {
            if ![0, 90, 180, 270].contains(r.get_ref()) {
                return Err(self.error(
                    r.span(),
                    format!("kiosk.rotation {} must be 0, 90, 180 or 270", r.get_ref()),
                ));
            }
            k.rotation = r.into_inner();
        }
        k.idle_timeout_seconds = self.at_least(
            raw.idle_timeout_seconds,
            k.idle_timeout_seconds,
            5,
            "kiosk.idle_timeout_seconds",
        )?;
        k.confirmation_seconds = self.at_least(
            raw.confirmation_seconds,
            k.confirmation_seconds,
            1,
            "kiosk.confirmation_seconds",
        )?;
        k.retention_days = self.at_least(
            raw.retention_days,
            k.retention_days,
            7,
            "kiosk.retention_days",
        )?;
        k.max_store_mb =
            self.at_least(raw.max_store_mb, k.max_store_mb, 16, "kiosk.max_store_mb")?;
        Ok(k)
    }
}

/// 1-based line and character column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn parse_weekday(s: &str) -> Option<Weekday> {
    Some(match s {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

/// Strict "HH:MM", 00:00–23:59: a typo like "7:0" or "17.00" should be refused, not guessed.
fn parse_hhmm(s: &str) -> Option<NaiveTime> {
    let b = s.as_bytes();
    if b.len() != 5 || b[2] != b':' {
        return None;
    }
    let digits = [b[0], b[1], b[3], b[4]];
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let h = u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0');
    let m = u32::from(b[3] - b'0') * 10 + u32::from(b[4] - b'0');
    NaiveTime::from_hms_opt(h, m, 0).filter(|_| h < 24 && m < 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> ConfigError {
        Config::parse(text, "/etc/motcua.toml").expect_err("should be refused")
    }

    /// Asserts the error is on `line` and its message contains `needle`.
    #[test]
    fn a_network_printer_takes_host_and_port() {
        let c = Config::parse(
            "[printer]\nkind = \"tcp\"\nport = \"192.168.1.50:9100\"\n",
            "k.toml",
        )
        .unwrap();
        assert_eq!(c.printer.kind, PrinterKind::Tcp);
        assert_eq!(c.printer.port, "192.168.1.50:9100");
    }

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
    fn default_toml_round_trips() {
        let text = Config::default_toml(false);
        assert_eq!(Config::parse(&text, "t.toml").unwrap(), Config::default());
    }

    #[test]
    fn demo_toml_is_always_open() {
        let text = Config::default_toml(true);
        assert!(text.contains("always_open = true"));
        let c = Config::parse(&text, "t.toml").unwrap();
        let mut expected = Config::default();
        expected.hours.always_open = true;
        expected.admin.pin_hash = Some(DEMO_PIN_HASH.to_string());
        assert_eq!(c, expected);
        assert!(crate::auth::verify_pin(DEMO_PIN_HASH, "1234"));
    }

    #[test]
    fn the_boards_example_config_parses() {
        let text = include_str!("../deploy/kiosk.toml");
        let c = Config::parse(text, "deploy/kiosk.toml").unwrap();
        assert_eq!(c.printer.kind, PrinterKind::Serial);
        assert_eq!(
            c.printer.port, "/dev/motcua-printer",
            "the udev rule's name"
        );
        assert_eq!(c.admin.pin_hash, None, "each office sets its own PIN");
    }

    #[test]
    fn retention_keeps_at_least_a_week() {
        assert_err("[kiosk]\nretention_days = 3\n", 2, "retention_days");
        assert_err("[kiosk]\nmax_store_mb = 2\n", 2, "max_store_mb");
        let c = Config::parse("[kiosk]\nretention_days = 30\n", "t.toml").unwrap();
        assert_eq!(c.kiosk.retention_days, 30);
        assert_eq!(Config::default().kiosk.retention_days, 90);
    }

    #[test]
    fn the_result_queue_must_exist() {
        assert_err(
            "[lookup]\nresult_queue = \"Z\"\n",
            2,
            "not the prefix of a queue",
        );
        let c = Config::parse("[lookup]\nresult_queue = \"B\"\n", "t.toml").unwrap();
        assert_eq!(c.lookup.result_queue.as_deref(), Some("B"));
    }

    #[test]
    fn a_pin_that_is_not_a_hash_is_refused_with_its_line() {
        assert_err("[admin]\npin_hash = \"1234\"\n", 2, "motcua admin-pin");
    }

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
    fn bad_enum_value() {
        assert_err("[printer]\nbaud = 9600\nkind = \"usb\"\n", 3, "usb");
        assert_err(
            "[printer]\nkind = \"tcp\"\nport = \"/dev/ttyUSB0\"\n",
            3,
            "host:port",
        );
        assert_err("[printer]\nkind = \"tcp\"\n", 2, "host:port");
        assert_err("[printer]\nflow_control = \"xon\"\n", 2, "xon");
        assert_err("[kiosk]\nlanguage = \"fr\"\n", 2, "fr");
    }

    #[test]
    fn unknown_time_zone() {
        let e = err("[office]\nname = \"Tân Tiến\"\ntime_zone = \"Asia/Hanoi\"\n");
        assert_eq!((e.line, e.column), (3, 13), "{e}");
        assert!(e.message.contains("Asia/Hanoi"));
        assert!(
            Config::parse("[office]\ntime_zone = \"Asia/Bangkok\"\n", "x")
                .map(|c| c.tz() == chrono_tz::Asia::Bangkok)
                .unwrap()
        );
    }

    #[test]
    fn ticket_url_needs_placeholder() {
        assert_err("[office]\nticket_url = \"http://x/ve\"\n", 2, "{id}");
    }

    #[test]
    fn bad_time_format() {
        assert_err(
            "[hours]\nsessions = [\n  { start = \"07:00\", end = \"11:30\" },\n  { start = \"1:30\", end = \"17:00\" },\n]\n",
            4,
            "\"1:30\"",
        );
        assert_err(
            "[hours]\nsessions = [{ start = \"07:00\", end = \"24:00\" }]\n",
            2,
            "24:00",
        );
        assert_err(
            "[hours]\nsessions = [{ start = \"07.00\", end = \"11:00\" }]\n",
            2,
            "07.00",
        );
    }

    #[test]
    fn session_end_before_start() {
        // Array-of-tables form, so start and end are on different lines.
        let e = err("[[hours.sessions]]\nstart = \"07:00\"\nend = \"11:30\"\n\n[[hours.sessions]]\nstart = \"17:00\"\nend = \"13:30\"\n");
        assert_eq!((e.line, e.column), (7, 7), "{e}");
        assert!(e.message.contains("not after"));
    }

    #[test]
    fn overlapping_sessions() {
        let e = err("[hours]\nsessions = [\n  { start = \"07:00\", end = \"11:30\" },\n  { start = \"11:00\", end = \"17:00\" },\n]\n");
        assert_eq!(e.line, 4, "{e}");
        assert!(e.message.contains("overlaps"), "{e}");
        // Touching sessions do not overlap.
        Config::parse("[hours]\nsessions = [{ start = \"07:00\", end = \"11:30\" }, { start = \"11:30\", end = \"12:00\" }]\n", "x").unwrap();
    }

    #[test]
    fn overlap_is_found_whatever_the_order() {
        let e = err("[hours]\nsessions = [\n  { start = \"13:30\", end = \"17:00\" },\n  { start = \"07:00\", end = \"14:00\" },\n]\n");
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn cutoff_longer_than_a_session() {
        let text = "[hours]\nsessions = [{ start = \"07:00\", end = \"11:30\" }, { start = \"16:00\", end = \"16:20\" }]\ncutoff_minutes = 20\n";
        let e = err(text);
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("16:00–16:20"), "{e}");
        // Default cut-off (15) against a short session points at the session.
        assert_err(
            "[hours]\nsessions = [\n  { start = \"07:00\", end = \"11:30\" },\n  { start = \"16:00\", end = \"16:10\" },\n]\n",
            4,
            "cutoff",
        );
    }

    #[test]
    fn bad_days() {
        assert_err("[hours]\ndays = [\"mon\",\n  \"Tue\"]\n", 3, "Tue");
        assert_err("[hours]\ndays = [\"mon\", \"mon\"]\n", 2, "twice");
        assert_err("[hours]\n\ndays = []\n", 3, "empty");
        let c = Config::parse("[hours]\ndays = []\nalways_open = true\n", "x").unwrap();
        assert!(c.hours.always_open);
    }

    #[test]
    fn bad_prefix() {
        assert_err(
            "[[queues]]\nprefix = \"a\"\nfields = [\"HT\"]\n",
            2,
            "capital",
        );
        assert_err(
            "[[queues]]\nprefix = \"ABC\"\nfields = [\"HT\"]\n",
            2,
            "capital",
        );
        assert_err(
            "[[queues]]\nprefix = \"Đ\"\nfields = [\"HT\"]\n",
            2,
            "capital",
        );
        assert_err(
            "[[queues]]\nprefix = \"\"\nfields = [\"HT\"]\n",
            2,
            "capital",
        );
    }

    #[test]
    fn duplicate_prefix() {
        assert_err(
            "[[queues]]\nprefix = \"A\"\nfields = [\"HT\"]\n\n[[queues]]\nprefix = \"A\"\nfields = [\"CT\"]\n",
            6,
            "another queue",
        );
    }

    #[test]
    fn field_in_two_queues() {
        let e = err("[[queues]]\nprefix = \"A\"\nfields = [\"HT\", \"CT\"]\n\n[[queues]]\nprefix = \"B\"\nfields = [\"DD\", \"CT\"]\n");
        assert_eq!((e.line, e.column), (7, 17), "{e}");
        assert!(e.message.contains("queue A"), "{e}");
    }

    #[test]
    fn no_queue() {
        assert_err("[office]\nname = \"x\"\nqueues = []\n", 3, "unknown field");
        assert_err(
            "queues = []\n[office]\nname = \"x\"\n",
            1,
            "at least one queue",
        );
        assert_err("[[queues]]\nprefix = \"A\"\nfields = []\n", 3, "empty");
    }

    #[test]
    fn missing_prefix() {
        let e = err("[[queues]]\nfields = [\"HT\"]\n");
        assert!(e.message.contains("prefix"), "{e}");
        assert!(e.line >= 1);
    }

    #[test]
    fn queue_minimums() {
        assert_err(
            "[[queues]]\nprefix = \"A\"\nfields = [\"HT\"]\ncounters = 0\n",
            4,
            "counters",
        );
        assert_err(
            "[[queues]]\nprefix = \"A\"\nfields = [\"HT\"]\nservice_minutes = 0\n",
            4,
            "service_minutes",
        );
    }

    #[test]
    fn baud_range() {
        assert_err(
            "[printer]\nkind = \"serial\"\nbaud = 300\n",
            3,
            "1200 to 115200",
        );
        assert_err("[printer]\nbaud = 230400\n", 2, "1200 to 115200");
        let c = Config::parse("[printer]\nbaud = 115200\n", "x").unwrap();
        assert_eq!(c.printer.baud, 115200);
    }

    #[test]
    fn rotation_and_idle() {
        assert_err("[kiosk]\nrotation = 45\n", 2, "0, 90, 180 or 270");
        assert_err("[kiosk]\nidle_timeout_seconds = 4\n", 2, "at least 5");
        let c = Config::parse("[kiosk]\nrotation = 270\nidle_timeout_seconds = 5\n", "x").unwrap();
        assert_eq!((c.kiosk.rotation, c.kiosk.idle_timeout_seconds), (270, 5));
    }

    #[test]
    fn column_counts_characters_not_bytes() {
        // "Tân Tiến" has multi-byte letters before the bad value on the same line.
        let e = err("[office]\nname = \"Tân Tiến\"; time_zone = 1\n");
        assert_eq!(e.line, 2, "{e}");
        let (line, col) = line_col("ế = x", "ế = ".len());
        assert_eq!((line, col), (1, 5));
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

    #[test]
    fn sync_needs_an_address_and_a_token_together() {
        let c = Config::parse(
            "[sync]\noffice_url = \"http://10.0.0.2:8080/\"\ntoken = \"ab12\"\nblock_size = 50\n",
            "x.toml",
        )
        .unwrap();
        assert_eq!(c.sync.office(), Some(("http://10.0.0.2:8080", "ab12")));
        assert_eq!(c.sync.block_size, 50);
        assert_eq!(Config::default().sync.office(), None, "alone by default");
        for (text, want) in [
            (
                "[sync]\noffice_url = \"http://x:1\"\n",
                "2:14: sync.office_url needs sync.token",
            ),
            (
                "[sync]\ntoken = \"ab\"\n",
                "2:9: sync.token needs sync.office_url",
            ),
            (
                "[sync]\noffice_url = \"10.0.0.2\"\ntoken = \"ab\"\n",
                "2:14: sync.office_url must be",
            ),
            (
                "[sync]\noffice_url = \"http://x\"\ntoken = \"a b\"\n",
                "3:9: sync.token must be",
            ),
            (
                "[sync]\nblock_size = 5000\n",
                "2:14: sync.block_size must be at most 1000",
            ),
            (
                "[sync]\nnumber_timeout_ms = 0\n",
                "2:21: sync.number_timeout_ms must be at least 50",
            ),
            (
                "[sync]\nnumber_timeout_ms = 30000\n",
                "2:21: sync.number_timeout_ms must be at most 2000",
            ),
        ] {
            let e = Config::parse(text, "x.toml").unwrap_err().to_string();
            assert!(e.contains(want), "{text:?}: {e}");
        }
    }

    #[test]
    fn ticket_url_substitution() {
        let o = Office::default();
        assert_eq!(o.ticket_url_for("abc"), "http://motcua.local/ve/abc");
    }

    #[test]
    fn hhmm_is_strict() {
        assert_eq!(parse_hhmm("07:05"), NaiveTime::from_hms_opt(7, 5, 0));
        assert_eq!(parse_hhmm("23:59"), NaiveTime::from_hms_opt(23, 59, 0));
        for bad in ["7:05", "07:5", "24:00", "12:60", "ab:cd", "07:05:00", ""] {
            assert_eq!(parse_hhmm(bad), None, "{bad}");
        }
    }
}
