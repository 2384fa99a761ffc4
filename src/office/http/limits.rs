//! The bounds on what clients can hold of the office: how long a connection may take to
//! send a request head or body or sit idle, how many connections and live streams may be
//! open. Defaults suit a commune's office; tests shrink them through `ServeOptions`.

use std::time::Duration;

/// Request heads (request line and headers) larger than this get 431; it also bounds each
/// connection's read buffer.
pub(super) const MAX_HEAD: usize = 64 * 1024;

/// Open files the office needs besides its connections: the database, logs, live streams'
/// wake-ups, the listener.
const SPARE_FILES: u64 = 64;

/// The office's limits on connections and live streams (docs/api.md, "Limits").
#[derive(Debug, Clone)]
pub struct Limits {
    /// A connection must send a whole request head within this once it starts one (and its
    /// first one within this of connecting), or it is closed.
    pub header_timeout: Duration,
    /// A keep-alive connection between requests is closed after this long.
    pub idle_timeout: Duration,
    /// A request body must arrive within this once its handler reads it, or 408.
    pub body_timeout: Duration,
    /// At most this many connections are open; a new one evicts the longest-idle one. Also
    /// the listen backlog.
    pub max_connections: usize,
    /// At most this many live streams from one source address (then 429).
    pub streams_per_source: usize,
    /// At most this many live streams of one view kind (board, counter, rate; then 503).
    pub streams_per_view: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            body_timeout: Duration::from_secs(30),
            max_connections: 1024,
            streams_per_source: 20,
            streams_per_view: 200,
        }
    }
}

/// The body timeout, as a request extension the body extractors read.
#[derive(Debug, Clone, Copy)]
pub(super) struct BodyTimeout(pub Duration);

/// Raises the soft limit on open files to the hard limit, so the connection cap can be
/// reached, and warns when even that is too low for `max_connections`.
pub(super) fn raise_open_files(max_connections: usize) {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return;
    }
    if lim.rlim_cur < lim.rlim_max {
        let raised = libc::rlimit {
            rlim_cur: lim.rlim_max,
            rlim_max: lim.rlim_max,
        };
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            lim = raised;
        }
    }
    let need = files_needed(max_connections);
    // rlim_t is narrower than u64 on some 32-bit boards.
    #[allow(clippy::unnecessary_cast)]
    let limit = lim.rlim_cur as u64;
    if limit < need {
        log::warn!(
            event = "open_file_limit", limit = limit, need = need;
            "the open-file limit ({}) is below what {max_connections} connections need ({need}): \
             raise LimitNOFILE in the unit or lower the connection cap",
            lim.rlim_cur
        );
    }
}

/// Open files `max_connections` connections need with the office's own.
fn files_needed(max_connections: usize) -> u64 {
    max_connections as u64 + SPARE_FILES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_s_open_file_limit_covers_the_default_cap() {
        // deploy/motcua-office.service sets LimitNOFILE=8192.
        assert!(files_needed(Limits::default().max_connections) <= 8192);
    }
}
