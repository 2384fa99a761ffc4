//! Clerk accounts and their sessions at the counters: a login opens a counter, a logout
//! or a lapsed session closes it and lets go of its ticket.

use anyhow::Result;
use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use super::refused::refuse;
use crate::domain::text::nfc;
use crate::office::db::{sql_params, Tx};
use crate::office::store::{
    idle_cutoff, lock_rev, new_token, parse_ts, queues_changed, to_u32, token_hash, ts,
    OfficeStore, SiteId,
};

/// A session ends this long after login, whatever happens.
pub const SESSION_LIFETIME: TimeDelta = TimeDelta::hours(12);

/// Counters are numbered 1 to this.
pub const MAX_COUNTER: u32 = 99;

/// The counter of a reports-only session: counters are numbered from 1, so 0 is none.
pub const READING: u32 = 0;

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ClerkRole {
    /// Calls tickets at the counters of its site.
    #[default]
    Clerk,
    /// Calls tickets and sees its site's reports.
    SiteLead,
    /// Sees every site's reports and the province roll-up; calls no one.
    ProvinceLead,
}

impl ClerkRole {
    /// Stable storage code.
    pub fn code(self) -> &'static str {
        match self {
            ClerkRole::Clerk => "clerk",
            ClerkRole::SiteLead => "site_lead",
            ClerkRole::ProvinceLead => "province_lead",
        }
    }

    /// Inverse of [`code`](Self::code); an unknown code (a newer office's) grants the least.
    pub fn from_code(code: &str) -> ClerkRole {
        [ClerkRole::SiteLead, ClerkRole::ProvinceLead]
            .into_iter()
            .find(|r| r.code() == code)
            .unwrap_or(ClerkRole::Clerk)
    }
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
    /// May see reports (its site's, or every site's for a province lead).
    pub lead: bool,
    /// What it may do.
    pub role: ClerkRole,
    /// Its site; None for a province lead.
    #[serde(skip)]
    pub site: Option<SiteId>,
}

impl Clerk {
    /// An account read from `id, username, name, role, site_id` at `at`.
    pub(super) fn from_row(r: &crate::office::db::Row, at: usize) -> Result<Clerk> {
        let role = ClerkRole::from_code(&r.text(at + 3)?);
        Ok(Clerk {
            id: r.text(at)?,
            username: r.text(at + 1)?,
            name: r.text(at + 2)?,
            lead: role != ClerkRole::Clerk,
            role,
            site: r.opt_int(at + 4)?.map(SiteId),
        })
    }
}

/// The columns [`Clerk::from_row`] reads, of the table aliased `c`.
pub(super) const CLERK_COLUMNS: &str = "c.id, c.username, c.name, c.role, c.site_id";

/// A clerk logged in at a counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClerkSession {
    /// Who.
    pub clerk: Clerk,
    /// Where.
    pub counter: u32,
    /// The site of that counter (the clerk's).
    pub site: SiteId,
}

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

