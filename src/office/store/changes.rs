//! What a kiosk pulls: everything that changed after its cursor, paged by the change
//! counter.

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::value::RawValue;

use super::dossiers::dossier_from_row;
use super::offers::{offered_catalogue, Offer};
use super::queues::queue_status;
use super::revs::{read_rev, Rev};
use super::settings::settings_row;
use super::sites::SiteId;
use super::values::count;
use super::OfficeStore;
use crate::dossier_import::write_json;
use crate::dossier_import::DossierRecord;
use crate::office::db::sql_params;
use crate::protocol::{Changes, MAX_CHANGES, MAX_CHANGES_BYTES, MAX_DOSSIER_BYTES};

/// The dossier columns (`DOSSIER_COLUMNS`) with every text cut just past [`MAX_DOSSIER_BYTES`] characters: an
/// oversized dossier (from a database older than the import limits) is still seen to be too
/// large, without reading all of it.
const BOUNDED_COLUMNS: &str = "SUBSTR(code, 1, 65537), SUBSTR(status, 1, 65537), SUBSTR(procedure_code, 1, 65537), SUBSTR(applicant_name, 1, 65537), received_at, due_at, finished_at, SUBSTR(note, 1, 65537), SUBSTR(pickup_place, 1, 65537), SUBSTR(secret, 1, 65537), SUBSTR(phone_last4, 1, 65537), due_at_new";

