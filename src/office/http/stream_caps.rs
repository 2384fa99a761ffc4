//! Caps on live streams (stream.rs): each holds a connection, a task and a database
//! snapshot every few seconds, so one source address may hold only a few, and each view
//! kind (board, counter, rate) only so many in all. A slot is freed when its stream ends.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;

use super::error::HttpError;
use super::shed::{shed, Shed};

/// Live streams open now, per source address and per view kind.
#[derive(Debug, Default)]
struct Open {
    by_source: HashMap<IpAddr, usize>,
    by_view: HashMap<&'static str, usize>,
}

/// Why a stream may not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// The source address holds its share.
    Source,
    /// The view kind is full.
    View,
}

/// Whether one more stream of `view` from `source` fits under the caps.
fn check(
    open: &Open,
    source: IpAddr,
    view: &str,
    per_source: usize,
    per_view: usize,
) -> Result<(), Refusal> {
    if open.by_source.get(&source).copied().unwrap_or(0) >= per_source {
        return Err(Refusal::Source);
    }
    if open.by_view.get(view).copied().unwrap_or(0) >= per_view {
        return Err(Refusal::View);
    }
    Ok(())
}

/// The caps and the streams they count.
#[derive(Debug)]
pub(super) struct StreamCaps {
    per_source: usize,
    per_view: usize,
    open: Mutex<Open>,
}

impl StreamCaps {
    /// Caps of `per_source` streams per source address and `per_view` per view kind.
    pub(super) fn new(per_source: usize, per_view: usize) -> Arc<StreamCaps> {
        Arc::new(StreamCaps {
            per_source,
            per_view,
            open: Mutex::default(),
        })
    }

    /// A slot for a stream of `view` from `source`, or the refusal to answer: 429
    /// `too_many_streams` for the source, 503 `streams_full` for the view.
    pub(super) fn open(
        self: &Arc<Self>,
        source: IpAddr,
        view: &'static str,
    ) -> Result<StreamSlot, HttpError> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        match check(&open, source, view, self.per_source, self.per_view) {
            Ok(()) => {}
            Err(Refusal::Source) => {
                shed(
                    Shed::Stream,
                    &format!("{source} holds {} live streams", self.per_source),
                );
                return Err(HttpError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_streams",
                    format!(
                        "this address already has {} live streams open; close one first",
                        self.per_source
                    ),
                ));
            }
            Err(Refusal::View) => {
                shed(
                    Shed::Stream,
                    &format!("{} live {view} streams open", self.per_view),
                );
                return Err(HttpError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "streams_full",
                    format!(
                        "{} live {view} streams are open; try again later",
                        self.per_view
                    ),
                ));
            }
        }
        *open.by_source.entry(source).or_default() += 1;
        *open.by_view.entry(view).or_default() += 1;
        Ok(StreamSlot {
            caps: self.clone(),
            source,
            view,
        })
    }

    /// The live streams per view kind, by kind (`/metrics`).
    pub(super) fn live(&self) -> Vec<(&'static str, usize)> {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let mut live: Vec<_> = open.by_view.iter().map(|(v, n)| (*v, *n)).collect();
        live.sort();
        live
    }
}

/// One live stream's place under the caps, freed when dropped (with the stream).
#[derive(Debug)]
pub(super) struct StreamSlot {
    caps: Arc<StreamCaps>,
    source: IpAddr,
    view: &'static str,
}

/// Takes one from `key`'s count, forgetting keys at zero so the table stays small.
fn release<K: std::hash::Hash + Eq>(counts: &mut HashMap<K, usize>, key: &K) {
    if let Some(n) = counts.get_mut(key) {
        *n -= 1;
        if *n == 0 {
            counts.remove(key);
        }
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.caps.open.lock().unwrap_or_else(|e| e.into_inner());
        release(&mut open.by_source, &self.source);
        release(&mut open.by_view, &self.view);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn ip(n: u8) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(10, 0, 0, n))
    }

    #[test]
    fn a_source_gets_its_share_and_a_view_its_total() {
        let caps = StreamCaps::new(2, 3);
        let a1 = caps.open(ip(1), "board").unwrap();
        let _a2 = caps.open(ip(1), "counter").unwrap();
        let e = caps.open(ip(1), "rate").unwrap_err();
        assert!(format!("{e:?}").contains("too_many_streams"));
        let _b1 = caps.open(ip(2), "board").unwrap();
        let _c1 = caps.open(ip(3), "board").unwrap();
        let e = caps.open(ip(4), "board").unwrap_err();
        assert!(format!("{e:?}").contains("streams_full"));
        // Another view kind has room of its own.
        assert!(caps.open(ip(4), "rate").is_ok());
        drop(a1);
        assert!(
            caps.open(ip(4), "board").is_ok(),
            "a freed slot is reusable at once"
        );
    }

    #[test]
    fn released_counts_leave_no_keys_behind() {
        let caps = StreamCaps::new(5, 5);
        drop(caps.open(ip(9), "board").unwrap());
        let open = caps.open.lock().unwrap();
        assert!(open.by_source.is_empty() && open.by_view.is_empty());
    }

    #[test]
    fn live_streams_are_counted_per_view() {
        let caps = StreamCaps::new(5, 5);
        let a = caps.open(ip(1), "board").unwrap();
        let _b = caps.open(ip(2), "board").unwrap();
        let _c = caps.open(ip(1), "rate").unwrap();
        assert_eq!(caps.live(), [("board", 2), ("rate", 1)]);
        drop(a);
        assert_eq!(caps.live(), [("board", 1), ("rate", 1)]);
    }
}
