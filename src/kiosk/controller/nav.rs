//! Navigation: pages, "back", the language, the header's clock and the service hours
//! (the `NavigationAdapter` global).

use chrono::{Datelike, Timelike};
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::{field_item, Controller};
use crate::config::Language;
use crate::domain::clock::PLAUSIBLE_FLOOR;
use crate::domain::hours::{availability, Availability};
use crate::ui::{
    self, FieldItem, LookupAdapter, NavigationAdapter, Page, ReopenInfo, TicketAdapter,
};

impl Controller {
    pub(super) fn go_back(&self) {
        let page = match self.ui() {
            Some(app) => app.global::<NavigationAdapter>().get_page(),
            None => return,
        };
        match page {
            Page::Priority => self.set_page(Page::Fields),
            Page::Dossier => self.set_page(Page::Lookup),
            Page::Procedures | Page::Search => self.open_catalogue(),
            Page::Procedure | Page::Online => {
                let from = self.catalogue.borrow().procedure_from;
                self.set_page(from)
            }
            Page::Factor => {
                self.lookup.borrow_mut().factor_input.clear();
                if let Some(app) = self.ui() {
                    app.global::<LookupAdapter>().set_factor_length(0);
                }
                self.set_page(Page::Dossier)
            }
            _ => self.go_home(),
        }
    }

    pub(super) fn set_language(&self, language: Language) {
        self.language.set(language);
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
            .map(|f| field_item(f, language))
            .collect();
        app.global::<TicketAdapter>()
            .set_fields(ModelRc::new(VecModel::from(items)));
        let field = self.ticket.borrow().field.clone();
        if let Some(code) = field {
            app.global::<TicketAdapter>()
                .set_chosen_field(self.field_name(&code).into());
        }
        // Catalogue pages follow the language too.
        let (field, procedure) = {
            let s = self.catalogue.borrow();
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
                    self.show_procedure(id)
                }
            }
            Page::Online => self.refresh_online(),
            _ => {}
        }
        let last = self.ticket.borrow().last_ticket.clone();
        if let Some(last) = last {
            if app.global::<NavigationAdapter>().get_page() == Page::Ticket {
                let mut t = app.global::<TicketAdapter>().get_ticket();
                t.field = self.field_name(&last.field_code).into();
                app.global::<TicketAdapter>().set_ticket(t);
            }
        }
    }

    pub(super) fn refresh_clock(&self) {
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
    pub(super) fn show_hours(&self) {
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

    /// Service hours apply only when the clock can be trusted: a board that booted in 1970
    /// keeps issuing rather than turning citizens away.
    pub(super) fn availability_now(&self) -> Availability {
        let now = self.now();
        if now < PLAUSIBLE_FLOOR {
            return Availability::Open {
                closes_at: chrono::NaiveTime::from_hms_opt(23, 59, 0).unwrap(),
            };
        }
        let local = now.with_timezone(&self.config.tz()).naive_local();
        availability(local, &self.config.hours)
    }

    pub(super) fn show_closed_if_closed(&self) -> bool {
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
}
