//! Reading the dossier import file the office exports from the provincial system or keeps in a
//! spreadsheet, and writing the same CSV back out.
//!
//! Two formats carry the same eleven columns (`code, status, procedure_code, applicant_name,
//! received_at, due_at, finished_at, note, pickup_place, secret, phone_last4`):
//! - CSV: UTF-8 with an optional BOM, a header row, `,` separators and RFC 4180 quoting;
//! - JSON: one array of objects, every value a string or `null`.
//!
//! The whole file is refused ([`FileError`]) only when nothing in it can be trusted: a CSV
//! header that lacks a required column or names one this importer does not know (a typo such
//! as `recieved_at` would otherwise silently drop every received time), or JSON that is not an
//! array or not JSON at all. Anything wrong inside one row is a [`RowError`] with the 1-based
//! line where the row (CSV record or JSON object) starts; that row is skipped and the others
//! are kept, so one bad line does not block a day's import.
//!
//! Decisions worth knowing:
//! - CSV header names are matched after trimming and ASCII lower-casing (spreadsheet users
//!   write `Code`); JSON keys must match exactly (JSON is written by programs).
//! - Only `code`, `status` and `received_at` columns are required in a CSV header; a missing
//!   optional column reads as empty for every row. A JSON object may likewise omit optional keys.
//! - A CSV row whose fields are all blank is skipped silently: spreadsheets export rows of bare
//!   commas below the data.
//! - Every problem in a row is reported, one [`RowError`] each (same line), so the office can
//!   fix a row in one pass. Messages never repeat the value of `secret` or `phone_last4` (they
//!   end up in logs and on the admin screen); other echoed values are cut to 40 characters.
//! - A repeated code is an error on the second and later occurrences, even when the first
//!   occurrence was itself rejected for another reason: two rows for one dossier mean the
//!   file is wrong about it, and importing the "survivor" would hide that.
//! - JSON values must be strings or `null`; numbers are refused, because a phone ending
//!   `0123` written as a number would lose its leading zero.
//! - Whether `finished_at` agrees with `status` is not checked: exports disagree on when they
//!   fill it, and the timeliness rules only read it for resolved dossiers.

use std::borrow::Cow;
use std::collections::hash_map::{Entry, HashMap};
use std::fmt;

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::domain::dossier::DossierStatus;
use crate::domain::dossier_code::{parse_code, DossierCode};
use crate::domain::text::nfc;

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// Dossiers the store did not have.
    pub inserted: usize,
    /// Dossiers whose data changed.
    pub updated: usize,
    /// Dossiers already there exactly as given.
    pub unchanged: usize,
}

/// Column names in file order, as written by [`write_csv`] and expected as JSON keys.
pub const COLUMNS: [&str; 11] = [
    "code",
    "status",
    "procedure_code",
    "applicant_name",
    "received_at",
    "due_at",
    "finished_at",
    "note",
    "pickup_place",
    "secret",
    "phone_last4",
];

// Indices into COLUMNS, so rows can be plain arrays.
const CODE: usize = 0;
const STATUS: usize = 1;
const PROCEDURE_CODE: usize = 2;
const APPLICANT_NAME: usize = 3;
const RECEIVED_AT: usize = 4;
const DUE_AT: usize = 5;
const FINISHED_AT: usize = 6;
const NOTE: usize = 7;
const PICKUP_PLACE: usize = 8;
const SECRET: usize = 9;
const PHONE_LAST4: usize = 10;

/// Columns without which a row means nothing.
const REQUIRED: [usize; 3] = [CODE, STATUS, RECEIVED_AT];

/// Longest piece of a bad value quoted back in a message; a runaway field must not flood the log.
const ECHO_MAX: usize = 40;

/// Offset used when writing times: Vietnam has one time zone and no daylight saving, and the
/// office reads exported times as wall-clock times.
const VIETNAM_OFFSET_SECS: i32 = 7 * 3600;

/// The file format of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of objects.
    Json,
}

impl Format {
    /// Picks the format from the file extension (`.csv`, `.json`, any case), else from the text.
    ///
    /// Without a telling extension, text whose first non-space character (after a BOM) is `[`
    /// is JSON; anything else is taken as CSV, whose header then explains what is wrong.
    pub fn detect(file_name: &str, text: &str) -> Format {
        let name = file_name.trim().to_ascii_lowercase();
        if name.ends_with(".csv") {
            return Format::Csv;
        }
        if name.ends_with(".json") || strip_bom(text).trim_start().starts_with('[') {
            return Format::Json;
        }
        Format::Csv
    }
}

/// One dossier as imported, cleaned and validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierRecord {
    /// The dossier code in canonical form.
    pub code: DossierCode,
    /// Where the dossier is in its lifecycle.
    pub status: DossierStatus,
    /// National procedure code, trimmed; may be empty.
    pub procedure_code: String,
    /// Applicant's name: NFC, trimmed, inner whitespace collapsed to single spaces.
    pub applicant_name: String,
    /// When the dossier was received.
    pub received_at: DateTime<Utc>,
    /// When the result is due, if the procedure has a deadline.
    pub due_at: Option<DateTime<Utc>>,
    /// When processing finished, if it has.
    pub finished_at: Option<DateTime<Utc>>,
    /// Free note: NFC, trimmed (inner line breaks kept).
    pub note: String,
    /// Where to collect the result: NFC, trimmed.
    pub pickup_place: String,
    /// Receipt lookup secret, upper-case; empty or 4–32 ASCII letters and digits.
    pub secret: String,
    /// Last four digits of the applicant's phone; empty or exactly 4 ASCII digits.
    pub phone_last4: String,
}

