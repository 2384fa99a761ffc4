//! The reference ticket shared by the printer tests and the wire benchmark
//! (`benches/wire.rs` includes this file by path).
#![allow(dead_code)] // each test crate uses its own part of it

use motcua::printer::TicketSlip;

/// The ticket every printer test and figure is measured on.
pub fn reference_slip() -> TicketSlip {
    TicketSlip {
        office: "Ủy ban nhân dân xã Tân Tiến".into(),
        field: "Hộ tịch: khai sinh, kết hôn, khai tử".into(),
        number: "A012".into(),
        issued_local: chrono::NaiveDate::from_ymd_opt(2026, 11, 25)
            .unwrap()
            .and_hms_opt(8, 15, 0)
            .unwrap(),
        ahead: 5,
        wait_minutes: Some(15),
        qr_payload: "https://motcua.tantien.gov.vn/q/A012?d=20261125&k=7f3a9c2e1b".into(),
        follow: false,
        priority: true,
        reprint: false,
    }
}

/// The text lines the reference ticket decodes to, in order.
pub const REFERENCE_LINES: [&str; 10] = [
    "Ủy ban nhân dân xã Tân Tiến",
    "SỐ THỨ TỰ CỦA BẠN",
    "Hộ tịch: khai sinh, kết hôn, khai tử",
    "A012",
    "SỐ ƯU TIÊN",
    "Có 5 người đang chờ trước bạn",
    "Thời gian chờ dự kiến: khoảng 15 phút",
    "Lấy số lúc 08:15, ngày 25/11/2026",
    "Vui lòng chờ gọi số trên màn hình và loa.",
    "Phiếu không chứa thông tin cá nhân.",
];

/// A grayscale PNG as (width, height, pixels): how the tests read rendered receipts back.
pub fn read_png(path: &std::path::Path) -> (usize, usize, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    buf.truncate(info.buffer_size());
    (info.width as usize, info.height as usize, buf)
}
