//! The crash test: a child process issues tickets as fast as it can and is killed with
//! SIGKILL at a random instant, hundreds of times over one store file. After each kill the
//! store must be intact, hold every ticket the child reported (a report is printed only after
//! the commit), and number each queue and business date exactly 1..=max with no duplicate.
//!
//! The same test binary is the child: `crash_child` does nothing unless the parent set
//! `MOTCUA_CRASH_DB`. `MOTCUA_CRASH_KILLS` overrides the number of kills (default 300).

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use motcua::catalogue::Catalogue;
use motcua::domain::priority::PriorityGroup;
use motcua::kiosk::store::Store;

const ENV_DB: &str = "MOTCUA_CRASH_DB";
const ENV_SEED: &str = "MOTCUA_CRASH_SEED";
const ENV_KILLS: &str = "MOTCUA_CRASH_KILLS";
const QUEUES: [(&str, &str); 3] = [("A", "HT"), ("B", "CT"), ("C", "DD")];
/// A child left alone (parent died) stops by itself.
const CHILD_LIFETIME: Duration = Duration::from_secs(10);

/// SplitMix64: enough randomness for a test without another dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The child: issue tickets forever under a misbehaving simulated clock, reporting each after commit.
#[test]
fn crash_child() {
    let Ok(db) = std::env::var(ENV_DB) else {
        return; // not the child: nothing to do in a normal run
    };
    let seed: u64 = std::env::var(ENV_SEED).unwrap().parse().unwrap();
    let mut rng = Rng(seed);
    let tz = chrono_tz::Asia::Ho_Chi_Minh;
    let mut store = Store::open(&db).unwrap();
    store
        .load_catalogue_if_empty(&Catalogue::default_embedded())
        .unwrap();
    // "True" time resumes a little after the last ticket (or at a start date on a fresh store);
    // the board's reading follows it mostly, but jumps back or boots in 1970 now and then.
    let start = DateTime::parse_from_rfc3339("2025-06-02T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let mut true_time = store.high_water().unwrap().unwrap_or(start)
        + TimeDelta::seconds(rng.below(3 * 3600) as i64);
    let epoch = DateTime::from_timestamp(0, 0).unwrap();
    let booted = Instant::now();
    let stdout = std::io::stdout();
    while booted.elapsed() < CHILD_LIFETIME {
        true_time += TimeDelta::seconds(1 + rng.below(1800) as i64);
        let reading = match rng.below(100) {
            0..=84 => true_time,
            85..=92 => true_time - TimeDelta::seconds(rng.below(2 * 86_400) as i64),
            _ => epoch + TimeDelta::milliseconds(booted.elapsed().as_millis() as i64),
        };
        let (queue, field) = QUEUES[rng.below(QUEUES.len() as u64) as usize];
        let priority = PriorityGroup::ALL[rng.below(PriorityGroup::ALL.len() as u64) as usize];
        let issued = store
            .issue_ticket(queue, field, priority, reading, tz)
            .unwrap();
        let t = issued.ticket;
        let mut out = stdout.lock();
        writeln!(
            out,
            "ISSUED {} {} {} {}",
            t.queue, t.business_date, t.number, t.id
        )
        .unwrap();
        out.flush().unwrap();
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Report {
    queue: String,
    date: NaiveDate,
    number: u32,
    id: String,
}

/// Complete `ISSUED` lines only: a line cut by the kill was never fully reported.
fn parse_reports(text: &str) -> Vec<Report> {
    let mut out = Vec::new();
    let complete = match text.rfind('\n') {
        Some(i) => &text[..=i],
        None => "",
    };
    for line in complete.lines() {
        // libtest prints "test crash_child ... " without a newline before the first report.
        let Some(rest) = line.find("ISSUED ").map(|i| &line[i + "ISSUED ".len()..]) else {
            continue;
        };
        let parts: Vec<&str> = rest.split(' ').collect();
        assert_eq!(parts.len(), 4, "malformed report {line:?}");
        out.push(Report {
            queue: parts[0].to_string(),
            date: parts[1].parse().unwrap(),
            number: parts[2].parse().unwrap(),
            id: parts[3].to_string(),
        });
    }
    out
}

#[derive(Debug)]
struct Row {
    queue: String,
    date: NaiveDate,
    number: u32,
    issued_at: String,
    clock_status: String,
}

#[derive(Default, Debug)]
struct Figures {
    losses: usize,
    duplicates: usize,
    gaps: usize,
    tickets: usize,
    backwards: usize,
    implausible: usize,
    dates: usize,
}

/// Reads the store as it is on disk and checks every invariant; returns the figures.
fn check_store(path: &Path, reported: &[Report]) -> Figures {
    let store = Store::open(path).expect("store reopens after a kill");
    store
        .integrity_check()
        .expect("integrity check after a kill");
    drop(store);
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut st = conn
        .prepare("SELECT id, queue, business_date, number, issued_at, clock_status FROM ticket ORDER BY rowid")
        .unwrap();
    let mut by_id: HashMap<String, Row> = HashMap::new();
    let mut in_order: Vec<String> = Vec::new();
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                Row {
                    queue: r.get(1)?,
                    date: r.get::<_, String>(2)?.parse().unwrap(),
                    number: r.get(3)?,
                    issued_at: r.get(4)?,
                    clock_status: r.get(5)?,
                },
            ))
        })
        .unwrap();
    for row in rows {
        let (id, row) = row.unwrap();
        in_order.push(id.clone());
        assert!(by_id.insert(id, row).is_none());
    }
    let mut f = Figures {
        tickets: by_id.len(),
        ..Figures::default()
    };

    // Nothing reported (= committed) is lost, and it is stored as reported.
    for r in reported {
        match by_id.get(&r.id) {
            Some(row) if row.queue == r.queue && row.date == r.date && row.number == r.number => {}
            _ => f.losses += 1,
        }
    }

    // No (queue, date, number) twice, neither on disk nor among reports.
    let mut numbers: BTreeMap<(String, NaiveDate), Vec<u32>> = BTreeMap::new();
    for row in by_id.values() {
        numbers
            .entry((row.queue.clone(), row.date))
            .or_default()
            .push(row.number);
    }
    let mut reported_keys: HashMap<(String, NaiveDate, u32), &str> = HashMap::new();
    for r in reported {
        if let Some(other) = reported_keys.insert((r.queue.clone(), r.date, r.number), &r.id) {
            if other != r.id {
                f.duplicates += 1;
            }
        }
    }

    // Exactly 1..=max per queue and date, and the counter agrees.
    let mut last_numbers: HashMap<(String, NaiveDate), u32> = HashMap::new();
    let mut st = conn
        .prepare("SELECT queue, business_date, last_number FROM queue_day")
        .unwrap();
    for row in st
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, u32>(2)?,
            ))
        })
        .unwrap()
    {
        let (q, d, n) = row.unwrap();
        last_numbers.insert((q, d.parse().unwrap()), n);
    }
    for (key, nums) in &mut numbers {
        nums.sort_unstable();
        let before = nums.len();
        nums.dedup();
        f.duplicates += before - nums.len();
        let max = *nums.last().unwrap();
        if nums.len() as u32 != max || last_numbers.get(key) != Some(&max) {
            f.gaps += 1;
        }
    }
    assert_eq!(
        last_numbers.len(),
        numbers.len(),
        "queue_day rows without tickets"
    );
    f.dates = numbers
        .keys()
        .map(|(_, d)| *d)
        .collect::<std::collections::BTreeSet<_>>()
        .len();

    // In issue order, business dates and effective times never go backwards.
    for w in in_order.windows(2) {
        let (a, b) = (&by_id[&w[0]], &by_id[&w[1]]);
        assert!(
            a.date <= b.date,
            "business date went back: {a:?} then {b:?}"
        );
        assert!(
            a.issued_at <= b.issued_at,
            "issued_at went back: {a:?} then {b:?}"
        );
    }
    for w in reported.windows(2) {
        assert!(w[0].date <= w[1].date, "reported dates went back: {w:?}");
    }

    // Each ticket's event is in the outbox (same transaction), and the high-water mark is the latest ticket.
    let events: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM outbox WHERE kind = 'ticket.issued'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        events as usize, f.tickets,
        "ticket and outbox event must commit together"
    );
    if let Some(last) = in_order.last() {
        let hw: String = conn
            .query_row("SELECT high_water FROM clock WHERE id = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(hw, by_id[last].issued_at);
    }
    f.backwards = by_id
        .values()
        .filter(|r| r.clock_status == "backwards")
        .count();
    f.implausible = by_id
        .values()
        .filter(|r| r.clock_status == "implausible")
        .count();
    f
}

