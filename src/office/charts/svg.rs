//! The SVG text every chart is made of: escaping, numbers, and the frame (root element,
//! `<title>`, `<desc>`, the visible title) with presentation attributes only, since the
//! pages' CSP refuses `<style>` and `style=`.

use std::fmt::Write;

/// The stack the pages use: system fonts that render Vietnamese.
pub(super) const FONT: &str = "Noto Sans, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif";
/// Text on white (the pages' `--text`).
pub(super) const INK: &str = "#14181f";
/// Secondary text (the pages' `--text-muted`).
pub(super) const MUTED_INK: &str = "#4a5563";
/// Axis lines.
pub(super) const AXIS: &str = "#6b7685";
/// Grid lines, light enough to stay behind the data.
pub(super) const GRID: &str = "#dde2e8";

/// Escapes text for an element or a double- or single-quoted attribute.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // XML 1.0 has no place for other control characters: a hostile label loses them.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A coordinate: at most one decimal, no trailing `.0`, never `-0`.
pub(super) fn coord(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 || !r.is_finite() {
        return "0".into();
    }
    let s = format!("{r:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// A value for people: at most one decimal (none when whole), with a decimal comma in
/// Vietnamese.
pub fn format_value(v: f64, decimal_comma: bool) -> String {
    let s = coord(v);
    if decimal_comma {
        s.replace('.', ",")
    } else {
        s
    }
}

/// The width text of `size` px will take, estimated (no font metrics here): wide enough
/// for Vietnamese capitals, so a layout built on it does not clip.
pub(super) fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * 0.58
}

/// `s` cut to `max` characters with an ellipsis.
pub(super) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Keeps an element id to `[a-z0-9-]`, so two charts on a page never share ids by accident
/// and the id needs no escaping.
fn clean_id(id: &str) -> String {
    let id: String = id
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
        .collect();
    if id.is_empty() {
        "chart".into()
    } else {
        id
    }
}

/// A text element's look.
#[derive(Clone, Copy)]
pub(super) struct Font {
    /// Size in px.
    pub size: f64,
    /// Bold.
    pub bold: bool,
    /// Fill colour.
    pub fill: &'static str,
    /// `start`, `middle` or `end`.
    pub anchor: &'static str,
}

impl Font {
    /// Regular text of `size` in ink, anchored at the start.
    pub(super) fn new(size: f64) -> Font {
        Font {
            size,
            bold: false,
            fill: INK,
            anchor: "start",
        }
    }

    /// The same, bold.
    pub(super) fn bold(self) -> Font {
        Font { bold: true, ..self }
    }

    /// The same, in `fill`.
    pub(super) fn fill(self, fill: &'static str) -> Font {
        Font { fill, ..self }
    }

    /// The same, anchored at `anchor`.
    pub(super) fn anchor(self, anchor: &'static str) -> Font {
        Font { anchor, ..self }
    }
}

/// An SVG document being written.
pub(super) struct Svg {
    out: String,
}

impl Svg {
    /// The root element with its accessible name (`title`) and summary (`desc`), and the
    /// title shown at the top left.
    pub(super) fn open(id: &str, width: f64, height: f64, title: &str, desc: &str) -> Svg {
        let id = clean_id(id);
        let (w, h) = (coord(width), coord(height));
        let mut out = String::with_capacity(4096);
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" role=\"img\" \
             aria-labelledby=\"{id}-title {id}-desc\" width=\"{w}\" height=\"{h}\" \
             viewBox=\"0 0 {w} {h}\" font-family=\"{FONT}\">\
             <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>\
             <rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>",
            escape(title),
            escape(desc),
        );
        let mut svg = Svg { out };
        svg.text(12.0, 24.0, Font::new(16.0).bold(), title);
        svg
    }

    /// A line of text at (x, y), the baseline.
    pub(super) fn text(&mut self, x: f64, y: f64, f: Font, s: &str) {
        if s.is_empty() {
            return;
        }
        let weight = if f.bold { " font-weight=\"bold\"" } else { "" };
        let anchor = if f.anchor == "start" {
            String::new()
        } else {
            format!(" text-anchor=\"{}\"", f.anchor)
        };
        let _ = write!(
            self.out,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{}\"{weight}{anchor}>{}</text>",
            coord(x),
            coord(y),
            coord(f.size),
            f.fill,
            escape(s)
        );
    }

    /// A filled rectangle, with a tooltip when `tip` is not empty.
    pub(super) fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, tip: &str) {
        let _ = write!(
            self.out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"",
            coord(x),
            coord(y),
            coord(w.max(0.0)),
            coord(h.max(0.0))
        );
        self.close_with_tip(tip, "rect");
    }

    /// A straight line.
    pub(super) fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str) {
        let _ = write!(
            self.out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{stroke}\" stroke-width=\"1\"/>",
            coord(x1),
            coord(y1),
            coord(x2),
            coord(y2)
        );
    }

    /// Raw markup the chart built itself (numbers and fixed attributes only).
    pub(super) fn raw(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    /// Ends an element opened without `>`: with a `<title>` child as tooltip, or empty.
    pub(super) fn close_with_tip(&mut self, tip: &str, name: &str) {
        if tip.is_empty() {
            self.out.push_str("/>");
        } else {
            let _ = write!(self.out, "><title>{}</title></{name}>", escape(tip));
        }
    }

    /// The finished document.
    pub(super) fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_quotes_and_control_characters() {
        assert_eq!(
            escape("<b>&\"x\"'y'\u{1}"),
            "&lt;b&gt;&amp;&quot;x&quot;&#39;y&#39;"
        );
        assert_eq!(escape("Hộ tịch"), "Hộ tịch");
    }

    #[test]
    fn numbers_have_at_most_one_decimal() {
        assert_eq!(coord(12.345), "12.3");
        assert_eq!(coord(12.0), "12");
        assert_eq!(coord(-0.04), "0");
        assert_eq!(coord(f64::NAN), "0");
        assert_eq!(format_value(2.25, true), "2,3");
        assert_eq!(format_value(97.5, false), "97.5");
        assert_eq!(format_value(100.0, true), "100");
    }

    #[test]
    fn ids_keep_to_a_safe_alphabet() {
        assert_eq!(clean_id("chart-hours"), "chart-hours");
        assert_eq!(clean_id("\"><script>"), "script");
        assert_eq!(clean_id("É"), "chart");
    }

    #[test]
    fn long_labels_are_cut_with_an_ellipsis() {
        assert_eq!(truncate("UBND xã Tân Tiến", 40), "UBND xã Tân Tiến");
        assert_eq!(truncate("UBND xã Tân Tiến", 8), "UBND xã…");
    }
}
