//! The counters over real HTTP on 127.0.0.1, on SQLite and on PostgreSQL: twenty clerks
//! pressing "next" at once on two office servers sharing one database never get one ticket
//! twice; logins slow down after wrong passwords; the live stream sends the board again when a
//! call is made; reports, their CSV and their charts are for lead clerks only; the pages and
//! the voice clips are served from the binary.

#[path = "support/office_db.rs"]
mod office_db;

#[path = "support/ticket_events.rs"]
mod ticket_events;

#[path = "support/http_client.rs"]
mod http_client;

#[path = "support/sse.rs"]
mod sse;

use http_client::{agent, call};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use chrono::Utc;
use motcua::office::counters::QueueDef;
use motcua::office::{OfficeStore, Role};
use office_db::{both_backends, Backend, TestDb};
use serde_json::json;
use sse::next_snapshot;

both_backends! {
    twenty_counters_calling_at_once_never_get_one_ticket_twice,
    logins_slow_down_after_wrong_passwords_and_sessions_need_their_cookie,
    the_stream_sends_the_board_again_after_a_call,
    reports_and_csv_are_for_lead_clerks,
    report_charts_are_svg_for_lead_clerks,
}

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;

fn today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&TZ).date_naive()
}

/// An office database with queues A and B, `tickets` waiting tickets in A (every fifth a
/// priority one) and clerks `c1`… `c{clerks}` (password "mat-khau-N"; c1 is a lead).
fn seed(db: &TestDb, tickets: u32, clerks: u32) {
    let mut s = OfficeStore::open(db.target()).unwrap();
    let kiosk = s
        .enroll_device("Kiosk", Role::Kiosk, &[S1], Utc::now())
        .unwrap()
        .0;
    s.set_queues(
        S1,
        &[QueueDef::new("A", &["HT"]), QueueDef::new("B", &["DD"])],
    )
    .unwrap();
    let events: Vec<(String, String)> = (1..=tickets)
        .map(|n| {
            let payload = json!({
                "id": format!("t{n}"), "queue": "A", "number": n, "business_date": today(),
                "issued_at": Utc::now() - chrono::TimeDelta::seconds(i64::from(tickets - n)),
                "field": "HT", "priority": if n % 5 == 0 { "elderly" } else { "none" },
                "state": "waiting",
            });
            (format!("e{n}"), payload.to_string())
        })
        .collect();
    let batch = ticket_events::tickets_issued(&events);
    s.apply_events(&kiosk, &batch, Utc::now()).unwrap();
    for c in 1..=clerks {
        s.add_clerk(
            Some(S1),
            &format!("c{c}"),
            &format!("Cán bộ {c}"),
            &format!("mat-khau-{c}"),
            if c == 1 {
                motcua::office::counters::ClerkRole::SiteLead
            } else {
                motcua::office::counters::ClerkRole::Clerk
            },
            false,
            Utc::now(),
        )
        .unwrap();
    }
}

fn login(agent: &ureq::Agent, base: &str, clerk: u32, counter: u32, queues: &[&str]) -> String {
    let (status, body, cookie) = call(
        agent,
        "POST",
        &format!("{base}/api/v1/clerk/login"),
        None,
        Some(
            json!({"username": format!("c{clerk}"), "password": format!("mat-khau-{clerk}"),
                    "counter": counter, "queues": queues}),
        ),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["counter"], counter);
    cookie.expect("a session cookie")
}

