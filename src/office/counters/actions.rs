//! What clerks do at a counter: call the next ticket by the calling rule, recall, mark a
//! no-show and call it back, start, finish, transfer, pause and resume; each in one
//! transaction that locks its counter's row first.

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};

use super::clerks::ClerkSession;
use super::office_config::call_policy_in;
use super::refused::refuse;
use super::tickets::{held_ticket, TicketView, NO_SHOW_GRACE};
use crate::domain::calling::{next_ticket, streak_after, CallPolicy, Waiting};
use crate::domain::numbering::format_ticket_number;
use crate::domain::priority::PriorityGroup;
use crate::office::db::{placeholders, sql_params, Param, Row, Tx};
use crate::office::store::{
    day, open_counters, parse_ts, queues_changed, split_queues, to_u32, ts, OfficeStore, SiteId,
};

/// What a clerk asks of the counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Finish a ticket being served, then call the next.
    Next,
    /// Announce the called ticket again.
    Recall,
    /// The called ticket did not come.
    NoShow,
    /// Call back a recent no-show of this counter.
    RecallNoShow(String),
    /// The citizen is at the counter.
    Start,
    /// Service ends.
    Finish,
    /// Send the current ticket to another queue and/or one counter.
    Transfer {
        /// The queue it waits in next (None: the same).
        queue: Option<String>,
        /// The only counter that may call it (None: any serving its queue).
        counter: Option<u32>,
    },
    /// Stop taking calls.
    Pause,
    /// Take calls again.
    Resume,
}

