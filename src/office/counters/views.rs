//! What the console and the display board show: the JSON their pages get.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::clerks::{Clerk, ClerkSession};
use super::tickets::{held_ticket, TicketView, NO_SHOW_GRACE};
use crate::domain::numbering::format_ticket_number;
use crate::domain::speech::announcement;
use crate::office::db::sql_params;
use crate::office::store::{
    day, open_counters, split_queues, to_u32, ts, OfficeStore, OpenCounter, SiteId,
};

/// The board's list of recent calls.
const BOARD_RECENT: i64 = 10;

/// One queue's waiting tickets for a counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaitingCount {
    /// Queue prefix.
    pub queue: String,
    /// Its name in Vietnamese.
    pub name_vi: String,
    /// Its name in English.
    pub name_en: String,
    /// Tickets waiting (those sent to another counter left out).
    pub waiting: u32,
    /// Of which priority tickets.
    pub priority: u32,
    /// This counter serves the queue.
    pub served: bool,
}

/// A line of the call log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallRow {
    /// When.
    pub at: String,
    /// Which ticket.
    pub label: String,
    /// call, recall, no_show, start, finish, transfer.
    pub action: String,
    /// Where.
    pub counter: u32,
}

/// A no-show the counter may still call back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoShowView {
    /// Ticket id.
    pub id: String,
    /// "A009".
    pub label: String,
    /// When it was marked.
    pub no_show_at: String,
}

/// Everything the console shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CounterView {
    /// Who is logged in.
    pub clerk: Clerk,
    /// This counter.
    pub counter: u32,
    /// Queues it serves.
    pub queues: Vec<String>,
    /// Not taking calls.
    pub paused: bool,
    /// The ticket called or served here.
    pub current: Option<TicketView>,
    /// Waiting tickets per queue.
    pub waiting: Vec<WaitingCount>,
    /// This counter's last calls and recalls today, newest first.
    pub recent: Vec<CallRow>,
    /// Recallable no-shows.
    pub no_shows: Vec<NoShowView>,
    /// Open counters (for transfers).
    pub counters: Vec<OpenCounter>,
    /// Today's bookings in the queues this counter serves, by time (docs/booking.md).
    pub bookings: Vec<super::bookings::DayBooking>,
    /// The alerts the console shows (docs/alerts.md).
    pub alerts: super::alerts::ConsoleAlerts,
}

/// A counter on the display board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoardCounter {
    /// Its number.
    pub counter: u32,
    /// The ticket it last called today, if any.
    pub label: Option<String>,
    /// When.
    pub at: Option<String>,
    /// Not taking calls.
    pub paused: bool,
}

/// A call the board lists and announces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoardCall {
    /// Rises with every call: the board announces ids above the highest it has seen.
    pub id: i64,
    /// "A012".
    pub label: String,
    /// The counter to go to.
    pub counter: u32,
    /// When.
    pub at: String,
    /// The voice clips after the chime.
    pub say: Vec<&'static str>,
}

/// Everything the display board shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoardView {
    /// Notice line in Vietnamese.
    pub notice_vi: String,
    /// Notice line in English.
    pub notice_en: String,
    /// Open counters.
    pub counters: Vec<BoardCounter>,
    /// Latest calls, newest first.
    pub recent: Vec<BoardCall>,
}

