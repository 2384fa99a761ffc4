//! Which waiting ticket a counter calls next: priority tickets first, but at most a set
//! number of them in a row while ordinary tickets wait, and an ordinary ticket that has
//! waited the maximum goes next whatever else waits; within a class, earliest issue first.
//! The number on the ticket plays no part (numbers from different kiosks and blocks do not
//! follow issue order).

use chrono::{DateTime, TimeDelta, Utc};

/// How a queue balances priority and ordinary tickets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallPolicy {
    /// Priority calls allowed in a row while ordinary tickets wait; 0: priority never jumps.
    pub max_priority_in_row: u32,
    /// An ordinary ticket waiting this long is called next, before any priority ticket.
    pub max_wait: TimeDelta,
}

impl Default for CallPolicy {
    fn default() -> Self {
        CallPolicy {
            max_priority_in_row: 3,
            max_wait: TimeDelta::minutes(45),
        }
    }
}

/// A waiting ticket as the rule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting<'a> {
    /// The ticket's id (breaks ties between equal issue times, so the choice is stable).
    pub id: &'a str,
    /// Declared a priority group.
    pub priority: bool,
    /// When it was issued (effective time).
    pub issued_at: DateTime<Utc>,
}

/// The ticket to call next among `waiting`, given how many priority tickets were called in
/// a row just before (`streak`, see [`streak_after`]).
pub fn next_ticket<'a, 'b>(
    waiting: &'b [Waiting<'a>],
    streak: u32,
    now: DateTime<Utc>,
    policy: CallPolicy,
) -> Option<&'b Waiting<'a>> {
    let earliest = |priority: bool| {
        waiting
            .iter()
            .filter(|w| w.priority == priority)
            .min_by(|a, b| (a.issued_at, a.id).cmp(&(b.issued_at, b.id)))
    };
    let (ordinary, priority) = (earliest(false), earliest(true));
    match (ordinary, priority) {
        (Some(o), _) if now - o.issued_at >= policy.max_wait => Some(o),
        (Some(o), Some(p)) => Some(if streak < policy.max_priority_in_row {
            p
        } else {
            o
        }),
        (o, p) => o.or(p),
    }
}

/// The streak after a call: priority calls count only while ordinary tickets wait (nobody is
/// passed over otherwise), and an ordinary call ends the streak.
pub fn streak_after(streak: u32, called_priority: bool, ordinary_waiting: bool) -> u32 {
    if called_priority && ordinary_waiting {
        streak.saturating_add(1)
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 1, 0, 0).unwrap() + TimeDelta::minutes(min)
    }

    fn w(id: &str, priority: bool, min: i64) -> Waiting<'_> {
        Waiting {
            id,
            priority,
            issued_at: t(min),
        }
    }

    fn policy(n: u32, wait: i64) -> CallPolicy {
        CallPolicy {
            max_priority_in_row: n,
            max_wait: TimeDelta::minutes(wait),
        }
    }

    #[test]
    fn nothing_waiting_calls_nobody() {
        assert_eq!(next_ticket(&[], 0, t(0), CallPolicy::default()), None);
    }

    #[test]
    fn priority_first_then_earliest_issue_not_number() {
        let q = [w("o1", false, 0), w("p2", true, 5), w("p1", true, 3)];
        assert_eq!(next_ticket(&q, 0, t(10), policy(3, 45)).unwrap().id, "p1");
        let ordinary = [w("late", false, 9), w("early", false, 2)];
        assert_eq!(
            next_ticket(&ordinary, 0, t(10), policy(3, 45)).unwrap().id,
            "early"
        );
    }

    #[test]
    fn the_interleave_lets_an_ordinary_ticket_through() {
        let q = [w("o1", false, 0), w("p1", true, 1)];
        assert_eq!(next_ticket(&q, 2, t(5), policy(3, 45)).unwrap().id, "p1");
        assert_eq!(next_ticket(&q, 3, t(5), policy(3, 45)).unwrap().id, "o1");
        assert_eq!(
            next_ticket(&q, 0, t(5), policy(0, 45)).unwrap().id,
            "o1",
            "0: priority never jumps"
        );
    }

    #[test]
    fn an_ordinary_ticket_past_the_maximum_wait_goes_next() {
        let q = [w("o1", false, 0), w("p1", true, 1)];
        assert_eq!(next_ticket(&q, 0, t(44), policy(3, 45)).unwrap().id, "p1");
        assert_eq!(next_ticket(&q, 0, t(45), policy(3, 45)).unwrap().id, "o1");
    }

    #[test]
    fn only_priority_or_only_ordinary_waiting() {
        let p = [w("p1", true, 0)];
        assert_eq!(next_ticket(&p, 99, t(1), policy(3, 45)).unwrap().id, "p1");
        let o = [w("o1", false, 0)];
        assert_eq!(next_ticket(&o, 0, t(1), policy(3, 45)).unwrap().id, "o1");
    }

    #[test]
    fn equal_times_are_broken_by_id() {
        let q = [w("b", false, 0), w("a", false, 0)];
        assert_eq!(next_ticket(&q, 0, t(1), policy(3, 45)).unwrap().id, "a");
    }

    #[test]
    fn the_streak_counts_priority_calls_only_while_someone_is_passed_over() {
        assert_eq!(streak_after(2, true, true), 3);
        assert_eq!(streak_after(2, true, false), 0);
        assert_eq!(streak_after(2, false, true), 0);
        assert_eq!(streak_after(u32::MAX, true, true), u32::MAX);
    }

    proptest::proptest! {
        /// Calling a whole queue empty: every ticket once, never more than N priority calls
        /// in a row while an ordinary ticket waits, and each class in issue order.
        #[test]
        fn calling_a_queue_empty_keeps_the_rules(
            tickets in proptest::collection::vec((proptest::bool::ANY, 0i64..120), 0..40),
            n in 0u32..5,
        ) {
            let ids: Vec<String> = (0..tickets.len()).map(|i| format!("t{i:02}")).collect();
            let mut waiting: Vec<Waiting> = tickets
                .iter()
                .zip(&ids)
                .map(|((p, m), id)| w(id, *p, *m))
                .collect();
            // Called at issue time + 1 min per call, after everyone is issued; no one is
            // old enough to force the maximum wait (10 hours).
            let pol = policy(n, 600);
            let (mut streak, mut run, mut called) = (0u32, 0u32, Vec::new());
            let mut now = t(120);
            while let Some(next) = next_ticket(&waiting, streak, now, pol).copied() {
                let ordinary_waiting = waiting.iter().any(|x| !x.priority);
                if next.priority && ordinary_waiting {
                    run += 1;
                    proptest::prop_assert!(run <= n, "{run} priority calls in a row");
                } else {
                    run = 0;
                }
                streak = streak_after(streak, next.priority, ordinary_waiting);
                called.push(next);
                waiting.retain(|x| x.id != next.id);
                now += TimeDelta::minutes(1);
            }
            proptest::prop_assert_eq!(called.len(), tickets.len());
            for class in [true, false] {
                let times: Vec<_> = called
                    .iter()
                    .filter(|c| c.priority == class)
                    .map(|c| (c.issued_at, c.id))
                    .collect();
                let mut sorted = times.clone();
                sorted.sort();
                proptest::prop_assert_eq!(times, sorted);
            }
        }
    }
}
