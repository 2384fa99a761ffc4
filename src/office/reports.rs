//! The figures the leadership reports for a date range: tickets, waits and service times
//! (average and 90th percentile), no-shows and satisfaction, in total and per queue,
//! counter and clerk; dossiers received and resolved, and the on-time share. The sums are
//! pure functions over the rows the database gives; the CSV is what a spreadsheet opens.

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::db::{sql_params, Tx};
use super::store::{day, parse_ts, ts, OfficeStore, OnlineFieldFigures, SiteId};
use crate::domain::dossier::{timeliness, DossierStatus, Timeliness};
use crate::domain::dossier_link::LinkReport;
use crate::domain::hours::Hours;
use crate::domain::numbering::format_ticket_number;

/// What the report needs of one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketFacts {
    /// Issuing queue.
    pub queue: String,
    /// The counter that last had it.
    pub counter: Option<u32>,
    /// That counter's clerk (username, name).
    pub clerk: Option<(String, String)>,
    /// waiting, called, serving, done, no_show.
    pub state: String,
    /// Issue time.
    pub issued_at: DateTime<Utc>,
    /// First call.
    pub first_called_at: Option<DateTime<Utc>>,
    /// Service start.
    pub started_at: Option<DateTime<Utc>>,
    /// Service end.
    pub finished_at: Option<DateTime<Utc>>,
    /// The citizen's answer.
    pub score: Option<String>,
}

/// Ratings by answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Ratings {
    /// Rất hài lòng.
    pub very_satisfied: u32,
    /// Hài lòng.
    pub satisfied: u32,
    /// Không hài lòng.
    pub unsatisfied: u32,
}

/// The figures of one group of tickets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// The queue, counter or clerk (empty for the total).
    pub key: String,
    /// The clerk's name (clerks only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Tickets issued.
    pub tickets: u32,
    /// Tickets finished.
    pub served: u32,
    /// Tickets that did not come when called.
    pub no_shows: u32,
    /// Average seconds from issue to first call.
    pub wait_avg_s: Option<u32>,
    /// 90th percentile of the same.
    pub wait_p90_s: Option<u32>,
    /// Average seconds from start to finish.
    pub service_avg_s: Option<u32>,
    /// 90th percentile of the same.
    pub service_p90_s: Option<u32>,
    /// Ratings given.
    pub ratings: Ratings,
}

/// Dossiers in the range.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DossierFigures {
    /// Received in the range.
    pub received: u32,
    /// Resolved in the range.
    pub resolved: u32,
    /// Of those: before the due session (trước hạn).
    pub early: u32,
    /// Within the due session (đúng hạn).
    pub on_time: u32,
    /// After the due time (trễ hạn).
    pub late: u32,
    /// (early + on time) ÷ resolved; None with nothing resolved.
    pub on_time_share: Option<f64>,
}

/// Bookings for days in the range (docs/booking.md).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BookingFigures {
    /// Made for those days.
    pub booked: u32,
    /// Checked in at a kiosk.
    pub kept: u32,
    /// Cancelled by the citizen.
    pub cancelled: u32,
    /// Whose window closed unused.
    pub missed: u32,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// First day.
    pub from: NaiveDate,
    /// Last day (included).
    pub to: NaiveDate,
    /// All tickets.
    pub total: Figures,
    /// Per issuing queue.
    pub queues: Vec<Figures>,
    /// Per counter.
    pub counters: Vec<Figures>,
    /// Per clerk.
    pub clerks: Vec<Figures>,
    /// Dossiers.
    pub dossiers: DossierFigures,
    /// Bookings.
    pub bookings: BookingFigures,
    /// Negative ratings and their follow-ups (docs/alerts.md).
    pub follow_ups: crate::office::counters::FollowupFigures,
    /// Followed up on time ÷ negative ratings; None without negative ratings.
    pub follow_up_on_time_share: Option<f64>,
    /// Citizens the kiosks routed online, per field (docs/online-routing.md).
    pub online: Vec<OnlineFieldFigures>,
    /// The ticket ↔ dossier link (docs/dossier-link.md).
    pub links: LinkReport,
}

