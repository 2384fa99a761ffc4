fn main() {
    // Element lookups in the UI tests need debug info; release builds leave it out.
    let debug = std::env::var("PROFILE")
        .map(|p| p == "debug")
        .unwrap_or(false);
    let config = slint_build::CompilerConfiguration::new()
        .with_bundled_translations("ui/lang")
        .with_debug_info(debug);
    slint_build::compile_with_config("ui/main.slint", config).expect("compile ui/main.slint");
}
