//! `motcua office doctor` as whoever runs the office runs it, on SQLite and on PostgreSQL:
//! a sound office passes every check; an unreachable database, a database from a newer
//! motcua, an expired certificate, a key of another certificate and an address in use each
//! fail with their line and exit 1; a database from an older motcua only warns, and is not
//! upgraded by the doctor.

#[path = "support/office_db.rs"]
mod office_db;

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{Datelike, Utc};
use motcua::office::OfficeStore;
use office_db::{both_backends, Backend, TestDb};

both_backends! {
    a_sound_office_passes_every_check,
    a_newer_schema_fails_and_an_older_one_warns_untouched,
    an_expired_certificate_and_a_foreign_key_fail,
}

struct Run {
    code: i32,
    out: String,
}

fn doctor(db: &str, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["office", "doctor", "--db", db])
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap(),
        out: String::from_utf8(out.stdout).unwrap(),
    }
}

/// The line of check `name`, e.g. "ok schema: version 6, this motcua's".
fn line<'a>(out: &'a str, name: &str) -> &'a str {
    out.lines()
        .find(|l| {
            l.split_once(' ')
                .is_some_and(|(_, rest)| rest.starts_with(&format!("{name}: ")))
        })
        .unwrap_or_else(|| panic!("no {name} line in\n{out}"))
}

