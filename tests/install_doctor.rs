//! `motcua doctor` as an installer runs it: every check passes on a sound kiosk, and each
//! failure it is made to see (a broken config, a damaged database, a printer that is not
//! there, an office that does not answer, does not know the token or presents another
//! certificate than the pinned one, no display device)
//! is reported with what to do, and a non-zero exit.

use std::path::Path;
use std::process::Command;

use motcua::config::Config;

struct Run {
    ok: bool,
    out: String,
}

fn doctor(config: &Path, data: &Path, env: &[(&str, &str)]) -> Run {
    let mut c = Command::new(env!("CARGO_BIN_EXE_motcua"));
    c.arg("doctor")
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .env_remove("SLINT_BACKEND")
        .env("DISPLAY", ":0")
        .env("RUST_LOG", "error");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    Run {
        ok: out.status.success(),
        out: String::from_utf8_lossy(&out.stdout).into_owned(),
    }
}

/// The line of a check, e.g. "FAIL  printer …", and the fix line under it.
fn line<'a>(out: &'a str, name: &str) -> &'a str {
    let start = out
        .lines()
        .position(|l| l.get(6..).is_some_and(|r| r.starts_with(name)))
        .unwrap_or_else(|| panic!("no {name} line in\n{out}"));
    let end = out
        .match_indices('\n')
        .nth(start + 1)
        .map_or(out.len(), |(i, _)| i);
    let begin = out
        .match_indices('\n')
        .nth(start.wrapping_sub(1))
        .map_or(0, |(i, _)| i + 1);
    &out[if start == 0 { 0 } else { begin }..end]
}

/// A kiosk with the demo's config (virtual printer) and a store made by a first start.
fn sound_kiosk(dir: &Path, extra: &str) -> std::path::PathBuf {
    let config = dir.join("kiosk.toml");
    std::fs::write(&config, format!("{}{extra}", Config::default_toml(true))).unwrap();
    start_once(&config, &dir.join("data"), &dir.join("first.png"));
    config
}

/// Starts the kiosk, renders its first screen to `shot` and ends (it runs its start-up
/// housekeeping on the way).
fn start_once(config: &Path, data: &Path, shot: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["kiosk", "--config"])
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .arg("--screenshot")
        .arg(shot)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn a_sound_kiosk_passes_every_check() {
    let dir = tempfile::tempdir().unwrap();
    let config = sound_kiosk(dir.path(), "");
    let run = doctor(&config, &dir.path().join("data"), &[]);
    assert!(run.ok, "{}", run.out);
    for name in [
        "config", "database", "printer", "display", "office", "clock",
    ] {
        assert!(line(&run.out, name).starts_with("ok  "), "{}", run.out);
    }
    // The space left is the build machine's: a nearly full disk warns, and that is right.
    let storage = line(&run.out, "storage");
    assert!(
        storage.starts_with("ok  ") || storage.starts_with("WARN"),
        "{}",
        run.out
    );
    assert!(run.out.contains("intact, schema"), "{}", run.out);
    assert!(!run.out.contains("FAIL"), "{}", run.out);
}

#[test]
fn a_broken_config_is_named_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, "[printer]\nkind = \"laser\"\n").unwrap();
    let run = doctor(&config, dir.path(), &[]);
    assert!(!run.ok);
    let l = line(&run.out, "config");
    assert!(l.starts_with("FAIL") && l.contains(":2:"), "{}", run.out);
    assert!(l.contains("default-config"), "{}", run.out);
}

#[test]
fn a_damaged_database_fails_the_integrity_check() {
    let dir = tempfile::tempdir().unwrap();
    let config = sound_kiosk(dir.path(), "");
    let db = dir.path().join("data/kiosk.sqlite3");
    // Keep the header, scribble over the pages behind it.
    let mut bytes = std::fs::read(&db).unwrap();
    for b in bytes.iter_mut().skip(4096) {
        *b = 0x5A;
    }
    std::fs::write(&db, bytes).unwrap();
    let _ = std::fs::remove_file(dir.path().join("data/kiosk.sqlite3-wal"));
    let run = doctor(&config, &dir.path().join("data"), &[]);
    assert!(!run.ok);
    let l = line(&run.out, "database");
    assert!(
        l.starts_with("FAIL") && l.contains("move the file aside"),
        "{}",
        run.out
    );
}

