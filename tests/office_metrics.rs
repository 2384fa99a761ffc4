//! The office's `/metrics` over real HTTP on 127.0.0.1, on SQLite and on PostgreSQL: only a
//! token enrolled with `--metrics` (by the real command) reads it; the body is strict
//! Prometheus text (tests/support/prometheus_text.rs); counters move with requests, a
//! hostile path adds no label value, queue figures match the tickets a kiosk pushed, and a
//! kiosk's sync lag appears once it synced.

#[path = "support/office_db.rs"]
mod office_db;

#[path = "support/http_client.rs"]
mod http_client;

#[path = "support/prometheus_text.rs"]
mod prometheus_text;

use std::collections::HashSet;
use std::process::Command;

use chrono::{TimeDelta, Utc};
use http_client::{agent, call};
use motcua::office::counters::QueueDef;
use motcua::office::http::{spawn_with_options, ServeOptions};
use motcua::office::{OfficeHandle, OfficeStore, Role};
use office_db::{both_backends, Backend, TestDb};
use prometheus_text::{parse, Exposition};
use serde_json::json;

both_backends! {
    only_a_metrics_token_reads_the_metrics,
    counters_move_and_a_hostile_path_adds_no_series,
    queue_figures_match_the_tickets_a_kiosk_pushed_and_its_lag_appears_after_a_sync,
}

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;

/// An office with queues A and B, a kiosk ("Kiosk sảnh") and a metrics token made by the
/// real `enroll-device --metrics`: (server, kiosk token, metrics token).
fn office(db: &TestDb) -> (OfficeHandle, String, String) {
    let mut s = OfficeStore::open(db.target()).unwrap();
    s.set_queues(
        S1,
        &[QueueDef::new("A", &["HT"]), QueueDef::new("B", &["CT"])],
    )
    .unwrap();
    let (_, kiosk) = s
        .enroll_device("Kiosk sảnh", Role::Kiosk, &[S1], Utc::now())
        .unwrap();
    drop(s);
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args([
            "office",
            "enroll-device",
            "--metrics",
            "--name",
            "prometheus",
            "--db",
        ])
        .arg(db.target())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("role metrics"), "{stdout}");
    let token = stdout
        .lines()
        .find_map(|l| l.strip_prefix("token "))
        .unwrap_or_else(|| panic!("no token in {stdout:?}"))
        .to_string();
    let handle =
        spawn_with_options(db.target(), "127.0.0.1:0", TZ, ServeOptions::default()).unwrap();
    (handle, kiosk, token)
}

/// `GET /metrics` with `token`: (status, content type, body).
fn get_metrics(base: &str, token: Option<&str>) -> (u16, String, String) {
    let mut req = ureq::http::Request::builder()
        .method("GET")
        .uri(format!("{base}/metrics"));
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let mut resp = agent().run(req.body(()).unwrap()).unwrap();
    let kind = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = resp.body_mut().read_to_string().unwrap();
    (resp.status().as_u16(), kind, body)
}

/// A scrape that must succeed, parsed strictly.
fn scrape(base: &str, token: &str) -> Exposition {
    let (status, kind, body) = get_metrics(base, Some(token));
    assert_eq!(status, 200, "{body}");
    assert_eq!(kind, "text/plain; version=0.0.4");
    parse(&body).unwrap_or_else(|e| panic!("{e}\n{body}"))
}

