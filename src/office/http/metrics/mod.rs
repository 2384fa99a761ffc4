//! The office's figures for Prometheus (`GET /metrics`, docs/operations.md), in the text
//! exposition format 0.0.4 written by the `prometheus` crate. Counters live here for the
//! life of the server: requests by route template and status class, their latency, refused
//! logins. What is a state rather than a count (queues, sync lag, live connections and
//! streams, shed load, the process) is read at scrape time (`route`), so nothing has to be
//! kept in step. Every label value is a route template, a fixed word, a configured queue or
//! an enrolled kiosk's name: a request can never add a series.

mod route;
mod sync_lag;

use std::time::Duration;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use prometheus::{
    Encoder, GaugeVec, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder,
};

use super::shed::Shed;
use crate::office::counters::Gauges;
pub(super) use route::{routes, track};
use sync_lag::SyncSeen;

/// The route label of a request no route matched (a hostile path, a typo).
pub(super) const OTHER_ROUTE: &str = "other";

/// Latency buckets in seconds: fine below 50 ms, where the office's answers should be.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Why a clerk's login was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LoginRefusal {
    /// Wrong username or password.
    BadLogin,
    /// Too many failures: the throttle refused it before any check.
    Throttled,
    /// The right password of a disabled account.
    Disabled,
}

impl LoginRefusal {
    const ALL: [LoginRefusal; 3] = [
        LoginRefusal::BadLogin,
        LoginRefusal::Throttled,
        LoginRefusal::Disabled,
    ];

    fn label(self) -> &'static str {
        match self {
            LoginRefusal::BadLogin => "bad_login",
            LoginRefusal::Throttled => "throttled",
            LoginRefusal::Disabled => "disabled",
        }
    }
}

/// The server's counters and the kiosks' last syncs.
pub(super) struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    logins_refused: IntCounterVec,
    synced: SyncSeen,
}

/// What a scrape read besides the counters.
pub(super) struct Scrape {
    /// Queues and enrolled kiosks, from the database.
    pub(super) gauges: Gauges,
    /// When.
    pub(super) now: DateTime<Utc>,
    /// Open connections, when served by the office's own listener.
    pub(super) connections: Option<usize>,
    /// Live streams per view kind.
    pub(super) streams: Vec<(&'static str, usize)>,
    /// Shed load per kind since the process started.
    pub(super) shed: Vec<(Shed, u64)>,
}

impl Metrics {
    /// Fresh counters, with the process figures where the system gives them (Linux).
    pub(super) fn new() -> Metrics {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "motcua_http_requests_total",
                "HTTP requests answered, by route template and status class.",
            ),
            &["route", "status"],
        )
        .expect("a valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "motcua_http_request_duration_seconds",
                "Time to answer a request (until the response head), by route template.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["route"],
        )
        .expect("a valid metric");
        let logins_refused = IntCounterVec::new(
            Opts::new(
                "motcua_logins_refused_total",
                "Clerk logins refused, by reason: bad_login, throttled, disabled.",
            ),
            &["reason"],
        )
        .expect("a valid metric");
        for r in LoginRefusal::ALL {
            logins_refused.with_label_values(&[r.label()]);
        }
        registry
            .register(Box::new(requests.clone()))
            .expect("registered once");
        registry
            .register(Box::new(latency.clone()))
            .expect("registered once");
        registry
            .register(Box::new(logins_refused.clone()))
            .expect("registered once");
        #[cfg(target_os = "linux")]
        registry
            .register(Box::new(
                prometheus::process_collector::ProcessCollector::for_self(),
            ))
            .expect("registered once");
        Metrics {
            registry,
            requests,
            latency,
            logins_refused,
            synced: SyncSeen::default(),
        }
    }

    /// Counts a request answered on `route` (a template, or [`OTHER_ROUTE`]).
    pub(super) fn request(&self, route: &str, status: StatusCode, elapsed: Duration) {
        self.requests
            .with_label_values(&[route, status_class(status)])
            .inc();
        self.latency
            .with_label_values(&[route])
            .observe(elapsed.as_secs_f64());
    }

    /// Counts a refused clerk login.
    pub(super) fn login_refused(&self, why: LoginRefusal) {
        self.logins_refused.with_label_values(&[why.label()]).inc();
    }

    /// Notes that the kiosk `device_id` pushed or pulled successfully just now.
    pub(super) fn kiosk_synced(&self, device_id: &str) {
        self.synced.saw(device_id, Utc::now());
    }

    /// The whole exposition: the counters and what `scrape` read.
    pub(super) fn render(&self, scrape: &Scrape) -> String {
        let mut families = self.registry.gather();
        families.extend(self.scraped(scrape).gather());
        families.sort_by(|a, b| a.name().cmp(b.name()));
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&families, &mut out)
            .expect("text encoding into memory");
        String::from_utf8(out).expect("the text format is UTF-8")
    }

    /// A registry of this scrape's states, dropped after it.
    fn scraped(&self, scrape: &Scrape) -> Registry {
        let r = Registry::new();
        let gauge = |name: &str, help: &str, labels: &[&str]| {
            let g = GaugeVec::new(Opts::new(name, help), labels).expect("a valid metric");
            r.register(Box::new(g.clone())).expect("registered once");
            g
        };
        let waiting = gauge(
            "motcua_queue_waiting",
            "Tickets waiting today, by site and queue.",
            &["site", "queue"],
        );
        let longest = gauge(
            "motcua_queue_longest_wait_seconds",
            "How long the longest-waiting ticket of the queue has waited (0 when none waits).",
            &["site", "queue"],
        );
        for q in &scrape.gauges.queues {
            waiting
                .with_label_values(&[q.site.as_str(), q.queue.as_str()])
                .set(f64::from(q.waiting));
            let wait = q.oldest_issued_at.map_or(0.0, |at| {
                (scrape.now - at).num_milliseconds().max(0) as f64 / 1000.0
            });
            longest
                .with_label_values(&[q.site.as_str(), q.queue.as_str()])
                .set(wait);
        }
        let lag = gauge(
            "motcua_kiosk_sync_lag_seconds",
            "Seconds since the kiosk last pushed or pulled successfully, by site and device name.",
            &["site", "device"],
        );
        let lags = self.synced.lags(&scrape.gauges.kiosks, scrape.now);
        for ((site, name), seconds) in &lags.by_name {
            lag.with_label_values(&[site.as_str(), name.as_str()])
                .set(*seconds);
        }
        let never = gauge(
            "motcua_kiosks_not_synced",
            "Enrolled kiosks that have not synced since the office started.",
            &[],
        );
        never
            .with_label_values(&[] as &[&str])
            .set(lags.never as f64);
        if let Some(n) = scrape.connections {
            gauge("motcua_http_connections", "Open HTTP connections.", &[])
                .with_label_values(&[] as &[&str])
                .set(n as f64);
        }
        let streams = gauge(
            "motcua_http_streams",
            "Live event streams, by view (board, counter, rate).",
            &["view"],
        );
        for view in ["board", "counter", "rate"] {
            streams.with_label_values(&[view]);
        }
        for (view, n) in &scrape.streams {
            streams.with_label_values(&[view]).set(*n as f64);
        }
        // A counter by meaning (it only rises), read from shed.rs's totals at each scrape.
        let counter = IntCounterVec::new(
            Opts::new(
                "motcua_shed_total",
                "Work the office refused to protect itself, by kind: connection, password_check, stream, login_throttle, pairing_throttle.",
            ),
            &["kind"],
        )
        .expect("a valid metric");
        r.register(Box::new(counter.clone()))
            .expect("registered once");
        for (kind, n) in &scrape.shed {
            counter.with_label_values(&[kind.name()]).inc_by(*n);
        }
        r
    }
}

