//! UI flows with the Slint testing backend: a ticket in three taps by accessible labels,
//! the language toggle, the idle timeout with mocked time, the closed screen, and
//! screenshots of every screen at three sizes (written to target/screenshots/).
//!
//! Slint keeps one platform per process and its UI on one thread, so everything runs in
//! one test function, step by step.

#[path = "kiosk_ui/booking.rs"]
mod booking;
#[path = "kiosk_ui/online.rs"]
mod online;
#[path = "support/screenshots.rs"]
mod screenshots;
#[path = "support/simulated_printer.rs"]
mod simulated_printer;
#[path = "kiosk_ui/walk_in.rs"]
mod walk_in;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use i_slint_backend_testing::{
    mock_elapsed_time, ElementHandle, TestingBackend, TestingBackendOptions,
};
use screenshots::{screenshots_dir, snapshot};
use slint::{ComponentHandle, Model};

use motcua::config::Config;
use motcua::kiosk::{self, KioskApp};
use motcua::ui::{
    AdminAdapter, App, CatalogueAdapter, DossierStatus, FactorMessage, LookupAdapter, LookupError,
    NavigationAdapter, Page, PinMessage, PrintState, PrinterStatus, SlipState, StatusAdapter,
    SyncState, TicketAdapter, Timeliness,
};

/// A clock the test moves by hand.
struct TestClock(Arc<Mutex<DateTime<Utc>>>);

impl TestClock {
    fn new(at: DateTime<Utc>) -> TestClock {
        TestClock(Arc::new(Mutex::new(at)))
    }
    fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap() = at;
    }
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
    fn clock(&self) -> kiosk::Clock {
        let c = self.0.clone();
        Arc::new(move || *c.lock().unwrap())
    }
}

/// 08:30 on Wednesday 25 November 2026 in Asia/Ho_Chi_Minh (UTC+7).
fn wednesday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 1, 30, 0).unwrap()
}

/// 19:00 the same Wednesday: closed until Thursday 07:00.
fn wednesday_evening() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap()
}

fn find(app: &App, label: &str) -> ElementHandle {
    let found: Vec<_> = ElementHandle::find_by_accessible_label(app, label).collect();
    assert!(
        !found.is_empty(),
        "no element labelled {label:?} on page {:?}",
        page(app)
    );
    found.into_iter().next().unwrap()
}

fn exists(app: &App, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(app, label)
        .next()
        .is_some()
}

fn tap(app: &App, label: &str) {
    find(app, label).invoke_accessible_default_action();
}

fn page(app: &App) -> Page {
    app.global::<NavigationAdapter>().get_page()
}

/// A commune's public address, as the office pushes it.
const PUBLIC_URL: &str = "https://motcua.xa-tan-tien.gov.vn";

/// What the QR code in `image` says.
fn read_qr(image: &slint::Image) -> String {
    let buffer = image.to_rgb8().expect("an rgb8 picture");
    let (w, h) = (buffer.width() as usize, buffer.height() as usize);
    let gray: Vec<u8> = buffer.as_slice().iter().map(|p| p.r).collect();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| gray[y * w + x]);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().unwrap().1
}

