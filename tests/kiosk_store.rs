//! The store on a real SQLite file: persistence, numbering, business dates and clock trouble.

use base64::Engine as _;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use motcua::catalogue::Catalogue;
use motcua::domain::clock::{ClockStatus, PLAUSIBLE_FLOOR};
use motcua::domain::priority::PriorityGroup;
use motcua::domain::ticket::TicketState;
use motcua::kiosk::store::{Store, EVENT_TICKET_ISSUED, SCHEMA_VERSION};
use std::path::PathBuf;

const TZ: Tz = chrono_tz::Asia::Ho_Chi_Minh;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.sqlite");
    (dir, path)
}

fn issue(store: &mut Store, queue: &str, at: &str) -> motcua::kiosk::store::Issued {
    let field = match queue {
        "A" => "HT",
        "B" => "CT",
        _ => "DD",
    };
    store
        .issue_ticket(queue, field, PriorityGroup::None, utc(at), TZ)
        .unwrap()
}

#[test]
fn tickets_survive_reopen_and_numbering_continues() {
    let (_dir, path) = temp_db();
    let mut ids = Vec::new();
    {
        let mut store = Store::open(&path).unwrap();
        for (i, q) in ["A", "A", "B", "A", "B"].iter().enumerate() {
            let t = issue(&mut store, q, &format!("2025-06-02T02:0{i}:00Z"));
            ids.push(t.ticket.id);
        }
    }
    let mut store = Store::open(&path).unwrap();
    let day = store.tickets_on(date(2025, 6, 2)).unwrap();
    let got: Vec<_> = day.iter().map(|t| t.display_number()).collect();
    assert_eq!(got, ["A001", "A002", "B001", "A003", "B002"]);
    assert_eq!(day.iter().map(|t| t.id.clone()).collect::<Vec<_>>(), ids);
    assert!(day.iter().all(|t| t.state == TicketState::Waiting));

    let next = issue(&mut store, "A", "2025-06-02T03:00:00Z");
    assert_eq!(next.ticket.display_number(), "A004");
    assert_eq!(next.ahead, 3);
    assert_eq!(store.waiting_ahead("A", date(2025, 6, 2)).unwrap(), 4);
    assert_eq!(store.waiting_ahead("B", date(2025, 6, 2)).unwrap(), 2);
    assert_eq!(store.waiting_ahead("C", date(2025, 6, 2)).unwrap(), 0);
    store.integrity_check().unwrap();
}

#[test]
fn ticket_fields_are_stored_exactly() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    let now = utc("2025-06-02T02:03:04.123456789Z");
    let issued = store
        .issue_ticket("C", "XD", PriorityGroup::Pregnant, now, TZ)
        .unwrap();
    let t = &issued.ticket;
    assert_eq!(issued.ahead, 0);
    assert_eq!(
        (t.queue.as_str(), t.number, t.field.as_str()),
        ("C", 1, "XD")
    );
    assert_eq!(t.business_date, date(2025, 6, 2));
    assert_eq!((t.issued_at, t.wall_clock), (now, now));
    assert_eq!(t.clock_status, ClockStatus::Ok);
    assert_eq!(t.priority, PriorityGroup::Pregnant);
    assert_eq!(uuid::Uuid::parse_str(&t.id).unwrap().get_version_num(), 4);
    assert_eq!(store.ticket(&t.id).unwrap().as_ref(), Some(t));
    assert_eq!(store.ticket("nope").unwrap(), None);

    let printed = utc("2025-06-02T02:03:06Z");
    store.mark_printed(&t.id, printed).unwrap();
    assert_eq!(
        store.ticket(&t.id).unwrap().unwrap().printed_at,
        Some(printed)
    );
    assert!(store.mark_printed("nope", printed).is_err());
    assert_eq!(store.high_water().unwrap(), Some(now));
}

#[test]
fn each_ticket_writes_its_outbox_event() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    let a = issue(&mut store, "A", "2025-06-02T02:00:00Z").ticket;
    let b = issue(&mut store, "B", "2025-06-02T02:01:00Z").ticket;
    let events = store.outbox_pending(10).unwrap();
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| e.kind == EVENT_TICKET_ISSUED));
    assert_ne!(events[0].id, events[1].id);
    let payload: motcua::domain::ticket::Ticket = serde_json::from_str(&events[0].payload).unwrap();
    assert_eq!(payload, a);
    let payload: motcua::domain::ticket::Ticket = serde_json::from_str(&events[1].payload).unwrap();
    assert_eq!(payload, b);
    assert_eq!(events[1].created_at, b.issued_at);
}