/// A certificate and its key made as `office make-cert` makes them, in `dir`.
fn cert_pair(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let pair = motcua::tls::cert::make_self_signed(
        &["office.lan".into(), "127.0.0.1".into()],
        Utc::now().date_naive(),
    )
    .unwrap();
    let (cert, key) = (
        dir.join(format!("{name}-cert.pem")),
        dir.join(format!("{name}-key.pem")),
    );
    std::fs::write(&cert, pair.cert_pem).unwrap();
    std::fs::write(&key, pair.key_pem).unwrap();
    (cert, key)
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn a_sound_office_passes_every_check(b: Backend) {
    let db = TestDb::new(b);
    drop(OfficeStore::open(db.target()).unwrap());
    let (cert, key) = cert_pair(db.dir(), "office");
    let run = doctor(
        db.target(),
        &[
            "--tls-cert",
            path(&cert),
            "--tls-key",
            path(&key),
            "--listen",
            "127.0.0.1:0",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.out);
    assert_eq!(run.out.lines().count(), 5, "{}", run.out);
    assert!(run.out.lines().all(|l| l.starts_with("ok ")), "{}", run.out);
    assert!(line(&run.out, "schema").contains("this motcua's"));
    let certificate = line(&run.out, "certificate");
    assert!(
        certificate.contains("office.lan, 127.0.0.1"),
        "{certificate}"
    );
    assert!(certificate.contains("the key fits"), "{certificate}");
    let until = format!("valid until {}-", Utc::now().year() + 10);
    assert!(
        certificate.starts_with(&format!("ok certificate: {until}")),
        "{certificate}"
    );
    if b == Backend::Postgres {
        let database = line(&run.out, "database");
        assert!(
            database.contains("connects") && database.contains(":***@"),
            "{database}"
        );
        assert!(
            !run.out.contains("motcua-test-secret"),
            "the password shown:\n{}",
            run.out
        );
        assert!(line(&run.out, "clock").contains("database server's clock is within"));
    }
    // The same address once taken fails, and only that check.
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = held.local_addr().unwrap().to_string();
    let run = doctor(db.target(), &["--listen", &addr]);
    assert_eq!(run.code, 1, "{}", run.out);
    assert!(
        line(&run.out, "listen").starts_with("fail listen: "),
        "{}",
        run.out
    );
    assert!(line(&run.out, "database").starts_with("ok "), "{}", run.out);
}

#[test]
fn an_unreachable_database_fails_with_its_password_hidden() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://motcua:hunter22@127.0.0.1:{port}/office");
    let run = doctor(&url, &[]);
    assert_eq!(run.code, 1, "{}", run.out);
    let database = line(&run.out, "database");
    assert!(database.starts_with("fail database: "), "{database}");
    assert!(
        database.contains("postgres://motcua:***@127.0.0.1"),
        "{database}"
    );
    assert!(!run.out.contains("hunter22"), "{}", run.out);
    // A SQLite file that is not there is not created by looking.
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("office.sqlite3");
    let run = doctor(path(&missing), &[]);
    assert_eq!(run.code, 1, "{}", run.out);
    assert!(
        line(&run.out, "database").contains("does not exist"),
        "{}",
        run.out
    );
    assert!(!missing.exists());
}

/// Sets the schema version the database records, behind the office's back.
fn set_version(db: &TestDb, version: i64) {
    match db.backend() {
        Backend::Sqlite => {
            let conn = rusqlite::Connection::open(db.target()).unwrap();
            conn.pragma_update(None, "user_version", version).unwrap();
        }
        Backend::Postgres => {
            let mut client = ::postgres::Client::connect(db.target(), ::postgres::NoTls).unwrap();
            client
                .execute(
                    "UPDATE motcua_meta SET value = $1 WHERE key = 'schema_version'",
                    &[&version.to_string()],
                )
                .unwrap();
        }
    }
}

fn recorded_version(db: &TestDb) -> i64 {
    match db.backend() {
        Backend::Sqlite => rusqlite::Connection::open(db.target())
            .unwrap()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap(),
        Backend::Postgres => {
            let mut client = ::postgres::Client::connect(db.target(), ::postgres::NoTls).unwrap();
            let v: String = client
                .query_one(
                    "SELECT value FROM motcua_meta WHERE key = 'schema_version'",
                    &[],
                )
                .unwrap()
                .get(0);
            v.parse().unwrap()
        }
    }
}

fn a_newer_schema_fails_and_an_older_one_warns_untouched(b: Backend) {
    let db = TestDb::new(b);
    drop(OfficeStore::open(db.target()).unwrap());
    let current = recorded_version(&db);
    set_version(&db, 99);
    let run = doctor(db.target(), &[]);
    assert_eq!(run.code, 1, "{}", run.out);
    let schema = line(&run.out, "schema");
    assert!(
        schema.starts_with("fail schema: version 99 was written by a newer motcua"),
        "{schema}"
    );
    assert!(line(&run.out, "database").starts_with("ok "), "{}", run.out);
    set_version(&db, current - 1);
    let run = doctor(db.target(), &[]);
    assert_eq!(run.code, 0, "{}", run.out);
    let schema = line(&run.out, "schema");
    assert!(schema.starts_with("warn schema: "), "{schema}");
    assert!(schema.contains("will be upgraded at start"), "{schema}");
    assert_eq!(recorded_version(&db), current - 1, "the doctor migrated");
}

fn an_expired_certificate_and_a_foreign_key_fail(b: Backend) {
    let db = TestDb::new(b);
    drop(OfficeStore::open(db.target()).unwrap());
    // Expired yesterday, otherwise as make-cert makes one.
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["office.lan".to_string()]).unwrap();
    let (from, until) = (
        Utc::now().date_naive() - chrono::TimeDelta::days(400),
        Utc::now().date_naive() - chrono::TimeDelta::days(1),
    );
    params.not_before = rcgen::date_time_ymd(from.year(), from.month() as u8, from.day() as u8);
    params.not_after = rcgen::date_time_ymd(until.year(), until.month() as u8, until.day() as u8);
    let expired = params.self_signed(&key).unwrap();
    let (cert, key_file) = (db.dir().join("old-cert.pem"), db.dir().join("old-key.pem"));
    std::fs::write(&cert, expired.pem()).unwrap();
    std::fs::write(&key_file, key.serialize_pem()).unwrap();
    let run = doctor(
        db.target(),
        &["--tls-cert", path(&cert), "--tls-key", path(&key_file)],
    );
    assert_eq!(run.code, 1, "{}", run.out);
    let line_ = line(&run.out, "certificate");
    assert!(
        line_.starts_with(&format!("fail certificate: expired on {until}")),
        "{line_}"
    );

    let (cert_a, _) = cert_pair(db.dir(), "a");
    let (_, key_b) = cert_pair(db.dir(), "b");
    let run = doctor(
        db.target(),
        &["--tls-cert", path(&cert_a), "--tls-key", path(&key_b)],
    );
    assert_eq!(run.code, 1, "{}", run.out);
    let line_ = line(&run.out, "certificate");
    assert!(line_.starts_with("fail certificate: "), "{line_}");
    assert!(line_.contains("does not fit"), "{line_}");
    // Every other check still ran and passed.
    assert!(line(&run.out, "schema").starts_with("ok "), "{}", run.out);
    assert!(line(&run.out, "clock").starts_with("ok "), "{}", run.out);
}
