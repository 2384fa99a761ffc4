//! The monthly scorecard (docs/scorecard.md) on SQLite and on PostgreSQL: this month's
//! figures from dossiers, served and rated tickets set relative to the run equal the
//! hand-computed shares (the unsatisfied one's follow-up too, before and after it is made); an empty month says "no data" in JSON and CSV, never 0 % or 100 %;
//! the official score and rank a lead types in are checked, kept across a reopen and
//! charted; only a lead reads or writes any of it; nothing personal is exported.

#[path = "support/office_db.rs"]
mod office_db;

#[path = "support/http_client.rs"]
mod http_client;

#[path = "support/ticket_events.rs"]
mod ticket_events;

use chrono::{DateTime, TimeDelta, Utc};
use http_client::{agent, call};
use motcua::domain::dossier_code::parse_code;
use motcua::domain::scorecard::Month;
use motcua::dossier_import::{parse, Format};
use motcua::office::counters::{ClerkRole, LinkSource, QueueDef};
use motcua::office::store::{Role, SiteId};
use motcua::office::OfficeStore;
use motcua::protocol::{RoutedOnline, EVENT_ROUTING_ONLINE};
use office_db::{both_backends, Backend, TestDb};
use serde_json::{json, Value};

both_backends! {
    the_month_s_figures_equal_hand_counts_and_only_leads_see_them,
}

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;
const S1: SiteId = SiteId(1);
const NAME: &str = "Trần Thị Bích";

fn code(n: u32) -> String {
    format!("H15.50.05.13-261120-{n:04}")
}

/// One dossier row of the JSON import format.
fn dossier(
    n: u32,
    status: &str,
    due: Option<DateTime<Utc>>,
    finished: Option<DateTime<Utc>>,
) -> Value {
    json!({
        "code": code(n), "status": status, "procedure_code": "1.001193",
        "applicant_name": NAME, "received_at": (Utc::now() - TimeDelta::days(20)).to_rfc3339(),
        "due_at": due.map(|d| d.to_rfc3339()), "finished_at": finished.map(|d| d.to_rfc3339()),
        "secret": "9XQ2", "phone_last4": "8765",
    })
}

/// The office of the test; returns its kiosk's token.
fn seed(db: &TestDb) -> String {
    let mut s = OfficeStore::open(db.target()).unwrap();
    let now = Utc::now();
    let done = now - TimeDelta::seconds(1);
    let rows = json!([
        dossier(1, "returned", Some(now + TimeDelta::days(3)), Some(done)),
        dossier(2, "returned", Some(now - TimeDelta::days(2)), Some(done)),
        dossier(3, "ready", Some(now + TimeDelta::days(1)), Some(done)),
        dossier(4, "processing", Some(now - TimeDelta::days(1)), None),
        dossier(5, "processing", Some(now + TimeDelta::days(5)), None),
        dossier(6, "received", None, None),
        dossier(
            7,
            "supplement_requested",
            Some(now - TimeDelta::days(1)),
            None
        ),
    ]);
    let records = parse(&rows.to_string(), Format::Json).unwrap();
    assert!(records.errors.is_empty(), "{:?}", records.errors);
    let records: Vec<_> = records.records.into_iter().map(|r| r.1).collect();
    s.upsert_dossiers(S1, &records, now).unwrap();
    s.set_queues(S1, &[QueueDef::new("A", &["HT"])]).unwrap();
    let (kiosk, token) = s.enroll_device("Kiosk", Role::Kiosk, &[S1], now).unwrap();
    let today = now.with_timezone(&TZ).date_naive();
    let events: Vec<(String, String)> = (1..=5u32)
        .map(|n| {
            let payload = json!({
                "id": format!("t{n}"), "queue": "A", "number": n, "business_date": today,
                "issued_at": now - TimeDelta::seconds(i64::from(60 - n)),
                "field": "HT", "priority": "none", "state": "waiting",
            });
            (format!("e{n}"), payload.to_string())
        })
        .collect();
    s.apply_events(&kiosk, &ticket_events::tickets_issued(&events), now)
        .unwrap();
    for (user, role) in [("lan", ClerkRole::SiteLead), ("nam", ClerkRole::Clerk)] {
        s.add_clerk(Some(S1), user, user, "mat-khau-dai-1", role, false, now)
            .unwrap();
    }
    token
}

/// The figure `key` of a card's JSON.
fn figure<'a>(card: &'a Value, key: &str) -> &'a Value {
    card["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == key)
        .unwrap_or_else(|| panic!("no {key} in {card}"))
}