#[test]
fn business_day_rolls_over_at_local_midnight() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    let a1 = issue(&mut store, "A", "2025-06-02T16:59:58Z").ticket;
    let a2 = issue(&mut store, "A", "2025-06-02T16:59:59Z").ticket;
    let a3 = issue(&mut store, "A", "2025-06-02T17:00:00Z").ticket; // 00:00 on 3 June in Hà Nội
    assert_eq!((a1.business_date, a1.number), (date(2025, 6, 2), 1));
    assert_eq!((a2.business_date, a2.number), (date(2025, 6, 2), 2));
    assert_eq!((a3.business_date, a3.number), (date(2025, 6, 3), 1));
    assert_eq!(store.tickets_on(date(2025, 6, 2)).unwrap().len(), 2);
    assert_eq!(store.tickets_on(date(2025, 6, 3)).unwrap().len(), 1);
    // Yesterday's waiting tickets are not "ahead" today.
    assert_eq!(issue(&mut store, "A", "2025-06-03T01:00:00Z").ahead, 1);
}

#[test]
fn clock_jumping_back_across_midnight_neither_restarts_nor_duplicates() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    let t1 = issue(&mut store, "A", "2025-06-02T16:58:00Z").ticket; // 23:58 on 2 June
    let t2 = issue(&mut store, "A", "2025-06-02T17:05:00Z").ticket; // 00:05 on 3 June
    assert_eq!((t2.business_date, t2.number), (date(2025, 6, 3), 1));
    // NTP (or a hand) steps the clock back to 23:50 on 2 June.
    let t3 = issue(&mut store, "A", "2025-06-02T16:50:00Z").ticket;
    assert_eq!(t3.clock_status, ClockStatus::Backwards);
    assert_eq!(t3.business_date, date(2025, 6, 3), "date must not go back");
    assert_eq!(
        t3.number, 2,
        "numbering must neither restart nor reuse 2 June's numbers"
    );
    assert_eq!(t3.issued_at, t2.issued_at);
    assert_eq!(t3.wall_clock, utc("2025-06-02T16:50:00Z"));
    let t4 = issue(&mut store, "A", "2025-06-02T16:59:00Z").ticket;
    assert_eq!((t4.business_date, t4.number), (date(2025, 6, 3), 3));
    // The clock recovers.
    let t5 = issue(&mut store, "A", "2025-06-02T17:10:00Z").ticket;
    assert_eq!((t5.number, t5.clock_status), (4, ClockStatus::Ok));
    let all = [&t1, &t2, &t3, &t4, &t5];
    assert!(all.windows(2).all(|w| w[0].issued_at <= w[1].issued_at));
    assert_eq!(store.tickets_on(date(2025, 6, 2)).unwrap().len(), 1);
    let day3: Vec<u32> = store
        .tickets_on(date(2025, 6, 3))
        .unwrap()
        .iter()
        .map(|t| t.number)
        .collect();
    assert_eq!(day3, [1, 2, 3, 4]);
}

#[test]
fn boot_in_1970_after_real_tickets_keeps_counting_on_the_last_date() {
    let (_dir, path) = temp_db();
    {
        let mut store = Store::open(&path).unwrap();
        issue(&mut store, "B", "2025-06-02T09:00:00Z");
        issue(&mut store, "B", "2025-06-02T09:30:00Z");
    }
    // Power cut; the board has no RTC battery and boots in 1970.
    let mut store = Store::open(&path).unwrap();
    let t = issue(&mut store, "B", "1970-01-01T00:00:12Z").ticket;
    assert_eq!(t.clock_status, ClockStatus::Implausible);
    assert_eq!((t.business_date, t.number), (date(2025, 6, 2), 3));
    assert_eq!(t.issued_at, utc("2025-06-02T09:30:00Z"));
    assert_eq!(t.wall_clock, utc("1970-01-01T00:00:12Z"));
    assert_eq!(store.tickets_on(date(1970, 1, 1)).unwrap().len(), 0);
    assert_eq!(
        store.high_water().unwrap(),
        Some(utc("2025-06-02T09:30:00Z"))
    );
}

