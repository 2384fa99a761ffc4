//! The booking rules' form (/booking-rules) in real headless Chromium: a site lead signs in
//! on the page, sees the rules the site has, adds a time and changes the places a slot
//! takes, saves, and the booking page's options offer the new slot with its places; a time
//! "25:00" or a slot of 0 places is refused with the office's reason, in Vietnamese, and
//! changes nothing; a clerk who is not a lead is told only a lead can. Screenshots of the
//! form at 360×640 and at 1280 px wide go to target/screenshots/booking-rules-*.png.

#[path = "support/browser.rs"]
mod browser;
#[path = "support/office_pages.rs"]
mod office_pages;

use browser::Browser;
use chrono::TimeDelta;
use motcua::domain::booking::BookingRules;
use motcua::office::OfficeStore;
use office_pages::{
    click, full_page, obeys_the_policy, password, serial, today, wait_shown, Office, S1,
};
use serde_json::{json, Value};

/// Queue A bookable every day at 08:00 and 09:00, 2 places a slot; B not bookable.
fn office_with_rules() -> Office {
    let office = Office::simple("");
    let rules = json!({"queues": [{"queue": "A",
        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "times": ["08:00", "09:00"], "per_slot": 2}], "days_ahead": 6});
    let rules = BookingRules::from_json(&rules.to_string()).unwrap();
    let mut store = OfficeStore::open(&office.db).unwrap();
    store.set_booking_rules(S1, &rules).unwrap();
    office
}

fn stored_rules(office: &Office) -> BookingRules {
    let store = OfficeStore::open(&office.db).unwrap();
    store.booking_rules(S1).unwrap().unwrap()
}

/// The slots tomorrow of queue A the booking page offers: (time, places left).
fn tomorrow_slots(office: &Office) -> Vec<(String, u64)> {
    let (status, options, _) = office.http("GET", "/api/v1/booking/options", "", None);
    assert_eq!(status, 200, "{options}");
    let tomorrow = (today() + TimeDelta::days(1)).to_string();
    let days = options["days"].as_array().unwrap();
    let day = days
        .iter()
        .find(|d| d["queue"] == "A" && d["day"] == json!(tomorrow))
        .unwrap_or_else(|| panic!("no day {tomorrow} in {options}"));
    let slots = day["slots"].as_array().unwrap().iter();
    let slot = |s: &Value| {
        (
            s["time"].as_str().unwrap().to_string(),
            s["left"].as_u64().unwrap(),
        )
    };
    slots.map(slot).collect()
}

fn no_sideways_scrolling(b: &Browser) {
    let width = b.exec("return document.documentElement.scrollWidth", vec![]);
    assert!(
        width.as_u64().unwrap() <= 360,
        "the page is {width} px wide"
    );
}

/// Types `text` over what the box holds.
fn retype(b: &Browser, css: &str, text: &str) {
    let input = b.find(css);
    input.clear();
    input.send_keys(text);
}

fn sign_in(b: &Browser, user: &str) {
    b.find("#read-login");
    b.wait_text("#read-login h2", "quy định đặt lịch");
    b.find("#read-username").send_keys(user);
    b.find("#read-password").send_keys(&password(user));
    click(b, "#read-submit");
}

