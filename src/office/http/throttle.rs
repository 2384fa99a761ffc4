//! The failed-login throttle: failures are counted per (username, source address), so a
//! stranger guessing a clerk's password from one machine slows only that machine's
//! guesses, never the clerk's own login from theirs. Each source also has a cap across
//! usernames, so one machine cannot try many names. IPv6 sources count by their /64 (one
//! machine easily holds a whole /64). Both tables are bounded and forget idle entries, so
//! a flood of made-up names cannot grow the office's memory. Pure: time is passed in.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// Failures of one (username, source) that cost nothing.
pub(super) const FREE_FAILURES: u32 = 3;
/// The delay after the first failure past the free ones; it doubles with each further one.
pub(super) const FIRST_DELAY: Duration = Duration::from_secs(1);
/// The longest delay.
pub(super) const MAX_DELAY: Duration = Duration::from_secs(5 * 60);
/// Failures one source may make across usernames within [`SOURCE_WINDOW`].
pub(super) const SOURCE_FAILURES: u32 = 20;
/// The window of [`SOURCE_FAILURES`].
pub(super) const SOURCE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// An entry not touched for this long is forgotten.
pub(super) const EXPIRY: Duration = Duration::from_secs(15 * 60);
/// Entries per table at most; past it the oldest goes.
pub(super) const MAX_ENTRIES: usize = 10_000;

/// Where attempts come from, as counted: an IPv4 address, or an IPv6 /64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Source(IpAddr);

impl Source {
    /// `ip`'s group: itself for IPv4 (also when mapped into IPv6), its /64 for IPv6.
    pub(super) fn of(ip: IpAddr) -> Source {
        match ip {
            IpAddr::V4(_) => Source(ip),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Source(IpAddr::V4(v4)),
                None => {
                    let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                    Source(IpAddr::V6(prefix.into()))
                }
            },
        }
    }
}

/// Failures of one (username, source).
#[derive(Debug, Clone)]
struct PairEntry {
    failures: u32,
    /// No attempt before this.
    blocked_until: Option<Instant>,
    last: Instant,
}

/// Failures of one source across usernames in its current window.
#[derive(Debug, Clone)]
struct SourceEntry {
    window_start: Instant,
    failures: u32,
    last: Instant,
}

/// Why an attempt may not go ahead: try again after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Throttled {
    /// How long until an attempt is let through.
    pub retry_after: Duration,
    /// The source's cap across usernames was reached (not this username's delay).
    pub whole_source: bool,
}

/// The throttle's state: both tables.
#[derive(Debug, Default)]
pub(super) struct Throttle {
    pairs: HashMap<(String, Source), PairEntry>,
    sources: HashMap<Source, SourceEntry>,
}

/// The delay after `failures` failures of one pair.
pub(super) fn delay_after(failures: u32) -> Option<Duration> {
    let over = failures.checked_sub(FREE_FAILURES)?;
    // 1 s, 2 s, 4 s…: past 2^9 s the cap holds anyway.
    Some((FIRST_DELAY * 2u32.pow(over.min(9))).min(MAX_DELAY))
}

impl Throttle {
    /// Lets one login attempt of `username` from `ip` go ahead, or says how long to wait.
    /// An attempt let through counts as a failure at once (forgiven by
    /// [`succeeded`](Self::succeeded)), so guesses sent in parallel cannot all pass before
    /// the first one's failure is counted.
    pub(super) fn begin(
        &mut self,
        username: &str,
        ip: IpAddr,
        now: Instant,
    ) -> Result<(), Throttled> {
        let source = Source::of(ip);
        if let Some(s) = self.sources.get(&source) {
            let window_end = s.window_start + SOURCE_WINDOW;
            if now < window_end && s.failures >= SOURCE_FAILURES {
                return Err(Throttled {
                    retry_after: window_end - now,
                    whole_source: true,
                });
            }
        }
        let key = (username.to_string(), source);
        if let Some(until) = self.pairs.get(&key).and_then(|p| p.blocked_until) {
            if now < until {
                return Err(Throttled {
                    retry_after: until - now,
                    whole_source: false,
                });
            }
        }
        make_room(&mut self.pairs, &key, now, |p| p.last);
        let pair = self.pairs.entry(key).or_insert(PairEntry {
            failures: 0,
            blocked_until: None,
            last: now,
        });
        pair.failures += 1;
        pair.last = now;
        pair.blocked_until = delay_after(pair.failures).map(|d| now + d);
        make_room(&mut self.sources, &source, now, |s| s.last);
        let s = self.sources.entry(source).or_insert(SourceEntry {
            window_start: now,
            failures: 0,
            last: now,
        });
        if now >= s.window_start + SOURCE_WINDOW {
            s.window_start = now;
            s.failures = 0;
        }
        s.failures += 1;
        s.last = now;
        Ok(())
    }

