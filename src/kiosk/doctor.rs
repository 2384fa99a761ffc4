//! `motcua doctor`: what an installer runs on a board that misbehaves. Each check says what
//! it found and, when something is wrong, what to do about it: the config, the database,
//! the storage left, the printer, the display device, the clock and the office connection.
//! Nothing is changed: the database is opened read-only, the printer only asked its state.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::{Config, PrinterKind};
use crate::domain::clock::PLAUSIBLE_FLOOR;

/// How a check came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Fine; what was seen.
    Ok(String),
    /// Works, but deserves attention: what was seen, what to do.
    Warn(String, String),
    /// Broken: what was seen, what to do.
    Fail(String, String),
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What was checked: config, database, storage, printer, display, clock, office.
    pub name: &'static str,
    /// What it found.
    pub outcome: Outcome,
}

fn ok(name: &'static str, seen: impl Into<String>) -> Check {
    Check {
        name,
        outcome: Outcome::Ok(seen.into()),
    }
}

fn warn(name: &'static str, seen: impl Into<String>, fix: impl Into<String>) -> Check {
    Check {
        name,
        outcome: Outcome::Warn(seen.into(), fix.into()),
    }
}

fn fail(name: &'static str, seen: impl Into<String>, fix: impl Into<String>) -> Check {
    Check {
        name,
        outcome: Outcome::Fail(seen.into(), fix.into()),
    }
}

/// The report as the installer reads it, one check a line (and its fix indented below).
pub fn render(checks: &[Check]) -> String {
    let mut out = String::new();
    for c in checks {
        let (tag, seen, fix) = match &c.outcome {
            Outcome::Ok(seen) => ("ok  ", seen, None),
            Outcome::Warn(seen, fix) => ("WARN", seen, Some(fix)),
            Outcome::Fail(seen, fix) => ("FAIL", seen, Some(fix)),
        };
        out.push_str(&format!("{tag}  {:<9} {seen}\n", c.name));
        if let Some(fix) = fix {
            out.push_str(&format!("      {:<9} → {fix}\n", ""));
        }
    }
    out
}

/// Whether any check failed.
pub fn failed(checks: &[Check]) -> bool {
    checks
        .iter()
        .any(|c| matches!(c.outcome, Outcome::Fail(..)))
}

/// Runs every check for the kiosk configured by `config_path` with its data in `data_dir`.
pub fn run(config_path: &Path, data_dir: &Path) -> Vec<Check> {
    let config = match Config::load(config_path) {
        Ok(c) => c,
        Err(e) => {
            // Without a config the rest cannot be judged.
            return vec![fail(
                "config",
                e.to_string(),
                "fix the line named (`motcua default-config` prints a commented example)",
            )];
        }
    };
    let mut checks = vec![ok("config", config_path.display().to_string())];
    let high_water = database(data_dir, config.kiosk.max_store_mb, &mut checks);
    checks.push(storage(data_dir));
    checks.push(printer(&config));
    checks.push(display(std::env::var("SLINT_BACKEND").ok().as_deref()));
    checks.push(voice(&config.audio, std::env::var_os("PATH").as_deref()));
    let office_time = office(&config, data_dir, &mut checks);
    checks.push(clock(Utc::now(), high_water, office_time));
    checks
}

/// The store: integrity, schema, what waits for the office; returns the clock's high-water mark.
fn database(data_dir: &Path, max_mb: u32, checks: &mut Vec<Check>) -> Option<DateTime<Utc>> {
    let path = crate::kiosk::database_path(data_dir);
    if !path.exists() {
        checks.push(warn(
            "database",
            format!("{} does not exist yet", path.display()),
            "the kiosk creates it at its first start; check --data-dir if it should be there",
        ));
        return None;
    }
    let broken = |e: &dyn std::fmt::Display| {
        fail(
            "database",
            format!("{}: {e}", path.display()),
            "stop the kiosk, move the file aside (keep it for the office) and start again: \
             a fresh store is made, the office sends the dossiers again",
        )
    };
    let conn = match rusqlite::Connection::open_with_flags(
        &path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    ) {
        Ok(c) => c,
        Err(e) => {
            checks.push(broken(&e));
            return None;
        }
    };
    let integrity: Result<String, _> = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0));
    match integrity {
        Ok(s) if s == "ok" => {}
        Ok(s) => {
            checks.push(broken(&format!("integrity check: {s}")));
            return None;
        }
        Err(e) => {
            checks.push(broken(&e));
            return None;
        }
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap_or(0);
    if version > crate::kiosk::store::SCHEMA_VERSION {
        checks.push(fail(
            "database",
            format!("written by a newer motcua (schema {version})"),
            "install the newer motcua again; this one refuses to touch it",
        ));
        return None;
    }
    let unsent: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap_or(0);
    let tickets: i64 = conn
        .query_row("SELECT COUNT(*) FROM ticket", [], |r| r.get(0))
        .unwrap_or(0);
    let used_mb = crate::kiosk::store::used_bytes(&conn).unwrap_or(0) as f64 / (1024.0 * 1024.0);
    let seen = format!(
        "{}: intact, schema {version}, {tickets} tickets, {unsent} events not yet at the office, \
         {used_mb:.1} MB of {max_mb} MB",
        path.display()
    );
    checks.push(if used_mb > f64::from(max_mb) {
        warn(
            "database",
            seen,
            "over kiosk.max_store_mb: the running kiosk trims it after closing time (it looks \
             every 6 hours); if it stays over, the rows left must stay (unsent tickets, dossiers \
             in progress): raise the bound or check the sync",
        )
    } else {
        ok("database", seen)
    });
    conn.query_row("SELECT high_water FROM clock WHERE id = 1", [], |r| {
        r.get::<_, String>(0)
    })
    .ok()
    .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
    .map(|t| t.with_timezone(&Utc))
}

