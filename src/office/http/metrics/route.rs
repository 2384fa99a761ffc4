//! `GET /metrics` for a metrics token (`enroll-device --metrics`), and the layer that counts
//! every answer by its route template.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, Extensions};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::Utc;

use super::{Scrape, OTHER_ROUTE};
use crate::office::http::auth::MetricsDevice;
use crate::office::http::connections::Connections;
use crate::office::http::error::HttpError;
use crate::office::http::shed;
use crate::office::http::state::App;
use crate::office::http::stream_caps::StreamCaps;

/// The metrics route.
pub(in crate::office::http) fn routes() -> Router<App> {
    Router::new().route("/metrics", get(scrape))
}

/// One scrape: a single short read of the database, the rest from memory.
async fn scrape(
    State(app): State<App>,
    _: MetricsDevice,
    extensions: Extensions,
) -> Result<Response, HttpError> {
    let today = app.today();
    let gauges = app.read_store(move |s| s.gauges(today)).await?;
    let scrape = Scrape {
        gauges,
        now: Utc::now(),
        connections: extensions
            .get::<Arc<Connections>>()
            .map(|table| table.len()),
        streams: extensions
            .get::<Arc<StreamCaps>>()
            .map(|caps| caps.live())
            .unwrap_or_default(),
        shed: shed::totals().to_vec(),
    };
    let body = app.metrics.render(&scrape);
    Ok(([(header::CONTENT_TYPE, prometheus::TEXT_FORMAT)], body).into_response())
}

/// Counts the answer to every request under its route template (the matched route, never
/// the path asked for, so a hostile client cannot add series), or [`OTHER_ROUTE`].
pub(in crate::office::http) async fn track(
    State(app): State<App>,
    req: Request,
    next: Next,
) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or(OTHER_ROUTE.to_string(), |p| p.as_str().to_string());
    let started = Instant::now();
    let response = next.run(req).await;
    app.metrics
        .request(&route, response.status(), started.elapsed());
    response
}
