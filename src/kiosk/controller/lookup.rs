//! Looking up a dossier (the `LookupAdapter` global): the code keyboard and the scanner,
//! the public status, the second factor with its attempt limit, and the status slip.

use chrono::{DateTime, Utc};
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::{type_key, Controller, Keyed};
use crate::config::Language;
use crate::domain::dossier_code::{extract, parse_code, CodeError, MAX_CODE_LEN};
use crate::domain::priority::PriorityGroup;
use crate::dossier_import::DossierRecord;
use crate::kiosk::printing::{Job, JobKind};
use crate::kiosk::store::LookupOutcome;
use crate::printer::{status_slip_bytes, StatusSlip};
use crate::ui::{
    App, DossierInfo, DossierStatus, FactorMessage, LookupAdapter, LookupError, NavigationAdapter,
    Page, SlipState, StepInfo, Timeliness,
};

/// A scanner's line longer than this is noise, not a receipt.
const SCAN_MAX: usize = 512;

/// The lookup flow's session: what going home forgets.
#[derive(Default)]
pub(super) struct LookupState {
    /// The code typed on the lookup keyboard.
    pub(super) lookup_input: String,
    /// The dossier on screen (canonical code) and whether its details are open.
    pub(super) dossier: Option<(String, bool)>,
    /// The second factor typed so far; never shown.
    pub(super) factor_input: String,
    /// What the scanner typed since its last Enter.
    pub(super) scan: String,
    /// The scanner's line grew past [`SCAN_MAX`]: noise, dropped at Enter.
    pub(super) scan_overflow: bool,
}

/// Empties the lookup flow's properties: nothing of a dossier stays for the next person.
pub(super) fn reset_ui(app: &App) {
    let g = app.global::<LookupAdapter>();
    g.set_lookup_input(SharedString::new());
    g.set_lookup_error(LookupError::None);
    g.set_dossier(DossierInfo::default());
    g.set_dossier_steps(ModelRc::default());
    g.set_factor_length(0);
    g.set_factor_message(FactorMessage::None);
    g.set_factor_attempts_left(0);
    g.set_slip_state(SlipState::None);
}

impl Controller {
    pub(super) fn open_lookup(&self) {
        self.lookup.borrow_mut().lookup_input.clear();
        if let Some(app) = self.ui() {
            app.global::<LookupAdapter>()
                .set_lookup_input(SharedString::new());
            app.global::<LookupAdapter>()
                .set_lookup_error(LookupError::None);
        }
        self.set_page(Page::Lookup);
    }

    pub(super) fn lookup_key(&self, key: &str) {
        let keyed = type_key(
            &mut self.lookup.borrow_mut().lookup_input,
            key,
            MAX_CODE_LEN,
        );
        match keyed {
            Keyed::Edited => {}
            Keyed::Done => {
                let typed = self.lookup.borrow().lookup_input.clone();
                return self.look_up(parse_code(&typed).map(|c| (c, None)));
            }
            Keyed::Ignored => return,
        }
        if let Some(app) = self.ui() {
            app.global::<LookupAdapter>()
                .set_lookup_input(self.lookup.borrow().lookup_input.clone().into());
            app.global::<LookupAdapter>()
                .set_lookup_error(LookupError::None);
        }
    }

    /// Keys from a keyboard-wedge scanner: collected until Enter, then looked up.
    pub(super) fn scanner_text(&self, text: &str) {
        let page = match self.ui() {
            Some(app) => app.global::<NavigationAdapter>().get_page(),
            None => return,
        };
        if !matches!(
            page,
            Page::Home | Page::Lookup | Page::Dossier | Page::Factor | Page::Booking
        ) {
            // Mid-ticket or in the admin view a scan would yank the screen away.
            let mut s = self.lookup.borrow_mut();
            s.scan.clear();
            s.scan_overflow = false;
            return;
        }
        self.restart_idle();
        if text == "\n" || text == "\r" {
            let (scanned, overflow) = {
                let mut s = self.lookup.borrow_mut();
                (
                    std::mem::take(&mut s.scan),
                    std::mem::replace(&mut s.scan_overflow, false),
                )
            };
            if overflow || scanned.trim().is_empty() {
                return;
            }
            log::info!("scanner read {} characters", scanned.chars().count());
            // A booking's code (its QR holds just the code) goes to the booking flow.
            if matches!(page, Page::Home | Page::Booking) && self.is_booking_scan(&scanned) {
                return self.scanned_booking(&scanned);
            }
            if page == Page::Booking {
                return;
            }
            let found = extract(&scanned)
                .map(|s| (s.code, s.secret))
                .ok_or(CodeError::BadShape);
            if let Some(app) = self.ui() {
                app.global::<LookupAdapter>()
                    .set_lookup_input(SharedString::new());
            }
            self.lookup.borrow_mut().lookup_input.clear();
            return self.look_up(found);
        }
        // The scanner presses Shift before capitals: Slint delivers modifiers and other
        // special keys as control characters or in U+F700–U+F8FF; they are not text.
        let text: String = text
            .chars()
            .filter(|c| !c.is_control() && !('\u{F700}'..='\u{F8FF}').contains(c))
            .collect();
        let mut s = self.lookup.borrow_mut();
        if s.scan.len() + text.len() <= SCAN_MAX {
            s.scan.push_str(&text);
        } else {
            s.scan_overflow = true;
        }
    }

