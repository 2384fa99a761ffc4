//! Pooled database connections handed out by urgency: a call someone waits on (an action's
//! answer, a page) takes the next free connection before a live stream's re-read, which
//! waits a moment at most ([`BACKGROUND_PATIENCE`]); its view is sent after a pause
//! anyway. A call waits for its connection before it takes a blocking thread, so re-reads
//! queued behind busy connections never hold the threads an answer needs.

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::anyhow;
use tokio::sync::oneshot;

/// Who waits for a call's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Urgency {
    /// A client waits for the answer.
    Answer,
    /// Nobody waits: a live stream reading its view again after a change.
    Background,
}

/// A background call lets answers go first for this long at most, so streams still move
/// while the office is saturated.
const BACKGROUND_PATIENCE: Duration = Duration::from_millis(250);

/// Connections not in use, and the calls waiting for one.
pub(super) struct Pool<C: Send + 'static> {
    state: Mutex<Waiting<C>>,
}

struct Waiting<C: Send + 'static> {
    /// Never non-empty while a call waits: a connection given back goes to a waiter first.
    free: Vec<C>,
    answers: VecDeque<oneshot::Sender<Lease<C>>>,
    background: VecDeque<(Instant, oneshot::Sender<Lease<C>>)>,
}

/// A connection taken from the pool; dropped, it goes back, to the next waiter if any.
struct Lease<C: Send + 'static> {
    conn: Option<C>,
    pool: Arc<Pool<C>>,
}

impl<C: Send + 'static> Drop for Lease<C> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool.put_back(conn);
        }
    }
}

impl<C: Send + 'static> Lease<C> {
    fn conn(&mut self) -> &mut C {
        self.conn
            .as_mut()
            .expect("a lease holds its connection until dropped")
    }
}

