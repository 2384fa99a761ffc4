//! "I have a booking" against a real office in this process: a booking in its window gives a
//! ticket in its queue (printed, checked in at the office, its slot on the office's ticket
//! once pushed); a too-early one says when to come back and offers the usual ticket; an
//! unknown code and an unreachable office say so. Screenshots of each at two sizes.
//! A check-in left before its answer (the office's answer held back by a proxy) gives its
//! ticket when the code comes back, never a second one, guided by voice throughout.

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

/// A TCP proxy in front of the office that can hold the office's answers: a request reaches
/// the office at once, its answer waits while `hold` is set, as over a slow link.
struct HoldingProxy {
    url: String,
    hold: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl HoldingProxy {
    fn start(office_url: &str) -> HoldingProxy {
        use std::io::{Read, Write};
        use std::net::{Shutdown, TcpListener, TcpStream};
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        let target = office_url.trim_start_matches("http://").to_string();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let hold = Arc::new(AtomicBool::new(false));
        let held = hold.clone();
        // Lives as long as the test process: one thread per connection and direction.
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(office) = TcpStream::connect(&target) else {
                    continue;
                };
                let (mut up_from, mut up_to) =
                    (client.try_clone().unwrap(), office.try_clone().unwrap());
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut up_from, &mut up_to);
                    let _ = up_to.shutdown(Shutdown::Write);
                });
                let (mut office, mut client, held) = (office, client, held.clone());
                std::thread::spawn(move || {
                    let mut buf = [0u8; 16 * 1024];
                    while let Ok(n @ 1..) = office.read(&mut buf) {
                        while held.load(Ordering::SeqCst) {
                            std::thread::sleep(std::time::Duration::from_millis(10));
                        }
                        if client.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = client.shutdown(Shutdown::Write);
                });
            }
        });
        HoldingProxy { url, hold }
    }

    fn hold(&self, on: bool) {
        self.hold.store(on, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Presses a key, as a USB keypad does.
fn press(app: &App, key: &str) {
    use slint::platform::WindowEvent;
    let text: slint::SharedString = key.into();
    app.window()
        .dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
    app.window()
        .dispatch_event(WindowEvent::KeyReleased { text });
}

const DOWN: &str = "\u{F701}";
const ENTER: &str = "\n";
const HOME: &str = "\u{F729}";

/// The booking's state and the ticket it was checked in to, as the office keeps them.
fn office_booking(db: &std::path::Path, code: &str) -> (String, Option<String>) {
    let c = rusqlite::Connection::open(db).unwrap();
    let (checked_in, ticket): (Option<String>, Option<String>) = c
        .query_row(
            "SELECT checked_in_at, ticket_id FROM booking WHERE code = ?1",
            [code.replace('-', "")],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let state = if checked_in.is_some() {
        "checked_in"
    } else {
        "booked"
    };
    (state.into(), ticket)
}

/// The citizen goes home while the office's answer is on its way (the office has bound the
/// booking to the kiosk's ticket id): the late answer issues nothing; the same code again
/// sends the same id, the office answers as the first time, and that ticket is issued, the
/// only one the office ever gets for the booking. Guided by voice from home to the ticket.
pub(super) fn left_check_in_gets_its_ticket() {
    let minute = office_minute();
    if minute.hour() == 23 && minute.minute() >= 45 {
        eprintln!("skipping the left check-in: too near midnight in Asia/Ho_Chi_Minh");
        return;
    }
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("office.sqlite3");
    let on_time = minute.format("%H:%M").to_string();
    let (token, booked) = {
        let mut o = OfficeStore::open(&db).unwrap();
        o.set_queues(S1, &[QueueDef::new("A", &["HT"])]).unwrap();
        let rules = BookingRules::from_json(&format!(
            r#"{{"queues":[{{"queue":"A","days":["mon","tue","wed","thu","fri","sat","sun"],
                "times":["{on_time}"],"per_slot":5}}]}}"#
        ))
        .unwrap();
        o.set_booking_rules(S1, &rules).unwrap();
        let ask = BookRequest {
            field: "HT".into(),
            day: minute.date(),
            time: on_time.clone(),
            phone: "0912345673".into(),
        };
        let before = minute - TimeDelta::minutes(1);
        let code = o.book(S1, &ask, before, Utc::now()).unwrap().unwrap().code;
        let token = o
            .enroll_device("Kiosk sảnh", Role::Kiosk, &[S1], Utc::now())
            .unwrap()
            .1;
        (token, code)
    };
    let office =
        motcua::office::http::spawn_with_shutdown(&db, "127.0.0.1:0", Ho_Chi_Minh).unwrap();
    let proxy = HoldingProxy::start(&office.url());
    let mut config = demo_config();
    config.hours.always_open = true;
    config.sync.office_url = Some(proxy.url.clone());
    config.sync.token = Some(token);
    let kiosk_dir = data.path().join("kiosk");
    let clock = TestClock::new(Utc::now());
    let speaker = motcua::kiosk::audio::RecordingSpeaker::new();
    let kiosk =
        KioskApp::with_speaker(config, &kiosk_dir, clock.clock(), Box::new(speaker.clone()))
            .unwrap();
    let app = &kiosk.app;
    kiosk::set_size(app, 1080, 1920);
    let said = || speaker.last().expect("something was said").1;
    let kiosk_tickets = || {
        let k = rusqlite::Connection::open(motcua::kiosk::database_path(&kiosk_dir)).unwrap();
        k.query_row("SELECT COUNT(*) FROM ticket", [], |r| r.get::<_, i64>(0))
            .unwrap()
    };

    // By voice: home has the booking as its second of four choices; its page says what to do.
    press(app, "+");
    assert_eq!(said()[2..], ["Trang chính.", "4", "lựa chọn."]);
    press(app, DOWN);
    press(app, DOWN);
    assert_eq!(said(), ["Tôi đã đặt lịch.", "2", "trên", "4"]);
    press(app, ENTER);
    assert_eq!(page(app), Page::Booking);
    assert_eq!(
        said(),
        [
            "Nhận số theo lịch hẹn. Hãy đưa mã QR của lịch hẹn vào máy quét bên dưới màn hình, hoặc gõ mã 8 ký tự trên giấy hẹn rồi bấm Xác nhận.",
            "1",
            "lựa chọn."
        ]
    );

    // The office takes the check-in, but its answer is held on the way back.
    proxy.hold(true);
    scan(app, &booked);
    assert_eq!(
        app.global::<BookingAdapter>().get_result(),
        BookingResult::Checking
    );
    assert_eq!(said(), ["Đang kiểm tra lịch hẹn. Xin chờ một chút."]);
    let mut bound = None;
    pump_until("the office to check the booking in", || {
        let (state, ticket) = office_booking(&db, &booked);
        bound = ticket;
        state == "checked_in"
    });
    let bound = bound.expect("the booking names the kiosk's ticket id");
    // The citizen leaves before the answer; it comes afterwards and issues nothing.
    press(app, HOME);
    assert_eq!(page(app), Page::Home);
    proxy.hold(false);
    for _ in 0..40 {
        i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(250));
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    assert_eq!(page(app), Page::Home);
    assert_eq!(kiosk_tickets(), 0, "no ticket for a citizen who left");

    // The same code again: the ticket the office bound, with its booked time said.
    press(app, DOWN);
    press(app, DOWN);
    press(app, ENTER);
    assert_eq!(page(app), Page::Booking);
    scan(app, &booked.to_lowercase());
    pump_until("the office's answer", || {
        app.global::<BookingAdapter>().get_result() != BookingResult::Checking
    });
    assert_eq!(
        page(app),
        Page::Ticket,
        "the same code again gives the ticket, not {:?}",
        app.global::<BookingAdapter>().get_result()
    );
    let ticket = app.global::<TicketAdapter>().get_ticket();
    assert!(exists(app, &format!("Lịch hẹn {on_time}")));
    let heard = said();
    let (h, m) = (minute.hour().to_string(), minute.minute().to_string());
    let mut time = vec!["Lịch hẹn lúc", h.as_str(), "giờ"];
    if minute.minute() > 0 {
        time.extend([m.as_str(), "phút"]);
    }
    assert_eq!(
        heard[..3],
        ["Số thứ tự của bạn là", ticket.number.as_str(), "Hộ tịch"]
    );
    assert_eq!(heard[3..3 + time.len()], time[..], "{heard:?}");
    assert_eq!(wait_for_print(app), PrintState::Printed);
    assert_eq!(kiosk_tickets(), 1);
    {
        let k = rusqlite::Connection::open(motcua::kiosk::database_path(&kiosk_dir)).unwrap();
        let id: String = k
            .query_row("SELECT id FROM ticket", [], |r| r.get(0))
            .unwrap();
        assert_eq!(id, bound, "the ticket has the id the office bound");
    }
    pump_until("the booked ticket to reach the office", || {
        motcua::kiosk::open_store(&kiosk_dir)
            .unwrap()
            .outbox_unsent()
            .unwrap()
            == 0
    });
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        let (tickets, of_booking): (i64, i64) = c
            .query_row(
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE id = ?1) FROM ticket",
                [&bound],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((tickets, of_booking), (1, 1), "one ticket, the booking's");
        assert_eq!(
            office_booking(&db, &booked).1.as_deref(),
            Some(bound.as_str())
        );
    }

    // Once issued, the id is not sent again: a third try is told "used", aloud, with the
    // usual ticket as the first choice.
    press(app, HOME);
    scan(app, &booked);
    pump_until("the office's answer", || page(app) == Page::BookingResult);
    assert_eq!(
        app.global::<BookingAdapter>().get_result(),
        BookingResult::Used
    );
    assert_eq!(
        said(),
        [
            "Lịch hẹn này đã được cấp số rồi.",
            "Bạn có thể lấy số thường.",
            "2",
            "lựa chọn."
        ]
    );
    press(app, DOWN);
    assert_eq!(said(), ["Lấy số thường.", "1", "trên", "2"]);
    assert_eq!(
        app.global::<motcua::ui::AccessAdapter>().get_focus_key(),
        "take-ticket"
    );
    shots(app, "booking-used-guided");
    press(app, ENTER);
    assert_eq!(page(app), Page::Fields);
    app.global::<NavigationAdapter>().invoke_go_home();
    press(app, "+");
    office.shutdown();
}
