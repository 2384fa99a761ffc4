//! The link in the store, on both backends: the console links the ticket it serves, a
//! relink replaces the code, the same code is idempotent, another site's ticket is unknown,
//! and the figures count what was linked.

use super::*;
use crate::office::counters::fixtures::*;
use crate::office::counters::Action;
use crate::office::store::S1;
use crate::office::test_db::{both_backends, Backend};

both_backends! {
    the_console_links_the_served_ticket_and_a_relink_replaces_it,
}

fn code(n: u32) -> DossierCode {
    format!("H15.50.05.13-261126-{n:04}").parse().unwrap()
}

fn the_console_links_the_served_ticket_and_a_relink_replaces_it(b: Backend) {
    let mut o = office(b);
    let a1 = o.ticket("A", 1, 0, "none");
    let a2 = o.ticket("A", 2, 1, "none");
    let lan = o.clerk("lan", 1, &["A"], 0);
    // Nothing at the counter yet.
    let e =
        o.s.link_at_counter(&lan, None, &code(1), false, at(2), d())
            .unwrap_err();
    assert_eq!(crate::office::counters::fixtures::code(e), "no_current");
    o.act(&lan, Action::Next, 10).unwrap();
    o.act(&lan, Action::Start, 11).unwrap();
    let l =
        o.s.link_at_counter(&lan, None, &code(1), true, at(12), d())
            .unwrap();
    assert_eq!(
        (l.code.as_str(), l.assisted_online),
        (code(1).as_str(), true)
    );
    let current =
        o.s.counter_view(&lan, at(12), d())
            .unwrap()
            .current
            .unwrap();
    assert_eq!(
        current.dossier.as_ref().map(|d| d.code.clone()),
        Some(l.code.clone())
    );
    // The same code again is the same link; another code replaces it.
    let again =
        o.s.link_at_counter(&lan, Some(&a1), &code(1), true, at(13), d())
            .unwrap();
    assert_eq!(again, l);
    o.act(&lan, Action::Finish, 14).unwrap();
    let relinked =
        o.s.link_at_counter(&lan, Some(&a1), &code(2), false, at(15), d())
            .unwrap();
    assert_eq!(
        (relinked.code.as_str(), relinked.assisted_online),
        (code(2).as_str(), false)
    );
    // A waiting ticket is not at this counter; an unknown one is unknown.
    let e =
        o.s.link_at_counter(&lan, Some(&a2), &code(3), false, at(15), d())
            .unwrap_err();
    assert_eq!(crate::office::counters::fixtures::code(e), "not_at_counter");
    let e =
        o.s.link_ticket(S1, "t-nope", &code(3), LinkSource::Api, None, at(15))
            .unwrap_err();
    assert_eq!(crate::office::counters::fixtures::code(e), "unknown_ticket");
    // The integration links the second ticket to the same dossier: two visits.
    o.s.link_ticket(S1, &a2, &code(2), LinkSource::Api, None, at(16))
        .unwrap();
    let visits = o.s.dossier_visits(S1, &code(2)).unwrap();
    assert_eq!(visits.len(), 2);
    assert_eq!(visits[0].source, "console");
    assert_eq!(visits[1].source, "api");
    assert!(o.s.dossier_visits(S1, &code(1)).unwrap().is_empty());
    let f = o.s.link_figures(S1, d(), d()).unwrap();
    assert_eq!(
        (
            f.visits,
            f.linked_visits,
            f.dossiers,
            f.dossiers_multi_visit
        ),
        (1, 2, 1, 1)
    );
}
