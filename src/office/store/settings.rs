//! What every kiosk of a site shows alike: the site's settings (notices), and the
//! catalogue, which is the province's.

use std::sync::Arc;

use anyhow::Result;

use super::revs::{bump_rev, lock_rev};
use super::sites::SiteId;
use super::OfficeStore;
use crate::catalogue::Catalogue;
use crate::domain::booking::WalkIn;
use crate::office::db::{sql_params, Tx};
use crate::protocol::Settings;

impl OfficeStore {
    /// Replaces the notices pushed to kiosks (NFC-normalised and trimmed; the public address
    /// and the walk-in mode are kept: [`set_public_url`](Self::set_public_url) and the
    /// booking rules set them); returns whether anything changed.
    pub fn set_settings(&mut self, site: SiteId, settings: &Settings) -> Result<bool> {
        self.write(|tx| {
            change_settings(tx, site, |s| {
                s.notice_vi = crate::domain::text::nfc(settings.notice_vi.trim());
                s.notice_en = crate::domain::text::nfc(settings.notice_en.trim());
            })
        })
    }

    /// Sets the address where the site's citizens follow their tickets (checked by
    /// [`crate::follow::public_url`]; empty: none); its kiosks print it from their next poll.
    /// Returns whether it changed.
    pub fn set_public_url(&mut self, site: SiteId, url: &str) -> Result<bool> {
        let url =
            crate::follow::public_url(url).map_err(|e| anyhow::anyhow!("public address {e}"))?;
        self.write(|tx| change_settings(tx, site, |s| s.public_url = url.clone()))
    }

    /// The settings pushed to the site's kiosks (empty notices until set).
    pub fn settings(&self, site: SiteId) -> Result<Settings> {
        Ok(self
            .read(|tx| settings_row(tx, site))?
            .map(|(s, _)| s)
            .unwrap_or_default())
    }

    /// Replaces the catalogue sent to every site's kiosks after checking it as a kiosk will
    /// (`Catalogue::from_json`); returns whether it changed. Keys this build does not know
    /// are kept, for kiosks newer than the office. Every site's rev rises, so each site's
    /// kiosks pull it.
    pub fn set_catalogue(&mut self, json: &str) -> Result<bool> {
        crate::catalogue::Catalogue::from_json(json)?;
        let value: serde_json::Value = serde_json::from_str(json)?;
        let body = value.to_string();
        self.write(|tx| {
            // Every site's row, in one order, before anything else: no deadlock with a
            // site's own writers, which lock only their row.
            if tx.is_postgres() {
                tx.query("SELECT id FROM site ORDER BY id FOR UPDATE", &[])?;
            }
            let old = tx
                .query_opt("SELECT body FROM catalogue WHERE id = 1", &[])?
                .map(|r| r.text(0))
                .transpose()?;
            if old.as_deref() == Some(body.as_str()) {
                return Ok(false);
            }
            tx.execute(
                "UPDATE site SET rev = rev + 1, catalogue_rev = rev + 1",
                &[],
            )?;
            // The catalogue's own rev keys every office process's parsed copy
            // ([`stored_catalogue`](Self::stored_catalogue)); kiosks follow their site's
            // catalogue_rev.
            tx.execute(
                "INSERT INTO catalogue (id, body, rev) VALUES (1, ?1, 0)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, rev = catalogue.rev + 1",
                sql_params![&body],
            )?;
            Ok(true)
        })
    }

    /// The catalogue sent to kiosks (compact JSON), if one was set.
    pub fn catalogue(&self) -> Result<Option<String>> {
        self.read(|tx| {
            tx.query_opt("SELECT body FROM catalogue WHERE id = 1", &[])?
                .map(|r| r.text(0))
                .transpose()
        })
    }

