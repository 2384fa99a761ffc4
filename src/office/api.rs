//! The office's HTTP JSON API, version 1 (docs/api.md): health without a token; everything
//! else with a device token (`Authorization: Bearer …`) of the right role: kiosks push
//! events, take numbers and blocks and pull changes, integrations write dossiers. Requests
//! name the protocol version they speak; unknown fields are ignored, so newer kiosks still
//! talk to this office, and an older protocol gets a clear 400 rather than a guess.

use std::ffi::OsStr;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::extract::{DefaultBodyLimit, Path as UrlPath, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::serve::ListenerExt;
use axum::{Json, Router};
use chrono::Utc;
use chrono_tz::Tz;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::store::{Applied, Device, OfficeStore, Role};
use crate::domain::dossier_code::parse_code;
use crate::dossier_import::{parse, DossierRecord, FileError, Format, Parsed, RowError};
use crate::protocol::*;

/// The office's time zone when none is given: business dates are Vietnamese days.
pub const DEFAULT_TIME_ZONE: Tz = chrono_tz::Asia::Ho_Chi_Minh;

/// How long a stopping office lets requests in flight finish.
const GRACE: Duration = Duration::from_secs(5);

type Shared = Arc<Mutex<OfficeStore>>;

/// What every handler shares.
#[derive(Clone)]
pub(super) struct App {
    pub(super) store: Shared,
    /// Business dates ("today" in `changes`) are days in this zone.
    pub(super) tz: Tz,
    /// Rises with every change a page shows, waking the live streams.
    changes: Arc<tokio::sync::watch::Sender<u64>>,
    /// Failed clerk logins per username.
    pub(super) logins: super::web::Logins,
}

impl App {
    /// Wakes the live streams: something they show may have changed.
    pub(super) fn changed(&self) {
        self.changes.send_if_modified(|v| match *v {
            // Stopping: streams have been told; nothing wakes them again.
            CLOSING => false,
            n => {
                *v = (n + 1) % CLOSING;
                true
            }
        });
    }

    /// A receiver woken by [`changed`](Self::changed).
    pub(super) fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }
}

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

/// The API's routes over an office database; business dates are days in `tz`
/// ([`DEFAULT_TIME_ZONE`] for a Vietnamese office).
pub fn router(store: OfficeStore, tz: Tz) -> Router {
    build(store, tz).0
}

/// The routes and the sender that wakes the live streams ([`CLOSING`] ends them).
fn build(store: OfficeStore, tz: Tz) -> (Router, Arc<tokio::sync::watch::Sender<u64>>) {
    let wake = Arc::new(tokio::sync::watch::channel(0).0);
    let app = App {
        store: Arc::new(Mutex::new(store)),
        tz,
        changes: wake.clone(),
        logins: Default::default(),
    };
    let router = Router::new()
        .merge(super::web::routes())
        .route("/api/v1/health", get(health))
        .route("/api/v1/events", post(push_events))
        .route("/api/v1/numbers", post(next_number))
        .route("/api/v1/blocks", post(reserve_block))
        .route("/api/v1/changes", post(changes))
        .route("/api/v1/dossiers", post(post_dossiers))
        .route("/api/v1/dossiers/{code}", put(put_dossier))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(app);
    (router, wake)
}

/// The value of the streams' change counter that tells them the office is stopping: they
/// end, so a graceful stop does not wait for boards that never hang up.
pub(super) const CLOSING: u64 = u64::MAX;

/// Serves the API on `listen` in threads of its own until the process ends (the
/// `motcua office` command); returns the bound address. `db` is a SQLite file or a
/// `postgres://` URL, as for [`OfficeStore::open`].
pub fn spawn(db: impl AsRef<OsStr>, listen: &str) -> anyhow::Result<SocketAddr> {
    let handle = spawn_with_shutdown(db, listen, DEFAULT_TIME_ZONE)?;
    let addr = handle.addr();
    handle.detach();
    Ok(addr)
}

/// Serves the API on `listen` (e.g. "127.0.0.1:0") in threads of its own until the handle
/// is shut down or dropped: an office inside another process, for the demo and tests.
/// `db` is a SQLite file or a `postgres://` URL.
pub fn spawn_with_shutdown(
    db: impl AsRef<OsStr>,
    listen: &str,
    tz: Tz,
) -> anyhow::Result<OfficeHandle> {
    let store = OfficeStore::open(db)?;
    // std's bind sets SO_REUSEADDR on Unix, so a stopped office can be restarted on its port
    // at once, whatever connections linger in TIME_WAIT.
    let listener = std::net::TcpListener::bind(listen)
        .with_context(|| format!("cannot listen on {listen}"))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("office-api".into())
        .spawn(move || {
            let (router, changes) = build(store, tz);
            serve(listener, router, stop_rx, changes)
        })?;
    Ok(OfficeHandle {
        addr,
        stop: Some(stop_tx),
        thread: Some(thread),
    })
}

