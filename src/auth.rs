//! The staff's way into the kiosk: a PIN kept only as an Argon2 hash, and a guard that
//! locks the keypad after repeated wrong PINs so a citizen cannot guess it at the screen.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, TimeDelta, Utc};

/// Shortest and longest PIN: a four-digit PIN with a lockout is enough at a lobby screen,
/// and staff must be able to remember it.
pub const PIN_LENGTH: std::ops::RangeInclusive<usize> = 4..=8;

/// Why a PIN cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinError {
    /// Not 4 to 8 digits.
    Shape,
}

impl std::fmt::Display for PinError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PinError::Shape => write!(
                f,
                "the PIN must be {} to {} digits",
                PIN_LENGTH.start(),
                PIN_LENGTH.end()
            ),
        }
    }
}

impl std::error::Error for PinError {}

/// Whether `pin` is digits only, of an allowed length.
pub fn pin_is_well_formed(pin: &str) -> bool {
    PIN_LENGTH.contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
}

/// The PHC string (`$argon2id$…`) of a PIN, with a fresh random salt.
pub fn hash_pin(pin: &str) -> Result<String, PinError> {
    if !pin_is_well_formed(pin) {
        return Err(PinError::Shape);
    }
    Ok(hash_secret(pin))
}

/// Blocks of this size or more are mapped on their own and unmapped when freed.
const LARGE_BLOCK: i32 = 4 << 20;

/// Makes the allocator give large blocks back to the system when freed, once per process.
/// glibc's moving mmap threshold served Argon2's 64-byte-aligned 19 MiB block from the
/// thread's arena and never reused it: every check added 19 MiB for good (20 bogus logins
/// took the office to 405 MB; a kiosk's admin pad would grow with every PIN typed).
fn return_large_blocks() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: mallopt only sets an allocator parameter; no memory is touched.
        if unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, LARGE_BLOCK) } != 1 {
            log::warn!("cannot set the allocator's mmap threshold: Argon2 checks may hold memory");
        }
    });
}

/// The argon2id PHC string of any secret (a PIN, a clerk's password), with a fresh salt;
/// [`verify_pin`] checks either.
pub fn hash_secret(secret: &str) -> String {
    return_large_blocks();
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .expect("Argon2 with default parameters accepts any secret")
        .to_string()
}

/// Whether a PHC string is one this kiosk can check a PIN against.
pub fn hash_is_valid(hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| h.algorithm.as_str().starts_with("argon2"))
}

/// Whether `pin` matches `hash`; a malformed hash matches nothing.
pub fn verify_pin(hash: &str, pin: &str) -> bool {
    return_large_blocks();
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    Argon2::default()
        .verify_password(pin.as_bytes(), &parsed)
        .is_ok()
}

/// Counts wrong PINs and locks the keypad for a while after too many within the lockout's
/// length: a typo last week does not count towards today's lock.
#[derive(Debug, Clone)]
pub struct PinGuard {
    max_attempts: u32,
    lockout: TimeDelta,
    /// When the recent wrong PINs were typed.
    failures: Vec<DateTime<Utc>>,
    locked_until: Option<DateTime<Utc>>,
}

/// What a guard remembers, kept in the store so a restart (a power cut, the watchdog) does
/// not reopen a locked pad.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GuardState {
    /// When the recent wrong PINs were typed.
    pub failures: Vec<DateTime<Utc>>,
    /// Locked until then.
    pub locked_until: Option<DateTime<Utc>>,
}

/// What the guard says about a PIN attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The PIN may be checked.
    Allowed,
    /// Too many wrong PINs: no check until then.
    LockedUntil(DateTime<Utc>),
}

impl PinGuard {
    /// A guard allowing `max_attempts` wrong PINs before locking for `lockout_minutes`.
    pub fn new(max_attempts: u32, lockout_minutes: u32) -> PinGuard {
        PinGuard {
            max_attempts: max_attempts.max(1),
            lockout: TimeDelta::minutes(lockout_minutes.into()),
            failures: Vec::new(),
            locked_until: None,
        }
    }

    /// Whether a PIN may be checked at `now`.
    pub fn check(&mut self, now: DateTime<Utc>) -> Attempt {
        match self.locked_until {
            // A clock that jumps backwards must not extend the lock for ever: the lock
            // never lasts longer than its length from now.
            Some(until) if now < until && until - now <= self.lockout => {
                Attempt::LockedUntil(until)
            }
            Some(_) => {
                self.locked_until = None;
                self.failures.clear();
                Attempt::Allowed
            }
            None => Attempt::Allowed,
        }
    }

