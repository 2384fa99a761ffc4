//! The queue ticket: what the citizen takes home from the kiosk.
//!
//! It is sent as text plus a native QR rather than as an image: ~500 bytes instead of ~46 KB,
//! which matters on a 9600-baud serial line without flow control.

use unicode_normalization::UnicodeNormalization;

use super::escpos::{Align, EscPos};
use super::profile::{Profile, FONT_A_CELL_WIDTH};

/// The ticket is always Vietnamese, whatever language the kiosk screen shows.
const HEADING: &str = "SỐ THỨ TỰ CỦA BẠN";
/// Only the fact of priority is printed: the group (disability, pregnancy) is sensitive.
const PRIORITY_LABEL: &str = "SỐ ƯU TIÊN";
/// Marks a copy printed later from the admin view, so two slips with one number are explained.
const REPRINT_LABEL: &str = "BẢN IN LẠI";
const NEXT_IN_LINE: &str = "Bạn là người tiếp theo";
const NOTE_CALL: &str = "Vui lòng chờ gọi số trên màn hình và loa.";
const NOTE_PRIVACY: &str = "Phiếu không chứa thông tin cá nhân.";
/// Under a QR code that leads to the ticket's follow page: what scanning it gives.
const FOLLOW_HINT: &str = "Quét mã để theo dõi lượt trên điện thoại";

/// Beyond this the number only costs paper; 6 × 24 dots is about 18 mm tall.
const NUMBER_MAX_MULTIPLIER: u8 = 6;
/// Normal-width columns kept free beside the number so it never touches the paper edge.
const NUMBER_MARGIN_COLUMNS: u16 = 2;
/// The QR should take about this share of the paper width (numerator, denominator):
/// big enough for an old phone camera, small enough to save paper.
const QR_WIDTH_SHARE: (usize, usize) = (2, 5);
/// Module sizes in dots: below 3 cheap heads smear modules together, above 8 is waste.
const QR_MODULE_MIN: u8 = 3;
const QR_MODULE_MAX: u8 = 8;
/// The blank modules a reader needs around a QR code.
const QR_QUIET_MODULES: u8 = 4;
/// Extra feed after the cutter position, in dots, so the next ticket's top is clean.
const CUT_EXTRA_DOTS: u8 = 16;
/// Without a cutter the ticket is torn off; feed the last line past the tear bar.
const TEAR_OFF_FEED_LINES: u8 = 4;

/// What goes on one queue ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketSlip {
    /// Name of the office, e.g. "Ủy ban nhân dân xã Tân Tiến".
    pub office: String,
    /// The service area the citizen chose.
    pub field: String,
    /// The queue number, e.g. "A012".
    pub number: String,
    /// Local time the ticket was issued.
    pub issued_local: chrono::NaiveDateTime,
    /// People waiting before this one.
    pub ahead: u32,
    /// Estimated wait, when there is enough history to estimate it.
    pub wait_minutes: Option<u32>,
    /// What the QR code holds (a status-page URL; no personal data).
    pub qr_payload: String,
    /// The QR code leads to the ticket's follow page: the slip says so under it.
    pub follow: bool,
    /// Whether the citizen declared a priority group; which group is never printed.
    pub priority: bool,
    /// A copy reprinted by staff after the first print failed.
    pub reprint: bool,
}

