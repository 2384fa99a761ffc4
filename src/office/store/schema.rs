//! The office schema: one migration a version, written for each backend
//! (`migrations/sqlite/` and `migrations/postgres/`, the same step in each dialect, so a
//! version means the same tables on both), applied in order by one runner. SQLite records
//! the version in the file (`user_version`, and `application_id` says whose file it is),
//! PostgreSQL in the table `motcua_meta`.

use anyhow::{bail, Context, Result};

use crate::office::db::{sql_params, Conn, Tx};

/// Marks the file as an office database ("MOTO"); on PostgreSQL, the lock that keeps two
/// offices starting at once from both creating the tables.
const APPLICATION_ID: i64 = 0x4D4F_544F;
/// `motcua_meta.application` of an office database.
const POSTGRES_APPLICATION: &str = "motcua-office";

/// One step of the schema, in both dialects.
struct Migration {
    /// The version it brings a database to, from the one before.
    version: i64,
    /// The step on SQLite.
    sqlite: &'static str,
    /// The same step on PostgreSQL.
    postgres: &'static str,
}

/// Each named step embeds its SQLite and its PostgreSQL file: a step missing on either
/// side does not build.
macro_rules! migrations {
    ($($version:literal => $name:literal),* $(,)?) => {
        &[$(Migration {
            version: $version,
            sqlite: include_str!(concat!("migrations/sqlite/", $name, ".sql")),
            postgres: include_str!(concat!("migrations/postgres/", $name, ".sql")),
        }),*]
    };
}

/// The steps in order; a new one is added at the end, never edited once released.
const MIGRATIONS: &[Migration] = migrations![
    1 => "0001_initial",
    2 => "0002_roles_blocks_tickets_dossiers",
    3 => "0003_counters",
    4 => "0004_clerk_logins",
    5 => "0005_tablets",
    6 => "0006_rejected_events",
    7 => "0007_sites",
    8 => "0008_waiting_in_issue_order",
    9 => "0009_waiting_counts",
    10 => "0010_view_lookups",
    11 => "0011_follow_tokens",
    12 => "0012_bookings",
    13 => "0013_walk_in",
    14 => "0014_due_at_new",
    15 => "0015_dossier_link",
    16 => "0016_online_routing",
    17 => "0017_alerts",
    18 => "0018_official_scores",
];

/// Schema version this build writes.
pub(super) const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].version;

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
    "rejected_event",
    "site",
    "device_site",
    "waiting_count",
    "booking",
    "office_secret",
    "rating_alert",
    "official_score",
    "online_routing",
    "dossier_link",
];

/// Brings the office database to [`SCHEMA_VERSION`], creating its tables when it is new;
/// refuses a database that is not an office's or that a newer motcua wrote.
pub(super) fn migrate(conn: &mut Conn, label: &str) -> Result<()> {
    // A first look writes nothing, so a database that is not ours is left as it was.
    let found = conn.read(|tx| installed(tx, label))?;
    if found == Some(SCHEMA_VERSION) {
        return conn.set_durability();
    }
    // SQLite refuses to add a column referencing another table to a table with rows while
    // it enforces foreign keys, so the steps run unenforced and are checked as a whole.
    conn.set_durability()?;
    conn.enforce_foreign_keys(false)?;
    // Every step in one transaction, so a failed upgrade leaves the database as it was; on
    // PostgreSQL under a lock, so two offices starting at once create the tables once.
    let from = conn.write(|tx| {
        if tx.is_postgres() {
            tx.execute(
                "SELECT pg_advisory_xact_lock(?1)",
                sql_params![APPLICATION_ID],
            )?;
        }
        let from = installed(tx, label)?;
        if from == Some(SCHEMA_VERSION) {
            return Ok(from);
        }
        if from.is_none() && tx.is_postgres() {
            tx.batch("CREATE TABLE motcua_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")?;
        }
        for step in MIGRATIONS.iter().filter(|m| m.version > from.unwrap_or(0)) {
            let sql = if tx.is_postgres() {
                step.postgres
            } else {
                step.sqlite
            };
            tx.batch(sql).with_context(|| match from {
                None => format!("cannot create the office tables in {label}"),
                Some(_) => format!(
                    "cannot upgrade the office database {label} to schema {}",
                    step.version
                ),
            })?;
        }
        if !tx.is_postgres() {
            if let Some(row) = tx.query_opt("PRAGMA foreign_key_check", &[])? {
                bail!(
                    "cannot upgrade the office database {label}: a row of table {} refers to a missing row",
                    row.text(0)?
                );
            }
        }
        record_version(tx, from.is_none())?;
        Ok(from)
    });
    conn.enforce_foreign_keys(true)?;
    let from = from?;
    match from {
        None => log::info!("created the office tables in {label} (schema {SCHEMA_VERSION})"),
        Some(v) if v < SCHEMA_VERSION => {
            log::info!("upgraded the office database {label} from schema {v} to {SCHEMA_VERSION}")
        }
        Some(_) => {}
    }
    Ok(())
}