    /// Shows the dossier for a parsed code, or says why there is none. A secret that came
    /// with the code (a scanned receipt's QR) counts as a second-factor attempt.
    pub(super) fn look_up(
        &self,
        parsed: Result<(crate::domain::dossier_code::DossierCode, Option<String>), CodeError>,
    ) {
        let Some(app) = self.ui() else { return };
        let (code, secret) = match parsed {
            Ok(found) => found,
            Err(e) => {
                app.global::<LookupAdapter>().set_lookup_error(match e {
                    CodeError::Empty => LookupError::Empty,
                    CodeError::TooLong => LookupError::TooLong,
                    CodeError::ProcedureCode => LookupError::Procedure,
                    CodeError::BadShape => LookupError::Shape,
                    CodeError::BadDate => LookupError::Date,
                });
                self.set_page(Page::Lookup);
                return;
            }
        };
        let now = self.now();
        let found = self.store.borrow().dossier(code.as_str());
        let dossier = match found {
            Ok(Some(d)) => d,
            Ok(None) => {
                self.log_lookup(code.as_str(), LookupOutcome::NotFound);
                app.global::<LookupAdapter>()
                    .set_lookup_input(code.as_str().into());
                self.lookup.borrow_mut().lookup_input = code.as_str().to_string();
                app.global::<LookupAdapter>()
                    .set_lookup_error(LookupError::NotFound);
                self.set_page(Page::Lookup);
                return;
            }
            Err(e) => {
                log::error!("dossier lookup failed: {e:#}");
                self.set_page(Page::Error);
                return;
            }
        };
        self.log_lookup(code.as_str(), LookupOutcome::Found);
        self.lookup.borrow_mut().dossier = Some((code.as_str().to_string(), false));
        app.global::<LookupAdapter>()
            .set_slip_state(SlipState::None);
        app.global::<LookupAdapter>()
            .set_factor_message(FactorMessage::None);
        self.show_dossier(&dossier, false, now);
        self.set_page(Page::Dossier);
        if let Some(secret) = secret {
            self.check_factor(&secret);
        }
    }

    pub(super) fn log_lookup(&self, code: &str, outcome: LookupOutcome) {
        let mut store = self.store.borrow_mut();
        let logged = store
            .code_key(code)
            .and_then(|key| store.log_lookup(&key, outcome, self.now()));
        if let Err(e) = logged {
            log::error!("cannot log a lookup: {e:#}");
        }
    }

