//! `[hours]`: service days, sessions that do not overlap, a cut-off shorter than each.

use std::ops::Range;

use chrono::{NaiveTime, Weekday};
use toml::Spanned;

use super::{Ctx, Res};
use crate::config::raw::RawHours;
use crate::domain::hours::{Hours, Session};

impl Ctx<'_> {
    /// `[hours]`, or the defaults.
    pub(super) fn hours(&self, raw: Option<RawHours>) -> Res<Hours> {
        let mut hours = Hours::default();
        let Some(raw) = raw else { return Ok(hours) };
        hours.always_open = raw.always_open.unwrap_or(false);
        if let Some(days) = raw.days {
            let mut out = Vec::new();
            for d in days.get_ref() {
                let day = parse_weekday(d.get_ref()).ok_or_else(|| {
                    self.error(
                        d.span(),
                        format!(
                            "hours.days: {:?} is not a day; use \"mon\" \"tue\" \"wed\" \"thu\" \"fri\" \"sat\" \"sun\"",
                            d.get_ref()
                        ),
                    )
                })?;
                if out.contains(&day) {
                    return Err(self.error(
                        d.span(),
                        format!("hours.days: {:?} is listed twice", d.get_ref()),
                    ));
                }
                out.push(day);
            }
            if out.is_empty() && !hours.always_open {
                return Err(self.error(
                    days.span(),
                    "hours.days is empty: the kiosk would never issue a ticket",
                ));
            }
            hours.days = out;
        }
        // Spans of each session's start, to point at the offending one after sorting.
        let mut session_spans: Vec<(Session, Range<usize>, Range<usize>)> = Vec::new();
        if let Some(sessions) = raw.sessions {
            for s in sessions.get_ref() {
                let start = self.time(&s.start, "start")?;
                let end = self.time(&s.end, "end")?;
                if start >= end {
                    return Err(self.error(
                        s.end.span(),
                        format!(
                            "hours.sessions: end {} is not after start {}",
                            s.end.get_ref(),
                            s.start.get_ref()
                        ),
                    ));
                }
                session_spans.push((Session { start, end }, s.start.span(), s.end.span()));
            }
            if session_spans.is_empty() && !hours.always_open {
                return Err(self.error(
                    sessions.span(),
                    "hours.sessions is empty: the kiosk would never issue a ticket",
                ));
            }
            session_spans.sort_by_key(|(s, _, _)| s.start);
            for pair in session_spans.windows(2) {
                let (prev, next) = (&pair[0], &pair[1]);
                if next.0.start < prev.0.end {
                    return Err(self.error(
                        next.1.clone(),
                        format!(
                            "hours.sessions: session {}–{} overlaps session {}–{}",
                            next.0.start.format("%H:%M"),
                            next.0.end.format("%H:%M"),
                            prev.0.start.format("%H:%M"),
                            prev.0.end.format("%H:%M"),
                        ),
                    ));
                }
            }
        } else {
            session_spans = hours.sessions.iter().map(|s| (*s, 0..0, 0..0)).collect();
        }
        if let Some(c) = &raw.cutoff_minutes {
            hours.cutoff_minutes = *c.get_ref();
        }
        for (s, start_span, _) in &session_spans {
            let minutes = (s.end - s.start).num_minutes();
            if i64::from(hours.cutoff_minutes) >= minutes {
                let span = match &raw.cutoff_minutes {
                    Some(c) => c.span(),
                    None => start_span.clone(),
                };
                return Err(self.error(
                    span,
                    format!(
                        "hours.cutoff_minutes ({}) must be shorter than every session, and session {}–{} lasts {} minutes",
                        hours.cutoff_minutes,
                        s.start.format("%H:%M"),
                        s.end.format("%H:%M"),
                        minutes
                    ),
                ));
            }
        }
        hours.sessions = session_spans.into_iter().map(|(s, _, _)| s).collect();
        Ok(hours)
    }

    fn time(&self, v: &Spanned<String>, which: &str) -> Res<NaiveTime> {
        parse_hhmm(v.get_ref()).ok_or_else(|| {
            self.error(
                v.span(),
                format!(
                    "hours.sessions: {which} {:?} is not a time; write \"HH:MM\", e.g. \"07:00\"",
                    v.get_ref()
                ),
            )
        })
    }
}

