//! What the sync with the office keeps in the kiosk's store: the outbox's sent marks, the
//! number blocks the office reserved for this kiosk, the change cursor, the office's settings,
//! catalogue and queues, and the clock correction.

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::catalogue::insert_catalogue;
use super::{fmt_date, fmt_ts, parse_ts, Store};
use crate::catalogue::Catalogue;
use crate::protocol::{QueueStatus, Settings};

/// How much of a queue's blocks for a day is left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BlockState {
    /// Blocks held (their `seq` run 0..blocks).
    pub blocks: u32,
    /// Numbers not yet issued from them.
    pub remaining: u32,
}

const CURSOR: &str = "sync_cursor";
/// The meta key of the admin PIN guard's state.
const ADMIN_GUARD: &str = "admin_pin_guard";
const SETTINGS: &str = "office_settings";

impl Store {
    /// Marks outbox events as delivered to the office.
    pub fn mark_sent(&mut self, ids: &[String], at: DateTime<Utc>) -> Result<usize> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut n = 0;
        {
            let mut st =
                tx.prepare("UPDATE outbox SET sent_at = ?2 WHERE id = ?1 AND sent_at IS NULL")?;
            let at = fmt_ts(at);
            for id in ids {
                n += st.execute(params![id, at])?;
            }
        }
        tx.commit()?;
        Ok(n)
    }

    /// Events not yet delivered to the office.
    pub fn outbox_unsent(&self) -> Result<u32> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// The blocks held for a queue and day.
    pub fn block_state(&self, queue: &str, date: NaiveDate) -> Result<BlockState> {
        let (blocks, remaining): (i64, i64) = self.conn.query_row(
            "SELECT COUNT(*), COALESCE(SUM(last_number + 1 - next_number), 0) FROM number_block
             WHERE queue = ?1 AND business_date = ?2",
            params![queue, fmt_date(date)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(BlockState {
            blocks: u32::try_from(blocks).unwrap_or(u32::MAX),
            remaining: u32::try_from(remaining).unwrap_or(0),
        })
    }

    /// Keeps a block the office reserved; the same `seq` again changes nothing.
    pub fn add_block(
        &mut self,
        queue: &str,
        date: NaiveDate,
        seq: u32,
        first: u32,
        last: u32,
    ) -> Result<()> {
        anyhow::ensure!(first >= 1 && first <= last, "bad block {first}..{last}");
        self.conn.execute(
            "INSERT OR IGNORE INTO number_block
                 (queue, business_date, seq, first_number, last_number, next_number)
             VALUES (?1, ?2, ?3, ?4, ?5, ?4)",
            params![queue, fmt_date(date), seq, first, last],
        )?;
        Ok(())
    }

    /// The cursor of the last change set applied (0 before the first sync).
    pub fn sync_cursor(&self) -> Result<u64> {
        Ok(self.meta(CURSOR)?.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    /// The admin PIN guard's state kept by [`set_admin_guard`](Self::set_admin_guard), as JSON.
    pub fn admin_guard(&self) -> Result<Option<String>> {
        self.meta(ADMIN_GUARD)
    }

    /// Keeps the admin PIN guard's state (failures, lock) across restarts.
    pub fn set_admin_guard(&mut self, json: &str) -> Result<()> {
        self.set_meta(ADMIN_GUARD, json)
    }

    /// Remembers the cursor once a change set is stored.
    pub fn set_sync_cursor(&mut self, cursor: u64) -> Result<()> {
        self.set_meta(CURSOR, &cursor.to_string())
    }

    /// The settings the office pushed last (defaults before any).
    pub fn office_settings(&self) -> Result<Settings> {
        match self.meta(SETTINGS)? {
            Some(v) => serde_json::from_str(&v).context("bad office settings in the store"),
            None => Ok(Settings::default()),
        }
    }

    /// Stores the settings the office pushed.
    pub fn set_office_settings(&mut self, s: &Settings) -> Result<()> {
        self.set_meta(SETTINGS, &serde_json::to_string(s)?)
    }

    /// Replaces the catalogue with the office's, in one transaction.
    pub fn replace_catalogue(&mut self, cat: &Catalogue) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM procedure", [])?;
        tx.execute("DELETE FROM field", [])?;
        insert_catalogue(&tx, cat)?;
        tx.commit()?;
        Ok(())
    }

    /// Stores the office's view of the queues.
    pub fn set_office_queues(&mut self, queues: &[QueueStatus]) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut st = tx.prepare(
                "INSERT OR REPLACE INTO office_queue (queue, business_date, issued, waiting, serving, service_seconds, counters_open, serving_counter)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for q in queues {
                st.execute(params![
                    q.queue,
                    fmt_date(q.business_date),
                    q.issued,
                    q.waiting,
                    q.serving,
                    q.service_seconds,
                    q.counters_open,
                    q.serving_counter
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The office's view of a queue on a day, if it sent one.
    pub fn office_queue(&self, queue: &str, date: NaiveDate) -> Result<Option<QueueStatus>> {
        Ok(self
            .conn
            .query_row(
                "SELECT issued, waiting, serving, service_seconds, counters_open, serving_counter FROM office_queue
                 WHERE queue = ?1 AND business_date = ?2",
                params![queue, fmt_date(date)],
                |r| {
                    Ok(QueueStatus {
                        queue: queue.to_string(),
                        business_date: date,
                        issued: r.get(0)?,
                        waiting: r.get(1)?,
                        serving: r.get(2)?,
                        serving_counter: r.get(5)?,
                        service_seconds: r.get(3)?,
                        counters_open: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// Brings a high-water mark that ran into a later business day than the office's clock
    /// (a board clock that jumped forward) back to the office's time; returns whether it did.
    /// Within the same day the mark is kept, so issue times never go backwards and calling
    /// order stays fair; numbering stays unique either way, as numbers count per business
    /// date and a date's counter is never reset.
    pub fn correct_clock(&mut self, office_now: DateTime<Utc>, tz: chrono_tz::Tz) -> Result<bool> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let hw: Option<String> = tx
            .query_row("SELECT high_water FROM clock WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?;
        let ahead = match hw.as_deref().map(parse_ts).transpose()? {
            Some(hw) => {
                crate::domain::clock::business_date(hw, tz)
                    > crate::domain::clock::business_date(office_now, tz)
            }
            None => false,
        };
        if ahead {
            tx.execute(
                "UPDATE clock SET high_water = ?1 WHERE id = 1",
                [fmt_ts(office_now)],
            )?;
        }
        tx.commit()?;
        Ok(ahead)
    }

    fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            params![key, value],
        )?;
        Ok(())
    }
}
