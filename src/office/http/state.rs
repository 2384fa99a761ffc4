//! What every route shares: the office database behind a lock, the office's time zone, the
//! wake-up of the live streams, the failed-login throttle and the password checks' slots.

use std::sync::{Arc, Mutex};

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;

use super::error::HttpError;
use super::metrics::Metrics;
use super::pairing_throttle::PairingThrottle;
use super::password_checks::PasswordChecks;
use super::throttle::Throttle;
use crate::office::store::OfficeStore;

/// The value of the streams' change counter that tells them the office is stopping: they
/// end, so a graceful stop does not wait for boards that never hang up.
pub(super) const CLOSING: u64 = u64::MAX;

/// What every handler shares.
#[derive(Clone)]
pub(super) struct App {
    store: Arc<Mutex<OfficeStore>>,
    /// Business dates ("today" in `changes`) are days in this zone.
    pub(super) tz: Tz,
    /// Rises with every change a page shows, waking the live streams.
    changes: Arc<tokio::sync::watch::Sender<u64>>,
    /// Tablets' pairing attempts per source address.
    pub(super) pairing: Arc<Mutex<PairingThrottle>>,
    /// Failed clerk logins per (username, source), in memory (a restart forgets them, as
    /// it forgets nothing else that matters: the longest delay is 5 minutes).
    pub(super) throttle: Arc<Mutex<Throttle>>,
    /// The slots Argon2 checks run in.
    pub(super) password_checks: PasswordChecks,
    /// Served over TLS: cookies are `Secure`.
    pub(super) tls: bool,
    /// What `/metrics` shows.
    pub(super) metrics: Arc<Metrics>,
}

impl App {
    /// The state over `store`; business dates are days in `tz`.
    pub(super) fn new(store: OfficeStore, tz: Tz) -> App {
        App {
            store: Arc::new(Mutex::new(store)),
            tz,
            changes: Arc::new(tokio::sync::watch::channel(0).0),
            pairing: Default::default(),
            throttle: Default::default(),
            password_checks: Default::default(),
            tls: false,
            metrics: Arc::new(Metrics::new()),
        }
    }

    /// Wakes the live streams: something they show may have changed.
    pub(super) fn changed(&self) {
        self.changes.send_if_modified(|v| match *v {
            // Stopping: streams have been told; nothing wakes them again.
            CLOSING => false,
            n => {
                *v = (n + 1) % CLOSING;
                true
            }
        });
    }

    /// Tells the live streams the office is stopping; nothing wakes them afterwards.
    pub(super) fn close_streams(&self) {
        self.changes.send_replace(CLOSING);
    }

    /// A receiver woken by [`changed`](Self::changed).
    pub(super) fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// Today in the office's time zone.
    pub(super) fn today(&self) -> NaiveDate {
        Utc::now().with_timezone(&self.tz).date_naive()
    }

    /// Runs `f` on the database off the async threads; a failure becomes the answer
    /// ([`HttpError`]'s conversion tells a counter's refusal from a broken database).
    pub(super) async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut OfficeStore) -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T, HttpError> {
        let store = self.store.clone();
        let result = tokio::task::spawn_blocking(move || {
            let mut guard = store.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| anyhow::anyhow!("database task failed: {e}"));
        Ok(result.and_then(|r| r)?)
    }
}
