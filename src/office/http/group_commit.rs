//! The office database shared by every request, with group commit: one thread of its own,
//! the writer, owns the connection that writes. Calls are sent to it; each time it is free
//! it takes every call sent meanwhile and runs them in one transaction
//! ([`OfficeStore::group`]), commits once (one disk sync instead of one per call), and only
//! then answers each caller. So an answer, and the stream wake-up that follows it, never
//! tells of a change that is not on disk yet, and 20 counters pressing at once share a few
//! syncs instead of queueing for 20. Reads that need no write (views, reports, lookups)
//! go to a small pool of `query_only` connections instead, which see the last commit.
//! PostgreSQL needs none of this: it keeps many transactions apart by itself, so there
//! every call runs on a pool of connections, each in a transaction of its own.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use anyhow::anyhow;

use super::conn_pool::{Pool, Urgency};
use crate::office::store::OfficeStore;

/// What a call hands back once it ran: the answer to send, given the group's outcome
/// (`None` once committed, else why nothing of it was kept).
type Answer = Box<dyn FnOnce(Option<&str>) + Send>;

/// A call waiting for the database.
type Call = Box<dyn FnOnce(&mut OfficeStore) -> Answer + Send>;

/// The writer and the connections beside it.
#[derive(Clone)]
pub(super) struct SharedStore {
    /// SQLite's writer, which groups calls. None on PostgreSQL, whose calls run on `pool`.
    writer: Option<Arc<Writer>>,
    /// On SQLite, `query_only` connections of their own for views and reports: they read
    /// the last commit without waiting for a group. On PostgreSQL, the connections every
    /// call runs on, each call in its own transaction (as the calls of two office
    /// processes do), so one process's counters need not queue behind one connection.
    pool: Option<Arc<Pool<OfficeStore>>>,
}

/// Reader connections on SQLite: views are read while the writer writes, and two views
/// at once use both cores of an office PC.
const READERS: usize = 2;

/// Connections of one office process to PostgreSQL. As many as the blocking threads that
/// use them; with PostgreSQL's default of 100 connections, about ten processes fit.
const PG_CONNECTIONS: usize = super::BLOCKING_THREADS;

/// The writer thread and the way to it. Dropping the last handle closes the way, lets
/// the thread finish what was sent and joins it, so the database is closed when the
/// server that used it has stopped.
struct Writer {
    calls: Mutex<Option<mpsc::Sender<Call>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.calls
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let thread = self
            .thread
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        // Dropped by one of its own calls (it held the last handle): it ends by itself.
        if let Some(t) = thread.filter(|t| t.thread().id() != std::thread::current().id()) {
            let _ = t.join();
        }
    }
}

impl SharedStore {
    /// The shared `store`: on SQLite its writer thread started and readers opened beside
    /// it, on PostgreSQL a pool of it and connections like it.
    pub(super) fn new(store: OfficeStore) -> SharedStore {
        if !store.groups_commits() {
            let mut conns: Vec<OfficeStore> = (1..PG_CONNECTIONS)
                .map_while(|_| {
                    store.sibling().unwrap_or_else(|e| {
                        log::warn!("office database: fewer connections than {PG_CONNECTIONS}, calls wait for one: {e:#}");
                        None
                    })
                })
                .collect();
            conns.push(store);
            return SharedStore {
                writer: None,
                pool: Some(Pool::of(conns)),
            };
        }
        let readers: Vec<OfficeStore> = (0..READERS)
            .map_while(|_| {
                store.reader().unwrap_or_else(|e| {
                    log::warn!("office database: no connection of its own for reads, they wait for writes: {e:#}");
                    None
                })
            })
            .collect();
        let (tx, rx) = mpsc::channel::<Call>();
        let thread = std::thread::Builder::new()
            .name("office-db-writer".into())
            .spawn(move || write_groups(store, rx))
            .expect("a thread for the office database's writer");
        SharedStore {
            writer: Some(Arc::new(Writer {
                calls: Mutex::new(Some(tx)),
                thread: Mutex::new(Some(thread)),
            })),
            pool: (!readers.is_empty()).then(|| Pool::of(readers)),
        }
    }

    /// Runs `f`, which only reads, off the async threads: on a pooled connection when
    /// there is one (on SQLite it sees what is committed, never a group in flight), else
    /// as [`run`](Self::run). `urgency` says who waits for it: a live stream's re-read
    /// lets answers take the next connection first.
    pub(super) async fn read<T: Send + 'static>(
        &self,
        urgency: Urgency,
        f: impl FnOnce(&mut OfficeStore) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        match self.pool.clone() {
            Some(pool) => pool.run(urgency, f).await,
            None => self.run(f).await,
        }
    }

    /// Runs `f` on the writer, in the next group, and hands back its result once the group
    /// is committed; on PostgreSQL on a pooled connection, in a transaction of its own.
    pub(super) async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut OfficeStore) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let Some(writer) = &self.writer else {
            return match self.pool.clone() {
                Some(pool) => pool.run(Urgency::Answer, f).await,
                None => Err(anyhow!("the office database has no connection")),
            };
        };
        let (tx, rx) = tokio::sync::oneshot::channel();
        let sent = match &*writer.calls.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(calls) => calls.send(call(f, tx)).is_ok(),
            None => false,
        };
        if !sent {
            return Err(anyhow!("the office database is closing"));
        }
        rx.await
            .map_err(|_| anyhow!("database task failed"))
            .and_then(|r| r)
    }
}

