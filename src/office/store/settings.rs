//! What every kiosk of a site shows alike: the site's settings (notices), and the
//! catalogue, which is the province's.

use anyhow::Result;

use super::revs::{bump_rev, lock_rev};
use super::sites::SiteId;
use super::OfficeStore;
use crate::office::db::{sql_params, Tx};
use crate::protocol::Settings;

impl OfficeStore {
    /// Replaces the settings pushed to kiosks (notices NFC-normalised and trimmed); returns
    /// whether anything changed.
    pub fn set_settings(&mut self, site: SiteId, settings: &Settings) -> Result<bool> {
        let clean = Settings {
            notice_vi: crate::domain::text::nfc(settings.notice_vi.trim()),
            notice_en: crate::domain::text::nfc(settings.notice_en.trim()),
        };
        self.write(|tx| {
            lock_rev(tx, site)?;
            let old = settings_row(tx, site)?.map(|(s, _)| s);
            if old.as_ref() == Some(&clean) {
                return Ok(false);
            }
            let rev = bump_rev(tx, site)?;
            tx.execute(
                "INSERT INTO settings (site_id, notice_vi, notice_en, rev) VALUES (?4, ?1, ?2, ?3)
                 ON CONFLICT (site_id) DO UPDATE SET notice_vi = excluded.notice_vi,
                    notice_en = excluded.notice_en, rev = excluded.rev",
                sql_params![&clean.notice_vi, &clean.notice_en, rev, site.0],
            )?;
            Ok(true)
        })
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
            // The catalogue's own rev is no longer read (each site keeps its catalogue_rev).
            tx.execute(
                "INSERT INTO catalogue (id, body, rev) VALUES (1, ?1, 0)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
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
}

/// The site's settings and their rev, if they were ever set.
pub(super) fn settings_row(tx: &mut Tx, site: SiteId) -> Result<Option<(Settings, i64)>> {
    tx.query_opt(
        "SELECT notice_vi, notice_en, rev FROM settings WHERE site_id = ?1",
        sql_params![site.0],
    )?
    .map(|r| {
        Ok((
            Settings {
                notice_vi: r.text(0)?,
                notice_en: r.text(1)?,
            },
            r.int(2)?,
        ))
    })
    .transpose()
}
