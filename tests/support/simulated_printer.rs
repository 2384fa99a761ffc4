//! A simulated thermal printer in its own process (`motcua printer simulate`) on the far end
//! of a real pseudo-terminal or TCP socket; tests type faults into its stdin.
#![allow(dead_code)] // each test crate uses its own part of it

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A running simulator process.
pub struct SimPrinter {
    child: Child,
    stdin: Mutex<ChildStdin>,
    answers: Mutex<Receiver<String>>,
    /// The pseudo-terminal's path, or the TCP address.
    pub path: String,
    out: PathBuf,
    _dir: tempfile::TempDir,
}

impl SimPrinter {
    /// A printer on a pseudo-terminal taking bytes at `baud`.
    pub fn start(baud: u32) -> SimPrinter {
        SimPrinter::spawn(baud, &[])
    }

    /// A network printer on 127.0.0.1.
    pub fn start_tcp() -> SimPrinter {
        SimPrinter::spawn(1_000_000, &["--tcp", "127.0.0.1:0"])
    }

    fn spawn(baud: u32, extra: &[&str]) -> SimPrinter {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("received.bin");
        let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
            .args(["printer", "simulate", "--baud", &baud.to_string(), "--out"])
            .arg(&out)
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the simulated printer");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, answers) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = answers
            .recv_timeout(Duration::from_secs(10))
            .expect("the simulator says where it is");
        let path = first
            .strip_prefix("port ")
            .or_else(|| first.strip_prefix("tcp "))
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_string();
        SimPrinter {
            child,
            stdin: Mutex::new(stdin),
            answers: Mutex::new(answers),
            path,
            out,
            _dir: dir,
        }
    }

    /// Sends one command and returns the simulator's answer once it has taken effect.
    pub fn command(&self, cmd: &str) -> String {
        let mut stdin = self.stdin.lock().unwrap();
        writeln!(stdin, "{cmd}").unwrap();
        stdin.flush().unwrap();
        let answer = self
            .answers
            .lock()
            .unwrap()
            .recv_timeout(Duration::from_secs(10))
            .expect("the simulator answers");
        assert!(!answer.starts_with("error"), "{cmd}: {answer}");
        answer
    }

    /// The job bytes the printer has received so far.
    pub fn received(&self) -> Vec<u8> {
        std::fs::read(&self.out).unwrap_or_default()
    }

    /// Waits up to 10 s for at least `len` bytes.
    pub fn wait_for(&self, len: usize) -> Vec<u8> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let d = self.received();
            if d.len() >= len {
                return d;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        self.received()
    }

    /// The printer is unplugged: the process ends and its end of the line closes.
    pub fn unplug(mut self) {
        self.command("unplug");
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "the simulator did not exit");
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for SimPrinter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
