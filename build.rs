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

/// Lists the display board's voice clips (`assets/voice/*.wav`) for the office to embed.
fn voice_clips() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/voice");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut clips: Vec<_> = std::fs::read_dir(&dir)
        .expect("assets/voice exists")
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
    let out =
        std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("voice_clips.rs");
    std::fs::write(out, code).expect("write voice_clips.rs");
}
