//! Dossier status as public tracking pages show it, and how timely a dossier was resolved.
//!
//! Lifecycle: Mới tiếp nhận → Đang xử lý → (Yêu cầu bổ sung giấy tờ, back to the citizen) →
//! Đã xử lý xong, chờ trả kết quả → Đã trả kết quả; side branches Từ chối and Dừng xử lý.
//! "Quá hạn" (overdue) is a flag computed from the due time, not a status.
//!
//! Two predicates answer two questions:
//! - [`DossierStatus::is_finished`]: is the lifecycle over (returned, refused, stopped)?
//!   Ready is *not* finished: the result still waits at the counter.
//! - [`DossierStatus::is_resolved`]: has the office done its part? This adds Ready, because
//!   "Đã xử lý xong, chờ trả kết quả" means processing is complete; the time a citizen takes to
//!   collect must not make the office late. Timeliness is therefore judged at the moment a
//!   dossier became resolved (Ready, or refused/stopped/returned without passing Ready).

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::hours::Session;

/// Where a dossier is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DossierStatus {
    /// Received at the counter, waiting to be processed (Mới tiếp nhận / Chờ xử lý).
    Received,
    /// Being processed by the specialist department.
    Processing,
    /// Waiting for the citizen to supply missing documents (form 02).
    SupplementRequested,
    /// Processed; the result waits at the counter.
    Ready,
    /// The result has been handed to the citizen.
    Returned,
    /// Refused, with reasons (form 03).
    Refused,
    /// Processing stopped or cancelled (form 05).
    Stopped,
}

impl DossierStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [DossierStatus; 7] = [
        DossierStatus::Received,
        DossierStatus::Processing,
        DossierStatus::SupplementRequested,
        DossierStatus::Ready,
        DossierStatus::Returned,
        DossierStatus::Refused,
        DossierStatus::Stopped,
    ];

    /// Stable machine code used in storage and on the wire (same as the serde form).
    pub fn code(self) -> &'static str {
        match self {
            DossierStatus::Received => "received",
            DossierStatus::Processing => "processing",
            DossierStatus::SupplementRequested => "supplement_requested",
            DossierStatus::Ready => "ready",
            DossierStatus::Returned => "returned",
            DossierStatus::Refused => "refused",
            DossierStatus::Stopped => "stopped",
        }
    }

    /// The status with this exact machine code, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Label shown to citizens, in the wording of public tracking pages.
    pub fn label_vi(self) -> &'static str {
        match self {
            DossierStatus::Received => "Mới tiếp nhận",
            DossierStatus::Processing => "Đang xử lý",
            DossierStatus::SupplementRequested => "Yêu cầu bổ sung giấy tờ",
            DossierStatus::Ready => "Đã xử lý xong, chờ trả kết quả",
            DossierStatus::Returned => "Đã trả kết quả",
            DossierStatus::Refused => "Từ chối",
            DossierStatus::Stopped => "Dừng xử lý",
        }
    }

    /// English label, for logs and the admin screens.
    pub fn label_en(self) -> &'static str {
        match self {
            DossierStatus::Received => "Received",
            DossierStatus::Processing => "Processing",
            DossierStatus::SupplementRequested => "Supplement requested",
            DossierStatus::Ready => "Ready for collection",
            DossierStatus::Returned => "Returned",
            DossierStatus::Refused => "Refused",
            DossierStatus::Stopped => "Stopped",
        }
    }

    /// The lifecycle is over: returned, refused or stopped (Ready is not: see the module doc).
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            DossierStatus::Returned | DossierStatus::Refused | DossierStatus::Stopped
        )
    }

    /// The office's processing is over (finished, or Ready); timeliness is judged from then on.
    pub fn is_resolved(self) -> bool {
        self.is_finished() || self == DossierStatus::Ready
    }

    /// The legal processing time is running against the office: received or being processed.
    ///
    /// A supplement request pauses it: the office waits for the citizen, and the processing
    /// time is counted again once the complete dossier arrives (the due time is then re-set).
    pub fn clock_running(self) -> bool {
        matches!(self, DossierStatus::Received | DossierStatus::Processing)
    }
}

/// How a resolved dossier stands against its due time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Resolved before the half-day session of the due time started (trước hạn).
    Early,
    /// Resolved within the due session, at or before the due time (đúng hạn).
    OnTime,
    /// Resolved after the due time (trễ hạn).
    Late,
}

impl Timeliness {
    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Timeliness::Early => "Trước hạn",
            Timeliness::OnTime => "Đúng hạn",
            Timeliness::Late => "Trễ hạn",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Timeliness::Early => "Early",
            Timeliness::OnTime => "On time",
            Timeliness::Late => "Late",
        }
    }

    /// Counts towards the on-time share the leadership reports ((trước hạn + đúng hạn) ÷ resolved).
    pub fn counts_as_on_time(self) -> bool {
        self != Timeliness::Late
    }
}

