//! The deadline radar (docs/radar.md) on SQLite and on PostgreSQL: dossiers whose times are
//! set relative to the run land on their lists, paused and finished ones stay off, a dossier
//! due Monday 08:00 is due soon from Friday afternoon, a holiday is not working time, only a
//! lead reads it, and no list holds a name unmasked, a phone's digits or a lookup code.

#[path = "support/office_db.rs"]
mod office_db;

#[path = "support/http_client.rs"]
mod http_client;

use chrono::{DateTime, Datelike, NaiveDateTime, TimeDelta, TimeZone, Utc, Weekday};
use http_client::{agent, call};
use motcua::domain::radar::RadarRules;
use motcua::domain::working_time::DaysOff;
use motcua::dossier_import::{parse, Format};
use motcua::office::counters::{ClerkRole, QueueDef};
use motcua::office::OfficeStore;
use office_db::{both_backends, Backend, TestDb};
use serde_json::{json, Value};

both_backends! {
    each_dossier_lands_on_its_list_and_only_masked,
}

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;
const S1: motcua::office::store::SiteId = motcua::office::store::SiteId(1);
const NAME: &str = "Nguyễn Văn An";

fn code(n: u32) -> String {
    format!("H15.50.05.13-261120-{n:04}")
}

fn utc(local: NaiveDateTime) -> DateTime<Utc> {
    TZ.from_local_datetime(&local).unwrap().with_timezone(&Utc)
}

/// One dossier row of the JSON import format.
fn row(n: u32, status: &str, due: Option<NaiveDateTime>, extra: Value) -> Value {
    let local = |t: NaiveDateTime| utc(t).to_rfc3339();
    let mut r = json!({
        "code": code(n), "status": status, "procedure_code": "1.001193",
        "applicant_name": NAME, "received_at": "2026-01-05T08:00:00+07:00",
        "due_at": due.map(local), "secret": "7KQ2", "phone_last4": "4321",
    });
    for (k, v) in extra.as_object().unwrap() {
        r[k] = v.clone();
    }
    r
}