/// Runs the server until `stop` fires (or for ever once its sender is gone without firing).
fn serve(
    listener: std::net::TcpListener,
    app: Router,
    stop: tokio::sync::oneshot::Receiver<()>,
    changes: Arc<tokio::sync::watch::Sender<u64>>,
) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let (graceful_tx, graceful_rx) = tokio::sync::oneshot::channel::<()>();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    rt.spawn(async move {
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(l) => l,
            Err(e) => {
                log::error!("office API cannot start: {e}");
                return;
            }
        };
        // Without TCP_NODELAY a small answer can wait ~40 ms for a delayed ACK (Nagle).
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let result = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = graceful_rx.await;
            })
            .await;
        if let Err(e) = result {
            log::error!("office API stopped: {e}");
        }
        let _ = done_tx.send(());
    });
    if rt.block_on(stop).is_err() {
        // Detached: serve until the process ends.
        loop {
            std::thread::park();
        }
    }
    changes.send_replace(CLOSING);
    let _ = graceful_tx.send(());
    // Idle connections close at once; a request in flight gets GRACE to finish.
    let _ = done_rx.recv_timeout(GRACE);
    rt.shutdown_timeout(Duration::from_secs(1));
}

/// An office API running in this process; dropping it stops the server too.
pub struct OfficeHandle {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl OfficeHandle {
    /// The bound address (the real port when asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL kiosks use, e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops serving and waits until the port and the database are released, so the same
    /// port can be bound again at once.
    pub fn shutdown(mut self) {
        self.stop_and_wait();
    }

    /// Lets the server run until the process ends.
    pub fn detach(mut self) {
        // Dropping the sender unfired tells the server thread to serve for ever.
        self.stop.take();
        self.thread.take();
    }

