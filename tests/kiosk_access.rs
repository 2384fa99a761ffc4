//! The kiosk for citizens who see poorly or not at all: the contrast of every text and
//! background pair of both palettes, computed from the theme's own values; the modes a
//! citizen turns on and their reset for the next citizen; and screenshots of every page in
//! high contrast and in large text at the three sizes (target/screenshots/access-*.png).
//!
//! Slint keeps one platform per process and its UI on one thread, so everything runs in
//! one test function, step by step.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use i_slint_backend_testing::{
    mock_elapsed_time, ElementHandle, TestingBackend, TestingBackendOptions,
};
use slint::{ComponentHandle, Model};

use motcua::config::Config;
use motcua::domain::contrast::{ratio, Rgb, NON_TEXT, TEXT_AAA};
use motcua::kiosk::{self, KioskApp};
use motcua::ui::{AccessAdapter, App, CatalogueAdapter, NavigationAdapter, Page, Theme};

/// 08:30 on Wednesday 25 November 2026 in Asia/Ho_Chi_Minh (UTC+7).
fn wednesday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 1, 30, 0).unwrap()
}

fn find(app: &App, label: &str) -> ElementHandle {
    let found = ElementHandle::find_by_accessible_label(app, label).next();
    found.unwrap_or_else(|| {
        let labels: Vec<String> = i_slint_backend_testing::ElementQuery::from_root(app)
            .match_descendants()
            .find_all()
            .iter()
            .filter_map(|e| e.accessible_label().map(|l| l.to_string()))
            .collect();
        panic!(
            "no element labelled {label:?} on page {:?}: {labels:?}",
            page(app)
        )
    })
}

fn exists(app: &App, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(app, label)
        .next()
        .is_some()
}

/// Taps a choice as a citizen would: when it is off screen, "Xem tiếp bên dưới" pages on
/// until it shows (the test backend only finds what is on screen).
fn tap(app: &App, label: &str) {
    for _ in 0..20 {
        if exists(app, label) || !exists(app, "Xem tiếp bên dưới") {
            break;
        }
        find(app, "Xem tiếp bên dưới").invoke_accessible_default_action();
        mock_elapsed_time(Duration::from_millis(50));
    }
    find(app, label).invoke_accessible_default_action();
}

fn page(app: &App) -> Page {
    app.global::<NavigationAdapter>().get_page()
}

fn screenshots_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("screenshots")
}

fn snapshot(app: &App, name: &str) {
    let buffer = app.window().take_snapshot().expect("snapshot");
    let dir = screenshots_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let size = app.window().size();
    let path = dir.join(format!("{name}-{}x{}.png", size.width, size.height));
    let file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let mut enc = png::Encoder::new(file, buffer.width(), buffer.height());
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    enc.write_header()
        .unwrap()
        .write_image_data(buffer.as_bytes())
        .unwrap();
}

#[test]
fn kiosk_access() {
    // The software renderer, not the mock one: layout uses the embedded fonts' real metrics
    // and snapshots are real pictures.
    slint::platform::set_platform(Box::new(TestingBackend::new(TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    })))
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let at = Arc::new(Mutex::new(wednesday_morning()));
    let clock: kiosk::Clock = {
        let at = at.clone();
        Arc::new(move || *at.lock().unwrap())
    };
    let mut config = Config::default();
    config.kiosk.idle_timeout_seconds = 30;
    let kiosk = KioskApp::new(config, data.path(), clock).unwrap();
    let app = &kiosk.app;
    kiosk::set_size(app, 1080, 1920);
    mock_elapsed_time(Duration::from_millis(100));

    both_palettes_keep_their_contrast(app);
    modes_are_the_citizens_own(app);
    every_page_in_each_mode(app);
}

/// A colour of the theme as the screen shows it.
fn rgb(c: slint::Color) -> Rgb {
    assert_eq!(c.alpha(), 255, "theme colours are opaque");
    Rgb::new(c.red(), c.green(), c.blue())
}