/// Start of the half-day session the due time belongs to, on the due day (local time).
///
/// That is the latest session starting at or before the due time, so:
/// - due inside a session, or exactly at its end (17:00, 11:30) → that session's start;
/// - due exactly at a session's start (13:30) → that session, so the window is that instant;
/// - due in a break (12:00) → the session before the break (07:00), whose end has passed;
/// - due before the day's first session, or no sessions configured → the due time itself
///   (no session to be "within", so only finishing exactly at the due time is on time).
///
/// Sessions need not be sorted.
pub fn due_session_start(due: NaiveDateTime, sessions: &[Session]) -> NaiveDateTime {
    sessions
        .iter()
        .map(|s| s.start)
        .filter(|start| *start <= due.time())
        .max()
        .map_or(due, |start| due.date().and_time(start))
}

/// Timeliness of a dossier resolved at `finished` against its `due` time (both local).
///
/// Late if after `due`; on time from the start of the due session (see [`due_session_start`])
/// up to and including `due`; early before that. Finishing exactly at the due time is on time.
pub fn timeliness(finished: NaiveDateTime, due: NaiveDateTime, sessions: &[Session]) -> Timeliness {
    if finished > due {
        Timeliness::Late
    } else if finished >= due_session_start(due, sessions) {
        Timeliness::OnTime
    } else {
        Timeliness::Early
    }
}

