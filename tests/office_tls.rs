//! The office over HTTPS with a self-signed certificate (`office make-cert`), end to end: a
//! kiosk's real sync engine pinning it (on a SQLite and a PostgreSQL office), a wrong pin
//! refused before anything is sent, plain HTTP refused off loopback unless asked for,
//! `Secure` session cookies under TLS, `enroll-device` printing the pin, and the console
//! and the board working in headless Chromium that trusts only that certificate's key.

#[path = "support/office_db.rs"]
mod office_db;

#[path = "support/browser.rs"]
mod browser;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use motcua::config::Config;
use motcua::domain::priority::PriorityGroup;
use motcua::kiosk::store::{NumberSource, Store};
use motcua::kiosk::sync::{OfficeClient, SyncError, SyncHandle};
use motcua::office::counters::QueueDef;
use motcua::office::http::{spawn_with_options, OfficeHandle, ServeOptions, TlsFiles};
use motcua::office::{OfficeStore, Role};
use motcua::protocol::EVENT_TICKET_ISSUED;
use motcua::tls::Fingerprint;
use office_db::{both_backends, Backend, TestDb};
use serde_json::{json, Value};

both_backends! {
    a_kiosk_pinning_the_made_certificate_syncs_over_https,
    a_wrong_fingerprint_is_refused_and_nothing_reaches_the_office,
    session_cookies_are_secure_under_tls_only,
}

const TZ: Tz = chrono_tz::Asia::Ho_Chi_Minh;
const PASSWORD: &str = "mat-khau-rat-dai-cua-lan";

fn motcua() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_motcua"));
    c.env("RUST_LOG", "warn");
    c
}

/// A certificate pair made by `motcua office make-cert` in `dir`, and the fingerprint it
/// printed for kiosks.
struct CertFiles {
    cert: PathBuf,
    key: PathBuf,
    pin: Fingerprint,
}

fn make_cert(dir: &Path, name: &str) -> CertFiles {
    let (cert, key) = (
        dir.join(format!("{name}-cert.pem")),
        dir.join(format!("{name}-key.pem")),
    );
    let out = motcua()
        .args(["office", "make-cert", "--host", "127.0.0.1", "--host"])
        .arg("office.lan")
        .arg("--cert")
        .arg(&cert)
        .arg("--key")
        .arg(&key)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let pin = printed_pin(&stdout).unwrap_or_else(|| panic!("no fingerprint in {stdout}"));
    assert_eq!(
        pin,
        motcua::tls::cert::fingerprint_of_file(&cert).unwrap(),
        "the printed fingerprint is the certificate's"
    );
    assert!(stdout.contains(&pin.grouped()), "{stdout}");
    CertFiles { cert, key, pin }
}

/// The value of an `office_cert_sha256 = "…"` line.
fn printed_pin(out: &str) -> Option<Fingerprint> {
    let line = out
        .lines()
        .find(|l| l.starts_with("office_cert_sha256 = "))?;
    line.split('"').nth(1)?.parse().ok()
}

fn tls_options(files: &CertFiles) -> ServeOptions {
    ServeOptions {
        tls: Some(TlsFiles {
            cert: files.cert.clone(),
            key: files.key.clone(),
        }),
        ..ServeOptions::default()
    }
}

fn serve_tls(db: &TestDb, files: &CertFiles) -> OfficeHandle {
    let handle = spawn_with_options(db.target(), "127.0.0.1:0", TZ, tls_options(files)).unwrap();
    assert!(
        handle.url().starts_with("https://127.0.0.1:"),
        "{}",
        handle.url()
    );
    handle
}

fn enroll(db: &TestDb, name: &str) -> String {
    let mut store = OfficeStore::open(db.target()).unwrap();
    store
        .enroll_device(name, Role::Kiosk, &[S1], Utc::now())
        .unwrap()
        .1
}

/// A kiosk's data directory and its config, pinned to `pin`.
struct Kiosk {
    dir: tempfile::TempDir,
    config: Config,
}

impl Kiosk {
    fn new(url: &str, token: &str, pin: Fingerprint) -> Kiosk {
        let dir = tempfile::tempdir().unwrap();
        motcua::kiosk::open_store(dir.path()).unwrap();
        let mut config = Config::default();
        config.sync.office_url = Some(url.to_string());
        config.sync.token = Some(token.to_string());
        config.sync.office_cert_sha256 = Some(pin);
        config.sync.interval_seconds = 1;
        Kiosk { dir, config }
    }