#[test]
fn boot_in_1970_on_a_fresh_store() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.high_water().unwrap(), None);
    let t1 = issue(&mut store, "A", "1970-01-01T00:00:05Z").ticket;
    let t2 = issue(&mut store, "A", "1970-01-01T00:01:05Z").ticket;
    assert_eq!(t1.clock_status, ClockStatus::Implausible);
    assert_eq!(t1.issued_at, PLAUSIBLE_FLOOR);
    assert_eq!((t1.business_date, t1.number), (date(2025, 1, 1), 1));
    assert_eq!((t2.business_date, t2.number), (date(2025, 1, 1), 2));
    // Once the clock is set, real dates take over.
    let t3 = issue(&mut store, "A", "2025-06-02T02:00:00Z").ticket;
    assert_eq!((t3.business_date, t3.number), (date(2025, 6, 2), 1));
}

#[test]
fn catalogue_loads_once() {
    let (_dir, path) = temp_db();
    let cat = Catalogue::default_embedded();
    {
        let mut store = Store::open(&path).unwrap();
        assert!(store.fields().unwrap().is_empty());
        assert!(store.load_catalogue_if_empty(&cat).unwrap());
        assert!(!store.load_catalogue_if_empty(&cat).unwrap());
    }
    // The office later renames a field; a restart must not overwrite it.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute(
            "UPDATE field SET name_vi = 'Hộ tịch (đổi)' WHERE code = 'HT'",
            [],
        )
        .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    assert!(!store.load_catalogue_if_empty(&cat).unwrap());
    let fields = store.fields().unwrap();
    let codes: Vec<_> = fields.iter().map(|f| f.code.clone()).collect();
    let expected: Vec<_> = cat.fields.iter().map(|f| f.code.clone()).collect();
    assert_eq!(codes, expected, "catalogue order");
    assert_eq!(fields[0].name_vi, "Hộ tịch (đổi)");
    assert_eq!(fields[1].name_vi, "Chứng thực");
    assert_eq!(fields[0].icon, "f1a2");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM procedure", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n as usize, cat.procedures.len());
    store.integrity_check().unwrap();
}

#[test]
fn durability_pragmas_are_in_effect() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.pragma("journal_mode").unwrap(), "wal");
    assert_eq!(store.pragma("synchronous").unwrap(), "2", "2 = FULL");
    assert_eq!(store.pragma("foreign_keys").unwrap(), "1");
    assert_ne!(store.pragma("busy_timeout").unwrap(), "0");
    assert_eq!(
        store.pragma("user_version").unwrap(),
        SCHEMA_VERSION.to_string()
    );
    assert!(store.pragma("journal_mode; DROP TABLE ticket").is_err());
    drop(store);
    // WAL is a property of the file: a plain connection sees it too.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn store_from_a_newer_version_is_refused() {
    let (_dir, path) = temp_db();
    {
        let mut store = Store::open(&path).unwrap();
        issue(&mut store, "A", "2025-06-02T02:00:00Z");
    }
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let err = Store::open(&path).err().expect("must be refused");
    let msg = format!("{err:#}");
    assert!(msg.contains("newer motcua"), "{msg}");
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    // Refusing did not touch the file.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION + 1);
}

#[test]
fn another_programs_database_is_refused() {
    let (_dir, path) = temp_db();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA application_id = 1234; CREATE TABLE t(x);")
            .unwrap();
    }
    let msg = format!("{:#}", Store::open(&path).err().unwrap());
    assert!(msg.contains("another program"), "{msg}");
}

#[test]
fn garbage_file_is_refused_clearly() {
    let (_dir, path) = temp_db();
    std::fs::write(
        &path,
        b"this is not a database, just some bytes of text....",
    )
    .unwrap();
    let msg = format!("{:#}", Store::open(&path).err().unwrap());
    assert!(msg.contains("kiosk.sqlite"), "{msg}");
}

#[test]
fn reopen_keeps_high_water_and_calling_order() {
    let (_dir, path) = temp_db();
    {
        let mut store = Store::open(&path).unwrap();
        issue(&mut store, "A", "2025-06-02T02:00:00Z");
        issue(&mut store, "A", "2025-06-02T04:00:00Z");
    }
    let mut store = Store::open(&path).unwrap();
    assert_eq!(
        store.high_water().unwrap(),
        Some(utc("2025-06-02T04:00:00Z"))
    );
    let t = issue(&mut store, "A", "2025-06-02T03:00:00Z").ticket;
    assert_eq!(t.issued_at, utc("2025-06-02T04:00:00Z"));
    let order: Vec<u32> = store
        .tickets_on(date(2025, 6, 2))
        .unwrap()
        .iter()
        .map(|t| t.number)
        .collect();
    assert_eq!(order, [1, 2, 3]);
    assert_eq!(
        Utc.with_ymd_and_hms(2025, 6, 2, 4, 0, 0).unwrap(),
        store.high_water().unwrap().unwrap()
    );
}

