//! Live alerts for a site's lead (docs/alerts.md): the rules per queue, the condition alerts
//! computed from the queues' and counters' state at an instant (never stored, so they clear
//! themselves when the condition ends), and a negative rating's follow-up due time.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::working_time::WorkCalendar;

/// Built-in thresholds, used where a site set none: the oldest ticket has waited 30 minutes,
/// 15 tickets wait, a counter has been paused 20 minutes, or open and free 10 minutes while
/// someone waits for it.
pub const DEFAULT_LIMITS: Limits = Limits {
    wait_minutes: 30,
    waiting: 15,
    paused_minutes: 20,
    idle_minutes: 10,
};

/// Each threshold's bounds: (name, least, most).
const BOUNDS: [(&str, i64, i64); 4] = [
    ("wait_minutes", 1, 480),
    ("waiting", 1, 999),
    ("paused_minutes", 1, 480),
    ("idle_minutes", 1, 480),
];

/// At most this many queues may have their own thresholds.
const MAX_QUEUES: usize = 50;

/// Working days a negative rating's follow-up is given.
pub const FOLLOW_UP_DAYS: i64 = 2;

/// The thresholds of one queue, resolved (no gaps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// Minutes the oldest waiting ticket may wait.
    pub wait_minutes: i64,
    /// Tickets that may wait at once.
    pub waiting: i64,
    /// Minutes a counter serving it may stay paused.
    pub paused_minutes: i64,
    /// Minutes a counter serving it may stay open and free while tickets wait for it.
    pub idle_minutes: i64,
}

/// Thresholds as a lead writes them: any may be left out (then the site's default, then
/// [`DEFAULT_LIMITS`], applies).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// See [`Limits::wait_minutes`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_minutes: Option<i64>,
    /// See [`Limits::waiting`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting: Option<i64>,
    /// See [`Limits::paused_minutes`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused_minutes: Option<i64>,
    /// See [`Limits::idle_minutes`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_minutes: Option<i64>,
}

impl Thresholds {
    fn values(&self) -> [Option<i64>; 4] {
        [
            self.wait_minutes,
            self.waiting,
            self.paused_minutes,
            self.idle_minutes,
        ]
    }

    /// These thresholds over `base`.
    fn over(&self, base: Limits) -> Limits {
        Limits {
            wait_minutes: self.wait_minutes.unwrap_or(base.wait_minutes),
            waiting: self.waiting.unwrap_or(base.waiting),
            paused_minutes: self.paused_minutes.unwrap_or(base.paused_minutes),
            idle_minutes: self.idle_minutes.unwrap_or(base.idle_minutes),
        }
    }
}

/// A site's alert rules: its default thresholds and each queue's own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertRules {
    /// The site's thresholds for every queue.
    #[serde(default)]
    pub default: Thresholds,
    /// A queue's own thresholds, by prefix.
    #[serde(default)]
    pub queues: BTreeMap<String, Thresholds>,
}

impl AlertRules {
    /// The rules read from JSON and checked (see [`check`](Self::check)).
    pub fn from_json(json: &str) -> Result<AlertRules, String> {
        let rules: AlertRules =
            serde_json::from_str(json).map_err(|e| format!("alert rules: {e}"))?;
        rules.check()?;
        Ok(rules)
    }

    /// Every threshold within its bounds, at most 50 queues, prefixes of 1 to 4 letters A–Z.
    pub fn check(&self) -> Result<(), String> {
        if self.queues.len() > MAX_QUEUES {
            return Err(format!("alert rules: at most {MAX_QUEUES} queues"));
        }
        let all = std::iter::once(("default", &self.default, false))
            .chain(self.queues.iter().map(|(q, t)| (q.as_str(), t, true)));
        for (queue, t, is_queue) in all {
            let prefix =
                (1..=4).contains(&queue.len()) && queue.bytes().all(|b| b.is_ascii_uppercase());
            if is_queue && !prefix {
                return Err(format!(
                    "alert rules: {queue:?} is not a queue prefix (1 to 4 letters A-Z)"
                ));
            }
            for ((name, lo, hi), v) in BOUNDS.iter().zip(t.values()) {
                if let Some(v) = v.filter(|v| !(*lo..=*hi).contains(v)) {
                    return Err(format!(
                        "alert rules: {queue}.{name} is {v}, must be {lo} to {hi}"
                    ));
                }
            }
        }
        Ok(())
    }

