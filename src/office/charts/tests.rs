//! The charts' contract: escaped text, accessible markup, no style or script, gaps, the
//! "no data" chart, a ranked chart that grows with its rows, and the same bytes each time.

use chrono::NaiveDate;

use super::*;

fn text(id: &str) -> ChartText {
    ChartText {
        id: id.into(),
        title: "Số phiếu theo giờ".into(),
        summary: "Nhiều nhất lúc 9h.".into(),
        x_axis: "Giờ trong ngày".into(),
        y_axis: "Số phiếu".into(),
        unit: String::new(),
        no_data: "Không có dữ liệu".into(),
        decimal_comma: true,
    }
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
}

/// What every chart must be: one accessible SVG element that the pages' CSP accepts.
fn check_markup(svg: &str) {
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    assert!(svg.ends_with("</svg>"));
    assert!(svg.contains(" role=\"img\""));
    assert_eq!(svg.matches("<title id=").count(), 1, "{svg}");
    assert_eq!(svg.matches("<desc id=").count(), 1, "{svg}");
    // No style, script, link or event handler in any tag (text content is escaped, so
    // every `<` starts a tag).
    for tag in svg.split('<').skip(1).map(|t| t.split('>').next().unwrap()) {
        let name = tag.split_whitespace().next().unwrap_or_default();
        assert!(
            !["style", "script", "a", "foreignObject", "image"].contains(&name),
            "<{tag}>"
        );
        for attr in tag
            .split_whitespace()
            .skip(1)
            .filter_map(|a| a.split_once('='))
        {
            let a = attr.0;
            assert!(
                !a.starts_with("on") && a != "style" && !a.ends_with("href"),
                "<{tag}>"
            );
        }
        assert!(!tag.contains("url("), "<{tag}>");
    }
    // Elements open and close in pairs (a well-formedness check that needs no parser).
    for el in ["svg", "text", "title", "desc"] {
        let opened = svg.matches(&format!("<{el}")).count();
        let closed = svg.matches(&format!("</{el}>")).count();
        assert_eq!(opened, closed, "<{el}> in {svg}");
    }
    assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
}

fn hours() -> Vec<(String, f64)> {
    (7..=17)
        .map(|h| (format!("{h}h"), f64::from((h * 7) % 23)))
        .collect()
}

#[test]
fn a_bar_chart_has_a_bar_and_a_label_per_category() {
    let svg = bar_chart(&text("chart-hours"), &hours(), true);
    check_markup(&svg);
    assert_eq!(svg.matches(&format!("fill=\"{}\"", PALETTE[0])).count(), 11);
    for h in 7..=17 {
        assert!(svg.contains(&format!(">{h}h</text>")), "{h}h in {svg}");
    }
    // A tooltip per bar, the value on top, the axis's unit and the title.
    assert!(svg.contains("<title>9h: 17</title>"), "{svg}");
    assert!(svg.contains(">17</text>"));
    assert!(svg.contains(">Số phiếu</text>") && svg.contains(">Số phiếu theo giờ</text>"));
    assert!(svg.contains("aria-labelledby=\"chart-hours-title chart-hours-desc\""));
    assert!(svg.contains("<desc id=\"chart-hours-desc\">Nhiều nhất lúc 9h.</desc>"));
}