/// The complete ESC/POS job for one ticket on the given printer.
pub fn ticket_bytes(slip: &TicketSlip, profile: &Profile) -> Vec<u8> {
    let columns = usize::from(profile.columns().max(1));
    let mut p = EscPos::with_paper(&profile.text_mode, profile.dots);
    p.init().cancel_kanji().align(Align::Center);

    p.bold(true);
    lines(&mut p, &slip.office, columns);
    p.bold(false).lf();

    p.line(HEADING);
    p.size(1, 2).bold(true);
    lines(&mut p, &slip.field, columns);
    let m = number_multiplier(&slip.number, profile.dots);
    p.size(m, m);
    p.line(&slip.number);
    p.size(1, 1).bold(false);

    if slip.priority {
        p.bold(true).line(PRIORITY_LABEL).bold(false);
    }
    if slip.reprint {
        p.line(REPRINT_LABEL);
    }
    p.lf();

    let ahead = match slip.ahead {
        0 => NEXT_IN_LINE.to_string(),
        n => format!("Có {n}\u{A0}người đang chờ trước bạn"),
    };
    lines(&mut p, &ahead, columns);
    match slip.wait_minutes {
        Some(0) => lines(
            &mut p,
            "Thời gian chờ dự kiến: dưới\u{A0}1\u{A0}phút",
            columns,
        ),
        Some(m) => lines(
            &mut p,
            &format!("Thời gian chờ dự kiến: khoảng\u{A0}{m}\u{A0}phút"),
            columns,
        ),
        None => {}
    }
    let issued = format!(
        "Lấy số lúc\u{A0}{}, ngày\u{A0}{}",
        slip.issued_local.format("%H:%M"),
        slip.issued_local.format("%d/%m/%Y")
    );
    lines(&mut p, &issued, columns);
    p.lf();

    let module = qr_module(&slip.qr_payload, profile.dots);
    if profile.native_qr {
        p.qr(&slip.qr_payload, module);
    } else {
        p.qr_raster(&slip.qr_payload, module);
    }
    if slip.follow {
        if profile.native_qr {
            // The printer draws no quiet zone (the sender must leave it, Epson says), and
            // the hint comes closer than the blank line the notes keep.
            p.feed_dots(QR_QUIET_MODULES * module);
        }
        lines(&mut p, FOLLOW_HINT, columns);
    }
    p.lf();

    lines(&mut p, NOTE_CALL, columns);
    lines(&mut p, NOTE_PRIVACY, columns);
    if profile.cutter {
        p.cut(CUT_EXTRA_DOTS);
    } else {
        p.feed(TEAR_OFF_FEED_LINES);
    }
    if p.unencodable() > 0 {
        log::warn!(
            "{} characters of the ticket printed as '?'",
            p.unencodable()
        );
    }
    p.into_bytes()
}

/// A dossier's status on paper, printed on request at the lookup screen: no name, no phone,
/// no procedure, nothing a stranger finding the slip could use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusSlip {
    /// Name of the office.
    pub office: String,
    /// The dossier code.
    pub code: String,
    /// The status in Vietnamese.
    pub status_vi: String,
    /// The promised return time, office-local.
    pub due_local: Option<chrono::NaiveDateTime>,
    /// "Quá hạn", or the timeliness of a resolved dossier; `None` when nothing to say.
    pub verdict_vi: Option<String>,
    /// Where to collect the result.
    pub pickup_place: String,
    /// When the slip was printed, office-local.
    pub printed_local: chrono::NaiveDateTime,
}

/// The complete ESC/POS job for a dossier status slip.
pub fn status_slip_bytes(slip: &StatusSlip, profile: &Profile) -> Vec<u8> {
    let columns = usize::from(profile.columns().max(1));
    let mut p = EscPos::with_paper(&profile.text_mode, profile.dots);
    p.init().cancel_kanji().align(Align::Center);
    p.bold(true);
    lines(&mut p, &slip.office, columns);
    p.lf().size(1, 2);
    p.line("TÌNH TRẠNG HỒ SƠ");
    p.size(1, 1).bold(false).lf();
    lines(&mut p, &format!("Mã hồ sơ: {}", slip.code), columns);
    p.bold(true);
    lines(&mut p, &slip.status_vi, columns);
    p.bold(false);
    if let Some(due) = slip.due_local {
        let due = format!(
            "Hẹn trả: {}, ngày\u{A0}{}",
            due.format("%H:%M"),
            due.format("%d/%m/%Y")
        );
        lines(&mut p, &due, columns);
    }
    if let Some(v) = &slip.verdict_vi {
        lines(&mut p, v, columns);
    }
    if !slip.pickup_place.is_empty() {
        lines(
            &mut p,
            &format!("Nơi nhận kết quả: {}", slip.pickup_place),
            columns,
        );
    }
    p.lf();
    let printed = format!(
        "In lúc\u{A0}{}, ngày\u{A0}{}",
        slip.printed_local.format("%H:%M"),
        slip.printed_local.format("%d/%m/%Y")
    );
    lines(&mut p, &printed, columns);
    lines(&mut p, NOTE_PRIVACY, columns);
    if profile.cutter {
        p.cut(CUT_EXTRA_DOTS);
    } else {
        p.feed(TEAR_OFF_FEED_LINES);
    }
    p.into_bytes()
}

/// A procedure's checklist on paper: what to bring, how long, the fee, where to submit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistSlip {
    /// Name of the office.
    pub office: String,
    /// The procedure's name.
    pub procedure: String,
    /// Its national code, if any.
    pub code: Option<String>,
    /// Documents to bring; empty when the catalogue does not list them.
    pub documents: Vec<String>,
    /// Processing time in words.
    pub processing: String,
    /// The fee in words.
    pub fee: String,
    /// Where to submit.
    pub submit_at: String,
    /// The online service's address, printed as a QR code.
    pub online_url: Option<String>,
}

