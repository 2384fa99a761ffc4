//! Vertical bars, one per category (tickets by hour of day).

use super::axes::{ValueAxis, PLOT_TOP, TICK_SIZE};
use super::svg::{text_width, Font, Svg, MUTED_INK};
use super::{no_data, ChartText, PALETTE, WIDTH};

const HEIGHT: f64 = 300.0;

/// A bar per `(category, value)` in the order given, the value on top of each bar when it
/// fits; values are counts or amounts (0 is a real value, drawn as no bar and "0").
pub fn bar_chart(text: &ChartText, bars: &[(String, f64)], whole: bool) -> String {
    if bars.is_empty() {
        return no_data(text, HEIGHT);
    }
    let max = bars.iter().map(|b| b.1).fold(0.0, f64::max);
    let axis = ValueAxis::new(max, None, whole, text);
    let (left, right) = (12.0 + axis.label_width(), WIDTH - 12.0);
    let (top, bottom) = (PLOT_TOP + 8.0, HEIGHT - 46.0);
    let mut s = Svg::open(&text.id, WIDTH, HEIGHT, &text.title, &text.summary);
    axis.draw(&mut s, (left, right), (top, bottom), &text.y_axis);
    let band = (right - left) / bars.len() as f64;
    let widest = bars
        .iter()
        .map(|b| text_width(&b.0, TICK_SIZE))
        .fold(0.0, f64::max);
    // Every k-th category label, so labels never overlap.
    let every = ((widest + 6.0) / band).ceil().max(1.0) as usize;
    let values_fit = bars
        .iter()
        .all(|b| text_width(&text.value(b.1), 11.0) <= band);
    let label = Font::new(TICK_SIZE).fill(MUTED_INK).anchor("middle");
    for (i, (category, value)) in bars.iter().enumerate() {
        let x = left + band * i as f64;
        let y = axis.y(*value, (top, bottom));
        let tip = format!("{category}: {}", text.value(*value));
        s.rect(x + band * 0.15, y, band * 0.7, bottom - y, PALETTE[0], &tip);
        let centre = x + band / 2.0;
        // An empty hour reads as such without a "0" over it.
        if values_fit && *value != 0.0 {
            let f = Font::new(11.0).anchor("middle");
            s.text(centre, y - 4.0, f, &text.value(*value));
        }
        if i % every == 0 {
            s.text(centre, bottom + 16.0, label, category);
        }
    }
    let f = Font::new(TICK_SIZE).fill(MUTED_INK).anchor("middle");
    s.text((left + right) / 2.0, HEIGHT - 10.0, f, &text.x_axis);
    s.finish()
}