fn twenty_counters_calling_at_once_never_get_one_ticket_twice(b: Backend) {
    let _ = env_logger::builder().is_test(true).try_init();
    let db = TestDb::new(b);
    seed(&db, 300, 20);
    // Two office servers on one database: the database, not a lock in one process, keeps
    // two counters from one ticket.
    let offices = [
        motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap(),
        motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap(),
    ];
    let urls: Vec<String> = offices.iter().map(|o| o.url()).collect();
    let barrier = Arc::new(Barrier::new(20));
    let threads: Vec<_> = (1..=20u32)
        .map(|c| {
            let base = urls[c as usize % 2].clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let agent = agent();
                let cookie = login(&agent, &base, c, c, &["A"]);
                barrier.wait();
                let mut got = Vec::new();
                loop {
                    let (status, body, _) = call(
                        &agent,
                        "POST",
                        &format!("{base}/api/v1/counter/next"),
                        Some(&cookie),
                        None,
                    );
                    if status == 409 && body["code"] == "nobody_waiting" {
                        return got;
                    }
                    assert_eq!(status, 200, "counter {c}: {body}");
                    got.push(body["current"]["id"].as_str().unwrap().to_string());
                    let (status, body, _) = call(
                        &agent,
                        "POST",
                        &format!("{base}/api/v1/counter/start"),
                        Some(&cookie),
                        None,
                    );
                    assert_eq!(status, 200, "counter {c}: {body}");
                }
            })
        })
        .collect();
    let per_counter: Vec<Vec<String>> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let all: Vec<&String> = per_counter.iter().flatten().collect();
    let unique: HashSet<&String> = all.iter().copied().collect();
    assert_eq!(all.len(), 300, "every ticket called");
    assert_eq!(unique.len(), 300, "no ticket called twice");
    let busy = per_counter.iter().filter(|v| !v.is_empty()).count();
    assert!(busy >= 10, "only {busy} counters got tickets");
    drop(offices);
    let s = OfficeStore::open(db.target()).unwrap();
    let r = s.report(S1, today(), today(), TZ).unwrap();
    assert_eq!(r.total.tickets, 300);
    // Each "next" finished the ticket being served, the last one too (nobody was left).
    assert_eq!(r.total.served, 300);
    assert_eq!(r.counters.len(), busy);
}

fn logins_slow_down_after_wrong_passwords_and_sessions_need_their_cookie(b: Backend) {
    let db = TestDb::new(b);
    seed(&db, 3, 2);
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let base = office.url();
    let a = agent();
    let url = format!("{base}/api/v1/clerk/login");
    let attempt = |password: &str| {
        call(
            &a,
            "POST",
            &url,
            None,
            Some(json!({"username": "c2", "password": password, "counter": 2, "queues": ["A"]})),
        )
    };
    for _ in 0..3 {
        let (status, body, cookie) = attempt("sai-mat-khau");
        assert_eq!((status, body["code"].as_str()), (401, Some("bad_login")));
        assert!(cookie.is_none());
    }
    // Slowed down now from this machine, even with the right password.
    let (status, body, _) = attempt("mat-khau-2");
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("throttled")),
        "{body}"
    );
    // Another clerk is not locked; an unknown one just fails.
    let cookie = login(&a, &base, 1, 1, &["A", "B"]);
    let (status, body, _) = call(
        &a,
        "POST",
        &url,
        None,
        Some(json!({"username": "nobody", "password": "x", "counter": 3, "queues": ["A"]})),
    );
    assert_eq!((status, body["code"].as_str()), (401, Some("bad_login")));
    // Malformed bodies and unknown actions get a 4xx with a code.
    let (status, body, _) = call(&a, "POST", &url, None, Some(json!({"user": "c1"})));
    assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")));
    let (status, _, _) = call(
        &a,
        "POST",
        &format!("{base}/api/v1/counter/dance"),
        Some(&cookie),
        None,
    );
    assert_eq!(status, 404);
    // Without the cookie, or with a forged one, nothing happens.
    for cookie in [None, Some("motcua_session=forged")] {
        let (status, body, _) = call(
            &a,
            "POST",
            &format!("{base}/api/v1/counter/next"),
            cookie,
            None,
        );
        assert_eq!((status, body["code"].as_str()), (401, Some("login")));
    }
    let (status, body, _) = call(
        &a,
        "POST",
        &format!("{base}/api/v1/counter/next"),
        Some(&cookie),
        None,
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["current"]["label"], "A001");
    // Logged out, the cookie is dead and the counter closed.
    let (status, _, _) = call(
        &a,
        "POST",
        &format!("{base}/api/v1/clerk/logout"),
        Some(&cookie),
        None,
    );
    assert_eq!(status, 204);
    let (status, _, _) = call(
        &a,
        "GET",
        &format!("{base}/api/v1/counter"),
        Some(&cookie),
        None,
    );
    assert_eq!(status, 401);
    let (_, board, _) = call(&a, "GET", &format!("{base}/api/v1/board"), None, None);
    assert_eq!(board["counters"], json!([]));
    // The login form's queue names come from the catalogue.
    let (_, options, _) = call(
        &a,
        "GET",
        &format!("{base}/api/v1/clerk/options"),
        None,
        None,
    );
    assert_eq!(options["queues"][0]["prefix"], "A");
    assert_eq!(options["queues"][0]["name_vi"], "Hộ tịch");
}

