//! The kiosk's local SQLite store: catalogue copy, tickets, the clock high-water mark and the outbox.
//!
//! Durability comes first: WAL with `synchronous=FULL`, so a ticket's commit is on disk
//! before it is printed or shown, and each ticket is one `BEGIN IMMEDIATE` transaction, so
//! a power cut at any instant leaves all of a ticket or none of it.

mod catalogue;
mod dossiers;
mod retention;
mod routing;
mod schema;
mod sync;

pub use crate::dossier_import::ImportCounts;
pub use dossiers::{LookupOutcome, Step};
pub use retention::{used_bytes, Pruned, Shrunk, MIN_RETENTION_DAYS};
pub use sync::BlockState;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use chrono_tz::Tz;
use rusqlite::types::Type;
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};

use crate::domain::clock::{business_date, effective_time, ClockStatus};
use crate::domain::priority::PriorityGroup;
use crate::domain::ticket::{Ticket, TicketState};

pub use schema::SCHEMA_VERSION;

pub use crate::protocol::EVENT_TICKET_ISSUED;

/// How long a writer waits for another connection's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A field as the kiosk lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRow {
    /// Field code, e.g. "HT".
    pub code: String,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// Icon code point as hex.
    pub icon: String,
}

/// A freshly issued ticket and how many are waiting before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// The committed ticket.
    pub ticket: Ticket,
    /// Waiting tickets in the same queue and business date, issued before it.
    pub ahead: u32,
    /// Where its number came from.
    pub source: NumberSource,
}

/// How a new ticket is to be numbered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Numbering {
    /// This kiosk works alone: its own counter per queue and day.
    Local,
    /// The office granted `number` to `ticket_id` on `business_date`.
    Office {
        /// The id the number was asked for; the ticket gets it.
        ticket_id: String,
        /// The day the number belongs to.
        business_date: NaiveDate,
        /// The number.
        number: u32,
    },
    /// The office did not answer in time: the next number of a block it reserved for us.
    Block,
}

/// Where a ticket's number came from, as stored in `ticket.number_source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberSource {
    /// The kiosk's own counter (no office).
    Local,
    /// The office's shared sequence.
    Office,
    /// A block the office reserved for this kiosk.
    Block,
    /// Past every block while the office was gone: unique on this kiosk only.
    Overflow,
}

