//! Store upkeep the UI never sees: the daily retention prune and the size pass that keeps
//! the store within `max_store_mb`. The controller owns one [`Upkeep`] and ticks it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};

use crate::config::Config;
use crate::kiosk::store::{Pruned, Store};

/// When the store was last pruned and sized, and the size pass running, if any.
#[derive(Default)]
pub struct Upkeep {
    /// A size pass (`Store::shrink_to_unless`) on its own connection and thread.
    shrinking: Option<SizePass>,
    /// When to look at the store's size next (monotonic: a clock jump cannot stop it).
    next_size_check: Option<Instant>,
    /// The "over its bound, trimming after closing time" warning was given.
    size_warned: bool,
    /// The local day the store was last pruned (retention), once a day and at start.
    pruned_on: Option<NaiveDate>,
}

/// A size pass running on its own thread, and how to stop it.
struct SizePass {
    thread: std::thread::JoinHandle<()>,
    cancel: Arc<AtomicBool>,
    /// The pass's connection, once opened: interrupts the statement it runs (a `VACUUM`).
    interrupt: Arc<Mutex<Option<rusqlite::InterruptHandle>>>,
}

impl Drop for Upkeep {
    /// A size pass in progress is cancelled: a stop or restart must not wait for a rebuild
    /// (each step is a transaction; an interrupted one leaves the store as it was).
    fn drop(&mut self) {
        if let Some(pass) = self.shrinking.take() {
            pass.cancel.store(true, Ordering::SeqCst);
            if let Some(handle) = pass
                .interrupt
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .as_ref()
            {
                handle.interrupt();
            }
            let _ = pass.thread.join();
        }
    }
}

impl Upkeep {
    /// Once a day (and at start): old tickets and logs leave the store, so the board's
    /// flash never fills. Quick deletes on this thread, between touches.
    pub fn tick(&mut self, store: &mut Store, config: &Config, now: DateTime<Utc>) {
        self.keep_within_bound(store, config, now);
        let day = now.with_timezone(&config.tz()).date_naive();
        // A size pass prunes too, and holds the write lock: the daily prune waits for it.
        if self.pruned_on == Some(day) || self.size_pass_running() {
            return;
        }
        self.pruned_on = Some(day);
        let result = store
            .business_date_at(now, config.tz())
            .and_then(|today| store.prune(now, today, config.kiosk.retention_days));
        match result {
            Ok(p) if p != Pruned::default() => log::info!(
                event = "retention";
                "retention ({} days): removed {} tickets, {} sent events, {} lookup rows, {} old day rows",
                config.kiosk.retention_days,
                p.tickets,
                p.events,
                p.lookups,
                p.days
            ),
            Ok(_) => {}
            Err(e) => log::error!("cannot prune the store: {e:#}"),
        }
    }

    fn size_pass_running(&self) -> bool {
        self.shrinking
            .as_ref()
            .is_some_and(|p| !p.thread.is_finished())
    }

    /// Looks at the store's size now and then; above `max_store_mb`, and when no citizen is
    /// served (the office closed, or no hours kept), shrinks it on a thread of its own: the
    /// rebuild can take a minute and the UI must keep feeding the watchdog.
    fn keep_within_bound(&mut self, store: &Store, config: &Config, now: DateTime<Utc>) {
        if self.size_pass_running() {
            return;
        }
        if let Some(done) = self.shrinking.take() {
            let _ = done.thread.join();
        }
        if self.next_size_check.is_some_and(|at| Instant::now() < at) {
            return;
        }
        let mut later = |d: Duration| self.next_size_check = Some(Instant::now() + d);
        let max_mb = config.kiosk.max_store_mb;
        let bound = u64::from(max_mb) * 1024 * 1024;
        let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
        let used = match store.used_bytes() {
            Ok(used) => used,
            Err(e) => {
                log::error!("cannot measure the store: {e:#}");
                return later(Duration::from_secs(3600));
            }
        };
        if used <= bound {
            return later(Duration::from_secs(6 * 3600));
        }
        let local = now.with_timezone(&config.tz()).naive_local();
        let quiet = crate::domain::hours::is_quiet(local, &config.hours);
        if !quiet {
            later(Duration::from_secs(600));
            if !std::mem::replace(&mut self.size_warned, true) {
                log::warn!(
                    event = "store_over_bound";
                    "the store takes {:.1} MB, over its {max_mb} MB bound: trimming after closing time",
                    mb(used)
                );
            }
            return;
        }
        let path = store.path().to_path_buf();
        later(Duration::from_secs(6 * 3600));
        self.size_warned = false;
        let (tz, days) = (config.tz(), config.kiosk.retention_days);
        let cancel = Arc::new(AtomicBool::new(false));
        let interrupt = Arc::new(Mutex::new(None));
        let (c, i) = (cancel.clone(), interrupt.clone());
        let pass = std::thread::Builder::new()
            .name("store-size".into())
            .spawn(move || {
                let result = Store::open(&path).and_then(|mut store| {
                    *i.lock().unwrap_or_else(|e| e.into_inner()) = Some(store.interrupt_handle());
                    let today = store.business_date_at(now, tz)?;
                    store.shrink_to_unless(bound, now, today, days, &c)
                });
                match result {
                    Ok(s) if s.within(bound) => log::warn!(
                        event = "store_shrunk", retention_days = s.retention_days, dossiers = s.dossiers;
                        "the store outgrew {max_mb} MB ({:.1} MB): kept {} days of tickets and logs, removed {} finished dossiers; now {:.1} MB",
                        mb(s.used_before), s.retention_days, s.dossiers, mb(s.used_after)
                    ),
                    Ok(s) => log::error!(
                        event = "store_full";
                        "the store still takes {:.1} MB, over its {max_mb} MB bound, with only unsent tickets, dossiers in progress and this week's rows left: raise kiosk.max_store_mb or check the sync",
                        mb(s.used_after)
                    ),
                    Err(e) => log::error!("cannot keep the store within its bound: {e:#}"),
                }
            });
        match pass {
            Ok(thread) => {
                self.shrinking = Some(SizePass {
                    thread,
                    cancel,
                    interrupt,
                })
            }
            Err(e) => log::error!("cannot start the store's size pass: {e}"),
        }
    }
}