    /// Puts a dossier on screen; the details only when `details` (the second factor matched).
    pub(super) fn show_dossier(&self, d: &DossierRecord, details: bool, now: DateTime<Utc>) {
        let Some(app) = self.ui() else { return };
        let tz = self.config.tz();
        let public = crate::kiosk::lookup::public_status(d, now, tz, &self.config.hours.sessions);
        let mut info = DossierInfo {
            code: d.code.as_str().into(),
            status: dossier_status(public.status),
            due_time: public
                .due
                .map(|t| t.format("%H:%M").to_string())
                .unwrap_or_default()
                .into(),
            due_date: public
                .due
                .map(|t| t.format("%d/%m/%Y").to_string())
                .unwrap_or_default()
                .into(),
            overdue: public.overdue,
            new_due_time: public
                .new_due
                .map(|t| t.format("%H:%M").to_string())
                .unwrap_or_default()
                .into(),
            new_due_date: public
                .new_due
                .map(|t| t.format("%d/%m/%Y").to_string())
                .unwrap_or_default()
                .into(),
            timeliness: public.timeliness.map_or(Timeliness::None, |t| match t {
                crate::domain::dossier::Timeliness::Early => Timeliness::Early,
                crate::domain::dossier::Timeliness::OnTime => Timeliness::OnTime,
                crate::domain::dossier::Timeliness::Late => Timeliness::Late,
            }),
            pickup: public.pickup_place.into(),
            ..DossierInfo::default()
        };
        let mut steps = Vec::new();
        if details {
            let more = crate::kiosk::lookup::details(d);
            info.details = true;
            info.masked_name = more.masked_name.into();
            info.note = more.note.into();
            let procedure = self
                .store
                .borrow()
                .procedure_by_code(&d.procedure_code)
                .ok()
                .flatten();
            if let Some(p) = procedure.filter(|p| !p.sensitive) {
                info.procedure = match self.language.get() {
                    Language::Vi => p.name_vi,
                    Language::En => p.name_en,
                }
                .into();
            }
            let stored = self.store.borrow().dossier_steps(d.code.as_str());
            steps = stored
                .unwrap_or_else(|e| {
                    log::error!("cannot read a dossier's steps: {e:#}");
                    Vec::new()
                })
                .into_iter()
                .map(|s| StepInfo {
                    status: dossier_status(s.status),
                    time: s
                        .at
                        .with_timezone(&tz)
                        .format("%H:%M %d/%m/%Y")
                        .to_string()
                        .into(),
                })
                .collect();
        }
        app.global::<LookupAdapter>().set_dossier(info);
        app.global::<LookupAdapter>()
            .set_dossier_steps(ModelRc::new(VecModel::from(steps)));
    }

    /// A status slip of the dossier on screen: no name, no phone, no procedure.
    pub(super) fn print_status(&self) {
        let Some(code) = self.lookup.borrow().dossier.as_ref().map(|d| d.0.clone()) else {
            return;
        };
        let dossier = match self.store.borrow().dossier(&code) {
            Ok(Some(d)) => d,
            _ => return,
        };
        let now = self.now();
        let tz = self.config.tz();
        let public =
            crate::kiosk::lookup::public_status(&dossier, now, tz, &self.config.hours.sessions);
        let slip = StatusSlip {
            office: self.config.office.name.clone(),
            code: code.clone(),
            status_vi: public.status.label_vi().to_string(),
            due_local: public.due,
            verdict_vi: if let Some(new) = public.new_due {
                Some(format!(
                    "Quá hạn. Hẹn trả mới: {} ngày {}",
                    new.format("%H:%M"),
                    new.format("%d/%m/%Y")
                ))
            } else if public.overdue {
                Some("Quá hạn".to_string())
            } else {
                public
                    .timeliness
                    .map(|t| format!("Kết quả: {}", t.label_vi().to_lowercase()))
            },
            pickup_place: public.pickup_place,
            printed_local: now.with_timezone(&tz).naive_local(),
        };
        self.printer.submit(Job {
            kind: JobKind::StatusSlip,
            stem: format!("{}-status", now.with_timezone(&tz).format("%Y%m%d-%H%M%S")),
            bytes: status_slip_bytes(&slip, &self.profile),
        });
        if let Some(app) = self.ui() {
            app.global::<LookupAdapter>()
                .set_slip_state(SlipState::Sent);
        }
    }

    /// A ready dossier: one tap takes a number for the counter that hands out results.
    pub(super) fn take_result_ticket(&self) {
        let queue = match &self.config.lookup.result_queue {
            Some(prefix) => self.config.queue(prefix),
            None => self.config.queues.first(),
        };
        let Some(field) = queue.and_then(|q| q.fields.first()).cloned() else {
            log::error!("no queue for results is configured");
            return;
        };
        if self.show_closed_if_closed() {
            return;
        }
        if let Err(e) = self.issue(&field, PriorityGroup::None) {
            log::error!("could not issue a result ticket: {e:#}");
            self.set_page(Page::Error);
        }
    }
}

/// A dossier's status as the screens name it.
pub(super) fn dossier_status(status: crate::domain::dossier::DossierStatus) -> DossierStatus {
    use crate::domain::dossier::DossierStatus as S;
    match status {
        S::Received => DossierStatus::Received,
        S::Processing => DossierStatus::Processing,
        S::SupplementRequested => DossierStatus::SupplementRequested,
        S::Ready => DossierStatus::Ready,
        S::Returned => DossierStatus::Returned,
        S::Refused => DossierStatus::Refused,
        S::Stopped => DossierStatus::Stopped,
    }
}
