//! Office databases for tests, on either backend: a SQLite file in a temporary directory,
//! or a fresh database of its own on a PostgreSQL server. The server is the one
//! `MOTCUA_TEST_POSTGRES` names (a URL whose user may create databases), or else a
//! throwaway cluster started once per test binary from the installed PostgreSQL binaries,
//! on 127.0.0.1 and a free port, and stopped at exit. Without either, PostgreSQL tests fail
//! saying what to install: they never pass without having run.
//!
//! `src/office/mod.rs` includes this file by path for the store's unit tests, so it names
//! nothing of the motcua crate.
#![allow(dead_code)] // each test crate uses its own part of it

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Which office database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file.
    Sqlite,
    /// A database of its own on the test PostgreSQL server.
    Postgres,
}

/// Runs each named test body (`fn(Backend)`) once per backend, as
/// `sqlite::NAME` and `postgres::NAME`; `Backend` must be in scope where it is used.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    super::$name(super::Backend::Sqlite)
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    super::$name(super::Backend::Postgres)
                }
            )*
        }
    };
}
pub(crate) use both_backends;

/// The throwaway cluster's user and password: the office authenticates for real (SCRAM),
/// as it will in production.
const CLUSTER_USER: &str = "motcua";
const CLUSTER_PASSWORD: &str = "motcua-test-secret";
/// Names of throwaway clusters in the temporary directory, and of one being set up.
const CLUSTER_PREFIX: &str = "motcua-test-pg-";
const STARTING_PREFIX: &str = "motcua-starting-pg-";

/// A fresh office database and a scratch directory beside it; a PostgreSQL database is
/// dropped again when this is dropped.
pub struct TestDb {
    dir: tempfile::TempDir,
    target: String,
    postgres: Option<String>,
}

impl TestDb {
    /// A new, empty office database on `backend`.
    pub fn new(backend: Backend) -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        match backend {
            Backend::Sqlite => TestDb {
                target: dir
                    .path()
                    .join("office.sqlite3")
                    .to_str()
                    .unwrap()
                    .to_string(),
                dir,
                postgres: None,
            },
            Backend::Postgres => {
                let name = create_database();
                TestDb {
                    target: with_database(&server().admin_url, &name),
                    dir,
                    postgres: Some(name),
                }
            }
        }
    }

    /// What `--db` and `OfficeStore::open` take: the file's path or the database's URL.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// A directory for the test's other files.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The backend this database is on.
    pub fn backend(&self) -> Backend {
        if self.postgres.is_some() {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = &self.postgres {
            // FORCE ends connections a killed office process may have left behind.
            if let Ok(mut admin) = connect(&server().admin_url) {
                let _ = admin
                    .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
            }
        }
    }
}

/// The PostgreSQL server the tests use.
pub struct Server {
    /// A URL of a database the user may connect to in order to create others.
    pub admin_url: String,
    /// Where the server came from, for messages.
    pub origin: String,
}

static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();

/// The shared server, started on first use; panics (failing the test) if there is none.
pub fn server() -> &'static Server {
    match SERVER.get_or_init(find_or_start) {
        Ok(s) => s,
        Err(why) => panic!("{why}"),
    }
}

fn connect(url: &str) -> Result<::postgres::Client, String> {
    ::postgres::Client::connect(url, ::postgres::NoTls).map_err(|e| {
        // The error's own text is only "error connecting to server"; the cause follows.
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            text.push_str(&format!(": {s}"));
            source = s.source();
        }
        text
    })
}

fn create_database() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let server = server();
    let name = format!(
        "motcua_test_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let mut admin = connect(&server.admin_url)
        .unwrap_or_else(|e| panic!("cannot reach the test PostgreSQL ({}): {e}", server.origin));
    // A name of this process is unique unless a killed run with the same pid left it.
    let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
    admin
        .batch_execute(&format!("CREATE DATABASE \"{name}\""))
        .unwrap_or_else(|e| {
            panic!(
                "cannot create a database on the test PostgreSQL ({}): {e}; its user needs CREATEDB",
                server.origin
            )
        });
    name
}

/// `url` with its database replaced by `name` (the path after the host), query kept.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let (scheme, rest) = base.split_once("://").expect("a postgres:// URL");
    let host_start = rest.rfind('@').map_or(0, |i| i + 1);
    let authority_end = rest[host_start..]
        .find('/')
        .map_or(rest.len(), |i| host_start + i);
    format!("{scheme}://{}/{name}{query}", &rest[..authority_end])
}

