//! Working time: the office's service days and sessions, less its public holidays and plus
//! its make-up working days, as the deadline radar counts it (docs/radar.md). A working day
//! is the sum of its sessions (8 hours with the default 07:00–11:30 and 13:30–17:00).

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};

use super::hours::{Hours, Session};

/// How far a search for working time looks before giving up: a calendar with no working
/// day at all (every session removed) must not loop for ever.
const MAX_DAYS: i64 = 3_660;

/// The days a site does not work although they are service days, and those it works
/// although they are not (as its lead or installer sets them: docs/radar.md).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaysOff {
    /// Public holidays and other days off.
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
    /// Make-up working days.
    #[serde(default)]
    pub make_up: Vec<NaiveDate>,
}

impl DaysOff {
    /// The days read from JSON (`{"holidays": ["2027-02-05", …], "make_up": […]}`) and
    /// checked: at most 400 of each, and no day in both lists.
    pub fn from_json(json: &str) -> Result<DaysOff, String> {
        let days: DaysOff = serde_json::from_str(json).map_err(|e| format!("days off: {e}"))?;
        if days.holidays.len() > 400 || days.make_up.len() > 400 {
            return Err("days off: at most 400 holidays and 400 make-up days".into());
        }
        if let Some(d) = days.holidays.iter().find(|d| days.make_up.contains(d)) {
            return Err(format!("days off: {d} is both a holiday and a make-up day"));
        }
        Ok(days)
    }
}