    /// The thresholds that apply to `queue`.
    pub fn limits(&self, queue: &str) -> Limits {
        let site = self.default.over(DEFAULT_LIMITS);
        self.queues.get(queue).map_or(site, |t| t.over(site))
    }

    /// A counter's thresholds: the strictest of the queues it serves (the site's default when
    /// it serves none).
    pub fn counter_limits(&self, queues: &[String]) -> Limits {
        let mut limits = queues.iter().map(|q| self.limits(q));
        let Some(first) = limits.next() else {
            return self.limits("");
        };
        limits.fold(first, |a, b| Limits {
            wait_minutes: a.wait_minutes.min(b.wait_minutes),
            waiting: a.waiting.min(b.waiting),
            paused_minutes: a.paused_minutes.min(b.paused_minutes),
            idle_minutes: a.idle_minutes.min(b.idle_minutes),
        })
    }
}

/// One queue's waiting tickets now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueState {
    /// Prefix.
    pub queue: String,
    /// Tickets waiting in it.
    pub waiting: u32,
    /// When the longest-waiting of them was issued.
    pub oldest_issued_at: Option<DateTime<Utc>>,
}

/// One open counter now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterState {
    /// Its number.
    pub counter: u32,
    /// The queues it serves.
    pub queues: Vec<String>,
    /// Since when it is paused (None: taking calls).
    pub paused_since: Option<DateTime<Utc>>,
    /// It holds a ticket (called or being served).
    pub busy: bool,
    /// Its last action (a call, a finish, a pause or resume, opening).
    pub last_action: DateTime<Utc>,
}

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// A queue's oldest ticket has waited too long.
    LongWait,
    /// Too many tickets wait in a queue.
    ManyWaiting,
    /// A counter has been paused too long.
    PausedLong,
    /// A counter is open and free but has called nobody for too long while tickets wait.
    IdleLong,
}

impl AlertKind {
    /// The machine code ("long_wait").
    pub fn code(self) -> &'static str {
        match self {
            AlertKind::LongWait => "long_wait",
            AlertKind::ManyWaiting => "many_waiting",
            AlertKind::PausedLong => "paused_long",
            AlertKind::IdleLong => "idle_long",
        }
    }
}

/// An alert active now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConditionAlert {
    /// Stable while the condition lasts: "long_wait:A", "idle_long:3".
    pub key: String,
    /// What it is about.
    pub kind: AlertKind,
    /// The queue (queue alerts).
    pub queue: Option<String>,
    /// The counter (counter alerts).
    pub counter: Option<u32>,
    /// Minutes (or tickets, for `many_waiting`) now.
    pub value: i64,
    /// The threshold it reached.
    pub threshold: i64,
}

fn minutes(from: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - from).num_minutes().max(0)
}

