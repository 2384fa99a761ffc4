//! The office database on SQLite: enrolled devices and their tokens, kiosk events applied
//! exactly once, the shared ticket sequence per queue and business day, the blocks of numbers
//! reserved for kiosks to issue from while the office cannot be reached, the tickets kiosks
//! report, and what kiosks pull: dossiers, settings and the catalogue.
//!
//! Numbering across kiosks: online numbers count 1, 2, 3… per (queue, business day); offline
//! blocks are carved from a region of their own starting at [`BLOCK_BASE`], so a citizen can
//! tell an offline ticket by its number, and an online number that reaches a block jumps over
//! it. Replays are harmless: an event id is applied once, a ticket id gets one number, a
//! kiosk's block `seq` one block per queue and day.
//!
//! Change tracking: one counter (`meta.rev`) rises with every change kiosks pull (a dossier
//! written, the settings or the catalogue replaced, a ticket reported); each dossier keeps the
//! rev of its last change, so a kiosk asks for everything after the cursor it last stored.
//!
//! The SQL stays portable (ON CONFLICT, RETURNING, no SQLite-only functions) so that a
//! PostgreSQL backend can follow behind the same API.

use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use blake2::{Blake2b512, Digest};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::protocol::{Changes, QueueStatus, Settings, MAX_CHANGES};
use crate::domain::dossier::DossierStatus;
use crate::domain::dossier_code::parse_code;
use crate::dossier_import::{write_json, DossierRecord};
use crate::store::{ImportCounts, EVENT_TICKET_ISSUED};

/// Marks the file as an office database ("MOTO").
const APPLICATION_ID: i64 = 0x4D4F_544F;
/// Schema version this build writes.
const SCHEMA_VERSION: i64 = 2;

/// The first number of the offline region: online numbers start at 1, offline blocks here.
pub const BLOCK_BASE: u32 = 501;

/// Migration `i` brings a file from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[V1, V2];

const V1: &str = "
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

/// Device roles; offline blocks in a region of their own, several per kiosk and day; the
/// tickets kiosks report; dossiers, settings and the catalogue with the change counter.
/// Version 1 blocks were carved below `queue_day.last_number`, so online numbers, which
/// only go up from there, never meet them.
const V2: &str = "
ALTER TABLE device ADD COLUMN role TEXT NOT NULL DEFAULT 'kiosk';
-- last_number is now the last online number; next_block where the next block starts
-- (NULL: BLOCK_BASE).
ALTER TABLE queue_day ADD COLUMN next_block INTEGER;
CREATE TABLE number_block_v2 (
    device_id     TEXT NOT NULL REFERENCES device(id),
    queue         TEXT NOT NULL,
    business_date TEXT NOT NULL,
    seq           INTEGER NOT NULL,             -- the kiosk's block number: a retry gets the same
    first_number  INTEGER NOT NULL,
    last_number   INTEGER NOT NULL,
    PRIMARY KEY (device_id, queue, business_date, seq)
) WITHOUT ROWID;
INSERT INTO number_block_v2 (device_id, queue, business_date, seq, first_number, last_number)
    SELECT device_id, queue, business_date, 0, first_number, last_number FROM number_block;
DROP TABLE number_block;
ALTER TABLE number_block_v2 RENAME TO number_block;
CREATE INDEX number_block_by_day ON number_block (queue, business_date, first_number);
CREATE TABLE ticket (
    id            TEXT PRIMARY KEY,             -- the kiosk's ticket uuid
    device_id     TEXT NOT NULL REFERENCES device(id),
    queue         TEXT NOT NULL,
    business_date TEXT NOT NULL,
    number        INTEGER NOT NULL,
    issued_at     TEXT NOT NULL,
    field         TEXT NOT NULL,
    priority      TEXT NOT NULL,
    state         TEXT NOT NULL,
    conflict      INTEGER NOT NULL DEFAULT 0    -- 1: another ticket already held the number
) WITHOUT ROWID;
CREATE INDEX ticket_by_number ON ticket (business_date, queue, number);
CREATE TABLE dossier (
    code           TEXT PRIMARY KEY,            -- canonical upper case
    status         TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    received_at    TEXT NOT NULL,
    due_at         TEXT,
    finished_at    TEXT,
    note           TEXT NOT NULL,
    pickup_place   TEXT NOT NULL,
    secret         TEXT NOT NULL,
    phone_last4    TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    rev            INTEGER NOT NULL             -- meta.rev of its last change
) WITHOUT ROWID;
CREATE INDEX dossier_by_rev ON dossier (rev);
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
-- rev: the change counter; queues_rev: the rev of the last ticket reported.
INSERT INTO meta (key, value) VALUES ('rev', 0), ('queues_rev', 0);
CREATE TABLE settings (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    notice_vi TEXT NOT NULL,
    notice_en TEXT NOT NULL,
    rev       INTEGER NOT NULL
);
CREATE TABLE catalogue (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    body TEXT NOT NULL,                         -- JSON, the assets/catalogue.json format
    rev  INTEGER NOT NULL
);
";

const DOSSIER_COLUMNS: &str = "code, status, procedure_code, applicant_name, received_at, due_at, finished_at, note, pickup_place, secret, phone_last4";

/// What a device may do with its token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Role {
    /// A kiosk: pushes events, takes numbers and blocks, pulls changes.
    #[default]
    Kiosk,
    /// Another system (the provincial dossier system's bridge): writes dossiers only.
    Integration,
}

