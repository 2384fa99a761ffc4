//! The table of open connections: each one's phase (waiting for a request, or serving
//! some), so idle ones can be timed out, and at the connection cap the longest-idle one can
//! make room for a newcomer (a kiosk must get in even while idle sockets fill the table).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::Notify;

use super::limits::Limits;
use super::shed::{shed, Shed};

/// Where a connection is between its requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    /// No request being served since `since`; `head_from` is when the next request's head
    /// began to arrive (a new connection counts as having begun at once); `served` once a
    /// request has been answered on it.
    Waiting {
        since: Instant,
        head_from: Option<Instant>,
        served: bool,
    },
    /// This many requests being served (answers still being sent, live streams).
    Busy(usize),
}

/// When a connection in `phase` is to be closed, or None while it serves a request.
pub(super) fn deadline(phase: Phase, limits: &Limits) -> Option<Instant> {
    match phase {
        Phase::Waiting {
            head_from: Some(t), ..
        } => Some(t + limits.header_timeout),
        Phase::Waiting { since, .. } => Some(since + limits.idle_timeout),
        Phase::Busy(_) => None,
    }
}

/// Of the connections in `phases`, the one to evict: of those waiting, one that never had
/// a request answered (idle sockets of an attack) before a kiosk's or page's kept-alive
/// one, and of those the longest-waiting.
fn longest_idle(phases: impl Iterator<Item = (u64, Phase)>) -> Option<u64> {
    phases
        .filter_map(|(id, p)| match p {
            Phase::Waiting { since, served, .. } => Some(((served, since), id)),
            Phase::Busy(_) => None,
        })
        .min()
        .map(|(_, id)| id)
}

/// One open connection as the table and its task see it.
#[derive(Debug)]
pub(super) struct Conn {
    phase: Mutex<Phase>,
    /// Fired when the connection is evicted: its task drops it.
    pub(super) evicted: Notify,
    /// Fired when the phase changes, so the task recomputes its deadline.
    pub(super) woken: Notify,
}

impl Conn {
    fn new(now: Instant) -> Conn {
        Conn {
            phase: Mutex::new(Phase::Waiting {
                since: now,
                head_from: Some(now),
                served: false,
            }),
            evicted: Notify::new(),
            woken: Notify::new(),
        }
    }

    /// The phase now.
    pub(super) fn phase(&self) -> Phase {
        *self.phase.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn update(&self, f: impl FnOnce(Phase) -> Phase) {
        let mut p = self.phase.lock().unwrap_or_else(|e| e.into_inner());
        let next = f(*p);
        if next != *p {
            *p = next;
            self.woken.notify_one();
        }
    }

    /// Bytes arrived: if the connection was idle, a request head has begun.
    pub(super) fn bytes_arrived(&self) {
        self.update(|p| match p {
            Phase::Waiting {
                since,
                head_from: None,
                served,
            } => Phase::Waiting {
                since,
                head_from: Some(Instant::now()),
                served,
            },
            p => p,
        });
    }

    /// A request is being served until the guard drops (with its answer's body).
    pub(super) fn begin_request(self: &Arc<Conn>) -> RequestGuard {
        self.update(|p| match p {
            Phase::Busy(n) => Phase::Busy(n + 1),
            Phase::Waiting { .. } => Phase::Busy(1),
        });
        RequestGuard(self.clone())
    }
}

/// Held while a request is served; its drop may make the connection idle.
#[derive(Debug)]
pub(super) struct RequestGuard(Arc<Conn>);

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.0.update(|p| match p {
            Phase::Busy(n) if n > 1 => Phase::Busy(n - 1),
            _ => Phase::Waiting {
                since: Instant::now(),
                head_from: None,
                served: true,
            },
        });
    }
}

/// The open connections, at most `cap`.
#[derive(Debug)]
pub(super) struct Connections {
    cap: usize,
    open: Mutex<(u64, HashMap<u64, Arc<Conn>>)>,
}

impl Connections {
    /// An empty table for at most `cap` connections.
    pub(super) fn new(cap: usize) -> Arc<Connections> {
        Arc::new(Connections {
            cap: cap.max(1),
            open: Mutex::new((0, HashMap::new())),
        })
    }

