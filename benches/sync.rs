//! Sync figures against a real office server on 127.0.0.1 (in this process) with real SQLite
//! files: the first sync of 100,000 dossiers to an empty kiosk, the bytes of an idle poll each
//! way (counted by a relay between kiosk and office), the catch-up of 1,000 tickets issued
//! offline, and the time to get an online number. `cargo bench --bench sync`.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use chrono::Utc;
use motcua::config::Config;
use motcua::domain::priority::PriorityGroup;
use motcua::kiosk::store::Numbering;
use motcua::kiosk::sync::{round, OfficeClient, RoundConfig};
use motcua::office::http::spawn_with_shutdown;
use motcua::office::{OfficeStore, Role};

mod common;
use common::record;
#[path = "common/relay.rs"]
mod relay;
use relay::relay;

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let office_db = dir.path().join("office.sqlite3");
    let n = 100_000u64;
    let records: Vec<_> = (0..n).map(record).collect();
    let token = {
        let mut o = OfficeStore::open(&office_db).unwrap();
        let t = Instant::now();
        o.upsert_dossiers(S1, &records, Utc::now()).unwrap();
        println!(
            "office: upsert of {n} dossiers {:.2} s",
            t.elapsed().as_secs_f64()
        );
        o.enroll_device("Kiosk bench", Role::Kiosk, &[S1], Utc::now())
            .unwrap()
            .1
    };
    let office = spawn_with_shutdown(&office_db, "127.0.0.1:0", TZ).unwrap();
    let (relay_addr, counted) = relay(office.addr());
    let url = format!("http://{relay_addr}");

    let kiosk_dir = dir.path().join("kiosk");
    let mut store = motcua::kiosk::open_store(&kiosk_dir).unwrap();
    let config = Config::default();
    let cfg = RoundConfig::from_config(&config);
    let client = OfficeClient::new(&url, &token, Duration::from_millis(300));

    // First sync: every dossier, the catalogue of blocks for four days, nothing to push.
    let t = Instant::now();
    let report = round(&mut store, &client, &cfg, &Utc::now).unwrap();
    let first = t.elapsed();
    assert_eq!(store.dossier_count().unwrap(), n);
    println!(
        "first sync of {n} dossiers to an empty kiosk: {:.2} s ({} pages, {} dossiers stored, {} blocks, {:.1} MB received)",
        first.as_secs_f64(),
        report.pages,
        report.dossiers,
        report.blocks,
        counted.down.load(Ordering::SeqCst) as f64 / 1e6
    );

    // Idle polls: nothing changed, nothing to push, blocks held.
    let mut ups = Vec::new();
    let mut downs = Vec::new();
    for _ in 0..20 {
        let (u0, d0) = (
            counted.up.load(Ordering::SeqCst),
            counted.down.load(Ordering::SeqCst),
        );
        let r = round(&mut store, &client, &cfg, &Utc::now).unwrap();
        assert_eq!((r.pushed, r.dossiers, r.blocks, r.pages), (0, 0, 0, 1));
        // The relay counts after forwarding; give its threads a moment.
        std::thread::sleep(Duration::from_millis(20));
        ups.push(counted.up.load(Ordering::SeqCst) - u0);
        downs.push(counted.down.load(Ordering::SeqCst) - d0);
    }
    println!(
        "idle poll: kiosk → office {} B, office → kiosk {} B (max over 20 polls: {} B / {} B)",
        ups[ups.len() - 1],
        downs[downs.len() - 1],
        ups.iter().max().unwrap(),
        downs.iter().max().unwrap()
    );

    // Catch-up: 1,000 tickets issued from the blocks while the office was away.
    for attempt in 1..=3 {
        for i in 0..1000 {
            let q = ["A", "B", "C", "D"][i % 4];
            let field = &config.queues.iter().find(|x| x.prefix == q).unwrap().fields[0];
            store
                .issue_ticket_with(
                    q,
                    field,
                    PriorityGroup::None,
                    Utc::now(),
                    TZ,
                    Numbering::Block,
                )
                .unwrap();
        }
        let t = Instant::now();
        let r = round(&mut store, &client, &cfg, &Utc::now).unwrap();
        let took = t.elapsed();
        assert_eq!(r.pushed, 1000);
        println!(
            "catch-up of 1,000 offline tickets (run {attempt}): {:.3} s",
            took.as_secs_f64()
        );
    }

    // Online numbers: what a ticket waits for while the office is reachable.
    let mut times = Vec::new();
    let today = store.business_date_at(Utc::now(), TZ).unwrap();
    for _ in 0..500 {
        let id = uuid::Uuid::new_v4().to_string();
        let t = Instant::now();
        client.number(&id, "A", today).unwrap();
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "online number over loopback: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (budget 300 ms)",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
    office.shutdown();
}

/// The site a new office database starts with.
const S1: motcua::office::store::SiteId = motcua::office::store::SiteId(1);
