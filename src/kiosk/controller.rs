//! The kiosk's behaviour behind the UI: it answers the callbacks of the `Kiosk` global and
//! feeds it data. All state lives here; the .slint side only shows it.

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Datelike, Timelike, Utc};
use slint::{ComponentHandle, ModelRc, SharedString, Timer, TimerMode, VecModel};

use super::printing::{Job, JobId, JobKind, PrintQueue};
use super::upkeep::Upkeep;
use crate::auth::{verify_pin, Attempt, PinGuard};
use crate::catalogue::Procedure;
use crate::config::{Config, Language};
use crate::domain::clock::{business_date, effective_time, PLAUSIBLE_FLOOR};
use crate::domain::collate;
use crate::domain::dossier_code::{extract, parse_code, CodeError, MAX_CODE_LEN};
use crate::domain::hours::{availability, Availability};
use crate::domain::numbering::format_ticket_number;
use crate::domain::priority::PriorityGroup;
use crate::domain::search::{Order, SearchIndex};
use crate::domain::telex::Telex;
use crate::domain::ticket::Ticket;
use crate::domain::wait::estimate_from_office;
use crate::dossier_import::DossierRecord;
use crate::kiosk::store::LookupOutcome;
use crate::kiosk::store::{FieldRow, Numbering, Store};
use crate::kiosk::sync::{SyncHandle, SyncStatus};
use crate::printer::status::PrinterState;
use crate::printer::{checklist_bytes, status_slip_bytes, ChecklistSlip, StatusSlip};
use crate::printer::{ticket_bytes, Profile, TicketSlip};
use crate::ui::{
    self, AdminAdapter, App, CatalogueAdapter, DossierInfo, DossierStatus, FactorMessage,
    FieldItem, KeptTicket, LookupAdapter, LookupError, NavigationAdapter, Page, PinMessage,
    PrintState, PrinterStatus, ProcedureInfo, ProcedureItem, ReopenInfo, ServingItem, SlipState,
    StatusAdapter, StepInfo, SyncState, TicketAdapter, TicketInfo, Timeliness,
};

/// How long a ticket on screen ignores taps after it appears.
const TAP_GUARD: Duration = Duration::from_millis(1500);

/// A scanner's line longer than this is noise, not a receipt.
const SCAN_MAX: usize = 512;
/// The second factor is at most this long (a secret of up to 32 characters).
const FACTOR_MAX: usize = 32;

/// The wall clock, injectable so tests can stand at any instant.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The last ticket issued, kept so a language switch can re-label it.
#[derive(Clone)]
struct LastTicket {
    id: String,
    field_code: String,
}

struct State {
    language: Language,
    field: Option<String>,
    last_ticket: Option<LastTicket>,
    /// Digits typed on the PIN pad; never shown, cleared on every exit.
    pin: String,
    pin_guard: PinGuard,
    /// The Argon2 check runs off the UI thread; its answer arrives here.
    pin_check: Option<std::sync::mpsc::Receiver<bool>>,
    /// The printer's last reported state and when it was read.
    printer_state: Option<PrinterState>,
    printer_checked: Option<DateTime<Utc>>,
    /// Jobs sent from the admin view, whose outcome it reports.
    admin_jobs: Vec<JobId>,
    /// The code typed on the lookup keyboard.
    lookup_input: String,
    /// The dossier on screen (canonical code) and whether its details are open.
    dossier: Option<(String, bool)>,
    /// The second factor typed so far; never shown.
    factor_input: String,
    /// What the scanner typed since its last Enter.
    scan: String,
    /// The scanner's line grew past [`SCAN_MAX`]: noise, dropped at Enter.
    scan_overflow: bool,
    /// The search keyboard's composition.
    telex: Telex,
    /// The list a procedure was opened from, for "back".
    procedure_from: Page,
    /// The field whose procedures are listed.
    catalogue_field: Option<String>,
    /// The procedure on screen.
    open_procedure: Option<i64>,
}

/// The catalogue as loaded from the store for the pages.
struct CatalogueView {
    /// Fields a queue serves, for the ticket flow.
    fields: Vec<FieldRow>,
    /// Every field, for the catalogue (also those no queue serves).
    all_fields: Vec<FieldRow>,
    /// The catalogue's procedures with their ids, and the search index over their names
    /// (the index's positions are positions in this list).
    procedures: Vec<(i64, Procedure)>,
    search: SearchIndex,
}

impl CatalogueView {
    fn load(store: &Store, config: &Config) -> anyhow::Result<CatalogueView> {
        let all_fields = store.fields()?;
        let fields: Vec<FieldRow> = all_fields
            .iter()
            .filter(|f| config.queue_for_field(&f.code).is_some())
            .cloned()
            .collect();
        let procedures = store.procedures()?;
        let search = SearchIndex::new(procedures.iter().map(|(_, p)| {
            (
                p.code.clone().unwrap_or_default(),
                p.name_vi.clone(),
                p.field.clone(),
            )
        }));
        Ok(CatalogueView {
            fields,
            all_fields,
            procedures,
            search,
        })
    }
}

/// Everything the controller needs; built by `kiosk::run` or by tests.
pub struct Controller {
    app: slint::Weak<App>,
    config: Config,
    profile: Profile,
    store: RefCell<Store>,
    /// The catalogue as the pages show it; replaced when the office sends a new one.
    cat: RefCell<CatalogueView>,
    /// The catalogue generation `cat` was loaded at.
    cat_generation: std::cell::Cell<u64>,
    /// Staff asked for a restart from the admin view.
    restart: std::cell::Cell<bool>,
    /// Retention and the size bound: store upkeep, ticked with the clock.
    upkeep: RefCell<Upkeep>,
    /// The sync round (and language) the home screen's "now serving" lines were made for.
    serving_shown: std::cell::Cell<Option<(u64, Language)>>,
    clock: Clock,
    /// The sync with the office, when the config names one.
    sync: Option<SyncHandle>,
    printer: PrintQueue,
    state: RefCell<State>,
    idle: Timer,
    confirmation: Timer,
    /// Runs for a moment after a ticket appears: the second tap of a double tap must not
    /// dismiss the number the citizen has not yet read.
    tap_guard: Timer,
    tick: Timer,
}

