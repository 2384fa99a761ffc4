//! The office API over real HTTP on 127.0.0.1: the `motcua office` process on a real SQLite
//! file and on a real PostgreSQL database (every test runs on both), called with ureq as the
//! kiosk will. Health without a token, tokens and their roles
//! checked, events applied once, online numbers and offline blocks without overlap, dossiers
//! written by an integration and paged out to kiosks, settings and the catalogue sent once,
//! queue status from reported tickets, bad requests answered with a 4xx and a message, never
//! a crash; an office run inside the test process, stopped and restarted on its port; and two
//! office processes on one database handing out numbers at once.

#[path = "support/office_db.rs"]
mod office_db;

#[path = "support/command.rs"]
mod command;
#[path = "support/http_client.rs"]
mod http_client;

#[path = "support/office_process.rs"]
mod office_process;

use command::succeeded;
use http_client::agent;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use office_db::{both_backends, Backend, TestDb};
use serde_json::{json, Value};

both_backends! {
    health_answers_without_a_token_and_gives_the_time,
    events_need_a_token_and_apply_once,
    online_numbers_count_from_one_and_offline_blocks_from_501_by_seq,
    bad_requests_get_a_4xx_with_a_message_and_the_office_goes_on,
    twelve_thousand_imported_dossiers_page_out_and_an_idle_poll_is_tiny,
    an_integration_writes_dossiers_one_or_many_and_bad_rows_are_listed,
    tokens_only_open_the_routes_of_their_role,
    settings_and_the_catalogue_reach_each_kiosk_once,
    queues_count_the_tickets_of_every_kiosk_and_a_clash_is_kept_and_counted,
    an_office_in_this_process_stops_and_restarts_on_its_port,
    two_office_processes_on_one_database_never_give_a_number_twice,
    text_with_a_nul_character_is_refused_alike_on_both_backends,
}

/// A running `motcua office` with one enrolled kiosk.
struct Office {
    child: Child,
    base: String,
    token: String,
    /// Dropped after the process, so a PostgreSQL database is dropped once nothing uses it;
    /// shared by the offices of one test.
    db: Arc<TestDb>,
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

fn enroll(db: &TestDb, name: &str) -> String {
    enroll_as(db, name, false)
}

/// `motcua office enroll-device`, as a kiosk or an integration; returns the token.
fn enroll_as(db: &TestDb, name: &str, integration: bool) -> String {
    let mut cmd = motcua();
    cmd.args(["office", "enroll-device", "--name", name, "--db"])
        .arg(db.target());
    if integration {
        cmd.arg("--integration");
    }
    let out = cmd.output().unwrap();
    succeeded(&out);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("token ").map(str::to_string))
        .unwrap()
}

fn start(b: Backend) -> Office {
    let db = TestDb::new(b);
    let token = enroll(&db, "Kiosk sảnh");
    serve(Arc::new(db), token)
}

/// `motcua office` on `db`, whose kiosk has `token`.
fn serve(db: Arc<TestDb>, token: String) -> Office {
    let child = motcua()
        .args(["office", "--listen", "127.0.0.1:0", "--db"])
        .arg(db.target())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let (child, base) = read_address(child);
    Office {
        child,
        base,
        token,
        db,
    }
}

/// The base URL the office prints on its first line.
fn read_address(mut child: Child) -> (Child, String) {
    let line = office_process::first_line(&mut child);
    let base = office_process::address(&line);
    (child, base)
}

/// Sends `body` as JSON with `token`; returns the status and the JSON answer.
fn send(
    req: ureq::RequestBuilder<ureq::typestate::WithBody>,
    token: Option<&str>,
    body: &Value,
) -> (u16, Value) {
    let req = match token {
        Some(t) => req.header("Authorization", &format!("Bearer {t}")),
        None => req,
    };
    let mut resp = req.send_json(body).unwrap();
    let status = resp.status().as_u16();
    (status, resp.body_mut().read_json().unwrap_or(Value::Null))
}

/// POSTs `body` with `token`; returns the status and the JSON answer.
fn post(o: &Office, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
    send(agent().post(format!("{}{path}", o.base)), token, body)
}

