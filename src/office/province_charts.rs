//! The province page's charts: one ranked bar chart per figure, a bar per site, the
//! reader's own site highlighted (a site lead's), in Vietnamese or English.

use super::charts::ChartText;
use super::charts::{ranked_bars, Order, Ranked};
use super::province::SiteRow;
use super::report_charts::Lang;
use super::store::SiteId;

/// The province page's charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProvinceChart {
    /// Tickets issued.
    Tickets,
    /// Average wait (issue to first call), shortest first.
    Wait,
    /// Share of ratings satisfied or very satisfied.
    Satisfaction,
    /// On-time share of resolved dossiers.
    OnTime,
}

impl ProvinceChart {
    /// Every chart, in the page's order.
    pub const ALL: [ProvinceChart; 4] = [
        ProvinceChart::Tickets,
        ProvinceChart::Wait,
        ProvinceChart::Satisfaction,
        ProvinceChart::OnTime,
    ];

    /// The chart's name in its address (`/api/v1/province/chart/{name}.svg`).
    pub fn name(self) -> &'static str {
        match self {
            ProvinceChart::Tickets => "tickets",
            ProvinceChart::Wait => "wait",
            ProvinceChart::Satisfaction => "satisfaction",
            ProvinceChart::OnTime => "on-time",
        }
    }

    /// The chart of a name.
    pub fn from_name(name: &str) -> Option<ProvinceChart> {
        ProvinceChart::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// Chart `chart` of `rows` in `lang`, `own` highlighted, as an SVG element.
pub fn province_chart(
    chart: ProvinceChart,
    rows: &[SiteRow],
    own: Option<SiteId>,
    lang: Lang,
) -> String {
    let l = |vi: &'static str, en: &'static str| lang.pick(vi, en).to_string();
    let (title, axis, unit, order, max): (String, String, String, Order, Option<f64>) = match chart
    {
        ProvinceChart::Tickets => (
            l("Số phiếu theo xã", "Tickets by commune"),
            l("Số phiếu", "Tickets"),
            String::new(),
            Order::Descending,
            None,
        ),
        ProvinceChart::Wait => (
            l(
                "Thời gian chờ trung bình theo xã (ngắn nhất trước)",
                "Average wait by commune (shortest first)",
            ),
            l(
                "Phút (từ lúc lấy số đến lần gọi đầu)",
                "Minutes (from ticket to first call)",
            ),
            l(" phút", " min"),
            Order::Ascending,
            None,
        ),
        ProvinceChart::Satisfaction => (
            l(
                "Tỉ lệ hài lòng và rất hài lòng theo xã",
                "Satisfied or very satisfied by commune",
            ),
            l("% số lượt đánh giá", "% of ratings"),
            " %".to_string(),
            Order::Descending,
            Some(100.0),
        ),
        ProvinceChart::OnTime => (
            l(
                "Tỉ lệ hồ sơ đúng hạn theo xã (trước hạn + đúng hạn)",
                "On-time dossiers by commune (early + on time)",
            ),
            l("% hồ sơ đã giải quyết", "% of resolved dossiers"),
            " %".to_string(),
            Order::Descending,
            Some(100.0),
        ),
    };
    let value = |r: &SiteRow| match chart {
        ProvinceChart::Tickets => Some(f64::from(r.tickets)),
        ProvinceChart::Wait => r.wait_avg_s.map(|s| f64::from(s) / 60.0),
        ProvinceChart::Satisfaction => r
            .satisfied_pct
            .zip(r.very_satisfied_pct)
            .map(|(a, b)| a + b),
        ProvinceChart::OnTime => r.on_time_pct,
    };
    let bars: Vec<Ranked> = rows
        .iter()
        .map(|r| Ranked {
            label: r.name.clone(),
            value: value(r),
            highlight: Some(r.site) == own,
        })
        .collect();
    let measured = bars.iter().filter(|b| b.value.is_some()).count();
    let summary = match lang {
        Lang::Vi => format!(
            "{title}: {measured}/{} xã có số liệu; xếp hạng theo thứ tự trên biểu đồ.",
            bars.len()
        ),
        Lang::En => format!(
            "{title}: {measured} of {} communes have data; ranked in the chart's order.",
            bars.len()
        ),
    };
    let text = ChartText {
        id: format!("province-{}", chart.name()),
        title: title.clone(),
        summary,
        x_axis: l("Xã", "Commune"),
        y_axis: axis,
        unit,
        no_data: l("Không có dữ liệu trong kỳ.", "No data in this period."),
        decimal_comma: lang == Lang::Vi,
    };
    // Not one commune measured: the chart says so rather than drawing a column of dashes.
    if measured == 0 {
        return ranked_bars(&text, &[], order, max);
    }
    ranked_bars(&text, &bars, order, max)
}
