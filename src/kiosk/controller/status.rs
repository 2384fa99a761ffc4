//! What the kiosk tells about its surroundings (the `StatusAdapter` global): the printer's
//! state and every print job's outcome, the office's notice, the "now serving" lines and
//! the admin view's sync card.

use chrono::{DateTime, Utc};
use slint::{ComponentHandle, ModelRc, VecModel};

use super::catalogue::CatalogueView;
use super::Controller;
use crate::config::{Config, Language};
use crate::domain::booking::WalkIn;
use crate::domain::numbering::format_ticket_number;
use crate::domain::wait::estimate_from_office;
use crate::kiosk::printing::JobKind;
use crate::kiosk::sync::SyncStatus;
use crate::printer::status::PrinterState;
use crate::printer::Profile;
use crate::protocol::Settings;
use crate::ui::{
    AdminAdapter, App, CatalogueAdapter, LookupAdapter, NavigationAdapter, Page, PrintState,
    PrinterStatus, ServingItem, SlipState, StatusAdapter, SyncState, TicketAdapter,
};

/// The status flow's session: what going home forgets.
#[derive(Default)]
pub(super) struct StatusState {
    /// The sync round (and language) the home screen's "now serving" lines were made for.
    pub(super) serving_shown: Option<(u64, Language)>,
}

/// The printer's last reported state and when it was read.
#[derive(Default)]
pub(super) struct PrinterSeen {
    /// The state, `None` until the printer first reports one.
    pub(super) printer_state: Option<PrinterState>,
    /// When it was read.
    pub(super) printer_checked: Option<DateTime<Utc>>,
}

impl Controller {
    /// Shows what the sync learnt: the office's notice, its catalogue (reloaded only at
    /// home, so no page changes under a citizen's finger) and, in the admin view, its state.
    pub(super) fn follow_sync(&self) {
        let Some(sync) = &self.sync else { return };
        let Some(app) = self.ui() else { return };
        let status = sync.status();
        let notice = match self.language.get() {
            Language::En if !status.settings.notice_en.is_empty() => &status.settings.notice_en,
            _ => &status.settings.notice_vi,
        };
        if app.global::<StatusAdapter>().get_office_notice().as_str() != notice.as_str() {
            app.global::<StatusAdapter>()
                .set_office_notice(notice.as_str().into());
        }
        show_walk_in(&app, &status.settings);
        if status.catalogue_generation != self.cat_generation.get()
            && app.global::<NavigationAdapter>().get_page() == Page::Home
        {
            match CatalogueView::load(&self.store.borrow(), &self.config) {
                Ok(cat) => {
                    *self.cat.borrow_mut() = cat;
                    log::info!("showing the catalogue the office sent");
                }
                Err(e) => log::error!("cannot load the office's catalogue: {e:#}"),
            }
            self.cat_generation.set(status.catalogue_generation);
            self.set_language(self.language.get());
        }
        if app.global::<NavigationAdapter>().get_page() == Page::Admin {
            self.show_sync_status(&status);
        }
        let shown = Some((status.rounds, self.language.get()));
        if self.status.borrow().serving_shown != shown
            && app.global::<NavigationAdapter>().get_page() == Page::Home
        {
            self.show_serving();
            self.status.borrow_mut().serving_shown = shown;
        }
    }

    /// Minutes a ticket with `ahead` people before it likely waits: the office's measured
    /// service time and open counters for the queue when it sent them, else the config's.
    pub(super) fn wait_minutes(
        &self,
        queue: &crate::config::QueueConfig,
        ahead: u32,
        date: chrono::NaiveDate,
    ) -> u32 {
        let office = self
            .store
            .borrow()
            .office_queue(&queue.prefix, date)
            .unwrap_or_else(|e| {
                log::error!("cannot read the office's queue {}: {e:#}", queue.prefix);
                None
            });
        estimate_from_office(
            ahead,
            office.as_ref().and_then(|q| q.service_seconds),
            office.as_ref().and_then(|q| q.counters_open),
            queue.service_minutes,
            queue.counters,
        )
    }

