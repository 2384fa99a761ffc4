//! The office server's side (issue 5, in progress): the office database that owns the
//! shared ticket sequence and applies kiosk events exactly once. The HTTP API and the
//! kiosk's sync loop come next.

pub mod store;

pub use store::{Applied, Device, NumberBlock, OfficeStore};
