//! The office's limits over real connections on 127.0.0.1 (docs/api.md, "Limits"), with
//! the limits shrunk through `ServeOptions`: idle, slow-header and slow-body connections do
//! not stay; an oversized head gets 431; at the connection cap an idle connection makes room
//! and health still answers, also with 2,000 idle sockets open; live streams are capped per
//! source address (429) and per view (503), and a closed stream frees its slot; shedding is
//! logged.

#[path = "support/office_db.rs"]
mod office_db;

use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use motcua::office::http::{spawn_with_options, Limits, OfficeHandle, ServeOptions};
use office_db::{both_backends, Backend, TestDb};

// The streams read the board from the database; the other limits are the server's alone
// (SQLite).
both_backends! {
    live_streams_are_capped_per_source_and_per_view_and_a_closed_one_frees_its_slot,
}

/// Every log record of this process, so a test can look for the shedding line.
static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, m: &log::Metadata) -> bool {
        m.level() <= log::Level::Info
    }
    fn log(&self, r: &log::Record) {
        if self.enabled(r.metadata()) {
            LINES
                .lock()
                .unwrap()
                .push(format!("{} {}", r.level(), r.args()));
        }
    }
    fn flush(&self) {}
}

/// An office on SQLite with `limits`.
fn office(limits: Limits) -> (TestDb, OfficeHandle) {
    office_on(Backend::Sqlite, limits)
}

/// An office on `backend` with `limits`; the logger is installed before any office runs,
/// so the first shedding line of each kind in this process is captured.
fn office_on(backend: Backend, limits: Limits) -> (TestDb, OfficeHandle) {
    static LOGGER: OnceLock<()> = OnceLock::new();
    LOGGER.get_or_init(|| {
        log::set_logger(&Capture).unwrap();
        log::set_max_level(log::LevelFilter::Info);
    });
    let db = TestDb::new(backend);
    let office = spawn_with_options(
        db.target(),
        "127.0.0.1:0",
        motcua::office::http::DEFAULT_TIME_ZONE,
        ServeOptions {
            limits,
            ..ServeOptions::default()
        },
    )
    .unwrap();
    (db, office)
}

fn small(f: impl FnOnce(&mut Limits)) -> Limits {
    let mut l = Limits::default();
    f(&mut l);
    l
}

/// A connection from `from` (any 127.x.y.z address is this machine).
fn connect_from(from: IpAddr, to: SocketAddr) -> TcpStream {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.bind(&SocketAddr::new(from, 0).into()).unwrap();
    socket.connect(&to.into()).unwrap();
    let s: TcpStream = socket.into();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s
}

fn connect(to: SocketAddr) -> TcpStream {
    connect_from("127.0.0.1".parse().unwrap(), to)
}

/// Reads until the peer closes; true if it closed (EOF or reset) rather than the read
/// timing out.
fn closed_by_peer(s: &mut TcpStream) -> bool {
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

/// Reads one answer's head and as much body as `Content-Length` says: (status, body).
fn read_answer(s: &mut TcpStream) -> (u16, String) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = s.read(&mut buf).unwrap();
        assert!(
            n > 0,
            "closed before an answer: {:?}",
            String::from_utf8_lossy(&got)
        );
        got.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&got).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let head = &text[..end];
            let status = head[9..12].parse().unwrap();
            let len: usize = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            if got.len() >= end + 4 + len {
                return (status, text[end + 4..end + 4 + len].to_string());
            }
        }
    }
}

fn health(s: &mut TcpStream) -> u16 {
    s.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: office\r\n\r\n")
        .unwrap();
    read_answer(s).0
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let idle = Duration::from_secs(1);
    let (_db, office) = office(small(|l| l.idle_timeout = idle));
    let mut s = connect(office.addr());
    assert_eq!(health(&mut s), 200);
    // Kept alive for a second request, as clients expect...
    assert_eq!(health(&mut s), 200);
    let idle_from = Instant::now();
    // ...then closed once idle.
    assert!(closed_by_peer(&mut s), "an idle connection stays open");
    assert!(idle_from.elapsed() >= idle - Duration::from_millis(100));
}

#[test]
fn a_connection_that_sends_no_head_or_half_a_head_is_closed_after_the_header_timeout() {
    let (_db, office) = office(small(|l| {
        l.header_timeout = Duration::from_secs(1);
        l.idle_timeout = Duration::from_secs(60);
    }));
    let mut silent = connect(office.addr());
    let mut slow = connect(office.addr());
    slow.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: off")
        .unwrap();
    assert!(
        closed_by_peer(&mut silent),
        "a silent connection stays open"
    );
    assert!(
        closed_by_peer(&mut slow),
        "a slow-header connection stays open"
    );
    // A keep-alive connection waiting between requests is not cut at the header timeout.
    let mut kept = connect(office.addr());
    assert_eq!(health(&mut kept), 200);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(health(&mut kept), 200);
}

#[test]
fn a_body_that_does_not_arrive_in_time_gets_408() {
    let (_db, office) = office(small(|l| l.body_timeout = Duration::from_secs(1)));
    let mut s = connect(office.addr());
    s.write_all(
        b"POST /api/v1/clerk/login HTTP/1.1\r\nHost: office\r\nContent-Type: application/json\r\n\
          Content-Length: 100\r\n\r\n{\"username\":",
    )
    .unwrap();
    let (status, body) = read_answer(&mut s);
    assert_eq!(status, 408, "{body}");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["code"], "body_timeout");
}

