//! A thermal printer on a serial line: status before each job, the job written with the
//! configured flow control, and a reconnect after any I/O error (a USB-serial adapter that
//! was unplugged comes back under the same path).

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use serialport::{ClearBuffer, FlowControl, SerialPort};

use super::status::{
    find_answer, interpret, PrinterState, StatusReport, QUERY_OFFLINE_CAUSE, QUERY_PAPER,
    QUERY_PRINTER,
};

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
            answer_timeout: Duration::from_millis(300),
            write_timeout: Duration::from_secs(5),
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
}

impl std::fmt::Display for PrintError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PrintError::NotReady(s) => write!(f, "printer not ready: {s}"),
            PrintError::Io(e) => write!(f, "serial line: {e}"),
        }
    }
}

/// A serial printer, opened lazily and reopened after errors.
pub struct SerialPrinter {
    settings: SerialSettings,
    port: Option<Box<dyn SerialPort>>,
}

impl SerialPrinter {
    /// A printer at these settings; nothing is opened yet.
    pub fn new(settings: SerialSettings) -> SerialPrinter {
        SerialPrinter {
            settings,
            port: None,
        }
    }

    fn port(&mut self) -> std::io::Result<&mut Box<dyn SerialPort>> {
        if self.port.is_none() {
            let port = serialport::new(&self.settings.port, self.settings.baud)
                .flow_control(self.settings.flow)
                .timeout(self.settings.answer_timeout)
                .open()
                .map_err(std::io::Error::from)?;
            self.port = Some(port);
        }
        Ok(self.port.as_mut().expect("just opened"))
    }

    /// Asks the three real-time status queries and interprets the answers.
    pub fn status(&mut self) -> PrinterState {
        match self.report() {
            Ok(r) => interpret(&r),
            Err(e) => {
                log::debug!("printer {}: {e}", self.settings.port);
                self.port = None;
                PrinterState::NotAnswering
            }
        }
    }

    /// The raw answers; an I/O error means the port is gone.
    pub fn report(&mut self) -> std::io::Result<StatusReport> {
        let timeout = self.settings.answer_timeout;
        let port = self.port()?;
        Ok(StatusReport {
            printer: ask(port, &QUERY_PRINTER, timeout)?,
            offline_cause: ask(port, &QUERY_OFFLINE_CAUSE, timeout)?,
            paper: ask(port, &QUERY_PAPER, timeout)?,
        })
    }

    /// Checks the status, then sends the whole job.
    pub fn print(&mut self, bytes: &[u8]) -> Result<PrinterState, PrintError> {
        let state = self.status();
        if !state.can_print() {
            return Err(PrintError::NotReady(state));
        }
        let write_timeout = self.settings.write_timeout;
        let result = self
            .port()
            .and_then(|port| write_all_within(port, bytes, write_timeout));
        match result {
            Ok(()) => Ok(state),
            Err(e) => {
                self.port = None;
                Err(PrintError::Io(e))
            }
        }
    }
}

/// Sends one query and waits for a status-shaped byte; `None` after the timeout.
fn ask(
    port: &mut Box<dyn SerialPort>,
    query: &[u8],
    timeout: Duration,
) -> std::io::Result<Option<u8>> {
    // Old answers and line noise must not be taken for this query's answer; short reads so
    // the deadline below is kept whatever timeout a previous write left on the port.
    port.clear(ClearBuffer::Input)
        .map_err(std::io::Error::from)?;
    port.set_timeout(Duration::from_millis(20))
        .map_err(std::io::Error::from)?;
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
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

/// Writes everything, failing if the printer holds the line longer than `timeout`.
fn write_all_within(
    port: &mut Box<dyn SerialPort>,
    mut bytes: &[u8],
    timeout: Duration,
) -> std::io::Result<()> {
    port.set_timeout(timeout).map_err(std::io::Error::from)?;
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