impl Role {
    /// Stable storage code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Kiosk => "kiosk",
            Role::Integration => "integration",
        }
    }

    /// Inverse of [`code`](Self::code).
    pub fn from_code(code: &str) -> Option<Role> {
        [Role::Kiosk, Role::Integration]
            .into_iter()
            .find(|r| r.code() == code)
    }
}

/// An enrolled kiosk (or integration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Stable id.
    pub id: String,
    /// The name given at enrolment, e.g. "Kiosk sảnh".
    pub name: String,
    /// What its token allows.
    pub role: Role,
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

/// The part of a `ticket.issued` payload (the kiosk's `Ticket`) the office keeps. Codes stay
/// text, so a kiosk with a newer priority group or state is still counted.
#[derive(Deserialize)]
struct IssuedTicket {
    id: String,
    queue: String,
    number: u32,
    business_date: NaiveDate,
    issued_at: DateTime<Utc>,
    field: String,
    priority: String,
    state: String,
}

/// The office database.
pub struct OfficeStore {
    conn: Connection,
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

fn parse_ts(s: &str) -> Result<DateTime<Utc>> {
    Ok(DateTime::parse_from_rfc3339(s)
        .with_context(|| format!("bad timestamp {s:?} in the office database"))?
        .with_timezone(&Utc))
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
    /// Opens (creating or upgrading if needed) the office database at `path`.
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
        if version < SCHEMA_VERSION {
            // One transaction for every step: a failed upgrade leaves the old file as it was.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let from: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
            for (i, step) in MIGRATIONS.iter().enumerate().skip(from as usize) {
                tx.execute_batch(step).with_context(|| {
                    format!(
                        "cannot upgrade the office database {} to schema {}",
                        path.display(),
                        i + 1
                    )
                })?;
            }
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            tx.commit()?;
            if from > 0 {
                log::info!(
                    "upgraded the office database {} from schema {from} to {SCHEMA_VERSION}",
                    path.display()
                );
            }
        }
        Ok(OfficeStore { conn })
    }

