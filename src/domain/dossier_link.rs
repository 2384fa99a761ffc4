//! The ticket ↔ dossier link's figures (docs/dossier-link.md): from the tickets of a period,
//! each with the dossier code it was linked to (if any), how many dossiers came, how many
//! visits each needed, how long from arrival to the dossier's receipt, how many were assisted
//! online filings, and the ratings those visits got. Pure: the office reads the rows.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// What the figures need of one ticket of the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitFact {
    /// The ticket's catalogue field.
    pub field: String,
    /// Finished at a counter (state `done`): a served visit.
    pub served: bool,
    /// When the ticket was issued: the citizen's arrival.
    pub issued_at: DateTime<Utc>,
    /// The dossier code it is linked to.
    pub code: Option<String>,
    /// The linked dossier's receipt time, when the office holds that dossier.
    pub received_at: Option<DateTime<Utc>>,
    /// Marked as an assisted online filing.
    pub assisted_online: bool,
    /// The rating's score, if the citizen rated the visit.
    pub score: Option<String>,
}

/// A rating the satisfaction share counts as satisfied: "very satisfied" or "satisfied", as
/// the reports count them.
pub fn is_satisfied(score: &str) -> bool {
    matches!(score, "very_satisfied" | "satisfied")
}

/// The link's counts over a period, for the scorecard (each defined in docs/dossier-link.md).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LinkFigures {
    /// Tickets served (finished at a counter) in the period.
    pub visits: u64,
    /// Tickets of the period linked to a dossier code, whatever their state.
    pub linked_visits: u64,
    /// Distinct dossier codes those tickets are linked to.
    pub dossiers: u64,
    /// Of those, the codes with two or more linked tickets in the period.
    pub dossiers_multi_visit: u64,
    /// Ratings given to linked tickets: what counts toward the province's evaluation.
    pub linked_ratings: u64,
    /// Of those, "very satisfied" or "satisfied".
    pub linked_satisfied: u64,
    /// Linked tickets marked as assisted online filings.
    pub assisted_online: u64,
}

/// Assisted online filings of one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldCount {
    /// The field's code.
    pub field: String,
    /// Assisted filings.
    pub count: u64,
}

/// The report's section on the link: the counts and what follows from them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LinkReport {
    /// The counts.
    #[serde(flatten)]
    pub figures: LinkFigures,
    /// Linked tickets ÷ dossiers; None without a linked dossier.
    pub visits_per_dossier: Option<f64>,
    /// Dossiers with more than one visit ÷ dossiers; None without a linked dossier.
    pub multi_visit_share: Option<f64>,
    /// Linked tickets whose dossier the office holds and was received at or after arrival.
    pub arrival_to_receipt_samples: u64,
    /// The median of their minutes from arrival (ticket issued) to receipt; None without one.
    pub arrival_to_receipt_median_min: Option<f64>,
    /// Assisted online filings per field, by field code.
    pub assisted_by_field: Vec<FieldCount>,
}

/// The counts over a period's tickets.
pub fn link_figures(visits: &[VisitFact]) -> LinkFigures {
    let mut f = LinkFigures::default();
    let mut per_code: BTreeMap<&str, u64> = BTreeMap::new();
    for v in visits {
        f.visits += u64::from(v.served);
        let Some(code) = v.code.as_deref() else {
            continue;
        };
        f.linked_visits += 1;
        *per_code.entry(code).or_default() += 1;
        f.assisted_online += u64::from(v.assisted_online);
        if let Some(score) = v.score.as_deref() {
            f.linked_ratings += 1;
            f.linked_satisfied += u64::from(is_satisfied(score));
        }
    }
    f.dossiers = per_code.len() as u64;
    f.dossiers_multi_visit = per_code.values().filter(|n| **n > 1).count() as u64;
    f
}

/// The median of samples (the mean of the middle two for an even count); None when empty.
pub fn median(samples: &mut [f64]) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_by(f64::total_cmp);
    let mid = samples.len() / 2;
    Some(if samples.len() % 2 == 1 {
        samples[mid]
    } else {
        (samples[mid - 1] + samples[mid]) / 2.0
    })
}

