//! `office set-booking`, `office set-days-off` and `office set-alert-rules`: a site's rules
//! read from JSON files.

use std::path::Path;

use anyhow::Context;
use motcua::domain::alerts::AlertRules;
use motcua::domain::booking::{BookingRules, WalkIn};
use motcua::domain::working_time::DaysOff;
use motcua::office::OfficeStore;

use super::office_sites::SiteArg;

/// The file's text, or an error naming it.
fn read(file: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))
}

/// `office set-booking`: the site's booking rules (docs/booking.md).
pub(super) fn set_booking(db: &Path, site: &SiteArg, file: &Path) -> anyhow::Result<()> {
    let rules = BookingRules::from_json(&read(file)?)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let mut store = OfficeStore::open(db)?;
    let id = site.one(&store)?.id;
    store.set_booking_rules(id, &rules)?;
    let slots: usize = rules
        .queues
        .iter()
        .map(|q| q.times.len() * q.days.len())
        .sum();
    println!(
        "booking rules set: {} queue(s), {slots} slots a week, {} days ahead; citizens book at /book",
        rules.queues.len(),
        rules.days_ahead
    );
    if rules.walk_in == WalkIn::PriorityOnly {
        println!("walk-in numbers go to the priority groups only, from the kiosks' next poll");
    }
    Ok(())
}

/// `office set-days-off`: the site's holidays and make-up working days (docs/radar.md).
pub(super) fn set_days_off(db: &Path, site: &SiteArg, file: &Path) -> anyhow::Result<()> {
    let days =
        DaysOff::from_json(&read(file)?).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let mut store = OfficeStore::open(db)?;
    let id = site.one(&store)?.id;
    store.set_days_off(id, &days)?;
    println!(
        "days off set: {} holiday(s), {} make-up working day(s); the deadline radar counts by them",
        days.holidays.len(),
        days.make_up.len()
    );
    Ok(())
}

/// `office set-alert-rules`: the site's alert thresholds (docs/alerts.md).
pub(super) fn set_alert_rules(db: &Path, site: &SiteArg, file: &Path) -> anyhow::Result<()> {
    let rules = AlertRules::from_json(&read(file)?)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let mut store = OfficeStore::open(db)?;
    let id = site.one(&store)?.id;
    store.set_alert_rules(id, &rules)?;
    let d = rules.limits("");
    println!(
        "alert rules set: by default a wait of {} min, {} waiting, a counter paused {} min or idle {} min; {} queue(s) with their own; the lead sees them at /alerts",
        d.wait_minutes,
        d.waiting,
        d.paused_minutes,
        d.idle_minutes,
        rules.queues.len()
    );
    Ok(())
}
