//! An office for the pages' browser tests (tests/support/browser.rs drives Chromium): a
//! temporary SQLite database seeded with queues, clerks and waiting tickets, served on
//! 127.0.0.1; the page steps the tests share (a clerk's login through the console's form,
//! waits, clicks); two weeks of history for the reports; five communes and a province lead
//! for the roll-up. Test files include it with `mod office_pages;` beside `mod browser;`.
#![allow(dead_code)] // each test crate uses its own part of it

use super::browser::{Browser, WAIT};
use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use motcua::domain::dossier::DossierStatus;
use motcua::domain::dossier_code::parse_code;
use motcua::dossier_import::DossierRecord;
use motcua::office::counters::{Action, ClerkRole, ClerkSession, QueueDef};
use motcua::office::http::spawn_with_shutdown;
use motcua::office::{OfficeHandle, OfficeStore, Role};
use motcua::protocol::EVENT_TICKET_ISSUED;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

pub const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;
/// The clerks of every office here (username, name); the first is a lead.
pub const CLERKS: [(&str, &str); 4] = [
    ("lan", "Nguyễn Thị Lan"),
    ("nam", "Trần Văn Nam"),
    ("hoa", "Lê Thị Hoa"),
    ("minh", "Phạm Văn Minh"),
];
/// The site a new office database starts with.
pub const S1: motcua::office::store::SiteId = motcua::office::store::SiteId(1);

/// Chromium instances and their audio share two cores with builds: one test of a file at
/// a time.
pub fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&TZ).date_naive()
}

pub fn password(user: &str) -> String {
    format!("mat-khau-{user}")
}

/// The whole page's length as `target/screenshots/{name}.png` at `width` (`height` after),
/// for a person to look at.
pub fn full_page(b: &Browser, width: u32, height: u32, name: &str) {
    let length = b.exec("return document.documentElement.scrollHeight", vec![]);
    let length = (length.as_u64().unwrap() as u32).clamp(height, 4000);
    b.set_window_size(width, length);
    b.screenshot_png(shot(&format!("{name}.png")));
    b.set_window_size(width, height);
}

pub fn shot(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target/screenshots")).join(name)
}

/// An office on a temporary SQLite database, serving on 127.0.0.1.
pub struct Office {
    pub db: PathBuf,
    /// None while a test has it stopped.
    pub handle: Option<OfficeHandle>,
    _dir: tempfile::TempDir,
}

impl Office {
    /// Queues `(prefix, fields)`, the [`CLERKS`], and waiting tickets as a kiosk reports
    /// them: "A012:20" is A012 issued 20 minutes ago, "A004:41:elderly" a priority one.
    pub fn start(queues: &[(&str, &[&str])], tickets: &str) -> Office {
        Office::seeded(|db| {
            let mut s = OfficeStore::open(db).unwrap();
            let kiosk = s
                .enroll_device("Kiosk", Role::Kiosk, &[S1], Utc::now())
                .unwrap()
                .0;
            let defs = queues
                .iter()
                .map(|(prefix, fields)| QueueDef::new(prefix, fields));
            s.set_queues(S1, &defs.collect::<Vec<_>>()).unwrap();
            for (i, (user, name)) in CLERKS.iter().enumerate() {
                let (password, lead) = (password(user), i == 0);
                s.add_clerk(
                    Some(S1),
                    user,
                    name,
                    &password,
                    if lead {
                        ClerkRole::SiteLead
                    } else {
                        ClerkRole::Clerk
                    },
                    false,
                    Utc::now(),
                )
                .unwrap();
            }
            for spec in tickets.split_whitespace() {
                let parts: Vec<&str> = spec.split(':').collect();
                let (queue, number) = parts[0].split_at(1);
                let field = queues.iter().find(|q| q.0 == queue).unwrap().1[0];
                let issued = Utc::now() - TimeDelta::minutes(parts[1].parse().unwrap());
                let payload = json!({
                    "id": format!("t-{}", parts[0]), "queue": queue, "number": number.parse::<u32>().unwrap(),
                    "business_date": today(), "issued_at": issued, "field": field,
                    "priority": parts.get(2).unwrap_or(&"none"), "state": "waiting",
                });
                let (event, payload) = (format!("e-{}", parts[0]), payload.to_string());
                let kind = EVENT_TICKET_ISSUED;
                s.apply_event(&kiosk, &event, kind, &payload, Utc::now())
                    .unwrap();
            }
        })
    }