/// A request with `token` as a kiosk: (status, JSON answer).
fn kiosk_call(
    base: &str,
    token: &str,
    path: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let req = ureq::http::Request::builder()
        .method("POST")
        .uri(format!("{base}{path}"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .unwrap();
    let mut resp = agent().run(req).unwrap();
    let text = resp.body_mut().read_to_string().unwrap();
    (
        resp.status().as_u16(),
        serde_json::from_str(&text).unwrap_or_default(),
    )
}

fn requests(e: &Exposition, route: &str, status: &str) -> f64 {
    e.value(
        "motcua_http_requests_total",
        &[("route", route), ("status", status)],
    )
    .unwrap_or(0.0)
}

fn only_a_metrics_token_reads_the_metrics(b: Backend) {
    let db = TestDb::new(b);
    let (office, kiosk, token) = office(&db);
    let base = office.url();
    for (who, bearer, status, code) in [
        ("nobody", None, 401, "token"),
        ("a stranger", Some("not-a-token"), 401, "token"),
        ("a kiosk", Some(kiosk.as_str()), 403, "wrong_role"),
    ] {
        let (got, _, body) = get_metrics(&base, bearer);
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            (got, body["code"].as_str()),
            (status, Some(code)),
            "{who}: {body}"
        );
        assert!(body["error"].is_string(), "{who}: {body}");
    }
    // The metrics token reads nothing else.
    let pull = json!({"protocol": motcua::protocol::PROTOCOL, "since": 0});
    let (status, answer) = kiosk_call(&base, &token, "/api/v1/changes", pull);
    assert_eq!(
        (status, answer["code"].as_str()),
        (403, Some("wrong_role")),
        "{answer}"
    );
    let e = scrape(&base, &token);
    // The refusals above were counted, under the route's template.
    assert_eq!(requests(&e, "/metrics", "4xx"), 3.0);
    assert_eq!(e.types["motcua_http_request_duration_seconds"], "histogram");
    assert_eq!(e.types["motcua_shed_total"], "counter");
    for kind in [
        "connection",
        "password_check",
        "stream",
        "login_throttle",
        "pairing_throttle",
    ] {
        assert!(
            e.value("motcua_shed_total", &[("kind", kind)]).is_some(),
            "{kind}"
        );
    }
    // The connection this scrape came on is open.
    assert!(e.value("motcua_http_connections", &[]).unwrap() >= 1.0);
    assert_eq!(
        e.value("motcua_http_streams", &[("view", "board")]),
        Some(0.0)
    );
    assert!(e.value("process_resident_memory_bytes", &[]).unwrap() > 0.0);
    assert!(e.value("process_open_fds", &[]).unwrap() > 0.0);
    assert!(e.value("process_start_time_seconds", &[]).unwrap() > 1.7e9);
    // A token revoked stops reading at once.
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["office", "revoke-device", "--name", "prometheus", "--db"])
        .arg(db.target())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(get_metrics(&base, Some(&token)).0, 401);
}

