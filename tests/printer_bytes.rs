//! The bytes we send to the thermal printer, checked by decoding them with the independent
//! decoder (its own TCVN-3 tables) and by reading the rendered QR code back.

#[path = "support/reference_ticket.rs"]
mod reference_ticket;
use reference_ticket::{read_png, reference_slip, REFERENCE_LINES};
use std::path::{Path, PathBuf};

use motcua::printer::{
    decode, render, ticket_bytes, Block, Profile, Tcvn3Writer, TextMode, TicketSlip, VirtualPrinter,
};
use proptest::prelude::*;
use unicode_normalization::UnicodeNormalization;

const LOWER_PAGE: u8 = 30;
const UPPER_PAGE: u8 = 31;

/// The 12 Vietnamese vowels as base letter + modifier mark (decomposed on purpose).
const BASE_VOWELS: [&str; 12] = [
    "a", "a\u{306}", "a\u{302}", "e", "e\u{302}", "i", "o", "o\u{302}", "o\u{31B}", "u",
    "u\u{31B}", "y",
];
/// No tone, huyền, hỏi, ngã, sắc, nặng.
const TONES: [&str; 6] = ["", "\u{300}", "\u{309}", "\u{303}", "\u{301}", "\u{323}"];

/// Every Vietnamese letter with a diacritic, both cases: 12 vowels × 6 tones − 6 bare
/// a e i o u y = 66 per case, plus Đ đ = 134.
fn vietnamese_letters() -> Vec<char> {
    let mut letters = Vec::new();
    for base in BASE_VOWELS {
        for tone in TONES {
            if base.chars().count() == 1 && tone.is_empty() {
                continue;
            }
            let lower = format!("{base}{tone}");
            let mut upper_base = base.chars();
            let first = upper_base.next().unwrap().to_ascii_uppercase();
            let upper = format!("{first}{}{tone}", upper_base.as_str());
            for s in [lower, upper] {
                let nfc: Vec<char> = s.nfc().collect();
                assert_eq!(nfc.len(), 1, "{s:?} has no precomposed form");
                letters.push(nfc[0]);
            }
        }
    }
    letters.extend(['đ', 'Đ']);
    letters
}

fn encode_line(text: &str) -> (Vec<u8>, Tcvn3Writer) {
    let mut w = Tcvn3Writer::new(LOWER_PAGE, UPPER_PAGE);
    let mut bytes = w.encode(text);
    bytes.push(b'\n');
    (bytes, w)
}

fn roundtrip(text: &str) -> String {
    let (bytes, _) = encode_line(text);
    let d = decode(&bytes);
    assert!(d.warnings.is_empty(), "{text:?}: {:?}", d.warnings);
    let lines = d.text_lines();
    assert_eq!(lines.len(), 1, "{text:?}");
    lines.into_iter().next().unwrap()
}

/// Checks that outside `ESC t n` no byte below 0x20 appears; returns the page switches.
fn assert_clean_text_bytes(bytes: &[u8]) -> usize {
    let mut switches = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1B {
            assert_eq!(bytes.get(i + 1), Some(&b't'), "unexpected command at {i}");
            assert!(matches!(bytes.get(i + 2), Some(&(LOWER_PAGE | UPPER_PAGE))));
            switches += 1;
            i += 3;
        } else {
            assert!(bytes[i] >= 0x20, "control byte 0x{:02X} at {i}", bytes[i]);
            i += 1;
        }
    }
    switches
}

fn assert_no_utf8_or_entities(bytes: &[u8], input: &str) {
    for c in input.chars().filter(|c| !c.is_ascii()) {
        let mut buf = [0; 4];
        let seq = c.encode_utf8(&mut buf).as_bytes();
        assert!(
            !bytes.windows(seq.len()).any(|w| w == seq),
            "UTF-8 of {c:?} leaked into the output"
        );
    }
    if !input.contains("&#") {
        assert!(
            !bytes.windows(2).any(|w| w == b"&#"),
            "HTML entity in the output"
        );
    }
}

