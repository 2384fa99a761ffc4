//! Printing off the UI thread: a worker owns the printer and reports each job's outcome.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::thread;

use crate::printer::serial::SerialPrinter;
use crate::printer::status::PrinterState;
use crate::printer::VirtualPrinter;

/// Where print jobs go.
pub trait PrintSink: Send {
    /// Sends one whole job; `stem` names it (time and ticket number) for sinks that keep files.
    fn print(&mut self, stem: &str, bytes: &[u8]) -> Result<(), String>;

    /// The printer's state, for sinks that can ask (a serial printer); asked after each
    /// job and every few seconds while idle.
    fn status(&mut self) -> Option<PrinterState> {
        None
    }
}

/// How often an idle worker asks the printer for its state.
pub const STATUS_POLL: std::time::Duration = std::time::Duration::from_secs(5);

/// The demo's printer: the exact bytes and a PNG preview in a directory.
pub struct VirtualSink(pub VirtualPrinter);

impl PrintSink for VirtualSink {
    fn print(&mut self, stem: &str, bytes: &[u8]) -> Result<(), String> {
        self.0
            .print(stem, bytes)
            .map(|_| ())
            .map_err(|e| format!("virtual printer: {e}"))
    }

    fn status(&mut self) -> Option<PrinterState> {
        Some(PrinterState::Ready)
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

/// A serial thermal printer: status checked before each job, nothing sent to a printer
/// that cannot print, reconnect after errors (see `printer::serial`).
pub struct SerialSink(pub SerialPrinter);

impl PrintSink for SerialSink {
    fn print(&mut self, _stem: &str, bytes: &[u8]) -> Result<(), String> {
        // The state after the job reaches the log through the worker's status report.
        self.0.print(bytes).map(|_| ()).map_err(|e| e.to_string())
    }

    fn status(&mut self) -> Option<PrinterState> {
        Some(self.0.status())
    }
}

/// What a job prints, so its outcome goes where it belongs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobKind {
    /// The receipt of a ticket just issued.
    Ticket {
        /// The ticket's id in the store.
        id: String,
    },
    /// A copy of a kept ticket's receipt, sent from the admin view.
    Reprint {
        /// The ticket's id in the store.
        id: String,
    },
    /// A dossier's status slip (no ticket behind it).
    StatusSlip,
    /// A procedure's checklist or its online-routing slip (no ticket behind either).
    Checklist,
    /// The admin view's sample receipt (no ticket in the store).
    TestPrint,
}

impl JobKind {
    /// The ticket a receipt or its copy belongs to.
    pub fn ticket_id(&self) -> Option<&str> {
        match self {
            JobKind::Ticket { id } | JobKind::Reprint { id } => Some(id),
            JobKind::StatusSlip | JobKind::Checklist | JobKind::TestPrint => None,
        }
    }
}

/// One slip to print.
pub struct Job {
    /// What the slip is.
    pub kind: JobKind,
    /// File-name stem: `<local time>-<number>`.
    pub stem: String,
    /// The ESC/POS bytes.
    pub bytes: Vec<u8>,
}

/// Names one submitted job, so a caller can recognise its outcome among others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobId(u64);

/// What became of a job.
#[derive(Debug)]
pub struct Outcome {
    /// The job, as [`PrintQueue::submit`] named it.
    pub job: JobId,
    /// What the job printed.
    pub kind: JobKind,
    /// `Err` carries the printer's complaint for the log.
    pub result: Result<(), String>,
}

/// The UI thread's handle on the print worker.
pub struct PrintQueue {
    jobs: Sender<(JobId, Job)>,
    outcomes: Receiver<Outcome>,
    states: Receiver<PrinterState>,
    /// Jobs sent to the worker and not yet reported, so a dead worker's jobs are failed.
    pending: std::cell::RefCell<Vec<(JobId, JobKind)>>,
    /// The id the next job gets.
    next_id: std::cell::Cell<u64>,
}

impl PrintQueue {
    /// Starts the worker thread that owns `sink`.
    pub fn start(mut sink: Box<dyn PrintSink>) -> PrintQueue {
        let (jobs, job_rx) = mpsc::channel::<(JobId, Job)>();
        let (out_tx, outcomes) = mpsc::channel();
        let (state_tx, states) = mpsc::channel();
        thread::Builder::new()
            .name("printer".into())
            .spawn(move || {
                loop {
                    match job_rx.recv_timeout(STATUS_POLL) {
                        Ok((id, job)) => {
                            // A sink that panics must not take the worker with it: the next
                            // ticket would wait for a printer thread that no longer exists.
                            let result = catch_unwind(AssertUnwindSafe(|| {
                                sink.print(&job.stem, &job.bytes)
                            }))
                            .unwrap_or_else(|_| Err("the printer driver panicked".into()));
                            let outcome = Outcome {
                                job: id,
                                kind: job.kind,
                                result,
                            };
                            if out_tx.send(outcome).is_err() {
                                return;
                            }
                        }
                        Err(RecvTimeoutError::Timeout) => {}
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                    let state = catch_unwind(AssertUnwindSafe(|| sink.status()))
                        .ok()
                        .flatten();
                    if let Some(now) = state {
                        if state_tx.send(now).is_err() {
                            return;
                        }
                    }
                }
            })
            .expect("spawn printer thread");
        PrintQueue {
            jobs,
            outcomes,
            states,
            pending: Default::default(),
            next_id: Default::default(),
        }
    }

    /// Queues a job; never blocks. Its outcome will carry the id returned.
    pub fn submit(&self, job: Job) -> JobId {
        let id = JobId(self.next_id.get());
        self.next_id.set(id.0 + 1);
        self.pending.borrow_mut().push((id, job.kind.clone()));
        // A send fails only if the worker died; `finished` then reports the job as failed.
        let _ = self.jobs.send((id, job));
        id
    }

    /// Whether every job given was reported.
    pub fn is_idle(&self) -> bool {
        self.pending.borrow().is_empty()
    }

    /// Whether a receipt (or copy) of this ticket is queued or printing.
    pub fn is_pending(&self, ticket_id: &str) -> bool {
        self.pending
            .borrow()
            .iter()
            .any(|(_, kind)| kind.ticket_id() == Some(ticket_id))
    }

    /// The printer's latest state if it was read since the last call (after each job and
    /// every [`STATUS_POLL`] while idle).
    pub fn latest_state(&self) -> Option<PrinterState> {
        self.states.try_iter().last()
    }

    /// The outcomes that arrived since the last call.
    pub fn finished(&self) -> Vec<Outcome> {
        let mut done = Vec::new();
        loop {
            match self.outcomes.try_recv() {
                Ok(o) => {
                    self.pending.borrow_mut().retain(|(id, _)| *id != o.job);
                    done.push(o);
                }
                Err(TryRecvError::Empty) => return done,
                Err(TryRecvError::Disconnected) => {
                    done.extend(
                        self.pending
                            .borrow_mut()
                            .drain(..)
                            .map(|(job, kind)| Outcome {
                                job,
                                kind,
                                result: Err("the printer thread has stopped".into()),
                            }),
                    );
                    return done;
                }
            }
        }
    }
}

/// The directory the virtual printer writes receipts to.
pub fn receipts_dir(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("receipts")
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Panics;
    impl PrintSink for Panics {
        fn print(&mut self, stem: &str, _bytes: &[u8]) -> Result<(), String> {
            if stem == "boom" {
                panic!("driver bug");
            }
            Ok(())
        }
    }

    fn wait(q: &PrintQueue, n: usize) -> Vec<Outcome> {
        let mut all = Vec::new();
        for _ in 0..500 {
            all.extend(q.finished());
            if all.len() >= n {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        all
    }

    fn job(id: &str, stem: &str) -> Job {
        Job {
            kind: JobKind::Ticket { id: id.into() },
            stem: stem.into(),
            bytes: vec![0x1b, 0x40],
        }
    }

    #[test]
    fn a_panicking_driver_fails_its_job_and_the_worker_goes_on() {
        let q = PrintQueue::start(Box::new(Panics));
        q.submit(job("t1", "boom"));
        q.submit(job("t2", "ok"));
        let out = wait(&q, 2);
        assert_eq!(out.len(), 2);
        assert!(out[0].result.is_err());
        assert!(out[1].result.is_ok());
        assert!(q.pending.borrow().is_empty());
    }

    /// Reports the state the test put in the shared cell.
    struct Watched(std::sync::Arc<std::sync::Mutex<PrinterState>>);
    impl PrintSink for Watched {
        fn print(&mut self, _stem: &str, _bytes: &[u8]) -> Result<(), String> {
            Ok(())
        }
        fn status(&mut self) -> Option<PrinterState> {
            Some(*self.0.lock().unwrap())
        }
    }

    /// The next state the worker reports, waiting up to a second.
    fn next_state(q: &PrintQueue) -> Option<PrinterState> {
        for _ in 0..200 {
            if let Some(s) = q.latest_state() {
                return Some(s);
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        None
    }

    #[test]
    fn the_state_is_read_after_each_job() {
        let cell = std::sync::Arc::new(std::sync::Mutex::new(PrinterState::Ready));
        let q = PrintQueue::start(Box::new(Watched(cell.clone())));
        q.submit(job("t1", "a"));
        assert_eq!(wait(&q, 1).len(), 1);
        assert_eq!(next_state(&q), Some(PrinterState::Ready));
        *cell.lock().unwrap() = PrinterState::PaperNearEnd;
        q.submit(job("t2", "b"));
        assert_eq!(wait(&q, 1).len(), 1);
        assert_eq!(next_state(&q), Some(PrinterState::PaperNearEnd));
    }

    #[test]
    fn no_printer_fails_every_job() {
        let q = PrintQueue::start(Box::new(NoPrinter));
        q.submit(job("t1", "a"));
        let out = wait(&q, 1);
        assert_eq!(out[0].kind, JobKind::Ticket { id: "t1".into() });
        assert!(out[0].result.is_err());
    }
}
