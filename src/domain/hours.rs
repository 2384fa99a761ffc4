//! Opening hours: whether the kiosk may issue a ticket now, and if not, when it may again.

use chrono::{Datelike, NaiveDateTime, NaiveTime, TimeDelta, Weekday};

/// One reception session of a service day, local time, `start < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    /// First minute tickets are issued.
    pub start: NaiveTime,
    /// End of the session (the counters close).
    pub end: NaiveTime,
}

/// The office's reception hours, as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hours {
    /// Service days of the week.
    pub days: Vec<Weekday>,
    /// Sessions of each service day (need not be sorted).
    pub sessions: Vec<Session>,
    /// No ticket in the last N minutes of a session: a citizen arriving then could not be served.
    pub cutoff_minutes: u32,
    /// Ignore all of the above (demos, so a ticket can be taken at any hour).
    pub always_open: bool,
}

impl Default for Hours {
    /// Monday–Friday, 07:00–11:30 and 13:30–17:00, 15-minute cut-off.
    fn default() -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("valid time");
        Hours {
            days: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            sessions: vec![
                Session {
                    start: t(7, 0),
                    end: t(11, 30),
                },
                Session {
                    start: t(13, 30),
                    end: t(17, 0),
                },
            ],
            cutoff_minutes: 15,
            always_open: false,
        }
    }
}

/// Why tickets are not being issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosedReason {
    /// A service day, before its first session.
    BeforeOpening,
    /// Between two sessions (lunch).
    Break,
    /// A service day, after its last session.
    AfterClosing,
    /// Not a service day (weekend).
    NotServiceDay,
    /// Inside the last `cutoff_minutes` of a session.
    CutOff,
}

/// Whether nobody is served at `local`, so the kiosk may do long upkeep (rebuilding its
/// store): after the day's last session or on a day without service; an always-open kiosk
/// has only the night, 00:00–05:00.
pub fn is_quiet(local: NaiveDateTime, hours: &Hours) -> bool {
    if hours.always_open {
        return local.time() < NaiveTime::from_hms_opt(5, 0, 0).expect("a valid time");
    }
    matches!(
        availability(local, hours),
        Availability::Closed {
            reason: ClosedReason::AfterClosing | ClosedReason::NotServiceDay,
            ..
        }
    )
}

/// Whether a ticket may be issued at a given local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// Tickets are issued until `closes_at` (session end minus cut-off; 23:59:59.999… when always open).
    Open {
        /// Last instant (exclusive) a ticket is issued in this session.
        closes_at: NaiveTime,
    },
    /// No tickets now.
    Closed {
        /// Next session start on a service day, local time.
        reopens_at: NaiveDateTime,
        /// Why closed.
        reason: ClosedReason,
    },
}

/// How many days ahead to look for the next opening; covers any weekly pattern with margin.
const LOOKAHEAD_DAYS: i64 = 14;

