//! What the counters' tests share: an office with two queues and a kiosk, a test day in
//! minutes from 08:00, clerks at counters and the refusal codes.

use crate::office::store::S1;
use anyhow::Result;
use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};

use super::{Action, ClerkRole, ClerkSession, CounterView, QueueDef, Refused};
use crate::office::store::OfficeStore;
use crate::office::test_db::{Backend, TestDb};
use crate::office::{Device, Role};

/// The business day the tests run on.
pub(in crate::office) fn d() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

/// 08:00 Vietnamese time on the test day, plus `min` minutes.
pub(in crate::office) fn at(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 1, 0, 0).unwrap() + TimeDelta::minutes(min)
}

/// An office with queues A (HT) and B (DD) and one kiosk.
pub(in crate::office) struct Office {
    /// Keeps the database alive.
    pub(in crate::office) _db: TestDb,
    /// The store under test.
    pub(in crate::office) s: OfficeStore,
    /// The kiosk tickets come from.
    pub(in crate::office) kiosk: Device,
}

/// A fresh office on `b`.
pub(in crate::office) fn office(b: Backend) -> Office {
    let db = TestDb::new(b);
    let mut s = OfficeStore::open(db.target()).unwrap();
    let kiosk = s
        .enroll_device("Kiosk", Role::Kiosk, &[S1], at(0))
        .unwrap()
        .0;
    s.set_queues(
        S1,
        &[QueueDef::new("A", &["HT"]), QueueDef::new("B", &["DD"])],
    )
    .unwrap();
    Office { _db: db, s, kiosk }
}

impl Office {
    /// Reports a waiting ticket issued at minute `min`.
    pub(in crate::office) fn ticket(
        &mut self,
        queue: &str,
        number: u32,
        min: i64,
        priority: &str,
    ) -> String {
        let id = format!("t-{queue}{number}");
        let payload = serde_json::json!({
            "id": id, "queue": queue, "number": number, "business_date": d(),
            "issued_at": at(min), "field": "HT", "priority": priority, "state": "waiting",
        })
        .to_string();
        self.s
            .apply_event(
                &self.kiosk,
                &format!("e-{id}"),
                crate::protocol::EVENT_TICKET_ISSUED,
                &payload,
                at(min),
            )
            .unwrap();
        id
    }

    /// Adds a clerk and opens a session at `counter` serving `queues`.
    pub(in crate::office) fn clerk(
        &mut self,
        username: &str,
        counter: u32,
        queues: &[&str],
        min: i64,
    ) -> ClerkSession {
        let clerk = self
            .s
            .add_clerk(
                Some(S1),
                username,
                &format!("Cán bộ {username}"),
                "mat-khau-8",
                ClerkRole::Clerk,
                false,
                at(min),
            )
            .unwrap();
        let queues: Vec<String> = queues.iter().map(|q| q.to_string()).collect();
        self.s
            .open_session(&clerk, counter, &queues, at(min))
            .unwrap();
        ClerkSession {
            clerk,
            counter,
            site: S1,
        }
    }

    /// Does `action`, then reads the console.
    pub(in crate::office) fn act(
        &mut self,
        who: &ClerkSession,
        action: Action,
        min: i64,
    ) -> Result<CounterView> {
        self.s.counter_action(who, &action, at(min), d())?;
        self.s.counter_view(who, at(min), d())
    }

    /// The label of the ticket at the counter.
    pub(in crate::office) fn current(&mut self, who: &ClerkSession, min: i64) -> Option<String> {
        self.s
            .counter_view(who, at(min), d())
            .unwrap()
            .current
            .map(|t| t.label)
    }
}

/// The code of a refusal.
pub(in crate::office) fn code(e: anyhow::Error) -> &'static str {
    e.downcast_ref::<Refused>()
        .unwrap_or_else(|| panic!("not a refusal: {e:#}"))
        .code
}
