//! The office's pages in real headless Chromium (tests/support/browser.rs): a clerk signs in, calls,
//! recalls, starts, transfers; a second clerk serves the transferred ticket; the rating
//! tablet asks and stores the answer; the display board shows and announces calls one at a
//! time and reconnects to a restarted office; the report page draws its charts from two
//! weeks of history. Screenshots go to target/screenshots/.

#[path = "support/browser.rs"]
mod browser;
#[path = "support/office_pages.rs"]
mod office_pages;

use browser::{Browser, WAIT};
use chrono::{TimeDelta, Utc};
use motcua::office::counters::QueueDef;
use motcua::office::http::spawn_with_shutdown;
use motcua::office::OfficeStore;
use motcua::protocol::Settings;
use office_pages::{
    charts_shown, click, console, enabled, fill_login, fits, obeys_the_policy, password,
    seed_history, serial, shot, shown, today, wait_for, wait_shown, Office, S1, TZ,
};
use serde_json::json;
use std::time::Duration;

/// Announcements take seconds each: waits for the board's voice are longer than [`WAIT`].
const VOICE_WAIT: Duration = Duration::from_secs(40);

#[test]
fn a_ticket_is_called_transferred_served_elsewhere_and_rated() {
    let _serial = serial();
    let office = Office::simple("A012:20 A013:10 B005:5");
    let lan = Browser::start_with_size(1366, 768);
    lan.goto(&office.url("/counter"));
    fill_login(&lan, "lan", "sai-mat-khau", 2, &["A"]);
    lan.wait_text("#login-error", "Sai tên đăng nhập hoặc mật khẩu.");
    assert!(!shown(&lan, "#console"));
    fill_login(&lan, "lan", &password("lan"), 2, &["A"]);
    wait_shown(&lan, "#console");
    lan.wait_text("#hdr-clerk", "Nguyễn Thị Lan");
    lan.wait_text("#waiting li[data-queue=A] .count", "2");

    click(&lan, "#btn-next");
    lan.wait_text("#current-label", "A012");
    lan.wait_text("#current-state", "Đang gọi");
    let class = lan.find("#current").attr("class").unwrap();
    assert!(class.contains("called"), "{class}");
    lan.wait_text("#current-meta", "Số lần gọi: 1");
    click(&lan, "#btn-recall");
    lan.wait_text("#current-meta", "Số lần gọi: 2");
    lan.wait_text("#recent li .label", "A012");
    lan.wait_text("#recent li", "(gọi lại)");
    // The keyboard: S starts the service, T opens the transfer dialog.
    enabled(&lan, "#btn-start");
    lan.press_key("s");
    lan.wait_text("#current-state", "Đang phục vụ");
    let rows = lan.find_all("#recent li").len();
    assert_eq!(rows, 2, "the call and the recall, not the start");
    enabled(&lan, "#btn-transfer");
    lan.press_key("t");
    wait_shown(&lan, "#transfer-dialog");
    lan.wait_text("#transfer-ticket", "A012");
    lan.find("#transfer-queue option[value=B]").click();
    click(&lan, "#transfer-submit");
    lan.wait_text("#message", "Đã chuyển số A012.");
    lan.wait_text("#current-label", "—");
    assert!(!shown(&lan, "#transfer-dialog"));

    // Counter 3 serves B: the transferred ticket kept its issue time, so it comes before B005.
    let nam = Browser::start();
    console(&nam, &office, "nam", 3, &["B"]);
    nam.wait_text("#waiting li[data-queue=B] .count", "2");
    // The tablet beside counter 3 is paired once with the code staff give it.
    let tablet = Browser::start_with_size(800, 1280);
    let code = office.tablet_code(3);
    tablet.goto(&office.url("/rate/3"));
    wait_shown(&tablet, "#rate-pair");
    assert!(!shown(&tablet, "#rate-idle") && fits(&tablet));
    tablet.wait_text("#rate-pair h1", "Ghép máy tính bảng với quầy");
    tablet.screenshot_png(shot("office-rate-pair.png"));
    click(&tablet, "#btn-lang");
    tablet.wait_text("#rate-pair h1", "Pair this tablet with its counter");
    tablet.wait_text("#pair-submit", "Pair");
    click(&tablet, "#btn-lang");
    tablet.wait_text("#rate-pair h1", "Ghép máy tính bảng với quầy");
    tablet.find("#pair-code").send_keys("AAAA-AAAA");
    click(&tablet, "#pair-submit");
    tablet.wait_text("#pair-error", "Mã ghép không đúng");
    assert!(shown(&tablet, "#rate-pair"));
    tablet.find("#pair-code").clear();
    tablet.find("#pair-code").send_keys(&code.to_lowercase());
    click(&tablet, "#pair-submit");
    tablet.find("#conn[data-state=connected]");
    wait_shown(&tablet, "#rate-idle");
    assert!(!shown(&tablet, "#rate-pair"));
    // Paired for good: the page reloaded asks no code again.
    tablet.goto(&office.url("/rate/3"));
    tablet.find("#conn[data-state=connected]");
    wait_shown(&tablet, "#rate-idle");
    click(&nam, "#btn-next");
    nam.wait_text("#current-label", "A012");
    nam.wait_text("#current-meta", "Hàng: B");
    click(&nam, "#btn-start");
    nam.wait_text("#current-state", "Đang phục vụ");
    click(&nam, "#btn-finish");
    nam.wait_text("#current-label", "—");

    // The tablet beside counter 3 asks about A012 at once.
    tablet.wait_text("#rate-label", "A012");
    assert!(shown(&tablet, "#rate-ask") && fits(&tablet));
    tablet.screenshot_png(shot("office-rate.png"));
    tablet.find("#rate-bad").click();
    wait_shown(&tablet, "#rate-reasons");
    let chip = tablet.find(".chip[data-reason=long_wait]");
    chip.click();
    assert_eq!(chip.attr("aria-pressed").as_deref(), Some("true"));
    tablet.find("#rate-send").click();
    wait_shown(&tablet, "#rate-thanks");
    let idle = |b: &Browser| shown(b, "#rate-idle");
    tablet.wait_until("the tablet idle again", Duration::from_secs(10), idle);
    // A new code for the tablet (say, it was replaced) unpairs this browser: it asks again.
    let mut store = OfficeStore::open(&office.db).unwrap();
    store
        .new_pairing_code(S1, "Bảng quầy 3", Utc::now())
        .unwrap();
    let asks = |b: &Browser| shown(b, "#rate-pair");
    tablet.wait_until("the pairing form again", Duration::from_secs(30), asks);
    drop(store);

    let store = OfficeStore::open(&office.db).unwrap();
    let total = store.report(S1, today(), today(), TZ).unwrap().total;
    assert_eq!((total.served, total.ratings.unsatisfied), (1, 1));
    assert_eq!(total.ratings.very_satisfied + total.ratings.satisfied, 0);
    // The same through the lead clerk's session, as the reports page gets it.
    let script = "const done = arguments[1]; fetch(arguments[0]).then(r => r.json()).then(done)";
    let url = format!("/api/v1/reports?from={0}&to={0}", today());
    let json = lan.exec_async(script, vec![json!(url)]);
    assert_eq!(json["total"]["ratings"]["unsatisfied"], 1, "{json}");
    assert_eq!(json["counters"][0]["key"], "3", "{json}");
    assert_eq!(json["counters"][0]["ratings"]["unsatisfied"], 1, "{json}");

    // A no-show (V) comes back within 15 minutes with the list's button.
    click(&lan, "#btn-next");
    lan.wait_text("#current-label", "A013");
    enabled(&lan, "#btn-noshow");
    lan.press_key("v");
    lan.wait_text("#no-shows li .label", "A013");
    lan.wait_text("#current-label", "—");
    click(&lan, "#no-shows li button");
    lan.wait_text("#current-label", "A013");
    lan.wait_text("#current-meta", "Số lần gọi: 2");
    lan.wait_text("#no-shows li", "Không có số vắng mặt.");

    // Signing in at another counter ends this session: the console says so.
    office.login("lan", 7, &["A"]);
    let login = |b: &Browser| shown(b, "#login");
    lan.wait_until("the login form", Duration::from_secs(15), login);
    lan.wait_text("#login-error", "Phiên đăng nhập đã hết hạn.");
    for b in [&lan, &nam, &tablet] {
        obeys_the_policy(b);
    }
}

