//! The new due date of an apology letter: read, checked, written and read back.

use super::*;
use crate::domain::dossier_code::parse_code;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn a_new_due_date_needs_a_later_first_one() {
    let head = "code,status,received_at,due_at,due_at_new";
    let text = format!(
        "{head}\n\
         H15.50.05.13-261008-0001,processing,2026-10-08T08:00:00+07:00,2026-10-10T17:00:00+07:00,2026-10-15T17:00:00+07:00\n\
         H15.50.05.13-261008-0002,processing,2026-10-08T08:00:00+07:00,,2026-10-15T17:00:00+07:00\n\
         H15.50.05.13-261008-0003,processing,2026-10-08T08:00:00+07:00,2026-10-10T17:00:00+07:00,2026-10-10T17:00:00+07:00\n\
         H15.50.05.13-261008-0004,processing,2026-10-08T08:00:00+07:00,2026-10-10T17:00:00+07:00,next week\n"
    );
    let parsed = parse(&text, Format::Csv).unwrap();
    assert_eq!(parsed.records.len(), 1);
    assert_eq!(
        parsed.records[0].1.due_at_new,
        Some(utc("2026-10-15T17:00:00+07:00"))
    );
    let errs: Vec<&str> = parsed.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert!(
        errs[0].contains("needs the first one in due_at"),
        "{errs:?}"
    );
    assert!(errs[1].contains("is not later than due_at"), "{errs:?}");
    assert!(errs[2].contains("due_at_new: \"next week\""), "{errs:?}");
    // Written and read back in both formats; JSON leaves an empty one out for older kiosks.
    let mut records: Vec<DossierRecord> = parsed.records.into_iter().map(|r| r.1).collect();
    let mut plain = records[0].clone();
    plain.due_at_new = None;
    records.push(DossierRecord {
        code: parse_code("H15.50.05.13-261008-0005").unwrap(),
        ..plain
    });
    let json = write_json(&records);
    assert_eq!(json.matches("due_at_new").count(), 1, "{json}");
    let back: Vec<DossierRecord> = parse(&json, Format::Json)
        .unwrap()
        .records
        .into_iter()
        .map(|r| r.1)
        .collect();
    assert_eq!(back, records);
    let back: Vec<DossierRecord> = parse(&write_csv(&records), Format::Csv)
        .unwrap()
        .records
        .into_iter()
        .map(|r| r.1)
        .collect();
    assert_eq!(back, records);
}
