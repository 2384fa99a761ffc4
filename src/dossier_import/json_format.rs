//! The JSON format: one array of objects, every value a string or `null`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;

use super::limits::{MAX_SITE, MAX_TICKET_ID, UNKNOWN_SHOWN};
use super::lines::LineCounter;
use super::row::build;
use super::{echo, push_row, DossierRecord, FileError, Parsed, RawRow, COLUMNS};
use crate::domain::dossier_code::DossierCode;

pub(super) fn parse_json(text: &str) -> Result<Parsed, FileError> {
    let first = text
        .trim_start_matches([' ', '\t', '\n', '\r'])
        .chars()
        .next();
    if first.is_some_and(|c| c != '[') {
        // Tell "valid JSON but not an array" from "not JSON": the fixes differ.
        return Err(match serde_json::from_str::<IgnoredAny>(text) {
            Ok(_) => FileError::JsonNotArray {
                found: json_kind(text.trim_start()),
            },
            Err(e) => syntax_error(&e),
        });
    }
    let elements: Vec<&RawValue> = serde_json::from_str(text).map_err(|e| syntax_error(&e))?;

    let mut parsed = Parsed::default();
    let mut seen = HashMap::new();
    let mut lines = LineCounter::new(text);
    for element in elements {
        // Borrowed raw values are slices of `text`, starting at the value's first character.
        let start = (element.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
        let line = lines.line_at(start);
        let result = json_row(element.get(), line, &mut seen).map(|(record, extra)| {
            if let Some(site) = extra.site {
                parsed.sites.push((parsed.records.len(), site));
            }
            if let Some(ticket) = extra.ticket_id {
                parsed.tickets.push((parsed.records.len(), ticket));
            }
            record
        });
        push_row(&mut parsed, line, result);
    }
    Ok(parsed)
}

fn syntax_error(e: &serde_json::Error) -> FileError {
    let full = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    FileError::JsonSyntax {
        line: e.line(),
        column: e.column(),
        message: full.strip_suffix(&position).unwrap_or(&full).to_string(),
    }
}

/// What a JSON value is, from its first character (the value is known to be valid).
fn json_kind(value: &str) -> &'static str {
    match value.chars().next() {
        Some('{') => "an object",
        Some('[') => "an array",
        Some('"') => "a string",
        Some('t' | 'f') => "a boolean",
        Some('n') => "null",
        _ => "a number",
    }
}

/// An object's entries in order, duplicates kept (a map type would silently keep the last).
struct Entries(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor)
    }
}

/// What a JSON row may carry besides the dossier's fields.
#[derive(Default)]
struct Extra {
    /// Which site the row is for.
    site: Option<String>,
    /// The ticket (visit) the integration links the dossier to.
    ticket_id: Option<String>,
}

/// A string key that is not a dossier field, at most `max` characters, or null.
fn extra_text(
    key: &str,
    what: &str,
    value: Value,
    max: usize,
    slot: &mut Option<Option<String>>,
    errors: &mut Vec<String>,
) {
    if slot.is_some() {
        errors.push(format!("{key}: given twice"));
    }
    *slot = Some(match value {
        Value::String(s) if s.chars().count() <= max => Some(s),
        Value::String(_) => {
            errors.push(format!("{key}: longer than {max} characters (the limit)"));
            None
        }
        Value::Null => None,
        _ => {
            errors.push(format!("{key}: must be {what} as a string, or null"));
            None
        }
    });
}

fn json_row(
    element: &str,
    line: usize,
    seen: &mut HashMap<DossierCode, usize>,
) -> Result<(DossierRecord, Extra), Vec<String>> {
    if !element.starts_with('{') {
        return Err(vec![format!(
            "expected a JSON object, found {}",
            json_kind(element)
        )]);
    }
    let Entries(entries) =
        serde_json::from_str(element).map_err(|e| vec![format!("unreadable object: {}", e)])?;
    let mut raw: RawRow<'_> = Default::default();
    let mut given = [false; 12];
    let mut errors = Vec::new();
    let mut unknown = 0usize;
    let mut site: Option<Option<String>> = None;
    let mut ticket: Option<Option<String>> = None;
    for (key, value) in entries {
        // Not a dossier's fields: which site the row is for (the integration API routes by
        // it), and the visit to link it to.
        if key == "site" {
            extra_text(
                &key,
                "a site's code",
                value,
                MAX_SITE,
                &mut site,
                &mut errors,
            );
            continue;
        }
        if key == "ticket_id" {
            extra_text(
                &key,
                "a ticket id",
                value,
                MAX_TICKET_ID,
                &mut ticket,
                &mut errors,
            );
            continue;
        }
        let Some(col) = COLUMNS.iter().position(|c| *c == key) else {
            // The first few are named; an object of a million keys still gives a short row.
            unknown += 1;
            if unknown <= UNKNOWN_SHOWN {
                errors.push(format!("unknown key {}", echo(&key)));
            }
            continue;
        };
        if std::mem::replace(&mut given[col], true) {
            errors.push(format!("{key}: given twice"));
            continue;
        }
        match value {
            Value::Null => {}
            Value::String(s) => raw[col] = Some(Cow::Owned(s)),
            Value::Number(_) => errors.push(format!(
                "{key}: must be a string or null, not a number (put the value in quotes)"
            )),
            Value::Bool(_) => {
                errors.push(format!("{key}: must be a string or null, not a boolean"))
            }
            Value::Array(_) => {
                errors.push(format!("{key}: must be a string or null, not an array"))
            }
            Value::Object(_) => {
                errors.push(format!("{key}: must be a string or null, not an object"))
            }
        }
    }
    if unknown > UNKNOWN_SHOWN {
        errors.push(format!("{} more unknown keys", unknown - UNKNOWN_SHOWN));
    }
    // Still validate the rest, so every problem in the object is reported at once.
    match build(&raw, line, seen) {
        Ok(record) if errors.is_empty() => Ok((
            record,
            Extra {
                site: site.flatten(),
                ticket_id: ticket.flatten(),
            },
        )),
        Ok(_) => Err(errors),
        Err(more) => {
            errors.extend(more);
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse, Format};

    #[test]
    fn a_json_row_may_carry_a_ticket_id_kept_beside_the_record() {
        let long = "t".repeat(65);
        let text = format!(
            r#"[
{{"code": "H15.50.05.13-261008-0001", "status": "received", "received_at": "2026-10-08T08:00:00+07:00", "ticket_id": "5d1c-1"}},
{{"code": "H15.50.05.13-261008-0002", "status": "received", "received_at": "2026-10-08T08:00:00+07:00", "ticket_id": null}},
{{"code": "H15.50.05.13-261008-0003", "status": "received", "received_at": "2026-10-08T08:00:00+07:00", "ticket_id": 7}},
{{"code": "H15.50.05.13-261008-0004", "status": "received", "received_at": "2026-10-08T08:00:00+07:00", "ticket_id": "{long}"}}
]"#
        );
        let parsed = parse(&text, Format::Json).unwrap();
        assert_eq!(parsed.records.len(), 2);
        assert_eq!(parsed.tickets, [(0, "5d1c-1".to_string())]);
        let errors: Vec<(usize, &str)> = parsed
            .errors
            .iter()
            .map(|e| (e.line, e.message.as_str()))
            .collect();
        assert_eq!(
            errors,
            [
                (4, "ticket_id: must be a ticket id as a string, or null"),
                (5, "ticket_id: longer than 64 characters (the limit)"),
            ]
        );
    }
}
