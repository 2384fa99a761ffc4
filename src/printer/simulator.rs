//! A simulated thermal printer on the far end of a real line (a pseudo-terminal or a TCP
//! socket): it consumes bytes at the line's speed, answers `DLE EOT n`, honours XON/XOFF,
//! and can be told to run out of paper, open its cover, go silent or send garbage.
//!
//! `motcua printer simulate` runs it as its own process so tests (and installers without a
//! printer at hand) drive the kiosk against something that fails the way printers do.
//! Commands arrive one per line on stdin; see [`Sim::apply`].

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How much paper the simulated printer has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paper {
    /// A full roll.
    Ok,
    /// The near-end sensor has tripped; printing still works.
    NearEnd,
    /// No paper: the printer goes offline.
    Out,
}

/// What the simulated printer does now; commands change it while it runs.
#[derive(Debug)]
pub struct Sim {
    /// Paper sensor.
    pub paper: Paper,
    /// Cover sensor.
    pub cover_open: bool,
    /// Status queries get no answer (a printer switched off, a wrong baud rate).
    pub silent: bool,
    /// Each status answer is preceded by bytes no printer should send.
    pub garbage: bool,
    /// The printer holds the line with XOFF while set.
    pub hold: bool,
    /// Hold the line once this many job bytes have arrived, for the given time.
    pub hold_at: Option<(usize, Duration)>,
    /// The paper runs out once this many job bytes have arrived.
    pub paper_out_at: Option<usize>,
    /// Job bytes received so far (status queries removed).
    pub received: usize,
}

impl Default for Sim {
    /// A printer with paper, cover closed, answering cleanly.
    fn default() -> Sim {
        Sim {
            paper: Paper::Ok,
            cover_open: false,
            silent: false,
            garbage: false,
            hold: false,
            hold_at: None,
            paper_out_at: None,
            received: 0,
        }
    }
}

impl Sim {
    /// Counts job bytes that arrived; the paper may run out on the way.
    fn take(&mut self, n: usize) {
        self.received += n;
        if self.paper_out_at.is_some_and(|at| self.received >= at) {
            self.paper_out_at = None;
            self.paper = Paper::Out;
        }
    }

    /// The byte a real printer answers to `DLE EOT n` in this state.
    pub fn answer(&self, n: u8) -> u8 {
        let offline = self.cover_open || self.paper == Paper::Out;
        match n {
            1 => 0x16 | if offline { 0x08 } else { 0 },
            2 => {
                0x12 | if self.cover_open { 0x04 } else { 0 }
                    | if self.paper == Paper::Out { 0x20 } else { 0 }
            }
            4 => match self.paper {
                Paper::Ok => 0x12,
                Paper::NearEnd => 0x1E,
                Paper::Out => 0x7E,
            },
            _ => 0x12,
        }
    }

    /// Applies one command line; the answer is what the simulator prints back.
    ///
    /// `paper ok|near-end|out`, `cover open|closed`, `silent on|off`, `garbage on|off`,
    /// `hold on|off`, `hold-at BYTES MILLISECONDS`, `paper-out-at BYTES`, `received`, `state`.
    pub fn apply(&mut self, line: &str) -> Result<String, String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let on_off = |w: Option<&&str>| match w.copied() {
            Some("on") => Ok(true),
            Some("off") => Ok(false),
            _ => Err(format!("{line:?}: say on or off")),
        };
        match words.first().copied() {
            Some("paper") => {
                self.paper = match words.get(1).copied() {
                    Some("ok") => Paper::Ok,
                    Some("near-end") => Paper::NearEnd,
                    Some("out") => Paper::Out,
                    _ => return Err(format!("{line:?}: say paper ok, near-end or out")),
                }
            }
            Some("cover") => {
                self.cover_open = match words.get(1).copied() {
                    Some("open") => true,
                    Some("closed") => false,
                    _ => return Err(format!("{line:?}: say cover open or closed")),
                }
            }
            Some("silent") => self.silent = on_off(words.get(1))?,
            Some("garbage") => self.garbage = on_off(words.get(1))?,
            Some("hold") => self.hold = on_off(words.get(1))?,
            Some("hold-at") => {
                let n = |i: usize| words.get(i).and_then(|w| w.parse::<u64>().ok());
                match (n(1), n(2)) {
                    (Some(bytes), Some(ms)) => {
                        self.hold_at = Some((bytes as usize, Duration::from_millis(ms)))
                    }
                    _ => return Err(format!("{line:?}: say hold-at BYTES MILLISECONDS")),
                }
            }
            Some("paper-out-at") => match words.get(1).and_then(|w| w.parse().ok()) {
                Some(bytes) => self.paper_out_at = Some(bytes),
                None => return Err(format!("{line:?}: say paper-out-at BYTES")),
            },
            Some("received") => return Ok(format!("received {}", self.received)),
            Some("state") => return Ok(format!("state {self:?}")),
            _ => return Err(format!("unknown command {line:?}")),
        }
        Ok(format!("ok {}", words.join(" ")))
    }
}