#[test]
fn every_string_put_in_the_svg_is_escaped() {
    let mut t = text("x");
    t.title = "<script>alert(1)</script> & \"q\" 'a'".into();
    t.summary = "</desc><script>".into();
    t.y_axis = "<b>".into();
    t.unit = " \"%".into();
    let bars = vec![("<img src=x onerror=alert(1)>".to_string(), 3.0)];
    let svg = bar_chart(&t, &bars, true);
    check_markup(&svg);
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39;"));
    assert!(svg.contains("&lt;/desc&gt;&lt;script&gt;"));
    assert!(svg.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(svg.contains("3 &quot;%"));
    let series = [Series {
        name: "<i>".into(),
        values: vec![Some(1.0), Some(2.0)],
    }];
    let lines = line_chart(&t, day(1), &series, None);
    check_markup(&lines);
    assert!(lines.contains("&lt;i&gt;") && !lines.contains("<i>"));
    let rows = [Ranked {
        label: "Xã <A&B>".into(),
        value: Some(1.0),
        highlight: true,
    }];
    let ranked = ranked_bars(&t, &rows, Order::Descending, None);
    check_markup(&ranked);
    assert!(ranked.contains("1. Xã &lt;A&amp;B&gt;"), "{ranked}");
}

#[test]
fn empty_data_says_the_no_data_text() {
    let t = text("empty");
    let empty = [
        bar_chart(&t, &[], true),
        line_chart(&t, day(1), &[], None),
        line_chart(
            &t,
            day(1),
            &[Series {
                name: "a".into(),
                values: vec![None, None, None],
            }],
            Some(100.0),
        ),
        ranked_bars(&t, &[], Order::Ascending, None),
    ];
    for svg in empty {
        check_markup(&svg);
        assert!(svg.contains(">Không có dữ liệu</text>"), "{svg}");
        assert!(svg.contains("<desc id=\"empty-desc\">Không có dữ liệu</desc>"));
        assert!(!svg.contains("<path") && !svg.contains("<circle"), "{svg}");
    }
}

#[test]
fn a_day_without_data_breaks_the_line_rather_than_dropping_to_zero() {
    let t = ChartText {
        unit: " phút".into(),
        ..text("wait")
    };
    let series = [Series {
        name: String::new(),
        values: vec![
            Some(10.0),
            Some(12.0),
            None,
            Some(8.0),
            None,
            Some(6.0),
            Some(7.0),
        ],
    }];
    let svg = line_chart(&t, day(1), &series, None);
    check_markup(&svg);
    let d = svg
        .split("<path d=\"")
        .nth(1)
        .and_then(|p| p.split('"').next())
        .unwrap();
    // Three runs: days 1–2, day 4 alone, days 6–7; no point at the baseline.
    assert_eq!(d.matches('M').count(), 3, "{d}");
    assert_eq!(d.matches('L').count(), 2, "{d}");
    assert_eq!(
        svg.matches("<circle").count(),
        5,
        "a marker per value: {svg}"
    );
    assert!(svg.contains("<title>04/12: 8 phút</title>"), "{svg}");
    assert!(!svg.contains("03/12: "), "no value on a gap: {svg}");
    // Every date of the week is labelled.
    for d in 1..=7 {
        assert!(svg.contains(&format!(">{d:02}/12</text>")), "{svg}");
    }
}

#[test]
fn two_series_differ_by_colour_dash_and_marker_and_have_a_legend() {
    let t = ChartText {
        unit: " %".into(),
        ..text("sat")
    };
    let series = [
        Series {
            name: "Hài lòng trở lên".into(),
            values: vec![Some(90.0), Some(95.5), Some(100.0)],
        },
        Series {
            name: "Rất hài lòng".into(),
            values: vec![Some(40.0), None, Some(62.25)],
        },
    ];
    let svg = line_chart(&t, day(30), &series, Some(100.0));
    check_markup(&svg);
    assert!(svg.contains(">Hài lòng trở lên</text>") && svg.contains(">Rất hài lòng</text>"));
    assert!(svg.contains(&format!("stroke=\"{}\"", PALETTE[1])));
    assert!(svg.contains("stroke-dasharray=\"7 4\""));
    // Dates run on across the month's end; values have one decimal, with a comma.
    assert!(svg.contains(">01/01</text>"), "{svg}");
    assert!(svg.contains("Rất hài lòng, 01/01: 62,3 %"), "{svg}");
    assert!(svg.contains("Hài lòng trở lên, 31/12: 95,5 %"), "{svg}");
    assert!(
        svg.contains(">100</text>"),
        "the share axis ends at 100: {svg}"
    );
    assert!(!svg.contains(">120</text>"));
}

#[test]
fn a_long_range_keeps_date_labels_apart() {
    let values: Vec<Option<f64>> = (0..366)
        .map(|i| (i % 7 != 6).then_some(f64::from(i % 30)))
        .collect();
    let svg = line_chart(
        &text("year"),
        day(1),
        &[Series {
            name: String::new(),
            values,
        }],
        None,
    );
    check_markup(&svg);
    let labels = svg.matches("/12</text>").count() + svg.matches("/01</text>").count();
    let all = svg.matches("</text>").count();
    assert!(all < 30, "{all} texts");
    assert!(labels >= 1);
    // Past two months only lone points get a marker.
    assert_eq!(svg.matches("<circle").count(), 0);
}

fn communes(n: usize) -> Vec<Ranked> {
    (1..=n)
        .map(|i| Ranked {
            label: format!("UBND xã Số {i:03}"),
            value: Some(((i * 37) % 100) as f64 / 2.0),
            highlight: i == 31,
        })
        .collect()
}

#[test]
fn a_ranked_chart_sorts_highlights_one_bar_and_grows_with_its_rows() {
    let t = ChartText {
        unit: " %".into(),
        ..text("rank")
    };
    let svg = ranked_bars(&t, &communes(100), Order::Descending, Some(100.0));
    check_markup(&svg);
    let height = |svg: &str| -> f64 {
        let h = svg
            .split(" height=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        h.parse().unwrap()
    };
    let small = ranked_bars(&t, &communes(10), Order::Descending, Some(100.0));
    assert!(height(&svg) >= 100.0 * 20.0, "{}", height(&svg));
    assert!(height(&svg) > height(&small) + 80.0 * 20.0);
    // One bar in colour, bold and marked; the rest muted.
    assert_eq!(
        svg.matches(&format!("fill=\"{}\"", PALETTE[0])).count(),
        2,
        "bar and marker"
    );
    assert_eq!(svg.matches(&format!("fill=\"{MUTED}\"")).count(), 99);
    assert_eq!(svg.matches(">▶</text>").count(), 1);
    // Commune 31 has 37·31 mod 100 = 47 → 23,5 %: bold label, value label, tooltip.
    assert!(
        svg.contains("font-weight=\"bold\" text-anchor=\"end\">"),
        "{svg}"
    );
    assert!(svg.contains("<title>UBND xã Số 031: 23,5 %</title>"));
    assert!(svg.contains("bold\">23,5 %</text>"), "{svg}");
    // Largest first: 49,5 % (i = 27, 37·27 = 999) is number 1; rows are numbered.
    let first = svg.find(">1. UBND xã Số ").unwrap();
    assert!(
        svg[first..].starts_with(">1. UBND xã Số 027<"),
        "{}",
        &svg[first..first + 40]
    );
    assert!(svg.contains(">100. UBND xã"));
}

#[test]
fn ranking_ascending_puts_the_smallest_first_and_rows_without_value_last() {
    let rows = vec![
        Ranked {
            label: "B".into(),
            value: Some(12.0),
            highlight: false,
        },
        Ranked {
            label: "C".into(),
            value: None,
            highlight: true,
        },
        Ranked {
            label: "A".into(),
            value: Some(3.0),
            highlight: false,
        },
        Ranked {
            label: "D".into(),
            value: Some(3.0),
            highlight: false,
        },
    ];
    let svg = ranked_bars(&text("r"), &rows, Order::Ascending, None);
    check_markup(&svg);
    let pos = |s: &str| svg.find(s).unwrap_or_else(|| panic!("{s} in {svg}"));
    assert!(pos(">1. A<") < pos(">2. D<") && pos(">2. D<") < pos(">3. B<"));
    assert!(pos(">3. B<") < pos(">– C<"));
    assert!(svg.contains("<title>C: Không có dữ liệu</title>"));
    assert!(svg.contains(">–</text>") && !svg.contains(">Không có dữ liệu</text>"));
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let t = text("same");
    assert_eq!(bar_chart(&t, &hours(), true), bar_chart(&t, &hours(), true));
    let s = [Series {
        name: "a".into(),
        values: vec![Some(1.25), None, Some(3.0)],
    }];
    assert_eq!(
        line_chart(&t, day(1), &s, None),
        line_chart(&t, day(1), &s, None)
    );
    let r = communes(40);
    let mut shuffled = r.clone();
    shuffled.reverse();
    assert_eq!(
        ranked_bars(&t, &r, Order::Descending, None),
        ranked_bars(&t, &shuffled, Order::Descending, None),
        "the ranking, not the input order, decides"
    );
}

#[test]
fn numbers_in_the_markup_have_at_most_one_decimal() {
    let s = [Series {
        name: "a".into(),
        values: (0..9).map(|i| Some(f64::from(i) / 3.0)).collect(),
    }];
    let svgs = [
        line_chart(&text("n"), day(1), &s, None),
        bar_chart(
            &text("n"),
            &[("a".into(), 1.0 / 3.0), ("b".into(), 2.0 / 7.0)],
            false,
        ),
        ranked_bars(&text("n"), &communes(7), Order::Descending, None),
    ];
    for svg in svgs {
        let bad = svg
            .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
            .find(|n| n.split(['.', ',']).nth(1).is_some_and(|d| d.len() > 1));
        assert_eq!(bad, None, "{svg}");
    }
}

#[test]
fn the_most_recent_day_is_always_labelled() {
    let values = (0..30).map(|i| Some(f64::from(i))).collect();
    let svg = line_chart(
        &text("month"),
        day(1),
        &[Series {
            name: String::new(),
            values,
        }],
        None,
    );
    assert!(svg.contains(">30/12</text>"), "{svg}");
    let labels = svg.matches("/12</text>").count();
    assert!((5..=15).contains(&labels), "{labels} labels: {svg}");
}

#[test]
fn an_empty_hour_has_no_bar_and_no_zero_over_it() {
    let bars = [("7h".to_string(), 0.0), ("8h".to_string(), 3.0)];
    let svg = bar_chart(&text("zero"), &bars, true);
    check_markup(&svg);
    assert_eq!(
        svg.matches(">0</text>").count(),
        1,
        "only the axis's 0: {svg}"
    );
    assert!(
        svg.contains("height=\"0\" fill=\"#0072b2\"><title>7h: 0</title>"),
        "{svg}"
    );
}