    /// The home screen's "now serving" lines: per queue, the number the counters called last
    /// and the wait for a ticket taken now (with an office only: alone, the kiosk cannot
    /// know who was called).
    pub(super) fn show_serving(&self) {
        let Some(app) = self.ui() else { return };
        if self.sync.is_none() {
            return;
        }
        let date = {
            let store = self.store.borrow();
            match store.business_date_at(self.now(), self.config.tz()) {
                Ok(d) => d,
                Err(e) => {
                    log::error!("cannot tell the business date: {e:#}");
                    return;
                }
            }
        };
        let items: Vec<ServingItem> = self
            .config
            .queues
            .iter()
            .map(|q| {
                let (number, counter, ahead) = {
                    let store = self.store.borrow();
                    let office = store.office_queue(&q.prefix, date).ok().flatten();
                    (
                        office.as_ref().and_then(|o| o.serving),
                        office.and_then(|o| o.serving_counter),
                        store.waiting_ahead(&q.prefix, date).unwrap_or(0),
                    )
                };
                let names: Vec<String> = q.fields.iter().map(|f| self.field_name(f)).collect();
                ServingItem {
                    queue: q.prefix.clone().into(),
                    name: names.join(", ").into(),
                    number: number
                        .map(|n| format_ticket_number(&q.prefix, n))
                        .unwrap_or_default()
                        .into(),
                    counter: counter.and_then(|c| i32::try_from(c).ok()).unwrap_or(0),
                    wait_minutes: i32::try_from(self.wait_minutes(q, ahead, date))
                        .unwrap_or(i32::MAX),
                }
            })
            .collect();
        let line: Vec<&str> = items
            .iter()
            .filter(|i| !i.number.is_empty())
            .map(|i| i.number.as_str())
            .collect();
        app.global::<StatusAdapter>()
            .set_serving_line(line.join(" · ").into());
        app.global::<StatusAdapter>()
            .set_serving(ModelRc::new(VecModel::from(items)));
    }

    pub(super) fn show_sync_status(&self, status: &SyncStatus) {
        let Some(app) = self.ui() else { return };
        let Some(sync) = &self.sync else {
            app.global::<StatusAdapter>()
                .set_sync_state(SyncState::Alone);
            return;
        };
        app.global::<StatusAdapter>()
            .set_sync_state(if status.online {
                SyncState::Online
            } else {
                SyncState::Offline
            });
        app.global::<StatusAdapter>()
            .set_sync_office(sync.office().into());
        app.global::<StatusAdapter>()
            .set_sync_last(self.time_of_day(status.last_ok));
        // The store's count is current; the status's is as of the sync's last round.
        let pending = self
            .store
            .borrow()
            .outbox_unsent()
            .unwrap_or(status.pending);
        app.global::<StatusAdapter>()
            .set_sync_pending(i32::try_from(pending).unwrap_or(i32::MAX));
        app.global::<StatusAdapter>()
            .set_sync_error(status.last_error.clone().unwrap_or_default().into());
        let (expected, found) = match &status.mismatch {
            Some(m) => (m.expected.in_blocks(), m.found.in_blocks()),
            None => (String::new(), String::new()),
        };
        app.global::<StatusAdapter>()
            .set_sync_cert_expected(expected.into());
        app.global::<StatusAdapter>()
            .set_sync_cert_found(found.into());
    }

