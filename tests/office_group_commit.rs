//! Group commit on SQLite (the office answers a batch of calls after one commit): twenty
//! counters pressing "next" at once over real HTTP, with a board's live stream open, call
//! every ticket exactly once, and every answered call is in the file reopened after the
//! office stopped; and an office process killed with SIGKILL right after answering has
//! lost no answered call.

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
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use chrono::Utc;
use motcua::office::counters::{ClerkRole, QueueDef};
use motcua::office::{OfficeStore, Role};
use serde_json::{json, Value};

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;
const COUNTERS: u32 = 20;
const S1: motcua::office::store::SiteId = motcua::office::store::SiteId(1);

fn today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&TZ).date_naive()
}

/// An office file with queue A, `tickets` waiting tickets and clerks `c1`… `c20`
/// (password "mat-khau-N").
fn seed(db: &Path, tickets: u32) {
    let mut s = OfficeStore::open(db).unwrap();
    let kiosk = s
        .enroll_device("Kiosk", Role::Kiosk, &[S1], Utc::now())
        .unwrap()
        .0;
    s.set_queues(S1, &[QueueDef::new("A", &["HT"])]).unwrap();
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
    s.apply_events(&kiosk, &ticket_events::tickets_issued(&events), Utc::now())
        .unwrap();
    for c in 1..=COUNTERS {
        s.add_clerk(
            Some(S1),
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

/// The calls in the file: ticket id → the counters it was called at.
fn calls_on_disk(db: &Path) -> HashMap<String, Vec<u32>> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut st = conn
        .prepare("SELECT ticket_id, counter FROM call_log WHERE action = 'call'")
        .unwrap();
    let mut calls: HashMap<String, Vec<u32>> = HashMap::new();
    for row in st
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))
        .unwrap()
    {
        let (ticket, counter) = row.unwrap();
        calls.entry(ticket).or_default().push(counter);
    }
    calls
}

/// The board's live stream, read on a thread of its own until the office ends it;
/// returns the number of snapshots it got.
fn watch_board(base: &str) -> std::thread::JoinHandle<usize> {
    let addr = base.trim_start_matches("http://").to_string();
    let mut s = TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "GET /api/v1/stream?view=board HTTP/1.1\r\nHost: {addr}\r\n\r\n"
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

#[test]
fn twenty_counters_at_once_call_each_ticket_once_and_every_answer_is_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    seed(&db, 400);
    let office = motcua::office::http::spawn_with_shutdown(&db, "127.0.0.1:0", TZ).unwrap();
    let board = watch_board(&office.url());
    let answered = press_next_at_once(&office.url(), Default::default(), Default::default());
    office.shutdown();
    assert!(board.join().unwrap() >= 2, "the board saw the calls");
    let tickets: HashSet<&String> = answered.iter().map(|(t, _)| t).collect();
    assert_eq!(
        (answered.len(), tickets.len()),
        (400, 400),
        "each ticket called once"
    );
    let on_disk = calls_on_disk(&db);
    assert_eq!(on_disk.len(), 400);
    for (ticket, counter) in &answered {
        assert_eq!(on_disk[ticket], [*counter], "{ticket}");
    }
    let s = OfficeStore::open(&db).unwrap();
    let r = s.report(S1, today(), today(), TZ).unwrap();
    assert_eq!((r.total.tickets, r.total.served), (400, 400));
}

#[test]
fn an_office_killed_right_after_answering_has_lost_no_answered_call() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    seed(&db, 2_000);
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["office", "--listen", "127.0.0.1:0", "--db"])
        .arg(&db)
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
    let on_disk = calls_on_disk(&db);
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
    OfficeStore::open(&db).unwrap();
}
