//! Appointments over HTTP (docs/booking.md): the citizen's booking page asks what can be
//! booked, books, looks a booking up by its code and cancels it; a site lead sets the rules.
//! Booking and looking up are throttled per source address, so a script can neither take
//! every slot nor walk the codes.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{NaiveDate, NaiveDateTime, Utc};
use serde::Deserialize;

use super::auth::{KioskDevice, LeadSession};
use super::error::{check_protocol, HttpError};
use super::extract::{ClientAddr, JsonBody, PathParams};
use super::shed::{shed, Shed};
use super::site::SiteParam;
use super::source_throttle::{Refusal, SourceThrottle};
use super::state::App;
use super::sync::{check_ticket_id, kiosk_site};
use crate::domain::booking::BookingRules;
use crate::office::counters::{BookRequest, Booking, BookingRefused};
use crate::protocol::CheckInRequest;

/// The booking routes.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/api/v1/booking/options", get(options))
        .route("/api/v1/booking/rules", get(rules).put(set_rules))
        .route("/api/v1/bookings", post(book))
        .route("/api/v1/bookings/{code}", get(booking))
        .route("/api/v1/bookings/{code}/cancel", post(cancel))
        .route("/api/v1/bookings/{code}/qr.svg", get(qr))
        .route("/api/v1/bookings/check-in", post(check_in))
}

fn local_now(app: &App) -> NaiveDateTime {
    Utc::now().with_timezone(&app.tz).naive_local()
}

/// Counts an attempt from `source`, or refuses it with 429 `booking_throttled`.
fn throttle(table: &Arc<Mutex<SourceThrottle>>, source: std::net::IpAddr) -> Result<(), HttpError> {
    let refusal = table
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .attempt(source, Instant::now())
        .err();
    let Some(refusal) = refusal else {
        return Ok(());
    };
    let (detail, wait) = match refusal {
        Refusal::TooMany(wait) => (format!("{source} used its tries"), wait.as_secs() / 60 + 1),
        Refusal::Full => ("the table of sources is full".into(), 60),
    };
    shed(Shed::BookingThrottle, &detail);
    Err(HttpError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "booking_throttled",
        format!("too many bookings from this address; try again in {wait} minutes"),
    )
    .retry_after(std::time::Duration::from_secs(wait * 60)))
}

fn not_bookable() -> HttpError {
    HttpError::new(
        StatusCode::NOT_FOUND,
        "not_bookable",
        "this office takes no bookings",
    )
}

fn no_booking() -> HttpError {
    HttpError::new(
        StatusCode::NOT_FOUND,
        "unknown_booking",
        "no booking has this code",
    )
}

async fn options(
    State(app): State<App>,
    SiteParam(site): SiteParam,
) -> Result<Response, HttpError> {
    let now = local_now(&app);
    let options = app
        .read_store(move |s| s.booking_options(site.id, now))
        .await?
        .ok_or_else(not_bookable)?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(options)).into_response())
}

#[derive(Deserialize)]
struct BookBody {
    field: String,
    day: NaiveDate,
    time: String,
    phone: String,
}

async fn book(
    State(app): State<App>,
    SiteParam(site): SiteParam,
    ClientAddr(source): ClientAddr,
    JsonBody(body): JsonBody<BookBody>,
) -> Result<Response, HttpError> {
    throttle(&app.bookings, source)?;
    let ask = BookRequest {
        field: body.field.chars().take(32).collect(),
        day: body.day,
        time: body.time.chars().take(8).collect(),
        phone: body.phone.chars().take(40).collect(),
    };
    let now = local_now(&app);
    let made = app
        .with_store(move |s| s.book(site.id, &ask, now, Utc::now()))
        .await?;
    match made {
        Ok(b) => Ok((StatusCode::CREATED, Json(b)).into_response()),
        Err(refused) => Err(refusal(refused)),
    }
}

