//! Load shedding made visible: when the office refuses work to protect itself (a full
//! connection table, too many password checks, too many live streams), it says so in the
//! log, at most once per kind every [`LOG_EVERY`], with how many were shed since the last
//! line, so an attack cannot flood the journal either.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// At most one log line per kind of shedding this often.
pub(super) const LOG_EVERY: Duration = Duration::from_secs(10);

/// What was shed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Shed {
    /// A connection over the connection cap.
    Connection,
    /// A login over the password-check limit.
    PasswordCheck,
    /// A live stream over its cap.
    Stream,
    /// A login slowed or refused by the failed-login throttle.
    LoginThrottle,
    /// A tablet's pairing attempt refused by its throttle.
    PairingThrottle,
    /// A booking, or a booking code's lookup, refused by its throttle.
    BookingThrottle,
}

impl Shed {
    /// Every kind, in the order [`totals`] gives them.
    pub(super) const ALL: [Shed; 6] = [
        Shed::Connection,
        Shed::PasswordCheck,
        Shed::Stream,
        Shed::LoginThrottle,
        Shed::PairingThrottle,
        Shed::BookingThrottle,
    ];

    /// The kind's name in the log and in `/metrics`.
    pub(super) fn name(self) -> &'static str {
        match self {
            Shed::Connection => "connection",
            Shed::PasswordCheck => "password_check",
            Shed::Stream => "stream",
            Shed::LoginThrottle => "login_throttle",
            Shed::PairingThrottle => "pairing_throttle",
            Shed::BookingThrottle => "booking_throttle",
        }
    }
}

/// Per kind: when the last line was written, and how many were shed since.
#[derive(Default)]
struct Counts(HashMap<Shed, (Option<Instant>, u64)>);

impl Counts {
    /// Counts one shedding at `now`; returns how many to report if a line is due.
    fn count(&mut self, kind: Shed, now: Instant) -> Option<u64> {
        let (last, n) = self.0.entry(kind).or_insert((None, 0));
        *n += 1;
        match last {
            Some(t) if now.duration_since(*t) < LOG_EVERY => None,
            _ => {
                *last = Some(now);
                Some(std::mem::take(n))
            }
        }
    }
}

/// Everything shed since the process started, per kind (as [`Shed::ALL`]): what `/metrics`
/// shows, counted apart from the log's rate limit.
static TOTALS: [AtomicU64; 6] = [const { AtomicU64::new(0) }; 6];

/// Each kind with how many of it were shed since the process started.
pub(super) fn totals() -> [(Shed, u64); 6] {
    Shed::ALL.map(|kind| (kind, TOTALS[kind as usize].load(Ordering::Relaxed)))
}

fn counts() -> &'static Mutex<Counts> {
    static COUNTS: OnceLock<Mutex<Counts>> = OnceLock::new();
    COUNTS.get_or_init(Default::default)
}

/// Records that the office shed one piece of work of `kind` (`detail` says what, e.g. the
/// limit reached); logs a warning unless one for this kind was written in the last
/// [`LOG_EVERY`].
pub(super) fn shed(kind: Shed, detail: &str) {
    TOTALS[kind as usize].fetch_add(1, Ordering::Relaxed);
    let due = counts()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .count(kind, Instant::now());
    if let Some(n) = due {
        log::warn!(
            event = "load_shed", kind = kind.name(), count = n;
            "office shedding load: {n} {} refused ({detail})", kind.name()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_kind_per_period_with_the_count_since_the_last() {
        let mut c = Counts::default();
        let t0 = Instant::now();
        assert_eq!(c.count(Shed::Stream, t0), Some(1));
        assert_eq!(c.count(Shed::Stream, t0 + Duration::from_secs(1)), None);
        assert_eq!(c.count(Shed::Stream, t0 + Duration::from_secs(2)), None);
        // Another kind has its own period.
        assert_eq!(
            c.count(Shed::Connection, t0 + Duration::from_secs(2)),
            Some(1)
        );
        // The two held back and this one.
        assert_eq!(c.count(Shed::Stream, t0 + LOG_EVERY), Some(3));
        assert_eq!(c.count(Shed::Stream, t0 + LOG_EVERY * 2), Some(1));
    }

    #[test]
    fn every_shedding_counts_even_when_the_log_holds_it_back() {
        let before = totals()[Shed::PairingThrottle as usize].1;
        shed(Shed::PairingThrottle, "test");
        shed(Shed::PairingThrottle, "test");
        let after = totals();
        assert_eq!(
            after[Shed::PairingThrottle as usize].0,
            Shed::PairingThrottle
        );
        // Other tests of this binary may shed too, never fewer.
        assert!(after[Shed::PairingThrottle as usize].1 >= before + 2);
        for (i, kind) in Shed::ALL.iter().enumerate() {
            assert_eq!(*kind as usize, i, "ALL is in declaration order");
        }
    }
}
