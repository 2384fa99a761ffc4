//! What `deploy/` installs on a board and an office PC: the systemd units pass
//! `systemd-analyze verify` (with the binary built here in place of /usr/bin/motcua), their
//! command lines are ones motcua accepts and runs with the example config, the users file
//! creates the users and groups the units name (systemd-sysusers into a scratch root), and
//! the udev rule names the printer the example config prints to.

#[path = "support/office_process.rs"]
mod office_process;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn deploy(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("deploy")
        .join(file)
}

fn read(file: &str) -> String {
    std::fs::read_to_string(deploy(file)).unwrap()
}

fn tool(name: &str) -> PathBuf {
    for dir in ["/usr/bin", "/bin", "/usr/sbin"] {
        let p = Path::new(dir).join(name);
        if p.exists() {
            return p;
        }
    }
    panic!("{name} is missing: install systemd (apt-get install systemd); .ci/run does it");
}

/// The unit's `ExecStart` words.
fn exec_start(unit: &str) -> Vec<String> {
    exec(unit, "ExecStart").expect("an ExecStart line")
}

/// The words of a unit's `key=` command line (ExecStart, ExecStartPre), if it has one.
fn exec(unit: &str, key: &str) -> Option<Vec<String>> {
    let line = unit
        .lines()
        .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix('=')))?;
    Some(line.split_whitespace().map(str::to_string).collect())
}

/// A unit's value for `key`.
fn value<'a>(unit: &'a str, key: &str) -> Option<&'a str> {
    unit.lines()
        .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
}

#[test]
fn the_units_pass_systemd_analyze_verify_with_the_real_binary() {
    let dir = tempfile::tempdir().unwrap();
    for unit in ["motcua-kiosk.service", "motcua-office.service"] {
        let text = read(unit);
        assert_eq!(exec_start(&text)[0], "/usr/bin/motcua", "{unit}");
        let here = dir.path().join(unit);
        std::fs::write(
            &here,
            text.replace("/usr/bin/motcua", env!("CARGO_BIN_EXE_motcua")),
        )
        .unwrap();
        let out = Command::new(tool("systemd-analyze"))
            .arg("verify")
            .arg(&here)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{unit}: {stderr}");
        assert!(
            !stderr.contains(unit),
            "{unit}: systemd-analyze has remarks:\n{stderr}"
        );
    }
    let kiosk = read("motcua-kiosk.service");
    assert_eq!(value(&kiosk, "Type"), Some("notify"));
    assert_eq!(value(&kiosk, "Restart"), Some("always"));
    assert!(value(&kiosk, "WatchdogSec").is_some());
    assert_eq!(value(&kiosk, "StateDirectory"), Some("motcua"));
    assert_eq!(value(&kiosk, "ProtectSystem"), Some("strict"));
    assert_eq!(value(&kiosk, "Environment"), Some("SLINT_BACKEND=linuxkms"));
}

