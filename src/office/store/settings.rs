//! What every kiosk shows alike: the settings (notices) and the catalogue.

use anyhow::Result;

use super::meta::{bump_rev, lock_rev};
use super::OfficeStore;
use crate::office::db::{sql_params, Tx};
use crate::protocol::Settings;

impl OfficeStore {
    /// Replaces the settings pushed to kiosks (notices NFC-normalised and trimmed); returns
    /// whether anything changed.
    pub fn set_settings(&mut self, settings: &Settings) -> Result<bool> {
        let clean = Settings {
            notice_vi: crate::domain::text::nfc(settings.notice_vi.trim()),
            notice_en: crate::domain::text::nfc(settings.notice_en.trim()),
        };
        self.write(|tx| {
            lock_rev(tx)?;
            let old = settings_row(tx)?.map(|(s, _)| s);
            if old.as_ref() == Some(&clean) {
                return Ok(false);
            }
            let rev = bump_rev(tx)?;
            tx.execute(
                "INSERT INTO settings (id, notice_vi, notice_en, rev) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET notice_vi = excluded.notice_vi,
                    notice_en = excluded.notice_en, rev = excluded.rev",
                sql_params![&clean.notice_vi, &clean.notice_en, rev],
            )?;
            Ok(true)
        })
    }

    /// The settings pushed to kiosks (empty notices until set).
    pub fn settings(&self) -> Result<Settings> {
        Ok(self.read(settings_row)?.map(|(s, _)| s).unwrap_or_default())
    }

    /// Replaces the catalogue sent to kiosks after checking it as a kiosk will
    /// (`Catalogue::from_json`); returns whether it changed. Keys this build does not know
    /// are kept, for kiosks newer than the office.
    pub fn set_catalogue(&mut self, json: &str) -> Result<bool> {
        crate::catalogue::Catalogue::from_json(json)?;
        let value: serde_json::Value = serde_json::from_str(json)?;
        let body = value.to_string();
        self.write(|tx| {
            lock_rev(tx)?;
            let old = tx
                .query_opt("SELECT body FROM catalogue WHERE id = 1", &[])?
                .map(|r| r.text(0))
                .transpose()?;
            if old.as_deref() == Some(body.as_str()) {
                return Ok(false);
            }
            let rev = bump_rev(tx)?;
            tx.execute(
                "INSERT INTO catalogue (id, body, rev) VALUES (1, ?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, rev = excluded.rev",
                sql_params![&body, rev],
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

/// The settings and their rev, if they were ever set.
pub(super) fn settings_row(tx: &mut Tx) -> Result<Option<(Settings, i64)>> {
    tx.query_opt(
        "SELECT notice_vi, notice_en, rev FROM settings WHERE id = 1",
        &[],
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