    /// An office serving a temporary database that `seed` fills first.
    pub fn seeded(seed: impl FnOnce(&Path)) -> Office {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("office.sqlite3");
        seed(&db);
        let handle = Some(spawn_with_shutdown(&db, "127.0.0.1:0", TZ).unwrap());
        Office {
            db,
            handle,
            _dir: dir,
        }
    }

    /// Queues A (civil status) and B (land) and these tickets.
    pub fn simple(tickets: &str) -> Office {
        Office::start(&[("A", &["HT"]), ("B", &["DD"])], tickets)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.as_ref().unwrap().url())
    }

    /// `method path` with a session cookie: (status, JSON answer or Null, Set-Cookie).
    pub fn http(
        &self,
        method: &str,
        path: &str,
        cookie: &str,
        body: Option<Value>,
    ) -> (u16, Value, String) {
        let config = ureq::Agent::config_builder().http_status_as_error(false);
        let agent: ureq::Agent = config.proxy(None).build().into();
        let req = ureq::http::Request::builder()
            .method(method)
            .uri(self.url(path));
        let req = req
            .header("cookie", cookie)
            .header("content-type", "application/json");
        let body = body.map_or(String::new(), |b| b.to_string());
        let mut resp = agent.run(req.body(body).unwrap()).unwrap();
        let set_cookie = resp
            .headers()
            .get("set-cookie")
            .map(|v| v.to_str().unwrap());
        let set_cookie = set_cookie.unwrap_or_default().split(';').next().unwrap();
        let set_cookie = set_cookie.to_string();
        let text = resp.body_mut().read_to_string().unwrap();
        let answer = serde_json::from_str(&text).unwrap_or(Value::Null);
        (resp.status().as_u16(), answer, set_cookie)
    }

    /// Signs `user` in at `counter` over HTTP; returns the session cookie.
    pub fn login(&self, user: &str, counter: u32, queues: &[&str]) -> String {
        let body = json!({"username": user, "password": password(user), "counter": counter, "queues": queues});
        let (status, answer, cookie) = self.http("POST", "/api/v1/clerk/login", "", Some(body));
        assert_eq!(status, 200, "{answer}");
        cookie
    }

    /// Enrols a rating tablet for `counter` as staff do; returns its pairing code.
    pub fn tablet_code(&self, counter: u32) -> String {
        let mut store = OfficeStore::open(&self.db).unwrap();
        let name = format!("Bảng quầy {counter}");
        store
            .enroll_tablet(S1, &name, counter, Utc::now())
            .unwrap()
            .1
            .code
    }

    /// A rating tablet for `counter`, paired over HTTP; returns its cookie.
    pub fn tablet(&self, counter: u32) -> String {
        let body = json!({ "code": self.tablet_code(counter) });
        let (status, answer, cookie) = self.http("POST", "/api/v1/rate/pair", "", Some(body));
        assert_eq!(status, 200, "{answer}");
        cookie
    }

    /// A counter action over HTTP; returns the console snapshot.
    pub fn act(&self, cookie: &str, action: &str) -> Value {
        let path = format!("/api/v1/counter/{action}");
        let (status, answer, _) = self.http("POST", &path, cookie, None);
        assert_eq!(status, 200, "{action}: {answer}");
        answer
    }

    /// The ids of the board's recent calls, newest first.
    pub fn call_ids(&self) -> Vec<i64> {
        let board = self.http("GET", "/api/v1/board", "", None).1;
        let calls = board["recent"].as_array().unwrap().iter();
        calls.map(|c| c["id"].as_i64().unwrap()).collect()
    }
}

/// Nothing the page did was blocked by its Content-Security-Policy: no inline style or
/// script left, nothing from elsewhere.
pub fn obeys_the_policy(b: &Browser) {
    let log = b.console_log();
    let blocked: Vec<&String> = log
        .iter()
        .filter(|l| l.contains("Content Security Policy") || l.contains("Refused to"))
        .collect();
    assert!(blocked.is_empty(), "{blocked:#?}");
}

pub fn shown(b: &Browser, css: &str) -> bool {
    b.try_find(css).is_some_and(|e| e.is_displayed())
}

pub fn wait_shown(b: &Browser, css: &str) {
    b.wait_until(&format!("`{css}` shown"), WAIT, |b| shown(b, css));
}

