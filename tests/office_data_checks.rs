//! Data checked at the door (issue 15), on a real office over HTTP on 127.0.0.1, on SQLite
//! and on PostgreSQL: dossier fields over their limit or holding a NUL are refused row by
//! row (API and `office import dossiers`); an import header of a million unknown columns
//! gives a short message; a dossier already stored too large is skipped and a real kiosk
//! still syncs the others; a changes page keeps to its byte bound; ticket events naming an
//! unknown queue, field or priority are kept aside, listed, acknowledged and absent from
//! the reports; report CSV cells are neutralised; junk ticket ids are a 400, never a 500.

#[path = "support/office_db.rs"]
mod office_db;

#[path = "support/command.rs"]
mod command;
#[path = "support/http_client.rs"]
mod http_client;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use http_client::{agent, call};
use motcua::config::Config;
use motcua::dossier_import::{parse, DossierRecord, Format};
use motcua::kiosk::store::Store;
use motcua::kiosk::sync::SyncHandle;
use motcua::office::counters::QueueDef;
use motcua::office::http::{spawn_with_shutdown, OfficeHandle};
use motcua::office::{OfficeStore, Role};
use motcua::protocol::{MAX_CHANGES_BYTES, MAX_DOSSIER_BYTES};
use office_db::{both_backends, Backend, TestDb};
use serde_json::{json, Value};

both_backends! {
    dossier_rows_over_a_limit_or_with_a_nul_are_refused_alone,
    an_import_file_with_a_nul_row_keeps_its_other_rows,
    a_stored_dossier_too_large_is_skipped_and_a_kiosk_still_gets_the_others,
    a_changes_page_keeps_to_its_byte_bound,
    bad_ticket_events_are_kept_aside_listed_acknowledged_and_out_of_the_reports,
    junk_ticket_ids_are_a_400,
}

const TZ: Tz = chrono_tz::Asia::Ho_Chi_Minh;

fn today() -> NaiveDate {
    motcua::domain::clock::business_date(Utc::now(), TZ)
}

fn motcua(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .env("RUST_LOG", "warn")
        .args(args)
        .output()
        .unwrap()
}

fn token(db: &TestDb, name: &str, role: Role) -> String {
    OfficeStore::open(db.target())
        .unwrap()
        .enroll_device(name, role, &[S1], Utc::now())
        .unwrap()
        .1
}

fn serve(db: &TestDb) -> OfficeHandle {
    spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap()
}

/// POSTs JSON with a bearer token: (status, JSON answer).
fn post(base: &str, path: &str, token: &str, body: &Value) -> (u16, Value) {
    let mut resp = agent()
        .post(format!("{base}{path}"))
        .header("Authorization", &format!("Bearer {token}"))
        .send_json(body)
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.body_mut().read_json().unwrap_or(Value::Null))
}

/// Dossier `i` as the import format's JSON object, with its note.
fn dossier(i: usize, note: &str) -> Value {
    json!({"code": format!("H15.50.05.13-261120-{i:04}"), "status": "processing",
           "procedure_code": "1.001193", "applicant_name": "Nguyễn Văn An",
           "received_at": "2026-11-20T08:00:00+07:00", "note": note})
}

fn records(values: &[Value]) -> Vec<DossierRecord> {
    let parsed = parse(&Value::from(values.to_vec()).to_string(), Format::Json).unwrap();
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    parsed.records.into_iter().map(|(_, r)| r).collect()
}

fn dossier_rows_over_a_limit_or_with_a_nul_are_refused_alone(b: Backend) {
    let db = TestDb::new(b);
    let integration = token(&db, "Một cửa tỉnh", Role::Integration);
    let office = serve(&db);
    let base = office.url();
    // Just over each limit: what a 100 MB note would meet, without sending 100 MB.
    let mut long_name = dossier(3, "");
    long_name["applicant_name"] = json!("N".repeat(201));
    let mut long_procedure = dossier(4, "");
    long_procedure["procedure_code"] = json!("P".repeat(65));
    let mut long_place = dossier(5, "");
    long_place["pickup_place"] = json!("Q".repeat(301));
    let mut nul = dossier(6, "");
    nul["applicant_name"] = json!("An\u{0}");
    let body = json!({"protocol": 1, "dossiers": [
        dossier(1, "ok"), dossier(2, &"x".repeat(2001)), long_name, long_procedure, long_place,
        nul, dossier(7, &"ệ".repeat(2000)),
    ]});
    let (status, v) = post(&base, "/api/v1/dossiers", &integration, &body);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["inserted"], 2, "{v}");
    let errors: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    for want in [
        "note: longer than 2000 characters (the limit)",
        "applicant_name: longer than 200 characters (the limit)",
        "procedure_code: longer than 64 characters (the limit)",
        "pickup_place: longer than 300 characters (the limit)",
        "applicant_name: contains a NUL character",
    ] {
        assert!(
            errors.iter().any(|e| e.ends_with(want)),
            "{want}: {errors:?}"
        );
    }
    assert_eq!(errors.len(), 5, "{errors:?}");
    // One dossier at a time: the same limit, a 400 with the stable code.
    let code = "H15.50.05.13-261120-0002";
    let (status, v) = agent()
        .put(format!("{base}/api/v1/dossiers/{code}"))
        .header("Authorization", &format!("Bearer {integration}"))
        .send_json(json!({"protocol": 1, "dossier": dossier(2, &"x".repeat(2001))}))
        .map(|mut r| {
            (
                r.status().as_u16(),
                r.body_mut().read_json::<Value>().unwrap(),
            )
        })
        .unwrap();
    assert_eq!(
        (status, v["code"].as_str()),
        (400, Some("bad_request")),
        "{v}"
    );
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .contains("note: longer than 2000"),
        "{v}"
    );
    let s = OfficeStore::open(db.target()).unwrap();
    assert_eq!(s.dossier_count().unwrap(), 2);
}

