//! Live alerts at the office (docs/alerts.md): a site's alert rules, the condition alerts
//! computed now by [`crate::domain::alerts`] from its queues and counters, and the alerts
//! "unsatisfied" ratings raise, which the lead acknowledges and follows up. Nothing personal:
//! a rating alert names a ticket's label, a counter and the reason codes.

use anyhow::Result;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::office_config::{config_in, put_config};
use super::refused::refuse;
use crate::domain::alerts::{
    active_alerts, follow_up_due, on_time, AlertRules, ConditionAlert, CounterState, Limits,
    QueueState,
};
use crate::domain::text::nfc;
use crate::office::db::{sql_params, Row, Tx};
use crate::office::store::{
    day, idle_cutoff, parse_ts, split_queues, to_u32, ts, OfficeStore, SiteId,
};

/// A note's length limit, in characters.
pub const MAX_NOTE: usize = 500;

/// Rating alerts a list shows at most (the oldest beyond are still counted in reports).
const MAX_LISTED: i64 = 200;

/// An alert an "unsatisfied" rating raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatingAlert {
    /// Its id (`POST /api/v1/alerts/{id}/ack`).
    pub id: i64,
    /// The rated ticket's label ("A012").
    pub label: String,
    /// The counter that served it.
    pub counter: u32,
    /// The reason codes the citizen chose.
    pub reasons: Vec<String>,
    /// When it was raised.
    pub raised_at: String,
    /// When its follow-up is due (two working days later).
    pub follow_up_due: String,
    /// The same, office-local ("2026-12-08T10:00:00").
    pub follow_up_due_local: NaiveDateTime,
    /// When the lead acknowledged it, and the note.
    pub acked_at: Option<String>,
    /// The acknowledgement's note.
    pub ack_note: Option<String>,
    /// When the lead followed it up.
    pub followed_up_at: Option<String>,
    /// The follow-up's note.
    pub follow_up_note: Option<String>,
    /// Not followed up and past its due time.
    pub overdue: bool,
}

/// What a console shows: the alerts active now and the unacknowledged rating alerts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ConsoleAlerts {
    /// Condition alerts (a clerk's: its queues and its counter; a lead's: the site's).
    pub active: Vec<ConditionAlert>,
    /// Rating alerts not yet acknowledged, newest first.
    pub ratings: Vec<RatingAlert>,
}

/// The lead's alerts page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertsView {
    /// The site's condition alerts now.
    pub active: Vec<ConditionAlert>,
    /// Rating alerts not yet acknowledged, newest first.
    pub unacknowledged: Vec<RatingAlert>,
    /// Rating alerts whose follow-up is open, the soonest due first.
    pub follow_ups: Vec<RatingAlert>,
    /// The rules as the lead set them.
    pub rules: AlertRules,
    /// The thresholds in force for queues without their own.
    pub defaults: Limits,
}

/// Negative ratings and their follow-ups over a period (docs/alerts.md).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FollowupFigures {
    /// "Unsatisfied" ratings given on the period's days.
    pub negative_ratings: u64,
    /// Of those, followed up (at any time so far).
    pub followed_up: u64,
    /// Of those, followed up by the due time.
    pub followed_up_on_time: u64,
}

impl FollowupFigures {
    /// Followed up on time ÷ negative ratings; None without negative ratings.
    pub fn on_time_share(&self) -> Option<f64> {
        (self.negative_ratings > 0)
            .then(|| self.followed_up_on_time as f64 / self.negative_ratings as f64)
    }
}

/// A note as stored: NFC, trimmed, 1 to [`MAX_NOTE`] characters, no control characters.
fn clean_note(note: &str) -> Result<String> {
    let note = nfc(note.trim());
    if note.is_empty() {
        return Err(refuse(400, "note_required", "a note is required"));
    }
    if note.chars().count() > MAX_NOTE {
        return Err(refuse(
            400,
            "note_too_long",
            format!("a note is at most {MAX_NOTE} characters"),
        ));
    }
    if note.chars().any(|c| c.is_control() && c != '\n') {
        return Err(refuse(
            400,
            "bad_note",
            "a note holds no control characters",
        ));
    }
    Ok(note)
}

const RATING_ALERT_COLUMNS: &str = "id, label, counter, reasons, raised_at, follow_up_due,
    acked_at, ack_note, followed_up_at, follow_up_note";

fn rating_alert(r: &Row, now: DateTime<Utc>, tz: Tz) -> Result<RatingAlert> {
    let due = parse_ts(&r.text(5)?)?;
    let followed_up_at = r.opt_text(8)?;
    Ok(RatingAlert {
        id: r.int(0)?,
        label: r.text(1)?,
        counter: to_u32(r.int(2)?),
        reasons: split_queues(&r.text(3)?),
        raised_at: r.text(4)?,
        follow_up_due: r.text(5)?,
        follow_up_due_local: due.with_timezone(&tz).naive_local(),
        acked_at: r.opt_text(6)?,
        ack_note: r.opt_text(7)?,
        overdue: followed_up_at.is_none() && due < now,
        followed_up_at,
        follow_up_note: r.opt_text(9)?,
    })
}

