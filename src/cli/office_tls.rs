//! The office's certificate on the command line: `office make-cert` (a self-signed pair for
//! a LAN without a CA), the serving flags `--tls-cert/--tls-key/--insecure-http`, and the
//! fingerprint `enroll-device` prints for the kiosk's config.

use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use motcua::office::http::{ServeOptions, TlsFiles};
use motcua::tls::cert::{fingerprint_of_file, make_self_signed};
use motcua::tls::Fingerprint;

/// The file `enroll-device` looks for beside a SQLite database when no `--tls-cert` is given.
pub(super) const CERT_BESIDE_DB: &str = "office-cert.pem";

/// The transport flags of `motcua office` (serving).
#[derive(Args)]
pub(super) struct ServeTls {
    /// Serve HTTPS with this certificate (PEM; `office make-cert` makes one).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Serve plain HTTP on a non-loopback address: tokens, passwords and dossiers cross the
    /// network in clear (a warning is logged at every start).
    #[arg(long, conflicts_with = "tls_cert")]
    insecure_http: bool,
}

impl ServeTls {
    /// The serving options these flags ask for.
    pub(super) fn options(&self) -> ServeOptions {
        ServeOptions {
            tls: match (&self.tls_cert, &self.tls_key) {
                (Some(cert), Some(key)) => Some(TlsFiles {
                    cert: cert.clone(),
                    key: key.clone(),
                }),
                _ => None,
            },
            insecure_http: self.insecure_http,
            ..ServeOptions::default()
        }
    }

    /// The certificate's fingerprint, when serving HTTPS.
    pub(super) fn fingerprint(&self) -> anyhow::Result<Option<Fingerprint>> {
        self.tls_cert
            .as_deref()
            .map(fingerprint_of_file)
            .transpose()
    }
}

/// `office make-cert`'s arguments.
#[derive(Args)]
pub(super) struct MakeCertArgs {
    /// A name or IP address clerks' browsers and kiosks use for the office (repeatable).
    #[arg(long = "host", value_name = "NAME-OR-IP")]
    hosts: Vec<String>,
    /// Add this machine's host name and every address of its network interfaces.
    #[arg(long)]
    all_addresses: bool,
    /// Where to write the certificate (PEM).
    #[arg(long, value_name = "FILE")]
    cert: PathBuf,
    /// Where to write the private key (PEM, readable by its owner only).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// Replace existing files (every kiosk must then be pinned again).
    #[arg(long, conflicts_with = "if_missing")]
    force: bool,
    /// Keep existing files and only print their fingerprint (for a service's start).
    #[arg(long)]
    if_missing: bool,
}

/// `office make-cert`: writes a self-signed pair and prints its fingerprint.
pub(super) fn make_cert(args: MakeCertArgs) -> anyhow::Result<()> {
    let (cert_exists, key_exists) = (args.cert.exists(), args.key.exists());
    if args.if_missing && cert_exists && key_exists {
        let fp = fingerprint_of_file(&args.cert)?;
        println!("{} kept", args.cert.display());
        print_fingerprint(fp);
        return Ok(());
    }
    if !args.force {
        for (exists, path) in [(cert_exists, &args.cert), (key_exists, &args.key)] {
            anyhow::ensure!(
                !exists,
                "{} exists: kiosks pinned to it would stop syncing. Keep it, or replace it \
                 with --force",
                path.display()
            );
        }
    }
    let mut hosts = args.hosts.clone();
    if args.all_addresses {
        hosts.extend(machine_names());
    }
    let mut seen = std::collections::HashSet::new();
    hosts.retain(|h| seen.insert(h.to_lowercase()));
    let pair = make_self_signed(&hosts, chrono::Utc::now().date_naive())?;
    write_file(&args.cert, pair.cert_pem.as_bytes(), 0o644)?;
    write_file(&args.key, pair.key_pem.as_bytes(), 0o600)?;
    println!(
        "{} and {} written for {}",
        args.cert.display(),
        args.key.display(),
        hosts.join(", ")
    );
    print_fingerprint(pair.fingerprint);
    Ok(())
}

/// The fingerprint as a kiosk's config takes it and as people compare it.
fn print_fingerprint(fp: Fingerprint) {
    println!("office_cert_sha256 = \"{fp}\"");
    println!("SHA-256 {}", fp.grouped());
}

/// Writes `bytes` to `path` (replacing it) with `mode`, the key never readable by others
/// even for an instant.
fn write_file(path: &Path, bytes: &[u8], mode: u32) -> anyhow::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.set_permissions(std::fs::Permissions::from_mode(mode))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

/// This machine's host name, `localhost`, and the addresses of its interfaces (loopback
/// included, so the office PC's own browser can use 127.0.0.1).
fn machine_names() -> Vec<String> {
    let mut names = vec!["localhost".to_string()];
    if let Some(host) = host_name() {
        names.push(host);
    }
    names.extend(interface_addresses().iter().map(IpAddr::to_string));
    names
}

fn host_name() -> Option<String> {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is writable for its length; gethostname NUL-terminates within it
    // or fails.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return None;
    }
    let end = buf.iter().position(|b| *b == 0)?;
    let name = std::str::from_utf8(&buf[..end]).ok()?.to_string();
    (!name.is_empty()).then_some(name)
}

/// The IPv4 and IPv6 addresses of the network interfaces (IPv6 link-local left out: a
/// browser cannot use one without a zone).
fn interface_addresses() -> Vec<IpAddr> {
    let mut out = Vec::new();
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list` with a linked list we free with freeifaddrs; each
    // ifa_addr, when not null, points to a sockaddr of the family it names.
    unsafe {
        if libc::getifaddrs(&mut list) != 0 {
            return out;
        }
        let mut cur = list;
        while !cur.is_null() {
            let addr = (*cur).ifa_addr;
            if !addr.is_null() {
                match i32::from((*addr).sa_family) {
                    libc::AF_INET => {
                        let sin = &*(addr as *const libc::sockaddr_in);
                        let ip = std::net::Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
                        out.push(IpAddr::V4(ip));
                    }
                    libc::AF_INET6 => {
                        let sin6 = &*(addr as *const libc::sockaddr_in6);
                        let ip = std::net::Ipv6Addr::from(sin6.sin6_addr.s6_addr);
                        if !ip.is_unicast_link_local() {
                            out.push(IpAddr::V6(ip));
                        }
                    }
                    _ => {}
                }
            }
            cur = (*cur).ifa_next;
        }
        libc::freeifaddrs(list);
    }
    out
}

/// The office certificate `enroll-device` tells the kiosk to pin: `--tls-cert`, else
/// `office-cert.pem` beside a SQLite database; `None` when there is none.
pub(super) fn enrolment_fingerprint(
    db: &Path,
    tls_cert: Option<&Path>,
) -> anyhow::Result<Option<Fingerprint>> {
    if let Some(cert) = tls_cert {
        return fingerprint_of_file(cert).map(Some);
    }
    let motcua::office::DbTarget::Sqlite(db) = motcua::office::DbTarget::parse(db) else {
        return Ok(None);
    };
    let beside = db
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join(CERT_BESIDE_DB);
    if !beside.exists() {
        return Ok(None);
    }
    fingerprint_of_file(&beside).map(Some)
}
