//! The counters at the office: clerk accounts and their sessions, each counter's state, the
//! calls clerks make (by the rule in [`crate::domain::calling`]), what the display board and
//! the rating tablets show, and the office's own settings for them (the queues clerks pick
//! from, the calling policy). The views are the JSON the pages get (docs/counters.md).
//!
//! Every action runs in one write transaction that first locks its counter's row, then
//! takes a ticket only with `UPDATE … WHERE state = 'waiting'`: on PostgreSQL a ticket
//! another office process took meanwhile is seen as changed (0 rows) and the choice is made
//! again, so two counters never get one ticket; SQLite has one writer at a time anyway.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::db::{placeholders, sql_params, Param, Row, Tx};
use super::store::{
    day, idle_cutoff, lock_rev, new_token, open_counters, parse_ts, queues_changed, split_queues,
    to_u32, token_hash, ts, OfficeStore,
};
pub use super::store::{OpenCounter, SESSION_IDLE};
use crate::catalogue::Catalogue;
use crate::domain::calling::{next_ticket, streak_after, CallPolicy, Waiting};
use crate::domain::numbering::format_ticket_number;
use crate::domain::speech::announcement;
use crate::domain::text::nfc;

/// A session ends this long after login, whatever happens.
pub const SESSION_LIFETIME: TimeDelta = TimeDelta::hours(12);
/// A no-show may be called back this long after it was marked.
pub const NO_SHOW_GRACE: TimeDelta = TimeDelta::minutes(15);
/// The rating tablet asks about a ticket finished at most this long ago.
pub const RATING_WINDOW: TimeDelta = TimeDelta::minutes(5);
/// Counters are numbered 1 to this.
pub const MAX_COUNTER: u32 = 99;
/// The board's list of recent calls.
const BOARD_RECENT: i64 = 10;

/// An action a page may not take now: a status and a code the page translates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// HTTP status to answer.
    pub status: u16,
    /// Machine code (docs/counters.md).
    pub code: &'static str,
    /// English message for logs and the API.
    pub message: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Refused {}

fn refuse(status: u16, code: &'static str, message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Refused {
        status,
        code,
        message: message.into(),
    })
}

/// A clerk account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clerk {
    /// Stable id.
    #[serde(skip)]
    pub id: String,
    /// Login name.
    pub username: String,
    /// Full name, shown on the console and in reports.
    pub name: String,
    /// May see the reports.
    pub lead: bool,
}

/// A clerk logged in at a counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClerkSession {
    /// Who.
    pub clerk: Clerk,
    /// Where.
    pub counter: u32,
}

/// A queue clerks pick from: the kiosk config's `[[queues]]` (prefix and fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueDef {
    /// Ticket prefix, e.g. "A".
    pub prefix: String,
    /// Catalogue field codes it serves.
    pub fields: Vec<String>,
}

/// A queue as the login form lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueOption {
    /// Ticket prefix.
    pub prefix: String,
    /// Its fields' Vietnamese names.
    pub name_vi: String,
    /// Its fields' English names.
    pub name_en: String,
}

/// What a clerk asks of the counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Finish a ticket being served, then call the next.
    Next,
    /// Announce the called ticket again.
    Recall,
    /// The called ticket did not come.
    NoShow,
    /// Call back a recent no-show of this counter.
    RecallNoShow(String),
    /// The citizen is at the counter.
    Start,
    /// Service ends.
    Finish,
    /// Send the current ticket to another queue and/or one counter.
    Transfer {
        /// The queue it waits in next (None: the same).
        queue: Option<String>,
        /// The only counter that may call it (None: any serving its queue).
        counter: Option<u32>,
    },
    /// Stop taking calls.
    Pause,
    /// Take calls again.
    Resume,
}

/// A ticket as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TicketView {
    /// Ticket id.
    pub id: String,
    /// "A012".
    pub label: String,
    /// The queue it waits or is served in.
    pub queue: String,
    /// Priority group code ("none" for ordinary).
    pub priority: String,
    /// Catalogue field code.
    pub field: String,
    /// "called" or "serving".
    pub state: String,
    /// Issue time.
    pub issued_at: String,
    /// Last call.
    pub called_at: Option<String>,
    /// Service start.
    pub started_at: Option<String>,
    /// Calls and recalls so far.
    pub calls: u32,
}

/// One queue's waiting tickets for a counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaitingCount {
    /// Queue prefix.
    pub queue: String,
    /// Its name in Vietnamese.
    pub name_vi: String,
    /// Its name in English.
    pub name_en: String,
    /// Tickets waiting (those sent to another counter left out).
    pub waiting: u32,
    /// Of which priority tickets.
    pub priority: u32,
    /// This counter serves the queue.
    pub served: bool,
}

/// A line of the call log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallRow {
    /// When.
    pub at: String,
    /// Which ticket.
    pub label: String,
    /// call, recall, no_show, start, finish, transfer.
    pub action: String,
    /// Where.
    pub counter: u32,
}

/// A no-show the counter may still call back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoShowView {
    /// Ticket id.
    pub id: String,
    /// "A009".
    pub label: String,
    /// When it was marked.
    pub no_show_at: String,
}

/// Everything the console shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CounterView {
    /// Who is logged in.
    pub clerk: Clerk,
    /// This counter.
    pub counter: u32,
    /// Queues it serves.
    pub queues: Vec<String>,
    /// Not taking calls.
    pub paused: bool,
    /// The ticket called or served here.
    pub current: Option<TicketView>,
    /// Waiting tickets per queue.
    pub waiting: Vec<WaitingCount>,
    /// This counter's last calls and recalls today, newest first.
    pub recent: Vec<CallRow>,
    /// Recallable no-shows.
    pub no_shows: Vec<NoShowView>,
    /// Open counters (for transfers).
    pub counters: Vec<OpenCounter>,
}

/// A counter on the display board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoardCounter {
    /// Its number.
    pub counter: u32,
    /// The ticket it last called today, if any.
    pub label: Option<String>,
    /// When.
    pub at: Option<String>,
    /// Not taking calls.
    pub paused: bool,
}

/// A call the board lists and announces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoardCall {
    /// Rises with every call: the board announces ids above the highest it has seen.
    pub id: i64,
    /// "A012".
    pub label: String,
    /// The counter to go to.
    pub counter: u32,
    /// When.
    pub at: String,
    /// The voice clips after the chime.
    pub say: Vec<&'static str>,
}

/// Everything the display board shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoardView {
    /// Notice line in Vietnamese.
    pub notice_vi: String,
    /// Notice line in English.
    pub notice_en: String,
    /// Open counters.
    pub counters: Vec<BoardCounter>,
    /// Latest calls, newest first.
    pub recent: Vec<BoardCall>,
}

/// A ticket the rating tablet asks about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingRating {
    /// Ticket id.
    pub ticket_id: String,
    /// "A012".
    pub label: String,
    /// When it was finished.
    pub finished_at: String,
}

/// What a rating tablet shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateView {
    /// Its counter.
    pub counter: u32,
    /// The ticket to rate, if any.
    pub pending: Option<PendingRating>,
}

/// The three answers of the rating tablet.
pub const SCORES: [&str; 3] = ["very_satisfied", "satisfied", "unsatisfied"];
/// Reasons a citizen may give with "unsatisfied".
pub const REASONS: [&str; 5] = ["long_wait", "attitude", "unclear", "paperwork", "other"];

/// Checks a username: what a clerk types, so short and plain.
fn check_username(username: &str) -> Result<()> {
    let ok = (1..=32).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        anyhow::bail!("a username is 1 to 32 of a-z, 0-9, '.', '_' and '-' (got {username:?})")
    }
}

/// Minimum password length.
pub const MIN_PASSWORD: usize = 8;