fn the_stream_sends_the_board_again_after_a_call(b: Backend) {
    let db = TestDb::new(b);
    seed(&db, 3, 1);
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let base = office.url();
    let mut tcp = TcpStream::connect(office.addr()).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        tcp,
        "GET /api/v1/stream?view=board HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(tcp);
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    // Headers, then the body is chunked: chunk-size lines are neither events nor data.
    let first = next_snapshot(&mut reader);
    assert_eq!(first["recent"], json!([]));
    let a = agent();
    let cookie = login(&a, &base, 1, 4, &["A"]);
    let (status, _, _) = call(
        &a,
        "POST",
        &format!("{base}/api/v1/counter/next"),
        Some(&cookie),
        None,
    );
    assert_eq!(status, 200);
    // The login changed the board (counter 4 opened); the call follows.
    let board = loop {
        let s = next_snapshot(&mut reader);
        if s["recent"].as_array().is_some_and(|r| !r.is_empty()) {
            break s;
        }
    };
    assert_eq!(board["recent"][0]["label"], "A001");
    assert_eq!(board["recent"][0]["counter"], 4);
    assert_eq!(
        board["recent"][0]["say"],
        json!(["moi_cong_dan", "letter_a", "mot", "den_quay_so", "bon"])
    );
    assert_eq!(board["counters"][0]["label"], "A001");
    // Stopping the office ends the stream at once, rather than after the 5 s grace.
    let started = std::time::Instant::now();
    office.shutdown();
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "stop took {:?}",
        started.elapsed()
    );
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut reader, &mut rest);
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let base = office.url();
    // A counter stream without a session is refused at once.
    let (status, body, _) = call(
        &a,
        "GET",
        &format!("{base}/api/v1/stream?view=counter"),
        None,
        None,
    );
    assert_eq!((status, body["code"].as_str()), (401, Some("login")));
}