/// Waits for an element matching `css` longer than [`Browser::find`] does.
pub fn wait_for(b: &Browser, css: &str, secs: u64) {
    let timeout = Duration::from_secs(secs);
    b.wait_until(&format!("`{css}`"), timeout, |b| b.try_find(css).is_some());
}

/// Waits until the page enables the button (it disables them while an action is under way).
pub fn enabled(b: &Browser, css: &str) {
    let script = "const e = document.querySelector(arguments[0]); return !!e && !e.disabled";
    let on = |b: &Browser| b.exec(script, vec![json!(css)]) == json!(true);
    b.wait_until(&format!("`{css}` enabled"), WAIT, on);
}

/// Clicks `css` once it is enabled; found again if a live update redraws it meanwhile.
pub fn click(b: &Browser, css: &str) {
    enabled(b, css);
    b.wait_until(&format!("a click on `{css}`"), WAIT, |b| {
        b.try_find(css).is_some_and(|e| e.click_unless_stale())
    });
}

/// Fills in the console's login form and submits it.
pub fn fill_login(b: &Browser, user: &str, password: &str, counter: u32, queues: &[&str]) {
    b.find("#login-queues input"); // the queue choices have loaded
    let counter = counter.to_string();
    let fields = [
        ("#login-username", user),
        ("#login-password", password),
        ("#login-counter", &counter),
    ];
    for (css, text) in fields {
        let input = b.find(css);
        input.clear();
        input.send_keys(text);
    }
    for input in b.find_all("#login-queues input") {
        let want = queues.contains(&input.attr("value").unwrap_or_default().as_str());
        if input.prop("checked") != json!(want) {
            input.click();
        }
    }
    click(b, "#login-submit");
}

/// Opens the console and signs `user` in at `counter` through the form.
pub fn console(b: &Browser, office: &Office, user: &str, counter: u32, queues: &[&str]) {
    b.goto(&office.url("/counter"));
    fill_login(b, user, &password(user), counter, queues);
    wait_shown(b, "#console");
    b.wait_text("#hdr-counter", &format!("Quầy {counter}"));
}

/// The page neither scrolls nor hides anything beyond the viewport.
pub fn fits(b: &Browser) -> bool {
    let script = "const d = document.documentElement;
        return d.scrollHeight <= innerHeight && d.scrollWidth <= innerWidth";
    b.exec(script, vec![]) == json!(true)
}

/// Waits until the report page shows its four charts, each an accessible inline SVG.
pub fn charts_shown(b: &Browser) {
    for name in ["hours", "wait", "satisfaction", "on-time"] {
        wait_for(
            b,
            &format!(".chart[data-chart={name}][data-state=shown] svg"),
            30,
        );
        let script = "const svg = document.querySelector(arguments[0]);
            const [t, d] = svg.getAttribute('aria-labelledby').split(' ').map(id => document.getElementById(id));
            return [svg.getAttribute('role'), t.textContent.length > 0, d.textContent.length > 0,
                    svg.getBoundingClientRect().width > 300]";
        let got = b.exec(script, vec![json!(format!("#chart-{name}"))]);
        assert_eq!(got, json!(["img", true, true, true]), "{name}");
    }
}

/// Local (office) time on `day`.
pub fn local(day: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    let t = TZ.from_local_datetime(&day.and_hms_opt(h, m, 0).unwrap());
    t.unwrap().with_timezone(&Utc)
}

