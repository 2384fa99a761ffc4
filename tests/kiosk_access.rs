//! The kiosk for citizens who see poorly or not at all: the contrast of every text and
//! background pair of both palettes, computed from the theme's own values; the modes a
//! citizen turns on and their reset for the next citizen; and screenshots of every page in
//! high contrast and in large text at the three sizes (target/screenshots/access-*.png).
//!
//! Slint keeps one platform per process and its UI on one thread, so everything runs in
//! one test function, step by step.

#[path = "support/screenshots.rs"]
mod screenshots;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use i_slint_backend_testing::{
    mock_elapsed_time, ElementHandle, TestingBackend, TestingBackendOptions,
};
use screenshots::snapshot;
use slint::{ComponentHandle, Model};

use motcua::config::Config;
use motcua::domain::contrast::{ratio, Rgb, NON_TEXT, TEXT_AAA};
use motcua::kiosk::audio::RecordingSpeaker;
use motcua::kiosk::{self, KioskApp};
use motcua::ui::{
    AccessAdapter, App, BookingAdapter, BookingResult, CatalogueAdapter, NavigationAdapter, Page,
    Theme, TicketAdapter,
};

/// 08:30 on Wednesday 25 November 2026 in Asia/Ho_Chi_Minh (UTC+7).
fn wednesday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 1, 30, 0).unwrap()
}

fn find(app: &App, label: &str) -> ElementHandle {
    let found = ElementHandle::find_by_accessible_label(app, label).next();
    found.unwrap_or_else(|| {
        let labels: Vec<String> = i_slint_backend_testing::ElementQuery::from_root(app)
            .match_descendants()
            .find_all()
            .iter()
            .filter_map(|e| e.accessible_label().map(|l| l.to_string()))
            .collect();
        panic!(
            "no element labelled {label:?} on page {:?}: {labels:?}",
            page(app)
        )
    })
}

fn exists(app: &App, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(app, label)
        .next()
        .is_some()
}

/// Taps a choice as a citizen would: when it is off screen, "Xem tiếp bên dưới" pages on
/// until it shows (the test backend only finds what is on screen).
fn tap(app: &App, label: &str) {
    for _ in 0..20 {
        if exists(app, label) || !exists(app, "Xem tiếp bên dưới") {
            break;
        }
        find(app, "Xem tiếp bên dưới").invoke_accessible_default_action();
        mock_elapsed_time(Duration::from_millis(50));
    }
    find(app, label).invoke_accessible_default_action();
}

/// Opens a procedure of the list on screen by its name. The test backend's search skips
/// rows of a list nested in the scrolling page frame past the first few (they are drawn and
/// touchable: tests/kiosk_ui.rs touches one), so this goes by the list's model.
fn open_procedure(app: &App, name: &str) {
    let procedures = app.global::<CatalogueAdapter>().get_procedures();
    let p = procedures.iter().find(|p| p.name == name).unwrap();
    app.global::<CatalogueAdapter>().invoke_open_procedure(p.id);
}

fn page(app: &App) -> Page {
    app.global::<NavigationAdapter>().get_page()
}

#[test]
fn kiosk_access() {
    // The software renderer, not the mock one: layout uses the embedded fonts' real metrics
    // and snapshots are real pictures.
    slint::platform::set_platform(Box::new(TestingBackend::new(TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    })))
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let at = Arc::new(Mutex::new(wednesday_morning()));
    let clock: kiosk::Clock = {
        let at = at.clone();
        Arc::new(move || *at.lock().unwrap())
    };
    {
        let mut store = kiosk::open_store(data.path()).unwrap();
        store
            .import_dossiers(&[processing_dossier()], wednesday_morning())
            .unwrap();
    }
    let mut config = Config::default();
    config.kiosk.idle_timeout_seconds = 30;
    // The routing page with its ticket button, as the demo shows it.
    config.online.assisted_queue = Some("D".into());
    let kiosk = KioskApp::new(config, data.path(), clock).unwrap();
    let app = &kiosk.app;
    kiosk::set_size(app, 1080, 1920);
    mock_elapsed_time(Duration::from_millis(100));

    both_palettes_keep_their_contrast(app);
    modes_are_the_citizens_own(app);
    every_page_in_each_mode(app, &at);
    touch_targets_keep_15_mm(app);
    drop(kiosk);
    guided_by_voice_alone(&at);
}

/// A colour of the theme as the screen shows it.
fn rgb(c: slint::Color) -> Rgb {
    assert_eq!(c.alpha(), 255, "theme colours are opaque");
    Rgb::new(c.red(), c.green(), c.blue())
}

