//! An office that has moved to booking gives walk-in numbers to priority groups only: the
//! kiosk learns it from the office's rules, its priority page offers no ordinary number but
//! the booking page's QR code and the check-in, a stray "no priority" makes no ticket, a
//! priority group still gets one, and when the office goes back to walk-ins so does the page.

use chrono::Utc;
use chrono_tz::Asia::Ho_Chi_Minh;
use slint::ComponentHandle;

use super::{demo_config, exists, kiosk, page, pump_until, snapshot, tap, App, KioskApp, Page};
use super::{NavigationAdapter, TestClock, TicketAdapter, S1};
use motcua::domain::booking::BookingRules;
use motcua::office::counters::QueueDef;
use motcua::office::{OfficeStore, Role};

fn rules(walk_in: &str) -> BookingRules {
    BookingRules::from_json(&format!(
        r#"{{"queues":[{{"queue":"A","days":["mon","tue","wed","thu","fri","sat","sun"],
            "times":["09:00"],"per_slot":5}}],"walk_in":"{walk_in}"}}"#
    ))
    .unwrap()
}

/// Tickets in the kiosk's store.
fn tickets(dir: &std::path::Path) -> i64 {
    let c = rusqlite::Connection::open(motcua::kiosk::database_path(dir)).unwrap();
    c.query_row("SELECT COUNT(*) FROM ticket", [], |r| r.get(0))
        .unwrap()
}

pub(super) fn priority_only_walk_in() {
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("office.sqlite3");
    let token = {
        let mut o = OfficeStore::open(&db).unwrap();
        o.set_queues(S1, &[QueueDef::new("A", &["HT"])]).unwrap();
        o.set_booking_rules(S1, &rules("priority_only")).unwrap();
        o.set_public_url(S1, "https://motcua.example.vn").unwrap();
        o.enroll_device("Kiosk sảnh", Role::Kiosk, &[S1], Utc::now())
            .unwrap()
            .1
    };
    let office =
        motcua::office::http::spawn_with_shutdown(&db, "127.0.0.1:0", Ho_Chi_Minh).unwrap();
    let mut config = demo_config();
    config.hours.always_open = true;
    config.sync.office_url = Some(office.url());
    config.sync.token = Some(token);
    let kiosk_dir = data.path().join("kiosk");
    let clock = TestClock::new(Utc::now());
    let kiosk = KioskApp::new(config, &kiosk_dir, clock.clock()).unwrap();
    let app: &App = &kiosk.app;
    kiosk::set_size(app, 1080, 1920);
    let g = app.global::<TicketAdapter>();
    pump_until("the office's walk-in mode", || g.get_priority_only());
    assert_eq!(
        g.get_book_address(),
        "https://motcua.example.vn/s/main/book"
    );
    assert!(
        g.get_book_qr().size().width > 0,
        "the booking page's QR code is drawn"
    );
    snapshot(app, "home-priority-only");

    tap(app, "Lấy số thứ tự");
    tap(app, "Hộ tịch");
    assert_eq!(page(app), Page::Priority);
    assert!(!exists(app, "Không — lấy số thường"));
    assert!(exists(
        app,
        "Không thuộc nhóm ưu tiên? Văn phòng cấp số thường theo lịch hẹn."
    ));
    assert!(exists(
        app,
        "Quét mã để đặt lịch bằng điện thoại: https://motcua.example.vn/s/main/book"
    ));
    for (w, h) in [(1080, 1920), (800, 480), (1920, 1080)] {
        kiosk::set_size(app, w, h);
        i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(50));
        snapshot(app, "priority-only");
    }
    kiosk::set_size(app, 1080, 1920);
    // No ordinary number, however it is asked for.
    g.invoke_choose_priority("none".into());
    assert_eq!(page(app), Page::Priority);
    assert_eq!(tickets(&kiosk_dir), 0);
    // The check-in is one tap away.
    tap(app, "Tôi đã đặt lịch");
    assert_eq!(page(app), Page::Booking);
    app.global::<NavigationAdapter>().invoke_go_home();
    // A priority group still gets its number.
    tap(app, "Lấy số thứ tự");
    tap(app, "Hộ tịch");
    tap(app, "Người cao tuổi (từ 60 tuổi)");
    assert_eq!(page(app), Page::Ticket);
    assert_eq!(g.get_ticket().priority, "elderly");
    assert_eq!(tickets(&kiosk_dir), 1);
    app.global::<NavigationAdapter>().invoke_go_home();

    // The office goes back to walk-ins for everyone: so does the kiosk, from its next poll.
    OfficeStore::open(&db)
        .unwrap()
        .set_booking_rules(S1, &rules("all"))
        .unwrap();
    pump_until("walk-ins for everyone again", || !g.get_priority_only());
    tap(app, "Lấy số thứ tự");
    tap(app, "Hộ tịch");
    assert!(exists(app, "Không — lấy số thường"));
    app.global::<NavigationAdapter>().invoke_go_home();
    office.shutdown();
}