/// Decides availability at `local` (office local time).
///
/// Sessions are half-open: a ticket can be taken from `start` up to, not including,
/// `end - cutoff`. If no opening exists within 14 days (no service days configured, which
/// config validation refuses) `reopens_at` is 14 days ahead.
pub fn availability(local: NaiveDateTime, hours: &Hours) -> Availability {
    if hours.always_open {
        return Availability::Open {
            closes_at: NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999).expect("valid"),
        };
    }
    let mut sessions = hours.sessions.clone();
    sessions.sort_by_key(|s| s.start);
    let date = local.date();
    let time = local.time();
    let cutoff = TimeDelta::minutes(i64::from(hours.cutoff_minutes));
    let is_service_day = |d: chrono::NaiveDate| hours.days.contains(&d.weekday());
    let next_opening_after_today = || {
        (1..=LOOKAHEAD_DAYS)
            .map(|k| date + TimeDelta::days(k))
            .find(|d| is_service_day(*d))
            .and_then(|d| sessions.first().map(|s| d.and_time(s.start)))
            .unwrap_or(local + TimeDelta::days(LOOKAHEAD_DAYS))
    };
    let closed = |reopens_at, reason| Availability::Closed { reopens_at, reason };

    if !is_service_day(date) || sessions.is_empty() {
        return closed(next_opening_after_today(), ClosedReason::NotServiceDay);
    }
    for (i, s) in sessions.iter().enumerate() {
        if time < s.start {
            let reason = if i == 0 {
                ClosedReason::BeforeOpening
            } else {
                ClosedReason::Break
            };
            return closed(date.and_time(s.start), reason);
        }
        if time < s.end {
            // A cut-off as long as the session closes it entirely (validation refuses that anyway).
            let closes_at = if cutoff < s.end - s.start {
                s.end - cutoff
            } else {
                s.start
            };
            if time < closes_at {
                return Availability::Open { closes_at };
            }
            let reopens_at = match sessions.get(i + 1) {
                Some(next) => date.and_time(next.start),
                None => next_opening_after_today(),
            };
            return closed(reopens_at, ClosedReason::CutOff);
        }
    }
    closed(next_opening_after_today(), ClosedReason::AfterClosing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    // 2025-06-02 is a Monday, 2025-06-06 a Friday.
    fn at(day: u32, h: u32, m: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2025, 6, day)
            .unwrap()
            .and_hms_opt(h, m, s)
            .unwrap()
    }

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn closed(reopens_at: NaiveDateTime, reason: ClosedReason) -> Availability {
        Availability::Closed { reopens_at, reason }
    }

    #[test]
    fn weekday_morning_is_open_until_cutoff() {
        let h = Hours::default();
        assert_eq!(
            availability(at(2, 9, 0, 0), &h),
            Availability::Open {
                closes_at: t(11, 15)
            }
        );
        assert_eq!(
            availability(at(4, 14, 0, 0), &h),
            Availability::Open {
                closes_at: t(16, 45)
            }
        );
    }

    #[test]
    fn opening_minute_is_open() {
        let h = Hours::default();
        assert_eq!(
            availability(at(2, 7, 0, 0), &h),
            Availability::Open {
                closes_at: t(11, 15)
            }
        );
        assert_eq!(
            availability(at(2, 6, 59, 59), &h),
            closed(at(2, 7, 0, 0), ClosedReason::BeforeOpening)
        );
    }

    #[test]
    fn cutoff_boundaries() {
        let h = Hours::default();
        assert_eq!(
            availability(at(2, 11, 14, 59), &h),
            Availability::Open {
                closes_at: t(11, 15)
            }
        );
        assert_eq!(
            availability(at(2, 11, 15, 0), &h),
            closed(at(2, 13, 30, 0), ClosedReason::CutOff)
        );
        assert_eq!(
            availability(at(2, 11, 29, 59), &h),
            closed(at(2, 13, 30, 0), ClosedReason::CutOff)
        );
        // Cut-off of the last session reopens next service day.
        assert_eq!(
            availability(at(2, 16, 45, 0), &h),
            closed(at(3, 7, 0, 0), ClosedReason::CutOff)
        );
        assert_eq!(
            availability(at(2, 16, 44, 59), &h),
            Availability::Open {
                closes_at: t(16, 45)
            }
        );
    }

    #[test]
    fn zero_cutoff_closes_at_session_end() {
        let h = Hours {
            cutoff_minutes: 0,
            ..Hours::default()
        };
        assert_eq!(
            availability(at(2, 11, 29, 59), &h),
            Availability::Open {
                closes_at: t(11, 30)
            }
        );
        assert_eq!(
            availability(at(2, 11, 30, 0), &h),
            closed(at(2, 13, 30, 0), ClosedReason::Break)
        );
    }

    #[test]
    fn lunch_break() {
        let h = Hours::default();
        assert_eq!(
            availability(at(2, 12, 0, 0), &h),
            closed(at(2, 13, 30, 0), ClosedReason::Break)
        );
        assert_eq!(
            availability(at(2, 13, 30, 0), &h),
            Availability::Open {
                closes_at: t(16, 45)
            }
        );
    }

    #[test]
    fn evening_reopens_next_morning() {
        let h = Hours::default();
        assert_eq!(
            availability(at(3, 17, 0, 0), &h),
            closed(at(4, 7, 0, 0), ClosedReason::AfterClosing)
        );
    }

    #[test]
    fn friday_evening_reopens_monday() {
        let h = Hours::default();
        assert_eq!(
            availability(at(6, 18, 30, 0), &h),
            closed(at(9, 7, 0, 0), ClosedReason::AfterClosing)
        );
    }

    #[test]
    fn weekend_is_not_a_service_day() {
        let h = Hours::default();
        assert_eq!(
            availability(at(7, 9, 0, 0), &h),
            closed(at(9, 7, 0, 0), ClosedReason::NotServiceDay)
        );
        assert_eq!(
            availability(at(8, 23, 59, 59), &h),
            closed(at(9, 7, 0, 0), ClosedReason::NotServiceDay)
        );
    }

    #[test]
    fn saturday_morning_office() {
        let mut h = Hours::default();
        h.days.push(Weekday::Sat);
        assert_eq!(
            availability(at(7, 9, 0, 0), &h),
            Availability::Open {
                closes_at: t(11, 15)
            }
        );
        assert_eq!(
            availability(at(7, 18, 0, 0), &h),
            closed(at(9, 7, 0, 0), ClosedReason::AfterClosing)
        );
    }

    #[test]
    fn unsorted_sessions_work() {
        let mut h = Hours::default();
        h.sessions.reverse();
        assert_eq!(
            availability(at(2, 12, 0, 0), &h),
            closed(at(2, 13, 30, 0), ClosedReason::Break)
        );
    }

    #[test]
    fn always_open_ignores_everything() {
        let h = Hours {
            always_open: true,
            days: vec![],
            ..Hours::default()
        };
        assert!(matches!(
            availability(at(7, 3, 0, 0), &h),
            Availability::Open { .. }
        ));
    }

    #[test]
    fn no_service_day_at_all_does_not_loop() {
        let h = Hours {
            days: vec![],
            ..Hours::default()
        };
        assert_eq!(
            availability(at(2, 9, 0, 0), &h),
            closed(at(16, 9, 0, 0), ClosedReason::NotServiceDay)
        );
    }

    #[test]
    fn upkeep_waits_for_the_end_of_the_day_or_the_night() {
        let at = |d: u32, h: u32, m: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 11, d)
                .unwrap()
                .and_hms_opt(h, m, 0)
                .unwrap()
        };
        let hours = Hours::default();
        // Wednesday 25 November 2026: lunch, the cut-off and the morning are not quiet.
        assert!(!is_quiet(at(25, 12, 0), &hours));
        assert!(!is_quiet(at(25, 16, 50), &hours));
        assert!(!is_quiet(at(25, 6, 0), &hours));
        assert!(is_quiet(at(25, 17, 30), &hours));
        assert!(is_quiet(at(28, 10, 0), &hours), "Saturday");
        let always = Hours {
            always_open: true,
            ..Hours::default()
        };
        assert!(is_quiet(at(25, 3, 0), &always));
        assert!(!is_quiet(at(25, 17, 30), &always));
    }
}
