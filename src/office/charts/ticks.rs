//! Axis ticks people read at a glance: 0 and steps of 1, 2 or 5 times a power of ten.

/// Ticks from 0 up to the first one at or above `max`, about `target` steps apart; steps
/// are whole for counts (`whole`) and never under 0.1 (labels show one decimal).
pub fn nice_ticks(max: f64, target: usize, whole: bool) -> Vec<f64> {
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let raw = max / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude);
    let step = step.max(if whole { 1.0 } else { 0.1 });
    let mut ticks = vec![0.0];
    let mut i = 1.0;
    while ticks.last().is_some_and(|t| *t < max - 1e-9) {
        // Multiplying, not adding, keeps 0.1 steps from drifting (0.30000000000000004).
        ticks.push(((step * i) * 1e6).round() / 1e6);
        i += 1.0;
    }
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_ticks(34.0, 5, true), [0.0, 10.0, 20.0, 30.0, 40.0]);
        assert_eq!(
            nice_ticks(100.0, 5, false),
            [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(nice_ticks(7.3, 5, false), [0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(nice_ticks(0.7, 5, false), [0.0, 0.2, 0.4, 0.6, 0.8]);
        assert_eq!(nice_ticks(1234.0, 5, true), [0.0, 500.0, 1000.0, 1500.0]);
        for max in [0.3, 3.0, 47.0, 99.9, 512.0, 86_400.0] {
            let t = nice_ticks(max, 5, false);
            let step = t[1] - t[0];
            let mantissa = step / 10f64.powf(step.log10().floor());
            assert!(
                [1.0, 2.0, 5.0].iter().any(|m| (m - mantissa).abs() < 1e-6),
                "{max}: {t:?}"
            );
            assert!(*t.last().unwrap() >= max && t.len() <= 8, "{max}: {t:?}");
        }
    }

    #[test]
    fn counts_step_by_whole_numbers_and_nothing_still_gets_an_axis() {
        assert_eq!(nice_ticks(2.0, 5, true), [0.0, 1.0, 2.0]);
        assert_eq!(nice_ticks(0.0, 5, true), [0.0, 1.0]);
        assert_eq!(
            nice_ticks(f64::NAN, 5, false),
            [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
        );
        assert_eq!(nice_ticks(0.01, 5, false), [0.0, 0.1]);
    }
}
