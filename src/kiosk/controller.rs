//! The kiosk's behaviour behind the UI: it answers the callbacks of the `Kiosk` global and
//! feeds it data. All state lives here; the .slint side only shows it.

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Datelike, Timelike, Utc};
use slint::{ComponentHandle, ModelRc, SharedString, Timer, TimerMode, VecModel};

use super::printing::{Job, PrintQueue};
use crate::config::{Config, Language};
use crate::domain::clock::PLAUSIBLE_FLOOR;
use crate::domain::hours::{availability, Availability};
use crate::domain::priority::PriorityGroup;
use crate::domain::wait::estimate_wait_minutes;
use crate::printer::status::PrinterState;
use crate::printer::{ticket_bytes, Profile, TicketSlip};
use crate::store::{FieldRow, Store};
use crate::ui::{App, FieldItem, Kiosk, Page, PrintState, ReopenInfo, TicketInfo};

/// How long a ticket on screen ignores taps after it appears.
const TAP_GUARD: Duration = Duration::from_millis(1500);

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
}

/// Everything the controller needs; built by `kiosk::run` or by tests.
pub struct Controller {
    app: slint::Weak<App>,
    config: Config,
    profile: Profile,
    store: RefCell<Store>,
    fields: Vec<FieldRow>,
    clock: Clock,
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
    ) -> anyhow::Result<Rc<Controller>> {
        let fields: Vec<FieldRow> = store
            .fields()?
            .into_iter()
            .filter(|f| config.queue_for_field(&f.code).is_some())
            .collect();
        let language = config.kiosk.language;
        let ctrl = Rc::new(Controller {
            app: app.as_weak(),
            config,
            profile,
            store: RefCell::new(store),
            fields,
            clock,
            printer,
            state: RefCell::new(State {
                language,
                field: None,
                last_ticket: None,
            }),
            idle: Timer::default(),
            confirmation: Timer::default(),
            tap_guard: Timer::default(),
            tick: Timer::default(),
        });
        ctrl.wire(app);
        app.global::<Kiosk>()
            .set_office_name(ctrl.config.office.name.clone().into());
        ctrl.set_language(language);
        ctrl.show_hours();
        ctrl.refresh_clock();
        ctrl.go_home();
        let weak = Rc::downgrade(&ctrl);
        // One tick a second keeps the clock on screen current and collects print outcomes;
        // a print finishes within a tick of the worker reporting it.
        ctrl.tick
            .start(TimerMode::Repeated, Duration::from_millis(250), move || {
                if let Some(c) = weak.upgrade() {
                    c.refresh_clock();
                    c.collect_print_outcomes();
                }
            });
        Ok(ctrl)
    }

    fn wire(self: &Rc<Self>, app: &App) {
        let g = app.global::<Kiosk>();
        let w = Rc::downgrade(self);
        g.on_take_ticket(with(&w, |c| c.take_ticket()));
        let w2 = w.clone();
        g.on_choose_field(move |code| {
            if let Some(c) = w2.upgrade() {
                c.choose_field(&code)
            }
        });
        let w3 = w.clone();
        g.on_choose_priority(move |code| {
            if let Some(c) = w3.upgrade() {
                c.choose_priority(&code)
            }
        });
        g.on_go_home(with(&w, |c| c.go_home()));
        g.on_ticket_tapped(with(&w, |c| {
            if !c.tap_guard.running() {
                c.go_home();
            }
        }));
        g.on_go_back(with(&w, |c| c.go_back()));
        g.on_toggle_language(with(&w, |c| {
            let next = match c.state.borrow().language {
                Language::Vi => Language::En,
                Language::En => Language::Vi,
            };
            c.set_language(next);
        }));
        g.on_activity(with(&w, |c| c.restart_idle()));
    }

    fn ui(&self) -> Option<App> {
        self.app.upgrade()
    }

    fn set_page(&self, page: Page) {
        if let Some(app) = self.ui() {
            app.global::<Kiosk>().set_page(page);
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
                    app.global::<Kiosk>().invoke_go_home();
                }
            },
        );
    }

    /// Home is where every session ends: nothing of it stays for the next citizen, who
    /// also meets the kiosk in its configured language.
    fn go_home(&self) {
        self.confirmation.stop();
        self.tap_guard.stop();
        if self.state.borrow().language != self.config.kiosk.language {
            self.set_language(self.config.kiosk.language);
        }
        {
            let mut s = self.state.borrow_mut();
            s.field = None;
        }
        if let Some(app) = self.ui() {
            let g = app.global::<Kiosk>();
            g.set_chosen_field(SharedString::new());
            // The last ticket leaves the screen: nothing of it stays for the next citizen.
            g.set_ticket(TicketInfo::default());
            g.set_ticket_qr(slint::Image::default());
            g.set_print_state(PrintState::Idle);
            g.set_page(Page::Home);
        }
        self.idle.stop();
    }

    fn go_back(&self) {
        let page = match self.ui() {
            Some(app) => app.global::<Kiosk>().get_page(),
            None => return,
        };
        match page {
            Page::Priority => self.set_page(Page::Fields),
            _ => self.go_home(),
        }
    }

    fn now(&self) -> DateTime<Utc> {
        (self.clock)()
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
                    app.global::<Kiosk>().set_reopen(ReopenInfo {
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
        self.fields
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
            app.global::<Kiosk>()
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
        let issued =
            self.store
                .borrow_mut()
                .issue_ticket(&queue.prefix, field, priority, self.now(), tz)?;
        let ticket = issued.ticket;
        let wait = estimate_wait_minutes(issued.ahead, queue.service_minutes, queue.counters);
        let local = ticket.issued_at.with_timezone(&tz).naive_local();
        log::info!(
            "issued ticket {} (queue {}, business date {}, {} ahead)",
            ticket.display_number(),
            ticket.queue,
            ticket.business_date,
            issued.ahead
        );

        let qr_payload = self.config.office.ticket_url_for(&ticket.id);
        let slip = TicketSlip {
            office: self.config.office.name.clone(),
            // The receipt is always Vietnamese, whatever the screen shows.
            field: self.field_name_in(field, Language::Vi),
            number: ticket.display_number(),
            issued_local: local,
            ahead: issued.ahead,
            wait_minutes: (issued.ahead > 0).then_some(wait),
            qr_payload: qr_payload.clone(),
            priority: priority != PriorityGroup::None,
        };
        self.printer.submit(Job {
            ticket_id: ticket.id.clone(),
            stem: format!(
                "{}-{}",
                local.format("%Y%m%d-%H%M%S"),
                ticket.display_number()
            ),
            bytes: ticket_bytes(&slip, &self.profile),
        });

        self.state.borrow_mut().last_ticket = Some(LastTicket {
            id: ticket.id.clone(),
            field_code: field.to_string(),
        });
        if let Some(app) = self.ui() {
            let g = app.global::<Kiosk>();
            g.set_ticket(TicketInfo {
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
            g.set_print_state(PrintState::Printing);
            g.set_ticket_qr(super::qr::qr_image(&qr_payload));
        }
        self.set_page(Page::Ticket);
        self.tap_guard
            .start(TimerMode::SingleShot, TAP_GUARD, || {});
        self.return_home_after(self.config.kiosk.confirmation_seconds);
        Ok(())
    }

    /// Leaves the ticket on screen for `secs`, then goes home.
    fn return_home_after(&self, secs: u32) {
        let app = self.app.clone();
        self.confirmation.start(
            TimerMode::SingleShot,
            Duration::from_secs(secs.max(1) as u64),
            move || {
                if let Some(app) = app.upgrade() {
                    app.global::<Kiosk>().invoke_go_home();
                }
            },
        );
    }

    /// Records what the printer thread reported and updates the ticket on screen.
    fn collect_print_outcomes(&self) {
        if let Some(state) = self.printer.state_change() {
            if state.can_print() && state != PrinterState::PaperNearEnd {
                log::info!("printer: {state}");
            } else {
                log::warn!("printer: {state} ({})", state.describe_vi());
            }
            if let Some(app) = self.ui() {
                let notice = if state == PrinterState::Ready {
                    ""
                } else {
                    state.code()
                };
                app.global::<Kiosk>().set_printer_notice(notice.into());
            }
        }
        for outcome in self.printer.finished() {
            let ok = outcome.result.is_ok();
            match &outcome.result {
                Ok(()) => {
                    if let Err(e) = self
                        .store
                        .borrow_mut()
                        .mark_printed(&outcome.ticket_id, self.now())
                    {
                        log::error!("could not record the print of {}: {e:#}", outcome.ticket_id);
                    }
                }
                Err(e) => log::warn!("ticket {} not printed: {e}", outcome.ticket_id),
            }
            let showing = self
                .state
                .borrow()
                .last_ticket
                .as_ref()
                .is_some_and(|t| t.id == outcome.ticket_id);
            if showing {
                if let Some(app) = self.ui() {
                    let g = app.global::<Kiosk>();
                    if g.get_page() == Page::Ticket {
                        g.set_print_state(if ok {
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
        let g = app.global::<Kiosk>();
        g.set_language(
            match language {
                Language::Vi => "vi",
                Language::En => "en",
            }
            .into(),
        );
        let items: Vec<FieldItem> = self
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
        g.set_fields(ModelRc::new(VecModel::from(items)));
        let field = self.state.borrow().field.clone();
        if let Some(code) = field {
            g.set_chosen_field(self.field_name(&code).into());
        }
        let last = self.state.borrow().last_ticket.clone();
        if let Some(last) = last {
            if g.get_page() == Page::Ticket {
                let mut t = g.get_ticket();
                t.field = self.field_name(&last.field_code).into();
                g.set_ticket(t);
            }
        }
    }

    fn refresh_clock(&self) {
        let Some(app) = self.ui() else { return };
        let g = app.global::<Kiosk>();
        let now = self.now();
        if now < PLAUSIBLE_FLOOR {
            // A clock we cannot trust is not shown to citizens.
            g.set_time_text("--:--".into());
            g.set_date_text(SharedString::new());
        } else {
            let local = now.with_timezone(&self.config.tz()).naive_local();
            g.set_time_text(format!("{:02}:{:02}", local.hour(), local.minute()).into());
            g.set_date_text(local.format("%d/%m/%Y").to_string().into());
            g.set_weekday(local.weekday().number_from_monday() as i32);
        }
        match self.availability_now() {
            Availability::Open { closes_at } => {
                g.set_open(true);
                g.set_open_until(closes_at.format("%H:%M").to_string().into());
            }
            Availability::Closed { .. } => g.set_open(false),
        }
    }

    /// The configured hours as the closed page states them; they never change while running.
    fn show_hours(&self) {
        let Some(app) = self.ui() else { return };
        let g = app.global::<Kiosk>();
        let hours = &self.config.hours;
        let mut sessions = hours.sessions.clone();
        sessions.sort_by_key(|s| s.start);
        let sessions: Vec<String> = sessions
            .iter()
            .map(|s| format!("{}–{}", s.start.format("%H:%M"), s.end.format("%H:%M")))
            .collect();
        g.set_sessions_text(sessions.join(", ").into());
        let (first, last) = day_range(&hours.days).unwrap_or((0, 0));
        g.set_first_day(first as i32);
        g.set_last_day(last as i32);
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
