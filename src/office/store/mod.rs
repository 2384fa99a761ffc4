//! The office database: enrolled devices and their tokens, kiosk events applied exactly once,
//! the shared ticket sequence per queue and business day, the blocks of numbers reserved for
//! kiosks to issue from while the office cannot be reached, the tickets kiosks report, and
//! what kiosks pull: dossiers, settings and the catalogue. On SQLite (one file, WAL) or on
//! PostgreSQL (one server for many communes): the logic and SQL of these modules are
//! written once over the small query layer in [`super::db`]; only the schema is written per
//! backend (`schema.rs` and its `migrations/`).
//!
//! One module per group of tables (`sites`, `devices`, `tablets`, `events`, `numbers`,
//! `dossiers`, `settings`, `changes`, `queues`) over leaf helpers (`values`, `tokens`,
//! `revs`). The counters build
//! on the store; the store never imports them: what kiosks learn of the counters (open
//! counters, measured service time) is read in `queues`.
//!
//! Numbering across kiosks: online numbers count 1, 2, 3… per (queue, business day); offline
//! blocks are carved from a region of their own starting at [`BLOCK_BASE`], so a citizen can
//! tell an offline ticket by its number, and an online number that reaches a block jumps over
//! it. Replays are harmless: an event id is applied once, a ticket id gets one number, a
//! kiosk's block `seq` one block per queue and day.
//!
//! Sites: everything but the catalogue belongs to one site (a commune); every query names
//! its site, so one database serves a province without one commune seeing another's data.
//!
//! Change tracking: each site's counter (`site.rev`) rises with every change its kiosks pull
//! (a dossier written, the settings or the catalogue replaced, a ticket reported); each
//! dossier keeps the rev of its last change, so a kiosk asks for everything after the cursor
//! it last stored.
//!
//! Concurrency: SQLite lets one writer in at a time. On PostgreSQL several office processes
//! may share a database, so every transaction that hands out numbers first locks its
//! (site, queue, day) row (`lock_day`), and every transaction that raises a site's rev first
//! locks the site's row (`lock_rev`): numbers, blocks and revs are then computed from committed data
//! nobody else can change until the commit.

mod changes;
mod devices;
mod dossiers;
mod event_check;
mod events;
#[cfg(test)]
mod fixtures;
mod inspect;
mod numbers;
mod offers;
mod online_routing;
mod queues;
mod revs;
mod schema;
mod settings;
mod short_codes;
mod sites;
mod tablets;
mod tokens;
mod values;

use std::cell::{Cell, RefCell};
use std::ffi::OsStr;

use anyhow::{bail, Result};

use super::db::{Conn, DbTarget, PgConn, Tx};
pub use devices::{Device, Role};
pub use event_check::{ticket_id_problem, RejectedEvent, MAX_TICKET_ID};
pub use events::Applied;
pub use inspect::{inspect, Inspection};
pub use numbers::{NumberBlock, BLOCK_BASE};
pub use offers::{offered_catalogue, Offer};
pub use online_routing::{OnlineFieldFigures, OnlineFigures};
pub(super) use queues::{idle_cutoff, open_counters, queue_service, split_queues};
pub use queues::{OpenCounter, SESSION_IDLE};
pub(super) use revs::{lock_rev, queues_changed};
pub(in crate::office) use settings::set_walk_in;
pub(in crate::office) use short_codes::new_code;
pub use short_codes::normalize_code;
#[cfg(test)]
pub(crate) use sites::S1;
pub use sites::{site_code_problem, Site, SiteId, MAX_SITE_CODE};
pub use tablets::{PairingCode, PairingRefused, Tablet, PAIRING_LIFETIME};
pub(super) use tokens::{new_token, token_hash};
pub(super) use values::{count, day, parse_ts, to_u32, ts};

/// The office database.
pub struct OfficeStore {
    /// A RefCell because PostgreSQL's client needs `&mut` even to read, while the store's
    /// readers take `&self`; the store is used from one thread at a time (the API holds it
    /// behind a Mutex).
    conn: RefCell<Conn>,
    /// A group's transaction was opened ([`OfficeStore::group`]): a call finding it gone
    /// (SQLite rolled it back after an I/O error) must not write on in a transaction of
    /// its own, since the group's earlier work is lost and will be reported so.
    grouping: Cell<bool>,
    /// A reader ([`OfficeStore::reader`]): its write transactions are read transactions,
    /// for the calls that only look (a session peeked at) but go through `write`.
    read_only: bool,
    /// The stored catalogue last parsed, by its rev (see `stored_catalogue`).
    parsed_catalogue: StoredCatalogue,
}

/// A parsed catalogue by the rev of the stored one (None: it does not load).
type StoredCatalogue = RefCell<Option<(i64, Option<std::sync::Arc<crate::catalogue::Catalogue>>)>>;

