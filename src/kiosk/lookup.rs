//! What a public screen may say about a dossier: the status for anyone holding the code,
//! the details only with a second factor. Pure functions over a stored dossier.

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;

use crate::domain::dossier::{is_overdue, timeliness, DossierStatus, Timeliness};
use crate::domain::hours::Session;
use crate::domain::mask::mask_name;
use crate::dossier_import::DossierRecord;

/// What the code alone shows: no name, no procedure, no note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicStatus {
    /// Where the dossier is.
    pub status: DossierStatus,
    /// The promised return time, office-local.
    pub due: Option<NaiveDateTime>,
    /// Past due and not yet resolved.
    pub overdue: bool,
    /// The new return time promised in the office's apology letter, office-local; only while
    /// the dossier is unresolved and when it is later than `due`.
    pub new_due: Option<NaiveDateTime>,
    /// For a resolved dossier: before, on or after the due time.
    pub timeliness: Option<Timeliness>,
    /// Where to collect the result.
    pub pickup_place: String,
}

/// What the code and a second factor show in addition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    /// "Ng*** V** An": enough for the citizen to recognise, not for a bystander to learn.
    pub masked_name: String,
    /// The office's note (e.g. which paper is missing).
    pub note: String,
}

/// The status part, computed at `now`.
pub fn public_status(
    d: &DossierRecord,
    now: DateTime<Utc>,
    tz: Tz,
    sessions: &[Session],
) -> PublicStatus {
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).naive_local();
    let due = d.due_at.map(local);
    let resolved = d.status.is_resolved();
    PublicStatus {
        status: d.status,
        due,
        overdue: is_overdue(d.status, due, local(now)),
        new_due: d
            .due_at_new
            .map(local)
            .filter(|n| !resolved && due.is_some_and(|due| *n > due)),
        timeliness: match (resolved, d.finished_at, due) {
            (true, Some(finished), Some(due)) => Some(timeliness(local(finished), due, sessions)),
            _ => None,
        },
        pickup_place: d.pickup_place.clone(),
    }
}

/// The details; call only after [`second_factor_matches`].
pub fn details(d: &DossierRecord) -> Details {
    Details {
        masked_name: mask_name(&d.applicant_name),
        note: d.note.clone(),
    }
}

/// Whether `given` is the dossier's lookup secret (any case) or its phone's last 4 digits.
/// A dossier without either cannot be opened further at the kiosk.
pub fn second_factor_matches(d: &DossierRecord, given: &str) -> bool {
    let given = given.trim().to_uppercase();
    if given.is_empty() {
        return false;
    }
    let secret_ok = !d.secret.is_empty() && same(&given, &d.secret.to_uppercase());
    let phone_ok = d.phone_last4.len() == 4 && same(&given, &d.phone_last4);
    secret_ok | phone_ok
}

/// Compares without stopping at the first difference, so timing tells nothing of where.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dossier_code::parse_code;
    use crate::domain::hours::Hours;
    use chrono::TimeZone;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        // Office time (UTC+7) given, UTC stored.
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap() - chrono::TimeDelta::hours(7)
    }

    fn dossier(status: DossierStatus) -> DossierRecord {
        DossierRecord {
            code: parse_code("H15.50.05.13-261120-0975").unwrap(),
            status,
            procedure_code: "1.001193".into(),
            applicant_name: "Nguyễn Văn An".into(),
            received_at: utc(2026, 11, 20, 8, 15),
            due_at: Some(utc(2026, 11, 24, 16, 0)),
            due_at_new: None,
            finished_at: None,
            note: "Thiếu bản sao giấy khai sinh".into(),
            pickup_place: "Quầy số 2".into(),
            secret: "7KQ2".into(),
            phone_last4: "4321".into(),
        }
    }

    fn sessions() -> Vec<Session> {
        Hours::default().sessions
    }

    #[test]
    fn an_unfinished_dossier_past_due_is_overdue() {
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        let d = dossier(DossierStatus::Processing);
        let before = public_status(&d, utc(2026, 11, 24, 15, 0), tz, &sessions());
        assert!(!before.overdue);
        let after = public_status(&d, utc(2026, 11, 25, 8, 0), tz, &sessions());
        assert!(after.overdue);
        assert_eq!(after.timeliness, None);
        assert_eq!(after.due.unwrap().to_string(), "2026-11-24 16:00:00");
    }

    #[test]
    fn a_resolved_dossier_has_its_timeliness() {
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        let mut d = dossier(DossierStatus::Ready);
        d.finished_at = Some(utc(2026, 11, 23, 10, 0));
        let s = public_status(&d, utc(2026, 11, 25, 8, 0), tz, &sessions());
        assert!(!s.overdue);
        assert_eq!(s.timeliness, Some(Timeliness::Early));
        d.finished_at = Some(utc(2026, 11, 24, 14, 0));
        let s = public_status(&d, utc(2026, 11, 25, 8, 0), tz, &sessions());
        assert_eq!(s.timeliness, Some(Timeliness::OnTime));
        d.finished_at = Some(utc(2026, 11, 25, 7, 30));
        let s = public_status(&d, utc(2026, 11, 25, 8, 0), tz, &sessions());
        assert_eq!(s.timeliness, Some(Timeliness::Late));
    }

    #[test]
    fn the_second_factor_is_the_secret_or_the_phone_digits() {
        let d = dossier(DossierStatus::Processing);
        assert!(second_factor_matches(&d, "7kq2"));
        assert!(second_factor_matches(&d, " 4321 "));
        assert!(!second_factor_matches(&d, "4322"));
        assert!(!second_factor_matches(&d, ""));
        assert!(!second_factor_matches(&d, "7KQ"));
        let mut none = d.clone();
        none.secret.clear();
        none.phone_last4.clear();
        assert!(!second_factor_matches(&none, ""));
        assert!(!second_factor_matches(&none, "7KQ2"));
    }

    #[test]
    fn details_mask_the_name() {
        let d = dossier(DossierStatus::Processing);
        assert_eq!(details(&d).masked_name, "Ng*** V** An");
    }

    #[test]
    fn a_new_due_date_shows_only_while_unresolved_and_later() {
        let mut d = dossier(DossierStatus::Processing);
        let now = utc(2026, 11, 26, 9, 0);
        let sessions = Hours::default().sessions;
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        assert_eq!(public_status(&d, now, tz, &sessions).new_due, None);
        d.due_at_new = Some(utc(2026, 11, 27, 16, 0));
        let s = public_status(&d, now, tz, &sessions);
        assert!(s.overdue, "late against the receipt");
        assert_eq!(
            s.new_due.map(|t| t.to_string()),
            Some("2026-11-27 16:00:00".to_string())
        );
        d.due_at_new = d.due_at;
        assert_eq!(public_status(&d, now, tz, &sessions).new_due, None);
        d.due_at_new = Some(utc(2026, 11, 27, 16, 0));
        d.status = DossierStatus::Ready;
        d.finished_at = Some(now);
        assert_eq!(public_status(&d, now, tz, &sessions).new_due, None);
    }
}
