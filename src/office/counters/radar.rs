//! The deadline radar at the office (docs/radar.md): the site's dossiers sorted onto the
//! four lists by [`crate::domain::radar`], in the site's working time, each row carrying
//! only the code, the field, the due times, how late and the masked name.

use anyhow::Result;
use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::office_config::{built_in, config_in, put_config};
use crate::domain::dossier::DossierStatus;
use crate::domain::hours::Hours;
use crate::domain::mask::mask_name;
use crate::domain::radar::{blip, proposed_new_date, RadarInput, RadarList, RadarRules};
use crate::domain::working_time::{DaysOff, WorkCalendar};
use crate::office::db::sql_params;
use crate::office::store::{OfficeStore, SiteId};

/// One dossier on the radar: nothing personal but the masked name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RadarRow {
    /// The list it is on.
    pub list: RadarList,
    /// The dossier's code.
    pub code: String,
    /// Its field's code ("" when its procedure is not in the catalogue).
    pub field: String,
    /// The field's Vietnamese name.
    pub field_vi: String,
    /// The field's English name.
    pub field_en: String,
    /// The receipt's due time, office-local ("2026-12-07T17:00:00").
    pub due: Option<NaiveDateTime>,
    /// The apology letter's new due time, if one was set.
    pub due_new: Option<NaiveDateTime>,
    /// For a late dossier owed a letter, the new date its draft proposes
    /// ([`crate::domain::radar::proposed_new_date`]).
    pub proposed_new: Option<NaiveDateTime>,
    /// Working minutes to the due time (negative: late by that much); whole days waiting
    /// for an uncollected one.
    pub amount: i64,
    /// "Ng*** V** An".
    pub masked_name: String,
}

/// The radar of one site at one instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Radar {
    /// When it was drawn, office-local.
    pub at: NaiveDateTime,
    /// The due-soon threshold, in working minutes.
    pub due_soon_minutes: i64,
    /// The uncollected threshold, in days.
    pub uncollected_days: i64,
    /// The rows: list by list (owed letters first), the latest first within a list.
    pub rows: Vec<RadarRow>,
}

impl OfficeStore {
    /// Sets the site's holidays and make-up working days, which the radar counts working
    /// time by.
    pub fn set_days_off(&mut self, site: SiteId, days: &DaysOff) -> Result<()> {
        let body = serde_json::to_string(days)?;
        self.write(|tx| put_config(tx, site, "days_off", &body))
    }

    /// The site's holidays and make-up working days (none until set).
    pub fn days_off(&self, site: SiteId) -> Result<DaysOff> {
        self.read(|tx| match config_in(tx, site, "days_off")? {
            Some(json) => DaysOff::from_json(&json).map_err(anyhow::Error::msg),
            None => Ok(DaysOff::default()),
        })
    }

    /// The site's working calendar: the standard sessions (07:00–11:30, 13:30–17:00,
    /// Monday to Friday, as the reports judge timeliness) and its days off.
    pub fn work_calendar(&self, site: SiteId) -> Result<WorkCalendar> {
        let days = self.days_off(site)?;
        Ok(WorkCalendar::new(
            &Hours::default(),
            days.holidays,
            days.make_up,
        ))
    }

    /// The site's radar at `now`.
    pub fn radar(
        &self,
        site: SiteId,
        now: DateTime<Utc>,
        tz: Tz,
        rules: RadarRules,
    ) -> Result<Radar> {
        let cal = self.work_calendar(site)?;
        let local = |t: DateTime<Utc>| t.with_timezone(&tz).naive_local();
        let at = local(now);
        let mut rows = self.read(|tx| {
            let catalogue = self.stored_catalogue(tx)?;
            let catalogue = catalogue.as_deref().unwrap_or_else(|| built_in());
            let stored = tx.query(
                "SELECT code, status, procedure_code, applicant_name, due_at, due_at_new, finished_at,
                        received_at
                 FROM dossier WHERE site_id = ?1 AND status IN ('received', 'processing', 'ready')",
                sql_params![site.0],
            )?;
            let mut rows = Vec::new();
            for r in &stored {
                let Some(status) = DossierStatus::from_code(&r.text(1)?) else {
                    continue;
                };
                let time = |i: usize| -> Result<Option<NaiveDateTime>> {
                    Ok(match r.opt_text(i)? {
                        Some(t) => Some(local(crate::office::store::parse_ts(&t)?)),
                        None => None,
                    })
                };
                let input = RadarInput {
                    status,
                    due_at: time(4)?,
                    due_at_new: time(5)?,
                    ready_at: time(6)?,
                };
                let Some(b) = blip(&input, at, &cal, rules) else {
                    continue;
                };
                let proposed_new = match (b.list, input.due_at, time(7)?) {
                    (RadarList::OverdueNoNewDate, Some(due), Some(received)) => {
                        proposed_new_date(received, due, at, &cal)
                    }
                    _ => None,
                };
                let procedure = r.text(2)?;
                let field = catalogue
                    .procedures
                    .iter()
                    .find(|p| p.code.as_deref() == Some(procedure.as_str()))
                    .and_then(|p| catalogue.field(&p.field));
                rows.push(RadarRow {
                    list: b.list,
                    code: r.text(0)?,
                    field: field.map(|f| f.code.clone()).unwrap_or_default(),
                    field_vi: field.map(|f| f.name_vi.clone()).unwrap_or_default(),
                    field_en: field.map(|f| f.name_en.clone()).unwrap_or_default(),
                    due: input.due_at,
                    due_new: input.due_at_new,
                    proposed_new,
                    amount: b.amount,
                    masked_name: mask_name(&r.text(3)?),
                });
            }
            Ok(rows)
        })?;
        let order = |l: RadarList| RadarList::ALL.iter().position(|x| *x == l);
        rows.sort_by(|a, b| {
            let late_first = |r: &RadarRow| match r.list {
                RadarList::Uncollected => -r.amount,
                _ => r.amount,
            };
            (order(a.list), late_first(a), &a.code).cmp(&(order(b.list), late_first(b), &b.code))
        });
        Ok(Radar {
            at,
            due_soon_minutes: rules.due_soon_minutes,
            uncollected_days: rules.uncollected_days,
            rows,
        })
    }
}

/// The radar as CSV (UTF-8 with a BOM, for spreadsheets): one row per dossier.
pub fn radar_csv(radar: &Radar) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record([
        "list",
        "code",
        "field",
        "field_vi",
        "due",
        "due_new",
        "proposed_new",
        "working_minutes_left",
        "days_waiting",
        "masked_name",
    ])?;
    let time = |t: Option<NaiveDateTime>| t.map(|t| t.format("%Y-%m-%d %H:%M").to_string());
    for r in &radar.rows {
        let (left, days) = match r.list {
            RadarList::Uncollected => (String::new(), r.amount.to_string()),
            _ => (r.amount.to_string(), String::new()),
        };
        w.write_record([
            r.list.code(),
            &r.code,
            &r.field,
            &r.field_vi,
            &time(r.due).unwrap_or_default(),
            &time(r.due_new).unwrap_or_default(),
            &time(r.proposed_new).unwrap_or_default(),
            &left,
            &days,
            &r.masked_name,
        ])?;
    }
    Ok(w.into_inner()?)
}
