//! The lead's monthly scorecard (/scorecard) in real headless Chromium: a lead signs in and
//! sees the figures grouped by the index's five groups, each marked as an estimate with its
//! definition, the groups motcua cannot measure said so; an empty month says "Không có dữ
//! liệu" and never 0 % or 100 %; the official score typed in the form is kept and drawn on
//! the chart beside the earlier months'; a wrong score is explained and not sent; a clerk who
//! is not a lead is refused. Screenshots (target/screenshots/scorecard-*.png) at 1280 and
//! 360 px wide, the chart alone.

#[path = "support/browser.rs"]
mod browser;
#[path = "support/office_pages.rs"]
mod office_pages;

use browser::Browser;
use motcua::domain::scorecard::Month;
use motcua::office::OfficeStore;
use office_pages::{
    click, full_page, obeys_the_policy, password, seed_history, seed_radar, serial, shot, today,
    wait_for, wait_shown, Office, S1,
};
use serde_json::json;

/// An office with the radar's dossiers (one resolved early this month or last, three in
/// progress, two of them late) and official scores for the five months before this one.
fn office() -> Office {
    let office = Office::simple("");
    seed_radar(&office.db);
    let mut s = OfficeStore::open(&office.db).unwrap();
    let mut m = Month::of(today());
    for (score, rank) in [(74.1, 35), (70.25, 48), (68.0, 60), (63.5, 77), (61.2, 90)] {
        m = m.prev();
        s.set_official_score(
            S1,
            m,
            (score * 100.0_f64).round() as i64,
            Some((rank, 120)),
            "lan",
        )
        .unwrap();
    }
    office
}

fn sign_in(b: &Browser, user: &str) {
    b.wait_text("#read-login h2", "bảng điểm tháng");
    b.find("#read-username").send_keys(user);
    b.find("#read-password").send_keys(&password(user));
    click(b, "#read-submit");
}

fn charts_drawn(b: &Browser) {
    for name in ["score", "rank"] {
        wait_for(
            b,
            &format!(".chart[data-chart={name}][data-state=shown] svg"),
            30,
        );
    }
}

