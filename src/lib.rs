//! motcua: the firmware of a self-service queue kiosk for a Vietnamese commune's one-stop
//! shop. The binary (src/main.rs) is a thin command line over these modules.

pub mod assets;
pub mod auth;
pub mod catalogue;
pub mod config;
pub mod domain;
pub mod dossier_import;
pub mod follow;
pub mod kiosk;
pub mod logging;
pub mod office;
pub mod printer;
pub mod protocol;
pub mod tls;

#[cfg(test)]
mod layout_tests;

/// The Slint UI compiled from ui/main.slint.
pub mod ui {
    slint::include_modules!();
}
