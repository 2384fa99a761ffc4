//! Appointments at the office (docs/booking.md): the site's booking rules, the slots left,
//! booking a slot under the phone limits, a booking by its code, cancelling it. A phone
//! number is kept only as a keyed hash and its last 4 digits.

use anyhow::{Context, Result};
use blake2::{Blake2b512, Digest};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use serde::Serialize;

use super::office_config::config_in;
use crate::domain::booking::{
    arrival, phone_number, slot_time, Arrival, BookedOrder, BookingRules,
};
use crate::domain::numbering::format_ticket_number;
use crate::office::db::{sql_params, Row, Tx};
use crate::office::store::{
    day, lock_rev, new_code, new_token, normalize_code, parse_ts, to_u32, ts, OfficeStore, SiteId,
};
use crate::protocol::{CheckInAnswer, CheckInResult};

/// A field a queue takes bookings for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BookableField {
    /// Catalogue code.
    pub code: String,
    /// Name in Vietnamese.
    pub name_vi: String,
    /// Name in English.
    pub name_en: String,
    /// The queue it is served in.
    pub queue: String,
}

/// A slot and the places left in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlotLeft {
    /// "HH:MM".
    pub time: String,
    /// Places left.
    pub left: u32,
}

/// A day's slots of one queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DaySlots {
    /// Queue prefix.
    pub queue: String,
    /// The day.
    pub day: NaiveDate,
    /// Its slots still open to booking, in time order.
    pub slots: Vec<SlotLeft>,
}

/// What the booking page offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BookingOptions {
    /// The commune's name.
    pub office: String,
    /// Fields one can book, each with its queue.
    pub fields: Vec<BookableField>,
    /// Slots per queue and day, from today to the last bookable day.
    pub days: Vec<DaySlots>,
    /// Minutes before the slot a citizen may check in.
    pub early_minutes: u32,
    /// Minutes after the slot a citizen may still check in.
    pub late_minutes: u32,
}

/// What a citizen asks for.
#[derive(Debug, Clone)]
pub struct BookRequest {
    /// Catalogue field code.
    pub field: String,
    /// The day.
    pub day: NaiveDate,
    /// "HH:MM".
    pub time: String,
    /// The phone number as typed.
    pub phone: String,
}

/// A booking as its page and the kiosk show it: no phone number but its last 4 digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Booking {
    /// "7KQ2-M9XD".
    pub code: String,
    /// The commune's name.
    pub office: String,
    /// Queue prefix.
    pub queue: String,
    /// Field code and names.
    pub field: String,
    /// Name in Vietnamese.
    pub field_vi: String,
    /// Name in English.
    pub field_en: String,
    /// The day.
    pub day: NaiveDate,
    /// "HH:MM".
    pub time: String,
    /// "5678".
    pub phone_last4: String,
    /// `booked`, `cancelled`, `checked_in` or `missed` (its window closed unused).
    pub state: String,
    /// The site (not shown).
    #[serde(skip)]
    pub site: SiteId,
}

/// Why a booking was refused: each says so to the citizen (docs/booking.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookingRefused {
    /// The site takes no bookings, or not for this field.
    NotBookable,
    /// Not a slot of that queue on that day, or a day outside the bookable range.
    NoSuchSlot,
    /// The slot has begun or passed.
    Past,
    /// Every place is taken.
    Full,
    /// Not a mobile number.
    BadPhone,
    /// The phone holds this many active bookings already.
    PhoneActive(u32),
    /// The phone holds this many bookings that day already.
    PhoneDay(u32),
    /// The phone already holds a booking in this field that day.
    SameField,
}

