//! The office's web pages (counter console, display board, rating tablet, reports; HTML,
//! CSS and JS embedded from `src/office/web/`, voice clips from `assets/voice/`) and the
//! JSON API behind them (docs/counters.md): clerk login with a session cookie, counter
//! actions, views, and a Server-Sent Events stream that sends a view again whenever it
//! changes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::api::{run_store, App, CLOSING};
use super::counters::{Action, ClerkSession, Refused, MAX_COUNTER};
use super::reports::report_csv;
use crate::auth::{verify_pin, Attempt, PinGuard};

/// The session cookie.
const COOKIE: &str = "motcua_session";
/// Wrong passwords for one username before it locks, and for how many minutes.
const LOGIN_ATTEMPTS: u32 = 5;
const LOGIN_LOCK_MINUTES: u32 = 5;
/// A stream recomputes its view at least this often: changes made by another office
/// process on the same database, sessions and ratings that expire.
const STREAM_POLL: Duration = Duration::from_secs(5);

/// The voice clips, embedded by build.rs: (name, WAV bytes).
const VOICE: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/voice_clips.rs"));

/// Failed logins per username, in memory (a restart forgets them, as it forgets nothing
/// else that matters: the lock is 5 minutes).
pub(super) type Logins = Arc<Mutex<HashMap<String, PinGuard>>>;

/// An error as the pages get it: a status, a code they translate, a message for the log.
#[derive(Debug)]
pub struct WebError(StatusCode, &'static str, String);

#[derive(Serialize)]
struct WebErrorBody<'a> {
    error: &'a str,
    code: &'a str,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        (
            self.0,
            Json(WebErrorBody {
                error: &self.2,
                code: self.1,
            }),
        )
            .into_response()
    }
}

impl From<anyhow::Error> for WebError {
    fn from(e: anyhow::Error) -> WebError {
        if let Some(r) = e.downcast_ref::<Refused>() {
            return WebError(
                StatusCode::from_u16(r.status).unwrap_or(StatusCode::CONFLICT),
                r.code,
                r.message.clone(),
            );
        }
        log::error!("office web API: {e:#}");
        WebError(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the office could not do that; see its log".into(),
        )
    }
}

fn bad_request(msg: impl Into<String>) -> WebError {
    WebError(StatusCode::BAD_REQUEST, "bad_request", msg.into())
}

fn unauthorized() -> WebError {
    WebError(
        StatusCode::UNAUTHORIZED,
        "login",
        "log in first (the session ended or was never opened)".into(),
    )
}

/// A hash no password matches, checked for names nobody has.
fn unknown_clerk_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| crate::auth::hash_secret(&uuid::Uuid::new_v4().to_string()))
}

/// The web routes, added to the API's router.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/", get(|| page(include_str!("web/index.html"))))
        .route("/counter", get(|| page(include_str!("web/counter.html"))))
        .route("/board", get(|| page(include_str!("web/board.html"))))
        .route(
            "/rate/{counter}",
            get(|| page(include_str!("web/rate.html"))),
        )
        .route("/reports", get(|| page(include_str!("web/reports.html"))))
        .route(
            "/static/motcua.css",
            get(|| {
                asset(
                    "text/css; charset=utf-8",
                    include_str!("web/motcua.css").as_bytes(),
                )
            }),
        )
        .route(
            "/static/motcua.js",
            get(|| {
                asset(
                    "text/javascript; charset=utf-8",
                    include_str!("web/motcua.js").as_bytes(),
                )
            }),
        )
        .route("/static/voice/{clip}", get(voice))
        .route("/api/v1/clerk/options", get(options))
        .route("/api/v1/clerk/login", post(login))
        .route("/api/v1/clerk/logout", post(logout))
        .route("/api/v1/counter", get(counter_view))
        .route("/api/v1/counter/{action}", post(counter_action))
        .route("/api/v1/board", get(board))
        .route("/api/v1/rate/{counter}", get(rate_view).post(rate))
        .route("/api/v1/reports", get(reports))
        .route("/api/v1/reports.csv", get(reports_csv))
        .route("/api/v1/stream", get(stream))
}

async fn page(html: &'static str) -> Response {
    ([(header::CACHE_CONTROL, "no-cache")], Html(html)).into_response()
}

async fn asset(kind: &'static str, bytes: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        bytes,
    )
        .into_response()
}

