//! Live alerts (docs/alerts.md) on SQLite and on PostgreSQL, over real HTTP on 127.0.0.1: a
//! ticket waiting 40 minutes raises a wait alert on a console's stream and calling it clears
//! it; an unsatisfied rating raises an alert the lead acknowledges with a note; its follow-up
//! is due two working days later; the report's on-time share of follow-ups is the hand
//! count; the rules are checked; only the site's lead reads or changes any of it.

#[path = "support/office_db.rs"]
mod office_db;

#[path = "support/http_client.rs"]
mod http_client;

#[path = "support/sse.rs"]
mod sse;

#[path = "support/ticket_events.rs"]
mod ticket_events;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};
use http_client::{agent, call};
use motcua::domain::alerts::follow_up_due;
use motcua::office::counters::{Action, ClerkRole, ClerkSession, QueueDef};
use motcua::office::store::SiteId;
use motcua::office::{Device, OfficeStore, Role};
use office_db::{both_backends, Backend, TestDb};
use serde_json::{json, Value};
use sse::next_snapshot;

both_backends! {
    a_wait_alert_reaches_the_console_and_a_rating_alert_the_lead,
    the_report_counts_follow_ups_on_time,
}

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;
const S1: SiteId = SiteId(1);
const PASSWORD: &str = "mat-khau-dai-1";

fn today() -> NaiveDate {
    Utc::now().with_timezone(&TZ).date_naive()
}

/// A `ticket.issued` event: `label` ("A1") issued `minutes` ago today.
fn ticket(label: &str, minutes: i64) -> (String, String) {
    let (queue, number) = label.split_at(1);
    let day = today();
    let payload = json!({
        "id": format!("ticket-{label}-{day}"), "queue": queue,
        "number": number.parse::<u32>().unwrap(), "business_date": day,
        "issued_at": Utc::now() - TimeDelta::minutes(minutes),
        "field": "HT", "priority": "none", "state": "waiting",
    });
    (format!("event-{label}-{day}"), payload.to_string())
}

/// Site 1 with queue A, a clerk `nam` and a lead `lan`; site B ("10105") with its lead
/// `binh`; the kiosk of site 1.
fn seed(db: &TestDb) -> (OfficeStore, Device) {
    let mut s = OfficeStore::open(db.target()).unwrap();
    let now = Utc::now();
    let kiosk = s.enroll_device("Kiosk", Role::Kiosk, &[S1], now).unwrap().0;
    s.set_queues(S1, &[QueueDef::new("A", &["HT"])]).unwrap();
    let b = s.add_site("10105", "Tân Tiến", now).unwrap();
    for (site, user, role) in [
        (S1, "nam", ClerkRole::Clerk),
        (S1, "lan", ClerkRole::SiteLead),
        (b.id, "binh", ClerkRole::SiteLead),
    ] {
        let name = format!("Cán bộ {user}");
        s.add_clerk(Some(site), user, &name, PASSWORD, role, false, now)
            .unwrap();
    }
    (s, kiosk)
}

fn push(s: &mut OfficeStore, kiosk: &Device, tickets: &[(String, String)]) {
    let batch = ticket_events::tickets_issued(tickets);
    s.apply_events(kiosk, &batch, Utc::now()).unwrap();
}

fn open_stream(office: &motcua::office::OfficeHandle, cookie: &str) -> BufReader<TcpStream> {
    let mut tcp = TcpStream::connect(office.addr()).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        tcp,
        "GET /api/v1/stream?view=counter HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(tcp);
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    reader
}

/// Reads snapshots until one satisfies `done`; returns it and how long it took.
fn until(reader: &mut BufReader<TcpStream>, done: impl Fn(&Value) -> bool) -> (Value, Duration) {
    let start = Instant::now();
    loop {
        let s = next_snapshot(reader);
        if done(&s) {
            return (s, start.elapsed());
        }
    }
}

fn active_keys(view: &Value) -> Vec<String> {
    view["alerts"]["active"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].as_str().unwrap().to_string())
        .collect()
}

