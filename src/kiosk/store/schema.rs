//! Schema and migrations, versioned with `PRAGMA user_version`.

use anyhow::{bail, Context, Result};
use rusqlite::{Connection, TransactionBehavior};

/// Schema version this build writes; a file with a higher one is refused.
pub const SCHEMA_VERSION: i64 = 8;

/// Marks the file as ours ("MOTC") so another program's SQLite file is not mistaken for a store.
pub const APPLICATION_ID: i64 = 0x4D4F_5443;

/// Migration `i` brings a file from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5, V6, V7, V8];

const V1: &str = "
CREATE TABLE field (
    code     TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    name_vi  TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    icon     TEXT NOT NULL
);
CREATE TABLE procedure (
    id              INTEGER PRIMARY KEY,         -- catalogue order
    field           TEXT NOT NULL REFERENCES field(code),
    code            TEXT,                        -- national code; some seed entries have none
    name_vi         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    processing_days TEXT NOT NULL,
    fee_vi          TEXT NOT NULL,
    sourced         INTEGER NOT NULL,
    documents_vi    TEXT                         -- JSON array, or NULL when unknown
);
CREATE INDEX procedure_by_field ON procedure(field, id);
CREATE TABLE ticket (
    id            TEXT PRIMARY KEY,              -- uuid v4
    queue         TEXT NOT NULL,
    number        INTEGER NOT NULL CHECK (number >= 1),
    business_date TEXT NOT NULL,                 -- YYYY-MM-DD, office local
    issued_at     TEXT NOT NULL,                 -- effective time, RFC 3339 UTC, fixed width
    wall_clock    TEXT NOT NULL,
    clock_status  TEXT NOT NULL,
    field         TEXT NOT NULL,
    priority      TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'waiting',
    printed_at    TEXT,
    UNIQUE (queue, business_date, number)
);
CREATE INDEX ticket_by_day_state ON ticket(business_date, queue, state);
CREATE TABLE queue_day (
    queue         TEXT NOT NULL,
    business_date TEXT NOT NULL,
    last_number   INTEGER NOT NULL CHECK (last_number >= 0),
    PRIMARY KEY (queue, business_date)
) WITHOUT ROWID;
CREATE TABLE clock (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    high_water TEXT NOT NULL
);
CREATE TABLE outbox (
    id         TEXT PRIMARY KEY,                 -- event uuid: the office dedups on it
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,                    -- JSON
    created_at TEXT NOT NULL,
    sent_at    TEXT
);
CREATE INDEX outbox_unsent ON outbox(created_at) WHERE sent_at IS NULL;
";

/// Dossiers for the lookup, their steps, the attempt limiter and the lookup log; the
/// catalogue learns where to submit, the online address and which procedures are sensitive.
const V2: &str = "
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE dossier (
    code           TEXT PRIMARY KEY,             -- canonical upper case
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
    updated_at     TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE dossier_step (
    code     TEXT NOT NULL,
    position INTEGER NOT NULL,
    status   TEXT NOT NULL,
    at       TEXT NOT NULL,
    PRIMARY KEY (code, position)
) WITHOUT ROWID;
-- Wrong second factors, by a keyed hash of the dossier code (no code in clear).
CREATE TABLE lookup_attempt (
    code_key TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX lookup_attempt_by_key ON lookup_attempt(code_key, at);
-- What was looked up and how it went, without personal data.
CREATE TABLE lookup_log (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    code_key TEXT NOT NULL,
    outcome  TEXT NOT NULL
);
ALTER TABLE procedure ADD COLUMN processing_vi TEXT;
ALTER TABLE procedure ADD COLUMN submit_at_vi TEXT;
ALTER TABLE procedure ADD COLUMN online_url TEXT;
ALTER TABLE procedure ADD COLUMN sensitive INTEGER NOT NULL DEFAULT 0;
-- Procedures from before this version are hidden from the lookup until their details are
-- known (Store::fill_catalogue_details): a sensitive name must never show by default.
UPDATE procedure SET sensitive = 1;
";

/// Sync with the office: where each ticket's number came from, the blocks of numbers the
/// office reserved for this kiosk, and the office's view of the queues.
const V3: &str = "
ALTER TABLE ticket ADD COLUMN number_source TEXT NOT NULL DEFAULT 'local';
CREATE TABLE number_block (
    queue         TEXT NOT NULL,
    business_date TEXT NOT NULL,
    seq           INTEGER NOT NULL,              -- the kiosk's block number for that queue and day
    first_number  INTEGER NOT NULL,
    last_number   INTEGER NOT NULL,
    next_number   INTEGER NOT NULL,              -- last_number + 1 once used up
    PRIMARY KEY (queue, business_date, seq)
) WITHOUT ROWID;
CREATE TABLE office_queue (
    queue         TEXT NOT NULL,
    business_date TEXT NOT NULL,
    issued        INTEGER NOT NULL,
    waiting       INTEGER NOT NULL,
    serving       INTEGER,
    PRIMARY KEY (queue, business_date)
) WITHOUT ROWID;
";

/// The office's counters: each queue's measured service time and open counters, for the
/// wait estimate.
const V4: &str = "
ALTER TABLE office_queue ADD COLUMN service_seconds INTEGER;
ALTER TABLE office_queue ADD COLUMN counters_open INTEGER;
";

/// Which counter called the number being served, for "now serving" spoken aloud.
const V5: &str = "
ALTER TABLE office_queue ADD COLUMN serving_counter INTEGER;
";

/// Each ticket's follow token, so a reprint carries the same QR code; tickets from before
/// keep NULL and their QR the configured ticket address.
const V6: &str = "
ALTER TABLE ticket ADD COLUMN follow_token TEXT;
";

/// A late dossier's new due time, from the office's apology letter: the lookup shows it.
const V7: &str = "
ALTER TABLE dossier ADD COLUMN due_at_new TEXT;
";

/// A procedure's online level and "no paper at the desk" flag, for routing citizens online
/// (docs/online-routing.md); procedures of before have neither until the office's next
/// catalogue replaces them.
const V8: &str = "
ALTER TABLE procedure ADD COLUMN online_level TEXT;
ALTER TABLE procedure ADD COLUMN no_paper INTEGER NOT NULL DEFAULT 0;
";

/// Reads the file's schema version, refusing files we must not touch.
pub fn check_version(conn: &Connection) -> Result<i64> {
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .context("cannot read the store (is it an SQLite database?)")?;
    let app_id: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    if app_id != 0 && app_id != APPLICATION_ID {
        bail!("this SQLite file belongs to another program (application_id {app_id:#x}); refusing to use it as the motcua store");
    }
    if version > SCHEMA_VERSION {
        bail!(
            "the store was written by a newer motcua (schema version {version}, this build knows up to {SCHEMA_VERSION}); \
             refusing to open it so nothing is damaged: install the newer firmware, or move the file aside to start afresh"
        );
    }
    Ok(version)
}

/// Brings the schema up to [`SCHEMA_VERSION`], each step in one transaction so a power cut leaves the old or the new schema.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Re-read inside the write lock: another process may have migrated meanwhile.
        let version = check_version(&tx)?;
        if version >= SCHEMA_VERSION {
            return Ok(());
        }
        let step = MIGRATIONS[usize::try_from(version).context("negative schema version")?];
        tx.execute_batch(step)
            .with_context(|| format!("migrating the store from schema version {version}"))?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.commit()?;
        log::info!("store schema migrated to version {}", version + 1);
    }
}