impl Controller {
    /// Wires the UI to a store, a printer queue and a clock, and shows the home page.
    pub fn attach(
        app: &App,
        config: Config,
        profile: Profile,
        store: Store,
        printer: PrintQueue,
        clock: Clock,
        sync: Option<SyncHandle>,
    ) -> anyhow::Result<Rc<Controller>> {
        let cat = CatalogueView::load(&store, &config)?;
        let language = config.kiosk.language;
        let mut pin_guard = PinGuard::new(config.admin.max_attempts, config.admin.lockout_minutes);
        // A lock survives a restart: pulling the plug does not reopen the pad.
        match store.admin_guard() {
            Ok(Some(json)) => match serde_json::from_str(&json) {
                Ok(state) => pin_guard.restore(state),
                Err(e) => log::warn!("ignoring the stored PIN guard state: {e}"),
            },
            Ok(None) => {}
            Err(e) => log::error!("cannot read the PIN guard state: {e:#}"),
        }
        let ctrl = Rc::new(Controller {
            app: app.as_weak(),
            config,
            profile,
            store: RefCell::new(store),
            cat: RefCell::new(cat),
            cat_generation: std::cell::Cell::new(0),
            serving_shown: std::cell::Cell::new(None),
            restart: std::cell::Cell::new(false),
            upkeep: RefCell::new(Upkeep::default()),
            clock,
            sync,
            printer,
            state: RefCell::new(State {
                language,
                field: None,
                last_ticket: None,
                pin: String::new(),
                pin_guard,
                pin_check: None,
                printer_state: None,
                printer_checked: None,
                admin_jobs: Vec::new(),
                lookup_input: String::new(),
                dossier: None,
                factor_input: String::new(),
                scan: String::new(),
                scan_overflow: false,
                telex: Telex::new(),
                procedure_from: Page::Procedures,
                catalogue_field: None,
                open_procedure: None,
            }),
            idle: Timer::default(),
            confirmation: Timer::default(),
            tap_guard: Timer::default(),
            tick: Timer::default(),
        });
        ctrl.wire(app);
        app.global::<NavigationAdapter>()
            .set_office_name(ctrl.config.office.name.clone().into());
        app.global::<AdminAdapter>()
            .set_printer_line(printer_line(&ctrl.config, &ctrl.profile).into());
        ctrl.set_language(language);
        ctrl.show_hours();
        ctrl.refresh_clock();
        ctrl.go_home();
        // Before the first frame: a store over its size bound is trimmed before it grows more.
        ctrl.housekeeping();
        let weak = Rc::downgrade(&ctrl);
        // A tick every 250 ms keeps the clock on screen current and collects print outcomes
        // and PIN checks, so each is seen within a quarter second of the worker finishing.
        ctrl.tick
            .start(TimerMode::Repeated, Duration::from_millis(250), move || {
                if let Some(c) = weak.upgrade() {
                    c.refresh_clock();
                    c.collect_print_outcomes();
                    c.collect_pin_check();
                    c.follow_sync();
                    c.housekeeping();
                }
            });
        Ok(ctrl)
    }

    fn wire(self: &Rc<Self>, app: &App) {
        let w = Rc::downgrade(self);
        app.global::<TicketAdapter>()
            .on_take_ticket(with(&w, |c| c.take_ticket()));
        app.global::<TicketAdapter>()
            .on_choose_field(with_arg(&w, |c, code: SharedString| c.choose_field(&code)));
        app.global::<TicketAdapter>()
            .on_choose_priority(with_arg(&w, |c, code: SharedString| {
                c.choose_priority(&code)
            }));
        app.global::<NavigationAdapter>()
            .on_go_home(with(&w, |c| c.go_home()));
        app.global::<TicketAdapter>()
            .on_ticket_tapped(with(&w, |c| {
                if !c.tap_guard.running() {
                    c.go_home();
                }
            }));
        app.global::<NavigationAdapter>()
            .on_go_back(with(&w, |c| c.go_back()));
        app.global::<NavigationAdapter>()
            .on_toggle_language(with(&w, |c| {
                let next = match c.state.borrow().language {
                    Language::Vi => Language::En,
                    Language::En => Language::Vi,
                };
                c.set_language(next);
            }));
        app.global::<NavigationAdapter>()
            .on_activity(with(&w, |c| c.restart_idle()));
        app.global::<AdminAdapter>()
            .on_admin_requested(with(&w, |c| c.admin_requested()));
        app.global::<AdminAdapter>()
            .on_pin_key(with_arg(&w, |c, key: SharedString| c.pin_key(&key)));
        app.global::<AdminAdapter>()
            .on_reprint(with_arg(&w, |c, id: SharedString| {
                c.reprint(&[id.to_string()])
            }));
        app.global::<AdminAdapter>().on_reprint_all(with(&w, |c| {
            let ids: Vec<String> = c.kept_tickets().into_iter().map(|t| t.id).collect();
            c.reprint(&ids);
        }));
        app.global::<AdminAdapter>()
            .on_test_print(with(&w, |c| c.test_print()));
        app.global::<AdminAdapter>()
            .on_restart(with(&w, |c| c.request_restart()));
        app.global::<LookupAdapter>()
            .on_open_lookup(with(&w, |c| c.open_lookup()));
        app.global::<LookupAdapter>()
            .on_lookup_key(with_arg(&w, |c, k: SharedString| c.lookup_key(&k)));
        app.global::<LookupAdapter>()
            .on_open_factor(with(&w, |c| c.open_factor()));
        app.global::<LookupAdapter>()
            .on_factor_key(with_arg(&w, |c, k: SharedString| c.factor_key(&k)));
        app.global::<LookupAdapter>()
            .on_print_status(with(&w, |c| c.print_status()));
        app.global::<LookupAdapter>()
            .on_take_result_ticket(with(&w, |c| c.take_result_ticket()));
        app.global::<CatalogueAdapter>()
            .on_open_catalogue(with(&w, |c| c.open_catalogue()));
        app.global::<CatalogueAdapter>()
            .on_open_field(with_arg(&w, |c, code: SharedString| c.open_field(&code)));
        app.global::<CatalogueAdapter>()
            .on_open_procedure(with_arg(&w, |c, id: i32| c.open_procedure(id.into())));
        app.global::<CatalogueAdapter>()
            .on_open_search(with(&w, |c| c.open_search()));
        app.global::<CatalogueAdapter>()
            .on_search_key(with_arg(&w, |c, k: SharedString| c.search_key(&k)));
        app.global::<CatalogueAdapter>()
            .on_print_checklist(with(&w, |c| c.print_checklist()));
        app.global::<LookupAdapter>()
            .on_scanner_text(with_arg(&w, |c, t: SharedString| c.scanner_text(&t)));
    }

    fn ui(&self) -> Option<App> {
        self.app.upgrade()
    }

    fn set_page(&self, page: Page) {
        if let Some(app) = self.ui() {
            app.global::<NavigationAdapter>().set_page(page);
        }
        self.restart_idle();
    }

    /// Restarts the idle countdown that clears the screen and returns home.
    fn restart_idle(&self) {
        let secs = self.config.kiosk.idle_timeout_seconds.max(1) as u64;
        let app = self.app.clone();
        self.idle.start(
            TimerMode::SingleShot,
            Duration::from_secs(secs),
            move || {
                if let Some(app) = app.upgrade() {
                    app.global::<NavigationAdapter>().invoke_go_home();
                }
            },
        );
    }

