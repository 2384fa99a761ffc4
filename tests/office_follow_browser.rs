//! The follow page in real headless Chromium on a phone's 360×640 screen: the ticket's place
//! in line, the switch to "your turn, counter 2" within 2 s of the clerk's call (with the
//! vibration asked for), served, English, a ticket issued offline that appears once its
//! kiosk pushes it, and nothing wider than the screen. Screenshots go to
//! target/screenshots/follow-*.png.

#[path = "support/browser.rs"]
mod browser;

#[path = "support/http_client.rs"]
mod http_client;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use browser::Browser;
use chrono::{TimeDelta, Utc};
use http_client::{agent, call};
use motcua::office::counters::{ClerkRole, QueueDef};
use motcua::office::{OfficeStore, Role};
use motcua::protocol::EVENT_TICKET_ISSUED;
use serde_json::{json, Value};

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;
const S1: motcua::office::store::SiteId = motcua::office::store::SiteId(1);

fn shot(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target/screenshots")).join(name)
}

/// A kiosk's `ticket.issued` event: `label` issued `minutes` ago with follow `token`.
fn issued(label: &str, minutes: i64, token: &str) -> Value {
    let (queue, number) = label.split_at(1);
    json!({"id": format!("event-{label}"), "kind": EVENT_TICKET_ISSUED, "payload": {
        "id": format!("ticket-{label}"), "queue": queue, "number": number.parse::<u32>().unwrap(),
        "business_date": Utc::now().with_timezone(&TZ).date_naive(),
        "issued_at": Utc::now() - TimeDelta::minutes(minutes),
        "field": "HT", "priority": "none", "state": "waiting", "follow_token": token,
    }})
}

/// Pushes events as the kiosk does, with its token.
fn push(base: &str, kiosk: &str, events: Vec<Value>) {
    let mut resp = agent()
        .post(&format!("{base}/api/v1/events"))
        .header("Authorization", &format!("Bearer {kiosk}"))
        .send_json(json!({"protocol": 1, "events": events}))
        .unwrap();
    assert_eq!(
        resp.status(),
        200,
        "{}",
        resp.body_mut().read_to_string().unwrap()
    );
}

fn act(base: &str, cookie: &str, action: &str) {
    let url = format!("{base}/api/v1/counter/{action}");
    let (status, body, _) = call(&agent(), "POST", &url, Some(cookie), None);
    assert_eq!(status, 200, "{action}: {body}");
}

/// The page's text as it is in the document (CSS may show it in capitals).
fn text(b: &Browser) -> String {
    b.exec("return document.body.textContent", vec![])
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_phone_follows_its_ticket_to_the_counter() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    let mut s = OfficeStore::open(&db).unwrap();
    let kiosk = s
        .enroll_device("Kiosk", Role::Kiosk, &[S1], Utc::now())
        .unwrap()
        .1;
    s.set_queues(S1, &[QueueDef::new("A", &["HT"])]).unwrap();
    let clerk = ("lan", "Nguyễn Thị Lan", "mat-khau-lan-1");
    s.add_clerk(
        Some(S1),
        clerk.0,
        clerk.1,
        clerk.2,
        ClerkRole::Clerk,
        false,
        Utc::now(),
    )
    .unwrap();
    drop(s);
    let office = motcua::office::http::spawn_with_shutdown(&db, "127.0.0.1:0", TZ).unwrap();
    let base = office.url();
    let (first, mine) = (
        motcua::follow::new_token().unwrap(),
        motcua::follow::new_token().unwrap(),
    );
    push(
        &base,
        &kiosk,
        vec![issued("A1", 12, &first), issued("A2", 6, &mine)],
    );

    let b = Browser::start_with_size(360, 640);
    b.goto(&format!("{base}/t/{mine}"));
    b.wait_text("#main", "A002");
    let page = text(&b);
    assert!(
        page.contains("Người trước bạn") && page.contains("Hộ tịch"),
        "{page}"
    );
    assert_eq!(b.find(".fact b").text(), "1");
    b.wait_text("#live", "Cập nhật trực tiếp");
    let width = b.exec("return document.documentElement.scrollWidth", vec![]);
    assert!(
        width.as_u64().unwrap() <= 360,
        "the page is {width} px wide"
    );
    b.screenshot_png(shot("follow-waiting.png"));
    // The citizen allows the chime; the vibration it asks for is recorded here.
    b.find("#arm").click();
    b.exec(
        "window.vibrated = []; navigator.vibrate = function (p) { window.vibrated.push(p); return true; }",
        vec![],
    );

    let (_, _, cookie) = call(
        &agent(),
        "POST",
        &format!("{base}/api/v1/clerk/login"),
        None,
        Some(json!({"username": clerk.0, "password": clerk.2, "counter": 2, "queues": ["A"]})),
    );
    let cookie = cookie.unwrap();
    act(&base, &cookie, "next");
    act(&base, &cookie, "start");
    b.wait_text(".fact b", "0");
    act(&base, &cookie, "next");
    let called = Instant::now();
    b.wait_until("the call on the phone", Duration::from_secs(2), |b| {
        b.exec("return document.body.className", vec![]) == json!("called")
    });
    let took = called.elapsed();
    let page = text(&b);
    assert!(
        page.contains("Đến lượt bạn") && page.contains("Mời đến quầy"),
        "{page}"
    );
    assert_eq!(b.find(".counter").text(), "2");
    assert_eq!(b.title(), "Đến lượt bạn – quầy 2");
    let vibrated = b.exec("return window.vibrated", vec![]);
    assert_eq!(vibrated.as_array().map(Vec::len), Some(1), "{vibrated}");
    eprintln!("the phone showed the call {took:?} after the clerk's answer");
    b.screenshot_png(shot("follow-called.png"));

    act(&base, &cookie, "start");
    b.wait_text("#main", "quầy 2");
    act(&base, &cookie, "finish");
    b.wait_text("#main", "Đã phục vụ xong");
    b.screenshot_png(shot("follow-served.png"));
    b.find("#lang").click();
    b.wait_text("#main", "You have been served");
    assert_eq!(
        b.exec("return document.documentElement.lang", vec![]),
        json!("en")
    );
    b.screenshot_png(shot("follow-served-en.png"));
    // The choice of language is remembered for the next page.
    b.find("#lang").click();

    // A ticket issued while the kiosk was offline: its page waits, then shows it once the
    // kiosk's push arrives.
    let offline = motcua::follow::new_token().unwrap();
    b.goto(&format!("{base}/t/{offline}"));
    b.wait_text("#main", "chưa nhận được vé này");
    b.screenshot_png(shot("follow-unknown.png"));
    push(&base, &kiosk, vec![issued("A3", 1, &offline)]);
    let deadline = Instant::now() + Duration::from_secs(15);
    while !text(&b).contains("A003") {
        assert!(
            Instant::now() < deadline,
            "the synced ticket never showed: {}",
            text(&b)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    b.wait_text("#live", "Cập nhật trực tiếp");
    let console = b.console_log();
    assert!(
        !console
            .iter()
            .any(|l| l.contains("Content Security Policy") || l.starts_with("SEVERE")),
        "{console:?}"
    );
    office.shutdown();
}
