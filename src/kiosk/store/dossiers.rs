//! Dossiers in the kiosk's store: import (idempotent), lookup by code, the steps a dossier
//! went through, the second-factor attempt limiter and the lookup log.
//!
//! Attempts and the log name a dossier only by a keyed hash of its code: the code is what a
//! citizen must keep secret (Decree 196/2025), so it is not written in clear anywhere a
//! technician reading the log would see it.

use anyhow::{Context, Result};
use blake2::{Blake2b512, Digest};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::{fmt_ts, parse_ts, Store};
use crate::domain::dossier::DossierStatus;
use crate::domain::dossier_code::parse_code;
use crate::dossier_import::{DossierRecord, ImportCounts};

/// One step of a dossier's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The status the dossier reached.
    pub status: DossierStatus,
    /// When (the finish time for a finished dossier, else when the kiosk learnt of it).
    pub at: DateTime<Utc>,
}

/// How a lookup ended, for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupOutcome {
    /// The code is not in the store.
    NotFound,
    /// Found; status only.
    Found,
    /// The second factor matched: details shown.
    Details,
    /// A wrong second factor.
    WrongFactor,
    /// Refused: too many wrong second factors.
    Limited,
}

impl LookupOutcome {
    fn code(self) -> &'static str {
        match self {
            LookupOutcome::NotFound => "not_found",
            LookupOutcome::Found => "found",
            LookupOutcome::Details => "details",
            LookupOutcome::WrongFactor => "wrong_factor",
            LookupOutcome::Limited => "limited",
        }
    }
}

const DOSSIER_COLUMNS: &str = "code, status, procedure_code, applicant_name, received_at, due_at, finished_at, note, pickup_place, secret, phone_last4, due_at_new";

/// When a step happened: a new dossier's reception, the finish time for the step that ended
/// processing, else when the kiosk learnt of it (a hand-over has no time of its own).
fn step_time(r: &DossierRecord, now: DateTime<Utc>) -> DateTime<Utc> {
    match r.status {
        DossierStatus::Received => r.received_at,
        DossierStatus::Returned => now,
        s if s.is_resolved() => r.finished_at.unwrap_or(now),
        _ => now,
    }
}

fn opt_ts(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(fmt_ts)
}

impl Store {
    /// Imports dossiers in one transaction: new ones are inserted, changed ones updated (a
    /// status change adds a step), identical ones left alone, so a second import of the same
    /// file changes nothing.
    pub fn import_dossiers(
        &mut self,
        records: &[DossierRecord],
        now: DateTime<Utc>,
    ) -> Result<ImportCounts> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut counts = ImportCounts::default();
        {
            let mut get = tx.prepare(&format!(
                "SELECT {DOSSIER_COLUMNS} FROM dossier WHERE code = ?1"
            ))?;
            let mut put = tx.prepare(&format!(
                "INSERT OR REPLACE INTO dossier ({DOSSIER_COLUMNS}, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
            ))?;
            let mut last_step =
                tx.prepare("SELECT MAX(position) FROM dossier_step WHERE code = ?1")?;
            let mut add_step = tx.prepare(
                "INSERT INTO dossier_step (code, position, status, at) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let now_s = fmt_ts(now);
            for r in records {
                let code = r.code.as_str();
                let old = get
                    .query_row([code], dossier_from_row)
                    .optional()?
                    .transpose()?;
                match &old {
                    Some(old) if old == r => {
                        counts.unchanged += 1;
                        continue;
                    }
                    Some(_) => counts.updated += 1,
                    None => counts.inserted += 1,
                }
                put.execute(params![
                    code,
                    r.status.code(),
                    r.procedure_code,
                    r.applicant_name,
                    fmt_ts(r.received_at),
                    opt_ts(r.due_at),
                    opt_ts(r.finished_at),
                    r.note,
                    r.pickup_place,
                    r.secret,
                    r.phone_last4,
                    opt_ts(r.due_at_new),
                    now_s,
                ])?;
                let status_changed = old.as_ref().is_none_or(|o| o.status != r.status);
                if status_changed {
                    let last: Option<i64> = last_step.query_row([code], |row| row.get(0))?;
                    let mut position = last.map_or(0, |p| p + 1);
                    if old.is_none() && r.status != DossierStatus::Received {
                        // Every dossier starts with its reception, whatever the office's
                        // system says it is now.
                        add_step.execute(params![
                            code,
                            position,
                            DossierStatus::Received.code(),
                            fmt_ts(r.received_at)
                        ])?;
                        position += 1;
                    }
                    add_step.execute(params![
                        code,
                        position,
                        r.status.code(),
                        fmt_ts(step_time(r, now))
                    ])?;
                }
            }
        }
        tx.commit()?;
        Ok(counts)
    }

