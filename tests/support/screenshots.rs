//! Screenshots of the kiosk's window as PNG files under target/screenshots/, to look at.
#![allow(dead_code)] // each test crate uses its own part of it

use std::path::{Path, PathBuf};

use slint::ComponentHandle;

use motcua::ui::App;

/// target/screenshots/, beside the test binaries' scratch folder.
pub fn screenshots_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("screenshots")
}

/// Writes the window as `<name>-<width>x<height>.png`.
pub fn snapshot(app: &App, name: &str) {
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