/// Every pair the pages draw, from the theme's values, in both palettes: text at 7:1,
/// boundaries of controls and the guidance ring at 3:1.
fn both_palettes_keep_their_contrast(app: &App) {
    for high_contrast in [false, true] {
        app.global::<AccessAdapter>()
            .set_high_contrast(high_contrast);
        let t = app.global::<Theme>();
        let colours: std::collections::HashMap<&str, Rgb> = [
            ("background", t.get_background()),
            ("surface", t.get_surface()),
            ("pressed", t.get_pressed()),
            ("notice", t.get_notice()),
            ("text", t.get_text()),
            ("text-muted", t.get_text_muted()),
            ("primary", t.get_primary()),
            ("primary-pressed", t.get_primary_pressed()),
            ("on-primary", t.get_on_primary()),
            ("warning", t.get_warning()),
            ("success", t.get_success()),
            ("header", t.get_header()),
            ("header-pressed", t.get_header_pressed()),
            ("on-header", t.get_on_header()),
            ("outline", t.get_outline()),
            ("focus", t.get_focus()),
        ]
        .map(|(name, c)| (name, rgb(c)))
        .into();
        let mut text_pairs: Vec<(&str, &str)> =
            ["text", "text-muted", "primary", "warning", "success"]
                .iter()
                .flat_map(|fg| ["background", "surface", "pressed"].map(|bg| (*fg, bg)))
                .collect();
        text_pairs.extend([
            // The ticket page's "could not print" box.
            ("warning", "notice"),
            ("text", "notice"),
            ("on-primary", "primary"),
            ("on-primary", "primary-pressed"),
            ("on-header", "header"),
            ("on-header", "header-pressed"),
            // A mode's toggle while it is on: the header's colour on a filled button.
            ("header", "on-header"),
        ]);
        let boundary_pairs = [
            ("outline", "background"),
            ("outline", "surface"),
            ("primary", "background"),
            ("focus", "background"),
            ("focus", "surface"),
        ];
        let mut failures = Vec::new();
        for (pairs, need) in [(&text_pairs[..], TEXT_AAA), (&boundary_pairs[..], NON_TEXT)] {
            for (fg_name, bg_name) in pairs {
                let (fg, bg) = (colours[fg_name], colours[bg_name]);
                let r = ratio(fg, bg);
                if r < need {
                    failures.push(format!(
                        "{fg_name} {fg} on {bg_name} {bg}: {r:.2}:1, needs {need}:1"
                    ));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "high contrast {high_contrast}:\n{}",
            failures.join("\n")
        );
        assert!(text_pairs.len() >= 20, "every pair is counted");
    }
    // The two palettes really differ: high contrast is light on black.
    let t = app.global::<Theme>();
    assert_eq!(rgb(t.get_background()), Rgb::new(0, 0, 0));
    app.global::<AccessAdapter>().set_high_contrast(false);
    assert_ne!(rgb(t.get_background()), Rgb::new(0, 0, 0));
}

/// The toggles sit on every page, switch the look at once, and the next citizen finds the
/// kiosk as configured.
fn modes_are_the_citizens_own(app: &App) {
    let theme = app.global::<Theme>();
    let body = theme.get_font_body();
    tap(app, "Chữ lớn");
    assert!(app.global::<AccessAdapter>().get_large_text());
    assert!(
        (theme.get_font_body() / body - 1.5).abs() < 1e-3,
        "text 1.5×"
    );
    tap(app, "Tương phản cao");
    assert!(app.global::<AccessAdapter>().get_high_contrast());
    // Every page keeps the toggles within reach.
    tap(app, "Lấy số thứ tự");
    assert_eq!(page(app), Page::Fields);
    find(app, "Tương phản cao");
    find(app, "Chữ lớn");
    find(app, "Hướng dẫn bằng giọng nói");
    // A second tap turns a mode off again.
    tap(app, "Tương phản cao");
    assert!(!app.global::<AccessAdapter>().get_high_contrast());
    tap(app, "Tương phản cao");
    // Home is not the end of the session: the modes stay with the citizen.
    tap(app, "Trang chủ");
    assert_eq!(page(app), Page::Home);
    assert!(app.global::<AccessAdapter>().get_high_contrast());
    assert!(app.global::<AccessAdapter>().get_large_text());
    // The citizen leaves: after the idle timeout the kiosk is home in its normal look.
    mock_elapsed_time(Duration::from_secs(31));
    assert_eq!(page(app), Page::Home);
    let a = app.global::<AccessAdapter>();
    assert!(!a.get_high_contrast() && !a.get_large_text() && !a.get_guidance());
    assert!((theme.get_font_body() / body - 1.0).abs() < 1e-3);
    // A mode turned on at home and left alone is also reset: the idle timer runs at home
    // while a mode is on.
    tap(app, "Chữ lớn");
    mock_elapsed_time(Duration::from_secs(31));
    assert!(!app.global::<AccessAdapter>().get_large_text());
}

/// Turns the modes on or off with their toggles, as a citizen would.
fn set_modes(app: &App, high_contrast: bool, large_text: bool) {
    let a = app.global::<AccessAdapter>();
    if a.get_high_contrast() != high_contrast {
        tap(app, "Tương phản cao");
    }
    if a.get_large_text() != large_text {
        tap(app, "Chữ lớn");
    }
    mock_elapsed_time(Duration::from_millis(50));
}

/// Screenshots of each citizen page in high contrast and in large text (and both), at the
/// three sizes, to look at.
fn every_page_in_each_mode(app: &App, at: &Arc<Mutex<DateTime<Utc>>>) {
    for (mode, hc, large) in [
        ("hc", true, false),
        ("large", false, true),
        ("hc-large", true, true),
    ] {
        for (w, h) in [(1080, 1920), (1920, 1080), (800, 480)] {
            kiosk::set_size(app, w, h);
            app.global::<NavigationAdapter>().invoke_go_home();
            set_modes(app, hc, large);
            let shot = |name: &str| snapshot(app, &format!("access-{mode}-{name}"));
            shot("home");
            tap(app, "Lấy số thứ tự");
            shot("fields");
            tap(app, "Hộ tịch");
            shot("priority");
            tap(app, "Không — lấy số thường");
            assert_eq!(page(app), Page::Ticket);
            shot("ticket");
            app.global::<NavigationAdapter>().invoke_go_home();
            set_modes(app, hc, large);
            tap(app, "Tra cứu hồ sơ");
            shot("lookup");
            scan(app, "H15.50.05.13-261120-0975");
            assert_eq!(page(app), Page::Dossier);
            shot("dossier");
            tap(app, "Xem chi tiết (họ tên, thủ tục, các bước)");
            assert_eq!(page(app), Page::Factor);
            shot("factor");
            app.global::<NavigationAdapter>().invoke_go_home();
            set_modes(app, hc, large);
            tap(app, "Thủ tục hành chính");
            tap(app, "Tìm thủ tục");
            shot("search");
            app.global::<NavigationAdapter>().invoke_go_home();
            set_modes(app, hc, large);
            app.global::<NavigationAdapter>().set_page(Page::Error);
            shot("error");
            // The booking pages, as a kiosk with an office shows them.
            app.global::<NavigationAdapter>().set_page(Page::Booking);
            shot("booking");
            let b = app.global::<BookingAdapter>();
            b.set_result(BookingResult::TooEarly);
            b.set_code("7KQ2-M9XD".into());
            b.set_time("09:00".into());
            b.set_day("25/11/2026".into());
            b.set_minutes(25);
            b.set_come_back_at("08:50".into());
            app.global::<NavigationAdapter>()
                .set_page(Page::BookingResult);
            shot("booking-too-early");
            for (name, result) in BOOKING_RESULTS.iter().skip(1) {
                b.set_result(*result);
                mock_elapsed_time(Duration::from_millis(20));
                shot(&format!("booking-{name}"));
            }
            app.global::<NavigationAdapter>().invoke_go_home();
            set_modes(app, hc, large);
            // 19:00: closed until the morning.
            *at.lock().unwrap() = wednesday_morning() + chrono::TimeDelta::hours(10);
            mock_elapsed_time(Duration::from_secs(1));
            tap(app, "Lấy số thứ tự");
            assert_eq!(page(app), Page::Closed);
            shot("closed");
            *at.lock().unwrap() = wednesday_morning();
            mock_elapsed_time(Duration::from_secs(1));
            app.global::<NavigationAdapter>().invoke_go_home();
            set_modes(app, hc, large);
            tap(app, "Thủ tục hành chính");
            shot("catalogue");
            tap(app, "Hộ tịch");
            shot("procedures");
            open_procedure(app, "Đăng ký khai sinh");
            assert_eq!(page(app), Page::Procedure);
            shot("procedure");
            app.global::<NavigationAdapter>().invoke_go_back();
            open_procedure(app, "Cấp bản sao trích lục hộ tịch");
            assert_eq!(page(app), Page::Online);
            shot("online");
            app.global::<NavigationAdapter>().invoke_go_home();
        }
    }
}

/// Every answer the booking result page shows, by the name its screenshot takes.
const BOOKING_RESULTS: [(&str, BookingResult); 6] = [
    ("too-early", BookingResult::TooEarly),
    ("too-late", BookingResult::TooLate),
    ("cancelled", BookingResult::Cancelled),
    ("used", BookingResult::Used),
    ("other-day", BookingResult::OtherDay),
    ("offline", BookingResult::Offline),
];

/// Puts a booking's answer on screen as the controller does after the office answered
/// (a kiosk without an office cannot ask one): the code page for the answers it shows
/// there, else the result page.
fn show_booking(app: &App, result: BookingResult) {
    let b = app.global::<BookingAdapter>();
    b.set_result(result);
    b.set_code("7KQ2-M9XD".into());
    b.set_time("09:30".into());
    b.set_day("08/12/2026".into());
    b.set_minutes(25);
    b.set_come_back_at("09:20".into());
    let on_code_page = matches!(
        result,
        BookingResult::None
            | BookingResult::Checking
            | BookingResult::BadCode
            | BookingResult::Unknown
    );
    app.global::<NavigationAdapter>().set_page(if on_code_page {
        Page::Booking
    } else {
        Page::BookingResult
    });
    mock_elapsed_time(Duration::from_millis(20));
}

/// Every button on screen at least 15 mm wide and tall on the configured panel, except
/// the keys of the code and search keyboards (see docs/accessibility.md: a full keyboard
/// cannot have 15 mm keys on a 7-inch panel; such citizens scan the receipt instead).
fn touch_targets_keep_15_mm(app: &App) {
    use i_slint_backend_testing::AccessibleRole;
    use i_slint_backend_testing::ElementQuery;
    let mut report = Vec::new();
    let mut checked = 0;
    for (w, h, inches) in [(800, 480, 7.0), (1080, 1920, 32.0), (1920, 1080, 32.0)] {
        kiosk::set_size(app, w, h);
        app.global::<Theme>()
            .set_screen_diagonal_mm(inches as f32 * 25.4);
        app.global::<NavigationAdapter>().invoke_go_home();
        set_modes(app, false, false);
        let mm = app.global::<Theme>().get_px_per_mm();
        let need = 15.0 * mm - 0.5;
        let mut check = |name: &str| {
            mock_elapsed_time(Duration::from_millis(50));
            for e in ElementQuery::from_root(app).match_descendants().find_all() {
                let role = e.accessible_role();
                if !matches!(
                    role,
                    Some(AccessibleRole::Button | AccessibleRole::Checkbox)
                ) {
                    continue;
                }
                let label = e.accessible_label().unwrap_or_default().to_string();
                let key = label.chars().count() == 1
                    || [
                        "Xóa",
                        "Dấu cách",
                        "Tra cứu",
                        "Xác nhận",
                        "Delete",
                        "Check in",
                    ]
                    .contains(&label.as_str());
                if key && (name == "lookup" || name.starts_with("booking-code")) {
                    continue;
                }
                checked += 1;
                let size = e.size();
                if size.width < need || size.height < need {
                    report.push(format!(
                        "{w}x{h} {inches}\" {name}: {label:?} is {:.1} x {:.1} mm",
                        size.width / mm,
                        size.height / mm
                    ));
                }
            }
        };
        check("home");
        tap(app, "Lấy số thứ tự");
        check("fields");
        tap(app, "Hộ tịch");
        check("priority");
        app.global::<NavigationAdapter>().invoke_go_home();
        tap(app, "Tra cứu hồ sơ");
        check("lookup");
        app.global::<NavigationAdapter>().invoke_go_home();
        tap(app, "Thủ tục hành chính");
        check("catalogue");
        tap(app, "Hộ tịch");
        check("procedures");
        open_procedure(app, "Đăng ký khai sinh");
        check("procedure");
        app.global::<NavigationAdapter>().invoke_go_back();
        open_procedure(app, "Cấp bản sao trích lục hộ tịch");
        check("online");
        app.global::<NavigationAdapter>().invoke_go_home();
        // The booking pages, in each of their states, in both languages (English labels
        // are longer).
        for english in [false, true] {
            if english {
                app.global::<NavigationAdapter>().invoke_toggle_language();
            }
            for result in [BookingResult::None, BookingResult::Unknown] {
                show_booking(app, result);
                check(&format!("booking-code-{result:?}"));
            }
            for (name, result) in BOOKING_RESULTS {
                show_booking(app, result);
                check(&format!("booking-{name}"));
            }
            app.global::<NavigationAdapter>().invoke_go_home();
        }
    }
    app.global::<Theme>().set_screen_diagonal_mm(0.0);
    assert!(checked > 50, "only {checked} buttons found");
    assert!(report.is_empty(), "too small:\n{}", report.join("\n"));
}

const DOWN: &str = "\u{F701}";
const UP: &str = "\u{F700}";
const ENTER: &str = "\n";
const HOME: &str = "\u{F729}";
const ESCAPE: &str = "\u{1b}";
const INSERT: &str = "\u{F727}";

/// Presses a key, as a USB keypad does.
fn press(app: &App, key: &str) {
    use slint::platform::WindowEvent;
    let text: slint::SharedString = key.into();
    app.window()
        .dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
    app.window()
        .dispatch_event(WindowEvent::KeyReleased { text });
}

/// Types `text` as a keyboard-wedge scanner does, then Enter.
fn scan(app: &App, text: &str) {
    for c in text.chars() {
        if c.is_uppercase() {
            press(app, "\u{10}");
        }
        press(app, &c.to_string());
    }
    press(app, ENTER);
}

/// What the speaker said last, as text.
fn last(speaker: &RecordingSpeaker) -> Vec<String> {
    speaker.last().expect("something was said").1
}

fn said(speaker: &RecordingSpeaker, expected: &[&str]) {
    assert_eq!(last(speaker), expected);
}

/// Lets the print worker finish and the UI collect its outcome.
fn let_print(app: &App) {
    for _ in 0..100 {
        mock_elapsed_time(Duration::from_millis(50));
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = app;
}

fn processing_dossier() -> motcua::dossier_import::DossierRecord {
    use motcua::domain::dossier::DossierStatus;
    let t = |d: u32, h: u32| {
        Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap() - chrono::TimeDelta::hours(7)
    };
    motcua::dossier_import::DossierRecord {
        code: motcua::domain::dossier_code::parse_code("H15.50.05.13-261120-0975").unwrap(),
        status: DossierStatus::Processing,
        procedure_code: "1.001193".into(),
        applicant_name: "Nguyễn Văn An".into(),
        received_at: t(20, 8),
        due_at: Some(t(24, 16)),
        due_at_new: None,
        finished_at: None,
        note: String::new(),
        pickup_place: "Quầy số 2".into(),
        secret: "7KQ2".into(),
        phone_last4: "4321".into(),
    }
}

/// A blind citizen with a keypad: the ticket, the dossier lookup and the catalogue, each to
/// its end with the keys alone, hearing each screen; the idle warning; headphones that
/// start guidance; and the screen as it was for everyone else once guidance is off.
fn guided_by_voice_alone(at: &Arc<Mutex<DateTime<Utc>>>) {
    *at.lock().unwrap() = wednesday_morning();
    let clock: kiosk::Clock = {
        let at = at.clone();
        Arc::new(move || *at.lock().unwrap())
    };
    let data = tempfile::tempdir().unwrap();
    {
        let mut store = kiosk::open_store(data.path()).unwrap();
        store
            .import_dossiers(&[processing_dossier()], wednesday_morning())
            .unwrap();
    }
    let mut config = Config::default();
    config.kiosk.idle_timeout_seconds = 30;
    config.kiosk.wait_area = "hàng ghế chờ tầng một".into();
    config.online.assisted_queue = Some("D".into());
    let speaker = RecordingSpeaker::new();
    let kiosk =
        KioskApp::with_speaker(config, data.path(), clock, Box::new(speaker.clone())).unwrap();
    let app = &kiosk.app;
    kiosk::set_size(app, 1080, 1920);
    mock_elapsed_time(Duration::from_millis(100));
    let before = app.window().take_snapshot().unwrap();
    snapshot(app, "access-guided-before");
    let fields = app
        .global::<motcua::ui::TicketAdapter>()
        .get_fields()
        .row_count();
    let focus = || app.global::<AccessAdapter>().get_focus_key().to_string();

    // The keypad's + starts guidance, with no need to find anything on screen.
    press(app, "+");
    assert!(app.global::<AccessAdapter>().get_guidance());
    let keys = "Bấm phím lên hoặc xuống để nghe từng lựa chọn, phím Enter để chọn, phím Escape để quay lại, phím Insert để nghe lại.";
    said(
        &speaker,
        &[
            "Đã bật hướng dẫn bằng giọng nói.",
            keys,
            "Trang chính.",
            "3",
            "lựa chọn.",
        ],
    );

    // The ticket: three choices, each said with its place in the list.
    press(app, DOWN);
    said(&speaker, &["Lấy số thứ tự.", "1", "trên", "3"]);
    assert_eq!(focus(), "take-ticket");
    press(app, ENTER);
    assert_eq!(page(app), Page::Fields);
    let n = (fields + 1).to_string();
    said(
        &speaker,
        &["Chọn lĩnh vực cần giải quyết.", &n, "lựa chọn."],
    );
    press(app, DOWN);
    said(&speaker, &["Hộ tịch", "1", "trên", &n]);
    assert_eq!(focus(), "field:HT");
    snapshot(app, "access-guided-fields");
    // Up from the first stays there and says so.
    press(app, UP);
    said(&speaker, &["Hết danh sách.", "Hộ tịch", "1", "trên", &n]);
    press(app, ENTER);
    assert_eq!(page(app), Page::Priority);
    said(
        &speaker,
        &["Bạn có thuộc nhóm ưu tiên không?", "8", "lựa chọn."],
    );
    press(app, DOWN);
    press(app, DOWN);
    said(&speaker, &["Người cao tuổi", "2", "trên", "8"]);
    press(app, UP);
    said(
        &speaker,
        &["Không ưu tiên, lấy số thường.", "1", "trên", "8"],
    );
    press(app, ENTER);
    assert_eq!(page(app), Page::Ticket);
    said(
        &speaker,
        &[
            "Số thứ tự của bạn là",
            "A001",
            "Hộ tịch",
            "Số người chờ trước bạn:",
            "0",
            "Xin mời bạn chờ tại",
            "hàng ghế chờ tầng một",
            "1",
            "lựa chọn.",
        ],
    );
    let_print(app);
    said(&speaker, &["Xin nhận phiếu ở khe in bên dưới màn hình."]);
    // Insert says the screen again, the printed ticket included.
    press(app, INSERT);
    assert_eq!(last(&speaker)[1], "A001");
    assert_eq!(
        last(&speaker)[7],
        "Xin nhận phiếu ở khe in bên dưới màn hình."
    );
    // The ticket stays up while a guided citizen listens: past the sighted 10 s.
    mock_elapsed_time(Duration::from_secs(15));
    assert_eq!(page(app), Page::Ticket);

    // The dossier lookup: the receipt under the scanner, the status said.
    press(app, HOME);
    assert_eq!(page(app), Page::Home);
    said(&speaker, &["Trang chính.", "3", "lựa chọn."]);
    press(app, DOWN);
    press(app, DOWN);
    said(&speaker, &["Tra cứu hồ sơ.", "2", "trên", "3"]);
    press(app, ENTER);
    assert_eq!(page(app), Page::Lookup);
    said(
        &speaker,
        &[
            "Tra cứu hồ sơ. Hãy đưa mã vạch trên giấy biên nhận vào máy quét bên dưới màn hình.",
            "1",
            "lựa chọn.",
        ],
    );
    scan(app, "H15.50.05.13-261120-0975");
    assert_eq!(page(app), Page::Dossier);
    said(
        &speaker,
        &[
            "Hồ sơ của bạn:",
            "Đang xử lý",
            "Hẹn trả kết quả",
            "ngày",
            "24",
            "tháng",
            "11",
            "Hồ sơ đã quá hạn.",
            "Nhận kết quả tại",
            "Quầy số 2",
            "3",
            "lựa chọn.",
        ],
    );
    let heard = last(&speaker).join(" ");
    for private in ["Nguyễn", "4321", "7KQ2"] {
        assert!(!heard.contains(private), "{private} said aloud");
    }
    // The new date of the office's apology letter is said after the overdue line.
    let lookup = app.global::<motcua::ui::LookupAdapter>();
    let plain = lookup.get_dossier();
    let mut late = plain.clone();
    late.new_due_time = "16:00".into();
    late.new_due_date = "27/11/2026".into();
    lookup.set_dossier(late);
    press(app, INSERT);
    let heard = last(&speaker);
    let at = heard.iter().position(|w| w == "Hồ sơ đã quá hạn.").unwrap();
    assert_eq!(
        heard[at + 1..at + 6],
        [
            "Cơ quan xin lỗi vì đã trễ hẹn. Hẹn trả mới",
            "ngày",
            "27",
            "tháng",
            "11"
        ],
        "{heard:?}"
    );
    lookup.set_dossier(plain);
    press(app, DOWN);
    said(&speaker, &["In tình trạng hồ sơ.", "1", "trên", "3"]);
    press(app, ENTER);
    let_print(app);
    said(&speaker, &["Xin nhận phiếu ở khe in bên dưới màn hình."]);
    // Escape goes back to where the code was read.
    press(app, ESCAPE);
    assert_eq!(page(app), Page::Lookup);

    // The catalogue: a field, a procedure, what to bring, the checklist printed.
    press(app, HOME);
    press(app, DOWN);
    press(app, DOWN);
    press(app, DOWN);
    said(&speaker, &["Thủ tục hành chính.", "3", "trên", "3"]);
    // Past the end: stays on the last choice.
    press(app, DOWN);
    said(
        &speaker,
        &["Hết danh sách.", "Thủ tục hành chính.", "3", "trên", "3"],
    );
    press(app, ENTER);
    assert_eq!(page(app), Page::Catalogue);
    assert_eq!(last(&speaker)[0], "Thủ tục hành chính. Chọn lĩnh vực.");
    press(app, DOWN);
    assert_eq!(last(&speaker)[0], "Hộ tịch");
    press(app, ENTER);
    assert_eq!(page(app), Page::Procedures);
    assert_eq!(&last(&speaker)[..2], ["Hộ tịch", "Chọn thủ tục."]);
    // Down through the list to the one wanted.
    for _ in 0..10 {
        press(app, DOWN);
        if last(&speaker)[0] == "Đăng ký khai sinh" {
            break;
        }
    }
    assert!(focus().starts_with("procedure:"));
    press(app, ENTER);
    assert_eq!(page(app), Page::Procedure);
    let p = last(&speaker);
    assert_eq!(p[0], "Đăng ký khai sinh");
    let docs = p
        .iter()
        .position(|w| w == "Giấy tờ cần mang:")
        .expect("papers said");
    assert_eq!(p[docs + 1], "Tờ khai đăng ký khai sinh");
    press(app, DOWN);
    said(
        &speaker,
        &["In danh mục giấy tờ cần mang.", "1", "trên", "3"],
    );
    press(app, ENTER);
    let_print(app);
    said(&speaker, &["Xin nhận phiếu ở khe in bên dưới màn hình."]);

    // A procedure done online: where to go, the steps, and the routing page's choices.
    press(app, ESCAPE);
    assert_eq!(page(app), Page::Procedures);
    open_procedure(app, "Cấp bản sao trích lục hộ tịch");
    assert_eq!(page(app), Page::Online);
    assert_eq!(
        last(&speaker),
        [
            "Cấp bản sao trích lục hộ tịch",
            "Thủ tục này làm được trực tuyến, tại nhà, bằng điện thoại.",
            "Bộ phận Một cửa không còn nhận hồ sơ giấy cho thủ tục này.",
            "Một: quét mã trên màn hình bằng điện thoại. Hai: đăng nhập VNeID. Ba: điền tờ khai và nộp.",
            "5",
            "lựa chọn.",
        ]
    );
    press(app, DOWN);
    said(
        &speaker,
        &["In hướng dẫn này, có mã để quét.", "1", "trên", "5"],
    );
    assert_eq!(focus(), "print-steps");
    press(app, DOWN);
    said(
        &speaker,
        &["Lấy số để được hỗ trợ nộp trực tuyến.", "2", "trên", "5"],
    );
    press(app, DOWN);
    said(&speaker, &["Xem chi tiết thủ tục.", "3", "trên", "5"]);
    press(app, ENTER);
    assert_eq!(page(app), Page::Procedure);

    booking_pages_are_spoken(app, &speaker);
    priority_only_is_spoken(app, &speaker);
    every_citizen_page_has_guidance(app, &speaker);
    app.global::<NavigationAdapter>().invoke_go_home();

    // "Which numbers are being served?": none called yet on a kiosk without an office.
    press(app, "*");
    said(&speaker, &["Chưa có số nào được gọi."]);
    // Once the office reports a call (as its sync does, tests/kiosk_ui.rs), the number, the
    // counter and the queue's fields.
    app.global::<motcua::ui::StatusAdapter>()
        .set_serving(slint::ModelRc::new(slint::VecModel::from(vec![
            motcua::ui::ServingItem {
                queue: "A".into(),
                name: "Hộ tịch".into(),
                number: "A012".into(),
                counter: 2,
                wait_minutes: 10,
            },
            motcua::ui::ServingItem {
                queue: "B".into(),
                name: "Chứng thực".into(),
                number: "".into(),
                counter: 0,
                wait_minutes: 0,
            },
        ])));
    press(app, "*");
    said(
        &speaker,
        &["Đang phục vụ:", "A012", "tại quầy", "2", "Hộ tịch"],
    );
    app.global::<motcua::ui::StatusAdapter>()
        .set_serving(slint::ModelRc::default());

    // Left alone, the guided citizen is warned, aloud and on screen, before the session
    // ends; then speech stops and the kiosk is back to normal.
    mock_elapsed_time(Duration::from_secs(101));
    said(
        &speaker,
        &[
            "Màn hình sẽ trở về trang chính sau",
            "20",
            "giây",
            "Bấm một phím bất kỳ để tiếp tục.",
        ],
    );
    assert_eq!(app.global::<AccessAdapter>().get_idle_warning_seconds(), 20);
    snapshot(app, "access-guided-idle-warning");
    let stops = speaker.stops();
    mock_elapsed_time(Duration::from_secs(20));
    assert_eq!(page(app), Page::Home);
    assert!(!app.global::<AccessAdapter>().get_guidance());
    assert_eq!(app.global::<AccessAdapter>().get_idle_warning_seconds(), 0);
    assert!(speaker.stops() > stops, "speech stopped");

    // Headphones plugged in start guidance; English speaks English.
    press(app, "+");
    press(app, "+");
    assert!(!app.global::<AccessAdapter>().get_guidance());
    said(&speaker, &["Đã tắt hướng dẫn bằng giọng nói."]);
    speaker.set_headphones(true);
    mock_elapsed_time(Duration::from_millis(300));
    assert!(app.global::<AccessAdapter>().get_guidance());
    assert_eq!(last(&speaker)[0], "Đã bật hướng dẫn bằng giọng nói.");
    app.global::<NavigationAdapter>().invoke_toggle_language();
    press(app, INSERT);
    let (lang, words) = speaker.last().unwrap();
    assert_eq!(lang, motcua::config::Language::En);
    assert_eq!(words, ["Home.", "3", "choices."]);
    press(app, DOWN);
    said(&speaker, &["Take a queue number.", "1", "of", "3"]);

    // Guidance off: the screen is exactly what a sighted citizen saw before.
    // (Home puts the configured language back.)
    app.global::<NavigationAdapter>().invoke_go_home();
    press(app, "+");
    mock_elapsed_time(Duration::from_millis(100));
    let after = app.window().take_snapshot().unwrap();
    if before.as_bytes() != after.as_bytes() {
        snapshot(app, "access-guided-after");
    }
    assert!(
        before.as_bytes() == after.as_bytes(),
        "guidance off leaves the screen as it was"
    );
}

/// The booking pages by voice, each answer said with what the screen shows, then the usual
/// ticket and home as choices whose ring the screen shows (`tests/kiosk_ui/booking.rs` walks
/// them with a real office, from home to the ticket).
/// An office that gives ordinary numbers by booking only: the priority page says so, and
/// its first choice is the booking check-in in place of the ordinary number.
fn priority_only_is_spoken(app: &App, speaker: &RecordingSpeaker) {
    app.global::<NavigationAdapter>().invoke_go_home();
    let t = app.global::<TicketAdapter>();
    t.set_priority_only(true);
    app.global::<BookingAdapter>().set_available(true);
    t.invoke_choose_field("HT".into());
    assert_eq!(page(app), Page::Priority);
    press(app, INSERT);
    said(
        speaker,
        &[
            "Bạn có thuộc nhóm ưu tiên không?",
            "Văn phòng cấp số thường theo lịch hẹn. Nếu thuộc nhóm ưu tiên, hãy chọn nhóm của bạn.",
            "8",
            "lựa chọn.",
        ],
    );
    press(app, DOWN);
    said(speaker, &["Tôi đã đặt lịch.", "1", "trên", "8"]);
    // Enter acts as home's "booking" does (a kiosk without an office opens nothing).
    assert_eq!(app.global::<AccessAdapter>().get_focus_key(), "booking");
    t.set_priority_only(false);
    app.global::<BookingAdapter>().set_available(false);
    app.global::<NavigationAdapter>().invoke_go_home();
}

fn booking_pages_are_spoken(app: &App, speaker: &RecordingSpeaker) {
    let focus = || app.global::<AccessAdapter>().get_focus_key().to_string();
    let how = "Nhận số theo lịch hẹn. Hãy đưa mã QR của lịch hẹn vào máy quét bên dưới màn hình, hoặc gõ mã 8 ký tự trên giấy hẹn rồi bấm Xác nhận.";
    let normal = "Bạn có thể lấy số thường.";
    let code_page: [(BookingResult, &[&str]); 4] = [
        (BookingResult::None, &[how, "1", "lựa chọn."]),
        (
            BookingResult::Checking,
            &[
                "Đang kiểm tra lịch hẹn. Xin chờ một chút.",
                how,
                "1",
                "lựa chọn.",
            ],
        ),
        (
            BookingResult::BadCode,
            &[
                "Mã lịch hẹn gồm 8 chữ cái và chữ số. Xin thử lại.",
                how,
                "1",
                "lựa chọn.",
            ],
        ),
        (
            BookingResult::Unknown,
            &[
                "Không có lịch hẹn nào với mã này. Xin kiểm tra lại mã.",
                how,
                "1",
                "lựa chọn.",
            ],
        ),
    ];
    for (result, words) in code_page {
        show_booking(app, result);
        press(app, INSERT);
        said(speaker, words);
        press(app, DOWN);
        said(speaker, &["Về trang chính.", "1", "trên", "1"]);
        assert_eq!(focus(), "home");
    }
    let booked_at = ["Lịch hẹn lúc", "9", "giờ", "30", "phút"];
    let result_page: [(BookingResult, Vec<&str>); 6] = [
        (
            BookingResult::TooEarly,
            [
                &booked_at[..],
                &[
                    "Bạn đến sớm",
                    "25",
                    "phút",
                    "Xin mời quay lại lúc",
                    "9",
                    "giờ",
                    "20",
                    "phút",
                ],
            ]
            .concat(),
        ),
        (
            BookingResult::TooLate,
            [&booked_at[..], &["Giờ hẹn của bạn đã qua", "25", "phút"]].concat(),
        ),
        (BookingResult::Cancelled, vec!["Lịch hẹn này đã bị hủy."]),
        (
            BookingResult::Used,
            vec!["Lịch hẹn này đã được cấp số rồi."],
        ),
        (
            BookingResult::OtherDay,
            vec![
                "Lịch hẹn này không phải cho hôm nay.",
                "Lịch hẹn của bạn vào",
                "ngày",
                "8",
                "tháng",
                "12",
            ],
        ),
        (
            BookingResult::Offline,
            vec!["Hiện không kiểm tra được lịch hẹn. Xin hỏi cán bộ nếu cần."],
        ),
    ];
    for (result, mut words) in result_page {
        show_booking(app, result);
        press(app, INSERT);
        words.extend([normal, "2", "lựa chọn."]);
        said(speaker, &words);
        press(app, DOWN);
        said(speaker, &["Lấy số thường.", "1", "trên", "2"]);
        assert_eq!(focus(), "take-ticket");
        press(app, DOWN);
        said(speaker, &["Về trang chính.", "2", "trên", "2"]);
        assert_eq!(focus(), "home");
    }
    // The ringed choice is drawn: the usual ticket's button, then the header's Home.
    show_booking(app, BookingResult::TooEarly);
    press(app, INSERT);
    press(app, DOWN);
    assert_eq!(focus(), "take-ticket");
    snapshot(app, "access-guided-booking-too-early");
    // English speaks the times the English way.
    app.global::<NavigationAdapter>().invoke_toggle_language();
    press(app, INSERT);
    let (lang, words) = speaker.last().unwrap();
    assert_eq!(lang, motcua::config::Language::En);
    assert_eq!(
        words,
        [
            "Your booking is at",
            "9",
            "30",
            "You are early by",
            "25",
            "minutes",
            "Please come back at",
            "9",
            "20",
            "You can take a normal ticket.",
            "2",
            "choices."
        ]
    );
    // Choosing the usual ticket from the keys starts the ticket flow.
    press(app, DOWN);
    press(app, ENTER);
    assert_eq!(page(app), Page::Fields);
    app.global::<NavigationAdapter>().invoke_toggle_language();
}

/// Whether a page has spoken guidance: a page added to the kiosk must be placed here.
fn has_guidance(page: Page) -> bool {
    match page {
        Page::Home
        | Page::Fields
        | Page::Priority
        | Page::Ticket
        | Page::Closed
        | Page::Error
        | Page::Lookup
        | Page::Dossier
        | Page::Catalogue
        | Page::Procedures
        | Page::Procedure
        | Page::Booking
        | Page::BookingResult
        | Page::Online => true,
        // Known limits (docs/accessibility.md): typing with no way to hear the keys, and
        // staff's pages.
        Page::Factor | Page::Search | Page::AdminPin | Page::Admin => false,
    }
}

/// Every citizen page says where the citizen is, not "this page has no guidance".
fn every_citizen_page_has_guidance(app: &App, speaker: &RecordingSpeaker) {
    let none = "Trang này chưa có hướng dẫn bằng giọng nói. Bấm phím Home để về trang chính.";
    let pages = [
        Page::Home,
        Page::Fields,
        Page::Priority,
        Page::Ticket,
        Page::Closed,
        Page::Error,
        Page::Lookup,
        Page::Dossier,
        Page::Catalogue,
        Page::Procedures,
        Page::Procedure,
        Page::Factor,
        Page::Search,
        Page::Booking,
        Page::BookingResult,
        Page::Online,
    ];
    for p in pages {
        app.global::<NavigationAdapter>().set_page(p);
        press(app, INSERT);
        let first = last(speaker).first().cloned().unwrap_or_default();
        assert_eq!(first != none, has_guidance(p), "{p:?} says {first:?}");
    }
}