#[test]
fn sigkill_at_random_instants_loses_and_repeats_nothing() {
    let kills: usize = std::env::var(ENV_KILLS)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiosk.sqlite");
    let out_path = dir.path().join("child.out");
    let err_path = dir.path().join("child.err");
    let exe = std::env::current_exe().unwrap();
    let run_seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut rng = Rng(run_seed);
    let started = Instant::now();
    let mut reported: Vec<Report> = Vec::new();
    let mut figures = Figures::default();
    let mut mid_run_kills = 0;
    let mut max_unreported = 0;

    for kill in 0..kills {
        let child_seed = rng.next();
        let mut child = Command::new(&exe)
            .args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
            .env(ENV_DB, &db)
            .env(ENV_SEED, child_seed.to_string())
            .stdin(Stdio::null())
            .stdout(File::create(&out_path).unwrap())
            .stderr(File::create(&err_path).unwrap())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.below(61)));
        // SAFETY: plain kill(2) on the pid of our own child, which we have not waited for yet.
        let rc = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGKILL) };
        assert_eq!(rc, 0, "kill failed");
        let status = child.wait().unwrap();
        if status.code().is_some() {
            // It ended on its own before the kill: only acceptable if it had nothing to say.
            let err = std::fs::read_to_string(&err_path).unwrap_or_default();
            assert!(
                status.success(),
                "child failed (kill {kill}, seed {child_seed}): {err}"
            );
        }
        let text = std::fs::read_to_string(&out_path).unwrap();
        let new = parse_reports(&text);
        if !new.is_empty() {
            mid_run_kills += 1;
        }
        let n_new = new.len();
        reported.extend(new);
        let before = figures.tickets;
        figures = check_store(&db, &reported);
        // The ticket committed but not yet reported when the kill landed (at most one).
        let unreported = figures.tickets - before - n_new;
        max_unreported = max_unreported.max(unreported);
        assert_eq!(
            (figures.losses, figures.duplicates, figures.gaps),
            (0, 0, 0),
            "after kill {kill} (run seed {run_seed}, child seed {child_seed})"
        );
    }
    let elapsed = started.elapsed();
    println!(
        "crash summary: kills={kills} kills_after_first_ticket={mid_run_kills} tickets_in_store={} tickets_reported={} \
         committed_unreported_max_per_kill={max_unreported} duplicates={} losses={} gaps={} clock_backwards={} clock_implausible={} business_dates={} elapsed={:.1}s run_seed={run_seed}",
        figures.tickets,
        reported.len(),
        figures.duplicates,
        figures.losses,
        figures.gaps,
        figures.backwards,
        figures.implausible,
        figures.dates,
        elapsed.as_secs_f64(),
    );
    assert_eq!(figures.duplicates, 0);
    assert_eq!(figures.losses, 0);
    assert!(figures.tickets >= reported.len());
    assert!(
        mid_run_kills > 0,
        "no kill landed after a ticket: the test tested nothing"
    );
}