#[test]
fn lookup_attempts_and_the_code_key_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.sqlite3");
    let at = chrono::Utc::now();
    let key = {
        let mut store = Store::open(&path).unwrap();
        let key = store.code_key("H15.50.05.13-261120-0975").unwrap();
        assert_ne!(key, store.code_key("H15.50.05.13-261120-0976").unwrap());
        store.record_failed_attempt(&key, at).unwrap();
        store.record_failed_attempt(&key, at).unwrap();
        key
    };
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.code_key("H15.50.05.13-261120-0975").unwrap(), key);
    let hour_ago = at - chrono::TimeDelta::hours(1);
    assert_eq!(store.failed_attempts(&key, hour_ago).unwrap(), 2);
    assert_eq!(
        store.failed_attempts(&key, at).unwrap(),
        0,
        "only newer ones count"
    );
    // Another kiosk's store has its own secret: the keys tell nothing across kiosks.
    let other = Store::open(dir.path().join("other.sqlite3"))
        .unwrap()
        .code_key("H15.50.05.13-261120-0975");
    assert_ne!(other.unwrap(), key);
}

#[test]
fn a_store_from_before_the_catalogue_details_hides_procedures_until_filled() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.sqlite3");
    let cat = motcua::catalogue::Catalogue::default_embedded();
    {
        let mut store = Store::open(&path).unwrap();
        store.load_catalogue_if_empty(&cat).unwrap();
    }
    // What the version 2 migration leaves in a version 1 store: no details, all hidden.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "UPDATE procedure SET processing_vi = NULL, submit_at_vi = NULL, online_url = NULL, sensitive = 1",
        )
        .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    let birth = store.procedure_by_code("1.001193").unwrap().unwrap();
    assert!(birth.sensitive, "hidden until its details are known");
    assert_eq!(
        store.fill_catalogue_details(&cat).unwrap(),
        cat.procedures.len()
    );
    let birth = store.procedure_by_code("1.001193").unwrap().unwrap();
    assert!(!birth.sensitive);
    assert!(birth.online_url.is_some());
    assert!(
        store
            .procedure_by_code("1.001699")
            .unwrap()
            .unwrap()
            .sensitive,
        "disability stays hidden"
    );
    assert_eq!(store.fill_catalogue_details(&cat).unwrap(), 0, "once");
}

#[test]
fn numbers_come_from_the_office_then_the_blocks_then_past_them() {
    use motcua::kiosk::store::{NumberSource, Numbering};
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    let at = utc("2026-11-25T02:00:00Z");
    let day = date(2026, 11, 25);
    let office = |n: u32| Numbering::Office {
        ticket_id: format!("t{n}"),
        business_date: day,
        number: n,
    };
    let issue = |store: &mut Store, numbering: Numbering| {
        let i = store
            .issue_ticket_with("A", "HT", PriorityGroup::None, at, TZ, numbering)
            .unwrap();
        (i.ticket.number, i.source)
    };
    assert_eq!(issue(&mut store, office(1)), (1, NumberSource::Office));
    assert_eq!(
        store.ticket("t1").unwrap().unwrap().number,
        1,
        "the id asked for"
    );
    // No block yet: from 9001, apart from the office's numbers and blocks.
    assert_eq!(
        issue(&mut store, Numbering::Block),
        (9001, NumberSource::Overflow)
    );
    store.add_block("A", day, 0, 501, 502).unwrap();
    store.add_block("A", day, 0, 900, 999).unwrap(); // the same seq again: ignored
    store.add_block("A", day, 1, 601, 601).unwrap();
    assert_eq!(store.block_state("A", day).unwrap().remaining, 3);
    assert_eq!(
        issue(&mut store, Numbering::Block),
        (501, NumberSource::Block)
    );
    assert_eq!(
        issue(&mut store, Numbering::Block),
        (502, NumberSource::Block)
    );
    assert_eq!(
        issue(&mut store, Numbering::Block),
        (601, NumberSource::Block)
    );
    assert_eq!(
        issue(&mut store, Numbering::Block),
        (9002, NumberSource::Overflow)
    );
    // A granted number this kiosk already holds is not used again.
    store.add_block("A", day, 2, 700, 700).unwrap();
    assert_eq!(issue(&mut store, office(501)), (700, NumberSource::Block));
    // A grant for another day (midnight passed while asking) is not used either.
    let stale = Numbering::Office {
        ticket_id: "late".into(),
        business_date: date(2026, 11, 24),
        number: 3,
    };
    assert_eq!(issue(&mut store, stale), (9003, NumberSource::Overflow));
    // The kiosk's own counter skips numbers taken another way.
    assert_eq!(issue(&mut store, Numbering::Local).0, 2);
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.tickets_on(day).unwrap().len(), 9);
    assert_eq!(store.outbox_unsent().unwrap(), 9);
    assert_eq!(
        store.number_source("t1").unwrap(),
        Some(NumberSource::Office)
    );
}