fn health_answers_without_a_token_and_gives_the_time(b: Backend) {
    let o = start(b);
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

fn events_need_a_token_and_apply_once(b: Backend) {
    let o = start(b);
    let push = json!({"protocol": 1, "events": [
        issued("e-1", "t1", "A", 1, "waiting"),
        issued("e-2", "t2", "A", 2, "waiting"),
    ]});
    let (status, v) = post(&o, "/api/v1/events", None, &push);
    assert_eq!(status, 401);
    assert!(v["error"].as_str().unwrap().contains("token"));
    assert_eq!(v["code"], "token", "{v}");
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

fn online_numbers_count_from_one_and_offline_blocks_from_501_by_seq(b: Backend) {
    let o = start(b);
    let k2 = enroll(&o.db, "Kiosk tầng 2");
    let num = |ticket: &str| {
        post(
            &o,
            "/api/v1/numbers",
            Some(&o.token),
            &json!({"protocol": 1, "ticket_id": ticket, "queue": "A", "business_date": "2026-11-25"}),
        )
    };
    let block = |token: &str, seq: Option<u32>| {
        let mut req =
            json!({"protocol": 1, "queue": "A", "business_date": "2026-11-25", "size": 50});
        if let Some(seq) = seq {
            req["seq"] = json!(seq);
        }
        let (status, b) = post(&o, "/api/v1/blocks", Some(token), &req);
        assert_eq!(status, 200, "{b}");
        (b["first"].as_u64().unwrap(), b["last"].as_u64().unwrap())
    };
    assert_eq!(num("t1").1["number"], 1);
    assert_eq!(num("t1").1["number"], 1, "a retry keeps its number");
    assert_eq!(block(&o.token, Some(0)), (501, 550));
    assert_eq!(
        block(&o.token, Some(0)),
        (501, 550),
        "a retry gets the same block"
    );
    assert_eq!(block(&o.token, None), (501, 550), "seq defaults to 0");
    assert_eq!(
        block(&o.token, Some(1)),
        (551, 600),
        "a new seq, a further block"
    );
    assert_eq!(block(&k2, Some(0)), (601, 650), "another kiosk's block 0");
    assert_eq!(num("t2").1["number"], 2, "online numbers go on from 2");
}

fn bad_requests_get_a_4xx_with_a_message_and_the_office_goes_on(b: Backend) {
    let o = start(b);
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
    assert_eq!(v["code"], "protocol", "{v}");
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
    // The office answers 413 from the Content-Length alone and closes; a client still
    // writing the 2 MiB may see the closed connection instead of the answer.
    let refused = match agent()
        .post(format!("{}/api/v1/events", o.base))
        .header("Authorization", &format!("Bearer {}", o.token))
        .header("Content-Type", "application/json")
        .send(&big)
    {
        Ok(resp) => resp.status().as_u16() == 413,
        Err(ureq::Error::Io(e)) => matches!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
        ),
        Err(e) => panic!("{e}"),
    };
    assert!(refused, "a body over 1 MiB is refused");
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

/// PUTs `body` with `token`; returns the status and the JSON answer.
fn put(o: &Office, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
    send(agent().put(format!("{}{path}", o.base)), token, body)
}

/// POSTs a raw text body as JSON; returns the status and the answer's text.
fn post_text(o: &Office, path: &str, token: &str, body: &str) -> (u16, String) {
    let mut resp = agent()
        .post(format!("{}{path}", o.base))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .send(body)
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.body_mut().read_to_string().unwrap())
}

/// One poll for changes, which must succeed.
fn changes(o: &Office, since: u64, limit: Option<u32>) -> Value {
    let mut req = json!({"protocol": 1, "since": since});
    if let Some(l) = limit {
        req["limit"] = json!(l);
    }
    let (status, v) = post(o, "/api/v1/changes", Some(&o.token), &req);
    assert_eq!(status, 200, "{v}");
    v
}

/// The codes of the dossiers in a changes answer, in order.
fn codes(v: &Value) -> Vec<String> {
    v["dossiers"].as_array().map_or(Vec::new(), |a| {
        a.iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    })
}

/// The office's business date now (its default zone, Asia/Ho_Chi_Minh).
fn today() -> chrono::NaiveDate {
    motcua::domain::clock::business_date(
        chrono::Utc::now(),
        motcua::office::http::DEFAULT_TIME_ZONE,
    )
}

/// A POST written on a plain socket, to see every byte of the answer: (head, body).
fn raw_exchange(o: &Office, path: &str, token: &str, body: &str) -> (String, Vec<u8>) {
    let addr = o.base.trim_start_matches("http://");
    let mut sock = std::net::TcpStream::connect(addr).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        sock,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = Vec::new();
    sock.read_to_end(&mut answer).unwrap();
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete HTTP answer");
    (
        String::from_utf8_lossy(&answer[..split + 4]).into_owned(),
        answer[split + 4..].to_vec(),
    )
}

/// A dossier object in the import format.
fn dossier(code: &str, status: &str) -> Value {
    json!({"code": code, "status": status, "procedure_code": "1.001193",
           "applicant_name": "Nguyễn Văn An", "received_at": "2026-11-20T08:15:00+07:00",
           "pickup_place": "Quầy 2", "secret": "7KQ2", "phone_last4": "4321"})
}

fn twelve_thousand_imported_dossiers_page_out_and_an_idle_poll_is_tiny(b: Backend) {
    let o = start(b);
    let csv = o.db.dir().join("hoso.csv");
    let mut text = String::from("code,status,received_at,applicant_name,secret,phone_last4\n");
    let want: Vec<String> = (0..12_000)
        .map(|i| format!("H15.50.05.13-261120-{i:05}"))
        .collect();
    for (i, code) in want.iter().enumerate() {
        text.push_str(&format!(
            "{code},processing,2026-11-20T08:15:00+07:00,Nguyễn Văn {i},K{i:04},{:04}\n",
            i % 10_000
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let stdout = office_cli(&o, &["import", "dossiers", csv.to_str().unwrap()]);
    assert!(
        stdout.contains("12000 new, 0 updated, 0 unchanged; 0 rows refused"),
        "{stdout}"
    );

    // Pages of the default (and largest) size, in the order they were written.
    let mut since = 0;
    let mut got = Vec::new();
    let mut pages = Vec::new();
    loop {
        let v = changes(&o, since, if since == 0 { None } else { Some(9_999) });
        let page = codes(&v);
        pages.push((
            page.len(),
            v["more"].as_bool().unwrap_or(false),
            v["cursor"].as_u64().unwrap(),
        ));
        got.extend(page);
        since = v["cursor"].as_u64().unwrap();
        if !v["more"].as_bool().unwrap_or(false) {
            break;
        }
    }
    assert_eq!(
        pages,
        [
            (5000, true, 5000),
            (5000, true, 10_000),
            (2000, false, 12_000)
        ]
    );
    assert_eq!(got, want);
    // A smaller page when asked.
    let v = changes(&o, 11_990, Some(4));
    assert_eq!(codes(&v), want[11_990..11_994]);
    assert_eq!(
        (v["more"].as_bool(), v["cursor"].as_u64()),
        (Some(true), Some(11_994))
    );

    // Nothing new: the answer, head and all, is a few bytes.
    let (head, body) = raw_exchange(
        &o,
        "/api/v1/changes",
        &o.token,
        &format!("{{\"protocol\":1,\"since\":{since}}}"),
    );
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let v: Value = serde_json::from_slice(&body).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["cursor", "time"], "{v}");
    assert_eq!(v["cursor"], 12_000);
    assert!(body.len() <= 100, "{} body bytes", body.len());
    assert!(
        head.len() + body.len() <= 300,
        "{} bytes: {head}",
        head.len() + body.len()
    );

    // Importing the same file again changes nothing, so kiosks get nothing again.
    let again = office_cli(&o, &["import", "dossiers", csv.to_str().unwrap()]);
    assert!(
        again.contains("0 new, 0 updated, 12000 unchanged"),
        "{again}"
    );
    assert!(codes(&changes(&o, since, None)).is_empty());
}

fn an_integration_writes_dossiers_one_or_many_and_bad_rows_are_listed(b: Backend) {
    let o = start(b);
    let bridge = enroll_as(&o.db, "Cổng dịch vụ công", true);
    let code = "H15.50.05.13-261120-0975";

    let (status, v) = put(
        &o,
        &format!("/api/v1/dossiers/{}", code.to_lowercase()),
        Some(&bridge),
        &json!({"protocol": 1, "dossier": dossier(code, "processing")}),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["inserted"].as_u64(), v["errors"].as_array().map(Vec::len)),
        (Some(1), Some(0))
    );
    let (_, v) = put(
        &o,
        &format!("/api/v1/dossiers/{code}"),
        Some(&bridge),
        &json!({"protocol": 1, "dossier": dossier(code, "processing")}),
    );
    assert_eq!(v["unchanged"], 1, "idempotent");
    let (status, v) = put(
        &o,
        "/api/v1/dossiers/H15.50.05.13-261120-0976",
        Some(&bridge),
        &json!({"protocol": 1, "dossier": dossier(code, "ready")}),
    );
    assert_eq!(status, 400, "the path and the object name other dossiers");
    assert!(v["error"].as_str().unwrap().contains("path"), "{v}");
    let mut bad = dossier(code, "teleported");
    bad["phone_last4"] = json!("98765");
    let (status, v) = put(
        &o,
        &format!("/api/v1/dossiers/{code}"),
        Some(&bridge),
        &json!({"protocol": 1, "dossier": bad}),
    );
    assert_eq!(status, 400);
    let msg = v["error"].as_str().unwrap();
    // ureq sends pretty-printed JSON: the object starts on line 2 of the body.
    assert!(
        msg.contains("line 2: status") && msg.contains("phone_last4"),
        "{msg}"
    );
    assert!(!msg.contains("98765"), "phone digits never echoed: {msg}");

    // Many at once, pretty-printed: the bad row is named by its line in the body.
    let body = r#"{
  "protocol": 1,
  "dossiers": [
    {"code": "H15.50.05.13-261120-0975", "status": "ready", "received_at": "2026-11-20T08:15:00+07:00",
     "applicant_name": "Nguyễn Văn An", "procedure_code": "1.001193", "pickup_place": "Quầy 2",
     "secret": "7KQ2", "phone_last4": "4321", "finished_at": "2026-11-24T11:00:00+07:00"},
    {"code": "H15.50.05.13-261120-0976", "status": "received", "received_at": "2026-11-20T09:00:00+07:00"},
    {"code": "H15.50.05.13-261120-0977", "status": "received", "received_at": "yesterday",
     "secret": "X1"}
  ]
}"#;
    let (status, text) = post_text(&o, "/api/v1/dossiers", &bridge, body);
    assert_eq!(status, 200, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (v["inserted"].as_u64(), v["updated"].as_u64()),
        (Some(1), Some(1))
    );
    let errors: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors.iter().all(|e| e.starts_with("line 8: ")),
        "{errors:?}"
    );
    assert!(!text.contains("X1"), "secrets never echoed: {text}");

    let (status, v) = post(
        &o,
        "/api/v1/dossiers",
        Some(&bridge),
        &json!({"protocol": 1, "dossiers": {"code": code}}),
    );
    assert_eq!(status, 400);
    assert!(v["error"].as_str().unwrap().contains("array"), "{v}");
    let (status, text) = post_text(
        &o,
        "/api/v1/dossiers",
        &bridge,
        "{\"protocol\": 1, \"dossiers\": [",
    );
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("error"), "{text}");
    let (status, _) = post_text(&o, "/api/v1/dossiers", &bridge, "{\"protocol\": 1}");
    assert_eq!(status, 422, "a missing field");
    let (status, v) = post(
        &o,
        "/api/v1/dossiers",
        Some(&bridge),
        &json!({"protocol": 0, "dossiers": []}),
    );
    assert_eq!(status, 400, "{v}");

    // The kiosk pulls what the integration wrote.
    let v = changes(&o, 0, None);
    assert_eq!(
        codes(&v),
        ["H15.50.05.13-261120-0975", "H15.50.05.13-261120-0976"]
    );
    assert_eq!(v["dossiers"][0]["status"], "ready");
}

