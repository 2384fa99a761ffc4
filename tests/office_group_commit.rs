//! Group commit (on SQLite the office answers a batch of calls after one commit): twenty
//! counters at two sites pressing "next" at once over real HTTP, with both boards' live
//! streams open, call every ticket of their own site exactly once, and every answered call
//! is in the database once the office stopped (a SQLite file reopened, or PostgreSQL, which
//! keeps one transaction per call); and an office process on a SQLite file killed with
//! SIGKILL right after answering has lost no answered call.

#[path = "support/office_db.rs"]
mod office_db;

#[path = "support/ticket_events.rs"]
mod ticket_events;

#[path = "support/http_client.rs"]
mod http_client;

#[path = "support/office_process.rs"]
mod office_process;

use http_client::{agent, call};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use chrono::Utc;
use motcua::office::counters::{ClerkRole, QueueDef};
use motcua::office::store::SiteId;
use motcua::office::{OfficeStore, Role};
use office_db::{both_backends, Backend, TestDb};
use serde_json::{json, Value};

both_backends! {
    twenty_counters_at_two_sites_call_each_ticket_once_and_every_answer_is_kept,
}

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;
const COUNTERS: u32 = 20;
const S1: SiteId = SiteId(1);
/// The second site's code; counters 1…10 are site 1's, 11…20 this one's.
const SITE2: &str = "xa2";

fn today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&TZ).date_naive()
}

/// An office database with two sites, each with queue A and `tickets` waiting tickets
/// (ids `s1-tN` and `s2-tN`), clerks `c1`… `c10` at site 1 and `c11`… `c20` at the second
/// site (password "mat-khau-N").
fn seed(target: &str, tickets: u32) {
    let mut s = OfficeStore::open(target).unwrap();
    let site2 = s.add_site(SITE2, "Xã Hai", Utc::now()).unwrap().id;
    for (site, prefix) in [(S1, "s1"), (site2, "s2")] {
        let kiosk = s
            .enroll_device(&format!("Kiosk {prefix}"), Role::Kiosk, &[site], Utc::now())
            .unwrap()
            .0;
        s.set_queues(site, &[QueueDef::new("A", &["HT"])]).unwrap();
        let events: Vec<(String, String)> = (1..=tickets)
            .map(|n| {
                let payload = json!({
                    "id": format!("{prefix}-t{n}"), "queue": "A", "number": n,
                    "business_date": today(),
                    "issued_at": Utc::now() - chrono::TimeDelta::seconds(i64::from(tickets - n)),
                    "field": "HT", "priority": if n % 5 == 0 { "elderly" } else { "none" },
                    "state": "waiting",
                });
                (format!("{prefix}-e{n}"), payload.to_string())
            })
            .collect();
        s.apply_events(&kiosk, &ticket_events::tickets_issued(&events), Utc::now())
            .unwrap();
    }
    for c in 1..=COUNTERS {
        s.add_clerk(
            Some(if c <= COUNTERS / 2 { S1 } else { site2 }),
            &format!("c{c}"),
            &format!("Cán bộ {c}"),
            &format!("mat-khau-{c}"),
            ClerkRole::Clerk,
            false,
            Utc::now(),
        )
        .unwrap();
    }
}

/// The ticket-id prefix of counter `c`'s site.
fn site_prefix(c: u32) -> &'static str {
    if c <= COUNTERS / 2 {
        "s1-"
    } else {
        "s2-"
    }
}

/// A logged-in counter's agent and session cookie.
fn login(base: &str, c: u32) -> (ureq::Agent, String) {
    let agent = agent();
    let (status, body, cookie) = call(
        &agent,
        "POST",
        &format!("{base}/api/v1/clerk/login"),
        None,
        Some(
            json!({"username": format!("c{c}"), "password": format!("mat-khau-{c}"),
                    "counter": c, "queues": ["A"]}),
        ),
    );
    assert_eq!(status, 200, "{body}");
    (agent, cookie.expect("a session cookie"))
}

/// Every counter presses "next" (then "start") at once until nobody waits or `stop` is
/// set; returns the answered calls, (ticket id, counter). After `stop` an answer may fail
/// (the office was killed): the calls answered before count.
fn press_next_at_once(
    base: &str,
    stop: Arc<AtomicBool>,
    answered: Arc<AtomicUsize>,
) -> Vec<(String, u32)> {
    let logins: Vec<_> = (1..=COUNTERS).map(|c| login(base, c)).collect();
    let barrier = Arc::new(Barrier::new(COUNTERS as usize));
    let threads: Vec<_> = logins
        .into_iter()
        .zip(1..=COUNTERS)
        .map(|((agent, cookie), c)| {
            let (base, barrier) = (base.to_string(), barrier.clone());
            let (stop, answered) = (stop.clone(), answered.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let mut got = Vec::new();
                let post = |action: &str| {
                    let url = format!("{base}/api/v1/counter/{action}");
                    let answer = try_post(&agent, &url, &cookie);
                    // Once the office is killed, an action may get no answer at all.
                    assert!(
                        answer.is_some() || stop.load(Ordering::SeqCst),
                        "counter {c}: no answer"
                    );
                    answer
                };
                while !stop.load(Ordering::SeqCst) {
                    let Some((status, body)) = post("next") else {
                        break;
                    };
                    if status == 409 && body["code"] == "nobody_waiting" {
                        break;
                    }
                    assert_eq!(status, 200, "counter {c}: {body}");
                    got.push((body["current"]["id"].as_str().unwrap().to_string(), c));
                    answered.fetch_add(1, Ordering::SeqCst);
                    let Some((status, body)) = post("start") else {
                        break;
                    };
                    assert_eq!(status, 200, "counter {c}: {body}");
                }
                got
            })
        })
        .collect();
    threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect()
}

