//! The rating tablet's API (docs/counters.md): pairing a browser as a counter's tablet with
//! a one-time code; then, for that tablet only, what the counter's last finished ticket is,
//! and its one rating.

use std::time::Instant;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use super::auth::{tablet_cookie, tablet_token, PairedTablet};
use super::error::HttpError;
use super::extract::{ClientAddr, JsonBody, PathParams, RawBody};
use super::shed::{shed, Shed};
use super::source_throttle::Refusal;
use super::state::App;
use crate::office::counters::MAX_COUNTER;
use crate::office::store::PairingRefused;

/// The tablet's routes.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/api/v1/rate/pair", get(pairing).post(pair))
        .route("/api/v1/rate/{counter}", get(rate_view).post(rate))
}

#[derive(Deserialize)]
struct PairBody {
    code: String,
}

/// Trades a pairing code for the tablet cookie, a few tries per source address.
async fn pair(
    State(app): State<App>,
    ClientAddr(source): ClientAddr,
    JsonBody(body): JsonBody<PairBody>,
) -> Result<Response, HttpError> {
    let refusal = app
        .pairing
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .attempt(source, Instant::now())
        .err();
    if let Some(refusal) = refusal {
        let (detail, wait) = match refusal {
            Refusal::TooMany(wait) => (format!("{source} used its tries"), wait.as_secs() / 60 + 1),
            Refusal::Full => ("the table of sources is full".into(), 10),
        };
        shed(Shed::PairingThrottle, &detail);
        return Err(HttpError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "pairing_throttled",
            format!("too many pairing attempts; try again in {wait} minutes"),
        ));
    }
    let code = body.code;
    let now = Utc::now();
    let (tablet, token) = match app
        .with_store(move |s| s.redeem_pairing_code(&code, now))
        .await?
    {
        Ok(paired) => paired,
        Err(PairingRefused::BadCode) => return Err(HttpError::new(
            StatusCode::UNAUTHORIZED,
            "bad_code",
            "no tablet waits for this pairing code (mistyped, used, or replaced by a newer one)",
        )),
        Err(PairingRefused::Expired) => {
            return Err(HttpError::new(
                StatusCode::UNAUTHORIZED,
                "code_expired",
                "this pairing code has expired; make a new one with `motcua office pair-tablet`",
            ))
        }
    };
    app.pairing
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .succeeded(source);
    log::info!(
        event = "tablet_paired", tablet = tablet.name.as_str(), counter = tablet.counter, source = source.to_string();
        "rating tablet {:?} paired for counter {} from {source}", tablet.name, tablet.counter
    );
    let answer = json!({"paired": true, "counter": tablet.counter, "name": tablet.name});
    Ok((
        [(header::SET_COOKIE, tablet_cookie(&token, app.tls))],
        Json(answer),
    )
        .into_response())
}

/// Whether this browser is a paired tablet, and of which counter.
async fn pairing(State(app): State<App>, headers: HeaderMap) -> Result<Response, HttpError> {
    let tablet = match tablet_token(&headers) {
        Some(token) => app.read_store(move |s| s.tablet_for_token(&token)).await?,
        None => None,
    };
    Ok(Json(match tablet {
        Some(t) => json!({"paired": true, "counter": t.counter, "name": t.name}),
        None => json!({"paired": false}),
    })
    .into_response())
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
    tablet: PairedTablet,
    PathParams(counter): PathParams<String>,
) -> Result<Response, HttpError> {
    let counter = counter_number(&counter)?;
    tablet.rates(counter)?;
    let view = app
        .read_store(move |s| s.rate_view(tablet.0.site, counter, Utc::now()))
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
    tablet: PairedTablet,
    PathParams(counter): PathParams<String>,
    RawBody(body): RawBody,
) -> Result<Response, HttpError> {
    let counter = counter_number(&counter)?;
    tablet.rates(counter)?;
    let b: RateBody = serde_json::from_slice(&body).map_err(|e| {
        HttpError::bad_request(format!("a rating is {{ticket_id, score, reasons}}: {e}"))
    })?;
    super::sync::check_ticket_id(&b.ticket_id)?;
    let (site, tz) = (tablet.0.site, app.tz);
    app.with_store(move |s| {
        s.rate_in(
            site,
            counter,
            &b.ticket_id,
            &b.score,
            &b.reasons,
            Utc::now(),
            tz,
        )
    })
    .await?;
    app.changed(site);
    Ok(StatusCode::NO_CONTENT.into_response())
}
