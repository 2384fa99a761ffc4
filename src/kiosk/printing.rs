//! Printing off the UI thread: a worker owns the printer and reports each job's outcome.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::thread;

use crate::printer::VirtualPrinter;

/// Where print jobs go.
pub trait PrintSink: Send {
    /// Sends one whole job; `stem` names it (time and ticket number) for sinks that keep files.
    fn print(&mut self, stem: &str, bytes: &[u8]) -> Result<(), String>;
}

/// The demo's printer: the exact bytes and a PNG preview in a directory.
pub struct VirtualSink(pub VirtualPrinter);

impl PrintSink for VirtualSink {
    fn print(&mut self, stem: &str, bytes: &[u8]) -> Result<(), String> {
        self.0
            .print(stem, bytes)
            .map(|_| ())
            .map_err(|e| format!("virtual printer: {e}"))
    }
}

/// A kiosk configured without a printer: every job "fails" so the screen tells the citizen
/// to photograph the number.
pub struct NoPrinter;

impl PrintSink for NoPrinter {
    fn print(&mut self, _stem: &str, _bytes: &[u8]) -> Result<(), String> {
        Err("no printer configured".into())
    }
}

/// A serial thermal printer, written in one go; faults and status come with the printer issue.
pub struct SerialSink {
    /// Device path, e.g. /dev/ttyUSB0.
    pub port: String,
    /// Line speed.
    pub baud: u32,
    /// Flow control as configured.
    pub flow: serialport::FlowControl,
}

impl PrintSink for SerialSink {
    fn print(&mut self, _stem: &str, bytes: &[u8]) -> Result<(), String> {
        let mut port = serialport::new(&self.port, self.baud)
            .flow_control(self.flow)
            .timeout(std::time::Duration::from_secs(10))
            .open()
            .map_err(|e| format!("{}: {e}", self.port))?;
        std::io::Write::write_all(&mut port, bytes).map_err(|e| format!("{}: {e}", self.port))?;
        std::io::Write::flush(&mut port).map_err(|e| format!("{}: {e}", self.port))
    }
}

/// One receipt to print for a ticket.
pub struct Job {
    /// The ticket the receipt belongs to.
    pub ticket_id: String,
    /// File-name stem: `<local time>-<number>`.
    pub stem: String,
    /// The ESC/POS bytes.
    pub bytes: Vec<u8>,
}

/// What became of a job.
#[derive(Debug)]
pub struct Outcome {
    /// The ticket the job was for.
    pub ticket_id: String,
    /// `Err` carries the printer's complaint for the log.
    pub result: Result<(), String>,
}

/// The UI thread's handle on the print worker.
pub struct PrintQueue {
    jobs: Sender<Job>,
    outcomes: Receiver<Outcome>,
}

impl PrintQueue {
    /// Starts the worker thread that owns `sink`.
    pub fn start(mut sink: Box<dyn PrintSink>) -> PrintQueue {
        let (jobs, job_rx) = mpsc::channel::<Job>();
        let (out_tx, outcomes) = mpsc::channel();
        thread::Builder::new()
            .name("printer".into())
            .spawn(move || {
                for job in job_rx {
                    let result = sink.print(&job.stem, &job.bytes);
                    if out_tx
                        .send(Outcome {
                            ticket_id: job.ticket_id,
                            result,
                        })
                        .is_err()
                    {
                        break;
                    }
                }
            })
            .expect("spawn printer thread");
        PrintQueue { jobs, outcomes }
    }

    /// Queues a job; never blocks.
    pub fn submit(&self, job: Job) {
        // The worker only stops when the queue is dropped, so a send cannot fail while we live.
        let _ = self.jobs.send(job);
    }

    /// The outcomes that arrived since the last call.
    pub fn finished(&self) -> Vec<Outcome> {
        let mut done = Vec::new();
        loop {
            match self.outcomes.try_recv() {
                Ok(o) => done.push(o),
                Err(TryRecvError::Empty) | Err(TryRecvError::Disconnected) => return done,
            }
        }
    }
}

/// The directory the virtual printer writes receipts to.
pub fn receipts_dir(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("receipts")
}
