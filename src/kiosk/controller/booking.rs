//! Checking a booking in (the `BookingAdapter` global): the code keyboard and the scanner,
//! the office's answer collected on the tick (the UI thread never waits on the network),
//! the booked ticket, or why there is none with the usual ticket instead.
//!
//! The office binds a booking to the ticket id the kiosk sends, and answers the same id
//! alike. A check-in the citizen leaves before its answer (home, the idle timeout), or whose
//! answer never came, may have bound the booking all the same; its id is kept for the day
//! ([`Abandoned`]) and sent again when the code comes back, so the office answers as the
//! first time and the citizen gets that ticket instead of "used".

use std::sync::mpsc::{Receiver, TryRecvError};

use chrono::NaiveDate;
use slint::{ComponentHandle, SharedString};

use super::{type_key, Controller, Keyed};
use crate::domain::booking::{grouped_code, normalize_code, window_opens};
use crate::domain::clock::business_date;
use crate::domain::priority::PriorityGroup;
use crate::kiosk::sync::SyncError;
use crate::protocol::{CheckInAnswer, CheckInResult};
use crate::ui::{App, BookingAdapter, BookingResult, NavigationAdapter, Page};

/// Longest text the code keyboard keeps: a code with a dash and a few slips.
const INPUT_MAX: usize = 16;

/// How many left check-ins the kiosk keeps: far more than one kiosk sees in a day, and a
/// bound however many codes are typed.
const ABANDONED_MAX: usize = 128;

/// A check-in asked of the office, its answer still to come.
pub(super) struct Pending {
    /// The canonical code asked for.
    code: String,
    /// The id the ticket will have.
    ticket_id: String,
    answer: Receiver<Result<CheckInAnswer, SyncError>>,
}

/// The booking flow's session: what going home forgets.
#[derive(Default)]
pub(super) struct BookingState {
    /// The code typed on the keyboard.
    input: String,
    /// The check-in under way.
    pending: Option<Pending>,
}

/// The ticket ids of check-ins whose answer was never acted on, by canonical code, for
/// their business day. Not a session's: it outlives going home (that is its point), holds
/// no more than a code the citizen will type again and an id, and is never shown.
#[derive(Default)]
pub(super) struct Abandoned {
    /// (code, ticket id, business day), oldest first.
    ids: Vec<(String, String, NaiveDate)>,
}

impl Abandoned {
    /// The id sent for `code` on `day`, if one was left.
    fn id_for(&self, code: &str, day: NaiveDate) -> Option<String> {
        self.ids
            .iter()
            .find(|(c, _, d)| c == code && *d == day)
            .map(|(_, id, _)| id.clone())
    }

    /// Keeps `id` for `code` on `day`, dropping other days' and, past the bound, the oldest.
    fn remember(&mut self, code: &str, id: &str, day: NaiveDate) {
        self.ids.retain(|(c, _, d)| *d == day && c != code);
        if self.ids.len() >= ABANDONED_MAX {
            self.ids.remove(0);
        }
        self.ids.push((code.to_string(), id.to_string(), day));
    }

    /// The ticket for `code` was issued: its id must never be issued again.
    fn forget(&mut self, code: &str) {
        self.ids.retain(|(c, _, _)| c != code);
    }
}

/// Empties the booking flow's properties; `available` is the kiosk's, not the session's.
pub(super) fn reset_ui(app: &App) {
    let g = app.global::<BookingAdapter>();
    g.set_input(SharedString::new());
    g.set_result(BookingResult::None);
    g.set_code(SharedString::new());
    g.set_time(SharedString::new());
    g.set_day(SharedString::new());
    g.set_minutes(0);
    g.set_come_back_at(SharedString::new());
    g.set_booked_time(SharedString::new());
}

impl Controller {
    pub(super) fn open_booking(&self) {
        if self.sync.is_none() {
            return;
        }
        *self.booking.borrow_mut() = BookingState::default();
        if let Some(app) = self.ui() {
            reset_ui(&app);
        }
        self.set_page(Page::Booking);
    }

    pub(super) fn booking_key(&self, key: &str) {
        if self.booking.borrow().pending.is_some() {
            return;
        }
        let keyed = type_key(&mut self.booking.borrow_mut().input, key, INPUT_MAX);
        match keyed {
            Keyed::Edited => {}
            Keyed::Done => {
                let typed = self.booking.borrow().input.clone();
                self.check_in(&typed);
                return self.booking_answer_changed();
            }
            Keyed::Ignored => return,
        }
        if let Some(app) = self.ui() {
            let g = app.global::<BookingAdapter>();
            g.set_input(self.booking.borrow().input.clone().into());
            g.set_result(BookingResult::None);
        }
    }

