//! The kiosk's sync loop: one round pushes the outbox, pulls what changed at the office,
//! learns the office's clock and tops up the blocks of numbers for offline issuing. The loop
//! runs on its own thread with its own connection to the store, so the UI never waits on the
//! network; failures back off (1 s doubling to 60 s) and the outbox keeps everything.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;

use super::client::{OfficeClient, SyncError};
use crate::catalogue::Catalogue;
use crate::config::Config;
use crate::dossier_import::{self, Format};
use crate::kiosk::store::{Numbering, Store};
use crate::protocol::{CheckInAnswer, EventIn, Settings, MAX_EVENTS};
use crate::tls::CertificateMismatch;

/// Events per push.
const PUSH_BATCH: u32 = 500;
/// Dossiers per store transaction: a ticket waits at most one batch for the write lock.
const IMPORT_BATCH: usize = 2000;
/// Calendar days ahead that blocks are held for, today included: enough for a kiosk cut off
/// over the longest holiday (Tết) to still issue unique numbers when the office reopens.
const BLOCK_DAYS: i64 = 10;
/// A clock difference smaller than this is network jitter, not a wrong board clock.
const CLOCK_TOLERANCE: TimeDelta = TimeDelta::seconds(2);
/// The longest wait between tries after failures.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// The wall clock, injectable so tests can stand at any instant.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// What the sync is doing, for the admin view and the ticket path.
#[derive(Debug, Clone, Default)]
pub struct SyncStatus {
    /// The last round succeeded (the office can be asked for numbers).
    pub online: bool,
    /// When the last round succeeded (office time).
    pub last_ok: Option<DateTime<Utc>>,
    /// Why the last round failed, if it did.
    pub last_error: Option<String>,
    /// The office presented another certificate than the pinned one at the last round.
    pub mismatch: Option<CertificateMismatch>,
    /// Events not yet delivered.
    pub pending: u32,
    /// The office's time at a known instant of this process's monotonic clock, once the
    /// board's clock was found off by more than jitter: the time then runs on from it, so a
    /// board clock stepped later (NTP, an RTC read) cannot drag it along.
    pub office_clock: Option<(DateTime<Utc>, Instant)>,
    /// Office clock minus board clock at the last measurement.
    pub clock_offset: Option<TimeDelta>,
    /// The office's settings as last stored.
    pub settings: Settings,
    /// Bumped whenever the office sent a new catalogue.
    pub catalogue_generation: u64,
    /// Rounds that succeeded since start.
    pub rounds: u64,
}

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundReport {
    /// Events the office acknowledged.
    pub pushed: usize,
    /// Dossiers stored (new or changed).
    pub dossiers: usize,
    /// Rows the office sent that failed validation (logged, skipped).
    pub rejected: usize,
    /// Blocks newly reserved.
    pub blocks: usize,
    /// A new catalogue was stored.
    pub catalogue: bool,
    /// New settings were stored.
    pub settings: Option<Settings>,
    /// Office clock minus board clock, measured this round.
    pub offset: Option<TimeDelta>,
    /// The office's time and the monotonic instant it was measured at, this round.
    pub office_clock: Option<(DateTime<Utc>, Instant)>,
    /// Pages of changes fetched.
    pub pages: usize,
}

/// The parts of the config a round needs.
#[derive(Debug, Clone)]
pub struct RoundConfig {
    /// Queue prefixes to hold blocks for.
    pub queues: Vec<String>,
    /// Numbers per block.
    pub block_size: u32,
    /// Field codes the queues serve: a catalogue from the office without one is not taken.
    pub fields: Vec<String>,
    /// The office's time zone (business dates).
    pub tz: Tz,
}

impl RoundConfig {
    /// From the kiosk's config.
    pub fn from_config(c: &Config) -> RoundConfig {
        RoundConfig {
            queues: c.queues.iter().map(|q| q.prefix.clone()).collect(),
            block_size: c.sync.block_size,
            fields: c.queues.iter().flat_map(|q| q.fields.clone()).collect(),
            tz: c.office.time_zone,
        }
    }
}

