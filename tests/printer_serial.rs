//! The serial printer over a real pseudo-terminal pair, with a simulated printer on the
//! master side: it consumes bytes at the line's speed, answers `DLE EOT n`, honours XON/XOFF,
//! and can run out of paper, open its cover, go silent, send garbage or disappear.

mod common;
use common::reference_slip;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serialport::{FlowControl, SerialPort, TTYPort};

use motcua::printer::serial::{PrintError, SerialPrinter, SerialSettings};
use motcua::printer::status::PrinterState;

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Paper {
    Ok,
    NearEnd,
    Out,
}

/// What the simulated printer does; the test changes it while it runs.
struct Sim {
    paper: Paper,
    cover_open: bool,
    silent: bool,
    garbage: bool,
    /// While set, the printer holds the line with XOFF.
    hold: bool,
    /// Job bytes received (status queries removed).
    data: Vec<u8>,
}

impl Sim {
    /// A printer with paper, cover closed, answering cleanly.
    fn ready() -> Arc<Mutex<Sim>> {
        Arc::new(Mutex::new(Sim {
            paper: Paper::Ok,
            cover_open: false,
            silent: false,
            garbage: false,
            hold: false,
            data: Vec::new(),
        }))
    }
}

struct SimPrinter {
    state: Arc<Mutex<Sim>>,
    stop: Arc<AtomicBool>,
    path: String,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SimPrinter {
    fn start(baud: u32) -> SimPrinter {
        let (master, slave) = TTYPort::pair().expect("pty pair");
        let path = slave.name().expect("slave name");
        // The kiosk side opens the slave by path, as it opens /dev/ttyUSB0.
        drop(slave);
        let state = Sim::ready();
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp) = (state.clone(), stop.clone());
        let thread = std::thread::spawn(move || run(master, st, sp, baud));
        SimPrinter {
            state,
            stop,
            path,
            thread: Some(thread),
        }
    }

    fn set(&self, f: impl FnOnce(&mut Sim)) {
        f(&mut self.state.lock().unwrap());
    }

    fn received(&self) -> Vec<u8> {
        self.state.lock().unwrap().data.clone()
    }

    fn wait_for(&self, len: usize) -> Vec<u8> {
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

    /// The printer is unplugged: its end of the line closes.
    fn unplug(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }
}

impl Drop for SimPrinter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn answer(sim: &Sim, n: u8) -> u8 {
    let offline = sim.cover_open || sim.paper == Paper::Out;
    match n {
        1 => 0x16 | if offline { 0x08 } else { 0 },
        2 => {
            0x12 | if sim.cover_open { 0x04 } else { 0 }
                | if sim.paper == Paper::Out { 0x20 } else { 0 }
        }
        4 => match sim.paper {
            Paper::Ok => 0x12,
            Paper::NearEnd => 0x1E,
            Paper::Out => 0x7E,
        },
        _ => 0x12,
    }
}

fn run(mut master: TTYPort, state: Arc<Mutex<Sim>>, stop: Arc<AtomicBool>, baud: u32) {
    master.set_timeout(Duration::from_millis(10)).unwrap();
    serve(&mut master, state, stop, baud);
}

/// The printer's side of the line, whatever carries it (pty master or TCP socket).
fn serve(master: &mut dyn ReadWrite, state: Arc<Mutex<Sim>>, stop: Arc<AtomicBool>, baud: u32) {
    let mut pending: Vec<u8> = Vec::new();
    let mut holding = false;
    let mut buf = [0u8; 256];
    while !stop.load(Ordering::SeqCst) {
        let hold = state.lock().unwrap().hold;
        if hold != holding {
            // XOFF / XON: the host's line discipline stops and resumes its output.
            let _ = master.write_all(&[if hold { 0x13 } else { 0x11 }]);
            holding = hold;
        }
        let n = match master.read(&mut buf) {
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
                ) =>
            {
                0
            }
            // No slave open yet (or any more): wait for the kiosk to open it.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(5));
                0
            }
        };
        if n == 0 {
            // A quiet line: a 0x10 held back as the possible start of a query was data
            // (the cut command ends with one).
            if !pending.is_empty() {
                state.lock().unwrap().data.append(&mut pending);
            }
            continue;
        }
        // The line delivers 10 bits a byte.
        std::thread::sleep(Duration::from_micros(n as u64 * 10_000_000 / baud as u64));
        pending.extend_from_slice(&buf[..n]);
        let mut i = 0;
        let mut replies = Vec::new();
        {
            let mut sim = state.lock().unwrap();
            while i < pending.len() {
                if pending[i] == 0x10 && i + 2 < pending.len() && pending[i + 1] == 0x04 {
                    let q = pending[i + 2];
                    if !sim.silent {
                        if sim.garbage {
                            replies.extend_from_slice(&[0xFF, 0x00, b'?', 0x80]);
                        }
                        replies.push(answer(&sim, q));
                    }
                    i += 3;
                } else if pending[i] == 0x10 && i + 2 >= pending.len() {
                    break; // a query split across reads: wait for the rest
                } else {
                    sim.data.push(pending[i]);
                    i += 1;
                }
            }
        }
        pending.drain(..i);
        if !replies.is_empty() {
            let _ = master.write_all(&replies);
        }
    }
}

