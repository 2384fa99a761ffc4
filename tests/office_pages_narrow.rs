//! The office's pages on a cheap phone held upright, 360×640 CSS pixels, in real headless
//! Chromium (tests/support/browser.rs), each in the state it is used in: the console signed
//! in with a called ticket, waiting counts, a no-show and recent calls (and its transfer
//! dialog, and in English); the board with counters, recent calls and a notice; the rating
//! tablet pairing, idle, asking and asking why; the reports with two weeks of figures and
//! charts, read by a lead; the booking rules' form with a refusal beside it, in Vietnamese
//! and English; the lead's deadline radar with its letter's draft open, in Vietnamese and
//! English; the lead's alerts with a rating to acknowledge, in Vietnamese and English; the
//! monthly scorecard with its charts, in Vietnamese and English; the
//! province roll-up read by a province lead; the start page. On
//! each: nothing scrolls sideways but a wide table inside its own wrapper, no text runs out
//! of its box or is cut off, and the buttons one taps are at least 44 px tall. The follow
//! page has its own test (office_follow_browser.rs). Screenshots go to
//! target/screenshots/narrow-*.png, the whole page's length.

#[path = "support/browser.rs"]
mod browser;
#[path = "support/office_pages.rs"]
mod office_pages;

use browser::Browser;
use chrono::TimeDelta;
use motcua::office::OfficeStore;
use motcua::protocol::Settings;
use office_pages::{
    click, fill_login, obeys_the_policy, password, seed_history, seed_province, seed_radar, serial,
    shot, shown, today, wait_for, wait_shown, Office, PROVINCE_PASSWORD, S1,
};
use serde_json::json;
use std::time::Duration;

const WIDTH: u32 = 360;
const HEIGHT: u32 = 640;
/// The least height of a button one taps (WCAG 2.5.5's 44 CSS px).
const TOUCH: f64 = 44.0;

/// What reads badly at this width, one line each: an element past the screen's edges
/// (unless inside an element that scrolls sideways on its own), text past its box, content
/// past a box drawn with a border or background, content an `overflow: hidden` box cuts off
/// (either way), text a field cuts off, an element that scrolls sideways but a wide
/// table's or a chart's own box. The board's scrolling notice and screen-reader text are
/// exempt.
const PROBLEMS: &str = r#"
const W = document.documentElement.clientWidth;
const problems = [];
const name = (x) => {
  let n = x.tagName.toLowerCase();
  if (x.id) return n + '#' + x.id;
  const c = typeof x.className === 'string' ? x.className.trim() : '';
  return c ? n + '.' + c.split(/\s+/).join('.') : n;
};
const desc = (e) => {
  const parts = [];
  for (let x = e; x && x !== document.body && parts.length < 3; x = x.parentElement) parts.unshift(name(x));
  const text = (e.textContent || '').trim().slice(0, 30);
  return parts.join(' > ') + (text ? ' "' + text + '"' : '');
};
const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
const scrolls = (o) => o === 'auto' || o === 'scroll';
const SCROLLERS = '.table-wrap, .chart';
const clips = (o) => o === 'hidden' || o === 'clip';
/** The nearest ancestor that scrolls sideways on its own, if any. */
const scroller = (e) => {
  for (let x = e.parentElement; x && x !== document.body; x = x.parentElement) {
    if (scrolls(getComputedStyle(x).overflowX)) return x;
  }
  return null;
};
/** The box a text node is laid out in: its nearest ancestor that is not inline. */
const block = (n) => {
  let x = n.parentElement;
  while (x && ['inline', 'contents'].includes(getComputedStyle(x).display)) x = x.parentElement;
  return x;
};
const exempt = (e) => e.closest('.sr-only, #notice-bar');
const drawn = (s) => parseFloat(s.borderLeftWidth) > 0 || parseFloat(s.borderRightWidth) > 0
  || s.backgroundColor !== 'rgba(0, 0, 0, 0)' || s.backgroundImage !== 'none';
