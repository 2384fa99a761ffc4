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

/// The moving average of the day's last service times, in whole seconds (rounded): what a
/// counter measured replaces the configured guess. Negative samples (a clock that stepped
/// back between start and finish) are left out; no sample, no average.
pub fn average_service_seconds(samples: &[i64]) -> Option<u32> {
    let good: Vec<i64> = samples.iter().copied().filter(|s| *s >= 0).collect();
    if good.is_empty() {
        return None;
    }
    let n = i64::try_from(good.len()).ok()?;
    let total: i64 = good.iter().sum();
    u32::try_from((total + n / 2) / n).ok()
}

/// Minutes until a new ticket is likely called, from what the office measured when it has
/// it: the measured service time (seconds) over the counters open for the queue, else the
/// configured minutes and counters. A queue with no counter open yet (morning) uses the
/// configured count rather than "never".
pub fn estimate_from_office(
    ahead: u32,
    measured_seconds: Option<u32>,
    open_counters: Option<u32>,
    configured_minutes: u32,
    configured_counters: u32,
) -> u32 {
    let counters = match open_counters {
        Some(n) if n > 0 => n,
        _ => configured_counters,
    };
    match measured_seconds {
        Some(secs) => {
            let counters = u64::from(counters.max(1));
            let total = u64::from(ahead) * u64::from(secs);
            u32::try_from(total.div_ceil(counters * 60)).unwrap_or(u32::MAX)
        }
        None => estimate_wait_minutes(ahead, configured_minutes, counters),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_average_rounds_and_skips_negative_samples() {
        assert_eq!(average_service_seconds(&[]), None);
        assert_eq!(average_service_seconds(&[-5]), None);
        assert_eq!(average_service_seconds(&[300, 301]), Some(301));
        assert_eq!(average_service_seconds(&[300, -40, 600]), Some(450));
    }

    #[test]
    fn the_office_estimate_prefers_measured_times_and_open_counters() {
        // 4 ahead × 450 s over 2 open counters = 15 min.
        assert_eq!(estimate_from_office(4, Some(450), Some(2), 6, 1), 15);
        // Nothing measured yet: configured minutes over the open counters.
        assert_eq!(estimate_from_office(4, None, Some(2), 6, 1), 12);
        // Nobody open yet: the configured counters.
        assert_eq!(estimate_from_office(4, Some(450), Some(0), 6, 3), 10);
        assert_eq!(estimate_from_office(0, Some(450), Some(1), 6, 1), 0);
        // Rounds up: 1 × 61 s is 2 minutes.
        assert_eq!(estimate_from_office(1, Some(61), Some(1), 6, 1), 2);
    }

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