    /// The attempt begun for `username` from `ip` had the right password: the pair starts
    /// afresh and the source gets its failure back.
    pub(super) fn succeeded(&mut self, username: &str, ip: IpAddr) {
        let source = Source::of(ip);
        self.pairs.remove(&(username.to_string(), source));
        if let Some(s) = self.sources.get_mut(&source) {
            s.failures = s.failures.saturating_sub(1);
        }
    }

    /// The attempt begun for `username` from `ip` was never checked (the office was too
    /// busy): its failure is given back, so an overloaded office does not slow the clerk.
    pub(super) fn not_checked(&mut self, username: &str, ip: IpAddr) {
        let source = Source::of(ip);
        if let Some(p) = self.pairs.get_mut(&(username.to_string(), source)) {
            p.failures = p.failures.saturating_sub(1);
            p.blocked_until = delay_after(p.failures).map(|d| p.last + d);
        }
        if let Some(s) = self.sources.get_mut(&source) {
            s.failures = s.failures.saturating_sub(1);
        }
    }

    /// Entries held, both tables together (for tests of the bound).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.pairs.len() + self.sources.len()
    }
}

/// Before `key` is inserted into a full table: drop the expired entries, and if it is still
/// full, the least recently touched one.
fn make_room<K: Eq + Hash + Clone, V>(
    table: &mut HashMap<K, V>,
    key: &K,
    now: Instant,
    last: impl Fn(&V) -> Instant,
) {
    if table.len() < MAX_ENTRIES || table.contains_key(key) {
        return;
    }
    table.retain(|_, v| now.duration_since(last(v)) < EXPIRY);
    if table.len() >= MAX_ENTRIES {
        let oldest = table
            .iter()
            .min_by_key(|(_, v)| last(v))
            .map(|(k, _)| k.clone());
        if let Some(k) = oldest {
            table.remove(&k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    const STRANGER: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 66));
    const CLERK_PC: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn three_failures_are_free_then_the_delay_doubles_up_to_five_minutes() {
        assert_eq!(delay_after(1), None);
        assert_eq!(delay_after(3), Some(secs(1)));
        assert_eq!(delay_after(4), Some(secs(2)));
        assert_eq!(delay_after(5), Some(secs(4)));
        assert_eq!(delay_after(11), Some(secs(256)));
        assert_eq!(delay_after(12), Some(MAX_DELAY));
        assert_eq!(delay_after(u32::MAX), Some(MAX_DELAY));

        let mut t = Throttle::default();
        let t0 = Instant::now();
        for i in 0..3 {
            assert_eq!(t.begin("lan", STRANGER, t0 + secs(i)), Ok(()));
        }
        let refused = t.begin("lan", STRANGER, t0 + secs(2)).unwrap_err();
        assert_eq!(refused.retry_after, secs(1));
        assert!(!refused.whole_source);
        assert_eq!(t.begin("lan", STRANGER, t0 + secs(3)), Ok(()));
        // Four failures now: two seconds.
        assert!(t.begin("lan", STRANGER, t0 + secs(4)).is_err());
        assert_eq!(t.begin("lan", STRANGER, t0 + secs(5)), Ok(()));
    }

    #[test]
    fn a_strangers_failures_never_slow_the_clerk_at_another_machine() {
        let mut t = Throttle::default();
        let t0 = Instant::now();
        // Spaced past the longest delay: every guess goes through.
        for i in 0..SOURCE_FAILURES {
            let at = t0 + secs(u64::from(i) * 400);
            assert_eq!(t.begin("lan", STRANGER, at), Ok(()));
        }
        let last = t0 + secs(u64::from(SOURCE_FAILURES - 1) * 400);
        assert!(t.begin("lan", STRANGER, last + secs(1)).is_err());
        assert_eq!(t.begin("lan", CLERK_PC, last + secs(1)), Ok(()));
        t.succeeded("lan", CLERK_PC);
        assert_eq!(t.begin("lan", CLERK_PC, last + secs(2)), Ok(()));
    }

    #[test]
    fn a_success_forgives_the_pair() {
        let mut t = Throttle::default();
        let t0 = Instant::now();
        for _ in 0..2 {
            t.begin("lan", CLERK_PC, t0).unwrap();
        }
        t.begin("lan", CLERK_PC, t0).unwrap();
        t.succeeded("lan", CLERK_PC);
        for _ in 0..3 {
            assert_eq!(t.begin("lan", CLERK_PC, t0), Ok(()));
        }
    }

    #[test]
    fn an_attempt_never_checked_is_given_back() {
        let mut t = Throttle::default();
        let t0 = Instant::now();
        for _ in 0..3 {
            t.begin("lan", CLERK_PC, t0).unwrap();
            t.not_checked("lan", CLERK_PC);
        }
        assert_eq!(t.begin("lan", CLERK_PC, t0), Ok(()));
    }

    #[test]
    fn one_source_gets_twenty_failures_a_window_across_names() {
        let mut t = Throttle::default();
        let t0 = Instant::now();
        for i in 0..SOURCE_FAILURES {
            assert_eq!(t.begin(&format!("u{i}"), STRANGER, t0), Ok(()));
        }
        let refused = t.begin("another", STRANGER, t0 + secs(60)).unwrap_err();
        assert!(refused.whole_source);
        assert_eq!(refused.retry_after, SOURCE_WINDOW - secs(60));
        // Another machine is not concerned; the window's end lets the source try again.
        assert_eq!(t.begin("another", CLERK_PC, t0 + secs(60)), Ok(()));
        assert_eq!(t.begin("another", STRANGER, t0 + SOURCE_WINDOW), Ok(()));
    }

    #[test]
    fn ipv6_sources_count_by_their_64() {
        let a: Ipv6Addr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: Ipv6Addr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: Ipv6Addr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(Source::of(a.into()), Source::of(b.into()));
        assert_ne!(Source::of(a.into()), Source::of(c.into()));
        let mapped: Ipv6Addr = "::ffff:10.0.0.2".parse().unwrap();
        assert_eq!(Source::of(mapped.into()), Source::of(CLERK_PC));

        let mut t = Throttle::default();
        let t0 = Instant::now();
        for _ in 0..3 {
            t.begin("lan", a.into(), t0).unwrap();
        }
        assert!(t.begin("lan", b.into(), t0).is_err(), "same /64");
        assert_eq!(t.begin("lan", c.into(), t0), Ok(()));
    }

    #[test]
    fn the_tables_stay_bounded_and_drop_the_oldest() {
        let mut t = Throttle::default();
        let t0 = Instant::now();
        for i in 0..(MAX_ENTRIES as u32 + 500) {
            let ip = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + i));
            t.begin("x", ip, t0 + Duration::from_millis(u64::from(i)))
                .unwrap();
        }
        assert!(t.len() <= 2 * MAX_ENTRIES, "{}", t.len());
        // The first source was the oldest: it was dropped, so it starts afresh.
        let first = IpAddr::V4(Ipv4Addr::from(0x0a00_0000));
        assert!(!t.pairs.contains_key(&("x".to_string(), Source::of(first))));
        // Expired entries go before live ones.
        let later = t0 + EXPIRY + secs(60);
        t.begin("y", STRANGER, later).unwrap();
        assert!(t.pairs.len() < MAX_ENTRIES, "{}", t.pairs.len());
    }
}