/// The writer thread: whenever it is free, every call sent meanwhile runs as one group.
/// Ends once every sender is gone and the calls sent before are answered.
fn write_groups(mut store: OfficeStore, calls: mpsc::Receiver<Call>) {
    while let Ok(first) = calls.recv() {
        let mut group = vec![first];
        group.extend(calls.try_iter());
        run_group(&mut store, group);
    }
}

/// `f` as a queued call whose answer goes to `tx`. A panic is that call's failure alone:
/// the others of its group go on.
fn call<T: Send + 'static>(
    f: impl FnOnce(&mut OfficeStore) -> anyhow::Result<T> + Send + 'static,
    tx: tokio::sync::oneshot::Sender<anyhow::Result<T>>,
) -> Call {
    Box::new(move |store: &mut OfficeStore| {
        let result = catch_unwind(AssertUnwindSafe(|| f(store)))
            .unwrap_or_else(|_| Err(anyhow!("database task failed: it panicked")));
        Box::new(move |failed: Option<&str>| {
            let result = match failed {
                None => result,
                Some(why) => Err(anyhow!(
                    "the office database did not keep the change: {why}"
                )),
            };
            // The caller may have gone (its connection closed): nothing to tell.
            let _ = tx.send(result);
        })
    })
}

/// Runs `calls` in one group and answers each once it is committed (on PostgreSQL, whose
/// calls keep their own transactions, each as soon as it ran).
fn run_group(store: &mut OfficeStore, calls: Vec<Call>) {
    if calls.is_empty() {
        return;
    }
    if !store.groups_commits() {
        for call in calls {
            call(store)(None);
        }
        return;
    }
    let (answers, committed) = store.group(|store| {
        calls
            .into_iter()
            .map(|call| call(store))
            .collect::<Vec<_>>()
    });
    let failed = committed.err().map(|e| {
        log::error!("office database: a group commit failed: {e:#}");
        format!("{e:#}")
    });
    for answer in answers {
        answer(failed.as_deref());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::office::counters::fixtures::{at, code, d, office, Office};
    use crate::office::counters::{Action, ClerkRole, ClerkSession, QueueDef};
    use crate::office::db::sql_params;
    use crate::office::store::S1;
    use crate::office::test_db::{both_backends, Backend};
    use crate::office::Role;

    /// A call as a test writes it, before it is queued.
    type Job<T> = Box<dyn FnOnce(&mut OfficeStore) -> anyhow::Result<T> + Send>;

    fn queued<T: Send + 'static>(
        f: impl FnOnce(&mut OfficeStore) -> anyhow::Result<T> + Send + 'static,
    ) -> (Call, tokio::sync::oneshot::Receiver<anyhow::Result<T>>) {
        let (tx, rx) = tokio::sync::oneshot::channel();
        (call(f, tx), rx)
    }

    /// Rows of a table of the test's own, written by one call.
    fn insert(
        keys: &'static [&'static str],
    ) -> impl FnOnce(&mut OfficeStore) -> anyhow::Result<()> {
        move |s: &mut OfficeStore| {
            s.write(|tx| {
                for k in keys {
                    tx.execute("INSERT INTO t (k) VALUES (?1)", sql_params![*k])?;
                }
                Ok(())
            })
        }
    }

    fn keys(db: &std::path::Path) -> Vec<String> {
        let store = OfficeStore::open(db).unwrap();
        store
            .read(|tx| {
                tx.query("SELECT k FROM t ORDER BY k", &[])?
                    .iter()
                    .map(|r| r.text(0))
                    .collect()
            })
            .unwrap()
    }

    /// One group of four: the second call's write fails halfway (a key taken), the third
    /// panics after a write of its own; the first and last calls' writes are committed,
    /// and so is the third's finished write (as it would have been alone), while nothing
    /// of the second's is.
    #[test]
    fn a_failing_call_rolls_back_alone_and_the_group_commits_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("office.sqlite3");
        let mut store = OfficeStore::open(&db).unwrap();
        store
            .write(|tx| tx.batch("CREATE TABLE t (k TEXT PRIMARY KEY)"))
            .unwrap();
        let (first, mut first_rx) = queued(insert(&["a1", "a2"]));
        let (failing, mut failing_rx) = queued(insert(&["b1", "a1"]));
        let (panicking, mut panicking_rx) = queued(|s: &mut OfficeStore| -> anyhow::Result<()> {
            insert(&["c1"])(s)?;
            panic!("a bug in one call");
        });
        let (last, mut last_rx) = queued(insert(&["d1"]));
        run_group(&mut store, vec![first, failing, panicking, last]);
        assert!(first_rx.try_recv().unwrap().is_ok());
        let err = format!("{:#}", failing_rx.try_recv().unwrap().unwrap_err());
        assert!(err.contains("UNIQUE"), "{err}");
        assert!(panicking_rx.try_recv().unwrap().is_err());
        assert!(last_rx.try_recv().unwrap().is_ok());
        drop(store);
        assert_eq!(keys(&db), ["a1", "a2", "c1", "d1"]);
    }

    /// A group whose commit fails answers every call with an error: none was kept.
    #[test]
    fn a_group_that_cannot_commit_answers_every_call_with_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("office.sqlite3");
        let mut store = OfficeStore::open(&db).unwrap();
        store
            .write(|tx| {
                tx.batch(
                    "CREATE TABLE p (k TEXT PRIMARY KEY);
                     CREATE TABLE t (k TEXT PRIMARY KEY REFERENCES p (k) DEFERRABLE INITIALLY DEFERRED)",
                )
            })
            .unwrap();
        // A deferred foreign key is checked at COMMIT: the group's commit fails.
        let (first, mut first_rx) = queued(insert(&["x"]));
        let (second, mut second_rx) = queued(|s: &mut OfficeStore| s.rev(S1));
        run_group(&mut store, vec![first, second]);
        assert!(first_rx.try_recv().unwrap().is_err());
        assert!(second_rx.try_recv().unwrap().is_err());
        // The next group starts clean.
        let (again, mut again_rx) = queued(|s: &mut OfficeStore| s.rev(S1));
        run_group(&mut store, vec![again]);
        assert_eq!(again_rx.try_recv().unwrap().unwrap(), 0);
        drop(store);
        assert!(keys(&db).is_empty());
    }

    /// The reader sees what was committed, never a group in flight, and writes nothing.
    #[test]
    fn the_reader_sees_commits_only_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("office.sqlite3");
        let mut store = OfficeStore::open(&db).unwrap();
        store
            .write(|tx| tx.batch("CREATE TABLE t (k TEXT PRIMARY KEY)"))
            .unwrap();
        let mut reader = store.reader().unwrap().expect("a reader on SQLite");
        let count = |r: &OfficeStore| {
            r.read(|tx| tx.query_one("SELECT COUNT(*) FROM t", &[])?.int(0))
                .unwrap()
        };
        let (seen_in_flight, committed) = store.group(|s| {
            insert(&["a"])(s).unwrap();
            count(&reader)
        });
        committed.unwrap();
        assert_eq!((seen_in_flight, count(&reader)), (0, 1));
        let err = format!("{:#}", insert(&["b"])(&mut reader).unwrap_err());
        assert!(err.contains("readonly"), "{err}");
        assert_eq!(count(&reader), 1);
    }

    /// The answers of `calls` run as one group (SQLite) or one by one (PostgreSQL).
    fn group_of<T: Send + 'static>(
        store: &mut OfficeStore,
        calls: Vec<Job<T>>,
    ) -> Vec<anyhow::Result<T>> {
        let (calls, mut answers): (Vec<_>, Vec<_>) = calls.into_iter().map(queued).unzip();
        run_group(store, calls);
        answers
            .iter_mut()
            .map(|rx| rx.try_recv().unwrap())
            .collect()
    }

    /// `who` does `action` at 08:01.
    fn act(who: &ClerkSession, action: Action) -> Job<()> {
        let who = who.clone();
        Box::new(move |s: &mut OfficeStore| s.counter_action(&who, &action, at(1), d()))
    }

    /// A call refused inside its write ("next" on a paused counter) leaves nothing of that
    /// write, while the group's other writes are kept.
    fn a_refused_action_in_a_group_keeps_nothing_of_its_own_write(b: Backend) {
        let mut o = office(b);
        o.ticket("A", 1, 0, "none");
        let c1 = o.clerk("c1", 1, &["A"], 0);
        let answers = group_of(
            &mut o.s,
            vec![
                act(&c1, Action::Pause),
                act(&c1, Action::Next),
                Box::new(|s: &mut OfficeStore| {
                    let now = at(1);
                    s.add_clerk(
                        Some(S1),
                        "c2",
                        "Cán bộ",
                        "Giay-to-mot-cua-7",
                        ClerkRole::Clerk,
                        false,
                        now,
                    )
                    .map(drop)
                }),
            ],
        );
        assert!(answers[0].is_ok());
        let refused = format!("{:#}", answers[1].as_ref().unwrap_err());
        assert!(refused.contains("paused"), "{refused}");
        assert!(answers[2].is_ok());
        let s = OfficeStore::open(o._db.target()).unwrap();
        assert!(s.clerk_credentials("c2").unwrap().is_some());
        let view = s.counter_view(&c1, at(1), d()).unwrap();
        assert!(view.paused && view.current.is_none());
    }

    /// Counters of two sites pressing "next" in one group each take their own site's
    /// ticket, and only their own site's change counter rises.
    fn counters_of_two_sites_in_one_group_call_each_from_their_own_site(b: Backend) {
        let mut o = office(b);
        let site2 = o.s.add_site("xa2", "Xã Hai", at(0)).unwrap().id;
        let kiosk2 =
            o.s.enroll_device("Kiosk 2", Role::Kiosk, &[site2], at(0))
                .unwrap()
                .0;
        o.s.set_queues(site2, &[QueueDef::new("A", &["HT"])])
            .unwrap();
        // Site 2's ticket is the earlier one: a counter of site 1 must still not take it.
        let payload = serde_json::json!({
            "id": "s2-A1", "queue": "A", "number": 1, "business_date": d(), "issued_at": at(0),
            "field": "HT", "priority": "none", "state": "waiting",
        });
        o.s.apply_event(
            &kiosk2,
            "e-s2-A1",
            crate::protocol::EVENT_TICKET_ISSUED,
            &payload.to_string(),
            at(0),
        )
        .unwrap();
        let t1 = o.ticket("A", 1, 0, "none");
        let c1 = o.clerk("c1", 1, &["A"], 0);
        let clerk2 =
            o.s.add_clerk(
                Some(site2),
                "c2",
                "Cán bộ",
                "mat-khau-8",
                ClerkRole::Clerk,
                false,
                at(0),
            )
            .unwrap();
        o.s.open_session(&clerk2, 1, &["A".to_string()], at(0))
            .unwrap();
        let c2 = ClerkSession {
            clerk: clerk2,
            counter: 1,
            site: site2,
        };
        let revs = |s: &OfficeStore| (s.rev(S1).unwrap(), s.rev(site2).unwrap());
        let before = revs(&o.s);
        let answers = group_of(
            &mut o.s,
            vec![act(&c1, Action::Next), act(&c2, Action::Next)],
        );
        assert!(answers.iter().all(Result::is_ok), "{answers:?}");
        let s = OfficeStore::open(o._db.target()).unwrap();
        let current =
            |who: &ClerkSession| s.counter_view(who, at(1), d()).unwrap().current.unwrap().id;
        assert_eq!((current(&c1), current(&c2)), (t1, "s2-A1".to_string()));
        let after = revs(&s);
        assert!(
            after.0 > before.0 && after.1 > before.1,
            "{before:?} {after:?}"
        );
        // Once its ticket is served, a second press at site 1 finds nobody waiting there.
        let mut again = group_of(
            &mut o.s,
            vec![act(&c1, Action::Start), act(&c1, Action::Next)],
        );
        assert_eq!(code(again.pop().unwrap().unwrap_err()), "nobody_waiting");
    }

    /// Durability: a call answered by a group is in the file even when the process never
    /// closes its connection (dropped without a close or a checkpoint, as a killed office
    /// leaves it); the group's commit ran with a full disk sync.
    #[test]
    fn an_answered_call_is_in_the_reopened_file_though_its_connection_was_never_closed() {
        let mut o = office(Backend::Sqlite);
        let t1 = o.ticket("A", 1, 0, "none");
        let c1 = o.clerk("c1", 1, &["A"], 0);
        let synchronous: Job<i64> = Box::new(|s: &mut OfficeStore| {
            s.read(|tx| tx.query_one("PRAGMA synchronous", &[])?.int(0))
        });
        let answers = group_of(
            &mut o.s,
            vec![
                {
                    let next = act(&c1, Action::Next);
                    Box::new(move |s: &mut OfficeStore| next(s).map(|()| 0))
                },
                synchronous,
            ],
        );
        assert_eq!(answers[0].as_ref().unwrap(), &0);
        assert_eq!(*answers[1].as_ref().unwrap(), 2, "synchronous=FULL");
        let Office { _db: db, s, .. } = o;
        // Never closed: no checkpoint, no clean shutdown of the WAL.
        std::mem::forget(s);
        let reopened = rusqlite::Connection::open(db.target()).unwrap();
        let called: (String, u32) = reopened
            .query_row(
                "SELECT ticket_id, counter FROM call_log WHERE action = 'call'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(called, (t1, 1));
    }

    both_backends! {
        a_refused_action_in_a_group_keeps_nothing_of_its_own_write,
        counters_of_two_sites_in_one_group_call_each_from_their_own_site,
    }
}
