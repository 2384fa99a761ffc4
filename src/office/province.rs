//! The province's roll-up (docs/province.md): one row per site for a date range, with the
//! figures the report has for one site (tickets, waits, no-shows, satisfaction, dossiers
//! and the on-time share), read with four queries for all sites at once and summed by the
//! report's own rules (`reports::figures`, `count_resolved`), so a site's row and its
//! report always agree.

use std::cmp::Ordering;
use std::collections::HashMap;

use anyhow::Result;
use chrono::{NaiveDate, TimeDelta};
use chrono_tz::Tz;
use serde::Serialize;

use super::db::sql_params;
use super::reports::{
    count_resolved, figures, local_midnight, safe_cell, DossierFigures, TicketFacts,
};
use super::store::{day, parse_ts, ts, OfficeStore, SiteId};
use crate::domain::dossier::{timeliness, DossierStatus, Timeliness};
use crate::domain::hours::Hours;

/// One site's figures for the range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteRow {
    /// Its place in the order asked for (1 first).
    pub rank: u32,
    /// The site.
    #[serde(skip)]
    pub site: SiteId,
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Tickets issued.
    pub tickets: u32,
    /// Average seconds from issue to first call.
    pub wait_avg_s: Option<u32>,
    /// 90th percentile (nearest rank) of the same.
    pub wait_p90_s: Option<u32>,
    /// Tickets called that did not come.
    pub no_shows: u32,
    /// Ratings given.
    pub rated: u32,
    /// Share of ratings "very satisfied", in %; None with no rating.
    pub very_satisfied_pct: Option<f64>,
    /// Share "satisfied", in %.
    pub satisfied_pct: Option<f64>,
    /// Share "unsatisfied", in %.
    pub unsatisfied_pct: Option<f64>,
    /// Dossiers received in the range.
    pub received: u32,
    /// Dossiers resolved in the range.
    pub resolved: u32,
    /// Of those: early.
    pub early: u32,
    /// On time.
    pub on_time: u32,
    /// Late.
    pub late: u32,
    /// (early + on time) ÷ resolved, in %; None with nothing resolved.
    pub on_time_pct: Option<f64>,
}

/// A column the roll-up can be ranked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// The site's code.
    Code,
    /// The site's name.
    Name,
    /// Tickets.
    Tickets,
    /// Average wait.
    WaitAvg,
    /// 90th-percentile wait.
    WaitP90,
    /// No-shows.
    NoShows,
    /// Very satisfied share.
    VerySatisfied,
    /// Satisfied share.
    Satisfied,
    /// Unsatisfied share.
    Unsatisfied,
    /// Dossiers received.
    Received,
    /// Dossiers resolved.
    Resolved,
    /// On-time share.
    OnTime,
}

/// Every column with its name in the query and the CSV.
pub const COLUMNS: [(Column, &str); 12] = [
    (Column::Code, "code"),
    (Column::Name, "name"),
    (Column::Tickets, "tickets"),
    (Column::WaitAvg, "wait_avg"),
    (Column::WaitP90, "wait_p90"),
    (Column::NoShows, "no_shows"),
    (Column::VerySatisfied, "very_satisfied"),
    (Column::Satisfied, "satisfied"),
    (Column::Unsatisfied, "unsatisfied"),
    (Column::Received, "received"),
    (Column::Resolved, "resolved"),
    (Column::OnTime, "on_time"),
];

impl Column {
    /// The column named `name` (as in [`COLUMNS`]).
    pub fn from_name(name: &str) -> Option<Column> {
        COLUMNS.iter().find(|(_, n)| *n == name).map(|(c, _)| *c)
    }

    /// A row's value in this column, as a number (None: nothing measured).
    fn number(self, r: &SiteRow) -> Option<f64> {
        let n = |v: u32| Some(f64::from(v));
        match self {
            Column::Code | Column::Name => None,
            Column::Tickets => n(r.tickets),
            Column::WaitAvg => r.wait_avg_s.map(f64::from),
            Column::WaitP90 => r.wait_p90_s.map(f64::from),
            Column::NoShows => n(r.no_shows),
            Column::VerySatisfied => r.very_satisfied_pct,
            Column::Satisfied => r.satisfied_pct,
            Column::Unsatisfied => r.unsatisfied_pct,
            Column::Received => n(r.received),
            Column::Resolved => n(r.resolved),
            Column::OnTime => r.on_time_pct,
        }
    }
}

/// Sorts `rows` by `column` (descending when `descending`), rows without a value last
/// either way, ties by code; then numbers the ranks from 1.
pub fn sort_rows(rows: &mut [SiteRow], column: Column, descending: bool) {
    rows.sort_by(|a, b| {
        let ord = match column {
            Column::Code => a.code.cmp(&b.code),
            Column::Name => crate::domain::collate::compare(&a.name, &b.name),
            _ => match (column.number(a), column.number(b)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                // Nothing measured ranks last whichever way the column is sorted.
                (Some(_), None) => return Ordering::Less,
                (None, Some(_)) => return Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
        };
        let ord = if descending { ord.reverse() } else { ord };
        ord.then_with(|| a.code.cmp(&b.code))
    });
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = u32::try_from(i + 1).unwrap_or(u32::MAX);
    }
}

fn pct(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) * 100.0 / f64::from(whole))
}

