//! Files embedded from assets/ so the binary never depends on what the system has installed.

/// Noto Sans Regular (OFL): full Vietnamese coverage, used by the UI and the receipt previews.
pub const FONT_REGULAR: &[u8] = include_bytes!("../assets/fonts/NotoSans-Regular.ttf");
/// Noto Sans Bold (OFL).
pub const FONT_BOLD: &[u8] = include_bytes!("../assets/fonts/NotoSans-Bold.ttf");

/// The display board's voice clips (`assets/voice/*.wav`, listed by build.rs): (name, WAV).
pub const VOICE: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/voice_clips.rs"));
/// The kiosk's guidance clips in Vietnamese (`assets/voice/guide/vi/`): (name, WAV).
pub const GUIDE_VI: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/guide_vi_clips.rs"));
/// The kiosk's guidance clips in English (`assets/voice/guide/en/`): (name, WAV).
pub const GUIDE_EN: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/guide_en_clips.rs"));
