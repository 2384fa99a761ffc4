//! Rendering without a display: the same software renderer the board uses, drawn into a
//! buffer. Used by `--screenshot` and the start-up benchmark.

use std::path::Path;
use std::rc::Rc;

use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::PlatformError;
use slint::Rgb8Pixel;

struct HeadlessPlatform {
    window: Rc<MinimalSoftwareWindow>,
    start: std::time::Instant,
}

impl Platform for HeadlessPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, PlatformError> {
        Ok(self.window.clone())
    }

    fn duration_since_start(&self) -> std::time::Duration {
        self.start.elapsed()
    }
}

/// Installs a platform with one off-screen window; call before creating any component.
pub fn install() -> Result<Rc<MinimalSoftwareWindow>, PlatformError> {
    let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
    slint::platform::set_platform(Box::new(HeadlessPlatform {
        window: window.clone(),
        start: std::time::Instant::now(),
    }))
    .map_err(|e| PlatformError::Other(e.to_string()))?;
    Ok(window)
}

/// Draws the window's current frame into an RGB buffer.
pub fn render(window: &MinimalSoftwareWindow) -> (u32, u32, Vec<u8>) {
    slint::platform::update_timers_and_animations();
    let size = window.size();
    let (w, h) = (size.width, size.height);
    let mut buffer = vec![Rgb8Pixel::new(0, 0, 0); (w * h) as usize];
    window.request_redraw();
    window.draw_if_needed(|renderer| {
        renderer.render(&mut buffer, w as usize);
    });
    let bytes = buffer.iter().flat_map(|p| [p.r, p.g, p.b]).collect();
    (w, h, bytes)
}

/// Writes an RGB buffer as a PNG file.
pub fn write_png(path: &Path, width: u32, height: u32, rgb: &[u8]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut enc = png::Encoder::new(file, width, height);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.write_header()?.write_image_data(rgb)?;
    Ok(())
}