for (const e of document.body.querySelectorAll('*')) {
  if (!shown(e) || exempt(e) || (e.closest('svg') && e.tagName.toLowerCase() !== 'svg')) continue;
  const s = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  if (!scroller(e) && (r.left < -0.5 || r.right > W + 0.5)) {
    problems.push(`${desc(e)}: spans ${Math.round(r.left)} to ${Math.round(r.right)} px`);
  }
  if (e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0 && e !== document.body) {
    const by = e.scrollWidth - e.clientWidth;
    if (e.tagName === 'INPUT') problems.push(`${desc(e)}: shows ${by} px too little of its text`);
    else if (clips(s.overflowX)) problems.push(`${desc(e)}: cuts off ${by} px sideways`);
    else if (scrolls(s.overflowX)) { if (!e.matches(SCROLLERS)) problems.push(`${desc(e)}: scrolls sideways`); }
    else if (drawn(s)) problems.push(`${desc(e)}: its content runs ${by} px out of it`);
  }
  if (clips(s.overflowY) && e.scrollHeight > e.clientHeight + 1 && e.clientHeight > 0) {
    problems.push(`${desc(e)}: cuts off ${e.scrollHeight - e.clientHeight} px below`);
  }
  for (const n of e.childNodes) {
    if (n.nodeType !== Node.TEXT_NODE || !n.textContent.trim()) continue;
    const box = block(n);
    if (!box) continue;
    const b = box.getBoundingClientRect();
    const left = b.left + box.clientLeft, right = left + box.clientWidth;
    const range = document.createRange();
    range.selectNodeContents(n);
    for (const t of range.getClientRects()) {
      if (t.width > 0 && (t.left < left - 1 || t.right > right + 1)) {
        problems.push(`${desc(e)}: text runs ${Math.round(Math.max(left - t.left, t.right - right))} px out of ${name(box)}`);
        break;
      }
    }
  }
}
return problems;
"#;

/// The page, as it is now, reads well at 360 px: no sideways scrolling and none of
/// [`PROBLEMS`]; `what` names the state in messages.
fn reads_well(b: &Browser, what: &str) {
    let width = b.exec("return document.documentElement.scrollWidth", vec![]);
    let width = width.as_u64().unwrap();
    assert!(
        width <= u64::from(WIDTH),
        "{what}: the page is {width} px wide"
    );
    let problems = b.exec(PROBLEMS, vec![]);
    let problems: Vec<String> = serde_json::from_value(problems).unwrap();
    assert!(problems.is_empty(), "{what}:\n{}", problems.join("\n"));
}

/// Every shown element matching each of `buttons` (and at least one does) is at least
/// [`TOUCH`] px tall and wide.
fn touchable(b: &Browser, what: &str, buttons: &[&str]) {
    let script = "return [...document.querySelectorAll(arguments[0])]
        .filter(e => e.getClientRects().length > 0)
        .map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })";
    for css in buttons {
        let sizes = b.exec(script, vec![json!(css)]);
        let sizes: Vec<(f64, f64)> = serde_json::from_value(sizes).unwrap();
        assert!(!sizes.is_empty(), "{what}: no `{css}` shown");
        for (w, h) in sizes {
            assert!(
                w >= TOUCH && h >= TOUCH,
                "{what}: `{css}` is {w:.0}×{h:.0} px"
            );
        }
    }
}

/// Writes target/screenshots/narrow-`name`.png with the page's whole length (the window
/// grown to it, then set back), for a person to look at.
fn screenshot(b: &Browser, name: &str) {
    let height = b.exec("return document.documentElement.scrollHeight", vec![]);
    let height = (height.as_u64().unwrap() as u32).clamp(HEIGHT, 4000);
    if height > HEIGHT {
        b.set_window_size(WIDTH, height);
    }
    b.screenshot_png(shot(&format!("narrow-{name}.png")));
    if height > HEIGHT {
        b.set_window_size(WIDTH, HEIGHT);
    }
}

fn phone() -> Browser {
    Browser::start_with_size(WIDTH, HEIGHT)
}

/// Three queues with long names, waiting tickets in each, and the lobby's notice.
fn busy_office() -> Office {
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
    office
}

const CONSOLE_BUTTONS: [&str; 10] = [
    "#btn-next",
    "#btn-recall",
    "#btn-noshow",
    "#btn-start",
    "#btn-finish",
    "#btn-transfer",
    "#btn-pause",
    "#btn-lang",
    "#btn-logout",
    "#no-shows li button",
];