async fn voice(UrlPath(clip): UrlPath<String>) -> Response {
    let name = clip.strip_suffix(".wav").unwrap_or(&clip);
    match VOICE.iter().find(|(n, _)| *n == name) {
        // Clips never change within a build: a TV browser may keep them a day.
        Some((_, bytes)) => (
            [
                (header::CONTENT_TYPE, "audio/wav"),
                (header::CACHE_CONTROL, "max-age=86400"),
            ],
            *bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such clip").into_response(),
    }
}

fn today(app: &App) -> NaiveDate {
    Utc::now().with_timezone(&app.tz).date_naive()
}

fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

/// The live session behind the request's cookie.
async fn session(app: &App, headers: &HeaderMap) -> Result<ClerkSession, WebError> {
    let token = session_token(headers).ok_or_else(unauthorized)?;
    run_store(&app.store, move |s| s.session(&token, Utc::now()))
        .await?
        .ok_or_else(unauthorized)
}

async fn options(State(app): State<App>) -> Result<Response, WebError> {
    let queues = run_store(&app.store, |s| s.queue_options()).await?;
    Ok(Json(serde_json::json!({ "queues": queues, "max_counter": MAX_COUNTER })).into_response())
}

#[derive(Deserialize)]
struct Login {
    username: String,
    password: String,
    counter: u32,
    queues: Vec<String>,
}

async fn login(State(app): State<App>, body: Bytes) -> Result<Response, WebError> {
    let req: Login = serde_json::from_slice(&body).map_err(|e| {
        bad_request(format!(
            "a login is {{username, password, counter, queues}}: {e}"
        ))
    })?;
    let username = req.username.trim().to_lowercase();
    let now = Utc::now();
    // The attempt counts as a failure before the check and is forgiven on success, so
    // guesses sent in parallel cannot all pass before the first failure is recorded.
    let guard_check = {
        let mut logins = app.logins.lock().unwrap_or_else(|e| e.into_inner());
        // Forget lapsed entries now and then: every name tried gets one.
        if logins.len() > 10_000 {
            logins.retain(|_, g| g.attempts_left() < LOGIN_ATTEMPTS);
        }
        let guard = logins
            .entry(username.clone())
            .or_insert_with(|| PinGuard::new(LOGIN_ATTEMPTS, LOGIN_LOCK_MINUTES));
        match guard.check(now) {
            Attempt::Allowed => {
                guard.failed(now);
                Attempt::Allowed
            }
            locked => locked,
        }
    };
    if let Attempt::LockedUntil(until) = guard_check {
        return Err(WebError(
            StatusCode::TOO_MANY_REQUESTS,
            "locked",
            format!("too many wrong passwords for {username:?}; try again after {until}"),
        ));
    }
    let name = username.clone();
    let creds = run_store(&app.store, move |s| s.clerk_credentials(&name)).await?;
    // Argon2 is slow on purpose: off the async threads, and outside the store's lock.
    let password = req.password;
    let clerk = tokio::task::spawn_blocking(move || match creds {
        Some((clerk, hash)) => verify_pin(&hash, &password).then_some(clerk),
        None => {
            // An unknown name takes as long as a wrong password: names do not leak.
            verify_pin(unknown_clerk_hash(), &password);
            None
        }
    })
    .await
    .map_err(|e| anyhow::anyhow!("password check failed: {e}"))?;
    let Some(clerk) = clerk else {
        // Not what was typed: a password typed into the name field would land in the log.
        log::warn!(event = "login_failed"; "failed clerk login");
        return Err(WebError(
            StatusCode::UNAUTHORIZED,
            "bad_login",
            "wrong username or password".into(),
        ));
    };
    if let Some(g) = app
        .logins
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_mut(&username)
    {
        g.succeeded();
    }
    let (counter, queues) = (req.counter, req.queues);
    let tz = app.tz;
    let (token, view) = run_store(&app.store, move |s| {
        let token = s.open_session(&clerk, counter, &queues, now)?;
        let session = ClerkSession { clerk, counter };
        let today = now.with_timezone(&tz).date_naive();
        Ok((token, s.counter_view(&session, now, today)?))
    })
    .await?;
    app.changed();
    let cookie = format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
        super::counters::SESSION_LIFETIME.num_seconds()
    );
    Ok(([(header::SET_COOKIE, cookie)], Json(view)).into_response())
}

