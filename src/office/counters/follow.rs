//! What a citizen's phone shows for one ticket (docs/follow.md): found by the ticket's follow
//! token, only on the ticket's business day, and nothing about the citizen (not even the
//! priority group, which can say "disabled" or "pregnant" to whoever looks at the phone).

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::tickets::NO_SHOW_GRACE;
use crate::domain::numbering::format_ticket_number;
use crate::domain::priority::PriorityGroup;
use crate::domain::wait::estimate_from_office;
use crate::office::db::{sql_params, Tx};
use crate::office::store::{
    day, open_counters, parse_ts, queue_service, to_u32, ts, OfficeStore, SiteId,
};

/// Minutes per citizen the estimate assumes before a counter has measured any (the kiosk's
/// own default for a queue's `service_minutes`).
const GUESSED_SERVICE_MINUTES: u32 = 5;

/// Where the ticket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowState {
    /// In the line.
    Waiting,
    /// Called to a counter, not yet being served.
    Called,
    /// At the counter.
    Serving,
    /// Served.
    Done,
    /// Called and did not come; may still be called back for a while.
    NoShow,
    /// The ticket was for another day: nothing else is shown.
    Expired,
}

/// The follow page's data: a ticket number and the line it is in, never a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FollowView {
    /// Where the ticket stands.
    pub state: FollowState,
    /// The ticket's business day.
    pub business_date: NaiveDate,
    /// "A012" (absent once expired).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The commune's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
    /// The field's name in Vietnamese.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_vi: Option<String>,
    /// The field's name in English.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_en: Option<String>,
    /// Tickets called before this one, by the calling rule's order (waiting only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ahead: Option<u32>,
    /// Minutes until it is likely called (waiting, with a counter open).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wait_minutes: Option<u32>,
    /// The number its line last called.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serving: Option<String>,
    /// Counters open for its line now (waiting only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counters_open: Option<u32>,
    /// The counter to go to (called, serving, no-show).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counter: Option<u32>,
    /// Sent back to the line of another queue (its prefix) by a clerk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transferred_queue: Option<String>,
    /// Sent back to the line for one counter by a clerk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transferred_counter: Option<u32>,
    /// A no-show is called back only until then (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recall_until: Option<String>,
}

impl FollowView {
    fn expired(business_date: NaiveDate) -> FollowView {
        FollowView {
            state: FollowState::Expired,
            business_date,
            label: None,
            office: None,
            field_vi: None,
            field_en: None,
            ahead: None,
            wait_minutes: None,
            serving: None,
            counters_open: None,
            counter: None,
            transferred_queue: None,
            transferred_counter: None,
            recall_until: None,
        }
    }
}

/// The columns of a followed ticket, in the order [`follow_in`] reads them.
const FOLLOWED: &str =
    "SELECT site_id, business_date, queue, number, serve_queue, field, priority, state,
        issued_at, id, counter, for_counter, no_show_at FROM ticket WHERE follow_token = ?1";