/// "2xx" and so on: five values at most.
fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::office::counters::{KioskName, QueueGauge};

    #[test]
    fn status_classes_are_five() {
        assert_eq!(status_class(StatusCode::OK), "2xx");
        assert_eq!(status_class(StatusCode::NOT_FOUND), "4xx");
        assert_eq!(status_class(StatusCode::SWITCHING_PROTOCOLS), "1xx");
        assert_eq!(status_class(StatusCode::PERMANENT_REDIRECT), "3xx");
        assert_eq!(status_class(StatusCode::SERVICE_UNAVAILABLE), "5xx");
    }

    #[test]
    fn the_exposition_has_help_type_and_escaped_labels() {
        let m = Metrics::new();
        m.request("/api/v1/health", StatusCode::OK, Duration::from_millis(3));
        m.login_refused(LoginRefusal::Throttled);
        let now = Utc::now();
        m.synced.saw("k1", now);
        let text = m.render(&Scrape {
            gauges: Gauges {
                queues: vec![QueueGauge {
                    site: "10105".into(),
                    queue: "A".into(),
                    waiting: 2,
                    oldest_issued_at: Some(now - chrono::TimeDelta::seconds(90)),
                }],
                kiosks: vec![KioskName {
                    id: "k1".into(),
                    site: "10105".into(),
                    name: "Kiosk \"sảnh\"\\1\n".into(),
                }],
            },
            now,
            connections: Some(3),
            streams: vec![("board", 1)],
            shed: vec![(Shed::Stream, 4)],
        });
        for line in [
            "# TYPE motcua_http_requests_total counter",
            "motcua_http_requests_total{route=\"/api/v1/health\",status=\"2xx\"} 1",
            "# TYPE motcua_http_request_duration_seconds histogram",
            "motcua_http_request_duration_seconds_bucket{route=\"/api/v1/health\",le=\"0.005\"} 1",
            "motcua_http_request_duration_seconds_bucket{route=\"/api/v1/health\",le=\"0.0025\"} 0",
            "motcua_http_request_duration_seconds_count{route=\"/api/v1/health\"} 1",
            "motcua_logins_refused_total{reason=\"throttled\"} 1",
            "motcua_logins_refused_total{reason=\"bad_login\"} 0",
            "motcua_queue_waiting{queue=\"A\",site=\"10105\"} 2",
            "motcua_queue_longest_wait_seconds{queue=\"A\",site=\"10105\"} 90",
            "motcua_kiosk_sync_lag_seconds{device=\"Kiosk \\\"sảnh\\\"\\\\1\\n\",site=\"10105\"} 0",
            "motcua_kiosks_not_synced 0",
            "motcua_http_connections 3",
            "motcua_http_streams{view=\"board\"} 1",
            "motcua_http_streams{view=\"rate\"} 0",
            "# TYPE motcua_shed_total counter",
            "motcua_shed_total{kind=\"stream\"} 4",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "no line {line:?} in\n{text}"
            );
        }
        #[cfg(target_os = "linux")]
        assert!(text.contains("\nprocess_resident_memory_bytes "), "{text}");
    }
}
