//! The kiosk's behaviour behind the UI, one flow per file, each driving its adapter global
//! (`ui/globals/`): `nav` (pages, language, clock, hours), `status` (printer, sync, the
//! office's notice and "now serving"), `ticket`, `booking` (a booking's check-in), `lookup` (with its second factor in `factor`), `catalogue`, `online` (routing a
//! procedure done online) and `admin`. This file
//! wires them: the shared context, the callbacks, the tick and the timers, and going home,
//! which resets every flow's state and properties. All state lives here; the .slint side
//! only shows it.

mod access;
mod admin;
mod booking;
mod catalogue;
mod factor;
mod guide;
mod lookup;
mod nav;
mod online;
mod status;
mod ticket;

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use slint::{ComponentHandle, SharedString, Timer, TimerMode};

use super::audio::Speaker;
use super::printing::PrintQueue;
use super::upkeep::Upkeep;
use crate::auth::PinGuard;
use crate::config::{Config, Language};
use crate::domain::guide as guide_rules;
use crate::kiosk::store::{FieldRow, Numbering, Store};
use crate::kiosk::sync::SyncHandle;
use crate::printer::Profile;
use crate::ui::{
    AccessAdapter, AdminAdapter, App, BookingAdapter, CatalogueAdapter, FieldItem, LookupAdapter,
    NavigationAdapter, OnlineAdapter, Page, TicketAdapter,
};
use access::AccessState;
use admin::AdminState;
use booking::{Abandoned, BookingState};
use catalogue::{CatalogueState, CatalogueView};
use guide::GuideState;
use lookup::LookupState;
use online::OnlineState;
use status::{printer_line, PrinterSeen, StatusState};
use ticket::TicketState;

/// The wall clock, injectable so tests can stand at any instant.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Everything the controller needs; built by `kiosk::run` or by tests.
pub struct Controller {
    app: slint::Weak<App>,
    /// This controller, for timers that outlive a call.
    me: Weak<Controller>,
    config: Config,
    profile: Profile,
    store: RefCell<Store>,
    /// The catalogue as the pages show it; replaced when the office sends a new one.
    cat: RefCell<CatalogueView>,
    /// The catalogue generation `cat` was loaded at.
    cat_generation: Cell<u64>,
    /// Staff asked for a restart from the admin view.
    restart: Cell<bool>,
    /// Retention and the size bound: store upkeep, ticked with the clock.
    upkeep: RefCell<Upkeep>,
    clock: Clock,
    /// The sync with the office, when the config names one.
    sync: Option<SyncHandle>,
    printer: PrintQueue,
    /// The language the screen speaks now.
    language: Cell<Language>,
    /// Failed PINs and the pad's lock; kept in the store, never reset by going home.
    pin_guard: RefCell<PinGuard>,
    /// What the printer reported last; not a citizen's, so going home keeps it.
    printer_seen: RefCell<PrinterSeen>,
    /// Each flow's session state: going home puts back its `Default`.
    status: RefCell<StatusState>,
    ticket: RefCell<TicketState>,
    booking: RefCell<BookingState>,
    /// Check-ins left before their answer; kept for the day, not the session.
    abandoned: RefCell<Abandoned>,
    lookup: RefCell<LookupState>,
    catalogue: RefCell<CatalogueState>,
    online: RefCell<OnlineState>,
    admin: RefCell<AdminState>,
    /// The citizen's own modes; the end of the session turns them off.
    access: Cell<AccessState>,
    /// Spoken guidance's place on the page.
    guide: RefCell<GuideState>,
    /// Says guidance through the board's audio (a recorder in tests).
    speaker: Box<dyn Speaker>,
    /// Set from the audio thread when headphones are plugged in: guidance starts.
    headphones_in: Arc<AtomicBool>,
    idle: Timer,
    /// Warns a guided citizen before `idle` strikes.
    idle_warning: Timer,
    confirmation: Timer,
    /// Runs for a moment after a ticket appears: the second tap of a double tap must not
    /// dismiss the number the citizen has not yet read.
    tap_guard: Timer,
    tick: Timer,
}

/// The kiosk's parts the controller drives: its store and the devices around it.
pub struct Parts {
    /// The kiosk's database.
    pub store: Store,
    /// The printer's job queue.
    pub printer: PrintQueue,
    /// The sync with the office, when the config names one.
    pub sync: Option<SyncHandle>,
    /// Says the spoken guidance.
    pub speaker: Box<dyn Speaker>,
}

