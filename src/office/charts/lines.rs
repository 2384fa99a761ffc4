//! Lines over consecutive dates (or months), one or more series, with gaps where a day has
//! no value.

use chrono::NaiveDate;

use super::axes::{ValueAxis, PLOT_TOP, TICK_SIZE};
use super::svg::{coord, text_width, Font, Svg, AXIS, MUTED_INK};
use super::{no_data, ChartText, PALETTE, WIDTH};

const HEIGHT: f64 = 300.0;
/// Dash patterns by series: the series differ without colour too.
const DASHES: [&str; 4] = ["", "7 4", "2 3", "9 3 2 3"];
/// Past this many days a point is marked only when it stands alone.
const MARK_ALL_UP_TO: usize = 62;

/// One line: a value per day, `None` where the day has nothing to measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Its name in the legend.
    pub name: String,
    /// One value per day of the chart, in order.
    pub values: Vec<Option<f64>>,
}

/// A marker of series `i` at (x, y), left open for a tooltip: circle, square, triangle,
/// diamond; with its element name.
fn marker(i: usize, x: f64, y: f64, colour: &str) -> (String, &'static str) {
    let c = coord;
    match i % 4 {
        0 => (
            format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"{colour}\"",
                c(x),
                c(y)
            ),
            "circle",
        ),
        1 => (
            format!(
                "<rect x=\"{}\" y=\"{}\" width=\"7\" height=\"7\" fill=\"{colour}\"",
                c(x - 3.5),
                c(y - 3.5)
            ),
            "rect",
        ),
        2 => (
            format!(
                "<path d=\"M{} {}L{} {}L{} {}Z\" fill=\"{colour}\"",
                c(x),
                c(y - 4.5),
                c(x + 4.5),
                c(y + 3.5),
                c(x - 4.5),
                c(y + 3.5)
            ),
            "path",
        ),
        _ => (
            format!(
                "<path d=\"M{} {}L{} {}L{} {}L{} {}Z\" fill=\"{colour}\"",
                c(x),
                c(y - 4.5),
                c(x + 4.5),
                c(y),
                c(x),
                c(y + 4.5),
                c(x - 4.5),
                c(y)
            ),
            "path",
        ),
    }
}

/// A line per series over the days from `first` on (one value per day each), from 0 to
/// `fixed_max` when given (100 for shares) or to a tick above the largest value. A day
/// without a value breaks the line: no data is never drawn as 0.
pub fn line_chart(
    text: &ChartText,
    first: NaiveDate,
    series: &[Series],
    fixed_max: Option<f64>,
) -> String {
    let days = series.iter().map(|s| s.values.len()).max().unwrap_or(0);
    let labels: Vec<String> = (0..days)
        .map(|i| {
            (first + chrono::Days::new(i as u64))
                .format("%d/%m")
                .to_string()
        })
        .collect();
    labelled_line_chart(text, &labels, series, fixed_max)
}

/// A line per series over consecutive periods named by `labels` ("11/2026"), otherwise
/// as [`line_chart`].
pub fn labelled_line_chart(
    text: &ChartText,
    labels: &[String],
    series: &[Series],
    fixed_max: Option<f64>,
) -> String {
    let days = series.iter().map(|s| s.values.len()).max().unwrap_or(0);
    let values = || series.iter().flat_map(|s| s.values.iter().flatten());
    if days == 0 || values().next().is_none() {
        return no_data(text, HEIGHT);
    }
    let max = values().copied().fold(0.0, f64::max);
    let axis = ValueAxis::new(max, fixed_max, false, text);
    // Room on the right for half the last date label.
    let (left, right) = (12.0 + axis.label_width(), WIDTH - 26.0);
    let (top, bottom) = (PLOT_TOP + 8.0, HEIGHT - 46.0);
    let mut s = Svg::open(&text.id, WIDTH, HEIGHT, &text.title, &text.summary);
    axis.draw(&mut s, (left, right), (top, bottom), &text.y_axis);
    let x = |i: usize| {
        if days == 1 {
            (left + right) / 2.0
        } else {
            left + (right - left) * i as f64 / (days - 1) as f64
        }
    };
    let date = |i: usize| labels.get(i).map_or("", String::as_str);
    // Labels: as many as fit, evenly spaced.
    let widest = labels
        .iter()
        .map(|l| text_width(l, TICK_SIZE))
        .fold(0.0, f64::max);
    let room = widest.max(text_width("00/00", TICK_SIZE)) + 14.0;
    let fit = (((right - left) / room).floor() as usize).max(1);
    let every = days.div_ceil(fit).max(1);
    let label = Font::new(TICK_SIZE).fill(MUTED_INK).anchor("middle");
    // Counted back from the last day, the most recent, which is always labelled.
    for i in (0..days).rev().step_by(every) {
        s.line((x(i), bottom), (x(i), bottom + 4.0), AXIS);
        s.text(x(i), bottom + 17.0, label, date(i));
    }
    legend(&mut s, series, right);
    for (k, line) in series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let point = |i: usize| line.values.get(i).copied().flatten();
        let mut d = String::new();
        for i in 0..line.values.len() {
            let Some(v) = point(i) else { continue };
            let pen = if i > 0 && point(i - 1).is_some() {
                'L'
            } else {
                'M'
            };
            d.push_str(&format!(
                "{pen}{} {}",
                coord(x(i)),
                coord(axis.y(v, (top, bottom)))
            ));
        }
        let dash = match DASHES[k % DASHES.len()] {
            "" => String::new(),
            p => format!(" stroke-dasharray=\"{p}\""),
        };
        s.raw(&format!(
            "<path d=\"{d}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\" \
             stroke-linejoin=\"round\" stroke-linecap=\"round\"{dash}/>"
        ));
        for i in 0..line.values.len() {
            let Some(v) = point(i) else { continue };
            let alone = (i == 0 || point(i - 1).is_none()) && point(i + 1).is_none();
            if days <= MARK_ALL_UP_TO || alone {
                let (markup, name) = marker(k, x(i), axis.y(v, (top, bottom)), colour);
                s.raw(&markup);
                let tip = match line.name.as_str() {
                    "" => format!("{}: {}", date(i), text.value(v)),
                    n => format!("{n}, {}: {}", date(i), text.value(v)),
                };
                s.close_with_tip(&tip, name);
            }
        }
    }
    let f = Font::new(TICK_SIZE).fill(MUTED_INK).anchor("middle");
    s.text((left + right) / 2.0, HEIGHT - 10.0, f, &text.x_axis);
    s.finish()
}

/// The series' names, with their line and marker, right-aligned on the unit's line.
fn legend(s: &mut Svg, series: &[Series], right: f64) {
    if series.len() < 2 && series.iter().all(|l| l.name.is_empty()) {
        return;
    }
    let mut x = right;
    for (k, line) in series.iter().enumerate().rev() {
        let colour = PALETTE[k % PALETTE.len()];
        x -= text_width(&line.name, TICK_SIZE);
        s.text(x, 46.0, Font::new(TICK_SIZE), &line.name);
        x -= 30.0;
        let dash = match DASHES[k % DASHES.len()] {
            "" => String::new(),
            p => format!(" stroke-dasharray=\"{p}\""),
        };
        s.raw(&format!(
            "<line x1=\"{}\" y1=\"42\" x2=\"{}\" y2=\"42\" stroke=\"{colour}\" stroke-width=\"2.5\"{dash}/>",
            coord(x),
            coord(x + 24.0)
        ));
        s.raw(&marker(k, x + 12.0, 42.0, colour).0);
        s.raw("/>");
        x -= 16.0;
    }
}
