//! A ticket at a counter: how the console shows it, and the one a counter holds.

use anyhow::Result;
use chrono::TimeDelta;
use serde::Serialize;

use crate::domain::numbering::format_ticket_number;
use crate::office::db::{sql_params, Row, Tx};
use crate::office::store::{to_u32, SiteId};

/// A no-show may be called back this long after it was marked.
pub const NO_SHOW_GRACE: TimeDelta = TimeDelta::minutes(15);

/// A ticket as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TicketView {
    /// Ticket id.
    pub id: String,
    /// "A012".
    pub label: String,
    /// The queue it waits or is served in.
    pub queue: String,
    /// Priority group code ("none" for ordinary).
    pub priority: String,
    /// Catalogue field code.
    pub field: String,
    /// "called" or "serving".
    pub state: String,
    /// Issue time.
    pub issued_at: String,
    /// Last call.
    pub called_at: Option<String>,
    /// Service start.
    pub started_at: Option<String>,
    /// Calls and recalls so far.
    pub calls: u32,
    /// The dossier code it is linked to (docs/dossier-link.md); the console's own ticket only.
    pub dossier: Option<super::DossierLink>,
}

/// The columns [`ticket_view`] reads, in its order.
pub(super) const TICKET_VIEW_COLUMNS: &str =
    "id, queue, number, serve_queue, priority, field, state, issued_at, called_at, started_at, calls";

/// A row of [`TICKET_VIEW_COLUMNS`] as the console shows it.
pub(super) fn ticket_view(r: &Row) -> Result<TicketView> {
    Ok(TicketView {
        id: r.text(0)?,
        label: format_ticket_number(&r.text(1)?, to_u32(r.int(2)?)),
        queue: r.text(3)?,
        priority: r.text(4)?,
        field: r.text(5)?,
        state: r.text(6)?,
        issued_at: r.text(7)?,
        called_at: r.opt_text(8)?,
        started_at: r.opt_text(9)?,
        calls: to_u32(r.int(10)?),
        dossier: None,
    })
}

/// The ticket a counter's state names as current, if it is still called or served there.
pub(super) fn held_ticket(
    tx: &mut Tx,
    site: SiteId,
    id: Option<String>,
    counter: u32,
) -> Result<Option<TicketView>> {
    let Some(id) = id else { return Ok(None) };
    tx.query_opt(
        &format!(
            "SELECT {TICKET_VIEW_COLUMNS} FROM ticket
             WHERE id = ?1 AND site_id = ?3 AND counter = ?2 AND state IN ('called', 'serving')"
        ),
        sql_params![&id, counter, site.0],
    )?
    .map(|r| ticket_view(&r))
    .transpose()
}
