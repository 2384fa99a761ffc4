//! The integrations' dossier API (docs/api.md): with an integration's token, one dossier
//! written by its code or many at once, in the dossier import format, with row errors
//! naming lines of the request body.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::routing::{post, put};
use axum::{Json, Router};
use chrono::Utc;
use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::value::RawValue;

use super::auth::IntegrationDevice;
use super::error::{check_protocol, HttpError};
use super::extract::{PathParams, RawBody};
use super::site::site_named;
use super::state::App;
use crate::domain::dossier_code::parse_code;
use crate::dossier_import::{parse, DossierRecord, FileError, Format, ImportCounts, Parsed};
use crate::office::counters::LinkSource;
use crate::office::store::{Device, OfficeStore, SiteId};
use crate::protocol::Upserted;

/// The integrations' routes.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/api/v1/dossiers", post(post_dossiers))
        .route("/api/v1/dossiers/{code}", put(put_dossier))
}

/// `DossierPut` borrowing from the body, so row errors can name lines of the body itself.
#[derive(Deserialize)]
struct DossierPutIn<'a> {
    protocol: u32,
    /// The site's code; may be left out when the token or the office has one site.
    site: Option<String>,
    #[serde(borrow)]
    dossier: &'a RawValue,
}

/// `DossiersPost` borrowing from the body.
#[derive(Deserialize)]
struct DossiersPostIn<'a> {
    protocol: u32,
    /// The site's code; may be left out when the token or the office has one site.
    site: Option<String>,
    #[serde(borrow)]
    dossiers: &'a RawValue,
}

/// The body as JSON text, refused the way axum's `Json` refuses it (415, 400, 422).
fn json_body<'a, T: Deserialize<'a>>(
    headers: &HeaderMap,
    bytes: &'a Bytes,
) -> Result<(&'a str, T), HttpError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| {
            let m = m.trim().to_ascii_lowercase();
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        })
        .unwrap_or(false);
    if !is_json {
        return Err(HttpError::rejected(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Expected request with `Content-Type: application/json`".into(),
        ));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|e| HttpError::bad_request(format!("the body is not UTF-8: {e}")))?;
    let value = serde_json::from_str(text).map_err(|e| {
        let status = match e.classify() {
            serde_json::error::Category::Data => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::BAD_REQUEST,
        };
        HttpError::rejected(status, format!("Failed to deserialize the JSON body: {e}"))
    })?;
    Ok((text, value))
}

/// Row errors as `line N: …`, lines counted in the whole body; `part` is a slice of `body`.
fn row_errors(body: &str, part: &str, parsed: &Parsed) -> Vec<String> {
    let offset = (part.as_ptr() as usize).saturating_sub(body.as_ptr() as usize);
    let before = body.get(..offset).map_or(0, |b| b.matches('\n').count());
    parsed
        .errors
        .iter()
        .map(|e| format!("line {}: {}", e.line + before, e.message))
        .collect()
}

