//! Kiosk events, applied exactly once, and the tickets materialised from them.

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use super::devices::Device;
use super::meta::{lock_rev, queues_changed};
use super::values::{day, ts};
use super::OfficeStore;
use crate::office::db::{sql_params, Tx};
use crate::protocol::EVENT_TICKET_ISSUED;

/// What became of a pushed event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// First delivery: applied now.
    New,
    /// Already applied earlier: acknowledged, nothing changed.
    Replay,
}

/// The part of a `ticket.issued` payload (the kiosk's `Ticket`) the office keeps. Codes stay
/// text, so a kiosk with a newer priority group or state is still counted.
#[derive(Deserialize)]
struct IssuedTicket {
    id: String,
    queue: String,
    number: u32,
    business_date: NaiveDate,
    issued_at: DateTime<Utc>,
    field: String,
    priority: String,
    state: String,
}

impl OfficeStore {
    /// Records a kiosk event once: a second delivery of the same id is a replay. A new
    /// `ticket.issued` also lands in the ticket table, in the same transaction.
    pub fn apply_event(
        &mut self,
        device: &Device,
        event_id: &str,
        kind: &str,
        payload: &str,
        now: DateTime<Utc>,
    ) -> Result<Applied> {
        Ok(self.apply_events(device, &[(event_id, kind, payload)], now)?[0])
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
        self.write(|tx| {
            // Pushes take turns from the start: a reported ticket is checked against every
            // ticket committed before it, and two offices inserting the same event ids in
            // different orders cannot deadlock.
            lock_rev(tx)?;
            let mut out = Vec::with_capacity(events.len());
            for (event_id, kind, payload) in events {
                let inserted = tx.execute(
                    "INSERT INTO event (id, device_id, kind, payload, received_at)
                     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO NOTHING",
                    sql_params![*event_id, &device.id, *kind, *payload, &now],
                )?;
                if inserted == 1 && *kind == EVENT_TICKET_ISSUED {
                    record_ticket(tx, device, event_id, payload)?;
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

/// Stores a reported ticket. A payload that cannot be read, or a number another ticket
/// already holds, is logged and never fails the push: the event is kept either way.
fn record_ticket(tx: &mut Tx, device: &Device, event_id: &str, payload: &str) -> Result<()> {
    let t: IssuedTicket = match serde_json::from_str(payload) {
        Ok(t) => t,
        Err(e) => {
            log::warn!(
                "event {event_id} from {:?}: unreadable ticket.issued payload ({e}); event kept, ticket not counted",
                device.name
            );
            return Ok(());
        }
    };
    if t.id.trim().is_empty() || t.queue.trim().is_empty() || t.number == 0 {
        log::warn!(
            "event {event_id} from {:?}: ticket.issued without id, queue or number; event kept, ticket not counted",
            device.name
        );
        return Ok(());
    }
    let texts = [&t.id, &t.queue, &t.field, &t.priority, &t.state];
    if texts.iter().any(|s| s.contains('\0')) {
        log::warn!(
            "event {event_id} from {:?}: ticket.issued with a NUL character; event kept, ticket not counted",
            device.name
        );
        return Ok(());
    }
    let date = day(t.business_date);
    let holder = tx
        .query_opt(
            "SELECT id FROM ticket WHERE business_date = ?1 AND queue = ?2 AND number = ?3 AND id <> ?4",
            sql_params![&date, &t.queue, t.number, &t.id],
        )?
        .map(|r| r.text(0))
        .transpose()?;
    let issued_at = ts(t.issued_at);
    let inserted = tx.execute(
        "INSERT INTO ticket (id, device_id, queue, business_date, number, issued_at, field, priority, state, conflict, serve_queue)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?3) ON CONFLICT (id) DO NOTHING",
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
        ],
    )?;
    if inserted == 0 {
        // The ticket came before in another event: the queue did not change.
        return Ok(());
    }
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
    queues_changed(tx)
}

#[cfg(test)]
mod tests {
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
        assert_eq!(
            s.apply_event(&dev, "e1", "ticket.issued", "{}", now)
                .unwrap(),
            Applied::New
        );
        assert_eq!(
            s.apply_event(&dev, "e1", "ticket.issued", "{}", now)
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
        let rev = s.rev().unwrap();
        assert_eq!(rev, 4, "each ticket is a change");
        // The same ticket in a second event changes nothing; a replay neither.
        push(&mut s, &k1, "e5", &issued("t1", "A", 1, d(), "waiting"));
        push(&mut s, &k1, "e1", &issued("t1", "A", 1, d(), "waiting"));
        assert_eq!(s.rev().unwrap(), rev);
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
        // Unreadable payloads keep their event and count no ticket.
        for (i, bad) in [
            "{\"number\": 1}",
            "[]",
            "not json",
            &issued("", "A", 9, d(), "waiting"),
        ]
        .iter()
        .enumerate()
        {
            assert_eq!(push(&mut s, &k1, &format!("bad{i}"), bad), Applied::New);
        }
        assert_eq!(s.ticket_count().unwrap(), 6);
        assert_eq!(s.event_count().unwrap(), 11);

        let c = s.changes(0, None, d(), now).unwrap();
        assert_eq!(
            c.queues,
            [
                QueueStatus {
                    queue: "A".into(),
                    business_date: d(),
                    issued: 4,
                    waiting: 3,
                    serving: None,
                    service_seconds: None,
                    counters_open: Some(0),
                },
                QueueStatus {
                    queue: "B".into(),
                    business_date: d(),
                    issued: 1,
                    waiting: 1,
                    serving: None,
                    service_seconds: None,
                    counters_open: Some(0),
                },
            ]
        );
        assert!(s
            .changes(c.cursor, None, d(), now)
            .unwrap()
            .queues
            .is_empty());
    }
}
