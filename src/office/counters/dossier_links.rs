//! The ticket ↔ dossier link at the office (docs/dossier-link.md): a clerk links the ticket
//! served at their counter to the receipt's dossier code, or an integration sends the ticket
//! with the dossier; a dossier's visits, the period's figures for the reports and the
//! scorecard, and the rows of the ratings export. Everything is read and written within one
//! site: a ticket of another site is unknown here.

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::clerks::ClerkSession;
use super::refused::refuse;
use crate::domain::dossier_code::DossierCode;
use crate::domain::dossier_link::{link_figures, link_report, VisitFact};
pub use crate::domain::dossier_link::{LinkFigures, LinkReport};
use crate::office::db::{sql_params, Row, Tx};
use crate::office::store::{day, parse_ts, to_u32, ts, OfficeStore, SiteId};

/// Who made a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkSource {
    /// A clerk at the console.
    Console,
    /// An integration, sending `ticket_id` with the dossier.
    Api,
}

impl LinkSource {
    /// Its code in the database and the API.
    pub fn code(self) -> &'static str {
        match self {
            LinkSource::Console => "console",
            LinkSource::Api => "api",
        }
    }
}

/// A ticket's link, as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DossierLink {
    /// The dossier code, canonical.
    pub code: String,
    /// `console` or `api`.
    pub source: String,
    /// Marked as an assisted online filing.
    pub assisted_online: bool,
    /// When the code was (last) set.
    pub linked_at: String,
}

/// One visit of a dossier: a ticket linked to it. Nothing personal, no clerk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Visit {
    /// The ticket's business day.
    pub date: String,
    /// When the ticket was issued (the arrival).
    pub issued_at: String,
    /// The counter that served it, if one did.
    pub counter: Option<u32>,
    /// The ticket's field code.
    pub field: String,
    /// The field's Vietnamese name.
    pub field_vi: String,
    /// The field's English name.
    pub field_en: String,
    /// The ticket's state (`done`, `serving`, …).
    pub state: String,
    /// Marked as an assisted online filing.
    pub assisted_online: bool,
    /// `console` or `api`.
    pub source: String,
    /// The citizen's rating of the visit, if any.
    pub rating: Option<String>,
    /// The reasons given with an unsatisfied rating.
    pub reasons: Vec<String>,
}

/// One row of the ratings export: a visit with its dossier's procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportVisit {
    /// The dossier code.
    pub dossier_code: String,
    /// The dossier's procedure code ("" when the office does not hold the dossier yet).
    pub procedure_code: String,
    /// The visit.
    #[serde(flatten)]
    pub visit: Visit,
    /// When the rating was given.
    pub rated_at: Option<String>,
}

/// The columns [`visit`] reads, over `dossier_link l JOIN ticket t LEFT JOIN rating r`.
const VISIT_COLUMNS: &str = "t.business_date, t.issued_at, t.counter, t.field, t.state,
     l.assisted_online, l.source, r.score, r.reasons, r.at, l.code";

