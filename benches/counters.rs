//! Counter figures on a real office server on 127.0.0.1 (in this process) with a real SQLite
//! file: "next" latency while 20 counters call as fast as they can (also with their consoles' and a
//! board's live streams open) and while they press at the same instant round after round
//! (the budget's case), the views the console and the board are sent on every
//! change, and a month's report with its CSV. `cargo bench --bench counters`.

#[path = "../tests/support/http_client.rs"]
mod http_client;
#[path = "../tests/support/ticket_events.rs"]
mod ticket_events;

use http_client::{agent, call};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeDelta, TimeZone, Utc};
use motcua::office::counters::{ClerkSession, QueueDef};
use motcua::office::{Device, OfficeStore, Role};
use serde_json::{json, Value};

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;
const COUNTERS: u32 = 20;
const TODAY_TICKETS: u32 = 2_000;
const HISTORY_DAYS: i64 = 30;
const HISTORY_PER_DAY: i64 = 400;
/// Tickets called in the round with the live streams open.
const STREAMED_TICKETS: u32 = 1_000;
/// Rounds of the burst, in which every counter presses "next" at the same instant.
const ROUNDS: u32 = 90;
/// The issue's budget for the burst's p99.
const BURST_BUDGET: Duration = Duration::from_millis(20);
/// Tickets called in the rounds of the burst.
const BURST_TICKETS: u32 = ROUNDS * COUNTERS;

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// p50, p99 and the slowest of `times`.
fn spread(mut times: Vec<Duration>) -> String {
    times.sort();
    format!(
        "p50 {}, p99 {}, max {}",
        ms(percentile(&times, 50)),
        ms(percentile(&times, 99)),
        ms(*times.last().unwrap())
    )
}

/// A month of served tickets, written straight into the tables (the actions themselves
/// are what the "next" figure measures).
fn history(db: &std::path::Path, device: &str, clerks: &[String], today: NaiveDate) {
    let mut conn = rusqlite::Connection::open(db).unwrap();
    let tx = conn.transaction().unwrap();
    let ts = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
    for d in 1..=HISTORY_DAYS {
        let date = today - TimeDelta::days(d);
        let open = TZ
            .from_local_datetime(&date.and_hms_opt(7, 30, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc);
        for i in 0..HISTORY_PER_DAY {
            let id = format!("h{d}-{i}");
            let queue = ["A", "B", "C", "D"][(i % 4) as usize];
            let issued = open + TimeDelta::seconds(i * 60);
            let called = issued + TimeDelta::seconds(300 + (i * 37) % 1800);
            let started = called + TimeDelta::seconds(60);
            let finished = started + TimeDelta::seconds(240 + (i * 53) % 600);
            let counter = i % i64::from(COUNTERS) + 1;
            let clerk = &clerks[(counter - 1) as usize];
            let state = if i % 25 == 0 { "no_show" } else { "done" };
            tx.execute(
                "INSERT INTO ticket (id, device_id, queue, business_date, number, issued_at, field, priority,
                     state, serve_queue, counter, clerk_id, first_called_at, called_at, calls, started_at, finished_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'HT', 'none', ?7, ?3, ?8, ?9, ?10, ?10, 1, ?11, ?12)",
                rusqlite::params![
                    id, device, queue, date.to_string(), i / 4 + 1, ts(issued), state, counter, clerk,
                    ts(called), ts(started), ts(finished)
                ],
            )
            .unwrap();
            tx.execute(
                "INSERT INTO call_log (ticket_id, label, counter, clerk_id, action, at, business_date)
                 VALUES (?1, ?2, ?3, ?4, 'call', ?5, ?6)",
                rusqlite::params![id, format!("{queue}{:03}", i / 4 + 1), counter, clerk, ts(called), date.to_string()],
            )
            .unwrap();
            if i % 3 == 0 {
                let score = ["very_satisfied", "satisfied", "unsatisfied"][(i % 9 / 3) as usize];
                tx.execute(
                    "INSERT INTO rating (ticket_id, counter, clerk_id, score, reasons, at) VALUES (?1, ?2, ?3, ?4, '', ?5)",
                    rusqlite::params![id, counter, clerk, score, ts(finished)],
                )
                .unwrap();
            }
        }
    }
    tx.commit().unwrap();
}