fn log_call(
    tx: &mut Tx,
    ticket_id: &str,
    counter: u32,
    clerk_id: &str,
    action: &str,
    now: DateTime<Utc>,
    date: NaiveDate,
) -> Result<()> {
    let label = tx
        .query_one(
            "SELECT queue, number FROM ticket WHERE id = ?1",
            sql_params![ticket_id],
        )
        .map(|r| Ok::<_, anyhow::Error>(format_ticket_number(&r.text(0)?, to_u32(r.int(1)?))))??;
    tx.execute(
        "INSERT INTO call_log (ticket_id, label, counter, clerk_id, action, at, business_date)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        sql_params![
            ticket_id,
            &label,
            counter,
            clerk_id,
            action,
            &ts(now),
            &day(date)
        ],
    )?;
    Ok(())
}

const TICKET_VIEW_COLUMNS: &str =
    "id, queue, number, serve_queue, priority, field, state, issued_at, called_at, started_at, calls";

fn ticket_view(r: &Row) -> Result<TicketView> {
    Ok(TicketView {
        id: r.text(0)?,
        label: format_ticket_number(&r.text(1)?, to_u32(r.int(2)?)),
        queue: r.text(3)?,
        priority: r.text(4)?,
        field: r.text(5)?,
        state: r.text(6)?,
        issued_at: r.text(7)?,
        called_at: r.opt_text(8)?,
        started_at: r.opt_text(9)?,
        calls: to_u32(r.int(10)?),
    })
}

/// The ticket a counter's state names as current, if it is still called or served there.
fn held_ticket(tx: &mut Tx, id: Option<String>, counter: u32) -> Result<Option<TicketView>> {
    let Some(id) = id else { return Ok(None) };
    tx.query_opt(
        &format!(
            "SELECT {TICKET_VIEW_COLUMNS} FROM ticket
             WHERE id = ?1 AND counter = ?2 AND state IN ('called', 'serving')"
        ),
        sql_params![&id, counter],
    )?
    .map(|r| ticket_view(&r))
    .transpose()
}

/// The counter's row, locked until the commit: (clerk id, queues, paused, streak, current).
struct CounterRow {
    queues: Vec<String>,
    paused: bool,
    streak: u32,
    current: Option<TicketView>,
}

fn lock_counter(tx: &mut Tx, session: &ClerkSession, now: DateTime<Utc>) -> Result<CounterRow> {
    let row = tx
        .query_opt(
            "UPDATE counter_state SET updated_at = ?2 WHERE counter = ?1 AND clerk_id = ?3 AND open = 1
             RETURNING queues, paused, streak, current",
            sql_params![session.counter, &ts(now), &session.clerk.id],
        )?
        .ok_or_else(|| {
            refuse(
                401,
                "counter_closed",
                format!("counter {} is no longer open for this clerk", session.counter),
            )
        })?;
    let current = held_ticket(tx, row.opt_text(3)?, session.counter)?;
    Ok(CounterRow {
        queues: split_queues(&row.text(0)?),
        paused: row.int(1)? != 0,
        streak: to_u32(row.int(2)?),
        current,
    })
}

fn set_current(tx: &mut Tx, counter: u32, current: Option<&str>, streak: u32) -> Result<()> {
    tx.execute(
        "UPDATE counter_state SET current = ?2, streak = ?3 WHERE counter = ?1",
        sql_params![counter, current, streak],
    )?;
    Ok(())
}

impl OfficeStore {
    /// Creates a clerk account (or, with `replace`, gives an existing one a new name,
    /// password and role); the password is stored as an argon2id hash.
    pub fn add_clerk(
        &mut self,
        username: &str,
        name: &str,
        password: &str,
        lead: bool,
        replace: bool,
        now: DateTime<Utc>,
    ) -> Result<Clerk> {
        check_username(username)?;
        let name = nfc(name.trim());
        anyhow::ensure!(!name.is_empty(), "a clerk needs a name (--name)");
        anyhow::ensure!(
            password.chars().count() >= MIN_PASSWORD,
            "a password has at least {MIN_PASSWORD} characters"
        );
        let hash = crate::auth::hash_secret(password);
        let id = uuid::Uuid::new_v4().to_string();
        self.write(|tx| {
            let existing = tx
                .query_opt(
                    "SELECT id FROM clerk WHERE username = ?1",
                    sql_params![username],
                )?
                .map(|r| r.text(0))
                .transpose()?;
            let id = match existing {
                Some(_) if !replace => anyhow::bail!(
                    "a clerk named {username:?} exists; add --replace to give it a new password"
                ),
                Some(old) => {
                    tx.execute(
                        "UPDATE clerk SET name = ?2, password_hash = ?3, lead = ?4, disabled_at = NULL WHERE id = ?1",
                        sql_params![&old, &name, &hash, i64::from(lead)],
                    )?;
                    // A new password ends the sessions opened with the old one.
                    tx.execute(
                        "DELETE FROM clerk_session WHERE clerk_id = ?1",
                        sql_params![&old],
                    )?;
                    old
                }
                None => {
                    tx.execute(
                        "INSERT INTO clerk (id, username, name, password_hash, lead, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        sql_params![&id, username, &name, &hash, i64::from(lead), &ts(now)],
                    )?;
                    id.clone()
                }
            };
            Ok(Clerk {
                id,
                username: username.to_string(),
                name: name.clone(),
                lead,
            })
        })
    }

    /// A clerk account and its password hash, for a login (the hash is checked by the
    /// caller, outside any lock: argon2 is slow on purpose).
    pub fn clerk_credentials(&self, username: &str) -> Result<Option<(Clerk, String)>> {
        self.read(|tx| {
            tx.query_opt(
                "SELECT id, username, name, lead, password_hash FROM clerk
                 WHERE username = ?1 AND disabled_at IS NULL",
                sql_params![username],
            )?
            .map(|r| {
                Ok((
                    Clerk {
                        id: r.text(0)?,
                        username: r.text(1)?,
                        name: r.text(2)?,
                        lead: r.int(3)? != 0,
                    },
                    r.text(4)?,
                ))
            })
            .transpose()
        })
    }

    /// Opens a session of `clerk` at `counter` serving `queues`; returns its token, which is
    /// stored hashed. Another clerk's live session at that counter refuses it; the clerk's
    /// own sessions elsewhere end (one counter per clerk).
    pub fn open_session(
        &mut self,
        clerk: &Clerk,
        counter: u32,
        queues: &[String],
        now: DateTime<Utc>,
    ) -> Result<String> {
        if !(1..=MAX_COUNTER).contains(&counter) {
            return Err(refuse(
                400,
                "bad_request",
                format!("a counter is numbered 1 to {MAX_COUNTER}"),
            ));
        }
        if queues.is_empty() {
            return Err(refuse(400, "bad_request", "choose at least one queue"));
        }
        let known = self.queue_prefixes()?;
        if let Some(q) = queues.iter().find(|q| !known.contains(q)) {
            return Err(refuse(400, "bad_request", format!("unknown queue {q:?}")));
        }
        let token = new_token();
        let hash = token_hash(&token);
        self.write(|tx| {
            // The counter's row first, locked until the commit: two logins to one counter
            // through two office processes take turns.
            let previous = tx
                .query_one(
                    "INSERT INTO counter_state (counter, queues, open, paused, streak, updated_at)
                     VALUES (?1, '', 0, 0, 0, ?2)
                     ON CONFLICT (counter) DO UPDATE SET updated_at = counter_state.updated_at
                     RETURNING clerk_id",
                    sql_params![counter, &ts(now)],
                )?
                .opt_text(0)?;
            let holder = tx
                .query_opt(
                    "SELECT c.name FROM clerk_session s JOIN clerk c ON c.id = s.clerk_id
                     WHERE s.counter = ?1 AND s.clerk_id <> ?2 AND s.expires_at > ?3 AND s.last_seen > ?4",
                    sql_params![counter, &clerk.id, &ts(now), &idle_cutoff(now)],
                )?
                .map(|r| r.text(0))
                .transpose()?;
            if let Some(name) = holder {
                return Err(refuse(
                    409,
                    "counter_taken",
                    format!("counter {counter} is open for {name}"),
                ));
            }
            let others: Vec<i64> = tx
                .query(
                    "SELECT counter FROM clerk_session WHERE clerk_id = ?1 AND counter <> ?2",
                    sql_params![&clerk.id, counter],
                )?
                .iter()
                .map(|r| r.int(0))
                .collect::<Result<_>>()?;
            for other in others {
                release_current(tx, to_u32(other), now)?;
                tx.execute(
                    "UPDATE counter_state SET open = 0 WHERE counter = ?1 AND clerk_id = ?2",
                    sql_params![other, &clerk.id],
                )?;
            }
            if previous.as_deref().is_some_and(|p| p != clerk.id) {
                release_current(tx, counter, now)?;
            }
            tx.execute(
                "DELETE FROM clerk_session WHERE clerk_id = ?1 OR (counter = ?2 AND (expires_at <= ?3 OR last_seen <= ?4))",
                sql_params![&clerk.id, counter, &ts(now), &idle_cutoff(now)],
            )?;
            tx.execute(
                "INSERT INTO clerk_session (token_hash, clerk_id, counter, created_at, expires_at, last_seen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?4)",
                sql_params![&hash, &clerk.id, counter, &ts(now), &ts(now + SESSION_LIFETIME)],
            )?;
            tx.execute(
                "UPDATE counter_state SET clerk_id = ?2, queues = ?3, open = 1, paused = 0, updated_at = ?4
                 WHERE counter = ?1",
                sql_params![counter, &clerk.id, &queues.join(","), &ts(now)],
            )?;
            queues_changed(tx)?;
            Ok(())
        })?;
        log::info!(event = "counter_opened", counter = counter; "clerk {} opened counter {counter}", clerk.username);
        Ok(token)
    }

