//! Who is asking, as extractors a route names in its arguments: a kiosk or an integration
//! by its device token (`Authorization: Bearer …`), a clerk by the session cookie; and the
//! clerks' password check with its lockout.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use chrono::Utc;

use super::error::HttpError;
use super::state::App;
use crate::office::counters::{ClerkSession, SESSION_LIFETIME};
use crate::office::store::{Device, Role};

/// The session cookie.
const COOKIE: &str = "motcua_session";

/// A kiosk, by its device token.
pub(super) struct KioskDevice(pub Device);

/// An integration (the bridge from the provincial dossier system), by its device token.
pub(super) struct IntegrationDevice;

/// The clerk at a counter, by the session cookie.
pub(super) struct Session(pub ClerkSession);

/// A lead clerk (`add-clerk --lead`), by the session cookie.
pub(super) struct LeadSession;

/// The session cookie's token, if the request carries one; not checked.
pub(super) struct SessionToken(pub Option<String>);

impl FromRequestParts<App> for KioskDevice {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, HttpError> {
        device(app, &parts.headers, Role::Kiosk)
            .await
            .map(KioskDevice)
    }
}

impl FromRequestParts<App> for IntegrationDevice {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, HttpError> {
        device(app, &parts.headers, Role::Integration).await?;
        Ok(IntegrationDevice)
    }
}

impl FromRequestParts<App> for Session {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, HttpError> {
        let token = session_token(&parts.headers).ok_or_else(login_first)?;
        app.with_store(move |s| s.session(&token, Utc::now()))
            .await?
            .map(Session)
            .ok_or_else(login_first)
    }
}

impl FromRequestParts<App> for LeadSession {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, HttpError> {
        let Session(session) = Session::from_request_parts(parts, app).await?;
        if !session.clerk.lead {
            return Err(HttpError::new(
                StatusCode::FORBIDDEN,
                "not_lead",
                "only a lead clerk (add-clerk --lead) sees the reports",
            ));
        }
        Ok(LeadSession)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SessionToken {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(SessionToken(session_token(&parts.headers)))
    }
}

/// 401 `login`: the route needs a live session.
pub(super) fn login_first() -> HttpError {
    HttpError::new(
        StatusCode::UNAUTHORIZED,
        "login",
        "log in first (the session ended or was never opened)",
    )
}

/// The `Set-Cookie` value that gives the browser a session's token.
pub(super) fn session_cookie(token: &str) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
        SESSION_LIFETIME.num_seconds()
    )
}

/// The `Set-Cookie` value that makes the browser forget the session.
pub(super) fn cleared_cookie() -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

/// The device behind the request's token, if it has `role`.
async fn device(app: &App, headers: &HeaderMap, role: Role) -> Result<Device, HttpError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            HttpError::new(
                StatusCode::UNAUTHORIZED,
                "token",
                "a device token is needed: Authorization: Bearer <token> (motcua office enroll-device)",
            )
        })?
        .to_string();
    let dev = app
        .with_store(move |s| s.device_for_token(&token))
        .await?
        .ok_or_else(|| {
            HttpError::new(
                StatusCode::UNAUTHORIZED,
                "token",
                "unknown or revoked token",
            )
        })?;
    if dev.role == role {
        return Ok(dev);
    }
    Err(HttpError::new(
        StatusCode::FORBIDDEN,
        "wrong_role",
        match role {
            Role::Integration => "only an integration token may write dossiers; enrol one with `motcua office enroll-device --integration`",
            Role::Kiosk => "an integration token may only write dossiers (PUT or POST /api/v1/dossiers); this route is for kiosks",
        },
    ))
}
