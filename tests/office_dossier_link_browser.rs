//! The console's dossier-code box (docs/counters.md) in real headless Chromium: while a
//! ticket is served, a procedure code typed by mistake is refused with a clear message and
//! stays in the box; the receipt's code "scanned" (typed with Enter, as a scanner does) with
//! "assisted online filing" ticked is saved and shown; the lead then finds the visit in the
//! reports page's "visits by dossier" box. The screenshot goes to
//! docs/screenshots/console-dossier-link.png.

#[path = "support/browser.rs"]
mod browser;
#[path = "support/office_pages.rs"]
mod office_pages;

use std::path::PathBuf;

use browser::Browser;
use office_pages::{click, console, fits, obeys_the_policy, password, serial, wait_shown, Office};

const CODE: &str = "H15.50.05.13-261207-0042";

fn doc_shot(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/screenshots")).join(name)
}

#[test]
fn a_clerk_scans_the_receipts_code_and_the_lead_finds_the_visit() {
    let _serial = serial();
    let office = Office::simple("A001:20");
    let b = Browser::start_with_size(1280, 900);
    console(&b, &office, "nam", 2, &["A"]);
    // No ticket: no box.
    assert!(!b.find("#dossier-form").is_displayed());
    click(&b, "#btn-next");
    b.wait_text("#current-label", "A001");
    // Called, not yet at the counter: still no box.
    assert!(!b.find("#dossier-form").is_displayed());
    click(&b, "#btn-start");
    wait_shown(&b, "#dossier-form");

    // A procedure code is refused, and what was typed stays.
    let input = b.find("#dossier-code");
    input.send_keys("1.001193\u{E007}");
    let error = b.wait_text("#dossier-error", "Mã hồ sơ không đúng định dạng");
    assert!(error.contains("mã thủ tục"), "{error}");
    assert_eq!(b.find("#dossier-code").prop("value"), "1.001193");

    // The scanner types the code and Enter; assisted online filing ticked.
    b.find("#dossier-assisted").click();
    let input = b.find("#dossier-code");
    input.clear();
    input.send_keys(&format!("{}\u{E007}", CODE.to_lowercase()));
    let linked = b.wait_text(
        "#dossier-linked",
        &format!("Hồ sơ {CODE} · hỗ trợ nộp trực tuyến"),
    );
    assert!(linked.contains(CODE));
    assert_eq!(b.find("#dossier-code").prop("value"), "");
    assert_eq!(b.find("#dossier-error").text(), "");
    obeys_the_policy(&b);
    // The toast saying so would cover the linked line in the picture.
    b.exec("document.getElementById('message').hidden = true", vec![]);
    let height = b.exec("return document.documentElement.scrollHeight", vec![]);
    b.set_window_size(1280, (height.as_u64().unwrap() as u32).clamp(900, 1400));
    b.screenshot_png(doc_shot("console-dossier-link.png"));
    b.set_window_size(1280, 900);
    assert!(fits(&b), "the console with its dossier box fits 1280×900");
    // The keys typed into the box called no one: A001 is still served here.
    assert_eq!(b.find("#current-label").text(), "A001");
    click(&b, "#btn-finish");
    b.wait_text("#current-state", "Chưa gọi số nào");
    assert!(!b.find("#dossier-form").is_displayed());
    click(&b, "#btn-logout");
    wait_shown(&b, "#login");

    // The lead looks the dossier up on the reports page.
    b.goto(&office.url("/reports"));
    b.find("#read-username").send_keys("lan");
    b.find("#read-password").send_keys(&password("lan"));
    click(&b, "#read-submit");
    wait_shown(&b, "#results");
    b.wait_text("#links", "1");
    b.find("#visits-code").send_keys(CODE);
    click(&b, "#visits-run");
    b.wait_text("#visits-status", &format!("Hồ sơ {CODE}: 1 lượt đến."));
    let row = b.find("#visits tbody tr").text();
    assert!(
        row.contains("Hộ tịch") && row.contains("Có") && row.contains("Quầy"),
        "{row}"
    );
    obeys_the_policy(&b);
}
