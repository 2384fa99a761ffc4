//! Ticket events checked at the door: a `ticket.issued` from a kiosk names a queue, a field
//! and a priority the office knows, or it is kept aside (`rejected_event`) with the reason,
//! acknowledged, and never reaches the tickets, the counters or the reports.

use std::collections::HashSet;

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use crate::domain::priority::PriorityGroup;
use crate::office::db::{sql_params, Tx};

use super::sites::SiteId;
use super::values::parse_ts;
use super::OfficeStore;

/// Longest ticket id accepted (kiosks send uuids, 36 characters).
pub const MAX_TICKET_ID: usize = 64;
/// Longest field code accepted.
const MAX_FIELD: usize = 32;
/// Longest ticket state accepted (newer kiosks may know more states; the text is bounded).
const MAX_STATE: usize = 32;
/// Bytes of a rejected payload kept for staff to look at.
const KEPT_PAYLOAD: usize = 2000;

/// Why a ticket id is refused, or `None` for a good one: 1 to [`MAX_TICKET_ID`] ASCII
/// letters, digits, `-`, `_`, `.` or `:` (so no NUL, no markup, no formula).
pub fn ticket_id_problem(id: &str) -> Option<String> {
    if id.is_empty() || id.len() > MAX_TICKET_ID {
        return Some(format!(
            "a ticket id has 1 to {MAX_TICKET_ID} characters (got {})",
            id.len()
        ));
    }
    let ok = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':');
    if !id.bytes().all(ok) {
        return Some("a ticket id holds only letters, digits, '-', '_', '.' and ':'".into());
    }
    None
}

/// The part of a `ticket.issued` payload (the kiosk's `Ticket`) the office keeps.
#[derive(Deserialize)]
pub(super) struct IssuedTicket {
    /// The kiosk's ticket id.
    pub id: String,
    /// Queue prefix.
    pub queue: String,
    /// The ticket's number.
    pub number: u32,
    /// Business date at the kiosk.
    pub business_date: NaiveDate,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// Catalogue field code.
    pub field: String,
    /// Priority group code.
    pub priority: String,
    /// Ticket state code.
    pub state: String,
    /// The token its follow page is found by (`crate::follow`); absent from older kiosks.
    #[serde(default)]
    pub follow_token: Option<String>,
}

/// What the office knows to check tickets against; `None` where it knows nothing (an office
/// nobody configured still counts tickets whose codes are well-formed).
#[derive(Debug, Default)]
pub(super) struct Known {
    /// Queue prefixes from `office set-queues`.
    prefixes: Option<HashSet<String>>,
    /// Field codes of those queues and of the catalogue sent to kiosks.
    fields: Option<HashSet<String>>,
}

impl Known {
    /// Reads the site's queues; the fields of `catalogue` are known too.
    pub(super) fn load(
        tx: &mut Tx,
        site: SiteId,
        catalogue: Option<&crate::catalogue::Catalogue>,
    ) -> Result<Known> {
        let mut known = Known::default();
        let queues = tx
            .query_opt(
                "SELECT value FROM office_config WHERE site_id = ?1 AND key = 'queues'",
                sql_params![site.0],
            )?
            .map(|r| r.text(0))
            .transpose()?;
        #[derive(Deserialize)]
        struct Queue {
            prefix: String,
            #[serde(default)]
            fields: Vec<String>,
        }
        if let Some(json) = queues {
            match serde_json::from_str::<Vec<Queue>>(&json) {
                Ok(queues) => {
                    let fields: HashSet<String> =
                        queues.iter().flat_map(|q| q.fields.clone()).collect();
                    if !fields.is_empty() {
                        known.fields = Some(fields);
                    }
                    known.prefixes = Some(queues.into_iter().map(|q| q.prefix).collect());
                }
                Err(e) => log::warn!("the stored queue list does not read ({e}); ticket queues are checked for form only"),
            }
        }
        if let Some(catalogue) = catalogue {
            known
                .fields
                .get_or_insert_with(HashSet::new)
                .extend(catalogue.fields.iter().map(|f| f.code.clone()));
        }
        Ok(known)
    }

    /// Whether a field code may be counted: one the office knows, or any while it knows none.
    pub(super) fn knows_field(&self, field: &str) -> bool {
        self.fields.as_ref().is_none_or(|f| f.contains(field))
    }

    /// Known exactly these queues and fields (tests).
    #[cfg(test)]
    fn of(prefixes: &[&str], fields: &[&str]) -> Known {
        Known {
            prefixes: Some(prefixes.iter().map(|p| p.to_string()).collect()),
            fields: Some(fields.iter().map(|f| f.to_string()).collect()),
        }
    }
}

