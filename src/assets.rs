//! Files embedded from assets/ so the binary never depends on what the system has installed.

/// Noto Sans Regular (OFL): full Vietnamese coverage, used by the UI and the receipt previews.
pub const FONT_REGULAR: &[u8] = include_bytes!("../assets/fonts/NotoSans-Regular.ttf");
/// Noto Sans Bold (OFL).
pub const FONT_BOLD: &[u8] = include_bytes!("../assets/fonts/NotoSans-Bold.ttf");
