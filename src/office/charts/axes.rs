//! The value axis shared by the bar and line charts: grid lines, tick labels, the unit.

use super::svg::{text_width, Font, Svg, AXIS, GRID, MUTED_INK};
use super::ticks::nice_ticks;
use super::ChartText;

/// Font size of tick labels.
pub(super) const TICK_SIZE: f64 = 12.0;
/// Where the plot starts under the title and the unit line.
pub(super) const PLOT_TOP: f64 = 58.0;

/// A vertical value axis from 0 to its last tick.
pub(super) struct ValueAxis {
    /// The ticks, from 0.
    pub ticks: Vec<f64>,
    /// Labels of the ticks.
    pub labels: Vec<String>,
}

impl ValueAxis {
    /// Ticks for values up to `max` (or exactly to `fixed_max`, e.g. 100 %).
    pub(super) fn new(max: f64, fixed_max: Option<f64>, whole: bool, text: &ChartText) -> Self {
        let ticks = match fixed_max {
            Some(m) => nice_ticks(m, 5, whole),
            None => nice_ticks(max, 5, whole),
        };
        let labels = ticks
            .iter()
            .map(|t| super::format_value(*t, text.decimal_comma))
            .collect();
        ValueAxis { ticks, labels }
    }

    /// The room the tick labels need left of the plot.
    pub(super) fn label_width(&self) -> f64 {
        let widest = self.labels.iter().map(|l| text_width(l, TICK_SIZE));
        widest.fold(0.0, f64::max) + 8.0
    }

    /// The axis's top value.
    pub(super) fn top(&self) -> f64 {
        self.ticks.last().copied().unwrap_or(1.0)
    }

    /// Draws grid lines and labels over `[left, right]` × `[top, bottom]`, and the unit above.
    pub(super) fn draw(
        &self,
        s: &mut Svg,
        (left, right): (f64, f64),
        (top, bottom): (f64, f64),
        unit: &str,
    ) {
        let font = Font::new(TICK_SIZE).fill(MUTED_INK).anchor("end");
        for (t, label) in self.ticks.iter().zip(&self.labels) {
            let y = bottom - (t / self.top()) * (bottom - top);
            s.line((left, y), (right, y), if *t == 0.0 { AXIS } else { GRID });
            s.text(left - 6.0, y + 4.0, font, label);
        }
        s.text(12.0, 46.0, Font::new(TICK_SIZE).fill(MUTED_INK), unit);
    }

    /// The y of `v` in a plot from `top` to `bottom`.
    pub(super) fn y(&self, v: f64, (top, bottom): (f64, f64)) -> f64 {
        bottom - (v.clamp(0.0, self.top()) / self.top()) * (bottom - top)
    }
}
