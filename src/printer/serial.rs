//! A thermal printer on a serial line (or a TCP socket, port 9100 on Ethernet printers):
//! status before each job, the job written with the configured flow control, and a reconnect
//! after any I/O error (a USB-serial adapter that was unplugged comes back under the same path).

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use serialport::{ClearBuffer, FlowControl, SerialPort};

use super::status::{
    find_answer, interpret, PrinterState, StatusReport, QUERY_OFFLINE_CAUSE, QUERY_PAPER,
    QUERY_PRINTER,
};

/// A printer answers a status query within a few milliseconds; 300 ms allows for USB adapters.
const ANSWER_TIMEOUT: Duration = Duration::from_millis(300);
/// How long a printer may hold the line (XOFF, CTS) before the job counts as failed.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// How to reach the printer.
#[derive(Clone, Debug)]
pub struct SerialSettings {
    /// Device path, e.g. /dev/ttyUSB0 or /dev/motcua-printer.
    pub port: String,
    /// Line speed, 2400–115200.
    pub baud: u32,
    /// None, XON/XOFF or RTS/CTS.
    pub flow: FlowControl,
    /// How long one status query waits for its answer byte.
    pub answer_timeout: Duration,
    /// How long a write may block (a printer holding XOFF or CTS) before the job fails.
    pub write_timeout: Duration,
}

impl SerialSettings {
    /// Settings with the usual timeouts.
    pub fn new(port: impl Into<String>, baud: u32, flow: FlowControl) -> SerialSettings {
        SerialSettings {
            port: port.into(),
            baud,
            flow,
            answer_timeout: ANSWER_TIMEOUT,
            write_timeout: WRITE_TIMEOUT,
        }
    }
}

/// Why a job did not print.
#[derive(Debug)]
pub enum PrintError {
    /// The printer said it cannot print (or did not answer); nothing was sent.
    NotReady(PrinterState),
    /// The line failed while sending; the printer may hold part of the job.
    Io(std::io::Error),
    /// The job was sent, but afterwards the printer could not print (paper ran out, cover
    /// opened, unplugged): the slip may be cut short, so the ticket counts as not printed.
    Interrupted(PrinterState),
}

impl std::fmt::Display for PrintError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PrintError::NotReady(s) => write!(f, "printer not ready: {s}"),
            PrintError::Io(e) => write!(f, "serial line: {e}"),
            PrintError::Interrupted(s) => write!(f, "printer stopped during the job: {s}"),
        }
    }
}

/// The byte stream to a printer: what status queries and jobs need of it.
pub trait Line: Read + Write + Send {
    /// Drops whatever arrived and was not read yet.
    fn discard_input(&mut self) -> std::io::Result<()>;
    /// How long a read (and, where the line has one, a write) may block.
    fn set_line_timeout(&mut self, timeout: Duration) -> std::io::Result<()>;
}

impl Line for Box<dyn SerialPort> {
    fn discard_input(&mut self) -> std::io::Result<()> {
        self.clear(ClearBuffer::Input).map_err(std::io::Error::from)
    }
    fn set_line_timeout(&mut self, timeout: Duration) -> std::io::Result<()> {
        self.set_timeout(timeout).map_err(std::io::Error::from)
    }
}