/// Why a reported ticket is refused, or `None` when the office takes it.
pub(super) fn ticket_problem(t: &IssuedTicket, known: &Known) -> Option<String> {
    if let Some(why) = ticket_id_problem(&t.id) {
        return Some(why);
    }
    let prefix_ok =
        (1..=2).contains(&t.queue.len()) && t.queue.bytes().all(|b| b.is_ascii_uppercase());
    if !prefix_ok {
        return Some(format!(
            "queue {} is not 1 or 2 capital letters",
            quoted(&t.queue)
        ));
    }
    if known
        .prefixes
        .as_ref()
        .is_some_and(|p| !p.contains(&t.queue))
    {
        return Some(format!(
            "queue {} is not one of the office's queues",
            t.queue
        ));
    }
    if t.number == 0 {
        return Some("number 0".into());
    }
    let code_ok = |s: &str, max: usize| {
        !s.is_empty()
            && s.len() <= max
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    if !code_ok(&t.field, MAX_FIELD) {
        return Some(format!("field {} is not a field code", quoted(&t.field)));
    }
    if known.fields.as_ref().is_some_and(|f| !f.contains(&t.field)) {
        return Some(format!("field {} is not a field the office knows", t.field));
    }
    if PriorityGroup::from_code(&t.priority).is_none() {
        return Some(format!(
            "priority {} is not a priority group",
            quoted(&t.priority)
        ));
    }
    if !code_ok(&t.state, MAX_STATE) {
        return Some(format!("state {} is not a ticket state", quoted(&t.state)));
    }
    None
}

/// A value quoted in a reason: escaped, at most 40 characters.
pub(super) fn quoted(value: &str) -> String {
    match value.char_indices().nth(40) {
        Some((cut, _)) => format!("{:?}…", &value[..cut]),
        None => format!("{value:?}"),
    }
}

/// Keeps a refused event aside; false when it was kept before (a replay).
pub(super) fn keep_aside(
    tx: &mut Tx,
    device_id: &str,
    event_id: &str,
    kind: &str,
    payload: &str,
    reason: &str,
    now: &str,
) -> Result<bool> {
    let mut end = payload.len().min(KEPT_PAYLOAD);
    while !payload.is_char_boundary(end) {
        end -= 1;
    }
    let inserted = tx.execute(
        "INSERT INTO rejected_event (id, device_id, kind, payload, reason, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO NOTHING",
        sql_params![event_id, device_id, kind, &payload[..end], reason, now],
    )?;
    Ok(inserted == 1)
}

/// An event kept aside, as `office rejected-events` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedEvent {
    /// The kiosk's event id.
    pub id: String,
    /// The name of the kiosk that sent it.
    pub device: String,
    /// The event kind.
    pub kind: String,
    /// Why it was refused.
    pub reason: String,
    /// The payload as received (its first 2,000 bytes).
    pub payload: String,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
}

impl OfficeStore {
    /// The latest `limit` events kept aside, newest first.
    pub fn rejected_events(&self, limit: u32) -> Result<Vec<RejectedEvent>> {
        self.read(|tx| {
            tx.query(
                "SELECT r.id, d.name, r.kind, r.reason, r.payload, r.received_at
                 FROM rejected_event r JOIN device d ON d.id = r.device_id
                 ORDER BY r.received_at DESC, r.id LIMIT ?1",
                sql_params![i64::from(limit)],
            )?
            .iter()
            .map(|r| {
                Ok(RejectedEvent {
                    id: r.text(0)?,
                    device: r.text(1)?,
                    kind: r.text(2)?,
                    reason: r.text(3)?,
                    payload: r.text(4)?,
                    received_at: parse_ts(&r.text(5)?)?,
                })
            })
            .collect()
        })
    }

    /// How many events were kept aside.
    pub fn rejected_event_count(&self) -> Result<u64> {
        self.read_count("SELECT COUNT(*) FROM rejected_event")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(queue: &str, field: &str, priority: &str) -> IssuedTicket {
        IssuedTicket {
            id: "7d7c3f5e-0b7e-4c1a-9d6f-2f1f3b0a9e11".into(),
            queue: queue.into(),
            number: 3,
            business_date: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
            issued_at: Utc::now(),
            field: field.into(),
            priority: priority.into(),
            state: "waiting".into(),
            follow_token: None,
        }
    }

    #[test]
    fn ticket_ids_are_short_plain_codes() {
        assert_eq!(
            ticket_id_problem("7d7c3f5e-0b7e-4c1a-9d6f-2f1f3b0a9e11"),
            None
        );
        assert_eq!(ticket_id_problem("t-A1"), None);
        for bad in ["", "t\0", "t 1", "=1+1", "<b>", "ệ"] {
            assert!(ticket_id_problem(bad).is_some(), "{bad:?}");
        }
        assert!(ticket_id_problem(&"a".repeat(65)).is_some());
        assert_eq!(ticket_id_problem(&"a".repeat(64)), None);
    }

    #[test]
    fn queue_field_and_priority_are_checked_against_what_the_office_knows() {
        let known = Known::of(&["A", "B"], &["HT", "DD"]);
        assert_eq!(ticket_problem(&ticket("A", "HT", "none"), &known), None);
        assert_eq!(ticket_problem(&ticket("B", "DD", "elderly"), &known), None);
        let reason = |q, f, p| ticket_problem(&ticket(q, f, p), &known).unwrap();
        assert_eq!(
            reason("C", "HT", "none"),
            "queue C is not one of the office's queues"
        );
        assert_eq!(
            reason("=HYPERLINK(\"x\")", "HT", "none"),
            "queue \"=HYPERLINK(\\\"x\\\")\" is not 1 or 2 capital letters"
        );
        assert_eq!(
            reason("A", "XX", "none"),
            "field XX is not a field the office knows"
        );
        assert_eq!(
            reason("A", "+cmd|x", "none"),
            "field \"+cmd|x\" is not a field code"
        );
        assert_eq!(
            reason("A", "HT", "@SUM(A1)"),
            "priority \"@SUM(A1)\" is not a priority group"
        );
        let mut t = ticket("A", "HT", "none");
        t.state = "-1".repeat(40);
        assert!(ticket_problem(&t, &known).unwrap().starts_with("state "));
        t = ticket("A", "HT", "none");
        t.id = "t\0".into();
        assert!(ticket_problem(&t, &known).is_some());
    }

    #[test]
    fn an_office_that_knows_nothing_checks_form_only() {
        let known = Known::default();
        assert_eq!(
            ticket_problem(&ticket("Z", "ANY_FIELD", "none"), &known),
            None
        );
        assert!(ticket_problem(&ticket("a", "HT", "none"), &known).is_some());
        assert!(ticket_problem(&ticket("A", "", "none"), &known).is_some());
        assert!(ticket_problem(&ticket("A", "HT", "vip"), &known).is_some());
    }
}
