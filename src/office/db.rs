//! The office database's two backends behind one small query layer, so the store's logic
//! and SQL are written once: SQLite (one file) or PostgreSQL (one server for many communes).
//!
//! SQL is written once, in the dialect both accept (ON CONFLICT, RETURNING, `?N`
//! placeholders, which become `$N` for PostgreSQL); integers are 64-bit and text is text on
//! both sides, so a row reads the same from either. Text with a NUL character is refused on
//! both, since PostgreSQL cannot store it and the two must not differ.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use postgres::error::SqlState;
use postgres::types::{ToSql, Type};
use postgres::{IsolationLevel, NoTls};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::TransactionBehavior;

/// Where the office database lives, as given to `--db`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbTarget {
    /// A SQLite file (created if missing).
    Sqlite(PathBuf),
    /// A `postgres://` or `postgresql://` URL.
    Postgres(String),
}

impl DbTarget {
    /// A `postgres://` or `postgresql://` URL is PostgreSQL; anything else a SQLite path.
    pub fn parse(target: impl AsRef<OsStr>) -> DbTarget {
        let target = target.as_ref();
        if let Some(s) = target.to_str() {
            let lower = s.get(..13).unwrap_or(s).to_ascii_lowercase();
            if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
                return DbTarget::Postgres(s.to_string());
            }
        }
        DbTarget::Sqlite(PathBuf::from(target))
    }
}

/// The path, or the URL without its password: safe for logs and messages.
impl fmt::Display for DbTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbTarget::Sqlite(path) => write!(f, "{}", path.display()),
            DbTarget::Postgres(url) => f.write_str(&redact(url)),
        }
    }
}

/// The URL with any password replaced by `***`. When in doubt (an unencoded `/` or `@` in
/// the password) more is hidden rather than less.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.rsplit_once('@') {
        Some((userinfo, after)) => {
            let user = match userinfo.split_once(':') {
                Some((user, _)) => format!("{user}:***"),
                None => userinfo.to_string(),
            };
            (format!("{user}@"), after)
        }
        None => (String::new(), rest),
    };
    // libpq's URLs may also carry `?password=…`.
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => kv.to_string(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{scheme}://{authority}{tail}")
}

/// One statement parameter.
#[derive(Debug, Clone, Copy)]
pub(super) enum Param<'a> {
    Int(i64),
    Text(&'a str),
    /// A NULL in a text column.
    Null,
    /// A NULL in an integer column (PostgreSQL types its parameters).
    NullInt,
}

impl From<i64> for Param<'_> {
    fn from(v: i64) -> Self {
        Param::Int(v)
    }
}

impl From<u32> for Param<'_> {
    fn from(v: u32) -> Self {
        Param::Int(i64::from(v))
    }
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(v: &'a str) -> Self {
        Param::Text(v)
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(v: &'a String) -> Self {
        Param::Text(v)
    }
}

impl From<Option<i64>> for Param<'_> {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Param::NullInt, Param::Int)
    }
}

impl<'a> From<Option<&'a str>> for Param<'a> {
    fn from(v: Option<&'a str>) -> Self {
        v.map_or(Param::Null, Param::Text)
    }
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Param::Int(v) => ToSqlOutput::from(*v),
            Param::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Param::Null | Param::NullInt => ToSqlOutput::Borrowed(ValueRef::Null),
        })
    }
}

/// `&[Param]` from values of mixed types.
macro_rules! sql_params {
    ($($v:expr),* $(,)?) => {
        &[$($crate::office::db::Param::from($v)),*][..]
    };
}
pub(super) use sql_params;

/// A value read from a row.
#[derive(Debug, Clone)]
enum Value {
    Null,
    Int(i64),
    Text(String),
}

/// One row of a result, read the same from both backends.
#[derive(Debug)]
pub(super) struct Row(Vec<Value>);

impl Row {
    fn get(&self, i: usize) -> Result<&Value> {
        self.0
            .get(i)
            .ok_or_else(|| anyhow!("the office database returned no column {i}"))
    }

    /// An integer column.
    pub fn int(&self, i: usize) -> Result<i64> {
        self.opt_int(i)?
            .ok_or_else(|| anyhow!("column {i} is NULL in the office database"))
    }

