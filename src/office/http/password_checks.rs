//! Argon2 checks under a small limit: each takes about 19 MiB and a core for a while on
//! purpose, so the office runs at most [`LIMIT`] at once, on [`LIMIT`] threads of their own;
//! a login that finds no free slot within [`WAIT`] gets 503 `overloaded` with `Retry-After`,
//! and the shedding is logged (rate-limited).
//!
//! The checks run on threads of their own, not tokio's blocking pool (whose threads are
//! for the database); `crate::auth` keeps each check's 19 MiB from lingering.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use tokio::sync::Semaphore;

use super::error::HttpError;
use super::shed::{shed, Shed};

/// Password checks running at once at most.
pub(super) const LIMIT: usize = 2;
/// How long a login waits for a free slot.
pub(super) const WAIT: Duration = Duration::from_secs(2);

/// One check for the checking threads: the hash (None: a name nobody has), the password, where the answer goes, and
/// its slot (freed when the check ends, even if the login that asked has gone).
type Job = (
    Option<String>,
    String,
    tokio::sync::oneshot::Sender<bool>,
    tokio::sync::OwnedSemaphorePermit,
);

/// The slots and the checking threads, shared by every login.
#[derive(Clone)]
pub(super) struct PasswordChecks {
    slots: Arc<Semaphore>,
    jobs: mpsc::Sender<Job>,
}

impl Default for PasswordChecks {
    fn default() -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..LIMIT {
            let queue = queue.clone();
            // The threads end when the last sender (the office's state) is dropped.
            let spawned = std::thread::Builder::new()
                .name(format!("password-check-{n}"))
                .spawn(move || loop {
                    let job = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok((hash, password, answer, slot)) = job else {
                        return;
                    };
                    let hash = hash.as_deref().unwrap_or_else(|| decoy_hash());
                    let ok = crate::auth::verify_pin(hash, &password);
                    // Freed before answering: whoever got the answer finds the slot free.
                    drop(slot);
                    let _ = answer.send(ok);
                });
            if let Err(e) = spawned {
                log::error!("cannot start a password-check thread: {e}");
            }
        }
        PasswordChecks {
            slots: Arc::new(Semaphore::new(LIMIT)),
            jobs,
        }
    }
}

impl PasswordChecks {
    /// Whether `password` matches the Argon2 `hash` (None: a name nobody has, checked against
    /// a decoy so it takes as long), checked in a slot on a checking thread; 503 `overloaded`
    /// when no slot frees up within [`WAIT`].
    pub(super) async fn verify(
        &self,
        hash: Option<String>,
        password: String,
    ) -> Result<bool, HttpError> {
        let slot = match tokio::time::timeout(WAIT, self.slots.clone().acquire_owned()).await {
            Ok(Ok(slot)) => slot,
            // Timed out (or the semaphore closed, which never happens): the office is busy.
            _ => {
                shed(
                    Shed::PasswordCheck,
                    &format!("{LIMIT} password checks running, none free within {WAIT:?}"),
                );
                return Err(overloaded());
            }
        };
        let (answer, answered) = tokio::sync::oneshot::channel();
        self.jobs
            .send((hash, password, answer, slot))
            .map_err(|_| anyhow::anyhow!("the password-check threads are gone"))?;
        Ok(answered
            .await
            .map_err(|_| anyhow::anyhow!("a password check failed"))?)
    }
}

/// A hash no password matches, made once, on a checking thread (never on the async ones).
fn decoy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| crate::auth::hash_secret(&uuid::Uuid::new_v4().to_string()))
}

/// 503 `overloaded`: too many logins at once; try again in a few seconds.
fn overloaded() -> HttpError {
    HttpError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "overloaded",
        "the office is checking too many passwords at once; try again in a few seconds",
    )
    .retry_after(Duration::from_secs(2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_waits_for_a_slot_then_gives_up_with_503() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let checks = PasswordChecks::default();
            let hash = crate::auth::hash_secret("mat-khau-dung");
            let ok = checks
                .verify(Some(hash.clone()), "mat-khau-dung".into())
                .await;
            assert!(ok.unwrap());
            assert!(!checks
                .verify(Some(hash.clone()), "sai".into())
                .await
                .unwrap());
            // Every slot held: the next check is refused after the wait.
            let held: Vec<_> = (0..LIMIT)
                .map(|_| checks.slots.clone().try_acquire_owned().unwrap())
                .collect();
            let err = checks.verify(Some(hash), "x".into()).await.unwrap_err();
            let response = axum::response::IntoResponse::into_response(err);
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(response.headers()["retry-after"], "2");
            drop(held);
        });
    }
}
