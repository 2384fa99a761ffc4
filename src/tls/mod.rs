//! TLS shared by both roles: the office's certificate (`cert`: make a self-signed pair,
//! load PEM files, the server's rustls config), its SHA-256 fingerprint (`fingerprint`),
//! and the kiosk's verifier that accepts exactly the pinned certificate (`pin`). rustls
//! with the `ring` provider throughout: it builds with only a C compiler.

pub mod cert;
pub mod fingerprint;
pub mod pin;

use std::sync::Arc;

pub use fingerprint::Fingerprint;
pub use pin::CertificateMismatch;

/// The crypto provider every TLS config here uses (ring, never aws-lc).
// Deprecated only for lacking post-quantum key exchange, which needs aws-lc (cmake, and
// much longer builds on the board); both ends here are ours.
#[allow(deprecated)]
pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}
