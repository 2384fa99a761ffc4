//! The lead's deadline radar (/radar) in real headless Chromium: dossiers seeded relative to
//! now land one on each list; a lead signs in on the page and sees each section with its
//! row, the name masked, and nowhere the full name, the phone's digits or the lookup code;
//! the thresholds reload the lists and the CSV link follows them; the Mẫu 04 letter for the
//! late dossier shows its code and the proposed date (dd/mm/yyyy) and no name; a clerk who
//! is not a lead is told only a lead can. Screenshots at 1280 and 360 px wide, the digest
//! and the letter as printed (print media emulated) go to target/screenshots/radar-*.png.

#[path = "support/browser.rs"]
mod browser;
#[path = "support/office_pages.rs"]
mod office_pages;

use browser::Browser;
use motcua::domain::mask::mask_name;
use motcua::office::OfficeStore;
use office_pages::{
    click, full_page, obeys_the_policy, password, radar_code, seed_radar, serial, wait_shown,
    Office, RADAR_NAME, RADAR_PHONE, RADAR_SECRET, S1,
};
use serde_json::json;

fn office() -> Office {
    let office = Office::simple("");
    seed_radar(&office.db);
    office
}

fn sign_in(b: &Browser, user: &str) {
    b.wait_text("#read-login h2", "hồ sơ cần chú ý");
    b.find("#read-username").send_keys(user);
    b.find("#read-password").send_keys(&password(user));
    click(b, "#read-submit");
}

/// The page's whole text, what a screen reader or a copy would carry, hidden parts too.
fn page_text(b: &Browser) -> String {
    let text = b.exec("return document.body.textContent", vec![]);
    text.as_str().unwrap().to_string()
}

/// Nothing personal but the masked name: not the name, the phone's digits, the secret.
fn nothing_personal(b: &Browser, what: &str) {
    let text = page_text(b);
    for secret in [RADAR_NAME, RADAR_PHONE, RADAR_SECRET, "Nguyễn"] {
        assert!(!text.contains(secret), "{what}: the page shows {secret:?}");
    }
}

/// "2026-12-07T17:00:00" as the page writes it: "07/12/2026".
fn dmy(iso: &str) -> String {
    format!("{}/{}/{}", &iso[8..10], &iso[5..7], &iso[0..4])
}

