//! The command line as an installer meets it: the demo's first start, off-screen rendering,
//! a broken config refused with file and line, the byte decoder, imports, and the office's
//! enrolment, dossier import, notice and catalogue commands, `--db` on either side of the office
//! subcommand, and every command the docs show, run as written.

#[path = "support/command.rs"]
mod command;

use command::succeeded;
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
    succeeded(&out);
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
    succeeded(&out);
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
    succeeded(&out);
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
    assert!(motcua::auth::verify_pin(&hash, "2468"));

    let (ok, _, err) = admin_pin("12");
    assert!(!ok);
    assert!(err.contains("4 to 8 digits"), "{err}");
}

/// `motcua import dossiers FILE --data-dir DIR`.
fn import(data_dir: &Path, file: &Path) -> std::process::Output {
    motcua()
        .args(["import", "dossiers"])
        .arg(file)
        .arg("--data-dir")
        .arg(data_dir)
        .output()
        .unwrap()
}

#[test]
fn import_dossiers_reports_bad_rows_by_line_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("dossiers.csv");
    std::fs::write(
        &csv,
        "code,status,procedure_code,applicant_name,received_at,due_at,finished_at,note,pickup_place,secret,phone_last4\n\
         h15.50.05.13-261120-0975,processing,1.001193,Nguyễn Văn An,2026-11-20T08:15:00+07:00,2026-11-24T16:00:00+07:00,,\"Thiếu bản sao, giấy khai sinh\",Quầy 2,7KQ2,4321\n\
         H15.50.05.13-261120-0976,teleported,1.001193,Trần Thị Bình,2026-11-20T08:20:00+07:00,,,,,,\n\
         H15.50.05.13-261120-0977,ready,1.000894,Lê Văn Cường,2026-11-20T09:00:00+07:00,2026-11-25T10:00:00+07:00,2026-11-24T15:00:00+07:00,,Quầy 1,AB12,\n\
         1.001193,received,,X,2026-11-20T09:00:00+07:00,,,,,,\n",
    )
    .unwrap();
    let run = || import(dir.path(), &csv);
    let out = run();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    );
    assert!(!out.status.success(), "some rows were refused");
    assert!(
        stdout.contains("2 new, 0 updated, 0 unchanged; 2 rows refused"),
        "{stdout}"
    );
    assert!(
        stderr.contains("dossiers.csv:3:") && stderr.contains("status"),
        "{stderr}"
    );
    assert!(stderr.contains("dossiers.csv:5:"), "{stderr}");
    // Personal data stays out of the messages.
    assert!(!stderr.contains("Trần Thị Bình"), "{stderr}");

    let again = run();
    let stdout = String::from_utf8_lossy(&again.stdout).to_string();
    assert!(stdout.contains("0 new, 0 updated, 2 unchanged"), "{stdout}");

    let store = motcua::kiosk::store::Store::open(dir.path().join("kiosk.sqlite3")).unwrap();
    assert_eq!(store.dossier_count().unwrap(), 2);
    let d = store.dossier("H15.50.05.13-261120-0975").unwrap().unwrap();
    assert_eq!(d.note, "Thiếu bản sao, giấy khai sinh");
    assert_eq!(d.secret, "7KQ2");

    // The same data as JSON, with one status changed: one update, a new step.
    let json = dir.path().join("changes.json");
    std::fs::write(
        &json,
        r#"[
  {"code": "H15.50.05.13-261120-0975", "status": "ready", "procedure_code": "1.001193",
   "applicant_name": "Nguyễn Văn An", "received_at": "2026-11-20T08:15:00+07:00",
   "due_at": "2026-11-24T16:00:00+07:00", "finished_at": "2026-11-24T11:00:00+07:00",
   "note": "Thiếu bản sao, giấy khai sinh", "pickup_place": "Quầy 2", "secret": "7KQ2", "phone_last4": "4321"}
]"#,
    )
    .unwrap();
    let out = import(dir.path(), &json);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    succeeded(&out);
    assert!(
        stdout.contains("0 new, 1 updated, 0 unchanged; 0 rows refused"),
        "{stdout}"
    );
    let store = motcua::kiosk::store::Store::open(dir.path().join("kiosk.sqlite3")).unwrap();
    let steps = store.dossier_steps("H15.50.05.13-261120-0975").unwrap();
    let statuses: Vec<&str> = steps.iter().map(|s| s.status.code()).collect();
    assert_eq!(statuses, ["received", "processing", "ready"]);

    // A file that is not UTF-8 is refused whole, with what to do.
    let latin = dir.path().join("latin1.csv");
    std::fs::write(&latin, b"code,status,received_at\n\xe9\n").unwrap();
    let out = import(dir.path(), &latin);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("UTF-8"));
}