    /// An integer column that may be NULL.
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        match self.get(i)? {
            Value::Null => Ok(None),
            Value::Int(v) => Ok(Some(*v)),
            Value::Text(_) => bail!("column {i} is text, an integer was expected"),
        }
    }

    /// A text column.
    pub fn text(&self, i: usize) -> Result<String> {
        self.opt_text(i)?
            .ok_or_else(|| anyhow!("column {i} is NULL in the office database"))
    }

    /// A text column that may be NULL.
    pub fn opt_text(&self, i: usize) -> Result<Option<String>> {
        match self.get(i)? {
            Value::Null => Ok(None),
            Value::Text(s) => Ok(Some(s.clone())),
            Value::Int(_) => bail!("column {i} is an integer, text was expected"),
        }
    }
}

fn check_params(params: &[Param]) -> Result<()> {
    if params
        .iter()
        .any(|p| matches!(p, Param::Text(s) if s.contains('\0')))
    {
        bail!("text with a NUL character cannot be stored in the office database");
    }
    Ok(())
}

/// `?N` placeholders as PostgreSQL's `$N` (the SQL here has no `?` anywhere else).
fn postgres_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

/// `?from, ?from+1, …`, `n` of them: the placeholders of a statement that takes a list.
pub(super) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn sqlite_row(row: &rusqlite::Row) -> Result<Row> {
    let n = row.as_ref().column_count();
    let mut values = Vec::with_capacity(n);
    for i in 0..n {
        values.push(match row.get_ref(i)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(v) => Value::Int(v),
            ValueRef::Text(t) => Value::Text(
                std::str::from_utf8(t)
                    .context("text that is not UTF-8 in the office database")?
                    .to_string(),
            ),
            other => bail!(
                "column {i} of the office database holds a {:?}",
                other.data_type()
            ),
        });
    }
    Ok(Row(values))
}

fn postgres_row(row: &postgres::Row) -> Result<Row> {
    let mut values = Vec::with_capacity(row.len());
    for (i, col) in row.columns().iter().enumerate() {
        let ty = col.type_();
        let value = if *ty == Type::INT8 {
            row.try_get::<_, Option<i64>>(i)?.map(Value::Int)
        } else if *ty == Type::INT4 {
            row.try_get::<_, Option<i32>>(i)?
                .map(|v| Value::Int(v.into()))
        } else if *ty == Type::INT2 {
            row.try_get::<_, Option<i16>>(i)?
                .map(|v| Value::Int(v.into()))
        } else if *ty == Type::TEXT || *ty == Type::VARCHAR || *ty == Type::NAME {
            row.try_get::<_, Option<String>>(i)?.map(Value::Text)
        } else {
            bail!("column {} has the unexpected type {ty}", col.name());
        };
        values.push(value.unwrap_or(Value::Null));
    }
    Ok(Row(values))
}

/// An open PostgreSQL connection, and what it takes to open it again.
pub(super) struct PgConn {
    /// Always `Some` until dropped (see `Drop`).
    client: Option<postgres::Client>,
    config: postgres::Config,
    /// Statements prepared on this connection, by their SQL as written here.
    statements: HashMap<String, postgres::Statement>,
    /// The URL without its password.
    label: String,
}

