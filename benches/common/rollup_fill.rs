//! The province roll-up's history, shared by `rollup` and `province`: 100 sites × 31 days,
//! 60 tickets a site a day (a third rated, one in twenty a no-show) and 10 dossiers a site a
//! day, written in multi-row inserts (through `OfficeStore` it would take minutes; the rows
//! are the ones the store writes). Expects the including bench to declare `office_db`.

use chrono::{DateTime, NaiveDate, SecondsFormat, TimeDelta, TimeZone, Utc};
use motcua::office::{OfficeStore, Role};

use super::office_db::Backend;

pub const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;
pub const SITES: u32 = 100;
pub const DAYS: u32 = 31;
const TICKETS: u32 = 60;
const DOSSIERS: u32 = 10;

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

/// Fills `target` with the sites, tickets, ratings and dossiers above, from `first` on.
pub fn fill(target: &str, backend: Backend, first: NaiveDate) {
    let mut s = OfficeStore::open(target).unwrap();
    let now = Utc::now();
    let mut sites = vec![(
        1i64,
        s.enroll_device("K1", Role::Kiosk, &[motcua::office::store::SiteId(1)], now)
            .unwrap()
            .0
            .id,
    )];
    for n in 2..=SITES {
        let site = s
            .add_site(
                &format!("{:05}", 10000 + n),
                &format!("UBND xã Số {n}"),
                now,
            )
            .unwrap();
        let dev = s
            .enroll_device(&format!("K{n}"), Role::Kiosk, &[site.id], now)
            .unwrap()
            .0;
        sites.push((site.id.0, dev.id));
    }
    drop(s);
    let mut statements = Vec::new();
    let (mut tickets, mut ratings, mut dossiers) = (Vec::new(), Vec::new(), Vec::new());
    let mut flush = |t: &mut Vec<String>, r: &mut Vec<String>, d: &mut Vec<String>, force: bool| {
        if t.len() >= 2000 || force && !t.is_empty() {
            statements.push(format!(
                "INSERT INTO ticket (id, device_id, queue, business_date, number, issued_at, field, priority, state, first_called_at, site_id) VALUES {}",
                t.join(",")
            ));
            t.clear();
        }
        if r.len() >= 2000 || force && !r.is_empty() {
            statements.push(format!(
                "INSERT INTO rating (ticket_id, counter, score, reasons, at, site_id) VALUES {}",
                r.join(",")
            ));
            r.clear();
        }
        if d.len() >= 2000 || force && !d.is_empty() {
            statements.push(format!(
                "INSERT INTO dossier (code, status, procedure_code, applicant_name, received_at, due_at, finished_at, note, pickup_place, secret, phone_last4, updated_at, rev, site_id) VALUES {}",
                d.join(",")
            ));
            d.clear();
        }
    };
    let scores = ["very_satisfied", "satisfied", "unsatisfied"];
    for (si, (site, device)) in sites.iter().enumerate() {
        for day in 0..DAYS {
            let date = first + TimeDelta::days(i64::from(day));
            let open = TZ
                .from_local_datetime(&date.and_hms_opt(7, 30, 0).unwrap())
                .unwrap()
                .with_timezone(&Utc);
            for n in 1..=TICKETS {
                let id = format!("s{site}-d{day}-{n}");
                let issued = open + TimeDelta::minutes(i64::from(n * 7));
                let called =
                    issued + TimeDelta::minutes(i64::from((n * 13 + day + si as u32) % 40 + 1));
                let state = if n % 20 == 0 { "no_show" } else { "done" };
                tickets.push(format!(
                    "('{id}', '{device}', 'A', '{date}', {n}, '{}', 'HT', 'none', '{state}', '{}', {site})",
                    ts(issued),
                    ts(called)
                ));
                if n % 3 == 0 {
                    let score = scores[(n as usize + si) % 3];
                    ratings.push(format!(
                        "('{id}', 1, '{score}', '[]', '{}', {site})",
                        ts(called)
                    ));
                }
            }
            for n in 0..DOSSIERS {
                let finished = open + TimeDelta::hours(i64::from(n % 8 + 1));
                let due = finished + TimeDelta::hours(i64::from(n % 5) * 24 - 12);
                dossiers.push(format!(
                    "('H{site}.{day}.{n}', 'returned', '1.001193', 'Nguyễn Văn An', '{}', '{}', '{}', '', '', '', '', '{}', 1, {site})",
                    ts(finished - TimeDelta::days(3)),
                    ts(due),
                    ts(finished),
                    ts(finished)
                ));
            }
            flush(&mut tickets, &mut ratings, &mut dossiers, false);
        }
    }
    flush(&mut tickets, &mut ratings, &mut dossiers, true);
    match backend {
        Backend::Postgres => {
            let mut c = postgres::Client::connect(target, postgres::NoTls).unwrap();
            let mut tx = c.transaction().unwrap();
            for s in &statements {
                tx.batch_execute(s).unwrap();
            }
            tx.commit().unwrap();
            c.batch_execute("ANALYZE").unwrap();
        }
        Backend::Sqlite => {
            let mut c = rusqlite::Connection::open(target).unwrap();
            let tx = c.transaction().unwrap();
            for s in &statements {
                tx.execute_batch(s).unwrap();
            }
            tx.commit().unwrap();
            c.execute_batch("ANALYZE").unwrap();
        }
    }
}