/// The schema version of the database, None if it holds no office tables yet; an error for
/// a database that is someone else's or newer than this build.
fn installed(tx: &mut Tx, label: &str) -> Result<Option<i64>> {
    let version = if tx.is_postgres() {
        postgres_version(tx, label)?
    } else {
        sqlite_version(tx, label)?
    };
    match version {
        Some(v) if v > SCHEMA_VERSION => {
            bail!("{label} was written by a newer motcua (schema {v}); refusing to touch it")
        }
        Some(v) if v < 1 => bail!("{label} has the unknown office schema {v}"),
        _ => Ok(version),
    }
}

/// The schema version the database records, not judged against this build (None: no
/// office tables yet): `office doctor` tells newer from older without migrating.
pub(super) fn recorded_version(tx: &mut Tx, label: &str) -> Result<Option<i64>> {
    if tx.is_postgres() {
        postgres_version(tx, label)
    } else {
        sqlite_version(tx, label)
    }
}

fn sqlite_version(tx: &mut Tx, label: &str) -> Result<Option<i64>> {
    let app_id = tx.query_one("PRAGMA application_id", &[])?.int(0)?;
    let version = tx.query_one("PRAGMA user_version", &[])?.int(0)?;
    if app_id != 0 && app_id != APPLICATION_ID {
        bail!(
            "{label} is not an office database (application_id {app_id:#x}); is it a kiosk's store?"
        );
    }
    Ok((version != 0).then_some(version))
}

fn postgres_version(tx: &mut Tx, label: &str) -> Result<Option<i64>> {
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
        return Ok(None);
    }
    let mut meta = |key: &str| -> Result<Option<String>> {
        tx.query_opt(
            "SELECT value FROM motcua_meta WHERE key = ?1",
            sql_params![key],
        )?
        .map(|r| r.text(0))
        .transpose()
    };
    let app = meta("application")?;
    if app.as_deref() != Some(POSTGRES_APPLICATION) {
        bail!("{label} is not an office database (motcua_meta says application {app:?})");
    }
    let version = meta("schema_version")?
        .and_then(|v| v.parse().ok())
        .with_context(|| format!("{label} has no readable schema_version in motcua_meta"))?;
    Ok(Some(version))
}

