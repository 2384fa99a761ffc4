//! The report page's four charts (docs/counters.md) drawn from a range's series: their
//! words in Vietnamese and English, each with a summary for screen readers. The office
//! draws the charts, so their words live here, beside the drawing, rather than in the
//! pages' script.

use chrono::NaiveDate;

use super::charts::{bar_chart, line_chart, ChartText, Series};
use super::report_series::ReportSeries;

/// The language a chart is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Tiếng Việt (the default).
    Vi,
    /// English.
    En,
}

impl Lang {
    /// `vi` or `en`.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub(crate) fn pick(self, vi: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

/// The report page's charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportChart {
    /// Tickets by hour of day.
    Hours,
    /// Average wait by day.
    Wait,
    /// Satisfaction by day.
    Satisfaction,
    /// On-time share of resolved dossiers by day.
    OnTime,
}

impl ReportChart {
    /// Every chart, in the page's order.
    pub const ALL: [ReportChart; 4] = [
        ReportChart::Hours,
        ReportChart::Wait,
        ReportChart::Satisfaction,
        ReportChart::OnTime,
    ];

    /// The chart's name in its address (`/api/v1/reports/chart/{name}.svg`).
    pub fn name(self) -> &'static str {
        match self {
            ReportChart::Hours => "hours",
            ReportChart::Wait => "wait",
            ReportChart::Satisfaction => "satisfaction",
            ReportChart::OnTime => "on-time",
        }
    }

    /// The chart of a name.
    pub fn from_name(name: &str) -> Option<ReportChart> {
        ReportChart::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// The words every chart shares, in `lang`.
fn text(chart: ReportChart, lang: Lang) -> ChartText {
    let l = |vi, en| lang.pick(vi, en).to_string();
    let (title, x_axis, y_axis, unit) = match chart {
        ReportChart::Hours => (
            l("Số phiếu theo giờ trong ngày", "Tickets by hour of day"),
            l("Giờ lấy số", "Hour the ticket was taken"),
            l("Số phiếu", "Tickets"),
            String::new(),
        ),
        ReportChart::Wait => (
            l("Thời gian chờ trung bình theo ngày", "Average wait by day"),
            l("Ngày", "Day"),
            l(
                "Phút (từ lúc lấy số đến lần gọi đầu)",
                "Minutes (from ticket to first call)",
            ),
            l(" phút", " min"),
        ),
        ReportChart::Satisfaction => (
            l("Mức độ hài lòng theo ngày", "Satisfaction by day"),
            l("Ngày", "Day"),
            l("% số lượt đánh giá", "% of ratings"),
            " %".to_string(),
        ),
        ReportChart::OnTime => (
            l("Tỉ lệ hồ sơ đúng hạn theo ngày", "On-time dossiers by day"),
            l("Ngày giải quyết", "Day resolved"),
            l(
                "% hồ sơ đã giải quyết (trước hạn + đúng hạn)",
                "% of resolved dossiers (early + on time)",
            ),
            " %".to_string(),
        ),
    };
    ChartText {
        id: format!("chart-{}", chart.name()),
        title,
        summary: String::new(),
        x_axis,
        y_axis,
        unit,
        no_data: l("Không có dữ liệu trong kỳ.", "No data in this period."),
        decimal_comma: lang == Lang::Vi,
    }
}

/// "lowest A, highest B; no data on N of M days", the summary of a daily series.
fn daily_summary(t: &ChartText, lang: Lang, what: &str, values: &[Option<f64>]) -> String {
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    let lo = known.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = known.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (gaps, n) = (values.len() - known.len(), values.len());
    let (lo, hi) = (t.value(lo), t.value(hi));
    match lang {
        Lang::Vi => format!(
            "{what} theo ngày: thấp nhất {lo}, cao nhất {hi}; không có số liệu {gaps}/{n} ngày."
        ),
        Lang::En => {
            format!("{what} by day: lowest {lo}, highest {hi}; no data on {gaps} of {n} days.")
        }
    }
}

/// Chart `chart` of `series` in `lang`, as an SVG element.
pub fn report_chart(chart: ReportChart, series: &ReportSeries, lang: Lang) -> String {
    let mut t = text(chart, lang);
    let l = |vi: &'static str, en: &'static str| lang.pick(vi, en).to_string();
    let from: NaiveDate = series.from;
    match chart {
        ReportChart::Hours => {
            let bars: Vec<(String, f64)> = series
                .tickets_by_hour
                .iter()
                .map(|(h, n)| (hour(*h, lang), f64::from(*n)))
                .collect();
            let total: u32 = series.tickets_by_hour.iter().map(|h| h.1).sum();
            // The busiest hour; the earliest of equals.
            let busiest = series.tickets_by_hour.iter().rev().max_by_key(|h| h.1);
            if let Some((h, n)) = busiest {
                t.summary = match lang {
                    Lang::Vi => format!(
                        "{total} phiếu trong kỳ; đông nhất lúc {} ({n} phiếu).",
                        hour(*h, lang)
                    ),
                    Lang::En => format!(
                        "{total} tickets in the period; busiest at {} ({n} tickets).",
                        hour(*h, lang)
                    ),
                };
            }
            bar_chart(&t, &bars, true)
        }
        ReportChart::Wait => {
            t.summary = daily_summary(
                &t,
                lang,
                &l("Thời gian chờ trung bình", "Average wait"),
                &series.wait_min,
            );
            let line = Series {
                name: String::new(),
                values: series.wait_min.clone(),
            };
            line_chart(&t, from, &[line], None)
        }
        ReportChart::Satisfaction => {
            let what = l(
                "Tỉ lệ hài lòng và rất hài lòng",
                "Share satisfied or very satisfied",
            );
            t.summary = daily_summary(&t, lang, &what, &series.satisfied_pct);
            let lines = [
                Series {
                    name: l("Hài lòng và rất hài lòng", "Satisfied or very satisfied"),
                    values: series.satisfied_pct.clone(),
                },
                Series {
                    name: l("Rất hài lòng", "Very satisfied"),
                    values: series.very_satisfied_pct.clone(),
                },
            ];
            line_chart(&t, from, &lines, Some(100.0))
        }
        ReportChart::OnTime => {
            let what = l("Tỉ lệ hồ sơ đúng hạn", "On-time share");
            t.summary = daily_summary(&t, lang, &what, &series.on_time_pct);
            let line = Series {
                name: String::new(),
                values: series.on_time_pct.clone(),
            };
            line_chart(&t, from, &[line], Some(100.0))
        }
    }
}

/// An hour of the day as each language writes it: 7h, 7:00.
fn hour(h: u32, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!("{h}h"),
        Lang::En => format!("{h}:00"),
    }
}

