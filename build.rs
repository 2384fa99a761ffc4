fn main() {
    // Element lookups in the UI tests need debug info; release builds leave it out.
    let debug = std::env::var("PROFILE")
        .map(|p| p == "debug")
        .unwrap_or(false);
    let config = slint_build::CompilerConfiguration::new()
        .with_bundled_translations("ui/lang")
        .with_debug_info(debug);
    slint_build::compile_with_config("ui/main.slint", config).expect("compile ui/main.slint");
    voice_clips();
}

/// Lists the voice clips for `src/assets.rs` to embed: the display board's
/// (`assets/voice/*.wav`) and the kiosk's guidance (`assets/voice/guide/{vi,en}/*.wav`).
fn voice_clips() {
    // Read when the script runs, not when it was compiled: a work tree of the same crate
    // sharing this target directory runs the same compiled script.
    let root = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let voice = std::path::Path::new(&root).join("assets/voice");
    clip_table(&voice, "voice_clips.rs");
    clip_table(&voice.join("guide/vi"), "guide_vi_clips.rs");
    clip_table(&voice.join("guide/en"), "guide_en_clips.rs");
}

/// Writes `OUT_DIR/out` as a `&[(name, include_bytes!(path))]` of the WAV files in `dir`,
/// sorted by name.
fn clip_table(dir: &std::path::Path, out: &str) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut clips: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .collect();
    clips.sort();
    let mut code = String::from("&[\n");
    for p in clips {
        let name = p.file_stem().expect("a file name").to_string_lossy();
        code.push_str(&format!(
            "    ({name:?}, include_bytes!({:?})),\n",
            p.display().to_string()
        ));
    }
    code.push_str("]\n");
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join(out);
    std::fs::write(out, code).expect("write a clip table");
}