#[test]
fn office_enrols_and_revokes_a_kiosk() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    let out = motcua()
        .args(["office", "enroll-device", "--name", "Kiosk sảnh", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    succeeded(&out);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(stdout.lines().any(|l| l == "role kiosk"), "{stdout}");
    let token = stdout
        .lines()
        .find_map(|l| l.strip_prefix("token "))
        .expect("a token line")
        .to_string();
    assert_eq!(token.len(), 64);
    let store = motcua::office::OfficeStore::open(&db).unwrap();
    assert_eq!(
        store.device_for_token(&token).unwrap().unwrap().name,
        "Kiosk sảnh"
    );
    drop(store);

    let revoke = |name: &str| {
        motcua()
            .args(["office", "revoke-device", "--name", name, "--db"])
            .arg(&db)
            .output()
            .unwrap()
    };
    assert!(revoke("Kiosk sảnh").status.success());
    let again = revoke("Kiosk sảnh");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("no active device"));
    let store = motcua::office::OfficeStore::open(&db).unwrap();
    assert!(store.device_for_token(&token).unwrap().is_none());
}

/// `motcua office ARGS… --db DB`.
fn office(db: &Path, args: &[&str]) -> std::process::Output {
    motcua()
        .arg("office")
        .args(args)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap()
}

#[test]
fn office_import_dossiers_reports_like_the_kiosk_import_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    let csv = dir.path().join("hoso.csv");
    std::fs::write(
        &csv,
        "code,status,procedure_code,applicant_name,received_at,secret,phone_last4\n\
         h15.50.05.13-261120-0975,processing,1.001193,Nguyễn Văn An,2026-11-20T08:15:00+07:00,7KQ2,4321\n\
         H15.50.05.13-261120-0976,teleported,1.001193,Trần Thị Bình,2026-11-20T08:20:00+07:00,,98765\n\
         H15.50.05.13-261120-0977,ready,1.000894,Lê Văn Cường,2026-11-20T09:00:00+07:00,AB12,\n",
    )
    .unwrap();
    let file = csv.to_str().unwrap();
    let out = office(&db, &["import", "dossiers", file]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    );
    assert!(!out.status.success(), "a row was refused");
    assert!(
        stdout.contains("2 new, 0 updated, 0 unchanged; 1 rows refused"),
        "{stdout}"
    );
    assert!(
        stderr.contains("hoso.csv:3:") && stderr.contains("status"),
        "{stderr}"
    );
    assert!(stderr.contains("phone_last4"), "{stderr}");
    assert!(
        !stderr.contains("Trần Thị Bình") && !stderr.contains("98765"),
        "{stderr}"
    );

    let again = office(&db, &["import", "dossiers", file]);
    let stdout = String::from_utf8_lossy(&again.stdout).to_string();
    assert!(stdout.contains("0 new, 0 updated, 2 unchanged"), "{stdout}");
    let store = motcua::office::OfficeStore::open(&db).unwrap();
    assert_eq!(store.dossier_count().unwrap(), 2);
    assert_eq!(store.rev(S1).unwrap(), 2, "the second run changed nothing");
    let d = store
        .dossier(S1, "H15.50.05.13-261120-0975")
        .unwrap()
        .unwrap();
    assert_eq!(
        (d.secret.as_str(), d.phone_last4.as_str()),
        ("7KQ2", "4321")
    );
    drop(store);

    // A file refused whole creates nothing.
    let other = dir.path().join("other.sqlite3");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"code\": 1}").unwrap();
    let out = office(&other, &["import", "dossiers", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("array"));
    assert!(!other.exists());
}

