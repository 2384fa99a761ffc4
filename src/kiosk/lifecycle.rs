//! How the kiosk process ends: SIGTERM or SIGINT stop it gracefully (a second one ends it at
//! once), SIGHUP restarts it in place so it reads its config again (`systemctl reload`), and
//! staff can ask for the same restart from the admin view. A restart execs the binary again
//! with the same arguments, after the store is closed and the printer has finished.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// Why the event loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The window was closed (the desktop demo).
    Closed,
    /// Asked to stop (SIGTERM, SIGINT).
    Stop,
    /// Asked to restart (SIGHUP, the admin view).
    Restart,
}

/// The process's requests, once installed: a stop may come at any point until the exec.
static INSTALLED: OnceLock<Signals> = OnceLock::new();

/// The stop and restart requests that signals set.
#[derive(Debug)]
pub struct Signals {
    stop: Arc<AtomicBool>,
    restart: Arc<AtomicBool>,
}

impl Signals {
    /// Catches SIGTERM, SIGINT and SIGHUP from now on (once per process).
    pub fn install() -> std::io::Result<&'static Signals> {
        if let Some(installed) = INSTALLED.get() {
            return Ok(installed);
        }
        let signals = Signals::register()?;
        Ok(INSTALLED.get_or_init(|| signals))
    }

    fn register() -> std::io::Result<Signals> {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        use signal_hook::flag;
        let stop = Arc::new(AtomicBool::new(false));
        let restart = Arc::new(AtomicBool::new(false));
        for sig in [SIGTERM, SIGINT] {
            // A second stop signal while the first is being handled (a hung printer, a
            // stuck loop) ends the process at once, as the default action would have.
            flag::register_conditional_shutdown(sig, 1, stop.clone())?;
            flag::register(sig, stop.clone())?;
        }
        flag::register(SIGHUP, restart.clone())?;
        Ok(Signals { stop, restart })
    }

    /// What was asked for since start, a stop winning over a restart.
    pub fn requested(&self) -> Option<Ending> {
        if self.stop.load(Ordering::SeqCst) {
            Some(Ending::Stop)
        } else if self.restart.load(Ordering::SeqCst) {
            Some(Ending::Restart)
        } else {
            None
        }
    }
}

/// Whether a stop signal came since [`Signals::install`]: checked last thing before a restart,
/// so a `systemctl stop` during one is not lost to the new image.
pub fn stop_requested() -> bool {
    INSTALLED
        .get()
        .is_some_and(|s| s.requested() == Some(Ending::Stop))
}

/// Replaces this process with a fresh run of the same program and arguments, without the
/// environment variables `unset`; returns only if that failed. The program is found as it was
/// first started (argv[0]), so a restart after a package upgrade runs the new binary.
pub fn exec_self(unset: &[&str]) -> anyhow::Error {
    use std::os::unix::process::CommandExt;
    let mut args = std::env::args_os();
    let program = match args.next() {
        Some(argv0) => PathBuf::from(argv0),
        None => match std::env::current_exe() {
            Ok(exe) => exe,
            Err(e) => return anyhow::anyhow!("cannot restart: no program path ({e})"),
        },
    };
    log::info!(event = "restart"; "restarting {}", program.display());
    let mut command = std::process::Command::new(&program);
    command.args(args);
    for name in unset {
        command.env_remove(name);
    }
    let err = command.exec();
    anyhow::anyhow!("cannot restart {}: {err}", program.display())
}
