//! The office schema and its migrations on both backends: SQLite records the version in
//! the file (`user_version`, `application_id`), PostgreSQL in `motcua_meta`.

use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use rusqlite::{Connection, TransactionBehavior};

use crate::office::db::{sql_params, Conn, Tx};

/// offices starting at once from both creating the tables.
const APPLICATION_ID: i64 = 0x4D4F_544F;
/// Schema version this build writes.
const SCHEMA_VERSION: i64 = 3;

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

/// Opens (creating or upgrading) an office database file.
pub(super) fn open_sqlite(path: &Path) -> Result<Connection> {
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
pub(super) fn prepare_postgres(conn: &mut Conn, label: &str) -> Result<()> {
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

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use rusqlite::Connection;

    use super::*;
    use crate::domain::dossier::DossierStatus;
    use crate::office::store::fixtures::*;
    use crate::office::store::token_hash;
    use crate::office::test_db::{Backend, TestDb};
    use crate::office::{NumberBlock, OfficeStore, Role};
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

    mod postgres_only {
        use super::*;

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
    }
}
