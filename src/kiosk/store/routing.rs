//! Online routing as the kiosk records it: one outbox event per showing of the routing
//! page (`routing.online`, docs/online-routing.md), sent to the office like a ticket.

use anyhow::Result;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::params;

use super::{fmt_ts, Store};
use crate::domain::clock::{business_date, effective_time};
use crate::protocol::{RoutedOnline, EVENT_ROUTING_ONLINE};

impl Store {
    /// Queues a `routing.online` event for the office: the page was shown at board time
    /// `now` for `procedure` of `field`, and `assisted_ticket` is the ticket taken from it.
    /// Stamped with the effective time, as a ticket is, so a board booting in 1970 does not
    /// count the visit on another day. Returns the event.
    pub fn record_routed_online(
        &mut self,
        field: &str,
        procedure: &str,
        assisted_ticket: Option<&str>,
        now: DateTime<Utc>,
        tz: Tz,
    ) -> Result<RoutedOnline> {
        let eff = effective_time(now, self.high_water()?);
        let event = RoutedOnline {
            id: uuid::Uuid::new_v4().to_string(),
            field: field.to_string(),
            procedure: procedure.to_string(),
            at: eff.at,
            business_date: business_date(eff.at, tz),
            assisted_ticket: assisted_ticket.map(str::to_string),
        };
        // One statement: it commits alone, durably, like a ticket's transaction.
        self.conn.execute(
            "INSERT INTO outbox(id, kind, payload, created_at, sent_at) VALUES (?1, ?2, ?3, ?4, NULL)",
            params![
                event.id,
                EVENT_ROUTING_ONLINE,
                serde_json::to_string(&event)?,
                fmt_ts(eff.at),
            ],
        )?;
        Ok(event)
    }
}
