//! The office server's side (issue 5, in progress): the office database that owns the
//! shared ticket sequence and applies kiosk events exactly once, and its HTTP API. The
//! kiosk's sync loop comes next.

pub mod api;
pub mod protocol;
pub mod store;

pub use store::{Applied, Device, NumberBlock, OfficeStore};