fn printer(sim: &SimPrinter, baud: u32, flow: FlowControl) -> SerialPrinter {
    SerialPrinter::new(SerialSettings::new(sim.path.clone(), baud, flow))
}

fn ticket() -> Vec<u8> {
    motcua::printer::ticket_bytes(&reference_slip(), &motcua::printer::Profile::epson_80mm())
}

#[test]
fn a_ready_printer_gets_the_exact_job() {
    let sim = SimPrinter::start(19200);
    let mut p = printer(&sim, 19200, FlowControl::None);
    assert_eq!(p.status(), PrinterState::Ready);
    let job = ticket();
    assert_eq!(p.print(&job).unwrap(), PrinterState::Ready);
    assert_eq!(
        sim.wait_for(job.len()),
        job,
        "the printer got exactly the job"
    );
    let text = motcua::printer::decode(&sim.received())
        .text_lines()
        .join("\n");
    assert!(text.contains("Hộ tịch") && text.contains("A012"), "{text}");
}

#[test]
fn faults_refuse_the_job_and_printing_resumes_when_they_clear() {
    let sim = SimPrinter::start(38400);
    let mut p = printer(&sim, 38400, FlowControl::None);
    let job = ticket();

    sim.set(|s| s.paper = Paper::Out);
    assert!(matches!(
        p.print(&job),
        Err(PrintError::NotReady(PrinterState::PaperOut))
    ));
    sim.set(|s| {
        s.paper = Paper::Ok;
        s.cover_open = true;
    });
    assert!(matches!(
        p.print(&job),
        Err(PrintError::NotReady(PrinterState::CoverOpen))
    ));
    sim.set(|s| s.silent = true);
    assert!(matches!(
        p.print(&job),
        Err(PrintError::NotReady(PrinterState::NotAnswering))
    ));
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        sim.received().is_empty(),
        "nothing is sent to a printer that cannot print"
    );

    // The fault clears: the next job prints, once.
    sim.set(|s| {
        s.silent = false;
        s.cover_open = false;
        s.paper = Paper::NearEnd;
    });
    assert_eq!(p.print(&job).unwrap(), PrinterState::PaperNearEnd);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(sim.wait_for(job.len()), job, "one copy, no duplicate");
}

#[test]
fn garbage_on_the_line_is_skipped() {
    let sim = SimPrinter::start(9600);
    sim.set(|s| s.garbage = true);
    let mut p = printer(&sim, 9600, FlowControl::None);
    assert_eq!(p.status(), PrinterState::Ready);
}

