//! The serial line is the bottleneck: bytes and transfer time of the reference ticket in each
//! text mode, beside a full-page raster of the same ticket. `cargo bench --bench wire`.
//!
//! Transfer time = bytes × 10 bits ÷ baud (8N1, no flow-control pauses). Also times the
//! encoding itself, which is not the bottleneck.

use std::time::Instant;

#[path = "../tests/support/reference_ticket.rs"]
mod reference_ticket;

use motcua::printer::{decode_with_modes, render, ticket_bytes, Profile, TextMode};

const BAUDS: [u32; 4] = [9600, 19200, 38400, 115200];

fn row(label: &str, bytes: usize, encode_us: Option<f64>) {
    let times: Vec<String> = BAUDS
        .iter()
        .map(|b| format!("{:>8.2} s", bytes as f64 * 10.0 / *b as f64))
        .collect();
    let enc = encode_us.map_or("".into(), |us| format!("{us:>9.1} µs"));
    println!(
        "| {label:<34} | {bytes:>7} | {} | {enc} |",
        times.join(" | ")
    );
}

fn main() {
    let epson = Profile::by_name("epson-tm-t20").unwrap();
    let generic = Profile::by_name("generic-80mm").unwrap();
    let modes = [
        (
            "TCVN-3 (epson, ESC t 30/31)",
            epson.with_mode(TextMode::Tcvn3 {
                lower_page: 30,
                upper_page: 31,
            }),
        ),
        (
            "CP1258 (epson, ESC t 52)",
            epson.with_mode(TextMode::Cp1258 { page: 52 }),
        ),
        (
            "per-line raster (generic 80 mm)",
            generic.with_mode(TextMode::Raster),
        ),
    ];
    println!("| mode | bytes | 9600 | 19200 | 38400 | 115200 | encode |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let s = reference_ticket::reference_slip();
    for (label, profile) in &modes {
        let bytes = ticket_bytes(&s, profile);
        let runs = 200;
        let t = Instant::now();
        for _ in 0..runs {
            std::hint::black_box(ticket_bytes(std::hint::black_box(&s), profile));
        }
        let us = t.elapsed().as_secs_f64() * 1e6 / runs as f64;
        row(label, bytes.len(), Some(us));
    }
    // The same ticket as one full-page image (GS v 0: 8 header bytes + width/8 × height).
    let text = ticket_bytes(&s, &modes[0].1);
    let picture = render(
        &decode_with_modes(&text, &epson.modes),
        epson.dots,
        motcua::assets::FONT_REGULAR,
        motcua::assets::FONT_BOLD,
    );
    let full = 8 + (picture.width as usize).div_ceil(8) * picture.height as usize;
    row(
        &format!(
            "full-page raster ({}×{} dots)",
            picture.width, picture.height
        ),
        full,
        None,
    );

    // Each shipped profile in its default mode: what the kiosk sends by default, and how long
    // it takes at 9600 baud and at the fastest speed the model is set to.
    println!();
    println!("| profile | default mode | bytes | 9600 | at max baud |");
    println!("| --- | --- | ---: | ---: | ---: |");
    for name in Profile::NAMES.iter().filter(|n| **n != "epson-80mm") {
        let p = Profile::by_name(name).unwrap();
        let n = ticket_bytes(&s, &p).len();
        let mode = match p.text_mode {
            TextMode::Tcvn3 {
                lower_page,
                upper_page,
            } => format!("TCVN-3 {lower_page}/{upper_page}"),
            TextMode::Cp1258 { page } => format!("CP1258 {page}"),
            TextMode::Raster => "raster".into(),
        };
        println!(
            "| {name} | {mode} | {n} | {:.2} s | {:.3} s at {} |",
            n as f64 * 10.0 / 9600.0,
            n as f64 * 10.0 / p.max_baud as f64,
            p.max_baud
        );
    }
}
