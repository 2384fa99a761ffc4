//! The demo's office server, started in the demo's own process.

use std::path::Path;

use anyhow::Context;

use motcua::config::Config;
use motcua::kiosk;

/// The demo's first start puts sample dossiers in the store and says how to look them up.
/// The demo's office, in this process on 127.0.0.1: its database and a kiosk token live in
/// the data directory, the sample dossiers are loaded into it on first start (the kiosk gets
/// them by syncing), and the config is pointed at it unless it names an office already.
pub(super) fn start(
    data_dir: &Path,
    config: &mut Config,
) -> anyhow::Result<motcua::office::OfficeHandle> {
    use motcua::office::{OfficeStore, Role};
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    let db = data_dir.join("office.sqlite3");
    let token_file = data_dir.join("demo-kiosk.token");
    let mut office = OfficeStore::open(&db)?;
    // The demo's database has the one site a new database starts with.
    let site = office
        .sole_site()?
        .context("the demo's office database serves several sites")?
        .id;
    let token = match std::fs::read_to_string(&token_file) {
        Ok(t) if !t.trim().is_empty() => t.trim().to_string(),
        _ => {
            let (_, token) =
                office.enroll_device("Kiosk demo", Role::Kiosk, &[site], chrono::Utc::now())?;
            std::fs::write(&token_file, &token)
                .with_context(|| format!("cannot write {}", token_file.display()))?;
            token
        }
    };
    if office.dossier_count()? == 0 {
        let samples = kiosk::demo::sample_dossiers(chrono::Utc::now());
        office.upsert_dossiers(site, &samples, chrono::Utc::now())?;
        println!("Demo dossiers for Tra cứu hồ sơ (code, then lookup code or phone's last 4):");
        for d in &samples {
            println!(
                "  {}  {:<22} {} / {}",
                d.code,
                d.status.label_vi(),
                d.secret,
                d.phone_last4
            );
        }
    }
    office.set_queues(site, &super::office::office_queues(config))?;
    if office.clerk_credentials("demo")?.is_none() {
        office.add_clerk(
            Some(site),
            "demo",
            "Cán bộ demo",
            "demo-quay-1",
            motcua::office::counters::ClerkRole::SiteLead,
            false,
            chrono::Utc::now(),
        )?;
    }
    if office.booking_rules(site)?.is_none() {
        office.set_booking_rules(site, &demo_booking(config))?;
    }
    let pairing = demo_tablet(&mut office, site)?;
    drop(office);
    let handle = motcua::office::http::spawn_with_shutdown(&db, "127.0.0.1:0", config.tz())?;
    // The port is new at each start: the follow pages' address is known only now, and is
    // set before the kiosk starts, so its first sync brings it.
    OfficeStore::open(&db)?.set_public_url(site, &handle.url())?;
    if config.sync.office().is_none() {
        config.sync.office_url = Some(handle.url());
        config.sync.token = Some(token);
    }
    println!(
        "Demo office server on {} (database {}); the kiosk syncs with {}",
        handle.url(),
        db.display(),
        config.sync.office_url.as_deref().unwrap_or("-")
    );
    println!(
        "  counter console {0}/counter (user demo, password demo-quay-1), display board {0}/board, rating tablet {0}/rate/1, reports {0}/reports, booking {0}/book",
        handle.url()
    );
    println!(
        "  the lead's pages, same login: deadline radar {0}/radar, monthly scorecard {0}/scorecard, booking rules {0}/booking-rules; every page is listed on {0}/",
        handle.url()
    );
    match pairing {
        Some(code) => println!(
            "  the rating tablet pairs once: open {}/rate/1 and type the code {code}",
            handle.url()
        ),
        None => println!("  the rating tablet for counter 1 is paired (a new code: office pair-tablet --name \"{DEMO_TABLET}\")"),
    }
    Ok(handle)
}

/// The demo's booking rules: every queue of the config, on its service days, a slot each
/// half hour of its sessions, 2 citizens a slot.
fn demo_booking(config: &motcua::config::Config) -> motcua::domain::booking::BookingRules {
    let mut times = Vec::new();
    for s in &config.hours.sessions {
        let mut t = s.start;
        while t < s.end {
            times.push(t.format("%H:%M").to_string());
            t += chrono::TimeDelta::minutes(30);
        }
    }
    let days: Vec<String> = config
        .hours
        .days
        .iter()
        .map(|d| d.to_string().to_lowercase()[..3].to_string())
        .collect();
    motcua::domain::booking::BookingRules {
        queues: config
            .queues
            .iter()
            .map(|q| motcua::domain::booking::QueueSlots {
                queue: q.prefix.clone(),
                days: days.clone(),
                times: times.clone(),
                per_slot: 2,
            })
            .collect(),
        days_ahead: 14,
        per_phone_active: 3,
        per_phone_day: 2,
        early_minutes: 10,
        late_minutes: 15,
        order: Default::default(),
        walk_in: Default::default(),
    }
}

/// The demo's rating tablet.
const DEMO_TABLET: &str = "Máy tính bảng quầy 1";

/// Enrols the demo's tablet for counter 1 on first start; until a browser has paired it,
/// each start gives a fresh code (returned), so a newcomer can always pair /rate/1.
fn demo_tablet(
    office: &mut motcua::office::OfficeStore,
    site: motcua::office::store::SiteId,
) -> anyhow::Result<Option<String>> {
    let now = chrono::Utc::now();
    let code = match office.tablet_named(site, DEMO_TABLET)? {
        Some((_, true)) => return Ok(None),
        Some(_) => office.new_pairing_code(site, DEMO_TABLET, now)?.1,
        None => office.enroll_tablet(site, DEMO_TABLET, 1, now)?.1,
    };
    Ok(Some(code.code))
}
