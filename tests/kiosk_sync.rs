//! The kiosk's sync engine against a real office server on 127.0.0.1 (in this process, or
//! the `motcua office` process when it must be killed), with real SQLite files on the
//! kiosks' side and, on the office's, a SQLite file or a PostgreSQL database (every test runs
//! on both): numbering across kiosks online and offline, a day offline converging, the office
//! killed mid-push, faults (500, garbage, timeouts, lost answers), dossiers, settings,
//! catalogue and the clock coming from the office.

#[path = "support/office_db.rs"]
mod office_db;

#[path = "support/office_process.rs"]
mod office_process;

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use motcua::config::Config;
use motcua::domain::priority::PriorityGroup;
use motcua::dossier_import::{parse, Format};
use motcua::kiosk::store::{NumberSource, Store};
use motcua::kiosk::sync::{round, OfficeClient, RoundConfig, SyncHandle};
use motcua::office::http::{spawn_with_shutdown, OfficeHandle};
use motcua::office::{OfficeStore, Role};
use motcua::protocol::Settings;
use office_db::{both_backends, Backend, TestDb};

both_backends! {
    online_numbers_follow_the_office_sequence_across_two_kiosks,
    two_kiosks_issuing_concurrently_through_an_outage_never_share_a_number,
    a_day_offline_with_a_thousand_tickets_converges_without_loss_or_repeat,
    the_office_killed_mid_push_and_restarted_ends_with_every_ticket_once,
    faults_lose_nothing_and_a_lost_answer_is_not_applied_twice,
    dossiers_settings_and_catalogue_changed_at_the_office_reach_the_kiosk,
    a_board_clock_that_jumped_a_year_ahead_is_corrected_by_the_office,
    the_offices_public_address_reaches_the_kiosk_and_its_tickets_lead_to_their_follow_pages,
}

const TZ: Tz = chrono_tz::Asia::Ho_Chi_Minh;

/// An office database on the test's backend.
struct OfficeDb {
    db: TestDb,
}

impl OfficeDb {
    fn new(b: Backend) -> OfficeDb {
        OfficeDb { db: TestDb::new(b) }
    }

    /// The SQLite file or the PostgreSQL URL.
    fn target(&self) -> &str {
        self.db.target()
    }

    fn open(&self) -> OfficeStore {
        OfficeStore::open(self.target()).unwrap()
    }

    fn enroll(&self, name: &str) -> String {
        self.open()
            .enroll_device(name, Role::Kiosk, &[S1], Utc::now())
            .unwrap()
            .1
    }

    fn serve(&self, listen: &str) -> OfficeHandle {
        spawn_with_shutdown(self.target(), listen, TZ).unwrap()
    }
}

/// A kiosk's data directory and config.
struct KioskSide {
    dir: tempfile::TempDir,
    config: Config,
}

impl KioskSide {
    fn new(office_url: &str, token: &str) -> KioskSide {
        let dir = tempfile::tempdir().unwrap();
        motcua::kiosk::open_store(dir.path()).unwrap();
        let mut config = Config::default();
        config.sync.office_url = Some(office_url.to_string());
        config.sync.token = Some(token.to_string());
        config.sync.interval_seconds = 1;
        KioskSide { dir, config }
    }

    fn db(&self) -> PathBuf {
        motcua::kiosk::database_path(self.dir.path())
    }

    fn store(&self) -> Store {
        Store::open(self.db()).unwrap()
    }

    fn start(&self, clock: motcua::kiosk::sync::engine::Clock) -> SyncHandle {
        SyncHandle::start(&self.config, self.db(), clock)
            .unwrap()
            .expect("an office is configured")
    }

    fn field(&self, queue: &str) -> String {
        self.config
            .queues
            .iter()
            .find(|q| q.prefix == queue)
            .unwrap()
            .fields[0]
            .clone()
    }

