//! The admin view (the `AdminAdapter` global): the PIN pad with its lock, the printer, the
//! tickets that did not print and their reprints, the test print and the restart.

use std::sync::mpsc::{Receiver, TryRecvError};

use slint::{ComponentHandle, ModelRc, VecModel};

use super::status::printer_status;
use super::Controller;
use crate::auth::{verify_pin, Attempt};
use crate::domain::clock::{business_date, effective_time};
use crate::domain::ticket::Ticket;
use crate::kiosk::printing::{Job, JobId, JobKind};
use crate::printer::{ticket_bytes, TicketSlip};
use crate::ui::{
    AdminAdapter, App, KeptTicket, NavigationAdapter, Page, PinMessage, PrinterStatus, SlipState,
};

/// The test print's stand-in for a follow token: a real token's length, so its QR code has
/// a real ticket's size, but not a token's shape (its last character is not canonical), so
/// the office's follow page refuses it unread and never shows a citizen's ticket. Scanning
/// it shows staff that the public address answers from a phone.
const TEST_PRINT_TOKEN: &str = "test-print-not-a-token";

/// The admin flow's session: what going home forgets.
#[derive(Default)]
pub(super) struct AdminState {
    /// Digits typed on the PIN pad; never shown, cleared on every exit.
    pub(super) pin: String,
    /// The Argon2 check runs off the UI thread; its answer arrives here.
    pub(super) pin_check: Option<Receiver<bool>>,
    /// Jobs sent from the admin view, whose outcome it reports.
    pub(super) admin_jobs: Vec<JobId>,
}

/// Empties the admin flow's properties: no digit count or message outlives the view.
pub(super) fn reset_ui(app: &App) {
    let g = app.global::<AdminAdapter>();
    g.set_pin_length(0);
    g.set_pin_message(PinMessage::None);
    g.set_pin_attempts_left(0);
    g.set_admin_message(SlipState::None);
}

impl Controller {
    pub(super) fn admin_requested(&self) {
        let page = self
            .ui()
            .map(|a| a.global::<NavigationAdapter>().get_page());
        if matches!(page, Some(Page::AdminPin | Page::Admin)) {
            return;
        }
        if self.config.admin.pin_hash.is_none() {
            log::info!("admin view asked for, but no admin.pin_hash is configured");
            return;
        }
        log::info!("admin PIN pad opened");
        self.admin.borrow_mut().pin.clear();
        if let Some(app) = self.ui() {
            app.global::<AdminAdapter>().set_pin_length(0);
            app.global::<AdminAdapter>()
                .set_pin_message(PinMessage::None);
        }
        self.show_lock_if_locked();
        self.set_page(Page::AdminPin);
    }

    /// Shows the lock message when the keypad is locked; true if it is.
    pub(super) fn show_lock_if_locked(&self) -> bool {
        let attempt = self.pin_guard.borrow_mut().check(self.now());
        match attempt {
            Attempt::Allowed => false,
            Attempt::LockedUntil(until) => {
                if let Some(app) = self.ui() {
                    let local = until.with_timezone(&self.config.tz());
                    app.global::<AdminAdapter>()
                        .set_pin_locked_until(local.format("%H:%M").to_string().into());
                    app.global::<AdminAdapter>()
                        .set_pin_message(PinMessage::Locked);
                }
                true
            }
        }
    }

    pub(super) fn pin_key(&self, key: &str) {
        if self.admin.borrow().pin_check.is_some() {
            return; // a check is running: keys wait for its answer
        }
        match key {
            "back" => {
                self.admin.borrow_mut().pin.pop();
            }
            // Too short to be a PIN: not worth an Argon2 check, nor a strike towards the lock.
            "ok" if self.admin.borrow().pin.len() < *crate::auth::PIN_LENGTH.start() => return,
            "ok" => return self.check_pin(),
            digit if digit.len() == 1 && digit.as_bytes()[0].is_ascii_digit() => {
                let mut s = self.admin.borrow_mut();
                if s.pin.len() < *crate::auth::PIN_LENGTH.end() {
                    s.pin.push_str(digit);
                }
            }
            _ => return,
        }
        if let Some(app) = self.ui() {
            app.global::<AdminAdapter>()
                .set_pin_length(self.admin.borrow().pin.len() as i32);
            if app.global::<AdminAdapter>().get_pin_message() == PinMessage::Wrong {
                app.global::<AdminAdapter>()
                    .set_pin_message(PinMessage::None);
            }
        }
    }

