//! What kiosks learn per queue: tickets issued and waiting today, the number last called,
//! the measured service time and how many counters serve it. A counter is open while its
//! clerk's session lives, so the rule for a live session is here, where both the queues
//! and the counters read it.

use anyhow::Result;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::Serialize;

use super::sites::SiteId;
use super::values::{day, parse_ts, to_u32, ts};
use crate::office::db::{sql_params, Tx};
use crate::protocol::QueueStatus;

/// A session unused this long has ended (the clerk went home without logging out).
pub const SESSION_IDLE: TimeDelta = TimeDelta::hours(2);
/// Finished tickets the moving average of service time runs over.
const SERVICE_SAMPLES: i64 = 10;

/// An open counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenCounter {
    /// Its number.
    pub counter: u32,
    /// The clerk's name.
    pub clerk: String,
    /// Not taking calls.
    pub paused: bool,
    /// Queues it serves.
    pub queues: Vec<String>,
}

/// Each queue's tickets on `date`, over all kiosks, by queue prefix (sorted here, since
/// PostgreSQL's collation may not order text as SQLite does).
pub(super) fn queue_status(
    tx: &mut Tx,
    site: SiteId,
    date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<QueueStatus>> {
    let mut out = tx
        .query(
            // Waiting where they wait now: a ticket transferred from A to B waits in B.
            "SELECT q, SUM(issued), SUM(waiting) FROM (
                 SELECT queue AS q, 1 AS issued, 0 AS waiting FROM ticket
                 WHERE site_id = ?2 AND business_date = ?1
                 UNION ALL
                 SELECT serve_queue AS q, 0 AS issued, 1 AS waiting FROM ticket
                 WHERE site_id = ?2 AND business_date = ?1 AND state = 'waiting'
             ) AS t GROUP BY q",
            sql_params![&day(date), site.0],
        )?
        .iter()
        .map(|r| {
            Ok(QueueStatus {
                queue: r.text(0)?,
                business_date: date,
                issued: u32::try_from(r.int(1)?)?,
                waiting: u32::try_from(r.int(2)?)?,
                serving: None,
                serving_counter: None,
                service_seconds: None,
                counters_open: None,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let open = open_counters(tx, site, now)?;
    for q in &mut out {
        let (serving, service, open) = queue_service(tx, site, &q.queue, date, &open)?;
        q.serving = serving.map(|(number, _)| number);
        q.serving_counter = serving.map(|(_, counter)| counter);
        q.service_seconds = service;
        q.counters_open = Some(open);
    }
    out.sort_by(|a, b| a.queue.cmp(&b.queue));
    Ok(out)
}

/// Sessions last seen before this have ended.
pub(in crate::office) fn idle_cutoff(now: DateTime<Utc>) -> String {
    ts(now - SESSION_IDLE)
}

/// The queue prefixes a counter serves, as stored: comma-separated.
pub(in crate::office) fn split_queues(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|q| !q.is_empty())
        .map(str::to_string)
        .collect()
}

/// A site's open counters: ?1 now, ?2 the idle cutoff, ?3 the site. Every console view
/// asks it, so each counter's session is a lookup (`clerk_session_by_clerk`).
const OPEN_COUNTERS: &str =
    "SELECT counter_state.counter, clerk.name, counter_state.paused, counter_state.queues
     FROM counter_state JOIN clerk ON clerk.id = counter_state.clerk_id
     WHERE counter_state.site_id = ?3 AND counter_state.open = 1
         AND EXISTS (SELECT 1 FROM clerk_session s
         WHERE s.clerk_id = counter_state.clerk_id AND s.counter = counter_state.counter
             AND s.expires_at > ?1 AND s.last_seen > ?2)
     ORDER BY counter_state.counter";

/// The site's counters with a live session, by number.
pub(in crate::office) fn open_counters(
    tx: &mut Tx,
    site: SiteId,
    now: DateTime<Utc>,
) -> Result<Vec<OpenCounter>> {
    tx.query(
        OPEN_COUNTERS,
        sql_params![&ts(now), &idle_cutoff(now), site.0],
    )?
    .iter()
    .map(|r| {
        Ok(OpenCounter {
            counter: to_u32(r.int(0)?),
            clerk: r.text(1)?,
            paused: r.int(2)? != 0,
            queues: split_queues(&r.text(3)?),
        })
    })
    .collect()
}

/// The number being served and the counter that called it.
pub(in crate::office) type Serving = (u32, u32);

/// Per queue on `date`: the number last called (and by which counter), the moving average of
/// service seconds over the last finished tickets, and how many of the `open` counters serve
/// it (not paused).
pub(in crate::office) fn queue_service(
    tx: &mut Tx,
    site: SiteId,
    queue: &str,
    date: NaiveDate,
    open: &[OpenCounter],
) -> Result<(Option<Serving>, Option<u32>, u32)> {
    let serving = tx
        .query_opt(
            "SELECT t.number, l.counter FROM call_log l JOIN ticket t ON t.id = l.ticket_id
             WHERE l.site_id = ?3 AND l.business_date = ?1 AND t.queue = ?2
                 AND l.action IN ('call', 'recall')
             ORDER BY l.id DESC LIMIT 1",
            sql_params![&day(date), queue, site.0],
        )?
        .map(|r| Ok::<_, anyhow::Error>((to_u32(r.int(0)?), to_u32(r.int(1)?))))
        .transpose()?;
    let mut durations = Vec::new();
    for r in tx.query(
        "SELECT started_at, finished_at FROM ticket
         WHERE site_id = ?4 AND business_date = ?1 AND serve_queue = ?2 AND state = 'done'
             AND started_at IS NOT NULL
         ORDER BY finished_at DESC LIMIT ?3",
        sql_params![&day(date), queue, SERVICE_SAMPLES, site.0],
    )? {
        let (start, end) = (parse_ts(&r.text(0)?)?, parse_ts(&r.text(1)?)?);
        durations.push((end - start).num_seconds());
    }
    let open = open
        .iter()
        .filter(|c| !c.paused && c.queues.iter().any(|q| q == queue))
        .count();
    Ok((
        serving,
        crate::domain::wait::average_service_seconds(&durations),
        u32::try_from(open).unwrap_or(u32::MAX),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::office::store::fixtures::open;
    use crate::office::test_db::Backend;

    /// The two reads every console view makes that grew with the office: the open
    /// counters' sessions are looked up, not scanned, and the catalogue's rev is read
    /// without walking its body (SQLite stores a row's columns in order).
    #[test]
    fn a_view_looks_up_sessions_and_the_catalogue_rev() {
        let (_db, s) = open(Backend::Sqlite);
        let plan: Vec<String> = s
            .read(|tx| {
                let sql = format!("EXPLAIN QUERY PLAN {OPEN_COUNTERS}");
                tx.query(&sql, sql_params!["now", "cutoff", 1i64])?
                    .iter()
                    .map(|r| r.text(3))
                    .collect()
            })
            .unwrap();
        assert!(
            plan.iter()
                .any(|p| p.contains("clerk_session_by_clerk (clerk_id=? AND counter=?)"))
                && !plan.iter().any(|p| p.starts_with("SCAN")),
            "{plan:?}"
        );
        let columns: Vec<String> = s
            .read(|tx| {
                tx.query(
                    "SELECT name FROM pragma_table_info('catalogue') ORDER BY cid",
                    &[],
                )?
                .iter()
                .map(|r| r.text(0))
                .collect()
            })
            .unwrap();
        assert_eq!(columns, ["id", "rev", "body"]);
    }

    #[test]
    fn queue_lists_split_without_empties() {
        assert_eq!(split_queues("A,B"), vec!["A", "B"]);
        assert!(split_queues("").is_empty());
    }
}
