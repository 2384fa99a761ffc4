//! The kiosk's side of the office's certificate: a rustls verifier that accepts exactly the
//! certificate whose SHA-256 is the pin, whatever names and dates it carries (a LAN office
//! has no CA and may be reached by an address its certificate does not name), with the
//! handshake's signatures still checked by the provider, so only the holder of the pinned
//! certificate's key can answer.

use std::fmt;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::{CertificateError, DigitallySignedStruct, OtherError, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

use super::Fingerprint;

/// The office presented another certificate than the pinned one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateMismatch {
    /// The pin (`sync.office_cert_sha256`).
    pub expected: Fingerprint,
    /// The certificate the server presented.
    pub found: Fingerprint,
}

impl fmt::Display for CertificateMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the office's certificate is not the pinned one: expected SHA-256 {}, found {}",
            self.expected, self.found
        )
    }
}

impl std::error::Error for CertificateMismatch {}

/// Accepts only the certificate with the pinned fingerprint.
#[derive(Debug)]
pub struct PinnedVerifier {
    pin: Fingerprint,
    provider: Arc<CryptoProvider>,
}

impl PinnedVerifier {
    /// A verifier for `pin`, checking signatures with `provider`'s algorithms.
    pub fn new(pin: Fingerprint, provider: Arc<CryptoProvider>) -> PinnedVerifier {
        PinnedVerifier { pin, provider }
    }
}

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let found = Fingerprint::of_der(end_entity);
        if found == self.pin {
            return Ok(ServerCertVerified::assertion());
        }
        Err(rustls::Error::InvalidCertificate(CertificateError::Other(
            OtherError(Arc::new(CertificateMismatch {
                expected: self.pin,
                found,
            })),
        )))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A client config that talks only to the certificate pinned by `pin`.
pub fn client_config(pin: Fingerprint) -> Arc<rustls::ClientConfig> {
    let provider = super::provider();
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(PinnedVerifier::new(pin, provider)))
        .with_no_client_auth();
    Arc::new(config)
}

/// The mismatch behind a TLS error, wherever in the chain of sources it sits (rustls
/// wraps it in `InvalidCertificate`, I/O wraps that in turn).
pub fn mismatch_in(err: &(dyn std::error::Error + 'static)) -> Option<CertificateMismatch> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = next {
        if let Some(m) = e.downcast_ref::<CertificateMismatch>() {
            return Some(m.clone());
        }
        if let Some(rustls::Error::InvalidCertificate(CertificateError::Other(other))) =
            e.downcast_ref::<rustls::Error>()
        {
            if let Some(m) = other.0.downcast_ref::<CertificateMismatch>() {
                return Some(m.clone());
            }
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref() {
                if let Some(found) = mismatch_in(inner) {
                    return Some(found);
                }
            }
        }
        next = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert() -> (CertificateDer<'static>, Fingerprint) {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let pair = super::super::cert::make_self_signed(&["office.lan".into()], today).unwrap();
        let der =
            rustls_pki_types::pem::PemObject::from_pem_slice(pair.cert_pem.as_bytes()).unwrap();
        (der, pair.fingerprint)
    }

    fn verify(
        v: &PinnedVerifier,
        der: &CertificateDer<'_>,
        name: &str,
    ) -> Result<(), rustls::Error> {
        let name = ServerName::try_from(name.to_string()).unwrap();
        v.verify_server_cert(der, &[], &name, &[], UnixTime::now())
            .map(|_| ())
    }

    #[test]
    fn accepts_the_pinned_certificate_whatever_name_it_is_reached_by() {
        let (der, fp) = cert();
        let v = PinnedVerifier::new(fp, super::super::provider());
        verify(&v, &der, "office.lan").unwrap();
        verify(&v, &der, "10.0.0.7").unwrap();
        verify(&v, &der, "not-its-name.example").unwrap();
    }

    #[test]
    fn refuses_another_certificate_with_both_fingerprints() {
        let (der, found) = cert();
        let (_, pinned) = cert();
        let v = PinnedVerifier::new(pinned, super::super::provider());
        let err = verify(&v, &der, "office.lan").unwrap_err();
        let m = mismatch_in(&err).expect("a mismatch");
        assert_eq!(
            m,
            CertificateMismatch {
                expected: pinned,
                found
            }
        );
        let text = m.to_string();
        assert!(text.contains(&pinned.to_string()) && text.contains(&found.to_string()));
        // Wrapped in I/O, as a TLS stream reports it, it is still found.
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, err);
        assert_eq!(mismatch_in(&io), Some(m));
        assert_eq!(mismatch_in(&std::io::Error::other("x")), None);
    }

    #[test]
    fn offers_the_providers_signature_schemes() {
        let (_, fp) = cert();
        let v = PinnedVerifier::new(fp, super::super::provider());
        assert!(v
            .supported_verify_schemes()
            .contains(&SignatureScheme::ECDSA_NISTP256_SHA256));
    }
}
