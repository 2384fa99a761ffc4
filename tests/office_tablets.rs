//! Rating tablets are devices, over real HTTP on 127.0.0.1, on SQLite and on PostgreSQL: a
//! browser without the tablet cookie neither sees a counter's pending ticket nor rates it;
//! a pairing code (from the real `motcua office` commands) pairs once, and not after it
//! expired; a tablet rates only its own counter, and its ratings reach the reports; pairing
//! attempts are throttled per source; a new code revokes the old cookie.

#[path = "support/office_db.rs"]
mod office_db;

#[path = "support/ticket_events.rs"]
mod ticket_events;

#[path = "support/http_client.rs"]
mod http_client;

use std::process::Command;

use chrono::{TimeDelta, Utc};
use http_client::{agent, call};
use motcua::office::counters::QueueDef;
use motcua::office::http::spawn_with_shutdown;
use motcua::office::{OfficeHandle, OfficeStore, Role};
use office_db::{both_backends, Backend, TestDb};
use serde_json::{json, Value};

both_backends! {
    an_unpaired_browser_neither_sees_nor_rates,
    a_code_pairs_once_and_the_tablet_rates_only_its_own_counter,
    an_expired_code_is_refused,
    pairing_attempts_are_throttled_per_source,
    a_new_code_revokes_the_old_cookie,
}

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;

fn today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&TZ).date_naive()
}

/// An office with queue A, four waiting tickets and clerk `c1` (password "mat-khau-1").
fn office(db: &TestDb) -> OfficeHandle {
    let mut s = OfficeStore::open(db.target()).unwrap();
    let kiosk = s
        .enroll_device("Kiosk", Role::Kiosk, &[S1], Utc::now())
        .unwrap()
        .0;
    s.set_queues(S1, &[QueueDef::new("A", &["HT"])]).unwrap();
    let events: Vec<(String, String)> = (1..=4)
        .map(|n| {
            let payload = json!({
                "id": format!("t{n}"), "queue": "A", "number": n, "business_date": today(),
                "issued_at": Utc::now() - TimeDelta::minutes(10 - n), "field": "HT",
                "priority": "none", "state": "waiting",
            });
            (format!("e{n}"), payload.to_string())
        })
        .collect();
    let batch = ticket_events::tickets_issued(&events);
    s.apply_events(&kiosk, &batch, Utc::now()).unwrap();
    s.add_clerk(
        Some(S1),
        "c1",
        "Cán bộ 1",
        "mat-khau-1",
        motcua::office::counters::ClerkRole::SiteLead,
        false,
        Utc::now(),
    )
    .unwrap();
    drop(s);
    spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap()
}

/// `motcua office ARGS --db DB`: its standard output; the command must succeed.
fn motcua_office(db: &TestDb, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .arg("office")
        .args(args)
        .arg("--db")
        .arg(db.target())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

/// The pairing code a command printed ("pairing code XXXX-XXXX (counter N, …)").
fn printed_code(stdout: &str) -> String {
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("pairing code "))
        .unwrap_or_else(|| panic!("no pairing code in {stdout:?}"));
    line.split_whitespace().next().unwrap().to_string()
}

/// `POST /api/v1/rate/pair` with `code`: (status, answer, the tablet cookie if set).
fn pair(base: &str, code: &str) -> (u16, Value, Option<String>) {
    let url = format!("{base}/api/v1/rate/pair");
    call(&agent(), "POST", &url, None, Some(json!({ "code": code })))
}

/// A clerk at `counter` calls, starts and finishes the next ticket; returns its id.
fn serve_one(base: &str, counter: u32) -> String {
    let a = agent();
    let login =
        json!({"username": "c1", "password": "mat-khau-1", "counter": counter, "queues": ["A"]});
    let url = format!("{base}/api/v1/clerk/login");
    let (status, body, cookie) = call(&a, "POST", &url, None, Some(login));
    assert_eq!(status, 200, "{body}");
    let cookie = cookie.unwrap();
    let mut id = String::new();
    for action in ["next", "start", "finish"] {
        let url = format!("{base}/api/v1/counter/{action}");
        let (status, body, _) = call(&a, "POST", &url, Some(&cookie), None);
        assert_eq!(status, 200, "{action}: {body}");
        if action == "next" {
            id = body["current"]["id"].as_str().unwrap().to_string();
        }
    }
    let url = format!("{base}/api/v1/clerk/logout");
    call(&a, "POST", &url, Some(&cookie), None);
    id
}

fn code_of(answer: &(u16, Value, Option<String>)) -> (u16, Option<&str>) {
    (answer.0, answer.1["code"].as_str())
}

