//! The office's HTTP server (axum on tokio, database calls on blocking threads): one router
//! per area over one shared state (`state`), one error answer (`error`), and who is
//! asking as extractors (`auth`), served by its own accept loop (`listener`) that bounds
//! every connection in time and number (`limits`, `connections`, `stream_caps`). The kiosks' sync API and the integrations' dossier
//! API are in docs/api.md; the pages and their API (session cookie, live streams) in
//! docs/counters.md.

use std::ffi::OsStr;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use chrono_tz::Tz;

use crate::office::store::OfficeStore;
use crate::protocol::MAX_BODY;
use state::App;

mod alerts;
mod auth;
mod board;
mod booking;
mod conn_pool;
mod connections;
mod console;
mod dossier_link;
mod dossiers;
mod error;
mod extract;
mod follow;
mod group_commit;
mod hardening;
mod limits;
mod listener;
mod login;
mod metrics;
mod pages;
mod password_checks;
mod province;
mod radar;
mod rating;
mod reports;
mod rollup_cache;
mod scorecard;
mod shed;
mod site;
mod source_throttle;
mod state;
mod stream;
mod stream_caps;
mod sync;
mod throttle;
mod tls;

pub use limits::Limits;

/// The office's time zone when none is given: business dates are Vietnamese days.
pub const DEFAULT_TIME_ZONE: Tz = chrono_tz::Asia::Ho_Chi_Minh;

/// Threads for database calls at most (`App::with_store`).
const BLOCKING_THREADS: usize = 8;

/// How long a stopping office lets requests in flight finish.
const GRACE: Duration = Duration::from_secs(5);

/// The office's routes over an office database; business dates are days in `tz`
/// ([`DEFAULT_TIME_ZONE`] for a Vietnamese office).
pub fn router(store: OfficeStore, tz: Tz) -> Router {
    build(App::new(store, tz))
}

/// Every area's routes over `app`.
fn build(app: App) -> Router {
    Router::new()
        .merge(sync::routes())
        .merge(dossiers::routes())
        .merge(dossier_link::routes())
        .merge(console::routes())
        .merge(board::routes())
        .merge(rating::routes())
        .merge(reports::routes())
        .merge(province::routes())
        .merge(stream::routes())
        .merge(follow::routes())
        .merge(booking::routes())
        .merge(radar::routes())
        .merge(alerts::routes())
        .merge(scorecard::routes())
        .merge(pages::routes())
        .merge(metrics::routes())
        .layer(DefaultBodyLimit::max(MAX_BODY))
        // Outermost: a foreign page's request is refused before any route's work.
        .layer(axum::middleware::from_fn(hardening::harden))
        // Around that: every answer is counted, refusals too.
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            metrics::track,
        ))
        .with_state(app)
}

/// How the office serves besides its routes: the transport and the limits on connections.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// Serve HTTPS with this certificate and key (PEM files).
    pub tls: Option<TlsFiles>,
    /// Allow plain HTTP on an address other than loopback (a warning at every start).
    pub insecure_http: bool,
    /// Timeouts and caps on connections and live streams.
    pub limits: Limits,
}

/// The office's certificate chain and private key, PEM files (`office make-cert`).
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// The certificate chain, the office's own certificate first.
    pub cert: PathBuf,
    /// Its private key.
    pub key: PathBuf,
}

/// Refuses plain HTTP on a non-loopback address unless `options.insecure_http` says so
/// (then warns): tokens, passwords, session cookies and dossiers would cross the LAN in
/// clear.
pub fn check_plain_http(listen: SocketAddr, options: &ServeOptions) -> anyhow::Result<()> {
    if options.tls.is_some() || listen.ip().is_loopback() {
        return Ok(());
    }
    if !options.insecure_http {
        anyhow::bail!(
            "refusing to serve plain HTTP on {listen}: device tokens, clerks' passwords and \
             dossiers would cross the network in clear. Serve HTTPS with --tls-cert FILE \
             --tls-key FILE (motcua office make-cert makes a pair), listen on 127.0.0.1, or \
             accept the risk with --insecure-http"
        );
    }
    log::warn!(
        event = "office_insecure_http", address:% = listen;
        "serving plain HTTP on {listen} (--insecure-http): anyone on the network can read \
         tokens, passwords and dossiers"
    );
    Ok(())
}