/// The complete ESC/POS job for a procedure checklist.
pub fn checklist_bytes(slip: &ChecklistSlip, profile: &Profile) -> Vec<u8> {
    let columns = usize::from(profile.columns().max(1));
    let mut p = EscPos::with_paper(&profile.text_mode, profile.dots);
    p.init().cancel_kanji().align(Align::Center);
    p.bold(true);
    lines(&mut p, &slip.office, columns);
    p.lf();
    lines(&mut p, &slip.procedure, columns);
    p.bold(false);
    if let Some(code) = &slip.code {
        lines(&mut p, &format!("Mã thủ tục: {code}"), columns);
    }
    p.lf().align(Align::Left).bold(true);
    p.line("Giấy tờ cần mang:");
    p.bold(false);
    if slip.documents.is_empty() {
        lines(&mut p, "Hỏi tại quầy để biết giấy tờ cần mang.", columns);
    }
    for d in &slip.documents {
        // "[ ] " leaves a box to tick at home; continuation lines are indented under it.
        let wrapped = wrap(d, columns.saturating_sub(4).max(8));
        for (i, line) in wrapped.iter().enumerate() {
            p.line(&format!("{}{line}", if i == 0 { "[ ] " } else { "    " }));
        }
    }
    p.lf();
    lines(
        &mut p,
        &format!("Thời hạn giải quyết: {}", slip.processing),
        columns,
    );
    lines(&mut p, &format!("Lệ phí: {}", slip.fee), columns);
    lines(&mut p, &format!("Nơi nộp: {}", slip.submit_at), columns);
    if let Some(url) = &slip.online_url {
        p.lf().align(Align::Center);
        lines(&mut p, "Nộp trực tuyến: quét mã bằng điện thoại", columns);
        let module = qr_module(url, profile.dots);
        if profile.native_qr {
            p.qr(url, module);
        } else {
            p.qr_raster(url, module);
        }
    }
    if profile.cutter {
        p.cut(CUT_EXTRA_DOTS);
    } else {
        p.feed(TEAR_OFF_FEED_LINES);
    }
    p.into_bytes()
}

/// What the online-routing slip carries: the way to a procedure's online service, with
/// nothing personal on it (docs/online-routing.md).
#[derive(Debug, Clone)]
pub struct OnlineSlip {
    /// Name of the office.
    pub office: String,
    /// The procedure's name.
    pub procedure: String,
    /// Its national code, if any.
    pub code: Option<String>,
    /// The desk no longer takes paper for it.
    pub no_paper: bool,
    /// The steps, in order, numbered on the slip.
    pub steps: Vec<String>,
    /// The online service's address, printed as a QR code.
    pub online_url: String,
}

/// The complete ESC/POS job for an online-routing slip: the procedure, that it is done
/// online, the numbered steps and the QR code, in the checklist's layout and text mode.
pub fn online_slip_bytes(slip: &OnlineSlip, profile: &Profile) -> Vec<u8> {
    let columns = usize::from(profile.columns().max(1));
    let mut p = EscPos::with_paper(&profile.text_mode, profile.dots);
    p.init().cancel_kanji().align(Align::Center);
    p.bold(true);
    lines(&mut p, &slip.office, columns);
    p.lf();
    lines(&mut p, &slip.procedure, columns);
    p.bold(false);
    if let Some(code) = &slip.code {
        lines(&mut p, &format!("Mã thủ tục: {code}"), columns);
    }
    p.lf().bold(true);
    lines(&mut p, "Làm được trực tuyến, tại nhà", columns);
    p.bold(false);
    if slip.no_paper {
        lines(&mut p, "Không nhận hồ sơ giấy tại Bộ phận Một cửa", columns);
    }
    p.lf().align(Align::Left);
    for (i, step) in slip.steps.iter().enumerate() {
        // "1. " then the step; continuation lines are indented under its text.
        let wrapped = wrap(step, columns.saturating_sub(3).max(8));
        for (j, line) in wrapped.iter().enumerate() {
            if j == 0 {
                p.line(&format!("{}. {line}", i + 1));
            } else {
                p.line(&format!("   {line}"));
            }
        }
    }
    p.lf().align(Align::Center);
    let module = qr_module(&slip.online_url, profile.dots);
    if profile.native_qr {
        p.qr(&slip.online_url, module);
    } else {
        p.qr_raster(&slip.online_url, module);
    }
    if profile.cutter {
        p.cut(CUT_EXTRA_DOTS);
    } else {
        p.feed(TEAR_OFF_FEED_LINES);
    }
    p.into_bytes()
}