async fn put_dossier(
    State(app): State<App>,
    PathParams(code): PathParams<String>,
    IntegrationDevice(dev): IntegrationDevice,
    headers: HeaderMap,
    RawBody(bytes): RawBody,
) -> Result<Json<Upserted>, HttpError> {
    let (text, req): (&str, DossierPutIn) = json_body(&headers, &bytes)?;
    check_protocol(req.protocol)?;
    let wanted = parse_code(&code).map_err(|e| {
        HttpError::bad_request(format!("the code in the path is not a dossier code: {e}"))
    })?;
    // The object alone as a one-row import: its lines are the body's lines.
    let parsed = parse(&format!("[{}]", req.dossier.get()), Format::Json)
        .map_err(|e| HttpError::bad_request(format!("dossier: {e}")))?;
    let errors = row_errors(text, req.dossier.get(), &parsed);
    if !errors.is_empty() {
        return Err(HttpError::bad_request(errors.join("; ")));
    }
    let Some((_, record)) = parsed.records.into_iter().next() else {
        return Err(HttpError::bad_request(
            "dossier: one object in the dossier import format is needed",
        ));
    };
    if record.code != wanted {
        return Err(HttpError::bad_request(format!(
            "the path names dossier {wanted} but the object is dossier {}",
            record.code
        )));
    }
    // The object's own `site` first, then the request's, the token's or the office's.
    let named = parsed.sites.into_iter().next().map(|(_, code)| code);
    let ticket = parsed.tickets.into_iter().next().map(|(_, id)| id);
    let site = target_site(&app, &dev, named.or(req.site.clone())).await?;
    let now = Utc::now();
    let (counts, errors) = app
        .with_store(move |s| {
            // An unknown ticket refuses the whole request before anything is written.
            if let Some(id) = &ticket {
                if crate::office::store::ticket_id_problem(id).is_some()
                    || !s.has_ticket(site, id)?
                {
                    return Ok(Err(()));
                }
            }
            upsert_own(s, site, vec![(1, record, ticket)], now).map(Ok)
        })
        .await?
        .map_err(|()| {
            HttpError::new(
                StatusCode::NOT_FOUND,
                "unknown_ticket",
                "ticket_id: this site has no ticket with that id; nothing was written",
            )
        })?;
    if !errors.is_empty() {
        return Err(HttpError::new(
            StatusCode::FORBIDDEN,
            "foreign_dossier",
            errors.join("; "),
        ));
    }
    Ok(Json(Upserted {
        inserted: counts.inserted,
        updated: counts.updated,
        unchanged: counts.unchanged,
        errors: Vec::new(),
    }))
}

