//! The report page's series over a date range (its charts, `report_charts`): tickets by
//! hour of day, average wait by day, satisfaction by day and the on-time share by day.
//! Pure functions over the same rows the report reads; a day with nothing to measure is
//! `None`, never 0.

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::{DateTime, NaiveDate, TimeDelta, Timelike, Utc};
use chrono_tz::Tz;

use super::db::sql_params;
use super::reports::local_midnight;
use super::store::{day, parse_ts, ts, OfficeStore, SiteId};
use crate::domain::dossier::{timeliness, DossierStatus, Timeliness};
use crate::domain::hours::Hours;

/// What the series need of one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketPoint {
    /// The business day it was issued for.
    pub business_date: NaiveDate,
    /// Issue time.
    pub issued_at: DateTime<Utc>,
    /// First call.
    pub first_called_at: Option<DateTime<Utc>>,
    /// The citizen's answer.
    pub score: Option<String>,
}

/// A dossier resolved in the range: the local day it was resolved and how timely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolvedDossier {
    /// Local day of `finished_at`.
    pub day: NaiveDate,
    /// Early, on time or late.
    pub timeliness: Timeliness,
}

/// The series of a range, one value per day from `from` to `to` where per day.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSeries {
    /// First day.
    pub from: NaiveDate,
    /// Last day (included).
    pub to: NaiveDate,
    /// (local hour, tickets issued in it), office hours at least; empty without tickets.
    pub tickets_by_hour: Vec<(u32, u32)>,
    /// Average minutes from issue to first call of the day's called tickets.
    pub wait_min: Vec<Option<f64>>,
    /// Very satisfied + satisfied, % of the day's ratings.
    pub satisfied_pct: Vec<Option<f64>>,
    /// Very satisfied, % of the day's ratings.
    pub very_satisfied_pct: Vec<Option<f64>>,
    /// Early + on time, % of the dossiers resolved that day.
    pub on_time_pct: Vec<Option<f64>>,
}

/// Hours always on the axis (the standard sessions, 07:00–17:00), so a quiet day still
/// shows the whole working day.
const OFFICE_HOURS: (u32, u32) = (7, 17);

/// Tickets per local hour of issue, from the office's first hour (or earlier tickets) to
/// its last (or later ones), empty hours 0; empty without tickets.
pub fn tickets_by_hour(tickets: &[TicketPoint], tz: Tz) -> Vec<(u32, u32)> {
    let mut counts = [0u32; 24];
    for t in tickets {
        counts[t.issued_at.with_timezone(&tz).hour() as usize] += 1;
    }
    let used = || (0..24u32).filter(|h| counts[*h as usize] > 0);
    let (Some(first), Some(last)) = (used().next(), used().next_back()) else {
        return Vec::new();
    };
    (first.min(OFFICE_HOURS.0)..=last.max(OFFICE_HOURS.1))
        .map(|h| (h, counts[h as usize]))
        .collect()
}

/// The days of the range, in order.
pub fn days(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    from.iter_days().take_while(|d| *d <= to).collect()
}

/// Per day: (part, whole) of some share or sum.
type DaySums = BTreeMap<NaiveDate, (f64, u32)>;

/// A value per day of the range from per-day (part, whole) sums: `value(part, whole)`,
/// or `None` where the whole is 0.
fn per_day(
    from: NaiveDate,
    to: NaiveDate,
    sums: &DaySums,
    value: impl Fn(f64, u32) -> f64,
) -> Vec<Option<f64>> {
    days(from, to)
        .iter()
        .map(|d| match sums.get(d) {
            Some((part, whole)) if *whole > 0 => Some(value(*part, *whole)),
            _ => None,
        })
        .collect()
}

/// Average wait in minutes per business day, over the tickets called at least once.
pub fn wait_by_day(from: NaiveDate, to: NaiveDate, tickets: &[TicketPoint]) -> Vec<Option<f64>> {
    let mut sums = DaySums::new();
    for t in tickets {
        if let Some(called) = t.first_called_at {
            let wait = (called - t.issued_at).num_seconds().max(0) as f64;
            let e = sums.entry(t.business_date).or_default();
            e.0 += wait;
            e.1 += 1;
        }
    }
    per_day(from, to, &sums, |s, n| s / f64::from(n) / 60.0)
}