    fn db(&self) -> PathBuf {
        motcua::kiosk::database_path(self.dir.path())
    }

    fn start(&self) -> SyncHandle {
        let clock: motcua::kiosk::sync::engine::Clock = Arc::new(Utc::now);
        SyncHandle::start(&self.config, self.db(), clock)
            .unwrap()
            .expect("an office is configured")
    }

    fn issue(&self, store: &mut Store, sync: &SyncHandle, now: DateTime<Utc>) -> NumberSource {
        let numbering = sync.numbering(store, "A", now, TZ);
        let field = self.config.queues[0].fields[0].clone();
        let issued = store
            .issue_ticket_with("A", &field, PriorityGroup::None, now, TZ, numbering)
            .unwrap();
        sync.kick();
        issued.source
    }
}

fn wait_until(what: &str, timeout: Duration, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn a_kiosk_pinning_the_made_certificate_syncs_over_https(b: Backend) {
    let db = TestDb::new(b);
    let files = make_cert(db.dir(), "office");
    let office = serve_tls(&db, &files);
    let kiosk = Kiosk::new(&office.url(), &enroll(&db, "K1"), files.pin);
    let sync = kiosk.start();
    wait_until("the first sync over TLS", Duration::from_secs(30), || {
        sync.status().online
    });
    let mut store = Store::open(kiosk.db()).unwrap();
    for _ in 0..3 {
        assert_eq!(
            kiosk.issue(&mut store, &sync, Utc::now()),
            NumberSource::Office,
            "numbered by the office over HTTPS"
        );
    }
    wait_until("the outbox to drain", Duration::from_secs(30), || {
        sync.status().online && store.outbox_unsent().unwrap() == 0
    });
    let office_store = OfficeStore::open(db.target()).unwrap();
    assert_eq!(office_store.ticket_count().unwrap(), 3);
    assert_eq!(sync.status().mismatch, None);
    // The same port does not speak plain HTTP.
    let plain = format!(
        "{}/api/v1/health",
        office.url().replacen("https", "http", 1)
    );
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(15)))
        .build()
        .into();
    assert!(agent.get(&plain).call().is_err(), "plain HTTP answered");
}

fn a_wrong_fingerprint_is_refused_and_nothing_reaches_the_office(b: Backend) {
    let db = TestDb::new(b);
    let files = make_cert(db.dir(), "office");
    let other = make_cert(db.dir(), "other");
    let office = serve_tls(&db, &files);
    let token = enroll(&db, "K1");
    // The client alone: each call fails with both fingerprints, before any request.
    let client =
        OfficeClient::new(&office.url(), &token, Duration::from_secs(2)).pinned(Some(other.pin));
    let err = client.changes(0).unwrap_err();
    let SyncError::CertificateMismatch(m) = &err else {
        panic!("not a mismatch: {err:?}");
    };
    assert_eq!((m.expected, m.found), (other.pin, files.pin));
    let text = err.to_string();
    assert!(
        text.contains(&other.pin.to_string()) && text.contains(&files.pin.to_string()),
        "{text}"
    );
    assert!(matches!(
        client.health(),
        Err(SyncError::CertificateMismatch(_))
    ));
    // The engine: tickets are numbered from the kiosk's own range, the status says why.
    let kiosk = Kiosk::new(&office.url(), &token, other.pin);
    let sync = kiosk.start();
    wait_until(
        "the mismatch in the status",
        Duration::from_secs(30),
        || sync.status().mismatch.is_some(),
    );
    let status = sync.status();
    assert!(!status.online);
    let mismatch = status.mismatch.unwrap();
    assert_eq!(mismatch.expected, other.pin);
    assert_eq!(mismatch.found, files.pin);
    let mut store = Store::open(kiosk.db()).unwrap();
    let source = kiosk.issue(&mut store, &sync, Utc::now());
    assert_ne!(source, NumberSource::Office);
    let rounds = |s: &SyncHandle| s.status().last_error.clone();
    std::thread::sleep(Duration::from_millis(2500));
    assert!(rounds(&sync).is_some_and(|e| e.contains("not the pinned one")));
    assert_eq!(
        store.outbox_unsent().unwrap(),
        1,
        "the ticket's event waits"
    );
    let office_store = OfficeStore::open(db.target()).unwrap();
    assert_eq!(office_store.event_count().unwrap(), 0, "nothing was pushed");
    assert_eq!(office_store.ticket_count().unwrap(), 0);
}

