//! The office's certificate: a self-signed pair for a LAN without a CA (`make-cert`), the
//! PEM files loaded back, and the server's rustls config over them.

use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::Fingerprint;

/// How long a made certificate is valid: an office PC outlives a year, and a renewed
/// certificate means re-pinning every kiosk and reinstalling it on every clerk PC.
pub const VALID_YEARS: i32 = 10;

/// A made certificate and its key, as PEM text.
pub struct CertPair {
    /// The certificate (PEM).
    pub cert_pem: String,
    /// The private key (PKCS#8 PEM).
    pub key_pem: String,
    /// The certificate's SHA-256, what kiosks pin.
    pub fingerprint: Fingerprint,
}

/// Makes a self-signed ECDSA P-256 certificate for `hosts` (DNS names or IP addresses, each
/// a subject alternative name), valid from the day before `today` for [`VALID_YEARS`].
/// It is its own authority (CA:TRUE), so clerk PCs, the board TV and tablets can install it
/// as a trusted root.
pub fn make_self_signed(hosts: &[String], today: NaiveDate) -> anyhow::Result<CertPair> {
    anyhow::ensure!(
        !hosts.is_empty(),
        "name at least one --host: the name or IP address clerks and kiosks use for the office"
    );
    for host in hosts {
        check_host(host)?;
    }
    let mut params =
        rcgen::CertificateParams::new(hosts.to_vec()).context("a certificate's host names")?;
    let mut dn = rcgen::DistinguishedName::new();
    dn.push(
        rcgen::DnType::CommonName,
        format!("motcua office {}", hosts[0]),
    );
    dn.push(rcgen::DnType::OrganizationName, "motcua");
    params.distinguished_name = dn;
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Constrained(0));
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::DigitalSignature,
        rcgen::KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let start = today.pred_opt().unwrap_or(today);
    params.not_before = rcgen::date_time_ymd(start.year(), start.month() as u8, start.day() as u8);
    params.not_after = rcgen::date_time_ymd(
        start.year() + VALID_YEARS,
        start.month() as u8,
        start.day().min(28) as u8,
    );
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
        .context("cannot make a key pair")?;
    let cert = params
        .self_signed(&key)
        .context("cannot sign the certificate")?;
    Ok(CertPair {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        fingerprint: Fingerprint::of_der(cert.der()),
    })
}

/// A `--host` must be an IP address or a DNS name (letters, digits, '-', '.').
fn check_host(host: &str) -> anyhow::Result<()> {
    if host.parse::<IpAddr>().is_ok() {
        return Ok(());
    }
    let ok = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    anyhow::ensure!(
        ok,
        "{host:?} is neither an IP address nor a host name (letters, digits, '-' and '.')"
    );
    Ok(())
}

/// The certificate chain of a PEM file, the server's own certificate first.
pub fn load_chain(path: &Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let chain = CertificateDer::pem_file_iter(path)
        .with_context(|| format!("cannot read the certificate {}", path.display()))?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("{} is not a PEM certificate", path.display()))?;
    anyhow::ensure!(
        !chain.is_empty(),
        "{} holds no certificate (-----BEGIN CERTIFICATE-----)",
        path.display()
    );
    Ok(chain)
}

/// The private key of a PEM file (PKCS#8, SEC1 or PKCS#1).
pub fn load_key(path: &Path) -> anyhow::Result<PrivateKeyDer<'static>> {
    PrivateKeyDer::from_pem_file(path)
        .with_context(|| format!("{} holds no readable PEM private key", path.display()))
}

/// The SHA-256 of the first certificate in a PEM file: the one a kiosk pins.
pub fn fingerprint_of_file(path: &Path) -> anyhow::Result<Fingerprint> {
    Ok(Fingerprint::of_der(&load_chain(path)?[0]))
}

/// The server's TLS config over a PEM certificate chain and key (HTTP/1.1 only, as the
/// office serves).
pub fn server_config(cert: &Path, key: &Path) -> anyhow::Result<Arc<rustls::ServerConfig>> {
    let chain = load_chain(cert)?;
    let key_der = load_key(key)?;
    let mut config = rustls::ServerConfig::builder_with_provider(super::provider())
        .with_safe_default_protocol_versions()
        .context("TLS versions")?
        .with_no_client_auth()
        .with_single_cert(chain, key_der)
        .with_context(|| {
            format!(
                "the key {} does not fit the certificate {}",
                key.display(),
                cert.display()
            )
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
    }

    #[test]
    fn a_made_pair_loads_back_with_its_fingerprint() {
        let pair =
            make_self_signed(&["office.lan".into(), "192.168.1.10".into()], today()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (c, k) = (dir.path().join("c.pem"), dir.path().join("k.pem"));
        std::fs::write(&c, &pair.cert_pem).unwrap();
        std::fs::write(&k, &pair.key_pem).unwrap();
        assert_eq!(fingerprint_of_file(&c).unwrap(), pair.fingerprint);
        server_config(&c, &k).unwrap();
        // Two pairs never share a key, so never a fingerprint.
        let other = make_self_signed(&["office.lan".into()], today()).unwrap();
        assert_ne!(other.fingerprint, pair.fingerprint);
    }

    #[test]
    fn a_key_of_another_pair_is_refused() {
        let a = make_self_signed(&["a".into()], today()).unwrap();
        let b = make_self_signed(&["b".into()], today()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (c, k) = (dir.path().join("c.pem"), dir.path().join("k.pem"));
        std::fs::write(&c, &a.cert_pem).unwrap();
        std::fs::write(&k, &b.key_pem).unwrap();
        let err = server_config(&c, &k).unwrap_err();
        assert!(format!("{err:#}").contains("does not fit"), "{err:#}");
    }

    #[test]
    fn hosts_must_be_names_or_addresses() {
        assert!(make_self_signed(&[], today()).is_err());
        assert!(make_self_signed(&["bad host".into()], today()).is_err());
        assert!(make_self_signed(&["a..b".into()], today()).is_err());
        assert!(make_self_signed(&["fe80::1".into(), "x-1.lan".into()], today()).is_ok());
    }

    #[test]
    fn files_that_are_not_pem_are_refused_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x.pem");
        std::fs::write(&f, "hello").unwrap();
        assert!(format!("{:#}", load_chain(&f).unwrap_err()).contains("no certificate"));
        assert!(load_key(&f).is_err());
        assert!(load_chain(&dir.path().join("missing.pem")).is_err());
    }
}