/// The alerts active at `now`: per queue, the oldest ticket's wait and the count at or over
/// their thresholds; per open counter, paused at or over its threshold, or idle (taking
/// calls, holding no ticket, with tickets waiting in a queue it serves) at or over its
/// threshold, idle counted from the later of its last action and the issue of the oldest
/// ticket waiting for it. Queue alerts first (by queue), then counter alerts (by counter).
pub fn active_alerts(
    queues: &[QueueState],
    counters: &[CounterState],
    rules: &AlertRules,
    now: DateTime<Utc>,
) -> Vec<ConditionAlert> {
    let mut out = Vec::new();
    let mut push =
        |kind: AlertKind, queue: Option<&str>, counter: Option<u32>, value, threshold| {
            if value >= threshold {
                let id = queue.map_or_else(|| counter.unwrap_or(0).to_string(), str::to_string);
                out.push(ConditionAlert {
                    key: format!("{}:{id}", kind.code()),
                    kind,
                    queue: queue.map(str::to_string),
                    counter,
                    value,
                    threshold,
                });
            }
        };
    let mut sorted: Vec<&QueueState> = queues.iter().collect();
    sorted.sort_by(|a, b| a.queue.cmp(&b.queue));
    for q in sorted.iter().filter(|q| q.waiting > 0) {
        let l = rules.limits(&q.queue);
        if let Some(oldest) = q.oldest_issued_at {
            let waited = minutes(oldest, now);
            push(
                AlertKind::LongWait,
                Some(&q.queue),
                None,
                waited,
                l.wait_minutes,
            );
        }
        let n = i64::from(q.waiting);
        push(AlertKind::ManyWaiting, Some(&q.queue), None, n, l.waiting);
    }
    let mut counters: Vec<&CounterState> = counters.iter().collect();
    counters.sort_by_key(|c| c.counter);
    for c in counters {
        let l = rules.counter_limits(&c.queues);
        if let Some(since) = c.paused_since {
            let paused = minutes(since, now);
            push(
                AlertKind::PausedLong,
                None,
                Some(c.counter),
                paused,
                l.paused_minutes,
            );
            continue;
        }
        if c.busy {
            continue;
        }
        let oldest = queues
            .iter()
            .filter(|q| q.waiting > 0 && c.queues.contains(&q.queue))
            .filter_map(|q| q.oldest_issued_at)
            .min();
        if let Some(oldest) = oldest {
            let idle = minutes(oldest.max(c.last_action), now);
            push(
                AlertKind::IdleLong,
                None,
                Some(c.counter),
                idle,
                l.idle_minutes,
            );
        }
    }
    out
}

/// When a negative rating given at `at` (office-local) must be followed up: two working days
/// of the site's calendar later (Friday 10:00 → Tuesday 10:00; a rating after hours counts
/// from the next session). None when the calendar has no working time.
pub fn follow_up_due(at: NaiveDateTime, cal: &WorkCalendar) -> Option<NaiveDateTime> {
    cal.add_minutes(at, FOLLOW_UP_DAYS * cal.day_minutes())
}

