//! One row's values checked and cleaned into a record, every problem reported.

use std::collections::hash_map::{Entry, HashMap};

use chrono::{DateTime, Utc};

use super::limits::{over_limit, too_long_message};
use super::*;
use crate::domain::dossier::DossierStatus;
use crate::domain::dossier_code::{parse_code, DossierCode};
use crate::domain::text::nfc;

/// Validates and cleans one row; `seen` remembers the line of each code's first occurrence.
pub(super) fn build(
    raw: &RawRow<'_>,
    line: usize,
    seen: &mut HashMap<DossierCode, usize>,
) -> Result<DossierRecord, Vec<String>> {
    let mut errors = Vec::new();
    // Values over their limit or holding a NUL are reported once and then read as blank, so
    // no other check spends time on them or quotes them.
    let mut refused = [false; 12];
    for (col, value) in raw.iter().enumerate() {
        let Some(value) = value.as_deref().map(str::trim) else {
            continue;
        };
        if let Some(max) = over_limit(col, value) {
            errors.push(too_long_message(col, max));
            refused[col] = true;
        } else if value.contains('\0') {
            errors.push(format!("{}: contains a NUL character", COLUMNS[col]));
            refused[col] = true;
        }
    }
    let get = |col: usize| {
        if refused[col] {
            ""
        } else {
            raw[col].as_deref().map_or("", str::trim)
        }
    };
    let required = |col: usize, errors: &mut Vec<String>| {
        let value = get(col);
        if refused[col] {
            None
        } else if value.is_empty() {
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
    let due_at_new = time(DUE_AT_NEW, &mut errors);
    if let Some(new) = due_at_new {
        match due_at {
            None if get(DUE_AT).is_empty() => {
                errors.push("due_at_new: a new due time needs the first one in due_at".into())
            }
            Some(due) if new <= due => errors.push(format!(
                "due_at_new: {} is not later than due_at {}",
                get(DUE_AT_NEW),
                get(DUE_AT)
            )),
            _ => {}
        }
    }
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
            due_at_new,
            finished_at,
            note: nfc(get(NOTE)),
            pickup_place: nfc(get(PICKUP_PLACE)),
            secret,
            phone_last4: phone_last4.to_string(),
        }),
        _ => Err(errors),
    }
}
