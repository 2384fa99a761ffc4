//! Appointments at the office (docs/booking.md), on SQLite and on PostgreSQL: the rules give
//! slots; a booking takes a place and its cancellation gives it back; a full slot, a past
//! one, an unbookable field and a bad number are refused with their reasons; one phone is
//! held to its limits; one address is held to a few bookings and lookups; the phone number
//! is never stored, only its keyed hash and last 4 digits.

#[path = "support/office_db.rs"]
mod office_db;

#[path = "support/http_client.rs"]
mod http_client;

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use http_client::{agent, call};
use motcua::domain::booking::BookingRules;
use motcua::office::counters::{BookRequest, BookingRefused, QueueDef};
use motcua::office::OfficeStore;
use office_db::{both_backends, Backend, TestDb};
use serde_json::{json, Value};

both_backends! {
    a_booking_takes_a_place_and_cancelling_gives_it_back,
    one_phone_is_held_to_its_limits,
    one_address_is_held_to_a_few_bookings_and_lookups,
    a_kiosk_checks_a_booking_in_by_its_token,
}

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;
const S1: motcua::office::store::SiteId = motcua::office::store::SiteId(1);

fn now() -> NaiveDateTime {
    Utc::now().with_timezone(&TZ).naive_local()
}

fn tomorrow() -> NaiveDate {
    now().date() + TimeDelta::days(1)
}

/// Queues A (civil status, bookable every day at 09:00 and 10:00, 2 places) and B (land,
/// not bookable), and a lead clerk.
fn seed(db: &TestDb) -> OfficeStore {
    let mut s = OfficeStore::open(db.target()).unwrap();
    s.set_queues(
        S1,
        &[QueueDef::new("A", &["HT"]), QueueDef::new("B", &["DD"])],
    )
    .unwrap();
    let rules = BookingRules::from_json(
        r#"{"queues":[{"queue":"A","days":["mon","tue","wed","thu","fri","sat","sun"],
            "times":["09:00","10:00"],"per_slot":2}],"days_ahead":7}"#,
    )
    .unwrap();
    s.set_booking_rules(S1, &rules).unwrap();
    s.add_clerk(
        Some(S1),
        "lan",
        "Nguyễn Thị Lan",
        "mat-khau-lan-1",
        motcua::office::counters::ClerkRole::SiteLead,
        false,
        Utc::now(),
    )
    .unwrap();
    s
}

fn ask(day: NaiveDate, time: &str, phone: &str) -> BookRequest {
    BookRequest {
        field: "HT".into(),
        day,
        time: time.into(),
        phone: phone.into(),
    }
}

fn book(base: &str, body: Value) -> (u16, Value) {
    let (status, v, _) = call(
        &agent(),
        "POST",
        &format!("{base}/api/v1/bookings"),
        None,
        Some(body),
    );
    (status, v)
}

fn get(base: &str, path: &str) -> (u16, Value) {
    let (status, v, _) = call(&agent(), "GET", &format!("{base}{path}"), None, None);
    (status, v)
}

