//! Logins and browsers as an attacker on the office's network would try them, over real HTTP
//! on loopback addresses (a stranger on 127.0.0.2, the clerk's PC on 127.0.0.1), on SQLite
//! and on PostgreSQL: 400 bogus logins at once are refused quickly and the office keeps
//! answering; a stranger's failures never block the clerk at another machine; the log
//! names the account and the source; foreign pages and non-JSON bodies are refused; pages
//! carry their security headers; bad login input is a 400, never a 500; clerk accounts are
//! disabled, enabled and listed over the command line; weak passwords are refused.

#[path = "support/office_db.rs"]
mod office_db;

#[path = "support/office_process.rs"]
mod office_process;

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use chrono::Utc;
use motcua::office::counters::QueueDef;
use motcua::office::OfficeStore;
use office_db::{both_backends, Backend, TestDb};
use serde_json::{json, Value};

both_backends! {
    four_hundred_bogus_logins_at_once_are_refused_and_the_office_keeps_answering,
    a_strangers_failures_never_block_the_clerk_at_another_machine,
    bad_login_input_is_a_400_never_a_500,
    clerks_are_disabled_enabled_and_listed_over_the_command_line,
}

const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;
const CLERK_PC: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const STRANGER: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
const PASSWORD: &str = "mat-khau-lan";

/// An answer: status, headers (lower-case names), body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    fn code(&self) -> (u16, String) {
        let code = self.json()["code"].as_str().unwrap_or("").to_string();
        (self.status, code)
    }
}

/// A TCP connection to `to` from the loopback address `from`.
fn connect_from(from: IpAddr, to: SocketAddr) -> TcpStream {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    let stream = rt.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::new(from, 0)).unwrap();
        socket.connect(to).await.unwrap()
    });
    let stream = stream.into_std().unwrap();
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    stream
}

/// One HTTP/1.1 request from `from` (extra headers as given; `Host` is the office's).
fn request(
    from: IpAddr,
    to: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut stream = connect_from(from, to);
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {to}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method != "GET" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {text:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

const JSON: (&str, &str) = ("Content-Type", "application/json");

/// A login of `username` from `from`.
fn login(from: IpAddr, to: SocketAddr, username: &str, password: &str) -> Answer {
    let body = json!({"username": username, "password": password, "counter": 1, "queues": ["A"]});
    request(
        from,
        to,
        "POST",
        "/api/v1/clerk/login",
        &[JSON],
        body.to_string().as_bytes(),
    )
}

/// An office database with queue A and the clerk `lan`.
fn seed(db: &TestDb) {
    let mut s = OfficeStore::open(db.target()).unwrap();
    s.set_queues(S1, &[QueueDef::new("A", &["HT"])]).unwrap();
    s.add_clerk(
        Some(S1),
        "lan",
        "Nguyễn Thị Lan",
        PASSWORD,
        motcua::office::counters::ClerkRole::Clerk,
        false,
        Utc::now(),
    )
    .unwrap();
}

fn four_hundred_bogus_logins_at_once_are_refused_and_the_office_keeps_answering(b: Backend) {
    let db = TestDb::new(b);
    seed(&db);
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let addr = office.addr();
    // From 40 machines, so the per-source cap lets most through to the password checks.
    let barrier = Arc::new(Barrier::new(401));
    let attackers: Vec<_> = (0..400u32)
        .map(|i| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let from = IpAddr::V4(Ipv4Addr::new(127, 0, 1, 1 + (i % 40) as u8));
                barrier.wait();
                let a = login(from, addr, &format!("nobody{i}"), "doan-bua-thoi");
                (a.code(), a.header("retry-after").map(str::to_string))
            })
        })
        .collect();
    barrier.wait();
    let started = std::time::Instant::now();
    // Meanwhile the office answers other requests.
    let health = request(CLERK_PC, addr, "GET", "/api/v1/health", &[], b"");
    assert_eq!(health.status, 200);
    let mut by_code = std::collections::BTreeMap::<(u16, String), u32>::new();
    for t in attackers {
        let ((status, code), retry_after) = t.join().unwrap();
        if status != 401 {
            assert!(retry_after.is_some(), "{status} {code} without Retry-After");
        }
        *by_code.entry((status, code)).or_default() += 1;
    }
    // Figures for the record, not asserted (speed belongs in benches).
    eprintln!("400 bogus logins: {by_code:?} in {:?}", started.elapsed());
    for (status, code) in by_code.keys() {
        assert!(
            matches!(
                (status, code.as_str()),
                (401, "bad_login") | (429, "throttled") | (503, "overloaded")
            ),
            "{by_code:?}"
        );
    }
    let shed = by_code
        .get(&(503, "overloaded".into()))
        .copied()
        .unwrap_or(0);
    assert!(shed > 0, "the password checks were never full: {by_code:?}");
    // The clerk still logs in once the flood is over.
    let a = login(CLERK_PC, addr, "lan", PASSWORD);
    assert_eq!(a.status, 200, "{}", a.body);
}

