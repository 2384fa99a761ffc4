//! The deadline radar for a site's lead (docs/radar.md): the four lists as JSON and as CSV.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::Utc;
use serde::Deserialize;

use super::auth::LeadSession;
use super::error::HttpError;
use super::extract::QueryParams;
use super::state::App;
use crate::domain::radar::RadarRules;
use crate::office::counters::radar_csv;

/// The radar's routes.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/api/v1/radar", get(radar))
        .route("/api/v1/radar.csv", get(csv))
}

/// The thresholds a lead may ask for; defaults: one working day, 5 days.
#[derive(Deserialize)]
struct Thresholds {
    /// "Due soon" within this many working hours (1–80).
    due_soon_hours: Option<i64>,
    /// "Not collected" after this many days (1–90).
    uncollected_days: Option<i64>,
}

impl Thresholds {
    fn rules(&self) -> Result<RadarRules, HttpError> {
        let d = RadarRules::default();
        let hours = self.due_soon_hours.unwrap_or(d.due_soon_minutes / 60);
        let days = self.uncollected_days.unwrap_or(d.uncollected_days);
        if !(1..=80).contains(&hours) || !(1..=90).contains(&days) {
            return Err(HttpError::bad_request(
                "due_soon_hours must be 1 to 80 and uncollected_days 1 to 90",
            ));
        }
        Ok(RadarRules {
            due_soon_minutes: hours * 60,
            uncollected_days: days,
        })
    }
}

async fn radar(
    State(app): State<App>,
    LeadSession(site): LeadSession,
    QueryParams(t): QueryParams<Thresholds>,
) -> Result<Response, HttpError> {
    let (rules, tz) = (t.rules()?, app.tz);
    let (radar, site) = app
        .read_store(move |s| Ok((s.radar(site, Utc::now(), tz, rules)?, s.site(site)?)))
        .await?;
    // The digest and the letter name the commune: a province lead reads many.
    let mut body = serde_json::to_value(radar).map_err(anyhow::Error::from)?;
    body["site"] = serde_json::json!({ "code": site.code, "name": site.name });
    Ok(Json(body).into_response())
}

async fn csv(
    State(app): State<App>,
    LeadSession(site): LeadSession,
    QueryParams(t): QueryParams<Thresholds>,
) -> Result<Response, HttpError> {
    let (rules, tz) = (t.rules()?, app.tz);
    let (bytes, day) = app
        .read_store(move |s| {
            let radar = s.radar(site, Utc::now(), tz, rules)?;
            Ok((radar_csv(&radar)?, radar.at.date()))
        })
        .await?;
    let disposition = format!("attachment; filename=\"motcua-radar-{day}.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