/// One sync round against the office (see the module comment). Everything is stored before
/// the cursor moves, so a failure anywhere repeats work but loses nothing.
pub fn round(
    store: &mut Store,
    client: &OfficeClient,
    cfg: &RoundConfig,
    board: &dyn Fn() -> DateTime<Utc>,
) -> anyhow::Result<RoundReport> {
    let mut report = RoundReport::default();
    loop {
        let events = store.outbox_pending(PUSH_BATCH.min(MAX_EVENTS as u32))?;
        if events.is_empty() {
            break;
        }
        let wire = events
            .into_iter()
            .map(|e| {
                Ok(EventIn {
                    id: e.id,
                    kind: e.kind,
                    payload: serde_json::from_str(&e.payload)
                        .context("an outbox payload is not JSON")?,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let acked = client.push(wire)?;
        if let Some(first) = acked.rejected.first() {
            // The office keeps them aside (a queue or field it does not know): staff should
            // compare this kiosk's config with the office's queues and catalogue.
            log::warn!(
                "the office refused {} of the events sent (first {}: {}); see motcua office rejected-events",
                acked.rejected.len(),
                first.id,
                first.reason
            );
        }
        let marked = store.mark_sent(&acked.acked, board())?;
        if marked == 0 {
            // Pushing the same batch again would never end.
            anyhow::bail!("the office acknowledged none of the events sent");
        }
        report.pushed += marked;
    }

    let mut cursor = store.sync_cursor()?;
    let before = board();
    let started = Instant::now();
    let mut page = client.changes(cursor);
    let rtt = started.elapsed();
    loop {
        let changes = page?;
        report.pages += 1;
        // The next page is fetched while this one is stored: office and kiosk work at once.
        let prefetch = changes.more.then(|| {
            let (client, next) = (client.clone(), changes.cursor);
            std::thread::spawn(move || client.changes(next))
        });
        let office_now = DateTime::parse_from_rfc3339(&changes.time)
            .map_err(|e| SyncError::BadAnswer(format!("office time {:?}: {e}", changes.time)))?
            .with_timezone(&Utc);
        if report.pages == 1 {
            if rtt < Duration::from_secs(1) {
                let midpoint = before + TimeDelta::from_std(rtt / 2).unwrap_or_default();
                report.offset = Some(office_now - midpoint);
                report.office_clock = Some((office_now, started + rtt / 2));
                if store.correct_clock(office_now, cfg.tz)? {
                    log::warn!(
                        "the board clock ran a day or more ahead of the office's; corrected to {office_now}"
                    );
                }
            }
            // Blocks before the rest of the pull: a first sync of many dossiers must not
            // leave the kiosk without numbers for the office's absence.
            top_up_all(
                store,
                client,
                cfg,
                corrected(board(), report.offset),
                &mut report,
            )?;
        }
        if let Some(raw) = &changes.dossiers {
            let parsed = dossier_import::parse(raw.get(), Format::Json)
                .map_err(|e| SyncError::BadAnswer(format!("dossiers: {e}")))?;
            if !parsed.errors.is_empty() {
                report.rejected += parsed.errors.len();
                // The reason may quote the row's code: its line and column name only.
                let first = &parsed.errors[0];
                let column = first.message.split(':').next().unwrap_or("");
                log::warn!(
                    "{} dossier rows from the office refused, first at line {} ({column})",
                    parsed.errors.len(),
                    first.line
                );
            }
            let records: Vec<_> = parsed.records.into_iter().map(|(_, r)| r).collect();
            for chunk in records.chunks(IMPORT_BATCH) {
                let c = store.import_dossiers(chunk, board())?;
                report.dossiers += c.inserted + c.updated;
            }
        }
        if let Some(raw) = &changes.catalogue {
            let cat = Catalogue::from_json(raw.get())
                .map_err(|e| SyncError::BadAnswer(format!("catalogue: {e:#}")))?;
            // Taking it would leave a queue's field unknown, and the kiosk would refuse to start.
            match cfg.fields.iter().find(|f| cat.field(f).is_none()) {
                Some(missing) => log::warn!(
                    "the office's catalogue lacks the field {missing:?} a queue serves; keeping this kiosk's catalogue"
                ),
                None => {
                    store.replace_catalogue(&cat)?;
                    report.catalogue = true;
                }
            }
        }
        if let Some(s) = &changes.settings {
            store.set_office_settings(s)?;
            report.settings = Some(s.clone());
        }
        if !changes.queues.is_empty() {
            store.set_office_queues(&changes.queues)?;
        }
        if changes.cursor != cursor {
            store.set_sync_cursor(changes.cursor)?;
        }
        cursor = changes.cursor;
        match prefetch {
            Some(next) => {
                page = next
                    .join()
                    .unwrap_or_else(|_| Err(SyncError::BadAnswer("the fetch thread failed".into())))
            }
            None => break,
        }
    }

    Ok(report)
}

/// Holds blocks for every queue from today (as `now` dates it) for [`BLOCK_DAYS`].
fn top_up_all(
    store: &mut Store,
    client: &OfficeClient,
    cfg: &RoundConfig,
    now: DateTime<Utc>,
    report: &mut RoundReport,
) -> anyhow::Result<()> {
    let today = store.business_date_at(now, cfg.tz)?;
    for day in 0..BLOCK_DAYS {
        let date = today + TimeDelta::days(day);
        for q in &cfg.queues {
            report.blocks += top_up(store, client, cfg, q, date, day == 0)?;
        }
    }
    Ok(())
}

/// Reserves the first block of a day, and a further one for today once a quarter is left.
fn top_up(
    store: &mut Store,
    client: &OfficeClient,
    cfg: &RoundConfig,
    queue: &str,
    date: NaiveDate,
    today: bool,
) -> anyhow::Result<usize> {
    let state = store.block_state(queue, date)?;
    let low = state.remaining < cfg.block_size / 4;
    if state.blocks > 0 && !(today && low) {
        return Ok(0);
    }
    let b = client.block(queue, date, state.blocks, cfg.block_size)?;
    store.add_block(queue, date, state.blocks, b.first, b.last)?;
    Ok(1)
}

/// The board clock corrected by the office's, when they differ beyond jitter.
pub fn corrected(board: DateTime<Utc>, offset: Option<TimeDelta>) -> DateTime<Utc> {
    match offset {
        Some(o) if o.abs() >= CLOCK_TOLERANCE => board + o,
        _ => board,
    }
}

struct Shared {
    status: Mutex<SyncStatus>,
    wake: Mutex<bool>,
    cond: Condvar,
    stop: AtomicBool,
}

/// The running sync loop; dropping it stops the loop.
pub struct SyncHandle {
    shared: Arc<Shared>,
    client: OfficeClient,
    number_timeout: Duration,
    /// Closed by the sync thread when it ends.
    finished: Mutex<Option<mpsc::Receiver<()>>>,
}

/// How long dropping the handle waits for a round in progress before leaving it behind.
const STOP_WAIT: Duration = Duration::from_secs(2);

impl SyncHandle {
    /// Starts the loop for the kiosk whose store is at `store_path`; `None` when the config
    /// names no office.
    pub fn start(
        config: &Config,
        store_path: PathBuf,
        board: Clock,
    ) -> anyhow::Result<Option<SyncHandle>> {
        let Some((url, token)) = config.sync.office() else {
            return Ok(None);
        };
        let number_timeout = Duration::from_millis(u64::from(config.sync.number_timeout_ms));
        let client =
            OfficeClient::new(url, token, number_timeout).pinned(config.sync.office_cert_sha256);
        let mut store = Store::open(&store_path)?;
        let shared = Arc::new(Shared {
            status: Mutex::new(SyncStatus {
                settings: store.office_settings()?,
                pending: store.outbox_unsent()?,
                ..SyncStatus::default()
            }),
            wake: Mutex::new(false),
            cond: Condvar::new(),
            stop: AtomicBool::new(false),
        });
        let cfg = RoundConfig::from_config(config);
        let interval = Duration::from_secs(u64::from(config.sync.interval_seconds));
        let (done, finished) = mpsc::channel::<()>();
        {
            let shared = shared.clone();
            let client = client.clone();
            std::thread::Builder::new()
                .name("sync".into())
                .spawn(move || {
                    run(&shared, &mut store, &client, &cfg, &*board, interval);
                    drop(done);
                })?;
        };
        log::info!("syncing with the office at {url}");
        Ok(Some(SyncHandle {
            shared,
            client,
            number_timeout,
            finished: Mutex::new(Some(finished)),
        }))
    }

    /// A copy of the current status.
    pub fn status(&self) -> SyncStatus {
        lock(&self.shared.status).clone()
    }

    /// Asks for a round now (a ticket was issued: push it).
    pub fn kick(&self) {
        wake(&self.shared);
    }

    /// The office's number for a new ticket, if the office is online and answers within the
    /// number timeout; otherwise `None` at once or after the timeout, and the ticket takes a
    /// number from its block.
    pub fn online_number(&self, ticket_id: &str, queue: &str, date: NaiveDate) -> Option<u32> {
        {
            // Before the first round has answered, the office is worth asking too.
            let s = lock(&self.shared.status);
            let untried = s.rounds == 0 && s.last_error.is_none();
            if !s.online && !untried {
                return None;
            }
        }
        let (tx, rx) = mpsc::channel();
        let client = self.client.clone();
        let (id, q) = (ticket_id.to_string(), queue.to_string());
        // A thread of its own bounds the wait whatever the resolver or socket does; a late
        // answer is dropped (that number stays unused at the office).
        std::thread::spawn(move || {
            let _ = tx.send(client.number(&id, &q, date));
        });
        match rx.recv_timeout(self.number_timeout + Duration::from_millis(20)) {
            Ok(Ok(n)) => Some(n),
            Ok(Err(e)) => {
                self.went_offline(e.to_string());
                None
            }
            Err(_) => {
                self.went_offline("no number from the office in time".into());
                None
            }
        }
    }

    /// How a new ticket of `queue` issued at `now` is numbered: the office's number when it
    /// answers in time, else the next number of a reserved block.
    pub fn numbering(&self, store: &Store, queue: &str, now: DateTime<Utc>, tz: Tz) -> Numbering {
        self.numbering_for(store, queue, now, tz, uuid::Uuid::new_v4().to_string())
    }

    /// Like [`numbering`](Self::numbering), asking the office's number for `ticket_id` (a
    /// booked ticket's id, given at check-in).
    pub fn numbering_for(
        &self,
        store: &Store,
        queue: &str,
        now: DateTime<Utc>,
        tz: Tz,
        ticket_id: String,
    ) -> Numbering {
        let date = match store.business_date_at(now, tz) {
            Ok(d) => d,
            Err(e) => {
                log::error!("cannot read the business date: {e:#}");
                return Numbering::Block;
            }
        };
        match self.online_number(&ticket_id, queue, date) {
            Some(number) => Numbering::Office {
                ticket_id,
                business_date: date,
                number,
            },
            None => Numbering::Block,
        }
    }

    /// Asks the office to check a booking in, on a thread of its own: the UI thread collects
    /// the answer from the receiver and never waits on the network.
    pub fn check_in(
        &self,
        code: &str,
        ticket_id: &str,
    ) -> mpsc::Receiver<Result<CheckInAnswer, SyncError>> {
        let (tx, rx) = mpsc::channel();
        let client = self.client.clone();
        let (code, id) = (code.to_string(), ticket_id.to_string());
        std::thread::spawn(move || {
            let _ = tx.send(client.check_in(&code, &id));
        });
        rx
    }

    fn went_offline(&self, why: String) {
        log::warn!("{why}; numbering from the block");
        let mut s = lock(&self.shared.status);
        s.online = false;
        s.last_error = Some(why);
        drop(s);
        wake(&self.shared);
    }

    /// The office's address.
    pub fn office(&self) -> &str {
        self.client.base()
    }

    /// The time: the office's, run on by the monotonic clock, once the board's was found
    /// wrong; else `board`.
    pub fn now(&self, board: DateTime<Utc>) -> DateTime<Utc> {
        match lock(&self.shared.status).office_clock {
            Some((at, instant)) => at + TimeDelta::from_std(instant.elapsed()).unwrap_or_default(),
            None => board,
        }
    }
}

impl Drop for SyncHandle {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        wake(&self.shared);
        // A round stuck in a slow request must not hold up the kiosk's exit: after a short
        // wait the thread is left to end by itself (its work is all in the store).
        if let Some(f) = lock(&self.finished).take() {
            let _ = f.recv_timeout(STOP_WAIT);
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn wake(shared: &Shared) {
    *lock(&shared.wake) = true;
    shared.cond.notify_all();
}

fn run(
    shared: &Shared,
    store: &mut Store,
    client: &OfficeClient,
    cfg: &RoundConfig,
    board: &(dyn Fn() -> DateTime<Utc> + Send + Sync),
    interval: Duration,
) {
    let mut failures: u32 = 0;
    while !shared.stop.load(Ordering::SeqCst) {
        let result = round(store, client, cfg, board);
        let pending = store.outbox_unsent().unwrap_or(u32::MAX);
        let wait = {
            let mut s = lock(&shared.status);
            s.pending = pending;
            match result {
                Ok(r) => {
                    if failures > 0 {
                        log::info!(event = "sync_restored"; "sync with the office restored");
                    }
                    failures = 0;
                    s.online = true;
                    s.last_error = None;
                    s.mismatch = None;
                    s.rounds += 1;
                    if let Some(o) = r.offset {
                        let off = o.abs() >= CLOCK_TOLERANCE;
                        s.clock_offset = off.then_some(o);
                        s.office_clock = if off { r.office_clock } else { None };
                    }
                    s.last_ok = Some(corrected(board(), s.clock_offset));
                    if let Some(settings) = r.settings {
                        s.settings = settings;
                    }
                    if r.catalogue {
                        s.catalogue_generation += 1;
                    }
                    interval
                }
                Err(e) => {
                    let msg = format!("{e:#}");
                    if failures == 0 {
                        log::warn!(event = "sync_failed"; "sync failed: {msg}");
                    }
                    failures = failures.saturating_add(1);
                    s.online = false;
                    s.last_error = Some(msg);
                    s.mismatch = match e.downcast_ref::<SyncError>() {
                        Some(SyncError::CertificateMismatch(m)) => Some(m.clone()),
                        _ => None,
                    };
                    Duration::from_secs(1 << (failures.min(7) - 1)).min(MAX_BACKOFF)
                }
            }
        };
        let mut woken = lock(&shared.wake);
        if !*woken {
            woken = shared
                .cond
                .wait_timeout_while(woken, wait, |w| !*w)
                .map(|(g, _)| g)
                .unwrap_or_else(|e| e.into_inner().0);
        }
        *woken = false;
    }
}
