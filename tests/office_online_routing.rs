//! Online routing at the office (docs/online-routing.md), on SQLite and on PostgreSQL: the
//! `routing.online` events a kiosk pushes are counted per field in the report's JSON and
//! CSV, and in `online_figures`, exactly as sent; a replay counts once; a malformed event
//! (unknown procedure, a procedure of another field, an id not its own, unreadable) is kept
//! aside in `rejected_event`, acknowledged, never counted, and the good events of the same
//! push are all kept; another site's routings stay out of this site's figures.

#[path = "support/office_db.rs"]
mod office_db;

#[path = "support/http_client.rs"]
mod http_client;

use chrono::{NaiveDate, Utc};
use http_client::{agent, call};
use motcua::office::counters::{ClerkRole, QueueDef};
use motcua::office::store::{OnlineFigures, SiteId};
use motcua::office::{OfficeStore, Role};
use motcua::protocol::{RoutedOnline, EVENT_ROUTING_ONLINE};
use office_db::{both_backends, Backend, TestDb};
use serde_json::{json, Value};

both_backends! {
    routings_are_counted_per_field_and_bad_ones_kept_aside,
}

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;
const S1: SiteId = SiteId(1);

fn today() -> NaiveDate {
    motcua::domain::clock::business_date(Utc::now(), TZ)
}

/// A routing event as a kiosk sends it.
fn routed(id: &str, field: &str, procedure: &str, ticket: Option<&str>) -> Value {
    let r = RoutedOnline {
        id: id.into(),
        field: field.into(),
        procedure: procedure.into(),
        at: Utc::now(),
        business_date: today(),
        assisted_ticket: ticket.map(str::to_string),
    };
    json!({"id": id, "kind": EVENT_ROUTING_ONLINE, "payload": r})
}

fn push(base: &str, token: &str, events: &[Value]) -> Value {
    let mut resp = agent()
        .post(format!("{base}/api/v1/events"))
        .header("Authorization", &format!("Bearer {token}"))
        .send_json(json!({"protocol": 1, "events": events}))
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    resp.body_mut().read_json().unwrap()
}

fn routings_are_counted_per_field_and_bad_ones_kept_aside(b: Backend) {
    let db = TestDb::new(b);
    let (kiosk, other_kiosk) = {
        let mut s = OfficeStore::open(db.target()).unwrap();
        s.set_queues(
            S1,
            &[
                QueueDef::new("A", &["HT", "LT"]),
                QueueDef::new("D", &["CT"]),
            ],
        )
        .unwrap();
        s.add_clerk(
            Some(S1),
            "lan",
            "Lan",
            "mat-khau-dai-1",
            ClerkRole::SiteLead,
            false,
            Utc::now(),
        )
        .unwrap();
        let other = s.add_site("xa-b", "Xã B", Utc::now()).unwrap();
        let kiosk = s
            .enroll_device("Kiosk sảnh", Role::Kiosk, &[S1], Utc::now())
            .unwrap()
            .1;
        let other_kiosk = s
            .enroll_device("Kiosk xã B", Role::Kiosk, &[other.id], Utc::now())
            .unwrap()
            .1;
        (kiosk, other_kiosk)
    };
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let base = office.url();

    // One event as the kiosk's own store writes it, the rest by the wire type.
    let from_store = {
        let dir = tempfile::tempdir().unwrap();
        let mut store = motcua::kiosk::open_store(dir.path()).unwrap();
        store
            .record_routed_online("LT", "1.003412", None, Utc::now(), TZ)
            .unwrap();
        let e = store.outbox_pending(10).unwrap().remove(0);
        assert_eq!(e.kind, EVENT_ROUTING_ONLINE);
        json!({"id": e.id, "kind": e.kind,
               "payload": serde_json::from_str::<Value>(&e.payload).unwrap()})
    };
    let mut unreadable = routed("bad-4", "HT", "2.000635", None);
    unreadable["payload"] = json!({"field": "HT"});
    let events = vec![
        routed("r1", "HT", "2.000635", None),
        routed("bad-1", "HT", "9.999999", None),
        routed("r2", "HT", "2.000635", Some("t-1")),
        routed("bad-2", "CT", "2.000635", None),
        routed("r3", "HT", "1.004873", Some("t-2")),
        json!({"id": "bad-3", "kind": EVENT_ROUTING_ONLINE,
               "payload": routed("another-id", "HT", "2.000635", None)["payload"]}),
        unreadable,
        from_store,
        routed("bad-5", "HT", "2.000635", Some("<script>")),
    ];
    let v = push(&base, &kiosk, &events);
    assert_eq!(v["acked"].as_array().unwrap().len(), events.len(), "{v}");
    assert_eq!(v["applied"], 4, "{v}");
    let rejected: Vec<&str> = v["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        rejected,
        ["bad-1", "bad-2", "bad-3", "bad-4", "bad-5"],
        "{v}"
    );
    let reason = |i: usize| v["rejected"][i]["reason"].as_str().unwrap().to_string();
    assert!(reason(0).contains("not in the catalogue"), "{v}");
    assert!(reason(1).contains("belongs to field HT"), "{v}");
    // Sent again (the kiosk did not hear the answer): nothing counts twice.
    let again = push(&base, &kiosk, &events);
    assert_eq!(again["applied"], 0, "{again}");
    // Another commune's routing is its own.
    let v = push(
        &base,
        &other_kiosk,
        &[routed("b1", "HT", "2.000635", Some("t-9"))],
    );
    assert_eq!(v["applied"], 1, "{v}");

    let day = today();
    {
        let s = OfficeStore::open(db.target()).unwrap();
        assert_eq!(
            s.online_figures(S1, day, day).unwrap(),
            OnlineFigures {
                routed_online: 4,
                assisted_tickets: 2
            }
        );
        assert_eq!(
            s.online_figures(S1, day.pred_opt().unwrap(), day.pred_opt().unwrap())
                .unwrap(),
            OnlineFigures::default()
        );
        assert_eq!(s.rejected_event_count().unwrap(), 5);
    }

    // The report, as the lead reads it.
    let a = agent();
    let (status, _, lead) = call(
        &a,
        "POST",
        &format!("{base}/api/v1/reports/login"),
        None,
        Some(json!({"username": "lan", "password": "mat-khau-dai-1"})),
    );
    assert_eq!(status, 200);
    let lead = lead.unwrap();
    let (status, report, _) = call(
        &a,
        "GET",
        &format!("{base}/api/v1/reports?from={day}&to={day}"),
        Some(&lead),
        None,
    );
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        report["online"],
        json!([
            {"field": "HT", "name_vi": "Hộ tịch", "name_en": "Civil status registration",
             "routed_online": 3, "assisted_tickets": 2},
            {"field": "LT", "name_vi": "Liên thông thủ tục", "name_en": "Linked procedures",
             "routed_online": 1, "assisted_tickets": 0},
        ]),
        "{report}"
    );
    let mut resp = a
        .get(format!("{base}/api/v1/reports.csv?from={day}&to={day}"))
        .header("cookie", &lead)
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let csv = resp
        .body_mut()
        .read_to_string()
        .unwrap()
        .replace("\r\n", "\n");
    assert!(
        csv.contains("\nonline_field,routed_online,assisted_tickets\nHT,3,2\nLT,1,0\n"),
        "{csv}"
    );
}