/// The board's announcements so far: ids announced, and (id, clip, outcome) played.
fn announcements(b: &Browser) -> (Vec<i64>, Vec<(i64, String, String)>) {
    let script = "const log = motcuaBoard.log.map(e => [e.id, e.clip, e.outcome]);
        return [motcuaBoard.announced, log]";
    serde_json::from_value(b.exec(script, vec![])).unwrap()
}

#[test]
fn the_board_shows_calls_and_announces_each_new_one_once_in_order() {
    let _serial = serial();
    let office = Office::simple("A001:40 A002:39 A003:38 A004:37");
    let [c1, c2, c4] =
        [("lan", 1), ("nam", 2), ("hoa", 4)].map(|(u, c)| office.login(u, c, &["A"]));
    office.act(&c1, "next"); // before the board opens: shown, never announced
    let b = Browser::start_with_size(1920, 1080);
    b.goto(&office.url("/board"));
    b.find("#conn[data-state=connected]");
    b.wait_text("[data-counter='1'] .label", "A001");
    // The office's own Noto Sans is what the board writes Vietnamese with, and the
    // fullscreen button is a drawing, not a character some font may lack.
    let loaded = b.exec_async(
        "const done = arguments[arguments.length - 1];
         document.fonts.ready.then(() => done([...document.fonts]
             .filter(f => f.family.replace(/\"/g, '') === 'Noto Sans' && f.status === 'loaded')
             .map(f => f.weight)))",
        vec![],
    );
    let weights = loaded.as_array().expect("a list of weights");
    assert!(
        !weights.is_empty(),
        "Noto Sans loaded from the office: {loaded}"
    );
    assert!(b.try_find("#btn-fullscreen svg").is_some());
    b.wait_text("#board-recent li", "A001");
    // Samples how many announcements wait, as the calls arrive.
    let sampler =
        "window.most = 0; setInterval(() => most = Math.max(most, motcuaBoard.queued()), 10)";
    b.exec(sampler, vec![]);
    assert_eq!(announcements(&b), (vec![], vec![]), "first load");

    let before = office.call_ids()[0];
    office.act(&c2, "next");
    office.act(&c4, "next");
    office.act(&c1, "recall");
    let mut calls = office.call_ids();
    calls.retain(|&id| id > before);
    calls.reverse(); // oldest first
    assert_eq!(calls.len(), 3);
    b.wait_text("[data-counter='2'] .label", "A002");
    b.wait_text("[data-counter='4'] .label", "A003");
    b.wait_until("four calls listed", WAIT, |b| {
        b.find_all("#board-recent li").len() == 4
    });
    b.wait_text("#board-recent li", "A001"); // the recall, newest
    let three = |b: &Browser| announcements(b).0.len() >= 3;
    b.wait_until("three announcements", VOICE_WAIT, three);
    let (announced, log) = announcements(&b);
    assert_eq!(announced, calls);
    let most = b.exec("return most", vec![]);
    assert!(most.as_u64().unwrap() > 1, "calls queued up");
    // Announcements never overlap: each one's clips, chime first, follow one another.
    let mut runs: Vec<i64> = log.iter().map(|e| e.0).collect();
    runs.dedup();
    assert_eq!(runs, calls, "{log:?}");
    for (i, (id, clip, outcome)) in log.iter().enumerate() {
        assert_eq!(outcome, "played", "{log:?}");
        assert_eq!(clip == "chime", i == 0 || log[i - 1].0 != *id, "{log:?}");
    }

    // The clips the board fetched exist, as WAV.
    let script = "return performance.getEntriesByType('resource').map(e => e.name)
        .filter(n => n.includes('/static/voice/'))";
    let mut urls: Vec<String> = serde_json::from_value(b.exec(script, vec![])).unwrap();
    urls.sort();
    urls.dedup();
    for clip in ["chime", "moi_cong_dan", "den_quay_so"] {
        let url = office.url(&format!("/static/voice/{clip}.wav"));
        assert!(urls.contains(&url), "{url} not in {urls:?}");
    }
    let script = "Promise.all(arguments[0].map(u => fetch(u)
        .then(r => [r.status, r.headers.get('content-type')]))).then(arguments[1])";
    let answers = b.exec_async(script, vec![json!(urls)]);
    for (url, answer) in urls.iter().zip(answers.as_array().unwrap()) {
        assert_eq!(answer, &json!([200, "audio/wav"]), "{url}");
    }
}

