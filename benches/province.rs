//! Province figures (issue 16): one PostgreSQL database serving 100 communes through two
//! office processes (`motcua office`, each its own process, as a province runs them behind
//! one address), over a business day compressed into minutes. Each site has 3 kiosks and
//! 6 counters; kiosks take online numbers and push ~30,000 tickets to either process, and
//! 600 clerks log in over HTTP and press "next", then "finish", until every ticket is called.
//! Prints "next" p50/p99 (budget p99 ≤ 50 ms) and throughput, then checks per site that no
//! ticket was called twice and none was lost; then a kiosk's idle poll (bytes and time,
//! budget ≤ 300 B) with 100 sites loaded against a database of one site that lived the
//! same day; then the roll-up page of 100 sites × 31 days as a province lead's browser loads
//! it (the rows, then its four charts at once; budget ≤ 1 s). `cargo bench --bench province`; sizes from PROVINCE_SITES (100),
//! PROVINCE_TICKETS (30,000) and PROVINCE_DAY_S (the length of the compressed day, 600 s: 48×
//! faster than a real day, 50 calls a second where a real province averages one; a shorter
//! day measures where the machine saturates rather than what a call waits).

#[path = "../tests/support/http_client.rs"]
mod http_client;
#[path = "../tests/support/office_db.rs"]
#[allow(unused_macros, unused_imports)] // the tests' both_backends! is not for a bench
mod office_db;
#[path = "../tests/support/office_process.rs"]
mod office_process;
#[path = "common/relay.rs"]
mod relay;
#[path = "common/rollup_fill.rs"]
mod rollup_fill;