    /// Home is where every session ends: nothing of it stays for the next citizen, who
    /// also meets the kiosk in its configured language.
    fn go_home(&self) {
        self.confirmation.stop();
        self.tap_guard.stop();
        // A ticket taken meanwhile changed the waits: show them afresh.
        self.serving_shown.set(None);
        {
            let mut s = self.state.borrow_mut();
            s.field = None;
            s.pin.clear();
            s.pin_check = None;
            s.admin_jobs.clear();
            s.lookup_input.clear();
            s.dossier = None;
            s.factor_input.clear();
            s.scan.clear();
            s.scan_overflow = false;
            // A fresh composer: the next citizen does not inherit Telex switched off.
            s.telex = Telex::new();
            s.catalogue_field = None;
        }
        if let Some(app) = self.ui() {
            app.global::<TicketAdapter>()
                .set_chosen_field(SharedString::new());
            app.global::<AdminAdapter>().set_pin_length(0);
            app.global::<AdminAdapter>()
                .set_pin_message(PinMessage::None);
            app.global::<AdminAdapter>()
                .set_admin_message(SlipState::None);
            // Nothing of a dossier stays for the next person at the screen.
            app.global::<LookupAdapter>()
                .set_lookup_input(SharedString::new());
            app.global::<LookupAdapter>()
                .set_lookup_error(LookupError::None);
            app.global::<LookupAdapter>()
                .set_dossier(DossierInfo::default());
            app.global::<LookupAdapter>()
                .set_dossier_steps(ModelRc::default());
            app.global::<LookupAdapter>().set_factor_length(0);
            app.global::<LookupAdapter>()
                .set_factor_message(FactorMessage::None);
            app.global::<LookupAdapter>()
                .set_slip_state(SlipState::None);
            app.global::<CatalogueAdapter>()
                .set_search_text(SharedString::new());
            app.global::<CatalogueAdapter>()
                .set_procedures(ModelRc::default());
            app.global::<CatalogueAdapter>()
                .set_checklist_state(SlipState::None);
            // The last ticket leaves the screen: nothing of it stays for the next citizen.
            app.global::<TicketAdapter>()
                .set_ticket(TicketInfo::default());
            app.global::<TicketAdapter>()
                .set_ticket_qr(slint::Image::default());
            app.global::<TicketAdapter>()
                .set_print_state(PrintState::Idle);
            app.global::<CatalogueAdapter>().set_telex(true);
            app.global::<NavigationAdapter>().set_page(Page::Home);
        }
        // After the page change, so the language switch does not redraw the page just left.
        if self.state.borrow().language != self.config.kiosk.language {
            self.set_language(self.config.kiosk.language);
        }
        self.idle.stop();
    }

    fn go_back(&self) {
        let page = match self.ui() {
            Some(app) => app.global::<NavigationAdapter>().get_page(),
            None => return,
        };
        match page {
            Page::Priority => self.set_page(Page::Fields),
            Page::Dossier => self.set_page(Page::Lookup),
            Page::Procedures | Page::Search => self.open_catalogue(),
            Page::Procedure => {
                let from = self.state.borrow().procedure_from;
                self.set_page(from)
            }
            Page::Factor => {
                self.state.borrow_mut().factor_input.clear();
                if let Some(app) = self.ui() {
                    app.global::<LookupAdapter>().set_factor_length(0);
                }
                self.set_page(Page::Dossier)
            }
            _ => self.go_home(),
        }
    }

    /// The board clock, corrected by the office's once the sync knows it.
    fn now(&self) -> DateTime<Utc> {
        let board = (self.clock)();
        self.sync.as_ref().map_or(board, |s| s.now(board))
    }

    /// How the next ticket of `queue` is numbered (see `SyncHandle::numbering`).
    fn numbering(&self, queue: &str, now: DateTime<Utc>) -> Numbering {
        match &self.sync {
            Some(sync) => sync.numbering(&self.store.borrow(), queue, now, self.config.tz()),
            None => Numbering::Local,
        }
    }