/// A refused booking, said so the page can tell the citizen.
fn refusal(r: BookingRefused) -> HttpError {
    let message = match &r {
        BookingRefused::NotBookable => "this field takes no bookings here".to_string(),
        BookingRefused::NoSuchSlot => "there is no such slot to book".into(),
        BookingRefused::Past => "this slot has begun".into(),
        BookingRefused::Full => "this slot is full".into(),
        BookingRefused::BadPhone => "not a mobile number: 10 digits starting with 0".into(),
        BookingRefused::PhoneActive(n) => format!("this phone already holds {n} bookings"),
        BookingRefused::PhoneDay(n) => format!("this phone already holds {n} bookings that day"),
        BookingRefused::SameField => {
            "this phone already holds a booking in this field that day".into()
        }
    };
    let status = match r {
        BookingRefused::BadPhone | BookingRefused::NoSuchSlot => StatusCode::BAD_REQUEST,
        BookingRefused::NotBookable => StatusCode::NOT_FOUND,
        _ => StatusCode::CONFLICT,
    };
    HttpError::new(status, r.code(), message)
}

async fn find(app: &App, code: String) -> Result<Booking, HttpError> {
    let now = local_now(app);
    app.read_store(move |s| s.booking(&code, now))
        .await?
        .ok_or_else(no_booking)
}

async fn booking(
    State(app): State<App>,
    ClientAddr(source): ClientAddr,
    PathParams(code): PathParams<String>,
) -> Result<Response, HttpError> {
    throttle(&app.booking_lookups, source)?;
    let b = find(&app, code).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(b)).into_response())
}

async fn cancel(
    State(app): State<App>,
    ClientAddr(source): ClientAddr,
    PathParams(code): PathParams<String>,
) -> Result<Response, HttpError> {
    throttle(&app.booking_lookups, source)?;
    let now = local_now(&app);
    let b = app
        .with_store(move |s| s.cancel_booking(&code, now, Utc::now()))
        .await?
        .ok_or_else(no_booking)?;
    Ok(Json(b).into_response())
}

/// The booking's code as a QR code, for the kiosk's scanner (the code alone, as typed).
async fn qr(
    State(app): State<App>,
    ClientAddr(source): ClientAddr,
    PathParams(code): PathParams<String>,
) -> Result<Response, HttpError> {
    throttle(&app.booking_lookups, source)?;
    let b = find(&app, code).await?;
    let svg = crate::office::charts::qr_svg(&b.code)
        .map_err(|e| HttpError::from(anyhow::anyhow!("QR code: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        svg,
    )
        .into_response())
}

/// A kiosk checks a citizen's booking in (docs/api.md).
async fn check_in(
    State(app): State<App>,
    KioskDevice(dev): KioskDevice,
    JsonBody(req): JsonBody<CheckInRequest>,
) -> Result<Response, HttpError> {
    check_protocol(req.protocol)?;
    check_ticket_id(&req.ticket_id)?;
    let site = kiosk_site(&dev)?;
    let (now, tz) = (local_now(&app), app.tz);
    let answer = app
        .with_store(move |s| {
            s.check_in_booking(site, &req.code, &req.ticket_id, now, Utc::now(), tz)
        })
        .await?
        .ok_or_else(no_booking)?;
    // A check-in changes nothing the boards show until its ticket arrives.
    Ok(Json(answer).into_response())
}

async fn rules(
    State(app): State<App>,
    LeadSession(site): LeadSession,
) -> Result<Response, HttpError> {
    let rules = app.read_store(move |s| s.booking_rules(site)).await?;
    Ok(Json(rules).into_response())
}

async fn set_rules(
    State(app): State<App>,
    LeadSession(site): LeadSession,
    JsonBody(rules): JsonBody<BookingRules>,
) -> Result<Response, HttpError> {
    rules.check().map_err(HttpError::bad_request)?;
    let stored = rules.clone();
    app.with_store(move |s| s.set_booking_rules(site, &stored))
        .await?;
    Ok(Json(rules).into_response())
}