/// A day as `hours.days` names it.
fn parse_weekday(s: &str) -> Option<Weekday> {
    Some(match s {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

/// Strict "HH:MM", 00:00–23:59: a typo like "7:0" or "17.00" should be refused, not guessed.
fn parse_hhmm(s: &str) -> Option<NaiveTime> {
    let b = s.as_bytes();
    if b.len() != 5 || b[2] != b':' {
        return None;
    }
    let digits = [b[0], b[1], b[3], b[4]];
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let h = u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0');
    let m = u32::from(b[3] - b'0') * 10 + u32::from(b[4] - b'0');
    NaiveTime::from_hms_opt(h, m, 0).filter(|_| h < 24 && m < 60)
}

#[cfg(test)]
mod tests {
    use super::parse_hhmm;
    use crate::config::{assert_err, err, Config};
    use chrono::NaiveTime;
    #[test]
    fn bad_time_format() {
        assert_err(
            "[hours]\nsessions = [\n  { start = \"07:00\", end = \"11:30\" },\n  { start = \"1:30\", end = \"17:00\" },\n]\n",
            4,
            "\"1:30\"",
        );
        assert_err(
            "[hours]\nsessions = [{ start = \"07:00\", end = \"24:00\" }]\n",
            2,
            "24:00",
        );
        assert_err(
            "[hours]\nsessions = [{ start = \"07.00\", end = \"11:00\" }]\n",
            2,
            "07.00",
        );
    }

    #[test]
    fn session_end_before_start() {
        // Array-of-tables form, so start and end are on different lines.
        let e = err("[[hours.sessions]]\nstart = \"07:00\"\nend = \"11:30\"\n\n[[hours.sessions]]\nstart = \"17:00\"\nend = \"13:30\"\n");
        assert_eq!((e.line, e.column), (7, 7), "{e}");
        assert!(e.message.contains("not after"));
    }

    #[test]
    fn overlapping_sessions() {
        let e = err("[hours]\nsessions = [\n  { start = \"07:00\", end = \"11:30\" },\n  { start = \"11:00\", end = \"17:00\" },\n]\n");
        assert_eq!(e.line, 4, "{e}");
        assert!(e.message.contains("overlaps"), "{e}");
        // Touching sessions do not overlap.
        Config::parse("[hours]\nsessions = [{ start = \"07:00\", end = \"11:30\" }, { start = \"11:30\", end = \"12:00\" }]\n", "x").unwrap();
    }

    #[test]
    fn overlap_is_found_whatever_the_order() {
        let e = err("[hours]\nsessions = [\n  { start = \"13:30\", end = \"17:00\" },\n  { start = \"07:00\", end = \"14:00\" },\n]\n");
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn cutoff_longer_than_a_session() {
        let text = "[hours]\nsessions = [{ start = \"07:00\", end = \"11:30\" }, { start = \"16:00\", end = \"16:20\" }]\ncutoff_minutes = 20\n";
        let e = err(text);
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("16:00–16:20"), "{e}");
        // Default cut-off (15) against a short session points at the session.
        assert_err(
            "[hours]\nsessions = [\n  { start = \"07:00\", end = \"11:30\" },\n  { start = \"16:00\", end = \"16:10\" },\n]\n",
            4,
            "cutoff",
        );
    }

    #[test]
    fn bad_days() {
        assert_err("[hours]\ndays = [\"mon\",\n  \"Tue\"]\n", 3, "Tue");
        assert_err("[hours]\ndays = [\"mon\", \"mon\"]\n", 2, "twice");
        assert_err("[hours]\n\ndays = []\n", 3, "empty");
        let c = Config::parse("[hours]\ndays = []\nalways_open = true\n", "x").unwrap();
        assert!(c.hours.always_open);
    }

    #[test]
    fn hhmm_is_strict() {
        assert_eq!(parse_hhmm("07:05"), NaiveTime::from_hms_opt(7, 5, 0));
        assert_eq!(parse_hhmm("23:59"), NaiveTime::from_hms_opt(23, 59, 0));
        for bad in ["7:05", "07:5", "24:00", "12:60", "ab:cd", "07:05:00", ""] {
            assert_eq!(parse_hhmm(bad), None, "{bad}");
        }
    }
}