#[test]
fn a_missing_printer_and_an_unreachable_office_say_what_to_check() {
    let dir = tempfile::tempdir().unwrap();
    let config = sound_kiosk(dir.path(), "");
    // The same kiosk, now pointed at a serial printer that is not plugged in and an office
    // nobody listens for.
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("kind = \"virtual\"", "kind = \"serial\"")
        .replace(
            "port = \"/dev/ttyUSB0\"",
            "port = \"/dev/motcua-printer-test-absent\"",
        )
        .replace(
            "[sync]\n",
            "[sync]\noffice_url = \"http://127.0.0.1:9\"\ntoken = \"abc\"\n",
        );
    std::fs::write(&config, text).unwrap();
    let run = doctor(&config, &dir.path().join("data"), &[]);
    assert!(!run.ok);
    let p = line(&run.out, "printer");
    assert!(
        p.starts_with("FAIL") && p.contains("does not exist") && p.contains("udev"),
        "{}",
        run.out
    );
    let o = line(&run.out, "office");
    assert!(
        o.starts_with("FAIL") && o.contains("does not answer") && o.contains("motcua-office"),
        "{}",
        run.out
    );
}

#[test]
fn an_office_that_does_not_know_the_token_is_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let office = motcua::office::http::spawn_with_shutdown(
        dir.path().join("office.sqlite3"),
        "127.0.0.1:0",
        chrono_tz::Asia::Ho_Chi_Minh,
    )
    .unwrap();
    let config = sound_kiosk(dir.path(), "");
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "[sync]\n",
        &format!(
            "[sync]\noffice_url = \"{}\"\ntoken = \"{}\"\n",
            office.url(),
            "0f".repeat(32)
        ),
    );
    std::fs::write(&config, text).unwrap();
    let run = doctor(&config, &dir.path().join("data"), &[]);
    assert!(!run.ok);
    let o = line(&run.out, "office");
    assert!(
        o.starts_with("FAIL") && o.contains("token") && o.contains("enroll-device"),
        "{}",
        run.out
    );
    // The office's clock was read all the same: this board's is right.
    assert!(line(&run.out, "clock").starts_with("ok"), "{}", run.out);
}

/// An office over HTTPS (a certificate made by `office make-cert`) and a kiosk config
/// pinning `pin`, or the certificate itself when `pin` is `None`.
fn pinned_kiosk(
    dir: &Path,
    pin: Option<&str>,
) -> (motcua::office::OfficeHandle, std::path::PathBuf, String) {
    let pair =
        motcua::tls::cert::make_self_signed(&["127.0.0.1".into()], chrono::Utc::now().date_naive())
            .unwrap();
    let (cert, key) = (dir.join("office-cert.pem"), dir.join("office-key.pem"));
    std::fs::write(&cert, &pair.cert_pem).unwrap();
    std::fs::write(&key, &pair.key_pem).unwrap();
    let db = dir.join("office.sqlite3");
    let token = motcua::office::OfficeStore::open(&db)
        .unwrap()
        .enroll_device(
            "K1",
            motcua::office::Role::Kiosk,
            &[motcua::office::store::SiteId(1)],
            chrono::Utc::now(),
        )
        .unwrap()
        .1;
    let options = motcua::office::http::ServeOptions {
        tls: Some(motcua::office::http::TlsFiles { cert, key }),
        ..Default::default()
    };
    let office = motcua::office::http::spawn_with_options(
        &db,
        "127.0.0.1:0",
        chrono_tz::Asia::Ho_Chi_Minh,
        options,
    )
    .unwrap();
    let config = sound_kiosk(dir, "");
    let found = pair.fingerprint.to_string();
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "[sync]\n",
        &format!(
            "[sync]\noffice_url = \"{}\"\ntoken = \"{token}\"\noffice_cert_sha256 = \"{}\"\n",
            office.url(),
            pin.unwrap_or(&found)
        ),
    );
    std::fs::write(&config, text).unwrap();
    (office, config, pair.fingerprint.grouped())
}