#[test]
fn the_board_reconnects_to_a_restarted_office_and_announces_what_it_missed() {
    let _serial = serial();
    let mut office = Office::simple("A001:5 A002:4");
    let b = Browser::start();
    b.goto(&office.url("/board"));
    b.find("#conn[data-state=connected]");
    b.wait_text("#board-recent li", "Chưa có lượt gọi.");
    let addr = office.handle.as_ref().unwrap().addr();
    office.handle.take().unwrap().shutdown();
    wait_for(&b, "#conn[data-state=reconnecting]", 10);
    assert!(shown(&b, "#conn"), "the board says it is reconnecting");

    office.handle = Some(spawn_with_shutdown(&office.db, &addr.to_string(), TZ).unwrap());
    let cookie = office.login("nam", 3, &["A"]);
    office.act(&cookie, "next");
    let id = office.call_ids()[0];
    wait_for(&b, "#conn[data-state=connected]", 15);
    assert!(!shown(&b, "#conn"));
    b.wait_text("[data-counter='3'] .label", "A001");
    b.wait_until("the call announced", VOICE_WAIT, |b| {
        announcements(b).0 == [id]
    });
}

#[test]
fn screenshots_of_the_pages() {
    let _serial = serial();
    let queues: [(&str, &[&str]); 3] = [
        ("A", &["HT", "CT"]),
        ("B", &["DD", "XD"]),
        ("C", &["BTXH", "NCC"]),
    ];
    let office = Office::start(
        &queues,
        "A003:48 A004:41:elderly A005:25 A006:22:pregnant A007:15 A008:9 \
         B002:35 B003:20 B004:12:disabled B005:4 C001:30 C002:6",
    );
    let notice = Settings {
        notice_vi: "Sáng thứ Bảy bộ phận một cửa làm việc từ 7 giờ 30 đến 11 giờ 30.".into(),
        notice_en: "On Saturday mornings the one-stop shop is open from 7:30 to 11:30.".into(),
        ..Default::default()
    };
    let mut store = OfficeStore::open(&office.db).unwrap();
    store.set_settings(S1, &notice).unwrap();

    let b = Browser::start_with_size(1366, 768);
    b.goto(&office.url("/counter"));
    b.find("#login-queues input");
    b.find("#login-username").send_keys("lan");
    b.find("#login-counter").send_keys("2");
    b.screenshot_png(shot("office-login.png"));

    // Three other counters, over HTTP; two of them finish a ticket and get it rated.
    let nam = office.login("nam", 3, &["B"]);
    let hoa = office.login("hoa", 5, &["C"]);
    let minh = office.login("minh", 1, &["A", "C"]);
    for (cookie, counter, score) in [(&nam, 3, "very_satisfied"), (&hoa, 5, "satisfied")] {
        let ticket = office.act(cookie, "next")["current"]["id"].clone();
        office.act(cookie, "start");
        office.act(cookie, "next");
        let rating = Some(json!({"ticket_id": ticket, "score": score}));
        let path = format!("/api/v1/rate/{counter}");
        let tablet = office.tablet(counter);
        assert_eq!(office.http("POST", &path, &tablet, rating).0, 204);
    }
    office.act(&minh, "next");
    office.act(&minh, "recall");

    fill_login(&b, "lan", &password("lan"), 2, &["A", "B"]);
    wait_shown(&b, "#console");
    click(&b, "#btn-next");
    b.wait_text("#current-label", "A004"); // priority first (A003 went to counter 1)
    click(&b, "#btn-recall");
    b.wait_text("#current-meta", "Số lần gọi: 2");
    assert!(fits(&b), "the console fits 1366×768");
    b.screenshot_png(shot("office-console.png"));

    let board = Browser::start_with_size(1920, 1080);
    board.goto(&office.url("/board"));
    board.find("#conn[data-state=connected]");
    board.wait_text("[data-counter='2'] .label", "A004");
    wait_shown(&board, "#notice-bar");
    assert_eq!(board.find_all(".card-counter").len(), 4);
    assert!(fits(&board));
    board.screenshot_png(shot("office-board.png"));
    board.set_window_size(1280, 720);
    board.wait_until("the 720p layout", WAIT, |b| {
        b.exec("return innerHeight", vec![]) == json!(720)
    });
    assert!(fits(&board));
    board.screenshot_png(shot("office-board-720.png"));

    b.set_window_size(1366, 900);
    b.goto(&office.url("/reports"));
    wait_shown(&b, "#results");
    b.wait_text("#queues tbody", "A — Hộ tịch, Chứng thực");
    b.wait_text("#total tbody", "50,0 %");
    charts_shown(&b);
    b.screenshot_png(shot("office-reports.png"));

    // The start page too: its styles and script are its own files.
    b.goto(&office.url("/"));
    b.find("#btn-lang").click();
    b.wait_text("#btn-lang", "Tiếng Việt");
    let display = b.exec(
        "return getComputedStyle(document.querySelector('.pages')).display",
        vec![],
    );
    assert_eq!(display, json!("grid"), "index.css applied");
    for page in [&b, &board] {
        obeys_the_policy(page);
    }
}

