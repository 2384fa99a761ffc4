//! systemd's notify protocol, spoken by hand (a datagram to `$NOTIFY_SOCKET`): the kiosk says
//! `READY=1` once its event loop turns, then `WATCHDOG=1` from that same loop, so a UI that
//! hangs stops feeding the watchdog and systemd restarts it (`Type=notify`, `WatchdogSec=`).
//! Outside systemd (no `NOTIFY_SOCKET`) nothing is sent.

use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::time::Duration;

/// Where and how often to notify.
#[derive(Debug)]
pub struct Notifier {
    target: Option<(UnixDatagram, SocketAddr)>,
    watchdog: Option<Duration>,
}

/// The watchdog period systemd asks for: `WATCHDOG_USEC` microseconds, unless
/// `WATCHDOG_PID` names another process (the variables were inherited, not meant for us).
pub fn watchdog_period(usec: Option<&str>, pid: Option<&str>, own_pid: u32) -> Option<Duration> {
    if let Some(pid) = pid {
        if pid.trim().parse::<u32>().ok() != Some(own_pid) {
            return None;
        }
    }
    let usec: u64 = usec?.trim().parse().ok()?;
    (usec > 0).then(|| Duration::from_micros(usec))
}

/// The address `$NOTIFY_SOCKET` names: a path, or with `@` an abstract socket.
fn socket_addr(name: &str) -> std::io::Result<SocketAddr> {
    match name.strip_prefix('@') {
        Some(abstract_name) => {
            use std::os::linux::net::SocketAddrExt;
            SocketAddr::from_abstract_name(abstract_name.as_bytes())
        }
        None => SocketAddr::from_pathname(name),
    }
}

impl Notifier {
    /// From systemd's environment; inert when not started by systemd.
    pub fn from_env() -> Notifier {
        let socket = std::env::var("NOTIFY_SOCKET").ok();
        let usec = std::env::var("WATCHDOG_USEC").ok();
        let pid = std::env::var("WATCHDOG_PID").ok();
        Notifier::new(
            socket.as_deref(),
            watchdog_period(usec.as_deref(), pid.as_deref(), std::process::id()),
        )
    }

    /// Notifies the socket `name` (None: nobody), feeding a watchdog of `watchdog`.
    pub fn new(name: Option<&str>, watchdog: Option<Duration>) -> Notifier {
        let target = name.and_then(|name| {
            let made = socket_addr(name).and_then(|addr| Ok((UnixDatagram::unbound()?, addr)));
            made.map_err(|e| log::error!("cannot use NOTIFY_SOCKET {name:?}: {e}"))
                .ok()
        });
        Notifier {
            watchdog: watchdog.filter(|_| target.is_some()),
            target,
        }
    }

    /// How often to feed the watchdog (half its period, as systemd advises), if there is one.
    pub fn feed_every(&self) -> Option<Duration> {
        self.watchdog.map(|w| w / 2)
    }

    /// Start-up is done.
    pub fn ready(&self) {
        self.send("READY=1");
    }

    /// Still alive.
    pub fn watchdog(&self) {
        self.send("WATCHDOG=1");
    }

    /// About to exec itself again; the new image says READY=1 when it is up.
    pub fn reloading(&self) {
        self.send("RELOADING=1");
    }

    /// Shutting down on purpose.
    pub fn stopping(&self) {
        self.send("STOPPING=1");
    }

    fn send(&self, message: &str) {
        if let Some((socket, addr)) = &self.target {
            if let Err(e) = socket.send_to_addr(message.as_bytes(), addr) {
                log::warn!("systemd notify {message:?} failed: {e}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_period_is_ours_only_when_the_pid_matches_or_is_absent() {
        assert_eq!(
            watchdog_period(Some("30000000"), None, 7),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            watchdog_period(Some("30000000"), Some("7"), 7),
            Some(Duration::from_secs(30))
        );
        assert_eq!(watchdog_period(Some("30000000"), Some("8"), 7), None);
        assert_eq!(watchdog_period(Some("soon"), None, 7), None);
        assert_eq!(watchdog_period(Some("0"), None, 7), None);
        assert_eq!(watchdog_period(None, None, 7), None);
    }

    fn receive(socket: &UnixDatagram) -> String {
        let mut buf = [0u8; 64];
        let n = socket.recv(&mut buf).unwrap();
        String::from_utf8(buf[..n].to_vec()).unwrap()
    }

    #[test]
    fn ready_and_watchdog_reach_a_real_socket_by_path_and_by_abstract_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify");
        let server = UnixDatagram::bind(&path).unwrap();
        server
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let n = Notifier::new(path.to_str(), Some(Duration::from_secs(30)));
        assert_eq!(n.feed_every(), Some(Duration::from_secs(15)));
        n.ready();
        n.watchdog();
        assert_eq!(receive(&server), "READY=1");
        assert_eq!(receive(&server), "WATCHDOG=1");

        use std::os::linux::net::SocketAddrExt;
        let name = format!("motcua-test-{}", std::process::id());
        let server =
            UnixDatagram::bind_addr(&SocketAddr::from_abstract_name(name.as_bytes()).unwrap())
                .unwrap();
        server
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        Notifier::new(Some(&format!("@{name}")), None).ready();
        assert_eq!(receive(&server), "READY=1");
    }

    #[test]
    fn without_systemd_nothing_is_sent_and_no_watchdog_is_fed() {
        let n = Notifier::new(None, Some(Duration::from_secs(30)));
        assert_eq!(n.feed_every(), None);
        n.ready();
        n.watchdog();
        // A socket that is not there is logged, never fatal.
        let gone = Notifier::new(Some("/nonexistent/notify"), None);
        gone.ready();
    }
}