    /// Shows what the sync learnt: the office's notice, its catalogue (reloaded only at
    /// home, so no page changes under a citizen's finger) and, in the admin view, its state.
    fn follow_sync(&self) {
        let Some(sync) = &self.sync else { return };
        let Some(app) = self.ui() else { return };
        let status = sync.status();
        let notice = match self.state.borrow().language {
            Language::En if !status.settings.notice_en.is_empty() => &status.settings.notice_en,
            _ => &status.settings.notice_vi,
        };
        if app.global::<StatusAdapter>().get_office_notice().as_str() != notice.as_str() {
            app.global::<StatusAdapter>()
                .set_office_notice(notice.as_str().into());
        }
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
            self.set_language(self.state.borrow().language);
        }
        if app.global::<NavigationAdapter>().get_page() == Page::Admin {
            self.show_sync_status(&status);
        }
        let shown = Some((status.rounds, self.state.borrow().language));
        if self.serving_shown.get() != shown
            && app.global::<NavigationAdapter>().get_page() == Page::Home
        {
            self.show_serving();
            self.serving_shown.set(shown);
        }
    }

    /// Store upkeep (retention, size bound), between touches on this thread.
    fn housekeeping(&self) {
        let now = self.now();
        self.upkeep
            .borrow_mut()
            .tick(&mut self.store.borrow_mut(), &self.config, now);
    }

    /// Minutes a ticket with `ahead` people before it likely waits: the office's measured
    /// service time and open counters for the queue when it sent them, else the config's.
    fn wait_minutes(
        &self,
        queue: &crate::config::Queue,
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
    fn show_serving(&self) {
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
                let (number, ahead) = {
                    let store = self.store.borrow();
                    let serving = store
                        .office_queue(&q.prefix, date)
                        .ok()
                        .flatten()
                        .and_then(|o| o.serving);
                    (serving, store.waiting_ahead(&q.prefix, date).unwrap_or(0))
                };
                let names: Vec<String> = q.fields.iter().map(|f| self.field_name(f)).collect();
                ServingItem {
                    queue: q.prefix.clone().into(),
                    name: names.join(", ").into(),
                    number: number
                        .map(|n| format_ticket_number(&q.prefix, n))
                        .unwrap_or_default()
                        .into(),
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

    /// "HH:MM:SS" in the office's zone, or "" for never.
    fn time_of_day(&self, t: Option<DateTime<Utc>>) -> SharedString {
        t.map(|t| {
            t.with_timezone(&self.config.tz())
                .format("%H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
        .into()
    }

    fn show_sync_status(&self, status: &SyncStatus) {
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
    }

    /// Service hours apply only when the clock can be trusted: a board that booted in 1970
    /// keeps issuing rather than turning citizens away.
    fn availability_now(&self) -> Availability {
        let now = self.now();
        if now < PLAUSIBLE_FLOOR {
            return Availability::Open {
                closes_at: chrono::NaiveTime::from_hms_opt(23, 59, 0).unwrap(),
            };
        }
        let local = now.with_timezone(&self.config.tz()).naive_local();
        availability(local, &self.config.hours)
    }

    fn take_ticket(&self) {
        if self.show_closed_if_closed() {
            return;
        }
        self.set_page(Page::Fields);
    }

    fn show_closed_if_closed(&self) -> bool {
        match self.availability_now() {
            Availability::Open { .. } => false,
            Availability::Closed { reopens_at, .. } => {
                if let Some(app) = self.ui() {
                    app.global::<NavigationAdapter>().set_reopen(ReopenInfo {
                        time: reopens_at.format("%H:%M").to_string().into(),
                        date: reopens_at.format("%d/%m/%Y").to_string().into(),
                        weekday: reopens_at.weekday().number_from_monday() as i32,
                    });
                }
                self.set_page(Page::Closed);
                true
            }
        }
    }

    /// The field's name in the screen's current language.
    fn field_name(&self, code: &str) -> String {
        self.field_name_in(code, self.state.borrow().language)
    }

    fn field_name_in(&self, code: &str, lang: Language) -> String {
        self.cat
            .borrow()
            .all_fields
            .iter()
            .find(|f| f.code == code)
            .map(|f| match lang {
                Language::Vi => f.name_vi.clone(),
                Language::En => f.name_en.clone(),
            })
            .unwrap_or_else(|| code.to_string())
    }

    fn choose_field(&self, code: &str) {
        if self.config.queue_for_field(code).is_none() {
            log::warn!("field {code} has no queue; ignoring the tap");
            return;
        }
        self.state.borrow_mut().field = Some(code.to_string());
        if let Some(app) = self.ui() {
            app.global::<TicketAdapter>()
                .set_chosen_field(self.field_name(code).into());
        }
        self.set_page(Page::Priority);
    }

    fn choose_priority(&self, code: &str) {
        let Some(field) = self.state.borrow().field.clone() else {
            self.go_home();
            return;
        };
        if self.show_closed_if_closed() {
            return;
        }
        let priority = PriorityGroup::from_code(code).unwrap_or(PriorityGroup::None);
        match self.issue(&field, priority) {
            Ok(()) => {}
            Err(e) => {
                // The store refused (disk full, corrupt file): say so rather than pretend.
                log::error!("could not issue a ticket: {e:#}");
                self.set_page(Page::Error);
            }
        }
    }

    fn issue(&self, field: &str, priority: PriorityGroup) -> anyhow::Result<()> {
        let queue = self
            .config
            .queue_for_field(field)
            .ok_or_else(|| anyhow::anyhow!("field {field} has no queue"))?
            .clone();
        let tz = self.config.tz();
        let now = self.now();
        let numbering = self.numbering(&queue.prefix, now);
        let issued = self.store.borrow_mut().issue_ticket_with(
            &queue.prefix,
            field,
            priority,
            now,
            tz,
            numbering,
        )?;
        if let Some(sync) = &self.sync {
            sync.kick();
        }
        let ticket = issued.ticket;
        let wait = self.wait_minutes(&queue, issued.ahead, ticket.business_date);
        let local = ticket.issued_at.with_timezone(&tz).naive_local();
        log::info!(
            event = "ticket_issued", ticket = ticket.display_number(), queue = ticket.queue.as_str();
            "issued ticket {} (queue {}, business date {}, {} ahead)",
            ticket.display_number(),
            ticket.queue,
            ticket.business_date,
            issued.ahead
        );

        let qr_payload = self.config.office.ticket_url_for(&ticket.id);
        self.printer
            .submit(self.receipt_job(&ticket, issued.ahead, wait, false));

        self.state.borrow_mut().last_ticket = Some(LastTicket {
            id: ticket.id.clone(),
            field_code: field.to_string(),
        });
        if let Some(app) = self.ui() {
            app.global::<TicketAdapter>().set_ticket(TicketInfo {
                number: ticket.display_number().into(),
                field: self.field_name(field).into(),
                time: local.format("%H:%M").to_string().into(),
                date: local.format("%d/%m/%Y").to_string().into(),
                ahead: issued.ahead as i32,
                wait_minutes: wait as i32,
                priority: if priority == PriorityGroup::None {
                    SharedString::new()
                } else {
                    priority.code().into()
                },
            });
            app.global::<TicketAdapter>()
                .set_print_state(PrintState::Printing);
            app.global::<TicketAdapter>()
                .set_ticket_qr(super::qr::qr_image(&qr_payload));
        }
        self.set_page(Page::Ticket);
        self.tap_guard
            .start(TimerMode::SingleShot, TAP_GUARD, || {});
        self.return_home_after(self.config.kiosk.confirmation_seconds);
        Ok(())
    }

    /// The receipt of a ticket; a reprint says so on the slip.
    fn receipt_job(&self, ticket: &Ticket, ahead: u32, wait: u32, reprint: bool) -> Job {
        let local = ticket
            .issued_at
            .with_timezone(&self.config.tz())
            .naive_local();
        let slip = TicketSlip {
            office: self.config.office.name.clone(),
            // The receipt is always Vietnamese, whatever the screen shows.
            field: self.field_name_in(&ticket.field, Language::Vi),
            number: ticket.display_number(),
            issued_local: local,
            ahead,
            wait_minutes: (ahead > 0).then_some(wait),
            qr_payload: self.config.office.ticket_url_for(&ticket.id),
            priority: ticket.priority != PriorityGroup::None,
            reprint,
        };
        Job {
            kind: if reprint {
                JobKind::Reprint {
                    id: ticket.id.clone(),
                }
            } else {
                JobKind::Ticket {
                    id: ticket.id.clone(),
                }
            },
            stem: format!(
                "{}-{}{}",
                local.format("%Y%m%d-%H%M%S"),
                ticket.display_number(),
                if reprint { "-reprint" } else { "" }
            ),
            bytes: ticket_bytes(&slip, &self.profile),
        }
    }

    /// Leaves the ticket on screen for `secs`, then goes home.
    fn return_home_after(&self, secs: u32) {
        let app = self.app.clone();
        self.confirmation.start(
            TimerMode::SingleShot,
            Duration::from_secs(secs.max(1) as u64),
            move || {
                if let Some(app) = app.upgrade() {
                    app.global::<NavigationAdapter>().invoke_go_home();
                }
            },
        );
    }

    /// Records what the printer thread reported and updates the ticket on screen.
    fn collect_print_outcomes(&self) {
        let mut news = false;
        if let Some(state) = self.printer.latest_state() {
            news = true;
            let changed = {
                let mut s = self.state.borrow_mut();
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
                let mut s = self.state.borrow_mut();
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
                                app.global::<LookupAdapter>().set_slip_state(said)
                            }
                            (JobKind::Checklist, Page::Procedure) => {
                                app.global::<CatalogueAdapter>().set_checklist_state(said)
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
                .state
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

    fn open_lookup(&self) {
        self.state.borrow_mut().lookup_input.clear();
        if let Some(app) = self.ui() {
            app.global::<LookupAdapter>()
                .set_lookup_input(SharedString::new());
            app.global::<LookupAdapter>()
                .set_lookup_error(LookupError::None);
        }
        self.set_page(Page::Lookup);
    }

    fn lookup_key(&self, key: &str) {
        match key {
            "back" => {
                self.state.borrow_mut().lookup_input.pop();
            }
            "ok" => {
                let typed = self.state.borrow().lookup_input.clone();
                return self.look_up(parse_code(&typed).map(|c| (c, None)));
            }
            k if k.chars().count() == 1 => {
                let mut s = self.state.borrow_mut();
                if s.lookup_input.len() < MAX_CODE_LEN {
                    s.lookup_input.push_str(k);
                }
            }
            _ => return,
        }
        if let Some(app) = self.ui() {
            app.global::<LookupAdapter>()
                .set_lookup_input(self.state.borrow().lookup_input.clone().into());
            app.global::<LookupAdapter>()
                .set_lookup_error(LookupError::None);
        }
    }

    /// Keys from a keyboard-wedge scanner: collected until Enter, then looked up.
    fn scanner_text(&self, text: &str) {
        let page = match self.ui() {
            Some(app) => app.global::<NavigationAdapter>().get_page(),
            None => return,
        };
        if !matches!(
            page,
            Page::Home | Page::Lookup | Page::Dossier | Page::Factor
        ) {
            // Mid-ticket or in the admin view a scan would yank the screen away.
            let mut s = self.state.borrow_mut();
            s.scan.clear();
            s.scan_overflow = false;
            return;
        }
        self.restart_idle();
        if text == "\n" || text == "\r" {
            let (scanned, overflow) = {
                let mut s = self.state.borrow_mut();
                (
                    std::mem::take(&mut s.scan),
                    std::mem::replace(&mut s.scan_overflow, false),
                )
            };
            if overflow || scanned.trim().is_empty() {
                return;
            }
            log::info!("scanner read {} characters", scanned.chars().count());
            let found = extract(&scanned)
                .map(|s| (s.code, s.secret))
                .ok_or(CodeError::BadShape);
            if let Some(app) = self.ui() {
                app.global::<LookupAdapter>()
                    .set_lookup_input(SharedString::new());
            }
            self.state.borrow_mut().lookup_input.clear();
            return self.look_up(found);
        }
        // The scanner presses Shift before capitals: Slint delivers modifiers and other
        // special keys as control characters or in U+F700–U+F8FF; they are not text.
        let text: String = text
            .chars()
            .filter(|c| !c.is_control() && !('\u{F700}'..='\u{F8FF}').contains(c))
            .collect();
        let mut s = self.state.borrow_mut();
        if s.scan.len() + text.len() <= SCAN_MAX {
            s.scan.push_str(&text);
        } else {
            s.scan_overflow = true;
        }
    }

    /// Shows the dossier for a parsed code, or says why there is none. A secret that came
    /// with the code (a scanned receipt's QR) counts as a second-factor attempt.
    fn look_up(
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
                self.state.borrow_mut().lookup_input = code.as_str().to_string();
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
        self.state.borrow_mut().dossier = Some((code.as_str().to_string(), false));
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

    fn log_lookup(&self, code: &str, outcome: LookupOutcome) {
        let mut store = self.store.borrow_mut();
        let logged = store
            .code_key(code)
            .and_then(|key| store.log_lookup(&key, outcome, self.now()));
        if let Err(e) = logged {
            log::error!("cannot log a lookup: {e:#}");
        }
    }

    /// Puts a dossier on screen; the details only when `details` (the second factor matched).
    fn show_dossier(&self, d: &DossierRecord, details: bool, now: DateTime<Utc>) {
        let Some(app) = self.ui() else { return };
        let tz = self.config.tz();
        let public = super::lookup::public_status(d, now, tz, &self.config.hours.sessions);
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
            let more = super::lookup::details(d);
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
                info.procedure = match self.state.borrow().language {
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

    fn open_factor(&self) {
        if self.state.borrow().dossier.is_none() {
            return;
        }
        self.state.borrow_mut().factor_input.clear();
        if let Some(app) = self.ui() {
            app.global::<LookupAdapter>().set_factor_length(0);
            let limited = self.factor_attempts_left().is_some_and(|n| n == 0);
            if limited {
                if let Some((code, _)) = self.state.borrow().dossier.clone() {
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

    fn factor_key(&self, key: &str) {
        match key {
            "back" => {
                self.state.borrow_mut().factor_input.pop();
            }
            "ok" => {
                let typed = std::mem::take(&mut self.state.borrow_mut().factor_input);
                if let Some(app) = self.ui() {
                    app.global::<LookupAdapter>().set_factor_length(0);
                }
                return self.check_factor(&typed);
            }
            k if k.chars().count() == 1 => {
                let mut s = self.state.borrow_mut();
                if s.factor_input.len() < FACTOR_MAX {
                    s.factor_input.push_str(k);
                }
            }
            _ => return,
        }
        if let Some(app) = self.ui() {
            app.global::<LookupAdapter>()
                .set_factor_length(self.state.borrow().factor_input.chars().count() as i32);
        }
    }

    /// Wrong second factors left for the dossier on screen within the window.
    fn factor_attempts_left(&self) -> Option<u32> {
        let code = self.state.borrow().dossier.as_ref()?.0.clone();
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

    fn check_factor(&self, given: &str) {
        let Some(code) = self.state.borrow().dossier.as_ref().map(|d| d.0.clone()) else {
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
        if super::lookup::second_factor_matches(&dossier, given) {
            self.log_lookup(&code, LookupOutcome::Details);
            self.state.borrow_mut().dossier = Some((code, true));
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

    /// A status slip of the dossier on screen: no name, no phone, no procedure.
    fn print_status(&self) {
        let Some(code) = self.state.borrow().dossier.as_ref().map(|d| d.0.clone()) else {
            return;
        };
        let dossier = match self.store.borrow().dossier(&code) {
            Ok(Some(d)) => d,
            _ => return,
        };
        let now = self.now();
        let tz = self.config.tz();
        let public = super::lookup::public_status(&dossier, now, tz, &self.config.hours.sessions);
        let slip = StatusSlip {
            office: self.config.office.name.clone(),
            code: code.clone(),
            status_vi: public.status.label_vi().to_string(),
            due_local: public.due,
            verdict_vi: if public.overdue {
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
    fn take_result_ticket(&self) {
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

    fn procedure_name(&self, p: &Procedure) -> String {
        match self.state.borrow().language {
            Language::Vi => p.name_vi.clone(),
            Language::En => p.name_en.clone(),
        }
    }

    fn procedure_items(
        &self,
        positions: impl IntoIterator<Item = usize>,
    ) -> ModelRc<ProcedureItem> {
        let cat = self.cat.borrow();
        let items: Vec<ProcedureItem> = positions
            .into_iter()
            .filter_map(|i| cat.procedures.get(i))
            .map(|(id, p)| ProcedureItem {
                id: *id as i32,
                name: self.procedure_name(p).into(),
            })
            .collect();
        ModelRc::new(VecModel::from(items))
    }

    fn open_catalogue(&self) {
        let Some(app) = self.ui() else { return };
        let lang = self.state.borrow().language;
        let cat = self.cat.borrow();
        let items: Vec<FieldItem> = cat
            .all_fields
            .iter()
            // A field with no procedure in the catalogue would open an empty list.
            .filter(|f| cat.procedures.iter().any(|(_, p)| p.field == f.code))
            .map(|f| FieldItem {
                code: f.code.clone().into(),
                name: match lang {
                    Language::Vi => f.name_vi.clone(),
                    Language::En => f.name_en.clone(),
                }
                .into(),
                icon: icon_char(&f.icon).into(),
            })
            .collect();
        drop(cat);
        app.global::<CatalogueAdapter>()
            .set_catalogue_fields(ModelRc::new(VecModel::from(items)));
        self.state.borrow_mut().catalogue_field = None;
        self.set_page(Page::Catalogue);
    }

    /// A field's procedures, in Vietnamese alphabetical order.
    fn open_field(&self, code: &str) {
        let Some(app) = self.ui() else { return };
        let positions: Vec<usize> = {
            let procs = &self.cat.borrow().procedures;
            let mut positions: Vec<usize> = (0..procs.len())
                .filter(|&i| procs[i].1.field == code)
                .collect();
            positions.sort_by(|&a, &b| collate::compare(&procs[a].1.name_vi, &procs[b].1.name_vi));
            positions
        };
        app.global::<CatalogueAdapter>()
            .set_procedures(self.procedure_items(positions));
        app.global::<CatalogueAdapter>()
            .set_procedures_title(self.field_name(code).into());
        {
            let mut s = self.state.borrow_mut();
            s.catalogue_field = Some(code.to_string());
            s.procedure_from = Page::Procedures;
        }
        self.set_page(Page::Procedures);
    }

    fn open_search(&self) {
        {
            let mut s = self.state.borrow_mut();
            s.telex.clear();
            s.procedure_from = Page::Search;
        }
        self.run_search();
        self.set_page(Page::Search);
    }

    fn search_key(&self, key: &str) {
        {
            let mut s = self.state.borrow_mut();
            match key {
                "back" => s.telex.backspace(),
                "telex" => {
                    let on = !s.telex.is_enabled();
                    s.telex.set_enabled(on);
                }
                k => {
                    for c in k.chars() {
                        s.telex.push(c);
                    }
                }
            }
        }
        self.run_search();
    }

    /// Results for the text typed so far, in Vietnamese alphabetical order.
    fn run_search(&self) {
        let Some(app) = self.ui() else { return };
        let (text, telex) = {
            let s = self.state.borrow();
            (s.telex.text(), s.telex.is_enabled())
        };
        let hits = self
            .cat
            .borrow()
            .search
            .search_ordered(&text, usize::MAX, Order::Alphabetical);
        app.global::<CatalogueAdapter>()
            .set_search_text(text.into());
        app.global::<CatalogueAdapter>().set_telex(telex);
        app.global::<CatalogueAdapter>()
            .set_search_total(hits.len() as i32);
        app.global::<CatalogueAdapter>()
            .set_procedures(self.procedure_items(hits));
    }

    fn open_procedure(&self, id: i64) {
        let cat = self.cat.borrow();
        let Some((_, p)) = cat.procedures.iter().find(|(i, _)| *i == id) else {
            return;
        };
        let Some(app) = self.ui() else { return };
        let lang = self.state.borrow().language;
        let processing = match lang {
            Language::Vi => p.processing_vi.clone().unwrap_or(p.processing_days.clone()),
            Language::En => p.processing_days.clone(),
        };
        let documents: Vec<SharedString> = p
            .documents_vi
            .iter()
            .flatten()
            .map(|d| d.as_str().into())
            .collect();
        app.global::<CatalogueAdapter>()
            .set_procedure(ProcedureInfo {
                name: self.procedure_name(p).into(),
                code: p.code.clone().unwrap_or_default().into(),
                processing: processing.into(),
                fee: p.fee_vi.clone().into(),
                submit_at: p.submit_at_vi.clone().unwrap_or_default().into(),
                online: p.online_url.is_some(),
                documents: ModelRc::new(VecModel::from(documents)),
            });
        app.global::<CatalogueAdapter>().set_procedure_qr(
            p.online_url
                .as_deref()
                .map(super::qr::qr_image)
                .unwrap_or_default(),
        );
        app.global::<CatalogueAdapter>()
            .set_checklist_state(SlipState::None);
        self.state.borrow_mut().open_procedure = Some(id);
        self.set_page(Page::Procedure);
    }

    /// The open procedure's checklist, printed (always Vietnamese, like every slip).
    fn print_checklist(&self) {
        let Some(id) = self.state.borrow().open_procedure else {
            return;
        };
        let cat = self.cat.borrow();
        let Some((_, p)) = cat.procedures.iter().find(|(i, _)| *i == id) else {
            return;
        };
        let slip = ChecklistSlip {
            office: self.config.office.name.clone(),
            procedure: p.name_vi.clone(),
            code: p.code.clone(),
            documents: p.documents_vi.clone().unwrap_or_default(),
            processing: p.processing_vi.clone().unwrap_or(p.processing_days.clone()),
            fee: p.fee_vi.clone(),
            submit_at: p.submit_at_vi.clone().unwrap_or_default(),
            online_url: p.online_url.clone(),
        };
        let now = self.now().with_timezone(&self.config.tz());
        self.printer.submit(Job {
            kind: JobKind::Checklist,
            stem: format!("{}-checklist", now.format("%Y%m%d-%H%M%S")),
            bytes: checklist_bytes(&slip, &self.profile),
        });
        if let Some(app) = self.ui() {
            app.global::<CatalogueAdapter>()
                .set_checklist_state(SlipState::Sent);
        }
    }

    fn admin_requested(&self) {
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
        self.state.borrow_mut().pin.clear();
        if let Some(app) = self.ui() {
            app.global::<AdminAdapter>().set_pin_length(0);
            app.global::<AdminAdapter>()
                .set_pin_message(PinMessage::None);
        }
        self.show_lock_if_locked();
        self.set_page(Page::AdminPin);
    }

    /// Shows the lock message when the keypad is locked; true if it is.
    fn show_lock_if_locked(&self) -> bool {
        let attempt = self.state.borrow_mut().pin_guard.check(self.now());
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

    fn pin_key(&self, key: &str) {
        if self.state.borrow().pin_check.is_some() {
            return; // a check is running: keys wait for its answer
        }
        match key {
            "back" => {
                self.state.borrow_mut().pin.pop();
            }
            // Too short to be a PIN: not worth an Argon2 check, nor a strike towards the lock.
            "ok" if self.state.borrow().pin.len() < *crate::auth::PIN_LENGTH.start() => return,
            "ok" => return self.check_pin(),
            digit if digit.len() == 1 && digit.as_bytes()[0].is_ascii_digit() => {
                let mut s = self.state.borrow_mut();
                if s.pin.len() < *crate::auth::PIN_LENGTH.end() {
                    s.pin.push_str(digit);
                }
            }
            _ => return,
        }
        if let Some(app) = self.ui() {
            app.global::<AdminAdapter>()
                .set_pin_length(self.state.borrow().pin.len() as i32);
            if app.global::<AdminAdapter>().get_pin_message() == PinMessage::Wrong {
                app.global::<AdminAdapter>()
                    .set_pin_message(PinMessage::None);
            }
        }
    }

    fn check_pin(&self) {
        if self.show_lock_if_locked() {
            self.state.borrow_mut().pin.clear();
            if let Some(app) = self.ui() {
                app.global::<AdminAdapter>().set_pin_length(0);
            }
            return;
        }
        let Some(hash) = self.config.admin.pin_hash.clone() else {
            return;
        };
        let pin = std::mem::take(&mut self.state.borrow_mut().pin);
        let (tx, rx) = std::sync::mpsc::channel();
        // Argon2 takes a noticeable moment on the board: the screen must keep answering.
        std::thread::spawn(move || {
            let _ = tx.send(verify_pin(&hash, &pin));
        });
        self.state.borrow_mut().pin_check = Some(rx);
        if let Some(app) = self.ui() {
            app.global::<AdminAdapter>()
                .set_pin_message(PinMessage::Checking);
        }
    }

    fn collect_pin_check(&self) {
        let answer = {
            let s = self.state.borrow();
            match &s.pin_check {
                Some(rx) => match rx.try_recv() {
                    Ok(ok) => Some(ok),
                    Err(std::sync::mpsc::TryRecvError::Empty) => return,
                    Err(std::sync::mpsc::TryRecvError::Disconnected) => Some(false),
                },
                None => return,
            }
        };
        self.state.borrow_mut().pin_check = None;
        let Some(app) = self.ui() else { return };
        app.global::<AdminAdapter>().set_pin_length(0);
        if app.global::<NavigationAdapter>().get_page() != Page::AdminPin {
            return; // the pad was left (idle, home) while the check ran
        }
        if answer == Some(true) {
            log::info!(event = "admin_opened"; "admin view opened");
            self.state.borrow_mut().pin_guard.succeeded();
            self.keep_pin_guard();
            app.global::<AdminAdapter>()
                .set_pin_message(PinMessage::None);
            app.global::<AdminAdapter>()
                .set_admin_message(SlipState::None);
            self.refresh_admin();
            self.set_page(Page::Admin);
        } else {
            let now = self.now();
            let attempt = self.state.borrow_mut().pin_guard.failed(now);
            self.keep_pin_guard();
            log::warn!(event = "admin_pin_wrong"; "wrong admin PIN");
            match attempt {
                Attempt::Allowed => {
                    app.global::<AdminAdapter>().set_pin_attempts_left(self.state.borrow().pin_guard.attempts_left() as i32);
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
    fn keep_pin_guard(&self) {
        let state = self.state.borrow().pin_guard.state();
        let json = serde_json::to_string(&state).expect("a guard state serialises");
        if let Err(e) = self.store.borrow_mut().set_admin_guard(&json) {
            log::error!("cannot keep the PIN guard state: {e:#}");
        }
    }

    /// Today's tickets whose receipt did not print.
    fn kept_tickets(&self) -> Vec<Ticket> {
        let store = self.store.borrow();
        let effective = effective_time(self.now(), store.high_water().ok().flatten()).at;
        let today = business_date(effective, self.config.tz());
        store.unprinted_on(today).unwrap_or_else(|e| {
            log::error!("cannot list the unprinted tickets: {e:#}");
            Vec::new()
        })
    }

    /// Puts the printer's state and the kept tickets on the admin page.
    fn refresh_admin(&self) {
        let Some(app) = self.ui() else { return };
        let (state, checked) = {
            let s = self.state.borrow();
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
    fn reprint(&self, ids: &[String]) {
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
            self.state.borrow_mut().admin_jobs.push(job);
            sent += 1;
        }
        if sent > 0 {
            if let Some(app) = self.ui() {
                app.global::<AdminAdapter>()
                    .set_admin_message(SlipState::Sent);
            }
        }
    }

    /// Ends the event loop so the kiosk restarts (see `Kiosk::run`).
    fn request_restart(&self) {
        log::info!(event = "restart_asked"; "restart asked for in the admin view");
        self.restart.set(true);
        // Outside a running loop (the UI tests) there is nothing to quit.
        let _ = slint::quit_event_loop();
    }

    /// Whether staff asked for a restart.
    pub fn restart_requested(&self) -> bool {
        self.restart.get()
    }

    /// Waits up to `limit` for the printer to finish the jobs it was given, recording each
    /// outcome, so a stop or restart does not leave a printed ticket listed as unprinted.
    pub fn finish_printing(&self, limit: Duration) {
        let deadline = std::time::Instant::now() + limit;
        loop {
            self.collect_print_outcomes();
            if self.printer.is_idle() || std::time::Instant::now() >= deadline {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A sample receipt in the configured text mode, so staff see that printing works.
    fn test_print(&self) {
        let local = self.now().with_timezone(&self.config.tz()).naive_local();
        let slip = TicketSlip {
            office: self.config.office.name.clone(),
            field: "Trang in thử".into(),
            number: "A000".into(),
            issued_local: local,
            ahead: 0,
            wait_minutes: None,
            qr_payload: self.config.office.ticket_url_for("test"),
            priority: false,
            reprint: false,
        };
        let job = self.printer.submit(Job {
            kind: JobKind::TestPrint,
            stem: format!("{}-test", local.format("%Y%m%d-%H%M%S")),
            bytes: ticket_bytes(&slip, &self.profile),
        });
        self.state.borrow_mut().admin_jobs.push(job);
        if let Some(app) = self.ui() {
            app.global::<AdminAdapter>()
                .set_admin_message(SlipState::Sent);
        }
    }

    fn set_language(&self, language: Language) {
        self.state.borrow_mut().language = language;
        if let Err(e) = slint::select_bundled_translation(match language {
            Language::Vi => "vi",
            Language::En => "",
        }) {
            log::error!("could not switch the UI language: {e}");
        }
        let Some(app) = self.ui() else { return };
        app.global::<NavigationAdapter>()
            .set_language(match language {
                Language::Vi => ui::Language::Vi,
                Language::En => ui::Language::En,
            });
        let items: Vec<FieldItem> = self
            .cat
            .borrow()
            .fields
            .iter()
            .map(|f| FieldItem {
                code: f.code.clone().into(),
                name: match language {
                    Language::Vi => f.name_vi.clone(),
                    Language::En => f.name_en.clone(),
                }
                .into(),
                icon: icon_char(&f.icon).into(),
            })
            .collect();
        app.global::<TicketAdapter>()
            .set_fields(ModelRc::new(VecModel::from(items)));
        let field = self.state.borrow().field.clone();
        if let Some(code) = field {
            app.global::<TicketAdapter>()
                .set_chosen_field(self.field_name(&code).into());
        }
        // Catalogue pages follow the language too.
        let (field, procedure) = {
            let s = self.state.borrow();
            (s.catalogue_field.clone(), s.open_procedure)
        };
        match app.global::<NavigationAdapter>().get_page() {
            Page::Catalogue => self.open_catalogue(),
            Page::Procedures => {
                if let Some(f) = field {
                    self.open_field(&f)
                }
            }
            Page::Search => self.run_search(),
            Page::Procedure => {
                if let Some(id) = procedure {
                    self.open_procedure(id)
                }
            }
            _ => {}
        }
        let last = self.state.borrow().last_ticket.clone();
        if let Some(last) = last {
            if app.global::<NavigationAdapter>().get_page() == Page::Ticket {
                let mut t = app.global::<TicketAdapter>().get_ticket();
                t.field = self.field_name(&last.field_code).into();
                app.global::<TicketAdapter>().set_ticket(t);
            }
        }
    }

    fn refresh_clock(&self) {
        let Some(app) = self.ui() else { return };
        let now = self.now();
        if now < PLAUSIBLE_FLOOR {
            // A clock we cannot trust is not shown to citizens.
            app.global::<NavigationAdapter>()
                .set_time_text("--:--".into());
            app.global::<NavigationAdapter>()
                .set_date_text(SharedString::new());
        } else {
            let local = now.with_timezone(&self.config.tz()).naive_local();
            app.global::<NavigationAdapter>()
                .set_time_text(format!("{:02}:{:02}", local.hour(), local.minute()).into());
            app.global::<NavigationAdapter>()
                .set_date_text(local.format("%d/%m/%Y").to_string().into());
            app.global::<NavigationAdapter>()
                .set_weekday(local.weekday().number_from_monday() as i32);
        }
        match self.availability_now() {
            Availability::Open { closes_at } => {
                app.global::<NavigationAdapter>().set_open(true);
                app.global::<NavigationAdapter>()
                    .set_open_until(closes_at.format("%H:%M").to_string().into());
            }
            Availability::Closed { .. } => app.global::<NavigationAdapter>().set_open(false),
        }
    }

    /// The configured hours as the closed page states them; they never change while running.
    fn show_hours(&self) {
        let Some(app) = self.ui() else { return };
        let hours = &self.config.hours;
        let mut sessions = hours.sessions.clone();
        sessions.sort_by_key(|s| s.start);
        let sessions: Vec<String> = sessions
            .iter()
            .map(|s| format!("{}–{}", s.start.format("%H:%M"), s.end.format("%H:%M")))
            .collect();
        app.global::<NavigationAdapter>()
            .set_sessions_text(sessions.join(", ").into());
        let (first, last) = day_range(&hours.days).unwrap_or((0, 0));
        app.global::<NavigationAdapter>()
            .set_first_day(first as i32);
        app.global::<NavigationAdapter>().set_last_day(last as i32);
    }
}

/// A printer's state as the screens name it.
fn printer_status(state: PrinterState) -> PrinterStatus {
    match state {
        PrinterState::Ready => PrinterStatus::Ready,
        PrinterState::PaperNearEnd => PrinterStatus::PaperNearEnd,
        PrinterState::PaperOut => PrinterStatus::PaperOut,
        PrinterState::CoverOpen => PrinterStatus::CoverOpen,
        PrinterState::Offline => PrinterStatus::Offline,
        PrinterState::NotAnswering => PrinterStatus::NotAnswering,
    }
}

/// A dossier's status as the screens name it.
fn dossier_status(status: crate::domain::dossier::DossierStatus) -> DossierStatus {
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

/// How the printer is reached, for the admin view.
fn printer_line(config: &Config, profile: &Profile) -> String {
    use crate::config::PrinterKind;
    let p = &config.printer;
    match p.kind {
        PrinterKind::Serial => format!("serial {} · {} baud · {}", p.port, p.baud, profile.name),
        PrinterKind::Tcp => format!("tcp {} · {}", p.port, profile.name),
        PrinterKind::Virtual => format!("virtual · {}", profile.name),
        PrinterKind::None => "none".to_string(),
    }
}

/// Service days as a range "Monday to Friday" (1 = Monday); `None` when they are not
/// consecutive, and the closed page then gives only the sessions and the next opening.
fn day_range(days: &[chrono::Weekday]) -> Option<(u32, u32)> {
    let mut n: Vec<u32> = days.iter().map(|d| d.number_from_monday()).collect();
    n.sort_unstable();
    n.dedup();
    let (first, last) = (*n.first()?, *n.last()?);
    (last - first + 1 == n.len() as u32).then_some((first, last))
}

/// A catalogue icon is a hex code point of the embedded Material Icons font.
fn icon_char(hex: &str) -> String {
    u32::from_str_radix(hex, 16)
        .ok()
        .and_then(char::from_u32)
        .map(String::from)
        .unwrap_or_default()
}

/// Like [`with`], for callbacks that carry an argument.
fn with_arg<T>(w: &Weak<Controller>, f: impl Fn(&Controller, T) + 'static) -> impl Fn(T) + 'static {
    let w = w.clone();
    move |arg| {
        if let Some(c) = w.upgrade() {
            f(&c, arg)
        }
    }
}

fn with(w: &Weak<Controller>, f: impl Fn(&Controller) + 'static) -> impl Fn() + 'static {
    let w = w.clone();
    move || {
        if let Some(c) = w.upgrade() {
            f(&c)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday::*;

    #[test]
    fn service_days_read_as_a_range_only_when_consecutive() {
        assert_eq!(day_range(&[Mon, Tue, Wed, Thu, Fri]), Some((1, 5)));
        assert_eq!(day_range(&[Sat, Mon, Tue, Wed, Thu, Fri]), Some((1, 6)));
        assert_eq!(day_range(&[Mon, Tue, Thu]), None);
        assert_eq!(day_range(&[]), None);
    }

    #[test]
    fn icons_are_code_points() {
        assert_eq!(icon_char("e638"), "\u{e638}");
        assert_eq!(icon_char("zz"), "");
    }
}