#[test]
fn a_sites_pages_work_for_its_clerks_and_refuse_another_sites() {
    let _serial = serial();
    let office = Office::simple("A012:20 A013:10");
    let mut store = OfficeStore::open(&office.db).unwrap();
    store
        .rename_site("main", None, Some("10105"))
        .expect("site 1 gets its commune's code");
    let other = store
        .add_site("10107", "UBND xã Tân Lập", Utc::now())
        .unwrap();
    store
        .set_queues(other.id, &[QueueDef::new("A", &["HT"])])
        .unwrap();
    drop(store);

    // Lan (site 10105) on her site's console: the form's queues, the login, a call and the
    // links all stay in the site.
    let lan = Browser::start_with_size(1366, 768);
    lan.goto(&office.url("/s/10105/counter"));
    fill_login(&lan, "lan", &password("lan"), 2, &["A"]);
    wait_shown(&lan, "#console");
    click(&lan, "#btn-next");
    lan.wait_text("#current-label", "A012");
    let reports = lan.find("#hdr-reports").attr("href").unwrap_or_default();
    assert!(reports.ends_with("/s/10105/reports"), "{reports}");
    obeys_the_policy(&lan);

    // The same account on the other commune's console is refused, and says why.
    let stranger = Browser::start_with_size(1366, 768);
    stranger.goto(&office.url("/s/10107/counter"));
    fill_login(&stranger, "nam", &password("nam"), 3, &["A"]);
    stranger.wait_text("#login-error", "thuộc đơn vị khác");
    assert!(!shown(&stranger, "#console"));
    stranger.screenshot_png(shot("office-site-refused.png"));

    // Each site's board shows its own calls only.
    let board = Browser::start_with_size(1920, 1080);
    board.goto(&office.url("/s/10105/board"));
    board.find("#conn[data-state=connected]");
    board.wait_text("[data-counter='2'] .label", "A012");
    board.screenshot_png(shot("office-site-board.png"));
    board.goto(&office.url("/s/10107/board"));
    board.find("#conn[data-state=connected]");
    assert!(board.try_find("[data-counter='2'] .label").is_none());
    obeys_the_policy(&board);
}

