//! The ticket ↔ dossier link (docs/dossier-link.md) over real HTTP, on SQLite and on
//! PostgreSQL: a dossier linked to two tickets, one at the console and one by the
//! integration API's `ticket_id`, shows two visits and its rating in the visits list and in
//! both exports; the report's link figures equal values worked out by hand; a malformed code
//! is a 400 `bad_dossier_code`; a clerk of another site cannot link; only a lead reads; and
//! no export or list holds the applicant's name, phone digits or lookup secret.

#[path = "support/office_db.rs"]
mod office_db;

#[path = "support/ticket_events.rs"]
mod ticket_events;

#[path = "support/http_client.rs"]
mod http_client;

use chrono::{DateTime, TimeDelta, Utc};
use http_client::{agent, call};
use motcua::office::counters::{ClerkRole, QueueDef};
use motcua::office::store::SiteId;
use motcua::office::{OfficeStore, Role};
use office_db::{both_backends, Backend, TestDb};
use serde_json::{json, Value};

both_backends! {
    a_dossier_linked_twice_shows_two_visits_its_rating_and_the_figures,
}

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;
const NAME: &str = "Trần Thị Xuyến";
const PHONE4: &str = "9876";
const SECRET: &str = "Q7ZX";
const PASSWORD: &str = "mat-khau-dai-1";

fn code(n: u32) -> String {
    format!("H15.50.05.13-261207-{n:04}")
}

