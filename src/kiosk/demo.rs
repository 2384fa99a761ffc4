//! The demo's sample dossiers, so a newcomer can try the lookup at once. Dated around the
//! day the demo first starts, so the overdue and on-time cases stay what they claim.

use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::dossier::DossierStatus;
use crate::domain::dossier_code::parse_code;
use crate::dossier_import::DossierRecord;

/// Agency part of the demo codes (a commune's one-stop shop).
const AGENCY: &str = "H15.50.05.13";

/// Five dossiers in different states, received over the last days before `now`.
pub fn sample_dossiers(now: DateTime<Utc>) -> Vec<DossierRecord> {
    let day = TimeDelta::days(1);
    let make = |n: u32,
                received: DateTime<Utc>,
                status: DossierStatus,
                procedure: &str,
                name: &str,
                due: DateTime<Utc>,
                finished: Option<DateTime<Utc>>,
                note: &str,
                secret: &str,
                phone: &str| DossierRecord {
        code: parse_code(&format!("{AGENCY}-{}-{n:04}", received.format("%y%m%d")))
            .expect("demo codes are well formed"),
        status,
        procedure_code: procedure.into(),
        applicant_name: name.into(),
        received_at: received,
        due_at: Some(due),
        // The overdue one was promised a new date in an apology letter.
        due_at_new: (n == 4).then(|| now + TimeDelta::days(2)),
        finished_at: finished,
        note: note.into(),
        pickup_place: "Quầy số 2, Bộ phận Một cửa".into(),
        secret: secret.into(),
        phone_last4: phone.into(),
    };
    let r = now - day * 5;
    vec![
        make(
            1,
            r,
            DossierStatus::Processing,
            "1.000894",
            "Nguyễn Văn An",
            now + day * 2,
            None,
            "",
            "7KQ2",
            "4321",
        ),
        make(
            2,
            r,
            DossierStatus::Ready,
            "1.001193",
            "Trần Thị Bình",
            now + day,
            Some(now - day),
            "",
            "AB12",
            "5678",
        ),
        make(
            3,
            r,
            DossierStatus::SupplementRequested,
            "1.004873",
            "Lê Văn Cường",
            now + day * 3,
            None,
            "Thiếu bản sao giấy khai sinh",
            "CX9P",
            "1357",
        ),
        make(
            4,
            r,
            DossierStatus::Processing,
            "1.001699",
            "Phạm Thị Dung",
            now - day,
            None,
            "",
            "DD44",
            "2468",
        ),
        make(
            5,
            r,
            DossierStatus::Returned,
            "2.000635",
            "Hoàng Văn Em",
            now - day * 2,
            Some(now - day * 3),
            "",
            "EM55",
            "9753",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_samples_are_what_the_readme_says() {
        let now = Utc::now();
        let d = sample_dossiers(now);
        assert_eq!(d.len(), 5);
        assert!(d[3].due_at.unwrap() < now, "the fourth is overdue");
        assert!(d.iter().all(|x| x.code.as_str().ends_with(&format!(
            "{:04}",
            d.iter().position(|y| y == x).unwrap() + 1
        ))));
    }
}
