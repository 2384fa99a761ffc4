//! Which site a request is about, when no credential says it: the `site` query parameter
//! (a site's code), or the office's only site when it serves one. Devices and clerks carry
//! their site, and routes that take them use that one and nothing the request says.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::Deserialize;

use super::error::HttpError;
use super::extract::QueryParams;
use super::state::App;
use crate::office::store::{Site, SiteId};

/// The site named by the request's `site` parameter, or the only one.
pub(super) struct SiteParam(pub Site);

/// The site the request's `site` parameter names, None without one (404 `unknown_site`
/// for a code no site has). Routes whose credential carries a site check it against this
/// one, so a page of site A cannot be driven with site B's cookie or token.
pub(super) struct AskedSite(pub Option<Site>);

impl AskedSite {
    /// Refuses ([`wrong_site`]) when the request names another site than `own`.
    pub(super) fn allows(&self, own: SiteId) -> Result<(), HttpError> {
        match &self.0 {
            Some(site) => same_site(own, site.id),
            None => Ok(()),
        }
    }
}

impl FromRequestParts<App> for AskedSite {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, HttpError> {
        let QueryParams(q) = QueryParams::<SiteQuery>::from_request_parts(parts, app).await?;
        match q.site {
            Some(code) => Ok(AskedSite(Some(site_named(app, Some(code)).await?))),
            None => Ok(AskedSite(None)),
        }
    }
}

#[derive(Deserialize)]
struct SiteQuery {
    site: Option<String>,
}

impl FromRequestParts<App> for SiteParam {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, HttpError> {
        let QueryParams(q) = QueryParams::<SiteQuery>::from_request_parts(parts, app).await?;
        site_named(app, q.site).await.map(SiteParam)
    }
}

/// The site with `code`, or the only one when `code` is None. Read on a reader connection:
/// the lookup that comes before a call must not wait for a group commit of its own.
pub(super) async fn site_named(app: &App, code: Option<String>) -> Result<Site, HttpError> {
    match code {
        Some(code) => {
            let shown: String = code.chars().take(20).collect();
            app.read_store(move |s| s.site_by_code(&code))
                .await?
                .ok_or_else(|| unknown_site(&shown))
        }
        None => app.read_store(|s| s.sole_site()).await?.ok_or_else(|| {
            HttpError::new(
                StatusCode::BAD_REQUEST,
                "site_needed",
                "this office serves several sites: name one (…?site=CODE, or the page under /s/CODE/)",
            )
        }),
    }
}

/// 404 `unknown_site`.
pub(super) fn unknown_site(code: &str) -> HttpError {
    HttpError::new(
        StatusCode::NOT_FOUND,
        "unknown_site",
        format!("no site has the code {code:?}"),
    )
}

/// 403 `wrong_site`: the credential belongs to another site than the one asked for.
pub(super) fn wrong_site() -> HttpError {
    HttpError::new(
        StatusCode::FORBIDDEN,
        "wrong_site",
        "this account or device belongs to another site",
    )
}

/// Refuses ([`wrong_site`]) when a credential of `own` asks about another `site`.
pub(super) fn same_site(own: SiteId, site: SiteId) -> Result<(), HttpError> {
    if own == site {
        Ok(())
    } else {
        Err(wrong_site())
    }
}