#[test]
fn the_counter_serving_a_queue_survives_reopening() {
    use motcua::protocol::QueueStatus;
    let (_dir, path) = temp_db();
    let status = QueueStatus {
        queue: "A".into(),
        business_date: date(2026, 11, 25),
        issued: 20,
        waiting: 8,
        serving: Some(12),
        serving_counter: Some(2),
        service_seconds: Some(300),
        counters_open: Some(3),
    };
    Store::open(&path)
        .unwrap()
        .set_office_queues(std::slice::from_ref(&status))
        .unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.office_queue("A", date(2026, 11, 25)).unwrap(),
        Some(status)
    );
}

#[test]
fn people_ahead_count_the_other_kiosks_tickets_the_office_reported() {
    use motcua::protocol::QueueStatus;
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    assert_eq!(issue(&mut store, "A", "2026-11-25T02:00:00Z").ahead, 0);
    // The office counts 7 waiting in A, this kiosk's first ticket among them (it was sent).
    store
        .mark_sent(
            &store
                .outbox_pending(10)
                .unwrap()
                .into_iter()
                .map(|e| e.id)
                .collect::<Vec<_>>(),
            utc("2026-11-25T02:00:01Z"),
        )
        .unwrap();
    store
        .set_office_queues(&[QueueStatus {
            queue: "A".into(),
            business_date: date(2026, 11, 25),
            issued: 7,
            waiting: 7,
            serving: None,
            serving_counter: None,
            service_seconds: None,
            counters_open: None,
        }])
        .unwrap();
    assert_eq!(issue(&mut store, "A", "2026-11-25T02:01:00Z").ahead, 7);
    assert_eq!(
        issue(&mut store, "A", "2026-11-25T02:02:00Z").ahead,
        8,
        "the unsent one too"
    );
    assert_eq!(
        issue(&mut store, "B", "2026-11-25T02:03:00Z").ahead,
        0,
        "queues apart"
    );
}

#[test]
fn old_tickets_and_logs_leave_the_store_but_a_ticket_the_office_lacks_stays() {
    use motcua::kiosk::store::LookupOutcome;
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    // 100 days ago: three tickets, two of them sent to the office; and a lookup.
    let old: Vec<String> = (0..3)
        .map(|i| {
            issue(&mut store, "A", &format!("2026-08-17T02:0{i}:00Z"))
                .ticket
                .id
        })
        .collect();
    let pending = store.outbox_pending(10).unwrap();
    let sent: Vec<String> = pending
        .iter()
        .filter(|e| !e.payload.contains(&old[2]))
        .map(|e| e.id.clone())
        .collect();
    assert_eq!(sent.len(), 2);
    store.mark_sent(&sent, utc("2026-08-17T02:05:00Z")).unwrap();
    store
        .log_lookup(
            "k-old",
            LookupOutcome::NotFound,
            utc("2026-08-17T03:00:00Z"),
        )
        .unwrap();
    // Today: a ticket and a lookup that stay.
    let now = utc("2026-11-25T02:00:00Z");
    let new = issue(&mut store, "A", "2026-11-25T02:00:00Z").ticket.id;
    store
        .log_lookup("k-new", LookupOutcome::Found, now)
        .unwrap();

    let pruned = store.prune(now, date(2026, 11, 25), 90).unwrap();
    assert_eq!(pruned.tickets, 2, "the unsent one stays");
    assert_eq!(pruned.events, 2);
    assert_eq!(pruned.lookups, 1);
    assert!(pruned.days >= 1, "the old day's counter");
    drop(store);
    let mut store = Store::open(&path).unwrap();
    assert!(store.ticket(&old[0]).unwrap().is_none());
    assert!(
        store.ticket(&old[2]).unwrap().is_some(),
        "the office has not got it"
    );
    assert!(store.ticket(&new).unwrap().is_some());
    assert_eq!(
        store.outbox_unsent().unwrap(),
        2,
        "the old unsent and today's"
    );
    let log: Vec<String> = store
        .lookup_log()
        .unwrap()
        .into_iter()
        .map(|l| l.1)
        .collect();
    assert_eq!(log, ["k-new"]);
    // Once sent, it goes at the next pass; a second pass removes nothing more.
    let ids: Vec<String> = store
        .outbox_pending(10)
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    store.mark_sent(&ids, now).unwrap();
    assert_eq!(store.prune(now, date(2026, 11, 25), 90).unwrap().tickets, 1);
    assert_eq!(
        store.prune(now, date(2026, 11, 25), 90).unwrap(),
        motcua::kiosk::store::Pruned::default()
    );
    // The next ticket of today still numbers on.
    assert_eq!(
        issue(&mut store, "A", "2026-11-25T02:10:00Z").ticket.number,
        2
    );
    // The WAL was folded back and cut.
    let wal = path.with_extension("sqlite-wal");
    assert!(std::fs::metadata(&wal).map_or(0, |m| m.len()) < 64 * 1024);
}

