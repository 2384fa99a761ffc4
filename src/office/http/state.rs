//! What every route shares: the office database behind a lock, the office's time zone, the
//! wake-up of the live streams, the failed-login throttle and the password checks' slots.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;

use super::conn_pool::Urgency;
use super::error::HttpError;
use super::group_commit::SharedStore;
use super::metrics::Metrics;
use super::password_checks::PasswordChecks;
use super::rollup_cache::RollupCache;
use super::source_throttle::SourceThrottle;
use super::throttle::Throttle;
use crate::office::province::SiteRow;
use crate::office::store::{OfficeStore, SiteId};

/// The value of the streams' change counter that tells them the office is stopping: they
/// end, so a graceful stop does not wait for boards that never hang up.
pub(super) const CLOSING: u64 = u64::MAX;

/// Bookings one source address may make per [`BOOKING_WINDOW`] (a family's phones behind
/// one router book a few; a script booking every slot is stopped).
pub(super) const BOOKINGS_PER_SOURCE: u32 = 6;
/// Booking codes one source may look up or cancel per [`BOOKING_WINDOW`].
pub(super) const LOOKUPS_PER_SOURCE: u32 = 30;
/// The window of the booking throttles.
pub(super) const BOOKING_WINDOW: std::time::Duration = std::time::Duration::from_secs(3600);

/// The streams' wake-ups, one channel per site that has had a stream (sites are few and
/// known, so the map stays small).
#[derive(Default)]
struct SiteChanges {
    sites: HashMap<SiteId, tokio::sync::watch::Sender<u64>>,
    /// The office is stopping: a stream opened now ends at once.
    closing: bool,
}

/// What every handler shares.
#[derive(Clone)]
pub(super) struct App {
    /// The database, its calls gathered into group commits.
    store: SharedStore,
    /// Business dates ("today" in `changes`) are days in this zone.
    pub(super) tz: Tz,
    /// Per site, rises with every change its pages show, waking that site's live streams
    /// only: a press at one commune's counter does not make every commune's boards reread.
    changes: Arc<Mutex<SiteChanges>>,
    /// Tablets' pairing attempts per source address.
    pub(super) pairing: Arc<Mutex<SourceThrottle>>,
    /// Bookings made per source address (docs/booking.md).
    pub(super) bookings: Arc<Mutex<SourceThrottle>>,
    /// Booking codes looked up or cancelled per source address.
    pub(super) booking_lookups: Arc<Mutex<SourceThrottle>>,
    /// Failed clerk logins per (username, source), in memory (a restart forgets them, as
    /// it forgets nothing else that matters: the longest delay is 5 minutes).
    pub(super) throttle: Arc<Mutex<Throttle>>,
    /// The slots Argon2 checks run in.
    pub(super) password_checks: PasswordChecks,
    /// Served over TLS: cookies are `Secure`.
    pub(super) tls: bool,
    /// What `/metrics` shows.
    pub(super) metrics: Arc<Metrics>,
    /// The province roll-ups read in the last seconds, shared by a page's rows and charts.
    pub(super) rollups: Arc<RollupCache<Vec<SiteRow>>>,
}

impl App {
    /// The state over `store`; business dates are days in `tz`.
    pub(super) fn new(store: OfficeStore, tz: Tz) -> App {
        App {
            store: SharedStore::new(store),
            tz,
            changes: Default::default(),
            pairing: Default::default(),
            bookings: Arc::new(Mutex::new(SourceThrottle::new(
                BOOKINGS_PER_SOURCE,
                BOOKING_WINDOW,
            ))),
            booking_lookups: Arc::new(Mutex::new(SourceThrottle::new(
                LOOKUPS_PER_SOURCE,
                BOOKING_WINDOW,
            ))),
            throttle: Default::default(),
            password_checks: Default::default(),
            tls: false,
            metrics: Arc::new(Metrics::new()),
            rollups: Default::default(),
        }
    }

    /// Wakes the live streams of `site`: something they show may have changed.
    pub(super) fn changed(&self, site: SiteId) {
        let changes = self.changes.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(tx) = changes.sites.get(&site) {
            tx.send_if_modified(|v| match *v {
                // Stopping: streams have been told; nothing wakes them again.
                CLOSING => false,
                n => {
                    *v = (n + 1) % CLOSING;
                    true
                }
            });
        }
    }

    /// Tells the live streams the office is stopping; nothing wakes them afterwards.
    pub(super) fn close_streams(&self) {
        let mut changes = self.changes.lock().unwrap_or_else(|e| e.into_inner());
        changes.closing = true;
        for tx in changes.sites.values() {
            tx.send_replace(CLOSING);
        }
    }

    /// A receiver woken by [`changed`](Self::changed) for `site`.
    pub(super) fn subscribe(&self, site: SiteId) -> tokio::sync::watch::Receiver<u64> {
        let mut changes = self.changes.lock().unwrap_or_else(|e| e.into_inner());
        let start = if changes.closing { CLOSING } else { 0 };
        changes
            .sites
            .entry(site)
            .or_insert_with(|| tokio::sync::watch::channel(start).0)
            .subscribe()
    }

    /// Today in the office's time zone.
    pub(super) fn today(&self) -> NaiveDate {
        Utc::now().with_timezone(&self.tz).date_naive()
    }

    /// Runs `f` on the database off the async threads, answered once its changes are on
    /// disk (`group_commit`); a failure becomes the answer ([`HttpError`]'s conversion
    /// tells a counter's refusal from a broken database).
    pub(super) async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut OfficeStore) -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T, HttpError> {
        Ok(self.store.run(f).await?)
    }

    /// As [`with_store`](Self::with_store) for `f` that only reads (views, reports): on
    /// SQLite it reads the last commit on a connection of its own, not waiting for writes.
    pub(super) async fn read_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut OfficeStore) -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T, HttpError> {
        Ok(self.store.read(Urgency::Answer, f).await?)
    }

    /// As [`read_store`](Self::read_store) for a read nobody waits on (a live stream's view
    /// read again after a change): answers take the next free connection first.
    pub(super) async fn read_store_in_background<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut OfficeStore) -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T, HttpError> {
        Ok(self.store.read(Urgency::Background, f).await?)
    }
}
