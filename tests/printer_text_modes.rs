//! CP1258 next to TCVN-3: every Vietnamese letter round-trips through each text mode (the
//! decoder's tables are typed independently of the encoders'), the reference ticket stays
//! within the byte budget in every mode of every shipped profile, and the calibration page
//! decodes to the exact alphabet in every section.

#[path = "support/reference_ticket.rs"]
mod reference_ticket;
use reference_ticket::{read_png, reference_slip, REFERENCE_LINES};
use std::path::{Path, PathBuf};

use motcua::printer::{
    calibration_bytes, decode_with_modes, ticket_bytes, vietnamese_alphabet, Block, Cp1258Writer,
    Profile, TextMode, VirtualPrinter,
};
use unicode_normalization::UnicodeNormalization;

/// CP1258 page numbers seen in the field.
const CP1258_PAGES: [u8; 5] = [52, 94, 27, 35, 32];

/// The 134 letters built here from base letters + marks (not from the library's list).
fn letters_from_marks() -> Vec<char> {
    let bases = [
        "a", "a\u{306}", "a\u{302}", "e", "e\u{302}", "i", "o", "o\u{302}", "o\u{31B}", "u",
        "u\u{31B}", "y",
    ];
    let tones = ["", "\u{300}", "\u{309}", "\u{303}", "\u{301}", "\u{323}"];
    let mut out = Vec::new();
    for b in bases {
        for t in tones {
            if b.len() == 1 && t.is_empty() {
                continue;
            }
            for s in [format!("{b}{t}"), format!("{}{t}", b.to_uppercase())] {
                let c: Vec<char> = s.nfc().collect();
                assert_eq!(c.len(), 1, "{s:?}");
                out.push(c[0]);
            }
        }
    }
    out.extend(['đ', 'Đ']);
    out
}

fn one_line(bytes: &[u8], mode: TextMode) -> String {
    let d = decode_with_modes(bytes, &[mode]);
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    let lines = d.text_lines();
    assert_eq!(lines.len(), 1);
    lines.into_iter().next().unwrap()
}

/// No byte below 0x20 outside `ESC t n`, no UTF-8 of the input's letters.
fn assert_clean(bytes: &[u8], input: &str) {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1B {
            assert_eq!(bytes.get(i + 1), Some(&b't'), "command at {i}");
            i += 3;
        } else {
            assert!(bytes[i] >= 0x20, "control byte 0x{:02X} at {i}", bytes[i]);
            i += 1;
        }
    }
    for c in input.chars().filter(|c| !c.is_ascii()) {
        let mut buf = [0; 4];
        let seq = c.encode_utf8(&mut buf).as_bytes();
        assert!(
            !bytes.windows(seq.len()).any(|w| w == seq),
            "UTF-8 of {c:?}"
        );
    }
    assert!(!bytes.windows(2).any(|w| w == b"&#"));
}