/// A dossier for the size-bound test, finished `ended_days_ago` days before 2026-11-25 (or
/// still in progress with None), with a note long enough to take room.
fn bulky_dossier(n: u32, ended_days_ago: Option<i64>) -> motcua::dossier_import::DossierRecord {
    use motcua::domain::dossier::DossierStatus;
    let today = utc("2026-11-25T02:00:00Z");
    motcua::dossier_import::DossierRecord {
        code: motcua::domain::dossier_code::parse_code(&format!("H15.50.05.13-261120-{n:04}"))
            .unwrap(),
        status: if ended_days_ago.is_some() {
            DossierStatus::Returned
        } else {
            DossierStatus::Processing
        },
        procedure_code: "1.001193".into(),
        applicant_name: "Trần Thị Bình".into(),
        received_at: today - chrono::TimeDelta::days(900),
        due_at: None,
        due_at_new: None,
        finished_at: ended_days_ago.map(|d| today - chrono::TimeDelta::days(d)),
        note: "Ghi chú dài về hồ sơ. ".repeat(40),
        pickup_place: "Quầy số 2".into(),
        secret: String::new(),
        phone_last4: String::new(),
    }
}

#[test]
fn above_its_size_bound_the_store_drops_finished_dossiers_oldest_first_and_nothing_in_progress() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    let now = utc("2026-11-25T02:00:00Z");
    // 9,000 small dossiers that ended over 9,000 days, in no order of their codes, and 300
    // still in progress. As in life, removing the oldest leaves every page part full: only
    // rebuilding the file gives the room back.
    let ended = |n: u32| i64::from(n * 7919 % 9000 + 1);
    let small = |mut d: motcua::dossier_import::DossierRecord| {
        d.note = "Ghi chú.".into();
        d
    };
    let mut records: Vec<_> = (1..=9000)
        .map(|n| small(bulky_dossier(n, Some(ended(n)))))
        .collect();
    records.extend((9001..=9300).map(|n| small(bulky_dossier(n, None))));
    store.import_dossiers(&records, now).unwrap();
    // A ticket of long ago the office never got.
    let unsent = issue(&mut store, "A", "2026-01-05T02:00:00Z").ticket.id;

    let used = store.used_bytes().unwrap();
    assert!(used > 1_000_000, "{used}");
    // Within the bound: nothing happens.
    let same = store
        .shrink_to(used + 1, now, date(2026, 11, 25), 90)
        .unwrap();
    assert_eq!((same.dossiers, same.used_after), (0, used));

    // Less than half has to go: at random, that frees no page by itself.
    let bound = used / 10 * 6;
    let shrunk = store.shrink_to(bound, now, date(2026, 11, 25), 90).unwrap();
    assert!(shrunk.within(bound), "{shrunk:?}");
    assert!(
        shrunk.used_after <= bound / 10 * 9,
        "room left for growth: {shrunk:?}"
    );
    assert_eq!(
        shrunk.retention_days,
        motcua::kiosk::store::MIN_RETENTION_DAYS
    );
    assert!(
        // What the excess asks for (4,700 here), not most of them: without the rebuild,
        // part-full pages hide what was freed and round after round removes more (6,600).
        shrunk.dossiers > 4000 && shrunk.dossiers < 5500,
        "{shrunk:?}"
    );
    drop(store);

    // Reopened: every dossier in progress, the ones that ended most recently, the unsent ticket.
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.dossier_count().unwrap(),
        9300 - shrunk.dossiers as u64
    );
    for n in 9001..=9300 {
        let code = format!("H15.50.05.13-261120-{n:04}");
        assert!(
            store.dossier(&code).unwrap().is_some(),
            "{code} in progress"
        );
    }
    let kept = 9000 - shrunk.dossiers as u32;
    for n in 1..=9000 {
        let code = format!("H15.50.05.13-261120-{n:04}");
        let present = store.dossier(&code).unwrap().is_some();
        assert_eq!(
            present,
            ended(n) <= i64::from(kept),
            "{code}: ended {} days ago",
            ended(n)
        );
        if !present {
            assert!(
                store.dossier_steps(&code).unwrap().is_empty(),
                "{code}'s steps"
            );
        }
    }
    assert!(store.ticket(&unsent).unwrap().is_some());
}