    /// Issues a ticket the way the controller does.
    fn issue(
        &self,
        store: &mut Store,
        sync: &SyncHandle,
        queue: &str,
        now: DateTime<Utc>,
    ) -> motcua::kiosk::store::Issued {
        let numbering = sync.numbering(store, queue, now, TZ);
        let issued = store
            .issue_ticket_with(
                queue,
                &self.field(queue),
                PriorityGroup::None,
                now,
                TZ,
                numbering,
            )
            .unwrap();
        sync.kick();
        issued
    }
}

/// `n` tickets in queues A and B numbered by the kiosk itself (as before it syncs).
fn issue_alone(store: &mut Store, n: usize) {
    for i in 0..n {
        store
            .issue_ticket(
                ["A", "B"][i % 2],
                ["HT", "CT"][i % 2],
                PriorityGroup::None,
                Utc::now(),
                TZ,
            )
            .unwrap();
    }
}

fn real_clock() -> motcua::kiosk::sync::engine::Clock {
    Arc::new(Utc::now)
}

fn wait_until(what: &str, timeout: Duration, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn wait_online(sync: &SyncHandle) {
    wait_until("the first sync", Duration::from_secs(20), || {
        sync.status().online
    });
}

/// Until the kiosk's outbox is empty (read from its store: the status's count is as of the
/// last round) and the sync is online.
fn wait_drained(kiosk: &KioskSide, sync: &SyncHandle) {
    let store = kiosk.store();
    wait_until("the outbox to drain", Duration::from_secs(120), || {
        sync.status().online && store.outbox_unsent().unwrap() == 0
    });
}

/// Every (queue, date, number) the kiosk stores hold, checked for repeats.
fn assert_unique(stores: &[&Store], dates: &[NaiveDate]) -> usize {
    let mut seen = HashSet::new();
    for store in stores {
        for d in dates {
            for t in store.tickets_on(*d).unwrap() {
                assert!(
                    seen.insert((t.queue.clone(), t.business_date, t.number)),
                    "{} printed twice on {}",
                    t.display_number(),
                    t.business_date
                );
            }
        }
    }
    seen.len()
}

fn days_from(d: NaiveDate, n: i64) -> Vec<NaiveDate> {
    (0..n).map(|i| d + TimeDelta::days(i)).collect()
}

fn online_numbers_follow_the_office_sequence_across_two_kiosks(b: Backend) {
    let office = OfficeDb::new(b);
    let server = office.serve("127.0.0.1:0");
    let k1 = KioskSide::new(&server.url(), &office.enroll("K1"));
    let k2 = KioskSide::new(&server.url(), &office.enroll("K2"));
    let (s1, s2) = (k1.start(real_clock()), k2.start(real_clock()));
    wait_online(&s1);
    wait_online(&s2);
    let (mut st1, mut st2) = (k1.store(), k2.store());
    let mut numbers = Vec::new();
    for _ in 0..10 {
        for (k, st, s) in [(&k1, &mut st1, &s1), (&k2, &mut st2, &s2)] {
            let issued = k.issue(st, s, "A", Utc::now());
            assert_eq!(issued.source, NumberSource::Office);
            numbers.push(issued.ticket.number);
        }
    }
    assert_eq!(
        numbers,
        (1..=20).collect::<Vec<_>>(),
        "one sequence, in order"
    );
    wait_drained(&k1, &s1);
    wait_drained(&k2, &s2);
    let o = office.open();
    assert_eq!(o.ticket_count().unwrap(), 20);
    assert_eq!(o.conflicts().unwrap(), 0);
    // Each kiosk holds blocks for four days and every queue, from 501 up, disjoint.
    let today = st1.business_date_at(Utc::now(), TZ).unwrap();
    for d in days_from(today, 4) {
        for q in ["A", "B", "C", "D"] {
            assert_eq!(st1.block_state(q, d).unwrap().blocks, 1, "{q} {d}");
            assert_eq!(st2.block_state(q, d).unwrap().remaining, 300, "{q} {d}");
        }
    }
}

fn two_kiosks_issuing_concurrently_through_an_outage_never_share_a_number(b: Backend) {
    let office = OfficeDb::new(b);
    let server = office.serve("127.0.0.1:0");
    let addr = server.addr();
    let kiosks: Vec<KioskSide> = ["K1", "K2"]
        .iter()
        .map(|n| {
            let mut k = KioskSide::new(&server.url(), &office.enroll(n));
            // The test asserts where each number came from, not how fast: the longest
            // wait allowed keeps a loaded test machine from sending one to the block.
            k.config.sync.number_timeout_ms = 2000;
            k
        })
        .collect();
    let syncs: Vec<SyncHandle> = kiosks.iter().map(|k| k.start(real_clock())).collect();
    syncs.iter().for_each(wait_online);

    // Both kiosks issue at once: 60 tickets online, then the office goes away and each
    // issues 60 more from its blocks, then the office comes back and they issue 60 more.
    let phase = Arc::new(std::sync::Barrier::new(3));
    let mut server = Some(server);
    let sources = std::thread::scope(|scope| {
        let workers: Vec<_> = kiosks
            .iter()
            .zip(&syncs)
            .map(|(k, s)| {
                let phase = phase.clone();
                scope.spawn(move || {
                    let mut store = k.store();
                    let mut sources = Vec::new();
                    for _ in 0..3 {
                        for i in 0..60 {
                            let q = ["A", "B"][i % 2];
                            sources.push(k.issue(&mut store, s, q, Utc::now()).source);
                        }
                        phase.wait();
                        phase.wait();
                    }
                    sources
                })
            })
            .collect();
        phase.wait();
        server.take().unwrap().shutdown();
        phase.wait();
        phase.wait();
        let back = office.serve(&addr.to_string());
        syncs.iter().for_each(|s| s.kick());
        syncs.iter().for_each(wait_online);
        phase.wait();
        phase.wait();
        phase.wait();
        let sources: Vec<Vec<NumberSource>> =
            workers.into_iter().map(|w| w.join().unwrap()).collect();
        server = Some(back);
        sources
    });
    for s in &sources {
        assert!(s[..60].iter().all(|x| *x == NumberSource::Office), "{s:?}");
        assert!(
            s[60..120].iter().all(|x| *x == NumberSource::Block),
            "{s:?}"
        );
        assert!(s[120..].iter().all(|x| *x == NumberSource::Office), "{s:?}");
    }
    kiosks
        .iter()
        .zip(&syncs)
        .for_each(|(k, s)| wait_drained(k, s));
    let stores: Vec<Store> = kiosks.iter().map(|k| k.store()).collect();
    let today = stores[0].business_date_at(Utc::now(), TZ).unwrap();
    let n = assert_unique(
        &stores.iter().collect::<Vec<_>>(),
        &days_from(today - TimeDelta::days(1), 3),
    );
    assert_eq!(n, 360);
    let o = office.open();
    assert_eq!(o.ticket_count().unwrap(), 360);
    assert_eq!(o.conflicts().unwrap(), 0);
    drop(server);
}

fn a_day_offline_with_a_thousand_tickets_converges_without_loss_or_repeat(b: Backend) {
    let office = OfficeDb::new(b);
    let server = office.serve("127.0.0.1:0");
    let addr = server.addr();
    let kiosk = KioskSide::new(&server.url(), &office.enroll("K1"));
    // The kiosk's board clock stands at 07:30 office time today and is moved through the day.
    let start = Utc::now();
    let offset = Arc::new(std::sync::atomic::AtomicI64::new(0));
    let clock: motcua::kiosk::sync::engine::Clock = {
        let offset = offset.clone();
        Arc::new(move || start + TimeDelta::seconds(offset.load(Ordering::SeqCst)))
    };
    let sync = kiosk.start(clock.clone());
    wait_online(&sync);
    server.shutdown();
    let mut store = kiosk.store();
    for i in 0..1000 {
        // A ticket every 30 s: about eight hours, maybe past midnight (blocks cover it too).
        offset.store(i * 30, Ordering::SeqCst);
        let q = ["A", "B", "C", "D"][i as usize % 4];
        let issued = kiosk.issue(&mut store, &sync, q, clock());
        assert_eq!(issued.source, NumberSource::Block, "ticket {i}");
        assert!(issued.ticket.number >= 501, "offline numbers start at 501");
    }
    assert!(!sync.status().online);
    assert_eq!(
        store.outbox_unsent().unwrap(),
        1000,
        "all kept while offline"
    );
    // The next morning the office is back.
    let server = office.serve(&addr.to_string());
    sync.kick();
    wait_drained(&kiosk, &sync);
    let o = office.open();
    assert_eq!(o.ticket_count().unwrap(), 1000);
    assert_eq!(o.event_count().unwrap(), 1000);
    assert_eq!(o.conflicts().unwrap(), 0);
    let today = store.business_date_at(start, TZ).unwrap();
    assert_eq!(assert_unique(&[&store], &days_from(today, 2)), 1000);
    drop(server);
}

/// A running `motcua office` process.
struct OfficeProcess(Child);

impl OfficeProcess {
    fn start(db: &str, listen: &str) -> (OfficeProcess, SocketAddr) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
            .env("RUST_LOG", "warn")
            .args(["office", "--listen", listen, "--db"])
            .arg(db)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let line = office_process::first_line(&mut child);
        let addr = office_process::address(&line)
            .trim_start_matches("http://")
            .parse()
            .unwrap();
        (OfficeProcess(child), addr)
    }
}