/// Per business day: (very satisfied + satisfied, very satisfied), each % of the ratings.
pub fn satisfaction_by_day(
    from: NaiveDate,
    to: NaiveDate,
    tickets: &[TicketPoint],
) -> (Vec<Option<f64>>, Vec<Option<f64>>) {
    let (mut good, mut very) = (DaySums::new(), DaySums::new());
    for t in tickets {
        let (is_good, is_very) = match t.score.as_deref() {
            Some("very_satisfied") => (1.0, 1.0),
            Some("satisfied") => (1.0, 0.0),
            Some("unsatisfied") => (0.0, 0.0),
            _ => continue,
        };
        for (map, add) in [(&mut good, is_good), (&mut very, is_very)] {
            let e = map.entry(t.business_date).or_default();
            e.0 += add;
            e.1 += 1;
        }
    }
    let pct = |part: f64, whole: u32| part * 100.0 / f64::from(whole);
    (per_day(from, to, &good, pct), per_day(from, to, &very, pct))
}

/// Per day: early + on time, % of the dossiers resolved that day.
pub fn on_time_by_day(
    from: NaiveDate,
    to: NaiveDate,
    resolved: &[ResolvedDossier],
) -> Vec<Option<f64>> {
    let mut sums = DaySums::new();
    for r in resolved {
        let e = sums.entry(r.day).or_default();
        e.0 += if r.timeliness.counts_as_on_time() {
            1.0
        } else {
            0.0
        };
        e.1 += 1;
    }
    per_day(from, to, &sums, |part, whole| {
        part * 100.0 / f64::from(whole)
    })
}

/// Every series of the range.
pub fn series(
    from: NaiveDate,
    to: NaiveDate,
    tz: Tz,
    tickets: &[TicketPoint],
    resolved: &[ResolvedDossier],
) -> ReportSeries {
    let (satisfied_pct, very_satisfied_pct) = satisfaction_by_day(from, to, tickets);
    ReportSeries {
        from,
        to,
        tickets_by_hour: tickets_by_hour(tickets, tz),
        wait_min: wait_by_day(from, to, tickets),
        satisfied_pct,
        very_satisfied_pct,
        on_time_pct: on_time_by_day(from, to, resolved),
    }
}

