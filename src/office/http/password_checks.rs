//! Argon2 checks under a small limit: each takes about 19 MiB and a core for a while on
//! purpose, so the office runs at most [`LIMIT`] at once on blocking threads; a login that
//! finds no free slot within [`WAIT`] gets 503 `overloaded` with `Retry-After`, and the
//! shedding is logged (rate-limited).

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use tokio::sync::Semaphore;

use super::error::HttpError;
use super::shed::{shed, Shed};

/// Password checks running at once at most.
pub(super) const LIMIT: usize = 2;
/// How long a login waits for a free slot.
pub(super) const WAIT: Duration = Duration::from_secs(2);

/// The slots, shared by every login.
#[derive(Clone)]
pub(super) struct PasswordChecks {
    slots: Arc<Semaphore>,
}

impl Default for PasswordChecks {
    fn default() -> Self {
        PasswordChecks {
            slots: Arc::new(Semaphore::new(LIMIT)),
        }
    }
}

impl PasswordChecks {
    /// Whether `password` matches the Argon2 `hash`, checked in a slot on a blocking
    /// thread; 503 `overloaded` when no slot frees up within [`WAIT`].
    pub(super) async fn verify(&self, hash: String, password: String) -> Result<bool, HttpError> {
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
        tokio::task::spawn_blocking(move || {
            let ok = crate::auth::verify_pin(&hash, &password);
            drop(slot);
            ok
        })
        .await
        .map_err(|e| anyhow::anyhow!("password check failed: {e}").into())
    }
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
            let ok = checks.verify(hash.clone(), "mat-khau-dung".into()).await;
            assert!(ok.unwrap());
            assert!(!checks.verify(hash.clone(), "sai".into()).await.unwrap());
            // Every slot held: the next check is refused after the wait.
            let held: Vec<_> = (0..LIMIT)
                .map(|_| checks.slots.clone().try_acquire_owned().unwrap())
                .collect();
            let err = checks.verify(hash, "x".into()).await.unwrap_err();
            let response = axum::response::IntoResponse::into_response(err);
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(response.headers()["retry-after"], "2");
            drop(held);
        });
    }
}
