//! Where log records go: under systemd (stderr connected to the journal), to the journal as
//! structured entries — the message plus fields such as `EVENT=ticket_issued`, `TICKET=A012`
//! — else to stderr, one line each. `RUST_LOG` filters both the same way (default `info`).
//!
//! Privacy: records never carry a dossier code, a citizen's name or phone digits, or what a
//! citizen typed; lookups are logged by outcome only (the store keeps a keyed hash).

use log::{Log, Metadata, Record};

/// Fields every journal entry of this program carries.
const VERSION_FIELD: &str = "MOTCUA_VERSION";

/// Installs the logger once, at start.
pub fn init() {
    let spec = std::env::var("RUST_LOG").unwrap_or_else(|_| "info".to_string());
    if systemd_journal_logger::connected_to_journal() {
        match journal(&spec) {
            Ok(()) => return,
            // Falls through to stderr, which systemd also puts in the journal.
            Err(e) => eprintln!("motcua: cannot log to the journal ({e}); logging to stderr"),
        }
    }
    env_logger::Builder::new().parse_filters(&spec).init();
}

fn journal(spec: &str) -> anyhow::Result<()> {
    let filter = env_filter::Builder::new().parse(spec).build();
    let journal = systemd_journal_logger::JournalLog::new()?
        .with_syslog_identifier("motcua".to_string())
        .with_extra_fields(vec![(VERSION_FIELD, env!("CARGO_PKG_VERSION"))]);
    log::set_max_level(filter.filter());
    log::set_boxed_logger(Box::new(Filtered {
        filter,
        inner: journal,
    }))?;
    Ok(())
}

/// A logger behind `RUST_LOG`'s filter.
struct Filtered<L> {
    filter: env_filter::Filter,
    inner: L,
}

impl<L: Log> Log for Filtered<L> {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        self.filter.enabled(metadata)
    }

    fn log(&self, record: &Record<'_>) {
        if self.filter.matches(record) {
            self.inner.log(record);
        }
    }

    fn flush(&self) {
        self.inner.flush();
    }
}