/// An agent that does not check certificates: for looking at answers, where the pin is
/// not what is tested.
fn trusting_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .disable_verification(true)
                .build(),
        )
        .build()
        .into()
}

/// Logs in as `lan` at counter 1; returns the Set-Cookie header.
fn login_cookie(base: &str) -> String {
    let body = json!({"username": "lan", "password": PASSWORD, "counter": 1, "queues": ["A"]});
    let resp = trusting_agent()
        .post(format!("{base}/api/v1/clerk/login"))
        .header("content-type", "application/json")
        .send(body.to_string())
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    resp.headers()
        .get("set-cookie")
        .expect("a session cookie")
        .to_str()
        .unwrap()
        .to_string()
}

fn add_clerk_and_queue(target: &str) {
    let mut s = OfficeStore::open(target).unwrap();
    s.set_queues(S1, &[QueueDef::new("A", &["HT"])]).unwrap();
    s.add_clerk(
        Some(S1),
        "lan",
        "Nguyễn Thị Lan",
        PASSWORD,
        motcua::office::counters::ClerkRole::SiteLead,
        false,
        Utc::now(),
    )
    .unwrap();
}

fn session_cookies_are_secure_under_tls_only(b: Backend) {
    let db = TestDb::new(b);
    add_clerk_and_queue(db.target());
    let files = make_cert(db.dir(), "office");
    let office = serve_tls(&db, &files);
    let cookie = login_cookie(&office.url());
    let attributes: Vec<&str> = cookie.split(';').map(str::trim).collect();
    assert!(attributes.contains(&"Secure"), "{cookie}");
    assert!(attributes.contains(&"HttpOnly"), "{cookie}");
    let session = cookie.split(';').next().unwrap();
    let resp = trusting_agent()
        .post(format!("{}/api/v1/clerk/logout", office.url()))
        .header("cookie", session)
        .header("content-type", "application/json")
        .send("{}")
        .unwrap();
    let cleared = resp.headers().get("set-cookie").unwrap().to_str().unwrap();
    assert!(
        cleared.contains("Max-Age=0") && cleared.contains("Secure"),
        "{cleared}"
    );
    office.shutdown();
    // Plain HTTP on loopback (the demo): a Secure cookie would never come back.
    let plain = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let cookie = login_cookie(&plain.url());
    assert!(!cookie.contains("Secure"), "{cookie}");
}

#[test]
fn plain_http_off_loopback_is_refused_without_insecure_http() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    let err = spawn_with_options(&db, "0.0.0.0:0", TZ, ServeOptions::default())
        .err()
        .expect("plain HTTP on every address refused");
    let text = format!("{err:#}");
    assert!(
        text.contains("--insecure-http") && text.contains("--tls-cert"),
        "{text}"
    );
    assert!(!db.exists(), "refused before the database was touched");
    let insecure = ServeOptions {
        insecure_http: true,
        ..ServeOptions::default()
    };
    let office = spawn_with_options(&db, "0.0.0.0:0", TZ, insecure).unwrap();
    assert!(office.url().starts_with("http://"));
    office.shutdown();
    for loopback in ["127.0.0.1:0", "[::1]:0"] {
        let office = spawn_with_options(&db, loopback, TZ, ServeOptions::default());
        // ::1 may be missing in a container; 127.0.0.1 is always there.
        if loopback.starts_with("127") {
            office.unwrap().shutdown();
        }
    }
    // The command: a clear refusal, and with --insecure-http a warning at the start.
    let out = motcua()
        .args(["office", "--listen", "0.0.0.0:0", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("refusing to serve plain HTTP"), "{stderr}");
    let mut child = motcua()
        .args(["office", "--listen", "0.0.0.0:0", "--insecure-http", "--db"])
        .arg(&db)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    assert!(first.contains("office API on http://0.0.0.0:"), "{first}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--insecure-http"), "{stderr}");
}