fn each_dossier_lands_on_its_list_and_only_masked(b: Backend) {
    let db = TestDb::new(b);
    let mut s = OfficeStore::open(db.target()).unwrap();
    let now = Utc::now().with_timezone(&TZ).naive_local();
    let cal = s.work_calendar(S1).unwrap();
    let at = |t: NaiveDateTime| json!(utc(t).to_rfc3339());
    let soon = cal.add_minutes(now, 120).unwrap();
    let past = now - TimeDelta::days(3);
    // The Monday after today, and the Friday before it.
    let mut monday = now.date() + TimeDelta::days(1);
    while monday.weekday() != Weekday::Mon {
        monday += TimeDelta::days(1);
    }
    let friday = (monday - TimeDelta::days(3)).and_hms_opt(15, 0, 0).unwrap();
    let monday_8 = monday.and_hms_opt(8, 0, 0).unwrap();
    let rows = json!([
        row(1, "processing", Some(soon), json!({})),
        row(2, "received", Some(past), json!({})),
        row(
            3,
            "processing",
            Some(past),
            json!({"due_at_new": at(now + TimeDelta::days(2))})
        ),
        row(
            4,
            "ready",
            Some(past),
            json!({"finished_at": at(now - TimeDelta::days(10))})
        ),
        row(5, "supplement_requested", Some(past), json!({})),
        row(6, "returned", Some(past), json!({"finished_at": at(past)})),
        row(7, "processing", Some(now + TimeDelta::days(10)), json!({})),
        row(8, "processing", Some(monday_8), json!({})),
    ]);
    let records = parse(&rows.to_string(), Format::Json).unwrap();
    assert!(records.errors.is_empty(), "{:?}", records.errors);
    let records: Vec<_> = records.records.into_iter().map(|r| r.1).collect();
    s.upsert_dossiers(S1, &records, Utc::now()).unwrap();
    s.set_queues(S1, &[QueueDef::new("A", &["HT"])]).unwrap();
    for (user, role) in [("lan", ClerkRole::SiteLead), ("nam", ClerkRole::Clerk)] {
        s.add_clerk(
            Some(S1),
            user,
            user,
            "mat-khau-dai-1",
            role,
            false,
            Utc::now(),
        )
        .unwrap();
    }

    // From Friday 15:00, Monday 08:00 is 3 working hours away: due soon.
    let rules = RadarRules::default();
    let from_friday = s.radar(S1, utc(friday), TZ, rules).unwrap();
    let eight = from_friday.rows.iter().find(|r| r.code == code(8)).unwrap();
    assert_eq!((eight.list.code(), eight.amount), ("due_soon", 180));
    // With that Friday a holiday, only Monday's first hour is left.
    let thursday = friday - TimeDelta::days(1);
    s.set_days_off(
        S1,
        &DaysOff {
            holidays: vec![friday.date()],
            make_up: vec![],
        },
    )
    .unwrap();
    drop(s);
    let mut s = OfficeStore::open(db.target()).unwrap();
    let r = s.radar(S1, utc(friday), TZ, rules).unwrap();
    let eight = r.rows.iter().find(|r| r.code == code(8)).unwrap();
    assert_eq!(eight.amount, 60, "the holiday is not working time");
    let r = s.radar(S1, utc(thursday), TZ, rules).unwrap();
    let eight = r.rows.iter().find(|r| r.code == code(8)).unwrap();
    assert_eq!(eight.amount, 120 + 60, "Thursday 15:00–17:00, then Monday");
    s.set_days_off(S1, &DaysOff::default()).unwrap();
    drop(s);

    // Now, over HTTP, as the lead reads it.
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let base = office.url();
    let a = agent();
    let login = |user: &str| {
        let (status, v, cookie) = call(
            &a,
            "POST",
            &format!("{base}/api/v1/reports/login"),
            None,
            Some(json!({"username": user, "password": "mat-khau-dai-1"})),
        );
        (status, v, cookie)
    };
    let (status, _, lead) = login("lan");
    assert_eq!(status, 200);
    let lead = lead.unwrap();
    let (status, radar, _) = call(
        &a,
        "GET",
        &format!("{base}/api/v1/radar"),
        Some(&lead),
        None,
    );
    assert_eq!(status, 200, "{radar}");
    let list_of = |n: u32| {
        radar["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == code(n))
            .map(|r| r["list"].as_str().unwrap().to_string())
    };
    assert_eq!(list_of(1).as_deref(), Some("due_soon"));
    assert_eq!(list_of(2).as_deref(), Some("overdue_no_new_date"));
    assert_eq!(list_of(3).as_deref(), Some("overdue"));
    assert_eq!(list_of(4).as_deref(), Some("uncollected"));
    for n in [5, 6, 7] {
        assert_eq!(list_of(n), None, "dossier {n} is not on the radar");
    }
    let two = radar["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code(2))
        .unwrap();
    assert_eq!(two["field"], "HT", "{two}");
    assert_eq!(two["masked_name"], "Ng*** V** An");
    assert!(two["amount"].as_i64().unwrap() < 0, "late: {two}");
    assert!(two["proposed_new"].is_string(), "a letter's date: {two}");
    // The owed letters come first.
    assert_eq!(radar["rows"][0]["list"], "overdue_no_new_date", "{radar}");

    // The CSV: the same rows, nothing personal.
    let mut resp = a
        .get(&format!("{base}/api/v1/radar.csv"))
        .header("cookie", &lead)
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let csv = resp.body_mut().read_to_string().unwrap();
    assert!(
        csv.contains(&code(2)) && csv.contains("Ng*** V** An"),
        "{csv}"
    );
    for text in [radar.to_string(), csv] {
        for private in [NAME, "Văn An", "4321", "7KQ2"] {
            assert!(!text.contains(private), "{private:?} in {text}");
        }
    }

    // Thresholds are bounded; a clerk who is not a lead, and no one, are refused.
    let (status, _, _) = call(
        &a,
        "GET",
        &format!("{base}/api/v1/radar?due_soon_hours=0"),
        Some(&lead),
        None,
    );
    assert_eq!(status, 400);
    let (status, v, clerk) = call(
        &a,
        "POST",
        &format!("{base}/api/v1/clerk/login"),
        None,
        Some(
            json!({"username": "nam", "password": "mat-khau-dai-1", "counter": 1, "queues": ["A"]}),
        ),
    );
    assert_eq!(status, 200, "{v}");
    let (status, v, _) = call(
        &a,
        "GET",
        &format!("{base}/api/v1/radar"),
        clerk.as_deref(),
        None,
    );
    assert_eq!((status, v["code"].as_str()), (403, Some("not_lead")), "{v}");
    let (status, _, _) = call(&a, "GET", &format!("{base}/api/v1/radar.csv"), None, None);
    assert_eq!(status, 401);
}
