//! The kiosks' sync API, version 1 (docs/api.md): health without a token; with a kiosk's
//! token, pushing events, taking numbers and blocks, pulling changes. Requests name the
//! protocol version they speak; unknown fields are ignored, so newer kiosks still talk to
//! this office, and an older protocol gets a clear 400 rather than a guess.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;

use super::auth::KioskDevice;
use super::error::{check_protocol, HttpError};
use super::extract::JsonBody;
use super::state::App;
use crate::office::store::Applied;
use crate::protocol::*;

/// The kiosks' routes.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/api/v1/health", get(health))
        .route("/api/v1/events", post(push_events))
        .route("/api/v1/numbers", post(next_number))
        .route("/api/v1/blocks", post(reserve_block))
        .route("/api/v1/changes", post(changes))
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        protocol: PROTOCOL,
        time: Utc::now().to_rfc3339(),
    })
}

/// Refuses text the office database cannot store (PostgreSQL has no NUL in text), so both
/// backends answer the same 400 rather than one of them a 500.
fn check_text(what: &str, values: &[&str]) -> Result<(), HttpError> {
    if values.iter().any(|v| v.contains('\0')) {
        return Err(HttpError::bad_request(format!(
            "{what} must not contain a NUL character"
        )));
    }
    Ok(())
}

/// Refuses a ticket id that is not a short plain code (a NUL, markup, a megabyte): a 400
/// before any database work.
pub(super) fn check_ticket_id(id: &str) -> Result<(), HttpError> {
    match crate::office::store::ticket_id_problem(id) {
        Some(why) => Err(HttpError::bad_request(why)),
        None => Ok(()),
    }
}

async fn push_events(
    State(app): State<App>,
    KioskDevice(dev): KioskDevice,
    JsonBody(req): JsonBody<PushEvents>,
) -> Result<Json<Acked>, HttpError> {
    check_protocol(req.protocol)?;
    if req.events.len() > MAX_EVENTS {
        return Err(HttpError::bad_request(format!(
            "at most {MAX_EVENTS} events per push"
        )));
    }
    if let Some(e) = req
        .events
        .iter()
        .find(|e| e.id.trim().is_empty() || e.kind.is_empty())
    {
        return Err(HttpError::bad_request(format!(
            "an event without id or kind ({:?})",
            e.id
        )));
    }
    for e in &req.events {
        check_text("an event's id and kind", &[&e.id, &e.kind])?;
    }
    let now = Utc::now();
    let (device, device_id, site) = (dev.name.clone(), dev.id.clone(), dev.site());
    let (acked, applied, rejected) = app
        .with_store(move |s| {
            let payloads: Vec<String> = req.events.iter().map(|e| e.payload.to_string()).collect();
            let batch: Vec<(&str, &str, &str)> = req
                .events
                .iter()
                .zip(&payloads)
                .map(|(e, p)| (e.id.as_str(), e.kind.as_str(), p.as_str()))
                .collect();
            let results = s.apply_events(&dev, &batch, now)?;
            let applied = results.iter().filter(|a| **a == Applied::New).count();
            let rejected: Vec<RejectedEventOut> = req
                .events
                .iter()
                .zip(results)
                .filter_map(|(e, a)| match a {
                    Applied::Rejected(reason) => Some(RejectedEventOut {
                        id: e.id.clone(),
                        reason,
                    }),
                    _ => None,
                })
                .collect();
            let acked = req.events.into_iter().map(|e| e.id).collect();
            Ok((acked, applied, rejected))
        })
        .await?;
    if let Some(first) = rejected.first() {
        // One line per push, however many it refused.
        log::warn!(
            "push from {device:?}: {} event(s) refused and kept aside (first {:?}: {}); see motcua office rejected-events",
            rejected.len(),
            first.id,
            first.reason
        );
    }
    app.metrics.kiosk_synced(&device_id);
    if let Some(site) = site.filter(|_| applied > 0) {
        // New tickets: the site's counters' waiting counts changed.
        app.changed(site);
    }
    Ok(Json(Acked {
        acked,
        applied,
        rejected,
    }))
}

async fn next_number(
    State(app): State<App>,
    KioskDevice(dev): KioskDevice,
    JsonBody(req): JsonBody<NumberRequest>,
) -> Result<Json<NumberGranted>, HttpError> {
    check_protocol(req.protocol)?;
    if req.ticket_id.trim().is_empty() || req.queue.trim().is_empty() {
        return Err(HttpError::bad_request(
            "ticket_id and queue must not be empty",
        ));
    }
    check_text("ticket_id and queue", &[&req.ticket_id, &req.queue])?;
    check_ticket_id(&req.ticket_id)?;
    let site = kiosk_site(&dev)?;
    let number = app
        .with_store(move |s| s.next_number(site, &req.ticket_id, &req.queue, req.business_date))
        .await?;
    Ok(Json(NumberGranted { number }))
}

async fn reserve_block(
    State(app): State<App>,
    KioskDevice(dev): KioskDevice,
    JsonBody(req): JsonBody<BlockRequest>,
) -> Result<Json<BlockGranted>, HttpError> {
    check_protocol(req.protocol)?;
    if !(1..=MAX_BLOCK).contains(&req.size) || req.queue.trim().is_empty() {
        return Err(HttpError::bad_request(format!(
            "size must be 1 to {MAX_BLOCK}, queue not empty"
        )));
    }
    check_text("queue", &[&req.queue])?;
    let b = app
        .with_store(move |s| {
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
    KioskDevice(dev): KioskDevice,
    JsonBody(req): JsonBody<ChangesRequest>,
) -> Result<Json<Changes>, HttpError> {
    check_protocol(req.protocol)?;
    let site = kiosk_site(&dev)?;
    let now = Utc::now();
    let today = crate::domain::clock::business_date(now, app.tz);
    let changes = app
        .with_store(move |s| s.changes(site, req.since, req.limit, today, now))
        .await?;
    app.metrics.kiosk_synced(&dev.id);
    Ok(Json(changes))
}

/// A kiosk's site: every kiosk is enrolled for one (a token without one is refused).
pub(super) fn kiosk_site(
    dev: &crate::office::store::Device,
) -> Result<crate::office::store::SiteId, HttpError> {
    dev.site().ok_or_else(|| {
        HttpError::new(
            axum::http::StatusCode::FORBIDDEN,
            "no_site",
            "this kiosk token belongs to no site; enrol the kiosk again with --site",
        )
    })
}