/// Serves the API on `listen` (e.g. "127.0.0.1:0") in threads of its own until the handle
/// is shut down or dropped: an office inside another process, for the demo and tests.
/// `db` is a SQLite file or a `postgres://` URL.
pub fn spawn_with_shutdown(
    db: impl AsRef<OsStr>,
    listen: &str,
    tz: Tz,
) -> anyhow::Result<OfficeHandle> {
    spawn_with_options(db, listen, tz, ServeOptions::default())
}

/// As [`spawn_with_shutdown`], served as `options` say.
pub fn spawn_with_options(
    db: impl AsRef<OsStr>,
    listen: &str,
    tz: Tz,
    options: ServeOptions,
) -> anyhow::Result<OfficeHandle> {
    let limits = options.limits.clone();
    let listener = listener::bind(listen, limits.max_connections)?;
    let addr = listener.local_addr()?;
    check_plain_http(addr, &options)?;
    limits::raise_open_files(limits.max_connections);
    let acceptor = match &options.tls {
        Some(files) => Some(tls::TlsAcceptor::from_files(&files.cert, &files.key)?),
        None => None,
    };
    let store = OfficeStore::open(db)?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("office-api".into())
        .spawn(move || {
            let mut app = App::new(store, tz);
            app.tls = acceptor.is_some();
            serve(listener, acceptor, build(app.clone()), limits, stop_rx, app)
        })?;
    Ok(OfficeHandle {
        addr,
        tls: options.tls.is_some(),
        stop: Some(stop_tx),
        thread: Some(thread),
    })
}

/// Runs the server until `stop` fires (or for ever once its sender is gone without firing).
fn serve(
    listener: std::net::TcpListener,
    acceptor: Option<tls::TlsAcceptor>,
    router: Router,
    limits: Limits,
    stop: tokio::sync::oneshot::Receiver<()>,
    app: App,
) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // Database calls run on at most this many connections, so more threads only
        // wait; each waiting thread costs memory (400 logins at once held 400 of tokio's
        // default 512, ~170 MB).
        .max_blocking_threads(BLOCKING_THREADS)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let (stopping_tx, stopping_rx) = tokio::sync::watch::channel(false);
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    rt.spawn(async move {
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(l) => l,
            Err(e) => {
                log::error!("office API cannot start: {e}");
                return;
            }
        };
        listener::accept_loop(listener, acceptor, router, limits, stopping_rx).await;
        let _ = done_tx.send(());
    });
    if rt.block_on(stop).is_err() {
        // Detached: serve until the process ends.
        loop {
            std::thread::park();
        }
    }
    app.close_streams();
    let _ = stopping_tx.send(true);
    // Idle connections close at once; a request in flight gets GRACE to finish.
    let _ = done_rx.recv_timeout(GRACE);
    rt.shutdown_timeout(Duration::from_secs(1));
}

/// An office API running in this process; dropping it stops the server too.
pub struct OfficeHandle {
    addr: SocketAddr,
    tls: bool,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl OfficeHandle {
    /// The bound address (the real port when asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL kiosks use, e.g. `http://127.0.0.1:40123` (`https://` under TLS).
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Stops serving and waits until the port and the database are released, so the same
    /// port can be bound again at once.
    pub fn shutdown(mut self) {
        self.stop_and_wait();
    }

    /// Lets the server run until the process ends.
    pub fn detach(mut self) {
        // Dropping the sender unfired tells the server thread to serve for ever.
        self.stop.take();
        self.thread.take();
    }

    fn stop_and_wait(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for OfficeHandle {
    fn drop(&mut self) {
        self.stop_and_wait();
    }
}
