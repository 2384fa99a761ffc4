//! The deadline radar (docs/radar.md): which of the office's dossiers a lead should act on
//! this morning, in four lists — due soon, overdue, overdue with no new date (an apology
//! letter is owed), and ready but not collected.

use chrono::NaiveDateTime;
use serde::Serialize;

use super::dossier::DossierStatus;
use super::working_time::WorkCalendar;

/// The radar's thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RadarRules {
    /// An unfinished dossier due within this many working minutes is "due soon".
    pub due_soon_minutes: i64,
    /// A ready dossier waiting longer than this many days is "not collected".
    pub uncollected_days: i64,
}

impl Default for RadarRules {
    /// One working day of 8 hours; 5 days.
    fn default() -> Self {
        RadarRules {
            due_soon_minutes: 8 * 60,
            uncollected_days: 5,
        }
    }
}

/// What the radar reads of one dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RadarInput {
    /// Its status.
    pub status: DossierStatus,
    /// The due time of the receipt (local).
    pub due_at: Option<NaiveDateTime>,
    /// The new due time promised in an apology letter, if one was set (local).
    pub due_at_new: Option<NaiveDateTime>,
    /// When it became ready (local), for a ready one.
    pub ready_at: Option<NaiveDateTime>,
}

/// The list a dossier belongs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RadarList {
    /// Unfinished and due within the threshold.
    DueSoon,
    /// Unfinished and past its due time; a new date was promised.
    Overdue,
    /// Unfinished, past its due time, and no new date: an apology letter (Mẫu 04) is owed.
    OverdueNoNewDate,
    /// Ready at the counter for longer than the threshold.
    Uncollected,
}

impl RadarList {
    /// Every list, in the order the page shows them.
    pub const ALL: [RadarList; 4] = [
        RadarList::OverdueNoNewDate,
        RadarList::Overdue,
        RadarList::DueSoon,
        RadarList::Uncollected,
    ];

    /// The machine name (as serialised).
    pub fn code(self) -> &'static str {
        match self {
            RadarList::DueSoon => "due_soon",
            RadarList::Overdue => "overdue",
            RadarList::OverdueNoNewDate => "overdue_no_new_date",
            RadarList::Uncollected => "uncollected",
        }
    }
}

/// Where a dossier stands on the radar at `now`: its list and, against the due time (the
/// new one once promised; the receipt's otherwise), the working minutes left (negative:
/// late by that much) — or for an uncollected one the whole days it has waited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blip {
    /// The list.
    pub list: RadarList,
    /// Working minutes to the due time (negative once past); days waiting for
    /// [`RadarList::Uncollected`].
    pub amount: i64,
}

/// The dossier's place on the radar, if it has one. Only dossiers whose clock runs against
/// the office count for the deadlines: one waiting for the citizen's supplement does not.
pub fn blip(
    d: &RadarInput,
    now: NaiveDateTime,
    cal: &WorkCalendar,
    rules: RadarRules,
) -> Option<Blip> {
    if d.status == DossierStatus::Ready {
        let days = (now - d.ready_at?).num_days();
        return (days > rules.uncollected_days).then_some(Blip {
            list: RadarList::Uncollected,
            amount: days,
        });
    }
    if !d.status.clock_running() {
        return None;
    }
    let due = d.due_at?;
    if now > due {
        // Late against the receipt, whatever was promised since: the index counts it late.
        let promised = d.due_at_new.filter(|n| *n > due);
        let list = match promised {
            Some(_) => RadarList::Overdue,
            None => RadarList::OverdueNoNewDate,
        };
        let against = promised.unwrap_or(due);
        return Some(Blip {
            list,
            amount: cal.minutes_between(now, against),
        });
    }
    let left = cal.minutes_between(now, due);
    (left <= rules.due_soon_minutes).then_some(Blip {
        list: RadarList::DueSoon,
        amount: left,
    })
}

