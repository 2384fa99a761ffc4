//! The kiosk's HTTP client for the office API (ureq, blocking: it runs on the sync thread,
//! or on a short-lived thread for a ticket's number, never on the UI thread).

use std::fmt;
use std::time::Duration;

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::pinned;
use crate::protocol::{
    Acked, BlockGranted, BlockRequest, Changes, ChangesRequest, CheckInAnswer, CheckInRequest,
    ErrorBody, EventIn, Health, NumberGranted, NumberRequest, PushEvents, PROTOCOL,
};
use crate::tls::{CertificateMismatch, Fingerprint};

/// How long a booking's check-in may take: a citizen stands waiting, but a busy office
/// network deserves more than a number's fraction of a second.
pub const CHECK_IN_TIMEOUT: Duration = Duration::from_secs(5);

/// Largest answer read: a page of 5,000 dossiers is about 2 MB.
const MAX_ANSWER: u64 = 64 << 20;

/// Why a call to the office failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncError {
    /// No answer: the office is down, the network is gone, or it took too long.
    Unreachable(String),
    /// The office answered with an error status and message.
    Office {
        /// HTTP status.
        status: u16,
        /// The office's message.
        message: String,
    },
    /// The answer could not be understood.
    BadAnswer(String),
    /// The office presented another certificate than the pinned one
    /// (`sync.office_cert_sha256`): nothing was sent.
    CertificateMismatch(CertificateMismatch),
}

impl fmt::Display for SyncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyncError::Unreachable(e) => write!(f, "office unreachable: {e}"),
            SyncError::Office { status, message } => {
                write!(f, "office refused ({status}): {message}")
            }
            SyncError::BadAnswer(e) => write!(f, "office answer not understood: {e}"),
            SyncError::CertificateMismatch(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for SyncError {}

/// A connection to one office with one device token.
#[derive(Clone)]
pub struct OfficeClient {
    agent: ureq::Agent,
    quick: ureq::Agent,
    /// For a booking's check-in ([`CHECK_IN_TIMEOUT`]).
    check_in: ureq::Agent,
    base: String,
    auth: String,
    /// For every other request, and for a number.
    timeouts: (Duration, Duration),
}

/// An agent whose requests give up after `timeout`; with a pin, https goes only to that
/// certificate, without one to certificates of Mozilla's roots.
fn agent(timeout: Duration, pin: Option<Fingerprint>) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .timeout_connect(Some(timeout.min(Duration::from_secs(3))))
        .user_agent("motcua")
        .build();
    match pin {
        Some(pin) => ureq::Agent::with_parts(
            config,
            pinned::connector(pin),
            ureq::unversioned::resolver::DefaultResolver::default(),
        ),
        None => config.into(),
    }
}

/// A failed request as the sync sees it: a certificate mismatch, or no answer.
fn failed(e: ureq::Error) -> SyncError {
    match pinned::mismatch_of(&e) {
        Some(m) => SyncError::CertificateMismatch(m),
        None => SyncError::Unreachable(e.to_string()),
    }
}

impl OfficeClient {
    /// A client for the office at `base` ("http://host:port"); number requests give up after
    /// `number_timeout`.
    pub fn new(base: &str, token: &str, number_timeout: Duration) -> OfficeClient {
        OfficeClient::with_timeouts(base, token, Duration::from_secs(30), number_timeout)
    }

    /// Like `new`, with the limit for every other request given too.
    pub fn with_timeouts(
        base: &str,
        token: &str,
        request_timeout: Duration,
        number_timeout: Duration,
    ) -> OfficeClient {
        OfficeClient {
            agent: agent(request_timeout, None),
            quick: agent(number_timeout, None),
            check_in: agent(CHECK_IN_TIMEOUT, None),
            base: base.trim_end_matches('/').to_string(),
            auth: format!("Bearer {token}"),
            timeouts: (request_timeout, number_timeout),
        }
    }