    /// Whether a scanned line is a booking code this kiosk can check in: the scanner then
    /// reaches the booking flow instead of the lookup.
    pub(super) fn is_booking_scan(&self, scanned: &str) -> bool {
        self.sync.is_some() && normalize_code(scanned.trim()).is_some()
    }

    /// A scanned booking code, from home or the booking page.
    pub(super) fn scanned_booking(&self, scanned: &str) {
        if self.booking.borrow().pending.is_some() {
            return;
        }
        let on_page = self
            .ui()
            .is_some_and(|app| app.global::<NavigationAdapter>().get_page() == Page::Booking);
        if !on_page {
            self.open_booking();
        }
        let code = normalize_code(scanned.trim()).map(|c| grouped_code(&c));
        self.booking.borrow_mut().input = code.clone().unwrap_or_default();
        if let Some(app) = self.ui() {
            app.global::<BookingAdapter>()
                .set_input(code.unwrap_or_default().into());
        }
        self.check_in(scanned.trim());
        self.booking_answer_changed();
    }

    /// Asks the office about `typed` on a thread; the tick collects the answer.
    fn check_in(&self, typed: &str) {
        let Some(app) = self.ui() else { return };
        let g = app.global::<BookingAdapter>();
        let Some(code) = normalize_code(typed) else {
            g.set_result(BookingResult::BadCode);
            return;
        };
        let Some(sync) = &self.sync else {
            return self.booking_refused(BookingResult::Offline, None);
        };
        // A check-in of this code left earlier today may have bound the booking to its id:
        // the same id gets the office's first answer again.
        let left = self.abandoned.borrow().id_for(&code, self.business_day());
        let ticket_id = match left {
            Some(id) => {
                log::info!("checking a booking in again with the ticket id of a left check-in");
                id
            }
            None => {
                log::info!("checking a booking in");
                uuid::Uuid::new_v4().to_string()
            }
        };
        let answer = sync.check_in(&code, &ticket_id);
        self.booking.borrow_mut().pending = Some(Pending {
            code,
            ticket_id,
            answer,
        });
        g.set_result(BookingResult::Checking);
    }

    /// On the tick: the office's answer, once it came.
    pub(super) fn collect_check_in(&self) {
        let got = {
            let s = self.booking.borrow();
            let Some(p) = &s.pending else { return };
            match p.answer.try_recv() {
                Err(TryRecvError::Empty) => return,
                Ok(answer) => Some(answer),
                Err(TryRecvError::Disconnected) => None,
            }
        };
        let Some(pending) = self.booking.borrow_mut().pending.take() else {
            return;
        };
        match got {
            Some(Ok(answer)) => self.checked(answer, pending),
            Some(Err(SyncError::Office { status: 404, .. })) => {
                log::info!("no booking has the code given");
                if let Some(app) = self.ui() {
                    app.global::<BookingAdapter>()
                        .set_result(BookingResult::Unknown);
                }
                self.booking_answer_changed();
            }
            Some(Err(e)) => {
                log::warn!("cannot check a booking in: {e}");
                // The office may have bound the booking before the answer was lost.
                self.remember_check_in(&pending);
                self.booking_refused(BookingResult::Offline, None);
            }
            None => {
                self.remember_check_in(&pending);
                self.booking_refused(BookingResult::Offline, None);
            }
        }
    }

    /// Acts on the office's answer: the ticket, or why there is none.
    fn checked(&self, answer: CheckInAnswer, pending: Pending) {
        let shown = match answer.result {
            CheckInResult::CheckedIn => return self.issue_booked(&answer, pending),
            CheckInResult::TooEarly => BookingResult::TooEarly,
            CheckInResult::TooLate => BookingResult::TooLate,
            CheckInResult::Cancelled => BookingResult::Cancelled,
            CheckInResult::Used => BookingResult::Used,
            CheckInResult::OtherDay => BookingResult::OtherDay,
        };
        log::info!("booking not checked in: {:?}", answer.result);
        self.booking_refused(shown, Some(&answer));
    }