#[cfg(test)]
mod tests {
    use unicode_normalization::is_nfc;

    use super::*;

    fn series() -> ReportSeries {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        ReportSeries {
            from: day(1),
            to: day(4),
            tickets_by_hour: vec![(7, 2), (8, 9), (9, 9), (10, 1)],
            wait_min: vec![Some(12.5), None, Some(3.25), Some(40.0)],
            satisfied_pct: vec![Some(50.0), None, Some(100.0), None],
            very_satisfied_pct: vec![Some(25.0), None, Some(0.0), None],
            on_time_pct: vec![None, None, None, None],
        }
    }

    #[test]
    fn every_chart_is_written_in_both_languages_in_nfc() {
        for chart in ReportChart::ALL {
            assert_eq!(ReportChart::from_name(chart.name()), Some(chart));
            let vi = report_chart(chart, &series(), Lang::Vi);
            let en = report_chart(chart, &series(), Lang::En);
            assert_ne!(vi, en, "{chart:?}");
            assert!(is_nfc(&vi) && is_nfc(&en));
            assert!(vi.contains(&format!("id=\"chart-{}\"", chart.name())));
        }
        assert_eq!(ReportChart::from_name("nope"), None);
        assert_eq!(Lang::from_code("fr"), None);
    }

    #[test]
    fn summaries_say_the_figures() {
        let hours = report_chart(ReportChart::Hours, &series(), Lang::Vi);
        assert!(
            hours.contains(">21 phiếu trong kỳ; đông nhất lúc 8h (9 phiếu).</desc>"),
            "{hours}"
        );
        let wait = report_chart(ReportChart::Wait, &series(), Lang::En);
        let summary =
            "Average wait by day: lowest 3.3 min, highest 40 min; no data on 1 of 4 days.";
        assert!(wait.contains(&format!(">{summary}</desc>")), "{wait}");
        let vi = report_chart(ReportChart::Satisfaction, &series(), Lang::Vi);
        assert!(
            vi.contains("thấp nhất 50 %, cao nhất 100 %; không có số liệu 2/4 ngày."),
            "{vi}"
        );
        // No dossier resolved: the chart says so instead of a line at 0.
        let on_time = report_chart(ReportChart::OnTime, &series(), Lang::Vi);
        assert!(
            on_time.contains(">Không có dữ liệu trong kỳ.</text>"),
            "{on_time}"
        );
        assert!(!on_time.contains("<path"));
    }
}
