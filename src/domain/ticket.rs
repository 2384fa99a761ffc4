//! The queue ticket a citizen takes at the kiosk. It carries no personal data.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::clock::ClockStatus;
use super::numbering::format_ticket_number;
use super::priority::PriorityGroup;

/// Where a ticket is in its life at the counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TicketState {
    /// Issued, not yet called.
    #[default]
    Waiting,
    /// Called to a counter, citizen not yet there.
    Called,
    /// Citizen at the counter.
    Serving,
    /// Served.
    Done,
    /// Called but did not come.
    NoShow,
    /// Withdrawn (by the citizen or a clerk).
    Cancelled,
}

impl TicketState {
    /// Every state, in lifecycle order.
    pub const ALL: [TicketState; 6] = [
        TicketState::Waiting,
        TicketState::Called,
        TicketState::Serving,
        TicketState::Done,
        TicketState::NoShow,
        TicketState::Cancelled,
    ];

    /// Stable storage and wire code.
    pub fn code(self) -> &'static str {
        match self {
            TicketState::Waiting => "waiting",
            TicketState::Called => "called",
            TicketState::Serving => "serving",
            TicketState::Done => "done",
            TicketState::NoShow => "no_show",
            TicketState::Cancelled => "cancelled",
        }
    }

    /// Inverse of [`code`](Self::code).
    pub fn from_code(code: &str) -> Option<TicketState> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// One issued ticket, as stored and as sent in the `ticket.issued` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// UUID v4: the identity across kiosks and the office (the number is only unique per queue and day).
    pub id: String,
    /// Queue prefix, e.g. "A".
    pub queue: String,
    /// Number within the queue and business date, from 1.
    pub number: u32,
    /// Office-local date the number belongs to.
    pub business_date: NaiveDate,
    /// Effective time (never backwards); calling order uses it, not the number.
    pub issued_at: DateTime<Utc>,
    /// What the board clock said, kept for audit of clock trouble.
    pub wall_clock: DateTime<Utc>,
    /// How `wall_clock` related to `issued_at`.
    pub clock_status: ClockStatus,
    /// Field code the citizen chose, e.g. "HT".
    pub field: String,
    /// Declared priority group.
    pub priority: PriorityGroup,
    /// Current state.
    pub state: TicketState,
    /// When the receipt was printed, if it was.
    pub printed_at: Option<DateTime<Utc>>,
    /// The unguessable token of the ticket's follow page (`crate::follow`), made on the
    /// kiosk; `None` on tickets from before follow pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_token: Option<String>,
    /// The booking code ("7KQ2-M9XD") this ticket was issued for at check-in; sent in the
    /// event only, for the office's audit (the office links the booking by the ticket's id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking: Option<String>,
}

impl Ticket {
    /// The number as printed and announced, e.g. "A012".
    pub fn display_number(&self) -> String {
        format_ticket_number(&self.queue, self.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_codes_round_trip() {
        for s in TicketState::ALL {
            assert_eq!(TicketState::from_code(s.code()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.code())
            );
        }
        assert_eq!(TicketState::from_code("lost"), None);
    }

    #[test]
    fn display_number_pads() {
        let t = Ticket {
            id: "00000000-0000-4000-8000-000000000000".into(),
            queue: "A".into(),
            number: 12,
            business_date: NaiveDate::from_ymd_opt(2025, 6, 2).unwrap(),
            issued_at: DateTime::from_timestamp(1_748_822_400, 0).unwrap(),
            wall_clock: DateTime::from_timestamp(1_748_822_400, 0).unwrap(),
            clock_status: ClockStatus::Ok,
            field: "HT".into(),
            priority: PriorityGroup::None,
            state: TicketState::Waiting,
            printed_at: None,
            follow_token: Some("AAAAAAAAAAAAAAAAAAAAAA".into()),
            booking: None,
        };
        assert_eq!(t.display_number(), "A012");
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<Ticket>(&json).unwrap(), t);
    }

    #[test]
    fn the_follow_token_is_sent_only_when_there_is_one() {
        let json = r#"{"id":"t1","queue":"A","number":1,"business_date":"2025-06-02",
            "issued_at":"2025-06-02T01:00:00Z","wall_clock":"2025-06-02T01:00:00Z",
            "clock_status":"ok","field":"HT","priority":"none","state":"waiting",
            "printed_at":null}"#;
        // A payload from a kiosk of before follow pages still reads.
        let mut t: Ticket = serde_json::from_str(json).unwrap();
        assert_eq!(t.follow_token, None);
        assert!(!serde_json::to_string(&t).unwrap().contains("follow_token"));
        t.follow_token = Some("AAAAAAAAAAAAAAAAAAAAAA".into());
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(v["follow_token"], "AAAAAAAAAAAAAAAAAAAAAA");
    }
}
