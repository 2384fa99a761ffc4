//! The office database on SQLite: enrolled devices and their tokens, kiosk events applied
//! exactly once, the shared ticket sequence per queue and business day, and the blocks of
//! numbers reserved for kiosks to issue from while the office cannot be reached.
//!
//! Numbering across kiosks: one counter per (queue, business day). An online kiosk takes
//! the next number from it; each kiosk also holds a block carved from the same counter in
//! advance, so numbers it issues offline can never collide with anyone's. Replays are
//! harmless: an event id is applied once, a ticket id gets one number, a kiosk one block per
//! queue and day.

use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use blake2::{Blake2b512, Digest};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

/// Marks the file as an office database ("MOTO").
const APPLICATION_ID: i64 = 0x4D4F_544F;
/// Schema version this build writes.
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE device (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE TABLE event (
    id          TEXT PRIMARY KEY,               -- the kiosk's event uuid: applied once
    device_id   TEXT NOT NULL REFERENCES device(id),
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE TABLE queue_day (
    queue         TEXT NOT NULL,
    business_date TEXT NOT NULL,
    last_number   INTEGER NOT NULL,
    PRIMARY KEY (queue, business_date)
) WITHOUT ROWID;
CREATE TABLE number_grant (
    ticket_id     TEXT PRIMARY KEY,             -- an online number, once per ticket
    queue         TEXT NOT NULL,
    business_date TEXT NOT NULL,
    number        INTEGER NOT NULL,
    UNIQUE (queue, business_date, number)
) WITHOUT ROWID;
CREATE TABLE number_block (
    device_id     TEXT NOT NULL REFERENCES device(id),
    queue         TEXT NOT NULL,
    business_date TEXT NOT NULL,
    first_number  INTEGER NOT NULL,
    last_number   INTEGER NOT NULL,
    PRIMARY KEY (device_id, queue, business_date)
) WITHOUT ROWID;
";

/// An enrolled kiosk (or integration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Stable id.
    pub id: String,
    /// The name given at enrolment, e.g. "Kiosk sảnh".
    pub name: String,
}

/// What became of a pushed event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// First delivery: applied now.
    New,
    /// Already applied earlier: acknowledged, nothing changed.
    Replay,
}

/// A range of numbers a kiosk may issue from without asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberBlock {
    /// First number of the block.
    pub first: u32,
    /// Last number of the block.
    pub last: u32,
}

/// The office database.
pub struct OfficeStore {
    conn: Connection,
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Tokens are 256 random bits, so a fast hash is enough: nothing to brute-force.
fn token_hash(token: &str) -> String {
    let digest = Blake2b512::digest(token.as_bytes());
    digest[..32].iter().map(|b| format!("{b:02x}")).collect()
}

impl OfficeStore {
    /// Opens (creating if needed) the office database at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<OfficeStore> {
        let path = path.as_ref();
        let mut conn = Connection::open(path)
            .with_context(|| format!("cannot open the office database {}", path.display()))?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let app_id: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if app_id != 0 && app_id != APPLICATION_ID {
            bail!(
                "{} is not an office database (application_id {app_id:#x}); is it a kiosk's store?",
                path.display()
            );
        }
        if version > SCHEMA_VERSION {
            bail!(
                "{} was written by a newer motcua (schema {version}); refusing to touch it",
                path.display()
            );
        }
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        if version == 0 {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let v: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
            if v == 0 {
                tx.execute_batch(SCHEMA)?;
                tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
                tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            }
            tx.commit()?;
        }
        Ok(OfficeStore { conn })
    }

    /// Enrols a device; returns it and its token, which is shown once and stored hashed.
    pub fn enroll_device(&mut self, name: &str, now: DateTime<Utc>) -> Result<(Device, String)> {
        let name = crate::domain::text::nfc(name.trim());
        if name.is_empty() {
            bail!("a device needs a name, e.g. \"Kiosk sảnh\"");
        }
        let id = uuid::Uuid::new_v4().to_string();
        let token: String = uuid::Uuid::new_v4()
            .as_bytes()
            .iter()
            .chain(uuid::Uuid::new_v4().as_bytes())
            .map(|b| format!("{b:02x}"))
            .collect();
        self.conn.execute(
            "INSERT INTO device (id, name, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![id, name, token_hash(&token), ts(now)],
        )?;
        Ok((Device { id, name }, token))
    }

