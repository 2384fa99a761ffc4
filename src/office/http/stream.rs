//! The live views (docs/counters.md): a Server-Sent Events stream per console, board or
//! rating tablet that sends its view again whenever it changes.

use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::Utc;
use serde::Deserialize;

use super::auth::{login_first, tablet_not_paired, tablet_token, PairedTablet, SessionToken};
use super::error::HttpError;
use super::extract::{ClientAddr, QueryParams, Streams};
use super::follow::unknown_ticket;
use super::rating::counter_number;
use super::site::{site_named, AskedSite};
use super::state::{App, CLOSING};
use crate::office::store::{OfficeStore, SiteId};

/// A stream recomputes its view at least this often: changes made by another office
/// process on the same database, sessions and ratings that expire.
const STREAM_POLL: Duration = Duration::from_secs(5);

/// A console's stream recomputes its view this often: an alert whose threshold is crossed by
/// time passing (a ticket waiting its 30th minute) has no event to wake it, and must reach
/// the console within 5 s (docs/alerts.md). Only consoles poll this fast; a board, a tablet
/// or a follow page shows no alert.
const COUNTER_POLL: Duration = Duration::from_secs(3);

/// How long a stream lets further changes gather before it reads its view again: a board
/// announces a call this much later at most, and 20 open pages read their views a few
/// times a second, not after every one of hundreds of actions.
const STREAM_SETTLE: Duration = Duration::from_millis(100);

/// The stream's route.
pub(super) fn routes() -> Router<App> {
    Router::new().route("/api/v1/stream", get(stream))
}

#[derive(Deserialize)]
struct StreamQuery {
    view: String,
    counter: Option<String>,
    site: Option<String>,
    /// The follow token (`view=follow`).
    ticket: Option<String>,
}

/// Which view a stream sends.
#[derive(Clone)]
enum View {
    Counter(String),
    /// A site's board.
    Board(SiteId),
    /// A counter's rating tablet, by its token: the stream ends once the tablet is paired
    /// anew or revoked.
    Rate(u32, String),
    /// A citizen's ticket, by its follow token.
    Follow(String),
}

impl View {
    /// The view's kind, which the stream caps count by.
    fn kind(&self) -> &'static str {
        match self {
            View::Counter(_) => "counter",
            View::Board(_) => "board",
            View::Rate(..) => "rate",
            View::Follow(_) => "follow",
        }
    }
}

/// The view's JSON now, or None when its session ended (the stream then closes, and the
/// page finds itself logged out). The first is read as an answer (the page waits for it),
/// later ones in the background, after the answers to the actions that changed them.
async fn snapshot(app: &App, view: &View, first: bool) -> Result<Option<String>, HttpError> {
    let today = app.today();
    let view = view.clone();
    let read = move |s: &mut OfficeStore| {
        let now = Utc::now();
        Ok(match view {
            View::Counter(token) => match s.session_peek(&token, now)? {
                Some(session) => Some(serde_json::to_string(
                    &s.counter_view(&session, now, today)?,
                )?),
                None => None,
            },
            View::Board(site) => Some(serde_json::to_string(&s.board_view(site, now, today)?)?),
            View::Rate(c, token) => match s.tablet_for_token(&token)? {
                Some(tablet) if tablet.counter == c => {
                    Some(serde_json::to_string(&s.rate_view(tablet.site, c, now)?)?)
                }
                _ => None,
            },
            View::Follow(token) => s
                .follow_view(&token, now, today)?
                .map(|(_, view)| serde_json::to_string(&view))
                .transpose()?,
        })
    };
    if first {
        app.read_store(read).await
    } else {
        app.read_store_in_background(read).await
    }
}