    fn stop_and_wait(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for OfficeHandle {
    fn drop(&mut self) {
        self.stop_and_wait();
    }
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

/// Refuses text the office database cannot store (PostgreSQL has no NUL in text), so both
/// backends answer the same 400 rather than one of them a 500.
fn check_text(what: &str, values: &[&str]) -> Result<(), ApiError> {
    if values.iter().any(|v| v.contains('\0')) {
        return Err(bad(format!("{what} must not contain a NUL character")));
    }
    Ok(())
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
pub(super) async fn with_store<T: Send + 'static>(
    store: &Shared,
    f: impl FnOnce(&mut OfficeStore) -> anyhow::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    run_store(store, f).await.map_err(ApiError::from)
}

/// [`with_store`] keeping the error as it is (the web pages tell refusals apart).
pub(super) async fn run_store<T: Send + 'static>(
    store: &Shared,
    f: impl FnOnce(&mut OfficeStore) -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || {
        let mut guard = store.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    })
    .await
    .map_err(|e| anyhow::anyhow!("database task failed: {e}"))?
}

/// The device behind the request's token, if it has `role`.
async fn device(store: &Shared, headers: &HeaderMap, role: Role) -> Result<Device, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
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
    let dev = with_store(store, move |s| s.device_for_token(&token))
        .await?
        .ok_or_else(|| ApiError(StatusCode::UNAUTHORIZED, "unknown or revoked token".into()))?;
    if dev.role == role {
        return Ok(dev);
    }
    Err(ApiError(
        StatusCode::FORBIDDEN,
        match role {
            Role::Integration => "only an integration token may write dossiers; enrol one with `motcua office enroll-device --integration`",
            Role::Kiosk => "an integration token may only write dossiers (PUT or POST /api/v1/dossiers); this route is for kiosks",
        }
        .into(),
    ))
}

async fn push_events(
    State(app): State<App>,
    headers: HeaderMap,
    req: Result<Json<PushEvents>, JsonRejection>,
) -> Result<Json<Acked>, ApiError> {
    let dev = device(&app.store, &headers, Role::Kiosk).await?;
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
    for e in &req.events {
        check_text("an event's id and kind", &[&e.id, &e.kind])?;
    }
    let now = Utc::now();
    let (acked, applied) = with_store(&app.store, move |s| {
        let payloads: Vec<String> = req.events.iter().map(|e| e.payload.to_string()).collect();
        let batch: Vec<(&str, &str, &str)> = req
            .events
            .iter()
            .zip(&payloads)
            .map(|(e, p)| (e.id.as_str(), e.kind.as_str(), p.as_str()))
            .collect();
        let applied = s
            .apply_events(&dev, &batch, now)?
            .into_iter()
            .filter(|a| *a == Applied::New)
            .count();
        let acked = req.events.into_iter().map(|e| e.id).collect();
        Ok((acked, applied))
    })
    .await?;
    if applied > 0 {
        // New tickets: the counters' waiting counts changed.
        app.changed();
    }
    Ok(Json(Acked { acked, applied }))
}

async fn next_number(
    State(app): State<App>,
    headers: HeaderMap,
    req: Result<Json<NumberRequest>, JsonRejection>,
) -> Result<Json<NumberGranted>, ApiError> {
    device(&app.store, &headers, Role::Kiosk).await?;
    let req = body(req)?;
    check_protocol(req.protocol)?;
    if req.ticket_id.trim().is_empty() || req.queue.trim().is_empty() {
        return Err(bad("ticket_id and queue must not be empty"));
    }
    check_text("ticket_id and queue", &[&req.ticket_id, &req.queue])?;
    let number = with_store(&app.store, move |s| {
        s.next_number(&req.ticket_id, &req.queue, req.business_date)
    })
    .await?;
    Ok(Json(NumberGranted { number }))
}

async fn reserve_block(
    State(app): State<App>,
    headers: HeaderMap,
    req: Result<Json<BlockRequest>, JsonRejection>,
) -> Result<Json<BlockGranted>, ApiError> {
    let dev = device(&app.store, &headers, Role::Kiosk).await?;
    let req = body(req)?;
    check_protocol(req.protocol)?;
    if !(1..=MAX_BLOCK).contains(&req.size) || req.queue.trim().is_empty() {
        return Err(bad(format!(
            "size must be 1 to {MAX_BLOCK}, queue not empty"
        )));
    }
    check_text("queue", &[&req.queue])?;
    let b = with_store(&app.store, move |s| {
        s.reserve_block(&dev, &req.queue, req.business_date, req.seq, req.size)
    })
    .await?;
    Ok(Json(BlockGranted {
        first: b.first,
        last: b.last,
    }))
}

async fn changes(
    State(app): State<App>,
    headers: HeaderMap,
    req: Result<Json<ChangesRequest>, JsonRejection>,
) -> Result<Json<Changes>, ApiError> {
    device(&app.store, &headers, Role::Kiosk).await?;
    let req = body(req)?;
    check_protocol(req.protocol)?;
    let now = Utc::now();
    let today = crate::domain::clock::business_date(now, app.tz);
    let changes = with_store(&app.store, move |s| {
        s.changes(req.since, req.limit, today, now)
    })
    .await?;
    Ok(Json(changes))
}

/// `DossierPut` borrowing from the body, so row errors can name lines of the body itself.
#[derive(Deserialize)]
struct DossierPutIn<'a> {
    protocol: u32,
    #[serde(borrow)]
    dossier: &'a RawValue,
}

/// `DossiersPost` borrowing from the body.
#[derive(Deserialize)]
struct DossiersPostIn<'a> {
    protocol: u32,
    #[serde(borrow)]
    dossiers: &'a RawValue,
}

/// The body as JSON text, refused the way axum's `Json` refuses it (415, 400, 422).
fn json_body<'a, T: Deserialize<'a>>(
    headers: &HeaderMap,
    bytes: &'a Result<Bytes, BytesRejection>,
) -> Result<(&'a str, T), ApiError> {
    let bytes = bytes
        .as_ref()
        .map_err(|e| ApiError(e.status(), e.body_text()))?;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| {
            let m = m.trim().to_ascii_lowercase();
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        })
        .unwrap_or(false);
    if !is_json {
        return Err(ApiError(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Expected request with `Content-Type: application/json`".into(),
        ));
    }
    let text =
        std::str::from_utf8(bytes).map_err(|e| bad(format!("the body is not UTF-8: {e}")))?;
    let value = serde_json::from_str(text).map_err(|e| {
        let status = match e.classify() {
            serde_json::error::Category::Data => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::BAD_REQUEST,
        };
        ApiError(status, format!("Failed to deserialize the JSON body: {e}"))
    })?;
    Ok((text, value))
}