impl Line for std::net::TcpStream {
    fn discard_input(&mut self) -> std::io::Result<()> {
        self.set_nonblocking(true)?;
        let mut buf = [0u8; 256];
        let result = loop {
            match self.read(&mut buf) {
                Ok(0) => break Ok(()),
                Ok(_) => continue,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        self.set_nonblocking(false)?;
        result
    }
    fn set_line_timeout(&mut self, timeout: Duration) -> std::io::Result<()> {
        self.set_read_timeout(Some(timeout))?;
        self.set_write_timeout(Some(timeout))
    }
}

/// Where the printer is.
#[derive(Clone, Debug)]
enum Endpoint {
    Serial(SerialSettings),
    Tcp(String),
}

/// A printer on a serial line or TCP socket, opened lazily and reopened after errors.
pub struct SerialPrinter {
    endpoint: Endpoint,
    answer_timeout: Duration,
    write_timeout: Duration,
    port: Option<Box<dyn Line>>,
}

impl SerialPrinter {
    /// A printer at these settings; nothing is opened yet.
    pub fn new(settings: SerialSettings) -> SerialPrinter {
        SerialPrinter {
            answer_timeout: settings.answer_timeout,
            write_timeout: settings.write_timeout,
            endpoint: Endpoint::Serial(settings),
            port: None,
        }
    }

    /// A network printer at `host:port` (usually port 9100).
    pub fn tcp(address: impl Into<String>) -> SerialPrinter {
        SerialPrinter {
            endpoint: Endpoint::Tcp(address.into()),
            answer_timeout: ANSWER_TIMEOUT,
            write_timeout: WRITE_TIMEOUT,
            port: None,
        }
    }

    fn name(&self) -> &str {
        match &self.endpoint {
            Endpoint::Serial(s) => &s.port,
            Endpoint::Tcp(a) => a,
        }
    }

    fn port(&mut self) -> std::io::Result<&mut Box<dyn Line>> {
        if self.port.is_none() {
            let line: Box<dyn Line> = match &self.endpoint {
                Endpoint::Serial(s) => Box::new(
                    serialport::new(&s.port, s.baud)
                        .flow_control(s.flow)
                        .timeout(s.answer_timeout)
                        .open()
                        .map_err(std::io::Error::from)?,
                ),
                Endpoint::Tcp(address) => {
                    use std::net::ToSocketAddrs;
                    let addr = address.to_socket_addrs()?.next().ok_or_else(|| {
                        std::io::Error::new(std::io::ErrorKind::NotFound, "no such address")
                    })?;
                    let stream =
                        std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
                    stream.set_nodelay(true)?;
                    Box::new(stream)
                }
            };
            self.port = Some(line);
        }
        Ok(self.port.as_mut().expect("just opened"))
    }

    /// Asks the three real-time status queries and interprets the answers.
    pub fn status(&mut self) -> PrinterState {
        match self.report() {
            Ok(r) => interpret(&r),
            Err(e) => {
                log::debug!("printer {}: {e}", self.name());
                self.port = None;
                PrinterState::NotAnswering
            }
        }
    }

    /// The raw answers; an I/O error means the port is gone.
    pub fn report(&mut self) -> std::io::Result<StatusReport> {
        let timeout = self.answer_timeout;
        let port = self.port()?;
        Ok(StatusReport {
            printer: ask(port, &QUERY_PRINTER, timeout)?,
            offline_cause: ask(port, &QUERY_OFFLINE_CAUSE, timeout)?,
            paper: ask(port, &QUERY_PAPER, timeout)?,
        })
    }

    /// Checks the status, sends the whole job, and checks again once the wire has carried
    /// it; the state returned is the one after the job.
    pub fn print(&mut self, bytes: &[u8]) -> Result<PrinterState, PrintError> {
        let state = self.status();
        if !state.can_print() {
            return Err(PrintError::NotReady(state));
        }
        let write_timeout = self.write_timeout;
        let started = Instant::now();
        let result = self
            .port()
            .and_then(|port| write_all_within(port, bytes, write_timeout));
        match result {
            Ok(()) => {
                // The kernel takes the job long before the wire has carried it, and some
                // USB-serial drivers (and ptys) do not wait in tcdrain: without this pause
                // the next status query queues behind the job and times out as if the
                // printer were gone.
                if let Endpoint::Serial(s) = &self.endpoint {
                    let on_wire = wire_time(bytes.len(), s.baud);
                    if let Some(rest) = on_wire.checked_sub(started.elapsed()) {
                        std::thread::sleep(rest);
                    }
                }
                // A printer still busy with the job (holding the line with XOFF, its buffer
                // full) answers late: only a definite fault, or trouble lasting past the write
                // timeout, fails the job.
                let deadline = Instant::now() + write_timeout;
                loop {
                    let after = self.status();
                    if after.can_print() {
                        return Ok(after);
                    }
                    // Paper out and cover open are definite; silence or a passing "offline"
                    // (the feed button, the cutter) are waited out.
                    let passing =
                        matches!(after, PrinterState::NotAnswering | PrinterState::Offline);
                    if !passing || Instant::now() >= deadline {
                        return Err(PrintError::Interrupted(after));
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
            Err(e) => {
                self.port = None;
                Err(PrintError::Io(e))
            }
        }
    }
}

/// How long `len` bytes take on a serial line: 10 bits a byte (start, 8 data, stop).
pub fn wire_time(len: usize, baud: u32) -> Duration {
    Duration::from_micros(len as u64 * 10_000_000 / baud.max(1) as u64)
}

/// Sends one query and waits for a status-shaped byte; `None` after the timeout.
fn ask(port: &mut Box<dyn Line>, query: &[u8], timeout: Duration) -> std::io::Result<Option<u8>> {
    // Old answers and line noise must not be taken for this query's answer; short reads so
    // the deadline below is kept whatever timeout a previous write left on the port.
    port.discard_input()?;
    port.set_line_timeout(Duration::from_millis(20))?;
    port.write_all(query)?;
    port.flush()?;
    let deadline = Instant::now() + timeout;
    let mut seen = Vec::new();
    let mut buf = [0u8; 16];
    while Instant::now() < deadline && seen.len() < 64 {
        match port.read(&mut buf) {
            Ok(0) => {}
            Ok(n) => {
                seen.extend_from_slice(&buf[..n]);
                if let Some(b) = find_answer(&seen) {
                    return Ok(Some(b));
                }
            }
            // A serial port reports a read timeout as TimedOut, a socket as WouldBlock.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
                ) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

/// Writes everything, failing if the printer holds the line longer than `timeout`.
fn write_all_within(
    port: &mut Box<dyn Line>,
    mut bytes: &[u8],
    timeout: Duration,
) -> std::io::Result<()> {
    port.set_line_timeout(timeout)?;
    while !bytes.is_empty() {
        match port.write(bytes) {
            Ok(0) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::WriteZero,
                    "the printer accepts no more bytes",
                ))
            }
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    port.flush()
}
