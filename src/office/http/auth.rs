//! Who is asking, as extractors a route names in its arguments: a kiosk or an integration
//! by its device token (`Authorization: Bearer …`), a clerk by the session cookie, a rating
//! tablet by its tablet cookie; and the clerks' password check with its lockout.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use chrono::Utc;

use super::error::HttpError;
use super::site::{site_named, AskedSite};
use super::state::App;
use crate::office::counters::{ClerkRole, ClerkSession, SESSION_LIFETIME};
use crate::office::store::{Device, Role, SiteId, Tablet};

/// The session cookie.
const COOKIE: &str = "motcua_session";
/// The cookie that holds a paired rating tablet's device token.
const TABLET_COOKIE: &str = "motcua_tablet";
/// A tablet stays paired for 400 days, the longest a browser keeps a cookie; staff pair it
/// again after that, or sooner with `office pair-tablet`.
const TABLET_COOKIE_SECONDS: u32 = 400 * 24 * 60 * 60;

/// A kiosk, by its device token.
pub(super) struct KioskDevice(pub Device);

/// An integration (the bridge from the provincial dossier system), by its device token.
pub(super) struct IntegrationDevice(pub Device);

/// A monitoring system allowed to read `/metrics`, by its device token.
pub(super) struct MetricsDevice;

/// The clerk at a counter, by the session cookie.
pub(super) struct Session(pub ClerkSession);

/// The site whose reports a lead reads, by the session cookie (a counter's or a
/// reports-only one): a site lead's own (another named: 403 `wrong_site`), or the one a
/// province lead names with `?site=CODE` (or the only one).
pub(super) struct LeadSession(pub SiteId);

/// Who reads reports, by the session cookie (a counter's or a reports-only one).
pub(super) enum Reader {
    /// A site lead: their own site only.
    Site(SiteId),
    /// A province lead: every site, and no counter.
    Province,
}

/// A paired rating tablet, by its tablet cookie (store::tablets).
pub(super) struct PairedTablet(pub Tablet);

impl PairedTablet {
    /// Refuses (403 `wrong_counter`) a tablet that rates another counter than `counter`.
    pub(super) fn rates(&self, counter: u32) -> Result<(), HttpError> {
        if self.0.counter == counter {
            return Ok(());
        }
        Err(HttpError::new(
            StatusCode::FORBIDDEN,
            "wrong_counter",
            format!(
                "this tablet is paired to counter {}, not {counter}",
                self.0.counter
            ),
        ))
    }
}

/// The session cookie's token, if the request carries one; not checked.
pub(super) struct SessionToken(pub Option<String>);

impl FromRequestParts<App> for KioskDevice {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, HttpError> {
        let asked = AskedSite::from_request_parts(parts, app).await?;
        let dev = device(app, &parts.headers, Role::Kiosk).await?;
        if let Some(site) = dev.site() {
            asked.allows(site)?;
        }
        Ok(KioskDevice(dev))
    }
}

impl FromRequestParts<App> for IntegrationDevice {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, HttpError> {
        device(app, &parts.headers, Role::Integration)
            .await
            .map(IntegrationDevice)
    }
}

impl FromRequestParts<App> for MetricsDevice {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, HttpError> {
        device(app, &parts.headers, Role::Metrics).await?;
        Ok(MetricsDevice)
    }
}

impl FromRequestParts<App> for Session {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, HttpError> {
        let asked = AskedSite::from_request_parts(parts, app).await?;
        let token = session_token(&parts.headers).ok_or_else(login_first)?;
        let session = app
            .with_store(move |s| {
                let now = Utc::now();
                match s.session(&token, now)? {
                    Some(session) => Ok(Ok(session)),
                    // A reports-only session is live but opens no counter: say so.
                    None => Ok(Err(s.reader_session(&token, now)?.is_some())),
                }
            })
            .await?
            .map_err(|reading| if reading { no_counter() } else { login_first() })?;
        asked.allows(session.site)?;
        Ok(Session(session))
    }
}