/// Every pair the pages draw, from the theme's values, in both palettes: text at 7:1,
/// boundaries of controls and the guidance ring at 3:1.
fn both_palettes_keep_their_contrast(app: &App) {
    for high_contrast in [false, true] {
        app.global::<AccessAdapter>()
            .set_high_contrast(high_contrast);
        let t = app.global::<Theme>();
        let named = |name: &'static str, c: slint::Color| (name, rgb(c));
        let backgrounds = [
            named("background", t.get_background()),
            named("surface", t.get_surface()),
            named("pressed", t.get_pressed()),
        ];
        let texts = [
            named("text", t.get_text()),
            named("text-muted", t.get_text_muted()),
            named("primary", t.get_primary()),
            named("warning", t.get_warning()),
            named("success", t.get_success()),
        ];
        let mut text_pairs: Vec<_> = texts
            .iter()
            .flat_map(|fg| backgrounds.iter().map(move |bg| (*fg, *bg)))
            .collect();
        let notice = named("notice", t.get_notice());
        text_pairs.extend([
            // The ticket page's "could not print" box.
            (named("warning", t.get_warning()), notice),
            (named("text", t.get_text()), notice),
            (
                named("on-primary", t.get_on_primary()),
                named("primary", t.get_primary()),
            ),
            (
                named("on-primary", t.get_on_primary()),
                named("primary-pressed", t.get_primary_pressed()),
            ),
            (
                named("on-header", t.get_on_header()),
                named("header", t.get_header()),
            ),
            (
                named("on-header", t.get_on_header()),
                named("header-pressed", t.get_header_pressed()),
            ),
            // A mode's toggle while it is on: the header's colour on a filled button.
            (
                named("header", t.get_header()),
                named("on-header", t.get_on_header()),
            ),
        ]);
        let boundary_pairs = [
            (
                named("outline", t.get_outline()),
                named("background", t.get_background()),
            ),
            (
                named("outline", t.get_outline()),
                named("surface", t.get_surface()),
            ),
            (
                named("primary", t.get_primary()),
                named("background", t.get_background()),
            ),
            (
                named("focus", t.get_focus()),
                named("background", t.get_background()),
            ),
            (
                named("focus", t.get_focus()),
                named("surface", t.get_surface()),
            ),
        ];
        let mut failures = Vec::new();
        for (pairs, need) in [(&text_pairs[..], TEXT_AAA), (&boundary_pairs[..], NON_TEXT)] {
            for ((fg_name, fg), (bg_name, bg)) in pairs {
                let r = ratio(*fg, *bg);
                if r < need {
                    failures.push(format!(
                        "{fg_name} {fg} on {bg_name} {bg}: {r:.2}:1, needs {need}:1"
                    ));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "high contrast {high_contrast}:\n{}",
            failures.join("\n")
        );
        assert!(text_pairs.len() >= 20, "every pair is counted");
    }
    // The two palettes really differ: high contrast is light on black.
    let t = app.global::<Theme>();
    assert_eq!(rgb(t.get_background()), Rgb::new(0, 0, 0));
    app.global::<AccessAdapter>().set_high_contrast(false);
    assert_ne!(rgb(t.get_background()), Rgb::new(0, 0, 0));
}

/// The toggles sit on every page, switch the look at once, and the next citizen finds the
/// kiosk as configured.
fn modes_are_the_citizens_own(app: &App) {
    let theme = app.global::<Theme>();
    let body = theme.get_font_body();
    tap(app, "Chữ lớn");
    assert!(app.global::<AccessAdapter>().get_large_text());
    assert!(
        (theme.get_font_body() / body - 1.5).abs() < 1e-3,
        "text 1.5×"
    );
    tap(app, "Tương phản cao");
    assert!(app.global::<AccessAdapter>().get_high_contrast());
    // Every page keeps the toggles within reach.
    tap(app, "Lấy số thứ tự");
    assert_eq!(page(app), Page::Fields);
    find(app, "Tương phản cao");
    find(app, "Chữ lớn");
    find(app, "Hướng dẫn bằng giọng nói");
    // A second tap turns a mode off again.
    tap(app, "Tương phản cao");
    assert!(!app.global::<AccessAdapter>().get_high_contrast());
    tap(app, "Tương phản cao");
    // Home is not the end of the session: the modes stay with the citizen.
    tap(app, "Trang chủ");
    assert_eq!(page(app), Page::Home);
    assert!(app.global::<AccessAdapter>().get_high_contrast());
    assert!(app.global::<AccessAdapter>().get_large_text());
    // The citizen leaves: after the idle timeout the kiosk is home in its normal look.
    mock_elapsed_time(Duration::from_secs(31));
    assert_eq!(page(app), Page::Home);
    let a = app.global::<AccessAdapter>();
    assert!(!a.get_high_contrast() && !a.get_large_text() && !a.get_guidance());
    assert!((theme.get_font_body() / body - 1.0).abs() < 1e-3);
    // A mode turned on at home and left alone is also reset: the idle timer runs at home
    // while a mode is on.
    tap(app, "Chữ lớn");
    mock_elapsed_time(Duration::from_secs(31));
    assert!(!app.global::<AccessAdapter>().get_large_text());
}

/// Turns the modes on or off with their toggles, as a citizen would.
fn set_modes(app: &App, high_contrast: bool, large_text: bool) {
    let a = app.global::<AccessAdapter>();
    if a.get_high_contrast() != high_contrast {
        tap(app, "Tương phản cao");
    }
    if a.get_large_text() != large_text {
        tap(app, "Chữ lớn");
    }
    mock_elapsed_time(Duration::from_millis(50));
}

/// Screenshots of each citizen page in high contrast and in large text (and both), at the
/// three sizes, to look at.
fn every_page_in_each_mode(app: &App) {
    for (mode, hc, large) in [
        ("hc", true, false),
        ("large", false, true),
        ("hc-large", true, true),
    ] {
        for (w, h) in [(1080, 1920), (1920, 1080), (800, 480)] {
            kiosk::set_size(app, w, h);
            app.global::<NavigationAdapter>().invoke_go_home();
            set_modes(app, hc, large);
            let shot = |name: &str| snapshot(app, &format!("access-{mode}-{name}"));
            shot("home");
            tap(app, "Lấy số thứ tự");
            shot("fields");
            tap(app, "Hộ tịch");
            shot("priority");
            tap(app, "Không — lấy số thường");
            assert_eq!(page(app), Page::Ticket);
            shot("ticket");
            app.global::<NavigationAdapter>().invoke_go_home();
            set_modes(app, hc, large);
            tap(app, "Tra cứu hồ sơ");
            shot("lookup");
            app.global::<NavigationAdapter>().invoke_go_home();
            set_modes(app, hc, large);
            tap(app, "Thủ tục hành chính");
            shot("catalogue");
            tap(app, "Hộ tịch");
            shot("procedures");
            // Lists are queried by position; open the longest procedure by its id.
            let procedures = app.global::<CatalogueAdapter>().get_procedures();
            let birth = procedures
                .iter()
                .find(|p| p.name == "Đăng ký khai sinh")
                .unwrap();
            app.global::<CatalogueAdapter>()
                .invoke_open_procedure(birth.id);
            assert_eq!(page(app), Page::Procedure);
            shot("procedure");
            app.global::<NavigationAdapter>().invoke_go_home();
        }
    }
}