/// Space left where the store lives.
fn storage(data_dir: &Path) -> Check {
    let dir = existing_ancestor(data_dir);
    match free_bytes(&dir) {
        Some((free, total)) => {
            let mb = free / 1_000_000;
            let seen = format!(
                "{mb} MB free of {} MB on {}",
                total / 1_000_000,
                dir.display()
            );
            if free < 100_000_000 || free.saturating_mul(20) < total {
                warn(
                    "storage",
                    seen,
                    "free some space (old logs: journalctl --vacuum-size=50M), or lower \
                     [kiosk] retention_days",
                )
            } else {
                ok("storage", seen)
            }
        }
        None => warn(
            "storage",
            format!("cannot tell the space left on {}", dir.display()),
            "check with `df -h`",
        ),
    }
}

fn existing_ancestor(p: &Path) -> PathBuf {
    let mut p = p.to_path_buf();
    while !p.exists() {
        if !p.pop() {
            return PathBuf::from(".");
        }
    }
    p
}

/// (free, total) bytes of the filesystem holding `path`.
fn free_bytes(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: a NUL-terminated path and a zeroed struct the call fills in.
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
        return None;
    }
    let block = st.f_frsize as u64;
    Some((st.f_bavail as u64 * block, st.f_blocks as u64 * block))
}

/// The printer's state, asked as the kiosk asks it.
fn printer(config: &Config) -> Check {
    use crate::printer::serial::{SerialPrinter, SerialSettings};
    let p = &config.printer;
    let (mut printer, what) = match p.kind {
        PrinterKind::Virtual => {
            return ok(
                "printer",
                "virtual: receipts are saved as files (the demo's printer)",
            )
        }
        PrinterKind::None => {
            return warn(
                "printer",
                "none configured: tickets are shown on screen only",
                "set [printer] kind = \"serial\" and port = \"/dev/motcua-printer\"",
            )
        }
        PrinterKind::Serial => {
            if !Path::new(&p.port).exists() {
                return fail(
                    "printer",
                    format!("{} does not exist", p.port),
                    "plug the printer in and switch it on; check the cable, and that the udev \
                     rule (99-motcua.rules) has the printer's USB vendor and product \
                     (`udevadm info -a -n /dev/ttyUSB0`)",
                );
            }
            (
                SerialPrinter::new(SerialSettings::new(
                    &p.port,
                    p.baud,
                    crate::kiosk::serial_flow(p.flow_control),
                )),
                format!("{} at {} baud", p.port, p.baud),
            )
        }
        PrinterKind::Tcp => (SerialPrinter::tcp(&p.port), p.port.clone()),
    };
    let state = match printer.report() {
        Ok(r) => crate::printer::status::interpret(&r),
        Err(e) => {
            return fail(
                "printer",
                format!("{what}: {e}"),
                "check that the kiosk is stopped (it holds the port), the port's permissions \
                 (the user is in the dialout group), and the cable",
            )
        }
    };
    let seen = format!("{what}: {state} ({})", state.describe_vi());
    match state {
        crate::printer::status::PrinterState::Ready => ok("printer", seen),
        s if s.can_print() => warn("printer", seen, "put a new paper roll in soon"),
        crate::printer::status::PrinterState::NotAnswering => fail(
            "printer",
            seen,
            "switch the printer on; check the baud rate (the printer's self-test page shows \
             it) and [printer] baud, and the cable",
        ),
        _ => fail(
            "printer",
            seen,
            "put paper in, close the cover, clear a jam",
        ),
    }
}

