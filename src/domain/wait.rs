//! The wait estimate printed on the ticket and shown on screen.

/// Minutes until a new ticket is likely called: `ahead` citizens shared over `counters`, rounded up.
///
/// A zero `counters` is treated as one so a misconfigured queue still gets a finite estimate.
pub fn estimate_wait_minutes(ahead: u32, service_minutes: u32, counters: u32) -> u32 {
    let counters = u64::from(counters.max(1));
    let total = u64::from(ahead) * u64::from(service_minutes);
    let minutes = total.div_ceil(counters);
    u32::try_from(minutes).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nobody_ahead_means_no_wait() {
        assert_eq!(estimate_wait_minutes(0, 6, 1), 0);
    }

    #[test]
    fn rounds_up() {
        assert_eq!(estimate_wait_minutes(3, 6, 1), 18);
        assert_eq!(estimate_wait_minutes(3, 6, 2), 9);
        assert_eq!(estimate_wait_minutes(1, 5, 2), 3);
        assert_eq!(estimate_wait_minutes(7, 4, 3), 10);
    }

    #[test]
    fn zero_counters_counts_as_one() {
        assert_eq!(estimate_wait_minutes(2, 5, 0), 10);
    }

    #[test]
    fn does_not_overflow() {
        assert_eq!(estimate_wait_minutes(u32::MAX, u32::MAX, 1), u32::MAX);
    }
}