#[test]
fn the_console_reads_well_on_a_phone() {
    let _serial = serial();
    let office = busy_office();
    // Other counters are open and calling, as in an office at work.
    let nam = office.login("nam", 3, &["B"]);
    office.act(&nam, "next");
    let minh = office.login("minh", 1, &["A", "C"]);
    office.act(&minh, "next");

    let b = phone();
    b.goto(&office.url("/counter"));
    b.find("#login-queues input");
    screenshot(&b, "counter-login");
    reads_well(&b, "the login form");
    touchable(
        &b,
        "the login form",
        &["#login-submit", "#login-queues label"],
    );
    fill_login(&b, "lan", &password("lan"), 12, &["A", "B"]);
    wait_shown(&b, "#console");
    b.wait_text("#hdr-counter", "Quầy 12");
    // A no-show in the list, then a called priority ticket recalled once.
    click(&b, "#btn-next");
    b.wait_text("#current-label", "A004");
    click(&b, "#btn-noshow");
    b.wait_text("#no-shows li .label", "A004");
    click(&b, "#btn-next");
    b.wait_text("#current-label", "A006");
    click(&b, "#btn-recall");
    b.wait_text("#current-meta", "Số lần gọi: 2");
    b.wait_text("#waiting li[data-queue=B] .count", "3");
    screenshot(&b, "counter");
    reads_well(&b, "the console");
    touchable(&b, "the console", &CONSOLE_BUTTONS);
    touchable(&b, "the console", &["#hdr-reports"]);

    click(&b, "#btn-transfer");
    wait_shown(&b, "#transfer-dialog");
    screenshot(&b, "counter-transfer");
    reads_well(&b, "the transfer dialog");
    touchable(
        &b,
        "the transfer dialog",
        &["#transfer-cancel", "#transfer-submit", "#transfer-queue"],
    );
    click(&b, "#transfer-cancel");
    b.wait_until("the dialog closed", Duration::from_secs(5), |b| {
        !shown(b, "#transfer-dialog")
    });

    // English words are longer in places.
    click(&b, "#btn-lang");
    b.wait_text("#btn-next", "Call next");
    screenshot(&b, "counter-en");
    reads_well(&b, "the console in English");
    touchable(&b, "the console in English", &CONSOLE_BUTTONS);
    obeys_the_policy(&b);
}

/// The page neither scrolls nor hides anything below the screen (pages made for one screen).
fn fits_height(b: &Browser, what: &str) {
    let script = "return [document.documentElement.scrollHeight, innerHeight]";
    let sizes: (u32, u32) = serde_json::from_value(b.exec(script, vec![])).unwrap();
    assert!(sizes.0 <= sizes.1, "{what}: {sizes:?}");
}

#[test]
fn the_board_reads_well_on_a_phone() {
    let _serial = serial();
    let office = busy_office();
    for (user, counter, queues) in [
        ("lan", 2, &["A", "B"][..]),
        ("nam", 3, &["B"]),
        ("hoa", 5, &["C"]),
        ("minh", 11, &["A", "C"]),
    ] {
        let cookie = office.login(user, counter, queues);
        office.act(&cookie, "next");
    }
    let b = phone();
    b.goto(&office.url("/board"));
    b.find("#conn[data-state=connected]");
    b.wait_text("[data-counter='11'] .label", "A");
    wait_shown(&b, "#notice-bar");
    b.wait_until("four calls listed", Duration::from_secs(5), |b| {
        b.find_all("#board-recent li:not([hidden])").len() >= 2
    });
    screenshot(&b, "board");
    reads_well(&b, "the board");
    fits_height(&b, "the board");
    touchable(&b, "the board", &["#btn-fullscreen"]);
    // A phone's browser plays nothing before a tap: the board asks for one first.
    b.exec(
        "document.getElementById('sound-unlock').hidden = false",
        vec![],
    );
    screenshot(&b, "board-sound");
    reads_well(&b, "the board asking for sound");
    b.exec(
        "document.getElementById('sound-unlock').hidden = true",
        vec![],
    );
    obeys_the_policy(&b);
}

