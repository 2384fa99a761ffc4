//! The display board's view (docs/counters.md): no login, no personal data.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::Utc;

use super::error::HttpError;
use super::site::SiteParam;
use super::state::App;

/// The board's route.
pub(super) fn routes() -> Router<App> {
    Router::new().route("/api/v1/board", get(board))
}

async fn board(State(app): State<App>, SiteParam(site): SiteParam) -> Result<Response, HttpError> {
    let today = app.today();
    let view = app
        .read_store(move |s| s.board_view(site.id, Utc::now(), today))
        .await?;
    Ok(Json(view).into_response())
}