    /// Room for a new connection: at the cap the longest-idle one is evicted; None (the
    /// newcomer is refused) when every connection is serving a request.
    pub(super) fn admit(self: &Arc<Self>) -> Option<Slot> {
        let mut guard = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let (next, open) = &mut *guard;
        if open.len() >= self.cap {
            match longest_idle(open.iter().map(|(id, c)| (*id, c.phase()))) {
                Some(id) => {
                    if let Some(c) = open.remove(&id) {
                        c.evicted.notify_one();
                    }
                    shed(
                        Shed::Connection,
                        &format!("{} connections open: closed the longest-idle", self.cap),
                    );
                }
                None => {
                    shed(
                        Shed::Connection,
                        &format!("{} connections open, all busy: refused a new one", self.cap),
                    );
                    return None;
                }
            }
        }
        *next += 1;
        let conn = Arc::new(Conn::new(Instant::now()));
        open.insert(*next, conn.clone());
        Some(Slot {
            id: *next,
            conn,
            table: self.clone(),
        })
    }

    /// How many connections are open.
    pub(super) fn len(&self) -> usize {
        self.open.lock().unwrap().1.len()
    }
}

/// A connection's place in the table, freed when dropped.
#[derive(Debug)]
pub(super) struct Slot {
    id: u64,
    conn: Arc<Conn>,
    table: Arc<Connections>,
}

impl Slot {
    /// The table the connection is counted in (`/metrics` reads its size).
    pub(super) fn table(&self) -> &Arc<Connections> {
        &self.table
    }

    /// The connection's shared state.
    pub(super) fn conn(&self) -> &Arc<Conn> {
        &self.conn
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut guard = self.table.open.lock().unwrap_or_else(|e| e.into_inner());
        guard.1.remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_new_connection_must_send_its_head_in_time_an_idle_one_gets_the_idle_timeout() {
        let limits = Limits::default();
        let t = Instant::now();
        let new = Conn::new(t);
        assert_eq!(
            deadline(new.phase(), &limits),
            Some(t + limits.header_timeout)
        );
        let idle = Phase::Waiting {
            since: t,
            head_from: None,
            served: true,
        };
        assert_eq!(deadline(idle, &limits), Some(t + limits.idle_timeout));
        assert_eq!(deadline(Phase::Busy(1), &limits), None);
    }

    #[test]
    fn a_request_makes_a_connection_busy_until_its_guard_drops() {
        let c = Arc::new(Conn::new(Instant::now()));
        let a = c.begin_request();
        let b = c.begin_request();
        assert_eq!(c.phase(), Phase::Busy(2));
        c.bytes_arrived();
        assert_eq!(c.phase(), Phase::Busy(2));
        drop(a);
        drop(b);
        assert!(matches!(
            c.phase(),
            Phase::Waiting {
                head_from: None,
                ..
            }
        ));
        c.bytes_arrived();
        assert!(matches!(
            c.phase(),
            Phase::Waiting {
                head_from: Some(_),
                ..
            }
        ));
    }

    #[test]
    fn the_longest_idle_is_chosen_never_served_first_and_busy_ones_never() {
        let t = Instant::now();
        let waiting = |s: u64, served: bool| Phase::Waiting {
            since: t + Duration::from_secs(s),
            head_from: None,
            served,
        };
        let phases = [
            (1, waiting(5, true)),
            (2, Phase::Busy(1)),
            (3, waiting(2, true)),
        ];
        assert_eq!(longest_idle(phases.into_iter()), Some(3));
        // A kiosk's kept-alive connection outlives newer sockets that never asked anything.
        let phases = [
            (1, waiting(1, true)),
            (2, waiting(7, false)),
            (3, waiting(9, false)),
        ];
        assert_eq!(longest_idle(phases.into_iter()), Some(2));
        assert_eq!(longest_idle([(2, Phase::Busy(1))].into_iter()), None);
    }

    #[test]
    fn at_the_cap_an_idle_connection_makes_room_and_busy_ones_refuse() {
        let table = Connections::new(2);
        let a = table.admit().unwrap();
        let b = table.admit().unwrap();
        let _busy_b = b.conn().begin_request();
        // `a` waits longest (and is the only one waiting): it goes.
        let c = table.admit().unwrap();
        assert_eq!(table.len(), 2);
        let _busy_c = c.conn().begin_request();
        assert!(table.admit().is_none(), "all busy: refused");
        drop(a);
        assert_eq!(table.len(), 2, "an evicted slot is no longer counted");
        drop(c);
        assert_eq!(table.len(), 1);
        assert!(table.admit().is_some());
    }
}