#[test]
fn the_rating_tablet_reads_well_on_a_phone() {
    let _serial = serial();
    let office = busy_office();
    let b = phone();
    b.goto(&office.url("/rate/3"));
    wait_shown(&b, "#rate-pair");
    screenshot(&b, "rate-pair");
    reads_well(&b, "the pairing form");
    touchable(&b, "the pairing form", &["#pair-submit", "#btn-lang"]);
    b.find("#pair-code").send_keys(&office.tablet_code(3));
    reads_well(&b, "the code typed");
    click(&b, "#pair-submit");
    b.find("#conn[data-state=connected]");
    wait_shown(&b, "#rate-idle");
    screenshot(&b, "rate-idle");
    reads_well(&b, "the idle tablet");
    fits_height(&b, "the idle tablet");

    let nam = office.login("nam", 3, &["B"]);
    let called = office.act(&nam, "next")["current"]["label"].clone();
    office.act(&nam, "start");
    office.act(&nam, "finish");
    b.wait_text("#rate-label", called.as_str().unwrap());
    wait_shown(&b, "#rate-ask");
    screenshot(&b, "rate");
    reads_well(&b, "the question");
    fits_height(&b, "the question");
    touchable(&b, "the question", &[".choice", "#btn-lang"]);
    b.find("#rate-bad").click();
    wait_shown(&b, "#rate-reasons");
    b.find(".chip[data-reason=long_wait]").click();
    screenshot(&b, "rate-reasons");
    reads_well(&b, "the reasons");
    fits_height(&b, "the reasons");
    touchable(&b, "the reasons", &[".chip", "#rate-back", "#rate-send"]);
    click(&b, "#rate-send");
    wait_shown(&b, "#rate-thanks");
    screenshot(&b, "rate-thanks");
    reads_well(&b, "the thanks");
    fits_height(&b, "the thanks");
    obeys_the_policy(&b);
}

const REPORT_BUTTONS: [&str; 3] = ["#btn-lang", "#run", "#csv"];

/// Waits until the page has drawn these charts.
fn charts_drawn(b: &Browser, names: &[&str]) {
    for name in names {
        wait_for(
            b,
            &format!(".chart[data-chart={name}][data-state=shown] svg"),
            30,
        );
    }
}

#[test]
fn the_reports_read_well_on_a_phone() {
    let _serial = serial();
    let office = Office::simple("");
    let from = today() - TimeDelta::days(13);
    seed_history(&office.db, from);
    let b = phone();
    b.goto(&office.url(&format!("/reports?from={from}&to={}", today())));
    b.find("#read-login");
    screenshot(&b, "reports-login");
    reads_well(&b, "the reading sign-in");
    touchable(&b, "the reading sign-in", &["#read-submit"]);
    b.find("#read-username").send_keys("lan");
    b.find("#read-password").send_keys(&password("lan"));
    click(&b, "#read-submit");
    wait_shown(&b, "#results");
    b.wait_text("#queues tbody", "A — Hộ tịch");
    charts_drawn(&b, &["hours", "wait", "satisfaction", "on-time"]);
    screenshot(&b, "reports");
    reads_well(&b, "the reports");
    touchable(&b, "the reports", &REPORT_BUTTONS);
    touchable(
        &b,
        "the reports",
        &["#print", ".topbar a", "#rules-link", "#radar-link"],
    );
    obeys_the_policy(&b);
}

#[test]
fn the_booking_rules_read_well_on_a_phone() {
    let _serial = serial();
    let office = Office::start(
        &[("A", &["HT", "CT"]), ("B", &["DD", "XD"]), ("C", &["BTXH"])],
        "",
    );
    let rules = json!({"queues": [{"queue": "A", "days": ["mon", "tue", "wed", "thu", "fri"],
        "times": ["07:30", "08:00", "08:30", "09:00", "09:30", "10:00", "14:00", "14:30", "15:00"],
        "per_slot": 2}], "order": "registration"});
    let rules = motcua::domain::booking::BookingRules::from_json(&rules.to_string()).unwrap();
    let mut store = OfficeStore::open(&office.db).unwrap();
    store.set_booking_rules(S1, &rules).unwrap();
    let b = phone();
    b.goto(&office.url("/booking-rules"));
    b.find("#read-login");
    reads_well(&b, "the rules' sign-in");
    b.find("#read-username").send_keys("lan");
    b.find("#read-password").send_keys(&password("lan"));
    click(&b, "#read-submit");
    wait_shown(&b, "#rules");
    b.wait_text("#queues", "A — Hộ tịch");
    // B's details shown too, as a lead taking it in sees them, and a refusal beside Save.
    b.find("label[for=bookable-B]").click();
    wait_shown(&b, "#per-slot-B");
    click(&b, "#save");
    b.wait_text("#result[data-kind=error]", "Hàng B");
    screenshot(&b, "booking-rules");
    reads_well(&b, "the booking rules");
    let buttons = [
        "#btn-lang",
        "#save",
        ".topbar a",
        "label.bookable",
        ".days label",
    ];
    touchable(&b, "the booking rules", &buttons);
    touchable(&b, "the booking rules", &["label.choice"]);
    click(&b, "#btn-lang");
    b.wait_text("#save", "Save the rules");
    screenshot(&b, "booking-rules-en");
    reads_well(&b, "the booking rules in English");
    touchable(&b, "the booking rules in English", &buttons);
    obeys_the_policy(&b);
}

