//! The rating tablet at each counter: the ticket just finished there, and the citizen's
//! answer.

use anyhow::Result;
use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use super::alerts::raise_rating_alert;
use super::refused::refuse;
use crate::domain::numbering::format_ticket_number;
use crate::office::db::{sql_params, Tx};
use crate::office::store::{to_u32, ts, OfficeStore, SiteId};

/// The rating tablet asks about a ticket finished at most this long ago.
pub const RATING_WINDOW: TimeDelta = TimeDelta::minutes(5);

/// A ticket the rating tablet asks about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingRating {
    /// Ticket id.
    pub ticket_id: String,
    /// "A012".
    pub label: String,
    /// When it was finished.
    pub finished_at: String,
}

/// What a rating tablet shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateView {
    /// Its counter.
    pub counter: u32,
    /// The ticket to rate, if any.
    pub pending: Option<PendingRating>,
}

/// The three answers of the rating tablet.
pub const SCORES: [&str; 3] = ["very_satisfied", "satisfied", "unsatisfied"];

/// Reasons a citizen may give with "unsatisfied".
pub const REASONS: [&str; 5] = ["long_wait", "attitude", "unclear", "paperwork", "other"];

impl OfficeStore {
    /// What the rating tablet of `counter` of `site` shows.
    pub fn rate_view(&self, site: SiteId, counter: u32, now: DateTime<Utc>) -> Result<RateView> {
        let pending = self.read(|tx| pending_rating(tx, site, counter, now))?;
        Ok(RateView {
            counter,
            pending: pending.map(|(p, _)| p),
        })
    }

    /// Stores a citizen's rating of the ticket just finished at `counter` of `site`, in a
    /// Vietnamese office's zone (see [`rate_in`](Self::rate_in)).
    pub fn rate(
        &mut self,
        site: SiteId,
        counter: u32,
        ticket_id: &str,
        score: &str,
        reasons: &[String],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        self.rate_in(site, counter, ticket_id, score, reasons, now, tz)
    }

    /// Stores a citizen's rating of the ticket just finished at `counter` of `site`; an
    /// "unsatisfied" one raises an alert whose follow-up is due two working days later in
    /// the office's zone `tz` (docs/alerts.md).
    #[allow(clippy::too_many_arguments)]
    pub fn rate_in(
        &mut self,
        site: SiteId,
        counter: u32,
        ticket_id: &str,
        score: &str,
        reasons: &[String],
        now: DateTime<Utc>,
        tz: chrono_tz::Tz,
    ) -> Result<()> {
        if !SCORES.contains(&score) {
            return Err(refuse(
                400,
                "bad_request",
                format!("unknown score {score:?}"),
            ));
        }
        if let Some(r) = reasons.iter().find(|r| !REASONS.contains(&r.as_str())) {
            return Err(refuse(400, "bad_request", format!("unknown reason {r:?}")));
        }
        if !reasons.is_empty() && score != "unsatisfied" {
            return Err(refuse(
                400,
                "bad_request",
                "reasons go with an unsatisfied answer only",
            ));
        }
        // Read before the write: the follow-up's due time counts the site's working days.
        let cal = match score {
            "unsatisfied" => Some(self.work_calendar(site)?),
            _ => None,
        };
        self.write(|tx| match pending_rating(tx, site, counter, now)? {
            Some((p, clerk)) if p.ticket_id == ticket_id => {
                // Two offices may take the same answer at once: the second is refused.
                let stored = tx.execute(
                    "INSERT INTO rating (ticket_id, counter, clerk_id, score, reasons, at, site_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (ticket_id) DO NOTHING",
                    sql_params![
                        ticket_id,
                        counter,
                        clerk.as_deref(),
                        score,
                        &reasons.join(","),
                        &ts(now),
                        site.0
                    ],
                )?;
                if stored == 0 {
                    return Err(refuse(409, "not_pending", "that ticket was rated already"));
                }
                if let Some(cal) = &cal {
                    let (id, label) = (ticket_id, p.label.as_str());
                    raise_rating_alert(tx, site, id, label, counter, reasons, now, tz, cal)?;
                }
                Ok(())
            }
            _ => Err(refuse(
                409,
                "not_pending",
                "that ticket is not waiting for a rating at this counter",
            )),
        })
    }
}

/// The ticket finished last at `counter` within the rating window, if not rated, with its
/// clerk.
fn pending_rating(
    tx: &mut Tx,
    site: SiteId,
    counter: u32,
    now: DateTime<Utc>,
) -> Result<Option<(PendingRating, Option<String>)>> {
    let Some(r) = tx.query_opt(
        "SELECT id, queue, number, finished_at, clerk_id FROM ticket
         WHERE site_id = ?3 AND counter = ?1 AND state = 'done' AND finished_at > ?2
         ORDER BY finished_at DESC LIMIT 1",
        sql_params![counter, &ts(now - RATING_WINDOW), site.0],
    )?
    else {
        return Ok(None);
    };
    let id = r.text(0)?;
    let rated = tx
        .query_opt(
            "SELECT 1 FROM rating WHERE ticket_id = ?1",
            sql_params![&id],
        )?
        .is_some();
    if rated {
        return Ok(None);
    }
    Ok(Some((
        PendingRating {
            label: format_ticket_number(&r.text(1)?, to_u32(r.int(2)?)),
            ticket_id: id,
            finished_at: r.text(3)?,
        },
        r.opt_text(4)?,
    )))
}
