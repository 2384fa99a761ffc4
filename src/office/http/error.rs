//! The one error answer of every route: a status, a machine code clients act on (the pages
//! translate it) and an English message for people and logs, sent as
//! `{"error": message, "code": code}` (docs/api.md).

use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::office::counters::Refused;
use crate::protocol::{ErrorBody, PROTOCOL};

/// An error as a route answers it.
#[derive(Debug)]
pub(super) struct HttpError {
    status: StatusCode,
    code: &'static str,
    message: String,
    /// Seconds for a `Retry-After` header (throttled or overloaded).
    retry_after: Option<u64>,
}

impl HttpError {
    /// An error with this status, machine code and message.
    pub(super) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        HttpError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// The same error telling the client when to try again (`Retry-After`, whole seconds,
    /// at least 1).
    pub(super) fn retry_after(mut self, wait: std::time::Duration) -> Self {
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        self.retry_after = Some(secs.max(1));
        self
    }

    /// 400 `bad_request`: a value the route cannot take.
    pub(super) fn bad_request(message: impl Into<String>) -> Self {
        HttpError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// An error of axum's extractors (malformed, too large or not JSON), with its status
    /// and text.
    pub(super) fn rejected(status: StatusCode, message: String) -> Self {
        let code = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "not_json",
            s if s.is_server_error() => "internal",
            _ => "bad_request",
        };
        HttpError::new(status, code, message)
    }
}

/// Refuses a request in another protocol version, saying which side to update.
pub(super) fn check_protocol(p: u32) -> Result<(), HttpError> {
    if p == PROTOCOL {
        return Ok(());
    }
    Err(HttpError::new(
        StatusCode::BAD_REQUEST,
        "protocol",
        format!(
            "this office speaks protocol {PROTOCOL}, the request protocol {p}: update the {}",
            if p < PROTOCOL { "kiosk" } else { "office" }
        ),
    ))
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.message,
            code: self.code.into(),
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        response
    }
}

impl From<anyhow::Error> for HttpError {
    /// A counter's refusal as it is; anything else is the office's fault, logged, and
    /// answered 500 without details.
    fn from(e: anyhow::Error) -> HttpError {
        if let Some(r) = e.downcast_ref::<Refused>() {
            return HttpError::new(
                StatusCode::from_u16(r.status).unwrap_or(StatusCode::CONFLICT),
                r.code,
                r.message.clone(),
            );
        }
        log::error!("office HTTP: {e:#}");
        HttpError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the office could not do that; see its log",
        )
    }
}

macro_rules! from_rejection {
    ($($rejection:ty),*) => {$(
        impl From<$rejection> for HttpError {
            fn from(e: $rejection) -> HttpError {
                HttpError::rejected(e.status(), e.body_text())
            }
        }
    )*};
}

from_rejection!(BytesRejection, JsonRejection, PathRejection, QueryRejection);
