//! One office, two communes, over real HTTP on 127.0.0.1, on SQLite and on PostgreSQL: every
//! route the office serves is walked with the credentials of commune B while naming commune
//! A, and each is refused (the few public ones are listed with the reason they are public);
//! without naming A, B's credentials see and change only B's data.

#[path = "support/office_db.rs"]
mod office_db;

#[path = "support/ticket_events.rs"]
mod ticket_events;

#[path = "support/http_client.rs"]
mod http_client;

use std::collections::BTreeSet;

use chrono::{TimeDelta, Utc};
use http_client::agent;
use motcua::office::counters::{ClerkRole, QueueDef};
use motcua::office::http::spawn_with_shutdown;
use motcua::office::store::SiteId;
use motcua::office::{OfficeHandle, OfficeStore, Role};
use office_db::{both_backends, Backend, TestDb};
use serde_json::{json, Value};

both_backends! {
    every_route_refuses_the_credentials_of_another_site,
    a_site_sees_and_changes_only_its_own_data,
    each_dossier_row_names_its_site_and_a_bad_one_is_a_row_error,
}

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;

/// What one commune's people and devices hold.
struct Creds {
    code: &'static str,
    kiosk: String,
    integration: String,
    pairing: String,
    dossier: String,
}

/// An office with the communes 10105 (site 1, renamed) and 10107, each with queue A, two
/// waiting tickets, a kiosk, an integration limited to it, a clerk `cN`, a lead `lN` and a
/// tablet for counter 1, and one dossier.
fn office(db: &TestDb) -> (OfficeHandle, Creds, Creds) {
    let mut s = OfficeStore::open(db.target()).unwrap();
    let now = Utc::now();
    let today = now.with_timezone(&TZ).date_naive();
    let a = s
        .rename_site("main", Some("UBND xã Tân Tiến"), Some("10105"))
        .unwrap();
    let b = s.add_site("10107", "UBND xã Tân Lập", now).unwrap();
    let mut creds = Vec::new();
    for (i, (site, code)) in [(a.id, "10105"), (b.id, "10107")].into_iter().enumerate() {
        s.set_queues(site, &[QueueDef::new("A", &["HT"])]).unwrap();
        let (kiosk_dev, kiosk) = s
            .enroll_device(&format!("Kiosk {code}"), Role::Kiosk, &[site], now)
            .unwrap();
        let (_, integration) = s
            .enroll_device(&format!("Cầu nối {code}"), Role::Integration, &[site], now)
            .unwrap();
        let events: Vec<(String, String)> = (1..=2)
            .map(|n| {
                let payload = json!({
                    "id": format!("t{code}-{n}"), "queue": "A", "number": n,
                    "business_date": today, "issued_at": now - TimeDelta::minutes(10 - n),
                    "field": "HT", "priority": "none", "state": "waiting",
                });
                (format!("e{code}-{n}"), payload.to_string())
            })
            .collect();
        s.apply_events(&kiosk_dev, &ticket_events::tickets_issued(&events), now)
            .unwrap();
        for (user, role) in [("c", ClerkRole::Clerk), ("l", ClerkRole::SiteLead)] {
            let username = format!("{user}{}", i + 1);
            s.add_clerk(
                Some(site),
                &username,
                &username,
                "mat-khau-dai-1",
                role,
                false,
                now,
            )
            .unwrap();
        }
        let (_, pairing) = s.enroll_tablet(site, "Máy tính bảng", 1, now).unwrap();
        let dossier = format!("H15.50.05.13-261120-{:04}", i + 1);
        let record = motcua::dossier_import::parse(
            &json!([{"code": dossier, "status": "received", "received_at": "2026-11-20T08:15:00+07:00"}])
                .to_string(),
            motcua::dossier_import::Format::Json,
        )
        .unwrap()
        .records
        .remove(0)
        .1;
        s.upsert_dossiers(site, &[record], now).unwrap();
        creds.push(Creds {
            code,
            kiosk,
            integration,
            pairing: pairing.code,
            dossier,
        });
    }
    drop(s);
    let office = spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let b = creds.pop().unwrap();
    let a = creds.pop().unwrap();
    (office, a, b)
}