    /// Revokes every device with this name or id; returns how many.
    pub fn revoke_device(&mut self, name_or_id: &str, now: DateTime<Utc>) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE device SET revoked_at = ?2
             WHERE (id = ?1 OR name = ?1) AND revoked_at IS NULL",
            params![name_or_id.trim(), ts(now)],
        )?)
    }

    /// The device a token belongs to, unless revoked.
    pub fn device_for_token(&self, token: &str) -> Result<Option<Device>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, name FROM device WHERE token_hash = ?1 AND revoked_at IS NULL",
                [token_hash(token)],
                |r| {
                    Ok(Device {
                        id: r.get(0)?,
                        name: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    /// Records a kiosk event once: a second delivery of the same id is a replay.
    pub fn apply_event(
        &mut self,
        device: &Device,
        event_id: &str,
        kind: &str,
        payload: &str,
        now: DateTime<Utc>,
    ) -> Result<Applied> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let inserted = tx.execute(
            "INSERT INTO event (id, device_id, kind, payload, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO NOTHING",
            params![event_id, device.id, kind, payload, ts(now)],
        )?;
        tx.commit()?;
        Ok(if inserted == 1 {
            Applied::New
        } else {
            Applied::Replay
        })
    }

    /// How many events were applied (replays excluded).
    pub fn event_count(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM event", [], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// The next number of the shared sequence for an online kiosk; the same ticket id always
    /// gets the same number, so a retried request does not burn one.
    pub fn next_number(&mut self, ticket_id: &str, queue: &str, date: NaiveDate) -> Result<u32> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let granted: Option<i64> = tx
            .query_row(
                "SELECT number FROM number_grant WHERE ticket_id = ?1",
                [ticket_id],
                |r| r.get(0),
            )
            .optional()?;
        let number = match granted {
            Some(n) => n,
            None => {
                let n = bump(&tx, queue, date, 1)?;
                tx.execute(
                    "INSERT INTO number_grant (ticket_id, queue, business_date, number)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![ticket_id, queue, day(date), n],
                )?;
                n
            }
        };
        tx.commit()?;
        u32::try_from(number).context("ticket number out of range")
    }

    /// The block a kiosk issues from while offline on that day; reserved once, then the same.
    pub fn reserve_block(
        &mut self,
        device: &Device,
        queue: &str,
        date: NaiveDate,
        size: u32,
    ) -> Result<NumberBlock> {
        if size == 0 {
            bail!("a number block needs at least one number");
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let existing: Option<(i64, i64)> = tx
            .query_row(
                "SELECT first_number, last_number FROM number_block
                 WHERE device_id = ?1 AND queue = ?2 AND business_date = ?3",
                params![device.id, queue, day(date)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (first, last) = match existing {
            Some(b) => b,
            None => {
                let last = bump(&tx, queue, date, i64::from(size))?;
                let first = last - i64::from(size) + 1;
                tx.execute(
                    "INSERT INTO number_block (device_id, queue, business_date, first_number, last_number)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![device.id, queue, day(date), first, last],
                )?;
                (first, last)
            }
        };
        tx.commit()?;
        Ok(NumberBlock {
            first: u32::try_from(first).context("block out of range")?,
            last: u32::try_from(last).context("block out of range")?,
        })
    }
}

/// Advances the (queue, day) counter by `n` and returns its new last number.
fn bump(tx: &rusqlite::Transaction, queue: &str, date: NaiveDate, n: i64) -> Result<i64> {
    Ok(tx.query_row(
        "INSERT INTO queue_day (queue, business_date, last_number) VALUES (?1, ?2, ?3)
         ON CONFLICT(queue, business_date) DO UPDATE SET last_number = last_number + ?3
         RETURNING last_number",
        params![queue, day(date), n],
        |r| r.get(0),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    #[test]
    fn tokens_identify_devices_until_revoked_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("office.sqlite3");
        let token = {
            let mut s = OfficeStore::open(&path).unwrap();
            let (dev, token) = s.enroll_device("Kiosk sảnh", Utc::now()).unwrap();
            assert_eq!(s.device_for_token(&token).unwrap(), Some(dev));
            assert_eq!(s.device_for_token("wrong").unwrap(), None);
            assert!(s.enroll_device("  ", Utc::now()).is_err());
            token
        };
        let mut s = OfficeStore::open(&path).unwrap();
        assert!(s.device_for_token(&token).unwrap().is_some());
        assert_eq!(s.revoke_device("Kiosk sảnh", Utc::now()).unwrap(), 1);
        assert_eq!(s.device_for_token(&token).unwrap(), None);
    }

    #[test]
    fn an_event_is_applied_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = OfficeStore::open(dir.path().join("o.sqlite3")).unwrap();
        let (dev, _) = s.enroll_device("K1", Utc::now()).unwrap();
        let now = Utc::now();
        assert_eq!(
            s.apply_event(&dev, "e1", "ticket.issued", "{}", now)
                .unwrap(),
            Applied::New
        );
        assert_eq!(
            s.apply_event(&dev, "e1", "ticket.issued", "{}", now)
                .unwrap(),
            Applied::Replay
        );
        assert_eq!(s.event_count().unwrap(), 1);
    }

    #[test]
    fn online_numbers_and_offline_blocks_never_overlap() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = OfficeStore::open(dir.path().join("o.sqlite3")).unwrap();
        let (k1, _) = s.enroll_device("K1", Utc::now()).unwrap();
        let (k2, _) = s.enroll_device("K2", Utc::now()).unwrap();
        assert_eq!(s.next_number("t1", "A", d()).unwrap(), 1);
        assert_eq!(
            s.next_number("t1", "A", d()).unwrap(),
            1,
            "a retry keeps its number"
        );
        let b1 = s.reserve_block(&k1, "A", d(), 50).unwrap();
        let b2 = s.reserve_block(&k2, "A", d(), 50).unwrap();
        assert_eq!((b1.first, b1.last), (2, 51));
        assert_eq!((b2.first, b2.last), (52, 101));
        assert_eq!(
            s.reserve_block(&k1, "A", d(), 50).unwrap(),
            b1,
            "one block a day"
        );
        assert_eq!(s.next_number("t2", "A", d()).unwrap(), 102);
        assert_eq!(
            s.next_number("t3", "B", d()).unwrap(),
            1,
            "queues count apart"
        );
        let tomorrow = d().succ_opt().unwrap();
        assert_eq!(
            s.next_number("t4", "A", tomorrow).unwrap(),
            1,
            "days count apart"
        );
        assert!(s.reserve_block(&k1, "C", d(), 0).is_err());
    }

    #[test]
    fn a_kiosk_store_is_not_taken_for_an_office_database() {
        let dir = tempfile::tempdir().unwrap();
        let kiosk = dir.path().join("kiosk.sqlite3");
        crate::store::Store::open(&kiosk).unwrap();
        let err = OfficeStore::open(&kiosk).err().unwrap().to_string();
        assert!(err.contains("not an office database"), "{err}");
    }
}