impl NumberSource {
    /// Stable storage code.
    pub fn code(self) -> &'static str {
        match self {
            NumberSource::Local => "local",
            NumberSource::Office => "office",
            NumberSource::Block => "block",
            NumberSource::Overflow => "overflow",
        }
    }

    /// Inverse of [`code`](Self::code).
    pub fn from_code(code: &str) -> Option<NumberSource> {
        [
            NumberSource::Local,
            NumberSource::Office,
            NumberSource::Block,
            NumberSource::Overflow,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// An event waiting in the outbox for the office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEvent {
    /// Event uuid (idempotency key at the office).
    pub id: String,
    /// Event kind, e.g. [`EVENT_TICKET_ISSUED`].
    pub kind: String,
    /// JSON payload.
    pub payload: String,
    /// Effective time of the event.
    pub created_at: DateTime<Utc>,
}

/// An open store file.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

const TICKET_COLUMNS: &str = "id, queue, number, business_date, issued_at, wall_clock, clock_status, field, priority, state, printed_at, follow_token";

impl Store {
    /// Opens (creating if needed) and migrates the store at `path`; refuses a file from a newer version.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        Self::open_inner(&path).with_context(|| format!("store {}", path.display()))
    }

    fn open_inner(path: &Path) -> Result<Store> {
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Refuse before changing anything, even the journal mode.
        schema::check_version(&conn)?;
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            bail!("cannot switch to WAL journal mode (got {mode:?}); is the file on a filesystem without shared memory?");
        }
        // FULL: the WAL is fsynced at each commit, so a committed ticket survives a power cut.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // After a checkpoint the WAL is cut back to this, so a big transaction (a first sync,
        // a rebuild) does not leave a WAL of its size on the flash.
        conn.pragma_update(None, "journal_size_limit", 16 * 1024 * 1024)?;
        schema::migrate(&mut conn)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The file this store was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Issues the next ticket of `queue` from this kiosk's own counter (a kiosk that works
    /// alone); see [`issue_ticket_with`](Self::issue_ticket_with).
    pub fn issue_ticket(
        &mut self,
        queue: &str,
        field: &str,
        priority: PriorityGroup,
        now: DateTime<Utc>,
        tz: Tz,
    ) -> Result<Issued> {
        self.issue_ticket_with(queue, field, priority, now, tz, Numbering::Local)
    }

    /// The business date a ticket issued at board time `now` would get.
    pub fn business_date_at(&self, now: DateTime<Utc>, tz: Tz) -> Result<NaiveDate> {
        Ok(business_date(
            effective_time(now, self.high_water()?).at,
            tz,
        ))
    }

    /// Issues the next ticket of `queue` in one durable transaction (see the module comment),
    /// numbered as `numbering` says.
    ///
    /// `now` is the board's clock reading; the ticket is stamped with the effective time
    /// (never earlier than any earlier ticket) and numbered within that time's business date.
    pub fn issue_ticket_with(
        &mut self,
        queue: &str,
        field: &str,
        priority: PriorityGroup,
        now: DateTime<Utc>,
        tz: Tz,
        numbering: Numbering,
    ) -> Result<Issued> {
        self.issue_ticket_as(queue, field, priority, now, tz, numbering, None)
    }

    /// Like [`issue_ticket_with`](Self::issue_ticket_with), for a checked-in booking: the
    /// ticket takes the id the office was given at check-in (whatever the numbering), so the
    /// office links it to the booking, and its event names the booking's code.
    #[allow(clippy::too_many_arguments)]
    pub fn issue_ticket_as(
        &mut self,
        queue: &str,
        field: &str,
        priority: PriorityGroup,
        now: DateTime<Utc>,
        tz: Tz,
        numbering: Numbering,
        booked: Option<(String, String)>,
    ) -> Result<Issued> {
        let (forced_id, booking) = booked.unzip();
        if queue.is_empty() || field.is_empty() {
            bail!("issue_ticket: queue and field must not be empty");
        }
        // Made before the transaction, so a failure holds no lock and uses no number. A
        // random source that fails refuses the ticket like any other store failure (the
        // citizen is sent to the staff) rather than issuing one without a follow page: the
        // ticket's id comes from the same source, so nothing unique could be made anyway.
        let follow_token = crate::follow::new_token().context("issue_ticket: no follow token")?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let high_water: Option<String> = tx
            .query_row("SELECT high_water FROM clock WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?;
        let high_water = high_water.as_deref().map(parse_ts).transpose()?;
        let eff = effective_time(now, high_water);
        let date = business_date(eff.at, tz);
        let date_s = fmt_date(date);
        let (id, number, source) = match numbering {
            Numbering::Local => (
                uuid::Uuid::new_v4().to_string(),
                local_number(&tx, queue, &date_s)?,
                NumberSource::Local,
            ),
            // A grant for another day (midnight passed meanwhile) or a number this kiosk
            // already used (it issued past its block while the office was gone) is not used.
            Numbering::Office {
                ticket_id,
                business_date,
                number,
            } if business_date == date && !number_taken(&tx, queue, &date_s, number)? => {
                (ticket_id, number, NumberSource::Office)
            }
            other => {
                let id = match other {
                    Numbering::Office { ticket_id, .. } => ticket_id,
                    _ => uuid::Uuid::new_v4().to_string(),
                };
                match block_number(&tx, queue, &date_s)? {
                    Some(n) => (id, n, NumberSource::Block),
                    None => (
                        id,
                        overflow_number(&tx, queue, &date_s)?,
                        NumberSource::Overflow,
                    ),
                }
            }
        };
        let id = forced_id.unwrap_or(id);
        let ticket = Ticket {
            id,
            queue: queue.to_string(),
            number,
            business_date: date,
            issued_at: eff.at,
            wall_clock: now,
            clock_status: eff.status,
            field: field.to_string(),
            priority,
            state: TicketState::Waiting,
            printed_at: None,
            follow_token: Some(follow_token),
            booking,
        };
        tx.execute(
            &format!(
                "INSERT INTO ticket({TICKET_COLUMNS}, number_source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULL, ?11, ?12)"
            ),
            params![
                ticket.id,
                ticket.queue,
                number,
                date_s,
                fmt_ts(ticket.issued_at),
                fmt_ts(ticket.wall_clock),
                ticket.clock_status.code(),
                ticket.field,
                ticket.priority.code(),
                ticket.state.code(),
                ticket.follow_token,
                source.code(),
            ],
        )?;
        let mut payload = serde_json::to_value(&ticket)?;
        payload["number_source"] = source.code().into();
        tx.execute(
            "INSERT INTO outbox(id, kind, payload, created_at, sent_at) VALUES (?1, ?2, ?3, ?4, NULL)",
            params![
                uuid::Uuid::new_v4().to_string(),
                EVENT_TICKET_ISSUED,
                payload.to_string(),
                fmt_ts(eff.at),
            ],
        )?;
        tx.execute(
            "INSERT INTO clock(id, high_water) VALUES (1, ?1)
             ON CONFLICT(id) DO UPDATE SET high_water = excluded.high_water",
            params![fmt_ts(eff.at)],
        )?;
        // With an office, its count (which falls as counters call) plus this kiosk's unsent
        // tickets, the new one among them; alone, this kiosk's own tickets.
        let ahead = match office_waiting(&tx, queue, &date_s)? {
            Some(n) => n.saturating_sub(1),
            None => count_waiting(&tx, queue, &date_s, Some(&ticket.id))?,
        };
        tx.commit()?;
        Ok(Issued {
            ticket,
            ahead,
            source,
        })
    }

    /// Where the number of ticket `id` came from.
    pub fn number_source(&self, id: &str) -> Result<Option<NumberSource>> {
        let code: Option<String> = self
            .conn
            .query_row(
                "SELECT number_source FROM ticket WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(code.as_deref().and_then(NumberSource::from_code))
    }

    /// Records that the receipt of ticket `id` was printed.
    pub fn mark_printed(&mut self, id: &str, at: DateTime<Utc>) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE ticket SET printed_at = ?1 WHERE id = ?2",
            params![fmt_ts(at), id],
        )?;
        if n == 0 {
            bail!("mark_printed: no ticket {id}");
        }
        Ok(())
    }

    /// The ticket with this id.
    pub fn ticket(&self, id: &str) -> Result<Option<Ticket>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {TICKET_COLUMNS} FROM ticket WHERE id = ?1"),
                [id],
                ticket_from_row,
            )
            .optional()?)
    }

    /// All tickets of a business date, in issue order.
    pub fn tickets_on(&self, date: NaiveDate) -> Result<Vec<Ticket>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {TICKET_COLUMNS} FROM ticket WHERE business_date = ?1 ORDER BY issued_at, rowid"
        ))?;
        let rows = st.query_map([fmt_date(date)], ticket_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Tickets of a business date whose receipt has not been printed, in issue order: the
    /// jobs the admin view keeps for a reprint.
    pub fn unprinted_on(&self, date: NaiveDate) -> Result<Vec<Ticket>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {TICKET_COLUMNS} FROM ticket
             WHERE business_date = ?1 AND printed_at IS NULL ORDER BY issued_at, rowid"
        ))?;
        let rows = st.query_map([fmt_date(date)], ticket_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Waiting tickets of the same queue and day issued before `ticket`, for a reprint.
    pub fn waiting_before(&self, ticket: &Ticket) -> Result<u32> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM ticket
             WHERE queue = ?1 AND business_date = ?2 AND state = 'waiting' AND issued_at < ?3",
            params![
                ticket.queue,
                fmt_date(ticket.business_date),
                fmt_ts(ticket.issued_at)
            ],
            |r| r.get(0),
        )?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// Waiting tickets in `queue` on `date`: what a ticket issued now would have ahead of it
    /// (over all kiosks once the office sent the queue's state, as [`Store::issue_ticket`]).
    pub fn waiting_ahead(&self, queue: &str, date: NaiveDate) -> Result<u32> {
        let date = fmt_date(date);
        match office_waiting(&self.conn, queue, &date)? {
            Some(n) => Ok(n),
            None => count_waiting(&self.conn, queue, &date, None),
        }
    }

    /// The effective-time high-water mark, if any ticket was ever issued.
    pub fn high_water(&self) -> Result<Option<DateTime<Utc>>> {
        let s: Option<String> = self
            .conn
            .query_row("SELECT high_water FROM clock WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?;
        s.as_deref().map(parse_ts).transpose()
    }

    /// The value of a connection pragma such as `journal_mode` or `synchronous`, for `doctor` and tests.
    pub fn pragma(&self, name: &str) -> Result<String> {
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            bail!("not a pragma name: {name:?}");
        }
        let v: rusqlite::types::Value =
            self.conn
                .query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))?;
        Ok(match v {
            rusqlite::types::Value::Null => String::new(),
            rusqlite::types::Value::Integer(i) => i.to_string(),
            rusqlite::types::Value::Real(f) => f.to_string(),
            rusqlite::types::Value::Text(t) => t,
            rusqlite::types::Value::Blob(_) => "<blob>".to_string(),
        })
    }

    /// Events not yet sent to the office, oldest first.
    pub fn outbox_pending(&self, limit: u32) -> Result<Vec<OutboxEvent>> {
        let mut st = self.conn.prepare(
            "SELECT id, kind, payload, created_at FROM outbox WHERE sent_at IS NULL
             ORDER BY created_at, rowid LIMIT ?1",
        )?;
        let rows = st.query_map([limit], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, kind, payload, created_at) = row?;
            out.push(OutboxEvent {
                id,
                kind,
                payload,
                created_at: parse_ts(&created_at)?,
            });
        }
        Ok(out)
    }

    /// SQLite's `integrity_check` and `foreign_key_check`; an error lists what is wrong.
    pub fn integrity_check(&self) -> Result<()> {
        let mut st = self.conn.prepare("PRAGMA integrity_check")?;
        let problems: Vec<String> = st
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if problems != ["ok"] {
            bail!("store integrity check failed: {}", problems.join("; "));
        }
        let mut st = self.conn.prepare("PRAGMA foreign_key_check")?;
        let fk: Vec<String> = st
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<_>>()?;
        if !fk.is_empty() {
            bail!(
                "store foreign key check failed in tables: {}",
                fk.join(", ")
            );
        }
        Ok(())
    }
}

