//! The scorecard page's two charts (docs/scorecard.md): the official score beside
//! motcua's estimated shares, and the official rank, month by month, in Vietnamese and
//! English. A month without a value is a gap, never 0.

use super::charts::{labelled_line_chart, ChartText, Series};
use super::counters::Scorecard;
use super::report_charts::Lang;
use crate::domain::scorecard::FigureKey;

/// The scorecard's charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScorecardChart {
    /// The official score and the estimated shares, 0 to 100.
    Score,
    /// The official rank (1 = best).
    Rank,
}

impl ScorecardChart {
    /// The chart of a name in its address (`score`, `rank`).
    pub fn from_name(name: &str) -> Option<ScorecardChart> {
        match name {
            "score" => Some(ScorecardChart::Score),
            "rank" => Some(ScorecardChart::Rank),
            _ => None,
        }
    }
}

/// The estimated shares drawn beside the official score, with their legend's short names
/// (a star: an estimate, as the axis says).
const DRAWN: [(FigureKey, &str, &str); 3] = [
    (FigureKey::OnTimeShare, "% đúng hạn*", "% on time*"),
    (
        FigureKey::CounterSatisfaction,
        "% hài lòng*",
        "% satisfied*",
    ),
    (FigureKey::OnlineShare, "% trực tuyến*", "% online*"),
];

/// Chart `chart` over `cards` (oldest first) in `lang`, as an SVG element.
pub fn scorecard_chart(chart: ScorecardChart, cards: &[Scorecard], lang: Lang) -> String {
    let l = |vi: &'static str, en: &'static str| lang.pick(vi, en).to_string();
    let labels: Vec<String> = cards.iter().map(|c| c.month.short_label()).collect();
    let mut t = ChartText {
        x_axis: l("Tháng", "Month"),
        no_data: l(
            "Chưa có dữ liệu cho các tháng này.",
            "No data for these months.",
        ),
        decimal_comma: lang == Lang::Vi,
        ..ChartText::default()
    };
    let official = |f: &dyn Fn(&super::counters::Official) -> Option<f64>| -> Vec<Option<f64>> {
        cards
            .iter()
            .map(|c| c.official.as_ref().and_then(f))
            .collect()
    };
    match chart {
        ScorecardChart::Score => {
            t.id = "chart-score".into();
            t.title = l(
                "Điểm chính thức và các tỷ lệ % (*: ước tính) theo tháng",
                "Official score and shares in % (*: estimates) by month",
            );
            // No axis label: the legend needs the line, and the title gives the units.
            let mut lines = vec![Series {
                name: l("Điểm chính thức", "Official score"),
                values: official(&|o| Some(o.score)),
            }];
            for (key, vi, en) in DRAWN {
                let name = lang.pick(vi, en);
                let values = cards
                    .iter()
                    .map(|c| {
                        c.figures
                            .iter()
                            .find(|f| f.key == key)
                            .and_then(|f| f.share)
                            .map(|s| (s * 1000.0).round() / 10.0)
                    })
                    .collect();
                lines.push(Series {
                    name: name.to_string(),
                    values,
                });
            }
            t.summary = summary(&lines[0].values, &labels, lang, false);
            labelled_line_chart(&t, &labels, &lines, Some(100.0))
        }
        ScorecardChart::Rank => {
            t.id = "chart-rank".into();
            t.title = l("Xếp hạng chính thức theo tháng", "Official rank by month");
            t.y_axis = l("Thứ hạng (1 là cao nhất)", "Rank (1 is best)");
            let values = official(&|o| o.rank.map(|r| r as f64));
            t.summary = summary(&values, &labels, lang, true);
            let line = Series {
                name: String::new(),
                values,
            };
            labelled_line_chart(&t, &labels, &[line], None)
        }
    }
}

/// "Official score: 11/2026 72,5; … ", what a screen reader says of the chart: every
/// month's value, or that it is missing.
fn summary(values: &[Option<f64>], labels: &[String], lang: Lang, rank: bool) -> String {
    let what = match (lang, rank) {
        (Lang::Vi, false) => "Điểm chính thức",
        (Lang::En, false) => "Official score",
        (Lang::Vi, true) => "Xếp hạng",
        (Lang::En, true) => "Rank",
    };
    let none = lang.pick("chưa nhập", "not entered");
    let parts: Vec<String> = labels
        .iter()
        .zip(values)
        .map(|(m, v)| match v {
            Some(v) if lang == Lang::Vi => format!("{m} {}", v.to_string().replace('.', ",")),
            Some(v) => format!("{m} {v}"),
            None => format!("{m} {none}"),
        })
        .collect();
    format!("{what}: {}.", parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::scorecard::{figures, Month, MonthCounts};
    use crate::office::counters::Official;

    fn card(month: &str, score: Option<f64>, rank: Option<i64>, resolved: u32) -> Scorecard {
        Scorecard {
            month: Month::parse(month).unwrap(),
            as_of: Month::parse(month)
                .unwrap()
                .last_day()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            complete: true,
            figures: figures(&MonthCounts {
                resolved,
                on_time: resolved / 2,
                ..MonthCounts::default()
            }),
            official: score.map(|score| Official {
                score,
                rank,
                rank_of: rank.map(|_| 120),
                entered_at: String::new(),
                entered_by: "lead".into(),
            }),
        }
    }

    #[test]
    fn months_without_anything_say_no_data() {
        let cards = [
            card("2026-10", None, None, 0),
            card("2026-11", None, None, 0),
        ];
        for chart in [ScorecardChart::Score, ScorecardChart::Rank] {
            let svg = scorecard_chart(chart, &cards, Lang::En);
            assert!(svg.contains("No data for these months."), "{svg}");
        }
    }

    #[test]
    fn the_score_chart_labels_months_and_draws_the_estimates() {
        let cards = [
            card("2026-10", Some(61.25), Some(90), 4),
            card("2026-11", None, None, 0),
            card("2026-12", Some(70.5), Some(40), 2),
        ];
        let svg = scorecard_chart(ScorecardChart::Score, &cards, Lang::Vi);
        assert!(svg.contains("10/2026") && svg.contains("12/2026"), "{svg}");
        assert!(svg.contains("% đúng hạn*") && svg.contains("*: ước tính"));
        assert!(svg.contains("61,3") || svg.contains("61,2"), "{svg}");
        assert!(svg.contains("11/2026 chưa nhập"));
        let rank = scorecard_chart(ScorecardChart::Rank, &cards, Lang::En);
        assert!(
            rank.contains("Rank: 10/2026 90; 11/2026 not entered; 12/2026 40."),
            "{rank}"
        );
    }
}