/// Whether a follow-up done at `done` met its due time.
pub fn on_time(done: DateTime<Utc>, due: DateTime<Utc>) -> bool {
    done <= due
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeDelta, TimeZone};

    use super::*;
    use crate::domain::hours::Hours;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, 3, 0, 0).unwrap()
    }

    fn ago(m: i64) -> DateTime<Utc> {
        now() - TimeDelta::minutes(m)
    }

    fn queue(q: &str, waiting: u32, oldest: Option<i64>) -> QueueState {
        QueueState {
            queue: q.into(),
            waiting,
            oldest_issued_at: oldest.map(ago),
        }
    }

    fn counter(
        n: u32,
        queues: &[&str],
        paused: Option<i64>,
        busy: bool,
        last: i64,
    ) -> CounterState {
        CounterState {
            counter: n,
            queues: queues.iter().map(|q| q.to_string()).collect(),
            paused_since: paused.map(ago),
            busy,
            last_action: ago(last),
        }
    }

    fn keys(a: &[ConditionAlert]) -> Vec<&str> {
        a.iter().map(|a| a.key.as_str()).collect()
    }

    #[test]
    fn a_long_wait_raises_and_clears_with_the_ticket() {
        let rules = AlertRules::default();
        let a = active_alerts(&[queue("A", 1, Some(40))], &[], &rules, now());
        assert_eq!(
            a,
            [ConditionAlert {
                key: "long_wait:A".into(),
                kind: AlertKind::LongWait,
                queue: Some("A".into()),
                counter: None,
                value: 40,
                threshold: 30
            }]
        );
        // Called: nobody waits, nothing is active.
        assert!(active_alerts(&[queue("A", 0, None)], &[], &rules, now()).is_empty());
        // Just under the threshold: not yet; at it: raised.
        assert!(active_alerts(&[queue("A", 1, Some(29))], &[], &rules, now()).is_empty());
        assert_eq!(
            keys(&active_alerts(
                &[queue("A", 1, Some(30))],
                &[],
                &rules,
                now()
            )),
            ["long_wait:A"]
        );
    }

    #[test]
    fn queue_rules_override_the_site_default_which_overrides_the_built_in() {
        let rules = AlertRules::from_json(
            r#"{"default":{"waiting":3},"queues":{"B":{"waiting":10,"wait_minutes":5}}}"#,
        )
        .unwrap();
        assert_eq!(rules.limits("A").waiting, 3);
        assert_eq!(rules.limits("A").wait_minutes, 30);
        assert_eq!(rules.limits("B").waiting, 10);
        let q = [queue("A", 3, Some(6)), queue("B", 3, Some(6))];
        assert_eq!(
            keys(&active_alerts(&q, &[], &rules, now())),
            ["many_waiting:A", "long_wait:B"]
        );
    }

    #[test]
    fn counters_alert_when_paused_or_idle_too_long() {
        let rules = AlertRules::default();
        let q = [queue("A", 2, Some(12)), queue("B", 0, None)];
        let c = [
            counter(1, &["A"], Some(25), false, 25), // paused 25 min
            counter(2, &["A"], None, false, 30),     // free, A's oldest waits 12 min
            counter(3, &["A"], None, true, 30),      // serving
            counter(4, &["A"], None, false, 5),      // finished 5 min ago
            counter(5, &["B"], None, false, 60),     // nobody waits for it
            counter(6, &["A"], Some(5), false, 5),   // paused briefly
        ];
        let a = active_alerts(&q, &c, &rules, now());
        assert_eq!(keys(&a), ["paused_long:1", "idle_long:2"]);
        assert_eq!((a[1].value, a[1].threshold), (12, 10));
        // The strictest of its queues applies to a counter.
        let rules = AlertRules::from_json(r#"{"queues":{"B":{"paused_minutes":3}}}"#).unwrap();
        let c = [counter(7, &["A", "B"], Some(4), false, 4)];
        assert_eq!(
            keys(&active_alerts(&q, &c, &rules, now())),
            ["paused_long:7"]
        );
    }

    #[test]
    fn rules_are_checked_with_clear_messages() {
        for (json, says) in [
            (
                r#"{"default":{"wait_minutes":0}}"#,
                "default.wait_minutes is 0, must be 1 to 480",
            ),
            (r#"{"queues":{"a1":{}}}"#, "not a queue prefix"),
            (r#"{"queues":{"ABCDE":{}}}"#, "not a queue prefix"),
            (r#"{"default":{"wait":5}}"#, "unknown field"),
            (
                r#"{"queues":{"A":{"waiting":1000}}}"#,
                "A.waiting is 1000, must be 1 to 999",
            ),
            ("[", "alert rules:"),
        ] {
            let e = AlertRules::from_json(json).unwrap_err();
            assert!(e.contains(says), "{json}: {e}");
        }
        assert_eq!(
            AlertRules::from_json("{}").unwrap().limits("A"),
            DEFAULT_LIMITS
        );
    }

    fn cal(holidays: &[NaiveDate]) -> WorkCalendar {
        WorkCalendar::new(&Hours::default(), holidays.iter().copied(), [])
    }

    fn local(d: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, d)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    #[test]
    fn a_follow_up_is_due_two_working_days_later() {
        // Friday 4 December 10:00 → Tuesday 8 December 10:00.
        assert_eq!(
            follow_up_due(local(4, 10, 0), &cal(&[])),
            Some(local(8, 10, 0))
        );
        // A holiday on the Monday pushes it to Wednesday.
        let monday = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(
            follow_up_due(local(4, 10, 0), &cal(&[monday])),
            Some(local(9, 10, 0))
        );
        // After hours on Friday: from Monday's first session, so Tuesday at closing.
        assert_eq!(
            follow_up_due(local(4, 18, 0), &cal(&[])),
            Some(local(8, 17, 0))
        );
        assert!(on_time(now(), now()));
        assert!(!on_time(now(), ago(1)));
    }
}