/// The display the UI will use: a DRM device for linuxkms, a desktop session otherwise.
pub fn display(backend: Option<&str>) -> Check {
    if backend.is_some_and(|b| b.starts_with("linuxkms")) {
        return drm_device(Path::new("/dev/dri"));
    }
    for var in ["WAYLAND_DISPLAY", "DISPLAY"] {
        if let Ok(v) = std::env::var(var) {
            if !v.is_empty() {
                return ok("display", format!("a desktop session ({var}={v})"));
            }
        }
    }
    warn(
        "display",
        "no display: neither SLINT_BACKEND=linuxkms nor a desktop session",
        "on the board the systemd unit sets SLINT_BACKEND=linuxkms; run this with it set",
    )
}

/// The programs voice guidance runs: the player and the synthesiser, found on `path` (the
/// PATH variable). Missing ones only warn: the kiosk works without, silently.
pub fn voice(audio: &crate::config::AudioConfig, path: Option<&std::ffi::OsStr>) -> Check {
    if !audio.enabled {
        return ok("voice", "off (audio.enabled = false)");
    }
    let found = |program: &str| {
        let program = Path::new(program);
        if program.components().count() > 1 {
            return program.is_file();
        }
        path.map(std::env::split_paths)
            .into_iter()
            .flatten()
            .any(|dir| dir.join(program).is_file())
    };
    let programs = [&audio.player, &audio.synth].map(|argv| argv[0].as_str());
    let missing: Vec<&str> = programs.into_iter().filter(|p| !found(p)).collect();
    if missing.is_empty() {
        ok(
            "voice",
            format!(
                "{} and {} found; speaker {}",
                programs[0], programs[1], audio.device
            ),
        )
    } else {
        warn(
            "voice",
            format!(
                "{} not found: voice guidance stays silent",
                missing.join(" and ")
            ),
            "apt-get install alsa-utils espeak-ng (the .deb depends on both)",
        )
    }
}

/// A DRM card under `dir` the kiosk can open.
pub fn drm_device(dir: &Path) -> Check {
    let cards: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("card"))
                })
                .collect()
        })
        .unwrap_or_default();
    let Some(card) = cards.iter().min() else {
        return fail(
            "display",
            format!("no DRM device in {}", dir.display()),
            "connect the screen before boot; check that the board's display driver is loaded \
             (`dmesg | grep -i drm`)",
        );
    };
    match std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(card)
    {
        Ok(_) => ok("display", format!("{} (linuxkms)", card.display())),
        Err(e) => fail(
            "display",
            format!("{}: {e}", card.display()),
            "the kiosk's user must be in the video group (deploy/motcua.sysusers)",
        ),
    }
}