/// One site's row from its tickets and dossier figures.
pub fn site_row(
    site: SiteId,
    code: &str,
    name: &str,
    tickets: &[TicketFacts],
    d: &DossierFigures,
) -> SiteRow {
    let f = figures(code, tickets);
    let r = &f.ratings;
    let rated = r.very_satisfied + r.satisfied + r.unsatisfied;
    SiteRow {
        rank: 0,
        site,
        code: code.to_string(),
        name: name.to_string(),
        tickets: f.tickets,
        wait_avg_s: f.wait_avg_s,
        wait_p90_s: f.wait_p90_s,
        no_shows: f.no_shows,
        rated,
        very_satisfied_pct: pct(r.very_satisfied, rated),
        satisfied_pct: pct(r.satisfied, rated),
        unsatisfied_pct: pct(r.unsatisfied, rated),
        received: d.received,
        resolved: d.resolved,
        early: d.early,
        on_time: d.on_time,
        late: d.late,
        on_time_pct: d.on_time_share.map(|s| s * 100.0),
    }
}

impl OfficeStore {
    /// Every site's row for business days `from` to `to` (included) in `tz`, by code:
    /// four queries whatever the number of sites (sites, tickets, received, resolved).
    pub fn province_rollup(&self, from: NaiveDate, to: NaiveDate, tz: Tz) -> Result<Vec<SiteRow>> {
        let sessions = Hours::default().sessions;
        let (lo, hi) = (
            ts(local_midnight(from, tz)),
            ts(local_midnight(to + TimeDelta::days(1), tz)),
        );
        let sites = self.sites()?;
        let (tickets, dossiers) = self.read(|tx| {
            let mut tickets: HashMap<i64, Vec<TicketFacts>> = HashMap::new();
            for r in tx.query(
                "SELECT t.site_id, t.state, t.issued_at, t.first_called_at, r.score
                 FROM ticket t LEFT JOIN rating r ON r.ticket_id = t.id
                 WHERE t.business_date >= ?1 AND t.business_date <= ?2",
                sql_params![&day(from), &day(to)],
            )? {
                tickets.entry(r.int(0)?).or_default().push(TicketFacts {
                    queue: String::new(),
                    counter: None,
                    clerk: None,
                    state: r.text(1)?,
                    issued_at: parse_ts(&r.text(2)?)?,
                    first_called_at: r.opt_text(3)?.map(|s| parse_ts(&s)).transpose()?,
                    started_at: None,
                    finished_at: None,
                    score: r.opt_text(4)?,
                });
            }
            let mut dossiers: HashMap<i64, DossierFigures> = HashMap::new();
            for r in tx.query(
                "SELECT site_id, COUNT(*) FROM dossier
                 WHERE received_at >= ?1 AND received_at < ?2 GROUP BY site_id",
                sql_params![&lo, &hi],
            )? {
                dossiers.entry(r.int(0)?).or_default().received = u32::try_from(r.int(1)?)?;
            }
            for r in tx.query(
                "SELECT site_id, status, due_at, finished_at FROM dossier
                 WHERE finished_at >= ?1 AND finished_at < ?2",
                sql_params![&lo, &hi],
            )? {
                if !DossierStatus::from_code(&r.text(1)?).is_some_and(|s| s.is_resolved()) {
                    continue;
                }
                let finished = parse_ts(&r.text(3)?)?.with_timezone(&tz).naive_local();
                // No legal deadline: it cannot be late (as in the report).
                let t = match r.opt_text(2)? {
                    Some(due) => timeliness(
                        finished,
                        parse_ts(&due)?.with_timezone(&tz).naive_local(),
                        &sessions,
                    ),
                    None => Timeliness::OnTime,
                };
                count_resolved(dossiers.entry(r.int(0)?).or_default(), t);
            }
            Ok((tickets, dossiers))
        })?;
        let none = DossierFigures::default();
        Ok(sites
            .iter()
            .map(|s| {
                let t = tickets.get(&s.id.0).map_or(&[][..], |v| &v[..]);
                let d = dossiers.get(&s.id.0).unwrap_or(&none);
                site_row(s.id, &s.code, &s.name, t, d)
            })
            .collect())
    }
}

fn minutes(s: Option<u32>) -> String {
    s.map(|s| format!("{:.1}", f64::from(s) / 60.0))
        .unwrap_or_default()
}

fn one_decimal(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_default()
}

/// The roll-up as CSV (UTF-8 with a BOM, for Excel), in the rows' order; names pass
/// through [`safe_cell`] as the report's do.
pub fn rollup_csv(rows: &[SiteRow]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record([
        "rank",
        "code",
        "name",
        "tickets",
        "wait_avg_min",
        "wait_p90_min",
        "no_shows",
        "rated",
        "very_satisfied_pct",
        "satisfied_pct",
        "unsatisfied_pct",
        "received",
        "resolved",
        "early",
        "on_time",
        "late",
        "on_time_pct",
    ])?;
    for r in rows {
        w.write_record([
            r.rank.to_string(),
            safe_cell(&r.code).into_owned(),
            safe_cell(&r.name).into_owned(),
            r.tickets.to_string(),
            minutes(r.wait_avg_s),
            minutes(r.wait_p90_s),
            r.no_shows.to_string(),
            r.rated.to_string(),
            one_decimal(r.very_satisfied_pct),
            one_decimal(r.satisfied_pct),
            one_decimal(r.unsatisfied_pct),
            r.received.to_string(),
            r.resolved.to_string(),
            r.early.to_string(),
            r.on_time.to_string(),
            r.late.to_string(),
            one_decimal(r.on_time_pct),
        ])?;
    }
    Ok(w.into_inner()?)
}

#[cfg(test)]
#[path = "province_tests.rs"]
mod tests;