/// The kiosk's own next number, skipping any this kiosk already used another way.
fn local_number(conn: &Connection, queue: &str, date: &str) -> Result<u32> {
    loop {
        let n: i64 = conn.query_row(
            "INSERT INTO queue_day(queue, business_date, last_number) VALUES (?1, ?2, 1)
             ON CONFLICT(queue, business_date) DO UPDATE SET last_number = last_number + 1
             RETURNING last_number",
            params![queue, date],
            |r| r.get(0),
        )?;
        let n = u32::try_from(n).context("ticket number out of range")?;
        if !number_taken(conn, queue, date, n)? {
            return Ok(n);
        }
    }
}

fn number_taken(conn: &Connection, queue: &str, date: &str, number: u32) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM ticket WHERE queue = ?1 AND business_date = ?2 AND number = ?3",
            params![queue, date, number],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// The next unused number of this kiosk's blocks for the queue and day, oldest block first.
fn block_number(conn: &Connection, queue: &str, date: &str) -> Result<Option<u32>> {
    loop {
        let next: Option<(i64, i64)> = conn
            .query_row(
                "SELECT seq, next_number FROM number_block
                 WHERE queue = ?1 AND business_date = ?2 AND next_number <= last_number
                 ORDER BY seq LIMIT 1",
                params![queue, date],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((seq, n)) = next else {
            return Ok(None);
        };
        conn.execute(
            "UPDATE number_block SET next_number = next_number + 1
             WHERE queue = ?1 AND business_date = ?2 AND seq = ?3",
            params![queue, date, seq],
        )?;
        let n = u32::try_from(n).context("block number out of range")?;
        if !number_taken(conn, queue, date, n)? {
            return Ok(Some(n));
        }
    }
}

/// Numbers issued with no block left start here, far above the office's online numbers and
/// the blocks it carves from 501, so they meet neither; staff can tell them apart.
pub const OVERFLOW_BASE: u32 = 9001;

/// Past every number this kiosk knows of for the queue and day, from [`OVERFLOW_BASE`]:
/// unique here, and with a single kiosk unique everywhere; with several, two kiosks past
/// their blocks on the same day may collide.
fn overflow_number(conn: &Connection, queue: &str, date: &str) -> Result<u32> {
    let n: i64 = conn.query_row(
        "SELECT MAX(?3,
                    COALESCE((SELECT MAX(number) FROM ticket WHERE queue = ?1 AND business_date = ?2), 0) + 1,
                    COALESCE((SELECT MAX(last_number) FROM number_block WHERE queue = ?1 AND business_date = ?2), 0) + 1)",
        params![queue, date, OVERFLOW_BASE],
        |r| r.get(0),
    )?;
    u32::try_from(n).context("ticket number out of range")
}