    /// The dossier with this canonical code.
    pub fn dossier(&self, code: &str) -> Result<Option<DossierRecord>> {
        self.conn
            .query_row(
                &format!("SELECT {DOSSIER_COLUMNS} FROM dossier WHERE code = ?1"),
                [code],
                dossier_from_row,
            )
            .optional()?
            .transpose()
    }

    /// How many dossiers the store holds.
    pub fn dossier_count(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM dossier", [], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// The dossier's steps, oldest first.
    pub fn dossier_steps(&self, code: &str) -> Result<Vec<Step>> {
        let mut st = self
            .conn
            .prepare("SELECT status, at FROM dossier_step WHERE code = ?1 ORDER BY position")?;
        let rows = st.query_map([code], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut steps = Vec::new();
        for row in rows {
            let (status, at) = row?;
            steps.push(Step {
                status: DossierStatus::from_code(&status)
                    .with_context(|| format!("unknown dossier status {status:?} in store"))?,
                at: parse_ts(&at)?,
            });
        }
        Ok(steps)
    }

    /// A keyed hash of a dossier code: the same code always gives the same key on this
    /// kiosk, and the key tells nothing about the code without the store's secret.
    pub fn code_key(&mut self, code: &str) -> Result<String> {
        let secret = self.lookup_secret()?;
        let mut h = Blake2b512::new();
        h.update(&secret);
        h.update(code.as_bytes());
        let digest = h.finalize();
        Ok(digest[..16].iter().map(|b| format!("{b:02x}")).collect())
    }

    fn lookup_secret(&mut self) -> Result<Vec<u8>> {
        let existing: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'lookup_secret'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(s) = existing {
            return Ok(s);
        }
        let fresh: Vec<u8> = uuid::Uuid::new_v4()
            .as_bytes()
            .iter()
            .chain(uuid::Uuid::new_v4().as_bytes())
            .copied()
            .collect();
        // OR IGNORE: a second process may have made one meanwhile; theirs wins.
        self.conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('lookup_secret', ?1)",
            [&fresh],
        )?;
        let stored: Vec<u8> = self.conn.query_row(
            "SELECT value FROM meta WHERE key = 'lookup_secret'",
            [],
            |r| r.get(0),
        )?;
        Ok(stored)
    }

    /// Wrong second factors for this code key since `since`.
    pub fn failed_attempts(&self, code_key: &str, since: DateTime<Utc>) -> Result<u32> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM lookup_attempt WHERE code_key = ?1 AND at > ?2",
            params![code_key, fmt_ts(since)],
            |r| r.get(0),
        )?;
        Ok(n as u32)
    }

    /// Records a wrong second factor (persisted: a restart does not reset the limit).
    pub fn record_failed_attempt(&mut self, code_key: &str, at: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "INSERT INTO lookup_attempt (code_key, at) VALUES (?1, ?2)",
            params![code_key, fmt_ts(at)],
        )?;
        Ok(())
    }

    /// Appends to the lookup log.
    pub fn log_lookup(
        &mut self,
        code_key: &str,
        outcome: LookupOutcome,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO lookup_log (at, code_key, outcome) VALUES (?1, ?2, ?3)",
            params![fmt_ts(at), code_key, outcome.code()],
        )?;
        Ok(())
    }

    /// The lookup log, oldest first: (time, code key, outcome).
    pub fn lookup_log(&self) -> Result<Vec<(DateTime<Utc>, String, String)>> {
        let mut st = self
            .conn
            .prepare("SELECT at, code_key, outcome FROM lookup_log ORDER BY id")?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (at, key, outcome) = row?;
            out.push((parse_ts(&at)?, key, outcome));
        }
        Ok(out)
    }
}

fn dossier_from_row(row: &rusqlite::Row) -> rusqlite::Result<Result<DossierRecord>> {
    let get = |i: usize| row.get::<_, String>(i);
    let opt = |i: usize| row.get::<_, Option<String>>(i);
    let (code, status) = (get(0)?, get(1)?);
    let (received, due, finished, due_new) = (get(4)?, opt(5)?, opt(6)?, opt(11)?);
    let rest = (get(2)?, get(3)?, get(7)?, get(8)?, get(9)?, get(10)?);
    Ok((|| {
        Ok(DossierRecord {
            code: parse_code(&code)
                .with_context(|| format!("bad dossier code {code:?} in store"))?,
            status: DossierStatus::from_code(&status)
                .with_context(|| format!("unknown dossier status {status:?} in store"))?,
            procedure_code: rest.0,
            applicant_name: rest.1,
            received_at: parse_ts(&received)?,
            due_at: due.as_deref().map(parse_ts).transpose()?,
            due_at_new: due_new.as_deref().map(parse_ts).transpose()?,
            finished_at: finished.as_deref().map(parse_ts).transpose()?,
            note: rest.2,
            pickup_place: rest.3,
            secret: rest.4,
            phone_last4: rest.5,
        })
    })())
}
