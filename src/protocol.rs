//! The wire types of the office API, protocol 1 (docs/api.md), shared by the office server
//! and the kiosk's sync client so the two cannot drift apart. Unknown fields are ignored on
//! both sides (serde's default), so a newer peer's additions do not break an older one.

use crate::domain::booking::WalkIn;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// The event kind a kiosk sends with every ticket it issues.
pub const EVENT_TICKET_ISSUED: &str = "ticket.issued";

/// The event kind a kiosk sends each time it routed a citizen to the online services.
pub const EVENT_ROUTING_ONLINE: &str = "routing.online";

/// The payload of a `routing.online` event: one showing of the kiosk's routing page for a
/// procedure the national portal does online (docs/online-routing.md). Nothing personal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutedOnline {
    /// The visit's own id (a uuid), also the event's id: the office counts it once.
    pub id: String,
    /// The procedure's field code.
    pub field: String,
    /// The procedure's national code.
    pub procedure: String,
    /// When the page was shown (the kiosk's effective time).
    pub at: chrono::DateTime<chrono::Utc>,
    /// The business date at the kiosk.
    pub business_date: NaiveDate,
    /// The id of the ticket the citizen took from the page for assisted online filing, if any.
    #[serde(default)]
    pub assisted_ticket: Option<String>,
}

/// The protocol this build speaks.
pub const PROTOCOL: u32 = 1;
/// Requests larger than this are refused with 413.
pub const MAX_BODY: usize = 1 << 20;
/// Events in one push, at most.
pub const MAX_EVENTS: usize = 1000;
/// The largest offline block a kiosk may reserve.
pub const MAX_BLOCK: u32 = 1000;
/// Dossiers in one page of changes, at most (and the default).
pub const MAX_CHANGES: u32 = 5000;
/// Bytes of dossiers in one page of changes, at most (a page always holds at least one).
pub const MAX_CHANGES_BYTES: usize = 4 << 20;
/// A dossier larger than this in the import format is never sent (it could stall a kiosk);
/// the import limits keep every new one far below it.
pub const MAX_DOSSIER_BYTES: usize = 64 << 10;

/// The body of every error answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: String,
    /// The machine code (docs/api.md); empty from an office that sends none.
    #[serde(default)]
    pub code: String,
}

/// `GET /api/v1/health`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Health {
    /// "ok".
    pub status: String,
    /// The protocol spoken.
    pub protocol: u32,
    /// The office's clock, RFC 3339: kiosks correct a wrong board clock with it.
    pub time: String,
}

/// One kiosk event (the outbox row).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventIn {
    /// The event's uuid: the office applies it once.
    pub id: String,
    /// e.g. "ticket.issued".
    pub kind: String,
    /// The event's data.
    pub payload: serde_json::Value,
}

/// `POST /api/v1/events`.
#[derive(Debug, Serialize, Deserialize)]
pub struct PushEvents {
    /// The protocol the kiosk speaks.
    pub protocol: u32,
    /// Events, oldest first.
    pub events: Vec<EventIn>,
}

/// The answer to a push.
#[derive(Debug, Serialize, Deserialize)]
pub struct Acked {
    /// Every event id received, new or replayed: the kiosk may mark them sent.
    pub acked: Vec<String>,
    /// How many were new.
    pub applied: usize,
    /// Events refused at the door (also in `acked`: they are kept aside at the office, not
    /// to be sent again), each with the reason; absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<RejectedEventOut>,
}

/// An event the office refused, in the answer to a push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedEventOut {
    /// The event's id.
    pub id: String,
    /// Why (English).
    pub reason: String,
}

/// `POST /api/v1/numbers`: the next number of the shared sequence.
#[derive(Debug, Serialize, Deserialize)]
pub struct NumberRequest {
    /// The protocol the kiosk speaks.
    pub protocol: u32,
    /// The ticket the number is for (a retry gets the same number).
    pub ticket_id: String,
    /// Queue prefix.
    pub queue: String,
    /// Business date.
    pub business_date: NaiveDate,
}

/// A granted number.
#[derive(Debug, Serialize, Deserialize)]
pub struct NumberGranted {
    /// The number.
    pub number: u32,
}

/// `POST /api/v1/blocks`: a block to issue from while offline.
#[derive(Debug, Serialize, Deserialize)]
pub struct BlockRequest {
    /// The protocol the kiosk speaks.
    pub protocol: u32,
    /// Queue prefix.
    pub queue: String,
    /// Business date.
    pub business_date: NaiveDate,
    /// The kiosk's block number for this queue and day (0, 1, …): asking again for the same
    /// `seq` returns the same block, a new `seq` a further one.
    #[serde(default)]
    pub seq: u32,
    /// How many numbers.
    pub size: u32,
}

/// A reserved block.
#[derive(Debug, Serialize, Deserialize)]
pub struct BlockGranted {
    /// First number.
    pub first: u32,
    /// Last number.
    pub last: u32,
}

