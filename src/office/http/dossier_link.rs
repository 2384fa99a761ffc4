//! The ticket ↔ dossier link (docs/dossier-link.md): the console links the ticket it serves
//! to a dossier code; a lead reads a dossier's visits and exports the linked visits with
//! their ratings for the province's evaluation (CSV and JSON, nothing personal).

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use super::auth::{LeadSession, Session};
use super::error::HttpError;
use super::extract::{PathParams, QueryParams, RawBody};
use super::reports::{dates, Range};
use super::state::App;
use crate::domain::dossier_code::{extract, parse_code, DossierCode};
use crate::office::dossier_export::{ratings_csv, ratings_json};

/// The longest text the console's code box may send: a scanned QR link with its key fits.
const MAX_CODE_INPUT: usize = 512;

/// The link's routes.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route(
            "/api/v1/counter/dossier",
            post(link).layer(DefaultBodyLimit::max(4096)),
        )
        .route("/api/v1/dossiers/{code}/visits", get(visits))
        .route("/api/v1/export/dossier-ratings.csv", get(export_csv))
        .route("/api/v1/export/dossier-ratings.json", get(export_json))
}

/// What the console sends.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkBody {
    /// The ticket (default: the one held at the counter).
    ticket_id: Option<String>,
    /// The dossier code as typed or scanned (a receipt's QR text works too).
    code: String,
    /// Marks the visit as an assisted online filing.
    #[serde(default)]
    assisted_online: bool,
}

/// A dossier code from what a clerk typed or scanned: the code inside a scanned text or
/// link, else the text itself; 400 `bad_dossier_code` saying what is wrong.
fn read_code(input: &str) -> Result<DossierCode, HttpError> {
    if input.chars().count() > MAX_CODE_INPUT {
        return Err(bad_code("too long for a dossier code"));
    }
    if let Some(scanned) = extract(input) {
        return Ok(scanned.code);
    }
    parse_code(input).map_err(|e| bad_code(&e.to_string()))
}

fn bad_code(why: &str) -> HttpError {
    HttpError::new(
        StatusCode::BAD_REQUEST,
        "bad_dossier_code",
        format!("not a dossier code ({why}); one looks like H15.50.05.13-261008-0975"),
    )
}

/// `POST /api/v1/counter/dossier {code, assisted_online, ticket_id?}`: links the ticket at
/// the clerk's counter; answers the console's view, which shows the link.
async fn link(
    State(app): State<App>,
    Session(session): Session,
    RawBody(body): RawBody,
) -> Result<Response, HttpError> {
    let b: LinkBody = serde_json::from_slice(&body)
        .map_err(|e| HttpError::bad_request(format!("bad body: {e}")))?;
    let code = read_code(&b.code)?;
    if let Some(id) = &b.ticket_id {
        super::sync::check_ticket_id(id)?;
    }
    let (today, site) = (app.today(), session.site);
    let view = app
        .with_store(move |s| {
            let now = Utc::now();
            s.link_at_counter(
                &session,
                b.ticket_id.as_deref(),
                &code,
                b.assisted_online,
                now,
                today,
            )?;
            s.counter_view(&session, now, today)
        })
        .await?;
    app.changed(site);
    Ok(Json(view).into_response())
}

/// `GET /api/v1/dossiers/{code}/visits`: a dossier's visits at the lead's site.
async fn visits(
    State(app): State<App>,
    LeadSession(site): LeadSession,
    PathParams(code): PathParams<String>,
) -> Result<Response, HttpError> {
    let code = read_code(&code)?;
    let shown = code.as_str().to_string();
    let visits = app
        .read_store(move |s| s.dossier_visits(site, &code))
        .await?;
    Ok(Json(json!({ "code": shown, "visits": visits })).into_response())
}

/// The export's rows for the lead's site and the asked range.
async fn export_rows(
    app: &App,
    site: crate::office::store::SiteId,
    range: Range,
) -> Result<(crate::office::dossier_export::RatingsExport, String), HttpError> {
    let (from, to) = dates(app, range.from, range.to)?;
    let export = app
        .read_store(move |s| crate::office::dossier_export::ratings_export(s, site, from, to))
        .await?;
    let name = format!("motcua-dossier-ratings-{from}-{to}");
    Ok((export, name))
}

async fn export_csv(
    State(app): State<App>,
    LeadSession(site): LeadSession,
    QueryParams(range): QueryParams<Range>,
) -> Result<Response, HttpError> {
    let (export, name) = export_rows(&app, site, range).await?;
    let bytes = ratings_csv(&export).map_err(HttpError::from)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn export_json(
    State(app): State<App>,
    LeadSession(site): LeadSession,
    QueryParams(range): QueryParams<Range>,
) -> Result<Response, HttpError> {
    let (export, _) = export_rows(&app, site, range).await?;
    Ok(Json(ratings_json(&export)).into_response())
}