    /// Enrols a device; returns it and its token, which is shown once and stored hashed.
    pub fn enroll_device(
        &mut self,
        name: &str,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<(Device, String)> {
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
            "INSERT INTO device (id, name, token_hash, created_at, role) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, name, token_hash(&token), ts(now), role.code()],
        )?;
        Ok((Device { id, name, role }, token))
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
        let row: Option<(String, String, String)> = self
            .conn
            .query_row(
                "SELECT id, name, role FROM device WHERE token_hash = ?1 AND revoked_at IS NULL",
                [token_hash(token)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(
            row.and_then(|(id, name, role)| match Role::from_code(&role) {
                Some(role) => Some(Device { id, name, role }),
                None => {
                    // Written by a newer office: grant nothing rather than guess.
                    log::warn!(
                        "device {name:?} has the unknown role {role:?}; its token is refused"
                    );
                    None
                }
            }),
        )
    }

    /// Records a kiosk event once: a second delivery of the same id is a replay. A new
    /// `ticket.issued` also lands in the ticket table, in the same transaction.
    pub fn apply_event(
        &mut self,
        device: &Device,
        event_id: &str,
        kind: &str,
        payload: &str,
        now: DateTime<Utc>,
    ) -> Result<Applied> {
        Ok(self.apply_events(device, &[(event_id, kind, payload)], now)?[0])
    }

    /// Records a push of `(id, kind, payload)` events in one transaction (one disk sync for
    /// the whole batch, so a kiosk's day of offline tickets lands in a moment); each is
    /// applied once, as in [`apply_event`](Self::apply_event).
    pub fn apply_events(
        &mut self,
        device: &Device,
        events: &[(&str, &str, &str)],
        now: DateTime<Utc>,
    ) -> Result<Vec<Applied>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut out = Vec::with_capacity(events.len());
        {
            let mut insert = tx.prepare(
                "INSERT INTO event (id, device_id, kind, payload, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO NOTHING",
            )?;
            let now = ts(now);
            for (event_id, kind, payload) in events {
                let inserted = insert.execute(params![event_id, device.id, kind, payload, now])?;
                if inserted == 1 && *kind == EVENT_TICKET_ISSUED {
                    record_ticket(&tx, device, event_id, payload)?;
                }
                out.push(if inserted == 1 {
                    Applied::New
                } else {
                    Applied::Replay
                });
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// How many events were applied (replays excluded).
    pub fn event_count(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM event", [], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// How many reported tickets (all days) arrived with a number another ticket already held.
    pub fn conflicts(&self) -> Result<u64> {
        let n: i64 =
            self.conn
                .query_row("SELECT COALESCE(SUM(conflict), 0) FROM ticket", [], |r| {
                    r.get(0)
                })?;
        Ok(n as u64)
    }

    /// How many tickets kiosks have reported (all days).
    pub fn ticket_count(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM ticket", [], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// The next online number for a queue and day, jumping over offline blocks; the same
    /// ticket id always gets the same number, so a retried request does not burn one.
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
                let n = next_online(&tx, queue, date)?;
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

    /// Block `seq` of a kiosk for a queue and day, carved from the offline region on first
    /// request; asking again with the same `seq` returns the same block, whatever `size`.
    pub fn reserve_block(
        &mut self,
        device: &Device,
        queue: &str,
        date: NaiveDate,
        seq: u32,
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
                 WHERE device_id = ?1 AND queue = ?2 AND business_date = ?3 AND seq = ?4",
                params![device.id, queue, day(date), seq],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (first, last) = match existing {
            Some(b) => b,
            None => {
                let (last_online, next_block): (i64, Option<i64>) = tx
                    .query_row(
                        "SELECT last_number, next_block FROM queue_day
                         WHERE queue = ?1 AND business_date = ?2",
                        params![queue, day(date)],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?
                    .unwrap_or((0, None));
                // Past every block and every online number given so far: online numbers
                // jump over the block from now on.
                let first = next_block
                    .unwrap_or(i64::from(BLOCK_BASE))
                    .max(last_online + 1);
                let last = first + i64::from(size) - 1;
                tx.execute(
                    "INSERT INTO queue_day (queue, business_date, last_number, next_block)
                     VALUES (?1, ?2, 0, ?3)
                     ON CONFLICT(queue, business_date) DO UPDATE SET next_block = excluded.next_block",
                    params![queue, day(date), last + 1],
                )?;
                tx.execute(
                    "INSERT INTO number_block (device_id, queue, business_date, seq, first_number, last_number)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![device.id, queue, day(date), seq, first, last],
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

    /// Stores dossiers in one transaction: new ones inserted, changed ones updated, identical
    /// ones left alone (no new rev, so kiosks are not sent them again); idempotent.
    pub fn upsert_dossiers(
        &mut self,
        records: &[DossierRecord],
        now: DateTime<Utc>,
    ) -> Result<ImportCounts> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let start = read_meta(&tx, "rev")?;
        let mut rev = start;
        let mut counts = ImportCounts::default();
        {
            let mut get = tx.prepare(&format!(
                "SELECT {DOSSIER_COLUMNS} FROM dossier WHERE code = ?1"
            ))?;
            let mut put = tx.prepare(&format!(
                "INSERT INTO dossier ({DOSSIER_COLUMNS}, updated_at, rev)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                 ON CONFLICT(code) DO UPDATE SET
                    status = excluded.status, procedure_code = excluded.procedure_code,
                    applicant_name = excluded.applicant_name, received_at = excluded.received_at,
                    due_at = excluded.due_at, finished_at = excluded.finished_at,
                    note = excluded.note, pickup_place = excluded.pickup_place,
                    secret = excluded.secret, phone_last4 = excluded.phone_last4,
                    updated_at = excluded.updated_at, rev = excluded.rev"
            ))?;
            let now_s = ts(now);
            for r in records {
                let code = r.code.as_str();
                let old = get
                    .query_row([code], dossier_from_row)
                    .optional()?
                    .transpose()?;
                match &old {
                    Some(old) if old == r => {
                        counts.unchanged += 1;
                        continue;
                    }
                    Some(_) => counts.updated += 1,
                    None => counts.inserted += 1,
                }
                // One rev per dossier, so a page of changes can end between any two.
                rev += 1;
                put.execute(params![
                    code,
                    r.status.code(),
                    r.procedure_code,
                    r.applicant_name,
                    ts(r.received_at),
                    r.due_at.map(ts),
                    r.finished_at.map(ts),
                    r.note,
                    r.pickup_place,
                    r.secret,
                    r.phone_last4,
                    now_s,
                    rev,
                ])?;
            }
        }
        if rev != start {
            write_meta(&tx, "rev", rev)?;
        }
        tx.commit()?;
        Ok(counts)
    }

    /// The dossier with this canonical code.
    pub fn dossier(&self, code: &str) -> Result<Option<DossierRecord>> {
        self.conn
            .query_row(
                &format!("SELECT {DOSSIER_COLUMNS} FROM dossier WHERE code = ?1"),
                [code],
                dossier_from_row,
            )
            .optional()?
            .transpose()
    }

    /// How many dossiers the office holds.
    pub fn dossier_count(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM dossier", [], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// The change counter: what a kiosk that is up to date holds as its cursor.
    pub fn rev(&self) -> Result<u64> {
        Ok(read_meta(&self.conn, "rev")? as u64)
    }

    /// Replaces the settings pushed to kiosks (notices NFC-normalised and trimmed); returns
    /// whether anything changed.
    pub fn set_settings(&mut self, settings: &Settings) -> Result<bool> {
        let clean = Settings {
            notice_vi: crate::domain::text::nfc(settings.notice_vi.trim()),
            notice_en: crate::domain::text::nfc(settings.notice_en.trim()),
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let old = settings_row(&tx)?.map(|(s, _)| s);
        if old.as_ref() == Some(&clean) {
            return Ok(false);
        }
        let rev = bump_rev(&tx)?;
        tx.execute(
            "INSERT INTO settings (id, notice_vi, notice_en, rev) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT(id) DO UPDATE SET notice_vi = excluded.notice_vi,
                notice_en = excluded.notice_en, rev = excluded.rev",
            params![clean.notice_vi, clean.notice_en, rev],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// The settings pushed to kiosks (empty notices until set).
    pub fn settings(&self) -> Result<Settings> {
        Ok(settings_row(&self.conn)?
            .map(|(s, _)| s)
            .unwrap_or_default())
    }

    /// Replaces the catalogue sent to kiosks after checking it as a kiosk will
    /// (`Catalogue::from_json`); returns whether it changed. Keys this build does not know
    /// are kept, for kiosks newer than the office.
    pub fn set_catalogue(&mut self, json: &str) -> Result<bool> {
        crate::catalogue::Catalogue::from_json(json)?;
        let value: serde_json::Value = serde_json::from_str(json)?;
        let body = value.to_string();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let old: Option<String> = tx
            .query_row("SELECT body FROM catalogue WHERE id = 1", [], |r| r.get(0))
            .optional()?;
        if old.as_deref() == Some(body.as_str()) {
            return Ok(false);
        }
        let rev = bump_rev(&tx)?;
        tx.execute(
            "INSERT INTO catalogue (id, body, rev) VALUES (1, ?1, ?2)
             ON CONFLICT(id) DO UPDATE SET body = excluded.body, rev = excluded.rev",
            params![body, rev],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// The catalogue sent to kiosks (compact JSON), if one was set.
    pub fn catalogue(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT body FROM catalogue WHERE id = 1", [], |r| r.get(0))
            .optional()?)
    }

    /// What changed after `since`, for a kiosk: at most `limit` dossiers (default and maximum
    /// [`MAX_CHANGES`]) in rev order, and the catalogue, settings and `today`'s queues when
    /// they changed. Everything with a rev up to the returned cursor is in this answer or an
    /// earlier one, so each part is sent once per kiosk.
    pub fn changes(
        &mut self,
        since: u64,
        limit: Option<u32>,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Changes> {
        // One read transaction: a snapshot, so a dossier committed meanwhile (by the import
        // command, say) is either below the cursor and here, or above it.
        let tx = self.conn.transaction()?;
        let current = read_meta(&tx, "rev")? as u64;
        let since = if since > current {
            // The kiosk's cursor comes from another database (this one was replaced): send
            // everything again rather than nothing until the counter catches up.
            log::warn!("a kiosk's cursor {since} is past this office's {current}: resending all");
            0
        } else {
            since
        };
        let limit = limit.unwrap_or(MAX_CHANGES).clamp(1, MAX_CHANGES);
        let mut records = Vec::new();
        let mut last_rev = 0u64;
        let mut more = false;
        {
            let mut st = tx.prepare(&format!(
                "SELECT {DOSSIER_COLUMNS}, rev FROM dossier WHERE rev > ?1 ORDER BY rev LIMIT ?2"
            ))?;
            let mut rows = st.query(params![since as i64, i64::from(limit) + 1])?;
            while let Some(row) = rows.next()? {
                if records.len() == limit as usize {
                    more = true;
                    break;
                }
                records.push(dossier_from_row(row)??);
                last_rev = row.get::<_, i64>(11)? as u64;
            }
        }
        let cursor = if more { last_rev } else { current };
        let fresh = |rev: i64| since < rev as u64 && rev as u64 <= cursor;
        let dossiers = if records.is_empty() {
            None
        } else {
            Some(RawValue::from_string(write_json(&records))?)
        };
        let catalogue = match tx
            .query_row("SELECT body, rev FROM catalogue WHERE id = 1", [], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })
            .optional()?
        {
            Some((body, rev)) if fresh(rev) => Some(RawValue::from_string(body)?),
            _ => None,
        };
        let settings = match settings_row(&tx)? {
            Some((s, rev)) if fresh(rev) => Some(s),
            _ => None,
        };
        let queues = if fresh(read_meta(&tx, "queues_rev")?) {
            queue_status(&tx, today)?
        } else {
            Vec::new()
        };
        tx.commit()?;
        Ok(Changes {
            time: now.to_rfc3339(),
            cursor,
            more,
            dossiers,
            catalogue,
            settings,
            queues,
        })
    }
}

/// Stores a reported ticket. A payload that cannot be read, or a number another ticket
/// already holds, is logged and never fails the push: the event is kept either way.
fn record_ticket(tx: &Transaction, device: &Device, event_id: &str, payload: &str) -> Result<()> {
    let t: IssuedTicket = match serde_json::from_str(payload) {
        Ok(t) => t,
        Err(e) => {
            log::warn!(
                "event {event_id} from {:?}: unreadable ticket.issued payload ({e}); event kept, ticket not counted",
                device.name
            );
            return Ok(());
        }
    };
    if t.id.trim().is_empty() || t.queue.trim().is_empty() || t.number == 0 {
        log::warn!(
            "event {event_id} from {:?}: ticket.issued without id, queue or number; event kept, ticket not counted",
            device.name
        );
        return Ok(());
    }
    let holder: Option<String> = tx
        .query_row(
            "SELECT id FROM ticket WHERE business_date = ?1 AND queue = ?2 AND number = ?3 AND id <> ?4",
            params![day(t.business_date), t.queue, t.number, t.id],
            |r| r.get(0),
        )
        .optional()?;
    let inserted = tx.execute(
        "INSERT INTO ticket (id, device_id, queue, business_date, number, issued_at, field, priority, state, conflict)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(id) DO NOTHING",
        params![
            t.id,
            device.id,
            t.queue,
            day(t.business_date),
            t.number,
            ts(t.issued_at),
            t.field,
            t.priority,
            t.state,
            i64::from(holder.is_some()),
        ],
    )?;
    if inserted == 0 {
        // The ticket came before in another event: the queue did not change.
        return Ok(());
    }
    if let Some(other) = holder {
        log::warn!(
            "number {} of queue {} on {} issued twice: ticket {} from {:?} and ticket {other}",
            t.number,
            t.queue,
            t.business_date,
            t.id,
            device.name
        );
    }
    let rev = bump_rev(tx)?;
    write_meta(tx, "queues_rev", rev)?;
    Ok(())
}

/// The next online number: one past the last, jumping over every offline block in the way.
fn next_online(tx: &Transaction, queue: &str, date: NaiveDate) -> Result<i64> {
    let last: Option<i64> = tx
        .query_row(
            "SELECT last_number FROM queue_day WHERE queue = ?1 AND business_date = ?2",
            params![queue, day(date)],
            |r| r.get(0),
        )
        .optional()?;
    let mut n = last.unwrap_or(0) + 1;
    // Blocks may touch each other, so jump until n lies in none.
    while let Some(end) = tx.query_row(
        "SELECT MAX(last_number) FROM number_block
         WHERE queue = ?1 AND business_date = ?2 AND first_number <= ?3 AND last_number >= ?3",
        params![queue, day(date), n],
        |r| r.get::<_, Option<i64>>(0),
    )? {
        n = end + 1;
    }
    tx.execute(
        "INSERT INTO queue_day (queue, business_date, last_number) VALUES (?1, ?2, ?3)
         ON CONFLICT(queue, business_date) DO UPDATE SET last_number = excluded.last_number",
        params![queue, day(date), n],
    )?;
    Ok(n)
}

fn read_meta(conn: &Connection, key: &str) -> Result<i64> {
    Ok(conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))?)
}

fn write_meta(conn: &Connection, key: &str, value: i64) -> Result<()> {
    conn.execute(
        "UPDATE meta SET value = ?2 WHERE key = ?1",
        params![key, value],
    )?;
    Ok(())
}

/// Raises the change counter by one and returns the new rev.
fn bump_rev(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "UPDATE meta SET value = value + 1 WHERE key = 'rev' RETURNING value",
        [],
        |r| r.get(0),
    )?)
}

fn settings_row(conn: &Connection) -> Result<Option<(Settings, i64)>> {
    Ok(conn
        .query_row(
            "SELECT notice_vi, notice_en, rev FROM settings WHERE id = 1",
            [],
            |r| {
                Ok((
                    Settings {
                        notice_vi: r.get(0)?,
                        notice_en: r.get(1)?,
                    },
                    r.get(2)?,
                ))
            },
        )
        .optional()?)
}

/// Each queue's tickets on `date`, over all kiosks.
fn queue_status(conn: &Connection, date: NaiveDate) -> Result<Vec<QueueStatus>> {
    let mut st = conn.prepare(
        "SELECT queue, COUNT(*), SUM(CASE WHEN state = 'waiting' THEN 1 ELSE 0 END)
         FROM ticket WHERE business_date = ?1 GROUP BY queue ORDER BY queue",
    )?;
    let rows = st.query_map([day(date)], |r| {
        Ok(QueueStatus {
            queue: r.get(0)?,
            business_date: date,
            issued: r.get(1)?,
            waiting: r.get(2)?,
            serving: None,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn dossier_from_row(row: &rusqlite::Row) -> rusqlite::Result<Result<DossierRecord>> {
    let get = |i: usize| row.get::<_, String>(i);
    let opt = |i: usize| row.get::<_, Option<String>>(i);
    let (code, status) = (get(0)?, get(1)?);
    let (received, due, finished) = (get(4)?, opt(5)?, opt(6)?);
    let rest = (get(2)?, get(3)?, get(7)?, get(8)?, get(9)?, get(10)?);
    Ok((|| {
        Ok(DossierRecord {
            code: parse_code(&code)
                .with_context(|| format!("bad dossier code {code:?} in the office database"))?,
            status: DossierStatus::from_code(&status).with_context(|| {
                format!("unknown dossier status {status:?} in the office database")
            })?,
            procedure_code: rest.0,
            applicant_name: rest.1,
            received_at: parse_ts(&received)?,
            due_at: due.as_deref().map(parse_ts).transpose()?,
            finished_at: finished.as_deref().map(parse_ts).transpose()?,
            note: rest.2,
            pickup_place: rest.3,
            secret: rest.4,
            phone_last4: rest.5,
        })
    })())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn d() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn open() -> (tempfile::TempDir, OfficeStore) {
        let dir = tempfile::tempdir().unwrap();
        let s = OfficeStore::open(dir.path().join("o.sqlite3")).unwrap();
        (dir, s)
    }

    fn kiosk(s: &mut OfficeStore, name: &str) -> Device {
        s.enroll_device(name, Role::Kiosk, Utc::now()).unwrap().0
    }

    /// A `ticket.issued` payload as the kiosk writes it (its `Ticket` through serde).
    fn issued(id: &str, queue: &str, number: u32, date: NaiveDate, state: &str) -> String {
        let t = crate::domain::ticket::Ticket {
            id: id.into(),
            queue: queue.into(),
            number,
            business_date: date,
            issued_at: Utc::now(),
            wall_clock: Utc::now(),
            clock_status: crate::domain::clock::ClockStatus::Ok,
            field: "HT".into(),
            priority: crate::domain::priority::PriorityGroup::Elderly,
            state: crate::domain::ticket::TicketState::from_code(state).unwrap(),
            printed_at: None,
        };
        serde_json::to_string(&t).unwrap()
    }

    fn record(i: usize, status: DossierStatus) -> DossierRecord {
        DossierRecord {
            code: parse_code(&format!("H15.50.05.13-261120-{i:04}")).unwrap(),
            status,
            procedure_code: "1.001193".into(),
            applicant_name: "Nguyễn Văn An".into(),
            received_at: "2026-11-20T01:15:00Z".parse().unwrap(),
            due_at: None,
            finished_at: None,
            note: String::new(),
            pickup_place: "Quầy 2".into(),
            secret: "7KQ2".into(),
            phone_last4: "4321".into(),
        }
    }

    fn codes(c: &Changes) -> Vec<String> {
        let Some(raw) = &c.dossiers else {
            return Vec::new();
        };
        let parsed =
            crate::dossier_import::parse(raw.get(), crate::dossier_import::Format::Json).unwrap();
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        parsed
            .records
            .into_iter()
            .map(|(_, r)| r.code.as_str().to_string())
            .collect()
    }

    #[test]
    fn tokens_identify_devices_with_their_role_until_revoked_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("office.sqlite3");
        let (token, bridge) = {
            let mut s = OfficeStore::open(&path).unwrap();
            let (dev, token) = s
                .enroll_device("Kiosk sảnh", Role::Kiosk, Utc::now())
                .unwrap();
            assert_eq!(s.device_for_token(&token).unwrap(), Some(dev));
            assert_eq!(s.device_for_token("wrong").unwrap(), None);
            assert!(s.enroll_device("  ", Role::Kiosk, Utc::now()).is_err());
            let (_, bridge) = s
                .enroll_device("Cổng dịch vụ công", Role::Integration, Utc::now())
                .unwrap();
            (token, bridge)
        };
        let mut s = OfficeStore::open(&path).unwrap();
        assert_eq!(
            s.device_for_token(&token).unwrap().unwrap().role,
            Role::Kiosk
        );
        assert_eq!(
            s.device_for_token(&bridge).unwrap().unwrap().role,
            Role::Integration
        );
        assert_eq!(s.revoke_device("Kiosk sảnh", Utc::now()).unwrap(), 1);
        assert_eq!(s.device_for_token(&token).unwrap(), None);
    }

    #[test]
    fn an_event_is_applied_once() {
        let (_dir, mut s) = open();
        let dev = kiosk(&mut s, "K1");
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
    fn online_numbers_count_from_one_and_blocks_from_the_offline_region() {
        let (_dir, mut s) = open();
        let k1 = kiosk(&mut s, "K1");
        let k2 = kiosk(&mut s, "K2");
        assert_eq!(s.next_number("t1", "A", d()).unwrap(), 1);
        assert_eq!(
            s.next_number("t1", "A", d()).unwrap(),
            1,
            "a retry keeps its number"
        );
        let b1 = s.reserve_block(&k1, "A", d(), 0, 50).unwrap();
        let b2 = s.reserve_block(&k2, "A", d(), 0, 50).unwrap();
        assert_eq!((b1.first, b1.last), (501, 550));
        assert_eq!((b2.first, b2.last), (551, 600));
        assert_eq!(
            s.reserve_block(&k1, "A", d(), 0, 20).unwrap(),
            b1,
            "the same seq is the same block"
        );
        let b3 = s.reserve_block(&k1, "A", d(), 1, 50).unwrap();
        assert_eq!(
            (b3.first, b3.last),
            (601, 650),
            "a new seq carves a further block"
        );
        assert_eq!(s.next_number("t2", "A", d()).unwrap(), 2);
        assert_eq!(
            s.next_number("t3", "B", d()).unwrap(),
            1,
            "queues count apart"
        );
        let b4 = s.reserve_block(&k1, "B", d(), 0, 10).unwrap();
        assert_eq!((b4.first, b4.last), (501, 510));
        let tomorrow = d().succ_opt().unwrap();
        assert_eq!(
            s.next_number("t4", "A", tomorrow).unwrap(),
            1,
            "days count apart"
        );
        assert!(s.reserve_block(&k1, "C", d(), 0, 0).is_err());
    }

    #[test]
    fn online_numbers_jump_over_blocks_after_500_and_blocks_start_past_them() {
        let (_dir, mut s) = open();
        let k1 = kiosk(&mut s, "K1");
        let k2 = kiosk(&mut s, "K2");
        let b1 = s.reserve_block(&k1, "A", d(), 0, 50).unwrap();
        let b2 = s.reserve_block(&k2, "A", d(), 0, 50).unwrap();
        let online: Vec<u32> = (0..510)
            .map(|i| s.next_number(&format!("t{i}"), "A", d()).unwrap())
            .collect();
        assert_eq!(online[499], 500);
        assert_eq!(online[500], 601, "both touching blocks are jumped over");
        assert_eq!((b1.last, b2.first), (550, 551));
        let b3 = s.reserve_block(&k1, "A", d(), 1, 50).unwrap();
        assert_eq!(b3.first, 611, "past the last online number");
        assert_eq!(s.next_number("t-next", "A", d()).unwrap(), 661);
    }

    /// Tiny deterministic generator (xorshift64*).
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
        }
    }

    #[test]
    fn no_number_is_given_twice_whatever_the_interleaving() {
        for seed in [1u64, 7, 0x9E37_79B9_7F4A_7C15] {
            let (_dir, mut s) = open();
            let devices: Vec<Device> = (0..4).map(|i| kiosk(&mut s, &format!("K{i}"))).collect();
            let mut rng = Rng(seed);
            let mut taken: HashSet<u32> = HashSet::new();
            let mut online = Vec::new();
            let mut blocks: Vec<(usize, u32, NumberBlock)> = Vec::new();
            let mut seqs = [0u32; 4];
            for step in 0..1500 {
                if rng.below(10) == 0 {
                    let k = rng.below(4) as usize;
                    let size = 1 + rng.below(80) as u32;
                    let b = s
                        .reserve_block(&devices[k], "A", d(), seqs[k], size)
                        .unwrap();
                    assert_eq!(b.last - b.first + 1, size);
                    for n in b.first..=b.last {
                        assert!(taken.insert(n), "seed {seed}: {n} given twice (block)");
                    }
                    blocks.push((k, seqs[k], b));
                    seqs[k] += 1;
                } else {
                    let n = s.next_number(&format!("t{step}"), "A", d()).unwrap();
                    assert!(taken.insert(n), "seed {seed}: {n} given twice (online)");
                    online.push((step, n));
                }
            }
            assert!(
                online.windows(2).all(|w| w[0].1 < w[1].1),
                "online numbers rise"
            );
            assert!(
                online.last().unwrap().1 > 500,
                "online passed the offline region"
            );
            assert!(blocks.iter().all(|(_, _, b)| b.first >= BLOCK_BASE));
            // Retries return what was given, and give nothing new.
            for (k, seq, b) in &blocks {
                assert_eq!(
                    s.reserve_block(&devices[*k], "A", d(), *seq, 5).unwrap(),
                    *b
                );
            }
            let (step, n) = online[3];
            assert_eq!(s.next_number(&format!("t{step}"), "A", d()).unwrap(), n);
        }
    }

    #[test]
    fn a_version_1_database_is_upgraded_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("office.sqlite3");
        let token = "ab".repeat(32);
        {
            // Version 1 as it shipped, filled by hand.
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(V1).unwrap();
            conn.execute_batch(&format!(
                "INSERT INTO device VALUES ('k1', 'Kiosk sảnh', '{}', '2026-11-24T00:00:00Z', NULL);
                 INSERT INTO event VALUES ('e1', 'k1', 'ticket.issued', '{{}}', '2026-11-24T00:00:00Z');
                 INSERT INTO queue_day VALUES ('A', '2026-11-25', 52);
                 INSERT INTO number_grant VALUES ('t1', 'A', '2026-11-25', 1);
                 INSERT INTO number_grant VALUES ('t2', 'A', '2026-11-25', 52);
                 INSERT INTO number_block VALUES ('k1', 'A', '2026-11-25', 2, 51);
                 PRAGMA user_version = 1;
                 PRAGMA application_id = {APPLICATION_ID};",
                token_hash(&token)
            ))
            .unwrap();
        }
        let mut s = OfficeStore::open(&path).unwrap();
        let dev = s
            .device_for_token(&token)
            .unwrap()
            .expect("the kiosk still enrolled");
        assert_eq!(dev.role, Role::Kiosk);
        assert_eq!(s.event_count().unwrap(), 1);
        assert_eq!(
            s.reserve_block(&dev, "A", d(), 0, 10).unwrap(),
            NumberBlock { first: 2, last: 51 },
            "the old block is seq 0"
        );
        assert_eq!(s.next_number("t2", "A", d()).unwrap(), 52);
        assert_eq!(s.next_number("t3", "A", d()).unwrap(), 53);
        let b = s.reserve_block(&dev, "A", d(), 1, 10).unwrap();
        assert_eq!((b.first, b.last), (501, 510));
        assert_eq!(s.rev().unwrap(), 0);
        s.upsert_dossiers(&[record(1, DossierStatus::Received)], Utc::now())
            .unwrap();
        drop(s);
        let conn = Connection::open(&path).unwrap();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
    }

    #[test]
    fn a_failed_upgrade_leaves_the_version_1_file_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("office.sqlite3");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(V1).unwrap();
            // Something in the way of version 2, late in its script.
            conn.execute_batch(&format!(
                "CREATE TABLE catalogue (x INTEGER);
                 INSERT INTO device VALUES ('k1', 'K1', 'h', '2026-11-24T00:00:00Z', NULL);
                 PRAGMA user_version = 1;
                 PRAGMA application_id = {APPLICATION_ID};"
            ))
            .unwrap();
        }
        let err = OfficeStore::open(&path).err().unwrap();
        assert!(format!("{err:#}").contains("schema 2"), "{err:#}");
        let conn = Connection::open(&path).unwrap();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, 1);
        // The device table did not gain its role column, nor the blocks their seq.
        assert!(conn.prepare("SELECT role FROM device").is_err());
        assert!(conn.prepare("SELECT seq FROM number_block").is_err());
    }

    #[test]
    fn reported_tickets_are_counted_once_and_clashing_numbers_kept_and_counted() {
        let (_dir, mut s) = open();
        let k1 = kiosk(&mut s, "K1");
        let k2 = kiosk(&mut s, "K2");
        let now = Utc::now();
        let push = |s: &mut OfficeStore, dev: &Device, event: &str, payload: &str| {
            s.apply_event(dev, event, "ticket.issued", payload, now)
                .unwrap()
        };
        push(&mut s, &k1, "e1", &issued("t1", "A", 1, d(), "waiting"));
        push(&mut s, &k2, "e2", &issued("t2", "A", 501, d(), "waiting"));
        push(&mut s, &k2, "e3", &issued("t3", "A", 502, d(), "called"));
        push(&mut s, &k1, "e4", &issued("t4", "B", 1, d(), "waiting"));
        let rev = s.rev().unwrap();
        assert_eq!(rev, 4, "each ticket is a change");
        // The same ticket in a second event changes nothing; a replay neither.
        push(&mut s, &k1, "e5", &issued("t1", "A", 1, d(), "waiting"));
        push(&mut s, &k1, "e1", &issued("t1", "A", 1, d(), "waiting"));
        assert_eq!(s.rev().unwrap(), rev);
        // Another ticket with a taken number: stored, counted, the push goes on.
        assert_eq!(
            push(&mut s, &k2, "e6", &issued("t6", "A", 1, d(), "waiting")),
            Applied::New
        );
        assert_eq!(s.conflicts().unwrap(), 1);
        // The same number on another day or queue is no clash.
        push(
            &mut s,
            &k2,
            "e7",
            &issued("t7", "A", 1, d().succ_opt().unwrap(), "waiting"),
        );
        assert_eq!(s.conflicts().unwrap(), 1);
        // Unreadable payloads keep their event and count no ticket.
        for (i, bad) in [
            "{\"number\": 1}",
            "[]",
            "not json",
            &issued("", "A", 9, d(), "waiting"),
        ]
        .iter()
        .enumerate()
        {
            assert_eq!(push(&mut s, &k1, &format!("bad{i}"), bad), Applied::New);
        }
        assert_eq!(s.ticket_count().unwrap(), 6);
        assert_eq!(s.event_count().unwrap(), 11);

        let c = s.changes(0, None, d(), now).unwrap();
        assert_eq!(
            c.queues,
            [
                QueueStatus {
                    queue: "A".into(),
                    business_date: d(),
                    issued: 4,
                    waiting: 3,
                    serving: None
                },
                QueueStatus {
                    queue: "B".into(),
                    business_date: d(),
                    issued: 1,
                    waiting: 1,
                    serving: None
                },
            ]
        );
        assert!(s
            .changes(c.cursor, None, d(), now)
            .unwrap()
            .queues
            .is_empty());
    }

    #[test]
    fn dossier_upserts_are_idempotent_and_only_changes_raise_the_rev() {
        let (_dir, mut s) = open();
        let now = Utc::now();
        let first: Vec<DossierRecord> = (1..=3)
            .map(|i| record(i, DossierStatus::Received))
            .collect();
        let c = s.upsert_dossiers(&first, now).unwrap();
        assert_eq!((c.inserted, c.updated, c.unchanged), (3, 0, 0));
        assert_eq!(s.rev().unwrap(), 3);
        let c = s.upsert_dossiers(&first, now).unwrap();
        assert_eq!((c.inserted, c.updated, c.unchanged), (0, 0, 3));
        assert_eq!(s.rev().unwrap(), 3, "unchanged records do not count");
        let mut second = first.clone();
        second[1].status = DossierStatus::Ready;
        second.push(record(4, DossierStatus::Received));
        let c = s.upsert_dossiers(&second, now).unwrap();
        assert_eq!((c.inserted, c.updated, c.unchanged), (1, 1, 2));
        assert_eq!(s.rev().unwrap(), 5);
        assert_eq!(s.dossier_count().unwrap(), 4);
        assert_eq!(
            s.dossier(second[1].code.as_str()).unwrap().unwrap(),
            second[1]
        );

        let c = s.changes(3, None, d(), now).unwrap();
        assert_eq!(
            codes(&c),
            [second[1].code.as_str(), second[3].code.as_str()]
        );
        assert_eq!((c.cursor, c.more), (5, false));
    }

    #[test]
    fn changes_page_by_rev_and_send_settings_and_catalogue_once() {
        let (_dir, mut s) = open();
        let now = Utc::now();
        let all: Vec<DossierRecord> = (1..=10)
            .map(|i| record(i, DossierStatus::Received))
            .collect();
        s.upsert_dossiers(&all[..6], now).unwrap();
        assert!(s
            .set_settings(&Settings {
                notice_vi: " Nghỉ lễ 2/9 ".into(),
                notice_en: String::new()
            })
            .unwrap());
        assert!(
            !s.set_settings(&Settings {
                notice_vi: "Nghỉ lễ 2/9".into(),
                notice_en: String::new()
            })
            .unwrap(),
            "unchanged settings are no change"
        );
        s.upsert_dossiers(&all[6..], now).unwrap();
        let catalogue = include_str!("../../assets/catalogue.json");
        assert!(s.set_catalogue(catalogue).unwrap());
        assert!(!s.set_catalogue(catalogue).unwrap());
        assert!(s.set_catalogue("{\"fields\": []}").is_err());
        assert_eq!(s.rev().unwrap(), 12);

        // Pages of 4: the settings (rev 7) come with the page that passes them, the catalogue
        // (rev 12) with the last.
        let mut since = 0;
        let mut got = Vec::new();
        let mut pages = Vec::new();
        loop {
            let c = s.changes(since, Some(4), d(), now).unwrap();
            got.extend(codes(&c));
            pages.push((
                c.cursor,
                c.more,
                c.settings.is_some(),
                c.catalogue.is_some(),
            ));
            since = c.cursor;
            if !c.more {
                break;
            }
        }
        assert_eq!(
            pages,
            [
                (4, true, false, false),
                (9, true, true, false),
                (12, false, false, true)
            ]
        );
        let want: Vec<&str> = all.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(got, want);
        let idle = s.changes(since, None, d(), now).unwrap();
        assert_eq!(
            serde_json::to_string(&idle).unwrap(),
            format!("{{\"time\":\"{}\",\"cursor\":12}}", now.to_rfc3339())
        );
        let full = s.changes(0, None, d(), now).unwrap();
        assert_eq!(full.settings.unwrap().notice_vi, "Nghỉ lễ 2/9");
        let sent: crate::catalogue::Catalogue =
            serde_json::from_str(full.catalogue.unwrap().get()).unwrap();
        assert_eq!(
            sent,
            crate::catalogue::Catalogue::from_json(catalogue).unwrap()
        );
        // A cursor from another database starts over.
        assert_eq!(codes(&s.changes(999, None, d(), now).unwrap()).len(), 10);
        // Limits out of range are brought into it.
        assert_eq!(codes(&s.changes(0, Some(0), d(), now).unwrap()).len(), 1);
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