fn tokens_only_open_the_routes_of_their_role(b: Backend) {
    let o = start(b);
    let bridge = enroll_as(&o.db, "Cổng dịch vụ công", true);
    let code = "H15.50.05.13-261120-0975";
    let put_body = json!({"protocol": 1, "dossier": dossier(code, "processing")});
    let (status, v) = put(
        &o,
        &format!("/api/v1/dossiers/{code}"),
        Some(&o.token),
        &put_body,
    );
    assert_eq!(status, 403);
    assert!(v["error"].as_str().unwrap().contains("integration"), "{v}");
    assert_eq!(v["code"], "wrong_role", "{v}");
    let (status, _) = post(
        &o,
        "/api/v1/dossiers",
        Some(&o.token),
        &json!({"protocol": 1, "dossiers": [dossier(code, "processing")]}),
    );
    assert_eq!(status, 403);
    let (status, _) = put(&o, &format!("/api/v1/dossiers/{code}"), None, &put_body);
    assert_eq!(status, 401);
    for (path, body) in [
        ("/api/v1/events", json!({"protocol": 1, "events": []})),
        (
            "/api/v1/numbers",
            json!({"protocol": 1, "ticket_id": "t1", "queue": "A", "business_date": "2026-11-25"}),
        ),
        (
            "/api/v1/blocks",
            json!({"protocol": 1, "queue": "A", "business_date": "2026-11-25", "size": 5}),
        ),
        ("/api/v1/changes", json!({"protocol": 1, "since": 0})),
    ] {
        let (status, v) = post(&o, path, Some(&bridge), &body);
        assert_eq!(status, 403, "{path}: {v}");
        assert!(
            v["error"].as_str().unwrap().contains("only write dossiers"),
            "{v}"
        );
    }
    // Malformed bodies on the new routes: a 4xx with a message.
    let (status, text) = post_text(&o, "/api/v1/changes", &o.token, "{\"since\": ");
    assert_eq!(status, 400, "{text}");
    let (status, text) = post_text(
        &o,
        "/api/v1/changes",
        &o.token,
        "{\"protocol\": 1, \"since\": -1}",
    );
    assert_eq!(status, 422, "{text}");
    assert!(changes(&o, 0, None)["cursor"].is_u64(), "still serving");
}

