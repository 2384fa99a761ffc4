//! Writing records back out as the import formats (CSV for people, JSON for kiosks).

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use serde_json::Value;

use super::{DossierRecord, COLUMNS, VIETNAM_OFFSET_SECS};

/// Writes records as CSV: the full header, then one row per record, times in `+07:00`.
///
/// Times keep their sub-second part when they have one, so `parse(write_csv(x))` gives `x`
/// back for records that are already clean (as every record from [`parse`] is). No BOM is
/// written; a caller saving a file for Excel should prepend `'\u{FEFF}'`, or Excel will read
/// the Vietnamese text as a legacy code page. Values starting with `=`, `+`, `-` or `@` are
/// written unchanged (escaping them would break the round trip); a spreadsheet may read them
/// as formulas, which matters if the file ever leaves the office.
pub fn write_csv(records: &[DossierRecord]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing into a Vec cannot fail, and every row has the header's length.
    writer
        .write_record(COLUMNS)
        .expect("writing CSV to memory cannot fail");
    for r in records {
        let time = |t: &DateTime<Utc>| format_time(t);
        let opt = |t: &Option<DateTime<Utc>>| t.as_ref().map(time).unwrap_or_default();
        let row: [Cow<'_, str>; 12] = [
            r.code.as_str().into(),
            r.status.code().into(),
            r.procedure_code.as_str().into(),
            r.applicant_name.as_str().into(),
            time(&r.received_at).into(),
            opt(&r.due_at).into(),
            opt(&r.finished_at).into(),
            r.note.as_str().into(),
            r.pickup_place.as_str().into(),
            r.secret.as_str().into(),
            r.phone_last4.as_str().into(),
            opt(&r.due_at_new).into(),
        ];
        writer
            .write_record(row.iter().map(|f| f.as_bytes()))
            .expect("writing CSV to memory cannot fail");
    }
    let bytes = writer
        .into_inner()
        .expect("flushing CSV to memory cannot fail");
    String::from_utf8(bytes).expect("CSV built from str fields is UTF-8")
}

/// Writes records as the JSON import format: one array of objects with the [`COLUMNS`] as
/// keys, every value a string or `null` (empty optional values), times in `+07:00`; `parse`
/// reads it back to the same records. The office sends dossiers to kiosks in this form.
pub fn write_json(records: &[DossierRecord]) -> String {
    let rows: Vec<serde_json::Map<String, Value>> = records
        .iter()
        .map(|r| {
            let text = |s: &str| {
                if s.is_empty() {
                    Value::Null
                } else {
                    Value::String(s.to_string())
                }
            };
            let time = |t: &Option<DateTime<Utc>>| {
                t.as_ref()
                    .map_or(Value::Null, |t| Value::String(format_time(t)))
            };
            let values = [
                text(r.code.as_str()),
                text(r.status.code()),
                text(&r.procedure_code),
                text(&r.applicant_name),
                Value::String(format_time(&r.received_at)),
                time(&r.due_at),
                time(&r.finished_at),
                text(&r.note),
                text(&r.pickup_place),
                text(&r.secret),
                text(&r.phone_last4),
                time(&r.due_at_new),
            ];
            COLUMNS
                .iter()
                .zip(values)
                // Older kiosks refuse keys they do not know: an empty new date is left out.
                .filter(|(k, v)| !(**k == "due_at_new" && v.is_null()))
                .map(|(k, v)| (k.to_string(), v))
                .collect()
        })
        .collect();
    serde_json::to_string(&rows).expect("JSON of strings cannot fail")
}

/// RFC 3339 in Vietnam time, with fractional seconds only when present.
fn format_time(t: &DateTime<Utc>) -> String {
    let offset = FixedOffset::east_opt(VIETNAM_OFFSET_SECS).expect("+07:00 is a valid offset");
    t.with_timezone(&offset)
        .to_rfc3339_opts(SecondsFormat::AutoSi, true)
}