/// What the printer side of the line reads and writes: a pty master or a TCP socket, with a
/// short read timeout so commands take effect between reads.
pub trait Line: Read + Write {}
impl<T: Read + Write> Line for T {}

/// Serves the line until `stop` is set, or until the peer closes a connection when
/// `end_on_close` (TCP); job bytes go to `out`.
pub fn serve(
    line: &mut dyn Line,
    sim: &Mutex<Sim>,
    stop: &AtomicBool,
    baud: u32,
    out: &mut dyn Write,
    end_on_close: bool,
) {
    let mut pending: Vec<u8> = Vec::new();
    let mut holding = false;
    let mut hold_until: Option<Instant> = None;
    let mut buf = [0u8; 256];
    while !stop.load(Ordering::SeqCst) {
        let hold = {
            let mut s = sim.lock().unwrap();
            if let Some((at, for_)) = s.hold_at {
                if s.received >= at {
                    s.hold_at = None;
                    hold_until = Some(Instant::now() + for_);
                }
            }
            s.hold || hold_until.is_some_and(|t| Instant::now() < t)
        };
        if hold != holding {
            // XOFF / XON: the host's line discipline stops and resumes its output.
            let _ = line.write_all(&[if hold { 0x13 } else { 0x11 }]);
            holding = hold;
        }
        if holding {
            // A printer whose buffer is full reads nothing until it has room again.
            std::thread::sleep(Duration::from_millis(2));
            continue;
        }
        let n = match line.read(&mut buf) {
            Ok(0) if end_on_close => return,
            Ok(0) => {
                std::thread::sleep(Duration::from_millis(5));
                0
            }
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
                ) =>
            {
                0
            }
            // No host has the line open (yet, or any more): wait for one.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(5));
                0
            }
        };
        if n == 0 {
            // A quiet line: a 0x10 held back as the possible start of a query was data
            // (the cut command ends with one).
            if !pending.is_empty() {
                sim.lock().unwrap().take(pending.len());
                let _ = out.write_all(&pending);
                let _ = out.flush();
                pending.clear();
            }
            continue;
        }
        // The line delivers 10 bits a byte.
        std::thread::sleep(super::serial::wire_time(n, baud));
        pending.extend_from_slice(&buf[..n]);
        let mut data = Vec::new();
        let mut replies = Vec::new();
        let mut i = 0;
        {
            let s = sim.lock().unwrap();
            while i < pending.len() {
                if pending[i] == 0x10 && i + 2 < pending.len() && pending[i + 1] == 0x04 {
                    if !s.silent {
                        if s.garbage {
                            replies.extend_from_slice(&[0xFF, 0x00, b'?', 0x80]);
                        }
                        replies.push(s.answer(pending[i + 2]));
                    }
                    i += 3;
                } else if pending[i] == 0x10 && i + 2 >= pending.len() {
                    break; // a query split across reads: wait for the rest
                } else {
                    data.push(pending[i]);
                    i += 1;
                }
            }
        }
        pending.drain(..i);
        if !data.is_empty() {
            sim.lock().unwrap().take(data.len());
            let _ = out.write_all(&data);
            let _ = out.flush();
        }
        if !replies.is_empty() {
            let _ = line.write_all(&replies);
        }
    }
}