#[test]
fn a_lead_reads_the_scorecard_and_types_the_official_score() {
    let _serial = serial();
    let office = office();
    let b = Browser::start_with_size(1280, 800);
    b.goto(&office.url("/scorecard"));
    sign_in(&b, "lan");
    wait_shown(&b, "#card");
    b.wait_text("#group-progress", "Tỷ lệ giải quyết đúng hạn");
    let groups = b.exec(
        "return [...document.querySelectorAll('section.group')].map(s => s.id)",
        vec![],
    );
    assert_eq!(
        groups,
        json!([
            "group-publicity",
            "group-progress",
            "group-digitisation",
            "group-online",
            "group-satisfaction"
        ])
    );
    assert!(b
        .find("#group-publicity")
        .text()
        .contains("motcua chưa có số liệu"));
    // Three in progress now (due soon, late, late with a new date): 2 of 3 overdue.
    let overdue = b.find("#figure-overdue_in_progress").text();
    assert!(
        overdue.contains("66,7 %") && overdue.contains("2 trên 3"),
        "{overdue}"
    );
    assert!(
        overdue.contains("ước tính") && overdue.contains("cuối tháng"),
        "{overdue}"
    );
    // No rating this month: no data, not 0 %.
    let satisfaction = b.find("#figure-counter_satisfaction").text();
    assert!(satisfaction.contains("Không có dữ liệu"), "{satisfaction}");
    assert!(!satisfaction.contains('%'), "{satisfaction}");
    charts_drawn(&b);
    let chart = b.find(".chart[data-chart=score]").text();
    assert!(chart.contains("Điểm chính thức"), "{chart}");
    obeys_the_policy(&b);

    // A wrong score is explained and not sent; a right one is kept and charted.
    let score = b.find("#score");
    score.send_keys("101");
    click(&b, "#save");
    b.wait_text("#official-msg.error", "từ 0 đến 100");
    score.clear();
    score.send_keys("72,5");
    b.find("#rank").send_keys("41");
    click(&b, "#save");
    b.wait_text("#official-msg.error", "tổng số đơn vị");
    b.find("#rank-of").send_keys("120");
    click(&b, "#save");
    b.wait_text("#official-msg", "Đã lưu.");
    b.wait_text("#official-now", "72,5 điểm, xếp hạng 41/120");
    charts_drawn(&b);
    // The rank chart's summary, what a screen reader says of it, has this month's rank.
    let said = format!("{} 41.", Month::of(today()).short_label());
    b.wait_until(
        "the rank charted",
        std::time::Duration::from_secs(10),
        |b| {
            let text = b.exec(
                "return document.querySelector('.chart[data-chart=rank]').textContent",
                vec![],
            );
            text.as_str().is_some_and(|t| t.contains(&said))
        },
    );
    let login = json!({"username": "lan", "password": password("lan")});
    let (_, _, cookie) = office.http("POST", "/api/v1/reports/login", "", Some(login));
    let (status, card, _) = office.http("GET", "/api/v1/scorecard", &cookie, None);
    assert_eq!(status, 200, "{card}");
    assert_eq!(card["official"]["score"].as_f64(), Some(72.5));
    assert_eq!(
        (
            card["official"]["rank"].as_i64(),
            card["official"]["rank_of"].as_i64()
        ),
        (Some(41), Some(120))
    );
    full_page(&b, 1280, 800, "scorecard-desktop");
    // The charts alone, as the lead scrolls to them.
    b.exec(
        "document.querySelector('#charts-title').scrollIntoView()",
        vec![],
    );
    b.screenshot_png(shot("scorecard-chart.png"));

    // An empty month: every figure says no data.
    b.exec(
        "const m = document.getElementById('month'); m.value = '2001-01'; m.dispatchEvent(new Event('change'))",
        vec![],
    );
    b.wait_text("#meta", "01/2001");
    let empty = b.exec(
        "return [...document.querySelectorAll('.figure .value')].map(v => v.textContent)",
        vec![],
    );
    let empty: Vec<&str> = empty
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(empty, ["Không có dữ liệu"; 6]);
    assert!(b.find("#official-now").text().contains("Chưa nhập"));

    // On a phone, in English too.
    b.exec(
        &format!("const m = document.getElementById('month'); m.value = '{}'; m.dispatchEvent(new Event('change'))", Month::of(today())),
        vec![],
    );
    b.wait_text("#official-now", "72,5");
    b.set_window_size(360, 640);
    charts_drawn(&b);
    let width = b.exec("return document.documentElement.scrollWidth", vec![]);
    assert!(
        width.as_u64().unwrap() <= 360,
        "the page is {width} px wide"
    );
    full_page(&b, 360, 640, "scorecard-360");
    click(&b, "#btn-lang");
    b.wait_text("#group-progress", "On-time resolution share");
    b.wait_text("#official-now", "72.5 points, rank 41 of 120");
    charts_drawn(&b);
    b.wait_text(".chart[data-chart=score]", "Official score");
    full_page(&b, 360, 640, "scorecard-360-en");
    obeys_the_policy(&b);

    // A clerk who is not a lead is refused, and sees no figure.
    let clerk = Browser::start_with_size(360, 640);
    clerk.goto(&office.url("/scorecard"));
    sign_in(&clerk, "nam");
    clerk.wait_text("#auth", "Chỉ cán bộ phụ trách");
    assert!(!clerk.find("#card").is_displayed());
}

/// A month with two weeks of tickets, ratings and dossiers behind it, and the official
/// scores of the months before: what docs/scorecard.md shows.
#[test]
fn a_busy_month_shows_its_shares_beside_the_official_score() {
    let _serial = serial();
    let office = Office::simple("");
    seed_history(&office.db, today() - chrono::TimeDelta::days(13));
    let mut s = OfficeStore::open(&office.db).unwrap();
    let mut m = Month::of(today());
    for (score, rank) in [(74.1, 35), (70.25, 48), (68.0, 60), (63.5, 77), (61.2, 90)] {
        m = m.prev();
        s.set_official_score(
            S1,
            m,
            (score * 100.0_f64).round() as i64,
            Some((rank, 120)),
            "lan",
        )
        .unwrap();
    }
    drop(s);
    let b = Browser::start_with_size(1280, 800);
    b.goto(&office.url("/scorecard"));
    sign_in(&b, "lan");
    wait_shown(&b, "#card");
    // Every day has ratings: the counters' satisfaction is a share, not "no data".
    b.wait_text("#figure-counter_satisfaction .value", "%");
    b.wait_text("#figure-on_time_share .value", "%");
    charts_drawn(&b);
    full_page(&b, 1280, 800, "scorecard-month");
    b.exec(
        "document.querySelector('#charts-title').scrollIntoView()",
        vec![],
    );
    b.screenshot_png(shot("scorecard-month-chart.png"));
}
