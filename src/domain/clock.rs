//! The effective clock: the rule that keeps ticket numbers unique when the board's clock misbehaves.
//!
//! Boards without an RTC battery boot in 1970, NTP may step the clock backwards, and an
//! installer may set it by hand. Numbers restart each business date, so if the date we use
//! ever went backwards (or jumped to 1970 and back) a day's numbering would restart and
//! repeat. The store keeps a high-water mark of the effective time and this module decides
//! the effective time from it and the board's reading.
//!
//! Known trade-off: a clock that jumps far *forward* (say to 2031) drags the high-water mark
//! with it, and tickets keep that date after the clock is corrected, until the office sync
//! corrects the mark (a later issue). Refusing forward jumps here would need a trusted time
//! source the kiosk does not have offline.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Earliest reading we believe: 2025-01-01T00:00:00Z; anything before is a board that lost its time.
pub const PLAUSIBLE_FLOOR: DateTime<Utc> = match DateTime::from_timestamp(1_735_689_600, 0) {
    Some(t) => t,
    None => panic!("PLAUSIBLE_FLOOR out of range"),
};

/// How the board's reading related to the effective time, kept on each ticket for audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockStatus {
    /// The reading was plausible and not behind the high-water mark.
    Ok,
    /// The reading was before [`PLAUSIBLE_FLOOR`] (lost time); the high-water mark was used.
    Implausible,
    /// The reading was behind the high-water mark; the mark was used.
    Backwards,
}

impl ClockStatus {
    /// Stable storage code.
    pub fn code(self) -> &'static str {
        match self {
            ClockStatus::Ok => "ok",
            ClockStatus::Implausible => "implausible",
            ClockStatus::Backwards => "backwards",
        }
    }

    /// Inverse of [`code`](Self::code).
    pub fn from_code(code: &str) -> Option<ClockStatus> {
        [
            ClockStatus::Ok,
            ClockStatus::Implausible,
            ClockStatus::Backwards,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// The time a ticket is stamped with, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Effective {
    /// Effective time: never earlier than the previous effective time.
    pub at: DateTime<Utc>,
    /// What the board's reading looked like.
    pub status: ClockStatus,
}

/// Decides the effective time from the board's reading and the stored high-water mark.
///
/// A plausible reading gives `max(now, high_water)`; an implausible one gives the high-water
/// mark (or [`PLAUSIBLE_FLOOR`] on a fresh store). Either way the result is never earlier
/// than `high_water`, so business dates never go backwards.
pub fn effective_time(now: DateTime<Utc>, high_water: Option<DateTime<Utc>>) -> Effective {
    if now < PLAUSIBLE_FLOOR {
        return Effective {
            at: high_water.unwrap_or(PLAUSIBLE_FLOOR).max(PLAUSIBLE_FLOOR),
            status: ClockStatus::Implausible,
        };
    }
    match high_water {
        Some(hw) if hw > now => Effective {
            at: hw,
            status: ClockStatus::Backwards,
        },
        _ => Effective {
            at: now,
            status: ClockStatus::Ok,
        },
    }
}

/// The office's local calendar date of an instant: the day a ticket's numbering belongs to.
pub fn business_date(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn floor_is_2025() {
        assert_eq!(
            PLAUSIBLE_FLOOR,
            Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()
        );
    }

    #[test]
    fn plausible_forward_reading_is_used() {
        let now = utc("2025-06-02T01:00:00Z");
        let e = effective_time(now, Some(utc("2025-06-01T09:00:00Z")));
        assert_eq!(
            e,
            Effective {
                at: now,
                status: ClockStatus::Ok
            }
        );
        assert_eq!(effective_time(now, None).at, now);
    }

    #[test]
    fn equal_reading_is_ok() {
        let now = utc("2025-06-02T01:00:00Z");
        assert_eq!(effective_time(now, Some(now)).status, ClockStatus::Ok);
    }

    #[test]
    fn backwards_reading_keeps_high_water() {
        let hw = utc("2025-06-02T01:00:00Z");
        let e = effective_time(utc("2025-06-01T23:00:00Z"), Some(hw));
        assert_eq!(
            e,
            Effective {
                at: hw,
                status: ClockStatus::Backwards
            }
        );
    }

    #[test]
    fn boot_in_1970_keeps_high_water() {
        let hw = utc("2025-06-02T01:00:00Z");
        let e = effective_time(utc("1970-01-01T00:00:05Z"), Some(hw));
        assert_eq!(
            e,
            Effective {
                at: hw,
                status: ClockStatus::Implausible
            }
        );
    }

    #[test]
    fn boot_in_1970_on_fresh_store_uses_floor() {
        let e = effective_time(utc("1970-01-01T00:00:05Z"), None);
        assert_eq!(
            e,
            Effective {
                at: PLAUSIBLE_FLOOR,
                status: ClockStatus::Implausible
            }
        );
    }

    #[test]
    fn business_date_follows_office_zone() {
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        assert_eq!(
            business_date(utc("2025-06-01T16:59:59Z"), tz),
            NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
        );
        assert_eq!(
            business_date(utc("2025-06-01T17:00:00Z"), tz),
            NaiveDate::from_ymd_opt(2025, 6, 2).unwrap()
        );
    }

    #[test]
    fn status_codes_round_trip() {
        for s in [
            ClockStatus::Ok,
            ClockStatus::Implausible,
            ClockStatus::Backwards,
        ] {
            assert_eq!(ClockStatus::from_code(s.code()), Some(s));
        }
    }

    proptest! {
        /// Over any sequence of readings (1970, before and after the floor, jumps both ways)
        /// the effective time and the business date never go backwards.
        #[test]
        fn effective_time_never_goes_backwards(
            readings in proptest::collection::vec(
                prop_oneof![
                    0i64..100_000,                         // around 1970
                    1_700_000_000i64..1_735_689_600,       // late 2023–2024: implausible
                    1_735_689_600i64..1_900_000_000,       // 2025–2030
                ],
                1..200,
            )
        ) {
            let tz = chrono_tz::Asia::Ho_Chi_Minh;
            let mut hw: Option<DateTime<Utc>> = None;
            let mut last_date: Option<NaiveDate> = None;
            for secs in readings {
                let now = DateTime::from_timestamp(secs, 0).unwrap();
                let e = effective_time(now, hw);
                prop_assert!(e.at >= PLAUSIBLE_FLOOR);
                if let Some(prev) = hw {
                    prop_assert!(e.at >= prev);
                }
                let d = business_date(e.at, tz);
                if let Some(prev) = last_date {
                    prop_assert!(d >= prev);
                }
                if e.status == ClockStatus::Ok {
                    prop_assert_eq!(e.at, now);
                }
                hw = Some(e.at);
                last_date = Some(d);
            }
        }
    }
}
