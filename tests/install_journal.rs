//! Under systemd, motcua logs to the journal as structured entries: a real systemd-journald
//! (the machine's, or one started for the test) receives them, and journalctl reads the fields
//! back. The process is told its stderr is the journal the way systemd tells it: by
//! `JOURNAL_STREAM`, the device and inode of its stderr.

#[path = "support/office_process.rs"]
mod office_process;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::MetadataExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SOCKET: &str = "/run/systemd/journal/socket";

/// Whether a journald takes datagrams on its socket.
fn journald_listens() -> bool {
    std::os::unix::net::UnixDatagram::unbound().is_ok_and(|s| s.connect(SOCKET).is_ok())
}

/// The machine's journald, or one of our own (stopped on drop) when none runs.
struct Journald(Option<Child>);

impl Journald {
    fn ensure() -> Journald {
        if journald_listens() {
            return Journald(None);
        }
        // A socket file left by a journald that is gone.
        let _ = std::fs::remove_file(SOCKET);
        let child = Command::new("/lib/systemd/systemd-journald")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("no journald runs and none can be started: apt-get install systemd, as root (.ci/run does it)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !journald_listens() {
            assert!(Instant::now() < deadline, "journald did not open {SOCKET}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Journald(Some(child))
    }
}

impl Drop for Journald {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
            // The next run starts its own again.
            let _ = std::fs::remove_file(SOCKET);
        }
    }
}

/// The journal entries of process `pid` since `since` (Unix seconds), as JSON objects: an
/// older process with the same PID in a persistent journal is not ours.
fn entries(pid: u32, since: u64) -> Vec<serde_json::Value> {
    let out = Command::new("journalctl")
        .args([
            "--no-pager",
            "-o",
            "json",
            &format!("--since=@{since}"),
            &format!("_PID={pid}"),
        ])
        .output()
        .expect("journalctl");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[test]
fn the_office_logs_structured_entries_to_the_journal_and_nothing_to_stderr() {
    let _journald = Journald::ensure();
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 1;
    let dir = tempfile::tempdir().unwrap();
    let stderr_path = dir.path().join("stderr");
    let stderr = std::fs::File::create(&stderr_path).unwrap();
    let meta = stderr.metadata().unwrap();
    let mut office = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["office", "--listen", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("office.sqlite3"))
        .env("JOURNAL_STREAM", format!("{}:{}", meta.dev(), meta.ino()))
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let first = office_process::first_line(&mut office);
    assert!(first.contains("http://127.0.0.1:"), "{first}");

    let pid = office.id();
    let deadline = Instant::now() + Duration::from_secs(10);
    let started = loop {
        let found = entries(pid, since)
            .into_iter()
            .find(|e| e["EVENT"] == "office_started");
        if let Some(e) = found {
            break e;
        }
        assert!(
            Instant::now() < deadline,
            "no EVENT=office_started in the journal"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = office.kill();
    let _ = office.wait();

    assert_eq!(started["SYSLOG_IDENTIFIER"], "motcua");
    assert_eq!(started["MOTCUA_VERSION"], env!("CARGO_PKG_VERSION"));
    // info is the journal's "notice" (5): shown by default, below warnings (4).
    assert_eq!(started["PRIORITY"], "5");
    let address = started["ADDRESS"].as_str().unwrap();
    assert!(first.contains(address), "{address} in {first}");
    assert!(started["MESSAGE"]
        .as_str()
        .unwrap()
        .starts_with("office API listening on 127.0.0.1:"));
    // Every entry of the process carries the program's fields.
    for e in entries(pid, since) {
        assert_eq!(e["SYSLOG_IDENTIFIER"], "motcua", "{e}");
        assert_eq!(e["MOTCUA_VERSION"], env!("CARGO_PKG_VERSION"), "{e}");
    }
    let on_stderr = std::fs::read_to_string(&stderr_path).unwrap();
    assert!(
        on_stderr.is_empty(),
        "logged twice, to stderr too: {on_stderr}"
    );
}

#[test]
fn without_the_journal_records_go_to_stderr_with_their_fields() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["office", "--listen", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("office.sqlite3"))
        .env_remove("JOURNAL_STREAM")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read on a thread: a line that never comes must fail the test, not hang it.
    let stderr = office.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("office API listening") {
                let _ = tx.send(line);
                return;
            }
        }
    });
    let line = rx.recv_timeout(Duration::from_secs(10));
    let _ = office.kill();
    let _ = office.wait();
    let line = line.expect("no \"office API listening\" line on stderr within 10 s");
    assert!(line.contains("event=office_started"), "{line}");
}
