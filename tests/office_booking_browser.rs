//! The booking page in real headless Chromium on a phone's 360×640 screen: a citizen picks
//! a field, a day and a time, gives a number, gets a code and its QR code, comes back to the
//! page by its address and cancels. Screenshots go to target/screenshots/booking-page-*.png.

#[path = "support/browser.rs"]
mod browser;

use std::path::PathBuf;

use browser::Browser;
use chrono::{TimeDelta, Utc};
use motcua::domain::booking::BookingRules;
use motcua::office::counters::QueueDef;
use motcua::office::OfficeStore;

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;
const S1: motcua::office::store::SiteId = motcua::office::store::SiteId(1);

fn shot(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target/screenshots")).join(name)
}

fn fits(b: &Browser) {
    let width = b.exec("return document.documentElement.scrollWidth", vec![]);
    assert!(
        width.as_u64().unwrap() <= 360,
        "the page is {width} px wide"
    );
}

#[test]
fn a_citizen_books_a_time_on_the_phone_and_cancels_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    let mut s = OfficeStore::open(&db).unwrap();
    s.set_queues(
        S1,
        &[
            QueueDef::new("A", &["HT", "CT"]),
            QueueDef::new("B", &["DD"]),
        ],
    )
    .unwrap();
    // A slot later today too (unless the day is nearly over), for the counter's list.
    let local = Utc::now().with_timezone(&TZ).naive_local();
    let later = (local + TimeDelta::minutes(40)).format("%H:%M").to_string();
    let today_slot = (local.date() == (local + TimeDelta::minutes(40)).date()).then_some(later);
    let mut times = vec![
        "08:00", "08:30", "09:00", "09:30", "10:00", "14:00", "14:30",
    ];
    if let Some(t) = today_slot.as_deref() {
        if !times.contains(&t) {
            times.push(t);
        }
    }
    let rules = BookingRules::from_json(
        &serde_json::json!({"queues": [{"queue": "A", "days": ["mon","tue","wed","thu","fri","sat","sun"],
            "times": times, "per_slot": 2}], "days_ahead": 6})
        .to_string(),
    )
    .unwrap();
    s.set_booking_rules(S1, &rules).unwrap();
    s.add_clerk(
        Some(S1),
        "lan",
        "Nguyễn Thị Lan",
        "mat-khau-lan-1",
        motcua::office::counters::ClerkRole::Clerk,
        false,
        Utc::now(),
    )
    .unwrap();
    if let Some(t) = today_slot.as_deref() {
        let ask = motcua::office::counters::BookRequest {
            field: "HT".into(),
            day: local.date(),
            time: t.into(),
            phone: "0987654321".into(),
        };
        s.book(S1, &ask, local, Utc::now()).unwrap().unwrap();
    }
    drop(s);
    let office = motcua::office::http::spawn_with_shutdown(&db, "127.0.0.1:0", TZ).unwrap();
    let base = office.url();
    let tomorrow = Utc::now().with_timezone(&TZ).date_naive() + TimeDelta::days(1);
    let b = Browser::start_with_size(360, 640);
    b.goto(&format!("{base}/book"));
    b.wait_text("main", "Hộ tịch");
    b.find(".list button").click();
    b.wait_text("main", "2. Ngày");
    // Tomorrow is the second day button (today may have no slot left).
    let label = format!("{}", tomorrow.format("%d/%m"));
    let day = b
        .find_all(".choices:not(.list) button")
        .into_iter()
        .find(|e| e.text().contains(&label))
        .expect("tomorrow's button");
    day.click();
    b.wait_text("main", "3. Giờ");
    fits(&b);
    b.screenshot_png(shot("booking-page-times.png"));
    let nine = b
        .find_all("button")
        .into_iter()
        .find(|e| e.text().starts_with("09:00"))
        .expect("the 09:00 slot");
    nine.click();
    let phone = b.find("#phone");
    phone.send_keys("0912 345 678");
    b.screenshot_png(shot("booking-page-phone.png"));
    b.find("#book").click();
    b.wait_text("main", "Đã đặt lịch");
    let code = b.find(".code").text();
    assert!(code.len() == 9 && &code[4..5] == "-", "{code}");
    assert!(b.url().ends_with(&format!("/book/{code}")), "{}", b.url());
    let loaded = b.exec("const i = document.querySelector('.card img'); return i && i.complete && i.naturalWidth > 0", vec![]);
    assert_eq!(loaded, serde_json::json!(true), "the QR image loads");
    let page = b
        .exec("return document.body.textContent", vec![])
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        page.contains("•••• 5678") && !page.contains("0912"),
        "{page}"
    );
    fits(&b);
    b.screenshot_png(shot("booking-page-booked.png"));

    // Back later by the address: the booking, and its cancellation (confirmed).
    b.goto(&format!("{base}/book/{code}"));
    b.wait_text("main", &code);
    b.exec("window.confirm = function () { return true; }", vec![]);
    b.find("#cancel").click();
    b.wait_text("main", "Lịch hẹn đã hủy");
    b.screenshot_png(shot("booking-page-cancelled.png"));
    b.find("#lang").click();
    b.wait_text("main", "The booking is cancelled");
    b.find("#lang").click();
    let s = OfficeStore::open(&db).unwrap();
    let now = Utc::now().with_timezone(&TZ).naive_local();
    assert_eq!(s.booking(&code, now).unwrap().unwrap().state, "cancelled");
    // The clerk's console lists today's booking.
    if let Some(t) = today_slot {
        let login = b.exec_async(
            "const done = arguments[arguments.length - 1];
             fetch('/api/v1/clerk/login', {method: 'POST', headers: {'Content-Type': 'application/json'},
                 body: JSON.stringify({username: 'lan', password: 'mat-khau-lan-1', counter: 1, queues: ['A']})})
               .then(r => done(r.status));",
            vec![],
        );
        assert_eq!(login, serde_json::json!(200));
        b.set_window_size(1366, 768);
        b.goto(&format!("{base}/counter"));
        b.wait_text("#bookings", &t);
        assert!(b.find("#bookings").text().contains("Chưa đến"));
        b.screenshot_png(shot("booking-console.png"));
    }
    let console = b.console_log();
    assert!(
        !console
            .iter()
            .any(|l| l.contains("Content Security Policy")),
        "{console:?}"
    );
    office.shutdown();
}