impl Controller {
    /// Wires the UI to the kiosk's parts and a clock, and shows the home page.
    pub fn attach(
        app: &App,
        config: Config,
        profile: Profile,
        clock: Clock,
        parts: Parts,
    ) -> anyhow::Result<Rc<Controller>> {
        let Parts {
            store,
            printer,
            sync,
            speaker,
        } = parts;
        let headphones_in = Arc::new(AtomicBool::new(false));
        let flag = headphones_in.clone();
        speaker.on_headphones(Box::new(move |plugged| {
            if plugged {
                flag.store(true, Ordering::SeqCst);
            }
        }));
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
        let ctrl = Rc::new_cyclic(|me| Controller {
            app: app.as_weak(),
            me: me.clone(),
            config,
            profile,
            store: RefCell::new(store),
            cat: RefCell::new(cat),
            cat_generation: Cell::new(0),
            restart: Cell::new(false),
            upkeep: RefCell::new(Upkeep::default()),
            clock,
            sync,
            printer,
            language: Cell::new(language),
            pin_guard: RefCell::new(pin_guard),
            printer_seen: RefCell::default(),
            status: RefCell::default(),
            ticket: RefCell::default(),
            booking: RefCell::default(),
            abandoned: RefCell::default(),
            lookup: RefCell::default(),
            catalogue: RefCell::default(),
            online: RefCell::default(),
            admin: RefCell::default(),
            access: Cell::default(),
            guide: RefCell::default(),
            speaker,
            headphones_in: headphones_in.clone(),
            idle: Timer::default(),
            idle_warning: Timer::default(),
            confirmation: Timer::default(),
            tap_guard: Timer::default(),
            tick: Timer::default(),
        });
        ctrl.wire(app);
        app.global::<NavigationAdapter>()
            .set_office_name(ctrl.config.office.name.clone().into());
        if let Some(mm) = ctrl.config.kiosk.screen_diagonal_mm {
            app.global::<crate::ui::Theme>()
                .set_screen_diagonal_mm(mm as f32);
        }
        app.global::<BookingAdapter>()
            .set_available(ctrl.sync.is_some());
        app.global::<TicketAdapter>()
            .set_wait_area(ctrl.config.kiosk.wait_area.clone().into());
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
        // PIN checks and booking check-ins, so each is seen within a quarter second of the worker finishing.
        ctrl.tick
            .start(TimerMode::Repeated, Duration::from_millis(250), move || {
                if let Some(c) = weak.upgrade() {
                    c.refresh_clock();
                    c.collect_print_outcomes();
                    c.collect_pin_check();
                    c.collect_check_in();
                    c.follow_sync();
                    c.follow_headphones();
                    c.housekeeping();
                }
            });
        Ok(ctrl)
    }

    /// Answers every adapter's callbacks, flow by flow.
    fn wire(self: &Rc<Self>, app: &App) {
        let w = Rc::downgrade(self);

        let nav = app.global::<NavigationAdapter>();
        nav.on_go_home(with(&w, |c| c.go_home()));
        nav.on_go_back(with(&w, |c| c.go_back()));
        nav.on_toggle_language(with(&w, |c| {
            let next = match c.language.get() {
                Language::Vi => Language::En,
                Language::En => Language::Vi,
            };
            c.set_language(next);
        }));
        nav.on_activity(with(&w, |c| c.restart_idle()));

        let access = app.global::<AccessAdapter>();
        access.on_toggle_high_contrast(with(&w, |c| c.toggle_high_contrast()));
        access.on_toggle_large_text(with(&w, |c| c.toggle_large_text()));
        access.on_toggle_guidance(with(&w, |c| c.toggle_guidance()));

        let ticket = app.global::<TicketAdapter>();
        ticket.on_take_ticket(with(&w, |c| c.take_ticket()));
        ticket.on_choose_field(with_arg(&w, |c, code: SharedString| c.choose_field(&code)));
        ticket.on_choose_priority(with_arg(&w, |c, code: SharedString| {
            c.choose_priority(&code)
        }));
        ticket.on_ticket_tapped(with(&w, |c| {
            if !c.tap_guard.running() {
                c.end_session();
            }
        }));

        let booking = app.global::<BookingAdapter>();
        booking.on_open_booking(with(&w, |c| c.open_booking()));
        booking.on_booking_key(with_arg(&w, |c, k: SharedString| c.booking_key(&k)));
        booking.on_take_normal_ticket(with(&w, |c| c.take_normal_ticket()));

        let lookup = app.global::<LookupAdapter>();
        lookup.on_open_lookup(with(&w, |c| c.open_lookup()));
        lookup.on_lookup_key(with_arg(&w, |c, k: SharedString| c.lookup_key(&k)));
        lookup.on_open_factor(with(&w, |c| c.open_factor()));
        lookup.on_factor_key(with_arg(&w, |c, k: SharedString| c.factor_key(&k)));
        lookup.on_print_status(with(&w, |c| c.print_status()));
        lookup.on_take_result_ticket(with(&w, |c| c.take_result_ticket()));
        lookup.on_scanner_text(with_arg(&w, |c, t: SharedString| {
            if !c.guide_key(&t) {
                c.scanner_text(&t)
            }
        }));

        let catalogue = app.global::<CatalogueAdapter>();
        catalogue.on_open_catalogue(with(&w, |c| c.open_catalogue()));
        catalogue.on_open_field(with_arg(&w, |c, code: SharedString| c.open_field(&code)));
        catalogue.on_open_procedure(with_arg(&w, |c, id: i32| c.open_procedure(id.into())));
        catalogue.on_open_search(with(&w, |c| c.open_search()));
        catalogue.on_search_key(with_arg(&w, |c, k: SharedString| c.search_key(&k)));
        catalogue.on_print_checklist(with(&w, |c| c.print_checklist()));

        let online = app.global::<OnlineAdapter>();
        online.on_print_steps(with(&w, |c| c.print_online_steps()));
        online.on_take_assisted_ticket(with(&w, |c| c.take_assisted_ticket()));
        online.on_show_details(with(&w, |c| c.show_online_details()));

        let admin = app.global::<AdminAdapter>();
        admin.on_admin_requested(with(&w, |c| c.admin_requested()));
        admin.on_pin_key(with_arg(&w, |c, key: SharedString| c.pin_key(&key)));
        admin.on_reprint(with_arg(&w, |c, id: SharedString| {
            c.reprint(&[id.to_string()])
        }));
        admin.on_reprint_all(with(&w, |c| {
            let ids: Vec<String> = c.kept_tickets().into_iter().map(|t| t.id).collect();
            c.reprint(&ids);
        }));
        admin.on_test_print(with(&w, |c| c.test_print()));
        admin.on_restart(with(&w, |c| c.request_restart()));
    }