impl OfficeStore {
    /// Does what the clerk asked at the counter; a refusal is a [`Refused`] error.
    pub fn counter_action(
        &mut self,
        session: &ClerkSession,
        action: &Action,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<()> {
        let site = session.site;
        // Only a transfer needs the queue list.
        let known = match action {
            Action::Transfer { .. } => self.queue_prefixes(site)?,
            _ => Vec::new(),
        };
        let c = session.counter;
        let clerk = session.clerk.id.as_str();
        let at = At {
            site,
            counter: c,
            clerk,
            now,
            today,
        };
        self.write(|tx| {
            // The site's change counters first, locked and raised at once (a refusal rolls
            // them back): actions of every office process at this site then commit in the
            // order their call-log ids were taken, so a board never skips a call; other
            // sites never wait on them.
            queues_changed(tx, site)?;
            let policy = call_policy_in(tx, site)?;
            let row = lock_counter(tx, session, now)?;
            let need_current = || {
                refuse(409, "no_current", "no ticket is called or served at this counter")
            };
            let called = |row: &CounterRow| {
                row.current
                    .clone()
                    .filter(|t| t.state == "called")
                    .ok_or_else(need_current)
            };
            match action {
                Action::Next => {
                    if row.paused {
                        return Err(refuse(409, "paused", "the counter is paused"));
                    }
                    if let Some(cur) = &row.current {
                        if cur.state == "called" {
                            return Err(refuse(
                                409,
                                "not_started",
                                format!("{} was called but not started: start it or mark it a no-show", cur.label),
                            ));
                        }
                        finish(tx, &at, cur)?;
                    }
                    // The counter's current ticket is set once, to the one called or none.
                    if !call_next(tx, session, &row, policy, now, today)? {
                        // The ticket served is finished all the same.
                        set_current(tx, &at, None, row.streak)?;
                        return Ok(Some(refuse(
                            409,
                            "nobody_waiting",
                            "nobody is waiting for this counter",
                        )));
                    }
                }
                Action::Recall => {
                    let cur = called(&row)?;
                    tx.execute(
                        "UPDATE ticket SET called_at = ?2, calls = calls + 1 WHERE id = ?1",
                        sql_params![&cur.id, &ts(now)],
                    )?;
                    log_call(tx, &at, &cur.id, &cur.label, "recall")?;
                }
                Action::NoShow => {
                    let cur = called(&row)?;
                    tx.execute(
                        "UPDATE ticket SET state = 'no_show', no_show_at = ?2 WHERE id = ?1",
                        sql_params![&cur.id, &ts(now)],
                    )?;
                    log_call(tx, &at, &cur.id, &cur.label, "no_show")?;
                    set_current(tx, &at, None, row.streak)?;
                }
                Action::RecallNoShow(id) => {
                    if let Some(cur) = &row.current {
                        return Err(refuse(
                            409,
                            "busy",
                            format!("{} is still at this counter", cur.label),
                        ));
                    }
                    let label = tx
                        .query_opt(
                            "UPDATE ticket SET state = 'called', called_at = ?3, calls = calls + 1, no_show_at = NULL, clerk_id = ?5
                             WHERE id = ?1 AND site_id = ?6 AND counter = ?2 AND state = 'no_show' AND no_show_at > ?4
                             RETURNING queue, number",
                            sql_params![id.as_str(), c, &ts(now), &ts(now - NO_SHOW_GRACE), clerk, site.0],
                        )?
                        .ok_or_else(|| {
                            refuse(
                                409,
                                "not_recallable",
                                "that ticket is not a recent no-show of this counter",
                            )
                        })
                        .and_then(|r| label_of(&r))?;
                    log_call(tx, &at, id, &label, "recall")?;
                    set_current(tx, &at, Some(id), row.streak)?;
                }
                Action::Start => {
                    let cur = called(&row)?;
                    tx.execute(
                        "UPDATE ticket SET state = 'serving', started_at = ?2 WHERE id = ?1",
                        sql_params![&cur.id, &ts(now)],
                    )?;
                    log_call(tx, &at, &cur.id, &cur.label, "start")?;
                }
                Action::Finish => {
                    let cur = row.current.as_ref().ok_or_else(need_current)?;
                    finish(tx, &at, cur)?;
                    set_current(tx, &at, None, row.streak)?;
                }
                Action::Transfer { queue, counter } => {
                    let cur = row.current.clone().ok_or_else(need_current)?;
                    if queue.is_none() && counter.is_none() {
                        return Err(refuse(400, "bad_request", "transfer to a queue or a counter"));
                    }
                    if let Some(q) = queue {
                        if !known.contains(q) {
                            return Err(refuse(400, "bad_request", format!("unknown queue {q:?}")));
                        }
                    }
                    if let Some(to) = counter {
                        let open = open_counters(tx, site, now)?.iter().any(|o| o.counter == *to);
                        if *to == c || !open {
                            return Err(refuse(400, "bad_request", format!("counter {to} is not open to take a transfer")));
                        }
                    }
                    // Back to waiting with its issue time and first call kept: it is not
                    // sent to the end of the line.
                    tx.execute(
                        "UPDATE ticket SET state = 'waiting', serve_queue = COALESCE(?2, serve_queue),
                             for_counter = ?3, counter = NULL, clerk_id = NULL, started_at = NULL
                         WHERE id = ?1",
                        sql_params![&cur.id, queue.as_deref(), counter.map(i64::from)],
                    )?;
                    log_call(tx, &at, &cur.id, &cur.label, "transfer")?;
                    set_current(tx, &at, None, row.streak)?;
                }
                Action::Pause | Action::Resume => {
                    tx.execute(
                        // Paused since the first pause: pausing again keeps the time.
                        "UPDATE counter_state SET paused = ?2,
                             paused_at = CASE WHEN paused = ?2 THEN paused_at ELSE ?4 END
                         WHERE site_id = ?3 AND counter = ?1",
                        sql_params![c, i64::from(*action == Action::Pause), site.0, &ts(now)],
                    )?;
                }
            }
            Ok(None)
        })
        .and_then(|refusal| refusal.map_or(Ok(()), Err))
    }
}

/// Where and when an action happens: the site, counter and clerk, the time and the day.
struct At<'a> {
    site: SiteId,
    counter: u32,
    clerk: &'a str,
    now: DateTime<Utc>,
    today: NaiveDate,
}

/// A ticket's label ("A012") from a row whose first columns are its queue and number.
fn label_of(r: &Row) -> Result<String> {
    Ok(format_ticket_number(&r.text(0)?, to_u32(r.int(1)?)))
}