/// Two weeks to `today()` as a counter lived them: tickets from 7h to 16h (most at 8–9h),
/// waits that change by the day, ratings and resolved dossiers; one closed day a week.
/// Returns the tickets per hour of day.
pub fn seed_history(db: &Path, from: NaiveDate) -> [u32; 24] {
    let mut s = OfficeStore::open(db).unwrap();
    let kiosk = s
        .enroll_device("Kiosk 2", Role::Kiosk, &[S1], Utc::now())
        .unwrap()
        .0;
    let now = Utc::now();
    let clerk = s.add_clerk(
        Some(S1),
        "tu",
        "Đỗ Văn Tú",
        &password("tu"),
        ClerkRole::Clerk,
        false,
        now,
    );
    let session = ClerkSession {
        clerk: clerk.unwrap(),
        counter: 9,
        site: S1,
    };
    let scores = [
        "very_satisfied",
        "satisfied",
        "very_satisfied",
        "unsatisfied",
        "satisfied",
    ];
    let hours = [7, 8, 8, 8, 9, 9, 9, 10, 10, 11, 13, 14, 14, 15, 16];
    let mut dossiers = Vec::new();
    let mut per_hour = [0; 24];
    for k in 0..14u32 {
        let day = from + TimeDelta::days(i64::from(k));
        if k % 7 == 5 {
            continue;
        }
        let queues = ["A".to_string()];
        s.open_session(&session.clerk, 9, &queues, local(day, 7, 0))
            .unwrap();
        let mut issued: Vec<DateTime<Utc>> = (0..6 + (k % 5) * 2)
            .map(|n| {
                local(
                    day,
                    hours[(n * 7 + k) as usize % hours.len()],
                    (n * 13 + k) % 60,
                )
            })
            .collect();
        issued.sort();
        for at in &issued {
            per_hour[chrono::Timelike::hour(&at.with_timezone(&TZ)) as usize] += 1;
        }
        let mut free = local(day, 7, 0);
        for (n, at) in issued.iter().enumerate() {
            let id = format!("h{k}-{n}");
            let payload = json!({
                "id": id, "queue": "A", "number": 200 + n, "business_date": day,
                "issued_at": at, "field": "HT", "priority": "none", "state": "waiting",
            });
            let kind = EVENT_TICKET_ISSUED;
            s.apply_event(&kiosk, &format!("e-{id}"), kind, &payload.to_string(), now)
                .unwrap();
            let called = free.max(*at + TimeDelta::minutes(i64::from(4 + (k * 5) % 17)));
            s.counter_action(&session, &Action::Next, called, day)
                .unwrap();
            s.counter_action(&session, &Action::Start, called, day)
                .unwrap();
            free = called + TimeDelta::minutes(6);
            s.counter_action(&session, &Action::Finish, free, day)
                .unwrap();
            if (n + k as usize) % 3 != 2 {
                let score = scores[(n + k as usize) % scores.len()];
                s.rate(S1, 9, &id, score, &[], free + TimeDelta::minutes(1))
                    .unwrap();
            }
        }
        // Resolved dossiers: early, on time, and a late one every third day.
        for (n, (due_days, late)) in [(2, false), (0, false), (0, k % 3 == 0)].iter().enumerate() {
            let finished = local(day, 10, 0);
            let due = finished
                + TimeDelta::days(*due_days)
                + TimeDelta::hours(if *late { -2 } else { 1 });
            let code = format!("H15.50.05.13-261120-{:04}", k * 10 + n as u32);
            dossiers.push(DossierRecord {
                code: parse_code(&code).unwrap(),
                status: DossierStatus::Returned,
                procedure_code: "1.001193".into(),
                applicant_name: "Nguyễn Văn An".into(),
                received_at: finished - TimeDelta::days(5),
                due_at: Some(due),
                due_at_new: None,
                finished_at: Some(finished),
                note: String::new(),
                pickup_place: String::new(),
                secret: String::new(),
                phone_last4: String::new(),
            });
        }
    }
    s.upsert_dossiers(S1, &dossiers, now).unwrap();
    per_hour
}

/// The password of every account [`seed_province`] makes.
pub const PROVINCE_PASSWORD: &str = "mat-khau-dai-1";