impl BookingRefused {
    /// The machine code the API answers.
    pub fn code(&self) -> &'static str {
        match self {
            BookingRefused::NotBookable => "not_bookable",
            BookingRefused::NoSuchSlot => "no_such_slot",
            BookingRefused::Past => "slot_past",
            BookingRefused::Full => "slot_full",
            BookingRefused::BadPhone => "bad_phone",
            BookingRefused::PhoneActive(_) => "phone_limit",
            BookingRefused::PhoneDay(_) => "phone_day_limit",
            BookingRefused::SameField => "phone_field_limit",
        }
    }
}

impl OfficeStore {
    /// Stores the site's booking rules (checked); an empty `queues` turns booking off.
    pub fn set_booking_rules(&mut self, site: SiteId, rules: &BookingRules) -> Result<()> {
        rules.check().map_err(anyhow::Error::msg)?;
        let body = serde_json::to_string(rules)?;
        self.write(|tx| {
            // The settings first: they lock the site's rev row, as every writer does first.
            crate::office::store::set_walk_in(tx, site, rules.walk_in)?;
            super::office_config::put_config(tx, site, "booking", &body)
        })
    }

    /// The site's booking rules, if any were set.
    pub fn booking_rules(&self, site: SiteId) -> Result<Option<BookingRules>> {
        self.read(|tx| rules_in(tx, site))
    }

    /// What can be booked at the site from `now` (local time): the fields of its bookable
    /// queues and each day's slots with places left; None when it takes no bookings.
    pub fn booking_options(
        &self,
        site: SiteId,
        now: NaiveDateTime,
    ) -> Result<Option<BookingOptions>> {
        self.read(|tx| {
            let Some(rules) = rules_in(tx, site)?.filter(|r| !r.queues.is_empty()) else {
                return Ok(None);
            };
            let mut fields = Vec::new();
            for q in self.queue_fields_in(tx, site)? {
                if rules.queue(&q.0).is_some() {
                    for code in q.1 {
                        let (name_vi, name_en) = self.field_names_in(tx, &code)?;
                        fields.push(BookableField {
                            code,
                            name_vi,
                            name_en,
                            queue: q.0.clone(),
                        });
                    }
                }
            }
            // Every place taken in the range in one read: the page is open to anyone, and a
            // read per slot would be hundreds per request.
            let last = rules.bookable_days(now.date()).last().unwrap_or(now.date());
            let mut taken = std::collections::HashMap::new();
            for r in tx.query(
                "SELECT queue, day, slot, COUNT(*) FROM booking
                 WHERE site_id = ?1 AND day >= ?2 AND day <= ?3 AND cancelled_at IS NULL
                 GROUP BY queue, day, slot",
                sql_params![site.0, &day(now.date()), &day(last)],
            )? {
                let n = u32::try_from(r.int(3)?).unwrap_or(u32::MAX);
                taken.insert((r.text(0)?, r.text(1)?, r.text(2)?), n);
            }
            let mut days = Vec::new();
            for q in &rules.queues {
                for d in rules.bookable_days(now.date()) {
                    let slots: Vec<SlotLeft> = q
                        .times_on(d)
                        .into_iter()
                        .filter(|t| d.and_time(*t) > now)
                        .map(|t| {
                            let time = t.format("%H:%M").to_string();
                            let key = (q.queue.clone(), day(d), time.clone());
                            let used = taken.get(&key).copied().unwrap_or(0);
                            SlotLeft {
                                time,
                                left: q.per_slot.saturating_sub(used),
                            }
                        })
                        .collect();
                    if !slots.is_empty() {
                        days.push(DaySlots {
                            queue: q.queue.clone(),
                            day: d,
                            slots,
                        });
                    }
                }
            }
            Ok(Some(BookingOptions {
                office: site_name(tx, site)?,
                fields,
                days,
                early_minutes: rules.early_minutes,
                late_minutes: rules.late_minutes,
            }))
        })
    }

