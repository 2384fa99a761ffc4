//! Who is asking, as extractors a route names in its arguments: a kiosk or an integration
//! by its device token (`Authorization: Bearer …`), a clerk by the session cookie; and the
//! clerks' password check with its lockout.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use chrono::{DateTime, Utc};

use super::error::HttpError;
use super::state::App;
use crate::auth::{verify_pin, Attempt, PinGuard};
use crate::office::counters::{ClerkSession, SESSION_LIFETIME};
use crate::office::store::{Device, Role};

/// The session cookie.
const COOKIE: &str = "motcua_session";
/// Wrong passwords for one username before it locks, and for how many minutes.
const LOGIN_ATTEMPTS: u32 = 5;
const LOGIN_LOCK_MINUTES: u32 = 5;

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

/// The attributes every cookie of the office carries: `Secure` when served over TLS, so a
/// browser never sends it over plain HTTP.
pub(super) fn cookie_attributes(tls: bool) -> &'static str {
    if tls {
        "Path=/; HttpOnly; SameSite=Strict; Secure"
    } else {
        "Path=/; HttpOnly; SameSite=Strict"
    }
}

/// The `Set-Cookie` value that gives the browser a session's token.
pub(super) fn session_cookie(token: &str, tls: bool) -> String {
    format!(
        "{COOKIE}={token}; {}; Max-Age={}",
        cookie_attributes(tls),
        SESSION_LIFETIME.num_seconds()
    )
}

/// The `Set-Cookie` value that makes the browser forget the session.
pub(super) fn cleared_cookie(tls: bool) -> String {
    format!("{COOKIE}=; {}; Max-Age=0", cookie_attributes(tls))
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

/// The session clerk `username` (trimmed and lower-cased) may open at `counter` if
/// `password` is theirs; wrong passwords lock the name for a while.
pub(super) async fn check_password(
    app: &App,
    username: &str,
    source: std::net::IpAddr,
    password: String,
    counter: u32,
    now: DateTime<Utc>,
) -> Result<ClerkSession, HttpError> {
    // The attempt counts as a failure before the check and is forgiven on success, so
    // guesses sent in parallel cannot all pass before the first failure is recorded.
    let guard_check = {
        let mut logins = app.logins.lock().unwrap_or_else(|e| e.into_inner());
        // Forget lapsed entries now and then: every name tried gets one.
        if logins.len() > 10_000 {
            logins.retain(|_, g| g.attempts_left() < LOGIN_ATTEMPTS);
        }
        let guard = logins
            .entry(username.to_string())
            .or_insert_with(|| PinGuard::new(LOGIN_ATTEMPTS, LOGIN_LOCK_MINUTES));
        match guard.check(now) {
            Attempt::Allowed => {
                guard.failed(now);
                Attempt::Allowed
            }
            locked => locked,
        }
    };
    if let Attempt::LockedUntil(until) = guard_check {
        return Err(HttpError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "locked",
            format!("too many wrong passwords for {username:?}; try again after {until}"),
        ));
    }
    let name = username.to_string();
    let creds = app.with_store(move |s| s.clerk_credentials(&name)).await?;
    // Argon2 is slow on purpose: off the async threads, and outside the store's lock.
    let clerk = tokio::task::spawn_blocking(move || match creds {
        Some((clerk, hash)) => verify_pin(&hash, &password).then_some(clerk),
        None => {
            // An unknown name takes as long as a wrong password: names do not leak.
            verify_pin(unknown_clerk_hash(), &password);
            None
        }
    })
    .await
    .map_err(|e| anyhow::anyhow!("password check failed: {e}"))?;
    let Some(clerk) = clerk else {
        // Not what was typed: a password typed into the name field would land in the log.
        log::warn!(event = "login_failed", source = source.to_string(); "failed clerk login from {source}");
        return Err(HttpError::new(
            StatusCode::UNAUTHORIZED,
            "bad_login",
            "wrong username or password",
        ));
    };
    if let Some(g) = app
        .logins
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_mut(username)
    {
        g.succeeded();
    }
    Ok(ClerkSession { clerk, counter })
}

/// A hash no password matches, checked for names nobody has.
fn unknown_clerk_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| crate::auth::hash_secret(&uuid::Uuid::new_v4().to_string()))
}