#[test]
fn office_sets_the_notice_and_refuses_a_broken_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    let out = office(&db, &["set-notice", "--vi", "Nghỉ lễ ngày 2/9"]);
    succeeded(&out);
    let store = motcua::office::OfficeStore::open(&db).unwrap();
    let settings = store.settings(S1).unwrap();
    assert_eq!(
        (settings.notice_vi.as_str(), settings.notice_en.as_str()),
        ("Nghỉ lễ ngày 2/9", "")
    );
    drop(store);
    let out = office(&db, &["set-notice", "--vi", ""]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("cleared"));

    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/catalogue.json");
    let out = office(&db, &["set-catalogue", good.to_str().unwrap()]);
    succeeded(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("procedures"));
    let stored = motcua::office::OfficeStore::open(&db)
        .unwrap()
        .catalogue()
        .unwrap()
        .unwrap();

    // A procedure in a field that does not exist: refused, the stored one kept.
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        r#"{"fields": [{"code": "HT", "name_vi": "Hộ tịch", "name_en": "Civil status", "icon": "f1a2"}],
            "procedures": [{"field": "XX", "code": null, "name_vi": "Thủ tục", "name_en": "P",
                            "processing_days": "1", "fee_vi": "0", "sourced": false}]}"#,
    )
    .unwrap();
    let out = office(&db, &["set-catalogue", broken.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("broken.json") && err.contains("unknown field \"XX\""),
        "{err}"
    );
    std::fs::write(&broken, "{\"fields\": [").unwrap();
    let out = office(&db, &["set-catalogue", broken.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1"));
    let store = motcua::office::OfficeStore::open(&db).unwrap();
    assert_eq!(store.catalogue().unwrap().unwrap(), stored);
}

#[test]
fn office_enrols_an_integration_whose_token_has_that_role() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    let out = office(
        &db,
        &[
            "enroll-device",
            "--name",
            "Cổng dịch vụ công",
            "--integration",
        ],
    );
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(stdout.lines().any(|l| l == "role integration"), "{stdout}");
    let token = stdout
        .lines()
        .find_map(|l| l.strip_prefix("token "))
        .unwrap();
    let store = motcua::office::OfficeStore::open(&db).unwrap();
    assert_eq!(
        store.device_for_token(token).unwrap().unwrap().role,
        motcua::office::Role::Integration
    );
}

/// `motcua office ARGS… --db DB` with `input` on stdin.
fn office_with_input(db: &Path, args: &[&str], input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = motcua()
        .arg("office")
        .args(args)
        .arg("--db")
        .arg(db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn office_adds_clerks_and_sets_queues_and_the_calling_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    let add = |args: &[&str], password: &str| {
        let mut all = vec!["add-clerk", "--username", "lan", "--name", "Nguyễn Thị Lan"];
        all.extend_from_slice(args);
        office_with_input(&db, &all, &format!("{password}\n"))
    };
    let out = add(&["--lead"], "mat-khau-lan");
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("lead"));
    let out = add(&[], "mat-khau-moi");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--replace"));
    let out = add(&["--replace"], "ngan");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 10"));
    let out = add(&["--replace"], "Matkhau@2025");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("list of common passwords"), "{err}");
    let out = add(&["--replace"], "mat-khau-moi");
    assert!(out.status.success(), "{out:?}");
    let store = motcua::office::OfficeStore::open(&db).unwrap();
    let (clerk, hash) = store.clerk_credentials("lan").unwrap().unwrap();
    assert!(!clerk.lead, "replaced without --lead");
    assert!(motcua::auth::verify_pin(&hash, "mat-khau-moi"));
    drop(store);

    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, motcua::config::Config::default_toml(true)).unwrap();
    let out = office(&db, &["set-queues", config.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("queues A, B"));
    let out = office(&db, &["set-queues", "/nonexistent/kiosk.toml"]);
    assert!(!out.status.success());
    let out = office(
        &db,
        &[
            "set-calling",
            "--max-priority-in-row",
            "2",
            "--max-wait-minutes",
            "30",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let out = office(&db, &["set-calling", "--max-wait-minutes", "0"]);
    assert!(!out.status.success(), "a zero wait is refused");
    let store = motcua::office::OfficeStore::open(&db).unwrap();
    let policy = store.call_policy(S1).unwrap();
    assert_eq!(policy.max_priority_in_row, 2);
    assert_eq!(policy.max_wait, chrono::TimeDelta::minutes(30));
    let queues: Vec<String> = store
        .queues(S1)
        .unwrap()
        .into_iter()
        .map(|q| q.prefix)
        .collect();
    assert_eq!(queues[..2], ["A", "B"]);
}

/// Both places `--db` is documented in: after the office subcommand (README, docs/api.md)
/// and before it (docs/counters.md); given in both, the one after the subcommand wins.
#[test]
fn office_takes_the_database_before_or_after_its_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, motcua::config::Config::default_toml(false)).unwrap();
    let csv = dir.path().join("hoso.csv");
    std::fs::write(
        &csv,
        "code,status,procedure_code,applicant_name,received_at\n\
         H15.50.05.13-261120-0975,processing,1.001193,Nguyễn Văn An,2026-11-20T08:15:00+07:00\n",
    )
    .unwrap();
    let (config, csv) = (config.to_str().unwrap(), csv.to_str().unwrap());
    let commands: [&[&str]; 5] = [
        &["add-clerk", "--username", "lan", "--name", "Nguyễn Thị Lan"],
        &["set-queues", config],
        &["enroll-device", "--name", "Kiosk sảnh"],
        &["import", "dossiers", csv],
        &["set-calling", "--max-priority-in-row", "2"],
    ];
    for place in ["before", "after"] {
        let db = dir.path().join(format!("{place}.sqlite3"));
        for args in commands {
            let mut command = motcua();
            command.arg("office");
            if place == "before" {
                command.arg("--db").arg(&db).args(args);
            } else {
                command.args(args).arg("--db").arg(&db);
            }
            let out = run_with_input(command, "mat-khau-lan\n");
            assert!(out.status.success(), "--db {place} {args:?}: {out:?}");
        }
        let store = motcua::office::OfficeStore::open(&db).unwrap();
        assert!(store.clerk_credentials("lan").unwrap().is_some(), "{place}");
        assert_eq!(store.queues(S1).unwrap().len(), 4, "{place}");
        assert_eq!(store.dossier_count().unwrap(), 1, "{place}");
        assert_eq!(store.call_policy(S1).unwrap().max_priority_in_row, 2);
    }

    let (first, second) = (
        dir.path().join("first.sqlite3"),
        dir.path().join("second.sqlite3"),
    );
    let out = motcua()
        .args(["office", "--db"])
        .arg(&first)
        .args(["set-notice", "--vi", "Nghỉ lễ", "--db"])
        .arg(&second)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(second.exists() && !first.exists(), "the later --db wins");

    // Still usage errors, as before: no database at all, and --listen with a subcommand.
    let out = motcua()
        .args(["office", "enroll-device", "--name", "Kiosk sảnh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--db <FILE|URL>"));
    let out = motcua()
        .args([
            "office",
            "--listen",
            "127.0.0.1:0",
            "set-notice",
            "--vi",
            "x",
            "--db",
        ])
        .arg(&first)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(!first.exists());
}