fn left(base: &str, day: NaiveDate, time: &str) -> u64 {
    let (_, o) = get(base, "/api/v1/booking/options");
    o["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["day"] == day.to_string())
        .and_then(|d| {
            d["slots"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["time"] == time)
        })
        .map_or(0, |s| s["left"].as_u64().unwrap())
}

fn a_booking_takes_a_place_and_cancelling_gives_it_back(b: Backend) {
    let db = TestDb::new(b);
    drop(seed(&db));
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let base = office.url();
    let (status, o) = get(&base, "/api/v1/booking/options");
    assert_eq!(status, 200, "{o}");
    assert_eq!(
        o["fields"],
        json!([{"code": "HT", "name_vi": "Hộ tịch", "name_en": "Civil status registration", "queue": "A"}])
    );
    assert_eq!(
        o["days"].as_array().unwrap().last().unwrap()["day"],
        (now().date() + TimeDelta::days(7)).to_string()
    );
    assert_eq!(left(&base, tomorrow(), "09:00"), 2);

    let (status, first) = book(
        &base,
        json!({"field": "HT", "day": tomorrow(), "time": "09:00", "phone": "+84 912 345 678"}),
    );
    assert_eq!(status, 201, "{first}");
    assert_eq!(
        (first["state"].as_str(), first["phone_last4"].as_str()),
        (Some("booked"), Some("5678"))
    );
    assert_eq!(first["time"], "09:00");
    let code = first["code"].as_str().unwrap().to_string();
    assert!(code.len() == 9 && &code[4..5] == "-", "{code}");
    assert!(
        first.get("phone").is_none() && !first.to_string().contains("912345"),
        "{first}"
    );
    assert_eq!(left(&base, tomorrow(), "09:00"), 1);
    // Another citizen takes the last place; a third is told the slot is full.
    let (status, _) = book(
        &base,
        json!({"field": "HT", "day": tomorrow(), "time": "09:00", "phone": "0987654321"}),
    );
    assert_eq!(status, 201);
    let (status, full) = book(
        &base,
        json!({"field": "HT", "day": tomorrow(), "time": "09:00", "phone": "0355555555"}),
    );
    assert_eq!((status, full["code"].as_str()), (409, Some("slot_full")));
    // Land takes no bookings.
    let (status, v) = book(
        &base,
        json!({"field": "DD", "day": tomorrow(), "time": "09:00", "phone": "0355555555"}),
    );
    assert_eq!((status, v["code"].as_str()), (404, Some("not_bookable")));

    // The code as a citizen types it back; its QR code; its cancellation frees the place.
    let typed = code.to_lowercase().replace('-', " ");
    let (status, found) = get(
        &base,
        &format!("/api/v1/bookings/{}", typed.replace(' ', "%20")),
    );
    assert_eq!((status, found["code"].as_str()), (200, Some(code.as_str())));
    let mut svg = agent()
        .get(&format!("{base}/api/v1/bookings/{code}/qr.svg"))
        .call()
        .unwrap();
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.body_mut().read_to_string().unwrap().starts_with("<svg"));
    let (status, cancelled, _) = call(
        &agent(),
        "POST",
        &format!("{base}/api/v1/bookings/{code}/cancel"),
        None,
        None,
    );
    assert_eq!(
        (status, cancelled["state"].as_str()),
        (200, Some("cancelled"))
    );
    assert_eq!(left(&base, tomorrow(), "09:00"), 1);
    let (status, again, _) = call(
        &agent(),
        "POST",
        &format!("{base}/api/v1/bookings/{code}/cancel"),
        None,
        None,
    );
    assert_eq!((status, again["state"].as_str()), (200, Some("cancelled")));
    let (status, v) = get(&base, "/api/v1/bookings/0000-0000");
    assert_eq!((status, v["code"].as_str()), (404, Some("unknown_booking")));

    // Only a lead reads and sets the rules.
    let (status, _) = get(&base, "/api/v1/booking/rules");
    assert_eq!(status, 401);
    office.shutdown();

    // The number itself is nowhere in the database, only its last 4 digits and a hash.
    let s = OfficeStore::open(db.target()).unwrap();
    let kept = s.booking(&code, now()).unwrap().unwrap();
    assert_eq!(
        (kept.state.as_str(), kept.phone_last4.as_str()),
        ("cancelled", "5678")
    );
    if b == Backend::Sqlite {
        drop(s);
        let mut bytes = std::fs::read(db.target()).unwrap();
        if let Ok(wal) = std::fs::read(format!("{}-wal", db.target())) {
            bytes.extend(wal);
        }
        let text = String::from_utf8_lossy(&bytes);
        for digits in ["0912345678", "912345678", "0987654321"] {
            assert!(!text.contains(digits), "{digits} is stored");
        }
    }
}