/// A problem in one row; the row is skipped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RowError {
    /// 1-based line where the row (CSV record or JSON object) starts.
    pub line: usize,
    /// English message naming the column and the reason.
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// The result of parsing a usable file: good rows with their lines, and the rejected rows' errors.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    /// Accepted records with the 1-based line where each starts, in file order.
    pub records: Vec<(usize, DossierRecord)>,
    /// Problems found, in file order; several may share a line.
    pub errors: Vec<RowError>,
}

/// Why a whole file cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// The CSV text holds no header row (it is empty or blank).
    NoHeader,
    /// The CSV header lacks required columns, names unknown ones, or repeats some.
    BadHeader {
        /// 1-based line of the header.
        line: usize,
        /// Required columns not present.
        missing: Vec<String>,
        /// Columns this importer does not know (refused, to catch typos).
        unknown: Vec<String>,
        /// Columns named more than once.
        duplicated: Vec<String>,
    },
    /// The JSON is well-formed but its top level is not an array.
    JsonNotArray {
        /// What the top level is instead ("an object", "a string"…).
        found: &'static str,
    },
    /// The text is not valid JSON.
    JsonSyntax {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error (0 when the text ended before any character).
        column: usize,
        /// What the JSON parser expected or found.
        message: String,
    },
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::NoHeader => f.write_str("the CSV file is empty: no header row"),
            FileError::BadHeader {
                line,
                missing,
                unknown,
                duplicated,
            } => {
                write!(f, "CSV header on line {line}:")?;
                let mut sep = " ";
                for (what, names) in [
                    ("missing required column(s)", missing),
                    ("unknown column(s)", unknown),
                    ("repeated column(s)", duplicated),
                ] {
                    if !names.is_empty() {
                        let quoted: Vec<String> = names.iter().map(|n| echo(n)).collect();
                        write!(f, "{sep}{what} {}", quoted.join(", "))?;
                        sep = "; ";
                    }
                }
                write!(f, " (expected columns: {})", COLUMNS.join(","))
            }
            FileError::JsonNotArray { found } => {
                write!(f, "the JSON file must be an array of objects, not {found}")
            }
            FileError::JsonSyntax {
                line,
                column,
                message,
            } => write!(
                f,
                "JSON syntax error at line {line}, column {column}: {message}"
            ),
        }
    }
}

impl std::error::Error for FileError {}

/// Parses an import file whose text the caller has read and checked to be UTF-8.
pub fn parse(text: &str, format: Format) -> Result<Parsed, FileError> {
    // The BOM sits on line 1, so removing it changes no line number.
    let text = strip_bom(text);
    match format {
        Format::Csv => parse_csv(text),
        Format::Json => parse_json(text),
    }
}

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
        let row: [Cow<'_, str>; 11] = [
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
            ];
            COLUMNS
                .iter()
                .zip(values)
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

fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{FEFF}').unwrap_or(text)
}

/// One row's raw values by column index; `None` for an absent column, a JSON `null`, or (after
/// trimming) an empty string — the three mean the same.
type RawRow<'a> = [Option<Cow<'a, str>>; 11];

fn parse_csv(text: &str) -> Result<Parsed, FileError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        // Row length is checked here, so a short row becomes a row error, not a file error.
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut parsed = Parsed::default();
    let mut lines = LineCounter::new(text);

    let header_line = loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Err(FileError::NoHeader),
            Ok(true) if is_blank(&record) => continue,
            Ok(true) => break lines.record_line(&record),
            // Input is a &str, so neither I/O nor UTF-8 errors can occur; skip defensively.
            Err(_) => continue,
        }
    };
    let columns = read_header(&record, header_line)?;
    let width = record.len();
    let mut seen = HashMap::new();

    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = lines.line_at(e.position().map_or(0, |p| p.byte() as usize));
                parsed.errors.push(RowError {
                    line,
                    message: format!("unreadable row: {e}"),
                });
                continue;
            }
        }
        if is_blank(&record) {
            continue;
        }
        let line = lines.record_line(&record);
        if record.len() != width {
            parsed.errors.push(RowError {
                line,
                message: format!("row has {} fields but the header has {width}", record.len()),
            });
            continue;
        }
        let mut raw: RawRow<'_> = Default::default();
        for (col, field) in columns.iter().zip(record.iter()) {
            raw[*col] = Some(Cow::Borrowed(field));
        }
        push_row(&mut parsed, line, build(&raw, line, &mut seen));
    }
    Ok(parsed)
}

fn is_blank(record: &csv::StringRecord) -> bool {
    record.iter().all(|f| f.trim().is_empty())
}

/// Turns byte offsets, met in increasing order, into 1-based line numbers.
///
/// csv's own `Position::line` cannot be used: it is one short after a CRLF line end or a
/// skipped blank line, and ignores CR-only line ends. Its byte offset is reliable but may point
/// at the line break before the record, so line breaks there are skipped first.
struct LineCounter<'a> {
    text: &'a [u8],
    counted_to: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            counted_to: 0,
            line: 1,
        }
    }

    /// The line on which the first non-line-break byte at or after `byte` sits.
    fn line_at(&mut self, byte: usize) -> usize {
        let mut start = byte.clamp(self.counted_to, self.text.len());
        while matches!(self.text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        for i in self.counted_to..start {
            // CRLF counts once, at its LF; a lone CR is a line end of its own.
            let lone_cr = self.text[i] == b'\r' && self.text.get(i + 1) != Some(&b'\n');
            if self.text[i] == b'\n' || lone_cr {
                self.line += 1;
            }
        }
        self.counted_to = start;
        self.line
    }

    /// The line where a CSV record starts.
    fn record_line(&mut self, record: &csv::StringRecord) -> usize {
        // csv sets the position on every record it reads.
        let byte = record
            .position()
            .map_or(self.counted_to, |p| p.byte() as usize);
        self.line_at(byte)
    }
}

