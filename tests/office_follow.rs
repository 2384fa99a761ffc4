//! The follow page's data over real HTTP on 127.0.0.1, on SQLite and on PostgreSQL: a ticket
//! is found by its follow token only (never by its number or id), shows its place in the
//! calling order, the number being called and the wait, follows it through call, service,
//! no-show and transfer live over its stream, is over once its day is; a kiosk's bad or
//! borrowed token costs the ticket only its page; nothing personal reaches the page or the
//! log.

#[path = "support/office_db.rs"]
mod office_db;

#[path = "support/http_client.rs"]
mod http_client;

#[path = "support/sse.rs"]
mod sse;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use http_client::{agent, call};
use motcua::office::counters::QueueDef;
use motcua::office::{Device, OfficeStore, Role};
use motcua::protocol::EVENT_TICKET_ISSUED;
use office_db::{both_backends, Backend, TestDb};
use serde_json::{json, Value};
use sse::next_snapshot;

both_backends! {
    a_ticket_is_followed_by_its_token_through_its_day,
    the_stream_follows_a_call_and_the_page_has_no_one_in_it,
    bad_or_borrowed_tokens_cost_only_the_page,
}

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;
const S1: motcua::office::store::SiteId = motcua::office::store::SiteId(1);

fn today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&TZ).date_naive()
}

/// Every log line the office writes in this test binary (it runs in-process).
fn logged() -> &'static Mutex<Vec<String>> {
    static LINES: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    LINES.get_or_init(|| {
        struct Collect;
        impl log::Log for Collect {
            fn enabled(&self, _: &log::Metadata) -> bool {
                true
            }
            fn log(&self, r: &log::Record) {
                // The office's own records (the test's HTTP client logs its URLs).
                if !r.target().starts_with("motcua") {
                    return;
                }
                let line = format!("{} {}: {}", r.level(), r.target(), r.args());
                logged().lock().unwrap().push(line);
            }
            fn flush(&self) {}
        }
        static COLLECT: Collect = Collect;
        let _ = log::set_logger(&COLLECT);
        log::set_max_level(log::LevelFilter::Trace);
        Mutex::new(Vec::new())
    })
}

/// A ticket as a kiosk reports it: `label` "A3" issued `minutes` ago, with `token`.
fn ticket(label: &str, minutes: i64, priority: &str, token: Option<&str>) -> (String, String) {
    ticket_on(label, minutes, priority, token, today())
}

fn ticket_on(
    label: &str,
    minutes: i64,
    priority: &str,
    token: Option<&str>,
    day: chrono::NaiveDate,
) -> (String, String) {
    let (queue, number) = label.split_at(1);
    let field = if queue == "A" { "HT" } else { "DD" };
    let mut payload = json!({
        "id": format!("ticket-{label}-{day}"), "queue": queue, "number": number.parse::<u32>().unwrap(),
        "business_date": day, "issued_at": Utc::now() - TimeDelta::minutes(minutes),
        "field": field, "priority": priority, "state": "waiting",
    });
    if let Some(t) = token {
        payload["follow_token"] = json!(t);
    }
    (format!("event-{label}-{day}"), payload.to_string())
}

/// Queues A (civil status) and B (land), two clerks (c1, c2, password "mat-khau-N"), the
/// kiosk that reports tickets.
fn seed(db: &TestDb) -> (OfficeStore, Device) {
    logged();
    let mut s = OfficeStore::open(db.target()).unwrap();
    let kiosk = s
        .enroll_device("Kiosk sảnh", Role::Kiosk, &[S1], Utc::now())
        .unwrap()
        .0;
    s.set_queues(
        S1,
        &[QueueDef::new("A", &["HT"]), QueueDef::new("B", &["DD"])],
    )
    .unwrap();
    for c in 1..=2 {
        s.add_clerk(
            Some(S1),
            &format!("c{c}"),
            &format!("Cán bộ {c}"),
            &format!("mat-khau-{c}"),
            motcua::office::counters::ClerkRole::Clerk,
            false,
            Utc::now(),
        )
        .unwrap();
    }
    (s, kiosk)
}

fn push(s: &mut OfficeStore, kiosk: &Device, tickets: &[(String, String)]) {
    let batch: Vec<(&str, &str, &str)> = tickets
        .iter()
        .map(|(e, p)| (e.as_str(), EVENT_TICKET_ISSUED, p.as_str()))
        .collect();
    s.apply_events(kiosk, &batch, Utc::now()).unwrap();
}

fn token() -> String {
    motcua::follow::new_token().unwrap()
}

fn login(base: &str, clerk: u32, counter: u32, queues: &[&str]) -> String {
    let (status, body, cookie) = call(
        &agent(),
        "POST",
        &format!("{base}/api/v1/clerk/login"),
        None,
        Some(
            json!({"username": format!("c{clerk}"), "password": format!("mat-khau-{clerk}"),
                    "counter": counter, "queues": queues}),
        ),
    );
    assert_eq!(status, 200, "{body}");
    cookie.unwrap()
}