impl OfficeStore {
    /// The site's series of business days `from` to `to` (included) in `tz`, read as
    /// [`OfficeStore::report`] reads its rows and judging dossiers as it does.
    pub fn report_series(
        &self,
        site: SiteId,
        from: NaiveDate,
        to: NaiveDate,
        tz: Tz,
    ) -> Result<ReportSeries> {
        let sessions = Hours::default().sessions;
        let start = local_midnight(from, tz);
        let end = local_midnight(to + TimeDelta::days(1), tz);
        let (tickets, resolved) = self.read(|tx| {
            let mut tickets = Vec::new();
            for r in tx.query(
                "SELECT t.business_date, t.issued_at, t.first_called_at, r.score
                 FROM ticket t LEFT JOIN rating r ON r.ticket_id = t.id
                 WHERE t.site_id = ?3 AND t.business_date >= ?1 AND t.business_date <= ?2",
                sql_params![&day(from), &day(to), site.0],
            )? {
                tickets.push(TicketPoint {
                    business_date: NaiveDate::parse_from_str(&r.text(0)?, "%Y-%m-%d")?,
                    issued_at: parse_ts(&r.text(1)?)?,
                    first_called_at: r.opt_text(2)?.map(|s| parse_ts(&s)).transpose()?,
                    score: r.opt_text(3)?,
                });
            }
            let mut resolved = Vec::new();
            for r in tx.query(
                "SELECT status, due_at, finished_at FROM dossier
                 WHERE site_id = ?3 AND finished_at >= ?1 AND finished_at < ?2",
                sql_params![&ts(start), &ts(end), site.0],
            )? {
                if !DossierStatus::from_code(&r.text(0)?).is_some_and(|s| s.is_resolved()) {
                    continue;
                }
                let finished = parse_ts(&r.text(2)?)?.with_timezone(&tz).naive_local();
                // No legal deadline: it cannot be late.
                let timeliness = match r.opt_text(1)? {
                    Some(due) => timeliness(
                        finished,
                        parse_ts(&due)?.with_timezone(&tz).naive_local(),
                        &sessions,
                    ),
                    None => Timeliness::OnTime,
                };
                resolved.push(ResolvedDossier {
                    day: finished.date(),
                    timeliness,
                });
            }
            Ok((tickets, resolved))
        })?;
        Ok(series(from, to, tz, &tickets, &resolved))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::dossier_code::parse_code;
    use crate::dossier_import::DossierRecord;
    use crate::office::counters::fixtures::*;
    use crate::office::counters::Action;
    use crate::office::store::S1;
    use crate::office::test_db::{both_backends, Backend};

    both_backends! {
        the_store_gives_the_series_of_its_tickets_ratings_and_dossiers,
    }

    const TZ: Tz = chrono_tz::Asia::Ho_Chi_Minh;

    fn dec(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    /// Local (UTC+7) time on a December day.
    fn local(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        TZ.with_ymd_and_hms(2026, 12, d, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn point(
        d: u32,
        issued: (u32, u32),
        called: Option<(u32, u32)>,
        score: Option<&str>,
    ) -> TicketPoint {
        TicketPoint {
            business_date: dec(d),
            issued_at: local(d, issued.0, issued.1),
            first_called_at: called.map(|(h, m)| local(d, h, m)),
            score: score.map(str::to_string),
        }
    }

    /// 1 Dec: waits 10 and 20 min, one very satisfied and one unsatisfied, one never
    /// called; 2 Dec: nothing; 3 Dec: 06:30, waits 15, satisfied; 4 Dec: 18:02, waits 5.
    fn fixture() -> (Vec<TicketPoint>, Vec<ResolvedDossier>) {
        let tickets = vec![
            point(1, (8, 10), Some((8, 20)), Some("very_satisfied")),
            point(1, (8, 40), Some((9, 0)), Some("unsatisfied")),
            point(1, (14, 5), None, None),
            point(3, (6, 30), Some((6, 45)), Some("satisfied")),
            point(4, (18, 2), Some((18, 7)), None),
        ];
        let resolved = [
            (1, Timeliness::Early),
            (1, Timeliness::Late),
            (2, Timeliness::OnTime),
            (4, Timeliness::Late),
        ]
        .map(|(d, timeliness)| ResolvedDossier {
            day: dec(d),
            timeliness,
        });
        (tickets, resolved.to_vec())
    }

    #[test]
    fn the_series_match_the_hand_computed_fixture() {
        let (tickets, resolved) = fixture();
        let s = series(dec(1), dec(4), TZ, &tickets, &resolved);
        // 06:00 to 18:00: the office's hours widened to the early and the late ticket.
        let hours: Vec<(u32, u32)> = (6..=18)
            .map(|h| {
                (
                    h,
                    [(6, 1), (8, 2), (14, 1), (18, 1)]
                        .iter()
                        .find(|x| x.0 == h)
                        .map_or(0, |x| x.1),
                )
            })
            .collect();
        assert_eq!(s.tickets_by_hour, hours);
        assert_eq!(s.wait_min, [Some(15.0), None, Some(15.0), Some(5.0)]);
        assert_eq!(s.satisfied_pct, [Some(50.0), None, Some(100.0), None]);
        assert_eq!(s.very_satisfied_pct, [Some(50.0), None, Some(0.0), None]);
        assert_eq!(s.on_time_pct, [Some(50.0), Some(100.0), None, Some(0.0)]);
    }

    #[test]
    fn a_quiet_range_has_no_values_rather_than_zeros() {
        let s = series(dec(1), dec(3), TZ, &[], &[]);
        assert!(s.tickets_by_hour.is_empty());
        assert_eq!(s.wait_min, [None, None, None]);
        assert_eq!(s.satisfied_pct, [None, None, None]);
        assert_eq!(s.on_time_pct, [None, None, None]);
        // A day's tickets only inside office hours still show 07:00 to 17:00.
        let one = [point(2, (9, 0), None, None)];
        let hours = tickets_by_hour(&one, TZ);
        assert_eq!((hours[0], hours[10], hours.len()), ((7, 0), (17, 0), 11));
        assert_eq!(hours[2], (9, 1));
        assert_eq!(wait_by_day(dec(1), dec(3), &one), [None, None, None]);
    }

    #[test]
    fn the_days_of_a_range_cross_months_and_include_the_last() {
        let d = days(dec(30), NaiveDate::from_ymd_opt(2027, 1, 2).unwrap());
        assert_eq!(d.len(), 4);
        assert_eq!(d[2], NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert_eq!(days(dec(5), dec(5)), [dec(5)]);
    }

    fn dossier(n: u32, finished: DateTime<Utc>, due: DateTime<Utc>) -> DossierRecord {
        DossierRecord {
            code: parse_code(&format!("H15.50.05.13-261120-{n:04}")).unwrap(),
            status: DossierStatus::Returned,
            procedure_code: "1.001193".into(),
            applicant_name: "Nguyễn Văn An".into(),
            received_at: at(-3 * 24 * 60),
            due_at: Some(due),
            due_at_new: None,
            finished_at: Some(finished),
            note: String::new(),
            pickup_place: String::new(),
            secret: String::new(),
            phone_last4: String::new(),
        }
    }

    fn the_store_gives_the_series_of_its_tickets_ratings_and_dossiers(b: Backend) {
        let mut o = office(b);
        let day3 = d() + TimeDelta::days(2);
        // The test day: A1 waits 10 min and is rated very satisfied, A2 waits 30.
        let a1 = o.ticket("A", 1, 0, "none");
        o.ticket("A", 2, 0, "none");
        let lan = o.clerk("lan", 1, &["A"], 0);
        o.act(&lan, Action::Next, 10).unwrap();
        o.act(&lan, Action::Start, 10).unwrap();
        o.act(&lan, Action::Finish, 12).unwrap();
        o.s.rate(S1, 1, &a1, "very_satisfied", &[], at(13)).unwrap();
        o.act(&lan, Action::Next, 30).unwrap();
        o.act(&lan, Action::NoShow, 31).unwrap();
        // Two days later: one ticket at 08:00 waits 20 min and is rated unsatisfied.
        let later = |min: i64| at(min) + TimeDelta::days(2);
        let payload = serde_json::json!({
            "id": "t-late", "queue": "A", "number": 1, "business_date": day3,
            "issued_at": later(0), "field": "HT", "priority": "none", "state": "waiting",
        });
        let kind = crate::protocol::EVENT_TICKET_ISSUED;
        o.s.apply_event(&o.kiosk, "e-late", kind, &payload.to_string(), later(0))
            .unwrap();
        for (action, min) in [
            (Action::Next, 20),
            (Action::Start, 20),
            (Action::Finish, 25),
        ] {
            o.s.counter_action(&lan, &action, later(min), day3).unwrap();
        }
        o.s.rate(S1, 1, "t-late", "unsatisfied", &[], later(26))
            .unwrap();
        // Dossiers: one early on the test day, one late two days later.
        let dossiers = [
            dossier(1, at(120), at(3 * 24 * 60)),
            dossier(2, later(420), later(60)),
        ];
        o.s.upsert_dossiers(S1, &dossiers, at(0)).unwrap();

        let s = o.s.report_series(S1, d(), day3, TZ).unwrap();
        assert_eq!(s.wait_min, [Some(20.0), None, Some(20.0)]);
        assert_eq!(s.satisfied_pct, [Some(100.0), None, Some(0.0)]);
        assert_eq!(s.very_satisfied_pct, [Some(100.0), None, Some(0.0)]);
        assert_eq!(s.on_time_pct, [Some(100.0), None, Some(0.0)]);
        let at8 = s.tickets_by_hour.iter().find(|h| h.0 == 8);
        assert_eq!(at8, Some(&(8, 3)), "{:?}", s.tickets_by_hour);
        // The day before has nothing.
        let before = d() - TimeDelta::days(1);
        let empty = o.s.report_series(S1, before, before, TZ).unwrap();
        assert!(empty.tickets_by_hour.is_empty());
        assert_eq!(empty.on_time_pct, [None]);
    }
}