    /// Books a slot for the citizen, under the site's rules and the phone's limits; `now` is
    /// the office's local time.
    pub fn book(
        &mut self,
        site: SiteId,
        ask: &BookRequest,
        now: NaiveDateTime,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<std::result::Result<Booking, BookingRefused>> {
        let Some(phone) = phone_number(&ask.phone) else {
            return Ok(Err(BookingRefused::BadPhone));
        };
        let queue_fields = self.read(|tx| self.queue_fields_in(tx, site))?;
        let made = self.write(|tx| {
            // One booking at a time per site: the places left are counted, then taken.
            lock_rev(tx, site)?;
            let Some(rules) = rules_in(tx, site)? else {
                return Ok(Err(BookingRefused::NotBookable));
            };
            let Some((queue, _)) = queue_fields
                .iter()
                .find(|(q, fields)| rules.queue(q).is_some() && fields.contains(&ask.field))
            else {
                return Ok(Err(BookingRefused::NotBookable));
            };
            let slots = rules.queue(queue).context("a bookable queue")?;
            let Some(time) = slot_time(&ask.time) else {
                return Ok(Err(BookingRefused::NoSuchSlot));
            };
            let in_range = rules.bookable_days(now.date()).any(|d| d == ask.day);
            if !in_range || !slots.has_slot(ask.day, time) {
                return Ok(Err(BookingRefused::NoSuchSlot));
            }
            if ask.day.and_time(time) <= now {
                return Ok(Err(BookingRefused::Past));
            }
            if taken_in(tx, site, queue, ask.day, time)? >= slots.per_slot {
                return Ok(Err(BookingRefused::Full));
            }
            let hash = phone_hash(tx, &phone)?;
            let active = count(
                tx,
                "SELECT COUNT(*) FROM booking WHERE phone_hash = ?1 AND day >= ?2
                     AND cancelled_at IS NULL AND checked_in_at IS NULL",
                sql_params![&hash, &day(now.date())],
            )?;
            if active >= rules.per_phone_active {
                return Ok(Err(BookingRefused::PhoneActive(rules.per_phone_active)));
            }
            let that_day = tx.query(
                "SELECT field FROM booking WHERE phone_hash = ?1 AND day = ?2 AND cancelled_at IS NULL",
                sql_params![&hash, &day(ask.day)],
            )?;
            if that_day.len() >= rules.per_phone_day as usize {
                return Ok(Err(BookingRefused::PhoneDay(rules.per_phone_day)));
            }
            for r in &that_day {
                if r.text(0)? == ask.field {
                    return Ok(Err(BookingRefused::SameField));
                }
            }
            let code = normalize_code(&new_code()).context("a fresh code reads back")?;
            // The slot as an instant: local `now` and `at` differ by the office's offset.
            let offset = now - at.naive_utc();
            let slot_at = (ask.day.and_time(time) - offset).and_utc();
            tx.execute(
                "INSERT INTO booking (code, site_id, queue, field, day, slot, phone_hash, phone_last4, created_at, slot_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                sql_params![
                    &code,
                    site.0,
                    queue,
                    &ask.field,
                    &day(ask.day),
                    &time.format("%H:%M").to_string(),
                    &hash,
                    &phone[phone.len() - 4..],
                    &ts(at),
                    &ts(slot_at)
                ],
            )?;
            Ok(Ok(code))
        })?;
        match made {
            Ok(code) => Ok(Ok(self
                .booking(&code, now)?
                .context("the booking just made")?)),
            Err(refused) => Ok(Err(refused)),
        }
    }

    /// The booking with `code` (as typed: case, spaces and dashes forgiven), its state as
    /// of `now` (local time).
    pub fn booking(&self, code: &str, now: NaiveDateTime) -> Result<Option<Booking>> {
        let Some(code) = normalize_code(code) else {
            return Ok(None);
        };
        self.read(|tx| {
            let Some(r) = tx.query_opt(
                "SELECT code, site_id, queue, field, day, slot, phone_last4, cancelled_at, checked_in_at
                 FROM booking WHERE code = ?1",
                sql_params![&code],
            )?
            else {
                return Ok(None);
            };
            let late = rules_in(tx, SiteId(r.int(1)?))?.map_or(15, |r| r.late_minutes);
            Ok(Some(self.booking_row(tx, &r, now, late)?))
        })
    }

