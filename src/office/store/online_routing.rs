//! Online routing at the office: each `routing.online` event a kiosk sends (one showing of
//! its routing page, docs/online-routing.md) checked at the door, kept per site in
//! `online_routing`, and counted per field for the reports and the scorecard.

use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;

use super::devices::Device;
use super::event_check::{quoted, ticket_id_problem, Known};
use super::sites::SiteId;
use super::values::{day, ts};
use super::OfficeStore;
use crate::catalogue::Catalogue;
use crate::office::db::{sql_params, Tx};
use crate::protocol::RoutedOnline;

/// Longest field or procedure code accepted (national codes are like "2.000635").
const MAX_CODE: usize = 32;

/// The online-routing figures of a site over a range of business days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OnlineFigures {
    /// Showings of the kiosks' routing page: citizens sent online first.
    pub routed_online: u64,
    /// Tickets taken from that page for help filing online (the assisted-online queue).
    pub assisted_tickets: u64,
}

/// The same figures for one field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OnlineFieldFigures {
    /// The field's code.
    pub field: String,
    /// Its name in Vietnamese and English, from the catalogue ("" for a field it lacks).
    pub name_vi: String,
    /// Its English name.
    pub name_en: String,
    /// Showings of the routing page for the field's procedures.
    pub routed_online: u64,
    /// Tickets taken from it.
    pub assisted_tickets: u64,
}

/// Why a `routing.online` payload is refused, or `None` when the office takes it: its id is
/// the event's, its codes are plain and short, the field is one the office knows, and the
/// procedure is in the catalogue its kiosks use (the stored one, else the shipped one),
/// in that field.
pub(super) fn routing_problem(
    event_id: &str,
    r: &RoutedOnline,
    known: &Known,
    catalogue: &Catalogue,
) -> Option<String> {
    if r.id != event_id {
        return Some("a routing.online event's id is not its payload's id".into());
    }
    if let Some(why) = ticket_id_problem(&r.id) {
        return Some(why);
    }
    let code_ok = |s: &str, extra: u8| {
        !s.is_empty()
            && s.len() <= MAX_CODE
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == extra)
    };
    if !code_ok(&r.field, b'-') {
        return Some(format!("field {} is not a field code", quoted(&r.field)));
    }
    if !known.knows_field(&r.field) {
        return Some(format!("field {} is not a field the office knows", r.field));
    }
    if !code_ok(&r.procedure, b'.') {
        return Some(format!(
            "procedure {} is not a procedure code",
            quoted(&r.procedure)
        ));
    }
    match catalogue.procedure(&r.procedure) {
        None => return Some(format!("procedure {} is not in the catalogue", r.procedure)),
        Some(p) if p.field != r.field => {
            return Some(format!(
                "procedure {} belongs to field {}, not {}",
                r.procedure, p.field, r.field
            ))
        }
        Some(_) => {}
    }
    if let Some(t) = &r.assisted_ticket {
        if let Some(why) = ticket_id_problem(t) {
            return Some(format!("assisted ticket: {why}"));
        }
    }
    None
}

/// Stores a checked routing event for the kiosk's site; a second delivery changes nothing.
pub(super) fn record_routing(
    tx: &mut Tx,
    site: SiteId,
    device: &Device,
    r: &RoutedOnline,
) -> Result<()> {
    tx.execute(
        "INSERT INTO online_routing (id, site_id, device_id, field, procedure_code, routed_at,
                                     business_date, assisted_ticket)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO NOTHING",
        sql_params![
            &r.id,
            site.0,
            &device.id,
            &r.field,
            &r.procedure,
            &ts(r.at),
            &day(r.business_date),
            r.assisted_ticket.as_deref(),
        ],
    )?;
    Ok(())
}

impl OfficeStore {
    /// The site's online-routing figures for business days `from` to `to` (included): the
    /// routing page's showings, and those after which the citizen took an assisted ticket.
    pub fn online_figures(
        &self,
        site: SiteId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<OnlineFigures> {
        let by_field = self.online_by_field(site, from, to)?;
        Ok(by_field.iter().fold(OnlineFigures::default(), |mut t, f| {
            t.routed_online += f.routed_online;
            t.assisted_tickets += f.assisted_tickets;
            t
        }))
    }

    /// The same figures per field, by field code; fields without a showing are left out.
    pub fn online_by_field(
        &self,
        site: SiteId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<OnlineFieldFigures>> {
        self.read(|tx| {
            let stored = self.stored_catalogue(tx)?;
            let shipped;
            let catalogue = match stored.as_deref() {
                Some(c) => c,
                None => {
                    shipped = Catalogue::default_embedded();
                    &shipped
                }
            };
            tx.query(
                "SELECT field, COUNT(*), COUNT(assisted_ticket) FROM online_routing
                 WHERE site_id = ?3 AND business_date >= ?1 AND business_date <= ?2
                 GROUP BY field ORDER BY field",
                sql_params![&day(from), &day(to), site.0],
            )?
            .iter()
            .map(|r| {
                let field = r.text(0)?;
                let named = catalogue.field(&field);
                Ok(OnlineFieldFigures {
                    name_vi: named.map(|f| f.name_vi.clone()).unwrap_or_default(),
                    name_en: named.map(|f| f.name_en.clone()).unwrap_or_default(),
                    field,
                    routed_online: u64::try_from(r.int(1)?)?,
                    assisted_tickets: u64::try_from(r.int(2)?)?,
                })
            })
            .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn routed(id: &str, field: &str, procedure: &str) -> RoutedOnline {
        RoutedOnline {
            id: id.into(),
            field: field.into(),
            procedure: procedure.into(),
            at: Utc::now(),
            business_date: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
            assisted_ticket: None,
        }
    }

    #[test]
    fn a_routing_event_names_a_known_field_and_a_procedure_of_it() {
        let cat = Catalogue::default_embedded();
        let known = Known::default();
        let check = |r: &RoutedOnline| routing_problem(&r.id.clone(), r, &known, &cat);
        assert_eq!(check(&routed("e1", "HT", "2.000635")), None);
        let mut r = routed("e1", "HT", "2.000635");
        r.assisted_ticket = Some("7d7c3f5e-0b7e-4c1a-9d6f-2f1f3b0a9e11".into());
        assert_eq!(check(&r), None);
        assert_eq!(
            check(&routed("e1", "HT", "9.999999")).unwrap(),
            "procedure 9.999999 is not in the catalogue"
        );
        assert_eq!(
            check(&routed("e1", "CT", "2.000635")).unwrap(),
            "procedure 2.000635 belongs to field HT, not CT"
        );
        assert!(check(&routed("e1", "=HT", "2.000635"))
            .unwrap()
            .contains("not a field code"));
        assert!(check(&routed("e1", "HT", "1;DROP"))
            .unwrap()
            .contains("not a procedure code"));
        assert!(check(&routed("e1", "HT", &"1".repeat(33))).is_some());
        r.assisted_ticket = Some("<b>".into());
        assert!(check(&r).unwrap().starts_with("assisted ticket"));
        assert!(check(&routed("", "HT", "2.000635")).is_some());
        // The payload's id must be the event's: one visit, one count.
        let r = routed("e1", "HT", "2.000635");
        assert!(routing_problem("e2", &r, &known, &cat).is_some());
    }
}