#[test]
fn an_oversized_request_head_gets_431_and_a_large_one_is_served() {
    let (_db, office) = office(Limits::default());
    let mut s = connect(office.addr());
    let big = "x".repeat(66 * 1024);
    write!(
        s,
        "GET /api/v1/health HTTP/1.1\r\nHost: office\r\nX-Pad: {big}\r\n\r\n"
    )
    .unwrap();
    assert_eq!(read_answer(&mut s).0, 431);
    let mut s = connect(office.addr());
    let fits = "x".repeat(60 * 1024);
    write!(
        s,
        "GET /api/v1/health HTTP/1.1\r\nHost: office\r\nX-Pad: {fits}\r\n\r\n"
    )
    .unwrap();
    assert_eq!(read_answer(&mut s).0, 200);
}

#[test]
fn at_the_connection_cap_an_idle_connection_makes_room_and_busy_ones_are_kept() {
    let cap = 4;
    let (_db, office) = office(small(|l| {
        l.max_connections = cap;
        l.streams_per_source = 100;
    }));
    let mut idle: Vec<TcpStream> = (0..cap).map(|_| connect(office.addr())).collect();
    // Let the office accept them all before the newcomer.
    std::thread::sleep(Duration::from_millis(300));
    let mut fresh = connect(office.addr());
    assert_eq!(health(&mut fresh), 200, "health answers at the cap");
    assert!(
        closed_by_peer(&mut idle[0]),
        "the longest-idle connection was closed"
    );
    drop(idle);
    drop(fresh);
    // Let the office see those close: a slot it still holds for them would make a
    // newcomer not yet served (a stream being opened) the one to make room.
    std::thread::sleep(Duration::from_millis(300));
    // Every connection busy with a live stream: a newcomer is refused, the streams stay.
    // Each stream is answered before the next connects, so none is a newcomer in waiting.
    let streams: Vec<TcpStream> = (0..cap)
        .map(|_| {
            let mut s = open_stream(office.addr(), "127.0.0.1");
            assert_eq!(stream_status(&mut s), 200);
            s
        })
        .collect();
    let mut refused = connect(office.addr());
    refused
        .write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: office\r\n\r\n")
        .unwrap();
    assert!(
        closed_by_peer(&mut refused),
        "a newcomer over busy connections is refused"
    );
    drop(streams);
    let lines = LINES.lock().unwrap().join("\n");
    assert!(
        lines.contains("office shedding load") && lines.contains("connection refused"),
        "no shedding line:\n{lines}"
    );
}

#[test]
fn health_answers_while_two_thousand_idle_sockets_are_open() {
    let (_db, office) = office(small(|l| l.max_connections = 64));
    let idle: Vec<TcpStream> = (0..2000).map(|_| connect(office.addr())).collect();
    let mut s = connect(office.addr());
    assert_eq!(health(&mut s), 200);
    drop(idle);
}

/// Asks for the board's live stream from `from`.
fn open_stream(office: SocketAddr, from: &str) -> TcpStream {
    let mut s = connect_from(from.parse().unwrap(), office);
    s.write_all(b"GET /api/v1/stream?view=board HTTP/1.1\r\nHost: office\r\n\r\n")
        .unwrap();
    s
}

/// The status of a stream's answer, and for a refusal its code.
fn stream_status(s: &mut TcpStream) -> u16 {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(s.read(&mut byte).unwrap(), 1, "closed before an answer");
        head.push(byte[0]);
    }
    String::from_utf8_lossy(&head)[9..12].parse().unwrap()
}

/// A refused stream's status and code.
fn refused(office: SocketAddr, from: &str) -> (u16, String) {
    let mut s = open_stream(office, from);
    let (status, body) = read_answer(&mut s);
    let body: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    (status, body["code"].as_str().unwrap_or("").to_string())
}

fn live_streams_are_capped_per_source_and_per_view_and_a_closed_one_frees_its_slot(
    backend: Backend,
) {
    let (_db, office) = office_on(
        backend,
        small(|l| {
            l.streams_per_source = 2;
            l.streams_per_view = 3;
        }),
    );
    let a = office.addr();
    let mut first = open_stream(a, "127.0.0.1");
    let mut second = open_stream(a, "127.0.0.1");
    assert_eq!(stream_status(&mut first), 200);
    assert_eq!(stream_status(&mut second), 200);
    assert_eq!(refused(a, "127.0.0.1"), (429, "too_many_streams".into()));
    let mut third = open_stream(a, "127.0.0.2");
    assert_eq!(stream_status(&mut third), 200);
    assert_eq!(refused(a, "127.0.0.3"), (503, "streams_full".into()));
    // Closing a stream frees its slot for anyone (once the office sees the close).
    drop(first);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let mut s = open_stream(a, "127.0.0.3");
        if stream_status(&mut s) == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "a closed stream's slot is never freed"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let lines = LINES.lock().unwrap().join("\n");
    assert!(
        lines.contains("stream refused"),
        "no shedding line:\n{lines}"
    );
}