/// Five communes (site codes 10105 to 10113) with different days behind them: tickets,
/// waits, ratings; and a province lead, `tinh`.
pub fn seed_province(db: &Path) {
    let mut s = OfficeStore::open(db).unwrap();
    let now = Utc::now();
    let today = now.with_timezone(&TZ).date_naive();
    let first = s
        .rename_site("main", Some("UBND xã Tân Tiến"), Some("10105"))
        .unwrap();
    let mut sites = vec![first.id];
    for (code, name) in [
        ("10107", "UBND xã Tân Lập"),
        ("10109", "UBND xã Yên Bình"),
        ("10111", "UBND xã Đồng Tâm"),
        ("10113", "UBND xã Hòa Bình"),
    ] {
        sites.push(s.add_site(code, name, now).unwrap().id);
    }
    let scores = [
        "very_satisfied",
        "satisfied",
        "very_satisfied",
        "unsatisfied",
    ];
    for (i, site) in sites.iter().enumerate() {
        s.set_queues(*site, &[QueueDef::new("A", &["HT"])]).unwrap();
        let kiosk = s
            .enroll_device(&format!("Kiosk {i}"), Role::Kiosk, &[*site], now)
            .unwrap()
            .0;
        let clerk = s
            .add_clerk(
                Some(*site),
                &format!("c{i}"),
                &format!("Cán bộ {i}"),
                PROVINCE_PASSWORD,
                ClerkRole::Clerk,
                false,
                now,
            )
            .unwrap();
        s.open_session(&clerk, 1, &["A".to_string()], now - TimeDelta::hours(3))
            .unwrap();
        let who = ClerkSession {
            clerk,
            counter: 1,
            site: *site,
        };
        let n_tickets = 3 + i * 2;
        let start = now - TimeDelta::hours(3);
        let mut free = start;
        for n in 0..n_tickets {
            let id = format!("t{i}-{n}");
            let issued = start + TimeDelta::minutes(n as i64 * 5);
            let payload = json!({
                "id": id, "queue": "A", "number": n + 1, "business_date": today,
                "issued_at": issued, "field": "HT", "priority": "none", "state": "waiting",
            });
            let kind = EVENT_TICKET_ISSUED;
            s.apply_event(
                &kiosk,
                &format!("e-{id}"),
                kind,
                &payload.to_string(),
                issued,
            )
            .unwrap();
            let called = free.max(issued + TimeDelta::minutes(3 + (i as i64 * 4)));
            s.counter_action(&who, &Action::Next, called, today)
                .unwrap();
            s.counter_action(&who, &Action::Start, called, today)
                .unwrap();
            free = called + TimeDelta::minutes(2);
            s.counter_action(&who, &Action::Finish, free, today)
                .unwrap();
            s.rate(*site, 1, &id, scores[(n + i) % scores.len()], &[], free)
                .unwrap();
        }
    }
    s.add_clerk(
        None,
        "tinh",
        "Lãnh đạo tỉnh",
        PROVINCE_PASSWORD,
        ClerkRole::ProvinceLead,
        false,
        now,
    )
    .unwrap();
}

/// The applicant's full name on every dossier [`seed_radar`] writes: a page must show it
/// only masked.
pub const RADAR_NAME: &str = "Nguyễn Văn An";
/// The phone's last digits and the lookup code of those dossiers: never on a page.
pub const RADAR_PHONE: &str = "4321";
pub const RADAR_SECRET: &str = "7KQ2";

/// The code of [`seed_radar`]'s dossier `n`.
pub fn radar_code(n: u32) -> String {
    format!("H15.50.05.13-261120-{n:04}")
}

/// One dossier on each of the radar's lists, its times relative to now (as
/// tests/office_radar.rs seeds them): 1 due in two working hours, 2 three days late with no
/// new date, 3 late with a new date in two days, 4 ready ten days ago. Returns the proposed
/// new date of dossier 2 is the office's to compute, so only the lists are fixed here.
pub fn seed_radar(db: &Path) {
    use motcua::dossier_import::{parse, Format};
    let mut s = OfficeStore::open(db).unwrap();
    let now = Utc::now().with_timezone(&TZ).naive_local();
    let cal = s.work_calendar(S1).unwrap();
    let utc = |t: chrono::NaiveDateTime| TZ.from_local_datetime(&t).unwrap().to_utc();
    let at = |t: chrono::NaiveDateTime| json!(utc(t).to_rfc3339());
    let past = now - TimeDelta::days(3);
    let row = |n: u32, status: &str, due: chrono::NaiveDateTime, extra: Value| {
        let mut r = json!({
            "code": radar_code(n), "status": status, "procedure_code": "1.001193",
            "applicant_name": RADAR_NAME, "received_at": at(now - TimeDelta::days(20)),
            "due_at": at(due), "secret": RADAR_SECRET, "phone_last4": RADAR_PHONE,
        });
        for (k, v) in extra.as_object().unwrap() {
            r[k] = v.clone();
        }
        r
    };
    let rows = json!([
        row(
            1,
            "processing",
            cal.add_minutes(now, 120).unwrap(),
            json!({})
        ),
        row(2, "received", past, json!({})),
        row(
            3,
            "processing",
            past,
            json!({"due_at_new": at(now + TimeDelta::days(2))})
        ),
        row(
            4,
            "ready",
            past,
            json!({"finished_at": at(now - TimeDelta::days(10))})
        ),
    ]);
    let records = parse(&rows.to_string(), Format::Json).unwrap();
    assert!(records.errors.is_empty(), "{:?}", records.errors);
    let records: Vec<_> = records.records.into_iter().map(|r| r.1).collect();
    s.upsert_dossiers(S1, &records, Utc::now()).unwrap();
}