fn an_unpaired_browser_neither_sees_nor_rates(b: Backend) {
    let db = TestDb::new(b);
    let office = office(&db);
    let base = office.url();
    let ticket = serve_one(&base, 2);
    let a = agent();
    let rating = json!({"ticket_id": ticket, "score": "very_satisfied"});
    let view = format!("{base}/api/v1/rate/2");
    let stream = format!("{base}/api/v1/stream?view=rate&counter=2");
    for cookie in [None, Some("motcua_tablet=forged"), Some("motcua_session=x")] {
        let answer = call(&a, "GET", &view, cookie, None);
        assert_eq!(
            code_of(&answer),
            (401, Some("tablet_not_paired")),
            "{cookie:?}"
        );
        assert!(
            !answer.1.to_string().contains(&ticket),
            "the ticket id leaks"
        );
        let answer = call(&a, "POST", &view, cookie, Some(rating.clone()));
        assert_eq!(
            code_of(&answer),
            (401, Some("tablet_not_paired")),
            "{cookie:?}"
        );
        let answer = call(&a, "GET", &stream, cookie, None);
        assert_eq!(
            code_of(&answer),
            (401, Some("tablet_not_paired")),
            "{cookie:?}"
        );
        let answer = call(&a, "GET", &format!("{base}/api/v1/rate/pair"), cookie, None);
        assert_eq!((answer.0, &answer.1), (200, &json!({"paired": false})));
    }
    // A kiosk's token is no tablet's.
    let mut s = OfficeStore::open(db.target()).unwrap();
    let (_, token) = s
        .enroll_device("K2", Role::Kiosk, &[S1], Utc::now())
        .unwrap();
    let cookie = format!("motcua_tablet={token}");
    let answer = call(&a, "GET", &view, Some(&cookie), None);
    assert_eq!(code_of(&answer), (401, Some("tablet_not_paired")));
    let total = s.report(S1, today(), today(), TZ).unwrap().total;
    assert_eq!((total.served, total.ratings.very_satisfied), (1, 0));
}

fn a_code_pairs_once_and_the_tablet_rates_only_its_own_counter(b: Backend) {
    let db = TestDb::new(b);
    let office = office(&db);
    let base = office.url();
    let out = motcua_office(
        &db,
        &[
            "enroll-device",
            "--tablet",
            "--counter",
            "2",
            "--name",
            "Bảng quầy 2",
        ],
    );
    assert!(out.contains("/rate/2"), "{out}");
    let code2 = printed_code(&out);
    let code1 = printed_code(&motcua_office(
        &db,
        &[
            "enroll-device",
            "--tablet",
            "--counter",
            "1",
            "--name",
            "Bảng quầy 1",
        ],
    ));

    // Typed as a person might: lower case, without the dash.
    let answer = pair(&base, &code2.to_lowercase().replace('-', ""));
    assert_eq!(answer.0, 200, "{}", answer.1);
    assert_eq!(
        (answer.1["counter"].as_u64(), answer.1["name"].as_str()),
        (Some(2), Some("Bảng quầy 2"))
    );
    let tablet2 = answer.2.unwrap();
    assert!(tablet2.starts_with("motcua_tablet="), "{tablet2}");
    assert_eq!(
        code_of(&pair(&base, &code2)),
        (401, Some("bad_code")),
        "a code works once"
    );
    let tablet1 = pair(&base, &code1).2.unwrap();

    // The cookie as the browser gets it.
    let code3 = printed_code(&motcua_office(
        &db,
        &[
            "enroll-device",
            "--tablet",
            "--counter",
            "3",
            "--name",
            "Bảng quầy 3",
        ],
    ));
    let resp = agent()
        .post(&format!("{base}/api/v1/rate/pair"))
        .send_json(json!({ "code": code3 }))
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let set = resp.headers().get("set-cookie").unwrap().to_str().unwrap();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=34560000"] {
        assert!(set.contains(part), "{set}");
    }

    let a = agent();
    let answer = call(
        &a,
        "GET",
        &format!("{base}/api/v1/rate/pair"),
        Some(&tablet2),
        None,
    );
    assert_eq!(
        answer.1,
        json!({"paired": true, "counter": 2, "name": "Bảng quầy 2"})
    );
    let ticket = serve_one(&base, 2);
    let view = format!("{base}/api/v1/rate/2");
    let answer = call(&a, "GET", &view, Some(&tablet2), None);
    assert_eq!(answer.0, 200, "{}", answer.1);
    assert_eq!(
        answer.1["pending"]["ticket_id"].as_str(),
        Some(ticket.as_str())
    );

    // Counter 1's tablet can neither see nor rate counter 2, nor follow its stream.
    let rating = json!({"ticket_id": ticket, "score": "unsatisfied", "reasons": ["long_wait"]});
    let answer = call(&a, "GET", &view, Some(&tablet1), None);
    assert_eq!(code_of(&answer), (403, Some("wrong_counter")));
    let answer = call(&a, "POST", &view, Some(&tablet1), Some(rating.clone()));
    assert_eq!(code_of(&answer), (403, Some("wrong_counter")));
    let stream = format!("{base}/api/v1/stream?view=rate&counter=2");
    let answer = call(&a, "GET", &stream, Some(&tablet1), None);
    assert_eq!(code_of(&answer), (403, Some("wrong_counter")));

    let answer = call(&a, "POST", &view, Some(&tablet2), Some(rating));
    assert_eq!(answer.0, 204, "{}", answer.1);
    let s = OfficeStore::open(db.target()).unwrap();
    let report = s.report(S1, today(), today(), TZ).unwrap();
    assert_eq!(
        (report.total.served, report.total.ratings.unsatisfied),
        (1, 1)
    );
}

