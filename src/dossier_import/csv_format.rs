//! The CSV format: a header row naming the columns, then one record per row.

use std::borrow::Cow;
use std::collections::HashMap;

use super::limits::{MAX_HEADER_COLUMNS, UNKNOWN_SHOWN};
use super::lines::LineCounter;
use super::row::build;
use super::{push_row, FileError, Parsed, RawRow, RowError, COLUMNS, REQUIRED};

pub(super) fn parse_csv(text: &str) -> Result<Parsed, FileError> {
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

/// Maps each header field to its column index, or explains what is wrong with the header.
fn read_header(record: &csv::StringRecord, line: usize) -> Result<Vec<usize>, FileError> {
    let mut columns = Vec::with_capacity(record.len().min(MAX_HEADER_COLUMNS));
    let (mut unknown, mut unknown_count, mut duplicated) = (Vec::new(), 0, Vec::new());
    // A header of a million columns is refused on its first ones: the message stays short.
    let too_wide = if record.len() > MAX_HEADER_COLUMNS {
        record.len()
    } else {
        0
    };
    for name in record.iter().take(MAX_HEADER_COLUMNS) {
        let key = name.trim().to_ascii_lowercase();
        match COLUMNS.iter().position(|c| *c == key) {
            Some(i) if columns.contains(&i) => {
                if !duplicated.contains(&key) {
                    duplicated.push(key);
                }
            }
            Some(i) => columns.push(i),
            None => {
                unknown_count += 1;
                if unknown.len() < UNKNOWN_SHOWN {
                    unknown.push(name.trim().to_string());
                }
            }
        }
    }
    let missing: Vec<String> = REQUIRED
        .iter()
        .filter(|i| !columns.contains(i))
        .map(|i| COLUMNS[*i].to_string())
        .collect();
    if missing.is_empty() && unknown.is_empty() && duplicated.is_empty() && too_wide == 0 {
        Ok(columns)
    } else {
        Err(FileError::BadHeader {
            line,
            missing,
            unknown,
            unknown_count,
            duplicated,
            too_wide,
        })
    }
}