use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use motcua::config::Config;
use motcua::kiosk::sync::{round, OfficeClient, RoundConfig};
use motcua::office::counters::{ClerkRole, QueueDef};
use motcua::office::store::SiteId;
use motcua::office::{OfficeStore, Role};
use motcua::protocol::{EventIn, EVENT_TICKET_ISSUED};
use office_db::{Backend, TestDb};
use serde_json::json;

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;
/// Kiosks and counters of each site, as the issue sizes a commune.
const KIOSKS: usize = 3;
const COUNTERS: usize = 6;
const QUEUES: [&str; 4] = ["A", "B", "C", "D"];
/// Every clerk's password (the policy wants 10 characters, not a common one).
const PASSWORD: &str = "quay-mot-cua-2026";
/// A real day is 8 working hours; the bench plays it faster by this much at most.
const WORKING_DAY: Duration = Duration::from_secs(8 * 3600);
/// Budgets the issue sets: "next" at p99, the bytes of an idle poll each way (the
/// request is mostly its HTTP head and the 64-character token), and the roll-up page.
const NEXT_P99_BUDGET: Duration = Duration::from_millis(50);
const IDLE_POLL_BUDGET: u64 = 300;
const ROLLUP_PAGE_BUDGET: Duration = Duration::from_secs(1);

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator (splitmix64): the same day on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `mean` scaled by a factor uniform in [0.5, 1.5).
    fn around(&mut self, mean: Duration) -> Duration {
        mean.mul_f64(0.5 + self.unit())
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// "p50 …, p99 …, max …" of `times` (sorted here).
fn spread(times: &mut [Duration]) -> String {
    times.sort();
    format!(
        "p50 {}, p99 {}, max {}",
        ms(percentile(times, 0.5)),
        ms(percentile(times, 0.99)),
        ms(times.last().copied().unwrap_or_default())
    )
}

/// How big the day is.
#[derive(Clone, Copy)]
struct Sizes {
    sites: usize,
    tickets: usize,
    /// Kiosks issue tickets over this long.
    day: Duration,
}

impl Sizes {
    /// A clerk's mean time with a citizen: the working day's counters serve the day's
    /// tickets in the day (a real day: 600 counters, 8 hours, ~10 minutes a citizen).
    fn service(&self) -> Duration {
        self.day
            .mul_f64((self.sites * COUNTERS) as f64 / self.tickets.max(1) as f64)
    }
}

/// What the seeding gave a site: its id and code, its kiosks' tokens.
struct SiteSeed {
    id: SiteId,
    code: String,
    tokens: Vec<String>,
}

fn clerk_name(site: usize, counter: usize) -> String {
    format!("s{site}c{counter}")
}

/// `sites` communes, each with the counters bench's four queues, 3 kiosks and 6 clerks.
/// Two connections share the work: a clerk's Argon2 hash takes tens of milliseconds.
fn seed(db: &str, sites: usize) -> Vec<SiteSeed> {
    let mut first = OfficeStore::open(db).unwrap();
    let mut ids = Vec::new();
    for s in 0..sites {
        let code = format!("{}", 10_001 + s * 4);
        let name = format!("UBND xã số {}", s + 1);
        // A new database starts with the site `main`: it becomes the first commune.
        let site = if s == 0 {
            first.rename_site("main", Some(&name), Some(&code)).unwrap()
        } else {
            first.add_site(&code, &name, Utc::now()).unwrap()
        };
        ids.push((s, site.id, site.code));
    }
    drop(first);
    let halves: Vec<Vec<(usize, SiteId, String)>> = [0, 1]
        .map(|h| ids.iter().filter(|(s, ..)| s % 2 == h).cloned().collect())
        .into();
    let mut seeds: Vec<SiteSeed> = std::thread::scope(|scope| {
        let workers: Vec<_> = halves
            .into_iter()
            .map(|half| {
                scope.spawn(move || {
                    let mut store = OfficeStore::open(db).unwrap();
                    half.into_iter()
                        .map(|(s, id, code)| {
                            store
                                .set_queues(id, &QUEUES.map(|q| QueueDef::new(q, &["HT"])))
                                .unwrap();
                            let tokens = (1..=KIOSKS)
                                .map(|k| {
                                    let name = format!("Kiosk {k}");
                                    store
                                        .enroll_device(&name, Role::Kiosk, &[id], Utc::now())
                                        .unwrap()
                                        .1
                                })
                                .collect();
                            for c in 1..=COUNTERS {
                                store
                                    .add_clerk(
                                        Some(id),
                                        &clerk_name(s, c),
                                        &format!("Cán bộ {c}"),
                                        PASSWORD,
                                        ClerkRole::Clerk,
                                        false,
                                        Utc::now(),
                                    )
                                    .unwrap();
                            }
                            SiteSeed { id, code, tokens }
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    seeds.sort_by_key(|s| s.id);
    seeds
}

/// An office process on `db`, as the unit starts it, killed when dropped.
struct Office {
    child: Child,
    url: String,
}

impl Office {
    fn start(db: &str) -> Office {
        let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
            .args(["office", "--listen", "127.0.0.1:0", "--db", db])
            // A line per login or counter opened would be 1,200 lines.
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let url = office_process::address(&office_process::first_line(&mut child));
        Office { child, url }
    }

    fn addr(&self) -> SocketAddr {
        self.url.trim_start_matches("http://").parse().unwrap()
    }
}

impl Drop for Office {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A counter's session: its site (index and id), number, office process and cookie.
struct Clerk {
    site: usize,
    counter: usize,
    office: String,
    cookie: String,
}

/// Every clerk logs in at its counter, serving all queues, on the process the counter is
/// given to. A few at a time: each process checks at most 2 passwords at once and answers
/// 503 to a login that waits more than 2 s for a slot.
fn log_in(seeds: &[SiteSeed], offices: &[Office]) -> Vec<Clerk> {
    let todo: Vec<(usize, usize)> = (0..seeds.len())
        .flat_map(|s| (1..=COUNTERS).map(move |c| (s, c)))
        .collect();
    let next = AtomicUsize::new(0);
    let clerks = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                let agent = http_client::agent();
                while let Some(&(s, c)) = todo.get(next.fetch_add(1, Ordering::SeqCst)) {
                    let office = &offices[(s * COUNTERS + c) % offices.len()].url;
                    let body = json!({"username": clerk_name(s, c), "password": PASSWORD,
                                      "counter": c, "queues": QUEUES});
                    let cookie = loop {
                        let (status, answer, cookie) = http_client::call(
                            &agent,
                            "POST",
                            &format!("{office}/api/v1/clerk/login"),
                            None,
                            Some(body.clone()),
                        );
                        match status {
                            200 => break cookie.unwrap(),
                            503 => std::thread::sleep(Duration::from_millis(50)),
                            _ => panic!("login {}: {status} {answer}", clerk_name(s, c)),
                        }
                    };
                    clerks.lock().unwrap().push(Clerk {
                        site: s,
                        counter: c,
                        office: office.clone(),
                        cookie,
                    });
                }
            });
        }
    });
    clerks.into_inner().unwrap()
}

/// What the day measured, and what each side saw.
#[derive(Default)]
struct Day {
    /// "next" answered with a called ticket.
    next: Vec<Duration>,
    /// "next" answered "nobody waiting".
    next_empty: Vec<Duration>,
    finish: Vec<Duration>,
    number: Vec<Duration>,
    push: Vec<Duration>,
    poll: Vec<Duration>,
    /// Tickets the office acknowledged, by site index.
    issued: BTreeMap<usize, HashSet<String>>,
    /// Tickets counters were given, with the site index of the counter.
    called: Vec<(usize, String)>,
    wall: Duration,
    requests: usize,
}

/// A kiosk's day: tickets at their times, each a real kiosk round (an online number, the
/// push of its event, a poll of changes), to the two processes in turn.
#[allow(clippy::too_many_arguments)] // one kiosk thread's whole setup, named at its one call
fn kiosk_day(
    site: usize,
    kiosk: usize,
    token: &str,
    offices: &[Office],
    times: Vec<Duration>,
    start: Instant,
    today: NaiveDate,
    day: &Mutex<Day>,
) {
    // A number that waits past the kiosk's 300 ms falls back to a block; here it is
    // waited for, so its time is measured rather than hidden.
    let clients: Vec<OfficeClient> = offices
        .iter()
        .map(|o| OfficeClient::new(&o.url, token, Duration::from_secs(10)))
        .collect();
    let (mut number, mut push, mut poll) = (Vec::new(), Vec::new(), Vec::new());
    let mut issued = Vec::new();
    let mut cursor = 0;
    for (i, at) in times.into_iter().enumerate() {
        if let Some(wait) = (start + at).checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let client = &clients[(kiosk + i) % clients.len()];
        let id = format!("t{site}-{kiosk}-{i}");
        let queue = QUEUES[(i + kiosk) % QUEUES.len()];
        let t = Instant::now();
        let n = client.number(&id, queue, today).unwrap();
        number.push(t.elapsed());
        let payload = json!({
            "id": id, "queue": queue, "number": n, "business_date": today,
            "issued_at": Utc::now(), "field": "HT",
            "priority": if i % 7 == 3 { "elderly" } else { "none" }, "state": "waiting",
        });
        let event = EventIn {
            id: format!("e-{id}"),
            kind: EVENT_TICKET_ISSUED.into(),
            payload,
        };
        let t = Instant::now();
        let acked = client.push(vec![event]).unwrap();
        push.push(t.elapsed());
        assert_eq!(
            (acked.applied, acked.rejected.len()),
            (1, 0),
            "ticket {id} not applied"
        );
        issued.push(id);
        let t = Instant::now();
        cursor = client.changes(cursor).unwrap().cursor;
        poll.push(t.elapsed());
    }
    let mut d = day.lock().unwrap();
    d.number.extend(number);
    d.push.extend(push);
    d.poll.extend(poll);
    d.issued.entry(site).or_default().extend(issued);
}

/// A counter's day: "next", the citizen served, "finish", until the kiosks are done and
/// nobody waits. A clerk who finds nobody looks again a while later.
fn counter_day(
    clerk: &Clerk,
    service: Duration,
    seed: u64,
    kiosks_done: &AtomicBool,
    day: &Mutex<Day>,
) {
    let agent = http_client::agent();
    let mut rng = Rng(seed);
    let (mut next, mut empty, mut finish, mut called) = (vec![], vec![], vec![], vec![]);
    let action = |name: &str| format!("{}/api/v1/counter/{name}", clerk.office);
    // Clerks sit down over the first moments of the day, not all in one instant.
    std::thread::sleep(rng.around(service / 2));
    loop {
        // Read before asking: a "nobody" answered after every ticket was pushed is final.
        let last = kiosks_done.load(Ordering::SeqCst);
        let t = Instant::now();
        let (status, view, _) =
            http_client::call(&agent, "POST", &action("next"), Some(&clerk.cookie), None);
        let took = t.elapsed();
        match status {
            200 => {
                next.push(took);
                let id = view["current"]["id"].as_str().expect("the ticket called");
                called.push((clerk.site, id.to_string()));
                std::thread::sleep(rng.around(service));
                let t = Instant::now();
                let (status, view, _) =
                    http_client::call(&agent, "POST", &action("finish"), Some(&clerk.cookie), None);
                finish.push(t.elapsed());
                assert_eq!(status, 200, "finish: {view}");
            }
            409 if view["code"] == "nobody_waiting" => {
                empty.push(took);
                if last {
                    break;
                }
                std::thread::sleep(rng.around(service));
            }
            _ => panic!(
                "next at counter {} of site {}: {status} {view}",
                clerk.counter, clerk.site
            ),
        }
    }
    let mut d = day.lock().unwrap();
    d.next.extend(next);
    d.next_empty.extend(empty);
    d.finish.extend(finish);
    d.called.extend(called);
}

/// The day: kiosks' tickets at random times over `sizes.day`, counters calling them.
fn run_day(sizes: Sizes, seeds: &[SiteSeed], offices: &[Office], clerks: &[Clerk]) -> Day {
    let today = Utc::now().with_timezone(&TZ).date_naive();
    let mut rng = Rng(16);
    let per_kiosk = sizes.tickets / (sizes.sites * KIOSKS);
    let day = Mutex::new(Day::default());
    let kiosks_left = AtomicUsize::new(sizes.sites * KIOSKS);
    let kiosks_done = AtomicBool::new(false);
    let service = sizes.service();
    let start = Instant::now();
    std::thread::scope(|scope| {
        for (s, seed) in seeds.iter().enumerate() {
            for (k, token) in seed.tokens.iter().enumerate() {
                let mut times: Vec<Duration> = (0..per_kiosk)
                    .map(|_| sizes.day.mul_f64(rng.unit()))
                    .collect();
                times.sort();
                let (day, kiosks_left, kiosks_done) = (&day, &kiosks_left, &kiosks_done);
                std::thread::Builder::new()
                    .stack_size(256 << 10)
                    .spawn_scoped(scope, move || {
                        kiosk_day(s, k, token, offices, times, start, today, day);
                        if kiosks_left.fetch_sub(1, Ordering::SeqCst) == 1 {
                            kiosks_done.store(true, Ordering::SeqCst);
                        }
                    })
                    .unwrap();
            }
        }
        for clerk in clerks {
            let seed = rng.next();
            let (day, kiosks_done) = (&day, &kiosks_done);
            std::thread::Builder::new()
                .stack_size(256 << 10)
                .spawn_scoped(scope, move || {
                    counter_day(clerk, service, seed, kiosks_done, day)
                })
                .unwrap();
        }
    });
    let mut day = day.into_inner().unwrap();
    day.wall = start.elapsed();
    day.requests = day.next.len()
        + day.next_empty.len()
        + day.finish.len()
        + day.number.len()
        + day.push.len()
        + day.poll.len();
    day
}

/// Prints the day's figures; whether "next" kept its budget.
fn report_day(label: &str, sizes: Sizes, day: &mut Day) -> bool {
    let calls = day.next.len();
    println!(
        "{label}: {} tickets over {:.0} s (a working day played {:.0}× faster), {} counters on 2 office processes, {:.1} s a citizen on average",
        day.issued.values().map(HashSet::len).sum::<usize>(),
        sizes.day.as_secs_f64(),
        WORKING_DAY.as_secs_f64() / sizes.day.as_secs_f64(),
        sizes.sites * COUNTERS,
        sizes.service().as_secs_f64()
    );
    let p99 = {
        day.next.sort();
        percentile(&day.next, 0.99)
    };
    println!(
        "  next (a ticket called), {calls} calls: {} (budget p99 ≤ {}: {})",
        spread(&mut day.next),
        ms(NEXT_P99_BUDGET),
        if p99 <= NEXT_P99_BUDGET {
            "kept"
        } else {
            "OVER"
        }
    );
    println!(
        "  next finding nobody, {} presses: {}",
        day.next_empty.len(),
        spread(&mut day.next_empty)
    );
    println!("  finish: {}", spread(&mut day.finish));
    println!(
        "  kiosk online number: {} (the kiosk waits 300 ms, then numbers from its block)",
        spread(&mut day.number)
    );
    println!("  kiosk push of a ticket: {}", spread(&mut day.push));
    println!("  kiosk poll of changes: {}", spread(&mut day.poll));
    let secs = day.wall.as_secs_f64();
    println!(
        "  throughput: {:.0} calls/s, {:.0} requests/s over both processes; every ticket called {:.1} s after the start",
        calls as f64 / secs,
        day.requests as f64 / secs,
        secs
    );
    p99 <= NEXT_P99_BUDGET
}

/// Checks in the database and against what kiosks and counters saw, per site: every
/// ticket issued is called once and done, none twice, none by another site's counter.
fn check_day(db: &str, seeds: &[SiteSeed], day: &Day) -> bool {
    let today = Utc::now().with_timezone(&TZ).date_naive().to_string();
    let mut pg = postgres::Client::connect(db, postgres::NoTls).unwrap();
    // Per ticket: its site, its state, its calls (and how many by a clerk of another site).
    let rows = pg
        .query(
            "SELECT t.site_id, t.id, t.state,
                    COUNT(c.id) FILTER (WHERE c.action = 'call'),
                    COUNT(c.id) FILTER (WHERE c.action = 'call' AND k.site_id <> t.site_id)
             FROM ticket t
             LEFT JOIN call_log c ON c.ticket_id = t.id AND c.site_id = t.site_id
             LEFT JOIN clerk k ON k.id = c.clerk_id
             WHERE t.business_date = $1
             GROUP BY t.site_id, t.id, t.state",
            &[&today],
        )
        .unwrap();
    #[derive(Default)]
    struct Tally {
        stored: usize,
        done: usize,
        once: usize,
        twice: usize,
        foreign: usize,
        lost: usize,
        seen_twice: usize,
    }
    let index: BTreeMap<i64, usize> = seeds.iter().enumerate().map(|(i, s)| (s.id.0, i)).collect();
    let mut tally: BTreeMap<usize, Tally> = BTreeMap::new();
    let mut stored: HashSet<(usize, String)> = HashSet::new();
    for r in &rows {
        let site = index[&r.get::<_, i64>(0)];
        let (id, state, calls, foreign): (String, String, i64, i64) =
            (r.get(1), r.get(2), r.get(3), r.get(4));
        let t = tally.entry(site).or_default();
        t.stored += 1;
        t.done += usize::from(state == "done");
        t.once += usize::from(calls == 1);
        t.twice += usize::from(calls > 1);
        t.foreign += usize::from(foreign > 0);
        stored.insert((site, id));
    }
    for (site, ids) in &day.issued {
        let t = tally.entry(*site).or_default();
        t.lost += ids
            .iter()
            .filter(|id| !stored.contains(&(*site, id.to_string())))
            .count();
    }
    // What the counters were handed: each ticket once, and only their own site's.
    let mut seen = HashSet::new();
    for (site, id) in &day.called {
        if !seen.insert(id.as_str()) {
            tally.entry(*site).or_default().seen_twice += 1;
        }
        if !day.issued.get(site).is_some_and(|ids| ids.contains(id)) {
            tally.entry(*site).or_default().foreign += 1;
        }
    }
    let mut all_ok = true;
    let mut lines = Vec::new();
    for (s, seed) in seeds.iter().enumerate() {
        let t = tally.remove(&s).unwrap_or_default();
        let issued = day.issued.get(&s).map_or(0, HashSet::len);
        let ok = t.stored == issued
            && t.done == issued
            && t.once == issued
            && t.twice + t.foreign + t.lost + t.seen_twice == 0;
        all_ok &= ok;
        lines.push(if ok {
            format!("{} {issued}/{issued} ok", seed.code)
        } else {
            format!(
                "{} FAILED: issued {issued}, stored {}, done {}, called once {}, called twice {}, by another site {}, lost {}, handed out twice {}",
                seed.code, t.stored, t.done, t.once, t.twice, t.foreign, t.lost, t.seen_twice
            )
        });
    }
    let issued: usize = day.issued.values().map(HashSet::len).sum();
    println!(
        "  check per site (issued / called once and done): {}",
        if all_ok {
            format!(
                "every site ok: {issued} tickets, none called twice, none lost, none called by another site's counter"
            )
        } else {
            "FAILED".to_string()
        }
    );
    for chunk in lines.chunks(5) {
        println!("    {}", chunk.join(" · "));
    }
    all_ok
}

/// A real kiosk of the first site (its store, its sync round) behind a byte-counting relay:
/// its first round, then idle rounds with its cursor up to date. (bytes up, down, times).
fn idle_poll(office: &Office, token: &str) -> (u64, u64, Vec<Duration>) {
    let (relay_addr, counted) = relay::relay(office.addr());
    let dir = tempfile::tempdir().unwrap();
    let mut store = motcua::kiosk::open_store(dir.path()).unwrap();
    let cfg = RoundConfig::from_config(&Config::default());
    let client = OfficeClient::new(
        &format!("http://{relay_addr}"),
        token,
        Duration::from_millis(300),
    );
    round(&mut store, &client, &cfg, &Utc::now).unwrap();
    let (mut up, mut down, mut times) = (0, 0, Vec::new());
    for _ in 0..20 {
        let (u0, d0) = counted.now();
        let t = Instant::now();
        let r = round(&mut store, &client, &cfg, &Utc::now).unwrap();
        times.push(t.elapsed());
        assert_eq!((r.pushed, r.dossiers, r.blocks, r.pages), (0, 0, 0, 1));
        // The relay counts after forwarding; give its threads a moment.
        std::thread::sleep(Duration::from_millis(20));
        let (u1, d1) = counted.now();
        (up, down) = (up.max(u1 - u0), down.max(d1 - d0));
    }
    times.sort();
    (up, down, times)
}

/// One database of `sizes.sites` communes through its day; the idle poll afterwards.
fn province(label: &str, sizes: Sizes) -> (bool, (u64, u64, Vec<Duration>)) {
    let db = TestDb::new(Backend::Postgres);
    let t = Instant::now();
    let seeds = seed(db.target(), sizes.sites);
    let offices = [Office::start(db.target()), Office::start(db.target())];
    let clerks = log_in(&seeds, &offices);
    println!(
        "{label}: {} sites, {} kiosks, {} clerks logged in at their counters, in {:.1} s",
        seeds.len(),
        seeds.len() * KIOSKS,
        clerks.len(),
        t.elapsed().as_secs_f64()
    );
    let mut day = run_day(sizes, &seeds, &offices, &clerks);
    let kept = report_day(label, sizes, &mut day);
    let checked = check_day(db.target(), &seeds, &day);
    let poll = idle_poll(&offices[0], &seeds[0].tokens[0]);
    (kept && checked, poll)
}

/// The roll-up page over `rollup_fill`'s history on an office process, as the page loads it:
/// the rows of the 31 days, then the four charts at once. (load times sorted, computed then
/// kept by the office; rows; tickets)
fn rollup_page() -> (Vec<Duration>, Vec<Duration>, usize, u64) {
    let db = TestDb::new(Backend::Postgres);
    let first = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    let last = first + chrono::TimeDelta::days(i64::from(rollup_fill::DAYS) - 1);
    rollup_fill::fill(db.target(), Backend::Postgres, first);
    OfficeStore::open(db.target())
        .unwrap()
        .add_clerk(
            None,
            "tinh",
            "Lãnh đạo tỉnh",
            PASSWORD,
            ClerkRole::ProvinceLead,
            false,
            Utc::now(),
        )
        .unwrap();
    let office = Office::start(db.target());
    let agent = http_client::agent();
    let (status, answer, cookie) = http_client::call(
        &agent,
        "POST",
        &format!("{}/api/v1/reports/login", office.url),
        None,
        Some(json!({"username": "tinh", "password": PASSWORD})),
    );
    assert_eq!(status, 200, "{answer}");
    let cookie = cookie.unwrap();
    let get = |agent: &ureq::Agent, path: &str| {
        let (status, body, _) = http_client::call(
            agent,
            "GET",
            &format!("{}{path}", office.url),
            Some(&cookie),
            None,
        );
        assert_eq!(status, 200, "{path}: {body}");
        body
    };
    // The office keeps a range's roll-up for 10 s: a range starting a day earlier each time
    // (the same 31 days of tickets) is computed afresh, as a leader's first look is.
    let load = |from: NaiveDate| {
        let range = format!("from={from}&to={last}");
        let rows = get(&agent, &format!("/api/v1/province?{range}&sort=code"));
        std::thread::scope(|scope| {
            for chart in ["tickets", "wait", "satisfaction", "on-time"] {
                let path = format!("/api/v1/province/chart/{chart}.svg?{range}&lang=vi");
                scope.spawn(move || get(&http_client::agent(), &path));
            }
        });
        rows
    };
    let timed = |from: NaiveDate| {
        let t = Instant::now();
        load(from);
        t.elapsed()
    };
    // The first load warms the database's cache, as the leader's first look of the day does.
    let rows = load(first);
    let mut computed: Vec<Duration> = (1..=5)
        .map(|k| timed(first - chrono::TimeDelta::days(k)))
        .collect();
    let mut cached: Vec<Duration> = (0..5).map(|_| timed(first)).collect();
    computed.sort();
    cached.sort();
    let rows = rows["rows"].as_array().cloned().unwrap_or_default();
    let tickets = rows.iter().filter_map(|r| r["tickets"].as_u64()).sum();
    (computed, cached, rows.len(), tickets)
}

fn main() {
    let sites = env_or("PROVINCE_SITES", 100).max(1);
    let tickets = env_or("PROVINCE_TICKETS", 30_000).max(sites * KIOSKS);
    let day = Duration::from_secs(env_or("PROVINCE_DAY_S", 600) as u64);
    let province_sizes = Sizes {
        sites,
        tickets,
        day,
    };
    // One commune with as many tickets as each of the province's, played faster: it is the
    // baseline of the idle poll and of "next" on a quiet office.
    let commune_sizes = Sizes {
        sites: 1,
        tickets: tickets / sites,
        day: (day / 5).max(Duration::from_secs(10)),
    };
    let (one_ok, one) = province("1 site", commune_sizes);
    let (all_ok, all) = province(&format!("{sites} sites"), province_sizes);
    println!("kiosk idle poll (cursor up to date: one request, one answer; max of 20 polls):");
    let mut ok = one_ok && all_ok;
    for (label, (up, down, times)) in [("1 site", one), (&format!("{sites} sites"), all)] {
        ok &= up.max(down) <= IDLE_POLL_BUDGET;
        println!(
            "  {label}: kiosk → office {up} B, office → kiosk {down} B (budget ≤ {IDLE_POLL_BUDGET} B each way); round p50 {}, max {}",
            ms(percentile(&times, 0.5)),
            ms(*times.last().unwrap())
        );
    }
    let (times, cached, rows, tickets) = rollup_page();
    let slowest = *times.last().unwrap();
    ok &= rows == rollup_fill::SITES as usize && slowest <= ROLLUP_PAGE_BUDGET;
    println!(
        "roll-up page, {rows} sites × {} days ({tickets} tickets), rows then 4 charts at once: computed p50 {}, max {} of {} ranges (budget ≤ {}); again within 10 s (kept) p50 {}",
        rollup_fill::DAYS,
        ms(percentile(&times, 0.5)),
        ms(slowest),
        times.len(),
        ms(ROLLUP_PAGE_BUDGET),
        ms(percentile(&cached, 0.5)),
    );
    println!(
        "{}",
        if ok {
            "all figures within budget"
        } else {
            "SOME FIGURE OVER BUDGET OR A CHECK FAILED"
        }
    );
}