#[test]
fn the_users_file_creates_the_units_users_and_groups() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("usr/lib/sysusers.d");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(root.path().join("etc")).unwrap();
    std::fs::copy(deploy("motcua.sysusers"), dir.join("motcua.conf")).unwrap();
    let out = Command::new(tool("systemd-sysusers"))
        .arg(format!("--root={}", root.path().display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let passwd = std::fs::read_to_string(root.path().join("etc/passwd")).unwrap();
    let group = std::fs::read_to_string(root.path().join("etc/group")).unwrap();
    for unit in ["motcua-kiosk.service", "motcua-office.service"] {
        let text = read(unit);
        let user = value(&text, "User").unwrap();
        assert!(
            passwd.lines().any(|l| l.starts_with(&format!("{user}:"))),
            "{user} missing:\n{passwd}"
        );
        for g in value(&text, "SupplementaryGroups")
            .unwrap_or("")
            .split_whitespace()
        {
            let line = group
                .lines()
                .find(|l| l.starts_with(&format!("{g}:")))
                .unwrap_or_else(|| panic!("group {g} missing:\n{group}"));
            assert!(
                line.ends_with(user) || line.contains(&format!("{user},")),
                "{line}"
            );
        }
    }
}

#[test]
fn the_kiosk_units_command_line_runs_the_example_config() {
    let words = exec_start(&read("motcua-kiosk.service"));
    let data = tempfile::tempdir().unwrap();
    let shot = data.path().join("first.png");
    // The unit's arguments with the example config and a scratch data directory; a
    // screenshot instead of the screen (no display here).
    let args: Vec<String> = words[1..]
        .iter()
        .map(|w| match w.as_str() {
            "/etc/motcua/kiosk.toml" => deploy("kiosk.toml").display().to_string(),
            "/var/lib/motcua" => data.path().display().to_string(),
            other => other.to_string(),
        })
        .collect();
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(&args)
        .arg("--screenshot")
        .arg(&shot)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(std::fs::read(&shot).unwrap().starts_with(b"\x89PNG"));
    assert!(
        data.path().join("kiosk.sqlite3").exists(),
        "state under the data dir"
    );
}

#[test]
fn the_office_units_command_line_serves() {
    use std::io::{Read, Write};
    let unit = read("motcua-office.service");
    let data = tempfile::tempdir().unwrap();
    // The unit's arguments with a scratch state directory and a port the system picks (the
    // office prints the one it got).
    let args = |words: Vec<String>| -> Vec<String> {
        words[1..]
            .iter()
            .map(|w| {
                w.replace("/var/lib/motcua-office", &data.path().display().to_string())
                    .replace("0.0.0.0:8080", "127.0.0.1:0")
            })
            .collect()
    };
    // ExecStartPre makes the certificate once; a restart keeps it (kiosks pin it).
    let pre = args(exec(&unit, "ExecStartPre").expect("the certificate's ExecStartPre"));
    let cert = data.path().join("office-cert.pem");
    let mut fingerprints = Vec::new();
    for _ in 0..2 {
        let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
            .args(&pre)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        fingerprints.push(motcua::tls::cert::fingerprint_of_file(&cert).unwrap());
    }
    assert_eq!(
        fingerprints[0], fingerprints[1],
        "the certificate was replaced"
    );
    let args = args(exec_start(&unit));
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(&args)
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let first = office_process::first_line(&mut child);
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("https://"))
        .unwrap_or_else(|| panic!("no https address in {first:?}"))
        .to_string();
    // A kiosk pinning the certificate gets the office's health over HTTPS.
    let client = motcua::kiosk::sync::OfficeClient::new(&url, "unused", Duration::from_secs(5))
        .pinned(Some(fingerprints[0]));
    let health = client.health();
    // Plain HTTP on the same port gets no HTTP answer.
    let mut answer = String::new();
    let mut s = std::net::TcpStream::connect(url.trim_start_matches("https://")).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    s.write_all(b"GET /api/v1/health HTTP/1.0\r\n\r\n").unwrap();
    let _ = s.read_to_string(&mut answer);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(health.map(|h| h.status), Ok("ok".to_string()));
    assert!(!answer.contains(" 200 "), "{answer}");
    assert!(data.path().join("office.sqlite3").exists());
}

#[test]
fn the_udev_rule_names_the_printer_the_example_config_uses() {
    let rules = read("99-motcua.rules");
    let active: Vec<&str> = rules
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert!(!active.is_empty());
    for rule in &active {
        assert!(rule.contains("SUBSYSTEM==\"tty\""), "{rule}");
        assert!(rule.contains("ATTRS{idVendor}==\""), "{rule}");
        assert!(rule.contains("ATTRS{idProduct}==\""), "{rule}");
        assert!(rule.contains("SYMLINK+=\"motcua-printer\""), "{rule}");
        // Balanced quotes: a stray one makes udev skip the whole line.
        assert_eq!(rule.matches('"').count() % 2, 0, "{rule}");
    }
    let config = read("kiosk.toml");
    assert!(config.contains("port = \"/dev/motcua-printer\""));
}
