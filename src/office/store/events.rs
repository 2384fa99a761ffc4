//! Kiosk events, applied exactly once, and the tickets materialised from them.

use super::devices::Device;
use super::event_check::{keep_aside, ticket_problem, IssuedTicket, Known};
use super::online_routing::{record_routing, routing_problem};
use super::revs::{lock_rev, queues_changed};
use super::sites::SiteId;
use super::values::{day, ts};
use super::OfficeStore;
use crate::office::db::{sql_params, Tx};
use crate::protocol::{RoutedOnline, EVENT_ROUTING_ONLINE, EVENT_TICKET_ISSUED};
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};

/// What became of a pushed event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// First delivery: applied now.
    New,
    /// Already applied (or kept aside) earlier: acknowledged, nothing changed.
    Replay,
    /// First delivery of a ticket the office refuses: kept aside with this reason, never
    /// counted; acknowledged all the same, so the kiosk does not send it for ever.
    Rejected(String),
}

impl OfficeStore {
    /// Records a kiosk event once: a second delivery of the same id is a replay. A new
    /// `ticket.issued` also lands in the ticket table, a new `routing.online` in
    /// `online_routing`, in the same transaction; either is checked first and kept aside
    /// when refused.
    pub fn apply_event(
        &mut self,
        device: &Device,
        event_id: &str,
        kind: &str,
        payload: &str,
        now: DateTime<Utc>,
    ) -> Result<Applied> {
        let mut applied = self.apply_events(device, &[(event_id, kind, payload)], now)?;
        Ok(applied.remove(0))
    }

    /// Records a push of `(id, kind, payload)` events in one transaction (one disk sync for
    /// the whole batch, so a kiosk's day of offline tickets lands in a moment); each is
    /// applied once, as in [`apply_event`](Self::apply_event).
    pub fn apply_events(
        &mut self,
        device: &Device,
        events: &[(&str, &str, &str)],
        now: DateTime<Utc>,
    ) -> Result<Vec<Applied>> {
        let now = ts(now);
        let site = device
            .site()
            .context("only a kiosk of a site pushes events")?;
        self.write(|tx| {
            // Pushes of a site take turns from the start: a reported ticket is checked
            // against every ticket committed before it, and two offices inserting the same
            // event ids in different orders cannot deadlock.
            lock_rev(tx, site)?;
            let catalogue = self.stored_catalogue(tx)?;
            let known = Known::load(tx, site, catalogue.as_deref())?;
            // Kiosks without the office's catalogue use the shipped one.
            let shipped;
            let procedures = match catalogue.as_deref() {
                Some(c) => c,
                None => {
                    shipped = crate::catalogue::Catalogue::default_embedded();
                    &shipped
                }
            };
            let mut out = Vec::with_capacity(events.len());
            for (event_id, kind, payload) in events {
                let mut routed = None;
                let problem = if *kind == EVENT_TICKET_ISSUED {
                    match serde_json::from_str::<IssuedTicket>(payload) {
                        Ok(t) => ticket_problem(&t, &known),
                        Err(e) => Some(format!("unreadable ticket.issued payload ({e})")),
                    }
                } else if *kind == EVENT_ROUTING_ONLINE {
                    match serde_json::from_str::<RoutedOnline>(payload) {
                        Ok(r) => {
                            let why = routing_problem(event_id, &r, &known, procedures);
                            routed = Some(r);
                            why
                        }
                        Err(e) => Some(format!("unreadable routing.online payload ({e})")),
                    }
                } else {
                    None
                };
                if let Some(why) = problem {
                    let seen = tx
                        .query_opt("SELECT 1 FROM event WHERE id = ?1", sql_params![*event_id])?
                        .is_some();
                    let kept =
                        !seen && keep_aside(tx, &device.id, event_id, kind, payload, &why, &now)?;
                    out.push(if kept {
                        Applied::Rejected(why)
                    } else {
                        Applied::Replay
                    });
                    continue;
                }
                let inserted = tx.execute(
                    "INSERT INTO event (id, device_id, kind, payload, received_at)
                     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO NOTHING",
                    sql_params![*event_id, &device.id, *kind, *payload, &now],
                )?;
                if inserted == 1 && *kind == EVENT_TICKET_ISSUED {
                    record_ticket(tx, site, device, payload)?;
                }
                if let (1, Some(r)) = (inserted, &routed) {
                    record_routing(tx, site, device, r)?;
                }
                out.push(if inserted == 1 {
                    Applied::New
                } else {
                    Applied::Replay
                });
            }
            Ok(out)
        })
    }