#[test]
fn the_alphabet_is_the_same_both_ways() {
    let mut a = vietnamese_alphabet();
    let mut b = letters_from_marks();
    assert_eq!(b.len(), 134);
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[test]
fn every_letter_roundtrips_through_cp1258_on_every_page() {
    for page in CP1258_PAGES {
        let mode = TextMode::Cp1258 { page };
        for c in letters_from_marks() {
            let mut w = Cp1258Writer::new(page);
            let mut bytes = w.encode(&c.to_string());
            assert_eq!(w.unencodable(), 0, "{c}");
            assert_clean(&bytes, &c.to_string());
            assert!(bytes.len() <= 3 + 2, "{c}: {bytes:02X?}");
            bytes.push(b'\n');
            assert_eq!(one_line(&bytes, mode), c.to_string(), "{c} on page {page}");
        }
        // And all of them in one line, NFD input included.
        let all: String = letters_from_marks().into_iter().collect();
        let nfd: String = all.nfd().collect();
        for input in [&all, &nfd] {
            let mut w = Cp1258Writer::new(page);
            let mut bytes = w.encode(input);
            assert_clean(&bytes, input);
            let selects = bytes.windows(2).filter(|x| x == b"\x1bt").count();
            assert_eq!(selects, 1, "ESC t once");
            bytes.push(b'\n');
            assert_eq!(one_line(&bytes, mode), all);
        }
    }
}

#[test]
fn precomposed_only_where_the_table_has_them() {
    let mut w = Cp1258Writer::new(52);
    w.encode("ơ"); // selects the page
                   // In the page: one byte each.
    for c in "àáâăèéêíóôơùúưđÀÁÂĂÈÉÊÍÓÔƠÙÚƯĐ".chars() {
        assert_eq!(w.encode(&c.to_string()).len(), 1, "{c}");
    }
    // Not in the page (their Latin-1 slots hold other letters): letter + tone mark.
    for c in "ãìòõýÃÌÒÕÝ".chars() {
        assert_eq!(w.encode(&c.to_string()).len(), 2, "{c}");
    }
}

#[test]
fn sentences_and_typography_roundtrip() {
    let mode = TextMode::Cp1258 { page: 52 };
    for text in [
        "Ủy ban nhân dân xã Tân Tiến",
        "Thủ tục hành chính – “một cửa” — lệ phí 50.000₫…",
        "ĐĂNG KÝ KẾT HÔN, NGƯỜI ĐƯỢC ỦY QUYỀN",
    ] {
        let mut w = Cp1258Writer::new(52);
        let mut bytes = w.encode(text);
        assert_eq!(w.unencodable(), 0);
        assert_clean(&bytes, text);
        bytes.push(b'\n');
        assert_eq!(one_line(&bytes, mode), text);
    }
}

#[test]
fn reference_ticket_in_every_mode_of_every_profile() {
    for name in Profile::NAMES {
        let profile = Profile::by_name(name).unwrap();
        for &mode in &profile.modes {
            let p = profile.with_mode(mode);
            let bytes = ticket_bytes(&reference_slip(), &p);
            if mode == TextMode::Raster {
                assert!(
                    bytes.len() <= 12 * 1024,
                    "{name} raster: {} bytes",
                    bytes.len()
                );
                continue;
            }
            if p.native_qr {
                assert!(bytes.len() <= 600, "{name} {mode:?}: {} bytes", bytes.len());
            }
            assert!(bytes.starts_with(b"\x1b@\x1c."), "{name}");
            let d = decode_with_modes(&bytes, &[mode]);
            assert!(d.warnings.is_empty(), "{name} {mode:?}: {:?}", d.warnings);
            let text = d.text_lines().join(" ");
            for line in REFERENCE_LINES {
                let words: Vec<&str> = line.split(' ').collect();
                for w in words {
                    assert!(text.contains(w), "{name} {mode:?}: {w:?} missing");
                }
            }
            if let TextMode::Cp1258 { page } = mode {
                let selects: Vec<&[u8]> = bytes
                    .windows(3)
                    .filter(|x| x[0] == 0x1B && x[1] == b't')
                    .collect();
                assert_eq!(selects, [[0x1B, b't', page]], "{name}: ESC t once");
            }
        }
    }
}

#[test]
fn reference_ticket_cp1258_epson_exact_lines() {
    let p = Profile::epson_80mm().with_mode(TextMode::Cp1258 { page: 52 });
    let bytes = ticket_bytes(&reference_slip(), &p);
    assert!(bytes.len() <= 600, "{}", bytes.len());
    let d = decode_with_modes(&bytes, &p.modes);
    assert_eq!(d.text_lines(), REFERENCE_LINES);
    let qr = d.blocks.iter().find_map(|b| match b {
        Block::Qr { payload, .. } => Some(payload.clone()),
        _ => None,
    });
    assert_eq!(qr.as_deref(), Some(reference_slip().qr_payload.as_str()));
}

fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target")
}

