//! axum's extractors with their refusals answered as [`HttpError`], so a malformed path,
//! query or body gets the same error body as every other refusal.

use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use serde::de::DeserializeOwned;

use super::error::HttpError;
use super::limits::BodyTimeout;
use super::stream_caps::StreamCaps;

/// Reads a body with `read` within `limit`, the body timeout the server put on the request
/// (none for a router called without a server): a client that trickles its body gets 408
/// `body_timeout` instead of holding the connection.
async fn within<T>(
    limit: Option<BodyTimeout>,
    read: impl Future<Output = Result<T, HttpError>>,
) -> Result<T, HttpError> {
    let Some(BodyTimeout(limit)) = limit else {
        return read.await;
    };
    tokio::time::timeout(limit, read).await.unwrap_or_else(|_| {
        Err(HttpError::new(
            StatusCode::REQUEST_TIMEOUT,
            "body_timeout",
            format!(
                "the request body did not arrive within {} s",
                limit.as_secs_f64()
            ),
        ))
    })
}

/// The body as JSON of type `T` (`axum::Json`).
pub(super) struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, HttpError> {
        let limit = req.extensions().get::<BodyTimeout>().copied();
        let read = async move { Ok(Json::<T>::from_request(req, state).await?) };
        let Json(value) = within(limit, read).await?;
        Ok(JsonBody(value))
    }
}

/// The body's bytes, within the router's body limit.
pub(super) struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, HttpError> {
        let limit = req.extensions().get::<BodyTimeout>().copied();
        let read = async move { Ok(Bytes::from_request(req, state).await?) };
        Ok(RawBody(within(limit, read).await?))
    }
}

/// The query string as `T` (`axum::extract::Query`).
pub(super) struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, HttpError> {
        let Query(value) = Query::<T>::from_request_parts(parts, state).await?;
        Ok(QueryParams(value))
    }
}

/// The route's path parameters as `T` (`axum::extract::Path`).
pub(super) struct PathParams<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PathParams<T> {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, HttpError> {
        let Path(value) = Path::<T>::from_request_parts(parts, state).await?;
        Ok(PathParams(value))
    }
}

/// The address of the machine at the other end of the connection (not a header a client
/// can forge). A router called without a server (unit tests) has none: `0.0.0.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ClientAddr(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip())
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        ))
    }
}

/// The live-stream caps of the server that took the request; none for a router called
/// without a server (unit tests), which then has no caps.
pub(super) struct Streams(pub Option<Arc<StreamCaps>>);

impl<S: Send + Sync> FromRequestParts<S> for Streams {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(Streams(parts.extensions.get::<Arc<StreamCaps>>().cloned()))
    }
}
