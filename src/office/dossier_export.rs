//! The dossier ratings export for the province's evaluation system (docs/api.md, "Dossier
//! ratings export"): one row per visit (a ticket linked to a dossier code) whose ticket's
//! business day is in the range, with the dossier's procedure, the visit's field, day and
//! counter, the assisted-online flag and the rating. Nothing personal: no names, phones,
//! lookup secrets or clerks.

use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{json, Value};

use super::counters::ExportVisit;
use super::reports::safe_cell;
use super::store::{OfficeStore, SiteId};

/// The export of one site over a range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatingsExport {
    /// The site's code.
    pub site: String,
    /// First business day.
    pub from: NaiveDate,
    /// Last business day, included.
    pub to: NaiveDate,
    /// The visits, by dossier code then arrival.
    pub rows: Vec<ExportVisit>,
}

/// The CSV's columns, in order (docs/api.md).
pub const COLUMNS: [&str; 13] = [
    "site",
    "dossier_code",
    "procedure_code",
    "field",
    "field_vi",
    "visit_date",
    "issued_at",
    "counter",
    "assisted_online",
    "link_source",
    "rating",
    "rating_reasons",
    "rated_at",
];

/// Reads the export of `site` for business days `from..=to`.
pub fn ratings_export(
    s: &OfficeStore,
    site: SiteId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<RatingsExport> {
    Ok(RatingsExport {
        site: s.site(site)?.code,
        from,
        to,
        rows: s.export_visits(site, from, to)?,
    })
}

/// The export as CSV (UTF-8 with a BOM, for spreadsheets): a header row, one row per visit.
pub fn ratings_csv(e: &RatingsExport) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(COLUMNS)?;
    for r in &e.rows {
        let v = &r.visit;
        let row = [
            e.site.clone(),
            r.dossier_code.clone(),
            r.procedure_code.clone(),
            v.field.clone(),
            v.field_vi.clone(),
            v.date.clone(),
            v.issued_at.clone(),
            v.counter.map(|c| c.to_string()).unwrap_or_default(),
            u8::from(v.assisted_online).to_string(),
            v.source.clone(),
            v.rating.clone().unwrap_or_default(),
            v.reasons.join(";"),
            r.rated_at.clone().unwrap_or_default(),
        ];
        // Procedure and field codes come from imports and kiosks: never a formula.
        w.write_record(row.iter().map(|c| safe_cell(c).into_owned()))?;
    }
    Ok(w.into_inner()?)
}

/// The export as JSON: `{site, from, to, columns, rows: [{…}]}`, a row per visit with the
/// CSV's columns as keys (`assisted_online` a boolean, `counter` a number or null,
/// `rating_reasons` an array).
pub fn ratings_json(e: &RatingsExport) -> Value {
    let rows: Vec<Value> = e
        .rows
        .iter()
        .map(|r| {
            let v = &r.visit;
            json!({
                "site": e.site,
                "dossier_code": r.dossier_code,
                "procedure_code": r.procedure_code,
                "field": v.field,
                "field_vi": v.field_vi,
                "visit_date": v.date,
                "issued_at": v.issued_at,
                "counter": v.counter,
                "assisted_online": v.assisted_online,
                "link_source": v.source,
                "rating": v.rating,
                "rating_reasons": v.reasons,
                "rated_at": r.rated_at,
            })
        })
        .collect();
    json!({ "site": e.site, "from": e.from, "to": e.to, "columns": COLUMNS, "rows": rows })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::office::counters::Visit;

    fn row(code: &str, rating: Option<&str>) -> ExportVisit {
        ExportVisit {
            dossier_code: code.into(),
            procedure_code: "=1.001193".into(),
            visit: Visit {
                date: "2026-12-07".into(),
                issued_at: "2026-12-07T01:00:00Z".into(),
                counter: Some(2),
                field: "HT".into(),
                field_vi: "Hộ tịch".into(),
                field_en: "Civil status".into(),
                state: "done".into(),
                assisted_online: true,
                source: "console".into(),
                rating: rating.map(str::to_string),
                reasons: vec!["long_wait".into(), "unclear".into()],
            },
            rated_at: None,
        }
    }

    #[test]
    fn the_csv_and_the_json_carry_the_same_columns() {
        let e = RatingsExport {
            site: "10105".into(),
            from: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
            rows: vec![row("H15-261207-0001", Some("unsatisfied"))],
        };
        let csv = String::from_utf8(ratings_csv(&e).unwrap()).unwrap();
        assert!(
            csv.starts_with("\u{feff}site,dossier_code,procedure_code,"),
            "{csv}"
        );
        assert!(
            csv.contains("10105,H15-261207-0001,'=1.001193,HT,Hộ tịch,2026-12-07,2026-12-07T01:00:00Z,2,1,console,unsatisfied,long_wait;unclear,"),
            "{csv}"
        );
        let j = ratings_json(&e);
        let keys: Vec<&str> = j["rows"][0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut columns = COLUMNS.to_vec();
        columns.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, columns);
        assert_eq!(j["rows"][0]["assisted_online"], true);
        assert_eq!(j["rows"][0]["counter"], 2);
    }
}
