//! Live alerts for a site's lead (docs/alerts.md): the alerts as JSON, the rules, and the
//! rating alerts' acknowledgement and follow-up, each with a note.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::Utc;
use serde::Deserialize;

use super::auth::LeadSession;
use super::error::HttpError;
use super::extract::{PathParams, RawBody};
use super::state::App;
use crate::domain::alerts::AlertRules;
use crate::office::store::{OfficeStore, SiteId};

/// The alerts' routes.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/api/v1/alerts", get(alerts))
        .route("/api/v1/alerts/rules", put(set_rules))
        .route("/api/v1/alerts/{id}/ack", post(ack))
        .route("/api/v1/alerts/{id}/follow-up", post(follow_up))
}

/// A note, as the lead types it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    note: String,
}

/// The alert id in the path: a positive integer, else 404 `no_alert`.
fn alert_id(id: &str) -> Result<i64, HttpError> {
    id.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
        HttpError::new(
            axum::http::StatusCode::NOT_FOUND,
            "no_alert",
            "no such alert",
        )
    })
}

fn note(body: &[u8]) -> Result<String, HttpError> {
    let b: NoteBody = serde_json::from_slice(body).map_err(|e| {
        HttpError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "bad_json",
            format!("a note is {{\"note\": \"…\"}}: {e}"),
        )
    })?;
    Ok(b.note)
}

async fn alerts(
    State(app): State<App>,
    LeadSession(site): LeadSession,
) -> Result<Response, HttpError> {
    let (today, tz) = (app.today(), app.tz);
    let (view, site) = app
        .read_store(move |s| Ok((s.alerts_view(site, Utc::now(), today, tz)?, s.site(site)?)))
        .await?;
    let mut body = serde_json::to_value(view).map_err(anyhow::Error::from)?;
    body["site"] = serde_json::json!({ "code": site.code, "name": site.name });
    Ok(Json(body).into_response())
}

async fn set_rules(
    State(app): State<App>,
    LeadSession(site): LeadSession,
    RawBody(body): RawBody,
) -> Result<Response, HttpError> {
    let text = std::str::from_utf8(&body).map_err(|_| {
        HttpError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "bad_json",
            "the rules are JSON in UTF-8",
        )
    })?;
    let rules = AlertRules::from_json(text)
        .map_err(|e| HttpError::new(axum::http::StatusCode::BAD_REQUEST, "bad_rules", e))?;
    let stored = rules.clone();
    app.with_store(move |s| s.set_alert_rules(site, &stored))
        .await?;
    app.changed(site);
    Ok(Json(rules).into_response())
}

async fn ack(
    State(app): State<App>,
    LeadSession(site): LeadSession,
    PathParams(id): PathParams<String>,
    RawBody(body): RawBody,
) -> Result<Response, HttpError> {
    close(app, site, &id, &body, OfficeStore::ack_alert).await
}

async fn follow_up(
    State(app): State<App>,
    LeadSession(site): LeadSession,
    PathParams(id): PathParams<String>,
    RawBody(body): RawBody,
) -> Result<Response, HttpError> {
    close(app, site, &id, &body, OfficeStore::follow_up_alert).await
}

/// Acknowledges or follows up (`step`) an alert, with the body's note; 204, and the site's
/// consoles and lead pages told.
async fn close(
    app: App,
    site: SiteId,
    id: &str,
    body: &[u8],
    step: fn(&mut OfficeStore, SiteId, i64, &str, chrono::DateTime<Utc>) -> anyhow::Result<()>,
) -> Result<Response, HttpError> {
    let (id, note) = (alert_id(id)?, note(body)?);
    app.with_store(move |s| step(s, site, id, &note, Utc::now()))
        .await?;
    app.changed(site);
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}
