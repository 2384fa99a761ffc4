//! Live alerts (docs/alerts.md) in real headless Chromium: a clerk's console shows the wait
//! alert of a ticket 40 minutes old and an unsatisfied rating's alert, in Vietnamese and in
//! English, readable at 360 px; the lead's /alerts page lists the active alert, the rating
//! to acknowledge (with a note), the follow-up with its due time (then marked done), and
//! saves the thresholds; a clerk who is not a lead is refused. Screenshots:
//! target/screenshots/alerts-*.png (console-alert.png and alerts-page.png are copied to
//! docs/screenshots/).

#[path = "support/browser.rs"]
mod browser;
#[path = "support/office_pages.rs"]
mod office_pages;

use browser::Browser;
use chrono::Utc;
use motcua::office::OfficeStore;
use office_pages::{
    click, console, full_page, obeys_the_policy, password, serial, shot, wait_shown, Office, S1, TZ,
};
use serde_json::json;

fn page_width(b: &Browser) -> u64 {
    let width = b.exec("return document.documentElement.scrollWidth", vec![]);
    width.as_u64().unwrap()
}

/// A1 waiting 40 minutes; B1 served at counter 2 and rated "unsatisfied".
fn office() -> Office {
    let office = Office::simple("A001:40 B001:3");
    let hoa = office.login("hoa", 2, &["B"]);
    for action in ["next", "start", "finish"] {
        office.act(&hoa, action);
    }
    let mut s = OfficeStore::open(&office.db).unwrap();
    let reasons = ["long_wait".to_string(), "attitude".to_string()];
    s.rate_in(S1, 2, "t-B001", "unsatisfied", &reasons, Utc::now(), TZ)
        .unwrap();
    office
}

#[test]
fn the_console_shows_alerts_and_the_lead_acknowledges_them() {
    let _serial = serial();
    let office = office();

    // The clerk of queue A sees both alerts above the current ticket.
    let b = Browser::start_with_size(1280, 800);
    console(&b, &office, "nam", 1, &["A"]);
    wait_shown(&b, "#alerts");
    b.wait_text("#alert-list", "Hàng A: có người đã chờ");
    b.wait_text("#alert-list", "Số B001, quầy 2: công dân không hài lòng");
    let text = b.find("#alert-list").text();
    assert!(text.contains("Lý do: chờ lâu, thái độ chưa tốt"), "{text}");
    b.screenshot_png(shot("alerts-console.png"));
    obeys_the_policy(&b);
    // At 360 px, in English too: nothing runs sideways.
    b.set_window_size(360, 640);
    assert!(
        page_width(&b) <= 360,
        "the console is {} px wide",
        page_width(&b)
    );
    full_page(&b, 360, 640, "alerts-console-360");
    click(&b, "#btn-lang");
    b.wait_text("#alert-list", "Queue A: someone has waited");
    b.wait_text("#alert-list", "the citizen was unsatisfied");
    full_page(&b, 360, 640, "alerts-console-360-en");
    click(&b, "#btn-lang");
    b.set_window_size(1280, 800);
    // Calling A001 clears the wait alert live.
    click(&b, "#btn-next");
    b.wait_text("#current-label", "A001");
    b.wait_until(
        "the wait alert cleared",
        std::time::Duration::from_secs(10),
        |b| !b.find("#alert-list").text().contains("Hàng A"),
    );

    // The lead's page: sign in, see the rating, acknowledge it with a note.
    let lead = Browser::start_with_size(1280, 900);
    lead.goto(&office.url("/alerts"));
    lead.wait_text("#read-login h2", "cảnh báo");
    lead.find("#read-username").send_keys("lan");
    lead.find("#read-password").send_keys(&password("lan"));
    click(&lead, "#read-submit");
    wait_shown(&lead, "#alerts");
    lead.wait_text("#ratings", "Số B001, quầy 2");
    lead.wait_text("#followups", "Hạn liên hệ lại:");
    lead.wait_text("#active", "Không có cảnh báo nào");
    // Something active: a ticket 35 minutes old arrives from another kiosk.
    let mut s = OfficeStore::open(&office.db).unwrap();
    let role = motcua::office::Role::Kiosk;
    let kiosk = s
        .enroll_device("Kiosk 2", role, &[S1], Utc::now())
        .unwrap()
        .0;
    let payload = json!({
        "id": "t-A009", "queue": "A", "number": 9, "business_date": office_pages::today(),
        "issued_at": Utc::now() - chrono::TimeDelta::minutes(35), "field": "HT",
        "priority": "none", "state": "waiting",
    });
    s.apply_event(
        &kiosk,
        "e-A009",
        motcua::protocol::EVENT_TICKET_ISSUED,
        &payload.to_string(),
        Utc::now(),
    )
    .unwrap();
    lead.wait_text("#active", "Hàng A: có người đã chờ 35 phút");
    full_page(&lead, 1280, 900, "alerts-page");
    obeys_the_policy(&lead);

    // An empty note is refused; a note acknowledges it.
    click(&lead, "#ratings button[type=submit]");
    lead.wait_text("#message", "Cần ghi chú");
    lead.find("#ratings textarea")
        .send_keys("Đã xem, sẽ gọi lại công dân");
    click(&lead, "#ratings button[type=submit]");
    lead.wait_text("#ratings", "Không có đánh giá nào cần xác nhận");
    lead.wait_text("#followups", "Đã xác nhận: Đã xem, sẽ gọi lại công dân");
    // The console loses the rating alert.
    b.wait_until(
        "the rating alert cleared",
        std::time::Duration::from_secs(10),
        |b| !b.find("#alert-list").text().contains("B001"),
    );
    // Followed up.
    lead.find("#followups textarea")
        .send_keys("Đã gọi điện xin lỗi");
    click(&lead, "#followups button[type=submit]");
    lead.wait_text("#followups", "Không có đánh giá nào cần liên hệ lại");

    // The thresholds: the default wait raised to 45 minutes, saved and kept.
    let wait = lead.find("#rules-table tbody tr[data-row=default] input[data-field=wait_minutes]");
    wait.send_keys("45");
    click(&lead, "#rules-save");
    lead.wait_text("#message", "Đã lưu ngưỡng cảnh báo");
    lead.wait_text("#active", "Không có cảnh báo nào");
    let (_, answer, _) = {
        let login = json!({"username": "lan", "password": password("lan")});
        let (_, _, cookie) = office.http("POST", "/api/v1/reports/login", "", Some(login));
        office.http("GET", "/api/v1/alerts", &cookie, None)
    };
    assert_eq!(answer["rules"]["default"]["wait_minutes"], 45, "{answer}");
    lead.set_window_size(360, 640);
    assert!(
        page_width(&lead) <= 360,
        "the page is {} px wide",
        page_width(&lead)
    );
    full_page(&lead, 360, 640, "alerts-page-360");

    // A clerk who is not a lead is refused.
    let clerk = Browser::start_with_size(360, 640);
    clerk.goto(&office.url("/alerts"));
    clerk.wait_text("#read-login h2", "cảnh báo");
    clerk.find("#read-username").send_keys("nam");
    clerk.find("#read-password").send_keys(&password("nam"));
    click(&clerk, "#read-submit");
    clerk.wait_text("#auth", "Chỉ cán bộ phụ trách");
    assert!(!clerk.find("#alerts").is_displayed());
}