/// The nearest-rank percentile `p` (0–100) of sorted samples.
pub fn percentile(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1);
    sorted.get(usize::try_from(rank).ok()? - 1).copied()
}

fn average(samples: &[i64]) -> Option<i64> {
    let n = i64::try_from(samples.len()).ok().filter(|n| *n > 0)?;
    Some((samples.iter().sum::<i64>() + n / 2) / n)
}

fn secs(v: Option<i64>) -> Option<u32> {
    v.and_then(|v| u32::try_from(v.max(0)).ok())
}

/// The figures of a group of tickets.
pub fn figures<'a>(key: &str, tickets: impl IntoIterator<Item = &'a TicketFacts>) -> Figures {
    let mut f = Figures {
        key: key.to_string(),
        ..Figures::default()
    };
    let (mut waits, mut services) = (Vec::new(), Vec::new());
    for t in tickets {
        f.tickets += 1;
        match t.state.as_str() {
            "done" => f.served += 1,
            "no_show" => f.no_shows += 1,
            _ => {}
        }
        if let Some(called) = t.first_called_at {
            waits.push((called - t.issued_at).num_seconds().max(0));
        }
        if let (Some(start), Some(end)) = (t.started_at, t.finished_at) {
            services.push((end - start).num_seconds().max(0));
        }
        match t.score.as_deref() {
            Some("very_satisfied") => f.ratings.very_satisfied += 1,
            Some("satisfied") => f.ratings.satisfied += 1,
            Some("unsatisfied") => f.ratings.unsatisfied += 1,
            _ => {}
        }
    }
    waits.sort_unstable();
    services.sort_unstable();
    f.wait_avg_s = secs(average(&waits));
    f.wait_p90_s = secs(percentile(&waits, 90));
    f.service_avg_s = secs(average(&services));
    f.service_p90_s = secs(percentile(&services, 90));
    f
}

/// Groups tickets by a key (sorted) and sums each group.
fn grouped(
    tickets: &[TicketFacts],
    key: impl Fn(&TicketFacts) -> Option<(String, Option<String>)>,
) -> Vec<Figures> {
    let mut groups: BTreeMap<String, (Option<String>, Vec<&TicketFacts>)> = BTreeMap::new();
    for t in tickets {
        if let Some((k, name)) = key(t) {
            groups
                .entry(k)
                .or_insert_with(|| (name, Vec::new()))
                .1
                .push(t);
        }
    }
    groups
        .into_iter()
        .map(|(k, (name, ts))| Figures {
            name,
            ..figures(&k, ts)
        })
        .collect()
}

/// Sums tickets and dossier outcomes into the report.
pub fn summarise(
    from: NaiveDate,
    to: NaiveDate,
    tickets: &[TicketFacts],
    dossiers: DossierFigures,
) -> Report {
    // Counters sort by number, not text ("10" after "9").
    let mut counters = grouped(tickets, |t| t.counter.map(|c| (format!("{c:02}"), None)));
    for c in &mut counters {
        c.key = c.key.trim_start_matches('0').to_string();
    }
    Report {
        from,
        to,
        total: figures("", tickets),
        queues: grouped(tickets, |t| Some((t.queue.clone(), None))),
        counters,
        clerks: grouped(tickets, |t| {
            t.clerk.clone().map(|(user, name)| (user, Some(name)))
        }),
        dossiers,
        bookings: BookingFigures::default(),
        follow_ups: Default::default(),
        follow_up_on_time_share: None,
        online: Vec::new(),
        links: LinkReport::default(),
    }
}