impl OfficeStore {
    /// Creates a clerk account of `site` (none for a province lead; usernames are unique
    /// across sites) or, with `replace`, gives an existing one a new name, password, role
    /// and site; the password is stored as an argon2id hash.
    #[allow(clippy::too_many_arguments)]
    pub fn add_clerk(
        &mut self,
        site: Option<SiteId>,
        username: &str,
        name: &str,
        password: &str,
        role: ClerkRole,
        replace: bool,
        now: DateTime<Utc>,
    ) -> Result<Clerk> {
        check_username(username)?;
        match (role, site) {
            (ClerkRole::ProvinceLead, Some(_)) => {
                anyhow::bail!("a province lead belongs to no site")
            }
            (ClerkRole::Clerk | ClerkRole::SiteLead, None) => {
                anyhow::bail!("a clerk or site lead belongs to a site (--site CODE)")
            }
            _ => {}
        }
        let site_id = site.map(|s| s.0);
        let name = nfc(name.trim());
        anyhow::ensure!(!name.is_empty(), "a clerk needs a name (--name)");
        if let Some(why) = super::password_policy::weakness(password) {
            anyhow::bail!("password refused: {why}");
        }
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
                        "UPDATE clerk SET name = ?2, password_hash = ?3, role = ?4, site_id = ?5, disabled_at = NULL WHERE id = ?1",
                        sql_params![&old, &name, &hash, role.code(), site_id],
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
                        "INSERT INTO clerk (id, username, name, password_hash, created_at, role, site_id)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        sql_params![&id, username, &name, &hash, &ts(now), role.code(), site_id],
                    )?;
                    id.clone()
                }
            };
            Ok(Clerk {
                id,
                username: username.to_string(),
                name: name.clone(),
                lead: role != ClerkRole::Clerk,
                role,
                site,
            })
        })
    }

    /// A clerk account and its password hash, for a login (the hash is checked by the
    /// caller, outside any lock: argon2 is slow on purpose).
    pub fn clerk_credentials(&self, username: &str) -> Result<Option<(Clerk, String)>> {
        self.read(|tx| {
            tx.query_opt(
                &format!(
                    "SELECT {CLERK_COLUMNS}, c.password_hash FROM clerk c
                     WHERE c.username = ?1 AND c.disabled_at IS NULL"
                ),
                sql_params![username],
            )?
            .map(|r| Ok((Clerk::from_row(&r, 0)?, r.text(5)?)))
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
        let Some(site) = clerk.site.filter(|_| clerk.role != ClerkRole::ProvinceLead) else {
            return Err(refuse(
                403,
                "no_counter_role",
                "a province account sees reports and calls no one",
            ));
        };
        let known = self.queue_prefixes(site)?;
        if let Some(q) = queues.iter().find(|q| !known.contains(q)) {
            return Err(refuse(400, "bad_request", format!("unknown queue {q:?}")));
        }
        let token = new_token();
        let hash = token_hash(&token);
        self.write(|tx| {
            // The site's row first, as every write that changes tickets takes it (their
            // waiting counts are then always locked in one order), then the counter's row,
            // locked until the commit: two logins to one counter through two office
            // processes take turns.
            lock_rev(tx, site)?;
            let previous = tx
                .query_one(
                    "INSERT INTO counter_state (counter, queues, open, paused, streak, updated_at, site_id)
                     VALUES (?1, '', 0, 0, 0, ?2, ?3)
                     ON CONFLICT (site_id, counter) DO UPDATE SET updated_at = counter_state.updated_at
                     RETURNING clerk_id",
                    sql_params![counter, &ts(now), site.0],
                )?
                .opt_text(0)?;
            let holder = tx
                .query_opt(
                    "SELECT c.name FROM clerk_session s JOIN clerk c ON c.id = s.clerk_id
                     WHERE c.site_id = ?5 AND s.counter = ?1 AND s.clerk_id <> ?2
                         AND s.expires_at > ?3 AND s.last_seen > ?4",
                    sql_params![counter, &clerk.id, &ts(now), &idle_cutoff(now), site.0],
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
                    "SELECT counter FROM clerk_session WHERE clerk_id = ?1 AND counter <> ?2 AND counter > 0",
                    sql_params![&clerk.id, counter],
                )?
                .iter()
                .map(|r| r.int(0))
                .collect::<Result<_>>()?;
            for other in others {
                release_current(tx, site, to_u32(other), now)?;
                tx.execute(
                    "UPDATE counter_state SET open = 0 WHERE site_id = ?3 AND counter = ?1 AND clerk_id = ?2",
                    sql_params![other, &clerk.id, site.0],
                )?;
            }
            if previous.as_deref().is_some_and(|p| p != clerk.id) {
                release_current(tx, site, counter, now)?;
            }
            tx.execute(
                "DELETE FROM clerk_session WHERE (clerk_id = ?1 AND counter > 0) OR (counter = ?2
                     AND clerk_id IN (SELECT id FROM clerk WHERE site_id = ?5)
                     AND (expires_at <= ?3 OR last_seen <= ?4))",
                sql_params![&clerk.id, counter, &ts(now), &idle_cutoff(now), site.0],
            )?;
            tx.execute(
                "INSERT INTO clerk_session (token_hash, clerk_id, counter, created_at, expires_at, last_seen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?4)",
                sql_params![&hash, &clerk.id, counter, &ts(now), &ts(now + SESSION_LIFETIME)],
            )?;
            tx.execute(
                "UPDATE counter_state SET clerk_id = ?2, queues = ?3, open = 1, paused = 0, updated_at = ?4
                 WHERE site_id = ?5 AND counter = ?1",
                sql_params![counter, &clerk.id, &queues.join(","), &ts(now), site.0],
            )?;
            queues_changed(tx, site)?;
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
        // A reports-only session (counter 0) opens no counter: the console refuses it.
        Ok(self
            .session_row(token, now, touch)?
            .and_then(|(clerk, counter)| {
                let site = clerk.site?;
                (counter != READING).then_some(ClerkSession {
                    clerk,
                    counter,
                    site,
                })
            }))
    }

    /// The clerk of a live session, a counter's or a reports-only one (refreshing its last
    /// use): who may read reports is decided from the clerk's role.
    pub fn reader_session(&mut self, token: &str, now: DateTime<Utc>) -> Result<Option<Clerk>> {
        Ok(self.session_row(token, now, true)?.map(|(clerk, _)| clerk))
    }

    /// The clerk and counter (0: reading only) of a live session.
    fn session_row(
        &mut self,
        token: &str,
        now: DateTime<Utc>,
        touch: bool,
    ) -> Result<Option<(Clerk, u32)>> {
        let hash = token_hash(token);
        self.write(|tx| {
            let Some(r) = tx.query_opt(
                &format!(
                    "SELECT {CLERK_COLUMNS}, s.counter, s.last_seen FROM clerk_session s
                     JOIN clerk c ON c.id = s.clerk_id
                     WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND s.last_seen > ?3
                         AND c.disabled_at IS NULL"
                ),
                sql_params![&hash, &ts(now), &idle_cutoff(now)],
            )?
            else {
                return Ok(None);
            };
            // Written at most once a minute: the stream asks on every change.
            if touch && parse_ts(&r.text(6)?)? < now - TimeDelta::minutes(1) {
                tx.execute(
                    "UPDATE clerk_session SET last_seen = ?2 WHERE token_hash = ?1",
                    sql_params![&hash, &ts(now)],
                )?;
            }
            Ok(Some((Clerk::from_row(&r, 0)?, to_u32(r.int(5)?))))
        })
    }

    /// Opens a reports-only session for a lead (a site's or the province's): a row of
    /// `clerk_session` with counter 0, so no counter opens or closes. Returns its token.
    pub fn open_reading_session(&mut self, clerk: &Clerk, now: DateTime<Utc>) -> Result<String> {
        if clerk.role == ClerkRole::Clerk {
            return Err(refuse(
                403,
                "not_lead",
                "only a lead (add-clerk --lead or --province-lead) signs in to read reports",
            ));
        }
        let token = new_token();
        let hash = token_hash(&token);
        self.write(|tx| {
            // The clerk's lapsed reading sessions go, so they do not pile up.
            tx.execute(
                "DELETE FROM clerk_session WHERE clerk_id = ?1 AND counter = 0
                     AND (expires_at <= ?2 OR last_seen <= ?3)",
                sql_params![&clerk.id, &ts(now), &idle_cutoff(now)],
            )?;
            tx.execute(
                "INSERT INTO clerk_session (token_hash, clerk_id, counter, created_at, expires_at, last_seen)
                 VALUES (?1, ?2, 0, ?3, ?4, ?3)",
                sql_params![&hash, &clerk.id, &ts(now), &ts(now + SESSION_LIFETIME)],
            )?;
            Ok(())
        })?;
        log::info!(event = "reading_opened"; "lead {} signed in to read reports", clerk.username);
        Ok(token)
    }

    /// Ends a session; its counter closes, and its ticket is released ([`release_current`]).
    /// Returns the session's site, None for a token that was no session.
    pub fn close_session(&mut self, token: &str, now: DateTime<Utc>) -> Result<Option<SiteId>> {
        let hash = token_hash(token);
        self.write(|tx| {
            if let Some(r) = tx.query_opt(
                "DELETE FROM clerk_session WHERE token_hash = ?1 RETURNING counter, clerk_id",
                sql_params![&hash],
            )? {
                let (counter, clerk) = (to_u32(r.int(0)?), r.text(1)?);
                if counter == READING {
                    // A reports-only session held no counter: nothing to close.
                    return Ok(None);
                }
                let Some(site) = tx
                    .query_opt("SELECT site_id FROM clerk WHERE id = ?1", sql_params![&clerk])?
                    .and_then(|r| r.opt_int(0).transpose())
                    .transpose()?
                    .map(SiteId)
                else {
                    return Ok(None);
                };
                let holds = tx
                    .query_opt(
                        "SELECT 1 FROM counter_state WHERE site_id = ?3 AND counter = ?1 AND clerk_id = ?2",
                        sql_params![counter, &clerk, site.0],
                    )?
                    .is_some();
                if holds {
                    // The site's row before the ticket's waiting count, as every writer.
                    lock_rev(tx, site)?;
                    release_current(tx, site, counter, now)?;
                    tx.execute(
                        "UPDATE counter_state SET open = 0 WHERE site_id = ?2 AND counter = ?1",
                        sql_params![counter, site.0],
                    )?;
                }
                queues_changed(tx, site)?;
                return Ok(Some(site));
            }
            Ok(None)
        })
    }
}

/// Lets go of the ticket a counter holds when the counter closes or changes hands, so no
/// citizen is lost: a ticket only called goes back to waiting (its issue time keeps its
/// place), one being served is finished.
pub(super) fn release_current(
    tx: &mut Tx,
    site: SiteId,
    counter: u32,
    now: DateTime<Utc>,
) -> Result<()> {
    let current = tx
        .query_opt(
            "SELECT t.id, t.state FROM counter_state c JOIN ticket t ON t.id = c.current
             WHERE c.site_id = ?2 AND c.counter = ?1 AND t.site_id = ?2 AND t.counter = ?1
                 AND t.state IN ('called', 'serving')",
            sql_params![counter, site.0],
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
        "UPDATE counter_state SET current = NULL WHERE site_id = ?2 AND counter = ?1",
        sql_params![counter, site.0],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::office::counters::fixtures::*;
    use crate::office::counters::Action;
    #[allow(unused_imports)]
    use crate::office::store::S1;
    use crate::office::test_db::{both_backends, Backend};

    both_backends! {
        a_counter_belongs_to_one_live_session,
        a_counter_closing_or_changing_hands_loses_no_ticket,
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
            site: S1,
        };
        assert!(o
            .s
            .counter_view(&lan2, at(128), d())
            .unwrap()
            .current
            .is_none());
        let r =
            o.s.report(S1, d(), d(), chrono_tz::Asia::Ho_Chi_Minh)
                .unwrap();
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
            o.s.changes(S1, 0, None, d(), at(131)).unwrap().queues[0].waiting,
            1
        );
    }

    fn a_counter_belongs_to_one_live_session(b: Backend) {
        let mut o = office(b);
        let lan = o.clerk("lan", 1, &["A"], 0);
        let nam =
            o.s.add_clerk(
                Some(S1),
                "nam",
                "Nam",
                "mat-khau-8",
                crate::office::counters::ClerkRole::Clerk,
                false,
                at(0),
            )
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
        assert_eq!(o.s.board_view(S1, at(182), d()).unwrap().counters.len(), 1);
        // Lan's old session cannot act on the counter Nam now holds.
        assert_eq!(
            code(o.act(&lan, Action::Pause, 182).unwrap_err()),
            "counter_closed"
        );
        o.s.close_session(&tn, at(183)).unwrap();
        assert!(o.s.session(&tn, at(183)).unwrap().is_none());
        assert!(o
            .s
            .board_view(S1, at(183), d())
            .unwrap()
            .counters
            .is_empty());
        // Sessions end 12 hours after login however busy.
        let t = o.s.open_session(&nam, 3, &queues, at(200)).unwrap();
        for h in 1..12 {
            assert!(o.s.session(&t, at(200 + h * 60)).unwrap().is_some());
        }
        assert!(o.s.session(&t, at(200 + 12 * 60)).unwrap().is_none());
        // A new password ends the sessions opened with the old one.
        let t = o.s.open_session(&nam, 3, &queues, at(1000)).unwrap();
        o.s.add_clerk(
            Some(S1),
            "nam",
            "Nam",
            "mat-khau-moi",
            crate::office::counters::ClerkRole::Clerk,
            true,
            at(1001),
        )
        .unwrap();
        assert!(o.s.session(&t, at(1002)).unwrap().is_none());
        let e =
            o.s.add_clerk(
                Some(S1),
                "nam",
                "Nam",
                "mat-khau-moi",
                crate::office::counters::ClerkRole::Clerk,
                false,
                at(1001),
            )
            .unwrap_err();
        assert!(e.to_string().contains("--replace"), "{e}");
        assert!(o
            .s
            .add_clerk(
                Some(S1),
                "short",
                "S",
                "1234567",
                crate::office::counters::ClerkRole::Clerk,
                false,
                at(0)
            )
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
