//! The office database shared by every request, with group commit: calls that arrive
//! while another batch holds the database wait in a queue; the next thread to get the
//! database runs everything queued in one transaction ([`OfficeStore::group`]), commits
//! once (one disk sync instead of one per call), and only then answers each caller. So an
//! answer, and the stream wake-up that follows it, never tells of a change that is not on
//! disk yet, and 20 counters pressing at once share a few syncs instead of queueing for
//! 20.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use anyhow::anyhow;

use crate::office::store::OfficeStore;

/// What a call hands back once it ran: the answer to send, given the group's outcome
/// (`None` once committed, else why nothing of it was kept).
type Answer = Box<dyn FnOnce(Option<&str>) + Send>;

/// A call waiting for the database.
type Call = Box<dyn FnOnce(&mut OfficeStore) -> Answer + Send>;

/// The database and the calls waiting for it.
#[derive(Clone)]
pub(super) struct SharedStore {
    store: Arc<Mutex<OfficeStore>>,
    queue: Arc<Mutex<Vec<Call>>>,
    /// Connections of their own for views and reports (SQLite): they read the last commit
    /// without waiting for a group, on [`READERS`] threads at once. Empty on PostgreSQL.
    readers: Arc<Vec<Mutex<OfficeStore>>>,
}

/// Reader connections: views are read while the writer writes, and two views at once
/// use both cores of an office PC.
const READERS: usize = 2;

impl SharedStore {
    /// The shared `store`.
    pub(super) fn new(store: OfficeStore) -> SharedStore {
        let readers = (0..READERS)
            .map_while(|_| {
                store.reader().unwrap_or_else(|e| {
                    log::warn!("office database: no connection of its own for reads, they wait for writes: {e:#}");
                    None
                })
            })
            .map(Mutex::new)
            .collect();
        SharedStore {
            store: Arc::new(Mutex::new(store)),
            queue: Default::default(),
            readers: Arc::new(readers),
        }
    }

    /// Runs `f`, which only reads, off the async threads: on a reader connection when
    /// there is one (it sees what is committed, never a group in flight), else as
    /// [`run`](Self::run).
    pub(super) async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut OfficeStore) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        if self.readers.is_empty() {
            return self.run(f).await;
        }
        let readers = self.readers.clone();
        tokio::task::spawn_blocking(move || {
            // A free reader, else wait for the first.
            let mut guard = readers
                .iter()
                .find_map(|r| r.try_lock().ok())
                .unwrap_or_else(|| readers[0].lock().unwrap_or_else(|e| e.into_inner()));
            f(&mut guard)
        })
        .await
        .map_err(|e| anyhow!("database task failed: {e}"))?
    }

    /// Runs `f` on the database off the async threads, in the next group; its result once
    /// the group is committed.
    pub(super) async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut OfficeStore) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(call(f, tx));
        let shared = self.clone();
        // Every call brings a thread to run the queue; most find it already emptied by
        // one that came before.
        let _running = tokio::task::spawn_blocking(move || shared.run_queued());
        rx.await
            .map_err(|_| anyhow!("database task failed"))
            .and_then(|r| r)
    }

    /// Takes the database, then every call queued by then, and runs them as one group.
    fn run_queued(&self) {
        let mut store = self.store.lock().unwrap_or_else(|e| e.into_inner());
        let calls = std::mem::take(&mut *self.queue.lock().unwrap_or_else(|e| e.into_inner()));
        run_group(&mut store, calls);
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
    use crate::office::counters::{Action, ClerkRole, ClerkSession};
    use crate::office::db::sql_params;
    use crate::office::store::S1;
    use chrono::Utc;

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
        let (second, mut second_rx) = queued(|s: &mut OfficeStore| Ok(s.rev(S1)?));
        run_group(&mut store, vec![first, second]);
        assert!(first_rx.try_recv().unwrap().is_err());
        assert!(second_rx.try_recv().unwrap().is_err());
        // The next group starts clean.
        let (again, mut again_rx) = queued(|s: &mut OfficeStore| Ok(s.rev(S1)?));
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

    /// A call refused inside its write ("next" on a paused counter) leaves nothing of that
    /// write, while the group's other writes are kept.
    #[test]
    fn a_refused_action_in_a_group_keeps_nothing_of_its_own_write() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("office.sqlite3");
        let mut store = OfficeStore::open(&db).unwrap();
        let clerk = store
            .add_clerk(
                Some(S1),
                "c1",
                "Cán bộ",
                "Giay-to-mot-cua-7",
                ClerkRole::Clerk,
                false,
                Utc::now(),
            )
            .unwrap();
        store
            .set_queues(S1, &[crate::office::counters::QueueDef::new("A", &["HT"])])
            .unwrap();
        store
            .open_session(&clerk, 1, &["A".to_string()], Utc::now())
            .unwrap();
        let session = ClerkSession {
            clerk,
            counter: 1,
            site: S1,
        };
        let today = Utc::now().date_naive();
        let (pause, mut pause_rx) = {
            let session = session.clone();
            queued(move |s: &mut OfficeStore| {
                s.counter_action(&session, &Action::Pause, Utc::now(), today)
            })
        };
        let (next, mut next_rx) = {
            let session = session.clone();
            queued(move |s: &mut OfficeStore| {
                s.counter_action(&session, &Action::Next, Utc::now(), today)
            })
        };
        let (other, mut other_rx) = queued(|s: &mut OfficeStore| {
            s.add_clerk(
                Some(S1),
                "c2",
                "Cán bộ",
                "Giay-to-mot-cua-7",
                ClerkRole::Clerk,
                false,
                Utc::now(),
            )
        });
        run_group(&mut store, vec![pause, next, other]);
        assert!(pause_rx.try_recv().unwrap().is_ok());
        let refused = format!("{:#}", next_rx.try_recv().unwrap().unwrap_err());
        assert!(refused.contains("paused"), "{refused}");
        assert!(other_rx.try_recv().unwrap().is_ok());
        drop(store);
        let store = OfficeStore::open(&db).unwrap();
        assert!(store.clerk_credentials("c2").unwrap().is_some());
        let view = store.counter_view(&session, Utc::now(), today).unwrap();
        assert!(view.paused);
    }
}