fn a_wait_alert_reaches_the_console_and_a_rating_alert_the_lead(b: Backend) {
    let db = TestDb::new(b);
    let (_, kiosk) = seed(&db);
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let base = office.url();
    let a = agent();
    let post = |path: &str, cookie: Option<&str>, body: Option<Value>| {
        call(&a, "POST", &format!("{base}{path}"), cookie, body)
    };
    let (status, body, clerk) = post(
        "/api/v1/clerk/login",
        None,
        Some(json!({"username": "nam", "password": PASSWORD, "counter": 1, "queues": ["A"]})),
    );
    assert_eq!(status, 200, "{body}");
    let clerk = clerk.unwrap();
    let mut stream = open_stream(&office, &clerk);
    let first = next_snapshot(&mut stream);
    assert!(active_keys(&first).is_empty(), "{first}");

    // A ticket issued 40 minutes ago arrives through another connection to the database
    // (as from another office process): no event wakes the stream, its poll must see it.
    let mut s = OfficeStore::open(db.target()).unwrap();
    push(&mut s, &kiosk, &[ticket("A1", 40)]);
    let (view, took) = until(&mut stream, |v| {
        active_keys(v).contains(&"long_wait:A".into())
    });
    println!("wait alert on the console's stream after {took:?}");
    assert!(took < Duration::from_secs(5), "the alert took {took:?}");
    let alert = &view["alerts"]["active"][0];
    assert_eq!(
        (alert["value"].as_i64(), alert["threshold"].as_i64()),
        (Some(40), Some(30))
    );

    // Called: the alert is gone from the stream.
    let (status, body, _) = post("/api/v1/counter/next", Some(&clerk), None);
    assert_eq!(status, 200, "{body}");
    let (view, _) = until(&mut stream, |v| active_keys(v).is_empty());
    assert_eq!(view["current"]["label"], "A001", "{view}");

    // Served and rated "unsatisfied": a rating alert on the console, nothing personal in it.
    for action in ["start", "finish"] {
        let (status, body, _) = post(&format!("/api/v1/counter/{action}"), Some(&clerk), None);
        assert_eq!(status, 200, "{action}: {body}");
    }
    let rated_at = Utc::now();
    let id = format!("ticket-A1-{}", today());
    s.rate_in(
        S1,
        1,
        &id,
        "unsatisfied",
        &["long_wait".into()],
        rated_at,
        TZ,
    )
    .unwrap();
    let (view, _) = until(&mut stream, |v| {
        !v["alerts"]["ratings"].as_array().unwrap().is_empty()
    });
    let rating = &view["alerts"]["ratings"][0];
    assert_eq!(
        (rating["label"].as_str(), rating["counter"].as_u64()),
        (Some("A001"), Some(1))
    );
    assert_eq!(rating["reasons"], json!(["long_wait"]));

    // Only the site's lead reads the alerts.
    let get =
        |cookie: Option<&str>| call(&a, "GET", &format!("{base}/api/v1/alerts"), cookie, None);
    assert_eq!(get(None).0, 401);
    assert_eq!(get(Some(&clerk)).0, 403);
    let login = |user: &str| {
        let body = json!({"username": user, "password": PASSWORD});
        let (status, v, cookie) = post("/api/v1/reports/login", None, Some(body));
        assert_eq!(status, 200, "{v}");
        cookie.unwrap()
    };
    let (lead, other_lead) = (login("lan"), login("binh"));
    let (status, alerts, _) = get(Some(&lead));
    assert_eq!(status, 200, "{alerts}");
    let listed = &alerts["unacknowledged"][0];
    let alert_id = listed["id"].as_i64().unwrap();
    // Due two working days after the rating, by the site's calendar.
    let cal = s.work_calendar(S1).unwrap();
    let due = follow_up_due(rated_at.with_timezone(&TZ).naive_local(), &cal).unwrap();
    let shown: NaiveDateTime =
        serde_json::from_value(listed["follow_up_due_local"].clone()).unwrap();
    assert_eq!(shown, due, "{listed}");
    assert_eq!(alerts["follow_ups"].as_array().unwrap().len(), 1);

    // The rules: checked, with a clear code; a good set is kept and shown.
    let put = |body: Value| {
        call(
            &a,
            "PUT",
            &format!("{base}/api/v1/alerts/rules"),
            Some(&lead),
            Some(body),
        )
    };
    for bad in [
        json!("{"),
        json!({"default": {"wait_minutes": 0}}),
        json!({"queues": {"a!": {}}}),
    ] {
        let (status, answer, _) = put(bad.clone());
        assert_eq!(
            (status, answer["code"].as_str()),
            (400, Some("bad_rules")),
            "{bad}: {answer}"
        );
        assert!(
            answer["error"]
                .as_str()
                .unwrap()
                .starts_with("alert rules:"),
            "{answer}"
        );
    }
    let (status, answer, _) =
        put(json!({"default": {"wait_minutes": 45}, "queues": {"A": {"waiting": 5}}}));
    assert_eq!(status, 200, "{answer}");
    let (_, alerts, _) = get(Some(&lead));
    assert_eq!(alerts["rules"]["queues"]["A"]["waiting"], 5, "{alerts}");
    assert_eq!(alerts["defaults"]["wait_minutes"], 45, "{alerts}");
    assert_eq!(
        call(
            &a,
            "PUT",
            &format!("{base}/api/v1/alerts/rules"),
            Some(&clerk),
            Some(json!({}))
        )
        .0,
        403
    );

    // Acknowledging: a note is required; site B's lead cannot touch site A's alert.
    let ack = format!("/api/v1/alerts/{alert_id}/ack");
    let (status, answer, _) = post(&ack, Some(&lead), Some(json!({"note": "  "})));
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("note_required"))
    );
    let (status, answer, _) = post(&ack, Some(&lead), Some(json!({"note": "x".repeat(501)})));
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("note_too_long"))
    );
    let (status, answer, _) = post(&ack, Some(&other_lead), Some(json!({"note": "Đã xem"})));
    assert_eq!(
        (status, answer["code"].as_str()),
        (404, Some("no_alert")),
        "{answer}"
    );
    let (status, _, _) = post(&ack, Some(&clerk), Some(json!({"note": "Đã xem"})));
    assert_eq!(status, 403);
    // Typed with combining marks: stored as NFC.
    let (status, answer, _) = post(
        &ack,
        Some(&lead),
        Some(json!({"note": "Đa\u{303} go\u{323}i xin lô\u{303}i"})),
    );
    assert_eq!(status, 204, "{answer}");
    let (status, answer, _) = post(&ack, Some(&lead), Some(json!({"note": "again"})));
    assert_eq!(
        (status, answer["code"].as_str()),
        (409, Some("already_acknowledged"))
    );
    let (_, alerts, _) = get(Some(&lead));
    assert!(
        alerts["unacknowledged"].as_array().unwrap().is_empty(),
        "{alerts}"
    );
    let open = &alerts["follow_ups"][0];
    assert_eq!(open["ack_note"], "Đã gọi xin lỗi", "{open}");
    // Gone from the console too.
    until(&mut stream, |v| {
        v["alerts"]["ratings"].as_array().unwrap().is_empty()
    });

    // Followed up: off the open list.
    let follow = format!("/api/v1/alerts/{alert_id}/follow-up");
    let (status, _, _) = post(&follow, Some(&other_lead), Some(json!({"note": "x"})));
    assert_eq!(status, 404);
    let (status, answer, _) = post(
        &follow,
        Some(&lead),
        Some(json!({"note": "Đã gọi lại công dân"})),
    );
    assert_eq!(status, 204, "{answer}");
    let (_, alerts, _) = get(Some(&lead));
    assert!(
        alerts["follow_ups"].as_array().unwrap().is_empty(),
        "{alerts}"
    );
    // Nothing personal anywhere: no clerk's name either.
    assert!(!alerts.to_string().contains("Cán bộ"), "{alerts}");
    office.shutdown();
}