    /// The stored catalogue, parsed (None: none stored, or one that does not load). The
    /// text is read and parsed again only when its rev moved: a push and a console view
    /// need it, and reading 20 KB and normalising it cost more than the rest of either.
    pub(in crate::office) fn stored_catalogue(
        &self,
        tx: &mut Tx,
    ) -> Result<Option<Arc<Catalogue>>> {
        let cached = self.parsed_catalogue.borrow().clone();
        let known_rev = cached.as_ref().map_or(-1, |(rev, _)| *rev);
        // One statement, so the rev and the text are of the same commit.
        let Some(row) = tx.query_opt(
            "SELECT rev, CASE WHEN rev = ?1 THEN NULL ELSE body END FROM catalogue WHERE id = 1",
            sql_params![known_rev],
        )?
        else {
            return Ok(None);
        };
        let rev = row.int(0)?;
        let Some(body) = row.opt_text(1)? else {
            return Ok(cached.and_then(|(_, c)| c));
        };
        let parsed = match Catalogue::from_json(&body) {
            Ok(c) => Some(Arc::new(c)),
            Err(e) => {
                log::warn!("the stored catalogue does not load ({e:#})");
                None
            }
        };
        *self.parsed_catalogue.borrow_mut() = Some((rev, parsed.clone()));
        Ok(parsed)
    }
}

/// Sets the walk-in mode pushed to the site's kiosks, within the transaction that stores
/// the booking rules it comes from; returns whether it changed.
pub(in crate::office) fn set_walk_in(tx: &mut Tx, site: SiteId, walk_in: WalkIn) -> Result<bool> {
    // A site that never had settings and walks everyone in has nothing to push.
    if walk_in.is_all() && settings_row(tx, site)?.is_none() {
        return Ok(false);
    }
    change_settings(tx, site, |s| s.walk_in = walk_in)
}

/// Applies `change` to the site's settings (the site's rev row locked first, as every writer
/// locks it) and stores them if that changed anything; returns whether it did.
fn change_settings(tx: &mut Tx, site: SiteId, change: impl FnOnce(&mut Settings)) -> Result<bool> {
    lock_rev(tx, site)?;
    let old = settings_row(tx, site)?.map(|(s, _)| s);
    let mut new = old.clone().unwrap_or_default();
    change(&mut new);
    store_settings(tx, site, old.as_ref(), &new)
}

/// Writes `new` as the site's settings unless it equals `old`, raising the site's rev so its
/// kiosks pull them; returns whether it wrote.
fn store_settings(
    tx: &mut Tx,
    site: SiteId,
    old: Option<&Settings>,
    new: &Settings,
) -> Result<bool> {
    if old == Some(new) {
        return Ok(false);
    }
    let rev = bump_rev(tx, site)?;
    tx.execute(
        "INSERT INTO settings (site_id, notice_vi, notice_en, public_url, walk_in, rev)
         VALUES (?4, ?1, ?2, ?5, ?6, ?3)
         ON CONFLICT (site_id) DO UPDATE SET notice_vi = excluded.notice_vi,
            notice_en = excluded.notice_en, public_url = excluded.public_url,
            walk_in = excluded.walk_in, rev = excluded.rev",
        sql_params![
            &new.notice_vi,
            &new.notice_en,
            rev,
            site.0,
            &new.public_url,
            new.walk_in.code()
        ],
    )?;
    Ok(true)
}

