//! The follow page on a cheap phone's slow line (docs/follow.md): its weight (the page is
//! all there is: no other file is fetched), and its first paint in headless Chromium at
//! 360×640 under DevTools' network throttling, median of 7 loads per profile; the budget is
//! 30 KB and 1 s on the 3G profile (DevTools' "Fast 3G", now called "Slow 4G": 562.5 ms
//! added to each request, 1.44 Mbit/s down). Also the office's own time to answer the page.
//! Run: `cargo bench --bench follow`.

#[path = "../tests/support/browser.rs"]
mod browser;

use std::time::{Duration, Instant};

use browser::Browser;
use chrono::Utc;
use motcua::office::counters::QueueDef;
use motcua::office::{OfficeStore, Role};
use motcua::protocol::EVENT_TICKET_ISSUED;
use serde_json::json;

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;
const S1: motcua::office::store::SiteId = motcua::office::store::SiteId(1);
const LOADS: usize = 7;

/// DevTools' throttling profiles: name, added latency (ms), bytes/s down and up.
const PROFILES: [(&str, f64, f64, f64); 3] = [
    ("no throttling", 0.0, 0.0, 0.0),
    ("Fast 3G (Slow 4G)", 562.5, 180_000.0, 84_375.0),
    ("Slow 3G", 2000.0, 50_000.0, 50_000.0),
];

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    let mut s = OfficeStore::open(&db).unwrap();
    let kiosk = s
        .enroll_device("Kiosk", Role::Kiosk, &[S1], Utc::now())
        .unwrap()
        .0;
    s.set_queues(S1, &[QueueDef::new("A", &["HT"])]).unwrap();
    let token = motcua::follow::new_token().unwrap();
    // A morning's line: 40 tickets before this one.
    let today = Utc::now().with_timezone(&TZ).date_naive();
    let events: Vec<(String, String)> = (1..=41)
        .map(|n| {
            let mut p = json!({"id": format!("t{n}"), "queue": "A", "number": n,
                "business_date": today, "issued_at": Utc::now() - chrono::TimeDelta::minutes(90 - n),
                "field": "HT", "priority": "none", "state": "waiting"});
            if n == 41 {
                p["follow_token"] = json!(token);
            }
            (format!("e{n}"), p.to_string())
        })
        .collect();
    let batch: Vec<(&str, &str, &str)> = events
        .iter()
        .map(|(e, p)| (e.as_str(), EVENT_TICKET_ISSUED, p.as_str()))
        .collect();
    s.apply_events(&kiosk, &batch, Utc::now()).unwrap();
    drop(s);
    let office = motcua::office::http::spawn_with_shutdown(&db, "127.0.0.1:0", TZ).unwrap();
    let url = format!("{}/t/{token}", office.url());

    // The weight: what the phone downloads, headers included.
    let agent: ureq::Agent = ureq::Agent::config_builder().proxy(None).build().into();
    let mut resp = agent.get(&url).call().unwrap();
    let headers: usize = resp
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum();
    let body = resp.body_mut().read_to_string().unwrap();
    println!(
        "follow page weight: {} bytes of HTML (style and script inline) + {headers} bytes of headers = {:.1} KB (budget 30 KB)",
        body.len(),
        (body.len() + headers) as f64 / 1024.0
    );
    // The office's time to answer the page, sequentially over one connection.
    let mut times = Vec::new();
    for _ in 0..500 {
        let t = Instant::now();
        agent
            .get(&url)
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "office answers /t/{{token}}: median {:.2} ms, p99 {:.2} ms (500 requests, one connection)",
        times[times.len() / 2],
        times[times.len() * 99 / 100]
    );

    let b = Browser::start_with_size(360, 640);
    for (name, latency, down, up) in PROFILES {
        // Chromium reads a throughput of 0 as none at all: the first profile sets nothing.
        if latency > 0.0 {
            b.throttle(latency, down, up);
        }
        let mut paints = Vec::new();
        let mut others = 0;
        for _ in 0..LOADS {
            b.goto("about:blank");
            b.goto(&url);
            let deadline = Instant::now() + Duration::from_secs(30);
            let fcp = loop {
                let v = b.exec(
                    "const e = performance.getEntriesByName('first-contentful-paint')[0]; return e ? e.startTime : null",
                    vec![],
                );
                if let Some(ms) = v.as_f64() {
                    break ms;
                }
                assert!(Instant::now() < deadline, "no first paint");
                std::thread::sleep(Duration::from_millis(20));
            };
            // Anything fetched besides the page and its live stream.
            let fetched = b.exec(
                "return performance.getEntriesByType('resource').filter(r => !r.name.includes('/api/v1/')).length",
                vec![],
            );
            others += fetched.as_u64().unwrap_or(0);
            paints.push(fcp);
        }
        let m = median(paints.clone());
        let budget = if name.starts_with("Fast 3G") {
            if m <= 1000.0 {
                "  (budget 1 s: met)"
            } else {
                "  OVER the 1 s budget"
            }
        } else {
            ""
        };
        println!(
            "first paint, {name}: median {m:.0} ms, min {:.0}, max {:.0} ({LOADS} loads; {others} other files fetched){budget}",
            paints.iter().copied().fold(f64::MAX, f64::min),
            paints.iter().copied().fold(0.0, f64::max),
        );
    }
    office.shutdown();
}