#[test]
fn a_lead_changes_the_booking_rules_on_the_form() {
    let _serial = serial();
    let office = office_with_rules();
    let b = Browser::start_with_size(360, 640);
    b.goto(&office.url("/booking-rules"));
    sign_in(&b, "lan");

    // The rules as the site has them.
    wait_shown(&b, "#rules");
    b.wait_text("#queues", "A — Hộ tịch");
    assert_eq!(b.find("#times-A").prop("value"), json!("08:00, 09:00"));
    assert_eq!(b.find("#per-slot-A").prop("value"), json!("2"));
    assert_eq!(b.find("#bookable-A").prop("checked"), json!(true));
    assert_eq!(b.find("#bookable-B").prop("checked"), json!(false));
    assert!(
        !b.find("#per-slot-B").is_displayed(),
        "B's details are hidden"
    );
    assert_eq!(b.find("#days-ahead").prop("value"), json!("6"));
    let order = b.find("input[name=order][value=slot_first]");
    assert_eq!(order.prop("checked"), json!(true));
    assert!(b
        .find("#order")
        .text()
        .contains("theo giờ lấy số tại ki-ốt"));
    no_sideways_scrolling(&b);
    full_page(&b, 360, 640, "booking-rules-360");

    // A time added (typed without its leading zero) and 5 places a slot.
    retype(&b, "#times-A", "08:00, 09:00, 9:30");
    retype(&b, "#per-slot-A", "5");
    click(&b, "#save");
    b.wait_text("#result[data-kind=success]", "Đã lưu");
    assert_eq!(
        b.find("#times-A").prop("value"),
        json!("08:00, 09:00, 09:30")
    );
    // The answer leaves out `walk_in` at its default; the form still shows it chosen.
    let everyone = b.find("input[name=walk_in][value=all]");
    assert_eq!(everyone.prop("checked"), json!(true));
    let slots = tomorrow_slots(&office);
    assert_eq!(
        slots,
        [("08:00", 5), ("09:00", 5), ("09:30", 5)].map(|(t, n)| (t.to_string(), n)),
    );
    let saved = stored_rules(&office);

    // A time that is none: the office's reason, in plain Vietnamese, and nothing changes.
    retype(&b, "#times-A", "08:00, 25:00");
    click(&b, "#save");
    let said = b.wait_text("#result[data-kind=error]", "“25:00” không phải giờ hợp lệ");
    assert!(said.contains("Hàng A"), "{said}");
    assert!(b.try_find(".queue.bad[data-queue=A]").is_some());
    no_sideways_scrolling(&b);
    full_page(&b, 360, 640, "booking-rules-360-refused");
    assert_eq!(stored_rules(&office), saved);
    // No places at all: the same.
    retype(&b, "#times-A", "08:00, 09:00, 09:30");
    retype(&b, "#per-slot-A", "0");
    click(&b, "#save");
    b.wait_text("#result[data-kind=error]", "từ 1 đến 100");
    assert_eq!(stored_rules(&office), saved);
    assert_eq!(tomorrow_slots(&office).len(), 3);

    // In English, the refusal too; then back.
    click(&b, "#btn-lang");
    b.wait_text("#result", "people per slot must be 1 to 100");
    b.wait_text("#order", "By registration time");
    full_page(&b, 360, 640, "booking-rules-360-en");
    click(&b, "#btn-lang");
    b.wait_text("#result", "từ 1 đến 100");

    // Queue B taken in too, with a site-wide change, at a desktop's width.
    retype(&b, "#per-slot-A", "5");
    b.find("label[for=bookable-B]").click();
    wait_shown(&b, "#per-slot-B");
    retype(&b, "#times-B", "14:00");
    b.find("input[name=order][value=registration]").click();
    click(&b, "#save");
    b.wait_text("#result[data-kind=success]", "Đã lưu");
    let now = stored_rules(&office);
    let b_slots = now.queue("B").expect("B bookable");
    assert_eq!(b_slots.times, ["14:00"]);
    assert_eq!(b_slots.days, ["mon", "tue", "wed", "thu", "fri"]);
    assert_eq!(
        now.order,
        motcua::domain::booking::BookedOrder::Registration
    );
    b.set_window_size(1280, 800);
    full_page(&b, 1280, 800, "booking-rules-desktop");
    obeys_the_policy(&b);

    // A clerk who is not a lead signs in and is told only a lead can; nothing shown to change.
    let clerk = Browser::start_with_size(360, 640);
    clerk.goto(&office.url("/booking-rules"));
    sign_in(&clerk, "nam");
    clerk.wait_text("#auth", "Chỉ cán bộ phụ trách");
    assert!(!clerk.find("#rules").is_displayed());
    full_page(&clerk, 360, 640, "booking-rules-360-clerk");
    obeys_the_policy(&clerk);
}

/// The site's own form under /s/{code}/ names the site in its calls.
#[test]
fn the_site_form_reads_the_sites_rules() {
    let _serial = serial();
    let office = office_with_rules();
    let code = OfficeStore::open(&office.db)
        .unwrap()
        .site(S1)
        .unwrap()
        .code;
    let b = Browser::start_with_size(360, 640);
    b.goto(&office.url(&format!("/s/{code}/booking-rules")));
    sign_in(&b, "lan");
    wait_shown(&b, "#rules");
    assert_eq!(b.find("#times-A").prop("value"), json!("08:00, 09:00"));
    let link = b.find(".topbar a").attr("href").unwrap();
    assert_eq!(link, format!("/s/{code}/reports"));
    obeys_the_policy(&b);
}
