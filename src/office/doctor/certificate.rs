//! The doctor's look at the office's certificate and key: both readable, the key the one
//! the certificate was made for (rustls refuses the pair otherwise), the days left, and
//! the host names and addresses it is valid for (a browser refuses any other).

use std::net::IpAddr;
use std::path::Path;

use chrono::{DateTime, TimeDelta, Utc};
use x509_parser::extensions::GeneralName;

use super::Check;
use crate::tls::cert::{load_chain, server_config};

/// Under this many days left, renewing deserves a warning: every kiosk re-pins and every
/// clerk PC and tablet installs the new certificate.
pub const RENEW_WARNING: TimeDelta = TimeDelta::days(30);

/// What the certificate says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertFacts {
    /// Valid from.
    pub not_before: DateTime<Utc>,
    /// Valid until.
    pub not_after: DateTime<Utc>,
    /// Its subject alternative names: DNS names and IP addresses.
    pub hosts: Vec<String>,
}

/// The certificate file `cert` and key file `key` checked at `now`.
pub fn certificate_check(cert: &Path, key: &Path, now: DateTime<Utc>) -> Check {
    let facts = match load_chain(cert).and_then(|chain| facts(&chain[0])) {
        Ok(f) => f,
        Err(e) => return Check::fail("certificate", format!("{e:#}")),
    };
    if let Err(e) = server_config(cert, key) {
        return Check::fail(
            "certificate",
            format!("{e:#}: give the key made with this certificate (motcua office make-cert writes both)"),
        );
    }
    judge(&facts, now)
}

/// The certificate's validity and names.
fn facts(der: &[u8]) -> anyhow::Result<CertFacts> {
    let (_, cert) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| anyhow::anyhow!("the certificate cannot be read: {e}"))?;
    let time = |t: i64| {
        DateTime::from_timestamp(t, 0)
            .ok_or_else(|| anyhow::anyhow!("the certificate's validity is out of range"))
    };
    let hosts = match cert.subject_alternative_name() {
        Ok(Some(san)) => san
            .value
            .general_names
            .iter()
            .filter_map(|n| match n {
                GeneralName::DNSName(name) => Some(name.to_string()),
                GeneralName::IPAddress(bytes) => ip(bytes).map(|a| a.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(CertFacts {
        not_before: time(cert.validity().not_before.timestamp())?,
        not_after: time(cert.validity().not_after.timestamp())?,
        hosts,
    })
}

fn ip(bytes: &[u8]) -> Option<IpAddr> {
    match bytes.len() {
        4 => Some(IpAddr::from(<[u8; 4]>::try_from(bytes).ok()?)),
        16 => Some(IpAddr::from(<[u8; 16]>::try_from(bytes).ok()?)),
        _ => None,
    }
}

/// Expired or not yet valid fails, under [`RENEW_WARNING`] warns; the names are listed.
pub fn judge(facts: &CertFacts, now: DateTime<Utc>) -> Check {
    let hosts = if facts.hosts.is_empty() {
        "no host names (browsers will refuse it)".to_string()
    } else {
        format!("for {}", facts.hosts.join(", "))
    };
    let until = facts.not_after.format("%Y-%m-%d");
    if now < facts.not_before {
        return Check::fail(
            "certificate",
            format!(
                "not valid before {}: is this machine's clock right?",
                facts.not_before.format("%Y-%m-%d %H:%M UTC")
            ),
        );
    }
    if now >= facts.not_after {
        return Check::fail(
            "certificate",
            format!("expired on {until} ({hosts}): make a new one (motcua office make-cert) and re-pin the kiosks"),
        );
    }
    let days = (facts.not_after - now).num_days();
    if facts.not_after - now < RENEW_WARNING {
        return Check::warn(
            "certificate",
            format!("expires on {until}, in {days} day(s) ({hosts}): renew it now (motcua office make-cert) and re-pin the kiosks"),
        );
    }
    if facts.hosts.is_empty() {
        return Check::warn(
            "certificate",
            format!("valid until {until} ({days} days) but {hosts}"),
        );
    }
    Check::ok(
        "certificate",
        format!("valid until {until} ({days} days), {hosts}; the key fits"),
    )
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use rustls_pki_types::pem::PemObject;

    use super::super::{render, Outcome};
    use super::*;

    #[test]
    fn expiry_fails_then_warns_under_thirty_days_and_names_the_hosts() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap();
        let facts = |days: i64| CertFacts {
            not_before: now - TimeDelta::days(400),
            not_after: now + TimeDelta::days(days),
            hosts: vec!["office.lan".into(), "192.168.1.10".into()],
        };
        let ok = judge(&facts(3650), now);
        assert!(matches!(ok.outcome, Outcome::Ok(_)));
        assert_eq!(
            render(&[ok]),
            "ok certificate: valid until 2036-02-28 (3650 days), for office.lan, 192.168.1.10; the key fits\n"
        );
        assert!(matches!(judge(&facts(29), now).outcome, Outcome::Warn(_)));
        assert!(matches!(judge(&facts(31), now).outcome, Outcome::Ok(_)));
        assert!(matches!(judge(&facts(-1), now).outcome, Outcome::Fail(_)));
        let early = CertFacts {
            not_before: now + TimeDelta::days(1),
            ..facts(100)
        };
        assert!(matches!(judge(&early, now).outcome, Outcome::Fail(_)));
    }

    #[test]
    fn a_made_certificate_lists_its_hosts() {
        let today = Utc::now().date_naive();
        let pair =
            crate::tls::cert::make_self_signed(&["office.lan".into(), "10.0.0.2".into()], today)
                .unwrap();
        let der =
            rustls_pki_types::CertificateDer::from_pem_slice(pair.cert_pem.as_bytes()).unwrap();
        let f = facts(&der).unwrap();
        assert_eq!(f.hosts, ["office.lan", "10.0.0.2"]);
        assert!(f.not_after - f.not_before > TimeDelta::days(3600));
    }
}
