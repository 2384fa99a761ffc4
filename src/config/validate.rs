//! The checks: raw values become the typed configuration, and every mistake becomes a
//! `ConfigError` at the file, line and column of the offending value.

mod audio;
mod hours;
mod queues;

use std::ops::Range;
use std::path::Path;

use chrono_tz::Tz;
use toml::Spanned;

use super::raw::{
    RawAdmin, RawConfig, RawKiosk, RawLookup, RawOffice, RawOnline, RawPrinter, RawSync,
};
use super::types::{
    AdminConfig, KioskConfig, LookupConfig, OfficeConfig, OnlineConfig, PrinterConfig, PrinterKind,
    QueueConfig, SyncConfig,
};
use super::{Config, ConfigError};
use crate::domain::text::nfc;

/// Parses and checks configuration text; `path` is only used in error messages.
pub(super) fn config(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let ctx = Ctx { text, path };
    let raw = RawConfig::parse(text).map_err(|e| {
        ctx.error(
            e.span().unwrap_or(0..0),
            // toml's messages may span lines; keep one line per error for logs.
            e.message().trim_end().replace('\n', "; "),
        )
    })?;
    ctx.build(raw)
}

/// The text being checked and its file, to turn spans into `ConfigError`s.
struct Ctx<'a> {
    text: &'a str,
    path: &'a Path,
}

/// A checked value, or where and why it is refused.
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
        let online = self.online(raw.online, &queues)?;
        let sync = self.sync(raw.sync)?;
        let audio = self.audio(raw.audio)?;
        Ok(Config {
            office,
            hours,
            queues,
            printer,
            kiosk,
            admin,
            lookup,
            online,
            sync,
            audio,
        })
    }

    fn sync(&self, raw: Option<RawSync>) -> Res<SyncConfig> {
        let mut y = SyncConfig::default();
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
        if let Some(pin) = &raw.office_cert_sha256 {
            y.office_cert_sha256 =
                Some(pin.get_ref().parse().map_err(|e| {
                    self.error(pin.span(), format!("sync.office_cert_sha256: {e}"))
                })?);
            if !y
                .office_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://"))
            {
                return Err(self.error(
                    pin.span(),
                    "sync.office_cert_sha256 pins the office's certificate: sync.office_url \
                     must be an https:// address",
                ));
            }
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

    fn lookup(&self, raw: Option<RawLookup>, queues: &[QueueConfig]) -> Res<LookupConfig> {
        let mut l = LookupConfig::default();
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

    fn online(&self, raw: Option<RawOnline>, queues: &[QueueConfig]) -> Res<OnlineConfig> {
        let mut o = OnlineConfig::default();
        let Some(raw) = raw else { return Ok(o) };
        if let Some(q) = raw.assisted_queue {
            let prefix = q.get_ref().trim();
            if !queues.iter().any(|x| x.prefix == prefix) {
                let known: Vec<&str> = queues.iter().map(|x| x.prefix.as_str()).collect();
                return Err(self.error(
                    q.span(),
                    format!(
                        "online.assisted_queue {:?} is not the prefix of a queue (the queues are {})",
                        q.get_ref(),
                        known.join(", ")
                    ),
                ));
            }
            o.assisted_queue = Some(prefix.to_string());
        }
        Ok(o)
    }

    fn admin(&self, raw: Option<RawAdmin>) -> Res<AdminConfig> {
        let mut a = AdminConfig::default();
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

    fn office(&self, raw: Option<RawOffice>) -> Res<OfficeConfig> {
        let mut office = OfficeConfig::default();
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

    fn printer(&self, raw: Option<RawPrinter>) -> Res<PrinterConfig> {
        let mut p = PrinterConfig::default();
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

    fn kiosk(&self, raw: Option<RawKiosk>) -> Res<KioskConfig> {
        let mut k = KioskConfig::default();
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
        if let Some(w) = raw.wait_area {
            k.wait_area = self.wait_area(w)?;
        }
        if let Some(d) = raw.screen_inches {
            let inches = *d.get_ref();
            if !(3.0..=110.0).contains(&inches) {
                return Err(self.error(
                    d.span(),
                    format!(
                        "kiosk.screen_inches is the panel's diagonal in inches, from 3 to 110, not {inches}"
                    ),
                ));
            }
            k.screen_diagonal_mm = Some((inches * 25.4).round() as u32);
        }
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

#[cfg(test)]
mod tests {
    use super::super::{assert_err, err, Config, PrinterKind};
    use super::line_col;
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
    fn the_assisted_online_queue_must_be_a_configured_queue() {
        let e = err("[office]\nname = \"x\"\n\n[online]\nassisted_queue = \"Z\"\n");
        assert_eq!((e.line, e.column), (5, 18), "{e}");
        assert!(e.message.contains("online.assisted_queue \"Z\""), "{e}");
        assert!(e.message.contains("A, B, C, D"), "{e}");
        assert_err("[online]\nassisted_queue = 3\n", 2, "");
        assert_err("[online]\nassisted = \"A\"\n", 2, "assisted");
        let c = Config::parse("[online]\nassisted_queue = \"D\"\n", "t.toml").unwrap();
        assert_eq!(c.online.assisted_queue.as_deref(), Some("D"));
        // Unset: the routing page offers no ticket.
        let c = Config::parse("[online]\n", "t.toml").unwrap();
        assert_eq!(c.online.assisted_queue, None);
        assert_eq!(Config::default().online.assisted_queue, None);
    }

    #[test]
    fn a_pin_that_is_not_a_hash_is_refused_with_its_line() {
        assert_err("[admin]\npin_hash = \"1234\"\n", 2, "motcua admin-pin");
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
    fn sync_needs_an_address_and_a_token_together() {
        let c = Config::parse(
            "[sync]\noffice_url = \"http://10.0.0.2:8080/\"\ntoken = \"ab12\"\nblock_size = 50\n",
            "x.toml",
        )
        .unwrap();
        assert_eq!(c.sync.office(), Some(("http://10.0.0.2:8080", "ab12")));
        assert_eq!(c.sync.block_size, 50);
        assert_eq!(Config::default().sync.office(), None, "alone by default");
        let pin = "AB:".repeat(31) + "AB";
        let c = Config::parse(
            &format!("[sync]\noffice_url = \"https://o:8443\"\ntoken = \"ab\"\noffice_cert_sha256 = \"{pin}\"\n"),
            "x.toml",
        )
        .unwrap();
        assert_eq!(
            c.sync.office_cert_sha256.unwrap().to_string(),
            "ab".repeat(32)
        );
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
                "[sync]\noffice_url = \"https://x\"\ntoken = \"ab\"\noffice_cert_sha256 = \"ab:cd\"\n",
                "4:22: sync.office_cert_sha256: 4 hex digits",
            ),
            (
                "[sync]\noffice_url = \"https://x\"\ntoken = \"ab\"\noffice_cert_sha256 = \"sha256\"\n",
                "4:22: sync.office_cert_sha256: 's' is not a hex digit",
            ),
            (
                "[sync]\noffice_url = \"http://x\"\ntoken = \"ab\"\noffice_cert_sha256 = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n",
                "4:22: sync.office_cert_sha256 pins the office's certificate: sync.office_url must be an https://",
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
}
