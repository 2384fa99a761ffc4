//! Kiosk events for seeding an office in tests and benchmarks (`benches/counters.rs` includes
//! this file by path).

/// `(event id, ticket payload)` pairs as the batch `OfficeStore::apply_events` takes: each a
/// `ticket.issued` event.
pub fn tickets_issued(events: &[(String, String)]) -> Vec<(&str, &str, &str)> {
    events
        .iter()
        .map(|(id, payload)| {
            let kind = motcua::protocol::EVENT_TICKET_ISSUED;
            (id.as_str(), kind, payload.as_str())
        })
        .collect()
}