/// Reads commands from `input` until it ends, answering each on `answers`; then sets `stop`.
pub fn obey(
    input: impl std::io::BufRead,
    answers: &mut dyn Write,
    sim: &Mutex<Sim>,
    stop: &AtomicBool,
) {
    for line in input.lines() {
        let Ok(line) = line else { break };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line == "unplug" || line == "quit" {
            let _ = writeln!(answers, "ok {line}");
            break;
        }
        let answer = sim.lock().unwrap().apply(line);
        let _ = match answer {
            Ok(a) => writeln!(answers, "{a}"),
            Err(e) => writeln!(answers, "error {e}"),
        };
        let _ = answers.flush();
    }
    stop.store(true, Ordering::SeqCst);
}

/// Where the simulated printer is reached.
pub enum Endpoint {
    /// The master side of a pseudo-terminal (read timeout set).
    Pty(Box<dyn Line + Send>),
    /// A listening socket; each connection is served in turn, like a printer's port 9100.
    Tcp(std::net::TcpListener),
}

/// Runs a simulated printer until stdin ends or says `unplug`.
pub fn run(endpoint: Endpoint, baud: u32, mut out: Box<dyn Write + Send>) {
    let sim = Arc::new(Mutex::new(Sim::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let server = {
        let (sim, stop) = (sim.clone(), stop.clone());
        std::thread::spawn(move || match endpoint {
            Endpoint::Pty(mut line) => serve(&mut *line, &sim, &stop, baud, &mut *out, false),
            Endpoint::Tcp(listener) => {
                // Non-blocking accept so `unplug` is noticed between connections.
                let _ = listener.set_nonblocking(true);
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((mut socket, _)) => {
                            let _ = socket.set_nonblocking(false);
                            let _ = socket.set_read_timeout(Some(Duration::from_millis(10)));
                            serve(&mut socket, &sim, &stop, baud, &mut *out, true);
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(10)),
                    }
                }
            }
        })
    };
    obey(std::io::stdin().lock(), &mut std::io::stdout(), &sim, &stop);
    let _ = server.join();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printer::status::{interpret, PrinterState, StatusReport};

    fn state_of(sim: &Sim) -> PrinterState {
        interpret(&StatusReport {
            printer: Some(sim.answer(1)),
            offline_cause: Some(sim.answer(2)),
            paper: Some(sim.answer(4)),
        })
    }

    #[test]
    fn each_fault_reads_back_as_its_printer_state() {
        let mut sim = Sim::default();
        assert_eq!(state_of(&sim), PrinterState::Ready);
        sim.apply("paper near-end").unwrap();
        assert_eq!(state_of(&sim), PrinterState::PaperNearEnd);
        sim.apply("paper out").unwrap();
        assert_eq!(state_of(&sim), PrinterState::PaperOut);
        sim.apply("paper ok").unwrap();
        sim.apply("cover open").unwrap();
        assert_eq!(state_of(&sim), PrinterState::CoverOpen);
    }

    #[test]
    fn commands_are_checked() {
        let mut sim = Sim::default();
        assert_eq!(sim.apply("silent on").unwrap(), "ok silent on");
        assert!(sim.silent);
        assert!(sim.apply("silent maybe").is_err());
        assert!(sim.apply("paper low").is_err());
        assert!(sim.apply("hold-at 64").is_err());
        assert!(sim.apply("fly").is_err());
        sim.apply("hold-at 64 400").unwrap();
        assert_eq!(sim.hold_at, Some((64, Duration::from_millis(400))));
        assert_eq!(sim.apply("received").unwrap(), "received 0");
    }

    #[test]
    fn obey_stops_at_unplug() {
        let sim = Mutex::new(Sim::default());
        let stop = AtomicBool::new(false);
        let mut answers = Vec::new();
        obey(
            &b"paper out\nbogus\nunplug\ncover open\n"[..],
            &mut answers,
            &sim,
            &stop,
        );
        assert!(stop.load(Ordering::SeqCst));
        let text = String::from_utf8(answers).unwrap();
        assert_eq!(
            text,
            "ok paper out\nerror unknown command \"bogus\"\nok unplug\n"
        );
        assert!(!sim.lock().unwrap().cover_open, "nothing after unplug");
    }
}
