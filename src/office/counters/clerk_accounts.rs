//! Clerk accounts as staff manage them (`motcua office disable-clerk`, `enable-clerk`,
//! `list-clerks`) and as a login reads them: a disabled account keeps its history (calls,
//! ratings, reports name it) but cannot log in, and disabling ends its sessions at once.

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::clerks::{release_current, Clerk, ClerkRole, CLERK_COLUMNS};
use crate::office::db::sql_params;
use crate::office::store::{queues_changed, to_u32, ts, OfficeStore, SiteId};

/// A clerk account as `list-clerks` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClerkAccount {
    /// Login name.
    pub username: String,
    /// Full name.
    pub name: String,
    /// May see the reports.
    pub lead: bool,
    /// What it may do.
    pub role: ClerkRole,
    /// The code of its site; None for a province lead.
    pub site: Option<String>,
    /// When it was disabled, RFC 3339; `None` while it may log in.
    pub disabled_at: Option<String>,
    /// The last successful login, RFC 3339.
    pub last_login_at: Option<String>,
    /// Live sessions (0 or 1: one counter per clerk).
    pub sessions: u32,
}

/// What a login needs to know of an account.
#[derive(Debug, Clone)]
pub struct ClerkLogin {
    /// The account.
    pub clerk: Clerk,
    /// Its argon2id hash, checked by the caller outside any lock.
    pub password_hash: String,
    /// Disabled accounts are refused even with the right password.
    pub disabled: bool,
}

impl OfficeStore {
    /// The account `username` logs in to, disabled or not.
    pub fn clerk_login(&self, username: &str) -> Result<Option<ClerkLogin>> {
        self.read(|tx| {
            tx.query_opt(
                &format!(
                    "SELECT {CLERK_COLUMNS}, c.password_hash, c.disabled_at FROM clerk c
                     WHERE c.username = ?1"
                ),
                sql_params![username],
            )?
            .map(|r| {
                Ok(ClerkLogin {
                    clerk: Clerk::from_row(&r, 0)?,
                    password_hash: r.text(5)?,
                    disabled: r.opt_text(6)?.is_some(),
                })
            })
            .transpose()
        })
    }

