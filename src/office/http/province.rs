//! The province's roll-up (docs/province.md): one row per site as JSON and CSV, ranked on
//! any column, and its charts as SVG. A province lead reads it; a site lead reads it too,
//! their own row marked, so they see where their commune stands; a clerk gets 403.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use super::auth::Reader;
use super::error::HttpError;
use super::extract::{PathParams, QueryParams};
use super::reports::{dates, ChartQuery, SVG_CSP};
use super::state::App;
use crate::office::province::{rollup_csv, sort_rows, Column, SiteRow};
use crate::office::province_charts::{province_chart, ProvinceChart};
use crate::office::store::SiteId;

/// The roll-up's routes.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/api/v1/province", get(rollup))
        .route("/api/v1/province.csv", get(rollup_as_csv))
        .route("/api/v1/province/chart/{file}", get(chart))
}

#[derive(Deserialize)]
struct RollupQuery {
    from: Option<String>,
    to: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
}

/// The rows asked for, sorted, and the reader's own site (a site lead's).
struct Asked {
    from: NaiveDate,
    to: NaiveDate,
    sort: &'static str,
    descending: bool,
    rows: Vec<SiteRow>,
    own: Option<SiteId>,
}

async fn asked(app: &App, reader: Reader, q: RollupQuery) -> Result<Asked, HttpError> {
    let (from, to) = dates(app, q.from, q.to)?;
    let sort = q.sort.filter(|s| !s.is_empty()).unwrap_or("code".into());
    let (column, sort) = crate::office::province::COLUMNS
        .iter()
        .find(|(_, n)| *n == sort)
        .map(|(c, n)| (*c, *n))
        .ok_or_else(|| HttpError::bad_request(format!("no column {sort:?} to sort by")))?;
    let descending = match q.dir.as_deref() {
        None | Some("") => default_descending(column),
        Some("asc") => false,
        Some("desc") => true,
        Some(_) => return Err(HttpError::bad_request("dir is asc or desc")),
    };
    let tz = app.tz;
    let mut rows = app
        .rollups
        .get_or_read(from, to, || {
            app.read_store(move |s| s.province_rollup(from, to, tz))
        })
        .await?;
    sort_rows(&mut rows, column, descending);
    let own = match reader {
        Reader::Site(site) => Some(site),
        Reader::Province => None,
    };
    Ok(Asked {
        from,
        to,
        sort,
        descending,
        rows,
        own,
    })
}

/// Counts and shares rank from the largest, names and waits from the smallest.
fn default_descending(c: Column) -> bool {
    !matches!(
        c,
        Column::Code | Column::Name | Column::WaitAvg | Column::WaitP90 | Column::Unsatisfied
    )
}

/// `GET /api/v1/province?from=&to=&sort=&dir=`: the rows, ranked.
async fn rollup(
    State(app): State<App>,
    reader: Reader,
    QueryParams(q): QueryParams<RollupQuery>,
) -> Result<Response, HttpError> {
    let a = asked(&app, reader, q).await?;
    let own = a
        .own
        .and_then(|id| a.rows.iter().find(|r| r.site == id))
        .map(|r| r.code.clone());
    Ok(Json(json!({
        "from": a.from,
        "to": a.to,
        "sort": a.sort,
        "dir": if a.descending { "desc" } else { "asc" },
        "own_site": own,
        "rows": a.rows,
    }))
    .into_response())
}

/// `GET /api/v1/province.csv`: the same rows as CSV.
async fn rollup_as_csv(
    State(app): State<App>,
    reader: Reader,
    QueryParams(q): QueryParams<RollupQuery>,
) -> Result<Response, HttpError> {
    let a = asked(&app, reader, q).await?;
    let bytes = rollup_csv(&a.rows).map_err(HttpError::from)?;
    let disposition = format!(
        "attachment; filename=\"motcua-province-{}-{}.csv\"",
        a.from, a.to
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
struct ChartRange {
    from: Option<String>,
    to: Option<String>,
}

/// `GET /api/v1/province/chart/{name}.svg?from=&to=&lang=`: one figure, a ranked bar per
/// site, drawn by the office for the page to put inline.
async fn chart(
    State(app): State<App>,
    reader: Reader,
    PathParams(file): PathParams<String>,
    QueryParams(range): QueryParams<ChartRange>,
    QueryParams(query): QueryParams<ChartQuery>,
) -> Result<Response, HttpError> {
    let which = file
        .strip_suffix(".svg")
        .and_then(ProvinceChart::from_name)
        .ok_or_else(|| {
            HttpError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such chart: tickets.svg, wait.svg, satisfaction.svg or on-time.svg",
            )
        })?;
    let lang = query.lang()?;
    let q = RollupQuery {
        from: range.from,
        to: range.to,
        sort: None,
        dir: None,
    };
    let a = asked(&app, reader, q).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, SVG_CSP),
        ],
        province_chart(which, &a.rows, a.own, lang),
    )
        .into_response())
}