/// `command` with `input` on stdin, collecting its output.
fn run_with_input(mut command: Command, input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A command that reads no stdin may exit before the write.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    child.wait_with_output().unwrap()
}

/// Every `motcua …` command the docs show (README.md, docs/*.md, deploy/README.md, the
/// systemd units and the command line's own help) works as written. Each file's commands
/// run in order in a directory of their own holding the files they name; only what the test
/// machine lacks is swapped: the office's listening address, the printer's device and
/// address, the PostgreSQL server, the board's paths. Commands that serve or simulate run
/// until their first line; the kiosk renders one frame off-screen instead of opening a
/// window. A command that needs hardware or a network may fail, but never with a usage error.
#[test]
fn every_documented_command_works_as_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources: Vec<std::path::PathBuf> = ["README.md", "deploy/README.md"]
        .iter()
        .map(|f| root.join(f))
        .collect();
    for dir in ["docs", "deploy", "src/cli"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if ["md", "service", "rs"].contains(&ext) && !sources.contains(&path) {
                sources.push(path);
            }
        }
    }
    let mut checked = 0;
    for source in &sources {
        let commands = documented_commands(&std::fs::read_to_string(source).unwrap());
        if commands.is_empty() {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        prepare_files(root, dir.path());
        for (line, stdin) in commands {
            let words = substitute(&line, dir.path());
            let what = format!("{}: {line}", source.display());
            check_documented(&words, stdin.as_deref(), dir.path(), &what);
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} commands found in the docs");
}

/// The `motcua …` command lines of a text: whole lines of its code blocks (after `sudo -u
/// USER`, `ExecStartPre=/usr/bin/` or `ExecStart=/usr/bin/`), and inline code spans that give options (`--…`) or
/// stdin (`echo 2468 | motcua …`); references such as `motcua office enroll-device` are not
/// commands. Returns each with the stdin it is documented with.
fn documented_commands(text: &str) -> Vec<(String, Option<String>)> {
    let mut found = Vec::new();
    let mut in_block = false;
    for raw in text.lines() {
        let line = raw.trim();
        if line.starts_with("```") {
            in_block = !in_block;
            continue;
        }
        let start = line
            .strip_prefix("ExecStart=/usr/bin/")
            .or_else(|| line.strip_prefix("ExecStartPre=/usr/bin/"))
            .or_else(|| {
                line.strip_prefix("sudo -u ")
                    .and_then(|r| r.split_once(' '))
                    .map(|(_, r)| r)
            })
            .unwrap_or(line);
        if in_block || line.starts_with("ExecStart") {
            if start.starts_with("motcua ") {
                found.push((strip_comment(start).to_string(), None));
            }
            continue;
        }
        // A pipe inside a markdown table is written `\|`.
        for (i, span) in line.replace("\\|", "|").split('`').enumerate() {
            let (stdin, command) = match span.split_once(" | ") {
                Some((echo, command)) => (
                    echo.strip_prefix("echo ").map(|v| format!("{v}\n")),
                    command.trim_start_matches('\\').trim(),
                ),
                None => (None, span),
            };
            let command = command.trim_end_matches('\\').trim();
            if i % 2 == 1
                && command.starts_with("motcua ")
                && (command.contains(" --") || stdin.is_some())
            {
                found.push((command.to_string(), stdin));
            }
        }
    }
    found
}

/// The line without its trailing `# comment` (a `#` outside quotes after a space).
fn strip_comment(line: &str) -> &str {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '#' if !quoted && line[..i].ends_with(' ') => return line[..i].trim_end(),
            _ => {}
        }
    }
    line
}