/// Waiting tickets `numbers` issued today by `kiosk`, straight into the office's store.
fn issue(
    db: &std::path::Path,
    kiosk: &Device,
    numbers: std::ops::RangeInclusive<u32>,
    today: NaiveDate,
) {
    let events = waiting(numbers, today);
    OfficeStore::open(db)
        .unwrap()
        .apply_events(kiosk, &ticket_events::tickets_issued(&events), Utc::now())
        .unwrap();
}

/// Ticket events of waiting tickets `numbers` (ids t{n}, events e{n}) issued today.
fn waiting(numbers: std::ops::RangeInclusive<u32>, today: NaiveDate) -> Vec<(String, String)> {
    let last = *numbers.end();
    numbers
        .map(|n| {
            let queue = ["A", "B", "C", "D"][(n % 4) as usize];
            let payload = json!({
                "id": format!("t{n}"), "queue": queue, "number": n,
                "business_date": today, "issued_at": Utc::now() - TimeDelta::seconds(i64::from(last - n)),
                "field": "HT", "priority": if n % 7 == 0 { "elderly" } else { "none" }, "state": "waiting",
            });
            (format!("e{n}"), payload.to_string())
        })
        .collect()
}

/// A live stream of `view` read on a thread of its own until the office ends it; the
/// thread returns how many views it was sent.
fn watch(base: &str, view: &str, cookie: Option<&str>) -> std::thread::JoinHandle<usize> {
    use std::io::{BufRead, Write};
    let addr = base.trim_start_matches("http://").to_string();
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    let cookie = cookie
        .map(|c| format!("Cookie: {c}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "GET /api/v1/stream?view={view} HTTP/1.1\r\nHost: {addr}\r\n{cookie}\r\n"
    )
    .unwrap();
    std::thread::spawn(move || {
        let mut reader = std::io::BufReader::new(s);
        let (mut views, mut line) = (0, String::new());
        while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
            views += usize::from(line.starts_with("event: snapshot"));
            line.clear();
        }
        views
    })
}

/// A counter's clerk logged in: the connection and the session cookie.
type Clerk = (ureq::Agent, String);

/// Every counter's clerk logs in, and opens the console's live stream if `streams`.
fn log_in(base: &str, streams: bool) -> Vec<Clerk> {
    (1..=COUNTERS)
        .map(|c| {
            let a = agent();
            let (status, body, cookie) = post(
                &a,
                &format!("{base}/api/v1/clerk/login"),
                None,
                json!({"username": format!("c{c}"), "password": "mat-khau-8", "counter": c,
                       "queues": ["A", "B", "C", "D"]}),
            );
            assert_eq!(status, 200, "{body}");
            let cookie = cookie.unwrap();
            if streams {
                // Ends with the office.
                let _ = watch(base, "counter", Some(&cookie));
            }
            (a, cookie)
        })
        .collect()
}

/// How the counters press.
#[derive(Clone, Copy)]
enum Pace {
    /// Each presses "next", then "start", again and again with no pause, until nobody
    /// waits: the office saturated, so a call's latency is the counters over the throughput.
    Flat,
    /// This many rounds in which every counter presses "next" at the same instant, then
    /// "start", and waits for the others: a burst of simultaneous presses, as when the
    /// counters of a busy office finish at about the same time.
    Rounds(u32),
}

/// Every counter presses "next", then "start", at `pace`: the "next" latencies and the
/// time taken.
fn press_at_once(base: &str, clerks: Vec<Clerk>, pace: Pace) -> (Vec<Duration>, Duration) {
    let start = Arc::new(Barrier::new(clerks.len() + 1));
    let round = Arc::new(Barrier::new(clerks.len()));
    let threads: Vec<_> = clerks
        .into_iter()
        .map(|(a, cookie)| {
            let (base, start, round) = (base.to_string(), start.clone(), round.clone());
            std::thread::spawn(move || {
                start.wait();
                let mut times = Vec::new();
                loop {
                    if let Pace::Rounds(n) = pace {
                        if times.len() == n as usize {
                            return times;
                        }
                        round.wait();
                    }
                    let t = Instant::now();
                    let (status, body, _) = post(
                        &a,
                        &format!("{base}/api/v1/counter/next"),
                        Some(&cookie),
                        Value::Null,
                    );
                    times.push(t.elapsed());
                    if status == 409 {
                        assert!(matches!(pace, Pace::Flat), "nobody waits: {body}");
                        return times;
                    }
                    assert_eq!(status, 200, "{body}");
                    post(
                        &a,
                        &format!("{base}/api/v1/counter/start"),
                        Some(&cookie),
                        Value::Null,
                    );
                }
            })
        })
        .collect();
    start.wait();
    let started = Instant::now();
    let times = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    (times, started.elapsed())
}

