//! A look at an office database that changes nothing, for `office doctor`: it opens (a
//! SQLite file read-only, never created; a PostgreSQL server connected to), the schema
//! version it records against this build's, and on PostgreSQL the server's clock.

use std::ffi::OsStr;
use std::path::Path;

use anyhow::{bail, Context, Result};
use chrono::{DateTime, TimeDelta, Utc};

use super::schema::{recorded_version, SCHEMA_VERSION};
use crate::office::db::{Conn, DbTarget, PgConn};

/// What an office database showed without being touched.
#[derive(Debug)]
pub struct Inspection {
    /// The SQLite path or the URL with its password hidden.
    pub label: String,
    /// It is PostgreSQL.
    pub postgres: bool,
    /// The schema version it records (None: no office tables yet), or why it could not be
    /// read (not an office database, say).
    pub version: Result<Option<i64>, String>,
    /// The schema version this build writes.
    pub binary_version: i64,
    /// On PostgreSQL: the server's clock minus this machine's, measured around one query.
    pub clock_offset: Option<TimeDelta>,
}

/// Opens `target` read-only and reads what [`Inspection`] holds; an error when the database
/// cannot be opened or read at all (a missing SQLite file is one: the office would create
/// it, the doctor does not).
pub fn inspect(target: impl AsRef<OsStr>) -> Result<Inspection> {
    let target = DbTarget::parse(target);
    let label = target.to_string();
    let mut conn = match &target {
        DbTarget::Sqlite(path) => open_read_only(path)?,
        DbTarget::Postgres(url) => Conn::Postgres(Box::new(PgConn::connect(url)?)),
    };
    let postgres = matches!(target, DbTarget::Postgres(_));
    let probe = if postgres {
        "SELECT 1"
    } else {
        "SELECT COUNT(*) FROM sqlite_master"
    };
    conn.read(|tx| tx.query_one(probe, &[]).map(|_| ()))
        .with_context(|| format!("cannot read the office database {label}"))?;
    let version = conn
        .read(|tx| recorded_version(tx, &label))
        .map_err(|e| format!("{e:#}"));
    let clock_offset = if postgres {
        let before = Utc::now();
        let server_micros = conn.read(|tx| {
            tx.query_one(
                "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT)",
                &[],
            )?
            .int(0)
        })?;
        let after = Utc::now();
        let server = DateTime::from_timestamp_micros(server_micros)
            .context("the database server's clock is out of range")?;
        Some(server - (before + (after - before) / 2))
    } else {
        None
    };
    Ok(Inspection {
        label,
        postgres,
        version,
        binary_version: SCHEMA_VERSION,
        clock_offset,
    })
}

fn open_read_only(path: &Path) -> Result<Conn> {
    if !path.exists() {
        bail!(
            "{} does not exist (the office creates it at its first start; is --db right?)",
            path.display()
        );
    }
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .with_context(|| format!("cannot open the office database {}", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(Conn::Sqlite(conn))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::office::test_db::{both_backends, Backend, TestDb};
    use crate::office::OfficeStore;

    both_backends! {
        a_current_database_shows_its_version_and_nothing_is_created,
    }

    fn a_current_database_shows_its_version_and_nothing_is_created(b: Backend) {
        let db = TestDb::new(b);
        if b == Backend::Sqlite {
            assert!(inspect(db.target()).is_err());
            assert!(
                !Path::new(db.target()).exists(),
                "the doctor created the file"
            );
        }
        drop(OfficeStore::open(db.target()).unwrap());
        let seen = inspect(db.target()).unwrap();
        assert_eq!(seen.version, Ok(Some(SCHEMA_VERSION)));
        assert_eq!(seen.postgres, b == Backend::Postgres);
        assert_eq!(seen.clock_offset.is_some(), b == Backend::Postgres);
        assert!(!seen.label.contains("motcua-test-secret"), "{}", seen.label);
    }
}
