//! What keeps a web page elsewhere from acting through a clerk's browser, and the pages
//! from running anything but their own files: a layer over every route.
//!
//! - State-changing requests (POST, PUT, PATCH, DELETE) carry JSON or nothing: a body of
//!   another type gets 415 `not_json` (a form or `text/plain` is what a foreign page can
//!   send without asking the browser first).
//! - A browser's state-changing request from another site gets 403 `cross_origin`: by
//!   `Sec-Fetch-Site` (`cross-site`, `same-site`), or an `Origin` that is `null` or not the
//!   office's own host. Requests with a device token (`Authorization: Bearer`: kiosks,
//!   integrations) are not a browser's and skip this check.
//! - Pages get a strict Content-Security-Policy and the headers that keep them out of
//!   frames and their address out of `Referer`; every answer gets `nosniff`.

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::HttpError;

/// The pages' Content-Security-Policy: their own files only (and `data:` images, the
/// favicon), no plugins, no `<base>`, forms only to the office, never in a frame.
pub(super) const CSP: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The layer: refuses what [`check`] refuses, and adds the headers to what it lets through.
pub(super) async fn harden(req: Request, next: Next) -> Response {
    if let Err(e) = check(req.method(), req.headers()) {
        let mut response = e.into_response();
        add_headers(&mut response);
        return response;
    }
    let mut response = next.run(req).await;
    add_headers(&mut response);
    response
}

/// Whether a request with this method and these headers may go on to its route.
pub(super) fn check(method: &Method, headers: &HeaderMap) -> Result<(), HttpError> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    check_json(headers)?;
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "));
    if !bearer {
        check_same_origin(headers)?;
    }
    Ok(())
}

/// JSON, or no body and no type.
fn check_json(headers: &HeaderMap) -> Result<(), HttpError> {
    match headers.get(header::CONTENT_TYPE) {
        Some(v) => {
            let essence = v
                .to_str()
                .unwrap_or("")
                .split(';')
                .next()
                .unwrap_or("")
                .trim();
            if essence.eq_ignore_ascii_case("application/json") {
                Ok(())
            } else {
                Err(not_json(&format!("a body of type {essence:?}")))
            }
        }
        None => {
            let empty = headers.get(header::TRANSFER_ENCODING).is_none()
                && headers
                    .get(header::CONTENT_LENGTH)
                    .is_none_or(|v| v.as_bytes() == b"0");
            if empty {
                Ok(())
            } else {
                Err(not_json("a body without Content-Type"))
            }
        }
    }
}

fn not_json(what: &str) -> HttpError {
    HttpError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "not_json",
        format!("{what} is not taken here: send JSON with Content-Type: application/json"),
    )
}