/// Lets the print worker (a real thread) finish and the UI collect its outcome.
fn wait_for_print(app: &App) -> PrintState {
    for _ in 0..200 {
        mock_elapsed_time(Duration::from_millis(50));
        let state = app.global::<TicketAdapter>().get_print_state();
        if state != PrintState::Printing {
            return state;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    app.global::<TicketAdapter>().get_print_state()
}

fn demo_config() -> Config {
    let mut config = Config::default();
    config.kiosk.idle_timeout_seconds = 30;
    config.kiosk.confirmation_seconds = 10;
    config
}

#[test]
fn kiosk_ui_flows() {
    log::set_logger(&Capture).expect("no other logger");
    log::set_max_level(log::LevelFilter::Trace);
    // The software renderer, not the mock one: layout uses the embedded fonts' real metrics
    // and snapshots are real pictures.
    slint::platform::set_platform(Box::new(TestingBackend::new(TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    })))
    .unwrap();

    let data = tempfile::tempdir().unwrap();
    let clock = TestClock::new(wednesday_morning());
    let kiosk = KioskApp::new(demo_config(), data.path(), clock.clock()).unwrap();
    let app = &kiosk.app;
    kiosk::set_size(app, 1080, 1920);

    // Home is Vietnamese by default.
    assert_eq!(page(app), Page::Home);
    assert!(exists(app, "Lấy số thứ tự"));
    assert!(exists(app, "English"));

    // Three taps: take a number, the field, no priority.
    tap(app, "Lấy số thứ tự");
    assert_eq!(page(app), Page::Fields);
    tap(app, "Hộ tịch");
    assert_eq!(page(app), Page::Priority);
    tap(app, "Không — lấy số thường");
    assert_eq!(page(app), Page::Ticket);
    assert!(exists(app, "Số thứ tự của bạn A001"));
    let ticket = app.global::<TicketAdapter>().get_ticket();
    assert_eq!(ticket.field.as_str(), "Hộ tịch");
    assert_eq!(ticket.ahead, 0);
    assert_eq!(ticket.time.as_str(), "08:30");
    // No office gave a public address: the QR code is the configured one, said nothing of.
    assert!(!app.global::<TicketAdapter>().get_ticket_follow());
    // The second tap of a double tap does not hide the number just shown.
    app.global::<TicketAdapter>().invoke_ticket_tapped();
    assert_eq!(page(app), Page::Ticket);
    assert_eq!(wait_for_print(app), PrintState::Printed);
    let receipts: Vec<_> = std::fs::read_dir(data.path().join("receipts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        receipts.iter().any(|f| f.ends_with("-A001.bin")),
        "{receipts:?}"
    );
    assert!(
        receipts.iter().any(|f| f.ends_with("-A001.png")),
        "{receipts:?}"
    );
    // Keep the receipt's preview beside the screenshots, to look at.
    let png = receipts.iter().find(|f| f.ends_with("-A001.png")).unwrap();
    std::fs::create_dir_all(screenshots_dir()).unwrap();
    std::fs::copy(
        data.path().join("receipts").join(png),
        screenshots_dir().join("receipt-A001.png"),
    )
    .unwrap();
    // The bytes the printer got decode back to the Vietnamese on screen, exactly (NFC).
    let bin = receipts.iter().find(|f| f.ends_with("-A001.bin")).unwrap();
    let bytes = std::fs::read(data.path().join("receipts").join(bin)).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err() || bytes.is_ascii(),
        "never UTF-8 on the wire"
    );
    let decoded = motcua::printer::decode(&bytes);
    assert!(decoded.warnings.is_empty(), "{:?}", decoded.warnings);
    let lines = decoded.text_lines();
    for expected in ["UBND xã Tân Tiến — Bộ phận một cửa", "Hộ tịch", "A001"] {
        let expected = expected.replace('—', "-");
        assert!(
            lines.iter().any(|l| l.contains(&expected)),
            "{expected:?} not in {lines:?}"
        );
    }

    // A tap anywhere finishes; a second citizen declares a priority group.
    mock_elapsed_time(Duration::from_secs(2));
    app.global::<TicketAdapter>().invoke_ticket_tapped();
    assert_eq!(page(app), Page::Home);
    tap(app, "Lấy số thứ tự");
    tap(app, "Hộ tịch");
    tap(app, "Người cao tuổi (từ 60 tuổi)");
    assert!(exists(app, "Số thứ tự của bạn A002"));
    let ticket = app.global::<TicketAdapter>().get_ticket();
    assert_eq!(ticket.ahead, 1);
    assert_eq!(ticket.priority.as_str(), "elderly");
    // Others can read the screen: it says "priority", never which group.
    assert!(exists(app, "Số ưu tiên") || !exists(app, "Người cao tuổi (từ 60 tuổi)"));
    assert!(!exists(app, "Người cao tuổi (từ 60 tuổi)"));
    assert!(ticket.wait_minutes > 0);

    // The confirmation returns home by itself.
    mock_elapsed_time(Duration::from_secs(11));
    assert_eq!(page(app), Page::Home);
    assert_eq!(
        app.global::<TicketAdapter>().get_ticket().number.as_str(),
        ""
    );

    // Another queue numbers on its own.
    tap(app, "Lấy số thứ tự");
    tap(app, "Chứng thực");
    tap(app, "Không — lấy số thường");
    assert!(exists(app, "Số thứ tự của bạn B001"));
    app.global::<NavigationAdapter>().invoke_go_home();

    // English and back.
    tap(app, "English");
    assert!(exists(app, "Take a queue number"));
    assert!(exists(app, "Tiếng Việt"));
    tap(app, "Take a queue number");
    assert!(exists(app, "Civil status registration"));
    tap(app, "Tiếng Việt");
    assert!(exists(app, "Hộ tịch"));
    assert!(exists(app, "Chọn lĩnh vực thủ tục"));
    // A citizen who switched to English and walked away: the next one meets Vietnamese.
    tap(app, "English");
    mock_elapsed_time(Duration::from_secs(31));
    assert_eq!(page(app), Page::Home);
    assert!(exists(app, "Lấy số thứ tự"));
    tap(app, "Lấy số thứ tự");

    // Idle: 30 s without a touch clears the choice and returns home.
    tap(app, "Hộ tịch");
    assert_eq!(page(app), Page::Priority);
    mock_elapsed_time(Duration::from_secs(29));
    assert_eq!(page(app), Page::Priority);
    mock_elapsed_time(Duration::from_secs(2));
    assert_eq!(page(app), Page::Home);
    assert_eq!(
        app.global::<TicketAdapter>().get_chosen_field().as_str(),
        ""
    );
    // Back from the priority page goes to the fields, home from the fields goes home.
    tap(app, "Lấy số thứ tự");
    tap(app, "Hộ tịch");
    tap(app, "Quay lại");
    assert_eq!(page(app), Page::Fields);
    tap(app, "Trang chủ");
    assert_eq!(page(app), Page::Home);

    // Outside service hours: no ticket, a time to come back.
    clock.set(wednesday_evening());
    mock_elapsed_time(Duration::from_secs(1));
    tap(app, "Lấy số thứ tự");
    assert_eq!(page(app), Page::Closed);
    let reopen = app.global::<NavigationAdapter>().get_reopen();
    assert_eq!(reopen.time.as_str(), "07:00");
    assert_eq!(reopen.date.as_str(), "26/11/2026");
    assert_eq!(reopen.weekday, 4);
    app.global::<NavigationAdapter>().invoke_go_home();
    clock.set(wednesday_morning() + chrono::Duration::minutes(5));

    // A store that cannot write (here: another process holds the write lock) gets a clear
    // message, not a frozen screen or a number that was never recorded.
    {
        let other = rusqlite::Connection::open(kiosk::database_path(data.path())).unwrap();
        other.execute_batch("BEGIN EXCLUSIVE").unwrap();
        tap(app, "Lấy số thứ tự");
        tap(app, "Hộ tịch");
        tap(app, "Không — lấy số thường");
        assert_eq!(page(app), Page::Error);
        assert!(exists(app, "Trang chủ"));
        snapshot(app, "error");
        other.execute_batch("ROLLBACK").unwrap();
        tap(app, "Trang chủ");
        tap(app, "Lấy số thứ tự");
        tap(app, "Hộ tịch");
        tap(app, "Không — lấy số thường");
        // A002 went to the elderly citizen above; the failed attempt used no number.
        assert!(exists(app, "Số thứ tự của bạn A003"));
        app.global::<NavigationAdapter>().invoke_go_home();
    }

    // Screenshots of every screen, in Vietnamese, at the three sizes.
    for (w, h) in [(1080, 1920), (1920, 1080), (800, 480)] {
        kiosk::set_size(app, w, h);
        mock_elapsed_time(Duration::from_millis(300));
        app.global::<NavigationAdapter>().invoke_go_home();
        snapshot(app, "home");
        tap(app, "Lấy số thứ tự");
        snapshot(app, "fields");
        tap(app, "Chứng thực");
        snapshot(app, "priority");
        tap(app, "Phụ nữ mang thai");
        assert_eq!(wait_for_print(app), PrintState::Printed);
        snapshot(app, "ticket");
        app.global::<NavigationAdapter>().invoke_go_home();
        clock.set(wednesday_evening());
        mock_elapsed_time(Duration::from_secs(1));
        snapshot(app, "home-closed");
        tap(app, "Lấy số thứ tự");
        snapshot(app, "closed");
        clock.set(wednesday_morning() + chrono::Duration::minutes(10));
        mock_elapsed_time(Duration::from_secs(1));
        // The error page's flow is tested above; here only its look at each size.
        app.global::<NavigationAdapter>().set_page(Page::Error);
        snapshot(app, "error");
        app.global::<NavigationAdapter>().invoke_go_home();
    }
    // A kiosk without a working printer: the ticket is still valid and the screen says
    // to photograph it.
    drop(kiosk);
    let data2 = tempfile::tempdir().unwrap();
    let mut config = demo_config();
    config.printer.kind = motcua::config::PrinterKind::None;
    // The office told this kiosk where its follow pages are: the QR code on screen leads
    // to the ticket's page, and the screen says what scanning it gives.
    kiosk::open_store(data2.path())
        .unwrap()
        .set_office_settings(&motcua::protocol::Settings {
            public_url: PUBLIC_URL.into(),
            ..Default::default()
        })
        .unwrap();
    let kiosk = KioskApp::new(config, data2.path(), clock.clock()).unwrap();
    let app = &kiosk.app;
    for (i, (w, h)) in [(1080, 1920), (1920, 1080), (800, 480)]
        .into_iter()
        .enumerate()
    {
        kiosk::set_size(app, w, h);
        // The layout scale follows the size on the next turn of the event loop.
        mock_elapsed_time(Duration::from_millis(100));
        tap(app, "Lấy số thứ tự");
        tap(app, "Hộ tịch");
        tap(app, "Không — lấy số thường");
        assert!(exists(app, &format!("Số thứ tự của bạn A00{}", i + 1)));
        assert_eq!(wait_for_print(app), PrintState::Failed);
        snapshot(app, "ticket-print-failed");
        // The QR the paper would have carried is on screen instead, with what scanning it
        // gives (below the fold on a small panel, where "more below" leads to them).
        let hint = "Quét mã để theo dõi lượt trên điện thoại";
        for _ in 0..5 {
            let seen = exists(app, "Mã QR của phiếu") && exists(app, hint);
            if seen || !exists(app, "Xem tiếp bên dưới") {
                break;
            }
            tap(app, "Xem tiếp bên dưới");
            mock_elapsed_time(Duration::from_millis(50));
        }
        if w == 800 {
            snapshot(app, "ticket-print-failed-qr");
        }
        assert!(exists(app, "Mã QR của phiếu"), "{w}x{h}");
        assert!(exists(app, hint), "{w}x{h}");
        let number = format!("A00{}", i + 1);
        let ticket = kiosk::open_store(data2.path())
            .unwrap()
            .tickets_on(chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap())
            .unwrap()
            .into_iter()
            .find(|t| t.display_number() == number)
            .unwrap();
        assert_eq!(
            read_qr(&app.global::<TicketAdapter>().get_ticket_qr()),
            format!("{PUBLIC_URL}/t/{}", ticket.follow_token.unwrap())
        );
        // Without paper the number stays up past the usual 10 s, for a photograph.
        mock_elapsed_time(Duration::from_secs(12));
        assert_eq!(page(app), Page::Ticket);
        mock_elapsed_time(Duration::from_secs(20));
        assert_eq!(page(app), Page::Home);
    }
    let store = motcua::kiosk::store::Store::open(kiosk::database_path(data2.path())).unwrap();
    let tickets = store
        .tickets_on(chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap())
        .unwrap();
    assert_eq!(tickets.len(), 3, "the unprinted tickets are kept");
    assert!(tickets.iter().all(|t| t.printed_at.is_none()));

    // A printer that hangs (a driver stuck in a write) never holds up the touchscreen: the
    // next citizens get their numbers while the first job is still stuck.
    {
        struct Stuck(std::sync::mpsc::Receiver<()>);
        impl motcua::kiosk::printing::PrintSink for Stuck {
            fn print(&mut self, _stem: &str, _bytes: &[u8]) -> Result<(), String> {
                let _ = self.0.recv();
                Ok(())
            }
        }
        let (release, stuck) = std::sync::mpsc::channel();
        let data3 = tempfile::tempdir().unwrap();
        let kiosk3 = KioskApp::with_sink(
            demo_config(),
            data3.path(),
            clock.clock(),
            Box::new(Stuck(stuck)),
        )
        .unwrap();
        let app3 = &kiosk3.app;
        for n in 1..=3 {
            tap(app3, "Lấy số thứ tự");
            tap(app3, "Hộ tịch");
            tap(app3, "Không — lấy số thường");
            assert!(exists(app3, &format!("Số thứ tự của bạn A00{n}")));
            mock_elapsed_time(Duration::from_millis(500));
            assert_eq!(
                app3.global::<TicketAdapter>().get_print_state(),
                PrintState::Printing
            );
            mock_elapsed_time(Duration::from_secs(2));
            app3.global::<TicketAdapter>().invoke_ticket_tapped();
            assert_eq!(page(app3), Page::Home);
        }
        for _ in 0..3 {
            release.send(()).unwrap();
        }
    }

    // A printer that needs staff shows a small notice on the home screen.
    kiosk::set_size(app, 1080, 1920);
    mock_elapsed_time(Duration::from_millis(100));
    app.global::<StatusAdapter>()
        .set_printer_notice(PrinterStatus::PaperNearEnd);
    snapshot(app, "home-printer-notice");
    app.global::<StatusAdapter>()
        .set_printer_notice(PrinterStatus::Ready);

    // The English home screen, for the README.
    kiosk::set_size(app, 1080, 1920);
    app.global::<NavigationAdapter>().invoke_go_home();
    tap(app, "English");
    snapshot(app, "home-en");
    tap(app, "Tiếng Việt");

    serial_printer_faults_and_the_admin_view(&clock);
    dossier_lookup(&clock);
    procedure_catalogue(&clock);
    going_home_forgets_every_flow(&clock);
    office_sync();
    booking::booking_check_in();
    booking::left_check_in_gets_its_ticket();
    walk_in::priority_only_walk_in();
    online::online_routing(&clock);
    pinned_office_mismatch();
    logs_hold_nothing_personal();
}

/// The privacy invariant, flow by flow: each flow's properties are filled (a ticket on
/// screen, a dossier with its details, a search, PIN digits), the kiosk goes home, and every
/// property of that flow's adapter is back to its empty value; what the controller kept
/// (typed code, factor, digits) is gone too, as the next key shows.
fn going_home_forgets_every_flow(clock: &TestClock) {
    clock.set(wednesday_morning());
    let data = tempfile::tempdir().unwrap();
    kiosk::open_store(data.path())
        .unwrap()
        .import_dossiers(
            &[record(
                "H15.50.05.13-261120-0975",
                "processing",
                "1.001193",
                "4321",
                "7KQ2",
            )],
            wednesday_morning(),
        )
        .unwrap();
    let mut config = demo_config();
    config.admin.pin_hash = Some(motcua::auth::hash_pin("2468").unwrap());
    let kiosk = KioskApp::new(config, data.path(), clock.clock()).unwrap();
    let app = &kiosk.app;
    kiosk::set_size(app, 1080, 1920);
    let nav = app.global::<NavigationAdapter>();

    // The ticket flow.
    let t = app.global::<TicketAdapter>();
    t.invoke_take_ticket();
    t.invoke_choose_field("HT".into());
    assert_eq!(t.get_chosen_field(), "Hộ tịch");
    t.invoke_choose_priority("".into());
    assert_eq!(page(app), Page::Ticket);
    assert_ne!(t.get_ticket().number, "");
    nav.invoke_go_home();
    assert_eq!(t.get_chosen_field(), "");
    assert_eq!(t.get_ticket(), Default::default());
    assert_eq!(t.get_ticket_qr().size(), slint::Image::default().size());
    assert!(!t.get_ticket_follow());
    assert_eq!(t.get_print_state(), PrintState::Idle);
    // The field chosen is forgotten: the priority page without one goes home.
    t.invoke_choose_priority("".into());
    assert_eq!(page(app), Page::Home);

    // The lookup flow, with the details the second factor opens.
    let l = app.global::<LookupAdapter>();
    l.invoke_open_lookup();
    for k in "H15.50.05.13-261120-0975".chars() {
        l.invoke_lookup_key(k.to_string().into());
    }
    l.invoke_lookup_key("ok".into());
    assert_eq!(page(app), Page::Dossier);
    l.invoke_open_factor();
    l.invoke_factor_key("0".into());
    l.invoke_factor_key("ok".into());
    assert_eq!(l.get_factor_message(), FactorMessage::Wrong);
    for k in "4321".chars() {
        l.invoke_factor_key(k.to_string().into());
    }
    l.invoke_factor_key("ok".into());
    assert!(l.get_dossier().details);
    assert!(l.get_dossier_steps().row_count() > 0 || !l.get_dossier().masked_name.is_empty());
    l.invoke_print_status();
    assert_eq!(l.get_slip_state(), SlipState::Sent);
    l.invoke_open_factor();
    l.invoke_factor_key("9".into());
    assert_eq!(l.get_factor_length(), 1);
    nav.invoke_go_home();
    assert_eq!(l.get_lookup_input(), "");
    assert_eq!(l.get_lookup_error(), LookupError::None);
    assert_eq!(l.get_dossier(), Default::default());
    assert_eq!(l.get_dossier_steps().row_count(), 0);
    assert_eq!(l.get_factor_length(), 0);
    assert_eq!(l.get_factor_message(), FactorMessage::None);
    assert_eq!(l.get_factor_attempts_left(), 0);
    assert_eq!(l.get_slip_state(), SlipState::None);
    // No dossier stays open behind the screen: the factor pad does not open.
    l.invoke_open_factor();
    assert_eq!(page(app), Page::Home);
    // The code typed is gone: one key shows one character.
    l.invoke_open_lookup();
    l.invoke_lookup_key("H".into());
    assert_eq!(l.get_lookup_input(), "H");
    nav.invoke_go_home();

    // The catalogue flow: a search with Telex off, a procedure's checklist.
    let c = app.global::<CatalogueAdapter>();
    c.invoke_open_catalogue();
    c.invoke_open_search();
    c.invoke_search_key("telex".into());
    for k in "khai".chars() {
        c.invoke_search_key(k.to_string().into());
    }
    assert_eq!(c.get_search_text(), "khai");
    assert!(!c.get_telex());
    assert!(c.get_search_total() > 0);
    let first = c.get_procedures().row_data(0).unwrap();
    c.invoke_open_procedure(first.id);
    c.invoke_print_checklist();
    assert_eq!(c.get_checklist_state(), SlipState::Sent);
    nav.invoke_go_home();
    assert_eq!(c.get_search_text(), "");
    assert!(c.get_telex());
    assert_eq!(c.get_search_total(), 0);
    assert_eq!(c.get_procedures().row_count(), 0);
    assert_eq!(c.get_checklist_state(), SlipState::None);

    // The admin flow: digits on the PIN pad.
    let a = app.global::<AdminAdapter>();
    a.invoke_admin_requested();
    assert_eq!(page(app), Page::AdminPin);
    a.invoke_pin_key("1".into());
    a.invoke_pin_key("3".into());
    assert_eq!(a.get_pin_length(), 2);
    nav.invoke_go_home();
    assert_eq!(a.get_pin_length(), 0);
    assert_eq!(a.get_pin_message(), PinMessage::None);
    assert_eq!(a.get_pin_attempts_left(), 0);
    assert_eq!(a.get_admin_message(), SlipState::None);
    // The digits are gone: one key counts one.
    a.invoke_admin_requested();
    a.invoke_pin_key("5".into());
    assert_eq!(a.get_pin_length(), 1);
    nav.invoke_go_home();
    // Let the print worker finish before the data directory goes.
    kiosk.controller.finish_printing(Duration::from_secs(5));
}

/// Every log record of the run, as the journal would get it: message and fields.
static LOGGED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Keeps every record, at every level, for [`logs_hold_nothing_personal`].
struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        struct Fields(String);
        impl<'k> log::kv::VisitSource<'k> for Fields {
            fn visit_pair(
                &mut self,
                key: log::kv::Key<'k>,
                value: log::kv::Value<'k>,
            ) -> Result<(), log::kv::Error> {
                self.0.push_str(&format!(" {key}={value}"));
                Ok(())
            }
        }
        let mut fields = Fields(format!("{} {}", record.target(), record.args()));
        let _ = record.key_values().visit(&mut fields);
        LOGGED.lock().unwrap().push(fields.0);
    }

    fn flush(&self) {}
}