fn an_expired_code_is_refused(b: Backend) {
    let db = TestDb::new(b);
    let office = office(&db);
    let mut s = OfficeStore::open(db.target()).unwrap();
    let long_ago = Utc::now() - TimeDelta::hours(25);
    let (_, code) = s.enroll_tablet(S1, "Bảng quầy 1", 1, long_ago).unwrap();
    let answer = pair(&office.url(), &code.code);
    assert_eq!(code_of(&answer), (401, Some("code_expired")));
    assert_eq!(answer.2, None);
    // Staff make a new one, which works.
    let stdout = motcua_office(&db, &["pair-tablet", "--name", "Bảng quầy 1"]);
    assert_eq!(pair(&office.url(), &printed_code(&stdout)).0, 200);
}

fn pairing_attempts_are_throttled_per_source(b: Backend) {
    let db = TestDb::new(b);
    let office = office(&db);
    let base = office.url();
    let mut s = OfficeStore::open(db.target()).unwrap();
    let (_, code) = s.enroll_tablet(S1, "Bảng quầy 1", 1, Utc::now()).unwrap();
    // Malformed bodies are refused plainly, and do not count.
    let a = agent();
    let url = format!("{base}/api/v1/rate/pair");
    for body in [json!({"code": 7}), json!({}), json!("x")] {
        let answer = call(&a, "POST", &url, None, Some(body));
        // axum's JSON extractor: 422 for JSON of the wrong shape.
        assert_eq!(code_of(&answer), (422, Some("bad_request")));
    }
    // Only JSON: a form or text another page posts is no pairing attempt.
    let resp = a
        .post(&url)
        .header("content-type", "text/plain")
        .send(json!({ "code": code.code }).to_string())
        .unwrap();
    assert_eq!(resp.status().as_u16(), 415);
    let long = "9".repeat(100_000);
    let bad = [
        "AAAA-AAAA",
        "not a code",
        "\u{0}",
        long.as_str(),
        "ẠẠẠẠ-ẠẠẠẠ",
    ];
    for typed in bad.iter().cycle().take(10) {
        assert_eq!(
            code_of(&pair(&base, typed)),
            (401, Some("bad_code")),
            "{:.20}",
            typed
        );
    }
    let answer = pair(&base, &code.code);
    assert_eq!(code_of(&answer), (429, Some("pairing_throttled")));
    assert_eq!(
        answer.2, None,
        "not even the right code, until the window passes"
    );
    // The code itself is still good for another source (or later).
    assert!(s
        .redeem_pairing_code(&code.code, Utc::now())
        .unwrap()
        .is_ok());
}

fn a_new_code_revokes_the_old_cookie(b: Backend) {
    let db = TestDb::new(b);
    let office = office(&db);
    let base = office.url();
    let out = motcua_office(
        &db,
        &[
            "enroll-device",
            "--tablet",
            "--counter",
            "2",
            "--name",
            "Bảng quầy 2",
        ],
    );
    let old = pair(&base, &printed_code(&out)).2.unwrap();
    let a = agent();
    let view = format!("{base}/api/v1/rate/2");
    assert_eq!(call(&a, "GET", &view, Some(&old), None).0, 200);
    let out = motcua_office(&db, &["pair-tablet", "--name", "Bảng quầy 2"]);
    let answer = call(&a, "GET", &view, Some(&old), None);
    assert_eq!(code_of(&answer), (401, Some("tablet_not_paired")));
    let new = pair(&base, &printed_code(&out)).2.unwrap();
    assert_ne!(new, old);
    assert_eq!(call(&a, "GET", &view, Some(&new), None).0, 200);
    assert_eq!(call(&a, "GET", &view, Some(&old), None).0, 401);
    // An unknown name is an error, not a new tablet.
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["office", "pair-tablet", "--name", "Bảng quầy 9", "--db"])
        .arg(db.target())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no single active tablet"));
}

/// The site a new office database starts with.
const S1: motcua::office::store::SiteId = motcua::office::store::SiteId(1);