/// `motcua office` subcommand on the test's database; returns stdout, asserting success.
fn office_cli(o: &Office, args: &[&str]) -> String {
    let out = motcua()
        .arg("office")
        .args(args)
        .arg("--db")
        .arg(o.db.target())
        .output()
        .unwrap();
    succeeded(&out)
}

fn settings_and_the_catalogue_reach_each_kiosk_once(b: Backend) {
    let o = start(b);
    let v = changes(&o, 0, None);
    assert!(
        v.get("settings").is_none() && v.get("catalogue").is_none(),
        "{v}"
    );
    office_cli(
        &o,
        &[
            "set-notice",
            "--vi",
            "Nghỉ lễ ngày 2/9",
            "--en",
            "Closed on 2 September",
        ],
    );
    let catalogue = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/catalogue.json");
    office_cli(&o, &["set-catalogue", catalogue.to_str().unwrap()]);

    let v = changes(&o, 0, None);
    assert_eq!(
        v["settings"],
        json!({"notice_vi": "Nghỉ lễ ngày 2/9", "notice_en": "Closed on 2 September", "site": "main"})
    );
    let sent: motcua::catalogue::Catalogue =
        serde_json::from_value(v["catalogue"].clone()).unwrap();
    assert_eq!(
        sent,
        motcua::catalogue::Catalogue::from_json(&std::fs::read_to_string(&catalogue).unwrap())
            .unwrap()
    );
    let cursor = v["cursor"].as_u64().unwrap();
    let v = changes(&o, cursor, None);
    assert!(
        v.get("settings").is_none() && v.get("catalogue").is_none(),
        "sent once: {v}"
    );

    // The same notice again is no change; a cleared one is.
    assert!(office_cli(
        &o,
        &[
            "set-notice",
            "--vi",
            "Nghỉ lễ ngày 2/9",
            "--en",
            "Closed on 2 September"
        ]
    )
    .contains("unchanged"));
    assert!(changes(&o, cursor, None).get("settings").is_none());
    office_cli(&o, &["set-notice", "--vi", ""]);
    let v = changes(&o, cursor, None);
    assert_eq!(
        v["settings"],
        json!({"notice_vi": "", "notice_en": "", "site": "main"})
    );
    assert!(v.get("catalogue").is_none());
}