/// The run's log (lookups, scans, the second factor, searches, sync) names no dossier code,
/// no applicant, no phone digits, no secret and nothing a citizen typed.
fn logs_hold_nothing_personal() {
    let logged = LOGGED.lock().unwrap();
    assert!(
        logged.iter().any(|l| l.contains("event=ticket_issued")),
        "the capture works: {} records",
        logged.len()
    );
    for private in [
        "261120-0975",
        "261120-0976",
        "261120-0977",
        "261120-0999",
        "Nguyễn Văn An",
        "Văn An",
        // Phone digits (4321) are too short to look for without false alarms (a port, a
        // uuid); the kiosk only ever compares them.
        "7KQ2",
        "AB12",
        "dang ky ket hon",
        "ddawng kys",
    ] {
        for line in logged.iter() {
            assert!(!line.contains(private), "{private:?} logged: {line}");
        }
    }
}

/// Pumps the UI's timers until `cond` holds (the sync runs on its own thread).
fn pump_until(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..1000 {
        if cond() {
            return;
        }
        mock_elapsed_time(Duration::from_millis(250));
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("timed out waiting for {what}");
}

/// The kiosk with a real office server in this process: the office's notice on the home
/// screen, a ticket numbered by the office, and the admin view's sync card online and, once
/// the office is gone, offline with the next ticket from the reserved block.
fn office_sync() {
    use motcua::office::{OfficeStore, Role};
    use motcua::protocol::Settings;
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("office.sqlite3");
    let token = {
        let mut o = OfficeStore::open(&db).unwrap();
        o.set_settings(
            S1,
            &Settings {
                notice_vi: "Chiều thứ Sáu 28/11 bộ phận một cửa nghỉ họp".into(),
                notice_en: "Closed on Friday afternoon 28/11 for a meeting".into(),
                ..Default::default()
            },
        )
        .unwrap();
        o.set_public_url(S1, PUBLIC_URL).unwrap();
        o.enroll_device("Kiosk sảnh", Role::Kiosk, &[S1], chrono::Utc::now())
            .unwrap()
            .1
    };
    let office =
        motcua::office::http::spawn_with_shutdown(&db, "127.0.0.1:0", chrono_tz::Asia::Ho_Chi_Minh)
            .unwrap();
    let mut config = demo_config();
    // The office's clock is the real one, and the kiosk follows it: open whatever the hour.
    config.hours.always_open = true;
    config.admin.pin_hash = Some(motcua::auth::hash_pin("2468").unwrap());
    config.sync.office_url = Some(office.url());
    config.sync.token = Some(token);
    let name = config.office.name.clone();
    let kiosk_dir = data.path().join("kiosk");
    let clock = TestClock::new(chrono::Utc::now());
    let kiosk = KioskApp::new(config, &kiosk_dir, clock.clock()).unwrap();
    let app = &kiosk.app;
    kiosk::set_size(app, 1080, 1920);
    pump_until("the office's notice", || {
        app.global::<StatusAdapter>().get_office_notice() != ""
    });
    assert_eq!(
        app.global::<StatusAdapter>().get_office_notice(),
        "Chiều thứ Sáu 28/11 bộ phận một cửa nghỉ họp"
    );
    snapshot(app, "home-office-notice");

    tap(app, "Lấy số thứ tự");
    tap(app, "Hộ tịch");
    tap(app, "Không — lấy số thường");
    assert_eq!(
        app.global::<TicketAdapter>().get_ticket().number,
        "A001",
        "the office's sequence"
    );
    // The office's public address came with its notice: the receipt's QR code leads to the
    // ticket's follow page, and the receipt says so under it.
    assert_eq!(wait_for_print(app), PrintState::Printed);
    let bin = printed_file(&kiosk_dir, "-A001.bin").expect("the receipt");
    let decoded = motcua::printer::decode(&std::fs::read(bin).unwrap());
    let store = kiosk::open_store(&kiosk_dir).unwrap();
    let today = store
        .business_date_at(clock.now(), chrono_tz::Asia::Ho_Chi_Minh)
        .unwrap();
    let token = store.tickets_on(today).unwrap()[0]
        .follow_token
        .clone()
        .unwrap();
    let qr = decoded.blocks.iter().find_map(|b| match b {
        motcua::printer::Block::Qr { payload, .. } => Some(payload.clone()),
        _ => None,
    });
    assert_eq!(qr, Some(format!("{PUBLIC_URL}/t/{token}")));
    assert!(decoded
        .text_lines()
        .contains(&"Quét mã để theo dõi lượt trên điện thoại".to_string()));
    app.global::<NavigationAdapter>().invoke_go_home();

    long_press(app, &name, Duration::from_millis(3100));
    type_pin(app, "2468");
    assert_eq!(page(app), Page::Admin);
    pump_until("the ticket to reach the office", || {
        app.global::<StatusAdapter>().get_sync_state() == SyncState::Online
            && app.global::<StatusAdapter>().get_sync_pending() == 0
            && app.global::<StatusAdapter>().get_sync_last() != ""
    });
    assert_eq!(
        app.global::<StatusAdapter>().get_sync_office(),
        office.url().as_str()
    );
    snapshot(app, "admin-sync");
    app.global::<NavigationAdapter>().invoke_go_home();

    // Three more tickets; a clerk serves one in 5 minutes and calls the next: the home
    // screen shows that number and a wait of 2 people × 5 minutes at the one open counter.
    for _ in 0..3 {
        tap(app, "Lấy số thứ tự");
        tap(app, "Hộ tịch");
        tap(app, "Không — lấy số thường");
        app.global::<NavigationAdapter>().invoke_go_home();
    }
    pump_until("the tickets to reach the office", || {
        motcua::kiosk::open_store(&kiosk_dir)
            .unwrap()
            .outbox_unsent()
            .unwrap()
            == 0
    });
    // Calling goes by issue time, and this kiosk's test clock stands still: which of the
    // four comes second is not known in advance.
    let called = {
        use motcua::office::counters::{Action, ClerkSession, QueueDef};
        let mut o = OfficeStore::open(&db).unwrap();
        let now = chrono::Utc::now();
        let today = now
            .with_timezone(&chrono_tz::Asia::Ho_Chi_Minh)
            .date_naive();
        o.set_queues(S1, &[QueueDef::new("A", &["HT"])]).unwrap();
        let clerk = o
            .add_clerk(
                Some(S1),
                "lan",
                "Lan",
                "mat-khau-lan",
                motcua::office::counters::ClerkRole::Clerk,
                false,
                now,
            )
            .unwrap();
        o.open_session(&clerk, 1, &["A".to_string()], now).unwrap();
        let lan = ClerkSession {
            clerk,
            counter: 1,
            site: S1,
        };
        let five = now + chrono::TimeDelta::minutes(5);
        for (action, at) in [
            (Action::Next, now),
            (Action::Start, now),
            (Action::Finish, five),
            (Action::Next, five),
        ] {
            o.counter_action(&lan, &action, at, today).unwrap();
        }
        o.counter_view(&lan, five, today)
            .unwrap()
            .current
            .unwrap()
            .label
    };
    pump_until("the kiosk to show who is served", || {
        let serving = app.global::<StatusAdapter>().get_serving();
        serving.row_count() > 0 && serving.row_data(0).unwrap().number == called.as_str()
    });
    let a = app
        .global::<StatusAdapter>()
        .get_serving()
        .row_data(0)
        .unwrap();
    assert_eq!(
        a.wait_minutes, 10,
        "2 ahead × 300 s measured, 1 counter open"
    );
    assert_eq!(a.name, "Hộ tịch");
    assert_eq!(a.counter, 1, "called at Lan's counter");
    snapshot(app, "home-now-serving");
    kiosk::set_size(app, 800, 480);
    mock_elapsed_time(Duration::from_millis(250));
    snapshot(app, "home-now-serving");
    kiosk::set_size(app, 1080, 1920);
    // The next ticket prints the same estimate: 2 ahead (A003, A004) → 10 minutes.
    tap(app, "Lấy số thứ tự");
    tap(app, "Hộ tịch");
    tap(app, "Không — lấy số thường");
    assert_eq!(app.global::<TicketAdapter>().get_ticket().number, "A005");
    assert_eq!(app.global::<TicketAdapter>().get_ticket().ahead, 2);
    assert_eq!(app.global::<TicketAdapter>().get_ticket().wait_minutes, 10);
    app.global::<NavigationAdapter>().invoke_go_home();

    office.shutdown();
    tap(app, "Lấy số thứ tự");
    tap(app, "Hộ tịch");
    tap(app, "Không — lấy số thường");
    assert_eq!(
        app.global::<TicketAdapter>().get_ticket().number,
        "A501",
        "the reserved block, as the office is gone"
    );
    app.global::<NavigationAdapter>().invoke_go_home();
    long_press(app, &name, Duration::from_millis(3100));
    type_pin(app, "2468");
    pump_until("the admin view to show the outage", || {
        app.global::<StatusAdapter>().get_sync_state() == SyncState::Offline
            && app.global::<StatusAdapter>().get_sync_error() != ""
    });
    assert_eq!(
        app.global::<StatusAdapter>().get_sync_pending(),
        1,
        "the offline ticket waits in the outbox"
    );
    snapshot(app, "admin-sync-offline");
    for (w, h) in [(800, 480), (1920, 1080)] {
        kiosk::set_size(app, w, h);
        mock_elapsed_time(Duration::from_millis(250));
        snapshot(app, "admin-sync-offline");
    }
    kiosk::set_size(app, 1080, 1920);
    app.global::<NavigationAdapter>().invoke_go_home();
    tap(app, "English");
    pump_until("the English notice", || {
        app.global::<StatusAdapter>()
            .get_office_notice()
            .starts_with("Closed")
    });
    snapshot(app, "home-office-notice-en");
    tap(app, "Tiếng Việt");
}

/// Holds a point of the screen for `hold`, as a finger would.
/// A kiosk pinned to another certificate than the one its office (over HTTPS) presents:
/// nothing syncs, and the admin view says so, in Vietnamese, with both fingerprints.
fn pinned_office_mismatch() {
    use motcua::office::http::{spawn_with_options, ServeOptions, TlsFiles};
    use motcua::office::{OfficeStore, Role};
    use motcua::tls::cert::make_self_signed;
    let data = tempfile::tempdir().unwrap();
    let today = chrono::Utc::now().date_naive();
    let served = make_self_signed(&["127.0.0.1".into()], today).unwrap();
    let pinned = make_self_signed(&["127.0.0.1".into()], today).unwrap();
    let (cert, key) = (data.path().join("cert.pem"), data.path().join("key.pem"));
    std::fs::write(&cert, &served.cert_pem).unwrap();
    std::fs::write(&key, &served.key_pem).unwrap();
    let db = data.path().join("office.sqlite3");
    let token = OfficeStore::open(&db)
        .unwrap()
        .enroll_device("Kiosk sảnh", Role::Kiosk, &[S1], chrono::Utc::now())
        .unwrap()
        .1;
    let options = ServeOptions {
        tls: Some(TlsFiles { cert, key }),
        ..ServeOptions::default()
    };
    let office =
        spawn_with_options(&db, "127.0.0.1:0", chrono_tz::Asia::Ho_Chi_Minh, options).unwrap();
    let mut config = demo_config();
    config.hours.always_open = true;
    config.admin.pin_hash = Some(motcua::auth::hash_pin("2468").unwrap());
    config.sync.office_url = Some(office.url());
    config.sync.token = Some(token);
    config.sync.office_cert_sha256 = Some(pinned.fingerprint);
    let name = config.office.name.clone();
    let clock = TestClock::new(chrono::Utc::now());
    let kiosk = KioskApp::new(config, &data.path().join("kiosk"), clock.clock()).unwrap();
    let app = &kiosk.app;
    kiosk::set_size(app, 1080, 1920);
    long_press(app, &name, Duration::from_millis(3100));
    type_pin(app, "2468");
    assert_eq!(page(app), Page::Admin);
    pump_until("the certificate mismatch in the admin view", || {
        app.global::<StatusAdapter>().get_sync_cert_found() != ""
    });
    let status = app.global::<StatusAdapter>();
    assert_eq!(status.get_sync_state(), SyncState::Offline);
    assert_eq!(
        status.get_sync_cert_found(),
        served.fingerprint.in_blocks().as_str()
    );
    assert_eq!(
        status.get_sync_cert_expected(),
        pinned.fingerprint.in_blocks().as_str()
    );
    let text = screen_text(app);
    assert!(
        text.contains("Chứng chỉ của máy chủ văn phòng không phải chứng chỉ đã ghim")
            && text.contains(&served.fingerprint.in_blocks())
            && text.contains(&pinned.fingerprint.in_blocks()),
        "{text}"
    );
    assert_eq!(
        OfficeStore::open(&db).unwrap().event_count().unwrap(),
        0,
        "nothing reached the office"
    );
    snapshot(app, "admin-sync-certificate");
    app.global::<NavigationAdapter>().invoke_go_home();
}

fn long_press(app: &App, label: &str, hold: Duration) {
    use slint::platform::{PointerEventButton, WindowEvent};
    let e = find(app, label);
    let (pos, size) = (e.absolute_position(), e.size());
    let position = slint::LogicalPosition::new(pos.x + size.width / 2.0, pos.y + size.height / 2.0);
    app.window().dispatch_event(WindowEvent::PointerPressed {
        position,
        button: PointerEventButton::Left,
    });
    mock_elapsed_time(hold);
    app.window().dispatch_event(WindowEvent::PointerReleased {
        position,
        button: PointerEventButton::Left,
    });
}

fn type_pin(app: &App, pin: &str) {
    for d in pin.chars() {
        tap(app, &d.to_string());
    }
    tap(app, "Đồng ý");
    // Argon2 runs on a thread; the UI collects its answer on a tick.
    for _ in 0..400 {
        mock_elapsed_time(Duration::from_millis(250));
        if app.global::<AdminAdapter>().get_pin_message() != PinMessage::Checking {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the PIN check never finished");
}

/// Waits for the admin view to report the outcome of what it sent.
fn wait_for_admin(app: &App) -> SlipState {
    for _ in 0..400 {
        mock_elapsed_time(Duration::from_millis(250));
        let m = app.global::<AdminAdapter>().get_admin_message();
        if m != SlipState::Sent {
            return m;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    app.global::<AdminAdapter>().get_admin_message()
}

/// The kiosk against a simulated serial printer in its own process: a ticket while the
/// paper is out is shown with its QR and kept; the next prints; staff open the admin view
/// with a long press and a PIN, see the printer's state and reprint the kept ticket once.
fn serial_printer_faults_and_the_admin_view(clock: &TestClock) {
    let sim = simulated_printer::SimPrinter::start(38400);
    let mut config = demo_config();
    config.printer.kind = motcua::config::PrinterKind::Serial;
    config.printer.port = sim.path.clone();
    config.printer.baud = 38400;
    config.printer.profile = "epson-tm-t20".into();
    config.admin.pin_hash = Some(motcua::auth::hash_pin("2468").unwrap());
    config.admin.max_attempts = 3;
    let office = config.office.name.clone();
    let data = tempfile::tempdir().unwrap();
    let mut restarted_config = config.clone();
    restarted_config.printer.kind = motcua::config::PrinterKind::Virtual;
    let kiosk = KioskApp::new(config, data.path(), clock.clock()).unwrap();
    let app = &kiosk.app;
    kiosk::set_size(app, 1080, 1920);
    mock_elapsed_time(Duration::from_millis(100));

    sim.command("paper out");
    tap(app, "Lấy số thứ tự");
    tap(app, "Hộ tịch");
    tap(app, "Không — lấy số thường");
    assert_eq!(wait_for_print(app), PrintState::Failed);
    assert!(exists(app, "Mã QR của phiếu"));
    app.global::<NavigationAdapter>().invoke_go_home();
    assert_eq!(
        app.global::<StatusAdapter>().get_printer_notice(),
        PrinterStatus::PaperOut,
        "staff see the fault on the home screen"
    );

    sim.command("paper ok");
    tap(app, "Lấy số thứ tự");
    tap(app, "Hộ tịch");
    tap(app, "Không — lấy số thường");
    assert_eq!(wait_for_print(app), PrintState::Printed);
    app.global::<NavigationAdapter>().invoke_go_home();
    let text = |bytes: &[u8]| {
        motcua::printer::decode_with_modes(
            bytes,
            &motcua::printer::Profile::by_name("epson-tm-t20")
                .unwrap()
                .modes,
        )
        .text_lines()
    };
    let lines = text(&sim.received());
    assert!(lines.contains(&"A002".to_string()), "{lines:?}");
    assert!(
        !lines.contains(&"A001".to_string()),
        "nothing reached a printer without paper"
    );

    // A tap on the office name does nothing; holding it for 3 s opens the PIN pad.
    long_press(app, &office, Duration::from_millis(500));
    assert_eq!(page(app), Page::Home);
    long_press(app, &office, Duration::from_millis(3100));
    assert_eq!(page(app), Page::AdminPin);
    // OK on an empty pad is not a wrong PIN: no strike towards the lock.
    tap(app, "Đồng ý");
    assert_eq!(
        app.global::<AdminAdapter>().get_pin_message(),
        PinMessage::None
    );
    type_pin(app, "1111");
    assert_eq!(
        app.global::<AdminAdapter>().get_pin_message(),
        PinMessage::Wrong
    );
    assert_eq!(app.global::<AdminAdapter>().get_pin_attempts_left(), 2);
    snapshot(app, "admin-pin-wrong");
    type_pin(app, "2468");
    assert_eq!(page(app), Page::Admin);
    assert_eq!(
        app.global::<AdminAdapter>().get_printer_state(),
        PrinterStatus::Ready
    );
    assert_eq!(
        app.global::<AdminAdapter>().get_kept_total(),
        1,
        "the ticket that did not print is kept"
    );
    assert!(exists(app, "In lại A001"));
    snapshot(app, "admin");

    tap(app, "In lại A001");
    // A second tap while the copy is on its way prints nothing more.
    tap(app, "In lại A001");
    assert_eq!(wait_for_admin(app), SlipState::Printed);
    assert_eq!(app.global::<AdminAdapter>().get_kept_total(), 0);
    snapshot(app, "admin-reprinted");
    let lines = text(&sim.received());
    let count = |n: &str| lines.iter().filter(|l| l.as_str() == n).count();
    assert_eq!((count("A001"), count("A002")), (1, 1), "{lines:?}");
    assert_eq!(count("BẢN IN LẠI"), 1);

    // A printer fault while staff watch: the admin view follows it.
    sim.command("cover open");
    tap(app, "In phiếu thử");
    assert_eq!(wait_for_admin(app), SlipState::Failed);
    // The printer thread reads the state after it reports the job, so the state may come a
    // tick after the failure.
    pump_until("the admin view to show the cover open", || {
        app.global::<AdminAdapter>().get_printer_state() == PrinterStatus::CoverOpen
    });
    snapshot(app, "admin-cover-open");
    sim.command("cover closed");

    // Restart takes two taps: the first only asks.
    tap(app, "Khởi động lại kiosk");
    assert!(!kiosk.controller.restart_requested());
    snapshot(app, "admin-restart-confirm");
    tap(app, "Chạm lần nữa để khởi động lại ngay");
    assert!(kiosk.controller.restart_requested());

    // The admin view closes by itself when left alone, like every screen.
    mock_elapsed_time(Duration::from_secs(31));
    assert_eq!(page(app), Page::Home);

    // Three wrong PINs lock the pad; the right PIN is then refused until the lock ends.
    long_press(app, &office, Duration::from_millis(3100));
    for _ in 0..3 {
        type_pin(app, "0000");
    }
    assert_eq!(
        app.global::<AdminAdapter>().get_pin_message(),
        PinMessage::Locked
    );
    snapshot(app, "admin-pin-locked");
    {
        // Restarted (power cut, watchdog) on the same store: still locked.
        let again = KioskApp::new(restarted_config, data.path(), clock.clock()).unwrap();
        long_press(&again.app, &office, Duration::from_millis(3100));
        assert_eq!(page(&again.app), Page::AdminPin);
        assert_eq!(
            again.app.global::<AdminAdapter>().get_pin_message(),
            PinMessage::Locked,
            "a restart does not reopen a locked pad"
        );
    }
    type_pin(app, "2468");
    assert_eq!(page(app), Page::AdminPin);
    assert_eq!(
        app.global::<AdminAdapter>().get_pin_message(),
        PinMessage::Locked
    );
    clock.set(clock.now() + chrono::TimeDelta::minutes(16));
    type_pin(app, "2468");
    assert_eq!(page(app), Page::Admin);
    app.global::<NavigationAdapter>().invoke_go_home();
}

/// Every text on screen (Text elements carry their text as their accessible label).
fn screen_text(app: &App) -> String {
    i_slint_backend_testing::ElementQuery::from_root(app)
        .match_descendants()
        .find_all()
        .iter()
        .filter_map(|e| e.accessible_label())
        .map(|l| l.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Taps the on-screen keyboard, one key per character.
fn type_keys(app: &App, text: &str) {
    for c in text.chars() {
        tap(app, &c.to_string());
    }
}

/// Types `text` as a keyboard-wedge scanner does, then Enter.
fn scan(app: &App, text: &str) {
    use slint::platform::WindowEvent;
    // A scanner presses Shift (which Slint delivers as U+0010) before each capital.
    let keys = text.chars().flat_map(|c| {
        let shift = c.is_uppercase().then_some('\u{10}');
        shift.into_iter().chain(std::iter::once(c))
    });
    for c in keys.chain(std::iter::once('\n')) {
        let text: slint::SharedString = c.to_string().into();
        app.window()
            .dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
        app.window()
            .dispatch_event(WindowEvent::KeyReleased { text });
    }
}

fn record(
    code: &str,
    status: &str,
    procedure: &str,
    phone: &str,
    secret: &str,
) -> motcua::dossier_import::DossierRecord {
    use motcua::domain::dossier::DossierStatus;
    let t = |d: u32, h: u32| {
        Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap() - chrono::TimeDelta::hours(7)
    };
    let status = DossierStatus::from_code(status).unwrap();
    motcua::dossier_import::DossierRecord {
        code: motcua::domain::dossier_code::parse_code(code).unwrap(),
        status,
        procedure_code: procedure.into(),
        applicant_name: "Nguyễn Văn An".into(),
        received_at: t(20, 8),
        due_at: Some(t(24, 16)),
        due_at_new: None,
        finished_at: (status == DossierStatus::Ready).then(|| t(23, 10)),
        note: "Thiếu bản sao giấy khai sinh của mẹ".into(),
        pickup_place: "Quầy số 2, Bộ phận một cửa".into(),
        secret: secret.into(),
        phone_last4: phone.into(),
    }
}

/// The lookup at the touchscreen: the code alone shows the status and nothing personal; the
/// second factor opens the masked details; wrong factors are limited; a scanned receipt goes
/// straight to the result; a ready dossier gives a result ticket in one tap.
fn dossier_lookup(clock: &TestClock) {
    clock.set(wednesday_morning());
    let data = tempfile::tempdir().unwrap();
    {
        let mut store = kiosk::open_store(data.path()).unwrap();
        store
            .import_dossiers(
                &[
                    record(
                        "H15.50.05.13-261120-0975",
                        "processing",
                        "1.001193",
                        "4321",
                        "7KQ2",
                    ),
                    record(
                        "H15.50.05.13-261120-0976",
                        "ready",
                        "1.001699",
                        "5555",
                        "AB12",
                    ),
                    record(
                        "H15.50.05.13-261120-0977",
                        "supplement_requested",
                        "1.000894",
                        "9999",
                        "",
                    ),
                    // Late, with the new date of the office's apology letter.
                    motcua::dossier_import::DossierRecord {
                        due_at_new: Some(Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap()),
                        ..record(
                            "H15.50.05.13-261120-0978",
                            "processing",
                            "1.001193",
                            "8888",
                            "",
                        )
                    },
                ],
                wednesday_morning(),
            )
            .unwrap();
    }
    let kiosk = KioskApp::new(demo_config(), data.path(), clock.clock()).unwrap();
    let app = &kiosk.app;
    kiosk::set_size(app, 1080, 1920);
    mock_elapsed_time(Duration::from_millis(100));
    let private = [
        "Nguyễn",
        "Văn An",
        "4321",
        "7KQ2",
        "khai sinh",
        "Thiếu bản sao",
    ];
    let assert_nothing_private = |when: &str| {
        let text = screen_text(app);
        for p in private {
            assert!(!text.contains(p), "{when}: {p:?} on screen:\n{text}");
        }
    };

    // The code alone: status, return date, overdue, where to collect; nothing personal.
    tap(app, "Tra cứu hồ sơ");
    assert_eq!(page(app), Page::Lookup);
    snapshot(app, "lookup");
    type_keys(app, "H15.50.05.13-261120-0975");
    assert_eq!(
        app.global::<LookupAdapter>().get_lookup_input(),
        "H15.50.05.13-261120-0975"
    );
    tap(app, "Tra cứu");
    assert_eq!(page(app), Page::Dossier);
    let d = app.global::<LookupAdapter>().get_dossier();
    assert_eq!(
        (d.status, d.overdue, d.details),
        (DossierStatus::Processing, true, false)
    );
    assert_eq!(
        (d.due_time.as_str(), d.due_date.as_str()),
        ("16:00", "24/11/2026")
    );
    assert!(screen_text(app).contains("Đang xử lý"));
    assert!(screen_text(app).contains("Quầy số 2"));
    assert_nothing_private("code only");
    snapshot(app, "dossier-status");

    // The status slip carries no name, no phone, no procedure.
    tap(app, "In tình trạng hồ sơ");
    wait_until_printed(|| app.global::<LookupAdapter>().get_slip_state());
    let slip = printed_file(data.path(), "-status.bin").expect("the status slip was printed");
    let lines = motcua::printer::decode(&std::fs::read(slip).unwrap())
        .text_lines()
        .join("\n");
    assert!(
        lines.contains("H15.50.05.13-261120-0975") && lines.contains("Quá hạn"),
        "{lines}"
    );
    for p in private.iter().chain(&["Đăng ký"]) {
        assert!(!lines.contains(p), "{p:?} on the slip:\n{lines}");
    }

    // A late dossier the office promised a new date for: the apology and the new date.
    app.global::<NavigationAdapter>().invoke_go_home();
    tap(app, "Tra cứu hồ sơ");
    type_keys(app, "H15.50.05.13-261120-0978");
    tap(app, "Tra cứu");
    let d = app.global::<LookupAdapter>().get_dossier();
    assert_eq!(
        (d.overdue, d.new_due_time.as_str(), d.new_due_date.as_str()),
        (true, "16:00", "27/11/2026")
    );
    let text = screen_text(app);
    assert!(
        text.contains("Cơ quan xin lỗi vì đã trễ hẹn. Hẹn trả mới: 16:00 ngày 27/11/2026"),
        "{text}"
    );
    assert!(!text.contains("Quá hạn: cơ quan sẽ"), "{text}");
    snapshot(app, "dossier-new-date");
    app.global::<NavigationAdapter>().invoke_go_home();
    tap(app, "Tra cứu hồ sơ");
    type_keys(app, "H15.50.05.13-261120-0975");
    tap(app, "Tra cứu");

    // A wrong second factor, then the right one: masked name, procedure, note, steps.
    tap(app, "Xem chi tiết (họ tên, thủ tục, các bước)");
    assert_eq!(page(app), Page::Factor);
    type_keys(app, "1111");
    tap(app, "Đồng ý");
    assert_eq!(
        app.global::<LookupAdapter>().get_factor_message(),
        FactorMessage::Wrong
    );
    assert_eq!(app.global::<LookupAdapter>().get_factor_attempts_left(), 4);
    type_keys(app, "7KQ2");
    assert_nothing_private("typing the secret");
    tap(app, "Đồng ý");
    assert_eq!(page(app), Page::Dossier);
    let d = app.global::<LookupAdapter>().get_dossier();
    assert!(d.details);
    assert_eq!(d.masked_name, "Ng*** V** An");
    assert_eq!(d.procedure, "Đăng ký khai sinh");
    let text = screen_text(app);
    assert!(
        text.contains("Ng*** V** An") && text.contains("Thiếu bản sao"),
        "{text}"
    );
    assert!(
        !text.contains("Nguyễn Văn An") && !text.contains("4321"),
        "{text}"
    );
    assert_eq!(
        app.global::<LookupAdapter>()
            .get_dossier_steps()
            .row_count(),
        2
    );
    snapshot(app, "dossier-details");

    // Home clears it all.
    app.global::<NavigationAdapter>().invoke_go_home();
    assert_eq!(app.global::<LookupAdapter>().get_dossier().code, "");
    assert_eq!(
        app.global::<LookupAdapter>()
            .get_dossier_steps()
            .row_count(),
        0
    );

    // Five wrong answers for one dossier, then even the right one is refused.
    tap(app, "Tra cứu hồ sơ");
    type_keys(app, "H15.50.05.13-261120-0977");
    tap(app, "Tra cứu");
    tap(app, "Xem chi tiết (họ tên, thủ tục, các bước)");
    for n in (0..5).rev() {
        type_keys(app, "0000");
        tap(app, "Đồng ý");
        if n > 0 {
            assert_eq!(app.global::<LookupAdapter>().get_factor_attempts_left(), n);
        }
    }
    assert_eq!(
        app.global::<LookupAdapter>().get_factor_message(),
        FactorMessage::Limited
    );
    snapshot(app, "factor-limited");
    // A fresh start does not reset the limit: it is in the store.
    app.global::<NavigationAdapter>().invoke_go_home();
    tap(app, "Tra cứu hồ sơ");
    type_keys(app, "H15.50.05.13-261120-0977");
    tap(app, "Tra cứu");
    tap(app, "Xem chi tiết (họ tên, thủ tục, các bước)");
    assert_eq!(
        app.global::<LookupAdapter>().get_factor_message(),
        FactorMessage::Limited
    );
    assert!(!exists(app, "Đồng ý"), "no keyboard while limited");

    // Unknown and malformed codes say what to do.
    app.global::<NavigationAdapter>().invoke_go_home();
    tap(app, "Tra cứu hồ sơ");
    type_keys(app, "H15.50.05.13-261120-0999");
    tap(app, "Tra cứu");
    assert_eq!(
        (page(app), app.global::<LookupAdapter>().get_lookup_error()),
        (Page::Lookup, LookupError::NotFound)
    );
    snapshot(app, "lookup-not-found");
    for _ in 0..24 {
        tap(app, "Xóa");
    }
    type_keys(app, "1.001193");
    tap(app, "Tra cứu");
    assert_eq!(
        app.global::<LookupAdapter>().get_lookup_error(),
        LookupError::Procedure
    );

    // A receipt's QR under the scanner, from the home screen: straight to the details.
    app.global::<NavigationAdapter>().invoke_go_home();
    scan(
        app,
        "https://dichvucong.example.vn/tra-cuu?ma=H15.50.05.13-261120-0976&key=AB12",
    );
    assert_eq!(page(app), Page::Dossier);
    let d = app.global::<LookupAdapter>().get_dossier();
    assert_eq!((d.status, d.details), (DossierStatus::Ready, true));
    assert_eq!(
        d.procedure, "",
        "a sensitive procedure is never named on screen"
    );
    assert_eq!(d.timeliness, Timeliness::Early);
    snapshot(app, "dossier-ready");
    tap(app, "Lấy số để nhận kết quả");
    assert_eq!(page(app), Page::Ticket);
    assert!(exists(app, "Số thứ tự của bạn A001"));
    app.global::<NavigationAdapter>().invoke_go_home();

    // The log holds outcomes and keyed hashes, never a code, name or phone.
    drop(kiosk);
    let store = motcua::kiosk::store::Store::open(kiosk::database_path(data.path())).unwrap();
    let log = store.lookup_log().unwrap();
    assert!(log.len() >= 10, "{log:?}");
    for (_, key, _) in &log {
        assert!(!key.contains("H15") && key.len() == 32, "{key}");
    }
    let outcomes: Vec<&str> = log.iter().map(|(_, _, o)| o.as_str()).collect();
    for o in ["found", "details", "wrong_factor", "limited", "not_found"] {
        assert!(outcomes.contains(&o), "{o} in {outcomes:?}");
    }

    // The compact panel.
    let kiosk = KioskApp::new(demo_config(), data.path(), clock.clock()).unwrap();
    let app = &kiosk.app;
    kiosk::set_size(app, 800, 480);
    mock_elapsed_time(Duration::from_millis(100));
    tap(app, "Tra cứu hồ sơ");
    type_keys(app, "H15.50.05.13-261120-0975");
    snapshot(app, "lookup");
    tap(app, "Tra cứu");
    snapshot(app, "dossier-status");
    kiosk::set_size(app, 1920, 1080);
    mock_elapsed_time(Duration::from_millis(100));
    snapshot(app, "dossier-status");
    app.global::<NavigationAdapter>().invoke_go_back();
    snapshot(app, "lookup");
}

/// The catalogue: a field's procedures, a procedure's details with its online QR and the
/// printed checklist; search as you type with Telex on and off.
fn procedure_catalogue(clock: &TestClock) {
    clock.set(wednesday_morning());
    let data = tempfile::tempdir().unwrap();
    let kiosk = KioskApp::new(demo_config(), data.path(), clock.clock()).unwrap();
    let app = &kiosk.app;
    kiosk::set_size(app, 1080, 1920);
    mock_elapsed_time(Duration::from_millis(100));

    tap(app, "Thủ tục hành chính");
    assert_eq!(page(app), Page::Catalogue);
    snapshot(app, "catalogue");
    tap(app, "Hộ tịch");
    assert_eq!(page(app), Page::Procedures);
    let names: Vec<String> = app
        .global::<CatalogueAdapter>()
        .get_procedures()
        .iter()
        .map(|p| p.name.to_string())
        .collect();
    assert_eq!(names.len(), 8, "{names:?}");
    let mut sorted = names.clone();
    motcua::domain::collate::sort(&mut sorted);
    assert_eq!(names, sorted, "Vietnamese alphabetical order");
    snapshot(app, "procedures");
    // A real touch on the fourth row. (The test backend's element search skips rows of a
    // list nested in the scrolling page frame past the first few, though they are drawn
    // and touchable; a pointer event is what a citizen's finger does anyway.)
    {
        use slint::platform::{PointerEventButton, WindowEvent};
        let first = find(app, "Cấp bản sao trích lục hộ tịch");
        let second = find(app, "Cấp giấy xác nhận tình trạng hôn nhân");
        let pitch = second.absolute_position().y - first.absolute_position().y;
        assert_eq!(names[3], "Đăng ký khai sinh");
        let position = slint::LogicalPosition::new(
            first.absolute_position().x + first.size().width / 2.0,
            first.absolute_position().y + 3.0 * pitch + first.size().height / 2.0,
        );
        let button = PointerEventButton::Left;
        app.window()
            .dispatch_event(WindowEvent::PointerPressed { position, button });
        app.window()
            .dispatch_event(WindowEvent::PointerReleased { position, button });
    }
    assert_eq!(page(app), Page::Procedure);
    let p = app.global::<CatalogueAdapter>().get_procedure();
    assert_eq!(p.code, "1.001193");
    assert!(p.online);
    assert!(p
        .documents
        .iter()
        .any(|d| d == "Giấy chứng sinh (hoặc văn bản của người làm chứng)"));
    assert!(exists(
        app,
        "Có thể nộp trực tuyến: quét mã bằng điện thoại."
    ));
    snapshot(app, "procedure");

    tap(app, "In danh mục giấy tờ");
    wait_until_printed(|| app.global::<CatalogueAdapter>().get_checklist_state());
    let slip = printed_file(data.path(), "-checklist.bin").expect("the checklist was printed");
    let decoded = motcua::printer::decode(&std::fs::read(slip).unwrap());
    let lines = decoded.text_lines().join("\n");
    assert!(lines.contains("Đăng ký khai sinh"), "{lines}");
    assert!(lines.contains("[ ] Tờ khai đăng ký khai sinh"), "{lines}");
    assert!(lines.contains("Lệ phí: Miễn phí nếu đúng hạn"), "{lines}");

    // Back to the list, back to the fields, then search.
    app.global::<NavigationAdapter>().invoke_go_back();
    assert_eq!(page(app), Page::Procedures);
    app.global::<NavigationAdapter>().invoke_go_back();
    assert_eq!(page(app), Page::Catalogue);
    tap(app, "Tìm thủ tục");
    assert_eq!(page(app), Page::Search);
    assert_eq!(
        app.global::<CatalogueAdapter>().get_search_total(),
        40,
        "an empty search lists everything"
    );
    // Plain letters find the accented name.
    search_type(app, "dang ky ket hon");
    assert_eq!(
        app.global::<CatalogueAdapter>()
            .get_procedures()
            .row_data(0)
            .unwrap()
            .name,
        "Đăng ký kết hôn"
    );
    snapshot(app, "search");
    // Telex composes Vietnamese as it is typed.
    for _ in 0..15 {
        tap(app, "Xóa");
    }
    assert_eq!(app.global::<CatalogueAdapter>().get_search_text(), "");
    search_type(app, "ddawng kys khai tuwr");
    assert_eq!(
        app.global::<CatalogueAdapter>().get_search_text(),
        "đăng ký khai tử"
    );
    let found: Vec<String> = app
        .global::<CatalogueAdapter>()
        .get_procedures()
        .iter()
        .map(|p| p.name.to_string())
        .collect();
    assert_eq!(found[0], "Đăng ký khai tử");
    let mut sorted = found.clone();
    motcua::domain::collate::sort(&mut sorted);
    assert_eq!(found, sorted, "results in Vietnamese collation order");
    snapshot(app, "search-telex");
    // With Telex off, keys are letters.
    for _ in 0..20 {
        tap(app, "Xóa");
    }
    tap(app, "Telex: bật");
    for c in "dd".chars() {
        tap(app, &c.to_string());
    }
    assert_eq!(app.global::<CatalogueAdapter>().get_search_text(), "dd");
    assert_eq!(app.global::<CatalogueAdapter>().get_search_total(), 0);
    assert!(exists(
        app,
        "Không tìm thấy thủ tục nào. Hãy gõ ít chữ hơn hoặc chữ khác."
    ));
    tap(app, "Telex: tắt");

    // Home clears the search.
    app.global::<NavigationAdapter>().invoke_go_home();
    assert_eq!(app.global::<CatalogueAdapter>().get_search_text(), "");

    for (w, h) in [(800, 480), (1920, 1080)] {
        kiosk::set_size(app, w, h);
        mock_elapsed_time(Duration::from_millis(100));
        snapshot(app, "home");
        tap(app, "Thủ tục hành chính");
        snapshot(app, "catalogue");
        tap(app, "Tìm thủ tục");
        search_type(app, "ket hon");
        snapshot(app, "search");
        app.global::<NavigationAdapter>().invoke_go_home();
        tap(app, "Thủ tục hành chính");
        tap(app, "Hộ tịch");
        // Below the fold here: open it as the touch above did.
        let birth = app
            .global::<CatalogueAdapter>()
            .get_procedures()
            .iter()
            .find(|p| p.name == "Đăng ký khai sinh")
            .unwrap();
        app.global::<CatalogueAdapter>()
            .invoke_open_procedure(birth.id);
        snapshot(app, "procedure");
        app.global::<NavigationAdapter>().invoke_go_home();
    }
}

/// Types on the search keyboard: letters by their key, spaces with the space bar.
fn search_type(app: &App, text: &str) {
    for c in text.chars() {
        if c == ' ' {
            tap(app, "Dấu cách");
        } else {
            tap(app, &c.to_string());
        }
    }
}

/// Lets the print worker finish a slip and the UI collect it; `state` reads the slip's state.
fn wait_until_printed(state: impl Fn() -> SlipState) {
    for _ in 0..200 {
        mock_elapsed_time(Duration::from_millis(100));
        if state() != SlipState::Sent {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(state(), SlipState::Printed);
}

/// The virtual printer's file whose name ends with `suffix`.
fn printed_file(data_dir: &Path, suffix: &str) -> Option<PathBuf> {
    std::fs::read_dir(kiosk::printing::receipts_dir(data_dir))
        .ok()?
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(suffix))
}

/// The site a new office database starts with.
const S1: motcua::office::store::SiteId = motcua::office::store::SiteId(1);