/// Sends a request with an optional bearer token and cookie: (status, JSON body or Null,
/// the first Set-Cookie pair).
fn send(
    method: &str,
    url: &str,
    bearer: Option<&str>,
    cookie: Option<&str>,
    body: Option<Value>,
) -> (u16, Value, Option<String>) {
    let mut req = ureq::http::Request::builder().method(method).uri(url);
    if let Some(t) = bearer {
        req = req.header("authorization", format!("Bearer {t}"));
    }
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
    (
        resp.status().as_u16(),
        serde_json::from_str(&text).unwrap_or(Value::Null),
        set_cookie,
    )
}

/// A clerk's session cookie at `counter`.
fn login(base: &str, username: &str, counter: u32) -> String {
    let body = json!({"username": username, "password": "mat-khau-dai-1", "counter": counter, "queues": ["A"]});
    let (status, answer, cookie) = send(
        "POST",
        &format!("{base}/api/v1/clerk/login"),
        None,
        None,
        Some(body),
    );
    assert_eq!(status, 200, "{username}: {answer}");
    cookie.unwrap()
}

/// A tablet cookie for the pairing code.
fn pair(base: &str, code: &str) -> String {
    let (status, answer, cookie) = send(
        "POST",
        &format!("{base}/api/v1/rate/pair"),
        None,
        None,
        Some(json!({ "code": code })),
    );
    assert_eq!(status, 200, "{answer}");
    cookie.unwrap()
}

/// Every route template the office's router declares, read from its source, so a route
/// added later without a line in the walk below fails this test.
fn declared_routes() -> BTreeSet<String> {
    let mut routes = BTreeSet::new();
    let mut dirs = vec![std::path::PathBuf::from("src/office/http")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for part in text.split(".route(").skip(1) {
                let quoted = part.trim_start();
                if let Some(rest) = quoted.strip_prefix('"') {
                    routes.insert(rest.split('"').next().unwrap().to_string());
                }
            }
        }
    }
    routes
}