/// Shell words of a documented command, with `[optional]` parts given, placeholders filled
/// in and what the test machine lacks swapped for what it has.
fn substitute(line: &str, dir: &Path) -> Vec<String> {
    let dir = dir.to_str().unwrap();
    let mut words = Vec::new();
    let (mut word, mut quoted, mut any) = (String::new(), false, false);
    for c in line.replace(['[', ']'], "").chars() {
        match c {
            '"' => (quoted, any) = (!quoted, true),
            ' ' if !quoted => {
                if any || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                any = false;
            }
            c => word.push(c),
        }
    }
    if any || !word.is_empty() {
        words.push(word);
    }
    let import = words.windows(2).any(|w| w == ["import", "dossiers"]);
    words
        .into_iter()
        .skip(1)
        .map(|w| match w.as_str() {
            "/etc/motcua/kiosk.toml" | "/tmp/kiosk.toml" => format!("{dir}/kiosk.toml"),
            "/var/lib/motcua" => format!("{dir}/data"),
            "/var/lib/motcua-office/office.sqlite3" => format!("{dir}/office.sqlite3"),
            "/var/lib/motcua-office/office-cert.pem" => format!("{dir}/office-cert.pem"),
            "/var/lib/motcua-office/office-key.pem" => format!("{dir}/office-key.pem"),
            "/tmp/motcua-printer" => format!("{dir}/printer-link"),
            "0.0.0.0:8080" => "127.0.0.1:0".to_string(),
            "/dev/ttyUSB0" => format!("{dir}/no-such-printer"),
            "192.168.1.50:9100" => "127.0.0.1:1".to_string(),
            "FILE" if import => "dossiers.csv".to_string(),
            "FILE" => "catalogue.json".to_string(),
            "FILE.bin" => "ticket.bin".to_string(),
            "OUT.png" => "out.png".to_string(),
            "WxH" => "800x480".to_string(),
            "<command>" => "office".to_string(),
            w if w.starts_with("postgres://") => "postgres://motcua@127.0.0.1:1/motcua".to_string(),
            _ => w,
        })
        .collect()
}