    pub(super) fn check_pin(&self) {
        if self.show_lock_if_locked() {
            self.admin.borrow_mut().pin.clear();
            if let Some(app) = self.ui() {
                app.global::<AdminAdapter>().set_pin_length(0);
            }
            return;
        }
        let Some(hash) = self.config.admin.pin_hash.clone() else {
            return;
        };
        let pin = std::mem::take(&mut self.admin.borrow_mut().pin);
        let (tx, rx) = std::sync::mpsc::channel();
        // Argon2 takes a noticeable moment on the board: the screen must keep answering.
        std::thread::spawn(move || {
            let _ = tx.send(verify_pin(&hash, &pin));
        });
        self.admin.borrow_mut().pin_check = Some(rx);
        if let Some(app) = self.ui() {
            app.global::<AdminAdapter>()
                .set_pin_message(PinMessage::Checking);
        }
    }

    pub(super) fn collect_pin_check(&self) {
        let answer = {
            let s = self.admin.borrow();
            match &s.pin_check {
                Some(rx) => match rx.try_recv() {
                    Ok(ok) => Some(ok),
                    Err(TryRecvError::Empty) => return,
                    Err(TryRecvError::Disconnected) => Some(false),
                },
                None => return,
            }
        };
        self.admin.borrow_mut().pin_check = None;
        let Some(app) = self.ui() else { return };
        app.global::<AdminAdapter>().set_pin_length(0);
        if app.global::<NavigationAdapter>().get_page() != Page::AdminPin {
            return; // the pad was left (idle, home) while the check ran
        }
        if answer == Some(true) {
            log::info!(event = "admin_opened"; "admin view opened");
            self.pin_guard.borrow_mut().succeeded();
            self.keep_pin_guard();
            app.global::<AdminAdapter>()
                .set_pin_message(PinMessage::None);
            app.global::<AdminAdapter>()
                .set_admin_message(SlipState::None);
            self.refresh_admin();
            self.set_page(Page::Admin);
        } else {
            let now = self.now();
            let attempt = self.pin_guard.borrow_mut().failed(now);
            self.keep_pin_guard();
            log::warn!(event = "admin_pin_wrong"; "wrong admin PIN");
            match attempt {
                Attempt::Allowed => {
                    app.global::<AdminAdapter>()
                        .set_pin_attempts_left(self.pin_guard.borrow().attempts_left() as i32);
                    app.global::<AdminAdapter>()
                        .set_pin_message(PinMessage::Wrong);
                }
                Attempt::LockedUntil(_) => {
                    log::warn!(event = "admin_pin_locked"; "admin PIN pad locked after too many wrong PINs");
                    self.show_lock_if_locked();
                }
            }
        }
    }

    /// Stores the PIN guard's failures and lock, so a restart keeps them.
    pub(super) fn keep_pin_guard(&self) {
        let state = self.pin_guard.borrow().state();
        let json = serde_json::to_string(&state).expect("a guard state serialises");
        if let Err(e) = self.store.borrow_mut().set_admin_guard(&json) {
            log::error!("cannot keep the PIN guard state: {e:#}");
        }
    }

    /// Today's tickets whose receipt did not print.
    pub(super) fn kept_tickets(&self) -> Vec<Ticket> {
        let store = self.store.borrow();
        let effective = effective_time(self.now(), store.high_water().ok().flatten()).at;
        let today = business_date(effective, self.config.tz());
        store.unprinted_on(today).unwrap_or_else(|e| {
            log::error!("cannot list the unprinted tickets: {e:#}");
            Vec::new()
        })
    }

