//! The command line as an installer meets it: the demo's first start, off-screen rendering,
//! a broken config refused with file and line, and the byte decoder.

use std::path::Path;
use std::process::Command;

fn motcua() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_motcua"));
    c.env("RUST_LOG", "warn");
    c
}

/// `motcua kiosk` with this config file and data directory; returns (success, stderr).
fn kiosk(config: &Path, data_dir: &Path) -> (bool, String) {
    let out = motcua()
        .arg("kiosk")
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data_dir)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn demo_writes_its_config_and_renders_the_home_screen() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("home.png");
    let out = motcua()
        .args(["demo", "--size", "800x480", "--screenshot"])
        .arg(&png)
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config = std::fs::read_to_string(dir.path().join("motcua.toml")).unwrap();
    assert!(config.contains("always_open = true"), "{config}");
    assert!(dir.path().join("kiosk.sqlite3").exists());
    let decoder = png::Decoder::new(std::fs::File::open(&png).unwrap());
    let reader = decoder.read_info().unwrap();
    assert_eq!((reader.info().width, reader.info().height), (800, 480));
}

#[test]
fn a_broken_config_is_refused_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.toml");
    std::fs::write(
        &path,
        "[office]\nname = \"UBND xã Tân Tiến\"\n\n[hours]\nsessions = [{ start = \"07:00\", end = \"25:00\" }]\n",
    )
    .unwrap();
    let (ok, err) = kiosk(&path, dir.path());
    assert!(!ok);
    assert!(
        err.contains(&format!("{}:5:", path.display())),
        "the message must name the file and line 5: {err}"
    );
    // Nothing was created from a config that was refused.
    assert!(!dir.path().join("kiosk.sqlite3").exists());
}

#[test]
fn the_kiosk_refuses_to_start_without_a_config() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, err) = kiosk(&dir.path().join("motcua.toml"), dir.path());
    assert!(!ok);
    assert!(err.contains("not found"), "{err}");
}

#[test]
fn bad_sizes_are_refused() {
    let out = motcua().args(["demo", "--size", "big"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("WIDTHxHEIGHT"));
}

#[test]
fn an_unknown_field_code_or_printer_profile_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.toml");
    std::fs::write(
        &path,
        "[office]\nname = \"UBND xã Tân Tiến\"\n\n[[queues]]\nprefix = \"A\"\nfields = [\"HT\", \"HTX\"]\n",
    )
    .unwrap();
    let (ok, err) = kiosk(&path, dir.path());
    assert!(!ok);
    assert!(err.contains(&format!("{}:6:", path.display())), "{err}");
    assert!(err.contains("HTX"), "{err}");

    std::fs::write(&path, "[printer]\nprofile = \"epson-80\"\n").unwrap();
    let out = motcua()
        .arg("kiosk")
        .arg("--config")
        .arg(&path)
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{}:2:", path.display())), "{err}");
    assert!(
        err.contains("epson-80mm"),
        "the message lists the known profiles: {err}"
    );
}

#[test]
fn printer_decode_renders_a_byte_file_and_prints_its_text() {
    let hex = include_str!("golden/ticket-epson-tm-t20.hex");
    let bytes: Vec<u8> = hex
        .split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("ticket.bin");
    let png = dir.path().join("ticket.png");
    std::fs::write(&bin, bytes).unwrap();
    let out = motcua()
        .args(["printer", "decode"])
        .arg(&bin)
        .arg("--png")
        .arg(&png)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("SỐ THỨ TỰ CỦA BẠN"), "{text}");
    assert!(text.contains("A012"), "{text}");
    assert!(png.exists());
}

#[test]
fn printer_test_writes_a_calibration_page_that_decodes_to_the_alphabet() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("cal.bin");
    let out = motcua()
        .args(["printer", "test", "--profile", "epson-tm-t20", "--out"])
        .arg(&bin)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = dir.path().join("cal.png");
    let out = motcua()
        .args(["printer", "decode", "--profile", "epson-tm-t20"])
        .arg(&bin)
        .arg("--png")
        .arg(&png)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("MODE 1: TCVN-3 (ESC t 30/31)"), "{text}");
    assert!(text.contains("MODE 2: CP1258 (ESC t 52)"), "{text}");
    // Both sections carry the hardest letters intact.
    assert_eq!(text.matches("ư ừ ử ữ ứ ự Ư Ừ Ử Ữ Ứ Ự").count(), 2, "{text}");
    assert!(png.exists());
}

/// Runs `motcua admin-pin` with `pin` on stdin; returns (success, stdout, stderr).
fn admin_pin(pin: &str) -> (bool, String, String) {
    use std::io::Write;
    let mut child = motcua()
        .arg("admin-pin")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{pin}").unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn admin_pin_prints_a_config_line_that_the_kiosk_accepts() {
    let (ok, line, err) = admin_pin("2468");
    assert!(ok, "{err}");
    assert!(line.starts_with("pin_hash = \"$argon2id$"), "{line}");
    assert!(!line.contains("2468"));
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, format!("[admin]\n{line}")).unwrap();
    let parsed = motcua::config::Config::load(&config).unwrap();
    let hash = parsed.admin.pin_hash.unwrap();
    assert!(motcua::kiosk::admin::verify_pin(&hash, "2468"));

    let (ok, _, err) = admin_pin("12");
    assert!(!ok);
    assert!(err.contains("4 to 8 digits"), "{err}");
}