    /// The live session a token belongs to (refreshing its last use), or None.
    pub fn session(&mut self, token: &str, now: DateTime<Utc>) -> Result<Option<ClerkSession>> {
        self.find_session(token, now, true)
    }

    /// The live session a token belongs to, leaving its last use alone: an open page's
    /// live stream must not keep a clerk who went home logged in.
    pub fn session_peek(
        &mut self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ClerkSession>> {
        self.find_session(token, now, false)
    }

    fn find_session(
        &mut self,
        token: &str,
        now: DateTime<Utc>,
        touch: bool,
    ) -> Result<Option<ClerkSession>> {
        let hash = token_hash(token);
        self.write(|tx| {
            let Some(r) = tx.query_opt(
                "SELECT c.id, c.username, c.name, c.lead, s.counter, s.last_seen FROM clerk_session s
                 JOIN clerk c ON c.id = s.clerk_id
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND s.last_seen > ?3 AND c.disabled_at IS NULL",
                sql_params![&hash, &ts(now), &idle_cutoff(now)],
            )?
            else {
                return Ok(None);
            };
            // Written at most once a minute: the stream asks on every change.
            if touch && parse_ts(&r.text(5)?)? < now - TimeDelta::minutes(1) {
                tx.execute(
                    "UPDATE clerk_session SET last_seen = ?2 WHERE token_hash = ?1",
                    sql_params![&hash, &ts(now)],
                )?;
            }
            Ok(Some(ClerkSession {
                clerk: Clerk {
                    id: r.text(0)?,
                    username: r.text(1)?,
                    name: r.text(2)?,
                    lead: r.int(3)? != 0,
                },
                counter: to_u32(r.int(4)?),
            }))
        })
    }

    /// Ends a session; its counter closes, and its ticket is released ([`release_current`]).
    pub fn close_session(&mut self, token: &str, now: DateTime<Utc>) -> Result<()> {
        let hash = token_hash(token);
        self.write(|tx| {
            if let Some(r) = tx.query_opt(
                "DELETE FROM clerk_session WHERE token_hash = ?1 RETURNING counter, clerk_id",
                sql_params![&hash],
            )? {
                let (counter, clerk) = (to_u32(r.int(0)?), r.text(1)?);
                let holds = tx
                    .query_opt(
                        "SELECT 1 FROM counter_state WHERE counter = ?1 AND clerk_id = ?2",
                        sql_params![counter, &clerk],
                    )?
                    .is_some();
                if holds {
                    release_current(tx, counter, now)?;
                    tx.execute(
                        "UPDATE counter_state SET open = 0 WHERE counter = ?1",
                        sql_params![counter],
                    )?;
                }
                queues_changed(tx)?;
            }
            Ok(())
        })
    }

    /// Stores the queues clerks pick from (the kiosk config's `[[queues]]`).
    pub fn set_queues(&mut self, queues: &[QueueDef]) -> Result<()> {
        anyhow::ensure!(!queues.is_empty(), "no queues to set");
        let json = serde_json::to_string(queues)?;
        self.set_config("queues", &json)
    }

    /// Stores the calling policy.
    pub fn set_call_policy(&mut self, policy: CallPolicy) -> Result<()> {
        let json = serde_json::json!({
            "max_priority_in_row": policy.max_priority_in_row,
            "max_wait_minutes": policy.max_wait.num_minutes(),
        });
        self.set_config("calling", &json.to_string())
    }

    /// The calling policy ([`CallPolicy::default`] until set).
    pub fn call_policy(&self) -> Result<CallPolicy> {
        let Some(json) = self.config("calling")? else {
            return Ok(CallPolicy::default());
        };
        #[derive(Deserialize)]
        struct Stored {
            max_priority_in_row: u32,
            max_wait_minutes: i64,
        }
        let s: Stored = serde_json::from_str(&json).context("bad calling policy stored")?;
        Ok(CallPolicy {
            max_priority_in_row: s.max_priority_in_row,
            max_wait: TimeDelta::minutes(s.max_wait_minutes),
        })
    }

    fn set_config(&mut self, key: &str, value: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO office_config (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = ?2",
                sql_params![key, value],
            )?;
            queues_changed(tx)
        })
    }

    fn config(&self, key: &str) -> Result<Option<String>> {
        self.read(|tx| {
            tx.query_opt(
                "SELECT value FROM office_config WHERE key = ?1",
                sql_params![key],
            )?
            .map(|r| r.text(0))
            .transpose()
        })
    }

    /// The queues set with [`set_queues`](Self::set_queues); without them, those tickets
    /// were issued in (so an office nobody configured still works).
    pub fn queues(&self) -> Result<Vec<QueueDef>> {
        if let Some(json) = self.config("queues")? {
            return serde_json::from_str(&json).context("bad queue list stored");
        }
        let prefixes = self.read(|tx| {
            tx.query("SELECT DISTINCT serve_queue FROM ticket", &[])?
                .iter()
                .map(|r| r.text(0))
                .collect::<Result<Vec<_>>>()
        })?;
        let mut prefixes = prefixes;
        prefixes.sort();
        Ok(prefixes
            .into_iter()
            .map(|prefix| QueueDef {
                prefix,
                fields: Vec::new(),
            })
            .collect())
    }

    fn queue_prefixes(&self) -> Result<Vec<String>> {
        Ok(self.queues()?.into_iter().map(|q| q.prefix).collect())
    }

    /// The queues with their fields' names (from the catalogue kiosks get, or the built-in
    /// one), for the login form and the console.
    pub fn queue_options(&self) -> Result<Vec<QueueOption>> {
        let catalogue = match self.catalogue()? {
            Some(json) => Catalogue::from_json(&json).unwrap_or_else(|e| {
                log::warn!("the stored catalogue does not load ({e:#}); naming queues from the built-in one");
                Catalogue::default_embedded()
            }),
            None => Catalogue::default_embedded(),
        };
        Ok(self
            .queues()?
            .into_iter()
            .map(|q| {
                let names = |vi: bool| {
                    q.fields
                        .iter()
                        .map(|code| {
                            catalogue.field(code).map_or(code.clone(), |f| {
                                if vi {
                                    f.name_vi.clone()
                                } else {
                                    f.name_en.clone()
                                }
                            })
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                QueueOption {
                    name_vi: names(true),
                    name_en: names(false),
                    prefix: q.prefix,
                }
            })
            .collect())
    }

    /// Does what the clerk asked at the counter; a refusal is a [`Refused`] error.
    pub fn counter_action(
        &mut self,
        session: &ClerkSession,
        action: &Action,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<()> {
        let policy = self.call_policy()?;
        // Only a transfer needs the queue list.
        let known = match action {
            Action::Transfer { .. } => self.queue_prefixes()?,
            _ => Vec::new(),
        };
        let c = session.counter;
        let clerk = session.clerk.id.as_str();
        self.write(|tx| {
            // The change counter first: actions of every office process then commit in the
            // order their call-log ids were taken, so a board never skips a call.
            lock_rev(tx)?;
            let row = lock_counter(tx, session, now)?;
            let need_current = || {
                refuse(409, "no_current", "no ticket is called or served at this counter")
            };
            let called = |row: &CounterRow| {
                row.current
                    .clone()
                    .filter(|t| t.state == "called")
                    .ok_or_else(need_current)
            };
            match action {
                Action::Next => {
                    if row.paused {
                        return Err(refuse(409, "paused", "the counter is paused"));
                    }
                    if let Some(cur) = &row.current {
                        if cur.state == "called" {
                            return Err(refuse(
                                409,
                                "not_started",
                                format!("{} was called but not started: start it or mark it a no-show", cur.label),
                            ));
                        }
                        finish(tx, &cur.id, c, clerk, now, today)?;
                        set_current(tx, c, None, row.streak)?;
                    }
                    if !call_next(tx, session, &row, policy, now, today)? {
                        // The ticket served is finished all the same.
                        queues_changed(tx)?;
                        return Ok(Some(refuse(
                            409,
                            "nobody_waiting",
                            "nobody is waiting for this counter",
                        )));
                    }
                }
                Action::Recall => {
                    let cur = called(&row)?;
                    tx.execute(
                        "UPDATE ticket SET called_at = ?2, calls = calls + 1 WHERE id = ?1",
                        sql_params![&cur.id, &ts(now)],
                    )?;
                    log_call(tx, &cur.id, c, clerk, "recall", now, today)?;
                }
                Action::NoShow => {
                    let cur = called(&row)?;
                    tx.execute(
                        "UPDATE ticket SET state = 'no_show', no_show_at = ?2 WHERE id = ?1",
                        sql_params![&cur.id, &ts(now)],
                    )?;
                    log_call(tx, &cur.id, c, clerk, "no_show", now, today)?;
                    set_current(tx, c, None, row.streak)?;
                }
                Action::RecallNoShow(id) => {
                    if let Some(cur) = &row.current {
                        return Err(refuse(
                            409,
                            "busy",
                            format!("{} is still at this counter", cur.label),
                        ));
                    }
                    let changed = tx.execute(
                        "UPDATE ticket SET state = 'called', called_at = ?3, calls = calls + 1, no_show_at = NULL, clerk_id = ?5
                         WHERE id = ?1 AND counter = ?2 AND state = 'no_show' AND no_show_at > ?4",
                        sql_params![id.as_str(), c, &ts(now), &ts(now - NO_SHOW_GRACE), clerk],
                    )?;
                    if changed == 0 {
                        return Err(refuse(
                            409,
                            "not_recallable",
                            "that ticket is not a recent no-show of this counter",
                        ));
                    }
                    log_call(tx, id, c, clerk, "recall", now, today)?;
                    set_current(tx, c, Some(id), row.streak)?;
                }
                Action::Start => {
                    let cur = called(&row)?;
                    tx.execute(
                        "UPDATE ticket SET state = 'serving', started_at = ?2 WHERE id = ?1",
                        sql_params![&cur.id, &ts(now)],
                    )?;
                    log_call(tx, &cur.id, c, clerk, "start", now, today)?;
                }
                Action::Finish => {
                    let cur = row.current.clone().ok_or_else(need_current)?;
                    finish(tx, &cur.id, c, clerk, now, today)?;
                    set_current(tx, c, None, row.streak)?;
                }
                Action::Transfer { queue, counter } => {
                    let cur = row.current.clone().ok_or_else(need_current)?;
                    if queue.is_none() && counter.is_none() {
                        return Err(refuse(400, "bad_request", "transfer to a queue or a counter"));
                    }
                    if let Some(q) = queue {
                        if !known.contains(q) {
                            return Err(refuse(400, "bad_request", format!("unknown queue {q:?}")));
                        }
                    }
                    if let Some(to) = counter {
                        let open = open_counters(tx, now)?.iter().any(|o| o.counter == *to);
                        if *to == c || !open {
                            return Err(refuse(400, "bad_request", format!("counter {to} is not open to take a transfer")));
                        }
                    }
                    // Back to waiting with its issue time and first call kept: it is not
                    // sent to the end of the line.
                    tx.execute(
                        "UPDATE ticket SET state = 'waiting', serve_queue = COALESCE(?2, serve_queue),
                             for_counter = ?3, counter = NULL, clerk_id = NULL, started_at = NULL
                         WHERE id = ?1",
                        sql_params![&cur.id, queue.as_deref(), counter.map(i64::from)],
                    )?;
                    log_call(tx, &cur.id, c, clerk, "transfer", now, today)?;
                    set_current(tx, c, None, row.streak)?;
                }
                Action::Pause | Action::Resume => {
                    tx.execute(
                        "UPDATE counter_state SET paused = ?2 WHERE counter = ?1",
                        sql_params![c, i64::from(*action == Action::Pause)],
                    )?;
                }
            }
            queues_changed(tx)?;
            Ok(None)
        })
        .and_then(|refusal| refusal.map_or(Ok(()), Err))
    }

    /// What the console of a session shows.
    pub fn counter_view(
        &self,
        session: &ClerkSession,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<CounterView> {
        let options = self.queue_options()?;
        let c = session.counter;
        self.read(|tx| {
            let row = tx
                .query_opt(
                    "SELECT queues, paused, current FROM counter_state WHERE counter = ?1",
                    sql_params![c],
                )?
                .context("the session's counter has no state")?;
            let queues = split_queues(&row.text(0)?);
            let current = held_ticket(tx, row.opt_text(2)?, c)?;
            let mut counts: BTreeMap<String, (u32, u32)> = BTreeMap::new();
            for r in tx.query(
                "SELECT serve_queue, COUNT(*), COUNT(CASE WHEN priority <> 'none' THEN 1 END) FROM ticket
                 WHERE business_date = ?1 AND state = 'waiting' AND (for_counter IS NULL OR for_counter = ?2)
                 GROUP BY serve_queue",
                sql_params![&day(today), c],
            )? {
                counts.insert(r.text(0)?, (to_u32(r.int(1)?), to_u32(r.int(2)?)));
            }
            let mut waiting: Vec<WaitingCount> = options
                .iter()
                .map(|o| {
                    let (n, p) = counts.remove(&o.prefix).unwrap_or_default();
                    WaitingCount {
                        served: queues.contains(&o.prefix),
                        queue: o.prefix.clone(),
                        name_vi: o.name_vi.clone(),
                        name_en: o.name_en.clone(),
                        waiting: n,
                        priority: p,
                    }
                })
                .collect();
            // Tickets in a queue nobody configured (sent to this counter, say) still show.
            waiting.extend(counts.into_iter().map(|(q, (n, p))| WaitingCount {
                served: queues.contains(&q),
                name_vi: String::new(),
                name_en: String::new(),
                queue: q,
                waiting: n,
                priority: p,
            }));
            let recent = tx
                .query(
                    "SELECT at, label, action, counter FROM call_log
                     WHERE business_date = ?1 AND counter = ?2 AND action IN ('call', 'recall')
                     ORDER BY id DESC LIMIT 10",
                    sql_params![&day(today), c],
                )?
                .iter()
                .map(|r| {
                    Ok(CallRow {
                        at: r.text(0)?,
                        label: r.text(1)?,
                        action: r.text(2)?,
                        counter: to_u32(r.int(3)?),
                    })
                })
                .collect::<Result<_>>()?;
            let no_shows = tx
                .query(
                    "SELECT id, queue, number, no_show_at FROM ticket
                     WHERE counter = ?1 AND state = 'no_show' AND no_show_at > ?2 ORDER BY no_show_at DESC",
                    sql_params![c, &ts(now - NO_SHOW_GRACE)],
                )?
                .iter()
                .map(|r| {
                    Ok(NoShowView {
                        id: r.text(0)?,
                        label: format_ticket_number(&r.text(1)?, to_u32(r.int(2)?)),
                        no_show_at: r.text(3)?,
                    })
                })
                .collect::<Result<_>>()?;
            Ok(CounterView {
                clerk: session.clerk.clone(),
                counter: c,
                queues,
                paused: row.int(1)? != 0,
                current,
                waiting,
                recent,
                no_shows,
                counters: open_counters(tx, now)?,
            })
        })
    }

    /// What the display board shows.
    pub fn board_view(&self, now: DateTime<Utc>, today: NaiveDate) -> Result<BoardView> {
        let settings = self.settings()?;
        self.read(|tx| {
            let counters = open_counters(tx, now)?
                .into_iter()
                .map(|oc| {
                    let last = tx
                        .query_opt(
                            "SELECT label, at FROM call_log WHERE business_date = ?1 AND counter = ?2
                             AND action IN ('call', 'recall') ORDER BY id DESC LIMIT 1",
                            sql_params![&day(today), oc.counter],
                        )?
                        .map(|r| Ok::<_, anyhow::Error>((r.text(0)?, r.text(1)?)))
                        .transpose()?;
                    Ok(BoardCounter {
                        counter: oc.counter,
                        label: last.as_ref().map(|l| l.0.clone()),
                        at: last.map(|l| l.1),
                        paused: oc.paused,
                    })
                })
                .collect::<Result<_>>()?;
            let recent = tx
                .query(
                    "SELECT id, label, counter, at FROM call_log WHERE business_date = ?1
                     AND action IN ('call', 'recall') ORDER BY id DESC LIMIT ?2",
                    sql_params![&day(today), BOARD_RECENT],
                )?
                .iter()
                .map(|r| {
                    let label = r.text(1)?;
                    let counter = to_u32(r.int(2)?);
                    Ok(BoardCall {
                        id: r.int(0)?,
                        say: announcement(&label, counter),
                        label,
                        counter,
                        at: r.text(3)?,
                    })
                })
                .collect::<Result<_>>()?;
            Ok(BoardView {
                notice_vi: settings.notice_vi.clone(),
                notice_en: settings.notice_en.clone(),
                counters,
                recent,
            })
        })
    }

    /// What the rating tablet of `counter` shows.
    pub fn rate_view(&self, counter: u32, now: DateTime<Utc>) -> Result<RateView> {
        let pending = self.read(|tx| pending_rating(tx, counter, now))?;
        Ok(RateView {
            counter,
            pending: pending.map(|(p, _)| p),
        })
    }

    /// Stores a citizen's rating of the ticket just finished at `counter`.
    pub fn rate(
        &mut self,
        counter: u32,
        ticket_id: &str,
        score: &str,
        reasons: &[String],
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !SCORES.contains(&score) {
            return Err(refuse(
                400,
                "bad_request",
                format!("unknown score {score:?}"),
            ));
        }
        if let Some(r) = reasons.iter().find(|r| !REASONS.contains(&r.as_str())) {
            return Err(refuse(400, "bad_request", format!("unknown reason {r:?}")));
        }
        if !reasons.is_empty() && score != "unsatisfied" {
            return Err(refuse(
                400,
                "bad_request",
                "reasons go with an unsatisfied answer only",
            ));
        }
        self.write(|tx| match pending_rating(tx, counter, now)? {
            Some((p, clerk)) if p.ticket_id == ticket_id => {
                // Two offices may take the same answer at once: the second is refused.
                let stored = tx.execute(
                    "INSERT INTO rating (ticket_id, counter, clerk_id, score, reasons, at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (ticket_id) DO NOTHING",
                    sql_params![
                        ticket_id,
                        counter,
                        clerk.as_deref(),
                        score,
                        &reasons.join(","),
                        &ts(now)
                    ],
                )?;
                if stored == 0 {
                    return Err(refuse(409, "not_pending", "that ticket was rated already"));
                }
                Ok(())
            }
            _ => Err(refuse(
                409,
                "not_pending",
                "that ticket is not waiting for a rating at this counter",
            )),
        })
    }
}

/// Calls the next ticket for the counter by the calling rule (false: nobody waits for it);
/// a ticket another office process took between the choice and the update is skipped and
/// the choice made again.
fn call_next(
    tx: &mut Tx,
    session: &ClerkSession,
    row: &CounterRow,
    policy: CallPolicy,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<bool> {
    let c = session.counter;
    let date = day(today);
    let now_text = ts(now);
    for _ in 0..20 {
        // The rule looks only at the earliest ticket of each class (and whether a second
        // ordinary one waits), so the database sends those rather than the whole queue.
        let mut rows = Vec::new();
        for (op, limit) in [("=", 2i64), ("<>", 1)] {
            let mut params: Vec<Param> = vec![
                Param::from(date.as_str()),
                Param::from(c),
                Param::from(limit),
            ];
            params.extend(row.queues.iter().map(Param::from));
            rows.extend(tx.query(
                &format!(
                    "SELECT id, priority, issued_at FROM ticket
                     WHERE business_date = ?1 AND state = 'waiting' AND priority {op} 'none'
                       AND (for_counter = ?2 OR (for_counter IS NULL AND serve_queue IN ({})))
                     ORDER BY issued_at, id LIMIT ?3",
                    placeholders(4, row.queues.len())
                ),
                &params,
            )?);
        }
        let mut owned = Vec::with_capacity(rows.len());
        for r in &rows {
            owned.push((r.text(0)?, r.text(1)? != "none", parse_ts(&r.text(2)?)?));
        }
        let waiting: Vec<Waiting> = owned
            .iter()
            .map(|(id, priority, at)| Waiting {
                id,
                priority: *priority,
                issued_at: *at,
            })
            .collect();
        let Some(chosen) = next_ticket(&waiting, row.streak, now, policy) else {
            return Ok(false);
        };
        // Still waiting, and still for this counter (a transfer may have moved it meanwhile).
        let mut params: Vec<Param> = vec![
            Param::from(chosen.id),
            Param::from(c),
            Param::from(session.clerk.id.as_str()),
            Param::from(now_text.as_str()),
        ];
        params.extend(row.queues.iter().map(Param::from));
        let taken = tx.execute(
            &format!(
                "UPDATE ticket SET state = 'called', counter = ?2, clerk_id = ?3, called_at = ?4,
                     first_called_at = COALESCE(first_called_at, ?4), calls = calls + 1
                 WHERE id = ?1 AND state = 'waiting'
                   AND (for_counter = ?2 OR (for_counter IS NULL AND serve_queue IN ({})))",
                placeholders(5, row.queues.len())
            ),
            &params,
        )?;
        if taken == 0 {
            continue;
        }
        let ordinary_left = waiting.iter().any(|w| !w.priority && w.id != chosen.id);
        let streak = streak_after(row.streak, chosen.priority, ordinary_left);
        let id = chosen.id.to_string();
        log_call(tx, &id, c, &session.clerk.id, "call", now, today)?;
        set_current(tx, c, Some(&id), streak)?;
        return Ok(true);
    }
    anyhow::bail!("counter {c}: every ticket chosen was taken by another counter 20 times over")
}

fn finish(
    tx: &mut Tx,
    id: &str,
    counter: u32,
    clerk: &str,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<()> {
    // Finished straight from a call: service counted from the call.
    tx.execute(
        "UPDATE ticket SET state = 'done', finished_at = ?2, started_at = COALESCE(started_at, called_at)
         WHERE id = ?1",
        sql_params![id, &ts(now)],
    )?;
    log_call(tx, id, counter, clerk, "finish", now, today)
}

/// Lets go of the ticket a counter holds when the counter closes or changes hands, so no
/// citizen is lost: a ticket only called goes back to waiting (its issue time keeps its
/// place), one being served is finished.
fn release_current(tx: &mut Tx, counter: u32, now: DateTime<Utc>) -> Result<()> {
    let current = tx
        .query_opt(
            "SELECT t.id, t.state FROM counter_state c JOIN ticket t ON t.id = c.current
             WHERE c.counter = ?1 AND t.counter = ?1 AND t.state IN ('called', 'serving')",
            sql_params![counter],
        )?
        .map(|r| Ok::<_, anyhow::Error>((r.text(0)?, r.text(1)?)))
        .transpose()?;
    if let Some((id, state)) = current {
        if state == "called" {
            tx.execute(
                "UPDATE ticket SET state = 'waiting', counter = NULL, clerk_id = NULL WHERE id = ?1",
                sql_params![&id],
            )?;
        } else {
            tx.execute(
                "UPDATE ticket SET state = 'done', finished_at = ?2 WHERE id = ?1",
                sql_params![&id, &ts(now)],
            )?;
        }
        log::info!("counter {counter} closed or changed hands: its {state} ticket was released");
    }
    tx.execute(
        "UPDATE counter_state SET current = NULL WHERE counter = ?1",
        sql_params![counter],
    )?;
    Ok(())
}

/// The ticket finished last at `counter` within the rating window, if not rated, with its
/// clerk.
fn pending_rating(
    tx: &mut Tx,
    counter: u32,
    now: DateTime<Utc>,
) -> Result<Option<(PendingRating, Option<String>)>> {
    let Some(r) = tx.query_opt(
        "SELECT id, queue, number, finished_at, clerk_id FROM ticket
         WHERE counter = ?1 AND state = 'done' AND finished_at > ?2
         ORDER BY finished_at DESC LIMIT 1",
        sql_params![counter, &ts(now - RATING_WINDOW)],
    )?
    else {
        return Ok(None);
    };
    let id = r.text(0)?;
    let rated = tx
        .query_opt(
            "SELECT 1 FROM rating WHERE ticket_id = ?1",
            sql_params![&id],
        )?
        .is_some();
    if rated {
        return Ok(None);
    }
    Ok(Some((
        PendingRating {
            label: format_ticket_number(&r.text(1)?, to_u32(r.int(2)?)),
            ticket_id: id,
            finished_at: r.text(3)?,
        },
        r.opt_text(4)?,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::office::test_db::{both_backends, Backend, TestDb};
    use crate::office::{Device, Role};
    use chrono::TimeZone;

    both_backends! {
        calls_put_priority_first_with_a_capped_run_then_issue_order,
        recall_no_show_transfer_start_finish_and_rate,
        a_counter_belongs_to_one_live_session,
        kiosks_learn_now_serving_the_measured_service_time_and_open_counters,
        the_report_sums_waits_services_ratings_and_dossiers,
        a_counter_closing_or_changing_hands_loses_no_ticket,
    }

    fn d() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    /// 08:00 Vietnamese time on the test day, plus `min` minutes.
    fn at(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 1, 0, 0).unwrap() + TimeDelta::minutes(min)
    }

    struct Office {
        _db: TestDb,
        s: OfficeStore,
        kiosk: Device,
    }

    fn office(b: Backend) -> Office {
        let db = TestDb::new(b);
        let mut s = OfficeStore::open(db.target()).unwrap();
        let kiosk = s.enroll_device("Kiosk", Role::Kiosk, at(0)).unwrap().0;
        s.set_queues(&[
            QueueDef {
                prefix: "A".into(),
                fields: vec!["HT".into()],
            },
            QueueDef {
                prefix: "B".into(),
                fields: vec!["DD".into()],
            },
        ])
        .unwrap();
        Office { _db: db, s, kiosk }
    }

    impl Office {
        /// Reports a waiting ticket issued at minute `min`.
        fn ticket(&mut self, queue: &str, number: u32, min: i64, priority: &str) -> String {
            let id = format!("t-{queue}{number}");
            let payload = serde_json::json!({
                "id": id, "queue": queue, "number": number, "business_date": d(),
                "issued_at": at(min), "field": "HT", "priority": priority, "state": "waiting",
            })
            .to_string();
            self.s
                .apply_event(
                    &self.kiosk,
                    &format!("e-{id}"),
                    crate::protocol::EVENT_TICKET_ISSUED,
                    &payload,
                    at(min),
                )
                .unwrap();
            id
        }

        fn clerk(
            &mut self,
            username: &str,
            counter: u32,
            queues: &[&str],
            min: i64,
        ) -> ClerkSession {
            let clerk = self
                .s
                .add_clerk(
                    username,
                    &format!("Cán bộ {username}"),
                    "mat-khau-8",
                    false,
                    false,
                    at(min),
                )
                .unwrap();
            let queues: Vec<String> = queues.iter().map(|q| q.to_string()).collect();
            self.s
                .open_session(&clerk, counter, &queues, at(min))
                .unwrap();
            ClerkSession { clerk, counter }
        }

        fn act(&mut self, who: &ClerkSession, action: Action, min: i64) -> Result<CounterView> {
            self.s.counter_action(who, &action, at(min), d())?;
            self.s.counter_view(who, at(min), d())
        }

        fn current(&mut self, who: &ClerkSession, min: i64) -> Option<String> {
            self.s
                .counter_view(who, at(min), d())
                .unwrap()
                .current
                .map(|t| t.label)
        }
    }

    fn code(e: anyhow::Error) -> &'static str {
        e.downcast_ref::<Refused>()
            .unwrap_or_else(|| panic!("not a refusal: {e:#}"))
            .code
    }

    fn calls_put_priority_first_with_a_capped_run_then_issue_order(b: Backend) {
        let mut o = office(b);
        o.s.set_call_policy(CallPolicy {
            max_priority_in_row: 2,
            max_wait: TimeDelta::minutes(45),
        })
        .unwrap();
        o.ticket("A", 1, 0, "none");
        o.ticket("A", 2, 1, "elderly");
        o.ticket("A", 3, 2, "pregnant");
        // Issued earlier than A004 by another kiosk with a later number: issue order counts.
        o.ticket("A", 505, 3, "disabled");
        o.ticket("A", 4, 4, "elderly");
        o.ticket("A", 5, 5, "none");
        o.ticket("B", 1, 0, "none");
        let lan = o.clerk("lan", 1, &["A"], 6);
        let mut order = Vec::new();
        for i in 0..6 {
            let v = o.act(&lan, Action::Next, 10 + i).unwrap();
            let cur = v.current.unwrap();
            assert_eq!(cur.state, "called");
            order.push(cur.label);
            o.act(&lan, Action::Start, 10 + i).unwrap();
        }
        assert_eq!(order, ["A002", "A003", "A001", "A505", "A004", "A005"]);
        // The last one is finished by "next", which then finds nobody for queue A.
        assert_eq!(
            code(o.act(&lan, Action::Next, 20).unwrap_err()),
            "nobody_waiting"
        );
        assert_eq!(o.current(&lan, 20), None, "the served ticket was finished");
        let v = o.s.counter_view(&lan, at(20), d()).unwrap();
        let waiting: Vec<(String, u32, bool)> = v
            .waiting
            .iter()
            .map(|w| (w.queue.clone(), w.waiting, w.served))
            .collect();
        assert_eq!(waiting, [("A".into(), 0, true), ("B".into(), 1, false)]);
        assert_eq!(v.waiting[0].name_vi, "Hộ tịch");

        // An ordinary ticket past the maximum wait goes before a priority one.
        o.ticket("A", 6, 21, "none");
        o.ticket("A", 7, 70, "elderly");
        let v = o.act(&lan, Action::Next, 70).unwrap();
        assert_eq!(v.current.unwrap().label, "A006", "waited 49 minutes");
        // Paused: no calls.
        o.act(&lan, Action::Start, 70).unwrap();
        o.act(&lan, Action::Finish, 71).unwrap();
        o.act(&lan, Action::Pause, 71).unwrap();
        assert_eq!(code(o.act(&lan, Action::Next, 72).unwrap_err()), "paused");
        o.act(&lan, Action::Resume, 72).unwrap();
        assert_eq!(
            o.act(&lan, Action::Next, 72)
                .unwrap()
                .current
                .unwrap()
                .label,
            "A007"
        );
    }

    fn recall_no_show_transfer_start_finish_and_rate(b: Backend) {
        let mut o = office(b);
        let a1 = o.ticket("A", 1, 0, "none");
        o.ticket("A", 2, 1, "none");
        o.ticket("B", 1, 2, "none");
        let lan = o.clerk("lan", 1, &["A"], 3);
        let nam = o.clerk("nam", 2, &["B"], 3);

        let v = o.act(&lan, Action::Next, 5).unwrap();
        assert_eq!(v.current.as_ref().unwrap().calls, 1);
        assert_eq!(
            code(o.act(&lan, Action::Next, 5).unwrap_err()),
            "not_started"
        );
        let v = o.act(&lan, Action::Recall, 6).unwrap();
        assert_eq!(v.current.as_ref().unwrap().calls, 2);
        let v = o.act(&lan, Action::NoShow, 7).unwrap();
        assert!(v.current.is_none());
        assert_eq!(
            v.no_shows
                .iter()
                .map(|n| n.label.as_str())
                .collect::<Vec<_>>(),
            ["A001"]
        );
        // Gone too long: no longer recallable.
        assert_eq!(
            code(
                o.act(&lan, Action::RecallNoShow(a1.clone()), 7 + 16)
                    .unwrap_err()
            ),
            "not_recallable"
        );
        let v = o.act(&lan, Action::RecallNoShow(a1.clone()), 10).unwrap();
        assert_eq!(v.current.as_ref().unwrap().label, "A001");
        assert_eq!(v.current.as_ref().unwrap().calls, 3);
        assert!(v.no_shows.is_empty());
        o.act(&lan, Action::Start, 11).unwrap();
        assert_eq!(
            code(o.act(&lan, Action::Recall, 11).unwrap_err()),
            "no_current"
        );

        // Transfer to queue B: counter 2 calls it before B001, issued later.
        let v = o
            .act(
                &lan,
                Action::Transfer {
                    queue: Some("B".into()),
                    counter: None,
                },
                12,
            )
            .unwrap();
        assert!(v.current.is_none());
        let v = o.act(&nam, Action::Next, 13).unwrap();
        let cur = v.current.unwrap();
        assert_eq!((cur.label.as_str(), cur.queue.as_str()), ("A001", "B"));
        o.act(&nam, Action::Start, 14).unwrap();
        // Sent back to counter 1 only (which serves A, not B): nobody else may call it.
        o.act(
            &nam,
            Action::Transfer {
                queue: None,
                counter: Some(1),
            },
            15,
        )
        .unwrap();
        let v = o.act(&nam, Action::Next, 16).unwrap();
        assert_eq!(v.current.unwrap().label, "B001");
        let v = o.act(&lan, Action::Next, 17).unwrap();
        assert_eq!(
            v.current.unwrap().label,
            "A001",
            "sent to this counter, before A002"
        );
        assert_eq!(
            code(
                o.act(
                    &lan,
                    Action::Transfer {
                        queue: None,
                        counter: Some(1)
                    },
                    17
                )
                .unwrap_err()
            ),
            "bad_request"
        );
        assert_eq!(
            code(
                o.act(
                    &lan,
                    Action::Transfer {
                        queue: Some("Z".into()),
                        counter: None
                    },
                    17
                )
                .unwrap_err()
            ),
            "bad_request"
        );
        o.act(&lan, Action::Start, 18).unwrap();
        o.act(&lan, Action::Finish, 25).unwrap();

        // The tablet at counter 1 asks about A001 for 5 minutes, once.
        let pending = o.s.rate_view(1, at(26)).unwrap().pending.unwrap();
        assert_eq!(pending.label, "A001");
        assert!(o.s.rate_view(2, at(26)).unwrap().pending.is_none());
        assert!(
            o.s.rate_view(1, at(31)).unwrap().pending.is_none(),
            "5 minutes passed"
        );
        let reasons = vec!["long_wait".to_string(), "paperwork".to_string()];
        assert_eq!(
            code(o.s.rate(1, &a1, "satisfied", &reasons, at(26)).unwrap_err()),
            "bad_request"
        );
        assert_eq!(
            code(o.s.rate(1, &a1, "meh", &[], at(26)).unwrap_err()),
            "bad_request"
        );
        o.s.rate(1, &a1, "unsatisfied", &reasons, at(26)).unwrap();
        assert_eq!(
            code(o.s.rate(1, &a1, "satisfied", &[], at(26)).unwrap_err()),
            "not_pending"
        );
        assert!(o.s.rate_view(1, at(26)).unwrap().pending.is_none());

        // The board: each open counter's last call, the calls newest first with their voice.
        let board = o.s.board_view(at(26), d()).unwrap();
        let counters: Vec<(u32, Option<&str>)> = board
            .counters
            .iter()
            .map(|c| (c.counter, c.label.as_deref()))
            .collect();
        assert_eq!(counters, [(1, Some("A001")), (2, Some("B001"))]);
        let recent: Vec<(&str, u32)> = board
            .recent
            .iter()
            .map(|c| (c.label.as_str(), c.counter))
            .collect();
        assert_eq!(
            recent,
            [
                ("A001", 1),
                ("B001", 2),
                ("A001", 2),
                ("A001", 1),
                ("A001", 1),
                ("A001", 1)
            ]
        );
        assert!(board.recent.windows(2).all(|w| w[0].id > w[1].id));
        assert_eq!(
            board.recent[0].say,
            ["moi_cong_dan", "letter_a", "mot", "den_quay_so", "mot"]
        );
        let log: Vec<String> =
            o.s.counter_view(&lan, at(26), d())
                .unwrap()
                .recent
                .iter()
                .map(|r| r.action.clone())
                .collect();
        assert_eq!(log, ["call", "recall", "recall", "call"]);
    }

    fn a_counter_closing_or_changing_hands_loses_no_ticket(b: Backend) {
        let mut o = office(b);
        o.ticket("A", 1, 0, "none");
        o.ticket("A", 2, 1, "none");
        let lan = o.clerk("lan", 1, &["A"], 2);
        let nam = o.clerk("nam", 2, &["A"], 2);
        // Lan calls A001 and goes: A001 waits again, first in line.
        o.act(&lan, Action::Next, 3).unwrap();
        let t =
            o.s.open_session(&lan.clerk, 1, &["A".to_string()], at(4))
                .unwrap();
        o.s.close_session(&t, at(5)).unwrap();
        assert_eq!(
            o.act(&nam, Action::Next, 6).unwrap().current.unwrap().label,
            "A001"
        );
        o.act(&nam, Action::Start, 6).unwrap();
        // Nam's session lapses while serving; Lan takes counter 2 over: the ticket Nam was
        // serving is finished, not left in limbo.
        let nam_later =
            o.s.open_session(&lan.clerk, 2, &["A".to_string()], at(6 + 121))
                .unwrap();
        let lan2 = ClerkSession {
            clerk: lan.clerk.clone(),
            counter: 2,
        };
        assert!(o
            .s
            .counter_view(&lan2, at(128), d())
            .unwrap()
            .current
            .is_none());
        let r = o.s.report(d(), d(), chrono_tz::Asia::Ho_Chi_Minh).unwrap();
        assert_eq!(
            r.total.served, 1,
            "A001 finished when the counter changed hands"
        );
        // A transfer goes only to an open counter.
        assert_eq!(
            o.act(&lan2, Action::Next, 129)
                .unwrap()
                .current
                .unwrap()
                .label,
            "A002"
        );
        for to in [5, 1] {
            let e = o
                .act(
                    &lan2,
                    Action::Transfer {
                        queue: None,
                        counter: Some(to),
                    },
                    130,
                )
                .unwrap_err();
            assert_eq!(code(e), "bad_request", "counter {to} is closed");
        }
        o.s.close_session(&nam_later, at(131)).unwrap();
        assert_eq!(
            o.s.changes(0, None, d(), at(131)).unwrap().queues[0].waiting,
            1
        );
    }

    fn a_counter_belongs_to_one_live_session(b: Backend) {
        let mut o = office(b);
        let lan = o.clerk("lan", 1, &["A"], 0);
        let nam =
            o.s.add_clerk("nam", "Nam", "mat-khau-8", false, false, at(0))
                .unwrap();
        let queues = vec!["A".to_string()];
        let e = o.s.open_session(&nam, 1, &queues, at(1)).unwrap_err();
        assert_eq!(code(e), "counter_taken");
        assert_eq!(
            code(o.s.open_session(&nam, 0, &queues, at(1)).unwrap_err()),
            "bad_request"
        );
        assert_eq!(
            code(o.s.open_session(&nam, 2, &[], at(1)).unwrap_err()),
            "bad_request"
        );
        assert_eq!(
            code(
                o.s.open_session(&nam, 2, &["Q".to_string()], at(1))
                    .unwrap_err()
            ),
            "bad_request"
        );
        // Lan's session lapses after 2 idle hours; then Nam may open counter 1.
        let t = o.s.open_session(&lan.clerk, 1, &queues, at(2)).unwrap();
        assert_eq!(o.s.session(&t, at(60)).unwrap().unwrap().counter, 1);
        assert!(o.s.session("not-a-token", at(60)).unwrap().is_none());
        assert!(o.s.session(&t, at(60 + 121)).unwrap().is_none());
        let tn = o.s.open_session(&nam, 1, &queues, at(60 + 121)).unwrap();
        assert_eq!(o.s.board_view(at(182), d()).unwrap().counters.len(), 1);
        // Lan's old session cannot act on the counter Nam now holds.
        assert_eq!(
            code(o.act(&lan, Action::Pause, 182).unwrap_err()),
            "counter_closed"
        );
        o.s.close_session(&tn, at(183)).unwrap();
        assert!(o.s.session(&tn, at(183)).unwrap().is_none());
        assert!(o.s.board_view(at(183), d()).unwrap().counters.is_empty());
        // Sessions end 12 hours after login however busy.
        let t = o.s.open_session(&nam, 3, &queues, at(200)).unwrap();
        for h in 1..12 {
            assert!(o.s.session(&t, at(200 + h * 60)).unwrap().is_some());
        }
        assert!(o.s.session(&t, at(200 + 12 * 60)).unwrap().is_none());
        // A new password ends the sessions opened with the old one.
        let t = o.s.open_session(&nam, 3, &queues, at(1000)).unwrap();
        o.s.add_clerk("nam", "Nam", "mat-khau-moi", false, true, at(1001))
            .unwrap();
        assert!(o.s.session(&t, at(1002)).unwrap().is_none());
        let e =
            o.s.add_clerk("nam", "Nam", "mat-khau-moi", false, false, at(1001))
                .unwrap_err();
        assert!(e.to_string().contains("--replace"), "{e}");
        assert!(o
            .s
            .add_clerk("short", "S", "1234567", false, false, at(0))
            .is_err());
        // Reopened, the accounts are still there.
        let target = o._db.target().to_string();
        drop(o.s);
        let s = OfficeStore::open(&target).unwrap();
        let (clerk, hash) = s.clerk_credentials("nam").unwrap().unwrap();
        assert_eq!(clerk.name, "Nam");
        assert!(crate::auth::verify_pin(&hash, "mat-khau-moi"));
        assert!(!hash.contains("mat-khau"));
    }

    fn kiosks_learn_now_serving_the_measured_service_time_and_open_counters(b: Backend) {
        let mut o = office(b);
        for n in 1..=4 {
            o.ticket("A", n, 0, "none");
        }
        let lan = o.clerk("lan", 1, &["A"], 1);
        let _nam = o.clerk("nam", 2, &["A", "B"], 1);
        // Services of 4 and 6 minutes.
        o.act(&lan, Action::Next, 2).unwrap();
        o.act(&lan, Action::Start, 2).unwrap();
        o.act(&lan, Action::Finish, 6).unwrap();
        o.act(&lan, Action::Next, 6).unwrap();
        o.act(&lan, Action::Start, 6).unwrap();
        o.act(&lan, Action::Next, 12).unwrap();
        let a = |o: &mut Office| {
            o.s.changes(0, None, d(), at(12))
                .unwrap()
                .queues
                .into_iter()
                .find(|q| q.queue == "A")
                .unwrap()
        };
        let q = a(&mut o);
        assert_eq!(q.serving, Some(3));
        assert_eq!(q.waiting, 1);
        assert_eq!(q.service_seconds, Some(300));
        assert_eq!(q.counters_open, Some(2));
        o.act(&lan, Action::Pause, 12).unwrap();
        assert_eq!(a(&mut o).counters_open, Some(1));
        // The estimate a kiosk makes of it: 1 ahead × 300 s over 1 counter.
        let q = a(&mut o);
        assert_eq!(
            crate::domain::wait::estimate_from_office(1, q.service_seconds, q.counters_open, 6, 1),
            5
        );
    }

    fn the_report_sums_waits_services_ratings_and_dossiers(b: Backend) {
        let mut o = office(b);
        let a1 = o.ticket("A", 1, 0, "none");
        o.ticket("A", 2, 0, "none");
        o.ticket("B", 1, 0, "none");
        let lan = o.clerk("lan", 1, &["A", "B"], 0);
        // A001: waits 10, served 5; A002: waits 20, no-show; B001 never called.
        o.act(&lan, Action::Next, 10).unwrap();
        o.act(&lan, Action::Start, 10).unwrap();
        o.act(&lan, Action::Finish, 15).unwrap();
        o.s.rate(1, &a1, "very_satisfied", &[], at(16)).unwrap();
        o.act(&lan, Action::Next, 20).unwrap();
        o.act(&lan, Action::NoShow, 22).unwrap();
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        let r = o.s.report(d(), d(), tz).unwrap();
        assert_eq!(
            (r.total.tickets, r.total.served, r.total.no_shows),
            (3, 1, 1)
        );
        assert_eq!(r.total.wait_avg_s, Some(900));
        assert_eq!(r.total.wait_p90_s, Some(1200));
        assert_eq!(r.total.service_avg_s, Some(300));
        assert_eq!(r.total.ratings.very_satisfied, 1);
        assert_eq!(
            r.queues.iter().map(|q| q.tickets).collect::<Vec<_>>(),
            [2, 1]
        );
        assert_eq!(r.clerks.len(), 1);
        assert_eq!(r.clerks[0].key, "lan");
        assert_eq!(r.counters[0].key, "1");
        // The day before has nothing.
        let before = d() - TimeDelta::days(1);
        assert_eq!(o.s.report(before, before, tz).unwrap().total.tickets, 0);
        let rows = o.s.ticket_rows(d(), d()).unwrap();
        assert_eq!(rows.len(), 3);
    }

    #[test]
    fn usernames_are_plain() {
        assert!(check_username("lan").is_ok());
        assert!(check_username("tran.nam-2").is_ok());
        assert!(check_username("").is_err());
        assert!(check_username("Lan").is_err());
        assert!(check_username("lan nguyen").is_err());
        assert!(check_username(&"a".repeat(33)).is_err());
    }
}