/// The files the docs' commands name, in `dir`.
fn prepare_files(root: &Path, dir: &Path) {
    let hex = include_str!("golden/ticket-epson-tm-t20.hex");
    let ticket: Vec<u8> = hex
        .split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect();
    std::fs::write(dir.join("ticket.bin"), ticket).unwrap();
    std::fs::copy(
        root.join("assets/catalogue.json"),
        dir.join("catalogue.json"),
    )
    .unwrap();
    std::fs::write(
        dir.join("dossiers.csv"),
        "code,status,procedure_code,applicant_name,received_at\n\
         H15.50.05.13-261120-0975,processing,1.001193,Nguyễn Văn An,2026-11-20T08:15:00+07:00\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("booking.json"),
        r#"{"queues":[{"queue":"A","days":["mon","tue"],"times":["08:00","08:30"],"per_slot":2}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("alert-rules.json"),
        r#"{"default":{"wait_minutes":30,"waiting":15,"paused_minutes":20,"idle_minutes":10},"queues":{"A":{"wait_minutes":20}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("days-off.json"),
        r#"{"holidays":["2027-02-05","2027-02-08"],"make_up":["2027-02-13"]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("kiosk.toml"),
        motcua::config::Config::default_toml(false),
    )
    .unwrap();
}

/// Runs one documented command in `dir` and checks its outcome.
fn check_documented(words: &[String], stdin: Option<&str>, dir: &Path, what: &str) {
    let mut command = motcua();
    command.current_dir(dir).args(words);
    let serves = words[0] == "office" && words.iter().any(|w| w == "--listen");
    let simulates = words.starts_with(&["printer".into(), "simulate".into()]);
    if serves || simulates {
        use std::io::BufRead;
        let mut child = command
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        let postgres = words.iter().any(|w| w.starts_with("postgres://"));
        assert!(
            !first.is_empty() || postgres,
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("Usage:"),
            "{what}"
        );
        return;
    }
    if ["kiosk", "demo"].contains(&words[0].as_str()) && !words.iter().any(|w| w == "--screenshot")
    {
        command.arg("--screenshot").arg(dir.join("first-frame.png"));
    }
    let input = match (stdin, words[0].as_str()) {
        (Some(input), _) => input,
        (None, "admin-pin") => "2468\n",
        (None, _) => "mat-khau-lan\n",
    };
    let out = run_with_input(command, input);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(
        out.status.code(),
        Some(2),
        "{what}: a usage error: {stderr}"
    );
    assert!(!stderr.contains("Usage:"), "{what}: {stderr}");
    let needs_hardware = words[0] == "doctor"
        || words.iter().any(|w| {
            w.starts_with("postgres://") || w.contains("no-such-printer") || w == "127.0.0.1:1"
        });
    if !needs_hardware {
        assert!(out.status.success(), "{what}: {stderr}");
    }
}
const S1: motcua::office::store::SiteId = motcua::office::store::SiteId(1);