/// The site's settings (with the site's code) and their rev, if they were ever set.
pub(super) fn settings_row(tx: &mut Tx, site: SiteId) -> Result<Option<(Settings, i64)>> {
    tx.query_opt(
        "SELECT s.notice_vi, s.notice_en, s.rev, s.public_url, s.walk_in, site.code
         FROM settings s JOIN site ON site.id = s.site_id WHERE s.site_id = ?1",
        sql_params![site.0],
    )?
    .map(|r| {
        Ok((
            Settings {
                notice_vi: r.text(0)?,
                notice_en: r.text(1)?,
                public_url: r.text(3)?,
                walk_in: WalkIn::from_code(&r.text(4)?),
                site: r.text(5)?,
            },
            r.int(2)?,
        ))
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::office::counters::QueueDef;
    use crate::office::store::S1;
    use crate::office::test_db::{both_backends, Backend, TestDb};

    both_backends! {
        a_catalogue_changed_by_another_process_names_queues_at_once,
        the_walk_in_mode_and_the_site_code_reach_the_kiosks,
    }

    fn the_walk_in_mode_and_the_site_code_reach_the_kiosks(b: Backend) {
        use crate::domain::booking::BookingRules;
        let db = TestDb::new(b);
        let mut s = OfficeStore::open(db.target()).unwrap();
        s.set_queues(S1, &[QueueDef::new("A", &["HT"])]).unwrap();
        let rules = |walk_in: &str| {
            BookingRules::from_json(&format!(
                r#"{{"queues":[{{"queue":"A","days":["mon"],"times":["09:00"],"per_slot":2}}],
                    "walk_in":"{walk_in}"}}"#
            ))
            .unwrap()
        };
        let (today, now) = (
            chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
            chrono::Utc::now(),
        );
        // Rules for everyone leave the settings as they were: nothing to push.
        s.set_booking_rules(S1, &rules("all")).unwrap();
        let since = s.rev(S1).unwrap();
        assert_eq!(s.settings(S1).unwrap(), Settings::default());
        s.set_booking_rules(S1, &rules("priority_only")).unwrap();
        let pushed = s.changes(S1, since, None, today, now).unwrap().settings;
        let pushed = pushed.expect("the mode is pushed");
        assert_eq!(
            (pushed.walk_in, pushed.site.as_str()),
            (WalkIn::PriorityOnly, "main")
        );
        // The notices keep it, and it survives a reopen.
        let notice = Settings {
            notice_vi: "Nghỉ trưa 11:30–13:30".into(),
            ..Default::default()
        };
        s.set_settings(S1, &notice).unwrap();
        drop(s);
        let mut s = OfficeStore::open(db.target()).unwrap();
        assert_eq!(s.settings(S1).unwrap().walk_in, WalkIn::PriorityOnly);
        // A new code for the site reaches its kiosks: their booking page moves with it.
        let since = s.rev(S1).unwrap();
        s.rename_site("main", None, Some("10105")).unwrap();
        let pushed = s.changes(S1, since, None, today, now).unwrap().settings;
        assert_eq!(pushed.map(|p| p.site), Some("10105".to_string()));
        s.set_booking_rules(S1, &rules("all")).unwrap();
        assert_eq!(s.settings(S1).unwrap().walk_in, WalkIn::All);
        assert_eq!(s.settings(S1).unwrap().notice_vi, "Nghỉ trưa 11:30–13:30");
    }

    fn a_catalogue_changed_by_another_process_names_queues_at_once(b: Backend) {
        let db = TestDb::new(b);
        let mut one = OfficeStore::open(db.target()).unwrap();
        let mut other = OfficeStore::open(db.target()).unwrap();
        one.set_queues(S1, &[QueueDef::new("A", &["HT"])]).unwrap();
        let built_in = one.queue_options(S1).unwrap();
        assert!(
            !built_in[0].name_vi.is_empty(),
            "named from the built-in catalogue"
        );
        let text = include_str!("../../../assets/catalogue.json");
        let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
        field_name(&mut v, "Hộ tịch (đổi tên)");
        other.set_catalogue(&v.to_string()).unwrap();
        assert_eq!(
            one.queue_options(S1).unwrap()[0].name_vi,
            "Hộ tịch (đổi tên)"
        );
        field_name(&mut v, "Hộ tịch lần hai");
        other.set_catalogue(&v.to_string()).unwrap();
        assert_eq!(
            one.queue_options(S1).unwrap()[0].name_vi,
            "Hộ tịch lần hai",
            "each change moves the rev the parsed copy is kept by"
        );
        drop(one);
        let one = OfficeStore::open(db.target()).unwrap();
        assert_eq!(one.queue_options(S1).unwrap()[0].name_vi, "Hộ tịch lần hai");
    }

    fn field_name(v: &mut serde_json::Value, name: &str) {
        for f in v["fields"].as_array_mut().unwrap() {
            if f["code"] == "HT" {
                f["name_vi"] = name.into();
            }
        }
    }
}
