//! The office database: enrolled devices and their tokens, kiosk events applied exactly once,
//! the shared ticket sequence per queue and business day, the blocks of numbers reserved for
//! kiosks to issue from while the office cannot be reached, the tickets kiosks report, and
//! what kiosks pull: dossiers, settings and the catalogue. On SQLite (one file, WAL) or on
//! PostgreSQL (one server for many communes): the logic and SQL below are written once over
//! the small query layer in [`super::db`].
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
//! Concurrency: SQLite lets one writer in at a time. On PostgreSQL several office processes
//! may share a database, so every transaction that hands out numbers first locks its
//! (queue, day) row (`lock_day`), and every transaction that raises the rev first locks the
//! rev row (`lock_rev`): numbers, blocks and revs are then computed from committed data
//! nobody else can change until the commit.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use blake2::{Blake2b512, Digest};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{Connection, TransactionBehavior};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::counters::{open_counters, queue_service};
use super::db::{sql_params, Conn, DbTarget, Param, PgConn, Row, Tx};
use crate::domain::dossier::DossierStatus;
use crate::domain::dossier_code::parse_code;
use crate::dossier_import::ImportCounts;
use crate::dossier_import::{write_json, DossierRecord};
use crate::protocol::EVENT_TICKET_ISSUED;
use crate::protocol::{Changes, QueueStatus, Settings, MAX_CHANGES};

/// Marks the file as an office database ("MOTO"); on PostgreSQL, the lock that keeps two
/// offices starting at once from both creating the tables.
const APPLICATION_ID: i64 = 0x4D4F_544F;
/// Schema version this build writes.
const SCHEMA_VERSION: i64 = 3;

/// The first number of the offline region: online numbers start at 1, offline blocks here.
pub const BLOCK_BASE: u32 = 501;

/// Migration `i` brings a file from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[V1, V2, V3];

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