/// Adds a resolved dossier's timeliness to the figures.
pub fn count_resolved(d: &mut DossierFigures, t: Timeliness) {
    d.resolved += 1;
    match t {
        Timeliness::Early => d.early += 1,
        Timeliness::OnTime => d.on_time += 1,
        Timeliness::Late => d.late += 1,
    }
    d.on_time_share = Some(f64::from(d.early + d.on_time) / f64::from(d.resolved));
}

impl OfficeStore {
    /// The site's report for business days `from` to `to` (included) in `tz`; due times are
    /// judged against the standard office sessions (07:00–11:30, 13:30–17:00).
    pub fn report(&self, site: SiteId, from: NaiveDate, to: NaiveDate, tz: Tz) -> Result<Report> {
        let start = local_midnight(from, tz);
        let end = local_midnight(to + TimeDelta::days(1), tz);
        let (tickets, dossiers, bookings) = self.read(|tx| {
            let mut tickets = Vec::new();
            for r in tx.query(
                "SELECT t.queue, t.counter, c.username, c.name, t.state, t.issued_at, t.first_called_at,
                        t.started_at, t.finished_at, r.score
                 FROM ticket t LEFT JOIN clerk c ON c.id = t.clerk_id LEFT JOIN rating r ON r.ticket_id = t.id
                 WHERE t.site_id = ?3 AND t.business_date >= ?1 AND t.business_date <= ?2",
                sql_params![&day(from), &day(to), site.0],
            )? {
                let opt_ts = |i| -> Result<Option<DateTime<Utc>>> {
                    r.opt_text(i)?.map(|s| parse_ts(&s)).transpose()
                };
                tickets.push(TicketFacts {
                    queue: r.text(0)?,
                    counter: r.opt_int(1)?.and_then(|c| u32::try_from(c).ok()),
                    clerk: match (r.opt_text(2)?, r.opt_text(3)?) {
                        (Some(u), Some(n)) => Some((u, n)),
                        _ => None,
                    },
                    state: r.text(4)?,
                    issued_at: parse_ts(&r.text(5)?)?,
                    first_called_at: opt_ts(6)?,
                    started_at: opt_ts(7)?,
                    finished_at: opt_ts(8)?,
                    score: r.opt_text(9)?,
                });
            }
            let d = dossier_figures(tx, site, start, end, tz)?;
            let mut b = BookingFigures::default();
            let late = TimeDelta::minutes(i64::from(crate::office::counters::late_minutes(tx, site)?));
            let now = Utc::now();
            for r in tx.query(
                "SELECT cancelled_at, checked_in_at, slot_at FROM booking
                 WHERE site_id = ?3 AND day >= ?1 AND day <= ?2",
                sql_params![&day(from), &day(to), site.0],
            )? {
                b.booked += 1;
                if r.opt_text(0)?.is_some() {
                    b.cancelled += 1;
                } else if r.opt_text(1)?.is_some() {
                    b.kept += 1;
                } else if r.opt_text(2)?.map(|s| parse_ts(&s)).transpose()?.is_some_and(|at| at + late < now) {
                    b.missed += 1;
                }
            }
            Ok((tickets, d, b))
        })?;
        let mut report = summarise(from, to, &tickets, dossiers);
        report.bookings = bookings;
        report.follow_ups = self.followup_figures(site, from, to)?;
        report.follow_up_on_time_share = report.follow_ups.on_time_share();
        report.online = self.online_by_field(site, from, to)?;
        report.links = self.link_report(site, from, to)?;
        Ok(report)
    }