    /// Cancels the booking with `code` unless it was used or its window closed; returns it
    /// as it is now (None: no such booking).
    pub fn cancel_booking(
        &mut self,
        code: &str,
        now: NaiveDateTime,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<Booking>> {
        let Some(b) = self.booking(code, now)? else {
            return Ok(None);
        };
        if b.state == "booked" {
            let canonical = normalize_code(code).context("a code that was found")?;
            self.write(|tx| {
                tx.execute(
                    "UPDATE booking SET cancelled_at = ?2 WHERE code = ?1 AND cancelled_at IS NULL AND checked_in_at IS NULL",
                    sql_params![&canonical, &ts(at)],
                )
            })?;
        }
        self.booking(code, now)
    }

    /// A kiosk of `site` checks the booking `code` in for its ticket `ticket_id` at `now`
    /// (local): within the window the booking is marked used by that ticket; the same
    /// ticket asking again gets the same answer. None: no booking of this site has the code.
    pub fn check_in_booking(
        &mut self,
        site: SiteId,
        code: &str,
        ticket_id: &str,
        now: NaiveDateTime,
        at: chrono::DateTime<chrono::Utc>,
        tz: chrono_tz::Tz,
    ) -> Result<Option<CheckInAnswer>> {
        let Some(canonical) = normalize_code(code) else {
            return Ok(None);
        };
        self.write(|tx| {
            let Some(r) = tx.query_opt(
                "SELECT code, queue, field, day, slot, cancelled_at, ticket_id FROM booking
                 WHERE code = ?1 AND site_id = ?2",
                sql_params![&canonical, site.0],
            )?
            else {
                return Ok(None);
            };
            let rules = rules_in(tx, site)?;
            let (early, late) = rules.map_or((10, 15), |r| (r.early_minutes, r.late_minutes));
            let day_ = NaiveDate::parse_from_str(&r.text(3)?, "%Y-%m-%d")?;
            let time = r.text(4)?;
            let slot = day_.and_time(slot_time(&time).unwrap_or(NaiveTime::MIN));
            let holder = r.opt_text(6)?;
            let (result, minutes) = if r.opt_text(5)?.is_some() {
                (CheckInResult::Cancelled, None)
            } else if holder.as_deref() == Some(ticket_id) {
                (CheckInResult::CheckedIn, None)
            } else if holder.is_some() {
                (CheckInResult::Used, None)
            } else if day_ != now.date() {
                (CheckInResult::OtherDay, None)
            } else {
                match arrival(slot, now, early, late) {
                    Arrival::Early(m) => (CheckInResult::TooEarly, Some(m)),
                    Arrival::Late(m) => (CheckInResult::TooLate, Some(m)),
                    Arrival::OnTime => {
                        // The slot as an instant, which the calling order compares with now.
                        let slot_at = slot
                            .and_local_timezone(tz)
                            .earliest()
                            .map_or(at, |t| t.with_timezone(&chrono::Utc));
                        tx.execute(
                            "UPDATE booking SET checked_in_at = ?2, ticket_id = ?3, slot_at = ?4 WHERE code = ?1",
                            sql_params![&canonical, &ts(at), ticket_id, &ts(slot_at)],
                        )?;
                        (CheckInResult::CheckedIn, None)
                    }
                }
            };
            let code = r.text(0)?;
            let opens = (result == CheckInResult::TooEarly).then(|| {
                (slot - TimeDelta::minutes(i64::from(early)))
                    .format("%H:%M")
                    .to_string()
            });
            Ok(Some(CheckInAnswer {
                result,
                code: format!("{}-{}", &code[..4], &code[4..]),
                queue: r.text(1)?,
                field: r.text(2)?,
                day: day_,
                time,
                minutes,
                opens,
            }))
        })
    }

    /// Each queue of the site with its fields (the queues clerks pick from).
    fn queue_fields_in(&self, tx: &mut Tx, site: SiteId) -> Result<Vec<(String, Vec<String>)>> {
        Ok(super::office_config::queues_in(tx, site)?
            .into_iter()
            .map(|q| (q.prefix, q.fields))
            .collect())
    }

    fn booking_row(&self, tx: &mut Tx, r: &Row, now: NaiveDateTime, late: u32) -> Result<Booking> {
        let site = SiteId(r.int(1)?);
        let field = r.text(3)?;
        let (field_vi, field_en) = self.field_names_in(tx, &field)?;
        let day_ = NaiveDate::parse_from_str(&r.text(4)?, "%Y-%m-%d")?;
        let time = r.text(5)?;
        let slot = day_.and_time(slot_time(&time).unwrap_or(NaiveTime::MIN));
        let state = if r.opt_text(7)?.is_some() {
            "cancelled"
        } else if r.opt_text(8)?.is_some() {
            "checked_in"
        } else if now > slot + TimeDelta::minutes(i64::from(late)) {
            "missed"
        } else {
            "booked"
        };
        Ok(Booking {
            code: format!("{}-{}", &r.text(0)?[..4], &r.text(0)?[4..]),
            office: site_name(tx, site)?,
            queue: r.text(2)?,
            field,
            field_vi,
            field_en,
            day: day_,
            time,
            phone_last4: r.text(6)?,
            state: state.into(),
            site,
        })
    }
}

/// A booking as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayBooking {
    /// "HH:MM".
    pub time: String,
    /// "7KQ2-M9XD".
    pub code: String,
    /// Queue prefix.
    pub queue: String,
    /// Field code.
    pub field: String,
    /// `booked`, `checked_in`, `cancelled` or `missed`.
    pub state: String,
    /// The ticket issued for it ("A012"), once its kiosk reported it.
    pub ticket: Option<String>,
}