#[test]
fn the_radar_reads_well_on_a_phone() {
    let _serial = serial();
    let office = Office::simple("");
    seed_radar(&office.db);
    let b = phone();
    b.goto(&office.url("/radar"));
    b.find("#read-login");
    reads_well(&b, "the radar's sign-in");
    b.find("#read-username").send_keys("lan");
    b.find("#read-password").send_keys(&password("lan"));
    click(&b, "#read-submit");
    wait_shown(&b, "#radar");
    b.wait_text("#list-uncollected", "10 ngày");
    screenshot(&b, "radar");
    reads_well(&b, "the radar");
    let buttons = [
        "#btn-lang",
        ".topbar a",
        "#reload",
        "#csv",
        "#print-digest",
        ".letter-button",
    ];
    touchable(&b, "the radar", &buttons);
    touchable(&b, "the radar", &["#due-soon-hours", "#uncollected-days"]);
    // The letter's draft open beneath, as a lead reads it before printing.
    click(&b, ".letter-button");
    wait_shown(&b, "#letter");
    screenshot(&b, "radar-letter");
    reads_well(&b, "the radar's letter");
    touchable(
        &b,
        "the radar's letter",
        &["#letter-print", "#letter-close"],
    );
    click(&b, "#btn-lang");
    b.wait_text("#list-uncollected", "10 days");
    screenshot(&b, "radar-en");
    reads_well(&b, "the radar in English");
    touchable(&b, "the radar in English", &buttons);
    obeys_the_policy(&b);
}

#[test]
fn the_alerts_read_well_on_a_phone() {
    let _serial = serial();
    // A ticket 40 minutes old, and B001 served at counter 2 and rated "unsatisfied".
    let office = Office::simple("A001:40 B001:3");
    let hoa = office.login("hoa", 2, &["B"]);
    for action in ["next", "start", "finish"] {
        office.act(&hoa, action);
    }
    let mut store = OfficeStore::open(&office.db).unwrap();
    let reasons = ["unclear".to_string()];
    let (now, tz) = (chrono::Utc::now(), office_pages::TZ);
    store
        .rate_in(S1, 2, "t-B001", "unsatisfied", &reasons, now, tz)
        .unwrap();
    let b = phone();
    b.goto(&office.url("/alerts"));
    b.find("#read-username").send_keys("lan");
    b.find("#read-password").send_keys(&password("lan"));
    click(&b, "#read-submit");
    wait_shown(&b, "#alerts");
    b.wait_text("#active", "Hàng A");
    b.wait_text("#ratings", "B001");
    screenshot(&b, "alerts");
    reads_well(&b, "the alerts");
    let buttons = [
        "#btn-lang",
        ".topbar a",
        ".item button",
        "#rules-add",
        "#rules-save",
    ];
    touchable(&b, "the alerts", &buttons);
    touchable(&b, "the alerts", &[".item textarea"]);
    click(&b, "#btn-lang");
    b.wait_text("#ratings", "the citizen was unsatisfied");
    screenshot(&b, "alerts-en");
    reads_well(&b, "the alerts in English");
    obeys_the_policy(&b);
}

