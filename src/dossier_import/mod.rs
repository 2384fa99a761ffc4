//! Reading the dossier import file the office exports from the provincial system or keeps in a
//! spreadsheet, and writing the same CSV back out.
//!
//! Two formats carry the same twelve columns (`code, status, procedure_code, applicant_name,
//! received_at, due_at, finished_at, note, pickup_place, secret, phone_last4, due_at_new`):
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
//! - Every value has a length limit ([`limits::FIELD_MAX_CHARS`]) and may not hold a NUL: a
//!   value that breaks either is a row error (the value is not quoted back), so one runaway
//!   cell never fails a whole file nor grows a dossier past what a kiosk takes. A CSV header
//!   is read up to [`limits::MAX_HEADER_COLUMNS`] columns; unknown names are shown a few at a
//!   time with a count of the rest, so the message stays short.
//! - Every problem in a row is reported, one [`RowError`] each (same line), so the office can
//!   fix a row in one pass. Messages never repeat the value of `secret` or `phone_last4` (they
//!   end up in logs and on the admin screen); other echoed values are cut to 40 characters.
//! - A repeated code is an error on the second and later occurrences, even when the first
//!   occurrence was itself rejected for another reason: two rows for one dossier mean the
//!   file is wrong about it, and importing the "survivor" would hide that.
//! - JSON values must be strings or `null`; numbers are refused, because a phone ending
//!   `0123` written as a number would lose its leading zero.
//! - `due_at_new`, the new date of an apology letter, needs a `due_at` and must be later than
//!   it. [`write_json`] leaves it out when empty, so kiosks older than the column still take
//!   every dossier without one.
//! - A JSON object may carry `site` (which commune's it is) and `ticket_id` (the visit the
//!   integration links it to, docs/dossier-link.md): not dossier fields, kept in
//!   [`Parsed::sites`] and [`Parsed::tickets`] beside the record.
//! - Whether `finished_at` agrees with `status` is not checked: exports disagree on when they
//!   fill it, and the timeliness rules only read it for resolved dossiers.

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, Utc};

use crate::domain::dossier::DossierStatus;
use crate::domain::dossier_code::DossierCode;

mod csv_format;
mod json_format;
pub mod limits;
mod lines;
#[cfg(test)]
mod new_date_tests;
mod row;
#[cfg(test)]
mod tests;
mod write;

pub use write::{write_csv, write_json};

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
pub const COLUMNS: [&str; 12] = [
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
    "due_at_new",
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
const DUE_AT_NEW: usize = 11;

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
    /// The new due time promised in an apology letter (Mẫu 04) once the first was missed;
    /// later than `due_at`.
    pub due_at_new: Option<DateTime<Utc>>,
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
    /// The `site` an accepted JSON object named (not a dossier field: which commune's the
    /// row is, for the integration API), by the record's index in `records`.
    pub sites: Vec<(usize, String)>,
    /// The `ticket_id` an accepted JSON object carried (not a dossier field: the visit the
    /// integration links the dossier to, docs/dossier-link.md), by the record's index.
    pub tickets: Vec<(usize, String)>,
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
        /// The first few columns this importer does not know (refused, to catch typos), at
        /// most [`limits::UNKNOWN_SHOWN`].
        unknown: Vec<String>,
        /// How many unknown columns there are among those examined (all of them up to
        /// [`limits::MAX_HEADER_COLUMNS`]).
        unknown_count: usize,
        /// How many columns the header has when it has more than
        /// [`limits::MAX_HEADER_COLUMNS`] (the rest are not examined), else 0.
        too_wide: usize,
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
                unknown_count,
                duplicated,
                too_wide,
            } => {
                write!(f, "CSV header on line {line}:")?;
                let mut sep = " ";
                if *too_wide > 0 {
                    write!(
                        f,
                        " {too_wide} columns, more than the {} this importer reads",
                        limits::MAX_HEADER_COLUMNS
                    )?;
                    sep = "; ";
                }
                let unknown_more = unknown_count.saturating_sub(unknown.len());
                for (what, names, more) in [
                    ("missing required column(s)", missing, 0),
                    ("unknown column(s)", unknown, unknown_more),
                    ("repeated column(s)", duplicated, 0),
                ] {
                    if !names.is_empty() {
                        let quoted: Vec<String> = names.iter().map(|n| echo(n)).collect();
                        write!(f, "{sep}{what} {}", quoted.join(", "))?;
                        if more > 0 {
                            write!(f, " and {more} more")?;
                        }
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
        Format::Csv => csv_format::parse_csv(text),
        Format::Json => json_format::parse_json(text),
    }
}

fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{FEFF}').unwrap_or(text)
}

/// One row's raw values by column index; `None` for an absent column, a JSON `null`, or (after
/// trimming) an empty string — the three mean the same.
pub(super) type RawRow<'a> = [Option<Cow<'a, str>>; 12];

pub(super) fn push_row(
    parsed: &mut Parsed,
    line: usize,
    result: Result<DossierRecord, Vec<String>>,
) {
    match result {
        Ok(record) => parsed.records.push((line, record)),
        Err(messages) => parsed.errors.extend(
            messages
                .into_iter()
                .map(|message| RowError { line, message }),
        ),
    }
}

/// A value quoted for a message: Rust string escaping (control characters stay visible),
/// cut to [`ECHO_MAX`] characters.
pub(super) fn echo(value: &str) -> String {
    match value.char_indices().nth(ECHO_MAX) {
        Some((cut, _)) => format!("{:?}…", &value[..cut]),
        None => format!("{value:?}"),
    }
}