impl PgConn {
    /// Connects to `url`. The password may also come from `PGPASSWORD`, as for libpq's
    /// tools, so it need not appear on a command line.
    pub fn connect(url: &str) -> Result<PgConn> {
        let label = redact(url);
        let mut config: postgres::Config = url.parse().map_err(|e| {
            anyhow!("{label} is not a PostgreSQL URL the office can use ({e}); the form is postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        })?;
        if config.get_password().is_none() {
            if let Some(pw) = std::env::var_os("PGPASSWORD") {
                config.password(pw.as_encoded_bytes());
            }
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if config.get_application_name().is_none() {
            config.application_name("motcua office");
        }
        let client = config
            .connect(NoTls)
            .with_context(|| format!("cannot connect to the office database {label}"))?;
        Ok(PgConn {
            client: Some(client),
            config,
            statements: HashMap::new(),
            label,
        })
    }

    /// A new client with this connection's settings.
    fn new_client(&self) -> Result<postgres::Client> {
        self.config
            .connect(NoTls)
            .with_context(|| format!("cannot connect to the office database {}", self.label))
    }

    /// Another connection to the same database, with the same settings.
    fn another(&self) -> Result<PgConn> {
        Ok(PgConn {
            client: Some(self.new_client()?),
            config: self.config.clone(),
            statements: HashMap::new(),
            label: self.label.clone(),
        })
    }

    /// A connection the server closed (restarted, say) is opened again before the next
    /// transaction, so the office recovers without a restart of its own.
    fn reconnect_if_closed(&mut self) -> Result<()> {
        if self.client.as_ref().is_none_or(postgres::Client::is_closed) {
            log::warn!(
                "the connection to the office database {} was lost; reconnecting",
                self.label
            );
            self.statements.clear();
            self.client = Some(self.new_client()?);
        }
        Ok(())
    }
}

/// The sync client owns a small tokio runtime, which must not be dropped on a thread that
/// runs async tasks (tokio panics): the API's last handle on the store may go away on one.
/// There the client is closed on a thread of its own.
impl Drop for PgConn {
    fn drop(&mut self) {
        let Some(client) = self.client.take() else {
            return;
        };
        if tokio::runtime::Handle::try_current().is_ok() {
            let _ = std::thread::Builder::new()
                .name("office-db-close".into())
                .spawn(move || drop(client));
        }
    }
}

/// The connection to either backend.
pub(super) enum Conn {
    Sqlite(rusqlite::Connection),
    /// Boxed: the PostgreSQL client is several times the size of a SQLite connection.
    Postgres(Box<PgConn>),
}

/// A transaction on either backend; dropping it unfinished rolls it back.
pub(super) enum Tx<'a> {
    Sqlite(SqliteTx<'a>),
    Postgres {
        tx: postgres::Transaction<'a>,
        statements: &'a mut HashMap<String, postgres::Statement>,
    },
}

/// SQLite's unit of work: a transaction of its own, or a savepoint inside a group's
/// transaction ([`Conn::begin_group`]), which behaves the same except that its commit
/// reaches the disk only with the group's.
pub(super) enum SqliteTx<'a> {
    Own(rusqlite::Transaction<'a>),
    InGroup(rusqlite::Savepoint<'a>),
}

impl std::ops::Deref for SqliteTx<'_> {
    type Target = rusqlite::Connection;

    fn deref(&self) -> &rusqlite::Connection {
        match self {
            SqliteTx::Own(tx) => tx,
            SqliteTx::InGroup(sp) => sp,
        }
    }
}

impl SqliteTx<'_> {
    fn commit(self) -> rusqlite::Result<()> {
        match self {
            SqliteTx::Own(tx) => tx.commit(),
            SqliteTx::InGroup(sp) => sp.commit(),
        }
    }
}

/// Deadlocks and serialization failures are PostgreSQL asking for the transaction again.
fn is_retryable(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<postgres::Error>())
        .any(|e| {
            matches!(
                e.code(),
                Some(c) if *c == SqlState::T_R_DEADLOCK_DETECTED || *c == SqlState::T_R_SERIALIZATION_FAILURE
            )
        })
}

impl Conn {
    /// Opens (creating if missing) a SQLite file, touching nothing in it yet.
    pub fn open_sqlite(path: &Path) -> Result<Conn> {
        let conn = rusqlite::Connection::open(path)
            .with_context(|| format!("cannot open the office database {}", path.display()))?;
        conn.busy_timeout(Duration::from_secs(5))?;
        // Bulk reads and writes use a few statements per chunk size (`chunk_len`).
        conn.set_prepared_statement_cache_capacity(64);
        Ok(Conn::Sqlite(conn))
    }

    /// A second connection to the same SQLite file for reads only (`query_only`), so reads
    /// need not wait while a group writes: in WAL mode they see the last commit. None on
    /// PostgreSQL (one connection a process) and for a database without a file.
    pub fn open_reader(&self) -> Result<Option<Conn>> {
        let Conn::Sqlite(conn) = self else {
            return Ok(None);
        };
        let Some(path) = conn.path().filter(|p| !p.is_empty()) else {
            return Ok(None);
        };
        let Conn::Sqlite(reader) = Conn::open_sqlite(Path::new(path))? else {
            unreachable!("a SQLite connection was opened");
        };
        reader.pragma_update(None, "query_only", true)?;
        Ok(Some(Conn::Sqlite(reader)))
    }

    /// Another connection to the same PostgreSQL database that writes too, so calls of one
    /// office process run side by side (each in its own transaction, as calls of two
    /// processes do). None on SQLite, whose writes are one file's and go through one
    /// writer.
    pub fn open_sibling(&self) -> Result<Option<Conn>> {
        match self {
            Conn::Postgres(pg) => Ok(Some(Conn::Postgres(Box::new(pg.another()?)))),
            Conn::Sqlite(_) => Ok(None),
        }
    }

    /// Sets how the connection writes: on SQLite a write-ahead log, a disk sync per commit
    /// and foreign keys enforced (PostgreSQL does all that by itself). Called once the
    /// database is known to be an office's, since the journal mode stays with the file.
    pub fn set_durability(&mut self) -> Result<()> {
        if let Conn::Sqlite(conn) = self {
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))?;
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.pragma_update(None, "foreign_keys", true)?;
        }
        Ok(())
    }

