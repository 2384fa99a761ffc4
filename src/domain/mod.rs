//! Pure business rules: no I/O, no clock reads, so each rule is unit-testable on its own.

pub mod clock;
pub mod hours;
pub mod numbering;
pub mod priority;
pub mod text;
pub mod ticket;
pub mod wait;
