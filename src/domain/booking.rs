//! Appointments (docs/booking.md): the rules a site's lead sets for booking a time (which
//! queues, which days and times, how many citizens a slot, how far ahead, how many bookings
//! a phone may hold), the slots they give on a day, the phone number as the limits see it,
//! and whether a citizen arriving now is within their slot's window.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Weekday};
use serde::{Deserialize, Serialize};

/// Crockford's base32: no I, L, O or U, so a code read aloud or off a screen is typed right.
pub(crate) const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a short code (booking or pairing): 40 random bits, shown as two groups of four.
pub(crate) const CODE_LEN: usize = 8;

/// The code as typed, in canonical form: case, spaces and dashes ignored, and the letters
/// Crockford reads as digits (O → 0, I and L → 1) taken as those; None unless it is
/// [`CODE_LEN`] characters of the alphabet. The kiosk uses it to tell a booking code from a
/// dossier code; the office, to find a booking or a tablet's pairing.
pub fn normalize_code(typed: &str) -> Option<String> {
    if typed.len() > 64 {
        return None;
    }
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

/// A canonical code as people read it: "7KQ2-M9XD".
pub fn grouped_code(canonical: &str) -> String {
    match (canonical.get(..4), canonical.get(4..)) {
        (Some(a), Some(b)) if !b.is_empty() => format!("{a}-{b}"),
        _ => canonical.to_string(),
    }
}

/// How booked tickets are called.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum BookedOrder {
    /// A booked ticket checked in within its window goes before walk-ins.
    #[default]
    SlotFirst,
    /// A booked number ranks like a walk-in, by the time it was checked in (Hà Nội's
    /// practice since October 2025).
    Registration,
}

/// Who gets a number at the kiosk without a booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum WalkIn {
    /// Everyone, as before bookings.
    #[default]
    All,
    /// Only the priority groups (elderly, disabled, pregnant, …), for an office that has
    /// moved to booking: everyone else books, or checks a booking in.
    PriorityOnly,
}

impl WalkIn {
    /// Whether everyone gets a walk-in number (the default, left out of the JSON).
    pub fn is_all(&self) -> bool {
        *self == WalkIn::All
    }

    /// The name the rules, the database and the wire use.
    pub fn code(self) -> &'static str {
        match self {
            WalkIn::All => "all",
            WalkIn::PriorityOnly => "priority_only",
        }
    }

    /// The mode named by [`code`](Self::code); anything else is everyone.
    pub fn from_code(code: &str) -> WalkIn {
        match code {
            "priority_only" => WalkIn::PriorityOnly,
            _ => WalkIn::All,
        }
    }
}

/// One queue's bookable slots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueSlots {
    /// Queue prefix, e.g. "A".
    pub queue: String,
    /// Days of the week: "mon" … "sun".
    pub days: Vec<String>,
    /// Start times, "HH:MM", local to the office.
    pub times: Vec<String>,
    /// Citizens a slot takes.
    pub per_slot: u32,
}

/// The site's booking rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingRules {
    /// The bookable queues (none: booking is off).
    pub queues: Vec<QueueSlots>,
    /// How many days ahead a slot may be booked (today counts as 0).
    #[serde(default = "default_days_ahead")]
    pub days_ahead: u32,
    /// Bookings one phone may hold that are not yet past, cancelled or used.
    #[serde(default = "default_per_phone_active")]
    pub per_phone_active: u32,
    /// Bookings one phone may hold on one day (and never two in one field that day).
    #[serde(default = "default_per_phone_day")]
    pub per_phone_day: u32,
    /// Minutes before its slot a booked citizen may check in.
    #[serde(default = "default_early")]
    pub early_minutes: u32,
    /// Minutes after its slot a booked citizen may still check in.
    #[serde(default = "default_late")]
    pub late_minutes: u32,
    /// How checked-in bookings are called.
    #[serde(default)]
    pub order: BookedOrder,
    /// Who gets a number at the kiosk without a booking.
    #[serde(default, skip_serializing_if = "WalkIn::is_all")]
    pub walk_in: WalkIn,
}