/// Maps each header field to its column index, or explains what is wrong with the header.
fn read_header(record: &csv::StringRecord, line: usize) -> Result<Vec<usize>, FileError> {
    let mut columns = Vec::with_capacity(record.len());
    let (mut unknown, mut duplicated) = (Vec::new(), Vec::new());
    for name in record.iter() {
        let key = name.trim().to_ascii_lowercase();
        match COLUMNS.iter().position(|c| *c == key) {
            Some(i) if columns.contains(&i) => {
                if !duplicated.contains(&key) {
                    duplicated.push(key);
                }
            }
            Some(i) => columns.push(i),
            None => unknown.push(name.trim().to_string()),
        }
    }
    let missing: Vec<String> = REQUIRED
        .iter()
        .filter(|i| !columns.contains(i))
        .map(|i| COLUMNS[*i].to_string())
        .collect();
    if missing.is_empty() && unknown.is_empty() && duplicated.is_empty() {
        Ok(columns)
    } else {
        Err(FileError::BadHeader {
            line,
            missing,
            unknown,
            duplicated,
        })
    }
}

fn parse_json(text: &str) -> Result<Parsed, FileError> {
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
        let result = json_row(element.get(), line, &mut seen);
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

fn json_row(
    element: &str,
    line: usize,
    seen: &mut HashMap<DossierCode, usize>,
) -> Result<DossierRecord, Vec<String>> {
    if !element.starts_with('{') {
        return Err(vec![format!(
            "expected a JSON object, found {}",
            json_kind(element)
        )]);
    }
    let Entries(entries) =
        serde_json::from_str(element).map_err(|e| vec![format!("unreadable object: {}", e)])?;
    let mut raw: RawRow<'_> = Default::default();
    let mut given = [false; 11];
    let mut errors = Vec::new();
    for (key, value) in entries {
        let Some(col) = COLUMNS.iter().position(|c| *c == key) else {
            errors.push(format!("unknown key {}", echo(&key)));
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
    // Still validate the rest, so every problem in the object is reported at once.
    match build(&raw, line, seen) {
        Ok(record) if errors.is_empty() => Ok(record),
        Ok(_) => Err(errors),
        Err(more) => {
            errors.extend(more);
            Err(errors)
        }
    }
}

fn push_row(parsed: &mut Parsed, line: usize, result: Result<DossierRecord, Vec<String>>) {
    match result {
        Ok(record) => parsed.records.push((line, record)),
        Err(messages) => parsed.errors.extend(
            messages
                .into_iter()
                .map(|message| RowError { line, message }),
        ),
    }
}

/// Validates and cleans one row; `seen` remembers the line of each code's first occurrence.
fn build(
    raw: &RawRow<'_>,
    line: usize,
    seen: &mut HashMap<DossierCode, usize>,
) -> Result<DossierRecord, Vec<String>> {
    let mut errors = Vec::new();
    let get = |col: usize| raw[col].as_deref().map_or("", str::trim);
    let required = |col: usize, errors: &mut Vec<String>| {
        let value = get(col);
        if value.is_empty() {
            errors.push(format!("{}: missing (required)", COLUMNS[col]));
            None
        } else {
            Some(value)
        }
    };

    let code = required(CODE, &mut errors).and_then(|s| match parse_code(s) {
        Ok(code) => Some(code),
        Err(e) => {
            errors.push(format!("code: {} is not a dossier code: {e}", echo(s)));
            None
        }
    });
    if let Some(code) = &code {
        match seen.entry(code.clone()) {
            Entry::Occupied(first) => {
                errors.push(format!("code: {code} already on line {}", first.get()))
            }
            Entry::Vacant(slot) => {
                slot.insert(line);
            }
        }
    }

    let status = required(STATUS, &mut errors).and_then(|s| {
        let status = DossierStatus::from_code(&s.to_ascii_lowercase());
        if status.is_none() {
            let known: Vec<&str> = DossierStatus::ALL.iter().map(|s| s.code()).collect();
            errors.push(format!(
                "status: {} is not a status (expected one of {})",
                echo(s),
                known.join(", ")
            ));
        }
        status
    });

    let time = |col: usize, errors: &mut Vec<String>| {
        let value = get(col);
        if value.is_empty() {
            return None;
        }
        match DateTime::parse_from_rfc3339(value) {
            Ok(t) => Some(t.with_timezone(&Utc)),
            Err(_) => {
                errors.push(format!(
                    "{}: {} is not an RFC 3339 time with offset",
                    COLUMNS[col],
                    echo(value)
                ));
                None
            }
        }
    };
    let received_at =
        required(RECEIVED_AT, &mut errors).and_then(|_| time(RECEIVED_AT, &mut errors));
    let due_at = time(DUE_AT, &mut errors);
    let finished_at = time(FINISHED_AT, &mut errors);
    if let Some(received) = received_at {
        for (col, t) in [(DUE_AT, due_at), (FINISHED_AT, finished_at)] {
            if t.is_some_and(|t| t < received) {
                errors.push(format!(
                    "{}: {} is before received_at {}",
                    COLUMNS[col],
                    get(col),
                    get(RECEIVED_AT)
                ));
            }
        }
    }

    let secret = get(SECRET).to_ascii_uppercase();
    let secret_ok =
        (4..=32).contains(&secret.len()) && secret.bytes().all(|b| b.is_ascii_alphanumeric());
    if !secret.is_empty() && !secret_ok {
        errors.push(format!(
            "secret: must be 4 to 32 letters A-Z or digits 0-9 (got {} characters)",
            secret.chars().count()
        ));
    }

    let phone_last4 = get(PHONE_LAST4);
    let digits = phone_last4.bytes().all(|b| b.is_ascii_digit());
    if !phone_last4.is_empty() && (phone_last4.len() != 4 || !digits) {
        // Spreadsheets turn "0123" into the number 123; say so, as that is the usual cause.
        let hint = if digits && phone_last4.len() < 4 {
            " (a spreadsheet may have dropped a leading zero)"
        } else {
            ""
        };
        errors.push(format!(
            "phone_last4: must be exactly 4 digits (got {} characters){hint}",
            phone_last4.chars().count()
        ));
    }

    match (code, status, received_at) {
        (Some(code), Some(status), Some(received_at)) if errors.is_empty() => Ok(DossierRecord {
            code,
            status,
            procedure_code: get(PROCEDURE_CODE).to_string(),
            applicant_name: nfc(get(APPLICANT_NAME))
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            received_at,
            due_at,
            finished_at,
            note: nfc(get(NOTE)),
            pickup_place: nfc(get(PICKUP_PLACE)),
            secret,
            phone_last4: phone_last4.to_string(),
        }),
        _ => Err(errors),
    }
}

/// A value quoted for a message: Rust string escaping (control characters stay visible),
/// cut to [`ECHO_MAX`] characters.
fn echo(value: &str) -> String {
    match value.char_indices().nth(ECHO_MAX) {
        Some((cut, _)) => format!("{:?}…", &value[..cut]),
        None => format!("{value:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const HEADER: &str = "code,status,procedure_code,applicant_name,received_at,due_at,finished_at,note,pickup_place,secret,phone_last4";

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn csv(rows: &[&str]) -> String {
        let mut text = String::from(HEADER);
        for row in rows {
            text.push('\n');
            text.push_str(row);
        }
        text.push('\n');
        text
    }

    fn ok(text: &str, format: Format) -> Parsed {
        parse(text, format).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Errors as (line, message) pairs, for compact assertions.
    fn errors(parsed: &Parsed) -> Vec<(usize, &str)> {
        parsed
            .errors
            .iter()
            .map(|e| (e.line, e.message.as_str()))
            .collect()
    }

    /// A good row with one column replaced, for the bad-value tests.
    fn row_with(col: usize, value: &str) -> String {
        let mut fields = [
            "H15.50.05.13-261008-0975",
            "processing",
            "1.001193",
            "Nguyễn Văn An",
            "2026-10-08T08:15:00+07:00",
            "2026-10-15T17:00:00+07:00",
            "",
            "",
            "Quầy 2",
            "A7K9",
            "0123",
        ];
        fields[col] = value;
        fields.join(",")
    }

    fn expected_full() -> DossierRecord {
        DossierRecord {
            code: parse_code("H15.50.05.13-261008-0975").unwrap(),
            status: DossierStatus::Ready,
            procedure_code: "1.001193".into(),
            applicant_name: "Nguyễn Văn An".into(),
            received_at: utc("2026-10-08T08:15:00+07:00"),
            due_at: Some(utc("2026-10-15T17:00:00+07:00")),
            finished_at: Some(utc("2026-10-14T09:30:00+07:00")),
            note: "Đã bổ sung, bản sao".into(),
            pickup_place: "Quầy số 2".into(),
            secret: "A7K9".into(),
            phone_last4: "0123".into(),
        }
    }

    #[test]
    fn good_csv_with_all_columns() {
        let text = csv(&[
            "H15.50.05.13-261008-0975,ready,1.001193,Nguyễn Văn An,2026-10-08T08:15:00+07:00,2026-10-15T17:00:00+07:00,2026-10-14T09:30:00+07:00,\"Đã bổ sung, bản sao\",Quầy số 2,a7k9,0123",
            "H15.50.05.13-261008-0976,received,,Trần Thị Bình,2026-10-08T01:20:00Z,,,,,,",
        ]);
        let parsed = ok(&text, Format::Csv);
        assert_eq!(errors(&parsed), []);
        assert_eq!(parsed.records.len(), 2);
        assert_eq!(parsed.records[0], (2, expected_full()));
        let (line, second) = &parsed.records[1];
        assert_eq!(*line, 3);
        assert_eq!(second.status, DossierStatus::Received);
        assert_eq!(
            second.received_at,
            Utc.with_ymd_and_hms(2026, 10, 8, 1, 20, 0).unwrap()
        );
        assert_eq!((second.due_at, second.finished_at), (None, None));
        assert_eq!(second.secret, "");
        assert_eq!(second.phone_last4, "");
        assert_eq!(second.procedure_code, "");
    }

    #[test]
    fn good_json_with_all_columns() {
        let text = r#"[
  {"code": "H15.50.05.13-261008-0975", "status": "ready", "procedure_code": "1.001193",
   "applicant_name": "Nguyễn  Văn An", "received_at": "2026-10-08T08:15:00+07:00",
   "due_at": "2026-10-15T17:00:00+07:00", "finished_at": "2026-10-14T09:30:00+07:00",
   "note": "Đã bổ sung, bản sao", "pickup_place": "Quầy số 2", "secret": "a7k9",
   "phone_last4": "0123"},
  {"code": "H15.50.05.13-261008-0976", "status": "received",
   "received_at": "2026-10-08T01:20:00Z", "due_at": null, "finished_at": "",
   "note": null, "secret": null, "phone_last4": ""}
]"#;
        let parsed = ok(text, Format::Json);
        assert_eq!(errors(&parsed), []);
        assert_eq!(parsed.records[0], (2, expected_full()));
        assert_eq!(parsed.records[1].0, 7);
        assert_eq!(parsed.records[1].1.due_at, None);
        assert_eq!(parsed.records[1].1.finished_at, None);
        assert_eq!(parsed.records[1].1.applicant_name, "");
    }

    #[test]
    fn bom_is_ignored_in_both_formats() {
        let text = format!("\u{FEFF}{}", csv(&[&row_with(STATUS, "ready")]));
        let parsed = ok(&text, Format::Csv);
        assert_eq!(parsed.records.len(), 1);
        assert_eq!(parsed.records[0].0, 2);
        let json = "\u{FEFF}[{\"code\":\"H15-261008-0001\",\"status\":\"ready\",\"received_at\":\"2026-10-08T08:00:00Z\"}]";
        assert_eq!(ok(json, Format::Json).records.len(), 1);
    }

    #[test]
    fn quoted_commas_quotes_and_newlines_keep_line_numbers() {
        let text = csv(&[
            &row_with(NOTE, "\"line one,\nline \"\"two\"\"\r\nline three\""),
            &row_with(CODE, "H15.50.05.13-261008-0976"),
            &row_with(CODE, "bad"),
        ]);
        let parsed = ok(&text, Format::Csv);
        assert_eq!(parsed.records[0].0, 2);
        assert_eq!(
            parsed.records[0].1.note,
            "line one,\nline \"two\"\r\nline three"
        );
        assert_eq!(parsed.records[1].0, 5, "the note spans lines 2–4");
        assert_eq!(errors(&parsed)[0].0, 6);
    }

    #[test]
    fn lower_case_code_with_spaces_and_loose_status() {
        let text = csv(
            &[&row_with(CODE, " h15.50.05.13 - 261008 - 0975 ").replacen(
                "processing",
                " PROCESSING ",
                1,
            )],
        );
        let parsed = ok(&text, Format::Csv);
        assert_eq!(errors(&parsed), []);
        let record = &parsed.records[0].1;
        assert_eq!(record.code.as_str(), "H15.50.05.13-261008-0975");
        assert_eq!(record.status, DossierStatus::Processing);
    }

    #[test]
    fn names_and_texts_are_cleaned() {
        let text = csv(&[
            &row_with(APPLICANT_NAME, "  Nguye\u{0302}\u{0303}n \t Văn   An ").replacen(
                "Quầy 2",
                " Qua\u{0302}\u{0300}y 2 ",
                1,
            ),
        ]);
        let record = &ok(&text, Format::Csv).records[0].1;
        assert_eq!(record.applicant_name, "Nguyễn Văn An");
        assert_eq!(record.pickup_place, "Quầy 2");
    }

    #[test]
    fn each_bad_value_is_reported_on_its_line() {
        let cases: [(usize, &str, &str); 14] = [
            (CODE, "", "code: missing (required)"),
            (
                CODE,
                "1.001193",
                "code: \"1.001193\" is not a dossier code: this is a procedure code, not a dossier code",
            ),
            (STATUS, "", "status: missing (required)"),
            (
                STATUS,
                "done",
                "status: \"done\" is not a status (expected one of received, processing, supplement_requested, ready, returned, refused, stopped)",
            ),
            (RECEIVED_AT, "", "received_at: missing (required)"),
            (
                RECEIVED_AT,
                "2026-13-01",
                "received_at: \"2026-13-01\" is not an RFC 3339 time with offset",
            ),
            (
                RECEIVED_AT,
                "2026-10-08T08:15:00",
                "received_at: \"2026-10-08T08:15:00\" is not an RFC 3339 time with offset",
            ),
            (
                DUE_AT,
                "2026-10-08T08:14:59+07:00",
                "due_at: 2026-10-08T08:14:59+07:00 is before received_at 2026-10-08T08:15:00+07:00",
            ),
            (
                FINISHED_AT,
                "2026-10-08T01:00:00Z",
                "finished_at: 2026-10-08T01:00:00Z is before received_at 2026-10-08T08:15:00+07:00",
            ),
            (
                FINISHED_AT,
                "tomorrow",
                "finished_at: \"tomorrow\" is not an RFC 3339 time with offset",
            ),
            (
                SECRET,
                "ab1",
                "secret: must be 4 to 32 letters A-Z or digits 0-9 (got 3 characters)",
            ),
            (
                SECRET,
                "ab-12",
                "secret: must be 4 to 32 letters A-Z or digits 0-9 (got 5 characters)",
            ),
            (
                PHONE_LAST4,
                "123",
                "phone_last4: must be exactly 4 digits (got 3 characters) (a spreadsheet may have dropped a leading zero)",
            ),
            (
                PHONE_LAST4,
                "12a4",
                "phone_last4: must be exactly 4 digits (got 4 characters)",
            ),
        ];
        for (i, (col, value, message)) in cases.iter().enumerate() {
            // A good row first, so the bad one is on line 3, then a good one after it.
            let text = csv(&[
                &row_with(CODE, "H15-261008-0001"),
                &row_with(*col, value),
                &row_with(CODE, "H15-261008-0003"),
            ]);
            let parsed = ok(&text, Format::Csv);
            assert_eq!(errors(&parsed), [(3, *message)], "case {i}");
            let lines: Vec<usize> = parsed.records.iter().map(|r| r.0).collect();
            assert_eq!(lines, [2, 4], "case {i}");
        }
    }

    #[test]
    fn every_problem_in_a_row_is_reported() {
        let text = csv(&["x,done,,,never,,,,,!,1"]);
        let parsed = ok(&text, Format::Csv);
        let columns: Vec<&str> = parsed
            .errors
            .iter()
            .map(|e| e.message.split(':').next().unwrap())
            .collect();
        assert_eq!(
            columns,
            ["code", "status", "received_at", "secret", "phone_last4"]
        );
        assert!(parsed.errors.iter().all(|e| e.line == 2));
        assert!(parsed.records.is_empty());
    }

    #[test]
    fn messages_do_not_echo_secrets_or_phones() {
        let text = csv(&[&row_with(SECRET, "XQ!").replacen("0123", "98x7", 1)]);
        for e in &ok(&text, Format::Csv).errors {
            assert!(
                !e.message.contains("XQ") && !e.message.contains("98x7"),
                "{e}"
            );
        }
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let long = "x".repeat(1000);
        let parsed = ok(&csv(&[&row_with(STATUS, &long)]), Format::Csv);
        assert!(parsed.errors[0].message.len() < 200);
        assert!(parsed.errors[0].message.contains('…'));
    }

    #[test]
    fn duplicate_code_is_an_error_on_the_second_occurrence() {
        let text = csv(&[
            &row_with(CODE, "H15-261008-0001"),
            &row_with(CODE, "H15-261008-0002"),
            &row_with(CODE, "h15-261008-0001"),
            &row_with(CODE, "H15-261008-0001"),
        ]);
        let parsed = ok(&text, Format::Csv);
        assert_eq!(
            errors(&parsed),
            [
                (4, "code: H15-261008-0001 already on line 2"),
                (5, "code: H15-261008-0001 already on line 2"),
            ]
        );
        assert_eq!(parsed.records.len(), 2);
    }

    #[test]
    fn duplicate_of_a_rejected_row_is_still_reported() {
        let text = csv(&[
            &row_with(CODE, "H15-261008-0001").replacen("processing", "done", 1),
            &row_with(CODE, "H15-261008-0001"),
        ]);
        let parsed = ok(&text, Format::Csv);
        assert_eq!(
            errors(&parsed)[1],
            (3, "code: H15-261008-0001 already on line 2")
        );
        assert!(parsed.records.is_empty());
    }

    #[test]
    fn missing_unknown_and_repeated_header_columns() {
        let err = parse("code,status,recieved_at,note\n", Format::Csv).unwrap_err();
        assert_eq!(
            err,
            FileError::BadHeader {
                line: 1,
                missing: vec!["received_at".into()],
                unknown: vec!["recieved_at".into()],
                duplicated: vec![],
            }
        );
        assert!(err
            .to_string()
            .starts_with("CSV header on line 1: missing required column(s) \"received_at\"; unknown column(s) \"recieved_at\""));
        let err = parse("code,status,received_at,Note,note\n", Format::Csv).unwrap_err();
        assert!(
            matches!(err, FileError::BadHeader { ref duplicated, .. } if duplicated == &["note"])
        );
        let err = parse("status\n", Format::Csv).unwrap_err();
        assert!(
            matches!(err, FileError::BadHeader { ref missing, .. } if missing == &["code", "received_at"])
        );
        assert_eq!(parse("", Format::Csv), Err(FileError::NoHeader));
        assert_eq!(parse("\u{FEFF}\n\n", Format::Csv), Err(FileError::NoHeader));
    }

    #[test]
    fn header_is_case_insensitive_and_optional_columns_may_be_absent() {
        let text = "\n Received_At ,CODE,Status\n2026-10-08T08:15:00+07:00,H15-261008-0001,ready\n";
        let parsed = ok(text, Format::Csv);
        assert_eq!(errors(&parsed), []);
        assert_eq!(parsed.records[0].0, 3);
        assert_eq!(parsed.records[0].1.note, "");
        // Header only: a usable, empty file.
        assert_eq!(
            ok("code,status,received_at", Format::Csv),
            Parsed::default()
        );
    }

    #[test]
    fn wrong_field_counts_and_blank_rows() {
        let good = row_with(CODE, "H15-261008-0001");
        let text = format!(
            "{HEADER}\r\n{good}\r\n,,,,,,,,,,\r\na,b\r\n\r\n{},extra\r\n   \r\n\r\n",
            row_with(CODE, "H15-261008-0002")
        );
        let parsed = ok(&text, Format::Csv);
        assert_eq!(
            errors(&parsed),
            [
                (4, "row has 2 fields but the header has 11"),
                (6, "row has 12 fields but the header has 11"),
            ]
        );
        assert_eq!(parsed.records.len(), 1);
    }

    #[test]
    fn line_numbers_with_any_line_ending_and_blank_lines() {
        let rows = [
            row_with(CODE, "H15-261008-0001"),
            row_with(CODE, "bad"),
            row_with(CODE, "H15-261008-0003"),
        ];
        for eol in ["\n", "\r\n", "\r"] {
            // Header on line 2, rows on lines 3, 6 and 7.
            let text = format!(
                "{eol}{HEADER}{eol}{}{eol}{eol}{eol}{}{eol}{}",
                rows[0], rows[1], rows[2]
            );
            let parsed = ok(&text, Format::Csv);
            let lines: Vec<usize> = parsed.records.iter().map(|r| r.0).collect();
            assert_eq!(lines, [3, 7], "{eol:?}");
            assert_eq!(errors(&parsed)[0].0, 6, "{eol:?}");
        }
    }

    #[test]
    fn json_syntax_error_position() {
        let text = "[\n  {\"code\": \"H15-261008-0001\",\n   \"status\" \"ready\"}\n]";
        match parse(text, Format::Json) {
            Err(FileError::JsonSyntax {
                line,
                column,
                message,
            }) => {
                assert_eq!((line, column), (3, 13));
                assert_eq!(message, "expected `:`");
            }
            other => panic!("{other:?}"),
        }
        let err = parse("[{\"code\": \"x\"", Format::Json).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("JSON syntax error at line 1, column 13"),
            "{err}"
        );
        assert!(matches!(
            parse("", Format::Json),
            Err(FileError::JsonSyntax { .. })
        ));
        assert!(matches!(
            parse("hello", Format::Json),
            Err(FileError::JsonSyntax { line: 1, .. })
        ));
        assert!(matches!(
            parse("[1,]", Format::Json),
            Err(FileError::JsonSyntax { .. })
        ));
    }

    #[test]
    fn json_must_be_an_array() {
        assert_eq!(
            parse("  {\"code\": \"x\"}", Format::Json),
            Err(FileError::JsonNotArray { found: "an object" })
        );
        assert_eq!(
            parse("\"x\"", Format::Json),
            Err(FileError::JsonNotArray { found: "a string" })
        );
        assert_eq!(
            parse("12", Format::Json).unwrap_err().to_string(),
            "the JSON file must be an array of objects, not a number"
        );
        assert_eq!(ok(" [ ] ", Format::Json), Parsed::default());
    }

    #[test]
    fn json_element_lines_in_a_pretty_printed_array() {
        let text = r#"

[
  {
    "code": "H15-261008-0001",
    "status": "ready",
    "received_at": "2026-10-08T08:15:00+07:00"
  },
  42,
  {
    "code": "H15-261008-0002",
    "status": "ready",
    "received_at": "2026-10-08T08:15:00+07:00",
    "secret": "A\nB"
  },
  null, "text", [1],
  {
    "code": "H15-261008-0003", "status": "ready", "received_at": "2026-10-08T08:15:00+07:00"
  }, {"code": "H15-261008-0003", "status": "ready", "received_at": "2026-10-08T08:15:00+07:00"}
]"#;
        let parsed = ok(text, Format::Json);
        let lines: Vec<usize> = parsed.records.iter().map(|r| r.0).collect();
        assert_eq!(lines, [4, 17]);
        assert_eq!(
            errors(&parsed),
            [
                (9, "expected a JSON object, found a number"),
                (
                    10,
                    "secret: must be 4 to 32 letters A-Z or digits 0-9 (got 3 characters)"
                ),
                (16, "expected a JSON object, found null"),
                (16, "expected a JSON object, found a string"),
                (16, "expected a JSON object, found an array"),
                (19, "code: H15-261008-0003 already on line 17"),
            ]
        );
    }

    #[test]
    fn json_unknown_keys_wrong_types_and_repeated_keys_are_row_errors() {
        let text = r#"[
{"code": "H15-261008-0001", "status": "ready", "received_at": "2026-10-08T08:15:00+07:00", "recieved": "x"},
{"code": "H15-261008-0002", "status": "ready", "received_at": "2026-10-08T08:15:00+07:00", "phone_last4": 1234},
{"code": "H15-261008-0003", "status": "ready", "received_at": "2026-10-08T08:15:00+07:00", "note": ["a"], "secret": true},
{"code": "H15-261008-0004", "status": "ready", "received_at": "2026-10-08T08:15:00+07:00", "status": "received"},
{"code": "H15-261008-0005", "status": "ready"},
{"code": "H15-261008-0006", "status": "ready", "received_at": "2026-10-08T08:15:00+07:00", "Code": "x"}
]"#;
        let parsed = ok(text, Format::Json);
        assert!(parsed.records.is_empty());
        assert_eq!(
            errors(&parsed),
            [
                (2, "unknown key \"recieved\""),
                (
                    3,
                    "phone_last4: must be a string or null, not a number (put the value in quotes)"
                ),
                (4, "note: must be a string or null, not an array"),
                (4, "secret: must be a string or null, not a boolean"),
                (5, "status: given twice"),
                (6, "received_at: missing (required)"),
                (7, "unknown key \"Code\""),
            ]
        );
    }

    #[test]
    fn format_detection() {
        assert_eq!(Format::detect("hoso.CSV", "[1]"), Format::Csv);
        assert_eq!(Format::detect("C:\\xuat\\hoso.Json", "code"), Format::Json);
        assert_eq!(
            Format::detect("hoso.txt", "\u{FEFF} \n [ {} ]"),
            Format::Json
        );
        assert_eq!(Format::detect("hoso", "code,status"), Format::Csv);
        assert_eq!(Format::detect("", ""), Format::Csv);
    }

    #[test]
    fn display_of_errors() {
        let e = RowError {
            line: 7,
            message: "code: missing (required)".into(),
        };
        assert_eq!(e.to_string(), "line 7: code: missing (required)");
        assert_eq!(
            FileError::NoHeader.to_string(),
            "the CSV file is empty: no header row"
        );
        let boxed: Box<dyn std::error::Error> = Box::new(FileError::NoHeader);
        assert!(boxed.source().is_none());
    }

    /// Tiny deterministic generator (xorshift64*), so the random test needs no extra crate.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len() as u64) as usize]
        }
    }

    fn random_record(rng: &mut Rng, i: usize) -> DossierRecord {
        let words = [
            "Nguyễn", "Trần", "Lê", "Phạm", "Đặng", "Văn", "Thị", "Hòa", "Hoà", "Ánh", "Ưng",
            "Bảo", "Quốc",
        ];
        let texts = [
            "",
            "Quầy 1",
            "a,b",
            "say \"hi\"",
            "line\nbreak",
            "x\r\ny",
            "'=1+1",
            ";tab\there",
            "Đã bổ sung",
            " ",
        ];
        let received = utc("2026-01-01T07:00:00+07:00")
            + chrono::Duration::seconds(rng.below(300 * 86_400) as i64)
            + chrono::Duration::milliseconds(if rng.below(4) == 0 { 250 } else { 0 });
        let later = |rng: &mut Rng| {
            (rng.below(3) != 0)
                .then(|| received + chrono::Duration::minutes(rng.below(20_000) as i64))
        };
        let name: Vec<&str> = (0..1 + rng.below(4)).map(|_| rng.pick(&words)).collect();
        let secret_chars: Vec<char> = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789".chars().collect();
        let secret: String = match rng.below(3) {
            0 => String::new(),
            n => (0..4 * n as usize)
                .map(|_| secret_chars[rng.below(secret_chars.len() as u64) as usize])
                .collect(),
        };
        DossierRecord {
            code: parse_code(&format!(
                "H15.50.{:02}-2610{:02}-{:04}",
                i % 7,
                1 + i % 28,
                i
            ))
            .unwrap(),
            status: DossierStatus::ALL[rng.below(7) as usize],
            procedure_code: rng.pick(&["", "1.001193", "1.000235.000.00.00.H42"]).into(),
            applicant_name: name.join(" "),
            received_at: received,
            due_at: later(rng),
            finished_at: later(rng),
            note: rng.pick(&texts).trim().into(),
            pickup_place: rng.pick(&texts).trim().into(),
            secret,
            phone_last4: if rng.below(2) == 0 {
                String::new()
            } else {
                format!("{:04}", rng.below(10_000))
            },
        }
    }

    /// An independent RFC 4180 writer: quotes every field that needs it, random time offsets.
    fn hand_written_csv(records: &[DossierRecord], rng: &mut Rng) -> String {
        fn field(s: &str) -> String {
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        }
        let mut time = |t: &DateTime<Utc>| {
            let hours = rng.below(25) as i32 - 12;
            let offset = FixedOffset::east_opt(hours * 3600).unwrap();
            t.with_timezone(&offset).to_rfc3339()
        };
        let mut out = format!("{HEADER}\r\n");
        for r in records {
            let due = r.due_at.as_ref().map(&mut time).unwrap_or_default();
            let fin = r.finished_at.as_ref().map(&mut time).unwrap_or_default();
            let row = [
                r.code.as_str().to_lowercase(),
                r.status.code().to_uppercase(),
                r.procedure_code.clone(),
                format!(" {} ", r.applicant_name),
                time(&r.received_at),
                due,
                fin,
                r.note.clone(),
                r.pickup_place.clone(),
                r.secret.to_lowercase(),
                r.phone_last4.clone(),
            ];
            let fields: Vec<String> = row.iter().map(|f| field(f)).collect();
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
        }
        out
    }

    /// Random records whose later times may precede the received time are made consistent.
    fn consistent(mut r: DossierRecord) -> DossierRecord {
        r.due_at = r.due_at.filter(|t| *t >= r.received_at);
        r.finished_at = r.finished_at.filter(|t| *t >= r.received_at);
        r
    }

    #[test]
    fn hundred_random_rows_round_trip() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let records: Vec<DossierRecord> = (0..100)
            .map(|i| consistent(random_record(&mut rng, i)))
            .collect();

        let text = hand_written_csv(&records, &mut rng);
        let parsed = ok(&text, Format::Csv);
        assert_eq!(errors(&parsed), []);
        let got: Vec<DossierRecord> = parsed.records.iter().map(|r| r.1.clone()).collect();
        assert_eq!(got, records);
        // Lines grow by one per row plus one per line break inside a quoted field.
        let mut expected_line = 2;
        for ((line, _), r) in parsed.records.iter().zip(&records) {
            assert_eq!(*line, expected_line);
            expected_line +=
                1 + r.note.matches('\n').count() + r.pickup_place.matches('\n').count();
        }

        let written = write_csv(&records);
        assert!(written.starts_with(&format!("{HEADER}\n")));
        let again = ok(&written, Format::Csv);
        assert_eq!(errors(&again), []);
        let got: Vec<DossierRecord> = again.records.into_iter().map(|r| r.1).collect();
        assert_eq!(got, records);
    }

    #[test]
    fn write_csv_uses_vietnam_time() {
        let text = write_csv(&[expected_full()]);
        assert!(
            text.contains(",2026-10-08T08:15:00+07:00,2026-10-15T17:00:00+07:00,"),
            "{text}"
        );
        assert!(text.contains(",\"Đã bổ sung, bản sao\","));
        assert_eq!(write_csv(&[]), format!("{HEADER}\n"));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
            let _ = parse(&text, Format::Csv);
            let _ = parse(&text, Format::Json);
        }

        #[test]
        fn csv_like_text_never_panics(text in "[a-z_,\"\n\r ]{0,40}(\n[0-9A-Za-z.:+\\-, \"\n]{0,80}){0,4}") {
            let _ = parse(&text, Format::Csv);
            let _ = parse(&format!("{HEADER}\n{text}"), Format::Csv);
        }

        #[test]
        fn json_like_text_never_panics(text in "[\\[\\]{}\",: \n0-9a-z_\\-]{0,120}") {
            let _ = parse(&text, Format::Json);
            let _ = parse(&format!("[{text}"), Format::Json);
        }

        #[test]
        fn written_csv_parses_back(seed in 1u64..u64::MAX, n in 0usize..20) {
            let mut rng = Rng(seed);
            let records: Vec<DossierRecord> =
                (0..n).map(|i| consistent(random_record(&mut rng, i))).collect();
            let parsed = parse(&write_csv(&records), Format::Csv).unwrap();
            proptest::prop_assert!(parsed.errors.is_empty());
            let got: Vec<DossierRecord> = parsed.records.into_iter().map(|r| r.1).collect();
            proptest::prop_assert_eq!(got, records);
        }

        #[test]
        fn written_json_parses_back(seed in 1u64..u64::MAX, n in 0usize..20) {
            let mut rng = Rng(seed);
            let records: Vec<DossierRecord> =
                (0..n).map(|i| consistent(random_record(&mut rng, i))).collect();
            let parsed = parse(&write_json(&records), Format::Json).unwrap();
            proptest::prop_assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
            let got: Vec<DossierRecord> = parsed.records.into_iter().map(|r| r.1).collect();
            proptest::prop_assert_eq!(got, records);
        }
    }
}