async fn stream(
    State(app): State<App>,
    SessionToken(token): SessionToken,
    headers: HeaderMap,
    ClientAddr(source): ClientAddr,
    Streams(caps): Streams,
    QueryParams(q): QueryParams<StreamQuery>,
) -> Result<Response, HttpError> {
    let asked = match q.view.as_str() {
        "board" => AskedSite(None),
        _ => AskedSite(match q.site.clone() {
            Some(code) => Some(site_named(&app, Some(code)).await?),
            None => None,
        }),
    };
    // The site whose changes wake the stream.
    let (view, site) = match q.view.as_str() {
        "counter" => {
            let token = token.ok_or_else(login_first)?;
            let check = token.clone();
            let session = app
                .read_store(move |s| s.session_peek(&check, Utc::now()))
                .await?
                .ok_or_else(login_first)?;
            asked.allows(session.site)?;
            (View::Counter(token), session.site)
        }
        "board" => {
            let site = site_named(&app, q.site).await?.id;
            (View::Board(site), site)
        }
        "rate" => {
            let counter = counter_number(q.counter.as_deref().unwrap_or(""))?;
            let token = tablet_token(&headers).ok_or_else(tablet_not_paired)?;
            let check = token.clone();
            let tablet = app.read_store(move |s| s.tablet_for_token(&check)).await?;
            let tablet = PairedTablet(tablet.ok_or_else(tablet_not_paired)?);
            tablet.rates(counter)?;
            asked.allows(tablet.0.site)?;
            (View::Rate(counter, token), tablet.0.site)
        }
        "follow" => {
            let token = q.ticket.unwrap_or_default();
            if !crate::follow::is_token(&token) {
                return Err(unknown_ticket());
            }
            let check = token.clone();
            let today = app.today();
            let (site, _) = app
                .read_store(move |s| s.follow_view(&check, Utc::now(), today))
                .await?
                .ok_or_else(unknown_ticket)?;
            (View::Follow(token), site)
        }
        other => return Err(HttpError::bad_request(format!("no view {other:?}"))),
    };
    // Held as long as the stream: its end frees the slot.
    let slot = caps.map(|c| c.open(source, view.kind())).transpose()?;
    // Subscribed first: a change while the first snapshot is made wakes the stream.
    let rx = app.subscribe(site);
    // Refuse a dead session now, with a status the page can see.
    let first = snapshot(&app, &view, true)
        .await?
        .ok_or_else(|| match view {
            View::Follow(_) => unknown_ticket(),
            _ => login_first(),
        })?;
    let state = (app, view, rx, Some(first), String::new());
    let events =
        futures_util::stream::unfold(state, |(app, view, mut rx, first, mut last)| async move {
            if let Some(json) = first {
                let event = Event::default()
                    .event("snapshot")
                    .retry(Duration::from_secs(2))
                    .data(json.clone());
                return Some((
                    Ok::<_, std::convert::Infallible>(event),
                    (app, view, rx, None, json),
                ));
            }
            loop {
                // Opened while the office was stopping: nothing will wake it.
                if *rx.borrow() == CLOSING {
                    return None;
                }
                // A change here, or a poll for changes made elsewhere.
                let poll = match view {
                    View::Counter(_) => COUNTER_POLL,
                    _ => STREAM_POLL,
                };
                match tokio::time::timeout(poll, rx.changed()).await {
                    Ok(Err(_)) => return None,
                    // The office is stopping: end, so its graceful stop need not wait.
                    Ok(Ok(())) if *rx.borrow_and_update() == CLOSING => return None,
                    Ok(Ok(())) => {
                        // Changes come in bursts (20 counters pressing at once): one view
                        // after the burst, not one per change, for every open page.
                        tokio::time::sleep(STREAM_SETTLE).await;
                        if *rx.borrow_and_update() == CLOSING {
                            return None;
                        }
                    }
                    Err(_) => {}
                }
                let json = match snapshot(&app, &view, false).await {
                    Ok(Some(json)) => json,
                    Ok(None) => return None,
                    Err(_) => continue,
                };
                if json != last {
                    last = json.clone();
                    let event = Event::default().event("snapshot").data(json);
                    return Some((Ok(event), (app, view, rx, None, last)));
                }
            }
        });
    let events = futures_util::StreamExt::map(events, move |e| {
        let _held = &slot;
        e
    });
    Ok(Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response())
}