/// Sends JSON with an optional bearer token: (status, JSON body or Null).
fn bearer(method: &str, url: &str, token: &str, body: Value) -> (u16, Value) {
    let req = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .unwrap();
    let mut resp = agent().run(req).unwrap();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    (
        resp.status().as_u16(),
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

/// A GET's status and body text.
fn text(url: &str, cookie: Option<&str>) -> (u16, String) {
    let mut req = agent().get(url);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let mut resp = req.call().unwrap();
    let status = resp.status().as_u16();
    (status, resp.body_mut().read_to_string().unwrap_or_default())
}

/// Site A (1, code 10105) with tickets t1–t3 issued 60, 50 and 40 minutes ago, a clerk, a
/// lead, an integration and a tablet at counter 1; site B (10107) with a clerk, a lead and a
/// ticket of its own. Returns A's integration token and tablet pairing code.
fn seed(s: &mut OfficeStore, now: DateTime<Utc>) -> (String, String) {
    let today = now.with_timezone(&TZ).date_naive();
    s.rename_site("main", Some("UBND xã Tân Tiến"), Some("10105"))
        .unwrap();
    let b = s.add_site("10107", "UBND xã Tân Lập", now).unwrap().id;
    let a = SiteId(1);
    let mut token = String::new();
    let mut pairing = String::new();
    for (site, tag, tickets) in [(a, "a", 3), (b, "b", 1)] {
        s.set_queues(site, &[QueueDef::new("A", &["HT"])]).unwrap();
        let (kiosk, _) = s
            .enroll_device(&format!("Kiosk {tag}"), Role::Kiosk, &[site], now)
            .unwrap();
        let events: Vec<(String, String)> = (1..=tickets)
            .map(|n| {
                let payload = json!({
                    "id": format!("t{tag}{n}"), "queue": "A", "number": n,
                    "business_date": today,
                    "issued_at": now - TimeDelta::minutes(70 - 10 * i64::from(n)),
                    "field": "HT", "priority": "none", "state": "waiting",
                });
                (format!("e{tag}{n}"), payload.to_string())
            })
            .collect();
        s.apply_events(&kiosk, &ticket_events::tickets_issued(&events), now)
            .unwrap();
        for (user, role) in [("c", ClerkRole::Clerk), ("l", ClerkRole::SiteLead)] {
            let username = format!("{user}{tag}");
            let name = format!("Cán bộ Đặng Văn {user}{tag}");
            s.add_clerk(Some(site), &username, &name, PASSWORD, role, false, now)
                .unwrap();
        }
        if site == a {
            token = s
                .enroll_device("Cầu nối", Role::Integration, &[a], now)
                .unwrap()
                .1;
            pairing = s.enroll_tablet(a, "Máy tính bảng", 1, now).unwrap().1.code;
        }
    }
    (token, pairing)
}

fn a_dossier_linked_twice_shows_two_visits_its_rating_and_the_figures(b: Backend) {
    let db = TestDb::new(b);
    let now = Utc::now();
    let mut s = OfficeStore::open(db.target()).unwrap();
    let (token, pairing) = seed(&mut s, now);
    drop(s);
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let base = office.url();
    let a = agent();
    let post = |path: &str, cookie: Option<&str>, body: Value| {
        call(&a, "POST", &format!("{base}{path}"), cookie, Some(body))
    };
    let get =
        |path: &str, cookie: Option<&str>| call(&a, "GET", &format!("{base}{path}"), cookie, None);
    let login = |user: &str, counter: u32| {
        let (status, v, cookie) = post(
            "/api/v1/clerk/login",
            None,
            json!({"username": user, "password": PASSWORD, "counter": counter, "queues": ["A"]}),
        );
        assert_eq!(status, 200, "{user}: {v}");
        cookie.unwrap()
    };
    let clerk = login("ca", 1);
    let act = |action: &str| {
        let (status, v, _) = post(
            &format!("/api/v1/counter/{action}"),
            Some(&clerk),
            json!({}),
        );
        assert_eq!(status, 200, "{action}: {v}");
        v
    };
    let (status, v, tablet) = post("/api/v1/rate/pair", None, json!({ "code": pairing }));
    assert_eq!(status, 200, "{v}");
    let tablet = tablet.unwrap();

    // Nothing served yet: nothing to link.
    let (status, v, _) = post(
        "/api/v1/counter/dossier",
        Some(&clerk),
        json!({"code": code(1)}),
    );
    assert_eq!(
        (status, v["code"].as_str()),
        (409, Some("no_current")),
        "{v}"
    );

    // t1: served, linked at the console (typed in lower case with a stray space), rated.
    assert_eq!(act("next")["current"]["id"], "ta1");
    act("start");
    for bad in ["1.001193", "H15-2612-01", "not a code", ""] {
        let (status, v, _) = post(
            "/api/v1/counter/dossier",
            Some(&clerk),
            json!({ "code": bad }),
        );
        assert_eq!(
            (status, v["code"].as_str()),
            (400, Some("bad_dossier_code")),
            "{bad:?}: {v}"
        );
    }
    let typed = format!(" {} ", code(1).to_lowercase());
    let (status, v, _) = post(
        "/api/v1/counter/dossier",
        Some(&clerk),
        json!({ "code": typed }),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["current"]["dossier"]["code"], code(1), "{v}");
    assert_eq!(v["current"]["dossier"]["assisted_online"], false);
    act("finish");
    let (status, v, _) = post(
        "/api/v1/rate/1",
        Some(&tablet),
        json!({"ticket_id": "ta1", "score": "very_satisfied"}),
    );
    assert_eq!(status, 204, "{v}");
    // t2: served, not linked at the console (the integration links it below).
    assert_eq!(act("next")["current"]["id"], "ta2");
    act("start");
    act("finish");
    // t3: an assisted online filing whose dossier the office does not hold yet; linked
    // after finishing, by its id.
    assert_eq!(act("next")["current"]["id"], "ta3");
    act("start");
    act("finish");
    let (status, v, _) = post(
        "/api/v1/counter/dossier",
        Some(&clerk),
        json!({"ticket_id": "ta3", "code": code(2), "assisted_online": true}),
    );
    assert_eq!(status, 200, "{v}");

    // The integration sends dossier 1 with t2's id, and a row whose ticket is unknown.
    let received = (now - TimeDelta::minutes(30)).to_rfc3339();
    let dossier = |n: u32, ticket: &str| {
        json!({"code": code(n), "status": "received", "procedure_code": "1.001193",
               "applicant_name": NAME, "received_at": received, "phone_last4": PHONE4,
               "secret": SECRET, "ticket_id": ticket})
    };
    let (status, v) = bearer(
        "POST",
        &format!("{base}/api/v1/dossiers"),
        &token,
        json!({"protocol": 1, "dossiers": [dossier(1, "ta2"), dossier(3, "t-nope")]}),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["inserted"], 1, "{v}");
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{v}");
    assert!(errors[0].as_str().unwrap().contains("ticket_id"), "{v}");
    // PUT with an unknown ticket writes nothing; B's ticket is unknown at A.
    let (status, v) = bearer(
        "PUT",
        &format!("{base}/api/v1/dossiers/{}", code(3)),
        &token,
        json!({"protocol": 1, "dossier": dossier(3, "tb1")}),
    );
    assert_eq!(
        (status, v["code"].as_str()),
        (404, Some("unknown_ticket")),
        "{v}"
    );

    // The lead reads dossier 1's two visits, with the rating of the first.
    let lead = {
        let (status, v, cookie) = post(
            "/api/v1/reports/login",
            None,
            json!({"username": "la", "password": PASSWORD}),
        );
        assert_eq!(status, 200, "{v}");
        cookie.unwrap()
    };
    let (status, visits, _) = get(&format!("/api/v1/dossiers/{}/visits", code(1)), Some(&lead));
    assert_eq!(status, 200, "{visits}");
    let list = visits["visits"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{visits}");
    assert_eq!(list[0]["rating"], "very_satisfied");
    assert_eq!(
        (list[0]["source"].as_str(), list[1]["source"].as_str()),
        (Some("console"), Some("api"))
    );
    assert_eq!(list[0]["counter"], 1);
    assert_eq!(list[0]["field"], "HT");

    // Both exports: dossier 1 twice with its rating, dossier 2 once and assisted.
    let (status, csv) = text(
        &format!("{base}/api/v1/export/dossier-ratings.csv"),
        Some(&lead),
    );
    assert_eq!(status, 200, "{csv}");
    let rows: Vec<&str> = csv.lines().filter(|l| l.contains(&code(1))).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(
        rows[0].contains(",1.001193,HT,") && rows[0].contains(",very_satisfied,"),
        "{csv}"
    );
    let two: Vec<&str> = csv.lines().filter(|l| l.contains(&code(2))).collect();
    assert_eq!(two.len(), 1, "{csv}");
    assert!(two[0].contains(",1,console,"), "assisted: {csv}");
    let (status, json_text) = text(
        &format!("{base}/api/v1/export/dossier-ratings.json"),
        Some(&lead),
    );
    assert_eq!(status, 200, "{json_text}");
    let export: Value = serde_json::from_str(&json_text).unwrap();
    let ones: Vec<&Value> = export["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["dossier_code"] == code(1))
        .collect();
    assert_eq!(ones.len(), 2, "{export}");
    assert_eq!(ones[0]["rating"], "very_satisfied");
    assert_eq!(ones[0]["procedure_code"], "1.001193");
    assert_eq!(export["site"], "10105");

    // The report's figures, by hand: dossiers 1 (t1, t2) and 2 (t3): 3 linked visits, 1.5
    // a dossier, half of them twice; arrival to receipt 30 and 20 minutes for dossier 1's
    // visits (dossier 2 is not held), median 25.
    let (status, report, _) = get("/api/v1/reports", Some(&lead));
    assert_eq!(status, 200, "{report}");
    let l = &report["links"];
    assert_eq!(l["visits"], 3, "{l}");
    assert_eq!(l["linked_visits"], 3, "{l}");
    assert_eq!(l["dossiers"], 2, "{l}");
    assert_eq!(l["dossiers_multi_visit"], 1, "{l}");
    assert_eq!(l["visits_per_dossier"], 1.5, "{l}");
    assert_eq!(l["multi_visit_share"], 0.5, "{l}");
    assert_eq!(l["arrival_to_receipt_samples"], 2, "{l}");
    let median = l["arrival_to_receipt_median_min"].as_f64().unwrap();
    assert!((median - 25.0).abs() < 0.02, "{l}");
    assert_eq!(
        (l["linked_ratings"].as_u64(), l["linked_satisfied"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(l["assisted_online"], 1);
    assert_eq!(l["assisted_by_field"], json!([{"field": "HT", "count": 1}]));
    let (status, report_csv) = text(&format!("{base}/api/v1/reports.csv"), Some(&lead));
    assert_eq!(status, 200);
    assert!(
        report_csv.contains("\n3,3,2,1.5,1,50.0,25.0,1,1,1\n"),
        "{report_csv}"
    );
    assert!(report_csv.contains("\nHT,1\n"), "{report_csv}");

    // Nothing personal anywhere a lead reads.
    for (what, body) in [
        ("visits", visits.to_string()),
        ("csv", csv.clone()),
        ("json", json_text.clone()),
    ] {
        for private in [NAME, "Xuyến", PHONE4, SECRET, "Đặng Văn"] {
            assert!(!body.contains(private), "{private:?} in the {what}: {body}");
        }
    }

    // Site B: its clerk cannot link A's ticket, nor drive A's page; its lead sees no visit
    // of A's dossier.
    let clerk_b = login("cb", 1);
    let (status, v, _) = post(
        "/api/v1/counter/dossier",
        Some(&clerk_b),
        json!({"ticket_id": "ta1", "code": code(9)}),
    );
    assert_eq!(
        (status, v["code"].as_str()),
        (404, Some("unknown_ticket")),
        "{v}"
    );
    let (status, v, _) = post(
        "/api/v1/counter/dossier?site=10105",
        Some(&clerk_b),
        json!({"ticket_id": "ta1", "code": code(9)}),
    );
    assert_eq!(
        (status, v["code"].as_str()),
        (403, Some("wrong_site")),
        "{v}"
    );
    let lead_b = {
        let (_, _, cookie) = post(
            "/api/v1/reports/login",
            None,
            json!({"username": "lb", "password": PASSWORD}),
        );
        cookie.unwrap()
    };
    let (status, v, _) = get(
        &format!("/api/v1/dossiers/{}/visits", code(1)),
        Some(&lead_b),
    );
    assert_eq!(
        (status, v["visits"].as_array().map(Vec::len)),
        (200, Some(0)),
        "{v}"
    );
    let (status, v, _) = get(
        &format!("/api/v1/dossiers/{}/visits?site=10105", code(1)),
        Some(&lead_b),
    );
    assert_eq!(
        (status, v["code"].as_str()),
        (403, Some("wrong_site")),
        "{v}"
    );
    let (status, csv_b) = text(
        &format!("{base}/api/v1/export/dossier-ratings.csv"),
        Some(&lead_b),
    );
    assert_eq!(status, 200);
    assert!(!csv_b.contains(&code(1)), "{csv_b}");
    // The link A's clerk made is as it was.
    let (_, visits_again, _) = get(&format!("/api/v1/dossiers/{}/visits", code(1)), Some(&lead));
    assert_eq!(visits_again, visits);

    // Lead routes: a clerk 403, no session 401; a malformed code in the path 400.
    for path in [
        format!("/api/v1/dossiers/{}/visits", code(1)),
        "/api/v1/export/dossier-ratings.csv".to_string(),
        "/api/v1/export/dossier-ratings.json".to_string(),
    ] {
        let (status, v, _) = get(&path, Some(&clerk));
        assert_eq!(
            (status, v["code"].as_str()),
            (403, Some("not_lead")),
            "{path}: {v}"
        );
        let (status, _, _) = get(&path, None);
        assert_eq!(status, 401, "{path}");
    }
    let (status, v, _) = get("/api/v1/dossiers/1.001193/visits", Some(&lead));
    assert_eq!(
        (status, v["code"].as_str()),
        (400, Some("bad_dossier_code")),
        "{v}"
    );
    let (status, v, _) = get(
        "/api/v1/export/dossier-ratings.json?from=2026-13-01",
        Some(&lead),
    );
    assert_eq!(status, 400, "{v}");
}