    /// Every ticket of the site in the range, one CSV row each, for whoever wants to count
    /// otherwise.
    pub fn ticket_rows(
        &self,
        site: SiteId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Vec<String>>> {
        self.read(|tx| {
            tx.query(
                "SELECT t.business_date, t.queue, t.number, t.priority, t.state, t.counter, c.username,
                        t.issued_at, t.first_called_at, t.started_at, t.finished_at, r.score
                 FROM ticket t LEFT JOIN clerk c ON c.id = t.clerk_id LEFT JOIN rating r ON r.ticket_id = t.id
                 WHERE t.site_id = ?3 AND t.business_date >= ?1 AND t.business_date <= ?2
                 ORDER BY t.issued_at",
                sql_params![&day(from), &day(to), site.0],
            )?
            .iter()
            .map(|r| {
                let number = u32::try_from(r.int(2)?).unwrap_or(0);
                Ok(vec![
                    r.text(0)?,
                    format_ticket_number(&r.text(1)?, number),
                    r.text(3)?,
                    r.text(4)?,
                    r.opt_int(5)?.map(|c| c.to_string()).unwrap_or_default(),
                    r.opt_text(6)?.unwrap_or_default(),
                    r.text(7)?,
                    r.opt_text(8)?.unwrap_or_default(),
                    r.opt_text(9)?.unwrap_or_default(),
                    r.opt_text(10)?.unwrap_or_default(),
                    r.opt_text(11)?.unwrap_or_default(),
                ])
            })
            .collect()
        })
    }
}

/// Dossiers received and resolved between two instants, each resolved one judged on time
/// or late against the standard office sessions (07:00–11:30, 13:30–17:00).
pub(super) fn dossier_figures(
    tx: &mut Tx,
    site: SiteId,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    tz: Tz,
) -> Result<DossierFigures> {
    let sessions = Hours::default().sessions;
    let mut d = DossierFigures::default();
    let (lo, hi) = (ts(start), ts(end));
    d.received = u32::try_from(
        tx.query_one(
            "SELECT COUNT(*) FROM dossier
             WHERE site_id = ?3 AND received_at >= ?1 AND received_at < ?2",
            sql_params![&lo, &hi, site.0],
        )?
        .int(0)?,
    )?;
    for r in tx.query(
        "SELECT status, due_at, finished_at FROM dossier
         WHERE site_id = ?3 AND finished_at >= ?1 AND finished_at < ?2",
        sql_params![&lo, &hi, site.0],
    )? {
        let resolved = DossierStatus::from_code(&r.text(0)?).is_some_and(|s| s.is_resolved());
        if !resolved {
            continue;
        }
        let finished = parse_ts(&r.text(2)?)?.with_timezone(&tz).naive_local();
        // No legal deadline: it cannot be late.
        let t = match r.opt_text(1)? {
            Some(due) => timeliness(
                finished,
                parse_ts(&due)?.with_timezone(&tz).naive_local(),
                &sessions,
            ),
            None => Timeliness::OnTime,
        };
        count_resolved(&mut d, t);
    }
    Ok(d)
}

/// The instant local day `d` starts in `tz` (the earliest, where a clock change repeats it).
pub(super) fn local_midnight(d: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = d.and_hms_opt(0, 0, 0).expect("midnight exists");
    tz.from_local_datetime(&midnight)
        .earliest()
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight).with_timezone(&tz))
        .with_timezone(&Utc)
}

fn minutes(s: Option<u32>) -> String {
    s.map(|s| format!("{:.1}", f64::from(s) / 60.0))
        .unwrap_or_default()
}

fn share(part: u32, whole: u32) -> String {
    if whole == 0 {
        String::new()
    } else {
        format!("{:.1}", f64::from(part) * 100.0 / f64::from(whole))
    }
}