/// The new date a draft apology letter proposes for a late dossier: as many working
/// minutes after `now` as the dossier was given from receipt to due time, at least one
/// working day, ending at a session's end or within one; None without a due time.
pub fn proposed_new_date(
    received_at: NaiveDateTime,
    due_at: NaiveDateTime,
    now: NaiveDateTime,
    cal: &WorkCalendar,
) -> Option<NaiveDateTime> {
    let given = cal
        .minutes_between(received_at, due_at)
        .max(cal.day_minutes());
    cal.add_minutes(now, given)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::domain::hours::Hours;

    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, d)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    fn cal() -> WorkCalendar {
        WorkCalendar::new(&Hours::default(), [], [])
    }

    fn dossier(status: DossierStatus, due: Option<NaiveDateTime>) -> RadarInput {
        RadarInput {
            status,
            due_at: due,
            due_at_new: None,
            ready_at: None,
        }
    }

    fn on(d: &RadarInput, now: NaiveDateTime) -> Option<Blip> {
        blip(d, now, &cal(), RadarRules::default())
    }

    #[test]
    fn due_monday_morning_is_due_soon_on_friday_afternoon() {
        // Friday 11 December 15:00; due Monday 14 December 08:00: 3 working hours left.
        let d = dossier(DossierStatus::Processing, Some(at(14, 8, 0)));
        assert_eq!(
            on(&d, at(11, 15, 0)),
            Some(Blip {
                list: RadarList::DueSoon,
                amount: 180
            })
        );
        // On Thursday afternoon it is more than a working day away.
        assert_eq!(on(&d, at(10, 15, 0)), None);
    }

    #[test]
    fn late_ones_owe_a_letter_until_a_new_date_is_set() {
        let mut d = dossier(DossierStatus::Received, Some(at(7, 17, 0)));
        let late = on(&d, at(8, 9, 0)).unwrap();
        assert_eq!(
            (late.list, late.amount),
            (RadarList::OverdueNoNewDate, -120)
        );
        d.due_at_new = Some(at(10, 17, 0));
        let late = on(&d, at(8, 9, 0)).unwrap();
        assert_eq!(late.list, RadarList::Overdue);
        assert_eq!(
            late.amount,
            cal().minutes_between(at(8, 9, 0), at(10, 17, 0))
        );
        // A "new" date no later than the first is no promise.
        d.due_at_new = Some(at(7, 11, 0));
        assert_eq!(
            on(&d, at(8, 9, 0)).unwrap().list,
            RadarList::OverdueNoNewDate
        );
    }

    #[test]
    fn paused_finished_and_undated_dossiers_stay_off() {
        let due = Some(at(7, 17, 0));
        for s in [
            DossierStatus::SupplementRequested,
            DossierStatus::Returned,
            DossierStatus::Refused,
            DossierStatus::Stopped,
        ] {
            assert_eq!(on(&dossier(s, due), at(9, 9, 0)), None, "{s:?}");
        }
        assert_eq!(
            on(&dossier(DossierStatus::Processing, None), at(9, 9, 0)),
            None
        );
    }

    #[test]
    fn ready_ones_wait_a_few_days_before_the_radar_shows_them() {
        let mut d = dossier(DossierStatus::Ready, Some(at(1, 17, 0)));
        assert_eq!(on(&d, at(9, 9, 0)), None, "no ready time: not judged");
        d.ready_at = Some(at(1, 10, 0));
        assert_eq!(on(&d, at(6, 10, 0)), None, "5 days is the threshold");
        assert_eq!(
            on(&d, at(7, 10, 0)),
            Some(Blip {
                list: RadarList::Uncollected,
                amount: 6
            })
        );
    }

    #[test]
    fn a_new_date_gives_again_the_time_first_given() {
        // Received Monday 08:00, due Wednesday 08:00 (two working days).
        let new = proposed_new_date(at(7, 8, 0), at(9, 8, 0), at(10, 9, 0), &cal());
        assert_eq!(new, Some(at(14, 9, 0)));
        // A same-day procedure still gets a whole working day.
        let new = proposed_new_date(at(7, 8, 0), at(7, 10, 0), at(8, 16, 0), &cal());
        assert_eq!(new, Some(at(9, 16, 0)));
    }
}
