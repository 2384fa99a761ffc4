//! The office API over real HTTP on 127.0.0.1: the `motcua office` process on a real SQLite
//! file, called with ureq as the kiosk will. Health without a token, tokens checked, events
//! applied once, numbers and blocks shared without overlap, and bad requests answered with a
//! 4xx and a message, never a crash.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

/// A running `motcua office` with one enrolled kiosk.
struct Office {
    child: Child,
    base: String,
    token: String,
    _dir: tempfile::TempDir,
}

impl Drop for Office {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn motcua() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_motcua"));
    c.env("RUST_LOG", "warn");
    c
}

fn enroll(db: &std::path::Path, name: &str) -> String {
    let out = motcua()
        .args(["office", "enroll-device", "--name", name, "--db"])
        .arg(db)
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("token ").map(str::to_string))
        .unwrap()
}

fn start() -> Office {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    let token = enroll(&db, "Kiosk sảnh");
    let mut child = motcua()
        .args(["office", "--listen", "127.0.0.1:0", "--db"])
        .arg(&db)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("the address")
        .trim_end_matches('/')
        .to_string();
    Office {
        child,
        base,
        token,
        _dir: dir,
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

/// POSTs `body` with `token`; returns the status and the JSON answer.
fn post(o: &Office, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
    let mut req = agent().post(format!("{}{path}", o.base));
    if let Some(t) = token {
        req = req.header("Authorization", &format!("Bearer {t}"));
    }
    let mut resp = req.send_json(body).unwrap();
    let status = resp.status().as_u16();
    (status, resp.body_mut().read_json().unwrap_or(Value::Null))
}

#[test]
fn health_answers_without_a_token_and_gives_the_time() {
    let o = start();
    let mut resp = agent()
        .get(format!("{}/api/v1/health", o.base))
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let v: Value = resp.body_mut().read_json().unwrap();
    assert_eq!(
        (v["status"].as_str(), v["protocol"].as_u64()),
        (Some("ok"), Some(1))
    );
    let t = chrono::DateTime::parse_from_rfc3339(v["time"].as_str().unwrap()).unwrap();
    assert!(
        (chrono::Utc::now() - t.with_timezone(&chrono::Utc))
            .num_seconds()
            .abs()
            < 60
    );
}

#[test]
fn events_need_a_token_and_apply_once() {
    let o = start();
    let push = json!({"protocol": 1, "events": [
        {"id": "e-1", "kind": "ticket.issued", "payload": {"number": 1}},
        {"id": "e-2", "kind": "ticket.issued", "payload": {"number": 2}},
    ]});
    let (status, v) = post(&o, "/api/v1/events", None, &push);
    assert_eq!(status, 401);
    assert!(v["error"].as_str().unwrap().contains("token"));
    let (status, _) = post(&o, "/api/v1/events", Some("not-a-token"), &push);
    assert_eq!(status, 401);

    let (status, v) = post(&o, "/api/v1/events", Some(&o.token), &push);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["applied"], 2);
    // Duplicate delivery: acknowledged again, applied never twice.
    let (status, v) = post(&o, "/api/v1/events", Some(&o.token), &push);
    assert_eq!(status, 200);
    assert_eq!(
        (v["applied"].as_u64(), v["acked"].as_array().unwrap().len()),
        (Some(0), 2)
    );
}

#[test]
fn numbers_and_blocks_come_from_one_counter() {
    let o = start();
    let num = |ticket: &str| {
        post(
            &o,
            "/api/v1/numbers",
            Some(&o.token),
            &json!({"protocol": 1, "ticket_id": ticket, "queue": "A", "business_date": "2026-11-25"}),
        )
    };
    assert_eq!(num("t1").1["number"], 1);
    assert_eq!(num("t1").1["number"], 1, "a retry keeps its number");
    let (status, b) = post(
        &o,
        "/api/v1/blocks",
        Some(&o.token),
        &json!({"protocol": 1, "queue": "A", "business_date": "2026-11-25", "size": 50}),
    );
    assert_eq!(status, 200, "{b}");
    assert_eq!(
        (b["first"].as_u64(), b["last"].as_u64()),
        (Some(2), Some(51))
    );
    assert_eq!(num("t2").1["number"], 52);
}

#[test]
fn bad_requests_get_a_4xx_with_a_message_and_the_office_goes_on() {
    let o = start();
    let raw = |body: &str| {
        let mut resp = agent()
            .post(format!("{}/api/v1/events", o.base))
            .header("Authorization", &format!("Bearer {}", o.token))
            .header("Content-Type", "application/json")
            .send(body)
            .unwrap();
        let status = resp.status().as_u16();
        (status, resp.body_mut().read_to_string().unwrap())
    };
    let (status, text) = raw("{\"protocol\": 1, \"events\": [");
    assert_eq!(status, 400, "{text}");
    assert!(!text.is_empty());
    let (status, _) = raw("{\"protocol\": 1}");
    assert_eq!(status, 422, "a missing field");
    // An old kiosk is told what to do instead of being half understood.
    let (status, v) = post(
        &o,
        "/api/v1/events",
        Some(&o.token),
        &json!({"protocol": 0, "events": []}),
    );
    assert_eq!(status, 400);
    assert!(
        v["error"].as_str().unwrap().contains("update the kiosk"),
        "{v}"
    );
    // Unknown fields are ignored: a newer kiosk still talks to this office.
    let (status, _) = post(
        &o,
        "/api/v1/events",
        Some(&o.token),
        &json!({"protocol": 1, "events": [], "future_field": true}),
    );
    assert_eq!(status, 200);
    // Too large a body is refused.
    let big = format!(
        "{{\"protocol\": 1, \"events\": [{{\"id\": \"x\", \"kind\": \"k\", \"payload\": \"{}\"}}]}}",
        "a".repeat(2 << 20)
    );
    let (status, _) = raw(&big);
    assert_eq!(status, 413);
    let (status, v) = post(
        &o,
        "/api/v1/blocks",
        Some(&o.token),
        &json!({"protocol": 1, "queue": "A", "business_date": "2026-11-25", "size": 0}),
    );
    assert_eq!(status, 400, "{v}");
    // Still serving.
    let resp = agent()
        .get(format!("{}/api/v1/health", o.base))
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
}