/// The site's rating alerts matching `filter` (an SQL condition), ordered by `order`.
fn rating_alerts_in(
    tx: &mut Tx,
    site: SiteId,
    filter: &str,
    order: &str,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<Vec<RatingAlert>> {
    let sql = format!(
        "SELECT {RATING_ALERT_COLUMNS} FROM rating_alert WHERE site_id = ?1 AND {filter}
         ORDER BY {order} LIMIT ?2"
    );
    tx.query(&sql, sql_params![site.0, MAX_LISTED])?
        .iter()
        .map(|r| rating_alert(r, now, tz))
        .collect()
}

/// The site's alert rules, read in `tx` (none set: the built-in defaults).
fn rules_in(tx: &mut Tx, site: SiteId) -> Result<AlertRules> {
    match config_in(tx, site, "alert_rules")? {
        Some(json) => AlertRules::from_json(&json).map_err(anyhow::Error::msg),
        None => Ok(AlertRules::default()),
    }
}

/// The site's condition alerts at `now` on business day `today`, read in `tx`.
pub(super) fn condition_alerts_in(
    tx: &mut Tx,
    site: SiteId,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Vec<ConditionAlert>> {
    let rules = rules_in(tx, site)?;
    let queues = tx
        .query(
            "SELECT serve_queue, COUNT(*), MIN(issued_at) FROM ticket
             WHERE site_id = ?2 AND business_date = ?1 AND state = 'waiting'
             GROUP BY serve_queue",
            sql_params![&day(today), site.0],
        )?
        .iter()
        .map(|r| {
            Ok(QueueState {
                queue: r.text(0)?,
                waiting: to_u32(r.int(1)?),
                oldest_issued_at: r.opt_text(2)?.map(|t| parse_ts(&t)).transpose()?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    // Open counters: a live session, as the board lists them.
    let counters = tx
        .query(
            "SELECT c.counter, c.queues, c.paused, c.paused_at, c.current, c.updated_at
             FROM counter_state c
             WHERE c.site_id = ?3 AND c.open = 1
                 AND EXISTS (SELECT 1 FROM clerk_session s
                 WHERE s.clerk_id = c.clerk_id AND s.counter = c.counter
                     AND s.expires_at > ?1 AND s.last_seen > ?2)",
            sql_params![&ts(now), &idle_cutoff(now), site.0],
        )?
        .iter()
        .map(|r| {
            let last_action = parse_ts(&r.text(5)?)?;
            let paused_since = if r.int(2)? != 0 {
                // Paused before schema 17 recorded when: its last action.
                Some(match r.opt_text(3)? {
                    Some(t) => parse_ts(&t)?,
                    None => last_action,
                })
            } else {
                None
            };
            Ok(CounterState {
                counter: to_u32(r.int(0)?),
                queues: split_queues(&r.text(1)?),
                paused_since,
                busy: r.opt_text(4)?.is_some(),
                last_action,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(active_alerts(&queues, &counters, &rules, now))
}

/// What a console shows: a lead sees all the site's condition alerts, a clerk those of its
/// own queues and counter; both see the unacknowledged rating alerts.
pub(super) fn console_alerts_in(
    tx: &mut Tx,
    site: SiteId,
    counter: u32,
    queues: &[String],
    lead: bool,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<ConsoleAlerts> {
    let active = condition_alerts_in(tx, site, now, today)?
        .into_iter()
        .filter(|a| {
            lead || a.counter == Some(counter)
                || a.queue.as_ref().is_some_and(|q| queues.contains(q))
        })
        .collect();
    // The consoles show times as instants; the zone only names the due time's local form.
    let ratings = rating_alerts_in(
        tx,
        site,
        "acked_at IS NULL",
        "id DESC",
        now,
        chrono_tz::Asia::Ho_Chi_Minh,
    )?;
    Ok(ConsoleAlerts { active, ratings })
}

/// Stores the alert an "unsatisfied" rating of ticket `ticket_id` (labelled `label`, served
/// at `counter`) raises at `now`, with its follow-up due two working days later on `cal`.
#[allow(clippy::too_many_arguments)]
pub(super) fn raise_rating_alert(
    tx: &mut Tx,
    site: SiteId,
    ticket_id: &str,
    label: &str,
    counter: u32,
    reasons: &[String],
    now: DateTime<Utc>,
    tz: Tz,
    cal: &crate::domain::working_time::WorkCalendar,
) -> Result<()> {
    let local = now.with_timezone(&tz).naive_local();
    // A calendar with no working time at all: two calendar days, rather than none.
    let due_local = follow_up_due(local, cal).unwrap_or(local + TimeDelta::days(2));
    let due = tz
        .from_local_datetime(&due_local)
        .earliest()
        .map_or(now + TimeDelta::days(2), |d| d.with_timezone(&Utc));
    tx.execute(
        "INSERT INTO rating_alert (site_id, ticket_id, label, counter, reasons, raised_at,
             business_date, follow_up_due)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (ticket_id) DO NOTHING",
        sql_params![
            site.0,
            ticket_id,
            label,
            counter,
            &reasons.join(","),
            &ts(now),
            &day(local.date()),
            &ts(due)
        ],
    )?;
    Ok(())
}

impl OfficeStore {
    /// The site's alert rules as set (empty: the built-in defaults apply).
    pub fn alert_rules(&self, site: SiteId) -> Result<AlertRules> {
        self.read(|tx| rules_in(tx, site))
    }

    /// Sets the site's alert rules (checked: see [`AlertRules::check`]).
    pub fn set_alert_rules(&mut self, site: SiteId, rules: &AlertRules) -> Result<()> {
        rules.check().map_err(|e| refuse(400, "bad_rules", e))?;
        let body = serde_json::to_string(rules)?;
        self.write(|tx| put_config(tx, site, "alert_rules", &body))
    }

    /// The site's condition alerts at `now`.
    pub fn condition_alerts(
        &self,
        site: SiteId,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<Vec<ConditionAlert>> {
        self.read(|tx| condition_alerts_in(tx, site, now, today))
    }

    /// The lead's alerts page at `now`.
    pub fn alerts_view(
        &self,
        site: SiteId,
        now: DateTime<Utc>,
        today: NaiveDate,
        tz: Tz,
    ) -> Result<AlertsView> {
        self.read(|tx| {
            let rules = rules_in(tx, site)?;
            Ok(AlertsView {
                active: condition_alerts_in(tx, site, now, today)?,
                unacknowledged: rating_alerts_in(tx, site, "acked_at IS NULL", "id DESC", now, tz)?,
                follow_ups: rating_alerts_in(
                    tx,
                    site,
                    "followed_up_at IS NULL",
                    "follow_up_due, id",
                    now,
                    tz,
                )?,
                defaults: rules.limits(""),
                rules,
            })
        })
    }

    /// Acknowledges the site's rating alert `id` with a note (required, at most
    /// [`MAX_NOTE`] characters, stored NFC).
    pub fn ack_alert(
        &mut self,
        site: SiteId,
        id: i64,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.close_alert(site, id, note, now, AlertStep::Ack)
    }

    /// Marks the follow-up of the site's rating alert `id` done, with a note.
    pub fn follow_up_alert(
        &mut self,
        site: SiteId,
        id: i64,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.close_alert(site, id, note, now, AlertStep::FollowUp)
    }

    /// Records `step` of the site's rating alert `id` once: 404 for an alert the site does
    /// not have, 409 for a step already done.
    fn close_alert(
        &mut self,
        site: SiteId,
        id: i64,
        note: &str,
        now: DateTime<Utc>,
        step: AlertStep,
    ) -> Result<()> {
        let (at_column, note_column, done) = step.columns();
        let note = clean_note(note)?;
        self.write(|tx| {
            let Some(r) = tx.query_opt(
                &format!("SELECT {at_column} FROM rating_alert WHERE site_id = ?1 AND id = ?2"),
                sql_params![site.0, id],
            )?
            else {
                return Err(refuse(
                    404,
                    "no_alert",
                    format!("no alert {id} at this site"),
                ));
            };
            if r.opt_text(0)?.is_some() {
                return Err(refuse(409, done, format!("alert {id} was done already")));
            }
            tx.execute(
                &format!(
                    "UPDATE rating_alert SET {at_column} = ?3, {note_column} = ?4
                     WHERE site_id = ?1 AND id = ?2 AND {at_column} IS NULL"
                ),
                sql_params![site.0, id, &ts(now), &note],
            )?;
            Ok(())
        })
    }

    /// The site's negative ratings given on business days `from` to `to` (included), how
    /// many were followed up, and how many by their due time.
    pub fn followup_figures(
        &self,
        site: SiteId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<FollowupFigures> {
        self.read(|tx| followup_figures_in(tx, site, from, to))
    }
}

/// What a lead records of a rating alert.
#[derive(Debug, Clone, Copy)]
enum AlertStep {
    /// Seen, with a note.
    Ack,
    /// The citizen contacted again, with a note.
    FollowUp,
}

impl AlertStep {
    /// Its time and note columns, and the refusal's code once it is done.
    fn columns(self) -> (&'static str, &'static str, &'static str) {
        match self {
            AlertStep::Ack => ("acked_at", "ack_note", "already_acknowledged"),
            AlertStep::FollowUp => ("followed_up_at", "follow_up_note", "already_followed_up"),
        }
    }
}

/// [`OfficeStore::followup_figures`] in the caller's transaction (the scorecard reads a
/// month's counts in one).
pub(super) fn followup_figures_in(
    tx: &mut Tx,
    site: SiteId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<FollowupFigures> {
    let mut f = FollowupFigures::default();
    for r in tx.query(
        "SELECT follow_up_due, followed_up_at FROM rating_alert
         WHERE site_id = ?1 AND business_date >= ?2 AND business_date <= ?3",
        sql_params![site.0, &day(from), &day(to)],
    )? {
        f.negative_ratings += 1;
        if let Some(done) = r.opt_text(1)? {
            f.followed_up += 1;
            if on_time(parse_ts(&done)?, parse_ts(&r.text(0)?)?) {
                f.followed_up_on_time += 1;
            }
        }
    }
    Ok(f)
}
