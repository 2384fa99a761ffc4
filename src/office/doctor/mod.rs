//! `motcua office doctor`: what whoever runs the office server checks before starting it or
//! when it misbehaves. Each check is one line, `ok|warn|fail NAME: MESSAGE`, the message
//! saying what was seen and, when something is wrong, what to do: the database reachable,
//! its schema current, the certificate and key, the clock, the listening address. Nothing
//! is changed: a SQLite file is opened read-only and never created, nothing is migrated,
//! the address is bound for a moment and released.

mod certificate;

use std::ffi::OsString;
use std::path::PathBuf;

use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::clock::PLAUSIBLE_FLOOR;
use crate::office::store::{inspect, Inspection};
pub use certificate::{certificate_check, CertFacts};

/// A clock further than this from the database server's is worth a warning: tickets,
/// sessions and reports compare times written by both.
pub const MAX_CLOCK_OFFSET: TimeDelta = TimeDelta::seconds(2);

/// How a check came out, with its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Fine.
    Ok(String),
    /// Works, but deserves attention.
    Warn(String),
    /// Broken: the office will not start or not work.
    Fail(String),
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What was checked: database, schema, certificate, clock, listen.
    pub name: &'static str,
    /// What it found.
    pub outcome: Outcome,
}

impl Check {
    fn ok(name: &'static str, message: impl Into<String>) -> Check {
        Check {
            name,
            outcome: Outcome::Ok(message.into()),
        }
    }

    fn warn(name: &'static str, message: impl Into<String>) -> Check {
        Check {
            name,
            outcome: Outcome::Warn(message.into()),
        }
    }

    fn fail(name: &'static str, message: impl Into<String>) -> Check {
        Check {
            name,
            outcome: Outcome::Fail(message.into()),
        }
    }
}

/// What to check.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The office database: a SQLite file or a postgres:// URL.
    pub db: OsString,
    /// The certificate and key the office serves HTTPS with.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// The address the office will listen on.
    pub listen: Option<String>,
}

/// The report, one check a line.
pub fn render(checks: &[Check]) -> String {
    checks
        .iter()
        .map(|c| {
            let (tag, message) = match &c.outcome {
                Outcome::Ok(m) => ("ok", m),
                Outcome::Warn(m) => ("warn", m),
                Outcome::Fail(m) => ("fail", m),
            };
            format!("{tag} {}: {message}\n", c.name)
        })
        .collect()
}

/// Whether any check failed.
pub fn failed(checks: &[Check]) -> bool {
    checks.iter().any(|c| matches!(c.outcome, Outcome::Fail(_)))
}

/// Runs every check `options` asks for.
pub fn run(options: &Options) -> Vec<Check> {
    let now = Utc::now();
    let mut checks = Vec::new();
    let seen = match inspect(&options.db) {
        Ok(seen) => {
            checks.push(Check::ok(
                "database",
                format!(
                    "{} {} (read-only look)",
                    seen.label,
                    if seen.postgres { "connects" } else { "opens" }
                ),
            ));
            checks.push(schema_check(&seen));
            Some(seen)
        }
        Err(e) => {
            checks.push(Check::fail("database", format!("{e:#}")));
            None
        }
    };
    if let Some((cert, key)) = &options.tls {
        checks.push(certificate_check(cert, key, now));
    }
    checks.push(clock_check(now, seen.as_ref().and_then(|s| s.clock_offset)));
    if let Some(listen) = &options.listen {
        checks.push(listen_check(listen));
    }
    checks
}

/// The schema against this build's: ahead is a fail (this motcua would refuse it), behind a
/// warning (it is upgraded at start).
pub fn schema_check(seen: &Inspection) -> Check {
    let binary = seen.binary_version;
    match &seen.version {
        Err(e) => Check::fail("schema", e.clone()),
        Ok(None) => Check::warn(
            "schema",
            format!("no office tables yet: the office creates them (schema {binary}) at its first start"),
        ),
        Ok(Some(v)) if *v == binary => Check::ok("schema", format!("version {v}, this motcua's")),
        Ok(Some(v)) if *v < binary => Check::warn(
            "schema",
            format!("version {v}, this motcua writes {binary}: will be upgraded at start (back the database up first)"),
        ),
        Ok(Some(v)) => Check::fail(
            "schema",
            format!(
                "version {v} was written by a newer motcua (this one knows {binary}) and will not start on it: install that version again, or restore a backup made for this one"
            ),
        ),
    }
}