/// A `ticket.issued` event as the kiosk's outbox holds it (its `Ticket` through serde).
fn issued(event: &str, ticket: &str, queue: &str, number: u32, state: &str) -> Value {
    let t = motcua::domain::ticket::Ticket {
        id: ticket.into(),
        queue: queue.into(),
        number,
        business_date: today(),
        issued_at: chrono::Utc::now(),
        wall_clock: chrono::Utc::now(),
        clock_status: motcua::domain::clock::ClockStatus::Ok,
        field: "HT".into(),
        priority: motcua::domain::priority::PriorityGroup::None,
        state: motcua::domain::ticket::TicketState::from_code(state).unwrap(),
        printed_at: None,
        follow_token: None,
        booking: None,
    };
    json!({"id": event, "kind": "ticket.issued", "payload": t})
}

fn queues_count_the_tickets_of_every_kiosk_and_a_clash_is_kept_and_counted(b: Backend) {
    let o = start(b);
    let k2 = enroll(&o.db, "Kiosk tầng 2");
    let v = changes(&o, 0, None);
    assert!(v.get("queues").is_none(), "no tickets yet: {v}");
    let cursor = v["cursor"].as_u64().unwrap();

    let (status, v) = post(
        &o,
        "/api/v1/events",
        Some(&o.token),
        &json!({"protocol": 1, "events": [
            issued("e1", "t1", "A", 1, "waiting"),
            issued("e2", "t2", "A", 2, "waiting"),
            issued("e3", "t3", "B", 1, "waiting"),
        ]}),
    );
    assert_eq!((status, v["applied"].as_u64()), (200, Some(3)), "{v}");
    // The second kiosk, offline for a while, reports from its block, and one number it
    // should never have printed.
    let (status, v) = post(
        &o,
        "/api/v1/events",
        Some(&k2),
        &json!({"protocol": 1, "events": [
            issued("e4", "t4", "A", 501, "called"),
            issued("e5", "t5", "A", 2, "waiting"),
            {"id": "e6", "kind": "ticket.issued", "payload": {"queue": "A"}},
        ]}),
    );
    assert_eq!(
        (
            status,
            v["applied"].as_u64(),
            v["acked"].as_array().map(Vec::len)
        ),
        (200, Some(2), Some(3)),
        "a clash never fails a push, an unreadable ticket is acknowledged and kept aside: {v}"
    );
    assert_eq!(v["rejected"][0]["id"], "e6", "{v}");

    let v = changes(&o, cursor, None);
    let date = today().to_string();
    assert_eq!(
        v["queues"],
        json!([
            {"queue": "A", "business_date": date, "issued": 4, "waiting": 3, "counters_open": 0},
            {"queue": "B", "business_date": date, "issued": 1, "waiting": 1, "counters_open": 0},
        ])
    );
    assert!(changes(&o, v["cursor"].as_u64().unwrap(), None)
        .get("queues")
        .is_none());
    let store = motcua::office::OfficeStore::open(o.db.target()).unwrap();
    assert_eq!(store.conflicts().unwrap(), 1);
    assert_eq!(store.event_count().unwrap(), 5);
    assert_eq!(store.rejected_event_count().unwrap(), 1);
}