#[test]
fn enroll_device_prints_the_certificate_beside_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    let enroll = |extra: &[&str]| {
        let out = motcua()
            .args(["office", "enroll-device", "--name", "Kiosk sảnh", "--db"])
            .arg(&db)
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(printed_pin(&enroll(&[])), None, "no certificate yet");
    // The name the service's make-cert uses, beside the database.
    let files = make_cert(dir.path(), "office");
    let out = enroll(&[]);
    assert!(out.contains("token "), "{out}");
    assert_eq!(printed_pin(&out), Some(files.pin));
    let other = make_cert(dir.path(), "other");
    let cert = other.cert.to_str().unwrap();
    assert_eq!(printed_pin(&enroll(&["--tls-cert", cert])), Some(other.pin));
    // make-cert keeps what exists unless told otherwise.
    let again = motcua()
        .args(["office", "make-cert", "--host", "x", "--cert"])
        .arg(&files.cert)
        .arg("--key")
        .arg(&files.key)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    let kept = motcua()
        .args([
            "office",
            "make-cert",
            "--if-missing",
            "--all-addresses",
            "--cert",
        ])
        .arg(&files.cert)
        .arg("--key")
        .arg(&files.key)
        .output()
        .unwrap();
    assert!(kept.status.success(), "{kept:?}");
    assert_eq!(
        printed_pin(&String::from_utf8_lossy(&kept.stdout)),
        Some(files.pin)
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&files.key).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "the key is its owner's only");
}

/// Chromium's flag that trusts exactly one key: the base64 SHA-256 of its
/// SubjectPublicKeyInfo.
fn spki_pin(key: &Path) -> String {
    use rcgen::PublicKeyData;
    let pem = std::fs::read_to_string(key).unwrap();
    let spki = rcgen::KeyPair::from_pem(&pem)
        .unwrap()
        .subject_public_key_info();
    let digest = ring::digest::digest(&ring::digest::SHA256, &spki);
    let b64 = base64::engine::general_purpose::STANDARD.encode(digest.as_ref());
    format!("--ignore-certificate-errors-spki-list={b64}")
}

#[test]
fn the_console_and_the_board_work_over_https_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    add_clerk_and_queue(db.to_str().unwrap());
    {
        let mut s = OfficeStore::open(&db).unwrap();
        let kiosk = s
            .enroll_device("Kiosk", Role::Kiosk, &[S1], Utc::now())
            .unwrap()
            .0;
        let today = Utc::now().with_timezone(&TZ).date_naive();
        let payload = json!({
            "id": "t-A012", "queue": "A", "number": 12, "business_date": today,
            "issued_at": Utc::now() - TimeDelta::minutes(5), "field": "HT",
            "priority": "none", "state": "waiting",
        });
        s.apply_event(
            &kiosk,
            "e-A012",
            EVENT_TICKET_ISSUED,
            &payload.to_string(),
            Utc::now(),
        )
        .unwrap();
    }
    let files = make_cert(dir.path(), "office");
    let office = spawn_with_options(&db, "127.0.0.1:0", TZ, tls_options(&files)).unwrap();
    let url = |path: &str| format!("{}{path}", office.url());
    let pin = [spki_pin(&files.key)];
    let board = browser::Browser::start_with_args(1280, 720, &pin);
    board.goto(&url("/board"));
    board.find("#conn[data-state=connected]");
    let clerk = browser::Browser::start_with_args(1366, 768, &pin);
    clerk.goto(&url("/counter"));
    assert!(clerk.url().starts_with("https://"), "{}", clerk.url());
    clerk.find("#login-queues input");
    for (css, text) in [
        ("#login-username", "lan"),
        ("#login-password", PASSWORD),
        ("#login-counter", "1"),
    ] {
        let input = clerk.find(css);
        input.clear();
        input.send_keys(text);
    }
    for input in clerk.find_all("#login-queues input") {
        let want = input.attr("value").as_deref() == Some("A");
        if input.prop("checked") != json!(want) {
            input.click();
        }
    }
    clerk.find("#login-submit").click();
    clerk.wait_until("the console", browser::WAIT, |b| {
        b.try_find("#console").is_some_and(|e| e.is_displayed())
    });
    // The session cookie (Secure, HttpOnly) came back over HTTPS: the console's view loads.
    clerk.wait_text("#waiting li[data-queue=A] .count", "1");
    let enabled = |b: &browser::Browser| {
        b.exec(
            "const e = document.querySelector('#btn-next'); return !!e && !e.disabled",
            vec![],
        ) == Value::Bool(true)
    };
    clerk.wait_until("the next button", browser::WAIT, enabled);
    clerk.find("#btn-next").click();
    clerk.wait_text("#current-label", "A012");
    // The board's live stream over TLS shows the call.
    board.wait_text("[data-counter='1'] .label", "A012");
}

/// The site a new office database starts with.
const S1: motcua::office::store::SiteId = motcua::office::store::SiteId(1);
