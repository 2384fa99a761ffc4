//! Upgrades of a database an earlier motcua wrote, with the data a one-commune office of
//! that version held: everything must come through into site 1.

use chrono::{NaiveDate, TimeZone, Utc};
use rusqlite::Connection;

use super::{APPLICATION_ID, MIGRATIONS, POSTGRES_APPLICATION};
use crate::domain::dossier::DossierStatus;
use crate::office::counters::{Action, ClerkRole, QueueDef};
use crate::office::store::fixtures::{raw, record};
use crate::office::store::{token_hash, S1};
use crate::office::test_db::{both_backends, Backend, TestDb};
use crate::office::{NumberBlock, OfficeStore, Role};

both_backends! {
    a_one_commune_database_of_schema_6_becomes_site_main_with_nothing_lost,
}

/// Creates the office tables as schema `version` left them, with nothing in them.
pub(super) fn create_at_version(db: &TestDb, version: i64) {
    let steps = MIGRATIONS.iter().filter(|m| m.version <= version);
    match db.backend() {
        Backend::Sqlite => {
            let conn = Connection::open(db.target()).unwrap();
            for step in steps {
                conn.execute_batch(step.sqlite).unwrap();
            }
            conn.execute_batch(&format!(
                "PRAGMA user_version = {version}; PRAGMA application_id = {APPLICATION_ID};"
            ))
            .unwrap();
        }
        Backend::Postgres => {
            let mut client = raw(db);
            let mut tx = client.transaction().unwrap();
            tx.batch_execute(
                "CREATE TABLE motcua_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            )
            .unwrap();
            for step in steps {
                tx.batch_execute(step.postgres).unwrap();
            }
            tx.execute(
                "INSERT INTO motcua_meta (key, value) VALUES ('application', $1), ('schema_version', $2)",
                &[&POSTGRES_APPLICATION, &version.to_string()],
            )
            .unwrap();
            tx.commit().unwrap();
        }
    }
}

fn execute(db: &TestDb, sql: &str) {
    match db.backend() {
        Backend::Sqlite => Connection::open(db.target())
            .unwrap()
            .execute_batch(sql)
            .unwrap(),
        Backend::Postgres => raw(db).batch_execute(sql).unwrap(),
    }
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn a_one_commune_database_of_schema_6_becomes_site_main_with_nothing_lost(b: Backend) {
    let db = TestDb::new(b);
    create_at_version(&db, 6);
    let (kiosk, bridge) = ("ab".repeat(32), "cd".repeat(32));
    let queues =
        serde_json::to_string(&[QueueDef::new("A", &["HT"]), QueueDef::new("B", &["DD"])]).unwrap();
    let catalogue = std::fs::read_to_string("assets/catalogue.json").unwrap();
    // What a commune's office of schema 6 holds after a morning: three devices, numbers
    // and a block, a ticket waiting and one served and rated, a dossier, a notice, two
    // clerks (one a lead) with a session and an open counter.
    execute(
        &db,
        &format!(
            "INSERT INTO device (id, name, token_hash, created_at, role) VALUES
                 ('k1', 'Kiosk sảnh', '{}', '2026-11-24T00:00:00Z', 'kiosk'),
                 ('i1', 'Cổng dịch vụ công', '{}', '2026-11-24T00:00:00Z', 'integration');
             INSERT INTO device (id, name, token_hash, created_at, role, counter)
                 VALUES ('t1', 'Máy tính bảng quầy 2', 'ef', '2026-11-24T00:00:00Z', 'tablet', 2);
             INSERT INTO event VALUES ('e1', 'k1', 'ticket.issued', '{{}}', '2026-11-26T01:00:00Z');
             INSERT INTO queue_day VALUES ('A', '2026-11-26', 3, 501);
             INSERT INTO number_grant VALUES ('tk1', 'A', '2026-11-26', 1), ('tk3', 'A', '2026-11-26', 3);
             INSERT INTO number_block VALUES ('k1', 'A', '2026-11-26', 0, 501, 550);
             INSERT INTO ticket (id, device_id, queue, business_date, number, issued_at, field,
                                 priority, state, serve_queue)
                 VALUES ('tk1', 'k1', 'A', '2026-11-26', 1, '2026-11-26T01:00:00Z', 'HT', 'none',
                         'waiting', 'A');
             INSERT INTO ticket (id, device_id, queue, business_date, number, issued_at, field,
                                 priority, state, serve_queue, counter, clerk_id, first_called_at,
                                 called_at, calls, started_at, finished_at)
                 VALUES ('tk2', 'k1', 'A', '2026-11-26', 501, '2026-11-26T01:05:00Z', 'HT', 'none',
                         'done', 'A', 2, 'c2', '2026-11-26T01:15:00Z', '2026-11-26T01:15:00Z', 1,
                         '2026-11-26T01:16:00Z', '2026-11-26T01:26:00Z');
             INSERT INTO call_log (ticket_id, label, counter, clerk_id, action, at, business_date)
                 VALUES ('tk2', 'A501', 2, 'c2', 'call', '2026-11-26T01:15:00Z', '2026-11-26');
             INSERT INTO rating VALUES ('tk2', 2, 'c2', 'very_satisfied', '', '2026-11-26T01:27:00Z');
             INSERT INTO dossier VALUES ('H15.50.05.13-261120-0001', 'received', '1.001193',
                 'Nguyễn Văn An', '2026-11-20T01:15:00Z', NULL, NULL, '', 'Quầy 2', '7KQ2',
                 '4321', '2026-11-20T01:15:00Z', 5);
             UPDATE meta SET value = 5 WHERE key = 'rev';
             UPDATE meta SET value = 4 WHERE key = 'queues_rev';
             INSERT INTO settings VALUES (1, 'Nghỉ lễ thứ Hai', 'Closed on Monday', 3);
             INSERT INTO catalogue VALUES (1, '{}', 1);
             INSERT INTO clerk (id, username, name, password_hash, lead, created_at)
                 VALUES ('c1', 'lan', 'Trần Thị Lan', 'x', 1, '2026-11-24T00:00:00Z'),
                        ('c2', 'nam', 'Lê Văn Nam', 'x', 0, '2026-11-24T00:00:00Z');
             INSERT INTO counter_state (counter, clerk_id, queues, open, current, updated_at)
                 VALUES (2, 'c2', 'A', 1, NULL, '2026-11-26T01:26:00Z');
             INSERT INTO office_config VALUES ('queues', '{}');",
            token_hash(&kiosk),
            token_hash(&bridge),
            catalogue.replace('\'', "''"),
            queues.replace('\'', "''"),
        ),
    );

    let mut s = OfficeStore::open(db.target()).unwrap();
    let site = s.sole_site().unwrap().expect("the commune became a site");
    assert_eq!((site.id, site.code.as_str()), (S1, "main"));
    assert_eq!(s.rev(S1).unwrap(), 5, "kiosks page on from where they were");
    assert_eq!(s.event_count().unwrap(), 1);

    let k1 = s.device_for_token(&kiosk).unwrap().unwrap();
    assert_eq!((k1.role, k1.site()), (Role::Kiosk, Some(S1)));
    let i1 = s.device_for_token(&bridge).unwrap().unwrap();
    assert!(
        i1.serves(S1),
        "an integration of one commune serves every site"
    );
    let (tablet, _) = s
        .tablet_named(S1, "Máy tính bảng quầy 2")
        .unwrap()
        .expect("the tablet belongs to site 1");
    assert_eq!(tablet.site, S1);

    assert_eq!(s.next_number(S1, "tk4", "A", day()).unwrap(), 4);
    assert_eq!(
        s.reserve_block(&k1, "A", day(), 0, 50).unwrap(),
        NumberBlock {
            first: 501,
            last: 550
        },
        "the kiosk's block is the same on a retry"
    );
    assert!(s.dossier(S1, "H15.50.05.13-261120-0001").unwrap().is_some());
    assert_eq!(s.settings(S1).unwrap().notice_vi, "Nghỉ lễ thứ Hai");
    assert_eq!(s.catalogue().unwrap().as_deref(), Some(catalogue.as_str()));
    assert_eq!(s.queues(S1).unwrap().len(), 2);

    let (lan, _) = s.clerk_credentials("lan").unwrap().unwrap();
    assert_eq!((lan.role, lan.site), (ClerkRole::SiteLead, Some(S1)));
    let (nam, _) = s.clerk_credentials("nam").unwrap().unwrap();
    assert_eq!((nam.role, nam.site), (ClerkRole::Clerk, Some(S1)));

    let tz = chrono_tz::Asia::Ho_Chi_Minh;
    let report = s.report(S1, day(), day(), tz).unwrap();
    assert_eq!(report.total.tickets, 2, "{report:?}");
    assert_eq!(report.total.served, 1);
    assert_eq!(report.total.ratings.very_satisfied, 1);

    // Nam's counter is still open at site 1 and calls the waiting ticket.
    let now = Utc.with_ymd_and_hms(2026, 11, 26, 1, 30, 0).unwrap();
    s.open_session(&nam, 2, &["A".to_string()], now).unwrap();
    let at = crate::office::counters::ClerkSession {
        clerk: nam.clone(),
        counter: 2,
        site: S1,
    };
    let waiting = |s: &OfficeStore| -> Vec<(String, u32)> {
        let view = s.counter_view(&at, now, day()).unwrap();
        view.waiting
            .into_iter()
            .filter(|w| w.waiting > 0)
            .map(|w| (w.queue, w.waiting))
            .collect()
    };
    assert_eq!(
        waiting(&s),
        [("A".to_string(), 1)],
        "counted on the upgrade"
    );
    s.counter_action(&at, &Action::Next, now, day()).unwrap();
    let view = s.counter_view(&at, now, day()).unwrap();
    assert_eq!(view.current.map(|t| t.label).as_deref(), Some("A001"));
    assert_eq!(waiting(&s), [], "nobody waits once it is called");

    // A second commune added afterwards starts empty.
    let other = s
        .add_site("10105", "UBND xã Tân Tiến", Utc::now())
        .unwrap()
        .id;
    assert!(s
        .dossier(other, "H15.50.05.13-261120-0001")
        .unwrap()
        .is_none());
    assert_eq!(s.queues(other).unwrap().len(), 0);
    let before = s.rev(S1).unwrap();
    s.upsert_dossiers(S1, &[record(2, DossierStatus::Received)], Utc::now())
        .unwrap();
    drop(s);
    let s = OfficeStore::open(db.target()).unwrap();
    assert_eq!(
        s.rev(S1).unwrap(),
        before + 1,
        "the change outlived the process"
    );
    assert_eq!(
        s.rev(other).unwrap(),
        1,
        "only the catalogue, at the new site"
    );
    assert_eq!(s.sites().unwrap().len(), 2);
}
