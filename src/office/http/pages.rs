//! The pages as files: HTML, each page's CSS and script (no inline ones: the pages' CSP
//! allows only the office's own files) embedded from `src/office/web/`,
//! the board's voice clips from `crate::assets::VOICE`, and the kiosk's Noto Sans for the
//! pages' text.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::error::HttpError;
use super::extract::PathParams;
use super::site::site_named;
use super::state::App;
use crate::assets::{FONT_BOLD, FONT_REGULAR, VOICE};

const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

/// The pages, their styles and scripts, and the voice clips.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/", get(|| page(include_str!("../web/index.html"))))
        .route(
            "/counter",
            get(|| page(include_str!("../web/counter.html"))),
        )
        .route("/board", get(|| page(include_str!("../web/board.html"))))
        .route(
            "/rate/{counter}",
            get(|| page(include_str!("../web/rate.html"))),
        )
        .route(
            "/reports",
            get(|| page(include_str!("../web/reports.html"))),
        )
        .route(
            "/province",
            get(|| page(include_str!("../web/province.html"))),
        )
        .route(
            "/static/province.css",
            get(|| asset(CSS, include_str!("../web/province.css"))),
        )
        .route(
            "/static/province.js",
            get(|| asset(JS, include_str!("../web/province.js"))),
        )
        .route(
            "/static/motcua.css",
            get(|| asset(CSS, include_str!("../web/motcua.css"))),
        )
        .route(
            "/static/motcua.js",
            get(|| asset(JS, include_str!("../web/motcua.js"))),
        )
        .route(
            "/static/index.css",
            get(|| asset(CSS, include_str!("../web/index.css"))),
        )
        .route(
            "/static/counter.css",
            get(|| asset(CSS, include_str!("../web/counter.css"))),
        )
        .route(
            "/static/board.css",
            get(|| asset(CSS, include_str!("../web/board.css"))),
        )
        .route(
            "/static/rate.css",
            get(|| asset(CSS, include_str!("../web/rate.css"))),
        )
        .route(
            "/static/reports.css",
            get(|| asset(CSS, include_str!("../web/reports.css"))),
        )
        .route(
            "/static/index.js",
            get(|| asset(JS, include_str!("../web/index.js"))),
        )
        .route(
            "/static/counter.js",
            get(|| asset(JS, include_str!("../web/counter.js"))),
        )
        .route(
            "/static/board.js",
            get(|| asset(JS, include_str!("../web/board.js"))),
        )
        .route(
            "/static/rate.js",
            get(|| asset(JS, include_str!("../web/rate.js"))),
        )
        .route(
            "/static/reports.js",
            get(|| asset(JS, include_str!("../web/reports.js"))),
        )
        .route("/book", get(|| page(include_str!("../web/book.html"))))
        .route(
            "/book/{code}",
            get(|| page(include_str!("../web/book.html"))),
        )
        .route(
            "/static/book.css",
            get(|| asset(CSS, include_str!("../web/book.css"))),
        )
        .route(
            "/static/book.js",
            get(|| asset(JS, include_str!("../web/book.js"))),
        )
        .route(
            "/booking-rules",
            get(|| page(include_str!("../web/booking-rules.html"))),
        )
        .route(
            "/static/booking-rules.css",
            get(|| asset(CSS, include_str!("../web/booking-rules.css"))),
        )
        .route(
            "/static/booking-rules.js",
            get(|| asset(JS, include_str!("../web/booking-rules.js"))),
        )
        .route("/radar", get(|| page(include_str!("../web/radar.html"))))
        .route(
            "/static/radar.css",
            get(|| asset(CSS, include_str!("../web/radar.css"))),
        )
        .route(
            "/static/radar.js",
            get(|| asset(JS, include_str!("../web/radar.js"))),
        )
        .route("/alerts", get(|| page(include_str!("../web/alerts.html"))))
        .route(
            "/static/alerts.css",
            get(|| asset(CSS, include_str!("../web/alerts.css"))),
        )
        .route(
            "/static/alerts.js",
            get(|| asset(JS, include_str!("../web/alerts.js"))),
        )
        .route(
            "/scorecard",
            get(|| page(include_str!("../web/scorecard.html"))),
        )
        .route(
            "/static/scorecard.css",
            get(|| asset(CSS, include_str!("../web/scorecard.css"))),
        )
        .route(
            "/static/scorecard.js",
            get(|| asset(JS, include_str!("../web/scorecard.js"))),
        )
        .route("/static/voice/{clip}", get(voice))
        .route(
            "/static/fonts/NotoSans-Regular.ttf",
            get(|| font(FONT_REGULAR)),
        )
        .route("/static/fonts/NotoSans-Bold.ttf", get(|| font(FONT_BOLD)))
        // A site's pages: the same files, which name the site in every call they make.
        .route(
            "/s/{site}",
            get(|app, p| site_page(app, p, include_str!("../web/index.html"))),
        )
        .route(
            "/s/{site}/",
            get(|app, p| site_page(app, p, include_str!("../web/index.html"))),
        )
        .route(
            "/s/{site}/counter",
            get(|app, p| site_page(app, p, include_str!("../web/counter.html"))),
        )
        .route(
            "/s/{site}/board",
            get(|app, p| site_page(app, p, include_str!("../web/board.html"))),
        )
        .route("/s/{site}/rate/{counter}", get(site_rate_page))
        .route(
            "/s/{site}/book",
            get(|app, p| site_page(app, p, include_str!("../web/book.html"))),
        )
        .route("/s/{site}/book/{code}", get(site_book_page))
        .route(
            "/s/{site}/reports",
            get(|app, p| site_page(app, p, include_str!("../web/reports.html"))),
        )
        .route(
            "/s/{site}/booking-rules",
            get(|app, p| site_page(app, p, include_str!("../web/booking-rules.html"))),
        )
        .route(
            "/s/{site}/radar",
            get(|app, p| site_page(app, p, include_str!("../web/radar.html"))),
        )
        .route(
            "/s/{site}/alerts",
            get(|app, p| site_page(app, p, include_str!("../web/alerts.html"))),
        )
        .route(
            "/s/{site}/scorecard",
            get(|app, p| site_page(app, p, include_str!("../web/scorecard.html"))),
        )
}