fn reports_and_csv_are_for_lead_clerks(b: Backend) {
    let db = TestDb::new(b);
    seed(&db, 4, 2);
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let base = office.url();
    let a = agent();
    let lead = login(&a, &base, 1, 1, &["A"]);
    let clerk = login(&a, &base, 2, 2, &["A"]);
    for action in ["next", "start", "finish", "next"] {
        let (status, body, _) = call(
            &a,
            "POST",
            &format!("{base}/api/v1/counter/{action}"),
            Some(&clerk),
            None,
        );
        assert_eq!(status, 200, "{action}: {body}");
    }
    // Counter 2's paired tablet sees the finished ticket.
    let code = OfficeStore::open(db.target())
        .unwrap()
        .enroll_tablet(S1, "Bảng quầy 2", 2, Utc::now())
        .unwrap()
        .1
        .code;
    let pair = format!("{base}/api/v1/rate/pair");
    let (_, _, tablet) = call(&a, "POST", &pair, None, Some(json!({ "code": code })));
    let tablet = tablet.expect("the tablet cookie");
    let (status, body, _) = call(
        &a,
        "GET",
        &format!("{base}/api/v1/rate/2"),
        Some(&tablet),
        None,
    );
    assert_eq!(status, 200, "{body}");
    let day = today();
    let q = format!("from={day}&to={day}");
    let (status, body, _) = call(
        &a,
        "GET",
        &format!("{base}/api/v1/reports?{q}"),
        Some(&clerk),
        None,
    );
    assert_eq!((status, body["code"].as_str()), (403, Some("not_lead")));
    let (status, _, _) = call(&a, "GET", &format!("{base}/api/v1/reports?{q}"), None, None);
    assert_eq!(status, 401);
    let (status, r, _) = call(
        &a,
        "GET",
        &format!("{base}/api/v1/reports?{q}"),
        Some(&lead),
        None,
    );
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["total"]["tickets"], 4);
    assert_eq!(r["total"]["served"], 1);
    assert_eq!(r["clerks"][0]["key"], "c2");
    assert_eq!(r["clerks"][0]["name"], "Cán bộ 2");
    let (status, bad, _) = call(
        &a,
        "GET",
        &format!("{base}/api/v1/reports?from={day}&to=2020-01-01"),
        Some(&lead),
        None,
    );
    assert_eq!((status, bad["code"].as_str()), (400, Some("bad_request")));
    let mut resp = a
        .get(format!("{base}/api/v1/reports.csv?{q}"))
        .header("cookie", &lead)
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let disposition = resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.contains(&format!("motcua-{day}-{day}.csv")),
        "{disposition}"
    );
    let csv = resp.body_mut().read_to_vec().unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(csv).unwrap();
    assert!(text.contains("\nclerk,c2,Cán bộ 2,2,1,0,"), "{text}");
    assert_eq!(text.matches(&format!("\n{day},A00")).count(), 4, "{text}");
    // The pages and the voice clips come from the binary.
    for (path, kind) in [
        ("/counter", "text/html"),
        ("/board", "text/html"),
        ("/rate/2", "text/html"),
        ("/reports", "text/html"),
        ("/", "text/html"),
        ("/static/motcua.js", "text/javascript"),
        ("/static/index.js", "text/javascript"),
        ("/static/counter.js", "text/javascript"),
        ("/static/board.js", "text/javascript"),
        ("/static/rate.js", "text/javascript"),
        ("/static/reports.js", "text/javascript"),
        ("/static/motcua.css", "text/css"),
        ("/static/voice/chime.wav", "audio/wav"),
        ("/static/voice/moi_cong_dan.wav", "audio/wav"),
        ("/static/fonts/NotoSans-Regular.ttf", "font/ttf"),
        ("/static/fonts/NotoSans-Bold.ttf", "font/ttf"),
    ] {
        let mut resp = a.get(format!("{base}{path}")).call().unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{path}");
        let ct = resp.headers()["content-type"].to_str().unwrap().to_string();
        assert!(ct.starts_with(kind), "{path}: {ct}");
        let body = resp
            .body_mut()
            .with_config()
            .limit(10 << 20)
            .read_to_vec()
            .unwrap();
        if kind == "audio/wav" {
            assert!(body.starts_with(b"RIFF") && body.len() > 1000, "{path}");
        }
        if kind == "font/ttf" {
            // The kiosk's own Noto Sans, byte for byte.
            let font: &[u8] = if path.contains("Bold") {
                motcua::assets::FONT_BOLD
            } else {
                motcua::assets::FONT_REGULAR
            };
            assert!(body == font, "{path}");
        }
    }
    let resp = a
        .get(format!("{base}/static/voice/nope.wav"))
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
}

/// The site a new office database starts with.
const S1: motcua::office::store::SiteId = motcua::office::store::SiteId(1);

/// GET `url` with `cookie`: (status, content type, body as text).
fn get_text(a: &ureq::Agent, url: &str, cookie: Option<&str>) -> (u16, String, String) {
    let mut req = a.get(url);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let mut resp = req.call().unwrap();
    let ct = resp.headers().get("content-type");
    let ct = ct
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let text = resp.body_mut().read_to_string().unwrap();
    (resp.status().as_u16(), ct, text)
}

