//! The counters at the office: clerk accounts and their sessions, each counter's state, the
//! calls clerks make (by the rule in [`crate::domain::calling`]), what the display board and
//! the rating tablets show, and the office's own settings for them (the queues clerks pick
//! from, the calling policy). The views are the JSON the pages get (docs/counters.md).
//!
//! Every action runs in one write transaction that first locks its counter's row, then
//! takes a ticket only with `UPDATE … WHERE state = 'waiting'`: on PostgreSQL a ticket
//! another office process took meanwhile is seen as changed (0 rows) and the choice is made
//! again, so two counters never get one ticket; SQLite has one writer at a time anyway.

mod actions;
mod alerts;
mod bookings;
mod clerk_accounts;
mod clerks;
mod dossier_links;
#[cfg(test)]
pub(super) mod fixtures;
mod follow;
mod gauges;
mod office_config;
mod password_policy;
mod radar;
mod ratings;
mod refused;
mod scorecard;
mod tickets;
mod views;

pub use super::store::{OpenCounter, SESSION_IDLE};
pub use actions::Action;
pub use alerts::{AlertsView, ConsoleAlerts, FollowupFigures, RatingAlert, MAX_NOTE};
pub(in crate::office) use bookings::late_minutes;
pub use bookings::{
    BookRequest, BookableField, Booking, BookingOptions, BookingRefused, DayBooking, DaySlots,
    SlotLeft,
};
pub use clerk_accounts::{ClerkAccount, ClerkLogin};
pub use clerks::{Clerk, ClerkRole, ClerkSession, MAX_COUNTER, READING, SESSION_LIFETIME};
pub use dossier_links::{DossierLink, ExportVisit, LinkFigures, LinkReport, LinkSource, Visit};
pub use follow::{FollowState, FollowView};
pub use gauges::{Gauges, KioskName, QueueGauge};
pub use office_config::{QueueDef, QueueOption};
pub use password_policy::{weakness as password_weakness, MIN_PASSWORD};
pub use radar::{radar_csv, Radar, RadarRow};
pub use ratings::{PendingRating, RateView, RATING_WINDOW, REASONS, SCORES};
pub use refused::Refused;
pub use scorecard::{scorecard_csv, Official, Scorecard, MAX_HISTORY_MONTHS};
pub use tickets::{TicketView, NO_SHOW_GRACE};
pub use views::{
    BoardCall, BoardCounter, BoardView, CallRow, CounterView, NoShowView, WaitingCount,
};