#[test]
fn all_134_letters_survive_encode_and_decode() {
    let letters = vietnamese_letters();
    assert_eq!(letters.len(), 134);
    let mut distinct = letters.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 134);

    // A mixed-case "sentence": words of five letters, cases interleaved, with ASCII between.
    let words: Vec<String> = letters
        .chunks(5)
        .enumerate()
        .map(|(i, w)| format!("{}{i}", w.iter().collect::<String>()))
        .collect();
    let sentence = format!("Chữ: {}.", words.join(" "));
    assert_eq!(roundtrip(&sentence), sentence);
    // Decomposed input comes back composed.
    let nfd: String = sentence.nfd().collect();
    assert_eq!(roundtrip(&nfd), sentence);
    // One letter at a time, too, so a wrong byte names the letter.
    for c in letters {
        assert_eq!(roundtrip(&format!("x{c}x")), format!("x{c}x"));
    }
}

#[test]
fn whole_sentences_roundtrip() {
    for s in [
        "Cộng hòa xã hội chủ nghĩa Việt Nam",
        "Độc lập - Tự do - Hạnh phúc",
        "ĐĂNG KÝ KHAI SINH",
        "Thủ tục hành chính: chứng thực bản sao từ bản chính",
        "Người cao tuổi, phụ nữ có thai, người khuyết tật được ưu tiên",
    ] {
        assert_eq!(roundtrip(s), s);
    }
    // Typographic characters the pages lack become ASCII.
    assert_eq!(
        roundtrip("Ủy ban nhân dân xã Tân Tiến — Bộ phận một cửa"),
        "Ủy ban nhân dân xã Tân Tiến - Bộ phận một cửa"
    );
    assert_eq!(roundtrip("“Lệ phí”: 50.000₫…"), "\"Lệ phí\": 50.000d...");
}

#[test]
fn encoded_text_has_no_controls_utf8_or_entities() {
    let input = "Ủy ban\tnhân dân\u{7}\nxã Tân Tiến — “Bộ phận một cửa” Đ đ ẫ Ỵ";
    let (mut bytes, w) = encode_line(input);
    bytes.pop();
    assert_clean_text_bytes(&bytes);
    assert_no_utf8_or_entities(&bytes, input);
    assert_eq!(w.unencodable(), 0);
}

#[test]
fn esc_t_switches_only_when_case_changes() {
    let cases = [
        ("A012 - 08:15, ngay 25/11", 0),
        ("Cộng hòa xã hội chủ nghĩa Việt Nam", 1),
        ("ĐĂNG KÝ KHAI SINH", 1),
        ("Ủy ban nhân dân xã Tân Tiến", 2),
        ("SỐ THỨ TỰ: Đăng ký khai sinh tại Ủy ban", 3),
    ];
    for (text, expected) in cases {
        let (bytes, w) = encode_line(text);
        assert_eq!(w.page_switches(), expected, "{text}");
        assert_eq!(assert_clean_text_bytes(&bytes[..bytes.len() - 1]), expected);
        // Independently: one switch per run of same-case non-ASCII letters.
        let cases: Vec<bool> = text
            .chars()
            .filter(|c| !c.is_ascii() && c.is_alphabetic())
            .map(char::is_uppercase)
            .collect();
        let runs =
            cases.windows(2).filter(|p| p[0] != p[1]).count() + usize::from(!cases.is_empty());
        assert_eq!(runs, expected, "{text}");
    }
    // The page carries over between calls: no switch needed for the second lowercase word.
    let mut w = Tcvn3Writer::new(LOWER_PAGE, UPPER_PAGE);
    w.encode("tiến");
    assert_eq!(w.encode("độ"), [0xAE, 0xE9]);
}

/// Every text line fits the paper without the printer's own wrapping.
fn assert_lines_fit(blocks: &[Block], profile: &Profile) {
    for b in blocks {
        if let Block::Text { text, width, .. } = b {
            let cells = text.chars().count() * usize::from(*width);
            assert!(
                cells <= usize::from(profile.columns()),
                "{text:?} ×{width} is too wide"
            );
        }
    }
}