    /// Records what the printer thread reported and updates the ticket on screen.
    pub(super) fn collect_print_outcomes(&self) {
        let mut news = false;
        if let Some(state) = self.printer.latest_state() {
            news = true;
            let changed = {
                let mut s = self.printer_seen.borrow_mut();
                s.printer_checked = Some(self.now());
                s.printer_state.replace(state) != Some(state)
            };
            if changed {
                if state.can_print() && state != PrinterState::PaperNearEnd {
                    log::info!(event = "printer_state", printer_state = state.code(); "printer: {state}");
                } else {
                    log::warn!(
                        event = "printer_state", printer_state = state.code();
                        "printer: {state} ({})", state.describe_vi()
                    );
                }
            }
            if let Some(app) = self.ui() {
                // `ready` is no notice.
                app.global::<StatusAdapter>()
                    .set_printer_notice(printer_status(state));
            }
        }
        let mut admin_outcome = None;
        for outcome in self.printer.finished() {
            news = true;
            let ok = outcome.result.is_ok();
            let from_admin = {
                let mut s = self.admin.borrow_mut();
                let before = s.admin_jobs.len();
                s.admin_jobs.retain(|id| *id != outcome.job);
                s.admin_jobs.len() < before
            };
            if from_admin {
                // One failure among several reprints is what staff must hear about.
                admin_outcome = Some(admin_outcome.unwrap_or(true) && ok);
            }
            let ticket_id = match &outcome.kind {
                JobKind::Ticket { id } | JobKind::Reprint { id } => id,
                JobKind::StatusSlip | JobKind::Checklist => {
                    if let Err(e) = &outcome.result {
                        log::warn!("status slip not printed: {e}");
                    }
                    // Told only on the page the slip was asked from, if still there.
                    if let Some(app) = self.ui() {
                        let said = if ok {
                            SlipState::Printed
                        } else {
                            SlipState::Failed
                        };
                        match (&outcome.kind, app.global::<NavigationAdapter>().get_page()) {
                            (JobKind::StatusSlip, Page::Dossier) => {
                                app.global::<LookupAdapter>().set_slip_state(said);
                                self.say_print_outcome(ok);
                            }
                            (JobKind::Checklist, Page::Procedure) => {
                                app.global::<CatalogueAdapter>().set_checklist_state(said);
                                self.say_print_outcome(ok);
                            }
                            (JobKind::Checklist, Page::Online) => {
                                app.global::<crate::ui::OnlineAdapter>()
                                    .set_slip_state(said);
                                self.say_print_outcome(ok);
                            }
                            _ => {}
                        }
                    }
                    continue;
                }
                JobKind::TestPrint => {
                    match &outcome.result {
                        Ok(()) => log::info!("test ticket printed"),
                        Err(e) => log::warn!("test ticket not printed: {e}"),
                    }
                    continue;
                }
            };
            match &outcome.result {
                Ok(()) => {
                    if let Err(e) = self.store.borrow_mut().mark_printed(ticket_id, self.now()) {
                        log::error!("could not record the print of {ticket_id}: {e:#}");
                    }
                }
                Err(e) => log::warn!(
                    event = "ticket_not_printed";
                    "ticket {ticket_id} not printed: {e}"
                ),
            }
            let showing = self
                .ticket
                .borrow()
                .last_ticket
                .as_ref()
                .is_some_and(|t| t.id == *ticket_id);
            if showing {
                if let Some(app) = self.ui() {
                    if app.global::<NavigationAdapter>().get_page() == Page::Ticket {
                        app.global::<TicketAdapter>().set_print_state(if ok {
                            PrintState::Printed
                        } else {
                            PrintState::Failed
                        });
                        self.say_print_outcome(ok);
                        if !ok {
                            // No paper in hand: leave time to photograph the number.
                            self.return_home_after(self.config.kiosk.idle_timeout_seconds);
                        }
                    }
                }
            }
        }
        if let Some(app) = self.ui() {
            // Only on news: rebuilding the list every tick would recreate its buttons under
            // a finger.
            if news && app.global::<NavigationAdapter>().get_page() == Page::Admin {
                if let Some(ok) = admin_outcome {
                    app.global::<AdminAdapter>().set_admin_message(if ok {
                        SlipState::Printed
                    } else {
                        SlipState::Failed
                    });
                }
                self.refresh_admin();
            }
        }
    }
}

/// A printer's state as the screens name it.
pub(super) fn printer_status(state: PrinterState) -> PrinterStatus {
    match state {
        PrinterState::Ready => PrinterStatus::Ready,
        PrinterState::PaperNearEnd => PrinterStatus::PaperNearEnd,
        PrinterState::PaperOut => PrinterStatus::PaperOut,
        PrinterState::CoverOpen => PrinterStatus::CoverOpen,
        PrinterState::Offline => PrinterStatus::Offline,
        PrinterState::NotAnswering => PrinterStatus::NotAnswering,
    }
}

/// How the printer is reached, for the admin view.
pub(super) fn printer_line(config: &Config, profile: &Profile) -> String {
    use crate::config::PrinterKind;
    let p = &config.printer;
    match p.kind {
        PrinterKind::Serial => format!("serial {} · {} baud · {}", p.port, p.baud, profile.name),
        PrinterKind::Tcp => format!("tcp {} · {}", p.port, profile.name),
        PrinterKind::Virtual => format!("virtual · {}", profile.name),
        PrinterKind::None => "none".to_string(),
    }
}

/// Shows who may take a number without a booking and, when only priority groups may, where
/// everyone else books: the QR code is drawn again only when the address changes.
fn show_walk_in(app: &App, settings: &Settings) {
    let g = app.global::<TicketAdapter>();
    let only = settings.walk_in == WalkIn::PriorityOnly;
    if g.get_priority_only() != only {
        g.set_priority_only(only);
    }
    let address = book_address(settings);
    if g.get_book_address().as_str() != address {
        g.set_book_qr(if address.is_empty() {
            slint::Image::default()
        } else {
            crate::kiosk::qr::qr_image(&address)
        });
        g.set_book_address(address.into());
    }
}

/// The site's booking page, when the office gave its public address and the site's code.
pub(super) fn book_address(settings: &Settings) -> String {
    match crate::follow::public_url(&settings.public_url) {
        Ok(url) if !url.is_empty() && !settings.site.is_empty() => {
            format!("{url}/s/{}/book", settings.site)
        }
        _ => String::new(),
    }
}