/// The days and hours the office works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    hours: Hours,
    /// Days off although they fall on a service day (Tết, 30/4, 1/5, 2/9, …).
    holidays: BTreeSet<NaiveDate>,
    /// Days worked although they are not service days (a Saturday made up for a bridge day).
    make_up: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    /// The calendar of `hours` (its days and sessions), with the given days off and make-up
    /// working days.
    pub fn new(
        hours: &Hours,
        holidays: impl IntoIterator<Item = NaiveDate>,
        make_up: impl IntoIterator<Item = NaiveDate>,
    ) -> WorkCalendar {
        let mut hours = hours.clone();
        hours.sessions.sort_by_key(|s| s.start);
        WorkCalendar {
            hours,
            holidays: holidays.into_iter().collect(),
            make_up: make_up.into_iter().collect(),
        }
    }

    /// Whether the office works on `day`.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.make_up.contains(&day) {
            return true;
        }
        self.hours.days.contains(&day.weekday()) && !self.holidays.contains(&day)
    }

    /// Minutes of one working day (the sum of its sessions).
    pub fn day_minutes(&self) -> i64 {
        self.hours
            .sessions
            .iter()
            .map(|s| (s.end - s.start).num_minutes())
            .sum()
    }

    /// The day's sessions as local instants, in order; none on a day off.
    fn sessions_on(
        &self,
        day: NaiveDate,
    ) -> impl Iterator<Item = (NaiveDateTime, NaiveDateTime)> + '_ {
        let working = self.is_working_day(day);
        self.hours
            .sessions
            .iter()
            .filter(move |_| working)
            .map(move |s: &Session| (day.and_time(s.start), day.and_time(s.end)))
    }

    /// Working minutes from `from` to `to`; negative when `to` is earlier.
    pub fn minutes_between(&self, from: NaiveDateTime, to: NaiveDateTime) -> i64 {
        if to < from {
            return -self.minutes_between(to, from);
        }
        let mut total = 0;
        let mut day = from.date();
        while day <= to.date() {
            for (start, end) in self.sessions_on(day) {
                let (a, b) = (start.max(from), end.min(to));
                if b > a {
                    total += (b - a).num_minutes();
                }
            }
            day = match day.succ_opt() {
                Some(d) => d,
                None => break,
            };
        }
        total
    }

    /// The instant `minutes` working minutes after `from` (within a session, or at a
    /// session's end when the count ends exactly there); None when the calendar has no
    /// working time within ten years.
    pub fn add_minutes(&self, from: NaiveDateTime, minutes: i64) -> Option<NaiveDateTime> {
        let mut left = minutes.max(0);
        let mut day = from.date();
        for _ in 0..MAX_DAYS {
            for (start, end) in self.sessions_on(day) {
                let a = start.max(from);
                if end <= a {
                    continue;
                }
                let room = (end - a).num_minutes();
                if left <= room {
                    return Some(a + TimeDelta::minutes(left));
                }
                left -= room;
            }
            day = day.succ_opt()?;
        }
        None
    }

    /// The next working day after `day`; None when there is none within ten years.
    pub fn next_working_day(&self, day: NaiveDate) -> Option<NaiveDate> {
        let mut d = day.succ_opt()?;
        for _ in 0..MAX_DAYS {
            if self.is_working_day(d) && self.day_minutes() > 0 {
                return Some(d);
            }
            d = d.succ_opt()?;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, d)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    fn cal() -> WorkCalendar {
        WorkCalendar::new(&Hours::default(), [], [])
    }

    #[test]
    fn a_day_is_eight_working_hours() {
        assert_eq!(cal().day_minutes(), 480);
        // Monday 7 December 2026, whole day.
        assert_eq!(cal().minutes_between(at(7, 0, 0), at(8, 0, 0)), 480);
    }

    #[test]
    fn friday_afternoon_to_monday_morning_is_three_working_hours() {
        // Friday 11 December 15:00 → Monday 14 December 08:00: 2 h Friday + 1 h Monday.
        let (fri, mon) = (at(11, 15, 0), at(14, 8, 0));
        assert_eq!(cal().minutes_between(fri, mon), 180);
        assert_eq!(cal().minutes_between(mon, fri), -180);
        assert_eq!(cal().add_minutes(fri, 180), Some(mon));
    }

    #[test]
    fn lunch_and_nights_do_not_count() {
        assert_eq!(cal().minutes_between(at(7, 11, 0), at(7, 14, 0)), 60);
        assert_eq!(cal().minutes_between(at(7, 17, 30), at(8, 6, 0)), 0);
        // Eight working hours from Monday 11:00 (4 h that day): Tuesday 11:00.
        assert_eq!(cal().add_minutes(at(7, 11, 0), 480), Some(at(8, 11, 0)));
        // A count ending at a session's end stays on that day.
        assert_eq!(cal().add_minutes(at(7, 7, 0), 270), Some(at(7, 11, 30)));
        // From the evening, the count starts with the next morning.
        assert_eq!(cal().add_minutes(at(7, 18, 0), 30), Some(at(8, 7, 30)));
    }

    #[test]
    fn holidays_are_skipped_and_make_up_days_are_worked() {
        let tue = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
        let sat = NaiveDate::from_ymd_opt(2026, 12, 12).unwrap();
        let c = WorkCalendar::new(&Hours::default(), [tue], [sat]);
        assert!(!c.is_working_day(tue) && c.is_working_day(sat));
        assert_eq!(c.minutes_between(at(7, 17, 0), at(9, 8, 0)), 60);
        assert_eq!(
            c.next_working_day(NaiveDate::from_ymd_opt(2026, 12, 11).unwrap()),
            Some(sat)
        );
        assert_eq!(c.add_minutes(at(11, 17, 0), 60), Some(at(12, 8, 0)));
    }

    #[test]
    fn days_off_are_checked() {
        let d =
            DaysOff::from_json(r#"{"holidays":["2027-02-05"],"make_up":["2027-02-13"]}"#).unwrap();
        assert_eq!(d.holidays.len() + d.make_up.len(), 2);
        assert!(DaysOff::from_json(r#"{"holidays":["2027-02-30"]}"#).is_err());
        let both = DaysOff::from_json(r#"{"holidays":["2027-02-05"],"make_up":["2027-02-05"]}"#);
        assert!(both.unwrap_err().contains("both"));
        assert_eq!(DaysOff::from_json("{}").unwrap(), DaysOff::default());
    }

    #[test]
    fn a_calendar_without_working_time_gives_up() {
        let mut h = Hours::default();
        h.sessions.clear();
        let c = WorkCalendar::new(&h, [], []);
        assert_eq!(c.add_minutes(at(7, 8, 0), 1), None);
        assert_eq!(
            c.next_working_day(NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()),
            None
        );
        assert_eq!(c.minutes_between(at(7, 8, 0), at(9, 8, 0)), 0);
    }
}
