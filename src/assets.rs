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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    /// The `*.wav` files of a folder, by name without `.wav`.
    fn wavs(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "wav"))
            .map(|p| {
                let name = p.file_stem().unwrap().to_string_lossy().to_string();
                (name, std::fs::read(&p).unwrap())
            })
            .collect()
    }

    fn table(t: &[(&str, &[u8])]) -> BTreeMap<String, Vec<u8>> {
        t.iter().map(|(n, b)| (n.to_string(), b.to_vec())).collect()
    }

    #[test]
    fn the_clip_tables_are_the_files_byte_for_byte() {
        // The board's table holds only the folder's own files, none of guide/: the office
        // serves exactly what it served before the guidance came.
        let voice = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/voice");
        assert_eq!(table(super::VOICE), wavs(&voice));
        assert!(super::VOICE.iter().all(|(n, _)| !n.starts_with("g_")));
        assert_eq!(table(super::GUIDE_VI), wavs(&voice.join("guide/vi")));
        assert_eq!(table(super::GUIDE_EN), wavs(&voice.join("guide/en")));
    }
}