/// A counter session of a new clerk at `counter`.
fn session(s: &mut OfficeStore, user: &str, counter: u32, at: DateTime<Utc>) -> ClerkSession {
    let clerk = s
        .add_clerk(Some(S1), user, user, PASSWORD, ClerkRole::Clerk, false, at)
        .unwrap();
    s.open_session(&clerk, counter, &["A".to_string()], at)
        .unwrap();
    ClerkSession {
        clerk,
        counter,
        site: S1,
    }
}

fn the_report_counts_follow_ups_on_time(b: Backend) {
    let db = TestDb::new(b);
    let (mut s, kiosk) = seed(&db);
    // A Friday long past, so its follow-ups' due times (the Tuesday) are known.
    let local = |d: u32, h: u32| {
        let t = NaiveDate::from_ymd_opt(2026, 11, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap();
        TZ.from_local_datetime(&t).unwrap().with_timezone(&Utc)
    };
    let friday = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let mut tickets = Vec::new();
    for n in 1..=4u32 {
        let payload = json!({
            "id": format!("t{n}"), "queue": "A", "number": n, "business_date": friday,
            "issued_at": local(20, 8), "field": "HT", "priority": "none", "state": "waiting",
        });
        tickets.push((format!("e{n}"), payload.to_string()));
    }
    push(&mut s, &kiosk, &tickets);
    let who = session(&mut s, "tu", 2, local(20, 8));
    // Four citizens served on Friday 20 November; three unsatisfied, one satisfied.
    let scores = ["unsatisfied", "unsatisfied", "unsatisfied", "satisfied"];
    for (n, score) in scores.iter().enumerate() {
        let at = local(20, 9) + TimeDelta::minutes(10 * n as i64);
        for (i, action) in [Action::Next, Action::Start, Action::Finish]
            .iter()
            .enumerate()
        {
            s.counter_action(&who, action, at + TimeDelta::minutes(i as i64), friday)
                .unwrap();
        }
        let rated = at + TimeDelta::minutes(3);
        s.rate_in(S1, 2, &format!("t{}", n + 1), score, &[], rated, TZ)
            .unwrap();
    }
    let v = s.alerts_view(S1, local(20, 12), friday, TZ).unwrap();
    assert_eq!(v.follow_ups.len(), 3);
    // Friday 09:03 → due Tuesday 24 November 09:03.
    let due = v.follow_ups[0].follow_up_due_local;
    assert_eq!(
        due,
        NaiveDate::from_ymd_opt(2026, 11, 24)
            .unwrap()
            .and_hms_opt(9, 3, 0)
            .unwrap()
    );
    // One followed up on Monday (on time), one on Wednesday (late), one not at all.
    let ids: Vec<i64> = v.follow_ups.iter().map(|a| a.id).collect();
    s.follow_up_alert(S1, ids[0], "Đã gọi lại", local(23, 10))
        .unwrap();
    s.follow_up_alert(S1, ids[1], "Đã gọi lại", local(25, 10))
        .unwrap();
    let f = s.followup_figures(S1, friday, friday).unwrap();
    assert_eq!(
        (f.negative_ratings, f.followed_up, f.followed_up_on_time),
        (3, 2, 1)
    );
    let report = s.report(S1, friday, friday, TZ).unwrap();
    assert_eq!(report.follow_ups, f);
    assert_eq!(report.follow_up_on_time_share, Some(1.0 / 3.0));
    // Another day has none: no share, not 0 %.
    let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let empty = s.report(S1, monday, monday, TZ).unwrap();
    assert_eq!(
        (
            empty.follow_ups.negative_ratings,
            empty.follow_up_on_time_share
        ),
        (0, None)
    );
    let csv = motcua::office::reports::report_csv(&report, &[]).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.contains("negative_ratings,followed_up,followed_up_on_time,on_time_pct\n3,2,1,33.3"),
        "{csv}"
    );
}
