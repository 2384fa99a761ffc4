//! The office server's side (issue 5, in progress): the office database that owns the
//! shared ticket sequence, applies kiosk events exactly once and keeps what kiosks pull
//! (dossiers, settings, the catalogue), on SQLite or PostgreSQL, and its HTTP API.

pub mod api;
mod db;
pub mod protocol;
pub mod store;

pub use api::OfficeHandle;
pub use db::DbTarget;
pub use store::{Applied, Device, NumberBlock, OfficeStore, Role, BLOCK_BASE};

#[cfg(test)]
#[path = "../../tests/office_db/mod.rs"]
pub(crate) mod test_db;
