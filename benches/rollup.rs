//! The province roll-up's time (docs/province.md): 100 sites × 31 days, 60 tickets a site
//! a day (a third rated, one in twenty a no-show) and 10 dossiers a site a day, on
//! PostgreSQL (the test support's private server, or `MOTCUA_TEST_POSTGRES`) and on
//! SQLite; the roll-up must take at most 1 s on PostgreSQL. `cargo bench --bench province`
//! times the same history as a leader's page loads it. Run: `cargo bench --bench rollup`.

// The support's test macro is not used here.
#[allow(unused_macros, unused_imports)]
#[path = "../tests/support/office_db.rs"]
mod office_db;
#[path = "common/rollup_fill.rs"]
mod rollup_fill;

use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeDelta};
use motcua::office::OfficeStore;
use office_db::{Backend, TestDb};
use rollup_fill::{fill, DAYS, TZ};

/// Fills a fresh database on `backend` and times the roll-up of the 31 days (best of 3,
/// after one warm-up): (best time, rows, tickets counted).
fn measure(backend: Backend) -> (Duration, usize, u32) {
    let db = TestDb::new(backend);
    let first = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    let last = first + TimeDelta::days(i64::from(DAYS) - 1);
    fill(db.target(), backend, first);
    let store = OfficeStore::open(db.target()).unwrap();
    let rows = store.province_rollup(first, last, TZ).unwrap();
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        let again = store.province_rollup(first, last, TZ).unwrap();
        best = best.min(t.elapsed());
        assert_eq!(again, rows);
    }
    (best, rows.len(), rows.iter().map(|r| r.tickets).sum())
}

fn main() {
    for (backend, name) in [
        (Backend::Postgres, "PostgreSQL"),
        (Backend::Sqlite, "SQLite"),
    ] {
        let (best, sites, tickets) = measure(backend);
        println!(
            "rollup {name}: {sites} sites × {DAYS} days, {tickets} tickets: {:.0} ms (best of 3){}",
            best.as_secs_f64() * 1000.0,
            if backend == Backend::Postgres && best > Duration::from_secs(1) {
                "  OVER the 1 s budget"
            } else {
                ""
            }
        );
    }
}
