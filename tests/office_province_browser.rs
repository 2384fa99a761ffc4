//! The province page in real headless Chromium (tests/support/browser.rs): a province lead
//! signs in on the page itself (reports only), sees a row per commune with a rank, ranks
//! them by clicking a column's header, and reads the four ranked charts in Vietnamese and
//! English. Screenshots go to docs/screenshots/ (office-province.png, office-province-chart.png,
//! office-province-commune.png: a commune's report opened from the roll-up).

#[path = "support/browser.rs"]
mod browser;

use browser::{Browser, WAIT};
use chrono::{TimeDelta, Utc};
use motcua::office::counters::{Action, ClerkRole, ClerkSession, QueueDef};
use motcua::office::http::spawn_with_shutdown;
use motcua::office::{OfficeStore, Role};
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;
const PASSWORD: &str = "mat-khau-dai-1";

fn shot(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/screenshots")).join(name)
}

/// Five communes with different days behind them: tickets, waits, ratings.
fn seed(db: &std::path::Path) {
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
                PASSWORD,
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
            let kind = motcua::protocol::EVENT_TICKET_ISSUED;
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
        PASSWORD,
        ClerkRole::ProvinceLead,
        false,
        now,
    )
    .unwrap();
}

fn obeys_the_policy(b: &Browser) {
    let log = b.console_log();
    let blocked: Vec<&String> = log
        .iter()
        .filter(|l| l.contains("Content Security Policy") || l.contains("Refused to"))
        .collect();
    assert!(blocked.is_empty(), "{blocked:#?}");
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
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    seed(&db);
    let office = spawn_with_shutdown(&db, "127.0.0.1:0", TZ).unwrap();
    let b = Browser::start_with_size(1400, 1300);
    b.goto(&format!("{}/province", office.url()));
    // Nobody signed in: the page offers the reading sign-in, no counter or queues.
    b.find("#read-login");
    assert!(b.try_find("#login-counter").is_none());
    b.find("#read-username").send_keys("tinh");
    b.find("#read-password").send_keys(PASSWORD);
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
    b.goto(&format!("{}/reports", office.url()));
    b.wait_until("the way to pick a commune", WAIT, |b| {
        b.try_find("#auth:not([hidden]) a[href^='/province']")
            .is_some()
    });
    obeys_the_policy(&b);
}
