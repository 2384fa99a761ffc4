use chrono::{DateTime, Utc};

use super::*;
use crate::domain::dossier_code::parse_code;
use crate::dossier_import::DossierRecord;
use crate::office::counters::fixtures::*;
use crate::office::counters::{Action, ClerkRole, ClerkSession, QueueDef};
use crate::office::store::{Role, S1};
use crate::office::test_db::{both_backends, Backend};

both_backends! {
    the_rollup_sums_each_site_as_computed_by_hand,
}

const TZ: Tz = chrono_tz::Asia::Ho_Chi_Minh;

fn dossier(n: u32, finished: DateTime<Utc>, due: DateTime<Utc>) -> DossierRecord {
    DossierRecord {
        code: parse_code(&format!("H15.50.05.13-261120-{n:04}")).unwrap(),
        status: DossierStatus::Returned,
        procedure_code: "1.001193".into(),
        applicant_name: "Nguyễn Văn An".into(),
        received_at: at(0),
        due_at: Some(due),
        due_at_new: None,
        finished_at: Some(finished),
        note: String::new(),
        pickup_place: String::new(),
        secret: String::new(),
        phone_last4: String::new(),
    }
}

fn the_rollup_sums_each_site_as_computed_by_hand(b: Backend) {
    let mut o = office(b);
    // Site 1: waits of 10, 30 (a no-show) and 40 minutes; rated very satisfied and satisfied.
    let a1 = o.ticket("A", 1, 0, "none");
    o.ticket("A", 2, 0, "none");
    let a3 = o.ticket("A", 3, 0, "none");
    let lan = o.clerk("lan", 1, &["A"], 0);
    for (action, min) in [
        (Action::Next, 10),
        (Action::Start, 10),
        (Action::Finish, 12),
    ] {
        o.act(&lan, action, min).unwrap();
    }
    o.s.rate(S1, 1, &a1, "very_satisfied", &[], at(13)).unwrap();
    o.act(&lan, Action::Next, 30).unwrap();
    o.act(&lan, Action::NoShow, 31).unwrap();
    for (action, min) in [
        (Action::Next, 40),
        (Action::Start, 40),
        (Action::Finish, 45),
    ] {
        o.act(&lan, action, min).unwrap();
    }
    o.s.rate(S1, 1, &a3, "satisfied", &[], at(46)).unwrap();
    // One dossier early (due in three days), one late (due before it was finished).
    let dossiers = [
        dossier(1, at(120), at(3 * 24 * 60)),
        dossier(2, at(420), at(60)),
    ];
    o.s.upsert_dossiers(S1, &dossiers, at(0)).unwrap();

    // Site 2: one ticket waits 5 minutes, rated unsatisfied; one dossier on time.
    let s2 = o.s.add_site("10107", "UBND xã Tân Lập", at(0)).unwrap().id;
    o.s.set_queues(s2, &[QueueDef::new("A", &["HT"])]).unwrap();
    let kiosk2 =
        o.s.enroll_device("Kiosk 2", Role::Kiosk, &[s2], at(0))
            .unwrap()
            .0;
    let payload = serde_json::json!({
        "id": "t2-A1", "queue": "A", "number": 1, "business_date": d(),
        "issued_at": at(0), "field": "HT", "priority": "none", "state": "waiting",
    });
    let kind = crate::protocol::EVENT_TICKET_ISSUED;
    o.s.apply_event(&kiosk2, "e-t2-A1", kind, &payload.to_string(), at(0))
        .unwrap();
    let clerk =
        o.s.add_clerk(
            Some(s2),
            "nam",
            "Trần Văn Nam",
            "mat-khau-8",
            ClerkRole::Clerk,
            false,
            at(0),
        )
        .unwrap();
    o.s.open_session(&clerk, 1, &["A".to_string()], at(0))
        .unwrap();
    let nam = ClerkSession {
        clerk,
        counter: 1,
        site: s2,
    };
    for (action, min) in [(Action::Next, 5), (Action::Start, 5), (Action::Finish, 9)] {
        o.s.counter_action(&nam, &action, at(min), d()).unwrap();
    }
    o.s.rate(s2, 1, "t2-A1", "unsatisfied", &[], at(10))
        .unwrap();
    // Finished at 10:00, due at 10:30 the same session: on time.
    o.s.upsert_dossiers(s2, &[dossier(3, at(120), at(150))], at(0))
        .unwrap();
    // Site 3: nothing at all.
    o.s.add_site("10109", "UBND xã Yên Bình", at(0)).unwrap();

    let mut rows = o.s.province_rollup(d(), d(), TZ).unwrap();
    assert_eq!(rows.len(), 3);
    let code1 = o.s.site(S1).unwrap().code;
    sort_rows(&mut rows, Column::Code, false);
    let by = |code: &str| rows.iter().find(|r| r.code == code).unwrap().clone();
    let r1 = by(&code1);
    assert_eq!((r1.tickets, r1.no_shows, r1.rated), (3, 1, 2));
    // Waits 600, 1800, 2400 s: average 1600, nearest-rank P90 the third.
    assert_eq!((r1.wait_avg_s, r1.wait_p90_s), (Some(1600), Some(2400)));
    assert_eq!(
        (r1.very_satisfied_pct, r1.satisfied_pct, r1.unsatisfied_pct),
        (Some(50.0), Some(50.0), Some(0.0))
    );
    assert_eq!(
        (r1.received, r1.resolved, r1.early, r1.on_time, r1.late),
        (2, 2, 1, 0, 1)
    );
    assert_eq!(r1.on_time_pct, Some(50.0));
    let r2 = by("10107");
    assert_eq!((r2.tickets, r2.no_shows, r2.rated), (1, 0, 1));
    assert_eq!((r2.wait_avg_s, r2.wait_p90_s), (Some(300), Some(300)));
    assert_eq!(r2.unsatisfied_pct, Some(100.0));
    assert_eq!(
        (r2.received, r2.resolved, r2.on_time, r2.late),
        (1, 1, 1, 0)
    );
    assert_eq!(r2.on_time_pct, Some(100.0));
    let r3 = by("10109");
    assert_eq!((r3.tickets, r3.received, r3.resolved), (0, 0, 0));
    assert_eq!(
        (r3.wait_avg_s, r3.very_satisfied_pct, r3.on_time_pct),
        (None, None, None)
    );
    // The report of site 1 says the same as its row.
    let report = o.s.report(S1, d(), d(), TZ).unwrap();
    assert_eq!(report.total.wait_p90_s, r1.wait_p90_s);
    assert_eq!(report.dossiers.resolved, r1.resolved);

    // Ranked: on-time share largest first, the site without one last; waits shortest first.
    sort_rows(&mut rows, Column::OnTime, true);
    let order: Vec<(u32, &str)> = rows.iter().map(|r| (r.rank, r.code.as_str())).collect();
    assert_eq!(order, [(1, "10107"), (2, code1.as_str()), (3, "10109")]);
    sort_rows(&mut rows, Column::WaitAvg, false);
    let order: Vec<&str> = rows.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(order, ["10107", code1.as_str(), "10109"]);
    // Nothing measured stays last ascending too.
    sort_rows(&mut rows, Column::OnTime, false);
    assert_eq!(rows[2].code, "10109");

    // The CSV: a BOM, a header, a row per site in the ranked order; shares with one decimal.
    let csv = String::from_utf8(rollup_csv(&rows).unwrap()).unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("rank,code,name,tickets,wait_avg_min,wait_p90_min,no_shows"));
    assert_eq!(lines.len(), 4);
    assert!(lines[1].starts_with(&format!("1,{code1},")), "{csv}");
    assert!(lines[1].ends_with(",2,2,1,0,1,50.0"), "{csv}");
    assert!(
        lines[1].contains(",3,26.7,40.0,1,2,50.0,50.0,0.0,"),
        "{csv}"
    );
}

#[test]
fn cells_a_spreadsheet_would_run_are_neutralised_in_the_rollup() {
    let row = site_row(SiteId(4), "=1+1", "@xã", &[], &DossierFigures::default());
    let csv = String::from_utf8(rollup_csv(&[row]).unwrap()).unwrap();
    assert!(csv.contains(",'=1+1,'@xã,0,,,0,0,,,,0,0,0,0,0,"), "{csv}");
    assert_eq!(Column::from_name("on_time"), Some(Column::OnTime));
    assert_eq!(Column::from_name("nope"), None);
}
