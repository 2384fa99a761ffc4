//! Digital-first routing: a procedure the national portal does wholly online (here also one
//! the desk takes no paper for) opens the routing page with the portal's QR code and three
//! steps; the slip printed from it decodes to those steps and that address; the assisted
//! ticket is issued in the configured queue with the procedure's field; each showing is one
//! `routing.online` event in the outbox, with the ticket that followed; a procedure done
//! only partly online opens its usual page; and without a configured queue there is no
//! ticket button. Screenshots at 1080×1920, 1920×1080 and 800×480.

use std::path::Path;

use slint::{ComponentHandle, Model};

use super::{
    demo_config, exists, kiosk, page, read_qr, screen_text, snapshot, tap, wait_until_printed, App,
    KioskApp, Page, TestClock,
};
use super::{
    printed_file, screenshots_dir, wednesday_morning, CatalogueAdapter, NavigationAdapter,
};
use motcua::protocol::{RoutedOnline, EVENT_ROUTING_ONLINE};
use motcua::ui::{OnlineAdapter, SlipState};

const NAME: &str = "Cấp bản sao trích lục hộ tịch";
const URL: &str =
    "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=2.000635";
const ASSISTED: &str = "Lấy số để được hỗ trợ nộp trực tuyến";

/// Opens a procedure of Hộ tịch by name, as a tap on its row does.
fn open(app: &App, name: &str) {
    app.global::<NavigationAdapter>().invoke_go_home();
    tap(app, "Thủ tục hành chính");
    tap(app, "Hộ tịch");
    let p = app
        .global::<CatalogueAdapter>()
        .get_procedures()
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{name} is listed"));
    app.global::<CatalogueAdapter>().invoke_open_procedure(p.id);
}

/// The routing events in the kiosk's outbox.
fn routings(dir: &Path) -> Vec<RoutedOnline> {
    kiosk::open_store(dir)
        .unwrap()
        .outbox_pending(1000)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == EVENT_ROUTING_ONLINE)
        .map(|e| {
            let r: RoutedOnline = serde_json::from_str(&e.payload).unwrap();
            assert_eq!(r.id, e.id, "the event's id is the visit's");
            r
        })
        .collect()
}

