//! HTTPS to an office whose certificate the config pins (`sync.office_cert_sha256`): a ureq
//! connector that wraps the TCP connection in rustls with [`crate::tls::pin`]'s verifier,
//! so the kiosk talks only to the holder of that certificate's key, whatever names and
//! dates it carries. A mismatch surfaces as an I/O error carrying the
//! [`CertificateMismatch`], which the client turns into its own error.

use std::fmt;
use std::io::{Read, Write};
use std::sync::Arc;

use rustls::{ClientConnection, StreamOwned};
use rustls_pki_types::ServerName;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, TcpConnector,
    Transport, TransportAdapter,
};

use crate::tls::pin::{client_config, mismatch_in};
use crate::tls::{CertificateMismatch, Fingerprint};

/// The connector chain of a pinned agent: TCP, then TLS with the pin.
pub(super) fn connector(pin: Fingerprint) -> impl Connector {
    ().chain(TcpConnector::default()).chain(PinnedConnector {
        config: client_config(pin),
    })
}

/// Wraps https connections in TLS that accepts only the pinned certificate; plain http
/// passes through (the config refuses a pin with an http:// office).
struct PinnedConnector {
    config: Arc<rustls::ClientConfig>,
}

impl<In: Transport> Connector<In> for PinnedConnector {
    type Out = Either<In, PinnedTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details
            .uri
            .host()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']');
        // The name only goes into SNI; the pin, not the name, decides.
        let name = ServerName::try_from(host.to_string())
            .map_err(|_| ureq::Error::Tls("the office's address is not a valid host name"))?;
        let mut conn = ClientConnection::new(self.config.clone(), name)?;
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        sock.set_timeout(details.timeout);
        if let Err(e) = conn.complete_io(&mut sock) {
            return Err(match mismatch_in(&e) {
                Some(mismatch) => ureq::Error::Io(std::io::Error::other(mismatch)),
                None => ureq::Error::Io(e),
            });
        }
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        Ok(Some(Either::B(PinnedTransport {
            buffers,
            stream: StreamOwned { conn, sock },
        })))
    }
}

/// A TLS connection to the pinned office.
struct PinnedTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl Transport for PinnedTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

impl fmt::Debug for PinnedConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PinnedConnector").finish()
    }
}

impl fmt::Debug for PinnedTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PinnedTransport").finish()
    }
}

/// The certificate mismatch behind a failed request, if that is why it failed.
pub(super) fn mismatch_of(err: &ureq::Error) -> Option<CertificateMismatch> {
    match err {
        ureq::Error::Io(io) => mismatch_in(io),
        ureq::Error::Rustls(tls) => mismatch_in(tls),
        _ => None,
    }
}