async fn post_dossiers(
    State(app): State<App>,
    IntegrationDevice(dev): IntegrationDevice,
    headers: HeaderMap,
    RawBody(bytes): RawBody,
) -> Result<Json<Upserted>, HttpError> {
    let (text, req): (&str, DossiersPostIn) = json_body(&headers, &bytes)?;
    check_protocol(req.protocol)?;
    // A site the request names must do; without one, rows that name none need a default.
    let default = match target_site(&app, &dev, req.site.clone()).await {
        Ok(site) => Some(site),
        Err(e) if req.site.is_some() => return Err(e),
        Err(_) => None,
    };
    let raw = req.dossiers.get();
    let parsed = parse(raw, Format::Json).map_err(|e| match e {
        FileError::JsonNotArray { found } => HttpError::bad_request(format!(
            "dossiers must be an array of objects in the dossier import format, not {found}"
        )),
        other => HttpError::bad_request(format!("dossiers: {other}")),
    })?;
    let mut errors = row_errors(text, raw, &parsed);
    // Lines of the body, as row errors name them.
    let offset = (raw.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    let before = text.get(..offset).map_or(0, |b| b.matches('\n').count());
    let named: BTreeMap<usize, String> = parsed.sites.iter().cloned().collect();
    let mut tickets: BTreeMap<usize, String> = parsed.tickets.iter().cloned().collect();
    let codes: BTreeSet<String> = named.values().cloned().collect();
    let sites: BTreeMap<String, Option<SiteId>> = app
        .with_store(move |s| {
            codes
                .into_iter()
                .map(|code| Ok((code.clone(), s.site_by_code(&code)?.map(|site| site.id))))
                .collect()
        })
        .await?;
    let mut by_site: BTreeMap<SiteId, Vec<(usize, DossierRecord, Option<String>)>> =
        BTreeMap::new();
    for (i, (line, record)) in parsed.records.into_iter().enumerate() {
        let site = match named.get(&i) {
            None => default.ok_or_else(|| {
                "site: name the site (\"site\": CODE in the row or beside \"protocol\"): this token or office has several".to_string()
            }),
            Some(code) => match sites.get(code).copied().flatten() {
                None => Err(format!("site: no site has the code {code:?}")),
                Some(site) if !dev.serves(site) => Err(format!(
                    "site: this integration token may not write dossiers of site {code}"
                )),
                Some(site) => Ok(site),
            },
        };
        match site {
            Ok(site) => {
                by_site
                    .entry(site)
                    .or_default()
                    .push((line + before, record, tickets.remove(&i)))
            }
            Err(why) => errors.push(format!("line {}: {why}", line + before)),
        }
    }
    let now = Utc::now();
    let (counts, foreign) = app
        .with_store(move |s| {
            let mut counts = ImportCounts::default();
            let mut foreign = Vec::new();
            for (site, records) in by_site {
                let (c, f) = upsert_own(s, site, records, now)?;
                counts.inserted += c.inserted;
                counts.updated += c.updated;
                counts.unchanged += c.unchanged;
                foreign.extend(f);
            }
            Ok((counts, foreign))
        })
        .await?;
    errors.extend(foreign);
    Ok(Json(Upserted {
        inserted: counts.inserted,
        updated: counts.updated,
        unchanged: counts.unchanged,
        errors,
    }))
}

/// The site a request writes to: the one it names, else the token's only site, else the
/// office's only site. A site the token may not write is refused (403 `foreign_site`).
async fn target_site(app: &App, dev: &Device, named: Option<String>) -> Result<SiteId, HttpError> {
    let site = match (named, dev.sites.as_slice()) {
        (None, [only]) => *only,
        (named, _) => site_named(app, named).await?.id,
    };
    if !dev.serves(site) {
        return Err(HttpError::new(
            StatusCode::FORBIDDEN,
            "foreign_site",
            "this integration token may not write dossiers of that site",
        ));
    }
    Ok(site)
}

/// Writes the records of `site`, leaving out (as row errors `line N: …`) those whose code
/// another site holds and those whose `ticket_id` the site has no ticket for; then links
/// each written dossier to its ticket (source `api`, docs/dossier-link.md).
fn upsert_own(
    s: &mut OfficeStore,
    site: SiteId,
    records: Vec<(usize, DossierRecord, Option<String>)>,
    now: chrono::DateTime<Utc>,
) -> anyhow::Result<(ImportCounts, Vec<String>)> {
    let codes: Vec<&str> = records.iter().map(|(_, r, _)| r.code.as_str()).collect();
    let foreign = s.foreign_dossiers(site, &codes)?;
    let mut errors = Vec::new();
    let mut own = Vec::with_capacity(records.len());
    let mut links = Vec::new();
    for (line, r, ticket) in records {
        if foreign.iter().any(|c| c == r.code.as_str()) {
            errors.push(format!(
                "line {line}: dossier {} belongs to another site",
                r.code
            ));
            continue;
        }
        if let Some(id) = ticket {
            let known = crate::office::store::ticket_id_problem(&id).is_none()
                && s.has_ticket(site, &id)?;
            if !known {
                errors.push(format!(
                    "line {line}: ticket_id: this site has no ticket with that id (dossier {} not written)",
                    r.code
                ));
                continue;
            }
            links.push((id, r.code.clone()));
        }
        own.push(r);
    }
    let counts = s.upsert_dossiers(site, &own, now)?;
    for (ticket, code) in links {
        s.link_ticket(site, &ticket, &code, LinkSource::Api, None, now)?;
    }
    Ok((counts, errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_errors_count_lines_in_the_whole_body() {
        let body = "{\"protocol\": 1,\n \"dossier\":\n\n {\"code\": \"H15-261008-0001\",\n  \"status\": \"x\"}}";
        let req: DossierPutIn = serde_json::from_str(body).unwrap();
        let parsed = parse(&format!("[{}]", req.dossier.get()), Format::Json).unwrap();
        let errors = row_errors(body, req.dossier.get(), &parsed);
        assert!(!errors.is_empty());
        assert!(
            errors.iter().all(|e| e.starts_with("line 4: ")),
            "{errors:?}"
        );
    }
}