/// Posts an empty action with the session `cookie`: (status, JSON body), or None when no
/// answer came (the connection broke).
fn try_post(agent: &ureq::Agent, url: &str, cookie: &str) -> Option<(u16, Value)> {
    let req = ureq::http::Request::builder()
        .method("POST")
        .uri(url)
        .header("cookie", cookie)
        .header("content-type", "application/json")
        .body(String::new())
        .unwrap();
    let mut resp = agent.run(req).ok()?;
    let text = resp.body_mut().read_to_string().ok()?;
    Some((
        resp.status().as_u16(),
        serde_json::from_str(&text).unwrap_or(Value::Null),
    ))
}

/// The calls the database kept, read on a connection of the test's own: ticket id → the
/// counters it was called at.
fn calls_kept(target: &str) -> HashMap<String, Vec<u32>> {
    const SQL: &str = "SELECT ticket_id, counter FROM call_log WHERE action = 'call'";
    let rows: Vec<(String, u32)> = if target.starts_with("postgres") {
        let mut pg = ::postgres::Client::connect(target, ::postgres::NoTls).unwrap();
        pg.query(SQL, &[])
            .unwrap()
            .iter()
            .map(|r| (r.get(0), u32::try_from(r.get::<_, i64>(1)).unwrap()))
            .collect()
    } else {
        let conn = rusqlite::Connection::open(target).unwrap();
        let mut st = conn.prepare(SQL).unwrap();
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows
    };
    let mut calls: HashMap<String, Vec<u32>> = HashMap::new();
    for (ticket, counter) in rows {
        calls.entry(ticket).or_default().push(counter);
    }
    calls
}

/// The live stream of the board of the site with code `site`, read on a thread of its own until the office ends it;
/// returns the number of snapshots it got.
fn watch_board(base: &str, site: &str) -> std::thread::JoinHandle<usize> {
    let addr = base.trim_start_matches("http://").to_string();
    let mut s = TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "GET /api/v1/stream?view=board&site={site} HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .unwrap();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(s);
        let mut snapshots = 0;
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
            if line.starts_with("event: snapshot") {
                snapshots += 1;
            }
            line.clear();
        }
        snapshots
    })
}

fn twenty_counters_at_two_sites_call_each_ticket_once_and_every_answer_is_kept(b: Backend) {
    let db = TestDb::new(b);
    seed(db.target(), 200);
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let boards = [
        watch_board(&office.url(), "main"),
        watch_board(&office.url(), SITE2),
    ];
    let answered = press_next_at_once(&office.url(), Default::default(), Default::default());
    office.shutdown();
    for board in boards {
        assert!(board.join().unwrap() >= 2, "each board saw its calls");
    }
    let tickets: HashSet<&String> = answered.iter().map(|(t, _)| t).collect();
    assert_eq!(
        (answered.len(), tickets.len()),
        (400, 400),
        "each ticket called once"
    );
    let kept = calls_kept(db.target());
    assert_eq!(kept.len(), 400);
    for (ticket, counter) in &answered {
        assert!(
            ticket.starts_with(site_prefix(*counter)),
            "{ticket} called at {counter}"
        );
        assert_eq!(kept[ticket], [*counter], "{ticket}");
    }
    let s = OfficeStore::open(db.target()).unwrap();
    let site2 = s.site_by_code(SITE2).unwrap().unwrap().id;
    for site in [S1, site2] {
        let r = s.report(site, today(), today(), TZ).unwrap();
        assert_eq!((r.total.tickets, r.total.served), (200, 200));
    }
}

#[test]
fn an_office_killed_right_after_answering_has_lost_no_answered_call() {
    let db = TestDb::new(Backend::Sqlite);
    seed(db.target(), 1_000);
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["office", "--listen", "127.0.0.1:0", "--db", db.target()])
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = office_process::address(&office_process::first_line(&mut child));
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let pid = child.id();
    let killer = {
        let (stop, answered) = (stop.clone(), answered.clone());
        std::thread::spawn(move || {
            // Killed while calls are in flight: the counters keep pressing.
            while answered.load(Ordering::SeqCst) < 300 {
                std::thread::sleep(Duration::from_millis(1));
            }
            // Told first, so a counter whose action finds the office gone stops quietly.
            stop.store(true, Ordering::SeqCst);
            // SAFETY: plain kill(2) on the pid of our own child, not yet waited for.
            let rc = unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
            assert_eq!(rc, 0, "kill failed");
        })
    };
    let calls = press_next_at_once(&base, stop, answered);
    killer.join().unwrap();
    let status = child.wait().unwrap();
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(libc::SIGKILL),
        "the office was killed, it did not end on its own"
    );
    assert!(calls.len() >= 300, "{} calls answered", calls.len());
    assert!(calls.len() < 2_000, "the kill came before the end");
    // The file reopened by a connection of the test's own.
    let on_disk = calls_kept(db.target());
    for (ticket, counter) in &calls {
        assert_eq!(
            on_disk.get(ticket).map(Vec::as_slice),
            Some(&[*counter][..]),
            "answered call of {ticket} at counter {counter} lost"
        );
    }
    assert!(
        on_disk.values().all(|c| c.len() == 1),
        "no ticket called twice"
    );
    // The file is sound and opens as an office database again.
    OfficeStore::open(db.target()).unwrap();
}
