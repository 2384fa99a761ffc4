//! Storage hygiene for a board that runs for months on a small flash: rows older than the
//! retention window go (tickets and their sent events, lookup logs, old counters and the
//! office's old queue states), never a ticket whose event the office has not yet got; then
//! the WAL is checkpointed and truncated. Freed pages are reused by new rows, so the file
//! stays near the size of what is kept.
//!
//! Above a size bound, what is kept shrinks further: a shorter window (down to a week), then
//! the dossiers whose lifecycle ended longest ago (the office still has them). Unsent tickets
//! and dossiers still in progress always stay.

use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{bail, Result};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rusqlite::{params, TransactionBehavior};

use super::{fmt_date, fmt_ts, Store, EVENT_TICKET_ISSUED};
use crate::domain::dossier::DossierStatus;

/// The shortest window a size bound may shrink retention to.
pub const MIN_RETENTION_DAYS: u32 = 7;

/// What a pass under the size bound did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shrunk {
    /// Bytes in use before.
    pub used_before: u64,
    /// Bytes in use after.
    pub used_after: u64,
    /// The retention window the rows were pruned to (the configured one if that sufficed).
    pub retention_days: u32,
    /// What that pruning removed.
    pub pruned: Pruned,
    /// Finished dossiers removed, oldest end first.
    pub dossiers: usize,
}

impl Shrunk {
    /// Whether the store is within `bound` bytes.
    pub fn within(&self, bound: u64) -> bool {
        self.used_after <= bound
    }
}

/// Bytes of the database file a connection's rows use (pages not on the free list), for the
/// store and for `motcua doctor`'s read-only look.
pub fn used_bytes(conn: &rusqlite::Connection) -> rusqlite::Result<u64> {
    let pragma = |name: &str| -> rusqlite::Result<u64> {
        Ok(conn
            .query_row(&format!("PRAGMA {name}"), [], |r| r.get::<_, i64>(0))?
            .max(0) as u64)
    };
    Ok(pragma("page_count")?.saturating_sub(pragma("freelist_count")?) * pragma("page_size")?)
}

impl std::ops::AddAssign for Pruned {
    fn add_assign(&mut self, more: Pruned) {
        self.tickets += more.tickets;
        self.events += more.events;
        self.lookups += more.lookups;
        self.days += more.days;
    }
}

/// What a pass removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Tickets of days before the window.
    pub tickets: usize,
    /// Sent events older than the window.
    pub events: usize,
    /// Lookup log rows older than the window, and lookup attempts older than a day.
    pub lookups: usize,
    /// Number counters, blocks and office queue states of days before the window.
    pub days: usize,
}

impl Store {
    /// Removes what is older than `retention_days` before `now` (business days before
    /// `today - retention_days` for what is kept per day); a ticket whose `ticket.issued`
    /// event is unsent stays, whatever its age.
    pub fn prune(
        &mut self,
        now: DateTime<Utc>,
        today: NaiveDate,
        retention_days: u32,
    ) -> Result<Pruned> {
        let days = TimeDelta::days(i64::from(retention_days));
        let (before_day, before_ts) = (fmt_date(today - days), fmt_ts(now - days));
        // The attempt limiter looks back an hour; a day is plenty.
        let attempts_before = fmt_ts(now - TimeDelta::days(1));
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let tickets = tx.execute(
            "DELETE FROM ticket WHERE business_date < ?1 AND id NOT IN (
                 SELECT json_extract(payload, '$.id') FROM outbox
                 WHERE sent_at IS NULL AND kind = ?2)",
            params![before_day, EVENT_TICKET_ISSUED],
        )?;
        let events = tx.execute(
            "DELETE FROM outbox WHERE sent_at IS NOT NULL AND created_at < ?1",
            params![before_ts],
        )?;
        let lookups = tx.execute("DELETE FROM lookup_log WHERE at < ?1", params![before_ts])?
            + tx.execute(
                "DELETE FROM lookup_attempt WHERE at < ?1",
                params![attempts_before],
            )?;
        // A business date never comes back (the clock never goes backwards), so its
        // counters are of no more use.
        let mut old_days = 0;
        for table in ["queue_day", "number_block", "office_queue"] {
            old_days += tx.execute(
                &format!("DELETE FROM {table} WHERE business_date < ?1"),
                params![before_day],
            )?;
        }
        tx.commit()?;
        self.truncate_wal()?;
        Ok(Pruned {
            tickets,
            events,
            lookups,
            days: old_days,
        })
    }
}

impl Store {
    /// A handle that interrupts this connection's running statement from another thread.
    pub fn interrupt_handle(&self) -> rusqlite::InterruptHandle {
        self.conn.get_interrupt_handle()
    }

    /// Bytes of the database file its rows use (pages not on the free list); the WAL aside.
    pub fn used_bytes(&self) -> Result<u64> {
        Ok(used_bytes(&self.conn)?)
    }