fn every_route_refuses_the_credentials_of_another_site(b: Backend) {
    let db = TestDb::new(b);
    let (office, a, bee) = office(&db);
    let base = office.url();
    let (clerk_b, lead_b, tablet_b) = (
        login(&base, "c2", 1),
        login(&base, "l2", 2),
        pair(&base, &bee.pairing),
    );
    let site = a.code;
    let protocol = json!({"protocol": 1});
    let dossier_a =
        json!({"code": a.dossier, "status": "ready", "received_at": "2026-11-20T08:15:00+07:00"});
    // (route template, method, path asked, bearer, cookie, body)
    type Call<'a> = (
        &'a str,
        &'a str,
        String,
        Option<&'a str>,
        Option<&'a str>,
        Option<Value>,
    );
    let kiosk = Some(bee.kiosk.as_str());
    let walk: Vec<Call> = vec![
        (
            "/api/v1/events",
            "POST",
            format!("/api/v1/events?site={site}"),
            kiosk,
            None,
            Some(json!({"protocol": 1, "events": []})),
        ),
        (
            "/api/v1/numbers",
            "POST",
            format!("/api/v1/numbers?site={site}"),
            kiosk,
            None,
            Some(
                json!({"protocol": 1, "ticket_id": "x1", "queue": "A", "business_date": Utc::now().with_timezone(&TZ).date_naive()}),
            ),
        ),
        (
            "/api/v1/blocks",
            "POST",
            format!("/api/v1/blocks?site={site}"),
            kiosk,
            None,
            Some(
                json!({"protocol": 1, "queue": "A", "business_date": Utc::now().with_timezone(&TZ).date_naive(), "seq": 0}),
            ),
        ),
        (
            "/api/v1/changes",
            "POST",
            format!("/api/v1/changes?site={site}"),
            kiosk,
            None,
            Some(json!({"protocol": 1, "since": 0})),
        ),
        (
            "/api/v1/dossiers",
            "POST",
            "/api/v1/dossiers".into(),
            Some(bee.integration.as_str()),
            None,
            Some(json!({"protocol": 1, "site": site, "dossiers": [dossier_a.clone()]})),
        ),
        (
            "/api/v1/dossiers/{code}",
            "PUT",
            format!("/api/v1/dossiers/{}", a.dossier),
            Some(bee.integration.as_str()),
            None,
            Some(json!({"protocol": 1, "dossier": dossier_a})),
        ),
        (
            "/api/v1/clerk/login",
            "POST",
            format!("/api/v1/clerk/login?site={site}"),
            None,
            None,
            Some(
                json!({"username": "c2", "password": "mat-khau-dai-1", "counter": 2, "queues": ["A"]}),
            ),
        ),
        (
            "/api/v1/counter",
            "GET",
            format!("/api/v1/counter?site={site}"),
            None,
            Some(clerk_b.as_str()),
            None,
        ),
        (
            "/api/v1/counter/{action}",
            "POST",
            format!("/api/v1/counter/next?site={site}"),
            None,
            Some(clerk_b.as_str()),
            Some(protocol.clone()),
        ),
        (
            "/api/v1/stream",
            "GET",
            format!("/api/v1/stream?view=counter&site={site}"),
            None,
            Some(clerk_b.as_str()),
            None,
        ),
        (
            "/api/v1/stream",
            "GET",
            format!("/api/v1/stream?view=rate&counter=1&site={site}"),
            None,
            Some(tablet_b.as_str()),
            None,
        ),
        (
            "/api/v1/rate/{counter}",
            "GET",
            format!("/api/v1/rate/1?site={site}"),
            None,
            Some(tablet_b.as_str()),
            None,
        ),
        (
            "/api/v1/rate/{counter}",
            "POST",
            format!("/api/v1/rate/1?site={site}"),
            None,
            Some(tablet_b.as_str()),
            Some(json!({"ticket_id": format!("t{site}-1"), "score": "satisfied"})),
        ),
        (
            "/api/v1/reports",
            "GET",
            format!("/api/v1/reports?site={site}"),
            None,
            Some(lead_b.as_str()),
            None,
        ),
        (
            "/api/v1/reports.csv",
            "GET",
            format!("/api/v1/reports.csv?site={site}"),
            None,
            Some(lead_b.as_str()),
            None,
        ),
        (
            "/api/v1/reports/chart/{file}",
            "GET",
            format!("/api/v1/reports/chart/hours.svg?site={site}"),
            None,
            Some(lead_b.as_str()),
            None,
        ),
        (
            "/api/v1/counter/dossier",
            "POST",
            format!("/api/v1/counter/dossier?site={site}"),
            None,
            Some(clerk_b.as_str()),
            Some(json!({"ticket_id": format!("t{site}-1"), "code": "H15.50.05.13-261120-0009"})),
        ),
        (
            "/api/v1/dossiers/{code}/visits",
            "GET",
            format!("/api/v1/dossiers/{}/visits?site={site}", a.dossier),
            None,
            Some(lead_b.as_str()),
            None,
        ),
        (
            "/api/v1/export/dossier-ratings.csv",
            "GET",
            format!("/api/v1/export/dossier-ratings.csv?site={site}"),
            None,
            Some(lead_b.as_str()),
            None,
        ),
        (
            "/api/v1/export/dossier-ratings.json",
            "GET",
            format!("/api/v1/export/dossier-ratings.json?site={site}"),
            None,
            Some(lead_b.as_str()),
            None,
        ),
        (
            "/api/v1/radar",
            "GET",
            format!("/api/v1/radar?site={site}"),
            None,
            Some(lead_b.as_str()),
            None,
        ),
        (
            "/api/v1/radar.csv",
            "GET",
            format!("/api/v1/radar.csv?site={site}"),
            None,
            Some(lead_b.as_str()),
            None,
        ),
        (
            "/api/v1/scorecard",
            "GET",
            format!("/api/v1/scorecard?site={site}"),
            None,
            Some(lead_b.as_str()),
            None,
        ),
        (
            "/api/v1/scorecard.csv",
            "GET",
            format!("/api/v1/scorecard.csv?site={site}"),
            None,
            Some(lead_b.as_str()),
            None,
        ),
        (
            "/api/v1/scorecard/history",
            "GET",
            format!("/api/v1/scorecard/history?site={site}"),
            None,
            Some(lead_b.as_str()),
            None,
        ),
        (
            "/api/v1/scorecard/chart/{file}",
            "GET",
            format!("/api/v1/scorecard/chart/score.svg?site={site}"),
            None,
            Some(lead_b.as_str()),
            None,
        ),
        (
            "/api/v1/scorecard/official",
            "PUT",
            format!("/api/v1/scorecard/official?site={site}"),
            None,
            Some(lead_b.as_str()),
            Some(json!({"month": "2026-01", "score": 50})),
        ),
        (
            "/api/v1/alerts",
            "GET",
            format!("/api/v1/alerts?site={site}"),
            None,
            Some(lead_b.as_str()),
            None,
        ),
        (
            "/api/v1/alerts/rules",
            "PUT",
            format!("/api/v1/alerts/rules?site={site}"),
            None,
            Some(lead_b.as_str()),
            Some(json!({})),
        ),
        (
            "/api/v1/alerts/{id}/ack",
            "POST",
            format!("/api/v1/alerts/1/ack?site={site}"),
            None,
            Some(lead_b.as_str()),
            Some(json!({"note": "x"})),
        ),
        (
            "/api/v1/alerts/{id}/follow-up",
            "POST",
            format!("/api/v1/alerts/1/follow-up?site={site}"),
            None,
            Some(lead_b.as_str()),
            Some(json!({"note": "x"})),
        ),
        (
            "/api/v1/booking/rules",
            "GET",
            format!("/api/v1/booking/rules?site={site}"),
            None,
            Some(lead_b.as_str()),
            None,
        ),
        (
            "/api/v1/booking/rules",
            "PUT",
            format!("/api/v1/booking/rules?site={site}"),
            None,
            Some(lead_b.as_str()),
            Some(json!({"queues": []})),
        ),
        (
            "/api/v1/bookings/check-in",
            "POST",
            format!("/api/v1/bookings/check-in?site={site}"),
            kiosk,
            None,
            Some(
                json!({"protocol": 1, "code": "7KQ2-M9XD", "ticket_id": "5d1c2e3f-0000-4000-8000-000000000001"}),
            ),
        ),
    ];
    // Public by design, and why: no credential of a site is involved, or they show what a
    // lobby's screen shows anyway.
    let public: &[(&str, &str)] = &[
        (
            "/api/v1/health",
            "the office's status and time, nothing of a site",
        ),
        (
            "/api/v1/board",
            "the lobby board: ticket labels and counter numbers",
        ),
        (
            "/api/v1/clerk/options",
            "the queue names the login form offers",
        ),
        (
            "/api/v1/clerk/logout",
            "ends the caller's own session, whatever page it is on",
        ),
        (
            "/api/v1/rate/pair",
            "trades a one-time code for the tablet of the code's site",
        ),
        ("/metrics", "a metrics token belongs to no site"),
        (
            "/api/v1/reports/login",
            "opens a reports-only session; what it reads is the account's (tests/office_province.rs)",
        ),
        (
            "/api/v1/province",
            "the roll-up of every site, to leads (tests/office_province.rs)",
        ),
        ("/api/v1/province.csv", "the same roll-up as CSV"),
        ("/api/v1/province/chart/{file}", "the same roll-up's charts"),
        ("/province", "static page; its calls are tested in tests/office_province.rs"),
        ("/", "static page"),
        ("/counter", "static page; its calls are walked above"),
        ("/board", "static page"),
        ("/rate/{counter}", "static page; its calls are walked above"),
        ("/reports", "static page; its calls are walked above"),
        (
            "/s/{site}",
            "static page of a site; unknown codes 404 (below)",
        ),
        ("/s/{site}/", "static page of a site"),
        ("/s/{site}/counter", "static page of a site"),
        ("/s/{site}/board", "static page of a site"),
        ("/s/{site}/rate/{counter}", "static page of a site"),
        ("/s/{site}/reports", "static page of a site"),
        ("/static/voice/{clip}", "the board's voice clips"),
        (
            "/api/v1/booking/options",
            "the slots a site offers citizens; free places only",
        ),
        (
            "/api/v1/bookings",
            "a citizen books; held per address and per phone (tests/office_booking.rs)",
        ),
        (
            "/api/v1/bookings/{code}",
            "the booking's code is its key; lookups held per address",
        ),
        ("/api/v1/bookings/{code}/cancel", "the same key cancels"),
        ("/api/v1/bookings/{code}/qr.svg", "the same key as a QR"),
        (
            "/api/v1/follow/{token}",
            "a ticket's 128-bit token is its key (tests/office_follow.rs)",
        ),
        ("/t/{token}", "the follow page of the same token"),
        ("/book", "static page"),
        ("/book/{code}", "static page of one booking"),
        ("/s/{site}/book", "static page of a site"),
        ("/s/{site}/book/{code}", "static page of a site's booking"),
        (
            "/booking-rules",
            "static page; its calls are walked above (/api/v1/booking/rules)",
        ),
        ("/s/{site}/booking-rules", "static page of a site"),
        (
            "/radar",
            "static page; its calls are walked above (/api/v1/radar)",
        ),
        ("/s/{site}/radar", "static page of a site"),
        (
            "/alerts",
            "static page; its calls are walked above (/api/v1/alerts)",
        ),
        ("/s/{site}/alerts", "static page of a site"),
        (
            "/scorecard",
            "static page; its calls are walked above (/api/v1/scorecard)",
        ),
        ("/s/{site}/scorecard", "static page of a site"),
    ];
    let mut covered: BTreeSet<String> = walk.iter().map(|c| c.0.to_string()).collect();
    covered.extend(public.iter().map(|p| p.0.to_string()));
    let declared = declared_routes();
    assert!(
        declared.contains("/api/v1/counter/{action}") && declared.len() > 20,
        "the routes were not found in the source: {declared:?}"
    );
    let missing: Vec<String> = declared
        .into_iter()
        .filter(|r| !r.starts_with("/static/") || r.contains('{'))
        .filter(|r| !covered.contains(r))
        .collect();
    assert!(
        missing.is_empty(),
        "routes this walk does not try: {missing:?}"
    );

    for (route, method, path, bearer, cookie, body) in walk {
        let (status, answer, _) = send(method, &format!("{base}{path}"), bearer, cookie, body);
        let code = answer["code"].as_str().unwrap_or_default();
        assert!(
            status == 403 && ["wrong_site", "foreign_site", "foreign_dossier"].contains(&code),
            "{method} {route} ({path}) with site B's credentials: {status} {answer}"
        );
    }
    // A page of a site no one has is not served.
    let (status, answer, _) = send("GET", &format!("{base}/s/99999/board"), None, None, None);
    assert_eq!(
        (status, answer["code"].as_str()),
        (404, Some("unknown_site"))
    );
    // A's data is as it was: its tickets wait, its dossier is still "received".
    let (_, board, _) = send(
        "GET",
        &format!("{base}/api/v1/board?site={site}"),
        None,
        None,
        None,
    );
    assert_eq!(board["recent"].as_array().map(Vec::len), Some(0), "{board}");
    let s = OfficeStore::open(db.target()).unwrap();
    let d = s.dossier(SiteId(1), &a.dossier).unwrap().unwrap();
    assert_eq!(d.status.code(), "received");
}