/// Logs what the counter did to the ticket `ticket_id`, whose label is `label`.
fn log_call(tx: &mut Tx, at: &At, ticket_id: &str, label: &str, action: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO call_log (ticket_id, label, counter, clerk_id, action, at, business_date, site_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        sql_params![
            ticket_id,
            label,
            at.counter,
            at.clerk,
            action,
            &ts(at.now),
            &day(at.today),
            at.site.0
        ],
    )?;
    Ok(())
}

/// The counter's row, locked until the commit: (clerk id, queues, paused, streak, current).
struct CounterRow {
    queues: Vec<String>,
    paused: bool,
    streak: u32,
    current: Option<TicketView>,
}

fn lock_counter(tx: &mut Tx, session: &ClerkSession, now: DateTime<Utc>) -> Result<CounterRow> {
    let row = tx
        .query_opt(
            "UPDATE counter_state SET updated_at = ?2
             WHERE site_id = ?4 AND counter = ?1 AND clerk_id = ?3 AND open = 1
             RETURNING queues, paused, streak, current",
            sql_params![session.counter, &ts(now), &session.clerk.id, session.site.0],
        )?
        .ok_or_else(|| {
            refuse(
                401,
                "counter_closed",
                format!(
                    "counter {} is no longer open for this clerk",
                    session.counter
                ),
            )
        })?;
    let current = held_ticket(tx, session.site, row.opt_text(3)?, session.counter)?;
    Ok(CounterRow {
        queues: split_queues(&row.text(0)?),
        paused: row.int(1)? != 0,
        streak: to_u32(row.int(2)?),
        current,
    })
}

fn set_current(tx: &mut Tx, at: &At, current: Option<&str>, streak: u32) -> Result<()> {
    tx.execute(
        "UPDATE counter_state SET current = ?2, streak = ?3 WHERE site_id = ?4 AND counter = ?1",
        sql_params![at.counter, current, streak, at.site.0],
    )?;
    Ok(())
}

