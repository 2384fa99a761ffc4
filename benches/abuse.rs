//! The office under attack from its own network, as issue 15 describes it, while a kiosk
//! keeps taking numbers: a release office (`motcua office`, its own process, so its memory
//! is its own) gets bursts of bogus logins, a flood of idle connections and thousands of
//! live-stream attempts. Prints the office's peak RSS, health latency with idle sockets
//! open, the kiosk's number latency per phase, and each figure against its budget.
//! `cargo bench --bench abuse`; sizes from ABUSE_LOGINS (400), ABUSE_IDLE (2000),
//! ABUSE_STREAMS (15000).

#[path = "../tests/support/office_process.rs"]
mod office_process;

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use motcua::kiosk::sync::OfficeClient;
use motcua::office::counters::QueueDef;
use motcua::office::{OfficeStore, Role};

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;
const MB: f64 = 1024.0 * 1024.0;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A field of /proc/<pid>/status in bytes (VmHWM, VmRSS) or as a count (Threads).
fn status(pid: u32, field: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .unwrap_or("0");
    let n: u64 = line
        .split_whitespace()
        .next()
        .unwrap_or("0")
        .parse()
        .unwrap();
    if line.contains("kB") {
        n * 1024
    } else {
        n
    }
}

/// Raises this process's open-file limit: the attacks hold thousands of sockets.
fn raise_open_files() {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: the calls only read and write the struct passed.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

/// An office database with queue A and a kiosk; the kiosk's token.
fn seed(db: &std::path::Path) -> String {
    let mut s = OfficeStore::open(db).unwrap();
    let token = s
        .enroll_device("Kiosk", Role::Kiosk, &[S1], Utc::now())
        .unwrap()
        .1;
    s.set_queues(S1, &[QueueDef::new("A", &["HT"])]).unwrap();
    token
}

/// The office as its own process, as the unit starts it; its address.
fn start_office(db: &std::path::Path) -> (Child, SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["office", "--listen", "127.0.0.1:0", "--db"])
        .arg(db)
        // Shedding lines, not one line per failed login.
        .env("RUST_LOG", "warn,motcua::office::http::auth=error")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let line = office_process::first_line(&mut child);
    let url = office_process::address(&line);
    (child, url.trim_start_matches("http://").parse().unwrap())
}