#[test]
fn a_lead_reads_the_radar_prints_the_digest_and_drafts_a_letter() {
    let _serial = serial();
    let office = office();
    let masked = mask_name(RADAR_NAME);
    let b = Browser::start_with_size(1280, 800);
    b.goto(&office.url("/radar"));
    sign_in(&b, "lan");
    wait_shown(&b, "#radar");

    // Each list its section, in order, with its one row and the name masked.
    let order = b.exec(
        "return [...document.querySelectorAll('section.list')].map(s => s.dataset.list)",
        vec![],
    );
    assert_eq!(
        order,
        json!(["overdue_no_new_date", "overdue", "due_soon", "uncollected"])
    );
    let titles = [
        (
            "overdue_no_new_date",
            2,
            "Quá hạn, chưa có ngày hẹn mới (cần thư xin lỗi)",
        ),
        ("overdue", 3, "Quá hạn"),
        ("due_soon", 1, "Sắp đến hạn"),
        ("uncollected", 4, "Đã có kết quả, chưa đến nhận"),
    ];
    for (list, n, title) in titles {
        let section = b.find(&format!("#list-{list}"));
        let text = section.text();
        assert!(text.contains(title), "{list}: {text}");
        assert!(text.contains("1 hồ sơ"), "{list}: {text}");
        assert!(text.contains(&radar_code(n)), "{list}: {text}");
        assert!(text.contains(&masked), "{list}: {text}");
    }
    let late = b.find("#list-overdue_no_new_date td.amount").text();
    assert!(
        late.starts_with("trễ ") && late.contains("ngày") && late.ends_with("làm việc"),
        "{late}"
    );
    let left = b.find("#list-due_soon td.amount").text();
    assert!(left.starts_with("còn "), "{left}");
    assert_eq!(b.find("#list-uncollected td.amount").text(), "10 ngày");
    nothing_personal(&b, "the radar");
    obeys_the_policy(&b);
    full_page(&b, 1280, 800, "radar-desktop");

    // A threshold of 1 working hour leaves nothing due soon, and the CSV link follows.
    let hours = b.find("#due-soon-hours");
    hours.clear();
    hours.send_keys("1");
    click(&b, "#reload");
    b.wait_text("#list-due_soon", "Không có hồ sơ nào");
    let csv = b.find("#csv").attr("href").unwrap();
    assert!(csv.contains("due_soon_hours=1"), "{csv}");
    let (status, _, _) = office.http("GET", &csv, "", None);
    assert_eq!(status, 401, "the CSV is a lead's, by the session only");
    hours.clear();
    hours.send_keys("8");
    click(&b, "#reload");
    b.wait_text("#list-due_soon", &radar_code(1));

    // The digest as printed: no buttons, no top bar.
    if b.emulate_media("print") {
        assert!(!b.find("#thresholds").is_displayed());
        assert!(!b.find(".topbar").is_displayed());
        assert!(b.find("#list-overdue").is_displayed());
        full_page(&b, 794, 1123, "radar-digest-print");
        b.emulate_media("");
    }

    // The letter for the late dossier: its code, the proposed date, no name.
    let login = json!({"username": "lan", "password": password("lan")});
    let (_, _, cookie) = office.http("POST", "/api/v1/reports/login", "", Some(login));
    let (status, radar, _) = office.http("GET", "/api/v1/radar", &cookie, None);
    assert_eq!(status, 200, "{radar}");
    let owed = radar["rows"].as_array().unwrap().iter();
    let owed = owed.clone().find(|r| r["list"] == "overdue_no_new_date");
    let proposed = owed.unwrap()["proposed_new"].as_str().unwrap().to_string();
    click(&b, "#list-overdue_no_new_date .letter-button");
    wait_shown(&b, "#letter");
    let letter = b.find("#letter").text();
    assert!(
        letter.contains("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
        "{letter}"
    );
    assert!(
        letter.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        "{letter}"
    );
    assert!(letter.contains("Độc lập - Tự do - Hạnh phúc"), "{letter}");
    assert!(letter.contains("Kính gửi:"), "{letter}");
    assert!(letter.contains(&radar_code(2)), "{letter}");
    let new_date = b.find("#letter-new-date").text();
    assert!(
        new_date.contains(&dmy(&proposed)),
        "{new_date} for {proposed}"
    );
    assert!(
        !letter.contains(&masked),
        "the letter carries no name: {letter}"
    );
    assert!(!letter.contains("Nguyễn"), "{letter}");
    assert!(b.find("#draft-note").text().contains("Bản nháp"));
    nothing_personal(&b, "the letter");
    full_page(&b, 1280, 800, "radar-letter-screen");
    if b.emulate_media("print") {
        assert!(!b.find("#radar").is_displayed(), "the letter prints alone");
        assert!(!b.find("#draft-note").is_displayed());
        full_page(&b, 794, 1123, "radar-letter-print");
        b.emulate_media("");
    }
    click(&b, "#letter-close");

    // On a phone, in English too.
    b.set_window_size(360, 640);
    let width = b.exec("return document.documentElement.scrollWidth", vec![]);
    assert!(
        width.as_u64().unwrap() <= 360,
        "the page is {width} px wide"
    );
    full_page(&b, 360, 640, "radar-360");
    click(&b, "#btn-lang");
    b.wait_text("#list-uncollected", "Ready, not collected");
    b.wait_text("#list-uncollected td.amount", "10 days");
    full_page(&b, 360, 640, "radar-360-en");
    obeys_the_policy(&b);

    // A clerk who is not a lead is refused, and sees no dossier.
    let clerk = Browser::start_with_size(360, 640);
    clerk.goto(&office.url("/radar"));
    sign_in(&clerk, "nam");
    clerk.wait_text("#auth", "Chỉ cán bộ phụ trách");
    assert!(!clerk.find("#radar").is_displayed());
    let text = page_text(&clerk);
    assert!(
        !text.contains(&radar_code(1)) && !text.contains(&masked),
        "{text}"
    );
    full_page(&clerk, 360, 640, "radar-360-clerk");
}

/// The site's own page under /s/{code}/ names the site in its calls and its CSV link.
#[test]
fn the_site_page_reads_the_sites_radar() {
    let _serial = serial();
    let office = office();
    let code = OfficeStore::open(&office.db)
        .unwrap()
        .site(S1)
        .unwrap()
        .code;
    let b = Browser::start_with_size(1280, 800);
    b.goto(&office.url(&format!("/s/{code}/radar")));
    sign_in(&b, "lan");
    b.wait_text("#list-overdue", &radar_code(3));
    let csv = b.find("#csv").attr("href").unwrap();
    assert!(csv.contains(&format!("site={code}")), "{csv}");
    let link = b.find(".topbar a").attr("href").unwrap();
    assert_eq!(link, format!("/s/{code}/reports"));
    obeys_the_policy(&b);
}