/// A row of [`VISIT_COLUMNS`] as a visit.
fn visit(store: &OfficeStore, tx: &mut Tx, r: &Row) -> Result<Visit> {
    let field = r.text(3)?;
    let (field_vi, field_en) = store.field_names_in(tx, &field)?;
    Ok(Visit {
        date: r.text(0)?,
        issued_at: r.text(1)?,
        counter: r.opt_int(2)?.map(to_u32),
        field,
        field_vi,
        field_en,
        state: r.text(4)?,
        assisted_online: r.int(5)? != 0,
        source: r.text(6)?,
        rating: r.opt_text(7)?,
        reasons: r
            .opt_text(8)?
            .unwrap_or_default()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

/// The link of a ticket of `site`, if it has one.
pub(super) fn ticket_link(
    tx: &mut Tx,
    site: SiteId,
    ticket_id: &str,
) -> Result<Option<DossierLink>> {
    tx.query_opt(
        "SELECT code, source, assisted_online, linked_at FROM dossier_link
         WHERE ticket_id = ?1 AND site_id = ?2",
        sql_params![ticket_id, site.0],
    )?
    .map(|r| {
        Ok(DossierLink {
            code: r.text(0)?,
            source: r.text(1)?,
            assisted_online: r.int(2)? != 0,
            linked_at: r.text(3)?,
        })
    })
    .transpose()
}

/// Links `ticket_id` (known to be of `site`) to `code`: a new link, or the ticket's code
/// replaced. The same code again changes nothing but the flag, when one is given (`None`
/// keeps it; a new code without one is not assisted).
fn link_in(
    tx: &mut Tx,
    site: SiteId,
    ticket_id: &str,
    code: &DossierCode,
    source: LinkSource,
    assisted: Option<bool>,
    now: DateTime<Utc>,
) -> Result<DossierLink> {
    let holder = tx.query_opt(
        "SELECT site_id FROM dossier WHERE code = ?1",
        sql_params![code.as_str()],
    )?;
    if let Some(r) = holder {
        if r.int(0)? != site.0 {
            return Err(refuse(
                403,
                "foreign_dossier",
                format!("dossier {code} belongs to another site"),
            ));
        }
    }
    let old = ticket_link(tx, site, ticket_id)?;
    let same = old.as_ref().filter(|o| o.code == code.as_str());
    if let Some(o) = same {
        if assisted.is_none_or(|a| a == o.assisted_online) {
            return Ok(o.clone());
        }
    }
    let assisted = assisted.unwrap_or_else(|| same.is_some_and(|o| o.assisted_online));
    let linked_at = same.map_or_else(|| ts(now), |o| o.linked_at.clone());
    tx.execute(
        "INSERT INTO dossier_link (ticket_id, site_id, code, linked_at, source, assisted_online)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (ticket_id) DO UPDATE SET code = excluded.code,
             linked_at = excluded.linked_at, source = excluded.source,
             assisted_online = excluded.assisted_online",
        sql_params![
            ticket_id,
            site.0,
            code.as_str(),
            &linked_at,
            source.code(),
            i64::from(assisted)
        ],
    )?;
    Ok(DossierLink {
        code: code.as_str().to_string(),
        source: source.code().to_string(),
        assisted_online: assisted,
        linked_at,
    })
}

impl OfficeStore {
    /// Whether `site` has a ticket with this id.
    pub fn has_ticket(&self, site: SiteId, ticket_id: &str) -> Result<bool> {
        self.read(|tx| {
            Ok(tx
                .query_opt(
                    "SELECT 1 FROM ticket WHERE id = ?1 AND site_id = ?2",
                    sql_params![ticket_id, site.0],
                )?
                .is_some())
        })
    }

    /// Links a ticket of `site` to a dossier code (the integration's way; 404
    /// `unknown_ticket` for a ticket the site does not have, 403 `foreign_dossier` for a
    /// code another site holds).
    pub fn link_ticket(
        &mut self,
        site: SiteId,
        ticket_id: &str,
        code: &DossierCode,
        source: LinkSource,
        assisted: Option<bool>,
        now: DateTime<Utc>,
    ) -> Result<DossierLink> {
        self.write(|tx| {
            let found = tx.query_opt(
                "SELECT 1 FROM ticket WHERE id = ?1 AND site_id = ?2",
                sql_params![ticket_id, site.0],
            )?;
            if found.is_none() {
                return Err(unknown_ticket());
            }
            link_in(tx, site, ticket_id, code, source, assisted, now)
        })
    }

    /// The console's link: the ticket held at the clerk's counter, or (`ticket_id`) one
    /// called, served or finished there today; 409 `no_current` without one.
    pub fn link_at_counter(
        &mut self,
        session: &ClerkSession,
        ticket_id: Option<&str>,
        code: &DossierCode,
        assisted: bool,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<DossierLink> {
        let (site, counter) = (session.site, session.counter);
        self.write(|tx| {
            let id = match ticket_id {
                Some(id) => {
                    let row = tx
                        .query_opt(
                            "SELECT counter, state, business_date FROM ticket
                             WHERE id = ?1 AND site_id = ?2",
                            sql_params![id, site.0],
                        )?
                        .ok_or_else(unknown_ticket)?;
                    let here = row.opt_int(0)? == Some(i64::from(counter))
                        && ["called", "serving", "done"].contains(&row.text(1)?.as_str())
                        && row.text(2)? == day(today);
                    if !here {
                        return Err(refuse(
                            409,
                            "not_at_counter",
                            "a console links only a ticket called, served or finished at its counter today",
                        ));
                    }
                    id.to_string()
                }
                None => tx
                    .query_opt(
                        "SELECT s.current FROM counter_state s JOIN ticket t ON t.id = s.current
                         WHERE s.site_id = ?1 AND s.counter = ?2
                             AND t.state IN ('called', 'serving')",
                        sql_params![site.0, counter],
                    )?
                    .map(|r| r.text(0))
                    .transpose()?
                    .ok_or_else(|| {
                        refuse(409, "no_current", "no ticket is called or served at this counter")
                    })?,
            };
            link_in(tx, site, &id, code, LinkSource::Console, Some(assisted), now)
        })
    }

    /// A dossier's visits at `site`, oldest first.
    pub fn dossier_visits(&self, site: SiteId, code: &DossierCode) -> Result<Vec<Visit>> {
        self.read(|tx| {
            let rows = tx.query(
                &format!(
                    "SELECT {VISIT_COLUMNS} FROM dossier_link l
                     JOIN ticket t ON t.id = l.ticket_id
                     LEFT JOIN rating r ON r.ticket_id = l.ticket_id
                     WHERE l.site_id = ?1 AND l.code = ?2 ORDER BY t.issued_at"
                ),
                sql_params![site.0, code.as_str()],
            )?;
            rows.iter().map(|r| visit(self, tx, r)).collect()
        })
    }

    /// Every linked visit of `site` whose ticket's business day is in `from..=to`, with its
    /// dossier's procedure: the ratings export's rows, by dossier code then arrival.
    pub fn export_visits(
        &self,
        site: SiteId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<ExportVisit>> {
        self.read(|tx| {
            let rows = tx.query(
                &format!(
                    "SELECT {VISIT_COLUMNS}, d.procedure_code FROM dossier_link l
                     JOIN ticket t ON t.id = l.ticket_id
                     LEFT JOIN rating r ON r.ticket_id = l.ticket_id
                     LEFT JOIN dossier d ON d.code = l.code AND d.site_id = l.site_id
                     WHERE l.site_id = ?1 AND t.business_date >= ?2 AND t.business_date <= ?3
                     ORDER BY l.code, t.issued_at"
                ),
                sql_params![site.0, &day(from), &day(to)],
            )?;
            rows.iter()
                .map(|r| {
                    Ok(ExportVisit {
                        dossier_code: r.text(10)?,
                        procedure_code: r.opt_text(11)?.unwrap_or_default(),
                        rated_at: r.opt_text(9)?,
                        visit: visit(self, tx, r)?,
                    })
                })
                .collect()
        })
    }

    /// What the link's figures read: each ticket of `site` in `from..=to` (business days,
    /// included) with its link, its dossier's receipt and its rating.
    pub fn visit_facts(
        &self,
        site: SiteId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<VisitFact>> {
        self.read(|tx| {
            tx.query(
                "SELECT t.field, t.state, t.issued_at, l.code, d.received_at, l.assisted_online, r.score
                 FROM ticket t
                 LEFT JOIN dossier_link l ON l.ticket_id = t.id
                 LEFT JOIN dossier d ON d.code = l.code AND d.site_id = t.site_id
                 LEFT JOIN rating r ON r.ticket_id = t.id
                 WHERE t.site_id = ?1 AND t.business_date >= ?2 AND t.business_date <= ?3",
                sql_params![site.0, &day(from), &day(to)],
            )?
            .iter()
            .map(|r| {
                Ok(VisitFact {
                    field: r.text(0)?,
                    served: r.text(1)? == "done",
                    issued_at: parse_ts(&r.text(2)?)?,
                    code: r.opt_text(3)?,
                    received_at: r.opt_text(4)?.map(|s| parse_ts(&s)).transpose()?,
                    assisted_online: r.opt_int(5)?.unwrap_or(0) != 0,
                    score: r.opt_text(6)?,
                })
            })
            .collect()
        })
    }

    /// The link's counts for `site` over business days `from..=to` (included), for the
    /// scorecard; each is defined in docs/dossier-link.md.
    pub fn link_figures(
        &self,
        site: SiteId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<LinkFigures> {
        Ok(link_figures(&self.visit_facts(site, from, to)?))
    }

    /// The report's section on the link for the same range.
    pub fn link_report(&self, site: SiteId, from: NaiveDate, to: NaiveDate) -> Result<LinkReport> {
        Ok(link_report(&self.visit_facts(site, from, to)?))
    }
}

/// 404 `unknown_ticket`: the site has no such ticket (another site's is as unknown).
fn unknown_ticket() -> anyhow::Error {
    refuse(
        404,
        "unknown_ticket",
        "this site has no ticket with that id",
    )
}

#[cfg(test)]
#[path = "dossier_links_tests.rs"]
mod tests;