impl OfficeStore {
    /// The site's change counter: what a kiosk of it that is up to date holds as its cursor.
    pub fn rev(&self, site: SiteId) -> Result<u64> {
        self.read(|tx| Ok(count(read_rev(tx, site, Rev::All)?)))
    }
    /// What changed after `since`, for a kiosk: at most `limit` dossiers (default and maximum
    /// [`MAX_CHANGES`]) and [`MAX_CHANGES_BYTES`] of them (at least one) in rev order, skipping
    /// any larger than [`MAX_DOSSIER_BYTES`] or unreadable (with a warning), and the catalogue, settings and `today`'s queues when
    /// they changed. Everything with a rev up to the returned cursor is in this answer or an
    /// earlier one, so each part is sent once per kiosk.
    pub fn changes(
        &mut self,
        site: SiteId,
        since: u64,
        limit: Option<u32>,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Changes> {
        // One snapshot: a dossier committed meanwhile (by the import command, say) is either
        // below the cursor and here, or above it.
        self.read(|tx| {
            let current = count(read_rev(tx, site, Rev::All)?);
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
                    "SELECT {BOUNDED_COLUMNS}, rev FROM dossier WHERE site_id = ?3 AND rev > ?1 ORDER BY rev LIMIT ?2"
                ),
                sql_params![i64::try_from(since)?, i64::from(limit) + 1, site.0],
            )?;
            let mut more = rows.len() > limit as usize;
            let mut page = DossierPage::default();
            let mut last_rev = 0u64;
            for row in rows.iter().take(limit as usize) {
                let rev = count(row.int(12)?);
                let json = match dossier_from_row(row) {
                    Ok(record) => dossier_json(&record),
                    Err(e) => Err(format!("unreadable ({e:#})")),
                };
                match json {
                    Ok(json) => {
                        if !page.add(json) {
                            more = true;
                            break;
                        }
                    }
                    // Passed over for good: the cursor moves past it, so it stalls no kiosk.
                    Err(why) => log::warn!(
                        "dossier at rev {rev} is not sent to kiosks: {why}; fix it at the source and import it again"
                    ),
                }
                last_rev = rev;
            }
            let cursor = if more { last_rev } else { current };
            let fresh = |rev: i64| since < count(rev) && count(rev) <= cursor;
            let dossiers = page.into_json()?;
            let catalogue = if fresh(read_rev(tx, site, Rev::Catalogue)?) {
                let offer = tx
                    .query_one("SELECT offer FROM site WHERE id = ?1", sql_params![site.0])?
                    .opt_text(0)?
                    .map(|json| serde_json::from_str::<Offer>(&json))
                    .transpose()?
                    .filter(|o| !o.is_all());
                match tx.query_opt("SELECT body FROM catalogue WHERE id = 1", &[])? {
                    Some(row) => {
                        let body = row.text(0)?;
                        let body = match &offer {
                            Some(offer) => offered_catalogue(&body, offer)?,
                            None => body,
                        };
                        Some(RawValue::from_string(body)?)
                    }
                    None => None,
                }
            } else {
                None
            };
            let settings = match settings_row(tx, site)? {
                Some((s, rev)) if fresh(rev) => Some(s),
                _ => None,
            };
            let queues = if fresh(read_rev(tx, site, Rev::Queues)?) {
                queue_status(tx, site, today, now)?
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

/// A dossier as one element of the page's JSON array, or why it is not sent.
fn dossier_json(record: &DossierRecord) -> Result<String, String> {
    let texts = [
        &record.procedure_code,
        &record.applicant_name,
        &record.note,
        &record.pickup_place,
        &record.secret,
        &record.phone_last4,
    ];
    // The JSON is at least as long as the texts: a huge one is not even written out.
    if texts.iter().map(|t| t.len()).sum::<usize>() > MAX_DOSSIER_BYTES {
        return Err(format!("larger than {MAX_DOSSIER_BYTES} bytes"));
    }
    let array = write_json(std::slice::from_ref(record));
    let json = array
        .strip_prefix('[')
        .and_then(|a| a.strip_suffix(']'))
        .unwrap_or(&array)
        .trim()
        .to_string();
    if json.len() > MAX_DOSSIER_BYTES {
        return Err(format!("larger than {MAX_DOSSIER_BYTES} bytes"));
    }
    Ok(json)
}

/// The dossiers of one page as the elements of a JSON array, bounded in bytes.
#[derive(Default)]
struct DossierPage {
    json: String,
    count: usize,
}

impl DossierPage {
    /// Adds an element unless the page would pass [`MAX_CHANGES_BYTES`]; the first always fits.
    fn add(&mut self, element: String) -> bool {
        if self.count > 0 && self.json.len() + 1 + element.len() + 2 > MAX_CHANGES_BYTES {
            return false;
        }
        self.json.push(if self.count == 0 { '[' } else { ',' });
        self.json.push_str(&element);
        self.count += 1;
        true
    }

    /// The array, or `None` for an empty page.
    fn into_json(mut self) -> Result<Option<Box<RawValue>>> {
        if self.count == 0 {
            return Ok(None);
        }
        self.json.push(']');
        Ok(Some(RawValue::from_string(self.json)?))
    }
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
    use crate::protocol::Settings;

    both_backends! {
        changes_page_by_rev_and_send_settings_and_catalogue_once,
        an_oversized_or_unreadable_stored_dossier_is_skipped_and_passed,
    }

    #[test]
    fn a_page_is_bounded_in_bytes_but_always_holds_one() {
        use super::{DossierPage, MAX_CHANGES_BYTES};
        let mib = format!("\"{}\"", "x".repeat((1 << 20) - 2));
        let mut page = DossierPage::default();
        assert!(
            page.add(format!("{mib}{mib}{mib}{mib}{mib}")),
            "the first always fits"
        );
        assert!(!page.add("{}".into()));
        let mut page = DossierPage::default();
        let added = (0..10).take_while(|_| page.add(mib.clone())).count();
        assert_eq!(added, 3);
        let json = page.into_json().unwrap().unwrap();
        assert!(json.get().len() <= MAX_CHANGES_BYTES);
        assert!(DossierPage::default().into_json().unwrap().is_none());
    }

    fn an_oversized_or_unreadable_stored_dossier_is_skipped_and_passed(b: Backend) {
        let (_db, mut s) = open(b);
        let now = Utc::now();
        let all: Vec<DossierRecord> = (1..=4)
            .map(|i| record(i, DossierStatus::Received))
            .collect();
        s.upsert_dossiers(S1, &all, now).unwrap();
        // As a database from before the import limits may hold them.
        let huge = "x".repeat(super::MAX_DOSSIER_BYTES + 1);
        s.write(|tx| {
            tx.execute(
                "UPDATE dossier SET note = ?1 WHERE code = ?2",
                crate::office::db::sql_params![&huge, all[1].code.as_str()],
            )?;
            tx.execute(
                "UPDATE dossier SET status = 'lost' WHERE code = ?1",
                crate::office::db::sql_params![all[2].code.as_str()],
            )
        })
        .unwrap();
        let c = s.changes(S1, 0, None, d(), now).unwrap();
        assert_eq!(codes(&c), [all[0].code.as_str(), all[3].code.as_str()]);
        assert_eq!((c.cursor, c.more), (4, false));
        // Paged one by one, the skipped ones still move the cursor on.
        let mut since = 0;
        let mut got = Vec::new();
        for _ in 0..10 {
            let c = s.changes(S1, since, Some(1), d(), now).unwrap();
            got.extend(codes(&c));
            since = c.cursor;
            if !c.more {
                break;
            }
        }
        assert_eq!(got, [all[0].code.as_str(), all[3].code.as_str()]);
        assert_eq!(since, 4);
    }

    fn changes_page_by_rev_and_send_settings_and_catalogue_once(b: Backend) {
        let (_db, mut s) = open(b);
        let now = Utc::now();
        let all: Vec<DossierRecord> = (1..=10)
            .map(|i| record(i, DossierStatus::Received))
            .collect();
        s.upsert_dossiers(S1, &all[..6], now).unwrap();
        assert!(s
            .set_settings(
                S1,
                &Settings {
                    notice_vi: " Nghỉ lễ 2/9 ".into(),
                    notice_en: String::new(),
                    ..Default::default()
                }
            )
            .unwrap());
        assert!(
            !s.set_settings(
                S1,
                &Settings {
                    notice_vi: "Nghỉ lễ 2/9".into(),
                    notice_en: String::new(),
                    ..Default::default()
                }
            )
            .unwrap(),
            "unchanged settings are no change"
        );
        s.upsert_dossiers(S1, &all[6..], now).unwrap();
        let catalogue = include_str!("../../../assets/catalogue.json");
        assert!(s.set_catalogue(catalogue).unwrap());
        assert!(!s.set_catalogue(catalogue).unwrap());
        assert!(s.set_catalogue("{\"fields\": []}").is_err());
        assert_eq!(s.rev(S1).unwrap(), 12);

        // Pages of 4: the settings (rev 7) come with the page that passes them, the catalogue
        // (rev 12) with the last.
        let mut since = 0;
        let mut got = Vec::new();
        let mut pages = Vec::new();
        loop {
            let c = s.changes(S1, since, Some(4), d(), now).unwrap();
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
        let idle = s.changes(S1, since, None, d(), now).unwrap();
        assert_eq!(
            serde_json::to_string(&idle).unwrap(),
            format!("{{\"time\":\"{}\",\"cursor\":12}}", now.to_rfc3339())
        );
        let full = s.changes(S1, 0, None, d(), now).unwrap();
        assert_eq!(full.settings.unwrap().notice_vi, "Nghỉ lễ 2/9");
        let sent: crate::catalogue::Catalogue =
            serde_json::from_str(full.catalogue.unwrap().get()).unwrap();
        assert_eq!(
            sent,
            crate::catalogue::Catalogue::from_json(catalogue).unwrap()
        );
        // A cursor from another database starts over.
        assert_eq!(
            codes(&s.changes(S1, 999, None, d(), now).unwrap()).len(),
            10
        );
        // Limits out of range are brought into it.
        assert_eq!(
            codes(&s.changes(S1, 0, Some(0), d(), now).unwrap()).len(),
            1
        );
    }
}
