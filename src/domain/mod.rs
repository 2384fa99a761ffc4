//! Pure business rules: no I/O, no clock reads, so each rule is unit-testable on its own.

pub mod alerts;
pub mod booking;
pub mod calling;
pub mod clock;
pub mod collate;
pub mod contrast;
pub mod dossier;
pub mod dossier_code;
pub mod dossier_link;
pub mod guide;
pub mod hours;
pub mod mask;
pub mod numbering;
pub mod phrases;
pub mod priority;
pub mod radar;
pub mod scorecard;
pub mod search;
pub mod speech;
pub mod telex;
pub mod text;
pub mod ticket;
pub mod wait;
pub mod working_time;