#[test]
fn the_scorecard_reads_well_on_a_phone() {
    let _serial = serial();
    let office = Office::simple("");
    seed_radar(&office.db);
    let mut store = OfficeStore::open(&office.db).unwrap();
    let last = motcua::domain::scorecard::Month::of(today()).prev();
    store
        .set_official_score(S1, last, 6125, Some((90, 120)), "lan")
        .unwrap();
    let b = phone();
    b.goto(&office.url("/scorecard"));
    b.find("#read-login");
    reads_well(&b, "the scorecard's sign-in");
    b.find("#read-username").send_keys("lan");
    b.find("#read-password").send_keys(&password("lan"));
    click(&b, "#read-submit");
    wait_shown(&b, "#card");
    b.wait_text("#group-progress", "66,7 %");
    charts_drawn(&b, &["score", "rank"]);
    screenshot(&b, "scorecard");
    reads_well(&b, "the scorecard");
    let buttons = ["#btn-lang", ".topbar a", "#pick button", "#csv", "#save"];
    touchable(&b, "the scorecard", &buttons);
    touchable(
        &b,
        "the scorecard",
        &["#month", "#score", "#rank", "#rank-of"],
    );
    click(&b, "#btn-lang");
    b.wait_text("#group-progress", "On-time resolution share");
    screenshot(&b, "scorecard-en");
    reads_well(&b, "the scorecard in English");
    touchable(&b, "the scorecard in English", &buttons);
    obeys_the_policy(&b);
}

#[test]
fn the_province_roll_up_reads_well_on_a_phone() {
    let _serial = serial();
    let office = Office::seeded(seed_province);
    let b = phone();
    b.goto(&office.url("/province"));
    b.find("#read-username").send_keys("tinh");
    b.find("#read-password").send_keys(PROVINCE_PASSWORD);
    click(&b, "#read-submit");
    b.wait_until("five communes", Duration::from_secs(5), |b| {
        b.find_all("#rollup tbody tr").len() == 5
    });
    for name in ["tickets", "wait", "satisfaction", "on-time"] {
        wait_for(
            &b,
            &format!(".chart[data-chart={name}][data-state=shown] svg"),
            20,
        );
    }
    screenshot(&b, "province");
    reads_well(&b, "the roll-up");
    touchable(&b, "the roll-up", &REPORT_BUTTONS);
    touchable(&b, "the roll-up", &["th.sortable button", ".topbar a"]);
    obeys_the_policy(&b);
}

#[test]
fn the_start_page_reads_well_on_a_phone() {
    let _serial = serial();
    let office = Office::simple("");
    let b = phone();
    b.goto(&office.url("/"));
    b.wait_text(".pages", "Màn hình gọi số");
    screenshot(&b, "index");
    reads_well(&b, "the start page");
    touchable(
        &b,
        "the start page",
        &[
            "#btn-lang",
            ".pages a.title",
            ".rate-form button",
            "#rate-counter",
        ],
    );
    obeys_the_policy(&b);
}

/// The checks themselves: text a box cuts off, text that runs out of its box, a button
/// whose content runs out of it, a page made too wide and a small button are each caught,
/// so a passing run above means something.
#[test]
fn the_checks_catch_what_reads_badly() {
    let _serial = serial();
    let office = Office::simple("");
    let b = phone();
    // Runs `script` on a fresh start page; the problems found then, as one string.
    let problems_after = |script: &str| -> String {
        b.goto(&office.url("/"));
        b.wait_text(".pages", "Màn hình gọi số");
        b.exec(script, vec![]);
        b.exec(PROBLEMS, vec![]).to_string()
    };
    // A word that cannot wrap, in a box that clips it, then in one that does not.
    let word = "const p = document.querySelector('.intro');
        p.textContent = 'Tổnghợptoàntỉnh'; p.style.overflowWrap = 'normal'; p.style.width = '40px';";
    let clipped = problems_after(&format!("{word} p.style.overflow = 'hidden';"));
    assert!(clipped.contains("cuts off"), "{clipped}");
    let spilled = problems_after(word);
    assert!(spilled.contains("text runs"), "{spilled}");
    // A key's hint wider than its button (as the console's were at first).
    let squeezed = problems_after(
        "const e = document.getElementById('btn-lang');
         const k = document.createElement('kbd');
         k.textContent = 'Enter';
         e.replaceChildren(k);
         e.style.width = '40px';
         e.style.padding = '0';",
    );
    assert!(squeezed.contains("out of it"), "{squeezed}");
    let fails = |f: &dyn Fn()| std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).is_err();
    b.exec(
        "document.querySelector('main').style.width = '500px'",
        vec![],
    );
    assert!(fails(&|| reads_well(&b, "a page 500 px wide")));
    b.exec(
        "const e = document.getElementById('btn-lang');
         e.style.minHeight = '20px'; e.style.height = '20px';",
        vec![],
    );
    assert!(fails(&|| touchable(&b, "a 20 px button", &["#btn-lang"])));
}