/// Row errors as `line N: …`, lines counted in the whole body; `part` is a slice of `body`.
fn row_errors(body: &str, part: &str, parsed: &Parsed) -> Vec<String> {
    let offset = (part.as_ptr() as usize).saturating_sub(body.as_ptr() as usize);
    let before = body.get(..offset).map_or(0, |b| b.matches('\n').count());
    parsed
        .errors
        .iter()
        .map(|e| format!("line {}: {}", e.line + before, e.message))
        .collect()
}

/// Moves records with a NUL character in a text (which the office database cannot store)
/// from the accepted rows to the errors, without repeating the value.
fn refuse_nul(parsed: &mut Parsed) {
    let has_nul = |r: &DossierRecord| {
        [
            r.code.as_str(),
            &r.procedure_code,
            &r.applicant_name,
            &r.note,
            &r.pickup_place,
            &r.secret,
            &r.phone_last4,
        ]
        .iter()
        .any(|v| v.contains('\0'))
    };
    let (refused, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut parsed.records)
        .into_iter()
        .partition(|(_, r)| has_nul(r));
    parsed.records = kept;
    parsed
        .errors
        .extend(refused.into_iter().map(|(line, _)| RowError {
            line,
            message: "a value contains a NUL character".into(),
        }));
    parsed.errors.sort_by_key(|e| e.line);
}

async fn put_dossier(
    State(app): State<App>,
    UrlPath(code): UrlPath<String>,
    headers: HeaderMap,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<Upserted>, ApiError> {
    device(&app.store, &headers, Role::Integration).await?;
    let (text, req): (&str, DossierPutIn) = json_body(&headers, &bytes)?;
    check_protocol(req.protocol)?;
    let wanted = parse_code(&code)
        .map_err(|e| bad(format!("the code in the path is not a dossier code: {e}")))?;
    // The object alone as a one-row import: its lines are the body's lines.
    let mut parsed = parse(&format!("[{}]", req.dossier.get()), Format::Json)
        .map_err(|e| bad(format!("dossier: {e}")))?;
    refuse_nul(&mut parsed);
    let errors = row_errors(text, req.dossier.get(), &parsed);
    if !errors.is_empty() {
        return Err(bad(errors.join("; ")));
    }
    let Some((_, record)) = parsed.records.into_iter().next() else {
        return Err(bad(
            "dossier: one object in the dossier import format is needed",
        ));
    };
    if record.code != wanted {
        return Err(bad(format!(
            "the path names dossier {wanted} but the object is dossier {}",
            record.code
        )));
    }
    let now = Utc::now();
    let counts = with_store(&app.store, move |s| s.upsert_dossiers(&[record], now)).await?;
    Ok(Json(Upserted {
        inserted: counts.inserted,
        updated: counts.updated,
        unchanged: counts.unchanged,
        errors: Vec::new(),
    }))
}

async fn post_dossiers(
    State(app): State<App>,
    headers: HeaderMap,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<Upserted>, ApiError> {
    device(&app.store, &headers, Role::Integration).await?;
    let (text, req): (&str, DossiersPostIn) = json_body(&headers, &bytes)?;
    check_protocol(req.protocol)?;
    let raw = req.dossiers.get();
    let mut parsed = parse(raw, Format::Json).map_err(|e| match e {
        FileError::JsonNotArray { found } => bad(format!(
            "dossiers must be an array of objects in the dossier import format, not {found}"
        )),
        other => bad(format!("dossiers: {other}")),
    })?;
    refuse_nul(&mut parsed);
    let errors = row_errors(text, raw, &parsed);
    let records: Vec<_> = parsed.records.into_iter().map(|(_, r)| r).collect();
    let now = Utc::now();
    let counts = with_store(&app.store, move |s| s.upsert_dossiers(&records, now)).await?;
    Ok(Json(Upserted {
        inserted: counts.inserted,
        updated: counts.updated,
        unchanged: counts.unchanged,
        errors,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_errors_count_lines_in_the_whole_body() {
        let body = "{\"protocol\": 1,\n \"dossier\":\n\n {\"code\": \"H15-261008-0001\",\n  \"status\": \"x\"}}";
        let req: DossierPutIn = serde_json::from_str(body).unwrap();
        let parsed = parse(&format!("[{}]", req.dossier.get()), Format::Json).unwrap();
        let errors = row_errors(body, req.dossier.get(), &parsed);
        assert!(!errors.is_empty());
        assert!(
            errors.iter().all(|e| e.starts_with("line 4: ")),
            "{errors:?}"
        );
    }
}
