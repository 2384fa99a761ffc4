//! Attempts per source address: how many pairing codes one source may try, how many
//! bookings it may make or booking codes it may look up. A code is 40 random bits, so a
//! handful of tries per source and window leaves guessing hopeless; the table is bounded and
//! forgets a source once its window has passed, so a flood of addresses cannot grow it
//! either.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// Pairing attempts one source may make per [`WINDOW`].
pub(super) const ATTEMPTS: u32 = 10;
/// How long a source's pairing attempts count against it.
pub(super) const WINDOW: Duration = Duration::from_secs(10 * 60);
/// Sources remembered at once; past it, new sources are refused until windows pass.
pub(super) const MAX_SOURCES: usize = 4096;

/// Why an attempt was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refusal {
    /// This source used its attempts; it may try again after this long.
    TooMany(Duration),
    /// The table is full of other sources' windows.
    Full,
}

/// Attempts per source address, each source's count starting with its first attempt in a
/// window.
#[derive(Debug)]
pub(super) struct SourceThrottle {
    sources: HashMap<IpAddr, (Instant, u32)>,
    attempts: u32,
    window: Duration,
}

impl Default for SourceThrottle {
    /// The pairing codes' limits.
    fn default() -> Self {
        SourceThrottle::new(ATTEMPTS, WINDOW)
    }
}

impl SourceThrottle {
    /// `attempts` per source address in each `window`.
    pub(super) fn new(attempts: u32, window: Duration) -> SourceThrottle {
        SourceThrottle {
            sources: HashMap::new(),
            attempts,
            window,
        }
    }

    /// Counts an attempt from `source` at `now`, or says why it may not be made.
    pub(super) fn attempt(&mut self, source: IpAddr, now: Instant) -> Result<(), Refusal> {
        if !self.sources.contains_key(&source) && self.sources.len() >= MAX_SOURCES {
            self.sources
                .retain(|_, (start, _)| now.duration_since(*start) < self.window);
            if self.sources.len() >= MAX_SOURCES {
                return Err(Refusal::Full);
            }
        }
        let (start, n) = self.sources.entry(source).or_insert((now, 0));
        if now.duration_since(*start) >= self.window {
            (*start, *n) = (now, 0);
        }
        if *n >= self.attempts {
            return Err(Refusal::TooMany(self.window - now.duration_since(*start)));
        }
        *n += 1;
        Ok(())
    }

    /// Forgets `source`'s attempts: it paired, so it was no guesser.
    pub(super) fn succeeded(&mut self, source: IpAddr) {
        self.sources.remove(&source);
    }

    /// Sources remembered now.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.sources.len()
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    fn ip(n: u32) -> IpAddr {
        IpAddr::V4(Ipv4Addr::from(0x0A00_0000 + n))
    }

    #[test]
    fn a_source_gets_its_attempts_per_window_and_others_are_not_affected() {
        let mut t = SourceThrottle::default();
        let t0 = Instant::now();
        for _ in 0..ATTEMPTS {
            assert_eq!(t.attempt(ip(1), t0), Ok(()));
        }
        let later = t0 + Duration::from_secs(60);
        assert_eq!(
            t.attempt(ip(1), later),
            Err(Refusal::TooMany(WINDOW - Duration::from_secs(60)))
        );
        assert_eq!(t.attempt(ip(2), later), Ok(()), "another source");
        assert_eq!(t.attempt(ip(1), t0 + WINDOW), Ok(()), "a new window");
        t.succeeded(ip(1));
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn the_table_is_bounded_and_makes_room_as_windows_pass() {
        let mut t = SourceThrottle::default();
        let t0 = Instant::now();
        for n in 0..MAX_SOURCES as u32 {
            assert_eq!(t.attempt(ip(n), t0), Ok(()));
        }
        let new = ip(MAX_SOURCES as u32);
        assert_eq!(t.attempt(new, t0), Err(Refusal::Full));
        assert_eq!(t.attempt(ip(0), t0), Ok(()), "a known source still counts");
        assert_eq!(t.len(), MAX_SOURCES);
        assert_eq!(t.attempt(new, t0 + WINDOW), Ok(()));
        assert_eq!(t.len(), 1);
    }
}