fn act(base: &str, cookie: &str, action: &str, body: Option<Value>) -> Value {
    let url = format!("{base}/api/v1/counter/{action}");
    let (status, view, _) = call(&agent(), "POST", &url, Some(cookie), body);
    assert_eq!(status, 200, "{action}: {view}");
    view
}

fn follow(base: &str, token: &str) -> (u16, Value) {
    let (status, body, _) = call(
        &agent(),
        "GET",
        &format!("{base}/api/v1/follow/{token}"),
        None,
        None,
    );
    (status, body)
}

/// The page: status, its headers and its text.
fn page(base: &str, path: &str) -> (u16, ureq::http::HeaderMap, String) {
    let mut resp = agent().get(&format!("{base}{path}")).call().unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, headers, resp.body_mut().read_to_string().unwrap())
}

/// The JSON the page starts from.
fn start_of(html: &str) -> Value {
    let from = html.find("id=\"start\">").unwrap() + "id=\"start\">".len();
    let to = from + html[from..].find("</script>").unwrap();
    serde_json::from_str(&html[from..to]).unwrap()
}

fn a_ticket_is_followed_by_its_token_through_its_day(b: Backend) {
    let db = TestDb::new(b);
    let (mut s, kiosk) = seed(&db);
    let (mine, later, transferred, old) = (token(), token(), token(), token());
    let yesterday = today().pred_opt().unwrap();
    push(
        &mut s,
        &kiosk,
        &[
            ticket("A1", 30, "none", Some(&token())),
            ticket("A2", 20, "elderly", Some(&token())),
            ticket("A3", 10, "none", Some(&mine)),
            ticket("A4", 5, "none", Some(&later)),
            ticket("B1", 8, "none", Some(&transferred)),
            ticket_on("A9", 0, "none", Some(&old), yesterday),
        ],
    );
    drop(s);
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let base = office.url();

    // Waiting, nobody at a counter yet: the priority ticket and the earlier one go first.
    let (status, v) = follow(&base, &mine);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["state"], "waiting");
    assert_eq!(v["label"], "A003");
    assert_eq!(v["field_vi"], "Hộ tịch");
    assert_eq!(v["business_date"], today().to_string());
    assert_eq!(v["ahead"], 2);
    assert_eq!(v["counters_open"], 0);
    assert!(
        v.get("wait_minutes").is_none() && v.get("serving").is_none(),
        "{v}"
    );
    // The page carries the same state, and its own policy naming its inline code by hash.
    let (status, headers, html) = page(&base, &format!("/t/{mine}"));
    assert_eq!(status, 200);
    let start = start_of(&html);
    assert_eq!(start["status"], "found");
    assert_eq!(start["view"], v);
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'sha256-") && csp.contains("connect-src 'self'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert!(html.len() < 30_000, "the page is {} bytes", html.len());

    // A clerk opens counter 2 for A and calls: the priority ticket comes first.
    let c1 = login(&base, 1, 2, &["A"]);
    act(&base, &c1, "next", None);
    let (_, v) = follow(&base, &mine);
    assert_eq!(
        (v["ahead"].as_u64(), v["serving"].as_str()),
        (Some(1), Some("A002"))
    );
    assert_eq!(v["counters_open"], 1);
    // No service time measured yet: 5 minutes a citizen are guessed.
    assert_eq!(v["wait_minutes"], 5);
    act(&base, &c1, "start", None);
    act(&base, &c1, "next", None);
    act(&base, &c1, "start", None);
    let called = act(&base, &c1, "next", None);
    assert_eq!(called["current"]["label"], "A003");
    let (_, v) = follow(&base, &mine);
    assert_eq!(
        (v["state"].as_str(), v["counter"].as_u64()),
        (Some("called"), Some(2))
    );
    assert!(v.get("ahead").is_none(), "{v}");
    act(&base, &c1, "start", None);
    assert_eq!(follow(&base, &mine).1["state"], "serving");
    // Next finishes A003 and calls A004, who does not come.
    act(&base, &c1, "next", None);
    assert_eq!(follow(&base, &mine).1["state"], "done");
    act(&base, &c1, "no-show", None);
    let (_, v) = follow(&base, &later);
    assert_eq!(
        (v["state"].as_str(), v["counter"].as_u64()),
        (Some("no_show"), Some(2))
    );
    let until = chrono::DateTime::parse_from_rfc3339(v["recall_until"].as_str().unwrap()).unwrap();
    let left = until.with_timezone(&Utc) - Utc::now();
    assert!(
        left > TimeDelta::minutes(14) && left <= TimeDelta::minutes(15),
        "{left}"
    );

    // B1 is called at counter 3 and sent to line A: waiting again, keeping its place.
    let c2 = login(&base, 2, 3, &["B"]);
    act(&base, &c2, "next", None);
    act(&base, &c2, "transfer", Some(json!({"queue": "A"})));
    let (_, v) = follow(&base, &transferred);
    assert_eq!(v["state"], "waiting", "{v}");
    assert_eq!(v["transferred_queue"], "A");
    assert_eq!(v["label"], "B001");
    assert_eq!(v["ahead"], 0);

    // Yesterday's ticket shows nothing but its day.
    let (_, v) = follow(&base, &old);
    assert_eq!(
        v,
        json!({"state": "expired", "business_date": yesterday.to_string()})
    );

    // Only the token finds a ticket: not its number, not its id, not a token of no ticket.
    for path in ["A003", "ticket-A3", "1", &mine[..21], &format!("{mine}x")] {
        let (status, body) = follow(&base, path);
        assert_eq!(
            (status, body["code"].as_str()),
            (404, Some("unknown_ticket")),
            "{path}"
        );
        let (status, _, html) = page(&base, &format!("/t/{path}"));
        assert_eq!(
            (status, start_of(&html)["status"].as_str()),
            (404, Some("invalid"))
        );
    }
    let (status, _, html) = page(&base, &format!("/t/{}", token()));
    assert_eq!(
        (status, start_of(&html)["status"].as_str()),
        (200, Some("unknown"))
    );
    office.shutdown();
}