impl FromRequestParts<App> for Reader {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, HttpError> {
        let token = session_token(&parts.headers).ok_or_else(login_first)?;
        let clerk = app
            .with_store(move |s| s.reader_session(&token, Utc::now()))
            .await?
            .ok_or_else(login_first)?;
        match (clerk.role, clerk.site) {
            (ClerkRole::ProvinceLead, _) => Ok(Reader::Province),
            (ClerkRole::SiteLead, Some(site)) => Ok(Reader::Site(site)),
            _ => Err(HttpError::new(
                StatusCode::FORBIDDEN,
                "not_lead",
                "only a lead clerk (add-clerk --lead or --province-lead) sees the reports",
            )),
        }
    }
}

impl FromRequestParts<App> for LeadSession {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, HttpError> {
        let asked = AskedSite::from_request_parts(parts, app).await?;
        match Reader::from_request_parts(parts, app).await? {
            Reader::Site(own) => {
                asked.allows(own)?;
                Ok(LeadSession(own))
            }
            // The province reads the site it names, or the only one there is.
            Reader::Province => match asked.0 {
                Some(site) => Ok(LeadSession(site.id)),
                None => Ok(LeadSession(site_named(app, None).await?.id)),
            },
        }
    }
}

impl FromRequestParts<App> for PairedTablet {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, HttpError> {
        let asked = AskedSite::from_request_parts(parts, app).await?;
        let token = cookie(&parts.headers, TABLET_COOKIE).ok_or_else(tablet_not_paired)?;
        let tablet = app
            .read_store(move |s| s.tablet_for_token(&token))
            .await?
            .ok_or_else(tablet_not_paired)?;
        asked.allows(tablet.site)?;
        Ok(PairedTablet(tablet))
    }
}

/// The tablet cookie's token, if the request carries one; not checked.
pub(super) fn tablet_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, TABLET_COOKIE)
}

/// 401 `tablet_not_paired`: only a paired tablet may do this.
pub(super) fn tablet_not_paired() -> HttpError {
    HttpError::new(
        StatusCode::UNAUTHORIZED,
        "tablet_not_paired",
        "this browser is not a paired rating tablet: enter the pairing code from `motcua office enroll-device --tablet` (or `pair-tablet`)",
    )
}

/// The `Set-Cookie` value that makes this browser the tablet whose token it is.
pub(super) fn tablet_cookie(token: &str, tls: bool) -> String {
    format!(
        "{TABLET_COOKIE}={token}; {}; Max-Age={TABLET_COOKIE_SECONDS}",
        cookie_attributes(tls)
    )
}

impl<S: Send + Sync> FromRequestParts<S> for SessionToken {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(SessionToken(session_token(&parts.headers)))
    }
}

/// 403 `no_counter_role`: a reports-only session on a counter's route.
pub(super) fn no_counter() -> HttpError {
    HttpError::new(
        StatusCode::FORBIDDEN,
        "no_counter_role",
        "this session reads reports only: sign in on the Counter page to call",
    )
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
    cookie(headers, COOKIE)
}

/// The value of the cookie `name`, if the request carries a non-empty one.
pub(super) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
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
        .read_store(move |s| s.device_for_token(&token))
        .await?
        .ok_or_else(|| {
            HttpError::new(
                StatusCode::UNAUTHORIZED,
                "token",
                "unknown or revoked token",
            )
        })?;
    if dev.role == role {
        if role == Role::Kiosk && dev.site().is_none() {
            return Err(HttpError::new(
                StatusCode::FORBIDDEN,
                "no_site",
                "this kiosk token belongs to no site; enrol the kiosk again with --site",
            ));
        }
        return Ok(dev);
    }
    Err(HttpError::new(
        StatusCode::FORBIDDEN,
        "wrong_role",
        match role {
            Role::Integration => "only an integration token may write dossiers; enrol one with `motcua office enroll-device --integration`",
            Role::Kiosk => "this route is for kiosks: an integration token may only write dossiers (PUT or POST /api/v1/dossiers), a metrics token only read /metrics",
            Role::Tablet => "a rating tablet pairs with a code and keeps a cookie; it has no bearer routes",
            Role::Metrics => "only a metrics token may read /metrics; enrol one with `motcua office enroll-device --metrics`",
        },
    ))
}
