//! HTTPS for the office: the TLS handshake (`TlsAcceptor`, kept apart so any accept loop can
//! use it) and a listener for `axum::serve` that hands over only connections whose
//! handshake completed, without letting a slow or silent client hold up the others.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::server::TlsStream;

/// How long a client may take over its handshake before the connection is dropped.
pub(super) const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Completed handshakes waiting for the server to take them.
const READY_QUEUE: usize = 64;

/// The office's certificate and key, ready to accept TLS connections.
#[derive(Clone)]
pub(super) struct TlsAcceptor {
    inner: tokio_rustls::TlsAcceptor,
}

impl TlsAcceptor {
    /// An acceptor over a PEM certificate chain and private key.
    pub(super) fn from_files(cert: &Path, key: &Path) -> anyhow::Result<TlsAcceptor> {
        let config = crate::tls::cert::server_config(cert, key)?;
        Ok(TlsAcceptor {
            inner: tokio_rustls::TlsAcceptor::from(config),
        })
    }

    /// The server's side of the handshake on `tcp`, given up after [`HANDSHAKE_TIMEOUT`].
    pub(super) async fn handshake(&self, tcp: TcpStream) -> io::Result<TlsStream<TcpStream>> {
        match tokio::time::timeout(HANDSHAKE_TIMEOUT, self.inner.accept(tcp)).await {
            Ok(result) => result,
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "TLS handshake not completed in time",
            )),
        }
    }
}

/// A listener for `axum::serve` over TLS: a task accepts TCP connections and runs each
/// handshake on a task of its own; completed ones arrive through a channel.
pub(super) struct TlsListener {
    addr: SocketAddr,
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
}

impl TlsListener {
    /// Starts accepting on `tcp` (on the current tokio runtime).
    pub(super) fn spawn(tcp: TcpListener, acceptor: TlsAcceptor) -> io::Result<TlsListener> {
        let addr = tcp.local_addr()?;
        let (tx, ready) = mpsc::channel(READY_QUEUE);
        tokio::spawn(accept_loop(tcp, acceptor, tx));
        Ok(TlsListener { addr, ready })
    }
}

async fn accept_loop(
    tcp: TcpListener,
    acceptor: TlsAcceptor,
    ready: mpsc::Sender<(TlsStream<TcpStream>, SocketAddr)>,
) {
    loop {
        if ready.is_closed() {
            return;
        }
        let (stream, peer) = match tcp.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of descriptors or a connection reset before accept: wait, as axum does.
                log::debug!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        // Without TCP_NODELAY a small answer can wait ~40 ms for a delayed ACK (Nagle).
        let _ = stream.set_nodelay(true);
        let acceptor = acceptor.clone();
        let ready = ready.clone();
        tokio::spawn(async move {
            match acceptor.handshake(stream).await {
                Ok(tls) => {
                    let _ = ready.send((tls, peer)).await;
                }
                // A port scan, a browser that does not trust the certificate yet, plain
                // HTTP on the HTTPS port: the client's problem, not the office's.
                Err(e) => log::debug!(peer:% = peer; "TLS handshake failed: {e}"),
            }
        });
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(accepted) => accepted,
            // The accept task is gone only when the runtime stops: never hand out anything.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.addr)
    }
}