impl OfficeStore {
    /// Opens (creating or upgrading if needed) the office database: a `postgres://` or
    /// `postgresql://` URL is PostgreSQL, anything else a SQLite file.
    pub fn open(target: impl AsRef<OsStr>) -> Result<OfficeStore> {
        let target = DbTarget::parse(target);
        let mut conn = match &target {
            DbTarget::Sqlite(path) => Conn::open_sqlite(path)?,
            DbTarget::Postgres(url) => Conn::Postgres(Box::new(PgConn::connect(url)?)),
        };
        schema::migrate(&mut conn, &target.to_string())?;
        Ok(OfficeStore {
            conn: RefCell::new(conn),
            grouping: Cell::new(false),
            read_only: false,
            parsed_catalogue: RefCell::new(None),
        })
    }

    /// A second store on the same SQLite file that only reads (a write statement fails),
    /// so views and reports need not wait behind a group's commit; it sees what was
    /// committed last. None on PostgreSQL.
    pub fn reader(&self) -> Result<Option<OfficeStore>> {
        Ok(self.conn.borrow().open_reader()?.map(|conn| OfficeStore {
            conn: RefCell::new(conn),
            grouping: Cell::new(false),
            read_only: true,
            parsed_catalogue: RefCell::new(None),
        }))
    }

    /// Another store on the same PostgreSQL database, writing too (see
    /// [`Conn::open_sibling`]); None on SQLite.
    pub fn sibling(&self) -> Result<Option<OfficeStore>> {
        Ok(self.conn.borrow().open_sibling()?.map(|conn| OfficeStore {
            conn: RefCell::new(conn),
            grouping: Cell::new(false),
            read_only: false,
            parsed_catalogue: RefCell::new(None),
        }))
    }

    /// Runs `f` in one write transaction and commits it (inside a group: a savepoint,
    /// committed to disk with the group).
    pub(super) fn write<T>(&self, f: impl FnMut(&mut Tx) -> Result<T>) -> Result<T> {
        self.check_group()?;
        if self.read_only {
            return self.conn.borrow_mut().read(f);
        }
        self.conn.borrow_mut().write(f)
    }

    /// Runs `f` on one consistent snapshot.
    pub(super) fn read<T>(&self, f: impl FnOnce(&mut Tx) -> Result<T>) -> Result<T> {
        self.check_group()?;
        self.conn.borrow_mut().read(f)
    }

    fn check_group(&self) -> Result<()> {
        if self.grouping.get() && !self.conn.borrow().in_group() {
            bail!("the office database rolled the group's transaction back");
        }
        Ok(())
    }

    /// Group commit: runs `calls` with all their writes in one transaction, each write a
    /// savepoint of its own (one that fails rolls back alone, as its own transaction
    /// would), then commits once, so one disk sync serves them all. Returns the commit's
    /// outcome: only after `Ok` is anything they did on disk, and an error means none of
    /// it is. On PostgreSQL, or when the group cannot start, the calls run as they would
    /// alone, each in its own transactions.
    pub fn group<T>(&mut self, calls: impl FnOnce(&mut OfficeStore) -> T) -> (T, Result<()>) {
        let grouped = match self.conn.get_mut().begin_group() {
            Ok(grouped) => grouped,
            Err(e) => {
                log::warn!(
                    "office database: a group commit could not start, calls run alone: {e:#}"
                );
                false
            }
        };
        self.grouping.set(grouped);
        let out = calls(self);
        self.grouping.set(false);
        let committed = if grouped {
            self.conn.get_mut().end_group()
        } else {
            Ok(())
        };
        (out, committed)
    }

    /// Whether [`group`](Self::group) gathers calls into one transaction (SQLite), so
    /// their answers wait for its commit; on PostgreSQL each call is answered on its own.
    pub fn groups_commits(&self) -> bool {
        matches!(&*self.conn.borrow(), Conn::Sqlite(_))
    }