fn report_charts_are_svg_for_lead_clerks(b: Backend) {
    let db = TestDb::new(b);
    seed(&db, 4, 2);
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let base = office.url();
    let a = agent();
    let lead = login(&a, &base, 1, 1, &["A"]);
    let clerk = login(&a, &base, 2, 2, &["A"]);
    for action in ["next", "start", "finish", "next"] {
        let url = format!("{base}/api/v1/counter/{action}");
        let (status, body, _) = call(&a, "POST", &url, Some(&clerk), None);
        assert_eq!(status, 200, "{action}: {body}");
    }
    let day = today();
    let chart = |name: &str, extra: &str| {
        format!("{base}/api/v1/reports/chart/{name}?from={day}&to={day}{extra}")
    };
    // Each chart, as SVG, to a lead only.
    for name in ["hours.svg", "wait.svg", "satisfaction.svg", "on-time.svg"] {
        let (status, ct, svg) = get_text(&a, &chart(name, ""), Some(&lead));
        assert_eq!(status, 200, "{name}: {svg}");
        assert!(ct.starts_with("image/svg+xml"), "{name}: {ct}");
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{svg}"
        );
        assert!(
            svg.contains("role=\"img\"") && svg.contains("<desc id="),
            "{svg}"
        );
        assert!(!svg.contains("style") && !svg.contains("<script"), "{svg}");
        let (status, body, _) = call(&a, "GET", &chart(name, ""), Some(&clerk), None);
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("not_lead")),
            "{name}"
        );
        let (status, body, _) = call(&a, "GET", &chart(name, ""), None, None);
        assert_eq!(
            (status, body["code"].as_str()),
            (401, Some("login")),
            "{name}"
        );
    }
    // Today's four tickets, two of them called; nothing rated and no dossier resolved.
    let (_, _, hours) = get_text(&a, &chart("hours.svg", ""), Some(&lead));
    assert!(
        hours.contains(">Số phiếu theo giờ trong ngày</text>"),
        "{hours}"
    );
    assert!(
        hours.contains("<desc id=\"chart-hours-desc\">4 phiếu trong kỳ;"),
        "{hours}"
    );
    let (_, _, en) = get_text(&a, &chart("hours.svg", "&lang=en"), Some(&lead));
    assert!(en.contains("4 tickets in the period; busiest at "), "{en}");
    let (_, _, wait) = get_text(&a, &chart("wait.svg", ""), Some(&lead));
    assert!(
        wait.contains("<circle") && !wait.contains("Không có dữ liệu"),
        "{wait}"
    );
    for name in ["satisfaction.svg", "on-time.svg"] {
        let (_, _, svg) = get_text(&a, &chart(name, ""), Some(&lead));
        assert!(svg.contains(">Không có dữ liệu trong kỳ.</text>"), "{svg}");
    }
    // Bad names, languages and ranges get the error body, not a chart.
    let cases = [
        ("nope.svg", format!("from={day}&to={day}"), 404, "not_found"),
        ("hours", format!("from={day}&to={day}"), 404, "not_found"),
        (
            "hours.svg",
            format!("from={day}&to={day}&lang=fr"),
            400,
            "bad_request",
        ),
        (
            "hours.svg",
            format!("from={day}&to=2020-01-01"),
            400,
            "bad_request",
        ),
        (
            "hours.svg",
            "from=12/01/2026".to_string(),
            400,
            "bad_request",
        ),
        (
            "hours.svg",
            "from=2020-01-01&to=2026-01-01".to_string(),
            400,
            "bad_request",
        ),
    ];
    for (name, query, status, code) in cases {
        let url = format!("{base}/api/v1/reports/chart/{name}?{query}");
        let (got, body, _) = call(&a, "GET", &url, Some(&lead), None);
        assert_eq!(
            (got, body["code"].as_str()),
            (status, Some(code)),
            "{name}?{query}: {body}"
        );
    }
}
