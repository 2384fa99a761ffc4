//! The province page in real headless Chromium (tests/support/browser.rs): a province lead
//! signs in on the page itself (reports only), sees a row per commune with a rank, ranks
//! them by clicking a column's header, and reads the four ranked charts in Vietnamese and
//! English. Screenshots go to docs/screenshots/ (office-province.png, office-province-chart.png,
//! office-province-commune.png: a commune's report opened from the roll-up).

#[path = "support/browser.rs"]
mod browser;
#[path = "support/office_pages.rs"]
mod office_pages;

use browser::{Browser, WAIT};
use office_pages::{obeys_the_policy, seed_province, Office, PROVINCE_PASSWORD};
use std::path::PathBuf;
use std::time::Duration;

fn shot(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/screenshots")).join(name)
}

/// The codes of the table's rows, top to bottom.
fn order(b: &Browser) -> Vec<String> {
    let script =
        "return [...document.querySelectorAll('#rollup tbody tr')].map(r => r.dataset.code)";
    serde_json::from_value(b.exec(script, vec![])).unwrap()
}

fn charts_shown(b: &Browser) {
    for name in ["tickets", "wait", "satisfaction", "on-time"] {
        let css = format!(".chart[data-chart={name}][data-state=shown] svg");
        b.wait_until(&css, Duration::from_secs(20), |b| {
            b.try_find(&css).is_some()
        });
    }
}

#[test]
fn a_province_lead_ranks_the_communes_by_any_column() {
    let office = Office::seeded(seed_province);
    let b = Browser::start_with_size(1400, 1300);
    b.goto(&office.url("/province"));
    // Nobody signed in: the page offers the reading sign-in, no counter or queues.
    b.find("#read-login");
    assert!(b.try_find("#login-counter").is_none());
    b.find("#read-username").send_keys("tinh");
    b.find("#read-password").send_keys(PROVINCE_PASSWORD);
    b.find("#read-submit").click();
    b.wait_until("five rows", WAIT, |b| order(b).len() == 5);
    assert_eq!(order(&b), ["10105", "10107", "10109", "10111", "10113"]);
    assert_eq!(b.find("#rollup tbody tr td.rank").text(), "1");
    // Rank by tickets: most first; click again: fewest first.
    b.find("th[data-col=tickets] button").click();
    b.wait_until("ranked by tickets", WAIT, |b| order(b)[0] == "10113");
    assert_eq!(order(&b), ["10113", "10111", "10109", "10107", "10105"]);
    let sorted = b.find("th[data-col=tickets]").attr("aria-sort");
    assert_eq!(sorted.as_deref(), Some("descending"));
    // Waits rank shortest first.
    b.find("th[data-col=wait_avg] button").click();
    b.wait_until("ranked by wait", WAIT, |b| order(b)[0] == "10105");
    charts_shown(&b);
    b.wait_text("#province-tickets", "Số phiếu theo xã");
    b.screenshot_png(shot("office-province.png"));
    let chart = b.find(".chart[data-chart=wait]");
    assert!(chart.text().contains("Tân Tiến"));
    b.exec(
        "document.querySelector('.chart[data-chart=wait]').scrollIntoView()",
        vec![],
    );
    b.screenshot_png(shot("office-province-chart.png"));
    // English: headers and charts again, in English.
    b.find("#btn-lang").click();
    b.wait_text("th[data-col=tickets]", "Tickets");
    b.wait_text("#province-tickets", "Tickets by commune");
    obeys_the_policy(&b);

    // A commune's name opens its own report for the same range.
    let range = b.exec("return location.search", vec![]);
    let range = range.as_str().unwrap().to_string();
    b.find("#rollup tbody tr[data-code='10107'] th a").click();
    b.wait_until("the commune's report", WAIT, |b| {
        b.url().contains("/s/10107/reports?")
    });
    b.wait_until("its figures", WAIT, |b| {
        b.try_find("#total tbody td.num").is_some()
    });
    let shown = b.exec(
        "return [document.getElementById('from').value, document.getElementById('to').value]",
        vec![],
    );
    assert!(
        range.contains(shown[0].as_str().unwrap()),
        "{range} {shown}"
    );
    assert!(
        range.contains(shown[1].as_str().unwrap()),
        "{range} {shown}"
    );
    assert!(b
        .find("#period")
        .text()
        .starts_with("UBND xã Tân Lập (10107)"));
    // Its 5 tickets, not the province's 35.
    assert_eq!(b.find("#total tbody td.num").text(), "5");
    b.screenshot_png(shot("office-province-commune.png"));
    // The way back is the whole office's roll-up, not one under the site.
    let back = b.find("a[data-i18n='nav.province']").attr("href");
    assert_eq!(back.as_deref(), Some("/province"));
    // /reports without a site: the lead is sent to pick a commune on the roll-up.
    b.goto(&office.url("/reports"));
    b.wait_until("the way to pick a commune", WAIT, |b| {
        b.try_find("#auth:not([hidden]) a[href^='/province']")
            .is_some()
    });
    obeys_the_policy(&b);
}
