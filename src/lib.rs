//! motcua: the firmware of a self-service queue kiosk for a Vietnamese commune's one-stop
//! shop. The binary (src/main.rs) is a thin command line over these modules.

pub mod assets;
pub mod catalogue;
pub mod config;
pub mod doctor;
pub mod domain;
pub mod dossier_import;
pub mod kiosk;
pub mod logging;
pub mod office;
pub mod printer;
pub mod store;
pub mod sync;

/// The Slint UI compiled from ui/main.slint.
pub mod ui {
    slint::include_modules!();
}