impl OfficeStore {
    /// The follow page's data for the ticket with follow `token`, and its site (whose
    /// changes wake the page's stream); None for a token no ticket has (yet: a ticket issued
    /// offline arrives with the kiosk's next push). `today` is the office's business date.
    pub fn follow_view(
        &self,
        token: &str,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<Option<(SiteId, FollowView)>> {
        if !crate::follow::is_token(token) {
            return Ok(None);
        }
        self.read(|tx| {
            let Some(r) = tx.query_opt(FOLLOWED, sql_params![token])? else {
                return Ok(None);
            };
            let site = SiteId(r.int(0)?);
            let date = NaiveDate::parse_from_str(&r.text(1)?, "%Y-%m-%d")?;
            if date != today {
                return Ok(Some((site, FollowView::expired(date))));
            }
            let (queue, serve_queue) = (r.text(2)?, r.text(4)?);
            let field = r.text(5)?;
            let state = match r.text(7)?.as_str() {
                "waiting" => FollowState::Waiting,
                "called" => FollowState::Called,
                "serving" => FollowState::Serving,
                "no_show" => FollowState::NoShow,
                _ => FollowState::Done,
            };
            let counter = r.opt_int(10)?.map(to_u32);
            let for_counter = r.opt_int(11)?.map(to_u32);
            let mut view = FollowView {
                state,
                label: Some(format_ticket_number(&queue, to_u32(r.int(3)?))),
                office: Some(self.site_name_in(tx, site)?),
                transferred_queue: (serve_queue != queue).then(|| serve_queue.clone()),
                transferred_counter: for_counter,
                ..FollowView::expired(date)
            };
            let (vi, en) = self.field_names_in(tx, &field)?;
            (view.field_vi, view.field_en) = (Some(vi), Some(en));
            match state {
                FollowState::Waiting => {
                    let priority = r.text(6)? != PriorityGroup::None.code();
                    let (issued_at, id) = (r.text(8)?, r.text(9)?);
                    let ahead = ahead_of(
                        tx,
                        site,
                        date,
                        &serve_queue,
                        for_counter,
                        priority,
                        &issued_at,
                        &id,
                    )?;
                    let open = open_counters(tx, site, now)?;
                    let (serving, measured, open) =
                        queue_service(tx, site, &serve_queue, date, &open)?;
                    view.ahead = Some(ahead);
                    view.counters_open = Some(open);
                    view.serving = serving.map(|(n, _)| format_ticket_number(&serve_queue, n));
                    view.wait_minutes = (open > 0).then(|| {
                        estimate_from_office(
                            ahead,
                            measured,
                            Some(open),
                            GUESSED_SERVICE_MINUTES,
                            1,
                        )
                    });
                }
                FollowState::Called | FollowState::Serving => view.counter = counter,
                FollowState::NoShow => {
                    view.counter = counter;
                    if let Some(at) = r.opt_text(12)? {
                        let until = parse_ts(&at)? + NO_SHOW_GRACE;
                        view.recall_until = (until > now).then(|| ts(until));
                    }
                }
                FollowState::Done | FollowState::Expired => {}
            }
            Ok(Some((site, view)))
        })
    }

    fn site_name_in(&self, tx: &mut Tx, site: SiteId) -> Result<String> {
        tx.query_one("SELECT name FROM site WHERE id = ?1", sql_params![site.0])?
            .text(0)
    }
}

/// Waiting tickets the calling rule takes before this one: of its line (or of the counter it
/// was sent to), priority tickets before ordinary ones, then earlier issue first (the
/// rule's limits on priority streaks and long waits can only move it forward).
#[allow(clippy::too_many_arguments)]
fn ahead_of(
    tx: &mut Tx,
    site: SiteId,
    date: NaiveDate,
    serve_queue: &str,
    for_counter: Option<u32>,
    priority: bool,
    issued_at: &str,
    id: &str,
) -> Result<u32> {
    let earlier = "(issued_at < ?4 OR (issued_at = ?4 AND id < ?5))";
    let before = if priority {
        format!("priority <> ?7 AND {earlier}")
    } else {
        format!("(priority <> ?7 OR {earlier})")
    };
    let sql = format!(
        "SELECT COUNT(*) FROM ticket
         WHERE site_id = ?1 AND business_date = ?2 AND state = 'waiting' AND id <> ?5
           AND ((CAST(?6 AS BIGINT) IS NOT NULL AND for_counter = ?6)
                OR (CAST(?6 AS BIGINT) IS NULL AND for_counter IS NULL AND serve_queue = ?3))
           AND {before}"
    );
    let n = tx
        .query_one(
            &sql,
            sql_params![
                site.0,
                &day(date),
                serve_queue,
                issued_at,
                id,
                for_counter.map(i64::from),
                PriorityGroup::None.code()
            ],
        )?
        .int(0)?;
    Ok(to_u32(n))
}