fn the_month_s_figures_equal_hand_counts_and_only_leads_see_them(b: Backend) {
    let db = TestDb::new(b);
    let token = seed(&db);
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let base = office.url();
    let a = agent();
    let (status, v, clerk) = call(
        &a,
        "POST",
        &format!("{base}/api/v1/clerk/login"),
        None,
        Some(
            json!({"username": "nam", "password": "mat-khau-dai-1", "counter": 1, "queues": ["A"]}),
        ),
    );
    assert_eq!(status, 200, "{v}");
    let clerk = clerk.unwrap();
    // Four of the five tickets served and rated at counter 1: 3 of 4 satisfied.
    let mut rater = OfficeStore::open(db.target()).unwrap();
    for (n, score) in [
        (1, "very_satisfied"),
        (2, "satisfied"),
        (3, "unsatisfied"),
        (4, "satisfied"),
    ] {
        for action in ["next", "start", "finish"] {
            let (status, v, _) = call(
                &a,
                "POST",
                &format!("{base}/api/v1/counter/{action}"),
                Some(&clerk),
                None,
            );
            assert_eq!(status, 200, "{action}: {v}");
        }
        let reasons = if score == "unsatisfied" {
            vec!["long_wait".to_string()]
        } else {
            vec![]
        };
        rater
            .rate(S1, 1, &format!("t{n}"), score, &reasons, Utc::now())
            .unwrap();
    }
    // The clerk linked t1 and t3 to dossier 2, and t2 to dossier 1 as an assisted online
    // filing; t5 came from the kiosk's routing page for help filing online, and one more
    // citizen routed online took no ticket.
    for (ticket, n, assisted) in [("t1", 2, false), ("t2", 1, true), ("t3", 2, false)] {
        let code = parse_code(&code(n)).unwrap();
        rater
            .link_ticket(
                S1,
                ticket,
                &code,
                LinkSource::Console,
                Some(assisted),
                Utc::now(),
            )
            .unwrap();
    }
    drop(rater);
    let routed = |id: &str, ticket: Option<&str>| {
        let r = RoutedOnline {
            id: id.into(),
            field: "HT".into(),
            procedure: "2.000635".into(),
            at: Utc::now(),
            business_date: Utc::now().with_timezone(&TZ).date_naive(),
            assisted_ticket: ticket.map(str::to_string),
        };
        json!({"id": id, "kind": EVENT_ROUTING_ONLINE, "payload": r})
    };
    let events = json!({"protocol": 1, "events": [
        routed("5d1c2e3f-0000-4000-8000-0000000000a1", Some("t5")),
        routed("5d1c2e3f-0000-4000-8000-0000000000a2", None),
    ]});
    let mut resp = a
        .post(&format!("{base}/api/v1/events"))
        .header("Authorization", &format!("Bearer {token}"))
        .send_json(events)
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let pushed: Value = resp.body_mut().read_json().unwrap();
    assert!(pushed.to_string().contains("a2"), "{pushed}");

    let (status, _, lead) = call(
        &a,
        "POST",
        &format!("{base}/api/v1/reports/login"),
        None,
        Some(json!({"username": "lan", "password": "mat-khau-dai-1"})),
    );
    assert_eq!(status, 200);
    let lead = lead.unwrap();
    let this_month = Month::of(Utc::now().with_timezone(&TZ).date_naive());
    let get =
        |path: &str, cookie: Option<&str>| call(&a, "GET", &format!("{base}{path}"), cookie, None);

    let (status, card) = {
        let (s, v, _) = get(
            &format!("/api/v1/scorecard?month={this_month}"),
            Some(&lead),
        );
        (s, v)
    };
    assert_eq!(status, 200, "{card}");
    assert_eq!(card["month"], this_month.to_string());
    assert_eq!(card["complete"], false);
    // Resolved this month: 1 early, 2 late, 3 (ready) early → 2 of 3 on time.
    let on_time = figure(&card, "on_time_share");
    assert_eq!(
        (on_time["part"].as_u64(), on_time["whole"].as_u64()),
        (Some(2), Some(3)),
        "{on_time}"
    );
    assert!((on_time["share"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(on_time["group"], "progress");
    assert_eq!(on_time["estimate"], true);
    // In progress now: 4 (late), 5, 6 (no due time) and 7 (paused by a supplement request,
    // not late) → 1 of 4 overdue.
    let overdue = figure(&card, "overdue_in_progress");
    assert_eq!(
        (overdue["part"].as_u64(), overdue["whole"].as_u64()),
        (Some(1), Some(4)),
        "{overdue}"
    );
    assert_eq!(overdue["share"].as_f64(), Some(0.25));
    let satisfaction = figure(&card, "counter_satisfaction");
    assert_eq!(
        (
            satisfaction["part"].as_u64(),
            satisfaction["whole"].as_u64()
        ),
        (Some(3), Some(4))
    );
    assert_eq!(satisfaction["share"].as_f64(), Some(0.75));
    assert_eq!(satisfaction["group"], "satisfaction");
    // Visits: five tickets and the routing that took none; online: t5 (routed, with a
    // ticket for help), t2 (filed online with the clerk's help) and that routing: 3 of 6.
    let online = figure(&card, "online_share");
    assert_eq!(
        (
            online["part"].as_u64(),
            online["whole"].as_u64(),
            online["share"].as_f64()
        ),
        (Some(3), Some(6), Some(0.5))
    );
    assert_eq!(online["group"], "online");
    // Linked ratings: t1 very satisfied, t2 satisfied, t3 unsatisfied: 2 of 3.
    let linked = figure(&card, "dossier_satisfaction");
    assert_eq!(
        (linked["part"].as_u64(), linked["whole"].as_u64()),
        (Some(2), Some(3)),
        "{linked}"
    );
    assert!(card["official"].is_null());
    assert_eq!(card["groups"].as_array().unwrap().len(), 5);
    // The unsatisfied rating opened a follow-up, not yet made: 0 of 1 on time.
    let follow = figure(&card, "follow_up_on_time");
    assert_eq!(
        (
            follow["part"].as_u64(),
            follow["whole"].as_u64(),
            follow["share"].as_f64()
        ),
        (Some(0), Some(1), Some(0.0))
    );
    let (status, alerts, _) = get("/api/v1/alerts", Some(&lead));
    assert_eq!(status, 200, "{alerts}");
    let id = alerts["follow_ups"][0]["id"].as_i64().unwrap();
    let (status, v, _) = call(
        &a,
        "POST",
        &format!("{base}/api/v1/alerts/{id}/follow-up"),
        Some(&lead),
        Some(json!({"note": "Đã gọi lại"})),
    );
    assert_eq!(status, 204, "{v}");
    let (_, card, _) = get(
        &format!("/api/v1/scorecard?month={this_month}"),
        Some(&lead),
    );
    let follow = figure(&card, "follow_up_on_time");
    assert_eq!(
        (
            follow["part"].as_u64(),
            follow["whole"].as_u64(),
            follow["share"].as_f64()
        ),
        (Some(1), Some(1), Some(1.0))
    );

    // An empty month: every figure says no data.
    let (status, empty, _) = get("/api/v1/scorecard?month=2001-01", Some(&lead));
    assert_eq!(status, 200, "{empty}");
    assert_eq!(empty["complete"], true);
    for f in empty["figures"].as_array().unwrap() {
        assert!(f["share"].is_null() && f["whole"] == 0, "{f}");
    }
    let csv = |month: &str| {
        let mut resp = a
            .get(&format!("{base}/api/v1/scorecard.csv?month={month}"))
            .header("cookie", &lead)
            .call()
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        resp.body_mut().read_to_string().unwrap()
    };
    let empty_csv = csv("2001-01");
    let figure_rows: Vec<&str> = empty_csv
        .lines()
        .skip(1)
        .filter(|l| !l.contains(",official_"))
        .collect();
    assert_eq!(figure_rows.len(), 6, "{empty_csv}");
    for line in figure_rows {
        assert!(
            line.contains(",,no_data,"),
            "an empty figure is no data: {line}"
        );
        assert!(!line.contains("100.0") && !line.contains(",0.0,"), "{line}");
    }
    let month_csv = csv(&this_month.to_string());
    assert!(month_csv.starts_with('\u{feff}'), "a BOM for spreadsheets");
    assert!(
        month_csv.contains("on_time_share,progress,20,2,3,66.7,estimate"),
        "{month_csv}"
    );
    assert!(
        month_csv.contains("counter_satisfaction,satisfaction,18,3,4,75.0,estimate"),
        "{month_csv}"
    );

    // The official score: checked, kept, replaced, charted.
    let last_month = this_month.prev();
    let put = |body: Value, cookie: Option<&str>| {
        call(
            &a,
            "PUT",
            &format!("{base}/api/v1/scorecard/official"),
            cookie,
            Some(body),
        )
    };
    for bad in [
        json!({"month": last_month.to_string(), "score": 100.5}),
        json!({"month": last_month.to_string(), "score": 61.255}),
        json!({"month": last_month.to_string(), "score": -1}),
        json!({"month": last_month.to_string(), "score": "61"}),
        json!({"month": last_month.to_string(), "score": 61, "rank": 3}),
        json!({"month": last_month.to_string(), "score": 61, "rank": 130, "rank_of": 120}),
        json!({"month": last_month.to_string(), "score": 61, "rank": 0, "rank_of": 120}),
        json!({"month": this_month.next().to_string(), "score": 61}),
        json!({"month": "2026-13", "score": 61}),
        json!({"month": "", "score": 61}),
        json!({"month": last_month.to_string(), "score": 61, "note": "x"}),
    ] {
        let (status, v, _) = put(bad.clone(), Some(&lead));
        // 422: a body of the wrong shape, as every JSON route answers it.
        assert!(matches!(status, 400 | 422), "{bad} → {status} {v}");
        assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()), "{v}");
    }
    let (status, v, _) = put(
        json!({"month": last_month.to_string(), "score": 50}),
        Some(&lead),
    );
    assert_eq!(status, 200, "{v}");
    let (status, v, _) = put(
        json!({"month": last_month.to_string(), "score": 61.25, "rank": 90, "rank_of": 120}),
        Some(&lead),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        v["official"]["score"].as_f64(),
        Some(61.25),
        "the second entry replaces the first"
    );
    let (status, v, _) = put(
        json!({"month": this_month.to_string(), "score": 70.5, "rank": 40, "rank_of": 120}),
        Some(&lead),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["official"]["entered_by"], "lan");

    let (status, history, _) = get(
        &format!("/api/v1/scorecard/history?to={this_month}&months=2"),
        Some(&lead),
    );
    assert_eq!(status, 200, "{history}");
    let months = history["months"].as_array().unwrap();
    assert_eq!(months.len(), 2);
    assert_eq!(months[0]["month"], last_month.to_string());
    assert_eq!(months[0]["official"]["rank"], 90);
    assert_eq!(months[1]["official"]["score"].as_f64(), Some(70.5));
    let svg = |path: &str| {
        let mut resp = a
            .get(&format!("{base}{path}"))
            .header("cookie", &lead)
            .call()
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        resp.body_mut().read_to_string().unwrap()
    };
    let score = svg(&format!(
        "/api/v1/scorecard/chart/score.svg?to={this_month}&months=2"
    ));
    assert!(
        score.starts_with("<svg") && score.contains("Điểm chính thức"),
        "{score}"
    );
    assert!(
        score.contains(&last_month.short_label()) && score.contains("61,25"),
        "{score}"
    );
    let rank = svg(&format!(
        "/api/v1/scorecard/chart/rank.svg?to={this_month}&months=2&lang=en"
    ));
    assert!(
        rank.contains(&format!(
            "Rank: {} 90; {} 40.",
            last_month.short_label(),
            this_month.short_label()
        )),
        "{rank}"
    );
    for bad in [
        "/api/v1/scorecard/history?months=0",
        "/api/v1/scorecard/history?months=37",
        "/api/v1/scorecard?month=26-01",
        "/api/v1/scorecard/chart/score.svg?lang=fr",
    ] {
        assert_eq!(get(bad, Some(&lead)).0, 400, "{bad}");
    }
    assert_eq!(get("/api/v1/scorecard/chart/nope.svg", Some(&lead)).0, 404);

    // Nothing personal anywhere.
    for text in [card.to_string(), month_csv, history.to_string()] {
        for private in [NAME, "Bích", "8765", "9XQ2"] {
            assert!(!text.contains(private), "{private:?} in {text}");
        }
    }

    // Only a lead: a clerk is refused, no session is asked to sign in.
    for path in [
        "/api/v1/scorecard",
        "/api/v1/scorecard.csv",
        "/api/v1/scorecard/history",
        "/api/v1/scorecard/chart/score.svg",
    ] {
        let (status, v, _) = get(path, Some(&clerk));
        assert_eq!(
            (status, v["code"].as_str()),
            (403, Some("not_lead")),
            "{path}: {v}"
        );
        assert_eq!(get(path, None).0, 401, "{path}");
    }
    let (status, _, _) = put(
        json!({"month": last_month.to_string(), "score": 10}),
        Some(&clerk),
    );
    assert_eq!(status, 403);
    assert_eq!(
        put(json!({"month": last_month.to_string(), "score": 10}), None).0,
        401
    );
    drop(office);

    // Kept on disk: a reopened database has both entries, the clerk's attempt changed nothing.
    let s = OfficeStore::open(db.target()).unwrap();
    let cards = s
        .scorecard_history(S1, this_month, 2, Utc::now(), TZ)
        .unwrap();
    let scores: Vec<Option<f64>> = cards
        .iter()
        .map(|c| c.official.as_ref().map(|o| o.score))
        .collect();
    assert_eq!(scores, [Some(61.25), Some(70.5)]);
}