/// Writes down that the database is an office's at [`SCHEMA_VERSION`].
fn record_version(tx: &mut Tx, new: bool) -> Result<()> {
    if !tx.is_postgres() {
        return tx.batch(&format!(
            "PRAGMA user_version = {SCHEMA_VERSION}; PRAGMA application_id = {APPLICATION_ID};"
        ));
    }
    let version = SCHEMA_VERSION.to_string();
    if new {
        tx.execute(
            "INSERT INTO motcua_meta (key, value) VALUES ('application', ?1), ('schema_version', ?2)",
            sql_params![POSTGRES_APPLICATION, version.as_str()],
        )?;
    } else {
        tx.execute(
            "UPDATE motcua_meta SET value = ?1 WHERE key = 'schema_version'",
            sql_params![version.as_str()],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod upgrade_tests;

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::office::store::S1;
    use chrono::Utc;
    use rusqlite::Connection;

    use super::*;
    use crate::domain::dossier::DossierStatus;
    use crate::office::store::fixtures::*;
    use crate::office::store::token_hash;
    use crate::office::test_db::{both_backends, Backend, TestDb};
    use crate::office::{NumberBlock, OfficeStore, Role};

    both_backends! {
        every_table_has_the_same_columns_on_both_backends,
        a_database_is_migrated_once_and_reopened_as_it_was,
    }

    /// A column's name and the kind of value it holds (the store reads integers and text
    /// apart, so `INTEGER` on SQLite and `bigint` on PostgreSQL are the same kind).
    type Column = (String, &'static str);

    fn kind(declared: &str) -> &'static str {
        let declared = declared.to_ascii_lowercase();
        if declared.contains("int") {
            "integer"
        } else if declared == "text" {
            "text"
        } else {
            panic!("a column of type {declared}: neither integer nor text")
        }
    }

    /// Every table of an office database (the version bookkeeping left out) with its
    /// columns in order, read from the backend's own catalogue.
    fn tables(db: &TestDb) -> std::collections::BTreeMap<String, Vec<Column>> {
        let mut out = std::collections::BTreeMap::new();
        match db.backend() {
            Backend::Sqlite => {
                let conn = Connection::open(db.target()).unwrap();
                let names: Vec<String> = conn
                    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                    .unwrap()
                    .query_map([], |r| r.get(0))
                    .unwrap()
                    .collect::<rusqlite::Result<_>>()
                    .unwrap();
                for name in names {
                    let columns = conn
                        .prepare("SELECT name, type FROM pragma_table_info(?1) ORDER BY cid")
                        .unwrap()
                        .query_map([&name], |r| {
                            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                        })
                        .unwrap()
                        .map(|c| {
                            let (column, declared) = c.unwrap();
                            (column, kind(&declared))
                        })
                        .collect();
                    out.insert(name, columns);
                }
            }
            Backend::Postgres => {
                let mut client = raw(db);
                for row in client
                    .query(
                        "SELECT table_name::text, column_name::text, data_type::text
                         FROM information_schema.columns
                         WHERE table_schema = current_schema() AND table_name <> 'motcua_meta'
                         ORDER BY table_name, ordinal_position",
                        &[],
                    )
                    .unwrap()
                {
                    let (table, column, declared): (String, String, String) =
                        (row.get(0), row.get(1), row.get(2));
                    out.entry(table)
                        .or_insert_with(Vec::new)
                        .push((column, kind(&declared)));
                }
            }
        }
        out
    }

    /// The schema is written twice, once per dialect: both must give the same tables with
    /// the same columns in the same order, or the SQL written once would read them apart.
    fn every_table_has_the_same_columns_on_both_backends(b: Backend) {
        let other = match b {
            Backend::Sqlite => Backend::Postgres,
            Backend::Postgres => Backend::Sqlite,
        };
        let (here, there) = (TestDb::new(b), TestDb::new(other));
        for db in [&here, &there] {
            drop(OfficeStore::open(db.target()).unwrap());
        }
        let (mine, theirs) = (tables(&here), tables(&there));
        let mut expected: Vec<&str> = TABLES.to_vec();
        expected.sort_unstable();
        assert_eq!(
            mine.keys().collect::<Vec<_>>(),
            expected,
            "the tables on {b:?}"
        );
        for (table, columns) in &mine {
            assert_eq!(
                Some(columns),
                theirs.get(table),
                "the columns of {table} on {b:?} and on {other:?}"
            );
        }
    }

    /// The version written down, however the backend keeps it.
    fn recorded_version(db: &TestDb) -> i64 {
        match db.backend() {
            Backend::Sqlite => Connection::open(db.target())
                .unwrap()
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .unwrap(),
            Backend::Postgres => raw(db)
                .query_one(
                    "SELECT value FROM motcua_meta WHERE key = 'schema_version'",
                    &[],
                )
                .unwrap()
                .get::<_, String>(0)
                .parse()
                .unwrap(),
        }
    }

    fn a_database_is_migrated_once_and_reopened_as_it_was(b: Backend) {
        let (db, mut s) = open(b);
        assert_eq!(recorded_version(&db), SCHEMA_VERSION);
        let (_, token) = s
            .enroll_device("K1", Role::Kiosk, &[S1], Utc::now())
            .unwrap();
        s.upsert_dossiers(S1, &[record(1, DossierStatus::Received)], Utc::now())
            .unwrap();
        drop(s);
        let before = tables(&db);
        // A step run again would fail on the tables it creates, and `meta` would restart.
        for _ in 0..2 {
            let s = OfficeStore::open(db.target()).unwrap();
            assert!(s.device_for_token(&token).unwrap().is_some());
            assert_eq!((s.rev(S1).unwrap(), s.dossier_count().unwrap()), (1, 1));
        }
        assert_eq!(recorded_version(&db), SCHEMA_VERSION);
        assert_eq!(tables(&db), before);
    }

    #[test]
    fn a_version_1_database_is_upgraded_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("office.sqlite3");
        let token = "ab".repeat(32);
        {
            // Version 1 as it shipped, filled by hand.
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0].sqlite).unwrap();
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
        assert_eq!(s.next_number(S1, "t2", "A", d()).unwrap(), 52);
        assert_eq!(s.next_number(S1, "t3", "A", d()).unwrap(), 53);
        let b = s.reserve_block(&dev, "A", d(), 1, 10).unwrap();
        assert_eq!((b.first, b.last), (501, 510));
        assert_eq!(s.rev(S1).unwrap(), 0);
        s.upsert_dossiers(S1, &[record(1, DossierStatus::Received)], Utc::now())
            .unwrap();
        drop(s);
        let conn = Connection::open(&path).unwrap();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
    }

    #[test]
    fn a_version_3_database_learns_when_clerks_last_logged_in() {
        let db = TestDb::new(Backend::Sqlite);
        upgrade_tests::create_at_version(&db, 3);
        Connection::open(db.target())
            .unwrap()
            .execute_batch(
                "INSERT INTO clerk (id, username, name, password_hash, lead, created_at)
                 VALUES ('c1', 'lan', 'Lan', 'x', 0, '2026-11-24T00:00:00Z')",
            )
            .unwrap();
        let s = OfficeStore::open(db.target()).unwrap();
        let (clerk, _) = s.clerk_credentials("lan").unwrap().unwrap();
        s.record_login(&clerk, Utc::now()).unwrap();
        let listed = s.clerk_accounts(Utc::now()).unwrap();
        assert!(listed[0].last_login_at.is_some());
        drop(s);
        assert_eq!(recorded_version(&db), SCHEMA_VERSION);
    }

    #[test]
    fn a_failed_upgrade_leaves_the_version_1_file_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("office.sqlite3");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0].sqlite).unwrap();
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

        #[test]
        fn a_version_2_database_is_upgraded_to_the_counters() {
            let db = TestDb::new(Backend::Postgres);
            upgrade_tests::create_at_version(&db, 2);
            let mut s = OfficeStore::open(db.target()).unwrap();
            assert_eq!(recorded_version(&db), SCHEMA_VERSION);
            let clerk = s
                .add_clerk(
                    Some(S1),
                    "lan",
                    "Lan",
                    "mat-khau-8",
                    crate::office::counters::ClerkRole::Clerk,
                    false,
                    Utc::now(),
                )
                .unwrap();
            assert_eq!(s.clerk_credentials("lan").unwrap().unwrap().0, clerk);
        }

        #[test]
        fn a_newer_schema_is_refused_and_a_database_of_another_program_left_alone() {
            let db = TestDb::new(Backend::Postgres);
            drop(OfficeStore::open(db.target()).unwrap());
            raw(&db)
                .batch_execute(&format!(
                    "UPDATE motcua_meta SET value = '{}' WHERE key = 'schema_version'",
                    SCHEMA_VERSION + 1
                ))
                .unwrap();
            let err = format!("{:#}", OfficeStore::open(db.target()).err().unwrap());
            let newer = format!("newer motcua (schema {})", SCHEMA_VERSION + 1);
            assert!(err.contains(&newer), "{err}");

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
            assert_eq!(recorded_version(&db), SCHEMA_VERSION);
        }
    }
}