#[test]
fn the_report_page_draws_its_charts_from_two_weeks_of_history() {
    let _serial = serial();
    let office = Office::simple("");
    let from = today() - TimeDelta::days(13);
    let per_hour = seed_history(&office.db, from);
    let total: u32 = per_hour.iter().sum();
    let most = *per_hour.iter().max().unwrap();
    let busiest = per_hour.iter().position(|n| *n == most).unwrap();
    let b = Browser::start_with_size(1366, 1000);
    console(&b, &office, "lan", 2, &["A"]);
    b.goto(&office.url(&format!("/reports?from={from}&to={}", today())));
    wait_shown(&b, "#results");
    charts_shown(&b);
    // A closed day breaks the lines; the hours run 7h to 16h.
    let wait = b.find("#chart-wait path[fill=none]").attr("d").unwrap();
    assert_eq!(wait.matches('M').count(), 3, "{wait}");
    b.wait_text("#chart-hours", "16h");
    let summary = b.exec(
        "return document.getElementById('chart-hours-desc').textContent",
        vec![],
    );
    let summary = summary.as_str().unwrap_or_default();
    let said = format!("{total} phiếu trong kỳ; đông nhất lúc {busiest}h ({most} phiếu).");
    assert_eq!(summary, said);
    b.exec("document.querySelector('.charts').scrollIntoView()", vec![]);
    b.screenshot_png(shot("office-report-charts.png"));
    // In English the office draws them again in English.
    b.find("#btn-lang").click();
    b.wait_text("#chart-hours", "Tickets by hour of day");
    b.wait_text("#chart-satisfaction", "Very satisfied");
    charts_shown(&b);
    b.exec("document.querySelector('.charts').scrollIntoView()", vec![]);
    b.screenshot_png(shot("office-report-charts-en.png"));
    obeys_the_policy(&b);
}