    /// Turns SQLite's foreign-key enforcement off or on (outside any transaction, where
    /// SQLite only honours it); PostgreSQL keeps enforcing.
    pub fn enforce_foreign_keys(&mut self, on: bool) -> Result<()> {
        if let Conn::Sqlite(conn) = self {
            conn.pragma_update(None, "foreign_keys", on)?;
        }
        Ok(())
    }

    /// Runs `f` in a write transaction and commits: SQLite's `BEGIN IMMEDIATE` (one writer
    /// at a time), PostgreSQL's READ COMMITTED, where the SQL takes row locks itself and a
    /// transaction the server aborts for a deadlock is run again. Inside a group (SQLite) it
    /// is a savepoint instead: a failure rolls back this call's changes alone.
    pub fn write<T>(&mut self, mut f: impl FnMut(&mut Tx) -> Result<T>) -> Result<T> {
        let mut tries = 0;
        loop {
            tries += 1;
            let result = (|| {
                let mut tx = self.begin(true)?;
                let out = f(&mut tx)?;
                tx.commit()?;
                Ok(out)
            })();
            match result {
                Err(e) if tries < 5 && is_retryable(&e) => {
                    log::info!("office database transaction retried: {e:#}");
                }
                other => return other,
            }
        }
    }

    /// Runs `f` on one consistent snapshot, writing nothing.
    pub fn read<T>(&mut self, f: impl FnOnce(&mut Tx) -> Result<T>) -> Result<T> {
        let mut tx = self.begin(false)?;
        let out = f(&mut tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Opens a group: on SQLite one `BEGIN IMMEDIATE` transaction in which every later
    /// [`write`](Self::write) and [`read`](Self::read) is a savepoint, until
    /// [`end_group`](Self::end_group) commits them all with one disk sync. Returns false on
    /// PostgreSQL, whose transactions stay one per call: its retries after a deadlock must
    /// run one call again, not a group.
    pub fn begin_group(&mut self) -> Result<bool> {
        let Conn::Sqlite(conn) = self else {
            return Ok(false);
        };
        if !conn.is_autocommit() {
            // Left open by a call that panicked: what it did was never answered.
            conn.execute_batch("ROLLBACK")?;
        }
        conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(true)
    }

    /// Commits the group [`begin_group`](Self::begin_group) opened. An error means none of
    /// it is kept: SQLite may also have rolled the whole transaction back by itself (a full
    /// disk, an I/O error), which is found here, since the group's transaction is gone.
    pub fn end_group(&mut self) -> Result<()> {
        let Conn::Sqlite(conn) = self else {
            return Ok(());
        };
        if conn.is_autocommit() {
            bail!("the office database rolled the group's transaction back");
        }
        if let Err(e) = conn.execute_batch("COMMIT") {
            // A commit that failed may leave the transaction open: the next group starts clean.
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            return Err(e.into());
        }
        Ok(())
    }

    /// Whether a group's transaction is open (SQLite; never on PostgreSQL).
    pub fn in_group(&self) -> bool {
        matches!(self, Conn::Sqlite(conn) if !conn.is_autocommit())
    }

    fn begin(&mut self, write: bool) -> Result<Tx<'_>> {
        Ok(match self {
            Conn::Sqlite(conn) => Tx::Sqlite(if conn.is_autocommit() {
                SqliteTx::Own(conn.transaction_with_behavior(if write {
                    TransactionBehavior::Immediate
                } else {
                    TransactionBehavior::Deferred
                })?)
            } else {
                SqliteTx::InGroup(conn.savepoint()?)
            }),
            Conn::Postgres(pg) => {
                pg.reconnect_if_closed()?;
                let client = pg.client.as_mut().expect("a client until dropped");
                let builder = client.build_transaction();
                let tx = if write {
                    builder.isolation_level(IsolationLevel::ReadCommitted)
                } else {
                    builder
                        .isolation_level(IsolationLevel::RepeatableRead)
                        .read_only(true)
                }
                .start()?;
                Tx::Postgres {
                    tx,
                    statements: &mut pg.statements,
                }
            }
        })
    }
}

impl Tx<'_> {
    /// Whether this is PostgreSQL, for the little that is written per backend (the schema).
    pub fn is_postgres(&self) -> bool {
        matches!(self, Tx::Postgres { .. })
    }

