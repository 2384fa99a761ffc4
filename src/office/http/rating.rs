//! The rating tablet's API (docs/counters.md): no login; what the counter's last finished
//! ticket is, and its one rating.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::Utc;
use serde::Deserialize;

use super::error::HttpError;
use super::extract::{PathParams, RawBody};
use super::state::App;
use crate::office::counters::MAX_COUNTER;

/// The tablet's routes.
pub(super) fn routes() -> Router<App> {
    Router::new().route("/api/v1/rate/{counter}", get(rate_view).post(rate))
}

/// A counter's number from the path or query, refused unless 1 to [`MAX_COUNTER`].
pub(super) fn counter_number(counter: &str) -> Result<u32, HttpError> {
    counter
        .parse()
        .ok()
        .filter(|c| (1..=MAX_COUNTER).contains(c))
        .ok_or_else(|| HttpError::bad_request(format!("a counter is numbered 1 to {MAX_COUNTER}")))
}

async fn rate_view(
    State(app): State<App>,
    PathParams(counter): PathParams<String>,
) -> Result<Response, HttpError> {
    let counter = counter_number(&counter)?;
    let view = app
        .with_store(move |s| s.rate_view(counter, Utc::now()))
        .await?;
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
    PathParams(counter): PathParams<String>,
    RawBody(body): RawBody,
) -> Result<Response, HttpError> {
    let counter = counter_number(&counter)?;
    let b: RateBody = serde_json::from_slice(&body).map_err(|e| {
        HttpError::bad_request(format!("a rating is {{ticket_id, score, reasons}}: {e}"))
    })?;
    super::sync::check_ticket_id(&b.ticket_id)?;
    app.with_store(move |s| s.rate(counter, &b.ticket_id, &b.score, &b.reasons, Utc::now()))
        .await?;
    app.changed();
    Ok(StatusCode::NO_CONTENT.into_response())
}