/// A cell a spreadsheet will not read as a formula: text starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return gets a leading `'` (queue and priority come from kiosks).
pub fn safe_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// The report as CSV (UTF-8 with a BOM, so Excel reads the Vietnamese): one table of
/// figures per group, then the dossiers, then every ticket.
pub fn report_csv(report: &Report, tickets: &[Vec<String>]) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record([
        "group",
        "key",
        "name",
        "tickets",
        "served",
        "no_shows",
        "wait_avg_min",
        "wait_p90_min",
        "service_avg_min",
        "service_p90_min",
        "rated",
        "very_satisfied_pct",
        "satisfied_pct",
        "unsatisfied_pct",
    ])?;
    let groups = [
        ("total", std::slice::from_ref(&report.total)),
        ("queue", &report.queues[..]),
        ("counter", &report.counters[..]),
        ("clerk", &report.clerks[..]),
    ];
    for (group, rows) in groups {
        for f in rows {
            let r = &f.ratings;
            let rated = r.very_satisfied + r.satisfied + r.unsatisfied;
            w.write_record([
                group.to_string(),
                safe_cell(&f.key).into_owned(),
                safe_cell(f.name.as_deref().unwrap_or_default()).into_owned(),
                f.tickets.to_string(),
                f.served.to_string(),
                f.no_shows.to_string(),
                minutes(f.wait_avg_s),
                minutes(f.wait_p90_s),
                minutes(f.service_avg_s),
                minutes(f.service_p90_s),
                rated.to_string(),
                share(r.very_satisfied, rated),
                share(r.satisfied, rated),
                share(r.unsatisfied, rated),
            ])?;
        }
    }
    let d = &report.dossiers;
    w.write_record([""])?;
    w.write_record([
        "dossiers_received",
        "dossiers_resolved",
        "early",
        "on_time",
        "late",
        "on_time_share_pct",
    ])?;
    w.write_record([
        d.received.to_string(),
        d.resolved.to_string(),
        d.early.to_string(),
        d.on_time.to_string(),
        d.late.to_string(),
        share(d.early + d.on_time, d.resolved),
    ])?;
    w.write_record([""])?;
    let b = &report.bookings;
    w.write_record(["bookings", "kept", "cancelled", "missed"])?;
    w.write_record([b.booked, b.kept, b.cancelled, b.missed].map(|n| n.to_string()))?;
    w.write_record([""])?;
    let f = &report.follow_ups;
    let (n, done, on_time) = (f.negative_ratings, f.followed_up, f.followed_up_on_time);
    w.write_record([
        "negative_ratings",
        "followed_up",
        "followed_up_on_time",
        "on_time_pct",
    ])?;
    let pct = report
        .follow_up_on_time_share
        .map_or_else(String::new, |s| format!("{:.1}", s * 100.0));
    w.write_record([n.to_string(), done.to_string(), on_time.to_string(), pct])?;
    w.write_record([""])?;
    w.write_record(["online_field", "routed_online", "assisted_tickets"])?;
    for f in &report.online {
        w.write_record([
            safe_cell(&f.field).into_owned(),
            f.routed_online.to_string(),
            f.assisted_tickets.to_string(),
        ])?;
    }
    w.write_record([""])?;
    link_csv(&mut w, &report.links)?;
    w.write_record([
        "business_date",
        "ticket",
        "priority",
        "state",
        "counter",
        "clerk",
        "issued_at",
        "first_called_at",
        "started_at",
        "finished_at",
        "rating",
    ])?;
    for row in tickets {
        w.write_record(row.iter().map(|c| safe_cell(c).into_owned()))?;
    }
    Ok(w.into_inner()?)
}