impl OfficeStore {
    /// What the console of a session shows.
    pub fn counter_view(
        &self,
        session: &ClerkSession,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<CounterView> {
        let site = session.site;
        let c = session.counter;
        self.read(|tx| {
            let options = self.queue_options_in(tx, site)?;
            let row = tx
                .query_opt(
                    "SELECT queues, paused, current FROM counter_state WHERE site_id = ?2 AND counter = ?1",
                    sql_params![c, site.0],
                )?
                .context("the session's counter has no state")?;
            let queues = split_queues(&row.text(0)?);
            let mut current = held_ticket(tx, site, row.opt_text(2)?, c)?;
            if let Some(t) = current.as_mut() {
                t.dossier = super::dossier_links::ticket_link(tx, site, &t.id)?;
            }
            let mut counts: BTreeMap<String, (u32, u32)> = BTreeMap::new();
            for r in tx.query(
                // Kept by triggers as tickets come and go (schema 9): a few rows, however
                // many wait. `for_counter` 0 is a ticket for any counter.
                "SELECT serve_queue, CAST(SUM(waiting) AS BIGINT), CAST(SUM(priority) AS BIGINT)
                 FROM waiting_count
                 WHERE site_id = ?3 AND business_date = ?1 AND (for_counter = 0 OR for_counter = ?2)
                 GROUP BY serve_queue HAVING SUM(waiting) > 0",
                sql_params![&day(today), c, site.0],
            )? {
                counts.insert(r.text(0)?, (to_u32(r.int(1)?), to_u32(r.int(2)?)));
            }
            let mut waiting: Vec<WaitingCount> = options
                .iter()
                .map(|o| {
                    let (n, p) = counts.remove(&o.prefix).unwrap_or_default();
                    WaitingCount {
                        served: queues.contains(&o.prefix),
                        queue: o.prefix.clone(),
                        name_vi: o.name_vi.clone(),
                        name_en: o.name_en.clone(),
                        waiting: n,
                        priority: p,
                    }
                })
                .collect();
            // Tickets in a queue nobody configured (sent to this counter, say) still show.
            waiting.extend(counts.into_iter().map(|(q, (n, p))| WaitingCount {
                served: queues.contains(&q),
                name_vi: String::new(),
                name_en: String::new(),
                queue: q,
                waiting: n,
                priority: p,
            }));
            let recent = tx
                .query(
                    "SELECT at, label, action, counter FROM call_log
                     WHERE site_id = ?3 AND business_date = ?1 AND counter = ?2
                         AND action IN ('call', 'recall')
                     ORDER BY id DESC LIMIT 10",
                    sql_params![&day(today), c, site.0],
                )?
                .iter()
                .map(|r| {
                    Ok(CallRow {
                        at: r.text(0)?,
                        label: r.text(1)?,
                        action: r.text(2)?,
                        counter: to_u32(r.int(3)?),
                    })
                })
                .collect::<Result<_>>()?;
            let no_shows = tx
                .query(
                    "SELECT id, queue, number, no_show_at FROM ticket
                     WHERE site_id = ?3 AND counter = ?1 AND state = 'no_show' AND no_show_at > ?2
                     ORDER BY no_show_at DESC",
                    sql_params![c, &ts(now - NO_SHOW_GRACE), site.0],
                )?
                .iter()
                .map(|r| {
                    Ok(NoShowView {
                        id: r.text(0)?,
                        label: format_ticket_number(&r.text(1)?, to_u32(r.int(2)?)),
                        no_show_at: r.text(3)?,
                    })
                })
                .collect::<Result<_>>()?;
            let bookings = super::bookings::day_bookings(tx, site, today, &queues, now)?;
            let lead = session.clerk.lead;
            let alerts =
                super::alerts::console_alerts_in(tx, site, c, &queues, lead, now, today)?;
            Ok(CounterView {
                clerk: session.clerk.clone(),
                counter: c,
                queues,
                paused: row.int(1)? != 0,
                current,
                waiting,
                recent,
                no_shows,
                counters: open_counters(tx, site, now)?,
                bookings,
                alerts,
            })
        })
    }

    /// What the site's display board shows.
    pub fn board_view(
        &self,
        site: SiteId,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<BoardView> {
        let settings = self.settings(site)?;
        self.read(|tx| {
            let counters = open_counters(tx, site, now)?
                .into_iter()
                .map(|oc| {
                    let last = tx
                        .query_opt(
                            "SELECT label, at FROM call_log
                             WHERE site_id = ?3 AND business_date = ?1 AND counter = ?2
                             AND action IN ('call', 'recall') ORDER BY id DESC LIMIT 1",
                            sql_params![&day(today), oc.counter, site.0],
                        )?
                        .map(|r| Ok::<_, anyhow::Error>((r.text(0)?, r.text(1)?)))
                        .transpose()?;
                    Ok(BoardCounter {
                        counter: oc.counter,
                        label: last.as_ref().map(|l| l.0.clone()),
                        at: last.map(|l| l.1),
                        paused: oc.paused,
                    })
                })
                .collect::<Result<_>>()?;
            let recent = tx
                .query(
                    "SELECT id, label, counter, at FROM call_log WHERE site_id = ?3 AND business_date = ?1
                     AND action IN ('call', 'recall') ORDER BY id DESC LIMIT ?2",
                    sql_params![&day(today), BOARD_RECENT, site.0],
                )?
                .iter()
                .map(|r| {
                    let label = r.text(1)?;
                    let counter = to_u32(r.int(2)?);
                    Ok(BoardCall {
                        id: r.int(0)?,
                        say: announcement(&label, counter),
                        label,
                        counter,
                        at: r.text(3)?,
                    })
                })
                .collect::<Result<_>>()?;
            Ok(BoardView {
                notice_vi: settings.notice_vi.clone(),
                notice_en: settings.notice_en.clone(),
                counters,
                recent,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::office::counters::fixtures::*;
    use crate::office::counters::{Action, ClerkSession};
    use crate::office::store::OfficeStore;
    use crate::office::test_db::{both_backends, Backend};

    both_backends! {
        the_waiting_counts_follow_every_change_of_a_ticket,
    }

    /// A queue, a counter (0: any), how many wait there and how many of them have priority.
    type Count = (String, i64, i64, i64);

    /// The counts as kept by the triggers and as counted from the tickets themselves.
    fn kept_and_counted(s: &OfficeStore) -> (Vec<Count>, Vec<Count>) {
        let rows = |sql: &str| {
            s.read(|tx| {
                tx.query(sql, &[])?
                    .iter()
                    .map(|r| Ok((r.text(0)?, r.int(1)?, r.int(2)?, r.int(3)?)))
                    .collect()
            })
            .unwrap()
        };
        (
            rows(
                "SELECT serve_queue, for_counter, waiting, priority FROM waiting_count
                 WHERE waiting > 0 ORDER BY serve_queue, for_counter",
            ),
            rows(
                "SELECT serve_queue, COALESCE(for_counter, 0), COUNT(*),
                     COUNT(CASE WHEN priority <> 'none' THEN 1 END)
                 FROM ticket WHERE state = 'waiting'
                 GROUP BY serve_queue, COALESCE(for_counter, 0) ORDER BY 1, 2",
            ),
        )
    }

    /// The console's waiting and priority counts of `queue` at `who`'s counter.
    fn shown(o: &Office, who: &ClerkSession, queue: &str) -> (u32, u32) {
        let v = o.s.counter_view(who, at(30), d()).unwrap();
        v.waiting
            .iter()
            .find(|w| w.queue == queue)
            .map_or((0, 0), |w| (w.waiting, w.priority))
    }

    fn the_waiting_counts_follow_every_change_of_a_ticket(b: Backend) {
        let mut o = office(b);
        let check = |o: &Office, step: &str| {
            let (kept, counted) = kept_and_counted(&o.s);
            assert_eq!(kept, counted, "after {step}");
        };
        o.ticket("A", 1, 0, "none");
        let a2 = o.ticket("A", 2, 1, "elderly");
        o.ticket("A", 3, 2, "none");
        o.ticket("B", 1, 3, "pregnant");
        o.ticket("B", 2, 4, "none");
        check(&o, "issuing");
        let lan = o.clerk("lan", 1, &["A"], 5);
        let mai = o.clerk("mai", 2, &["B"], 5);
        assert_eq!(shown(&o, &lan, "A"), (3, 1));
        assert_eq!(shown(&o, &lan, "B"), (2, 1));

        o.act(&lan, Action::Next, 6).unwrap();
        check(&o, "a call");
        assert_eq!(
            shown(&o, &lan, "A"),
            (2, 0),
            "the elderly citizen went first"
        );
        o.act(&lan, Action::NoShow, 7).unwrap();
        check(&o, "a no-show");
        o.act(&lan, Action::RecallNoShow(a2), 8).unwrap();
        check(&o, "calling a no-show back");
        // Sent to queue B for counter 2 only: counter 2 sees it, counter 1 does not.
        let transfer = Action::Transfer {
            queue: Some("B".into()),
            counter: Some(2),
        };
        o.act(&lan, transfer, 9).unwrap();
        check(&o, "a transfer");
        assert_eq!(shown(&o, &mai, "B"), (3, 2));
        assert_eq!(shown(&o, &lan, "B"), (2, 1));
        o.act(&mai, Action::Next, 10).unwrap();
        check(&o, "the transferred ticket called");
        assert_eq!(shown(&o, &mai, "B"), (2, 1), "it went first, as priority");

        // Counter 1 calls, then its clerk moves to counter 3: the called ticket goes back.
        o.act(&lan, Action::Next, 11).unwrap();
        assert_eq!(shown(&o, &lan, "A"), (1, 0));
        o.s.open_session(&lan.clerk, 3, &["A".to_string()], at(12))
            .unwrap();
        let lan_at_3 = ClerkSession { counter: 3, ..lan };
        check(&o, "a clerk moving to another counter");
        assert_eq!(shown(&o, &lan_at_3, "A"), (2, 0));

        // Kept on disk: a new process reads the same counts.
        let target = o._db.target();
        o.s = OfficeStore::open(target).unwrap();
        check(&o, "reopening");
        assert_eq!(shown(&o, &lan_at_3, "A"), (2, 0));
        assert_eq!(shown(&o, &lan_at_3, "B"), (2, 1));
    }
}