/// The report's section over a period's tickets. Arrival to receipt counts only visits that
/// came before (or at) the receipt: a visit after it (to bring a missing paper, to collect
/// the result) did not lead to it.
pub fn link_report(visits: &[VisitFact]) -> LinkReport {
    let figures = link_figures(visits);
    let ratio = |part: u64| (figures.dossiers > 0).then(|| part as f64 / figures.dossiers as f64);
    let mut minutes: Vec<f64> = visits
        .iter()
        .filter(|v| v.code.is_some())
        .filter_map(|v| v.received_at.map(|r| r - v.issued_at))
        .filter(|d| d.num_seconds() >= 0)
        .map(|d| d.num_seconds() as f64 / 60.0)
        .collect();
    let mut by_field: BTreeMap<&str, u64> = BTreeMap::new();
    for v in visits
        .iter()
        .filter(|v| v.code.is_some() && v.assisted_online)
    {
        *by_field.entry(v.field.as_str()).or_default() += 1;
    }
    LinkReport {
        figures,
        visits_per_dossier: ratio(figures.linked_visits),
        multi_visit_share: ratio(figures.dossiers_multi_visit),
        arrival_to_receipt_samples: minutes.len() as u64,
        arrival_to_receipt_median_min: median(&mut minutes),
        assisted_by_field: by_field
            .into_iter()
            .map(|(field, count)| FieldCount {
                field: field.to_string(),
                count,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, 1, 0, 0).unwrap() + chrono::TimeDelta::minutes(min)
    }

    fn visit(code: Option<&str>, issued: i64, received: Option<i64>) -> VisitFact {
        VisitFact {
            field: "HT".into(),
            served: true,
            issued_at: at(issued),
            code: code.map(str::to_string),
            received_at: received.map(at),
            assisted_online: false,
            score: None,
        }
    }

    #[test]
    fn figures_count_visits_dossiers_and_repeat_visits() {
        let mut v = vec![
            visit(Some("A-261207-0001"), 0, Some(30)),
            visit(Some("A-261207-0001"), 100, Some(30)),
            visit(Some("A-261207-0002"), 10, Some(20)),
            visit(None, 5, None),
        ];
        v[3].served = false;
        v[0].score = Some("very_satisfied".into());
        v[1].score = Some("unsatisfied".into());
        v[2].assisted_online = true;
        v[2].field = "DD".into();
        let f = link_figures(&v);
        assert_eq!(
            f,
            LinkFigures {
                visits: 3,
                linked_visits: 3,
                dossiers: 2,
                dossiers_multi_visit: 1,
                linked_ratings: 2,
                linked_satisfied: 1,
                assisted_online: 1,
            }
        );
        let r = link_report(&v);
        assert_eq!(r.visits_per_dossier, Some(1.5));
        assert_eq!(r.multi_visit_share, Some(0.5));
        // 30 and 10 minutes; the visit after the receipt is left out.
        assert_eq!(r.arrival_to_receipt_samples, 2);
        assert_eq!(r.arrival_to_receipt_median_min, Some(20.0));
        assert_eq!(
            r.assisted_by_field,
            [FieldCount {
                field: "DD".into(),
                count: 1
            }]
        );
    }

    #[test]
    fn a_period_without_links_has_no_ratios_rather_than_zero() {
        let r = link_report(&[visit(None, 0, None)]);
        assert_eq!(r.figures.visits, 1);
        assert_eq!(r.figures.dossiers, 0);
        assert_eq!(r.visits_per_dossier, None);
        assert_eq!(r.multi_visit_share, None);
        assert_eq!(r.arrival_to_receipt_median_min, None);
        assert!(r.assisted_by_field.is_empty());
    }

    #[test]
    fn the_median_takes_the_middle_or_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn only_satisfied_answers_count_as_satisfied() {
        assert!(is_satisfied("very_satisfied") && is_satisfied("satisfied"));
        assert!(!is_satisfied("unsatisfied") && !is_satisfied(""));
    }

    #[test]
    fn an_unknown_dossier_gives_no_arrival_to_receipt_sample() {
        let r = link_report(&[visit(Some("A-261207-0001"), 0, None)]);
        assert_eq!(r.figures.linked_visits, 1);
        assert_eq!(r.arrival_to_receipt_samples, 0);
    }
}
