//! Real-time printer status (`DLE EOT n`): the queries, and what their answers mean.
//!
//! Pure: the transport sends the queries and hands the answers here. A printer answers each
//! query with one byte of the form `0xx1xx10` even when offline; anything else on the line
//! (echo, garbage, automatic status back) is skipped.

use std::fmt;

/// `DLE EOT 1`: printer status (bit 3: offline).
pub const QUERY_PRINTER: [u8; 3] = [0x10, 0x04, 1];
/// `DLE EOT 2`: offline cause (bit 2: cover open, bit 5: stopped by paper end, bit 6: error).
pub const QUERY_OFFLINE_CAUSE: [u8; 3] = [0x10, 0x04, 2];
/// `DLE EOT 4`: paper sensors (0x0C: near end, 0x60: end).
pub const QUERY_PAPER: [u8; 3] = [0x10, 0x04, 4];

/// What the kiosk knows of its printer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrinterState {
    /// Answering and able to print.
    Ready,
    /// Printing works but the roll is nearly used up: staff should change it soon.
    PaperNearEnd,
    /// No paper: nothing can be printed.
    PaperOut,
    /// The cover is open.
    CoverOpen,
    /// Offline for another reason (error, cutter jam, feed button held).
    Offline,
    /// No valid answer to the status queries: unplugged, powered off, wrong port or speed.
    NotAnswering,
}

impl PrinterState {
    /// Whether a job may be sent now.
    pub fn can_print(self) -> bool {
        matches!(self, PrinterState::Ready | PrinterState::PaperNearEnd)
    }

    /// A stable code for logs and the admin view.
    pub fn code(self) -> &'static str {
        match self {
            PrinterState::Ready => "ready",
            PrinterState::PaperNearEnd => "paper_near_end",
            PrinterState::PaperOut => "paper_out",
            PrinterState::CoverOpen => "cover_open",
            PrinterState::Offline => "offline",
            PrinterState::NotAnswering => "not_answering",
        }
    }

    /// What to tell staff, in Vietnamese.
    pub fn describe_vi(self) -> &'static str {
        match self {
            PrinterState::Ready => "Máy in sẵn sàng",
            PrinterState::PaperNearEnd => "Sắp hết giấy in",
            PrinterState::PaperOut => "Hết giấy in",
            PrinterState::CoverOpen => "Nắp máy in đang mở",
            PrinterState::Offline => "Máy in đang tạm dừng (lỗi)",
            PrinterState::NotAnswering => "Máy in không phản hồi",
        }
    }
}

impl fmt::Display for PrinterState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The answers to the three queries; `None` where no valid byte came back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatusReport {
    /// Answer to `DLE EOT 1`.
    pub printer: Option<u8>,
    /// Answer to `DLE EOT 2`.
    pub offline_cause: Option<u8>,
    /// Answer to `DLE EOT 4`.
    pub paper: Option<u8>,
}

/// Whether `b` has the fixed bits of a real-time status answer (`0xx1xx10`).
pub fn is_status_byte(b: u8) -> bool {
    b & 0b1001_0011 == 0b0001_0010
}

/// The first status-shaped byte in what came back after a query, skipping noise.
pub fn find_answer(received: &[u8]) -> Option<u8> {
    received.iter().copied().find(|&b| is_status_byte(b))
}

/// The state the answers describe. The worst condition wins: a printer with its cover open
/// and no paper needs the cover closed first.
pub fn interpret(r: &StatusReport) -> PrinterState {
    let (Some(printer), Some(cause)) = (r.printer, r.offline_cause) else {
        return PrinterState::NotAnswering;
    };
    if cause & 0x04 != 0 {
        return PrinterState::CoverOpen;
    }
    let paper = r.paper.unwrap_or(0x12);
    if cause & 0x20 != 0 || paper & 0x60 != 0 {
        return PrinterState::PaperOut;
    }
    if printer & 0x08 != 0 || cause & 0x40 != 0 {
        return PrinterState::Offline;
    }
    if paper & 0x0C != 0 {
        return PrinterState::PaperNearEnd;
    }
    PrinterState::Ready
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(p: u8, c: u8, paper: u8) -> StatusReport {
        StatusReport {
            printer: Some(p),
            offline_cause: Some(c),
            paper: Some(paper),
        }
    }

    #[test]
    fn documented_answers() {
        assert_eq!(interpret(&report(0x16, 0x12, 0x12)), PrinterState::Ready);
        assert_eq!(
            interpret(&report(0x16, 0x12, 0x1E)),
            PrinterState::PaperNearEnd
        );
        assert_eq!(interpret(&report(0x1E, 0x32, 0x72)), PrinterState::PaperOut);
        assert_eq!(interpret(&report(0x1E, 0x32, 0x7E)), PrinterState::PaperOut);
        assert_eq!(
            interpret(&report(0x1E, 0x16, 0x12)),
            PrinterState::CoverOpen
        );
        assert_eq!(
            interpret(&report(0x1E, 0x36, 0x72)),
            PrinterState::CoverOpen
        );
        assert_eq!(interpret(&report(0x1E, 0x52, 0x12)), PrinterState::Offline);
    }

    #[test]
    fn no_answer_is_not_answering() {
        assert_eq!(
            interpret(&StatusReport::default()),
            PrinterState::NotAnswering
        );
        let half = StatusReport {
            printer: Some(0x16),
            ..Default::default()
        };
        assert_eq!(interpret(&half), PrinterState::NotAnswering);
    }

    #[test]
    fn noise_is_skipped() {
        assert_eq!(find_answer(&[0xFF, 0x00, 0x41, 0x16]), Some(0x16));
        assert_eq!(find_answer(&[0xFF, 0x00, 0x41]), None);
        assert!(!is_status_byte(b'A'));
        assert!(is_status_byte(0x12));
        assert!(is_status_byte(0x7E));
    }

    #[test]
    fn only_ready_states_print() {
        assert!(PrinterState::Ready.can_print());
        assert!(PrinterState::PaperNearEnd.can_print());
        for s in [
            PrinterState::PaperOut,
            PrinterState::CoverOpen,
            PrinterState::Offline,
            PrinterState::NotAnswering,
        ] {
            assert!(!s.can_print(), "{s}");
        }
    }
}