impl<C: Send + 'static> Pool<C> {
    /// A pool of `conns`.
    pub(super) fn of(conns: Vec<C>) -> Arc<Pool<C>> {
        Arc::new(Pool {
            state: Mutex::new(Waiting {
                free: conns,
                answers: VecDeque::new(),
                background: VecDeque::new(),
            }),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Waiting<C>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A free connection, or the next one given back that `urgency` entitles it to.
    async fn take(self: &Arc<Self>, urgency: Urgency) -> anyhow::Result<Lease<C>> {
        let rx = {
            let mut waiting = self.lock();
            if let Some(conn) = waiting.free.pop() {
                return Ok(Lease {
                    conn: Some(conn),
                    pool: self.clone(),
                });
            }
            let (tx, rx) = oneshot::channel();
            match urgency {
                Urgency::Answer => waiting.answers.push_back(tx),
                Urgency::Background => waiting.background.push_back((Instant::now(), tx)),
            }
            rx
        };
        rx.await
            .map_err(|_| anyhow!("the office database's connections are gone"))
    }

    /// Hands `conn` to the waiter whose turn it is (a background call that waited its
    /// patience out, else the first answer, else the first background call), or keeps it.
    fn put_back(self: &Arc<Self>, mut conn: C) {
        let mut waiting = self.lock();
        loop {
            let overdue = waiting
                .background
                .front()
                .is_some_and(|(since, _)| since.elapsed() >= BACKGROUND_PATIENCE);
            let next = if overdue {
                waiting.background.pop_front().map(|(_, tx)| tx)
            } else {
                match waiting.answers.pop_front() {
                    Some(tx) => Some(tx),
                    None => waiting.background.pop_front().map(|(_, tx)| tx),
                }
            };
            let Some(tx) = next else {
                waiting.free.push(conn);
                return;
            };
            let lease = Lease {
                conn: Some(conn),
                pool: self.clone(),
            };
            match tx.send(lease) {
                Ok(()) => return,
                // That caller gave up waiting: the next one.
                Err(mut lease) => conn = lease.conn.take().expect("the lease just made"),
            }
        }
    }

    /// Runs `f` on a connection taken at `urgency`, on a blocking thread.
    pub(super) async fn run<T: Send + 'static>(
        self: Arc<Self>,
        urgency: Urgency,
        f: impl FnOnce(&mut C) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let mut lease = self.take(urgency).await?;
        tokio::task::spawn_blocking(move || {
            // A call that panicked leaves nothing behind: its transaction rolled back as it
            // unwound, so the connection goes back too, when the lease drops.
            catch_unwind(AssertUnwindSafe(|| f(lease.conn())))
                .unwrap_or_else(|_| Err(anyhow!("database task failed: it panicked")))
        })
        .await
        .map_err(|e| anyhow!("database task failed: {e}"))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Waits until `pool` has `n` calls waiting, so the test's order is the pool's.
    async fn until_waiting(pool: &Pool<u32>, n: usize) {
        while {
            let w = pool.lock();
            w.answers.len() + w.background.len() < n
        } {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn an_answer_goes_before_a_stream_reread_that_waited_longer() {
        let pool = Pool::of(vec![7]);
        let held = pool.take(Urgency::Background).await.unwrap();
        let order = Arc::new(Mutex::new(Vec::new()));
        let waiter = |urgency, name: &'static str| {
            let (pool, order) = (pool.clone(), order.clone());
            tokio::spawn(async move {
                let lease = pool.take(urgency).await.unwrap();
                order.lock().unwrap().push(name);
                drop(lease);
            })
        };
        let reread = waiter(Urgency::Background, "reread");
        until_waiting(&pool, 1).await;
        let answer = waiter(Urgency::Answer, "answer");
        until_waiting(&pool, 2).await;
        drop(held);
        answer.await.unwrap();
        reread.await.unwrap();
        assert_eq!(*order.lock().unwrap(), ["answer", "reread"]);
        assert_eq!(pool.lock().free, [7], "the connection is back");
    }

    #[tokio::test]
    async fn a_reread_that_waited_its_patience_out_goes_first() {
        let pool = Pool::of(vec![7]);
        let held = pool.take(Urgency::Answer).await.unwrap();
        let p = pool.clone();
        let reread = tokio::spawn(async move { p.take(Urgency::Background).await.map(drop) });
        until_waiting(&pool, 1).await;
        tokio::time::sleep(BACKGROUND_PATIENCE).await;
        let p = pool.clone();
        let answer = tokio::spawn(async move { p.take(Urgency::Answer).await.map(drop) });
        until_waiting(&pool, 2).await;
        drop(held);
        reread.await.unwrap().unwrap();
        answer.await.unwrap().unwrap();
        assert_eq!(pool.lock().free, [7]);
    }

    /// A caller that stops waiting (its client went away) loses no connection: the next
    /// waiter gets it, and with nobody waiting it is free again.
    #[tokio::test]
    async fn a_waiter_that_gave_up_loses_no_connection() {
        let pool = Pool::of(vec![7]);
        let held = pool.take(Urgency::Answer).await.unwrap();
        let p = pool.clone();
        let gave_up = tokio::spawn(async move { p.take(Urgency::Answer).await.map(drop) });
        until_waiting(&pool, 1).await;
        let p = pool.clone();
        let next = tokio::spawn(async move { p.take(Urgency::Background).await.map(drop) });
        until_waiting(&pool, 2).await;
        gave_up.abort();
        assert!(gave_up.await.unwrap_err().is_cancelled());
        drop(held);
        next.await.unwrap().unwrap();
        assert_eq!(pool.lock().free, [7]);
        // A panicking call gives its connection back too.
        let err = pool
            .clone()
            .run(Urgency::Answer, |_: &mut u32| -> anyhow::Result<()> {
                panic!("a bug in one call")
            })
            .await
            .unwrap_err();
        assert!(format!("{err:#}").contains("panicked"), "{err:#}");
        assert_eq!(pool.run(Urgency::Answer, |c| Ok(*c)).await.unwrap(), 7);
    }
}