    /// The same client talking only to the office certificate `pin` names (when given).
    pub fn pinned(self, pin: Option<Fingerprint>) -> OfficeClient {
        let Some(pin) = pin else { return self };
        let (request, number) = self.timeouts;
        OfficeClient {
            agent: agent(request, Some(pin)),
            quick: agent(number, Some(pin)),
            check_in: agent(CHECK_IN_TIMEOUT, Some(pin)),
            ..self
        }
    }

    /// The office's address.
    pub fn base(&self) -> &str {
        &self.base
    }

    fn post<Q: Serialize, A: DeserializeOwned>(
        &self,
        agent: &ureq::Agent,
        path: &str,
        body: &Q,
    ) -> Result<A, SyncError> {
        let url = format!("{}{path}", self.base);
        // Compact JSON: every byte of a push crosses the office's network.
        let bytes = serde_json::to_vec(body).map_err(|e| SyncError::BadAnswer(e.to_string()))?;
        let mut resp = agent
            .post(&url)
            .header("authorization", &self.auth)
            .header("content-type", "application/json")
            .send(&bytes[..])
            .map_err(failed)?;
        let status = resp.status().as_u16();
        let reader = resp.body_mut().with_config().limit(MAX_ANSWER);
        if (200..300).contains(&status) {
            return reader
                .read_json()
                .map_err(|e| SyncError::BadAnswer(e.to_string()));
        }
        let text = reader.read_to_string().unwrap_or_default();
        let message = serde_json::from_str::<ErrorBody>(&text)
            .map(|b| b.error)
            .unwrap_or_else(|_| text.chars().take(200).collect());
        Err(SyncError::Office { status, message })
    }

    /// The office's health answer (protocol, clock), without a token.
    pub fn health(&self) -> Result<Health, SyncError> {
        let url = format!("{}/api/v1/health", self.base);
        let mut resp = self.agent.get(&url).call().map_err(failed)?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(SyncError::Office {
                status,
                message: format!("health answered {status}"),
            });
        }
        resp.body_mut()
            .with_config()
            .limit(1 << 16)
            .read_json()
            .map_err(|e| SyncError::BadAnswer(e.to_string()))
    }

    /// Delivers outbox events; returns the ids the office acknowledged.
    pub fn push(&self, events: Vec<EventIn>) -> Result<Acked, SyncError> {
        self.post(
            &self.agent,
            "/api/v1/events",
            &PushEvents {
                protocol: PROTOCOL,
                events,
            },
        )
    }

    /// What changed since `since`.
    pub fn changes(&self, since: u64) -> Result<Changes, SyncError> {
        self.post(
            &self.agent,
            "/api/v1/changes",
            &ChangesRequest {
                protocol: PROTOCOL,
                since,
                limit: None,
            },
        )
    }

    /// Block `seq` of this kiosk for a queue and day.
    pub fn block(
        &self,
        queue: &str,
        date: NaiveDate,
        seq: u32,
        size: u32,
    ) -> Result<BlockGranted, SyncError> {
        self.post(
            &self.agent,
            "/api/v1/blocks",
            &BlockRequest {
                protocol: PROTOCOL,
                queue: queue.to_string(),
                business_date: date,
                seq,
                size,
            },
        )
    }

    /// The office's next number for a ticket, within the number timeout.
    pub fn number(&self, ticket_id: &str, queue: &str, date: NaiveDate) -> Result<u32, SyncError> {
        let g: NumberGranted = self.post(
            &self.quick,
            "/api/v1/numbers",
            &NumberRequest {
                protocol: PROTOCOL,
                ticket_id: ticket_id.to_string(),
                queue: queue.to_string(),
                business_date: date,
            },
        )?;
        Ok(g.number)
    }

    /// Checks a citizen's booking `code` in for the ticket `ticket_id` the kiosk will issue;
    /// asking again with the same id gets the same answer. 404 `unknown_booking`: no booking
    /// of this kiosk's site has the code.
    pub fn check_in(&self, code: &str, ticket_id: &str) -> Result<CheckInAnswer, SyncError> {
        self.post(
            &self.check_in,
            "/api/v1/bookings/check-in",
            &CheckInRequest {
                protocol: PROTOCOL,
                code: code.to_string(),
                ticket_id: ticket_id.to_string(),
            },
        )
    }
}