fn default_days_ahead() -> u32 {
    14
}
fn default_per_phone_active() -> u32 {
    3
}
fn default_per_phone_day() -> u32 {
    2
}
fn default_early() -> u32 {
    10
}
fn default_late() -> u32 {
    15
}

/// The day names the rules use, in order.
const DAYS: [(&str, Weekday); 7] = [
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

impl BookingRules {
    /// The rules read from JSON and checked: every problem named, the first one returned.
    pub fn from_json(json: &str) -> Result<BookingRules, String> {
        let rules: BookingRules =
            serde_json::from_str(json).map_err(|e| format!("booking rules: {e}"))?;
        rules.check()?;
        Ok(rules)
    }

    /// Whether the rules make sense: known days, "HH:MM" times without repeats, a queue
    /// once, slots of 1–100 citizens, 0–90 days ahead, limits of at least 1, windows of at
    /// most 2 hours.
    pub fn check(&self) -> Result<(), String> {
        let mut seen = Vec::new();
        for q in &self.queues {
            let ok_prefix =
                (1..=2).contains(&q.queue.len()) && q.queue.bytes().all(|b| b.is_ascii_uppercase());
            if !ok_prefix {
                return Err(format!("queue {:?} is not 1 or 2 capital letters", q.queue));
            }
            if seen.contains(&&q.queue) {
                return Err(format!("queue {} is given twice", q.queue));
            }
            seen.push(&q.queue);
            if q.days.is_empty() || q.times.is_empty() {
                return Err(format!("queue {}: give days and times", q.queue));
            }
            for d in &q.days {
                if weekday(d).is_none() {
                    return Err(format!(
                        "queue {}: {d:?} is not mon, tue, wed, thu, fri, sat or sun",
                        q.queue
                    ));
                }
            }
            let mut times = Vec::new();
            for t in &q.times {
                let time = slot_time(t)
                    .ok_or_else(|| format!("queue {}: {t:?} is not a time HH:MM", q.queue))?;
                if times.contains(&time) {
                    return Err(format!("queue {}: {t} is given twice", q.queue));
                }
                times.push(time);
            }
            if !(1..=100).contains(&q.per_slot) {
                return Err(format!("queue {}: per_slot must be 1 to 100", q.queue));
            }
        }
        if self.days_ahead > 90 {
            return Err("days_ahead must be at most 90".into());
        }
        if self.per_phone_active == 0 || self.per_phone_day == 0 {
            return Err("per_phone_active and per_phone_day must be at least 1".into());
        }
        if self.early_minutes > 120 || self.late_minutes > 120 {
            return Err("early_minutes and late_minutes must be at most 120".into());
        }
        if self.walk_in == WalkIn::PriorityOnly && self.queues.is_empty() {
            // Otherwise a citizen without priority could get no number at all.
            return Err(
                "walk_in priority_only needs at least one bookable queue: without one, \
                 citizens outside the priority groups could get no number"
                    .into(),
            );
        }
        Ok(())
    }

    /// The queue's slots, if it is bookable.
    pub fn queue(&self, prefix: &str) -> Option<&QueueSlots> {
        self.queues.iter().find(|q| q.queue == prefix)
    }

    /// The days a citizen may book from `today`: today through `days_ahead` days later.
    pub fn bookable_days(&self, today: NaiveDate) -> impl Iterator<Item = NaiveDate> {
        today.iter_days().take(self.days_ahead as usize + 1)
    }
}

impl QueueSlots {
    /// The slot times on `day` (none on a day the queue is not booked), in order.
    pub fn times_on(&self, day: NaiveDate) -> Vec<NaiveTime> {
        if !self.days.iter().any(|d| weekday(d) == Some(day.weekday())) {
            return Vec::new();
        }
        let mut times: Vec<NaiveTime> = self.times.iter().filter_map(|t| slot_time(t)).collect();
        times.sort();
        times
    }

    /// Whether `time` is one of the queue's slots on `day`.
    pub fn has_slot(&self, day: NaiveDate, time: NaiveTime) -> bool {
        self.times_on(day).contains(&time)
    }
}

fn weekday(name: &str) -> Option<Weekday> {
    DAYS.iter().find(|(n, _)| *n == name).map(|(_, d)| *d)
}

/// "HH:MM" as a time; None otherwise.
pub fn slot_time(s: &str) -> Option<NaiveTime> {
    if s.len() != 5 {
        return None;
    }
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

/// A phone number as the limits count it: a Vietnamese mobile number, 10 digits from 0
/// (`+84` and `84` taken as 0; spaces, dots and dashes ignored); None otherwise.
pub fn phone_number(typed: &str) -> Option<String> {
    if typed.len() > 32 {
        return None;
    }
    let digits: String = typed
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect();
    let digits = digits.strip_prefix('+').unwrap_or(&digits);
    let national = match digits.strip_prefix("84") {
        Some(rest) if rest.len() == 9 => format!("0{rest}"),
        _ => digits.to_string(),
    };
    let mobile = matches!(
        national.as_bytes().get(1),
        Some(b'3' | b'5' | b'7' | b'8' | b'9')
    );
    (national.len() == 10
        && national.starts_with('0')
        && mobile
        && national.bytes().all(|b| b.is_ascii_digit()))
    .then_some(national)
}

/// Where a citizen arriving at `now` stands against a slot starting at `slot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// Too early: the window opens in this many minutes (rounded up).
    Early(i64),
    /// Within the window.
    OnTime,
    /// Too late: the window closed this many minutes ago (rounded up).
    Late(i64),
}

/// `now` against the window from `early` minutes before `slot` to `late` minutes after it
/// (local times, both ends included).
pub fn arrival(slot: NaiveDateTime, now: NaiveDateTime, early: u32, late: u32) -> Arrival {
    let opens = slot - TimeDelta::minutes(i64::from(early));
    let closes = slot + TimeDelta::minutes(i64::from(late));
    let minutes_up = |d: TimeDelta| (d.num_seconds() + 59) / 60;
    if now < opens {
        Arrival::Early(minutes_up(opens - now))
    } else if now > closes {
        Arrival::Late(minutes_up(now - closes))
    } else {
        Arrival::OnTime
    }
}

/// When the window of a citizen `minutes_early` minutes early (as the office counts them,
/// rounded up) opens, to the minute: the time to come back.
pub fn window_opens(now: NaiveDateTime, minutes_early: i64) -> NaiveDateTime {
    let t = now + TimeDelta::minutes(minutes_early);
    t - TimeDelta::seconds(i64::from(t.second()))
        - TimeDelta::nanoseconds(i64::from(t.nanosecond()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_ins_for_priority_groups_only_need_a_bookable_queue() {
        let mut r = rules();
        assert!(r.walk_in.is_all());
        assert!(!serde_json::to_string(&r).unwrap().contains("walk_in"));
        r.walk_in = WalkIn::PriorityOnly;
        assert!(r.check().is_ok());
        let text = serde_json::to_string(&r).unwrap();
        assert!(text.contains(r#""walk_in":"priority_only""#), "{text}");
        assert_eq!(BookingRules::from_json(&text).unwrap(), r);
        r.queues.clear();
        assert!(r.check().unwrap_err().contains("priority_only"));
        assert_eq!(WalkIn::from_code("priority_only"), WalkIn::PriorityOnly);
        assert_eq!(WalkIn::from_code("?"), WalkIn::All);
    }

    fn rules() -> BookingRules {
        BookingRules::from_json(
            r#"{"queues":[{"queue":"A","days":["mon","wed"],"times":["14:00","08:00","08:30"],"per_slot":2}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn rules_take_defaults_and_give_slots_on_their_days_only() {
        let r = rules();
        assert_eq!(
            (r.days_ahead, r.per_phone_active, r.per_phone_day),
            (14, 3, 2)
        );
        assert_eq!(
            (r.early_minutes, r.late_minutes, r.order),
            (10, 15, BookedOrder::SlotFirst)
        );
        let monday = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let q = r.queue("A").unwrap();
        let t = |s| slot_time(s).unwrap();
        assert_eq!(q.times_on(monday), vec![t("08:00"), t("08:30"), t("14:00")]);
        assert!(q.times_on(monday.succ_opt().unwrap()).is_empty());
        assert!(q.has_slot(monday, t("14:00")) && !q.has_slot(monday, t("09:00")));
        assert!(r.queue("B").is_none());
        let days: Vec<_> = r.bookable_days(monday).collect();
        assert_eq!(
            (days.len(), days[14]),
            (15, NaiveDate::from_ymd_opt(2026, 12, 21).unwrap())
        );
    }

    #[test]
    fn bad_rules_are_named() {
        let bad = |json: &str, says: &str| {
            let e = BookingRules::from_json(json).unwrap_err();
            assert!(e.contains(says), "{json}: {e}");
        };
        let q = |inner: &str| format!(r#"{{"queues":[{inner}]}}"#);
        bad(
            &q(r#"{"queue":"a","days":["mon"],"times":["08:00"],"per_slot":1}"#),
            "capital",
        );
        bad(
            &q(r#"{"queue":"A","days":["monday"],"times":["08:00"],"per_slot":1}"#),
            "\"monday\"",
        );
        bad(
            &q(r#"{"queue":"A","days":["mon"],"times":["8:00"],"per_slot":1}"#),
            "HH:MM",
        );
        bad(
            &q(r#"{"queue":"A","days":["mon"],"times":["08:00","08:00"],"per_slot":1}"#),
            "twice",
        );
        bad(
            &q(r#"{"queue":"A","days":["mon"],"times":["08:00"],"per_slot":0}"#),
            "per_slot",
        );
        bad(
            &q(r#"{"queue":"A","days":[],"times":["08:00"],"per_slot":1}"#),
            "days and times",
        );
        bad(r#"{"queues":[],"days_ahead":400}"#, "days_ahead");
        bad(r#"{"queues":[],"per_phone_active":0}"#, "at least 1");
        bad(r#"{"queues":[],"order":"random"}"#, "booking rules");
        bad("[", "booking rules");
    }

    #[test]
    fn phone_numbers_are_read_as_vietnamese_mobiles() {
        for typed in [
            "0912345678",
            "091 234 5678",
            "0912.345.678",
            "+84 912 345 678",
            "84912345678",
        ] {
            assert_eq!(
                phone_number(typed).as_deref(),
                Some("0912345678"),
                "{typed}"
            );
        }
        for typed in [
            "",
            "091234567",
            "09123456789",
            "0212345678",
            "1912345678",
            "09123x5678",
            &"9".repeat(40),
        ] {
            assert_eq!(phone_number(typed), None, "{typed}");
        }
    }

    #[test]
    fn a_citizen_too_early_comes_back_when_the_window_opens() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let slot = day.and_hms_opt(9, 0, 0).unwrap();
        for now in [
            day.and_hms_opt(8, 20, 0).unwrap(),
            day.and_hms_opt(8, 20, 31).unwrap(),
        ] {
            let Arrival::Early(m) = arrival(slot, now, 10, 15) else {
                panic!("early")
            };
            assert_eq!(window_opens(now, m), day.and_hms_opt(8, 50, 0).unwrap());
        }
        assert_eq!(grouped_code("7KQ2M9XD"), "7KQ2-M9XD");
    }

    #[test]
    fn the_window_runs_from_early_to_late_inclusive() {
        let at = |h, m| {
            NaiveDate::from_ymd_opt(2026, 12, 7)
                .unwrap()
                .and_hms_opt(h, m, 0)
                .unwrap()
        };
        let slot = at(9, 0);
        assert_eq!(arrival(slot, at(8, 45), 10, 15), Arrival::Early(5));
        assert_eq!(arrival(slot, at(8, 50), 10, 15), Arrival::OnTime);
        assert_eq!(arrival(slot, at(9, 15), 10, 15), Arrival::OnTime);
        assert_eq!(arrival(slot, at(9, 16), 10, 15), Arrival::Late(1));
        assert_eq!(arrival(slot, at(11, 0), 10, 15), Arrival::Late(105));
    }
}