#[test]
fn reference_ticket_decodes_to_the_vietnamese_texts() {
    let slip = reference_slip();
    let profile = Profile::epson_80mm();
    let bytes = ticket_bytes(&slip, &profile);
    assert!(bytes.len() <= 600, "ticket is {} bytes", bytes.len());
    assert!(
        bytes.starts_with(b"\x1b@\x1c."),
        "job must start with ESC @ FS ."
    );
    assert_no_utf8_or_entities(&bytes, &format!("{slip:?}"));

    let d = decode(&bytes);
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    assert_eq!(d.text_lines(), REFERENCE_LINES);
    assert_lines_fit(&d.blocks, &profile);

    let number = d
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Text {
                text,
                width,
                height,
                ..
            } if text == "A012" => Some((*width, *height)),
            _ => None,
        })
        .unwrap();
    assert!(
        number.0 >= 4 && number.1 >= 4,
        "number printed at {number:?}"
    );
    let field_style = d.blocks.iter().find_map(|b| match b {
        Block::Text {
            text, bold, height, ..
        } if text.starts_with("Hộ tịch") => Some((*bold, *height)),
        _ => None,
    });
    assert_eq!(field_style, Some((true, 2)));

    let qr = d.blocks.iter().find_map(|b| match b {
        Block::Qr {
            payload,
            model,
            level,
            ..
        } => Some((payload.clone(), *model, *level)),
        _ => None,
    });
    assert_eq!(qr, Some((slip.qr_payload.clone(), 2, 'M')));
    assert_eq!(d.blocks.last(), Some(&Block::Cut));
}

#[test]
fn ticket_wording_follows_the_queue_state() {
    let slip = TicketSlip {
        ahead: 0,
        wait_minutes: None,
        priority: false,
        reprint: false,
        ..reference_slip()
    };
    let lines = decode(&ticket_bytes(&slip, &Profile::epson_80mm())).text_lines();
    assert!(
        lines.contains(&"Bạn là người tiếp theo".to_string()),
        "{lines:?}"
    );
    assert!(!lines
        .iter()
        .any(|l| l.contains("Thời gian") || l.contains("ƯU TIÊN")));
}

#[test]
fn long_texts_wrap_on_narrow_paper() {
    let slip = TicketSlip {
        office: "Ủy ban nhân dân xã Tân Tiến, huyện Phú Lương, tỉnh Thái Nguyên".into(),
        field: "Chứng thực bản sao từ bản chính, chữ ký, hợp đồng giao dịch".into(),
        number: "B1234".into(),
        ..reference_slip()
    };
    let profile = Profile::generic_58mm();
    let d = decode(&ticket_bytes(&slip, &profile));
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    assert_lines_fit(&d.blocks, &profile);
    let lines = d.text_lines();
    let office_lines = lines.iter().take_while(|l| !l.starts_with("SỐ")).cloned();
    assert_eq!(office_lines.collect::<Vec<_>>().join(" "), slip.office);
    assert!(lines.contains(&"B1234".to_string()));
}

/// `target/` next to Cargo.toml: the rendered tickets are left there to look at.
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target")
}

fn read_qr(width: usize, height: usize, gray: &[u8]) -> String {
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| gray[y * width + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "expected exactly one QR code");
    grids[0].decode().unwrap().1
}

#[test]
fn rendered_tickets_show_a_readable_qr() {
    for (profile, stem) in [
        (Profile::epson_80mm(), "ticket"),
        (Profile::generic_58mm(), "ticket-58mm"),
    ] {
        let slip = reference_slip();
        let bytes = ticket_bytes(&slip, &profile);
        let printer = VirtualPrinter::new(target_dir(), profile.dots);
        let bin = printer.print(stem, &bytes).unwrap();
        assert_eq!(std::fs::read(&bin).unwrap(), bytes);
        let (w, h, gray) = read_png(&bin.with_extension("png"));
        assert_eq!(w, usize::from(profile.dots));
        assert_eq!(read_qr(w, h, &gray), slip.qr_payload);
        if profile.dots == 384 {
            assert_lines_fit(&decode(&bytes).blocks, &profile);
        }
    }
}

