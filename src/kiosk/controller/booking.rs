//! Checking a booking in (the `BookingAdapter` global): the code keyboard and the scanner,
//! the office's answer collected on the tick (the UI thread never waits on the network),
//! the booked ticket, or why there is none with the usual ticket instead.

use std::sync::mpsc::{Receiver, TryRecvError};

use slint::{ComponentHandle, SharedString};

use super::{type_key, Controller, Keyed};
use crate::domain::booking::{grouped_code, normalize_code, window_opens};
use crate::domain::priority::PriorityGroup;
use crate::kiosk::sync::SyncError;
use crate::protocol::{CheckInAnswer, CheckInResult};
use crate::ui::{App, BookingAdapter, BookingResult, NavigationAdapter, Page};

/// Longest text the code keyboard keeps: a code with a dash and a few slips.
const INPUT_MAX: usize = 16;

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
    /// The last code asked for and its ticket id: asking again for it (after a dropped
    /// answer) sends the same id, which the office answers alike.
    asked: Option<(String, String)>,
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
                return self.check_in(&typed);
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
        let ticket_id = {
            let mut s = self.booking.borrow_mut();
            match &s.asked {
                Some((asked, id)) if *asked == code => id.clone(),
                _ => {
                    let id = uuid::Uuid::new_v4().to_string();
                    s.asked = Some((code.clone(), id.clone()));
                    id
                }
            }
        };
        log::info!("checking a booking in");
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
            }
            Some(Err(e)) => {
                log::warn!("cannot check a booking in: {e}");
                self.booking_refused(BookingResult::Offline, None);
            }
            None => self.booking_refused(BookingResult::Offline, None),
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
        let booked = Some((pending.ticket_id, grouped_code(&pending.code)));
        if let Some(app) = self.ui() {
            // Before the page changes, so the ticket page shows it from its first frame.
            let g = app.global::<BookingAdapter>();
            g.set_result(BookingResult::None);
            g.set_booked_time(answer.time.as_str().into());
        }
        if let Err(e) = self.issue_in(&queue, &answer.field, PriorityGroup::None, booked) {
            log::error!("could not issue a booked ticket: {e:#}");
            self.set_page(Page::Error);
        }
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