fn one_phone_is_held_to_its_limits(b: Backend) {
    let db = TestDb::new(b);
    let mut s = seed(&db);
    let at = Utc::now();
    let day = |n: i64| now().date() + TimeDelta::days(n);
    let phone = "0912 345 678";
    // One field a day: the 10:00 slot of the same day is refused, another day is not.
    assert!(s
        .book(S1, &ask(day(1), "09:00", phone), now(), at)
        .unwrap()
        .is_ok());
    assert_eq!(
        s.book(S1, &ask(day(1), "10:00", phone), now(), at)
            .unwrap()
            .unwrap_err(),
        BookingRefused::SameField
    );
    assert!(s
        .book(S1, &ask(day(2), "09:00", phone), now(), at)
        .unwrap()
        .is_ok());
    assert!(s
        .book(S1, &ask(day(3), "09:00", "0912.345.678"), now(), at)
        .unwrap()
        .is_ok());
    // Three active bookings is the default limit, however the number is written.
    assert_eq!(
        s.book(S1, &ask(day(4), "09:00", "+84912345678"), now(), at)
            .unwrap()
            .unwrap_err(),
        BookingRefused::PhoneActive(3)
    );
    // A cancelled one no longer counts.
    let held = s
        .book(S1, &ask(day(5), "09:00", "0987654321"), now(), at)
        .unwrap()
        .unwrap();
    let mine = s
        .book(S1, &ask(day(6), "09:00", "0977777777"), now(), at)
        .unwrap()
        .unwrap();
    assert_eq!(
        s.cancel_booking(&mine.code, now(), at)
            .unwrap()
            .unwrap()
            .state,
        "cancelled"
    );
    assert!(s
        .book(S1, &ask(day(6), "09:00", "0977777777"), now(), at)
        .unwrap()
        .is_ok());
    // Out of range, not a slot, not a number.
    assert_eq!(
        s.book(S1, &ask(day(8), "09:00", "0966666666"), now(), at)
            .unwrap()
            .unwrap_err(),
        BookingRefused::NoSuchSlot
    );
    assert_eq!(
        s.book(S1, &ask(day(1), "09:30", "0966666666"), now(), at)
            .unwrap()
            .unwrap_err(),
        BookingRefused::NoSuchSlot
    );
    assert_eq!(
        s.book(S1, &ask(day(-1), "09:00", "0966666666"), now(), at)
            .unwrap()
            .unwrap_err(),
        BookingRefused::NoSuchSlot
    );
    assert_eq!(
        s.book(S1, &ask(day(1), "09:00", "12345"), now(), at)
            .unwrap()
            .unwrap_err(),
        BookingRefused::BadPhone
    );
    // Today's slot once it has begun.
    let late = now().date().and_hms_opt(10, 0, 1).unwrap();
    assert_eq!(
        s.book(S1, &ask(now().date(), "10:00", "0966666666"), late, at)
            .unwrap()
            .unwrap_err(),
        BookingRefused::Past
    );
    // A booking whose window closed unused is missed; reopened, the store says so too.
    let after = day(5).and_hms_opt(9, 16, 0).unwrap();
    drop(s);
    let s = OfficeStore::open(db.target()).unwrap();
    assert_eq!(
        s.booking(&held.code, after).unwrap().unwrap().state,
        "missed"
    );
    assert_eq!(
        s.booking(&held.code, now()).unwrap().unwrap().state,
        "booked"
    );
    assert_eq!(
        day(1).weekday(),
        (now().date() + TimeDelta::days(1)).weekday()
    );
}

fn one_address_is_held_to_a_few_bookings_and_lookups(b: Backend) {
    let db = TestDb::new(b);
    drop(seed(&db));
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let base = office.url();
    // A script tries to take every slot with made-up numbers: 6 tries an hour, then 429.
    let mut statuses = Vec::new();
    for n in 0..10 {
        let day = now().date() + TimeDelta::days(1 + n / 2);
        let time = if n % 2 == 0 { "09:00" } else { "10:00" };
        let (status, v) = book(
            &base,
            json!({"field": "HT", "day": day, "time": time, "phone": format!("09{n:08}")}),
        );
        if status == 429 {
            assert_eq!(v["code"], "booking_throttled");
        }
        statuses.push(status);
    }
    assert_eq!(statuses, [201, 201, 201, 201, 201, 201, 429, 429, 429, 429]);
    // Walking the codes: 30 lookups an hour, then 429.
    let mut refused = 0;
    for n in 0..40 {
        let (status, _) = get(&base, &format!("/api/v1/bookings/{:04}-0000", n));
        refused += usize::from(status == 429);
    }
    assert_eq!(refused, 10);
    office.shutdown();
}

fn a_kiosk_checks_a_booking_in_by_its_token(b: Backend) {
    let db = TestDb::new(b);
    let mut s = seed(&db);
    let kiosk = s
        .enroll_device("Kiosk", motcua::office::Role::Kiosk, &[S1], Utc::now())
        .unwrap()
        .1;
    let booked = s
        .book(
            S1,
            &ask(tomorrow(), "09:00", "0912345678"),
            now(),
            Utc::now(),
        )
        .unwrap()
        .unwrap();
    drop(s);
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let base = office.url();
    let check_in = |token: Option<&str>, code: &str| {
        let mut req = agent()
            .post(&format!("{base}/api/v1/bookings/check-in"))
            .header("content-type", "application/json");
        if let Some(t) = token {
            req = req.header("Authorization", &format!("Bearer {t}"));
        }
        let mut resp = req
            .send(json!({"protocol": 1, "code": code, "ticket_id": "5d1c2e3f-0000-4000-8000-000000000001"}).to_string())
            .unwrap();
        let status = resp.status().as_u16();
        (status, resp.body_mut().read_json::<Value>().unwrap())
    };
    // Tomorrow's booking at today's kiosk: said so, with its day and time.
    let (status, v) = check_in(Some(&kiosk), &booked.code.to_lowercase());
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        v,
        json!({"result": "other_day", "code": booked.code, "queue": "A", "field": "HT",
                         "day": tomorrow().to_string(), "time": "09:00"})
    );
    let (status, v) = check_in(Some(&kiosk), "0000-0000");
    assert_eq!((status, v["code"].as_str()), (404, Some("unknown_booking")));
    // Only a kiosk checks in.
    let (status, _) = check_in(None, &booked.code);
    assert_eq!(status, 401);
    office.shutdown();
}
