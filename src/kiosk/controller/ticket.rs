//! Taking a ticket (the `TicketAdapter` global): the fields, the priority page, the
//! ticket in the store, its receipt, and the number on screen.

use std::time::Duration;

use slint::{ComponentHandle, SharedString, TimerMode};

use super::Controller;
use crate::config::Language;
use crate::domain::priority::PriorityGroup;
use crate::domain::ticket::Ticket;
use crate::kiosk::printing::{Job, JobKind};
use crate::kiosk::qr::{ticket_address, TicketAddress};
use crate::printer::{ticket_bytes, TicketSlip};
use crate::ui::{App, Page, PrintState, TicketAdapter, TicketInfo};

/// How long a ticket on screen ignores taps after it appears.
const TAP_GUARD: Duration = Duration::from_millis(1500);

/// The last ticket issued, kept so a language switch can re-label it.
#[derive(Clone)]
pub(super) struct LastTicket {
    pub(super) id: String,
    pub(super) field_code: String,
}

/// The ticket flow's session: what going home forgets.
#[derive(Default)]
pub(super) struct TicketState {
    /// The field chosen on the fields page.
    pub(super) field: Option<String>,
    /// The ticket on screen.
    pub(super) last_ticket: Option<LastTicket>,
}

/// Empties the ticket flow's properties: the ticket leaves the screen.
pub(super) fn reset_ui(app: &App) {
    let g = app.global::<TicketAdapter>();
    g.set_chosen_field(SharedString::new());
    g.set_ticket(TicketInfo::default());
    g.set_ticket_qr(slint::Image::default());
    g.set_ticket_follow(false);
    g.set_print_state(PrintState::Idle);
}

impl Controller {
    pub(super) fn take_ticket(&self) {
        if self.show_closed_if_closed() {
            return;
        }
        self.set_page(Page::Fields);
    }

    pub(super) fn choose_field(&self, code: &str) {
        if self.config.queue_for_field(code).is_none() {
            log::warn!("field {code} has no queue; ignoring the tap");
            return;
        }
        self.ticket.borrow_mut().field = Some(code.to_string());
        if let Some(app) = self.ui() {
            app.global::<TicketAdapter>()
                .set_chosen_field(self.field_name(code).into());
        }
        self.set_page(Page::Priority);
    }

    pub(super) fn choose_priority(&self, code: &str) {
        let Some(field) = self.ticket.borrow().field.clone() else {
            self.go_home();
            return;
        };
        if self.show_closed_if_closed() {
            return;
        }
        let priority = PriorityGroup::from_code(code).unwrap_or(PriorityGroup::None);
        if priority == PriorityGroup::None && self.walk_in_priority_only() {
            // The page offers no ordinary number then; a stray "none" (an old key binding,
            // a scripted tap) must not make one either.
            log::warn!(
                "an ordinary number was asked for, but the office gives them by booking only"
            );
            return;
        }
        match self.issue(&field, priority) {
            Ok(()) => {}
            Err(e) => {
                // The store refused (disk full, corrupt file): say so rather than pretend.
                log::error!("could not issue a ticket: {e:#}");
                self.set_page(Page::Error);
            }
        }
    }

    /// Whether the office gives walk-in numbers to priority groups only (the settings it
    /// pushed last; an unreadable store gives everyone a number rather than no one).
    fn walk_in_priority_only(&self) -> bool {
        match self.store.borrow().office_settings() {
            Ok(s) => s.walk_in == crate::domain::booking::WalkIn::PriorityOnly,
            Err(e) => {
                log::error!("cannot read the office's settings: {e:#}");
                false
            }
        }
    }

    pub(super) fn issue(&self, field: &str, priority: PriorityGroup) -> anyhow::Result<()> {
        let queue = self
            .config
            .queue_for_field(field)
            .ok_or_else(|| anyhow::anyhow!("field {field} has no queue"))?
            .clone();
        self.issue_in(&queue, field, priority, None)
    }

    /// Issues a ticket of `queue` for `field` and shows it; `booked` (ticket id, booking
    /// code) for a checked-in booking, whose ticket keeps the id the office was given.
    pub(super) fn issue_in(
        &self,
        queue: &crate::config::QueueConfig,
        field: &str,
        priority: PriorityGroup,
        booked: Option<(String, String)>,
    ) -> anyhow::Result<()> {
        let tz = self.config.tz();
        let now = self.now();
        let numbering = match (&self.sync, &booked) {
            (Some(sync), Some((id, _))) => {
                sync.numbering_for(&self.store.borrow(), &queue.prefix, now, tz, id.clone())
            }
            _ => self.numbering(&queue.prefix, now),
        };
        let issued = self.store.borrow_mut().issue_ticket_as(
            &queue.prefix,
            field,
            priority,
            now,
            tz,
            numbering,
            booked,
        )?;
        if let Some(sync) = &self.sync {
            sync.kick();
        }
        let ticket = issued.ticket;
        let wait = self.wait_minutes(queue, issued.ahead, ticket.business_date);
        let local = ticket.issued_at.with_timezone(&tz).naive_local();
        log::info!(
            event = "ticket_issued", ticket = ticket.display_number(), queue = ticket.queue.as_str();
            "issued ticket {} (queue {}, business date {}, {} ahead)",
            ticket.display_number(),
            ticket.queue,
            ticket.business_date,
            issued.ahead
        );

        let address = self.qr_address(&ticket.id, ticket.follow_token.as_deref());
        self.printer
            .submit(self.receipt_job(&ticket, issued.ahead, wait, false));

        self.ticket.borrow_mut().last_ticket = Some(LastTicket {
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
                .set_ticket_qr(crate::kiosk::qr::qr_image(&address.url));
            app.global::<TicketAdapter>()
                .set_ticket_follow(address.follow);
        }
        self.set_page(Page::Ticket);
        self.tap_guard
            .start(TimerMode::SingleShot, TAP_GUARD, || {});
        self.return_home_after(self.config.kiosk.confirmation_seconds);
        Ok(())
    }

    /// Where the QR code of ticket `id` points ([`ticket_address`]), with the public address
    /// the office pushed last; read from the store at each ticket, so the first ticket after
    /// the sync stored it already carries it.
    pub(super) fn qr_address(&self, id: &str, follow_token: Option<&str>) -> TicketAddress {
        let public_url = match self.store.borrow().office_settings() {
            Ok(s) => s.public_url,
            Err(e) => {
                log::error!("cannot read the office's settings: {e:#}");
                String::new()
            }
        };
        ticket_address(&self.config.office, &public_url, id, follow_token)
    }

    /// The receipt of a ticket; a reprint says so on the slip.
    pub(super) fn receipt_job(&self, ticket: &Ticket, ahead: u32, wait: u32, reprint: bool) -> Job {
        let local = ticket
            .issued_at
            .with_timezone(&self.config.tz())
            .naive_local();
        let address = self.qr_address(&ticket.id, ticket.follow_token.as_deref());
        let slip = TicketSlip {
            office: self.config.office.name.clone(),
            // The receipt is always Vietnamese, whatever the screen shows.
            field: self.field_name_in(&ticket.field, Language::Vi),
            number: ticket.display_number(),
            issued_local: local,
            ahead,
            wait_minutes: (ahead > 0).then_some(wait),
            qr_payload: address.url,
            follow: address.follow,
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
}
