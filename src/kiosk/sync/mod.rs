//! The kiosk's side of the sync with the office server: the HTTP client and the background
//! loop (outbox push, change pull, clock, number blocks). The office's side is `office`.

pub mod client;
pub mod engine;
mod pinned;

pub use client::{OfficeClient, SyncError};
pub use engine::{round, RoundConfig, RoundReport, SyncHandle, SyncStatus};