    /// Folds the WAL back into the file and cuts it to nothing, so it cannot grow for ever
    /// between the automatic checkpoints a busy day leaves incomplete.
    fn truncate_wal(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Keeps the store within `bound` bytes: nothing happens while it is; above it, retention
    /// shortens by halves down to [`MIN_RETENTION_DAYS`], then finished dossiers go, those
    /// that ended longest ago first, until the rows take at most nine tenths of the bound (so
    /// the next pass is not due at once). What cannot go (unsent tickets, dossiers in
    /// progress, this week's rows) stays even above the bound; the caller says so.
    ///
    /// Removing dossiers rebuilds the file (`VACUUM`): it takes long on a big store, holds the
    /// write lock throughout, and needs free space of about twice the store (a copy, and the
    /// WAL), so callers run it on a connection of its own, off the UI thread, when no citizen
    /// is served.
    pub fn shrink_to(
        &mut self,
        bound: u64,
        now: DateTime<Utc>,
        today: NaiveDate,
        retention_days: u32,
    ) -> Result<Shrunk> {
        self.shrink_to_unless(bound, now, today, retention_days, &AtomicBool::new(false))
    }

    /// [`Store::shrink_to`], giving up between steps once `cancel` is set (a stopping kiosk
    /// sets it, and interrupts the statement running, see [`Store::interrupt_handle`]).
    pub fn shrink_to_unless(
        &mut self,
        bound: u64,
        now: DateTime<Utc>,
        today: NaiveDate,
        retention_days: u32,
        cancel: &AtomicBool,
    ) -> Result<Shrunk> {
        let go_on = || -> Result<()> {
            if cancel.load(Ordering::SeqCst) {
                bail!("the size pass was cancelled");
            }
            Ok(())
        };
        let used_before = self.used_bytes()?;
        let mut shrunk = Shrunk {
            used_before,
            used_after: used_before,
            retention_days,
            ..Shrunk::default()
        };
        if used_before <= bound {
            return Ok(shrunk);
        }
        let target = bound / 10 * 9;
        // Tickets and logs were written in time order, so the pages of old ones come free
        // together and are reused: the pages in use tell what was won.
        while shrunk.used_after > target && shrunk.retention_days > MIN_RETENTION_DAYS {
            go_on()?;
            shrunk.retention_days = (shrunk.retention_days / 2).max(MIN_RETENTION_DAYS);
            shrunk.pruned += self.prune(now, today, shrunk.retention_days)?;
            shrunk.used_after = self.used_bytes()?;
        }
        // Dossiers end in no order of their codes: removing some leaves their pages part
        // full, so each round removes what the excess suggests, then rebuilds the file.
        for _round in 0..3 {
            if shrunk.used_after <= target {
                break;
            }
            let total = self.dossier_count()? as f64;
            let excess = (shrunk.used_after - target) as f64 / shrunk.used_after as f64;
            let want = ((total * excess * 1.1).ceil() as usize).max(100);
            let removed = self.drop_finished_dossiers(want, &go_on)?;
            if removed == 0 {
                break;
            }
            shrunk.dossiers += removed;
            go_on()?;
            self.conn.execute_batch("VACUUM")?;
            shrunk.used_after = self.used_bytes()?;
        }
        self.truncate_wal()?;
        Ok(shrunk)
    }

    /// Removes up to `want` finished dossiers, those that ended longest ago, with their steps;
    /// a few thousand per transaction, so a ticket being issued meanwhile waits briefly.
    fn drop_finished_dossiers(
        &mut self,
        want: usize,
        go_on: &dyn Fn() -> Result<()>,
    ) -> Result<usize> {
        let finished = [
            DossierStatus::Returned,
            DossierStatus::Refused,
            DossierStatus::Stopped,
        ]
        .map(|s| s.code());
        let doomed: Vec<String> = self
            .conn
            .prepare(
                "SELECT code FROM dossier WHERE status IN (?1, ?2, ?3)
                 ORDER BY coalesce(finished_at, updated_at), code LIMIT ?4",
            )?
            .query_map(
                params![finished[0], finished[1], finished[2], want as i64],
                |r| r.get(0),
            )?
            .collect::<rusqlite::Result<_>>()?;
        let mut removed = 0;
        for chunk in doomed.chunks(2_000) {
            go_on()?;
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut steps = tx.prepare_cached("DELETE FROM dossier_step WHERE code = ?1")?;
                // The status is checked again: the sync may have reopened it meanwhile.
                let mut dossier = tx.prepare_cached(
                    "DELETE FROM dossier WHERE code = ?1 AND status IN (?2, ?3, ?4)",
                )?;
                for code in chunk {
                    let n =
                        dossier.execute(params![code, finished[0], finished[1], finished[2]])?;
                    if n > 0 {
                        steps.execute([code])?;
                        removed += n;
                    }
                }
            }
            tx.commit()?;
        }
        Ok(removed)
    }
}
