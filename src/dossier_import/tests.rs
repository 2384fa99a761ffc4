use super::*;
use crate::domain::dossier_code::parse_code;
use chrono::FixedOffset;
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
        due_at_new: None,
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
    // Within the column's limit (longer values are refused without being quoted at all).
    let long = "x".repeat(60);
    let parsed = ok(&csv(&[&row_with(RECEIVED_AT, &long)]), Format::Csv);
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
            unknown_count: 1,
            duplicated: vec![],
            too_wide: 0,
        }
    );
    assert!(err
        .to_string()
        .starts_with("CSV header on line 1: missing required column(s) \"received_at\"; unknown column(s) \"recieved_at\""));
    let err = parse("code,status,received_at,Note,note\n", Format::Csv).unwrap_err();
    assert!(matches!(err, FileError::BadHeader { ref duplicated, .. } if duplicated == &["note"]));
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
        "Nguyễn", "Trần", "Lê", "Phạm", "Đặng", "Văn", "Thị", "Hòa", "Hoà", "Ánh", "Ưng", "Bảo",
        "Quốc",
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
        (rng.below(3) != 0).then(|| received + chrono::Duration::minutes(rng.below(20_000) as i64))
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
        due_at_new: None,
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
        expected_line += 1 + r.note.matches('\n').count() + r.pickup_place.matches('\n').count();
    }

    let written = write_csv(&records);
    assert!(written.starts_with(&format!("{HEADER},due_at_new\n")));
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
    assert_eq!(write_csv(&[]), format!("{HEADER},due_at_new\n"));
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

#[test]
fn a_json_row_may_name_its_site_which_is_kept_beside_the_record() {
    let text = r#"[
{"code": "H15.50.05.13-261008-0001", "status": "received", "received_at": "2026-10-08T08:00:00+07:00", "site": "10105"},
{"code": "H15.50.05.13-261008-0002", "status": "received", "received_at": "2026-10-08T08:00:00+07:00"},
{"code": "H15.50.05.13-261008-0003", "status": "received", "received_at": "2026-10-08T08:00:00+07:00", "site": 10105},
{"code": "H15.50.05.13-261008-0004", "status": "received", "received_at": "2026-10-08T08:00:00+07:00", "site": "x", "site": "y"},
{"code": "H15.50.05.13-261008-0005", "status": "received", "received_at": "2026-10-08T08:00:00+07:00", "site": "12345678901234567"},
{"code": "H15.50.05.13-261008-0006", "status": "received", "received_at": "2026-10-08T08:00:00+07:00", "site": null}
]"#;
    let parsed = ok(text, Format::Json);
    assert_eq!(parsed.records.len(), 3);
    assert_eq!(parsed.sites, [(0, "10105".to_string())]);
    assert_eq!(
        errors(&parsed),
        [
            (4, "site: must be a site's code as a string, or null"),
            (5, "site: given twice"),
            (6, "site: longer than 16 characters (the limit)"),
        ]
    );
}