fn find_or_start() -> Result<Server, String> {
    if let Ok(url) = std::env::var("MOTCUA_TEST_POSTGRES") {
        let url = url.trim().to_string();
        if !url.is_empty() {
            connect(&url).map_err(|e| {
                format!("MOTCUA_TEST_POSTGRES is set but that server cannot be reached: {e}")
            })?;
            return Ok(Server {
                admin_url: url,
                origin: "MOTCUA_TEST_POSTGRES".into(),
            });
        }
    }
    start_cluster()
}

/// A cluster of this process: its directory and binaries, to stop it at exit.
struct Cluster {
    root: PathBuf,
    bin: PathBuf,
    as_postgres: bool,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();

/// The newest `/usr/lib/postgresql/N/bin` (Debian, Ubuntu), else `initdb` on the PATH.
fn binaries() -> Option<PathBuf> {
    let newest = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            (bin.join("initdb").is_file() && bin.join("pg_ctl").is_file()).then_some((version, bin))
        })
        .max();
    if let Some((_, bin)) = newest {
        return Some(bin);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .find(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
    })
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// initdb and the server refuse to run as root: as root they run as the `postgres` user.
fn pg_command(cluster_bin: &Path, tool: &str, as_postgres: bool) -> Command {
    if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(cluster_bin.join(tool));
        c
    } else {
        Command::new(cluster_bin.join(tool))
    }
}

fn run(mut cmd: Command, what: &str) -> Result<Output, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{what} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(out)
}

/// The uid and gid of the `postgres` system user.
fn postgres_user() -> Option<(libc::uid_t, libc::gid_t)> {
    let name = std::ffi::CString::new("postgres").unwrap();
    // SAFETY: getpwnam returns NULL or a pointer to a static record, read at once.
    let pw = unsafe { libc::getpwnam(name.as_ptr()) };
    if pw.is_null() {
        return None;
    }
    // SAFETY: non-null, as checked.
    Some(unsafe { ((*pw).pw_uid, (*pw).pw_gid) })
}

fn chown(path: &Path, uid: libc::uid_t, gid: libc::gid_t) -> Result<(), String> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    if unsafe { libc::chown(c.as_ptr(), uid, gid) } != 0 {
        return Err(format!(
            "cannot give {} to the postgres user: {}",
            path.display(),
            std::io::Error::last_os_error()
        ));
    }
    Ok(())
}

/// Holds an exclusive lock on `root/lock` for the life of this process: a cluster whose lock
/// can be taken belongs to a test run that is gone.
fn lock(root: &Path) -> Result<bool, String> {
    use std::os::unix::io::IntoRawFd;
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(root.join("lock"))
        .map_err(|e| format!("cannot open {}: {e}", root.join("lock").display()))?;
    // Kept open, and so locked, until the process ends.
    let fd = file.into_raw_fd();
    // SAFETY: a valid descriptor we own.
    let locked = unsafe { libc::flock(fd, libc::LOCK_EX | libc::LOCK_NB) } == 0;
    if !locked {
        // SAFETY: as above; the lock is someone else's, so the descriptor is not needed.
        unsafe { libc::close(fd) };
    }
    Ok(locked)
}

/// Stops and removes clusters left by test runs that were killed before their exit.
fn remove_leftovers(bin: &Path, as_postgres: bool) {
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        // A directory still being set up is left alone unless it is old: a run killed then.
        let stale_start = name.starts_with(STARTING_PREFIX)
            && e.metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().unwrap_or_default() > Duration::from_secs(600));
        if !name.starts_with(CLUSTER_PREFIX) && !stale_start {
            continue;
        }
        let root = e.path();
        if matches!(lock(&root), Ok(true)) {
            let mut stop = pg_command(bin, "pg_ctl", as_postgres);
            stop.args(["stop", "-m", "immediate", "-D"])
                .arg(root.join("data"));
            let _ = stop.output();
            let _ = fs::remove_dir_all(&root);
        }
    }
}

fn free_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    Ok(l.local_addr().unwrap().port())
}

extern "C" fn stop_cluster() {
    if let Some(c) = CLUSTER.get() {
        let mut stop = pg_command(&c.bin, "pg_ctl", c.as_postgres);
        stop.args(["stop", "-m", "immediate", "-D"])
            .arg(c.root.join("data"));
        let _ = stop.output();
        let _ = fs::remove_dir_all(&c.root);
    }
}