/// A page of the site named in the path; 404 `unknown_site` for a code no site has.
async fn site_page(
    State(app): State<App>,
    PathParams(code): PathParams<String>,
    html: &'static str,
) -> Result<Response, HttpError> {
    site_named(&app, Some(code)).await?;
    Ok(page(html).await)
}

async fn site_rate_page(
    State(app): State<App>,
    PathParams((code, _counter)): PathParams<(String, String)>,
) -> Result<Response, HttpError> {
    site_named(&app, Some(code)).await?;
    Ok(page(include_str!("../web/rate.html")).await)
}

async fn site_book_page(
    State(app): State<App>,
    PathParams((code, _booking)): PathParams<(String, String)>,
) -> Result<Response, HttpError> {
    site_named(&app, Some(code)).await?;
    Ok(page(include_str!("../web/book.html")).await)
}

async fn page(html: &'static str) -> Response {
    ([(header::CACHE_CONTROL, "no-cache")], Html(html)).into_response()
}

async fn asset(kind: &'static str, text: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        text,
    )
        .into_response()
}

/// A font of the pages: the same bytes for the whole build, so browsers may keep it a day.
async fn font(bytes: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, "font/ttf"),
            (header::CACHE_CONTROL, "max-age=86400"),
        ],
        bytes,
    )
        .into_response()
}

async fn voice(PathParams(clip): PathParams<String>) -> Result<Response, HttpError> {
    let name = clip.strip_suffix(".wav").unwrap_or(&clip);
    match VOICE.iter().find(|(n, _)| *n == name) {
        // Clips never change within a build: a TV browser may keep them a day.
        Some((_, bytes)) => Ok((
            [
                (header::CONTENT_TYPE, "audio/wav"),
                (header::CACHE_CONTROL, "max-age=86400"),
            ],
            *bytes,
        )
            .into_response()),
        None => Err(HttpError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such clip",
        )),
    }
}