fn a_strangers_failures_never_block_the_clerk_at_another_machine(b: Backend) {
    let db = TestDb::new(b);
    seed(&db);
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let addr = office.addr();
    let mut throttled = 0;
    for _ in 0..25 {
        let a = login(STRANGER, addr, "lan", "doan-thu-xem");
        match a.code() {
            (401, c) if c == "bad_login" => {}
            (429, c) if c == "throttled" => {
                let wait: u64 = a.header("retry-after").unwrap().parse().unwrap();
                assert!((1..=900).contains(&wait), "{wait}");
                throttled += 1;
            }
            other => panic!("{other:?}: {}", a.body),
        }
    }
    assert!(throttled > 0, "the stranger was never slowed down");
    // Even the right password waits on the stranger's machine…
    assert_eq!(login(STRANGER, addr, "lan", PASSWORD).code().0, 429);
    // …but the clerk at their own PC is not concerned.
    let a = login(CLERK_PC, addr, "lan", PASSWORD);
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.header("set-cookie").unwrap().contains("motcua_session="));
}

fn bad_login_input_is_a_400_never_a_500(b: Backend) {
    let db = TestDb::new(b);
    seed(&db);
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let addr = office.addr();
    let nul = login(CLERK_PC, addr, "lan\u{0}", PASSWORD);
    assert_eq!(nul.code(), (400, "nul_character".into()), "{}", nul.body);
    let nul = login(CLERK_PC, addr, "lan", "mat\u{0}khau");
    assert_eq!(nul.code(), (400, "nul_character".into()));
    let long = login(CLERK_PC, addr, &"a".repeat(65), PASSWORD);
    assert_eq!(long.code(), (400, "too_long".into()));
    let long = login(CLERK_PC, addr, "lan", &"p".repeat(257));
    assert_eq!(long.code(), (400, "too_long".into()));
    let huge = login(CLERK_PC, addr, "lan", &"p".repeat(5000));
    assert_eq!(huge.code(), (413, "too_large".into()));
    // None of them counted as a failure: the clerk logs in at once.
    assert_eq!(login(CLERK_PC, addr, "lan", PASSWORD).status, 200);
}

fn motcua_office(db: &TestDb, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .env("RUST_LOG", "warn")
        .arg("office")
        .args(args)
        .arg("--db")
        .arg(db.target())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn clerks_are_disabled_enabled_and_listed_over_the_command_line(b: Backend) {
    let db = TestDb::new(b);
    seed(&db);
    // Weak passwords are refused, saying why.
    for (weak, why) in [
        ("12345678", "at least 10 characters"),
        ("password123", "list of common passwords"),
        ("abcabcabcabc", "repeats"),
    ] {
        let args = ["add-clerk", "--username", "nam", "--name", "Nam"];
        let out = motcua_office(&db, &args, &format!("{weak}\n"));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && err.contains(why), "{weak}: {err}");
    }
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let addr = office.addr();
    let a = login(CLERK_PC, addr, "lan", PASSWORD);
    assert_eq!(a.status, 200, "{}", a.body);
    let cookie = a
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let counter = || {
        request(
            CLERK_PC,
            addr,
            "GET",
            "/api/v1/counter",
            &[("Cookie", &cookie)],
            b"",
        )
    };
    assert_eq!(counter().status, 200);

    let out = motcua_office(&db, &["disable-clerk", "lan"], "");
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 session(s) ended"));
    // The session ended at once; the right password is now refused as disabled.
    assert_eq!(counter().code(), (401, "login".into()));
    let a = login(CLERK_PC, addr, "lan", PASSWORD);
    assert_eq!(a.code(), (403, "disabled".into()), "{}", a.body);
    let list = motcua_office(&db, &["list-clerks"], "");
    let text = String::from_utf8_lossy(&list.stdout);
    let row = text.lines().find(|l| l.starts_with("lan\t")).unwrap();
    assert!(
        row.contains("disabled since") && row.ends_with("\t0"),
        "{text}"
    );
    assert!(
        !row.contains("never"),
        "the first login was recorded: {row}"
    );

    let out = motcua_office(&db, &["enable-clerk", "lan"], "");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(login(CLERK_PC, addr, "lan", PASSWORD).status, 200);
    let list = motcua_office(&db, &["list-clerks"], "");
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(text.contains("\tenabled\t"), "{text}");
    let out = motcua_office(&db, &["disable-clerk", "nobody"], "");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no clerk named \"nobody\""));
}

