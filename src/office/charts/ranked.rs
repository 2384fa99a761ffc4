//! Horizontal bars ranked by value, one per row (a commune among the province's), one of
//! them highlighted: the rest muted, the highlighted one also bold and marked, so it
//! stands out without colour. The chart grows in height with the rows.

use std::cmp::Ordering;

use super::axes::TICK_SIZE;
use super::svg::{text_width, truncate, Font, Svg, AXIS, GRID, MUTED_INK};
use super::ticks::nice_ticks;
use super::{format_value, no_data, ChartText, MUTED, PALETTE, WIDTH};

/// Height of one row.
const ROW: f64 = 22.0;
/// Where the first row starts: title, unit, and the value axis's labels.
const TOP: f64 = 74.0;
/// Labels longer than this are cut (the tooltip has them whole).
const LABEL_CHARS: usize = 30;
/// The value label of a row without a value (its tooltip says the "no data" text).
const NO_VALUE: &str = "–";
/// The highlighted row's background.
const HIGHLIGHT_BAND: &str = "#e3eef8";

/// One row: a label and its value (`None`: nothing to measure, ranked last).
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    /// The row's name, e.g. the commune.
    pub label: String,
    /// Its value.
    pub value: Option<f64>,
    /// Drawn in colour, bold and marked; the others are muted.
    pub highlight: bool,
}

/// Which end of the ranking is first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Largest first (tickets, on-time share).
    Descending,
    /// Smallest first (waits).
    Ascending,
}

/// Rows sorted by value (ties by label), without a value last.
fn ranked(rows: &[Ranked], order: Order) -> Vec<&Ranked> {
    let mut rows: Vec<&Ranked> = rows.iter().collect();
    rows.sort_by(|a, b| {
        let by_value = match (a.value, b.value) {
            (Some(x), Some(y)) => match order {
                Order::Descending => y.total_cmp(&x),
                Order::Ascending => x.total_cmp(&y),
            },
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        by_value.then_with(|| a.label.cmp(&b.label))
    });
    rows
}

/// A bar per row, ranked by `order`, numbered, with its value at the end of the bar; from 0
/// to `fixed_max` when given (100 for shares).
pub fn ranked_bars(
    text: &ChartText,
    rows: &[Ranked],
    order: Order,
    fixed_max: Option<f64>,
) -> String {
    if rows.is_empty() {
        return no_data(text, 140.0);
    }
    let any_highlight = rows.iter().any(|r| r.highlight);
    let rows = ranked(rows, order);
    let labels: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| match r.value {
            Some(_) => format!("{}. {}", i + 1, truncate(&r.label, LABEL_CHARS)),
            None => format!("– {}", truncate(&r.label, LABEL_CHARS)),
        })
        .collect();
    let label_width = labels
        .iter()
        .map(|l| text_width(l, TICK_SIZE))
        .fold(0.0, f64::max)
        .min(WIDTH * 0.45);
    let max = rows.iter().filter_map(|r| r.value).fold(0.0, f64::max);
    let ticks = nice_ticks(fixed_max.unwrap_or(max), 5, false);
    let top_tick = ticks.last().copied().unwrap_or(1.0);
    let widest_value = rows
        .iter()
        .map(|r| {
            text_width(
                &r.value.map_or(NO_VALUE.to_string(), |v| text.value(v)),
                11.0,
            )
        })
        .fold(0.0, f64::max);
    let (left, right) = (12.0 + label_width + 16.0, WIDTH - 12.0 - widest_value - 6.0);
    let height = TOP + ROW * rows.len() as f64 + 34.0;
    let bottom = TOP + ROW * rows.len() as f64;
    let mut s = Svg::open(&text.id, WIDTH, height, &text.title, &text.summary);
    s.text(
        12.0,
        46.0,
        Font::new(TICK_SIZE).fill(MUTED_INK),
        &text.y_axis,
    );
    let x = |v: f64| left + (v.clamp(0.0, top_tick) / top_tick) * (right - left);
    // The value axis on top, where a long list is read from.
    let tick_font = Font::new(TICK_SIZE).fill(MUTED_INK).anchor("middle");
    for t in &ticks {
        s.line(
            (x(*t), TOP - 4.0),
            (x(*t), bottom),
            if *t == 0.0 { AXIS } else { GRID },
        );
        s.text(
            x(*t),
            TOP - 8.0,
            tick_font,
            &format_value(*t, text.decimal_comma),
        );
    }
    for (i, (row, label)) in rows.iter().zip(&labels).enumerate() {
        let y = TOP + ROW * i as f64;
        let value = row.value.map_or(NO_VALUE.to_string(), |v| text.value(v));
        let tip = match row.value {
            Some(_) => format!("{}: {value}", row.label),
            None => format!("{}: {}", row.label, text.no_data),
        };
        if row.highlight {
            s.rect(4.0, y, WIDTH - 8.0, ROW, HIGHLIGHT_BAND, "");
            s.text(
                6.0,
                y + 15.5,
                Font::new(TICK_SIZE).bold().fill(PALETTE[0]),
                "▶",
            );
        }
        let font = Font::new(TICK_SIZE).anchor("end");
        let font = if row.highlight { font.bold() } else { font };
        s.text(left - 8.0, y + 15.5, font, label);
        // Bars give way only to a highlighted one; with none, they all keep their colour.
        let fill = if row.highlight || !any_highlight {
            PALETTE[0]
        } else {
            MUTED
        };
        let end = row.value.map_or(left, x);
        s.rect(left, y + 4.0, end - left, ROW - 8.0, fill, &tip);
        let font = Font::new(11.0).fill(if row.value.is_some() {
            super::svg::INK
        } else {
            MUTED_INK
        });
        let font = if row.highlight { font.bold() } else { font };
        s.text(end + 5.0, y + 15.0, font, &value);
    }
    let f = Font::new(TICK_SIZE).fill(MUTED_INK).anchor("middle");
    s.text((left + right) / 2.0, height - 10.0, f, &text.x_axis);
    s.finish()
}