/// Who waits in the queue over all kiosks, as far as this kiosk knows: the office's count at
/// the last sync plus this kiosk's tickets not yet sent to it (the new one included); None
/// before the office sent the queue's state for that day.
fn office_waiting(conn: &Connection, queue: &str, date: &str) -> Result<Option<u32>> {
    let n: Option<i64> = conn
        .query_row(
            "SELECT waiting + (SELECT COUNT(*) FROM outbox
                               WHERE sent_at IS NULL AND kind = ?3
                                 AND json_extract(payload, '$.queue') = ?1
                                 AND json_extract(payload, '$.business_date') = ?2)
             FROM office_queue WHERE queue = ?1 AND business_date = ?2",
            params![queue, date, EVENT_TICKET_ISSUED],
            |r| r.get(0),
        )
        .optional()?;
    Ok(n.map(|n| u32::try_from(n).unwrap_or(u32::MAX)))
}

fn count_waiting(conn: &Connection, queue: &str, date: &str, except: Option<&str>) -> Result<u32> {
    let n: i64 = conn.query_row(
        "SELECT COUNT(*) FROM ticket
         WHERE queue = ?1 AND business_date = ?2 AND state = 'waiting' AND id IS NOT ?3",
        params![queue, date, except],
        |r| r.get(0),
    )?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Fixed-width RFC 3339 (nanoseconds, `Z`) so text order is time order in SQL.
fn fmt_ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

fn parse_ts(s: &str) -> Result<DateTime<Utc>> {
    Ok(DateTime::parse_from_rfc3339(s)
        .with_context(|| format!("bad timestamp {s:?} in store"))?
        .with_timezone(&Utc))
}

fn fmt_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn conversion_error(
    idx: usize,
    e: impl std::error::Error + Send + Sync + 'static,
) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e))
}

