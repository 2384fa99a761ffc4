//! Dossiers kiosks look up, written by the import command and the integration API, each
//! with the rev of its last change.

use std::collections::HashMap;

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};

use super::revs::{lock_rev, write_rev, Rev};
use super::sites::SiteId;
use super::values::{parse_ts, ts};
use super::OfficeStore;
use crate::domain::dossier::DossierStatus;
use crate::domain::dossier_code::parse_code;
use crate::dossier_import::{DossierRecord, ImportCounts};
use crate::office::db::{placeholders, sql_params, Param, Row, Tx};

/// The columns a dossier is read by, in the order [`dossier_from_row`] takes them.
pub(super) const DOSSIER_COLUMNS: &str = "code, status, procedure_code, applicant_name, received_at, due_at, finished_at, note, pickup_place, secret, phone_last4, due_at_new";

impl OfficeStore {
    /// Stores dossiers in one transaction: new ones inserted, changed ones updated, identical
    /// ones left alone (no new rev, so kiosks are not sent them again); idempotent. Rows are
    /// read and written many per statement: on PostgreSQL each statement is a round trip.
    /// A code another site holds is refused (see [`foreign_dossiers`](Self::foreign_dossiers)):
    /// nothing is written then.
    pub fn upsert_dossiers(
        &mut self,
        site: SiteId,
        records: &[DossierRecord],
        now: DateTime<Utc>,
    ) -> Result<ImportCounts> {
        let now = ts(now);
        self.write(|tx| {
            let start = lock_rev(tx, site)?;
            let mut codes: Vec<&str> = records.iter().map(|r| r.code.as_str()).collect();
            codes.sort_unstable();
            codes.dedup();
            let mut stored: HashMap<String, DossierRecord> = HashMap::with_capacity(codes.len());
            let mut rest = &codes[..];
            while !rest.is_empty() {
                let (chunk, after) = rest.split_at(chunk_len(rest.len()));
                rest = after;
                let sql = format!(
                    "SELECT {DOSSIER_COLUMNS}, site_id FROM dossier WHERE code IN ({})",
                    placeholders(1, chunk.len())
                );
                let params: Vec<Param> = chunk.iter().map(|c| Param::from(*c)).collect();
                for row in tx.query(&sql, &params)? {
                    let r = dossier_from_row(&row)?;
                    if row.int(12)? != site.0 {
                        bail!(
                            "dossier {} belongs to another site; nothing was written",
                            r.code.as_str()
                        );
                    }
                    stored.insert(r.code.as_str().to_string(), r);
                }
            }
            // In the given order, each record against what the ones before it left, as if
            // written one by one; only each code's last change is written.
            let mut rev = start;
            let mut counts = ImportCounts::default();
            let mut writes: Vec<(&DossierRecord, i64)> = Vec::new();
            let mut position: HashMap<&str, usize> = HashMap::new();
            for r in records {
                let code = r.code.as_str();
                match stored.get(code) {
                    Some(old) if old == r => {
                        counts.unchanged += 1;
                        continue;
                    }
                    Some(_) => counts.updated += 1,
                    None => counts.inserted += 1,
                }
                // One rev per change, so a page of changes can end between any two.
                rev += 1;
                stored.insert(code.to_string(), r.clone());
                match position.get(code) {
                    Some(&i) => writes[i] = (r, rev),
                    None => {
                        position.insert(code, writes.len());
                        writes.push((r, rev));
                    }
                }
            }
            let mut rest = &writes[..];
            while !rest.is_empty() {
                let (chunk, after) = rest.split_at(chunk_len(rest.len()));
                rest = after;
                write_dossiers(tx, site, chunk, &now)?;
            }
            if rev != start {
                write_rev(tx, site, Rev::All, rev)?;
            }
            Ok(counts)
        })
    }

    /// Of these canonical codes, those another site than `site` holds: a site may not
    /// write them.
    pub fn foreign_dossiers(&self, site: SiteId, codes: &[&str]) -> Result<Vec<String>> {
        self.read(|tx| {
            let mut out = Vec::new();
            let mut rest = codes;
            while !rest.is_empty() {
                let (chunk, after) = rest.split_at(chunk_len(rest.len()));
                rest = after;
                let sql = format!(
                    "SELECT code FROM dossier WHERE site_id <> ?1 AND code IN ({})",
                    placeholders(2, chunk.len())
                );
                let mut params: Vec<Param> = vec![Param::from(site.0)];
                params.extend(chunk.iter().map(|c| Param::from(*c)));
                for row in tx.query(&sql, &params)? {
                    out.push(row.text(0)?);
                }
            }
            Ok(out)
        })
    }

    /// The site's dossier with this canonical code.
    pub fn dossier(&self, site: SiteId, code: &str) -> Result<Option<DossierRecord>> {
        self.read(|tx| {
            tx.query_opt(
                &format!("SELECT {DOSSIER_COLUMNS} FROM dossier WHERE code = ?1 AND site_id = ?2"),
                sql_params![code, site.0],
            )?
            .map(|row| dossier_from_row(&row))
            .transpose()
        })
    }

    /// How many dossiers the office holds.
    pub fn dossier_count(&self) -> Result<u64> {
        self.read_count("SELECT COUNT(*) FROM dossier")
    }
}

/// Rows per statement when many are read or written: a few fixed sizes, so each has one
/// prepared statement, and 256 × 14 parameters stay within both databases' limits.
fn chunk_len(remaining: usize) -> usize {
    [256, 64, 8, 1]
        .into_iter()
        .find(|&n| n <= remaining)
        .unwrap_or(1)
}