async fn logout(State(app): State<App>, headers: HeaderMap) -> Result<Response, WebError> {
    if let Some(token) = session_token(&headers) {
        run_store(&app.store, move |s| s.close_session(&token, Utc::now())).await?;
        app.changed();
    }
    let cookie = format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

async fn counter_view(State(app): State<App>, headers: HeaderMap) -> Result<Response, WebError> {
    let session = session(&app, &headers).await?;
    let today = today(&app);
    let view = run_store(&app.store, move |s| {
        s.counter_view(&session, Utc::now(), today)
    })
    .await?;
    Ok(Json(view).into_response())
}

#[derive(Deserialize, Default)]
struct ActionBody {
    ticket_id: Option<String>,
    queue: Option<String>,
    counter: Option<u32>,
}

async fn counter_action(
    State(app): State<App>,
    headers: HeaderMap,
    UrlPath(action): UrlPath<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let session = session(&app, &headers).await?;
    let b: ActionBody = if body.iter().all(u8::is_ascii_whitespace) {
        ActionBody::default()
    } else {
        serde_json::from_slice::<Option<ActionBody>>(&body)
            .map_err(|e| bad_request(format!("bad body: {e}")))?
            .unwrap_or_default()
    };
    let action = match action.as_str() {
        "next" => Action::Next,
        "recall" => Action::Recall,
        "no-show" => Action::NoShow,
        "recall-no-show" => Action::RecallNoShow(
            b.ticket_id
                .ok_or_else(|| bad_request("recall-no-show needs ticket_id"))?,
        ),
        "start" => Action::Start,
        "finish" => Action::Finish,
        "transfer" => Action::Transfer {
            queue: b.queue.filter(|q| !q.is_empty()),
            counter: b.counter,
        },
        "pause" => Action::Pause,
        "resume" => Action::Resume,
        other => {
            return Err(WebError(
                StatusCode::NOT_FOUND,
                "bad_request",
                format!("no counter action {other:?}"),
            ))
        }
    };
    let today = today(&app);
    let result = run_store(&app.store, move |s| {
        let now = Utc::now();
        s.counter_action(&session, &action, now, today)?;
        s.counter_view(&session, now, today)
    })
    .await;
    // Even a refusal may have changed something ("next" finishes the ticket served before
    // it finds nobody waiting).
    app.changed();
    Ok(Json(result?).into_response())
}

async fn board(State(app): State<App>) -> Result<Response, WebError> {
    let today = today(&app);
    let view = run_store(&app.store, move |s| s.board_view(Utc::now(), today)).await?;
    Ok(Json(view).into_response())
}

fn counter_number(counter: &str) -> Result<u32, WebError> {
    counter
        .parse()
        .ok()
        .filter(|c| (1..=MAX_COUNTER).contains(c))
        .ok_or_else(|| bad_request(format!("a counter is numbered 1 to {MAX_COUNTER}")))
}

async fn rate_view(
    State(app): State<App>,
    UrlPath(counter): UrlPath<String>,
) -> Result<Response, WebError> {
    let counter = counter_number(&counter)?;
    let view = run_store(&app.store, move |s| s.rate_view(counter, Utc::now())).await?;
    Ok(Json(view).into_response())
}

#[derive(Deserialize)]
struct RateBody {
    ticket_id: String,
    score: String,
    #[serde(default)]
    reasons: Vec<String>,
}

async fn rate(
    State(app): State<App>,
    UrlPath(counter): UrlPath<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let counter = counter_number(&counter)?;
    let b: RateBody = serde_json::from_slice(&body)
        .map_err(|e| bad_request(format!("a rating is {{ticket_id, score, reasons}}: {e}")))?;
    run_store(&app.store, move |s| {
        s.rate(counter, &b.ticket_id, &b.score, &b.reasons, Utc::now())
    })
    .await?;
    app.changed();
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
struct Range {
    from: Option<String>,
    to: Option<String>,
}

/// The range asked for (default: this month so far), for a lead clerk.
async fn report_range(
    app: &App,
    headers: &HeaderMap,
    range: Range,
) -> Result<(NaiveDate, NaiveDate), WebError> {
    let session = session(app, headers).await?;
    if !session.clerk.lead {
        return Err(WebError(
            StatusCode::FORBIDDEN,
            "not_lead",
            "only a lead clerk (add-clerk --lead) sees the reports".into(),
        ));
    }
    let today = today(app);
    let parse = |s: Option<String>, default: NaiveDate| match s.filter(|s| !s.is_empty()) {
        Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map_err(|_| bad_request(format!("a date is YYYY-MM-DD, not {s:?}"))),
        None => Ok(default),
    };
    let from = parse(range.from, today.with_day0(0).unwrap_or(today))?;
    let to = parse(range.to, today)?;
    if from > to {
        return Err(bad_request("the range starts after it ends"));
    }
    if (to - from).num_days() > 366 {
        return Err(bad_request("a report covers at most a year"));
    }
    Ok((from, to))
}

use chrono::Datelike;

async fn reports(
    State(app): State<App>,
    headers: HeaderMap,
    Query(range): Query<Range>,
) -> Result<Response, WebError> {
    let (from, to) = report_range(&app, &headers, range).await?;
    let tz = app.tz;
    let report = run_store(&app.store, move |s| s.report(from, to, tz)).await?;
    Ok(Json(report).into_response())
}

async fn reports_csv(
    State(app): State<App>,
    headers: HeaderMap,
    Query(range): Query<Range>,
) -> Result<Response, WebError> {
    let (from, to) = report_range(&app, &headers, range).await?;
    let tz = app.tz;
    let bytes = run_store(&app.store, move |s| {
        let report = s.report(from, to, tz)?;
        report_csv(&report, &s.ticket_rows(from, to)?)
    })
    .await?;
    let disposition = format!("attachment; filename=\"motcua-{from}-{to}.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
struct StreamQuery {
    view: String,
    counter: Option<String>,
}

/// Which view a stream sends.
#[derive(Clone)]
enum View {
    Counter(String),
    Board,
    Rate(u32),
}

/// The view's JSON now, or None when its session ended (the stream then closes, and the
/// page finds itself logged out).
async fn snapshot(app: &App, view: &View) -> Result<Option<String>, WebError> {
    let today = today(app);
    let view = view.clone();
    run_store(&app.store, move |s| {
        let now = Utc::now();
        Ok(match view {
            View::Counter(token) => match s.session_peek(&token, now)? {
                Some(session) => Some(serde_json::to_string(
                    &s.counter_view(&session, now, today)?,
                )?),
                None => None,
            },
            View::Board => Some(serde_json::to_string(&s.board_view(now, today)?)?),
            View::Rate(c) => Some(serde_json::to_string(&s.rate_view(c, now)?)?),
        })
    })
    .await
    .map_err(WebError::from)
}

async fn stream(
    State(app): State<App>,
    headers: HeaderMap,
    Query(q): Query<StreamQuery>,
) -> Result<Response, WebError> {
    let view = match q.view.as_str() {
        "counter" => View::Counter(session_token(&headers).ok_or_else(unauthorized)?),
        "board" => View::Board,
        "rate" => View::Rate(counter_number(q.counter.as_deref().unwrap_or(""))?),
        other => return Err(bad_request(format!("no view {other:?}"))),
    };
    // Subscribed first: a change while the first snapshot is made wakes the stream.
    let rx = app.subscribe();
    // Refuse a dead session now, with a status the page can see.
    let first = snapshot(&app, &view).await?.ok_or_else(unauthorized)?;
    let state = (app, view, rx, Some(first), String::new());
    let events =
        futures_util::stream::unfold(state, |(app, view, mut rx, first, mut last)| async move {
            if let Some(json) = first {
                let event = Event::default()
                    .event("snapshot")
                    .retry(Duration::from_secs(2))
                    .data(json.clone());
                return Some((
                    Ok::<_, std::convert::Infallible>(event),
                    (app, view, rx, None, json),
                ));
            }
            loop {
                // A change here, or a poll for changes made elsewhere.
                match tokio::time::timeout(STREAM_POLL, rx.changed()).await {
                    Ok(Err(_)) => return None,
                    // The office is stopping: end, so its graceful stop need not wait.
                    Ok(Ok(())) if *rx.borrow_and_update() == CLOSING => return None,
                    Ok(Ok(())) | Err(_) => {}
                }
                let json = match snapshot(&app, &view).await {
                    Ok(Some(json)) => json,
                    Ok(None) => return None,
                    Err(_) => continue,
                };
                if json != last {
                    last = json.clone();
                    let event = Event::default().event("snapshot").data(json);
                    return Some((Ok(event), (app, view, rx, None, last)));
                }
            }
        });
    Ok(Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response())
}