#[test]
fn an_office_with_another_certificate_than_the_pinned_one_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let pinned = "0f".repeat(32);
    let (_office, config, found) = pinned_kiosk(dir.path(), Some(&pinned));
    let run = doctor(&config, &dir.path().join("data"), &[]);
    assert!(!run.ok);
    let o = line(&run.out, "office");
    let expected: motcua::tls::Fingerprint = pinned.parse().unwrap();
    assert!(
        o.starts_with("FAIL")
            && o.contains("another certificate than the pinned one")
            && o.contains(&expected.grouped())
            && o.contains(&found)
            && o.contains("office_cert_sha256"),
        "{}",
        run.out
    );
}

#[test]
fn an_office_with_the_pinned_certificate_passes() {
    let dir = tempfile::tempdir().unwrap();
    let (office, config, _) = pinned_kiosk(dir.path(), None);
    let run = doctor(&config, &dir.path().join("data"), &[]);
    let o = line(&run.out, "office");
    assert!(
        o.starts_with("ok") && o.contains("token accepted"),
        "{}",
        run.out
    );
    assert!(o.contains(&office.url()), "{}", run.out);
}

#[test]
fn the_board_backend_needs_a_drm_device() {
    let dir = tempfile::tempdir().unwrap();
    let config = sound_kiosk(dir.path(), "");
    let run = doctor(
        &config,
        &dir.path().join("data"),
        &[("SLINT_BACKEND", "linuxkms")],
    );
    let d = line(&run.out, "display");
    let has_card = std::fs::read_dir("/dev/dri")
        .map(|d| {
            d.flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("card"))
        })
        .unwrap_or(false);
    if has_card {
        assert!(d.contains("/dev/dri/card"), "{}", run.out);
    } else {
        assert!(
            d.starts_with("FAIL") && d.contains("no DRM device"),
            "{}",
            run.out
        );
        assert!(!run.ok);
    }
}

#[test]
fn a_store_over_its_size_bound_warns_and_the_next_start_trims_it() {
    use motcua::domain::dossier::DossierStatus;
    let dir = tempfile::tempdir().unwrap();
    let config = sound_kiosk(dir.path(), "");
    // A small bound, and service on another weekday only: today is quiet, so the kiosk may
    // rebuild its store now.
    let other_day = (chrono::Utc::now() + chrono::TimeDelta::days(3))
        .with_timezone(&chrono_tz::Asia::Ho_Chi_Minh)
        .format("%a")
        .to_string()
        .to_lowercase();
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("max_store_mb = 256", "max_store_mb = 16")
        .replace("always_open = true", "always_open = false")
        .replace(
            r#"days = ["mon", "tue", "wed", "thu", "fri"]"#,
            &format!(r#"days = ["{other_day}"]"#),
        );
    assert!(
        text.contains(&format!(r#"days = ["{other_day}"]"#)),
        "{text}"
    );
    std::fs::write(&config, text).unwrap();
    let data = dir.path().join("data");
    {
        // 20 MB of dossiers that ended long ago, as years of syncing would leave.
        let mut store = motcua::kiosk::open_store(&data).unwrap();
        let now = chrono::Utc::now();
        let records: Vec<_> = (1..=9000)
            .map(|n| motcua::dossier_import::DossierRecord {
                code: motcua::domain::dossier_code::parse_code(&format!(
                    "H15.50.05.13-261120-{n:04}"
                ))
                .unwrap(),
                status: DossierStatus::Returned,
                procedure_code: "1.001193".into(),
                applicant_name: "Lê Văn Cường".into(),
                received_at: now - chrono::TimeDelta::days(800),
                due_at: None,
                due_at_new: None,
                finished_at: Some(now - chrono::TimeDelta::days(700 - i64::from(n) / 20)),
                note: "Ghi chú ".repeat(300),
                pickup_place: "Quầy 1".into(),
                secret: String::new(),
                phone_last4: String::new(),
            })
            .collect();
        store.import_dossiers(&records, now).unwrap();
    }
    let run = doctor(&config, &data, &[]);
    let l = line(&run.out, "database");
    assert!(
        l.starts_with("WARN") && l.contains("of 16 MB") && l.contains("max_store_mb"),
        "{}",
        run.out
    );
    // The kiosk's start trims the store under its bound; the doctor is content.
    start_once(&config, &data, &dir.path().join("again.png"));
    let run = doctor(&config, &data, &[]);
    assert!(
        line(&run.out, "database").starts_with("ok  "),
        "{}",
        run.out
    );
    assert!(run.ok, "{}", run.out);
}