#[test]
fn a_store_full_of_what_must_stay_says_it_is_over_its_bound() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    let now = utc("2026-11-25T02:00:00Z");
    let records: Vec<_> = (1..=500).map(|n| bulky_dossier(n, None)).collect();
    store.import_dossiers(&records, now).unwrap();
    let used = store.used_bytes().unwrap();
    let shrunk = store
        .shrink_to(used / 2, now, date(2026, 11, 25), 90)
        .unwrap();
    assert!(!shrunk.within(used / 2));
    assert_eq!(shrunk.dossiers, 0);
    assert_eq!(store.dossier_count().unwrap(), 500);
}

/// Each ticket's follow token, read from the outbox's `ticket.issued` payloads.
fn outbox_tokens(store: &Store) -> std::collections::HashMap<String, String> {
    store
        .outbox_pending(10_000)
        .unwrap()
        .iter()
        .map(|e| {
            let v: serde_json::Value = serde_json::from_str(&e.payload).unwrap();
            let token = v["follow_token"]
                .as_str()
                .expect("a follow_token")
                .to_string();
            (v["id"].as_str().unwrap().to_string(), token)
        })
        .collect()
}

#[test]
fn every_ticket_gets_its_own_follow_token_which_survives_reopening_and_goes_to_the_office() {
    use motcua::follow::is_token;
    let (_dir, path) = temp_db();
    let day = date(2026, 11, 25);
    let issued: Vec<(String, String)> = {
        let mut store = Store::open(&path).unwrap();
        (0..1000)
            .map(|i| {
                let at = utc("2026-11-25T01:00:00Z") + chrono::TimeDelta::seconds(i);
                let t = issue(
                    &mut store,
                    ["A", "B", "C"][i as usize % 3],
                    &at.to_rfc3339(),
                )
                .ticket;
                (t.id, t.follow_token.expect("every new ticket has a token"))
            })
            .collect()
    };
    assert!(issued.iter().all(|(_, token)| is_token(token)));
    let distinct: std::collections::HashSet<_> = issued.iter().map(|(_, t)| t).collect();
    assert_eq!(distinct.len(), 1000);
    // 128 random bits each: about half of all the bits are ones (a counter or a constant
    // would be far off; 8 standard deviations is ±1,431).
    let ones: u32 = issued
        .iter()
        .flat_map(|(_, t)| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(t)
                .unwrap()
        })
        .map(u8::count_ones)
        .sum();
    assert!(
        (62_569..=65_431).contains(&ones),
        "{ones} ones of 128,000 bits"
    );

    // Closed and opened again: every ticket reads back with its token, and its
    // `ticket.issued` event carries the same one.
    let store = Store::open(&path).unwrap();
    let stored: Vec<(String, String)> = store
        .tickets_on(day)
        .unwrap()
        .into_iter()
        .map(|t| (t.id, t.follow_token.unwrap()))
        .collect();
    assert_eq!(stored, issued);
    let sent = outbox_tokens(&store);
    assert_eq!(sent.len(), 1000);
    for (id, token) in &issued {
        assert_eq!(&sent[id], token, "{id}");
        assert_eq!(
            store.ticket(id).unwrap().unwrap().follow_token.as_ref(),
            Some(token)
        );
    }
    // The reprint list reads tickets the same way.
    assert!(store
        .unprinted_on(day)
        .unwrap()
        .iter()
        .all(|t| t.follow_token.is_some()));
}

