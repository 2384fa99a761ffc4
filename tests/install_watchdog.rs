//! The kiosk under a systemd-style supervisor: the real kiosk process, with its real event
//! loop on a virtual X display (Xvfb), told `NOTIFY_SOCKET` and `WATCHDOG_USEC` as systemd
//! tells it. It says READY=1, then feeds the watchdog; when its event loop stops (the process
//! is frozen with SIGSTOP), the feeding stops, the supervisor kills it as systemd does on a
//! watchdog timeout, starts it again, and the new process is ready and feeding.

use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A virtual X display for the test, stopped on drop.
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    fn start() -> Xvfb {
        // A display number of our own: several test binaries may run at once, and the tests
        // of this one run in parallel (two Xvfb racing for one number could both look up).
        static TAKEN: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let base = 90 + std::process::id() % 500;
        loop {
            let n = base + 7 * TAKEN.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            assert!(n < base + 1000, "no free X display for Xvfb");
            let socket = format!("/tmp/.X11-unix/X{n}");
            if Path::new(&socket).exists() {
                continue;
            }
            let child = Command::new("Xvfb")
                .args([
                    &format!(":{n}"),
                    "-screen",
                    "0",
                    "1024x768x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("Xvfb is missing: apt-get install xvfb (.ci/run does it)");
            let mut x = Xvfb {
                child,
                display: format!(":{n}"),
            };
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if Path::new(&socket).exists() {
                    return x;
                }
                if let Ok(Some(_)) = x.child.try_wait() {
                    break; // taken meanwhile: try the next number
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = x.child.kill();
        }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_kiosk(config: &Path, data: &Path, display: &str, notify: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["kiosk", "--size", "800x480", "--config"])
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .env("DISPLAY", display)
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("SLINT_BACKEND")
        .env("NOTIFY_SOCKET", notify)
        // One second: fed every half second from the event loop.
        .env("WATCHDOG_USEC", "1000000")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The next message, or None after `wait`.
fn next(socket: &UnixDatagram, wait: Duration) -> Option<String> {
    socket.set_read_timeout(Some(wait)).unwrap();
    let mut buf = [0u8; 256];
    match socket.recv(&mut buf) {
        Ok(n) => Some(String::from_utf8_lossy(&buf[..n]).into_owned()),
        Err(_) => None,
    }
}

/// Waits for READY=1, then for `feeds` watchdog messages, each within the period.
fn ready_and_feeding(socket: &UnixDatagram, feeds: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match next(socket, Duration::from_secs(1)) {
            Some(m) if m == "READY=1" => break,
            _ if Instant::now() > deadline => panic!("the kiosk never said READY=1"),
            _ => {}
        }
    }
    for i in 0..feeds {
        assert_eq!(
            next(socket, Duration::from_secs(1)).as_deref(),
            Some("WATCHDOG=1"),
            "watchdog message {i} missing within the 1 s period"
        );
    }
}

/// A demo config, a data directory, a notify socket as systemd's, and a display.
struct Supervised {
    _dir: tempfile::TempDir,
    config: std::path::PathBuf,
    data: std::path::PathBuf,
    notify: std::path::PathBuf,
    socket: UnixDatagram,
    x: Xvfb,
}

impl Supervised {
    fn new() -> Supervised {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("kiosk.toml");
        std::fs::write(&config, motcua::config::Config::default_toml(true)).unwrap();
        let notify = dir.path().join("notify");
        Supervised {
            data: dir.path().join("data"),
            socket: UnixDatagram::bind(&notify).unwrap(),
            x: Xvfb::start(),
            config,
            notify,
            _dir: dir,
        }
    }

    /// Starts the kiosk as the unit does, on this display and notify socket.
    fn start(&self) -> Child {
        start_kiosk(&self.config, &self.data, &self.x.display, &self.notify)
    }
}

#[test]
fn a_kiosk_whose_event_loop_stops_is_killed_and_restarted_by_the_watchdog() {
    let s = Supervised::new();
    let socket = &s.socket;

    let mut kiosk = s.start();
    ready_and_feeding(socket, 4);

    // The event loop stops: no more feeding within the period.
    let pid = kiosk.id() as libc::pid_t;
    unsafe { libc::kill(pid, libc::SIGSTOP) };
    // One message may have been in flight; then silence for longer than the period.
    let mut late = 0;
    while let Some(m) = next(socket, Duration::from_millis(1500)) {
        assert_eq!(m, "WATCHDOG=1");
        late += 1;
        assert!(late <= 1, "still feeding while its event loop is stopped");
    }
    // What systemd does when WatchdogSec passes: kill it (SIGABRT, then SIGKILL) and,
    // with Restart=always, start it again.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    let status = kiosk.wait().unwrap();
    assert!(!status.success());

    let mut again = s.start();
    ready_and_feeding(socket, 3);
    let _ = again.kill();
    let _ = again.wait();
    // Nothing was lost by the kill: the store opens and is intact.
    assert!(motcua::kiosk::open_store(&s.data).is_ok());
}

/// Waits for `message`, skipping watchdog feeds; panics after `wait`.
fn expect(socket: &UnixDatagram, message: &str, wait: Duration) {
    let deadline = Instant::now() + wait;
    loop {
        match next(socket, Duration::from_millis(200)) {
            Some(m) if m == message => return,
            Some(m) if m == "WATCHDOG=1" => {}
            Some(m) => panic!("expected {message}, got {m}"),
            None if Instant::now() > deadline => panic!("no {message} within {wait:?}"),
            None => {}
        }
    }
}

#[test]
fn sighup_restarts_the_kiosk_in_place_and_sigterm_stops_it_cleanly() {
    let s = Supervised::new();
    let socket = &s.socket;

    let mut kiosk = s.start();
    ready_and_feeding(socket, 2);
    let pid = kiosk.id() as libc::pid_t;

    // `systemctl reload`: the same process (the PID systemd watches) execs itself again.
    unsafe { libc::kill(pid, libc::SIGHUP) };
    expect(socket, "RELOADING=1", Duration::from_secs(15));
    ready_and_feeding(socket, 2);
    assert_eq!(
        kiosk.try_wait().unwrap(),
        None,
        "the restart kept the process"
    );

    // `systemctl stop`: says so and ends with success, well before systemd would kill it.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    expect(socket, "STOPPING=1", Duration::from_secs(15));
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = kiosk.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the kiosk did not stop");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    assert!(motcua::kiosk::open_store(&s.data).is_ok());
}