    pub(super) fn ui(&self) -> Option<App> {
        self.app.upgrade()
    }

    pub(super) fn set_page(&self, page: Page) {
        if page != Page::Online {
            // The routing page is left: its visit is recorded, with the ticket it gave.
            self.end_online_visit();
        }
        if let Some(app) = self.ui() {
            app.global::<NavigationAdapter>().set_page(page);
        }
        self.restart_idle();
        self.page_changed();
    }

    /// Restarts the idle countdown that ends the session: longer, and announced before it
    /// strikes, while guidance is on.
    pub(super) fn restart_idle(&self) {
        self.clear_idle_warning();
        let secs = self.idle_seconds();
        let me = self.me.clone();
        self.idle.start(
            TimerMode::SingleShot,
            Duration::from_secs(secs.into()),
            move || {
                if let Some(c) = me.upgrade() {
                    c.end_session();
                }
            },
        );
        if self.access.get().guidance {
            let at = guide_rules::idle_warning_at(secs, guide_rules::IDLE_WARNING_SECONDS);
            let me = self.me.clone();
            self.idle_warning.start(
                TimerMode::SingleShot,
                Duration::from_secs(at.into()),
                move || {
                    if let Some(c) = me.upgrade() {
                        c.warn_idle(secs - at);
                    }
                },
            );
        }
    }

    /// Headphones plugged in start guidance: a blind citizen finds the jack by touch.
    fn follow_headphones(&self) {
        if self.headphones_in.swap(false, Ordering::SeqCst) && !self.access.get().guidance {
            log::info!("headphones plugged in: guidance starts");
            self.toggle_guidance();
        }
    }

    /// The idle timeout in force: the configured one, or the longer one of guidance.
    pub(super) fn idle_seconds(&self) -> u32 {
        let secs = self.config.kiosk.idle_timeout_seconds.max(1);
        if self.access.get().guidance {
            guide_rules::guided_idle_seconds(secs)
        } else {
            secs
        }
    }

    /// The session is over (the citizen left, or finished with the ticket): home, and the
    /// citizen's own modes off for the next one.
    pub(super) fn end_session(&self) {
        if self.access.get().guidance {
            self.speaker.stop();
        }
        *self.guide.borrow_mut() = GuideState::default();
        self.set_access(AccessState::default());
        self.go_home();
    }