/// `POST /api/v1/changes`: what changed at the office since the kiosk's cursor.
#[derive(Debug, Serialize, Deserialize)]
pub struct ChangesRequest {
    /// The protocol the kiosk speaks.
    pub protocol: u32,
    /// The cursor of the last answer applied (0 at first).
    #[serde(default)]
    pub since: u64,
    /// Dossiers per page (default and maximum [`MAX_CHANGES`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// The answer to `changes`. Empty parts are left out, so an idle poll is a few bytes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Changes {
    /// The office's clock, RFC 3339.
    pub time: String,
    /// Pass as `since` next time, once everything here is stored.
    pub cursor: u64,
    /// More dossiers wait: ask again at once.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub more: bool,
    /// Dossiers changed since the cursor: a JSON array in the dossier import format
    /// (`dossier_import::write_json`), so the kiosk validates them like an imported file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossiers: Option<Box<RawValue>>,
    /// The whole catalogue, when it changed (the `assets/catalogue.json` format).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalogue: Option<Box<RawValue>>,
    /// Settings the office pushes to every kiosk, when they changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Settings>,
    /// Today's queues at the office, when they changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub queues: Vec<QueueStatus>,
}

/// Settings an office pushes to its kiosks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// A notice line for the home screen in Vietnamese (empty: none).
    #[serde(default)]
    pub notice_vi: String,
    /// The same notice in English (empty: the Vietnamese one is shown).
    #[serde(default)]
    pub notice_en: String,
    /// The office's public address, where citizens follow their tickets
    /// (`crate::follow::follow_url`); empty: none, and the kiosk's `office.ticket_url` is
    /// used. Absent from older offices.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub public_url: String,
    /// The site's code: its booking page is `{public_url}/s/{site}/book`. Absent from older
    /// offices.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub site: String,
    /// Who gets a number without a booking (from the site's booking rules; absent: all).
    #[serde(default, skip_serializing_if = "WalkIn::is_all")]
    pub walk_in: WalkIn,
}

/// One queue's state at the office on a business day, over all kiosks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueStatus {
    /// Queue prefix.
    pub queue: String,
    /// Business date.
    pub business_date: NaiveDate,
    /// Tickets issued so far (all kiosks).
    pub issued: u32,
    /// Tickets still waiting.
    pub waiting: u32,
    /// The number being served, if a counter called one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serving: Option<u32>,
    /// The counter that called it (absent from older offices).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serving_counter: Option<u32>,
    /// The moving average of the day's service times in seconds, once any was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_seconds: Option<u32>,
    /// Counters open and not paused serving this queue now (absent from older offices).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counters_open: Option<u32>,
}

/// `PUT /api/v1/dossiers/{code}` (integration token): one dossier in the import format.
#[derive(Debug, Serialize, Deserialize)]
pub struct DossierPut {
    /// The protocol the integration speaks.
    pub protocol: u32,
    /// One object in the dossier import format.
    pub dossier: Box<RawValue>,
}

/// `POST /api/v1/dossiers` (integration token): many dossiers.
#[derive(Debug, Serialize, Deserialize)]
pub struct DossiersPost {
    /// The protocol the integration speaks.
    pub protocol: u32,
    /// An array in the dossier import format.
    pub dossiers: Box<RawValue>,
}

/// What an upsert did; rows with errors were skipped, the others stored.
#[derive(Debug, Serialize, Deserialize)]
pub struct Upserted {
    /// Dossiers the office did not have.
    pub inserted: usize,
    /// Dossiers whose data changed.
    pub updated: usize,
    /// Dossiers already stored exactly so.
    pub unchanged: usize,
    /// One message per refused row, with its 1-based line in the body's JSON text.
    #[serde(default)]
    pub errors: Vec<String>,
}

/// `POST /api/v1/bookings/check-in` (kiosk): a citizen with a booking code at the kiosk.
#[derive(Debug, Serialize, Deserialize)]
pub struct CheckInRequest {
    /// The protocol the kiosk speaks.
    pub protocol: u32,
    /// The booking code as typed or scanned ("7KQ2-M9XD"; case, spaces and dashes forgiven).
    pub code: String,
    /// The id of the ticket the kiosk will issue for it: asking again with the same id gets
    /// the same answer, so a kiosk may retry after a dropped connection.
    pub ticket_id: String,
}

/// What became of a check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckInResult {
    /// Within its window: issue the ticket now, in `queue` for `field`.
    CheckedIn,
    /// Before its window: `minutes` until it opens.
    TooEarly,
    /// After its window: `minutes` since it closed.
    TooLate,
    /// The citizen cancelled it.
    Cancelled,
    /// Another ticket was issued for it already.
    Used,
    /// It is for another day (`day`).
    OtherDay,
}

/// The answer to a check-in (404 `unknown_booking` when no booking of the kiosk's site has
/// the code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInAnswer {
    /// What became of it.
    pub result: CheckInResult,
    /// The booking's code, "7KQ2-M9XD".
    pub code: String,
    /// The queue its ticket goes in.
    pub queue: String,
    /// The catalogue field booked.
    pub field: String,
    /// The booked day.
    pub day: NaiveDate,
    /// The booked time, "HH:MM".
    pub time: String,
    /// Minutes until the window opens (`too_early`) or since it closed (`too_late`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<i64>,
    /// When the window opens, "HH:MM" local (`too_early`): when to come back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens: Option<String>,
}
