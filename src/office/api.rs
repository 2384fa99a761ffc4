//! The office's HTTP JSON API, version 1 (docs/api.md): health without a token; everything
//! else with a device token (`Authorization: Bearer …`). Requests name the protocol version
//! they speak; unknown fields are ignored, so newer kiosks still talk to this office, and an
//! older protocol gets a clear 400 rather than a guess.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;

use super::protocol::*;
use super::store::{Applied, Device, OfficeStore};

type Shared = Arc<Mutex<OfficeStore>>;

/// An error as the API reports it: a status and a message for the installer's log.
#[derive(Debug)]
pub struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(ErrorBody { error: self.1 })).into_response()
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> ApiError {
        log::error!("office API: {e:#}");
        ApiError(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the office could not do that; see its log".into(),
        )
    }
}

/// The API's routes over an office database.
pub fn router(store: OfficeStore) -> Router {
    let shared: Shared = Arc::new(Mutex::new(store));
    Router::new()
        .route("/api/v1/health", get(health))
        .route("/api/v1/events", post(push_events))
        .route("/api/v1/numbers", post(next_number))
        .route("/api/v1/blocks", post(reserve_block))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(shared)
}

/// Serves the API on `listen` in a thread of its own; returns the bound address.
pub fn spawn(db: &Path, listen: &str) -> anyhow::Result<SocketAddr> {
    let store = OfficeStore::open(db)?;
    let listener = std::net::TcpListener::bind(listen)
        .with_context(|| format!("cannot listen on {listen}"))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    std::thread::Builder::new()
        .name("office-api".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a tokio runtime");
            rt.block_on(async move {
                let listener =
                    tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
                if let Err(e) = axum::serve(listener, router(store)).await {
                    log::error!("office API stopped: {e}");
                }
            });
        })?;
    Ok(addr)
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        protocol: PROTOCOL,
        time: Utc::now().to_rfc3339(),
    })
}

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, msg.into())
}

/// The body, or a 4xx saying what is wrong with it.
fn body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(b)| b)
        .map_err(|e| ApiError(e.status(), e.body_text()))
}

fn check_protocol(p: u32) -> Result<(), ApiError> {
    if p == PROTOCOL {
        return Ok(());
    }
    Err(bad(format!(
        "this office speaks protocol {PROTOCOL}, the request protocol {p}: update the {}",
        if p < PROTOCOL { "kiosk" } else { "office" }
    )))
}

/// Runs `f` on the database off the async threads.
async fn with_store<T: Send + 'static>(
    store: &Shared,
    f: impl FnOnce(&mut OfficeStore) -> anyhow::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || {
        let mut guard = store.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    })
    .await
    .map_err(|e| anyhow::anyhow!("database task failed: {e}"))?
    .map_err(ApiError::from)
}

async fn device(store: &Shared, headers: &HeaderMap) -> Result<Device, ApiError> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError(
                StatusCode::UNAUTHORIZED,
                "a device token is needed: Authorization: Bearer <token> (motcua office enroll-device)".into(),
            )
        })?
        .to_string();
    with_store(store, move |s| s.device_for_token(&token))
        .await?
        .ok_or_else(|| ApiError(StatusCode::UNAUTHORIZED, "unknown or revoked token".into()))
}

async fn push_events(
    State(store): State<Shared>,
    headers: HeaderMap,
    req: Result<Json<PushEvents>, JsonRejection>,
) -> Result<Json<Acked>, ApiError> {
    let dev = device(&store, &headers).await?;
    let req = body(req)?;
    check_protocol(req.protocol)?;
    if req.events.len() > MAX_EVENTS {
        return Err(bad(format!("at most {MAX_EVENTS} events per push")));
    }
    if let Some(e) = req
        .events
        .iter()
        .find(|e| e.id.trim().is_empty() || e.kind.is_empty())
    {
        return Err(bad(format!("an event without id or kind ({:?})", e.id)));
    }
    let now = Utc::now();
    let (acked, applied) = with_store(&store, move |s| {
        let mut applied = 0;
        let mut acked = Vec::with_capacity(req.events.len());
        for e in req.events {
            if s.apply_event(&dev, &e.id, &e.kind, &e.payload.to_string(), now)? == Applied::New {
                applied += 1;
            }
            acked.push(e.id);
        }
        Ok((acked, applied))
    })
    .await?;
    Ok(Json(Acked { acked, applied }))
}

async fn next_number(
    State(store): State<Shared>,
    headers: HeaderMap,
    req: Result<Json<NumberRequest>, JsonRejection>,
) -> Result<Json<NumberGranted>, ApiError> {
    device(&store, &headers).await?;
    let req = body(req)?;
    check_protocol(req.protocol)?;
    if req.ticket_id.trim().is_empty() || req.queue.trim().is_empty() {
        return Err(bad("ticket_id and queue must not be empty"));
    }
    let number = with_store(&store, move |s| {
        s.next_number(&req.ticket_id, &req.queue, req.business_date)
    })
    .await?;
    Ok(Json(NumberGranted { number }))
}

async fn reserve_block(
    State(store): State<Shared>,
    headers: HeaderMap,
    req: Result<Json<BlockRequest>, JsonRejection>,
) -> Result<Json<BlockGranted>, ApiError> {
    let dev = device(&store, &headers).await?;
    let req = body(req)?;
    check_protocol(req.protocol)?;
    if !(1..=MAX_BLOCK).contains(&req.size) || req.queue.trim().is_empty() {
        return Err(bad(format!(
            "size must be 1 to {MAX_BLOCK}, queue not empty"
        )));
    }
    let b = with_store(&store, move |s| {
        s.reserve_block(&dev, &req.queue, req.business_date, req.size)
    })
    .await?;
    Ok(Json(BlockGranted {
        first: b.first,
        last: b.last,
    }))
}