#[derive(Debug)]
struct BadCode(String);

impl std::fmt::Display for BadCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown code {:?}", self.0)
    }
}

impl std::error::Error for BadCode {}

fn ticket_from_row(r: &Row<'_>) -> rusqlite::Result<Ticket> {
    let ts = |i: usize| -> rusqlite::Result<DateTime<Utc>> {
        let s: String = r.get(i)?;
        DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| conversion_error(i, e))
    };
    let code = |i: usize| -> rusqlite::Result<String> { r.get(i) };
    let date: String = r.get(3)?;
    let printed_at: Option<String> = r.get(10)?;
    let clock = code(6)?;
    let priority = code(8)?;
    let state = code(9)?;
    Ok(Ticket {
        id: r.get(0)?,
        queue: r.get(1)?,
        number: r.get(2)?,
        business_date: NaiveDate::parse_from_str(&date, "%Y-%m-%d")
            .map_err(|e| conversion_error(3, e))?,
        issued_at: ts(4)?,
        wall_clock: ts(5)?,
        clock_status: ClockStatus::from_code(&clock)
            .ok_or_else(|| conversion_error(6, BadCode(clock)))?,
        field: r.get(7)?,
        priority: PriorityGroup::from_code(&priority)
            .ok_or_else(|| conversion_error(8, BadCode(priority)))?,
        state: TicketState::from_code(&state).ok_or_else(|| conversion_error(9, BadCode(state)))?,
        printed_at: printed_at
            .map(|s| {
                DateTime::parse_from_rfc3339(&s)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|e| conversion_error(10, e))
            })
            .transpose()?,
        follow_token: r.get(11)?,
        // Kept in the event's payload only: a reprint does not need it.
        booking: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_sort_as_text() {
        let a = DateTime::parse_from_rfc3339("2025-06-01T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let b = a + chrono::TimeDelta::nanoseconds(1);
        let c = a + chrono::TimeDelta::hours(30);
        assert!(fmt_ts(a) < fmt_ts(b) && fmt_ts(b) < fmt_ts(c));
        assert_eq!(fmt_ts(a).len(), fmt_ts(c).len());
        assert_eq!(parse_ts(&fmt_ts(b)).unwrap(), b);
    }
}