fn counters_move_and_a_hostile_path_adds_no_series(b: Backend) {
    let db = TestDb::new(b);
    let (office, _, token) = office(&db);
    let base = office.url();
    let before = scrape(&base, &token);
    let a = agent();
    for _ in 0..3 {
        let (status, _, _) = call(&a, "GET", &format!("{base}/api/v1/health"), None, None);
        assert_eq!(status, 200);
    }
    let hostile = format!("zz{}", uuid::Uuid::new_v4().simple());
    for path in [
        format!("/{hostile}"),
        format!("/api/v1/{hostile}?x={hostile}"),
        format!("/api/v1/rate/{hostile}"),
        format!("/api/v1/%22%0A{hostile}"),
    ] {
        let (status, _, _) = call(&a, "GET", &format!("{base}{path}"), None, None);
        assert!((400..500).contains(&status), "{path}: {status}");
    }
    let login =
        json!({"username": "nobody", "password": "wrong-password", "counter": 1, "queues": ["A"]});
    let (status, _, _) = call(
        &a,
        "POST",
        &format!("{base}/api/v1/clerk/login"),
        None,
        Some(login),
    );
    assert_eq!(status, 401);
    let (_, _, body) = get_metrics(&base, Some(&token));
    assert!(
        !body.contains(&hostile),
        "a request's path became a label:\n{body}"
    );
    let after = parse(&body).unwrap();
    let health = |e: &Exposition| requests(e, "/api/v1/health", "2xx");
    assert_eq!(health(&after) - health(&before), 3.0);
    let count = |e: &Exposition| {
        e.value(
            "motcua_http_request_duration_seconds_count",
            &[("route", "/api/v1/health")],
        )
        .unwrap_or(0.0)
    };
    assert_eq!(count(&after) - count(&before), 3.0);
    // The unmatched paths count as "other"; a bad counter number counts under its route.
    let other = requests(&after, "other", "4xx") - requests(&before, "other", "4xx");
    assert_eq!(other, 3.0);
    assert_eq!(requests(&after, "/api/v1/rate/{counter}", "4xx"), 1.0);
    let routes_before = before.label_values("motcua_http_requests_total", "route");
    let new: HashSet<String> = after
        .label_values("motcua_http_requests_total", "route")
        .difference(&routes_before)
        .cloned()
        .collect();
    // (The first scrape counts itself only once answered.)
    let expected: HashSet<String> = [
        "/metrics",
        "/api/v1/health",
        "other",
        "/api/v1/rate/{counter}",
        "/api/v1/clerk/login",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert!(new.is_subset(&expected), "new route labels {new:?}");
    let bad_login = |e: &Exposition| {
        e.value("motcua_logins_refused_total", &[("reason", "bad_login")])
            .unwrap()
    };
    assert_eq!(bad_login(&after) - bad_login(&before), 1.0);
}

fn queue_figures_match_the_tickets_a_kiosk_pushed_and_its_lag_appears_after_a_sync(b: Backend) {
    let db = TestDb::new(b);
    let (office, kiosk, token) = office(&db);
    let base = office.url();
    let e = scrape(&base, &token);
    assert_eq!(
        e.value("motcua_queue_waiting", &[("site", "main"), ("queue", "A")]),
        Some(0.0)
    );
    assert_eq!(
        e.value("motcua_queue_waiting", &[("site", "main"), ("queue", "B")]),
        Some(0.0)
    );
    assert_eq!(e.value("motcua_kiosks_not_synced", &[]), Some(1.0));
    assert!(e
        .label_values("motcua_kiosk_sync_lag_seconds", "device")
        .is_empty());

    let today = Utc::now().with_timezone(&TZ).date_naive();
    let ticket = |n: u32, queue: &str, field: &str, minutes_ago: i64| {
        json!({
            "id": format!("e{queue}{n}"), "kind": motcua::protocol::EVENT_TICKET_ISSUED,
            "payload": {
                "id": format!("t{queue}{n}"), "queue": queue, "number": n, "business_date": today,
                "issued_at": Utc::now() - TimeDelta::minutes(minutes_ago), "field": field,
                "priority": "none", "state": "waiting",
            }
        })
    };
    let events = vec![
        ticket(1, "A", "HT", 12),
        ticket(2, "A", "HT", 5),
        ticket(3, "A", "HT", 1),
        ticket(1, "B", "CT", 2),
    ];
    let push = json!({"protocol": motcua::protocol::PROTOCOL, "events": events});
    let (status, answer) = kiosk_call(&base, &kiosk, "/api/v1/events", push);
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["applied"], 4, "{answer}");

    let e = scrape(&base, &token);
    assert_eq!(
        e.value("motcua_queue_waiting", &[("site", "main"), ("queue", "A")]),
        Some(3.0)
    );
    assert_eq!(
        e.value("motcua_queue_waiting", &[("site", "main"), ("queue", "B")]),
        Some(1.0)
    );
    let longest = e
        .value(
            "motcua_queue_longest_wait_seconds",
            &[("site", "main"), ("queue", "A")],
        )
        .unwrap();
    assert!((12.0 * 60.0..13.0 * 60.0).contains(&longest), "{longest}");
    assert_eq!(e.value("motcua_kiosks_not_synced", &[]), Some(0.0));
    let lag = e
        .value(
            "motcua_kiosk_sync_lag_seconds",
            &[("site", "main"), ("device", "Kiosk sảnh")],
        )
        .expect("the kiosk's lag after its push");
    assert!((0.0..60.0).contains(&lag), "{lag}");
    assert_eq!(
        e.label_values("motcua_kiosk_sync_lag_seconds", "device"),
        HashSet::from(["Kiosk sảnh".to_string()])
    );
    // A pull is a sync too, and a failed one is not: the lag never goes up past a pull.
    let pull = json!({"protocol": motcua::protocol::PROTOCOL, "since": 0});
    let (status, _) = kiosk_call(&base, &kiosk, "/api/v1/changes", pull);
    assert_eq!(status, 200);
    let (status, _) = kiosk_call(&base, &kiosk, "/api/v1/changes", json!({"protocol": 0}));
    assert_eq!(status, 400);
    let after_pull = scrape(&base, &token)
        .value(
            "motcua_kiosk_sync_lag_seconds",
            &[("site", "main"), ("device", "Kiosk sảnh")],
        )
        .unwrap();
    assert!(after_pull < 60.0, "{after_pull}");
}

#[test]
fn the_strict_reader_refuses_what_prometheus_would() {
    let good = "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1\\\"\\n\\\\\"} 2\n";
    let e = parse(good).unwrap();
    assert_eq!(e.value("a_total", &[("x", "1\"\n\\")]), Some(2.0));
    for bad in [
        "a_total 1\n",                                  // no TYPE
        "# TYPE a counter\na 1\n",                      // counter without _total
        "# TYPE a gauge\na{x=\"\\t\"} 1\n",             // unknown escape
        "# TYPE a gauge\na{x=\"1\"} 1\na{x=\"1\"} 2\n", // a series twice
        "# TYPE a gauge\na{1x=\"1\"} 1\n",              // bad label name
        "# TYPE a gauge\na 1\n# TYPE a gauge\n",        // typed twice
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_count 1\n",
        "# TYPE a gauge\na one\n",
    ] {
        assert!(parse(bad).is_err(), "accepted {bad:?}");
    }
}
const S1: motcua::office::store::SiteId = motcua::office::store::SiteId(1);
