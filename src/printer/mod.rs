//! Thermal receipt printing: queue tickets as ESC/POS bytes, Vietnamese text in TCVN-3, and
//! a decoder plus renderer to check those bytes without a printer.

pub mod calibration;
pub mod cp1258;
pub mod decode;
pub mod escpos;
pub mod profile;
pub mod raster_text;
pub mod receipt;
pub mod render;
pub mod serial;
pub mod simulator;
pub mod status;
pub mod tcvn3;
pub mod virtual_printer;

/// The installer's calibration page.
pub use calibration::{calibration_bytes, vietnamese_alphabet};
/// Unicode → Windows-1258 with split tone marks.
pub use cp1258::Cp1258Writer;
/// Bytes → what the paper would show.
pub use decode::{
    decode, decode_with_modes, decode_with_options, decode_with_pages, Block, CodePage,
    DecodeOptions, Decoded,
};
/// The command builder and line alignment.
pub use escpos::{Align, EscPos};
/// Printer models.
pub use profile::{Profile, TextMode};
/// The queue ticket layout.
pub use receipt::{
    checklist_bytes, online_slip_bytes, status_slip_bytes, ticket_bytes, ChecklistSlip, OnlineSlip,
    StatusSlip, TicketSlip,
};
/// Decoded job → picture.
pub use render::{render, render_png, Bitmap};
/// Unicode → TCVN-3 with page switching.
pub use tcvn3::Tcvn3Writer;
/// A printer that saves files.
pub use virtual_printer::VirtualPrinter;
