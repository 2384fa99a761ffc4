//! How long each dossier value may be, and how much of a header is read: one bound per
//! column, so a runaway cell (a 100 MB note) is refused with its row alone, and no single
//! dossier can grow past what a kiosk takes in one page of changes.

use super::COLUMNS;

/// Longest value, in characters, of each column of [`COLUMNS`] (same order).
///
/// `procedure_code` (national codes are about 20), `applicant_name` and `pickup_place` leave
/// room for any real value; `note` holds a few paragraphs; the others are codes, times and
/// digits whose own checks are stricter, bounded here so a message never has to quote much.
pub const FIELD_MAX_CHARS: [usize; 12] = [
    64,   // code
    32,   // status
    64,   // procedure_code
    200,  // applicant_name
    64,   // received_at
    64,   // due_at
    64,   // finished_at
    2000, // note
    300,  // pickup_place
    64,   // secret
    16,   // phone_last4
    64,   // due_at_new
];

/// Header columns examined at most; a wider header is refused without reading the rest.
pub const MAX_HEADER_COLUMNS: usize = 64;

/// The longest `site` a JSON row may name (a site's code is at most 16 characters).
pub const MAX_SITE: usize = 16;

/// The longest `ticket_id` a JSON row may carry (the office's ticket ids are at most 64).
pub const MAX_TICKET_ID: usize = 64;

/// Unknown column or key names quoted in a message at most; the rest are counted.
pub const UNKNOWN_SHOWN: usize = 5;

/// The limit of column `col` when `value` is longer than it, else `None`. Reads at most
/// limit + 1 characters, so a huge value costs no more than a short one.
pub fn over_limit(col: usize, value: &str) -> Option<usize> {
    let max = FIELD_MAX_CHARS[col];
    // A value of at most `max` bytes has at most `max` characters: no need to count.
    if value.len() <= max || value.chars().nth(max).is_none() {
        None
    } else {
        Some(max)
    }
}

