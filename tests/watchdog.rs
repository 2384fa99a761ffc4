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
        // A display number of our own: several test binaries may run at once.
        for n in (90 + std::process::id() % 500)..(600 + std::process::id() % 500) {
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
        panic!("no free X display for Xvfb");
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

#[test]
fn a_kiosk_whose_event_loop_stops_is_killed_and_restarted_by_the_watchdog() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, motcua::config::Config::default_toml(true)).unwrap();
    let data = dir.path().join("data");
    let notify = dir.path().join("notify");
    let socket = UnixDatagram::bind(&notify).unwrap();
    let x = Xvfb::start();

    let mut kiosk = start_kiosk(&config, &data, &x.display, &notify);
    ready_and_feeding(&socket, 4);

    // The event loop stops: no more feeding within the period.
    let pid = kiosk.id() as libc::pid_t;
    unsafe { libc::kill(pid, libc::SIGSTOP) };
    // One message may have been in flight; then silence for longer than the period.
    let mut late = 0;
    while let Some(m) = next(&socket, Duration::from_millis(1500)) {
        assert_eq!(m, "WATCHDOG=1");
        late += 1;
        assert!(late <= 1, "still feeding while its event loop is stopped");
    }
    // What systemd does when WatchdogSec passes: kill it (SIGABRT, then SIGKILL) and,
    // with Restart=always, start it again.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    let status = kiosk.wait().unwrap();
    assert!(!status.success());

    let mut again = start_kiosk(&config, &data, &x.display, &notify);
    ready_and_feeding(&socket, 3);
    let _ = again.kill();
    let _ = again.wait();
    // Nothing was lost by the kill: the store opens and is intact.
    assert!(motcua::kiosk::open_store(&data).is_ok());
}