fn open_stream(
    office: &motcua::office::OfficeHandle,
    token: &str,
) -> (String, BufReader<TcpStream>) {
    let mut tcp = TcpStream::connect(office.addr()).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        tcp,
        "GET /api/v1/stream?view=follow&ticket={token} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(tcp);
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    (status, reader)
}

fn the_stream_follows_a_call_and_the_page_has_no_one_in_it(b: Backend) {
    let db = TestDb::new(b);
    let (mut s, kiosk) = seed(&db);
    let mine = token();
    // A pregnant citizen's ticket: the page must not say so.
    push(&mut s, &kiosk, &[ticket("A7", 3, "pregnant", Some(&mine))]);
    drop(s);
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let base = office.url();
    let (status, mut reader) = open_stream(&office, &mine);
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    let first = next_snapshot(&mut reader);
    assert_eq!(
        (first["state"].as_str(), first["ahead"].as_u64()),
        (Some("waiting"), Some(0))
    );
    let c1 = login(&base, 1, 5, &["A"]);
    act(&base, &c1, "next", None);
    let called = loop {
        let s = next_snapshot(&mut reader);
        if s["state"] == "called" {
            break s;
        }
    };
    assert_eq!(called["counter"], 5);
    // Nothing about the citizen or the ticket's identity in the page or its data.
    let (_, _, html) = page(&base, &format!("/t/{mine}"));
    for text in [html.as_str(), &called.to_string()] {
        for secret in ["pregnant", "ticket-A7", "Cán bộ", "c1", "Kiosk sảnh"] {
            assert!(!text.contains(secret), "{secret:?} in {text}");
        }
    }
    // A stream for a token no ticket has is refused with a code the page understands.
    let (status, mut reader) = open_stream(&office, &token());
    assert!(status.starts_with("HTTP/1.1 404"), "{status}");
    let mut rest = String::new();
    while reader.read_line(&mut rest).unwrap_or(0) > 0 && !rest.contains("unknown_ticket") {}
    assert!(rest.contains("unknown_ticket"), "{rest}");
    office.shutdown();
    // Tokens are keys: none is ever written to the log.
    let lines = logged().lock().unwrap();
    assert!(!lines.is_empty());
    for line in lines.iter() {
        assert!(!line.contains(&mine), "{line}");
    }
}

fn bad_or_borrowed_tokens_cost_only_the_page(b: Backend) {
    let db = TestDb::new(b);
    let (mut s, kiosk) = seed(&db);
    let taken = token();
    push(
        &mut s,
        &kiosk,
        &[
            ticket("A1", 9, "none", Some(&taken)),
            // Another ticket claiming A1's token, and one with a token of the wrong shape.
            ticket("A2", 8, "none", Some(&taken)),
            ticket("A3", 7, "none", Some("<script>alert(1)</script>")),
        ],
    );
    // All three tickets are kept; the token stays A1's.
    assert_eq!(s.ticket_count().unwrap(), 3);
    let view = s
        .follow_view(&taken, Utc::now(), today())
        .unwrap()
        .unwrap()
        .1;
    assert_eq!(view.label.as_deref(), Some("A001"));
    // Reopened, the database still has them.
    drop(s);
    let s = OfficeStore::open(db.target()).unwrap();
    assert_eq!(s.ticket_count().unwrap(), 3);
    let lines = logged().lock().unwrap();
    let warned: Vec<_> = lines
        .iter()
        .filter(|l| l.contains("follow token"))
        .collect();
    assert!(
        warned
            .iter()
            .any(|l| l.contains("ticket-A2") && l.contains("another ticket's")),
        "{warned:?}"
    );
    assert!(
        warned
            .iter()
            .any(|l| l.contains("ticket-A3") && l.contains("is not a follow token")),
        "{warned:?}"
    );
    for l in &warned {
        assert!(!l.contains(&taken) && !l.contains("<script>"), "{l}");
    }
}