    /// Home forgets every flow: nothing of it stays for the next citizen, who also meets
    /// the kiosk in its configured language. Each flow's state goes back to its `Default`
    /// and each flow's properties to their empty values, so a field added to a flow is
    /// forgotten without a line here. The citizen's modes stay until the session ends
    /// (`end_session`): pressing Home must not take away large text or guidance.
    pub(super) fn go_home(&self) {
        self.end_online_visit();
        self.confirmation.stop();
        self.tap_guard.stop();
        // A ticket taken meanwhile changed the waits: show them afresh.
        *self.status.borrow_mut() = StatusState::default();
        *self.ticket.borrow_mut() = TicketState::default();
        // A check-in still under way is dropped with it (its answer is never collected: no
        // ticket for a citizen who left), but its ticket id is kept for the same code.
        self.leave_check_in();
        *self.booking.borrow_mut() = BookingState::default();
        *self.lookup.borrow_mut() = LookupState::default();
        *self.catalogue.borrow_mut() = CatalogueState::default();
        *self.online.borrow_mut() = OnlineState::default();
        *self.admin.borrow_mut() = AdminState::default();
        if let Some(app) = self.ui() {
            ticket::reset_ui(&app);
            booking::reset_ui(&app);
            lookup::reset_ui(&app);
            catalogue::reset_ui(&app);
            online::reset_ui(&app);
            admin::reset_ui(&app);
            app.global::<NavigationAdapter>().set_page(Page::Home);
        }
        // After the page change, so the language switch does not redraw the page just left.
        if self.language.get() != self.config.kiosk.language {
            self.set_language(self.config.kiosk.language);
        }
        // With a mode on, the idle timer keeps running at home, so the modes end with the
        // session even when the citizen leaves from here.
        if self.access.get() == AccessState::default() {
            self.idle.stop();
            self.clear_idle_warning();
        } else {
            self.restart_idle();
        }
        self.page_changed();
    }

    /// The board clock, corrected by the office's once the sync knows it.
    pub(super) fn now(&self) -> DateTime<Utc> {
        let board = (self.clock)();
        self.sync.as_ref().map_or(board, |s| s.now(board))
    }

    /// How the next ticket of `queue` is numbered (see `SyncHandle::numbering`).
    pub(super) fn numbering(&self, queue: &str, now: DateTime<Utc>) -> Numbering {
        match &self.sync {
            Some(sync) => sync.numbering(&self.store.borrow(), queue, now, self.config.tz()),
            None => Numbering::Local,
        }
    }

    /// Store upkeep (retention, size bound), between touches on this thread.
    pub(super) fn housekeeping(&self) {
        let now = self.now();
        self.upkeep
            .borrow_mut()
            .tick(&mut self.store.borrow_mut(), &self.config, now);
    }

    /// "HH:MM:SS" in the office's zone, or "" for never.
    pub(super) fn time_of_day(&self, t: Option<DateTime<Utc>>) -> SharedString {
        t.map(|t| {
            t.with_timezone(&self.config.tz())
                .format("%H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
        .into()
    }

    /// The field's name in the screen's current language.
    pub(super) fn field_name(&self, code: &str) -> String {
        self.field_name_in(code, self.language.get())
    }

    pub(super) fn field_name_in(&self, code: &str, lang: Language) -> String {
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

    /// Leaves the ticket on screen for `secs` (a guided citizen gets the guided idle
    /// time, to hear it and ask again), then ends the session.
    pub(super) fn return_home_after(&self, secs: u32) {
        let secs = if self.access.get().guidance {
            secs.max(self.idle_seconds())
        } else {
            secs.max(1)
        };
        let me = self.me.clone();
        self.confirmation.start(
            TimerMode::SingleShot,
            Duration::from_secs(secs.into()),
            move || {
                if let Some(c) = me.upgrade() {
                    c.end_session();
                }
            },
        );
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
}

/// A field as a big button, named in `language`.
fn field_item(f: &FieldRow, language: Language) -> FieldItem {
    FieldItem {
        code: f.code.clone().into(),
        name: match language {
            Language::Vi => f.name_vi.clone(),
            Language::En => f.name_en.clone(),
        }
        .into(),
        icon: icon_char(&f.icon).into(),
    }
}

/// What a key of an on-screen keyboard did to the text typed so far.
enum Keyed {
    /// The text changed (or stayed full): show it again.
    Edited,
    /// "ok": act on the text.
    Done,
    /// Not a key this keyboard has.
    Ignored,
}

/// Applies `key` to `typed`: "back" deletes the last character, one character is added
/// while `typed` is shorter than `max` bytes.
fn type_key(typed: &mut String, key: &str, max: usize) -> Keyed {
    match key {
        "back" => {
            typed.pop();
        }
        "ok" => return Keyed::Done,
        k if k.chars().count() == 1 => {
            if typed.len() < max {
                typed.push_str(k);
            }
        }
        _ => return Keyed::Ignored,
    }
    Keyed::Edited
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

    #[test]
    fn icons_are_code_points() {
        assert_eq!(icon_char("e638"), "\u{e638}");
        assert_eq!(icon_char("zz"), "");
    }
}
