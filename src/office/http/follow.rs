//! The citizen's follow page (docs/follow.md): `/t/{token}` from the ticket's QR code, one
//! small page with its style and script inline (a cheap phone on a slow line makes one
//! request), the ticket's state written into it so it shows before any script runs, and
//! `/api/v1/follow/{token}`, what the page asks again when its live stream
//! (`/api/v1/stream?view=follow`) cannot be opened.

use std::sync::LazyLock;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chrono::Utc;
use serde::Serialize;

use super::error::HttpError;
use super::extract::PathParams;
use super::state::App;
use crate::office::counters::FollowView;

const TEMPLATE: &str = include_str!("../web/follow.html");
const STYLE: &str = include_str!("../web/follow.css");
const SCRIPT: &str = include_str!("../web/follow.js");

/// The page with its style and script in place, and its Content-Security-Policy, which lets
/// exactly those two run (by their SHA-256) and the page talk only to the office.
static PAGE: LazyLock<(String, String)> = LazyLock::new(|| {
    let html = TEMPLATE
        .replace("/*STYLE*/", STYLE)
        .replace("/*SCRIPT*/", SCRIPT);
    let hash =
        |text: &str| STANDARD.encode(ring::digest::digest(&ring::digest::SHA256, text.as_bytes()));
    let csp = format!(
        "default-src 'none'; script-src 'sha256-{}'; style-src 'sha256-{}'; connect-src 'self'; \
         img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        hash(SCRIPT),
        hash(STYLE)
    );
    (html, csp)
});

/// The follow page's routes.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/t/{token}", get(page))
        .route("/api/v1/follow/{token}", get(view))
}

/// What the page starts from.
#[derive(Serialize)]
struct Start {
    /// `found`, `unknown` (no ticket has the token yet) or `invalid` (not a token).
    status: &'static str,
    /// The ticket, when found.
    view: Option<FollowView>,
}

/// The view for `token`, None when no ticket has it.
pub(super) async fn lookup(app: &App, token: String) -> Result<Option<FollowView>, HttpError> {
    if !crate::follow::is_token(&token) {
        return Ok(None);
    }
    let today = app.today();
    Ok(app
        .read_store(move |s| s.follow_view(&token, Utc::now(), today))
        .await?
        .map(|(_, view)| view))
}

async fn page(
    State(app): State<App>,
    PathParams(token): PathParams<String>,
) -> Result<Response, HttpError> {
    let (status, code, view) = if !crate::follow::is_token(&token) {
        ("invalid", StatusCode::NOT_FOUND, None)
    } else {
        match lookup(&app, token).await? {
            Some(view) => ("found", StatusCode::OK, Some(view)),
            None => ("unknown", StatusCode::OK, None),
        }
    };
    let start = serde_json::to_string(&Start { status, view })
        .map_err(|e| HttpError::from(anyhow::Error::from(e)))?;
    // A data block ends at the first "</": escaped, the JSON cannot close it.
    let start = start.replace('<', "\\u003c");
    let (html, csp) = &*PAGE;
    let mut response = (code, Html(html.replace("/*START*/", &start))).into_response();
    let h = response.headers_mut();
    // The ticket's state changes by the minute and the address is the ticket's key: kept
    // by no cache, sent to no other site.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(csp) = HeaderValue::from_str(csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    Ok(response)
}

async fn view(
    State(app): State<App>,
    PathParams(token): PathParams<String>,
) -> Result<Response, HttpError> {
    match lookup(&app, token).await? {
        Some(view) => Ok(([(header::CACHE_CONTROL, "no-store")], Json(view)).into_response()),
        None => Err(unknown_ticket()),
    }
}

/// 404 for a token no ticket has (yet).
pub(super) fn unknown_ticket() -> HttpError {
    HttpError::new(
        StatusCode::NOT_FOUND,
        "unknown_ticket",
        "no ticket has this address yet: a ticket taken while the office was unreachable appears once its kiosk reconnects",
    )
}