fn an_import_file_with_a_nul_row_keeps_its_other_rows(b: Backend) {
    let db = TestDb::new(b);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hoso.csv");
    std::fs::write(
        &file,
        "code,status,received_at,applicant_name,note\n\
         H15-261008-0001,ready,2026-10-08T08:15:00+07:00,An,\n\
         H15-261008-0002,ready,2026-10-08T08:15:00+07:00,B\u{0}nh,\n\
         H15-261008-0003,ready,2026-10-08T08:15:00+07:00,Chi,có ghi chú\n",
    )
    .unwrap();
    let out = motcua(&[
        "office",
        "import",
        "dossiers",
        file.to_str().unwrap(),
        "--db",
        db.target(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "a refused row is a non-zero status");
    assert!(
        stderr.contains("hoso.csv:3: applicant_name: contains a NUL character"),
        "{stderr}"
    );
    assert!(
        stdout.contains("2 new, 0 updated, 0 unchanged; 1 rows refused"),
        "{stdout}{stderr}"
    );
    let s = OfficeStore::open(db.target()).unwrap();
    assert_eq!(s.dossier_count().unwrap(), 2);

    // A header of a million unknown columns: a short message, the file refused.
    let mut header = String::from("code,status,received_at");
    for i in 0..1_000_000 {
        header.push_str(&format!(",c{i}"));
    }
    std::fs::write(&file, format!("{header}\n")).unwrap();
    let out = motcua(&[
        "office",
        "import",
        "dossiers",
        file.to_str().unwrap(),
        "--db",
        db.target(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.len() < 1000, "{} bytes: {stderr}", stderr.len());
    assert!(
        stderr.contains("1000003 columns, more than the 64"),
        "{stderr}"
    );
    assert!(stderr.contains("\"c4\" and 56 more"), "{stderr}");
}

/// Writes a note straight into the database, as one from before the import limits.
fn store_note_directly(db: &TestDb, code: &str, note: &str) {
    match db.backend() {
        Backend::Sqlite => {
            let conn = rusqlite::Connection::open(db.target()).unwrap();
            let n = conn
                .execute(
                    "UPDATE dossier SET note = ?1 WHERE code = ?2",
                    rusqlite::params![note, code],
                )
                .unwrap();
            assert_eq!(n, 1);
        }
        Backend::Postgres => {
            let mut client = ::postgres::Client::connect(db.target(), ::postgres::NoTls).unwrap();
            let n = client
                .execute(
                    "UPDATE dossier SET note = $1 WHERE code = $2",
                    &[&note, &code],
                )
                .unwrap();
            assert_eq!(n, 1);
        }
    }
}

fn wait_until(what: &str, timeout: Duration, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn a_stored_dossier_too_large_is_skipped_and_a_kiosk_still_gets_the_others(b: Backend) {
    let db = TestDb::new(b);
    let kiosk_token = token(&db, "Kiosk sảnh", Role::Kiosk);
    let mut s = OfficeStore::open(db.target()).unwrap();
    let all: Vec<Value> = (1..=3).map(|i| dossier(i, "ghi chú")).collect();
    s.upsert_dossiers(S1, &records(&all), Utc::now()).unwrap();
    let big = "x".repeat(MAX_DOSSIER_BYTES + 1);
    store_note_directly(&db, "H15.50.05.13-261120-0002", &big);
    // A later dossier, after the oversized one.
    s.upsert_dossiers(S1, &records(&[dossier(4, "")]), Utc::now())
        .unwrap();
    let office = serve(&db);

    let dir = tempfile::tempdir().unwrap();
    motcua::kiosk::open_store(dir.path()).unwrap();
    let mut config = Config::default();
    config.sync.office_url = Some(office.url());
    config.sync.token = Some(kiosk_token);
    config.sync.interval_seconds = 1;
    let path = motcua::kiosk::database_path(dir.path());
    let clock: motcua::kiosk::sync::engine::Clock = std::sync::Arc::new(Utc::now);
    let sync: SyncHandle = SyncHandle::start(&config, path.clone(), clock)
        .unwrap()
        .expect("an office is configured");
    let store = Store::open(&path).unwrap();
    let has = |i: usize| {
        store
            .dossier(&format!("H15.50.05.13-261120-{i:04}"))
            .unwrap()
            .is_some()
    };
    wait_until("the other dossiers", Duration::from_secs(20), || {
        has(1) && has(3) && has(4)
    });
    assert!(!has(2), "the oversized dossier is never sent");
    assert!(sync.status().online);
    drop(sync);
    drop(office);
}

fn a_changes_page_keeps_to_its_byte_bound(b: Backend) {
    let db = TestDb::new(b);
    let kiosk_token = token(&db, "Kiosk sảnh", Role::Kiosk);
    // 1,500 dossiers of about 6 KB each (2,000 three-byte letters): about 9 MB in all.
    let note = "ệ".repeat(2000);
    let all: Vec<Value> = (1..=1500).map(|i| dossier(i, &note)).collect();
    OfficeStore::open(db.target())
        .unwrap()
        .upsert_dossiers(S1, &records(&all), Utc::now())
        .unwrap();
    let office = serve(&db);
    let base = office.url();
    let (mut since, mut pages, mut got) = (0u64, 0, 0usize);
    loop {
        let mut resp = agent()
            .post(format!("{base}/api/v1/changes"))
            .header("Authorization", &format!("Bearer {kiosk_token}"))
            .send_json(json!({"protocol": 1, "since": since}))
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .unwrap();
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        let n = v["dossiers"].as_array().map_or(0, Vec::len);
        let dossier_bytes = v["dossiers"].to_string().len();
        assert!(
            dossier_bytes <= MAX_CHANGES_BYTES,
            "{dossier_bytes} bytes of dossiers"
        );
        assert!(n >= 1, "every page while more wait holds a dossier");
        got += n;
        pages += 1;
        since = v["cursor"].as_u64().unwrap();
        if v["more"] != true {
            break;
        }
        assert!(pages < 10);
    }
    assert_eq!(got, 1500);
    assert!(pages >= 3, "{pages} pages for about 9 MB");
}

/// A `ticket.issued` event as a kiosk sends it.
fn issued(event: &str, id: &str, queue: &str, field: &str, priority: &str) -> Value {
    json!({"id": event, "kind": "ticket.issued", "payload": {
        "id": id, "queue": queue, "number": 7, "business_date": today(),
        "issued_at": Utc::now(), "wall_clock": Utc::now(), "clock_status": "ok",
        "field": field, "priority": priority, "state": "waiting", "printed_at": null}})
}

fn bad_ticket_events_are_kept_aside_listed_acknowledged_and_out_of_the_reports(b: Backend) {
    let db = TestDb::new(b);
    let kiosk_token = token(&db, "Kiosk sảnh", Role::Kiosk);
    let mut s = OfficeStore::open(db.target()).unwrap();
    s.set_queues(
        S1,
        &[QueueDef::new("A", &["HT"]), QueueDef::new("B", &["DD"])],
    )
    .unwrap();
    s.add_clerk(
        Some(S1),
        "lead",
        "=HYPERLINK(\"http://x\")",
        "mat-khau-dai-1",
        motcua::office::counters::ClerkRole::SiteLead,
        false,
        Utc::now(),
    )
    .unwrap();
    drop(s);
    let office = serve(&db);
    let base = office.url();
    let push = json!({"protocol": 1, "events": [
        issued("e1", "t1", "A", "HT", "none"),
        issued("e2", "t2", "=HYPERLINK(\"http://evil\")", "HT", "none"),
        issued("e3", "t3", "A", "+cmd|' /C calc'!A0", "none"),
        issued("e4", "t4", "A", "HT", "@SUM(A1)"),
        issued("e5", "t5", "C", "HT", "none"),
        issued("e6", "t6\u{0}", "A", "HT", "none"),
    ]});
    let (status, v) = post(&base, "/api/v1/events", &kiosk_token, &push);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["applied"], 1, "{v}");
    assert_eq!(
        v["acked"].as_array().unwrap().len(),
        6,
        "every event acknowledged: {v}"
    );
    let rejected: Vec<&str> = v["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(rejected, ["e2", "e3", "e4", "e5", "e6"], "{v}");
    assert!(v["rejected"][3]["reason"]
        .as_str()
        .unwrap()
        .contains("not one of the office's queues"));
    // Sent again: acknowledged, nothing new kept or applied.
    let (status, v) = post(&base, "/api/v1/events", &kiosk_token, &push);
    assert_eq!((status, v["applied"].as_u64()), (200, Some(0)), "{v}");
    assert!(v.get("rejected").is_none(), "{v}");

    let out = motcua(&[
        "office",
        "rejected-events",
        "--db",
        db.target(),
        "--limit",
        "3",
    ]);
    command::succeeded(&out);
    let listed = String::from_utf8_lossy(&out.stdout);
    assert_eq!(listed.lines().count(), 4, "{listed}");
    assert!(listed.contains("from \"Kiosk sảnh\""), "{listed}");
    assert!(
        listed.ends_with("3 of 5 rejected event(s) shown\n"),
        "{listed}"
    );

    let s = OfficeStore::open(db.target()).unwrap();
    assert_eq!(
        (s.ticket_count().unwrap(), s.rejected_event_count().unwrap()),
        (1, 5)
    );
    let report = s.report(S1, today(), today(), TZ).unwrap();
    assert_eq!(report.total.tickets, 1);
    assert_eq!(report.queues.len(), 1);

    // The exported CSV: no refused ticket, and a clerk's name a spreadsheet would run is
    // neutralised.
    let a = agent();
    let (status, body, cookie) = call(
        &a,
        "POST",
        &format!("{base}/api/v1/clerk/login"),
        None,
        Some(
            json!({"username": "lead", "password": "mat-khau-dai-1", "counter": 1, "queues": ["A"]}),
        ),
    );
    assert_eq!(status, 200, "{body}");
    let cookie = cookie.unwrap();
    for action in ["next", "start", "finish"] {
        let (status, body, _) = call(
            &a,
            "POST",
            &format!("{base}/api/v1/counter/{action}"),
            Some(&cookie),
            None,
        );
        assert_eq!(status, 200, "{action}: {body}");
    }
    let day = today();
    let mut resp = a
        .get(format!("{base}/api/v1/reports.csv?from={day}&to={day}"))
        .header("cookie", &cookie)
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let text = resp.body_mut().read_to_string().unwrap();
    assert!(
        text.contains("\nclerk,lead,\"'=HYPERLINK(\"\"http://x\"\")\",1,1,"),
        "{text}"
    );
    for bad in ["evil", "cmd", "SUM"] {
        assert!(!text.contains(bad), "{bad} in {text}");
    }
    for line in text.lines().skip(1) {
        for cell in line.split(',') {
            assert!(
                !cell.starts_with(['=', '+', '@', '\t', '\r']),
                "{cell:?} in {line:?}"
            );
        }
    }
}

fn junk_ticket_ids_are_a_400(b: Backend) {
    let db = TestDb::new(b);
    let kiosk_token = token(&db, "Kiosk sảnh", Role::Kiosk);
    let mut s = OfficeStore::open(db.target()).unwrap();
    s.set_queues(S1, &[QueueDef::new("A", &["HT"])]).unwrap();
    s.add_clerk(
        Some(S1),
        "lan",
        "Lan",
        "mat-khau-dai-2",
        motcua::office::counters::ClerkRole::Clerk,
        false,
        Utc::now(),
    )
    .unwrap();
    drop(s);
    let office = serve(&db);
    let base = office.url();
    for id in ["t\u{0}", &"a".repeat(65), "<script>"] {
        let (status, v) = post(
            &base,
            "/api/v1/numbers",
            &kiosk_token,
            &json!({"protocol": 1, "ticket_id": id, "queue": "A", "business_date": today()}),
        );
        assert_eq!(
            (status, v["code"].as_str()),
            (400, Some("bad_request")),
            "{id:?}: {v}"
        );
    }
    let a = agent();
    let (status, body, cookie) = call(
        &a,
        "POST",
        &format!("{base}/api/v1/clerk/login"),
        None,
        Some(
            json!({"username": "lan", "password": "mat-khau-dai-2", "counter": 1, "queues": ["A"]}),
        ),
    );
    assert_eq!(status, 200, "{body}");
    let (status, body, _) = call(
        &a,
        "POST",
        &format!("{base}/api/v1/counter/recall-no-show"),
        cookie.as_deref(),
        Some(json!({"ticket_id": "t\u{0}"})),
    );
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("bad_request")),
        "{body}"
    );
    assert!(
        body["error"].as_str().unwrap().contains("ticket id"),
        "{body}"
    );
    // The rating route: refused before any database work (whatever else it asks first).
    let (status, body, _) = call(
        &a,
        "POST",
        &format!("{base}/api/v1/rate/1"),
        None,
        Some(json!({"ticket_id": "t\u{0}", "score": "satisfied"})),
    );
    assert!((400..500).contains(&status), "{status}: {body}");
    assert_ne!(body["code"], "internal", "{body}");
}

/// The site a new office database starts with.
const S1: motcua::office::store::SiteId = motcua::office::store::SiteId(1);