impl Drop for OfficeProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn the_office_killed_mid_push_and_restarted_ends_with_every_ticket_once(b: Backend) {
    let office = OfficeDb::new(b);
    let token = office.enroll("K1");
    let (proc1, addr) = OfficeProcess::start(office.target(), "127.0.0.1:0");
    let kiosk = KioskSide::new(&format!("http://{addr}"), &token);
    // 3,000 tickets issued while the kiosk is not syncing, then pushed in batches of 500.
    let mut store = kiosk.store();
    issue_alone(&mut store, 3000);
    let sync = kiosk.start(real_clock());
    let watcher = office.open();
    wait_until("the first batch to land", Duration::from_secs(60), || {
        watcher.event_count().unwrap() > 0
    });
    drop(proc1); // SIGKILL, mid-push
    let landed = watcher.event_count().unwrap();
    eprintln!("{landed} of 3000 events had landed when the office was killed");
    let (_proc2, _) = OfficeProcess::start(office.target(), &addr.to_string());
    sync.kick();
    wait_drained(&kiosk, &sync);
    assert_eq!(watcher.event_count().unwrap(), 3000);
    assert_eq!(watcher.ticket_count().unwrap(), 3000);
    assert_eq!(watcher.conflicts().unwrap(), 0);
}

/// What the fault server does with each request.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Fault {
    /// Forward to the office and pass the answer back.
    Pass = 0,
    /// Answer 500.
    ServerError = 1,
    /// Answer 200 with a body that is not JSON.
    Garbage = 2,
    /// Say nothing until the client gives up.
    Hang = 3,
    /// Forward to the office, then close without the answer (the office applied it).
    LoseAnswer = 4,
}