#[test]
fn xoff_holds_the_job_and_xon_completes_it() {
    let sim = SimPrinter::start(9600);
    let mut p = printer(&sim, 9600, FlowControl::Software);
    assert_eq!(p.status(), PrinterState::Ready);
    let job = ticket();
    // Mid-job the printer's buffer fills: it sends XOFF, then XON 400 ms later.
    let releaser = {
        let state = sim.state.clone();
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(5);
            while state.lock().unwrap().data.len() < 64 && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(1));
            }
            state.lock().unwrap().hold = true;
            std::thread::sleep(Duration::from_millis(400));
            state.lock().unwrap().hold = false;
        })
    };
    let started = Instant::now();
    let result = p.print(&job);
    assert!(result.is_ok(), "{:?}", result.err());
    releaser.join().unwrap();
    assert_eq!(
        sim.wait_for(job.len()),
        job,
        "held, then completed, nothing lost"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "the hold was honoured"
    );
}

#[test]
fn an_unplugged_printer_is_not_answering_and_nothing_panics() {
    let sim = SimPrinter::start(19200);
    let path = sim.path.clone();
    let mut p = printer(&sim, 19200, FlowControl::None);
    assert_eq!(p.status(), PrinterState::Ready);
    sim.unplug();
    assert_eq!(p.status(), PrinterState::NotAnswering);
    assert!(p.print(&ticket()).is_err());
    // The device is gone for good: opening it again fails cleanly too.
    let mut again = SerialPrinter::new(SerialSettings::new(path, 19200, FlowControl::None));
    assert_eq!(again.status(), PrinterState::NotAnswering);
}

#[test]
fn printer_status_command_reports_the_decoded_state() {
    let sim = SimPrinter::start(19200);
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
            .args(["printer", "status", "--port", &sim.path])
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let out = run();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("ready") && text.contains("0x12"), "{text}");

    sim.set(|s| s.paper = Paper::Out);
    let out = run();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(!out.status.success());
    assert!(
        text.contains("paper_out") && text.contains("Hết giấy in"),
        "{text}"
    );
}

#[test]
fn a_replugged_adapter_is_found_again_under_its_stable_name() {
    // udev gives the printer a stable name (/dev/motcua-printer) that follows the adapter
    // across unplug and replug; here a symlink plays that part.
    let dir = tempfile::tempdir().unwrap();
    let stable = dir.path().join("motcua-printer");
    let first = SimPrinter::start(19200);
    std::os::unix::fs::symlink(&first.path, &stable).unwrap();
    let mut p = SerialPrinter::new(SerialSettings::new(
        stable.to_str().unwrap(),
        19200,
        FlowControl::None,
    ));
    assert_eq!(p.status(), PrinterState::Ready);

    first.unplug();
    assert_eq!(p.status(), PrinterState::NotAnswering);

    let second = SimPrinter::start(19200);
    std::fs::remove_file(&stable).unwrap();
    std::os::unix::fs::symlink(&second.path, &stable).unwrap();
    assert_eq!(p.status(), PrinterState::Ready, "reconnected by itself");
    let job = ticket();
    p.print(&job).unwrap();
    assert_eq!(second.wait_for(job.len()), job);
}

#[test]
fn a_network_printer_on_port_9100_works_the_same_way() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let state = Sim::ready();
    let stop = Arc::new(AtomicBool::new(false));
    let (st, sp) = (state.clone(), stop.clone());
    let server = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        socket
            .set_read_timeout(Some(Duration::from_millis(10)))
            .unwrap();
        serve(&mut socket, st, sp, 1_000_000);
    });
    let mut p = SerialPrinter::tcp(&address);
    assert_eq!(p.status(), PrinterState::Ready);
    let job = ticket();
    p.print(&job).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while state.lock().unwrap().data.len() < job.len() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(state.lock().unwrap().data, job);
    state.lock().unwrap().paper = Paper::Out;
    assert!(matches!(
        p.print(&job),
        Err(PrintError::NotReady(PrinterState::PaperOut))
    ));
    stop.store(true, Ordering::SeqCst);
    server.join().unwrap();
}