fn an_office_in_this_process_stops_and_restarts_on_its_port(b: Backend) {
    let db = TestDb::new(b);
    let token = {
        let mut store = motcua::office::OfficeStore::open(db.target()).unwrap();
        store
            .enroll_device(
                "Kiosk sảnh",
                motcua::office::Role::Kiosk,
                &[S1],
                chrono::Utc::now(),
            )
            .unwrap()
            .1
    };
    let tz = motcua::office::http::DEFAULT_TIME_ZONE;
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", tz).unwrap();
    let addr = office.addr();
    let health = |agent: &ureq::Agent| {
        agent
            .get(format!("http://{addr}/api/v1/health"))
            .call()
            .map(|r| r.status().as_u16())
    };
    // One agent keeps its connection open across the stop, as a kiosk's would.
    let kiosk = agent();
    assert_eq!(health(&kiosk).unwrap(), 200);
    let number = |agent: &ureq::Agent| {
        let mut resp = agent
            .post(format!("http://{addr}/api/v1/numbers"))
            .header("Authorization", &format!("Bearer {token}"))
            .send_json(json!({"protocol": 1, "ticket_id": "t1", "queue": "A", "business_date": "2026-11-25"}))
            .unwrap();
        resp.body_mut().read_json::<Value>().unwrap()["number"].clone()
    };
    assert_eq!(number(&kiosk), 1);

    let stopping = Instant::now();
    office.shutdown();
    assert!(
        stopping.elapsed() < Duration::from_secs(3),
        "{:?}",
        stopping.elapsed()
    );
    assert!(health(&agent()).is_err(), "nothing listens after the stop");

    let office =
        motcua::office::http::spawn_with_shutdown(db.target(), &addr.to_string(), tz).unwrap();
    assert_eq!(office.addr(), addr);
    assert_eq!(office.url(), format!("http://{addr}"));
    assert_eq!(health(&kiosk).unwrap(), 200, "the same client reconnects");
    assert_eq!(number(&kiosk), 1, "the same database behind it");
    drop(office);
    assert!(
        health(&agent()).is_err(),
        "dropping the handle stops it too"
    );
}