fn start_cluster() -> Result<Server, String> {
    let bin = binaries().ok_or_else(|| {
        "the PostgreSQL tests need PostgreSQL: `apt-get install postgresql` (the tests start a \
         private server from its binaries), or set MOTCUA_TEST_POSTGRES to the URL of a server \
         whose user may create databases, e.g. postgres://motcua:PASSWORD@127.0.0.1:5432/postgres"
            .to_string()
    })?;
    let as_postgres = is_root();
    let owner = if as_postgres {
        Some(postgres_user().ok_or(
            "running as root, the test PostgreSQL must run as the `postgres` user, which does not exist (apt-get install postgresql creates it)",
        )?)
    } else {
        None
    };
    remove_leftovers(&bin, as_postgres);
    let started = Instant::now();
    let unique = format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos()
    );
    // Locked before it gets the name leftovers are looked for by, so another run never
    // takes it for one.
    let starting = std::env::temp_dir().join(format!("{STARTING_PREFIX}{unique}"));
    fs::create_dir_all(&starting)
        .map_err(|e| format!("cannot create {}: {e}", starting.display()))?;
    lock(&starting)?;
    let root = std::env::temp_dir().join(format!("{CLUSTER_PREFIX}{unique}"));
    fs::rename(&starting, &root)
        .map_err(|e| format!("cannot rename {}: {e}", starting.display()))?;
    let data = root.join("data");
    fs::create_dir(&data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
    let pwfile = root.join("password");
    fs::write(&pwfile, CLUSTER_PASSWORD)
        .map_err(|e| format!("cannot write {}: {e}", pwfile.display()))?;
    {
        use std::os::unix::fs::PermissionsExt;
        // The postgres user reads the password file and walks into the root.
        let _ = fs::set_permissions(&root, fs::Permissions::from_mode(0o755));
        let _ = fs::set_permissions(&pwfile, fs::Permissions::from_mode(0o644));
        let _ = fs::set_permissions(&data, fs::Permissions::from_mode(0o700));
    }
    if let Some((uid, gid)) = owner {
        chown(&data, uid, gid)?;
    }
    let _ = CLUSTER.set(Cluster {
        root: root.clone(),
        bin: bin.clone(),
        as_postgres,
    });
    // SAFETY: registers a plain function; it runs once at exit.
    unsafe { libc::atexit(stop_cluster) };

    let mut initdb = pg_command(&bin, "initdb", as_postgres);
    initdb
        .args(["--no-sync", "--no-instructions", "-E", "UTF8", "--locale=C"])
        .args(["-U", CLUSTER_USER, "--auth=scram-sha-256", "--pwfile"])
        .arg(&pwfile)
        .arg("-D")
        .arg(&data);
    run(initdb, &format!("initdb ({})", bin.display()))?;
    let _ = fs::remove_file(&pwfile);

    // The port is free when asked; another process may take it before the server binds, so
    // a failed start is tried again on another port.
    let mut last_error = String::new();
    for _ in 0..3 {
        let port = free_port()?;
        let options = format!(
            "-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories='' \
             -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        );
        let mut start = pg_command(&bin, "pg_ctl", as_postgres);
        start
            .args(["start", "-w", "-t", "60", "-o", &options, "-l"])
            .arg(data.join("server.log"))
            .arg("-D")
            .arg(&data);
        match run(start, "pg_ctl start") {
            Ok(_) => {
                let admin_url = format!(
                    "postgres://{CLUSTER_USER}:{CLUSTER_PASSWORD}@127.0.0.1:{port}/postgres"
                );
                // pg_ctl -w waits for "ready"; connections are then accepted.
                let deadline = Instant::now() + Duration::from_secs(20);
                loop {
                    match connect(&admin_url) {
                        Ok(_) => break,
                        Err(e) if Instant::now() > deadline => {
                            return Err(format!(
                                "the test PostgreSQL does not accept connections: {e}"
                            ))
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(100)),
                    }
                }
                eprintln!(
                    "test PostgreSQL ({}) on 127.0.0.1:{port}, started in {:.1} s",
                    bin.display(),
                    started.elapsed().as_secs_f64()
                );
                return Ok(Server {
                    admin_url,
                    origin: format!("a private cluster in {}", root.display()),
                });
            }
            Err(e) => {
                last_error = format!(
                    "{e}\n{}",
                    fs::read_to_string(data.join("server.log")).unwrap_or_default()
                );
            }
        }
    }
    Err(format!("cannot start the test PostgreSQL: {last_error}"))
}
