//! Who reads what across sites, over real HTTP on both backends (docs/province.md): a
//! province lead signs in for reports only, reads any site's report, CSV and charts and
//! the roll-up, and opens no counter; a site lead reads their own site (another: 403
//! `wrong_site`) and the roll-up with their row marked; a clerk reads neither.

#[path = "support/office_db.rs"]
mod office_db;

#[path = "support/http_client.rs"]
mod http_client;

use chrono::{TimeDelta, Utc};
use http_client::agent;
use motcua::office::counters::{ClerkRole, QueueDef};
use motcua::office::http::spawn_with_shutdown;
use motcua::office::{OfficeHandle, OfficeStore, Role};
use office_db::{both_backends, Backend, TestDb};
use serde_json::{json, Value};

both_backends! {
    reading_roles_are_kept_apart_across_sites,
}

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;
const PASSWORD: &str = "mat-khau-dai-1";

/// Two sites (10105, 10107) with two waiting tickets each, a clerk (`c1`, `c2`) and a lead
/// (`l1`, `l2`) each, and a province lead `tinh`.
fn office(db: &TestDb) -> OfficeHandle {
    let mut s = OfficeStore::open(db.target()).unwrap();
    let now = Utc::now();
    let today = now.with_timezone(&TZ).date_naive();
    let a = s
        .rename_site("main", Some("UBND xã Tân Tiến"), Some("10105"))
        .unwrap();
    let b = s.add_site("10107", "UBND xã Tân Lập", now).unwrap();
    for (i, site) in [a.id, b.id].into_iter().enumerate() {
        s.set_queues(site, &[QueueDef::new("A", &["HT"])]).unwrap();
        let (kiosk, _) = s
            .enroll_device(&format!("Kiosk {i}"), Role::Kiosk, &[site], now)
            .unwrap();
        for n in 1..=2 {
            let payload = json!({
                "id": format!("t{i}-{n}"), "queue": "A", "number": n,
                "business_date": today, "issued_at": now - TimeDelta::minutes(10 - n),
                "field": "HT", "priority": "none", "state": "waiting",
            });
            let kind = motcua::protocol::EVENT_TICKET_ISSUED;
            s.apply_event(
                &kiosk,
                &format!("e{i}-{n}"),
                kind,
                &payload.to_string(),
                now,
            )
            .unwrap();
        }
        for (user, role) in [("c", ClerkRole::Clerk), ("l", ClerkRole::SiteLead)] {
            let username = format!("{user}{}", i + 1);
            s.add_clerk(Some(site), &username, &username, PASSWORD, role, false, now)
                .unwrap();
        }
    }
    s.add_clerk(
        None,
        "tinh",
        "Lãnh đạo tỉnh",
        PASSWORD,
        ClerkRole::ProvinceLead,
        false,
        now,
    )
    .unwrap();
    drop(s);
    spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap()
}

/// (status, body as JSON or Null, body as text, first Set-Cookie pair).
fn send(
    method: &str,
    url: &str,
    cookie: Option<&str>,
    body: Option<Value>,
) -> (u16, Value, String, Option<String>) {
    let mut req = ureq::http::Request::builder().method(method).uri(url);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let req = req
        .header("content-type", "application/json")
        .body(body.map(|b| b.to_string()).unwrap_or_default())
        .unwrap();
    let mut resp = agent().run(req).unwrap();
    let set_cookie = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    (resp.status().as_u16(), json, text, set_cookie)
}

/// A reports-only session's cookie.
fn read_login(base: &str, username: &str) -> (u16, Value, Option<String>) {
    let body = json!({"username": username, "password": PASSWORD});
    let (status, answer, _, cookie) = send(
        "POST",
        &format!("{base}/api/v1/reports/login"),
        None,
        Some(body),
    );
    (status, answer, cookie)
}

fn counter_login(base: &str, username: &str) -> (u16, Value, Option<String>) {
    let body = json!({"username": username, "password": PASSWORD, "counter": 3, "queues": ["A"]});
    let (status, answer, _, cookie) = send(
        "POST",
        &format!("{base}/api/v1/clerk/login"),
        None,
        Some(body),
    );
    (status, answer, cookie)
}

