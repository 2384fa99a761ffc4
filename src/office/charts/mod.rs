//! Charts the office draws itself as inline SVG (no script, no style sheet, no external
//! file): a vertical bar chart, a line chart over dates and a horizontal ranked bar chart.
//! Pure functions from data and already translated text to an SVG string, the same bytes
//! for the same input. Drawn with presentation attributes only, so the pages' CSP
//! (`default-src 'self'`) lets them in; every chart is `role="img"` with a `<title>` and a
//! `<desc>` for screen readers, and says its "no data" text when there is nothing to draw.

mod axes;
mod bars;
mod lines;
mod qr;
mod ranked;
mod svg;
mod ticks;

pub use bars::bar_chart;
pub use lines::{labelled_line_chart, line_chart, Series};
pub use qr::qr_svg;
pub use ranked::{ranked_bars, Order, Ranked};
pub use svg::{escape, format_value};
pub use ticks::nice_ticks;

/// Colours that stay apart for the colour-blind (Okabe and Ito) and read on white; each
/// series also has its own dash and marker, so they differ without colour too.
pub const PALETTE: [&str; 4] = ["#0072b2", "#d55e00", "#009e73", "#cc79a7"];
/// Bars that give way to a highlighted one.
pub const MUTED: &str = "#b4bec9";

/// The words of a chart, already translated, and how its numbers are written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChartText {
    /// The element id (`[a-z0-9-]`), unique on the page; `-title` and `-desc` are added.
    pub id: String,
    /// Shown at the top, and the accessible name.
    pub title: String,
    /// A sentence or two that says what the chart shows (`<desc>`).
    pub summary: String,
    /// Under the categories or dates.
    pub x_axis: String,
    /// Above the values, with the unit: "Phút", "%", "Số phiếu".
    pub y_axis: String,
    /// After each value in labels and tooltips: " %", " phút", or nothing for counts.
    pub unit: String,
    /// Said instead of an empty chart.
    pub no_data: String,
    /// Writes 2,5 rather than 2.5 (Vietnamese).
    pub decimal_comma: bool,
}

impl ChartText {
    /// A value with its unit, as labels show it.
    pub(crate) fn value(&self, v: f64) -> String {
        format!("{}{}", format_value(v, self.decimal_comma), self.unit)
    }
}

/// The width every chart is drawn at; pages scale it down (`viewBox`).
pub const WIDTH: f64 = 640.0;

/// The chart that says there is nothing to show, `height` high (that of the chart it
/// stands for, so charts side by side stay aligned).
fn no_data(text: &ChartText, height: f64) -> String {
    let mut s = svg::Svg::open(&text.id, WIDTH, height, &text.title, &text.no_data);
    s.raw(&format!(
        "<rect x=\"12\" y=\"40\" width=\"{}\" height=\"{}\" fill=\"#f7f8fa\" stroke=\"{}\"/>",
        svg::coord(WIDTH - 24.0),
        svg::coord(height - 56.0),
        svg::GRID
    ));
    let f = svg::Font::new(14.0).fill(svg::MUTED_INK).anchor("middle");
    s.text(
        WIDTH / 2.0,
        40.0 + (height - 56.0) / 2.0 + 5.0,
        f,
        &text.no_data,
    );
    s.finish()
}

#[cfg(test)]
mod tests;
