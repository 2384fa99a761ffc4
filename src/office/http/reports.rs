//! The leadership's figures (docs/counters.md): a period's report as JSON and as CSV, and
//! its charts as SVG, for a lead clerk.

use axum::extract::{DefaultBodyLimit, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{Datelike, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::json;

use super::auth::{session_cookie, LeadSession};
use super::error::HttpError;
use super::extract::{ClientAddr, PathParams, QueryParams, RawBody};
use super::login::{self, MAX_LOGIN_BODY};
use super::state::App;
use crate::office::report_charts::{report_chart as draw, Lang, ReportChart};
use crate::office::reports::report_csv;
use crate::office::store::SiteId;

/// The reports' routes.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/api/v1/reports", get(reports))
        .route("/api/v1/reports.csv", get(reports_csv))
        .route("/api/v1/reports/chart/{file}", get(report_chart))
        // The body limit stops reading a login at 4 KiB, before any work.
        .route(
            "/api/v1/reports/login",
            post(reading_login).layer(DefaultBodyLimit::max(MAX_LOGIN_BODY)),
        )
}

/// `POST /api/v1/reports/login {username, password}`: a lead's reports-only session (no
/// counter opens; a province lead has no other), as the `motcua_session` cookie.
async fn reading_login(
    State(app): State<App>,
    ClientAddr(source): ClientAddr,
    RawBody(body): RawBody,
) -> Result<Response, HttpError> {
    let req = login::parse_reading(&body)?;
    let username = req.username.trim().to_lowercase();
    let clerk = login::check_credentials(&app, &username, source, req.password).await?;
    let now = Utc::now();
    let (token, site) = app
        .with_store(move |s| {
            let token = s.open_reading_session(&clerk, now)?;
            s.record_login(&clerk, now)?;
            let site = clerk.site.map(|id| s.site(id)).transpose()?;
            Ok((
                token,
                json!({ "clerk": clerk, "site": site.map(|s| s.code) }),
            ))
        })
        .await?;
    let cookie = session_cookie(&token, app.tls);
    Ok(([(header::SET_COOKIE, cookie)], Json(site)).into_response())
}

/// The `from` and `to` of a report's query.
#[derive(Deserialize)]
pub(super) struct Range {
    /// First day, YYYY-MM-DD (default: the month's first).
    pub from: Option<String>,
    /// Last day, included (default: today).
    pub to: Option<String>,
}

/// The days `from` to `to` (default: this month so far), at most a year, in order.
pub(super) fn dates(
    app: &App,
    from: Option<String>,
    to: Option<String>,
) -> Result<(NaiveDate, NaiveDate), HttpError> {
    let today = app.today();
    let parse = |s: Option<String>, default: NaiveDate| match s.filter(|s| !s.is_empty()) {
        Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map_err(|_| HttpError::bad_request(format!("a date is YYYY-MM-DD, not {s:?}"))),
        None => Ok(default),
    };
    let from = parse(from, today.with_day0(0).unwrap_or(today))?;
    let to = parse(to, today)?;
    if from > to {
        return Err(HttpError::bad_request("the range starts after it ends"));
    }
    if (to - from).num_days() > 366 {
        return Err(HttpError::bad_request("a report covers at most a year"));
    }
    Ok((from, to))
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
        let (from, to) = dates(app, range.from, range.to)?;
        Ok(Period { from, to, site })
    }
}

async fn reports(
    State(app): State<App>,
    Period { from, to, site }: Period,
) -> Result<Response, HttpError> {
    let tz = app.tz;
    let (report, site) = app
        .read_store(move |s| Ok((s.report(site, from, to, tz)?, s.site(site)?)))
        .await?;
    // The page names the commune: a province lead reads many.
    let mut body = serde_json::to_value(report).map_err(anyhow::Error::from)?;
    body["site"] = json!({ "code": site.code, "name": site.name });
    Ok(Json(body).into_response())
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

/// A chart's language, from its query.
#[derive(Deserialize)]
pub(super) struct ChartQuery {
    /// `vi` (default) or `en`.
    pub lang: Option<String>,
}

impl ChartQuery {
    /// The language asked for; 400 for another.
    pub(super) fn lang(&self) -> Result<Lang, HttpError> {
        match self.lang.as_deref() {
            None | Some("") => Ok(Lang::Vi),
            Some(code) => {
                Lang::from_code(code).ok_or_else(|| HttpError::bad_request("lang is vi or en"))
            }
        }
    }
}

/// What a chart's SVG answer may do if opened on its own: nothing but show itself.
pub(super) const SVG_CSP: &str = "default-src 'none'; frame-ancestors 'self'";

/// `GET /api/v1/reports/chart/{name}.svg?from=&to=&lang=`: one of the report page's charts,
/// drawn by the office (the page puts it inline; docs/counters.md).
async fn report_chart(
    State(app): State<App>,
    PathParams(file): PathParams<String>,
    Period { from, to, site }: Period,
    QueryParams(query): QueryParams<ChartQuery>,
) -> Result<Response, HttpError> {
    let chart = file
        .strip_suffix(".svg")
        .and_then(ReportChart::from_name)
        .ok_or_else(|| {
            HttpError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such chart: hours.svg, wait.svg, satisfaction.svg or on-time.svg",
            )
        })?;
    let lang = query.lang()?;
    let tz = app.tz;
    let series = app
        .read_store(move |s| s.report_series(site, from, to, tz))
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, SVG_CSP),
        ],
        draw(chart, &series, lang),
    )
        .into_response())
}
