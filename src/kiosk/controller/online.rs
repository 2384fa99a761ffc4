//! Routing online (the `OnlineAdapter` global): a procedure the national portal does wholly
//! online, or that the desk takes no paper for, opens a page that sends the citizen there
//! first: the QR code, three steps, a slip with both, a ticket for the assisted-online
//! queue when one is configured, and the usual details one tap away. Each showing is one
//! `routing.online` event in the outbox (docs/online-routing.md), written when the page is
//! left, so it says whether a ticket followed.

use slint::{ComponentHandle, SharedString};

use super::Controller;
use crate::domain::priority::PriorityGroup;
use crate::kiosk::printing::{Job, JobKind};
use crate::printer::{online_slip_bytes, OnlineSlip};
use crate::ui::{App, OnlineAdapter, Page, SlipState};

/// The three steps, as the slip prints them (always Vietnamese, like every slip); the
/// screen says them through `Strings`.
pub(super) const STEPS_VI: [&str; 3] = [
    "Quét mã bằng điện thoại",
    "Đăng nhập VNeID",
    "Điền tờ khai và nộp",
];

/// One showing of the routing page, not yet recorded.
#[derive(Debug, Clone)]
struct Visit {
    field: String,
    code: String,
    /// The citizen asked for an assisted ticket: the ticket issued then is the visit's.
    assisted: bool,
}

/// The routing flow's session: what going home forgets (after recording the visit).
#[derive(Default)]
pub(super) struct OnlineState {
    /// The procedure on the routing page.
    procedure: Option<i64>,
    /// The showing to record when the page is left.
    visit: Option<Visit>,
}

/// Empties the routing page's properties.
pub(super) fn reset_ui(app: &App) {
    let g = app.global::<OnlineAdapter>();
    g.set_procedure_name(SharedString::new());
    g.set_no_paper(false);
    g.set_qr(slint::Image::default());
    g.set_slip_state(SlipState::None);
}

impl Controller {
    /// Shows procedure `id` on the routing page if the portal does it online; false (and
    /// nothing shown) otherwise.
    pub(super) fn route_online(&self, id: i64) -> bool {
        let visit = {
            let cat = self.cat.borrow();
            let Some((_, p)) = cat.procedures.iter().find(|(i, _)| *i == id) else {
                return false;
            };
            if !p.routes_online() {
                return false;
            }
            Visit {
                field: p.field.clone(),
                code: p.code.clone().unwrap_or_default(),
                assisted: false,
            }
        };
        // A page shown again (after the details, say) is a visit of its own.
        self.end_online_visit();
        *self.online.borrow_mut() = OnlineState {
            procedure: Some(id),
            visit: Some(visit),
        };
        self.catalogue.borrow_mut().open_procedure = Some(id);
        self.refresh_online();
        if let Some(app) = self.ui() {
            app.global::<OnlineAdapter>()
                .set_slip_state(SlipState::None);
        }
        self.set_page(Page::Online);
        true
    }

    /// Puts the routing page's procedure on screen, in the screen's language.
    pub(super) fn refresh_online(&self) {
        let Some(id) = self.online.borrow().procedure else {
            return;
        };
        let Some(app) = self.ui() else { return };
        let cat = self.cat.borrow();
        let Some((_, p)) = cat.procedures.iter().find(|(i, _)| *i == id) else {
            return;
        };
        let g = app.global::<OnlineAdapter>();
        g.set_procedure_name(self.procedure_name(p).into());
        g.set_no_paper(p.no_paper);
        g.set_qr(
            p.online_url
                .as_deref()
                .map(crate::kiosk::qr::qr_image)
                .unwrap_or_default(),
        );
        g.set_assisted(self.assisted_queue().is_some());
    }

    /// The configured assisted-online queue, if it is still one of the kiosk's queues.
    fn assisted_queue(&self) -> Option<&crate::config::QueueConfig> {
        self.config
            .online
            .assisted_queue
            .as_deref()
            .and_then(|prefix| self.config.queue(prefix))
    }

    /// The QR code and the three steps on paper, by the checklist's path.
    pub(super) fn print_online_steps(&self) {
        let Some(id) = self.online.borrow().procedure else {
            return;
        };
        let slip = {
            let cat = self.cat.borrow();
            let Some((_, p)) = cat.procedures.iter().find(|(i, _)| *i == id) else {
                return;
            };
            let Some(url) = p.online_url.clone() else {
                return;
            };
            OnlineSlip {
                office: self.config.office.name.clone(),
                procedure: p.name_vi.clone(),
                code: p.code.clone(),
                no_paper: p.no_paper,
                steps: STEPS_VI.iter().map(|s| s.to_string()).collect(),
                online_url: url,
            }
        };
        let now = self.now().with_timezone(&self.config.tz());
        self.printer.submit(Job {
            kind: JobKind::Checklist,
            stem: format!("{}-online", now.format("%Y%m%d-%H%M%S")),
            bytes: online_slip_bytes(&slip, &self.profile),
        });
        if let Some(app) = self.ui() {
            app.global::<OnlineAdapter>()
                .set_slip_state(SlipState::Sent);
        }
    }

    /// A number in the assisted-online queue, for the procedure's field.
    pub(super) fn take_assisted_ticket(&self) {
        let Some(queue) = self.assisted_queue().cloned() else {
            log::warn!("an assisted-online ticket was asked for, but no queue is configured");
            return;
        };
        let field = {
            let mut s = self.online.borrow_mut();
            let Some(visit) = s.visit.as_mut() else {
                return;
            };
            visit.assisted = true;
            visit.field.clone()
        };
        if self.show_closed_if_closed() {
            return;
        }
        if let Err(e) = self.issue_in(&queue, &field, PriorityGroup::None, None) {
            log::error!("could not issue an assisted-online ticket: {e:#}");
            self.set_page(Page::Error);
        }
    }

    /// The procedure's usual page, from the routing page.
    pub(super) fn show_online_details(&self) {
        let id = self.online.borrow().procedure;
        if let Some(id) = id {
            self.show_procedure(id);
        }
    }

    /// Records the routing page's showing, if one is pending: its field, procedure, time,
    /// and the ticket issued from it. A store that refuses is logged; the citizen's way on
    /// does not depend on it.
    pub(super) fn end_online_visit(&self) {
        let Some(visit) = self.online.borrow_mut().visit.take() else {
            return;
        };
        let ticket = if visit.assisted {
            self.ticket
                .borrow()
                .last_ticket
                .as_ref()
                .map(|t| t.id.clone())
        } else {
            None
        };
        let recorded = self.store.borrow_mut().record_routed_online(
            &visit.field,
            &visit.code,
            ticket.as_deref(),
            self.now(),
            self.config.tz(),
        );
        match recorded {
            Ok(_) => {
                log::info!(
                    event = "routed_online", field = visit.field.as_str(), assisted = ticket.is_some();
                    "routed a citizen online (field {}, procedure {}, assisted ticket: {})",
                    visit.field,
                    visit.code,
                    ticket.is_some()
                );
                if let Some(sync) = &self.sync {
                    sync.kick();
                }
            }
            Err(e) => log::error!("could not record an online routing: {e:#}"),
        }
    }
}
