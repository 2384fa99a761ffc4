//! "I have a booking" against a real office in this process: a booking in its window gives a
//! ticket in its queue (printed, checked in at the office, its slot on the office's ticket
//! once pushed); a too-early one says when to come back and offers the usual ticket; an
//! unknown code and an unreachable office say so. Screenshots of each at two sizes.

use chrono::{NaiveDateTime, TimeDelta, Timelike, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use slint::ComponentHandle;

use super::{
    demo_config, exists, kiosk, page, printed_file, pump_until, scan, snapshot, tap, type_keys,
    wait_for_print, App, KioskApp, NavigationAdapter, Page, PrintState, TestClock, TicketAdapter,
    S1,
};
use motcua::domain::booking::BookingRules;
use motcua::office::counters::{BookRequest, QueueDef};
use motcua::office::{OfficeStore, Role};
use motcua::ui::{BookingAdapter, BookingResult};

/// The office's local time now, to the minute.
fn office_minute() -> NaiveDateTime {
    let now = Utc::now().with_timezone(&Ho_Chi_Minh).naive_local();
    now.with_second(0).unwrap().with_nanosecond(0).unwrap()
}

/// Both sizes' screenshots of the page on screen.
fn shots(app: &App, name: &str) {
    for (w, h) in [(800, 480), (1080, 1920)] {
        kiosk::set_size(app, w, h);
        i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(50));
        snapshot(app, name);
    }
}