/// Prints `text` word-wrapped, one LF-terminated line each.
fn lines(p: &mut EscPos, text: &str, columns: usize) {
    for line in wrap(text, columns) {
        p.line(&line);
    }
}

/// Word-wraps to `columns` characters; a word is split only when it is longer than a line.
pub(crate) fn wrap(text: &str, columns: usize) -> Vec<String> {
    let columns = columns.max(1);
    let text: String = text.nfc().collect();
    let mut out = Vec::new();
    let mut line: Vec<char> = Vec::new();
    // No-break spaces hold "15 phút" together; the encoder prints them as plain spaces.
    let breakable = |c: char| c.is_whitespace() && !matches!(c, '\u{A0}' | '\u{202F}');
    for word in text.split(breakable).filter(|w| !w.is_empty()) {
        let chars: Vec<char> = word.chars().collect();
        let mut word: &[char] = &chars;
        while word.len() > columns {
            if !line.is_empty() {
                out.push(line.drain(..).collect());
            }
            out.push(word[..columns].iter().collect());
            word = &word[columns..];
        }
        if line.is_empty() {
            line.extend_from_slice(word);
        } else if line.len() + 1 + word.len() <= columns {
            line.push(' ');
            line.extend_from_slice(word);
        } else {
            out.push(line.drain(..).collect());
            line.extend_from_slice(word);
        }
    }
    if !line.is_empty() {
        out.push(line.into_iter().collect());
    }
    out
}

/// The largest `GS !` multiplier at which the number fits the paper with a margin.
pub(crate) fn number_multiplier(number: &str, dots: u16) -> u8 {
    let chars = number.nfc().count().max(1);
    let usable = usize::from(dots.saturating_sub(NUMBER_MARGIN_COLUMNS * FONT_A_CELL_WIDTH));
    let fit = usable / (chars * usize::from(FONT_A_CELL_WIDTH));
    fit.clamp(1, usize::from(NUMBER_MAX_MULTIPLIER)) as u8
}

/// Module size that makes the QR about [`QR_WIDTH_SHARE`] of the paper width.
fn qr_module(payload: &str, dots: u16) -> u8 {
    let width = qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M)
        .map(|c| c.width())
        .unwrap_or(1);
    let target = usize::from(dots) * QR_WIDTH_SHARE.0 / QR_WIDTH_SHARE.1;
    (target / width.max(1)).clamp(usize::from(QR_MODULE_MIN), usize::from(QR_MODULE_MAX)) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_whole() {
        assert_eq!(
            wrap("Ủy ban nhân dân xã Tân Tiến", 12),
            ["Ủy ban nhân", "dân xã Tân", "Tiến"]
        );
        assert_eq!(wrap("  a   b ", 5), ["a b"]);
        assert_eq!(wrap("", 5), Vec::<String>::new());
        assert_eq!(
            wrap("chờ khoảng 15\u{A0}phút", 10),
            ["chờ khoảng", "15\u{A0}phút"]
        );
    }

    #[test]
    fn wrap_splits_only_overlong_words() {
        assert_eq!(wrap("xã abcdefghij k", 4), ["xã", "abcd", "efgh", "ij k"]);
        for line in wrap("Nghiêngnghiêngnghiêng ngả", 7) {
            assert!(line.chars().count() <= 7);
        }
    }

    #[test]
    fn wrap_counts_letters_not_bytes_or_marks() {
        // NFD input: "Ứ" is three code points but one printed cell.
        let nfd = "U\u{031B}\u{0301}ng U\u{031B}\u{0301}ng";
        assert_eq!(wrap(nfd, 7), ["Ứng Ứng"]);
    }

    #[test]
    fn number_size_follows_paper_and_length() {
        assert_eq!(number_multiplier("A012", 576), 6);
        assert_eq!(number_multiplier("A012", 384), 6);
        assert_eq!(number_multiplier("A01234", 384), 5);
        assert_eq!(number_multiplier("AB-123456789", 384), 2);
        assert_eq!(number_multiplier(&"9".repeat(60), 384), 1);
    }

    #[test]
    fn qr_module_scales_with_paper() {
        let url = "https://motcua.tantien.gov.vn/q/A012?d=20261125&k=7f3a9c2e1b";
        assert!(qr_module(url, 576) > qr_module(url, 384));
        assert!(qr_module(url, 384) >= QR_MODULE_MIN);
    }
}
