//! HTTPS for the office: the TLS handshake over the office's certificate, run by the accept
//! loop (listener.rs) on each connection under the header timeout.

use std::io;
use std::path::Path;

use tokio::net::TcpStream;
use tokio_rustls::server::TlsStream;

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

    /// The server's side of the handshake on `tcp` (the caller bounds its time).
    pub(super) async fn handshake(&self, tcp: TcpStream) -> io::Result<TlsStream<TcpStream>> {
        self.inner.accept(tcp).await
    }
}