/// No other site's page: by `Sec-Fetch-Site`, and by `Origin` against `Host`.
fn check_same_origin(headers: &HeaderMap) -> Result<(), HttpError> {
    let refuse = |why: String| {
        Err(HttpError::new(
            StatusCode::FORBIDDEN,
            "cross_origin",
            format!("refused: {why}; the office's pages act only from the office's own address"),
        ))
    };
    if let Some(site) = headers.get("sec-fetch-site") {
        let site = site.to_str().unwrap_or("");
        if site.eq_ignore_ascii_case("cross-site") || site.eq_ignore_ascii_case("same-site") {
            return refuse(format!(
                "a request from another site (Sec-Fetch-Site: {site})"
            ));
        }
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or("null");
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    match origin_authority(origin) {
        Some(authority) if !host.is_empty() && authority.eq_ignore_ascii_case(host) => Ok(()),
        _ => refuse(format!("a request from the page of {origin:?}")),
    }
}

/// `host[:port]` of an origin such as `http://192.168.1.10:8080`; `None` for `null` or
/// anything not of that form.
fn origin_authority(origin: &str) -> Option<&str> {
    let (scheme, rest) = origin.split_once("://")?;
    let ok = matches!(scheme, "http" | "https") && !rest.is_empty() && !rest.contains('/');
    ok.then_some(rest)
}

/// `nosniff` on every answer; the page headers on HTML.
fn add_headers(response: &mut Response) {
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if html {
        // A page that brings its own policy (the follow page's, naming its inline script
        // by hash) keeps it.
        h.entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(CSP));
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    fn code(method: Method, pairs: &[(&'static str, &'static str)]) -> Option<u16> {
        check(&method, &headers(pairs))
            .err()
            .map(|e| e.into_response().status().as_u16())
    }

    const JSON: (&str, &str) = ("content-type", "application/json");
    const HOST: (&str, &str) = ("host", "192.168.1.10:8080");

    #[test]
    fn state_changes_take_json_or_nothing() {
        assert_eq!(code(Method::POST, &[JSON, HOST]), None);
        let with_charset = ("content-type", "Application/JSON; charset=utf-8");
        assert_eq!(code(Method::PUT, &[with_charset]), None);
        assert_eq!(code(Method::POST, &[("content-length", "0")]), None);
        assert_eq!(code(Method::POST, &[]), None);
        for ct in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
        ] {
            assert_eq!(
                code(Method::POST, &[("content-type", ct)]),
                Some(415),
                "{ct}"
            );
        }
        assert_eq!(code(Method::POST, &[("content-length", "12")]), Some(415));
        assert_eq!(
            code(Method::DELETE, &[("transfer-encoding", "chunked")]),
            Some(415)
        );
        // Reading is not concerned.
        assert_eq!(code(Method::GET, &[("content-type", "text/plain")]), None);
    }

    #[test]
    fn browsers_act_only_from_the_offices_own_pages() {
        let own = ("origin", "http://192.168.1.10:8080");
        assert_eq!(code(Method::POST, &[JSON, HOST, own]), None);
        let own_tls = ("origin", "https://192.168.1.10:8080");
        assert_eq!(code(Method::POST, &[JSON, HOST, own_tls]), None);
        let same = ("sec-fetch-site", "same-origin");
        assert_eq!(code(Method::POST, &[JSON, HOST, own, same]), None);
        for origin in [
            "http://evil.example",
            "null",
            "http://192.168.1.10:8081",
            "garbage",
        ] {
            let o = ("origin", origin);
            assert_eq!(code(Method::POST, &[JSON, HOST, o]), Some(403), "{origin}");
        }
        assert_eq!(code(Method::POST, &[JSON, own]), Some(403), "no Host");
        for site in ["cross-site", "same-site"] {
            let s = ("sec-fetch-site", site);
            assert_eq!(
                code(Method::POST, &[JSON, HOST, own, s]),
                Some(403),
                "{site}"
            );
        }
        // A device token is not a browser's; a cross-site page cannot set one anyway.
        let bearer = ("authorization", "Bearer abc");
        let evil = ("origin", "http://evil.example");
        assert_eq!(code(Method::POST, &[JSON, HOST, evil, bearer]), None);
        // A GET from a link on another site still opens the page.
        let cross = ("sec-fetch-site", "cross-site");
        assert_eq!(code(Method::GET, &[HOST, cross]), None);
    }

    #[test]
    fn pages_get_the_policy_and_every_answer_nosniff() {
        let mut page = axum::response::Html("<p>").into_response();
        add_headers(&mut page);
        assert_eq!(page.headers()["content-security-policy"], CSP);
        assert_eq!(page.headers()["x-frame-options"], "DENY");
        assert_eq!(page.headers()["referrer-policy"], "no-referrer");
        assert_eq!(page.headers()["x-content-type-options"], "nosniff");
        let mut api = axum::Json(1).into_response();
        add_headers(&mut api);
        assert_eq!(api.headers()["x-content-type-options"], "nosniff");
        assert!(api.headers().get("content-security-policy").is_none());
    }
}
