//! The clerks' console API (docs/counters.md): the login form's options, login and logout
//! with a session cookie, the counter's view and its actions.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use serde::Deserialize;

use super::auth::{cleared_cookie, login_first, no_counter, session_cookie, Session, SessionToken};
use super::error::HttpError;
use super::extract::{ClientAddr, PathParams, RawBody};
use super::login::{self, check_password, MAX_LOGIN_BODY};
use super::site::{wrong_site, AskedSite, SiteParam};
use super::state::App;
use crate::office::counters::{Action, MAX_COUNTER};

/// The console's routes.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/api/v1/clerk/options", get(options))
        // The body limit stops reading a login at 4 KiB, before any work.
        .route(
            "/api/v1/clerk/login",
            post(login).layer(DefaultBodyLimit::max(MAX_LOGIN_BODY)),
        )
        .route("/api/v1/clerk/logout", post(logout))
        .route("/api/v1/counter", get(counter_view))
        .route("/api/v1/counter/{action}", post(counter_action))
}

async fn options(
    State(app): State<App>,
    SiteParam(site): SiteParam,
) -> Result<Response, HttpError> {
    let queues = app.with_store(move |s| s.queue_options(site.id)).await?;
    Ok(Json(serde_json::json!({ "queues": queues, "max_counter": MAX_COUNTER })).into_response())
}

async fn login(
    State(app): State<App>,
    ClientAddr(source): ClientAddr,
    asked: AskedSite,
    RawBody(body): RawBody,
) -> Result<Response, HttpError> {
    let req = login::parse(&body)?;
    let username = req.username.trim().to_lowercase();
    let session = check_password(&app, &username, source, req.password, req.counter).await?;
    // A clerk of another site on this site's page opens no counter here.
    asked.allows(session.site)?;
    let (now, site) = (Utc::now(), session.site);
    let queues = req.queues;
    let tz = app.tz;
    let (token, view) = app
        .with_store(move |s| {
            let token = s.open_session(&session.clerk, session.counter, &queues, now)?;
            s.record_login(&session.clerk, now)?;
            let today = now.with_timezone(&tz).date_naive();
            Ok((token, s.counter_view(&session, now, today)?))
        })
        .await?;
    app.changed(site);
    let cookie = session_cookie(&token, app.tls);
    Ok(([(header::SET_COOKIE, cookie)], Json(view)).into_response())
}

async fn logout(
    State(app): State<App>,
    SessionToken(token): SessionToken,
) -> Result<Response, HttpError> {
    if let Some(token) = token {
        if let Some(site) = app
            .with_store(move |s| s.close_session(&token, Utc::now()))
            .await?
        {
            app.changed(site);
        }
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, cleared_cookie(app.tls))],
    )
        .into_response())
}

async fn counter_view(
    State(app): State<App>,
    Session(session): Session,
) -> Result<Response, HttpError> {
    let today = app.today();
    let view = app
        .read_store(move |s| s.counter_view(&session, Utc::now(), today))
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
    asked: AskedSite,
    SessionToken(token): SessionToken,
    PathParams(action): PathParams<String>,
    RawBody(body): RawBody,
) -> Result<Response, HttpError> {
    let token = token.ok_or_else(login_first)?;
    let b: ActionBody = if body.iter().all(u8::is_ascii_whitespace) {
        ActionBody::default()
    } else {
        serde_json::from_slice::<Option<ActionBody>>(&body)
            .map_err(|e| HttpError::bad_request(format!("bad body: {e}")))?
            .unwrap_or_default()
    };
    let action = match action.as_str() {
        "next" => Action::Next,
        "recall" => Action::Recall,
        "no-show" => Action::NoShow,
        "recall-no-show" => {
            let id = b
                .ticket_id
                .ok_or_else(|| HttpError::bad_request("recall-no-show needs ticket_id"))?;
            super::sync::check_ticket_id(&id)?;
            Action::RecallNoShow(id)
        }
        "start" => Action::Start,
        "finish" => Action::Finish,
        "transfer" => Action::Transfer {
            queue: b.queue.filter(|q| !q.is_empty()),
            counter: b.counter,
        },
        "pause" => Action::Pause,
        "resume" => Action::Resume,
        other => {
            return Err(HttpError::new(
                StatusCode::NOT_FOUND,
                "bad_request",
                format!("no counter action {other:?}"),
            ))
        }
    };
    let today = app.today();
    let asked = asked.0.map(|site| site.id);
    // The session is checked and the answer's view read in the action's own call: one
    // group commit to wait for, and the writer reads the view from pages it holds, where a
    // reader would read them afresh after every commit.
    let acted = app
        .with_store(move |s| {
            let now = Utc::now();
            let Some(session) = s.session(&token, now)? else {
                // A reports-only session is live but opens no counter: say so.
                return Ok(Err(s.reader_session(&token, now)?.is_some()));
            };
            // A page of another site may not drive this counter: refused before acting.
            if asked.is_some_and(|site| site != session.site) {
                return Ok(Ok((session.site, None)));
            }
            let result = s
                .counter_action(&session, &action, now, today)
                .and_then(|()| s.counter_view(&session, now, today));
            Ok(Ok((session.site, Some(result))))
        })
        .await?;
    let (site, result) =
        acted.map_err(|reading| if reading { no_counter() } else { login_first() })?;
    let result = result.ok_or_else(wrong_site)?;
    // Even a refusal may have changed something ("next" finishes the ticket served before
    // it finds nobody waiting).
    app.changed(site);
    Ok(Json(result?).into_response())
}
