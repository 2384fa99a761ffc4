//! What a kiosk pulls: everything that changed after its cursor, paged by the change
//! counter.

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::value::RawValue;

use super::dossiers::{dossier_from_row, DOSSIER_COLUMNS};
use super::meta::read_meta;
use super::queues::queue_status;
use super::settings::settings_row;
use super::values::count;
use super::OfficeStore;
use crate::dossier_import::write_json;
use crate::office::db::sql_params;
use crate::protocol::{Changes, MAX_CHANGES};

impl OfficeStore {
    /// The change counter: what a kiosk that is up to date holds as its cursor.
    pub fn rev(&self) -> Result<u64> {
        self.read(|tx| Ok(count(read_meta(tx, "rev")?)))
    }
    /// What changed after `since`, for a kiosk: at most `limit` dossiers (default and maximum
    /// [`MAX_CHANGES`]) in rev order, and the catalogue, settings and `today`'s queues when
    /// they changed. Everything with a rev up to the returned cursor is in this answer or an
    /// earlier one, so each part is sent once per kiosk.
    pub fn changes(
        &mut self,
        since: u64,
        limit: Option<u32>,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Changes> {
        // One snapshot: a dossier committed meanwhile (by the import command, say) is either
        // below the cursor and here, or above it.
        self.read(|tx| {
            let current = count(read_meta(tx, "rev")?);
            let since = if since > current {
                // The kiosk's cursor comes from another database (this one was replaced):
                // send everything again rather than nothing until the counter catches up.
                log::warn!(
                    "a kiosk's cursor {since} is past this office's {current}: resending all"
                );
                0
            } else {
                since
            };
            let limit = limit.unwrap_or(MAX_CHANGES).clamp(1, MAX_CHANGES);
            let rows = tx.query(
                &format!(
                    "SELECT {DOSSIER_COLUMNS}, rev FROM dossier WHERE rev > ?1 ORDER BY rev LIMIT ?2"
                ),
                sql_params![i64::try_from(since)?, i64::from(limit) + 1],
            )?;
            let more = rows.len() > limit as usize;
            let mut records = Vec::with_capacity(rows.len().min(limit as usize));
            let mut last_rev = 0u64;
            for row in rows.iter().take(limit as usize) {
                records.push(dossier_from_row(row)?);
                last_rev = count(row.int(11)?);
            }
            let cursor = if more { last_rev } else { current };
            let fresh = |rev: i64| since < count(rev) && count(rev) <= cursor;
            let dossiers = if records.is_empty() {
                None
            } else {
                Some(RawValue::from_string(write_json(&records))?)
            };
            let catalogue = match tx.query_opt("SELECT body, rev FROM catalogue WHERE id = 1", &[])?
            {
                Some(row) if fresh(row.int(1)?) => Some(RawValue::from_string(row.text(0)?)?),
                _ => None,
            };
            let settings = match settings_row(tx)? {
                Some((s, rev)) if fresh(rev) => Some(s),
                _ => None,
            };
            let queues = if fresh(read_meta(tx, "queues_rev")?) {
                queue_status(tx, today, now)?
            } else {
                Vec::new()
            };
            Ok(Changes {
                time: now.to_rfc3339(),
                cursor,
                more,
                dossiers,
                catalogue,
                settings,
                queues,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use crate::domain::dossier::DossierStatus;
    use crate::dossier_import::DossierRecord;
    use crate::office::store::fixtures::*;
    use crate::office::test_db::{both_backends, Backend};
    use crate::protocol::Settings;

    both_backends! {
        changes_page_by_rev_and_send_settings_and_catalogue_once,
    }

    fn changes_page_by_rev_and_send_settings_and_catalogue_once(b: Backend) {
        let (_db, mut s) = open(b);
        let now = Utc::now();
        let all: Vec<DossierRecord> = (1..=10)
            .map(|i| record(i, DossierStatus::Received))
            .collect();
        s.upsert_dossiers(&all[..6], now).unwrap();
        assert!(s
            .set_settings(&Settings {
                notice_vi: " Nghỉ lễ 2/9 ".into(),
                notice_en: String::new()
            })
            .unwrap());
        assert!(
            !s.set_settings(&Settings {
                notice_vi: "Nghỉ lễ 2/9".into(),
                notice_en: String::new()
            })
            .unwrap(),
            "unchanged settings are no change"
        );
        s.upsert_dossiers(&all[6..], now).unwrap();
        let catalogue = include_str!("../../../assets/catalogue.json");
        assert!(s.set_catalogue(catalogue).unwrap());
        assert!(!s.set_catalogue(catalogue).unwrap());
        assert!(s.set_catalogue("{\"fields\": []}").is_err());
        assert_eq!(s.rev().unwrap(), 12);

        // Pages of 4: the settings (rev 7) come with the page that passes them, the catalogue
        // (rev 12) with the last.
        let mut since = 0;
        let mut got = Vec::new();
        let mut pages = Vec::new();
        loop {
            let c = s.changes(since, Some(4), d(), now).unwrap();
            got.extend(codes(&c));
            pages.push((
                c.cursor,
                c.more,
                c.settings.is_some(),
                c.catalogue.is_some(),
            ));
            since = c.cursor;
            if !c.more {
                break;
            }
        }
        assert_eq!(
            pages,
            [
                (4, true, false, false),
                (9, true, true, false),
                (12, false, false, true)
            ]
        );
        let want: Vec<&str> = all.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(got, want);
        let idle = s.changes(since, None, d(), now).unwrap();
        assert_eq!(
            serde_json::to_string(&idle).unwrap(),
            format!("{{\"time\":\"{}\",\"cursor\":12}}", now.to_rfc3339())
        );
        let full = s.changes(0, None, d(), now).unwrap();
        assert_eq!(full.settings.unwrap().notice_vi, "Nghỉ lễ 2/9");
        let sent: crate::catalogue::Catalogue =
            serde_json::from_str(full.catalogue.unwrap().get()).unwrap();
        assert_eq!(
            sent,
            crate::catalogue::Catalogue::from_json(catalogue).unwrap()
        );
        // A cursor from another database starts over.
        assert_eq!(codes(&s.changes(999, None, d(), now).unwrap()).len(), 10);
        // Limits out of range are brought into it.
        assert_eq!(codes(&s.changes(0, Some(0), d(), now).unwrap()).len(), 1);
    }
}