#[test]
fn raster_qr_profile_renders_the_same_payload() {
    let profile = Profile {
        native_qr: false,
        ..Profile::generic_58mm()
    };
    let slip = reference_slip();
    let d = decode(&ticket_bytes(&slip, &profile));
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    assert!(d.blocks.iter().any(|b| matches!(b, Block::Raster { .. })));
    let bitmap = render(
        &d,
        profile.dots,
        motcua::assets::FONT_REGULAR,
        motcua::assets::FONT_BOLD,
    );
    let (w, h) = (bitmap.width as usize, bitmap.height as usize);
    assert_eq!(read_qr(w, h, &bitmap.pixels), slip.qr_payload);
}

/// Golden bytes of the reference ticket on every shipped profile (the alias `epson-80mm`
/// is the TM-T20's file).
///
/// Any change to a ticket's bytes fails this test on purpose: look at the new pictures in
/// `target/golden/` first, then regenerate deliberately with
/// `MOTCUA_BLESS_GOLDEN=1 cargo test --test printer_bytes golden` and commit the new
/// `tests/golden/ticket-*.hex` together with the change that caused it.
#[test]
fn golden_reference_ticket_bytes_per_profile() {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let pictures = target_dir().join("golden");
    std::fs::create_dir_all(&pictures).unwrap();
    let mut changed = Vec::new();
    for name in Profile::NAMES.iter().filter(|n| **n != "epson-80mm") {
        let profile = Profile::by_name(name).unwrap();
        let bytes = ticket_bytes(&reference_slip(), &profile);
        let hex: String = bytes
            .chunks(32)
            .map(|row| {
                let cells: Vec<String> = row.iter().map(|b| format!("{b:02x}")).collect();
                cells.join(" ") + "\n"
            })
            .collect();
        let path = golden.join(format!("ticket-{name}.hex"));
        if std::env::var_os("MOTCUA_BLESS_GOLDEN").is_some() {
            std::fs::write(&path, &hex).unwrap();
        }
        let png = motcua::printer::render_png(
            &motcua::printer::decode_with_modes(&bytes, &profile.modes),
            profile.dots,
            motcua::assets::FONT_REGULAR,
            motcua::assets::FONT_BOLD,
        );
        std::fs::write(pictures.join(format!("ticket-{name}.png")), png).unwrap();
        match std::fs::read_to_string(&path) {
            Ok(expected) if expected == hex => {}
            Ok(_) => changed.push(format!("{name}: bytes changed")),
            Err(e) => changed.push(format!("{}: {e}", path.display())),
        }
    }
    assert!(
        changed.is_empty(),
        "{changed:#?} (see this test's doc comment)"
    );
}

