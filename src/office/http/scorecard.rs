//! The monthly scorecard for a site's lead (docs/scorecard.md): the month's estimated
//! figures as JSON and CSV, the months side by side, their charts, and the official score
//! and rank the lead types in.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::{LeadSession, SessionToken};
use super::error::HttpError;
use super::extract::{JsonBody, PathParams, QueryParams};
use super::reports::{ChartQuery, SVG_CSP};
use super::state::App;
use crate::domain::scorecard::{check_rank, score_hundredths, IndexGroup, Month};
use crate::office::counters::{scorecard_csv, Scorecard, MAX_HISTORY_MONTHS};
use crate::office::scorecard_charts::{scorecard_chart, ScorecardChart};

/// The scorecard's routes.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/api/v1/scorecard", get(card))
        .route("/api/v1/scorecard.csv", get(csv))
        .route("/api/v1/scorecard/history", get(history))
        .route("/api/v1/scorecard/chart/{file}", get(chart))
        .route("/api/v1/scorecard/official", put(set_official))
}

/// `?month=YYYY-MM` (default: this month).
#[derive(Deserialize)]
struct MonthQuery {
    month: Option<String>,
}

/// `?to=YYYY-MM&months=N` (default: this month, 12 months).
#[derive(Deserialize)]
struct RangeQuery {
    to: Option<String>,
    months: Option<u32>,
}

/// A month as asked, this month when not given; 400 for another shape.
fn month(app: &App, asked: Option<&str>) -> Result<Month, HttpError> {
    match asked {
        None | Some("") => Ok(Month::of(app.today())),
        Some(text) => Month::parse(text)
            .ok_or_else(|| HttpError::bad_request("month must be YYYY-MM (2000-01 to 2999-12)")),
    }
}

/// How many months a history or chart covers: 1 to [`MAX_HISTORY_MONTHS`], 12 by default.
fn months(asked: Option<u32>) -> Result<u32, HttpError> {
    match asked.unwrap_or(12) {
        n @ 1..=MAX_HISTORY_MONTHS => Ok(n),
        _ => Err(HttpError::bad_request(format!(
            "months must be 1 to {MAX_HISTORY_MONTHS}"
        ))),
    }
}

/// A card as the page reads it: every figure with its words and its group.
fn card_json(card: &Scorecard) -> Value {
    let figures: Vec<Value> = card
        .figures
        .iter()
        .map(|f| {
            let (name_vi, definition_vi) = f.key.text_vi();
            let (name_en, definition_en) = f.key.text_en();
            json!({
                "key": f.key, "group": f.group, "part": f.part, "whole": f.whole,
                "share": f.share, "estimate": true,
                "name_vi": name_vi, "name_en": name_en,
                "definition_vi": definition_vi, "definition_en": definition_en,
            })
        })
        .collect();
    json!({
        "month": card.month, "as_of": card.as_of, "complete": card.complete,
        "figures": figures, "official": card.official,
    })
}

async fn card(
    State(app): State<App>,
    LeadSession(site): LeadSession,
    QueryParams(q): QueryParams<MonthQuery>,
) -> Result<Response, HttpError> {
    let (month, tz) = (month(&app, q.month.as_deref())?, app.tz);
    let (card, site) = app
        .read_store(move |s| Ok((s.scorecard(site, month, Utc::now(), tz)?, s.site(site)?)))
        .await?;
    let groups: Vec<Value> = IndexGroup::ALL
        .iter()
        .map(|g| json!({"group": g, "points": g.points(), "name_vi": g.name_vi(), "name_en": g.name_en()}))
        .collect();
    let mut body = card_json(&card);
    body["site"] = json!({ "code": site.code, "name": site.name });
    body["groups"] = Value::Array(groups);
    Ok(Json(body).into_response())
}

async fn csv(
    State(app): State<App>,
    LeadSession(site): LeadSession,
    QueryParams(q): QueryParams<MonthQuery>,
) -> Result<Response, HttpError> {
    let (month, tz) = (month(&app, q.month.as_deref())?, app.tz);
    let bytes = app
        .read_store(move |s| scorecard_csv(&s.scorecard(site, month, Utc::now(), tz)?))
        .await?;
    let disposition = format!("attachment; filename=\"motcua-scorecard-{month}.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// The cards of a range, oldest first.
async fn cards(
    app: &App,
    site: crate::office::store::SiteId,
    q: &RangeQuery,
) -> Result<Vec<Scorecard>, HttpError> {
    let (last, count, tz) = (month(app, q.to.as_deref())?, months(q.months)?, app.tz);
    app.read_store(move |s| s.scorecard_history(site, last, count, Utc::now(), tz))
        .await
}

async fn history(
    State(app): State<App>,
    LeadSession(site): LeadSession,
    QueryParams(q): QueryParams<RangeQuery>,
) -> Result<Response, HttpError> {
    let cards = cards(&app, site, &q).await?;
    let rows: Vec<Value> = cards.iter().map(card_json).collect();
    Ok(Json(json!({ "months": rows })).into_response())
}

/// `GET /api/v1/scorecard/chart/{score|rank}.svg?to=&months=&lang=`.
async fn chart(
    State(app): State<App>,
    LeadSession(site): LeadSession,
    PathParams(file): PathParams<String>,
    QueryParams(q): QueryParams<RangeQuery>,
    QueryParams(c): QueryParams<ChartQuery>,
) -> Result<Response, HttpError> {
    let chart = file
        .strip_suffix(".svg")
        .and_then(ScorecardChart::from_name)
        .ok_or_else(|| {
            HttpError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such chart: score.svg or rank.svg",
            )
        })?;
    let lang = c.lang()?;
    let cards = cards(&app, site, &q).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, SVG_CSP),
        ],
        scorecard_chart(chart, &cards, lang),
    )
        .into_response())
}

/// The official result of a month, as typed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OfficialBody {
    month: String,
    score: f64,
    rank: Option<i64>,
    rank_of: Option<i64>,
}

/// `PUT /api/v1/scorecard/official`: records a month's official score and rank (not a
/// month still to come); typing it again replaces it.
async fn set_official(
    State(app): State<App>,
    LeadSession(site): LeadSession,
    SessionToken(token): SessionToken,
    JsonBody(body): JsonBody<OfficialBody>,
) -> Result<Response, HttpError> {
    if body.month.is_empty() {
        return Err(HttpError::bad_request("month is required"));
    }
    let month = month(&app, Some(&body.month))?;
    if month > Month::of(app.today()) {
        return Err(HttpError::bad_request(
            "a month still to come has no official score",
        ));
    }
    let score = score_hundredths(body.score).map_err(|e| HttpError::bad_request(e.to_string()))?;
    check_rank(body.rank, body.rank_of).map_err(|e| HttpError::bad_request(e.to_string()))?;
    let rank = body.rank.zip(body.rank_of);
    let tz = app.tz;
    let card = app
        .with_store(move |s| {
            let by = token
                .and_then(|t| s.reader_session(&t, Utc::now()).transpose())
                .transpose()?
                .map(|c| c.username)
                .unwrap_or_default();
            s.set_official_score(site, month, score, rank, &by)?;
            s.scorecard(site, month, Utc::now(), tz)
        })
        .await?;
    Ok(Json(card_json(&card)).into_response())
}