/// Version 3: the counters. Tickets learn where they wait (`serve_queue`, `for_counter`:
/// a transfer changes these, never the number or the issue time), who called them and when;
/// clerks, their sessions, each counter's state, the log of calls the board announces, the
/// ratings, and the office's own settings (the queues clerks pick from, the calling policy).
const V3: &str = "
ALTER TABLE ticket ADD COLUMN serve_queue TEXT NOT NULL DEFAULT '';
UPDATE ticket SET serve_queue = queue;
ALTER TABLE ticket ADD COLUMN for_counter INTEGER;
ALTER TABLE ticket ADD COLUMN counter INTEGER;
ALTER TABLE ticket ADD COLUMN clerk_id TEXT;
ALTER TABLE ticket ADD COLUMN first_called_at TEXT;
ALTER TABLE ticket ADD COLUMN called_at TEXT;
ALTER TABLE ticket ADD COLUMN calls INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket ADD COLUMN started_at TEXT;
ALTER TABLE ticket ADD COLUMN finished_at TEXT;
ALTER TABLE ticket ADD COLUMN no_show_at TEXT;
CREATE INDEX ticket_by_state ON ticket (business_date, state);
CREATE INDEX ticket_by_counter ON ticket (counter, state);
CREATE TABLE clerk (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,             -- argon2id PHC string
    lead          INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    disabled_at   TEXT
);
CREATE TABLE clerk_session (
    token_hash TEXT PRIMARY KEY,
    clerk_id   TEXT NOT NULL REFERENCES clerk(id),
    counter    INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_seen  TEXT NOT NULL
);
CREATE TABLE counter_state (
    counter    INTEGER PRIMARY KEY,
    clerk_id   TEXT,
    queues     TEXT NOT NULL DEFAULT '',     -- served queue prefixes, comma-separated
    open       INTEGER NOT NULL DEFAULT 0,
    paused     INTEGER NOT NULL DEFAULT 0,
    streak     INTEGER NOT NULL DEFAULT 0,   -- priority calls in a row (domain::calling)
    current    TEXT,                         -- the ticket called or served here
    updated_at TEXT NOT NULL
);
CREATE TABLE call_log (
    id            INTEGER PRIMARY KEY,
    ticket_id     TEXT NOT NULL,
    label         TEXT NOT NULL,
    counter       INTEGER NOT NULL,
    clerk_id      TEXT,
    action        TEXT NOT NULL,
    at            TEXT NOT NULL,
    business_date TEXT NOT NULL
);
CREATE INDEX call_log_by_day ON call_log (business_date, id);
CREATE TABLE rating (
    ticket_id TEXT PRIMARY KEY,
    counter   INTEGER NOT NULL,
    clerk_id  TEXT,
    score     TEXT NOT NULL,
    reasons   TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE TABLE office_config (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
";

/// The tables of a PostgreSQL database at version 2 (new ones then take [`POSTGRES_V3`] in
/// the same transaction): the SQLite schema after its migrations, with 64-bit integers (what the shared SQL binds) and text
/// where SQLite has text, so the same statements read and write both. `motcua_meta` says
/// whose tables these are and at which version, as SQLite's `application_id` and
/// `user_version` do for a file.
const POSTGRES_SCHEMA: &str = "
CREATE TABLE motcua_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE device (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT,
    role        TEXT NOT NULL DEFAULT 'kiosk'
);
CREATE TABLE event (
    id          TEXT PRIMARY KEY,
    device_id   TEXT NOT NULL REFERENCES device(id),
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE TABLE queue_day (
    queue         TEXT NOT NULL,
    business_date TEXT NOT NULL,
    last_number   BIGINT NOT NULL,
    next_block    BIGINT,
    PRIMARY KEY (queue, business_date)
);
CREATE TABLE number_grant (
    ticket_id     TEXT PRIMARY KEY,
    queue         TEXT NOT NULL,
    business_date TEXT NOT NULL,
    number        BIGINT NOT NULL,
    UNIQUE (queue, business_date, number)
);
CREATE TABLE number_block (
    device_id     TEXT NOT NULL REFERENCES device(id),
    queue         TEXT NOT NULL,
    business_date TEXT NOT NULL,
    seq           BIGINT NOT NULL,
    first_number  BIGINT NOT NULL,
    last_number   BIGINT NOT NULL,
    PRIMARY KEY (device_id, queue, business_date, seq)
);
CREATE INDEX number_block_by_day ON number_block (queue, business_date, first_number);
CREATE TABLE ticket (
    id            TEXT PRIMARY KEY,
    device_id     TEXT NOT NULL REFERENCES device(id),
    queue         TEXT NOT NULL,
    business_date TEXT NOT NULL,
    number        BIGINT NOT NULL,
    issued_at     TEXT NOT NULL,
    field         TEXT NOT NULL,
    priority      TEXT NOT NULL,
    state         TEXT NOT NULL,
    conflict      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX ticket_by_number ON ticket (business_date, queue, number);
CREATE TABLE dossier (
    code           TEXT PRIMARY KEY,
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
    rev            BIGINT NOT NULL
);
CREATE INDEX dossier_by_rev ON dossier (rev);
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('rev', 0), ('queues_rev', 0);
CREATE TABLE settings (
    id        BIGINT PRIMARY KEY CHECK (id = 1),
    notice_vi TEXT NOT NULL,
    notice_en TEXT NOT NULL,
    rev       BIGINT NOT NULL
);
CREATE TABLE catalogue (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    body TEXT NOT NULL,
    rev  BIGINT NOT NULL
);
";

/// PostgreSQL's step from version 2 to 3 ([`V3`] in its types); new databases run it too.
const POSTGRES_V3: &str = "
ALTER TABLE ticket ADD COLUMN serve_queue TEXT NOT NULL DEFAULT '';
UPDATE ticket SET serve_queue = queue;
ALTER TABLE ticket ADD COLUMN for_counter BIGINT;
ALTER TABLE ticket ADD COLUMN counter BIGINT;
ALTER TABLE ticket ADD COLUMN clerk_id TEXT;
ALTER TABLE ticket ADD COLUMN first_called_at TEXT;
ALTER TABLE ticket ADD COLUMN called_at TEXT;
ALTER TABLE ticket ADD COLUMN calls BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ticket ADD COLUMN started_at TEXT;
ALTER TABLE ticket ADD COLUMN finished_at TEXT;
ALTER TABLE ticket ADD COLUMN no_show_at TEXT;
CREATE INDEX ticket_by_state ON ticket (business_date, state);
CREATE INDEX ticket_by_counter ON ticket (counter, state);
CREATE TABLE clerk (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    lead          BIGINT NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    disabled_at   TEXT
);
CREATE TABLE clerk_session (
    token_hash TEXT PRIMARY KEY,
    clerk_id   TEXT NOT NULL REFERENCES clerk(id),
    counter    BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_seen  TEXT NOT NULL
);
CREATE TABLE counter_state (
    counter    BIGINT PRIMARY KEY,
    clerk_id   TEXT,
    queues     TEXT NOT NULL DEFAULT '',
    open       BIGINT NOT NULL DEFAULT 0,
    paused     BIGINT NOT NULL DEFAULT 0,
    streak     BIGINT NOT NULL DEFAULT 0,
    current    TEXT,
    updated_at TEXT NOT NULL
);
CREATE TABLE call_log (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id     TEXT NOT NULL,
    label         TEXT NOT NULL,
    counter       BIGINT NOT NULL,
    clerk_id      TEXT,
    action        TEXT NOT NULL,
    at            TEXT NOT NULL,
    business_date TEXT NOT NULL
);
CREATE INDEX call_log_by_day ON call_log (business_date, id);
CREATE TABLE rating (
    ticket_id TEXT PRIMARY KEY,
    counter   BIGINT NOT NULL,
    clerk_id  TEXT,
    score     TEXT NOT NULL,
    reasons   TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE TABLE office_config (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
";

/// The tables an office database has: on PostgreSQL a database that holds one of these but
/// no `motcua_meta` belongs to something else, and is left alone.
const TABLES: &[&str] = &[
    "device",
    "event",
    "queue_day",
    "number_grant",
    "number_block",
    "ticket",
    "dossier",
    "meta",
    "settings",
    "catalogue",
    "clerk",
    "clerk_session",
    "counter_state",
    "call_log",
    "rating",
    "office_config",
];

/// `motcua_meta.application` of an office database.
const POSTGRES_APPLICATION: &str = "motcua-office";

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
    /// A RefCell because PostgreSQL's client needs `&mut` even to read, while the store's
    /// readers take `&self`; the store is used from one thread at a time (the API holds it
    /// behind a Mutex).
    conn: RefCell<Conn>,
}

pub(super) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

pub(super) fn parse_ts(s: &str) -> Result<DateTime<Utc>> {
    Ok(DateTime::parse_from_rfc3339(s)
        .with_context(|| format!("bad timestamp {s:?} in the office database"))?
        .with_timezone(&Utc))
}

pub(super) fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A fresh token: 256 random bits in hex.
pub(super) fn new_token() -> String {
    uuid::Uuid::new_v4()
        .as_bytes()
        .iter()
        .chain(uuid::Uuid::new_v4().as_bytes())
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Tokens are 256 random bits, so a fast hash is enough: nothing to brute-force.
pub(super) fn token_hash(token: &str) -> String {
    let digest = Blake2b512::digest(token.as_bytes());
    digest[..32].iter().map(|b| format!("{b:02x}")).collect()
}

pub(super) fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Opens (creating or upgrading) an office database file.
fn open_sqlite(path: &Path) -> Result<Connection> {
    let mut conn = Connection::open(path)
        .with_context(|| format!("cannot open the office database {}", path.display()))?;
    conn.busy_timeout(Duration::from_secs(5))?;
    // Bulk reads and writes use a few statements per chunk size (`chunk_len`).
    conn.set_prepared_statement_cache_capacity(64);
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
    Ok(conn)
}

/// Checks (creating on first use) the tables of a PostgreSQL office database, all in one
/// transaction under an advisory lock, so two offices starting at once create them once.
fn prepare_postgres(conn: &mut Conn, label: &str) -> Result<()> {
    conn.write(|tx| {
        tx.execute("SELECT pg_advisory_xact_lock(?1)", sql_params![APPLICATION_ID])?;
        let list = TABLES
            .iter()
            .chain(&["motcua_meta"])
            .map(|t| format!("'{t}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let present: Vec<String> = tx
            .query(
                &format!(
                    "SELECT c.relname::text FROM pg_catalog.pg_class c
                     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = current_schema() AND c.relname::text IN ({list})"
                ),
                &[],
            )?
            .iter()
            .map(|r| r.text(0))
            .collect::<Result<_>>()?;
        if !present.iter().any(|t| t == "motcua_meta") {
            if let Some(other) = present.first() {
                bail!(
                    "{label} already has a table named {other:?} that is not motcua's; give the office a database of its own"
                );
            }
            tx.batch(POSTGRES_SCHEMA)
                .and_then(|()| tx.batch(POSTGRES_V3))
                .with_context(|| format!("cannot create the office tables in {label}"))?;
            tx.execute(
                "INSERT INTO motcua_meta (key, value) VALUES ('application', ?1), ('schema_version', ?2)",
                sql_params![POSTGRES_APPLICATION, SCHEMA_VERSION.to_string().as_str()],
            )?;
            log::info!("created the office tables in {label} (schema {SCHEMA_VERSION})");
            return Ok(());
        }
        let meta = |tx: &mut Tx, key: &str| -> Result<Option<String>> {
            tx.query_opt("SELECT value FROM motcua_meta WHERE key = ?1", sql_params![key])?
                .map(|r| r.text(0))
                .transpose()
        };
        let app = meta(tx, "application")?;
        if app.as_deref() != Some(POSTGRES_APPLICATION) {
            bail!(
                "{label} is not an office database (motcua_meta says application {app:?})"
            );
        }
        let version: i64 = meta(tx, "schema_version")?
            .and_then(|v| v.parse().ok())
            .with_context(|| format!("{label} has no readable schema_version in motcua_meta"))?;
        if version > SCHEMA_VERSION {
            bail!(
                "{label} was written by a newer motcua (schema {version}); refusing to touch it"
            );
        }
        if version != 2 && version < SCHEMA_VERSION {
            // PostgreSQL databases start at version 2.
            bail!("{label} has the unknown office schema {version}");
        }
        if version == 2 {
            tx.batch(POSTGRES_V3)
                .with_context(|| format!("cannot upgrade the office tables in {label} to schema 3"))?;
            tx.execute(
                "UPDATE motcua_meta SET value = ?1 WHERE key = 'schema_version'",
                sql_params![SCHEMA_VERSION.to_string().as_str()],
            )?;
            log::info!("upgraded the office tables in {label} from schema 2 to {SCHEMA_VERSION}");
        }
        Ok(())
    })
}

impl OfficeStore {
    /// Opens (creating or upgrading if needed) the office database: a `postgres://` or
    /// `postgresql://` URL is PostgreSQL, anything else a SQLite file.
    pub fn open(target: impl AsRef<OsStr>) -> Result<OfficeStore> {
        let target = DbTarget::parse(target);
        let conn = match &target {
            DbTarget::Sqlite(path) => Conn::Sqlite(open_sqlite(path)?),
            DbTarget::Postgres(url) => {
                let mut conn = Conn::Postgres(Box::new(PgConn::connect(url)?));
                prepare_postgres(&mut conn, &target.to_string())?;
                conn
            }
        };
        Ok(OfficeStore {
            conn: RefCell::new(conn),
        })
    }

    pub(super) fn write<T>(&self, f: impl FnMut(&mut Tx) -> Result<T>) -> Result<T> {
        self.conn.borrow_mut().write(f)
    }

    pub(super) fn read<T>(&self, f: impl FnOnce(&mut Tx) -> Result<T>) -> Result<T> {
        self.conn.borrow_mut().read(f)
    }

    /// One number from a one-row query.
    fn read_count(&self, sql: &str) -> Result<u64> {
        self.read(|tx| Ok(count(tx.query_one(sql, &[])?.int(0)?)))
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
        let token = new_token();
        let (hash, created) = (token_hash(&token), ts(now));
        self.write(|tx| {
            tx.execute(
                "INSERT INTO device (id, name, token_hash, created_at, role) VALUES (?1, ?2, ?3, ?4, ?5)",
                sql_params![&id, &name, &hash, &created, role.code()],
            )
        })?;
        Ok((Device { id, name, role }, token))
    }

    /// Revokes every device with this name or id; returns how many.
    pub fn revoke_device(&mut self, name_or_id: &str, now: DateTime<Utc>) -> Result<usize> {
        let now = ts(now);
        let n = self.write(|tx| {
            tx.execute(
                "UPDATE device SET revoked_at = ?2
                 WHERE (id = ?1 OR name = ?1) AND revoked_at IS NULL",
                sql_params![name_or_id.trim(), &now],
            )
        })?;
        Ok(n as usize)
    }

    /// The device a token belongs to, unless revoked.
    pub fn device_for_token(&self, token: &str) -> Result<Option<Device>> {
        let hash = token_hash(token);
        let row = self.read(|tx| {
            tx.query_opt(
                "SELECT id, name, role FROM device WHERE token_hash = ?1 AND revoked_at IS NULL",
                sql_params![&hash],
            )
        })?;
        let Some(row) = row else {
            return Ok(None);
        };
        let (id, name, role) = (row.text(0)?, row.text(1)?, row.text(2)?);
        Ok(match Role::from_code(&role) {
            Some(role) => Some(Device { id, name, role }),
            None => {
                // Written by a newer office: grant nothing rather than guess.
                log::warn!("device {name:?} has the unknown role {role:?}; its token is refused");
                None
            }
        })
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
        let now = ts(now);
        self.write(|tx| {
            // Pushes take turns from the start: a reported ticket is checked against every
            // ticket committed before it, and two offices inserting the same event ids in
            // different orders cannot deadlock.
            lock_rev(tx)?;
            let mut out = Vec::with_capacity(events.len());
            for (event_id, kind, payload) in events {
                let inserted = tx.execute(
                    "INSERT INTO event (id, device_id, kind, payload, received_at)
                     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO NOTHING",
                    sql_params![*event_id, &device.id, *kind, *payload, &now],
                )?;
                if inserted == 1 && *kind == EVENT_TICKET_ISSUED {
                    record_ticket(tx, device, event_id, payload)?;
                }
                out.push(if inserted == 1 {
                    Applied::New
                } else {
                    Applied::Replay
                });
            }
            Ok(out)
        })
    }

    /// How many events were applied (replays excluded).
    pub fn event_count(&self) -> Result<u64> {
        self.read_count("SELECT COUNT(*) FROM event")
    }

    /// How many reported tickets (all days) arrived with a number another ticket already held.
    pub fn conflicts(&self) -> Result<u64> {
        self.read_count("SELECT COUNT(*) FROM ticket WHERE conflict <> 0")
    }

    /// How many tickets kiosks have reported (all days).
    pub fn ticket_count(&self) -> Result<u64> {
        self.read_count("SELECT COUNT(*) FROM ticket")
    }

    /// The next online number for a queue and day, jumping over offline blocks; the same
    /// ticket id always gets the same number, so a retried request does not burn one.
    pub fn next_number(&mut self, ticket_id: &str, queue: &str, date: NaiveDate) -> Result<u32> {
        let date = day(date);
        let number = self.write(|tx| {
            // The day's row first: another office's grant for this ticket, if any, is
            // committed and visible once the lock is ours.
            let (last, _) = lock_day(tx, queue, &date)?;
            if let Some(row) = tx.query_opt(
                "SELECT number FROM number_grant WHERE ticket_id = ?1",
                sql_params![ticket_id],
            )? {
                return row.int(0);
            }
            let n = next_online(tx, queue, &date, last)?;
            tx.execute(
                "INSERT INTO number_grant (ticket_id, queue, business_date, number)
                 VALUES (?1, ?2, ?3, ?4)",
                sql_params![ticket_id, queue, &date, n],
            )?;
            Ok(n)
        })?;
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
        let date = day(date);
        let (first, last) = self.write(|tx| {
            let (last_online, next_block) = lock_day(tx, queue, &date)?;
            if let Some(row) = tx.query_opt(
                "SELECT first_number, last_number FROM number_block
                 WHERE device_id = ?1 AND queue = ?2 AND business_date = ?3 AND seq = ?4",
                sql_params![&device.id, queue, &date, seq],
            )? {
                return Ok((row.int(0)?, row.int(1)?));
            }
            // Past every block and every online number given so far: online numbers jump
            // over the block from now on.
            let first = next_block
                .unwrap_or(i64::from(BLOCK_BASE))
                .max(last_online + 1);
            let last = first + i64::from(size) - 1;
            tx.execute(
                "UPDATE queue_day SET next_block = ?3 WHERE queue = ?1 AND business_date = ?2",
                sql_params![queue, &date, last + 1],
            )?;
            tx.execute(
                "INSERT INTO number_block (device_id, queue, business_date, seq, first_number, last_number)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                sql_params![&device.id, queue, &date, seq, first, last],
            )?;
            Ok((first, last))
        })?;
        Ok(NumberBlock {
            first: u32::try_from(first).context("block out of range")?,
            last: u32::try_from(last).context("block out of range")?,
        })
    }

    /// Stores dossiers in one transaction: new ones inserted, changed ones updated, identical
    /// ones left alone (no new rev, so kiosks are not sent them again); idempotent. Rows are
    /// read and written many per statement: on PostgreSQL each statement is a round trip.
    pub fn upsert_dossiers(
        &mut self,
        records: &[DossierRecord],
        now: DateTime<Utc>,
    ) -> Result<ImportCounts> {
        let now = ts(now);
        self.write(|tx| {
            let start = lock_rev(tx)?;
            let mut codes: Vec<&str> = records.iter().map(|r| r.code.as_str()).collect();
            codes.sort_unstable();
            codes.dedup();
            let mut stored: HashMap<String, DossierRecord> = HashMap::with_capacity(codes.len());
            let mut rest = &codes[..];
            while !rest.is_empty() {
                let (chunk, after) = rest.split_at(chunk_len(rest.len()));
                rest = after;
                let sql = format!(
                    "SELECT {DOSSIER_COLUMNS} FROM dossier WHERE code IN ({})",
                    placeholders(1, chunk.len())
                );
                let params: Vec<Param> = chunk.iter().map(|c| Param::from(*c)).collect();
                for row in tx.query(&sql, &params)? {
                    let r = dossier_from_row(&row)?;
                    stored.insert(r.code.as_str().to_string(), r);
                }
            }
            // In the given order, each record against what the ones before it left, as if
            // written one by one; only each code's last change is written.
            let mut rev = start;
            let mut counts = ImportCounts::default();
            let mut writes: Vec<(&DossierRecord, i64)> = Vec::new();
            let mut position: HashMap<&str, usize> = HashMap::new();
            for r in records {
                let code = r.code.as_str();
                match stored.get(code) {
                    Some(old) if old == r => {
                        counts.unchanged += 1;
                        continue;
                    }
                    Some(_) => counts.updated += 1,
                    None => counts.inserted += 1,
                }
                // One rev per change, so a page of changes can end between any two.
                rev += 1;
                stored.insert(code.to_string(), r.clone());
                match position.get(code) {
                    Some(&i) => writes[i] = (r, rev),
                    None => {
                        position.insert(code, writes.len());
                        writes.push((r, rev));
                    }
                }
            }
            let mut rest = &writes[..];
            while !rest.is_empty() {
                let (chunk, after) = rest.split_at(chunk_len(rest.len()));
                rest = after;
                write_dossiers(tx, chunk, &now)?;
            }
            if rev != start {
                write_meta(tx, "rev", rev)?;
            }
            Ok(counts)
        })
    }

    /// The dossier with this canonical code.
    pub fn dossier(&self, code: &str) -> Result<Option<DossierRecord>> {
        self.read(|tx| {
            tx.query_opt(
                &format!("SELECT {DOSSIER_COLUMNS} FROM dossier WHERE code = ?1"),
                sql_params![code],
            )?
            .map(|row| dossier_from_row(&row))
            .transpose()
        })
    }

    /// How many dossiers the office holds.
    pub fn dossier_count(&self) -> Result<u64> {
        self.read_count("SELECT COUNT(*) FROM dossier")
    }

    /// The change counter: what a kiosk that is up to date holds as its cursor.
    pub fn rev(&self) -> Result<u64> {
        self.read(|tx| Ok(count(read_meta(tx, "rev")?)))
    }

    /// Replaces the settings pushed to kiosks (notices NFC-normalised and trimmed); returns
    /// whether anything changed.
    pub fn set_settings(&mut self, settings: &Settings) -> Result<bool> {
        let clean = Settings {
            notice_vi: crate::domain::text::nfc(settings.notice_vi.trim()),
            notice_en: crate::domain::text::nfc(settings.notice_en.trim()),
        };
        self.write(|tx| {
            lock_rev(tx)?;
            let old = settings_row(tx)?.map(|(s, _)| s);
            if old.as_ref() == Some(&clean) {
                return Ok(false);
            }
            let rev = bump_rev(tx)?;
            tx.execute(
                "INSERT INTO settings (id, notice_vi, notice_en, rev) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET notice_vi = excluded.notice_vi,
                    notice_en = excluded.notice_en, rev = excluded.rev",
                sql_params![&clean.notice_vi, &clean.notice_en, rev],
            )?;
            Ok(true)
        })
    }

    /// The settings pushed to kiosks (empty notices until set).
    pub fn settings(&self) -> Result<Settings> {
        Ok(self.read(settings_row)?.map(|(s, _)| s).unwrap_or_default())
    }

    /// Replaces the catalogue sent to kiosks after checking it as a kiosk will
    /// (`Catalogue::from_json`); returns whether it changed. Keys this build does not know
    /// are kept, for kiosks newer than the office.
    pub fn set_catalogue(&mut self, json: &str) -> Result<bool> {
        crate::catalogue::Catalogue::from_json(json)?;
        let value: serde_json::Value = serde_json::from_str(json)?;
        let body = value.to_string();
        self.write(|tx| {
            lock_rev(tx)?;
            let old = tx
                .query_opt("SELECT body FROM catalogue WHERE id = 1", &[])?
                .map(|r| r.text(0))
                .transpose()?;
            if old.as_deref() == Some(body.as_str()) {
                return Ok(false);
            }
            let rev = bump_rev(tx)?;
            tx.execute(
                "INSERT INTO catalogue (id, body, rev) VALUES (1, ?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, rev = excluded.rev",
                sql_params![&body, rev],
            )?;
            Ok(true)
        })
    }

    /// The catalogue sent to kiosks (compact JSON), if one was set.
    pub fn catalogue(&self) -> Result<Option<String>> {
        self.read(|tx| {
            tx.query_opt("SELECT body FROM catalogue WHERE id = 1", &[])?
                .map(|r| r.text(0))
                .transpose()
        })
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
        // One snapshot: a dossier committed meanwhile (by the import command, say) is either
        // below the cursor and here, or above it.
        self.read(|tx| {
            let current = count(read_meta(tx, "rev")?);
            let since = if since > current {
                // The kiosk's cursor comes from another database (this one was replaced):
                // send everything again rather than nothing until the counter catches up.
                log::warn!(
                    "a kiosk's cursor {since} is past this office's {current}: resending all"
                );
                0
            } else {
                since
            };
            let limit = limit.unwrap_or(MAX_CHANGES).clamp(1, MAX_CHANGES);
            let rows = tx.query(
                &format!(
                    "SELECT {DOSSIER_COLUMNS}, rev FROM dossier WHERE rev > ?1 ORDER BY rev LIMIT ?2"
                ),
                sql_params![i64::try_from(since)?, i64::from(limit) + 1],
            )?;
            let more = rows.len() > limit as usize;
            let mut records = Vec::with_capacity(rows.len().min(limit as usize));
            let mut last_rev = 0u64;
            for row in rows.iter().take(limit as usize) {
                records.push(dossier_from_row(row)?);
                last_rev = count(row.int(11)?);
            }
            let cursor = if more { last_rev } else { current };
            let fresh = |rev: i64| since < count(rev) && count(rev) <= cursor;
            let dossiers = if records.is_empty() {
                None
            } else {
                Some(RawValue::from_string(write_json(&records))?)
            };
            let catalogue = match tx.query_opt("SELECT body, rev FROM catalogue WHERE id = 1", &[])?
            {
                Some(row) if fresh(row.int(1)?) => Some(RawValue::from_string(row.text(0)?)?),
                _ => None,
            };
            let settings = match settings_row(tx)? {
                Some((s, rev)) if fresh(rev) => Some(s),
                _ => None,
            };
            let queues = if fresh(read_meta(tx, "queues_rev")?) {
                queue_status(tx, today, now)?
            } else {
                Vec::new()
            };
            Ok(Changes {
                time: now.to_rfc3339(),
                cursor,
                more,
                dossiers,
                catalogue,
                settings,
                queues,
            })
        })
    }
}

/// Rows per statement when many are read or written: a few fixed sizes, so each has one
/// prepared statement, and 256 × 13 parameters stay within both databases' limits.
fn chunk_len(remaining: usize) -> usize {
    [256, 64, 8, 1]
        .into_iter()
        .find(|&n| n <= remaining)
        .unwrap_or(1)
}

/// `?from, ?from+1, …`, `n` of them.
fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Inserts or replaces dossiers (distinct codes) with their revs in one statement.
fn write_dossiers(tx: &mut Tx, rows: &[(&DossierRecord, i64)], now: &str) -> Result<()> {
    const COLUMNS: usize = 13;
    let times: Vec<(String, Option<String>, Option<String>)> = rows
        .iter()
        .map(|(r, _)| (ts(r.received_at), r.due_at.map(ts), r.finished_at.map(ts)))
        .collect();
    let mut params: Vec<Param> = Vec::with_capacity(rows.len() * COLUMNS);
    for ((r, rev), (received, due, finished)) in rows.iter().zip(&times) {
        params.extend_from_slice(sql_params![
            r.code.as_str(),
            r.status.code(),
            &r.procedure_code,
            &r.applicant_name,
            received,
            due.as_deref(),
            finished.as_deref(),
            &r.note,
            &r.pickup_place,
            &r.secret,
            &r.phone_last4,
            now,
            *rev,
        ]);
    }
    let values = (0..rows.len())
        .map(|i| format!("({})", placeholders(i * COLUMNS + 1, COLUMNS)))
        .collect::<Vec<_>>()
        .join(", ");
    tx.execute(
        &format!(
            "INSERT INTO dossier ({DOSSIER_COLUMNS}, updated_at, rev) VALUES {values}
             ON CONFLICT (code) DO UPDATE SET
                status = excluded.status, procedure_code = excluded.procedure_code,
                applicant_name = excluded.applicant_name, received_at = excluded.received_at,
                due_at = excluded.due_at, finished_at = excluded.finished_at,
                note = excluded.note, pickup_place = excluded.pickup_place,
                secret = excluded.secret, phone_last4 = excluded.phone_last4,
                updated_at = excluded.updated_at, rev = excluded.rev"
        ),
        &params,
    )?;
    Ok(())
}

/// Stores a reported ticket. A payload that cannot be read, or a number another ticket
/// already holds, is logged and never fails the push: the event is kept either way.
fn record_ticket(tx: &mut Tx, device: &Device, event_id: &str, payload: &str) -> Result<()> {
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
    let texts = [&t.id, &t.queue, &t.field, &t.priority, &t.state];
    if texts.iter().any(|s| s.contains('\0')) {
        log::warn!(
            "event {event_id} from {:?}: ticket.issued with a NUL character; event kept, ticket not counted",
            device.name
        );
        return Ok(());
    }
    let date = day(t.business_date);
    let holder = tx
        .query_opt(
            "SELECT id FROM ticket WHERE business_date = ?1 AND queue = ?2 AND number = ?3 AND id <> ?4",
            sql_params![&date, &t.queue, t.number, &t.id],
        )?
        .map(|r| r.text(0))
        .transpose()?;
    let issued_at = ts(t.issued_at);
    let inserted = tx.execute(
        "INSERT INTO ticket (id, device_id, queue, business_date, number, issued_at, field, priority, state, conflict, serve_queue)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?3) ON CONFLICT (id) DO NOTHING",
        sql_params![
            &t.id,
            &device.id,
            &t.queue,
            &date,
            t.number,
            &issued_at,
            &t.field,
            &t.priority,
            &t.state,
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

/// Locks the (queue, day) row, creating it if needed, and returns its last online number and
/// where the next block starts: on PostgreSQL the insert-or-update holds the row until the
/// commit, so two offices hand out numbers of one day in turn.
fn lock_day(tx: &mut Tx, queue: &str, date: &str) -> Result<(i64, Option<i64>)> {
    let row = tx.query_one(
        "INSERT INTO queue_day (queue, business_date, last_number) VALUES (?1, ?2, 0)
         ON CONFLICT (queue, business_date) DO UPDATE SET last_number = queue_day.last_number
         RETURNING last_number, next_block",
        sql_params![queue, date],
    )?;
    Ok((row.int(0)?, row.opt_int(1)?))
}

/// The next online number after `last`, jumping over every offline block in the way; the
/// day's row must be locked ([`lock_day`]).
fn next_online(tx: &mut Tx, queue: &str, date: &str, last: i64) -> Result<i64> {
    let mut n = last + 1;
    // Blocks may touch each other, so jump until n lies in none.
    while let Some(end) = tx
        .query_one(
            "SELECT MAX(last_number) FROM number_block
             WHERE queue = ?1 AND business_date = ?2 AND first_number <= ?3 AND last_number >= ?3",
            sql_params![queue, date, n],
        )?
        .opt_int(0)?
    {
        n = end + 1;
    }
    tx.execute(
        "UPDATE queue_day SET last_number = ?3 WHERE queue = ?1 AND business_date = ?2",
        sql_params![queue, date, n],
    )?;
    Ok(n)
}

pub(super) fn read_meta(tx: &mut Tx, key: &str) -> Result<i64> {
    tx.query_one("SELECT value FROM meta WHERE key = ?1", sql_params![key])?
        .int(0)
}

pub(super) fn write_meta(tx: &mut Tx, key: &str, value: i64) -> Result<()> {
    tx.execute(
        "UPDATE meta SET value = ?2 WHERE key = ?1",
        sql_params![key, value],
    )?;
    Ok(())
}

/// Locks the change counter until the commit and returns it: whoever raises the rev holds
/// it, so revs are handed out in commit order and a kiosk's cursor never skips a change.
pub(super) fn lock_rev(tx: &mut Tx) -> Result<i64> {
    tx.query_one(
        "UPDATE meta SET value = value WHERE key = 'rev' RETURNING value",
        &[],
    )?
    .int(0)
}

/// Raises the change counter by one and returns the new rev.
pub(super) fn bump_rev(tx: &mut Tx) -> Result<i64> {
    tx.query_one(
        "UPDATE meta SET value = value + 1 WHERE key = 'rev' RETURNING value",
        &[],
    )?
    .int(0)
}

fn settings_row(tx: &mut Tx) -> Result<Option<(Settings, i64)>> {
    tx.query_opt(
        "SELECT notice_vi, notice_en, rev FROM settings WHERE id = 1",
        &[],
    )?
    .map(|r| {
        Ok((
            Settings {
                notice_vi: r.text(0)?,
                notice_en: r.text(1)?,
            },
            r.int(2)?,
        ))
    })
    .transpose()
}

/// Each queue's tickets on `date`, over all kiosks, by queue prefix (sorted here, since
/// PostgreSQL's collation may not order text as SQLite does).
fn queue_status(tx: &mut Tx, date: NaiveDate, now: DateTime<Utc>) -> Result<Vec<QueueStatus>> {
    let mut out = tx
        .query(
            // Waiting where they wait now: a ticket transferred from A to B waits in B.
            "SELECT q, SUM(issued), SUM(waiting) FROM (
                 SELECT queue AS q, 1 AS issued, 0 AS waiting FROM ticket WHERE business_date = ?1
                 UNION ALL
                 SELECT serve_queue AS q, 0 AS issued, 1 AS waiting FROM ticket
                 WHERE business_date = ?1 AND state = 'waiting'
             ) AS t GROUP BY q",
            sql_params![&day(date)],
        )?
        .iter()
        .map(|r| {
            Ok(QueueStatus {
                queue: r.text(0)?,
                business_date: date,
                issued: u32::try_from(r.int(1)?)?,
                waiting: u32::try_from(r.int(2)?)?,
                serving: None,
                service_seconds: None,
                counters_open: None,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let open = open_counters(tx, now)?;
    for q in &mut out {
        let (serving, service, open) = queue_service(tx, &q.queue, date, &open)?;
        q.serving = serving;
        q.service_seconds = service;
        q.counters_open = Some(open);
    }
    out.sort_by(|a, b| a.queue.cmp(&b.queue));
    Ok(out)
}

fn dossier_from_row(row: &Row) -> Result<DossierRecord> {
    let code = row.text(0)?;
    let status = row.text(1)?;
    Ok(DossierRecord {
        code: parse_code(&code)
            .with_context(|| format!("bad dossier code {code:?} in the office database"))?,
        status: DossierStatus::from_code(&status)
            .with_context(|| format!("unknown dossier status {status:?} in the office database"))?,
        procedure_code: row.text(2)?,
        applicant_name: row.text(3)?,
        received_at: parse_ts(&row.text(4)?)?,
        due_at: row.opt_text(5)?.as_deref().map(parse_ts).transpose()?,
        finished_at: row.opt_text(6)?.as_deref().map(parse_ts).transpose()?,
        note: row.text(7)?,
        pickup_place: row.text(8)?,
        secret: row.text(9)?,
        phone_last4: row.text(10)?,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::office::test_db::{both_backends, Backend, TestDb};

    both_backends! {
        tokens_identify_devices_with_their_role_until_revoked_and_survive_a_reopen,
        an_event_is_applied_once,
        online_numbers_count_from_one_and_blocks_from_the_offline_region,
        online_numbers_jump_over_blocks_after_500_and_blocks_start_past_them,
        no_number_is_given_twice_whatever_the_interleaving,
        reported_tickets_are_counted_once_and_clashing_numbers_kept_and_counted,
        dossier_upserts_are_idempotent_and_only_changes_raise_the_rev,
        changes_page_by_rev_and_send_settings_and_catalogue_once,
        two_offices_on_one_database_never_give_a_number_or_a_rev_twice,
    }

    fn d() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn open(b: Backend) -> (TestDb, OfficeStore) {
        let db = TestDb::new(b);
        let s = OfficeStore::open(db.target()).unwrap();
        (db, s)
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

    fn tokens_identify_devices_with_their_role_until_revoked_and_survive_a_reopen(b: Backend) {
        let db = TestDb::new(b);
        let path = db.target();
        let (token, bridge) = {
            let mut s = OfficeStore::open(path).unwrap();
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
        let mut s = OfficeStore::open(path).unwrap();
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

    fn an_event_is_applied_once(b: Backend) {
        let (_db, mut s) = open(b);
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

    fn online_numbers_count_from_one_and_blocks_from_the_offline_region(b: Backend) {
        let (_db, mut s) = open(b);
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

    fn online_numbers_jump_over_blocks_after_500_and_blocks_start_past_them(b: Backend) {
        let (_db, mut s) = open(b);
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

    fn no_number_is_given_twice_whatever_the_interleaving(b: Backend) {
        for seed in [1u64, 7, 0x9E37_79B9_7F4A_7C15] {
            let (_db, mut s) = open(b);
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

    fn reported_tickets_are_counted_once_and_clashing_numbers_kept_and_counted(b: Backend) {
        let (_db, mut s) = open(b);
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
                    serving: None,
                    service_seconds: None,
                    counters_open: Some(0),
                },
                QueueStatus {
                    queue: "B".into(),
                    business_date: d(),
                    issued: 1,
                    waiting: 1,
                    serving: None,
                    service_seconds: None,
                    counters_open: Some(0),
                },
            ]
        );
        assert!(s
            .changes(c.cursor, None, d(), now)
            .unwrap()
            .queues
            .is_empty());
    }

    fn dossier_upserts_are_idempotent_and_only_changes_raise_the_rev(b: Backend) {
        let (_db, mut s) = open(b);
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

        // The same dossier several times in one call counts as if written one by one.
        let mut ready = record(9, DossierStatus::Received);
        let received = ready.clone();
        ready.status = DossierStatus::Ready;
        let c = s
            .upsert_dossiers(&[received.clone(), ready.clone(), ready.clone()], now)
            .unwrap();
        assert_eq!((c.inserted, c.updated, c.unchanged), (1, 1, 1));
        assert_eq!(s.rev().unwrap(), 7);
        assert_eq!(s.dossier(ready.code.as_str()).unwrap().unwrap(), ready);
        let c = s.changes(5, None, d(), now).unwrap();
        assert_eq!(
            (codes(&c), c.cursor),
            (vec![ready.code.as_str().to_string()], 7)
        );
    }

    fn changes_page_by_rev_and_send_settings_and_catalogue_once(b: Backend) {
        let (_db, mut s) = open(b);
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

    /// Two offices on one database (two processes in production: here two connections on
    /// two threads) hand out numbers, blocks and revs at the same time.
    fn two_offices_on_one_database_never_give_a_number_or_a_rev_twice(b: Backend) {
        let db = TestDb::new(b);
        let mut first = OfficeStore::open(db.target()).unwrap();
        let devices = [kiosk(&mut first, "K1"), kiosk(&mut first, "K2")];
        drop(first);
        /// What one office handed out: (ticket, number) and blocks.
        type Handed = (Vec<(String, u32)>, Vec<NumberBlock>);
        let results: Vec<Handed> = std::thread::scope(|scope| {
            let workers: Vec<_> = devices
                .iter()
                .enumerate()
                .map(|(w, dev)| {
                    let target = db.target().to_string();
                    scope.spawn(move || {
                        let mut s = OfficeStore::open(&target).unwrap();
                        let mut numbers = Vec::new();
                        let mut blocks = Vec::new();
                        for i in 0..150u32 {
                            // Every third ticket id is shared: both offices are asked for
                            // it, as when a kiosk retries through another office.
                            let ticket = if i % 3 == 0 {
                                format!("shared-{i}")
                            } else {
                                format!("w{w}-{i}")
                            };
                            numbers
                                .push((ticket.clone(), s.next_number(&ticket, "A", d()).unwrap()));
                            if i % 10 == 0 {
                                blocks.push(s.reserve_block(dev, "A", d(), i / 10, 7).unwrap());
                            }
                            if i % 5 == 0 {
                                let mut r = record(1000 * w + i as usize, DossierStatus::Received);
                                r.note = format!("office {w}");
                                s.upsert_dossiers(&[r], Utc::now()).unwrap();
                                let payload =
                                    issued(&format!("w{w}-t{i}"), "B", 1 + i, d(), "waiting");
                                s.apply_event(
                                    dev,
                                    &format!("w{w}-e{i}"),
                                    "ticket.issued",
                                    &payload,
                                    Utc::now(),
                                )
                                .unwrap();
                            }
                        }
                        (numbers, blocks)
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        let mut by_ticket: std::collections::HashMap<String, u32> = Default::default();
        let mut taken = HashSet::new();
        for (numbers, _) in &results {
            for (ticket, n) in numbers {
                match by_ticket.get(ticket) {
                    Some(m) => assert_eq!(m, n, "ticket {ticket} got two numbers"),
                    None => {
                        by_ticket.insert(ticket.clone(), *n);
                        assert!(taken.insert(*n), "{n} given twice");
                    }
                }
            }
        }
        for (_, blocks) in &results {
            for block in blocks {
                for n in block.first..=block.last {
                    assert!(taken.insert(n), "{n} given twice (block {block:?})");
                }
            }
        }
        assert_eq!(by_ticket.len(), 250);
        // Every change got a rev of its own: paging from 0 sends each dossier once.
        let mut s = OfficeStore::open(db.target()).unwrap();
        assert_eq!(
            s.rev().unwrap(),
            60 + 60,
            "30 dossiers and 30 tickets per office"
        );
        assert_eq!(
            s.conflicts().unwrap(),
            30,
            "office 1's tickets clash with office 0's"
        );
        let mut since = 0;
        let mut seen = Vec::new();
        loop {
            let c = s.changes(since, Some(7), d(), Utc::now()).unwrap();
            seen.extend(codes(&c));
            since = c.cursor;
            if !c.more {
                break;
            }
        }
        let distinct: HashSet<&String> = seen.iter().collect();
        assert_eq!((seen.len(), distinct.len()), (60, 60));
    }

    mod postgres_only {
        use super::*;

        /// Connects to the test database directly, past the store.
        fn raw(db: &TestDb) -> ::postgres::Client {
            ::postgres::Client::connect(db.target(), ::postgres::NoTls).unwrap()
        }

        #[test]
        fn a_version_2_database_is_upgraded_to_the_counters() {
            let db = TestDb::new(Backend::Postgres);
            drop(OfficeStore::open(db.target()).unwrap());
            // Back to what version 2 wrote.
            raw(&db)
                .batch_execute(
                    "DROP TABLE clerk_session, counter_state, call_log, rating, office_config, clerk;
                     DROP INDEX ticket_by_state, ticket_by_counter;
                     ALTER TABLE ticket DROP COLUMN serve_queue, DROP COLUMN for_counter,
                         DROP COLUMN counter, DROP COLUMN clerk_id, DROP COLUMN first_called_at,
                         DROP COLUMN called_at, DROP COLUMN calls, DROP COLUMN started_at,
                         DROP COLUMN finished_at, DROP COLUMN no_show_at;
                     UPDATE motcua_meta SET value = '2' WHERE key = 'schema_version'",
                )
                .unwrap();
            let mut s = OfficeStore::open(db.target()).unwrap();
            let version: String = raw(&db)
                .query_one(
                    "SELECT value FROM motcua_meta WHERE key = 'schema_version'",
                    &[],
                )
                .unwrap()
                .get(0);
            assert_eq!(version, SCHEMA_VERSION.to_string());
            let clerk = s
                .add_clerk("lan", "Lan", "mat-khau-8", false, false, Utc::now())
                .unwrap();
            assert_eq!(s.clerk_credentials("lan").unwrap().unwrap().0, clerk);
        }

        #[test]
        fn a_newer_schema_is_refused_and_a_database_of_another_program_left_alone() {
            let db = TestDb::new(Backend::Postgres);
            drop(OfficeStore::open(db.target()).unwrap());
            raw(&db)
                .batch_execute("UPDATE motcua_meta SET value = '4' WHERE key = 'schema_version'")
                .unwrap();
            let err = format!("{:#}", OfficeStore::open(db.target()).err().unwrap());
            assert!(err.contains("newer motcua (schema 4)"), "{err}");

            let other = TestDb::new(Backend::Postgres);
            raw(&other)
                .batch_execute("CREATE TABLE ticket (id INTEGER PRIMARY KEY, title TEXT)")
                .unwrap();
            let err = format!("{:#}", OfficeStore::open(other.target()).err().unwrap());
            assert!(err.contains("\"ticket\" that is not motcua's"), "{err}");
            let tables: i64 = raw(&other)
                .query_one(
                    "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()",
                    &[],
                )
                .unwrap()
                .get(0);
            assert_eq!(tables, 1, "nothing created beside it");
        }

        #[test]
        fn a_connection_the_server_closed_is_opened_again() {
            let db = TestDb::new(Backend::Postgres);
            let mut s = OfficeStore::open(db.target()).unwrap();
            kiosk(&mut s, "K1");
            let mut admin = raw(&db);
            admin
                .batch_execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                     WHERE datname = current_database() AND pid <> pg_backend_pid()",
                )
                .unwrap();
            let others = |admin: &mut ::postgres::Client| -> i64 {
                admin
                    .query_one(
                        "SELECT COUNT(*) FROM pg_stat_activity
                         WHERE datname = current_database() AND pid <> pg_backend_pid()",
                        &[],
                    )
                    .unwrap()
                    .get(0)
            };
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while others(&mut admin) > 0 {
                assert!(
                    std::time::Instant::now() < deadline,
                    "the office's connection lives on"
                );
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            // The request that meets the loss fails; the next one gets through.
            assert!(s.next_number("t1", "A", d()).is_err());
            assert!(s.next_number("t1", "A", d()).unwrap() >= 1);
            assert_eq!(s.rev().unwrap(), 0);
        }

        #[test]
        fn offices_starting_at_once_create_the_tables_once() {
            let db = TestDb::new(Backend::Postgres);
            std::thread::scope(|scope| {
                let opens: Vec<_> = (0..4)
                    .map(|_| scope.spawn(|| OfficeStore::open(db.target()).map(|_| ())))
                    .collect();
                for o in opens {
                    o.join().unwrap().unwrap();
                }
            });
            let version: String = raw(&db)
                .query_one(
                    "SELECT value FROM motcua_meta WHERE key = 'schema_version'",
                    &[],
                )
                .unwrap()
                .get(0);
            assert_eq!(version, SCHEMA_VERSION.to_string());
        }

        #[test]
        fn a_server_that_cannot_be_used_is_named_without_the_password() {
            let db = TestDb::new(Backend::Postgres);
            let config: ::postgres::Config = db.target().parse().unwrap();
            let host = match &config.get_hosts()[0] {
                ::postgres::config::Host::Tcp(h) => h.clone(),
                #[allow(unreachable_patterns)]
                _ => "127.0.0.1".into(),
            };
            let port = config.get_ports().first().copied().unwrap_or(5432);
            let wrong = format!("postgres://motcua:wrong-pw-4711@{host}:{port}/postgres");
            let refused = "postgres://motcua:pw-4711@127.0.0.1:1/office".to_string();
            let unparsable = "postgres://motcua:pw-4711@127.0.0.1:port/office".to_string();
            for (url, want) in [
                (&wrong, "cannot connect to the office database postgres://motcua:***@"),
                (&refused, "cannot connect to the office database postgres://motcua:***@127.0.0.1:1/office"),
                (&unparsable, "is not a PostgreSQL URL the office can use"),
            ] {
                let err = format!("{:#}", OfficeStore::open(url).err().unwrap());
                assert!(err.contains(want), "{err}");
                assert!(!err.contains("4711"), "the password shows: {err}");
            }
        }
    }
}