/// The system clock is plausible (after [`PLAUSIBLE_FLOOR`]) and, on PostgreSQL, within
/// [`MAX_CLOCK_OFFSET`] of the database server's.
pub fn clock_check(now: DateTime<Utc>, offset: Option<TimeDelta>) -> Check {
    let shown = now.format("%Y-%m-%d %H:%M:%S UTC");
    if now < PLAUSIBLE_FLOOR {
        return Check::fail(
            "clock",
            format!("the system clock says {shown}, before 2025: set the time (timedatectl set-ntp true) before serving"),
        );
    }
    let Some(offset) = offset else {
        return Check::ok("clock", format!("{shown}"));
    };
    let secs = offset.num_milliseconds() as f64 / 1000.0;
    let side = if secs > 0.0 { "ahead of" } else { "behind" };
    if offset.abs() > MAX_CLOCK_OFFSET {
        Check::warn(
            "clock",
            format!(
                "{shown}; the database server is {:.1} s {side} this machine: synchronise both clocks (NTP), since waits and sessions compare their times",
                secs.abs()
            ),
        )
    } else {
        Check::ok(
            "clock",
            format!(
                "{shown}; the database server's clock is within {:.1} s",
                secs.abs()
            ),
        )
    }
}

/// The address can be bound now (released at once).
pub fn listen_check(listen: &str) -> Check {
    match std::net::TcpListener::bind(listen) {
        Ok(l) => {
            let addr = l.local_addr().map_or(listen.to_string(), |a| a.to_string());
            Check::ok("listen", format!("{addr} is free"))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => Check::fail(
            "listen",
            format!("{listen} is in use: is an office already running (systemctl status motcua-office)?"),
        ),
        Err(e) => Check::fail("listen", format!("cannot listen on {listen}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn seen(version: Result<Option<i64>, String>) -> Inspection {
        Inspection {
            label: "office.sqlite3".into(),
            postgres: false,
            version,
            binary_version: 6,
            clock_offset: None,
        }
    }

    fn tag(c: &Check) -> &'static str {
        match c.outcome {
            Outcome::Ok(_) => "ok",
            Outcome::Warn(_) => "warn",
            Outcome::Fail(_) => "fail",
        }
    }

    #[test]
    fn a_newer_schema_fails_an_older_warns_and_none_warns() {
        assert_eq!(tag(&schema_check(&seen(Ok(Some(6))))), "ok");
        assert_eq!(tag(&schema_check(&seen(Ok(Some(4))))), "warn");
        assert_eq!(tag(&schema_check(&seen(Ok(None)))), "warn");
        let ahead = schema_check(&seen(Ok(Some(7))));
        assert_eq!(tag(&ahead), "fail");
        assert!(
            render(&[ahead]).starts_with("fail schema: version 7 was written by a newer motcua")
        );
        assert_eq!(
            tag(&schema_check(&seen(Err("not an office database".into())))),
            "fail"
        );
    }

    #[test]
    fn the_clock_fails_before_2025_and_warns_past_two_seconds_off() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap();
        assert_eq!(tag(&clock_check(now, None)), "ok");
        assert_eq!(
            tag(&clock_check(
                Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap(),
                None
            )),
            "fail"
        );
        assert_eq!(
            tag(&clock_check(now, Some(TimeDelta::milliseconds(1900)))),
            "ok"
        );
        let off = clock_check(now, Some(TimeDelta::milliseconds(-2500)));
        assert_eq!(tag(&off), "warn");
        assert!(render(&[off]).contains("2.5 s behind"));
    }

    #[test]
    fn a_port_in_use_fails() {
        let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = held.local_addr().unwrap().to_string();
        assert_eq!(tag(&listen_check(&addr)), "fail");
        drop(held);
        assert_eq!(tag(&listen_check("127.0.0.1:0")), "ok");
        assert_eq!(tag(&listen_check("not an address")), "fail");
    }

    #[test]
    fn each_check_is_one_line_with_its_tag_and_name() {
        let checks = [
            Check::ok("database", "fine"),
            Check::warn("schema", "older"),
            Check::fail("clock", "wrong"),
        ];
        assert_eq!(
            render(&checks),
            "ok database: fine\nwarn schema: older\nfail clock: wrong\n"
        );
        assert!(failed(&checks));
        assert!(!failed(&checks[..2]));
    }
}