/// Letters and ASCII for round-trip properties.
fn vietnamese_text() -> impl Strategy<Value = String> {
    let mut alphabet = vietnamese_letters();
    alphabet.extend(
        ('a'..='z')
            .chain('A'..='Z')
            .chain("0123456789 .,:;!?-/()'\"".chars()),
    );
    proptest::collection::vec(proptest::sample::select(alphabet), 0..80)
        .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #[test]
    fn random_bytes_never_panic_the_decoder(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = decode(&bytes);
    }

    #[test]
    fn command_shaped_garbage_never_panics(
        parts in proptest::collection::vec(
            prop_oneof![
                Just(vec![0x1B]), Just(vec![0x1D]), Just(vec![0x1C]), Just(vec![0x10]),
                Just(b"\x1d(k".to_vec()), Just(b"\x1dv0".to_vec()), Just(b"\x1dV".to_vec()),
                Just(vec![0x0A]), Just(vec![0xE1, 0xBB, 0xA7]),
                proptest::collection::vec(any::<u8>(), 0..6),
            ],
            0..60,
        )
    ) {
        let bytes = parts.concat();
        let d = decode(&bytes);
        let _ = render(&d, 384, motcua::assets::FONT_REGULAR, motcua::assets::FONT_BOLD);
    }

    #[test]
    fn vietnamese_text_roundtrips(text in vietnamese_text()) {
        let (bytes, _) = encode_line(&text);
        assert_clean_text_bytes(&bytes[..bytes.len() - 1]);
        let d = decode(&bytes);
        prop_assert!(d.warnings.is_empty());
        let expected: String = text.nfc().collect();
        if expected.is_empty() {
            prop_assert!(d.text_lines().is_empty());
        } else {
            prop_assert_eq!(d.text_lines(), vec![expected]);
        }
    }

    #[test]
    fn any_text_encodes_without_control_bytes(text in any::<String>()) {
        let (bytes, _) = encode_line(&text);
        assert_clean_text_bytes(&bytes[..bytes.len() - 1]);
        assert_no_utf8_or_entities(&bytes, &text);
    }
}

#[test]
fn a_reprint_says_so_and_keeps_the_number() {
    let slip = TicketSlip {
        reprint: true,
        ..reference_slip()
    };
    let lines = decode(&ticket_bytes(&slip, &Profile::epson_80mm())).text_lines();
    assert!(lines.contains(&"BẢN IN LẠI".to_string()), "{lines:?}");
    assert!(lines.contains(&"A012".to_string()), "{lines:?}");
    let first = decode(&ticket_bytes(&reference_slip(), &Profile::epson_80mm())).text_lines();
    assert!(!first.iter().any(|l| l.contains("IN LẠI")));
}

/// A public address as long as a commune's real one, and a token of the real length.
const FOLLOW_URL: &str = "https://motcua.xa-tan-tien.gov.vn/t/q3Z0mH7xY1b2Kc9dLf4aQw";
const FOLLOW_HINT: &str = "Quét mã để theo dõi lượt trên điện thoại";

/// The reference ticket whose QR code leads to its follow page.
fn follow_slip() -> TicketSlip {
    TicketSlip {
        qr_payload: FOLLOW_URL.into(),
        follow: true,
        ..reference_slip()
    }
}

