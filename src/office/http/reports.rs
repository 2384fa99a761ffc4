//! The leadership's figures (docs/counters.md): a period's report as JSON and as CSV, for a
//! lead clerk.

use axum::extract::{FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::auth::LeadSession;
use super::error::HttpError;
use super::extract::QueryParams;
use super::state::App;
use crate::office::reports::report_csv;
use crate::office::store::SiteId;

/// The reports' routes.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/api/v1/reports", get(reports))
        .route("/api/v1/reports.csv", get(reports_csv))
}

#[derive(Deserialize)]
struct Range {
    from: Option<String>,
    to: Option<String>,
}

/// The period a lead clerk asks for (default: this month so far), from the query.
struct Period {
    from: NaiveDate,
    to: NaiveDate,
    /// The lead's site.
    site: SiteId,
}

impl FromRequestParts<App> for Period {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, HttpError> {
        let QueryParams(range) = QueryParams::<Range>::from_request_parts(parts, app).await?;
        let LeadSession(site) = LeadSession::from_request_parts(parts, app).await?;
        let today = app.today();
        let parse = |s: Option<String>, default: NaiveDate| match s.filter(|s| !s.is_empty()) {
            Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .map_err(|_| HttpError::bad_request(format!("a date is YYYY-MM-DD, not {s:?}"))),
            None => Ok(default),
        };
        let from = parse(range.from, today.with_day0(0).unwrap_or(today))?;
        let to = parse(range.to, today)?;
        if from > to {
            return Err(HttpError::bad_request("the range starts after it ends"));
        }
        if (to - from).num_days() > 366 {
            return Err(HttpError::bad_request("a report covers at most a year"));
        }
        Ok(Period { from, to, site })
    }
}

async fn reports(
    State(app): State<App>,
    Period { from, to, site }: Period,
) -> Result<Response, HttpError> {
    let tz = app.tz;
    let report = app
        .read_store(move |s| s.report(site, from, to, tz))
        .await?;
    Ok(Json(report).into_response())
}

async fn reports_csv(
    State(app): State<App>,
    Period { from, to, site }: Period,
) -> Result<Response, HttpError> {
    let tz = app.tz;
    let bytes = app
        .read_store(move |s| {
            let report = s.report(site, from, to, tz)?;
            report_csv(&report, &s.ticket_rows(site, from, to)?)
        })
        .await?;
    let disposition = format!("attachment; filename=\"motcua-{from}-{to}.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