pub(super) fn booking_check_in() {
    let minute = office_minute();
    let (h, m) = (minute.hour(), minute.minute());
    // Slots are within one day and the too-early one lies 40 minutes ahead.
    if h == 0 && m < 30 || h == 23 && m >= 15 {
        eprintln!("skipping the booking check-in: too near midnight in Asia/Ho_Chi_Minh");
        return;
    }
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("office.sqlite3");
    let on_time = minute.format("%H:%M").to_string();
    let early = (minute + TimeDelta::minutes(40))
        .format("%H:%M")
        .to_string();
    let (token, booked, too_early) = {
        let mut o = OfficeStore::open(&db).unwrap();
        o.set_queues(S1, &[QueueDef::new("A", &["HT"])]).unwrap();
        let rules = BookingRules::from_json(&format!(
            r#"{{"queues":[{{"queue":"A","days":["mon","tue","wed","thu","fri","sat","sun"],
                "times":["{on_time}","{early}"],"per_slot":5}}]}}"#
        ))
        .unwrap();
        o.set_booking_rules(S1, &rules).unwrap();
        let mut book = |time: &str, phone: &str| {
            let ask = BookRequest {
                field: "HT".into(),
                day: minute.date(),
                time: time.into(),
                phone: phone.into(),
            };
            // Booked a minute before its slot: a slot that has begun takes no booking.
            let before = minute - TimeDelta::minutes(1);
            o.book(S1, &ask, before, Utc::now()).unwrap().unwrap().code
        };
        let booked = book(&on_time, "0912345671");
        let too_early = book(&early, "0912345672");
        let token = o
            .enroll_device("Kiosk sảnh", Role::Kiosk, &[S1], Utc::now())
            .unwrap()
            .1;
        (token, booked, too_early)
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
    let app = &kiosk.app;
    kiosk::set_size(app, 1080, 1920);

    // Home offers it only with an office; the code page.
    assert!(app.global::<BookingAdapter>().get_available());
    tap(app, "Tôi đã đặt lịch");
    assert_eq!(page(app), Page::Booking);
    shots(app, "booking-code");
    let collect = |app: &App| {
        pump_until("the office's answer", || {
            app.global::<BookingAdapter>().get_result() != BookingResult::Checking
        })
    };

    // A code no booking has: said on the page, to type again.
    type_keys(app, "00000000");
    tap(app, "Xác nhận");
    collect(app);
    assert_eq!(
        app.global::<BookingAdapter>().get_result(),
        BookingResult::Unknown
    );
    assert!(exists(
        app,
        "Không có lịch hẹn nào với mã này. Vui lòng kiểm tra lại."
    ));
    shots(app, "booking-unknown");
    // Home forgets the flow: its properties are empty, and what was typed is gone.
    app.global::<NavigationAdapter>().invoke_go_home();
    let b = app.global::<BookingAdapter>();
    assert_eq!(b.get_input(), "");
    assert_eq!(b.get_result(), BookingResult::None);
    assert_eq!(
        (b.get_code(), b.get_time(), b.get_day()),
        ("".into(), "".into(), "".into())
    );
    assert_eq!((b.get_minutes(), b.get_come_back_at()), (0, "".into()));
    tap(app, "Tôi đã đặt lịch");
    tap(app, "7");
    assert_eq!(b.get_input(), "7");

    // In its window: typed without its dash, the ticket in the booking's queue at once.
    app.global::<NavigationAdapter>().invoke_go_home();
    tap(app, "Tôi đã đặt lịch");
    type_keys(app, &booked.replace('-', ""));
    tap(app, "Xác nhận");
    collect(app);
    assert_eq!(page(app), Page::Ticket);
    let ticket = app.global::<TicketAdapter>().get_ticket();
    assert!(ticket.number.starts_with('A'), "{}", ticket.number);
    assert_eq!(ticket.field, "Hộ tịch");
    assert!(exists(app, &format!("Lịch hẹn {on_time}")));
    assert_eq!(wait_for_print(app), PrintState::Printed);
    assert!(printed_file(&kiosk_dir, &format!("-{}.bin", ticket.number)).is_some());
    shots(app, "booking-ticket");
    let state = OfficeStore::open(&db)
        .unwrap()
        .booking(
            &booked,
            Utc::now().with_timezone(&Ho_Chi_Minh).naive_local(),
        )
        .unwrap()
        .unwrap()
        .state;
    assert_eq!(state, "checked_in");
    // Once pushed, the office's ticket carries the slot, and its event the booking's code.
    pump_until("the booked ticket to reach the office", || {
        motcua::kiosk::open_store(&kiosk_dir)
            .unwrap()
            .outbox_unsent()
            .unwrap()
            == 0
    });
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        let (slot, number): (Option<String>, i64) = c
            .query_row(
                "SELECT t.booked_slot_at, t.number FROM ticket t
                 JOIN booking b ON b.ticket_id = t.id WHERE b.code = ?1",
                [booked.replace('-', "")],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert!(slot.is_some(), "booked_slot_at set");
        assert_eq!(format!("A{number:03}"), ticket.number.as_str());
        // The kiosk's event named the booking.
        let k = rusqlite::Connection::open(motcua::kiosk::database_path(&kiosk_dir)).unwrap();
        let named: i64 = k
            .query_row(
                "SELECT COUNT(*) FROM outbox WHERE json_extract(payload, '$.booking') = ?1",
                [&booked],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(named, 1);
    }
    app.global::<NavigationAdapter>().invoke_go_home();
    assert_eq!(app.global::<BookingAdapter>().get_booked_time(), "");

    // Too early, scanned at home: when to come back, and the usual ticket instead.
    scan(app, &too_early);
    collect(app);
    assert_eq!(page(app), Page::BookingResult);
    assert_eq!(
        app.global::<BookingAdapter>().get_result(),
        BookingResult::TooEarly
    );
    let back = (minute + TimeDelta::minutes(30))
        .format("%H:%M")
        .to_string();
    assert_eq!(app.global::<BookingAdapter>().get_come_back_at(), back);
    let minutes = app.global::<BookingAdapter>().get_minutes();
    assert!((29..=31).contains(&minutes), "{minutes}");
    assert!(exists(
        app,
        &format!("Bạn đến sớm {minutes} phút. Vui lòng quay lại lúc {back} hoặc lấy số thường.")
    ));
    shots(app, "booking-too-early");
    tap(app, "English");
    shots(app, "booking-too-early-en");
    tap(app, "Tiếng Việt");
    tap(app, "Lấy số thường");
    assert_eq!(page(app), Page::Fields);

    // The office gone: the citizen is told to take a normal ticket.
    office.shutdown();
    app.global::<NavigationAdapter>().invoke_go_home();
    tap(app, "Tôi đã đặt lịch");
    type_keys(app, &booked.replace('-', ""));
    tap(app, "Xác nhận");
    collect(app);
    assert_eq!(page(app), Page::BookingResult);
    assert_eq!(
        app.global::<BookingAdapter>().get_result(),
        BookingResult::Offline
    );
    assert!(exists(
        app,
        "Hiện không kiểm tra được lịch hẹn. Vui lòng lấy số thường hoặc hỏi cán bộ."
    ));
    shots(app, "booking-offline");
    app.global::<NavigationAdapter>().invoke_go_home();
}