/// Whether to flag "Quá hạn": the processing time is running and `now` is past the due time.
///
/// Resolved dossiers (Ready included) and dossiers awaiting a supplement from the citizen are
/// never overdue; a dossier without a due time (no legal deadline) is never overdue. Exactly at
/// the due time is not yet overdue.
pub fn is_overdue(status: DossierStatus, due: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
    status.clock_running() && due.is_some_and(|due| now > due)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::hours::Hours;
    use crate::domain::text::nfc;
    use chrono::{NaiveDate, NaiveTime};

    // 2025-06-05 is a Thursday.
    fn at(day: u32, h: u32, m: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2025, 6, day)
            .unwrap()
            .and_hms_opt(h, m, s)
            .unwrap()
    }

    fn sessions() -> Vec<Session> {
        Hours::default().sessions
    }

    fn judge(finished: NaiveDateTime, due: NaiveDateTime) -> Timeliness {
        timeliness(finished, due, &sessions())
    }

    #[test]
    fn codes_round_trip() {
        for s in DossierStatus::ALL {
            assert_eq!(DossierStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(DossierStatus::from_code("Ready"), None);
        assert_eq!(DossierStatus::from_code(""), None);
    }

    #[test]
    fn serde_names_are_the_codes() {
        use serde::de::{value::Error, IntoDeserializer};
        for s in DossierStatus::ALL {
            let de = IntoDeserializer::<Error>::into_deserializer(s.code());
            assert_eq!(DossierStatus::deserialize(de), Ok(s));
        }
        let de = IntoDeserializer::<Error>::into_deserializer("on_time");
        assert_eq!(Timeliness::deserialize(de), Ok(Timeliness::OnTime));
    }

    #[test]
    fn labels_are_nfc_and_distinct() {
        let mut vi: Vec<_> = DossierStatus::ALL.iter().map(|s| s.label_vi()).collect();
        let mut en: Vec<_> = DossierStatus::ALL.iter().map(|s| s.label_en()).collect();
        for l in &vi {
            assert_eq!(nfc(l), *l);
        }
        vi.sort();
        vi.dedup();
        en.sort();
        en.dedup();
        assert_eq!(vi.len(), 7);
        assert_eq!(en.len(), 7);
        assert_eq!(Timeliness::Late.label_vi(), "Trễ hạn");
        assert_eq!(nfc(Timeliness::Early.label_vi()), "Trước hạn");
        assert_eq!(Timeliness::OnTime.label_en(), "On time");
    }

    #[test]
    fn finished_and_resolved() {
        use DossierStatus::*;
        let finished: Vec<_> = DossierStatus::ALL
            .into_iter()
            .filter(|s| s.is_finished())
            .collect();
        assert_eq!(finished, [Returned, Refused, Stopped]);
        let resolved: Vec<_> = DossierStatus::ALL
            .into_iter()
            .filter(|s| s.is_resolved())
            .collect();
        assert_eq!(resolved, [Ready, Returned, Refused, Stopped]);
        let running: Vec<_> = DossierStatus::ALL
            .into_iter()
            .filter(|s| s.clock_running())
            .collect();
        assert_eq!(running, [Received, Processing]);
    }

    #[test]
    fn due_at_five_pm() {
        let due = at(5, 17, 0, 0);
        assert_eq!(
            judge(at(5, 17, 0, 0), due),
            Timeliness::OnTime,
            "exactly at due"
        );
        assert_eq!(judge(at(5, 17, 0, 1), due), Timeliness::Late);
        assert_eq!(judge(at(5, 16, 0, 0), due), Timeliness::OnTime);
        assert_eq!(
            judge(at(5, 13, 30, 0), due),
            Timeliness::OnTime,
            "session start"
        );
        assert_eq!(judge(at(5, 13, 29, 59), due), Timeliness::Early);
        assert_eq!(judge(at(5, 9, 0, 0), due), Timeliness::Early);
        assert_eq!(
            judge(at(4, 16, 59, 0), due),
            Timeliness::Early,
            "day before"
        );
        assert_eq!(judge(at(6, 8, 0, 0), due), Timeliness::Late, "next day");
    }

    #[test]
    fn due_at_half_past_eleven() {
        let due = at(5, 11, 30, 0);
        assert_eq!(judge(at(5, 11, 30, 0), due), Timeliness::OnTime);
        assert_eq!(judge(at(5, 11, 30, 1), due), Timeliness::Late);
        assert_eq!(judge(at(5, 7, 0, 0), due), Timeliness::OnTime);
        assert_eq!(judge(at(5, 6, 59, 59), due), Timeliness::Early);
        assert_eq!(judge(at(4, 16, 0, 0), due), Timeliness::Early);
    }

    #[test]
    fn due_inside_a_session() {
        let due = at(5, 15, 0, 0);
        assert_eq!(judge(at(5, 14, 0, 0), due), Timeliness::OnTime);
        assert_eq!(judge(at(5, 15, 0, 0), due), Timeliness::OnTime);
        assert_eq!(judge(at(5, 15, 1, 0), due), Timeliness::Late);
        assert_eq!(judge(at(5, 11, 0, 0), due), Timeliness::Early);
    }

    #[test]
    fn due_during_lunch_uses_the_morning_session() {
        let due = at(5, 12, 0, 0);
        assert_eq!(due_session_start(due, &sessions()), at(5, 7, 0, 0));
        assert_eq!(judge(at(5, 11, 45, 0), due), Timeliness::OnTime);
        assert_eq!(judge(at(5, 6, 0, 0), due), Timeliness::Early);
        assert_eq!(judge(at(5, 12, 0, 1), due), Timeliness::Late);
    }

    #[test]
    fn due_exactly_at_a_session_start() {
        let due = at(5, 13, 30, 0);
        assert_eq!(due_session_start(due, &sessions()), due);
        assert_eq!(judge(at(5, 13, 30, 0), due), Timeliness::OnTime);
        assert_eq!(judge(at(5, 11, 0, 0), due), Timeliness::Early);
    }

    #[test]
    fn due_before_any_session_or_without_sessions() {
        let due = at(5, 6, 0, 0);
        assert_eq!(due_session_start(due, &sessions()), due);
        assert_eq!(judge(at(5, 6, 0, 0), due), Timeliness::OnTime);
        assert_eq!(judge(at(5, 5, 59, 59), due), Timeliness::Early);
        let due = at(5, 17, 0, 0);
        assert_eq!(timeliness(at(5, 16, 0, 0), due, &[]), Timeliness::Early);
        assert_eq!(timeliness(due, due, &[]), Timeliness::OnTime);
    }

    #[test]
    fn unsorted_and_custom_sessions() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let mut s = sessions();
        s.reverse();
        assert_eq!(
            timeliness(at(5, 13, 0, 0), at(5, 17, 0, 0), &s),
            Timeliness::Early
        );
        let saturday = [Session {
            start: t(7, 30),
            end: t(11, 0),
        }];
        let due = at(7, 11, 0, 0);
        assert_eq!(
            timeliness(at(7, 7, 30, 0), due, &saturday),
            Timeliness::OnTime
        );
        assert_eq!(
            timeliness(at(7, 7, 29, 0), due, &saturday),
            Timeliness::Early
        );
    }

    #[test]
    fn on_time_share_counts_early_and_on_time() {
        assert!(Timeliness::Early.counts_as_on_time());
        assert!(Timeliness::OnTime.counts_as_on_time());
        assert!(!Timeliness::Late.counts_as_on_time());
    }

    #[test]
    fn overdue_needs_a_running_clock_and_a_passed_due_time() {
        use DossierStatus::*;
        let due = Some(at(5, 17, 0, 0));
        let after = at(5, 17, 0, 1);
        assert!(is_overdue(Received, due, after));
        assert!(is_overdue(Processing, due, after));
        assert!(
            !is_overdue(Processing, due, at(5, 17, 0, 0)),
            "exactly at due"
        );
        assert!(!is_overdue(Processing, due, at(5, 9, 0, 0)));
        for s in [SupplementRequested, Ready, Returned, Refused, Stopped] {
            assert!(!is_overdue(s, due, after), "{s:?}");
        }
    }

    #[test]
    fn dossier_without_due_time_is_never_overdue() {
        let far = at(30, 23, 0, 0);
        for s in DossierStatus::ALL {
            assert!(!is_overdue(s, None, far));
        }
    }
}