/// The site's bookings on `date` in `queues`, by time: what a counter serving them expects.
pub(super) fn day_bookings(
    tx: &mut Tx,
    site: SiteId,
    date: NaiveDate,
    queues: &[String],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<DayBooking>> {
    let late = rules_in(tx, site)?.map_or(15, |r| r.late_minutes);
    let mut out = Vec::new();
    for r in tx.query(
        "SELECT b.code, b.queue, b.field, b.slot, b.slot_at, b.cancelled_at, b.checked_in_at, t.queue, t.number
         FROM booking b LEFT JOIN ticket t ON t.id = b.ticket_id
         WHERE b.site_id = ?1 AND b.day = ?2 ORDER BY b.slot, b.created_at",
        sql_params![site.0, &day(date)],
    )? {
        let queue = r.text(1)?;
        if !queues.contains(&queue) {
            continue;
        }
        let closed = match r.opt_text(4)? {
            Some(at) => parse_ts(&at)? + TimeDelta::minutes(i64::from(late)) < now,
            None => false,
        };
        let state = if r.opt_text(5)?.is_some() {
            "cancelled"
        } else if r.opt_text(6)?.is_some() {
            "checked_in"
        } else if closed {
            "missed"
        } else {
            "booked"
        };
        let code = r.text(0)?;
        let ticket = match (r.opt_text(7)?, r.opt_int(8)?) {
            (Some(q), Some(n)) => Some(format_ticket_number(&q, to_u32(n))),
            _ => None,
        };
        out.push(DayBooking {
            time: r.text(3)?,
            code: format!("{}-{}", &code[..4], &code[4..]),
            queue,
            field: r.text(2)?,
            state: state.into(),
            ticket,
        });
    }
    Ok(out)
}

/// Minutes after its slot a booking may still be checked in (the default without rules).
pub(in crate::office) fn late_minutes(tx: &mut Tx, site: SiteId) -> Result<u32> {
    Ok(rules_in(tx, site)?.map_or(15, |r| r.late_minutes))
}

/// Whether the site calls a booked ticket before walk-ins once its slot has come.
pub(super) fn booked_first(tx: &mut Tx, site: SiteId) -> Result<bool> {
    Ok(rules_in(tx, site)?.is_some_and(|r| r.order == BookedOrder::SlotFirst))
}

fn rules_in(tx: &mut Tx, site: SiteId) -> Result<Option<BookingRules>> {
    config_in(tx, site, "booking")?
        .map(|json| BookingRules::from_json(&json).map_err(anyhow::Error::msg))
        .transpose()
}

fn site_name(tx: &mut Tx, site: SiteId) -> Result<String> {
    tx.query_one("SELECT name FROM site WHERE id = ?1", sql_params![site.0])?
        .text(0)
}

fn count(tx: &mut Tx, sql: &str, params: &[crate::office::db::Param]) -> Result<u32> {
    Ok(u32::try_from(tx.query_one(sql, params)?.int(0)?).unwrap_or(u32::MAX))
}

/// Bookings holding places in a slot (cancelled ones give theirs back).
fn taken_in(tx: &mut Tx, site: SiteId, queue: &str, d: NaiveDate, t: NaiveTime) -> Result<u32> {
    count(
        tx,
        "SELECT COUNT(*) FROM booking WHERE site_id = ?1 AND day = ?2 AND queue = ?3 AND slot = ?4
             AND cancelled_at IS NULL",
        sql_params![site.0, &day(d), queue, &t.format("%H:%M").to_string()],
    )
}

/// A phone number as the database keeps it: BLAKE2b keyed with the office's own secret, so
/// the hash alone does not give the number back by trying every number.
fn phone_hash(tx: &mut Tx, phone: &str) -> Result<String> {
    let fresh = new_token();
    tx.execute(
        "INSERT INTO office_secret (name, value) VALUES ('phone_key', ?1) ON CONFLICT (name) DO NOTHING",
        sql_params![&fresh],
    )?;
    let key = tx
        .query_one(
            "SELECT value FROM office_secret WHERE name = 'phone_key'",
            &[],
        )?
        .text(0)?;
    let mut h = Blake2b512::new();
    h.update(key.as_bytes());
    h.update(b":");
    h.update(phone.as_bytes());
    Ok(h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::office::counters::fixtures::{at, d, office};
    use crate::office::counters::Action;
    use crate::office::store::S1;
    use crate::office::test_db::{both_backends, Backend};

    both_backends! {
        a_booked_ticket_is_called_first_once_its_slot_comes,
    }

    /// The office's local time at 08:00 on the test day plus `min` minutes.
    fn local(min: i64) -> NaiveDateTime {
        d().and_hms_opt(8, 0, 0).unwrap() + TimeDelta::minutes(min)
    }

    fn a_booked_ticket_is_called_first_once_its_slot_comes(b: Backend) {
        let mut o = office(b);
        let rules = BookingRules::from_json(
            r#"{"queues":[{"queue":"A","days":["mon","tue","wed","thu","fri"],"times":["09:00"],"per_slot":2}]}"#,
        )
        .unwrap();
        o.s.set_booking_rules(S1, &rules).unwrap();
        let ask = |phone: &str| BookRequest {
            field: "HT".into(),
            day: d(),
            time: "09:00".into(),
            phone: phone.into(),
        };
        let mine =
            o.s.book(S1, &ask("0912345678"), local(0), at(0))
                .unwrap()
                .unwrap();
        let other =
            o.s.book(S1, &ask("0987654321"), local(1), at(1))
                .unwrap()
                .unwrap();
        o.ticket("A", 1, 5, "none");
        o.ticket("A", 2, 10, "none");
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        let check = |o: &mut crate::office::counters::fixtures::Office,
                     code: &str,
                     ticket: &str,
                     min: i64| {
            o.s.check_in_booking(S1, code, ticket, local(min), at(min), tz)
                .unwrap()
                .unwrap()
        };
        // Five minutes before the window opens (08:50), the kiosk is told so.
        let early = check(&mut o, &mine.code, "t-A3", 45);
        assert_eq!(
            (early.result, early.minutes),
            (CheckInResult::TooEarly, Some(5))
        );
        let ok = check(&mut o, &mine.code.to_lowercase(), "t-A3", 52);
        assert_eq!(
            (ok.result, ok.queue.as_str(), ok.field.as_str()),
            (CheckInResult::CheckedIn, "A", "HT")
        );
        // The same ticket asking again is answered alike; another ticket finds it used.
        assert_eq!(
            check(&mut o, &mine.code, "t-A3", 53).result,
            CheckInResult::CheckedIn
        );
        assert_eq!(
            check(&mut o, &mine.code, "t-A9", 53).result,
            CheckInResult::Used
        );
        assert_eq!(
            o.s.booking(&mine.code, local(53)).unwrap().unwrap().state,
            "checked_in"
        );
        o.ticket("A", 3, 52, "none");
        // Before 09:00 the booked ticket waits its turn by issue time; from 09:00 it goes first.
        let clerk = o.clerk("lan", 1, &["A"], 53);
        let view = o.act(&clerk, Action::Next, 55).unwrap();
        assert_eq!(view.current.unwrap().label, "A001");
        o.act(&clerk, Action::Start, 56).unwrap();
        let view = o.act(&clerk, Action::Next, 61).unwrap();
        assert_eq!(
            view.current.unwrap().label,
            "A003",
            "the booked ticket before A002"
        );
        o.act(&clerk, Action::Start, 62).unwrap();
        assert_eq!(
            o.act(&clerk, Action::Next, 63)
                .unwrap()
                .current
                .unwrap()
                .label,
            "A002"
        );
        // The console lists the day's bookings with what became of them.
        let listed = o.s.counter_view(&clerk, at(76), d()).unwrap().bookings;
        let seen: Vec<_> = listed
            .iter()
            .map(|b| (b.time.as_str(), b.state.as_str(), b.ticket.as_deref()))
            .collect();
        assert_eq!(
            seen,
            [
                ("09:00", "checked_in", Some("A003")),
                ("09:00", "missed", None)
            ]
        );
        // The other booking's window closes at 09:15 unused: missed, and too late at 09:16.
        assert_eq!(
            o.s.booking(&other.code, local(76)).unwrap().unwrap().state,
            "missed"
        );
        let late = check(&mut o, &other.code, "t-A4", 76);
        assert_eq!(
            (late.result, late.minutes),
            (CheckInResult::TooLate, Some(1))
        );
        // The report counts them: both booked, one kept, one missed.
        let report = o.s.report(S1, d(), d(), tz).unwrap();
        let b = &report.bookings;
        assert_eq!((b.booked, b.kept, b.cancelled, b.missed), (2, 1, 0, 1));
        // The slot was full; another site's code, or no code, is not found.
        let third = o.s.book(S1, &ask("0355555555"), local(2), at(2)).unwrap();
        assert_eq!(third.unwrap_err(), BookingRefused::Full);
        // A missed booking is not cancelled after the fact: it counts as missed.
        let after =
            o.s.cancel_booking(&other.code, local(80), at(80))
                .unwrap()
                .unwrap();
        assert_eq!(after.state, "missed");
        assert!(o
            .s
            .check_in_booking(SiteId(99), &mine.code, "t-A3", local(53), at(53), tz)
            .unwrap()
            .is_none());
        assert!(o
            .s
            .check_in_booking(S1, "not a code", "t-A3", local(53), at(53), tz)
            .unwrap()
            .is_none());
    }
}