    /// One number from a one-row query.
    fn read_count(&self, sql: &str) -> Result<u64> {
        self.read(|tx| Ok(count(tx.query_one(sql, &[])?.int(0)?)))
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::office::store::S1;
    use std::collections::HashSet;

    use chrono::Utc;

    use super::fixtures::{codes, d, issued, kiosk, raw, record};
    use super::*;
    use crate::domain::dossier::DossierStatus;
    use crate::office::test_db::{both_backends, Backend, TestDb};

    both_backends! {
        two_offices_on_one_database_never_give_a_number_or_a_rev_twice,
    }

    /// Two offices on one database (two processes in production: here two connections on
    /// two threads) hand out numbers, blocks and revs at the same time.
    fn two_offices_on_one_database_never_give_a_number_or_a_rev_twice(b: Backend) {
        let db = TestDb::new(b);
        let mut first = OfficeStore::open(db.target()).unwrap();
        let devices = [kiosk(&mut first, "K1"), kiosk(&mut first, "K2")];
        drop(first);
        /// What one office handed out: (ticket, number) and blocks.
        type Handed = (Vec<(String, u32)>, Vec<NumberBlock>);
        let results: Vec<Handed> = std::thread::scope(|scope| {
            let workers: Vec<_> = devices
                .iter()
                .enumerate()
                .map(|(w, dev)| {
                    let target = db.target().to_string();
                    scope.spawn(move || {
                        let mut s = OfficeStore::open(&target).unwrap();
                        let mut numbers = Vec::new();
                        let mut blocks = Vec::new();
                        for i in 0..150u32 {
                            // Every third ticket id is shared: both offices are asked for
                            // it, as when a kiosk retries through another office.
                            let ticket = if i % 3 == 0 {
                                format!("shared-{i}")
                            } else {
                                format!("w{w}-{i}")
                            };
                            numbers.push((
                                ticket.clone(),
                                s.next_number(S1, &ticket, "A", d()).unwrap(),
                            ));
                            if i % 10 == 0 {
                                blocks.push(s.reserve_block(dev, "A", d(), i / 10, 7).unwrap());
                            }
                            if i % 5 == 0 {
                                let mut r = record(1000 * w + i as usize, DossierStatus::Received);
                                r.note = format!("office {w}");
                                s.upsert_dossiers(S1, &[r], Utc::now()).unwrap();
                                let payload =
                                    issued(&format!("w{w}-t{i}"), "B", 1 + i, d(), "waiting");
                                s.apply_event(
                                    dev,
                                    &format!("w{w}-e{i}"),
                                    "ticket.issued",
                                    &payload,
                                    Utc::now(),
                                )
                                .unwrap();
                            }
                        }
                        (numbers, blocks)
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        let mut by_ticket: std::collections::HashMap<String, u32> = Default::default();
        let mut taken = HashSet::new();
        for (numbers, _) in &results {
            for (ticket, n) in numbers {
                match by_ticket.get(ticket) {
                    Some(m) => assert_eq!(m, n, "ticket {ticket} got two numbers"),
                    None => {
                        by_ticket.insert(ticket.clone(), *n);
                        assert!(taken.insert(*n), "{n} given twice");
                    }
                }
            }
        }
        for (_, blocks) in &results {
            for block in blocks {
                for n in block.first..=block.last {
                    assert!(taken.insert(n), "{n} given twice (block {block:?})");
                }
            }
        }
        assert_eq!(by_ticket.len(), 250);
        // Every change got a rev of its own: paging from 0 sends each dossier once.
        let mut s = OfficeStore::open(db.target()).unwrap();
        assert_eq!(
            s.rev(S1).unwrap(),
            60 + 60,
            "30 dossiers and 30 tickets per office"
        );
        assert_eq!(
            s.conflicts().unwrap(),
            30,
            "office 1's tickets clash with office 0's"
        );
        let mut since = 0;
        let mut seen = Vec::new();
        loop {
            let c = s.changes(S1, since, Some(7), d(), Utc::now()).unwrap();
            seen.extend(codes(&c));
            since = c.cursor;
            if !c.more {
                break;
            }
        }
        let distinct: HashSet<&String> = seen.iter().collect();
        assert_eq!((seen.len(), distinct.len()), (60, 60));
    }

    mod postgres_only {
        use super::*;

        #[test]
        fn a_connection_the_server_closed_is_opened_again() {
            let db = TestDb::new(Backend::Postgres);
            let mut s = OfficeStore::open(db.target()).unwrap();
            kiosk(&mut s, "K1");
            let mut admin = raw(&db);
            admin
                .batch_execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                     WHERE datname = current_database() AND pid <> pg_backend_pid()",
                )
                .unwrap();
            let others = |admin: &mut ::postgres::Client| -> i64 {
                admin
                    .query_one(
                        "SELECT COUNT(*) FROM pg_stat_activity
                         WHERE datname = current_database() AND pid <> pg_backend_pid()",
                        &[],
                    )
                    .unwrap()
                    .get(0)
            };
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while others(&mut admin) > 0 {
                assert!(
                    std::time::Instant::now() < deadline,
                    "the office's connection lives on"
                );
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            // The request that meets the loss fails; the next one gets through.
            assert!(s.next_number(S1, "t1", "A", d()).is_err());
            assert!(s.next_number(S1, "t1", "A", d()).unwrap() >= 1);
            assert_eq!(s.rev(S1).unwrap(), 0);
        }
        #[test]
        fn a_server_that_cannot_be_used_is_named_without_the_password() {
            let db = TestDb::new(Backend::Postgres);
            let config: ::postgres::Config = db.target().parse().unwrap();
            let host = match &config.get_hosts()[0] {
                ::postgres::config::Host::Tcp(h) => h.clone(),
                #[allow(unreachable_patterns)]
                _ => "127.0.0.1".into(),
            };
            let port = config.get_ports().first().copied().unwrap_or(5432);
            let wrong = format!("postgres://motcua:wrong-pw-4711@{host}:{port}/postgres");
            let refused = "postgres://motcua:pw-4711@127.0.0.1:1/office".to_string();
            let unparsable = "postgres://motcua:pw-4711@127.0.0.1:port/office".to_string();
            for (url, want) in [
                (&wrong, "cannot connect to the office database postgres://motcua:***@"),
                (&refused, "cannot connect to the office database postgres://motcua:***@127.0.0.1:1/office"),
                (&unparsable, "is not a PostgreSQL URL the office can use"),
            ] {
                let err = format!("{:#}", OfficeStore::open(url).err().unwrap());
                assert!(err.contains(want), "{err}");
                assert!(!err.contains("4711"), "the password shows: {err}");
            }
        }
    }
}