    /// Puts the printer's state and the kept tickets on the admin page.
    pub(super) fn refresh_admin(&self) {
        let Some(app) = self.ui() else { return };
        let (state, checked) = {
            let s = self.printer_seen.borrow();
            (s.printer_state, s.printer_checked)
        };
        app.global::<AdminAdapter>()
            .set_printer_state(state.map_or(PrinterStatus::Unknown, printer_status));
        app.global::<AdminAdapter>()
            .set_printer_checked(self.time_of_day(checked));
        let kept = self.kept_tickets();
        let tz = self.config.tz();
        let items: Vec<KeptTicket> = kept
            .iter()
            .map(|t| KeptTicket {
                id: t.id.clone().into(),
                number: t.display_number().into(),
                time: t
                    .issued_at
                    .with_timezone(&tz)
                    .format("%H:%M")
                    .to_string()
                    .into(),
                field: self.field_name(&t.field).into(),
            })
            .collect();
        app.global::<AdminAdapter>()
            .set_kept_total(items.len() as i32);
        app.global::<AdminAdapter>()
            .set_kept(ModelRc::new(VecModel::from(items)));
        let status = self.sync.as_ref().map(|s| s.status()).unwrap_or_default();
        self.show_sync_status(&status);
    }

    /// Sends reprints of kept tickets; each counts as printed only when it prints.
    pub(super) fn reprint(&self, ids: &[String]) {
        let mut sent = 0;
        for id in ids {
            let ticket = match self.store.borrow().ticket(id) {
                Ok(Some(t)) => t,
                Ok(None) => continue,
                Err(e) => {
                    log::error!("cannot read ticket {id}: {e:#}");
                    continue;
                }
            };
            // Printed meanwhile, or a copy already on its way: a second slip would be a
            // duplicate.
            if ticket.printed_at.is_some() || self.printer.is_pending(&ticket.id) {
                continue;
            }
            let ahead = self.store.borrow().waiting_before(&ticket).unwrap_or(0);
            let wait = self
                .config
                .queue(&ticket.queue)
                .map_or(0, |q| self.wait_minutes(q, ahead, ticket.business_date));
            log::info!(event = "reprint", ticket = ticket.display_number(); "reprint of ticket {} sent", ticket.display_number());
            let job = self
                .printer
                .submit(self.receipt_job(&ticket, ahead, wait, true));
            self.admin.borrow_mut().admin_jobs.push(job);
            sent += 1;
        }
        if sent > 0 {
            if let Some(app) = self.ui() {
                app.global::<AdminAdapter>()
                    .set_admin_message(SlipState::Sent);
            }
        }
    }

    /// Ends the event loop so the kiosk restarts (see `KioskApp::run`).
    pub(super) fn request_restart(&self) {
        log::info!(event = "restart_asked"; "restart asked for in the admin view");
        self.restart.set(true);
        // Outside a running loop (the UI tests) there is nothing to quit.
        let _ = slint::quit_event_loop();
    }

    /// A sample receipt in the configured text mode, so staff see that printing works.
    pub(super) fn test_print(&self) {
        let local = self.now().with_timezone(&self.config.tz()).naive_local();
        let address = self.qr_address("test", Some(TEST_PRINT_TOKEN));
        let slip = TicketSlip {
            office: self.config.office.name.clone(),
            field: "Trang in thử".into(),
            number: "A000".into(),
            issued_local: local,
            ahead: 0,
            wait_minutes: None,
            qr_payload: address.url,
            follow: address.follow,
            priority: false,
            reprint: false,
        };
        let job = self.printer.submit(Job {
            kind: JobKind::TestPrint,
            stem: format!("{}-test", local.format("%Y%m%d-%H%M%S")),
            bytes: ticket_bytes(&slip, &self.profile),
        });
        self.admin.borrow_mut().admin_jobs.push(job);
        if let Some(app) = self.ui() {
            app.global::<AdminAdapter>()
                .set_admin_message(SlipState::Sent);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_prints_token_has_a_tokens_length_but_not_its_shape() {
        assert_eq!(TEST_PRINT_TOKEN.len(), crate::follow::TOKEN_LEN);
        assert!(!crate::follow::is_token(TEST_PRINT_TOKEN));
    }
}