/// The office as a process, its log in a file: a failed login names the account and the
/// machine it came from.
#[test]
fn the_log_names_the_account_and_the_source_of_a_failed_login() {
    let db = TestDb::new(Backend::Sqlite);
    seed(&db);
    let log_path = db.dir().join("office.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .env("RUST_LOG", "warn")
        .args(["office", "--listen", "127.0.0.1:0", "--db", db.target()])
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let url = office_process::address(&office_process::first_line(&mut child));
    let addr: SocketAddr = url.trim_start_matches("http://").parse().unwrap();
    let a = login(STRANGER, addr, "lan\nFAKE", "doan-thu-xem");
    assert_eq!(a.code(), (401, "bad_login".into()));
    let a = login(STRANGER, addr, "lan", "doan-thu-xem");
    assert_eq!(a.code(), (401, "bad_login".into()));
    let _ = child.kill();
    let _ = child.wait();
    let log = std::fs::read_to_string(&log_path).unwrap();
    let line = log
        .lines()
        .find(|l| l.contains("failed clerk login for \"lan\""))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(line.contains("from 127.0.0.2"), "{line}");
    // A name with a line break stays on one escaped line.
    assert!(log.contains("\"lan\\nfake\""), "{log}");
    assert!(!log.lines().any(|l| l.starts_with("fake")), "{log}");
    assert!(!log.contains("ERROR"), "{log}");
}

#[test]
fn foreign_pages_and_bodies_that_are_not_json_are_refused() {
    let db = TestDb::new(Backend::Sqlite);
    seed(&db);
    let mut s = OfficeStore::open(db.target()).unwrap();
    let (_, token) = s
        .enroll_device("Kiosk", motcua::office::Role::Kiosk, &[S1], Utc::now())
        .unwrap();
    drop(s);
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let addr = office.addr();
    let body =
        json!({"username": "lan", "password": PASSWORD, "counter": 1, "queues": ["A"]}).to_string();
    let post = |headers: &[(&str, &str)]| {
        request(
            CLERK_PC,
            addr,
            "POST",
            "/api/v1/clerk/login",
            headers,
            body.as_bytes(),
        )
    };
    // What a foreign page can send without asking the browser: a form or plain text.
    for ct in ["text/plain", "application/x-www-form-urlencoded"] {
        assert_eq!(
            post(&[("Content-Type", ct)]).code(),
            (415, "not_json".into()),
            "{ct}"
        );
    }
    assert_eq!(
        post(&[]).code(),
        (415, "not_json".into()),
        "a body without a type"
    );
    for origin in ["http://evil.example", "null"] {
        let a = post(&[JSON, ("Origin", origin)]);
        assert_eq!(a.code(), (403, "cross_origin".into()), "{origin}");
    }
    let a = post(&[JSON, ("Sec-Fetch-Site", "cross-site")]);
    assert_eq!(a.code(), (403, "cross_origin".into()));
    // The office's own page is let through.
    let own = format!("http://{addr}");
    let a = post(&[JSON, ("Origin", &own), ("Sec-Fetch-Site", "same-origin")]);
    assert_eq!(a.status, 200, "{}", a.body);
    // A logout without a body needs no type.
    let a = request(
        CLERK_PC,
        addr,
        "POST",
        "/api/v1/clerk/logout",
        &[("Origin", &own)],
        b"",
    );
    assert_eq!(a.status, 204);
    // A kiosk is no browser: its token skips the origin check, but it still sends JSON.
    let bearer = format!("Bearer {token}");
    let events = json!({"protocol": 1, "events": []}).to_string();
    let kiosk = |headers: &[(&str, &str)]| {
        request(
            CLERK_PC,
            addr,
            "POST",
            "/api/v1/events",
            headers,
            events.as_bytes(),
        )
    };
    let a = kiosk(&[JSON, ("Authorization", &bearer), ("Origin", "null")]);
    assert_eq!(a.status, 200, "{}", a.body);
    let a = kiosk(&[("Content-Type", "text/plain"), ("Authorization", &bearer)]);
    assert_eq!(a.code(), (415, "not_json".into()));
}

#[test]
fn pages_carry_a_strict_policy_and_answers_nosniff() {
    let db = TestDb::new(Backend::Sqlite);
    seed(&db);
    let office = motcua::office::http::spawn_with_shutdown(db.target(), "127.0.0.1:0", TZ).unwrap();
    let addr = office.addr();
    for page in ["/", "/counter", "/board", "/rate/1", "/reports"] {
        let a = request(CLERK_PC, addr, "GET", page, &[], b"");
        assert_eq!(a.status, 200, "{page}");
        let csp = a.header("content-security-policy").unwrap_or_default();
        for part in [
            "default-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(part), "{page}: {csp}");
        }
        assert!(!csp.contains("unsafe-inline"), "{page}");
        assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(a.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(a.header("x-frame-options"), Some("DENY"));
        // Nothing inline that the policy would block.
        assert!(
            !a.body.contains("<style") && !a.body.contains("style="),
            "{page}"
        );
        assert!(!a.body.contains("<script>"), "{page}");
        let css = page.trim_start_matches('/').split('/').next().unwrap();
        let css = if css.is_empty() { "index" } else { css };
        let sheet = request(
            CLERK_PC,
            addr,
            "GET",
            &format!("/static/{css}.css"),
            &[],
            b"",
        );
        assert_eq!(sheet.status, 200, "{css}.css");
    }
    let api = request(CLERK_PC, addr, "GET", "/api/v1/health", &[], b"");
    assert_eq!(api.header("x-content-type-options"), Some("nosniff"));
    assert!(api.header("content-security-policy").is_none());
}

/// The site a new office database starts with.
const S1: motcua::office::store::SiteId = motcua::office::store::SiteId(1);