    /// The ticket of a checked-in booking, in its queue and field, with the id the office
    /// was given; then the usual ticket page with the booked time.
    fn issue_booked(&self, answer: &CheckInAnswer, pending: Pending) {
        let queue = self
            .config
            .queue(&answer.queue)
            .or_else(|| self.config.queue_for_field(&answer.field))
            .cloned();
        let Some(queue) = queue else {
            log::error!(
                "booking's queue {} is not one of this kiosk's queues",
                answer.queue
            );
            return self.set_page(Page::Error);
        };
        let booked = Some((pending.ticket_id.clone(), grouped_code(&pending.code)));
        if let Some(app) = self.ui() {
            // Before the page changes, so the ticket page shows it from its first frame.
            let g = app.global::<BookingAdapter>();
            g.set_result(BookingResult::None);
            g.set_booked_time(answer.time.as_str().into());
        }
        match self.issue_in(&queue, &answer.field, PriorityGroup::None, booked) {
            // Issued once: the id is never sent again, so a later try is told "used".
            Ok(()) => self.abandoned.borrow_mut().forget(&pending.code),
            Err(e) => {
                log::error!("could not issue a booked ticket: {e:#}");
                // The office bound the booking to this id: a try once fixed gets the ticket.
                self.remember_check_in(&pending);
                self.set_page(Page::Error);
            }
        }
    }

    /// Going home (or the idle timeout) with a check-in under way: its answer is dropped,
    /// and no ticket is issued for a citizen who is gone, but its id is kept so the same
    /// code typed again gets the ticket the office may already have bound.
    pub(super) fn leave_check_in(&self) {
        let pending = self.booking.borrow_mut().pending.take();
        if let Some(p) = pending {
            log::info!("a check-in was left before its answer; its ticket id is kept for the day");
            self.remember_check_in(&p);
        }
    }

    fn remember_check_in(&self, p: &Pending) {
        let day = self.business_day();
        self.abandoned
            .borrow_mut()
            .remember(&p.code, &p.ticket_id, day);
    }

    fn business_day(&self) -> NaiveDate {
        business_date(self.now(), self.config.tz())
    }

    /// Shows why a booking gives no ticket now, with the usual ticket offered.
    fn booking_refused(&self, result: BookingResult, answer: Option<&CheckInAnswer>) {
        let Some(app) = self.ui() else { return };
        let g = app.global::<BookingAdapter>();
        g.set_result(result);
        if let Some(a) = answer {
            g.set_code(a.code.as_str().into());
            g.set_time(a.time.as_str().into());
            g.set_day(a.day.format("%d/%m/%Y").to_string().into());
            let minutes = a.minutes.unwrap_or(0);
            g.set_minutes(minutes.clamp(0, i64::from(i32::MAX)) as i32);
            let now = self.now().with_timezone(&self.config.tz()).naive_local();
            // The office says when the window opens; an older one only how long until then.
            let opens = a
                .opens
                .clone()
                .unwrap_or_else(|| window_opens(now, minutes).format("%H:%M").to_string());
            g.set_come_back_at(opens.into());
        }
        self.set_page(Page::BookingResult);
    }

    /// The booking cannot be used: the usual ticket flow, from its first page.
    pub(super) fn take_normal_ticket(&self) {
        *self.booking.borrow_mut() = BookingState::default();
        if let Some(app) = self.ui() {
            reset_ui(&app);
        }
        self.take_ticket();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_left_ids_per_code_for_their_day_within_a_bound() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let next = day.succ_opt().unwrap();
        let mut a = Abandoned::default();
        a.remember("7KQ2M9XD", "id-1", day);
        assert_eq!(a.id_for("7KQ2M9XD", day).as_deref(), Some("id-1"));
        assert_eq!(a.id_for("7KQ2M9XD", next), None, "only on its day");
        assert_eq!(a.id_for("00000000", day), None);
        // A second id for the same code replaces the first.
        a.remember("7KQ2M9XD", "id-2", day);
        assert_eq!(a.id_for("7KQ2M9XD", day).as_deref(), Some("id-2"));
        assert_eq!(a.ids.len(), 1);
        // A new day drops the old one's.
        a.remember("AAAAAAAA", "id-3", next);
        assert_eq!(a.ids.len(), 1);
        // Issued: forgotten.
        a.forget("AAAAAAAA");
        assert_eq!(a.id_for("AAAAAAAA", next), None);
        // Bounded: the oldest goes first.
        for i in 0..ABANDONED_MAX + 5 {
            a.remember(&format!("{i:08}"), &format!("id-{i}"), day);
        }
        assert_eq!(a.ids.len(), ABANDONED_MAX);
        assert_eq!(a.id_for("00000000", day), None);
        let last = format!("{:08}", ABANDONED_MAX + 4);
        assert!(a.id_for(&last, day).is_some());
    }
}