/// An HTTP server on 127.0.0.1 that misbehaves on purpose in front of the real office.
struct FaultServer {
    addr: SocketAddr,
    mode: Arc<AtomicU8>,
}

impl FaultServer {
    fn start(office: SocketAddr) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let mode = Arc::new(AtomicU8::new(Fault::Pass as u8));
        let m = mode.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let m = m.clone();
                std::thread::spawn(move || {
                    let _ = serve_one(conn, office, m.load(Ordering::SeqCst));
                });
            }
        });
        FaultServer { addr, mode }
    }

    fn set(&self, f: Fault) {
        self.mode.store(f as u8, Ordering::SeqCst);
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Reads one HTTP request (head and body by Content-Length).
fn read_request(conn: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = conn.read(&mut chunk)?;
        if n == 0 {
            return Ok(buf);
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap_or(0));
            while buf.len() < end + 4 + len {
                let n = conn.read(&mut chunk)?;
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Ok(buf);
        }
    }
}

fn serve_one(mut conn: TcpStream, office: SocketAddr, mode: u8) -> std::io::Result<()> {
    let request = read_request(&mut conn)?;
    let reply = |conn: &mut TcpStream, status: &str, body: &str| {
        write!(
            conn,
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    match mode {
        m if m == Fault::ServerError as u8 => reply(
            &mut conn,
            "500 Internal Server Error",
            "{\"error\":\"disk on fire\"}",
        ),
        m if m == Fault::Garbage as u8 => reply(&mut conn, "200 OK", "<html>captive portal</html>"),
        m if m == Fault::Hang as u8 => {
            std::thread::sleep(Duration::from_secs(5));
            Ok(())
        }
        _ => {
            // Ask the office to close after answering, so its answer ends at EOF.
            let text =
                String::from_utf8_lossy(&request).replacen("\r\n", "\r\nconnection: close\r\n", 1);
            let mut upstream = TcpStream::connect(office)?;
            upstream.write_all(text.as_bytes())?;
            let mut answer = Vec::new();
            upstream.read_to_end(&mut answer)?;
            if mode == Fault::LoseAnswer as u8 {
                return Ok(());
            }
            conn.write_all(&answer)
        }
    }
}

fn faults_lose_nothing_and_a_lost_answer_is_not_applied_twice(b: Backend) {
    let office = OfficeDb::new(b);
    let server = office.serve("127.0.0.1:0");
    let token = office.enroll("K1");
    let faults = FaultServer::start(server.addr());
    let kiosk = KioskSide::new(&faults.url(), &token);
    let client = OfficeClient::with_timeouts(
        &faults.url(),
        &token,
        Duration::from_millis(800),
        Duration::from_millis(300),
    );
    let cfg = RoundConfig::from_config(&kiosk.config);
    let mut store = kiosk.store();
    issue_alone(&mut store, 20);
    for (fault, want) in [
        (Fault::ServerError, "office refused (500): disk on fire"),
        (Fault::Garbage, "office answer not understood"),
        (Fault::Hang, "office unreachable"),
        (Fault::LoseAnswer, "office unreachable"),
    ] {
        faults.set(fault);
        let err = round(&mut store, &client, &cfg, &Utc::now).unwrap_err();
        assert!(format!("{err:#}").contains(want), "{err:#}");
        assert_eq!(store.outbox_unsent().unwrap(), 20, "nothing marked sent");
    }
    // The lost answer's events reached the office once; the retry is a replay.
    let o = office.open();
    assert_eq!(o.event_count().unwrap(), 20);
    faults.set(Fault::Pass);
    let report = round(&mut store, &client, &cfg, &Utc::now).unwrap();
    assert_eq!(report.pushed, 20);
    assert_eq!(store.outbox_unsent().unwrap(), 0);
    assert_eq!(o.event_count().unwrap(), 20);
    assert_eq!(o.ticket_count().unwrap(), 20);
    // A ticket's number: a hanging office costs at most the number timeout, then the block.
    let sync = kiosk.start(real_clock());
    wait_online(&sync);
    faults.set(Fault::Hang);
    let started = Instant::now();
    let issued = kiosk.issue(&mut store, &sync, "A", Utc::now());
    let waited = started.elapsed();
    assert_eq!(issued.source, NumberSource::Block);
    assert!(
        waited < Duration::from_secs(2),
        "waited {waited:?} for a hanging office"
    );
    // Once the office is known to be gone, tickets do not wait at all.
    assert!(!sync.status().online);
    assert_eq!(
        kiosk.issue(&mut store, &sync, "A", Utc::now()).source,
        NumberSource::Block
    );
    faults.set(Fault::Pass);
    drop(server);
}

fn dossiers_settings_and_catalogue_changed_at_the_office_reach_the_kiosk(b: Backend) {
    let office = OfficeDb::new(b);
    let server = office.serve("127.0.0.1:0");
    let kiosk = KioskSide::new(&server.url(), &office.enroll("K1"));
    let sync = kiosk.start(real_clock());
    wait_online(&sync);
    let code = "H15.50.05.13-261120-0975";
    let record = |status: &str| {
        let text = format!(
            "code,status,procedure_code,applicant_name,received_at,due_at,secret,phone_last4\n\
             {code},{status},1.001,Nguyễn Văn An,2026-11-20T08:00:00+07:00,2026-11-27T16:00:00+07:00,K7Q2,0975\n"
        );
        let parsed = parse(&text, Format::Csv).unwrap();
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        parsed.records.into_iter().map(|r| r.1).collect::<Vec<_>>()
    };
    let mut o = office.open();
    o.upsert_dossiers(S1, &record("processing"), Utc::now())
        .unwrap();
    sync.kick();
    let store = kiosk.store();
    wait_until("the dossier", Duration::from_secs(10), || {
        store.dossier(code).unwrap().is_some()
    });
    assert_eq!(
        store.dossier(code).unwrap().unwrap().status.code(),
        "processing"
    );
    o.upsert_dossiers(S1, &record("ready"), Utc::now()).unwrap();
    sync.kick();
    wait_until("the status change", Duration::from_secs(10), || {
        store.dossier(code).unwrap().unwrap().status.code() == "ready"
    });
    let steps: Vec<&str> = store
        .dossier_steps(code)
        .unwrap()
        .iter()
        .map(|s| s.status.code())
        .collect();
    assert_eq!(steps, ["received", "processing", "ready"]);

    o.set_settings(
        S1,
        &Settings {
            notice_vi: "Chiều thứ Sáu nghỉ họp".into(),
            notice_en: String::new(),
            ..Default::default()
        },
    )
    .unwrap();
    let mut cat = motcua::catalogue::Catalogue::default_embedded();
    cat.procedures.truncate(5);
    o.set_catalogue(&serde_json::to_string(&cat).unwrap())
        .unwrap();
    sync.kick();
    wait_until("settings and catalogue", Duration::from_secs(10), || {
        let s = sync.status();
        s.settings.notice_vi == "Chiều thứ Sáu nghỉ họp" && s.catalogue_generation == 1
    });
    assert_eq!(store.procedures().unwrap().len(), 5);
    // Restarted, the kiosk still has them (and does not fetch them again).
    drop(sync);
    let again = kiosk.start(real_clock());
    wait_online(&again);
    assert_eq!(again.status().settings.notice_vi, "Chiều thứ Sáu nghỉ họp");
    assert_eq!(again.status().catalogue_generation, 0);
    // A catalogue without a field a queue serves (HT, queue A) would stop the kiosk from
    // starting: it is not taken, and the sync goes on.
    let mut broken = motcua::catalogue::Catalogue::default_embedded();
    broken.fields.retain(|f| f.code != "HT");
    broken.procedures.retain(|p| p.field != "HT");
    o.set_catalogue(&serde_json::to_string(&broken).unwrap())
        .unwrap();
    let rounds = again.status().rounds;
    again.kick();
    wait_until(
        "a round past the catalogue",
        Duration::from_secs(10),
        || again.status().rounds > rounds + 1,
    );
    assert_eq!(again.status().catalogue_generation, 0);
    assert!(again.status().online);
    assert_eq!(store.procedures().unwrap().len(), 5);
    assert!(store.fields().unwrap().iter().any(|f| f.code == "HT"));
    drop(server);
}

fn a_board_clock_that_jumped_a_year_ahead_is_corrected_by_the_office(b: Backend) {
    let office = OfficeDb::new(b);
    let server = office.serve("127.0.0.1:0");
    let kiosk = KioskSide::new(&server.url(), &office.enroll("K1"));
    let ahead = TimeDelta::days(365);
    let board: motcua::kiosk::sync::engine::Clock = Arc::new(move || Utc::now() + ahead);
    let mut store = kiosk.store();
    // Before the first sync the kiosk believes its board clock.
    let wrong = store
        .issue_ticket("A", "HT", PriorityGroup::None, board(), TZ)
        .unwrap();
    let sync = kiosk.start(board.clone());
    wait_online(&sync);
    let now = sync.now(board());
    assert!(
        (now - Utc::now()).abs() < TimeDelta::seconds(5),
        "corrected to {now}"
    );
    assert!(store.high_water().unwrap().unwrap() < Utc::now() + TimeDelta::minutes(2));
    let right = kiosk.issue(&mut store, &sync, "A", sync.now(board()));
    assert_eq!(
        right.ticket.business_date,
        store.business_date_at(Utc::now(), TZ).unwrap()
    );
    assert!(right.ticket.business_date < wrong.ticket.business_date);
    drop(server);
}

/// The `ticket.issued` payloads the office stored, by ticket id: what its follow page reads.
fn office_ticket_events(office: &OfficeDb) -> std::collections::HashMap<String, serde_json::Value> {
    let sql = "SELECT payload FROM event WHERE kind = 'ticket.issued'";
    let payloads: Vec<String> = match office.db.backend() {
        Backend::Sqlite => {
            let conn = rusqlite::Connection::open(office.target()).unwrap();
            let mut st = conn.prepare(sql).unwrap();
            let rows = st.query_map([], |r| r.get(0)).unwrap();
            rows.map(Result::unwrap).collect()
        }
        Backend::Postgres => {
            let mut client =
                ::postgres::Client::connect(office.target(), ::postgres::NoTls).unwrap();
            client
                .query(sql, &[])
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect()
        }
    };
    payloads
        .iter()
        .map(|p| {
            let v: serde_json::Value = serde_json::from_str(p).unwrap();
            (v["id"].as_str().unwrap().to_string(), v)
        })
        .collect()
}

fn the_offices_public_address_reaches_the_kiosk_and_its_tickets_lead_to_their_follow_pages(
    b: Backend,
) {
    use motcua::kiosk::qr::ticket_address;
    const PUBLIC: &str = "https://motcua.xa-tan-tien.gov.vn";
    let office = OfficeDb::new(b);
    let server = office.serve("127.0.0.1:0");
    let kiosk = KioskSide::new(&server.url(), &office.enroll("K1"));
    let sync = kiosk.start(real_clock());
    wait_online(&sync);
    let mut store = kiosk.store();
    // The QR code's address as the controller decides it, from what the sync stored.
    let address = |store: &Store, t: &motcua::domain::ticket::Ticket| {
        let public = store.office_settings().unwrap().public_url;
        ticket_address(
            &kiosk.config.office,
            &public,
            &t.id,
            t.follow_token.as_deref(),
        )
    };
    // No public address yet: the configured ticket address.
    let before = kiosk.issue(&mut store, &sync, "A", Utc::now()).ticket;
    assert!(!address(&store, &before).follow);
    assert_eq!(
        address(&store, &before).url,
        kiosk.config.office.ticket_url_for(&before.id)
    );

    office
        .open()
        .set_public_url(S1, &format!("{PUBLIC}/"))
        .unwrap();
    sync.kick();
    wait_until("the public address", Duration::from_secs(10), || {
        store.office_settings().unwrap().public_url == PUBLIC
    });
    let after = kiosk.issue(&mut store, &sync, "A", Utc::now()).ticket;
    let token = after.follow_token.clone().unwrap();
    assert_eq!(
        address(&store, &after),
        motcua::kiosk::qr::TicketAddress {
            url: format!("{PUBLIC}/t/{token}"),
            follow: true,
        }
    );
    // The first ticket has its token too: a reprint now leads to its page.
    let reprint = store.ticket(&before.id).unwrap().unwrap();
    assert_eq!(
        address(&store, &reprint).url,
        format!("{PUBLIC}/t/{}", before.follow_token.clone().unwrap())
    );

    // The office got each ticket's token with its event, as the kiosk made it.
    wait_drained(&kiosk, &sync);
    let events = office_ticket_events(&office);
    for t in [&before, &after] {
        assert_eq!(
            events[&t.id]["follow_token"].as_str(),
            t.follow_token.as_deref(),
            "{}",
            t.display_number()
        );
    }
    drop(server);
}

/// The site a new office database starts with.
const S1: motcua::office::store::SiteId = motcua::office::store::SiteId(1);