    /// How many events were applied (replays excluded).
    pub fn event_count(&self) -> Result<u64> {
        self.read_count("SELECT COUNT(*) FROM event")
    }

    /// How many reported tickets (all days) arrived with a number another ticket already held.
    pub fn conflicts(&self) -> Result<u64> {
        self.read_count("SELECT COUNT(*) FROM ticket WHERE conflict <> 0")
    }

    /// How many tickets kiosks have reported (all days).
    pub fn ticket_count(&self) -> Result<u64> {
        self.read_count("SELECT COUNT(*) FROM ticket")
    }
}

/// Stores a reported ticket, checked at the door already ([`ticket_problem`]). A number
/// another ticket already holds is logged and never fails the push.
fn record_ticket(tx: &mut Tx, site: SiteId, device: &Device, payload: &str) -> Result<()> {
    let t: IssuedTicket = serde_json::from_str(payload)?;
    let date = day(t.business_date);
    let holder = tx
        .query_opt(
            "SELECT id FROM ticket WHERE site_id = ?5 AND business_date = ?1 AND queue = ?2 AND number = ?3 AND id <> ?4",
            sql_params![&date, &t.queue, t.number, &t.id, site.0],
        )?
        .map(|r| r.text(0))
        .transpose()?;
    let issued_at = ts(t.issued_at);
    let token = follow_token(tx, &t, device)?;
    let inserted = tx.execute(
        "INSERT INTO ticket (id, device_id, queue, business_date, number, issued_at, field, priority, state, conflict, serve_queue, site_id, follow_token)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?3, ?11, ?12) ON CONFLICT (id) DO NOTHING",
        sql_params![
            &t.id,
            &device.id,
            &t.queue,
            &date,
            t.number,
            &issued_at,
            &t.field,
            &t.priority,
            &t.state,
            i64::from(holder.is_some()),
            site.0,
            token.as_deref(),
        ],
    )?;
    if inserted == 0 {
        // The ticket came before in another event: the queue did not change.
        return Ok(());
    }
    // A booking checked in for this ticket gives it its slot (docs/booking.md).
    tx.execute(
        "UPDATE ticket SET booked_slot_at =
             (SELECT slot_at FROM booking WHERE ticket_id = ?1 AND site_id = ?2)
         WHERE id = ?1",
        sql_params![&t.id, site.0],
    )?;
    if let Some(other) = holder {
        log::warn!(
            "number {} of queue {} on {} issued twice: ticket {} from {:?} and ticket {other}",
            t.number,
            t.queue,
            t.business_date,
            t.id,
            device.name
        );
    }
    queues_changed(tx, site)
}

