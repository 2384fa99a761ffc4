//! How the kiosk process ends: SIGTERM or SIGINT stop it gracefully (a second one ends it at
//! once), SIGHUP restarts it in place so it reads its config again (`systemctl reload`), and
//! staff can ask for the same restart from the admin view. A restart execs the binary again
//! with the same arguments, after the store is closed and the printer has finished.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

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

/// The stop and restart requests that signals set.
#[derive(Debug)]
pub struct Signals {
    stop: Arc<AtomicBool>,
    restart: Arc<AtomicBool>,
}

impl Signals {
    /// Catches SIGTERM, SIGINT and SIGHUP from now on.
    pub fn install() -> std::io::Result<Signals> {
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

/// Replaces this process with a fresh run of the same program and arguments; returns only
/// if that failed. The program is found as it was first started (argv[0]), so a restart after
/// a package upgrade runs the new binary.
pub fn exec_self() -> anyhow::Error {
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
    let err = std::process::Command::new(&program).args(args).exec();
    anyhow::anyhow!("cannot restart {}: {err}", program.display())
}
