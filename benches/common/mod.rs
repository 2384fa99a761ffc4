//! What the benchmarks share: synthetic dossiers of realistic size.

use chrono::{TimeDelta, TimeZone, Utc};
use motcua::domain::dossier::DossierStatus;
use motcua::domain::dossier_code::parse_code;
use motcua::dossier_import::DossierRecord;

const STATUSES: [DossierStatus; 5] = [
    DossierStatus::Received,
    DossierStatus::Processing,
    DossierStatus::SupplementRequested,
    DossierStatus::Ready,
    DossierStatus::Returned,
];

/// The i-th synthetic dossier: 2,000 a day over 500 days, names and notes of real length.
pub fn record(i: u64) -> DossierRecord {
    let day =
        Utc.with_ymd_and_hms(2025, 1, 1, 1, 0, 0).unwrap() + TimeDelta::days((i / 2000) as i64);
    let code = format!("H15.50.05.13-{}-{:04}", day.format("%y%m%d"), i % 2000 + 1);
    let status = STATUSES[(i % 5) as usize];
    DossierRecord {
        code: parse_code(&code).unwrap(),
        status,
        procedure_code: "1.001193".into(),
        applicant_name: format!("Nguyễn Văn Thành {i}"),
        received_at: day,
        due_at: Some(day + TimeDelta::days(3)),
        due_at_new: None,
        finished_at: matches!(status, DossierStatus::Ready | DossierStatus::Returned)
            .then(|| day + TimeDelta::days(2)),
        note: "Thiếu bản sao giấy khai sinh của mẹ".into(),
        pickup_place: "Quầy số 2, Bộ phận một cửa".into(),
        secret: format!("{:04X}", i % 65536),
        phone_last4: format!("{:04}", i % 10000),
    }
}
