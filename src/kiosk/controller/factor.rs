//! The lookup's second factor: the lookup secret on the receipt or the phone's last four
//! digits, with wrong answers limited; only a match opens a dossier's details. Its typed
//! characters live in the lookup flow's state, so going home forgets them with the rest.

use slint::ComponentHandle;

use super::{type_key, Controller, Keyed};
use crate::kiosk::store::LookupOutcome;
use crate::ui::{FactorMessage, LookupAdapter, Page};

/// The second factor is at most this long (a secret of up to 32 characters).
const FACTOR_MAX: usize = 32;

impl Controller {
    pub(super) fn open_factor(&self) {
        if self.lookup.borrow().dossier.is_none() {
            return;
        }
        self.lookup.borrow_mut().factor_input.clear();
        if let Some(app) = self.ui() {
            app.global::<LookupAdapter>().set_factor_length(0);
            let limited = self.factor_attempts_left().is_some_and(|n| n == 0);
            if limited {
                if let Some((code, _)) = self.lookup.borrow().dossier.clone() {
                    self.log_lookup(&code, LookupOutcome::Limited);
                }
            }
            app.global::<LookupAdapter>()
                .set_factor_message(if limited {
                    FactorMessage::Limited
                } else {
                    FactorMessage::None
                });
        }
        self.set_page(Page::Factor);
    }

    pub(super) fn factor_key(&self, key: &str) {
        let keyed = type_key(&mut self.lookup.borrow_mut().factor_input, key, FACTOR_MAX);
        match keyed {
            Keyed::Edited => {}
            Keyed::Done => {
                let typed = std::mem::take(&mut self.lookup.borrow_mut().factor_input);
                if let Some(app) = self.ui() {
                    app.global::<LookupAdapter>().set_factor_length(0);
                }
                return self.check_factor(&typed);
            }
            Keyed::Ignored => return,
        }
        if let Some(app) = self.ui() {
            app.global::<LookupAdapter>()
                .set_factor_length(self.lookup.borrow().factor_input.chars().count() as i32);
        }
    }

    /// Wrong second factors left for the dossier on screen within the window.
    pub(super) fn factor_attempts_left(&self) -> Option<u32> {
        let code = self.lookup.borrow().dossier.as_ref()?.0.clone();
        let since = self.now()
            - chrono::TimeDelta::minutes(self.config.lookup.attempt_window_minutes.into());
        let mut store = self.store.borrow_mut();
        let failed = store
            .code_key(&code)
            .and_then(|key| store.failed_attempts(&key, since));
        match failed {
            Ok(n) => Some(self.config.lookup.max_attempts.saturating_sub(n)),
            Err(e) => {
                log::error!("cannot count lookup attempts: {e:#}");
                Some(0) // fail closed: no details without a working limiter
            }
        }
    }

    pub(super) fn check_factor(&self, given: &str) {
        let Some(code) = self.lookup.borrow().dossier.as_ref().map(|d| d.0.clone()) else {
            return;
        };
        let Some(app) = self.ui() else { return };
        let now = self.now();
        if self.factor_attempts_left() == Some(0) {
            self.log_lookup(&code, LookupOutcome::Limited);
            app.global::<LookupAdapter>()
                .set_factor_message(FactorMessage::Limited);
            self.set_page(Page::Factor);
            return;
        }
        let dossier = match self.store.borrow().dossier(&code) {
            Ok(Some(d)) => d,
            _ => return self.go_home(),
        };
        if crate::kiosk::lookup::second_factor_matches(&dossier, given) {
            self.log_lookup(&code, LookupOutcome::Details);
            self.lookup.borrow_mut().dossier = Some((code, true));
            app.global::<LookupAdapter>()
                .set_factor_message(FactorMessage::None);
            self.show_dossier(&dossier, true, now);
            self.set_page(Page::Dossier);
            return;
        }
        self.log_lookup(&code, LookupOutcome::WrongFactor);
        let recorded = {
            let mut store = self.store.borrow_mut();
            store
                .code_key(&code)
                .and_then(|key| store.record_failed_attempt(&key, now))
        };
        if let Err(e) = recorded {
            // An attempt that cannot be counted must not be free: stop here.
            log::error!("cannot record a lookup attempt: {e:#}");
            app.global::<LookupAdapter>()
                .set_factor_message(FactorMessage::Limited);
            self.set_page(Page::Factor);
            return;
        }
        match self.factor_attempts_left() {
            Some(0) | None => app
                .global::<LookupAdapter>()
                .set_factor_message(FactorMessage::Limited),
            Some(n) => {
                app.global::<LookupAdapter>()
                    .set_factor_attempts_left(n as i32);
                app.global::<LookupAdapter>()
                    .set_factor_message(FactorMessage::Wrong);
            }
        }
        self.set_page(Page::Factor);
    }
}