fn reading_roles_are_kept_apart_across_sites(b: Backend) {
    let db = TestDb::new(b);
    let office = office(&db);
    let base = office.url();
    let get = |path: &str, cookie: &str| send("GET", &format!("{base}{path}"), Some(cookie), None);

    // The province lead: no counter, a reports-only session instead.
    let (status, answer, _) = counter_login(&base, "tinh");
    assert_eq!(
        (status, answer["code"].as_str()),
        (403, Some("no_counter_role"))
    );
    let (status, answer, cookie) = read_login(&base, "tinh");
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["site"], Value::Null, "{answer}");
    let tinh = cookie.unwrap();
    // Any site's report, CSV and charts, named by ?site=.
    for site in ["10105", "10107"] {
        let (status, report, _, _) = get(&format!("/api/v1/reports?site={site}"), &tinh);
        assert_eq!(status, 200, "{report}");
        assert_eq!(report["total"]["tickets"], 2, "{site}: {report}");
        let (status, _, csv, _) = get(&format!("/api/v1/reports.csv?site={site}"), &tinh);
        assert!(status == 200 && csv.contains("tickets"), "{csv}");
        let (status, _, svg, _) = get(
            &format!("/api/v1/reports/chart/hours.svg?site={site}"),
            &tinh,
        );
        assert!(status == 200 && svg.starts_with("<svg"), "{svg}");
    }
    // With several sites and none named, the office asks which.
    let (status, answer, _, _) = get("/api/v1/reports", &tinh);
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("site_needed"))
    );
    // No console route takes the reading session.
    for (method, path) in [("GET", "/api/v1/counter"), ("POST", "/api/v1/counter/next")] {
        let url = format!("{base}{path}?site=10105");
        let (status, answer, _, _) = send(method, &url, Some(&tinh), Some(json!({})));
        assert_eq!(
            (status, answer["code"].as_str()),
            (403, Some("no_counter_role")),
            "{method} {path}"
        );
    }
    // The roll-up: a row per site, ranked as asked.
    let (status, roll, _, _) = get("/api/v1/province?sort=tickets&dir=desc", &tinh);
    assert_eq!(status, 200, "{roll}");
    let rows = roll["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{roll}");
    assert_eq!(
        (rows[0]["rank"].as_u64(), rows[0]["tickets"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(roll["own_site"], Value::Null);
    assert_eq!(
        (roll["sort"].as_str(), roll["dir"].as_str()),
        (Some("tickets"), Some("desc"))
    );
    let (status, _, csv, _) = get("/api/v1/province.csv?sort=code", &tinh);
    assert_eq!(status, 200);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[1].starts_with("1,10105,UBND xã Tân Tiến,2,"), "{csv}");
    for chart in ["tickets", "wait", "satisfaction", "on-time"] {
        let (status, _, svg, _) = get(&format!("/api/v1/province/chart/{chart}.svg"), &tinh);
        assert_eq!(status, 200, "{chart}: {svg}");
        // Nothing was called, rated or resolved yet: only the tickets have bars.
        if chart == "tickets" {
            assert!(svg.contains("Tân Lập"), "{chart}: {svg}");
        } else {
            assert!(
                svg.contains(">Không có dữ liệu trong kỳ.</text>"),
                "{chart}: {svg}"
            );
        }
        assert!(!svg.contains("<script") && !svg.contains("style="), "{svg}");
    }
    let (status, answer, _, _) = get("/api/v1/province?sort=nope", &tinh);
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("bad_request"))
    );

    // A site lead of A: their own site only, by a counter session or a reading one.
    let (status, answer, cookie) = read_login(&base, "l1");
    assert_eq!(
        (status, answer["site"].as_str()),
        (200, Some("10105")),
        "{answer}"
    );
    let l1_read = cookie.unwrap();
    let (_, _, cookie) = counter_login(&base, "l1");
    let l1_counter = cookie.unwrap();
    for cookie in [&l1_read, &l1_counter] {
        let (status, _, _, _) = get("/api/v1/reports", cookie);
        assert_eq!(status, 200);
        for path in [
            "/api/v1/reports?site=10107",
            "/api/v1/reports.csv?site=10107",
            "/api/v1/reports/chart/wait.svg?site=10107",
        ] {
            let (status, answer, _, _) = get(path, cookie);
            assert_eq!(
                (status, answer["code"].as_str()),
                (403, Some("wrong_site")),
                "{path}"
            );
        }
    }
    // The counter session still works after the reading login, and the reading one opens
    // no counter.
    let (status, _, _, _) = get("/api/v1/counter", &l1_counter);
    assert_eq!(status, 200);
    let (status, answer, _, _) = get("/api/v1/counter", &l1_read);
    assert_eq!(
        (status, answer["code"].as_str()),
        (403, Some("no_counter_role"))
    );
    // The roll-up, their row marked, their own highlighted in the charts.
    let (status, roll, _, _) = get("/api/v1/province", &l1_read);
    assert_eq!(
        (status, roll["own_site"].as_str()),
        (200, Some("10105")),
        "{roll}"
    );

    // A clerk: neither reports nor the roll-up, and no reading login.
    let (status, answer, _) = read_login(&base, "c2");
    assert_eq!((status, answer["code"].as_str()), (403, Some("not_lead")));
    let (_, _, cookie) = counter_login(&base, "c2");
    let c2 = cookie.unwrap();
    for path in [
        "/api/v1/reports",
        "/api/v1/province",
        "/api/v1/province.csv",
        "/api/v1/province/chart/wait.svg",
    ] {
        let (status, answer, _, _) = get(path, &c2);
        assert_eq!(
            (status, answer["code"].as_str()),
            (403, Some("not_lead")),
            "{path}"
        );
    }
    // Nobody signed in: 401.
    let (status, _, _, _) = send("GET", &format!("{base}/api/v1/province"), None, None);
    assert_eq!(status, 401);
    // Logging out of a reading session ends it.
    let (status, _, _, _) = send(
        "POST",
        &format!("{base}/api/v1/clerk/logout"),
        Some(&tinh),
        Some(json!({})),
    );
    assert_eq!(status, 204);
    let (status, _, _, _) = get("/api/v1/province", &tinh);
    assert_eq!(status, 401);
}