fn two_office_processes_on_one_database_never_give_a_number_twice(b: Backend) {
    let o1 = start(b);
    let k2 = enroll(&o1.db, "Kiosk tầng 2");
    let o2 = serve(o1.db.clone(), k2);
    let date = "2026-11-25";
    // Each office gets numbers and blocks for its kiosk at the same time; every fourth ticket
    // id is asked of both, as a kiosk retrying through the other office would.
    /// What one office handed out: (ticket, number) and (first, last) of blocks.
    type Handed = (Vec<(String, u64)>, Vec<(u64, u64)>);
    let answers: Vec<Handed> = std::thread::scope(|scope| {
        let workers: Vec<_> = [&o1, &o2]
            .into_iter()
            .enumerate()
            .map(|(w, o)| {
                scope.spawn(move || {
                    let mut numbers = Vec::new();
                    let mut blocks = Vec::new();
                    for i in 0..80u32 {
                        if i % 10 == 9 {
                            let (status, v) = post(
                                o,
                                "/api/v1/blocks",
                                Some(&o.token),
                                &json!({"protocol": 1, "queue": "A", "business_date": date, "seq": i / 10, "size": 5}),
                            );
                            assert_eq!(status, 200, "{v}");
                            blocks.push((v["first"].as_u64().unwrap(), v["last"].as_u64().unwrap()));
                            continue;
                        }
                        let ticket = if i % 4 == 0 {
                            format!("shared-{i}")
                        } else {
                            format!("office{w}-{i}")
                        };
                        let (status, v) = post(
                            o,
                            "/api/v1/numbers",
                            Some(&o.token),
                            &json!({"protocol": 1, "ticket_id": ticket, "queue": "A", "business_date": date}),
                        );
                        assert_eq!(status, 200, "{v}");
                        numbers.push((ticket, v["number"].as_u64().unwrap()));
                    }
                    (numbers, blocks)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let mut by_ticket = std::collections::HashMap::new();
    for (numbers, _) in &answers {
        for (ticket, n) in numbers {
            let first = *by_ticket.entry(ticket.clone()).or_insert(*n);
            assert_eq!(first, *n, "ticket {ticket} got two numbers");
        }
    }
    // Online numbers are one sequence without gaps, blocks one run from 501: nothing twice.
    let mut online: Vec<u64> = by_ticket.values().copied().collect();
    online.sort_unstable();
    assert_eq!(online, (1..=online.len() as u64).collect::<Vec<_>>());
    let mut offline: Vec<u64> = answers
        .iter()
        .flat_map(|(_, blocks)| blocks.iter().flat_map(|(first, last)| *first..=*last))
        .collect();
    offline.sort_unstable();
    assert_eq!(offline, (501..501 + 2 * 8 * 5).collect::<Vec<_>>());
}

fn text_with_a_nul_character_is_refused_alike_on_both_backends(b: Backend) {
    let o = start(b);
    let (status, v) = post(
        &o,
        "/api/v1/events",
        Some(&o.token),
        &json!({"protocol": 1, "events": [{"id": "e\u{0}1", "kind": "ticket.issued", "payload": {}}]}),
    );
    assert_eq!(status, 400, "{v}");
    assert!(v["error"].as_str().unwrap().contains("NUL"), "{v}");
    let (status, _) = post(
        &o,
        "/api/v1/numbers",
        Some(&o.token),
        &json!({"protocol": 1, "ticket_id": "t\u{0}", "queue": "A", "business_date": "2026-11-25"}),
    );
    assert_eq!(status, 400);
    // In a reported ticket the event is kept aside and the ticket not counted, as for any
    // unreadable payload.
    let (status, v) = post(
        &o,
        "/api/v1/events",
        Some(&o.token),
        &json!({"protocol": 1, "events": [issued("e1", "t\u{0}1", "A", 1, "waiting")]}),
    );
    assert_eq!((status, v["applied"].as_u64()), (200, Some(0)), "{v}");
    assert_eq!(v["rejected"][0]["id"], "e1", "{v}");
    let bridge = enroll_as(&o.db, "Cổng dịch vụ công", true);
    let mut bad = dossier("H15.50.05.13-261120-0001", "received");
    bad["applicant_name"] = json!("Nguyễn\u{0}Văn An");
    let (status, v) = post(
        &o,
        "/api/v1/dossiers",
        Some(&bridge),
        &json!({"protocol": 1, "dossiers": [bad, dossier("H15.50.05.13-261120-0002", "received")]}),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["inserted"], 1, "{v}");
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{v}");
    assert!(errors[0].as_str().unwrap().contains("NUL"), "{v}");
    let store = motcua::office::OfficeStore::open(o.db.target()).unwrap();
    assert_eq!(
        (
            store.ticket_count().unwrap(),
            store.dossier_count().unwrap()
        ),
        (0, 1)
    );
}

#[test]
fn a_postgres_url_that_cannot_be_used_is_named_without_its_password() {
    // Port 1 on loopback: nothing listens, so the connection is refused at once.
    let url = "postgres://motcua:pw-4711@127.0.0.1:1/office";
    for args in [
        &["office", "enroll-device", "--name", "K1", "--db", url][..],
        &["office", "--listen", "127.0.0.1:0", "--db", url][..],
        &[
            "office",
            "set-notice",
            "--vi",
            "x",
            "--db",
            "postgres://motcua:pw-4711@127.0.0.1:port/office",
        ][..],
    ] {
        let out = motcua().args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            stderr.contains("postgres://motcua:***@127.0.0.1:"),
            "{stderr}"
        );
        assert!(!stderr.contains("4711"), "the password shows: {stderr}");
    }
}

/// The office refuses a kiosk's store given by mistake, rather than migrating it.
#[test]
fn a_kiosk_store_is_not_taken_for_an_office_database() {
    let dir = tempfile::tempdir().unwrap();
    let kiosk = dir.path().join("kiosk.sqlite3");
    motcua::kiosk::store::Store::open(&kiosk).unwrap();
    let err = motcua::office::OfficeStore::open(&kiosk)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("not an office database"), "{err}");
}

/// The site a new office database starts with.
const S1: motcua::office::store::SiteId = motcua::office::store::SiteId(1);