#[test]
fn a_follow_token_says_nothing_about_its_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let mut one = Store::open(dir.path().join("one.sqlite3")).unwrap();
    let mut two = Store::open(dir.path().join("two.sqlite3")).unwrap();
    // Number A001 three times: on two kiosks the same morning, and the next day.
    let tickets = [
        issue(&mut one, "A", "2026-11-25T01:00:00Z").ticket,
        issue(&mut two, "A", "2026-11-25T01:00:00Z").ticket,
        issue(&mut one, "A", "2026-11-26T01:00:00Z").ticket,
    ];
    assert!(tickets.iter().all(|t| t.display_number() == "A001"));
    let tokens: Vec<&str> = tickets
        .iter()
        .map(|t| t.follow_token.as_deref().unwrap())
        .collect();
    assert!(tokens[0] != tokens[1] && tokens[1] != tokens[2] && tokens[0] != tokens[2]);
    let bits = |t: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(t)
            .unwrap()
    };
    for t in &tickets {
        let token = t.follow_token.as_deref().unwrap();
        let lower = token.to_ascii_lowercase();
        assert!(
            !lower.contains("a001") && !lower.contains("20261125"),
            "{token}"
        );
        // No piece of the id (8 hex digits or more) is in it, as text or as its bytes.
        let hex = t.id.replace('-', "");
        for piece in hex.as_bytes().chunks(8) {
            assert!(
                !lower.contains(std::str::from_utf8(piece).unwrap()),
                "{token}"
            );
        }
        let token_hex: String = bits(token).iter().map(|b| format!("{b:02x}")).collect();
        for piece in hex.as_bytes().chunks(8) {
            assert!(
                !token_hex.contains(std::str::from_utf8(piece).unwrap()),
                "{token}"
            );
        }
    }
    // Unrelated: about half the bits differ between any two (a token built from the
    // number, the day or the kiosk would share most of them).
    for (a, b) in [(0, 1), (1, 2), (0, 2)] {
        let differ: u32 = bits(tokens[a])
            .iter()
            .zip(bits(tokens[b]))
            .map(|(x, y)| (x ^ y).count_ones())
            .sum();
        assert!((32..=96).contains(&differ), "{differ} of 128 bits differ");
    }
}

#[test]
fn a_store_of_schema_5_upgrades_keeping_its_tickets_and_new_ones_get_tokens() {
    let (_dir, path) = temp_db();
    let day = date(2026, 11, 25);
    let old: Vec<_> = {
        let mut store = Store::open(&path).unwrap();
        let a = issue(&mut store, "A", "2026-11-25T01:00:00Z").ticket;
        let b = issue(&mut store, "B", "2026-11-25T01:01:00Z").ticket;
        store
            .mark_printed(&a.id, utc("2026-11-25T01:00:05Z"))
            .unwrap();
        vec![a, b]
    };
    // Version 6 only adds the token column, 7 a dossier's new due time and 8 a procedure's
    // online level and paper flag: without them
    // (and without the token in the events), the file is what a kiosk of schema 5 left.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "ALTER TABLE ticket DROP COLUMN follow_token;
             ALTER TABLE dossier DROP COLUMN due_at_new;
             ALTER TABLE procedure DROP COLUMN online_level;
             ALTER TABLE procedure DROP COLUMN no_paper;
             UPDATE outbox SET payload = json_remove(payload, '$.follow_token');
             PRAGMA user_version = 5;",
        )
        .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.pragma("user_version").unwrap(), "8");
    store.integrity_check().unwrap();
    let kept = store.tickets_on(day).unwrap();
    assert_eq!(kept.len(), 2);
    for (k, o) in kept.iter().zip(&old) {
        assert_eq!(k.follow_token, None, "a ticket of before has no token");
        let before = motcua::domain::ticket::Ticket {
            follow_token: None,
            booking: None,
            ..o.clone()
        };
        assert_eq!(
            motcua::domain::ticket::Ticket {
                printed_at: None,
                ..k.clone()
            },
            before
        );
    }
    assert!(kept[0].printed_at.is_some() && kept[1].printed_at.is_none());
    assert_eq!(store.outbox_unsent().unwrap(), 2);
    // Numbering goes on, and the next ticket has a token.
    let next = issue(&mut store, "A", "2026-11-25T01:02:00Z").ticket;
    assert_eq!(next.display_number(), "A002");
    assert!(motcua::follow::is_token(
        next.follow_token.as_deref().unwrap()
    ));
    drop(store);
    let store = Store::open(&path).unwrap();
    let tokens: Vec<_> = store
        .tickets_on(day)
        .unwrap()
        .into_iter()
        .map(|t| t.follow_token.is_some())
        .collect();
    assert_eq!(tokens, [false, false, true]);
}