    /// Records a wrong PIN; the answer says whether the keypad is now locked.
    pub fn failed(&mut self, now: DateTime<Utc>) -> Attempt {
        // Older ones have lapsed; "newer" ones come from a clock that jumped back.
        let window = self.lockout;
        self.failures
            .retain(|t| *t > now - window && *t <= now + window);
        self.failures.push(now);
        if self.failures.len() as u32 >= self.max_attempts {
            let until = now + self.lockout;
            self.locked_until = Some(until);
            Attempt::LockedUntil(until)
        } else {
            Attempt::Allowed
        }
    }

    /// What to keep across a restart.
    pub fn state(&self) -> GuardState {
        GuardState {
            failures: self.failures.clone(),
            locked_until: self.locked_until,
        }
    }

    /// Takes back what [`state`](Self::state) kept (a later `check` still bounds a lock that
    /// a clock jump made too long).
    pub fn restore(&mut self, state: GuardState) {
        self.failures = state.failures;
        self.locked_until = state.locked_until;
    }

    /// Wrong PINs left before the lock.
    pub fn attempts_left(&self) -> u32 {
        self.max_attempts.saturating_sub(self.failures.len() as u32)
    }

    /// The right PIN clears the count.
    pub fn succeeded(&mut self) {
        self.failures.clear();
        self.locked_until = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restored_guard_stays_locked() {
        let now = Utc::now();
        let mut g = PinGuard::new(2, 15);
        g.failed(now);
        g.failed(now);
        let kept = serde_json::to_string(&g.state()).unwrap();
        let mut again = PinGuard::new(2, 15);
        again.restore(serde_json::from_str(&kept).unwrap());
        assert!(matches!(again.check(now), Attempt::LockedUntil(_)));
        assert_eq!(again.check(now + TimeDelta::minutes(16)), Attempt::Allowed);
    }
    use chrono::TimeZone;

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap() + TimeDelta::minutes(min)
    }

    #[test]
    fn a_hashed_pin_verifies_and_others_do_not() {
        let h = hash_pin("2468").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(hash_is_valid(&h));
        assert!(verify_pin(&h, "2468"));
        assert!(!verify_pin(&h, "2469"));
        assert!(!verify_pin("not a hash", "2468"));
        assert_ne!(h, hash_pin("2468").unwrap(), "salted");
    }

    #[test]
    fn pins_are_four_to_eight_digits() {
        assert_eq!(hash_pin("123"), Err(PinError::Shape));
        assert_eq!(hash_pin("123456789"), Err(PinError::Shape));
        assert_eq!(hash_pin("12a4"), Err(PinError::Shape));
        assert!(pin_is_well_formed("00000000"));
    }

    #[test]
    fn the_keypad_locks_after_too_many_wrong_pins_and_unlocks_later() {
        let mut g = PinGuard::new(3, 15);
        assert_eq!(g.check(t(0)), Attempt::Allowed);
        assert_eq!(g.failed(t(0)), Attempt::Allowed);
        assert_eq!(g.failed(t(1)), Attempt::Allowed);
        assert_eq!(g.attempts_left(), 1);
        assert_eq!(g.failed(t(2)), Attempt::LockedUntil(t(17)));
        assert_eq!(g.check(t(10)), Attempt::LockedUntil(t(17)));
        assert_eq!(g.check(t(17)), Attempt::Allowed);
        assert_eq!(g.attempts_left(), 3);
    }

    #[test]
    fn old_wrong_pins_lapse() {
        let mut g = PinGuard::new(3, 15);
        g.failed(t(0));
        g.failed(t(1));
        assert_eq!(
            g.failed(t(30)),
            Attempt::Allowed,
            "the first two have lapsed"
        );
        assert_eq!(g.attempts_left(), 2);
    }

    #[test]
    fn a_clock_jumping_back_does_not_lock_for_ever() {
        let mut g = PinGuard::new(1, 15);
        g.failed(t(0));
        assert_eq!(g.check(t(-600)), Attempt::Allowed);
    }

    #[test]
    fn the_right_pin_clears_the_count() {
        let mut g = PinGuard::new(3, 15);
        g.failed(t(0));
        g.failed(t(0));
        g.succeeded();
        assert_eq!(g.attempts_left(), 3);
    }
}