/// The row error for a value over its column's limit; the value itself is not repeated.
pub fn too_long_message(col: usize, max: usize) -> String {
    format!("{}: longer than {max} characters (the limit)", COLUMNS[col])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier_import::{parse, FileError, Format};

    const HEADER: &str = "code,status,received_at,procedure_code,applicant_name,note,pickup_place";

    fn row(code: &str, procedure: &str, name: &str, note: &str, place: &str) -> String {
        format!("{code},ready,2026-10-08T08:15:00+07:00,{procedure},{name},{note},{place}")
    }

    #[test]
    fn an_oversized_or_nul_row_is_refused_alone_naming_the_field_and_limit() {
        let text = [
            HEADER.to_string(),
            row("H15-261008-0001", "P", "An", "ok", "Q"),
            row("H15-261008-0002", "P", "An", &"x".repeat(2001), "Q"),
            row("H15-261008-0003", &"P".repeat(65), &"N".repeat(201), "", ""),
            row("H15-261008-0004", "P", "A\0n", "", "Q"),
            row("H15-261008-0005", "P", "An", "", &"Q".repeat(301)),
            row("H15-261008-0006", "P", "An", "", ""),
        ]
        .join("\n");
        {
            let parsed = parse(&text, Format::Csv).unwrap();
            let codes: Vec<&str> = parsed
                .records
                .iter()
                .map(|(_, r)| r.code.as_str())
                .collect();
            assert_eq!(codes, ["H15-261008-0001", "H15-261008-0006"]);
            let errors: Vec<(usize, &str)> = parsed
                .errors
                .iter()
                .map(|e| (e.line, e.message.as_str()))
                .collect();
            assert_eq!(
                errors,
                [
                    (3, "note: longer than 2000 characters (the limit)"),
                    (4, "procedure_code: longer than 64 characters (the limit)"),
                    (4, "applicant_name: longer than 200 characters (the limit)"),
                    (5, "applicant_name: contains a NUL character"),
                    (6, "pickup_place: longer than 300 characters (the limit)"),
                ]
            );
        }
    }

    #[test]
    fn json_rows_have_the_same_limits_and_nul_check() {
        let json = format!(
            "[{{\"code\": \"H15-261008-0001\", \"status\": \"ready\", \"received_at\": \"2026-10-08T08:15:00+07:00\", \"note\": \"{}\"}},\n\
             {{\"code\": \"H15-261008-0002\", \"status\": \"ready\", \"received_at\": \"2026-10-08T08:15:00+07:00\", \"secret\": \"AB\\u0000CD\"}},\n\
             {{\"code\": \"H15-261008-0003\", \"status\": \"ready\", \"received_at\": \"2026-10-08T08:15:00+07:00\"}}]",
            "y".repeat(2001)
        );
        let parsed = parse(&json, Format::Json).unwrap();
        assert_eq!(parsed.records.len(), 1);
        let messages: Vec<&str> = parsed.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "note: longer than 2000 characters (the limit)",
                "secret: contains a NUL character"
            ]
        );
    }

    #[test]
    fn a_header_of_many_unknown_columns_gives_a_short_message() {
        let mut header = String::from("code,status,received_at");
        for i in 0..100_000 {
            header.push_str(&format!(",extra{i}"));
        }
        let err = parse(&format!("{header}\n"), Format::Csv).unwrap_err();
        let message = err.to_string();
        assert!(message.len() < 400, "{} bytes: {message}", message.len());
        assert!(
            message.contains("100003 columns, more than the 64 this importer reads"),
            "{message}"
        );
        assert!(
            message.contains("unknown column(s) \"extra0\", \"extra1\", \"extra2\", \"extra3\", \"extra4\" and 56 more"),
            "{message}"
        );
        // Within 64 columns, unknown ones are still counted and a few named.
        let err = parse("code,status,received_at,a,b,c,d,e,f,g\n", Format::Csv).unwrap_err();
        assert!(err.to_string().contains("\"e\" and 2 more"), "{err}");
        assert!(matches!(
            err,
            FileError::BadHeader {
                unknown_count: 7,
                too_wide: 0,
                ..
            }
        ));
        // JSON: a row with many unknown keys gets a few errors, not one per key.
        let keys: String = (0..1000).map(|i| format!("\"k{i}\": null, ")).collect();
        let json = format!("[{{{keys}\"code\": \"H15-261008-0001\", \"status\": \"ready\", \"received_at\": \"2026-10-08T08:15:00+07:00\"}}]");
        let parsed = parse(&json, Format::Json).unwrap();
        assert_eq!(parsed.errors.len(), UNKNOWN_SHOWN + 1);
        assert_eq!(
            parsed.errors[UNKNOWN_SHOWN].message,
            "995 more unknown keys"
        );
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        const NOTE: usize = 7;
        assert_eq!(over_limit(NOTE, &"a".repeat(2000)), None);
        assert_eq!(over_limit(NOTE, &"ệ".repeat(2000)), None, "3 bytes each");
        assert_eq!(over_limit(NOTE, &"a".repeat(2001)), Some(2000));
        assert_eq!(over_limit(NOTE, &"ệ".repeat(2001)), Some(2000));
        assert_eq!(over_limit(2, &"P".repeat(65)), Some(64));
        assert_eq!(over_limit(3, &"N".repeat(200)), None);
        assert_eq!(over_limit(3, &"N".repeat(201)), Some(200));
        assert_eq!(over_limit(8, &"Q".repeat(301)), Some(300));
    }

    #[test]
    fn every_column_has_a_limit_and_the_message_names_it() {
        assert_eq!(FIELD_MAX_CHARS.len(), COLUMNS.len());
        assert!(FIELD_MAX_CHARS.iter().all(|&m| m >= 16));
        assert_eq!(
            too_long_message(7, 2000),
            "note: longer than 2000 characters (the limit)"
        );
    }
}