/// Posts `body` as JSON with the session `cookie`.
fn post(
    agent: &ureq::Agent,
    url: &str,
    cookie: Option<&str>,
    body: Value,
) -> (u16, Value, Option<String>) {
    call(agent, "POST", url, cookie, Some(body))
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    let today = Utc::now().with_timezone(&TZ).date_naive();
    let mut s = OfficeStore::open(&db).unwrap();
    let kiosk = s
        .enroll_device("Kiosk", Role::Kiosk, &[S1], Utc::now())
        .unwrap()
        .0;
    s.set_queues(S1, &["A", "B", "C", "D"].map(|p| QueueDef::new(p, &["HT"])))
        .unwrap();
    let mut clerk_ids = Vec::new();
    for c in 1..=COUNTERS {
        let clerk = s
            .add_clerk(
                Some(S1),
                &format!("c{c}"),
                &format!("Cán bộ {c}"),
                "mat-khau-8",
                if c == 1 {
                    motcua::office::counters::ClerkRole::SiteLead
                } else {
                    motcua::office::counters::ClerkRole::Clerk
                },
                false,
                Utc::now(),
            )
            .unwrap();
        clerk_ids.push(clerk.id);
    }
    let t = Instant::now();
    history(&db, &kiosk.id, &clerk_ids, today);
    println!(
        "history: {} tickets over {HISTORY_DAYS} days written in {:.2} s",
        HISTORY_DAYS * HISTORY_PER_DAY,
        t.elapsed().as_secs_f64()
    );
    let events = waiting(1..=TODAY_TICKETS, today);
    let batch = ticket_events::tickets_issued(&events);
    s.apply_events(&kiosk, &batch, Utc::now()).unwrap();
    drop(s);

    let office = motcua::office::http::spawn_with_shutdown(&db, "127.0.0.1:0", TZ).unwrap();
    let base = office.url();
    {
        // One counter alone: the latency a clerk feels in a quiet office.
        let a = agent();
        let (_, _, cookie) = post(
            &a,
            &format!("{base}/api/v1/clerk/login"),
            None,
            json!({"username": "c1", "password": "mat-khau-8", "counter": 1, "queues": ["A", "B", "C", "D"]}),
        );
        let cookie = cookie.unwrap();
        let mut times: Vec<Duration> = (0..200)
            .map(|_| {
                let t = Instant::now();
                let (status, _, _) = post(
                    &a,
                    &format!("{base}/api/v1/counter/next"),
                    Some(&cookie),
                    Value::Null,
                );
                let took = t.elapsed();
                assert_eq!(status, 200);
                post(
                    &a,
                    &format!("{base}/api/v1/counter/start"),
                    Some(&cookie),
                    Value::Null,
                );
                took
            })
            .collect();
        times.sort();
        println!(
            "next, one counter alone over HTTP (200 calls): p50 {}, p99 {}",
            ms(percentile(&times, 50)),
            ms(percentile(&times, 99))
        );
    }
    let (times, wall) = press_at_once(&base, log_in(&base, false), Pace::Flat);
    println!(
        "next, {COUNTERS} counters at once over HTTP ({} calls, each followed by start): {}; the other {} tickets called in {:.2} s",
        times.len(),
        spread(times),
        TODAY_TICKETS - 200,
        wall.as_secs_f64()
    );
    // Again with the pages open: every console's live stream and a board's, each sent its
    // view again after every change.
    issue(
        &db,
        &kiosk,
        TODAY_TICKETS + 1..=TODAY_TICKETS + STREAMED_TICKETS,
        today,
    );
    let board = watch(&base, "board", None);
    let clerks = log_in(&base, true);
    let again: Vec<Clerk> = clerks.iter().map(|(a, c)| (a.clone(), c.clone())).collect();
    let (times, wall) = press_at_once(&base, clerks, Pace::Flat);
    println!(
        "next, {COUNTERS} counters at once with their {COUNTERS} consoles' and a board's live streams open ({} calls): {}; {STREAMED_TICKETS} tickets called in {:.2} s",
        times.len(),
        spread(times),
        wall.as_secs_f64()
    );
    // The budget's figure: the same open pages, and every counter pressing "next" at the
    // same instant, round after round, with the burst's tickets all waiting at first.
    let first = TODAY_TICKETS + STREAMED_TICKETS + 1;
    issue(&db, &kiosk, first..=first + BURST_TICKETS - 1, today);
    let (mut times, wall) = press_at_once(&base, again, Pace::Rounds(ROUNDS));
    times.sort();
    let p99 = percentile(&times, 99);
    println!(
        "next, {COUNTERS} counters pressing at the same instant, {ROUNDS} rounds, streams open ({} calls, {BURST_TICKETS} waiting at first): {}; in {:.2} s; p99 {} the budget of {}",
        times.len(),
        spread(times),
        wall.as_secs_f64(),
        if p99 <= BURST_BUDGET { "within" } else { "OVER" },
        ms(BURST_BUDGET)
    );
    drop(office);
    println!("the board's stream sent {} views", board.join().unwrap());

    let s = OfficeStore::open(&db).unwrap();
    let (clerk, _) = s.clerk_credentials("c1").unwrap().unwrap();
    let session = ClerkSession {
        clerk,
        counter: 1,
        site: S1,
    };
    let time = |what: &str, n: usize, mut f: Box<dyn FnMut()>| {
        let mut v: Vec<Duration> = (0..n)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect();
        v.sort();
        println!(
            "{what}: p50 {}, p99 {}",
            ms(percentile(&v, 50)),
            ms(percentile(&v, 99))
        );
    };
    let s = std::rc::Rc::new(s);
    let s1 = s.clone();
    time(
        &format!(
            "board view after {} calls today (sent on every change)",
            TODAY_TICKETS + STREAMED_TICKETS + BURST_TICKETS
        ),
        200,
        Box::new(move || {
            s1.board_view(S1, Utc::now(), today).unwrap();
        }),
    );
    let s2 = s.clone();
    time(
        "console view (sent on every change)",
        200,
        Box::new(move || {
            s2.counter_view(&session, Utc::now(), today).unwrap();
        }),
    );
    let from = today - TimeDelta::days(HISTORY_DAYS);
    let s3 = s.clone();
    time(
        &format!(
            "report of {} days, {} tickets",
            HISTORY_DAYS + 1,
            HISTORY_DAYS * HISTORY_PER_DAY
                + i64::from(TODAY_TICKETS + STREAMED_TICKETS + BURST_TICKETS)
        ),
        10,
        Box::new(move || {
            s3.report(S1, from, today, TZ).unwrap();
        }),
    );
    let s4 = s.clone();
    time(
        "the same report as CSV with every ticket",
        10,
        Box::new(move || {
            let r = s4.report(S1, from, today, TZ).unwrap();
            motcua::office::reports::report_csv(&r, &s4.ticket_rows(S1, from, today).unwrap())
                .unwrap();
        }),
    );
    let r = s.report(S1, from, today, TZ).unwrap();
    let csv =
        motcua::office::reports::report_csv(&r, &s.ticket_rows(S1, from, today).unwrap()).unwrap();
    println!(
        "report: {} tickets, wait avg {:?} s p90 {:?} s, service avg {:?} s p90 {:?} s; CSV {} KiB",
        r.total.tickets,
        r.total.wait_avg_s,
        r.total.wait_p90_s,
        r.total.service_avg_s,
        r.total.service_p90_s,
        csv.len() / 1024
    );
}

/// The site a new office database starts with.
const S1: motcua::office::store::SiteId = motcua::office::store::SiteId(1);