/// The ticket's follow token if it may be kept: well-formed and no other ticket's. A bad or
/// taken one costs the citizen only the follow page, never the ticket (which is called all
/// the same), and is logged without its value (whoever reads the log must not follow it).
fn follow_token(tx: &mut Tx, t: &IssuedTicket, device: &Device) -> Result<Option<String>> {
    let Some(token) = &t.follow_token else {
        return Ok(None);
    };
    let why = if !crate::follow::is_token(token) {
        "is not a follow token"
    } else if tx
        .query_opt(
            "SELECT 1 FROM ticket WHERE follow_token = ?1 AND id <> ?2",
            sql_params![token, &t.id],
        )?
        .is_some()
    {
        "is another ticket's"
    } else {
        return Ok(Some(token.clone()));
    };
    log::warn!(
        "the follow token of ticket {} from {:?} {why}: the ticket has no follow page",
        t.id,
        device.name
    );
    Ok(None)
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::office::store::S1;
    use chrono::Utc;

    use super::*;
    use crate::office::store::fixtures::*;
    use crate::office::test_db::{both_backends, Backend};
    use crate::protocol::QueueStatus;

    both_backends! {
        an_event_is_applied_once,
        reported_tickets_are_counted_once_and_clashing_numbers_kept_and_counted,
    }

    fn an_event_is_applied_once(b: Backend) {
        let (_db, mut s) = open(b);
        let dev = kiosk(&mut s, "K1");
        let now = Utc::now();
        let ticket = issued("t1", "A", 1, d(), "waiting");
        assert_eq!(
            s.apply_event(&dev, "e1", "ticket.issued", &ticket, now)
                .unwrap(),
            Applied::New
        );
        assert_eq!(
            s.apply_event(&dev, "e1", "ticket.issued", &ticket, now)
                .unwrap(),
            Applied::Replay
        );
        assert_eq!(s.event_count().unwrap(), 1);
    }

    fn reported_tickets_are_counted_once_and_clashing_numbers_kept_and_counted(b: Backend) {
        let (_db, mut s) = open(b);
        let k1 = kiosk(&mut s, "K1");
        let k2 = kiosk(&mut s, "K2");
        let now = Utc::now();
        let push = |s: &mut OfficeStore, dev: &Device, event: &str, payload: &str| {
            s.apply_event(dev, event, "ticket.issued", payload, now)
                .unwrap()
        };
        push(&mut s, &k1, "e1", &issued("t1", "A", 1, d(), "waiting"));
        push(&mut s, &k2, "e2", &issued("t2", "A", 501, d(), "waiting"));
        push(&mut s, &k2, "e3", &issued("t3", "A", 502, d(), "called"));
        push(&mut s, &k1, "e4", &issued("t4", "B", 1, d(), "waiting"));
        let rev = s.rev(S1).unwrap();
        assert_eq!(rev, 4, "each ticket is a change");
        // The same ticket in a second event changes nothing; a replay neither.
        push(&mut s, &k1, "e5", &issued("t1", "A", 1, d(), "waiting"));
        push(&mut s, &k1, "e1", &issued("t1", "A", 1, d(), "waiting"));
        assert_eq!(s.rev(S1).unwrap(), rev);
        // Another ticket with a taken number: stored, counted, the push goes on.
        assert_eq!(
            push(&mut s, &k2, "e6", &issued("t6", "A", 1, d(), "waiting")),
            Applied::New
        );
        assert_eq!(s.conflicts().unwrap(), 1);
        // The same number on another day or queue is no clash.
        push(
            &mut s,
            &k2,
            "e7",
            &issued("t7", "A", 1, d().succ_opt().unwrap(), "waiting"),
        );
        assert_eq!(s.conflicts().unwrap(), 1);
        // Unreadable or refused payloads are kept aside, acknowledged once, and count no ticket.
        for (i, bad) in [
            "{\"number\": 1}",
            "[]",
            "not json",
            &issued("", "A", 9, d(), "waiting"),
            &issued("t9", "=A", 9, d(), "waiting"),
        ]
        .iter()
        .enumerate()
        {
            let event = format!("bad{i}");
            assert!(matches!(
                push(&mut s, &k1, &event, bad),
                Applied::Rejected(_)
            ));
            assert_eq!(push(&mut s, &k1, &event, bad), Applied::Replay);
        }
        // An event applied before is not kept aside when sent again with a bad payload.
        assert_eq!(push(&mut s, &k1, "e1", "not json"), Applied::Replay);
        assert_eq!(s.ticket_count().unwrap(), 6);
        assert_eq!(s.event_count().unwrap(), 7);
        assert_eq!(s.rejected_event_count().unwrap(), 5);
        let listed = s.rejected_events(2).unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].device, "K1");
        assert!(listed
            .iter()
            .any(|r| r.reason.contains("unreadable") || r.reason.contains("queue")));

        let c = s.changes(S1, 0, None, d(), now).unwrap();
        assert_eq!(
            c.queues,
            [
                QueueStatus {
                    queue: "A".into(),
                    business_date: d(),
                    issued: 4,
                    waiting: 3,
                    serving: None,
                    serving_counter: None,
                    service_seconds: None,
                    counters_open: Some(0),
                },
                QueueStatus {
                    queue: "B".into(),
                    business_date: d(),
                    issued: 1,
                    waiting: 1,
                    serving: None,
                    serving_counter: None,
                    service_seconds: None,
                    counters_open: Some(0),
                },
            ]
        );
        assert!(s
            .changes(S1, c.cursor, None, d(), now)
            .unwrap()
            .queues
            .is_empty());
    }
}