fn a_site_sees_and_changes_only_its_own_data(b: Backend) {
    let db = TestDb::new(b);
    let (office, a, bee) = office(&db);
    let base = office.url();
    // B's kiosk pages changes from 0: its own dossier, never A's.
    let (status, changes, _) = send(
        "POST",
        &format!("{base}/api/v1/changes"),
        Some(&bee.kiosk),
        None,
        Some(json!({"protocol": 1, "since": 0})),
    );
    assert_eq!(status, 200, "{changes}");
    let text = changes.to_string();
    assert!(
        text.contains(&bee.dossier) && !text.contains(&a.dossier),
        "{text}"
    );
    // Each commune numbers queue A from its own sequence: both get 1 (a shared one would
    // have given 1 and 2).
    let today = Utc::now().with_timezone(&TZ).date_naive();
    for creds in [&a, &bee] {
        let body = json!({"protocol": 1, "ticket_id": format!("n-{}", creds.code), "queue": "A", "business_date": today});
        let (status, n, _) = send(
            "POST",
            &format!("{base}/api/v1/numbers"),
            Some(&creds.kiosk),
            None,
            Some(body),
        );
        assert_eq!(
            (status, n["number"].as_u64()),
            (200, Some(1)),
            "{} {n}",
            creds.code
        );
    }
    // B's clerk calls B's first ticket, and A's board does not show it.
    let clerk_b = login(&base, "c2", 1);
    let (status, view, _) = send(
        "POST",
        &format!("{base}/api/v1/counter/next"),
        None,
        Some(&clerk_b),
        Some(json!({})),
    );
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["current"]["id"].as_str(), Some("t10107-1"));
    let board = |code: &str| {
        send(
            "GET",
            &format!("{base}/api/v1/board?site={code}"),
            None,
            None,
            None,
        )
        .1
    };
    assert!(
        board("10107").to_string().contains("A001"),
        "{}",
        board("10107")
    );
    assert!(
        !board("10105").to_string().contains("A001"),
        "{}",
        board("10105")
    );
    // An integration of B may not name A; a dossier code A holds is a row error for B.
    let (status, answer, _) = send(
        "POST",
        &format!("{base}/api/v1/dossiers"),
        Some(&bee.integration),
        None,
        Some(
            json!({"protocol": 1, "dossiers": [{"code": a.dossier, "status": "ready", "received_at": "2026-11-20T08:15:00+07:00"}]}),
        ),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["updated"], 0);
    assert!(
        answer["errors"][0]
            .as_str()
            .unwrap()
            .contains("belongs to another site"),
        "{answer}"
    );
    // A's lead reads A's report: two tickets, none called.
    let lead_a = login(&base, "l1", 2);
    let (status, report, _) = send(
        "GET",
        &format!("{base}/api/v1/reports"),
        None,
        Some(&lead_a),
        None,
    );
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["total"]["tickets"], 2, "{report}");
    // A's lead opens bookings for A; a citizen books at A; B's kiosk cannot check that code
    // in, and B's lead still reads B's own rules (none: null).
    let rules = json!({"queues": [{"queue": "A", "days": ["mon","tue","wed","thu","fri","sat","sun"], "times": ["09:00"], "per_slot": 2}], "days_ahead": 7});
    let (status, answer, _) = send(
        "PUT",
        &format!("{base}/api/v1/booking/rules"),
        None,
        Some(&lead_a),
        Some(rules),
    );
    assert_eq!(status, 200, "{answer}");
    let tomorrow = today + TimeDelta::days(1);
    let (status, booked, _) = send(
        "POST",
        &format!("{base}/api/v1/bookings?site=10105"),
        None,
        None,
        Some(json!({"field": "HT", "day": tomorrow, "time": "09:00", "phone": "0912345678"})),
    );
    assert_eq!(status, 201, "{booked}");
    let (status, answer, _) = send(
        "POST",
        &format!("{base}/api/v1/bookings/check-in"),
        Some(&bee.kiosk),
        None,
        Some(
            json!({"protocol": 1, "code": booked["code"], "ticket_id": "5d1c2e3f-0000-4000-8000-000000000002"}),
        ),
    );
    assert_eq!(
        (status, answer["code"].as_str()),
        (404, Some("unknown_booking")),
        "{answer}"
    );
    let lead_b = login(&base, "l2", 3);
    let (status, answer, _) = send(
        "GET",
        &format!("{base}/api/v1/booking/rules"),
        None,
        Some(&lead_b),
        None,
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer, Value::Null);
}