pub(super) fn online_routing(clock: &TestClock) {
    clock.set(wednesday_morning());
    let data = tempfile::tempdir().unwrap();
    let mut config = demo_config();
    config.online.assisted_queue = Some("D".into());
    let kiosk = KioskApp::new(config, data.path(), clock.clock()).unwrap();
    let app: &App = &kiosk.app;
    let g = app.global::<OnlineAdapter>();

    // A procedure done wholly online, with no paper at the desk: the routing page.
    for (w, h) in [(800, 480), (1920, 1080), (1080, 1920)] {
        kiosk::set_size(app, w, h);
        open(app, NAME);
        assert_eq!(page(app), Page::Online);
        snapshot(app, "online-routing");
        let text = screen_text(app);
        for line in [
            NAME,
            "Thủ tục này làm được trực tuyến, tại nhà, bằng điện thoại.",
            "Bộ phận Một cửa không còn nhận hồ sơ giấy cho thủ tục này.",
            "Quét mã bằng điện thoại",
            "Đăng nhập VNeID",
            "Điền tờ khai và nộp",
            "In hướng dẫn này",
            ASSISTED,
            "Xem chi tiết thủ tục",
        ] {
            assert!(text.contains(line), "{line:?} at {w}×{h}:\n{text}");
        }
    }
    assert_eq!(read_qr(&g.get_qr()), URL);
    let shots = screenshots_dir();
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    for (from, to) in [
        ("online-routing-1080x1920.png", "kiosk-online-routing.png"),
        (
            "online-routing-800x480.png",
            "kiosk-online-routing-800x480.png",
        ),
    ] {
        std::fs::copy(shots.join(from), docs.join(to)).unwrap();
    }
    // Three showings so far (one per size), each recorded as it was left.
    assert_eq!(
        routings(data.path()).len(),
        2,
        "the page on screen is not recorded yet"
    );

    // The slip: the procedure, the steps, the portal's address as a QR code.
    tap(app, "In hướng dẫn này");
    wait_until_printed(|| g.get_slip_state());
    let bin = printed_file(data.path(), "-online.bin").expect("the routing slip was printed");
    let decoded = motcua::printer::decode(&std::fs::read(bin).unwrap());
    assert!(decoded.warnings.is_empty(), "{:?}", decoded.warnings);
    let lines = decoded.text_lines().join("\n");
    for line in [
        "Cấp bản sao trích lục hộ",
        "Làm được trực tuyến, tại nhà",
        "1. Quét mã bằng điện thoại",
        "2. Đăng nhập VNeID",
        "3. Điền tờ khai và nộp",
    ] {
        assert!(lines.contains(line), "{line:?} on the slip:\n{lines}");
    }
    let qr = decoded.blocks.iter().find_map(|b| match b {
        motcua::printer::Block::Qr { payload, .. } => Some(payload.clone()),
        _ => None,
    });
    assert_eq!(qr.as_deref(), Some(URL));

    // The assisted ticket: in queue D, for the procedure's field.
    tap(app, ASSISTED);
    assert_eq!(page(app), Page::Ticket);
    let store = kiosk::open_store(data.path()).unwrap();
    let day = store
        .business_date_at(clock.now(), chrono_tz::Asia::Ho_Chi_Minh)
        .unwrap();
    let tickets = store.tickets_on(day).unwrap();
    assert_eq!(tickets.len(), 1);
    assert_eq!(
        (tickets[0].queue.as_str(), tickets[0].field.as_str()),
        ("D", "HT")
    );
    let seen = routings(data.path());
    assert_eq!(seen.len(), 3);
    assert!(seen[..2].iter().all(|r| r.assisted_ticket.is_none()));
    let last = &seen[2];
    assert_eq!(
        (last.field.as_str(), last.procedure.as_str()),
        ("HT", "2.000635")
    );
    assert_eq!(
        last.assisted_ticket.as_deref(),
        Some(tickets[0].id.as_str())
    );
    assert_eq!(last.business_date, day);

    // The usual details are one tap away; going on to them ends the showing.
    open(app, NAME);
    tap(app, "Xem chi tiết thủ tục");
    assert_eq!(page(app), Page::Procedure);
    assert_eq!(app.global::<CatalogueAdapter>().get_procedure().name, NAME);
    assert_eq!(routings(data.path()).len(), 4);
    // Home forgets the page.
    app.global::<NavigationAdapter>().invoke_go_home();
    assert_eq!(g.get_procedure_name(), "");
    assert_eq!(g.get_slip_state(), SlipState::None);
    assert_eq!(g.get_qr().size(), slint::Image::default().size());

    // Done only partly online: the usual page, with its online QR code, and no routing.
    open(app, "Đăng ký khai sinh");
    assert_eq!(page(app), Page::Procedure);
    assert!(app.global::<CatalogueAdapter>().get_procedure().online);
    app.global::<NavigationAdapter>().invoke_go_home();
    assert_eq!(routings(data.path()).len(), 4);
    drop(kiosk);

    // No assisted queue configured: the page still routes online, with no ticket button.
    let data = tempfile::tempdir().unwrap();
    let kiosk = KioskApp::new(demo_config(), data.path(), clock.clock()).unwrap();
    let app: &App = &kiosk.app;
    kiosk::set_size(app, 1080, 1920);
    open(app, NAME);
    assert_eq!(page(app), Page::Online);
    assert!(!exists(app, ASSISTED));
    assert!(exists(app, "In hướng dẫn này"));
    app.global::<NavigationAdapter>().invoke_go_home();
    assert_eq!(routings(data.path()).len(), 1);
}