#[test]
fn calibration_sections_decode_to_the_alphabet() {
    let alphabet: String = vietnamese_alphabet().into_iter().collect();
    for name in Profile::NAMES {
        let profile = Profile::by_name(name).unwrap();
        let bytes = calibration_bytes(&profile);
        let d = decode_with_modes(&bytes, &profile.modes);
        assert!(d.warnings.is_empty(), "{name}: {:?}", d.warnings);
        let lines = d.text_lines();
        let labels: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].starts_with("MODE "))
            .collect();
        assert_eq!(labels.len(), profile.modes.len(), "{name}");
        for (k, &start) in labels.iter().enumerate() {
            let end = labels.get(k + 1).copied().unwrap_or(lines.len());
            let section = &lines[start + 1..end];
            assert!(lines[start].is_ascii());
            assert!(
                lines[start].contains(&profile.modes[k].label()),
                "{}",
                lines[start]
            );
            if profile.modes[k] == TextMode::Raster {
                // Drawn as images: no text lines (the raster tests check the pictures).
                assert!(section.is_empty(), "{section:?}");
                continue;
            }
            let letters: String = section
                .iter()
                .take_while(|l| !l.starts_with("Thủ"))
                .flat_map(|l| l.chars())
                .filter(|c| *c != ' ')
                .collect();
            // Every non-ASCII letter of the rows, in order, is exactly the alphabet.
            let accented: String = letters.chars().filter(|c| !c.is_ascii()).collect();
            assert_eq!(accented, alphabet, "{name} section {}", k + 1);
            assert!(section.iter().any(|l| l.starts_with("Thủ tục hành chính")));
        }
        assert!(matches!(
            d.blocks.last(),
            Some(Block::Cut | Block::Feed { .. })
        ));
        if profile.cutter {
            assert_eq!(d.blocks.last(), Some(&Block::Cut));
        }
    }
}

#[test]
fn calibration_page_renders() {
    for name in ["generic-80mm", "netum-zjiang-58mm"] {
        let profile = Profile::by_name(name).unwrap();
        let printer = VirtualPrinter::new(target_dir(), profile.dots).with_modes(&profile.modes);
        let bin = printer
            .print(&format!("calibration-{name}"), &calibration_bytes(&profile))
            .unwrap();
        assert!(bin.with_extension("png").exists());
    }
}

#[test]
fn raster_mode_ticket_is_small_and_its_qr_reads_back() {
    for name in ["netum-zjiang-58mm", "generic-80mm", "generic-58mm"] {
        let profile = Profile::by_name(name).unwrap().with_mode(TextMode::Raster);
        let slip = reference_slip();
        let bytes = ticket_bytes(&slip, &profile);
        assert!(bytes.len() <= 12 * 1024, "{name}: {} bytes", bytes.len());
        let d = decode_with_modes(&bytes, &profile.modes);
        assert!(d.warnings.is_empty(), "{name}: {:?}", d.warnings);
        // Only ASCII stays text (the number); everything Vietnamese is an image.
        assert_eq!(d.text_lines(), ["A012"], "{name}");
        let images = d
            .blocks
            .iter()
            .filter(|b| matches!(b, Block::Raster { .. }))
            .count();
        assert!(images >= 9, "{name}: {images} images");
        let printer = VirtualPrinter::new(target_dir(), profile.dots).with_modes(&profile.modes);
        let bin = printer
            .print(&format!("ticket-raster-{name}"), &bytes)
            .unwrap();
        let (w, h, gray) = read_png(&bin.with_extension("png"));
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| gray[y * w + x]);
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1, "{name}: one QR");
        assert_eq!(grids[0].decode().unwrap().1, slip.qr_payload);
    }
}

#[test]
fn print_sizes() {
    // `cargo test --test printer_text_modes print_sizes -- --nocapture` shows the table.
    for name in Profile::NAMES {
        let profile = Profile::by_name(name).unwrap();
        for &mode in &profile.modes {
            let n = ticket_bytes(&reference_slip(), &profile.with_mode(mode)).len();
            println!("{name:20} {:28} {n:6} bytes", mode.label());
        }
    }
}