fn each_dossier_row_names_its_site_and_a_bad_one_is_a_row_error(b: Backend) {
    let db = TestDb::new(b);
    let (office, a, bee) = office(&db);
    let province = OfficeStore::open(db.target())
        .unwrap()
        .enroll_device("Cổng DVC tỉnh", Role::Integration, &[], Utc::now())
        .unwrap()
        .1;
    let base = office.url();
    let row = |code: &str, site: Option<&str>| {
        let mut r = json!({"code": code, "status": "processing", "received_at": "2026-11-21T08:15:00+07:00"});
        if let Some(site) = site {
            r["site"] = json!(site);
        }
        r
    };
    let body = json!({"protocol": 1, "dossiers": [
        row("H15.50.05.13-261121-0001", Some("10105")),
        row("H15.50.05.13-261121-0002", Some("10107")),
        row("H15.50.05.13-261121-0003", Some("99999")),
        row("H15.50.05.13-261121-0004", None),
        row(&a.dossier, Some("10107")),
    ]});
    let url = format!("{base}/api/v1/dossiers");
    let (status, answer, _) = send("POST", &url, Some(&province), None, Some(body));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["inserted"], 2, "{answer}");
    let errors: Vec<&str> = answer["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(
        errors[0].contains("no site has the code \"99999\""),
        "{errors:?}"
    );
    assert!(errors[1].contains("name the site"), "{errors:?}");
    assert!(errors[2].contains("belongs to another site"), "{errors:?}");
    // B's token may not write a row of A, even one A does not hold yet.
    let body = json!({"protocol": 1, "dossiers": [row("H15.50.05.13-261121-0005", Some("10105"))]});
    let (status, answer, _) = send("POST", &url, Some(&bee.integration), None, Some(body));
    assert_eq!(
        (status, answer["inserted"].as_u64()),
        (200, Some(0)),
        "{answer}"
    );
    assert!(answer["errors"][0]
        .as_str()
        .unwrap()
        .contains("may not write dossiers of site 10105"));
    let s = OfficeStore::open(db.target()).unwrap();
    let (site_a, site_b) = (SiteId(1), SiteId(2));
    assert!(s
        .dossier(site_a, "H15.50.05.13-261121-0001")
        .unwrap()
        .is_some());
    assert!(s
        .dossier(site_b, "H15.50.05.13-261121-0002")
        .unwrap()
        .is_some());
    assert!(s
        .dossier(site_b, "H15.50.05.13-261121-0001")
        .unwrap()
        .is_none());
    for missing in ["0003", "0004", "0005"] {
        let code = format!("H15.50.05.13-261121-{missing}");
        assert!(
            s.dossier(site_a, &code).unwrap().is_none()
                && s.dossier(site_b, &code).unwrap().is_none()
        );
    }
    assert_eq!(
        s.dossier(site_a, &a.dossier)
            .unwrap()
            .unwrap()
            .status
            .code(),
        "received"
    );
}