/// Every shipped profile (the alias `epson-80mm` is the TM-T20's) in every text mode it
/// offers.
fn profiles_and_text_modes() -> Vec<Profile> {
    Profile::NAMES
        .iter()
        .filter(|n| **n != "epson-80mm")
        .flat_map(|n| {
            let p = Profile::by_name(n).unwrap();
            p.modes.iter().map(|m| p.with_mode(*m)).collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn a_follow_ticket_says_to_scan_and_stays_within_the_wire_budget_in_every_text_mode() {
    for profile in profiles_and_text_modes() {
        let mode = profile.text_mode.label();
        let before = ticket_bytes(&reference_slip(), &profile).len();
        let slip = follow_slip();
        let bytes = ticket_bytes(&slip, &profile);
        let reprint = ticket_bytes(
            &TicketSlip {
                reprint: true,
                ..slip.clone()
            },
            &profile,
        );
        println!(
            "{} {mode}: {before} -> {} bytes ({} reprinted)",
            profile.name,
            bytes.len(),
            reprint.len()
        );
        // Text and a native QR: half a second at 9600 baud. Per-line raster text, or a QR
        // drawn as an image, is the fallback that costs kilobytes anyway.
        if profile.native_qr && profile.text_mode != TextMode::Raster {
            assert!(
                bytes.len() <= 600,
                "{} {mode}: {} bytes",
                profile.name,
                bytes.len()
            );
            assert!(
                reprint.len() <= 600,
                "{} {mode}: {}",
                profile.name,
                reprint.len()
            );
        }
        assert_no_utf8_or_entities(&bytes, &format!("{slip:?}"));
        let d = motcua::printer::decode_with_modes(&bytes, &profile.modes);
        assert!(
            d.warnings.is_empty(),
            "{} {mode}: {:?}",
            profile.name,
            d.warnings
        );
        assert_lines_fit(&d.blocks, &profile);
        if profile.text_mode == TextMode::Raster {
            // Its Vietnamese lines are pictures: the rendered ticket is looked at instead.
            continue;
        }
        // The hint comes right under the QR code, before the notes (wrapped on 58 mm).
        let lines = d.text_lines();
        let call = lines.iter().position(|l| l.starts_with("Vui lòng"));
        let hint = lines[..call.unwrap()]
            .iter()
            .skip_while(|l| !l.starts_with("Quét"))
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(hint, FOLLOW_HINT, "{} {mode}: {lines:?}", profile.name);
        let after_qr = d
            .blocks
            .iter()
            .skip_while(|b| !matches!(b, Block::Qr { .. } | Block::Raster { .. }))
            .find_map(|b| match b {
                Block::Text { text, .. } => Some(text.clone()),
                _ => None,
            })
            .unwrap_or_default();
        assert!(
            !after_qr.is_empty() && FOLLOW_HINT.starts_with(&after_qr),
            "{after_qr:?}"
        );
        if profile.native_qr {
            let qr = d.blocks.iter().find_map(|b| match b {
                Block::Qr {
                    payload, module, ..
                } => Some((payload.clone(), *module)),
                _ => None,
            });
            let (payload, module) = qr.unwrap();
            assert_eq!(payload, FOLLOW_URL);
            // The printer leaves no quiet zone under its QR code: the ticket feeds one.
            let qr_at = d.blocks.iter().position(|b| matches!(b, Block::Qr { .. }));
            assert!(
                matches!(d.blocks[qr_at.unwrap() + 1], Block::Feed { dots } if dots >= 4 * u32::from(module)),
                "{:?}",
                d.blocks[qr_at.unwrap() + 1]
            );
            // 33 modules (see below): at least 3 dots each, as cheap heads need, and no
            // more than half the paper.
            assert!(module >= 3, "{} module {module}", profile.name);
            assert!(usize::from(module) * 33 <= usize::from(profile.dots) / 2);
        }
        // A ticket whose QR code is not a follow page says nothing about scanning.
        let plain = motcua::printer::decode_with_modes(
            &ticket_bytes(&reference_slip(), &profile),
            &profile.modes,
        );
        assert!(!plain.text_lines().iter().any(|l| l.contains("Quét")));
    }
}

#[test]
fn a_follow_tickets_qr_code_reads_back_from_the_picture() {
    for (profile, stem) in [
        (Profile::epson_80mm(), "ticket-follow"),
        (Profile::generic_58mm(), "ticket-follow-58mm"),
        (
            Profile::by_name("netum-zjiang-58mm").unwrap(),
            "ticket-follow-netum-zjiang-58mm",
        ),
        (
            Profile::by_name("rongta-rp326").unwrap(),
            "ticket-follow-rongta-rp326",
        ),
    ] {
        let slip = follow_slip();
        let bytes = ticket_bytes(&slip, &profile);
        let d = motcua::printer::decode_with_modes(&bytes, &profile.modes);
        let png = motcua::printer::render_png(
            &d,
            profile.dots,
            motcua::assets::FONT_REGULAR,
            motcua::assets::FONT_BOLD,
        );
        let path = target_dir().join(format!("{stem}.png"));
        std::fs::create_dir_all(target_dir()).unwrap();
        std::fs::write(&path, png).unwrap();
        let (w, h, gray) = read_png(&path);
        assert_eq!(read_qr(w, h, &gray), FOLLOW_URL, "{stem}");
        // Version 4 (33 modules) at level M holds up to 62 bytes: the address fits, in the
        // same version as the address it replaces.
        let code =
            qrcode::QrCode::with_error_correction_level(FOLLOW_URL, qrcode::EcLevel::M).unwrap();
        assert_eq!(code.width(), 33);
    }
}