    fn pg_statement(
        tx: &mut postgres::Transaction,
        statements: &mut HashMap<String, postgres::Statement>,
        sql: &str,
    ) -> Result<postgres::Statement> {
        if let Some(st) = statements.get(sql) {
            return Ok(st.clone());
        }
        let st = tx.prepare(&postgres_sql(sql))?;
        statements.insert(sql.to_string(), st.clone());
        Ok(st)
    }

    /// Runs a statement that returns no rows; returns how many rows it changed.
    pub fn execute(&mut self, sql: &str, params: &[Param]) -> Result<u64> {
        check_params(params)?;
        Ok(match self {
            Tx::Sqlite(tx) => tx
                .prepare_cached(sql)?
                .execute(rusqlite::params_from_iter(params))? as u64,
            Tx::Postgres { tx, statements } => {
                let st = Self::pg_statement(tx, statements, sql)?;
                tx.execute(&st, &pg_params(params))?
            }
        })
    }

    /// Runs a query; returns every row.
    pub fn query(&mut self, sql: &str, params: &[Param]) -> Result<Vec<Row>> {
        check_params(params)?;
        match self {
            Tx::Sqlite(tx) => {
                let mut st = tx.prepare_cached(sql)?;
                let mut rows = st.query(rusqlite::params_from_iter(params))?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    out.push(sqlite_row(row)?);
                }
                Ok(out)
            }
            Tx::Postgres { tx, statements } => {
                let st = Self::pg_statement(tx, statements, sql)?;
                tx.query(&st, &pg_params(params))?
                    .iter()
                    .map(postgres_row)
                    .collect()
            }
        }
    }

    /// The first row, if any.
    pub fn query_opt(&mut self, sql: &str, params: &[Param]) -> Result<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// The first row, which must exist.
    pub fn query_one(&mut self, sql: &str, params: &[Param]) -> Result<Row> {
        self.query_opt(sql, params)?
            .ok_or_else(|| anyhow!("the office database returned no row for: {sql}"))
    }

    /// Runs several statements without parameters (schema scripts).
    pub fn batch(&mut self, sql: &str) -> Result<()> {
        match self {
            Tx::Sqlite(tx) => tx.execute_batch(sql)?,
            Tx::Postgres { tx, .. } => tx.batch_execute(sql)?,
        }
        Ok(())
    }

    fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit()?,
            Tx::Postgres { tx, .. } => tx.commit()?,
        }
        Ok(())
    }
}

/// A NULL for a text column.
static NULL_TEXT: Option<&str> = None;
/// A NULL for an integer column.
static NULL_INT: Option<i64> = None;

fn pg_params<'a>(params: &'a [Param<'a>]) -> Vec<&'a (dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| match p {
            Param::Int(v) => v as &(dyn ToSql + Sync),
            Param::Text(s) => s as &(dyn ToSql + Sync),
            Param::Null => &NULL_TEXT as &(dyn ToSql + Sync),
            Param::NullInt => &NULL_INT as &(dyn ToSql + Sync),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_postgres_and_everything_else_a_path() {
        for url in [
            "postgres://motcua@db/office",
            "postgresql://u:p@127.0.0.1:5432/x",
            "POSTGRES://u@h/d",
        ] {
            assert!(
                matches!(DbTarget::parse(url), DbTarget::Postgres(_)),
                "{url}"
            );
        }
        for path in [
            "office.sqlite3",
            "/var/lib/motcua/office.sqlite3",
            "postgres",
            "postgres:office",
        ] {
            assert_eq!(
                DbTarget::parse(path),
                DbTarget::Sqlite(path.into()),
                "{path}"
            );
        }
    }

    #[test]
    fn passwords_never_show() {
        for (url, shown) in [
            (
                "postgres://motcua:s3cret@db.local:5432/office",
                "postgres://motcua:***@db.local:5432/office",
            ),
            ("postgres://motcua@db/office", "postgres://motcua@db/office"),
            ("postgres://db/office", "postgres://db/office"),
            (
                "postgresql://u:pa/ss@w@rd@h/d?sslmode=disable",
                "postgresql://u:***@h/d?sslmode=disable",
            ),
            (
                "postgres://h/d?user=u&password=s3cret&x=1",
                "postgres://h/d?user=u&password=***&x=1",
            ),
        ] {
            assert_eq!(redact(url), shown);
            assert_eq!(DbTarget::parse(url).to_string(), shown);
        }
    }

    #[test]
    fn placeholders_become_dollars() {
        assert_eq!(
            postgres_sql("UPDATE d SET a = ?2 WHERE (id = ?1 OR name = ?1) AND b = ?10"),
            "UPDATE d SET a = $2 WHERE (id = $1 OR name = $1) AND b = $10"
        );
    }
}