/// Inserts or replaces dossiers (distinct codes) with their revs in one statement.
fn write_dossiers(
    tx: &mut Tx,
    site: SiteId,
    rows: &[(&DossierRecord, i64)],
    now: &str,
) -> Result<()> {
    const COLUMNS: usize = 15;
    type Times = (String, Option<String>, Option<String>, Option<String>);
    let times: Vec<Times> = rows
        .iter()
        .map(|(r, _)| {
            (
                ts(r.received_at),
                r.due_at.map(ts),
                r.finished_at.map(ts),
                r.due_at_new.map(ts),
            )
        })
        .collect();
    let mut params: Vec<Param> = Vec::with_capacity(rows.len() * COLUMNS);
    for ((r, rev), (received, due, finished, due_new)) in rows.iter().zip(&times) {
        params.extend_from_slice(sql_params![
            r.code.as_str(),
            r.status.code(),
            &r.procedure_code,
            &r.applicant_name,
            received,
            due.as_deref(),
            finished.as_deref(),
            &r.note,
            &r.pickup_place,
            &r.secret,
            &r.phone_last4,
            due_new.as_deref(),
            now,
            *rev,
            site.0,
        ]);
    }
    let values = (0..rows.len())
        .map(|i| format!("({})", placeholders(i * COLUMNS + 1, COLUMNS)))
        .collect::<Vec<_>>()
        .join(", ");
    tx.execute(
        &format!(
            "INSERT INTO dossier ({DOSSIER_COLUMNS}, updated_at, rev, site_id) VALUES {values}
             ON CONFLICT (code) DO UPDATE SET
                status = excluded.status, procedure_code = excluded.procedure_code,
                applicant_name = excluded.applicant_name, received_at = excluded.received_at,
                due_at = excluded.due_at, finished_at = excluded.finished_at,
                note = excluded.note, pickup_place = excluded.pickup_place,
                secret = excluded.secret, phone_last4 = excluded.phone_last4,
                due_at_new = excluded.due_at_new, updated_at = excluded.updated_at, rev = excluded.rev"
        ),
        &params,
    )?;
    Ok(())
}

/// A dossier from a row of [`DOSSIER_COLUMNS`].
pub(super) fn dossier_from_row(row: &Row) -> Result<DossierRecord> {
    let code = row.text(0)?;
    let status = row.text(1)?;
    Ok(DossierRecord {
        code: parse_code(&code)
            .with_context(|| format!("bad dossier code {code:?} in the office database"))?,
        status: DossierStatus::from_code(&status)
            .with_context(|| format!("unknown dossier status {status:?} in the office database"))?,
        procedure_code: row.text(2)?,
        applicant_name: row.text(3)?,
        received_at: parse_ts(&row.text(4)?)?,
        due_at: row.opt_text(5)?.as_deref().map(parse_ts).transpose()?,
        finished_at: row.opt_text(6)?.as_deref().map(parse_ts).transpose()?,
        note: row.text(7)?,
        pickup_place: row.text(8)?,
        secret: row.text(9)?,
        phone_last4: row.text(10)?,
        due_at_new: row.opt_text(11)?.as_deref().map(parse_ts).transpose()?,
    })
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::office::store::S1;
    use chrono::Utc;

    use crate::domain::dossier::DossierStatus;
    use crate::dossier_import::DossierRecord;
    use crate::office::store::fixtures::*;
    use crate::office::test_db::{both_backends, Backend};

    both_backends! {
        dossier_upserts_are_idempotent_and_only_changes_raise_the_rev,
    }

    fn dossier_upserts_are_idempotent_and_only_changes_raise_the_rev(b: Backend) {
        let (_db, mut s) = open(b);
        let now = Utc::now();
        let first: Vec<DossierRecord> = (1..=3)
            .map(|i| record(i, DossierStatus::Received))
            .collect();
        let c = s.upsert_dossiers(S1, &first, now).unwrap();
        assert_eq!((c.inserted, c.updated, c.unchanged), (3, 0, 0));
        assert_eq!(s.rev(S1).unwrap(), 3);
        let c = s.upsert_dossiers(S1, &first, now).unwrap();
        assert_eq!((c.inserted, c.updated, c.unchanged), (0, 0, 3));
        assert_eq!(s.rev(S1).unwrap(), 3, "unchanged records do not count");
        let mut second = first.clone();
        second[1].status = DossierStatus::Ready;
        second.push(record(4, DossierStatus::Received));
        let c = s.upsert_dossiers(S1, &second, now).unwrap();
        assert_eq!((c.inserted, c.updated, c.unchanged), (1, 1, 2));
        assert_eq!(s.rev(S1).unwrap(), 5);
        assert_eq!(s.dossier_count().unwrap(), 4);
        assert_eq!(
            s.dossier(S1, second[1].code.as_str()).unwrap().unwrap(),
            second[1]
        );

        let c = s.changes(S1, 3, None, d(), now).unwrap();
        assert_eq!(
            codes(&c),
            [second[1].code.as_str(), second[3].code.as_str()]
        );
        assert_eq!((c.cursor, c.more), (5, false));

        // The same dossier several times in one call counts as if written one by one.
        let mut ready = record(9, DossierStatus::Received);
        let received = ready.clone();
        ready.status = DossierStatus::Ready;
        let c = s
            .upsert_dossiers(S1, &[received.clone(), ready.clone(), ready.clone()], now)
            .unwrap();
        assert_eq!((c.inserted, c.updated, c.unchanged), (1, 1, 1));
        assert_eq!(s.rev(S1).unwrap(), 7);
        assert_eq!(s.dossier(S1, ready.code.as_str()).unwrap().unwrap(), ready);
        let c = s.changes(S1, 5, None, d(), now).unwrap();
        assert_eq!(
            (codes(&c), c.cursor),
            (vec![ready.code.as_str().to_string()], 7)
        );
    }
}