/// One number's latency: the phase it was taken in, how long, whether it came.
type Sample = (&'static str, Duration, bool);

/// Number latencies per phase, taken by a kiosk-like client in a loop.
struct Kiosk {
    phase: Arc<Mutex<&'static str>>,
    samples: Arc<Mutex<Vec<Sample>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Kiosk {
    fn start(base: String, token: String) -> Kiosk {
        let phase = Arc::new(Mutex::new("quiet"));
        let samples = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = std::thread::spawn({
            let (phase, samples, stop) = (phase.clone(), samples.clone(), stop.clone());
            move || {
                // The kiosk's own number timeout: past it a ticket falls back to its block.
                let client = OfficeClient::new(&base, &token, Duration::from_secs(3));
                let date = Utc::now().with_timezone(&TZ).date_naive();
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let t = Instant::now();
                    let ok = client.number(&format!("bench-{n}"), "A", date).is_ok();
                    let now = *phase.lock().unwrap();
                    samples.lock().unwrap().push((now, t.elapsed(), ok));
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        });
        Kiosk {
            phase,
            samples,
            stop,
            thread: Some(thread),
        }
    }

    fn set_phase(&self, p: &'static str) {
        *self.phase.lock().unwrap() = p;
    }

    fn report(mut self) -> Duration {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.take().unwrap().join().unwrap();
        let samples = self.samples.lock().unwrap();
        let mut worst = Duration::ZERO;
        for phase in ["quiet", "idle", "streams", "logins"] {
            let mut d: Vec<Duration> = samples
                .iter()
                .filter(|s| s.0 == phase)
                .map(|s| s.1)
                .collect();
            let failed = samples.iter().filter(|s| s.0 == phase && !s.2).count();
            if d.is_empty() {
                continue;
            }
            d.sort();
            let p = |q: usize| d[(d.len() * q / 100).min(d.len() - 1)];
            if phase != "quiet" {
                worst = worst.max(p(99));
            }
            println!(
                "  kiosk numbers ({phase}): {} taken, {failed} failed, p50 {:.1} ms, p99 {:.1} ms",
                d.len(),
                p(50).as_secs_f64() * 1e3,
                p(99).as_secs_f64() * 1e3
            );
        }
        worst
    }
}

/// `count` logins with unknown usernames, all at once, each from an address of its own
/// (127.2.x.y), so the per-source throttle cannot help and only the password-check limit
/// bounds the office's memory. Returns how many got each status.
fn bogus_logins(addr: SocketAddr, count: usize) -> std::collections::BTreeMap<String, usize> {
    let barrier = Arc::new(Barrier::new(count));
    let statuses = Arc::new(Mutex::new(std::collections::BTreeMap::new()));
    let threads: Vec<_> = (0..count)
        .map(|i| {
            let (barrier, statuses) = (barrier.clone(), statuses.clone());
            std::thread::spawn(move || {
                let body = format!(
                    r#"{{"username":"nobody-{i}","password":"guess-{i}","counter":1,"queues":["A"]}}"#
                );
                let n = i as u32 + 2;
                let from = IpAddr::V4(Ipv4Addr::new(127, 2, (n >> 8) as u8, n as u8));
                barrier.wait();
                let status = login_from(from, addr, &body).unwrap_or_else(|| "failed".into());
                *statuses.lock().unwrap().entry(status).or_insert(0) += 1;
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
    let answers = std::mem::take(&mut *statuses.lock().unwrap());
    answers
}

/// One login from `from`: the answer's status code.
fn login_from(from: IpAddr, to: SocketAddr, body: &str) -> Option<String> {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).ok()?;
    socket.bind(&SocketAddr::new(from, 0).into()).ok()?;
    socket.connect(&to.into()).ok()?;
    let mut s: TcpStream = socket.into();
    s.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
    write!(
        s,
        "POST /api/v1/clerk/login HTTP/1.1\r\nHost: office\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut head = [0u8; 12];
    s.read_exact(&mut head).ok()?;
    Some(String::from_utf8_lossy(&head[9..12]).into_owned())
}

/// One health request on a new connection: its latency, or None if it got no 200.
fn health(addr: SocketAddr) -> Option<Duration> {
    let t = Instant::now();
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    s.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: office\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut head = [0u8; 12];
    s.read_exact(&mut head).ok()?;
    (&head[9..12] == b"200").then(|| t.elapsed())
}

/// `count` stream attempts from many 127.x addresses (an attacker with a subnet), holding
/// the streams the office accepts; (accepted, refused, failed).
fn stream_attempts(addr: SocketAddr, count: usize) -> (Vec<TcpStream>, usize, usize) {
    let held = Arc::new(Mutex::new(Vec::new()));
    let refused = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let next = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (held, refused, failed, next) =
                (held.clone(), refused.clone(), failed.clone(), next.clone());
            std::thread::spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return;
                }
                // 25 attempts per source address: over the per-source cap of 20.
                let n = (i / 25) as u32 + 2;
                let from = IpAddr::V4(Ipv4Addr::new(127, 1, (n >> 8) as u8, n as u8));
                match stream_once(from, addr) {
                    Some((s, true)) => held.lock().unwrap().push(s),
                    Some((_, false)) => {
                        refused.fetch_add(1, Ordering::Relaxed);
                    }
                    None => {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let held = std::mem::take(&mut *held.lock().unwrap());
    (
        held,
        refused.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
    )
}

/// A board stream from `from`: the socket and whether it was accepted (200).
fn stream_once(from: IpAddr, to: SocketAddr) -> Option<(TcpStream, bool)> {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).ok()?;
    socket.bind(&SocketAddr::new(from, 0).into()).ok()?;
    socket.connect(&to.into()).ok()?;
    let mut s: TcpStream = socket.into();
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    s.write_all(b"GET /api/v1/stream?view=board HTTP/1.1\r\nHost: office\r\n\r\n")
        .ok()?;
    let mut head = [0u8; 12];
    s.read_exact(&mut head).ok()?;
    let ok = &head[9..12] == b"200";
    Some((s, ok))
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "within budget"
    } else {
        "OVER BUDGET"
    }
}

fn main() {
    raise_open_files();
    let logins = env_or("ABUSE_LOGINS", 400);
    let idle = env_or("ABUSE_IDLE", 2000);
    let streams = env_or("ABUSE_STREAMS", 15_000);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    let token = seed(&db);
    let (mut office, addr) = start_office(&db);
    let pid = office.id();
    println!(
        "abuse: office pid {pid} on {addr}; {logins} logins, {idle} idle sockets, {streams} stream attempts"
    );
    let kiosk = Kiosk::start(format!("http://{addr}"), token);
    std::thread::sleep(Duration::from_secs(2));
    println!(
        "  office at rest: RSS {:.1} MB, {} threads",
        status(pid, "VmRSS") as f64 / MB,
        status(pid, "Threads")
    );

    kiosk.set_phase("idle");
    let sockets: Vec<TcpStream> = (0..idle)
        .filter_map(|_| TcpStream::connect(addr).ok())
        .collect();
    let mut latencies: Vec<Option<Duration>> = (0..20)
        .map(|_| {
            std::thread::sleep(Duration::from_millis(50));
            health(addr)
        })
        .collect();
    let failed = latencies.iter().filter(|l| l.is_none()).count();
    latencies.sort();
    let worst = latencies
        .iter()
        .flatten()
        .max()
        .copied()
        .unwrap_or_default();
    println!(
        "  health with {} idle sockets opened: worst of 20 {:.1} ms, {failed} failed ({}; budget 1 s)",
        sockets.len(),
        worst.as_secs_f64() * 1e3,
        verdict(failed == 0 && worst <= Duration::from_secs(1))
    );
    drop(sockets);

    kiosk.set_phase("streams");
    let t = Instant::now();
    // Held open through the logins, as an attacker would.
    let (held, refused, failed) = stream_attempts(addr, streams);
    let rss = status(pid, "VmRSS") as f64 / MB;
    println!(
        "  {streams} stream attempts in {:.1} s: {} held, {refused} refused, {failed} failed; \
         RSS {rss:.1} MB, {} threads ({}; budget 200 MB)",
        t.elapsed().as_secs_f64(),
        held.len(),
        status(pid, "Threads"),
        verdict(rss <= 200.0)
    );
    // Last: the peak (VmHWM) covers every phase before it too.
    kiosk.set_phase("logins");
    let t = Instant::now();
    let answers = bogus_logins(addr, logins);
    let login_peak = status(pid, "VmHWM") as f64 / MB;
    println!(
        "  {logins} parallel bogus logins from {logins} addresses took {:.1} s (answers {answers:?}): \
         peak RSS {login_peak:.1} MB ({}; budget 200 MB)",
        t.elapsed().as_secs_f64(),
        verdict(login_peak <= 200.0)
    );

    let worst = kiosk.report();
    println!(
        "  kiosk number p99 under attack: {:.1} ms ({}; budget 300 ms)",
        worst.as_secs_f64() * 1e3,
        verdict(worst <= Duration::from_millis(300))
    );
    let _ = office.kill();
    let _ = office.wait();
}

/// The site a new office database starts with.
const S1: motcua::office::store::SiteId = motcua::office::store::SiteId(1);
