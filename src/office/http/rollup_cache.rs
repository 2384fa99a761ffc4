//! The province roll-up of a range, kept for a few seconds: the page asks for its rows and
//! then its four charts at once, and each would otherwise read every site's month again
//! (five reads of ~100 sites × 31 days where one does). Concurrent asks for the same range
//! wait for the one read under way instead of starting their own.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

/// How long a roll-up is served again. Short, so a lead who reloads sees the day's new
/// tickets; long enough for one page's rows and charts.
const KEPT: Duration = Duration::from_secs(10);
/// Ranges kept at most; the oldest goes first.
const RANGES: usize = 8;

/// Roll-ups (`T`: the rows) by (from, to), with when each was read.
pub(super) struct RollupCache<T> {
    entries: tokio::sync::Mutex<HashMap<(NaiveDate, NaiveDate), (Instant, T)>>,
}

impl<T> Default for RollupCache<T> {
    fn default() -> Self {
        RollupCache {
            entries: Default::default(),
        }
    }
}

impl<T: Clone> RollupCache<T> {
    /// The rows of `from..=to`: kept ones if fresh, else `read`'s, then kept.
    pub(super) async fn get_or_read<E, F>(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        read: impl FnOnce() -> F,
    ) -> Result<T, E>
    where
        F: std::future::Future<Output = Result<T, E>>,
    {
        // Held across the read: the page's four charts wait for the rows' read and share it.
        let mut entries = self.entries.lock().await;
        let now = Instant::now();
        entries.retain(|_, (at, _)| now.duration_since(*at) < KEPT);
        if let Some((_, rows)) = entries.get(&(from, to)) {
            return Ok(rows.clone());
        }
        let rows = read().await?;
        if entries.len() >= RANGES {
            let oldest = entries
                .iter()
                .min_by_key(|(_, (at, _))| *at)
                .map(|(k, _)| *k);
            if let Some(k) = oldest {
                entries.remove(&k);
            }
        }
        entries.insert((from, to), (Instant::now(), rows.clone()));
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 10, day).unwrap()
    }

    #[tokio::test]
    async fn a_range_is_read_once_while_fresh_and_a_failed_read_is_not_kept() {
        let cache = RollupCache::<Vec<u32>>::default();
        let reads = Cell::new(0);
        let read = |v: u32| {
            reads.set(reads.get() + 1);
            async move { Ok::<_, String>(vec![v]) }
        };
        assert_eq!(
            cache.get_or_read(d(1), d(31), || read(1)).await,
            Ok(vec![1])
        );
        assert_eq!(
            cache.get_or_read(d(1), d(31), || read(2)).await,
            Ok(vec![1])
        );
        assert_eq!(reads.get(), 1);
        // Another range is its own read.
        assert_eq!(
            cache.get_or_read(d(2), d(31), || read(3)).await,
            Ok(vec![3])
        );
        assert_eq!(reads.get(), 2);
        let failed = cache
            .get_or_read(d(3), d(31), || async {
                Err::<Vec<u32>, _>("down".to_string())
            })
            .await;
        assert_eq!(failed, Err("down".to_string()));
        assert_eq!(
            cache.get_or_read(d(3), d(31), || read(4)).await,
            Ok(vec![4])
        );
    }

    #[tokio::test]
    async fn at_most_eight_ranges_are_kept_the_oldest_going_first() {
        let cache = RollupCache::<u32>::default();
        for day in 1..=9 {
            let v = cache
                .get_or_read(d(day), d(31), || async move { Ok::<_, ()>(day) })
                .await;
            assert_eq!(v, Ok(day));
        }
        assert_eq!(cache.entries.lock().await.len(), RANGES);
        assert!(!cache.entries.lock().await.contains_key(&(d(1), d(31))));
    }
}