/// Calls the next ticket for the counter by the calling rule (false: nobody waits for it);
/// a ticket another office process took between the choice and the update is skipped and
/// the choice made again.
fn call_next(
    tx: &mut Tx,
    session: &ClerkSession,
    row: &CounterRow,
    policy: CallPolicy,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<bool> {
    let c = session.counter;
    let at = At {
        site: session.site,
        counter: c,
        clerk: &session.clerk.id,
        now,
        today,
    };
    let date = day(today);
    let now_text = ts(now);
    let booked_first = super::bookings::booked_first(tx, session.site)?;
    // Each class by its codes, which the index orders before the issue time: a query per
    // class walks only that class ("<> 'none'" would walk every waiting ticket).
    let classes = [
        (candidates_sql(&class_codes(false), row.queues.len()), 2i64),
        (candidates_sql(&class_codes(true), row.queues.len()), 1),
    ];
    for _ in 0..20 {
        // The rule looks only at the earliest ticket of each class (and whether a second
        // ordinary one waits), so the database sends those rather than the whole queue.
        let mut rows = Vec::new();
        for (sql, limit) in &classes {
            let mut params: Vec<Param> = vec![
                Param::from(date.as_str()),
                Param::from(c),
                Param::from(*limit),
                Param::from(session.site.0),
            ];
            params.extend(row.queues.iter().map(Param::from));
            rows.extend(tx.query(sql, &params)?);
        }
        let mut owned = Vec::with_capacity(rows.len());
        for r in &rows {
            owned.push((r.text(0)?, r.text(1)? != "none", parse_ts(&r.text(2)?)?));
        }
        let waiting: Vec<Waiting> = owned
            .iter()
            .map(|(id, priority, at)| Waiting {
                id,
                priority: *priority,
                issued_at: *at,
            })
            .collect();
        // A booked ticket whose slot has come goes before everyone (docs/booking.md).
        let booked = match booked_first {
            true => {
                let mut params: Vec<Param> = vec![
                    Param::from(date.as_str()),
                    Param::from(c),
                    Param::from(now_text.as_str()),
                    Param::from(session.site.0),
                ];
                params.extend(row.queues.iter().map(Param::from));
                tx.query_opt(&booked_sql(row.queues.len()), &params)?
                    .map(|r| r.text(0))
                    .transpose()?
            }
            false => None,
        };
        let ruled = next_ticket(&waiting, row.streak, now, policy);
        let chosen = match (&booked, ruled) {
            (Some(id), _) => Waiting {
                id,
                priority: false,
                issued_at: now,
            },
            (None, Some(w)) => *w,
            (None, None) => return Ok(false),
        };
        // Still waiting, and still for this counter (a transfer may have moved it meanwhile).
        let mut params: Vec<Param> = vec![
            Param::from(chosen.id),
            Param::from(c),
            Param::from(session.clerk.id.as_str()),
            Param::from(now_text.as_str()),
            Param::from(session.site.0),
        ];
        params.extend(row.queues.iter().map(Param::from));
        let taken = tx.query_opt(
            &format!(
                "UPDATE ticket SET state = 'called', counter = ?2, clerk_id = ?3, called_at = ?4,
                     first_called_at = COALESCE(first_called_at, ?4), calls = calls + 1
                 WHERE id = ?1 AND site_id = ?5 AND state = 'waiting'
                   AND (for_counter = ?2 OR (for_counter IS NULL AND serve_queue IN ({})))
                 RETURNING queue, number",
                placeholders(6, row.queues.len())
            ),
            &params,
        )?;
        let Some(taken) = taken else {
            continue;
        };
        let ordinary_left = waiting.iter().any(|w| !w.priority && w.id != chosen.id);
        // A booked call neither lengthens nor ends a streak of priority calls.
        let streak = match booked {
            Some(_) => row.streak,
            None => streak_after(row.streak, chosen.priority, ordinary_left),
        };
        let id = chosen.id.to_string();
        log_call(tx, &at, &id, &label_of(&taken)?, "call")?;
        set_current(tx, &at, Some(&id), streak)?;
        return Ok(true);
    }
    anyhow::bail!("counter {c}: every ticket chosen was taken by another counter 20 times over")
}

/// The earliest waiting tickets of the classes in `codes` (quoted, comma-separated) that a
/// counter of `queues` queues may call: ?1 day, ?2 counter, ?3 how many, ?4 site, then the
/// queues.
fn candidates_sql(codes: &str, queues: usize) -> String {
    format!(
        "SELECT id, priority, issued_at FROM ticket
         WHERE site_id = ?4 AND business_date = ?1 AND state = 'waiting' AND priority IN ({codes})
           AND (for_counter = ?2 OR (for_counter IS NULL AND serve_queue IN ({})))
         ORDER BY issued_at, id LIMIT ?3",
        placeholders(5, queues)
    )
}

/// The waiting booked ticket with the earliest slot that has come, for a counter of
/// `queues` queues: ?1 day, ?2 counter, ?3 now, ?4 site, then the queues.
fn booked_sql(queues: usize) -> String {
    format!(
        "SELECT id FROM ticket
         WHERE site_id = ?4 AND business_date = ?1 AND state = 'waiting'
           AND booked_slot_at IS NOT NULL AND booked_slot_at <= ?3
           AND (for_counter = ?2 OR (for_counter IS NULL AND serve_queue IN ({})))
         ORDER BY booked_slot_at, issued_at, id LIMIT 1",
        placeholders(5, queues)
    )
}

/// The codes of the priority groups (`priority`) or of none, quoted for SQL: tickets of
/// unknown codes never reach the table ([`crate::office::store`] checks each event's).
fn class_codes(priority: bool) -> String {
    PriorityGroup::ALL
        .iter()
        .filter(|g| (**g != PriorityGroup::None) == priority)
        .map(|g| format!("'{}'", g.code()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn finish(tx: &mut Tx, at: &At, ticket: &TicketView) -> Result<()> {
    // Finished straight from a call: service counted from the call.
    tx.execute(
        "UPDATE ticket SET state = 'done', finished_at = ?2, started_at = COALESCE(started_at, called_at)
         WHERE id = ?1 AND site_id = ?3",
        sql_params![&ticket.id, &ts(at.now), at.site.0],
    )?;
    log_call(tx, at, &ticket.id, &ticket.label, "finish")
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::office::store::S1;
    use chrono::TimeDelta;

    use super::*;
    use crate::office::counters::fixtures::*;
    use crate::office::test_db::{both_backends, Backend};

    /// SQLite's plan of a class's candidates: the index's columns up to the priority are
    /// all used, so only that class is walked, in issue order for the ordinary one.
    fn plan(o: &Office, codes: &str) -> Vec<String> {
        let sql = format!("EXPLAIN QUERY PLAN {}", candidates_sql(codes, 2));
        let date = day(d());
        o.s.read(|tx| {
            let params = sql_params![&date, 1u32, 1i64, S1.0, "A", "B"];
            tx.query(&sql, params)?.iter().map(|r| r.text(3)).collect()
        })
        .unwrap()
    }

    #[test]
    fn next_walks_only_the_class_it_asks_for() {
        let o = office(Backend::Sqlite);
        let ordinary = plan(&o, &class_codes(false)).join("\n");
        assert!(
            ordinary.contains(
                "ticket_by_state (site_id=? AND business_date=? AND state=? AND priority=?)"
            ) && !ordinary.contains("TEMP B-TREE FOR ORDER BY"),
            "{ordinary}"
        );
        let priority = plan(&o, &class_codes(true)).join("\n");
        assert!(
            priority.contains(
                "ticket_by_state (site_id=? AND business_date=? AND state=? AND priority=?)"
            ),
            "{priority}"
        );
    }

    both_backends! {
        calls_put_priority_first_with_a_capped_run_then_issue_order,
        recall_no_show_transfer_start_finish_and_rate,
        kiosks_learn_now_serving_the_measured_service_time_and_open_counters,
    }

    fn calls_put_priority_first_with_a_capped_run_then_issue_order(b: Backend) {
        let mut o = office(b);
        o.s.set_call_policy(
            S1,
            CallPolicy {
                max_priority_in_row: 2,
                max_wait: TimeDelta::minutes(45),
            },
        )
        .unwrap();
        o.ticket("A", 1, 0, "none");
        o.ticket("A", 2, 1, "elderly");
        o.ticket("A", 3, 2, "pregnant");
        // Issued earlier than A004 by another kiosk with a later number: issue order counts.
        o.ticket("A", 505, 3, "disabled");
        o.ticket("A", 4, 4, "elderly");
        o.ticket("A", 5, 5, "none");
        o.ticket("B", 1, 0, "none");
        let lan = o.clerk("lan", 1, &["A"], 6);
        let mut order = Vec::new();
        for i in 0..6 {
            let v = o.act(&lan, Action::Next, 10 + i).unwrap();
            let cur = v.current.unwrap();
            assert_eq!(cur.state, "called");
            order.push(cur.label);
            o.act(&lan, Action::Start, 10 + i).unwrap();
        }
        assert_eq!(order, ["A002", "A003", "A001", "A505", "A004", "A005"]);
        // The last one is finished by "next", which then finds nobody for queue A.
        assert_eq!(
            code(o.act(&lan, Action::Next, 20).unwrap_err()),
            "nobody_waiting"
        );
        assert_eq!(o.current(&lan, 20), None, "the served ticket was finished");
        let v = o.s.counter_view(&lan, at(20), d()).unwrap();
        let waiting: Vec<(String, u32, bool)> = v
            .waiting
            .iter()
            .map(|w| (w.queue.clone(), w.waiting, w.served))
            .collect();
        assert_eq!(waiting, [("A".into(), 0, true), ("B".into(), 1, false)]);
        assert_eq!(v.waiting[0].name_vi, "Hộ tịch");

        // An ordinary ticket past the maximum wait goes before a priority one.
        o.ticket("A", 6, 21, "none");
        o.ticket("A", 7, 70, "elderly");
        let v = o.act(&lan, Action::Next, 70).unwrap();
        assert_eq!(v.current.unwrap().label, "A006", "waited 49 minutes");
        // Paused: no calls.
        o.act(&lan, Action::Start, 70).unwrap();
        o.act(&lan, Action::Finish, 71).unwrap();
        o.act(&lan, Action::Pause, 71).unwrap();
        assert_eq!(code(o.act(&lan, Action::Next, 72).unwrap_err()), "paused");
        o.act(&lan, Action::Resume, 72).unwrap();
        assert_eq!(
            o.act(&lan, Action::Next, 72)
                .unwrap()
                .current
                .unwrap()
                .label,
            "A007"
        );
    }

    fn recall_no_show_transfer_start_finish_and_rate(b: Backend) {
        let mut o = office(b);
        let a1 = o.ticket("A", 1, 0, "none");
        o.ticket("A", 2, 1, "none");
        o.ticket("B", 1, 2, "none");
        let lan = o.clerk("lan", 1, &["A"], 3);
        let nam = o.clerk("nam", 2, &["B"], 3);

        let v = o.act(&lan, Action::Next, 5).unwrap();
        assert_eq!(v.current.as_ref().unwrap().calls, 1);
        assert_eq!(
            code(o.act(&lan, Action::Next, 5).unwrap_err()),
            "not_started"
        );
        let v = o.act(&lan, Action::Recall, 6).unwrap();
        assert_eq!(v.current.as_ref().unwrap().calls, 2);
        let v = o.act(&lan, Action::NoShow, 7).unwrap();
        assert!(v.current.is_none());
        assert_eq!(
            v.no_shows
                .iter()
                .map(|n| n.label.as_str())
                .collect::<Vec<_>>(),
            ["A001"]
        );
        // Gone too long: no longer recallable.
        assert_eq!(
            code(
                o.act(&lan, Action::RecallNoShow(a1.clone()), 7 + 16)
                    .unwrap_err()
            ),
            "not_recallable"
        );
        let v = o.act(&lan, Action::RecallNoShow(a1.clone()), 10).unwrap();
        assert_eq!(v.current.as_ref().unwrap().label, "A001");
        assert_eq!(v.current.as_ref().unwrap().calls, 3);
        assert!(v.no_shows.is_empty());
        o.act(&lan, Action::Start, 11).unwrap();
        assert_eq!(
            code(o.act(&lan, Action::Recall, 11).unwrap_err()),
            "no_current"
        );

        // Transfer to queue B: counter 2 calls it before B001, issued later.
        let v = o
            .act(
                &lan,
                Action::Transfer {
                    queue: Some("B".into()),
                    counter: None,
                },
                12,
            )
            .unwrap();
        assert!(v.current.is_none());
        let v = o.act(&nam, Action::Next, 13).unwrap();
        let cur = v.current.unwrap();
        assert_eq!((cur.label.as_str(), cur.queue.as_str()), ("A001", "B"));
        o.act(&nam, Action::Start, 14).unwrap();
        // Sent back to counter 1 only (which serves A, not B): nobody else may call it.
        o.act(
            &nam,
            Action::Transfer {
                queue: None,
                counter: Some(1),
            },
            15,
        )
        .unwrap();
        let v = o.act(&nam, Action::Next, 16).unwrap();
        assert_eq!(v.current.unwrap().label, "B001");
        let v = o.act(&lan, Action::Next, 17).unwrap();
        assert_eq!(
            v.current.unwrap().label,
            "A001",
            "sent to this counter, before A002"
        );
        assert_eq!(
            code(
                o.act(
                    &lan,
                    Action::Transfer {
                        queue: None,
                        counter: Some(1)
                    },
                    17
                )
                .unwrap_err()
            ),
            "bad_request"
        );
        assert_eq!(
            code(
                o.act(
                    &lan,
                    Action::Transfer {
                        queue: Some("Z".into()),
                        counter: None
                    },
                    17
                )
                .unwrap_err()
            ),
            "bad_request"
        );
        o.act(&lan, Action::Start, 18).unwrap();
        o.act(&lan, Action::Finish, 25).unwrap();

        // The tablet at counter 1 asks about A001 for 5 minutes, once.
        let pending = o.s.rate_view(S1, 1, at(26)).unwrap().pending.unwrap();
        assert_eq!(pending.label, "A001");
        assert!(o.s.rate_view(S1, 2, at(26)).unwrap().pending.is_none());
        assert!(
            o.s.rate_view(S1, 1, at(31)).unwrap().pending.is_none(),
            "5 minutes passed"
        );
        let reasons = vec!["long_wait".to_string(), "paperwork".to_string()];
        assert_eq!(
            code(
                o.s.rate(S1, 1, &a1, "satisfied", &reasons, at(26))
                    .unwrap_err()
            ),
            "bad_request"
        );
        assert_eq!(
            code(o.s.rate(S1, 1, &a1, "meh", &[], at(26)).unwrap_err()),
            "bad_request"
        );
        o.s.rate(S1, 1, &a1, "unsatisfied", &reasons, at(26))
            .unwrap();
        assert_eq!(
            code(o.s.rate(S1, 1, &a1, "satisfied", &[], at(26)).unwrap_err()),
            "not_pending"
        );
        assert!(o.s.rate_view(S1, 1, at(26)).unwrap().pending.is_none());

        // The board: each open counter's last call, the calls newest first with their voice.
        let board = o.s.board_view(S1, at(26), d()).unwrap();
        let counters: Vec<(u32, Option<&str>)> = board
            .counters
            .iter()
            .map(|c| (c.counter, c.label.as_deref()))
            .collect();
        assert_eq!(counters, [(1, Some("A001")), (2, Some("B001"))]);
        let recent: Vec<(&str, u32)> = board
            .recent
            .iter()
            .map(|c| (c.label.as_str(), c.counter))
            .collect();
        assert_eq!(
            recent,
            [
                ("A001", 1),
                ("B001", 2),
                ("A001", 2),
                ("A001", 1),
                ("A001", 1),
                ("A001", 1)
            ]
        );
        assert!(board.recent.windows(2).all(|w| w[0].id > w[1].id));
        assert_eq!(
            board.recent[0].say,
            ["moi_cong_dan", "letter_a", "mot", "den_quay_so", "mot"]
        );
        let log: Vec<String> =
            o.s.counter_view(&lan, at(26), d())
                .unwrap()
                .recent
                .iter()
                .map(|r| r.action.clone())
                .collect();
        assert_eq!(log, ["call", "recall", "recall", "call"]);
    }

    fn kiosks_learn_now_serving_the_measured_service_time_and_open_counters(b: Backend) {
        let mut o = office(b);
        for n in 1..=4 {
            o.ticket("A", n, 0, "none");
        }
        let lan = o.clerk("lan", 1, &["A"], 1);
        let _nam = o.clerk("nam", 2, &["A", "B"], 1);
        // Services of 4 and 6 minutes.
        o.act(&lan, Action::Next, 2).unwrap();
        o.act(&lan, Action::Start, 2).unwrap();
        o.act(&lan, Action::Finish, 6).unwrap();
        o.act(&lan, Action::Next, 6).unwrap();
        o.act(&lan, Action::Start, 6).unwrap();
        o.act(&lan, Action::Next, 12).unwrap();
        let a = |o: &mut Office| {
            o.s.changes(S1, 0, None, d(), at(12))
                .unwrap()
                .queues
                .into_iter()
                .find(|q| q.queue == "A")
                .unwrap()
        };
        let q = a(&mut o);
        assert_eq!(q.serving, Some(3));
        assert_eq!(q.serving_counter, Some(1), "called at lan's counter");
        assert_eq!(q.waiting, 1);
        assert_eq!(q.service_seconds, Some(300));
        assert_eq!(q.counters_open, Some(2));
        o.act(&lan, Action::Pause, 12).unwrap();
        assert_eq!(a(&mut o).counters_open, Some(1));
        // The estimate a kiosk makes of it: 1 ahead × 300 s over 1 counter.
        let q = a(&mut o);
        assert_eq!(
            crate::domain::wait::estimate_from_office(1, q.service_seconds, q.counters_open, 6, 1),
            5
        );
    }
}
