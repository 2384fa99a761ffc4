//! The office server: the office database that owns the shared ticket sequence, applies
//! kiosk events exactly once and keeps what kiosks pull (dossiers, settings, the
//! catalogue), on SQLite or PostgreSQL; the counters (clerks, calls, the display board,
//! ratings, reports); its HTTP API and web pages.

pub mod charts;
pub mod counters;
mod db;
pub mod doctor;
pub mod dossier_export;
pub mod http;
pub mod province;
pub mod province_charts;
pub mod report_charts;
pub mod report_series;
pub mod reports;
pub mod scorecard_charts;
pub mod store;

pub use db::DbTarget;
pub use http::OfficeHandle;
pub use store::{Applied, Device, NumberBlock, OfficeStore, Role, BLOCK_BASE};

#[cfg(test)]
#[path = "../../tests/support/office_db.rs"]
pub(crate) mod test_db;