/// The office: reachable, same protocol, the token accepted; returns its clock.
fn office(config: &Config, data_dir: &Path, checks: &mut Vec<Check>) -> Option<DateTime<Utc>> {
    let Some((url, token)) = config.sync.office() else {
        checks.push(ok(
            "office",
            "none configured: this kiosk numbers its own tickets",
        ));
        return None;
    };
    let client = crate::kiosk::sync::OfficeClient::with_timeouts(
        url,
        token,
        Duration::from_secs(10),
        Duration::from_secs(1),
    )
    .pinned(config.sync.office_cert_sha256);
    let health = match client.health() {
        Ok(h) => h,
        Err(crate::kiosk::sync::SyncError::CertificateMismatch(m)) => {
            checks.push(fail(
                "office",
                format!(
                    "{url} presented another certificate than the pinned one: expected SHA-256 {}, found {}",
                    m.expected.grouped(),
                    m.found.grouped()
                ),
                "if the office's certificate was made anew, put its fingerprint (motcua office \
                 enroll-device prints it) in [sync] office_cert_sha256; otherwise another machine \
                 answers at this address: nothing is sent to it",
            ));
            return None;
        }
        Err(e) => {
            checks.push(fail(
                "office",
                format!("{url} does not answer: {e}"),
                "check the address in [sync] office_url, the network cable, and that the office \
                 server runs (systemctl status motcua-office)",
            ));
            return None;
        }
    };
    let office_time = DateTime::parse_from_rfc3339(&health.time)
        .ok()
        .map(|t| t.with_timezone(&Utc));
    if health.protocol != crate::protocol::PROTOCOL {
        checks.push(fail(
            "office",
            format!(
                "{url} speaks protocol {}, this kiosk {}",
                health.protocol,
                crate::protocol::PROTOCOL
            ),
            "install the same motcua version on the office and the kiosks",
        ));
        return office_time;
    }
    // The token, with a request that costs the office nothing: changes since our cursor.
    let since = rusqlite::Connection::open_with_flags(
        crate::kiosk::database_path(data_dir),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .and_then(|c| {
        c.query_row(
            "SELECT value FROM meta WHERE key = 'sync_cursor'",
            [],
            |r| r.get::<_, String>(0),
        )
    })
    .ok()
    .and_then(|v| v.parse().ok())
    .unwrap_or(0);
    match client.changes(since) {
        Ok(_) => checks.push(ok("office", format!("{url}: reachable, token accepted"))),
        Err(crate::kiosk::sync::SyncError::Office { status: 401, .. }) => checks.push(fail(
            "office",
            format!("{url} does not know this kiosk's token"),
            "enrol the kiosk again at the office (motcua office enroll-device --db office.sqlite3 --name …) and put \
             the new token in [sync] token",
        )),
        Err(e) => checks.push(fail(
            "office",
            format!("{url}: {e}"),
            "see the office server's log (journalctl -u motcua-office)",
        )),
    }
    office_time
}

/// The board's clock: plausible, not behind the last ticket, and near the office's.
pub fn clock(
    now: DateTime<Utc>,
    high_water: Option<DateTime<Utc>>,
    office: Option<DateTime<Utc>>,
) -> Check {
    let fix = "turn on time sync (timedatectl set-ntp true) and check the board's RTC battery";
    if now < PLAUSIBLE_FLOOR {
        return fail(
            "clock",
            format!("the board's clock says {now}"),
            format!("{fix}; tickets meanwhile use the last time the store saw"),
        );
    }
    if let Some(office) = office {
        let off = (now - office).num_seconds();
        if off.abs() >= 2 {
            return warn(
                "clock",
                format!("{off:+} s from the office's clock"),
                format!("{fix}; the kiosk follows the office's clock meanwhile"),
            );
        }
    }
    if let Some(mark) = high_water {
        if mark > now + chrono::TimeDelta::minutes(1) {
            return warn(
                "clock",
                format!("behind the last ticket's time ({mark})"),
                format!("{fix}; tickets keep the later time until the clock catches up"),
            );
        }
    }
    ok("clock", format!("{now}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_clock_check_names_each_kind_of_wrong_clock() {
        let now = t("2026-11-26T02:00:00Z");
        assert!(matches!(clock(now, None, None).outcome, Outcome::Ok(_)));
        let boot = Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 5).unwrap();
        assert!(matches!(clock(boot, None, None).outcome, Outcome::Fail(..)));
        let c = clock(now, None, Some(now - chrono::TimeDelta::seconds(90)));
        assert!(matches!(&c.outcome, Outcome::Warn(seen, _) if seen.contains("+90 s")));
        let c = clock(now, Some(now + chrono::TimeDelta::hours(3)), None);
        assert!(matches!(&c.outcome, Outcome::Warn(seen, _) if seen.contains("behind")));
        assert!(matches!(
            clock(now, None, Some(now + chrono::TimeDelta::seconds(1))).outcome,
            Outcome::Ok(_)
        ));
    }

    #[test]
    fn voice_guidance_warns_of_a_missing_player_or_synthesiser() {
        let dir = tempfile::tempdir().unwrap();
        let path = std::ffi::OsString::from(dir.path());
        let mut audio = crate::config::AudioConfig::default();
        let c = voice(&audio, Some(&path));
        assert!(
            matches!(&c.outcome, Outcome::Warn(seen, fix)
                if seen.contains("aplay and espeak-ng not found") && fix.contains("alsa-utils")),
            "{:?}",
            c.outcome
        );
        for program in ["aplay", "espeak-ng"] {
            std::fs::write(dir.path().join(program), b"").unwrap();
        }
        assert!(matches!(voice(&audio, Some(&path)).outcome, Outcome::Ok(_)));
        audio.enabled = false;
        assert!(matches!(voice(&audio, None).outcome, Outcome::Ok(seen) if seen.contains("off")));
    }

    #[test]
    fn a_missing_drm_device_fails_and_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let c = drm_device(dir.path());
        assert!(matches!(&c.outcome, Outcome::Fail(_, fix) if fix.contains("driver")));
        std::fs::write(dir.path().join("card0"), b"").unwrap();
        assert!(matches!(drm_device(dir.path()).outcome, Outcome::Ok(_)));
    }

    #[test]
    fn the_report_gives_each_failure_its_fix() {
        let checks = vec![
            ok("config", "/etc/motcua/kiosk.toml"),
            fail(
                "printer",
                "/dev/motcua-printer does not exist",
                "plug it in",
            ),
        ];
        let text = render(&checks);
        assert!(text.contains("ok    config"), "{text}");
        assert!(
            text.contains("FAIL  printer   /dev/motcua-printer does not exist\n"),
            "{text}"
        );
        assert!(text.contains("→ plug it in"), "{text}");
        assert!(failed(&checks));
        assert!(!failed(&checks[..1]));
    }
}