/// The link's section of the report's CSV: its figures, then assisted filings per field.
fn link_csv(w: &mut csv::Writer<Vec<u8>>, l: &LinkReport) -> Result<()> {
    let f = &l.figures;
    let ratio =
        |v: Option<f64>, scale: f64| v.map(|v| format!("{:.1}", v * scale)).unwrap_or_default();
    w.write_record([
        "visits_served",
        "linked_visits",
        "dossiers_linked",
        "visits_per_dossier",
        "multi_visit_dossiers",
        "multi_visit_share_pct",
        "arrival_to_receipt_median_min",
        "linked_ratings",
        "linked_satisfied",
        "assisted_online",
    ])?;
    w.write_record([
        f.visits.to_string(),
        f.linked_visits.to_string(),
        f.dossiers.to_string(),
        ratio(l.visits_per_dossier, 1.0),
        f.dossiers_multi_visit.to_string(),
        ratio(l.multi_visit_share, 100.0),
        ratio(l.arrival_to_receipt_median_min, 1.0),
        f.linked_ratings.to_string(),
        f.linked_satisfied.to_string(),
        f.assisted_online.to_string(),
    ])?;
    w.write_record([""])?;
    w.write_record(["assisted_field", "assisted_online"])?;
    for c in &l.assisted_by_field {
        w.write_record([safe_cell(&c.field).into_owned(), c.count.to_string()])?;
    }
    w.write_record([""])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::office::counters::fixtures::*;
    use crate::office::counters::Action;
    #[allow(unused_imports)]
    use crate::office::store::S1;
    use crate::office::test_db::{both_backends, Backend};

    both_backends! {
        the_report_sums_waits_services_ratings_and_dossiers,
    }

    use super::*;

    fn ticket(queue: &str, counter: u32, wait: i64, service: Option<i64>) -> TicketFacts {
        TicketFacts {
            queue: queue.into(),
            counter: Some(counter),
            clerk: Some(("lan".into(), "Lan".into())),
            state: if service.is_some() { "done" } else { "no_show" }.into(),
            issued_at: at(0),
            first_called_at: Some(at(wait)),
            started_at: service.map(|_| at(wait)),
            finished_at: service.map(|s| at(wait + s)),
            score: None,
        }
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&v, 90), Some(9));
        assert_eq!(percentile(&v, 100), Some(10));
        assert_eq!(percentile(&v, 50), Some(5));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[], 90), None);
    }

    #[test]
    fn figures_count_waits_services_no_shows_and_ratings() {
        let mut ts = vec![
            ticket("A", 1, 10, Some(5)),
            ticket("A", 2, 20, Some(15)),
            ticket("B", 10, 30, None),
        ];
        ts[0].score = Some("very_satisfied".into());
        ts[1].score = Some("unsatisfied".into());
        let r = summarise(
            at(0).date_naive(),
            at(0).date_naive(),
            &ts,
            DossierFigures::default(),
        );
        assert_eq!(r.total.tickets, 3);
        assert_eq!(r.total.served, 2);
        assert_eq!(r.total.no_shows, 1);
        assert_eq!(r.total.wait_avg_s, Some(1200));
        assert_eq!(r.total.wait_p90_s, Some(1800));
        assert_eq!(r.total.service_avg_s, Some(600));
        assert_eq!(r.total.service_p90_s, Some(900));
        assert_eq!(r.total.ratings.very_satisfied, 1);
        assert_eq!(r.total.ratings.unsatisfied, 1);
        assert_eq!(
            r.queues
                .iter()
                .map(|f| (f.key.as_str(), f.tickets))
                .collect::<Vec<_>>(),
            [("A", 2), ("B", 1)]
        );
        // Counters in number order.
        assert_eq!(
            r.counters
                .iter()
                .map(|f| f.key.as_str())
                .collect::<Vec<_>>(),
            ["1", "2", "10"]
        );
        assert_eq!(r.clerks[0].name.as_deref(), Some("Lan"));
        assert_eq!(r.clerks[0].tickets, 3);
    }

    #[test]
    fn a_group_without_samples_has_no_figures_rather_than_zero() {
        let f = figures("A", &[]);
        assert_eq!(f.tickets, 0);
        assert_eq!(f.wait_avg_s, None);
        assert_eq!(f.service_p90_s, None);
    }

    #[test]
    fn the_on_time_share_counts_early_and_on_time() {
        let mut d = DossierFigures::default();
        for t in [
            Timeliness::Early,
            Timeliness::OnTime,
            Timeliness::OnTime,
            Timeliness::Late,
        ] {
            count_resolved(&mut d, t);
        }
        assert_eq!((d.resolved, d.early, d.on_time, d.late), (4, 1, 2, 1));
        assert_eq!(d.on_time_share, Some(0.75));
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_neutralised() {
        for bad in [
            "=HYPERLINK(\"x\")",
            "+cmd|' /C calc'!A0",
            "-1+1",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(safe_cell(bad), format!("'{bad}"));
        }
        for good in ["A", "A001", "2026-11-26", "", "'x", "1.5", " =x"] {
            assert_eq!(safe_cell(good), good);
        }
        let mut r = summarise(
            at(0).date_naive(),
            at(0).date_naive(),
            &[ticket("=A", 1, 60, None)],
            DossierFigures::default(),
        );
        r.clerks.push(Figures {
            key: "@lan".into(),
            name: Some("-Lan".into()),
            ..Figures::default()
        });
        let bytes =
            report_csv(&r, &[vec!["2026-11-26".into(), "=1+1".into(), "+x".into()]]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("queue,'=A,"), "{text}");
        assert!(text.contains("clerk,'@lan,'-Lan,"), "{text}");
        assert!(text.contains("2026-11-26,'=1+1,'+x"), "{text}");
    }

    #[test]
    fn the_csv_starts_with_a_bom_and_has_every_group() {
        let ts = vec![ticket("A", 1, 10, Some(5))];
        let r = summarise(
            at(0).date_naive(),
            at(0).date_naive(),
            &ts,
            DossierFigures::default(),
        );
        let bytes = report_csv(&r, &[vec!["2026-11-26".into(), "A001".into()]]).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes).unwrap();
        for g in [
            "\ntotal,",
            "\nqueue,A,",
            "\ncounter,1,",
            "\nclerk,lan,Lan,",
            "\n2026-11-26,A001",
        ] {
            assert!(text.contains(g), "{g:?} missing in\n{text}");
        }
        assert!(
            text.contains("total,,,1,1,0,10.0,10.0,5.0,5.0,0,,,"),
            "{text}"
        );
    }

    fn the_report_sums_waits_services_ratings_and_dossiers(b: Backend) {
        let mut o = office(b);
        let a1 = o.ticket("A", 1, 0, "none");
        o.ticket("A", 2, 0, "none");
        o.ticket("B", 1, 0, "none");
        let lan = o.clerk("lan", 1, &["A", "B"], 0);
        // A001: waits 10, served 5; A002: waits 20, no-show; B001 never called.
        o.act(&lan, Action::Next, 10).unwrap();
        o.act(&lan, Action::Start, 10).unwrap();
        o.act(&lan, Action::Finish, 15).unwrap();
        o.s.rate(S1, 1, &a1, "very_satisfied", &[], at(16)).unwrap();
        o.act(&lan, Action::Next, 20).unwrap();
        o.act(&lan, Action::NoShow, 22).unwrap();
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        let r = o.s.report(S1, d(), d(), tz).unwrap();
        assert_eq!(
            (r.total.tickets, r.total.served, r.total.no_shows),
            (3, 1, 1)
        );
        assert_eq!(r.total.wait_avg_s, Some(900));
        assert_eq!(r.total.wait_p90_s, Some(1200));
        assert_eq!(r.total.service_avg_s, Some(300));
        assert_eq!(r.total.ratings.very_satisfied, 1);
        assert_eq!(
            r.queues.iter().map(|q| q.tickets).collect::<Vec<_>>(),
            [2, 1]
        );
        assert_eq!(r.clerks.len(), 1);
        assert_eq!(r.clerks[0].key, "lan");
        assert_eq!(r.counters[0].key, "1");
        // The day before has nothing.
        let before = d() - TimeDelta::days(1);
        assert_eq!(o.s.report(S1, before, before, tz).unwrap().total.tickets, 0);
        let rows = o.s.ticket_rows(S1, d(), d()).unwrap();
        assert_eq!(rows.len(), 3);
    }
}