    /// Notes a successful login of `clerk` (shown by `list-clerks`).
    pub fn record_login(&self, clerk: &Clerk, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE clerk SET last_login_at = ?2 WHERE id = ?1",
                sql_params![&clerk.id, &ts(now)],
            )?;
            Ok(())
        })
    }

    /// Disables (`disabled`) or enables the account `username`; disabling ends its sessions
    /// and closes its counter, releasing the ticket there as a logout does. Returns how
    /// many sessions ended; an unknown username is an error.
    pub fn set_clerk_disabled(
        &self,
        username: &str,
        disabled: bool,
        now: DateTime<Utc>,
    ) -> Result<u32> {
        let ended = self.write(|tx| {
            let id = tx
                .query_opt(
                    "SELECT id FROM clerk WHERE username = ?1",
                    sql_params![username],
                )?
                .map(|r| r.text(0))
                .transpose()?
                .ok_or_else(|| anyhow::anyhow!("no clerk named {username:?}"))?;
            if !disabled {
                tx.execute(
                    "UPDATE clerk SET disabled_at = NULL WHERE id = ?1",
                    sql_params![&id],
                )?;
                return Ok(0);
            }
            tx.execute(
                "UPDATE clerk SET disabled_at = COALESCE(disabled_at, ?2) WHERE id = ?1",
                sql_params![&id, &ts(now)],
            )?;
            let counters = tx.query(
                "DELETE FROM clerk_session WHERE clerk_id = ?1 RETURNING counter",
                sql_params![&id],
            )?;
            let held = tx.query(
                "SELECT counter, site_id FROM counter_state WHERE clerk_id = ?1 AND open = 1",
                sql_params![&id],
            )?;
            let mut sites = Vec::new();
            for r in &held {
                let (counter, site) = (to_u32(r.int(0)?), SiteId(r.int(1)?));
                release_current(tx, site, counter, now)?;
                tx.execute(
                    "UPDATE counter_state SET open = 0 WHERE site_id = ?2 AND counter = ?1",
                    sql_params![counter, site.0],
                )?;
                sites.push(site);
            }
            sites.sort_unstable();
            sites.dedup();
            for site in sites {
                queues_changed(tx, site)?;
            }
            Ok(u32::try_from(counters.len()).unwrap_or(u32::MAX))
        })?;
        log::info!(
            event = if disabled { "clerk_disabled" } else { "clerk_enabled" };
            "clerk {username} {}{}",
            if disabled { "disabled" } else { "enabled" },
            if ended > 0 { format!(", {ended} session(s) ended") } else { String::new() }
        );
        Ok(ended)
    }

    /// Every clerk account, by username.
    pub fn clerk_accounts(&self, now: DateTime<Utc>) -> Result<Vec<ClerkAccount>> {
        self.read(|tx| {
            tx.query(
                "SELECT c.username, c.name, c.role, c.disabled_at, c.last_login_at,
                        (SELECT COUNT(*) FROM clerk_session s
                         WHERE s.clerk_id = c.id AND s.expires_at > ?1 AND s.last_seen > ?2),
                        (SELECT code FROM site WHERE site.id = c.site_id)
                 FROM clerk c ORDER BY c.username",
                sql_params![&ts(now), &crate::office::store::idle_cutoff(now)],
            )?
            .iter()
            .map(|r| {
                let role = ClerkRole::from_code(&r.text(2)?);
                Ok(ClerkAccount {
                    username: r.text(0)?,
                    name: r.text(1)?,
                    lead: role != ClerkRole::Clerk,
                    role,
                    site: r.opt_text(6)?,
                    disabled_at: r.opt_text(3)?,
                    last_login_at: r.opt_text(4)?,
                    sessions: to_u32(r.int(5)?),
                })
            })
            .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::office::counters::fixtures::*;
    use crate::office::counters::Action;
    use crate::office::test_db::{both_backends, Backend};

    both_backends! {
        disabling_ends_sessions_and_releases_the_ticket_enabling_lets_in_again,
    }

    fn disabling_ends_sessions_and_releases_the_ticket_enabling_lets_in_again(b: Backend) {
        let mut o = office(b);
        o.ticket("A", 1, 0, "none");
        let lan = o.clerk("lan", 1, &["A"], 1);
        let token =
            o.s.open_session(&lan.clerk, 1, &["A".to_string()], at(2))
                .unwrap();
        o.s.record_login(&lan.clerk, at(2)).unwrap();
        o.act(&lan, Action::Next, 3).unwrap();
        let listed = o.s.clerk_accounts(at(3)).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(
            (listed[0].sessions, listed[0].disabled_at.is_none()),
            (1, true)
        );
        assert!(listed[0].last_login_at.is_some());

        assert_eq!(o.s.set_clerk_disabled("lan", true, at(4)).unwrap(), 1);
        assert!(o.s.session(&token, at(4)).unwrap().is_none());
        let login = o.s.clerk_login("lan").unwrap().unwrap();
        assert!(login.disabled);
        assert!(o.s.clerk_credentials("lan").unwrap().is_none());
        let listed = o.s.clerk_accounts(at(4)).unwrap();
        assert_eq!(
            (listed[0].sessions, listed[0].disabled_at.is_some()),
            (0, true)
        );
        // A001, only called, waits again for another counter.
        let nam = o.clerk("nam", 2, &["A"], 5);
        let called = o.act(&nam, Action::Next, 6).unwrap().current.unwrap();
        assert_eq!(called.label, "A001");

        assert_eq!(o.s.set_clerk_disabled("lan", false, at(7)).unwrap(), 0);
        assert!(!o.s.clerk_login("lan").unwrap().unwrap().disabled);
        assert!(o.s.set_clerk_disabled("nobody", true, at(7)).is_err());
    }
}
