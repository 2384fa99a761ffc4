//! Storage hygiene for a board that runs for months on a small flash: rows older than the
//! retention window go (tickets and their sent events, lookup logs, old counters and the
//! office's old queue states), never a ticket whose event the office has not yet got; then
//! the WAL is checkpointed and truncated. Freed pages are reused by new rows, so the file
//! stays near the size of what is kept.

use anyhow::Result;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rusqlite::{params, TransactionBehavior};

use super::{fmt_date, fmt_ts, Store, EVENT_TICKET_ISSUED};

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
        // Fold the WAL back into the file and cut it to nothing, so it cannot grow for ever
        // between the automatic checkpoints a busy day leaves incomplete.
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(Pruned {
            tickets,
            events,
            lookups,
            days: old_days,
        })
    }
}
