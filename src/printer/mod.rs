//! Thermal receipt printing: queue tickets as ESC/POS bytes, Vietnamese text in TCVN-3, and
//! a decoder plus renderer to check those bytes without a printer.

pub mod decode;
pub mod escpos;
pub mod profile;
pub mod receipt;
pub mod render;
pub mod serial;
pub mod status;
pub mod tcvn3;
pub mod virtual_printer;

/// Bytes → what the paper would show.
pub use decode::{decode, decode_with_pages, Block, Decoded};
/// The command builder and line alignment.
pub use escpos::{Align, EscPos};
/// Printer models.
pub use profile::{Profile, TextMode};
/// The queue ticket layout.
pub use receipt::{ticket_bytes, TicketSlip};
/// Decoded job → picture.
pub use render::{render, render_png, Bitmap};
/// Unicode → TCVN-3 with page switching.
pub use tcvn3::Tcvn3Writer;
/// A printer that saves files.
pub use virtual_printer::VirtualPrinter;
