//! What the store's tests share: a test day, fresh stores, kiosks, reported tickets and
//! dossiers.

use crate::office::store::S1;
use chrono::{NaiveDate, Utc};

use super::{Device, OfficeStore, Role};
use crate::domain::dossier::DossierStatus;
use crate::domain::dossier_code::parse_code;
use crate::dossier_import::DossierRecord;
use crate::office::test_db::{Backend, TestDb};
use crate::protocol::Changes;

/// The business day the tests run on.
pub(super) fn d() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

/// A fresh office database on `b` and the store on it.
pub(super) fn open(b: Backend) -> (TestDb, OfficeStore) {
    let db = TestDb::new(b);
    let s = OfficeStore::open(db.target()).unwrap();
    (db, s)
}

/// Enrols a kiosk.
pub(super) fn kiosk(s: &mut OfficeStore, name: &str) -> Device {
    s.enroll_device(name, Role::Kiosk, &[S1], Utc::now())
        .unwrap()
        .0
}

/// A `ticket.issued` payload as the kiosk writes it (its `Ticket` through serde).
pub(super) fn issued(id: &str, queue: &str, number: u32, date: NaiveDate, state: &str) -> String {
    let t = crate::domain::ticket::Ticket {
        id: id.into(),
        queue: queue.into(),
        number,
        business_date: date,
        issued_at: Utc::now(),
        wall_clock: Utc::now(),
        clock_status: crate::domain::clock::ClockStatus::Ok,
        field: "HT".into(),
        priority: crate::domain::priority::PriorityGroup::Elderly,
        state: crate::domain::ticket::TicketState::from_code(state).unwrap(),
        printed_at: None,
        follow_token: None,
        booking: None,
    };
    serde_json::to_string(&t).unwrap()
}

/// Dossier `i` of a run of test dossiers.
pub(super) fn record(i: usize, status: DossierStatus) -> DossierRecord {
    DossierRecord {
        code: parse_code(&format!("H15.50.05.13-261120-{i:04}")).unwrap(),
        status,
        procedure_code: "1.001193".into(),
        applicant_name: "Nguyễn Văn An".into(),
        received_at: "2026-11-20T01:15:00Z".parse().unwrap(),
        due_at: None,
        due_at_new: None,
        finished_at: None,
        note: String::new(),
        pickup_place: "Quầy 2".into(),
        secret: "7KQ2".into(),
        phone_last4: "4321".into(),
    }
}

/// The codes of the dossiers a page of changes sends, in order.
pub(super) fn codes(c: &Changes) -> Vec<String> {
    let Some(raw) = &c.dossiers else {
        return Vec::new();
    };
    let parsed =
        crate::dossier_import::parse(raw.get(), crate::dossier_import::Format::Json).unwrap();
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    parsed
        .records
        .into_iter()
        .map(|(_, r)| r.code.as_str().to_string())
        .collect()
}

/// Connects to a PostgreSQL test database directly, past the store.
pub(super) fn raw(db: &TestDb) -> ::postgres::Client {
    ::postgres::Client::connect(db.target(), ::postgres::NoTls).unwrap()
}
