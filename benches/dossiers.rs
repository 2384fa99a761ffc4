//! Dossier figures: importing 100,000 dossiers (parse + store), and looking one up by code
//! with 1,000,000 in the store; keeping that store within a size bound. `cargo bench --bench
//! dossiers`.

use std::time::{Duration, Instant};

use chrono::Utc;
use motcua::dossier_import::{parse, write_csv, DossierRecord, Format};
use motcua::kiosk::store::{LookupOutcome, Store};

mod common;
use common::record;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("kiosk.sqlite3")).unwrap();
    let now = Utc::now();

    // Import of 100,000 dossiers from a CSV file's text: parse, then one transaction.
    let first: Vec<DossierRecord> = (0..100_000).map(record).collect();
    let csv = write_csv(&first);
    let t = Instant::now();
    let parsed = parse(&csv, Format::Csv).unwrap();
    let parse_time = t.elapsed();
    assert!(parsed.errors.is_empty());
    let records: Vec<DossierRecord> = parsed.records.into_iter().map(|(_, r)| r).collect();
    let t = Instant::now();
    let counts = store.import_dossiers(&records, now).unwrap();
    let store_time = t.elapsed();
    assert_eq!(counts.inserted, 100_000);
    println!(
        "import 100,000 dossiers ({:.1} MB CSV): parse {:.2} s + store {:.2} s = {:.2} s",
        csv.len() as f64 / 1e6,
        parse_time.as_secs_f64(),
        store_time.as_secs_f64(),
        (parse_time + store_time).as_secs_f64()
    );
    let t = Instant::now();
    let again = store.import_dossiers(&records, now).unwrap();
    assert_eq!(again.unchanged, 100_000);
    println!(
        "re-import of the same 100,000 (nothing changes): {:.2} s",
        t.elapsed().as_secs_f64()
    );

    // Fill up to 1,000,000.
    let t = Instant::now();
    for chunk in (100_000..1_000_000u64).collect::<Vec<_>>().chunks(100_000) {
        let batch: Vec<DossierRecord> = chunk.iter().copied().map(record).collect();
        store.import_dossiers(&batch, now).unwrap();
    }
    println!(
        "filled to {} dossiers in {:.1} s; store file {:.0} MB",
        store.dossier_count().unwrap(),
        t.elapsed().as_secs_f64(),
        std::fs::metadata(dir.path().join("kiosk.sqlite3"))
            .unwrap()
            .len() as f64
            / 1e6
    );

    // Lookups of random existing codes: what the screen needs (dossier + steps).
    let mut rng = 0x2545F4914F6CDD1Du64;
    let mut next = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % 1_000_000
    };
    let codes: Vec<String> = (0..20_000)
        .map(|_| record(next()).code.as_str().to_string())
        .collect();
    let mut times = Vec::with_capacity(codes.len());
    for code in &codes {
        let t = Instant::now();
        let d = store.dossier(code).unwrap().expect("present");
        let steps = store.dossier_steps(code).unwrap();
        times.push(t.elapsed());
        std::hint::black_box((d, steps));
    }
    times.sort();
    println!(
        "lookup by code, 1,000,000 in store ({} lookups): p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        times.len(),
        percentile(&times, 0.5).as_secs_f64() * 1e6,
        percentile(&times, 0.99).as_secs_f64() * 1e6,
        times.last().unwrap().as_secs_f64() * 1e6
    );
    let mut misses = Vec::new();
    for i in 0..5_000 {
        let code = format!("H99.99-260101-{i:04}");
        let t = Instant::now();
        std::hint::black_box(store.dossier(&code).unwrap());
        misses.push(t.elapsed());
    }
    misses.sort();
    println!(
        "lookup of an unknown code: p50 {:.1} µs, p99 {:.1} µs",
        percentile(&misses, 0.5).as_secs_f64() * 1e6,
        percentile(&misses, 0.99).as_secs_f64() * 1e6
    );
    // The lookup log entry each lookup writes (a durable commit of its own).
    let mut writes = Vec::new();
    for code in codes.iter().take(500) {
        let t = Instant::now();
        let key = store.code_key(code).unwrap();
        store.log_lookup(&key, LookupOutcome::Found, now).unwrap();
        writes.push(t.elapsed());
    }
    writes.sort();
    println!(
        "lookup log write (keyed hash + durable insert): p50 {:.2} ms, p99 {:.2} ms",
        percentile(&writes, 0.5).as_secs_f64() * 1e3,
        percentile(&writes, 0.99).as_secs_f64() * 1e3
    );

    // The daily size check when the store is within its bound, then a bound of half what the
    // rows take: retention shortens, then finished dossiers go, oldest end first.
    let used = store.used_bytes().unwrap();
    let today = now.date_naive();
    let t = Instant::now();
    let same = store.shrink_to(used * 2, now, today, 90).unwrap();
    assert_eq!(same.dossiers, 0);
    println!(
        "size check within the bound ({:.0} MB used): {:.2} ms",
        used as f64 / 1e6,
        t.elapsed().as_secs_f64() * 1e3
    );
    let t = Instant::now();
    let shrunk = store.shrink_to(used / 2, now, today, 90).unwrap();
    println!(
        "shrink to half ({:.0} MB bound): {:.1} s, {} finished dossiers removed, {:.0} MB used after",
        (used / 2) as f64 / 1e6,
        t.elapsed().as_secs_f64(),
        shrunk.dossiers,
        shrunk.used_after as f64 / 1e6
    );
}
